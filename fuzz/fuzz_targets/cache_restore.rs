//! Fuzz target `cache_restore`: its body is `mbedtls::fuzzing::cache_restore::run` (src/fuzzing/), which the unit
//! tests also replay on the committed corpus `fuzz/corpus/cache_restore/`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mbedtls::fuzzing::cache_restore::run(data));
