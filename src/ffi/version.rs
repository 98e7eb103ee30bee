//! `version.h`: run-time version queries.
//!
//! The numbers come from build.rs (`API_MAJOR`/`API_MINOR`/`API_PATCH`, passed as environment
//! variables) and the feature names from build.rs's `FEATURES` table (`$OUT_DIR/features.rs`), the
//! same sources that write `build_info.h`, so the run-time answers always match the macros.

use core::ffi::{c_char, c_int, c_uint};

use super::{entry, in_cstr};

include!(concat!(env!("OUT_DIR"), "/features.rs"));

/// Parses a small decimal number at compile time.
const fn parse_decimal(s: &str) -> u32 {
    let bytes = s.as_bytes();
    assert!(!bytes.is_empty(), "empty version component");
    let mut value = 0u32;
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i].is_ascii_digit(), "version component is not a number");
        value = value * 10 + (bytes[i] - b'0') as u32;
        i += 1;
    }
    value
}

const MAJOR: u32 = parse_decimal(env!("MBEDTLS_COMPAT_API_MAJOR"));
const MINOR: u32 = parse_decimal(env!("MBEDTLS_COMPAT_API_MINOR"));
const PATCH: u32 = parse_decimal(env!("MBEDTLS_COMPAT_API_PATCH"));

/// `MBEDTLS_VERSION_NUMBER`: 0xMMNNPP00.
const VERSION_NUMBER: u32 = (MAJOR << 24) | (MINOR << 16) | (PATCH << 8);

/// The version as a string literal, e.g. "3.6.6" (a macro, so that `concat!` can use it).
macro_rules! version_literal {
    () => {
        concat!(
            env!("MBEDTLS_COMPAT_API_MAJOR"),
            ".",
            env!("MBEDTLS_COMPAT_API_MINOR"),
            ".",
            env!("MBEDTLS_COMPAT_API_PATCH")
        )
    };
}

/// `MBEDTLS_VERSION_STRING` with its NUL, e.g. "3.6.6".
const VERSION_STRING: &str = concat!(version_literal!(), "\0");

/// What `mbedtls_version_get_string_full` writes, with its NUL: "Mbed TLS 3.6.6", as Mbed TLS.
const VERSION_STRING_FULL: &str = concat!("Mbed TLS ", version_literal!(), "\0");

// The buffer sizes Mbed TLS documents for the two string functions.
const _: () = assert!(VERSION_STRING.len() <= 9);
const _: () = assert!(VERSION_STRING_FULL.len() <= 18);

/// Copies `text` (which ends in NUL) to `out`, unless `out` is NULL.
///
/// # Safety
/// A non-NULL `out` must be writable for `text.len()` bytes.
unsafe fn write_version(out: *mut c_char, text: &str) {
    if !out.is_null() {
        // SAFETY: `text` is readable for its length, and the caller guarantees that `out` is
        // writable for as many bytes; a caller's buffer cannot overlap our constant.
        unsafe { core::ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), text.len()) };
    }
}

/// The Mbed TLS API version this library implements, as `MBEDTLS_VERSION_NUMBER`:
/// `0x03060600` for 3.6.6 (major, minor and patch in the top three bytes).
///
/// # Returns
/// The version number; it never fails.
///
/// # Safety
/// None: the function takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_version_get_number() -> c_uint {
    entry!(mbedtls_version_get_number, { VERSION_NUMBER })
}

/// Writes the API version as a NUL-terminated string, e.g. `"3.6.6"` (6 bytes with the NUL).
///
/// Mbed TLS requires `string` to hold at least 9 bytes; this writes at most that many. NULL is
/// ignored.
///
/// # Safety
/// A non-NULL `string` must be writable for 9 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_version_get_string(string: *mut c_char) {
    entry!(mbedtls_version_get_string, {
        // SAFETY: the caller guarantees 9 writable bytes; `VERSION_STRING` fits (asserted above).
        unsafe { write_version(string, VERSION_STRING) };
    })
}

/// Writes the full version string, `"Mbed TLS 3.6.6"` (15 bytes with the NUL), exactly as Mbed TLS
/// 3.6.6 does.
///
/// Mbed TLS requires `string` to hold at least 18 bytes; this writes at most that many. NULL is
/// ignored. The name and version of this library are in `compat.h`, not here, so that programs
/// that compare this string keep working.
///
/// # Safety
/// A non-NULL `string` must be writable for 18 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_version_get_string_full(string: *mut c_char) {
    entry!(mbedtls_version_get_string_full, {
        // SAFETY: the caller guarantees 18 writable bytes; `VERSION_STRING_FULL` fits (asserted above).
        unsafe { write_version(string, VERSION_STRING_FULL) };
    })
}

/// Tells whether a compile-time feature macro (e.g. `"MBEDTLS_SSL_TLS_C"`) is defined by this
/// library's `build_info.h`.
///
/// The names checked are exactly those `build_info.h` defines in its feature list (build.rs's
/// `FEATURES` table), so the answer matches `#if defined(...)` in a program. Names must match
/// exactly, prefix included.
///
/// # Returns
/// - 0 if the feature is present;
/// - -1 if it is not, if the name does not start with `MBEDTLS_`, or if `feature` is NULL (as
///   Mbed TLS, which also returns -1 for NULL).
///
/// Mbed TLS returns -2 when it was built without `MBEDTLS_VERSION_FEATURES`; this library always
/// has the feature list, so it never returns -2.
///
/// # Safety
/// `feature` must be NULL or point to a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_version_check_feature(feature: *const c_char) -> c_int {
    entry!(mbedtls_version_check_feature, {
        // SAFETY: the caller guarantees that `feature` is NULL or a NUL-terminated string.
        let Some(name) = (unsafe { in_cstr(feature) }) else {
            return -1;
        };
        let name = name.to_bytes();
        if !name.starts_with(b"MBEDTLS_") {
            return -1;
        }
        if FEATURES.iter().any(|f| f.as_bytes() == name) { 0 } else { -1 }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn number_and_strings() {
        // SAFETY: no arguments.
        assert_eq!(unsafe { mbedtls_version_get_number() }, 0x0306_0600);
        let mut buf = [0x7Fu8 as c_char; 9];
        // SAFETY: `buf` is 9 writable bytes, as the function requires.
        unsafe { mbedtls_version_get_string(buf.as_mut_ptr()) };
        // SAFETY: the function wrote a NUL-terminated string into `buf`.
        assert_eq!(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(), "3.6.6");
        assert_eq!(buf[6..], [0x7F as c_char; 3], "writes 6 bytes only");
        let mut full = [0x7Fu8 as c_char; 18];
        // SAFETY: `full` is 18 writable bytes, as the function requires.
        unsafe { mbedtls_version_get_string_full(full.as_mut_ptr()) };
        // SAFETY: the function wrote a NUL-terminated string into `full`.
        assert_eq!(unsafe { CStr::from_ptr(full.as_ptr()) }.to_str().unwrap(), "Mbed TLS 3.6.6");
        assert_eq!(full[15..], [0x7F as c_char; 3], "writes 15 bytes only");
        // SAFETY: NULL is accepted.
        unsafe {
            mbedtls_version_get_string(core::ptr::null_mut());
            mbedtls_version_get_string_full(core::ptr::null_mut());
        }
    }

    fn check(name: &CStr) -> c_int {
        // SAFETY: `name` is a NUL-terminated string.
        unsafe { mbedtls_version_check_feature(name.as_ptr()) }
    }

    #[test]
    fn features() {
        assert_eq!(check(c"MBEDTLS_SSL_TLS_C"), 0);
        assert_eq!(check(c"MBEDTLS_NET_C"), 0);
        assert_eq!(check(c"MBEDTLS_CTR_DRBG_C"), 0);
        assert_eq!(check(c"MBEDTLS_SSL_PROTO_DTLS"), -1);
        assert_eq!(check(c"SSL_TLS_C"), -1);
        assert_eq!(check(c"MBEDTLS_"), -1);
        assert_eq!(check(c""), -1);
        assert_eq!(check(c"mbedtls_ssl_tls_c"), -1);
        // SAFETY: NULL is accepted.
        assert_eq!(unsafe { mbedtls_version_check_feature(core::ptr::null()) }, -1);
        for f in FEATURES {
            assert!(f.starts_with("MBEDTLS_"), "{f}");
            let c = std::ffi::CString::new(*f).unwrap();
            assert_eq!(check(&c), 0, "{f}");
        }
    }

    /// The run-time feature list and the macros a C program sees are the same list.
    #[test]
    fn features_match_build_info_h() {
        let header = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/include/mbedtls/build_info.h")).unwrap();
        for f in FEATURES {
            assert!(header.contains(&format!("#define {f} ")), "{f} missing from build_info.h");
        }
        assert!(header.contains(&format!("#define MBEDTLS_VERSION_NUMBER 0x{VERSION_NUMBER:08X}")));
        assert!(
            header.contains(&format!("#define MBEDTLS_VERSION_STRING \"{}\"", VERSION_STRING.trim_end_matches('\0')))
        );
    }
}
