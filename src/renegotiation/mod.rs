//! The TLS 1.2 connection after rustls's initial handshake: renegotiation (RFC 5746) and
//! IEC 62351-3 key renewal.
//!
//! rustls runs every initial handshake; it has no renegotiation. For a TLS 1.2 connection whose
//! configuration enables renegotiation, the context hands the established connection over to
//! a [`Tls12Connection`]: the traffic keys and sequence numbers come from rustls's
//! `dangerous_extract_secrets`, the master secret from its key log, the randoms and the session
//! ID from the plaintext hellos observed on the wire, and both Finished `verify_data` values by
//! decrypting the first protected record of each direction with those keys. From then on the
//! connection is the record layer (AEAD through the rustls provider's `Tls12AeadAlgorithm`) and
//! runs renegotiation handshakes itself:
//!
//! * abbreviated: a ClientHello offering the current session ID (when resumption in
//!   renegotiation is allowed) gets ServerHello + ChangeCipherSpec + Finished; new keys come from
//!   the same master secret and fresh randoms (the IEC 62351-3 key refresh);
//! * full: ECDHE (the provider's key exchange), the server's certificate and signature (the
//!   provider's signer), optionally a client certificate checked again, a new master secret.
//!
//! RFC 5746 is enforced both ways: the peer's `renegotiation_info` must carry the previous
//! handshake's verify data; a renegotiation ClientHello with the SCSV, or with wrong or missing
//! data, ends the connection with a fatal `handshake_failure`. Peers without RFC 5746 are never
//! allowed to renegotiate. On a connection with an extended master secret (RFC 7627), a
//! renegotiation hello that drops it ends the connection the same way. Verify data is compared
//! in constant time. No cryptography is implemented here: PRF, AEAD, hashes, key exchange
//! and signatures all come from the crypto provider (and webpki for certificate checks).
//!
//! This file holds the connection, its record dispatch and what both roles share; the rest is
//! one concern per file: `capture` (what rustls's handshake shows), `record` (the record
//! layer), `key_schedule`, `messages` (the handshake codec), `signatures`, and the two state
//! machines `server` and `client`.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::enums::{ContentType, HandshakeType, ProtocolVersion};
use rustls::error::AlertDescription;
use rustls::pki_types::CertificateDer;
use rustls::{ExtractedSecrets, Tls12CipherSuite};

use crate::codec::u24;
use crate::config::{Endpoint, OwnCertResolver};
use crate::error::{Error, Result};
use crate::verify::PeerCheck;

pub(crate) mod capture;
mod client;
#[cfg(any(test, fuzzing))]
pub(crate) mod fuzz_messages;
mod key_schedule;
mod messages;
mod record;
mod renewal;
mod server;
mod signatures;
#[cfg(test)]
mod tests;

pub(crate) use capture::HandshakeCapture;
use client::FullClient;
use key_schedule::{Established, Master, NewKeys, Randoms};
use messages::handshake_message;
pub(crate) use record::AlertLevel;
use record::{Tls12RecordLayer, TrafficKeys};
pub(crate) use renewal::RenewalClock;
use server::{FullServer, FullServerStage};

/// `mbedtls_ssl_conf_legacy_renegotiation` value that aborts handshakes with legacy peers.
pub(crate) const LEGACY_BREAK_HANDSHAKE: i32 = 2;

/// The most warning alerts accepted in a row (nothing else between them): as the limit on
/// empty records (`record.rs`), against a peer that keeps the connection busy with alerts.
pub(crate) const MAX_CONSECUTIVE_WARNING_ALERTS: u32 = 4;

/// What the connection needs from the configuration for a renegotiation.
pub struct Policy {
    /// `mbedtls_ssl_conf_renegotiation`.
    pub enabled: bool,
    /// Our extension. Server: answer a renegotiation offering the current session with an
    /// abbreviated handshake. Client: offer the current session when answering a HelloRequest.
    pub resumption: bool,
    /// Application-data records accepted while the peer has not answered our request (server:
    /// a HelloRequest; client: a ClientHello) before giving up (-1: no limit).
    pub enforced: i32,
    pub provider: Arc<CryptoProvider>,
    /// Server: choose the suite by the provider's (our) order, not the client's
    /// (`mbedtls_ssl_conf_preference_order`), as the initial handshake does.
    pub server_order: bool,
    pub own_certs: Arc<OwnCertResolver>,
    /// How the peer's certificate of a full renegotiation is checked (authmode, CAs, profile,
    /// verify callback, client: the server name), as in the initial handshake.
    pub(crate) check: PeerCheck,
    /// Client: the server's certificate of the initial handshake (it must not change).
    pub peer_cert: Option<CertificateDer<'static>>,
}

/// What one call into the connection reports to the context.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// A renegotiation completed (`Some(true)` abbreviated, `Some(false)` full).
    pub renegotiated: Option<bool>,
    /// The peer sent close_notify.
    pub peer_closed: bool,
    /// The peer refused our renegotiation request (warning no_renegotiation).
    pub refused: bool,
}

/// A renegotiation in progress.
enum Handshake {
    Idle,
    /// Server: HelloRequest sent; `records` non-handshake records seen since.
    HelloRequested {
        records: u32,
    },
    /// Server, abbreviated: waiting for the client's CCS, then Finished.
    SrvAbbreviated {
        transcript: Vec<u8>,
        keys: Box<NewKeys>,
        ccs: bool,
    },
    /// Server, full: waiting for the client's flight.
    SrvFull(Box<FullServer>),
    /// Client: ClientHello sent.
    CliWaitServerHello {
        transcript: Vec<u8>,
        client_random: [u8; 32],
        offered_session: bool,
        records: u32,
    },
    /// Client, abbreviated: waiting for the server's CCS + Finished.
    CliAbbreviated {
        transcript: Vec<u8>,
        keys: Box<NewKeys>,
        ccs: bool,
    },
    /// Client, full: reading the server's flight up to ServerHelloDone.
    CliFull(Box<FullClient>),
    /// Client, full: our flight sent, waiting for the server's CCS + Finished.
    CliFullFinish {
        transcript: Vec<u8>,
        keys: Box<NewKeys>,
        ccs: bool,
    },
}

/// The state of a finished handshake, for [`Tls12Connection::from_parts`].
#[cfg(any(test, fuzzing))]
#[derive(Clone)]
pub struct TestParts {
    pub suite: rustls::crypto::CipherSuite,
    pub master: [u8; 48],
    pub ems: bool,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub session_id: Vec<u8>,
    pub client_vd: [u8; 12],
    pub server_vd: [u8; 12],
    pub peer_secure: bool,
}

#[cfg(any(test, fuzzing))]
impl Default for TestParts {
    fn default() -> Self {
        Self {
            suite: rustls::crypto::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            master: [7; 48],
            ems: true,
            client_random: [1; 32],
            server_random: [2; 32],
            session_id: vec![3; 32],
            client_vd: [4; 12],
            server_vd: [5; 12],
            peer_secure: true,
        }
    }
}

/// One TLS 1.2 connection after rustls handed it over: its record layer and renegotiations.
pub struct Tls12Connection {
    role: Endpoint,
    state: Established,
    /// The peer supports RFC 5746 (without it, renegotiation is never allowed).
    peer_secure: bool,
    records: Tls12RecordLayer,
    hs_in: Vec<u8>,
    hs: Handshake,
    /// Warning alerts received since the last other record.
    warnings_in_a_row: u32,
    /// Verification result of the last peer certificate checked in a renegotiation.
    pub(crate) verify_result: Option<u32>,
    /// The peer certificates of the last full renegotiation.
    pub(crate) peer_chain: Option<Vec<CertificateDer<'static>>>,
    /// The last alert the peer sent (level, description).
    #[cfg(test)]
    received_alert: Option<(AlertLevel, AlertDescription)>,
    pub(crate) full_renegotiations: u32,
    pub(crate) abbreviated_renegotiations: u32,
}

impl Tls12Connection {
    /// Takes over an established TLS 1.2 connection.
    pub(crate) fn new(
        role: Endpoint,
        suite: &'static Tls12CipherSuite,
        capture: &HandshakeCapture,
        secrets: ExtractedSecrets,
    ) -> Result<Self> {
        let (client_random, master) = capture.key_log.get().ok_or(Error::SslInternalError)?;
        let client_hello = capture.client_hello(role).ok_or(Error::SslInternalError)??;
        let server_hello = capture.server_hello(role).ok_or(Error::SslInternalError)??;
        if client_hello.random != client_random {
            return Err(Error::SslInternalError);
        }
        let peer_hello = match role {
            Endpoint::Server => &client_hello,
            Endpoint::Client => &server_hello,
        };
        let peer_secure = peer_hello.announces_secure_renegotiation();
        let tx = TrafficKeys::new(secrets.tx)?;
        let rx = TrafficKeys::new(secrets.rx)?;
        let peer = peer_of(role);
        let own_vd = tx.finished_verify_data(suite, capture.first_protected(role, role))?;
        let peer_vd = rx.finished_verify_data(suite, capture.first_protected(role, peer))?;
        let records = Tls12RecordLayer::take_over(suite, tx, rx)?;
        log::debug!("TLS 1.2 renegotiation engine takes over the connection");
        let mut state = Established::new(suite, master, server_hello.ems, server_hello.session_id);
        state.set_verify_data(role, own_vd);
        state.set_verify_data(peer, peer_vd);
        Ok(Self::established(role, state, peer_secure, records))
    }

    /// An idle connection on `state` with this record protection.
    fn established(role: Endpoint, state: Established, peer_secure: bool, records: Tls12RecordLayer) -> Self {
        Self {
            role,
            state,
            peer_secure,
            records,
            hs_in: Vec::new(),
            hs: Handshake::Idle,
            verify_result: None,
            peer_chain: None,
            warnings_in_a_row: 0,
            #[cfg(test)]
            received_alert: None,
            full_renegotiations: 0,
            abbreviated_renegotiations: 0,
        }
    }

    /// A connection as it stands after a handshake with these parameters, keys derived from
    /// them with sequence numbers at 0: two connections (one per role) built from the same
    /// parts talk to each other. For tests and the fuzz targets, which need a connection
    /// without sockets.
    #[cfg(any(test, fuzzing))]
    pub fn from_parts(role: Endpoint, parts: &TestParts) -> Result<Self> {
        let suite = crate::config::tls12_suite(parts.suite.0).ok_or(Error::SslBadInputData)?;
        let state = Established {
            client_vd: parts.client_vd.to_vec(),
            server_vd: parts.server_vd.to_vec(),
            ..Established::new(suite, parts.master.into(), parts.ems, parts.session_id.clone())
        };
        let NewKeys { state, read, write } = *NewKeys::derive(role, state, &parts.client_random, &parts.server_random)?;
        let (read, write) = (read.ok_or(Error::SslInternalError)?, write.ok_or(Error::SslInternalError)?);
        let records = Tls12RecordLayer::new((read, 0), (write, 0));
        Ok(Self::established(role, state, parts.peer_secure, records))
    }

    /// Seals any record under the current write keys (tests and fuzzing: a peer that sends
    /// what it likes).
    #[cfg(any(test, fuzzing))]
    pub fn write_record(&mut self, typ: ContentType, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.records.seal(typ, payload, out)
    }

    pub(crate) fn peer_secure(&self) -> bool {
        self.peer_secure
    }

    /// The current session's ID.
    pub(crate) fn session_id(&self) -> &[u8] {
        &self.state.session_id
    }

    /// The current session uses the extended master secret (RFC 7627).
    pub(crate) fn ems(&self) -> bool {
        self.state.ems
    }

    /// The current suite's identifier (`mbedtls_ssl_get_ciphersuite_id`).
    pub(crate) fn suite(&self) -> u16 {
        self.state.suite.common.suite.0
    }

    /// Records sent and received under the current keys (for `renegotiation_period`).
    pub(crate) fn record_counts(&self) -> (u64, u64) {
        self.records.record_counts()
    }

    /// True while a renegotiation is in progress.
    pub(crate) fn handshaking(&self) -> bool {
        !matches!(self.hs, Handshake::Idle | Handshake::HelloRequested { .. })
    }

    /// The peer's ChangeCipherSpec arrived, its Finished not yet: nothing else may come.
    fn between_ccs_and_finished(&self) -> bool {
        match &self.hs {
            Handshake::SrvAbbreviated { ccs, .. }
            | Handshake::CliAbbreviated { ccs, .. }
            | Handshake::CliFullFinish { ccs, .. } => *ccs,
            Handshake::SrvFull(full) => full.stage == FullServerStage::Finished,
            _ => false,
        }
    }

    /// The master secret and (client, server) randoms of the last renegotiation (None before the first one), for
    /// the key export callback.
    pub(crate) fn renegotiated_keys(&self) -> Option<(Master, Randoms)> {
        self.state.randoms.map(|r| (self.state.master.clone(), r))
    }

    pub(crate) fn hello_requested(&self) -> bool {
        matches!(self.hs, Handshake::HelloRequested { .. })
    }

    // --- sending

    /// Application data.
    pub(crate) fn write_app(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.records.seal(ContentType::ApplicationData, data, out)
    }

    /// Handshake messages (one or a whole flight).
    fn send_handshake(&mut self, messages: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.records.seal(ContentType::Handshake, messages, out)
    }

    pub(crate) fn send_close_notify(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.send_alert(AlertLevel::WARNING, AlertDescription::CloseNotify, out)
    }

    pub(crate) fn send_alert(
        &mut self,
        level: AlertLevel,
        description: AlertDescription,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        self.records.seal(ContentType::Alert, &[level.0, description.0], out)
    }

    /// Sends a fatal alert, abandons any renegotiation and returns `err` (for the caller to
    /// end the connection with).
    pub(crate) fn fatal_alert(&mut self, description: AlertDescription, err: Error, out: &mut Vec<u8>) -> Error {
        self.fatal(description, err, out)
    }

    fn fatal(&mut self, description: AlertDescription, err: Error, out: &mut Vec<u8>) -> Error {
        let _ = self.send_alert(AlertLevel::FATAL, description, out);
        self.hs = Handshake::Idle;
        err
    }

    // --- receiving

    /// Processes one whole record (header included).
    pub fn process_record(
        &mut self,
        record: &mut [u8],
        policy: &Policy,
        out: &mut Vec<u8>,
        plain: &mut Vec<u8>,
    ) -> Result<Outcome> {
        if record.len() < 5 {
            return Err(self.fatal(AlertDescription::DecodeError, Error::SslInvalidRecord, out));
        }
        let (header, payload) = record.split_at_mut(5);
        let typ = ContentType(header[0]);
        if !matches!(
            typ,
            ContentType::ChangeCipherSpec | ContentType::Alert | ContentType::Handshake | ContentType::ApplicationData
        ) {
            return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslInvalidRecord, out));
        }
        let version = ProtocolVersion(u16::from_be_bytes([header[1], header[2]]));
        let decrypted = match self.records.open(typ, version, payload) {
            Ok(p) => p,
            Err(rustls::Error::PeerSentOversizedRecord) => {
                return Err(self.fatal(AlertDescription::RecordOverflow, Error::SslInvalidRecord, out));
            }
            Err(_) => return Err(self.fatal(AlertDescription::BadRecordMac, Error::SslInvalidMac, out)),
        };
        let mut outcome = Outcome::default();
        if typ != ContentType::Alert {
            self.warnings_in_a_row = 0;
        }
        match typ {
            ContentType::ApplicationData if self.between_ccs_and_finished() => {
                log::error!("application data between ChangeCipherSpec and Finished");
                return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
            }
            ContentType::ApplicationData => {
                // Application data may come before the peer answers our request, within the
                // configured grace (`mbedtls_ssl_conf_renegotiation_enforced`).
                if let Handshake::HelloRequested { records } | Handshake::CliWaitServerHello { records, .. } =
                    &mut self.hs
                {
                    *records += 1;
                    if u32::try_from(policy.enforced).is_ok_and(|max| *records > max) {
                        log::error!("renegotiation requested, but not honored by the peer");
                        return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
                    }
                }
                plain.extend_from_slice(decrypted);
            }
            ContentType::Alert => self.on_alert(decrypted, &mut outcome, out)?,
            ContentType::ChangeCipherSpec => self.on_ccs(decrypted, out)?,
            // RFC 5246 6.2.1: handshake records are never empty (Mbed TLS: INVALID_RECORD).
            _ if decrypted.is_empty() => {
                log::error!("empty handshake record");
                return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslInvalidRecord, out));
            }
            _ => {
                self.hs_in.extend_from_slice(decrypted);
                while self.hs_in.len() >= 4 {
                    let len = u24(&self.hs_in[1..4]);
                    if len > 65536 {
                        return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
                    }
                    if self.hs_in.len() < 4 + len {
                        break;
                    }
                    let message: Vec<u8> = self.hs_in.drain(..4 + len).collect();
                    if let Some(done) = self.on_handshake(&message, policy, out)? {
                        outcome.renegotiated = Some(done);
                    }
                }
            }
        }
        Ok(outcome)
    }

    fn on_alert(&mut self, payload: &[u8], outcome: &mut Outcome, out: &mut Vec<u8>) -> Result<()> {
        if payload.len() != 2 {
            return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
        }
        let (level, description) = (AlertLevel(payload[0]), AlertDescription(payload[1]));
        #[cfg(test)]
        {
            self.received_alert = Some((level, description));
        }
        if level == AlertLevel::WARNING && description != AlertDescription::CloseNotify {
            self.warnings_in_a_row += 1;
            if self.warnings_in_a_row > MAX_CONSECUTIVE_WARNING_ALERTS {
                log::error!("{} warning alerts in a row, possible DoS attack", self.warnings_in_a_row);
                return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
            }
        }
        match (level, description) {
            (_, AlertDescription::CloseNotify) => outcome.peer_closed = true,
            (AlertLevel::WARNING, AlertDescription::NoRenegotiation) => {
                log::debug!("peer refused to renegotiate (no_renegotiation)");
                if matches!(self.hs, Handshake::CliWaitServerHello { .. }) {
                    self.hs = Handshake::Idle;
                    outcome.refused = true;
                }
            }
            (AlertLevel::WARNING, _) => {}
            (level, _) if level != AlertLevel::FATAL => {
                return Err(self.fatal(AlertDescription::IllegalParameter, Error::SslIllegalParameter, out));
            }
            (_, d) => {
                log::error!("peer sent fatal alert {}", d.0);
                self.hs = Handshake::Idle;
                return Err(Error::SslFatalAlertMessage);
            }
        }
        Ok(())
    }

    fn on_ccs(&mut self, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if payload != [1] {
            return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
        }
        if !self.hs_in.is_empty() {
            log::error!("ChangeCipherSpec inside a fragmented handshake message");
            return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
        }
        let keys = match &mut self.hs {
            Handshake::SrvAbbreviated { keys, ccs, .. }
            | Handshake::CliAbbreviated { keys, ccs, .. }
            | Handshake::CliFullFinish { keys, ccs, .. }
                if !*ccs =>
            {
                *ccs = true;
                keys
            }
            Handshake::SrvFull(full) if full.stage == FullServerStage::ChangeCipherSpec => {
                full.stage = FullServerStage::Finished;
                match full.keys.as_mut() {
                    Some(keys) => keys,
                    None => {
                        return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
                    }
                }
            }
            _ => return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out)),
        };
        let Some(read) = keys.read.take() else {
            return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
        };
        self.records.change_read(read);
        Ok(())
    }

    fn on_handshake(&mut self, message: &[u8], policy: &Policy, out: &mut Vec<u8>) -> Result<Option<bool>> {
        let typ = HandshakeType(message[0]);
        match (self.role, typ) {
            (Endpoint::Server, HandshakeType::ClientHello) if !self.handshaking() => {
                self.server_client_hello(message, policy, out).map(|_| None)
            }
            (Endpoint::Client, HandshakeType::HelloRequest) => self.client_hello_request(message, policy, out),
            _ => match std::mem::replace(&mut self.hs, Handshake::Idle) {
                Handshake::SrvAbbreviated { transcript, keys, ccs } if ccs && typ == HandshakeType::Finished => {
                    self.final_finished(&transcript, keys.state, message, true, out).map(Some)
                }
                Handshake::SrvFull(mut full) => {
                    let done = self.server_full_step(&mut full, message, policy, out)?;
                    if done.is_none() {
                        self.hs = Handshake::SrvFull(full);
                    }
                    Ok(done)
                }
                Handshake::CliWaitServerHello { transcript, client_random, offered_session, .. }
                    if typ == HandshakeType::ServerHello =>
                {
                    self.client_server_hello(transcript, client_random, offered_session, message, policy, out)
                        .map(|_| None)
                }
                Handshake::CliAbbreviated { transcript, keys, ccs } if ccs && typ == HandshakeType::Finished => {
                    self.client_abbreviated_finished(transcript, keys, message, out).map(Some)
                }
                Handshake::CliFull(full) => self.client_full_step(full, message, policy, out).map(|_| None),
                Handshake::CliFullFinish { transcript, keys, ccs } if ccs && typ == HandshakeType::Finished => {
                    self.final_finished(&transcript, keys.state, message, false, out).map(Some)
                }
                Handshake::HelloRequested { .. } if typ == HandshakeType::ClientHello => {
                    self.server_client_hello(message, policy, out).map(|_| None)
                }
                other => {
                    self.hs = other;
                    log::error!("unexpected handshake message {} after the handshake", typ.0);
                    Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out))
                }
            },
        }
    }

    // --- what both roles do to finish a handshake

    /// Checks the peer's Finished `message` against `transcript` (fatal `decrypt_error` when
    /// it does not match) and records its verify data in the new session.
    fn check_finished(
        &mut self,
        state: &mut Established,
        transcript: &[u8],
        message: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let peer = peer_of(self.role);
        let expected = state.verify_data(peer, transcript);
        if !key_schedule::same_secret(message.get(4..), &expected) {
            return Err(self.fatal(AlertDescription::DecryptError, Error::SslHandshakeFailure, out));
        }
        state.set_verify_data(peer, expected);
        Ok(())
    }

    /// The peer's Finished as the last message of a handshake (ours went before it): once it
    /// checks out, the handshake's session becomes the connection's.
    fn final_finished(
        &mut self,
        transcript: &[u8],
        mut state: Established,
        message: &[u8],
        abbreviated: bool,
        out: &mut Vec<u8>,
    ) -> Result<bool> {
        self.check_finished(&mut state, transcript, message, out)?;
        Ok(self.adopt(state, abbreviated))
    }

    /// Sends ChangeCipherSpec under the current keys, switches our writing to the new ones and
    /// sends our Finished over `transcript` (which it then joins); its verify data goes into
    /// the new session.
    fn send_ccs_and_finished(&mut self, keys: &mut NewKeys, transcript: &mut Vec<u8>, out: &mut Vec<u8>) -> Result<()> {
        let verify_data = keys.state.verify_data(self.role, transcript);
        self.records.seal(ContentType::ChangeCipherSpec, &[1], out)?;
        self.records.change_write(keys.write.take().ok_or(Error::SslInternalError)?);
        let finished = handshake_message(HandshakeType::Finished, &verify_data)?;
        self.send_handshake(&finished, out)?;
        transcript.extend_from_slice(&finished);
        keys.state.set_verify_data(self.role, verify_data);
        Ok(())
    }

    /// A completed handshake becomes the connection's state.
    fn adopt(&mut self, state: Established, abbreviated: bool) -> bool {
        self.state = state;
        self.hs = Handshake::Idle;
        if abbreviated {
            self.abbreviated_renegotiations += 1;
        } else {
            self.full_renegotiations += 1;
        }
        log::debug!("<= renegotiate ({})", if abbreviated { "abbreviated, session resumed" } else { "full" });
        abbreviated
    }
}

/// The other end of a connection.
fn peer_of(role: Endpoint) -> Endpoint {
    match role {
        Endpoint::Server => Endpoint::Client,
        Endpoint::Client => Endpoint::Server,
    }
}
