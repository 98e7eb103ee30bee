//! The C test programs of tests/c/, built against our headers and library with
//! `-Wall -Wextra -Werror`, run under valgrind (`--error-exitcode`, full leak check): bad input
//! and wrong call order across the API, the X.509/PK and socket/RNG smoke tests, the PSA smoke
//! test, error.h's texts and the platform layer (clock, gmtime_r), the digests and HMACs of
//! md.h / sha*.h (all checked against Python's hashlib and hmac), and base64 against Debian's
//! Mbed TLS 2.28 and Python, chain verification with verify callbacks against Debian's Mbed
//! TLS 2.28, and the symmetric ciphers (aes.h, gcm.h, chacha20.h, poly1305.h, chachapoly.h,
//! cipher.h) against Python's `cryptography` and Debian's Mbed TLS 2.28, and pk.h's operations
//! and pem.h against the openssl CLI.

mod common;

use std::collections::HashMap;
use std::process::Command;

use common::*;

fn under_valgrind(name: &str, args: &[&str]) -> String {
    let prog = program(&format!("tests/{name}"));
    let mut argv = memcheck();
    argv.push(&prog);
    argv.extend_from_slice(args);
    let (status, out) = run(name, &argv, b"", 300);
    assert!(status.success(), "{name} failed under valgrind (exit {status:?}):\n{out}");
    out
}

/// Runs the test program `name` built against this library (under valgrind, quiet: its output
/// only) and built against Debian's Mbed TLS 2.28, with the same arguments and input; both
/// outputs, each run having succeeded.
fn ours_and_2_28(name: &str, args: &[&str], stdin: &[u8], secs: u64) -> (String, String) {
    let ours = program(&format!("tests/{name}"));
    let argv = [&memcheck()[..], &[ours.as_str()], args].concat();
    let (status, ours) = run(name, &argv, stdin, secs);
    assert!(status.success(), "{name} (ours) under valgrind:\n{ours}");
    let reference = program(&format!("mbedtls-2.28/tests/{name}"));
    let argv = [&[reference.as_str()], args].concat();
    let (status, theirs) = run(&format!("{name}-2.28"), &argv, stdin, secs);
    assert!(status.success(), "{name} (Mbed TLS 2.28):\n{theirs}");
    if EDITION_2_28_TESTS.contains(&name) {
        // The caller compares ours with Mbed TLS 2.28 (with the differences it documents); the
        // 2.28 edition shares the core, so its results must be ours exactly, except where the
        // program's 2.28 code path skips a 3.6-only case as it does against Mbed TLS 2.28.
        same_lines(name, &edition_2_28(name, args, stdin, secs), &ours, &theirs);
    }
    (ours, theirs)
}

/// The differential test programs also built against our Mbed TLS 2.28 edition
/// (`build/2.28/tests/`, Makefile `E228_PROGS`); cipher_cases and small_modules read 2.28's
/// public fields of `mbedtls_cipher_info_t` and `mbedtls_timing_delay_context`.
const EDITION_2_28_TESTS: &[&str] =
    &["base64_cases", "verify_chains", "cipher_cases", "x509_crl_smoke", "small_modules"];

/// Runs the test program `name` built against our Mbed TLS 2.28 edition, under valgrind.
fn edition_2_28(name: &str, args: &[&str], stdin: &[u8], secs: u64) -> String {
    let prog = program(&format!("2.28/tests/{name}"));
    let argv = [&memcheck()[..], &[prog.as_str()], args].concat();
    let (status, out) = run(&format!("{name} (our 2.28 edition)"), &argv, stdin, secs);
    assert!(status.success(), "{name} (our 2.28 edition) under valgrind:\n{out}");
    out
}

/// The 2.28 edition's output equals `other`'s (our 3.6 edition's or Mbed TLS 2.28's) line by
/// line, except a case the program's 2.28 code path skips (" SKIP") as it does against Mbed TLS
/// 2.28 (`theirs`).
fn same_lines(name: &str, edition: &str, other: &str, theirs: &str) {
    let (e, o, t): (Vec<&str>, Vec<&str>, Vec<&str>) =
        (edition.lines().collect(), other.lines().collect(), theirs.lines().collect());
    assert_eq!(e.len(), o.len(), "{name}: our 2.28 edition vs the other run, line counts");
    for (i, line) in e.iter().enumerate() {
        let skipped_as_2_28 = line.ends_with(" SKIP") && t.get(i) == Some(line);
        assert!(
            line.trim_end() == o[i].trim_end() || skipped_as_2_28,
            "{name}, line {i}: our 2.28 edition {line:?}, the other run {:?}",
            o[i]
        );
    }
}

#[test]
fn bad_input_returns_documented_codes_without_memory_errors() {
    let dir = certs().to_str().unwrap().to_string();
    let out = under_valgrind("bad_input", &[&dir]);
    assert!(out.contains("PASSED: 0 of"), "{out}");
}

/// tests/c/cipher_bad_input.c: NULLs, zero and huge lengths, bad key sizes and modes, wrong call
/// order, forged tags and bad padding across aes.h, gcm.h, chacha20.h, poly1305.h, chachapoly.h
/// and cipher.h, each answered with its Mbed TLS code (refused decryptions leave zeros).
#[test]
fn cipher_bad_input_returns_mbedtls_codes_without_memory_errors() {
    let out = under_valgrind("cipher_bad_input", &[]);
    let checks: usize =
        out.split("PASSED: 0 of ").nth(1).and_then(|rest| rest.split(' ').next()?.parse().ok()).unwrap_or(0);
    assert!(checks > 200, "{out}");
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
    let (ours, theirs) = ours_and_2_28("base64_cases", &[], cases.as_bytes(), 300);
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
/// the chains of scripts/gen-verify-chains.sh, and with the CRLs `openssl ca` made
/// (scripts/gen-test-certs.sh): every callback call (depth, flags) and every result equal
/// Debian's Mbed TLS 2.28's, case by case; ours runs under valgrind.
#[test]
fn chain_verification_and_callbacks_match_mbedtls_2_28() {
    let dir = certs().join("chains");
    let dir = dir.to_str().unwrap();
    let (ours, theirs) = ours_and_2_28("verify_chains", &[dir], b"", 300);
    let cases = theirs.lines().filter(|l| l.starts_with("case ")).count();
    assert!(cases >= 36, "{theirs}");
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
    let result = |name: &str| find(name).lines().last().unwrap().to_string();
    assert_eq!(result("crl: client revoked"), "  ret -0x2700 flags 0x00000002");
    assert_eq!(result("crl: expired, listed"), "  ret -0x2700 flags 0x00000022");
    assert_eq!(result("crl: future"), "  ret -0x2700 flags 0x00000400");
    assert_eq!(result("crl: forged signature"), "  ret -0x2700 flags 0x00000010");
    assert_eq!(result("crl: two CAs' CRLs, second CA"), "  ret -0x2700 flags 0x00000002");
    assert_eq!(result("crl: empty list struct"), "  ret -0x0000 flags 0x00000000");
}

/// The "= " lines of a transcript (what tests/c/x509_crl_smoke.c prints for comparison).
fn transcript(out: &str) -> Vec<&str> {
    out.lines().filter(|l| l.starts_with("= ")).collect()
}

#[test]
fn crls_and_x509_helpers_match_mbedtls_2_28() {
    let dir = certs().to_str().unwrap().to_string();
    let ours = under_valgrind("x509_crl_smoke", &[&dir]);
    assert!(ours.contains("x509 crl smoke test passed"), "{ours}");
    let reference = program("mbedtls-2.28/tests/x509_crl_smoke");
    let (status, theirs) = run("x509_crl_smoke-2.28", &[reference.as_str(), &dir], b"", 120);
    assert!(status.success(), "the same checks against Mbed TLS 2.28:\n{theirs}");
    same_lines("x509_crl_smoke", &edition_2_28("x509_crl_smoke", &[&dir], b"", 300), &theirs, &theirs);
    let (ours, theirs) = (transcript(&ours), transcript(&theirs));
    // CRL texts of 8 CRLs, every truncation and corruption of a DER CRL, names, serials, usages.
    assert!(ours.len() > 1000, "{}", ours.len());
    let differences: Vec<String> =
        ours.iter().zip(&theirs).filter(|(a, b)| a != b).map(|(a, b)| format!("ours:   {a}\n2.28:   {b}")).collect();
    assert!(
        differences.is_empty() && ours.len() == theirs.len(),
        "{} differences:\n{}",
        differences.len(),
        differences.join("\n")
    );
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

/// The symmetric-cipher headers (aes.h, gcm.h, chacha20.h, poly1305.h, chachapoly.h, cipher.h)
/// through tests/c/cipher_cases.c on the cases of tests/c/cipher_cases.py: published vectors
/// (NIST SP 800-38A, the GCM specification, RFC 8439) and seeded random keys, IVs, data and piece
/// sizes, one-shot and streamed. Ours (under valgrind) prints exactly what Python's
/// `cryptography` computes, and what the same program built against Debian's Mbed TLS 2.28
/// prints, except where the 2.28 API differs (the generator names those cases; 2.28 lacks the
/// 3.x GCM streaming calls and prints SKIP for them).
#[test]
fn symmetric_ciphers_equal_python_cryptography_and_mbedtls_2_28() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/c/cipher_cases.py");
    let (status, generated) = run("cipher_cases.py", &["python3", script], b"", 120);
    assert!(status.success(), "{generated}");
    let parts: Vec<&str> = generated.split("--\n").collect();
    let [cases, expected, differs] = parts[..] else { panic!("generator output:\n{generated}") };
    let differs: Vec<&str> = differs.split_whitespace().collect();
    let (ours, theirs) = ours_and_2_28("cipher_cases", &[], cases.as_bytes(), 600);
    let (ours, theirs, expected): (Vec<&str>, Vec<&str>, Vec<&str>) =
        (ours.lines().collect(), theirs.lines().collect(), expected.lines().collect());
    assert!(cases.lines().count() > 400 && expected.len() > 1000, "{} cases", cases.lines().count());
    assert_eq!((ours.len(), theirs.len()), (expected.len(), expected.len()), "one line per result");
    let case_of = |line: &str| -> usize { line.split(' ').next().unwrap().parse().unwrap() };
    let (mut by_python, mut by_2_28) = (0, 0);
    for (i, ours) in ours.iter().enumerate() {
        let case = cases.lines().nth(case_of(ours)).unwrap();
        if expected[i] != "?" {
            assert_eq!(*ours, expected[i], "line {i}, case {case}");
            by_python += 1;
        }
        if !theirs[i].ends_with(" SKIP") && !differs.contains(&case_of(ours).to_string().as_str()) {
            assert_eq!(*ours, theirs[i], "line {i}, case {case} (Mbed TLS 2.28)");
            by_2_28 += 1;
        }
    }
    assert!(by_python > 1100 && by_2_28 > 900, "{by_python} lines checked by Python, {by_2_28} by Mbed TLS 2.28");
}

/// Runs `openssl args...` and returns its stdout; panics when it fails.
fn openssl(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").args(args).output().expect("openssl runs");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// pk.h's operations and pem.h against the openssl CLI: openssl verifies our ECDSA, RSA PKCS#1
/// v1.5 and RSA-PSS signatures with the public keys we wrote, we verify openssl's; RSA PKCS#1
/// v1.5 encryption both ways; the keys we write read back by openssl equal the originals; plus
/// pair checks, PEM blocks and bad input (all in tests/c/pk_ops.c, under valgrind).
#[test]
fn pk_operations_against_openssl() {
    let dir = scratch("pk-ops");
    let w = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let key = |name: &str| certs().join(name).to_str().unwrap().to_string();
    std::fs::write(w("msg"), b"The message that is signed, 62351-3.\n").unwrap();
    std::fs::write(w("secret"), b"a premaster secret").unwrap();
    openssl(&["dgst", "-sha256", "-sign", &key("server-ec.key"), "-out", &w("ec.osig"), &w("msg")]);
    openssl(&["dgst", "-sha256", "-sign", &key("server-rsa.key"), "-out", &w("rsa.osig"), &w("msg")]);
    openssl(&["pkey", "-pubout", "-in", &key("server-rsa.key"), "-out", &w("rsa.opub")]);
    openssl(&["pkeyutl", "-encrypt", "-pubin", "-inkey", &w("rsa.opub"), "-in", &w("secret"), "-out", &w("rsa.oenc")]);
    // A legacy-encrypted (Proc-Type: 4,ENCRYPTED) key.
    openssl(&[
        "rsa",
        "-traditional",
        "-aes128",
        "-passout",
        "pass:secret",
        "-in",
        &key("server-rsa.key"),
        "-out",
        &w("legacy.pem"),
    ]);
    let out = under_valgrind("pk_ops", &[certs().to_str().unwrap(), dir.to_str().unwrap()]);
    assert!(out.contains("pk_ops: 0 failures"), "{out}");

    // openssl verifies our signatures with the public keys we wrote.
    for (sig, public, extra) in [
        ("ec.sig", "ec.pub.pem", &[][..]),
        ("rsa.sig", "rsa.pub.pem", &[][..]),
        ("rsa.pss", "rsa.pub.pem", &["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-2"][..]),
    ] {
        let mut args = vec!["dgst", "-sha256", "-verify"];
        let (public, sig, msg) = (w(public), w(sig), w("msg"));
        args.extend([public.as_str(), "-signature", sig.as_str()]);
        args.extend_from_slice(extra);
        args.push(&msg);
        assert!(String::from_utf8(openssl(&args)).unwrap().contains("Verified OK"), "{args:?}");
    }
    // Encryption both ways.
    let decrypted = openssl(&["pkeyutl", "-decrypt", "-inkey", &key("server-rsa.key"), "-in", &w("rsa.enc")]);
    assert_eq!(decrypted, b"a premaster secret");
    assert_eq!(std::fs::read(w("rsa.odec")).unwrap(), b"a premaster secret");
    // Written keys are the original keys.
    for (ours, original) in
        [("ec.key.pem", "server-ec.key"), ("rsa.key.pem", "server-rsa.key"), ("ec.key.der", "server-ec.key")]
    {
        let a = openssl(&["pkey", "-in", &w(ours), "-outform", "DER"]);
        let b = openssl(&["pkey", "-in", &key(original), "-outform", "DER"]);
        assert_eq!(a, b, "{ours}");
    }
    for (ours, original) in [("ec.pub.pem", "server-ec.key"), ("rsa.pub.pem", "server-rsa.key")] {
        let a = openssl(&["pkey", "-pubin", "-in", &w(ours), "-outform", "DER"]);
        let b = openssl(&["pkey", "-pubout", "-in", &key(original), "-outform", "DER"]);
        assert_eq!(a, b, "{ours}");
        // And our text is what openssl writes.
        assert_eq!(std::fs::read(w(ours)).unwrap(), openssl(&["pkey", "-pubout", "-in", &key(original)]), "{ours}");
    }
    let _ = std::fs::remove_dir_all(&dir);
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
    let argv = [&memcheck()[..], &[ours.as_str(), ours_dir.to_str().unwrap(), sig_s]].concat();
    let (status, ours) = run("small_modules", &argv, b"", 300);
    assert!(status.success() && ours.contains("small modules: done") && !ours.contains("FAILED"), "{ours}");
    assert!(ours.contains(&format!("raw {}{}", ints[0], ints[1])), "{ours}\n{parsed}");

    let theirs_dir = dir.join("theirs");
    std::fs::create_dir_all(&theirs_dir).unwrap();
    let reference = program("mbedtls-2.28/tests/small_modules");
    let (status, theirs) = run("small_modules-2.28", &[reference.as_str(), theirs_dir.to_str().unwrap()], b"", 60);
    assert!(status.success(), "{theirs}");
    let edition_dir = dir.join("edition");
    std::fs::create_dir_all(&edition_dir).unwrap();
    let edition = edition_2_28("small_modules", &[edition_dir.to_str().unwrap()], b"", 300);
    let ret_lines =
        |out: &str| -> Vec<String> { out.lines().filter(|l| l.starts_with("ret ")).map(String::from).collect() };
    assert_eq!(ret_lines(&edition), ret_lines(&theirs), "our 2.28 edition vs Mbed TLS 2.28");
    let (ours, theirs) = (ret_lines(&ours), ret_lines(&theirs));
    assert!(theirs.len() >= 85, "{theirs:?}");
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a, b);
    }
    let _ = d;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The phases of tests/c/fault_bio.c and, for each, whether its handshake has a
/// ChangeCipherSpec (one "reset-ccs" run per side).
const FAULT_PHASES: &[(&str, bool)] = &[
    ("full-1.2", true),
    ("full-1.3", true),
    ("resume-1.2", true),
    ("resume-1.3", true),
    ("reneg-full", true),
    ("reneg-abbr", true),
    ("close-1.2", false),
    ("close-1.3", false),
];

/// Checks fault_bio's summary: every phase ran 5 fault kinds at every transport call k of each
/// side (plus the reset between ChangeCipherSpec and Finished), some runs completed after a
/// retryable fault and some ended with errors, and nothing failed. Returns the number of runs.
fn check_fault_summary(out: &str) -> usize {
    let mut total = 0;
    for (phase, has_ccs) in FAULT_PHASES {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("phase {phase}: ")))
            .unwrap_or_else(|| panic!("no summary of {phase}:\n{out}"));
        let numbers: Vec<usize> = line
            .split_once(": ")
            .unwrap()
            .1
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .map(|w| w.parse().unwrap())
            .collect();
        // "phase full-1.2: calls client C, server S; R runs: A completed ..., E ended with
        // errors (in P of them ...), N faults not reached; F failures; T.TT s"
        let [client, server, runs, retried, errors, _, _, failures, ..] = numbers[..] else { panic!("{line}") };
        assert!(client >= 3 && server >= 3, "{line}");
        assert_eq!(runs, 5 * (client + server) + if *has_ccs { 2 } else { 0 }, "{line}");
        assert!(retried >= 2 * (client + server) - 2 && errors >= 3 * (client + server), "{line}");
        assert_eq!(failures, 0, "{line}\n{out}");
        total += runs;
    }
    assert!(out.contains(&format!("fault_bio: {total} runs, 0 failures")), "{out}");
    total
}

/// tests/c/fault_bio.c: a client and a server of this library over loopback TCP, each through
/// BIO callbacks that fail the k-th transport call of one side (error, short write/read,
/// WANT_READ/WANT_WRITE once, end of file, TCP reset, and a reset between ChangeCipherSpec
/// and Finished), for every k of a TLS 1.2 and a TLS 1.3 full handshake, a TLS 1.2 resumption
/// from the server's cache, a TLS 1.3 resumption with a ticket, a full and an abbreviated TLS
/// 1.2 renegotiation, and close_notify:
/// retryable faults complete, the others end with the documented codes on both sides, nothing
/// hangs, and a handshake that did not complete on the server leaves its session cache
/// unchanged (as does every resumption). The whole matrix natively and under valgrind.
#[test]
fn transport_faults_at_every_call_end_with_documented_codes() {
    let dir = certs().to_str().unwrap().to_string();
    let (status, out) = run("fault_bio", &[&program("tests/fault_bio"), &dir], b"", 120);
    assert!(status.success(), "fault_bio:\n{out}");
    assert!(check_fault_summary(&out) > 600, "{out}");
    let out = under_valgrind("fault_bio", &[&dir]);
    assert!(check_fault_summary(&out) > 600, "{out}");
}
