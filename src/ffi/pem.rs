//! `pem.h`: the PEM error codes (PEM decoding itself is internal: `crate::pem`).

use core::ffi::c_int;

/// No PEM header or footer found (-0x1080).
pub const MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT: c_int = -0x1080;
/// PEM string is not as expected (-0x1100).
pub const MBEDTLS_ERR_PEM_INVALID_DATA: c_int = -0x1100;
/// Failed to allocate memory (-0x1180).
pub const MBEDTLS_ERR_PEM_ALLOC_FAILED: c_int = -0x1180;
/// RSA IV is not in hex format (-0x1200).
pub const MBEDTLS_ERR_PEM_INVALID_ENC_IV: c_int = -0x1200;
/// Unsupported key encryption algorithm (-0x1280).
pub const MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG: c_int = -0x1280;
/// Private key password can't be empty (-0x1300).
pub const MBEDTLS_ERR_PEM_PASSWORD_REQUIRED: c_int = -0x1300;
/// Given private key password does not allow for correct decryption (-0x1380).
pub const MBEDTLS_ERR_PEM_PASSWORD_MISMATCH: c_int = -0x1380;
/// Unavailable feature (-0x1400).
pub const MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE: c_int = -0x1400;
/// Bad input parameters (-0x1480).
pub const MBEDTLS_ERR_PEM_BAD_INPUT_DATA: c_int = -0x1480;
