//! `CipherContext`: the generic cipher layer of `cipher.h` (`mbedtls_cipher_context_t`) over
//! the AES, GCM, ChaCha20 and ChaCha20-Poly1305 contexts of this module, with Mbed TLS 3.6's
//! rules: which modes buffer input (CBC holds back the last block when it decrypts with
//! padding), which take an IV and of what size, PKCS#7 padding, and which calls each mode
//! answers with which code.

use zeroize::Zeroizing;

use super::aes::{Aes, BLOCK, Direction};
use super::chacha::{ChaCha20, ChaChaPoly};
use super::gcm::Gcm;
use crate::error::{Error, Result};

/// The modes of operation this library offers (`mbedtls_cipher_mode_t`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Ecb,
    Cbc,
    Ctr,
    Gcm,
    /// ChaCha20 (`MBEDTLS_MODE_STREAM`).
    Stream,
    ChaChaPoly,
}

/// One cipher of `mbedtls_cipher_list`: a mode and a key size (AES unless the mode is a ChaCha
/// one).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Cipher {
    pub(crate) mode: Mode,
    pub(crate) key_bits: u32,
}

impl Cipher {
    /// True for ChaCha20 and ChaCha20-Poly1305, false for AES.
    pub(crate) const fn is_chacha(self) -> bool {
        matches!(self.mode, Mode::Stream | Mode::ChaChaPoly)
    }

    /// The block size in bytes (1 for the ChaCha ones, as in Mbed TLS).
    pub(crate) const fn block_size(self) -> usize {
        if self.is_chacha() { 1 } else { BLOCK }
    }

    /// The IV (nonce) size in bytes; for GCM the recommended one.
    pub(crate) const fn iv_size(self) -> usize {
        match self.mode {
            Mode::Ecb => 0,
            Mode::Cbc | Mode::Ctr => 16,
            Mode::Gcm | Mode::Stream | Mode::ChaChaPoly => 12,
        }
    }

    /// True when any IV size is accepted (GCM).
    pub(crate) fn variable_iv(self) -> bool {
        self.mode == Mode::Gcm
    }
}

/// `mbedtls_operation_t` (without `MBEDTLS_OPERATION_NONE`, which `setkey` refuses).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Operation {
    Decrypt,
    Encrypt,
}

/// The padding modes this library offers (`MBEDTLS_CIPHER_PADDING_PKCS7` and none).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Padding {
    Pkcs7,
    NoPadding,
}

/// The context of the cipher underneath.
enum Engine {
    Aes(Aes),
    Gcm(Gcm),
    ChaCha20(ChaCha20),
    ChaChaPoly(ChaChaPoly),
}

/// An `mbedtls_cipher_context_t` after `mbedtls_cipher_setup`.
pub(crate) struct CipherContext {
    cipher: Cipher,
    operation: Operation,
    keyed: bool,
    engine: Engine,
    /// CBC only; None until `set_padding` (Mbed TLS 3.6 sets no default).
    padding: Option<Padding>,
    /// CBC: input held back; CTR: the current keystream block.
    unprocessed: Zeroizing<[u8; BLOCK]>,
    /// CBC: how many bytes are held back; CTR: the position in the keystream block.
    unprocessed_len: usize,
    /// CBC and CTR: the chaining value / counter block; ChaCha20-Poly1305: the nonce.
    iv: [u8; 16],
    /// The size of the last IV set, 0 before.
    iv_size: usize,
    /// CBC: `finish` consumed the held-back block; `reset` or `set_iv` starts a new message.
    finished: bool,
}

/// One message of `mbedtls_cipher_auth_encrypt_ext` / `_decrypt_ext`: IV (nonce), associated
/// data, data, and the tag length.
pub(crate) struct AeadMessage<'a> {
    pub(crate) iv: &'a [u8],
    pub(crate) ad: &'a [u8],
    pub(crate) data: &'a [u8],
    pub(crate) tag_len: usize,
}

/// CBC over whole blocks with the AES key of a CBC context.
fn cbc_blocks(engine: &Engine, direction: Direction, iv: &mut [u8; 16], data: &mut [u8]) -> Result<()> {
    match engine {
        Engine::Aes(aes) => aes.cbc(direction, iv, data),
        _ => unreachable!("CBC contexts hold AES"),
    }
}

/// PKCS#7 padding check of a final block without branching on its bytes: the length of the
/// data, and whether the padding was invalid.
fn pkcs7_data_len(block: &[u8; BLOCK]) -> (usize, bool) {
    let pad = usize::from(block[BLOCK - 1]);
    let mut bad = u8::from(pad == 0) | u8::from(pad > BLOCK);
    let start = BLOCK.wrapping_sub(pad);
    for (i, byte) in block.iter().enumerate() {
        bad |= u8::from(i >= start) & u8::from(usize::from(*byte) != pad);
    }
    let bad = bad != 0;
    (usize::from(!bad) * BLOCK.wrapping_sub(pad), bad)
}

impl CipherContext {
    /// `mbedtls_cipher_setup`.
    pub(crate) fn new(cipher: Cipher) -> Self {
        let engine = match cipher.mode {
            Mode::Ecb | Mode::Cbc | Mode::Ctr => Engine::Aes(Aes::default()),
            Mode::Gcm => Engine::Gcm(Gcm::default()),
            Mode::Stream => Engine::ChaCha20(ChaCha20::default()),
            Mode::ChaChaPoly => Engine::ChaChaPoly(ChaChaPoly::default()),
        };
        Self {
            cipher,
            // An Mbed TLS context is zeroed at setup: its operation reads as MBEDTLS_DECRYPT (0).
            operation: Operation::Decrypt,
            keyed: false,
            engine,
            padding: None,
            unprocessed: Zeroizing::new([0; BLOCK]),
            unprocessed_len: 0,
            iv: [0; 16],
            iv_size: 0,
            finished: false,
        }
    }

    pub(crate) fn cipher(&self) -> Cipher {
        self.cipher
    }

    pub(crate) fn operation(&self) -> Operation {
        self.operation
    }

    /// `mbedtls_cipher_get_iv_size`: the size of the IV set, or the cipher's before one is set.
    pub(crate) fn iv_size(&self) -> usize {
        if self.iv_size != 0 { self.iv_size } else { self.cipher.iv_size() }
    }

    /// `mbedtls_cipher_setkey`: `key` holds `key_bits / 8` bytes; `key_bits` must be the
    /// cipher's.
    pub(crate) fn set_key(&mut self, key: &[u8], key_bits: u32, operation: Operation) -> Result<()> {
        if key_bits != self.cipher.key_bits || key.len() * 8 != key_bits as usize {
            return Err(Error::CipherBadInputData);
        }
        self.operation = operation;
        self.keyed = false;
        fn to_32(key: &[u8]) -> Result<&[u8; 32]> {
            key.try_into().map_err(|_| Error::CipherBadInputData)
        }
        match &mut self.engine {
            Engine::Aes(aes) => {
                // ECB and CBC decrypt with the inverse cipher; CTR always encrypts.
                let inverse = operation == Operation::Decrypt && self.cipher.mode != Mode::Ctr;
                aes.set_key(key, key_bits, if inverse { Direction::Decrypt } else { Direction::Encrypt })?
            }
            Engine::Gcm(gcm) => gcm.set_key(true, key, key_bits)?,
            Engine::ChaCha20(chacha) => chacha.set_key(to_32(key)?),
            Engine::ChaChaPoly(chachapoly) => chachapoly.set_key(to_32(key)?),
        }
        self.keyed = true;
        Ok(())
    }

    /// `mbedtls_cipher_set_padding_mode`: CBC only (`MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA` for
    /// other modes, checked first); None is a padding mode this library does not offer
    /// (`MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE`, the context unchanged).
    pub(crate) fn set_padding(&mut self, padding: Option<Padding>) -> Result<()> {
        if self.cipher.mode != Mode::Cbc {
            return Err(Error::CipherBadInputData);
        }
        self.padding = Some(padding.ok_or(Error::CipherFeatureUnavailable)?);
        Ok(())
    }

    /// `mbedtls_cipher_set_iv`. GCM starts its message here; ChaCha20 starts at block 0.
    pub(crate) fn set_iv(&mut self, iv: &[u8]) -> Result<()> {
        if iv.len() > 16 {
            return Err(Error::CipherFeatureUnavailable);
        }
        let size = if self.cipher.variable_iv() { iv.len() } else { self.cipher.iv_size() };
        if size > iv.len() || (self.cipher.is_chacha() && iv.len() != 12) {
            return Err(Error::CipherBadInputData);
        }
        self.finished = false;
        match &mut self.engine {
            Engine::Gcm(_) if !self.keyed => return Err(Error::CipherBadInputData),
            Engine::Gcm(gcm) => return gcm.starts(self.operation == Operation::Decrypt, iv),
            Engine::ChaCha20(chacha) => chacha.starts(iv.try_into().expect("12 bytes, checked"), 0),
            _ => {}
        }
        if size != 0 {
            self.iv[..size].copy_from_slice(&iv[..size]);
            self.iv_size = size;
        }
        Ok(())
    }

    /// `mbedtls_cipher_reset`: forgets held-back input (CBC) and the keystream position (CTR).
    pub(crate) fn reset(&mut self) {
        self.unprocessed_len = 0;
        self.finished = false;
    }

    /// `mbedtls_cipher_update_ad`: GCM adds associated data; ChaCha20-Poly1305 starts its
    /// message with the IV set and takes this as its associated data (as in Mbed TLS, a second
    /// call starts the message again).
    pub(crate) fn update_ad(&mut self, ad: &[u8]) -> Result<()> {
        let decrypt = self.operation == Operation::Decrypt;
        match &mut self.engine {
            Engine::Gcm(gcm) => gcm.update_ad(ad),
            Engine::ChaChaPoly(chachapoly) => {
                chachapoly.starts(self.iv[..12].try_into().expect("12 bytes"), decrypt)?;
                chachapoly.update_aad(ad)
            }
            _ => Err(Error::CipherFeatureUnavailable),
        }
    }

    fn direction(&self) -> Direction {
        if self.operation == Operation::Decrypt { Direction::Decrypt } else { Direction::Encrypt }
    }

    /// `mbedtls_cipher_update`: the output of `input` (any length; one block in ECB).
    /// `same_buffer` says the caller's output is its input, which buffering modes refuse
    /// when bytes are held back or the input is not whole blocks (as in Mbed TLS).
    pub(crate) fn update(&mut self, input: &[u8], same_buffer: bool) -> Result<Zeroizing<Vec<u8>>> {
        if self.cipher.mode == Mode::Ecb && input.len() != BLOCK {
            return Err(Error::CipherFullBlockExpected);
        }
        if !self.keyed || self.finished {
            return Err(Error::CipherBadInputData);
        }
        let mut out = Zeroizing::new(input.to_vec());
        match (&mut self.engine, self.cipher.mode) {
            (Engine::Aes(aes), Mode::Ecb) => {
                let direction =
                    if self.operation == Operation::Decrypt { Direction::Decrypt } else { Direction::Encrypt };
                aes.ecb(direction, out.as_mut_slice().try_into().expect("one block, checked"))?;
                return Ok(out);
            }
            (Engine::Gcm(gcm), _) => return gcm.update(&mut out).map(|()| out),
            (Engine::ChaChaPoly(chachapoly), _) => return chachapoly.update(&mut out).map(|()| out),
            _ => {}
        }
        if same_buffer && (self.unprocessed_len != 0 || input.len() % self.cipher.block_size() != 0) {
            return Err(Error::CipherBadInputData);
        }
        match &mut self.engine {
            Engine::ChaCha20(chacha) => chacha.update(&mut out).map_err(|_| Error::CipherBadInputData)?,
            Engine::Aes(aes) if self.cipher.mode == Mode::Ctr => {
                aes.ctr(&mut self.unprocessed_len, &mut self.iv, &mut self.unprocessed, &mut out)?
            }
            _ => return self.cbc_update(input),
        }
        Ok(out)
    }

    /// CBC's part of `update`: whole blocks out, the rest held back. Decrypting with padding
    /// holds back a whole last block too, for `finish` to check its padding.
    fn cbc_update(&mut self, mut input: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let held = self.unprocessed_len;
        let hold_last_block = self.operation == Operation::Decrypt && self.padding == Some(Padding::Pkcs7);
        let room = BLOCK - held;
        if input.len() < room || (hold_last_block && input.len() == room) {
            self.unprocessed[held..held + input.len()].copy_from_slice(input);
            self.unprocessed_len += input.len();
            return Ok(Zeroizing::new(Vec::new()));
        }
        let mut out = Zeroizing::new(Vec::with_capacity(input.len() + BLOCK));
        let direction = self.direction();
        if held != 0 {
            self.unprocessed[held..].copy_from_slice(&input[..room]);
            let mut block = *self.unprocessed;
            cbc_blocks(&self.engine, direction, &mut self.iv, &mut block)?;
            out.extend_from_slice(&block);
            self.unprocessed_len = 0;
            input = &input[room..];
        }
        let mut keep = input.len() % BLOCK;
        if keep == 0 && hold_last_block && !input.is_empty() {
            keep = BLOCK;
        }
        let (now, later) = input.split_at(input.len() - keep);
        self.unprocessed[..keep].copy_from_slice(later);
        self.unprocessed_len = keep;
        let start = out.len();
        out.extend_from_slice(now);
        cbc_blocks(&self.engine, direction, &mut self.iv, &mut out[start..])?;
        Ok(out)
    }

    /// `mbedtls_cipher_finish_padded`: the last output, and whether a PKCS#7 padding was
    /// invalid (then no data: the caller reports `MBEDTLS_ERR_CIPHER_INVALID_PADDING` or hands
    /// the flag out, without having branched on it).
    pub(crate) fn finish(&mut self) -> Result<(Zeroizing<Vec<u8>>, bool)> {
        let none = || Ok((Zeroizing::new(Vec::new()), false));
        if self.cipher.mode != Mode::Cbc {
            return none();
        }
        let Some(padding) = self.padding else {
            return Err(Error::CipherBadInputData);
        };
        if self.finished {
            return Err(Error::CipherBadInputData);
        }
        let held = self.unprocessed_len;
        let mut block = *self.unprocessed;
        match (self.operation, padding) {
            (Operation::Encrypt, Padding::NoPadding) | (Operation::Decrypt, Padding::NoPadding) if held == 0 => {
                return none();
            }
            (Operation::Encrypt, Padding::Pkcs7) => block[held..].fill((BLOCK - held) as u8),
            _ if held != BLOCK => return Err(Error::CipherFullBlockExpected),
            _ => {}
        }
        cbc_blocks(&self.engine, self.direction(), &mut self.iv, &mut block[..])?;
        self.unprocessed_len = 0;
        self.finished = true;
        let (len, invalid) = match (self.operation, padding) {
            (Operation::Decrypt, Padding::Pkcs7) => pkcs7_data_len(&block),
            _ => (BLOCK, false),
        };
        Ok((Zeroizing::new(block[..len].to_vec()), invalid))
    }

    /// `mbedtls_cipher_write_tag`: the `tag_len`-byte tag of an encryption, after `finish`.
    pub(crate) fn write_tag(&mut self, tag_len: usize) -> Result<Zeroizing<Vec<u8>>> {
        if self.operation != Operation::Encrypt {
            return Err(Error::CipherBadInputData);
        }
        match &mut self.engine {
            Engine::Gcm(_) if !(4..=16).contains(&tag_len) => Err(Error::GcmBadInput),
            Engine::Gcm(gcm) => {
                let mut tag = Zeroizing::new(vec![0u8; tag_len]);
                gcm.finish(&mut tag)?;
                Ok(tag)
            }
            Engine::ChaChaPoly(_) if tag_len != 16 => Err(Error::CipherBadInputData),
            Engine::ChaChaPoly(chachapoly) => Ok(Zeroizing::new(chachapoly.finish()?.to_vec())),
            _ => Err(Error::CipherFeatureUnavailable),
        }
    }

    /// `mbedtls_cipher_check_tag`: compares `tag` with the tag of a decryption, after `finish`.
    pub(crate) fn check_tag(&mut self, tag: &[u8]) -> Result<()> {
        if self.operation != Operation::Decrypt {
            return Err(Error::CipherBadInputData);
        }
        let computed: Zeroizing<Vec<u8>> = match &mut self.engine {
            Engine::Gcm(_) if tag.len() > 16 => return Err(Error::CipherBadInputData),
            Engine::Gcm(gcm) => {
                let mut computed = Zeroizing::new(vec![0u8; tag.len()]);
                gcm.finish(&mut computed)?;
                computed
            }
            Engine::ChaChaPoly(_) if tag.len() != 16 => return Err(Error::CipherBadInputData),
            Engine::ChaChaPoly(chachapoly) => Zeroizing::new(chachapoly.finish()?.to_vec()),
            _ => return Err(Error::CipherFeatureUnavailable),
        };
        aws_lc_rs::constant_time::verify_slices_are_equal(&computed, tag).map_err(|_| Error::CipherAuthFailed)
    }

    /// `mbedtls_cipher_crypt`: `set_iv`, `reset`, `update`, `finish` at once.
    pub(crate) fn crypt(&mut self, iv: &[u8], input: &[u8], same_buffer: bool) -> Result<(Zeroizing<Vec<u8>>, bool)> {
        self.set_iv(iv)?;
        self.reset();
        let mut out = self.update(input, same_buffer)?;
        let (last, invalid) = self.finish()?;
        out.extend_from_slice(&last);
        Ok((out, invalid))
    }

    /// `mbedtls_cipher_auth_encrypt_ext`: the ciphertext followed by a `tag_len`-byte tag.
    pub(crate) fn auth_encrypt(&mut self, message: AeadMessage) -> Result<Zeroizing<Vec<u8>>> {
        let AeadMessage { iv, ad, data, tag_len } = message;
        let mut out = Zeroizing::new(data.to_vec());
        match &mut self.engine {
            Engine::Gcm(_) if tag_len > 16 => return Err(Error::GcmBadInput),
            Engine::Gcm(gcm) => {
                let mut tag = [0u8; 16];
                gcm.crypt_and_tag(false, iv, ad, &mut out, &mut tag[..tag_len])?;
                out.extend_from_slice(&tag[..tag_len]);
            }
            Engine::ChaChaPoly(chachapoly) => {
                let (Ok(nonce), 16) = (<&[u8; 12]>::try_from(iv), tag_len) else {
                    return Err(Error::CipherBadInputData);
                };
                let tag = chachapoly.encrypt_and_tag(nonce, ad, &mut out)?;
                out.extend_from_slice(&tag);
            }
            _ => return Err(Error::CipherFeatureUnavailable),
        }
        Ok(out)
    }

    /// `mbedtls_cipher_auth_decrypt_ext`: the message's data is the ciphertext followed by a
    /// `tag_len`-byte tag (`data.len() >= tag_len`, checked by the caller); the plaintext, or
    /// `MBEDTLS_ERR_CIPHER_AUTH_FAILED`.
    pub(crate) fn auth_decrypt(&mut self, message: AeadMessage) -> Result<Zeroizing<Vec<u8>>> {
        let AeadMessage { iv, ad, data, tag_len } = message;
        let (ciphertext, tag) = data.split_at(data.len() - tag_len);
        let mut out = Zeroizing::new(ciphertext.to_vec());
        let result = match &mut self.engine {
            Engine::Gcm(gcm) => gcm.auth_decrypt(iv, ad, tag, &mut out),
            Engine::ChaChaPoly(chachapoly) => match (<&[u8; 12]>::try_from(iv), <&[u8; 16]>::try_from(tag)) {
                (Ok(nonce), Ok(tag)) => chachapoly.auth_decrypt(nonce, ad, tag, &mut out),
                _ => return Err(Error::CipherBadInputData),
            },
            _ => return Err(Error::CipherFeatureUnavailable),
        };
        match result {
            Err(Error::GcmAuthFailed | Error::ChachapolyAuthFailed) => Err(Error::CipherAuthFailed),
            other => other.map(|()| out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    const AES128_CBC: Cipher = Cipher { mode: Mode::Cbc, key_bits: 128 };
    const KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
    /// NIST SP 800-38A F.2.1 (IV 000102..0f): the first two blocks.
    const PLAIN: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";
    const CBC: &str = "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2";

    fn context(cipher: Cipher, operation: Operation, padding: Option<Padding>) -> CipherContext {
        let mut ctx = CipherContext::new(cipher);
        ctx.set_key(&unhex(KEY), 128, operation).unwrap();
        if let Some(padding) = padding {
            ctx.set_padding(Some(padding)).unwrap();
        }
        ctx.set_iv(&(0u8..16).collect::<Vec<u8>>()).unwrap();
        ctx
    }

    /// `update` over `pieces`, then `finish`.
    fn stream(ctx: &mut CipherContext, data: &[u8], piece: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        for chunk in data.chunks(piece.max(1)) {
            out.extend_from_slice(&ctx.update(chunk, false)?);
        }
        let (last, invalid) = ctx.finish()?;
        if invalid {
            return Err(Error::CipherInvalidPadding);
        }
        out.extend_from_slice(&last);
        Ok(out)
    }

    #[test]
    fn cbc_sp800_38a_with_and_without_pkcs7_in_any_pieces() {
        let (plain, cbc) = (unhex(PLAIN), unhex(CBC));
        for piece in [1, 5, 15, 16, 17, 32, 40] {
            let mut enc = context(AES128_CBC, Operation::Encrypt, Some(Padding::NoPadding));
            assert_eq!(stream(&mut enc, &plain, piece).unwrap(), cbc, "pieces of {piece}");
            let mut dec = context(AES128_CBC, Operation::Decrypt, Some(Padding::NoPadding));
            assert_eq!(stream(&mut dec, &cbc, piece).unwrap(), plain);
            // With PKCS#7 a full block of padding follows; decryption takes it off again.
            let mut enc = context(AES128_CBC, Operation::Encrypt, Some(Padding::Pkcs7));
            let padded = stream(&mut enc, &plain, piece).unwrap();
            assert_eq!((padded.len(), &padded[..32]), (48, &cbc[..]));
            let mut dec = context(AES128_CBC, Operation::Decrypt, Some(Padding::Pkcs7));
            assert_eq!(stream(&mut dec, &padded, piece).unwrap(), plain);
        }
        // 1 to 15 bytes of padding, and corrupt padding.
        for len in 17..32 {
            let mut enc = context(AES128_CBC, Operation::Encrypt, Some(Padding::Pkcs7));
            let padded = stream(&mut enc, &plain[..len], 7).unwrap();
            assert_eq!(padded.len(), 32);
            let mut dec = context(AES128_CBC, Operation::Decrypt, Some(Padding::Pkcs7));
            assert_eq!(stream(&mut dec, &padded, 9).unwrap(), plain[..len]);
            let mut forged = padded.clone();
            forged[15] ^= 1; // flips the last plaintext byte: the padding byte
            let mut dec = context(AES128_CBC, Operation::Decrypt, Some(Padding::Pkcs7));
            assert_eq!(stream(&mut dec, &forged, 32), Err(Error::CipherInvalidPadding), "{len}");
        }
    }

    #[test]
    fn pkcs7_check() {
        let mut block = [16u8; 16];
        assert_eq!(pkcs7_data_len(&block), (0, false));
        block[15] = 1;
        assert_eq!(pkcs7_data_len(&block), (15, false));
        block[15] = 0;
        assert_eq!(pkcs7_data_len(&block), (0, true));
        block[15] = 17;
        assert_eq!(pkcs7_data_len(&block), (0, true));
        block = [3; 16];
        block[13] = 2;
        assert_eq!(pkcs7_data_len(&block), (0, true));
    }

    #[test]
    fn codes_of_wrong_use() {
        let mut ctx = CipherContext::new(AES128_CBC);
        assert_eq!(ctx.update(&[0; 16], false).err(), Some(Error::CipherBadInputData), "no key");
        assert_eq!(ctx.set_key(&[0; 24], 192, Operation::Encrypt), Err(Error::CipherBadInputData));
        ctx.set_key(&[0; 16], 128, Operation::Encrypt).unwrap();
        assert_eq!(ctx.finish().err(), Some(Error::CipherBadInputData), "no padding mode set (3.6)");
        ctx.set_padding(Some(Padding::NoPadding)).unwrap();
        assert_eq!(ctx.set_iv(&[0; 15]), Err(Error::CipherBadInputData), "short IV");
        assert_eq!(ctx.set_iv(&[0; 17]), Err(Error::CipherFeatureUnavailable), "IV over 16 bytes");
        ctx.update(&[0; 5], false).unwrap();
        assert_eq!(ctx.finish().err(), Some(Error::CipherFullBlockExpected));
        assert_eq!(ctx.update(&[0; 16], true).err(), Some(Error::CipherBadInputData), "in place with held bytes");
        assert_eq!(ctx.update_ad(b"x"), Err(Error::CipherFeatureUnavailable));
        assert_eq!(ctx.write_tag(16).err(), Some(Error::CipherFeatureUnavailable));
        assert_eq!(ctx.check_tag(&[0; 16]), Err(Error::CipherBadInputData), "an encryption");
        ctx.reset();
        ctx.update(&[0; 16], false).unwrap();
        ctx.finish().unwrap();
        assert!(ctx.finish().unwrap().0.is_empty(), "nothing held, no padding: nothing to do again");
        ctx.set_padding(Some(Padding::Pkcs7)).unwrap();
        ctx.reset();
        ctx.update(&[0; 16], false).unwrap();
        assert_eq!(ctx.finish().unwrap().0.len(), 16, "a block of padding");
        assert_eq!(ctx.finish().err(), Some(Error::CipherBadInputData), "finish twice");
        assert_eq!(ctx.update(&[0; 16], false).err(), Some(Error::CipherBadInputData), "update after finish");
        let mut ecb = CipherContext::new(Cipher { mode: Mode::Ecb, key_bits: 256 });
        ecb.set_key(&[0; 32], 256, Operation::Decrypt).unwrap();
        assert_eq!(ecb.update(&[0; 15], false).err(), Some(Error::CipherFullBlockExpected));
        assert_eq!(ecb.set_padding(None), Err(Error::CipherBadInputData), "not CBC comes first");
        let mut gcm = CipherContext::new(Cipher { mode: Mode::Gcm, key_bits: 128 });
        assert_eq!(gcm.set_iv(&[0; 12]), Err(Error::CipherBadInputData), "GCM without key");
        gcm.set_key(&[0; 16], 128, Operation::Encrypt).unwrap();
        assert_eq!(gcm.update(&[0; 3], false).err(), Some(Error::GcmBadInput), "GCM not started");
        assert_eq!(
            gcm.auth_encrypt(AeadMessage { iv: &[0; 12], ad: &[], data: &[], tag_len: 17 }).err(),
            Some(Error::GcmBadInput)
        );
        let mut cp = CipherContext::new(Cipher { mode: Mode::ChaChaPoly, key_bits: 256 });
        cp.set_key(&[0; 32], 256, Operation::Encrypt).unwrap();
        assert_eq!(cp.set_iv(&[0; 8]), Err(Error::CipherBadInputData));
        cp.set_iv(&[0; 12]).unwrap();
        assert_eq!(cp.update(&[0; 3], false).err(), Some(Error::ChachapolyBadState), "no update_ad");
        assert_eq!(cp.write_tag(12).err(), Some(Error::CipherBadInputData));
        assert_eq!(
            cp.auth_encrypt(AeadMessage { iv: &[0; 12], ad: &[], data: &[], tag_len: 12 }).err(),
            Some(Error::CipherBadInputData)
        );
    }

    #[test]
    fn aead_multi_part_equals_one_shot() {
        for cipher in [Cipher { mode: Mode::Gcm, key_bits: 256 }, Cipher { mode: Mode::ChaChaPoly, key_bits: 256 }] {
            let key = [0x42u8; 32];
            let (iv, ad, plain) = ([7u8; 12], b"header".as_slice(), (0u8..100).collect::<Vec<u8>>());
            let mut enc = CipherContext::new(cipher);
            enc.set_key(&key, 256, Operation::Encrypt).unwrap();
            let sealed = enc.auth_encrypt(AeadMessage { iv: &iv, ad, data: &plain, tag_len: 16 }).unwrap();
            enc.set_iv(&iv).unwrap();
            enc.reset();
            enc.update_ad(ad).unwrap();
            let mut ct = enc.update(&plain[..33], false).unwrap().to_vec();
            ct.extend_from_slice(&enc.update(&plain[33..], false).unwrap());
            assert!(enc.finish().unwrap().0.is_empty());
            let tag = enc.write_tag(16).unwrap();
            ct.extend_from_slice(&tag);
            assert_eq!(ct, *sealed, "{cipher:?}");
            let mut dec = CipherContext::new(cipher);
            dec.set_key(&key, 256, Operation::Decrypt).unwrap();
            assert_eq!(*dec.auth_decrypt(AeadMessage { iv: &iv, ad, data: &sealed, tag_len: 16 }).unwrap(), plain);
            dec.set_iv(&iv).unwrap();
            dec.update_ad(ad).unwrap();
            assert_eq!(*dec.update(&sealed[..100], false).unwrap(), plain);
            let mut forged = tag.to_vec();
            forged[3] ^= 4;
            assert_eq!(dec.check_tag(&forged), Err(Error::CipherAuthFailed));
            let mut forged = sealed.to_vec();
            forged[0] ^= 1;
            assert_eq!(
                dec.auth_decrypt(AeadMessage { iv: &iv, ad, data: &forged, tag_len: 16 }).err(),
                Some(Error::CipherAuthFailed)
            );
        }
    }
}
