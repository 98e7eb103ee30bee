//! `Aes`: the state of an `mbedtls_aes_context` (one key expanded for one direction) and
//! Mbed TLS's ECB, CBC and CTR calls over it, with Mbed TLS's checks and codes. The block
//! function and the modes are aws-lc's (`aws_lc::AesKey`).

use super::aws_lc::AesKey;
use crate::error::{Error, Result};

/// The block size of AES, in bytes.
pub(crate) const BLOCK: usize = 16;

/// The direction of an ECB or CBC call (`MBEDTLS_AES_ENCRYPT` / `MBEDTLS_AES_DECRYPT`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Direction {
    Encrypt,
    Decrypt,
}

impl Direction {
    /// Mbed TLS's `mode` argument: 1 encrypts, 0 decrypts, anything else is
    /// `MBEDTLS_ERR_AES_BAD_INPUT_DATA`.
    pub(crate) fn from_mode(mode: i32) -> Result<Self> {
        match mode {
            1 => Ok(Direction::Encrypt),
            0 => Ok(Direction::Decrypt),
            _ => Err(Error::AesBadInputData),
        }
    }
}

/// An AES context: no key until `set_key`, then a key expanded for one direction.
#[derive(Default)]
pub(crate) struct Aes {
    key: Option<AesKey>,
}

impl Aes {
    /// `mbedtls_aes_setkey_enc` / `_dec`: `key` holds `keybits / 8` bytes. A refused key leaves
    /// the context as it was (as in Mbed TLS).
    pub(crate) fn set_key(&mut self, key: &[u8], keybits: u32, direction: Direction) -> Result<()> {
        if !matches!(keybits, 128 | 192 | 256) || key.len() * 8 != keybits as usize {
            return Err(Error::AesInvalidKeyLength);
        }
        self.key = Some(AesKey::new(key, direction == Direction::Decrypt).ok_or(Error::AesInvalidKeyLength)?);
        Ok(())
    }

    /// The key, when it was expanded for `direction`.
    fn key_for(&self, direction: Direction) -> Result<&AesKey> {
        self.key
            .as_ref()
            .filter(|key| key.is_decrypt() == (direction == Direction::Decrypt))
            .ok_or(Error::AesBadInputData)
    }

    /// `mbedtls_aes_crypt_ecb`: one block in place.
    pub(crate) fn ecb(&self, direction: Direction, block: &mut [u8; BLOCK]) -> Result<()> {
        self.key_for(direction)?.block(block);
        Ok(())
    }

    /// `mbedtls_aes_crypt_cbc`: whole blocks in place; `iv` is updated for the next call.
    pub(crate) fn cbc(&self, direction: Direction, iv: &mut [u8; BLOCK], data: &mut [u8]) -> Result<()> {
        if data.len() % BLOCK != 0 {
            return Err(Error::AesInvalidInputLength);
        }
        self.key_for(direction)?.cbc(data, iv);
        Ok(())
    }

    /// `mbedtls_aes_crypt_ctr`: any length in place, resuming at `offset` in `stream` (the
    /// keystream block of the counter before `counter`); all three are updated.
    pub(crate) fn ctr(
        &self,
        offset: &mut usize,
        counter: &mut [u8; BLOCK],
        stream: &mut [u8; BLOCK],
        data: &mut [u8],
    ) -> Result<()> {
        if *offset >= BLOCK {
            return Err(Error::AesBadInputData);
        }
        let key = self.key_for(Direction::Encrypt)?;
        key.ctr(data, counter, stream, offset);
        if !data.is_empty() && *offset == 0 {
            // Mbed TLS leaves the keystream block of the last counter in `stream`; aws-lc does
            // not write it when whole blocks went through its bulk path.
            *stream = u128::from_be_bytes(*counter).wrapping_sub(1).to_be_bytes();
            key.block(stream);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    /// NIST SP 800-38A F.1, F.2 and F.5: the four blocks of plaintext, then per key size the
    /// key, the ECB, CBC and CTR ciphertexts. CBC's IV is 000102..0f; CTR's counter f0f1..ff.
    const SP800_38A_PLAIN: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51\
                                   30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
    const SP800_38A: [(&str, &str, &str, &str); 3] = [
        (
            "2b7e151628aed2a6abf7158809cf4f3c",
            "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf\
             43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4",
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2\
             73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
            "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff\
             5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
        ),
        (
            "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
            "bd334f1d6e45f25ff712a214571fa5cc974104846d0ad3ad7734ecb3ecee4eef\
             ef7afd2270e2e60adce0ba2face6444e9a4b41ba738d6c72fb16691603c18e0e",
            "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a\
             571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd",
            "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94\
             1e36b26bd1ebc670d1bd1d665620abf74f78a7f6d29809585a97daec58c6b050",
        ),
        (
            "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
            "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870\
             b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7",
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d\
             39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5\
             2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6",
        ),
    ];

    fn keyed(key: &[u8], direction: Direction) -> Aes {
        let mut aes = Aes::default();
        aes.set_key(key, key.len() as u32 * 8, direction).unwrap();
        aes
    }

    #[test]
    fn sp800_38a_ecb_cbc_ctr() {
        let plain = unhex(SP800_38A_PLAIN);
        for (key, ecb, cbc, ctr) in SP800_38A {
            let key = unhex(key);
            let (enc, dec) = (keyed(&key, Direction::Encrypt), keyed(&key, Direction::Decrypt));
            let mut data = plain.clone();
            for block in data.chunks_mut(BLOCK) {
                enc.ecb(Direction::Encrypt, block.try_into().unwrap()).unwrap();
            }
            assert_eq!(data, unhex(ecb));
            for block in data.chunks_mut(BLOCK) {
                dec.ecb(Direction::Decrypt, block.try_into().unwrap()).unwrap();
            }
            assert_eq!(data, plain);
            // CBC in two calls: the IV carries over.
            let iv0: [u8; 16] = core::array::from_fn(|i| i as u8);
            let mut iv = iv0;
            enc.cbc(Direction::Encrypt, &mut iv, &mut data[..16]).unwrap();
            enc.cbc(Direction::Encrypt, &mut iv, &mut data[16..]).unwrap();
            assert_eq!(data, unhex(cbc));
            assert_eq!(iv.to_vec(), unhex(cbc)[48..]);
            let mut iv = iv0;
            dec.cbc(Direction::Decrypt, &mut iv, &mut data).unwrap();
            assert_eq!(data, plain);
            // CTR in pieces of 5, 17, 1 and the rest.
            let counter0: [u8; 16] = core::array::from_fn(|i| 0xf0 + i as u8);
            for round in 0..2 {
                let (mut counter, mut stream, mut offset) = (counter0, [0u8; 16], 0);
                let mut rest = &mut data[..];
                for piece in [5, 17, 1, 41] {
                    let (now, later) = rest.split_at_mut(piece);
                    enc.ctr(&mut offset, &mut counter, &mut stream, now).unwrap();
                    rest = later;
                }
                assert_eq!(data, if round == 0 { unhex(ctr) } else { plain.clone() });
                assert_eq!(offset, 0);
            }
        }
    }

    #[test]
    fn ctr_counter_carries_over_all_128_bits() {
        let aes = keyed(&[7; 16], Direction::Encrypt);
        let mut counter = [0xff; 16];
        counter[0] = 0x01;
        let start = counter;
        let mut data = vec![0u8; 48];
        aes.ctr(&mut 0, &mut counter, &mut [0; 16], &mut data).unwrap();
        // Reference: the ECB encryptions of the three counter values.
        let mut expected = Vec::new();
        for n in 0u128..3 {
            let mut block = (u128::from_be_bytes(start) + n).to_be_bytes();
            aes.ecb(Direction::Encrypt, &mut block).unwrap();
            expected.extend_from_slice(&block);
        }
        assert_eq!(data, expected);
        assert_eq!(u128::from_be_bytes(counter), u128::from_be_bytes(start) + 3);
    }

    #[test]
    fn mbedtls_codes_for_bad_input() {
        let mut aes = Aes::default();
        let mut block = [0u8; 16];
        assert_eq!(aes.ecb(Direction::Encrypt, &mut block), Err(Error::AesBadInputData), "no key");
        for bits in [0, 64, 127, 129, 512] {
            assert_eq!(
                aes.set_key(&[0; 64][..bits / 8], bits as u32, Direction::Encrypt),
                Err(Error::AesInvalidKeyLength)
            );
        }
        assert_eq!(Direction::from_mode(2), Err(Error::AesBadInputData));
        assert_eq!(Direction::from_mode(-1), Err(Error::AesBadInputData));
        aes.set_key(&[1; 32], 256, Direction::Encrypt).unwrap();
        assert_eq!(aes.ecb(Direction::Decrypt, &mut block), Err(Error::AesBadInputData), "an encryption key");
        assert_eq!(aes.cbc(Direction::Encrypt, &mut [0; 16], &mut [0; 15]), Err(Error::AesInvalidInputLength));
        assert_eq!(aes.cbc(Direction::Encrypt, &mut [0; 16], &mut []), Ok(()));
        assert_eq!(aes.ctr(&mut 16, &mut [0; 16], &mut [0; 16], &mut [0; 3]), Err(Error::AesBadInputData));
        aes.set_key(&[1; 16], 128, Direction::Decrypt).unwrap();
        assert_eq!(
            aes.ctr(&mut 0, &mut [0; 16], &mut [0; 16], &mut [0; 3]),
            Err(Error::AesBadInputData),
            "CTR needs enc"
        );
    }
}
