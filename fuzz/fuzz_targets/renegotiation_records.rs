//! Fuzz target `renegotiation_records`: its body is `mbedtls::fuzzing::renegotiation_records::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/renegotiation_records/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::renegotiation_records::run(data));
