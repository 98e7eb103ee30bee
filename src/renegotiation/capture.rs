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
        // Whole records are taken from `bytes` as they are; only a record's unfinished tail
        // waits in `pending` for the rest.
        if self.pending.is_empty() {
            let used = self.records(bytes);
            self.pending.extend_from_slice(&bytes[used..]);
            return;
        }
        self.pending.extend_from_slice(bytes);
        let pending = core::mem::take(&mut self.pending);
        let used = self.records(&pending);
        self.pending = pending;
        self.pending.drain(..used);
    }

    /// Takes the whole records at the start of `bytes`; returns how many bytes they fill.
    fn records(&mut self, bytes: &[u8]) -> usize {
        let mut used = 0;
        while let Some(header) = bytes.get(used..used + 5) {
            let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
            let Some(record) = bytes.get(used..used + 5 + len) else { break };
            used += record.len();
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
                (_, true) if self.first_protected.is_none() => self.first_protected = Some(record.to_vec()),
                _ => {}
            }
        }
        used
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
    /// `check_peer_hello` has checked the peer's hello for a `renegotiation_info` that claims a
    /// previous handshake, and (when asked to) whether the peer announced RFC 5746.
    claims_checked: bool,
    support_checked: bool,
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
    /// `None` until the peer's hello was seen.
    fn peer_claims_previous_handshake(&self, role: Endpoint) -> Option<bool> {
        let hello = match role {
            Endpoint::Server => self.client_hello(role),
            Endpoint::Client => self.server_hello(role),
        }?;
        Some(matches!(hello, Ok(h) if h.renegotiation_info.as_ref().is_some_and(|ri| !ri.is_empty())))
    }

    /// The RFC 5746 checks of the peer's initial hello, each made once, as soon as what it needs
    /// has been seen (the context asks after every record of the initial handshake): a
    /// `renegotiation_info` that claims a previous handshake, and with `require_rfc5746`
    /// (`MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE`) a TLS 1.2 peer that did not announce RFC 5746. The
    /// error says why the hello is refused.
    pub(crate) fn check_peer_hello(&mut self, role: Endpoint, require_rfc5746: bool) -> Result<(), &'static str> {
        if !self.claims_checked {
            match self.peer_claims_previous_handshake(role) {
                Some(true) => return Err("non-empty renegotiation_info in the initial handshake (RFC 5746)"),
                Some(false) => self.claims_checked = true,
                None => {}
            }
        }
        if require_rfc5746 && !self.support_checked {
            match self.peer_supports_rfc5746(role) {
                Some(false) => {
                    return Err("peer lacks RFC 5746 secure renegotiation (MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE)");
                }
                Some(true) => self.support_checked = true,
                None => {}
            }
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use rustls::crypto::CipherSuite;
    use rustls::crypto::kx::NamedGroup;

    use super::*;
    use crate::renegotiation::messages::client_hello_message;

    fn record(typ: ContentType, body: &[u8]) -> Vec<u8> {
        let mut out = vec![u8::from(typ), 3, 3];
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// A client's first flight: its hello split over two records, ChangeCipherSpec, a
    /// protected Finished and a protected application data record.
    fn client_wire(verify_data: &[u8]) -> (Vec<u8>, Vec<u8>) {
        let hello = client_hello_message(
            &[7; 32],
            &[],
            &[CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256],
            verify_data,
            &[NamedGroup::secp256r1],
        )
        .unwrap();
        let (a, b) = hello.split_at(hello.len() / 2);
        let finished = record(ContentType::Handshake, &[0xEE; 40]);
        let mut wire = [record(ContentType::Handshake, a), record(ContentType::Handshake, b)].concat();
        wire.extend_from_slice(&record(ContentType::ChangeCipherSpec, &[1]));
        wire.extend_from_slice(&finished);
        wire.extend_from_slice(&record(ContentType::ApplicationData, &[0xAA; 30]));
        (wire, finished)
    }

    #[test]
    fn the_wire_gives_the_same_capture_however_it_arrives() {
        let (wire, finished) = client_wire(&[]);
        let whole = {
            let mut w = WireCapture::default();
            w.feed(&wire);
            w
        };
        assert!(whole.ccs_seen);
        assert_eq!(whole.first_protected.as_deref(), Some(&finished[..]));
        assert!(whole.pending.is_empty());
        assert!(whole.message(HandshakeType::ClientHello).is_some());
        let mut pieces: Vec<Vec<usize>> = (1..wire.len()).map(|at| vec![at]).collect();
        pieces.push((1..wire.len()).collect()); // one byte at a time
        pieces.push((7..wire.len()).step_by(7).collect());
        for cuts in pieces {
            let mut w = WireCapture::default();
            let mut from = 0;
            for &to in cuts.iter().chain(core::iter::once(&wire.len())) {
                w.feed(&wire[from..to]);
                from = to;
            }
            assert_eq!(w.handshake, whole.handshake, "cuts {cuts:?}");
            assert_eq!(w.first_protected, whole.first_protected, "cuts {cuts:?}");
            assert!(w.ccs_seen && w.pending.is_empty(), "cuts {cuts:?}");
        }
    }

    #[test]
    fn the_peers_hello_is_checked_once_it_has_arrived() {
        for (verify_data, refused) in [(&[][..], false), (&[9u8; 12][..], true)] {
            let (wire, _) = client_wire(verify_data);
            let mut capture = HandshakeCapture::wire_only();
            // Nothing seen yet: nothing to refuse, and nothing checked.
            assert_eq!(capture.check_peer_hello(Endpoint::Server, false), Ok(()));
            assert!(!capture.claims_checked);
            capture.incoming(&wire[..8]);
            assert_eq!(capture.check_peer_hello(Endpoint::Server, false), Ok(()));
            capture.incoming(&wire[8..]);
            assert_eq!(capture.check_peer_hello(Endpoint::Server, false).is_err(), refused, "{verify_data:?}");
            assert_eq!(capture.claims_checked, !refused);
        }
    }
}
