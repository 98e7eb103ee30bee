//! X.509 certificates: parsing (RFC 5280 profile, Mbed TLS's error codes), the fields Mbed TLS
//! exposes, and the texts of `mbedtls_x509_crt_info` / `mbedtls_x509_crt_verify_info`.
//!
//! Parsing here only decodes; it never verifies signatures or trust (the TLS layer does that
//! with webpki). It is as strict as Mbed TLS where that gives an error code programs may check
//! (unknown critical extension, mismatched signature algorithms, bad dates), and every
//! malformed or truncated input gives an error, never a panic.

use core::fmt::Write as _;

use crate::error::Error;
use crate::pem;
use crate::pk::{KeyKind, PublicKey};

/// A small DER reader: tag-length-value elements with single-byte tags and definite lengths.
pub mod der {
    use crate::error::Error;

    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0C;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const T61_STRING: u8 = 0x14;
    pub const IA5_STRING: u8 = 0x16;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const UNIVERSAL_STRING: u8 = 0x1C;
    pub const BMP_STRING: u8 = 0x1E;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;

    /// The tag `[n]` of the context-specific class.
    pub const fn context(n: u8, constructed: bool) -> u8 {
        0x80 | if constructed { 0x20 } else { 0 } | n
    }

    /// One element: its tag, where it starts (the tag byte) and its contents.
    #[derive(Clone, Copy, Debug)]
    pub struct Tlv<'a> {
        pub tag: u8,
        /// Offset of the tag byte, relative to the start of the outermost reader's input.
        pub start: usize,
        /// Offset of the first contents byte, on the same scale.
        pub value_start: usize,
        pub value: &'a [u8],
    }

    impl<'a> Tlv<'a> {
        /// Offset just past the element.
        pub fn end(&self) -> usize {
            self.value_start + self.value.len()
        }

        /// A reader over the contents, keeping offsets relative to the outermost input.
        pub fn reader(&self) -> Reader<'a> {
            Reader { data: self.value, pos: 0, base: self.value_start }
        }
    }

    /// Reads consecutive elements from a byte slice.
    #[derive(Clone, Debug)]
    pub struct Reader<'a> {
        data: &'a [u8],
        pos: usize,
        base: usize,
    }

    impl<'a> Reader<'a> {
        pub fn new(data: &'a [u8]) -> Self {
            Reader { data, pos: 0, base: 0 }
        }

        pub fn is_empty(&self) -> bool {
            self.pos >= self.data.len()
        }

        pub fn peek_tag(&self) -> Option<u8> {
            self.data.get(self.pos).copied()
        }

        /// The next element, whatever its tag; `err` if it is truncated or malformed.
        pub fn read_any(&mut self, err: Error) -> Result<Tlv<'a>, Error> {
            let rest = self.data.get(self.pos..).ok_or(err)?;
            let (&tag, rest) = rest.split_first().ok_or(err)?;
            if tag & 0x1F == 0x1F {
                return Err(err); // multi-byte tags never occur in certificates or keys
            }
            let (&first, rest) = rest.split_first().ok_or(err)?;
            let (len, len_bytes) = if first < 0x80 {
                (first as usize, 0)
            } else {
                let n = (first & 0x7F) as usize;
                if n == 0 || n > 4 || rest.len() < n {
                    return Err(err); // indefinite length, absurd size, or truncated
                }
                (rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | b as usize), n)
            };
            let contents = &rest[len_bytes..];
            if len > contents.len() {
                return Err(err);
            }
            let start = self.base + self.pos;
            let value_start = start + 2 + len_bytes;
            self.pos += 2 + len_bytes + len;
            Ok(Tlv { tag, start, value_start, value: &contents[..len] })
        }

        /// The next element, which must have tag `tag`.
        pub fn read(&mut self, tag: u8, err: Error) -> Result<Tlv<'a>, Error> {
            if self.peek_tag() != Some(tag) {
                return Err(err);
            }
            self.read_any(err)
        }

        /// The next element if it has tag `tag`, None if another tag (or nothing) follows.
        pub fn read_optional(&mut self, tag: u8, err: Error) -> Result<Option<Tlv<'a>>, Error> {
            if self.peek_tag() != Some(tag) {
                return Ok(None);
            }
            self.read_any(err).map(Some)
        }

        /// `err` unless every byte was read.
        pub fn finish(&self, err: Error) -> Result<(), Error> {
            if self.is_empty() { Ok(()) } else { Err(err) }
        }
    }

    /// Number of significant bits of an unsigned big-endian integer (an INTEGER's contents).
    pub fn uint_bits(value: &[u8]) -> usize {
        match value.iter().position(|&b| b != 0) {
            None => 0,
            Some(i) => (value.len() - i - 1) * 8 + (8 - value[i].leading_zeros() as usize),
        }
    }

    /// The contents of a non-negative INTEGER that fits in 31 bits.
    pub fn small_uint(value: &[u8]) -> Option<u32> {
        if value.is_empty() || value[0] & 0x80 != 0 {
            return None;
        }
        let digits = &value[value.iter().position(|&b| b != 0).unwrap_or(value.len())..];
        if digits.len() > 4 {
            return None;
        }
        let n = digits.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32);
        (n <= i32::MAX as u32).then_some(n)
    }

    /// A BIT STRING's contents split into (unused bits, bytes).
    pub fn bit_string(value: &[u8]) -> Option<(u8, &[u8])> {
        let (&unused, bytes) = value.split_first()?;
        (unused <= 7 && (unused == 0 || !bytes.is_empty())).then_some((unused, bytes))
    }

    /// A BOOLEAN's contents.
    pub fn boolean(value: &[u8]) -> Option<bool> {
        match value {
            [0] => Some(false),
            [_] => Some(true),
            _ => None,
        }
    }

    /// Appends the DER length octets for `len`.
    pub fn push_len(out: &mut Vec<u8>, len: usize) {
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
    }

    /// One DER element `tag || length || contents`.
    pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(contents.len() + 6);
        out.push(tag);
        push_len(&mut out, contents.len());
        out.extend_from_slice(contents);
        out
    }
}

/// Object identifiers: the DER contents of an OID in dotted form, and the names we print.
pub mod oid {
    /// `1.2.840.113549.1.1.11` for the DER contents of an OID; None when malformed.
    pub fn to_dotted(der: &[u8]) -> Option<String> {
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

    pub const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
    pub const RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
    pub const MGF1: &str = "1.2.840.113549.1.1.8";
    pub const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
    pub const EC_DH: &str = "1.3.132.1.12";
    pub const X25519: &str = "1.3.101.110";
    pub const X448: &str = "1.3.101.111";
    pub const ED25519: &str = "1.3.101.112";
    pub const ED448: &str = "1.3.101.113";

    /// Short names of distinguished-name attributes, as `mbedtls_x509_dn_gets` prints them.
    pub fn attribute_short_name(dotted: &str) -> Option<&'static str> {
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
    pub fn ext_key_usage_name(dotted: &str) -> Option<&'static str> {
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
    pub fn hash_name(dotted: &str) -> Option<&'static str> {
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
}

use der::{Reader, Tlv};

/// Where a field lies inside [`Certificate::der`], with the DER tag `mbedtls_x509_buf.tag` gets.
///
/// As in Mbed TLS, `tbs`, `issuer_raw`, `subject_raw` and `pk_raw` cover the whole element
/// (tag and length included); `serial` and `sig_oid` cover only the contents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub tag: u8,
    pub offset: usize,
    pub len: usize,
}

impl Span {
    fn whole(tlv: &Tlv<'_>) -> Span {
        Span { tag: tlv.tag, offset: tlv.start, len: tlv.end() - tlv.start }
    }

    fn contents(tlv: &Tlv<'_>) -> Span {
        Span { tag: tlv.tag, offset: tlv.value_start, len: tlv.value.len() }
    }
}

/// A UTC calendar time, as in `mbedtls_x509_time`. Ordering is chronological.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time {
    pub year: i32,
    pub mon: i32,
    pub day: i32,
    pub hour: i32,
    pub min: i32,
    pub sec: i32,
}

impl core::fmt::Display for Time {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}", self.year, self.mon, self.day, self.hour, self.min, self.sec)
    }
}

/// One attribute of a distinguished name (`CN=localhost`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameAttribute {
    /// DER contents of the attribute type OID.
    pub oid: Vec<u8>,
    /// DER tag of the value (UTF8String, PrintableString, ...).
    pub tag: u8,
    pub value: Vec<u8>,
    /// True when the next attribute belongs to the same (multi-valued) RDN.
    pub merged_with_next: bool,
}

/// A subjectAltName entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GeneralName {
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
pub mod key_usage {
    pub const DIGITAL_SIGNATURE: u32 = 0x80;
    pub const NON_REPUDIATION: u32 = 0x40;
    pub const KEY_ENCIPHERMENT: u32 = 0x20;
    pub const DATA_ENCIPHERMENT: u32 = 0x10;
    pub const KEY_AGREEMENT: u32 = 0x08;
    pub const KEY_CERT_SIGN: u32 = 0x04;
    pub const CRL_SIGN: u32 = 0x02;
    pub const ENCIPHER_ONLY: u32 = 0x01;
    pub const DECIPHER_ONLY: u32 = 0x8000;

    pub(super) const NAMES: &[(u32, &str)] = &[
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

const NS_CERT_TYPE_NAMES: &[(u8, &str)] = &[
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
pub struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

/// The extensions this library interprets (others are skipped unless critical).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    pub basic_constraints: Option<BasicConstraints>,
    /// keyUsage bits (see [`key_usage`]).
    pub key_usage: Option<u32>,
    /// extKeyUsage purposes, dotted OIDs.
    pub ext_key_usage: Option<Vec<String>>,
    pub subject_alt_names: Option<Vec<GeneralName>>,
    pub ns_cert_type: Option<u8>,
    /// certificatePolicies, dotted OIDs.
    pub certificate_policies: Option<Vec<String>>,
    pub subject_key_id: Option<Vec<u8>>,
}

/// The signature algorithm of a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureAlgorithm {
    /// Dotted OID.
    pub oid: String,
    /// Description as Mbed TLS prints it ("RSA with SHA-256", "ECDSA with SHA256", ...).
    pub name: String,
}

/// A parsed certificate. Owns its DER; every accessor reads from it.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    tbs: Span,
    serial: Span,
    sig_oid: Span,
    issuer_raw: Span,
    subject_raw: Span,
    pk_raw: Span,
    signature: Span,
    version: i32,
    valid_from: Time,
    valid_to: Time,
    signature_algorithm: SignatureAlgorithm,
    public_key: PublicKey,
    issuer: Vec<NameAttribute>,
    subject: Vec<NameAttribute>,
    extensions: Extensions,
}

impl Certificate {
    /// Parses one DER certificate. Bytes after the certificate are ignored, as Mbed TLS does.
    ///
    /// Errors follow Mbed TLS's choice of code for the part that is wrong: `X509InvalidFormat`
    /// for the structure, `X509InvalidVersion`, `X509InvalidSerial`, `X509InvalidAlg`,
    /// `X509InvalidName`, `X509InvalidDate`, `X509InvalidExtensions`, `X509InvalidSignature`,
    /// `X509UnknownVersion` (version > 3), `X509UnknownSigAlg`, `X509SigMismatch` (the two
    /// signature algorithm fields differ), and the `Pk*` codes for the public key.
    pub fn from_der(input: &[u8]) -> Result<Certificate, Error> {
        use Error as E;
        use der::*;
        let mut top = Reader::new(input);
        let crt = top.read(SEQUENCE, E::X509InvalidFormat)?;
        let mut r = crt.reader();

        let tbs = r.read(SEQUENCE, E::X509InvalidFormat)?;
        let mut t = tbs.reader();
        let version = match t.read_optional(context(0, true), E::X509InvalidVersion)? {
            None => 1,
            Some(v) => {
                let mut vr = v.reader();
                let int = vr.read(INTEGER, E::X509InvalidVersion)?;
                vr.finish(E::X509InvalidVersion)?;
                small_uint(int.value).ok_or(E::X509InvalidVersion)? as i32 + 1
            }
        };
        if version > 3 {
            return Err(E::X509UnknownVersion);
        }
        let serial = match t.peek_tag() {
            Some(INTEGER) => t.read_any(E::X509InvalidSerial)?,
            Some(tag) if tag == context(2, false) => t.read_any(E::X509InvalidSerial)?,
            _ => return Err(E::X509InvalidSerial),
        };
        let (sig_oid, sig_params) = read_algorithm(&mut t, E::X509InvalidAlg)?;
        let signature_algorithm = signature_algorithm(sig_oid.value, sig_params.as_ref())?;

        let issuer = t.read(SEQUENCE, E::X509InvalidFormat)?;
        let issuer_names = parse_name(issuer.reader(), false, E::X509InvalidName)?;

        let validity = t.read(SEQUENCE, E::X509InvalidDate)?;
        let mut vr = validity.reader();
        let valid_from = parse_time(&mut vr)?;
        let valid_to = parse_time(&mut vr)?;
        vr.finish(E::X509InvalidDate)?;

        let subject = t.read(SEQUENCE, E::X509InvalidFormat)?;
        let subject_names = parse_name(subject.reader(), true, E::X509InvalidName)?;

        let spki = t.read(SEQUENCE, E::PkKeyInvalidFormat)?;
        let public_key = PublicKey::from_spki(&input[spki.start..spki.end()])?;

        let mut extensions = Extensions::default();
        if version >= 2 {
            t.read_optional(context(1, false), E::X509InvalidFormat)?;
            t.read_optional(context(2, false), E::X509InvalidFormat)?;
        }
        if version == 3 {
            if let Some(ext) = t.read_optional(context(3, true), E::X509InvalidExtensions)? {
                extensions = parse_extensions(&ext)?;
            }
        }
        t.finish(E::X509InvalidFormat)?;

        let (outer_oid, outer_params) = read_algorithm(&mut r, E::X509InvalidAlg)?;
        let params_bytes = |p: &Option<Tlv<'_>>| p.map(|p| &input[p.start..p.end()]);
        if outer_oid.value != sig_oid.value || params_bytes(&outer_params) != params_bytes(&sig_params) {
            return Err(E::X509SigMismatch);
        }
        let signature = r.read(BIT_STRING, E::X509InvalidSignature)?;
        match bit_string(signature.value) {
            Some((0, bytes)) if !bytes.is_empty() => {}
            _ => return Err(E::X509InvalidSignature),
        }
        r.finish(E::X509InvalidFormat)?;

        Ok(Certificate {
            der: input[..crt.end()].to_vec(),
            tbs: Span::whole(&tbs),
            serial: Span::contents(&serial),
            sig_oid: Span::contents(&sig_oid),
            issuer_raw: Span::whole(&issuer),
            subject_raw: Span::whole(&subject),
            pk_raw: Span::whole(&spki),
            signature: Span { tag: BIT_STRING, offset: signature.value_start + 1, len: signature.value.len() - 1 },
            version,
            valid_from,
            valid_to,
            signature_algorithm,
            public_key,
            issuer: issuer_names,
            subject: subject_names,
            extensions,
        })
    }

    /// The whole certificate, DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The bytes a [`Span`] of this certificate covers.
    pub fn bytes(&self, span: Span) -> &[u8] {
        &self.der[span.offset..span.offset + span.len]
    }

    pub fn tbs(&self) -> Span {
        self.tbs
    }
    pub fn serial(&self) -> Span {
        self.serial
    }
    pub fn sig_oid(&self) -> Span {
        self.sig_oid
    }
    pub fn issuer_raw(&self) -> Span {
        self.issuer_raw
    }
    pub fn subject_raw(&self) -> Span {
        self.subject_raw
    }
    /// The SubjectPublicKeyInfo.
    pub fn pk_raw(&self) -> Span {
        self.pk_raw
    }
    /// The signature value (the BIT STRING's bytes after the unused-bits octet).
    pub fn signature(&self) -> Span {
        self.signature
    }

    /// 1, 2 or 3 (Mbed TLS's numbering: v3 certificates are version 3).
    pub fn version(&self) -> i32 {
        self.version
    }
    pub fn valid_from(&self) -> Time {
        self.valid_from
    }
    pub fn valid_to(&self) -> Time {
        self.valid_to
    }
    pub fn signature_algorithm(&self) -> &SignatureAlgorithm {
        &self.signature_algorithm
    }
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
    pub fn key_kind(&self) -> KeyKind {
        self.public_key.kind()
    }
    pub fn issuer(&self) -> &[NameAttribute] {
        &self.issuer
    }
    pub fn subject(&self) -> &[NameAttribute] {
        &self.subject
    }
    /// The issuer as `mbedtls_x509_dn_gets` writes it, e.g. `O=Example, CN=Example CA`.
    pub fn issuer_string(&self) -> String {
        dn_string(&self.issuer)
    }
    /// The subject as `mbedtls_x509_dn_gets` writes it.
    pub fn subject_string(&self) -> String {
        dn_string(&self.subject)
    }
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }
    /// basicConstraints cA (false when the extension is absent).
    pub fn is_ca(&self) -> bool {
        self.extensions.basic_constraints.is_some_and(|bc| bc.ca)
    }
    /// The subjectAltName entries (empty when the extension is absent).
    pub fn subject_alt_names(&self) -> &[GeneralName] {
        self.extensions.subject_alt_names.as_deref().unwrap_or(&[])
    }
}

/// An AlgorithmIdentifier: the OID and the optional parameters element.
fn read_algorithm<'a>(r: &mut Reader<'a>, err: Error) -> Result<(Tlv<'a>, Option<Tlv<'a>>), Error> {
    let alg = r.read(der::SEQUENCE, err)?;
    let mut a = alg.reader();
    let oid = a.read(der::OID, err)?;
    let params = if a.is_empty() { None } else { Some(a.read_any(err)?) };
    a.finish(err)?;
    Ok((oid, params))
}

fn params_absent_or_null(params: Option<&Tlv<'_>>) -> bool {
    params.is_none_or(|p| p.tag == der::NULL && p.value.is_empty())
}

fn signature_algorithm(oid_der: &[u8], params: Option<&Tlv<'_>>) -> Result<SignatureAlgorithm, Error> {
    let dotted = oid::to_dotted(oid_der).ok_or(Error::X509UnknownSigAlg)?;
    let name = match dotted.as_str() {
        "1.2.840.113549.1.1.4" => "RSA with MD5",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "RSA with SHA1",
        "1.2.840.113549.1.1.14" => "RSA with SHA-224",
        "1.2.840.113549.1.1.11" => "RSA with SHA-256",
        "1.2.840.113549.1.1.12" => "RSA with SHA-384",
        "1.2.840.113549.1.1.13" => "RSA with SHA-512",
        "1.2.840.10045.4.1" => "ECDSA with SHA1",
        "1.2.840.10045.4.3.1" => "ECDSA with SHA224",
        "1.2.840.10045.4.3.2" => "ECDSA with SHA256",
        "1.2.840.10045.4.3.3" => "ECDSA with SHA384",
        "1.2.840.10045.4.3.4" => "ECDSA with SHA512",
        oid::ED25519 => "Ed25519",
        oid::ED448 => "Ed448",
        oid::RSASSA_PSS => {
            let name = format!("RSASSA-PSS {}", pss_description(params)?);
            return Ok(SignatureAlgorithm { oid: dotted, name });
        }
        _ => return Err(Error::X509UnknownSigAlg),
    };
    if !params_absent_or_null(params) {
        return Err(Error::X509InvalidAlg);
    }
    Ok(SignatureAlgorithm { oid: dotted, name: name.to_string() })
}

/// `(SHA256, MGF1-SHA256, 0x20)` for RSASSA-PSS parameters (RFC 4055 defaults: SHA1, 20).
fn pss_description(params: Option<&Tlv<'_>>) -> Result<String, Error> {
    use der::*;
    let err = Error::X509InvalidAlg;
    let params = params.ok_or(err)?;
    if params.tag != SEQUENCE {
        return Err(err);
    }
    let hash_of = |alg: Tlv<'_>| -> Result<&'static str, Error> {
        let mut r = alg.reader();
        let (oid, p) = read_algorithm(&mut r, err)?;
        r.finish(err)?;
        if !params_absent_or_null(p.as_ref()) {
            return Err(err);
        }
        oid::hash_name(&oid::to_dotted(oid.value).ok_or(err)?).ok_or(err)
    };
    let mut r = params.reader();
    let mut hash = "SHA1";
    let mut mgf_hash = "SHA1";
    let mut salt_len = 20u32;
    if let Some(h) = r.read_optional(context(0, true), err)? {
        hash = hash_of(h)?;
    }
    if let Some(m) = r.read_optional(context(1, true), err)? {
        let mut mr = m.reader();
        let (mgf, mgf_params) = read_algorithm(&mut mr, err)?;
        mr.finish(err)?;
        if oid::to_dotted(mgf.value).as_deref() != Some(oid::MGF1) {
            return Err(Error::X509FeatureUnavailable);
        }
        let mgf_params = mgf_params.ok_or(err)?;
        // The MGF1 parameter is the hash's AlgorithmIdentifier.
        let (h, hp) = read_algorithm_from_contents(&mut mgf_params.reader(), mgf_params.tag, err)?;
        if !params_absent_or_null(hp.as_ref()) {
            return Err(err);
        }
        mgf_hash = oid::hash_name(&oid::to_dotted(h.value).ok_or(err)?).ok_or(err)?;
    }
    if let Some(s) = r.read_optional(context(2, true), err)? {
        let mut sr = s.reader();
        salt_len = small_uint(sr.read(INTEGER, err)?.value).ok_or(err)?;
        sr.finish(err)?;
    }
    if let Some(tf) = r.read_optional(context(3, true), err)? {
        let mut tr = tf.reader();
        if small_uint(tr.read(INTEGER, err)?.value) != Some(1) {
            return Err(err);
        }
        tr.finish(err)?;
    }
    r.finish(err)?;
    Ok(format!("({hash}, MGF1-{mgf_hash}, 0x{salt_len:02X})"))
}

/// Reads an AlgorithmIdentifier given as the contents of an element with tag `tag` (which must
/// be SEQUENCE).
fn read_algorithm_from_contents<'a>(
    contents: &mut Reader<'a>,
    tag: u8,
    err: Error,
) -> Result<(Tlv<'a>, Option<Tlv<'a>>), Error> {
    if tag != der::SEQUENCE {
        return Err(err);
    }
    let oid = contents.read(der::OID, err)?;
    let params = if contents.is_empty() { None } else { Some(contents.read_any(err)?) };
    contents.finish(err)?;
    Ok((oid, params))
}

/// Name ::= SEQUENCE OF SET OF AttributeTypeAndValue (`r` reads the SEQUENCE's contents).
fn parse_name(mut r: Reader<'_>, allow_empty: bool, err: Error) -> Result<Vec<NameAttribute>, Error> {
    use der::*;
    let mut names = Vec::new();
    if r.is_empty() && !allow_empty {
        return Err(err);
    }
    while !r.is_empty() {
        let set = r.read(SET, err)?;
        let mut s = set.reader();
        if s.is_empty() {
            return Err(err);
        }
        while !s.is_empty() {
            let atv = s.read(SEQUENCE, err)?;
            let mut a = atv.reader();
            let oid = a.read(OID, err)?;
            let value = a.read_any(err)?;
            a.finish(err)?;
            if !matches!(
                value.tag,
                BMP_STRING | UTF8_STRING | T61_STRING | PRINTABLE_STRING | IA5_STRING | UNIVERSAL_STRING | BIT_STRING
            ) {
                return Err(err);
            }
            names.push(NameAttribute {
                oid: oid.value.to_vec(),
                tag: value.tag,
                value: value.value.to_vec(),
                merged_with_next: !s.is_empty(),
            });
        }
    }
    Ok(names)
}

/// Time ::= UTCTime (YYMMDDHHMMSS[Z]) | GeneralizedTime (YYYYMMDDHHMMSS[Z]).
fn parse_time(r: &mut Reader<'_>) -> Result<Time, Error> {
    let err = Error::X509InvalidDate;
    let tlv = r.read_any(err)?;
    let year_len = match tlv.tag {
        der::UTC_TIME => 2,
        der::GENERALIZED_TIME => 4,
        _ => return Err(err),
    };
    let text = match tlv.value {
        [digits @ .., b'Z'] => digits,
        all => all,
    };
    if text.len() != year_len + 10 || !text.iter().all(u8::is_ascii_digit) {
        return Err(err);
    }
    let num = |from: usize, len: usize| -> i32 {
        text[from..from + len].iter().fold(0, |acc, &d| acc * 10 + (d - b'0') as i32)
    };
    let mut year = num(0, year_len);
    if year_len == 2 {
        year += if year < 50 { 2000 } else { 1900 };
    }
    let time = Time {
        year,
        mon: num(year_len, 2),
        day: num(year_len + 2, 2),
        hour: num(year_len + 4, 2),
        min: num(year_len + 6, 2),
        sec: num(year_len + 8, 2),
    };
    let leap = (time.year % 4 == 0 && time.year % 100 != 0) || time.year % 400 == 0;
    let month_len = match time.mon {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(err),
    };
    if !(1..=month_len).contains(&time.day) || time.hour > 23 || time.min > 59 || time.sec > 59 {
        return Err(err);
    }
    Ok(time)
}

/// The `[3]` extensions element of a v3 TBSCertificate.
fn parse_extensions(ext: &Tlv<'_>) -> Result<Extensions, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut outer = ext.reader();
    let list = outer.read(SEQUENCE, err)?;
    outer.finish(err)?;
    let mut out = Extensions::default();
    let mut seen: Vec<String> = Vec::new();
    let mut r = list.reader();
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
            "2.5.29.19"
                | "2.5.29.15"
                | "2.5.29.37"
                | "2.5.29.17"
                | "2.16.840.1.113730.1.1"
                | "2.5.29.32"
                | "2.5.29.14"
                | "2.5.29.35"
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
            "2.5.29.19" => out.basic_constraints = Some(parse_basic_constraints(value)?),
            "2.5.29.15" => out.key_usage = Some(parse_key_usage(value)?),
            "2.5.29.37" => out.ext_key_usage = Some(parse_oid_sequence(value, false)?),
            "2.5.29.17" => out.subject_alt_names = Some(parse_general_names(value)?),
            "2.16.840.1.113730.1.1" => out.ns_cert_type = Some(parse_ns_cert_type(value)?),
            "2.5.29.32" => {
                let policies = parse_oid_sequence(value, true)?;
                // Mbed TLS only understands anyPolicy; a critical extension with another
                // policy cannot be honoured.
                if critical && policies.iter().any(|p| p != "2.5.29.32.0") {
                    return Err(Error::X509FeatureUnavailable);
                }
                out.certificate_policies = Some(policies);
            }
            "2.5.29.14" => {
                let mut kr = Reader::new(value);
                out.subject_key_id = Some(kr.read(OCTET_STRING, err)?.value.to_vec());
                kr.finish(err)?;
            }
            _ => {
                // authorityKeyIdentifier: must be a SEQUENCE; its contents are not needed.
                let mut kr = Reader::new(value);
                kr.read(SEQUENCE, err)?;
                kr.finish(err)?;
            }
        }
        seen.push(dotted);
    }
    Ok(out)
}

fn parse_basic_constraints(value: &[u8]) -> Result<BasicConstraints, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut r = Reader::new(value);
    let seq = r.read(SEQUENCE, err)?;
    r.finish(err)?;
    let mut s = seq.reader();
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

fn parse_key_usage(value: &[u8]) -> Result<u32, Error> {
    let err = Error::X509InvalidExtensions;
    let mut r = Reader::new(value);
    let bits = r.read(der::BIT_STRING, err)?;
    r.finish(err)?;
    let (_, bytes) = der::bit_string(bits.value).ok_or(err)?;
    Ok(bytes.iter().take(4).enumerate().fold(0u32, |acc, (i, &b)| acc | (b as u32) << (8 * i)))
}

fn parse_ns_cert_type(value: &[u8]) -> Result<u8, Error> {
    let err = Error::X509InvalidExtensions;
    let mut r = Reader::new(value);
    let bits = r.read(der::BIT_STRING, err)?;
    r.finish(err)?;
    match der::bit_string(bits.value).ok_or(err)? {
        (_, []) => Ok(0),
        (_, [b]) => Ok(*b),
        _ => Err(err),
    }
}

/// SEQUENCE SIZE (1..MAX) OF OID (extKeyUsage), or of PolicyInformation (certificatePolicies:
/// `SEQUENCE { OID, qualifiers OPTIONAL }`) when `policies`.
fn parse_oid_sequence(value: &[u8], policies: bool) -> Result<Vec<String>, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let mut r = Reader::new(value);
    let seq = r.read(SEQUENCE, err)?;
    r.finish(err)?;
    let mut s = seq.reader();
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
    let mut r = Reader::new(value);
    let seq = r.read(SEQUENCE, err)?;
    r.finish(err)?;
    let mut s = seq.reader();
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
            0xA4 => {
                let mut dr = name.reader();
                let dn = dr.read(SEQUENCE, err)?;
                dr.finish(err)?;
                GeneralName::Directory(parse_name(dn.reader(), false, err)?)
            }
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
    if type_id != "1.3.6.1.5.5.7.8.4" {
        return Ok(GeneralName::OtherName(type_id));
    }
    let mut vr = value.reader();
    let hw = vr.read(SEQUENCE, err)?;
    vr.finish(err)?;
    let mut hr = hw.reader();
    let hw_type = oid::to_dotted(hr.read(OID, err)?.value).ok_or(err)?;
    let serial = hr.read(OCTET_STRING, err)?.value.to_vec();
    hr.finish(err)?;
    Ok(GeneralName::HardwareModuleName(hw_type, serial))
}

// ---------------------------------------------------------------------------------------------
// Texts

fn push_hex(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        let _ = write!(out, "{b:02X}");
    }
}

/// A distinguished name as `mbedtls_x509_dn_gets` writes it: `short=value` pairs joined by
/// `", "` (`" + "` inside a multi-valued RDN), RFC 4514 escaping, values that are not text
/// (and attributes without a short name, shown by dotted OID) as `#` + hex of their DER.
pub fn dn_string(names: &[NameAttribute]) -> String {
    let mut out = String::new();
    let mut merged = false;
    for (i, attr) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(if merged { " + " } else { ", " });
        }
        merged = attr.merged_with_next;
        let dotted = oid::to_dotted(&attr.oid);
        let short = dotted.as_deref().and_then(oid::attribute_short_name);
        let mut as_hex = !matches!(attr.tag, der::UTF8_STRING | der::PRINTABLE_STRING | der::IA5_STRING);
        match (short, &dotted) {
            (Some(s), _) => out.push_str(s),
            (None, Some(d)) => {
                out.push_str(d);
                as_hex = true;
            }
            (None, None) => out.push_str("??"),
        }
        out.push('=');
        if as_hex {
            out.push('#');
            let mut header = vec![attr.tag];
            der::push_len(&mut header, attr.value.len());
            push_hex(&mut out, &header);
            push_hex(&mut out, &attr.value);
            continue;
        }
        let last = attr.value.len().saturating_sub(1);
        for (j, &c) in attr.value.iter().enumerate() {
            let special =
                b",=+<>;\"\\".contains(&c) || (j == 0 && (c == b'#' || c == b' ')) || (j == last && c == b' ');
            if special {
                out.push('\\');
            }
            if !(32..127).contains(&c) {
                let _ = write!(out, "\\{c:02X}");
            } else {
                out.push(c as char);
            }
        }
    }
    out
}

/// A serial number as `mbedtls_x509_serial_gets` writes it: `01:AB:...`, a leading zero byte
/// dropped, at most 28 bytes followed by `....` when longer than 32.
pub fn serial_string(serial: &[u8]) -> String {
    let shown = if serial.len() <= 32 { serial.len() } else { 28 };
    let mut out = String::new();
    for (i, b) in serial[..shown].iter().enumerate() {
        if i == 0 && shown > 1 && *b == 0 {
            continue;
        }
        let _ = write!(out, "{b:02X}");
        if i + 1 < shown {
            out.push(':');
        }
    }
    if shown != serial.len() {
        out.push_str("....");
    }
    out
}

fn ip_string(ip: &[u8]) -> String {
    match ip {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        _ if ip.len() == 16 => ip.chunks(2).map(|p| format!("{:02X}{:02X}", p[0], p[1])).collect::<Vec<_>>().join(":"),
        _ => {
            let mut s = String::from("#");
            push_hex(&mut s, ip);
            s
        }
    }
}

fn joined<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// The text of `mbedtls_x509_crt_info` for one certificate: one `label : value` line per field,
/// each starting with `prefix`, the labels padded to 18 columns as Mbed TLS does.
pub fn info(cert: &Certificate, prefix: &str) -> String {
    let p = prefix;
    let mut s = String::new();
    let kind = cert.key_kind();
    let _ = writeln!(s, "{p}cert. version     : {}", cert.version());
    let _ = writeln!(s, "{p}serial number     : {}", serial_string(cert.bytes(cert.serial())));
    let _ = writeln!(s, "{p}issuer name       : {}", cert.issuer_string());
    let _ = writeln!(s, "{p}subject name      : {}", cert.subject_string());
    let _ = writeln!(s, "{p}issued  on        : {}", cert.valid_from());
    let _ = writeln!(s, "{p}expires on        : {}", cert.valid_to());
    let _ = writeln!(s, "{p}signed using      : {}", cert.signature_algorithm().name);
    let _ = writeln!(s, "{p}{:<18}: {} bits", format!("{} key size", kind.name()), kind.bits());
    let ext = cert.extensions();
    if let Some(bc) = ext.basic_constraints {
        let _ = write!(s, "{p}basic constraints : CA={}", bc.ca);
        if let Some(n) = bc.path_len {
            let _ = write!(s, ", max_pathlen={n}");
        }
        s.push('\n');
    }
    if let Some(names) = &ext.subject_alt_names {
        let _ = writeln!(s, "{p}subject alt name  :");
        for name in names {
            match name {
                GeneralName::Dns(d) => {
                    let _ = writeln!(s, "{p}    dNSName : {d}");
                }
                GeneralName::Email(e) => {
                    let _ = writeln!(s, "{p}    rfc822Name : {e}");
                }
                GeneralName::Uri(u) => {
                    let _ = writeln!(s, "{p}    uniformResourceIdentifier : {u}");
                }
                GeneralName::Ip(ip) => {
                    let _ = writeln!(s, "{p}    iPAddress : {}", ip_string(ip));
                }
                GeneralName::Directory(dn) => {
                    let _ = writeln!(s, "{p}    directoryName : {}", dn_string(dn));
                }
                GeneralName::HardwareModuleName(hw_type, serial) => {
                    let _ = writeln!(s, "{p}    otherName :");
                    let _ = writeln!(s, "{p}        hardware module name :");
                    let _ = writeln!(s, "{p}            hardware type          : {hw_type}");
                    let mut hex = String::new();
                    push_hex(&mut hex, serial);
                    let _ = writeln!(s, "{p}            hardware serial number : {hex}");
                }
                GeneralName::OtherName(_) | GeneralName::Unsupported(_) => {
                    let _ = writeln!(s, "{p}    <unsupported>");
                }
            }
        }
    }
    if let Some(t) = ext.ns_cert_type {
        let names = NS_CERT_TYPE_NAMES.iter().filter(|(bit, _)| t & bit != 0).map(|(_, n)| *n);
        let _ = writeln!(s, "{p}cert. type        : {}", joined(names));
    }
    if let Some(ku) = ext.key_usage {
        let names = key_usage::NAMES.iter().filter(|(bit, _)| ku & bit != 0).map(|(_, n)| *n);
        let _ = writeln!(s, "{p}key usage         : {}", joined(names));
    }
    if let Some(eku) = &ext.ext_key_usage {
        let names = eku.iter().map(|o| oid::ext_key_usage_name(o).unwrap_or("???"));
        let _ = writeln!(s, "{p}ext key usage     : {}", joined(names));
    }
    if let Some(policies) = &ext.certificate_policies {
        let names = policies.iter().map(|o| if o == "2.5.29.32.0" { "Any Policy" } else { "???" });
        let _ = writeln!(s, "{p}certificate policies : {}", joined(names));
    }
    s
}

/// The text of `mbedtls_x509_crt_verify_info`: one line per flag set in `flags`, each starting
/// with `prefix`; a final line for bits that are no known flag; empty for 0.
pub fn verify_info(flags: u32, prefix: &str) -> String {
    let mut s = String::new();
    let mut rest = flags;
    for &(flag, text) in crate::verify::FLAG_TEXTS {
        if flags & flag != 0 {
            let _ = writeln!(s, "{prefix}{text}");
            rest &= !flag;
        }
    }
    if rest != 0 {
        let _ = writeln!(s, "{prefix}Unknown verification failure (flags 0x{rest:08X})");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Chains (`mbedtls_x509_crt_parse`)

/// The outcome of [`parse_chain`]: the certificates that parsed, and what failed.
#[derive(Debug, Default)]
pub struct ChainParse {
    pub certs: Vec<Certificate>,
    /// Number of certificates (PEM blocks) that failed to parse.
    pub failed: usize,
    /// The error of the first failure.
    pub first_error: Option<Error>,
}

impl ChainParse {
    /// Mbed TLS's result: `Ok(0)` when everything parsed, `Ok(n)` when `n` certificates failed
    /// but at least one parsed, otherwise the first failure's error, or
    /// `X509CertUnknownFormat` when PEM input held no certificate block at all.
    pub fn result(&self) -> Result<usize, Error> {
        if !self.certs.is_empty() {
            Ok(self.failed)
        } else {
            Err(self.first_error.unwrap_or(Error::X509CertUnknownFormat))
        }
    }
}

/// `mbedtls_x509_crt_parse` semantics: `input` is PEM when it contains a
/// `-----BEGIN CERTIFICATE-----` line before any NUL byte (a trailing NUL, which Mbed TLS
/// requires, is allowed but not required), otherwise one DER certificate. Every
/// `CERTIFICATE` block of a PEM input is parsed; other blocks are ignored.
pub fn parse_chain(input: &[u8]) -> ChainParse {
    let mut out = ChainParse::default();
    let mut record = |result: Result<Certificate, Error>| match result {
        Ok(cert) => out.certs.push(cert),
        Err(e) => {
            out.failed += 1;
            out.first_error.get_or_insert(e);
        }
    };
    if pem::contains_label(input, "CERTIFICATE") {
        for (label, block) in pem::labelled_blocks(input) {
            if label == "CERTIFICATE" {
                record(block.and_then(|b| Certificate::from_der(&b.der)));
            }
        }
    } else {
        record(Certificate::from_der(input));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    use crate::test_support::{certs_dir, read_cert as read};

    fn openssl(args: &[&str]) -> String {
        let out = Command::new("openssl").args(args).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn path(name: &str) -> String {
        certs_dir().join(name).to_string_lossy().into_owned()
    }

    fn one(name: &str) -> Certificate {
        let chain = parse_chain(&read(name));
        assert_eq!(chain.result(), Ok(0), "{name}");
        assert_eq!(chain.certs.len(), 1);
        chain.certs.into_iter().next().unwrap()
    }

    #[test]
    fn oid_dotted() {
        assert_eq!(
            oid::to_dotted(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]).unwrap(),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(oid::to_dotted(&[0x55, 0x04, 0x03]).unwrap(), "2.5.4.3");
        assert_eq!(oid::to_dotted(&[0x09, 0x92, 0x26]).unwrap(), "0.9.2342");
        assert_eq!(oid::to_dotted(&[0x88, 0x37]).unwrap(), "2.999");
        assert!(oid::to_dotted(&[]).is_none());
        assert!(oid::to_dotted(&[0x86]).is_none());
    }

    #[test]
    fn der_lengths() {
        for len in [0usize, 1, 127, 128, 255, 256, 65535, 65536] {
            let v = der::tlv(der::OCTET_STRING, &vec![7u8; len]);
            let mut r = Reader::new(&v);
            let tlv = r.read(der::OCTET_STRING, Error::X509InvalidFormat).unwrap();
            assert_eq!(tlv.value.len(), len);
            assert!(r.is_empty());
        }
        // Indefinite length, oversized length field, truncated contents, multi-byte tag.
        for bad in [&[0x30, 0x80, 0, 0][..], &[0x04, 0x85, 1, 1, 1, 1, 1], &[0x04, 0x03, 1], &[0x1F, 0x01, 0x00]] {
            assert!(Reader::new(bad).read_any(Error::X509InvalidFormat).is_err());
        }
        assert_eq!(der::uint_bits(&[0x00, 0xC0, 0x00]), 16);
        assert_eq!(der::uint_bits(&[0x01]), 1);
        assert_eq!(der::small_uint(&[0x02]), Some(2));
        assert_eq!(der::small_uint(&[0xFF]), None);
    }

    #[test]
    fn rsa_server_certificate() {
        let cert = one("server-rsa.crt");
        assert_eq!(cert.version(), 3);
        assert_eq!(cert.subject_string(), "O=rustls-mbedtls-compat test, CN=localhost");
        assert_eq!(cert.issuer_string(), "O=rustls-mbedtls-compat test, CN=Test CA");
        assert_eq!(cert.signature_algorithm().name, "RSA with SHA-256");
        assert_eq!(cert.key_kind(), KeyKind::Rsa { bits: 2048 });
        assert!(!cert.is_ca());
        assert_eq!(
            cert.subject_alt_names(),
            &[GeneralName::Dns("localhost".into()), GeneralName::Ip(vec![127, 0, 0, 1])]
        );
        let ext = cert.extensions();
        assert_eq!(ext.key_usage, Some(key_usage::DIGITAL_SIGNATURE | key_usage::KEY_ENCIPHERMENT));
        assert_eq!(ext.ext_key_usage.as_deref(), Some(&["1.3.6.1.5.5.7.3.1".to_string()][..]));
        // The DER matches openssl's conversion, and the spans are where Mbed TLS puts them.
        assert_eq!(cert.der(), &read("server-rsa.der")[..]);
        assert_eq!(cert.bytes(cert.tbs())[0], 0x30);
        assert_eq!(cert.bytes(cert.issuer_raw())[0], 0x30);
        assert_eq!(cert.bytes(cert.pk_raw())[0], 0x30);
        assert_eq!(cert.sig_oid().tag, der::OID);
        assert_eq!(oid::to_dotted(cert.bytes(cert.sig_oid())).unwrap(), "1.2.840.113549.1.1.11");
        assert_eq!(cert.signature().len, 256);
    }

    #[test]
    fn matches_openssl_fields() {
        for name in ["server-rsa.crt", "server-ec.crt", "ca.crt", "client.crt", "expired.crt", "server-wrong.crt"] {
            let cert = one(name);
            let p = path(name);
            // Serial number.
            let serial = openssl(&["x509", "-in", &p, "-noout", "-serial"]);
            let serial = serial.trim().strip_prefix("serial=").unwrap().to_string();
            let ours: String = serial_string(cert.bytes(cert.serial())).replace(':', "");
            assert_eq!(ours.trim_start_matches('0'), serial.trim_start_matches('0'), "{name}");
            // Subject and issuer, in DER order like Mbed TLS, RFC 2253 escaping.
            for (flag, ours) in [("-subject", cert.subject_string()), ("-issuer", cert.issuer_string())] {
                let text =
                    openssl(&["x509", "-in", &p, "-noout", flag, "-nameopt", "sep_comma_plus_space,sname,esc_2253"]);
                let text = text.trim().split_once('=').unwrap().1.trim().to_string();
                assert_eq!(ours, text, "{name} {flag}");
            }
            // Validity.
            let dates = openssl(&["x509", "-in", &p, "-noout", "-startdate", "-enddate", "-dateopt", "iso_8601"]);
            let mut lines = dates.lines();
            let from = lines.next().unwrap().split_once('=').unwrap().1.trim_end_matches('Z').to_string();
            let to = lines.next().unwrap().split_once('=').unwrap().1.trim_end_matches('Z').to_string();
            assert_eq!(cert.valid_from().to_string(), from, "{name}");
            assert_eq!(cert.valid_to().to_string(), to, "{name}");
            assert!(cert.valid_from() < cert.valid_to());
        }
    }

    #[test]
    fn ec_and_ca_certificates() {
        let ec = one("server-ec.crt");
        assert_eq!(ec.key_kind(), KeyKind::Ec { curve: "secp256r1", bits: 256 });
        // Signed by the RSA CA.
        assert_eq!(ec.signature_algorithm().name, "RSA with SHA-256");
        let ca = one("ca.crt");
        assert!(ca.is_ca());
        assert_eq!(ca.extensions().key_usage, Some(key_usage::KEY_CERT_SIGN | key_usage::CRL_SIGN));
        assert!(ca.extensions().subject_key_id.is_some());
        assert_eq!(ca.issuer_string(), ca.subject_string());
        let expired = one("expired.crt");
        assert!(expired.valid_to().year < 2026 || expired.valid_to() < ca.valid_to());
    }

    #[test]
    fn info_text() {
        let cert = one("server-rsa.crt");
        let text = info(&cert, "  ");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "  cert. version     : 3");
        assert!(lines[1].starts_with("  serial number     : "));
        assert_eq!(lines[2], "  issuer name       : O=rustls-mbedtls-compat test, CN=Test CA");
        assert_eq!(lines[3], "  subject name      : O=rustls-mbedtls-compat test, CN=localhost");
        assert!(lines[4].starts_with("  issued  on        : 20"));
        assert!(lines[5].starts_with("  expires on        : 20"));
        assert_eq!(lines[6], "  signed using      : RSA with SHA-256");
        assert_eq!(lines[7], "  RSA key size      : 2048 bits");
        assert_eq!(lines[8], "  basic constraints : CA=false");
        assert_eq!(lines[9], "  subject alt name  :");
        assert_eq!(lines[10], "      dNSName : localhost");
        assert_eq!(lines[11], "      iPAddress : 127.0.0.1");
        assert_eq!(lines[12], "  key usage         : Digital Signature, Key Encipherment");
        assert_eq!(lines[13], "  ext key usage     : TLS Web Server Authentication");
        assert_eq!(lines.len(), 14);
        assert!(text.ends_with('\n'));
        let ec = info(&one("server-ec.crt"), "");
        assert!(ec.contains("\nEC key size       : 256 bits\n"), "{ec}");
        let ca = info(&one("ca.crt"), "");
        assert!(ca.contains("\nbasic constraints : CA=true\n"), "{ca}");
        assert!(ca.contains("\nkey usage         : Key Cert Sign, CRL Sign\n"), "{ca}");
    }

    #[test]
    fn verify_info_text() {
        assert_eq!(verify_info(0, "  ! "), "");
        let text = verify_info(crate::verify::badcert::EXPIRED | crate::verify::badcert::NOT_TRUSTED, "  ! ");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.starts_with("  ! ")));
        assert!(lines[0].contains("expired"));
        assert!(lines[1].contains("trusted"));
        let unknown = verify_info(0x8000_0000, "");
        assert!(unknown.starts_with("Unknown verification failure"));
        // Every flag has one line.
        assert_eq!(verify_info(0xF_FFFF, "").lines().count(), 20);
    }

    #[test]
    fn dn_escaping_and_hex() {
        let attr = |oid: &[u8], tag: u8, value: &[u8], merged: bool| NameAttribute {
            oid: oid.to_vec(),
            tag,
            value: value.to_vec(),
            merged_with_next: merged,
        };
        let cn = [0x55, 0x04, 0x03];
        let o = [0x55, 0x04, 0x0A];
        let names = vec![
            attr(&cn, der::UTF8_STRING, b"a,b+c", true),
            attr(&o, der::PRINTABLE_STRING, b" x ", false),
            attr(&[0x2A, 0x03], der::UTF8_STRING, b"z", false),
            attr(&cn, der::BMP_STRING, &[0, 0x41], false),
            attr(&cn, der::UTF8_STRING, "é#".as_bytes(), false),
        ];
        assert_eq!(dn_string(&names), "CN=a\\,b\\+c + O=\\ x\\ , 1.2.3=#0C017A, CN=#1E020041, CN=\\C3\\A9#");
        assert_eq!(serial_string(&[0x00, 0x9A, 0x01]), "9A:01");
        assert_eq!(serial_string(&[0x00]), "00");
        assert_eq!(serial_string(&[1u8; 40]).len(), 28 * 3 - 1 + 4);
    }

    #[test]
    fn chains_and_formats() {
        let chain = parse_chain(&read("server-rsa-chain.crt"));
        assert_eq!(chain.result(), Ok(0));
        assert_eq!(chain.certs.len(), 2);
        assert!(chain.certs[1].is_ca());
        // With the NUL Mbed TLS wants, and DER.
        let mut with_nul = read("server-rsa-chain.crt");
        with_nul.push(0);
        assert_eq!(parse_chain(&with_nul).certs.len(), 2);
        let der = parse_chain(&read("ca.der"));
        assert_eq!(der.result(), Ok(0));
        // DER with trailing bytes (Mbed TLS ignores them).
        let mut trailing = read("ca.der");
        trailing.extend_from_slice(b"\0\0garbage");
        assert_eq!(parse_chain(&trailing).result(), Ok(0));
        // A broken block among good ones is counted, the good ones kept.
        let good = String::from_utf8(read("server-rsa-chain.crt")).unwrap();
        let broken = format!("{good}-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n");
        let parsed = parse_chain(broken.as_bytes());
        assert_eq!(parsed.result(), Ok(1));
        assert_eq!(parsed.first_error, Some(Error::PemInvalidData));
        // Only broken blocks: the first error.
        let only = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(parse_chain(only.as_bytes()).result(), Err(Error::X509InvalidFormat));
        // A begin line without end line: no certificate block at all.
        let open = "-----BEGIN CERTIFICATE-----\nMIIB\n";
        assert_eq!(parse_chain(open.as_bytes()).result(), Err(Error::X509CertUnknownFormat));
        // Neither PEM nor DER.
        assert_eq!(parse_chain(b"hello").result(), Err(Error::X509InvalidFormat));
        assert_eq!(parse_chain(b"").result(), Err(Error::X509InvalidFormat));
        // A key file is not a certificate.
        assert_eq!(parse_chain(&read("server-rsa.key")).result(), Err(Error::X509InvalidFormat));
    }

    #[test]
    fn truncations_give_errors() {
        for name in ["server-rsa.der", "ca.der"] {
            let der = read(name);
            for len in 0..der.len() {
                assert!(Certificate::from_der(&der[..len]).is_err(), "{name} truncated to {len}");
            }
        }
        let ec = one("server-ec.crt");
        let der = ec.der().to_vec();
        for len in 0..der.len() {
            assert!(Certificate::from_der(&der[..len]).is_err());
        }
    }

    #[test]
    fn corruptions_never_panic() {
        // Flip every byte of the certificate in turn (three patterns): must not panic.
        let der = read("server-rsa.der");
        for i in 0..der.len() {
            for x in [0xFFu8, 0x80, 0x01] {
                let mut d = der.clone();
                d[i] ^= x;
                let _ = Certificate::from_der(&d);
            }
        }
    }

    /// Rebuilds `der` with the TBSCertificate passed through `edit`, so the structure stays
    /// consistent (lengths recomputed) while one field changes.
    fn with_tbs(der: &[u8], edit: impl FnOnce(Vec<Vec<u8>>) -> Vec<Vec<u8>>) -> Vec<u8> {
        let mut r = Reader::new(der);
        let crt = r.read(der::SEQUENCE, Error::X509InvalidFormat).unwrap();
        let mut cr = crt.reader();
        let tbs = cr.read(der::SEQUENCE, Error::X509InvalidFormat).unwrap();
        let rest = &der[tbs.end()..crt.end()];
        let mut tr = tbs.reader();
        let mut fields = Vec::new();
        while !tr.is_empty() {
            let f = tr.read_any(Error::X509InvalidFormat).unwrap();
            fields.push(der[f.start..f.end()].to_vec());
        }
        let tbs = der::tlv(der::SEQUENCE, &edit(fields).concat());
        der::tlv(der::SEQUENCE, &[tbs, rest.to_vec()].concat())
    }

    #[test]
    fn mbedtls_error_codes() {
        let der = read("server-rsa.der");
        assert!(Certificate::from_der(&with_tbs(&der, |f| f)).is_ok());
        // Version 4 (INTEGER 3).
        let v4 = with_tbs(&der, |mut f| {
            f[0] = vec![0xA0, 0x03, 0x02, 0x01, 0x03];
            f
        });
        assert_eq!(Certificate::from_der(&v4).unwrap_err(), Error::X509UnknownVersion);
        // Serial with a wrong tag.
        let serial = with_tbs(&der, |mut f| {
            f[1][0] = der::OCTET_STRING;
            f
        });
        assert_eq!(Certificate::from_der(&serial).unwrap_err(), Error::X509InvalidSerial);
        // An unknown signature algorithm (in both places, so no mismatch).
        let tbs_alg = der::tlv(der::SEQUENCE, &der::tlv(der::OID, &[0x2A, 0x03]));
        let unknown = with_tbs(&der, |mut f| {
            f[2] = tbs_alg.clone();
            f
        });
        assert_eq!(Certificate::from_der(&unknown).unwrap_err(), Error::X509UnknownSigAlg);
        // The TBS says SHA-384, the outer field SHA-256.
        let sha384 = der::tlv(
            der::SEQUENCE,
            &[der::tlv(der::OID, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0C]), vec![0x05, 0x00]].concat(),
        );
        let mismatch = with_tbs(&der, |mut f| {
            f[2] = sha384.clone();
            f
        });
        assert_eq!(Certificate::from_der(&mismatch).unwrap_err(), Error::X509SigMismatch);
        // An empty issuer.
        let issuer = with_tbs(&der, |mut f| {
            f[3] = vec![0x30, 0x00];
            f
        });
        assert_eq!(Certificate::from_der(&issuer).unwrap_err(), Error::X509InvalidName);
        // 31 February.
        let date = with_tbs(&der, |mut f| {
            f[4] = der::tlv(
                der::SEQUENCE,
                &[der::tlv(der::UTC_TIME, b"260231000000Z"), der::tlv(der::UTC_TIME, b"360101000000Z")].concat(),
            );
            f
        });
        assert_eq!(Certificate::from_der(&date).unwrap_err(), Error::X509InvalidDate);
        // A critical extension we do not know.
        let critical_unknown = der::tlv(
            der::SEQUENCE,
            &[
                der::tlv(der::OID, &[0x2A, 0x03, 0x04]),
                vec![0x01, 0x01, 0xFF],
                der::tlv(der::OCTET_STRING, &[0x05, 0x00]),
            ]
            .concat(),
        );
        let ext = with_tbs(&der, |mut f| {
            let last = f.pop().unwrap();
            let mut r = Reader::new(&last);
            let wrapper = r.read(der::context(3, true), Error::X509InvalidFormat).unwrap();
            let mut wr = wrapper.reader();
            let list = wr.read(der::SEQUENCE, Error::X509InvalidFormat).unwrap();
            let list = der::tlv(der::SEQUENCE, &[list.value.to_vec(), critical_unknown.clone()].concat());
            f.push(der::tlv(der::context(3, true), &list));
            f
        });
        assert_eq!(Certificate::from_der(&ext).unwrap_err(), Error::X509InvalidExtensions);
        // The same extension, not critical, is skipped.
        let non_critical = der::tlv(
            der::SEQUENCE,
            &[der::tlv(der::OID, &[0x2A, 0x03, 0x04]), der::tlv(der::OCTET_STRING, &[0x05, 0x00])].concat(),
        );
        let ext = with_tbs(&der, |mut f| {
            let last = f.pop().unwrap();
            let mut r = Reader::new(&last);
            let wrapper = r.read(der::context(3, true), Error::X509InvalidFormat).unwrap();
            let mut wr = wrapper.reader();
            let list = wr.read(der::SEQUENCE, Error::X509InvalidFormat).unwrap();
            let list = der::tlv(der::SEQUENCE, &[list.value.to_vec(), non_critical.clone()].concat());
            f.push(der::tlv(der::context(3, true), &list));
            f
        });
        assert!(Certificate::from_der(&ext).is_ok());
        // Extensions in a v1 certificate (no version field): trailing data in the TBS.
        let v1 = with_tbs(&der, |mut f| {
            f.remove(0);
            f
        });
        assert_eq!(Certificate::from_der(&v1).unwrap_err(), Error::X509InvalidFormat);
        // A v1 certificate without extensions parses.
        let v1 = with_tbs(&der, |mut f| {
            f.remove(0);
            f.pop();
            f
        });
        let v1 = Certificate::from_der(&v1).unwrap();
        assert_eq!(v1.version(), 1);
        assert!(info(&v1, "").contains("cert. version     : 1\n"));
    }
}
