//! `psa_util.h`: the bridges between the classic API and PSA — the PSA random generator as an
//! `f_rng` callback, ECDSA signatures between DER and PSA's raw `r ‖ s`
//! (`crate::ecdsa_sig`), and curve identifiers between `mbedtls_ecp_group_id` and PSA's family
//! and size.
//!
//! Differences from Mbed TLS: the curve conversions know the curves of this library's
//! configuration only (secp256r1, secp384r1, Curve25519; `MBEDTLS_ECP_DP_*_ENABLED` in
//! build_info.h), as Mbed TLS's know the curves of its build. The signature conversions accept
//! curves up to 521 bits (Mbed TLS's default configuration). NULL pointers, which Mbed TLS reads
//! through, are refused with `MBEDTLS_ERR_ASN1_INVALID_DATA`.

use core::ffi::{c_int, c_uchar, c_void};

use super::ecp::*;
use super::error::code_of;
use super::psa::{PSA_SUCCESS, psa_ecc_family_t, psa_generate_random};
use super::{entry, in_slice, out_slice};
use crate::ecdsa_sig;
use crate::error::Error;

pub use super::error::codes::asn1::*;

/// The curves this library's configuration has: Mbed TLS id, PSA family, bits.
const CURVES: &[(mbedtls_ecp_group_id, psa_ecc_family_t, usize)] = &[
    (MBEDTLS_ECP_DP_SECP256R1, super::psa::PSA_ECC_FAMILY_SECP_R1, 256),
    (MBEDTLS_ECP_DP_SECP384R1, super::psa::PSA_ECC_FAMILY_SECP_R1, 384),
    (MBEDTLS_ECP_DP_CURVE25519, super::psa::PSA_ECC_FAMILY_MONTGOMERY, 255),
];

/// The `f_rng` callback over `psa_generate_random`: pass it with `MBEDTLS_PSA_RANDOM_STATE`
/// (NULL; `p_rng` is not used) wherever an `f_rng`/`p_rng` pair is asked for. Requires
/// `psa_crypto_init`, as in Mbed TLS.
///
/// # Returns
/// 0; `MBEDTLS_ERR_ENTROPY_SOURCE_FAILED` when `psa_generate_random` fails (before
/// `psa_crypto_init`, `output` NULL with `output_size` > 0, generator failure).
///
/// # Safety
/// A non-NULL `output` must be writable for `output_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_psa_get_random(p_rng: *mut c_void, output: *mut c_uchar, output_size: usize) -> c_int {
    entry!(mbedtls_psa_get_random, {
        let _ = p_rng;
        // SAFETY: this function's contract is `psa_generate_random`'s.
        if unsafe { psa_generate_random(output, output_size) } == PSA_SUCCESS {
            0
        } else {
            code_of(Error::EntropySourceFailed)
        }
    })
}

/// The PSA family and size of curve `grpid`: the family, with `*bits` set to its size.
///
/// # Returns
/// The family; 0 for a curve this library does not have (`*bits` is then 0) and when `bits` is
/// NULL (nothing written).
///
/// # Safety
/// `bits` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ecc_group_to_psa(grpid: mbedtls_ecp_group_id, bits: *mut usize) -> psa_ecc_family_t {
    entry!(mbedtls_ecc_group_to_psa, on_panic = 0, {
        if bits.is_null() {
            return 0;
        }
        let (family, size) = CURVES.iter().find(|c| c.0 == grpid).map_or((0, 0), |c| (c.1, c.2));
        // SAFETY: `bits` is not NULL and writable (contract).
        unsafe { bits.write(size) };
        family
    })
}

/// The curve of PSA family `family` with `bits` bits.
///
/// # Returns
/// Its `MBEDTLS_ECP_DP_*` id; `MBEDTLS_ECP_DP_NONE` for a curve this library does not have.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_ecc_group_from_psa(family: psa_ecc_family_t, bits: usize) -> mbedtls_ecp_group_id {
    entry!(mbedtls_ecc_group_from_psa, on_panic = MBEDTLS_ECP_DP_NONE, {
        CURVES.iter().find(|c| c.1 == family && c.2 == bits).map_or(MBEDTLS_ECP_DP_NONE, |c| c.0)
    })
}

/// Converts a raw ECDSA signature `r ‖ s` (`raw_len` = 2 × the coordinate size of a `bits`-bit
/// curve) to DER (`SEQUENCE { INTEGER r, INTEGER s }`) in `der` (`der_size` bytes), setting
/// `*der_len`. `raw` and `der` may overlap.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_ASN1_INVALID_DATA` when `bits` is 0, `raw_len` is not two coordinates, `r` or
///   `s` is zero, or a pointer is NULL (where a length asks for data);
/// - `MBEDTLS_ERR_ASN1_BUF_TOO_SMALL` when the DER form does not fit in `der_size` bytes or the
///   curve is larger than 521 bits. Nothing is written on failure.
///
/// # Safety
/// A non-NULL `raw` must be readable for `raw_len` bytes, a non-NULL `der` writable for
/// `der_size` bytes, a non-NULL `der_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ecdsa_raw_to_der(
    bits: usize,
    raw: *const c_uchar,
    raw_len: usize,
    der: *mut c_uchar,
    der_size: usize,
    der_len: *mut usize,
) -> c_int {
    entry!(mbedtls_ecdsa_raw_to_der, {
        // SAFETY: the caller guarantees that a non-NULL `raw` is readable for `raw_len` bytes.
        // The bytes are copied before `der` (which may overlap) is touched.
        let Some(input) = (unsafe { in_slice(raw, raw_len) }).map(<[u8]>::to_vec) else {
            return code_of(Error::Asn1InvalidData);
        };
        let size = if der.is_null() { 0 } else { der_size };
        // SAFETY: as above, for `der` and `der_len`.
        unsafe { convert(ecdsa_sig::raw_to_der(bits, &input, size), der, der_size, der_len) }
    })
}

/// Converts a DER ECDSA signature (`der_len` bytes) of a `bits`-bit curve to raw `r ‖ s` in
/// `raw` (`raw_size` bytes), each coordinate left-padded to the curve size, setting `*raw_len`.
/// `der` and `raw` may overlap.
///
/// # Returns
/// - 0 on success;
/// - `MBEDTLS_ERR_ASN1_INVALID_DATA` when `bits` is 0, an integer is empty, negative, has two
///   leading zeros or is longer than a coordinate, or a pointer is NULL (where a length asks
///   for data);
/// - `MBEDTLS_ERR_ASN1_BUF_TOO_SMALL` when `raw_size` is less than two coordinates or the curve
///   is larger than 521 bits;
/// - `MBEDTLS_ERR_ASN1_OUT_OF_DATA`, `MBEDTLS_ERR_ASN1_UNEXPECTED_TAG`,
///   `MBEDTLS_ERR_ASN1_INVALID_LENGTH` for malformed DER (Mbed TLS's parser's codes);
/// - `MBEDTLS_ERR_ASN1_LENGTH_MISMATCH` when bytes follow `s` in the sequence or the sequence.
///
/// Nothing is written on failure.
///
/// # Safety
/// A non-NULL `der` must be readable for `der_len` bytes, a non-NULL `raw` writable for
/// `raw_size` bytes, a non-NULL `raw_len` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ecdsa_der_to_raw(
    bits: usize,
    der: *const c_uchar,
    der_len: usize,
    raw: *mut c_uchar,
    raw_size: usize,
    raw_len: *mut usize,
) -> c_int {
    entry!(mbedtls_ecdsa_der_to_raw, {
        // SAFETY: the caller guarantees that a non-NULL `der` is readable for `der_len` bytes.
        let Some(input) = (unsafe { in_slice(der, der_len) }).map(<[u8]>::to_vec) else {
            return code_of(Error::Asn1InvalidData);
        };
        let size = if raw.is_null() { 0 } else { raw_size };
        // SAFETY: as above, for `raw` and `raw_len`.
        unsafe { convert(ecdsa_sig::der_to_raw(bits, &input, size), raw, raw_size, raw_len) }
    })
}

/// Hands out a conversion's result: copies it to `(out, size)` and sets `*olen`.
///
/// # Safety
/// A non-NULL `out` must be writable for `size` bytes, a non-NULL `olen` writable.
unsafe fn convert(result: Result<Vec<u8>, Error>, out: *mut c_uchar, size: usize, olen: *mut usize) -> c_int {
    let bytes = match result {
        Ok(bytes) => bytes,
        Err(e) => return code_of(e),
    };
    if olen.is_null() {
        return code_of(Error::Asn1InvalidData);
    }
    // SAFETY: the caller guarantees that a non-NULL `out` is writable for `size` bytes; the
    // result fits (the conversions were given the room).
    match unsafe { out_slice(out, size) } {
        Some(out) if out.len() >= bytes.len() => {
            out[..bytes.len()].copy_from_slice(&bytes);
            // SAFETY: `olen` is not NULL and writable.
            unsafe { olen.write(bytes.len()) };
            0
        }
        _ => code_of(Error::Asn1BufTooSmall),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr::{null, null_mut};

    #[test]
    fn curve_ids_both_ways() {
        let mut bits = 7usize;
        // SAFETY: `bits` is a live local; NULL is refused.
        unsafe {
            assert_eq!(
                mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_SECP384R1, &mut bits),
                super::super::psa::PSA_ECC_FAMILY_SECP_R1
            );
            assert_eq!(bits, 384);
            assert_eq!(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_SECP521R1, &mut bits), 0);
            assert_eq!(bits, 0);
            assert_eq!(mbedtls_ecc_group_to_psa(MBEDTLS_ECP_DP_SECP256R1, null_mut()), 0);
        }
        for &(id, family, size) in CURVES {
            assert_eq!(mbedtls_ecc_group_from_psa(family, size), id);
        }
        assert_eq!(mbedtls_ecc_group_from_psa(super::super::psa::PSA_ECC_FAMILY_SECP_R1, 255), MBEDTLS_ECP_DP_NONE);
    }

    #[test]
    fn conversions_through_c_and_bad_pointers() {
        let raw = [0x01u8, 0x80];
        let mut der = [0u8; 16];
        let mut len = 0usize;
        // SAFETY: every buffer is a live local of the length passed; NULLs are refused.
        unsafe {
            assert_eq!(mbedtls_ecdsa_raw_to_der(8, raw.as_ptr(), 2, der.as_mut_ptr(), 16, &mut len), 0);
            assert_eq!(&der[..len], &[0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80]);
            let mut back = [0u8; 2];
            let mut blen = 0usize;
            assert_eq!(mbedtls_ecdsa_der_to_raw(8, der.as_ptr(), len, back.as_mut_ptr(), 2, &mut blen), 0);
            assert_eq!((back, blen), (raw, 2));
            // In place, overlapping.
            let mut buf = [0u8; 16];
            buf[..2].copy_from_slice(&raw);
            assert_eq!(mbedtls_ecdsa_raw_to_der(8, buf.as_ptr(), 2, buf.as_mut_ptr(), 16, &mut len), 0);
            assert_eq!(&buf[..len], &der[..len]);
            assert_eq!(
                mbedtls_ecdsa_raw_to_der(8, null(), 2, der.as_mut_ptr(), 16, &mut len),
                MBEDTLS_ERR_ASN1_INVALID_DATA
            );
            assert_eq!(
                mbedtls_ecdsa_raw_to_der(8, raw.as_ptr(), 2, null_mut(), 16, &mut len),
                MBEDTLS_ERR_ASN1_BUF_TOO_SMALL
            );
            assert_eq!(
                mbedtls_ecdsa_raw_to_der(8, raw.as_ptr(), 2, der.as_mut_ptr(), 16, null_mut()),
                MBEDTLS_ERR_ASN1_INVALID_DATA
            );
            assert_eq!(
                mbedtls_ecdsa_der_to_raw(8, null(), 9, back.as_mut_ptr(), 2, &mut blen),
                MBEDTLS_ERR_ASN1_INVALID_DATA
            );
            assert_eq!(
                mbedtls_ecdsa_der_to_raw(8, der.as_ptr(), 9, null_mut(), 2, &mut blen),
                MBEDTLS_ERR_ASN1_BUF_TOO_SMALL
            );
        }
    }
}
