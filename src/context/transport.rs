//! The application's transport and TLS record framing: incoming bytes are read one record at a
//! time and never past the end of the current record (as Mbed TLS does), so no byte that follows
//! the TLS stream on the socket is consumed.
//!
//! One exception saves receive calls without changing what the application sees: during the
//! initial handshake, on a transport that can be peeked at (a socket behind
//! `mbedtls_net_recv`/`_recv_timeout`), the whole handshake records that have arrived are taken
//! in one receive instead of a header and a body each — never an application data record, and
//! never past the first handshake record after a ChangeCipherSpec (the peer's Finished, where the
//! handshake may end): every byte taken is consumed by the same handshake.

use rustls::TlsInputBuffer;
use rustls::error::AlertDescription;

use crate::codec::MAX_FRAGMENT;
use crate::error::{Error, Result};

/// The most a protected record may add to its plaintext: TLS 1.3's bound (RFC 8446 §5.2); the
/// TLS 1.2 suites offered here (AEAD) add at most 24.
const MAX_EXPANSION: usize = 256;

/// The application's transport (`mbedtls_ssl_set_bio`).
pub trait Transport {
    /// Sends some bytes; returns how many were taken.
    fn send(&mut self, data: &[u8]) -> Result<usize>;
    /// Receives at most `buf.len()` bytes; 0 means end of file. `timeout_ms` is the
    /// configured read timeout (0 = none).
    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize>;
    /// Fills `buf` (emptied first) with at most `max` of the bytes `recv` would receive, left
    /// in the transport for the next `recv` (waiting, blocking and failing as `recv` would);
    /// returns how many. None when the transport cannot be peeked at. (A vector, not a slice:
    /// a socket writes into its spare capacity, so nothing is zeroed first.)
    fn peek(&mut self, _buf: &mut Vec<u8>, _max: usize, _timeout_ms: u32) -> Option<Result<usize>> {
        None
    }
}

/// The most the initial handshake peeks at: one plaintext record of the largest size.
const PEEK: usize = 5 + MAX_FRAGMENT;

/// How many bytes at the start of `bytes` are whole records the initial handshake may take at
/// once: handshake, alert and ChangeCipherSpec records with sane headers, up to and including
/// the first handshake record after a ChangeCipherSpec (`ccs_seen`: one came before).
fn whole_handshake_records(bytes: &[u8], mut ccs_seen: bool) -> usize {
    let mut at = 0;
    while let Some(header) = bytes.get(at..at + 5) {
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if !(20..=22).contains(&header[0]) || header[1] != 3 || len > MAX_FRAGMENT + MAX_EXPANSION {
            break;
        }
        if bytes.len() - at - 5 < len {
            break;
        }
        at += 5 + len;
        match header[0] {
            20 => ccs_seen = true,
            22 if ccs_seen => break,
            _ => {}
        }
    }
    at
}

/// Incoming TLS bytes, filled one record at a time.
#[derive(Default)]
pub(super) struct RecordInput {
    pub(super) buf: Vec<u8>,
    pub(super) used: usize,
    /// Header of the record being received, and how much of it has arrived.
    pub(super) header: [u8; 5],
    header_have: usize,
    body_left: usize,
    received_close_notify: bool,
    /// Whether a ChangeCipherSpec record came in: handshake and alert records after it may be
    /// protected (TLS 1.2), so longer than a plaintext one.
    ccs_seen: bool,
    /// Complete headers received so far.
    headers: u64,
    /// What is wrong with the current record's header (the alert it deserves), found as soon as
    /// the header arrived: its body is not waited for.
    pub(super) problem: Option<AlertDescription>,
    /// Whole handshake records received ahead of the current one (`fill_ahead`) in
    /// `ahead[ahead_at..ahead_end]`; the buffer lives during the initial handshake only.
    ahead: Vec<u8>,
    ahead_at: usize,
    ahead_end: usize,
    /// The transport cannot be peeked at (it said so once).
    no_peek: bool,
}

impl RecordInput {
    /// True when the record being received is complete.
    pub(super) fn record_complete(&self) -> bool {
        self.header_have == 5 && self.body_left == 0
    }

    /// Bytes received from the transport and not yet handed on.
    pub(super) fn has_ahead(&self) -> bool {
        self.ahead_at < self.ahead_end
    }

    /// The bytes held for records taken ahead (0 outside the initial handshake).
    #[cfg(test)]
    pub(super) fn ahead_capacity(&self) -> usize {
        self.ahead.capacity()
    }

    /// Frees the buffer of records taken ahead, unless it still holds some (they are handed on
    /// first, and the buffer is freed by the next read after the handshake).
    pub(super) fn release_ahead(&mut self) {
        if !self.has_ahead() {
            self.ahead = Vec::new();
            (self.ahead_at, self.ahead_end) = (0, 0);
        }
    }

    /// Reads what is missing of the current record (never more). Returns 0 at end of file.
    /// `in_handshake`: the initial handshake is running, so whole handshake records may be taken
    /// at once (see the module's documentation).
    pub(super) fn read_some(
        &mut self,
        transport: &mut dyn Transport,
        timeout_ms: u32,
        in_handshake: bool,
    ) -> Result<usize> {
        let want = if self.header_have < 5 { 5 - self.header_have } else { self.body_left };
        if self.buf.len() < self.used + want {
            self.buf.resize(self.used + want, 0);
        }
        if !self.has_ahead() {
            if in_handshake && self.header_have == 0 && !self.no_peek {
                self.fill_ahead(transport, timeout_ms)?;
            } else if !in_handshake {
                self.release_ahead();
            }
        }
        let n = if self.has_ahead() {
            let n = want.min(self.ahead_end - self.ahead_at);
            self.buf[self.used..self.used + n].copy_from_slice(&self.ahead[self.ahead_at..self.ahead_at + n]);
            self.ahead_at += n;
            n
        } else {
            transport.recv(&mut self.buf[self.used..self.used + want], timeout_ms)?
        };
        if n == 0 {
            return Ok(0);
        }
        if n > want {
            return Err(Error::SslInternalError);
        }
        if self.header_have < 5 {
            self.header[self.header_have..self.header_have + n].copy_from_slice(&self.buf[self.used..self.used + n]);
            self.header_have += n;
            if self.header_have == 5 {
                self.headers += 1;
                let len = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                self.problem = self.header_problem(len);
                if self.problem == Some(AlertDescription::RecordOverflow) {
                    // Handed on without its body, with a length rustls refuses at once.
                    self.buf[self.used + n - 2..self.used + n].copy_from_slice(&[0xFF, 0xFF]);
                }
                self.body_left = if self.problem.is_some() { 0 } else { len };
            }
        } else {
            self.body_left -= n;
        }
        self.used += n;
        Ok(n)
    }

    /// Takes the whole handshake records that have arrived in one receive, when the transport
    /// can be peeked at; nothing (the record is then read as usual) when it cannot, when the
    /// first record has not fully arrived, or when it is not a handshake record.
    fn fill_ahead(&mut self, transport: &mut dyn Transport, timeout_ms: u32) -> Result<()> {
        (self.ahead_at, self.ahead_end) = (0, 0);
        let take = match transport.peek(&mut self.ahead, PEEK, timeout_ms) {
            None => {
                self.no_peek = true;
                self.ahead = Vec::new();
                return Ok(());
            }
            Some(peeked) => {
                let peeked = peeked?.min(self.ahead.len());
                whole_handshake_records(&self.ahead[..peeked], self.ccs_seen)
            }
        };
        if take != 0 {
            // What arrives is a prefix of the peeked records; the rest is read as usual.
            self.ahead_end = transport.recv(&mut self.ahead[..take], timeout_ms)?.min(take);
        }
        Ok(())
    }

    /// Checks a record header as it arrives (RFC 8446 §5, RFC 5246 §6.2): a known content type,
    /// major version 3, and a length within the plaintext limit (2^14) or, for records that may
    /// be protected, 2^14 + 256. Returns the alert a bad header deserves.
    fn header_problem(&mut self, len: usize) -> Option<AlertDescription> {
        let typ = self.header[0];
        if !(20..=23).contains(&typ) {
            return Some(AlertDescription::UnexpectedMessage);
        }
        if self.header[1] != 3 {
            return Some(AlertDescription::ProtocolVersion);
        }
        let protected_possible = typ == 23 || self.ccs_seen;
        if typ == 20 {
            self.ccs_seen = true;
        }
        let limit = if protected_possible { MAX_FRAGMENT + MAX_EXPANSION } else { MAX_FRAGMENT };
        (len > limit).then_some(AlertDescription::RecordOverflow)
    }

    /// Whether the current record is the first of the connection (nothing protected yet on
    /// either side).
    pub(super) fn is_first_record(&self) -> bool {
        self.headers == 1
    }

    /// The complete record has been handed to rustls; the next read starts a new one.
    pub(super) fn start_next_record(&mut self) {
        self.header_have = 0;
        self.body_left = 0;
    }
}

impl TlsInputBuffer for RecordInput {
    fn slice_mut(&mut self) -> &mut [u8] {
        &mut self.buf[..self.used]
    }

    fn discard(&mut self, num_bytes: usize) {
        let n = num_bytes.min(self.used);
        self.buf.copy_within(n..self.used, 0);
        self.used -= n;
    }

    fn received_close_notify(&mut self) {
        self.received_close_notify = true;
    }

    fn has_seen_eof(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;

    /// Bytes that arrive in two parts (the first `split` bytes, then the rest), as a transport
    /// that can be peeked at (or not); counts the calls.
    struct TwoPart {
        data: VecDeque<u8>,
        visible: usize,
        peekable: bool,
        calls: usize,
    }

    impl Transport for TwoPart {
        fn send(&mut self, data: &[u8]) -> Result<usize> {
            Ok(data.len())
        }
        fn recv(&mut self, buf: &mut [u8], _timeout_ms: u32) -> Result<usize> {
            self.calls += 1;
            let n = buf.len().min(self.visible.min(self.data.len()));
            if n == 0 {
                return Err(Error::SslWantRead);
            }
            for b in &mut buf[..n] {
                *b = self.data.pop_front().unwrap();
            }
            self.visible -= n;
            Ok(n)
        }
        fn peek(&mut self, buf: &mut Vec<u8>, max: usize, _timeout_ms: u32) -> Option<Result<usize>> {
            if !self.peekable {
                return None;
            }
            self.calls += 1;
            buf.clear();
            let n = max.min(self.visible.min(self.data.len()));
            if n == 0 {
                return Some(Err(Error::SslWantRead));
            }
            buf.extend(self.data.iter().take(n));
            Some(Ok(n))
        }
    }

    fn record(typ: u8, len: usize) -> Vec<u8> {
        let mut r = vec![typ, 3, 3, (len >> 8) as u8, len as u8];
        r.extend((0..len).map(|i| i as u8 ^ typ));
        r
    }

    /// Reads records until `count` are complete (WANT_READ makes the next part arrive).
    fn read_records(input: &mut RecordInput, t: &mut TwoPart, count: usize, in_handshake: bool) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while out.len() < count {
            match input.read_some(t, 0, in_handshake) {
                Ok(n) => assert!(n > 0),
                Err(Error::SslWantRead) => {
                    assert!(!input.has_ahead(), "WANT_READ with records taken ahead");
                    t.visible = usize::MAX;
                    continue;
                }
                Err(e) => panic!("{e:?}"),
            }
            if input.record_complete() {
                let len = 5 + usize::from(u16::from_be_bytes([input.header[3], input.header[4]]));
                out.push(input.buf[input.used - len..input.used].to_vec());
                input.start_next_record();
                input.used = 0;
            }
        }
        out
    }

    /// A client's last flight of an abbreviated TLS 1.2 handshake (ChangeCipherSpec, Finished)
    /// behind a handshake record, followed at once by application data or an alert: split at
    /// every byte, the handshake records come out whole and in order, and not one byte of what
    /// follows the Finished is taken before the handshake is over; all at once, they take two
    /// calls instead of six.
    #[test]
    fn handshake_records_are_taken_together_and_never_the_application_data() {
        let records = [record(22, 10), record(20, 1), record(22, 40)];
        // What follows the Finished: application data, or a (protected) close_notify alert.
        for app in [record(23, 20), record(21, 26)] {
            let all: Vec<u8> = records.concat().into_iter().chain(app.iter().copied()).collect();
            for split in 0..=all.len() {
                for peekable in [true, false] {
                    let mut t = TwoPart { data: all.iter().copied().collect(), visible: split, peekable, calls: 0 };
                    let mut input = RecordInput::default();
                    assert_eq!(read_records(&mut input, &mut t, 3, true), records, "split {split}");
                    assert!(!input.has_ahead(), "split {split}: bytes kept past the handshake");
                    assert_eq!(t.data.len(), app.len(), "split {split}: application data taken during the handshake");
                    if split == all.len() {
                        assert_eq!(t.calls, if peekable { 2 } else { 6 }, "peekable {peekable}");
                    }
                    assert_eq!(read_records(&mut input, &mut t, 1, false), std::slice::from_ref(&app), "split {split}");
                }
            }
        }
    }

    /// Several records in one receive stop at an application data record, at a header that is not
    /// TLS, at an oversized length and at a record that has not fully arrived.
    #[test]
    fn what_may_be_taken_at_once() {
        let cat = |parts: &[Vec<u8>]| parts.concat();
        let (hs, ccs, app) = (record(22, 3), record(20, 1), record(23, 3));
        assert_eq!(whole_handshake_records(&cat(&[hs.clone(), hs.clone()]), false), 16);
        assert_eq!(whole_handshake_records(&cat(&[hs.clone(), app.clone(), hs.clone()]), false), 8);
        assert_eq!(
            whole_handshake_records(&cat(&[ccs.clone(), hs.clone(), hs.clone()]), false),
            14,
            "stops after Finished"
        );
        assert_eq!(whole_handshake_records(&cat(&[hs.clone(), hs.clone()]), true), 8, "a ChangeCipherSpec came before");
        assert_eq!(whole_handshake_records(&cat(&[record(21, 2), hs.clone()]), false), 15);
        assert_eq!(whole_handshake_records(&hs[..7], false), 0);
        assert_eq!(whole_handshake_records(&[22, 3, 3, 0x48, 0x01], false), 0, "over 2^14 + 256");
        assert_eq!(whole_handshake_records(b"GET / HTTP/1.1\r\n", false), 0);
        assert_eq!(whole_handshake_records(&[22, 2, 0, 0, 0], false), 0);
        assert_eq!(whole_handshake_records(&[], false), 0);
    }
}
