//! `pk.h`: key contexts (`mbedtls_pk_context`): private keys for `mbedtls_ssl_conf_own_cert`,
//! public keys (also the `pk` field of every parsed certificate).
//!
//! The context is a shell holding one handle to a [`PkValue`], in the registry of handles of
//! `ffi` (`handle_*`), which `x509_crt` uses too: every Rust object a C struct points to is
//! registered with its type, and a handle is only dereferenced after the registry confirms it
//! is live and of the expected type. A never-initialised struct, a copy of a freed struct or a
//! double free therefore reads as "empty" instead of touching freed memory.

use core::ffi::{CStr, c_char, c_int, c_uchar, c_void};

use rustls::pki_types::PrivateKeyDer;

use super::error::code_of;
use super::handle::{self, Shell, shell};
use super::{entry, in_cstr, in_path, in_slice};
use crate::error::Error;
use crate::pk::{KeyKind, PrivateKey, PublicKey};

pub use super::error::codes::pk::*;

/// Key types (`mbedtls_pk_type_t`), the values of Mbed TLS 3.6.
pub type mbedtls_pk_type_t = c_int;

/// A key context: declare it, `mbedtls_pk_init` it, load a key with `mbedtls_pk_parse_key`,
/// `mbedtls_pk_parse_keyfile` or `mbedtls_pk_parse_public_key`, and `mbedtls_pk_free` it.
/// The field is private: use the functions.
#[repr(C)]
pub struct mbedtls_pk_context {
    private_handle: *mut c_void,
}

/// What a key context holds.
pub(crate) enum PkValue {
    Private(PrivateKey),
    Public(PublicKey),
    /// Set up by `mbedtls_pk_setup` for a type, without key material.
    Setup(&'static mbedtls_pk_info_t),
}

impl PkValue {
    fn kind(&self) -> KeyKind {
        match self {
            PkValue::Private(k) => k.kind(),
            PkValue::Public(k) => k.kind(),
            PkValue::Setup(info) => info.kind,
        }
    }

    /// The public key: the key itself or the public half of a private key.
    pub(crate) fn public(&self) -> Result<PublicKey, Error> {
        match self {
            PkValue::Private(k) => crate::pk_ops::public_of(k),
            PkValue::Public(k) => Ok(k.clone()),
            PkValue::Setup(_) => Err(Error::PkBadInputData),
        }
    }
}

mod ops;
mod write;
pub use ops::*;
pub use write::*;

// ---------------------------------------------------------------------------------------------
// Crate-internal access for the TLS and X.509 layers

shell!(mbedtls_pk_context => PkValue, mbedtls_pk_context { private_handle: core::ptr::null_mut() });

/// A context holding `key`, for the `pk` field of a certificate struct.
pub(crate) fn public_context(key: PublicKey) -> mbedtls_pk_context {
    let mut ctx = mbedtls_pk_context::EMPTY;
    // SAFETY: `ctx` is our own empty shell.
    unsafe { handle::install(&mut ctx, PkValue::Public(key)) };
    ctx
}

/// The value a context holds.
///
/// # Safety
/// `ctx` is NULL or valid for reads of a `mbedtls_pk_context`, and not freed during `'a`.
unsafe fn value<'a>(ctx: *const mbedtls_pk_context) -> Option<&'a PkValue> {
    // SAFETY: per this function's contract.
    unsafe { handle::get(ctx) }
}

/// The private key held by `ctx` (a copy), for `mbedtls_ssl_conf_own_cert`. None for NULL, an
/// empty context, or one holding only a public key.
///
/// # Safety
/// `ctx` is NULL or valid for reads of a `mbedtls_pk_context`.
pub(crate) unsafe fn private_key(ctx: *const mbedtls_pk_context) -> Option<PrivateKey> {
    // SAFETY: the caller guarantees `ctx` is NULL or valid for reads; the key is cloned before
    // anything can free it.
    match unsafe { value(ctx) }? {
        PkValue::Private(key) => Some(key.clone()),
        PkValue::Public(_) | PkValue::Setup(_) => None,
    }
}

/// The private key held by `ctx`, in the form rustls takes.
///
/// # Safety
/// As [`private_key`].
pub(crate) unsafe fn private_key_der(ctx: *const mbedtls_pk_context) -> Option<PrivateKeyDer<'static>> {
    // SAFETY: the same contract as ours.
    unsafe { private_key(ctx) }.map(|k| k.key_der())
}

/// The kind of key `ctx` holds (private or public).
///
/// # Safety
/// As [`private_key`].
pub(crate) unsafe fn key_kind(ctx: *const mbedtls_pk_context) -> Option<KeyKind> {
    // SAFETY: the caller guarantees `ctx` is NULL or valid for reads; the kind is copied out.
    unsafe { value(ctx) }.map(PkValue::kind)
}

fn type_of(kind: KeyKind) -> mbedtls_pk_type_t {
    match kind {
        KeyKind::Rsa { .. } => MBEDTLS_PK_RSA,
        KeyKind::Ec { .. } => MBEDTLS_PK_ECKEY,
        KeyKind::Ed25519 | KeyKind::Other => MBEDTLS_PK_OPAQUE,
    }
}

/// Stores `value` in an empty `ctx`.
///
/// # Safety
/// `ctx` is non-NULL and valid for reads and writes.
unsafe fn install(ctx: *mut mbedtls_pk_context, value: Result<PkValue, Error>) -> c_int {
    match value {
        Ok(value) => {
            // SAFETY: caller guarantees `ctx` is a valid, empty shell.
            unsafe { handle::install(ctx, value) };
            0
        }
        Err(e) => code_of(e),
    }
}

/// Whether a key can be parsed into `ctx`: it is non-NULL and holds no key yet.
///
/// # Safety
/// `ctx` is NULL or valid for reads of a `mbedtls_pk_context`.
unsafe fn can_take_key(ctx: *const mbedtls_pk_context) -> bool {
    // SAFETY: `ctx` is non-NULL here, and valid for reads (caller).
    !ctx.is_null() && unsafe { value(ctx) }.is_none()
}

/// The contents of the key file `path`.
///
/// # Safety
/// `path` is NULL or a C string.
unsafe fn read_key_file(path: *const c_char) -> Result<Vec<u8>, c_int> {
    // SAFETY: the caller guarantees `path` is NULL or a C string.
    let path = unsafe { in_path(path) }.ok_or(code_of(Error::PkBadInputData))?;
    std::fs::read(path).map_err(|_| code_of(Error::PkFileIoError))
}

// ---------------------------------------------------------------------------------------------
// Exports

/// Initialises a key context: it holds no key. Call before any other function on it.
///
/// Writes without reading, so it is fine on uninitialised memory. NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or valid for writes of a `mbedtls_pk_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_init(ctx: *mut mbedtls_pk_context) {
    // SAFETY: `ctx` is NULL or writable (the contract of this function).
    entry!(mbedtls_pk_init, { unsafe { handle::init(ctx) } })
}

/// Frees the key a context holds and leaves it empty (as after `mbedtls_pk_init`).
///
/// NULL, empty contexts and repeated calls are fine. Keys already handed to a configuration by
/// `mbedtls_ssl_conf_own_cert` stay valid there (the configuration keeps its own copy).
///
/// # Safety
/// `ctx` is NULL or an initialised context (or a zeroed one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_free(ctx: *mut mbedtls_pk_context) {
    // SAFETY: `ctx` is NULL or an initialised (or zeroed) context (the contract of this function).
    entry!(mbedtls_pk_free, { unsafe { handle::release(ctx) } })
}

/// Parses a private key into an empty context.
///
/// Accepted: PEM (`keylen` may include the terminating NUL that Mbed TLS requires, or not)
/// with a `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1) or
/// `ENCRYPTED PRIVATE KEY` block, or the DER of any of these. Encrypted PKCS#8 keys use
/// PBES2 with PBKDF2 (HMAC-SHA1/256/384/512) and AES-128/192/256-CBC. RSA keys, and EC keys on
/// P-256, P-384 or P-521, and Ed25519 keys are supported; the key is checked by the crypto
/// provider, so a key that loads is one the TLS layer can sign with.
///
/// `pwd` / `pwdlen` is the password for encrypted keys (ignored for others); `f_rng` and
/// `p_rng` are not used.
///
/// # Returns
/// * 0 on success;
/// * `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for a NULL `ctx`, `(NULL, n > 0)` buffers, or a context
///   that already holds a key;
/// * `MBEDTLS_ERR_PK_KEY_INVALID_FORMAT` for an empty or malformed key (or one the provider
///   refuses), `MBEDTLS_ERR_PK_KEY_INVALID_VERSION`, `MBEDTLS_ERR_PK_INVALID_ALG`,
///   `MBEDTLS_ERR_PK_UNKNOWN_PK_ALG`, `MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE`;
/// * `MBEDTLS_ERR_PK_PASSWORD_REQUIRED` (encrypted key, empty password),
///   `MBEDTLS_ERR_PK_PASSWORD_MISMATCH` (wrong password),
///   `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE` (an encryption scheme other than PBES2/AES-CBC);
/// * `MBEDTLS_ERR_PEM_INVALID_DATA` (the PEM block is not base64),
///   `MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE` (legacy OpenSSL `Proc-Type: 4,ENCRYPTED` keys).
///
/// Differences from Mbed TLS: `f_rng` may be NULL (Mbed TLS requires it; it is unused here).
/// PEM without the terminating NUL is accepted. Parsing into a context that holds a key fails
/// without touching that key (Mbed TLS frees it). A PKCS#8 key asking for more than 10,000,000
/// PBKDF2 iterations is refused with `MBEDTLS_ERR_PK_KEY_INVALID_FORMAT` (Mbed TLS: no limit). On failure the context stays empty.
/// Legacy-encrypted PEM keys (MD5-based key derivation) are not supported: convert them with
/// `openssl pkcs8 -topk8`.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `key` is NULL or valid for `keylen` bytes; `pwd` is
/// NULL or valid for `pwdlen` bytes.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_key(
    ctx: *mut mbedtls_pk_context,
    key: *const c_uchar,
    keylen: usize,
    pwd: *const c_uchar,
    pwdlen: usize,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    let _ = (f_rng, p_rng);
    // SAFETY: the same contract.
    entry!(mbedtls_pk_parse_key, { unsafe { parse_key(ctx, key, keylen, pwd, pwdlen) } })
}

/// `mbedtls_pk_parse_key` of both editions.
///
/// # Safety
/// As `mbedtls_pk_parse_key`.
pub(crate) unsafe fn parse_key(
    ctx: *mut mbedtls_pk_context,
    key: *const c_uchar,
    keylen: usize,
    pwd: *const c_uchar,
    pwdlen: usize,
) -> c_int {
    // SAFETY: caller guarantees the buffers are NULL or valid for their lengths.
    let (Some(key), Some(pwd)) = (unsafe { in_slice(key, keylen) }, unsafe { in_slice(pwd, pwdlen) }) else {
        return code_of(Error::PkBadInputData);
    };
    // SAFETY: caller guarantees `ctx` is NULL or an initialised context.
    if !unsafe { can_take_key(ctx) } {
        return code_of(Error::PkBadInputData);
    }
    let value = PrivateKey::parse(key, Some(pwd)).map(PkValue::Private);
    // SAFETY: `ctx` is non-NULL, valid and empty (checked above).
    unsafe { install(ctx, value) }
}

/// Reads a private key file and parses it as `mbedtls_pk_parse_key` does.
///
/// `password` is a NUL-terminated password for encrypted keys, or NULL. `f_rng` and `p_rng`
/// are not used.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for a NULL `ctx` or `path`, or a context that already
/// holds a key; `MBEDTLS_ERR_PK_FILE_IO_ERROR` when the file cannot be read; otherwise the
/// codes of `mbedtls_pk_parse_key`.
///
/// Differences from Mbed TLS: `f_rng` may be NULL.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `path` and `password` are NULL or C strings.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_keyfile(
    ctx: *mut mbedtls_pk_context,
    path: *const c_char,
    password: *const c_char,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    let _ = (f_rng, p_rng);
    // SAFETY: the same contract.
    entry!(mbedtls_pk_parse_keyfile, { unsafe { parse_keyfile(ctx, path, password) } })
}

/// `mbedtls_pk_parse_keyfile` of both editions.
///
/// # Safety
/// As `mbedtls_pk_parse_keyfile`.
pub(crate) unsafe fn parse_keyfile(
    ctx: *mut mbedtls_pk_context,
    path: *const c_char,
    password: *const c_char,
) -> c_int {
    {
        // SAFETY: caller guarantees `ctx` is NULL or an initialised context.
        if !unsafe { can_take_key(ctx) } {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: caller guarantees `path` is NULL or a C string.
        let data = match unsafe { read_key_file(path) } {
            Ok(data) => data,
            Err(code) => return code,
        };
        // SAFETY: caller guarantees `password` is NULL or a C string.
        let password = unsafe { in_cstr(password) }.map(CStr::to_bytes);
        let value = PrivateKey::parse(&data, password).map(PkValue::Private);
        // SAFETY: `ctx` is non-NULL, valid and empty (checked above).
        unsafe { install(ctx, value) }
    }
}

/// Parses a public key into an empty context: PEM `PUBLIC KEY` (SubjectPublicKeyInfo) or
/// `RSA PUBLIC KEY` (PKCS#1), or the DER of either.
///
/// A context holding only a public key cannot be used as an own key for TLS.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL `ctx`, `(NULL, n > 0)`, or a context that
/// already holds a key; `MBEDTLS_ERR_PK_KEY_INVALID_FORMAT`, `MBEDTLS_ERR_PK_INVALID_ALG`,
/// `MBEDTLS_ERR_PK_INVALID_PUBKEY`, `MBEDTLS_ERR_PK_UNKNOWN_PK_ALG`,
/// `MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE` for keys that do not parse;
/// `MBEDTLS_ERR_PEM_INVALID_DATA` for a PEM block that is not base64.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `key` is NULL or valid for `keylen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_public_key(
    ctx: *mut mbedtls_pk_context,
    key: *const c_uchar,
    keylen: usize,
) -> c_int {
    entry!(mbedtls_pk_parse_public_key, {
        // SAFETY: caller guarantees `key` is NULL or valid for `keylen` bytes.
        let Some(key) = (unsafe { in_slice(key, keylen) }) else {
            return code_of(Error::PkBadInputData);
        };
        // SAFETY: caller guarantees `ctx` is NULL or an initialised context.
        if !unsafe { can_take_key(ctx) } {
            return code_of(Error::PkBadInputData);
        }
        let value = PublicKey::parse(key).map(PkValue::Public);
        // SAFETY: `ctx` is non-NULL, valid and empty (checked above).
        unsafe { install(ctx, value) }
    })
}

/// The type of key a context holds.
///
/// # Returns
/// `MBEDTLS_PK_RSA`, `MBEDTLS_PK_ECKEY` (every EC key, as Mbed TLS parses them),
/// `MBEDTLS_PK_OPAQUE` for Ed25519 (and other keys Mbed TLS has no type for), or
/// `MBEDTLS_PK_NONE` for NULL and empty contexts.
///
/// Differences from Mbed TLS: Mbed TLS 3.6 has no Ed25519 keys; they report
/// `MBEDTLS_PK_OPAQUE` here.
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_get_type(ctx: *const mbedtls_pk_context) -> mbedtls_pk_type_t {
    entry!(mbedtls_pk_get_type, on_panic = MBEDTLS_PK_NONE, {
        // SAFETY: caller guarantees `ctx` is NULL or valid.
        match unsafe { value(ctx) } {
            None => MBEDTLS_PK_NONE,
            Some(PkValue::Setup(info)) => info.pk_type,
            Some(v) => type_of(v.kind()),
        }
    })
}

/// The size of the key in bits: the RSA modulus, the EC curve size (256 for P-256, 521 for
/// P-521), 255 for Ed25519; 0 for NULL and empty contexts.
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_get_bitlen(ctx: *const mbedtls_pk_context) -> usize {
    entry!(mbedtls_pk_get_bitlen, {
        // SAFETY: caller guarantees `ctx` is NULL or valid.
        unsafe { key_kind(ctx) }.map_or(0, KeyKind::bits)
    })
}

/// The size of the key in bytes (`(bitlen + 7) / 8`); 0 for NULL and empty contexts.
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_get_len(ctx: *const mbedtls_pk_context) -> usize {
    entry!(mbedtls_pk_get_len, {
        // SAFETY: caller guarantees `ctx` is NULL or valid.
        unsafe { key_kind(ctx) }.map_or(0, |k| k.bits().div_ceil(8))
    })
}

/// The name of the key type: `"RSA"`, `"EC"`, `"Ed25519"`, or `"invalid PK"` for NULL and
/// empty contexts. The string is static.
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_get_name(ctx: *const mbedtls_pk_context) -> *const c_char {
    entry!(mbedtls_pk_get_name, on_panic = c"invalid PK".as_ptr(), {
        // SAFETY: caller guarantees `ctx` is NULL or valid.
        unsafe { key_kind(ctx) }.map_or(c"invalid PK", KeyKind::c_name).as_ptr()
    })
}

/// Whether the key can be used for operations of type `pk_type`: an RSA key for
/// `MBEDTLS_PK_RSA` and `MBEDTLS_PK_RSASSA_PSS`; an EC key for `MBEDTLS_PK_ECKEY`,
/// `MBEDTLS_PK_ECKEY_DH` and `MBEDTLS_PK_ECDSA`; an Ed25519 key for `MBEDTLS_PK_OPAQUE`.
///
/// # Returns
/// 1 if it can, 0 otherwise (also for NULL and empty contexts, and unknown types).
///
/// # Safety
/// `ctx` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_can_do(ctx: *const mbedtls_pk_context, pk_type: mbedtls_pk_type_t) -> c_int {
    entry!(mbedtls_pk_can_do, on_panic = 0, {
        // SAFETY: caller guarantees `ctx` is NULL or valid.
        let can = match unsafe { key_kind(ctx) } {
            None => false,
            Some(KeyKind::Rsa { .. }) => matches!(pk_type, MBEDTLS_PK_RSA | MBEDTLS_PK_RSASSA_PSS),
            Some(KeyKind::Ec { .. }) => matches!(pk_type, MBEDTLS_PK_ECKEY | MBEDTLS_PK_ECKEY_DH | MBEDTLS_PK_ECDSA),
            Some(KeyKind::Ed25519 | KeyKind::Other) => pk_type == MBEDTLS_PK_OPAQUE,
        };
        can as c_int
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/pk.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr;

    use crate::test_support::cert_path as certs;

    fn parse(ctx: &mut mbedtls_pk_context, data: &[u8], pwd: &[u8]) -> c_int {
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_parse_key(ctx, data.as_ptr(), data.len(), pwd.as_ptr(), pwd.len(), None, ptr::null_mut()) }
    }

    #[test]
    fn lifecycle_and_queries() {
        let mut ctx = mbedtls_pk_context { private_handle: 0x1234 as *mut c_void }; // garbage
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_init(&mut ctx) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&ctx) }, MBEDTLS_PK_NONE);
        // SAFETY: the context is an initialised local; the name is a static C string.
        assert_eq!(unsafe { CStr::from_ptr(mbedtls_pk_get_name(&ctx)) }, c"invalid PK");
        let mut pem = std::fs::read(certs("server-ec.key")).unwrap();
        pem.push(0);
        assert_eq!(parse(&mut ctx, &pem, b""), 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&ctx) }, MBEDTLS_PK_ECKEY);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_bitlen(&ctx) }, 256);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_len(&ctx) }, 32);
        // SAFETY: the context is an initialised local; the name is a static C string.
        assert_eq!(unsafe { CStr::from_ptr(mbedtls_pk_get_name(&ctx)) }, c"EC");
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_can_do(&ctx, MBEDTLS_PK_ECDSA) }, 1);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_can_do(&ctx, MBEDTLS_PK_RSA) }, 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert!(unsafe { private_key_der(&ctx) }.is_some());
        // A loaded context refuses a second key and keeps the first.
        assert_eq!(parse(&mut ctx, &pem, b""), MBEDTLS_ERR_PK_BAD_INPUT_DATA);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_bitlen(&ctx) }, 256);
        // A copy of the shell sees the same key; after freeing, the copy reads as empty and
        // freeing it again is harmless.
        let mut copy = mbedtls_pk_context { private_handle: ctx.private_handle };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(&mut ctx) };
        assert!(ctx.private_handle.is_null());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&copy) }, MBEDTLS_PK_NONE);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(&mut copy) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(&mut ctx) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(ptr::null_mut()) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_init(ptr::null_mut()) };
    }

    #[test]
    fn errors() {
        let mut ctx = mbedtls_pk_context::EMPTY;
        let enc = std::fs::read(certs("server-rsa.enc.key")).unwrap();
        assert_eq!(parse(&mut ctx, &enc, b""), MBEDTLS_ERR_PK_PASSWORD_REQUIRED);
        assert_eq!(parse(&mut ctx, &enc, b"wrong"), MBEDTLS_ERR_PK_PASSWORD_MISMATCH);
        assert_eq!(parse(&mut ctx, b"", b""), MBEDTLS_ERR_PK_KEY_INVALID_FORMAT);
        assert_eq!(parse(&mut ctx, b"garbage", b""), MBEDTLS_ERR_PK_KEY_INVALID_FORMAT);
        assert!(ctx.private_handle.is_null());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let null_buf = unsafe { mbedtls_pk_parse_key(&mut ctx, ptr::null(), 5, ptr::null(), 0, None, ptr::null_mut()) };
        assert_eq!(null_buf, MBEDTLS_ERR_PK_BAD_INPUT_DATA);
        let null_pwd =
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_pk_parse_key(&mut ctx, enc.as_ptr(), enc.len(), ptr::null(), 3, None, ptr::null_mut()) };
        assert_eq!(null_pwd, MBEDTLS_ERR_PK_BAD_INPUT_DATA);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let null_ctx = unsafe {
            mbedtls_pk_parse_key(ptr::null_mut(), enc.as_ptr(), enc.len(), ptr::null(), 0, None, ptr::null_mut())
        };
        assert_eq!(null_ctx, MBEDTLS_ERR_PK_BAD_INPUT_DATA);
        assert_eq!(parse(&mut ctx, &enc, b"secret"), 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&ctx) }, MBEDTLS_PK_RSA);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_bitlen(&ctx) }, 2048);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(&mut ctx) };
    }

    #[test]
    fn key_files_and_public_keys() {
        let mut ctx = mbedtls_pk_context::EMPTY;
        let path = std::ffi::CString::new(certs("server-ec.enc.key").to_str().unwrap()).unwrap();
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let f = |ctx: &mut mbedtls_pk_context, pwd: *const c_char| unsafe {
            mbedtls_pk_parse_keyfile(ctx, path.as_ptr(), pwd, None, ptr::null_mut())
        };
        assert_eq!(f(&mut ctx, ptr::null()), MBEDTLS_ERR_PK_PASSWORD_REQUIRED);
        assert_eq!(f(&mut ctx, c"nope".as_ptr()), MBEDTLS_ERR_PK_PASSWORD_MISMATCH);
        assert_eq!(f(&mut ctx, c"secret".as_ptr()), 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(&mut ctx) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let missing = unsafe {
            mbedtls_pk_parse_keyfile(&mut ctx, c"/nonexistent/key.pem".as_ptr(), ptr::null(), None, ptr::null_mut())
        };
        assert_eq!(missing, MBEDTLS_ERR_PK_FILE_IO_ERROR);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        let null_path = unsafe { mbedtls_pk_parse_keyfile(&mut ctx, ptr::null(), ptr::null(), None, ptr::null_mut()) };
        assert_eq!(null_path, MBEDTLS_ERR_PK_BAD_INPUT_DATA);

        // A public key: queryable, but no private key for the TLS layer.
        let cert = crate::x509::parse_chain(&std::fs::read(certs("server-rsa.crt")).unwrap()).certs.remove(0);
        let spki = cert.bytes(cert.pk_raw());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_parse_public_key(&mut ctx, spki.as_ptr(), spki.len()) }, 0);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_get_type(&ctx) }, MBEDTLS_PK_RSA);
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert!(unsafe { private_key(&ctx) }.is_none());
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        unsafe { mbedtls_pk_free(&mut ctx) };
        // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
        assert_eq!(unsafe { mbedtls_pk_parse_public_key(&mut ctx, ptr::null(), 1) }, MBEDTLS_ERR_PK_BAD_INPUT_DATA);
        assert_eq!(
            // SAFETY: each pointer is NULL (accepted) or from a live local or slice, with its length.
            unsafe { mbedtls_pk_parse_public_key(&mut ctx, b"x".as_ptr(), 1) },
            MBEDTLS_ERR_PK_KEY_INVALID_FORMAT
        );
    }
}
