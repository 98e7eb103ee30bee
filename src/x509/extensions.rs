//! The certificate extensions this library interprets (basicConstraints, keyUsage,
//! extKeyUsage, subjectAltName, nsCertType, certificatePolicies, the key identifiers), with
//! Mbed TLS's rules: an unknown extension is skipped unless critical, a repeated one is an error.

use crate::der::{self, Tlv};
use crate::error::Error;
use crate::oid;

use super::certificate::Span;
use super::name::{NameAttribute, NameSpan, parse_name, parse_name_spans};

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
    /// The subjectAltName entries as Mbed TLS lists them (`crt->subject_alt_names`): each
    /// GeneralName's tag and contents.
    pub(crate) subject_alt_name_spans: Vec<Span>,
    pub(crate) ns_cert_type: Option<u8>,
    /// certificatePolicies, dotted OIDs.
    pub(crate) certificate_policies: Option<Vec<String>>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
    /// The extensions left to the application's callback (`mbedtls_x509_crt_parse_der_with_ext_cb`):
    /// those of unknown type, and certificatePolicies naming a policy other than anyPolicy.
    /// Recorded only when parsing for a callback; otherwise such an extension is an error when
    /// critical and skipped when not.
    pub(crate) unhandled: Vec<UnhandledExtension>,
}

/// An extension this library does not interpret, for the application's callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnhandledExtension {
    /// The extnID OID's contents.
    pub(crate) oid: Span,
    pub(crate) critical: bool,
    /// The extnValue OCTET STRING's contents.
    pub(crate) value: Span,
    /// A certificatePolicies extension (when the callback refuses it and it is critical, the
    /// parse fails with `X509FeatureUnavailable`, not with the callback's code).
    pub(crate) policies: bool,
}

/// `mbedtls_x509_crt_check_key_usage`: true when the keyUsage extension is absent, or allows
/// every bit of `usage` (apart from encipherOnly / decipherOnly), and `usage` allows its
/// encipherOnly / decipherOnly bits.
pub(crate) fn key_usage_allows(key_usage: Option<u32>, usage: u32) -> bool {
    let Some(ku) = key_usage else {
        return true;
    };
    let may = key_usage::ENCIPHER_ONLY | key_usage::DECIPHER_ONLY;
    let must = usage & !may;
    (ku & !may) & must == must && ((ku & may) | (usage & may)) == usage & may
}

/// `mbedtls_x509_crt_check_extended_key_usage`: true when the extension is absent, or lists
/// `purpose` (a dotted OID) or anyExtendedKeyUsage.
pub(crate) fn ext_key_usage_allows(ext_key_usage: Option<&[String]>, purpose: &str) -> bool {
    ext_key_usage.is_none_or(|list| list.iter().any(|p| p == purpose || p == oid::ANY_EXTENDED_KEY_USAGE))
}

/// The `[3]` extensions element of a v3 TBSCertificate. With `for_callback`, the extensions
/// Mbed TLS hands to an extension callback are recorded in `unhandled` instead of being refused
/// or skipped.
pub(super) fn parse_extensions(ext: &Tlv<'_>, for_callback: bool) -> Result<Extensions, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut out = Extensions::default();
    let mut seen: Vec<String> = Vec::new();
    // Read through `ext` (not a fresh reader of its bytes) to keep offsets in the certificate.
    let mut wrapper = ext.reader();
    let list = wrapper.read(SEQUENCE, err)?;
    wrapper.finish(err)?;
    let mut r = list.reader();
    while !r.is_empty() {
        let e = r.read(SEQUENCE, err)?;
        let mut er = e.reader();
        let oid = er.read(OID, err)?;
        let critical = match er.read_optional(BOOLEAN, err)? {
            Some(b) => boolean(b.value).ok_or(err)?,
            None => false,
        };
        let octets = er.read(OCTET_STRING, err)?;
        let value = octets.value;
        er.finish(err)?;
        let unhandled =
            UnhandledExtension { oid: Span::contents(&oid), critical, value: Span::contents(&octets), policies: false };
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
        if !known && for_callback {
            out.unhandled.push(unhandled);
            continue;
        }
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
            oid::SUBJECT_ALT_NAME => {
                let (names, spans) = parse_general_names(&octets)?;
                out.subject_alt_names = Some(names);
                out.subject_alt_name_spans = spans;
            }
            oid::NS_CERT_TYPE => out.ns_cert_type = Some(parse_ns_cert_type(value)?),
            oid::CERTIFICATE_POLICIES => {
                let policies = parse_oid_sequence(value, true)?;
                // Mbed TLS only understands anyPolicy; a critical extension with another
                // policy cannot be honoured (unless the application's callback accepts it).
                if policies.iter().any(|p| p != oid::ANY_POLICY) {
                    if for_callback {
                        out.unhandled.push(UnhandledExtension { policies: true, ..unhandled });
                    } else if critical {
                        return Err(Error::X509FeatureUnavailable);
                    }
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
/// `octets` is the extension's OCTET STRING; also returns each entry as Mbed TLS's
/// `subject_alt_names` list holds it (the GeneralName's tag and contents).
fn parse_general_names(octets: &Tlv<'_>) -> Result<(Vec<GeneralName>, Vec<Span>), Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut wrapper = octets.reader();
    let list = wrapper.read(SEQUENCE, err)?;
    wrapper.finish(err)?;
    let mut s = list.reader();
    let mut out = Vec::new();
    let mut spans = Vec::new();
    while !s.is_empty() {
        let name = s.read_any(err)?;
        spans.push(Span::contents(&name));
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
    Ok((out, spans))
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

/// What `mbedtls_x509_parse_subject_alt_name` makes of one subjectAltName entry; ranges are
/// offsets into the entry's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SanEntry {
    /// otherName of type hardwareModuleName (RFC 4108): the type-id OID, hwType OID and
    /// hwSerialNum contents.
    HardwareModuleName {
        type_id: core::ops::Range<usize>,
        hw_type: core::ops::Range<usize>,
        serial: core::ops::Range<usize>,
    },
    /// rfc822Name, dNSName, uniformResourceIdentifier or iPAddress: the contents as they are.
    Unstructured,
    /// directoryName: its attributes.
    Directory(Vec<NameSpan>),
}

/// Parses one subjectAltName entry given by its tag (`MBEDTLS_X509_SAN_*` in the low bits of a
/// context-specific tag; the constructed bit is ignored) and contents, with Mbed TLS's codes:
/// `X509FeatureUnavailable` for an unsupported type (x400Address, ediPartyName, registeredID,
/// an otherName other than hardwareModuleName), `X509BadInputData` for an iPAddress that is
/// not 4 or 16 bytes, `X509InvalidExtensions` for a malformed otherName, `X509InvalidName` for
/// a malformed directoryName.
pub(crate) fn parse_san_entry(tag: u8, contents: &[u8]) -> Result<SanEntry, Error> {
    use der::*;
    match tag & 0xDF {
        0x80 => {
            let err = Error::X509InvalidExtensions;
            let mut r = Reader::new(contents);
            let type_id = r.read(OID, err)?;
            if oid::to_dotted(type_id.value).as_deref() != Some(oid::HARDWARE_MODULE_NAME) {
                return Err(Error::X509FeatureUnavailable);
            }
            let explicit = r.read(context(0, true), err)?;
            r.finish(err)?;
            let mut outer = explicit.reader();
            let seq = outer.read(SEQUENCE, err)?;
            outer.finish(err)?;
            let mut h = seq.reader();
            let hw_type = h.read(OID, err)?;
            let serial = h.read(OCTET_STRING, err)?;
            h.finish(err)?;
            let range = |t: &Tlv<'_>| t.value_start..t.end();
            Ok(SanEntry::HardwareModuleName {
                type_id: range(&type_id),
                hw_type: range(&hw_type),
                serial: range(&serial),
            })
        }
        0x81 | 0x82 | 0x86 => Ok(SanEntry::Unstructured),
        0x87 if contents.len() == 4 || contents.len() == 16 => Ok(SanEntry::Unstructured),
        0x87 => Err(Error::X509BadInputData),
        0x84 => {
            let err = Error::X509InvalidName;
            let mut r = Reader::new(contents);
            let name = r.read(SEQUENCE, err)?;
            Ok(SanEntry::Directory(parse_name_spans(name.reader(), false, err)?))
        }
        _ => Err(Error::X509FeatureUnavailable),
    }
}
