//! Keys: private keys for the TLS layer (PKCS#8, PKCS#1, SEC1, PKCS#8 PBES2-encrypted; PEM or
//! DER) and public keys from certificates or `PUBLIC KEY` files.
//!
//! Parsing identifies the key and its size; aws-lc (through the rustls provider) then has to
//! accept the private key, so a key that loads here is a key the TLS layer can sign with.
//! Decryption of encrypted PKCS#8 uses aws-lc's PBKDF2 and AES-CBC; no cryptography is
//! written here.

use core::ffi::CStr;
use core::num::NonZeroU32;

use aws_lc_rs::cipher::{AES_128, AES_192, AES_256, DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::pbkdf2;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use zeroize::Zeroizing;

use crate::der::{self, Reader, Tlv};
use crate::error::Error;
use crate::oid;
use crate::pem;

/// What a key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyKind {
    /// RSA, with the modulus size in bits.
    Rsa { bits: usize },
    /// An elliptic-curve key (ECDSA or ECDH), with Mbed TLS's curve name (`secp256r1`, ...).
    Ec { curve: &'static str, bits: usize },
    /// Ed25519.
    Ed25519,
    /// A public key of another known algorithm (Ed448): can be shown, not used.
    Other,
}

impl KeyKind {
    /// The name `mbedtls_pk_get_name` returns: `RSA`, `EC`, and for the kinds Mbed TLS 3.6
    /// lacks, `Ed25519` / `unknown`. A C string, so that the C layer can hand it out as is.
    pub(crate) fn c_name(self) -> &'static CStr {
        match self {
            KeyKind::Rsa { .. } => c"RSA",
            KeyKind::Ec { .. } => c"EC",
            KeyKind::Ed25519 => c"Ed25519",
            KeyKind::Other => c"unknown",
        }
    }

    /// [`KeyKind::c_name`] as text.
    pub(crate) fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or_default()
    }

    /// Key size in bits (`mbedtls_pk_get_bitlen`): the modulus for RSA, the curve's size for EC,
    /// 255 for Ed25519, 0 for `Other`.
    pub(crate) fn bits(self) -> usize {
        match self {
            KeyKind::Rsa { bits } | KeyKind::Ec { bits, .. } => bits,
            KeyKind::Ed25519 => 255,
            KeyKind::Other => 0,
        }
    }
}

/// Named curves: dotted OID, Mbed TLS name, bits, and whether the TLS layer can sign with it.
const CURVES: &[(&str, &str, usize, bool)] = &[
    ("1.2.840.10045.3.1.7", "secp256r1", 256, true),
    ("1.3.132.0.34", "secp384r1", 384, true),
    ("1.3.132.0.35", "secp521r1", 521, true),
    ("1.2.840.10045.3.1.1", "secp192r1", 192, false),
    ("1.3.132.0.33", "secp224r1", 224, false),
    ("1.3.132.0.10", "secp256k1", 256, false),
    ("1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1", 256, false),
    ("1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1", 384, false),
    ("1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1", 512, false),
];

fn curve(oid_der: &[u8]) -> Option<(&'static str, usize, bool)> {
    let dotted = oid::to_dotted(oid_der)?;
    CURVES.iter().find(|c| c.0 == dotted).map(|c| (c.1, c.2, c.3))
}

/// DER of the rsaEncryption AlgorithmIdentifier (`SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }`).
pub(crate) const RSA_ALGORITHM: &[u8] =
    &[0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00];

/// A public key: its kind and its SubjectPublicKeyInfo DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PublicKey {
    kind: KeyKind,
    spki: Vec<u8>,
}

impl PublicKey {
    /// Parses one SubjectPublicKeyInfo (trailing bytes are an error).
    ///
    /// Errors as Mbed TLS's `mbedtls_pk_parse_subpubkey`: `PkKeyInvalidFormat` (structure),
    /// `PkInvalidAlg` (AlgorithmIdentifier), `PkInvalidPubkey` (key bits),
    /// `PkUnknownPkAlg`, `PkUnknownNamedCurve`.
    pub(crate) fn from_spki(input: &[u8]) -> Result<PublicKey, Error> {
        use der::*;
        let mut s = single(input, SEQUENCE, Error::PkKeyInvalidFormat)?.reader();
        let (alg_oid, params) = s.read_algorithm(Error::PkInvalidAlg)?;
        let bits = s.read(BIT_STRING, Error::PkInvalidPubkey)?;
        let key = whole_bytes(bits.value).ok_or(Error::PkInvalidPubkey)?;
        s.finish(Error::PkKeyInvalidFormat)?;
        let dotted = oid::to_dotted(alg_oid.value).ok_or(Error::PkUnknownPkAlg)?;
        let kind = match dotted.as_str() {
            oid::RSA_ENCRYPTION | oid::RSASSA_PSS => KeyKind::Rsa { bits: rsa_public_bits(key)? },
            oid::EC_PUBLIC_KEY | oid::EC_DH => {
                let params = params.filter(|p| p.tag == OID).ok_or(Error::PkUnknownNamedCurve)?;
                let (curve, bits, _) = curve(params.value).ok_or(Error::PkUnknownNamedCurve)?;
                if !matches!(key[0], 0x02..=0x04) {
                    return Err(Error::PkInvalidPubkey);
                }
                KeyKind::Ec { curve, bits }
            }
            oid::X25519 => KeyKind::Ec { curve: "x25519", bits: 255 },
            oid::X448 => KeyKind::Ec { curve: "x448", bits: 448 },
            oid::ED25519 if key.len() == 32 => KeyKind::Ed25519,
            oid::ED25519 => return Err(Error::PkInvalidPubkey),
            oid::ED448 => KeyKind::Other,
            _ => return Err(Error::PkUnknownPkAlg),
        };
        Ok(PublicKey { kind, spki: input.to_vec() })
    }

    /// Parses a public key as `mbedtls_pk_parse_public_key` does: PEM `PUBLIC KEY`
    /// (SubjectPublicKeyInfo) or `RSA PUBLIC KEY` (PKCS#1), or the DER of either.
    pub(crate) fn parse(input: &[u8]) -> Result<PublicKey, Error> {
        if pem::is_pem(input) {
            for (label, block) in pem::labelled_blocks(input) {
                match label.as_str() {
                    "PUBLIC KEY" => return PublicKey::from_spki(&block?.der),
                    "RSA PUBLIC KEY" => return PublicKey::from_pkcs1(&block?.der),
                    _ => {}
                }
            }
            return Err(Error::PkKeyInvalidFormat);
        }
        // DER (a trailing NUL, as from a file loaded Mbed TLS style, is ignored).
        let mut r = Reader::new(input);
        let outer = r.read(der::SEQUENCE, Error::PkKeyInvalidFormat)?;
        let der = &input[..outer.end()];
        match outer.reader().peek_tag() {
            Some(der::INTEGER) => PublicKey::from_pkcs1(der),
            _ => PublicKey::from_spki(der),
        }
    }

    /// An RSAPublicKey (PKCS#1), wrapped into a SubjectPublicKeyInfo.
    fn from_pkcs1(der: &[u8]) -> Result<PublicKey, Error> {
        let bits = rsa_public_bits(der)?;
        let mut bit_string = vec![0u8];
        bit_string.extend_from_slice(der);
        let spki = der::tlv(der::SEQUENCE, &[RSA_ALGORITHM, &der::tlv(der::BIT_STRING, &bit_string)].concat());
        Ok(PublicKey { kind: KeyKind::Rsa { bits }, spki })
    }

    pub(crate) fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The SubjectPublicKeyInfo, DER.
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki
    }
}

/// The key bits of a SubjectPublicKeyInfo: an RSAPublicKey or an EC point.
pub(crate) fn spki_key_bits(spki: &[u8]) -> Option<Vec<u8>> {
    let err = Error::PkKeyInvalidFormat;
    let mut s = der::single(spki, der::SEQUENCE, err).ok()?.reader();
    s.read_algorithm(err).ok()?;
    let bits = s.read(der::BIT_STRING, err).ok()?;
    der::whole_bytes(bits.value).map(<[u8]>::to_vec)
}

/// The `privateKey` OCTET STRING contents of a PrivateKeyInfo (PKCS#8).
pub(crate) fn pkcs8_private_octets(der: &[u8]) -> Result<Vec<u8>, Error> {
    let err = Error::PkKeyInvalidFormat;
    let mut s = der::single(der, der::SEQUENCE, err)?.reader();
    s.read(der::INTEGER, err)?;
    s.read_algorithm(err)?;
    Ok(s.read(der::OCTET_STRING, err)?.value.to_vec())
}

/// Modulus size of an RSAPublicKey `SEQUENCE { n INTEGER, e INTEGER }`.
fn rsa_public_bits(der: &[u8]) -> Result<usize, Error> {
    let err = Error::PkInvalidPubkey;
    let mut s = der::single(der, der::SEQUENCE, err)?.reader();
    let n = s.read(der::INTEGER, err)?;
    s.read(der::INTEGER, err)?;
    s.finish(err)?;
    modulus_bits(&n, err)
}

/// The size in bits of an RSA modulus (an INTEGER); `err` for zero.
fn modulus_bits(n: &Tlv<'_>, err: Error) -> Result<usize, Error> {
    match der::uint_bits(n.value) {
        0 => Err(err),
        bits => Ok(bits),
    }
}

/// A private key the TLS layer can sign with.
pub(crate) struct PrivateKey {
    der: PrivateKeyDer<'static>,
    kind: KeyKind,
}

impl Clone for PrivateKey {
    fn clone(&self) -> Self {
        PrivateKey { der: self.der.clone_key(), kind: self.kind }
    }
}

impl core::fmt::Debug for PrivateKey {
    // Never print key material.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PrivateKey").field("kind", &self.kind).finish_non_exhaustive()
    }
}

const PEM_KEY_LABELS: &[&str] = &["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "ENCRYPTED PRIVATE KEY"];

impl PrivateKey {
    /// Parses a private key as `mbedtls_pk_parse_key` does.
    ///
    /// PEM input (a trailing NUL is allowed, not required): the first block labelled
    /// `RSA PRIVATE KEY` (PKCS#1), `EC PRIVATE KEY` (SEC1), `PRIVATE KEY` (PKCS#8) or
    /// `ENCRYPTED PRIVATE KEY` (PKCS#8 PBES2: PBKDF2 with HMAC-SHA1/256/384/512, AES-128/192/256
    /// -CBC). Otherwise DER of any of these forms, recognised by its structure.
    ///
    /// `password` is only used for encrypted keys; an empty one counts as none.
    ///
    /// # Errors
    /// * `PkPasswordRequired`: the key is encrypted and no password was given;
    /// * `PkPasswordMismatch`: the password does not decrypt the key;
    /// * `PkFeatureUnavailable`: an encryption scheme other than PBES2/PBKDF2/AES-CBC;
    /// * `PemFeatureUnavailable`: a PEM block encrypted the legacy OpenSSL way
    ///   (`Proc-Type: 4,ENCRYPTED`, MD5-based key derivation), which is not supported — what
    ///   Mbed TLS built without MD5 returns (convert with `openssl pkcs8 -topk8`);
    /// * `PemInvalidData`: the key's PEM block is not valid base64;
    /// * `PkKeyInvalidVersion`, `PkInvalidAlg`, `PkUnknownPkAlg`, `PkUnknownNamedCurve` (a curve
    ///   the TLS layer cannot sign with), `PkKeyInvalidFormat` (anything else malformed, a key
    ///   aws-lc refuses, or more than [`MAX_PBKDF2_ITERATIONS`] PBKDF2 iterations).
    pub(crate) fn parse(input: &[u8], password: Option<&[u8]>) -> Result<PrivateKey, Error> {
        PrivateKey::parse_capped(input, password, MAX_PBKDF2_ITERATIONS)
    }

    /// [`PrivateKey::parse`] refusing encrypted keys with more than `max_iterations` PBKDF2
    /// iterations (at most [`MAX_PBKDF2_ITERATIONS`] is meaningful). The library always uses
    /// [`MAX_PBKDF2_ITERATIONS`]; the fuzz target passes a lower cap, so that an input
    /// declaring millions of iterations does not take seconds per execution.
    pub(crate) fn parse_capped(
        input: &[u8],
        password: Option<&[u8]>,
        max_iterations: u32,
    ) -> Result<PrivateKey, Error> {
        let password = password.filter(|p| !p.is_empty());
        if pem::is_pem(input) {
            let found = pem::labelled_blocks(input).into_iter().find(|(l, _)| PEM_KEY_LABELS.contains(&l.as_str()));
            let Some((label, block)) = found else {
                // Mbed TLS then tries the text as DER, which fails the same way.
                return Err(Error::PkKeyInvalidFormat);
            };
            let block = block?;
            if block.is_legacy_encrypted() {
                return Err(Error::PemFeatureUnavailable);
            }
            return match label.as_str() {
                "RSA PRIVATE KEY" => PrivateKey::from_pkcs1(&block.der),
                "EC PRIVATE KEY" => PrivateKey::from_sec1(&block.der),
                "PRIVATE KEY" => PrivateKey::from_pkcs8(&block.der),
                _ => PrivateKey::from_encrypted_pkcs8(&block.der, password, max_iterations),
            };
        }
        PrivateKey::from_der(input, password, max_iterations)
    }

    /// DER of any supported form. Bytes after the key are ignored (Mbed TLS's
    /// `mbedtls_pk_parse_keyfile` passes a NUL after DER files too).
    /// `max_iterations`: as in [`PrivateKey::parse_capped`].
    fn from_der(input: &[u8], password: Option<&[u8]>, max_iterations: u32) -> Result<PrivateKey, Error> {
        use der::*;
        let err = Error::PkKeyInvalidFormat;
        let mut r = Reader::new(input);
        let outer = r.read(SEQUENCE, err)?;
        let key = &input[..outer.end()];
        let mut s = outer.reader();
        match s.peek_tag() {
            // EncryptedPrivateKeyInfo starts with the AlgorithmIdentifier.
            Some(SEQUENCE) => PrivateKey::from_encrypted_pkcs8(key, password, max_iterations),
            Some(INTEGER) => {
                s.read(INTEGER, err)?;
                match s.peek_tag() {
                    Some(SEQUENCE) => PrivateKey::from_pkcs8(key),
                    Some(INTEGER) => PrivateKey::from_pkcs1(key),
                    Some(OCTET_STRING) => PrivateKey::from_sec1(key),
                    _ => Err(err),
                }
            }
            _ => Err(err),
        }
    }

    /// A copy of the key in the form rustls takes.
    pub(crate) fn key_der(&self) -> PrivateKeyDer<'static> {
        self.der.clone_key()
    }

    pub(crate) fn kind(&self) -> KeyKind {
        self.kind
    }

    /// PrivateKeyInfo (RFC 5208 / 5958).
    fn from_pkcs8(der: &[u8]) -> Result<PrivateKey, Error> {
        use der::*;
        let err = Error::PkKeyInvalidFormat;
        let mut s = single(der, SEQUENCE, err)?.reader();
        let version = s.read(INTEGER, err)?;
        if !matches!(version.value, [0] | [1]) {
            return Err(Error::PkKeyInvalidVersion);
        }
        let (alg_oid, params) = s.read_algorithm(Error::PkInvalidAlg)?;
        let private = s.read(OCTET_STRING, err)?;
        s.read_optional(context(0, true), err)?;
        s.read_optional(context(1, false), err)?;
        s.finish(err)?;
        let kind = match oid::to_dotted(alg_oid.value).as_deref() {
            Some(oid::RSA_ENCRYPTION) => rsa_private_kind(private.value)?,
            Some(oid::EC_PUBLIC_KEY) => {
                let params = params.filter(|p| p.tag == OID).ok_or(Error::PkUnknownNamedCurve)?;
                let kind = signing_curve(params.value)?;
                sec1_curve(private.value)?;
                kind
            }
            Some(oid::ED25519) => {
                let seed = single(private.value, OCTET_STRING, err)?;
                if seed.value.len() != 32 {
                    return Err(err);
                }
                KeyKind::Ed25519
            }
            _ => return Err(Error::PkUnknownPkAlg),
        };
        PrivateKey::accepted(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der.to_vec())), kind)
    }

    /// RSAPrivateKey (PKCS#1).
    fn from_pkcs1(der: &[u8]) -> Result<PrivateKey, Error> {
        let kind = rsa_private_kind(der)?;
        PrivateKey::accepted(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der.to_vec())), kind)
    }

    /// ECPrivateKey (SEC1); the curve must be named in the key.
    fn from_sec1(der: &[u8]) -> Result<PrivateKey, Error> {
        let curve_oid = sec1_curve(der)?.ok_or(Error::PkKeyInvalidFormat)?;
        let kind = signing_curve(&curve_oid)?;
        PrivateKey::accepted(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der.to_vec())), kind)
    }

    /// EncryptedPrivateKeyInfo with PBES2 (RFC 8018).
    fn from_encrypted_pkcs8(der: &[u8], password: Option<&[u8]>, max_iterations: u32) -> Result<PrivateKey, Error> {
        let plain = decrypt_pkcs8(der, password, max_iterations)?;
        // A wrong password that happens to leave valid padding (1 in 256) gives garbage, which
        // is not one DER element: same error as bad padding.
        der::single(&plain, der::SEQUENCE, Error::PkPasswordMismatch)?;
        PrivateKey::from_pkcs8(&plain)
    }

    /// Checks that aws-lc can sign with the key.
    fn accepted(der: PrivateKeyDer<'static>, kind: KeyKind) -> Result<PrivateKey, Error> {
        rustls_aws_lc_rs::DEFAULT_KEY_PROVIDER
            .load_private_key(der.clone_key())
            .map_err(|_| Error::PkKeyInvalidFormat)?;
        Ok(PrivateKey { der, kind })
    }
}

fn signing_curve(oid_der: &[u8]) -> Result<KeyKind, Error> {
    match curve(oid_der) {
        Some((curve, bits, true)) => Ok(KeyKind::Ec { curve, bits }),
        _ => Err(Error::PkUnknownNamedCurve),
    }
}

/// RSAPrivateKey `SEQUENCE { version, n, e, d, p, q, dp, dq, qinv }` (two-prime only).
fn rsa_private_kind(der: &[u8]) -> Result<KeyKind, Error> {
    let err = Error::PkKeyInvalidFormat;
    let mut s = der::single(der, der::SEQUENCE, err)?.reader();
    let version = s.read(der::INTEGER, err)?;
    if version.value != [0] {
        return Err(Error::PkKeyInvalidVersion);
    }
    let n = s.read(der::INTEGER, err)?;
    for _ in 0..7 {
        s.read(der::INTEGER, err)?;
    }
    s.finish(err)?;
    Ok(KeyKind::Rsa { bits: modulus_bits(&n, err)? })
}

/// ECPrivateKey `SEQUENCE { 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey
/// OPTIONAL }`: checks the structure, returns the curve OID's contents when present.
fn sec1_curve(der: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    use der::*;
    let err = Error::PkKeyInvalidFormat;
    let mut s = single(der, SEQUENCE, err)?.reader();
    let version = s.read(INTEGER, err)?;
    if version.value != [1] {
        return Err(Error::PkKeyInvalidVersion);
    }
    let private = s.read(OCTET_STRING, err)?;
    if private.value.is_empty() {
        return Err(err);
    }
    let curve = match s.read_optional(context(0, true), err)? {
        Some(params) => {
            let mut pr = params.reader();
            let oid = pr.read(OID, Error::PkUnknownNamedCurve)?;
            pr.finish(err)?;
            Some(oid.value.to_vec())
        }
        None => None,
    };
    s.read_optional(context(1, true), err)?;
    s.finish(err)?;
    Ok(curve)
}

/// The most PBKDF2 iterations an encrypted key may ask for: ten million, 5,000 times OpenSSL's
/// default of 2,048 and far above what key files use, yet seconds of work, where the 2^31 - 1
/// that DER allows would keep the parser busy for hours. Mbed TLS and OpenSSL have no limit.
pub(crate) const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;

/// Decrypts an EncryptedPrivateKeyInfo protected with PBES2 (PBKDF2 + AES-CBC). The derived
/// key and the plaintext are wiped when dropped. More than `max_iterations` PBKDF2 iterations
/// are refused.
fn decrypt_pkcs8(der: &[u8], password: Option<&[u8]>, max_iterations: u32) -> Result<Zeroizing<Vec<u8>>, Error> {
    use der::*;
    let err = Error::PkKeyInvalidFormat;
    let unsupported = Error::PkFeatureUnavailable;
    let mut s = single(der, SEQUENCE, err)?.reader();
    let (scheme, scheme_params) = algorithm(&mut s, err)?;
    let data = s.read(OCTET_STRING, err)?;
    s.finish(err)?;
    let Some(password) = password else {
        return Err(Error::PkPasswordRequired);
    };
    if scheme != "1.2.840.113549.1.5.13" {
        return Err(unsupported); // PBES1, PKCS#12 PBE: not supported
    }
    // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme ... }
    let params = scheme_params.filter(|p| p.tag == SEQUENCE).ok_or(err)?;
    let mut p = params.reader();
    let (kdf, kdf_params) = algorithm(&mut p, err)?;
    let (cipher, cipher_params) = algorithm(&mut p, err)?;
    p.finish(err)?;
    if kdf != "1.2.840.113549.1.5.12" {
        return Err(unsupported); // scrypt and others
    }
    let (cipher_alg, key_len) = match cipher.as_str() {
        "2.16.840.1.101.3.4.1.2" => (&AES_128, 16),
        "2.16.840.1.101.3.4.1.22" => (&AES_192, 24),
        "2.16.840.1.101.3.4.1.42" => (&AES_256, 32),
        _ => return Err(unsupported), // DES-EDE3-CBC, RC2, ...
    };
    let iv = cipher_params.filter(|p| p.tag == OCTET_STRING).ok_or(err)?;
    let iv: [u8; 16] = iv.value.try_into().map_err(|_| err)?;
    // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER,
    //                              keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
    let kdf_params = kdf_params.filter(|p| p.tag == SEQUENCE).ok_or(err)?;
    let mut k = kdf_params.reader();
    let salt = k.read(OCTET_STRING, err)?.value;
    let iterations = small_uint(k.read(INTEGER, err)?.value)
        .filter(|&n| n <= max_iterations)
        .and_then(NonZeroU32::new)
        .ok_or(err)?;
    if let Some(len) = k.read_optional(INTEGER, err)? {
        if small_uint(len.value) != Some(key_len as u32) {
            return Err(err);
        }
    }
    let prf = if k.is_empty() { "1.2.840.113549.2.7".to_string() } else { algorithm(&mut k, err)?.0 };
    k.finish(err)?;
    let prf = match prf.as_str() {
        "1.2.840.113549.2.7" => pbkdf2::PBKDF2_HMAC_SHA1,
        "1.2.840.113549.2.9" => pbkdf2::PBKDF2_HMAC_SHA256,
        "1.2.840.113549.2.10" => pbkdf2::PBKDF2_HMAC_SHA384,
        "1.2.840.113549.2.11" => pbkdf2::PBKDF2_HMAC_SHA512,
        _ => return Err(unsupported),
    };
    if data.value.is_empty() || data.value.len() % 16 != 0 {
        return Err(err);
    }
    let mut key = Zeroizing::new([0u8; 32]);
    pbkdf2::derive(prf, iterations, salt, password, &mut key[..key_len]);
    let cipher_key = UnboundCipherKey::new(cipher_alg, &key[..key_len]).map_err(|_| err)?;
    drop(key);
    let decrypting = PaddedBlockDecryptingKey::cbc_pkcs7(cipher_key).map_err(|_| err)?;
    let mut buf = Zeroizing::new(data.value.to_vec());
    let plain_len = decrypting
        .decrypt(&mut buf, DecryptionContext::Iv128(FixedLength::from(iv)))
        .map_err(|_| Error::PkPasswordMismatch)?
        .len();
    buf.truncate(plain_len);
    Ok(buf)
}

/// An AlgorithmIdentifier as (dotted OID, parameters).
fn algorithm<'a>(r: &mut Reader<'a>, err: Error) -> Result<(String, Option<Tlv<'a>>), Error> {
    let (oid, params) = r.read_algorithm(err)?;
    Ok((oid::to_dotted(oid.value).ok_or(err)?, params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    use crate::test_support::{certs_dir, read_cert as read};

    const RSA: KeyKind = KeyKind::Rsa { bits: 2048 };
    const P256: KeyKind = KeyKind::Ec { curve: "secp256r1", bits: 256 };

    #[test]
    fn rsa_algorithm_constant() {
        let mut r = Reader::new(RSA_ALGORITHM);
        let (oid, params) = algorithm(&mut r, Error::PkInvalidAlg).unwrap();
        assert_eq!(oid, oid::RSA_ENCRYPTION);
        assert_eq!(params.unwrap().tag, der::NULL);
    }

    #[test]
    fn plain_keys_in_every_encoding() {
        for (name, kind, form) in [
            ("server-rsa.key", RSA, "pkcs8"),
            ("server-rsa.key.der", RSA, "pkcs1"), // `openssl pkey -outform DER` writes traditional forms
            ("server-rsa.pkcs1.key", RSA, "pkcs1"),
            ("server-ec.key", P256, "pkcs8"),
            ("server-ec.key.der", P256, "sec1"),
            ("server-ec.sec1.key", P256, "sec1"),
            ("ca.key", RSA, "pkcs8"),
        ] {
            let key = PrivateKey::parse(&read(name), None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(key.kind(), kind, "{name}");
            let der_form = match key.key_der() {
                PrivateKeyDer::Pkcs1(_) => "pkcs1",
                PrivateKeyDer::Sec1(_) => "sec1",
                PrivateKeyDer::Pkcs8(_) => "pkcs8",
                _ => "other",
            };
            assert_eq!(der_form, form, "{name}");
            // With the NUL Mbed TLS wants, and with an ignored password.
            let mut with_nul = read(name);
            with_nul.push(0);
            assert_eq!(PrivateKey::parse(&with_nul, Some(b"unused")).unwrap().kind(), kind, "{name}");
        }
        // The DER copy is the same key as the PKCS#1 PEM one.
        let pem = PrivateKey::parse(&read("server-rsa.pkcs1.key"), None).unwrap();
        let der = PrivateKey::parse(&read("server-rsa.key.der"), None).unwrap();
        assert!(pem.key_der().secret_der() == der.key_der().secret_der());
    }

    #[test]
    fn encrypted_keys() {
        for (name, kind, plain) in
            [("server-rsa.enc.key", RSA, "server-rsa.key"), ("server-ec.enc.key", P256, "server-ec.key")]
        {
            let input = read(name);
            assert_eq!(PrivateKey::parse(&input, None).unwrap_err(), Error::PkPasswordRequired, "{name}");
            assert_eq!(PrivateKey::parse(&input, Some(b"")).unwrap_err(), Error::PkPasswordRequired, "{name}");
            for wrong in [&b"wrong"[..], b"secret ", b"Secret", b"s"] {
                assert_eq!(PrivateKey::parse(&input, Some(wrong)).unwrap_err(), Error::PkPasswordMismatch, "{name}");
            }
            let key = PrivateKey::parse(&input, Some(b"secret")).unwrap();
            assert_eq!(key.kind(), kind);
            let reference = PrivateKey::parse(&read(plain), None).unwrap();
            assert!(key.key_der().secret_der() == reference.key_der().secret_der(), "{name}");
        }
    }

    fn openssl_available() -> bool {
        Command::new("openssl").arg("version").output().is_ok_and(|o| o.status.success())
    }

    /// Encrypts `plain` (a PEM key file) with `openssl pkcs8 args...` and returns the DER.
    fn openssl_pkcs8(plain: &str, args: &[&str]) -> Option<Vec<u8>> {
        let out = Command::new("openssl")
            .args(["pkcs8", "-topk8", "-in"])
            .arg(certs_dir().join(plain))
            .args(["-passout", "pass:secret", "-outform", "DER"])
            .args(args)
            .output()
            .ok()?;
        out.status.success().then_some(out.stdout)
    }

    #[test]
    fn every_pbes2_variant_and_der() {
        if !openssl_available() {
            return;
        }
        for (cipher, prf) in [
            ("aes-128-cbc", "hmacWithSHA1"),
            ("aes-192-cbc", "hmacWithSHA256"),
            ("aes-256-cbc", "hmacWithSHA384"),
            ("aes-256-cbc", "hmacWithSHA512"),
        ] {
            let der = openssl_pkcs8("server-ec.key", &["-v2", cipher, "-v2prf", prf]).unwrap();
            assert_eq!(PrivateKey::parse(&der, None).unwrap_err(), Error::PkPasswordRequired);
            assert_eq!(
                PrivateKey::parse(&der, Some(b"nope")).unwrap_err(),
                Error::PkPasswordMismatch,
                "{cipher} {prf}"
            );
            assert_eq!(PrivateKey::parse(&der, Some(b"secret")).unwrap().kind(), P256, "{cipher} {prf}");
        }
        // Triple-DES PBES2 and PKCS#12 PBE: clear "not supported".
        if let Some(der) = openssl_pkcs8("server-ec.key", &["-v2", "des3"]) {
            assert_eq!(PrivateKey::parse(&der, Some(b"secret")).unwrap_err(), Error::PkFeatureUnavailable);
        }
        if let Some(der) = openssl_pkcs8("server-ec.key", &["-v1", "PBE-SHA1-3DES"]) {
            assert_eq!(PrivateKey::parse(&der, Some(b"secret")).unwrap_err(), Error::PkFeatureUnavailable);
        }
    }

    #[test]
    fn legacy_openssl_encryption_is_refused() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\n\
            Proc-Type: 4,ENCRYPTED\n\
            DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\
            \n\
            Zm9vYmFyYmF6\n\
            -----END RSA PRIVATE KEY-----\n";
        assert_eq!(PrivateKey::parse(text.as_bytes(), Some(b"secret")).unwrap_err(), Error::PemFeatureUnavailable);
        assert_eq!(PrivateKey::parse(text.as_bytes(), None).unwrap_err(), Error::PemFeatureUnavailable);
    }

    #[test]
    fn garbage_and_wrong_content() {
        assert_eq!(PrivateKey::parse(b"", None).unwrap_err(), Error::PkKeyInvalidFormat);
        assert_eq!(PrivateKey::parse(b"hello", None).unwrap_err(), Error::PkKeyInvalidFormat);
        // A certificate is not a key.
        assert_eq!(PrivateKey::parse(&read("server-rsa.crt"), None).unwrap_err(), Error::PkKeyInvalidFormat);
        assert_eq!(PrivateKey::parse(&read("server-rsa.der"), None).unwrap_err(), Error::PkKeyInvalidFormat);
        let bad_b64 = "-----BEGIN PRIVATE KEY-----\nMII!\n-----END PRIVATE KEY-----\n";
        assert_eq!(PrivateKey::parse(bad_b64.as_bytes(), None).unwrap_err(), Error::PemInvalidData);
        // A PKCS#1 body under the PKCS#8 label.
        let pkcs1 = pem::blocks(&read("server-rsa.pkcs1.key")).remove(0).unwrap().der;
        assert!(PrivateKey::from_pkcs8(&pkcs1).is_err());
        // X25519 PKCS#8 keys are not signing keys.
        if openssl_available() {
            let out =
                Command::new("openssl").args(["genpkey", "-algorithm", "X25519", "-outform", "DER"]).output().unwrap();
            if out.status.success() {
                assert_eq!(PrivateKey::parse(&out.stdout, None).unwrap_err(), Error::PkUnknownPkAlg);
            }
            let out = Command::new("openssl").args(["genpkey", "-algorithm", "ED25519"]).output().unwrap();
            if out.status.success() {
                assert_eq!(PrivateKey::parse(&out.stdout, None).unwrap().kind(), KeyKind::Ed25519);
            }
            let out = Command::new("openssl")
                .args(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1"])
                .output()
                .unwrap();
            if out.status.success() {
                assert_eq!(PrivateKey::parse(&out.stdout, None).unwrap_err(), Error::PkUnknownNamedCurve);
            }
        }
    }

    #[test]
    fn truncations_give_errors() {
        for name in ["server-rsa.key.der", "server-ec.key.der"] {
            let der = read(name);
            for len in 0..der.len() {
                assert!(PrivateKey::parse(&der[..len], None).is_err(), "{name} truncated to {len}");
            }
        }
        let enc = pem::blocks(&read("server-ec.enc.key")).remove(0).unwrap().der;
        for len in 0..enc.len() {
            assert!(PrivateKey::parse(&enc[..len], Some(b"secret")).is_err(), "truncated to {len}");
        }
        let text = read("server-ec.key");
        for len in 0..text.len() {
            let _ = PrivateKey::parse(&text[..len], None);
        }
    }

    /// An EncryptedPrivateKeyInfo (PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC) over 16 bytes
    /// that are no encrypted key, with `iterations` as the DER INTEGER contents.
    fn pbes2_with_iterations(iterations: &[u8]) -> Vec<u8> {
        fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
            let content = parts.concat();
            let mut out = vec![tag];
            der::push_len(&mut out, content.len());
            out.extend_from_slice(&content);
            out
        }
        let oid = |bytes: &[u8]| tlv(0x06, &[bytes]);
        let prf = tlv(0x30, &[&oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x09]), &[0x05, 0x00]]);
        let kdf_params = tlv(0x30, &[&tlv(0x04, &[&[7; 8]]), &tlv(0x02, &[iterations]), &prf]);
        let kdf = tlv(0x30, &[&oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C]), &kdf_params]);
        let cipher =
            tlv(0x30, &[&oid(&[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A]), &tlv(0x04, &[&[9; 16]])]);
        let scheme =
            tlv(0x30, &[&oid(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D]), &tlv(0x30, &[&kdf, &cipher])]);
        tlv(0x30, &[&scheme, &tlv(0x04, &[&[0x55; 16]])])
    }

    #[test]
    fn pbkdf2_iteration_counts_are_capped() {
        // Issue 13 (10): a key file may declare up to 2^31 - 1 PBKDF2 iterations, hours of
        // work; counts above MAX_PBKDF2_ITERATIONS are refused before any derivation.
        let parse = |iterations: &[u8]| PrivateKey::parse(&pbes2_with_iterations(iterations), Some(b"pw")).err();
        // The structure is sound: with few iterations it gets as far as decrypting.
        assert_eq!(parse(&[0x03, 0xE8]), Some(Error::PkPasswordMismatch));
        assert_eq!(parse(&[0x7F, 0xFF, 0xFF, 0xFF]), Some(Error::PkKeyInvalidFormat));
        let over = (MAX_PBKDF2_ITERATIONS + 1).to_be_bytes();
        assert_eq!(parse(&over[over.iter().position(|&b| b != 0).unwrap()..]), Some(Error::PkKeyInvalidFormat));
    }

    #[test]
    fn corruptions_never_panic() {
        for d in crate::test_support::corruptions(&read("server-ec.key.der")) {
            let _ = PrivateKey::parse(&d, None);
        }
    }

    #[test]
    fn public_keys() {
        let cert = crate::x509::parse_chain(&read("server-rsa.crt")).certs.remove(0);
        let pk = cert.public_key();
        assert_eq!(pk.kind(), RSA);
        assert_eq!(pk.spki_der(), cert.bytes(cert.pk_raw()));
        if !openssl_available() {
            return;
        }
        for (name, kind) in [("server-rsa.key", RSA), ("server-ec.key", P256)] {
            let spki_pem =
                Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(certs_dir().join(name)).output().unwrap();
            let pk = PublicKey::parse(&spki_pem.stdout).unwrap();
            assert_eq!(pk.kind(), kind);
            let spki_der = Command::new("openssl")
                .args(["pkey", "-pubout", "-outform", "DER", "-in"])
                .arg(certs_dir().join(name))
                .output()
                .unwrap();
            assert_eq!(PublicKey::parse(&spki_der.stdout).unwrap().spki_der(), &spki_der.stdout[..]);
        }
        // PKCS#1 RSAPublicKey, PEM and DER, becomes the same SPKI.
        let pkcs1 = Command::new("openssl")
            .args(["rsa", "-RSAPublicKey_out", "-in"])
            .arg(certs_dir().join("server-rsa.key"))
            .output()
            .unwrap();
        let pk = PublicKey::parse(&pkcs1.stdout).unwrap();
        assert_eq!(pk.kind(), RSA);
        assert_eq!(pk.spki_der(), cert.bytes(cert.pk_raw()));
        assert_eq!(PublicKey::parse(b"junk").unwrap_err(), Error::PkKeyInvalidFormat);
        assert_eq!(PublicKey::parse(&read("server-rsa.key")).unwrap_err(), Error::PkKeyInvalidFormat);
    }
}
