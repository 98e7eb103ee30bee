//! Fuzz target `x509_crt`: its body is `mbedtls::fuzzing::x509_crt::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/x509_crt/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::x509_crt::run(data));
