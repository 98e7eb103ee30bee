//! The connection's side of the TLS 1.2 hand-over: after rustls's initial handshake on a
//! connection with renegotiation enabled, the renegotiation engine (`crate::renegotiation`) takes
//! the keys over and runs records and renegotiations; this file feeds it records, applies what
//! it reports (new keys, peer certificate, verify result), starts renegotiations
//! (`mbedtls_ssl_renegotiate`, periodic renewal) and refuses legacy peers when configured to.

use std::sync::Arc;

use rustls::Connection;
use rustls::enums::ContentType;
use rustls::error::AlertDescription;
use rustls::pki_types::CertificateDer;

use super::{Context, Hostname, Stage, Tls, key_export};
use crate::codec::MAX_RECORD_BODY;
use crate::config::{Endpoint, Snapshot};
use crate::debug;
use crate::error::{Error, Result};
use crate::renegotiation::{self, AlertLevel, LEGACY_BREAK_HANDSHAKE, Policy};

/// Where a connection stands with renegotiation.
#[cfg_attr(not(feature = "edition-2-28"), allow(dead_code, reason = "a public field of the 2.28 edition only"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenegotiationStatus {
    /// No renegotiation has started (or the connection is not TLS 1.2 with renegotiation).
    Initial,
    /// A renegotiation is running.
    InProgress,
    /// The last renegotiation is over.
    Done,
    /// Server: a HelloRequest is sent, the client's hello has not come yet.
    Pending,
}

impl Context {
    /// The peer's initial hello as the wire capture sees it, before rustls answers it; as soon
    /// as it shows one of these, the handshake ends with a fatal `handshake_failure` (a
    /// plaintext alert: no keys exist yet), as Mbed TLS does at the same point:
    /// * RFC 5746 3.4/3.6: a `renegotiation_info` that is not empty (always);
    /// * `MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE`: a peer that lacks RFC 5746.
    ///
    /// Every handshake that may be TLS 1.2 has a capture (one of the hellos only, when nothing
    /// else needs it).
    pub(super) fn check_peer_hello(&mut self) -> Result<()> {
        let break_handshake =
            self.snapshot.as_ref().is_some_and(|s| s.settings.legacy_renegotiation == LEGACY_BREAK_HANDSHAKE);
        let Some(capture) = self.capture.as_mut() else { return Ok(()) };
        if self.info.is_some() {
            return Ok(());
        }
        let Err(why) = capture.check_peer_hello(self.endpoint, break_handshake) else { return Ok(()) };
        log::error!("{why}");
        self.fail_in_hello(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure);
        if let Some(sessions) = &self.server_sessions {
            sessions.invalidate();
        }
        Err(Error::SslHandshakeFailure)
    }

    /// Ends a handshake that has no keys yet: a plaintext fatal alert `description`, and every
    /// later call returns `err`.
    pub(super) fn fail_in_hello(&mut self, description: AlertDescription, err: Error) {
        let record = [u8::from(ContentType::Alert), 3, 3, 0, 2, AlertLevel::FATAL.0, u8::from(description)];
        self.out.extend_from_slice(&record);
        let _ = self.send_queued();
        self.stage = Stage::Failed(err);
    }

    /// One record for the renegotiation engine.
    pub(super) fn process_engine_record(&mut self, record_len: usize) -> Result<()> {
        self.refresh_policy();
        let Stage::Tls12(engine) = &mut self.stage else { return Ok(()) };
        let Some(policy) = self.policy.as_ref() else { return Err(Error::SslInternalError) };
        let used = self.input.used;
        let result = if record_len > 5 + MAX_RECORD_BODY || used < record_len {
            log::error!("record of {} bytes is too long", record_len - 5);
            Err(engine.fatal_alert(AlertDescription::RecordOverflow, Error::SslInvalidRecord, &mut self.out))
        } else {
            engine.process_record(&mut self.input.buf[used - record_len..used], policy, &mut self.out, &mut self.plain)
        };
        self.input.used = 0;
        match result {
            Ok(outcome) => {
                if outcome.peer_closed {
                    log::debug!("peer sent close_notify");
                    self.peer_closed = true;
                }
                if let Some(abbreviated) = outcome.renegotiated {
                    self.renewal.keys_renewed();
                    if let Some((master, randoms)) = engine.renegotiated_keys() {
                        let suite = engine.suite();
                        key_export::export_renegotiation(self.key_exporter.as_deref(), &master, &randoms, suite);
                    }
                    if let Some(info) = self.info.as_mut() {
                        info.suite = engine.suite();
                        info.resumed = abbreviated;
                        if let Some(chain) = engine.peer_chain.take() {
                            info.peer_chain = chain;
                        }
                    }
                    if let Some(flags) = engine.verify_result.take() {
                        self.verify_result = flags;
                    }
                    if !abbreviated {
                        self.store_renegotiated_session();
                    }
                }
                if outcome.refused {
                    return Err(Error::SslWaitingServerHelloRenego);
                }
                Ok(())
            }
            Err(e) => {
                // As after a fatal error in the initial handshake (`fail`): RFC 5246 7.2.2, a
                // session whose connection ended with a fatal alert is not resumed.
                let _ = self.send_queued();
                self.stage = Stage::Failed(e);
                if let Some(sessions) = &self.server_sessions {
                    sessions.invalidate();
                }
                self.sessions.forget_latest();
                Err(e)
            }
        }
    }

    /// Server: the new session of a full renegotiation goes into the session cache, as Mbed TLS
    /// caches it at the end of the renegotiation.
    fn store_renegotiated_session(&self) {
        let (Some(sessions), Some(info), Stage::Tls12(engine)) = (&self.server_sessions, &self.info, &self.stage)
        else {
            return;
        };
        let Some((master, _)) = engine.renegotiated_keys() else { return };
        let value = crate::server_sessions::Tls12ServerValue {
            creation: crate::session::now_secs(),
            suite: engine.suite(),
            peer_chain: &info.peer_chain,
            alpn: info.alpn.as_deref(),
            master: &master,
            ems: engine.ems(),
        };
        sessions.store_renegotiated(engine.session_id(), &value, self.verify_result);
    }

    /// Hands the established TLS 1.2 connection from rustls to the renegotiation engine.
    pub(super) fn take_over(&mut self) -> Result<()> {
        let Some(capture) = self.capture.take() else { return Ok(()) };
        let Stage::Running(tls) = core::mem::replace(&mut self.stage, Stage::Idle) else {
            return Err(Error::SslInternalError);
        };
        let Some(rustls::SupportedCipherSuite::Tls12(suite)) = tls.outputs().negotiated_cipher_suite() else {
            return Err(Error::SslInternalError);
        };
        let secrets = match tls {
            Tls::Client(c) => (*c).dangerous_extract_secrets(),
            Tls::Server(c) => (*c).dangerous_extract_secrets(),
        }
        .map_err(|e| {
            log::error!("cannot take over the connection: {e}");
            Error::SslInternalError
        })?;
        let engine = renegotiation::Tls12Connection::new(self.endpoint, suite, &capture, secrets)?;
        let snapshot = self.snapshot.clone().ok_or(Error::SslInternalError)?;
        let peer_cert = match self.endpoint {
            Endpoint::Client => self.info.as_ref().and_then(|i| i.peer_chain.first().cloned()),
            Endpoint::Server => None,
        };
        self.policy = Some(self.policy_from(&snapshot, peer_cert));
        self.policy_generation = 0;
        self.stage = Stage::Tls12(Box::new(engine));
        Ok(())
    }

    /// What a renegotiation needs from the configuration `snapshot` and this context's
    /// overrides; `peer_cert`: a client's server certificate of the initial handshake.
    fn policy_from(&self, snapshot: &Snapshot, peer_cert: Option<CertificateDer<'static>>) -> Policy {
        let settings = &snapshot.settings;
        let expected_name = match &self.hostname {
            Hostname::Name(n) => Some(n.clone()),
            _ => None,
        };
        Policy {
            enabled: settings.renegotiation,
            resumption: settings.renegotiation_resumption,
            enforced: settings.renegotiation_enforced,
            provider: snapshot.provider.clone(),
            server_order: settings.server_order,
            own_certs: self.own_certs(snapshot),
            check: self.peer_check(snapshot, expected_name),
            peer_cert,
        }
    }

    /// Mbed TLS reads its configuration live: a change made after the handshake (renegotiation
    /// turned off, a client certificate required, other CAs or own certificates, the renewal
    /// settings) applies to the next renegotiation. Between renegotiations, the policy follows
    /// the configuration's current snapshot; a renegotiation in progress finishes with the one
    /// it started with. A change the configuration refuses (e.g. no suite left) keeps the last
    /// usable one.
    ///
    /// Called for every record and write: the configuration's change counter tells, without its
    /// lock, whether there is anything to do.
    pub(super) fn refresh_policy(&mut self) {
        let Stage::Tls12(engine) = &self.stage else { return };
        let generation = self.config.generation();
        if engine.handshaking() || generation == self.policy_generation {
            return;
        }
        self.policy_generation = generation;
        let snapshot = match self.config.snapshot() {
            Ok(snapshot) => snapshot,
            Err(e) => {
                log::warn!("configuration changed to an unusable one ({e:?}): renegotiation keeps the previous one");
                return;
            }
        };
        if self.snapshot.as_ref().is_some_and(|s| Arc::ptr_eq(s, &snapshot)) {
            return;
        }
        log::debug!("configuration changed: the next renegotiation follows it");
        let peer_cert = self.policy.take().and_then(|p| p.peer_cert);
        self.policy = Some(self.policy_from(&snapshot, peer_cert));
        self.snapshot = Some(snapshot);
    }

    /// `mbedtls_ssl_renegotiate` (and our abbreviated variant for clients). A server sends a
    /// HelloRequest and returns; the renegotiation runs inside later reads. A client runs the
    /// renegotiation to its end (WANT_READ/WANT_WRITE: call again).
    pub fn renegotiate(&mut self, abbreviated: bool) -> Result<()> {
        let sink = self.debug_sink();
        debug::with_sink(sink.as_ref(), || {
            self.refresh_policy();
            if self.info.is_none() {
                return Err(Error::SslBadInputData);
            }
            let Stage::Tls12(engine) = &mut self.stage else {
                if let Stage::Failed(e) = self.stage {
                    return Err(e);
                }
                log::error!("renegotiation needs a TLS 1.2 connection with renegotiation enabled");
                return Err(Error::SslBadInputData);
            };
            if !engine.peer_secure() {
                log::error!("the peer does not support secure renegotiation (RFC 5746)");
                return Err(Error::SslBadInputData);
            }
            if abbreviated && self.endpoint == Endpoint::Server {
                log::error!("only a client can offer its session in a renegotiation");
                return Err(Error::SslBadInputData);
            }
            match self.endpoint {
                Endpoint::Server => {
                    engine.send_hello_request(&mut self.out)?;
                    self.flush()
                }
                Endpoint::Client => {
                    // A call repeated after WANT_READ/WANT_WRITE goes on with the renegotiation
                    // it started (`start_client` does nothing while the engine is in one), also
                    // when only its last flight is left to send: the engine is done with it then,
                    // and another one must not start.
                    if !self.client_renegotiating || self.out.is_empty() {
                        let policy = self.policy.as_ref().ok_or(Error::SslInternalError)?;
                        engine.start_client(abbreviated, policy, &mut self.out)?;
                    }
                    self.client_renegotiating = true;
                    let result = self.run_client_renegotiation();
                    self.client_renegotiating = matches!(result, Err(e) if e.is_want());
                    result
                }
            }
        })
    }

    /// The client's renegotiation until it is over, its last flight sent.
    fn run_client_renegotiation(&mut self) -> Result<()> {
        loop {
            self.flush()?;
            match &self.stage {
                Stage::Tls12(e) if !e.handshaking() => return Ok(()),
                Stage::Failed(e) => return Err(*e),
                _ => {}
            }
            self.receive_record()?;
        }
    }

    /// Where the connection stands with renegotiation (Mbed TLS 2.28's `ssl->renego_status`).
    #[cfg_attr(not(feature = "edition-2-28"), allow(dead_code, reason = "a public field of the 2.28 edition only"))]
    pub fn renegotiation_status(&self) -> RenegotiationStatus {
        let Stage::Tls12(engine) = &self.stage else { return RenegotiationStatus::Initial };
        if engine.hello_requested() {
            RenegotiationStatus::Pending
        } else if engine.handshaking() {
            RenegotiationStatus::InProgress
        } else if engine.full_renegotiations + engine.abbreviated_renegotiations > 0 {
            RenegotiationStatus::Done
        } else {
            RenegotiationStatus::Initial
        }
    }

    /// Renegotiation counters: (full, abbreviated) since the initial handshake.
    pub fn renegotiations(&self) -> (u32, u32) {
        match &self.stage {
            Stage::Tls12(e) => (e.full_renegotiations, e.abbreviated_renegotiations),
            _ => (0, 0),
        }
    }

    /// Periodic renewal: after `renegotiation_period` records, or the configured interval.
    pub(super) fn maybe_renew(&mut self) -> Result<()> {
        self.refresh_policy();
        let (Stage::Tls12(conn), Some(snapshot)) = (&self.stage, self.snapshot.as_ref()) else { return Ok(()) };
        let Some(offer_session) = self.renewal.due(conn, &snapshot.settings, self.endpoint) else { return Ok(()) };
        match self.renegotiate(offer_session) {
            Err(Error::SslWaitingServerHelloRenego) => {
                self.renewal.peer_refused();
                Ok(())
            }
            other => other,
        }
    }
}
