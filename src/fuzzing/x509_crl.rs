//! CRL parsing (`src/x509/crl.rs`): one DER CRL (`mbedtls_x509_crl_parse_der`) and the
//! PEM-or-DER list parser (`mbedtls_x509_crl_parse`), with what programs derive from a CRL:
//! `mbedtls_x509_crl_info`'s text, the issuer name, the revocation lookup and the signature
//! check against the test CA.
//!
//! Invariants: no panic; a parsed CRL is the whole input, its revoked serial numbers are found
//! by the lookup, and it comes back unchanged from PEM; every CRL of a successful list parse
//! parses again from its own DER.

use crate::pem;
use crate::x509::{Crl, crl_info, dn_text, parse_crls};

pub fn run(data: &[u8]) {
    let list = parse_crls(data);
    if list.result.is_ok() {
        assert!(!list.crls.is_empty(), "a successful parse without a CRL");
    }
    for crl in &list.crls {
        let again = Crl::from_der(crl.der()).expect("a CRL parses from its own DER");
        assert_eq!(crl_info(&again, ""), crl_info(crl, ""));
    }

    let Ok(crl) = Crl::from_der(data) else { return };
    assert_eq!(crl.der(), data);
    let _ = crl_info(&crl, "  ");
    let _ = dn_text(crl.issuer());
    let _ = (crl.version(), crl.next_update(), crl.crl_ext().map(|span| crl.bytes(span)));
    for span in [crl.tbs(), crl.sig_oid(), crl.sig_oid2(), crl.issuer_raw(), crl.signature()] {
        let _ = crl.bytes(span);
    }
    // The lookup reads the entries up to the first with an empty serial number.
    for entry in crl.entries().iter().take_while(|e| e.serial.len != 0) {
        assert!(crl.is_revoked(crl.bytes(entry.serial)));
        let _ = (crl.bytes(entry.raw), entry.entry_ext.map(|span| crl.bytes(span)));
    }
    let _ = crl.signature_check(super::ca_spki());

    let text = pem::encode(b"-----BEGIN X509 CRL-----\n", b"-----END X509 CRL-----\n", crl.der());
    let parsed = parse_crls(&text);
    assert_eq!(parsed.result, Ok(()));
    assert_eq!(parsed.crls.len(), 1);
    assert_eq!(parsed.crls[0].der(), data);
}
