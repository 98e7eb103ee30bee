//! The certificate extensions this library interprets (basicConstraints, keyUsage,
//! extKeyUsage, subjectAltName, nsCertType, certificatePolicies, the key identifiers), with
//! Mbed TLS's rules: an unknown extension is skipped unless critical, a repeated one is an error.

use crate::der::{self, Tlv};
use crate::error::Error;
use crate::oid;

use super::name::{NameAttribute, parse_name};

/// A subjectAltName entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GeneralName {
    Dns(String),
    /// 4 bytes (IPv4) or 16 bytes (IPv6); other lengths are kept as found.
    Ip(Vec<u8>),
    Email(String),
    Uri(String),
    Directory(Vec<NameAttribute>),
    /// RFC 4108 hardware module name: (hwType OID in dotted form, serial number).
    HardwareModuleName(String, Vec<u8>),
    /// Another otherName type (dotted OID).
    OtherName(String),
    /// A GeneralName type that is not interpreted (x400Address, ediPartyName, registeredID).
    Unsupported(u8),
}

/// keyUsage bits, as `mbedtls_x509_crt.key_usage` holds them.
pub(crate) mod key_usage {
    pub(crate) const DIGITAL_SIGNATURE: u32 = 0x80;
    pub(crate) const NON_REPUDIATION: u32 = 0x40;
    pub(crate) const KEY_ENCIPHERMENT: u32 = 0x20;
    pub(crate) const DATA_ENCIPHERMENT: u32 = 0x10;
    pub(crate) const KEY_AGREEMENT: u32 = 0x08;
    pub(crate) const KEY_CERT_SIGN: u32 = 0x04;
    pub(crate) const CRL_SIGN: u32 = 0x02;
    pub(crate) const ENCIPHER_ONLY: u32 = 0x01;
    pub(crate) const DECIPHER_ONLY: u32 = 0x8000;

    /// The names `mbedtls_x509_crt_info` prints, in its order.
    pub(crate) const NAMES: &[(u32, &str)] = &[
        (DIGITAL_SIGNATURE, "Digital Signature"),
        (NON_REPUDIATION, "Non Repudiation"),
        (KEY_ENCIPHERMENT, "Key Encipherment"),
        (DATA_ENCIPHERMENT, "Data Encipherment"),
        (KEY_AGREEMENT, "Key Agreement"),
        (KEY_CERT_SIGN, "Key Cert Sign"),
        (CRL_SIGN, "CRL Sign"),
        (ENCIPHER_ONLY, "Encipher Only"),
        (DECIPHER_ONLY, "Decipher Only"),
    ];
}

/// The nsCertType bits with the names `mbedtls_x509_crt_info` prints, in its order.
pub(crate) const NS_CERT_TYPE_NAMES: &[(u8, &str)] = &[
    (0x80, "SSL Client"),
    (0x40, "SSL Server"),
    (0x20, "Email"),
    (0x10, "Object Signing"),
    (0x08, "Reserved"),
    (0x04, "SSL CA"),
    (0x02, "Email CA"),
    (0x01, "Object Signing CA"),
];

/// The basicConstraints extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BasicConstraints {
    pub(crate) ca: bool,
    pub(crate) path_len: Option<u32>,
}

/// The extensions this library interprets (others are skipped unless critical).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Extensions {
    pub(crate) basic_constraints: Option<BasicConstraints>,
    /// keyUsage bits (see [`key_usage`]).
    pub(crate) key_usage: Option<u32>,
    /// extKeyUsage purposes, dotted OIDs.
    pub(crate) ext_key_usage: Option<Vec<String>>,
    pub(crate) subject_alt_names: Option<Vec<GeneralName>>,
    pub(crate) ns_cert_type: Option<u8>,
    /// certificatePolicies, dotted OIDs.
    pub(crate) certificate_policies: Option<Vec<String>>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
}

/// The `[3]` extensions element of a v3 TBSCertificate.
pub(super) fn parse_extensions(ext: &Tlv<'_>) -> Result<Extensions, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut out = Extensions::default();
    let mut seen: Vec<String> = Vec::new();
    let mut r = single(ext.value, SEQUENCE, err)?.reader();
    while !r.is_empty() {
        let e = r.read(SEQUENCE, err)?;
        let mut er = e.reader();
        let oid = er.read(OID, err)?;
        let critical = match er.read_optional(BOOLEAN, err)? {
            Some(b) => boolean(b.value).ok_or(err)?,
            None => false,
        };
        let value = er.read(OCTET_STRING, err)?.value;
        er.finish(err)?;
        let dotted = oid::to_dotted(oid.value).ok_or(err)?;
        let known = matches!(
            dotted.as_str(),
            oid::BASIC_CONSTRAINTS
                | oid::KEY_USAGE
                | oid::EXT_KEY_USAGE
                | oid::SUBJECT_ALT_NAME
                | oid::NS_CERT_TYPE
                | oid::CERTIFICATE_POLICIES
                | oid::SUBJECT_KEY_ID
                | oid::AUTHORITY_KEY_ID
        );
        if !known {
            // Like Mbed TLS: an extension we cannot interpret may only be skipped if non-critical.
            if critical {
                return Err(err);
            }
            continue;
        }
        if seen.contains(&dotted) {
            return Err(err);
        }
        match dotted.as_str() {
            oid::BASIC_CONSTRAINTS => out.basic_constraints = Some(parse_basic_constraints(value)?),
            oid::KEY_USAGE => out.key_usage = Some(parse_key_usage(value)?),
            oid::EXT_KEY_USAGE => out.ext_key_usage = Some(parse_oid_sequence(value, false)?),
            oid::SUBJECT_ALT_NAME => out.subject_alt_names = Some(parse_general_names(value)?),
            oid::NS_CERT_TYPE => out.ns_cert_type = Some(parse_ns_cert_type(value)?),
            oid::CERTIFICATE_POLICIES => {
                let policies = parse_oid_sequence(value, true)?;
                // Mbed TLS only understands anyPolicy; a critical extension with another
                // policy cannot be honoured.
                if critical && policies.iter().any(|p| p != oid::ANY_POLICY) {
                    return Err(Error::X509FeatureUnavailable);
                }
                out.certificate_policies = Some(policies);
            }
            oid::SUBJECT_KEY_ID => out.subject_key_id = Some(single(value, OCTET_STRING, err)?.value.to_vec()),
            _ => {
                // authorityKeyIdentifier: must be a SEQUENCE; its contents are not needed.
                single(value, SEQUENCE, err)?;
            }
        }
        seen.push(dotted);
    }
    Ok(out)
}

fn parse_basic_constraints(value: &[u8]) -> Result<BasicConstraints, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut s = single(value, SEQUENCE, err)?.reader();
    let ca = match s.read_optional(BOOLEAN, err)? {
        Some(b) => boolean(b.value).ok_or(err)?,
        None => false,
    };
    let path_len = match s.read_optional(INTEGER, err)? {
        Some(i) => Some(small_uint(i.value).filter(|&n| n < i32::MAX as u32).ok_or(err)?),
        None => None,
    };
    s.finish(err)?;
    Ok(BasicConstraints { ca, path_len })
}

/// The bytes of a BIT STRING extension value (keyUsage, nsCertType).
fn bit_string_bytes(value: &[u8]) -> Result<&[u8], Error> {
    let err = Error::X509InvalidExtensions;
    let bits = der::single(value, der::BIT_STRING, err)?;
    der::bit_string(bits.value).map(|(_, bytes)| bytes).ok_or(err)
}

fn parse_key_usage(value: &[u8]) -> Result<u32, Error> {
    let bytes = bit_string_bytes(value)?;
    Ok(bytes.iter().take(4).enumerate().fold(0u32, |acc, (i, &b)| acc | (b as u32) << (8 * i)))
}

fn parse_ns_cert_type(value: &[u8]) -> Result<u8, Error> {
    match bit_string_bytes(value)? {
        [] => Ok(0),
        [b] => Ok(*b),
        _ => Err(Error::X509InvalidExtensions),
    }
}

/// SEQUENCE SIZE (1..MAX) OF OID (extKeyUsage), or of PolicyInformation (certificatePolicies:
/// `SEQUENCE { OID, qualifiers OPTIONAL }`) when `policies`.
fn parse_oid_sequence(value: &[u8], policies: bool) -> Result<Vec<String>, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut s = single(value, SEQUENCE, err)?.reader();
    let mut out = Vec::new();
    while !s.is_empty() {
        let oid = if policies {
            let info = s.read(SEQUENCE, err)?;
            let mut ir = info.reader();
            let oid = ir.read(OID, err)?;
            ir.read_optional(SEQUENCE, err)?;
            ir.finish(err)?;
            oid
        } else {
            s.read(OID, err)?
        };
        out.push(oid::to_dotted(oid.value).ok_or(err)?);
    }
    if out.is_empty() {
        return Err(err);
    }
    Ok(out)
}

/// GeneralNames ::= SEQUENCE OF GeneralName.
fn parse_general_names(value: &[u8]) -> Result<Vec<GeneralName>, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut s = single(value, SEQUENCE, err)?.reader();
    let mut out = Vec::new();
    while !s.is_empty() {
        let name = s.read_any(err)?;
        if name.tag & 0xC0 != 0x80 {
            return Err(err);
        }
        let text = || String::from_utf8_lossy(name.value).into_owned();
        out.push(match name.tag {
            0xA0 => parse_other_name(&name)?,
            0x81 => GeneralName::Email(text()),
            0x82 => GeneralName::Dns(text()),
            0xA4 => GeneralName::Directory(parse_name(single(name.value, SEQUENCE, err)?.reader(), false, err)?),
            0x86 => GeneralName::Uri(text()),
            0x87 => GeneralName::Ip(name.value.to_vec()),
            tag => GeneralName::Unsupported(tag & 0x1F),
        });
    }
    Ok(out)
}

/// OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY } (`name` is the `[0]` element,
/// whose contents are the SEQUENCE's contents under IMPLICIT tagging).
fn parse_other_name(name: &Tlv<'_>) -> Result<GeneralName, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut r = name.reader();
    let type_id = oid::to_dotted(r.read(OID, err)?.value).ok_or(err)?;
    let value = r.read(context(0, true), err)?;
    r.finish(err)?;
    if type_id != oid::HARDWARE_MODULE_NAME {
        return Ok(GeneralName::OtherName(type_id));
    }
    let mut hr = single(value.value, SEQUENCE, err)?.reader();
    let hw_type = oid::to_dotted(hr.read(OID, err)?.value).ok_or(err)?;
    let serial = hr.read(OCTET_STRING, err)?.value.to_vec();
    hr.finish(err)?;
    Ok(GeneralName::HardwareModuleName(hw_type, serial))
}
