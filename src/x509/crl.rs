//! Certificate revocation lists (RFC 5280 section 5): parsing with Mbed TLS's error codes and
//! the fields `mbedtls_x509_crl` exposes. The revocation check itself is part of chain
//! verification (`verify::revocation`).
//!
//! Parsed with the DER reader the certificate parser uses ([`crate::der`]), not a general X.509
//! crate (x509-cert, x509-parser) nor rustls-webpki's CRL type, because none of them can give
//! what `mbedtls_x509_crl` needs:
//! - byte positions: the C struct's `raw`, `tbs`, `issuer_raw`, each entry's `raw`, `serial`
//!   and `entry_ext`, `crl_ext`, `sig` point into the CRL's DER. x509-cert decodes into owned
//!   values (no offsets); x509-parser keeps the TBS and serial slices but not an entry's
//!   SEQUENCE, its extensions' wrapper or the issuer's attribute values with their tags;
//! - Mbed TLS's error codes per part (`INVALID_VERSION`, `INVALID_ALG`, `INVALID_DATE`,
//!   `INVALID_SERIAL`, `INVALID_EXTENSIONS`, `SIG_MISMATCH`, ...), which the differential test
//!   (tests/c/x509_crl_smoke.c: every truncation and one-byte corruption of a CRL, against
//!   Debian's Mbed TLS 2.28) compares: their errors are `der::ErrorKind` / nom errors, not
//!   tied to the field that failed;
//! - Mbed TLS's acceptance: a version 1 CRL, no nextUpdate, an empty revokedCertificates
//!   SEQUENCE, serials of any length or tagged `[2]`, non-minimal DER that Mbed TLS reads.
//!   x509-cert is strict DER (and limits serial numbers to RFC 5280's 20 octets or so);
//!   x509-parser keys extensions by OID (order and duplicates lost) and has its own strictness;
//!   rustls-webpki refuses v1 CRLs, CRLs without nextUpdate or extensions, and delta CRLs
//!   (`verify::revocation` has a test of this) and answers with one error, not Mbed TLS's flags.
//!
//! Issuer names, times and signature algorithms are read by the same code as a certificate's,
//! so they compare the same way (Mbed TLS's name comparison), and signatures are checked with
//! the same provider algorithms rustls-webpki uses ([`super::signed`]).

use crate::der::{self, Reader, Tlv};
use crate::error::Error;
use crate::pem;

use super::certificate::Span;
use super::name::{NameAttribute, dn_string, parse_name};
use super::signature::{SignatureAlgorithm, signature_algorithm};
use super::signed::{SignatureCheck, check_signature};
use super::time::{Time, parse_time, time_follows};

/// One revoked certificate of a CRL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CrlEntry {
    /// The entry SEQUENCE's contents (Mbed TLS's `raw`, tag 0x30).
    pub(crate) raw: Span,
    /// The serial number's contents.
    pub(crate) serial: Span,
    pub(crate) revocation_date: Time,
    /// The crlEntryExtensions SEQUENCE, as Mbed TLS's `entry_ext`: from its tag byte, with the
    /// length of its contents. None when absent.
    pub(crate) entry_ext: Option<Span>,
}

/// A parsed CRL. Owns its DER; every span points into it.
#[derive(Clone, Debug)]
pub(crate) struct Crl {
    der: Vec<u8>,
    tbs: Span,
    version: i32,
    sig_oid: Span,
    /// The outer signatureAlgorithm's OID (contents).
    sig_oid2: Span,
    /// The contents of the outer signatureAlgorithm AlgorithmIdentifier.
    sig_alg_id: Span,
    issuer_raw: Span,
    issuer: Vec<NameAttribute>,
    this_update: Time,
    next_update: Option<Time>,
    entries: Vec<CrlEntry>,
    crl_ext: Option<Span>,
    signature_algorithm: SignatureAlgorithm,
    signature: Span,
}

/// The contents of an element as a span with another tag (Mbed TLS's `crl_ext` and
/// `entry_ext` keep the tag of the wrapper).
fn span_from(start: usize, tag: u8, len: usize) -> Span {
    Span { tag, offset: start, len }
}

impl Crl {
    /// Parses one DER CRL; the input must hold exactly the CRL (Mbed TLS refuses trailing
    /// bytes here, unlike for certificates).
    ///
    /// Errors as `mbedtls_x509_crl_parse_der`: `X509InvalidFormat` (structure, trailing bytes,
    /// malformed revokedCertificates), `X509InvalidVersion`, `X509UnknownVersion` (not v1 or
    /// v2), `X509InvalidAlg`, `X509UnknownSigAlg` (any signature algorithm Mbed TLS cannot
    /// use), `X509InvalidName`, `X509InvalidDate`, `X509InvalidSerial`,
    /// `X509InvalidExtensions` (malformed or critical CRL extension), `X509SigMismatch`,
    /// `X509InvalidSignature`.
    pub(crate) fn from_der(input: &[u8]) -> Result<Crl, Error> {
        use Error as E;
        use der::*;
        let mut top = Reader::new(input);
        let list = top.read(SEQUENCE, E::X509InvalidFormat)?;
        top.finish(E::X509InvalidFormat)?;
        let mut r = list.reader();
        let tbs = r.read(SEQUENCE, E::X509InvalidFormat)?;
        let mut t = tbs.reader();

        // Version ::= INTEGER { v1(0), v2(1) } OPTIONAL; range-checked after the algorithm,
        // as Mbed TLS does.
        let version_number = match t.read_optional(INTEGER, E::X509InvalidVersion)? {
            Some(v) => small_uint(v.value).ok_or(E::X509InvalidVersion)?,
            None => 0,
        };
        let (sig_oid, sig_params) = t.read_algorithm(E::X509InvalidAlg)?;
        if version_number > 1 {
            return Err(E::X509UnknownVersion);
        }
        let version = version_number as i32 + 1;
        let signature_algorithm =
            signature_algorithm(sig_oid.value, sig_params.as_ref()).map_err(|_| E::X509UnknownSigAlg)?;

        let issuer = t.read(SEQUENCE, E::X509InvalidFormat)?;
        let issuer_names = parse_name(issuer.reader(), false, E::X509InvalidName)?;
        let this_update = parse_time(&mut t)?;
        let next_update = if time_follows(&t) { Some(parse_time(&mut t)?) } else { None };
        let entries = match t.read_optional(SEQUENCE, E::X509InvalidFormat)? {
            Some(list) => parse_entries(&list)?,
            None => Vec::new(),
        };
        let crl_ext = if version == 2 && !t.is_empty() { Some(parse_crl_extensions(&mut t)?) } else { None };
        t.finish(E::X509InvalidFormat)?;

        let (outer_oid, outer_params) = r.read_algorithm(E::X509InvalidAlg)?;
        // Mbed TLS compares the parameters' contents only: NULL and absent are the same here.
        let (outer_contents, inner_contents) =
            (outer_params.map_or(&[][..], |p| p.value), sig_params.map_or(&[][..], |p| p.value));
        if outer_oid.value != sig_oid.value || outer_contents != inner_contents {
            return Err(E::X509SigMismatch);
        }
        let signature = r.read(BIT_STRING, E::X509InvalidSignature)?;
        whole_bytes(signature.value).ok_or(E::X509InvalidSignature)?;
        r.finish(E::X509InvalidFormat)?;

        Ok(Crl {
            der: input.to_vec(),
            tbs: Span::whole(&tbs),
            version,
            sig_oid: Span::contents(&sig_oid),
            sig_oid2: Span::contents(&outer_oid),
            sig_alg_id: Span {
                tag: OID,
                offset: outer_oid.start,
                len: outer_params.map_or(outer_oid.end(), |p| p.end()) - outer_oid.start,
            },
            issuer_raw: Span::whole(&issuer),
            issuer: issuer_names,
            this_update,
            next_update,
            entries,
            crl_ext,
            signature_algorithm,
            signature: Span { tag: BIT_STRING, offset: signature.value_start + 1, len: signature.value.len() - 1 },
        })
    }

    /// The whole CRL, DER.
    pub(crate) fn der(&self) -> &[u8] {
        &self.der
    }
    /// The bytes a [`Span`] of this CRL covers.
    pub(crate) fn bytes(&self, span: Span) -> &[u8] {
        span.of(&self.der)
    }
    pub(crate) fn tbs(&self) -> Span {
        self.tbs
    }
    /// 1 or 2.
    pub(crate) fn version(&self) -> i32 {
        self.version
    }
    pub(crate) fn sig_oid(&self) -> Span {
        self.sig_oid
    }
    pub(crate) fn sig_oid2(&self) -> Span {
        self.sig_oid2
    }
    pub(crate) fn issuer_raw(&self) -> Span {
        self.issuer_raw
    }
    pub(crate) fn issuer(&self) -> &[NameAttribute] {
        &self.issuer
    }
    /// The issuer as `mbedtls_x509_dn_gets` writes it.
    pub(crate) fn issuer_string(&self) -> String {
        dn_string(&self.issuer)
    }
    pub(crate) fn this_update(&self) -> Time {
        self.this_update
    }
    /// None when the CRL has no nextUpdate (Mbed TLS's field is then all zeroes).
    pub(crate) fn next_update(&self) -> Option<Time> {
        self.next_update
    }
    pub(crate) fn entries(&self) -> &[CrlEntry] {
        &self.entries
    }
    /// The crlExtensions `[0]` element as Mbed TLS's `crl_ext`: its contents, tag 0xA0.
    pub(crate) fn crl_ext(&self) -> Option<Span> {
        self.crl_ext
    }
    pub(crate) fn signature_algorithm(&self) -> &SignatureAlgorithm {
        &self.signature_algorithm
    }
    /// The signature value (the BIT STRING's bytes after the unused-bits octet).
    pub(crate) fn signature(&self) -> Span {
        self.signature
    }

    /// Whether `issuer_spki` (a DER SubjectPublicKeyInfo) verifies this CRL's signature.
    pub(crate) fn signature_check(&self, issuer_spki: &[u8]) -> SignatureCheck {
        check_signature(self.bytes(self.sig_alg_id), self.bytes(self.tbs), self.bytes(self.signature), issuer_spki)
    }

    /// `mbedtls_x509_crt_is_revoked`: whether an entry lists `serial` (a serial number's
    /// contents, compared byte for byte). As in Mbed TLS 3.6 the revocation date is not looked
    /// at, and the entries are read up to the first one with an empty serial number.
    pub(crate) fn is_revoked(&self, serial: &[u8]) -> bool {
        self.entries.iter().take_while(|e| e.serial.len != 0).any(|e| self.bytes(e.serial) == serial)
    }
}

/// revokedCertificates ::= SEQUENCE OF SEQUENCE { userCertificate CertificateSerialNumber,
/// revocationDate Time, crlEntryExtensions Extensions OPTIONAL }.
fn parse_entries(list: &Tlv<'_>) -> Result<Vec<CrlEntry>, Error> {
    use Error as E;
    use der::*;
    let mut out = Vec::new();
    let mut r = list.reader();
    while !r.is_empty() {
        let entry = r.read(SEQUENCE, E::X509InvalidFormat)?;
        let mut e = entry.reader();
        let serial = match e.peek_tag() {
            Some(tag) if tag == INTEGER || tag == context(2, false) => e.read_any(E::X509InvalidSerial)?,
            _ => return Err(E::X509InvalidSerial),
        };
        let revocation_date = parse_time(&mut e)?;
        let entry_ext = match e.read_optional(SEQUENCE, E::X509InvalidExtensions)? {
            Some(ext) => {
                let mut x = ext.reader();
                while !x.is_empty() {
                    x.read(SEQUENCE, E::X509InvalidExtensions)?;
                }
                Some(span_from(ext.start, SEQUENCE, ext.value.len()))
            }
            None => None,
        };
        e.finish(E::X509InvalidFormat)?;
        out.push(CrlEntry { raw: Span::contents(&entry), serial: Span::contents(&serial), revocation_date, entry_ext });
    }
    Ok(out)
}

/// crlExtensions [0] EXPLICIT Extensions: well-formed, none critical (Mbed TLS interprets no
/// CRL extension, so it cannot honour a critical one).
fn parse_crl_extensions(t: &mut Reader<'_>) -> Result<Span, Error> {
    use der::*;
    let err = Error::X509InvalidExtensions;
    let wrapper = t.read(context(0, true), err)?;
    let mut r = single(wrapper.value, SEQUENCE, err)?.reader();
    while !r.is_empty() {
        let ext = r.read(SEQUENCE, err)?;
        let mut x = ext.reader();
        x.read(OID, err)?;
        let critical = match x.read_optional(BOOLEAN, err)? {
            Some(b) => boolean(b.value).ok_or(err)?,
            None => false,
        };
        x.read(OCTET_STRING, err)?;
        x.finish(err)?;
        if critical {
            return Err(err);
        }
    }
    Ok(span_from(wrapper.value_start, wrapper.tag, wrapper.value.len()))
}

/// The outcome of [`parse_crls`]: the CRLs that parsed (in order), and the result code.
#[derive(Debug)]
pub(crate) struct CrlParse {
    pub(crate) crls: Vec<Crl>,
    pub(crate) result: Result<(), Error>,
}

/// `mbedtls_x509_crl_parse` semantics. `input` is PEM when its first `X509 CRL` block (before
/// any NUL byte) decodes; then each `X509 CRL` block is parsed in turn, and the first failure
/// ends the parse with its error (the CRLs before it are kept). As in Mbed TLS, anything but
/// a terminating NUL after the last CRL block is an error too
/// (`PemNoHeaderFooterPresent`), although every CRL parsed. Otherwise `input` is one DER CRL
/// ([`Crl::from_der`], so a trailing NUL is an error).
pub(crate) fn parse_crls(input: &[u8]) -> CrlParse {
    let blocks: Vec<_> = pem::located_blocks(input).into_iter().filter(|(label, _, _)| label == "X509 CRL").collect();
    if !blocks.first().is_some_and(|(_, block, _)| block.is_ok()) {
        return match Crl::from_der(input) {
            Ok(crl) => CrlParse { crls: vec![crl], result: Ok(()) },
            Err(e) => CrlParse { crls: Vec::new(), result: Err(e) },
        };
    }
    let mut crls = Vec::new();
    let mut end = 0;
    for (_, block, block_end) in blocks {
        match block.and_then(|b| Crl::from_der(&b.der)) {
            Ok(crl) => crls.push(crl),
            Err(e) => return CrlParse { crls, result: Err(e) },
        }
        end = block_end;
    }
    let trailing = &input[end..];
    let result = if trailing.is_empty() || trailing == [0] { Ok(()) } else { Err(Error::PemNoHeaderFooterPresent) };
    CrlParse { crls, result }
}

#[cfg(test)]
#[path = "crl_tests.rs"]
mod tests;
