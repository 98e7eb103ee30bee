//! Fuzz target `pem`: its body is `mbedtls::fuzzing::pem::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/pem/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::pem::run(data));
