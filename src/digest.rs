//! Message digests and HMAC on aws-lc (`aws_lc_rs::digest`, `aws_lc_rs::hmac`): the algorithms
//! behind `md.h`, `sha1.h`, `sha256.h` and `sha512.h`, and the state machine of a generic digest
//! context (`mbedtls_md_context_t`).
//!
//! Outputs are written into caller-provided slices of exactly [`Algorithm::output_len`] bytes;
//! the C layer builds those slices from the caller's buffers, so a wrong length here is a bug of
//! this crate, not bad input.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use aws_lc_rs::{digest, hmac};
use zeroize::Zeroize;

use crate::error::Error;

/// A hash function this library computes (the others of Mbed TLS — MD5, RIPEMD-160, SHA-3 — are
/// not offered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    fn digest(self) -> &'static digest::Algorithm {
        match self {
            Algorithm::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::Sha224 => &digest::SHA224,
            Algorithm::Sha256 => &digest::SHA256,
            Algorithm::Sha384 => &digest::SHA384,
            Algorithm::Sha512 => &digest::SHA512,
        }
    }

    fn hmac(self) -> hmac::Algorithm {
        match self {
            Algorithm::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Algorithm::Sha224 => hmac::HMAC_SHA224,
            Algorithm::Sha256 => hmac::HMAC_SHA256,
            Algorithm::Sha384 => hmac::HMAC_SHA384,
            Algorithm::Sha512 => hmac::HMAC_SHA512,
        }
    }

    /// The size of a digest (and of an HMAC) in bytes.
    pub(crate) fn output_len(self) -> usize {
        self.digest().output_len()
    }
}

/// A hash computation between its start and its end (what `mbedtls_sha256_starts` begins).
#[derive(Clone)]
pub(crate) struct Hash {
    algorithm: Algorithm,
    context: digest::Context,
}

impl Hash {
    pub(crate) fn new(algorithm: Algorithm) -> Self {
        Self { algorithm, context: digest::Context::new(algorithm.digest()) }
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.context.update(data);
    }

    /// Ends the computation; `out` holds exactly [`Algorithm::output_len`] bytes.
    pub(crate) fn finish(self, out: &mut [u8]) {
        out.copy_from_slice(self.context.finish().as_ref());
    }
}

/// The digest of `data` into `out` (exactly [`Algorithm::output_len`] bytes).
pub(crate) fn hash(algorithm: Algorithm, data: &[u8], out: &mut [u8]) {
    out.copy_from_slice(digest::digest(algorithm.digest(), data).as_ref());
}

/// The HMAC of `data` under `key` into `out` (exactly [`Algorithm::output_len`] bytes). Keys of
/// any length are accepted, as RFC 2104 says (longer than a block: hashed first).
pub(crate) fn authenticate(algorithm: Algorithm, key: &[u8], data: &[u8], out: &mut [u8]) {
    out.copy_from_slice(hmac::sign(&hmac::Key::new(algorithm.hmac(), key), data).as_ref());
}

/// The TLS 1.2 PRF (RFC 5246 §5: `P_<hash>(secret, label + seed)`) into `out`, any length.
pub(crate) fn tls12_prf(algorithm: Algorithm, secret: &[u8], label: &[u8], seed: &[u8], out: &mut [u8]) {
    let key = hmac::Key::new(algorithm.hmac(), secret);
    let mut label_seed = label.to_vec();
    label_seed.extend_from_slice(seed);
    // A(1) = HMAC(secret, label + seed); A(i + 1) = HMAC(secret, A(i)).
    let mut a = hmac::sign(&key, &label_seed);
    for chunk in out.chunks_mut(algorithm.output_len()) {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(a.as_ref());
        ctx.update(&label_seed);
        let block = ctx.sign();
        chunk.copy_from_slice(&block.as_ref()[..chunk.len()]);
        a = hmac::sign(&key, a.as_ref());
    }
    label_seed.zeroize();
}

/// The digest of a file's contents into `out` (exactly [`Algorithm::output_len`] bytes).
///
/// # Errors
/// `MdFileIoError` when the file cannot be opened or read (a directory, for one).
pub(crate) fn hash_file(algorithm: Algorithm, path: &Path, out: &mut [u8]) -> Result<(), Error> {
    let mut file = File::open(path).map_err(|_| Error::MdFileIoError)?;
    let mut hash = Hash::new(algorithm);
    // The file may be a secret (a key file): the buffer is wiped, as Mbed TLS does.
    let mut buf = vec![0u8; 16 * 1024];
    let result = loop {
        match file.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => hash.update(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => break Err(Error::MdFileIoError),
        }
    };
    buf.zeroize();
    result.map(|()| hash.finish(out))
}

/// The two kinds of computation of a generic digest context; the calls of one do not continue
/// the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `mbedtls_md_update` / `mbedtls_md_finish`.
    Digest,
    /// `mbedtls_md_hmac_update` / `mbedtls_md_hmac_finish`.
    Hmac,
}

/// What a generic digest context is doing.
#[derive(Clone)]
enum Running {
    /// Nothing started, or the last computation was finished.
    Idle,
    /// Between `mbedtls_md_starts` and `mbedtls_md_finish`.
    Hashing(Hash),
    /// Between `mbedtls_md_hmac_starts` (or `_reset`) and `mbedtls_md_hmac_finish` (boxed:
    /// aws-lc's HMAC state is over a kilobyte).
    Authenticating(Box<hmac::Context>),
}

/// The object behind an `mbedtls_md_context_t` once `mbedtls_md_setup` chose its algorithm.
///
/// The state machine, with every other call refused (`MdBadInputData`, state unchanged):
/// - `starts` (any state) → hashing; `update(Digest)` while hashing; `finish(Digest)` while
///   hashing → idle.
/// - `hmac_starts` (any state, only when set up for HMAC) records the key → authenticating;
///   `update(Hmac)` while authenticating; `finish(Hmac)` while authenticating → idle;
///   `hmac_reset` (any state, once a key was recorded) → authenticating with that key.
/// - `copy_from` takes over another context's computation (not its HMAC key).
///
/// The recorded key survives `starts` and `finish`, as Mbed TLS's does.
#[derive(Clone)]
pub(crate) struct MdContext {
    algorithm: Algorithm,
    hmac_enabled: bool,
    hmac_key: Option<hmac::Key>,
    running: Running,
}

impl MdContext {
    /// A context for `algorithm`; `hmac` says whether the HMAC calls are allowed.
    pub(crate) fn new(algorithm: Algorithm, hmac: bool) -> Self {
        Self { algorithm, hmac_enabled: hmac, hmac_key: None, running: Running::Idle }
    }

    pub(crate) fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Starts a new digest, abandoning whatever was running.
    pub(crate) fn starts(&mut self) {
        self.running = Running::Hashing(Hash::new(self.algorithm));
    }

    /// Feeds `data` to the running computation of kind `mode`.
    pub(crate) fn update(&mut self, mode: Mode, data: &[u8]) -> Result<(), Error> {
        match (&mut self.running, mode) {
            (Running::Hashing(hash), Mode::Digest) => hash.update(data),
            (Running::Authenticating(mac), Mode::Hmac) => mac.update(data),
            _ => return Err(Error::MdBadInputData),
        }
        Ok(())
    }

    /// Ends the running computation of kind `mode` into `out` (exactly
    /// [`Algorithm::output_len`] bytes); the context is then idle.
    pub(crate) fn finish(&mut self, mode: Mode, out: &mut [u8]) -> Result<(), Error> {
        match (core::mem::replace(&mut self.running, Running::Idle), mode) {
            (Running::Hashing(hash), Mode::Digest) => hash.finish(out),
            (Running::Authenticating(mac), Mode::Hmac) => out.copy_from_slice(mac.sign().as_ref()),
            (other, _) => {
                self.running = other;
                return Err(Error::MdBadInputData);
            }
        }
        Ok(())
    }

    /// Records `key` and starts an HMAC with it.
    pub(crate) fn hmac_starts(&mut self, key: &[u8]) -> Result<(), Error> {
        if !self.hmac_enabled {
            return Err(Error::MdBadInputData);
        }
        let key = hmac::Key::new(self.algorithm.hmac(), key);
        self.running = Running::Authenticating(Box::new(hmac::Context::with_key(&key)));
        self.hmac_key = Some(key);
        Ok(())
    }

    /// Starts a new HMAC with the key of the last `hmac_starts`.
    pub(crate) fn hmac_reset(&mut self) -> Result<(), Error> {
        let key = self.hmac_key.as_ref().ok_or(Error::MdBadInputData)?;
        self.running = Running::Authenticating(Box::new(hmac::Context::with_key(key)));
        Ok(())
    }

    /// Takes over `src`'s computation (`mbedtls_md_clone`). Both contexts must have the same
    /// algorithm, and an HMAC in progress only goes to a context set up for HMAC. This context's
    /// recorded HMAC key (for `hmac_reset`) stays its own.
    pub(crate) fn copy_from(&mut self, src: &MdContext) -> Result<(), Error> {
        let refused = self.algorithm != src.algorithm
            || (matches!(src.running, Running::Authenticating(_)) && !self.hmac_enabled);
        if refused {
            return Err(Error::MdBadInputData);
        }
        self.running = src.running.clone();
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const ALL: [Algorithm; 5] =
        [Algorithm::Sha1, Algorithm::Sha224, Algorithm::Sha256, Algorithm::Sha384, Algorithm::Sha512];

    pub(crate) fn unhex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    /// FIPS 180-4 examples (NIST's "Examples with intermediate values"): "abc", the empty
    /// string and the 448-bit message, for each algorithm.
    pub(crate) const FIPS_MESSAGES: [&[u8]; 3] =
        [b"abc", b"", b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"];
    pub(crate) const FIPS_DIGESTS: [(Algorithm, [&str; 3]); 5] = [
        (
            Algorithm::Sha1,
            [
                "a9993e364706816aba3e25717850c26c9cd0d89d",
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            ],
        ),
        (
            Algorithm::Sha224,
            [
                "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
                "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f",
                "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525",
            ],
        ),
        (
            Algorithm::Sha256,
            [
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ],
        ),
        (
            Algorithm::Sha384,
            [
                "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
                "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
                "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b",
            ],
        ),
        (
            Algorithm::Sha512,
            [
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
                "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445",
            ],
        ),
    ];

    /// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (key, data).
    pub(crate) fn rfc4231_inputs() -> [(Vec<u8>, Vec<u8>); 6] {
        [
            (vec![0x0b; 20], b"Hi There".to_vec()),
            (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec()),
            (vec![0xaa; 20], vec![0xdd; 50]),
            ((1..=25).collect(), vec![0xcd; 50]),
            (vec![0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec()),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size data. \
                  The key needs to be hashed before being used by the HMAC algorithm."
                    .to_vec(),
            ),
        ]
    }

    /// The RFC 4231 tags of [`rfc4231_inputs`], per algorithm.
    pub(crate) const RFC4231_TAGS: [(Algorithm, [&str; 6]); 4] = [
        (
            Algorithm::Sha224,
            [
                "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
                "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
                "7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea",
                "6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a",
                "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
                "3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1",
            ],
        ),
        (
            Algorithm::Sha256,
            [
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ],
        ),
        (
            Algorithm::Sha384,
            [
                "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
                "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27",
                "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb",
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
                "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
            ],
        ),
        (
            Algorithm::Sha512,
            [
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
                "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
                "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
                "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
            ],
        ),
    ];

    /// RFC 2202 test case 1 for HMAC-SHA-1 (RFC 4231 covers only SHA-2).
    pub(crate) const RFC2202_SHA1_TAG_1: &str = "b617318655057264e28bc0b6fb378c8ef146be00";

    fn digest_of(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
        let mut out = vec![0; algorithm.output_len()];
        hash(algorithm, data, &mut out);
        out
    }

    #[test]
    fn fips_180_4_examples() {
        for (algorithm, digests) in FIPS_DIGESTS {
            for (message, expected) in FIPS_MESSAGES.iter().zip(digests) {
                assert_eq!(digest_of(algorithm, message), unhex(expected), "{algorithm:?} {message:?}");
            }
        }
        let sizes: Vec<usize> = ALL.iter().map(|a| a.output_len()).collect();
        assert_eq!(sizes, [20, 28, 32, 48, 64]);
    }

    #[test]
    fn streaming_in_pieces_equals_one_shot() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + 3) as u8).collect();
        for algorithm in ALL {
            for piece in [1, 3, 63, 64, 65, 127, 128, 129, 4093] {
                let mut hash = Hash::new(algorithm);
                data.chunks(piece).for_each(|chunk| hash.update(chunk));
                hash.update(&[]);
                let mut out = vec![0; algorithm.output_len()];
                hash.finish(&mut out);
                assert_eq!(out, digest_of(algorithm, &data), "{algorithm:?} in pieces of {piece}");
            }
        }
    }

    #[test]
    fn rfc_4231_hmac() {
        for (algorithm, tags) in RFC4231_TAGS {
            for ((key, data), expected) in rfc4231_inputs().iter().zip(tags) {
                let mut out = vec![0; algorithm.output_len()];
                authenticate(algorithm, key, data, &mut out);
                assert_eq!(out, unhex(expected), "{algorithm:?}");
                // The same through a context, the data in two pieces.
                let mut ctx = MdContext::new(algorithm, true);
                ctx.hmac_starts(key).unwrap();
                let (a, b) = data.split_at(data.len() / 3);
                ctx.update(Mode::Hmac, a).unwrap();
                ctx.update(Mode::Hmac, b).unwrap();
                let mut streamed = vec![0; algorithm.output_len()];
                ctx.finish(Mode::Hmac, &mut streamed).unwrap();
                assert_eq!(streamed, out);
            }
        }
        let mut out = [0; 20];
        authenticate(Algorithm::Sha1, &[0x0b; 20], b"Hi There", &mut out);
        assert_eq!(out.to_vec(), unhex(RFC2202_SHA1_TAG_1));
    }

    #[test]
    fn md_context_state_machine() {
        let mut out = [0u8; 32];
        let mut ctx = MdContext::new(Algorithm::Sha256, false);
        assert_eq!(ctx.update(Mode::Digest, b"x"), Err(Error::MdBadInputData), "update before starts");
        assert_eq!(ctx.finish(Mode::Digest, &mut out), Err(Error::MdBadInputData), "finish before starts");
        assert_eq!(ctx.hmac_starts(b"key"), Err(Error::MdBadInputData), "set up without HMAC");
        assert_eq!(ctx.hmac_reset(), Err(Error::MdBadInputData));
        ctx.starts();
        ctx.update(Mode::Digest, b"ab").unwrap();
        ctx.update(Mode::Digest, b"c").unwrap();
        assert_eq!(ctx.update(Mode::Hmac, b"x"), Err(Error::MdBadInputData), "hashing, not authenticating");
        assert_eq!(ctx.finish(Mode::Hmac, &mut out), Err(Error::MdBadInputData));
        ctx.finish(Mode::Digest, &mut out).unwrap();
        assert_eq!(out.to_vec(), unhex(FIPS_DIGESTS[2].1[0]));
        assert_eq!(ctx.update(Mode::Digest, b"x"), Err(Error::MdBadInputData), "update after finish");
        assert_eq!(ctx.finish(Mode::Digest, &mut out), Err(Error::MdBadInputData), "finish twice");

        let (key, data) = &rfc4231_inputs()[1];
        let tag = unhex(RFC4231_TAGS[1].1[1]);
        let mut mac = MdContext::new(Algorithm::Sha256, true);
        assert_eq!(mac.hmac_reset(), Err(Error::MdBadInputData), "reset before any key");
        assert_eq!(mac.update(Mode::Hmac, data), Err(Error::MdBadInputData), "update before hmac_starts");
        mac.hmac_starts(key).unwrap();
        assert_eq!(mac.update(Mode::Digest, data), Err(Error::MdBadInputData), "authenticating, not hashing");
        mac.update(Mode::Hmac, data).unwrap();
        mac.finish(Mode::Hmac, &mut out).unwrap();
        assert_eq!(out.to_vec(), tag);
        assert_eq!(mac.finish(Mode::Hmac, &mut out), Err(Error::MdBadInputData), "finish twice");
        // The key survives a plain digest in between, and reset restarts with it.
        mac.starts();
        mac.update(Mode::Digest, b"abc").unwrap();
        mac.hmac_reset().unwrap();
        mac.update(Mode::Hmac, data).unwrap();
        mac.finish(Mode::Hmac, &mut out).unwrap();
        assert_eq!(out.to_vec(), tag);
    }

    #[test]
    fn copy_from_mid_stream() {
        let mut out = [0u8; 48];
        let mut a = MdContext::new(Algorithm::Sha384, true);
        let mut b = MdContext::new(Algorithm::Sha384, false);
        a.starts();
        a.update(Mode::Digest, b"ab").unwrap();
        b.copy_from(&a).unwrap();
        a.update(Mode::Digest, b"c").unwrap();
        b.update(Mode::Digest, b"c").unwrap();
        a.finish(Mode::Digest, &mut out).unwrap();
        assert_eq!(out.to_vec(), unhex(FIPS_DIGESTS[3].1[0]));
        b.finish(Mode::Digest, &mut out).unwrap();
        assert_eq!(out.to_vec(), unhex(FIPS_DIGESTS[3].1[0]));

        // An HMAC in progress: only into a context set up for HMAC; its own key stays.
        let (key, data) = &rfc4231_inputs()[0];
        a.hmac_starts(key).unwrap();
        a.update(Mode::Hmac, &data[..3]).unwrap();
        assert_eq!(b.copy_from(&a), Err(Error::MdBadInputData));
        let mut c = MdContext::new(Algorithm::Sha384, true);
        assert_eq!(c.copy_from(&a), Ok(()));
        assert_eq!(c.hmac_reset(), Err(Error::MdBadInputData), "the key was not copied");
        c.update(Mode::Hmac, &data[3..]).unwrap();
        c.finish(Mode::Hmac, &mut out).unwrap();
        assert_eq!(out.to_vec(), unhex(RFC4231_TAGS[2].1[0]));
        // Different algorithms.
        let other = MdContext::new(Algorithm::Sha512, true);
        assert_eq!(c.copy_from(&other), Err(Error::MdBadInputData));
        // An idle source leaves the destination idle.
        c.starts();
        c.copy_from(&MdContext::new(Algorithm::Sha384, false)).unwrap();
        assert_eq!(c.update(Mode::Digest, b"x"), Err(Error::MdBadInputData));
    }

    #[test]
    fn file_digest() {
        let dir = std::env::temp_dir().join(format!("mbedtls-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("data");
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        for algorithm in ALL {
            let mut out = vec![0; algorithm.output_len()];
            hash_file(algorithm, &path, &mut out).unwrap();
            assert_eq!(out, digest_of(algorithm, &data));
        }
        let mut out = [0; 32];
        assert_eq!(hash_file(Algorithm::Sha256, &dir.join("missing"), &mut out), Err(Error::MdFileIoError));
        assert_eq!(hash_file(Algorithm::Sha256, &dir, &mut out), Err(Error::MdFileIoError), "a directory");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
