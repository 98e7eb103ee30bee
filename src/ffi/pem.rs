//! `pem.h`: reading one PEM block into a context (`mbedtls_pem_read_buffer`) and writing one
//! (`mbedtls_pem_write_buffer`); the framing rules are in `crate::pem`.

use core::ffi::{c_char, c_int, c_uchar, c_void};

use super::handle::{self, shell};
use super::{entry, in_cstr, in_slice, out_slice};
use crate::error::Error;
use crate::ffi::error::code_of;
use crate::ffi::pk::code_of_op;

pub use super::error::codes::pem::*;

/// A PEM context: `mbedtls_pem_init`, `mbedtls_pem_read_buffer`, read the decoded bytes with
/// `mbedtls_pem_get_buffer`, `mbedtls_pem_free`. The field is private.
#[repr(C)]
pub struct mbedtls_pem_context {
    private_handle: *mut c_void,
}

shell!(mbedtls_pem_context => zeroize::Zeroizing<Vec<u8>>, mbedtls_pem_context { private_handle: core::ptr::null_mut() });

/// Initialises a PEM context (empty). Writes without reading; NULL is ignored.
///
/// # Safety
/// `ctx` is NULL or valid for writes of a `mbedtls_pem_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pem_init(ctx: *mut mbedtls_pem_context) {
    // SAFETY: `ctx` is NULL or writable (the contract of this function).
    entry!(mbedtls_pem_init, { unsafe { handle::init(ctx) } })
}

/// Frees the decoded data (wiped) and leaves the context empty. NULL, empty contexts and repeated
/// calls are fine.
///
/// # Safety
/// `ctx` is NULL or an initialised (or zeroed) context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pem_free(ctx: *mut mbedtls_pem_context) {
    // SAFETY: `ctx` is NULL or an initialised context (the contract of this function).
    entry!(mbedtls_pem_free, { unsafe { handle::release(ctx) } })
}

/// Decodes the first block between `header` and `footer` (e.g. `"-----BEGIN CERTIFICATE-----"`,
/// `"-----END CERTIFICATE-----"`) of the NUL-terminated text `data` into `ctx`.
///
/// `*use_len` gets the number of bytes up to the end of the block (the footer and one line end)
/// as soon as both markers are found, also when decoding then fails. `pwd` is not used: blocks
/// encrypted the legacy OpenSSL way are not supported.
///
/// # Returns
/// 0; `MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT` (no header, no footer after it, or the header
/// not ending its line); `MBEDTLS_ERR_PEM_INVALID_DATA` + `MBEDTLS_ERR_BASE64_INVALID_CHARACTER`
/// for a body that is not base64; `MBEDTLS_ERR_PEM_BAD_INPUT_DATA` for an empty body and for NULL
/// `ctx`, `header`, `footer`, `data` or `use_len`; `MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE` for a
/// `Proc-Type: 4,ENCRYPTED` block (what Mbed TLS built without MD5 returns).
///
/// Differences from Mbed TLS: decoding into a context that holds data replaces (and frees) it.
///
/// # Safety
/// `ctx` is NULL or an initialised context; `header`, `footer`, `data` are NULL or C strings;
/// `pwd` is not read; `use_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pem_read_buffer(
    ctx: *mut mbedtls_pem_context,
    header: *const c_char,
    footer: *const c_char,
    data: *const c_uchar,
    pwd: *const c_uchar,
    pwdlen: usize,
    use_len: *mut usize,
) -> c_int {
    entry!(mbedtls_pem_read_buffer, {
        let _ = (pwd, pwdlen);
        // SAFETY: each is NULL or a C string (caller).
        let texts = unsafe { (in_cstr(header), in_cstr(footer), in_cstr(data.cast::<c_char>())) };
        let (Some(header), Some(footer), Some(data)) = texts else {
            return code_of(Error::PemBadInputData);
        };
        if ctx.is_null() || use_len.is_null() {
            return code_of(Error::PemBadInputData);
        }
        let read = crate::pem::read_block(data.to_bytes(), header.to_bytes(), footer.to_bytes());
        if let Some(used) = read.used {
            // SAFETY: non-NULL (checked) and writable (caller).
            unsafe { use_len.write(used) };
        }
        match read.result {
            Ok(der) => {
                // SAFETY: `ctx` is non-NULL and an initialised context (caller); its old data
                // is freed first.
                unsafe {
                    handle::release(ctx);
                    handle::install(ctx, zeroize::Zeroizing::new(der));
                }
                0
            }
            Err(e) => code_of_op(e),
        }
    })
}

/// The decoded data of a context: a pointer to it (valid until the context is freed or read into
/// again) and its length in `*buflen`. NULL and 0 for NULL or empty contexts.
///
/// (A `static inline` function reading the context's fields in Mbed TLS 3.6.)
///
/// # Safety
/// `ctx` is NULL or an initialised context; `buflen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pem_get_buffer(ctx: *mut mbedtls_pem_context, buflen: *mut usize) -> *const c_uchar {
    entry!(mbedtls_pem_get_buffer, {
        // SAFETY: `ctx` is NULL or an initialised context (caller).
        let data = unsafe { handle::get(ctx) };
        let (ptr, len) = data.map_or((core::ptr::null(), 0), |d| (d.as_ptr(), d.len()));
        if !buflen.is_null() {
            // SAFETY: non-NULL and writable (caller).
            unsafe { buflen.write(len) };
        }
        ptr
    })
}

/// Writes `der_data` as a NUL-terminated PEM block into `buf`: `header` (which should end in a
/// line end), the base64 in lines of 64 characters, `footer`. `*olen` gets the size needed,
/// NUL included — also when the buffer is too small.
///
/// # Returns
/// 0; `MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL` when `buf_len` is smaller than `*olen` (nothing
/// written); `MBEDTLS_ERR_PEM_BAD_INPUT_DATA` for NULL `header`, `footer` or `olen`, and
/// `(NULL, n > 0)` buffers.
///
/// # Safety
/// `header` and `footer` are NULL or C strings; `der_data` is NULL or valid for `der_len`
/// bytes; `buf` is NULL or writable for `buf_len` bytes; `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_pem_write_buffer(
    header: *const c_char,
    footer: *const c_char,
    der_data: *const c_uchar,
    der_len: usize,
    buf: *mut c_uchar,
    buf_len: usize,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_pem_write_buffer, {
        // SAFETY: each pointer is NULL or valid as the contract says.
        let args = unsafe { (in_cstr(header), in_cstr(footer), in_slice(der_data, der_len), out_slice(buf, buf_len)) };
        let (Some(header), Some(footer), Some(der), Some(out)) = args else {
            return code_of(Error::PemBadInputData);
        };
        if olen.is_null() {
            return code_of(Error::PemBadInputData);
        }
        let text = zeroize::Zeroizing::new(crate::pem::encode(header.to_bytes(), footer.to_bytes(), der));
        // SAFETY: non-NULL (checked) and writable (caller).
        unsafe { olen.write(text.len()) };
        match out.get_mut(..text.len()) {
            Some(dest) => {
                dest.copy_from_slice(&text);
                0
            }
            None => code_of(Error::Base64BufferTooSmall),
        }
    })
}
