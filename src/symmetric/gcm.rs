//! `Gcm`: the state of an `mbedtls_gcm_context` (Mbed TLS 3.6's streaming GCM: IVs of any
//! length, associated data and data in pieces of any size, tags of 4 to 16 bytes) with Mbed
//! TLS's checks and codes. The GCM computation is aws-lc's (`aws_lc::EvpGcm`); the one-shots
//! with a 96-bit IV go through aws-lc-rs (`aead`).
//!
//! Decryption also yields the tag of the ciphertext (`mbedtls_gcm_finish` computes it, the
//! caller compares): aws-lc only reveals the tag of an encryption, so a decryption runs a second
//! GCM encryption over the recovered plaintext, whose tag is that of the ciphertext.

use zeroize::Zeroizing;

use super::aead::Aead;
use super::aws_lc::EvpGcm;
use crate::error::{Error, Result};

/// Most bytes of data one message may hold (2^36 - 32, NIST SP 800-38D).
const MAX_DATA: u64 = 0xF_FFFF_FFE0;
/// Most bytes of associated data (2^61 - 1: 2^64 bits).
const MAX_AAD: u64 = (1 << 61) - 1;

/// One message after `starts`.
struct Message {
    engine: EvpGcm,
    /// Decryption only: the encryption whose tag is the ciphertext's.
    tagger: Option<EvpGcm>,
    aad_len: u64,
    data_len: u64,
}

#[derive(Default)]
enum State {
    /// No message (after init, setkey, or a one-shot).
    #[default]
    Idle,
    Running(Box<Message>),
}

/// An `mbedtls_gcm_context`.
#[derive(Default)]
pub(crate) struct Gcm {
    key: Option<Zeroizing<Vec<u8>>>,
    state: State,
}

impl Gcm {
    /// `mbedtls_gcm_setkey` with AES (`aes` false: another block cipher, which this library does
    /// not offer): `key` holds `keybits / 8` bytes, `keybits` 128, 192 or 256. A message in
    /// progress is abandoned.
    pub(crate) fn set_key(&mut self, aes: bool, key: &[u8], keybits: u32) -> Result<()> {
        self.state = State::Idle;
        if !matches!(keybits, 128 | 192 | 256) || !aes || key.len() * 8 != keybits as usize {
            return Err(Error::GcmBadInput);
        }
        self.key = Some(Zeroizing::new(key.to_vec()));
        Ok(())
    }

    /// `mbedtls_gcm_starts`: a new message with `iv` (1 byte to 2^31 - 1 bytes); a message in
    /// progress is abandoned.
    pub(crate) fn starts(&mut self, decrypt: bool, iv: &[u8]) -> Result<()> {
        self.state = State::Idle;
        let key = self.key.as_ref().ok_or(Error::GcmBadInput)?;
        let engine = EvpGcm::new(key, iv, !decrypt).ok_or(Error::GcmBadInput)?;
        let tagger = if decrypt { Some(EvpGcm::new(key, iv, true).ok_or(Error::GcmBadInput)?) } else { None };
        self.state = State::Running(Box::new(Message { engine, tagger, aad_len: 0, data_len: 0 }));
        Ok(())
    }

    fn message(&mut self) -> Result<&mut Message> {
        match &mut self.state {
            State::Running(message) => Ok(message),
            State::Idle => Err(Error::GcmBadInput),
        }
    }

    /// `mbedtls_gcm_update_ad`: associated data, after `starts` and before any data.
    pub(crate) fn update_ad(&mut self, aad: &[u8]) -> Result<()> {
        let message = self.message()?;
        let total = message.aad_len.checked_add(aad.len() as u64).filter(|n| *n <= MAX_AAD);
        if message.data_len != 0 || total.is_none() {
            return Err(Error::GcmBadInput);
        }
        let ok = message.engine.aad(aad) && message.tagger.as_mut().is_none_or(|tagger| tagger.aad(aad));
        message.aad_len = total.unwrap_or(MAX_AAD);
        ok.then_some(()).ok_or(Error::GcmBadInput)
    }

    /// The checks of `update` for `len` bytes, made before anything is written: a message runs
    /// (unless `len` is 0) and its data stays within 2^36 - 32 bytes. The new total.
    pub(crate) fn check_update(&self, len: usize) -> Result<u64> {
        match &self.state {
            _ if len == 0 => Ok(0),
            State::Running(message) => {
                message.data_len.checked_add(len as u64).filter(|n| *n <= MAX_DATA).ok_or(Error::GcmBadInput)
            }
            State::Idle => Err(Error::GcmBadInput),
        }
    }

    /// `mbedtls_gcm_update`: encrypts or decrypts `data` in place (the output is immediate:
    /// as long as the input). Nothing to do for empty data, in any state (as in Mbed TLS).
    pub(crate) fn update(&mut self, data: &mut [u8]) -> Result<()> {
        let total = self.check_update(data.len())?;
        if data.is_empty() {
            return Ok(());
        }
        let message = self.message()?;
        message.data_len = total;
        let mut ok = message.engine.update(data);
        if let Some(tagger) = &mut message.tagger {
            // Encrypting the plaintext again yields the ciphertext, whose tag is wanted.
            ok &= data.chunks(4096).all(|piece| tagger.update(&mut Zeroizing::new(piece.to_vec())));
        }
        ok.then_some(()).ok_or(Error::GcmBadInput)
    }

    /// `mbedtls_gcm_finish`: the first `tag.len()` bytes (4 to 16) of the message's tag; the
    /// context then holds no message. A refused call changes nothing.
    pub(crate) fn finish(&mut self, tag: &mut [u8]) -> Result<()> {
        if !(4..=16).contains(&tag.len()) || matches!(self.state, State::Idle) {
            return Err(Error::GcmBadInput);
        }
        let State::Running(message) = core::mem::take(&mut self.state) else { unreachable!("checked above") };
        let Message { engine, tagger, .. } = *message;
        let full = tagger.unwrap_or(engine).tag().ok_or(Error::GcmBadInput)?;
        tag.copy_from_slice(&full[..tag.len()]);
        Ok(())
    }

    /// The checks of the one-shots, before anything is written.
    fn check_one_shot(&self, iv: &[u8], tag_len: usize) -> Result<()> {
        if iv.is_empty() || !(4..=16).contains(&tag_len) || self.key.is_none() {
            return Err(Error::GcmBadInput);
        }
        Ok(())
    }

    /// The message at once, streamed: `starts`, `update_ad`, `update`, `finish`.
    fn streamed(&mut self, decrypt: bool, iv: &[u8], aad: &[u8], data: &mut [u8], tag: &mut [u8]) -> Result<()> {
        self.starts(decrypt, iv)?;
        self.update_ad(aad)?;
        self.update(data)?;
        self.finish(tag)
    }

    /// `mbedtls_gcm_crypt_and_tag`: encrypts (or, without any check, decrypts) `data` in place
    /// and writes the tag (4 to 16 bytes). The context then holds no message.
    pub(crate) fn crypt_and_tag(
        &mut self,
        decrypt: bool,
        iv: &[u8],
        aad: &[u8],
        data: &mut [u8],
        tag: &mut [u8],
    ) -> Result<()> {
        self.check_one_shot(iv, tag.len())?;
        match (decrypt, <[u8; 12]>::try_from(iv), &self.key) {
            (false, Ok(nonce), Some(key)) => {
                self.state = State::Idle;
                let full = Aead::AesGcm.seal(key, nonce, aad, data).ok_or(Error::GcmBadInput)?;
                tag.copy_from_slice(&full[..tag.len()]);
                Ok(())
            }
            _ => self.streamed(decrypt, iv, aad, data, tag),
        }
    }

    /// `mbedtls_gcm_auth_decrypt`: checks `tag` (4 to 16 bytes) and decrypts `data` in place;
    /// a forgery is `MBEDTLS_ERR_GCM_AUTH_FAILED` with `data` wiped.
    pub(crate) fn auth_decrypt(&mut self, iv: &[u8], aad: &[u8], tag: &[u8], data: &mut [u8]) -> Result<()> {
        self.check_one_shot(iv, tag.len())?;
        let authentic = match (<[u8; 12]>::try_from(iv), tag.len(), &self.key) {
            (Ok(nonce), 16, Some(key)) => {
                self.state = State::Idle;
                Aead::AesGcm.open(key, nonce, aad, tag, data)
            }
            _ => {
                let mut computed = Zeroizing::new(vec![0u8; tag.len()]);
                self.streamed(true, iv, aad, data, &mut computed)?;
                aws_lc_rs::constant_time::verify_slices_are_equal(&computed, tag).is_ok()
            }
        };
        if !authentic {
            data.fill(0);
            return Err(Error::GcmAuthFailed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    /// Test cases of the GCM specification (McGrew and Viega, revised, appendix B; also
    /// NIST's CAVP examples): key, IV, AAD, plaintext, ciphertext, tag. Cases 5 and 6 have 8-byte
    /// and 60-byte IVs.
    const SPEC: [(&str, &str, &str, &str, &str, &str); 7] = [
        (
            "00000000000000000000000000000000",
            "000000000000000000000000",
            "",
            "",
            "",
            "58e2fccefa7e3061367f1d57a4e7455a",
        ),
        (
            "00000000000000000000000000000000",
            "000000000000000000000000",
            "",
            "00000000000000000000000000000000",
            "0388dace60b6a392f328c2b971b2fe78",
            "ab6e47d42cec13bdf53a67b21257bddf",
        ),
        (
            "feffe9928665731c6d6a8f9467308308",
            "cafebabefacedbaddecaf888",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            "5bc94fbc3221a5db94fae95ae7121a47",
        ),
        (
            "feffe9928665731c6d6a8f9467308308",
            "cafebabefacedbad",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
            "3612d2e79e3b0785561be14aaca2fccb",
        ),
        (
            "feffe9928665731c6d6a8f9467308308",
            "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5",
            "619cc5aefffe0bfa462af43c1699d050",
        ),
        (
            "feffe9928665731c6d6a8f9467308308feffe9928665731c",
            "cafebabefacedbaddecaf888",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710",
            "2519498e80f1478f37ba55bd6d27618c",
        ),
        (
            "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
            "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf40fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
            "a44a8266ee1c8eb0c8b5d4cf5ae9f19a",
        ),
    ];

    fn keyed(key: &[u8]) -> Gcm {
        let mut gcm = Gcm::default();
        gcm.set_key(true, key, key.len() as u32 * 8).unwrap();
        gcm
    }

    #[test]
    fn specification_vectors_streamed_in_pieces_and_at_once() {
        for (key, iv, aad, plain, cipher, tag) in SPEC {
            let (key, iv, aad, plain, cipher, tag) =
                (unhex(key), unhex(iv), unhex(aad), unhex(plain), unhex(cipher), unhex(tag));
            let mut gcm = keyed(&key);
            for (decrypt, input, output) in [(false, &plain, &cipher), (true, &cipher, &plain)] {
                for piece in [1, 7, 16, 33, 64] {
                    gcm.starts(decrypt, &iv).unwrap();
                    aad.chunks(3).for_each(|a| gcm.update_ad(a).unwrap());
                    let mut data = input.clone();
                    data.chunks_mut(piece).for_each(|d| gcm.update(d).unwrap());
                    let mut got = [0u8; 16];
                    gcm.finish(&mut got).unwrap();
                    assert_eq!((&data, got.to_vec()), (output, tag.clone()), "decrypt {decrypt}, pieces of {piece}");
                }
            }
            for tag_len in [16, 12, 4] {
                let mut data = plain.clone();
                let mut got = vec![0u8; tag_len];
                gcm.crypt_and_tag(false, &iv, &aad, &mut data, &mut got).unwrap();
                assert_eq!((&data, &got[..]), (&cipher, &tag[..tag_len]));
                gcm.auth_decrypt(&iv, &aad, &tag[..tag_len], &mut data).unwrap();
                assert_eq!(data, plain);
                let mut forged = cipher.clone();
                forged.push(0);
                let mut bad = tag[..tag_len].to_vec();
                bad[0] ^= 0x80;
                assert_eq!(gcm.auth_decrypt(&iv, &aad, &bad, &mut forged), Err(Error::GcmAuthFailed));
                assert!(forged.iter().all(|b| *b == 0));
            }
            let mut data = cipher.clone();
            let mut got = [0u8; 16];
            gcm.crypt_and_tag(true, &iv, &aad, &mut data, &mut got).unwrap();
            assert_eq!((data, got.to_vec()), (plain, tag), "decryption without a check yields the tag");
        }
    }

    #[test]
    fn wrong_call_order_and_bad_lengths_are_bad_input() {
        let mut gcm = Gcm::default();
        assert_eq!(gcm.starts(false, &[0; 12]), Err(Error::GcmBadInput), "no key");
        for bits in [0, 64, 120, 129, 512] {
            assert_eq!(gcm.set_key(true, &[0; 64][..bits / 8], bits as u32), Err(Error::GcmBadInput));
        }
        assert_eq!(gcm.set_key(false, &[0; 16], 128), Err(Error::GcmBadInput), "not AES");
        gcm.set_key(true, &[0; 16], 128).unwrap();
        assert_eq!(gcm.update_ad(b"a"), Err(Error::GcmBadInput), "before starts");
        assert_eq!(gcm.update(&mut [0; 4]), Err(Error::GcmBadInput), "before starts");
        assert_eq!(gcm.update(&mut []), Ok(()), "empty data is accepted in any state");
        assert_eq!(gcm.finish(&mut [0; 16]), Err(Error::GcmBadInput), "before starts");
        assert_eq!(gcm.starts(false, &[]), Err(Error::GcmBadInput), "empty IV");
        gcm.starts(false, &[0; 12]).unwrap();
        gcm.update(&mut [0; 4]).unwrap();
        assert_eq!(gcm.update_ad(b"a"), Err(Error::GcmBadInput), "AAD after data");
        for len in [0, 3, 17] {
            assert_eq!(gcm.finish(&mut vec![0; len]), Err(Error::GcmBadInput), "tag of {len} bytes");
        }
        gcm.finish(&mut [0; 16]).unwrap();
        assert_eq!(gcm.update(&mut [0; 4]), Err(Error::GcmBadInput), "update after finish");
        assert_eq!(gcm.finish(&mut [0; 16]), Err(Error::GcmBadInput), "finish twice");
        assert_eq!(gcm.crypt_and_tag(false, &[0; 12], &[], &mut [], &mut [0; 3]), Err(Error::GcmBadInput));
        assert_eq!(gcm.auth_decrypt(&[], &[], &[0; 16], &mut []), Err(Error::GcmBadInput));
    }
}
