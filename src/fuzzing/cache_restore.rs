//! The session cache's dump loader (`SessionCache::restore`, `src/cache.rs`) on arbitrary
//! bytes: an error or a number of entries, never a crash. What was restored dumps and restores
//! again to the same dump (into a cache without expiry, so the clock cannot interfere).

use crate::cache::SessionCache;

pub fn run(data: &[u8]) {
    let cache = SessionCache::new(86400, 50);
    if let Ok(n) = cache.restore(data) {
        // Entries with the same ID replace each other.
        assert!(cache.len() <= n, "{} entries after restoring {n}", cache.len());
        let dump = cache.dump();
        let again = SessionCache::new(0, 50);
        let restored = again.restore(&dump);
        assert_eq!(restored, Ok(again.len()));
        assert_eq!(again.dump(), dump);
    }
}
