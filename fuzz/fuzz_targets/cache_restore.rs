//! The cache dump loader on arbitrary bytes: an error or a number of entries, never a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cache = mbedtls::internals::SessionCache::new(86400, 50);
    if let Ok(n) = cache.restore(data) {
        assert!(n <= cache.len().max(n));
    }
});
