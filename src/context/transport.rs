//! The application's transport and TLS record framing: incoming bytes are read one record at a
//! time and never past the end of the current record (as Mbed TLS does), so no byte that follows
//! the TLS stream on the socket is consumed.

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
}

impl RecordInput {
    /// True when the record being received is complete.
    pub(super) fn record_complete(&self) -> bool {
        self.header_have == 5 && self.body_left == 0
    }

    /// Reads what is missing of the current record (never more). Returns 0 at end of file.
    pub(super) fn read_some(&mut self, transport: &mut dyn Transport, timeout_ms: u32) -> Result<usize> {
        let want = if self.header_have < 5 { 5 - self.header_have } else { self.body_left };
        if self.buf.len() < self.used + want {
            self.buf.resize(self.used + want, 0);
        }
        let n = transport.recv(&mut self.buf[self.used..self.used + want], timeout_ms)?;
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
