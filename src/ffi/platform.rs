//! `platform.h` / `platform_util.h` / `platform_time.h`: the C library as platform layer
//! (`mbedtls_platform_setup`/`teardown` have nothing to do), `mbedtls_platform_zeroize`,
//! `mbedtls_platform_gmtime_r` and `mbedtls_ms_time`.
//!
//! The platform macros (`mbedtls_printf`, `mbedtls_calloc`, ...) are plain C written by build.rs.
//! The functions are declared in `platform.h`, which `platform_util.h` and `platform_time.h`
//! (their homes in Mbed TLS) include; `mbedtls_platform_gmtime_r`'s prototype is written by
//! build.rs into `platform_util.h`.

use core::ffi::{c_char, c_int, c_void};

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

/// The platform context of `mbedtls_platform_setup` (nothing to hold: the platform is the C
/// library).
#[repr(C)]
pub struct mbedtls_platform_context {
    private_dummy: c_char,
}

/// Prepares the platform layer: nothing to do here (the C library needs no setup).
///
/// # Returns
/// 0, also for NULL.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_platform_context` (not read).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_platform_setup(ctx: *mut mbedtls_platform_context) -> c_int {
    entry!(mbedtls_platform_setup, {
        let _ = ctx;
        0
    })
}

/// Ends the platform layer: nothing to do here.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_platform_context` (not read).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_platform_teardown(ctx: *mut mbedtls_platform_context) {
    entry!(mbedtls_platform_teardown, {
        let _ = ctx;
    })
}

/// Milliseconds from a fixed point (the monotonic clock: it never goes back), for measuring
/// intervals (`mbedtls_ms_time_t`).
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_ms_time() -> i64 {
    entry!(mbedtls_ms_time, on_panic = 0, { (monotonic_ns() / 1_000_000) as i64 })
}

/// Nanoseconds of the monotonic clock (`CLOCK_MONOTONIC`: never goes back, not set by the
/// administrator), for `mbedtls_ms_time` and the timers of timing.h.
pub(crate) fn monotonic_ns() -> u64 {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec to write; CLOCK_MONOTONIC exists on every Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    (now.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(now.tv_nsec as u64)
}

/// Thread-safe `gmtime`: the UTC calendar time of `*tt` into `*tm_buf`.
///
/// # Returns
/// `tm_buf`; NULL when either pointer is NULL or the time cannot be represented.
///
/// # Safety
/// `tt` is NULL or readable; `tm_buf` is NULL or writable for a `struct tm`.
/// cbindgen:ignore
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_platform_gmtime_r(tt: *const libc::time_t, tm_buf: *mut libc::tm) -> *mut libc::tm {
    entry!(mbedtls_platform_gmtime_r, {
        if tt.is_null() || tm_buf.is_null() {
            return core::ptr::null_mut();
        }
        // SAFETY: both pointers are non-NULL and valid (the contract of this function).
        unsafe { libc::gmtime_r(tt, tm_buf) }
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
