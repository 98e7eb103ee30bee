//! What a key does (`mbedtls_pk_sign`, `_verify`, `_encrypt`, `_decrypt`, `_check_pair`) and how
//! it is written back out (`mbedtls_pk_write_*`), on aws-lc.
//!
//! Mbed TLS signs and verifies a hash the caller computed; aws-lc-rs takes such a digest only
//! with the hash its algorithm names. ECDSA uses the hash only as a number cut to the size of
//! the curve, so any hash becomes the curve's "own" digest by dropping the bytes past the
//! curve's size or by putting zero bytes in front — the same number, the same signature. RSA
//! PKCS#1 v1.5 and PSS name the hash inside the signature, so only the hashes aws-lc-rs offers
//! work there.

use aws_lc_rs::digest::{self as lc_digest, Digest};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey};
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, KeyPair as _, ParsedPublicKey, RsaKeyPair};
use rustls::pki_types::PrivateKeyDer;
use zeroize::Zeroizing;

use crate::der;
use crate::digest::Algorithm;
use crate::error::{Error, OpError};
use crate::pk::{KeyKind, PrivateKey, PublicKey};

/// The RSA signature scheme of `mbedtls_pk_sign_ext` / `_verify_ext`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RsaScheme {
    Pkcs1v15,
    Pss,
}

/// `None` is `MBEDTLS_MD_NONE` (raw data).
pub(crate) type HashAlg = Option<Algorithm>;

fn lc_algorithm(md: Algorithm) -> &'static lc_digest::Algorithm {
    match md {
        Algorithm::Sha1 => &lc_digest::SHA1_FOR_LEGACY_USE_ONLY,
        Algorithm::Sha224 => &lc_digest::SHA224,
        Algorithm::Sha256 => &lc_digest::SHA256,
        Algorithm::Sha384 => &lc_digest::SHA384,
        Algorithm::Sha512 => &lc_digest::SHA512,
    }
}

/// The curve's own digest for ECDSA (see the module documentation).
fn ecdsa_digest(bits: usize, hash: &[u8]) -> Result<Digest, Error> {
    let (len, alg) = match bits {
        256 => (32, &lc_digest::SHA256),
        384 => (48, &lc_digest::SHA384),
        521 => (64, &lc_digest::SHA512),
        _ => return Err(Error::PkFeatureUnavailable),
    };
    if bits == 521 && hash.len() > len {
        // Would need cutting at 521 bits, which no 64-byte digest expresses.
        return Err(Error::PkFeatureUnavailable);
    }
    let mut number = vec![0u8; len];
    let used = hash.len().min(len);
    number[len - used..].copy_from_slice(&hash[..used]);
    Digest::import_less_safe(&number, alg).map_err(|_| Error::PkFeatureUnavailable)
}

/// The RSA signature size in bytes of a key of `bits`.
fn rsa_len(bits: usize) -> usize {
    bits.div_ceil(8)
}

/// Checks the hash length against the hash (Mbed TLS's RSA functions do) and imports it.
fn rsa_digest(md: HashAlg, hash: &[u8]) -> Result<Digest, Error> {
    let md = md.ok_or(Error::PkFeatureUnavailable)?;
    if hash.len() != md.output_len() {
        return Err(Error::RsaBadInputData);
    }
    Digest::import_less_safe(hash, lc_algorithm(md)).map_err(|_| Error::RsaBadInputData)
}

/// PKCS#8 wrapping of a PKCS#1 RSAPrivateKey, for the aws-lc-rs constructors that take only PKCS#8.
fn rsa_pkcs8(key: &PrivateKey) -> Zeroizing<Vec<u8>> {
    match key.key_der() {
        PrivateKeyDer::Pkcs1(k) => {
            let inner = der::tlv(der::OCTET_STRING, k.secret_pkcs1_der());
            Zeroizing::new(der::tlv(der::SEQUENCE, &[&[2, 1, 0][..], crate::pk::RSA_ALGORITHM, &inner].concat()))
        }
        other => Zeroizing::new(other.secret_der().to_vec()),
    }
}

fn ecdsa_signing(bits: usize) -> Result<&'static sig::EcdsaSigningAlgorithm, Error> {
    Ok(match bits {
        256 => &sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        384 => &sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        521 => &sig::ECDSA_P521_SHA512_ASN1_SIGNING,
        _ => return Err(Error::PkFeatureUnavailable),
    })
}

fn ecdsa_key(key: &PrivateKey, bits: usize) -> Result<EcdsaKeyPair, Error> {
    EcdsaKeyPair::from_private_key_der(ecdsa_signing(bits)?, key.key_der().secret_der())
        .map_err(|_| Error::EcpInvalidKey)
}

fn rsa_key(key: &PrivateKey) -> Result<RsaKeyPair, Error> {
    match key.key_der() {
        PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
        other => RsaKeyPair::from_pkcs8(other.secret_der()),
    }
    .map_err(|_| Error::RsaBadInputData)
}

/// Signs `hash` (`mbedtls_pk_sign` / `_sign_ext`): an ECDSA signature in DER, or an RSA
/// signature of the modulus's size. `size` is the caller's buffer size.
pub(crate) fn sign(
    key: &PrivateKey,
    md: HashAlg,
    hash: &[u8],
    scheme: RsaScheme,
    size: usize,
) -> Result<Vec<u8>, Error> {
    match key.kind() {
        KeyKind::Rsa { bits } => {
            if size < rsa_len(bits) {
                return Err(Error::PkBufferTooSmall);
            }
            let digest = rsa_digest(md, hash)?;
            let padding: &'static dyn sig::RsaEncoding = match (scheme, md) {
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha256)) => &sig::RSA_PKCS1_SHA256,
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha384)) => &sig::RSA_PKCS1_SHA384,
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha512)) => &sig::RSA_PKCS1_SHA512,
                (RsaScheme::Pss, Some(Algorithm::Sha256)) => &sig::RSA_PSS_SHA256,
                (RsaScheme::Pss, Some(Algorithm::Sha384)) => &sig::RSA_PSS_SHA384,
                (RsaScheme::Pss, Some(Algorithm::Sha512)) => &sig::RSA_PSS_SHA512,
                _ => return Err(Error::PkFeatureUnavailable),
            };
            let pair = rsa_key(key)?;
            let mut out = vec![0u8; pair.public_modulus_len()];
            pair.sign_digest(padding, &digest, &mut out).map_err(|_| Error::RsaPrivateFailed)?;
            Ok(out)
        }
        KeyKind::Ec { bits, .. } => {
            if scheme == RsaScheme::Pss {
                return Err(Error::PkTypeMismatch);
            }
            let digest = ecdsa_digest(bits, hash)?;
            let signature = ecdsa_key(key, bits)?.sign_digest(&digest).map_err(|_| Error::EcpInvalidKey)?;
            if signature.as_ref().len() > size {
                return Err(Error::EcpBufferTooSmall);
            }
            Ok(signature.as_ref().to_vec())
        }
        KeyKind::Ed25519 | KeyKind::Other => Err(Error::PkTypeMismatch),
    }
}

/// Verifies `signature` over `hash` with the public key (`mbedtls_pk_verify` / `_verify_ext`),
/// with Mbed TLS's codes: `RsaVerifyFailed` / `EcpVerifyFailed`, `PkSigLenMismatch` for a valid
/// signature followed by more bytes.
pub(crate) fn verify(
    key: &PublicKey,
    md: HashAlg,
    hash: &[u8],
    signature: &[u8],
    scheme: RsaScheme,
) -> Result<(), OpError> {
    match key.kind() {
        KeyKind::Rsa { bits } => {
            let len = rsa_len(bits);
            if signature.len() < len {
                return Err(Error::RsaVerifyFailed.into());
            }
            let digest = rsa_digest(md, hash)?;
            let alg: &'static dyn sig::VerificationAlgorithm = match (scheme, md) {
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha1)) => &sig::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha256)) => &sig::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha384)) => &sig::RSA_PKCS1_2048_8192_SHA384,
                (RsaScheme::Pkcs1v15, Some(Algorithm::Sha512)) => &sig::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
                (RsaScheme::Pss, Some(Algorithm::Sha256)) => &sig::RSA_PSS_2048_8192_SHA256,
                (RsaScheme::Pss, Some(Algorithm::Sha384)) => &sig::RSA_PSS_2048_8192_SHA384,
                (RsaScheme::Pss, Some(Algorithm::Sha512)) => &sig::RSA_PSS_2048_8192_SHA512,
                _ => return Err(Error::PkFeatureUnavailable.into()),
            };
            let parsed = ParsedPublicKey::new(alg, key.spki_der()).map_err(|_| Error::PkInvalidPubkey)?;
            parsed.verify_digest_sig(&digest, &signature[..len]).map_err(|_| Error::RsaVerifyFailed)?;
            if signature.len() > len {
                return Err(Error::PkSigLenMismatch.into());
            }
            Ok(())
        }
        KeyKind::Ec { bits, .. } => {
            let size = bits.div_ceil(8);
            let (fixed, complete) = ecdsa_fixed(signature, size)?;
            let alg: &'static dyn sig::VerificationAlgorithm = match bits {
                256 => &sig::ECDSA_P256_SHA256_FIXED,
                384 => &sig::ECDSA_P384_SHA384_FIXED,
                521 => &sig::ECDSA_P521_SHA512_FIXED,
                _ => return Err(Error::PkFeatureUnavailable.into()),
            };
            let digest = ecdsa_digest(bits, hash)?;
            let parsed = ParsedPublicKey::new(alg, key.spki_der()).map_err(|_| Error::PkInvalidPubkey)?;
            parsed.verify_digest_sig(&digest, &fixed).map_err(|_| Error::EcpVerifyFailed)?;
            if !complete {
                return Err(Error::PkSigLenMismatch.into());
            }
            Ok(())
        }
        KeyKind::Ed25519 | KeyKind::Other => Err(Error::PkTypeMismatch.into()),
    }
}

/// `mbedtls_asn1_get_tag`: the contents of a `tag` element at `input[*pos..]`, as Mbed TLS
/// reads it (definite lengths of up to four bytes, not necessarily minimal).
fn asn1_get(input: &[u8], pos: &mut usize, tag: u8) -> Result<(usize, usize), Error> {
    let rest = &input[*pos..];
    match rest.first() {
        None => return Err(Error::Asn1OutOfData),
        Some(&t) if t != tag => return Err(Error::Asn1UnexpectedTag),
        _ => {}
    }
    let (len, header) = match rest.get(1) {
        None => return Err(Error::Asn1OutOfData),
        Some(&l) if l < 0x80 => (l as usize, 2),
        Some(&l) if (0x81..=0x84).contains(&l) => {
            let n = (l & 0x7F) as usize;
            let bytes = rest.get(2..2 + n).ok_or(Error::Asn1OutOfData)?;
            (bytes.iter().fold(0usize, |acc, &b| acc << 8 | b as usize), 2 + n)
        }
        Some(_) => return Err(Error::Asn1InvalidLength),
    };
    if len > rest.len() - header {
        return Err(Error::Asn1OutOfData);
    }
    *pos += header;
    let start = *pos;
    *pos += len;
    Ok((start, len))
}

/// Reads an ECDSA signature as `mbedtls_ecdsa_read_signature` does and returns `r || s` in
/// fixed size, and whether the SEQUENCE held nothing after `s`.
fn ecdsa_fixed(signature: &[u8], size: usize) -> Result<(Vec<u8>, bool), OpError> {
    let asn1 = |e: Error| OpError::Sum(Error::EcpBadInputData, e);
    let mut pos = 0;
    let (start, len) = asn1_get(signature, &mut pos, der::SEQUENCE).map_err(asn1)?;
    if start + len != signature.len() {
        return Err(asn1(Error::Asn1LengthMismatch));
    }
    let inner = &signature[..start + len];
    pos = start;
    let mut fixed = vec![0u8; 2 * size];
    for half in fixed.chunks_mut(size) {
        let (s, l) = asn1_get(inner, &mut pos, der::INTEGER).map_err(asn1)?;
        let value = &inner[s..s + l];
        let value = &value[value.iter().take_while(|&&b| b == 0).count()..];
        if value.len() > size {
            // Not below the group order: no valid signature.
            return Err(Error::EcpVerifyFailed.into());
        }
        half[size - value.len()..].copy_from_slice(value);
    }
    Ok((fixed, pos == inner.len()))
}

/// RSA PKCS#1 v1.5 encryption (`mbedtls_pk_encrypt`), `size` the caller's buffer size.
pub(crate) fn encrypt(key: &PublicKey, input: &[u8], size: usize) -> Result<Vec<u8>, Error> {
    let KeyKind::Rsa { bits } = key.kind() else {
        return Err(Error::PkTypeMismatch);
    };
    let len = rsa_len(bits);
    if len > size {
        return Err(Error::RsaOutputTooLarge);
    }
    if input.len() + 11 > len {
        return Err(Error::RsaBadInputData);
    }
    let public = PublicEncryptingKey::from_der(key.spki_der()).map_err(|_| Error::RsaBadInputData)?;
    let encrypting = Pkcs1PublicEncryptingKey::new(public).map_err(|_| Error::RsaBadInputData)?;
    let mut out = vec![0u8; encrypting.ciphertext_size()];
    let written = encrypting.encrypt(input, &mut out).map_err(|_| Error::RsaBadInputData)?.len();
    out.truncate(written);
    Ok(out)
}

/// RSA PKCS#1 v1.5 decryption (`mbedtls_pk_decrypt`), `size` the caller's buffer size.
pub(crate) fn decrypt(key: &PrivateKey, input: &[u8], size: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let KeyKind::Rsa { bits } = key.kind() else {
        return Err(Error::PkTypeMismatch);
    };
    if input.len() != rsa_len(bits) {
        return Err(Error::RsaBadInputData);
    }
    let private = PrivateDecryptingKey::from_pkcs8(&rsa_pkcs8(key)).map_err(|_| Error::RsaBadInputData)?;
    let decrypting = Pkcs1PrivateDecryptingKey::new(private).map_err(|_| Error::RsaBadInputData)?;
    let mut out = Zeroizing::new(vec![0u8; decrypting.min_output_size()]);
    let plain = decrypting.decrypt(input, &mut out).map_err(|_| Error::RsaInvalidPadding)?.len();
    if plain > size {
        return Err(Error::RsaOutputTooLarge);
    }
    out.truncate(plain);
    Ok(out)
}

/// The public half of a private key, as a SubjectPublicKeyInfo.
pub(crate) fn public_of(key: &PrivateKey) -> Result<PublicKey, Error> {
    let spki = match key.kind() {
        KeyKind::Rsa { .. } => rsa_key(key)?.public_key().as_der().map(|d| d.as_ref().to_vec()),
        KeyKind::Ec { bits, .. } => ecdsa_key(key, bits)?.public_key().as_der().map(|d| d.as_ref().to_vec()),
        KeyKind::Ed25519 | KeyKind::Other => return Err(Error::PkFeatureUnavailable),
    }
    .map_err(|_| Error::PkFeatureUnavailable)?;
    PublicKey::from_spki(&spki)
}

/// `mbedtls_pk_check_pair`: whether `public` is the public half of `private`; Mbed TLS's codes
/// for a mismatch (`RsaKeyCheckFailed`, `EcpBadInputData`) and `PkTypeMismatch` for keys of
/// different types.
pub(crate) fn check_pair(public: &PublicKey, private: &PrivateKey) -> Result<(), Error> {
    let mismatch = match (public.kind(), private.kind()) {
        (KeyKind::Rsa { .. }, KeyKind::Rsa { .. }) => Error::RsaKeyCheckFailed,
        (KeyKind::Ec { .. }, KeyKind::Ec { .. }) => Error::EcpBadInputData,
        (KeyKind::Ed25519, KeyKind::Ed25519) => return Err(Error::PkFeatureUnavailable),
        _ => return Err(Error::PkTypeMismatch),
    };
    let derived = public_of(private)?;
    if derived.spki_der() != public.spki_der() {
        return Err(mismatch);
    }
    Ok(())
}

/// The private key in the form `mbedtls_pk_write_key_der` writes: PKCS#1 `RSAPrivateKey` for RSA,
/// SEC1 `ECPrivateKey` (with the curve and the public key) for EC; with its PEM label.
pub(crate) fn private_der(key: &PrivateKey) -> Result<(Zeroizing<Vec<u8>>, &'static str), Error> {
    match key.kind() {
        KeyKind::Rsa { .. } => {
            let pkcs1 = match key.key_der() {
                PrivateKeyDer::Pkcs1(k) => k.secret_pkcs1_der().to_vec(),
                other => crate::pk::pkcs8_private_octets(other.secret_der())?,
            };
            Ok((Zeroizing::new(pkcs1), "RSA PRIVATE KEY"))
        }
        KeyKind::Ec { bits, .. } => {
            let sec1 = ecdsa_key(key, bits)?.private_key().as_der().map_err(|_| Error::PkFeatureUnavailable)?;
            Ok((Zeroizing::new(sec1.as_ref().to_vec()), "EC PRIVATE KEY"))
        }
        KeyKind::Ed25519 | KeyKind::Other => Err(Error::PkFeatureUnavailable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::read_cert as read;

    fn private(name: &str) -> PrivateKey {
        PrivateKey::parse(&read(name), None).unwrap()
    }

    #[test]
    fn sign_and_verify_every_hash() {
        for name in ["server-ec.key", "server-rsa.key", "server-rsa.pkcs1.key"] {
            let key = private(name);
            let public = public_of(&key).unwrap();
            for md in [Algorithm::Sha1, Algorithm::Sha224, Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha512] {
                let mut hash = vec![0u8; md.output_len()];
                crate::digest::hash(md, b"abc", &mut hash);
                let signed = sign(&key, Some(md), &hash, RsaScheme::Pkcs1v15, 1024);
                let is_rsa = matches!(key.kind(), KeyKind::Rsa { .. });
                if is_rsa && matches!(md, Algorithm::Sha1 | Algorithm::Sha224) {
                    assert_eq!(signed.unwrap_err(), Error::PkFeatureUnavailable);
                    continue;
                }
                let s = signed.unwrap();
                assert_eq!(verify(&public, Some(md), &hash, &s, RsaScheme::Pkcs1v15), Ok(()), "{name} {md:?}");
                let mut bad = hash.clone();
                bad[0] ^= 1;
                let expected = if is_rsa { Error::RsaVerifyFailed } else { Error::EcpVerifyFailed };
                assert_eq!(verify(&public, Some(md), &bad, &s, RsaScheme::Pkcs1v15), Err(expected.into()));
                let mut longer = s.clone();
                longer.push(0);
                let long_result = verify(&public, Some(md), &hash, &longer, RsaScheme::Pkcs1v15);
                if is_rsa {
                    assert_eq!(long_result, Err(Error::PkSigLenMismatch.into()));
                } else {
                    assert_eq!(long_result, Err(OpError::Sum(Error::EcpBadInputData, Error::Asn1LengthMismatch)));
                }
            }
        }
    }

    #[test]
    fn rsa_encryption_round_trip_and_errors() {
        let key = private("server-rsa.key");
        let public = public_of(&key).unwrap();
        let c = encrypt(&public, b"secret", 256).unwrap();
        assert_eq!(c.len(), 256);
        assert_eq!(&decrypt(&key, &c, 6).unwrap()[..], b"secret");
        assert_eq!(decrypt(&key, &c, 5).unwrap_err(), Error::RsaOutputTooLarge);
        assert_eq!(decrypt(&key, &c[1..], 256).unwrap_err(), Error::RsaBadInputData);
        assert_eq!(decrypt(&key, &[0u8; 256], 256).unwrap_err(), Error::RsaInvalidPadding);
        assert_eq!(encrypt(&public, &[0u8; 246], 256).unwrap_err(), Error::RsaBadInputData);
        assert_eq!(encrypt(&public, b"x", 255).unwrap_err(), Error::RsaOutputTooLarge);
        let ec = private("server-ec.key");
        assert_eq!(encrypt(&public_of(&ec).unwrap(), b"x", 256).unwrap_err(), Error::PkTypeMismatch);
    }

    #[test]
    fn pairs() {
        let rsa = private("server-rsa.key");
        let ec = private("server-ec.key");
        let ca = private("ca.key");
        assert_eq!(check_pair(&public_of(&rsa).unwrap(), &rsa), Ok(()));
        assert_eq!(check_pair(&public_of(&ec).unwrap(), &ec), Ok(()));
        assert_eq!(check_pair(&public_of(&ca).unwrap(), &rsa), Err(Error::RsaKeyCheckFailed));
        assert_eq!(check_pair(&public_of(&ec).unwrap(), &rsa), Err(Error::PkTypeMismatch));
    }

    #[test]
    fn malformed_ecdsa_signatures() {
        let public = public_of(&private("server-ec.key")).unwrap();
        let hash = [7u8; 32];
        let v = |s: &[u8]| verify(&public, Some(Algorithm::Sha256), &hash, s, RsaScheme::Pkcs1v15);
        let sum = |e| Err(OpError::Sum(Error::EcpBadInputData, e));
        assert_eq!(v(b""), sum(Error::Asn1OutOfData));
        assert_eq!(v(b"\x31\x00"), sum(Error::Asn1UnexpectedTag));
        assert_eq!(v(b"\x30\x85"), sum(Error::Asn1InvalidLength));
        assert_eq!(v(b"\x30\x05\x02\x01"), sum(Error::Asn1OutOfData));
        assert_eq!(v(b"\x30\x00"), sum(Error::Asn1OutOfData));
        assert_eq!(v(b"\x30\x06\x02\x01\x01\x02\x01\x01"), Err(Error::EcpVerifyFailed.into()));
    }
}
