//! `ssl_cache.h`: the built-in server session cache (`crate::cache::SessionCache`): Mbed TLS
//! 3.6's functions and semantics, O(1) and safe to share between threads.

use core::ffi::{c_int, c_uchar, c_void};
use std::sync::Arc;

#[cfg(feature = "edition-2-28")]
use super::edition_2_28::ssl_cache::{free_chain, mbedtls_ssl_cache_entry};
#[cfg(not(feature = "edition-2-28"))]
use super::error::code_of;
use super::error::status;
use super::handle::{self, shell};
#[cfg(not(feature = "edition-2-28"))]
use super::ssl::{mbedtls_ssl_session, session_put, session_value};
use super::{entry, in_slice};
use crate::cache::SessionCache;
use crate::error::Error;

/// A session cache. Declare it, `mbedtls_ssl_cache_init` it, pass it to
/// `mbedtls_ssl_conf_session_cache(conf, &cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set)`,
/// `mbedtls_ssl_cache_free` it. One cache may serve many contexts on many threads.
//
// Mbed TLS 2.28 edition (not a doc comment: the 3.6 header stays as it was): 2.28's public
// fields, kept by the 2.28 edition's cache functions (ffi/edition_2_28/ssl_cache.rs).
#[repr(C)]
pub struct mbedtls_ssl_cache_context {
    private_handle: *mut c_void,
    /// The entries, oldest first, as 2.28 lists them: a program may walk the list and set an
    /// entry's `timestamp` (0 expires it at the next lookup). Kept by `mbedtls_ssl_cache_get`
    /// and `_set`; read-only otherwise.
    #[cfg(feature = "edition-2-28")]
    pub chain: *mut mbedtls_ssl_cache_entry,
    /// Entry lifetime in seconds (0: no expiry); a program may write it, the next lookup or store
    /// applies it.
    #[cfg(feature = "edition-2-28")]
    pub timeout: c_int,
    /// The most entries kept; a program may write it, the next store applies it.
    #[cfg(feature = "edition-2-28")]
    pub max_entries: c_int,
}

impl mbedtls_ssl_cache_context {
    /// As after `mbedtls_ssl_cache_init`'s first step: no object, public fields zero.
    const EMPTY_SHELL: Self = Self {
        private_handle: core::ptr::null_mut(),
        #[cfg(feature = "edition-2-28")]
        chain: core::ptr::null_mut(),
        #[cfg(feature = "edition-2-28")]
        timeout: 0,
        #[cfg(feature = "edition-2-28")]
        max_entries: 0,
    };
}

shell!(mbedtls_ssl_cache_context => Arc<SessionCache>, mbedtls_ssl_cache_context::EMPTY_SHELL);

/// Initialises an empty cache with the defaults (timeout 86400 s, 50 entries).
///
/// # Safety
/// `cache` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_cache_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_init(cache: *mut mbedtls_ssl_cache_context) {
    entry!(mbedtls_ssl_cache_init, {
        if cache.is_null() {
            return;
        }
        let limits = (MBEDTLS_SSL_CACHE_DEFAULT_TIMEOUT as u32, MBEDTLS_SSL_CACHE_DEFAULT_MAX_ENTRIES as usize);
        // SAFETY: `cache` is writable (the caller's contract); `init` writes without reading, so
        // `install` then finds an empty shell.
        unsafe {
            handle::init(cache);
            handle::install(cache, Arc::new(SessionCache::new(limits.0, limits.1)));
        }
        // Mbed TLS 2.28 edition: the public fields say the limits.
        #[cfg(feature = "edition-2-28")]
        // SAFETY: `cache` is a shell (just initialised); plain fields next to the handle.
        unsafe {
            (*cache).timeout = MBEDTLS_SSL_CACHE_DEFAULT_TIMEOUT;
            (*cache).max_entries = MBEDTLS_SSL_CACHE_DEFAULT_MAX_ENTRIES;
        }
    })
}

/// Frees the cache. NULL, zeroed and already freed shells are fine.
///
/// Differences from Mbed TLS: configurations that use the cache keep it alive until they are
/// freed too (freeing a cache in use is undefined behaviour in Mbed TLS).
///
/// # Safety
/// `cache` is NULL or points to a zeroed or initialised `mbedtls_ssl_cache_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_free(cache: *mut mbedtls_ssl_cache_context) {
    entry!(mbedtls_ssl_cache_free, {
        // Mbed TLS 2.28 edition: the entry list goes first.
        #[cfg(feature = "edition-2-28")]
        // SAFETY: `cache` is NULL or an initialised (or zeroed) shell (the caller's contract).
        unsafe {
            free_chain(cache)
        };
        // SAFETY: `cache` is NULL or an initialised (or zeroed) shell (the caller's contract).
        unsafe { handle::release(cache) }
    })
}

/// The cache and the session ID that the cache callbacks receive (the cache as `void *`), or
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL.
///
/// # Safety
/// `data` is NULL or a cache shell; `session_id` is NULL or valid for `len` bytes, during `'a`.
unsafe fn cache_and_id<'a>(
    data: *mut c_void,
    session_id: *const c_uchar,
    len: usize,
) -> Result<(&'a Arc<SessionCache>, &'a [u8]), Error> {
    // SAFETY: per this function's contract.
    let cache = unsafe { handle::get(data.cast::<mbedtls_ssl_cache_context>()) };
    // SAFETY: per this function's contract.
    let id = unsafe { in_slice(session_id, len) };
    cache.zip(id).ok_or(Error::SslBadInputData)
}

/// Looks up a session by ID (the `f_get_cache` of `mbedtls_ssl_conf_session_cache`).
/// Expired entries are never returned.
///
/// # Returns
/// 0 with `session` filled; `MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND` for a miss;
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments.
///
/// # Safety
/// `data` is NULL or a `mbedtls_ssl_cache_context *`; `session_id` is valid for
/// `session_id_len` bytes; `session` is NULL or an initialised session.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_get(
    data: *mut c_void,
    session_id: *const c_uchar,
    session_id_len: usize,
    session: *mut mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_ssl_cache_get, {
        // SAFETY: the pointers are as `cache_and_id` requires (the contract of this function).
        let target = unsafe { cache_and_id(data, session_id, session_id_len) };
        let target = target.and_then(|t| if session.is_null() { Err(Error::SslBadInputData) } else { Ok(t) });
        match target.and_then(|(cache, id)| cache.get(id)) {
            Ok(found) => {
                // SAFETY: `session` is a non-NULL (checked) initialised session shell (the contract).
                unsafe { session_put(session, found) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

/// Stores a session under its ID (the `f_set_cache` of `mbedtls_ssl_conf_session_cache`).
/// An existing entry with the same ID is overwritten; a full cache evicts its oldest entry.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, an empty session or an ID longer than
/// 32 bytes; `MBEDTLS_ERR_SSL_INTERNAL_ERROR` when `max_entries` is 0 (caching off, as in Mbed TLS).
///
/// # Safety
/// As for `mbedtls_ssl_cache_get`.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_set(
    data: *mut c_void,
    session_id: *const c_uchar,
    session_id_len: usize,
    session: *const mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_ssl_cache_set, {
        // SAFETY: `session` is NULL or a session shell (the contract of this function).
        let value = unsafe { session_value(session) }.ok_or(Error::SslBadInputData);
        // SAFETY: the pointers are as `cache_and_id` requires (the contract of this function).
        let target = unsafe { cache_and_id(data, session_id, session_id_len) };
        status(target.and_then(|(cache, id)| cache.set(id, value?)))
    })
}

/// Removes the entry for `session_id`. Returns 0 even when there is none (as Mbed TLS 3.6);
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments.
///
/// # Safety
/// `data` is NULL or a `mbedtls_ssl_cache_context *`; `session_id` is valid for the length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_remove(
    data: *mut c_void,
    session_id: *const c_uchar,
    session_id_len: usize,
) -> c_int {
    entry!(mbedtls_ssl_cache_remove, {
        // SAFETY: the pointers are as `cache_and_id` requires (the contract of this function).
        let found = unsafe { cache_and_id(data, session_id, session_id_len) };
        #[cfg(feature = "edition-2-28")]
        if let Ok((_, id)) = found {
            // SAFETY: `data` is a cache shell (it has an object); the 2.28 entry list follows.
            unsafe { super::edition_2_28::ssl_cache::remove_entry(data.cast(), id) };
            return 0;
        }
        status(found.map(|(cache, id)| cache.remove(id)))
    })
}

/// Sets the lifetime of entries in seconds; 0 means entries never expire; negative values
/// count as 0.
///
/// # Safety
/// `cache` is NULL (ignored) or an initialised cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_set_timeout(cache: *mut mbedtls_ssl_cache_context, timeout: c_int) {
    entry!(mbedtls_ssl_cache_set_timeout, {
        // SAFETY: `cache` is NULL or a cache shell (the contract of this function).
        if let Some(object) = unsafe { handle::get(cache) } {
            object.set_timeout(u32::try_from(timeout).unwrap_or(0));
            #[cfg(feature = "edition-2-28")]
            // SAFETY: `cache` is a cache shell (it has an object); a plain field.
            unsafe {
                (*cache).timeout = timeout.max(0)
            };
        }
    })
}

/// The entry lifetime in seconds (0 for NULL). A real function here; inline in Mbed TLS 3.6.
///
/// # Safety
/// `cache` is NULL or an initialised cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_get_timeout(cache: *mut mbedtls_ssl_cache_context) -> c_int {
    entry!(mbedtls_ssl_cache_get_timeout, {
        // SAFETY: `cache` is NULL or a cache shell (the contract of this function).
        unsafe { handle::get(cache) }.map_or(0, |c| c_int::try_from(c.timeout()).unwrap_or(c_int::MAX))
    })
}

/// Sets the maximum number of entries; 0 turns caching off; negative values count as 0.
/// Shrinking evicts the oldest entries at once.
///
/// # Safety
/// `cache` is NULL (ignored) or an initialised cache.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_set_max_entries(cache: *mut mbedtls_ssl_cache_context, max: c_int) {
    entry!(mbedtls_ssl_cache_set_max_entries, {
        // SAFETY: `cache` is NULL or a cache shell (the contract of this function).
        if let Some(object) = unsafe { handle::get(cache) } {
            object.set_max_entries(usize::try_from(max).unwrap_or(0));
            #[cfg(feature = "edition-2-28")]
            // SAFETY: `cache` is a cache shell (it has an object); a plain field.
            unsafe {
                (*cache).max_entries = max.max(0)
            };
        }
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/ssl_cache.rs"));
