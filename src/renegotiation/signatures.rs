//! Signatures in renegotiation handshakes, which rustls does not run: checking the peer's
//! (ServerKeyExchange, CertificateVerify) with webpki and the provider's verification
//! algorithms, and which of the client's offered schemes a suite's authentication allows.

use rustls::Tls12CipherSuite;
use rustls::crypto::SignatureScheme;
use rustls::pki_types::CertificateDer;

/// Verifies a TLS 1.2 handshake signature with the public key of `cert` (webpki, through the
/// provider's verification algorithms).
pub(super) fn verify_signature(
    cert: &CertificateDer<'_>,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Ok(ee) = webpki::EndEntityCert::try_from(cert) else { return false };
    rustls_aws_lc_rs::SUPPORTED_SIG_ALGS
        .mapping()
        .iter()
        .filter(|(s, _)| *s == scheme)
        .flat_map(|(_, algs)| algs.iter())
        .any(|alg| ee.verify_signature(*alg, message, signature).is_ok())
}

/// The key family of a signature scheme: RSA (PKCS#1 and PSS), ECDSA or EdDSA.
fn key_family(scheme: SignatureScheme) -> u8 {
    match scheme.0 {
        0x0804..=0x0806 | 0x0809..=0x080b => 1,
        0x0807 | 0x0808 => 7,
        s => (s & 0xff) as u8,
    }
}

/// Whether a signature scheme fits a TLS 1.2 suite's authentication (ECDSA or RSA).
pub(super) fn scheme_fits(suite: &Tls12CipherSuite, scheme: SignatureScheme) -> bool {
    suite.sign.iter().any(|s| key_family(*s) == key_family(scheme))
}
