//! CRL parsing, on CRLs made by `openssl ca`
//! (scripts/gen-test-certs.sh) and on hand-built DER for each error code.

use super::*;
use crate::der::{BIT_STRING, GENERALIZED_TIME, INTEGER, NULL, OCTET_STRING, OID, SEQUENCE, SET, UTC_TIME, tlv};
use crate::test_support::{corruptions, read_cert as read};
use crate::x509::{Certificate, crl_info, parse_chain, serial_string};

fn crl(name: &str) -> Crl {
    let parsed = parse_crls(&read(name));
    assert_eq!(parsed.result, Ok(()), "{name}");
    assert_eq!(parsed.crls.len(), 1, "{name}");
    parsed.crls.into_iter().next().unwrap()
}

fn cert(name: &str) -> Certificate {
    parse_chain(&read(name)).certs.remove(0)
}

#[test]
fn parses_openssl_crls() {
    let c = crl("crl-ca.pem");
    assert_eq!(c.der(), &read("crl-ca.der")[..]);
    assert_eq!(c.version(), 2);
    assert_eq!(c.issuer_string(), "O=rustls-mbedtls-compat test, CN=Test CA");
    assert_eq!(c.bytes(c.issuer_raw()), cert("ca.crt").bytes(cert("ca.crt").subject_raw()));
    assert_eq!(c.bytes(c.tbs())[0], SEQUENCE);
    assert_eq!(c.signature_algorithm().name, "RSA with SHA-256");
    assert_eq!(c.bytes(c.sig_oid()), [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]);
    assert_eq!(c.signature().len, 256);
    assert!(c.next_update().unwrap() > c.this_update());
    let ext = c.crl_ext().unwrap();
    assert_eq!((ext.tag, c.bytes(ext)[0]), (0xA0, SEQUENCE));
    let mut serials: Vec<&[u8]> = c.entries().iter().map(|e| c.bytes(e.serial)).collect();
    let (client, server) = (cert("client.crt"), cert("server-rsa.crt"));
    let mut want = [client.bytes(client.serial()), server.bytes(server.serial())];
    serials.sort();
    want.sort();
    assert_eq!(serials, want);
    for e in c.entries() {
        assert_eq!(e.raw.tag, SEQUENCE);
        assert_eq!(e.serial.tag, INTEGER);
        assert!(e.entry_ext.is_none());
        assert_eq!(e.revocation_date.year, c.this_update().year);
    }
    assert!(c.is_revoked(client.bytes(client.serial())));
    assert!(!c.is_revoked(cert("server-ec.crt").bytes(cert("server-ec.crt").serial())));

    let v1 = crl("crl-ca-v1.pem");
    assert_eq!((v1.version(), v1.crl_ext(), v1.entries().len()), (1, None, 1));
    let empty = crl("crl-ca-empty.pem");
    assert!(empty.entries().is_empty());
    let forged = crl("crl-ca-forged.pem");
    assert_eq!(forged.signature_algorithm().name, "ECDSA with SHA256");
    assert_eq!(crl("crl-ca-expired.pem").next_update().unwrap().year, 2010);
    assert_eq!(crl("crl-ca-future.pem").this_update().year, 2049);
}

#[test]
fn info_text_layout() {
    let c = crl("crl-ca.pem");
    let text = crl_info(&c, "> ");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(lines[0], "> CRL version   : 2");
    assert_eq!(lines[1], "> issuer name   : O=rustls-mbedtls-compat test, CN=Test CA");
    assert_eq!(lines[2], format!("> this update   : {}", c.this_update()));
    assert_eq!(lines[4], "> Revoked certificates:");
    let serial = serial_string(c.bytes(c.entries()[0].serial));
    assert!(lines[5].starts_with(&format!("> serial number: {serial} revocation date: 20")), "{}", lines[5]);
    assert_eq!(lines[7], "> signed using  : RSA with SHA-256");
    assert!(text.ends_with('\n'));
    let empty = crl_info(&crl("crl-ca-empty.pem"), "");
    assert!(empty.contains("Revoked certificates:\nsigned using  : RSA with SHA-256\n"), "{empty}");
}

#[test]
fn pem_lists_and_their_ends() {
    let both = read("crls.pem");
    let parsed = parse_crls(&both);
    assert_eq!((parsed.crls.len(), parsed.result), (2, Ok(())));
    assert_eq!(parsed.crls[1].issuer_string(), "O=Someone else, CN=Wrong CA");
    // With the terminating NUL Mbed TLS wants.
    let mut with_nul = both.clone();
    with_nul.push(0);
    assert_eq!(parse_crls(&with_nul).result, Ok(()));
    // Text after the last CRL: every CRL parsed, and Mbed TLS's error all the same.
    let mut trailing = both.clone();
    trailing.extend_from_slice(b"\n\0");
    let parsed = parse_crls(&trailing);
    assert_eq!((parsed.crls.len(), parsed.result), (2, Err(Error::PemNoHeaderFooterPresent)));
    // A certificate block after the CRLs is text after the last CRL too.
    let mut with_cert = both.clone();
    with_cert.extend_from_slice(&read("ca.crt"));
    assert_eq!(parse_crls(&with_cert).result, Err(Error::PemNoHeaderFooterPresent));
    // Text before and between blocks is skipped.
    let mut commented = b"# CRLs\n".to_vec();
    commented.extend_from_slice(&read("crl-ca.pem"));
    commented.extend_from_slice(b"comment\n");
    commented.extend_from_slice(&read("crl-wrong-ca.pem"));
    assert_eq!(parse_crls(&commented).crls.len(), 2);
    // A broken second block: the first CRL stays, the error is the block's.
    let mut broken = read("crl-ca.pem");
    broken.extend_from_slice(b"-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n");
    let parsed = parse_crls(&broken);
    assert_eq!((parsed.crls.len(), parsed.result), (1, Err(Error::PemInvalidData)));
    // A broken first block: not PEM, so the text is parsed as DER.
    let parsed = parse_crls(b"-----BEGIN X509 CRL-----\n!!!!\n-----END X509 CRL-----\n\0");
    assert_eq!((parsed.crls.len(), parsed.result), (0, Err(Error::X509InvalidFormat)));
    // A certificate is no CRL; DER with a trailing NUL is refused as in Mbed TLS.
    assert_eq!(parse_crls(&read("ca.crt")).result, Err(Error::X509InvalidFormat));
    let mut der = read("crl-ca.der");
    assert_eq!(parse_crls(&der).result, Ok(()));
    der.push(0);
    assert_eq!(parse_crls(&der).result, Err(Error::X509InvalidFormat));
    assert_eq!(parse_crls(b"").result, Err(Error::X509InvalidFormat));
    // A DER CRL inside a PEM block is parsed with the same rules (a corrupt one fails).
    let mut bad_inner = read("crl-ca.der");
    bad_inner[0] = 0x31;
    assert_eq!(Crl::from_der(&bad_inner).err(), Some(Error::X509InvalidFormat));
}

#[test]
fn corrupt_and_truncated_der_never_panics() {
    let der = read("crl-ca.der");
    for len in 0..der.len() {
        assert!(Crl::from_der(&der[..len]).is_err(), "truncated to {len}");
    }
    let mut parsed = 0;
    for bad in corruptions(&der) {
        parsed += usize::from(Crl::from_der(&bad).is_ok());
    }
    // Flips inside names, times' digits, serials or the signature may still parse.
    assert!(parsed < der.len() * 3);
}

/// A CRL from parts (`version` None: v1 without the field); the signature is not valid.
struct Parts {
    version: Option<Vec<u8>>,
    alg: Vec<u8>,
    this_update: Vec<u8>,
    next_update: Vec<u8>,
    entries: Vec<u8>,
    extensions: Vec<u8>,
    outer_alg: Vec<u8>,
    signature: Vec<u8>,
}

fn sha256_rsa() -> Vec<u8> {
    let oid = tlv(OID, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]);
    tlv(SEQUENCE, &[oid, vec![NULL, 0]].concat())
}

impl Default for Parts {
    fn default() -> Parts {
        let entry = tlv(SEQUENCE, &[tlv(INTEGER, &[0x01, 0x02]), tlv(UTC_TIME, b"260101000000Z")].concat());
        let ext = tlv(SEQUENCE, &[tlv(OID, &[0x55, 0x1D, 0x14]), tlv(OCTET_STRING, &tlv(INTEGER, &[1]))].concat());
        Parts {
            version: Some(tlv(INTEGER, &[1])),
            alg: sha256_rsa(),
            this_update: tlv(UTC_TIME, b"260101000000Z"),
            next_update: tlv(GENERALIZED_TIME, b"20360101000000Z"),
            entries: tlv(SEQUENCE, &entry),
            extensions: tlv(0xA0, &tlv(SEQUENCE, &ext)),
            outer_alg: sha256_rsa(),
            signature: tlv(BIT_STRING, &[0, 1, 2, 3]),
        }
    }
}

impl Parts {
    fn der(&self) -> Vec<u8> {
        let cn = tlv(SEQUENCE, &[tlv(OID, &[0x55, 0x04, 0x03]), tlv(0x13, b"Test CA")].concat());
        let issuer = tlv(SEQUENCE, &tlv(SET, &cn));
        let tbs = [
            self.version.clone().unwrap_or_default(),
            self.alg.clone(),
            issuer,
            self.this_update.clone(),
            self.next_update.clone(),
            self.entries.clone(),
            self.extensions.clone(),
        ]
        .concat();
        tlv(SEQUENCE, &[tlv(SEQUENCE, &tbs), self.outer_alg.clone(), self.signature.clone()].concat())
    }

    fn parse(&self) -> Result<Crl, Error> {
        Crl::from_der(&self.der())
    }
}

#[test]
fn error_codes_of_each_part() {
    use Error as E;
    let ok = Parts::default().parse().unwrap();
    assert_eq!((ok.version(), ok.entries().len()), (2, 1));
    assert_eq!(ok.entries()[0].revocation_date, Time { year: 2026, mon: 1, day: 1, hour: 0, min: 0, sec: 0 });
    let minimal = Parts { entries: vec![], extensions: vec![], next_update: vec![], ..Default::default() };
    let minimal = minimal.parse().unwrap();
    assert_eq!((minimal.next_update(), minimal.crl_ext(), minimal.entries().len()), (None, None, 0));

    let cases: Vec<(Parts, E)> = vec![
        (Parts { version: Some(tlv(INTEGER, &[2])), ..Default::default() }, E::X509UnknownVersion),
        (Parts { version: Some(tlv(INTEGER, &[0xFF])), ..Default::default() }, E::X509InvalidVersion),
        (Parts { version: Some(tlv(INTEGER, &[])), ..Default::default() }, E::X509InvalidVersion),
        // The algorithm is read before the version is range-checked.
        (Parts { version: Some(tlv(INTEGER, &[5])), alg: tlv(SEQUENCE, &[]), ..Default::default() }, E::X509InvalidAlg),
        (Parts { alg: tlv(SEQUENCE, &tlv(OID, &[0x2A, 0x03])), ..Default::default() }, E::X509UnknownSigAlg),
        (Parts { this_update: tlv(UTC_TIME, b"261301000000Z"), ..Default::default() }, E::X509InvalidDate),
        (Parts { this_update: tlv(INTEGER, &[1]), ..Default::default() }, E::X509InvalidDate),
        (Parts { next_update: tlv(UTC_TIME, b"2601"), ..Default::default() }, E::X509InvalidDate),
        (
            Parts { entries: tlv(SEQUENCE, &tlv(SEQUENCE, &tlv(OCTET_STRING, &[1]))), ..Default::default() },
            E::X509InvalidSerial,
        ),
        (
            Parts { entries: tlv(SEQUENCE, &tlv(SEQUENCE, &tlv(INTEGER, &[1]))), ..Default::default() },
            E::X509InvalidDate,
        ),
        (Parts { entries: tlv(SEQUENCE, &[INTEGER, 1, 1]), ..Default::default() }, E::X509InvalidFormat),
        (
            Parts { extensions: tlv(0xA0, &tlv(SEQUENCE, &tlv(INTEGER, &[1]))), ..Default::default() },
            E::X509InvalidExtensions,
        ),
        (Parts { extensions: tlv(0xA1, &[]), ..Default::default() }, E::X509InvalidExtensions),
        (Parts { outer_alg: tlv(SEQUENCE, &tlv(OID, &[0x2A, 0x03])), ..Default::default() }, E::X509SigMismatch),
        (Parts { signature: tlv(BIT_STRING, &[1, 0x80]), ..Default::default() }, E::X509InvalidSignature),
        (Parts { signature: tlv(OCTET_STRING, &[0, 1]), ..Default::default() }, E::X509InvalidSignature),
        // Extensions in a v1 CRL are left over.
        (Parts { version: None, ..Default::default() }, E::X509InvalidFormat),
    ];
    for (i, (parts, want)) in cases.iter().enumerate() {
        assert_eq!(parts.parse().err(), Some(*want), "case {i}");
    }
    // A critical CRL extension cannot be honoured.
    let critical = tlv(
        SEQUENCE,
        &[tlv(OID, &[0x55, 0x1D, 0x14]), tlv(0x01, &[0xFF]), tlv(OCTET_STRING, &tlv(INTEGER, &[1]))].concat(),
    );
    let parts = Parts { extensions: tlv(0xA0, &tlv(SEQUENCE, &critical)), ..Default::default() };
    assert_eq!(parts.parse().err(), Some(E::X509InvalidExtensions));
    // NULL and absent signature parameters are the same to Mbed TLS's CRL parser.
    let no_params = tlv(SEQUENCE, &tlv(OID, &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]));
    assert!(Parts { outer_alg: no_params, ..Default::default() }.parse().is_ok());
    // Entry extensions: kept as Mbed TLS's `entry_ext` (from the tag, contents length).
    let reason = tlv(SEQUENCE, &[tlv(OID, &[0x55, 0x1D, 0x15]), tlv(OCTET_STRING, &[0x0A, 0x01, 0x01])].concat());
    let entry =
        tlv(SEQUENCE, &[tlv(INTEGER, &[0x05]), tlv(UTC_TIME, b"260101000000Z"), tlv(SEQUENCE, &reason)].concat());
    let with_reason = Parts { entries: tlv(SEQUENCE, &entry), ..Default::default() }.parse().unwrap();
    let ext = with_reason.entries()[0].entry_ext.unwrap();
    assert_eq!(
        (ext.tag, ext.len, with_reason.bytes(Span { len: 2, ..ext })),
        (SEQUENCE, reason.len(), &[0x30, reason.len() as u8][..])
    );
    // Anything after an entry's extensions is malformed.
    let junk = tlv(SEQUENCE, &[tlv(INTEGER, &[0x05]), tlv(UTC_TIME, b"260101000000Z"), tlv(INTEGER, &[0])].concat());
    assert_eq!(Parts { entries: tlv(SEQUENCE, &junk), ..Default::default() }.parse().err(), Some(E::X509InvalidFormat));
}

#[test]
fn crls_are_shareable() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Crl>();
    shareable::<std::sync::Arc<Crl>>();
}
