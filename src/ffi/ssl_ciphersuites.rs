//! `ssl_ciphersuites.h`: cipher suite identifiers (IANA numbers, as in Mbed TLS) and their
//! names. Only the ECDHE/AEAD suites and the TLS 1.3 suites marked "supported" can be
//! negotiated; the other identifiers exist so that programs naming them compile, and
//! `mbedtls_ssl_conf_ciphersuites` ignores them.

use core::ffi::{CStr, c_char, c_int};

use super::{entry, in_cstr};

/// Every identifier this library knows: (IANA number, Mbed TLS name, negotiable here).
const SUITES: &[(u16, &CStr, bool)] = &[
    (0x1301, c"TLS1-3-AES-128-GCM-SHA256", true),
    (0x1302, c"TLS1-3-AES-256-GCM-SHA384", true),
    (0x1303, c"TLS1-3-CHACHA20-POLY1305-SHA256", true),
    (0x1304, c"TLS1-3-AES-128-CCM-SHA256", false),
    (0x1305, c"TLS1-3-AES-128-CCM-8-SHA256", false),
    (0xC02B, c"TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256", true),
    (0xC02C, c"TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384", true),
    (0xCCA9, c"TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256", true),
    (0xC02F, c"TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256", true),
    (0xC030, c"TLS-ECDHE-RSA-WITH-AES-256-GCM-SHA384", true),
    (0xCCA8, c"TLS-ECDHE-RSA-WITH-CHACHA20-POLY1305-SHA256", true),
    (0xC009, c"TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA", false),
    (0xC00A, c"TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA", false),
    (0xC023, c"TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256", false),
    (0xC024, c"TLS-ECDHE-ECDSA-WITH-AES-256-CBC-SHA384", false),
    (0xC013, c"TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA", false),
    (0xC014, c"TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA", false),
    (0xC027, c"TLS-ECDHE-RSA-WITH-AES-128-CBC-SHA256", false),
    (0xC028, c"TLS-ECDHE-RSA-WITH-AES-256-CBC-SHA384", false),
    (0xC0AC, c"TLS-ECDHE-ECDSA-WITH-AES-128-CCM", false),
    (0xC0AD, c"TLS-ECDHE-ECDSA-WITH-AES-256-CCM", false),
    (0x002F, c"TLS-RSA-WITH-AES-128-CBC-SHA", false),
    (0x0035, c"TLS-RSA-WITH-AES-256-CBC-SHA", false),
    (0x003C, c"TLS-RSA-WITH-AES-128-CBC-SHA256", false),
    (0x003D, c"TLS-RSA-WITH-AES-256-CBC-SHA256", false),
    (0x009C, c"TLS-RSA-WITH-AES-128-GCM-SHA256", false),
    (0x009D, c"TLS-RSA-WITH-AES-256-GCM-SHA384", false),
    (0x009E, c"TLS-DHE-RSA-WITH-AES-128-GCM-SHA256", false),
    (0x009F, c"TLS-DHE-RSA-WITH-AES-256-GCM-SHA384", false),
    (0x0033, c"TLS-DHE-RSA-WITH-AES-128-CBC-SHA", false),
    (0x0039, c"TLS-DHE-RSA-WITH-AES-256-CBC-SHA", false),
    (0x00A8, c"TLS-PSK-WITH-AES-128-GCM-SHA256", false),
    (0x00A9, c"TLS-PSK-WITH-AES-256-GCM-SHA384", false),
    (0x008C, c"TLS-PSK-WITH-AES-128-CBC-SHA", false),
    (0xC0A4, c"TLS-PSK-WITH-AES-128-CCM", false),
    (0xCCAB, c"TLS-PSK-WITH-CHACHA20-POLY1305-SHA256", false),
    (0xC037, c"TLS-ECDHE-PSK-WITH-AES-128-CBC-SHA256", false),
];

/// The supported suites, default preference order, 0-terminated (`mbedtls_ssl_list_ciphersuites`).
static SUPPORTED: [c_int; 10] = [
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
];

/// The Mbed TLS name of a suite number.
pub(crate) fn name_of(id: u16) -> Option<&'static CStr> {
    SUITES.iter().find(|(i, _, _)| *i == id).map(|(_, n, _)| *n)
}

/// The 0-terminated list of cipher suites this library can negotiate, most preferred first.
/// Static: never freed.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_ssl_list_ciphersuites() -> *const c_int {
    entry!(mbedtls_ssl_list_ciphersuites, { SUPPORTED.as_ptr() })
}

/// The name of the cipher suite `ciphersuite_id`, or `"unknown"`.
#[unsafe(no_mangle)]
pub extern "C" fn mbedtls_ssl_get_ciphersuite_name(ciphersuite_id: c_int) -> *const c_char {
    entry!(mbedtls_ssl_get_ciphersuite_name, {
        u16::try_from(ciphersuite_id).ok().and_then(name_of).map_or(c"unknown".as_ptr(), |n| n.as_ptr())
    })
}

/// The number of the cipher suite named `ciphersuite_name` (Mbed TLS spelling), or 0 when the
/// name is unknown or NULL.
///
/// # Safety
/// `ciphersuite_name` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_ciphersuite_id(ciphersuite_name: *const c_char) -> c_int {
    entry!(mbedtls_ssl_get_ciphersuite_id, {
        // SAFETY: `ciphersuite_name` is NULL or a NUL-terminated string (the contract of this function).
        let Some(name) = (unsafe { in_cstr(ciphersuite_name) }) else { return 0 };
        SUITES.iter().find(|(_, n, _)| *n == name).map_or(0, |(i, _, _)| c_int::from(*i))
    })
}

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/ssl_ciphersuites.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_flags_match_the_provider() {
        let provider = rustls_aws_lc_rs::ALL_TLS12_CIPHER_SUITES
            .iter()
            .map(|s| s.common.suite.0)
            .chain(rustls_aws_lc_rs::ALL_TLS13_CIPHER_SUITES.iter().map(|s| s.common.suite.0))
            .collect::<Vec<_>>();
        for (id, name, supported) in SUITES {
            assert_eq!(*supported, provider.contains(id), "{name:?}");
        }
        let listed: Vec<u16> = SUPPORTED.iter().take_while(|&&x| x != 0).map(|&x| x as u16).collect();
        assert_eq!(listed.len(), provider.len());
    }
}
