//! `compat_redis.h`: the fleet-wide session cache on Redis (`crate::redis_store`), with the
//! session cache callback signatures of Mbed TLS 3.6, so that a server switches with one call:
//!
//! ```c
//! mbedtls_compat_redis_cache_init(&rcache);
//! mbedtls_compat_redis_cache_setup(&rcache, "redis://127.0.0.1:6379/0", "tls:", 86400, 50);
//! mbedtls_ssl_conf_session_cache(&conf, &rcache, mbedtls_compat_redis_cache_get,
//!                                mbedtls_compat_redis_cache_set);
//! ```

use core::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

use super::cipher::mbedtls_cipher_type_t;
use super::error::code_of;
use super::handle::{self, shell};
use super::in_slice;
use super::ssl::{mbedtls_ssl_session, session_put};
use super::ssl_ticket::{mbedtls_ssl_ticket_context, setup_keys};
use super::{entry, in_cstr};
use crate::error::Error;
use crate::redis_store::{RedisLink, RedisStore};
use crate::session::Session;
use crate::ticket::TicketKeys;
use core::ffi::c_uchar;

/// A session cache kept in Redis. Declare it, `mbedtls_compat_redis_cache_init` it,
/// `mbedtls_compat_redis_cache_setup` it, pass it to `mbedtls_ssl_conf_session_cache` with
/// `mbedtls_compat_redis_cache_get`/`_set`, `mbedtls_compat_redis_cache_free` it. One cache may
/// serve many contexts on many threads; every server of a fleet pointing at the same Redis and
/// prefix shares the sessions.
#[repr(C)]
pub struct mbedtls_compat_redis_cache {
    private_handle: *mut c_void,
}

shell!(mbedtls_compat_redis_cache => Arc<RedisStore>, mbedtls_compat_redis_cache { private_handle: core::ptr::null_mut() });

/// The store of a cache shell given as the callbacks' `void *` (None: not a set-up cache).
///
/// # Safety
/// `data` is NULL or points to an `mbedtls_compat_redis_cache`.
pub(crate) unsafe fn store_of(data: *mut c_void) -> Option<Arc<RedisStore>> {
    // SAFETY: per this function's contract.
    unsafe { handle::get(data.cast::<mbedtls_compat_redis_cache>()) }.cloned()
}

/// Initialises an empty cache (no Redis yet). NULL is ignored.
///
/// # Safety
/// `cache` is NULL or points to writable memory for an `mbedtls_compat_redis_cache`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_init(cache: *mut mbedtls_compat_redis_cache) {
    // SAFETY: `cache` is NULL or writable (the caller's contract); `init` ignores NULL.
    entry!(mbedtls_compat_redis_cache_init, { unsafe { handle::init(cache) } })
}

/// Points the cache at Redis: `url` is `redis://[:password@]host:port/db` or
/// `unix:/path/to/redis.sock`; sessions are stored under `key_prefix` followed by the session ID
/// in hex, each for `timeout_s` seconds (Redis expires them: Mbed TLS's cache timeout);
/// `io_timeout_ms` bounds every operation, connecting included. Nothing is connected here:
/// Redis may be down at setup and come later.
///
/// Redis down, slow, refusing or answering garbage never fails a handshake: a lookup is a miss
/// (a full handshake), a store is dropped, and after a failure Redis is left alone for a
/// back-off (100 ms doubling to 5 s) before the next try. One log line per change of state.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, an unparsable URL, an empty prefix,
/// `timeout_s` or `io_timeout_ms` 0, or a cache already set up.
///
/// # Safety
/// `cache` is NULL or an initialised cache; `url` and `key_prefix` are NULL or C strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_setup(
    cache: *mut mbedtls_compat_redis_cache,
    url: *const c_char,
    key_prefix: *const c_char,
    timeout_s: u32,
    io_timeout_ms: u32,
) -> c_int {
    entry!(mbedtls_compat_redis_cache_setup, {
        // SAFETY: `cache` is NULL or an initialised shell (the contract of this function).
        if cache.is_null() || unsafe { handle::is_set(cache) } {
            return code_of(Error::SslBadInputData);
        }
        // SAFETY: `url` and `key_prefix` are NULL or C strings (the contract of this function).
        let (Some(url), Some(prefix)) = (unsafe { in_cstr(url) }, unsafe { in_cstr(key_prefix) }) else {
            return code_of(Error::SslBadInputData);
        };
        let (Ok(url), Ok(prefix)) = (url.to_str(), prefix.to_str()) else {
            return code_of(Error::SslBadInputData);
        };
        match RedisStore::new(url, prefix, timeout_s, io_timeout_ms) {
            Ok(store) => {
                // SAFETY: `cache` is a non-NULL initialised shell holding nothing (checked above).
                unsafe { handle::install(cache, Arc::new(store)) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

/// The store and the session ID the callbacks receive, or `MBEDTLS_ERR_SSL_BAD_INPUT_DATA`.
///
/// # Safety
/// `data` is NULL or a cache shell; `id` is NULL or valid for `len` bytes.
unsafe fn store_and_id<'a>(
    data: *mut c_void,
    id: *const c_uchar,
    len: usize,
) -> Result<(Arc<RedisStore>, &'a [u8]), Error> {
    // SAFETY: per this function's contract.
    let (store, id) = unsafe { (store_of(data), in_slice(id, len)) };
    match (store, id) {
        (Some(store), Some(id)) if !id.is_empty() && id.len() <= 32 => Ok((store, id)),
        _ => Err(Error::SslBadInputData),
    }
}

/// The get callback's work, for both editions' signatures: `session` filled from Redis, or the
/// documented code.
///
/// # Safety
/// `data` is NULL or a cache shell; `id` is NULL or valid for `len` bytes; `session` is NULL or
/// an initialised session.
pub(crate) unsafe fn get_into(
    data: *mut c_void,
    id: *const c_uchar,
    len: usize,
    session: *mut mbedtls_ssl_session,
) -> c_int {
    // SAFETY: the pointers are as `store_and_id` requires (the contract of this function).
    match unsafe { store_and_id(data, id, len) } {
        Ok(_) if session.is_null() => code_of(Error::SslBadInputData),
        Ok((store, id)) => match store.get(id) {
            Some(found) => {
                // SAFETY: `session` is a non-NULL initialised session shell (the contract).
                unsafe { session_put(session, found) };
                0
            }
            None => code_of(Error::SslCacheEntryNotFound),
        },
        Err(e) => code_of(e),
    }
}

/// The set callback's work, for both editions' signatures: the session (`value`, None for a
/// NULL or empty session struct) stored in Redis under `id`, or the documented code.
///
/// # Safety
/// `data` is NULL or a cache shell; `id` is NULL or valid for `len` bytes.
pub(crate) unsafe fn set_from(data: *mut c_void, id: *const c_uchar, len: usize, value: Option<&Session>) -> c_int {
    // SAFETY: the pointers are as `store_and_id` requires (the contract of this function).
    let target = unsafe { store_and_id(data, id, len) };
    match (target, value) {
        (Ok((store, id)), Some(value)) => match store.set(id, value) {
            Ok(true) => 0,
            Ok(false) => code_of(Error::SslInternalError),
            Err(_) => code_of(Error::SslBadInputData),
        },
        (Err(e), _) => code_of(e),
        (_, None) => code_of(Error::SslBadInputData),
    }
}

/// Looks up a session by ID in Redis (the `f_get_cache` of `mbedtls_ssl_conf_session_cache`).
///
/// # Returns
/// 0 with `session` filled; `MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND` for a miss, and also when
/// Redis is unreachable, slow or answered something that is not that session (a full handshake
/// follows, never a failure); `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, a cache not
/// set up, or an ID of 0 or more than 32 bytes.
///
/// # Safety
/// `data` is NULL or a `mbedtls_compat_redis_cache *`; `session_id` is valid for
/// `session_id_len` bytes; `session` is NULL or an initialised session.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_get(
    data: *mut c_void,
    session_id: *const c_uchar,
    session_id_len: usize,
    session: *mut mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_compat_redis_cache_get, {
        // SAFETY: the same contract.
        unsafe { get_into(data, session_id, session_id_len, session) }
    })
}

/// Stores a session in Redis under its ID for the cache's timeout (the `f_set_cache` of
/// `mbedtls_ssl_conf_session_cache`).
///
/// # Returns
/// 0 when Redis took it; `MBEDTLS_ERR_SSL_INTERNAL_ERROR` when the write was dropped (Redis
/// unreachable or slow: the handshake is not affected, Mbed TLS ignores this result);
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, a cache not set up, an ID of 0 or more
/// than 32 bytes, an empty session, or one over 64 KiB saved.
///
/// # Safety
/// As for `mbedtls_compat_redis_cache_get`; `session` is NULL or an initialised session.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_set(
    data: *mut c_void,
    session_id: *const c_uchar,
    session_id_len: usize,
    session: *const mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_compat_redis_cache_set, {
        // SAFETY: `session` is NULL or a session shell; the other pointers per the same contract.
        unsafe { set_from(data, session_id, session_id_len, super::ssl::session_value(session)) }
    })
}

/// Removes a session from Redis, for every server of the fleet.
///
/// # Returns
/// 0 (also when it was not there); `MBEDTLS_ERR_SSL_INTERNAL_ERROR` when Redis could not be
/// told; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, a cache not set up or a bad ID.
///
/// # Safety
/// `data` is NULL or a `mbedtls_compat_redis_cache *`; `session_id` is valid for the length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_remove(
    data: *mut c_void,
    session_id: *const c_uchar,
    session_id_len: usize,
) -> c_int {
    entry!(mbedtls_compat_redis_cache_remove, {
        // SAFETY: the pointers are as `store_and_id` requires (the contract of this function).
        match unsafe { store_and_id(data, session_id, session_id_len) } {
            Ok((store, id)) if store.remove(id) => 0,
            Ok(_) => code_of(Error::SslInternalError),
            Err(e) => code_of(e),
        }
    })
}

/// The I/O timeout of the fleet's ticket keys in Redis (per operation, connecting included).
const TICKET_IO_TIMEOUT_MS: u32 = 100;

/// Sets up `ctx` as `mbedtls_ssl_ticket_setup` does, with ticket keys shared by every server of a
/// fleet through Redis at `url` (as for `mbedtls_compat_redis_cache_setup`) under `key_name`:
/// the keys of each period of `lifetime` seconds are made by whichever server first needs them
/// (atomically: two servers racing make one key) and kept in Redis; every server issues tickets
/// with the current key and accepts the previous one for one more lifetime, as
/// `mbedtls_ssl_ticket_rotate` does for one server. Pass `ctx` to
/// `mbedtls_ssl_conf_session_tickets_cb` with `mbedtls_ssl_ticket_write`/`_parse` as usual.
///
/// While Redis is away the server uses keys of its own (rotating every `lifetime`), so no
/// handshake fails; it re-joins the fleet's keys at the next period Redis answers for. Each
/// Redis operation waits at most 100 ms (once per period when Redis answers). Key bytes are never logged.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL `ctx`, `f_rng`, `url` or `key_name`, an empty
/// `key_name`, an unparsable URL, or a cipher other than AES-128/256-GCM or ChaCha20-Poly1305.
///
/// # Safety
/// `ctx` is NULL or an initialised ticket context; `url` and `key_name` are NULL or C strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_ticket_setup_redis(
    ctx: *mut mbedtls_ssl_ticket_context,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut core::ffi::c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
    cipher: mbedtls_cipher_type_t,
    lifetime: u32,
    url: *const c_char,
    key_name: *const c_char,
) -> c_int {
    entry!(mbedtls_compat_ssl_ticket_setup_redis, {
        let _ = p_rng;
        // SAFETY: `url` and `key_name` are NULL or C strings (the contract of this function).
        let (Some(url), Some(key_name)) = (unsafe { in_cstr(url) }, unsafe { in_cstr(key_name) }) else {
            return code_of(Error::SslBadInputData);
        };
        let (Ok(url), Ok(key_name)) = (url.to_str(), key_name.to_str()) else {
            return code_of(Error::SslBadInputData);
        };
        let make = |aead| TicketKeys::with_fleet(aead, lifetime, RedisLink::new(url, TICKET_IO_TIMEOUT_MS)?, key_name);
        // SAFETY: `ctx` is NULL or an initialised ticket context (the contract of this function).
        unsafe { setup_keys(ctx, f_rng.is_some(), cipher, make) }
    })
}

/// Frees the cache (its connections). NULL, zeroed and already freed shells are fine;
/// configurations that use it keep it until they are freed too.
///
/// # Safety
/// `cache` is NULL or points to a zeroed or initialised `mbedtls_compat_redis_cache`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_redis_cache_free(cache: *mut mbedtls_compat_redis_cache) {
    // SAFETY: `cache` is NULL or an initialised (or zeroed) shell (the caller's contract).
    entry!(mbedtls_compat_redis_cache_free, { unsafe { handle::release(cache) } })
}
