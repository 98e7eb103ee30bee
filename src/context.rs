//! One TLS connection (`mbedtls_ssl_context`): drives a rustls connection through the
//! application's transport with Mbed TLS's calling conventions.
//!
//! * Records are read one at a time and never past the end of the current record, as Mbed TLS
//!   does, so no byte that follows the TLS stream on the socket is consumed.
//! * `WANT_READ` / `WANT_WRITE` / `TIMEOUT` from the transport leave every piece of state in
//!   place: calling the same function again continues where it stopped.
//! * Output is queued and sent through the transport; a partially sent flight stays queued.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rustls::client::ClientConnection;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::{Accepted, NeedsInput, ServerConfig, ServerConnection, ServerHandshake};
use rustls::{ClientConfig, Connection, HandshakeKind, TlsInputBuffer};

use std::collections::VecDeque;

use crate::client_sessions::{ConnectionSessions, name_of};
use crate::codec::{MAX_FRAGMENT, MAX_RECORD_BODY};
use crate::config::{AuthMode, Config, DebugSink, Endpoint, OwnCert, OwnCertResolver, Snapshot, TLS1_2, TLS1_3};
use crate::debug;
use crate::error::{Error, Result};
use crate::renegotiation::{self, HandshakeCapture, LEGACY_BREAK_HANDSHAKE, Policy};
use crate::server_sessions::ServerSessions;
use crate::session::{self, ClientValueInfo, Session};
use crate::verify::{self, ClientCertVerifier, ServerCertVerifier, VerifyRecord, badcert};

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
struct RecordInput {
    buf: Vec<u8>,
    used: usize,
    /// Header of the record being received, and how much of it has arrived.
    header: [u8; 5],
    header_have: usize,
    body_left: usize,
    received_close_notify: bool,
}

impl RecordInput {
    /// True when the record being received is complete.
    fn record_complete(&self) -> bool {
        self.header_have == 5 && self.body_left == 0
    }

    /// Reads what is missing of the current record (never more). Returns 0 at end of file.
    fn read_some(&mut self, transport: &mut dyn Transport, timeout_ms: u32) -> Result<usize> {
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
                let len = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                // An oversized record is handed to rustls at once, which rejects it.
                self.body_left = if len > MAX_RECORD_BODY { 0 } else { len };
            }
        } else {
            self.body_left -= n;
        }
        self.used += n;
        Ok(n)
    }

    /// The complete record has been handed to rustls; the next read starts a new one.
    fn start_next_record(&mut self) {
        self.header_have = 0;
        self.body_left = 0;
    }

    fn clear(&mut self) {
        *self = Self { buf: core::mem::take(&mut self.buf), ..Self::default() };
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
    ca_chain: Option<Arc<[CertificateDer<'static>]>>,
    authmode: Option<AuthMode>,
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

enum Engine {
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
    engine: Engine,
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
    /// What rustls's initial TLS 1.2 handshake showed on the wire, for the renegotiation engine.
    capture: Option<HandshakeCapture>,
    policy: Option<Policy>,
    /// When the keys were last renewed (for the time-based renegotiation interval).
    keys_since: Option<std::time::Instant>,
    /// The peer refused a renegotiation started by the record counter: not again with
    /// these keys.
    periodic_refused: bool,
}

/// Client sessions of one connection: what the application offered, what the server sent.
#[derive(Default)]
struct ClientSessionState {
    /// `mbedtls_ssl_set_session`: offered in the next handshake.
    offer: Option<Session>,
    /// The rustls store of the running handshake.
    store: Option<Arc<ConnectionSessions>>,
    /// What `mbedtls_ssl_get_session` hands out, and whether it already did (3.6: once each).
    latest: Option<Session>,
    latest_exported: bool,
    /// TLS 1.3 tickets taken from the store so far.
    tickets_seen: usize,
    /// Tickets still to be signalled with `RECEIVED_NEW_SESSION_TICKET`.
    to_signal: VecDeque<Session>,
    /// Tickets still to be given to the application's new-ticket callback.
    to_callback: VecDeque<Session>,
    signal: bool,
    callback: bool,
}

impl Context {
    /// `mbedtls_ssl_setup`: a context bound to `config`.
    pub fn new(config: Config) -> Result<Self> {
        // Refuse an unusable configuration now, as Mbed TLS's setup refuses bad settings.
        config.snapshot()?;
        let endpoint = config.read(|s| s.endpoint);
        Ok(Self {
            config,
            endpoint,
            hostname: Hostname::Unset,
            transport: None,
            engine: Engine::Idle,
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
            capture: None,
            policy: None,
            keys_since: None,
            periodic_refused: false,
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// `mbedtls_ssl_session_reset`: back to before the handshake; keeps the configuration, the
    /// transport and the host name.
    pub fn reset(&mut self) {
        self.engine = Engine::Idle;
        self.snapshot = None;
        self.input.clear();
        self.out.clear();
        self.out_sent = 0;
        self.plain.clear();
        self.plain_read = 0;
        self.pending_write = None;
        self.peer_closed = false;
        self.close_sent = false;
        self.overrides = HandshakeOverrides::default();
        self.verify = VerifyRecord::default();
        self.verify_result = verify::NO_RESULT;
        self.info = None;
        self.sessions = ClientSessionState::default();
        self.server_sessions = None;
        self.capture = None;
        self.policy = None;
        self.keys_since = None;
        self.periodic_refused = false;
    }

    pub fn set_transport(&mut self, transport: Box<dyn Transport>) {
        self.transport = Some(transport);
    }

    pub fn set_hostname(&mut self, hostname: Hostname) {
        self.hostname = hostname;
    }

    pub fn hostname(&self) -> &Hostname {
        &self.hostname
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

    /// Decrypted data or part of a record is buffered (`mbedtls_ssl_check_pending`).
    pub fn has_pending(&self) -> bool {
        self.bytes_available() > 0 || self.input.used > 0
    }

    /// `mbedtls_ssl_get_bytes_avail`.
    pub fn bytes_available(&self) -> usize {
        self.plain.len() - self.plain_read
    }

    // --- client sessions

    /// `mbedtls_ssl_set_session`: offer `session` in the next handshake.
    ///
    /// Mbed TLS 3.6 rules: client only, after setup/reset and before the handshake
    /// (`BAD_INPUT_DATA` otherwise); a second call before the handshake is
    /// `FEATURE_UNAVAILABLE` and changes nothing.
    pub fn set_session(&mut self, session: &Session) -> Result<()> {
        if self.endpoint != Endpoint::Client || !matches!(self.engine, Engine::Idle) || self.info.is_some() {
            return Err(Error::SslBadInputData);
        }
        if session.endpoint != Endpoint::Client || session.is_empty() {
            return Err(Error::SslBadInputData);
        }
        if self.sessions.offer.is_some() {
            return Err(Error::SslFeatureUnavailable);
        }
        let snapshot = self.config.snapshot()?;
        let known = match session.version {
            TLS1_2 => snapshot.provider.tls12_cipher_suites.iter().any(|s| s.common.suite.0 == session.suite),
            _ => snapshot.provider.tls13_cipher_suites.iter().any(|s| s.common.suite.0 == session.suite),
        };
        if !known && session.version == TLS1_3 {
            return Err(Error::SslBadInputData);
        }
        self.sessions.offer = Some(session.clone());
        Ok(())
    }

    /// `mbedtls_ssl_get_session`: a copy of this connection's session (for TLS 1.3, the last
    /// ticket received, once signalled). Each session is handed out once (3.6 rule):
    /// `FEATURE_UNAVAILABLE` afterwards; `BAD_INPUT_DATA` on a server or before a handshake.
    pub fn export_session(&mut self) -> Result<Session> {
        if self.endpoint != Endpoint::Client {
            return Err(Error::SslBadInputData);
        }
        let Some(latest) = &self.sessions.latest else {
            return Err(Error::SslBadInputData);
        };
        if self.sessions.latest_exported {
            return Err(Error::SslFeatureUnavailable);
        }
        self.sessions.latest_exported = true;
        Ok(latest.clone())
    }

    /// True when the last handshake resumed a session (`mbedtls_compat_ssl_session_resumed`).
    pub fn resumed(&self) -> bool {
        self.info.as_ref().is_some_and(|i| i.resumed)
    }

    /// The next ticket for the application's new-ticket callback, if one is due.
    pub fn take_callback_ticket(&mut self) -> Option<Session> {
        self.sessions.to_callback.pop_front()
    }

    /// Builds a session from the connection's facts and a rustls value.
    fn client_session(&self, version: u16, value: Vec<u8>) -> Session {
        let info = self.info.as_ref();
        let parsed = ClientValueInfo::parse(version, &value).unwrap_or_default();
        let offered = self.sessions.offer.as_ref().filter(|_| info.is_some_and(|i| i.resumed));
        Session {
            endpoint: Endpoint::Client,
            version,
            suite: info.map_or(parsed.suite, |i| i.suite),
            start: offered.map_or_else(session::now_secs, |o| o.start),
            verify_result: self.verify_result,
            id: parsed.id,
            server_name: self.server_name_text(),
            peer_cert: info
                .and_then(|i| i.peer_chain.first().map(|c| c.to_vec()))
                .or_else(|| offered.map(|o| o.peer_cert.clone()))
                .unwrap_or_default(),
            ticket_lifetime: u32::try_from(parsed.lifetime).unwrap_or(u32::MAX),
            ticket_time_ms: if parsed.ticket_len > 0 { parsed.epoch.saturating_mul(1000) } else { 0 },
            value,
        }
    }

    fn server_name_text(&self) -> String {
        match &self.hostname {
            Hostname::Name(n) => ServerName::try_from(n.as_str()).map(|sn| name_of(&sn)).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// Takes the TLS 1.3 tickets rustls received since the last look.
    fn collect_tickets(&mut self) {
        let Some(store) = self.sessions.store.clone() else { return };
        while self.sessions.tickets_seen < store.tls13_count() {
            let Some(value) = store.tls13_ticket(self.sessions.tickets_seen) else { break };
            self.sessions.tickets_seen += 1;
            let session = self.client_session(TLS1_3, value);
            if self.sessions.callback {
                self.sessions.to_callback.push_back(session.clone());
            }
            if self.sessions.signal {
                self.sessions.to_signal.push_back(session);
            } else {
                // Not signalled (3.6.1+ default): still kept, so get_session can resume.
                self.sessions.latest = Some(session);
                self.sessions.latest_exported = false;
            }
        }
    }

    /// Delivers one pending ticket signal or callback, if any (`RECEIVED_NEW_SESSION_TICKET`).
    fn pending_event(&mut self) -> Result<()> {
        if !self.sessions.to_callback.is_empty() {
            return Err(Error::CallbackPending);
        }
        if let Some(session) = self.sessions.to_signal.pop_front() {
            self.sessions.latest = Some(session);
            self.sessions.latest_exported = false;
            return Err(Error::SslReceivedNewSessionTicket);
        }
        Ok(())
    }

    // --- SNI callback support

    /// The host name the client asked for, while the SNI callback is due.
    pub fn pending_sni(&self) -> Option<&str> {
        match &self.engine {
            Engine::Choosing(_, name) => Some(name),
            _ => None,
        }
    }

    pub fn set_hs_own_cert(&mut self, cert: Arc<OwnCert>) {
        self.overrides.own_certs.get_or_insert_with(Vec::new).push(cert);
    }

    pub fn set_hs_ca_chain(&mut self, chain: Arc<[CertificateDer<'static>]>) {
        self.overrides.ca_chain = Some(chain);
    }

    pub fn set_hs_authmode(&mut self, authmode: AuthMode) {
        self.overrides.authmode = Some(authmode);
    }

    /// Continues the handshake after the SNI callback returned `callback_result`.
    /// A non-zero result refuses the name: fatal `unrecognized_name` alert,
    /// `MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME`.
    pub fn finish_sni(&mut self, callback_result: i32) {
        let Engine::Choosing(accepted, name) = core::mem::replace(&mut self.engine, Engine::Idle) else {
            return;
        };
        if callback_result != 0 {
            log::error!("SNI callback refused server name {name:?} ({callback_result})");
            self.fail_in_hello(112, Error::SslUnrecognizedName);
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
            self.pending_event()
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
                self.pending_event()?;
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
                if let Engine::Failed(e) = self.engine {
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
            if let Engine::Failed(e) = self.engine {
                return Err(e);
            }
            if self.pending_write.is_none() {
                self.pending_event()?;
            }
            if let Some(n) = self.pending_write {
                self.flush()?;
                self.pending_write = None;
                return Ok(n);
            }
            self.maybe_renew()?;
            let take = data.len().min(MAX_FRAGMENT);
            let n = match &mut self.engine {
                Engine::Running(tls) => {
                    tls.conn().writer().write(&data[..take]).map_err(|_| Error::SslInternalError)?
                }
                Engine::Tls12(engine) => {
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
            match &mut self.engine {
                Engine::Running(tls) => tls.conn().send_close_notify(),
                Engine::Tls12(engine) => engine.send_close_notify(&mut self.out)?,
                _ => {}
            }
            self.close_sent = true;
        }
        self.flush()
    }

    fn drive_handshake(&mut self) -> Result<()> {
        loop {
            match &self.engine {
                Engine::Failed(e) => return Err(*e),
                Engine::Idle => self.start()?,
                Engine::Choosing(..) => return Err(Error::CallbackPending),
                Engine::Tls12(_) => return Ok(()),
                Engine::Accepting(_) | Engine::Running(_) => {}
            }
            self.flush()?;
            if let Engine::Running(tls) = &mut self.engine {
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
            if self.input.read_some(transport, timeout)? == 0 {
                log::debug!("transport reached end of file");
                if self.info.is_none() {
                    self.engine = Engine::Failed(Error::SslConnEof);
                }
                return Err(Error::SslConnEof);
            }
        }
        let record_len = 5 + usize::from(u16::from_be_bytes([self.input.header[3], self.input.header[4]]));
        self.input.start_next_record();
        if let Some(capture) = self.capture.as_mut() {
            let used = self.input.used;
            capture.incoming(&self.input.buf[used.saturating_sub(record_len)..used]);
            self.refuse_legacy_peer()?;
        }
        if matches!(self.engine, Engine::Tls12(_)) {
            return self.process_engine_record(record_len);
        }
        self.process_input()
    }

    /// `MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE`: as soon as the peer's hello shows that it lacks
    /// RFC 5746, the handshake ends with a fatal `handshake_failure` (a plaintext alert: no
    /// keys exist yet), as Mbed TLS does at the same point.
    fn refuse_legacy_peer(&mut self) -> Result<()> {
        let break_handshake =
            self.snapshot.as_ref().is_some_and(|s| s.settings.legacy_renegotiation == LEGACY_BREAK_HANDSHAKE);
        let Some(capture) = self.capture.as_ref() else { return Ok(()) };
        if !break_handshake || self.info.is_some() || capture.peer_supports_rfc5746(self.endpoint) != Some(false) {
            return Ok(());
        }
        log::error!("peer lacks RFC 5746 secure renegotiation (MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE)");
        self.fail_in_hello(40, Error::SslHandshakeFailure);
        if let Some(sessions) = &self.server_sessions {
            sessions.invalidate();
        }
        Err(Error::SslHandshakeFailure)
    }

    /// Ends a handshake that has no keys yet: a plaintext fatal alert `description`, and every
    /// later call returns `err`.
    fn fail_in_hello(&mut self, description: u8, err: Error) {
        self.out.extend_from_slice(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description]);
        let _ = self.send_queued();
        self.engine = Engine::Failed(err);
    }

    /// One record for the renegotiation engine.
    fn process_engine_record(&mut self, record_len: usize) -> Result<()> {
        let Engine::Tls12(engine) = &mut self.engine else { return Ok(()) };
        let Some(policy) = self.policy.as_ref() else { return Err(Error::SslInternalError) };
        let used = self.input.used;
        let result = if record_len > 5 + MAX_RECORD_BODY || used < record_len {
            log::error!("record of {} bytes is too long", record_len - 5);
            Err(engine.fatal_alert(
                rustls::error::AlertDescription::RecordOverflow,
                Error::SslInvalidRecord,
                &mut self.out,
            ))
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
                    self.keys_since = Some(std::time::Instant::now());
                    self.periodic_refused = false;
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
                self.engine = Engine::Failed(e);
                if let Some(sessions) = &self.server_sessions {
                    sessions.invalidate();
                }
                self.sessions.latest = None;
                Err(e)
            }
        }
    }

    fn process_input(&mut self) -> Result<()> {
        match core::mem::replace(&mut self.engine, Engine::Idle) {
            Engine::Accepting(needs) => {
                let mut output = Vec::new();
                let result = needs.process(&mut self.input, &mut output);
                for chunk in output {
                    self.out.extend_from_slice(&chunk);
                }
                match result {
                    Ok(ServerHandshake::NeedsInput(needs)) => self.engine = Engine::Accepting(Box::new(needs)),
                    Ok(ServerHandshake::Accepted(accepted)) => {
                        let name = accepted.client_hello().server_name().map(|n| n.as_ref().to_string());
                        match name {
                            Some(name) => {
                                log::debug!("client asks for server name {name:?}: calling the SNI callback");
                                self.engine = Engine::Choosing(Box::new(accepted), name);
                                return Err(Error::CallbackPending);
                            }
                            None => self.choose_server_config(Box::new(accepted)),
                        }
                    }
                    Ok(_) => self.engine = Engine::Failed(Error::SslInternalError),
                    Err(e) => return Err(self.fail(&e)),
                }
                self.engine_error()
            }
            Engine::Running(mut tls) => {
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
                        self.engine = Engine::Running(tls);
                        if self.info.is_some() && self.endpoint == Endpoint::Client {
                            self.collect_tickets();
                        }
                        Ok(())
                    }
                    Err(e) => {
                        let _ = tls.conn().write_tls_to(&mut self.out);
                        self.engine = Engine::Running(tls);
                        Err(self.fail(&e))
                    }
                }
            }
            other => {
                self.engine = other;
                self.engine_error()
            }
        }
    }

    fn engine_error(&self) -> Result<()> {
        match self.engine {
            Engine::Failed(e) => Err(e),
            _ => Ok(()),
        }
    }

    /// Records a fatal rustls error: tries to send the queued alert, maps the error, and makes
    /// every later call return it.
    fn fail(&mut self, err: &rustls::Error) -> Error {
        let mapped = Error::from_rustls(err);
        log::error!("handshake or record failure: {err}");
        if let Some(flags) = self.verify.flags() {
            self.verify_result = flags;
        }
        if let Engine::Running(tls) = &mut self.engine {
            while tls.conn().wants_write() {
                if tls.conn().write_tls_to(&mut self.out).is_err() {
                    break;
                }
            }
        }
        let _ = self.send_queued();
        self.engine = Engine::Failed(mapped);
        // RFC 5246 7.2.2: a session whose connection ended with a fatal alert is not resumed.
        if let Some(sessions) = &self.server_sessions {
            sessions.invalidate();
        }
        self.sessions.latest = None;
        mapped
    }

    /// Sends whatever rustls has queued and whatever is left of earlier output.
    fn flush(&mut self) -> Result<()> {
        if let Engine::Running(tls) = &mut self.engine {
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

    /// Builds the rustls side for a new handshake.
    fn start(&mut self) -> Result<()> {
        if self.transport.is_none() {
            log::error!("no transport: call mbedtls_ssl_set_bio before the handshake");
            return Err(Error::SslBadInputData);
        }
        let snapshot = self.config.snapshot()?;
        if !snapshot.settings.rng_set {
            log::error!("no random generator: call mbedtls_ssl_conf_rng");
            return Err(Error::SslNoRng);
        }
        log::debug!("=> handshake");
        self.snapshot = Some(snapshot.clone());
        let settings = &snapshot.settings;
        let tls12_possible = settings.min_version <= TLS1_2 && !snapshot.provider.tls12_cipher_suites.is_empty();
        self.capture = (tls12_possible
            && (settings.renegotiation || settings.legacy_renegotiation == LEGACY_BREAK_HANDSHAKE))
            .then(HandshakeCapture::default);
        self.engine = match self.endpoint {
            Endpoint::Client => Engine::Running(Tls::Client(Box::new(self.new_client(&snapshot)?))),
            Endpoint::Server if snapshot.settings.sni_callback.is_some() => {
                Engine::Accepting(Box::new(ServerHandshake::start()))
            }
            Endpoint::Server => {
                let config = self.server_config(&snapshot)?;
                let conn = ServerConnection::new(config).map_err(|e| Error::from_rustls(&e))?;
                Engine::Running(Tls::Server(Box::new(conn)))
            }
        };
        Ok(())
    }

    fn new_client(&mut self, snapshot: &Snapshot) -> Result<ClientConnection> {
        let settings = &snapshot.settings;
        let (server_name, expected_name) = match &self.hostname {
            Hostname::Name(name) => {
                let sn = ServerName::try_from(name.as_str()).map_err(|_| Error::SslBadInputData)?.to_owned();
                (sn.clone(), Some(sn))
            }
            Hostname::OptedOut => (ServerName::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED).into()), None),
            Hostname::Unset => {
                if settings.authmode == AuthMode::Required {
                    log::error!("certificate verification without a host name: call mbedtls_ssl_set_hostname");
                    return Err(Error::SslCertificateVerificationWithoutHostname);
                }
                (ServerName::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED).into()), None)
            }
        };
        if settings.authmode == AuthMode::Required && snapshot.roots.is_none() {
            log::error!("peer verification is required but no CA chain is configured");
            return Err(Error::SslCaChainRequired);
        }
        let verifier = ServerCertVerifier {
            authmode: settings.authmode,
            roots: snapshot.roots.clone(),
            expected_name,
            record: self.verify.clone(),
        };
        let mut config = ClientConfig::builder(snapshot.provider.clone())
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_client_credential_resolver(snapshot.own_certs.clone())
            .map_err(|e| Error::from_rustls(&e))?;
        config.alpn_protocols = settings.alpn.iter().map(|p| p.clone().into()).collect();
        let store = Arc::new(ConnectionSessions::new(self.sessions.offer.clone(), snapshot.provider.clone(), true));
        self.sessions.store = Some(store.clone());
        self.sessions.signal = settings.signal_new_session_tickets;
        self.sessions.callback = settings.new_ticket_callback.is_some();
        let tls12 = if settings.session_tickets {
            rustls::client::Tls12Resumption::SessionIdOrTickets
        } else {
            rustls::client::Tls12Resumption::SessionIdOnly
        };
        config.resumption = rustls::client::Resumption::store(store).tls12_resumption(tls12);
        if let Some(capture) = &self.capture {
            config.enable_secret_extraction = true;
            config.key_log = capture.key_log.clone();
        }
        let config = Arc::new(config);
        config.connect(server_name).build().map_err(|e| Error::from_rustls(&e))
    }

    fn server_config(&mut self, snapshot: &Snapshot) -> Result<Arc<ServerConfig>> {
        let settings = &snapshot.settings;
        let authmode = self.overrides.authmode.unwrap_or(settings.authmode);
        let roots = self.roots(snapshot);
        if authmode == AuthMode::Required && roots.is_none() {
            log::error!("client verification is required but no CA chain is configured");
            return Err(Error::SslCaChainRequired);
        }
        let resolver = self.own_certs(snapshot);
        let verifier = ClientCertVerifier::new(authmode, roots, self.verify.clone());
        let mut config = ServerConfig::builder(snapshot.provider.clone())
            .with_client_cert_verifier(Arc::new(verifier))
            .with_server_credential_resolver(resolver)
            .map_err(|e| Error::from_rustls(&e))?;
        config.alpn_protocols = settings.alpn.iter().map(|p| p.clone().into()).collect();
        let sessions = Arc::new(ServerSessions::new(
            settings.session_store.clone(),
            settings.ticket_codec.clone(),
            settings.invalidated.clone(),
            self.verify.clone(),
        ));
        config.session_storage = sessions.clone();
        if sessions.has_tickets() {
            config.ticketer = Some(sessions.clone());
        }
        // TLS 1.3 tickets: sealed by the ticket keys, or (without them) stateful, in the cache.
        let tickets = if sessions.has_store() || sessions.has_tickets() { settings.new_session_tickets } else { 0 };
        config.send_tls13_tickets = rustls::server::Tls13Tickets { default: tickets, max: tickets };
        if let Some(capture) = &self.capture {
            config.enable_secret_extraction = true;
            config.key_log = capture.key_log.clone();
        }
        self.server_sessions = Some(sessions);
        Ok(Arc::new(config))
    }

    /// The certificates of this handshake: the SNI callback's (`mbedtls_ssl_set_hs_own_cert`)
    /// or the configuration's.
    fn own_certs(&self, snapshot: &Snapshot) -> Arc<OwnCertResolver> {
        match &self.overrides.own_certs {
            Some(certs) => Arc::new(OwnCertResolver::from_certs(certs.clone())),
            None => snapshot.own_certs.clone(),
        }
    }

    /// The trust anchors of this handshake: the SNI callback's (`mbedtls_ssl_set_hs_ca_chain`)
    /// or the configuration's.
    fn roots(&self, snapshot: &Snapshot) -> Option<Arc<rustls::RootCertStore>> {
        match &self.overrides.ca_chain {
            Some(chain) => {
                let mut store = rustls::RootCertStore::empty();
                store.add_parsable_certificates(chain.iter().cloned());
                Some(Arc::new(store))
            }
            None => snapshot.roots.clone(),
        }
    }

    fn choose_server_config(&mut self, accepted: Box<Accepted>) {
        let Some(snapshot) = self.snapshot.clone() else {
            self.engine = Engine::Failed(Error::SslInternalError);
            return;
        };
        let config = match self.server_config(&snapshot) {
            Ok(config) => config,
            Err(e) => {
                self.engine = Engine::Failed(e);
                return;
            }
        };
        let mut output = Vec::new();
        let result = accepted.choose_config(config, &mut output);
        for chunk in output {
            self.out.extend_from_slice(&chunk);
        }
        match result {
            Ok(ServerHandshake::NeedsInput(needs)) => {
                self.engine = Engine::Running(Tls::Server(Box::new(needs.into_buffered_connection())));
            }
            Ok(_) => self.engine = Engine::Failed(Error::SslInternalError),
            Err(e) => {
                let _ = self.send_queued();
                self.engine = Engine::Failed(Error::from_rustls(&e));
            }
        }
    }

    fn finish_handshake(&mut self) {
        let Engine::Running(tls) = &self.engine else { return };
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
        let version = info.version;
        self.info = Some(info);
        if self.endpoint == Endpoint::Client {
            let value = match version {
                TLS1_2 => self.sessions.store.as_ref().and_then(|s| s.received_tls12()).unwrap_or_default(),
                _ => Vec::new(),
            };
            self.sessions.latest = Some(self.client_session(version, value));
            self.sessions.latest_exported = false;
        }
        self.keys_since = Some(std::time::Instant::now());
        let renegotiation = self.snapshot.as_ref().is_some_and(|s| s.settings.renegotiation);
        if version == TLS1_2 && renegotiation && self.capture.is_some() {
            if let Err(e) = self.take_over() {
                self.engine = Engine::Failed(e);
            }
        } else {
            self.capture = None;
        }
    }

    /// Hands the established TLS 1.2 connection from rustls to the renegotiation engine.
    fn take_over(&mut self) -> Result<()> {
        let Some(capture) = self.capture.take() else { return Ok(()) };
        let Engine::Running(tls) = core::mem::replace(&mut self.engine, Engine::Idle) else {
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
        let settings = &snapshot.settings;
        self.policy = Some(Policy {
            enabled: settings.renegotiation,
            resumption: settings.renegotiation_resumption,
            enforced: settings.renegotiation_enforced,
            provider: snapshot.provider.clone(),
            own_certs: self.own_certs(&snapshot),
            authmode: self.overrides.authmode.unwrap_or(settings.authmode),
            roots: self.roots(&snapshot),
            server_name: match &self.hostname {
                Hostname::Name(n) => ServerName::try_from(n.as_str()).ok().map(|s| s.to_owned()),
                _ => None,
            },
            peer_cert: match self.endpoint {
                Endpoint::Client => self.info.as_ref().and_then(|i| i.peer_chain.first().cloned()),
                Endpoint::Server => None,
            },
        });
        self.engine = Engine::Tls12(Box::new(engine));
        Ok(())
    }

    /// `mbedtls_ssl_renegotiate` (and our abbreviated variant for clients). A server sends a
    /// HelloRequest and returns; the renegotiation runs inside later reads. A client runs the
    /// renegotiation to its end (WANT_READ/WANT_WRITE: call again).
    pub fn renegotiate(&mut self, abbreviated: bool) -> Result<()> {
        let sink = self.debug_sink();
        debug::with_sink(sink.as_ref(), || {
            if self.info.is_none() {
                return Err(Error::SslBadInputData);
            }
            let Engine::Tls12(engine) = &mut self.engine else {
                if let Engine::Failed(e) = self.engine {
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
                    let policy = self.policy.as_ref().ok_or(Error::SslInternalError)?;
                    engine.start_client(abbreviated, policy, &mut self.out)?;
                    loop {
                        self.flush()?;
                        match &self.engine {
                            Engine::Tls12(e) if !e.handshaking() => return Ok(()),
                            Engine::Failed(e) => return Err(*e),
                            _ => {}
                        }
                        self.receive_record()?;
                    }
                }
            }
        })
    }

    /// Renegotiation counters: (full, abbreviated) since the initial handshake.
    pub fn renegotiations(&self) -> (u32, u32) {
        match &self.engine {
            Engine::Tls12(e) => (e.full_renegotiations, e.abbreviated_renegotiations),
            _ => (0, 0),
        }
    }

    /// Periodic renewal: after `renegotiation_period` records, or the configured interval.
    fn maybe_renew(&mut self) -> Result<()> {
        let Engine::Tls12(engine) = &self.engine else { return Ok(()) };
        let Some(snapshot) = self.snapshot.as_ref() else { return Ok(()) };
        let settings = &snapshot.settings;
        if !settings.renegotiation || engine.handshaking() || engine.hello_requested() || !engine.peer_secure() {
            return Ok(());
        }
        let (tx, rx) = engine.record_counts();
        let by_records =
            !self.periodic_refused && (tx > settings.renegotiation_period || rx > settings.renegotiation_period);
        let (interval, abbreviated) = settings.renegotiation_interval;
        let by_time = interval > 0 && self.keys_since.is_some_and(|t| t.elapsed().as_secs() >= interval);
        if !(by_records || by_time) {
            return Ok(());
        }
        log::debug!(
            "{}: renegotiate",
            if by_records { "record counter limit reached" } else { "renegotiation interval elapsed" }
        );
        self.keys_since = Some(std::time::Instant::now());
        // A server's request is a HelloRequest: the client decides what to offer.
        let offer_session = abbreviated && by_time && self.endpoint == Endpoint::Client;
        match self.renegotiate(offer_session) {
            // The peer said no_renegotiation: the connection goes on with its keys (as
            // `mbedtls_ssl_read` continues in Mbed TLS); no new attempt until the next interval.
            Err(Error::SslWaitingServerHelloRenego) => {
                log::debug!("the peer refused the periodic renegotiation");
                self.periodic_refused = true;
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;

    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;

    use super::*;
    use crate::config::{Preset, TLS1_2, TLS1_3};

    type Pipe = Rc<RefCell<VecDeque<u8>>>;

    /// One end of an in-memory duplex pipe; never blocks (WANT_READ when empty).
    struct MemTransport {
        rx: Pipe,
        tx: Pipe,
    }

    impl Transport for MemTransport {
        fn send(&mut self, data: &[u8]) -> Result<usize> {
            self.tx.borrow_mut().extend(data);
            Ok(data.len())
        }
        fn recv(&mut self, buf: &mut [u8], _timeout_ms: u32) -> Result<usize> {
            let mut rx = self.rx.borrow_mut();
            if rx.is_empty() {
                return Err(Error::SslWantRead);
            }
            let n = buf.len().min(rx.len());
            for b in buf.iter_mut().take(n) {
                *b = rx.pop_front().unwrap();
            }
            Ok(n)
        }
    }

    use crate::test_support::certs_dir;

    pub(super) fn pair(min: u16, max: u16, client_auth: AuthMode, hostname: &str) -> (Context, Context) {
        let server_conf = server_config(min, max);
        pair_on(server_conf, client_config(client_auth), hostname)
    }

    pub(super) fn server_config(min: u16, max: u16) -> Config {
        let dir = certs_dir();
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(dir.join("server-ec.crt")).unwrap().map(|c| c.unwrap()).collect();
        let key = PrivateKeyDer::from_pem_file(dir.join("server-ec.key")).unwrap();
        let server_conf = Config::new();
        server_conf.update(|s| {
            s.apply_defaults(Endpoint::Server, Preset::Default);
            s.own_certs.push(Arc::new(OwnCert::new(chain, key).unwrap()));
            s.rng_set = true;
            s.min_version = min;
            s.max_version = max;
        });
        server_conf
    }

    pub(super) fn client_config(client_auth: AuthMode) -> Config {
        let dir = certs_dir();
        let ca: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(dir.join("ca.crt")).unwrap().map(|c| c.unwrap()).collect();
        let client_conf = Config::new();
        client_conf.update(|s| {
            s.apply_defaults(Endpoint::Client, Preset::Default);
            s.ca_chain = Some(ca.into());
            s.authmode = client_auth;
            s.rng_set = true;
        });
        client_conf
    }

    pub(super) fn pair_on(server_conf: Config, client_conf: Config, hostname: &str) -> (Context, Context) {
        let a: Pipe = Rc::default();
        let b: Pipe = Rc::default();
        let mut client = Context::new(client_conf).unwrap();
        let mut server = Context::new(server_conf).unwrap();
        client.set_transport(Box::new(MemTransport { rx: a.clone(), tx: b.clone() }));
        server.set_transport(Box::new(MemTransport { rx: b, tx: a }));
        client.set_hostname(Hostname::Name(hostname.into()));
        (client, server)
    }

    /// Steps both sides until both handshakes finish (or one fails).
    pub(super) fn handshake(client: &mut Context, server: &mut Context) -> (Result<()>, Result<()>) {
        let (mut c, mut s) = (Err(Error::SslWantRead), Err(Error::SslWantRead));
        for _ in 0..50 {
            if !matches!(c, Ok(())) {
                c = client.handshake();
            }
            if !matches!(s, Ok(())) {
                s = server.handshake();
            }
            let done = |r: &Result<()>| !matches!(r, Err(Error::SslWantRead));
            if done(&c) && done(&s) {
                break;
            }
        }
        (c, s)
    }

    #[test]
    fn tls12_and_tls13_handshake_and_data_in_memory() {
        for (version, expect) in [(TLS1_2, 0x0303), (TLS1_3, 0x0304)] {
            let (mut client, mut server) = pair(version, version, AuthMode::Required, "localhost");
            let (c, s) = handshake(&mut client, &mut server);
            assert_eq!((c, s), (Ok(()), Ok(())));
            assert_eq!(client.info().unwrap().version, expect);
            assert_eq!(client.verify_result(), 0);
            assert_eq!(client.write(b"ping").unwrap(), 4);
            let mut buf = [0u8; 16];
            assert_eq!(server.read(&mut buf).unwrap(), 4);
            assert_eq!(&buf[..4], b"ping");
            server.write(b"pong").unwrap();
            assert_eq!(client.read(&mut buf).unwrap(), 4);
            client.close_notify().unwrap();
            assert_eq!(server.read(&mut buf), Err(Error::SslPeerCloseNotify));
        }
    }

    #[test]
    fn wrong_hostname_fails_required_and_is_reported_by_optional() {
        let (mut client, mut server) = pair(TLS1_2, TLS1_3, AuthMode::Required, "example.com");
        let (c, _) = handshake(&mut client, &mut server);
        assert_eq!(c, Err(Error::X509CertVerifyFailed));
        assert_eq!(client.verify_result(), badcert::CN_MISMATCH);

        let (mut client, mut server) = pair(TLS1_2, TLS1_3, AuthMode::Optional, "example.com");
        let (c, s) = handshake(&mut client, &mut server);
        assert_eq!((c, s), (Ok(()), Ok(())));
        assert_eq!(client.verify_result(), badcert::CN_MISMATCH);
    }

    #[test]
    fn a_write_before_the_handshake_completes_it_first() {
        let (mut client, mut server) = pair(TLS1_2, TLS1_3, AuthMode::Required, "localhost");
        assert_eq!(client.write(b"x"), Err(Error::SslWantRead));
        assert_eq!(server.read(&mut [0u8; 4]), Err(Error::SslWantRead));
        assert_eq!(client.write(b"x"), Ok(1));
        assert_eq!(server.read(&mut [0u8; 4]), Ok(1));
    }

    /// Runs a handshake and a data exchange so that TLS 1.3 tickets reach the client.
    pub(super) fn connect(client: &mut Context, server: &mut Context) -> bool {
        let (c, s) = handshake(client, server);
        assert_eq!((c, s), (Ok(()), Ok(())));
        server.write(b"x").unwrap();
        let mut buf = [0u8; 4];
        loop {
            match client.read(&mut buf) {
                Ok(_) => break,
                Err(Error::SslReceivedNewSessionTicket) => continue,
                Err(e) => panic!("{e:?}"),
            }
        }
        client.resumed()
    }

    pub(super) fn with_cache(min: u16, max: u16, cache: bool, tickets: bool) -> Config {
        let conf = server_config(min, max);
        conf.update(|s| {
            if cache {
                s.session_store = Some(Arc::new(crate::cache::SessionCache::new()));
            }
            if tickets {
                s.ticket_codec =
                    Some(Arc::new(crate::ticket::TicketKeys::new(crate::ticket::TicketAead::Aes256Gcm, 3600).unwrap()));
            }
        });
        conf
    }

    #[test]
    fn client_sessions_resume_with_ids_tickets_and_tls13() {
        for (min, max, cache, tickets) in [
            (TLS1_2, TLS1_2, true, false),
            (TLS1_2, TLS1_2, false, true),
            (TLS1_3, TLS1_3, false, true),
            (TLS1_3, TLS1_3, true, false),
        ] {
            let server_conf = with_cache(min, max, cache, tickets);
            let client_conf = client_config(AuthMode::Required);
            let (mut c1, mut s1) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
            assert!(!connect(&mut c1, &mut s1));
            let saved = c1.export_session().unwrap();
            assert_eq!(c1.export_session(), Err(Error::SslFeatureUnavailable), "exported once");
            drop(c1);
            let bytes = saved.save().unwrap();
            let loaded = Session::load(&bytes).unwrap();

            let (mut c2, mut s2) = pair_on(server_conf, client_conf, "localhost");
            c2.set_session(&loaded).unwrap();
            assert_eq!(c2.set_session(&loaded), Err(Error::SslFeatureUnavailable));
            assert!(connect(&mut c2, &mut s2), "{min:#x} cache {cache} tickets {tickets}: not resumed");
            assert!(s2.resumed());
            assert_eq!(c2.verify_result(), 0);
            assert!(!c2.info().unwrap().peer_chain.is_empty());
        }
    }

    #[test]
    fn sessions_are_not_resumed_for_another_host_name() {
        let server_conf = with_cache(TLS1_2, TLS1_2, true, true);
        let client_conf = client_config(AuthMode::Optional);
        let (mut c1, mut s1) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
        connect(&mut c1, &mut s1);
        let saved = c1.export_session().unwrap();
        let (mut c2, mut s2) = pair_on(server_conf, client_conf, "other.example");
        c2.set_session(&saved).unwrap();
        assert!(!connect(&mut c2, &mut s2));
    }

    #[test]
    fn a_fatal_alert_invalidates_the_server_session() {
        for (cache, tickets) in [(true, false), (false, true)] {
            let server_conf = with_cache(TLS1_2, TLS1_2, cache, tickets);
            let client_conf = client_config(AuthMode::Required);
            // Control: a normal connection's session resumes.
            let (mut c1, mut s1) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
            connect(&mut c1, &mut s1);
            let good = c1.export_session().unwrap();
            // A connection that ends with a fatal alert (the server gets a forged record).
            let (mut c2, mut s2) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
            connect(&mut c2, &mut s2);
            let bad = c2.export_session().unwrap();
            // Feed the server a forged application-data record: bad_record_mac, a fatal alert.
            s2.input.clear();
            s2.input.buf = vec![0x17, 3, 3, 0, 32];
            s2.input.buf.extend_from_slice(&[0x55; 32]);
            s2.input.used = s2.input.buf.len();
            assert!(s2.process_input().is_err());

            let (mut c3, mut s3) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
            c3.set_session(&bad).unwrap();
            assert!(!connect(&mut c3, &mut s3), "cache {cache}: resumed after a fatal alert");
            let (mut c4, mut s4) = pair_on(server_conf, client_conf, "localhost");
            c4.set_session(&good).unwrap();
            assert!(connect(&mut c4, &mut s4), "cache {cache}: control case not resumed");
        }
    }
}

#[cfg(test)]
mod renegotiation_tests {
    use super::tests::*;
    use super::*;
    use crate::config::TLS1_2;

    struct Stderr(&'static str);
    impl DebugSink for Stderr {
        fn emit(&self, _level: i32, file: &str, line: u32, text: &str) {
            eprint!("[{}] {file}:{line}: {text}", self.0);
        }
    }

    /// TLS 1.2 with a session cache, renegotiation enabled on both sides; resumption in
    /// renegotiation on the server, and on the client when `client_resumption`.
    fn configs(client_resumption: bool) -> (Config, Config) {
        let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
        enable(&server_conf, true);
        let client_conf = client_config(AuthMode::Required);
        enable(&client_conf, client_resumption);
        (server_conf, client_conf)
    }

    fn enable(conf: &Config, resumption: bool) {
        if std::env::var_os("RENEG_DEBUG").is_some() {
            crate::debug::set_threshold(4);
            let name = if conf.read(|s| s.endpoint) == Endpoint::Server { "srv" } else { "cli" };
            conf.update(|s| s.debug = Some(Arc::new(Stderr(name))));
        }
        conf.update(|s| {
            s.renegotiation = true;
            s.renegotiation_resumption = resumption;
        });
    }

    /// Client renegotiates (abbreviated or full) while the server reads.
    fn client_renegotiates(client: &mut Context, server: &mut Context, abbreviated: bool) {
        let mut c = Err(Error::SslWantRead);
        let mut buf = [0u8; 64];
        for _ in 0..50 {
            c = client.renegotiate(abbreviated);
            match server.read(&mut buf) {
                Err(Error::SslWantRead) => {}
                other => panic!("server read: {other:?}"),
            }
            if c != Err(Error::SslWantRead) {
                break;
            }
        }
        assert_eq!(c, Ok(()));
    }

    fn exchange(client: &mut Context, server: &mut Context) {
        let mut buf = [0u8; 64];
        assert_eq!(client.write(b"ping").unwrap(), 4);
        assert_eq!(server.read(&mut buf).unwrap(), 4);
        assert_eq!(&buf[..4], b"ping");
        assert_eq!(server.write(b"pong").unwrap(), 4);
        assert_eq!(client.read(&mut buf).unwrap(), 4);
        assert_eq!(&buf[..4], b"pong");
    }

    #[test]
    fn abbreviated_and_full_renegotiations_in_memory() {
        let (server_conf, client_conf) = configs(false);
        let (mut client, mut server) = pair_on(server_conf, client_conf, "localhost");
        let (c, s) = handshake(&mut client, &mut server);
        assert_eq!((c, s), (Ok(()), Ok(())));
        exchange(&mut client, &mut server);
        for round in 0..25 {
            client_renegotiates(&mut client, &mut server, true);
            assert!(client.resumed(), "round {round}: abbreviated not resumed");
            exchange(&mut client, &mut server);
            assert!(server.resumed());
            client_renegotiates(&mut client, &mut server, false);
            assert!(!client.resumed(), "round {round}: full reported resumed");
            exchange(&mut client, &mut server);
            assert!(!server.resumed());
        }
        assert_eq!(client.renegotiations(), (25, 25));
        assert_eq!(server.renegotiations(), (25, 25));
    }

    fn connected(server_conf: Config, client_conf: Config) -> (Context, Context) {
        let (mut client, mut server) = pair_on(server_conf, client_conf, "localhost");
        let (c, s) = handshake(&mut client, &mut server);
        assert_eq!((c, s), (Ok(()), Ok(())));
        (client, server)
    }

    /// Reads on both sides until `done` holds (each read may return WANT_READ).
    fn read_both_until(client: &mut Context, server: &mut Context, done: impl Fn(&Context, &Context) -> bool) {
        let mut buf = [0u8; 64];
        for _ in 0..20 {
            if done(client, server) {
                return;
            }
            for side in [&mut *client, &mut *server] {
                match side.read(&mut buf) {
                    Ok(_) | Err(Error::SslWantRead) => {}
                    Err(e) => panic!("read: {e:?}"),
                }
            }
        }
        panic!("condition not reached");
    }

    #[test]
    fn a_client_answers_the_servers_hello_request() {
        // Without resumption on the client (Mbed TLS's way) the answer is a full handshake;
        // with it, the client offers its session and the server resumes it.
        for offer in [false, true] {
            let (server_conf, client_conf) = configs(offer);
            let (mut client, mut server) = connected(server_conf, client_conf);
            for n in 1..=3 {
                assert_eq!(server.renegotiate(false), Ok(()), "HelloRequest sent");
                let expected = if offer { (0, n) } else { (n, 0) };
                read_both_until(&mut client, &mut server, |c, s| {
                    c.renegotiations() == expected && s.renegotiations() == expected
                });
                exchange(&mut client, &mut server);
            }
        }
    }

    #[test]
    fn an_unanswered_hello_request_ends_the_connection_after_the_grace() {
        for (grace, records_ok) in [(0, 0), (2, 2)] {
            let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
            enable(&server_conf, true);
            server_conf.update(|s| s.renegotiation_enforced = grace);
            // The client does not renegotiate: rustls answers the HelloRequest with a warning.
            let (mut client, mut server) = connected(server_conf, client_config(AuthMode::Required));
            server.renegotiate(false).unwrap();
            let mut buf = [0u8; 64];
            assert_eq!(client.read(&mut buf), Err(Error::SslWantRead));
            for _ in 0..records_ok {
                client.write(b"data").unwrap();
                assert_eq!(server.read(&mut buf), Ok(4));
            }
            client.write(b"data").unwrap();
            assert_eq!(server.read(&mut buf), Err(Error::SslUnexpectedMessage), "grace {grace}");
        }
    }

    #[test]
    fn a_server_without_renegotiation_refuses_and_the_connection_goes_on() {
        let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
        let client_conf = client_config(AuthMode::Required);
        enable(&client_conf, false);
        let (mut client, mut server) = connected(server_conf, client_conf);
        let mut buf = [0u8; 64];
        assert_eq!(client.renegotiate(true), Err(Error::SslWantRead));
        assert_eq!(server.read(&mut buf), Err(Error::SslWantRead), "the server refuses and reads on");
        assert_eq!(client.renegotiate(true), Err(Error::SslWaitingServerHelloRenego));
        exchange(&mut client, &mut server);
        assert_eq!(client.renegotiations(), (0, 0));
    }

    #[test]
    fn the_record_counter_triggers_renegotiation_only_when_enabled() {
        for enabled in [true, false] {
            let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
            server_conf.update(|s| {
                s.renegotiation = enabled;
                s.renegotiation_period = 3;
            });
            let client_conf = client_config(AuthMode::Required);
            enable(&client_conf, false);
            let (mut client, mut server) = connected(server_conf, client_conf);
            for _ in 0..8 {
                exchange(&mut client, &mut server);
                let mut buf = [0u8; 8];
                let _ = client.read(&mut buf);
            }
            let (full, _) = client.renegotiations();
            assert_eq!(full > 0, enabled, "enabled {enabled}: {full} renegotiations");
        }
    }

    #[test]
    fn renewal_by_time_offers_the_current_session() {
        let (server_conf, client_conf) = configs(false);
        client_conf.update(|s| s.renegotiation_interval = (1, true));
        let (mut client, mut server) = connected(server_conf, client_conf);
        exchange(&mut client, &mut server);
        assert_eq!(client.renegotiations(), (0, 0));
        std::thread::sleep(std::time::Duration::from_millis(1100));
        // The client's next write starts the renewal (WANT_READ: the server has to answer).
        assert_eq!(client.write(b"x"), Err(Error::SslWantRead));
        read_both_until(&mut client, &mut server, |c, _| c.renegotiations() == (0, 1));
        assert!(client.resumed() && server.resumed());
        exchange(&mut client, &mut server);
    }

    #[test]
    fn a_server_renews_by_time_with_a_hello_request() {
        let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
        enable(&server_conf, true);
        server_conf.update(|s| s.renegotiation_interval = (1, true));
        let client_conf = client_config(AuthMode::Required);
        enable(&client_conf, false);
        let (mut client, mut server) = connected(server_conf, client_conf);
        exchange(&mut client, &mut server);
        std::thread::sleep(std::time::Duration::from_millis(1100));
        // The server's next read sends the HelloRequest; our client answers with a full one.
        read_both_until(&mut client, &mut server, |c, s| c.renegotiations() == (1, 0) && s.renegotiations() == (1, 0));
        exchange(&mut client, &mut server);
    }

    #[test]
    fn legacy_break_handshake_with_a_secure_peer_connects() {
        let server_conf = with_cache(TLS1_2, TLS1_3, true, false);
        server_conf.update(|s| s.legacy_renegotiation = LEGACY_BREAK_HANDSHAKE);
        let client_conf = client_config(AuthMode::Required);
        client_conf.update(|s| s.legacy_renegotiation = LEGACY_BREAK_HANDSHAKE);
        for max in [TLS1_2, TLS1_3] {
            client_conf.update(|s| s.max_version = max);
            let (mut client, mut server) = connected(server_conf.clone(), client_conf.clone());
            exchange(&mut client, &mut server);
        }
    }
}
