//! The committed headers under include/ are exactly what build.rs generates from the Rust
//! sources, and the shared library exports nothing but `mbedtls_*` functions.

use std::fs;
use std::path::Path;
use std::process::Command;

#[test]
fn committed_headers_are_fresh() {
    let generated = Path::new(env!("OUT_DIR")).join("include/mbedtls");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mbedtls");
    let mut names: Vec<_> =
        fs::read_dir(&generated).expect("generated headers").map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 15, "too few headers generated: {names:?}");
    for name in &names {
        let fresh = fs::read_to_string(generated.join(name)).unwrap();
        let old = fs::read_to_string(committed.join(name))
            .unwrap_or_else(|_| panic!("{name:?} is not committed: run `make headers`"));
        assert!(fresh == old, "include/mbedtls/{name:?} is stale: run `make headers` and commit");
    }
    for entry in fs::read_dir(&committed).unwrap() {
        let name = entry.unwrap().file_name();
        assert!(names.contains(&name), "include/mbedtls/{name:?} is not generated any more");
    }
}

#[test]
fn shared_library_exports_only_mbedtls_symbols() {
    let profile_dir = Path::new(env!("OUT_DIR")).ancestors().nth(3).unwrap().to_path_buf();
    let so = profile_dir.join("libmbedtls.so");
    assert!(so.exists(), "{} missing", so.display());
    let out = Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output().expect("nm");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut count = 0;
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(_addr), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        if kind == "A" {
            continue; // version-script markers
        }
        assert!(name.starts_with("mbedtls_"), "exported symbol {name} ({kind}) is not mbedtls_*");
        count += 1;
    }
    assert!(count > 100, "only {count} symbols exported");
}

/// The static archive cannot hide symbols; make sure it defines no unprefixed C symbol that
/// could clash with another TLS library linked into the same program (OpenSSL, Mbed TLS).
#[test]
fn static_archive_defines_no_foreign_c_symbols() {
    let profile_dir = Path::new(env!("OUT_DIR")).ancestors().nth(3).unwrap().to_path_buf();
    let archive = profile_dir.join("libmbedtls.a");
    let out = Command::new("nm").args(["--defined-only", "-g"]).arg(&archive).output().expect("nm");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        let (Some(_addr), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next()) else { continue };
        if !matches!(kind, "T" | "D" | "B" | "R") {
            continue;
        }
        for clash in ["SSL_", "EVP_", "BIO_", "X509_", "RSA_", "EC_KEY_", "mbedtls_mpi", "mbedtls_aes", "psa_"] {
            assert!(!name.starts_with(clash), "{name} would clash with another library");
        }
    }
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
