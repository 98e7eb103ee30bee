//! `platform.h` / `platform_util.h`: the C library as platform layer, and `mbedtls_platform_zeroize`.
//!
//! The platform macros (`mbedtls_printf`, `mbedtls_calloc`, ...) are plain C written by build.rs;
//! the only function is `mbedtls_platform_zeroize`. It is declared in `platform.h`, which
//! `platform_util.h` (its home in Mbed TLS) includes.

use core::ffi::c_void;

use zeroize::Zeroize;

use super::{entry, out_slice};

/// Securely zeroes `len` bytes at `buf`: the stores are not optimised away even when the memory
/// is freed or goes out of scope right after.
///
/// NULL `buf` does nothing, whatever `len` is (Mbed TLS accepts `(NULL, 0)`; a NULL buffer with
/// a non-zero length is ignored here instead of crashing).
///
/// # Safety
/// A non-NULL `buf` must be valid for writes of `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_platform_zeroize(buf: *mut c_void, len: usize) {
    entry!(mbedtls_platform_zeroize, {
        // SAFETY: the caller guarantees that a non-NULL `buf` is writable for `len` bytes.
        if let Some(bytes) = unsafe { out_slice(buf.cast(), len) } {
            // `zeroize`, not `fill(0)`: its volatile stores are kept even when `buf` dies right after.
            bytes.zeroize();
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroes_exactly_the_range() {
        let mut buf = [0xAAu8; 32];
        // SAFETY: `buf[4..]` is 28 writable bytes, more than the 20 wiped.
        unsafe { mbedtls_platform_zeroize(buf[4..].as_mut_ptr().cast(), 20) };
        assert_eq!(buf[..4], [0xAA; 4]);
        assert_eq!(buf[4..24], [0; 20]);
        assert_eq!(buf[24..], [0xAA; 8]);
    }

    #[test]
    fn null_and_empty_are_ignored() {
        // SAFETY: NULL buffers are accepted whatever the length.
        unsafe {
            mbedtls_platform_zeroize(core::ptr::null_mut(), 0);
            mbedtls_platform_zeroize(core::ptr::null_mut(), 16);
        }
        let mut one = [1u8];
        // SAFETY: `one` is writable for the 0 bytes wiped.
        unsafe { mbedtls_platform_zeroize(one.as_mut_ptr().cast(), 0) };
        assert_eq!(one, [1]);
    }
}
