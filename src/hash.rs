//! Message digests for the PSA hash functions of `psa/crypto.h`: SHA-1 and SHA-2 computed by
//! aws-lc, with the output rules of Mbed TLS 3.6's PSA core.
//!
//! The PSA status codes are a C error space of their own (`psa_status_t`, not `MBEDTLS_ERR_*`),
//! so this module reports its two failures as [`HashError`] and `ffi::psa` maps them.

use aws_lc_rs::{constant_time, digest};

/// The hash algorithms this library computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashAlgorithm {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    fn digest_algorithm(self) -> &'static digest::Algorithm {
        match self {
            Self::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            Self::Sha224 => &digest::SHA224,
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
            Self::Sha512 => &digest::SHA512,
        }
    }
}

/// Why a digest could not be delivered or did not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashError {
    /// The output buffer is shorter than the digest.
    OutputTooSmall,
    /// The digest differs from the expected value, or has another length.
    Mismatch,
}

/// A multi-part hash computation. A clone carries on from the same state independently.
#[derive(Clone)]
pub(crate) struct HashOperation {
    context: digest::Context,
}

impl HashOperation {
    pub(crate) fn new(algorithm: HashAlgorithm) -> Self {
        Self { context: digest::Context::new(algorithm.digest_algorithm()) }
    }

    /// The computation of `data` in one call.
    pub(crate) fn of(algorithm: HashAlgorithm, data: &[u8]) -> Self {
        let mut operation = Self::new(algorithm);
        operation.update(data);
        operation
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.context.update(data);
    }

    /// Ends the computation and writes the digest at the start of `out`; returns its length.
    ///
    /// As in Mbed TLS, `out` is first filled with `'!'`, so a caller that ignores a failure does
    /// not find a digest-like value there.
    ///
    /// # Errors
    /// [`HashError::OutputTooSmall`] when `out` is shorter than the digest.
    pub(crate) fn finish_into(self, out: &mut [u8]) -> Result<usize, HashError> {
        out.fill(b'!');
        let digest = self.context.finish();
        let digest = digest.as_ref();
        let dest = out.get_mut(..digest.len()).ok_or(HashError::OutputTooSmall)?;
        dest.copy_from_slice(digest);
        Ok(digest.len())
    }

    /// Ends the computation and compares the digest with `expected` in constant time (the
    /// lengths are public).
    ///
    /// # Errors
    /// [`HashError::Mismatch`] when they differ.
    pub(crate) fn verify(self, expected: &[u8]) -> Result<(), HashError> {
        let digest = self.context.finish();
        constant_time::verify_slices_are_equal(digest.as_ref(), expected).map_err(|_| HashError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn digest_of(algorithm: HashAlgorithm, data: &[u8]) -> String {
        let mut out = [0u8; 64];
        let n = HashOperation::of(algorithm, data).finish_into(&mut out).unwrap();
        assert_eq!(n, algorithm.digest_algorithm().output_len());
        hex(&out[..n])
    }

    /// FIPS 180 examples ("abc") and the empty message.
    #[test]
    fn known_answers() {
        use HashAlgorithm::*;
        assert_eq!(digest_of(Sha1, b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(digest_of(Sha224, b"abc"), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
        assert_eq!(digest_of(Sha256, b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(digest_of(Sha256, b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_eq!(
            digest_of(Sha384, b"abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"
        );
        assert_eq!(
            digest_of(Sha512, b"abc"),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn pieces_clones_and_verification() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let mut pieces = HashOperation::new(HashAlgorithm::Sha384);
        pieces.update(&data[..1]);
        pieces.update(&[]);
        pieces.update(&data[1..500]);
        let mut copy = pieces.clone();
        pieces.update(&data[500..]);
        copy.update(b"other");
        let one_shot = digest_of(HashAlgorithm::Sha384, &data);
        let mut out = [0u8; 48];
        pieces.finish_into(&mut out).unwrap();
        assert_eq!(hex(&out), one_shot);
        let mut forked = data[..500].to_vec();
        forked.extend_from_slice(b"other");
        copy.clone().finish_into(&mut out).unwrap();
        assert_eq!(hex(&out), digest_of(HashAlgorithm::Sha384, &forked));
        assert_eq!(copy.clone().verify(&out), Ok(()));
        assert_eq!(copy.clone().verify(&out[..47]), Err(HashError::Mismatch));
        out[47] ^= 1;
        assert_eq!(copy.verify(&out), Err(HashError::Mismatch));
    }

    #[test]
    fn short_output_is_refused_and_filled() {
        let mut out = [0u8; 31];
        assert_eq!(
            HashOperation::of(HashAlgorithm::Sha256, b"x").finish_into(&mut out),
            Err(HashError::OutputTooSmall)
        );
        assert_eq!(out, [b'!'; 31]);
        let mut roomy = [0u8; 40];
        assert_eq!(HashOperation::of(HashAlgorithm::Sha256, b"x").finish_into(&mut roomy), Ok(32));
        assert_eq!(&roomy[32..], &[b'!'; 8]);
    }
}
