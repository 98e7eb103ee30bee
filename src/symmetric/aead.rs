//! One-shot AEAD through aws-lc-rs's safe API (`aws_lc_rs::aead`): AES-GCM with a 96-bit
//! nonce and ChaCha20-Poly1305, the common case of `mbedtls_gcm_crypt_and_tag`,
//! `mbedtls_gcm_auth_decrypt`, `mbedtls_chachapoly_encrypt_and_tag` and
//! `mbedtls_chachapoly_auth_decrypt` (the other cases run through the streaming code).

use aws_lc_rs::aead::{
    AES_128_GCM, AES_192_GCM, AES_256_GCM, Aad, Algorithm, CHACHA20_POLY1305, LessSafeKey, Nonce, UnboundKey,
};

/// The algorithms.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Aead {
    /// AES-GCM, with the key size chosen by the key's length (16, 24 or 32 bytes).
    AesGcm,
    ChaCha20Poly1305,
}

impl Aead {
    fn key(self, key: &[u8]) -> Option<LessSafeKey> {
        let algorithm: &'static Algorithm = match (self, key.len()) {
            (Aead::AesGcm, 16) => &AES_128_GCM,
            (Aead::AesGcm, 24) => &AES_192_GCM,
            (Aead::AesGcm, 32) => &AES_256_GCM,
            (Aead::ChaCha20Poly1305, 32) => &CHACHA20_POLY1305,
            _ => return None,
        };
        UnboundKey::new(algorithm, key).ok().map(LessSafeKey::new)
    }

    /// Encrypts `data` in place and returns the 16-byte tag; None for a key of the wrong size
    /// or data over the algorithm's limit.
    pub(crate) fn seal(self, key: &[u8], nonce: [u8; 12], aad: &[u8], data: &mut [u8]) -> Option<[u8; 16]> {
        let tag = self.key(key)?.seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad), data);
        tag.ok()?.as_ref().try_into().ok()
    }

    /// Checks `tag` (16 bytes) and decrypts `data` in place. False when the data is not
    /// authentic (or the key has the wrong size); `data` is then all zeros.
    pub(crate) fn open(self, key: &[u8], nonce: [u8; 12], aad: &[u8], tag: &[u8], data: &mut [u8]) -> bool {
        let ciphertext = data.to_vec();
        let opened = self.key(key).is_some_and(|key| {
            key.open_separate_gather(Nonce::assume_unique_for_key(nonce), Aad::from(aad), &ciphertext, tag, data)
                .is_ok()
        });
        if !opened {
            data.fill(0);
        }
        opened
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    #[test]
    fn rfc_8439_2_8_2_and_gcm_test_case_4() {
        let key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        let nonce: [u8; 12] = unhex("070000004041424344454647").try_into().unwrap();
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let plain = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let mut data = plain.to_vec();
        let tag = Aead::ChaCha20Poly1305.seal(&key, nonce, &aad, &mut data).unwrap();
        assert_eq!(tag.to_vec(), unhex("1ae10b594f09e26a7e902ecbd0600691"));
        assert_eq!(data[..16], unhex("d31a8d34648e60db7b86afbc53ef7ec2"));
        assert!(Aead::ChaCha20Poly1305.open(&key, nonce, &aad, &tag, &mut data));
        assert_eq!(data, plain);
        let mut bad = tag;
        bad[15] ^= 1;
        assert!(!Aead::ChaCha20Poly1305.open(&key, nonce, &aad, &bad, &mut data));
        assert!(data.iter().all(|b| *b == 0), "plaintext of a forgery is wiped");
        assert!(Aead::ChaCha20Poly1305.seal(&key[..16], nonce, &aad, &mut data).is_none());
        // The GCM specification's test case 4 (AES-128, 60 bytes, 20 bytes of AAD).
        let key = unhex("feffe9928665731c6d6a8f9467308308");
        let nonce: [u8; 12] = unhex("cafebabefacedbaddecaf888").try_into().unwrap();
        let aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let mut data = unhex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
        );
        let tag = Aead::AesGcm.seal(&key, nonce, &aad, &mut data).unwrap();
        assert_eq!(tag.to_vec(), unhex("5bc94fbc3221a5db94fae95ae7121a47"));
        assert_eq!(data[..16], unhex("42831ec2217774244b7221b784d0d49c"));
    }
}
