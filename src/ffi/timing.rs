//! `timing.h`: millisecond timers and the delay context of Mbed TLS's DTLS timer callbacks
//! (`mbedtls_timing_set_delay` / `mbedtls_timing_get_delay` fit `mbedtls_ssl_set_timer_cb`),
//! on the monotonic clock.
//!
//! Differences from Mbed TLS: the clock is `CLOCK_MONOTONIC` (Mbed TLS 3.6 reads
//! `gettimeofday`, which jumps when the system time is set). The structs have Mbed TLS 3.6's
//! sizes; their contents are private.

use core::ffi::{c_int, c_ulong, c_void};

use super::entry;
use super::platform::monotonic_ns;

/// A timer for `mbedtls_timing_get_timer`: plain data, set by a call with `reset` = 1.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_timing_hr_time {
    /// The start, in nanoseconds of the monotonic clock (first word; the rest is unused).
    private_opaque: [u64; 4],
}

/// The delay context of `mbedtls_timing_set_delay` / `mbedtls_timing_get_delay`: plain data.
/// cbindgen:field-names=[private_timer, private_int_ms, private_fin_ms]
#[cfg(not(feature = "edition-2-28"))]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_timing_delay_context {
    timer: mbedtls_timing_hr_time,
    int_ms: u32,
    fin_ms: u32,
}

/// The delay context of `mbedtls_timing_set_delay` / `mbedtls_timing_get_delay`: plain data
/// whose fields are public, as in Mbed TLS 2.28 (programs read `fin_ms`).
#[cfg(feature = "edition-2-28")]
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_timing_delay_context {
    /// When the delays started.
    pub timer: mbedtls_timing_hr_time,
    /// The intermediate delay, in milliseconds.
    pub int_ms: u32,
    /// The final delay, in milliseconds (0: cancelled).
    pub fin_ms: u32,
}

/// Milliseconds since the last reset of `val`, or 0 after resetting it (`reset` != 0) to now.
///
/// # Returns
/// The elapsed milliseconds (0 for a NULL `val`, and for a timer whose start lies in the future,
/// such as garbage).
///
/// # Safety
/// `val` must be NULL or point to a writable `mbedtls_timing_hr_time` (read when `reset` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_timing_get_timer(val: *mut mbedtls_timing_hr_time, reset: c_int) -> c_ulong {
    entry!(mbedtls_timing_get_timer, on_panic = 0, {
        if val.is_null() {
            return 0;
        }
        let now = monotonic_ns();
        if reset != 0 {
            // SAFETY: `val` is not NULL and writable (contract).
            unsafe { (*val).private_opaque = [now, 0, 0, 0] };
            return 0;
        }
        // SAFETY: `val` is not NULL and readable (contract).
        let start = unsafe { (*val).private_opaque[0] };
        (now.saturating_sub(start) / 1_000_000) as c_ulong
    })
}

/// Sets (or with `fin_ms` = 0 cancels) a pair of delays: intermediate `int_ms` and final
/// `fin_ms`, counted from now. `data` is an `mbedtls_timing_delay_context` (the `void *` of
/// `mbedtls_ssl_set_timer_cb`). NULL is ignored.
///
/// # Safety
/// `data` must be NULL or point to a writable `mbedtls_timing_delay_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_timing_set_delay(data: *mut c_void, int_ms: u32, fin_ms: u32) {
    entry!(mbedtls_timing_set_delay, {
        let ctx = data.cast::<mbedtls_timing_delay_context>();
        if ctx.is_null() {
            return;
        }
        // SAFETY: `ctx` is not NULL and writable (contract).
        unsafe {
            (*ctx).int_ms = int_ms;
            (*ctx).fin_ms = fin_ms;
            if fin_ms != 0 {
                mbedtls_timing_get_timer(&raw mut (*ctx).timer, 1);
            }
        }
    })
}

/// The state of the delays of `data`.
///
/// # Returns
/// -1 when cancelled (`fin_ms` = 0, or `data` NULL); 0 before the intermediate delay; 1 when
/// only the intermediate delay has passed; 2 when the final delay has passed.
///
/// # Safety
/// `data` must be NULL or point to an `mbedtls_timing_delay_context` set by
/// `mbedtls_timing_set_delay` (or zeroed: cancelled).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_timing_get_delay(data: *mut c_void) -> c_int {
    entry!(mbedtls_timing_get_delay, on_panic = -1, {
        let ctx = data.cast::<mbedtls_timing_delay_context>();
        // SAFETY: `ctx` is not NULL (checked first) and readable (contract).
        if ctx.is_null() || unsafe { (*ctx).fin_ms } == 0 {
            return -1;
        }
        // SAFETY: as above; the timer is inside the context.
        let (elapsed, int_ms, fin_ms) =
            unsafe { (mbedtls_timing_get_timer(&raw mut (*ctx).timer, 0), (*ctx).int_ms, (*ctx).fin_ms) };
        if elapsed >= c_ulong::from(fin_ms) {
            2
        } else if elapsed >= c_ulong::from(int_ms) {
            1
        } else {
            0
        }
    })
}

/// The final delay of `data` in milliseconds (0: cancelled; 0 for NULL).
///
/// # Safety
/// `data` must be NULL or point to a readable `mbedtls_timing_delay_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_timing_get_final_delay(data: *const mbedtls_timing_delay_context) -> u32 {
    entry!(mbedtls_timing_get_final_delay, on_panic = 0, {
        // SAFETY: `data` is not NULL (checked first) and readable (contract).
        if data.is_null() { 0 } else { unsafe { (*data).fin_ms } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::null_mut;
    use std::time::Duration;

    #[test]
    fn timer_counts_milliseconds() {
        let mut t = mbedtls_timing_hr_time { private_opaque: [0; 4] };
        // SAFETY: `t` is a live local.
        assert_eq!(unsafe { mbedtls_timing_get_timer(&mut t, 1) }, 0);
        std::thread::sleep(Duration::from_millis(30));
        // SAFETY: as above.
        let ms = unsafe { mbedtls_timing_get_timer(&mut t, 0) };
        assert!((30..1000).contains(&ms), "{ms}");
        t.private_opaque[0] = u64::MAX;
        // SAFETY: as above; a start in the future reads as 0.
        assert_eq!(unsafe { mbedtls_timing_get_timer(&mut t, 0) }, 0);
        // SAFETY: NULL is accepted.
        assert_eq!(unsafe { mbedtls_timing_get_timer(null_mut(), 1) }, 0);
    }

    #[test]
    fn delays_go_through_their_states() {
        let mut d = mbedtls_timing_delay_context {
            timer: mbedtls_timing_hr_time { private_opaque: [0; 4] },
            int_ms: 0,
            fin_ms: 0,
        };
        let p = (&raw mut d).cast();
        // SAFETY: `p` points to the live local `d`; NULL is accepted.
        unsafe {
            assert_eq!(mbedtls_timing_get_delay(p), -1);
            mbedtls_timing_set_delay(p, 20, 60);
            assert_eq!(mbedtls_timing_get_final_delay(&d), 60);
            assert_eq!(mbedtls_timing_get_delay(p), 0);
            std::thread::sleep(Duration::from_millis(30));
            assert_eq!(mbedtls_timing_get_delay(p), 1);
            std::thread::sleep(Duration::from_millis(40));
            assert_eq!(mbedtls_timing_get_delay(p), 2);
            mbedtls_timing_set_delay(p, 10, 0);
            assert_eq!(mbedtls_timing_get_delay(p), -1);
            mbedtls_timing_set_delay(null_mut(), 1, 2);
            assert_eq!(mbedtls_timing_get_delay(null_mut()), -1);
            assert_eq!(mbedtls_timing_get_final_delay(core::ptr::null()), 0);
        }
    }
}
