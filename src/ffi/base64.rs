//! `base64.h`: `mbedtls_base64_encode` / `mbedtls_base64_decode` over the constant-time core
//! (`crate::base64`), with Mbed TLS 3.6's buffer and length conventions.

use core::ffi::{c_int, c_uchar};

use super::error::code_of;
use super::{entry, in_slice, out_slice};
use crate::base64;
use crate::error::Error;
use zeroize::Zeroizing;

pub use super::error::codes::base64::*;

/// The body of both exports: `convert` runs on the input (None: not base64); the output, plus a
/// NUL after a non-empty one when `nul`, is copied to `(dst, dlen)` with `*olen` = its length, or
/// `*olen` is set to the size needed and `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` returned.
///
/// # Safety
/// `dst` is NULL or writable for `dlen` bytes; `olen` is NULL or writable; `src` is NULL or valid
/// for `slen` bytes.
unsafe fn transcode(
    (dst, dlen, olen): (*mut c_uchar, usize, *mut usize),
    (src, slen): (*const c_uchar, usize),
    nul: bool,
    convert: impl FnOnce(&[u8]) -> Option<Vec<u8>>,
) -> c_int {
    if olen.is_null() {
        return code_of(Error::Base64BufferTooSmall);
    }
    // SAFETY: `src` is NULL or valid for `slen` bytes (the contract of this function).
    let Some(output) = (unsafe { in_slice(src, slen) }).and_then(convert).map(Zeroizing::new) else {
        return code_of(Error::Base64InvalidCharacter);
    };
    let needed = output.len() + usize::from(nul && !output.is_empty());
    // An empty output fits anywhere, NULL included (Mbed TLS: `malloc(0)` may return NULL).
    // SAFETY: `dst` is NULL or writable for `dlen` bytes (the contract of this function).
    let out = if dst.is_null() && needed > 0 { None } else { unsafe { out_slice(dst, dlen) } };
    let Some(out) = out.filter(|out| out.len() >= needed) else {
        // SAFETY: `olen` is non-NULL (checked above) and writable (the contract of this function).
        unsafe { olen.write(needed) };
        return code_of(Error::Base64BufferTooSmall);
    };
    out[..output.len()].copy_from_slice(&output);
    if needed > output.len() {
        out[output.len()] = 0;
    }
    // SAFETY: as above.
    unsafe { olen.write(output.len()) };
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
        // No buffer can be that long (checked before the input becomes a slice): Mbed TLS reports
        // the size it cannot represent.
        if slen.div_ceil(3) > (usize::MAX - 1) / 4 {
            if !olen.is_null() {
                // SAFETY: `olen` is not NULL and writable (the contract of this function).
                unsafe { olen.write(usize::MAX) };
            }
            return code_of(Error::Base64BufferTooSmall);
        }
        // SAFETY: the pointers are as `transcode` requires (the contract of this function).
        unsafe { transcode((dst, dlen, olen), (src, slen), true, |input| Some(base64::encode(input))) }
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
        // SAFETY: the pointers are as `transcode` requires (the contract of this function).
        unsafe { transcode((dst, dlen, olen), (src, slen), false, base64::decode_lines) }
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
