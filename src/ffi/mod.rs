//! The C boundary: one module per Mbed TLS header (`ffi::ssl` ↔ `include/mbedtls/ssl.h`).
//!
//! Every export validates its pointers, converts C values into safe Rust values, calls the core
//! and maps the result back to a C value. All `unsafe` of the crate lives under this module: the
//! buffer and string helpers in this file, and how a C struct owns its Rust object in [`handle`].
//!
//! Every export runs inside [`entry!`]: a panic never unwinds into C, it becomes the failure value
//! of the function's return type (`MBEDTLS_ERR_SSL_INTERNAL_ERROR` for `int`, NULL for pointers).

use core::ffi::{CStr, c_char, c_int, c_uchar};

use crate::error::Error;

pub(crate) mod crypt_context;
pub(crate) mod handle;
pub(crate) mod hash_context;
pub(crate) use handle::Guarded;

pub mod aes;
pub mod asn1;
pub mod base64;
pub mod chacha20;
pub mod chachapoly;
pub mod cipher;
pub mod compat;
pub mod compat_redis;
pub mod constant_time;
pub mod ctr_drbg;
pub mod debug;
pub mod ecp;
#[cfg(feature = "edition-2-28")]
pub mod edition_2_28;
pub mod entropy;
pub mod error;
pub mod gcm;
pub mod hkdf;
pub mod md;
pub mod net_sockets;
pub mod pem;
pub mod pk;
pub mod platform;
pub mod poly1305;
pub mod psa;
pub mod psa_util;
pub mod rsa;
pub mod sha1;
pub mod sha256;
pub mod sha512;
pub mod ssl;
pub mod ssl_cache;
pub mod ssl_ciphersuites;
pub mod ssl_ticket;
pub mod timing;
pub mod version;
pub mod x509;
pub mod x509_crl;
pub mod x509_crt;

/// What an export returns when its body panicked.
pub(crate) trait PanicValue {
    fn panic_value() -> Self;
}

impl PanicValue for c_int {
    fn panic_value() -> Self {
        error::code_of(Error::SslInternalError)
    }
}

impl PanicValue for () {
    fn panic_value() -> Self {}
}

impl<T> PanicValue for *const T {
    fn panic_value() -> Self {
        core::ptr::null()
    }
}

impl<T> PanicValue for *mut T {
    fn panic_value() -> Self {
        core::ptr::null_mut()
    }
}

impl PanicValue for usize {
    fn panic_value() -> Self {
        0
    }
}

impl PanicValue for u32 {
    fn panic_value() -> Self {
        u32::MAX
    }
}

/// The body of every export: a trace line and a panic boundary.
///
/// `entry!(name, { body })` returns the type's [`PanicValue`] on panic;
/// `entry!(name, on_panic = value, { body })` overrides it where Mbed TLS differs.
macro_rules! entry {
    ($name:ident, $body:block) => {
        entry!($name, on_panic = $crate::ffi::PanicValue::panic_value(), $body)
    };
    ($name:ident, on_panic = $fail:expr, $body:block) => {{
        ::log::trace!(target: "mbedtls::ffi", "{}", stringify!($name));
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(_) => {
                ::log::error!(target: "mbedtls::ffi", "{}: internal panic contained", stringify!($name));
                $fail
            }
        }
    }};
}
pub(crate) use entry;

/// The object behind a shell pointer, or an early `return` of `$fail` (`()` when omitted) for
/// NULL, uninitialised, freed or foreign shells. Used only in exports whose `# Safety` contract
/// says that `$shell` is NULL or points to a shell of its type (rustls-ffi's `try_ref_from_ptr!`).
macro_rules! shell_or_return {
    ($shell:expr) => {
        shell_or_return!($shell, ())
    };
    ($shell:expr, $fail:expr) => {
        // SAFETY: the contract of the export this expands in: `$shell` is NULL or a shell of its
        // type; the object lives until that shell is freed, which the caller does not do
        // concurrently.
        match unsafe { $crate::ffi::handle::get($shell) } {
            Some(object) => object,
            None => return $fail,
        }
    };
}
pub(crate) use shell_or_return;

// ---------------------------------------------------------------------------------------------
// Pointer helpers (the only place raw buffers become slices)

/// A `(ptr, len)` input buffer as a slice. `(NULL, 0)` is the empty slice; `(NULL, n > 0)` is None.
///
/// # Safety
/// A non-NULL `ptr` must be valid for `len` bytes for the lifetime `'a`.
pub(crate) unsafe fn in_slice<'a>(ptr: *const c_uchar, len: usize) -> Option<&'a [u8]> {
    if ptr.is_null() {
        return (len == 0).then_some(&[]);
    }
    // SAFETY: non-NULL and valid for `len` bytes for 'a (the contract of this function).
    Some(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// A `(ptr, len)` output buffer as a mutable slice, with the same NULL rules as [`in_slice`].
///
/// # Safety
/// A non-NULL `ptr` must be valid for writes of `len` bytes for the lifetime `'a`.
pub(crate) unsafe fn out_slice<'a>(ptr: *mut c_uchar, len: usize) -> Option<&'a mut [u8]> {
    if ptr.is_null() {
        return (len == 0).then_some(&mut []);
    }
    // SAFETY: non-NULL and writable for `len` bytes for 'a (the contract of this function).
    Some(unsafe { core::slice::from_raw_parts_mut(ptr, len) })
}

/// A NUL-terminated C string, or None for NULL.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn in_cstr<'a>(ptr: *const c_char) -> Option<&'a CStr> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL and NUL-terminated, valid for 'a (the contract of this function).
    Some(unsafe { CStr::from_ptr(ptr) })
}

/// A NUL-terminated C string as a file system path (its bytes, as Unix takes them), or None for
/// NULL.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn in_path<'a>(ptr: *const c_char) -> Option<&'a std::path::Path> {
    use std::os::unix::ffi::OsStrExt as _;
    // SAFETY: per this function's contract.
    let text = unsafe { in_cstr(ptr) }?;
    Some(std::path::Path::new(std::ffi::OsStr::from_bytes(text.to_bytes())))
}

/// The items of a C array that ends with `terminator` (not included), or None for NULL.
///
/// # Safety
/// A non-NULL `ptr` must point to an array in which `terminator` occurs.
pub(crate) unsafe fn until_terminator<T: Copy + PartialEq>(ptr: *const T, terminator: T) -> Option<Vec<T>> {
    if ptr.is_null() {
        return None;
    }
    let mut items = Vec::new();
    loop {
        // SAFETY: every element up to and including the terminator is readable (the contract).
        let item = unsafe { ptr.add(items.len()).read() };
        if item == terminator {
            return Some(items);
        }
        items.push(item);
    }
}

/// Hands out serialised bytes as Mbed TLS's `*_save` functions do: `*olen` is always set to the
/// size needed; the bytes are copied only when they fit (`MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL`
/// otherwise, with nothing written).
///
/// # Safety
/// `olen` is non-NULL and writable.
pub(crate) unsafe fn copy_out(bytes: &[u8], out: &mut [u8], olen: *mut usize) -> c_int {
    // SAFETY: non-NULL and writable (the contract of this function).
    unsafe { olen.write(bytes.len()) };
    match out.get_mut(..bytes.len()) {
        Some(dest) => {
            dest.copy_from_slice(bytes);
            0
        }
        None => error::code_of(Error::SslBufferTooSmall),
    }
}

/// Writes `text` into the C buffer `(buf, size)` as Mbed TLS's `snprintf`-style functions do:
/// truncated to fit, always NUL-terminated when `size > 0`. Returns the bytes written without
/// the NUL, or None when it had to truncate.
///
/// # Safety
/// A non-NULL `buf` must be valid for writes of `size` bytes.
pub(crate) unsafe fn write_c_text(buf: *mut c_char, size: usize, text: &str) -> Option<usize> {
    if buf.is_null() || size == 0 {
        return None;
    }
    // SAFETY: non-NULL (checked) and writable for `size > 0` bytes (the contract of this function).
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), size) };
    let n = text.len().min(size - 1);
    out[..n].copy_from_slice(&text.as_bytes()[..n]);
    out[n] = 0;
    (n == text.len()).then_some(n)
}
