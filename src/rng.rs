//! Random bytes for the whole library: the operating system's CSPRNG, reached through aws-lc
//! (`RAND_bytes`, which seeds itself from `getrandom(2)` and reseeds after `fork`).
//!
//! `mbedtls_entropy_func` and `mbedtls_ctr_drbg_random` both draw from here, so every random byte
//! a C program obtains from this library comes from the same audited generator that rustls uses
//! for its handshakes, whatever entropy callback the program configured.

use crate::error::Error;

/// Fills `buf` with bytes from the operating system's CSPRNG.
///
/// An empty `buf` succeeds without touching the generator.
///
/// # Errors
/// [`Error::EntropySourceFailed`] when the generator cannot deliver (aws-lc reports failure only
/// when the kernel source is unavailable).
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), Error> {
    if buf.is_empty() {
        return Ok(());
    }
    aws_lc_rs::rand::fill(buf).map_err(|_| Error::EntropySourceFailed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_buffer_is_fine() {
        assert_eq!(fill(&mut []), Ok(()));
    }

    #[test]
    fn fills_and_differs_between_calls() {
        let mut a = [0u8; 64];
        let mut b = [0u8; 64];
        fill(&mut a).unwrap();
        fill(&mut b).unwrap();
        // 2^-512 chance of a false failure.
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 64]);
    }

    #[test]
    fn large_buffers_are_filled_completely() {
        let mut buf = vec![0u8; 1 << 16];
        fill(&mut buf).unwrap();
        // Every 256-byte window of a random buffer contains a non-zero byte.
        assert!(buf.chunks(256).all(|c| c.iter().any(|&x| x != 0)));
    }
}
