//! The C boundary: one module per Mbed TLS header (`ffi::ssl` ↔ `include/mbedtls/ssl.h`).
//!
//! Every export validates its pointers, converts C values into safe Rust values, calls the core
//! and maps the result back to a C value. All `unsafe` of the crate lives under this module, and
//! all pointer helpers live in this file.
//!
//! Every export runs inside [`entry!`]: a panic never unwinds into C, it becomes the failure value
//! of the function's return type (`MBEDTLS_ERR_SSL_INTERNAL_ERROR` for `int`, NULL for pointers).

use core::any::TypeId;
use core::cell::{Cell, UnsafeCell};
use core::ffi::{CStr, c_char, c_int, c_uchar, c_void};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, MutexGuard};

use crate::error::Error;

pub mod cipher;
pub mod compat;
pub mod ctr_drbg;
pub mod debug;
pub mod entropy;
pub mod error;
pub mod net_sockets;
pub mod pem;
pub mod pk;
pub mod platform;
pub mod ssl;
pub mod ssl_cache;
pub mod ssl_ciphersuites;
pub mod ssl_ticket;
pub mod version;
pub mod x509;
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
    Some(unsafe { CStr::from_ptr(ptr) })
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
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), size) };
    let n = text.len().min(size - 1);
    out[..n].copy_from_slice(&text.as_bytes()[..n]);
    out[n] = 0;
    (n == text.len()).then_some(n)
}

// ---------------------------------------------------------------------------------------------
// Registered handles (certificates, keys): a C struct may be copied, freed twice or never
// initialised; every handle is looked up here before it is dereferenced.

/// Address → type of every live Rust object that a C struct points to.
static LIVE_HANDLES: Mutex<BTreeMap<usize, TypeId>> = Mutex::new(BTreeMap::new());

fn live_handles() -> MutexGuard<'static, BTreeMap<usize, TypeId>> {
    // The map stays consistent even if a holder panicked: every operation is one insert/remove.
    LIVE_HANDLES.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Moves `value` to the heap, registers it and returns the handle to store in a C struct.
pub(crate) fn handle_new<T: 'static>(value: T) -> *mut c_void {
    let ptr = Box::into_raw(Box::new(value));
    live_handles().insert(ptr as usize, TypeId::of::<T>());
    ptr.cast()
}

/// True when `handle` is a live handle to a `T` made by [`handle_new`].
pub(crate) fn handle_is<T: 'static>(handle: *const c_void) -> bool {
    !handle.is_null() && live_handles().get(&(handle as usize)) == Some(&TypeId::of::<T>())
}

/// The `T` behind `handle`, if it is a live handle to a `T`.
///
/// # Safety
/// The object must not be freed (by another thread) while the reference is in use; the
/// caller picks a lifetime no longer than the call it serves.
pub(crate) unsafe fn handle_ref<'a, T: 'static>(handle: *const c_void) -> Option<&'a T> {
    // SAFETY: registered handles point to a live `T` made by `Box::into_raw`.
    handle_is::<T>(handle).then(|| unsafe { &*handle.cast::<T>() })
}

/// Unregisters `handle` and gives back ownership of its `T`; None (and nothing happens) when it
/// is not a live handle to a `T`.
pub(crate) fn handle_take<T: 'static>(handle: *mut c_void) -> Option<Box<T>> {
    let mut live = live_handles();
    if handle.is_null() || live.get(&(handle as usize)) != Some(&TypeId::of::<T>()) {
        return None;
    }
    live.remove(&(handle as usize));
    // SAFETY: it was registered, so it came from `Box::into_raw` of a `T` and was not freed:
    // removal from the registry (under the lock) is the only way to free it.
    Some(unsafe { Box::from_raw(handle.cast::<T>()) })
}

// ---------------------------------------------------------------------------------------------
// Handles: Rust objects owned by a C shell struct through one pointer field

/// A Rust object reachable from a C shell, with a guard against re-entrant use.
///
/// A C callback that we invoke (BIO, debug) may call back into the library with the same
/// context. While one call holds the object mutably, a re-entrant call is refused with
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` instead of creating a second, aliasing reference. A panic
/// inside poisons the object: every later call fails with `MBEDTLS_ERR_SSL_INTERNAL_ERROR`.
pub(crate) struct Guarded<T> {
    busy: Cell<bool>,
    poisoned: Cell<bool>,
    value: UnsafeCell<T>,
}

impl<T> Guarded<T> {
    pub(crate) fn new(value: T) -> Self {
        Self { busy: Cell::new(false), poisoned: Cell::new(false), value: UnsafeCell::new(value) }
    }

    /// Runs `f` with exclusive access to the value.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R, Error> {
        if self.poisoned.get() {
            return Err(Error::SslInternalError);
        }
        if self.busy.replace(true) {
            return Err(Error::SslBadInputData);
        }
        // SAFETY: `busy` guarantees that no other reference to `value` exists now.
        let result = catch_unwind(AssertUnwindSafe(|| f(unsafe { &mut *self.value.get() })));
        self.busy.set(false);
        result.map_err(|_| {
            self.poisoned.set(true);
            Error::SslInternalError
        })
    }

    /// Consumes the handle. Refused while the value is in use (a callback freeing its own context).
    pub(crate) fn into_inner(self) -> T {
        self.value.into_inner()
    }

    pub(crate) fn is_busy(&self) -> bool {
        self.busy.get()
    }
}
