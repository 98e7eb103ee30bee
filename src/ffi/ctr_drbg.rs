//! `ctr_drbg.h`: the random generator contexts of the Mbed TLS samples.

use core::ffi::c_int;

/// The entropy source failed (-0x0034).
pub const MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED: c_int = -0x0034;
/// The requested random buffer length is too big (-0x0036).
pub const MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG: c_int = -0x0036;
/// The input (entropy + additional data) is too large (-0x0038).
pub const MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG: c_int = -0x0038;
/// Read or write error in file (-0x003A).
pub const MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR: c_int = -0x003A;
