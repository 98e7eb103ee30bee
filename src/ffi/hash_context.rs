//! What `sha1.h`, `sha256.h` and `sha512.h` share, written once over their three shells: the
//! context functions (each header's module only picks the algorithm and its error code) and the
//! one-shot digest, which `md.h`'s `mbedtls_md` uses too.
//!
//! A context holds a running hash ([`crate::digest::Hash`]) from `*_starts` to `*_finish` and
//! nothing otherwise: `*_init`, `*_finish` and `*_free` leave it empty. So a program that skips
//! `*_free` after `*_finish` (harmless with Mbed TLS's plain-data contexts) leaks nothing here.
//!
//! Differences from Mbed TLS, the same for the three headers:
//! - A context is a handle. Copying the struct by assignment shares one computation instead of
//!   duplicating it (Mbed TLS's fields are private: use `*_clone`).
//! - `*_update` and `*_finish` on a context that is not running (never started, or finished
//!   since) return the header's `BAD_INPUT_DATA` code, where Mbed TLS goes on over stale state;
//!   so do NULL pointers and `(NULL, n > 0)` buffers, where Mbed TLS's behaviour is undefined.

use core::ffi::{c_int, c_uchar};
use core::marker::PhantomData;
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::error::code_of;
use super::handle::{self, Shell};
use super::{in_slice, out_slice};
use crate::digest::{self, Algorithm, Hash};
use crate::error::Error;

/// The object of a running context of the shell type `S` (the type parameter keeps a SHA-1
/// handle from being accepted by a SHA-256 function).
pub(crate) struct Running<S> {
    hash: Mutex<Hash>,
    shell: PhantomData<fn() -> S>,
}

impl<S> Running<S> {
    fn new(hash: Hash) -> Self {
        Self { hash: Mutex::new(hash), shell: PhantomData }
    }

    /// The hash (a context is not shared between threads by a correct program; after a
    /// contained panic the state is still a valid hash).
    fn lock(&self) -> MutexGuard<'_, Hash> {
        self.hash.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The shell of a `sha*.h` context.
pub(crate) trait HashShell: Shell<Object = Running<Self>> {
    /// The header's `MBEDTLS_ERR_SHA*_BAD_INPUT_DATA`.
    const BAD_INPUT: Error;
}

/// `*_starts`: a new computation of `algorithm` (None: the caller's flag was invalid), replacing
/// any running one.
///
/// # Safety
/// `ctx` is NULL or points to an initialised (or zeroed) shell.
pub(crate) unsafe fn starts<S: HashShell>(ctx: *mut S, algorithm: Option<Algorithm>) -> c_int {
    match algorithm {
        Some(algorithm) if !ctx.is_null() => {
            // SAFETY: not NULL, and a shell (the contract of this function); the old computation is freed.
            unsafe { handle::install(ctx, Running::new(Hash::new(algorithm))) };
            0
        }
        _ => code_of(S::BAD_INPUT),
    }
}

/// `*_update`: feeds `(input, ilen)` to the running computation.
///
/// # Safety
/// `ctx` is NULL or points to a shell; a non-NULL `input` is readable for `ilen` bytes.
pub(crate) unsafe fn update<S: HashShell>(ctx: *mut S, input: *const c_uchar, ilen: usize) -> c_int {
    // SAFETY: `ctx` is NULL or a shell, `input` NULL or readable for `ilen` bytes (the contract).
    let (Some(running), Some(data)) = (unsafe { handle::get(ctx) }, unsafe { in_slice(input, ilen) }) else {
        return code_of(S::BAD_INPUT);
    };
    running.lock().update(data);
    0
}

/// `*_finish`: writes the digest to `output` and leaves the context empty. A NULL `output`
/// leaves the computation running.
///
/// # Safety
/// `ctx` is NULL or points to a shell; a non-NULL `output` is writable for the digest's size.
pub(crate) unsafe fn finish<S: HashShell>(ctx: *mut S, output: *mut c_uchar) -> c_int {
    if output.is_null() {
        return code_of(S::BAD_INPUT);
    }
    // SAFETY: `ctx` is NULL or a shell (the contract of this function).
    let Some(running) = (unsafe { handle::take(ctx) }) else {
        return code_of(S::BAD_INPUT);
    };
    let hash = running.hash.into_inner().unwrap_or_else(PoisonError::into_inner);
    // SAFETY: not NULL (checked above) and writable for the digest's size (the contract).
    match unsafe { out_slice(output, hash.algorithm().output_len()) } {
        Some(out) => {
            hash.finish(out);
            0
        }
        None => code_of(S::BAD_INPUT),
    }
}

/// `*_clone`: `dst` gets a copy of `src`'s computation (or becomes empty when `src` is not
/// running). NULL on either side: nothing happens.
///
/// # Safety
/// `dst` and `src` are NULL or point to shells (`dst` may be uninitialised: it is overwritten).
pub(crate) unsafe fn clone<S: HashShell>(dst: *mut S, src: *const S) {
    if dst.is_null() || src.is_null() {
        return;
    }
    // SAFETY: `src` is a shell (the contract); the reference ends with this statement, before
    // `dst` (which may be the same shell) is written.
    let copy = unsafe { handle::get(src) }.map(|running| running.lock().clone());
    match copy {
        // SAFETY: `dst` is a non-NULL shell (the contract); what it held is freed.
        Some(hash) => unsafe { handle::install(dst, Running::new(hash)) },
        // SAFETY: as above.
        None => unsafe { handle::release(dst) },
    }
}

/// A whole digest at once (`mbedtls_sha256()`, `mbedtls_md()`): `bad_input` for no algorithm
/// (None), `(NULL, n > 0)` input or a NULL output.
///
/// # Safety
/// A non-NULL `input` is readable for `ilen` bytes; a non-NULL `output` is writable for the
/// digest's size.
pub(crate) unsafe fn digest_into(
    algorithm: Option<Algorithm>,
    input: *const c_uchar,
    ilen: usize,
    output: *mut c_uchar,
    bad_input: Error,
) -> c_int {
    let Some(algorithm) = algorithm else {
        return code_of(bad_input);
    };
    // SAFETY: `input` is NULL or readable for `ilen` bytes, `output` NULL or writable for the
    // digest's size (the contract of this function).
    let (Some(data), Some(out)) =
        (unsafe { in_slice(input, ilen) }, unsafe { out_slice(output, algorithm.output_len()) })
    else {
        return code_of(bad_input);
    };
    digest::hash(algorithm, data, out);
    0
}

/// The three `sha*.h` headers through their C functions, with one test body for all five
/// algorithms.
#[cfg(test)]
mod tests {
    use core::ffi::c_int;
    use core::ptr::{null, null_mut};

    use super::super::sha1::*;
    use super::super::sha256::*;
    use super::super::sha512::*;
    use super::*;
    use crate::digest::tests::{FIPS_DIGESTS, FIPS_MESSAGES, unhex};

    /// One algorithm of one header: its C functions (`starts` and `once` with the header's flag
    /// applied) and its error code.
    struct Api<S> {
        algorithm: Algorithm,
        bad_input: c_int,
        init: unsafe extern "C" fn(*mut S),
        free: unsafe extern "C" fn(*mut S),
        clone: unsafe extern "C" fn(*mut S, *const S),
        starts: unsafe fn(*mut S) -> c_int,
        update: unsafe extern "C" fn(*mut S, *const c_uchar, usize) -> c_int,
        finish: unsafe extern "C" fn(*mut S, *mut c_uchar) -> c_int,
        once: unsafe fn(*const c_uchar, usize, *mut c_uchar) -> c_int,
    }

    const SHA1: Api<mbedtls_sha1_context> = Api {
        algorithm: Algorithm::Sha1,
        bad_input: MBEDTLS_ERR_SHA1_BAD_INPUT_DATA,
        init: mbedtls_sha1_init,
        free: mbedtls_sha1_free,
        clone: mbedtls_sha1_clone,
        starts: mbedtls_sha1_starts_fn,
        update: mbedtls_sha1_update,
        finish: mbedtls_sha1_finish,
        once: mbedtls_sha1_fn,
    };

    // The exports as plain `unsafe fn` pointers (the flag of sha256/sha512 applied).
    unsafe fn mbedtls_sha1_starts_fn(ctx: *mut mbedtls_sha1_context) -> c_int {
        // SAFETY: forwarded under the caller's contract.
        unsafe { mbedtls_sha1_starts(ctx) }
    }
    unsafe fn mbedtls_sha1_fn(input: *const c_uchar, ilen: usize, output: *mut c_uchar) -> c_int {
        // SAFETY: forwarded under the caller's contract.
        unsafe { mbedtls_sha1(input, ilen, output) }
    }

    fn sha256_api(is224: c_int) -> Api<mbedtls_sha256_context> {
        unsafe fn starts_224(ctx: *mut mbedtls_sha256_context) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha256_starts(ctx, 1) }
        }
        unsafe fn starts_256(ctx: *mut mbedtls_sha256_context) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha256_starts(ctx, 0) }
        }
        unsafe fn once_224(input: *const c_uchar, ilen: usize, output: *mut c_uchar) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha256(input, ilen, output, 1) }
        }
        unsafe fn once_256(input: *const c_uchar, ilen: usize, output: *mut c_uchar) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha256(input, ilen, output, 0) }
        }
        Api {
            algorithm: if is224 == 1 { Algorithm::Sha224 } else { Algorithm::Sha256 },
            bad_input: MBEDTLS_ERR_SHA256_BAD_INPUT_DATA,
            init: mbedtls_sha256_init,
            free: mbedtls_sha256_free,
            clone: mbedtls_sha256_clone,
            starts: if is224 == 1 { starts_224 } else { starts_256 },
            update: mbedtls_sha256_update,
            finish: mbedtls_sha256_finish,
            once: if is224 == 1 { once_224 } else { once_256 },
        }
    }

    fn sha512_api(is384: c_int) -> Api<mbedtls_sha512_context> {
        unsafe fn starts_384(ctx: *mut mbedtls_sha512_context) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha512_starts(ctx, 1) }
        }
        unsafe fn starts_512(ctx: *mut mbedtls_sha512_context) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha512_starts(ctx, 0) }
        }
        unsafe fn once_384(input: *const c_uchar, ilen: usize, output: *mut c_uchar) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha512(input, ilen, output, 1) }
        }
        unsafe fn once_512(input: *const c_uchar, ilen: usize, output: *mut c_uchar) -> c_int {
            // SAFETY: forwarded under the caller's contract.
            unsafe { mbedtls_sha512(input, ilen, output, 0) }
        }
        Api {
            algorithm: if is384 == 1 { Algorithm::Sha384 } else { Algorithm::Sha512 },
            bad_input: MBEDTLS_ERR_SHA512_BAD_INPUT_DATA,
            init: mbedtls_sha512_init,
            free: mbedtls_sha512_free,
            clone: mbedtls_sha512_clone,
            starts: if is384 == 1 { starts_384 } else { starts_512 },
            update: mbedtls_sha512_update,
            finish: mbedtls_sha512_finish,
            once: if is384 == 1 { once_384 } else { once_512 },
        }
    }

    impl<S: HashShell> Api<S> {
        fn fips(&self) -> [Vec<u8>; 3] {
            let (_, digests) = FIPS_DIGESTS.iter().find(|(a, _)| *a == self.algorithm).unwrap();
            digests.map(unhex)
        }

        fn once(&self, data: &[u8]) -> Vec<u8> {
            let mut out = vec![0; self.algorithm.output_len()];
            // SAFETY: `data` is readable for its length, `out` writable for the digest size.
            assert_eq!(unsafe { (self.once)(data.as_ptr(), data.len(), out.as_mut_ptr()) }, 0);
            out
        }

        fn new_started(&self) -> S {
            let mut ctx = S::EMPTY;
            // SAFETY: `ctx` is a live shell of this test.
            unsafe {
                (self.init)(&mut ctx);
                assert_eq!((self.starts)(&mut ctx), 0);
            }
            ctx
        }

        fn feed(&self, ctx: &mut S, data: &[u8]) -> c_int {
            // SAFETY: `ctx` is a live shell, `data` readable for its length.
            unsafe { (self.update)(ctx, data.as_ptr(), data.len()) }
        }

        /// Finishes `ctx` and frees it.
        fn end(&self, ctx: &mut S) -> Vec<u8> {
            let mut out = vec![0; self.algorithm.output_len()];
            // SAFETY: `ctx` is a live shell, `out` writable for the digest size.
            unsafe {
                assert_eq!((self.finish)(ctx, out.as_mut_ptr()), 0);
                (self.free)(ctx);
            }
            out
        }

        fn vectors_and_streaming(&self) {
            for (message, expected) in FIPS_MESSAGES.iter().zip(self.fips()) {
                assert_eq!(self.once(message), expected, "{:?} {message:?}", self.algorithm);
                let mut ctx = self.new_started();
                message.iter().for_each(|byte| assert_eq!(self.feed(&mut ctx, core::slice::from_ref(byte)), 0));
                assert_eq!(self.end(&mut ctx), expected);
            }
            let data: Vec<u8> = (0..50_000u32).map(|i| (i * 31 + 7) as u8).collect();
            let whole = self.once(&data);
            for piece in [1, 55, 64, 111, 128, 4099] {
                let mut ctx = self.new_started();
                data.chunks(piece).for_each(|chunk| assert_eq!(self.feed(&mut ctx, chunk), 0));
                // SAFETY: an empty update with a NULL pointer is allowed.
                assert_eq!(unsafe { (self.update)(&mut ctx, null(), 0) }, 0);
                assert_eq!(self.end(&mut ctx), whole, "{:?} in pieces of {piece}", self.algorithm);
            }
        }

        fn clone_mid_stream(&self) {
            let abc = self.fips()[0].clone();
            let mut src = self.new_started();
            assert_eq!(self.feed(&mut src, b"ab"), 0);
            let mut dst = S::EMPTY;
            let mut again = self.new_started();
            // SAFETY: live shells of this test; `dst` is not initialised (allowed), `again` holds a
            // computation that the clone replaces.
            unsafe {
                (self.clone)(&mut dst, &src);
                (self.clone)(&mut again, &src);
                (self.clone)(&mut src, &src);
            }
            for ctx in [&mut src, &mut dst, &mut again] {
                assert_eq!(self.feed(ctx, b"c"), 0);
                assert_eq!(self.end(ctx), abc);
            }
            // A source that is not running empties the destination.
            let mut ctx = self.new_started();
            let idle = S::EMPTY;
            // SAFETY: live shells of this test.
            unsafe { (self.clone)(&mut ctx, &idle) };
            assert_eq!(self.feed(&mut ctx, b"x"), self.bad_input);
        }

        fn bad_input(&self) {
            let bad = self.bad_input;
            let mut out = vec![0u8; self.algorithm.output_len()];
            let mut ctx = S::EMPTY;
            // SAFETY: NULL, live shells of this test, and buffers valid for the lengths passed
            // (or NULL with the length that makes them invalid).
            unsafe {
                (self.init)(null_mut());
                (self.free)(null_mut());
                (self.clone)(null_mut(), &ctx);
                (self.clone)(&mut ctx, null());
                assert_eq!((self.starts)(null_mut()), bad);
                assert_eq!((self.update)(null_mut(), b"x".as_ptr(), 1), bad);
                assert_eq!((self.finish)(null_mut(), out.as_mut_ptr()), bad);
                (self.init)(&mut ctx);
                assert_eq!((self.update)(&mut ctx, b"x".as_ptr(), 1), bad, "update before starts");
                assert_eq!((self.finish)(&mut ctx, out.as_mut_ptr()), bad, "finish before starts");
                assert_eq!((self.starts)(&mut ctx), 0);
                assert_eq!((self.update)(&mut ctx, null(), 5), bad, "(NULL, 5)");
                assert_eq!((self.finish)(&mut ctx, null_mut()), bad, "NULL output");
                assert_eq!(self.feed(&mut ctx, b"abc"), 0, "still running after the refusals");
                assert_eq!((self.finish)(&mut ctx, out.as_mut_ptr()), 0);
                assert_eq!(out, self.fips()[0]);
                assert_eq!((self.finish)(&mut ctx, out.as_mut_ptr()), bad, "finish twice");
                assert_eq!((self.update)(&mut ctx, b"x".as_ptr(), 1), bad, "update after finish");
                // Garbage, freed and copied-then-freed shells.
                assert_eq!((self.starts)(&mut ctx), 0);
                let copy = core::ptr::read(&ctx);
                (self.free)(&mut ctx);
                (self.free)(&mut ctx);
                assert_eq!((self.update)(&copy as *const S as *mut S, b"x".as_ptr(), 1), bad, "stale copy");
                let mut garbage: S = core::mem::transmute_copy(&[0xA5u8; 64]);
                assert_eq!((self.update)(&mut garbage, b"x".as_ptr(), 1), bad, "garbage");
                assert_eq!((self.finish)(&mut garbage, out.as_mut_ptr()), bad, "garbage");
                // One-shot.
                assert_eq!((self.once)(null(), 3, out.as_mut_ptr()), bad);
                assert_eq!((self.once)(b"abc".as_ptr(), 3, null_mut()), bad);
                assert_eq!((self.once)(null(), 0, out.as_mut_ptr()), 0);
                assert_eq!(out, self.fips()[1], "(NULL, 0) is the empty message");
            }
        }

        fn all(&self) {
            self.vectors_and_streaming();
            self.clone_mid_stream();
            self.bad_input();
        }
    }

    #[test]
    fn sha1_h() {
        SHA1.all();
    }

    #[test]
    fn sha256_h() {
        sha256_api(1).all();
        sha256_api(0).all();
        let mut ctx = sha256_api(0).new_started();
        let mut out = [0u8; 32];
        // SAFETY: `ctx` is live; `out` holds 32 bytes.
        unsafe {
            assert_eq!(mbedtls_sha256_starts(&mut ctx, 2), MBEDTLS_ERR_SHA256_BAD_INPUT_DATA);
            assert_eq!(mbedtls_sha256_starts(&mut ctx, -1), MBEDTLS_ERR_SHA256_BAD_INPUT_DATA);
            assert_eq!(mbedtls_sha256(b"abc".as_ptr(), 3, out.as_mut_ptr(), 2), MBEDTLS_ERR_SHA256_BAD_INPUT_DATA);
            mbedtls_sha256_free(&mut ctx);
        }
    }

    #[test]
    fn sha512_h() {
        sha512_api(1).all();
        sha512_api(0).all();
        let mut out = [0u8; 64];
        let mut ctx = mbedtls_sha512_context::EMPTY;
        // SAFETY: `ctx` is a live shell; `out` holds 64 bytes.
        unsafe {
            assert_eq!(mbedtls_sha512_starts(&mut ctx, 2), MBEDTLS_ERR_SHA512_BAD_INPUT_DATA);
            assert_eq!(mbedtls_sha512(b"abc".as_ptr(), 3, out.as_mut_ptr(), 7), MBEDTLS_ERR_SHA512_BAD_INPUT_DATA);
        }
    }

    /// A context of one header is not accepted by another's functions, whatever the cast.
    #[test]
    fn handles_do_not_cross_headers() {
        let mut ctx = sha256_api(0).new_started();
        let as_512 = (&mut ctx as *mut mbedtls_sha256_context).cast::<mbedtls_sha512_context>();
        let mut out = [0u8; 64];
        // SAFETY: both shells are one pointer wide; `out` holds 64 bytes.
        unsafe {
            assert_eq!(mbedtls_sha512_update(as_512, b"x".as_ptr(), 1), MBEDTLS_ERR_SHA512_BAD_INPUT_DATA);
            assert_eq!(mbedtls_sha512_finish(as_512, out.as_mut_ptr()), MBEDTLS_ERR_SHA512_BAD_INPUT_DATA);
            mbedtls_sha256_free(&mut ctx);
        }
    }
}
