//! `base64.h`: `mbedtls_base64_encode` / `mbedtls_base64_decode` over the constant-time core
//! (`crate::base64`), with Mbed TLS 3.6's buffer and length conventions.

use core::ffi::{c_int, c_uchar};

use super::error::code_of;
use super::{entry, in_slice, out_slice};
use crate::base64;
use crate::error::Error;

pub use super::error::codes::base64::*;

/// Copies `bytes` (plus a NUL when `nul`) into `(dst, dlen)` with `*olen` = `bytes.len()`, or
/// sets `*olen` to the size needed and returns `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `olen` is non-NULL and writable; `dst` is NULL or writable for `dlen` bytes.
unsafe fn hand_out(bytes: &[u8], nul: bool, dst: *mut c_uchar, dlen: usize, olen: *mut usize) -> c_int {
    let needed = bytes.len() + usize::from(nul);
    // An empty output fits anywhere, NULL included (Mbed TLS: `malloc(0)` may return NULL).
    // SAFETY: `dst` is NULL or writable for `dlen` bytes (the contract of this function).
    let out = if dst.is_null() && needed > 0 { None } else { unsafe { out_slice(dst, dlen) } };
    let Some(out) = out.filter(|out| out.len() >= needed) else {
        // SAFETY: `olen` is non-NULL and writable (the contract of this function).
        unsafe { olen.write(needed) };
        return code_of(Error::Base64BufferTooSmall);
    };
    out[..bytes.len()].copy_from_slice(bytes);
    if nul {
        out[bytes.len()] = 0;
    }
    // SAFETY: as above.
    unsafe { olen.write(bytes.len()) };
    0
}

/// Encodes `(src, slen)` as base64 (RFC 4648 alphabet, `=` padding, no line breaks) into `dst`,
/// followed by a NUL. `*olen` is set to the number of characters written (without the NUL), or,
/// when `dst` is NULL or `dlen` too small, to the buffer size needed (with the NUL): call with
/// `dlen` = 0 to learn it. An empty input writes nothing and sets `*olen` to 0.
///
/// # Returns
/// 0; `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` when the output does not fit (nothing is written;
/// `*olen` is `SIZE_MAX` when the size cannot be represented).
///
/// Differences from Mbed TLS: NULL `olen`, or NULL `src` with `slen > 0`, gives
/// `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` / `MBEDTLS_ERR_BASE64_INVALID_CHARACTER` instead of a
/// crash.
///
/// # Safety
/// `dst` is NULL or writable for `dlen` bytes; `olen` is NULL or writable; `src` is NULL or valid
/// for `slen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_base64_encode(
    dst: *mut c_uchar,
    dlen: usize,
    olen: *mut usize,
    src: *const c_uchar,
    slen: usize,
) -> c_int {
    entry!(mbedtls_base64_encode, {
        if olen.is_null() {
            return code_of(Error::Base64BufferTooSmall);
        }
        // SAFETY: `src` is NULL or valid for `slen` bytes (the contract of this function).
        let Some(input) = (unsafe { in_slice(src, slen) }) else {
            return code_of(Error::Base64InvalidCharacter);
        };
        if input.is_empty() {
            // SAFETY: `olen` is not NULL (checked above) and writable (the contract of this function).
            unsafe { olen.write(0) };
            return 0;
        }
        if slen.div_ceil(3) > (usize::MAX - 1) / 4 {
            // SAFETY: as above.
            unsafe { olen.write(usize::MAX) };
            return code_of(Error::Base64BufferTooSmall);
        }
        // SAFETY: `olen` is not NULL; `dst` is NULL or writable for `dlen` bytes (the contract).
        unsafe { hand_out(&base64::encode(input), true, dst, dlen, olen) }
    })
}

/// Decodes base64 `(src, slen)` into `dst`. Line ends (`\n`, `\r\n`) may appear anywhere, spaces
/// only before a line end or at the very end; padding is required (the number of digits and `=`
/// is a multiple of four). `*olen` is set to the number of bytes written, or, when `dst` is NULL
/// or `dlen` too small, to the number needed: call with `dlen` = 0 to learn it. The input is
/// checked before the buffer: invalid input gives its error whatever `dlen` is.
///
/// # Returns
/// 0; `MBEDTLS_ERR_BASE64_INVALID_CHARACTER` for anything that is not base64 as described (then
/// `*olen` is unchanged); `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` when the output does not fit
/// (nothing is written).
///
/// Differences from Mbed TLS: the digits are decoded in constant time by `base64ct`; NULL `olen`,
/// or NULL `src` with `slen > 0`, gives `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` /
/// `MBEDTLS_ERR_BASE64_INVALID_CHARACTER` instead of a crash.
///
/// # Safety
/// `dst` is NULL or writable for `dlen` bytes; `olen` is NULL or writable; `src` is NULL or valid
/// for `slen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_base64_decode(
    dst: *mut c_uchar,
    dlen: usize,
    olen: *mut usize,
    src: *const c_uchar,
    slen: usize,
) -> c_int {
    entry!(mbedtls_base64_decode, {
        if olen.is_null() {
            return code_of(Error::Base64BufferTooSmall);
        }
        // SAFETY: `src` is NULL or valid for `slen` bytes (the contract of this function).
        let decoded = unsafe { in_slice(src, slen) }.and_then(base64::decode_lines);
        let Some(decoded) = decoded.map(zeroize::Zeroizing::new) else {
            return code_of(Error::Base64InvalidCharacter);
        };
        // SAFETY: `olen` is not NULL; `dst` is NULL or writable for `dlen` bytes (the contract).
        unsafe { hand_out(&decoded, false, dst, dlen, olen) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr;

    #[test]
    fn sizes_nul_termination_and_bad_input() {
        let mut out = [0xEEu8; 16];
        let mut olen = 99;
        // SAFETY: every pointer is a local buffer of this test with its length, or NULL.
        unsafe {
            assert_eq!(mbedtls_base64_encode(ptr::null_mut(), 0, &mut olen, b"foo".as_ptr(), 3), -0x2A);
            assert_eq!(olen, 5, "4 characters and the NUL");
            assert_eq!(mbedtls_base64_encode(out.as_mut_ptr(), 4, &mut olen, b"foo".as_ptr(), 3), -0x2A);
            assert_eq!(out[0], 0xEE, "nothing written when it does not fit");
            assert_eq!(mbedtls_base64_encode(out.as_mut_ptr(), 5, &mut olen, b"foo".as_ptr(), 3), 0);
            assert_eq!((&out[..5], olen), (&b"Zm9v\0"[..], 4));
            assert_eq!(mbedtls_base64_encode(ptr::null_mut(), 0, &mut olen, ptr::null(), 0), 0);
            assert_eq!(olen, 0);
            assert_eq!(mbedtls_base64_encode(out.as_mut_ptr(), 16, ptr::null_mut(), b"f".as_ptr(), 1), -0x2A);
            assert_eq!(mbedtls_base64_encode(out.as_mut_ptr(), 16, &mut olen, ptr::null(), 3), -0x2C);

            olen = 99;
            assert_eq!(mbedtls_base64_decode(ptr::null_mut(), 0, &mut olen, b"Zm9v".as_ptr(), 4), -0x2A);
            assert_eq!(olen, 3);
            assert_eq!(mbedtls_base64_decode(ptr::null_mut(), 0, &mut olen, b"\r\n".as_ptr(), 2), 0, "empty");
            assert_eq!(olen, 0);
            olen = 99;
            assert_eq!(mbedtls_base64_decode(out.as_mut_ptr(), 16, &mut olen, b"Zm9".as_ptr(), 3), -0x2C);
            assert_eq!(olen, 99, "unchanged on invalid input");
            assert_eq!(mbedtls_base64_decode(out.as_mut_ptr(), 16, ptr::null_mut(), b"Zm9v".as_ptr(), 4), -0x2A);
            assert_eq!(mbedtls_base64_decode(out.as_mut_ptr(), 16, &mut olen, ptr::null(), 4), -0x2C);
            assert_eq!(mbedtls_base64_decode(out.as_mut_ptr(), 3, &mut olen, b"Zm9v\n".as_ptr(), 5), 0);
            assert_eq!((&out[..3], olen), (&b"foo"[..], 3));
        }
    }
}
