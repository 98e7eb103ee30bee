//! Matching the expected host name against a certificate, with Mbed TLS's rules
//! (`x509_crt_verify_name`): when the certificate has a subjectAltName extension, only its DNS
//! names (exact, case-insensitive, or a `*.` wildcard standing for exactly one leftmost label),
//! IP addresses (when the expected name is an address) and URIs (exact) count; without the
//! extension, the subject's CN attributes are compared the same way as DNS names.

use std::net::IpAddr;

use crate::x509::{Certificate, GeneralName};

/// Whether `cert` is valid for `name` (a `CN_MISMATCH` when not).
pub(crate) fn matches(cert: &Certificate, name: &str) -> bool {
    let name = name.as_bytes();
    if cert.extensions().subject_alt_names.is_some() {
        let ip = core::str::from_utf8(name).ok().and_then(|s| s.parse::<IpAddr>().ok()).map(|ip| match ip {
            IpAddr::V4(a) => a.octets().to_vec(),
            IpAddr::V6(a) => a.octets().to_vec(),
        });
        return cert.subject_alt_names().iter().any(|san| match san {
            GeneralName::Dns(dns) => dns_matches(dns.as_bytes(), name),
            GeneralName::Ip(bytes) => ip.as_deref() == Some(bytes.as_slice()),
            GeneralName::Uri(uri) => uri.as_bytes() == name,
            _ => false,
        });
    }
    cert.subject().iter().filter(|a| a.oid == COMMON_NAME).any(|a| dns_matches(&a.value, name))
}

/// The DER contents of the commonName attribute type (2.5.4.3).
const COMMON_NAME: [u8; 3] = [0x55, 0x04, 0x03];

/// `x509_crt_check_cn`: equal ignoring ASCII case, or a wildcard `*.rest` where `name` is one
/// label followed by `.rest`.
fn dns_matches(presented: &[u8], name: &[u8]) -> bool {
    if presented.eq_ignore_ascii_case(name) {
        return true;
    }
    let Some(rest) = presented.strip_prefix(b"*") else { return false };
    if rest.len() < 2 || rest[0] != b'.' {
        return false;
    }
    match name.iter().position(|&c| c == b'.') {
        Some(dot) if dot > 0 => name[dot..].eq_ignore_ascii_case(rest),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_exactly_one_leftmost_label() {
        assert!(dns_matches(b"*.example.com", b"www.EXAMPLE.com"));
        assert!(!dns_matches(b"*.example.com", b"a.b.example.com"));
        assert!(!dns_matches(b"*.example.com", b"example.com"));
        assert!(!dns_matches(b"*.example.com", b".example.com"));
        assert!(!dns_matches(b"*.", b"a."));
        assert!(!dns_matches(b"w*.example.com", b"www.example.com"));
        assert!(dns_matches(b"LocalHost", b"localhost"));
        assert!(!dns_matches(b"localhost", b"localhost."));
    }
}
