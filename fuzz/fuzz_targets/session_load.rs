//! Fuzz target `session_load`: its body is `mbedtls::fuzzing::session_load::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/session_load/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::session_load::run(data));
