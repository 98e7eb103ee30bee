//! `asn1.h`: the ASN1 error codes (the ASN1 functions themselves are not provided; `pk.h` reports
//! these codes).

pub use super::error::codes::asn1::*;
