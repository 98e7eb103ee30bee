//! The committed headers under include/ are exactly what build.rs generates from the Rust
//! sources, and the libraries define nothing but the `mbedtls_*` functions and the PSA functions
//! of `psa/crypto.h`.

use std::fs;
use std::path::Path;
use std::process::Command;

/// The header directories build.rs writes: Mbed TLS's own and the PSA ones.
const HEADER_DIRS: [&str; 2] = ["include/mbedtls", "include/psa"];

#[test]
fn committed_headers_are_fresh() {
    let mut total = 0;
    for dir in HEADER_DIRS {
        let generated = Path::new(env!("OUT_DIR")).join(dir);
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut names: Vec<_> =
            fs::read_dir(&generated).expect("generated headers").map(|e| e.unwrap().file_name()).collect();
        names.sort();
        total += names.len();
        for name in &names {
            let fresh = fs::read_to_string(generated.join(name)).unwrap();
            let old = fs::read_to_string(committed.join(name))
                .unwrap_or_else(|_| panic!("{dir}/{name:?} is not committed: run `make headers`"));
            assert!(fresh == old, "{dir}/{name:?} is stale: run `make headers` and commit");
        }
        for entry in fs::read_dir(&committed).unwrap() {
            let name = entry.unwrap().file_name();
            assert!(names.contains(&name), "{dir}/{name:?} is not generated any more");
        }
    }
    assert!(total >= 16, "too few headers generated: {total}");
}

/// The `psa_*` functions of `psa/crypto.h`: part of Mbed TLS 3.6's public API, exported under
/// their own names on purpose (README: a program linking Mbed TLS's libmbedcrypto too would
/// clash on them, as on every `mbedtls_*` name).
const PSA_EXPORTS: &[&str] = &[
    "psa_crypto_init",
    "psa_generate_random",
    "psa_hash_abort",
    "psa_hash_clone",
    "psa_hash_compare",
    "psa_hash_compute",
    "psa_hash_finish",
    "psa_hash_operation_init",
    "psa_hash_setup",
    "psa_hash_update",
    "psa_hash_verify",
];

/// Whether `name` is one that another TLS or crypto library linked into the same program defines:
/// OpenSSL's, Mbed TLS's low-level modules (which this library does not provide), PSA functions
/// other than [`PSA_EXPORTS`].
fn clashes(name: &str) -> bool {
    const FOREIGN: [&str; 7] = ["SSL_", "EVP_", "BIO_", "X509_", "RSA_", "EC_KEY_", "mbedtls_mpi"];
    FOREIGN.iter().any(|prefix| name.starts_with(prefix)) || (name.starts_with("psa_") && !PSA_EXPORTS.contains(&name))
}

#[test]
fn shared_library_exports_only_mbedtls_and_psa_functions() {
    let profile_dir = Path::new(env!("OUT_DIR")).ancestors().nth(3).unwrap().to_path_buf();
    let so = profile_dir.join("libmbedtls.so");
    assert!(so.exists(), "{} missing", so.display());
    let out = Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output().expect("nm");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut count = 0;
    let mut psa = Vec::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(_addr), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        if kind == "A" {
            continue; // version-script markers
        }
        let ours = name.starts_with("mbedtls_") || name.starts_with("psa_");
        assert!(ours && !clashes(name), "exported symbol {name} ({kind}) is neither mbedtls_* nor a PSA function");
        if name.starts_with("psa_") {
            psa.push(name);
        }
        count += 1;
    }
    assert!(count > 100, "only {count} symbols exported");
    psa.sort();
    assert_eq!(psa, PSA_EXPORTS, "the PSA functions exported");
}

/// The static archive cannot hide symbols; make sure it defines no C symbol that could clash with
/// another TLS library linked into the same program (OpenSSL, Mbed TLS's low-level modules, PSA
/// functions beyond `psa/crypto.h`'s).
#[test]
fn static_archive_defines_no_foreign_c_symbols() {
    let profile_dir = Path::new(env!("OUT_DIR")).ancestors().nth(3).unwrap().to_path_buf();
    let archive = profile_dir.join("libmbedtls.a");
    let out = Command::new("nm").args(["--defined-only", "-g"]).arg(&archive).output().expect("nm");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut psa = Vec::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(_addr), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        if !matches!(kind, "T" | "D" | "B" | "R") {
            continue;
        }
        assert!(!clashes(name), "{name} would clash with another library");
        if name.starts_with("psa_") {
            psa.push(name);
        }
    }
    psa.sort();
    assert_eq!(psa, PSA_EXPORTS, "the PSA functions defined");
}

/// API_COVERAGE.md is what scripts/api_coverage.py makes of the library as built (`make coverage`).
#[test]
fn api_coverage_matrix_is_fresh() {
    let profile_dir = Path::new(env!("OUT_DIR")).ancestors().nth(3).unwrap().to_path_buf();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = std::env::temp_dir().join(format!("api-coverage-{}.md", std::process::id()));
    let status = Command::new("python3")
        .arg(root.join("scripts/api_coverage.py"))
        .arg(profile_dir.join("libmbedtls.so"))
        .arg(&fresh)
        .status()
        .expect("python3");
    assert!(status.success());
    let fresh_text = fs::read_to_string(&fresh).unwrap();
    let _ = fs::remove_file(&fresh);
    let committed = fs::read_to_string(root.join("API_COVERAGE.md")).expect("API_COVERAGE.md is committed");
    assert!(fresh_text.contains("implemented") && fresh_text.lines().count() > 50);
    assert!(fresh_text == committed, "API_COVERAGE.md is stale: run `make coverage` and commit");
}
