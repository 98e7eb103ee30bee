//! `psa/crypto.h`: the part of Mbed TLS 3.6's PSA Crypto API that TLS programs call —
//! `psa_crypto_init`, `mbedtls_psa_crypto_free`, `psa_generate_random` and the hash functions
//! (one-shot and multi-part) for SHA-1 and SHA-2, computed by aws-lc (`crate::hash`, `crate::rng`).
//!
//! Differences from Mbed TLS: there are no keys, so no key management, ciphers, AEAD, MACs,
//! signatures, key agreement or key derivation; other hash algorithms (MD5, RIPEMD-160,
//! SHA-512/t, SHA-3) are recognised and answered with `PSA_ERROR_NOT_SUPPORTED`. The TLS
//! functions of this library never need `psa_crypto_init`; only `psa_generate_random` does, as in
//! Mbed TLS. NULL pointers (which Mbed TLS dereferences) are refused with
//! `PSA_ERROR_INVALID_ARGUMENT`.
//!
//! A hash operation is a shell (`ffi::handle`): the all-zero value is an inactive operation, and
//! as in Mbed TLS every failure of a call on an active operation aborts it, so the next call
//! answers `PSA_ERROR_BAD_STATE` and `psa_hash_abort` is always allowed.

use core::ffi::c_void;
use core::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use super::entry;
use super::handle::{self, shell};
use super::{in_slice, out_slice};
use crate::hash::{HashAlgorithm, HashOperation};

/// The result of a PSA function: `PSA_SUCCESS` (0) or a negative `PSA_ERROR_*` code.
pub type psa_status_t = i32;

/// An algorithm identifier (`PSA_ALG_*`).
pub type psa_algorithm_t = u32;

/// An elliptic curve family (`PSA_ECC_FAMILY_*`); with a size in bits it names a curve.
pub type psa_ecc_family_t = u8;

/// A multi-part hash operation. Declare it with `PSA_HASH_OPERATION_INIT` (or
/// `psa_hash_operation_init()`, or zero it), then `psa_hash_setup`, `psa_hash_update` any number
/// of times, and `psa_hash_finish` or `psa_hash_verify`; `psa_hash_abort` frees it at any time.
///
/// The field is private. A copy made with `=` shares the state of the original: use
/// `psa_hash_clone` to fork a computation.
#[repr(C)]
pub struct psa_hash_operation_s {
    private_handle: *mut c_void,
}

/// The type programs use for a hash operation.
pub type psa_hash_operation_t = psa_hash_operation_s;

shell!(psa_hash_operation_s => Mutex<HashOperation>, psa_hash_operation_s { private_handle: core::ptr::null_mut() });

// The header's constants (`PSA_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/psa.rs"));

/// True between `psa_crypto_init` and `mbedtls_psa_crypto_free`.
static INITIALISED: AtomicBool = AtomicBool::new(false);

/// The body of a PSA export: [`entry!`] with the PSA failure value for a contained panic.
macro_rules! psa_entry {
    ($name:ident, $body:block) => {
        entry!($name, on_panic = PSA_ERROR_GENERIC_ERROR, $body)
    };
}

/// A `psa_algorithm_t` as a supported hash: `PSA_ERROR_NOT_SUPPORTED` for the other hash
/// algorithms, `PSA_ERROR_INVALID_ARGUMENT` for what is not a hash algorithm (Mbed TLS's order).
fn hash_algorithm_from(alg: psa_algorithm_t) -> Result<HashAlgorithm, psa_status_t> {
    match alg {
        PSA_ALG_SHA_1 => Ok(HashAlgorithm::Sha1),
        PSA_ALG_SHA_224 => Ok(HashAlgorithm::Sha224),
        PSA_ALG_SHA_256 => Ok(HashAlgorithm::Sha256),
        PSA_ALG_SHA_384 => Ok(HashAlgorithm::Sha384),
        PSA_ALG_SHA_512 => Ok(HashAlgorithm::Sha512),
        _ if alg & PSA_ALG_CATEGORY_MASK == PSA_ALG_CATEGORY_HASH => Err(PSA_ERROR_NOT_SUPPORTED),
        _ => Err(PSA_ERROR_INVALID_ARGUMENT),
    }
}

/// `PSA_SUCCESS` or the failure's status.
fn status_of(result: Result<(), psa_status_t>) -> psa_status_t {
    result.err().unwrap_or(PSA_SUCCESS)
}

/// Ends `operation` into the C output `(hash, hash_size)` and sets `*hash_length`: the digest
/// size on success, `hash_size` (a buffer of `'!'`) for `PSA_ERROR_BUFFER_TOO_SMALL`, as in
/// Mbed TLS.
///
/// # Safety
/// `hash_length` is writable; a non-NULL `hash` is writable for `hash_size` bytes.
unsafe fn deliver(
    operation: HashOperation,
    hash: *mut u8,
    hash_size: usize,
    hash_length: *mut usize,
) -> Result<(), psa_status_t> {
    // SAFETY: per this function's contract.
    let out = unsafe { out_slice(hash, hash_size) }.ok_or(PSA_ERROR_INVALID_ARGUMENT)?;
    let (status, length) = match operation.finish_into(out) {
        Ok(n) => (Ok(()), n),
        Err(_) => (Err(PSA_ERROR_BUFFER_TOO_SMALL), hash_size),
    };
    // SAFETY: per this function's contract.
    unsafe { hash_length.write(length) };
    status
}

/// Ends `operation` and compares its digest with the C input `(hash, hash_length)` in constant
/// time.
///
/// # Safety
/// A non-NULL `hash` is readable for `hash_length` bytes.
unsafe fn check(operation: HashOperation, hash: *const u8, hash_length: usize) -> Result<(), psa_status_t> {
    // SAFETY: per this function's contract.
    let expected = unsafe { in_slice(hash, hash_length) }.ok_or(PSA_ERROR_INVALID_ARGUMENT)?;
    operation.verify(expected).map_err(|_| PSA_ERROR_INVALID_SIGNATURE)
}

/// The one-shot computation of `psa_hash_compute` and `psa_hash_compare`: the C input
/// `(input, input_length)` hashed with `alg`, not yet finished.
///
/// # Safety
/// A non-NULL `input` is readable for `input_length` bytes.
unsafe fn hashed(alg: psa_algorithm_t, input: *const u8, input_length: usize) -> Result<HashOperation, psa_status_t> {
    let algorithm = hash_algorithm_from(alg)?;
    // SAFETY: per this function's contract.
    let data = unsafe { in_slice(input, input_length) }.ok_or(PSA_ERROR_INVALID_ARGUMENT)?;
    Ok(HashOperation::of(algorithm, data))
}

/// Takes the computation out of an active operation, leaving it inactive (what finishing,
/// verifying and every failure do).
///
/// # Safety
/// `operation` is NULL or points to a hash operation.
unsafe fn take_active(operation: *mut psa_hash_operation_t) -> Result<HashOperation, psa_status_t> {
    if operation.is_null() {
        return Err(PSA_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: per this function's contract.
    let taken = unsafe { handle::take(operation) }.ok_or(PSA_ERROR_BAD_STATE)?;
    taken.into_inner().map_err(|_| PSA_ERROR_GENERIC_ERROR)
}

/// Initialises the PSA crypto subsystem. Call it before `psa_generate_random`; calling it again
/// (from any thread) does nothing more.
///
/// It checks that the operating system's random generator (read through aws-lc, the generator
/// of the whole library) delivers. The TLS functions of this library do not need it.
///
/// # Returns
/// `PSA_SUCCESS`; `PSA_ERROR_INSUFFICIENT_ENTROPY` when the random generator fails.
///
/// # Safety
/// None: there are no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_crypto_init() -> psa_status_t {
    psa_entry!(psa_crypto_init, {
        if INITIALISED.load(Ordering::Acquire) {
            return PSA_SUCCESS;
        }
        match crate::rng::fill(&mut [0u8; 32]) {
            Ok(()) => {
                INITIALISED.store(true, Ordering::Release);
                PSA_SUCCESS
            }
            Err(_) => PSA_ERROR_INSUFFICIENT_ENTROPY,
        }
    })
}

/// Ends the PSA crypto subsystem: `psa_generate_random` answers `PSA_ERROR_BAD_STATE` until the
/// next `psa_crypto_init`. A second call, or a call without `psa_crypto_init`, is fine.
///
/// Differences from Mbed TLS: hash operations hold no global state and stay usable; there are no
/// key slots to wipe.
///
/// # Safety
/// None: there are no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_psa_crypto_free() {
    entry!(mbedtls_psa_crypto_free, {
        INITIALISED.store(false, Ordering::Release);
    })
}

/// Fills `output` with `output_size` random bytes from the operating system's generator
/// (through aws-lc). Any size is served, as in Mbed TLS; 0 succeeds.
///
/// # Returns
/// `PSA_SUCCESS`; `PSA_ERROR_BAD_STATE` before `psa_crypto_init` (or after
/// `mbedtls_psa_crypto_free`), as in Mbed TLS; `PSA_ERROR_INVALID_ARGUMENT` for a NULL `output`
/// with `output_size > 0`; `PSA_ERROR_INSUFFICIENT_ENTROPY` when the generator fails.
///
/// # Safety
/// A non-NULL `output` must be writable for `output_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_generate_random(output: *mut u8, output_size: usize) -> psa_status_t {
    psa_entry!(psa_generate_random, {
        if !INITIALISED.load(Ordering::Acquire) {
            return PSA_ERROR_BAD_STATE;
        }
        // SAFETY: per this function's contract.
        let Some(out) = (unsafe { out_slice(output, output_size) }) else {
            return PSA_ERROR_INVALID_ARGUMENT;
        };
        match crate::rng::fill(out) {
            Ok(()) => PSA_SUCCESS,
            Err(_) => PSA_ERROR_INSUFFICIENT_ENTROPY,
        }
    })
}

/// Computes the hash of `(input, input_length)` with `alg` into `(hash, hash_size)`.
///
/// `*hash_length` receives the digest size (`PSA_HASH_LENGTH(alg)`). Does not need
/// `psa_crypto_init`.
///
/// # Returns
/// `PSA_SUCCESS`; `PSA_ERROR_NOT_SUPPORTED` for a hash algorithm other than `PSA_ALG_SHA_1`,
/// `_224`, `_256`, `_384`, `_512`; `PSA_ERROR_INVALID_ARGUMENT` when `alg` is not a hash
/// algorithm or for NULL pointers (`hash_length`, or a buffer with a non-zero size);
/// `PSA_ERROR_BUFFER_TOO_SMALL` when `hash_size` is less than the digest size — then, as in
/// Mbed TLS, the buffer is filled with `'!'` and `*hash_length` is `hash_size`. On the other
/// failures `*hash_length` is 0.
///
/// # Safety
/// A non-NULL `input` must be readable for `input_length` bytes, a non-NULL `hash` writable for
/// `hash_size` bytes, and a non-NULL `hash_length` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_compute(
    alg: psa_algorithm_t,
    input: *const u8,
    input_length: usize,
    hash: *mut u8,
    hash_size: usize,
    hash_length: *mut usize,
) -> psa_status_t {
    psa_entry!(psa_hash_compute, {
        if hash_length.is_null() {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        // SAFETY: `hash_length` is not NULL (checked) and writable (the contract).
        unsafe { hash_length.write(0) };
        // SAFETY: per this function's contract.
        let operation = unsafe { hashed(alg, input, input_length) };
        // SAFETY: per this function's contract; `hash_length` is not NULL.
        status_of(operation.and_then(|op| unsafe { deliver(op, hash, hash_size, hash_length) }))
    })
}

/// Computes the hash of `(input, input_length)` with `alg` and compares it with
/// `(hash, hash_length)` in constant time.
///
/// # Returns
/// `PSA_SUCCESS` when they are equal; `PSA_ERROR_INVALID_SIGNATURE` when they differ (also in
/// length); `PSA_ERROR_NOT_SUPPORTED` and `PSA_ERROR_INVALID_ARGUMENT` as for
/// `psa_hash_compute`.
///
/// # Safety
/// A non-NULL `input` must be readable for `input_length` bytes, a non-NULL `hash` for
/// `hash_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_compare(
    alg: psa_algorithm_t,
    input: *const u8,
    input_length: usize,
    hash: *const u8,
    hash_length: usize,
) -> psa_status_t {
    psa_entry!(psa_hash_compare, {
        // SAFETY: per this function's contract.
        let operation = unsafe { hashed(alg, input, input_length) };
        // SAFETY: per this function's contract.
        status_of(operation.and_then(|op| unsafe { check(op, hash, hash_length) }))
    })
}

/// An inactive hash operation, the value of `PSA_HASH_OPERATION_INIT`.
///
/// Differences from Mbed TLS: a function here (a `static inline` function in Mbed TLS).
///
/// # Safety
/// None: there are no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_operation_init() -> psa_hash_operation_t {
    entry!(psa_hash_operation_init, on_panic = <psa_hash_operation_t as handle::Shell>::EMPTY, {
        <psa_hash_operation_t as handle::Shell>::EMPTY
    })
}

/// Starts a hash computation with `alg` on an inactive operation (`PSA_HASH_OPERATION_INIT`,
/// `psa_hash_operation_init()`, zeroed, or finished, verified or aborted before).
///
/// # Returns
/// `PSA_SUCCESS`; `PSA_ERROR_BAD_STATE` when the operation is already active — it is then
/// aborted, as in Mbed TLS; `PSA_ERROR_NOT_SUPPORTED` for a hash algorithm other than SHA-1 and
/// SHA-2; `PSA_ERROR_INVALID_ARGUMENT` when `alg` is not a hash algorithm or `operation` is NULL.
///
/// # Safety
/// `operation` must be NULL or point to a `psa_hash_operation_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_setup(operation: *mut psa_hash_operation_t, alg: psa_algorithm_t) -> psa_status_t {
    psa_entry!(psa_hash_setup, {
        if operation.is_null() {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        // SAFETY: `operation` is a hash operation (the contract).
        if unsafe { handle::is_set(operation) } {
            // SAFETY: as above.
            unsafe { handle::release(operation) };
            return PSA_ERROR_BAD_STATE;
        }
        match hash_algorithm_from(alg) {
            Ok(algorithm) => {
                // SAFETY: as above; `install` replaces what a zeroed or stale operation holds.
                unsafe { handle::install(operation, Mutex::new(HashOperation::new(algorithm))) };
                PSA_SUCCESS
            }
            Err(status) => status,
        }
    })
}

/// Adds `(input, input_length)` to an active hash operation.
///
/// # Returns
/// `PSA_SUCCESS` (also for `input_length == 0`, whatever `input`); `PSA_ERROR_BAD_STATE` when
/// the operation is not active; `PSA_ERROR_INVALID_ARGUMENT` for a NULL `operation`, or a NULL
/// `input` with `input_length > 0` (which aborts the operation).
///
/// # Safety
/// `operation` must be NULL or point to a `psa_hash_operation_t`; a non-NULL `input` must be
/// readable for `input_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_update(
    operation: *mut psa_hash_operation_t,
    input: *const u8,
    input_length: usize,
) -> psa_status_t {
    psa_entry!(psa_hash_update, {
        if operation.is_null() {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        // SAFETY: `operation` is a hash operation (the contract), not freed during this call.
        let Some(active) = (unsafe { handle::get(operation) }) else {
            return PSA_ERROR_BAD_STATE;
        };
        if input_length == 0 {
            return PSA_SUCCESS;
        }
        // SAFETY: per this function's contract.
        let status = match unsafe { in_slice(input, input_length) } {
            Some(data) => active.lock().map(|mut op| op.update(data)).map_err(|_| PSA_ERROR_GENERIC_ERROR),
            None => Err(PSA_ERROR_INVALID_ARGUMENT),
        };
        if status.is_err() {
            // SAFETY: as above; `active` is not used any more.
            unsafe { handle::release(operation) };
        }
        status_of(status)
    })
}

/// Ends an active hash operation and writes its digest to `(hash, hash_size)`; the operation is
/// inactive afterwards, whatever the result.
///
/// # Returns
/// `PSA_SUCCESS` with `*hash_length` set to the digest size; `PSA_ERROR_BAD_STATE` when the
/// operation is not active; `PSA_ERROR_BUFFER_TOO_SMALL` when `hash_size` is less than the
/// digest size (`*hash_length` = `hash_size`, the buffer filled with `'!'`, as in Mbed TLS);
/// `PSA_ERROR_INVALID_ARGUMENT` for NULL pointers. `*hash_length` is 0 on the other failures.
///
/// # Safety
/// `operation` must be NULL or point to a `psa_hash_operation_t`; a non-NULL `hash` must be
/// writable for `hash_size` bytes, a non-NULL `hash_length` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_finish(
    operation: *mut psa_hash_operation_t,
    hash: *mut u8,
    hash_size: usize,
    hash_length: *mut usize,
) -> psa_status_t {
    psa_entry!(psa_hash_finish, {
        if !hash_length.is_null() {
            // SAFETY: not NULL (checked) and writable (the contract).
            unsafe { hash_length.write(0) };
        }
        // SAFETY: per this function's contract.
        let active = unsafe { take_active(operation) };
        status_of(active.and_then(|op| {
            if hash_length.is_null() {
                return Err(PSA_ERROR_INVALID_ARGUMENT);
            }
            // SAFETY: per this function's contract; `hash_length` is not NULL.
            unsafe { deliver(op, hash, hash_size, hash_length) }
        }))
    })
}

/// Ends an active hash operation and compares its digest with `(hash, hash_length)` in constant
/// time; the operation is inactive afterwards, whatever the result.
///
/// # Returns
/// `PSA_SUCCESS` when they are equal; `PSA_ERROR_INVALID_SIGNATURE` when they differ (also in
/// length); `PSA_ERROR_BAD_STATE` when the operation is not active;
/// `PSA_ERROR_INVALID_ARGUMENT` for a NULL `operation`, or a NULL `hash` with a non-zero length.
///
/// # Safety
/// `operation` must be NULL or point to a `psa_hash_operation_t`; a non-NULL `hash` must be
/// readable for `hash_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_verify(
    operation: *mut psa_hash_operation_t,
    hash: *const u8,
    hash_length: usize,
) -> psa_status_t {
    psa_entry!(psa_hash_verify, {
        // SAFETY: per this function's contract.
        let active = unsafe { take_active(operation) };
        // SAFETY: per this function's contract.
        status_of(active.and_then(|op| unsafe { check(op, hash, hash_length) }))
    })
}

/// Aborts a hash operation: frees what it holds and leaves it inactive, ready for
/// `psa_hash_setup`. Allowed at any time, also on an inactive (zeroed, finished, aborted)
/// operation and on NULL, like `free`.
///
/// # Returns
/// `PSA_SUCCESS`.
///
/// # Safety
/// `operation` must be NULL or point to a `psa_hash_operation_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_abort(operation: *mut psa_hash_operation_t) -> psa_status_t {
    psa_entry!(psa_hash_abort, {
        // SAFETY: per this function's contract.
        unsafe { handle::release(operation) };
        PSA_SUCCESS
    })
}

/// Copies the state of the active operation `source_operation` into the inactive operation
/// `target_operation`; both then go on independently.
///
/// # Returns
/// `PSA_SUCCESS`; `PSA_ERROR_BAD_STATE` when the source is not active or the target is active
/// (neither is changed, as in Mbed TLS); `PSA_ERROR_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// Each pointer must be NULL or point to a `psa_hash_operation_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn psa_hash_clone(
    source_operation: *const psa_hash_operation_t,
    target_operation: *mut psa_hash_operation_t,
) -> psa_status_t {
    psa_entry!(psa_hash_clone, {
        if source_operation.is_null() || target_operation.is_null() {
            return PSA_ERROR_INVALID_ARGUMENT;
        }
        // SAFETY: both are hash operations (the contract); the source is not freed during this
        // call.
        let (source, target_active) = unsafe { (handle::get(source_operation), handle::is_set(target_operation)) };
        let Some(source) = source.filter(|_| !target_active) else {
            return PSA_ERROR_BAD_STATE;
        };
        let Ok(copy) = source.lock().map(|op| op.clone()) else {
            return PSA_ERROR_GENERIC_ERROR;
        };
        // SAFETY: the target is a hash operation (the contract).
        unsafe { handle::install(target_operation, Mutex::new(copy)) };
        PSA_SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::{null, null_mut};

    /// The tests that change or depend on the global `psa_crypto_init` state run one at a time.
    static GLOBAL_STATE: Mutex<()> = Mutex::new(());

    /// The all-zero operation, as `PSA_HASH_OPERATION_INIT` and static storage make it.
    const PSA_HASH_OPERATION_ZEROED: psa_hash_operation_t = psa_hash_operation_s { private_handle: null_mut() };

    const SUPPORTED: [(psa_algorithm_t, usize); 5] = [
        (PSA_ALG_SHA_1, 20),
        (PSA_ALG_SHA_224, 28),
        (PSA_ALG_SHA_256, 32),
        (PSA_ALG_SHA_384, 48),
        (PSA_ALG_SHA_512, 64),
    ];

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `psa_hash_compute` into a buffer of `size` bytes: the status and the `*hash_length` bytes.
    fn compute(alg: psa_algorithm_t, data: &[u8], size: usize) -> (psa_status_t, Vec<u8>) {
        let mut out = vec![0u8; size];
        let mut len = usize::MAX;
        // SAFETY: every buffer is a live local of the length passed.
        let status = unsafe { psa_hash_compute(alg, data.as_ptr(), data.len(), out.as_mut_ptr(), size, &mut len) };
        out.truncate(len);
        (status, out)
    }

    fn setup(op: &mut psa_hash_operation_t, alg: psa_algorithm_t) -> psa_status_t {
        // SAFETY: `op` is a live local operation.
        unsafe { psa_hash_setup(op, alg) }
    }

    fn update(op: &mut psa_hash_operation_t, data: &[u8]) -> psa_status_t {
        // SAFETY: `op` is a live local operation; `data` is readable for its length.
        unsafe { psa_hash_update(op, data.as_ptr(), data.len()) }
    }

    fn finish(op: &mut psa_hash_operation_t, size: usize) -> (psa_status_t, Vec<u8>) {
        let mut out = vec![0u8; size];
        let mut len = usize::MAX;
        // SAFETY: `op` is a live local operation; `out` is writable for `size` bytes.
        let status = unsafe { psa_hash_finish(op, out.as_mut_ptr(), size, &mut len) };
        out.truncate(len);
        (status, out)
    }

    fn verify(op: &mut psa_hash_operation_t, hash: &[u8]) -> psa_status_t {
        // SAFETY: `op` is a live local operation; `hash` is readable for its length.
        unsafe { psa_hash_verify(op, hash.as_ptr(), hash.len()) }
    }

    fn abort(op: &mut psa_hash_operation_t) -> psa_status_t {
        // SAFETY: `op` is a live local operation.
        unsafe { psa_hash_abort(op) }
    }

    fn clone(source: &psa_hash_operation_t, target: &mut psa_hash_operation_t) -> psa_status_t {
        // SAFETY: both are live local operations.
        unsafe { psa_hash_clone(source, target) }
    }

    fn new_operation() -> psa_hash_operation_t {
        // SAFETY: no arguments.
        unsafe { psa_hash_operation_init() }
    }

    #[test]
    fn one_shot_known_answers() {
        let sha256 = |data: &[u8]| hex(&compute(PSA_ALG_SHA_256, data, 32).1);
        assert_eq!(sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(sha256(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(hex(&compute(PSA_ALG_SHA_1, b"abc", 64).1), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            hex(&compute(PSA_ALG_SHA_384, b"abc", 48).1),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            hex(&compute(PSA_ALG_SHA_512, b"abc", PSA_HASH_MAX_SIZE as usize).1),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        for (alg, len) in SUPPORTED {
            let (status, hash) = compute(alg, b"abc", 64);
            assert_eq!((status, hash.len()), (PSA_SUCCESS, len), "{alg:#x}");
            assert!(len <= PSA_HASH_MAX_SIZE as usize);
        }
        // `(NULL, 0)` is the empty input.
        let mut out = [0u8; 32];
        let mut len = 0;
        // SAFETY: `out` and `len` are live locals; the input is `(NULL, 0)`.
        let status = unsafe { psa_hash_compute(PSA_ALG_SHA_256, null(), 0, out.as_mut_ptr(), 32, &mut len) };
        assert_eq!((status, hex(&out[..len])), (PSA_SUCCESS, sha256(b"")));
    }

    #[test]
    fn multi_part_equals_one_shot_and_clones_fork() {
        let data: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
        for (alg, len) in SUPPORTED {
            let mut op = PSA_HASH_OPERATION_ZEROED;
            let mut fork = new_operation();
            assert_eq!(setup(&mut op, alg), PSA_SUCCESS);
            assert_eq!(update(&mut op, &data[..1]), PSA_SUCCESS);
            assert_eq!(update(&mut op, &[]), PSA_SUCCESS);
            assert_eq!(update(&mut op, &data[1..1000]), PSA_SUCCESS);
            assert_eq!(clone(&op, &mut fork), PSA_SUCCESS);
            assert_eq!(update(&mut op, &data[1000..]), PSA_SUCCESS);
            assert_eq!(update(&mut fork, b"tail"), PSA_SUCCESS);
            let (status, multi) = finish(&mut op, len);
            assert_eq!((status, multi.clone()), (PSA_SUCCESS, compute(alg, &data, len).1), "{alg:#x}");
            let mut forked = data[..1000].to_vec();
            forked.extend_from_slice(b"tail");
            assert_eq!(verify(&mut fork, &compute(alg, &forked, len).1), PSA_SUCCESS, "{alg:#x}");
            // Both are inactive now and can be set up again.
            assert_eq!(setup(&mut op, alg), PSA_SUCCESS);
            assert_eq!(abort(&mut op), PSA_SUCCESS);
        }
    }

    #[test]
    fn compare_and_verify_reject_mismatches() {
        let good = compute(PSA_ALG_SHA_256, b"message", 32).1;
        let compare = |data: &[u8], hash: &[u8]| {
            // SAFETY: both slices are readable for their length.
            unsafe { psa_hash_compare(PSA_ALG_SHA_256, data.as_ptr(), data.len(), hash.as_ptr(), hash.len()) }
        };
        assert_eq!(compare(b"message", &good), PSA_SUCCESS);
        assert_eq!(compare(b"messagf", &good), PSA_ERROR_INVALID_SIGNATURE);
        assert_eq!(compare(b"message", &good[..31]), PSA_ERROR_INVALID_SIGNATURE);
        assert_eq!(compare(b"message", &[]), PSA_ERROR_INVALID_SIGNATURE);
        let mut bad = good.clone();
        bad[31] ^= 0x80;
        assert_eq!(compare(b"message", &bad), PSA_ERROR_INVALID_SIGNATURE);

        let mut op = new_operation();
        for (expected, status) in [(&good[..], PSA_SUCCESS), (&bad[..], PSA_ERROR_INVALID_SIGNATURE)] {
            assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
            assert_eq!(update(&mut op, b"message"), PSA_SUCCESS);
            assert_eq!(verify(&mut op, expected), status);
            // Verification ends the operation whatever its result.
            assert_eq!(verify(&mut op, expected), PSA_ERROR_BAD_STATE);
        }
    }

    #[test]
    fn every_out_of_order_call_is_bad_state() {
        let mut op = new_operation();
        let mut other = new_operation();
        // Nothing set up: update, finish, verify, clone (from) are refused; abort is fine.
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        assert_eq!(update(&mut op, b""), PSA_ERROR_BAD_STATE);
        assert_eq!(finish(&mut op, 64), (PSA_ERROR_BAD_STATE, vec![]));
        assert_eq!(verify(&mut op, &[0; 32]), PSA_ERROR_BAD_STATE);
        assert_eq!(clone(&op, &mut other), PSA_ERROR_BAD_STATE);
        assert_eq!(abort(&mut op), PSA_SUCCESS);
        // Finish twice.
        assert_eq!(setup(&mut op, PSA_ALG_SHA_1), PSA_SUCCESS);
        assert_eq!(finish(&mut op, 20).0, PSA_SUCCESS);
        assert_eq!(finish(&mut op, 20).0, PSA_ERROR_BAD_STATE);
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        // Setup twice: refused, and (as in Mbed TLS) the operation is aborted.
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_ERROR_BAD_STATE);
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        // Clone into an active operation: refused, neither changes.
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        assert_eq!(setup(&mut other, PSA_ALG_SHA_256), PSA_SUCCESS);
        assert_eq!(update(&mut other, b"other"), PSA_SUCCESS);
        assert_eq!(clone(&op, &mut other), PSA_ERROR_BAD_STATE);
        let same: *mut psa_hash_operation_t = &mut op;
        // SAFETY: `same` is a live local operation, passed as both source and target.
        assert_eq!(unsafe { psa_hash_clone(same, same) }, PSA_ERROR_BAD_STATE);
        assert_eq!(finish(&mut other, 32).1, compute(PSA_ALG_SHA_256, b"other", 32).1);
        assert_eq!(finish(&mut op, 32).1, compute(PSA_ALG_SHA_256, b"", 32).1);
        // Abort any time, twice.
        assert_eq!(setup(&mut op, PSA_ALG_SHA_384), PSA_SUCCESS);
        assert_eq!(abort(&mut op), PSA_SUCCESS);
        assert_eq!(abort(&mut op), PSA_SUCCESS);
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
    }

    #[test]
    fn an_error_aborts_the_operation() {
        let mut op = new_operation();
        // A short output ends it...
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        let (status, out) = finish(&mut op, 31);
        assert_eq!(status, PSA_ERROR_BUFFER_TOO_SMALL);
        assert_eq!(out, vec![b'!'; 31], "Mbed TLS's safe default: *hash_length = hash_size, '!' bytes");
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        // ... as does a bad input buffer ...
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        // SAFETY: `op` is a live local; the NULL input is refused before use.
        assert_eq!(unsafe { psa_hash_update(&mut op, null(), 1) }, PSA_ERROR_INVALID_ARGUMENT);
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        assert_eq!(finish(&mut op, 32).0, PSA_ERROR_BAD_STATE);
        // ... and an abort afterwards is fine, and the operation can be set up again.
        assert_eq!(abort(&mut op), PSA_SUCCESS);
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        // SAFETY: `op` is a live local; `(NULL, 0)` is an empty input.
        assert_eq!(unsafe { psa_hash_update(&mut op, null(), 0) }, PSA_SUCCESS);
        let mut len = 0;
        // SAFETY: `op` and `len` are live locals; the NULL output is refused before use.
        assert_eq!(unsafe { psa_hash_finish(&mut op, null_mut(), 32, &mut len) }, PSA_ERROR_INVALID_ARGUMENT);
        assert_eq!(len, 0);
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        // SAFETY: `op` is a live local; the NULL length is refused before use.
        assert_eq!(
            unsafe { psa_hash_finish(&mut op, [0u8; 32].as_mut_ptr(), 32, null_mut()) },
            PSA_ERROR_INVALID_ARGUMENT
        );
        assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        // SAFETY: `op` is a live local; the NULL hash is refused before use.
        assert_eq!(unsafe { psa_hash_verify(&mut op, null(), 32) }, PSA_ERROR_INVALID_ARGUMENT);
        assert_eq!(verify(&mut op, &[0; 32]), PSA_ERROR_BAD_STATE);
    }

    #[test]
    fn garbage_copied_and_null_operations() {
        // Stack garbage reads as inactive: setup and abort accept it.
        let mut garbage = psa_hash_operation_s { private_handle: 0x5a5a_5a5a as *mut c_void };
        assert_eq!(update(&mut garbage, b"x"), PSA_ERROR_BAD_STATE);
        assert_eq!(abort(&mut garbage), PSA_SUCCESS);
        assert!(garbage.private_handle.is_null());
        garbage.private_handle = 0x5a5a_5a5a as *mut c_void;
        assert_eq!(setup(&mut garbage, PSA_ALG_SHA_256), PSA_SUCCESS);
        // A struct copy shares the state; once either is finished the other is inactive.
        let mut copy = psa_hash_operation_s { private_handle: garbage.private_handle };
        assert_eq!(finish(&mut copy, 32).0, PSA_SUCCESS);
        assert_eq!(update(&mut garbage, b"x"), PSA_ERROR_BAD_STATE);
        assert_eq!(abort(&mut garbage), PSA_SUCCESS);
        // NULL operations.
        let mut op = new_operation();
        // SAFETY: NULL is refused before use; the other arguments are live locals.
        unsafe {
            assert_eq!(psa_hash_setup(null_mut(), PSA_ALG_SHA_256), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_update(null_mut(), b"x".as_ptr(), 1), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_finish(null_mut(), [0u8; 32].as_mut_ptr(), 32, &mut 0), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_verify(null_mut(), [0u8; 32].as_ptr(), 32), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_abort(null_mut()), PSA_SUCCESS);
            assert_eq!(psa_hash_clone(null(), &mut op), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_clone(&op, null_mut()), PSA_ERROR_INVALID_ARGUMENT);
        }
    }

    #[test]
    fn one_shot_bad_buffers() {
        let (status, out) = compute(PSA_ALG_SHA_512, b"abc", 63);
        assert_eq!((status, out), (PSA_ERROR_BUFFER_TOO_SMALL, vec![b'!'; 63]));
        assert_eq!(compute(PSA_ALG_SHA_256, b"abc", 0), (PSA_ERROR_BUFFER_TOO_SMALL, vec![]));
        let mut out = [0u8; 32];
        let mut len = 7;
        // SAFETY: NULL buffers are refused before use; the others are live locals.
        unsafe {
            assert_eq!(
                psa_hash_compute(PSA_ALG_SHA_256, null(), 1, out.as_mut_ptr(), 32, &mut len),
                PSA_ERROR_INVALID_ARGUMENT
            );
            assert_eq!(len, 0);
            assert_eq!(
                psa_hash_compute(PSA_ALG_SHA_256, b"a".as_ptr(), 1, null_mut(), 32, &mut len),
                PSA_ERROR_INVALID_ARGUMENT
            );
            assert_eq!(
                psa_hash_compute(PSA_ALG_SHA_256, b"a".as_ptr(), 1, out.as_mut_ptr(), 32, null_mut()),
                PSA_ERROR_INVALID_ARGUMENT
            );
            assert_eq!(psa_hash_compare(PSA_ALG_SHA_256, null(), 1, out.as_ptr(), 32), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_compare(PSA_ALG_SHA_256, b"a".as_ptr(), 1, null(), 32), PSA_ERROR_INVALID_ARGUMENT);
            assert_eq!(psa_hash_compare(PSA_ALG_SHA_256, b"a".as_ptr(), 1, null(), 0), PSA_ERROR_INVALID_SIGNATURE);
        }
    }

    #[test]
    fn unsupported_and_invalid_algorithms() {
        let not_supported = [
            PSA_ALG_MD5,
            PSA_ALG_RIPEMD160,
            PSA_ALG_SHA_512_224,
            PSA_ALG_SHA_512_256,
            PSA_ALG_SHA3_224,
            PSA_ALG_SHA3_256,
            PSA_ALG_SHA3_384,
            PSA_ALG_SHA3_512,
            PSA_ALG_CATEGORY_HASH | 0xff,
        ];
        // PSA_ALG_HMAC(PSA_ALG_SHA_256), a cipher, nothing.
        let invalid = [0x0380_0009, 0x0440_0100, PSA_ALG_NONE, u32::MAX];
        for (algs, expected) in
            [(&not_supported[..], PSA_ERROR_NOT_SUPPORTED), (&invalid[..], PSA_ERROR_INVALID_ARGUMENT)]
        {
            for &alg in algs {
                assert_eq!(compute(alg, b"abc", 64), (expected, vec![]), "{alg:#x}");
                // SAFETY: both slices are readable for their length.
                assert_eq!(unsafe { psa_hash_compare(alg, b"a".as_ptr(), 1, [0u8; 32].as_ptr(), 32) }, expected);
                let mut op = new_operation();
                assert_eq!(setup(&mut op, alg), expected, "{alg:#x}");
                assert_eq!(update(&mut op, b"x"), PSA_ERROR_BAD_STATE);
            }
        }
    }

    #[test]
    fn random_bytes_after_init() {
        let _serial = GLOBAL_STATE.lock().unwrap_or_else(|p| p.into_inner());
        let random = |buf: &mut [u8]| {
            // SAFETY: `buf` is writable for its length.
            unsafe { psa_generate_random(buf.as_mut_ptr(), buf.len()) }
        };
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        // SAFETY: no arguments.
        unsafe { mbedtls_psa_crypto_free() };
        assert_eq!(random(&mut a), PSA_ERROR_BAD_STATE, "as in Mbed TLS: random bytes need psa_crypto_init");
        assert_eq!(a, [0u8; 64]);
        // Idempotent, from several threads at once.
        let inits: Vec<_> = (0..8)
            .map(|_| {
                // SAFETY: no arguments.
                std::thread::spawn(|| unsafe { psa_crypto_init() })
            })
            .collect();
        assert!(inits.into_iter().all(|t| t.join().unwrap() == PSA_SUCCESS));
        // SAFETY: no arguments.
        assert_eq!(unsafe { psa_crypto_init() }, PSA_SUCCESS);
        assert_eq!(random(&mut a), PSA_SUCCESS);
        assert_eq!(random(&mut b), PSA_SUCCESS);
        // 2^-512 chances of a false failure each.
        assert_ne!(a, [0u8; 64]);
        assert_ne!(a, b);
        assert_eq!(random(&mut []), PSA_SUCCESS);
        // SAFETY: `(NULL, 0)` is an empty output; `(NULL, 1)` is refused before use.
        unsafe {
            assert_eq!(psa_generate_random(null_mut(), 0), PSA_SUCCESS);
            assert_eq!(psa_generate_random(null_mut(), 1), PSA_ERROR_INVALID_ARGUMENT);
        }
        // No size limit, as in Mbed TLS (which serves large requests in pieces).
        let mut big = vec![0u8; 4 << 20];
        assert_eq!(random(&mut big), PSA_SUCCESS);
        assert!(big.chunks(256).all(|c| c.iter().any(|&x| x != 0)));
        // SAFETY: no arguments; a second free is fine.
        unsafe {
            mbedtls_psa_crypto_free();
            mbedtls_psa_crypto_free();
        }
        assert_eq!(random(&mut a), PSA_ERROR_BAD_STATE);
        // SAFETY: no arguments.
        assert_eq!(unsafe { psa_crypto_init() }, PSA_SUCCESS);
        assert_eq!(random(&mut a), PSA_SUCCESS);
    }

    #[test]
    fn hashing_does_not_need_init() {
        let _serial = GLOBAL_STATE.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: no arguments.
        unsafe { mbedtls_psa_crypto_free() };
        assert_eq!(compute(PSA_ALG_SHA_256, b"abc", 32).0, PSA_SUCCESS);
        let mut op = new_operation();
        assert_eq!(setup(&mut op, PSA_ALG_SHA_256), PSA_SUCCESS);
        assert_eq!(finish(&mut op, 32).0, PSA_SUCCESS);
    }
}
