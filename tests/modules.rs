//! Mbed TLS's rule for module macros: a module's functions exist exactly when its
//! `MBEDTLS_<MODULE>_C` macro is defined, so a program tests the macro and then calls them. For
//! every module macro our headers define (`cc -dM` of `mbedtls/build_info.h`: the features and
//! what 3.6 derives from them), every function Mbed TLS 3.6.6 declares in that module's header
//! (tests/data/mbedtls-3.6.6-functions.txt) must be exported by the built library (`nm`), except
//! the gaps listed below; the list only shrinks.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::process::Command;

use common::{build, root};

/// Functions of modules whose macro stays defined (the TLS layer, certificates, keys, PSA: no
/// program would work without these macros) that are not exported yet: a program that calls one
/// fails to link. Per header; API_COVERAGE.md lists them as MISSING. Implementing one means
/// removing it here (the test fails while a listed function is exported).
const KNOWN_GAPS: &[(&str, &str)] = &[
    (
        "mbedtls/pk.h",
        "mbedtls_pk_copy_from_psa mbedtls_pk_copy_public_from_psa mbedtls_pk_get_psa_attributes \
         mbedtls_pk_import_into_psa",
    ),
    ("mbedtls/x509.h", "mbedtls_x509_string_to_names"),
    ("mbedtls/x509_crt.h", "mbedtls_x509write_crt_set_subject_alternative_name"),
    (
        "psa/crypto.h",
        "psa_aead_abort psa_aead_decrypt psa_aead_decrypt_setup psa_aead_encrypt psa_aead_encrypt_setup \
         psa_aead_finish psa_aead_generate_nonce psa_aead_set_lengths psa_aead_set_nonce psa_aead_update \
         psa_aead_update_ad psa_aead_verify psa_asymmetric_decrypt psa_asymmetric_encrypt psa_cipher_abort \
         psa_cipher_decrypt psa_cipher_decrypt_setup psa_cipher_encrypt psa_cipher_encrypt_setup psa_cipher_finish \
         psa_cipher_generate_iv psa_cipher_set_iv psa_cipher_update psa_copy_key psa_destroy_key psa_export_key \
         psa_export_public_key psa_generate_key psa_generate_key_custom psa_generate_key_ext \
         psa_get_key_attributes psa_import_key psa_interruptible_get_max_ops psa_interruptible_set_max_ops \
         psa_key_derivation_abort psa_key_derivation_get_capacity psa_key_derivation_input_bytes \
         psa_key_derivation_input_integer psa_key_derivation_input_key psa_key_derivation_key_agreement \
         psa_key_derivation_output_bytes psa_key_derivation_output_key psa_key_derivation_output_key_custom \
         psa_key_derivation_output_key_ext psa_key_derivation_set_capacity psa_key_derivation_setup \
         psa_key_derivation_verify_bytes psa_key_derivation_verify_key psa_mac_abort psa_mac_compute \
         psa_mac_sign_finish psa_mac_sign_setup psa_mac_update psa_mac_verify psa_mac_verify_finish \
         psa_mac_verify_setup psa_purge_key psa_raw_key_agreement psa_reset_key_attributes psa_sign_hash \
         psa_sign_hash_abort psa_sign_hash_complete psa_sign_hash_get_num_ops psa_sign_hash_start \
         psa_sign_message psa_verify_hash psa_verify_hash_abort psa_verify_hash_complete \
         psa_verify_hash_get_num_ops psa_verify_hash_start psa_verify_message",
    ),
];

/// 3.6.6's functions per header (`## header: N functions` then one line of names).
fn functions_of_3_6_6() -> BTreeMap<String, Vec<String>> {
    let text = fs::read_to_string(root().join("tests/data/mbedtls-3.6.6-functions.txt")).unwrap();
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(head) = line.strip_prefix("## ") else { continue };
        let header = head.split(':').next().unwrap().to_string();
        let names = lines.next().unwrap().split_whitespace().map(str::to_string).collect();
        out.insert(header, names);
    }
    assert!(out.len() > 50, "only {} headers in the function list", out.len());
    out
}

/// The module macro of each header: the "module macro" column of API_COVERAGE.md (written by
/// scripts/api_coverage.py, whose table maps the headers whose macro is not `MBEDTLS_<NAME>_C`);
/// `None` for a header whose functions exist in every build.
fn module_macros() -> BTreeMap<String, Option<String>> {
    let text = fs::read_to_string(root().join("API_COVERAGE.md")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let header = cells[1].trim_matches('`').to_string();
        let macro_name = (cells[2] != "always").then(|| cells[2].split('`').nth(1).unwrap().to_string());
        out.insert(header, macro_name);
    }
    out
}

/// Every macro a program sees after `#include "mbedtls/build_info.h"`.
fn defined_macros() -> BTreeSet<String> {
    let dir = root().join("target/modules-test");
    fs::create_dir_all(&dir).unwrap();
    let source = dir.join("build_info.c");
    fs::write(&source, "#include \"mbedtls/build_info.h\"\n").unwrap();
    let out =
        Command::new("cc").args(["-E", "-dM", "-I"]).arg(root().join("include")).arg(&source).output().expect("cc");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("#define ")?.split([' ', '(']).next().map(str::to_string))
        .collect()
}

/// The functions the built shared library exports.
fn exported() -> BTreeSet<String> {
    let so = build().join("lib/libmbedtls.so");
    let out = Command::new("nm").args(["-D", "--defined-only"]).arg(&so).output().expect("nm");
    assert!(out.status.success(), "nm {}", so.display());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
            [_, "T", name] => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_function_of_a_defined_module_is_exported() {
    let (functions, macros, defined, exported) = (functions_of_3_6_6(), module_macros(), defined_macros(), exported());
    let known: BTreeSet<(&str, &str)> =
        KNOWN_GAPS.iter().flat_map(|(h, names)| names.split_whitespace().map(move |n| (*h, n))).collect();
    let mut missing = Vec::new();
    let mut no_longer_missing = Vec::new();
    let mut checked = 0;
    for (header, names) in &functions {
        let macro_name = macros.get(header).unwrap_or_else(|| panic!("{header} is not in API_COVERAGE.md"));
        if macro_name.as_ref().is_some_and(|m| !defined.contains(m)) {
            continue;
        }
        for name in names {
            checked += 1;
            let gap = known.contains(&(header.as_str(), name.as_str()));
            match (exported.contains(name), gap) {
                (false, false) => missing.push(format!("{header} ({macro_name:?}): {name}")),
                (true, true) => no_longer_missing.push(format!("{header}: {name}")),
                _ => {}
            }
        }
    }
    assert!(
        missing.is_empty(),
        "functions of modules whose macro build_info.h defines are not exported (a program testing the macro \
         and calling them fails to link): export them, or leave the module macro undefined (build.rs \
         CAPABILITIES):\n{}",
        missing.join("\n")
    );
    assert!(no_longer_missing.is_empty(), "exported now, remove from KNOWN_GAPS:\n{}", no_longer_missing.join("\n"));
    // Nothing listed as a gap belongs to a module whose macro is not defined (it would be absent).
    for (header, _) in KNOWN_GAPS {
        let macro_name = &macros[*header];
        assert!(macro_name.as_ref().is_none_or(|m| defined.contains(m)), "{header}: {macro_name:?} is not defined");
    }
    assert!(checked > 200, "only {checked} functions checked");
    // The modules this library offers in full are among those checked.
    for m in ["MBEDTLS_MD_C", "MBEDTLS_SHA256_C", "MBEDTLS_BASE64_C", "MBEDTLS_HKDF_C", "MBEDTLS_SSL_CACHE_C"] {
        assert!(defined.contains(m), "{m}");
    }
}
