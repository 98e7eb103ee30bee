//! One TLS connection (`mbedtls_ssl_context`): drives a rustls connection through the
//! application's transport with Mbed TLS's calling conventions.
//!
//! * Records are read one at a time and never past the end of the current record, as Mbed TLS
//!   does, so no byte that follows the TLS stream on the socket is consumed ([`transport`]); the
//!   initial handshake may take several of its own records in one receive from a socket, never
//!   past the peer's Finished.
//! * `WANT_READ` / `WANT_WRITE` / `TIMEOUT` from the transport leave every piece of state in
//!   place: calling the same function again continues where it stopped.
//! * Output is queued and sent through the transport; a partially sent flight stays queued.

use std::io::{Read, Write};
use std::sync::Arc;

use rustls::client::ClientConnection;
use rustls::error::AlertDescription;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::{Accepted, NeedsInput, ServerConnection, ServerHandshake};
use rustls::{Connection, DistinguishedName, HandshakeKind, TlsInputBuffer};

mod key_export;
mod records;
mod tls12;
mod tls_config;
mod transport;

pub use key_export::{KeyExporter, PrfKind, SecretKind};
#[cfg(feature = "edition-2-28")]
pub use tls12::RenegotiationStatus;
use transport::RecordInput;
pub use transport::Transport;

use crate::client_sessions::{ClientSessionState, SessionFacts, name_of};
use crate::codec::MAX_FRAGMENT;
use crate::config::{AuthMode, Config, DebugSink, Endpoint, OwnCert, Snapshot, TLS1_2};
use crate::debug;
use crate::error::{Error, Result};
use crate::renegotiation::{self, HandshakeCapture, Policy, RenewalClock};
use crate::server_sessions::ServerSessions;
use crate::session::Session;
use crate::verify::{self, ClientCertVerifier, CrlList, VerifyCallback, VerifyRecord, badcert};
use zeroize::Zeroize;

/// What the application said about the server's name (`mbedtls_ssl_set_hostname`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hostname {
    /// Never called: a client with `VERIFY_REQUIRED` refuses to connect (Mbed TLS 3.6.3+).
    Unset,
    /// Called with NULL: no SNI, and the certificate's name is explicitly not checked.
    OptedOut,
    /// The name for SNI and certificate checks.
    Name(String),
}

/// Settings the SNI callback chose for this handshake (`mbedtls_ssl_set_hs_*`).
#[derive(Default)]
struct HandshakeOverrides {
    own_certs: Option<Vec<Arc<OwnCert>>>,
    /// The CAs and their CRLs (`mbedtls_ssl_set_hs_ca_chain`).
    ca_chain: Option<(Arc<[CertificateDer<'static>]>, CrlList)>,
    authmode: Option<AuthMode>,
    dn_hints: Option<Arc<[DistinguishedName]>>,
}

enum Tls {
    Client(Box<ClientConnection>),
    Server(Box<ServerConnection>),
}

impl Tls {
    fn conn(&mut self) -> &mut dyn ConnectionOps {
        match self {
            Tls::Client(c) => c.as_mut(),
            Tls::Server(c) => c.as_mut(),
        }
    }

    fn outputs(&self) -> &rustls::ConnectionOutputs {
        match self {
            Tls::Client(c) => c,
            Tls::Server(c) => c,
        }
    }
}

/// The object-safe part of `rustls::Connection` this module uses.
trait ConnectionOps {
    fn process(&mut self, input: &mut dyn TlsInputBuffer) -> core::result::Result<rustls::IoState, rustls::Error>;
    fn write_tls_to(&mut self, out: &mut Vec<u8>) -> std::io::Result<usize>;
    fn wants_write(&self) -> bool;
    fn is_handshaking(&self) -> bool;
    fn reader(&mut self) -> rustls::Reader<'_>;
    fn writer(&mut self) -> rustls::Writer<'_>;
    fn send_close_notify(&mut self);
}

macro_rules! connection_ops {
    ($t:ty) => {
        impl ConnectionOps for $t {
            fn process(
                &mut self,
                input: &mut dyn TlsInputBuffer,
            ) -> core::result::Result<rustls::IoState, rustls::Error> {
                Connection::process_new_packets(self, input)
            }
            fn write_tls_to(&mut self, out: &mut Vec<u8>) -> std::io::Result<usize> {
                Connection::write_tls(self, out)
            }
            fn wants_write(&self) -> bool {
                Connection::wants_write(self)
            }
            fn is_handshaking(&self) -> bool {
                Connection::is_handshaking(self)
            }
            fn reader(&mut self) -> rustls::Reader<'_> {
                Connection::reader(self)
            }
            fn writer(&mut self) -> rustls::Writer<'_> {
                Connection::writer(self)
            }
            fn send_close_notify(&mut self) {
                Connection::send_close_notify(self)
            }
        }
    };
}
connection_ops!(ClientConnection);
connection_ops!(ServerConnection);

/// Where the connection is: before, in or after rustls's handshake, or taken over by the TLS 1.2
/// renegotiation engine.
enum Stage {
    /// Set up; no handshake started yet.
    Idle,
    /// Server with an SNI callback, waiting for the whole ClientHello.
    Accepting(Box<NeedsInput>),
    /// Server with a ClientHello naming a host: the SNI callback must run.
    Choosing(Box<Accepted>, String),
    Running(Tls),
    /// A TLS 1.2 connection with renegotiation enabled, after the initial handshake: our own
    /// record layer and renegotiation handshakes (`renegotiation` module).
    Tls12(Box<renegotiation::Tls12Connection>),
    /// A fatal error happened; every call returns it (until `session_reset`).
    Failed(Error),
}

/// Facts about the completed handshake.
#[derive(Clone, Debug, Default)]
pub struct HandshakeInfo {
    pub version: u16,
    pub suite: u16,
    pub alpn: Option<Vec<u8>>,
    pub resumed: bool,
    pub peer_chain: Vec<CertificateDer<'static>>,
}

/// A TLS connection.
pub struct Context {
    config: Config,
    endpoint: Endpoint,
    hostname: Hostname,
    transport: Option<Box<dyn Transport>>,
    stage: Stage,
    snapshot: Option<Arc<Snapshot>>,
    input: RecordInput,
    out: Vec<u8>,
    out_sent: usize,
    plain: Vec<u8>,
    plain_read: usize,
    /// Bytes accepted by a `write` whose record is not fully sent yet.
    pending_write: Option<usize>,
    peer_closed: bool,
    close_sent: bool,
    overrides: HandshakeOverrides,
    verify: VerifyRecord,
    verify_result: u32,
    info: Option<HandshakeInfo>,
    sessions: ClientSessionState,
    server_sessions: Option<Arc<ServerSessions>>,
    /// A server's verifier of the client certificate for this handshake; rustls reaches it
    /// through the shared configuration's `RoutedClientVerifier` (`verify::with_client_verifier`
    /// around each call into a rustls server connection).
    client_verifier: Option<Arc<ClientCertVerifier>>,
    /// What rustls's initial TLS 1.2 handshake showed on the wire, for the renegotiation engine.
    capture: Option<HandshakeCapture>,
    policy: Option<Policy>,
    /// The configuration's change count `policy` was last brought up to date at (0: never).
    policy_generation: u64,
    /// Periodic key renewal (by records or by time).
    renewal: RenewalClock,
    /// A client renegotiation started by `renegotiate` has not ended yet (WANT_* returned).
    client_renegotiating: bool,
    /// `mbedtls_ssl_set_verify`: this context's verify callback (before the configuration's).
    verify_callback: Option<Arc<dyn VerifyCallback>>,
    /// `mbedtls_ssl_set_export_keys_cb`: receives each handshake's secrets.
    key_exporter: Option<Arc<dyn KeyExporter>>,
}

impl Context {
    /// `mbedtls_ssl_setup`: a context bound to `config`.
    pub fn new(config: Config) -> Result<Self> {
        // Refuse an unusable configuration now, as Mbed TLS's setup refuses bad settings.
        config.snapshot()?;
        let endpoint = config.read(|s| s.endpoint);
        Ok(Self::fresh(config, endpoint, Hostname::Unset, None))
    }

    /// The one constructor: a connection before its handshake, over what a reset keeps.
    fn fresh(config: Config, endpoint: Endpoint, hostname: Hostname, transport: Option<Box<dyn Transport>>) -> Self {
        Self {
            config,
            endpoint,
            hostname,
            transport,
            stage: Stage::Idle,
            snapshot: None,
            input: RecordInput::default(),
            out: Vec::new(),
            out_sent: 0,
            plain: Vec::new(),
            plain_read: 0,
            pending_write: None,
            peer_closed: false,
            close_sent: false,
            overrides: HandshakeOverrides::default(),
            verify: VerifyRecord::default(),
            verify_result: verify::NO_RESULT,
            info: None,
            sessions: ClientSessionState::default(),
            server_sessions: None,
            client_verifier: None,
            capture: None,
            policy: None,
            policy_generation: 0,
            renewal: RenewalClock::default(),
            client_renegotiating: false,
            verify_callback: None,
            key_exporter: None,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// `mbedtls_ssl_session_reset`: back to before the handshake; keeps the configuration, the
    /// transport and the host name.
    pub fn reset(&mut self) {
        let hostname = core::mem::replace(&mut self.hostname, Hostname::Unset);
        let (verify_callback, key_exporter) = (self.verify_callback.take(), self.key_exporter.take());
        // The record buffers keep their memory for the next connection, as Mbed TLS keeps its
        // I/O buffers; records are decrypted in place, so the incoming one is wiped first (as
        // Mbed TLS wipes its buffers on reset). Its length only grows while a connection runs,
        // so it covers every byte written: the spare capacity holds none.
        let (mut records_in, mut records_out) = (core::mem::take(&mut self.input.buf), core::mem::take(&mut self.out));
        *self = Self::fresh(self.config.clone(), self.endpoint, hostname, self.transport.take());
        self.verify_callback = verify_callback;
        self.key_exporter = key_exporter;
        records_in.as_mut_slice().zeroize();
        records_in.clear();
        records_out.clear();
        (self.input.buf, self.out) = (records_in, records_out);
    }

    /// `mbedtls_ssl_set_verify`: the verify callback of this context's handshakes (None: the
    /// configuration's). Kept by `reset`, as Mbed TLS keeps it.
    pub fn set_verify_callback(&mut self, callback: Option<Arc<dyn VerifyCallback>>) {
        self.verify_callback = callback;
    }

    pub fn set_transport(&mut self, transport: Box<dyn Transport>) {
        self.transport = Some(transport);
    }

    pub fn set_hostname(&mut self, hostname: Hostname) {
        self.hostname = hostname;
    }

    pub fn is_handshake_over(&self) -> bool {
        self.info.is_some()
    }

    pub fn info(&self) -> Option<&HandshakeInfo> {
        self.info.as_ref()
    }

    /// `mbedtls_ssl_get_verify_result`: the flags of the last handshake; `u32::MAX` before one.
    pub fn verify_result(&self) -> u32 {
        self.verify_result
    }

    /// Decrypted data, part of a record, or records received ahead are buffered
    /// (`mbedtls_ssl_check_pending`).
    pub fn has_pending(&self) -> bool {
        self.bytes_available() > 0 || self.input.used > 0 || self.input.has_ahead()
    }

    /// `mbedtls_ssl_get_bytes_avail`.
    pub fn bytes_available(&self) -> usize {
        self.plain.len() - self.plain_read
    }

    // --- client sessions (the bookkeeping lives in `client_sessions`)

    /// `mbedtls_ssl_set_session`: offer `session` in the next handshake.
    ///
    /// Mbed TLS 3.6 rules: client only, after setup/reset and before the handshake
    /// (`BAD_INPUT_DATA` otherwise); a second call before the handshake is
    /// `FEATURE_UNAVAILABLE` and changes nothing.
    pub fn set_session(&mut self, session: &Session) -> Result<()> {
        if self.endpoint != Endpoint::Client || !matches!(self.stage, Stage::Idle) || self.info.is_some() {
            return Err(Error::SslBadInputData);
        }
        let snapshot = self.config.snapshot()?;
        self.sessions.offer(session, &snapshot.provider)
    }

    /// `mbedtls_ssl_get_session`: a copy of this connection's session (for TLS 1.3, the last
    /// ticket received, once signalled). Each session is handed out once (3.6 rule):
    /// `FEATURE_UNAVAILABLE` afterwards; `BAD_INPUT_DATA` on a server or before a handshake.
    /// `once`: a session already exported is refused (Mbed TLS 3.6); otherwise any number of
    /// copies (2.28).
    pub fn export_session(&mut self, once: bool) -> Result<Session> {
        if self.endpoint != Endpoint::Client {
            return Err(Error::SslBadInputData);
        }
        self.sessions.export(once)
    }

    /// True when the last handshake resumed a session (`mbedtls_compat_ssl_session_resumed`).
    pub fn resumed(&self) -> bool {
        self.info.as_ref().is_some_and(|i| i.resumed)
    }

    /// The next ticket for the application's new-ticket callback, if one is due.
    pub fn take_callback_ticket(&mut self) -> Option<Session> {
        self.sessions.take_callback_ticket()
    }

    /// What this connection tells about the sessions it makes.
    fn session_facts(info: Option<&HandshakeInfo>, verify_result: u32, hostname: &Hostname) -> SessionFacts {
        let server_name = match hostname {
            Hostname::Name(n) => ServerName::try_from(n.as_str()).map(|sn| name_of(&sn)).unwrap_or_default(),
            _ => String::new(),
        };
        SessionFacts {
            suite: info.map(|i| i.suite),
            resumed: info.is_some_and(|i| i.resumed),
            peer_cert: info.and_then(|i| i.peer_chain.first().map(|c| c.to_vec())),
            verify_result,
            server_name,
        }
    }

    /// Takes the TLS 1.3 tickets rustls received since the last look.
    fn collect_tickets(&mut self) {
        let facts = Self::session_facts(self.info.as_ref(), self.verify_result, &self.hostname);
        self.sessions.collect_tickets(&facts);
    }

    // --- SNI callback support

    /// The host name the client asked for, while the SNI callback is due.
    pub fn pending_sni(&self) -> Option<&str> {
        match &self.stage {
            Stage::Choosing(_, name) => Some(name),
            _ => None,
        }
    }

    /// `mbedtls_ssl_get_hs_sni`: the host name the client asked for, while a server's handshake
    /// runs (in the SNI callback and until the handshake ends).
    pub fn handshake_sni(&self) -> Option<String> {
        match &self.stage {
            Stage::Choosing(_, name) => Some(name.clone()),
            Stage::Running(Tls::Server(conn)) if Connection::is_handshaking(conn.as_ref()) => {
                conn.server_name().map(|name| name.as_ref().to_string())
            }
            _ => None,
        }
    }

    pub fn set_hs_own_cert(&mut self, cert: Arc<OwnCert>) {
        self.overrides.own_certs.get_or_insert_with(Vec::new).push(cert);
    }

    /// `mbedtls_ssl_set_hs_ca_chain`: the CAs and CRLs of this handshake (instead of the
    /// configuration's, both together as in Mbed TLS).
    pub fn set_hs_ca_chain(&mut self, chain: Arc<[CertificateDer<'static>]>, crls: CrlList) {
        self.overrides.ca_chain = Some((chain, crls));
    }

    pub fn set_hs_authmode(&mut self, authmode: AuthMode) {
        self.overrides.authmode = Some(authmode);
    }

    /// `mbedtls_ssl_set_hs_dn_hints`: the CA names of this handshake's CertificateRequest.
    pub fn set_hs_dn_hints(&mut self, hints: Arc<[DistinguishedName]>) {
        self.overrides.dn_hints = Some(hints);
    }

    /// Continues the handshake after the SNI callback returned `callback_result`.
    /// A non-zero result refuses the name: fatal `unrecognized_name` alert,
    /// `MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME`.
    pub fn finish_sni(&mut self, callback_result: i32) {
        let Stage::Choosing(accepted, name) = core::mem::replace(&mut self.stage, Stage::Idle) else {
            return;
        };
        if callback_result != 0 {
            log::error!("SNI callback refused server name {name:?} ({callback_result})");
            self.fail_in_hello(AlertDescription::UnrecognizedName, Error::SslUnrecognizedName);
            return;
        }
        self.choose_server_config(accepted);
    }

    // --- operations

    fn debug_sink(&self) -> Option<Arc<dyn DebugSink>> {
        self.config.read(|s| s.debug.clone())
    }

    /// `mbedtls_ssl_handshake`.
    pub fn handshake(&mut self) -> Result<()> {
        let sink = self.debug_sink();
        debug::with_sink(sink.as_ref(), || {
            self.drive_handshake()?;
            self.sessions.pending_event()
        })
    }

    /// `mbedtls_ssl_read`: plaintext, 0 at end of file, `PEER_CLOSE_NOTIFY` after close_notify.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        let sink = self.debug_sink();
        debug::with_sink(sink.as_ref(), || {
            if self.info.is_none() {
                self.drive_handshake()?;
            }
            loop {
                self.sessions.pending_event()?;
                if self.plain_read < self.plain.len() {
                    let n = buf.len().min(self.plain.len() - self.plain_read);
                    buf[..n].copy_from_slice(&self.plain[self.plain_read..self.plain_read + n]);
                    self.plain_read += n;
                    if self.plain_read == self.plain.len() {
                        self.plain.clear();
                        self.plain_read = 0;
                    }
                    return Ok(n);
                }
                if self.peer_closed {
                    return Err(Error::SslPeerCloseNotify);
                }
                if let Stage::Failed(e) = self.stage {
                    return Err(e);
                }
                self.maybe_renew()?;
                self.flush()?;
                match self.receive_record() {
                    Err(Error::SslConnEof) => return Ok(0),
                    other => other?,
                }
            }
        })
    }

    /// `mbedtls_ssl_write`: takes at most one record's worth (16384 bytes) and returns how much
    /// it took. After `WANT_WRITE` the caller repeats the call with the same data, as in Mbed TLS.
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        let sink = self.debug_sink();
        debug::with_sink(sink.as_ref(), || {
            if self.info.is_none() {
                self.drive_handshake()?;
            }
            if let Stage::Failed(e) = self.stage {
                return Err(e);
            }
            if self.pending_write.is_none() {
                self.sessions.pending_event()?;
            }
            if let Some(n) = self.pending_write {
                self.flush()?;
                self.pending_write = None;
                return Ok(n);
            }
            self.maybe_renew()?;
            let take = data.len().min(MAX_FRAGMENT);
            let n = match &mut self.stage {
                Stage::Running(tls) => tls.conn().writer().write(&data[..take]).map_err(|_| Error::SslInternalError)?,
                Stage::Tls12(engine) => {
                    engine.write_app(&data[..take], &mut self.out)?;
                    take
                }
                _ => return Err(Error::SslBadInputData),
            };
            self.pending_write = Some(n);
            self.flush()?;
            self.pending_write = None;
            Ok(n)
        })
    }

    /// `mbedtls_ssl_close_notify`: sends close_notify (nothing before the handshake is over).
    pub fn close_notify(&mut self) -> Result<()> {
        if self.info.is_none() {
            return Ok(());
        }
        if !self.close_sent {
            match &mut self.stage {
                Stage::Running(tls) => tls.conn().send_close_notify(),
                Stage::Tls12(engine) => engine.send_close_notify(&mut self.out)?,
                _ => {}
            }
            self.close_sent = true;
        }
        self.flush()
    }

    fn drive_handshake(&mut self) -> Result<()> {
        loop {
            match &self.stage {
                Stage::Failed(e) => return Err(*e),
                Stage::Idle => self.start()?,
                Stage::Choosing(..) => return Err(Error::CallbackPending),
                Stage::Tls12(_) => return Ok(()),
                Stage::Accepting(_) | Stage::Running(_) => {}
            }
            self.flush()?;
            if let Stage::Running(tls) = &mut self.stage {
                if !tls.conn().is_handshaking() {
                    if self.info.is_none() {
                        self.finish_handshake();
                    }
                    return self.engine_error();
                }
            }
            self.receive_record()?;
        }
    }

    /// Reads one whole record from the transport and hands it to the engine.
    fn receive_record(&mut self) -> Result<()> {
        let timeout = self.snapshot.as_ref().map_or(0, |s| s.settings.read_timeout_ms);
        while !self.input.record_complete() {
            let transport = self.transport.as_deref_mut().ok_or(Error::SslBadInputData)?;
            if self.input.read_some(transport, timeout, self.info.is_none())? == 0 {
                log::debug!("transport reached end of file");
                if self.info.is_none() {
                    self.stage = Stage::Failed(Error::SslConnEof);
                }
                return Err(Error::SslConnEof);
            }
        }
        let record_len = 5 + usize::from(u16::from_be_bytes([self.input.header[3], self.input.header[4]]));
        self.input.start_next_record();
        // A first record that is not TLS gets its alert at once, in plaintext (nothing is
        // protected yet); later ones go on to the engine, which refuses them with its own alert.
        if let Some(alert) = self.input.problem.take() {
            log::error!("invalid record header {:02x?}: {alert:?}", self.input.header);
            if self.input.is_first_record() && self.info.is_none() {
                self.fail_in_hello(alert, Error::SslInvalidRecord);
                return Err(Error::SslInvalidRecord);
            }
        }
        if let Some(capture) = self.capture.as_mut() {
            let used = self.input.used;
            capture.incoming(&self.input.buf[used.saturating_sub(record_len)..used]);
            self.check_peer_hello()?;
        }
        if matches!(self.stage, Stage::Tls12(_)) {
            return self.process_engine_record(record_len);
        }
        self.process_input()
    }

    fn process_input(&mut self) -> Result<()> {
        verify::with_client_verifier(self.client_verifier.clone(), || self.process_input_routed())
    }

    fn process_input_routed(&mut self) -> Result<()> {
        match core::mem::replace(&mut self.stage, Stage::Idle) {
            Stage::Accepting(needs) => {
                let mut output = Vec::new();
                let result = needs.process(&mut self.input, &mut output);
                for chunk in output {
                    self.out.extend_from_slice(&chunk);
                }
                match result {
                    Ok(ServerHandshake::NeedsInput(needs)) => self.stage = Stage::Accepting(Box::new(needs)),
                    Ok(ServerHandshake::Accepted(accepted)) => {
                        let name = accepted.client_hello().server_name().map(|n| n.as_ref().to_string());
                        match name {
                            Some(name) => {
                                log::debug!("client asks for server name {name:?}: calling the SNI callback");
                                self.stage = Stage::Choosing(Box::new(accepted), name);
                                return Err(Error::CallbackPending);
                            }
                            None => self.choose_server_config(Box::new(accepted)),
                        }
                    }
                    Ok(_) => self.stage = Stage::Failed(Error::SslInternalError),
                    Err(e) => return Err(self.fail(&e)),
                }
                self.engine_error()
            }
            Stage::Running(mut tls) => {
                let result = tls.conn().process(&mut self.input);
                match result {
                    Ok(state) => {
                        if state.plaintext_bytes_to_read() > 0 {
                            let _ = tls.conn().reader().read_to_end(&mut self.plain);
                        }
                        if state.peer_has_closed() {
                            log::debug!("peer sent close_notify");
                            self.peer_closed = true;
                        }
                        self.stage = Stage::Running(tls);
                        if self.info.is_some() && self.endpoint == Endpoint::Client {
                            self.collect_tickets();
                        }
                        Ok(())
                    }
                    Err(e) => {
                        let _ = tls.conn().write_tls_to(&mut self.out);
                        self.stage = Stage::Running(tls);
                        Err(self.fail(&e))
                    }
                }
            }
            other => {
                self.stage = other;
                self.engine_error()
            }
        }
    }

    fn engine_error(&self) -> Result<()> {
        match self.stage {
            Stage::Failed(e) => Err(e),
            _ => Ok(()),
        }
    }

    /// Records a fatal rustls error: tries to send the queued alert, maps the error, and makes
    /// every later call return it.
    fn fail(&mut self, err: &rustls::Error) -> Error {
        // A verification that failed by itself (the verify callback's error) ends the handshake
        // with its own code, as in Mbed TLS.
        let mapped = match (err, self.verify.error()) {
            (rustls::Error::InvalidCertificate(_), Some(own)) => own,
            _ => Error::from_rustls(err),
        };
        log::error!("handshake or record failure: {err}");
        if let Some(flags) = self.verify.flags() {
            self.verify_result = flags;
        }
        let mut queued_alert = false;
        if let Stage::Running(tls) = &mut self.stage {
            while tls.conn().wants_write() {
                queued_alert = true;
                if tls.conn().write_tls_to(&mut self.out).is_err() {
                    break;
                }
            }
        }
        // rustls sends no alert when our own certificate resolver finds nothing to sign with;
        // the peer is owed a fatal handshake_failure (plaintext: the server has sent nothing yet).
        if !queued_alert && self.info.is_none() && matches!(err, rustls::Error::NoSuitableCertificate) {
            self.fail_in_hello(AlertDescription::HandshakeFailure, mapped);
        }
        let _ = self.send_queued();
        self.stage = Stage::Failed(mapped);
        // RFC 5246 7.2.2: a session whose connection ended with a fatal alert is not resumed.
        if let Some(sessions) = &self.server_sessions {
            sessions.invalidate();
        }
        self.sessions.forget_latest();
        mapped
    }

    /// Sends whatever rustls has queued and whatever is left of earlier output.
    fn flush(&mut self) -> Result<()> {
        if let Stage::Running(tls) = &mut self.stage {
            while tls.conn().wants_write() {
                tls.conn().write_tls_to(&mut self.out).map_err(|_| Error::SslInternalError)?;
            }
        }
        self.send_queued()
    }

    fn send_queued(&mut self) -> Result<()> {
        while self.out_sent < self.out.len() {
            let transport = self.transport.as_deref_mut().ok_or(Error::SslBadInputData)?;
            let n = transport.send(&self.out[self.out_sent..])?;
            if n == 0 {
                return Err(Error::NetSendFailed);
            }
            let n = n.min(self.out.len() - self.out_sent);
            if let Some(capture) = self.capture.as_mut() {
                capture.outgoing(&self.out[self.out_sent..self.out_sent + n]);
            }
            self.out_sent += n;
        }
        self.out.clear();
        self.out_sent = 0;
        Ok(())
    }

    fn finish_handshake(&mut self) {
        // The buffer of records taken ahead serves the initial handshake only: an idle
        // connection keeps no 16 KiB for it.
        self.input.release_ahead();
        let Stage::Running(tls) = &self.stage else { return };
        let out = tls.outputs();
        let authmode = self
            .overrides
            .authmode
            .or_else(|| self.snapshot.as_ref().map(|s| s.settings.authmode))
            .unwrap_or(AuthMode::None);
        let peer_chain = out.peer_identity().and_then(verify::chain_of).unwrap_or_default();
        let resumed = out.handshake_kind() == Some(HandshakeKind::Resumed);
        let offered_result = match self.endpoint {
            Endpoint::Client => self.sessions.offer.as_ref().map(|o| o.verify_result),
            Endpoint::Server => {
                self.server_sessions.as_ref().and_then(|s| s.resumed_session()).map(|s| s.verify_result)
            }
        }
        .filter(|_| resumed);
        self.verify_result = match (offered_result, self.verify.flags(), authmode) {
            (Some(saved), _, _) => saved,
            (None, Some(flags), _) => flags,
            (None, None, AuthMode::None) => badcert::SKIP_VERIFY,
            (None, None, _) if peer_chain.is_empty() => badcert::MISSING,
            (None, None, _) => 0,
        };
        let info = HandshakeInfo {
            version: out.protocol_version().map_or(0, |v| v.0),
            suite: out.negotiated_cipher_suite().map_or(0, |s| s.suite().0),
            alpn: out.alpn_protocol().map(|p| p.as_ref().to_vec()),
            resumed,
            peer_chain,
        };
        log::debug!("<= handshake: version {:#06x}, suite {:#06x}, resumed {}", info.version, info.suite, info.resumed);
        let (version, suite) = (info.version, info.suite);
        self.info = Some(info);
        if let Some(sessions) = &self.server_sessions {
            sessions.commit();
        }
        self.export_handshake_keys(version, suite);
        if self.endpoint == Endpoint::Client {
            let value = match version {
                TLS1_2 => self.sessions.store.as_ref().and_then(|s| s.received_tls12()).unwrap_or_default(),
                _ => Vec::new(),
            };
            let facts = Self::session_facts(self.info.as_ref(), self.verify_result, &self.hostname);
            let session = self.sessions.session(&facts, version, value);
            self.sessions.set_latest(session);
        }
        self.renewal.keys_renewed();
        let renegotiation = self.snapshot.as_ref().is_some_and(|s| s.settings.renegotiation);
        if version == TLS1_2 && renegotiation && self.capture.is_some() {
            if let Err(e) = self.take_over() {
                self.stage = Stage::Failed(e);
            }
        } else {
            self.capture = None;
        }
    }
}

#[cfg(test)]
mod read_ahead_tests;
#[cfg(test)]
mod renegotiation_tests;
#[cfg(test)]
pub(crate) mod tests;
