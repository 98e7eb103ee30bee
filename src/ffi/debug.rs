//! `debug.h`: the debug threshold.

use core::ffi::c_int;

use super::entry;
use crate::debug;

/// Sets the highest debug level passed to the debug callbacks of every configuration
/// (`mbedtls_ssl_conf_dbg`): 0 none (the default), 1 error, 2 state change, 3 informational,
/// 4 verbose. Process-wide, as in Mbed TLS.
///
/// Differences from Mbed TLS: the lines are this library's and rustls's own, not Mbed TLS's.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_debug_set_threshold(threshold: c_int) {
    entry!(mbedtls_debug_set_threshold, { debug::set_threshold(threshold) })
}
