//! `compat_redis.h` in the Mbed TLS 2.28 edition: the Redis cache's callbacks with 2.28's
//! session cache signatures (the session ID is inside the session, `session->id`/`id_len`), so
//! that a 2.28 server switches with one call:
//!
//! ```c
//! mbedtls_ssl_conf_session_cache(&conf, &rcache, mbedtls_compat_redis_cache_get,
//!                                mbedtls_compat_redis_cache_set);
//! ```
//!
//! `mbedtls_compat_redis_cache_remove` keeps its one signature (2.28 has no remove callback).

use core::ffi::{c_int, c_void};

use crate::error::Error;
use crate::ffi::compat_redis::{get_into, set_from};
use crate::ffi::entry;
use crate::ffi::error::code_of;
use crate::ffi::ssl::{mbedtls_ssl_session, session_value};

/// What 2.28's cache functions return for a miss.
const MISS: c_int = 1;

/// Looks up the session whose ID is in `session->id`/`id_len` in Redis (the `f_get_cache` of
/// Mbed TLS 2.28's `mbedtls_ssl_conf_session_cache`) and fills `session` with it.
///
/// # Returns
/// 0 with `session` filled; 1 for a miss (as 2.28's own cache), also when Redis is unreachable,
/// slow or answered something that is not that session (a full handshake follows, never a
/// failure); `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, a cache not set up, or an
/// `id_len` of 0 or more than 32.
///
/// # Safety
/// `data` is NULL or a `mbedtls_compat_redis_cache *`; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_get(data: *mut c_void, session: *mut mbedtls_ssl_session) -> c_int {
    entry!(mbedtls_compat_redis_cache_get, {
        if session.is_null() {
            return code_of(Error::SslBadInputData);
        }
        // SAFETY: `session` is a non-NULL session struct (the contract); plain fields, copied
        // out before the session is written.
        let (id, len) = unsafe { ((*session).id, (*session).id_len) };
        let Some(id) = id.get(..len) else { return code_of(Error::SslBadInputData) };
        // SAFETY: `data` and `session` per this function's contract; `id` is a live local slice.
        match unsafe { get_into(data, id.as_ptr(), id.len(), session) } {
            miss if miss == code_of(Error::SslCacheEntryNotFound) => MISS,
            ret => ret,
        }
    })
}

/// Stores `session` in Redis under its own ID for the cache's timeout (the `f_set_cache` of
/// Mbed TLS 2.28's `mbedtls_ssl_conf_session_cache`).
///
/// # Returns
/// 0 when Redis took it; `MBEDTLS_ERR_SSL_INTERNAL_ERROR` when the write was dropped (Redis
/// unreachable or slow: the handshake is not affected); `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for
/// NULL arguments, a cache not set up, a session without an ID or empty, or one over 64 KiB
/// saved.
///
/// # Safety
/// `data` is NULL or a `mbedtls_compat_redis_cache *`; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_set(
    data: *mut c_void,
    session: *const mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_compat_redis_cache_set, {
        // SAFETY: `session` is NULL or a session shell (the contract of this function).
        let Some(value) = (unsafe { session_value(session) }) else { return code_of(Error::SslBadInputData) };
        // SAFETY: `data` per this function's contract; the ID lives in the session.
        unsafe { set_from(data, value.id.as_ptr(), value.id.len(), Some(value)) }
    })
}
