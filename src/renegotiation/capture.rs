//! What the context observes during rustls's initial TLS 1.2 handshake, for the connection to
//! take over afterwards: the master secret from rustls's key log ([`SecretLog`]), and
//! from each direction of the wire ([`WireCapture`]) the plaintext handshake messages (the
//! hellos: randoms, session ID, RFC 5746 support) and the first protected record (the
//! Finished message, whose `verify_data` the next renegotiation must present).

use std::sync::{Arc, Mutex};

use rustls::KeyLog;
use rustls::enums::{ContentType, HandshakeType};
use zeroize::Zeroizing;

use super::messages::{Hello, parse_client_hello, parse_server_hello};
use crate::codec::u24;
use crate::config::Endpoint;
use crate::error::Result;

/// Records the secrets rustls computes: the TLS 1.2 master secret (label `CLIENT_RANDOM`), and
/// with [`SecretLog::exporting`] every secret rustls logs (TLS 1.3 traffic secrets too), in order,
/// for `mbedtls_ssl_set_export_keys_cb`. Secrets are wiped when dropped.
#[derive(Debug, Default)]
pub(crate) struct SecretLog {
    inner: Mutex<LoggedSecrets>,
    exporting: bool,
}

#[derive(Debug, Default)]
struct LoggedSecrets {
    master: Option<([u8; 32], Zeroizing<[u8; 48]>)>,
    all: Vec<LoggedSecret>,
}

/// One secret rustls logged: its NSS key log label, the client random, the secret.
#[derive(Debug)]
pub(crate) struct LoggedSecret {
    pub(crate) label: String,
    pub(crate) client_random: [u8; 32],
    pub(crate) secret: Zeroizing<Vec<u8>>,
}

impl KeyLog for SecretLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let Ok(cr) = <[u8; 32]>::try_from(client_random) else { return };
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if label == "CLIENT_RANDOM" {
            if let Ok(ms) = <[u8; 48]>::try_from(secret) {
                inner.master = Some((cr, Zeroizing::new(ms)));
            }
        }
        if self.exporting {
            inner.all.push(LoggedSecret {
                label: label.to_owned(),
                client_random: cr,
                secret: Zeroizing::new(secret.to_vec()),
            });
        }
    }

    fn will_log(&self, label: &str) -> bool {
        self.exporting || label == "CLIENT_RANDOM"
    }
}

impl SecretLog {
    /// A log that also keeps every other secret, for the application's key export callback.
    pub(crate) fn exporting() -> Self {
        Self { exporting: true, ..Self::default() }
    }

    /// The client random and the master secret, once rustls logged them.
    pub(super) fn get(&self) -> Option<([u8; 32], Zeroizing<[u8; 48]>)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).master.clone()
    }

    /// The secrets logged so far (for the key export callback), oldest first; the log forgets them.
    pub(crate) fn take_all(&self) -> Vec<LoggedSecret> {
        core::mem::take(&mut self.inner.lock().unwrap_or_else(|p| p.into_inner()).all)
    }
}

/// The random of a TLS 1.3 HelloRetryRequest (RFC 8446 §4.1.3: SHA-256 of "HelloRetryRequest").
const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11,
    0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// The random of a hello message (header included: type, length, version, then the random).
fn hello_random(message: &[u8]) -> Option<[u8; 32]> {
    message.get(6..38)?.try_into().ok()
}

/// One direction of the wire during the initial handshake: its plaintext handshake bytes up to
/// ChangeCipherSpec (and, in TLS 1.3, the ServerHello that follows a HelloRetryRequest and the
/// compatibility ChangeCipherSpec), and the first protected record after it (the Finished
/// message of TLS 1.2).
#[derive(Default)]
struct WireCapture {
    handshake: Vec<u8>,
    ccs_seen: bool,
    hrr_seen: bool,
    hello_after_hrr: bool,
    first_protected: Option<Vec<u8>>,
    pending: Vec<u8>,
}

impl WireCapture {
    fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        while self.pending.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([self.pending[3], self.pending[4]]));
            if self.pending.len() < 5 + len {
                break;
            }
            let record: Vec<u8> = self.pending.drain(..5 + len).collect();
            match (ContentType(record[0]), self.ccs_seen) {
                (ContentType::ChangeCipherSpec, _) => self.ccs_seen = true,
                (ContentType::Handshake, false) => {
                    let body = &record[5..];
                    if body.first() == Some(&HandshakeType::ServerHello.0) && hello_random(body) == Some(HRR_RANDOM) {
                        self.hrr_seen = true;
                    }
                    self.handshake.extend_from_slice(body);
                }
                (ContentType::Handshake, true) if self.hrr_seen && !self.hello_after_hrr => {
                    self.hello_after_hrr = true;
                    self.handshake.extend_from_slice(&record[5..]);
                }
                (_, true) if self.first_protected.is_none() => self.first_protected = Some(record),
                _ => {}
            }
        }
    }

    /// The handshake messages of `typ` seen in plaintext, in order.
    fn messages(&self, typ: HandshakeType) -> impl Iterator<Item = &[u8]> {
        let mut rest = &self.handshake[..];
        core::iter::from_fn(move || {
            while rest.len() >= 4 {
                let len = u24(&rest[1..4]);
                if rest.len() < 4 + len {
                    return None;
                }
                let (message, tail) = rest.split_at(4 + len);
                rest = tail;
                if HandshakeType(message[0]) == typ {
                    return Some(message);
                }
            }
            None
        })
    }

    /// The first handshake message of `typ` seen in plaintext.
    fn message(&self, typ: HandshakeType) -> Option<&[u8]> {
        self.messages(typ).next()
    }
}

/// What the context captures from rustls's initial TLS 1.2 handshake for the connection.
#[derive(Default)]
pub(crate) struct HandshakeCapture {
    pub(crate) key_log: Arc<SecretLog>,
    /// Only the wire is needed (the checks of the peer's hello): rustls is given neither the
    /// key log nor secret extraction.
    pub(crate) wire_only: bool,
    incoming: WireCapture,
    outgoing: WireCapture,
}

impl HandshakeCapture {
    /// A capture of the hellos only, for the checks of the peer's hello.
    pub(crate) fn wire_only() -> Self {
        Self { wire_only: true, ..Self::default() }
    }

    /// A capture whose key log keeps every secret, for the key export callback.
    pub(crate) fn exporting() -> Self {
        Self { key_log: Arc::new(SecretLog::exporting()), ..Self::default() }
    }

    /// Whether a TLS 1.2 peer announced RFC 5746, once both hellos were seen (`None` before;
    /// `Some(true)` for TLS 1.3, which has no renegotiation to protect).
    pub(crate) fn peer_supports_rfc5746(&self, role: Endpoint) -> Option<bool> {
        let server_hello = self.server_hello(role)?.ok()?;
        if server_hello.tls13 {
            return Some(true);
        }
        let peer_hello = match role {
            Endpoint::Server => self.client_hello(role)?.ok()?,
            Endpoint::Client => server_hello,
        };
        Some(peer_hello.announces_secure_renegotiation())
    }

    /// RFC 5746 3.4/3.6: whether the peer's initial hello carries a `renegotiation_info` that is
    /// not empty (it claims a previous handshake; this capture only sees the plaintext initial
    /// handshake, renegotiations are encrypted).
    pub(crate) fn peer_claims_previous_handshake(&self, role: Endpoint) -> bool {
        let hello = match role {
            Endpoint::Server => self.client_hello(role),
            Endpoint::Client => self.server_hello(role),
        };
        matches!(hello, Some(Ok(h)) if h.renegotiation_info.as_ref().is_some_and(|ri| !ri.is_empty()))
    }

    pub(crate) fn incoming(&mut self, bytes: &[u8]) {
        self.incoming.feed(bytes);
    }

    pub(crate) fn outgoing(&mut self, bytes: &[u8]) {
        self.outgoing.feed(bytes);
    }

    /// The direction of the wire that carried what `sender` sent, for us in `role`.
    fn wire_of(&self, role: Endpoint, sender: Endpoint) -> &WireCapture {
        if role == sender { &self.outgoing } else { &self.incoming }
    }

    /// The ClientHello, parsed (`None` until it was seen).
    pub(super) fn client_hello(&self, role: Endpoint) -> Option<Result<Hello>> {
        let message = self.wire_of(role, Endpoint::Client).message(HandshakeType::ClientHello)?;
        Some(parse_client_hello(&message[4..]))
    }

    /// The ServerHello, parsed (`None` until it was seen).
    pub(super) fn server_hello(&self, role: Endpoint) -> Option<Result<Hello>> {
        let message = self.wire_of(role, Endpoint::Server).message(HandshakeType::ServerHello)?;
        Some(parse_server_hello(&message[4..]))
    }

    /// The server random of the handshake: the ServerHello's (not a HelloRetryRequest's).
    pub(crate) fn server_random(&self, role: Endpoint) -> Option<[u8; 32]> {
        let wire = self.wire_of(role, Endpoint::Server);
        wire.messages(HandshakeType::ServerHello).filter_map(hello_random).filter(|r| *r != HRR_RANDOM).last()
    }

    /// The first protected record `sender` sent: its Finished message.
    pub(super) fn first_protected(&self, role: Endpoint, sender: Endpoint) -> Option<&[u8]> {
        self.wire_of(role, sender).first_protected.as_deref()
    }
}
