//! `cipher.h`: the cipher error codes and the `mbedtls_cipher_type_t` values that
//! `mbedtls_ssl_ticket_setup` accepts. No generic cipher API is exported.

use core::ffi::c_int;

pub use super::error::codes::cipher::*;

/// `mbedtls_cipher_type_t` (an `int`-sized enum in Mbed TLS 3.6).
pub type mbedtls_cipher_type_t = c_int;
/// No cipher.
pub const MBEDTLS_CIPHER_NONE: mbedtls_cipher_type_t = 0;
/// AES-128 in GCM mode.
pub const MBEDTLS_CIPHER_AES_128_GCM: mbedtls_cipher_type_t = 14;
/// AES-192 in GCM mode (not supported for tickets).
pub const MBEDTLS_CIPHER_AES_192_GCM: mbedtls_cipher_type_t = 15;
/// AES-256 in GCM mode.
pub const MBEDTLS_CIPHER_AES_256_GCM: mbedtls_cipher_type_t = 16;
/// AES-128 in CCM mode (not supported for tickets).
pub const MBEDTLS_CIPHER_AES_128_CCM: mbedtls_cipher_type_t = 38;
/// AES-256 in CCM mode (not supported for tickets).
pub const MBEDTLS_CIPHER_AES_256_CCM: mbedtls_cipher_type_t = 40;
/// ChaCha20-Poly1305 AEAD.
pub const MBEDTLS_CIPHER_CHACHA20_POLY1305: mbedtls_cipher_type_t = 77;
