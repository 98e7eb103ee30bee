//! `x509.h`: X.509 error codes, verification flags and the ASN.1 buffer types shared by the
//! X.509 structures.

use core::ffi::{c_int, c_uchar};

pub use super::error::codes::x509::*;

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
