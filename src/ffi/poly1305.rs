//! `poly1305.h`: the Poly1305 one-time authenticator (RFC 8439) over
//! `crate::symmetric::chacha` on aws-lc, at once and in pieces.
//!
//! Differences from Mbed TLS:
//! - `mbedtls_poly1305_update` and `mbedtls_poly1305_finish` without a MAC started by
//!   `mbedtls_poly1305_starts` (before it, or after `finish`) return
//!   `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` (Mbed TLS goes on over the context's state).
//! - NULL pointers, and `(NULL, n > 0)` buffers, return `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA`.

use core::ffi::{c_int, c_uchar, c_void};
use std::sync::Mutex;

use super::crypt_context::{self, Codes, array, input, write};
use super::entry;
use super::error::status;
use super::handle::{self, shell};
use crate::error::Error;
use crate::symmetric::chacha::{Poly1305Mac, poly1305_mac};

pub use super::error::codes::poly1305::*;

/// A Poly1305 context: `mbedtls_poly1305_init` it, `mbedtls_poly1305_starts` a MAC with a
/// one-time key, `update` any number of times, `finish`, and `mbedtls_poly1305_free` it (which
/// wipes the state). The field is private.
#[repr(C)]
pub struct mbedtls_poly1305_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_poly1305_context => Mutex<Poly1305Mac>, mbedtls_poly1305_context { private_handle: core::ptr::null_mut() });

const BAD: Error = Error::Poly1305BadInputData;
const CODES: Codes = Codes::both(BAD);

/// Initialises a context (no MAC running). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_poly1305_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_poly1305_init(ctx: *mut mbedtls_poly1305_context) {
    entry!(mbedtls_poly1305_init, {
        // SAFETY: NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Wipes and frees the context's state. NULL, zeroed and already freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_poly1305_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_poly1305_free(ctx: *mut mbedtls_poly1305_context) {
    entry!(mbedtls_poly1305_free, {
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Starts a MAC with the 32-byte one-time `key` (a MAC in progress is dropped).
///
/// # Returns
/// 0; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for NULL pointers.
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_poly1305_context`; `key` is NULL or
/// readable for 32 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_poly1305_starts(ctx: *mut mbedtls_poly1305_context, key: *const c_uchar) -> c_int {
    entry!(mbedtls_poly1305_starts, {
        // SAFETY: `key` is NULL or readable for 32 bytes; `ctx` NULL or a shell (the contract).
        unsafe {
            crypt_context::with_new(ctx, CODES, |mac: &mut Poly1305Mac| {
                mac.starts(&*array::<32>(key, BAD)?);
                Ok(())
            })
        }
    })
}

/// Adds `ilen` bytes to the MAC (any number of calls, any sizes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` with no MAC started, or for `(NULL, n > 0)`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_poly1305_context`; `input` is NULL or readable for
/// `ilen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_poly1305_update(
    ctx: *mut mbedtls_poly1305_context,
    input: *const c_uchar,
    ilen: usize,
) -> c_int {
    entry!(mbedtls_poly1305_update, {
        // SAFETY: `input` is NULL or readable for `ilen` bytes (the caller's contract).
        unsafe { crypt_context::with(ctx, CODES, |mac| mac.update(self::input(input, ilen, BAD)?)) }
    })
}

/// Writes the 16-byte tag; the MAC is then over (start another with `mbedtls_poly1305_starts`).
///
/// # Returns
/// 0; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` with no MAC started, or NULL pointers (the MAC then
/// goes on).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_poly1305_context`; `mac` is NULL or writable for 16
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_poly1305_finish(ctx: *mut mbedtls_poly1305_context, mac: *mut c_uchar) -> c_int {
    entry!(mbedtls_poly1305_finish, {
        // SAFETY: `mac` is NULL or writable for 16 bytes (the caller's contract).
        unsafe {
            crypt_context::with(ctx, CODES, |state| {
                if mac.is_null() {
                    return Err(BAD);
                }
                write(mac, &state.finish()?, BAD)
            })
        }
    })
}

/// The 16-byte tag of `ilen` bytes under the 32-byte one-time `key`, at once.
///
/// # Returns
/// 0; `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` for NULL pointers (`input` with `ilen > 0`).
///
/// # Safety
/// `key` is NULL or readable for 32 bytes; `input` is NULL or readable for `ilen` bytes; `mac` is
/// NULL or writable for 16 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_poly1305_mac(
    key: *const c_uchar,
    input: *const c_uchar,
    ilen: usize,
    mac: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_poly1305_mac, {
        // SAFETY: the buffers are NULL or valid for their sizes (the caller's contract).
        let result = unsafe {
            match (array::<32>(key, BAD), self::input(input, ilen, BAD), mac.is_null()) {
                (Ok(key), Ok(data), false) => write(mac, &poly1305_mac(&key, data), BAD),
                _ => Err(BAD),
            }
        };
        status(result)
    })
}
