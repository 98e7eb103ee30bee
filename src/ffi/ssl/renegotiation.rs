//! TLS 1.2 renegotiation settings and `mbedtls_ssl_renegotiate`.

use super::*;

// =============================================================================================
// Renegotiation (TLS 1.2)

/// Accepts (`MBEDTLS_SSL_RENEGOTIATION_ENABLED`) or refuses (`_DISABLED`, the default)
/// renegotiation requested by the peer; also enables `mbedtls_ssl_renegotiate` and periodic
/// renegotiation. A refused request gets a warning `no_renegotiation` alert and the
/// connection continues. TLS 1.2 only (TLS 1.3 has no renegotiation).
///
/// Differences from Mbed TLS: renegotiation runs in this library's own TLS 1.2 engine, which
/// takes over the record layer after the initial handshake (see `src/renegotiation.rs`).
/// Disabled, a repeated request on the same connection ends it with a fatal alert (rustls's
/// limit) where Mbed TLS answers every one with the warning. Enabled, a renegotiation never
/// changes what the session cache or `mbedtls_ssl_get_session` hold (the initial session).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_renegotiation(conf: *mut mbedtls_ssl_config, renegotiation: c_int) {
    entry!(mbedtls_ssl_conf_renegotiation, {
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { update_config(conf, |s| s.renegotiation = renegotiation == MBEDTLS_SSL_RENEGOTIATION_ENABLED) };
    })
}

/// How to treat peers without RFC 5746: `MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION` (default:
/// connect, never renegotiate), `_ALLOW_RENEGOTIATION` (accepted for compatibility, but insecure
/// renegotiation is refused all the same) or `MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE` (abort the
/// handshake with `MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE`).
///
/// Differences from Mbed TLS: legacy (insecure) renegotiation is never allowed.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_legacy_renegotiation(conf: *mut mbedtls_ssl_config, allow_legacy: c_int) {
    entry!(mbedtls_ssl_conf_legacy_renegotiation, {
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { update_config(conf, |s| s.legacy_renegotiation = allow_legacy) };
    })
}

/// Server: how many records a client may send after our HelloRequest before it must start the
/// renegotiation (`MBEDTLS_SSL_RENEGOTIATION_NOT_ENFORCED`, -1: any number; default 16). Past
/// that, `mbedtls_ssl_read` fails with `MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE`.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_renegotiation_enforced(conf: *mut mbedtls_ssl_config, max_records: c_int) {
    entry!(mbedtls_ssl_conf_renegotiation_enforced, {
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { update_config(conf, |s| s.renegotiation_enforced = max_records.max(-1)) };
    })
}

/// Renegotiate automatically once this many records (a big-endian 64-bit number) were sent or
/// received under the current keys (default 2^48 - 1); only when renegotiation is enabled.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `period` is NULL (ignored) or 8
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_renegotiation_period(conf: *mut mbedtls_ssl_config, period: *const c_uchar) {
    entry!(mbedtls_ssl_conf_renegotiation_period, {
        // NULL with a length of 8 is refused by `in_slice`.
        // SAFETY: `period` is NULL or valid for `8` bytes (the contract of this function).
        let Some(bytes) = (unsafe { in_slice(period, 8) }) else { return };
        let Ok(bytes) = <[u8; 8]>::try_from(bytes) else { return };
        let value = u64::from_be_bytes(bytes);
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { update_config(conf, |s| s.renegotiation_period = value) };
    })
}

/// Starts a renegotiation. Server: sends a HelloRequest (the client's renegotiation then runs
/// inside `mbedtls_ssl_read`). Client: performs a full renegotiation; call again after
/// `WANT_READ`/`WANT_WRITE`. Application data that arrives meanwhile is kept for
/// `mbedtls_ssl_read`.
///
/// Differences from Mbed TLS: refused (`BAD_INPUT_DATA`) unless the configuration enabled
/// renegotiation before the handshake; application data before the ServerHello does not end
/// the call with `WAITING_SERVER_HELLO_RENEGO`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_WANT_READ`/`_WANT_WRITE`; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL,
/// before the handshake, on a TLS 1.3 connection or one whose configuration does not enable
/// renegotiation, or with a peer lacking RFC 5746; `MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO`
/// when the server answered with `no_renegotiation`; `MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE` and
/// other fatal errors as for `mbedtls_ssl_handshake`.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_renegotiate(ssl: *mut mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_ssl_renegotiate, { unsafe { renegotiate(ssl, false) } })
}

/// Crate-internal (for `compat.h`): a client renegotiation offering the current session.
pub(crate) unsafe fn renegotiate_abbreviated(ssl: *mut mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    unsafe { renegotiate(ssl, true) }
}

/// A renegotiation, full or offering the current session; the context's public fields (2.28
/// edition) are refreshed after it.
///
/// # Safety
/// `ssl` is NULL or a context shell.
unsafe fn renegotiate(ssl: *mut mbedtls_ssl_context, abbreviated: bool) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    let ret = unsafe { with_ssl(ssl, |h| h.ctx.renegotiate(abbreviated)) };
    // SAFETY: as above.
    unsafe { refresh_context_fields(ssl) };
    status(ret)
}

/// Crate-internal (for `compat.h`): renegotiation counters.
pub(crate) unsafe fn renegotiations(ssl: *const mbedtls_ssl_context) -> Result<(u32, u32), Error> {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    unsafe { with_ssl(ssl, |h| Ok(h.ctx.renegotiations())) }
}
