//! Client sessions of one connection, between rustls and the application.
//!
//! rustls asks a `ClientSessionStore` for a session to offer and hands it the sessions and
//! TLS 1.3 tickets it receives. Here the store ([`ConnectionSessions`]) offers only the session
//! the application gave with `mbedtls_ssl_set_session`, and only to the host name that session
//! belongs to (a session is never offered across host names); it keeps what the server sends.
//! [`ClientSessionState`] is the connection's bookkeeping around it: which session
//! `mbedtls_ssl_get_session` hands out (once each, as Mbed TLS 3.6), and the TLS 1.3 tickets
//! still to be signalled (`RECEIVED_NEW_SESSION_TICKET`) or given to the new-ticket callback.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use rustls::client::{ClientSessionKey, ClientSessionStore, Tls12Session, Tls13Session};
use rustls::crypto::CryptoProvider;
use rustls::crypto::kx::NamedGroup;

use crate::config::{Endpoint, TLS1_2, TLS1_3};
use crate::error::{Error, Result};
use crate::session::{self, ClientValueInfo, Session};

#[derive(Default)]
struct Received {
    tls12: Option<Vec<u8>>,
    tls13: Vec<Vec<u8>>,
}

/// One connection's view of client sessions.
#[derive(Debug)]
pub struct ConnectionSessions {
    offer: Mutex<Option<Session>>,
    received: Mutex<Received>,
    kx_hint: Mutex<Option<NamedGroup>>,
    provider: Arc<CryptoProvider>,
    tls12_enabled: bool,
    /// Whether TLS 1.3 tickets are offered (`MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL`).
    tls13_enabled: bool,
}

impl core::fmt::Debug for Received {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Received").field("tickets", &self.tls13.len()).finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The name as the session records it: the DNS name or IP address text, "" for the
/// placeholder used when the application set no host name.
pub fn name_of(name: &rustls::pki_types::ServerName<'_>) -> String {
    match name {
        rustls::pki_types::ServerName::DnsName(d) => d.as_ref().to_string(),
        rustls::pki_types::ServerName::IpAddress(ip) => {
            let ip = std::net::IpAddr::from(*ip);
            if ip.is_unspecified() { String::new() } else { ip.to_string() }
        }
        _ => String::new(),
    }
}

impl ConnectionSessions {
    pub fn new(
        offer: Option<Session>,
        provider: Arc<CryptoProvider>,
        tls12_enabled: bool,
        tls13_enabled: bool,
    ) -> Self {
        Self {
            offer: Mutex::new(offer),
            received: Mutex::default(),
            kx_hint: Mutex::new(None),
            provider,
            tls12_enabled,
            tls13_enabled,
        }
    }

    /// The offered session, when it belongs to `key`'s server.
    fn offer_for(&self, key: &ClientSessionKey<'_>, version: u16) -> Option<Vec<u8>> {
        let offer = lock(&self.offer);
        let session = offer.as_ref()?;
        if session.version != version || session.value.is_empty() {
            return None;
        }
        if session.server_name != name_of(&key.server_name) {
            log::debug!("not offering the session of {:?} to {:?}", session.server_name, name_of(&key.server_name));
            return None;
        }
        Some(session.value.clone())
    }

    /// The last TLS 1.2 session value rustls stored (after a full or resumed handshake).
    pub fn received_tls12(&self) -> Option<Vec<u8>> {
        lock(&self.received).tls12.clone()
    }

    /// TLS 1.3 tickets received so far, in order.
    pub fn tls13_count(&self) -> usize {
        lock(&self.received).tls13.len()
    }

    pub fn tls13_ticket(&self, index: usize) -> Option<Vec<u8>> {
        lock(&self.received).tls13.get(index).cloned()
    }
}

impl ClientSessionStore for ConnectionSessions {
    fn set_kx_hint(&self, _key: ClientSessionKey<'static>, group: NamedGroup) {
        *lock(&self.kx_hint) = Some(group);
    }

    fn kx_hint(&self, _key: &ClientSessionKey<'_>) -> Option<NamedGroup> {
        *lock(&self.kx_hint)
    }

    fn set_tls12_session(&self, _key: ClientSessionKey<'static>, value: Tls12Session) {
        let mut bytes = Vec::new();
        value.encode(&mut bytes);
        lock(&self.received).tls12 = Some(bytes);
    }

    fn tls12_session(&self, key: &ClientSessionKey<'_>) -> Option<Tls12Session> {
        if !self.tls12_enabled {
            return None;
        }
        let bytes = self.offer_for(key, TLS1_2)?;
        Tls12Session::from_slice(&bytes, &self.provider)
            .map_err(|e| log::debug!("saved TLS 1.2 session not usable here: {e}"))
            .ok()
    }

    fn remove_tls12_session(&self, _key: &ClientSessionKey<'static>) {
        lock(&self.received).tls12 = None;
    }

    fn insert_tls13_ticket(&self, _key: ClientSessionKey<'static>, value: Tls13Session) {
        let mut bytes = Vec::new();
        value.encode(&mut bytes);
        log::debug!("received a TLS 1.3 session ticket");
        lock(&self.received).tls13.push(bytes);
    }

    fn take_tls13_ticket(&self, key: &ClientSessionKey<'static>) -> Option<Tls13Session> {
        if !self.tls13_enabled {
            return None;
        }
        let bytes = self.offer_for(key, TLS1_3)?;
        // A ticket is single-use: rustls takes it once per connection.
        Tls13Session::from_slice(&bytes, &self.provider)
            .map_err(|e| log::debug!("saved TLS 1.3 ticket not usable here: {e}"))
            .ok()
    }
}

/// What the connection tells about the sessions it makes.
pub(crate) struct SessionFacts {
    /// The negotiated suite, once the handshake is over.
    pub(crate) suite: Option<u16>,
    pub(crate) resumed: bool,
    pub(crate) peer_cert: Option<Vec<u8>>,
    pub(crate) verify_result: u32,
    pub(crate) server_name: String,
}

/// Client sessions of one connection: what the application offered, what the server sent.
#[derive(Default)]
pub(crate) struct ClientSessionState {
    /// `mbedtls_ssl_set_session`: offered in the next handshake.
    pub(crate) offer: Option<Session>,
    /// The rustls store of the running handshake.
    pub(crate) store: Option<Arc<ConnectionSessions>>,
    /// What `mbedtls_ssl_get_session` hands out, and whether it already did (3.6: once each).
    latest: Option<Session>,
    latest_exported: bool,
    /// TLS 1.3 tickets taken from the store so far.
    tickets_seen: usize,
    /// Tickets still to be signalled with `RECEIVED_NEW_SESSION_TICKET`.
    to_signal: VecDeque<Session>,
    /// Tickets still to be given to the application's new-ticket callback.
    to_callback: VecDeque<Session>,
    /// `mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets`.
    pub(crate) signal: bool,
    /// A new-ticket callback is configured.
    pub(crate) callback: bool,
}

impl ClientSessionState {
    /// `mbedtls_ssl_set_session` (the connection has checked the endpoint and the state): a
    /// client session, once per handshake (`FEATURE_UNAVAILABLE` for a second one); a TLS 1.3
    /// session only when the provider has its suite.
    pub(crate) fn offer(&mut self, session: &Session, provider: &CryptoProvider) -> Result<()> {
        if session.endpoint != Endpoint::Client || session.is_empty() {
            return Err(Error::SslBadInputData);
        }
        if self.offer.is_some() {
            return Err(Error::SslFeatureUnavailable);
        }
        let known = match session.version {
            TLS1_2 => provider.tls12_cipher_suites.iter().any(|s| s.common.suite.0 == session.suite),
            _ => provider.tls13_cipher_suites.iter().any(|s| s.common.suite.0 == session.suite),
        };
        if !known && session.version == TLS1_3 {
            return Err(Error::SslBadInputData);
        }
        self.offer = Some(session.clone());
        Ok(())
    }

    /// `mbedtls_ssl_get_session`: the latest session, once.
    pub(crate) fn export(&mut self, once: bool) -> Result<Session> {
        let Some(latest) = &self.latest else {
            return Err(Error::SslBadInputData);
        };
        if once && self.latest_exported {
            return Err(Error::SslFeatureUnavailable);
        }
        self.latest_exported = true;
        Ok(latest.clone())
    }

    /// A new session to hand out (the end of a handshake, or a TLS 1.3 ticket).
    pub(crate) fn set_latest(&mut self, session: Session) {
        self.latest = Some(session);
        self.latest_exported = false;
    }

    /// The connection ended with a fatal alert: its session is not handed out (RFC 5246 7.2.2).
    pub(crate) fn forget_latest(&mut self) {
        self.latest = None;
    }

    /// The next ticket for the application's new-ticket callback, if one is due.
    pub(crate) fn take_callback_ticket(&mut self) -> Option<Session> {
        self.to_callback.pop_front()
    }

    /// A client session from the connection's facts and a rustls value.
    pub(crate) fn session(&self, facts: &SessionFacts, version: u16, value: Vec<u8>) -> Session {
        let parsed = ClientValueInfo::parse(version, &value).unwrap_or_default();
        let offered = self.offer.as_ref().filter(|_| facts.resumed);
        Session {
            endpoint: Endpoint::Client,
            version,
            suite: facts.suite.unwrap_or(parsed.suite),
            start: offered.map_or_else(session::now_secs, |o| o.start),
            verify_result: facts.verify_result,
            id: parsed.id,
            server_name: facts.server_name.clone(),
            peer_cert: facts.peer_cert.clone().or_else(|| offered.map(|o| o.peer_cert.clone())).unwrap_or_default(),
            ticket_lifetime: u32::try_from(parsed.lifetime).unwrap_or(u32::MAX),
            ticket_time_ms: if parsed.ticket_len > 0 { parsed.epoch.saturating_mul(1000) } else { 0 },
            value,
        }
    }

    /// Takes the TLS 1.3 tickets rustls received since the last look.
    pub(crate) fn collect_tickets(&mut self, facts: &SessionFacts) {
        let Some(store) = self.store.clone() else { return };
        while self.tickets_seen < store.tls13_count() {
            let Some(value) = store.tls13_ticket(self.tickets_seen) else { break };
            self.tickets_seen += 1;
            let session = self.session(facts, TLS1_3, value);
            if self.callback {
                self.to_callback.push_back(session.clone());
            }
            if self.signal {
                self.to_signal.push_back(session);
            } else {
                // Not signalled (3.6.1+ default): still kept, so get_session can resume.
                self.set_latest(session);
            }
        }
    }

    /// Delivers one pending ticket signal or callback, if any (`RECEIVED_NEW_SESSION_TICKET`).
    pub(crate) fn pending_event(&mut self) -> Result<()> {
        if !self.to_callback.is_empty() {
            return Err(Error::CallbackPending);
        }
        if let Some(session) = self.to_signal.pop_front() {
            self.set_latest(session);
            return Err(Error::SslReceivedNewSessionTicket);
        }
        Ok(())
    }
}
