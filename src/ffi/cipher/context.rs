//! The `mbedtls_cipher_context_t` functions of `cipher.h`, over
//! `crate::symmetric::cipher::CipherContext`.
//!
//! Differences from Mbed TLS:
//! - Every call before `mbedtls_cipher_setkey` that needs the key returns
//!   `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` (Mbed TLS computes with an all-zero key schedule).
//!   ChaCha20 needs `mbedtls_cipher_set_iv` before `update` (Mbed TLS starts with an all-zero
//!   nonce).
//! - After `mbedtls_cipher_finish` in CBC, `update` and `finish` return
//!   `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` until `mbedtls_cipher_reset` or `mbedtls_cipher_set_iv`
//!   (Mbed TLS goes on over the bytes it held back). GCM and ChaCha20-Poly1305 answer calls after
//!   their tag with their own codes (`MBEDTLS_ERR_GCM_BAD_INPUT`,
//!   `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE`).
//! - `mbedtls_cipher_setup` on a context that is already set up is refused (free it first);
//!   Mbed TLS overwrites it and leaks the old state.
//! - NULL pointers, and `(NULL, n > 0)` buffers, return `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA`; the
//!   accessors treat a NULL context as one not set up. After a failed call `*olen` is 0.
//! - As in Mbed TLS 3.6, a CBC context has no padding mode until
//!   `mbedtls_cipher_set_padding_mode` (Mbed TLS 2.28 defaulted to PKCS#7).

use core::ffi::{c_char, c_int, c_uchar, c_uint, c_void};
use std::sync::{Mutex, PoisonError};

use super::{
    MBEDTLS_CIPHER_NONE, MBEDTLS_DECRYPT, MBEDTLS_ENCRYPT, MBEDTLS_KEY_LENGTH_NONE, MBEDTLS_MODE_NONE,
    MBEDTLS_OPERATION_NONE, MBEDTLS_PADDING_NONE, MBEDTLS_PADDING_PKCS7, info_at, info_of, mbedtls_cipher_info_t,
    mbedtls_cipher_mode_t, mbedtls_cipher_padding_t, mbedtls_cipher_type_t, mbedtls_operation_t, mode_value,
};
use crate::error::{Error, Result};
use crate::ffi::crypt_context::{self, Codes, input, write, write_len};
use crate::ffi::entry;
use crate::ffi::error::{code_of, status};
use crate::ffi::handle::{self, shell};
use crate::symmetric::cipher::{AeadMessage, CipherContext, Operation, Padding};

/// A generic cipher context: `mbedtls_cipher_init` it, `mbedtls_cipher_setup` it with a cipher
/// from `mbedtls_cipher_info_from_*`, `mbedtls_cipher_setkey` it, run any number of messages,
/// `mbedtls_cipher_free` it (which wipes the key). The field is private.
#[repr(C)]
pub struct mbedtls_cipher_context_t {
    private_handle: *mut c_void,
}

shell!(mbedtls_cipher_context_t => Mutex<CipherContext>, mbedtls_cipher_context_t { private_handle: core::ptr::null_mut() });

const BAD: Error = Error::CipherBadInputData;
const CODES: Codes = Codes::both(BAD);

/// Runs `f` on the context set up at `ctx`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
unsafe fn with_context(
    ctx: *const mbedtls_cipher_context_t,
    f: impl FnOnce(&mut CipherContext) -> Result<()>,
) -> c_int {
    // SAFETY: per this function's contract.
    unsafe { crypt_context::with(ctx, CODES, f) }
}

/// Runs `f` on the context set up at `ctx`, as a core result.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
unsafe fn run(ctx: *const mbedtls_cipher_context_t, f: impl FnOnce(&mut CipherContext) -> Result<()>) -> Result<()> {
    // SAFETY: per this function's contract.
    unsafe { crypt_context::run(ctx, CODES, f) }
}

/// Reads something from the context set up at `ctx`, or `none` when it is not set up (or NULL).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
unsafe fn query<R>(ctx: *const mbedtls_cipher_context_t, none: R, f: impl FnOnce(&CipherContext) -> R) -> R {
    // SAFETY: per this function's contract; the reference ends with this call.
    match unsafe { handle::get(ctx) } {
        Some(context) => f(&context.lock().unwrap_or_else(PoisonError::into_inner)),
        None => none,
    }
}

/// Writes `out` to the caller's `output` and its length to `*olen`.
///
/// # Safety
/// `output` is NULL or writable for `out.len()` bytes; `olen` is NULL or writable.
unsafe fn hand_out(out: &[u8], output: *mut c_uchar, olen: *mut usize) -> Result<()> {
    if out.is_empty() {
        // SAFETY: per this function's contract.
        return unsafe { write_len(olen, 0, BAD) };
    }
    // SAFETY: per this function's contract.
    unsafe {
        write(output, out, BAD)?;
        write_len(olen, out.len(), BAD)
    }
}

/// Sets `*olen` to 0 (when not NULL) and returns the code of `result`: a failed call reports no
/// output.
///
/// # Safety
/// `olen` is NULL or writable.
unsafe fn status_with_len(result: Result<()>, olen: *mut usize) -> c_int {
    if result.is_err() {
        // SAFETY: per this function's contract; a NULL `olen` is left alone.
        let _ = unsafe { write_len(olen, 0, BAD) };
    }
    status(result)
}

/// Initialises a context (not set up). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_init(ctx: *mut mbedtls_cipher_context_t) {
    entry!(mbedtls_cipher_init, {
        // SAFETY: NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Wipes and frees what the context holds (key, buffered data) and leaves it not set up. NULL,
/// zeroed and already freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_free(ctx: *mut mbedtls_cipher_context_t) {
    entry!(mbedtls_cipher_free, {
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Binds a context to the cipher at `cipher_info`. Then: `mbedtls_cipher_setkey`, in CBC
/// `mbedtls_cipher_set_padding_mode`, and per message `mbedtls_cipher_crypt`,
/// `mbedtls_cipher_auth_encrypt_ext`/`_decrypt_ext`, or the multi-part calls.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for a NULL `ctx`, a NULL or foreign `cipher_info`, or a
/// context already set up.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_setup(
    ctx: *mut mbedtls_cipher_context_t,
    cipher_info: *const mbedtls_cipher_info_t,
) -> c_int {
    entry!(mbedtls_cipher_setup, {
        // SAFETY: NULL or a shell (the caller's contract).
        let (Some(info), false, false) = (info_at(cipher_info), ctx.is_null(), unsafe { handle::is_set(ctx) }) else {
            return code_of(BAD);
        };
        // SAFETY: a non-NULL shell holding no object.
        unsafe { handle::install(ctx, Mutex::new(CipherContext::new(info.cipher()))) };
        0
    })
}

/// The block size of the context's cipher in bytes (16 for AES, 1 for the ChaCha ciphers); 0
/// when it is not set up. (A `static inline` function in Mbed TLS 3.6, a real function here.)
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_block_size(ctx: *const mbedtls_cipher_context_t) -> c_uint {
    entry!(mbedtls_cipher_get_block_size, on_panic = 0, {
        // SAFETY: the caller's contract.
        unsafe { query(ctx, 0, |c| c.cipher().block_size() as c_uint) }
    })
}

/// The `MBEDTLS_MODE_*` of the context; `MBEDTLS_MODE_NONE` when it is not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_cipher_mode(ctx: *const mbedtls_cipher_context_t) -> mbedtls_cipher_mode_t {
    entry!(mbedtls_cipher_get_cipher_mode, on_panic = MBEDTLS_MODE_NONE, {
        // SAFETY: the caller's contract.
        unsafe { query(ctx, MBEDTLS_MODE_NONE, |c| mode_value(c.cipher().mode)) }
    })
}

/// The size of the IV set (by a non-GCM `mbedtls_cipher_set_iv`), else the cipher's IV size; 0
/// when it is not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_iv_size(ctx: *const mbedtls_cipher_context_t) -> c_int {
    entry!(mbedtls_cipher_get_iv_size, on_panic = 0, {
        // SAFETY: the caller's contract.
        unsafe { query(ctx, 0, |c| c.iv_size() as c_int) }
    })
}

/// The `MBEDTLS_CIPHER_*` type of the context; `MBEDTLS_CIPHER_NONE` when it is not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_type(ctx: *const mbedtls_cipher_context_t) -> mbedtls_cipher_type_t {
    entry!(mbedtls_cipher_get_type, on_panic = MBEDTLS_CIPHER_NONE, {
        // SAFETY: the caller's contract.
        unsafe { query(ctx, MBEDTLS_CIPHER_NONE, |c| info_of(c.cipher()).cipher_type) }
    })
}

/// The name of the context's cipher, a static string; NULL when it is not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_name(ctx: *const mbedtls_cipher_context_t) -> *const c_char {
    entry!(mbedtls_cipher_get_name, {
        // SAFETY: the caller's contract.
        unsafe { query(ctx, core::ptr::null(), |c| info_of(c.cipher()).name().as_ptr()) }
    })
}

/// The key size of the context's cipher in bits; `MBEDTLS_KEY_LENGTH_NONE` (0) when it is not
/// set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_key_bitlen(ctx: *const mbedtls_cipher_context_t) -> c_int {
    entry!(mbedtls_cipher_get_key_bitlen, on_panic = MBEDTLS_KEY_LENGTH_NONE, {
        // SAFETY: the caller's contract.
        unsafe { query(ctx, MBEDTLS_KEY_LENGTH_NONE, |c| c.cipher().key_bits as c_int) }
    })
}

/// The operation the key was set for (`MBEDTLS_ENCRYPT`, `MBEDTLS_DECRYPT`; before
/// `mbedtls_cipher_setkey` `MBEDTLS_DECRYPT`, as in Mbed TLS); `MBEDTLS_OPERATION_NONE` when it is
/// not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_get_operation(ctx: *const mbedtls_cipher_context_t) -> mbedtls_operation_t {
    entry!(mbedtls_cipher_get_operation, on_panic = MBEDTLS_OPERATION_NONE, {
        // SAFETY: the caller's contract.
        unsafe {
            query(ctx, MBEDTLS_OPERATION_NONE, |c| match c.operation() {
                Operation::Encrypt => MBEDTLS_ENCRYPT,
                Operation::Decrypt => MBEDTLS_DECRYPT,
            })
        }
    })
}

/// Sets the key (`key_bitlen` bits, which must be the cipher's key size) for `operation`
/// (`MBEDTLS_ENCRYPT` or `MBEDTLS_DECRYPT`).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for another operation or key size, a NULL `key`, or a
/// context not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `key` is NULL or readable for
/// `key_bitlen / 8` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_setkey(
    ctx: *mut mbedtls_cipher_context_t,
    key: *const c_uchar,
    key_bitlen: c_int,
    operation: mbedtls_operation_t,
) -> c_int {
    entry!(mbedtls_cipher_setkey, {
        let operation = match operation {
            MBEDTLS_ENCRYPT => Operation::Encrypt,
            MBEDTLS_DECRYPT => Operation::Decrypt,
            _ => return code_of(BAD),
        };
        // SAFETY: `key` is NULL or readable for `key_bitlen / 8` bytes (the caller's contract).
        unsafe {
            with_context(ctx, |c| {
                let bits = u32::try_from(key_bitlen).ok().filter(|bits| *bits == c.cipher().key_bits).ok_or(BAD)?;
                let key = if key.is_null() { return Err(BAD) } else { input(key, bits as usize / 8, BAD)? };
                c.set_key(key, bits, operation)
            })
        }
    })
}

/// Sets the padding of a CBC context: `MBEDTLS_PADDING_PKCS7` or `MBEDTLS_PADDING_NONE`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for the other padding modes;
/// `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for a context that is not CBC or not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_set_padding_mode(
    ctx: *mut mbedtls_cipher_context_t,
    mode: mbedtls_cipher_padding_t,
) -> c_int {
    entry!(mbedtls_cipher_set_padding_mode, {
        // SAFETY: the caller's contract.
        unsafe {
            with_context(ctx, |c| {
                c.set_padding(match mode {
                    MBEDTLS_PADDING_PKCS7 => Some(Padding::Pkcs7),
                    MBEDTLS_PADDING_NONE => Some(Padding::NoPadding),
                    _ => None,
                })
            })
        }
    })
}

/// Sets the IV (nonce) of the next message: 16 bytes for CBC and CTR (longer IVs are cut), 12
/// for the ChaCha ciphers, 1 to 16 for GCM (which starts its message here), none for ECB.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for more than 16 bytes;
/// `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for a shorter IV than the cipher's, a ChaCha nonce other
/// than 12 bytes, `(NULL, n > 0)`, a GCM context without a key, a context not set up;
/// `MBEDTLS_ERR_GCM_BAD_INPUT` for an empty GCM IV.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `iv` is NULL or readable for
/// `iv_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_set_iv(
    ctx: *mut mbedtls_cipher_context_t,
    iv: *const c_uchar,
    iv_len: usize,
) -> c_int {
    entry!(mbedtls_cipher_set_iv, {
        // SAFETY: `iv` is NULL or readable for `iv_len` bytes (the caller's contract).
        unsafe {
            with_context(ctx, |c| {
                if iv_len > 16 {
                    return Err(Error::CipherFeatureUnavailable);
                }
                c.set_iv(input(iv, iv_len, BAD)?)
            })
        }
    })
}

/// Starts a new message with the IV set: forgets CBC's held-back bytes and CTR's keystream
/// position.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for a context not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_reset(ctx: *mut mbedtls_cipher_context_t) -> c_int {
    entry!(mbedtls_cipher_reset, {
        // SAFETY: the caller's contract.
        unsafe {
            with_context(ctx, |c| {
                c.reset();
                Ok(())
            })
        }
    })
}

/// Adds associated data: GCM (any number of calls, before data); ChaCha20-Poly1305 (starts the
/// message with the IV set; call it once, even with no data).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for the other ciphers; GCM's and
/// ChaCha20-Poly1305's codes in the wrong state; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for
/// `(NULL, n > 0)` or a context not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `ad` is NULL or readable for
/// `ad_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_update_ad(
    ctx: *mut mbedtls_cipher_context_t,
    ad: *const c_uchar,
    ad_len: usize,
) -> c_int {
    entry!(mbedtls_cipher_update_ad, {
        // SAFETY: `ad` is NULL or readable for `ad_len` bytes (the caller's contract).
        unsafe { with_context(ctx, |c| c.update_ad(input(ad, ad_len, BAD)?)) }
    })
}

/// Encrypts or decrypts `ilen` bytes into `output`, which must hold `ilen` + the block size:
/// ECB takes exactly one block; CBC writes whole blocks and holds back the rest (decrypting with
/// PKCS#7 it holds back a last whole block); the other modes write `ilen` bytes. `*olen` is set
/// to the bytes written. `output` must not be `input` for CBC and CTR unless whole blocks are
/// passed with nothing held back.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED` for ECB with another length;
/// `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for NULL pointers, no key, the same buffer as above, CBC
/// after `finish`; GCM's and ChaCha20-Poly1305's codes in the wrong state.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `input` is NULL or readable for
/// `ilen` bytes; `output` is NULL or writable for `ilen` + 16 bytes; `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_update(
    ctx: *mut mbedtls_cipher_context_t,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_cipher_update, {
        let same_buffer = !input.is_null() && core::ptr::eq(input, output);
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract); the
        // input is copied before anything is written.
        let result = unsafe {
            run(ctx, |c| {
                if olen.is_null() {
                    return Err(BAD);
                }
                let out = c.update(self::input(input, ilen, BAD)?, same_buffer)?;
                hand_out(&out, output, olen)
            })
        };
        // SAFETY: `olen` is NULL or writable (the caller's contract).
        unsafe { status_with_len(result, olen) }
    })
}

/// The last output of a message: in CBC the held-back block (padded when encrypting with
/// PKCS#7, checked and unpadded when decrypting), nothing in the other modes; `*olen` is set to
/// the bytes written (at most 16). `*invalid_padding` is 0, or non-zero (all bits set) when a
/// PKCS#7 padding was invalid: no data is written then, and the call still returns 0 (so that a
/// caller can act on it without a branch on secret data, as Mbed TLS 3.6.5 introduced).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED` when CBC without padding (or a decryption) holds
/// a partial block; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for NULL pointers, a CBC context without
/// a padding mode or already finished, a context not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `output` is NULL or writable for 16
/// bytes; `olen` and `invalid_padding` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_finish_padded(
    ctx: *mut mbedtls_cipher_context_t,
    output: *mut c_uchar,
    olen: *mut usize,
    invalid_padding: *mut usize,
) -> c_int {
    entry!(mbedtls_cipher_finish_padded, {
        // SAFETY: the pointers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            let result = run(ctx, |c| {
                if olen.is_null() || invalid_padding.is_null() {
                    return Err(BAD);
                }
                let (out, invalid) = c.finish()?;
                hand_out(&out, output, olen)?;
                write_len(invalid_padding, if invalid { usize::MAX } else { 0 }, BAD)
            });
            status_with_len(result, olen)
        }
    })
}

/// As `mbedtls_cipher_finish_padded`, with an invalid PKCS#7 padding reported as
/// `MBEDTLS_ERR_CIPHER_INVALID_PADDING`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_INVALID_PADDING`; the codes of `mbedtls_cipher_finish_padded`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `output` is NULL or writable for 16
/// bytes; `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_finish(
    ctx: *mut mbedtls_cipher_context_t,
    output: *mut c_uchar,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_cipher_finish, {
        let mut invalid = 0usize;
        // SAFETY: the caller's contract; `invalid` is a local.
        let ret = unsafe { mbedtls_cipher_finish_padded(ctx, output, olen, &mut invalid) };
        if ret == 0 && invalid != 0 { code_of(Error::CipherInvalidPadding) } else { ret }
    })
}

/// Writes the `tag_len`-byte tag of an encryption, after `mbedtls_cipher_finish`: GCM 4 to 16
/// bytes, ChaCha20-Poly1305 16.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for a key set for decryption, a ChaCha20-Poly1305 tag
/// other than 16 bytes, NULL pointers, a context not set up;
/// `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for the other ciphers; GCM's and ChaCha20-Poly1305's
/// codes in the wrong state or for other lengths.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `tag` is NULL or writable for
/// `tag_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_write_tag(
    ctx: *mut mbedtls_cipher_context_t,
    tag: *mut c_uchar,
    tag_len: usize,
) -> c_int {
    entry!(mbedtls_cipher_write_tag, {
        // SAFETY: `tag` is NULL or writable for `tag_len` bytes (the caller's contract).
        unsafe {
            with_context(ctx, |c| {
                let computed = c.write_tag(tag_len)?;
                write(tag, &computed, BAD)
            })
        }
    })
}

/// Checks the `tag_len`-byte tag of a decryption, after `mbedtls_cipher_finish`, in constant
/// time.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_AUTH_FAILED` when it differs; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for a
/// key set for encryption, a GCM tag over 16 bytes or ChaCha20-Poly1305 tag other than 16, NULL
/// pointers, a context not set up; `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for the other
/// ciphers; GCM's and ChaCha20-Poly1305's codes in the wrong state or for shorter tags.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `tag` is NULL or readable for
/// `tag_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_check_tag(
    ctx: *mut mbedtls_cipher_context_t,
    tag: *const c_uchar,
    tag_len: usize,
) -> c_int {
    entry!(mbedtls_cipher_check_tag, {
        // SAFETY: `tag` is NULL or readable for `tag_len` bytes (the caller's contract).
        unsafe { with_context(ctx, |c| c.check_tag(input(tag, tag_len, BAD)?)) }
    })
}

/// A whole message at once (`set_iv`, `reset`, `update`, `finish`), for ECB (one block), CBC,
/// CTR and ChaCha20 (GCM without a tag). `output` must hold `ilen` + 16 bytes; `*olen` is set to
/// the bytes written.
///
/// # Returns
/// 0; the codes of `mbedtls_cipher_set_iv`, `mbedtls_cipher_update` and `mbedtls_cipher_finish`
/// (`MBEDTLS_ERR_CIPHER_INVALID_PADDING`, `MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED`, ...).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; `iv` is NULL or readable for
/// `iv_len` bytes; `input` NULL or readable for `ilen` bytes; `output` NULL or writable for
/// `ilen` + 16 bytes; `olen` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_crypt(
    ctx: *mut mbedtls_cipher_context_t,
    iv: *const c_uchar,
    iv_len: usize,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_cipher_crypt, {
        let same_buffer = !input.is_null() && core::ptr::eq(input, output);
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            let result = run(ctx, |c| {
                if iv_len > 16 {
                    return Err(Error::CipherFeatureUnavailable);
                }
                if olen.is_null() {
                    return Err(BAD);
                }
                let (out, invalid) =
                    c.crypt(self::input(iv, iv_len, BAD)?, self::input(input, ilen, BAD)?, same_buffer)?;
                hand_out(&out, output, olen)?;
                if invalid { Err(Error::CipherInvalidPadding) } else { Ok(()) }
            });
            status_with_len(result, olen)
        }
    })
}

/// The lengths of an AEAD call's buffers, checked as Mbed TLS does.
fn aead_output_fits(ilen: usize, output_len: usize, tag_len: usize, encrypt: bool) -> Result<()> {
    let fits = if encrypt {
        ilen.checked_add(tag_len).is_some_and(|needed| output_len >= needed)
    } else {
        ilen >= tag_len && output_len >= ilen - tag_len
    };
    fits.then_some(()).ok_or(BAD)
}

/// Authenticated encryption at once (GCM, ChaCha20-Poly1305): `output` receives the ciphertext
/// followed by a `tag_len`-byte tag (GCM 4 to 16, ChaCha20-Poly1305 16); `*olen` = `ilen` +
/// `tag_len`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for `output_len` < `ilen` + `tag_len`, a
/// ChaCha20-Poly1305 nonce or tag of another size, NULL pointers, a context not set up;
/// `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for the other ciphers; `MBEDTLS_ERR_GCM_BAD_INPUT`
/// for a GCM IV or tag length out of range or no key.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_cipher_context_t`; each buffer is NULL or valid for its
/// length (`output` writable for `output_len` bytes); `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_auth_encrypt_ext(
    ctx: *mut mbedtls_cipher_context_t,
    iv: *const c_uchar,
    iv_len: usize,
    ad: *const c_uchar,
    ad_len: usize,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    output_len: usize,
    olen: *mut usize,
    tag_len: usize,
) -> c_int {
    entry!(mbedtls_cipher_auth_encrypt_ext, {
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            let result = run(ctx, |c| {
                aead_output_fits(ilen, output_len, tag_len, true)?;
                if olen.is_null() {
                    return Err(BAD);
                }
                let (iv, ad, data) =
                    (self::input(iv, iv_len, BAD)?, self::input(ad, ad_len, BAD)?, self::input(input, ilen, BAD)?);
                let out = c.auth_encrypt(AeadMessage { iv, ad, data, tag_len })?;
                hand_out(&out, output, olen)
            });
            status_with_len(result, olen)
        }
    })
}

/// Authenticated decryption at once (GCM, ChaCha20-Poly1305): `input` is the ciphertext followed
/// by a `tag_len`-byte tag; `output` receives the plaintext (`*olen` = `ilen` - `tag_len`).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_AUTH_FAILED` when the data is not authentic (the output is wiped);
/// `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for `ilen` < `tag_len`, `output_len` < `ilen` -
/// `tag_len`, a ChaCha20-Poly1305 nonce or tag of another size, NULL pointers, a context not set
/// up; `MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE` for the other ciphers; `MBEDTLS_ERR_GCM_BAD_INPUT`
/// for a GCM IV or tag length out of range or no key.
///
/// # Safety
/// As `mbedtls_cipher_auth_encrypt_ext`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_cipher_auth_decrypt_ext(
    ctx: *mut mbedtls_cipher_context_t,
    iv: *const c_uchar,
    iv_len: usize,
    ad: *const c_uchar,
    ad_len: usize,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    output_len: usize,
    olen: *mut usize,
    tag_len: usize,
) -> c_int {
    entry!(mbedtls_cipher_auth_decrypt_ext, {
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        unsafe {
            let result = run(ctx, |c| {
                aead_output_fits(ilen, output_len, tag_len, false)?;
                if olen.is_null() {
                    return Err(BAD);
                }
                let (iv, ad, data) =
                    (self::input(iv, iv_len, BAD)?, self::input(ad, ad_len, BAD)?, self::input(input, ilen, BAD)?);
                match c.auth_decrypt(AeadMessage { iv, ad, data, tag_len }) {
                    Ok(out) => hand_out(&out, output, olen),
                    Err(Error::CipherAuthFailed) => {
                        // As Mbed TLS: no unauthentic plaintext is left in the output.
                        if !output.is_null() && ilen > tag_len {
                            core::ptr::write_bytes(output, 0, ilen - tag_len);
                        }
                        Err(Error::CipherAuthFailed)
                    }
                    Err(e) => Err(e),
                }
            });
            status_with_len(result, olen)
        }
    })
}
