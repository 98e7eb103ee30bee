//! `sha1.h`: SHA-1 (FIPS 180-4) on aws-lc, streaming and at once. SHA-1 is broken for collision
//! resistance: for legacy formats and protocols only.
//!
//! Differences from Mbed TLS: a context is a handle, and calls on a context that is not running
//! are refused (see [`super::hash_context`]).

use core::ffi::{c_int, c_uchar, c_void};

use super::entry;
use super::handle::{self, shell};
use super::hash_context::{self, HashShell, Running};
use crate::digest::Algorithm;
use crate::error::Error;

pub use super::error::codes::sha1::*;

/// A SHA-1 computation: `mbedtls_sha1_init` it, `mbedtls_sha1_starts`,
/// `mbedtls_sha1_update` as often as needed, `mbedtls_sha1_finish`, and
/// `mbedtls_sha1_free` it. The field is private.
#[repr(C)]
pub struct mbedtls_sha1_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_sha1_context => Running<mbedtls_sha1_context>, mbedtls_sha1_context { private_handle: core::ptr::null_mut() });

impl HashShell for mbedtls_sha1_context {
    const BAD_INPUT: Error = Error::Sha1BadInputData;
}

/// Initialises a context (not running). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_sha1_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1_init(ctx: *mut mbedtls_sha1_context) {
    entry!(mbedtls_sha1_init, {
        // SAFETY: `ctx` is NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Frees a context's computation, if any, and leaves it not running. NULL, zeroed and already
/// freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha1_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1_free(ctx: *mut mbedtls_sha1_context) {
    entry!(mbedtls_sha1_free, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Makes `dst` an independent copy of `src`'s computation (not running when `src` is not).
/// Nothing happens when either is NULL.
///
/// # Safety
/// `dst` and `src` are NULL or point to `mbedtls_sha1_context`s (`dst` may be uninitialised).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1_clone(dst: *mut mbedtls_sha1_context, src: *const mbedtls_sha1_context) {
    entry!(mbedtls_sha1_clone, {
        // SAFETY: both are NULL or shells (the caller's contract).
        unsafe { hash_context::clone(dst, src) }
    })
}

/// Starts a SHA-1 computation, abandoning a running one.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA1_BAD_INPUT_DATA` for a NULL `ctx`.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_sha1_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1_starts(ctx: *mut mbedtls_sha1_context) -> c_int {
    entry!(mbedtls_sha1_starts, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { hash_context::starts(ctx, Some(Algorithm::Sha1)) }
    })
}

/// Feeds `ilen` bytes at `input` to the running computation (any number of calls, any sizes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA1_BAD_INPUT_DATA` for a NULL or not running `ctx`, or `input` NULL with
/// `ilen > 0`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha1_context`; `input` is NULL or readable for
/// `ilen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1_update(
    ctx: *mut mbedtls_sha1_context,
    input: *const c_uchar,
    ilen: usize,
) -> c_int {
    entry!(mbedtls_sha1_update, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::update(ctx, input, ilen) }
    })
}

/// Writes the 20-byte digest to `output`; the context is then not running until the next
/// `mbedtls_sha1_starts`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA1_BAD_INPUT_DATA` for a NULL or not running `ctx` or a NULL `output`
/// (the computation then stays as it was).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha1_context`; `output` is NULL or writable for 20
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1_finish(ctx: *mut mbedtls_sha1_context, output: *mut c_uchar) -> c_int {
    entry!(mbedtls_sha1_finish, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::finish(ctx, output) }
    })
}

/// The SHA-1 digest of `ilen` bytes at `input`, into `output` (20 bytes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA1_BAD_INPUT_DATA` for `input` NULL with `ilen > 0` or a NULL `output`.
///
/// # Safety
/// `input` is NULL or readable for `ilen` bytes; `output` is NULL or writable for 20 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha1(input: *const c_uchar, ilen: usize, output: *mut c_uchar) -> c_int {
    entry!(mbedtls_sha1, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::digest_into(Some(Algorithm::Sha1), input, ilen, output, Error::Sha1BadInputData) }
    })
}
