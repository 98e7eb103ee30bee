//! `pk.h`: private keys (`mbedtls_pk_context`).

use core::ffi::c_int;

/// Memory allocation failed (-0x3F80).
pub const MBEDTLS_ERR_PK_ALLOC_FAILED: c_int = -0x3F80;
/// Type mismatch, eg attempt to encrypt with an ECDSA key (-0x3F00).
pub const MBEDTLS_ERR_PK_TYPE_MISMATCH: c_int = -0x3F00;
/// Bad input parameters to function (-0x3E80).
pub const MBEDTLS_ERR_PK_BAD_INPUT_DATA: c_int = -0x3E80;
/// Read/write of file failed (-0x3E00).
pub const MBEDTLS_ERR_PK_FILE_IO_ERROR: c_int = -0x3E00;
/// Unsupported key version (-0x3D80).
pub const MBEDTLS_ERR_PK_KEY_INVALID_VERSION: c_int = -0x3D80;
/// Invalid key tag or value (-0x3D00).
pub const MBEDTLS_ERR_PK_KEY_INVALID_FORMAT: c_int = -0x3D00;
/// Key algorithm is unsupported (-0x3C80).
pub const MBEDTLS_ERR_PK_UNKNOWN_PK_ALG: c_int = -0x3C80;
/// Private key password can't be empty (-0x3C00).
pub const MBEDTLS_ERR_PK_PASSWORD_REQUIRED: c_int = -0x3C00;
/// Given private key password does not allow for correct decryption (-0x3B80).
pub const MBEDTLS_ERR_PK_PASSWORD_MISMATCH: c_int = -0x3B80;
/// The pubkey tag or value is invalid (-0x3B00).
pub const MBEDTLS_ERR_PK_INVALID_PUBKEY: c_int = -0x3B00;
/// The algorithm tag or value is invalid (-0x3A80).
pub const MBEDTLS_ERR_PK_INVALID_ALG: c_int = -0x3A80;
/// Elliptic curve is unsupported (-0x3A00).
pub const MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE: c_int = -0x3A00;
/// Unavailable feature, e.g. RSA disabled for RSA key (-0x3980).
pub const MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE: c_int = -0x3980;
/// The buffer contains a valid signature followed by more data (-0x3900).
pub const MBEDTLS_ERR_PK_SIG_LEN_MISMATCH: c_int = -0x3900;
/// The output buffer is too small (-0x3880).
pub const MBEDTLS_ERR_PK_BUFFER_TOO_SMALL: c_int = -0x3880;

/// Placeholder until the pk module lands.
#[repr(C)]
pub struct mbedtls_pk_context {
    private_handle: *mut core::ffi::c_void,
}

pub(crate) unsafe fn private_key_der(_pk: *const mbedtls_pk_context) -> Option<rustls::pki_types::PrivateKeyDer<'static>> {
    None
}
