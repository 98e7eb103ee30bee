//! Fuzz target `pkcs8`: its body is `mbedtls::fuzzing::pkcs8::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/pkcs8/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::pkcs8::run(data));
