//! `md.h`: the generic message-digest and HMAC interface, over `crate::digest` (SHA-1,
//! SHA-224, SHA-256, SHA-384, SHA-512 on aws-lc).
//!
//! An `mbedtls_md_info_t *` is the address of one of this library's static descriptions, valid
//! for the life of the program; only those addresses are accepted back (any other pointer is
//! treated as NULL, never read). An `mbedtls_md_context_t` is a shell over a
//! `crate::digest::MdContext`, whose state machine the functions below describe.
//!
//! Differences from Mbed TLS:
//! - MD5, RIPEMD-160 and the SHA-3 family are not available: `mbedtls_md_info_from_type` and
//!   `mbedtls_md_info_from_string` return NULL for them, as Mbed TLS does for an algorithm left
//!   out of its build, and `mbedtls_md_list` does not name them.
//! - A call in the wrong state returns `MBEDTLS_ERR_MD_BAD_INPUT_DATA` and changes nothing:
//!   `update`/`finish` without a running digest, `hmac_update`/`hmac_finish` without a running
//!   HMAC (the digest and HMAC calls of one computation do not mix), `hmac_reset` before any
//!   `hmac_starts`. Mbed TLS goes on over whatever state the context holds.
//! - `mbedtls_md_setup` on a context that is already set up is refused (free it first); Mbed
//!   TLS overwrites it and leaks the old state.
//! - `mbedtls_md_clone` of an HMAC in progress copies the whole computation, key included (the
//!   copy finishes the same HMAC); Mbed TLS copies the inner hash and finishes with the
//!   destination's key. Both keep the destination's key for `mbedtls_md_hmac_reset`.
//! - NULL pointers and `(NULL, n > 0)` buffers return `MBEDTLS_ERR_MD_BAD_INPUT_DATA` wherever
//!   Mbed TLS's behaviour is undefined.

use core::ffi::{CStr, c_char, c_int, c_uchar, c_void};
use std::sync::{Mutex, PoisonError};

use super::error::{code_of, status};
use super::handle::{self, shell};
use super::{entry, hash_context, in_cstr, in_path, in_slice, out_slice};
use crate::digest::{self, Algorithm, MdContext, Mode};
use crate::error::Error;

pub use super::error::codes::md::*;

/// `mbedtls_md_type_t` (an `int`-sized enum in Mbed TLS 3.6): the `MBEDTLS_MD_*` values.
pub type mbedtls_md_type_t = c_int;

/// The description of one digest algorithm (opaque: read it with `mbedtls_md_get_size`,
/// `mbedtls_md_get_type` and `mbedtls_md_get_name`).
pub struct mbedtls_md_info_t {
    algorithm: Algorithm,
    md_type: mbedtls_md_type_t,
    name: &'static CStr,
}

/// The descriptions, strongest first (the order of `mbedtls_md_list`).
static INFOS: [mbedtls_md_info_t; 5] = [
    mbedtls_md_info_t { algorithm: Algorithm::Sha512, md_type: MBEDTLS_MD_SHA512, name: c"SHA512" },
    mbedtls_md_info_t { algorithm: Algorithm::Sha384, md_type: MBEDTLS_MD_SHA384, name: c"SHA384" },
    mbedtls_md_info_t { algorithm: Algorithm::Sha256, md_type: MBEDTLS_MD_SHA256, name: c"SHA256" },
    mbedtls_md_info_t { algorithm: Algorithm::Sha224, md_type: MBEDTLS_MD_SHA224, name: c"SHA224" },
    mbedtls_md_info_t { algorithm: Algorithm::Sha1, md_type: MBEDTLS_MD_SHA1, name: c"SHA1" },
];

/// What `mbedtls_md_list` returns: the types of [`INFOS`], then `MBEDTLS_MD_NONE`.
static LIST: [c_int; 6] =
    [MBEDTLS_MD_SHA512, MBEDTLS_MD_SHA384, MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA224, MBEDTLS_MD_SHA1, MBEDTLS_MD_NONE];

/// Mbed TLS's other name for SHA-1 in `mbedtls_md_info_from_string`.
const SHA1_ALIAS: &[u8] = b"SHA";

/// A generic digest context: `mbedtls_md_init` it, `mbedtls_md_setup` it with an algorithm
/// (and `hmac` = 1 for the HMAC functions), compute any number of digests or HMACs, and
/// `mbedtls_md_free` it. The field is private.
#[repr(C)]
pub struct mbedtls_md_context_t {
    private_handle: *mut c_void,
}

shell!(mbedtls_md_context_t => Mutex<MdContext>, mbedtls_md_context_t { private_handle: core::ptr::null_mut() });

/// The description at `info`, if it is one of [`INFOS`] (compared by address, not read).
fn info_at(info: *const mbedtls_md_info_t) -> Option<&'static mbedtls_md_info_t> {
    INFOS.iter().find(|candidate| core::ptr::eq(*candidate, info))
}

/// The algorithm an `mbedtls_md_info_t *` describes (None for NULL or anything else), for the
/// other headers that take one (`hkdf.h`).
pub(crate) fn algorithm_of(info: *const mbedtls_md_info_t) -> Option<Algorithm> {
    info_at(info).map(|info| info.algorithm)
}

/// The algorithm of an `mbedtls_md_type_t`: `Some(None)` for `MBEDTLS_MD_NONE`, None for a type
/// this library does not have (for `pk.h`).
pub(crate) fn md_algorithm(md_type: mbedtls_md_type_t) -> Option<Option<Algorithm>> {
    if md_type == MBEDTLS_MD_NONE {
        return Some(None);
    }
    INFOS.iter().find(|info| info.md_type == md_type).map(|info| Some(info.algorithm))
}

fn info_of(algorithm: Algorithm) -> &'static mbedtls_md_info_t {
    INFOS.iter().find(|info| info.algorithm == algorithm).expect("every algorithm has a description")
}

/// Runs `f` on the context of `ctx`: `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for NULL and for a context
/// that is not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`.
unsafe fn with_context(ctx: *const mbedtls_md_context_t, f: impl FnOnce(&mut MdContext) -> Result<(), Error>) -> c_int {
    // SAFETY: per this function's contract; the reference ends with this call.
    let Some(context) = (unsafe { handle::get(ctx) }) else {
        return code_of(Error::MdBadInputData);
    };
    status(f(&mut context.lock().unwrap_or_else(PoisonError::into_inner)))
}

/// The caller's buffer for one output of `algorithm`, or `MdBadInputData` for NULL.
///
/// # Safety
/// `output` is NULL or writable for the algorithm's output size for `'a`.
unsafe fn output_for<'a>(output: *mut c_uchar, algorithm: Algorithm) -> Result<&'a mut [u8], Error> {
    // SAFETY: per this function's contract (a NULL `output` gives None: the size is never 0).
    unsafe { out_slice(output, algorithm.output_len()) }.ok_or(Error::MdBadInputData)
}

/// `mbedtls_md_update` and `mbedtls_md_hmac_update`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `input` is NULL or readable for `ilen`
/// bytes.
unsafe fn update(ctx: *mut mbedtls_md_context_t, mode: Mode, input: *const c_uchar, ilen: usize) -> c_int {
    // SAFETY: NULL or readable for `ilen` bytes (the contract of this function).
    let Some(data) = (unsafe { in_slice(input, ilen) }) else {
        return code_of(Error::MdBadInputData);
    };
    // SAFETY: `ctx` is NULL or a shell (the contract of this function).
    unsafe { with_context(ctx, |context| context.update(mode, data)) }
}

/// `mbedtls_md_finish` and `mbedtls_md_hmac_finish`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `output` is NULL or writable for the
/// digest's size.
unsafe fn finish(ctx: *mut mbedtls_md_context_t, mode: Mode, output: *mut c_uchar) -> c_int {
    // SAFETY: `ctx` is NULL or a shell; `output` NULL or writable for the size (the contract).
    unsafe { with_context(ctx, |context| context.finish(mode, output_for(output, context.algorithm())?)) }
}

/// The description of `md_type`, or NULL for `MBEDTLS_MD_NONE`, unknown values and the
/// algorithms this library does not offer (MD5, RIPEMD-160, SHA-3).
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_md_info_from_type(md_type: mbedtls_md_type_t) -> *const mbedtls_md_info_t {
    entry!(mbedtls_md_info_from_type, {
        INFOS.iter().find(|info| info.md_type == md_type).map_or(core::ptr::null(), |info| info as *const _)
    })
}

/// The description of the algorithm named `md_name`: `"SHA1"` (or `"SHA"`), `"SHA224"`,
/// `"SHA256"`, `"SHA384"`, `"SHA512"`, case-sensitive as in Mbed TLS. NULL for other names and
/// for a NULL `md_name`.
///
/// # Safety
/// `md_name` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_info_from_string(md_name: *const c_char) -> *const mbedtls_md_info_t {
    entry!(mbedtls_md_info_from_string, {
        // SAFETY: NULL or NUL-terminated (the caller's contract).
        let Some(name) = (unsafe { in_cstr(md_name) }) else {
            return core::ptr::null();
        };
        let name = if name.to_bytes() == SHA1_ALIAS { c"SHA1" } else { name };
        INFOS.iter().find(|info| info.name == name).map_or(core::ptr::null(), |info| info as *const _)
    })
}

/// The description `ctx` was set up with; NULL for NULL and for a context that is not set up.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_info_from_ctx(ctx: *const mbedtls_md_context_t) -> *const mbedtls_md_info_t {
    entry!(mbedtls_md_info_from_ctx, {
        // SAFETY: NULL or a shell (the caller's contract); the reference ends with this block.
        match unsafe { handle::get(ctx) } {
            Some(context) => info_of(context.lock().unwrap_or_else(PoisonError::into_inner).algorithm()),
            None => core::ptr::null(),
        }
    })
}

/// The digest size in bytes of the algorithm at `md_info` (20 to 64); 0 for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_md_get_size(md_info: *const mbedtls_md_info_t) -> c_uchar {
    entry!(mbedtls_md_get_size, on_panic = 0, {
        info_at(md_info).map_or(0, |info| info.algorithm.output_len() as c_uchar)
    })
}

/// The digest size in bytes of `md_type`; 0 for the types `mbedtls_md_info_from_type` does not
/// know. (A `static inline` function in Mbed TLS 3.6, a real function here.)
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_md_get_size_from_type(md_type: mbedtls_md_type_t) -> c_uchar {
    entry!(mbedtls_md_get_size_from_type, on_panic = 0, { mbedtls_md_get_size(mbedtls_md_info_from_type(md_type)) })
}

/// The `MBEDTLS_MD_*` type of the algorithm at `md_info`; `MBEDTLS_MD_NONE` for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_md_get_type(md_info: *const mbedtls_md_info_t) -> mbedtls_md_type_t {
    entry!(mbedtls_md_get_type, on_panic = MBEDTLS_MD_NONE, {
        info_at(md_info).map_or(MBEDTLS_MD_NONE, |info| info.md_type)
    })
}

/// The name of the algorithm at `md_info` (`"SHA256"`, ...), a static string; NULL for NULL.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_md_get_name(md_info: *const mbedtls_md_info_t) -> *const c_char {
    entry!(mbedtls_md_get_name, { info_at(md_info).map_or(core::ptr::null(), |info| info.name.as_ptr()) })
}

/// The types of the available algorithms, strongest first, ending with `MBEDTLS_MD_NONE` (0): a
/// static array.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_md_list() -> *const c_int {
    entry!(mbedtls_md_list, { LIST.as_ptr() })
}

/// Initialises a context (not set up). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or points to writable memory for an `mbedtls_md_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_init(ctx: *mut mbedtls_md_context_t) {
    entry!(mbedtls_md_init, {
        // SAFETY: `ctx` is NULL or writable (the caller's contract).
        unsafe { handle::init(ctx) }
    })
}

/// Frees what the context holds (its computation and HMAC key) and leaves it not set up. NULL,
/// zeroed and already freed contexts are fine.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_free(ctx: *mut mbedtls_md_context_t) {
    entry!(mbedtls_md_free, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { handle::release(ctx) }
    })
}

/// Binds a context to the algorithm at `md_info`. With `hmac` non-zero the HMAC functions may be
/// used with it; with 0 they are refused. Call `mbedtls_md_free` later.
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL `ctx`, a NULL or foreign `md_info`, or a
/// context that is already set up (a difference from Mbed TLS, which overwrites it).
///
/// # Safety
/// `ctx` is NULL or points to an initialised `mbedtls_md_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_setup(
    ctx: *mut mbedtls_md_context_t,
    md_info: *const mbedtls_md_info_t,
    hmac: c_int,
) -> c_int {
    entry!(mbedtls_md_setup, {
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        let (Some(info), false, false) = (info_at(md_info), ctx.is_null(), unsafe { handle::is_set(ctx) }) else {
            return code_of(Error::MdBadInputData);
        };
        // SAFETY: a non-NULL shell holding no object.
        unsafe { handle::install(ctx, Mutex::new(MdContext::new(info.algorithm, hmac != 0))) };
        0
    })
}

/// Copies `src`'s running computation (a digest, or an HMAC with its key) into `dst`, which
/// must be set up with the same algorithm (and with `hmac` = 1 to take an HMAC). A `src` that is
/// not running leaves `dst` not running. `dst` keeps its own HMAC key for `mbedtls_md_hmac_reset`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for NULL or not set up contexts, different algorithms, or
/// an HMAC into a context set up without HMAC.
///
/// # Safety
/// `dst` and `src` are NULL or point to `mbedtls_md_context_t`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_clone(dst: *mut mbedtls_md_context_t, src: *const mbedtls_md_context_t) -> c_int {
    entry!(mbedtls_md_clone, {
        // SAFETY: NULL or a shell (the caller's contract); the reference ends with this statement,
        // so `dst` may be the same context.
        let Some(copy) =
            (unsafe { handle::get(src) }).map(|src| src.lock().unwrap_or_else(PoisonError::into_inner).clone())
        else {
            return code_of(Error::MdBadInputData);
        };
        // SAFETY: NULL or a shell (the caller's contract).
        unsafe { with_context(dst, |dst| dst.copy_from(&copy)) }
    })
}

/// Starts a new digest, abandoning a running digest or HMAC (the HMAC key stays for
/// `mbedtls_md_hmac_reset`).
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_starts(ctx: *mut mbedtls_md_context_t) -> c_int {
    entry!(mbedtls_md_starts, {
        // SAFETY: per this function's contract.
        unsafe {
            with_context(ctx, |context| {
                context.starts();
                Ok(())
            })
        }
    })
}

/// Feeds `ilen` bytes at `input` to the running digest (any number of calls, any sizes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx`, no running digest (never
/// started, finished, or an HMAC is running), or `input` NULL with `ilen > 0`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `input` is NULL or readable for `ilen`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_update(
    ctx: *mut mbedtls_md_context_t,
    input: *const c_uchar,
    ilen: usize,
) -> c_int {
    entry!(mbedtls_md_update, {
        // SAFETY: per this function's contract.
        unsafe { update(ctx, Mode::Digest, input, ilen) }
    })
}

/// Writes the digest (`mbedtls_md_get_size` bytes) to `output`; the context is then not running
/// until the next `mbedtls_md_starts`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx`, no running digest, or a
/// NULL `output` (the computation then stays as it was).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `output` is NULL or writable for the
/// digest's size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_finish(ctx: *mut mbedtls_md_context_t, output: *mut c_uchar) -> c_int {
    entry!(mbedtls_md_finish, {
        // SAFETY: per this function's contract.
        unsafe { finish(ctx, Mode::Digest, output) }
    })
}

/// The digest of `ilen` bytes at `input` with the algorithm at `md_info`, into `output`
/// (`mbedtls_md_get_size` bytes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or foreign `md_info`, `input` NULL with
/// `ilen > 0`, or a NULL `output`.
///
/// # Safety
/// `input` is NULL or readable for `ilen` bytes; `output` is NULL or writable for the digest's
/// size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md(
    md_info: *const mbedtls_md_info_t,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_md, {
        let algorithm = info_at(md_info).map(|info| info.algorithm);
        // SAFETY: per this function's contract.
        unsafe { hash_context::digest_into(algorithm, input, ilen, output, Error::MdBadInputData) }
    })
}

/// The digest of the contents of the file at `path` with the algorithm at `md_info`, into
/// `output` (`mbedtls_md_get_size` bytes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_FILE_IO_ERROR` when the file cannot be opened or read;
/// `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or foreign `md_info`, a NULL `path` or a NULL
/// `output`.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string; `output` is NULL or writable for the digest's
/// size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_file(
    md_info: *const mbedtls_md_info_t,
    path: *const c_char,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_md_file, {
        // SAFETY: NULL or NUL-terminated (the caller's contract).
        let (Some(info), Some(path)) = (info_at(md_info), unsafe { in_path(path) }) else {
            return code_of(Error::MdBadInputData);
        };
        // SAFETY: NULL or writable for the digest's size (the caller's contract).
        let result =
            unsafe { output_for(output, info.algorithm) }.and_then(|out| digest::hash_file(info.algorithm, path, out));
        status(result)
    })
}

/// Records the HMAC key (`keylen` bytes at `key`, any length) and starts an HMAC with it,
/// abandoning a running digest or HMAC. The context must be set up with `hmac` = 1.
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx`, a context set up without
/// HMAC, or `key` NULL with `keylen > 0`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `key` is NULL or readable for
/// `keylen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_hmac_starts(
    ctx: *mut mbedtls_md_context_t,
    key: *const c_uchar,
    keylen: usize,
) -> c_int {
    entry!(mbedtls_md_hmac_starts, {
        // SAFETY: NULL or readable for `keylen` bytes (the caller's contract).
        let Some(key) = (unsafe { in_slice(key, keylen) }) else {
            return code_of(Error::MdBadInputData);
        };
        // SAFETY: `ctx` is NULL or a shell (the caller's contract).
        unsafe { with_context(ctx, |context| context.hmac_starts(key)) }
    })
}

/// Feeds `ilen` bytes at `input` to the running HMAC (any number of calls, any sizes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx`, no running HMAC (no
/// `mbedtls_md_hmac_starts`/`_reset` since the last finish, or a digest is running), or `input`
/// NULL with `ilen > 0`.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `input` is NULL or readable for `ilen`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_hmac_update(
    ctx: *mut mbedtls_md_context_t,
    input: *const c_uchar,
    ilen: usize,
) -> c_int {
    entry!(mbedtls_md_hmac_update, {
        // SAFETY: per this function's contract.
        unsafe { update(ctx, Mode::Hmac, input, ilen) }
    })
}

/// Writes the HMAC (`mbedtls_md_get_size` bytes) to `output`; then `mbedtls_md_hmac_reset`
/// starts another with the same key.
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx`, no running HMAC, or a
/// NULL `output` (the computation then stays as it was).
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`; `output` is NULL or writable for the
/// digest's size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_hmac_finish(ctx: *mut mbedtls_md_context_t, output: *mut c_uchar) -> c_int {
    entry!(mbedtls_md_hmac_finish, {
        // SAFETY: per this function's contract.
        unsafe { finish(ctx, Mode::Hmac, output) }
    })
}

/// Starts a new HMAC with the key of the last `mbedtls_md_hmac_starts`, abandoning a running
/// digest or HMAC.
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or not set up `ctx` or one without a key.
///
/// # Safety
/// `ctx` is NULL or points to an `mbedtls_md_context_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_hmac_reset(ctx: *mut mbedtls_md_context_t) -> c_int {
    entry!(mbedtls_md_hmac_reset, {
        // SAFETY: per this function's contract.
        unsafe { with_context(ctx, MdContext::hmac_reset) }
    })
}

/// The HMAC of `ilen` bytes at `input` under the key (`keylen` bytes at `key`, any length) with
/// the algorithm at `md_info`, into `output` (`mbedtls_md_get_size` bytes).
///
/// # Returns
/// 0; `MBEDTLS_ERR_MD_BAD_INPUT_DATA` for a NULL or foreign `md_info`, `key` or `input` NULL
/// with a non-zero length, or a NULL `output`.
///
/// # Safety
/// `key` is NULL or readable for `keylen` bytes, `input` NULL or readable for `ilen` bytes;
/// `output` is NULL or writable for the digest's size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_md_hmac(
    md_info: *const mbedtls_md_info_t,
    key: *const c_uchar,
    keylen: usize,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_md_hmac, {
        // SAFETY: `key` and `input` are NULL or readable for their lengths (the caller's contract).
        let (Some(info), Some(key), Some(data)) =
            (info_at(md_info), unsafe { in_slice(key, keylen) }, unsafe { in_slice(input, ilen) })
        else {
            return code_of(Error::MdBadInputData);
        };
        // SAFETY: NULL or writable for the digest's size (the caller's contract).
        let result = unsafe { output_for(output, info.algorithm) }
            .map(|out| digest::authenticate(info.algorithm, key, data, out));
        status(result)
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/md.rs"));

#[cfg(test)]
mod tests {
    use core::ptr::{null, null_mut};

    use super::super::handle::Shell;
    use super::*;
    use crate::digest::tests::{
        ALL, FIPS_DIGESTS, FIPS_MESSAGES, RFC2202_SHA1_TAG_1, RFC4231_TAGS, rfc4231_inputs, unhex,
    };

    const BAD: c_int = MBEDTLS_ERR_MD_BAD_INPUT_DATA;

    fn info(algorithm: Algorithm) -> *const mbedtls_md_info_t {
        info_of(algorithm)
    }

    fn new_ctx(algorithm: Algorithm, hmac: c_int) -> mbedtls_md_context_t {
        let mut ctx = mbedtls_md_context_t::EMPTY;
        // SAFETY: `ctx` is a live shell of this test; the info is one of ours.
        unsafe {
            mbedtls_md_init(&mut ctx);
            assert_eq!(mbedtls_md_setup(&mut ctx, info(algorithm), hmac), 0);
        }
        ctx
    }

    fn update(ctx: &mut mbedtls_md_context_t, data: &[u8]) -> c_int {
        // SAFETY: `ctx` is a live shell, `data` readable for its length.
        unsafe { mbedtls_md_update(ctx, data.as_ptr(), data.len()) }
    }

    fn hmac_update(ctx: &mut mbedtls_md_context_t, data: &[u8]) -> c_int {
        // SAFETY: `ctx` is a live shell, `data` readable for its length.
        unsafe { mbedtls_md_hmac_update(ctx, data.as_ptr(), data.len()) }
    }

    /// `mbedtls_md_finish` or `mbedtls_md_hmac_finish` into a fresh buffer of the right size.
    fn finish(
        ctx: &mut mbedtls_md_context_t,
        f: unsafe extern "C" fn(*mut mbedtls_md_context_t, *mut c_uchar) -> c_int,
    ) -> Result<Vec<u8>, c_int> {
        // SAFETY: `ctx` is a live shell.
        let size = mbedtls_md_get_size(unsafe { mbedtls_md_info_from_ctx(ctx) });
        let mut out = vec![0; usize::from(size)];
        // SAFETY: `out` holds the digest size.
        match unsafe { f(ctx, out.as_mut_ptr()) } {
            0 => Ok(out),
            code => Err(code),
        }
    }

    #[test]
    fn infos() {
        let expected: [(Algorithm, c_int, &str, u8); 5] = [
            (Algorithm::Sha1, MBEDTLS_MD_SHA1, "SHA1", 20),
            (Algorithm::Sha224, MBEDTLS_MD_SHA224, "SHA224", 28),
            (Algorithm::Sha256, MBEDTLS_MD_SHA256, "SHA256", 32),
            (Algorithm::Sha384, MBEDTLS_MD_SHA384, "SHA384", 48),
            (Algorithm::Sha512, MBEDTLS_MD_SHA512, "SHA512", 64),
        ];
        for (algorithm, md_type, name, size) in expected {
            let info = mbedtls_md_info_from_type(md_type);
            assert_eq!(info, self::info(algorithm));
            assert_eq!(mbedtls_md_get_type(info), md_type);
            assert_eq!(mbedtls_md_get_size(info), size);
            assert_eq!(mbedtls_md_get_size_from_type(md_type), size);
            // SAFETY: our names are static C strings.
            assert_eq!(unsafe { CStr::from_ptr(mbedtls_md_get_name(info)) }.to_str(), Ok(name));
            let cname = std::ffi::CString::new(name).unwrap();
            // SAFETY: a C string.
            assert_eq!(unsafe { mbedtls_md_info_from_string(cname.as_ptr()) }, info);
        }
        for missing in [
            MBEDTLS_MD_NONE,
            MBEDTLS_MD_MD5,
            MBEDTLS_MD_RIPEMD160,
            MBEDTLS_MD_SHA3_224,
            MBEDTLS_MD_SHA3_256,
            MBEDTLS_MD_SHA3_384,
            MBEDTLS_MD_SHA3_512,
            0x06,
            -1,
        ] {
            assert!(mbedtls_md_info_from_type(missing).is_null(), "{missing}");
            assert_eq!(mbedtls_md_get_size_from_type(missing), 0);
        }
        // SAFETY: C strings or NULL.
        unsafe {
            assert_eq!(mbedtls_md_info_from_string(c"SHA".as_ptr()), info(Algorithm::Sha1));
            for name in [c"sha256", c"MD5", c"RIPEMD160", c"SHA3-256", c"", c"SHA256 "] {
                assert!(mbedtls_md_info_from_string(name.as_ptr()).is_null(), "{name:?}");
            }
            assert!(mbedtls_md_info_from_string(null()).is_null());
        }
        // NULL and foreign descriptions.
        let foreign = (&LIST as *const [c_int; 6]).cast::<mbedtls_md_info_t>();
        for info in [null(), foreign] {
            assert_eq!(mbedtls_md_get_size(info), 0);
            assert_eq!(mbedtls_md_get_type(info), MBEDTLS_MD_NONE);
            assert!(mbedtls_md_get_name(info).is_null());
        }
        // SAFETY: the list is a static array ending with 0.
        let list = unsafe { crate::ffi::until_terminator(mbedtls_md_list(), MBEDTLS_MD_NONE) }.unwrap();
        assert_eq!(list, [MBEDTLS_MD_SHA512, MBEDTLS_MD_SHA384, MBEDTLS_MD_SHA256, MBEDTLS_MD_SHA224, MBEDTLS_MD_SHA1]);
    }

    #[test]
    fn digests_at_once_and_streamed() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 13 + 1) as u8).collect();
        for (algorithm, digests) in FIPS_DIGESTS {
            for (message, expected) in FIPS_MESSAGES.iter().zip(digests) {
                let mut out = vec![0; algorithm.output_len()];
                // SAFETY: `message` readable, `out` writable for their lengths.
                assert_eq!(
                    unsafe { mbedtls_md(info(algorithm), message.as_ptr(), message.len(), out.as_mut_ptr()) },
                    0
                );
                assert_eq!(out, unhex(expected));
            }
            let mut whole = vec![0; algorithm.output_len()];
            // SAFETY: as above.
            assert_eq!(unsafe { mbedtls_md(info(algorithm), data.as_ptr(), data.len(), whole.as_mut_ptr()) }, 0);
            let mut ctx = new_ctx(algorithm, 0);
            for piece in [1, 17, 64, 127, 128, 1000] {
                // SAFETY: `ctx` is live.
                assert_eq!(unsafe { mbedtls_md_starts(&mut ctx) }, 0);
                data.chunks(piece).for_each(|chunk| assert_eq!(update(&mut ctx, chunk), 0));
                assert_eq!(finish(&mut ctx, mbedtls_md_finish), Ok(whole.clone()), "{algorithm:?} / {piece}");
            }
            // SAFETY: `ctx` is live.
            unsafe { mbedtls_md_free(&mut ctx) };
        }
    }

    #[test]
    fn hmac_rfc_4231_and_2202() {
        for (algorithm, tags) in RFC4231_TAGS {
            let mut ctx = new_ctx(algorithm, 1);
            for ((key, data), expected) in rfc4231_inputs().iter().zip(tags) {
                let expected = unhex(expected);
                let mut out = vec![0; algorithm.output_len()];
                // SAFETY: buffers valid for their lengths.
                let ret = unsafe {
                    mbedtls_md_hmac(
                        info(algorithm),
                        key.as_ptr(),
                        key.len(),
                        data.as_ptr(),
                        data.len(),
                        out.as_mut_ptr(),
                    )
                };
                assert_eq!((ret, &out), (0, &expected), "{algorithm:?}");
                // Through the context, in pieces, then again after a reset.
                // SAFETY: `ctx` is live, `key` readable for its length.
                assert_eq!(unsafe { mbedtls_md_hmac_starts(&mut ctx, key.as_ptr(), key.len()) }, 0);
                data.chunks(7).for_each(|chunk| assert_eq!(hmac_update(&mut ctx, chunk), 0));
                assert_eq!(finish(&mut ctx, mbedtls_md_hmac_finish), Ok(expected.clone()));
                // SAFETY: `ctx` is live.
                assert_eq!(unsafe { mbedtls_md_hmac_reset(&mut ctx) }, 0);
                assert_eq!(hmac_update(&mut ctx, data), 0);
                assert_eq!(finish(&mut ctx, mbedtls_md_hmac_finish), Ok(expected));
            }
            // SAFETY: `ctx` is live.
            unsafe { mbedtls_md_free(&mut ctx) };
        }
        let mut out = [0u8; 20];
        // SAFETY: buffers valid for their lengths.
        let ret = unsafe {
            mbedtls_md_hmac(info(Algorithm::Sha1), [0x0b; 20].as_ptr(), 20, b"Hi There".as_ptr(), 8, out.as_mut_ptr())
        };
        assert_eq!((ret, out.to_vec()), (0, unhex(RFC2202_SHA1_TAG_1)));
    }

    #[test]
    fn clone_mid_stream() {
        for algorithm in ALL {
            let abc = unhex(FIPS_DIGESTS.iter().find(|(a, _)| *a == algorithm).unwrap().1[0]);
            let mut src = new_ctx(algorithm, 0);
            let mut dst = new_ctx(algorithm, 0);
            // SAFETY: live shells of this test.
            unsafe {
                assert_eq!(mbedtls_md_starts(&mut src), 0);
                assert_eq!(update(&mut src, b"ab"), 0);
                assert_eq!(mbedtls_md_clone(&mut dst, &src), 0);
                assert_eq!(mbedtls_md_clone(&mut src, &src), 0, "onto itself");
            }
            for ctx in [&mut src, &mut dst] {
                assert_eq!(update(ctx, b"c"), 0);
                assert_eq!(finish(ctx, mbedtls_md_finish), Ok(abc.clone()));
                // SAFETY: a live shell.
                unsafe { mbedtls_md_free(ctx) };
            }
        }
        // An HMAC in progress, into a context set up for HMAC with another key.
        let (key, data) = &rfc4231_inputs()[1];
        let mut src = new_ctx(Algorithm::Sha256, 1);
        let mut dst = new_ctx(Algorithm::Sha256, 1);
        let mut plain = new_ctx(Algorithm::Sha256, 0);
        let mut other = new_ctx(Algorithm::Sha512, 1);
        let mut unset = mbedtls_md_context_t::EMPTY;
        // SAFETY: live shells of this test; `key` readable for its length.
        unsafe {
            assert_eq!(mbedtls_md_hmac_starts(&mut src, key.as_ptr(), key.len()), 0);
            assert_eq!(mbedtls_md_hmac_starts(&mut dst, b"another".as_ptr(), 7), 0);
            assert_eq!(hmac_update(&mut src, &data[..5]), 0);
            assert_eq!(mbedtls_md_clone(&mut plain, &src), BAD, "HMAC into a context without HMAC");
            assert_eq!(mbedtls_md_clone(&mut other, &src), BAD, "different algorithms");
            assert_eq!(mbedtls_md_clone(&mut unset, &src), BAD, "destination not set up");
            assert_eq!(mbedtls_md_clone(&mut src, &unset), BAD, "source not set up");
            assert_eq!(mbedtls_md_clone(null_mut(), &src), BAD);
            assert_eq!(mbedtls_md_clone(&mut dst, null()), BAD);
            assert_eq!(mbedtls_md_clone(&mut dst, &src), 0);
        }
        assert_eq!(hmac_update(&mut dst, &data[5..]), 0);
        assert_eq!(finish(&mut dst, mbedtls_md_hmac_finish), Ok(unhex(RFC4231_TAGS[1].1[1])));
        for ctx in [&mut src, &mut dst, &mut plain, &mut other] {
            // SAFETY: live shells.
            unsafe { mbedtls_md_free(ctx) };
        }
    }

    #[test]
    fn bad_input_and_wrong_state() {
        let mut out = [0u8; 64];
        let o = out.as_mut_ptr();
        let sha256 = info(Algorithm::Sha256);
        let mut ctx = mbedtls_md_context_t::EMPTY;
        // SAFETY: NULL, live shells of this test, and buffers valid for the lengths passed (or
        // NULL with the length that makes them invalid).
        unsafe {
            mbedtls_md_init(null_mut());
            mbedtls_md_free(null_mut());
            mbedtls_md_init(&mut ctx);
            assert!(mbedtls_md_info_from_ctx(&ctx).is_null(), "not set up");
            assert!(mbedtls_md_info_from_ctx(null()).is_null());
            // Every context function on NULL and on a context that is not set up.
            for c in [null_mut(), &raw mut ctx] {
                assert_eq!(mbedtls_md_starts(c), BAD);
                assert_eq!(mbedtls_md_update(c, b"x".as_ptr(), 1), BAD);
                assert_eq!(mbedtls_md_finish(c, o), BAD);
                assert_eq!(mbedtls_md_hmac_starts(c, b"k".as_ptr(), 1), BAD);
                assert_eq!(mbedtls_md_hmac_update(c, b"x".as_ptr(), 1), BAD);
                assert_eq!(mbedtls_md_hmac_finish(c, o), BAD);
                assert_eq!(mbedtls_md_hmac_reset(c), BAD);
            }
            assert_eq!(mbedtls_md_setup(null_mut(), sha256, 0), BAD);
            assert_eq!(mbedtls_md_setup(&mut ctx, null(), 0), BAD);
            assert_eq!(mbedtls_md_setup(&mut ctx, o.cast(), 0), BAD, "foreign info");
            assert_eq!(mbedtls_md_setup(&mut ctx, sha256, 0), 0);
            assert_eq!(mbedtls_md_setup(&mut ctx, sha256, 1), BAD, "setup twice");
            assert_eq!(mbedtls_md_info_from_ctx(&ctx), sha256);
            // Wrong states of a digest-only context.
            assert_eq!(mbedtls_md_update(&mut ctx, b"x".as_ptr(), 1), BAD, "update before starts");
            assert_eq!(mbedtls_md_finish(&mut ctx, o), BAD, "finish before starts");
            assert_eq!(mbedtls_md_hmac_starts(&mut ctx, b"k".as_ptr(), 1), BAD, "set up with hmac = 0");
            assert_eq!(mbedtls_md_hmac_reset(&mut ctx), BAD);
            assert_eq!(mbedtls_md_starts(&mut ctx), 0);
            assert_eq!(mbedtls_md_update(&mut ctx, null(), 2), BAD, "(NULL, 2)");
            assert_eq!(mbedtls_md_update(&mut ctx, null(), 0), 0);
            assert_eq!(mbedtls_md_hmac_update(&mut ctx, b"x".as_ptr(), 1), BAD, "a digest is running");
            assert_eq!(mbedtls_md_hmac_finish(&mut ctx, o), BAD);
            assert_eq!(mbedtls_md_finish(&mut ctx, null_mut()), BAD, "NULL output");
            assert_eq!(mbedtls_md_finish(&mut ctx, o), 0, "still running after the refusals");
            assert_eq!(out[..32], unhex(FIPS_DIGESTS[2].1[1]));
            assert_eq!(mbedtls_md_finish(&mut ctx, o), BAD, "finish twice");
            mbedtls_md_free(&mut ctx);
            mbedtls_md_free(&mut ctx);
            // Wrong states of an HMAC context.
            assert_eq!(mbedtls_md_setup(&mut ctx, sha256, 1), 0, "set up again after free");
            assert_eq!(mbedtls_md_hmac_update(&mut ctx, b"x".as_ptr(), 1), BAD, "before hmac_starts");
            assert_eq!(mbedtls_md_hmac_finish(&mut ctx, o), BAD, "before hmac_starts");
            assert_eq!(mbedtls_md_hmac_reset(&mut ctx), BAD, "no key yet");
            assert_eq!(mbedtls_md_hmac_starts(&mut ctx, null(), 3), BAD, "(NULL, 3) key");
            assert_eq!(mbedtls_md_hmac_starts(&mut ctx, null(), 0), 0, "an empty key is a key");
            assert_eq!(mbedtls_md_update(&mut ctx, b"x".as_ptr(), 1), BAD, "an HMAC is running");
            assert_eq!(mbedtls_md_finish(&mut ctx, o), BAD);
            assert_eq!(mbedtls_md_hmac_update(&mut ctx, null(), 1), BAD);
            assert_eq!(mbedtls_md_hmac_finish(&mut ctx, null_mut()), BAD);
            assert_eq!(mbedtls_md_hmac_finish(&mut ctx, o), 0);
            assert_eq!(mbedtls_md_hmac_finish(&mut ctx, o), BAD, "finish twice");
            assert_eq!(mbedtls_md_hmac_reset(&mut ctx), 0);
            mbedtls_md_free(&mut ctx);
            // A copy of a freed shell and a garbage shell.
            assert_eq!(mbedtls_md_setup(&mut ctx, sha256, 0), 0);
            let copy = core::ptr::read(&ctx);
            mbedtls_md_free(&mut ctx);
            assert_eq!(mbedtls_md_starts(&copy as *const _ as *mut _), BAD, "stale copy");
            let mut garbage = mbedtls_md_context_t { private_handle: 0x5A5A_5A5A as *mut c_void };
            assert_eq!(mbedtls_md_starts(&mut garbage), BAD, "garbage");
            assert!(mbedtls_md_info_from_ctx(&garbage).is_null());
            mbedtls_md_free(&mut garbage);
            // One-shots.
            assert_eq!(mbedtls_md(null(), b"abc".as_ptr(), 3, o), BAD);
            assert_eq!(mbedtls_md(o.cast(), b"abc".as_ptr(), 3, o), BAD, "foreign info");
            assert_eq!(mbedtls_md(sha256, null(), 3, o), BAD);
            assert_eq!(mbedtls_md(sha256, b"abc".as_ptr(), 3, null_mut()), BAD);
            assert_eq!(mbedtls_md_hmac(null(), b"k".as_ptr(), 1, b"abc".as_ptr(), 3, o), BAD);
            assert_eq!(mbedtls_md_hmac(sha256, null(), 1, b"abc".as_ptr(), 3, o), BAD);
            assert_eq!(mbedtls_md_hmac(sha256, b"k".as_ptr(), 1, null(), 3, o), BAD);
            assert_eq!(mbedtls_md_hmac(sha256, b"k".as_ptr(), 1, b"abc".as_ptr(), 3, null_mut()), BAD);
        }
    }

    #[test]
    fn file() {
        let dir = std::env::temp_dir().join(format!("mbedtls-md-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("abc");
        std::fs::write(&path, b"abc").unwrap();
        let cpath = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        let cdir = std::ffi::CString::new(dir.to_str().unwrap()).unwrap();
        let mut out = [0u8; 64];
        let o = out.as_mut_ptr();
        for (algorithm, digests) in FIPS_DIGESTS {
            // SAFETY: a C string and a 64-byte buffer.
            assert_eq!(unsafe { mbedtls_md_file(info(algorithm), cpath.as_ptr(), o) }, 0);
            assert_eq!(out[..algorithm.output_len()], unhex(digests[0]));
        }
        let sha1 = info(Algorithm::Sha1);
        // SAFETY: C strings or NULL, and a 64-byte buffer or NULL.
        unsafe {
            assert_eq!(mbedtls_md_file(sha1, c"/nonexistent/file".as_ptr(), o), MBEDTLS_ERR_MD_FILE_IO_ERROR);
            assert_eq!(mbedtls_md_file(sha1, cdir.as_ptr(), o), MBEDTLS_ERR_MD_FILE_IO_ERROR, "a directory");
            assert_eq!(mbedtls_md_file(null(), cpath.as_ptr(), o), BAD);
            assert_eq!(mbedtls_md_file(sha1, null(), o), BAD);
            assert_eq!(mbedtls_md_file(sha1, cpath.as_ptr(), null_mut()), BAD);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
