//! `ssl_cache.h` of Mbed TLS 2.28: the built-in cache's callbacks receive the session only; the
//! session ID is inside it (`session->id`, `session->id_len`). The cache's public fields:
//! `timeout` and `max_entries` (read at each call), and `chain`, 2.28's list of entries, which
//! programs walk to expire entries (`timestamp = 0`); the list mirrors the core cache.

use core::ffi::{c_int, c_long, c_void};
use std::sync::{Arc, Mutex};

use crate::cache::SessionCache;
use crate::ffi::entry;
use crate::ffi::handle;
use crate::ffi::ssl::{mbedtls_ssl_session, mbedtls_ssl_session_free, session_put, session_value};
use crate::ffi::ssl_cache::mbedtls_ssl_cache_context;
use crate::session::{Session, now_secs};

/// What 2.28's cache functions return for a miss or a refused entry (they have no error codes).
const NOT_DONE: c_int = 1;

/// One entry of a cache's `chain` (Mbed TLS 2.28's list of cache entries), made by the library.
/// A program may walk the list and change `timestamp` (0 expires the entry at the next lookup);
/// the other fields are read-only.
#[repr(C)]
pub struct mbedtls_ssl_cache_entry {
    /// When the entry was stored (seconds since the epoch, as `mbedtls_time(NULL)`).
    pub timestamp: c_long,
    /// The stored session (its public fields and its content: `mbedtls_ssl_session_save` works).
    pub session: mbedtls_ssl_session,
    /// The next (newer) entry, or NULL.
    pub next: *mut mbedtls_ssl_cache_entry,
}

/// Serialises the changes of every cache's entry list (the library's side; a program walking the
/// list while other threads store sessions races as with Mbed TLS 2.28).
static CHAIN: Mutex<()> = Mutex::new(());

/// The cache of `shell` with the limits its public fields say applied (a program may have
/// written `timeout` or `max_entries`).
///
/// # Safety
/// `shell` is NULL or a cache shell.
unsafe fn synced<'a>(shell: *mut mbedtls_ssl_cache_context) -> Option<&'a Arc<SessionCache>> {
    // SAFETY: `shell` is NULL or a cache shell (the contract of this function).
    let cache = unsafe { handle::get(shell) }?;
    // SAFETY: `shell` is a cache shell (it has an object); plain fields.
    let (timeout, max) = unsafe { ((*shell).timeout, (*shell).max_entries) };
    let timeout = u32::try_from(timeout).unwrap_or(0);
    if cache.timeout() != timeout {
        cache.set_timeout(timeout);
    }
    let max = usize::try_from(max).unwrap_or(0);
    if cache.max_entries() != max {
        cache.set_max_entries(max);
    }
    Some(cache)
}

/// The link that points to the entry for `id` (the head or a `next` field), if there is one.
///
/// # Safety
/// `shell` is a cache shell whose `chain` the library made; the caller holds `CHAIN`.
unsafe fn link_of(shell: *mut mbedtls_ssl_cache_context, id: &[u8]) -> Option<*mut *mut mbedtls_ssl_cache_entry> {
    // SAFETY: the list's nodes are ours (made by `Box::into_raw` in `record`), per the contract.
    unsafe {
        let mut link = &raw mut (*shell).chain;
        while !(*link).is_null() {
            let node = *link;
            if (*node).session.id.get(..(*node).session.id_len) == Some(id) {
                return Some(link);
            }
            link = &raw mut (*node).next;
        }
    }
    None
}

/// Unlinks and frees the entry `*link` points to.
///
/// # Safety
/// `link` comes from `link_of` (or is a link of the list); the caller holds `CHAIN`.
unsafe fn unlink(link: *mut *mut mbedtls_ssl_cache_entry) {
    // SAFETY: the node is ours (`record`); it leaves the list before it is freed.
    unsafe {
        let node = Box::from_raw(*link);
        *link = node.next;
        let mut node = node;
        mbedtls_ssl_session_free(&mut node.session);
    }
}

/// After a store: the entry for `session` is the newest (now), and entries the cache no longer
/// holds (evicted, expired, removed) leave the list.
///
/// # Safety
/// `shell` is a cache shell; the caller holds `CHAIN`.
unsafe fn record(shell: *mut mbedtls_ssl_cache_context, cache: &SessionCache, session: &Session) {
    // SAFETY: per this function's contract.
    unsafe {
        if let Some(link) = link_of(shell, &session.id) {
            unlink(link);
        }
        let mut link = &raw mut (*shell).chain;
        while !(*link).is_null() {
            let node = *link;
            if cache.contains((*node).session.id.get(..(*node).session.id_len).unwrap_or_default()) {
                link = &raw mut (*node).next;
            } else {
                unlink(link);
            }
        }
        let mut node = Box::new(mbedtls_ssl_cache_entry {
            timestamp: c_long::try_from(now_secs()).unwrap_or(c_long::MAX),
            session: mbedtls_ssl_session::EMPTY_SHELL,
            next: core::ptr::null_mut(),
        });
        session_put(&mut node.session, session.clone());
        *link = Box::into_raw(node);
    }
}

/// Forgets the entry for `id` (the cache forgot it, or the program expired it).
///
/// # Safety
/// `shell` is a cache shell; the caller holds `CHAIN`.
unsafe fn forget(shell: *mut mbedtls_ssl_cache_context, cache: &SessionCache, id: &[u8]) {
    cache.remove(id);
    // SAFETY: per this function's contract.
    if let Some(link) = unsafe { link_of(shell, id) } {
        // SAFETY: as above.
        unsafe { unlink(link) };
    }
}

/// `mbedtls_ssl_cache_remove` of the 2.28 edition's list: forgets `id`.
///
/// # Safety
/// `shell` is NULL or a cache shell.
pub(crate) unsafe fn remove_entry(shell: *mut mbedtls_ssl_cache_context, id: &[u8]) {
    let _chain = CHAIN.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: `shell` is NULL or a cache shell (the contract of this function).
    if let Some(cache) = unsafe { handle::get(shell) } {
        // SAFETY: as above; `CHAIN` is held.
        unsafe { forget(shell, cache, id) };
    }
}

/// `mbedtls_ssl_cache_free`'s first step: frees the entry list.
///
/// # Safety
/// `shell` is NULL or a (zeroed or initialised) cache shell.
pub(crate) unsafe fn free_chain(shell: *mut mbedtls_ssl_cache_context) {
    let _chain = CHAIN.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: `shell` is NULL or a cache shell (the contract of this function); a shell without
    // an object has no list of ours (a zeroed `chain`, or one already freed).
    if unsafe { handle::is_set(shell) } {
        // SAFETY: as above; `CHAIN` is held.
        unsafe {
            while !(*shell).chain.is_null() {
                unlink(&raw mut (*shell).chain);
            }
        }
    }
}

/// Looks up the session whose ID is in `session->id`/`id_len` (the `f_get_cache` of Mbed TLS
/// 2.28's `mbedtls_ssl_conf_session_cache`) and fills `session` with it. Expired entries are
/// never returned: an entry whose `timestamp` in `cache->chain` is more than `cache->timeout`
/// seconds old (a program may zero it) is forgotten. The public `timeout` and `max_entries`
/// are read at each call. Keeping 2.28's entry list costs a walk of it per call (at most
/// `max_entries`), as in 2.28; the 3.6 edition's cache is O(1).
///
/// # Returns
/// 0 when found; 1 for a miss, an ID longer than 32 bytes, or NULL arguments (as 2.28).
///
/// # Safety
/// `data` is NULL or a `mbedtls_ssl_cache_context *`; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_get(data: *mut c_void, session: *mut mbedtls_ssl_session) -> c_int {
    entry!(mbedtls_ssl_cache_get, {
        let shell = data.cast::<mbedtls_ssl_cache_context>();
        let _chain = CHAIN.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: `data` is NULL or a cache shell (the contract of this function).
        let Some(cache) = (unsafe { synced(shell) }) else { return NOT_DONE };
        if session.is_null() {
            return NOT_DONE;
        }
        // SAFETY: `session` is a non-NULL session struct (the contract); plain fields.
        let (id, len) = unsafe { ((*session).id, (*session).id_len) };
        let Some(id) = id.get(..len) else { return NOT_DONE };
        // The entry's timestamp in the list is the one that counts: the program may have changed it.
        // SAFETY: `shell` is a cache shell; `CHAIN` is held.
        let stamped = unsafe { link_of(shell, id) }.map(|link| unsafe { (**link).timestamp });
        let timeout = i128::from(cache.timeout());
        let now = i128::from(now_secs());
        if stamped.is_some_and(|t| timeout != 0 && now - i128::from(t) > timeout) {
            // SAFETY: as above.
            unsafe { forget(shell, cache, id) };
            return NOT_DONE;
        }
        match cache.get(id) {
            Ok(found) => {
                // SAFETY: `session` is an initialised session (the contract of this function).
                unsafe { session_put(session, found) };
                0
            }
            Err(_) => {
                // SAFETY: as above.
                unsafe { forget(shell, cache, id) };
                NOT_DONE
            }
        }
    })
}

/// Stores `session` under its ID (the `f_set_cache` of Mbed TLS 2.28's
/// `mbedtls_ssl_conf_session_cache`). An entry with the same ID is overwritten; a full cache
/// evicts its oldest entry.
///
/// # Returns
/// 0; 1 for NULL arguments, a session without ID, or a cache of 0 entries (caching off).
///
/// # Safety
/// `data` is NULL or a `mbedtls_ssl_cache_context *`; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_set(data: *mut c_void, session: *const mbedtls_ssl_session) -> c_int {
    entry!(mbedtls_ssl_cache_set, {
        let shell = data.cast::<mbedtls_ssl_cache_context>();
        let _chain = CHAIN.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: `data` is NULL or a cache shell (the contract of this function).
        let cache = unsafe { synced(shell) };
        // SAFETY: `session` is NULL or a session shell (the contract of this function).
        let value = unsafe { session_value(session) };
        match (cache, value) {
            (Some(cache), Some(value)) if !value.id.is_empty() => {
                if cache.set(&value.id, value).is_ok() {
                    // SAFETY: `shell` is a cache shell; `CHAIN` is held.
                    unsafe { record(shell, cache, value) };
                    0
                } else {
                    NOT_DONE
                }
            }
            _ => NOT_DONE,
        }
    })
}
