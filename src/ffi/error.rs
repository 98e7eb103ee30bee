//! `error.h`: `mbedtls_strerror`, the generic error codes, and the one mapping from core errors
//! to `MBEDTLS_ERR_*` values.

use core::ffi::{c_char, c_int};

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

fn describe(code: c_int) -> Option<(&'static str, &'static str)> {
    ERROR_TEXTS.iter().find(|(c, _, _)| *c == code).map(|(_, module, text)| (*module, *text))
}

/// The text `mbedtls_strerror` prints for `errnum`.
///
/// As in Mbed TLS, a negative code is split into a high-level part (bits 7..15, SSL, X509,
/// PK, PEM, CIPHER) and a low-level part (bits 0..6, NET, CTR_DRBG, ENTROPY, ...), and each part
/// found is printed as `MODULE - text`, joined with `" : "`.
pub(crate) fn strerror_text(errnum: c_int) -> String {
    let value = errnum.unsigned_abs();
    if value == 0 {
        return String::new();
    }
    let high = value & 0xFF80;
    let low = value & !0xFF80 & 0xFFFF;
    let mut text = String::new();
    if high != 0 {
        match describe(-(high as c_int)) {
            Some((module, t)) => text.push_str(&format!("{module} - {t}")),
            None => text.push_str(&format!("UNKNOWN ERROR CODE ({high:04X})")),
        }
        if high as c_int == -ssl::MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE {
            return text;
        }
    }
    if low != 0 {
        if !text.is_empty() {
            text.push_str(" : ");
        }
        match describe(-(low as c_int)) {
            Some((module, t)) => text.push_str(&format!("{module} - {t}")),
            None => text.push_str(&format!("UNKNOWN ERROR CODE ({low:04X})")),
        }
    }
    text
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
