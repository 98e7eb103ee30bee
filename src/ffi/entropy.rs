//! `entropy.h`: the entropy context, Mbed TLS's accumulator over pluggable sources.
//!
//! `mbedtls_entropy_init` registers one strong source, `mbedtls_platform_entropy_poll` (the
//! operating system's CSPRNG through aws-lc, see `crate::rng`), as Mbed TLS registers its
//! platform source; `mbedtls_entropy_add_source` adds the application's (a hardware RNG, ...)
//! up to `MBEDTLS_ENTROPY_MAX_SOURCES`. `mbedtls_entropy_func` polls every source in rounds
//! until each reached its threshold and the strong ones delivered 64 bytes, and answers with
//! SHA-512 of the pool that absorbed all of it (`crate::entropy`), so every output depends on
//! the operating system's bytes and on every added source.
//!
//! Differences from Mbed TLS: the pool is a SHA-512 chaining value instead of a running SHA-512
//! state (outputs are not Mbed TLS's bytes for the same inputs; they cannot be, the platform
//! source is random). There is no weak "hardclock" source and no NV seed. The context is plain
//! data with a lock word instead of a mutex; a source that calls back into the same context is
//! refused (`MBEDTLS_ERR_ENTROPY_SOURCE_FAILED`) rather than deadlocking. Every function except
//! init and free requires an initialised context: a zeroed or freed one answers
//! `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED` (Mbed TLS lets sources be added to a freed context).

use core::ffi::{c_char, c_int, c_uchar, c_void};
use core::sync::atomic::{AtomicUsize, Ordering};

use zeroize::Zeroize as _;

use super::{entry, error::code_of, in_path, in_slice, out_slice};
use crate::entropy::{self, GatherError, SourceState};
use crate::error::Error;
use crate::seed_file::{SeedWriter, read_prefix};

pub use super::error::codes::entropy::*;

/// Value of `private_initialized` between `mbedtls_entropy_init` and `mbedtls_entropy_free`
/// ("ENTP"): zeroed or never-initialised memory is very unlikely to hold it.
const INITIALIZED: c_int = 0x454E_5450;

/// The number of source slots (`MBEDTLS_ENTROPY_MAX_SOURCES`).
const SLOTS: usize = 20;
const _: () = assert!(SLOTS == MBEDTLS_ENTROPY_MAX_SOURCES as usize);

/// An entropy source: fills `output` with up to `len` bytes, stores how many in `*olen`, returns
/// 0 (or an error code, which `mbedtls_entropy_func` passes on).
pub type mbedtls_entropy_f_source_ptr =
    Option<unsafe extern "C" fn(data: *mut c_void, output: *mut c_uchar, len: usize, olen: *mut usize) -> c_int>;

/// One registered source (private fields).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct mbedtls_entropy_source_state {
    private_f_source: mbedtls_entropy_f_source_ptr,
    private_p_source: *mut c_void,
    private_size: usize,
    private_threshold: usize,
    private_strong: c_int,
}

const EMPTY_SOURCE: mbedtls_entropy_source_state = mbedtls_entropy_source_state {
    private_f_source: None,
    private_p_source: core::ptr::null_mut(),
    private_size: 0,
    private_threshold: 0,
    private_strong: 0,
};

/// An entropy context. Declare it anywhere, `mbedtls_entropy_init` it, optionally
/// `mbedtls_entropy_add_source` your own sources, pass it as `p_entropy` with
/// `mbedtls_entropy_func` to `mbedtls_ctr_drbg_seed`, and `mbedtls_entropy_free` it.
///
/// Plain data without heap memory. The fields are private. Thread-safe: every function takes
/// the context's lock word while it reads or changes the sources and the pool.
#[repr(C)]
pub struct mbedtls_entropy_context {
    private_initialized: c_int,
    private_source_count: c_int,
    /// 0, or the token of the thread inside a function on this context.
    private_lock: usize,
    private_pool: [c_uchar; 64],
    private_source: [mbedtls_entropy_source_state; 20],
}

/// A token unique to the calling thread among live threads: the address of a thread local.
fn thread_token() -> usize {
    thread_local!(static TOKEN: u8 = const { 0 });
    TOKEN.with(|t| t as *const u8 as usize)
}

/// The context's lock, held until dropped.
struct Locked<'a>(&'a AtomicUsize);

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Release);
    }
}

/// Locks an initialised context: `Ok` with the guard, `Err` with the code for a NULL or
/// uninitialised context (`NO_SOURCES_DEFINED`) or a call from inside one of its own sources
/// (`SOURCE_FAILED`). Waits while another thread holds it.
///
/// # Safety
/// `ctx` is NULL or points to a live `mbedtls_entropy_context` that is not freed meanwhile.
unsafe fn lock<'a>(ctx: *mut mbedtls_entropy_context) -> Result<Locked<'a>, Error> {
    if ctx.is_null() {
        return Err(Error::EntropyNoSourcesDefined);
    }
    // SAFETY: the field is in a live context (contract); usize and AtomicUsize have the same
    // layout, and while the context is shared the word is only accessed atomically.
    let word = unsafe { AtomicUsize::from_ptr(&raw mut (*ctx).private_lock) };
    let me = thread_token();
    loop {
        match word.compare_exchange(0, me, Ordering::Acquire, Ordering::Relaxed) {
            Ok(_) => break,
            Err(owner) if owner == me => return Err(Error::EntropySourceFailed),
            Err(_) => std::thread::yield_now(),
        }
    }
    let held = Locked(word);
    // SAFETY: read under the lock; the context is live.
    if unsafe { (*ctx).private_initialized } != INITIALIZED {
        return Err(Error::EntropyNoSourcesDefined);
    }
    Ok(held)
}

/// Runs `f` on the accumulator's view of a locked context (the pool and each source's state),
/// polling the C sources, and writes the states and the pool back.
///
/// # Safety
/// The caller holds the lock of the live context `ctx`; the registered sources are valid to
/// call with their arguments.
unsafe fn with_sources<R>(
    ctx: *mut mbedtls_entropy_context,
    f: impl FnOnce(&mut [u8; 64], &mut [SourceState], &mut entropy::Poll<'_>) -> R,
) -> R {
    // SAFETY: the lock is held, so no other call reads or writes these fields; copies are taken
    // so that no reference into the context is alive while a source (C code) runs.
    let (count, slots, mut pool) = unsafe {
        ((*ctx).private_source_count.clamp(0, SLOTS as c_int) as usize, (*ctx).private_source, (*ctx).private_pool)
    };
    let slots = &slots[..count];
    let mut states: Vec<SourceState> = slots
        .iter()
        .map(|s| SourceState {
            threshold: s.private_threshold,
            strong: s.private_strong == MBEDTLS_ENTROPY_SOURCE_STRONG,
            size: s.private_size,
        })
        .collect();
    let mut poll = |i: usize, buf: &mut [u8]| {
        let Some(f_source) = slots[i].private_f_source else { return Err(code_of(Error::EntropySourceFailed)) };
        let mut olen = 0usize;
        // SAFETY: `buf` is writable for its length and `olen` is a local; the source's validity
        // with its argument is the application's contract of `mbedtls_entropy_add_source`.
        let ret = unsafe { f_source(slots[i].private_p_source, buf.as_mut_ptr(), buf.len(), &mut olen) };
        if ret == 0 { Ok(olen) } else { Err(ret) }
    };
    let result = f(&mut pool, &mut states, &mut poll);
    // SAFETY: still under the lock; `count` slots exist.
    unsafe {
        (*ctx).private_pool = pool;
        for (i, state) in states.iter().enumerate() {
            (*ctx).private_source[i].private_size = state.size;
        }
    }
    pool.zeroize();
    result
}

/// The C code of a failed gathering.
fn gather_code(err: GatherError) -> c_int {
    match err {
        GatherError::NoSources => code_of(Error::EntropyNoSourcesDefined),
        GatherError::NoStrongSource => code_of(Error::EntropyNoStrongSource),
        GatherError::Source(code) => code,
        GatherError::TooManyRounds => code_of(Error::EntropySourceFailed),
    }
}

/// Initialises an entropy context with one strong source, `mbedtls_platform_entropy_poll`
/// (threshold `MBEDTLS_ENTROPY_MIN_PLATFORM`), as Mbed TLS does.
///
/// Writes the context without reading it and allocates nothing. NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_entropy_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_init(ctx: *mut mbedtls_entropy_context) {
    entry!(mbedtls_entropy_init, {
        if ctx.is_null() {
            return;
        }
        let mut source = [EMPTY_SOURCE; SLOTS];
        source[0] = mbedtls_entropy_source_state {
            private_f_source: Some(mbedtls_platform_entropy_poll),
            private_threshold: MBEDTLS_ENTROPY_MIN_PLATFORM as usize,
            private_strong: MBEDTLS_ENTROPY_SOURCE_STRONG,
            ..EMPTY_SOURCE
        };
        let fresh = mbedtls_entropy_context {
            private_initialized: INITIALIZED,
            private_source_count: 1,
            private_lock: 0,
            private_pool: [0; 64],
            private_source: source,
        };
        // SAFETY: the caller guarantees that a non-NULL `ctx` is writable.
        unsafe { ctx.write(fresh) };
    })
}

/// Frees an entropy context: zeroes it (the sources are forgotten, the pool wiped).
///
/// NULL, a second call and a context that was only zeroed are all fine. After this, every
/// function but init answers `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED`.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_entropy_context`, not in use
/// by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_free(ctx: *mut mbedtls_entropy_context) {
    entry!(mbedtls_entropy_free, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is writable; zero is a valid
            // bit pattern for every field.
            unsafe { core::ptr::write_bytes(ctx, 0, 1) };
        }
    })
}

/// Adds a source: `f_source(p_source, buf, len, &olen)` will be polled by every gathering.
///
/// `threshold` is how many bytes it must deliver before each output of `mbedtls_entropy_func`;
/// `strong` is `MBEDTLS_ENTROPY_SOURCE_STRONG` (counts towards the 64 strong bytes of each
/// output) or `MBEDTLS_ENTROPY_SOURCE_WEAK` (any other value counts as weak, as in Mbed TLS).
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_ENTROPY_MAX_SOURCES` when the context already has `MBEDTLS_ENTROPY_MAX_SOURCES`
///   (20) sources, the built-in one included;
/// - `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED` when `ctx` is NULL or not initialised;
/// - `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when `f_source` is NULL (Mbed TLS would call it).
///
/// # Safety
/// `ctx` must be NULL or point to a live context; `f_source` must be safe to call with
/// `p_source` until the context is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_add_source(
    ctx: *mut mbedtls_entropy_context,
    f_source: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize, *mut usize) -> c_int>,
    p_source: *mut c_void,
    threshold: usize,
    strong: c_int,
) -> c_int {
    entry!(mbedtls_entropy_add_source, {
        // SAFETY: the contract of this function.
        let _held = match unsafe { lock(ctx) } {
            Ok(held) => held,
            Err(e) => return code_of(e),
        };
        if f_source.is_none() {
            return code_of(Error::EntropySourceFailed);
        }
        // SAFETY: the lock is held on the live context.
        let count = unsafe { (*ctx).private_source_count }.clamp(0, SLOTS as c_int) as usize;
        if count >= SLOTS {
            return code_of(Error::EntropyMaxSources);
        }
        let source = mbedtls_entropy_source_state {
            private_f_source: f_source,
            private_p_source: p_source,
            private_size: 0,
            private_threshold: threshold,
            private_strong: strong,
        };
        // SAFETY: as above; `count` < SLOTS.
        unsafe {
            (*ctx).private_source[count] = source;
            (*ctx).private_source_count = count as c_int + 1;
        }
        0
    })
}

/// Polls every source once and absorbs what they deliver (an output later needs less polling).
///
/// # Returns
/// - 0 on success;
/// - the first failing source's own return value (the later sources are not polled);
/// - `MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE` when none of the sources is strong;
/// - `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED` when `ctx` is NULL, not initialised or has no
///   source;
/// - `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when called from inside a source of the same context.
///
/// # Safety
/// `ctx` must be NULL or point to a live context whose sources are valid to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_gather(ctx: *mut mbedtls_entropy_context) -> c_int {
    entry!(mbedtls_entropy_gather, {
        // SAFETY: the contract of this function.
        let _held = match unsafe { lock(ctx) } {
            Ok(held) => held,
            Err(e) => return code_of(e),
        };
        // SAFETY: the lock is held; the sources' validity is the caller's contract.
        let result = unsafe { with_sources(ctx, |pool, states, poll| entropy::gather(pool, states, poll)) };
        result.map_or_else(gather_code, |()| 0)
    })
}

/// Absorbs `len` bytes of the application's own (`data`, `len`) into the pool, under the source
/// id `MBEDTLS_ENTROPY_SOURCE_MANUAL`. They count towards no threshold.
///
/// # Returns
/// 0; `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED` when `ctx` is NULL or not initialised;
/// `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when `data` is NULL with `len` > 0 or when called from
/// inside a source of the same context.
///
/// # Safety
/// `ctx` must be NULL or point to a live context; a non-NULL `data` must be readable for `len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_update_manual(
    ctx: *mut mbedtls_entropy_context,
    data: *const c_uchar,
    len: usize,
) -> c_int {
    // SAFETY: this function's contract.
    entry!(mbedtls_entropy_update_manual, { unsafe { update_manual(ctx, data, len) }.map_or_else(code_of, |()| 0) })
}

/// `mbedtls_entropy_update_manual`'s body (also used by the seed file).
///
/// # Safety
/// As `mbedtls_entropy_update_manual`.
unsafe fn update_manual(ctx: *mut mbedtls_entropy_context, data: *const c_uchar, len: usize) -> Result<(), Error> {
    // SAFETY: the contract of this function.
    let _held = unsafe { lock(ctx) }?;
    // SAFETY: the caller guarantees that a non-NULL `data` is readable for `len` bytes.
    let data = unsafe { in_slice(data, len) }.ok_or(Error::EntropySourceFailed)?;
    // SAFETY: the lock is held on the live context; no C code runs while the reference lives.
    let pool = unsafe { &mut (*ctx).private_pool };
    entropy::absorb(pool, MBEDTLS_ENTROPY_SOURCE_MANUAL as u8, data);
    Ok(())
}

/// Fills `output` with `len` bytes of entropy: the callback to give `mbedtls_ctr_drbg_seed`,
/// with an initialised `mbedtls_entropy_context` as `data`.
///
/// Polls the sources until every threshold is reached and the strong sources delivered 64
/// bytes (at most 257 rounds), then answers from SHA-512 of the pool (module docs).
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when `len` > `MBEDTLS_ENTROPY_BLOCK_SIZE` (64), as in
///   Mbed TLS (checked first), when `output` is NULL with `len` > 0, when the thresholds are not
///   reached in 257 rounds, or when called from inside a source of the same context;
/// - a failing source's own return value, or `MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE` when no
///   source is strong;
/// - `MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED` when `data` is NULL or not an initialised context
///   (for instance after `mbedtls_entropy_free`), or has no source.
///
/// Thread-safe (the context's lock word serialises calls; the sources run under it, as under
/// Mbed TLS's mutex).
///
/// # Safety
/// `data` must be NULL or point to a live `mbedtls_entropy_context`; a non-NULL `output` must
/// be writable for `len` bytes; the registered sources must be valid to call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_func(data: *mut c_void, output: *mut c_uchar, len: usize) -> c_int {
    entry!(mbedtls_entropy_func, {
        if len > MBEDTLS_ENTROPY_BLOCK_SIZE as usize {
            return code_of(Error::EntropySourceFailed);
        }
        let ctx = data.cast::<mbedtls_entropy_context>();
        // SAFETY: the contract of this function.
        let _held = match unsafe { lock(ctx) } {
            Ok(held) => held,
            Err(e) => return code_of(e),
        };
        let mut block = [0u8; 64];
        // SAFETY: the lock is held; the sources' validity is the caller's contract.
        let result =
            unsafe { with_sources(ctx, |pool, states, poll| entropy::output(pool, states, poll, &mut block[..len])) };
        let ret = match result {
            Ok(()) => {
                // SAFETY: the caller guarantees that a non-NULL `output` is writable for `len`.
                match unsafe { out_slice(output, len) } {
                    Some(out) => {
                        out.copy_from_slice(&block[..len]);
                        0
                    }
                    None => code_of(Error::EntropySourceFailed),
                }
            }
            Err(e) => gather_code(e),
        };
        block.zeroize();
        ret
    })
}

/// Writes 64 bytes of `mbedtls_entropy_func` output to the file at `path` (created or
/// truncated).
///
/// # Returns
/// 0; `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when no output could be made (any reason, as in Mbed
/// TLS; the file is then not touched); `MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR` when `path` is NULL
/// or the file cannot be created or written.
///
/// # Safety
/// As `mbedtls_entropy_func` for `ctx`; `path` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_write_seed_file(
    ctx: *mut mbedtls_entropy_context,
    path: *const c_char,
) -> c_int {
    // SAFETY: this function's contract.
    entry!(mbedtls_entropy_write_seed_file, { unsafe { write_seed_file(ctx, path) }.map_or_else(code_of, |()| 0) })
}

/// `mbedtls_entropy_write_seed_file`'s body.
///
/// # Safety
/// As `mbedtls_entropy_write_seed_file`.
unsafe fn write_seed_file(ctx: *mut mbedtls_entropy_context, path: *const c_char) -> Result<(), Error> {
    let mut buf = [0u8; 64];
    // SAFETY: the contract of this function; `buf` is writable for 64 bytes.
    let ret = unsafe { mbedtls_entropy_func(ctx.cast(), buf.as_mut_ptr(), buf.len()) };
    let result = if ret != 0 {
        Err(Error::EntropySourceFailed)
    } else {
        // SAFETY: the caller guarantees that a non-NULL `path` is NUL-terminated.
        let path = unsafe { in_path(path) }.ok_or(Error::EntropyFileIoError)?;
        SeedWriter::create(path).and_then(|w| w.write(&buf)).map_err(|_| Error::EntropyFileIoError)
    };
    buf.zeroize();
    result
}

/// Absorbs the first `MBEDTLS_ENTROPY_MAX_SEED_SIZE` (1024) bytes of the file at `path` (as
/// `mbedtls_entropy_update_manual`), then rewrites the file with `mbedtls_entropy_write_seed_file`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR` when `path` is NULL or the file cannot be read (absent,
/// unreadable, a directory); then the codes of `mbedtls_entropy_update_manual` and
/// `mbedtls_entropy_write_seed_file`. An empty file is fine (nothing absorbed), as in Mbed TLS.
///
/// # Safety
/// As `mbedtls_entropy_func` for `ctx`; `path` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_entropy_update_seed_file(
    ctx: *mut mbedtls_entropy_context,
    path: *const c_char,
) -> c_int {
    entry!(mbedtls_entropy_update_seed_file, {
        // SAFETY: the caller guarantees that a non-NULL `path` is NUL-terminated.
        let Some(file) = (unsafe { in_path(path) }) else { return code_of(Error::EntropyFileIoError) };
        let Ok(seed) = read_prefix(file, MBEDTLS_ENTROPY_MAX_SEED_SIZE as usize) else {
            return code_of(Error::EntropyFileIoError);
        };
        // SAFETY: this function's contract; the seed bytes are a live buffer.
        if let Err(e) = unsafe { update_manual(ctx, seed.bytes.as_ptr(), seed.bytes.len()) } {
            return code_of(e);
        }
        drop(seed);
        // SAFETY: this function's contract.
        unsafe { write_seed_file(ctx, path) }.map_or_else(code_of, |()| 0)
    })
}

/// The operating system's source (registered by `mbedtls_entropy_init`): fills `output` with
/// `len` bytes of the operating system's CSPRNG (through aws-lc) and sets `*olen` to `len`.
/// `data` is not used.
///
/// # Returns
/// 0; `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when `olen` is NULL, `output` is NULL with `len` > 0,
/// or the generator fails (`*olen` is then 0).
///
/// # Safety
/// A non-NULL `output` must be writable for `len` bytes; a non-NULL `olen` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_platform_entropy_poll(
    data: *mut c_void,
    output: *mut c_uchar,
    len: usize,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_platform_entropy_poll, {
        let _ = data;
        if olen.is_null() {
            return code_of(Error::EntropySourceFailed);
        }
        // SAFETY: `olen` is not NULL and writable (contract).
        unsafe { olen.write(0) };
        // SAFETY: the caller guarantees that a non-NULL `output` is writable for `len` bytes.
        let Some(out) = (unsafe { out_slice(output, len) }) else { return code_of(Error::EntropySourceFailed) };
        match crate::rng::fill(out) {
            Ok(()) => {
                // SAFETY: as above.
                unsafe { olen.write(len) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/entropy.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::{null, null_mut};
    use std::sync::atomic::AtomicUsize;

    fn new_ctx() -> Box<mbedtls_entropy_context> {
        let mut ctx = Box::new_uninit();
        // SAFETY: init writes the whole context without reading it.
        unsafe {
            mbedtls_entropy_init(ctx.as_mut_ptr());
            ctx.assume_init()
        }
    }

    fn func(ctx: *mut mbedtls_entropy_context, out: &mut [u8]) -> c_int {
        // SAFETY: callers pass NULL or a live context; `out` is writable for its length.
        unsafe { mbedtls_entropy_func(ctx.cast(), out.as_mut_ptr(), out.len()) }
    }

    /// A source counting its calls in the `AtomicUsize` behind `data` and giving 8 bytes.
    unsafe extern "C" fn counting(data: *mut c_void, out: *mut c_uchar, len: usize, olen: *mut usize) -> c_int {
        // SAFETY: the tests register it with a live `AtomicUsize`.
        unsafe { &*data.cast::<AtomicUsize>() }.fetch_add(1, Ordering::SeqCst);
        assert_eq!(len, MBEDTLS_ENTROPY_MAX_GATHER as usize);
        // SAFETY: the library passes a buffer of `len` bytes and a writable `olen`.
        unsafe {
            core::ptr::write_bytes(out, 0xA5, 8);
            olen.write(8);
        }
        0
    }

    unsafe extern "C" fn failing(_: *mut c_void, _: *mut c_uchar, _: usize, _: *mut usize) -> c_int {
        -0x4242
    }

    /// A source that calls `mbedtls_entropy_func` on its own context (given as `data`).
    unsafe extern "C" fn reentrant(data: *mut c_void, _: *mut c_uchar, _: usize, olen: *mut usize) -> c_int {
        let mut out = [0u8; 4];
        // SAFETY: `data` is the live context this source is registered in.
        let ret = unsafe { mbedtls_entropy_func(data, out.as_mut_ptr(), 4) };
        assert_eq!(ret, MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        // SAFETY: `olen` is writable.
        unsafe { olen.write(0) };
        ret
    }

    #[test]
    fn init_func_free() {
        let mut ctx = new_ctx();
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        assert_eq!(func(&mut *ctx, &mut a), 0);
        assert_eq!(func(&mut *ctx, &mut b), 0);
        assert_ne!(a, b);
        assert_eq!(func(&mut *ctx, &mut []), 0);
        // SAFETY: `ctx` is live.
        unsafe { mbedtls_entropy_free(&mut *ctx) };
        assert_eq!(ctx.private_initialized, 0);
        // SAFETY: a second free is allowed.
        unsafe { mbedtls_entropy_free(&mut *ctx) };
        assert_eq!(func(&mut *ctx, &mut a), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
    }

    #[test]
    fn added_sources_are_polled_and_limits_hold() {
        let mut ctx = new_ctx();
        let calls = AtomicUsize::new(0);
        let p = (&raw const calls).cast_mut().cast();
        // A weak source with a 20-byte threshold: 3 rounds of 8 bytes.
        // SAFETY: `ctx` is live; `p` outlives the context's use.
        assert_eq!(unsafe { mbedtls_entropy_add_source(&mut *ctx, Some(counting), p, 20, 0) }, 0);
        let mut out = [0u8; 32];
        assert_eq!(func(&mut *ctx, &mut out), 0);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        // SAFETY: as above.
        assert_eq!(unsafe { mbedtls_entropy_gather(&mut *ctx) }, 0);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        // 18 more fit (20 with the built-in one and the first), then MAX_SOURCES.
        for _ in 0..18 {
            // SAFETY: as above.
            assert_eq!(unsafe { mbedtls_entropy_add_source(&mut *ctx, Some(counting), p, 0, 0) }, 0);
        }
        assert_eq!(
            // SAFETY: as above.
            unsafe { mbedtls_entropy_add_source(&mut *ctx, Some(counting), p, 0, 1) },
            MBEDTLS_ERR_ENTROPY_MAX_SOURCES
        );
        // SAFETY: `ctx` is live.
        unsafe { mbedtls_entropy_free(&mut *ctx) };
    }

    #[test]
    fn failing_and_reentrant_sources() {
        let mut ctx = new_ctx();
        // SAFETY: `ctx` is live; the source ignores its argument.
        assert_eq!(unsafe { mbedtls_entropy_add_source(&mut *ctx, Some(failing), null_mut(), 0, 1) }, 0);
        let mut out = [0u8; 16];
        assert_eq!(func(&mut *ctx, &mut out), -0x4242);
        // SAFETY: `ctx` is live.
        assert_eq!(unsafe { mbedtls_entropy_gather(&mut *ctx) }, -0x4242);
        let mut ctx2 = new_ctx();
        let p = (&raw mut *ctx2).cast();
        // SAFETY: `ctx2` is live and outlives its sources' use.
        assert_eq!(unsafe { mbedtls_entropy_add_source(&mut *ctx2, Some(reentrant), p, 0, 0) }, 0);
        assert_eq!(func(&mut *ctx2, &mut out), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        // The lock was released: the context still answers (with the same failure).
        assert_eq!(func(&mut *ctx2, &mut out), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
    }

    #[test]
    fn bad_input() {
        let mut ctx = new_ctx();
        let mut big = [0u8; 65];
        assert_eq!(func(&mut *ctx, &mut big), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
        assert_eq!(big, [0u8; 65]);
        assert_eq!(func(null_mut(), &mut big[..8]), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
        let data = (&raw mut *ctx).cast();
        let mut olen = 7usize;
        // SAFETY: NULL pointers are refused before use; `data` is a live context.
        unsafe {
            mbedtls_entropy_init(null_mut());
            mbedtls_entropy_free(null_mut());
            assert_eq!(mbedtls_entropy_func(data, null_mut(), 1), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
            assert_eq!(mbedtls_entropy_func(data, null_mut(), 0), 0);
            assert_eq!(
                mbedtls_entropy_add_source(&mut *ctx, None, null_mut(), 0, 1),
                MBEDTLS_ERR_ENTROPY_SOURCE_FAILED
            );
            assert_eq!(
                mbedtls_entropy_add_source(null_mut(), Some(failing), null_mut(), 0, 1),
                MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED
            );
            assert_eq!(mbedtls_entropy_gather(null_mut()), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
            assert_eq!(mbedtls_entropy_update_manual(&mut *ctx, null(), 3), MBEDTLS_ERR_ENTROPY_SOURCE_FAILED);
            assert_eq!(mbedtls_entropy_update_manual(&mut *ctx, null(), 0), 0);
            assert_eq!(mbedtls_entropy_update_manual(null_mut(), null(), 0), MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED);
            assert_eq!(
                mbedtls_platform_entropy_poll(null_mut(), null_mut(), 4, &mut olen),
                MBEDTLS_ERR_ENTROPY_SOURCE_FAILED
            );
            assert_eq!(olen, 0);
            assert_eq!(
                mbedtls_platform_entropy_poll(null_mut(), big.as_mut_ptr(), 4, null_mut()),
                MBEDTLS_ERR_ENTROPY_SOURCE_FAILED
            );
            assert_eq!(mbedtls_entropy_write_seed_file(&mut *ctx, null()), MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR);
            assert_eq!(mbedtls_entropy_update_seed_file(&mut *ctx, null()), MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR);
        }
    }

    #[test]
    fn concurrent_outputs_on_one_context() {
        let mut ctx = new_ctx();
        let calls = AtomicUsize::new(0);
        let p = (&raw const calls).cast_mut().cast();
        // SAFETY: `ctx` is live; `calls` outlives the threads.
        assert_eq!(unsafe { mbedtls_entropy_add_source(&mut *ctx, Some(counting), p, 8, 1) }, 0);
        let addr = &raw mut *ctx as usize;
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(move || {
                    let mut out = [0u8; 64];
                    for _ in 0..50 {
                        assert_eq!(func(addr as *mut mbedtls_entropy_context, &mut out), 0);
                    }
                });
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 200);
    }
}
