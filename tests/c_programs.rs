//! The C test programs of tests/c/, built against our headers and library with
//! `-Wall -Wextra -Werror`, run under valgrind (`--error-exitcode`, full leak check): bad input
//! and wrong call order across the API, the X.509/PK and socket/RNG smoke tests, the PSA smoke
//! test, error.h's texts and the platform layer (clock, gmtime_r), the digests and HMACs of
//! md.h / sha*.h (all checked against Python's hashlib and hmac), and base64 against Debian's
//! Mbed TLS 2.28 and Python, and chain verification with verify callbacks against Debian's Mbed
//! TLS 2.28.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::*;

/// valgrind's options for every C test program: memory errors and definite or indirect leaks
/// fail the run (the library's global handle registry is reachable, not leaked).
const VALGRIND: &[&str] = &[
    "valgrind",
    "--error-exitcode=99",
    "--leak-check=full",
    "--errors-for-leak-kinds=definite,indirect",
    "--show-leak-kinds=definite,indirect",
];

fn under_valgrind(name: &str, args: &[&str]) -> String {
    let prog = program(&format!("tests/{name}"));
    let mut argv = VALGRIND.to_vec();
    argv.push(&prog);
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

#[test]
fn error_texts_and_platform_layer_smoke_test() {
    let out = under_valgrind("util_smoke", &[]);
    assert!(out.contains("util smoke test passed"), "{out}");
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
    let argv = [VALGRIND, &["-q", ours.as_str()]].concat();
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

/// Chain verification (`mbedtls_x509_crt_verify` / `_with_profile` with a verify callback) on
/// the chains of scripts/gen-verify-chains.sh: every callback call (depth, flags) and every
/// result equal Debian's Mbed TLS 2.28's, case by case; ours runs under valgrind.
#[test]
fn chain_verification_and_callbacks_match_mbedtls_2_28() {
    let dir = certs().join("chains");
    let dir = dir.to_str().unwrap();
    let ours = program("tests/verify_chains");
    let argv = [VALGRIND, &["-q", ours.as_str(), dir]].concat();
    let (status, ours) = run("verify_chains", &argv, b"", 300);
    assert!(status.success(), "ours under valgrind:\n{ours}");
    let reference = program("mbedtls-2.28/tests/verify_chains");
    let (status, theirs) = run("verify_chains-2.28", &[reference.as_str(), dir], b"", 60);
    assert!(status.success(), "{theirs}");
    let cases = theirs.lines().filter(|l| l.starts_with("case ")).count();
    assert!(cases >= 20, "{theirs}");
    // Each case's lines, compared as a block so that a difference names its case.
    let blocks = |out: &str| -> Vec<String> {
        out.split("case ").filter(|b| !b.is_empty()).map(|b| format!("case {b}")).collect()
    };
    let (ours, theirs) = (blocks(&ours), blocks(&theirs));
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a, b);
    }
    // Sanity of the reference itself: pinning and callback errors behave as documented.
    let find = |name: &str| theirs.iter().find(|b| b.starts_with(&format!("case {name}\n"))).unwrap().clone();
    assert!(find("self-signed, pinned").ends_with("ret -0x0000 flags 0x00000000\n"));
    assert!(find("callback error").contains("ret -0x1234 flags 0xffffffff"));
    assert!(find("callback returns VERIFY_FAILED").contains("ret -0x3000"));
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

#[test]
fn ssl_handshake_parameters_offline_checks() {
    let out = under_valgrind("ssl_params", &["mode=checks"]);
    assert!(out.contains("checks: ok"), "{out}");
}

/// A scratch directory of its own for one test (removed first if a previous run left it).
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mbedtls-compat-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// ctr_drbg.h, entropy.h, timing.h, constant_time.h (tests/c/small_modules.c): every return code
/// and observation (entropy callback draws and their lengths, source polls, seed file sizes,
/// delay states) equal Debian's Mbed TLS 2.28's, line by line; ours runs under valgrind and also
/// passes the 3.6-only psa_util.h checks, where an ECDSA P-256 signature made by
/// `openssl dgst -sign` converts to raw `r ‖ s` equal to what `openssl asn1parse` shows, and back
/// to the same DER bytes.
#[test]
fn small_modules_match_mbedtls_2_28_and_openssl() {
    let dir = scratch("small-modules");
    let d = dir.to_str().unwrap();
    let key = dir.join("key.pem");
    let data = dir.join("data");
    let sig = dir.join("sig.der");
    std::fs::write(&data, b"message signed by openssl").unwrap();
    let ok = |argv: &[&str]| {
        let out = Command::new(argv[0]).args(&argv[1..]).output().expect("openssl");
        assert!(out.status.success(), "{argv:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (key_s, data_s, sig_s) = (key.to_str().unwrap(), data.to_str().unwrap(), sig.to_str().unwrap());
    ok(&["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key_s]);
    ok(&["openssl", "dgst", "-sha256", "-sign", key_s, "-out", sig_s, data_s]);
    let parsed = ok(&["openssl", "asn1parse", "-inform", "DER", "-in", sig_s]);
    let ints: Vec<String> = parsed
        .lines()
        .filter_map(|l| l.split("INTEGER").nth(1))
        .map(|v| format!("{:0>64}", v.trim().trim_start_matches(':').to_lowercase()))
        .collect();
    assert_eq!(ints.len(), 2, "{parsed}");

    let ours_dir = dir.join("ours");
    std::fs::create_dir_all(&ours_dir).unwrap();
    let ours = program("tests/small_modules");
    let argv = [VALGRIND, &["-q", ours.as_str(), ours_dir.to_str().unwrap(), sig_s]].concat();
    let (status, ours) = run("small_modules", &argv, b"", 300);
    assert!(status.success() && ours.contains("small modules: done") && !ours.contains("FAILED"), "{ours}");
    assert!(ours.contains(&format!("raw {}{}", ints[0], ints[1])), "{ours}\n{parsed}");

    let theirs_dir = dir.join("theirs");
    std::fs::create_dir_all(&theirs_dir).unwrap();
    let reference = program("mbedtls-2.28/tests/small_modules");
    let (status, theirs) = run("small_modules-2.28", &[reference.as_str(), theirs_dir.to_str().unwrap()], b"", 60);
    assert!(status.success(), "{theirs}");
    let ret_lines =
        |out: &str| -> Vec<String> { out.lines().filter(|l| l.starts_with("ret ")).map(String::from).collect() };
    let (ours, theirs) = (ret_lines(&ours), ret_lines(&theirs));
    assert!(theirs.len() >= 85, "{theirs:?}");
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a, b);
    }
    let _ = d;
    std::fs::remove_dir_all(&dir).unwrap();
}
