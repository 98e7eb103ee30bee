//! `pk.h`: what a key context does — set-up by type, more ways to load a public key, signing,
//! verification, RSA encryption, pair checks (the logic is in `crate::pk_ops`).

use core::ffi::{c_char, c_int, c_uchar, c_void};

use super::{PkValue, can_take_key, install, mbedtls_pk_context, mbedtls_pk_type_t, read_key_file, type_of, value};
use crate::digest::Algorithm;
use crate::error::{Error, OpError};
use crate::ffi::error::code_of;
use crate::ffi::md::{mbedtls_md_type_t, md_algorithm};
use crate::ffi::{entry, in_slice, out_slice};
use crate::pk::{KeyKind, PublicKey};
use crate::pk_ops::{self, HashAlg, RsaScheme};

use super::{
    MBEDTLS_PK_ECDSA, MBEDTLS_PK_ECKEY, MBEDTLS_PK_ECKEY_DH, MBEDTLS_PK_RSA, MBEDTLS_PK_RSASSA_PSS, mbedtls_pk_can_do,
};

/// The description of a key type (opaque), from `mbedtls_pk_info_from_type`; accepted back by
/// `mbedtls_pk_setup` by address only.
pub struct mbedtls_pk_info_t {
    pub(super) pk_type: mbedtls_pk_type_t,
    pub(super) kind: KeyKind,
}

static INFOS: [mbedtls_pk_info_t; 4] = [
    mbedtls_pk_info_t { pk_type: MBEDTLS_PK_RSA, kind: KeyKind::Rsa { bits: 0 } },
    mbedtls_pk_info_t { pk_type: MBEDTLS_PK_ECKEY, kind: KeyKind::Ec { curve: "", bits: 0 } },
    mbedtls_pk_info_t { pk_type: MBEDTLS_PK_ECKEY_DH, kind: KeyKind::Ec { curve: "", bits: 0 } },
    mbedtls_pk_info_t { pk_type: MBEDTLS_PK_ECDSA, kind: KeyKind::Ec { curve: "", bits: 0 } },
];

/// Options of an RSASSA-PSS verification (`mbedtls_pk_verify_ext`).
#[repr(C)]
pub struct mbedtls_pk_rsassa_pss_options {
    /// The MGF1 hash (`mbedtls_md_type_t`).
    pub mgf1_hash_id: mbedtls_md_type_t,
    /// The salt length expected, or `MBEDTLS_RSA_SALT_LEN_ANY`.
    pub expected_salt_len: c_int,
}

/// The restart context of the `_restartable` functions (unused: operations always complete).
#[repr(C)]
pub struct mbedtls_pk_restart_ctx {
    private_unused: c_int,
}

/// The C code of an [`OpError`] (a sum for Mbed TLS's combined codes).
pub(crate) fn code_of_op(e: OpError) -> c_int {
    match e {
        OpError::Code(e) => code_of(e),
        OpError::Sum(a, b) => code_of(a) + code_of(b),
    }
}

/// The hash of a sign/verify call: its algorithm and bytes, Mbed TLS's checks (`hash_len` 0 means
/// the hash's size; a NULL hash only with `MBEDTLS_MD_NONE` and length 0, which is refused too).
///
/// # Safety
/// `hash` is NULL or valid for `hash_len` bytes.
unsafe fn hash_input<'a>(
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
) -> Option<(HashAlg, &'a [u8])> {
    let md: HashAlg = md_algorithm(md_alg)?;
    let len = match (hash_len, md) {
        (0, Some(alg)) => alg.output_len(),
        (0, None) => return None,
        (len, _) => len,
    };
    if hash.is_null() {
        return None;
    }
    // SAFETY: non-NULL, valid for `len` bytes: `hash_len`, or the hash's size when the caller
    // passed 0 (Mbed TLS's contract: then the buffer holds a hash of `md_alg`).
    unsafe { in_slice(hash, len) }.map(|h| (md, h))
}

/// Returns the key a context holds, for the operations.
///
/// # Safety
/// `ctx` is NULL or an initialised context.
unsafe fn loaded<'a>(ctx: *const mbedtls_pk_context) -> Option<&'a PkValue> {
    // SAFETY: per this function's contract.
    unsafe { value(ctx) }.filter(|v| !matches!(v, PkValue::Setup(_)))
}

/// The description of a key type: RSA, ECKEY, ECKEY_DH, ECDSA; NULL for any other type.
///
/// # Safety
/// None (any value is accepted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_info_from_type(pk_type: mbedtls_pk_type_t) -> *const mbedtls_pk_info_t {
    entry!(mbedtls_pk_info_from_type, {
        INFOS.iter().find(|i| i.pk_type == pk_type).map_or(core::ptr::null(), |i| i as *const _)
    })
}

/// Sets an empty context up for a key type (`info` from `mbedtls_pk_info_from_type`). The
/// context then reports that type but holds no key material.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL `ctx`, an `info` that is not one of ours, or a
/// context that already holds a key or a type.
///
/// Differences from Mbed TLS: there are no `rsa.h`/`ecp.h` functions here to fill the key in
/// (`mbedtls_pk_rsa`, `mbedtls_pk_ec`), so a set-up context can only be queried and freed; the
/// operations answer `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for it.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `info` is anything (compared by address).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_setup(ctx: *mut mbedtls_pk_context, info: *const mbedtls_pk_info_t) -> c_int {
    entry!(mbedtls_pk_setup, {
        let Some(info) = INFOS.iter().find(|i| core::ptr::eq(*i, info)) else {
            return code_of(Error::PkBadInputData);
        };
        // SAFETY: caller guarantees `ctx` is NULL or an initialised context.
        if !unsafe { can_take_key(ctx) } {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: `ctx` is non-NULL, valid and empty (checked above).
        unsafe { install(ctx, Ok(PkValue::Setup(info))) }
    })
}

/// Reads a public key file (PEM or DER) and parses it as `mbedtls_pk_parse_public_key` does.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL arguments or a context that holds a key;
/// `MBEDTLS_ERR_PK_FILE_IO_ERROR`; otherwise the codes of `mbedtls_pk_parse_public_key`.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `path` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_public_keyfile(ctx: *mut mbedtls_pk_context, path: *const c_char) -> c_int {
    entry!(mbedtls_pk_parse_public_keyfile, {
        // SAFETY: caller guarantees `ctx` is NULL or an initialised context.
        if !unsafe { can_take_key(ctx) } {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: caller guarantees `path` is NULL or a C string.
        let data = match unsafe { read_key_file(path) } {
            Ok(data) => data,
            Err(code) => return code,
        };
        // SAFETY: `ctx` is non-NULL, valid and empty (checked above).
        unsafe { install(ctx, PublicKey::parse(&data).map(PkValue::Public)) }
    })
}

/// Parses the SubjectPublicKeyInfo at `*p` (ending no later than `end`) into an empty context and
/// moves `*p` past it.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL arguments, `end` before `*p`, or a context that
/// holds a key; `MBEDTLS_ERR_PK_KEY_INVALID_FORMAT` and the other codes of
/// `mbedtls_pk_parse_public_key` for what does not parse (then `*p` is unchanged).
///
/// Differences from Mbed TLS: the errors are not combined with `MBEDTLS_ERR_ASN1_*` codes, and
/// `*p` only moves on success.
///
/// # Safety
/// `p` is NULL or points to a pointer into a buffer that is readable up to `end`; `pk` is NULL
/// or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_parse_subpubkey(
    p: *mut *mut c_uchar,
    end: *const c_uchar,
    pk: *mut mbedtls_pk_context,
) -> c_int {
    entry!(mbedtls_pk_parse_subpubkey, {
        // SAFETY: caller guarantees `pk` is NULL or an initialised context.
        if p.is_null() || !unsafe { can_take_key(pk) } {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: `p` is non-NULL and readable (caller).
        let start = unsafe { p.read() };
        if start.is_null() || end.is_null() || (end as usize) < (start as usize) {
            return code_of(Error::PkBadInputData);
        }
        let len = end as usize - start as usize;
        // SAFETY: the caller guarantees the buffer from `*p` is readable up to `end`.
        let Some(input) = (unsafe { in_slice(start, len) }) else {
            return code_of(Error::PkBadInputData);
        };
        let mut reader = crate::der::Reader::new(input);
        let consumed = match reader.read(crate::der::SEQUENCE, Error::PkKeyInvalidFormat) {
            Ok(tlv) => tlv.end(),
            Err(e) => return code_of(e),
        };
        let parsed = PublicKey::from_spki(&input[..consumed]).map(PkValue::Public);
        let ok = parsed.is_ok();
        // SAFETY: `pk` is non-NULL, valid and empty (checked above).
        let ret = unsafe { install(pk, parsed) };
        if ok {
            // SAFETY: `p` is writable (caller); the new position is within the caller's buffer.
            unsafe { p.write(start.add(consumed)) };
        }
        ret
    })
}

/// Signs a hash: `mbedtls_pk_sign_ext(MBEDTLS_PK_RSA or ECDSA, ...)` for the key's own type:
/// RSA PKCS#1 v1.5, or ECDSA with a DER-encoded signature.
///
/// `md_alg` names the hash; `hash_len` 0 means the hash's size. `sig_size` is the size of
/// `sig` (`MBEDTLS_PK_SIGNATURE_MAX_SIZE` always fits); `*sig_len` gets the signature length.
/// `f_rng` and `p_rng` are not used (aws-lc has its own generator).
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL/empty/set-up-only contexts, NULL pointers,
/// `MBEDTLS_MD_NONE` with `hash_len` 0 or an unknown `md_alg`; `MBEDTLS_ERR_PK_TYPE_MISMATCH`
/// for an Ed25519 key; for RSA `MBEDTLS_ERR_PK_BUFFER_TOO_SMALL` (`sig_size` below the key's
/// size), `MBEDTLS_ERR_RSA_BAD_INPUT_DATA` (a public key only, or `hash_len` not the hash's
/// size); for ECDSA `MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL`, `MBEDTLS_ERR_ECP_INVALID_KEY` (a
/// public key only); `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE` for what aws-lc cannot sign (below).
///
/// Differences from Mbed TLS: RSA signatures only with SHA-256/384/512 (SHA-1, SHA-224 and
/// `MBEDTLS_MD_NONE` give `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE`); ECDSA on P-521 only with
/// hashes of up to 64 bytes; `f_rng` may be NULL.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `hash` is NULL or valid for `hash_len` bytes (for
/// the hash's size when `hash_len` is 0); `sig` is NULL or writable for `sig_size` bytes;
/// `sig_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_sign(
    ctx: *mut mbedtls_pk_context,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *mut c_uchar,
    sig_size: usize,
    sig_len: *mut usize,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    entry!(mbedtls_pk_sign, {
        let _ = (f_rng, p_rng);
        // SAFETY: the contract of this function covers every pointer.
        unsafe { sign_with(ctx, RsaScheme::Pkcs1v15, md_alg, hash, hash_len, sig, sig_size, sig_len) }
    })
}

/// The body of the sign functions.
///
/// # Safety
/// As [`mbedtls_pk_sign`].
#[allow(clippy::too_many_arguments)]
unsafe fn sign_with(
    ctx: *const mbedtls_pk_context,
    scheme: RsaScheme,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *mut c_uchar,
    sig_size: usize,
    sig_len: *mut usize,
) -> c_int {
    // SAFETY: the caller's contract: the buffers are NULL or valid for their lengths.
    let (Some((md, hash)), Some(out)) =
        (unsafe { hash_input(md_alg, hash, hash_len) }, unsafe { out_slice(sig, sig_size) })
    else {
        return code_of(Error::PkBadInputData);
    };
    // SAFETY: `ctx` is NULL or an initialised context (caller).
    let Some(key) = (unsafe { loaded(ctx) }) else {
        return code_of(Error::PkBadInputData);
    };
    if sig_len.is_null() {
        return code_of(Error::PkBadInputData);
    }
    let result = match key {
        PkValue::Private(key) => pk_ops::sign(key, md, hash, scheme, sig_size),
        PkValue::Public(k) => Err(match k.kind() {
            KeyKind::Rsa { bits } if sig_size < bits.div_ceil(8) => Error::PkBufferTooSmall,
            KeyKind::Rsa { .. } => Error::RsaBadInputData,
            KeyKind::Ec { .. } => Error::EcpInvalidKey,
            _ => Error::PkTypeMismatch,
        }),
        PkValue::Setup(_) => Err(Error::PkBadInputData),
    };
    // SAFETY: `sig_len` is non-NULL (checked) and writable (caller).
    unsafe { deliver(result, out, sig_len) }
}

/// `mbedtls_pk_sign` with a signature type: `MBEDTLS_PK_RSASSA_PSS` signs RSA-PSS (salt as long
/// as the hash, MGF1 with the same hash); any other type the key can do (`mbedtls_pk_can_do`)
/// signs as `mbedtls_pk_sign`.
///
/// # Returns
/// `MBEDTLS_ERR_PK_TYPE_MISMATCH` when the key cannot do `pk_type`; otherwise as
/// `mbedtls_pk_sign`.
///
/// Differences from Mbed TLS: PSS uses a salt as long as the hash (Mbed TLS without PSA uses the
/// longest salt that fits); both verify with a salt-length-agnostic verifier.
///
/// # Safety
/// As `mbedtls_pk_sign`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_sign_ext(
    pk_type: mbedtls_pk_type_t,
    ctx: *mut mbedtls_pk_context,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *mut c_uchar,
    sig_size: usize,
    sig_len: *mut usize,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    entry!(mbedtls_pk_sign_ext, {
        let _ = (f_rng, p_rng);
        // SAFETY: `ctx` is NULL or an initialised context (caller).
        if unsafe { loaded(ctx) }.is_none() {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: as above.
        if unsafe { mbedtls_pk_can_do(ctx, pk_type) } == 0 {
            return code_of(Error::PkTypeMismatch);
        }
        let scheme = if pk_type == MBEDTLS_PK_RSASSA_PSS { RsaScheme::Pss } else { RsaScheme::Pkcs1v15 };
        // SAFETY: the contract of this function covers every pointer.
        unsafe { sign_with(ctx, scheme, md_alg, hash, hash_len, sig, sig_size, sig_len) }
    })
}

/// `mbedtls_pk_sign`; `rs_ctx` is ignored (operations always complete, as Mbed TLS without
/// `MBEDTLS_ECP_RESTARTABLE`).
///
/// # Safety
/// As `mbedtls_pk_sign`; `rs_ctx` is not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_sign_restartable(
    ctx: *mut mbedtls_pk_context,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *mut c_uchar,
    sig_size: usize,
    sig_len: *mut usize,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
    rs_ctx: *mut mbedtls_pk_restart_ctx,
) -> c_int {
    entry!(mbedtls_pk_sign_restartable, {
        let _ = (f_rng, p_rng, rs_ctx);
        // SAFETY: the contract of this function covers every pointer.
        unsafe { sign_with(ctx, RsaScheme::Pkcs1v15, md_alg, hash, hash_len, sig, sig_size, sig_len) }
    })
}

/// Verifies a signature of a hash with the key (a public key, or the public half of a private
/// key): RSA PKCS#1 v1.5 or ECDSA (DER), as `mbedtls_pk_sign` makes them.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` (NULL/empty context, NULL pointers, `MBEDTLS_MD_NONE`
/// with `hash_len` 0, unknown `md_alg`); `MBEDTLS_ERR_RSA_VERIFY_FAILED` (also for a signature
/// shorter than the key); `MBEDTLS_ERR_ECP_VERIFY_FAILED`; `MBEDTLS_ERR_PK_SIG_LEN_MISMATCH` for
/// a valid signature followed by more bytes (RSA), or with more inside its SEQUENCE (ECDSA);
/// `MBEDTLS_ERR_ECP_BAD_INPUT_DATA` plus an `MBEDTLS_ERR_ASN1_*` code for an ECDSA signature
/// that is not DER (as Mbed TLS); `MBEDTLS_ERR_RSA_BAD_INPUT_DATA` for an RSA hash of the wrong
/// length; `MBEDTLS_ERR_PK_TYPE_MISMATCH` for Ed25519 keys.
///
/// Differences from Mbed TLS: RSA verification with SHA-1/256/384/512 only (SHA-224 and
/// `MBEDTLS_MD_NONE` give `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE`).
///
/// # Safety
/// `ctx` is NULL or an initialised context; `hash` as for `mbedtls_pk_sign`; `sig` is NULL or
/// valid for `sig_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_verify(
    ctx: *mut mbedtls_pk_context,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *const c_uchar,
    sig_len: usize,
) -> c_int {
    entry!(mbedtls_pk_verify, {
        // SAFETY: the contract of this function covers every pointer.
        unsafe { verify_with(ctx, RsaScheme::Pkcs1v15, md_alg, hash, hash_len, sig, sig_len) }
    })
}

/// The body of the verify functions.
///
/// # Safety
/// As [`mbedtls_pk_verify`].
unsafe fn verify_with(
    ctx: *const mbedtls_pk_context,
    scheme: RsaScheme,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *const c_uchar,
    sig_len: usize,
) -> c_int {
    // SAFETY: the caller's contract: the buffers are NULL or valid for their lengths.
    let (Some((md, hash)), Some(sig)) =
        (unsafe { hash_input(md_alg, hash, hash_len) }, unsafe { in_slice(sig, sig_len) })
    else {
        return code_of(Error::PkBadInputData);
    };
    // SAFETY: `ctx` is NULL or an initialised context (caller).
    let Some(key) = (unsafe { loaded(ctx) }) else {
        return code_of(Error::PkBadInputData);
    };
    let result = key.public().map_err(OpError::from).and_then(|public| pk_ops::verify(&public, md, hash, sig, scheme));
    result.map_or_else(code_of_op, |()| 0)
}

/// `mbedtls_pk_verify` with a signature type. `MBEDTLS_PK_RSASSA_PSS` needs `options`
/// (`mbedtls_pk_rsassa_pss_options`): MGF1 must use `md_alg` and the salt be as long as the
/// hash or `MBEDTLS_RSA_SALT_LEN_ANY`. Other types take no options and verify as
/// `mbedtls_pk_verify`.
///
/// # Returns
/// `MBEDTLS_ERR_PK_TYPE_MISMATCH` when the key cannot do `pk_type`; `MBEDTLS_ERR_PK_BAD_INPUT_DATA`
/// for options with a non-PSS type or none with PSS; `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE` for
/// other PSS parameters; otherwise as `mbedtls_pk_verify`.
///
/// Differences from Mbed TLS: with `MBEDTLS_RSA_SALT_LEN_ANY`, only salts as long as the hash
/// are accepted (aws-lc's PSS verifier); other MGF1 hashes and salt lengths are not supported.
///
/// # Safety
/// As `mbedtls_pk_verify`; `options` is NULL or points to a `mbedtls_pk_rsassa_pss_options`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_verify_ext(
    pk_type: mbedtls_pk_type_t,
    options: *const c_void,
    ctx: *mut mbedtls_pk_context,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *const c_uchar,
    sig_len: usize,
) -> c_int {
    entry!(mbedtls_pk_verify_ext, {
        // SAFETY: `ctx` is NULL or an initialised context (caller).
        if unsafe { loaded(ctx) }.is_none() {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: as above.
        if unsafe { mbedtls_pk_can_do(ctx, pk_type) } == 0 {
            return code_of(Error::PkTypeMismatch);
        }
        if pk_type != MBEDTLS_PK_RSASSA_PSS {
            if !options.is_null() {
                return code_of(Error::PkBadInputData);
            }
            // SAFETY: the contract of this function covers every pointer.
            return unsafe { verify_with(ctx, RsaScheme::Pkcs1v15, md_alg, hash, hash_len, sig, sig_len) };
        }
        if options.is_null() {
            return code_of(Error::PkBadInputData);
        }
        // SAFETY: non-NULL, and points to PSS options (caller).
        let options = unsafe { options.cast::<mbedtls_pk_rsassa_pss_options>().read() };
        let hash_size = md_algorithm(md_alg).flatten().map(Algorithm::output_len);
        let salt_ok = options.expected_salt_len == crate::ffi::rsa::MBEDTLS_RSA_SALT_LEN_ANY
            || usize::try_from(options.expected_salt_len).ok() == hash_size;
        if options.mgf1_hash_id != md_alg || !salt_ok {
            return code_of(Error::PkFeatureUnavailable);
        }
        // SAFETY: the contract of this function covers every pointer.
        unsafe { verify_with(ctx, RsaScheme::Pss, md_alg, hash, hash_len, sig, sig_len) }
    })
}

/// `mbedtls_pk_verify`; `rs_ctx` is ignored (operations always complete).
///
/// # Safety
/// As `mbedtls_pk_verify`; `rs_ctx` is not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_verify_restartable(
    ctx: *mut mbedtls_pk_context,
    md_alg: mbedtls_md_type_t,
    hash: *const c_uchar,
    hash_len: usize,
    sig: *const c_uchar,
    sig_len: usize,
    rs_ctx: *mut mbedtls_pk_restart_ctx,
) -> c_int {
    entry!(mbedtls_pk_verify_restartable, {
        let _ = rs_ctx;
        // SAFETY: the contract of this function covers every pointer.
        unsafe { verify_with(ctx, RsaScheme::Pkcs1v15, md_alg, hash, hash_len, sig, sig_len) }
    })
}

/// Encrypts `input` with the (public half of the) key: RSA PKCS#1 v1.5, the default padding of
/// Mbed TLS's RSA keys. `*olen` gets the key's size.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` (NULL/empty context, NULL pointers);
/// `MBEDTLS_ERR_PK_TYPE_MISMATCH` for EC and Ed25519 keys; `MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE`
/// when `osize` is below the key's size; `MBEDTLS_ERR_RSA_BAD_INPUT_DATA` for an input longer
/// than the key's size minus 11.
///
/// Differences from Mbed TLS: `f_rng` may be NULL (aws-lc's generator makes the padding).
///
/// # Safety
/// `ctx` is NULL or an initialised context; `input` is NULL or valid for `ilen` bytes;
/// `output` is NULL or writable for `osize` bytes; `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_encrypt(
    ctx: *mut mbedtls_pk_context,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    olen: *mut usize,
    osize: usize,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    entry!(mbedtls_pk_encrypt, {
        let _ = (f_rng, p_rng);
        // SAFETY: the contract of this function covers every pointer.
        unsafe {
            crypt(ctx, input, ilen, output, olen, osize, |key, input, size| {
                let public = key.public()?;
                pk_ops::encrypt(&public, input, size).map(zeroize::Zeroizing::new)
            })
        }
    })
}

/// The body of encrypt and decrypt.
///
/// # Safety
/// As [`mbedtls_pk_encrypt`].
unsafe fn crypt(
    ctx: *const mbedtls_pk_context,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    olen: *mut usize,
    osize: usize,
    op: impl FnOnce(&PkValue, &[u8], usize) -> Result<zeroize::Zeroizing<Vec<u8>>, Error>,
) -> c_int {
    // SAFETY: the caller's contract: the buffers are NULL or valid for their lengths.
    let (Some(input), Some(out)) = (unsafe { in_slice(input, ilen) }, unsafe { out_slice(output, osize) }) else {
        return code_of(Error::PkBadInputData);
    };
    // SAFETY: `ctx` is NULL or an initialised context (caller).
    let Some(key) = (unsafe { loaded(ctx) }) else {
        return code_of(Error::PkBadInputData);
    };
    if olen.is_null() {
        return code_of(Error::PkBadInputData);
    }
    if !matches!(key.kind(), KeyKind::Rsa { .. }) {
        return code_of(Error::PkTypeMismatch);
    }
    // SAFETY: `olen` is non-NULL (checked) and writable (caller).
    unsafe { deliver(op(key, input, osize), out, olen) }
}

/// Hands an operation's output to the caller: the bytes into `out` (which the operation sized
/// them for) and their length into `*len`; or the error's code, writing nothing.
///
/// # Safety
/// `len` is non-NULL and writable.
unsafe fn deliver<B: AsRef<[u8]>>(result: Result<B, Error>, out: &mut [u8], len: *mut usize) -> c_int {
    match result {
        Ok(bytes) => {
            let bytes = bytes.as_ref();
            out[..bytes.len()].copy_from_slice(bytes);
            // SAFETY: non-NULL and writable (the contract of this function).
            unsafe { len.write(bytes.len()) };
            0
        }
        Err(e) => code_of(e),
    }
}

/// Decrypts an RSA PKCS#1 v1.5 ciphertext with the private key. `*olen` gets the plaintext's
/// length.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` (NULL/empty context, NULL pointers);
/// `MBEDTLS_ERR_PK_TYPE_MISMATCH` for EC and Ed25519 keys; `MBEDTLS_ERR_RSA_BAD_INPUT_DATA` when
/// `ilen` is not the key's size or the context holds only a public key;
/// `MBEDTLS_ERR_RSA_INVALID_PADDING`; `MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE` when the plaintext does
/// not fit `osize`.
///
/// # Safety
/// As `mbedtls_pk_encrypt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_decrypt(
    ctx: *mut mbedtls_pk_context,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    olen: *mut usize,
    osize: usize,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    entry!(mbedtls_pk_decrypt, {
        let _ = (f_rng, p_rng);
        // SAFETY: the contract of this function covers every pointer.
        unsafe {
            crypt(ctx, input, ilen, output, olen, osize, |key, input, size| match key {
                PkValue::Private(key) => pk_ops::decrypt(key, input, size),
                _ => Err(Error::RsaBadInputData),
            })
        }
    })
}

/// Checks that `pub_ctx` holds the public half of the private key in `prv`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL or empty contexts or a NULL `f_rng` (as Mbed
/// TLS); `MBEDTLS_ERR_PK_TYPE_MISMATCH` for keys of different types;
/// `MBEDTLS_ERR_RSA_KEY_CHECK_FAILED` (RSA) or `MBEDTLS_ERR_ECP_BAD_INPUT_DATA` (EC) when the keys
/// do not match or `prv` holds no private key; `MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE` for Ed25519.
///
/// # Safety
/// `pub_ctx` and `prv` are NULL or initialised contexts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_check_pair(
    pub_ctx: *const mbedtls_pk_context,
    prv: *const mbedtls_pk_context,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) -> c_int {
    entry!(mbedtls_pk_check_pair, {
        let _ = p_rng;
        // SAFETY: both are NULL or initialised contexts (caller).
        let (Some(public), Some(private)) = (unsafe { loaded(pub_ctx) }, unsafe { loaded(prv) }) else {
            return code_of(Error::PkBadInputData);
        };
        if f_rng.is_none() {
            return code_of(Error::PkBadInputData);
        }
        let public = match public.public() {
            Ok(public) => public,
            Err(e) => return code_of(e),
        };
        let result = match private {
            PkValue::Private(private) => pk_ops::check_pair(&public, private),
            other if type_of(other.kind()) != type_of(public.kind()) => Err(Error::PkTypeMismatch),
            other => Err(match other.kind() {
                KeyKind::Rsa { .. } => Error::RsaKeyCheckFailed,
                KeyKind::Ec { .. } => Error::EcpBadInputData,
                _ => Error::PkFeatureUnavailable,
            }),
        };
        result.map_or_else(code_of, |()| 0)
    })
}

/// Debug items of a key (`mbedtls_pk_debug`).
#[repr(C)]
pub struct mbedtls_pk_debug_item {
    /// `MBEDTLS_PK_DEBUG_*`.
    pub type_: c_int,
    /// The item's name.
    pub name: *const c_char,
    /// The item's value.
    pub value: *mut c_void,
}

/// Would fill `items` with the key's numbers (`rsa.N`, `rsa.E`, `eckey.Q`) as `mbedtls_mpi` /
/// `mbedtls_ecp_point` values; this library has no such types.
///
/// # Returns
/// `MBEDTLS_ERR_PK_BAD_INPUT_DATA` for NULL and empty contexts; otherwise
/// `MBEDTLS_ERR_PK_TYPE_MISMATCH` — what Mbed TLS returns for key types without debug items —
/// with `items` untouched.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `items` is not read or written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pk_debug(ctx: *const mbedtls_pk_context, items: *mut mbedtls_pk_debug_item) -> c_int {
    entry!(mbedtls_pk_debug, {
        let _ = items;
        // SAFETY: `ctx` is NULL or an initialised context (caller).
        match unsafe { value(ctx) } {
            None => code_of(Error::PkBadInputData),
            Some(_) => code_of(Error::PkTypeMismatch),
        }
    })
}
