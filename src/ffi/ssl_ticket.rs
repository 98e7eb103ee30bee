//! `ssl_ticket.h`: the built-in session ticket module (`crate::ticket::TicketKeys`).

use core::ffi::{c_int, c_uchar, c_void};
use std::sync::Arc;

use super::cipher::{
    MBEDTLS_CIPHER_AES_128_GCM, MBEDTLS_CIPHER_AES_256_GCM, MBEDTLS_CIPHER_CHACHA20_POLY1305, mbedtls_cipher_type_t,
};
use super::handle::{self, shell};
use super::ssl::{mbedtls_ssl_session, session_put, session_value};
use super::{entry, error::code_of, in_slice};
use crate::error::Error;
use crate::ticket::{TicketAead, TicketKeys};

/// A ticket key context. Declare it, `mbedtls_ssl_ticket_init` + `mbedtls_ssl_ticket_setup` it,
/// pass it to `mbedtls_ssl_conf_session_tickets_cb(conf, mbedtls_ssl_ticket_write,
/// mbedtls_ssl_ticket_parse, &ctx)`, `mbedtls_ssl_ticket_free` it. Thread-safe.
#[repr(C)]
pub struct mbedtls_ssl_ticket_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_ssl_ticket_context => Arc<TicketKeys>, mbedtls_ssl_ticket_context { private_handle: core::ptr::null_mut() });

/// Initialises a ticket context shell (no keys yet). Writes without reading.
///
/// # Safety
/// `ctx` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_ticket_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_ticket_init(ctx: *mut mbedtls_ssl_ticket_context) {
    entry!(mbedtls_ssl_ticket_init, {
        // SAFETY: `ctx` is NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Frees the keys. NULL, zeroed and already freed shells are fine.
///
/// # Safety
/// `ctx` is NULL or points to a zeroed or initialised `mbedtls_ssl_ticket_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_ticket_free(ctx: *mut mbedtls_ssl_ticket_context) {
    entry!(mbedtls_ssl_ticket_free, {
        // SAFETY: `ctx` is NULL or an initialised (or zeroed) shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Generates two random keys for `cipher` (`MBEDTLS_CIPHER_AES_128_GCM`, `_AES_256_GCM` or
/// `_CHACHA20_POLY1305`); tickets are valid for `lifetime` seconds and the active key is
/// replaced every `lifetime` seconds (0: never). Calling it again replaces the keys.
///
/// Differences from Mbed TLS: keys come from the operating system's CSPRNG; `f_rng` must be
/// given (as in Mbed TLS) but is not called. CCM ciphers are not supported.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL `ctx`/`f_rng` or another cipher.
///
/// # Safety
/// `ctx` is NULL or an initialised ticket context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_ticket_setup(
    ctx: *mut mbedtls_ssl_ticket_context,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
    cipher: mbedtls_cipher_type_t,
    lifetime: u32,
) -> c_int {
    entry!(mbedtls_ssl_ticket_setup, {
        let _ = p_rng;
        // SAFETY: `ctx` is NULL or an initialised ticket context (the contract of this function).
        unsafe { setup_keys(ctx, f_rng.is_some(), cipher, |aead| TicketKeys::new(aead, lifetime)) }
    })
}

/// What `mbedtls_ssl_ticket_setup` and the fleet's variant share: the checks, the cipher, the
/// keys made by `make` installed in `ctx`.
///
/// # Safety
/// `ctx` is NULL or an initialised ticket context.
pub(crate) unsafe fn setup_keys(
    ctx: *mut mbedtls_ssl_ticket_context,
    has_rng: bool,
    cipher: mbedtls_cipher_type_t,
    make: impl FnOnce(TicketAead) -> Result<TicketKeys, Error>,
) -> c_int {
    if ctx.is_null() || !has_rng {
        return code_of(Error::SslBadInputData);
    }
    let aead = match cipher {
        MBEDTLS_CIPHER_AES_128_GCM => TicketAead::Aes128Gcm,
        MBEDTLS_CIPHER_AES_256_GCM => TicketAead::Aes256Gcm,
        MBEDTLS_CIPHER_CHACHA20_POLY1305 => TicketAead::ChaCha20Poly1305,
        _ => return code_of(Error::SslBadInputData),
    };
    match make(aead) {
        Ok(keys) => {
            // SAFETY: `ctx` is a non-NULL initialised shell (the contract); earlier keys are freed.
            unsafe { handle::install(ctx, Arc::new(keys)) };
            0
        }
        Err(e) => code_of(e),
    }
}

/// Installs an externally provided key (servers of a fleet share tickets this way): `name`
/// (the first 4 bytes are used) and `k` (at least the cipher's key length) go into the
/// inactive slot, which becomes active; the previous key stays valid for its lifetime.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` when `nlength < 4` or `k` is shorter than the key;
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL or a context that was not set up.
///
/// # Safety
/// `ctx` is NULL or an initialised ticket context; `name`/`k` valid for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_ticket_rotate(
    ctx: *mut mbedtls_ssl_ticket_context,
    name: *const c_uchar,
    nlength: usize,
    k: *const c_uchar,
    klength: usize,
    lifetime: u32,
) -> c_int {
    entry!(mbedtls_ssl_ticket_rotate, {
        // SAFETY: `ctx` is NULL or a ticket context shell; `name` is NULL or valid for `nlength` bytes; `k` is NULL or valid for `klength` bytes (the contract of this function).
        let (Some(keys), Some(name), Some(key)) =
            (unsafe { handle::get(ctx) }, unsafe { in_slice(name, nlength) }, unsafe { in_slice(k, klength) })
        else {
            return code_of(Error::SslBadInputData);
        };
        match keys.rotate(name, key, lifetime) {
            Ok(()) => 0,
            Err(e) => code_of(e),
        }
    })
}

/// Writes a ticket for `session` into `[start, end)` (an `mbedtls_ssl_ticket_write_t`).
///
/// # Returns
/// 0 with `*tlen` and `*lifetime` set; `MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL`;
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, a context without keys or an empty
/// session.
///
/// # Safety
/// `p_ticket` is NULL or a `mbedtls_ssl_ticket_context *`; `[start, end)` is writable;
/// `tlen`/`lifetime` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_ticket_write(
    p_ticket: *mut c_void,
    session: *const mbedtls_ssl_session,
    start: *mut c_uchar,
    end: *const c_uchar,
    tlen: *mut usize,
    lifetime: *mut u32,
) -> c_int {
    entry!(mbedtls_ssl_ticket_write, {
        // SAFETY: `session` is NULL or a session shell; `p_ticket` is NULL or a ticket context shell (the contract of this function).
        let (Some(keys), Some(session)) =
            (unsafe { handle::get(p_ticket.cast::<mbedtls_ssl_ticket_context>()) }, unsafe { session_value(session) })
        else {
            return code_of(Error::SslBadInputData);
        };
        if start.is_null() || end.is_null() || tlen.is_null() || lifetime.is_null() || (end as usize) < (start as usize)
        {
            return code_of(Error::SslBadInputData);
        }
        let room = end as usize - start as usize;
        match keys.write(session) {
            Ok((ticket, life)) => {
                if ticket.len() > room {
                    return code_of(Error::SslBufferTooSmall);
                }
                // SAFETY: the caller gave [start, end) as writable.
                unsafe { core::ptr::copy_nonoverlapping(ticket.as_ptr(), start, ticket.len()) };
                // SAFETY: `tlen` is not NULL (checked above) and writable (the contract of this function).
                unsafe { tlen.write(ticket.len()) };
                // SAFETY: `lifetime` is not NULL (checked above) and writable (the contract of this function).
                unsafe { lifetime.write(life) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

/// Authenticates and decrypts a ticket, filling `session` (an `mbedtls_ssl_ticket_parse_t`).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_INVALID_MAC` (not authentic), `MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED`
/// (too old, or its key is unknown / rotated out), `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` (NULL,
/// malformed).
///
/// # Safety
/// `p_ticket` is NULL or a `mbedtls_ssl_ticket_context *`; `session` NULL or initialised;
/// `buf` valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_ticket_parse(
    p_ticket: *mut c_void,
    session: *mut mbedtls_ssl_session,
    buf: *mut c_uchar,
    len: usize,
) -> c_int {
    entry!(mbedtls_ssl_ticket_parse, {
        // SAFETY: `p_ticket` is NULL or a ticket context shell; `buf` is NULL or valid for `len` bytes (the contract of this function).
        let (Some(keys), Some(ticket)) =
            (unsafe { handle::get(p_ticket.cast::<mbedtls_ssl_ticket_context>()) }, unsafe { in_slice(buf, len) })
        else {
            return code_of(Error::SslBadInputData);
        };
        if session.is_null() {
            return code_of(Error::SslBadInputData);
        }
        match keys.parse(ticket) {
            Ok(parsed) => {
                // SAFETY: `session` is a session shell (not NULL: checked or our own) (the contract of this function).
                unsafe { session_put(session, parsed) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/ssl_ticket.rs"));
