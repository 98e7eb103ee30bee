//! What the context observes during rustls's initial TLS 1.2 handshake, for the connection to
//! take over afterwards: the master secret from rustls's key log ([`MasterSecretLog`]), and
//! from each direction of the wire ([`WireCapture`]) the plaintext handshake messages (the
//! hellos: randoms, session ID, RFC 5746 support) and the first protected record (the
//! Finished message, whose `verify_data` the next renegotiation must present).

use std::sync::{Arc, Mutex};

use rustls::KeyLog;
use rustls::enums::{ContentType, HandshakeType};

use super::messages::{Hello, parse_client_hello, parse_server_hello};
use crate::codec::u24;
use crate::config::Endpoint;
use crate::error::Result;

/// Records the TLS 1.2 master secret rustls computes (label `CLIENT_RANDOM`).
#[derive(Debug, Default)]
pub(crate) struct MasterSecretLog {
    inner: Mutex<Option<([u8; 32], [u8; 48])>>,
}

impl KeyLog for MasterSecretLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if label == "CLIENT_RANDOM" && client_random.len() == 32 && secret.len() == 48 {
            let mut cr = [0u8; 32];
            let mut ms = [0u8; 48];
            cr.copy_from_slice(client_random);
            ms.copy_from_slice(secret);
            *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = Some((cr, ms));
        }
    }

    fn will_log(&self, label: &str) -> bool {
        label == "CLIENT_RANDOM"
    }
}

impl MasterSecretLog {
    /// The client random and the master secret, once rustls logged them.
    pub(super) fn get(&self) -> Option<([u8; 32], [u8; 48])> {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One direction of the wire during the initial handshake: its plaintext handshake bytes up to
/// ChangeCipherSpec, and the first protected record after it (the Finished message).
#[derive(Default)]
struct WireCapture {
    handshake: Vec<u8>,
    ccs_seen: bool,
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
                (ContentType::Handshake, false) => self.handshake.extend_from_slice(&record[5..]),
                (_, true) if self.first_protected.is_none() => self.first_protected = Some(record),
                _ => {}
            }
        }
    }

    /// The first handshake message of `typ` seen in plaintext.
    fn message(&self, typ: HandshakeType) -> Option<&[u8]> {
        let mut rest = &self.handshake[..];
        while rest.len() >= 4 {
            let len = u24(&rest[1..4]);
            if rest.len() < 4 + len {
                return None;
            }
            if HandshakeType(rest[0]) == typ {
                return Some(&rest[..4 + len]);
            }
            rest = &rest[4 + len..];
        }
        None
    }
}

/// What the context captures from rustls's initial TLS 1.2 handshake for the connection.
#[derive(Default)]
pub(crate) struct HandshakeCapture {
    pub(crate) key_log: Arc<MasterSecretLog>,
    incoming: WireCapture,
    outgoing: WireCapture,
}

impl HandshakeCapture {
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

    /// The first protected record `sender` sent: its Finished message.
    pub(super) fn first_protected(&self, role: Endpoint, sender: Endpoint) -> Option<&[u8]> {
        self.wire_of(role, sender).first_protected.as_deref()
    }
}
