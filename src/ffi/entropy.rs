//! `entropy.h`: the entropy context, backed by the operating system's CSPRNG.

use core::ffi::c_int;

/// Critical entropy source failure (-0x003C).
pub const MBEDTLS_ERR_ENTROPY_SOURCE_FAILED: c_int = -0x003C;
/// No more sources can be added (-0x003E).
pub const MBEDTLS_ERR_ENTROPY_MAX_SOURCES: c_int = -0x003E;
/// No sources have been added to poll (-0x0040).
pub const MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED: c_int = -0x0040;
/// No strong sources have been added to poll (-0x003D).
pub const MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE: c_int = -0x003D;
/// Read/write error in file (-0x003F).
pub const MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR: c_int = -0x003F;
