//! `ssl_cache.h` of Mbed TLS 2.28: the built-in cache's callbacks receive the session only; the
//! session ID is inside it (`session->id`, `session->id_len`).

use core::ffi::{c_int, c_void};

use crate::ffi::entry;
use crate::ffi::handle;
use crate::ffi::ssl::{mbedtls_ssl_session, session_put, session_value};
use crate::ffi::ssl_cache::mbedtls_ssl_cache_context;

/// What 2.28's cache functions return for a miss or a refused entry (they have no error codes).
const NOT_DONE: c_int = 1;

/// Looks up the session whose ID is in `session->id`/`id_len` (the `f_get_cache` of Mbed TLS
/// 2.28's `mbedtls_ssl_conf_session_cache`) and fills `session` with it. Expired entries are
/// never returned.
///
/// # Returns
/// 0 when found; 1 for a miss, an ID longer than 32 bytes, or NULL arguments (as 2.28).
///
/// # Safety
/// `data` is NULL or a `mbedtls_ssl_cache_context *`; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_cache_get(data: *mut c_void, session: *mut mbedtls_ssl_session) -> c_int {
    entry!(mbedtls_ssl_cache_get, {
        // SAFETY: `data` is NULL or a cache shell (the contract of this function).
        let Some(cache) = (unsafe { handle::get(data.cast::<mbedtls_ssl_cache_context>()) }) else { return NOT_DONE };
        if session.is_null() {
            return NOT_DONE;
        }
        // SAFETY: `session` is a non-NULL session struct (the contract); plain fields.
        let (id, len) = unsafe { ((*session).id, (*session).id_len) };
        let Some(id) = id.get(..len) else { return NOT_DONE };
        match cache.get(id) {
            Ok(found) => {
                // SAFETY: `session` is an initialised session (the contract of this function).
                unsafe { session_put(session, found) };
                0
            }
            Err(_) => NOT_DONE,
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
        // SAFETY: `data` is NULL or a cache shell (the contract of this function).
        let cache = unsafe { handle::get(data.cast::<mbedtls_ssl_cache_context>()) };
        // SAFETY: `session` is NULL or a session shell (the contract of this function).
        let value = unsafe { session_value(session) };
        match (cache, value) {
            (Some(cache), Some(value)) if !value.id.is_empty() => {
                if cache.set(&value.id, value).is_ok() {
                    0
                } else {
                    NOT_DONE
                }
            }
            _ => NOT_DONE,
        }
    })
}
