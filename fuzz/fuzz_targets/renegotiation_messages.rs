//! Fuzz target `renegotiation_messages`: its body is `mbedtls::fuzzing::renegotiation_messages::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/renegotiation_messages/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::renegotiation_messages::run(data));
