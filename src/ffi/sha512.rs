//! `sha512.h`: SHA-384 and SHA-512 (FIPS 180-4) on aws-lc, streaming and at once.
//!
//! Differences from Mbed TLS: a context is a handle, and calls on a context that is not running
//! are refused (see [`super::hash_context`]).

use core::ffi::{c_int, c_uchar, c_void};

use super::entry;
use super::handle::{self, shell};
use super::hash_context::{self, HashShell, Running};
use crate::digest::Algorithm;
use crate::error::Error;

pub use super::error::codes::sha512::*;

/// A SHA-384 / SHA-512 computation: `mbedtls_sha512_init` it, `mbedtls_sha512_starts`,
/// `mbedtls_sha512_update` as often as needed, `mbedtls_sha512_finish`, and
/// `mbedtls_sha512_free` it. The field is private.
#[repr(C)]
pub struct mbedtls_sha512_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_sha512_context => Running<mbedtls_sha512_context>, mbedtls_sha512_context { private_handle: core::ptr::null_mut() });

impl HashShell for mbedtls_sha512_context {
    const BAD_INPUT: Error = Error::Sha512BadInputData;
}

/// The algorithm an `is384` flag selects: 1 for SHA-384, 0 for SHA-512, nothing else (as Mbed
/// TLS checks it).
fn variant(is384: c_int) -> Option<Algorithm> {
    match is384 {
        0 => Some(Algorithm::Sha512),
        1 => Some(Algorithm::Sha384),
        _ => None,
    }
}

/// Initialises a context (not running). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_sha512_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512_init(ctx: *mut mbedtls_sha512_context) {
    entry!(mbedtls_sha512_init, {
        // SAFETY: `ctx` is NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Frees a context's computation, if any, and leaves it not running. NULL, zeroed and already
/// freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha512_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512_free(ctx: *mut mbedtls_sha512_context) {
    entry!(mbedtls_sha512_free, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Makes `dst` an independent copy of `src`'s computation (not running when `src` is not).
/// Nothing happens when either is NULL.
///
/// # Safety
/// `dst` and `src` are NULL or point to `mbedtls_sha512_context`s (`dst` may be uninitialised).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512_clone(dst: *mut mbedtls_sha512_context, src: *const mbedtls_sha512_context) {
    entry!(mbedtls_sha512_clone, {
        // SAFETY: both are NULL or shells (the caller's contract).
        unsafe { hash_context::clone(dst, src) }
    })
}

/// Starts a SHA-384 (`is384` = 1) or SHA-512 (`is384` = 0) computation, abandoning a running
/// one.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA512_BAD_INPUT_DATA` for a NULL `ctx` or another `is384`.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_sha512_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512_starts(ctx: *mut mbedtls_sha512_context, is384: c_int) -> c_int {
    entry!(mbedtls_sha512_starts, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { hash_context::starts(ctx, variant(is384)) }
    })
}

/// Feeds `ilen` bytes at `input` to the running computation (any number of calls, any sizes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA512_BAD_INPUT_DATA` for a NULL or not running `ctx`, or `input` NULL with
/// `ilen > 0`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha512_context`; `input` is NULL or readable for
/// `ilen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512_update(
    ctx: *mut mbedtls_sha512_context,
    input: *const c_uchar,
    ilen: usize,
) -> c_int {
    entry!(mbedtls_sha512_update, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::update(ctx, input, ilen) }
    })
}

/// Writes the digest (48 bytes for SHA-384, 64 for SHA-512) to `output`; the context is then not
/// running until the next `mbedtls_sha512_starts`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA512_BAD_INPUT_DATA` for a NULL or not running `ctx` or a NULL `output`
/// (the computation then stays as it was).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha512_context`; `output` is NULL or writable for the
/// digest's size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512_finish(ctx: *mut mbedtls_sha512_context, output: *mut c_uchar) -> c_int {
    entry!(mbedtls_sha512_finish, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::finish(ctx, output) }
    })
}

/// The SHA-384 (`is384` = 1) or SHA-512 (`is384` = 0) digest of `ilen` bytes at `input`, into
/// `output` (48 or 64 bytes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA512_BAD_INPUT_DATA` for another `is384`, `input` NULL with `ilen > 0`, or
/// a NULL `output`.
///
/// # Safety
/// `input` is NULL or readable for `ilen` bytes; `output` is NULL or writable for the digest's
/// size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha512(
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    is384: c_int,
) -> c_int {
    entry!(mbedtls_sha512, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::digest_into(variant(is384), input, ilen, output, Error::Sha512BadInputData) }
    })
}
