//! `aes.h`: AES single blocks (ECB), CBC and CTR over an `mbedtls_aes_context`, on aws-lc
//! (`crate::symmetric::aes`).
//!
//! Differences from Mbed TLS:
//! - A context must be keyed for the direction it is used in: ECB and CBC encryption need
//!   `mbedtls_aes_setkey_enc`, decryption `mbedtls_aes_setkey_dec`, CTR `setkey_enc`; any other
//!   use, and use before a key, returns `MBEDTLS_ERR_AES_BAD_INPUT_DATA` (Mbed TLS computes
//!   with whatever round keys the context holds and returns 0).
//! - NULL pointers, and `(NULL, n > 0)` buffers, return `MBEDTLS_ERR_AES_BAD_INPUT_DATA` where
//!   Mbed TLS's behaviour is undefined. After a failed call the output buffer holds zeros.
//! - CFB, OFB and XTS are not offered (their `MBEDTLS_CIPHER_MODE_*` macros are not defined).

use core::ffi::{c_int, c_uchar, c_uint, c_void};
use std::sync::Mutex;

use super::crypt_context::{self, Codes, array, in_place, write, write_len};
use super::entry;
use super::error::status;
use super::handle::{self, shell};
use crate::error::{Error, Result};
use crate::symmetric::aes::{Aes, BLOCK, Direction};

pub use super::error::codes::aes::*;

// The header's constants (`MBEDTLS_AES_ENCRYPT`, `MBEDTLS_AES_DECRYPT`), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/aes.rs"));

/// An AES context: `mbedtls_aes_init` it, key it with `mbedtls_aes_setkey_enc` or
/// `mbedtls_aes_setkey_dec`, use it, `mbedtls_aes_free` it (which wipes the key). The field is
/// private.
#[repr(C)]
pub struct mbedtls_aes_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_aes_context => Mutex<Aes>, mbedtls_aes_context { private_handle: core::ptr::null_mut() });

const CODES: Codes = Codes::both(Error::AesBadInputData);
const BAD: Error = Error::AesBadInputData;

/// Runs `f` on the keyed context.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_aes_context`.
unsafe fn with_aes(ctx: *const mbedtls_aes_context, f: impl FnOnce(&mut Aes) -> Result<()>) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { crypt_context::with(ctx, CODES, f) }
}

/// Initialises a context (no key). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_aes_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_init(ctx: *mut mbedtls_aes_context) {
    entry!(mbedtls_aes_init, {
        // SAFETY: NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Wipes and frees the context's key. NULL, zeroed and already freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_aes_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_free(ctx: *mut mbedtls_aes_context) {
    entry!(mbedtls_aes_free, {
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// The key setting of both directions.
///
/// # Safety
/// As the exports.
unsafe fn set_key(ctx: *mut mbedtls_aes_context, key: *const c_uchar, keybits: c_uint, direction: Direction) -> c_int {
    if key.is_null() {
        return status(Err(BAD));
    }
    if !matches!(keybits, 128 | 192 | 256) {
        return status(Err(Error::AesInvalidKeyLength));
    }
    // SAFETY: `key` is readable for `keybits / 8` bytes (the caller's contract).
    let key = unsafe { core::slice::from_raw_parts(key, keybits as usize / 8) };
    // SAFETY: `ctx` is NULL or a shell (the caller's contract).
    unsafe { crypt_context::with_new(ctx, CODES, |aes: &mut Aes| aes.set_key(key, keybits, direction)) }
}

/// Sets the key for encryption (ECB and CBC encryption, CTR in both directions).
///
/// # Returns
/// 0; `MBEDTLS_ERR_AES_INVALID_KEY_LENGTH` for `keybits` other than 128, 192, 256 (the context
/// keeps its previous key); `MBEDTLS_ERR_AES_BAD_INPUT_DATA` for a NULL `ctx` or `key`.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_aes_context`; `key` is NULL or readable for
/// `keybits / 8` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_setkey_enc(
    ctx: *mut mbedtls_aes_context,
    key: *const c_uchar,
    keybits: c_uint,
) -> c_int {
    entry!(mbedtls_aes_setkey_enc, {
        // SAFETY: the caller's contract.
        unsafe { set_key(ctx, key, keybits, Direction::Encrypt) }
    })
}

/// Sets the key for decryption (ECB and CBC decryption).
///
/// # Returns
/// As `mbedtls_aes_setkey_enc`.
///
/// # Safety
/// As `mbedtls_aes_setkey_enc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_setkey_dec(
    ctx: *mut mbedtls_aes_context,
    key: *const c_uchar,
    keybits: c_uint,
) -> c_int {
    entry!(mbedtls_aes_setkey_dec, {
        // SAFETY: the caller's contract.
        unsafe { set_key(ctx, key, keybits, Direction::Decrypt) }
    })
}

/// One block (16 bytes) in ECB.
///
/// # Safety
/// As the exports.
unsafe fn ecb(
    ctx: *mut mbedtls_aes_context,
    direction: Direction,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    // SAFETY: `input` and `output` are NULL or valid for 16 bytes (the caller's contract).
    unsafe {
        with_aes(ctx, |aes| {
            in_place(input, output, BLOCK, BAD, |block| aes.ecb(direction, block.try_into().expect("one block")))
        })
    }
}

/// Encrypts (`mode` = `MBEDTLS_AES_ENCRYPT`) or decrypts (`MBEDTLS_AES_DECRYPT`) one 16-byte
/// block. `input` and `output` may be the same buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_AES_BAD_INPUT_DATA` for another `mode`, NULL pointers, a context without a
/// key or keyed for the other direction.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_aes_context`; `input` and `output` are NULL or valid
/// for 16 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_crypt_ecb(
    ctx: *mut mbedtls_aes_context,
    mode: c_int,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_aes_crypt_ecb, {
        match Direction::from_mode(mode) {
            // SAFETY: the caller's contract.
            Ok(direction) => unsafe { ecb(ctx, direction, input, output) },
            Err(e) => status(Err(e)),
        }
    })
}

/// AES-CBC over `length` bytes (a multiple of 16) in the direction `mode`; `iv` (16 bytes) is
/// updated so that a next call continues the chain. `input` and `output` may be the same
/// buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_AES_BAD_INPUT_DATA` for another `mode`, NULL pointers (with `length > 0`), a
/// context without a key or keyed for the other direction; `MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH`
/// when `length` is not a multiple of 16.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_aes_context`; `iv` is NULL or valid for 16 bytes;
/// `input` and `output` are NULL or valid for `length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_crypt_cbc(
    ctx: *mut mbedtls_aes_context,
    mode: c_int,
    length: usize,
    iv: *mut c_uchar,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_aes_crypt_cbc, {
        let direction = match Direction::from_mode(mode) {
            Ok(direction) => direction,
            Err(e) => return status(Err(e)),
        };
        if length % BLOCK != 0 {
            return status(Err(Error::AesInvalidInputLength));
        }
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            with_aes(ctx, |aes| {
                let mut chain = array::<BLOCK>(iv, BAD)?;
                in_place(input, output, length, BAD, |data| aes.cbc(direction, &mut chain, data))?;
                write(iv, &chain[..], BAD)
            })
        }
    })
}

/// AES-CTR over `length` bytes (encryption and decryption are the same). `nonce_counter` (16
/// bytes, big-endian, incremented per block), `stream_block` (16 bytes of keystream) and
/// `*nc_off` (the position in it, 0 to 15) carry the stream across calls; start a stream with
/// `*nc_off` = 0. The context needs an encryption key. `input` and `output` may be the same
/// buffer.
///
/// # Returns
/// 0; `MBEDTLS_ERR_AES_BAD_INPUT_DATA` for `*nc_off` > 15, NULL pointers (the data buffers with
/// `length > 0`), a context without an encryption key.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_aes_context`; `nc_off` is NULL or points to a
/// `size_t`; `nonce_counter` and `stream_block` are NULL or valid for 16 bytes; `input` and
/// `output` are NULL or valid for `length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_aes_crypt_ctr(
    ctx: *mut mbedtls_aes_context,
    length: usize,
    nc_off: *mut usize,
    nonce_counter: *mut c_uchar,
    stream_block: *mut c_uchar,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_aes_crypt_ctr, {
        // SAFETY: the pointers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            with_aes(ctx, |aes| {
                let mut offset = if nc_off.is_null() { return Err(BAD) } else { nc_off.read_unaligned() };
                let (mut counter, mut stream) =
                    (array::<BLOCK>(nonce_counter, BAD)?, array::<BLOCK>(stream_block, BAD)?);
                if offset >= BLOCK {
                    return Err(BAD);
                }
                in_place(input, output, length, BAD, |data| aes.ctr(&mut offset, &mut counter, &mut stream, data))?;
                write(nonce_counter, &counter[..], BAD)?;
                write(stream_block, &stream[..], BAD)?;
                write_len(nc_off, offset, BAD)
            })
        }
    })
}

/// One block encrypted with an encryption key (what `mbedtls_aes_crypt_ecb` does; exposed by
/// Mbed TLS for alternative implementations).
///
/// # Returns
/// As `mbedtls_aes_crypt_ecb`.
///
/// # Safety
/// As `mbedtls_aes_crypt_ecb`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_internal_aes_encrypt(
    ctx: *mut mbedtls_aes_context,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_internal_aes_encrypt, {
        // SAFETY: the caller's contract.
        unsafe { ecb(ctx, Direction::Encrypt, input, output) }
    })
}

/// One block decrypted with a decryption key.
///
/// # Returns
/// As `mbedtls_aes_crypt_ecb`.
///
/// # Safety
/// As `mbedtls_aes_crypt_ecb`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_internal_aes_decrypt(
    ctx: *mut mbedtls_aes_context,
    input: *const c_uchar,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_internal_aes_decrypt, {
        // SAFETY: the caller's contract.
        unsafe { ecb(ctx, Direction::Decrypt, input, output) }
    })
}
