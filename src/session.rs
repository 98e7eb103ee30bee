//! Sessions (`mbedtls_ssl_session`): the model shared by clients and servers, and the byte
//! format of `mbedtls_ssl_session_save` / `_load`.
//!
//! # The saved format (version 1)
//!
//! ```text
//! magic      4 bytes  "RMTS"
//! version    u16      format version (1)
//! body_len   u32      length of the body
//! body       body_len bytes, every field length-prefixed:
//!            u8 endpoint (0 client, 1 server) · u16 TLS version · u16 cipher suite ·
//!            u64 start (Unix seconds) · u32 verify result · u8 id_len + id (≤ 32) ·
//!            u16 len + server name (UTF-8) · u24 len + peer end-entity certificate (DER) ·
//!            u32 len + rustls session value · u32 ticket lifetime (s) ·
//!            u64 ticket time (ms since the epoch: received by a client, issued by a server)
//! check      8 bytes  first 8 bytes of SHA-256 over everything before it
//! ```
//!
//! All integers are big-endian. The check value catches a blob torn by a power loss or a flipped
//! bit in flash: such a blob fails to load (`MBEDTLS_ERR_SSL_BAD_INPUT_DATA`) instead of loading
//! as a different session. It is not a MAC: saved sessions hold secrets and must be stored where
//! only the device can read and write them.
//!
//! **Compatibility promise**: format version 1 is loaded by every later version of this library.
//! A newer format is refused with `MBEDTLS_ERR_SSL_VERSION_MISMATCH` by older versions.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::codec::{CHECK_LEN, Reader, check_value, put_vec8, put_vec16, put_vec24, put_vec32};
use crate::config::{Endpoint, TLS1_2, TLS1_3};
use crate::error::{Error, Result};

const MAGIC: &[u8; 4] = b"RMTS";
/// The format version this build writes.
pub const FORMAT_VERSION: u16 = 1;
const HEADER_LEN: usize = 4 + 2 + 4;

/// A TLS session: what a client needs to resume, or what a server remembers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub endpoint: Endpoint,
    /// 0x0303 or 0x0304; 0 for an empty (freshly initialised) session.
    pub version: u16,
    pub suite: u16,
    /// When the session was established (Unix seconds).
    pub start: u64,
    /// The peer certificate's verification result when the session was established.
    pub verify_result: u32,
    /// TLS 1.2 session ID (may be empty: ticket-only and TLS 1.3 sessions).
    pub id: Vec<u8>,
    /// The server name the session belongs to ("" when none was used).
    pub server_name: String,
    /// The peer's end-entity certificate (DER), empty when there was none.
    pub peer_cert: Vec<u8>,
    /// The rustls session value (client: `Tls12Session`/`Tls13Session` encoding; server: the
    /// opaque value rustls stores). Empty when the session cannot be resumed.
    pub value: Vec<u8>,
    /// Ticket lifetime hint in seconds (0 when there is no ticket).
    pub ticket_lifetime: u32,
    /// When the ticket was received (client) or issued (server), ms since the epoch.
    pub ticket_time_ms: u64,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            endpoint: Endpoint::Client,
            version: 0,
            suite: 0,
            start: 0,
            verify_result: u32::MAX,
            id: Vec::new(),
            server_name: String::new(),
            peer_cert: Vec::new(),
            value: Vec::new(),
            ticket_lifetime: 0,
            ticket_time_ms: 0,
        }
    }
}

pub fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// The length of a saved session whose body is `body_len` bytes; None when it does not fit a
/// `usize` (a huge declared length on a 32-bit target).
fn saved_len(body_len: usize) -> Option<usize> {
    HEADER_LEN.checked_add(body_len)?.checked_add(CHECK_LEN)
}

impl Session {
    /// True for a session that was never filled (`mbedtls_ssl_session_init` only).
    pub fn is_empty(&self) -> bool {
        self.version == 0
    }

    /// `mbedtls_ssl_session_save`: the session in the saved format.
    ///
    /// An empty session cannot be saved (`MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE`, as Mbed TLS 3.6).
    pub fn save(&self) -> Result<Vec<u8>> {
        if self.is_empty() {
            return Err(Error::SslFeatureUnavailable);
        }
        if self.id.len() > 32 {
            return Err(Error::SslBadInputData);
        }
        // Every length is written by a writer that refuses what does not fit its field.
        let too_long = |_| Error::SslBadInputData;
        let mut body = Vec::with_capacity(64 + self.value.len() + self.peer_cert.len());
        body.push(match self.endpoint {
            Endpoint::Client => 0,
            Endpoint::Server => 1,
        });
        body.extend_from_slice(&self.version.to_be_bytes());
        body.extend_from_slice(&self.suite.to_be_bytes());
        body.extend_from_slice(&self.start.to_be_bytes());
        body.extend_from_slice(&self.verify_result.to_be_bytes());
        put_vec8(&mut body, &self.id).map_err(too_long)?;
        put_vec16(&mut body, self.server_name.as_bytes()).map_err(too_long)?;
        put_vec24(&mut body, &self.peer_cert).map_err(too_long)?;
        put_vec32(&mut body, &self.value).map_err(too_long)?;
        body.extend_from_slice(&self.ticket_lifetime.to_be_bytes());
        body.extend_from_slice(&self.ticket_time_ms.to_be_bytes());

        let mut out = Vec::with_capacity(HEADER_LEN + body.len() + CHECK_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        put_vec32(&mut out, &body).map_err(too_long)?;
        let check = check_value(&out);
        out.extend_from_slice(&check);
        Ok(out)
    }

    /// `mbedtls_ssl_session_load`: the session saved in `bytes`.
    ///
    /// # Errors
    /// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for anything that is not a whole, intact saved session
    /// (truncated, trailing bytes, corrupted, wrong magic, impossible field values);
    /// `MBEDTLS_ERR_SSL_VERSION_MISMATCH` for a format version this build does not know.
    pub fn load(bytes: &[u8]) -> Result<Session> {
        if bytes.len() < HEADER_LEN + CHECK_LEN || &bytes[..4] != MAGIC {
            return Err(Error::SslBadInputData);
        }
        let version = u16::from_be_bytes([bytes[4], bytes[5]]);
        if version != FORMAT_VERSION {
            return Err(Error::SslVersionMismatch);
        }
        let body_len = usize::try_from(u32::from_be_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]))
            .map_err(|_| Error::SslBadInputData)?;
        if Some(bytes.len()) != saved_len(body_len) {
            return Err(Error::SslBadInputData);
        }
        let (data, check) = bytes.split_at(HEADER_LEN + body_len);
        // Fuzzing builds skip the check value so that mutations reach the field parser.
        if check_value(data) != check && !cfg!(fuzzing) {
            return Err(Error::SslBadInputData);
        }
        let mut r = Reader::new(&data[HEADER_LEN..], Error::SslBadInputData);
        let endpoint = match r.u8()? {
            0 => Endpoint::Client,
            1 => Endpoint::Server,
            _ => return Err(Error::SslBadInputData),
        };
        let tls_version = r.u16()?;
        if tls_version != TLS1_2 && tls_version != TLS1_3 {
            return Err(Error::SslBadInputData);
        }
        let session = Session {
            endpoint,
            version: tls_version,
            suite: r.u16()?,
            start: r.u64()?,
            verify_result: r.u32()?,
            id: {
                let n = usize::from(r.u8()?);
                if n > 32 {
                    return Err(Error::SslBadInputData);
                }
                r.take(n)?.to_vec()
            },
            server_name: {
                let n = usize::from(r.u16()?);
                String::from_utf8(r.take(n)?.to_vec()).map_err(|_| Error::SslBadInputData)?
            },
            peer_cert: {
                let n = r.u24()?;
                r.take(n)?.to_vec()
            },
            value: {
                let n = r.u32()? as usize;
                r.take(n)?.to_vec()
            },
            ticket_lifetime: r.u32()?,
            ticket_time_ms: r.u64()?,
        };
        if !r.is_empty() {
            return Err(Error::SslBadInputData);
        }
        Ok(session)
    }
}

/// The fields of a rustls client session value this library reports (`Tls12Session` /
/// `Tls13Session` encodings of rustls 0.24.0-dev.1; the pin keeps them stable).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ClientValueInfo {
    pub suite: u16,
    pub id: Vec<u8>,
    pub ticket_len: usize,
    /// When rustls stored the value (Unix seconds).
    pub epoch: u64,
    pub lifetime: u64,
}

impl ClientValueInfo {
    pub fn parse(version: u16, value: &[u8]) -> Option<Self> {
        let mut r = Reader::new(value, Error::SslBadInputData);
        let suite = r.u16().ok()?;
        let mut info = ClientValueInfo { suite, ..Default::default() };
        if version == TLS1_2 {
            let n = usize::from(r.u8().ok()?);
            info.id = r.take(n).ok()?.to_vec();
            r.take(48 + 1).ok()?; // master secret, extended master secret flag
        } else {
            let n = usize::from(r.u8().ok()?);
            r.take(n + 4 + 4).ok()?; // secret, age_add, max_early_data_size
        }
        let n = usize::from(r.u16().ok()?);
        r.take(n).ok()?;
        info.ticket_len = n;
        info.epoch = r.u64().ok()?;
        info.lifetime = r.u64().ok()?;
        Some(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Session {
        Session {
            endpoint: Endpoint::Client,
            version: TLS1_3,
            suite: 0x1301,
            start: 1_800_000_000,
            verify_result: 0,
            id: vec![7; 32],
            server_name: "localhost".into(),
            peer_cert: vec![0x30, 0x82, 1, 2, 3],
            value: vec![1, 2, 3, 4, 5, 6, 7],
            ticket_lifetime: 7200,
            ticket_time_ms: 1_800_000_000_123,
        }
    }

    #[test]
    fn huge_declared_lengths_never_wrap() {
        // Issue 13 (10): the declared body length plus the header and check value must not
        // wrap (on 32-bit targets a u32 length reaches usize::MAX).
        assert_eq!(saved_len(usize::MAX), None);
        assert_eq!(saved_len(usize::MAX - HEADER_LEN - CHECK_LEN + 1), None);
        assert_eq!(saved_len(usize::MAX - HEADER_LEN - CHECK_LEN), Some(usize::MAX));
        // A saved session declaring a 4 GiB body is refused, not read past.
        let mut bytes = sample().save().unwrap();
        bytes[6..10].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(Session::load(&bytes).err(), Some(Error::SslBadInputData));
    }

    #[test]
    fn save_load_round_trip() {
        let s = sample();
        let bytes = s.save().unwrap();
        assert_eq!(Session::load(&bytes).unwrap(), s);
        assert_eq!(Session::load(&bytes).unwrap().save().unwrap(), bytes);
    }

    #[test]
    fn every_truncation_is_bad_input() {
        let bytes = sample().save().unwrap();
        for len in 0..bytes.len() {
            assert_eq!(Session::load(&bytes[..len]), Err(Error::SslBadInputData), "len {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Session::load(&longer), Err(Error::SslBadInputData));
    }

    #[test]
    fn every_single_bit_flip_is_refused() {
        let bytes = sample().save().unwrap();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                let r = Session::load(&b);
                let expected_version = i == 4 || i == 5;
                match r {
                    Err(Error::SslVersionMismatch) if expected_version => {}
                    Err(Error::SslBadInputData) if !expected_version => {}
                    other => panic!("byte {i} bit {bit}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn empty_sessions_cannot_be_saved() {
        assert_eq!(Session::default().save(), Err(Error::SslFeatureUnavailable));
    }
}
