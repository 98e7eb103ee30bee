//! The C test programs of tests/c/, built against our headers and library with
//! `-Wall -Wextra -Werror`, run under valgrind (`--error-exitcode`, full leak check): bad input
//! and wrong call order across the API, and the X.509/PK and socket/RNG smoke tests.

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
