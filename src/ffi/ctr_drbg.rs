//! `ctr_drbg.h`: the random generator contexts of the Mbed TLS samples.
//!
//! Differences from Mbed TLS: **the output comes from the operating system's CSPRNG through
//! aws-lc (`crate::rng`), not from an AES-256 CTR_DRBG construction over the seed.** The
//! application's entropy callback is still called where and as Mbed TLS calls it for seeding:
//! `mbedtls_ctr_drbg_seed` draws the entropy length (`MBEDTLS_CTR_DRBG_ENTROPY_LEN` = 48 unless
//! `mbedtls_ctr_drbg_set_entropy_len` chose another), then a nonce in a second call when the
//! nonce length is not 0 (`mbedtls_ctr_drbg_set_nonce_len`, or by default half the entropy
//! length when that is below 48, as Mbed TLS's `good_nonce_len`), and `mbedtls_ctr_drbg_reseed`
//! draws the entropy length once; the length limits of seeding are computed with these lengths
//! as in Mbed TLS. So a failing source fails the same calls with the same code; but the bytes it
//! returns, the personalisation string and any additional input (including seed-file contents
//! given to `mbedtls_ctr_drbg_update`) are wiped and play no part in the output. A context
//! seeded with a fixed "entropy" function therefore does not produce a reproducible stream, and
//! known-answer tests of CTR_DRBG do not apply. `mbedtls_ctr_drbg_random` itself never calls
//! back into the application: the reseed interval (`mbedtls_ctr_drbg_set_reseed_interval`) and
//! prediction resistance are recorded but cause no automatic reseed, since every request is
//! already fresh output of the operating system's generator. Seed files hold
//! `MBEDTLS_CTR_DRBG_MAX_INPUT` (256) bytes of output, as in Mbed TLS.

use core::ffi::{c_char, c_int, c_uchar, c_void};
use core::sync::atomic::{AtomicI32, Ordering};

use zeroize::Zeroize;

use super::error::{code_of, status};
use super::{entry, in_path, in_slice, out_slice};
use crate::error::Error;
use crate::seed_file::{SeedWriter, read_prefix};

pub use super::error::codes::ctr_drbg::*;

/// Entropy callback type of `mbedtls_ctr_drbg_seed`: fills `output` with `len` bytes, returns 0.
/// (Spelled out in the exported items, where cbindgen needs the literal type.)
type EntropyFn = unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int;

/// Value of `private_seeded` once a seeding succeeded ("CTRD"); zeroed or never-initialised
/// memory is very unlikely to hold it.
const SEEDED: c_int = 0x4354_5244;

/// The most bytes of entropy, nonce and personalisation / additional input one seeding takes.
const MAX_SEED_INPUT: usize = MBEDTLS_CTR_DRBG_MAX_SEED_INPUT as usize;

/// A random generator context. Declare it anywhere, `mbedtls_ctr_drbg_init` it,
/// `mbedtls_ctr_drbg_seed` it, pass `mbedtls_ctr_drbg_random` with it to
/// `mbedtls_ssl_conf_rng` (or call it yourself), and `mbedtls_ctr_drbg_free` it.
///
/// Plain data without heap memory: copying it is harmless. The fields are private. The context
/// keeps the entropy callback and its argument for `mbedtls_ctr_drbg_reseed`, as Mbed TLS does,
/// so the entropy context must outlive it.
#[repr(C)]
pub struct mbedtls_ctr_drbg_context {
    private_seeded: c_int,
    /// Before the first seeding: the nonce length set by `mbedtls_ctr_drbg_set_nonce_len`, or -1
    /// for the default. Afterwards: requests served since the last (re)seeding, plus one. (Mbed
    /// TLS's use of its `reseed_counter`.)
    private_reseed_counter: c_int,
    /// Bytes drawn from the entropy callback per seeding; 0 until the first seeding = the default.
    private_entropy_len: usize,
    /// Recorded for programs; no automatic reseed happens here (module docs).
    private_reseed_interval: c_int,
    /// Recorded for programs; no effect here (module docs).
    private_prediction_resistance: c_int,
    private_f_entropy: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    private_p_entropy: *mut c_void,
}

/// Atomic view of one `c_int` field of a context shared between threads
/// (`mbedtls_ctr_drbg_random` may run concurrently on one context, as with Mbed TLS's mutex).
///
/// # Safety
/// `field` must point into a live context; while the context is shared, every access to the
/// field must go through this view.
unsafe fn atomic_field<'a>(field: *mut c_int) -> &'a AtomicI32 {
    // SAFETY: c_int and AtomicI32 have the same size and alignment; the caller guarantees
    // validity and atomic-only access while shared.
    unsafe { AtomicI32::from_ptr(field) }
}

/// Calls the application's entropy callback for `len` bytes, then wipes them.
///
/// # Safety
/// `f_entropy` must be safe to call with `p_entropy` (the application's contract).
unsafe fn draw_entropy(f_entropy: EntropyFn, p_entropy: *mut c_void, len: usize) -> Result<(), Error> {
    let mut seed = [0u8; MAX_SEED_INPUT];
    // SAFETY: `seed` is writable for `len` <= MAX_SEED_INPUT bytes (checked by the caller); the
    // rest is the caller's guarantee.
    let ret = unsafe { f_entropy(p_entropy, seed.as_mut_ptr(), len.min(MAX_SEED_INPUT)) };
    seed.zeroize();
    if ret == 0 { Ok(()) } else { Err(Error::CtrDrbgEntropySourceFailed) }
}

/// A context after init and free: unseeded, no entropy callback, default lengths and interval.
fn unseeded() -> mbedtls_ctr_drbg_context {
    mbedtls_ctr_drbg_context {
        private_seeded: 0,
        private_reseed_counter: -1,
        private_entropy_len: 0,
        private_reseed_interval: MBEDTLS_CTR_DRBG_RESEED_INTERVAL,
        private_prediction_resistance: MBEDTLS_CTR_DRBG_PR_OFF,
        private_f_entropy: None,
        private_p_entropy: core::ptr::null_mut(),
    }
}

/// Writes an unseeded context without reading the old one (init and free). NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_ctr_drbg_context`.
unsafe fn reset(ctx: *mut mbedtls_ctr_drbg_context) {
    if !ctx.is_null() {
        // SAFETY: `ctx` is not NULL, and the caller guarantees that it is writable.
        unsafe { ctx.write(unseeded()) };
    }
}

/// Mbed TLS's default nonce length for an entropy length: none when the entropy alone is 1.5
/// key lengths (48 bytes), else half of it, rounded up.
fn good_nonce_len(entropy_len: usize) -> usize {
    if entropy_len >= (MBEDTLS_CTR_DRBG_KEYSIZE as usize) * 3 / 2 { 0 } else { entropy_len.div_ceil(2) }
}

/// Seeding as Mbed TLS's `mbedtls_ctr_drbg_reseed_internal` defines it (which
/// `mbedtls_ctr_drbg_seed` and `mbedtls_ctr_drbg_reseed` share): the input limits computed with
/// the entropy and nonce lengths, then one draw of the entropy length from the callback recorded
/// in `ctx` and, when `nonce_len` > 0, a second draw for the nonce. The context is marked seeded
/// only on success.
///
/// # Safety
/// As `mbedtls_ctr_drbg_reseed`.
unsafe fn reseed(
    ctx: *mut mbedtls_ctr_drbg_context,
    extra: *const c_uchar,
    len: usize,
    nonce_len: usize,
) -> Result<(), Error> {
    if ctx.is_null() {
        return Err(Error::CtrDrbgEntropySourceFailed);
    }
    // SAFETY: `ctx` is not NULL, and the caller guarantees that it is an initialised context.
    let (entropy_len, f_entropy, p_entropy) =
        unsafe { ((*ctx).private_entropy_len, (*ctx).private_f_entropy, (*ctx).private_p_entropy) };
    let room = MAX_SEED_INPUT.checked_sub(entropy_len).ok_or(Error::CtrDrbgInputTooBig)?;
    let room = room.checked_sub(nonce_len).ok_or(Error::CtrDrbgInputTooBig)?;
    if len > room {
        return Err(Error::CtrDrbgInputTooBig);
    }
    // SAFETY: the caller guarantees that a non-NULL `extra` is readable for `len` bytes.
    if unsafe { in_slice(extra, len) }.is_none() {
        return Err(Error::CtrDrbgEntropySourceFailed);
    }
    let f_entropy = f_entropy.ok_or(Error::CtrDrbgEntropySourceFailed)?;
    // SAFETY: the caller guarantees that the recorded callback is still valid with its argument.
    unsafe { draw_entropy(f_entropy, p_entropy, entropy_len) }?;
    if nonce_len > 0 {
        // SAFETY: as above.
        unsafe { draw_entropy(f_entropy, p_entropy, nonce_len) }?;
    }
    // SAFETY: both fields are in the live context; `mbedtls_ctr_drbg_random` may read them
    // concurrently, so they are written atomically.
    unsafe {
        atomic_field(&raw mut (*ctx).private_reseed_counter).store(1, Ordering::Relaxed);
        atomic_field(&raw mut (*ctx).private_seeded).store(SEEDED, Ordering::Release);
    }
    Ok(())
}

/// Initialises a generator context: unseeded, no entropy callback.
///
/// Writes the context without reading it and allocates nothing. NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_ctr_drbg_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_init(ctx: *mut mbedtls_ctr_drbg_context) {
    // SAFETY: this function's contract is `reset`'s.
    entry!(mbedtls_ctr_drbg_init, { unsafe { reset(ctx) } })
}

/// Seeds the generator: records `f_entropy`/`p_entropy`, then calls `f_entropy(p_entropy, buf,
/// n)` for the entropy length (48 unless `mbedtls_ctr_drbg_set_entropy_len` set another) and,
/// when the nonce length is not 0, once more for the nonce, as Mbed TLS does.
///
/// The nonce length is the one given to `mbedtls_ctr_drbg_set_nonce_len`, or by default 0 for an
/// entropy length of 48 or more and half the entropy length (rounded up) below. As in Mbed TLS,
/// seeding a context a second time takes the request count as the nonce length. The context
/// keeps `f_entropy` and `p_entropy` for `mbedtls_ctr_drbg_reseed`; `custom` is only read
/// during the call.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED` when `ctx` is NULL, `f_entropy` is NULL,
///   `custom` is NULL with `len` > 0, or a callback call returns non-zero;
/// - `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG` when the entropy length, the nonce length and `len`
///   add up to more than `MBEDTLS_CTR_DRBG_MAX_SEED_INPUT` (384; `len` > 336 with the
///   defaults), checked before the callback is called.
///
/// On failure the context is left unseeded.
///
/// Differences from Mbed TLS: the entropy bytes and `custom` are wiped without being used; the
/// output of `mbedtls_ctr_drbg_random` comes from the operating system's CSPRNG (module docs).
///
/// # Safety
/// `ctx` must be NULL or point to a context initialised with `mbedtls_ctr_drbg_init`; a non-NULL
/// `custom` must be readable for `len` bytes; `f_entropy` must be safe to call with `p_entropy`
/// now and on every later `mbedtls_ctr_drbg_reseed`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_seed(
    ctx: *mut mbedtls_ctr_drbg_context,
    f_entropy: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_entropy: *mut c_void,
    custom: *const c_uchar,
    len: usize,
) -> c_int {
    entry!(mbedtls_ctr_drbg_seed, {
        if ctx.is_null() {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        }
        // SAFETY: the caller guarantees that `ctx` is an initialised context, not shared while
        // it is seeded (as in Mbed TLS).
        let nonce_len = unsafe {
            (*ctx).private_seeded = 0;
            (*ctx).private_f_entropy = f_entropy;
            (*ctx).private_p_entropy = p_entropy;
            if (*ctx).private_entropy_len == 0 {
                (*ctx).private_entropy_len = MBEDTLS_CTR_DRBG_ENTROPY_LEN as usize;
            }
            match usize::try_from((*ctx).private_reseed_counter) {
                Ok(set) => set,
                Err(_) => good_nonce_len((*ctx).private_entropy_len),
            }
        };
        // SAFETY: `ctx` is initialised; the rest is this function's contract.
        status(unsafe { reseed(ctx, custom, len, nonce_len) })
    })
}

/// Reseeds the generator: calls the entropy callback given to `mbedtls_ctr_drbg_seed` once more
/// for the entropy length (48 by default; no nonce).
///
/// # Returns
/// - 0 on success (the context is seeded afterwards);
/// - `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED` when `ctx` is NULL, no entropy callback was
///   ever given to `mbedtls_ctr_drbg_seed`, `additional` is NULL with `len` > 0, or the callback
///   fails (the context then keeps its previous state);
/// - `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG` when the entropy length plus `len` exceeds 384
///   (`len` > 336 with the default), as in Mbed TLS.
///
/// Differences from Mbed TLS: the entropy and `additional` are wiped without being used (module
/// docs). Not thread-safe with other calls on the same context, as in Mbed TLS.
///
/// # Safety
/// `ctx` must be NULL or point to an initialised context; a non-NULL `additional` must be
/// readable for `len` bytes; the entropy callback recorded by `mbedtls_ctr_drbg_seed` must still
/// be valid with its argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_reseed(
    ctx: *mut mbedtls_ctr_drbg_context,
    additional: *const c_uchar,
    len: usize,
) -> c_int {
    // SAFETY: this function's contract is `reseed`'s.
    entry!(mbedtls_ctr_drbg_reseed, { status(unsafe { reseed(ctx, additional, len, 0) }) })
}

/// Fills `output` with `output_len` random bytes: the `f_rng` callback to give
/// `mbedtls_ssl_conf_rng` (and every other `f_rng` parameter) with a seeded context as `p_rng`.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG` when `output_len` > `MBEDTLS_CTR_DRBG_MAX_REQUEST`
///   (1024), checked first as in Mbed TLS;
/// - `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED` when `p_rng` is NULL or not seeded, when
///   `output` is NULL with `output_len` > 0, or when the operating system's generator fails.
///
/// Differences from Mbed TLS: the bytes come from the operating system's CSPRNG through aws-lc,
/// not from CTR_DRBG over the seed; an unseeded context is refused instead of producing output.
/// Thread-safe: any number of threads may call this with one context (Mbed TLS needs
/// `MBEDTLS_THREADING_C` for that).
///
/// # Safety
/// `p_rng` must be NULL or point to an initialised `mbedtls_ctr_drbg_context`; a non-NULL
/// `output` must be writable for `output_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_random(p_rng: *mut c_void, output: *mut c_uchar, output_len: usize) -> c_int {
    entry!(mbedtls_ctr_drbg_random, {
        // SAFETY: the caller's guarantees are those of `random_with_add`; `(NULL, 0)` is no additional input.
        unsafe { mbedtls_ctr_drbg_random_with_add(p_rng, output, output_len, core::ptr::null(), 0) }
    })
}

/// Like `mbedtls_ctr_drbg_random`, with additional input.
///
/// # Returns
/// As `mbedtls_ctr_drbg_random`, plus `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG` when `add_len` >
/// `MBEDTLS_CTR_DRBG_MAX_INPUT` (256), checked right after the request size as in Mbed TLS, and
/// `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED` when `additional` is NULL with `add_len` > 0.
///
/// Differences from Mbed TLS: `additional` is validated but does not influence the output (module
/// docs). Thread-safe, unlike Mbed TLS's (which takes no lock here).
///
/// # Safety
/// As `mbedtls_ctr_drbg_random`; a non-NULL `additional` must be readable for `add_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_random_with_add(
    p_rng: *mut c_void,
    output: *mut c_uchar,
    output_len: usize,
    additional: *const c_uchar,
    add_len: usize,
) -> c_int {
    entry!(mbedtls_ctr_drbg_random_with_add, {
        if output_len > MBEDTLS_CTR_DRBG_MAX_REQUEST as usize {
            return code_of(Error::CtrDrbgRequestTooBig);
        }
        if add_len > MBEDTLS_CTR_DRBG_MAX_INPUT as usize {
            return code_of(Error::CtrDrbgInputTooBig);
        }
        let ctx = p_rng.cast::<mbedtls_ctr_drbg_context>();
        // SAFETY: `ctx` is not NULL (checked first), and the caller guarantees that it is an
        // initialised context; other threads access the field only atomically.
        if ctx.is_null() || unsafe { atomic_field(&raw mut (*ctx).private_seeded) }.load(Ordering::Acquire) != SEEDED {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        }
        // SAFETY: the caller guarantees that a non-NULL `additional` is readable for `add_len`.
        if unsafe { in_slice(additional, add_len) }.is_none() {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        }
        // SAFETY: the caller guarantees that a non-NULL `output` is writable for `output_len`.
        let Some(out) = (unsafe { out_slice(output, output_len) }) else {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        };
        if crate::rng::fill(out).is_err() {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        }
        // SAFETY: as for `private_seeded` above.
        let counter = unsafe { atomic_field(&raw mut (*ctx).private_reseed_counter) };
        let _ = counter.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1));
        0
    })
}

/// Turns prediction resistance on (`MBEDTLS_CTR_DRBG_PR_ON`) or off: recorded, no effect.
///
/// Differences from Mbed TLS: with prediction resistance on, Mbed TLS calls the entropy callback
/// before every request. Here every request is fresh output of the operating system's CSPRNG
/// whatever the setting, and the entropy callback is not called. NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to an initialised context, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_set_prediction_resistance(
    ctx: *mut mbedtls_ctr_drbg_context,
    resistance: c_int,
) {
    entry!(mbedtls_ctr_drbg_set_prediction_resistance, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is an initialised context.
            unsafe { (*ctx).private_prediction_resistance = resistance };
        }
    })
}

/// Sets how many bytes each seeding draws from the entropy callback (Mbed TLS's default, 48,
/// when never set or set to 0). Checked at seeding: an entropy length above 384 makes seeding
/// fail with `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG`; with `mbedtls_entropy_func`, a length above
/// 64 makes it fail with `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED`. NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to an initialised context, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_set_entropy_len(ctx: *mut mbedtls_ctr_drbg_context, len: usize) {
    entry!(mbedtls_ctr_drbg_set_entropy_len, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is an initialised context.
            unsafe { (*ctx).private_entropy_len = len };
        }
    })
}

/// Sets how many bytes the first seeding draws for a nonce, in a second call of the entropy
/// callback (0: none). Only before `mbedtls_ctr_drbg_seed`.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED` once `mbedtls_ctr_drbg_seed` was called with
///   an entropy callback (even if it failed), as in Mbed TLS, or when `ctx` is NULL;
/// - `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG` when `len` > `MBEDTLS_CTR_DRBG_MAX_SEED_INPUT` (384).
///
/// # Safety
/// `ctx` must be NULL or point to an initialised context, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_set_nonce_len(ctx: *mut mbedtls_ctr_drbg_context, len: usize) -> c_int {
    entry!(mbedtls_ctr_drbg_set_nonce_len, {
        // SAFETY: the caller guarantees that a non-NULL `ctx` is an initialised context.
        if ctx.is_null() || unsafe { (*ctx).private_f_entropy.is_some() } {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        }
        if len > MAX_SEED_INPUT {
            return code_of(Error::CtrDrbgInputTooBig);
        }
        // SAFETY: as above. Mbed TLS keeps the nonce length in the request counter until the
        // first seeding.
        unsafe { (*ctx).private_reseed_counter = len as c_int };
        0
    })
}

/// Sets the reseed interval (requests between automatic reseeds in Mbed TLS; default
/// `MBEDTLS_CTR_DRBG_RESEED_INTERVAL`): recorded, no effect (module docs). NULL is ignored.
///
/// # Safety
/// `ctx` must be NULL or point to an initialised context, not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_set_reseed_interval(ctx: *mut mbedtls_ctr_drbg_context, interval: c_int) {
    entry!(mbedtls_ctr_drbg_set_reseed_interval, {
        if !ctx.is_null() {
            // SAFETY: the caller guarantees that a non-NULL `ctx` is an initialised context.
            unsafe { (*ctx).private_reseed_interval = interval };
        }
    })
}

/// Mixes `additional` into the generator state (Mbed TLS's CTR_DRBG_Update).
///
/// # Returns
/// - 0 on success, and at once for `add_len` = 0 (whatever the pointers);
/// - `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG` when `add_len` > `MBEDTLS_CTR_DRBG_MAX_SEED_INPUT` (384);
/// - `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED` when `ctx` is NULL or `additional` is NULL.
///
/// Differences from Mbed TLS: the input plays no part in the output (module docs); the call
/// only validates it.
///
/// # Safety
/// `ctx` must be NULL or point to an initialised context; a non-NULL `additional` must be
/// readable for `add_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_update(
    ctx: *mut mbedtls_ctr_drbg_context,
    additional: *const c_uchar,
    add_len: usize,
) -> c_int {
    entry!(mbedtls_ctr_drbg_update, {
        if add_len == 0 {
            return 0;
        }
        if add_len > MAX_SEED_INPUT {
            return code_of(Error::CtrDrbgInputTooBig);
        }
        if ctx.is_null() || additional.is_null() {
            return code_of(Error::CtrDrbgEntropySourceFailed);
        }
        0
    })
}

/// Writes `MBEDTLS_CTR_DRBG_MAX_INPUT` (256) bytes of `mbedtls_ctr_drbg_random` output to the
/// file at `path`, which is created or truncated first (as Mbed TLS does: a failing generator
/// leaves it empty).
///
/// # Returns
/// 0; `MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR` when `path` is NULL or the file cannot be created or
/// written; the codes of `mbedtls_ctr_drbg_random` (an unseeded context:
/// `MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED`).
///
/// # Safety
/// As `mbedtls_ctr_drbg_random` for `ctx`; `path` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_write_seed_file(
    ctx: *mut mbedtls_ctr_drbg_context,
    path: *const c_char,
) -> c_int {
    entry!(mbedtls_ctr_drbg_write_seed_file, {
        // SAFETY: the caller guarantees that a non-NULL `path` is NUL-terminated.
        let Some(path) = (unsafe { in_path(path) }) else { return code_of(Error::CtrDrbgFileIoError) };
        let Ok(writer) = SeedWriter::create(path) else { return code_of(Error::CtrDrbgFileIoError) };
        let mut buf = [0u8; MBEDTLS_CTR_DRBG_MAX_INPUT as usize];
        // SAFETY: this function's contract for `ctx`; `buf` is writable for its length.
        let mut ret = unsafe { mbedtls_ctr_drbg_random(ctx.cast(), buf.as_mut_ptr(), buf.len()) };
        if ret == 0 && writer.write(&buf).is_err() {
            ret = code_of(Error::CtrDrbgFileIoError);
        }
        buf.zeroize();
        ret
    })
}

/// Reads the seed file at `path` (at most `MBEDTLS_CTR_DRBG_MAX_INPUT` = 256 bytes), gives its
/// bytes to `mbedtls_ctr_drbg_update`, then rewrites it with `mbedtls_ctr_drbg_write_seed_file`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR` when `path` is NULL or the file cannot be read
/// (absent, unreadable, a directory) or is empty; `MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG` when it
/// holds more than 256 bytes (as Mbed TLS 3.6); then the codes of `mbedtls_ctr_drbg_update` and
/// `mbedtls_ctr_drbg_write_seed_file`.
///
/// # Safety
/// As `mbedtls_ctr_drbg_random` for `ctx`; `path` must be NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_update_seed_file(
    ctx: *mut mbedtls_ctr_drbg_context,
    path: *const c_char,
) -> c_int {
    entry!(mbedtls_ctr_drbg_update_seed_file, {
        // SAFETY: the caller guarantees that a non-NULL `path` is NUL-terminated.
        let Some(file) = (unsafe { in_path(path) }) else { return code_of(Error::CtrDrbgFileIoError) };
        let seed = match read_prefix(file, MBEDTLS_CTR_DRBG_MAX_INPUT as usize) {
            Ok(seed) if seed.longer => return code_of(Error::CtrDrbgInputTooBig),
            Ok(seed) if !seed.bytes.is_empty() => seed,
            _ => return code_of(Error::CtrDrbgFileIoError),
        };
        // SAFETY: this function's contract for `ctx`; the seed is a live buffer.
        let ret = unsafe { mbedtls_ctr_drbg_update(ctx, seed.bytes.as_ptr(), seed.bytes.len()) };
        drop(seed);
        if ret != 0 {
            return ret;
        }
        // SAFETY: this function's contract.
        unsafe { mbedtls_ctr_drbg_write_seed_file(ctx, path) }
    })
}

/// Frees a generator context: zeroes it (it is unseeded and forgets the entropy callback).
///
/// NULL, a second call and a context that was only zeroed are all fine.
///
/// # Safety
/// `ctx` must be NULL or point to writable memory for one `mbedtls_ctr_drbg_context`, not in use
/// by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ctr_drbg_free(ctx: *mut mbedtls_ctr_drbg_context) {
    // SAFETY: this function's contract is `reset`'s.
    entry!(mbedtls_ctr_drbg_free, { unsafe { reset(ctx) } })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/ctr_drbg.rs"));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::entropy::{
        mbedtls_entropy_context, mbedtls_entropy_free, mbedtls_entropy_func, mbedtls_entropy_init,
    };
    use core::ptr::{null, null_mut};
    use std::sync::atomic::AtomicUsize;

    fn new_ctx() -> mbedtls_ctr_drbg_context {
        let mut ctx = core::mem::MaybeUninit::<mbedtls_ctr_drbg_context>::uninit();
        // SAFETY: init writes the whole context without reading it, so it is initialised afterwards.
        unsafe {
            mbedtls_ctr_drbg_init(ctx.as_mut_ptr());
            ctx.assume_init()
        }
    }

    fn random(ctx: &mut mbedtls_ctr_drbg_context, out: &mut [u8]) -> c_int {
        // SAFETY: `ctx` is a live context; `out` is writable for its length.
        unsafe { mbedtls_ctr_drbg_random((ctx as *mut mbedtls_ctr_drbg_context).cast(), out.as_mut_ptr(), out.len()) }
    }

    /// An entropy callback that counts its calls (through `p_entropy`) and records the length.
    unsafe extern "C" fn counting(p: *mut c_void, out: *mut c_uchar, len: usize) -> c_int {
        // SAFETY: the tests pass a live `AtomicUsize` as `p_entropy`.
        let calls = unsafe { &*(p as *const AtomicUsize) };
        calls.fetch_add(1, Ordering::SeqCst);
        assert_eq!(len, 48);
        // SAFETY: the library passes a buffer writable for `len` bytes.
        unsafe { core::ptr::write_bytes(out, 0x5A, len) };
        0
    }

    unsafe extern "C" fn failing(_: *mut c_void, _: *mut c_uchar, _: usize) -> c_int {
        -0x1234
    }

    #[test]
    fn seed_with_entropy_func_and_draw() {
        let mut entropy = core::mem::MaybeUninit::<mbedtls_entropy_context>::uninit();
        // SAFETY: init writes the context without reading it.
        unsafe { mbedtls_entropy_init(entropy.as_mut_ptr()) };
        let mut ctx = new_ctx();
        let pers = b"ctr_drbg test";
        // SAFETY: `ctx` and `entropy` are live and initialised; `pers` is readable for its length.
        let ret = unsafe {
            mbedtls_ctr_drbg_seed(
                &mut ctx,
                Some(mbedtls_entropy_func),
                entropy.as_mut_ptr().cast(),
                pers.as_ptr(),
                pers.len(),
            )
        };
        assert_eq!(ret, 0);
        let mut a = [0u8; 1024];
        let mut b = [0u8; 1024];
        assert_eq!(random(&mut ctx, &mut a), 0);
        assert_eq!(random(&mut ctx, &mut b), 0);
        assert_ne!(a, b);
        assert_eq!(random(&mut ctx, &mut []), 0);
        assert_eq!(ctx.private_reseed_counter, 4);
        // SAFETY: `ctx` is live and seeded with a callback whose argument still lives.
        assert_eq!(unsafe { mbedtls_ctr_drbg_reseed(&mut ctx, null(), 0) }, 0);
        assert_eq!(ctx.private_reseed_counter, 1);
        // SAFETY: live contexts; a second free is allowed.
        unsafe {
            mbedtls_ctr_drbg_free(&mut ctx);
            mbedtls_ctr_drbg_free(&mut ctx);
            mbedtls_entropy_free(entropy.as_mut_ptr());
        }
        assert_eq!(random(&mut ctx, &mut a), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    }

    #[test]
    fn entropy_callback_called_once_per_seeding_for_48_bytes() {
        let calls = AtomicUsize::new(0);
        let p = (&calls as *const AtomicUsize).cast_mut().cast();
        let mut ctx = new_ctx();
        // SAFETY: `ctx` is live; `p` points to `calls`, which outlives `ctx`'s use.
        assert_eq!(unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(counting), p, null(), 0) }, 0);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let mut out = [0u8; 64];
        for _ in 0..10 {
            assert_eq!(random(&mut ctx, &mut out), 0);
        }
        // Output is not derived from the (constant) entropy.
        assert_ne!(out, [0x5A; 64]);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // SAFETY: `ctx` is live.
        unsafe { mbedtls_ctr_drbg_set_prediction_resistance(&mut ctx, MBEDTLS_CTR_DRBG_PR_ON) };
        assert_eq!(random(&mut ctx, &mut out), 0);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let add = [7u8; 32];
        // SAFETY: `ctx` is live and its callback argument `calls` still lives; `add` is readable for its
        // length.
        assert_eq!(unsafe { mbedtls_ctr_drbg_reseed(&mut ctx, add.as_ptr(), add.len()) }, 0);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn entropy_failure_is_reported_and_leaves_unseeded() {
        let mut ctx = new_ctx();
        // SAFETY: `ctx` is live; `failing` ignores its argument.
        let ret = unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(failing), null_mut(), null(), 0) };
        assert_eq!(ret, MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
        let mut out = [0u8; 16];
        assert_eq!(random(&mut ctx, &mut out), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
        // SAFETY: `ctx` is live and its callback ignores its argument.
        assert_eq!(unsafe { mbedtls_ctr_drbg_reseed(&mut ctx, null(), 0) }, MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
        // A failed reseed of a seeded context keeps it usable.
        let calls = AtomicUsize::new(0);
        let p = (&calls as *const AtomicUsize).cast_mut().cast();
        // SAFETY: `ctx` is live; `p` points to `calls`, which outlives `ctx`'s use.
        assert_eq!(unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(counting), p, null(), 0) }, 0);
        ctx.private_f_entropy = Some(failing);
        // SAFETY: `ctx` is live and its callback ignores its argument.
        assert_eq!(unsafe { mbedtls_ctr_drbg_reseed(&mut ctx, null(), 0) }, MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
        assert_eq!(random(&mut ctx, &mut out), 0);
    }

    #[test]
    fn limits() {
        let calls = AtomicUsize::new(0);
        let p = (&calls as *const AtomicUsize).cast_mut().cast();
        let mut ctx = new_ctx();
        let custom = [1u8; 337];
        assert_eq!(
            // SAFETY: `ctx` is live; `p` points to `calls`; `custom` is readable for 337 bytes.
            unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(counting), p, custom.as_ptr(), 337) },
            MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0, "length checked before the callback");
        // SAFETY: `ctx` is live; `p` points to `calls`; `custom` is readable for 336 bytes.
        assert_eq!(unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(counting), p, custom.as_ptr(), 336) }, 0);
        assert_eq!(
            // SAFETY: `ctx` is live; `custom` is readable for 337 bytes.
            unsafe { mbedtls_ctr_drbg_reseed(&mut ctx, custom.as_ptr(), 337) },
            MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG
        );
        let mut big = vec![0u8; 1025];
        assert_eq!(random(&mut ctx, &mut big), MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG);
        assert!(big.iter().all(|&b| b == 0));
        assert_eq!(random(&mut ctx, &mut big[..1024]), 0);
        let add = [0u8; 257];
        let pctx = (&mut ctx as *mut mbedtls_ctr_drbg_context).cast();
        let mut out = [0u8; 8];
        assert_eq!(
            // SAFETY: `pctx` is a live context; `out` has 8 bytes and `add` 257.
            unsafe { mbedtls_ctr_drbg_random_with_add(pctx, out.as_mut_ptr(), 8, add.as_ptr(), 257) },
            MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG
        );
        // SAFETY: `pctx` is a live context; `out` has 8 bytes and `add` at least 256.
        assert_eq!(unsafe { mbedtls_ctr_drbg_random_with_add(pctx, out.as_mut_ptr(), 8, add.as_ptr(), 256) }, 0);
        // Request size is checked before the context, as in Mbed TLS.
        assert_eq!(
            // SAFETY: the request size is refused before any pointer is used.
            unsafe { mbedtls_ctr_drbg_random(null_mut(), out.as_mut_ptr(), 1025) },
            MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG
        );
    }

    #[test]
    fn null_handling() {
        let calls = AtomicUsize::new(0);
        let p = (&calls as *const AtomicUsize).cast_mut().cast();
        let mut out = [0u8; 8];
        // SAFETY: NULL contexts are accepted; `p` points to `calls`; `out` has 8 bytes.
        unsafe {
            mbedtls_ctr_drbg_init(null_mut());
            mbedtls_ctr_drbg_free(null_mut());
            mbedtls_ctr_drbg_set_prediction_resistance(null_mut(), MBEDTLS_CTR_DRBG_PR_ON);
            assert_eq!(
                mbedtls_ctr_drbg_seed(null_mut(), Some(counting), p, null(), 0),
                MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED
            );
            assert_eq!(mbedtls_ctr_drbg_reseed(null_mut(), null(), 0), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
            assert_eq!(
                mbedtls_ctr_drbg_random(null_mut(), out.as_mut_ptr(), 8),
                MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED
            );
        }
        let mut ctx = new_ctx();
        assert_eq!(
            // SAFETY: `ctx` is live; no callback is called.
            unsafe { mbedtls_ctr_drbg_seed(&mut ctx, None, p, null(), 0) },
            MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED
        );
        assert_eq!(
            // SAFETY: `ctx` is live; `(NULL, 5)` is refused before the callback is called.
            unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(counting), p, null(), 5) },
            MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED
        );
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        // SAFETY: `ctx` is live; `p` points to `calls`, which outlives `ctx`'s use.
        assert_eq!(unsafe { mbedtls_ctr_drbg_seed(&mut ctx, Some(counting), p, null(), 0) }, 0);
        let pctx = (&mut ctx as *mut mbedtls_ctr_drbg_context).cast();
        // SAFETY: `pctx` is a live, seeded context; NULL buffers are refused or empty; `out` has 8 bytes.
        unsafe {
            assert_eq!(mbedtls_ctr_drbg_random(pctx, null_mut(), 8), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
            assert_eq!(mbedtls_ctr_drbg_random(pctx, null_mut(), 0), 0);
            assert_eq!(
                mbedtls_ctr_drbg_random_with_add(pctx, out.as_mut_ptr(), 8, null(), 3),
                MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED
            );
            assert_eq!(mbedtls_ctr_drbg_reseed(pctx.cast(), null(), 3), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
        }
    }

    #[test]
    fn zeroed_context_is_unseeded() {
        let mut ctx = unseeded();
        let mut out = [0u8; 8];
        assert_eq!(random(&mut ctx, &mut out), MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED);
    }

    #[test]
    fn concurrent_draws_on_one_context() {
        let mut ctx = new_ctx();
        let mut entropy = mbedtls_entropy_context_new();
        // SAFETY: `ctx` and `entropy` are live and initialised.
        let ret = unsafe {
            mbedtls_ctr_drbg_seed(&mut ctx, Some(mbedtls_entropy_func), (&raw mut entropy).cast(), null(), 0)
        };
        assert_eq!(ret, 0);
        let addr = &raw mut ctx as usize;
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(move || {
                    let mut out = [0u8; 32];
                    for _ in 0..500 {
                        // SAFETY: `ctx` outlives the scoped threads, and concurrent draws on one context are
                        // supported.
                        let r = unsafe { mbedtls_ctr_drbg_random(addr as *mut c_void, out.as_mut_ptr(), out.len()) };
                        assert_eq!(r, 0);
                    }
                });
            }
        });
        assert_eq!(ctx.private_reseed_counter, 2001);
    }

    fn mbedtls_entropy_context_new() -> mbedtls_entropy_context {
        let mut e = core::mem::MaybeUninit::<mbedtls_entropy_context>::uninit();
        // SAFETY: init writes the whole context without reading it, so it is initialised afterwards.
        unsafe {
            mbedtls_entropy_init(e.as_mut_ptr());
            e.assume_init()
        }
    }
}
