//! The `x509_crt.h` functions that query a parsed certificate (key usage, extended key usage,
//! basicConstraints, revocation by a CRL) and the parse with an extension callback.

use core::ffi::{c_char, c_int, c_uchar, c_uint, c_void};

use super::{append, certificate, mbedtls_x509_crt, remove};
use crate::error::Error;
use crate::ffi::error::code_of;
use crate::ffi::x509::{buf_of, mbedtls_x509_buf};
use crate::ffi::x509_crl::{crl_of, mbedtls_x509_crl};
use crate::ffi::{entry, in_slice};
use crate::x509::{self, Certificate};

/// The callback of `mbedtls_x509_crt_parse_der_with_ext_cb`: called with the certificate being
/// parsed, an extension's OID, whether it is critical, and its value (`p` to `end`). Returns 0
/// when it handled the extension.
pub type mbedtls_x509_crt_ext_cb_t = Option<
    unsafe extern "C" fn(
        p_ctx: *mut c_void,
        crt: *const mbedtls_x509_crt,
        oid: *const mbedtls_x509_buf,
        critical: c_int,
        p: *const c_uchar,
        end: *const c_uchar,
    ) -> c_int,
>;

/// Checks that the certificate's keyUsage extension, if present, allows every usage bit of
/// `usage` (`MBEDTLS_X509_KU_*`; encipherOnly / decipherOnly must be asked for exactly when the
/// certificate sets them).
///
/// # Returns
/// 0 when allowed (or the extension is absent); `MBEDTLS_ERR_X509_BAD_INPUT_DATA` otherwise,
/// and for a NULL or empty `crt`.
///
/// # Safety
/// `crt` is NULL or an initialised struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_check_key_usage(crt: *const mbedtls_x509_crt, usage: c_uint) -> c_int {
    entry!(mbedtls_x509_crt_check_key_usage, {
        // SAFETY: `crt` is NULL or an initialised struct (the contract of this function).
        match unsafe { certificate(crt) } {
            Some(cert) if x509::key_usage_allows(cert.extensions().key_usage, usage) => 0,
            _ => code_of(Error::X509BadInputData),
        }
    })
}

/// Checks that the certificate's extendedKeyUsage extension, if present, lists the purpose
/// whose OID (contents, e.g. `MBEDTLS_OID_SERVER_AUTH`) is `usage_oid` / `usage_len`, or
/// anyExtendedKeyUsage.
///
/// # Returns
/// 0 when allowed (or the extension is absent); `MBEDTLS_ERR_X509_BAD_INPUT_DATA` otherwise,
/// and for a NULL or empty `crt` or `(NULL, usage_len > 0)`.
///
/// # Safety
/// `crt` is NULL or an initialised struct; `usage_oid` is NULL or valid for `usage_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_check_extended_key_usage(
    crt: *const mbedtls_x509_crt,
    usage_oid: *const c_char,
    usage_len: usize,
) -> c_int {
    entry!(mbedtls_x509_crt_check_extended_key_usage, {
        // SAFETY: per the contract of this function.
        let (cert, oid) = unsafe { (certificate(crt), in_slice(usage_oid.cast(), usage_len)) };
        match (cert, oid) {
            // Bytes that are no OID match no purpose (only anyExtendedKeyUsage).
            (Some(cert), Some(oid))
                if x509::ext_key_usage_allows(
                    cert.extensions().ext_key_usage.as_deref(),
                    &crate::oid::to_dotted(oid).unwrap_or_default(),
                ) =>
            {
                0
            }
            _ => code_of(Error::X509BadInputData),
        }
    })
}

/// The basicConstraints cA flag of the certificate.
///
/// # Returns
/// 1 for a CA certificate, 0 when cA is false; `MBEDTLS_ERR_X509_INVALID_EXTENSIONS` when the
/// certificate has no basicConstraints extension; `MBEDTLS_ERR_X509_BAD_INPUT_DATA` for a NULL
/// or empty `crt`.
///
/// # Safety
/// `crt` is NULL or an initialised struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_get_ca_istrue(crt: *const mbedtls_x509_crt) -> c_int {
    entry!(mbedtls_x509_crt_get_ca_istrue, {
        // SAFETY: `crt` is NULL or an initialised struct (the contract of this function).
        match unsafe { certificate(crt) }.map(|c| c.extensions().basic_constraints) {
            Some(Some(bc)) => bc.ca.into(),
            Some(None) => code_of(Error::X509InvalidExtensions),
            None => code_of(Error::X509BadInputData),
        }
    })
}

/// Whether the CRL `crl` (that struct only, not the rest of its list) lists the certificate's
/// serial number. As in Mbed TLS 3.6, neither the issuer, the signature nor the revocation
/// date is looked at (the chain verification does that).
///
/// # Returns
/// 1 when listed, 0 otherwise (also for NULL or empty structs).
///
/// # Safety
/// `crt` and `crl` are NULL or initialised structs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_is_revoked(
    crt: *const mbedtls_x509_crt,
    crl: *const mbedtls_x509_crl,
) -> c_int {
    entry!(mbedtls_x509_crt_is_revoked, on_panic = 0, {
        // SAFETY: both are NULL or initialised structs (the contract of this function).
        match unsafe { (certificate(crt), crl_of(crl)) } {
            (Some(cert), Some(crl)) => crl.is_revoked(cert.bytes(cert.serial())).into(),
            _ => 0,
        }
    })
}

/// Runs the callback on each extension the library leaves to it; the code the parse fails
/// with, if the callback refuses a critical one.
///
/// # Safety
/// `node` is the struct holding `cert` (alive during the calls); `cb` is callable with
/// `p_ctx`.
unsafe fn run_callback(
    node: *mut mbedtls_x509_crt,
    cert: &Certificate,
    cb: unsafe extern "C" fn(
        *mut c_void,
        *const mbedtls_x509_crt,
        *const mbedtls_x509_buf,
        c_int,
        *const c_uchar,
        *const c_uchar,
    ) -> c_int,
    p_ctx: *mut c_void,
) -> Option<c_int> {
    for ext in &cert.extensions().unhandled {
        let oid = buf_of(crate::der::OID, cert.bytes(ext.oid));
        let value = cert.bytes(ext.value);
        let range = value.as_ptr_range();
        // SAFETY: the buffers point into the certificate `node` holds, alive during the call;
        // the callback and its context are the caller's.
        let ret = unsafe { cb(p_ctx, node, &oid, ext.critical.into(), range.start, range.end) };
        if ret != 0 && ext.critical {
            return Some(if ext.policies { code_of(Error::X509FeatureUnavailable) } else { ret });
        }
    }
    None
}

/// Parses one DER certificate and appends it to the chain, as `mbedtls_x509_crt_parse_der`,
/// calling `cb` (when not NULL) for each extension the library does not interpret: extensions
/// of unknown type, and certificatePolicies with a policy other than anyPolicy. The callback
/// receives the certificate (already in the chain, all fields set), the extension's OID, its
/// criticality and its value. When it returns non-zero for a critical extension, the parse
/// fails (with the callback's code; `MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE` for the policies)
/// and the certificate is removed again; a non-critical extension's result is ignored. Without
/// a callback, an unknown critical extension fails the parse as in
/// `mbedtls_x509_crt_parse_der`.
///
/// # Returns
/// As `mbedtls_x509_crt_parse_der`, or the callback's code.
///
/// Differences from Mbed TLS: the DER is always copied (`make_copy` 0 is accepted, and `buf`
/// need not outlive the chain); the callback runs after the whole certificate parsed (Mbed TLS:
/// during the extensions), so it is not called for a certificate that is malformed elsewhere,
/// and sees every field set.
///
/// # Safety
/// `chain` is NULL or an initialised struct; `buf` is NULL or valid for `buflen` bytes; `cb`
/// is NULL or callable with `p_ctx`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_x509_crt_parse_der_with_ext_cb(
    chain: *mut mbedtls_x509_crt,
    buf: *const c_uchar,
    buflen: usize,
    make_copy: c_int,
    cb: mbedtls_x509_crt_ext_cb_t,
    p_ctx: *mut c_void,
) -> c_int {
    entry!(mbedtls_x509_crt_parse_der_with_ext_cb, {
        let _ = make_copy;
        let Some(cb) = cb else {
            // SAFETY: same contract as the function called.
            return unsafe { super::mbedtls_x509_crt_parse_der(chain, buf, buflen) };
        };
        if chain.is_null() || buf.is_null() {
            return code_of(Error::X509BadInputData);
        }
        // SAFETY: `buf` is valid for `buflen` bytes (the contract of this function).
        let Some(der) = (unsafe { in_slice(buf, buflen) }) else {
            return code_of(Error::X509BadInputData);
        };
        let cert = match Certificate::from_der_for_callback(der) {
            Ok(cert) => cert,
            Err(e) => return code_of(e),
        };
        // SAFETY: `chain` is non-NULL and initialised; the certificate stays in `node` while the
        // callback runs (no other code can reach the chain meanwhile but the callback itself,
        // which Mbed TLS also allows only to read it).
        unsafe {
            let node = append(chain, [cert]).unwrap_or(chain);
            let Some(cert) = certificate(node) else {
                return code_of(Error::X509BadInputData);
            };
            match run_callback(node, cert, cb, p_ctx) {
                Some(code) => {
                    remove(chain, node);
                    code
                }
                None => 0,
            }
        }
    })
}
