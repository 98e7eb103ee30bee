//! `error.h`: `mbedtls_strerror`, the generic error codes, and the one mapping from core errors
//! to `MBEDTLS_ERR_*` values.

use core::ffi::{CStr, c_char, c_int};
use std::sync::OnceLock;

use super::{entry, ssl, write_c_text};
use crate::error::Error;

/// The codes of every header, `code_of` and the `mbedtls_strerror` texts, generated from
/// `src/tables/errors.txt`; each `ffi::<header>` module re-exports its own codes.
pub mod codes {
    include!(concat!(env!("OUT_DIR"), "/error_codes.rs"));
}
pub use codes::error::*;
pub(crate) use codes::{ERROR_TEXTS, code_of};

/// Converts a core result into the C convention: 0 on success, the error code otherwise.
pub(crate) fn status(result: Result<(), Error>) -> c_int {
    match result {
        Ok(()) => 0,
        Err(e) => code_of(e),
    }
}

/// Converts a core result carrying a byte count into the C convention: the count (saturated to
/// `int`), or the error code.
pub(crate) fn count_or_code(result: Result<usize, Error>) -> c_int {
    result.map_or_else(code_of, |n| c_int::try_from(n).unwrap_or(c_int::MAX))
}

/// The text of one code (`MODULE - text`), if it is one of ours.
fn describe(code: c_int) -> Option<&'static CStr> {
    // The table in code order, made once: servers print an error text per connection.
    static BY_CODE: OnceLock<Vec<(c_int, &'static CStr)>> = OnceLock::new();
    let by_code = BY_CODE.get_or_init(|| {
        let mut texts = ERROR_TEXTS.to_vec();
        texts.sort_by_key(|(c, _)| *c); // stable: the table's first text of a code stays first
        texts
    });
    let first = by_code.partition_point(|(c, _)| *c < code);
    by_code.get(first).filter(|(c, _)| *c == code).map(|(_, text)| *text)
}

/// The high-level (bits 7..15: SSL, X509, PK, PEM, CIPHER ...) and low-level (bits 0..6: NET,
/// CTR_DRBG, ENTROPY, ...) parts of a code, given negative (as returned) or positive.
fn parts(errnum: c_int) -> (u32, u32) {
    let value = errnum.unsigned_abs();
    (value & 0xFF80, value & !0xFF80 & 0xFFFF)
}

/// The text of one part of a code, or `UNKNOWN ERROR CODE (XXXX)`.
fn part_text(part: u32) -> String {
    match describe(-(part as c_int)) {
        Some(text) => text.to_string_lossy().into_owned(),
        None => format!("UNKNOWN ERROR CODE ({part:04X})"),
    }
}

/// The text `mbedtls_strerror` prints for `errnum`: each part found as `MODULE - text`, joined
/// with `" : "`, as Mbed TLS does.
pub(crate) fn strerror_text(errnum: c_int) -> String {
    let (high, low) = parts(errnum);
    let mut text = String::new();
    if high != 0 {
        text.push_str(&part_text(high));
        if high as c_int == -ssl::MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE {
            return text;
        }
    }
    if low != 0 {
        if !text.is_empty() {
            text.push_str(" : ");
        }
        text.push_str(&part_text(low));
    }
    text
}

/// The text of the high-level part of `error_code` (`"SSL - ..."`, `"X509 - ..."`), or NULL when
/// that part is 0 or not a code of this library. A static string: do not modify or free it.
/// Codes may be given negative (as returned) or positive.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_high_level_strerr(error_code: c_int) -> *const c_char {
    entry!(mbedtls_high_level_strerr, { part_ptr(parts(error_code).0) })
}

/// The text of the low-level part of `error_code` (`"NET - ..."`, `"CTR_DRBG - ..."`), or NULL
/// when that part is 0 or not a code of this library. A static string, as for
/// `mbedtls_high_level_strerr`.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_low_level_strerr(error_code: c_int) -> *const c_char {
    entry!(mbedtls_low_level_strerr, { part_ptr(parts(error_code).1) })
}

/// A part's static text as a C string, NULL for 0 or an unknown part.
fn part_ptr(part: u32) -> *const c_char {
    describe(-(part as c_int)).filter(|_| part != 0).map_or(core::ptr::null(), CStr::as_ptr)
}

/// Writes a human-readable description of `errnum` into `buffer`.
///
/// The text is `"<MODULE> - <description>"` for the high-level part of the code, followed by
/// `" : <MODULE> - <description>"` for a low-level part, as in Mbed TLS. Unknown parts read
/// `UNKNOWN ERROR CODE (XXXX)`. The output is truncated to `buflen - 1` bytes and always
/// NUL-terminated. Codes may be given negative (as returned) or positive.
///
/// Differences from Mbed TLS: the descriptions are this library's own wording; the module
/// prefixes and the layout are the same.
///
/// # Safety
/// `buffer` must be NULL or valid for writes of `buflen` bytes. With `buffer == NULL` or
/// `buflen == 0` nothing is written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_strerror(errnum: c_int, buffer: *mut c_char, buflen: usize) {
    entry!(mbedtls_strerror, {
        let text = strerror_text(errnum);
        // SAFETY: `buffer` is NULL or writable for `buflen` bytes (the contract of this function).
        unsafe { write_c_text(buffer, buflen, &text) };
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(ptr: *const c_char) -> Option<String> {
        // SAFETY: the functions return NULL or one of the static NUL-terminated texts.
        (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_string_lossy().into_owned())
    }

    #[test]
    fn every_code_finds_its_first_text_and_others_none() {
        for (code, text) in ERROR_TEXTS {
            let first = ERROR_TEXTS.iter().find(|(c, _)| c == code).map(|(_, t)| *t);
            assert_eq!(describe(*code), first, "{code:#x} {text:?}");
        }
        for code in [0, 1, -1, -0x7F, c_int::MIN, c_int::MAX, ssl::MBEDTLS_ERR_SSL_INVALID_MAC - 1] {
            let known = ERROR_TEXTS.iter().any(|(c, _)| *c == code);
            assert_eq!(describe(code).is_some(), known, "{code:#x}");
        }
    }

    #[test]
    fn high_and_low_level_parts_as_static_texts() {
        let combined = ssl::MBEDTLS_ERR_SSL_INVALID_MAC + codes::net_sockets::MBEDTLS_ERR_NET_CONN_RESET;
        let high = text(mbedtls_high_level_strerr(combined)).unwrap();
        let low = text(mbedtls_low_level_strerr(combined)).unwrap();
        assert!(high.starts_with("SSL - ") && low.starts_with("NET - "), "{high} / {low}");
        assert_eq!(strerror_text(combined), format!("{high} : {low}"));
        assert_eq!(text(mbedtls_high_level_strerr(-combined)), Some(high), "positive codes too");
        assert_eq!(text(mbedtls_low_level_strerr(ssl::MBEDTLS_ERR_SSL_INVALID_MAC)), None, "no low part");
        assert_eq!(text(mbedtls_high_level_strerr(codes::net_sockets::MBEDTLS_ERR_NET_CONN_RESET)), None);
        assert_eq!(text(mbedtls_high_level_strerr(0)), None);
        assert_eq!(text(mbedtls_low_level_strerr(-0x0077)), None, "not a code of ours");
    }
}
