//! `rsa.h`: the RSA error codes (the RSA functions themselves are not provided; `pk.h` reports
//! these codes).

pub use super::error::codes::rsa::*;

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/rsa.rs"));
