//! Certificate profiles (`mbedtls_x509_crt_profile`): which signature hashes, signature
//! algorithms, curves and RSA sizes a chain may use, with Mbed TLS 3.6's four built-in profiles
//! and its numbering of hashes (`mbedtls_md_type_t`), key types (`mbedtls_pk_type_t`) and curves
//! (`mbedtls_ecp_group_id`), which the profile's bit masks are made of
//! (`MBEDTLS_X509_ID_FLAG(id)` = `1 << (id - 1)`).

use crate::pk::{KeyKind, PublicKey};
use crate::x509::SignatureAlgorithm;

/// `mbedtls_md_type_t` values of the hashes a certificate signature may use.
pub(crate) mod md {
    pub(crate) const NONE: u32 = 0;
    pub(crate) const MD5: u32 = 0x03;
    pub(crate) const SHA1: u32 = 0x05;
    pub(crate) const SHA224: u32 = 0x08;
    pub(crate) const SHA256: u32 = 0x09;
    pub(crate) const SHA384: u32 = 0x0a;
    pub(crate) const SHA512: u32 = 0x0b;
}

/// `mbedtls_pk_type_t` values.
pub(crate) mod pk {
    pub(crate) const NONE: u32 = 0;
    pub(crate) const RSA: u32 = 1;
    pub(crate) const ECKEY: u32 = 2;
    pub(crate) const ECDSA: u32 = 4;
    pub(crate) const RSASSA_PSS: u32 = 6;
    pub(crate) const OPAQUE: u32 = 7;
}

/// `mbedtls_ecp_group_id` of the curves this library's keys can be on, by Mbed TLS curve name.
const CURVE_IDS: &[(&str, u32)] = &[
    ("secp192r1", 1),
    ("secp224r1", 2),
    ("secp256r1", 3),
    ("secp384r1", 4),
    ("secp521r1", 5),
    ("brainpoolP256r1", 6),
    ("brainpoolP384r1", 7),
    ("brainpoolP512r1", 8),
    ("secp256k1", 12),
];

/// `MBEDTLS_X509_ID_FLAG(id)`.
const fn id_flag(id: u32) -> u32 {
    1 << (id - 1)
}

/// An `mbedtls_x509_crt_profile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Profile {
    pub(crate) allowed_mds: u32,
    pub(crate) allowed_pks: u32,
    pub(crate) allowed_curves: u32,
    pub(crate) rsa_min_bitlen: u32,
}

const SHA2_256_UP: u32 = id_flag(md::SHA256) | id_flag(md::SHA384) | id_flag(md::SHA512);
/// secp256r1, secp384r1, secp521r1 and the three brainpool curves.
const CURVES_128_UP: u32 = 0b1111_1100;

impl Profile {
    /// `mbedtls_x509_crt_profile_default`: SHA-256 and up, any key type, curves of 128-bit
    /// security and up (not secp256k1), RSA from 2048 bits.
    pub(crate) const DEFAULT: Profile = Profile {
        allowed_mds: SHA2_256_UP,
        allowed_pks: 0x0FFF_FFFF,
        allowed_curves: CURVES_128_UP,
        rsa_min_bitlen: 2048,
    };
    /// `mbedtls_x509_crt_profile_next`: as the default, plus secp256k1.
    pub(crate) const NEXT: Profile = Profile { allowed_curves: CURVES_128_UP | id_flag(12), ..Profile::DEFAULT };
    /// `mbedtls_x509_crt_profile_suiteb`: SHA-256/384, ECDSA on P-256/P-384 only.
    pub(crate) const SUITE_B: Profile = Profile {
        allowed_mds: id_flag(md::SHA256) | id_flag(md::SHA384),
        allowed_pks: id_flag(pk::ECKEY) | id_flag(pk::ECDSA),
        allowed_curves: id_flag(3) | id_flag(4),
        rsa_min_bitlen: 0,
    };
    /// `mbedtls_x509_crt_profile_none`: accepts nothing.
    pub(crate) const NONE: Profile =
        Profile { allowed_mds: 0, allowed_pks: 0, allowed_curves: 0, rsa_min_bitlen: u32::MAX };

    fn allows(mask: u32, id: u32) -> bool {
        (1..=32).contains(&id) && mask & id_flag(id) != 0
    }

    /// `x509_profile_check_md_alg`: MD_NONE is never accepted.
    pub(crate) fn md_ok(&self, md: u32) -> bool {
        md != md::NONE && Self::allows(self.allowed_mds, md)
    }

    /// `x509_profile_check_pk_alg`: PK_NONE is never accepted.
    pub(crate) fn pk_ok(&self, pk: u32) -> bool {
        pk != pk::NONE && Self::allows(self.allowed_pks, pk)
    }

    /// `x509_profile_check_key`: RSA keys by size, EC keys by curve, nothing else.
    pub(crate) fn key_ok(&self, key: &PublicKey) -> bool {
        match key.kind() {
            KeyKind::Rsa { bits } => bits as u64 >= u64::from(self.rsa_min_bitlen),
            KeyKind::Ec { curve, .. } => curve_id(curve).is_some_and(|id| Self::allows(self.allowed_curves, id)),
            KeyKind::Ed25519 | KeyKind::Other => false,
        }
    }
}

/// The `mbedtls_ecp_group_id` of a curve name (None for a curve Mbed TLS has no id for).
pub(crate) fn curve_id(name: &str) -> Option<u32> {
    CURVE_IDS.iter().find(|(n, _)| *n == name).map(|&(_, id)| id)
}

/// The `mbedtls_pk_type_t` a certificate's key has (`mbedtls_pk_get_type`): EC keys are
/// `ECKEY`; keys Mbed TLS cannot hold (Ed25519) are `OPAQUE` here.
pub(crate) fn key_type(key: &PublicKey) -> u32 {
    match key.kind() {
        KeyKind::Rsa { .. } => pk::RSA,
        KeyKind::Ec { .. } => pk::ECKEY,
        KeyKind::Ed25519 | KeyKind::Other => pk::OPAQUE,
    }
}

/// The hash (`sig_md`) and signature type (`sig_pk`) of a signature algorithm, as Mbed TLS
/// derives them from the algorithm's OID (RSASSA-PSS: the hash of its parameters). Algorithms
/// Mbed TLS does not know (Ed25519, Ed448) give `(MD_NONE, PK_NONE)`.
pub(crate) fn signature_md_pk(alg: &SignatureAlgorithm) -> (u32, u32) {
    let hash = |name: &str| match name {
        "MD5" => md::MD5,
        "SHA1" | "SHA-1" => md::SHA1,
        "SHA224" | "SHA-224" => md::SHA224,
        "SHA256" | "SHA-256" => md::SHA256,
        "SHA384" | "SHA-384" => md::SHA384,
        "SHA512" | "SHA-512" => md::SHA512,
        _ => md::NONE,
    };
    if let Some(params) = alg.name.strip_prefix("RSASSA-PSS (") {
        let first = params.split(',').next().unwrap_or_default();
        return (hash(first), pk::RSASSA_PSS);
    }
    if let Some(h) = alg.name.strip_prefix("RSA with ") {
        return (hash(h), pk::RSA);
    }
    if let Some(h) = alg.name.strip_prefix("ECDSA with ") {
        return (hash(h), pk::ECDSA);
    }
    (md::NONE, pk::NONE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_have_mbedtls_masks() {
        // The values Mbed TLS 3.6 compiles these profiles to.
        let masks = |p: Profile| (p.allowed_mds, p.allowed_pks, p.allowed_curves, p.rsa_min_bitlen);
        assert_eq!(masks(Profile::DEFAULT), (1792, 0x0FFF_FFFF, 252, 2048));
        assert_eq!(masks(Profile::NEXT), (1792, 0x0FFF_FFFF, 2300, 2048));
        assert_eq!(masks(Profile::SUITE_B), (768, 10, 12, 0));
        assert_eq!(masks(Profile::NONE), (0, 0, 0, u32::MAX));
    }

    #[test]
    fn checks_follow_the_masks() {
        assert!(Profile::DEFAULT.md_ok(md::SHA256));
        assert!(!Profile::DEFAULT.md_ok(md::SHA1));
        assert!(!Profile::DEFAULT.md_ok(md::NONE));
        assert!(!Profile::DEFAULT.md_ok(40));
        assert!(Profile::SUITE_B.pk_ok(pk::ECDSA));
        assert!(!Profile::SUITE_B.pk_ok(pk::RSA));
        assert!(!Profile::DEFAULT.pk_ok(pk::NONE));
        assert_eq!(curve_id("secp256k1"), Some(12));
        assert_eq!(curve_id("x25519"), None);
    }

    #[test]
    fn signature_algorithms_map_to_md_and_pk() {
        let alg = |name: &str| SignatureAlgorithm { oid: String::new(), name: name.to_string() };
        assert_eq!(signature_md_pk(&alg("RSA with SHA-256")), (md::SHA256, pk::RSA));
        assert_eq!(signature_md_pk(&alg("RSA with SHA1")), (md::SHA1, pk::RSA));
        assert_eq!(signature_md_pk(&alg("ECDSA with SHA384")), (md::SHA384, pk::ECDSA));
        assert_eq!(signature_md_pk(&alg("RSASSA-PSS (SHA256, MGF1-SHA256, 0x20)")), (md::SHA256, pk::RSASSA_PSS));
        assert_eq!(signature_md_pk(&alg("Ed25519")), (md::NONE, pk::NONE));
    }
}
