//! The C test programs of tests/c/, built against our headers and library with
//! `-Wall -Wextra -Werror`, run under valgrind (`--error-exitcode`, full leak check): bad input
//! and wrong call order across the API, the X.509/PK and socket/RNG smoke tests, and the PSA
//! smoke test (its digests checked against Python's hashlib).

mod common;

use common::*;

fn under_valgrind(name: &str, args: &[&str]) -> String {
    let prog = program(&format!("tests/{name}"));
    let mut argv = vec![
        "valgrind",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect",
        "--show-leak-kinds=definite,indirect",
        &prog,
    ];
    argv.extend_from_slice(args);
    let (status, out) = run(name, &argv, b"", 300);
    assert!(status.success(), "{name} failed under valgrind (exit {status:?}):\n{out}");
    assert!(out.contains("ERROR SUMMARY: 0 errors"), "{name}:\n{out}");
    out
}

#[test]
fn bad_input_returns_documented_codes_without_memory_errors() {
    let dir = certs().to_str().unwrap().to_string();
    let out = under_valgrind("bad_input", &[&dir]);
    assert!(out.contains("PASSED: 0 of"), "{out}");
}

#[test]
fn x509_and_pk_smoke_test() {
    let dir = certs().to_str().unwrap().to_string();
    under_valgrind("x509_pk_smoke", &[&dir]);
}

#[test]
fn sockets_and_random_smoke_test() {
    under_valgrind("net_rng_smoke", &[]);
}

/// The inputs of tests/c/psa_smoke.c, hashed by Python's hashlib: `alg input hex` lines.
const HASHLIB: &str = r#"
import hashlib
inputs = {
    "abc": b"abc",
    "empty": b"",
    "pattern": bytes((i * 7 + 3) & 0xFF for i in range(1000)),
    "many_a": b"a" * 100000,
}
for alg in ["sha1", "sha224", "sha256", "sha384", "sha512"]:
    for name, data in inputs.items():
        print(alg, name, hashlib.new(alg, data).hexdigest())
"#;

#[test]
fn psa_smoke_test_digests_equal_hashlib() {
    let out = under_valgrind("psa_smoke", &[]);
    assert!(out.contains("PSA smoke test passed"), "{out}");
    let (status, expected) = run("hashlib", &["python3", "-c", HASHLIB], b"", 60);
    assert!(status.success(), "python3: {expected}");
    let expected: std::collections::HashMap<(&str, &str), &str> = expected
        .lines()
        .filter_map(|line| match line.split_whitespace().collect::<Vec<_>>()[..] {
            [alg, input, hex] => Some(((alg, input), hex)),
            _ => None,
        })
        .collect();
    assert_eq!(expected.len(), 20, "hashlib's digests");
    let mut checked = std::collections::HashMap::new();
    let mut random = Vec::new();
    for line in out.lines() {
        match line.split_whitespace().collect::<Vec<_>>()[..] {
            [tag @ ("HASH" | "MULTI" | "CLONE"), alg, input, hex] => {
                assert_eq!(Some(&hex), expected.get(&(alg, input)), "{line}");
                *checked.entry(tag).or_insert(0) += 1;
            }
            ["RANDOM", _, _, hex] => random.push(hex),
            _ => {}
        }
    }
    assert_eq!(checked.get("HASH"), Some(&21), "one-shot digests (and the NULL input):\n{out}");
    assert_eq!(checked.get("MULTI"), Some(&20), "multi-part digests:\n{out}");
    assert_eq!(checked.get("CLONE"), Some(&20), "digests after clone and setup again:\n{out}");
    assert_eq!(random.len(), 2, "{out}");
    assert!(random.iter().all(|hex| hex.len() == 64) && random[0] != random[1], "{random:?}");
}
