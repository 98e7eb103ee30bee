//! `pk.h` of Mbed TLS 2.28: key parsing without a random generator.

use core::ffi::{c_char, c_int, c_uchar};

use crate::ffi::entry;
use crate::ffi::pk::{mbedtls_pk_context, parse_key, parse_keyfile};

/// Parses a private key (PEM or DER; PKCS#1, SEC1, PKCS#8, encrypted PKCS#8 with `pwd`) into
/// an empty context, as Mbed TLS 2.28's `mbedtls_pk_parse_key` (3.6 added `f_rng`).
///
/// # Returns
/// The codes of the 3.6 edition's `mbedtls_pk_parse_key`.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `key` is NULL or valid for `keylen` bytes; `pwd` is
/// NULL or valid for `pwdlen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_key(
    ctx: *mut mbedtls_pk_context,
    key: *const c_uchar,
    keylen: usize,
    pwd: *const c_uchar,
    pwdlen: usize,
) -> c_int {
    // SAFETY: the same contract as `parse_key`'s.
    entry!(mbedtls_pk_parse_key, { unsafe { parse_key(ctx, key, keylen, pwd, pwdlen) } })
}

/// Reads a private key file and parses it as `mbedtls_pk_parse_key` does (Mbed TLS 2.28's
/// signature: no `f_rng`).
///
/// # Returns
/// The codes of the 3.6 edition's `mbedtls_pk_parse_keyfile`.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `path` and `password` are NULL or C strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_keyfile(
    ctx: *mut mbedtls_pk_context,
    path: *const c_char,
    password: *const c_char,
) -> c_int {
    // SAFETY: the same contract as `parse_keyfile`'s.
    entry!(mbedtls_pk_parse_keyfile, { unsafe { parse_keyfile(ctx, path, password) } })
}
