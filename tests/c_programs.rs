//! The C test programs of tests/c/, built against our headers and library with
//! `-Wall -Wextra -Werror`, run under valgrind (`--error-exitcode`, full leak check): bad input
//! and wrong call order across the API, the X.509/PK and socket/RNG smoke tests, and the digests
//! and HMACs of md.h / sha*.h checked against Python's hashlib and hmac.

mod common;

use std::collections::HashMap;
use std::process::Command;

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

/// Python's values for the inputs of tests/c/md_sha.c, as "<kind> <algorithm> <input> <hex>".
const PYTHON_DIGESTS: &str = r#"
import hashlib, hmac
big = bytes(((i * 31 + (i >> 8)) & 0xFF) for i in range(1 << 20))
inputs = {"empty": b"", "abc": b"abc", "1m": big}
keys = {"Jefe": b"Jefe", "long": bytes(range(200))}
for alg in ["sha1", "sha224", "sha256", "sha384", "sha512"]:
    for name, data in inputs.items():
        print("digest", alg, name, hashlib.new(alg, data).hexdigest())
        for key_name, key in keys.items():
            print("hmac", alg, key_name + "/" + name, hmac.new(key, data, alg).hexdigest())
"#;

#[test]
fn digests_and_hmacs_equal_pythons() {
    let out = Command::new("python3").args(["-c", PYTHON_DIGESTS]).output().expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected: HashMap<(String, String, String), String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            ((f[0].to_string(), f[1].to_string(), f[2].to_string()), f[3].to_string())
        })
        .collect();
    assert_eq!(expected.len(), 5 * 3 * 3);

    let scratch = std::env::temp_dir().join(format!("md_sha-{}.bin", std::process::id()));
    let text = under_valgrind("md_sha", &[scratch.to_str().unwrap()]);
    assert!(!scratch.exists(), "the program removes its scratch file");
    assert!(text.contains("md_sha: 0 failures"), "{text}");
    // Every route of every value: the sha*.h one-shot, pieces, clone and original (4) and md.h's
    // one-shot, pieces and clone (3) for digests, plus md.h-file for the 1 MiB input; md.h's
    // one-shot, pieces and reset-then-clone for HMACs.
    let mut routes: HashMap<(String, String, String), usize> = HashMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() != 5 || !(f[0] == "digest" || f[0] == "hmac") {
            continue;
        }
        let key = (f[0].to_string(), f[1].to_string(), f[2].to_string());
        let want = expected.get(&key).unwrap_or_else(|| panic!("unexpected line {line:?}"));
        assert_eq!(f[4], want, "{line}");
        *routes.entry(key).or_default() += 1;
    }
    for key in expected.keys() {
        let want = match (key.0.as_str(), key.2.as_str()) {
            ("hmac", _) => 3,
            (_, "1m") => 8,
            _ => 7,
        };
        assert_eq!(routes.get(key), Some(&want), "routes of {key:?}");
    }
}
