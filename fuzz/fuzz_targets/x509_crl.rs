//! Fuzz target `x509_crl`: its body is `mbedtls::fuzzing::x509_crl::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/x509_crl/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::x509_crl::run(data));
