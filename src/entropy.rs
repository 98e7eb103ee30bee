//! The entropy accumulator of `mbedtls_entropy_context`, following Mbed TLS's design: sources
//! are polled in rounds; what each delivers is absorbed, with the source's id and length, into a
//! SHA-512 pool; an output is only produced once every source has delivered its threshold since
//! the last output and the strong sources together at least [`BLOCK`] bytes; it is SHA-512 of
//! the pool, which keeps chaining for the next output.
//!
//! The pool is a 64-byte chaining value (`pool = SHA-512(pool ‖ id ‖ len ‖ data)`) rather than a
//! running SHA-512 state, so that it can live in the caller-allocated C context as plain bytes.
//! The sources themselves (C callbacks) are the caller's: this module sees them as a closure.

use zeroize::Zeroize as _;

use crate::digest::{Algorithm, Hash, hash};

/// The size of the pool and the most bytes one output gives (`MBEDTLS_ENTROPY_BLOCK_SIZE`).
pub(crate) const BLOCK: usize = 64;
/// The buffer each source is polled with (`MBEDTLS_ENTROPY_MAX_GATHER`).
pub(crate) const MAX_GATHER: usize = 128;
/// Gathering rounds one output may take before giving up (Mbed TLS's `ENTROPY_MAX_LOOP`).
const MAX_ROUNDS: usize = 256;

/// Polls source `i` into the buffer: the number of bytes written (more than the buffer counts
/// as the whole buffer) or the source's own non-zero error code.
pub(crate) type Poll<'a> = dyn FnMut(usize, &mut [u8]) -> Result<usize, i32> + 'a;

/// What the accumulator knows of one source.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SourceState {
    /// Bytes it must deliver before each output.
    pub(crate) threshold: usize,
    /// Strong sources count towards the [`BLOCK`] strong bytes of each output.
    pub(crate) strong: bool,
    /// Bytes delivered since the last output.
    pub(crate) size: usize,
}

/// Why no output (or no gathering round) was possible.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GatherError {
    /// There is no source at all.
    NoSources,
    /// Every source was polled, but none of them is strong.
    NoStrongSource,
    /// A source failed: its own (non-zero) return value.
    Source(i32),
    /// The thresholds were not reached within the round limit.
    TooManyRounds,
}

/// Absorbs `data` from source `id` into the pool. Data longer than [`BLOCK`] is hashed first,
/// as Mbed TLS does.
pub(crate) fn absorb(pool: &mut [u8; BLOCK], id: u8, data: &[u8]) {
    let mut digest = [0u8; BLOCK];
    let data = if data.len() > BLOCK {
        hash(Algorithm::Sha512, data, &mut digest);
        &digest[..]
    } else {
        data
    };
    let mut h = Hash::new(Algorithm::Sha512);
    h.update(pool);
    h.update(&[id, data.len() as u8]);
    h.update(data);
    h.finish(pool);
    digest.zeroize();
}

/// One gathering round: polls every source once (in order) with a [`MAX_GATHER`]-byte buffer
/// and absorbs what it delivered. `poll(i, buf)` returns the number of bytes written (more than
/// the buffer counts as the whole buffer) or the source's error code.
///
/// # Errors
/// [`GatherError::NoSources`] without sources; a failing source's code (the sources after it are
/// not polled); [`GatherError::NoStrongSource`] after a round without a strong source.
pub(crate) fn gather(
    pool: &mut [u8; BLOCK],
    sources: &mut [SourceState],
    poll: &mut Poll<'_>,
) -> Result<(), GatherError> {
    if sources.is_empty() {
        return Err(GatherError::NoSources);
    }
    let mut buf = [0u8; MAX_GATHER];
    let mut result = Ok(());
    let mut have_strong = false;
    for (i, source) in sources.iter_mut().enumerate() {
        have_strong |= source.strong;
        match poll(i, &mut buf) {
            Ok(len) => {
                let len = len.min(buf.len());
                if len > 0 {
                    absorb(pool, i as u8, &buf[..len]);
                    source.size = source.size.saturating_add(len);
                }
            }
            Err(code) => {
                result = Err(GatherError::Source(code));
                break;
            }
        }
    }
    buf.zeroize();
    if result.is_ok() && !have_strong {
        return Err(GatherError::NoStrongSource);
    }
    result
}

/// One output (`mbedtls_entropy_func`): gathering rounds until every threshold is reached and
/// the strong sources delivered [`BLOCK`] bytes, then `out` (at most [`BLOCK`] bytes) is filled
/// from SHA-512 of the pool and the counts start again.
///
/// # Errors
/// Those of [`gather`], and [`GatherError::TooManyRounds`] after 257 rounds.
pub(crate) fn output(
    pool: &mut [u8; BLOCK],
    sources: &mut [SourceState],
    poll: &mut Poll<'_>,
    out: &mut [u8],
) -> Result<(), GatherError> {
    debug_assert!(out.len() <= BLOCK);
    let mut rounds = 0;
    loop {
        if rounds > MAX_ROUNDS {
            return Err(GatherError::TooManyRounds);
        }
        rounds += 1;
        gather(pool, sources, poll)?;
        let thresholds = sources.iter().all(|s| s.size >= s.threshold);
        let strong: usize = sources.iter().filter(|s| s.strong).map(|s| s.size).fold(0, usize::saturating_add);
        if thresholds && strong >= BLOCK {
            break;
        }
    }
    let mut digest = [0u8; BLOCK];
    hash(Algorithm::Sha512, pool, &mut digest);
    out.copy_from_slice(&digest[..out.len()]);
    digest.zeroize();
    for source in sources.iter_mut() {
        source.size = 0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strong(threshold: usize) -> SourceState {
        SourceState { threshold, strong: true, size: 0 }
    }

    #[test]
    fn absorb_chains_and_depends_on_every_input() {
        let mut a = [0u8; BLOCK];
        let mut b = [0u8; BLOCK];
        absorb(&mut a, 1, b"x");
        absorb(&mut b, 2, b"x");
        assert_ne!(a, b, "source id counts");
        let mut c = [0u8; BLOCK];
        absorb(&mut c, 1, b"y");
        assert_ne!(a, c, "data counts");
        // Known answer: SHA-512(64 zero bytes ‖ 01 01 ‖ "x").
        let mut input = vec![0u8; 64];
        input.extend_from_slice(&[1, 1, b'x']);
        let mut want = [0u8; 64];
        hash(Algorithm::Sha512, &input, &mut want);
        assert_eq!(a, want);
    }

    #[test]
    fn output_polls_until_thresholds_and_strong_bytes() {
        let mut pool = [0u8; BLOCK];
        // A strong source giving 16 bytes per round needs 4 rounds for 64 strong bytes; a weak
        // one with threshold 50 giving 10 per round needs 5.
        let mut sources = [strong(0), SourceState { threshold: 50, strong: false, size: 0 }];
        let calls = [core::cell::Cell::new(0usize), core::cell::Cell::new(0)];
        let mut poll = |i: usize, buf: &mut [u8]| {
            calls[i].set(calls[i].get() + 1);
            let n = if i == 0 { 16 } else { 10 };
            buf[..n].fill(i as u8 + 1);
            Ok(n)
        };
        let mut out = [0u8; 32];
        output(&mut pool, &mut sources, &mut poll, &mut out).unwrap();
        assert_eq!([calls[0].get(), calls[1].get()], [5, 5]);
        assert_eq!(sources.iter().map(|s| s.size).collect::<Vec<_>>(), [0, 0]);
        let mut again = [0u8; 32];
        output(&mut pool, &mut sources, &mut poll, &mut again).unwrap();
        assert_ne!(out, again, "the pool keeps chaining");
    }

    #[test]
    fn errors_as_mbedtls() {
        let mut pool = [0u8; BLOCK];
        let mut out = [0u8; 8];
        let mut ok = |_: usize, buf: &mut [u8]| Ok(buf.len());
        assert_eq!(output(&mut pool, &mut [], &mut ok, &mut out), Err(GatherError::NoSources));
        let weak = SourceState { threshold: 0, strong: false, size: 0 };
        assert_eq!(gather(&mut pool, &mut [weak], &mut ok), Err(GatherError::NoStrongSource));
        let mut sources = [strong(0), strong(0)];
        let mut failing = |i: usize, _: &mut [u8]| if i == 0 { Err(-0x1234) } else { panic!("polled after a failure") };
        assert_eq!(output(&mut pool, &mut sources, &mut failing, &mut out), Err(GatherError::Source(-0x1234)));
        let mut silent = |_: usize, _: &mut [u8]| Ok(0);
        assert_eq!(output(&mut pool, &mut [strong(1)], &mut silent, &mut out), Err(GatherError::TooManyRounds));
        // A source claiming more than the buffer counts as the whole buffer.
        let mut liar = |_: usize, _: &mut [u8]| Ok(usize::MAX);
        let mut sources = [strong(0)];
        gather(&mut pool, &mut sources, &mut liar).unwrap();
        assert_eq!(sources[0].size, MAX_GATHER);
    }
}
