//! The aws-lc primitives that aws-lc-rs offers no safe API for, behind safe functions: the AES
//! block function and its CBC/CTR modes over an expanded key (`AES_KEY`), ChaCha20 at any block
//! counter, Poly1305 in pieces, and GCM fed in pieces of any size (aws-lc's `EVP_CIPHER` GCM).
//!
//! This is the only `unsafe` code of the core. Every function here takes Rust slices and arrays
//! whose lengths it checks (or whose types fix them) before aws-lc sees a pointer; aws-lc's own
//! contract for each call is restated in its `// SAFETY:` comment. No cryptography is written
//! here: each function is one or a few calls into aws-lc.

use core::ffi::{c_int, c_uint};
use core::ptr::{NonNull, null, null_mut};

use aws_lc_sys as sys;
use zeroize::Zeroize;

/// An AES key expanded for one direction (aws-lc's `AES_KEY`), wiped when dropped.
pub(crate) struct AesKey {
    schedule: sys::AES_KEY,
    decrypt: bool,
}

impl AesKey {
    /// Expands `key` (16, 24 or 32 bytes) for encryption (`decrypt` false) or decryption; None for
    /// another length.
    pub(crate) fn new(key: &[u8], decrypt: bool) -> Option<Self> {
        if !matches!(key.len(), 16 | 24 | 32) {
            return None;
        }
        let mut schedule = sys::AES_KEY { rd_key: [0; 60], rounds: 0 };
        let bits = (key.len() * 8) as c_uint;
        // SAFETY: `key` holds `bits / 8` readable bytes (one of the three lengths aws-lc accepts);
        // `schedule` is a writable AES_KEY that aws-lc fills completely.
        let ret = unsafe {
            if decrypt {
                sys::AES_set_decrypt_key(key.as_ptr(), bits, &mut schedule)
            } else {
                sys::AES_set_encrypt_key(key.as_ptr(), bits, &mut schedule)
            }
        };
        (ret == 0).then_some(Self { schedule, decrypt })
    }

    /// True for a key expanded for decryption.
    pub(crate) fn is_decrypt(&self) -> bool {
        self.decrypt
    }

    /// Encrypts (an encryption key) or decrypts (a decryption key) one block in place.
    pub(crate) fn block(&self, block: &mut [u8; 16]) {
        let p = block.as_mut_ptr();
        // SAFETY: `p` is a 16-byte block, read and written in place (aws-lc allows in == out);
        // the schedule was filled by AES_set_*_key for the direction used.
        unsafe {
            if self.decrypt { sys::AES_decrypt(p, p, &self.schedule) } else { sys::AES_encrypt(p, p, &self.schedule) }
        }
    }

    /// CBC over whole blocks in place (`data.len()` a multiple of 16, checked), in the key's
    /// direction; `iv` becomes the IV of the next call.
    pub(crate) fn cbc(&self, data: &mut [u8], iv: &mut [u8; 16]) {
        assert_eq!(data.len() % 16, 0, "CBC takes whole blocks");
        if data.is_empty() {
            return;
        }
        let p = data.as_mut_ptr();
        // SAFETY: `data` is readable and writable for its length, a multiple of the block size,
        // processed in place (aws-lc allows in == out); `iv` is 16 writable bytes.
        unsafe { sys::AES_cbc_encrypt(p, p, data.len(), &self.schedule, iv.as_mut_ptr(), c_int::from(!self.decrypt)) }
    }

    /// CTR in place with a 128-bit big-endian counter block (Mbed TLS's `mbedtls_aes_crypt_ctr`):
    /// `offset` (below 16, checked) is the position in `stream`, the keystream block of the
    /// previous counter. An encryption key only (checked).
    pub(crate) fn ctr(&self, data: &mut [u8], counter: &mut [u8; 16], stream: &mut [u8; 16], offset: &mut usize) {
        assert!(!self.decrypt && *offset < 16, "CTR needs an encryption key and an offset below 16");
        if data.is_empty() {
            return;
        }
        let mut num = *offset as c_uint;
        let p = data.as_mut_ptr();
        // SAFETY: `data` is readable and writable for its length, processed in place (aws-lc
        // allows in == out); `counter` and `stream` are 16 writable bytes; `num` is below 16.
        unsafe {
            sys::AES_ctr128_encrypt(
                p,
                p,
                data.len(),
                &self.schedule,
                counter.as_mut_ptr(),
                stream.as_mut_ptr(),
                &mut num,
            )
        };
        *offset = num as usize;
    }
}

impl Drop for AesKey {
    fn drop(&mut self) {
        self.schedule.rd_key.zeroize();
    }
}

/// XORs `data` in place with the ChaCha20 keystream of `key` and `nonce` (RFC 8439) starting at
/// block `counter`; the counter wraps from 2^32 - 1 to 0, as in Mbed TLS.
pub(crate) fn chacha20_xor(key: &[u8; 32], nonce: &[u8; 12], counter: u32, data: &mut [u8]) {
    if data.is_empty() {
        return;
    }
    let p = data.as_mut_ptr();
    // SAFETY: `data` is readable and writable for its length, processed in place (aws-lc allows
    // in == out); `key` and `nonce` have the sizes CRYPTO_chacha_20 reads.
    unsafe { sys::CRYPTO_chacha_20(p, p, data.len(), key.as_ptr(), nonce.as_ptr(), counter) }
}

/// aws-lc's Poly1305 state, aligned to 64 bytes: aws-lc aligns the state it uses inside the
/// 512-byte buffer itself, so a 64-aligned buffer keeps that offset 0 wherever the value moves.
#[repr(C, align(64))]
struct PolyState(sys::poly1305_state);

/// A Poly1305 computation (RFC 8439 §2.5) fed in pieces of any size; the state is wiped when
/// dropped.
pub(crate) struct Poly1305 {
    state: Box<PolyState>,
}

impl Poly1305 {
    /// Starts a MAC with the one-time key `key`.
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut state = Box::new(PolyState([0; 512]));
        // SAFETY: `state` is a writable 512-byte poly1305_state; `key` is the 32 bytes read.
        unsafe { sys::CRYPTO_poly1305_init(&mut state.0, key.as_ptr()) };
        Self { state }
    }

    /// Adds `data` to the MAC.
    pub(crate) fn update(&mut self, data: &[u8]) {
        if data.is_empty() {
            return;
        }
        // SAFETY: the state was initialised by `new`; `data` is readable for its length.
        unsafe { sys::CRYPTO_poly1305_update(&mut self.state.0, data.as_ptr(), data.len()) }
    }

    /// The 16-byte tag.
    pub(crate) fn finish(mut self) -> [u8; 16] {
        let mut mac = [0u8; 16];
        // SAFETY: the state was initialised by `new` and is finished once (`self` is consumed);
        // `mac` is the 16 writable bytes written.
        unsafe { sys::CRYPTO_poly1305_finish(&mut self.state.0, mac.as_mut_ptr()) };
        mac
    }
}

impl Drop for Poly1305 {
    fn drop(&mut self) {
        self.state.0.zeroize();
    }
}

/// The most bytes one aws-lc `EVP_CipherUpdate` takes (its lengths are `int`).
const EVP_CHUNK: usize = 1 << 30;

/// One AES-GCM computation in one direction, fed AAD then data in pieces of any size (aws-lc's
/// `EVP_aes_*_gcm`); the context, key schedule included, is wiped by aws-lc when dropped.
pub(crate) struct EvpGcm {
    ctx: NonNull<sys::EVP_CIPHER_CTX>,
}

impl EvpGcm {
    /// Starts with `key` (16, 24 or 32 bytes) and an IV of any length from 1 to `i32::MAX`
    /// bytes; None for other lengths or an aws-lc failure.
    pub(crate) fn new(key: &[u8], iv: &[u8], encrypt: bool) -> Option<Self> {
        // SAFETY: the three functions take no arguments and return static cipher tables.
        let cipher = unsafe {
            match key.len() {
                16 => sys::EVP_aes_128_gcm(),
                24 => sys::EVP_aes_192_gcm(),
                32 => sys::EVP_aes_256_gcm(),
                _ => return None,
            }
        };
        let iv_len = c_int::try_from(iv.len()).ok().filter(|n| *n > 0)?;
        // SAFETY: allocates a fresh context (NULL on allocation failure).
        let ctx = NonNull::new(unsafe { sys::EVP_CIPHER_CTX_new() })?;
        let gcm = Self { ctx }; // freed by Drop from here on, whatever fails below
        let enc = c_int::from(encrypt);
        // SAFETY: `ctx` is a live context; the cipher is a static GCM table; the NULL key and IV
        // are allowed at this first step. SET_IVLEN takes a positive length and no pointer. The
        // second init reads `key.len()` bytes of key (the length the cipher was chosen by) and
        // `iv_len` bytes of IV (just set).
        let ok = unsafe {
            sys::EVP_CipherInit_ex(ctx.as_ptr(), cipher, null_mut(), null(), null(), enc) == 1
                && sys::EVP_CIPHER_CTX_ctrl(ctx.as_ptr(), sys::EVP_CTRL_GCM_SET_IVLEN, iv_len, null_mut()) == 1
                && sys::EVP_CipherInit_ex(ctx.as_ptr(), null(), null_mut(), key.as_ptr(), iv.as_ptr(), enc) == 1
        };
        ok.then_some(gcm)
    }

    /// Adds associated data (before any data). False when aws-lc refuses (AAD over 2^61 bytes).
    pub(crate) fn aad(&mut self, aad: &[u8]) -> bool {
        aad.chunks(EVP_CHUNK).all(|chunk| {
            let mut written: c_int = 0;
            // SAFETY: `ctx` is live and started; a NULL output makes aws-lc take `chunk` (readable,
            // at most 2^30 bytes) as associated data.
            unsafe {
                sys::EVP_CipherUpdate(self.ctx.as_ptr(), null_mut(), &mut written, chunk.as_ptr(), chunk.len() as c_int)
                    == 1
            }
        })
    }

    /// Encrypts or decrypts `data` in place. False when aws-lc refuses (over 2^36 - 32 bytes
    /// in total).
    pub(crate) fn update(&mut self, data: &mut [u8]) -> bool {
        data.chunks_mut(EVP_CHUNK).all(|chunk| {
            let mut written: c_int = 0;
            let p = chunk.as_mut_ptr();
            // SAFETY: `ctx` is live and started; `chunk` (at most 2^30 bytes) is read and
            // written in place, which GCM in aws-lc allows; GCM writes exactly the input length.
            unsafe { sys::EVP_CipherUpdate(self.ctx.as_ptr(), p, &mut written, p, chunk.len() as c_int) == 1 }
        })
    }

    /// Ends an encryption and returns its 16-byte tag; None for a decrypting context.
    pub(crate) fn tag(self) -> Option<[u8; 16]> {
        let mut tag = [0u8; 16];
        let mut written: c_int = 0;
        // SAFETY: `ctx` is live; GCM's final step writes no output (the 16-byte `tag` buffer is
        // a valid place for it anyway); GET_TAG copies at most 16 bytes into `tag` and fails on a
        // decrypting context.
        let ok = unsafe {
            sys::EVP_EncryptFinal_ex(self.ctx.as_ptr(), tag.as_mut_ptr(), &mut written) == 1
                && sys::EVP_CIPHER_CTX_ctrl(self.ctx.as_ptr(), sys::EVP_CTRL_GCM_GET_TAG, 16, tag.as_mut_ptr().cast())
                    == 1
        };
        ok.then_some(tag)
    }
}

impl Drop for EvpGcm {
    fn drop(&mut self) {
        // SAFETY: `ctx` came from EVP_CIPHER_CTX_new and is freed once; aws-lc cleanses it.
        unsafe { sys::EVP_CIPHER_CTX_free(self.ctx.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::tests::unhex;

    #[test]
    fn aes_block_fips_197_appendix_c() {
        let plain: [u8; 16] = unhex("00112233445566778899aabbccddeeff").try_into().unwrap();
        let key: Vec<u8> = (0u8..32).collect();
        for (len, cipher) in [
            (16, "69c4e0d86a7b0430d8cdb78070b4c55a"),
            (24, "dda97ca4864cdfe06eaf70a0ec0d7191"),
            (32, "8ea2b7ca516745bfeafc49904b496089"),
        ] {
            let mut block = plain;
            AesKey::new(&key[..len], false).unwrap().block(&mut block);
            assert_eq!(block.to_vec(), unhex(cipher));
            AesKey::new(&key[..len], true).unwrap().block(&mut block);
            assert_eq!(block, plain);
        }
        assert!(AesKey::new(&key[..15], false).is_none() && AesKey::new(&[], true).is_none());
    }

    #[test]
    fn poly1305_rfc_8439_2_5_2_in_pieces() {
        let key: [u8; 32] =
            unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b").try_into().unwrap();
        let msg = b"Cryptographic Forum Research Group";
        for split in [0, 1, 15, 16, 17, msg.len()] {
            let mut mac = Poly1305::new(&key);
            mac.update(&msg[..split]);
            mac.update(&msg[split..]);
            assert_eq!(mac.finish().to_vec(), unhex("a8061dc1305136c6c22b8baf0c0127a9"));
        }
    }

    #[test]
    fn evp_gcm_refuses_bad_lengths_and_decrypt_tags() {
        assert!(EvpGcm::new(&[0; 20], &[0; 12], true).is_none());
        assert!(EvpGcm::new(&[0; 16], &[], true).is_none());
        assert!(EvpGcm::new(&[0; 16], &[0; 12], false).unwrap().tag().is_none());
        // NIST GCM test case 1 (all-zero key and IV, nothing to encrypt).
        let tag = EvpGcm::new(&[0; 16], &[0; 12], true).unwrap().tag().unwrap();
        assert_eq!(tag.to_vec(), unhex("58e2fccefa7e3061367f1d57a4e7455a"));
    }
}
