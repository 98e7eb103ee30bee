//! One TLS connection (`mbedtls_ssl_context`): drives a rustls connection through the
//! application's transport with Mbed TLS's calling conventions.
//!
//! * Records are read one at a time and never past the end of the current record, as Mbed TLS
//!   does, so no byte that follows the TLS stream on the socket is consumed ([`transport`]).
//! * `WANT_READ` / `WANT_WRITE` / `TIMEOUT` from the transport leave every piece of state in
//!   place: calling the same function again continues where it stopped.
//! * Output is queued and sent through the transport; a partially sent flight stays queued.

use std::io::{Read, Write};
use std::sync::Arc;

use rustls::client::ClientConnection;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::{Accepted, NeedsInput, ServerConnection, ServerHandshake};
use rustls::{Connection, HandshakeKind, TlsInputBuffer};

mod tls_config;
mod transport;

use transport::RecordInput;
pub use transport::Transport;

use crate::client_sessions::{ClientSessionState, SessionFacts, name_of};
use crate::codec::{MAX_FRAGMENT, MAX_RECORD_BODY};
use crate::config::{AuthMode, Config, DebugSink, Endpoint, OwnCert, Snapshot, TLS1_2};
use crate::debug;
use crate::error::{Error, Result};
use crate::renegotiation::{self, HandshakeCapture, LEGACY_BREAK_HANDSHAKE, Policy};
use crate::server_sessions::ServerSessions;
use crate::session::Session;
use crate::verify::{self, VerifyRecord, badcert};

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

    // --- client sessions (the bookkeeping lives in `client_sessions`)

    /// `mbedtls_ssl_set_session`: offer `session` in the next handshake.
    ///
    /// Mbed TLS 3.6 rules: client only, after setup/reset and before the handshake
    /// (`BAD_INPUT_DATA` otherwise); a second call before the handshake is
    /// `FEATURE_UNAVAILABLE` and changes nothing.
    pub fn set_session(&mut self, session: &Session) -> Result<()> {
        if self.endpoint != Endpoint::Client || !matches!(self.engine, Engine::Idle) || self.info.is_some() {
            return Err(Error::SslBadInputData);
        }
        let snapshot = self.config.snapshot()?;
        self.sessions.offer(session, &snapshot.provider)
    }

    /// `mbedtls_ssl_get_session`: a copy of this connection's session (for TLS 1.3, the last
    /// ticket received, once signalled). Each session is handed out once (3.6 rule):
    /// `FEATURE_UNAVAILABLE` afterwards; `BAD_INPUT_DATA` on a server or before a handshake.
    pub fn export_session(&mut self) -> Result<Session> {
        if self.endpoint != Endpoint::Client {
            return Err(Error::SslBadInputData);
        }
        self.sessions.export()
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
                self.sessions.pending_event()?;
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
                self.sessions.forget_latest();
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
        self.sessions.forget_latest();
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
            let facts = Self::session_facts(self.info.as_ref(), self.verify_result, &self.hostname);
            let session = self.sessions.session(&facts, version, value);
            self.sessions.set_latest(session);
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
mod renegotiation_tests;
#[cfg(test)]
pub(crate) mod tests;
