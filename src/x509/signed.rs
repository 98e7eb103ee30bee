//! Checking the signature of a signed X.509 object (certificate, CRL) with its issuer's public
//! key, through the provider's signature verification algorithms (the same list webpki uses for
//! chains: ECDSA P-256/384/521, Ed25519, RSA PKCS#1 v1.5 and PSS with SHA-2, RSA keys of 2048 to
//! 8192 bits).

use rustls::pki_types::SignatureVerificationAlgorithm;

use crate::der::{self, Reader};
use crate::error::Error;

/// The outcome of a signature check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureCheck {
    /// The key verifies the signature.
    Valid,
    /// The key does not verify the signature (or the key is malformed).
    Invalid,
    /// The provider has no algorithm for this pair of key and signature algorithm (SHA-1 or
    /// MD5 signatures, RSA keys under 2048 bits, keys of another type than the signature's).
    Unsupported,
}

/// Checks `signature` over `message`, made with the algorithm whose AlgorithmIdentifier contents
/// are `sig_alg_id`, against the key of the DER SubjectPublicKeyInfo `spki`.
pub(crate) fn check_signature(sig_alg_id: &[u8], message: &[u8], signature: &[u8], spki: &[u8]) -> SignatureCheck {
    let Some((key_alg_id, key)) = split_spki(spki) else {
        return SignatureCheck::Invalid;
    };
    let algorithms: &[&dyn SignatureVerificationAlgorithm] = rustls_aws_lc_rs::ALL_VERIFICATION_ALGS;
    let Some(alg) = algorithms
        .iter()
        .find(|a| a.signature_alg_id().as_ref() == sig_alg_id && a.public_key_alg_id().as_ref() == key_alg_id)
    else {
        return SignatureCheck::Unsupported;
    };
    match alg.verify_signature(key, message, signature) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid,
    }
}

/// The AlgorithmIdentifier contents and the key bits of a SubjectPublicKeyInfo.
fn split_spki(spki: &[u8]) -> Option<(&[u8], &[u8])> {
    let err = Error::PkKeyInvalidFormat;
    let outer = der::single(spki, der::SEQUENCE, err).ok()?;
    let mut r: Reader<'_> = outer.reader();
    let alg = r.read(der::SEQUENCE, err).ok()?;
    let key = r.read(der::BIT_STRING, err).ok()?;
    r.finish(err).ok()?;
    Some((alg.value, der::whole_bytes(key.value)?))
}
