//! `ecp.h`: the curve identifiers (`mbedtls_ecp_group_id`) that certificate profiles
//! (`MBEDTLS_X509_ID_FLAG`) and `mbedtls_ssl_conf_curves` take. The elliptic-curve arithmetic of
//! Mbed TLS's ecp.h is not offered (see API_COVERAGE.md); its error codes are, as `pk.h` reports
//! them.

use core::ffi::c_int;

pub use super::error::codes::ecp::*;

/// `mbedtls_ecp_group_id` (an `int`-sized enum in Mbed TLS 3.6): the `MBEDTLS_ECP_DP_*` values.
pub type mbedtls_ecp_group_id = c_int;

include!(concat!(env!("OUT_DIR"), "/constants/ecp.rs"));
