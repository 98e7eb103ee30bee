//! `compat.h`: this library's extensions to the Mbed TLS API. Every name starts with
//! `mbedtls_compat_`, so no future Mbed TLS function can collide with them and a reader always
//! knows which calls are not Mbed TLS's.

use core::ffi::{c_int, c_void};
use std::any::Any;
use std::sync::Arc;

use core::ffi::c_uchar;

use super::handle;
use super::ssl::{AppPtr, mbedtls_ssl_config, mbedtls_ssl_context, mbedtls_ssl_session};
use super::ssl_cache::mbedtls_ssl_cache_context;
use super::{copy_out, entry, error::code_of, in_slice, out_slice};
use crate::error::Error;

type NewTicketFn =
    unsafe extern "C" fn(p_ticket: *mut c_void, ssl: *mut mbedtls_ssl_context, session: *const mbedtls_ssl_session);

pub(crate) struct NewTicketHook {
    pub(crate) f: NewTicketFn,
    pub(crate) p: AppPtr,
}

/// 1 when the last handshake of `ssl` resumed a session (abbreviated handshake), 0 when it was
/// a full handshake, before any handshake, and for NULL.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_session_resumed(ssl: *const mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_compat_ssl_session_resumed, { c_int::from(unsafe { super::ssl::resumed(ssl) }) })
}

/// Client: calls `f_ticket(p_ticket, ssl, session)` for every TLS 1.3 NewSessionTicket
/// received, from inside `mbedtls_ssl_read`/`_write`/`_handshake` (the callback form of
/// ticket signalling discussed upstream). It may call `mbedtls_ssl_session_save` on `session`.
/// It works with or without `mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets`.
/// NULL removes the callback.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_conf_new_session_ticket_cb(
    conf: *mut mbedtls_ssl_config,
    f_ticket: Option<
        unsafe extern "C" fn(p_ticket: *mut c_void, ssl: *mut mbedtls_ssl_context, session: *const mbedtls_ssl_session),
    >,
    p_ticket: *mut c_void,
) {
    entry!(mbedtls_compat_ssl_conf_new_session_ticket_cb, {
        let hook = f_ticket.map(|f| Arc::new(NewTicketHook { f, p: AppPtr(p_ticket) }) as Arc<dyn Any + Send + Sync>);
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { super::ssl::update_config(conf, |s| s.new_ticket_callback = hook) };
    })
}

/// Serialises every live entry of the cache (with its
/// timestamp) into `buf`, so that a restarted server can resume the sessions of its previous
/// run. `*olen` is always set to the size needed; `(NULL, 0, &olen)` asks for the size.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL` when `buf_len` is too small (nothing written);
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL cache or `olen`, or `(NULL, buf_len > 0)`.
///
/// # Safety
/// `cache` is NULL or an initialised cache; `buf` is NULL or valid for `buf_len` bytes;
/// `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_cache_save(
    cache: *const mbedtls_ssl_cache_context,
    buf: *mut c_uchar,
    buf_len: usize,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_compat_ssl_cache_save, {
        // SAFETY: `cache` is NULL or a cache shell; `buf` is NULL or writable for `buf_len` bytes (the contract of this function).
        let (Some(cache), Some(out)) = (unsafe { handle::get(cache) }, unsafe { out_slice(buf, buf_len) }) else {
            return code_of(Error::SslBadInputData);
        };
        if olen.is_null() {
            return code_of(Error::SslBadInputData);
        }
        // SAFETY: `olen` is not NULL (checked above) and writable (the contract of this function).
        unsafe { copy_out(&cache.dump(), out, olen) }
    })
}

/// Adds the entries saved by `mbedtls_compat_ssl_cache_save`
/// to the cache, keeping their original timestamps (entries that expired meanwhile are skipped;
/// the cache's `max_entries` applies).
///
/// # Returns
/// The number of entries added (≥ 0); `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL or a truncated,
/// corrupted or foreign buffer (then nothing is added); `MBEDTLS_ERR_SSL_VERSION_MISMATCH` for a
/// format from a newer version.
///
/// # Safety
/// `cache` is NULL or an initialised cache; `buf` is NULL or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_cache_load(
    cache: *mut mbedtls_ssl_cache_context,
    buf: *const c_uchar,
    len: usize,
) -> c_int {
    entry!(mbedtls_compat_ssl_cache_load, {
        // SAFETY: `cache` is NULL or a cache shell; `buf` is NULL or valid for `len` bytes (the contract of this function).
        let (Some(cache), Some(bytes)) = (unsafe { handle::get(cache) }, unsafe { in_slice(buf, len) }) else {
            return code_of(Error::SslBadInputData);
        };
        match cache.restore(bytes) {
            Ok(n) => c_int::try_from(n).unwrap_or(c_int::MAX),
            Err(e) => code_of(e),
        }
    })
}

/// Renegotiation with session resumption (the IEC 62351-3 "session resumption" key refresh:
/// new keys from the same master secret and fresh randoms), when `enable` is non-zero.
/// Server: a renegotiation ClientHello that offers the connection's current session ID gets an
/// abbreviated handshake. Client: a HelloRequest is answered with a ClientHello offering the
/// current session (the server decides). Without it (the default, as Mbed TLS) every
/// renegotiation is a full handshake. Needs `mbedtls_ssl_conf_renegotiation` enabled.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_conf_renegotiation_resumption(
    conf: *mut mbedtls_ssl_config,
    enable: c_int,
) {
    entry!(mbedtls_compat_ssl_conf_renegotiation_resumption, {
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { super::ssl::update_config(conf, |s| s.renegotiation_resumption = enable != 0) };
    })
}

/// Client: a renegotiation that offers the current session (as OpenSSL's
/// `SSL_renegotiate_abbreviated`); the server decides between an abbreviated and a full
/// handshake. Same return codes as `mbedtls_ssl_renegotiate`.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_renegotiate_abbreviated(ssl: *mut mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_compat_ssl_renegotiate_abbreviated, { unsafe { super::ssl::renegotiate_abbreviated(ssl) } })
}

/// Periodic key renewal by time: every `seconds` seconds (0: off) the connection renegotiates
/// from inside `mbedtls_ssl_read`/`_write` (a server sends a HelloRequest; a client starts the
/// renegotiation, offering the current session when `abbreviated` is non-zero). Needs
/// renegotiation enabled. Complements `mbedtls_ssl_conf_renegotiation_period` (by records).
/// The time is looked at when the application calls `mbedtls_ssl_read` or `_write`: a read
/// that waits in the transport does not wake up for it (bound it with
/// `mbedtls_ssl_conf_read_timeout` on an idle link).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_conf_renegotiation_interval(
    conf: *mut mbedtls_ssl_config,
    seconds: u32,
    abbreviated: c_int,
) {
    entry!(mbedtls_compat_ssl_conf_renegotiation_interval, {
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe {
            super::ssl::update_config(conf, |s| s.renegotiation_interval = (u64::from(seconds), abbreviated != 0))
        };
    })
}

/// For event logs (IEC 62351-3): how many renegotiations completed on this connection since
/// its initial handshake, full ones into `*full` and abbreviated (session-resuming) ones into
/// `*abbreviated` (either pointer may be NULL).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context.
///
/// # Safety
/// `ssl` is NULL or an initialised context; the output pointers are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_get_renegotiations(
    ssl: *const mbedtls_ssl_context,
    full: *mut u32,
    abbreviated: *mut u32,
) -> c_int {
    entry!(mbedtls_compat_ssl_get_renegotiations, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        match unsafe { super::ssl::renegotiations(ssl) } {
            Ok((f, a)) => {
                if !full.is_null() {
                    // SAFETY: `full` is not NULL (checked above) and writable (the contract of this function).
                    unsafe { full.write(f) };
                }
                if !abbreviated.is_null() {
                    // SAFETY: `abbreviated` is not NULL (checked above) and writable (the contract of this function).
                    unsafe { abbreviated.write(a) };
                }
                0
            }
            Err(e) => code_of(e),
        }
    })
}
