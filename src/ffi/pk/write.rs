//! `pk.h` (`MBEDTLS_PK_WRITE_C`): writing keys as DER and PEM, in the forms Mbed TLS writes:
//! SubjectPublicKeyInfo (`PUBLIC KEY`), PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`.

use core::ffi::{c_int, c_uchar};

use zeroize::Zeroizing;

use super::{PkValue, mbedtls_pk_context, value};
use crate::error::Error;
use crate::ffi::error::code_of;
use crate::ffi::{entry, out_slice};

/// The DER a write function produces for the key in `ctx`.
///
/// # Safety
/// `ctx` is NULL or an initialised context.
unsafe fn der_of(ctx: *const mbedtls_pk_context, private: bool) -> Result<(Zeroizing<Vec<u8>>, &'static str), Error> {
    // SAFETY: per this function's contract.
    let key = unsafe { value(ctx) }.ok_or(Error::PkBadInputData)?;
    match (key, private) {
        (PkValue::Private(k), true) => crate::pk_ops::private_der(k),
        (PkValue::Setup(_), _) | (PkValue::Public(_), true) => Err(Error::PkFeatureUnavailable),
        (key, false) => Ok((Zeroizing::new(key.public()?.spki_der().to_vec()), "PUBLIC KEY")),
    }
}

/// Writes `der` at the end of `(buf, size)` as Mbed TLS's DER writers do.
///
/// # Safety
/// `buf` is NULL or writable for `size` bytes.
unsafe fn write_at_end(
    der: Result<(Zeroizing<Vec<u8>>, &'static str), Error>,
    buf: *mut c_uchar,
    size: usize,
) -> c_int {
    // SAFETY: per this function's contract.
    let Some(out) = (unsafe { out_slice(buf, size) }) else {
        return code_of(Error::PkBadInputData);
    };
    match der {
        Ok((der, _)) if der.len() > out.len() => code_of(Error::Asn1BufTooSmall),
        Ok((der, _)) => {
            let at = out.len() - der.len();
            out[at..].copy_from_slice(&der);
            der.len() as c_int
        }
        Err(e) => code_of(e),
    }
}

/// Writes `der` as PEM into `(buf, size)` (NUL-terminated) as Mbed TLS's PEM writers do.
///
/// # Safety
/// `buf` is NULL or writable for `size` bytes.
unsafe fn write_pem(der: Result<(Zeroizing<Vec<u8>>, &'static str), Error>, buf: *mut c_uchar, size: usize) -> c_int {
    // SAFETY: per this function's contract.
    let Some(out) = (unsafe { out_slice(buf, size) }) else {
        return code_of(Error::PkBadInputData);
    };
    let (der, label) = match der {
        Ok(found) => found,
        Err(e) => return code_of(e),
    };
    let header = format!("-----BEGIN {label}-----\n");
    let footer = format!("-----END {label}-----\n");
    let text = Zeroizing::new(crate::pem::encode(header.as_bytes(), footer.as_bytes(), &der));
    match out.get_mut(..text.len()) {
        Some(dest) => {
            dest.copy_from_slice(&text);
            0
        }
        None => code_of(Error::Base64BufferTooSmall),
    }
}

/// Writes the private key as DER — PKCS#1 `RSAPrivateKey` or SEC1 `ECPrivateKey` (with the
/// curve and the public key) — at the END of `buf`.
///
/// # Returns
/// The length written (the key is the last that many bytes of `buf`);
/// `MBEDTLS_ERR_ASN1_BUF_TOO_SMALL` when it does not fit; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for
/// NULL or empty contexts and `(NULL, size > 0)`; `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE` for a
/// context without a private key, or an Ed25519 key.
///
/// Differences from Mbed TLS: on failure nothing is written (Mbed TLS may have written part).
///
/// # Safety
/// `ctx` is NULL or an initialised context; `buf` is NULL or writable for `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_write_key_der(
    ctx: *const mbedtls_pk_context,
    buf: *mut c_uchar,
    size: usize,
) -> c_int {
    // SAFETY: per this function's contract.
    entry!(mbedtls_pk_write_key_der, { unsafe { write_at_end(der_of(ctx, true), buf, size) } })
}

/// Writes the public key (of a public or a private key) as a DER SubjectPublicKeyInfo at the
/// END of `buf`.
///
/// # Returns
/// The length written; `MBEDTLS_ERR_ASN1_BUF_TOO_SMALL`; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL
/// or empty contexts; `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE` for a context set up without a key.
///
/// # Safety
/// As `mbedtls_pk_write_key_der`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_write_pubkey_der(
    ctx: *const mbedtls_pk_context,
    buf: *mut c_uchar,
    size: usize,
) -> c_int {
    // SAFETY: per this function's contract.
    entry!(mbedtls_pk_write_pubkey_der, { unsafe { write_at_end(der_of(ctx, false), buf, size) } })
}

/// Writes the private key as NUL-terminated PEM (`RSA PRIVATE KEY` / `EC PRIVATE KEY`, lines of
/// 64 characters) at the start of `buf`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` when it does not fit; otherwise the codes of
/// `mbedtls_pk_write_key_der`.
///
/// # Safety
/// As `mbedtls_pk_write_key_der`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_write_key_pem(
    ctx: *const mbedtls_pk_context,
    buf: *mut c_uchar,
    size: usize,
) -> c_int {
    // SAFETY: per this function's contract.
    entry!(mbedtls_pk_write_key_pem, { unsafe { write_pem(der_of(ctx, true), buf, size) } })
}

/// Writes the public key as NUL-terminated PEM (`PUBLIC KEY`) at the start of `buf`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` when it does not fit; otherwise the codes of
/// `mbedtls_pk_write_pubkey_der`.
///
/// # Safety
/// As `mbedtls_pk_write_key_der`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_write_pubkey_pem(
    ctx: *const mbedtls_pk_context,
    buf: *mut c_uchar,
    size: usize,
) -> c_int {
    // SAFETY: per this function's contract.
    entry!(mbedtls_pk_write_pubkey_pem, { unsafe { write_pem(der_of(ctx, false), buf, size) } })
}

/// Writes the bare public key — an RSAPublicKey (PKCS#1) or an uncompressed EC point — just
/// before `*p`, no earlier than `start`, and moves `*p` back to its first byte.
///
/// # Returns
/// The length written; `MBEDTLS_ERR_ASN1_BUF_TOO_SMALL` when it does not fit (nothing written);
/// `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL arguments, `*p` before `start`, or an empty context.
///
/// # Safety
/// `p` is NULL or points to a pointer into a buffer that starts at `start` and is writable up
/// to `*p`; `key` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_write_pubkey(
    p: *mut *mut c_uchar,
    start: *mut c_uchar,
    key: *const mbedtls_pk_context,
) -> c_int {
    entry!(mbedtls_pk_write_pubkey, {
        if p.is_null() || start.is_null() {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: `p` is non-NULL and readable (caller).
        let end = unsafe { p.read() };
        if end.is_null() || (end as usize) < (start as usize) {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: `key` is NULL or an initialised context (caller).
        let spki = match unsafe { der_of(key, false) } {
            Ok((spki, _)) => spki,
            Err(e) => return code_of(e),
        };
        let Some(raw) = crate::pk::spki_key_bits(&spki) else {
            return code_of(Error::PkFeatureUnavailable);
        };
        let room = end as usize - start as usize;
        if raw.len() > room {
            return code_of(Error::Asn1BufTooSmall);
        }
        // SAFETY: `start..end` is writable (caller) and `raw.len() <= end - start`.
        let at = unsafe { end.sub(raw.len()) };
        // SAFETY: as above; `raw` is our own buffer, so the ranges do not overlap.
        unsafe { core::ptr::copy_nonoverlapping(raw.as_ptr(), at, raw.len()) };
        // SAFETY: `p` is writable (caller).
        unsafe { p.write(at) };
        raw.len() as c_int
    })
}
