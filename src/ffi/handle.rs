//! How a caller-allocated C struct (a "shell": `mbedtls_ssl_context`, `mbedtls_x509_crt`, ...)
//! owns its Rust object, the one mechanism for every shell.
//!
//! A shell holds one pointer, `private_handle`, to a heap object made here. The C program may
//! copy a shell, free it twice, free a copy, or pass one that was never initialised (stack
//! garbage or zeroes). So a handle is never trusted: every live object is entered in a registry
//! (address → Rust type) when it is made and removed when it is freed, and a handle is only
//! dereferenced after the registry says it is a live object of the expected type. A wrong, stale
//! or foreign handle reads as "not initialised", which every export answers with its documented
//! `BAD_INPUT_DATA` code.
//!
//! What stays the caller's duty, as in Mbed TLS: not freeing an object on one thread while
//! another thread uses it.

use core::any::TypeId;
use core::cell::{Cell, UnsafeCell};
use core::ffi::c_void;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{LazyLock, RwLock};

use crate::error::Error;

/// Address → type of every live object a shell points to. A B-tree, not a hash table: its nodes
/// are reached by pointers to their start, so leak checkers (valgrind) see the registry of a
/// program that exits with live objects as reachable, where a hash table's interior pointer
/// reads as "possibly lost".
static LIVE: LazyLock<RwLock<BTreeMap<usize, TypeId>>> = LazyLock::new(Default::default);

fn is_live<T: 'static>(handle: *const c_void) -> bool {
    // The map stays consistent even if a holder panicked: every change is one insert/remove.
    !handle.is_null()
        && LIVE.read().unwrap_or_else(|p| p.into_inner()).get(&(handle as usize)) == Some(&TypeId::of::<T>())
}

/// Moves `value` to the heap, registers it and returns the handle to store in a shell.
pub(crate) fn handle_new<T: 'static>(value: T) -> *mut c_void {
    let ptr = Box::into_raw(Box::new(value));
    LIVE.write().unwrap_or_else(|p| p.into_inner()).insert(ptr as usize, TypeId::of::<T>());
    ptr.cast()
}

/// True when `handle` is a live handle to a `T` made by [`handle_new`].
pub(crate) fn handle_is<T: 'static>(handle: *const c_void) -> bool {
    is_live::<T>(handle)
}

/// The `T` behind `handle`, if it is a live handle to a `T`.
///
/// # Safety
/// The object must not be freed (by another thread) while the reference is in use; the caller
/// picks a lifetime no longer than the call it serves.
pub(crate) unsafe fn handle_ref<'a, T: 'static>(handle: *const c_void) -> Option<&'a T> {
    // SAFETY: a registered handle points to a live `T` made by `Box::into_raw` in `handle_new`;
    // the caller keeps it alive for 'a.
    is_live::<T>(handle).then(|| unsafe { &*handle.cast::<T>() })
}

/// Unregisters `handle` and gives back ownership of its `T`; None (and nothing happens) when it
/// is not a live handle to a `T`.
pub(crate) fn handle_take<T: 'static>(handle: *mut c_void) -> Option<Box<T>> {
    let mut live = LIVE.write().unwrap_or_else(|p| p.into_inner());
    if handle.is_null() || live.get(&(handle as usize)) != Some(&TypeId::of::<T>()) {
        return None;
    }
    live.remove(&(handle as usize));
    // SAFETY: it was registered, so it came from `Box::into_raw` of a `T` and was not freed:
    // removal from the registry (under the write lock, just done) is the only way to free it.
    Some(unsafe { Box::from_raw(handle.cast::<T>()) })
}

/// A C struct whose `private_handle` owns one registered `Object`.
///
/// # Safety
/// `slot` must return the address of the shell's handle field (a `*mut c_void`) without reading
/// anything; `EMPTY` must be the shell with a NULL handle.
pub(crate) unsafe trait Shell: Sized + 'static {
    type Object: 'static;
    /// The shell as `*_init` writes it: no object, public fields zero.
    const EMPTY: Self;
    /// The address of the handle field of `shell` (not NULL).
    fn slot(shell: *mut Self) -> *mut *mut c_void;
}

/// Implements [`Shell`] for a `#[repr(C)]` struct whose handle field is `private_handle`.
macro_rules! shell {
    ($shell:ty => $object:ty, $empty:expr) => {
        // SAFETY: `slot` takes the field's address with `&raw mut`, which reads nothing;
        // `EMPTY` has a NULL handle.
        unsafe impl $crate::ffi::handle::Shell for $shell {
            type Object = $object;
            const EMPTY: Self = $empty;
            fn slot(shell: *mut Self) -> *mut *mut core::ffi::c_void {
                // SAFETY: the caller passes a non-NULL shell pointer; no read happens.
                unsafe { &raw mut (*shell).private_handle }
            }
        }
    };
}
pub(crate) use shell;

/// The handle stored in a shell (NULL for a NULL shell). Reads the field only.
///
/// # Safety
/// `shell` is NULL or points to memory of the shell's size.
unsafe fn stored<S: Shell>(shell: *const S) -> *mut c_void {
    if shell.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `slot` gives the address of the pointer-sized field inside the caller's struct.
    unsafe { S::slot(shell.cast_mut()).read() }
}

/// `*_init`: writes the empty shell without reading it; NULL is ignored.
///
/// # Safety
/// `shell` is NULL or points to writable memory of the shell's size.
pub(crate) unsafe fn init<S: Shell>(shell: *mut S) {
    if !shell.is_null() {
        // SAFETY: writable per the contract; `write` does not read or drop the old contents.
        unsafe { shell.write(S::EMPTY) };
    }
}

/// The object behind a shell, or None for NULL, an empty, freed, copied-then-freed or foreign
/// shell.
///
/// # Safety
/// `shell` is NULL or points to memory of the shell's size; the object must stay alive while
/// the reference is used (no concurrent `free` of the same shell).
pub(crate) unsafe fn get<'a, S: Shell>(shell: *const S) -> Option<&'a S::Object> {
    // SAFETY: per this function's contract.
    unsafe { handle_ref::<S::Object>(stored(shell)) }
}

/// True when the shell holds a live object.
///
/// # Safety
/// `shell` is NULL or points to memory of the shell's size.
pub(crate) unsafe fn is_set<S: Shell>(shell: *const S) -> bool {
    // SAFETY: per this function's contract.
    handle_is::<S::Object>(unsafe { stored(shell) })
}

/// Gives `object` to the shell, freeing what it held before.
///
/// # Safety
/// `shell` is not NULL and points to an initialised (or zeroed) shell.
pub(crate) unsafe fn install<S: Shell>(shell: *mut S, object: S::Object) {
    // SAFETY: per this function's contract.
    unsafe { release(shell) };
    // SAFETY: the slot is the handle field of a valid shell.
    unsafe { S::slot(shell).write(handle_new(object)) };
}

/// Gives `object` to a shell that is a byte copy of another one (it holds the other shell's
/// handle): the other shell keeps its object. Returns the new handle.
///
/// # Safety
/// `shell` is not NULL and points to a shell.
pub(crate) unsafe fn install_in_copy<S: Shell>(shell: *mut S, object: S::Object) -> *mut c_void {
    let handle = handle_new(object);
    // SAFETY: the slot is the handle field of a valid shell (the contract of this function).
    unsafe { S::slot(shell).write(handle) };
    handle
}

/// Empties a shell that is a byte copy of another one, leaving the other shell's object alone.
///
/// # Safety
/// `shell` is not NULL and points to a shell.
pub(crate) unsafe fn forget<S: Shell>(shell: *mut S) {
    // SAFETY: the slot is the handle field of a valid shell (the contract of this function).
    unsafe { S::slot(shell).write(core::ptr::null_mut()) };
}

/// Takes the object out of the shell (None when it holds none) and leaves the handle NULL.
///
/// # Safety
/// `shell` is NULL or points to an initialised (or zeroed) shell.
pub(crate) unsafe fn take<S: Shell>(shell: *mut S) -> Option<Box<S::Object>> {
    if shell.is_null() {
        return None;
    }
    // SAFETY: per this function's contract.
    let object = handle_take::<S::Object>(unsafe { stored(shell) });
    // SAFETY: the slot is the handle field of a valid shell; a stale handle is cleared too.
    unsafe { S::slot(shell).write(core::ptr::null_mut()) };
    object
}

/// `*_free`: drops the object, if any, and leaves the shell empty. NULL, zeroed, never
/// initialised and already freed shells are fine.
///
/// # Safety
/// `shell` is NULL or points to memory of the shell's size.
pub(crate) unsafe fn release<S: Shell>(shell: *mut S) {
    // SAFETY: per this function's contract.
    drop(unsafe { take(shell) });
}

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

    /// True while a call holds the value (a callback freeing its own context is refused).
    pub(crate) fn is_busy(&self) -> bool {
        self.busy.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[repr(C)]
    struct TestShell {
        private_handle: *mut c_void,
        public: u32,
    }
    shell!(TestShell => String, TestShell { private_handle: core::ptr::null_mut(), public: 0 });

    #[repr(C)]
    struct OtherShell {
        private_handle: *mut c_void,
    }
    shell!(OtherShell => u64, OtherShell { private_handle: core::ptr::null_mut() });

    #[test]
    fn copies_double_frees_garbage_and_foreign_handles_are_caught() {
        let mut a = TestShell { private_handle: 0x1234 as *mut c_void, public: 7 }; // garbage
        let mut copy = TestShell::EMPTY;
        // SAFETY: every pointer passed is a local shell of this test (valid memory) or NULL.
        unsafe {
            assert!(get(&a).is_none());
            init(&mut a);
            assert_eq!(a.public, 0);
            install(&mut a, "x".to_string());
            assert_eq!(get(&a).map(String::as_str), Some("x"));
            // A shell of another type holding the same address is not accepted.
            assert!(get(&OtherShell { private_handle: a.private_handle }).is_none());
            // A copy freed first leaves the original stale, and both frees are harmless.
            copy.private_handle = a.private_handle;
            release(&mut copy);
            assert!(copy.private_handle.is_null());
            assert!(get(&a).is_none() && !is_set(&a));
            release(&mut a);
            release(&mut a);
            release::<TestShell>(core::ptr::null_mut());
            assert!(get::<TestShell>(core::ptr::null()).is_none());
        }
    }

    #[test]
    fn install_replaces_the_old_object() {
        let mut a = TestShell::EMPTY;
        // SAFETY: `a` is a local shell of this test.
        unsafe {
            install(&mut a, "one".to_string());
            let first = a.private_handle;
            install(&mut a, "two".to_string());
            assert!(!handle_is::<String>(first) || first == a.private_handle);
            assert_eq!(take(&mut a).as_deref().map(String::as_str), Some("two"));
        }
        assert!(a.private_handle.is_null());
    }

    #[test]
    fn registry_checks_type() {
        let handle = handle_new(5u32);
        assert!(handle_is::<u32>(handle));
        assert!(!handle_is::<u64>(handle));
        // SAFETY: the registry checks the handle's type before it is dereferenced.
        assert!(unsafe { handle_ref::<String>(handle) }.is_none());
        assert!(handle_take::<String>(handle).is_none());
        assert_eq!(handle_take::<u32>(handle).as_deref(), Some(&5));
        assert!(handle_take::<u32>(handle).is_none());
        assert!(!handle_is::<u32>(core::ptr::null()));
    }
}
