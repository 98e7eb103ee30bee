//! Peer verification settings: the application's verify callback (`mbedtls_ssl_conf_verify`,
//! `mbedtls_ssl_set_verify`) and the certificate profile (`mbedtls_ssl_conf_cert_profile`).

use super::*;
use crate::ffi::x509_crt::{CVerify, VerifyFn, mbedtls_x509_crt_profile, profile_from};
use crate::verify::VerifyCallback;

fn callback(f_vrfy: Option<VerifyFn>, p_vrfy: *mut c_void) -> Option<Arc<dyn VerifyCallback>> {
    f_vrfy.map(|f| Arc::new(CVerify::new(f, p_vrfy)) as Arc<dyn VerifyCallback>)
}

/// Sets the verify callback of the configuration's handshakes: after the peer's chain is built
/// and checked, `f_vrfy(p_vrfy, crt, depth, &flags)` is called for each certificate from the
/// highest depth (the trusted CA, or the last certificate reached) down to 0 (the peer's own),
/// and may set or clear bits of that certificate's flags; the handshake's flags
/// (`mbedtls_ssl_get_verify_result`) are what it leaves, and `VERIFY_REQUIRED` refuses the peer
/// only when some are left. A non-zero return ends the handshake with that code, whatever the
/// authmode (`MBEDTLS_ERR_X509_CERT_VERIFY_FAILED` becomes `MBEDTLS_ERR_X509_FATAL_ERROR`). The
/// key-usage checks of the peer's certificate run after the callback. Also in renegotiations.
/// NULL `f_vrfy` removes the callback.
///
/// Differences from Mbed TLS: `crt` (and its `next`) is valid during the call only; its chain is
/// the chain as built (the peer's certificate, then its parents).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `f_vrfy` honours the contract
/// above, and `p_vrfy` is valid for it whenever a handshake runs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_verify(
    conf: *mut mbedtls_ssl_config,
    f_vrfy: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int>,
    p_vrfy: *mut c_void,
) {
    entry!(mbedtls_ssl_conf_verify, {
        let handle = conf_or_return!(conf);
        handle.config.update(|s| s.verify_callback = callback(f_vrfy, p_vrfy));
    })
}

/// Sets this context's verify callback, used instead of the configuration's (see
/// `mbedtls_ssl_conf_verify`); NULL `f_vrfy` goes back to the configuration's. Kept by
/// `mbedtls_ssl_session_reset`.
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context; as `mbedtls_ssl_conf_verify` otherwise.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_verify(
    ssl: *mut mbedtls_ssl_context,
    f_vrfy: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_x509_crt, c_int, *mut u32) -> c_int>,
    p_vrfy: *mut c_void,
) {
    entry!(mbedtls_ssl_set_verify, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        let _ = unsafe {
            with_ssl(ssl, |h| {
                h.ctx.set_verify_callback(callback(f_vrfy, p_vrfy));
                Ok(())
            })
        };
    })
}

/// Sets the certificate profile the peer's chain is checked with (hashes, key types, curves,
/// RSA size: `MBEDTLS_X509_BADCERT_BAD_MD`, `BAD_PK`, `BAD_KEY`). `mbedtls_ssl_config_defaults`
/// sets `mbedtls_x509_crt_profile_default` (Suite B preset: `_suiteb`).
///
/// Differences from Mbed TLS: the profile is copied (it may be freed after the call); NULL is
/// ignored (in Mbed TLS it makes every verification fail).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `profile` NULL or readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_cert_profile(
    conf: *mut mbedtls_ssl_config,
    profile: *const mbedtls_x509_crt_profile,
) {
    entry!(mbedtls_ssl_conf_cert_profile, {
        let handle = conf_or_return!(conf);
        // SAFETY: NULL or readable (the contract of this function).
        if let Some(profile) = unsafe { profile_from(profile) } {
            handle.config.update(|s| s.cert_profile = profile);
        }
    })
}
