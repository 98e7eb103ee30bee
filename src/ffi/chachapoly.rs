//! `chachapoly.h`: the ChaCha20-Poly1305 AEAD (RFC 8439), at once (aws-lc-rs) and in pieces
//! (`crate::symmetric::chacha` on aws-lc), with Mbed TLS's states: `starts`, then associated
//! data, then data, then `finish`.
//!
//! Differences from Mbed TLS:
//! - `mbedtls_chachapoly_starts` and the one-shots before `mbedtls_chachapoly_setkey` return
//!   `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` (Mbed TLS uses the all-zero key of a fresh context);
//!   `setkey` abandons a message in progress.
//! - `mbedtls_chachapoly_finish` after the tag was computed returns
//!   `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE`, as Mbed TLS documents (its code computes a wrong tag).
//! - A `mode` other than `MBEDTLS_CHACHAPOLY_ENCRYPT` and `_DECRYPT`, NULL pointers, and
//!   `(NULL, n > 0)` buffers return `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` (as in Mbed TLS 2.28).
//!   After a failed call the output buffer holds zeros.

use core::ffi::{c_int, c_uchar, c_void};
use std::sync::Mutex;

use super::crypt_context::{self, Codes, array, copied, in_place, input, write};
use super::entry;
use super::handle::{self, shell};
use crate::error::{Error, Result};
use crate::symmetric::chacha::ChaChaPoly;

pub use super::error::codes::chachapoly::*;

/// `mbedtls_chachapoly_mode_t` (an `int`-sized enum in Mbed TLS 3.6).
pub type mbedtls_chachapoly_mode_t = c_int;

// The header's constants (`MBEDTLS_CHACHAPOLY_ENCRYPT`, `_DECRYPT`), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/chachapoly.rs"));

/// A ChaCha20-Poly1305 context: `mbedtls_chachapoly_init` it, `mbedtls_chachapoly_setkey` it,
/// run any number of messages, `mbedtls_chachapoly_free` it (which wipes the key). The field is
/// private.
#[repr(C)]
pub struct mbedtls_chachapoly_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_chachapoly_context => Mutex<ChaChaPoly>, mbedtls_chachapoly_context { private_handle: core::ptr::null_mut() });

const BAD: Error = Error::Poly1305BadInputData;
const CODES: Codes = Codes { null: BAD, empty: Error::ChachapolyBadState };

/// Runs `f` on the keyed context.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`.
unsafe fn with_context(ctx: *const mbedtls_chachapoly_context, f: impl FnOnce(&mut ChaChaPoly) -> Result<()>) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { crypt_context::with(ctx, CODES, f) }
}

/// Initialises a context (no key). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_chachapoly_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_init(ctx: *mut mbedtls_chachapoly_context) {
    entry!(mbedtls_chachapoly_init, {
        // SAFETY: NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Wipes and frees the context's key and message. NULL, zeroed and already freed contexts are
/// fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_free(ctx: *mut mbedtls_chachapoly_context) {
    entry!(mbedtls_chachapoly_free, {
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Sets the 32-byte key; a message in progress is abandoned.
///
/// # Returns
/// 0; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_chachapoly_context`; `key` is NULL or
/// readable for 32 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_setkey(ctx: *mut mbedtls_chachapoly_context, key: *const c_uchar) -> c_int {
    entry!(mbedtls_chachapoly_setkey, {
        // SAFETY: `key` is NULL or readable for 32 bytes; `ctx` NULL or a shell (the contract).
        unsafe {
            crypt_context::with_new(ctx, CODES, |chachapoly: &mut ChaChaPoly| {
                chachapoly.set_key(&*array::<32>(key, BAD)?);
                Ok(())
            })
        }
    })
}

/// `MBEDTLS_CHACHAPOLY_DECRYPT` (true) or `MBEDTLS_CHACHAPOLY_ENCRYPT` (false).
fn decrypt(mode: mbedtls_chachapoly_mode_t) -> Result<bool> {
    match mode {
        MBEDTLS_CHACHAPOLY_ENCRYPT => Ok(false),
        MBEDTLS_CHACHAPOLY_DECRYPT => Ok(true),
        _ => Err(BAD),
    }
}

/// Starts a message with the 12-byte `nonce`, to encrypt (`MBEDTLS_CHACHAPOLY_ENCRYPT`) or
/// decrypt (`MBEDTLS_CHACHAPOLY_DECRYPT`). A message in progress is abandoned.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` without a key; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for
/// another `mode` or NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`; `nonce` is NULL or readable for 12
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_starts(
    ctx: *mut mbedtls_chachapoly_context,
    nonce: *const c_uchar,
    mode: mbedtls_chachapoly_mode_t,
) -> c_int {
    entry!(mbedtls_chachapoly_starts, {
        // SAFETY: `nonce` is NULL or readable for 12 bytes (the caller's contract).
        unsafe { with_context(ctx, |chachapoly| chachapoly.starts(&*array::<12>(nonce, BAD)?, decrypt(mode)?)) }
    })
}

/// Adds associated data to the message (any number of calls, before any data).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` with no message started, after data or after `finish`;
/// `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`; `aad` is NULL or readable for
/// `aad_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_update_aad(
    ctx: *mut mbedtls_chachapoly_context,
    aad: *const c_uchar,
    aad_len: usize,
) -> c_int {
    entry!(mbedtls_chachapoly_update_aad, {
        // SAFETY: `aad` is NULL or readable for `aad_len` bytes (the caller's contract).
        unsafe { with_context(ctx, |chachapoly| chachapoly.update_aad(input(aad, aad_len, BAD)?)) }
    })
}

/// Encrypts or decrypts the next `len` bytes of the message. `input` and `output` may be the
/// same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` with no message started or after `finish`;
/// `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for NULL pointers (the data buffers with `len > 0`).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`; `input` and `output` are NULL or
/// valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_update(
    ctx: *mut mbedtls_chachapoly_context,
    len: usize,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_chachapoly_update, {
        // SAFETY: the buffers are NULL or valid for `len` bytes (the caller's contract).
        unsafe { with_context(ctx, |chachapoly| in_place(input, output, len, BAD, |data| chachapoly.update(data))) }
    })
}

/// Ends the message and writes its 16-byte tag (a decryption compares it with the one received,
/// in constant time).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` with no message started or after `finish`;
/// `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for NULL pointers (the message then goes on).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`; `mac` is NULL or writable for 16
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_finish(ctx: *mut mbedtls_chachapoly_context, mac: *mut c_uchar) -> c_int {
    entry!(mbedtls_chachapoly_finish, {
        // SAFETY: `mac` is NULL or writable for 16 bytes (the caller's contract).
        unsafe {
            with_context(ctx, |chachapoly| {
                if mac.is_null() {
                    return Err(BAD);
                }
                write(mac, &chachapoly.finish()?, BAD)
            })
        }
    })
}

/// Encrypts `length` bytes with the 12-byte `nonce` and the associated data `aad`, and writes the
/// 16-byte tag. `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` without a key; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for
/// NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_chachapoly_context`; `nonce` is NULL or readable for 12
/// bytes, `aad` for `aad_len`; `input` and `output` are NULL or valid for `length` bytes; `tag` is
/// NULL or writable for 16 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_encrypt_and_tag(
    ctx: *mut mbedtls_chachapoly_context,
    length: usize,
    nonce: *const c_uchar,
    aad: *const c_uchar,
    aad_len: usize,
    input: *const c_uchar,
    output: *mut c_uchar,
    tag: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_chachapoly_encrypt_and_tag, {
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            with_context(ctx, |chachapoly| {
                let (nonce, aad) = (array::<12>(nonce, BAD)?, copied(aad, aad_len, BAD)?);
                if tag.is_null() {
                    return Err(BAD);
                }
                let mut computed = [0u8; 16];
                in_place(input, output, length, BAD, |data| {
                    computed = chachapoly.encrypt_and_tag(&nonce, &aad, data)?;
                    Ok(())
                })?;
                write(tag, &computed, BAD)
            })
        }
    })
}

/// Checks the 16-byte `tag` of `length` bytes of ciphertext with the 12-byte `nonce` and the
/// associated data `aad`, and decrypts them. `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED` when the data is not authentic (`output` then holds
/// zeros); `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` without a key; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA`
/// for NULL pointers.
///
/// # Safety
/// As `mbedtls_chachapoly_encrypt_and_tag` (`tag` readable for 16 bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_chachapoly_auth_decrypt(
    ctx: *mut mbedtls_chachapoly_context,
    length: usize,
    nonce: *const c_uchar,
    aad: *const c_uchar,
    aad_len: usize,
    tag: *const c_uchar,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_chachapoly_auth_decrypt, {
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            with_context(ctx, |chachapoly| {
                let (nonce, aad, tag) = (array::<12>(nonce, BAD)?, copied(aad, aad_len, BAD)?, array::<16>(tag, BAD)?);
                in_place(input, output, length, BAD, |data| chachapoly.auth_decrypt(&nonce, &aad, &tag, data))
            })
        }
    })
}
