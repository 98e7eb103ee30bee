//! Tests of certificate parsing: real certificates compared with openssl's view of them, Mbed
//! TLS's error codes for each broken field, and truncated or corrupted input.

use super::*;
use std::process::Command;

use super::extensions::{GeneralName, key_usage};
use super::info::serial_string;
use super::name::{NameAttribute, dn_string};
use crate::der::{self, Reader};
use crate::oid;
use crate::pk::KeyKind;
use crate::verify::badcert;

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
fn rsa_server_certificate() {
    let cert = one("server-rsa.crt");
    assert_eq!(cert.version(), 3);
    assert_eq!(cert.subject_string(), "O=rustls-mbedtls-compat test, CN=localhost");
    assert_eq!(cert.issuer_string(), "O=rustls-mbedtls-compat test, CN=Test CA");
    assert_eq!(cert.signature_algorithm().name, "RSA with SHA-256");
    assert_eq!(cert.key_kind(), KeyKind::Rsa { bits: 2048 });
    assert!(!cert.is_ca());
    assert_eq!(cert.subject_alt_names(), &[GeneralName::Dns("localhost".into()), GeneralName::Ip(vec![127, 0, 0, 1])]);
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
            let text = openssl(&["x509", "-in", &p, "-noout", flag, "-nameopt", "sep_comma_plus_space,sname,esc_2253"]);
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
    let text = verify_info(badcert::EXPIRED | badcert::NOT_TRUSTED, "  ! ");
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
    for d in crate::test_support::corruptions(&read("server-rsa.der")) {
        let _ = Certificate::from_der(&d);
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

/// Rebuilds `der` (a v3 certificate) with `extension` appended to its extensions.
fn with_extension(der: &[u8], extension: &[u8]) -> Vec<u8> {
    with_tbs(der, |mut f| {
        let last = f.pop().unwrap();
        let wrapper = der::single(&last, der::context(3, true), Error::X509InvalidFormat).unwrap();
        let list = der::single(wrapper.value, der::SEQUENCE, Error::X509InvalidFormat).unwrap();
        let list = der::tlv(der::SEQUENCE, &[list.value, extension].concat());
        f.push(der::tlv(der::context(3, true), &list));
        f
    })
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
        &[der::tlv(der::OID, &[0x2A, 0x03, 0x04]), vec![0x01, 0x01, 0xFF], der::tlv(der::OCTET_STRING, &[0x05, 0x00])]
            .concat(),
    );
    let ext = with_extension(&der, &critical_unknown);
    assert_eq!(Certificate::from_der(&ext).unwrap_err(), Error::X509InvalidExtensions);
    // The same extension, not critical, is skipped.
    let non_critical = der::tlv(
        der::SEQUENCE,
        &[der::tlv(der::OID, &[0x2A, 0x03, 0x04]), der::tlv(der::OCTET_STRING, &[0x05, 0x00])].concat(),
    );
    let ext = with_extension(&der, &non_critical);
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

#[test]
fn signatures_check_against_the_issuer_key_only() {
    let ca = one("ca.crt");
    let wrong_ca = one("wrong-ca.crt");
    let ca_key = ca.bytes(ca.pk_raw()).to_vec();
    for name in ["server-rsa.crt", "server-ec.crt", "client.crt", "ca.crt"] {
        let crt = one(name);
        assert_eq!(crt.signature_check(&ca_key), SignatureCheck::Valid, "{name}");
        assert_eq!(crt.signature_check(wrong_ca.bytes(wrong_ca.pk_raw())), SignatureCheck::Invalid, "{name}");
    }
    // An EC key cannot check an RSA signature: no algorithm for that pair.
    let ec = one("server-ec.crt");
    assert_eq!(ca.signature_check(ec.bytes(ec.pk_raw())), SignatureCheck::Unsupported);
    // A corrupted signature or key never verifies.
    let crt = one("server-rsa.crt");
    let mut der = crt.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let bad = Certificate::from_der(&der).unwrap();
    assert_eq!(bad.signature_check(&ca_key), SignatureCheck::Invalid);
    assert_eq!(crt.signature_check(&ca_key[..ca_key.len() - 1]), SignatureCheck::Invalid);
    assert_eq!(crt.signature_check(b""), SignatureCheck::Invalid);
}

#[test]
fn unix_seconds_to_calendar_time() {
    let t = |secs| Time::from_unix(secs).unwrap().to_string();
    assert_eq!(t(0), "1970-01-01 00:00:00");
    assert_eq!(t(951_782_400), "2000-02-29 00:00:00");
    assert_eq!(t(1_796_294_399), "2026-12-03 10:39:59");
    assert_eq!(t(4_107_542_399), "2100-02-28 23:59:59");
    assert_eq!(t(4_107_542_400), "2100-03-01 00:00:00");
    assert_eq!(t(253_402_300_799), "9999-12-31 23:59:59");
}

#[test]
fn unix_times_to_calendar() {
    let t = |s| Time::from_unix(s).unwrap();
    assert_eq!(t(0), Time { year: 1970, mon: 1, day: 1, hour: 0, min: 0, sec: 0 });
    assert_eq!(t(-1), Time { year: 1969, mon: 12, day: 31, hour: 23, min: 59, sec: 59 });
    assert_eq!(t(951_782_400), Time { year: 2000, mon: 2, day: 29, hour: 0, min: 0, sec: 0 });
    assert_eq!(t(4_107_542_399), Time { year: 2100, mon: 2, day: 28, hour: 23, min: 59, sec: 59 });
    assert_eq!(Time::from_unix(i64::MAX), None);
    // Against the C library's gmtime_r over a spread of times.
    for i in -200i64..200 {
        let secs = i * 987_654_321 + 12_345;
        // SAFETY: `tm` is a local the call fills; `secs` is a valid time_t.
        let tm = unsafe {
            let mut tm: libc::tm = core::mem::zeroed();
            let tt: libc::time_t = secs;
            assert!(!libc::gmtime_r(&tt, &mut tm).is_null());
            tm
        };
        let want = Time {
            year: tm.tm_year + 1900,
            mon: tm.tm_mon + 1,
            day: tm.tm_mday,
            hour: tm.tm_hour,
            min: tm.tm_min,
            sec: tm.tm_sec,
        };
        assert_eq!(t(secs), want, "{secs}");
    }
    let now = Time::now().unwrap();
    assert!(now.year >= 2025);
    // mbedtls_x509_time_cmp: the packed differences.
    let a = Time { year: 2026, mon: 1, day: 2, hour: 3, min: 4, sec: 5 };
    assert_eq!(a.cmp_mbedtls(&a), 0);
    assert_eq!(a.cmp_mbedtls(&Time { day: 3, ..a }), -1);
    assert_eq!(Time { year: 2027, ..a }.cmp_mbedtls(&a), 512);
    assert_eq!(a.cmp_mbedtls(&Time { sec: 6, ..a }), -1);
    assert_eq!(Time { hour: 4, ..a }.cmp_mbedtls(&a), 4096);
    assert!(Time::default().cmp_mbedtls(&now) < 0);
}

#[test]
fn name_comparison_and_dn_limits() {
    let attr = |oid: &[u8], tag: u8, value: &[u8]| NameAttribute {
        oid: oid.to_vec(),
        tag,
        value: value.to_vec(),
        merged_with_next: false,
    };
    let cn = [0x55, 0x04, 0x03];
    let a = [attr(&cn, der::PRINTABLE_STRING, b"Test CA")];
    assert!(name::names_equal(&a, &[attr(&cn, der::UTF8_STRING, b"test ca")]));
    assert!(!name::names_equal(&a, &[attr(&cn, der::IA5_STRING, b"Test CA")]));
    assert!(name::names_equal(&[attr(&cn, der::IA5_STRING, b"x")], &[attr(&cn, der::IA5_STRING, b"x")]));
    assert!(!name::names_equal(&a, &[attr(&[0x55, 0x04, 0x0A], der::PRINTABLE_STRING, b"Test CA")]));
    assert!(!name::names_equal(&a, &[]));
    let merged = [NameAttribute { merged_with_next: true, ..a[0].clone() }, a[0].clone()];
    assert!(!name::names_equal(&merged, &[a[0].clone(), a[0].clone()]));
    assert_eq!(name::dn_text(&merged).unwrap(), "CN=Test CA + CN=Test CA");
    // Mbed TLS's refusals: a NUL byte, a value longer than 255 characters.
    assert_eq!(name::dn_text(&[attr(&cn, der::UTF8_STRING, b"a\0b")]), Err(Error::X509InvalidName));
    assert_eq!(name::dn_string(&[attr(&cn, der::UTF8_STRING, b"a\0b")]), "CN=a\\00b");
    assert!(name::dn_text(&[attr(&cn, der::UTF8_STRING, &[b'x'; 255])]).is_ok());
    assert_eq!(name::dn_text(&[attr(&cn, der::UTF8_STRING, &[b'x'; 256])]), Err(Error::X509BufferTooSmall));
}

#[test]
fn usage_checks_and_callback_extensions() {
    use extensions::key_usage::*;
    assert!(key_usage_allows(None, CRL_SIGN));
    assert!(key_usage_allows(Some(KEY_CERT_SIGN | CRL_SIGN), CRL_SIGN));
    assert!(!key_usage_allows(Some(KEY_CERT_SIGN), CRL_SIGN));
    assert!(key_usage_allows(Some(KEY_AGREEMENT | ENCIPHER_ONLY), KEY_AGREEMENT | ENCIPHER_ONLY));
    // encipherOnly set in the certificate but not asked for.
    assert!(!key_usage_allows(Some(KEY_AGREEMENT | ENCIPHER_ONLY), KEY_AGREEMENT));
    assert!(key_usage_allows(Some(KEY_AGREEMENT), KEY_AGREEMENT | DECIPHER_ONLY));
    let (server_auth, client_auth) = ("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    let eku = vec![server_auth.to_string()];
    assert!(ext_key_usage_allows(Some(&eku), server_auth));
    assert!(!ext_key_usage_allows(Some(&eku), client_auth));
    assert!(ext_key_usage_allows(None, client_auth));
    assert!(ext_key_usage_allows(Some(&["2.5.29.37.0".to_string()]), client_auth));
    assert!(!ext_key_usage_allows(Some(&eku), ""));

    // The CA's extensions are all known: nothing left to a callback.
    let ca = Certificate::from_der_for_callback(&read("ca.der")).unwrap();
    assert!(ca.extensions().unhandled.is_empty());
    // An unknown critical extension fails a plain parse; for a callback it is recorded, with
    // the unknown non-critical one and the unsupported policy, in certificate order.
    let pem = read("custom-ext.crt");
    assert_eq!(parse_chain(&pem).result().err(), Some(Error::X509InvalidExtensions));
    let der = pem::labelled_blocks(&pem).remove(0).1.unwrap().der;
    let cert = Certificate::from_der_for_callback(&der).unwrap();
    let seen: Vec<(String, bool, bool, Vec<u8>)> = cert
        .extensions()
        .unhandled
        .iter()
        .map(|u| (oid::to_dotted(cert.bytes(u.oid)).unwrap(), u.critical, u.policies, cert.bytes(u.value).to_vec()))
        .collect();
    assert_eq!(
        seen,
        [
            ("1.2.3.4".to_string(), true, false, b"\x0c\x05hello".to_vec()),
            ("1.2.3.5".to_string(), false, false, vec![0x02, 0x01, 0x07]),
            ("2.5.29.32".to_string(), false, true, cert.bytes(cert.extensions().unhandled[2].value).to_vec()),
        ]
    );
    assert_eq!(cert.extensions().certificate_policies.as_deref(), Some(&["1.2.3.6".to_string()][..]));
}
