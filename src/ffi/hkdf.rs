//! `hkdf.h`: HKDF (RFC 5869) over `crate::hkdf`, with the digest chosen by an
//! `mbedtls_md_info_t` (`mbedtls_md_info_from_type`).

use core::ffi::{c_int, c_uchar};

use super::error::status;
use super::md::{algorithm_of, mbedtls_md_info_t};
use super::{entry, in_slice, out_slice};
use crate::digest::Algorithm;
use crate::error::{Error, Result};
use crate::hkdf;

pub use super::error::codes::hkdf::*;

/// The digest an info pointer describes, or `MBEDTLS_ERR_HKDF_BAD_INPUT_DATA`.
fn algorithm(md: *const mbedtls_md_info_t) -> Result<Algorithm> {
    algorithm_of(md).ok_or(Error::HkdfBadInputData)
}

/// An input buffer: `(NULL, 0)` is empty; `(NULL, n > 0)` is `MBEDTLS_ERR_HKDF_BAD_INPUT_DATA`.
///
/// # Safety
/// `ptr` is NULL or valid for `len` bytes during `'a`.
unsafe fn input<'a>(ptr: *const c_uchar, len: usize) -> Result<&'a [u8]> {
    // SAFETY: per this function's contract.
    unsafe { in_slice(ptr, len) }.ok_or(Error::HkdfBadInputData)
}

/// The salt of an extract: NULL (with length 0) stands for the RFC's zero salt.
///
/// # Safety
/// As [`input`].
unsafe fn salt_of<'a>(salt: *const c_uchar, salt_len: usize) -> Result<Option<&'a [u8]>> {
    if salt.is_null() && salt_len == 0 {
        return Ok(None);
    }
    // SAFETY: per this function's contract.
    unsafe { input(salt, salt_len) }.map(Some)
}

/// HKDF-Extract then HKDF-Expand: `okm_len` bytes derived from `ikm` with `salt` and `info`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_HKDF_BAD_INPUT_DATA` for NULL `md` or `okm`, `(NULL, n > 0)` inputs, an
/// `okm_len` over 255 digests, or SHA-224.
///
/// Differences from Mbed TLS: SHA-224 is refused (aws-lc has no HKDF on it).
///
/// # Safety
/// `md` is NULL or from `mbedtls_md_info_from_*`; each buffer is NULL or valid for its length
/// (`okm` writable).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_hkdf(
    md: *const mbedtls_md_info_t,
    salt: *const c_uchar,
    salt_len: usize,
    ikm: *const c_uchar,
    ikm_len: usize,
    info: *const c_uchar,
    info_len: usize,
    okm: *mut c_uchar,
    okm_len: usize,
) -> c_int {
    entry!(mbedtls_hkdf, {
        let derive = || -> Result<()> {
            let algorithm = algorithm(md)?;
            let mut prk = zeroize::Zeroizing::new(vec![0u8; algorithm.output_len()]);
            // SAFETY: the buffers are NULL or valid for their lengths (the contract of this function).
            let (salt, ikm, info) = unsafe { (salt_of(salt, salt_len)?, input(ikm, ikm_len)?, input(info, info_len)?) };
            hkdf::extract(algorithm, salt, ikm, &mut prk);
            // SAFETY: `okm` is NULL or writable for `okm_len` bytes (the contract of this function).
            let okm = unsafe { out_slice(okm, okm_len) }.filter(|_| !okm.is_null()).ok_or(Error::HkdfBadInputData)?;
            hkdf::expand(algorithm, &prk, info, okm)
        };
        status(derive())
    })
}

/// HKDF-Extract: writes the pseudorandom key (the digest's size) to `prk`. A NULL salt (with
/// `salt_len` 0) is the RFC's salt of zeros.
///
/// # Returns
/// 0; `MBEDTLS_ERR_HKDF_BAD_INPUT_DATA` for NULL `md` or `prk`, or `(NULL, n > 0)` inputs.
///
/// # Safety
/// `md` is NULL or from `mbedtls_md_info_from_*`; `salt` and `ikm` are NULL or valid for their
/// lengths; `prk` is NULL or writable for the digest's size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_hkdf_extract(
    md: *const mbedtls_md_info_t,
    salt: *const c_uchar,
    salt_len: usize,
    ikm: *const c_uchar,
    ikm_len: usize,
    prk: *mut c_uchar,
) -> c_int {
    entry!(mbedtls_hkdf_extract, {
        let extract = || -> Result<()> {
            let algorithm = algorithm(md)?;
            // SAFETY: the buffers are NULL or valid for their lengths (the contract of this function).
            let (salt, ikm) = unsafe { (salt_of(salt, salt_len)?, input(ikm, ikm_len)?) };
            // SAFETY: `prk` is NULL or writable for the digest's size (the contract of this function).
            let prk = unsafe { out_slice(prk, algorithm.output_len()) }.filter(|_| !prk.is_null());
            hkdf::extract(algorithm, salt, ikm, prk.ok_or(Error::HkdfBadInputData)?);
            Ok(())
        };
        status(extract())
    })
}

/// HKDF-Expand: `okm_len` bytes from the pseudorandom key `prk` and `info`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_HKDF_BAD_INPUT_DATA` for NULL `md`, `prk` or `okm`, a `prk_len` below the
/// digest's size, `(NULL, n > 0)` info, or an `okm_len` over 255 digests.
///
/// Differences from Mbed TLS: a PRK longer than 64 bytes, and SHA-224, are refused with
/// `MBEDTLS_ERR_HKDF_BAD_INPUT_DATA` (aws-lc's limits; `mbedtls_hkdf_extract` never makes one).
///
/// # Safety
/// `md` is NULL or from `mbedtls_md_info_from_*`; `prk` and `info` are NULL or valid for their
/// lengths; `okm` is NULL or writable for `okm_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_hkdf_expand(
    md: *const mbedtls_md_info_t,
    prk: *const c_uchar,
    prk_len: usize,
    info: *const c_uchar,
    info_len: usize,
    okm: *mut c_uchar,
    okm_len: usize,
) -> c_int {
    entry!(mbedtls_hkdf_expand, {
        let expand = || -> Result<()> {
            let algorithm = algorithm(md)?;
            // SAFETY: the buffers are NULL or valid for their lengths (the contract of this function).
            let (prk, info) = unsafe { (input(prk, prk_len)?, input(info, info_len)?) };
            // SAFETY: `okm` is NULL or writable for `okm_len` bytes (the contract of this function).
            let okm = unsafe { out_slice(okm, okm_len) }.filter(|_| !okm.is_null()).ok_or(Error::HkdfBadInputData)?;
            hkdf::expand(algorithm, prk, info, okm)
        };
        status(expand())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;
    use crate::ffi::md::{MBEDTLS_MD_SHA224, MBEDTLS_MD_SHA256, mbedtls_md_info_from_type};
    use core::ptr;

    const BAD: c_int = MBEDTLS_ERR_HKDF_BAD_INPUT_DATA;

    #[test]
    fn rfc_5869_case_1_through_the_c_functions_and_bad_input() {
        let (ikm, salt, info) = ([0x0bu8; 22], unhex("000102030405060708090a0b0c"), unhex("f0f1f2f3f4f5f6f7f8f9"));
        let want = unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        let (mut okm, mut prk, mut again) = ([0u8; 42], [0u8; 32], [0u8; 42]);
        // SAFETY: every pointer is NULL or a local buffer of this test with its length.
        unsafe {
            let md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
            let (s, i) = ((salt.as_ptr(), salt.len()), (info.as_ptr(), info.len()));
            let ret = mbedtls_hkdf(md, s.0, s.1, ikm.as_ptr(), ikm.len(), i.0, i.1, okm.as_mut_ptr(), okm.len());
            assert_eq!((ret, okm.to_vec()), (0, want.clone()));
            assert_eq!(mbedtls_hkdf_extract(md, s.0, s.1, ikm.as_ptr(), ikm.len(), prk.as_mut_ptr()), 0);
            assert_eq!(mbedtls_hkdf_expand(md, prk.as_ptr(), 32, i.0, i.1, again.as_mut_ptr(), again.len()), 0);
            assert_eq!(again.to_vec(), want);
            // Bad input: NULL digest, NULL output, (NULL, n > 0), a short PRK, SHA-224, too long.
            let okm_ptr = okm.as_mut_ptr();
            assert_eq!(mbedtls_hkdf(ptr::null(), s.0, s.1, ikm.as_ptr(), 22, i.0, i.1, okm_ptr, 42), BAD);
            assert_eq!(mbedtls_hkdf(md, s.0, s.1, ikm.as_ptr(), 22, i.0, i.1, ptr::null_mut(), 42), BAD);
            assert_eq!(mbedtls_hkdf(md, ptr::null(), 3, ikm.as_ptr(), 22, i.0, i.1, okm_ptr, 42), BAD);
            assert_eq!(
                mbedtls_hkdf(md, ptr::null(), 0, ikm.as_ptr(), 22, ptr::null(), 0, okm_ptr, 42),
                0,
                "no salt, no info"
            );
            assert_eq!(mbedtls_hkdf_extract(md, s.0, s.1, ikm.as_ptr(), 22, ptr::null_mut()), BAD);
            assert_eq!(mbedtls_hkdf_expand(md, prk.as_ptr(), 31, i.0, i.1, okm_ptr, 42), BAD);
            let sha224 = mbedtls_md_info_from_type(MBEDTLS_MD_SHA224);
            assert_eq!(mbedtls_hkdf_expand(sha224, prk.as_ptr(), 32, i.0, i.1, okm_ptr, 42), BAD);
            let mut huge = vec![0u8; 255 * 32 + 1];
            assert_eq!(mbedtls_hkdf_expand(md, prk.as_ptr(), 32, i.0, i.1, huge.as_mut_ptr(), huge.len()), BAD);
        }
    }
}
