//! The client side's session store: one per connection, between rustls and the application.
//!
//! rustls asks a `ClientSessionStore` for a session to offer and hands it the sessions and
//! TLS 1.3 tickets it receives. Here the store offers only the session the application gave
//! with `mbedtls_ssl_set_session`, and only to the host name that session belongs to (a session
//! is never offered across host names); it keeps what the server sends so that
//! `mbedtls_ssl_get_session` can hand it out.

use std::sync::{Arc, Mutex};

use rustls::client::{ClientSessionKey, ClientSessionStore, Tls12Session, Tls13Session};
use rustls::crypto::CryptoProvider;
use rustls::crypto::kx::NamedGroup;

use crate::config::{TLS1_2, TLS1_3};
use crate::session::Session;

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
    pub fn new(offer: Option<Session>, provider: Arc<CryptoProvider>, tls12_enabled: bool) -> Self {
        Self {
            offer: Mutex::new(offer),
            received: Mutex::default(),
            kx_hint: Mutex::new(None),
            provider,
            tls12_enabled,
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
        let bytes = self.offer_for(key, TLS1_3)?;
        // A ticket is single-use: rustls takes it once per connection.
        Tls13Session::from_slice(&bytes, &self.provider)
            .map_err(|e| log::debug!("saved TLS 1.3 ticket not usable here: {e}"))
            .ok()
    }
}
