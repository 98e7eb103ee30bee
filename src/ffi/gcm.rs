//! `gcm.h`: AES-GCM, at once and in pieces (Mbed TLS 3.6's streaming API: IVs of any length,
//! associated data and data in pieces of any size, tags of 4 to 16 bytes), over
//! `crate::symmetric::gcm` on aws-lc.
//!
//! Differences from Mbed TLS:
//! - A call in the wrong state returns `MBEDTLS_ERR_GCM_BAD_INPUT` and changes nothing:
//!   `starts` before `setkey`; `update_ad`, `update` (with data) or `finish` before `starts` or
//!   after `finish`; `update_ad` after data. Mbed TLS goes on over whatever state the context
//!   holds.
//! - `mode` must be `MBEDTLS_GCM_ENCRYPT` or `MBEDTLS_GCM_DECRYPT` (`MBEDTLS_ERR_GCM_BAD_INPUT`
//!   otherwise); IVs are limited to 2^31 - 1 bytes (Mbed TLS: 2^61 - 1).
//! - Only AES (`MBEDTLS_CIPHER_ID_AES`) is offered; other ciphers are `MBEDTLS_ERR_GCM_BAD_INPUT`.
//! - NULL pointers, and `(NULL, n > 0)` buffers, return `MBEDTLS_ERR_GCM_BAD_INPUT`. After a
//!   failed call the output buffer holds zeros.

use core::ffi::{c_int, c_uchar, c_uint, c_void};
use std::sync::Mutex;

use super::cipher::{MBEDTLS_CIPHER_ID_AES, mbedtls_cipher_id_t};
use super::crypt_context::{self, Codes, copied, in_place, write, write_len};
use super::entry;
use super::error::code_of;
use super::handle::{self, shell};
use crate::error::{Error, Result};
use crate::symmetric::gcm::Gcm;
use zeroize::Zeroizing;

pub use super::error::codes::gcm::*;

// The header's constants (`MBEDTLS_GCM_ENCRYPT`, `MBEDTLS_GCM_DECRYPT`), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/gcm.rs"));

/// A GCM context: `mbedtls_gcm_init` it, key it with `mbedtls_gcm_setkey`, run any number of
/// messages, `mbedtls_gcm_free` it (which wipes the key). The field is private.
#[repr(C)]
pub struct mbedtls_gcm_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_gcm_context => Mutex<Gcm>, mbedtls_gcm_context { private_handle: core::ptr::null_mut() });

const BAD: Error = Error::GcmBadInput;
const CODES: Codes = Codes::both(BAD);

/// Most IV bytes accepted (aws-lc takes IV lengths as `int`).
const MAX_IV: usize = i32::MAX as usize;

/// Runs `f` on the keyed context.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`.
unsafe fn with_gcm(ctx: *const mbedtls_gcm_context, f: impl FnOnce(&mut Gcm) -> Result<()>) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { crypt_context::with(ctx, CODES, f) }
}

/// `MBEDTLS_GCM_DECRYPT` (true) or `MBEDTLS_GCM_ENCRYPT` (false).
fn decrypt(mode: c_int) -> Result<bool> {
    match mode {
        MBEDTLS_GCM_DECRYPT => Ok(true),
        MBEDTLS_GCM_ENCRYPT => Ok(false),
        _ => Err(BAD),
    }
}

/// The IV, checked for length and copied (C may place it inside the output buffer).
///
/// # Safety
/// A non-NULL `iv` is readable for `iv_len` bytes.
unsafe fn iv(iv: *const c_uchar, iv_len: usize) -> Result<Zeroizing<Vec<u8>>> {
    if iv_len == 0 || iv_len > MAX_IV || iv.is_null() {
        return Err(BAD);
    }
    // SAFETY: per this function's contract.
    unsafe { copied(iv, iv_len, BAD) }
}

/// Checks a tag's length (4 to 16 bytes) and pointer.
fn check_tag(tag: *const c_uchar, tag_len: usize) -> Result<()> {
    if !(4..=16).contains(&tag_len) || tag.is_null() {
        return Err(BAD);
    }
    Ok(())
}

/// Initialises a context (no key). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_gcm_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_init(ctx: *mut mbedtls_gcm_context) {
    entry!(mbedtls_gcm_init, {
        // SAFETY: NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Wipes and frees the context's key and message. NULL, zeroed and already freed contexts are
/// fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_free(ctx: *mut mbedtls_gcm_context) {
    entry!(mbedtls_gcm_free, {
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Keys the context with `cipher` (`MBEDTLS_CIPHER_ID_AES`) and a `keybits`-bit key (128, 192,
/// 256). A message in progress is abandoned.
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_BAD_INPUT` for another key size or cipher, or NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_gcm_context`; `key` is NULL or readable
/// for `keybits / 8` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_setkey(
    ctx: *mut mbedtls_gcm_context,
    cipher: mbedtls_cipher_id_t,
    key: *const c_uchar,
    keybits: c_uint,
) -> c_int {
    entry!(mbedtls_gcm_setkey, {
        if !matches!(keybits, 128 | 192 | 256) || key.is_null() {
            return code_of(BAD);
        }
        // SAFETY: `key` is readable for `keybits / 8` bytes (the caller's contract).
        let key = unsafe { core::slice::from_raw_parts(key, keybits as usize / 8) };
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe {
            crypt_context::with_new(ctx, CODES, |gcm: &mut Gcm| {
                gcm.set_key(cipher == MBEDTLS_CIPHER_ID_AES, key, keybits)
            })
        }
    })
}

/// Encrypts (`mode` = `MBEDTLS_GCM_ENCRYPT`) `length` bytes with `iv` and the associated data
/// `add`, and writes a `tag_len`-byte tag (4 to 16); with `MBEDTLS_GCM_DECRYPT` decrypts without
/// any check and writes the tag of the ciphertext (use `mbedtls_gcm_auth_decrypt` instead).
/// `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_BAD_INPUT` for another `mode`, an empty IV, a `tag_len` out of range,
/// NULL pointers, a context without a key, data over 2^36 - 32 bytes.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`; each buffer is NULL or valid for its
/// length (`input` and `output`: `length` bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_crypt_and_tag(
    ctx: *mut mbedtls_gcm_context,
    mode: c_int,
    length: usize,
    iv: *const c_uchar,
    iv_len: usize,
    add: *const c_uchar,
    add_len: usize,
    input: *const c_uchar,
    output: *mut c_uchar,
    tag_len: usize,
    tag: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_gcm_crypt_and_tag, {
        // SAFETY: the buffers are NULL or valid for their lengths (the caller's contract).
        unsafe {
            with_gcm(ctx, |gcm| {
                let (decrypt, iv, aad) = (decrypt(mode)?, self::iv(iv, iv_len)?, copied(add, add_len, BAD)?);
                check_tag(tag, tag_len)?;
                let mut computed = [0u8; 16];
                let computed = &mut computed[..tag_len];
                in_place(input, output, length, BAD, |data| gcm.crypt_and_tag(decrypt, &iv, &aad, data, computed))?;
                write(tag, computed, BAD)
            })
        }
    })
}

/// Checks the `tag_len`-byte tag (4 to 16) of `length` bytes of ciphertext with `iv` and the
/// associated data `add`, and decrypts them. `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_AUTH_FAILED` when the data is not authentic (`output` then holds zeros);
/// `MBEDTLS_ERR_GCM_BAD_INPUT` as for `mbedtls_gcm_crypt_and_tag`.
///
/// # Safety
/// As `mbedtls_gcm_crypt_and_tag` (`tag` readable for `tag_len` bytes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_auth_decrypt(
    ctx: *mut mbedtls_gcm_context,
    length: usize,
    iv: *const c_uchar,
    iv_len: usize,
    add: *const c_uchar,
    add_len: usize,
    tag: *const c_uchar,
    tag_len: usize,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_gcm_auth_decrypt, {
        // SAFETY: the buffers are NULL or valid for their lengths (the caller's contract).
        unsafe {
            with_gcm(ctx, |gcm| {
                check_tag(tag, tag_len)?;
                let (iv, aad, tag) = (self::iv(iv, iv_len)?, copied(add, add_len, BAD)?, copied(tag, tag_len, BAD)?);
                in_place(input, output, length, BAD, |data| gcm.auth_decrypt(&iv, &aad, &tag, data))
            })
        }
    })
}

/// Starts a message: `mode` (`MBEDTLS_GCM_ENCRYPT` or `MBEDTLS_GCM_DECRYPT`) and an IV of any
/// length from 1 byte. A message in progress is abandoned.
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_BAD_INPUT` for another `mode`, an empty or NULL IV, a context without a
/// key.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`; `iv` is NULL or readable for `iv_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_starts(
    ctx: *mut mbedtls_gcm_context,
    mode: c_int,
    iv: *const c_uchar,
    iv_len: usize,
) -> c_int {
    entry!(mbedtls_gcm_starts, {
        // SAFETY: `iv` is NULL or readable for `iv_len` bytes (the caller's contract).
        unsafe { with_gcm(ctx, |gcm| gcm.starts(decrypt(mode)?, &self::iv(iv, iv_len)?)) }
    })
}

/// Adds associated data to the message (any number of calls, before any data).
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_BAD_INPUT` with no message started, after data, over 2^61 - 1 bytes in
/// total, or for `(NULL, n > 0)`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`; `add` is NULL or readable for `add_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_update_ad(
    ctx: *mut mbedtls_gcm_context,
    add: *const c_uchar,
    add_len: usize,
) -> c_int {
    entry!(mbedtls_gcm_update_ad, {
        // SAFETY: `add` is NULL or readable for `add_len` bytes (the caller's contract).
        unsafe { with_gcm(ctx, |gcm| gcm.update_ad(crypt_context::input(add, add_len, BAD)?)) }
    })
}

/// Encrypts or decrypts the next `input_length` bytes of the message into `output`. The output
/// is immediate: `*output_length` = `input_length`. `output` may be `input`, but may not
/// overlap it otherwise with a higher address.
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL` when `output_size` < `input_length`;
/// `MBEDTLS_ERR_GCM_BAD_INPUT` with no message started (for non-empty data), over 2^36 - 32 bytes
/// in total, overlapping buffers, NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`; `input` is NULL or readable for
/// `input_length` bytes, `output` NULL or writable for `output_size` bytes; `output_length` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_update(
    ctx: *mut mbedtls_gcm_context,
    input: *const c_uchar,
    input_length: usize,
    output: *mut c_uchar,
    output_size: usize,
    output_length: *mut usize,
) -> c_int {
    entry!(mbedtls_gcm_update, {
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            with_gcm(ctx, |gcm| {
                if output_size < input_length {
                    return Err(Error::GcmBufferTooSmall);
                }
                write_len(output_length, input_length, BAD)?;
                let gap = (output as usize).wrapping_sub(input as usize);
                if input_length != 0 && output as usize > input as usize && gap < input_length {
                    return Err(BAD);
                }
                gcm.check_update(input_length)?;
                in_place(input, output, input_length, BAD, |data| gcm.update(data))
            })
        }
    })
}

/// Ends the message and writes the first `tag_len` bytes (4 to 16) of its tag. No output is
/// left over (`*output_length` = 0; `output` may be NULL). The context then holds no message.
///
/// # Returns
/// 0; `MBEDTLS_ERR_GCM_BAD_INPUT` for a `tag_len` out of range, no message started (or finished
/// already), NULL `tag` or `output_length`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_gcm_context`; `tag` is NULL or writable for `tag_len`
/// bytes; `output_length` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_gcm_finish(
    ctx: *mut mbedtls_gcm_context,
    output: *mut c_uchar,
    output_size: usize,
    output_length: *mut usize,
    tag: *mut c_uchar,
    tag_len: usize,
) -> c_int {
    entry!(mbedtls_gcm_finish, {
        let _ = (output, output_size);
        // SAFETY: the pointers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            with_gcm(ctx, |gcm| {
                write_len(output_length, 0, BAD)?;
                check_tag(tag, tag_len)?;
                let mut computed = [0u8; 16];
                gcm.finish(&mut computed[..tag_len])?;
                write(tag, &computed[..tag_len], BAD)
            })
        }
    })
}
