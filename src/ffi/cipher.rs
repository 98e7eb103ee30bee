//! `cipher.h`: the cipher error codes and the `mbedtls_cipher_type_t` values that
//! `mbedtls_ssl_ticket_setup` accepts. No generic cipher API is exported.

use core::ffi::c_int;

pub use super::error::codes::cipher::*;

/// `mbedtls_cipher_type_t` (an `int`-sized enum in Mbed TLS 3.6).
pub type mbedtls_cipher_type_t = c_int;

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/cipher.rs"));
