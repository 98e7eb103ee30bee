//! `sha256.h`: SHA-224 and SHA-256 (FIPS 180-4) on aws-lc, streaming and at once.
//!
//! Differences from Mbed TLS: a context is a handle, and calls on a context that is not running
//! are refused (see [`super::hash_context`]).

use core::ffi::{c_int, c_uchar, c_void};

use super::entry;
use super::handle::{self, shell};
use super::hash_context::{self, HashShell, Running};
use crate::digest::Algorithm;
use crate::error::Error;

pub use super::error::codes::sha256::*;

/// A SHA-224 / SHA-256 computation: `mbedtls_sha256_init` it, `mbedtls_sha256_starts`,
/// `mbedtls_sha256_update` as often as needed, `mbedtls_sha256_finish`, and
/// `mbedtls_sha256_free` it. The field is private.
#[repr(C)]
pub struct mbedtls_sha256_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_sha256_context => Running<mbedtls_sha256_context>, mbedtls_sha256_context { private_handle: core::ptr::null_mut() });

impl HashShell for mbedtls_sha256_context {
    const BAD_INPUT: Error = Error::Sha256BadInputData;
}

/// The algorithm an `is224` flag selects: 1 for SHA-224, 0 for SHA-256, nothing else (as Mbed
/// TLS checks it).
fn variant(is224: c_int) -> Option<Algorithm> {
    match is224 {
        0 => Some(Algorithm::Sha256),
        1 => Some(Algorithm::Sha224),
        _ => None,
    }
}

/// Initialises a context (not running). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_sha256_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256_init(ctx: *mut mbedtls_sha256_context) {
    entry!(mbedtls_sha256_init, {
        // SAFETY: `ctx` is NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Frees a context's computation, if any, and leaves it not running. NULL, zeroed and already
/// freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha256_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256_free(ctx: *mut mbedtls_sha256_context) {
    entry!(mbedtls_sha256_free, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Makes `dst` an independent copy of `src`'s computation (not running when `src` is not).
/// Nothing happens when either is NULL.
///
/// # Safety
/// `dst` and `src` are NULL or point to `mbedtls_sha256_context`s (`dst` may be uninitialised).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256_clone(dst: *mut mbedtls_sha256_context, src: *const mbedtls_sha256_context) {
    entry!(mbedtls_sha256_clone, {
        // SAFETY: both are NULL or shells (the caller's contract).
        unsafe { hash_context::clone(dst, src) }
    })
}

/// Starts a SHA-224 (`is224` = 1) or SHA-256 (`is224` = 0) computation, abandoning a running
/// one.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA256_BAD_INPUT_DATA` for a NULL `ctx` or another `is224`.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_sha256_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256_starts(ctx: *mut mbedtls_sha256_context, is224: c_int) -> c_int {
    entry!(mbedtls_sha256_starts, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { hash_context::starts(ctx, variant(is224)) }
    })
}

/// Feeds `ilen` bytes at `input` to the running computation (any number of calls, any sizes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA256_BAD_INPUT_DATA` for a NULL or not running `ctx`, or `input` NULL with
/// `ilen > 0`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha256_context`; `input` is NULL or readable for
/// `ilen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256_update(
    ctx: *mut mbedtls_sha256_context,
    input: *const c_uchar,
    ilen: usize,
) -> c_int {
    entry!(mbedtls_sha256_update, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::update(ctx, input, ilen) }
    })
}

/// Writes the digest (28 bytes for SHA-224, 32 for SHA-256) to `output`; the context is then not
/// running until the next `mbedtls_sha256_starts`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA256_BAD_INPUT_DATA` for a NULL or not running `ctx` or a NULL `output`
/// (the computation then stays as it was).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_sha256_context`; `output` is NULL or writable for the
/// digest's size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256_finish(ctx: *mut mbedtls_sha256_context, output: *mut c_uchar) -> c_int {
    entry!(mbedtls_sha256_finish, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::finish(ctx, output) }
    })
}

/// The SHA-224 (`is224` = 1) or SHA-256 (`is224` = 0) digest of `ilen` bytes at `input`, into
/// `output` (28 or 32 bytes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SHA256_BAD_INPUT_DATA` for another `is224`, `input` NULL with `ilen > 0`, or
/// a NULL `output`.
///
/// # Safety
/// `input` is NULL or readable for `ilen` bytes; `output` is NULL or writable for the digest's
/// size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_sha256(
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    is224: c_int,
) -> c_int {
    entry!(mbedtls_sha256, {
        // SAFETY: per this function's contract.
        unsafe { hash_context::digest_into(variant(is224), input, ilen, output, Error::Sha256BadInputData) }
    })
}
