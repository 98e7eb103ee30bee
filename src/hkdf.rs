//! HKDF (RFC 5869) on aws-lc: `hkdf.h`. Extract is one HMAC (`digest::authenticate`), expand is
//! aws-lc's HKDF-Expand (`aws_lc_rs::hkdf`).

use aws_lc_rs::hkdf;

use crate::digest::{self, Algorithm};
use crate::error::{Error, Result};

/// The longest PRK aws-lc's expand takes (the largest digest).
const MAX_PRK_LEN: usize = 64;

fn expand_algorithm(algorithm: Algorithm) -> Option<hkdf::Algorithm> {
    match algorithm {
        Algorithm::Sha1 => Some(hkdf::HKDF_SHA1_FOR_LEGACY_USE_ONLY),
        Algorithm::Sha256 => Some(hkdf::HKDF_SHA256),
        Algorithm::Sha384 => Some(hkdf::HKDF_SHA384),
        Algorithm::Sha512 => Some(hkdf::HKDF_SHA512),
        Algorithm::Sha224 => None,
    }
}

/// The output length of an expand (`KeyType` for aws-lc-rs).
struct OutputLen(usize);

impl hkdf::KeyType for OutputLen {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Extract: PRK = HMAC(salt, IKM) into `prk` (the digest's size); no salt means a salt of
/// zeros of the digest's size (RFC 5869 §2.2).
pub(crate) fn extract(algorithm: Algorithm, salt: Option<&[u8]>, ikm: &[u8], prk: &mut [u8]) {
    let zeros = [0u8; MAX_PRK_LEN];
    let salt = salt.unwrap_or(&zeros[..algorithm.output_len()]);
    digest::authenticate(algorithm, salt, ikm, prk);
}

/// HKDF-Expand of `prk` and `info` into `okm`.
///
/// # Errors
/// `HkdfBadInputData` for a PRK shorter than the digest or longer than 64 bytes, an output
/// longer than 255 digests, or SHA-224 (aws-lc has no HKDF on it).
pub(crate) fn expand(algorithm: Algorithm, prk: &[u8], info: &[u8], okm: &mut [u8]) -> Result<()> {
    let Some(hkdf_algorithm) = expand_algorithm(algorithm) else {
        return Err(Error::HkdfBadInputData);
    };
    if prk.len() < algorithm.output_len() || prk.len() > MAX_PRK_LEN || okm.len() > 255 * algorithm.output_len() {
        return Err(Error::HkdfBadInputData);
    }
    let prk = hkdf::Prk::new_less_safe(hkdf_algorithm, prk);
    let info = [info];
    let expanded = prk.expand(&info, OutputLen(okm.len())).map_err(|_| Error::HkdfBadInputData)?;
    expanded.fill(okm).map_err(|_| Error::HkdfBadInputData)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    /// RFC 5869 A.1 (SHA-256, basic) and A.3 (SHA-256, no salt and no info).
    #[test]
    fn rfc_5869_vectors() {
        let ikm = [0x0b; 22];
        let mut prk = [0u8; 32];
        extract(Algorithm::Sha256, Some(&unhex("000102030405060708090a0b0c")), &ikm, &mut prk);
        assert_eq!(prk.to_vec(), unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
        let mut okm = [0u8; 42];
        expand(Algorithm::Sha256, &prk, &unhex("f0f1f2f3f4f5f6f7f8f9"), &mut okm).unwrap();
        let want = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
        assert_eq!(okm.to_vec(), unhex(want));

        extract(Algorithm::Sha256, None, &ikm, &mut prk);
        assert_eq!(prk.to_vec(), unhex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"));
        expand(Algorithm::Sha256, &prk, &[], &mut okm).unwrap();
        let want = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
        assert_eq!(okm.to_vec(), unhex(want));
    }

    #[test]
    fn refusals() {
        let mut okm = [0u8; 16];
        assert_eq!(expand(Algorithm::Sha256, &[1; 31], b"", &mut okm), Err(Error::HkdfBadInputData), "short PRK");
        assert_eq!(expand(Algorithm::Sha256, &[1; 65], b"", &mut okm), Err(Error::HkdfBadInputData), "long PRK");
        assert_eq!(expand(Algorithm::Sha224, &[1; 28], b"", &mut okm), Err(Error::HkdfBadInputData), "SHA-224");
        let mut huge = vec![0u8; 255 * 32 + 1];
        assert_eq!(expand(Algorithm::Sha256, &[1; 32], b"", &mut huge), Err(Error::HkdfBadInputData));
        huge.truncate(255 * 32);
        assert_eq!(expand(Algorithm::Sha256, &[1; 32], b"", &mut huge), Ok(()), "the longest output");
    }
}
