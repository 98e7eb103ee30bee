//! `entropy.h`: the entropy context, backed by the operating system's CSPRNG.
//!
//! Differences from Mbed TLS: there are no pluggable sources. The context is a plain marker that
//! says "initialised"; `mbedtls_entropy_func` reads the operating system's CSPRNG (through
//! aws-lc, see `crate::rng`) directly. `mbedtls_entropy_add_source`,
//! `mbedtls_entropy_gather`, `mbedtls_entropy_update_manual` and the seed-file functions are not
//! provided.

use core::ffi::{c_int, c_uchar, c_void};

use super::{entry, error::code_of, out_slice};
use crate::error::Error;

pub use super::error::codes::entropy::*;

/// Value of `private_initialized` between `mbedtls_entropy_init` and `mbedtls_entropy_free`
/// ("ENTP"): zeroed or never-initialised memory is very unlikely to hold it.
const INITIALIZED: c_int = 0x454E_5450;

/// An entropy context. Declare it anywhere, `mbedtls_entropy_init` it, pass it as `p_entropy`
/// with `mbedtls_entropy_func` to `mbedtls_ctr_drbg_seed`, and `mbedtls_entropy_free` it.
///
/// Plain data without heap memory: copying it is harmless. The field is private.
#[repr(C)]
pub struct mbedtls_entropy_context {
    private_initialized: c_int,
}

/// Initialises an entropy context.
///
/// Writes the context without reading it and allocates nothing. NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_entropy_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_init(ctx: *mut mbedtls_entropy_context) {
    entry!(mbedtls_entropy_init, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is writable.
            unsafe { ctx.write(mbedtls_entropy_context { private_initialized: INITIALIZED }) };
        }
    })
}

/// Frees an entropy context: zeroes it.
///
/// NULL, a second call and a context that was only zeroed are all fine. After this,
/// `mbedtls_entropy_func` on the context fails until `mbedtls_entropy_init` is called again.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_entropy_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_free(ctx: *mut mbedtls_entropy_context) {
    entry!(mbedtls_entropy_free, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is writable.
            unsafe { ctx.write(mbedtls_entropy_context { private_initialized: 0 }) };
        }
    })
}

/// Fills `output` with `len` bytes of entropy: the callback to give `mbedtls_ctr_drbg_seed`,
/// with an initialised `mbedtls_entropy_context` as `data`.
///
/// The bytes come from the operating system's CSPRNG through aws-lc. Nothing is kept.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when `len` > `MBEDTLS_ENTROPY_BLOCK_SIZE` (64), as in
///   Mbed TLS (checked first), when `output` is NULL with `len` > 0, or when the operating
///   system's generator fails;
/// - `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED` when `data` is NULL or is not an initialised
///   context (for instance after `mbedtls_entropy_free`), which is what Mbed TLS returns for a
///   freed context.
///
/// Differences from Mbed TLS: the output is read from the operating system directly instead of
/// being accumulated with SHA-512 from registered sources; there are no sources to register.
/// Thread-safe without a mutex (the context is never written).
///
/// # Safety
/// `data` must be NULL or point to a readable `mbedtls_entropy_context`; a non-NULL `output`
/// must be writable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_func(data: *mut c_void, output: *mut c_uchar, len: usize) -> c_int {
    entry!(mbedtls_entropy_func, {
        if len > MBEDTLS_ENTROPY_BLOCK_SIZE as usize {
            return code_of(Error::EntropySourceFailed);
        }
        let ctx = data.cast::<mbedtls_entropy_context>();
        // SAFETY: `ctx` is not NULL (checked first), and the caller guarantees that it is readable.
        if ctx.is_null() || unsafe { (*ctx).private_initialized } != INITIALIZED {
            return code_of(Error::EntropyNoSourcesDefined);
        }
        // SAFETY: the caller guarantees that a non-NULL `output` is writable for `len` bytes.
        let Some(out) = (unsafe { out_slice(output, len) }) else {
            return code_of(Error::EntropySourceFailed);
        };
        match crate::rng::fill(out) {
            Ok(()) => 0,
            Err(_) => code_of(Error::EntropySourceFailed),
        }
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/entropy.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::null_mut;

    fn func(ctx: *mut mbedtls_entropy_context, out: &mut [u8]) -> c_int {
        // SAFETY: callers pass NULL or a live context; `out` is writable for its length.
        unsafe { mbedtls_entropy_func(ctx.cast(), out.as_mut_ptr(), out.len()) }
    }

    #[test]
    fn init_func_free() {
        let mut ctx = mbedtls_entropy_context { private_initialized: 0x1234 };
        // SAFETY: `ctx` is a live local.
        unsafe { mbedtls_entropy_init(&mut ctx) };
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        assert_eq!(func(&mut ctx, &mut a), 0);
        assert_eq!(func(&mut ctx, &mut b), 0);
        assert_ne!(a, b);
        assert_eq!(func(&mut ctx, &mut []), 0);
        // SAFETY: `ctx` is a live local.
        unsafe { mbedtls_entropy_free(&mut ctx) };
        assert_eq!(ctx.private_initialized, 0);
        // SAFETY: `ctx` is a live local; a second free is allowed.
        unsafe { mbedtls_entropy_free(&mut ctx) };
        assert_eq!(func(&mut ctx, &mut a), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    }

    #[test]
    fn length_limit_comes_first() {
        let mut ctx = mbedtls_entropy_context { private_initialized: 0 };
        // SAFETY: `ctx` is a live local.
        unsafe { mbedtls_entropy_init(&mut ctx) };
        let mut big = [0u8; 65];
        assert_eq!(func(&mut ctx, &mut big), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        assert_eq!(big, [0u8; 65]);
        assert_eq!(func(null_mut(), &mut big), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    }

    #[test]
    fn null_handling() {
        let mut ctx = mbedtls_entropy_context { private_initialized: 0 };
        // SAFETY: NULL is accepted; `ctx` is a live local.
        unsafe {
            mbedtls_entropy_init(null_mut());
            mbedtls_entropy_free(null_mut());
            mbedtls_entropy_init(&mut ctx);
        }
        let mut out = [0u8; 8];
        assert_eq!(func(null_mut(), &mut out), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
        let data = (&raw mut ctx).cast();
        // SAFETY: `data` is a live context; a NULL output is refused before use.
        assert_eq!(unsafe { mbedtls_entropy_func(data, null_mut(), 1) }, MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        // SAFETY: `data` is a live context; `(NULL, 0)` is an empty output.
        assert_eq!(unsafe { mbedtls_entropy_func(data, null_mut(), 0) }, 0);
    }

    #[test]
    fn uninitialised_context_is_refused() {
        let mut zeroed = mbedtls_entropy_context { private_initialized: 0 };
        let mut out = [0u8; 8];
        assert_eq!(func(&mut zeroed, &mut out), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    }
}
