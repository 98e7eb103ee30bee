//! Comparisons with the real Mbed TLS 3.6.6: its sources (fetched once by
//! scripts/fetch-mbedtls.sh into a cache outside the repository, SHA-256 pinned) are preprocessed
//! next to ours, and two of its sample programs are built against our headers and run.
//!
//! - the configuration macros 3.6.6 derives from exactly our feature macros equal ours (names
//!   and values), except for the allow-list `NOT_DEFINED` below;
//! - every public header name of 3.6.6 has a file in our include/ (else the compiler would take
//!   Debian's 2.28 copy from /usr/include), and each of our headers brings the headers 3.6.6's
//!   brings;
//! - the constants of 3.6.6's public headers that we define have 3.6.6's values;
//! - 3.6.6's programs/ssl samples build unmodified (except those listed with reasons), and
//!   ssl_client1.c and ssl_server.c, unmodified, talk to each other.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{Proc, build, loopback_only, root};

/// Macros 3.6.6 defines for our configuration that our build_info.h deliberately does not, with
/// the reason. A name ending in `*` is a prefix.
const NOT_DEFINED: &[(&str, &str)] = &[
    (
        "MBEDTLS_ASN1_WRITE_C",
        "3.6 derives it from MBEDTLS_RSA_C, but asn1write.h's functions are not exported: a program \
         that tests it would call them and fail to link",
    ),
    (
        "MBEDTLS_PK_PARSE_EC_COMPRESSED",
        "3.6 derives it from PK_PARSE_C + ECP_C; our key parser does not promise compressed EC points",
    ),
    (
        "MBEDTLS_PSA_BUILTIN_*",
        "internal to 3.6's PSA core (which of its own software drivers are compiled); the crypto here \
         is aws-lc's, and only 3.6's library sources and private headers test these",
    ),
    ("MBEDTLS_ARCH_IS_*", "describes the target CPU for 3.6's library sources, not the configuration"),
    ("MBEDTLS_COMPILER_IS_GCC", "describes the compiler for 3.6's library sources, not the configuration"),
    ("MBEDTLS_GCC_VERSION", "describes the compiler for 3.6's library sources, not the configuration"),
    ("MBEDTLS_CONFIG_FILE", "set on the command line of this test (the user configuration file)"),
];

/// Macros of ours that 3.6.6's build_info.h does not define.
const OURS_ONLY: &[&str] = &["MBEDTLS_COMPAT", "MBEDTLS_COMPAT_VERSION_STRING", "MBEDTLS_PRIVATE"];

/// Headers of 3.6.6 that only hold its configuration machinery (our build_info.h does their work):
/// not expected among the headers one of ours brings.
const CONFIG_HEADERS: &[&str] = &[
    "mbedtls/mbedtls_config.h",
    "mbedtls/check_config.h",
    "mbedtls/config_psa.h",
    "mbedtls/config_adjust_legacy_crypto.h",
    "mbedtls/config_adjust_legacy_from_psa.h",
    "mbedtls/config_adjust_psa_from_legacy.h",
    "mbedtls/config_adjust_psa_superset_legacy.h",
    "mbedtls/config_adjust_ssl.h",
    "mbedtls/config_adjust_x509.h",
    "psa/crypto_config.h",
    "psa/crypto_legacy.h",
    "psa/crypto_adjust_auto_enabled.h",
    "psa/crypto_adjust_config_dependencies.h",
    "psa/crypto_adjust_config_key_pair_types.h",
    "psa/crypto_adjust_config_synonyms.h",
];

/// The unpacked Mbed TLS 3.6.6 release (downloaded and checked on first use).
fn upstream() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out =
            Command::new("bash").arg(root().join("scripts/fetch-mbedtls.sh")).output().expect("run fetch-mbedtls.sh");
        assert!(
            out.status.success(),
            "the Mbed TLS 3.6.6 sources are needed and could not be fetched:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
    })
}

/// A scratch directory of this test binary.
fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/upstream-tests").join(name);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `cc` with `args`; panics with its output when it fails.
fn cc(args: &[&str]) -> String {
    let out = Command::new("cc").args(args).output().expect("run cc");
    assert!(out.status.success(), "cc {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The feature macros of our build_info.h: the block after "What this library implements".
fn our_features() -> Vec<String> {
    let text = fs::read_to_string(root().join("include/mbedtls/build_info.h")).unwrap();
    let block = text.split("/* What this library implements. */").nth(1).expect("feature block");
    let block = block.split("\n\n").next().unwrap();
    block
        .lines()
        .filter_map(|l| l.strip_prefix("#define "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

/// The module macros our build_info.h lists as used inside TLS without their C API (not defined;
/// build.rs `CAPABILITIES`): the lines ` *   MBEDTLS_X_C  what` of that comment.
fn our_capabilities() -> Vec<String> {
    let text = fs::read_to_string(root().join("include/mbedtls/build_info.h")).unwrap();
    let block = text.split("without their module's C API").nth(1).expect("capability block");
    let block = block.split("*/").next().unwrap();
    let names: Vec<String> = block
        .lines()
        .filter_map(|l| l.strip_prefix(" *   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert!(names.iter().all(|n| n.starts_with("MBEDTLS_") && n.ends_with("_C")), "{names:?}");
    names
}

/// A user configuration file for 3.6.6 holding exactly our feature macros.
fn our_config(dir: &Path) -> PathBuf {
    let mut config = String::from("/* Exactly the feature macros and capabilities of our build_info.h. */\n");
    for name in our_features().into_iter().chain(our_capabilities()) {
        config.push_str(&format!("#define {name}\n"));
    }
    let path = dir.join("our_features.h");
    fs::write(&path, config).unwrap();
    path
}

/// `cc -E -dM` of `source`: the object-like macros whose names start with `MBEDTLS_` or `PSA_`
/// and their values (function-like macros map to `None`).
fn macros(source: &Path, args: &[&str]) -> BTreeMap<String, Option<String>> {
    let mut argv = vec!["-E", "-dM"];
    argv.extend_from_slice(args);
    argv.push(source.to_str().unwrap());
    let mut out = BTreeMap::new();
    for line in cc(&argv).lines() {
        let Some(rest) = line.strip_prefix("#define ") else { continue };
        if !(rest.starts_with("MBEDTLS_") || rest.starts_with("PSA_")) {
            continue;
        }
        let name_end = rest.find([' ', '(']).unwrap_or(rest.len());
        let (name, tail) = rest.split_at(name_end);
        let value = if tail.starts_with('(') { None } else { Some(tail.trim().to_string()) };
        out.insert(name.to_string(), value);
    }
    out
}

fn upstream_args(config: &Path) -> Vec<String> {
    vec![
        format!("-I{}", upstream().join("include").display()),
        format!("-I{}", config.parent().unwrap().display()),
        format!("-DMBEDTLS_CONFIG_FILE=\"{}\"", config.file_name().unwrap().to_str().unwrap()),
    ]
}

fn ours_args() -> Vec<String> {
    vec![format!("-I{}", root().join("include").display())]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn not_defined_reason(name: &str) -> Option<&'static str> {
    if our_capabilities().iter().any(|c| c == name) {
        return Some("a module used inside TLS whose own functions are not exported (build.rs CAPABILITIES)");
    }
    NOT_DEFINED
        .iter()
        .find(|(pattern, _)| pattern.strip_suffix('*').map_or(*pattern == name, |prefix| name.starts_with(prefix)))
        .map(|(_, why)| *why)
}

/// An include guard of a header (3.6's guards end in `_H`).
fn is_guard(name: &str) -> bool {
    name.ends_with("_H")
}

/// The integer value of each macro of `names` as a C program compiled with `args` sees it (the
/// compiler evaluates casts, enums and `sizeof`); macros that are not integer expressions there
/// (strings, initializers, function names, names it lacks) are left out.
fn integer_values(
    dir: &Path,
    tag: &str,
    args: &[String],
    include: &str,
    names: &[&String],
) -> BTreeMap<String, String> {
    let mut names: Vec<&String> = names.to_vec();
    let bin = dir.join(format!("values-{tag}"));
    let source = dir.join(format!("values-{tag}.c"));
    for _ in 0..50 {
        let mut prog = format!("#include <stdio.h>\n#include \"{include}\"\nint main(void) {{\n");
        for name in &names {
            // `* 1` rejects pointers; the sign is printed apart so that every integer type fits.
            prog.push_str(&format!(
                "    printf(\"{name} %s%llu\\n\", ({name}) * 1 < 0 ? \"-\" : \"\", ({name}) * 1 < 0 ? \
                 0ULL - (unsigned long long) ({name}) : (unsigned long long) ({name}));\n"
            ));
        }
        prog.push_str("    return 0;\n}\n");
        fs::write(&source, &prog).unwrap();
        let mut argv = strs(args);
        argv.extend(["-w", "-o", bin.to_str().unwrap(), source.to_str().unwrap()]);
        let out = Command::new("cc").args(&argv).output().unwrap();
        if out.status.success() {
            let run = Command::new(&bin).output().unwrap();
            return String::from_utf8(run.stdout)
                .unwrap()
                .lines()
                .filter_map(|l| l.split_once(' ').map(|(n, v)| (n.to_string(), v.to_string())))
                .collect();
        }
        // Drop the lines the compiler complains about (each line prints one macro) and retry.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let marker = format!("values-{tag}.c:");
        let bad: BTreeSet<usize> = stderr
            .match_indices(&marker)
            .filter_map(|(i, _)| stderr[i + marker.len()..].split(':').next()?.parse().ok())
            .collect();
        let before = names.len();
        names = names.into_iter().enumerate().filter(|(i, _)| !bad.contains(&(i + 4))).map(|(_, n)| n).collect();
        assert!(names.len() < before, "cannot evaluate the constants:\n{stderr}");
    }
    panic!("cannot evaluate the constants of {include}");
}

/// Compares the values of the macros both sides define: integers as the compiler computes them
/// for each side's headers, strings as text, initializers as initializers. Returns the mismatches.
fn compare_values(
    dir: &Path,
    include: &str,
    up_args: &[String],
    theirs: &BTreeMap<String, Option<String>>,
    ours: &BTreeMap<String, Option<String>>,
) -> Vec<String> {
    let mut mismatches = Vec::new();
    let both: Vec<&String> =
        theirs.keys().filter(|n| matches!((&theirs[*n], ours.get(*n)), (Some(_), Some(Some(_))))).collect();
    let up_values = integer_values(dir, "upstream", up_args, include, &both);
    let our_values = integer_values(dir, "ours", &ours_args(), include, &both);
    for name in both {
        let (t, o) = (theirs[name].as_deref().unwrap(), ours[name].as_deref().unwrap());
        match (up_values.get(name), our_values.get(name)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), b) => mismatches.push(format!("{name}: 3.6.6 = {a} (`{t}`), ours = {b:?} (`{o}`)")),
            (None, _) if t.starts_with('{') && o.starts_with('{') => {} // both initializers
            (None, _) if t.contains('"') || o.contains('"') => {
                if t.split_whitespace().collect::<Vec<_>>() != o.split_whitespace().collect::<Vec<_>>() {
                    mismatches.push(format!("{name}: 3.6.6 `{t}`, ours `{o}`"));
                }
            }
            (None, _) if t.split_whitespace().eq(o.split_whitespace()) => {} // same text
            (None, _) => mismatches.push(format!("{name}: 3.6.6 `{t}` (not an integer), ours `{o}`: compare by hand")),
        }
    }
    mismatches
}

#[test]
fn build_info_defines_what_mbedtls_3_6_6_derives_from_our_features() {
    let dir = scratch("build_info");
    let config = our_config(&dir);
    let source = dir.join("build_info.c");
    fs::write(&source, "#include \"mbedtls/build_info.h\"\n").unwrap();
    // 3.6.6's build_info.h also runs its check_config.h: our feature set must be a valid 3.6 one.
    let theirs = macros(&source, &strs(&upstream_args(&config)));
    let ours = macros(&source, &strs(&ours_args()));

    let mut problems = Vec::new();
    for name in theirs.keys().filter(|n| !is_guard(n)) {
        if !ours.contains_key(name) && not_defined_reason(name).is_none() {
            problems.push(format!("{name}: 3.6.6 derives it from our features, ours does not define it"));
        }
        if ours.contains_key(name) && not_defined_reason(name).is_some() {
            problems.push(format!("{name}: defined, but the allow-list says it is not"));
        }
    }
    for name in ours.keys() {
        if !theirs.contains_key(name) && !OURS_ONLY.contains(&name.as_str()) {
            problems.push(format!("{name}: defined by ours, not by 3.6.6 for the same features"));
        }
    }
    for (pattern, _) in NOT_DEFINED {
        let prefix = pattern.trim_end_matches('*');
        assert!(
            theirs.keys().any(|n| n.starts_with(prefix)),
            "allow-list entry {pattern} matches nothing of 3.6.6: remove it"
        );
    }
    problems.extend(compare_values(&dir, "mbedtls/build_info.h", &upstream_args(&config), &theirs, &ours));
    assert!(problems.is_empty(), "build_info.h differs from 3.6.6's derivation:\n{}", problems.join("\n"));
    // The derivation is not trivial: the macros programs test are there.
    for name in ["MBEDTLS_MD_CAN_SHA256", "MBEDTLS_PK_CAN_ECDSA_SOME", "MBEDTLS_SSL_HAVE_AEAD", "PSA_WANT_ALG_SHA_256"]
    {
        assert!(ours.contains_key(name), "{name}");
    }
}

/// Every header name of 3.6.6's include/mbedtls and include/psa.
fn upstream_headers() -> Vec<String> {
    let mut names = Vec::new();
    for dir in ["mbedtls", "psa"] {
        for entry in fs::read_dir(upstream().join("include").join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".h") {
                names.push(format!("{dir}/{name}"));
            }
        }
    }
    names.sort();
    names
}

#[test]
fn every_mbedtls_3_6_6_header_name_has_a_file_of_ours_that_compiles() {
    let missing: Vec<String> =
        upstream_headers().into_iter().filter(|h| !root().join("include").join(h).exists()).collect();
    assert!(
        missing.is_empty(),
        "3.6.6 headers without a file in include/ (the compiler would fall back to /usr/include): {missing:?}"
    );
    // Each compiles on its own, as the first include of a strict C99 program.
    let dir = scratch("standalone");
    for header in upstream_headers() {
        let source = dir.join(format!("{}.c", header.replace('/', "_")));
        fs::write(&source, format!("#include \"{header}\"\nint main(void) {{ return 0; }}\n")).unwrap();
        let object = source.with_extension("o");
        let include = format!("-I{}", root().join("include").display());
        cc(&[
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            &include,
            "-c",
            "-o",
            object.to_str().unwrap(),
            source.to_str().unwrap(),
        ]);
    }
}

/// The headers `cc -M` says including `header` reads, as `mbedtls/x.h` / `psa/x.h` names, and
/// any file it read from outside `include_dir` named like an Mbed TLS header.
fn included(header: &str, args: &[String], include_dir: &Path, dir: &Path) -> (BTreeSet<String>, Vec<String>) {
    let source = dir.join(format!("{}.c", header.replace('/', "_")));
    fs::write(&source, format!("#include \"{header}\"\n")).unwrap();
    let mut argv = strs(args);
    argv.extend(["-M", source.to_str().unwrap()]);
    let deps = cc(&argv);
    let mut names = BTreeSet::new();
    let mut strays = Vec::new();
    for file in deps.split_whitespace().filter(|w| w.ends_with(".h")) {
        let path = Path::new(file);
        if let Ok(rel) = path.strip_prefix(include_dir) {
            names.insert(rel.to_str().unwrap().to_string());
        } else if file.contains("/mbedtls/") || file.contains("/psa/") {
            strays.push(file.to_string());
        }
    }
    (names, strays)
}

#[test]
fn our_headers_bring_the_headers_mbedtls_3_6_6_brings() {
    let dir = scratch("include_graph");
    let config = our_config(&dir);
    let (up_args, our_args) = (upstream_args(&config), ours_args());
    let (up_include, our_include) = (upstream().join("include"), root().join("include"));
    let mut problems = Vec::new();
    for header in upstream_headers().iter().filter(|h| !CONFIG_HEADERS.contains(&h.as_str())) {
        // 3.6.6 refuses some headers in some configurations (#error): nothing to compare then.
        let probe = dir.join("probe.c");
        fs::write(&probe, format!("#include \"{header}\"\n")).unwrap();
        let mut argv = strs(&up_args);
        argv.extend(["-fsyntax-only", probe.to_str().unwrap()]);
        if !Command::new("cc").args(&argv).output().unwrap().status.success() {
            continue;
        }
        let (theirs, _) = included(header, &up_args, &up_include, &dir);
        let (ours, strays) = included(header, &our_args, &our_include, &dir);
        let lacking: Vec<&String> =
            theirs.iter().filter(|h| !CONFIG_HEADERS.contains(&h.as_str()) && !ours.contains(*h)).collect();
        if !lacking.is_empty() {
            problems.push(format!("{header} does not bring {lacking:?}"));
        }
        if !strays.is_empty() {
            problems.push(format!("{header} reads headers from outside include/: {strays:?}"));
        }
    }
    assert!(problems.is_empty(), "include graph differs from 3.6.6's:\n{}", problems.join("\n"));
}

#[test]
fn constants_we_define_have_mbedtls_3_6_6_values() {
    let dir = scratch("constants");
    let config = our_config(&dir);
    let mut all = String::new();
    for header in upstream_headers().iter().filter(|h| !CONFIG_HEADERS.contains(&h.as_str())) {
        all.push_str(&format!("#include \"{header}\"\n"));
    }
    let source = dir.join("all.c");
    fs::write(&source, &all).unwrap();
    let mut theirs = macros(&source, &strs(&upstream_args(&config)));
    let ours = macros(&source, &strs(&ours_args()));
    // Constants only: guards, the configuration (checked above) and function-like macros aside.
    theirs.retain(|name, value| value.is_some() && !is_guard(name) && ours.contains_key(name));
    let mismatches = compare_values(&dir, source.to_str().unwrap(), &upstream_args(&config), &theirs, &ours);
    assert!(mismatches.is_empty(), "constants differ from 3.6.6's:\n{}", mismatches.join("\n"));
    assert!(theirs.len() > 500, "only {} constants compared", theirs.len());
    // The buffer sizes programs use, reached the way programs reach them.
    for name in [
        "MBEDTLS_MPI_MAX_SIZE",
        "MBEDTLS_ECP_MAX_BYTES",
        "MBEDTLS_MD_MAX_SIZE",
        "MBEDTLS_PK_SIGNATURE_MAX_SIZE",
        "MBEDTLS_SSL_OUT_CONTENT_LEN",
        "MBEDTLS_SSL_IN_CONTENT_LEN",
        "MBEDTLS_SSL_MAX_CONTENT_LEN",
        "MBEDTLS_X509_MAX_DN_NAME_SIZE",
        "MBEDTLS_CTR_DRBG_MAX_REQUEST",
        "MBEDTLS_ENTROPY_BLOCK_SIZE",
    ] {
        assert!(ours.contains_key(name), "{name} is not defined by our headers");
    }
}

/// Builds one of 3.6.6's programs/ssl samples, unmodified, with the test certificates of 3.6.6
/// (tests/src/certs.c), against our headers and our static library.
fn build_sample(name: &str, dir: &str) -> String {
    let up = upstream();
    let lib = root().join("target/release/libmbedtls.a");
    build(); // make: the library and the C programs
    let out = scratch(dir).join(name);
    let args = [
        "-O1".to_string(),
        "-Wall".into(),
        "-Wextra".into(),
        format!("-I{}", root().join("include").display()),
        format!("-I{}", up.join("tests/include").display()),
        format!("-I{}", up.join("library").display()),
        "-o".into(),
        out.to_str().unwrap().into(),
        up.join(format!("programs/ssl/{name}.c")).to_str().unwrap().into(),
        up.join("tests/src/certs.c").to_str().unwrap().into(),
        lib.to_str().unwrap().into(),
        "-lpthread".into(),
        "-ldl".into(),
        "-lm".into(),
    ];
    cc(&strs(&args));
    // Only our headers: none of Debian's 2.28 copies in /usr/include.
    let mut m = strs(&args[..6]);
    let src = up.join(format!("programs/ssl/{name}.c"));
    m.extend(["-M", src.to_str().unwrap()]);
    let deps = cc(&m);
    assert!(
        !deps.contains("/usr/include/mbedtls") && !deps.contains("/usr/include/psa"),
        "{name} read system Mbed TLS headers:\n{deps}"
    );
    out.to_str().unwrap().to_string()
}

/// 3.6.6's programs/ssl files that are not built here, with the reason.
const SAMPLES_NOT_BUILT: &[(&str, &str)] = &[
    ("ssl_test_lib", "a helper of ssl_client2/ssl_server2, not a program"),
    ("ssl_test_common_source", "a helper of ssl_client2/ssl_server2, not a program"),
    (
        "ssl_client2",
        "Mbed TLS's test client: reads private struct fields (MBEDTLS_ALLOW_PRIVATE_ACCESS), needs its test \
         framework (framework/tests, programs/test/query_config.c) and PSA key management (psa_import_key, \
         psa_destroy_key, psa_get_key_attributes: not exported)",
    ),
    ("ssl_server2", "Mbed TLS's test server: as ssl_client2"),
    ("ssl_context_info", "reads private fields of mbedtls_ssl_ciphersuite_t (opaque here: README \"Struct contents\")"),
];

/// Samples that build but whose `main` is 3.6's "... not defined" stub for our configuration.
const SAMPLES_STUBBED: &[(&str, &str)] = &[
    ("ssl_mail_client", "tests MBEDTLS_BIGNUM_C and MBEDTLS_RSA_C, whose low-level functions are not exported"),
    ("ssl_pthread_server", "tests MBEDTLS_THREADING_C/MBEDTLS_THREADING_PTHREAD (threading.h's mutex API)"),
    ("dtls_client", "DTLS (MBEDTLS_SSL_PROTO_DTLS) is not supported"),
    ("dtls_server", "DTLS is not supported"),
];

#[test]
fn mbedtls_3_6_6_ssl_samples_build_unmodified() {
    let mut built = Vec::new();
    let mut stubbed = Vec::new();
    for entry in fs::read_dir(upstream().join("programs/ssl")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let Some(name) = file.strip_suffix(".c") else { continue };
        if SAMPLES_NOT_BUILT.iter().any(|(n, _)| *n == name) {
            continue;
        }
        build_sample(name, "all-samples");
        // Whether the program itself or 3.6's stub `main` was compiled: the real ones set up a
        // TLS context.
        let object = scratch("all-samples").join(format!("{name}.o"));
        let source = upstream().join(format!("programs/ssl/{file}"));
        cc(&strs(&[
            "-c".into(),
            format!("-I{}", root().join("include").display()),
            format!("-I{}", upstream().join("tests/include").display()),
            "-o".into(),
            object.to_str().unwrap().into(),
            source.to_str().unwrap().into(),
        ]));
        let nm = Command::new("nm").arg(&object).output().expect("nm");
        let symbols = String::from_utf8(nm.stdout).unwrap();
        if symbols.lines().any(|l| l.trim_end().ends_with(" U mbedtls_ssl_setup")) {
            built.push(name.to_string());
        } else {
            stubbed.push(name.to_string());
        }
    }
    stubbed.sort();
    let mut expected: Vec<String> = SAMPLES_STUBBED.iter().map(|(n, _)| n.to_string()).collect();
    expected.sort();
    assert_eq!(stubbed, expected, "samples compiled as 3.6's \"not defined\" stub");
    built.sort();
    assert_eq!(built, ["mini_client", "ssl_client1", "ssl_fork_server", "ssl_server"]);
}

#[test]
fn mbedtls_3_6_6_ssl_client1_and_ssl_server_run_unmodified() {
    let client = build_sample("ssl_client1", "samples");
    let server = build_sample("ssl_server", "samples");
    // Both samples use the fixed port 4433; only this test uses it (common::free_port never
    // hands it out), and a lock keeps concurrent runs of this test on one machine apart.
    let lock = fs::File::create(std::env::temp_dir().join("rustls-mbedtls-compat-port-4433.lock")).unwrap();
    lock.lock().unwrap();
    let (key, value) = loopback_only();
    let srv = Proc::start("ssl_server", &[&server], &[(&key, &value)], 60);
    // (Its "Waiting for a remote connection ..." has no newline yet; it listens from the bind on.)
    srv.expect("Setting up the SSL data.... ok", 20);
    let mut cli = Proc::start("ssl_client1", &[&client], &[], 30);
    let status = cli.wait(30);
    let out = cli.output();
    assert!(status.success(), "ssl_client1 failed:\n{out}\nserver:\n{}", srv.output());
    for expected in [
        "Loading the CA root certificate ... ok (0 skipped)", // the whole bundle of certs.c
        "Performing the SSL/TLS handshake... ok",
        "Verifying peer X.509 certificate... ok",
        "HTTP/1.0 200 OK",
    ] {
        assert!(out.contains(expected), "ssl_client1 did not print {expected:?}:\n{out}");
    }
    srv.expect("bytes written", 10);
    drop(srv);
    drop(lock);
}
