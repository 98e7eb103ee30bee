//! `x509.h`: X.509 error codes, verification flags and the ASN.1 buffer types shared by the
//! X.509 structures.

use core::ffi::{c_int, c_uchar};

/// Unavailable feature, e.g. RSA hashing/encryption combination (-0x2080).
pub const MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE: c_int = -0x2080;
/// Requested OID is unknown (-0x2100).
pub const MBEDTLS_ERR_X509_UNKNOWN_OID: c_int = -0x2100;
/// The CRT/CRL/CSR format is invalid (-0x2180).
pub const MBEDTLS_ERR_X509_INVALID_FORMAT: c_int = -0x2180;
/// The CRT/CRL/CSR version element is invalid (-0x2200).
pub const MBEDTLS_ERR_X509_INVALID_VERSION: c_int = -0x2200;
/// The serial tag or value is invalid (-0x2280).
pub const MBEDTLS_ERR_X509_INVALID_SERIAL: c_int = -0x2280;
/// The algorithm tag or value is invalid (-0x2300).
pub const MBEDTLS_ERR_X509_INVALID_ALG: c_int = -0x2300;
/// The name tag or value is invalid (-0x2380).
pub const MBEDTLS_ERR_X509_INVALID_NAME: c_int = -0x2380;
/// The date tag or value is invalid (-0x2400).
pub const MBEDTLS_ERR_X509_INVALID_DATE: c_int = -0x2400;
/// The signature tag or value is invalid (-0x2480).
pub const MBEDTLS_ERR_X509_INVALID_SIGNATURE: c_int = -0x2480;
/// The extension tag or value is invalid (-0x2500).
pub const MBEDTLS_ERR_X509_INVALID_EXTENSIONS: c_int = -0x2500;
/// CRT/CRL/CSR has an unsupported version number (-0x2580).
pub const MBEDTLS_ERR_X509_UNKNOWN_VERSION: c_int = -0x2580;
/// Signature algorithm (oid) is unsupported (-0x2600).
pub const MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG: c_int = -0x2600;
/// Signature algorithms do not match (-0x2680).
pub const MBEDTLS_ERR_X509_SIG_MISMATCH: c_int = -0x2680;
/// Certificate verification failed, e.g. CRL, CA or signature check failed (-0x2700).
pub const MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: c_int = -0x2700;
/// Format not recognized as DER or PEM (-0x2780).
pub const MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT: c_int = -0x2780;
/// Input invalid (-0x2800).
pub const MBEDTLS_ERR_X509_BAD_INPUT_DATA: c_int = -0x2800;
/// Allocation of memory failed (-0x2880).
pub const MBEDTLS_ERR_X509_ALLOC_FAILED: c_int = -0x2880;
/// Read/write of file failed (-0x2900).
pub const MBEDTLS_ERR_X509_FILE_IO_ERROR: c_int = -0x2900;
/// Destination buffer is too small (-0x2980).
pub const MBEDTLS_ERR_X509_BUFFER_TOO_SMALL: c_int = -0x2980;
/// A fatal error occurred, eg the chain is too long or the vrfy callback failed (-0x3000).
pub const MBEDTLS_ERR_X509_FATAL_ERROR: c_int = -0x3000;

/// The certificate validity has expired.
pub const MBEDTLS_X509_BADCERT_EXPIRED: u32 = 0x01;
/// The certificate has been revoked (is on a CRL).
pub const MBEDTLS_X509_BADCERT_REVOKED: u32 = 0x02;
/// The certificate Common Name (CN) does not match with the expected CN.
pub const MBEDTLS_X509_BADCERT_CN_MISMATCH: u32 = 0x04;
/// The certificate is not correctly signed by the trusted CA.
pub const MBEDTLS_X509_BADCERT_NOT_TRUSTED: u32 = 0x08;
/// The CRL is not correctly signed by the trusted CA.
pub const MBEDTLS_X509_BADCRL_NOT_TRUSTED: u32 = 0x10;
/// The CRL is expired.
pub const MBEDTLS_X509_BADCRL_EXPIRED: u32 = 0x20;
/// Certificate was missing.
pub const MBEDTLS_X509_BADCERT_MISSING: u32 = 0x40;
/// Certificate verification was skipped.
pub const MBEDTLS_X509_BADCERT_SKIP_VERIFY: u32 = 0x80;
/// Other reason (can be used by verify callback).
pub const MBEDTLS_X509_BADCERT_OTHER: u32 = 0x0100;
/// The certificate validity starts in the future.
pub const MBEDTLS_X509_BADCERT_FUTURE: u32 = 0x0200;
/// The CRL is from the future.
pub const MBEDTLS_X509_BADCRL_FUTURE: u32 = 0x0400;
/// Usage does not match the keyUsage extension.
pub const MBEDTLS_X509_BADCERT_KEY_USAGE: u32 = 0x0800;
/// Usage does not match the extendedKeyUsage extension.
pub const MBEDTLS_X509_BADCERT_EXT_KEY_USAGE: u32 = 0x1000;
/// Usage does not match the nsCertType extension.
pub const MBEDTLS_X509_BADCERT_NS_CERT_TYPE: u32 = 0x2000;
/// The certificate is signed with an unacceptable hash.
pub const MBEDTLS_X509_BADCERT_BAD_MD: u32 = 0x4000;
/// The certificate is signed with an unacceptable PK alg (eg RSA vs ECDSA).
pub const MBEDTLS_X509_BADCERT_BAD_PK: u32 = 0x8000;
/// The certificate is signed with an unacceptable key (eg bad curve, RSA too short).
pub const MBEDTLS_X509_BADCERT_BAD_KEY: u32 = 0x010000;
/// The CRL is signed with an unacceptable hash.
pub const MBEDTLS_X509_BADCRL_BAD_MD: u32 = 0x020000;
/// The CRL is signed with an unacceptable PK alg (eg RSA vs ECDSA).
pub const MBEDTLS_X509_BADCRL_BAD_PK: u32 = 0x040000;
/// The CRL is signed with an unacceptable key (eg bad curve, RSA too short).
pub const MBEDTLS_X509_BADCRL_BAD_KEY: u32 = 0x080000;

/// A DER element inside a parsed structure: tag, length and a pointer to the bytes.
///
/// `p` points into memory owned by the structure it belongs to (for a certificate: its own copy
/// of the DER); it is valid until that structure is freed.
#[repr(C)]
pub struct mbedtls_asn1_buf {
    /// ASN.1 tag of the element (e.g. 0x30 for a SEQUENCE).
    pub tag: c_int,
    /// Length of the element's contents in bytes.
    pub len: usize,
    /// The contents (or NULL when absent).
    pub p: *mut c_uchar,
}

/// An X.509 buffer: the same type as [`mbedtls_asn1_buf`].
pub type mbedtls_x509_buf = mbedtls_asn1_buf;

/// A calendar time (UTC) as found in a certificate's validity.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct mbedtls_x509_time {
    /// Year, e.g. 2026.
    pub year: c_int,
    /// Month, 1..12.
    pub mon: c_int,
    /// Day of month, 1..31.
    pub day: c_int,
    /// Hour, 0..23.
    pub hour: c_int,
    /// Minute, 0..59.
    pub min: c_int,
    /// Second, 0..59.
    pub sec: c_int,
}
