//! `constant_time.h`: comparing secrets without leaking where they differ.

use core::ffi::{c_int, c_void};

use super::{entry, in_slice};

/// Compares `n` bytes at `a` and `b` in time that depends on `n` only.
///
/// # Returns
/// 0 when equal; otherwise non-zero: the OR of the XOR of every pair of bytes, as Mbed TLS
/// computes it. 0 for `n` = 0 whatever the pointers; 1 when `a` or `b` is NULL with `n` > 0
/// (Mbed TLS reads through it).
///
/// # Safety
/// Non-NULL `a` and `b` must be readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ct_memcmp(a: *const c_void, b: *const c_void, n: usize) -> c_int {
    entry!(mbedtls_ct_memcmp, on_panic = 1, {
        // SAFETY: the caller guarantees that non-NULL pointers are readable for `n` bytes.
        let (Some(a), Some(b)) = (unsafe { in_slice(a.cast(), n) }, unsafe { in_slice(b.cast(), n) }) else {
            return 1;
        };
        c_int::from(diff(a, b))
    })
}

/// The OR of the XOR of every pair of bytes, without data-dependent branches.
fn diff(a: &[u8], b: &[u8]) -> u8 {
    let mut acc = 0u8;
    for (x, y) in a.iter().zip(b) {
        acc |= core::hint::black_box(x ^ y);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::null;

    fn ct(a: &[u8], b: &[u8]) -> c_int {
        // SAFETY: both slices are readable for the length passed.
        unsafe { mbedtls_ct_memcmp(a.as_ptr().cast(), b.as_ptr().cast(), a.len().min(b.len())) }
    }

    #[test]
    fn equal_different_and_null() {
        assert_eq!(ct(b"secret", b"secret"), 0);
        assert_eq!(ct(b"secreT", b"secret"), 0x20);
        assert_eq!(ct(&[0x0F, 0], &[0, 0xF0]), 0xFF);
        // SAFETY: NULL with n = 0 is never read; NULL with n > 0 is refused.
        unsafe {
            assert_eq!(mbedtls_ct_memcmp(null(), null(), 0), 0);
            assert_eq!(mbedtls_ct_memcmp(null(), b"x".as_ptr().cast(), 1), 1);
        }
    }
}
