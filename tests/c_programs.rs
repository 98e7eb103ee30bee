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

/// Writes the base64 cases: well-formed encodings of random data (with the line ends and trailing
/// spaces Mbed TLS allows, and the misplaced spaces and bad characters it refuses), each against
/// NULL, empty, exact, short and large output buffers. Prints one case per line, then a line
/// `--`, then for every encoding case with a large buffer the expected output (Python's).
const BASE64_CASES: &str = r#"
import base64, random
random.seed(62351)
cases, expected = [], []
for n in list(range(0, 40)) + [1000, 3000]:
    data = bytes(random.getrandbits(8) for _ in range(n))
    enc = base64.b64encode(data)
    for dlen in [-1, 0, len(enc), len(enc) + 1, 60000]:
        cases.append(f"e {dlen} {data.hex()}")
    shown = (enc + bytes(1)).hex() if enc else ""
    expected.append((len(cases) - 1, f"0 {len(enc)} {shown}"))
    variants = [enc, enc + b"\n", enc + b"   ", b"\r\n".join(enc[i:i + 64] for i in range(0, len(enc), 64)),
                b"\n".join(enc[i:i + 76] for i in range(0, len(enc), 76)) + b"\n", b" " + enc,
                enc[:len(enc) // 2] + b" " + enc[len(enc) // 2:],
                enc[:4] + b"$" + enc[5:] if len(enc) > 4 else b"$$$$", enc[:-1] + b"\x80" if enc else b"\x80"]
    for v in variants:
        for dlen in [-1, 0, len(data), max(len(data) - 1, 0), 60000]:
            cases.append(f"d {dlen} {v.hex()}")
    expected.append((len(cases) - 5 * len(variants) + 4, f"0 {len(data)} {data.hex()}"))
print("\n".join(cases))
print("--")
print("\n".join(f"{i} {line}" for i, line in expected))
"#;

#[test]
fn base64_matches_mbedtls_2_28_and_python() {
    let (status, generated) = run("python3", &["python3", "-c", BASE64_CASES], b"", 60);
    assert!(status.success(), "{generated}");
    let (cases, expected) = generated.split_once("--\n").expect("case list");
    let ours = program("tests/base64_cases");
    let argv = ["valgrind", "--error-exitcode=99", "--leak-check=full", "-q", ours.as_str()];
    let (status, ours) = run("base64_cases", &argv, cases.as_bytes(), 300);
    assert!(status.success(), "ours under valgrind:\n{ours}");
    let reference = program("mbedtls-2.28/tests/base64_cases");
    let (status, theirs) = run("base64_cases-2.28", &[reference.as_str()], cases.as_bytes(), 60);
    assert!(status.success(), "{theirs}");
    let (ours, theirs): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let cases: Vec<&str> = cases.lines().collect();
    assert!(cases.len() > 2000 && ours.len() == cases.len() && theirs.len() == cases.len());
    for (i, case) in cases.iter().enumerate() {
        assert_eq!(ours[i].trim_end(), theirs[i].trim_end(), "case {i}: {case}");
    }
    for line in expected.lines() {
        let (i, want) = line.split_once(' ').unwrap();
        let i: usize = i.parse().unwrap();
        assert_eq!(ours[i].trim_end(), want.trim_end(), "case {i}: {}", cases[i]);
    }
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
