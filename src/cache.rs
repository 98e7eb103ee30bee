//! The built-in server session cache (`mbedtls_ssl_cache_*`): Mbed TLS 3.6's semantics with
//! O(1) operations and safe sharing between threads.
//!
//! Mbed TLS keeps a linked list and walks it on every get and set. Here a hash map finds an
//! entry by session ID, and a queue in insertion order finds the oldest entry for eviction and
//! expiry. Refreshing an entry appends it again and leaves a stale queue item that is skipped
//! (and compacted away when stale items outnumber live ones), so every operation is amortised
//! O(1).
//!
//! Semantics kept from Mbed TLS 3.6: default timeout 86400 s and 50 entries; timeout 0 means
//! entries never expire; `max_entries` 0 means nothing is cached (`set` fails); setting an
//! existing ID overwrites it and refreshes its timestamp; a full cache evicts the oldest entry;
//! expired entries are never returned.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::codec::{CHECK_LEN, Reader, check_value, put_vec8, put_vec32};
use crate::error::{Error, Result};
use crate::session::{self, Session};

struct Entry {
    session: Session,
    timestamp: u64,
    seq: u64,
}

struct Inner {
    timeout: u32,
    max_entries: usize,
    map: HashMap<Vec<u8>, Entry>,
    order: VecDeque<(u64, Vec<u8>)>,
    next_seq: u64,
}

/// A thread-safe session cache keyed by session ID.
pub struct SessionCache {
    inner: Mutex<Inner>,
}

impl core::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SessionCache").field("entries", &self.len()).finish_non_exhaustive()
    }
}

impl Inner {
    fn expired(&self, entry: &Entry, now: u64) -> bool {
        self.timeout != 0 && now.saturating_sub(entry.timestamp) > u64::from(self.timeout)
    }

    /// The ID at the front of the order queue that still names a live entry.
    fn oldest(&mut self) -> Option<Vec<u8>> {
        while let Some((seq, id)) = self.order.front() {
            if self.map.get(id).is_some_and(|e| e.seq == *seq) {
                return Some(id.clone());
            }
            self.order.pop_front();
        }
        None
    }

    fn compact(&mut self) {
        if self.order.len() > 2 * self.map.len() + 16 {
            let mut live: Vec<(u64, Vec<u8>)> = self.map.iter().map(|(id, e)| (e.seq, id.clone())).collect();
            live.sort_unstable_by_key(|(seq, _)| *seq);
            self.order = live.into();
        }
    }

    fn insert(&mut self, id: &[u8], session: Session, timestamp: u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.map.insert(id.to_vec(), Entry { session, timestamp, seq });
        self.order.push_back((seq, id.to_vec()));
        self.compact();
    }
}

impl SessionCache {
    /// `mbedtls_ssl_cache_init`: empty, with the given limits (the C layer passes Mbed TLS's
    /// defaults, `MBEDTLS_SSL_CACHE_DEFAULT_TIMEOUT` and `_MAX_ENTRIES`).
    pub fn new(timeout: u32, max_entries: usize) -> Self {
        Self {
            inner: Mutex::new(Inner { timeout, max_entries, map: HashMap::new(), order: VecDeque::new(), next_seq: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `mbedtls_ssl_cache_set_timeout` (negative values become 0 in the C layer).
    pub fn set_timeout(&self, seconds: u32) {
        self.lock().timeout = seconds;
    }

    pub fn timeout(&self) -> u32 {
        self.lock().timeout
    }

    #[cfg_attr(not(feature = "edition-2-28"), allow(dead_code, reason = "the 2.28 edition's public fields only"))]
    pub fn max_entries(&self) -> usize {
        self.lock().max_entries
    }

    /// True when an entry is stored under `id` (expired or not).
    #[cfg_attr(not(feature = "edition-2-28"), allow(dead_code, reason = "the 2.28 edition's entry list only"))]
    pub fn contains(&self, id: &[u8]) -> bool {
        self.lock().map.contains_key(id)
    }

    /// `mbedtls_ssl_cache_set_max_entries`. Shrinking evicts the oldest entries at once.
    pub fn set_max_entries(&self, max: usize) {
        let mut inner = self.lock();
        inner.max_entries = max;
        while inner.map.len() > max {
            let Some(id) = inner.oldest() else { break };
            inner.map.remove(&id);
        }
    }

    /// `mbedtls_ssl_cache_get`: the session stored under `id`, unless it expired.
    pub fn get(&self, id: &[u8]) -> Result<Session> {
        let mut inner = self.lock();
        let now = session::now_secs();
        let Some(entry) = inner.map.get(id) else {
            return Err(Error::SslCacheEntryNotFound);
        };
        if inner.expired(entry, now) {
            inner.map.remove(id);
            return Err(Error::SslCacheEntryNotFound);
        }
        Ok(entry.session.clone())
    }

    /// `mbedtls_ssl_cache_set`: stores `session` under `id` (at most 32 bytes).
    pub fn set(&self, id: &[u8], session: &Session) -> Result<()> {
        self.set_at(id, session, session::now_secs())
    }

    fn set_at(&self, id: &[u8], session: &Session, timestamp: u64) -> Result<()> {
        if id.len() > 32 {
            return Err(Error::SslBadInputData);
        }
        let mut inner = self.lock();
        if inner.max_entries == 0 {
            return Err(Error::SslInternalError);
        }
        if !inner.map.contains_key(id) {
            let now = session::now_secs();
            // Expired entries go first, then the oldest one while the cache is full.
            while let Some(oldest) = inner.oldest() {
                let expired = inner.map.get(&oldest).is_some_and(|e| inner.expired(e, now));
                if expired || inner.map.len() >= inner.max_entries {
                    inner.map.remove(&oldest);
                } else {
                    break;
                }
            }
        }
        inner.insert(id, session.clone(), timestamp);
        Ok(())
    }

    /// `mbedtls_ssl_cache_remove`: forgets `id` (no error when absent).
    pub fn remove(&self, id: &[u8]) {
        self.lock().map.remove(id);
    }

    /// Every live entry in the dump format of `mbedtls_compat_ssl_cache_save`:
    /// `"RMTC" | u16 version 1 | u32 count | count × (u8 id_len, id, u64 timestamp,
    /// u32 len, saved session) | 8-byte SHA-256 check`.
    pub fn dump(&self) -> Vec<u8> {
        let mut inner = self.lock();
        let now = session::now_secs();
        let mut ids: Vec<(u64, Vec<u8>)> = inner.map.iter().map(|(id, e)| (e.seq, id.clone())).collect();
        ids.sort_unstable_by_key(|(seq, _)| *seq);
        // Each entry's lengths go through writers that refuse what does not fit their field;
        // an entry that cannot be written is left out, like one that cannot be saved.
        let mut records = Vec::new();
        let mut count: u32 = 0;
        for (_, id) in ids {
            let Some(entry) = inner.map.get(&id) else { continue };
            if inner.expired(entry, now) {
                continue;
            }
            let Ok(blob) = entry.session.save() else { continue };
            let mut record = Vec::with_capacity(1 + id.len() + 8 + 4 + blob.len());
            let written = put_vec8(&mut record, &id)
                .and_then(|()| {
                    record.extend_from_slice(&entry.timestamp.to_be_bytes());
                    put_vec32(&mut record, &blob)
                })
                .is_ok();
            let Some(next) = count.checked_add(1) else { break };
            if written {
                records.extend_from_slice(&record);
                count = next;
            }
        }
        inner.compact();
        let mut out = Vec::with_capacity(DUMP_MAGIC.len() + 2 + 4 + records.len() + CHECK_LEN);
        out.extend_from_slice(DUMP_MAGIC);
        out.extend_from_slice(&1u16.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&records);
        let check = check_value(&out);
        out.extend_from_slice(&check);
        out
    }

    /// Adds the entries of a dump (keeping their original timestamps, so expiry still counts
    /// from when each session was stored). Returns how many entries were added; expired ones
    /// are skipped.
    ///
    /// # Errors
    /// `SSL_BAD_INPUT_DATA` for a truncated, corrupted or foreign dump (nothing is added),
    /// `SSL_VERSION_MISMATCH` for a dump format this build does not know.
    pub fn restore(&self, bytes: &[u8]) -> Result<usize> {
        if bytes.len() < 4 + 2 + 4 + CHECK_LEN || &bytes[..4] != DUMP_MAGIC {
            return Err(Error::SslBadInputData);
        }
        if u16::from_be_bytes([bytes[4], bytes[5]]) != 1 {
            return Err(Error::SslVersionMismatch);
        }
        let (data, check) = bytes.split_at(bytes.len() - CHECK_LEN);
        if check_value(data) != check && !cfg!(fuzzing) {
            return Err(Error::SslBadInputData);
        }
        let mut r = Reader::new(&data[6..], Error::SslBadInputData);
        let count = r.u32()?;
        let mut parsed = Vec::new();
        for _ in 0..count {
            let id = r.vec8()?.to_vec();
            let timestamp = r.u64()?;
            let len = r.u32()? as usize;
            let session = Session::load(r.take(len)?)?;
            parsed.push((id, timestamp, session));
        }
        if !r.is_empty() {
            return Err(Error::SslBadInputData);
        }
        let now = session::now_secs();
        let timeout = self.timeout();
        let mut added = 0;
        for (id, timestamp, session) in parsed {
            if timeout != 0 && now.saturating_sub(timestamp) > u64::from(timeout) {
                continue;
            }
            if self.set_at(&id, &session, timestamp).is_ok() {
                added += 1;
            }
        }
        Ok(added)
    }
}

const DUMP_MAGIC: &[u8; 4] = b"RMTC";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Endpoint;

    fn s(n: u8) -> Session {
        Session { endpoint: Endpoint::Server, version: 0x0303, suite: 0xC02F, value: vec![n; 10], ..Session::default() }
    }

    #[test]
    fn get_set_overwrite_remove() {
        let c = SessionCache::new(86400, 50);
        assert_eq!(c.get(b"a"), Err(Error::SslCacheEntryNotFound));
        c.set(b"a", &s(1)).unwrap();
        assert_eq!(c.get(b"a").unwrap(), s(1));
        c.set(b"a", &s(2)).unwrap();
        assert_eq!(c.get(b"a").unwrap(), s(2));
        assert_eq!(c.len(), 1);
        c.remove(b"a");
        c.remove(b"a");
        assert_eq!(c.get(b"a"), Err(Error::SslCacheEntryNotFound));
        assert_eq!(c.set(&[0; 33], &s(1)), Err(Error::SslBadInputData));
    }

    #[test]
    fn eviction_is_oldest_first_and_zero_entries_caches_nothing() {
        let c = SessionCache::new(86400, 50);
        c.set_max_entries(2);
        c.set(b"a", &s(1)).unwrap();
        c.set(b"b", &s(2)).unwrap();
        c.set(b"a", &s(3)).unwrap(); // refresh: b is now the oldest
        c.set(b"c", &s(4)).unwrap();
        assert!(c.get(b"b").is_err());
        assert!(c.get(b"a").is_ok() && c.get(b"c").is_ok());
        c.set_max_entries(0);
        assert_eq!(c.len(), 0);
        assert_eq!(c.set(b"d", &s(5)), Err(Error::SslInternalError));
    }

    #[test]
    fn expired_entries_are_never_returned_and_zero_timeout_never_expires() {
        let c = SessionCache::new(86400, 50);
        c.set_timeout(1);
        c.set_at(b"old", &s(1), session::now_secs() - 5).unwrap();
        assert_eq!(c.get(b"old"), Err(Error::SslCacheEntryNotFound));
        c.set_timeout(0);
        c.set_at(b"ancient", &s(1), 1).unwrap();
        assert!(c.get(b"ancient").is_ok());
    }

    #[test]
    fn many_refreshes_keep_the_order_queue_bounded() {
        let c = SessionCache::new(86400, 50);
        c.set_max_entries(1000);
        for i in 0..100_000u32 {
            c.set(&(i % 10).to_be_bytes(), &s(1)).unwrap();
        }
        assert_eq!(c.len(), 10);
        assert!(c.lock().order.len() <= 2 * 10 + 17);
    }

    #[test]
    fn dump_and_restore() {
        let c = SessionCache::new(86400, 50);
        c.set(b"a", &s(1)).unwrap();
        c.set(b"b", &s(2)).unwrap();
        let dump = c.dump();
        let d = SessionCache::new(86400, 50);
        assert_eq!(d.restore(&dump), Ok(2));
        assert_eq!(d.get(b"b").unwrap(), s(2));
        for len in 0..dump.len() {
            assert!(SessionCache::new(86400, 50).restore(&dump[..len]).is_err());
        }
        let mut bad = dump.clone();
        bad[12] ^= 1;
        assert_eq!(SessionCache::new(86400, 50).restore(&bad), Err(Error::SslBadInputData));
    }
}
