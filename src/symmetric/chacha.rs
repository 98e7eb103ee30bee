//! ChaCha20, Poly1305 and the ChaCha20-Poly1305 AEAD of RFC 8439 with Mbed TLS's streaming
//! state machines (`mbedtls_chacha20_context`, `mbedtls_poly1305_context`,
//! `mbedtls_chachapoly_context`). The keystream and the MAC are aws-lc's (`aws_lc`); the
//! one-shot AEAD is aws-lc-rs's (`aead`). What is written here is the bookkeeping: where in the
//! keystream a piece starts, and the RFC 8439 §2.8 layout of the MAC input.

use zeroize::Zeroizing;

use super::aead::Aead;
use super::aws_lc::{Poly1305, chacha20_xor};
use crate::error::{Error, Result};

const BLOCK: usize = 64;

/// Where a ChaCha20 stream stands: the next block counter and what is left of the current
/// keystream block.
struct Position {
    nonce: [u8; 12],
    counter: u32,
    keystream: Zeroizing<[u8; BLOCK]>,
    used: usize,
}

/// An `mbedtls_chacha20_context`: a key (`set_key`) and a position (`starts`), both needed by
/// `update`, which takes pieces of any size.
#[derive(Default)]
pub(crate) struct ChaCha20 {
    key: Option<Zeroizing<[u8; 32]>>,
    position: Option<Position>,
}

impl ChaCha20 {
    /// `mbedtls_chacha20_setkey`: the rest of the current keystream block is dropped, the
    /// nonce and counter stay (as in Mbed TLS).
    pub(crate) fn set_key(&mut self, key: &[u8; 32]) {
        self.key = Some(Zeroizing::new(*key));
        if let Some(position) = &mut self.position {
            position.used = BLOCK;
        }
    }

    /// `mbedtls_chacha20_starts`: the stream of `nonce` from block `counter`.
    pub(crate) fn starts(&mut self, nonce: &[u8; 12], counter: u32) {
        self.position = Some(Position { nonce: *nonce, counter, keystream: Zeroizing::new([0; BLOCK]), used: BLOCK });
    }

    /// `mbedtls_chacha20_update`: XORs `data` in place with the next `data.len()` bytes of
    /// keystream. `MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA` without a key or a `starts`.
    pub(crate) fn update(&mut self, data: &mut [u8]) -> Result<()> {
        let (Some(key), Some(at)) = (&self.key, &mut self.position) else {
            return Err(Error::Chacha20BadInputData);
        };
        let left = (BLOCK - at.used).min(data.len());
        let (head, data) = data.split_at_mut(left);
        head.iter_mut().zip(&at.keystream[at.used..]).for_each(|(b, k)| *b ^= k);
        at.used += left;
        let whole = data.len() - data.len() % BLOCK;
        let (blocks, tail) = data.split_at_mut(whole);
        chacha20_xor(key, &at.nonce, at.counter, blocks);
        // The block counter is 32 bits and wraps, as in Mbed TLS (and aws-lc).
        at.counter = at.counter.wrapping_add((whole / BLOCK) as u32);
        if !tail.is_empty() {
            at.keystream.fill(0);
            chacha20_xor(key, &at.nonce, at.counter, &mut at.keystream[..]);
            at.counter = at.counter.wrapping_add(1);
            tail.iter_mut().zip(at.keystream.iter()).for_each(|(b, k)| *b ^= k);
            at.used = tail.len();
        }
        Ok(())
    }
}

/// An `mbedtls_poly1305_context`: a MAC runs from `starts` to `finish`.
#[derive(Default)]
pub(crate) struct Poly1305Mac {
    run: Option<Poly1305>,
}

impl Poly1305Mac {
    /// `mbedtls_poly1305_starts`: a new MAC with the one-time key `key` (any MAC running is
    /// dropped).
    pub(crate) fn starts(&mut self, key: &[u8; 32]) {
        self.run = Some(Poly1305::new(key));
    }

    /// `mbedtls_poly1305_update`: `MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA` when no MAC runs.
    pub(crate) fn update(&mut self, data: &[u8]) -> Result<()> {
        self.run.as_mut().ok_or(Error::Poly1305BadInputData)?.update(data);
        Ok(())
    }

    /// `mbedtls_poly1305_finish`: the tag; the MAC then no longer runs.
    pub(crate) fn finish(&mut self) -> Result<[u8; 16]> {
        Ok(self.run.take().ok_or(Error::Poly1305BadInputData)?.finish())
    }
}

/// `mbedtls_poly1305_mac`.
pub(crate) fn poly1305_mac(key: &[u8; 32], data: &[u8]) -> [u8; 16] {
    let mut mac = Poly1305::new(key);
    mac.update(data);
    mac.finish()
}

/// One message of ChaCha20-Poly1305 after `starts`.
struct Message {
    decrypt: bool,
    stream: ChaCha20,
    mac: Poly1305,
    aad_len: u64,
    data_len: u64,
}

/// Mbed TLS's states of a ChaCha20-Poly1305 context.
#[derive(Default)]
enum State {
    /// No message started (after init, setkey).
    #[default]
    Init,
    /// Started; associated data may come.
    Aad(Box<Message>),
    /// Data has come; no more associated data.
    Data(Box<Message>),
    /// Tag computed.
    Finished,
}

/// Feeds zeros up to the next multiple of 16 bytes (RFC 8439 §2.8's padding).
fn pad16(mac: &mut Poly1305, len: u64) {
    let partial = (len % 16) as usize;
    if partial != 0 {
        mac.update(&[0u8; 16][partial..]);
    }
}

/// An `mbedtls_chachapoly_context`.
#[derive(Default)]
pub(crate) struct ChaChaPoly {
    key: Option<Zeroizing<[u8; 32]>>,
    state: State,
}

impl ChaChaPoly {
    /// `mbedtls_chachapoly_setkey`; a message in progress is abandoned.
    pub(crate) fn set_key(&mut self, key: &[u8; 32]) {
        self.key = Some(Zeroizing::new(*key));
        self.state = State::Init;
    }

    fn key(&self) -> Result<&[u8; 32]> {
        self.key.as_deref().ok_or(Error::ChachapolyBadState)
    }

    /// `mbedtls_chachapoly_starts`: a new message with `nonce` (any message in progress is
    /// abandoned). `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE` without a key.
    pub(crate) fn starts(&mut self, nonce: &[u8; 12], decrypt: bool) -> Result<()> {
        let key = self.key()?;
        // The Poly1305 key is the first half of keystream block 0; the data starts at block 1.
        let mut block0 = Zeroizing::new([0u8; BLOCK]);
        chacha20_xor(key, nonce, 0, &mut block0[..]);
        let mac = Poly1305::new(block0[..32].try_into().expect("32 bytes"));
        let mut stream = ChaCha20::default();
        stream.set_key(key);
        stream.starts(nonce, 1);
        self.state = State::Aad(Box::new(Message { decrypt, stream, mac, aad_len: 0, data_len: 0 }));
        Ok(())
    }

    /// `mbedtls_chachapoly_update_aad`: only between `starts` and the first `update`.
    pub(crate) fn update_aad(&mut self, aad: &[u8]) -> Result<()> {
        let State::Aad(message) = &mut self.state else {
            return Err(Error::ChachapolyBadState);
        };
        message.mac.update(aad);
        message.aad_len += aad.len() as u64;
        Ok(())
    }

    /// `mbedtls_chachapoly_update`: encrypts or decrypts `data` in place.
    pub(crate) fn update(&mut self, data: &mut [u8]) -> Result<()> {
        self.state = match core::mem::take(&mut self.state) {
            State::Aad(mut message) => {
                pad16(&mut message.mac, message.aad_len);
                State::Data(message)
            }
            State::Data(message) => State::Data(message),
            other => {
                self.state = other;
                return Err(Error::ChachapolyBadState);
            }
        };
        let State::Data(message) = &mut self.state else { unreachable!("set just above") };
        if message.decrypt {
            message.mac.update(data);
            message.stream.update(data)?;
        } else {
            message.stream.update(data)?;
            message.mac.update(data);
        }
        message.data_len += data.len() as u64;
        Ok(())
    }

    /// `mbedtls_chachapoly_finish`: the tag of the message. `MBEDTLS_ERR_CHACHAPOLY_BAD_STATE`
    /// before `starts` and after the tag was computed (as Mbed TLS documents).
    pub(crate) fn finish(&mut self) -> Result<[u8; 16]> {
        let mut message = match core::mem::take(&mut self.state) {
            State::Aad(mut message) => {
                pad16(&mut message.mac, message.aad_len);
                message
            }
            State::Data(mut message) => {
                pad16(&mut message.mac, message.data_len);
                message
            }
            other => {
                self.state = other;
                return Err(Error::ChachapolyBadState);
            }
        };
        self.state = State::Finished;
        message.mac.update(&message.aad_len.to_le_bytes());
        message.mac.update(&message.data_len.to_le_bytes());
        Ok(message.mac.finish())
    }

    /// `mbedtls_chachapoly_encrypt_and_tag`: one message at once (aws-lc-rs's AEAD); the
    /// context is then finished.
    pub(crate) fn encrypt_and_tag(&mut self, nonce: &[u8; 12], aad: &[u8], data: &mut [u8]) -> Result<[u8; 16]> {
        let tag = Aead::ChaCha20Poly1305.seal(self.key()?, *nonce, aad, data).ok_or(Error::ChachapolyBadState)?;
        self.state = State::Finished;
        Ok(tag)
    }

    /// `mbedtls_chachapoly_auth_decrypt`: checks `tag` and decrypts in place; a forgery is
    /// `MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED` with `data` wiped. The context is then finished.
    pub(crate) fn auth_decrypt(&mut self, nonce: &[u8; 12], aad: &[u8], tag: &[u8; 16], data: &mut [u8]) -> Result<()> {
        let opened = Aead::ChaCha20Poly1305.open(self.key()?, *nonce, aad, tag, data);
        self.state = State::Finished;
        opened.then_some(()).ok_or(Error::ChachapolyAuthFailed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    fn key32(hex: &str) -> [u8; 32] {
        unhex(hex).try_into().unwrap()
    }

    const SUNSCREEN: &[u8] = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";

    #[test]
    fn chacha20_rfc_8439_2_4_2_in_any_pieces() {
        let key = key32("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        let nonce: [u8; 12] = unhex("000000000000004a00000000").try_into().unwrap();
        let expected = unhex(
            "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d",
        );
        for pieces in [&[114][..], &[1, 63, 50], &[64, 64], &[0, 7, 0, 100, 7], &[30; 4]] {
            let mut cipher = ChaCha20::default();
            cipher.set_key(&key);
            cipher.starts(&nonce, 1);
            let mut data = SUNSCREEN.to_vec();
            let mut rest = &mut data[..];
            for &n in pieces {
                let (now, later) = rest.split_at_mut(n.min(rest.len()));
                cipher.update(now).unwrap();
                rest = later;
            }
            assert_eq!(data, expected, "{pieces:?}");
        }
    }

    #[test]
    fn chacha20_counter_wraps_like_mbedtls() {
        let key = [9u8; 32];
        let nonce = [3u8; 12];
        let mut whole = vec![0u8; 3 * BLOCK];
        let mut cipher = ChaCha20::default();
        cipher.set_key(&key);
        cipher.starts(&nonce, u32::MAX);
        cipher.update(&mut whole[..10]).unwrap();
        cipher.update(&mut whole[10..]).unwrap();
        let mut expected = vec![0u8; 3 * BLOCK];
        chacha20_xor(&key, &nonce, u32::MAX, &mut expected[..BLOCK]);
        chacha20_xor(&key, &nonce, 0, &mut expected[BLOCK..]);
        assert_eq!(whole, expected);
    }

    #[test]
    fn poly1305_rfc_8439_and_states() {
        let key = key32("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        let msg = b"Cryptographic Forum Research Group";
        let tag = unhex("a8061dc1305136c6c22b8baf0c0127a9");
        assert_eq!(poly1305_mac(&key, msg).to_vec(), tag);
        let mut mac = Poly1305Mac::default();
        assert_eq!(mac.update(b"x"), Err(Error::Poly1305BadInputData), "before starts");
        assert_eq!(mac.finish(), Err(Error::Poly1305BadInputData));
        mac.starts(&key);
        msg.chunks(5).for_each(|piece| mac.update(piece).unwrap());
        assert_eq!(mac.finish().unwrap().to_vec(), tag);
        assert_eq!(mac.finish(), Err(Error::Poly1305BadInputData), "finish twice");
        assert_eq!(mac.update(b"x"), Err(Error::Poly1305BadInputData), "update after finish");
        // RFC 8439 A.3 test vector #2: the all-zero r.
        let key = key32("0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e");
        let text = b"Any submission to the IETF intended by the Contributor for publication as all or part of an IETF Internet-Draft or RFC and any statement made within the context of an IETF activity is considered an \"IETF Contribution\". Such statements include oral statements in IETF sessions, as well as written and electronic communications made at any time or place, which are addressed to";
        assert_eq!(poly1305_mac(&key, text).to_vec(), unhex("36e5f6b5c5e06070f0efca96227a863e"));
    }

    /// RFC 8439 §2.8.2: key, nonce, associated data, ciphertext, tag.
    type AeadVector = ([u8; 32], [u8; 12], Vec<u8>, Vec<u8>, Vec<u8>);

    fn rfc_8439_aead() -> AeadVector {
        let key = key32("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        let nonce = unhex("070000004041424344454647").try_into().unwrap();
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let ct = unhex(
            "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116",
        );
        (key, nonce, aad, ct, unhex("1ae10b594f09e26a7e902ecbd0600691"))
    }

    #[test]
    fn chachapoly_rfc_8439_streamed_and_at_once() {
        let (key, nonce, aad, ct, tag) = rfc_8439_aead();
        let mut ctx = ChaChaPoly::default();
        ctx.set_key(&key);
        for (decrypt, input, output) in [(false, SUNSCREEN, &ct[..]), (true, &ct[..], SUNSCREEN)] {
            ctx.starts(&nonce, decrypt).unwrap();
            ctx.update_aad(&aad[..5]).unwrap();
            ctx.update_aad(&aad[5..]).unwrap();
            let mut data = input.to_vec();
            for piece in data.chunks_mut(13) {
                ctx.update(piece).unwrap();
            }
            assert_eq!(data, output);
            assert_eq!(ctx.finish().unwrap().to_vec(), tag);
        }
        let mut data = SUNSCREEN.to_vec();
        assert_eq!(ctx.encrypt_and_tag(&nonce, &aad, &mut data).unwrap().to_vec(), tag);
        assert_eq!(data, ct);
        ctx.auth_decrypt(&nonce, &aad, &tag.clone().try_into().unwrap(), &mut data).unwrap();
        assert_eq!(data, SUNSCREEN);
        let mut forged = ct.clone();
        forged[0] ^= 1;
        assert_eq!(
            ctx.auth_decrypt(&nonce, &aad, &tag.try_into().unwrap(), &mut forged),
            Err(Error::ChachapolyAuthFailed)
        );
        assert!(forged.iter().all(|b| *b == 0));
    }

    #[test]
    fn chachapoly_wrong_call_order_is_bad_state() {
        let (key, nonce, ..) = rfc_8439_aead();
        let mut ctx = ChaChaPoly::default();
        assert_eq!(ctx.starts(&nonce, false), Err(Error::ChachapolyBadState), "no key");
        assert_eq!(ctx.encrypt_and_tag(&nonce, &[], &mut []), Err(Error::ChachapolyBadState), "no key");
        ctx.set_key(&key);
        assert_eq!(ctx.update_aad(b"a"), Err(Error::ChachapolyBadState), "before starts");
        assert_eq!(ctx.update(&mut [0; 3]), Err(Error::ChachapolyBadState), "before starts");
        assert_eq!(ctx.finish(), Err(Error::ChachapolyBadState), "before starts");
        ctx.starts(&nonce, false).unwrap();
        ctx.update(&mut [0; 3]).unwrap();
        assert_eq!(ctx.update_aad(b"a"), Err(Error::ChachapolyBadState), "aad after data");
        ctx.update(&mut [0; 3]).unwrap();
        ctx.finish().unwrap();
        assert_eq!(ctx.finish(), Err(Error::ChachapolyBadState), "finish twice");
        assert_eq!(ctx.update(&mut [0; 3]), Err(Error::ChachapolyBadState), "update after finish");
        // Only associated data, no data: RFC 8439 allows it, and so does Mbed TLS.
        ctx.starts(&nonce, true).unwrap();
        ctx.update_aad(b"only aad").unwrap();
        let tag = ctx.finish().unwrap();
        assert_eq!(ctx.encrypt_and_tag(&nonce, b"only aad", &mut []).unwrap(), tag);
    }
}
