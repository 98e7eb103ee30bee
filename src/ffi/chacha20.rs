//! `chacha20.h`: the ChaCha20 stream cipher (RFC 8439) over `crate::symmetric::chacha` on
//! aws-lc: a key, a nonce and a 32-bit block counter, data in pieces of any size.
//!
//! Differences from Mbed TLS:
//! - `mbedtls_chacha20_update` before both `mbedtls_chacha20_setkey` and
//!   `mbedtls_chacha20_starts` returns `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA` (Mbed TLS uses the
//!   all-zero key or nonce of a fresh context).
//! - NULL pointers, and `(NULL, n > 0)` buffers, return `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA`.
//!   After a failed call the output buffer holds zeros.

use core::ffi::{c_int, c_uchar, c_void};
use std::sync::Mutex;

use super::crypt_context::{self, Codes, array, in_place};
use super::entry;
use super::error::status;
use super::handle::{self, shell};
use crate::error::Error;
use crate::symmetric::chacha::ChaCha20;

pub use super::error::codes::chacha20::*;

/// A ChaCha20 context: `mbedtls_chacha20_init` it, `mbedtls_chacha20_setkey` and
/// `mbedtls_chacha20_starts` it, `mbedtls_chacha20_update` any number of times,
/// `mbedtls_chacha20_free` it (which wipes the key). The field is private.
#[repr(C)]
pub struct mbedtls_chacha20_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_chacha20_context => Mutex<ChaCha20>, mbedtls_chacha20_context { private_handle: core::ptr::null_mut() });

const BAD: Error = Error::Chacha20BadInputData;
const CODES: Codes = Codes::both(BAD);

/// Initialises a context (no key, no nonce). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_chacha20_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chacha20_init(ctx: *mut mbedtls_chacha20_context) {
    entry!(mbedtls_chacha20_init, {
        // SAFETY: NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Wipes and frees the context's key and keystream. NULL, zeroed and already freed contexts are
/// fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chacha20_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chacha20_free(ctx: *mut mbedtls_chacha20_context) {
    entry!(mbedtls_chacha20_free, {
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Sets the 32-byte key. The nonce and counter set by `mbedtls_chacha20_starts` stay; the rest
/// of the current keystream block is dropped.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA` for NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_chacha20_context`; `key` is NULL or
/// readable for 32 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chacha20_setkey(ctx: *mut mbedtls_chacha20_context, key: *const c_uchar) -> c_int {
    entry!(mbedtls_chacha20_setkey, {
        // SAFETY: `key` is NULL or readable for 32 bytes; `ctx` NULL or a shell (the contract).
        unsafe {
            crypt_context::with_new(ctx, CODES, |chacha: &mut ChaCha20| {
                chacha.set_key(&*array::<32>(key, BAD)?);
                Ok(())
            })
        }
    })
}

/// Starts the keystream of the 12-byte `nonce` at block `counter` (usually 0 or 1).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA` for NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_chacha20_context`; `nonce` is NULL or
/// readable for 12 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chacha20_starts(
    ctx: *mut mbedtls_chacha20_context,
    nonce: *const c_uchar,
    counter: u32,
) -> c_int {
    entry!(mbedtls_chacha20_starts, {
        // SAFETY: `nonce` is NULL or readable for 12 bytes; `ctx` NULL or a shell (the contract).
        unsafe {
            crypt_context::with_new(ctx, CODES, |chacha: &mut ChaCha20| {
                chacha.starts(&*array::<12>(nonce, BAD)?, counter);
                Ok(())
            })
        }
    })
}

/// XORs the next `size` bytes of keystream with `input` into `output` (encryption and
/// decryption are the same). `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA` without a key or nonce, or for NULL pointers (the
/// data buffers with `size > 0`).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chacha20_context`; `input` and `output` are NULL or
/// valid for `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chacha20_update(
    ctx: *mut mbedtls_chacha20_context,
    size: usize,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_chacha20_update, {
        // SAFETY: the buffers are NULL or valid for `size` bytes (the caller's contract).
        unsafe {
            crypt_context::with(ctx, CODES, |chacha| in_place(input, output, size, BAD, |data| chacha.update(data)))
        }
    })
}

/// Encrypts or decrypts `size` bytes at once with a 32-byte `key`, a 12-byte `nonce` and the
/// first block `counter`. `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA` for NULL pointers (the data buffers with
/// `size > 0`).
///
/// # Safety
/// `key` is NULL or readable for 32 bytes, `nonce` for 12; `input` and `output` are NULL or valid
/// for `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chacha20_crypt(
    key: *const c_uchar,
    nonce: *const c_uchar,
    counter: u32,
    size: usize,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_chacha20_crypt, {
        let mut chacha = ChaCha20::default();
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        let result = unsafe {
            array::<32>(key, BAD).and_then(|key| {
                chacha.set_key(&key);
                chacha.starts(&*array::<12>(nonce, BAD)?, counter);
                in_place(input, output, size, BAD, |data| chacha.update(data))
            })
        };
        status(result)
    })
}
