//! Object identifiers: the DER contents of an OID in dotted form, the OIDs certificates and keys
//! are recognised by, and the names Mbed TLS prints for them.
//!
//! OIDs are compared in dotted form (`1.2.840.113549.1.1.1`) so that the tables below read like
//! the RFCs that define them.

/// `1.2.840.113549.1.1.11` for the DER contents of an OID; None when malformed.
pub(crate) fn to_dotted(der: &[u8]) -> Option<String> {
    if der.is_empty() || der[der.len() - 1] & 0x80 != 0 {
        return None;
    }
    let mut arcs: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for &b in der {
        if acc > (u64::MAX >> 7) {
            return None;
        }
        acc = (acc << 7) | (b & 0x7F) as u64;
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let (first, second) = match acc {
                    0..=39 => (0, acc),
                    40..=79 => (1, acc - 40),
                    _ => (2, acc - 80),
                };
                arcs.push(first);
                arcs.push(second);
            } else {
                arcs.push(acc);
            }
            acc = 0;
        }
    }
    Some(arcs.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
}

pub(crate) const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub(crate) const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
pub(crate) const MGF1: &str = "1.2.840.113549.1.1.8";
pub(crate) const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub(crate) const EC_DH: &str = "1.3.132.1.12";
pub(crate) const X25519: &str = "1.3.101.110";
pub(crate) const X448: &str = "1.3.101.111";
pub(crate) const ED25519: &str = "1.3.101.112";
pub(crate) const ED448: &str = "1.3.101.113";

// Certificate extensions (RFC 5280 section 4.2, and Netscape's certificate type).
pub(crate) const BASIC_CONSTRAINTS: &str = "2.5.29.19";
pub(crate) const KEY_USAGE: &str = "2.5.29.15";
pub(crate) const EXT_KEY_USAGE: &str = "2.5.29.37";
pub(crate) const SUBJECT_ALT_NAME: &str = "2.5.29.17";
pub(crate) const NS_CERT_TYPE: &str = "2.16.840.1.113730.1.1";
pub(crate) const CERTIFICATE_POLICIES: &str = "2.5.29.32";
pub(crate) const SUBJECT_KEY_ID: &str = "2.5.29.14";
pub(crate) const AUTHORITY_KEY_ID: &str = "2.5.29.35";
/// The certificate policy `anyPolicy`, the only one Mbed TLS understands.
pub(crate) const ANY_POLICY: &str = "2.5.29.32.0";
/// anyExtendedKeyUsage.
pub(crate) const ANY_EXTENDED_KEY_USAGE: &str = "2.5.29.37.0";
/// The otherName type of RFC 4108 hardware module names.
pub(crate) const HARDWARE_MODULE_NAME: &str = "1.3.6.1.5.5.7.8.4";

/// Short names of distinguished-name attributes, as `mbedtls_x509_dn_gets` prints them.
pub(crate) fn attribute_short_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.5" => "serialNumber",
        "2.5.4.16" => "postalAddress",
        "2.5.4.17" => "postalCode",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.12" => "title",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.45" => "uniqueIdentifier",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "uid",
        _ => return None,
    })
}

/// Descriptions of extended key usages.
pub(crate) fn ext_key_usage_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "1.3.6.1.5.5.7.3.1" => "TLS Web Server Authentication",
        "1.3.6.1.5.5.7.3.2" => "TLS Web Client Authentication",
        "1.3.6.1.5.5.7.3.3" => "Code Signing",
        "1.3.6.1.5.5.7.3.4" => "E-mail Protection",
        "1.3.6.1.5.5.7.3.8" => "Time Stamping",
        "1.3.6.1.5.5.7.3.9" => "OCSP Signing",
        "2.5.29.37.0" => "Any Extended Key Usage",
        "1.3.6.1.4.1.45605.1" => "Wi-SUN Alliance Field Area Network (FAN)",
        _ => return None,
    })
}

/// Names of hash algorithms (in RSASSA-PSS parameters).
pub(crate) fn hash_name(dotted: &str) -> Option<&'static str> {
    Some(match dotted {
        "1.2.840.113549.2.5" => "MD5",
        "1.3.14.3.2.26" => "SHA1",
        "2.16.840.1.101.3.4.2.4" => "SHA224",
        "2.16.840.1.101.3.4.2.1" => "SHA256",
        "2.16.840.1.101.3.4.2.2" => "SHA384",
        "2.16.840.1.101.3.4.2.3" => "SHA512",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_dotted() {
        assert_eq!(
            to_dotted(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]).unwrap(),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(to_dotted(&[0x55, 0x04, 0x03]).unwrap(), "2.5.4.3");
        assert_eq!(to_dotted(&[0x09, 0x92, 0x26]).unwrap(), "0.9.2342");
        assert_eq!(to_dotted(&[0x88, 0x37]).unwrap(), "2.999");
        assert!(to_dotted(&[]).is_none());
        assert!(to_dotted(&[0x86]).is_none());
    }
}
