//! What the symmetric-cipher headers (`aes.h`, `gcm.h`, `chacha20.h`, `poly1305.h`,
//! `chachapoly.h`, `cipher.h`) share: access to a shell's `Mutex` object, created by the first
//! call that keys it (these contexts have no setup call: `*_init` only zeroes), and the buffers
//! of an in-place transformation.
//!
//! Data is transformed in the caller's output buffer: the input is first copied over it (any
//! overlap allowed, as `memmove`), so input and output may be the same buffer, as Mbed TLS
//! allows. On a failed call the output is wiped, so that a caller who ignores the code never
//! sends the plaintext copied there.

use core::ffi::{c_int, c_uchar};
use std::sync::{Mutex, PoisonError};

use super::error::status;
use super::handle::{self, Shell};
use super::in_slice;
use crate::error::{Error, Result};

/// The codes of one header for a context that cannot be used: a NULL pointer, and a shell
/// holding no object (initialised but never keyed, freed, or garbage).
#[derive(Clone, Copy)]
pub(crate) struct Codes {
    pub(crate) null: Error,
    pub(crate) empty: Error,
}

impl Codes {
    /// The same code for both.
    pub(crate) const fn both(code: Error) -> Self {
        Self { null: code, empty: code }
    }
}

/// Runs `f` on the object of `shell`, as a core result.
///
/// # Safety
/// `shell` is NULL or points to a shell of its type; the object is not freed meanwhile.
pub(crate) unsafe fn run<S, T>(shell: *const S, codes: Codes, f: impl FnOnce(&mut T) -> Result<()>) -> Result<()>
where
    S: Shell<Object = Mutex<T>>,
{
    if shell.is_null() {
        return Err(codes.null);
    }
    // SAFETY: per this function's contract; the reference ends with this call.
    match unsafe { handle::get(shell) } {
        Some(object) => f(&mut object.lock().unwrap_or_else(PoisonError::into_inner)),
        None => Err(codes.empty),
    }
}

/// Runs `f` on the object of `shell`: 0 or the error's code.
///
/// # Safety
/// As [`run`].
pub(crate) unsafe fn with<S, T>(shell: *const S, codes: Codes, f: impl FnOnce(&mut T) -> Result<()>) -> c_int
where
    S: Shell<Object = Mutex<T>>,
{
    // SAFETY: per this function's contract.
    status(unsafe { run(shell, codes, f) })
}

/// Runs `f` on the object of `shell`, first giving the shell a new (empty) object when it holds
/// none: the calls that key a context.
///
/// # Safety
/// `shell` is NULL or points to an initialised (or zeroed) shell of its type.
pub(crate) unsafe fn with_new<S, T: Default + 'static>(
    shell: *mut S,
    codes: Codes,
    f: impl FnOnce(&mut T) -> Result<()>,
) -> c_int
where
    S: Shell<Object = Mutex<T>>,
{
    // SAFETY: per this function's contract (a NULL shell is left to `with`).
    if !shell.is_null() && !unsafe { handle::is_set(shell) } {
        // SAFETY: a non-NULL, initialised shell holding no object.
        unsafe { handle::install(shell, Mutex::new(T::default())) };
    }
    // SAFETY: per this function's contract.
    unsafe { with(shell, codes, f) }
}

/// An input buffer; `(NULL, 0)` is empty, `(NULL, n > 0)` and lengths no object can have are
/// `bad`.
///
/// # Safety
/// A non-NULL `ptr` is readable for `len` bytes during `'a`.
pub(crate) unsafe fn input<'a>(ptr: *const c_uchar, len: usize, bad: Error) -> Result<&'a [u8]> {
    if len > isize::MAX as usize {
        return Err(bad);
    }
    // SAFETY: per this function's contract.
    unsafe { in_slice(ptr, len) }.ok_or(bad)
}

/// An input buffer copied out of the caller's memory (`(NULL, 0)` is empty; `bad` as [`input`]):
/// for the side inputs of an in-place transformation (IV, associated data, tag), which C may
/// place inside the output buffer, so no reference to them may live while the output is written.
///
/// # Safety
/// A non-NULL `ptr` is readable for `len` bytes.
pub(crate) unsafe fn copied(ptr: *const c_uchar, len: usize, bad: Error) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    // SAFETY: per this function's contract; the slice is copied at once and not kept.
    unsafe { input(ptr, len, bad) }.map(|bytes| zeroize::Zeroizing::new(bytes.to_vec()))
}

/// A fixed-size array read from a C pointer (a key, a nonce, an IV); `bad` for NULL.
///
/// # Safety
/// A non-NULL `ptr` is readable for `N` bytes.
pub(crate) unsafe fn array<const N: usize>(ptr: *const c_uchar, bad: Error) -> Result<zeroize::Zeroizing<[u8; N]>> {
    if ptr.is_null() {
        return Err(bad);
    }
    // SAFETY: readable for N bytes (the contract); an unaligned read of bytes.
    Ok(zeroize::Zeroizing::new(unsafe { ptr.cast::<[u8; N]>().read_unaligned() }))
}

/// Writes `bytes` to a C pointer; `bad` for NULL.
///
/// # Safety
/// A non-NULL `ptr` is writable for `bytes.len()` bytes.
pub(crate) unsafe fn write(ptr: *mut c_uchar, bytes: &[u8], bad: Error) -> Result<()> {
    if ptr.is_null() {
        return Err(bad);
    }
    // SAFETY: writable for the length (the contract); a byte copy, no reference made.
    unsafe { core::ptr::copy(bytes.as_ptr(), ptr, bytes.len()) };
    Ok(())
}

/// Writes `value` to a C `size_t` out-parameter; `bad` for NULL.
///
/// # Safety
/// A non-NULL `ptr` is writable.
pub(crate) unsafe fn write_len(ptr: *mut usize, value: usize, bad: Error) -> Result<()> {
    if ptr.is_null() {
        return Err(bad);
    }
    // SAFETY: non-NULL and writable (the contract).
    unsafe { ptr.write_unaligned(value) };
    Ok(())
}

/// Transforms `len` bytes from `input` into `output` with `f`, which works in place: the input
/// is copied over the output first. `bad` for NULL buffers with `len > 0` (nothing is written
/// then); the output is wiped when `f` fails.
///
/// # Safety
/// Non-NULL `input` is readable and `output` writable for `len` bytes; they may overlap.
pub(crate) unsafe fn in_place(
    input: *const c_uchar,
    output: *mut c_uchar,
    len: usize,
    bad: Error,
    f: impl FnOnce(&mut [u8]) -> Result<()>,
) -> Result<()> {
    if len == 0 {
        return f(&mut []);
    }
    if input.is_null() || output.is_null() || len > isize::MAX as usize {
        return Err(bad);
    }
    // SAFETY: both are valid for `len` bytes (the contract); `copy` allows overlap and makes no
    // reference. The slice is then the only view of `output` in this function.
    let data = unsafe {
        core::ptr::copy(input, output, len);
        core::slice::from_raw_parts_mut(output, len)
    };
    let result = f(data);
    if result.is_err() {
        data.fill(0);
    }
    result
}
