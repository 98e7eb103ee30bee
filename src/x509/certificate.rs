//! One certificate: the parser of the DER structure (TBSCertificate, signature algorithm,
//! signature) and the fields Mbed TLS exposes, as spans of the certificate's own DER copy.

use crate::der::{self, Tlv};
use crate::error::Error;
use crate::pk::{KeyKind, PublicKey};

use super::extensions::{Extensions, GeneralName, parse_extensions};
use super::name::{NameAttribute, dn_string, parse_name};
use super::signature::{SignatureAlgorithm, signature_algorithm};
use super::signed::{SignatureCheck, check_signature};
use super::time::{Time, parse_time};

/// Where a field lies inside [`Certificate::der`], with the DER tag `mbedtls_x509_buf.tag` gets.
///
/// As in Mbed TLS, `tbs`, `issuer_raw`, `subject_raw` and `pk_raw` cover the whole element
/// (tag and length included); `serial` and `sig_oid` cover only the contents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) tag: u8,
    pub(crate) offset: usize,
    pub(crate) len: usize,
}

impl Span {
    pub(super) fn whole(tlv: &Tlv<'_>) -> Span {
        Span { tag: tlv.tag, offset: tlv.start, len: tlv.end() - tlv.start }
    }

    pub(super) fn contents(tlv: &Tlv<'_>) -> Span {
        Span { tag: tlv.tag, offset: tlv.value_start, len: tlv.value.len() }
    }

    /// The bytes this span covers in `der` (the DER it was made from).
    pub(super) fn of(self, der: &[u8]) -> &[u8] {
        &der[self.offset..self.offset + self.len]
    }
}

/// A parsed certificate. Owns its DER; every accessor reads from it.
#[derive(Clone, Debug)]
pub(crate) struct Certificate {
    der: Vec<u8>,
    tbs: Span,
    serial: Span,
    sig_oid: Span,
    /// The contents of the signatureAlgorithm AlgorithmIdentifier (OID and parameters).
    sig_alg_id: Span,
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
    pub(crate) fn from_der(input: &[u8]) -> Result<Certificate, Error> {
        Self::parse(input, false)
    }

    /// As [`Certificate::from_der`], but the extensions Mbed TLS hands to an extension callback
    /// (`mbedtls_x509_crt_parse_der_with_ext_cb`) are recorded in
    /// `extensions().unhandled` instead of being refused (critical) or skipped: the caller runs
    /// the callback on each and decides.
    pub(crate) fn from_der_for_callback(input: &[u8]) -> Result<Certificate, Error> {
        Self::parse(input, true)
    }

    fn parse(input: &[u8], for_callback: bool) -> Result<Certificate, Error> {
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
                let int = single(v.value, INTEGER, E::X509InvalidVersion)?;
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
        let (sig_oid, sig_params) = t.read_algorithm(E::X509InvalidAlg)?;
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
                extensions = parse_extensions(&ext, for_callback)?;
            }
        }
        t.finish(E::X509InvalidFormat)?;

        let (outer_oid, outer_params) = r.read_algorithm(E::X509InvalidAlg)?;
        let params_bytes = |p: &Option<Tlv<'_>>| p.map(|p| &input[p.start..p.end()]);
        if outer_oid.value != sig_oid.value || params_bytes(&outer_params) != params_bytes(&sig_params) {
            return Err(E::X509SigMismatch);
        }
        let signature = r.read(BIT_STRING, E::X509InvalidSignature)?;
        whole_bytes(signature.value).ok_or(E::X509InvalidSignature)?;
        r.finish(E::X509InvalidFormat)?;

        Ok(Certificate {
            der: input[..crt.end()].to_vec(),
            tbs: Span::whole(&tbs),
            serial: Span::contents(&serial),
            sig_oid: Span::contents(&sig_oid),
            sig_alg_id: Span {
                tag: OID,
                offset: outer_oid.start,
                len: outer_params.map_or(outer_oid.end(), |p| p.end()) - outer_oid.start,
            },
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
    pub(crate) fn der(&self) -> &[u8] {
        &self.der
    }
    /// The bytes a [`Span`] of this certificate covers.
    pub(crate) fn bytes(&self, span: Span) -> &[u8] {
        span.of(&self.der)
    }

    pub(crate) fn tbs(&self) -> Span {
        self.tbs
    }
    pub(crate) fn serial(&self) -> Span {
        self.serial
    }
    pub(crate) fn sig_oid(&self) -> Span {
        self.sig_oid
    }
    pub(crate) fn issuer_raw(&self) -> Span {
        self.issuer_raw
    }
    pub(crate) fn subject_raw(&self) -> Span {
        self.subject_raw
    }
    /// The SubjectPublicKeyInfo.
    pub(crate) fn pk_raw(&self) -> Span {
        self.pk_raw
    }

    /// 1, 2 or 3 (Mbed TLS's numbering: v3 certificates are version 3).
    pub(crate) fn version(&self) -> i32 {
        self.version
    }
    pub(crate) fn valid_from(&self) -> Time {
        self.valid_from
    }
    pub(crate) fn valid_to(&self) -> Time {
        self.valid_to
    }
    pub(crate) fn signature_algorithm(&self) -> &SignatureAlgorithm {
        &self.signature_algorithm
    }
    pub(crate) fn public_key(&self) -> &PublicKey {
        &self.public_key
    }
    pub(crate) fn key_kind(&self) -> KeyKind {
        self.public_key.kind()
    }
    /// The issuer as `mbedtls_x509_dn_gets` writes it, e.g. `O=Example, CN=Example CA`.
    pub(crate) fn issuer_string(&self) -> String {
        dn_string(&self.issuer)
    }
    /// The subject as `mbedtls_x509_dn_gets` writes it.
    pub(crate) fn subject_string(&self) -> String {
        dn_string(&self.subject)
    }
    pub(crate) fn extensions(&self) -> &Extensions {
        &self.extensions
    }
    pub(crate) fn issuer(&self) -> &[NameAttribute] {
        &self.issuer
    }
    pub(crate) fn subject(&self) -> &[NameAttribute] {
        &self.subject
    }
    /// basicConstraints cA (false when the extension is absent).
    pub(crate) fn is_ca(&self) -> bool {
        self.extensions.basic_constraints.is_some_and(|bc| bc.ca)
    }
    /// The subjectAltName entries (empty when the extension is absent).
    pub(crate) fn subject_alt_names(&self) -> &[GeneralName] {
        self.extensions.subject_alt_names.as_deref().unwrap_or(&[])
    }
    /// Whether `issuer_spki` (a DER SubjectPublicKeyInfo) verifies this certificate's signature.
    pub(crate) fn signature_check(&self, issuer_spki: &[u8]) -> SignatureCheck {
        check_signature(self.bytes(self.sig_alg_id), self.bytes(self.tbs), self.bytes(self.signature), issuer_spki)
    }
}

/// The signature value: `mbedtls_x509_crt.sig` of the 2.28 edition (private in 3.6).
#[cfg_attr(not(feature = "edition-2-28"), allow(dead_code, reason = "a public field of the 2.28 edition only"))]
impl Certificate {
    /// The signature value (the BIT STRING's bytes after the unused-bits octet).
    pub(crate) fn signature(&self) -> Span {
        self.signature
    }
}
