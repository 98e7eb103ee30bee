//! Certificate parsing (`src/x509/certificate.rs`, behind `mbedtls_x509_crt_parse_der`) on
//! arbitrary DER, and what programs derive from a parsed certificate: the texts of
//! `mbedtls_x509_crt_info`, `mbedtls_x509_dn_gets` and `mbedtls_x509_serial_gets`, and the
//! signature check of the chain builder (with the certificate's own key and the test CA's).
//!
//! Invariants: no panic; a parsed certificate is a prefix of the input (bytes after it are
//! ignored, as Mbed TLS does), parses again from its own DER to the same fields, is accepted
//! by the extension-callback parser too, and comes back unchanged from PEM
//! (`mbedtls_x509_crt_parse` of the PEM writer's text).

use crate::pem;
use crate::x509::{Certificate, dn_text, info, parse_chain, serial_string};

pub fn run(data: &[u8]) {
    let Ok(cert) = Certificate::from_der(data) else {
        let _ = Certificate::from_der_for_callback(data);
        return;
    };
    let der = cert.der();
    assert!(data.starts_with(der), "the certificate is not a prefix of the input");
    let text = info(&cert, "  ");
    let _ = dn_text(cert.subject());
    let _ = dn_text(cert.issuer());
    let _ = serial_string(cert.bytes(cert.serial()));
    let _ = (cert.is_ca(), cert.subject_alt_names().len(), cert.key_kind());
    for span in [cert.tbs(), cert.sig_oid(), cert.issuer_raw(), cert.subject_raw(), cert.signature()] {
        let _ = cert.bytes(span);
    }
    let _ = cert.signature_check(cert.bytes(cert.pk_raw()));
    let _ = cert.signature_check(super::ca_spki());

    let again = Certificate::from_der(der).expect("a certificate parses from its own DER");
    assert_eq!(info(&again, "  "), text);
    let with_callback = Certificate::from_der_for_callback(der).expect("the extension-callback parser refuses it");
    assert_eq!(with_callback.der(), der);

    let text = pem::encode(b"-----BEGIN CERTIFICATE-----\n", b"-----END CERTIFICATE-----\n", der);
    let chain = parse_chain(&text);
    assert_eq!(chain.result(), Ok(0));
    assert_eq!(chain.certs.len(), 1);
    assert_eq!(chain.certs[0].der(), der);
}
