//! The server side's session resumption: rustls's `StoresServerSessions` and `TicketProducer`
//! backed by whatever the configuration holds (the built-in cache and ticket keys, or the
//! application's callbacks), plus the resumption rules of RFC 5246 §7.2.2.
//!
//! rustls already refuses to resume a session for another SNI host name or cipher suite (the
//! value it stores records both). What it does not do is forget sessions whose connection ended
//! with a fatal alert. Each connection here records the sessions it issued or resumed; when it
//! fails with a fatal alert (sent or received), those sessions are removed from the built-in
//! cache and their values are added to the configuration's set of invalidated sessions, which
//! every later lookup (cache, application callbacks, tickets) consults. Tickets cannot be
//! recalled from clients, so this is the only way to refuse them.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::crypto::TicketProducer;
use rustls::server::{ServerSessionKey, StoresServerSessions};

use crate::codec::Reader;
use crate::config::Endpoint;
use crate::error::{Error, Result};
use crate::session::{self, Session};
use crate::verify::VerifyRecord;

/// A session store the server can use by session ID: the built-in cache or the application's
/// `f_get_cache` / `f_set_cache`.
pub trait SessionStore: Send + Sync {
    fn get(&self, id: &[u8]) -> Option<Session>;
    fn set(&self, id: &[u8], session: &Session) -> bool;
    /// Only the built-in cache can remove; application callbacks have no remove in Mbed TLS.
    fn remove(&self, _id: &[u8]) {}
}

/// Ticket protection: the built-in ticket keys or the application's write/parse callbacks.
pub trait TicketCodec: Send + Sync {
    /// A ticket for `session`, and its lifetime in seconds.
    fn write(&self, session: &Session) -> Option<(Vec<u8>, u32)>;
    fn parse(&self, ticket: &[u8]) -> Option<Session>;
}

impl SessionStore for crate::cache::SessionCache {
    fn get(&self, id: &[u8]) -> Option<Session> {
        crate::cache::SessionCache::get(self, id).ok()
    }
    fn set(&self, id: &[u8], session: &Session) -> bool {
        crate::cache::SessionCache::set(self, id, session).is_ok()
    }
    fn remove(&self, id: &[u8]) {
        crate::cache::SessionCache::remove(self, id)
    }
}

impl TicketCodec for crate::ticket::TicketKeys {
    fn write(&self, session: &Session) -> Option<(Vec<u8>, u32)> {
        crate::ticket::TicketKeys::write(self, session).map_err(|e| log::debug!("ticket write failed: {e:?}")).ok()
    }
    fn parse(&self, ticket: &[u8]) -> Option<Session> {
        crate::ticket::TicketKeys::parse(self, ticket).map_err(|e| log::debug!("ticket refused: {e:?}")).ok()
    }
}

/// Sessions refused because their connection ended with a fatal alert, by a hash of the
/// rustls session value (which holds the master secret, so it names one session exactly).
/// Bounded: the oldest entries are forgotten past the limit.
#[derive(Debug, Default)]
pub struct Invalidated {
    inner: Mutex<InvalidatedSet>,
}

/// The hashes, and their insertion order for forgetting the oldest.
#[derive(Debug, Default)]
struct InvalidatedSet {
    hashes: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

const INVALIDATED_LIMIT: usize = 100_000;

fn value_hash(value: &[u8]) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, value);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

impl Invalidated {
    fn add(&self, hash: [u8; 32]) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.hashes.insert(hash) {
            inner.order.push_back(hash);
            if inner.order.len() > INVALIDATED_LIMIT {
                if let Some(old) = inner.order.pop_front() {
                    inner.hashes.remove(&old);
                }
            }
        }
    }

    fn contains(&self, value: &[u8]) -> bool {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        !inner.hashes.is_empty() && inner.hashes.contains(&value_hash(value))
    }
}

/// The facts of a rustls server session value this library reports
/// (`ServerSessionValue` encoding of rustls 0.24.0-dev.1).
struct ServerValueInfo {
    version: u16,
    creation: u64,
    sni: String,
    suite: u16,
    peer_cert: Vec<u8>,
}

/// What a TLS 1.2 server session value holds (rustls's `Tls12ServerSessionValue`), for a
/// session this library makes itself: the new session of a full renegotiation.
pub struct Tls12ServerValue<'a> {
    pub creation: u64,
    pub suite: u16,
    /// The client's certificate chain, end entity first (empty when none).
    pub peer_chain: &'a [rustls::pki_types::CertificateDer<'static>],
    pub alpn: Option<&'a [u8]>,
    pub master: &'a [u8; 48],
    pub ems: bool,
}

impl Tls12ServerValue<'_> {
    /// rustls 0.24.0-dev.1's encoding (`ServerSessionValue::Tls12`): version, creation time,
    /// server name (`sni`, "" for none), suite, peer identity, ALPN, application data (empty),
    /// master secret, EMS.
    fn encode(&self, sni: &str) -> Result<Vec<u8>> {
        use crate::codec::{put_vec8, put_vec16, put_vec24};
        let mut out = Vec::with_capacity(128);
        out.extend_from_slice(&0x0303u16.to_be_bytes());
        out.extend_from_slice(&self.creation.to_be_bytes());
        if sni.is_empty() {
            out.push(0);
        } else {
            out.push(1);
            put_vec8(&mut out, sni.as_bytes())?;
        }
        out.extend_from_slice(&self.suite.to_be_bytes());
        match self.peer_chain.split_first() {
            None => out.push(0),
            Some((end_entity, intermediates)) => {
                out.extend_from_slice(&[1, 0]); // an identity, of the X.509 kind
                put_vec24(&mut out, end_entity)?;
                let mut list = Vec::new();
                for cert in intermediates {
                    put_vec24(&mut list, cert)?;
                }
                put_vec24(&mut out, &list)?;
            }
        }
        match self.alpn {
            None => out.push(0),
            Some(protocol) => {
                out.push(1);
                put_vec8(&mut out, protocol)?;
            }
        }
        put_vec16(&mut out, &[])?;
        out.extend_from_slice(self.master);
        out.push(u8::from(self.ems));
        Ok(out)
    }
}

fn parse_server_value(value: &[u8]) -> Option<ServerValueInfo> {
    let mut r = Reader::new(value, Error::SslDecodeError);
    let mut fields = || -> Result<ServerValueInfo> {
        let version = r.u16()?;
        let creation = r.u64()?;
        let sni = match r.u8()? {
            1 => String::from_utf8(r.vec8()?.to_vec()).map_err(|_| Error::SslDecodeError)?,
            _ => String::new(),
        };
        let suite = r.u16()?;
        let peer_cert = match r.u8()? {
            1 if r.u8()? == 0 => r.vec24()?.to_vec(),
            _ => Vec::new(),
        };
        Ok(ServerValueInfo { version, creation, sni, suite, peer_cert })
    };
    fields().ok()
}

#[derive(Default)]
struct Used {
    /// (session ID if any, value hash) of every session issued or resumed on this connection.
    sessions: Vec<(Option<Vec<u8>>, [u8; 32])>,
    /// The session resumed on this connection (its saved verify result is reported).
    resumed: Option<Session>,
    ticket_lifetime: u32,
    /// Sessions rustls asked to store (`put`), stored only when the handshake completes, as
    /// Mbed TLS stores a session at the end of its handshake: rustls asks before the server's
    /// last flight (TLS 1.2 CCS/Finished, TLS 1.3 tickets) is sent, and a handshake that fails
    /// to send it must leave the cache as it was.
    pending: Vec<(Vec<u8>, Session)>,
    /// The client's server name, from the session issued or resumed (for the sessions of full
    /// renegotiations, bound to the same name).
    server_name: String,
    /// (ID, value hash) of the session of the connection's last full renegotiation: only the
    /// latest is kept (a connection renegotiating for days must not grow), and it goes with the
    /// others after a fatal alert.
    renegotiated: Option<(Vec<u8>, [u8; 32])>,
}

/// One server connection's resumption state, handed to rustls as both its session store and
/// its ticket producer.
pub struct ServerSessions {
    store: Option<Arc<dyn SessionStore>>,
    tickets: Option<Arc<dyn TicketCodec>>,
    invalidated: Arc<Invalidated>,
    verify: VerifyRecord,
    used: Mutex<Used>,
}

impl core::fmt::Debug for ServerSessions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ServerSessions").finish_non_exhaustive()
    }
}

impl ServerSessions {
    pub fn new(
        store: Option<Arc<dyn SessionStore>>,
        tickets: Option<Arc<dyn TicketCodec>>,
        invalidated: Arc<Invalidated>,
        verify: VerifyRecord,
    ) -> Self {
        Self { store, tickets, invalidated, verify, used: Mutex::default() }
    }

    fn used(&self) -> std::sync::MutexGuard<'_, Used> {
        self.used.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The server `Session` for a rustls value about to be stored or sealed.
    fn session_for(&self, id: &[u8], value: Vec<u8>) -> Session {
        let info = parse_server_value(&value);
        Session {
            endpoint: Endpoint::Server,
            version: info.as_ref().map_or(0, |i| i.version),
            suite: info.as_ref().map_or(0, |i| i.suite),
            start: info.as_ref().map_or_else(session::now_secs, |i| i.creation),
            verify_result: self.verify.flags().unwrap_or(crate::verify::badcert::SKIP_VERIFY),
            id: id.to_vec(),
            server_name: info.as_ref().map(|i| i.sni.clone()).unwrap_or_default(),
            peer_cert: info.map(|i| i.peer_cert).unwrap_or_default(),
            value,
            ticket_lifetime: 0,
            ticket_time_ms: session::now_ms(),
        }
    }

    /// Accepts a session found by a lookup unless it was invalidated; records it as resumed.
    fn accept(&self, id: Option<&[u8]>, session: Session) -> Option<Vec<u8>> {
        if session.endpoint != Endpoint::Server || session.value.is_empty() {
            return None;
        }
        if self.invalidated.contains(&session.value) {
            log::debug!("refusing a session whose connection ended with a fatal alert");
            return None;
        }
        let value = session.value.clone();
        let mut used = self.used();
        used.sessions.push((id.map(<[u8]>::to_vec), value_hash(&value)));
        used.server_name.clone_from(&session.server_name);
        used.resumed = Some(session);
        Some(value)
    }

    fn lookup(&self, id: &[u8]) -> Option<Vec<u8>> {
        let session = self.store.as_ref()?.get(id)?;
        self.accept(Some(id), session)
    }

    /// The session that was looked up for this connection (the resumed one, if rustls resumed).
    pub fn resumed_session(&self) -> Option<Session> {
        self.used().resumed.clone()
    }

    /// The handshake completed (its last flight sent): the sessions it issued go into the store.
    pub fn commit(&self) {
        let Some(store) = &self.store else { return };
        let pending = std::mem::take(&mut self.used().pending);
        for (id, session) in pending {
            if !store.set(&id, &session) {
                log::debug!("cache did not store session");
            }
        }
    }

    /// A full renegotiation made a new session: it goes into the store at once (the
    /// renegotiation is over), as Mbed TLS stores it through `f_set_cache`, bound to the
    /// connection's server name, and is forgotten with the others after a fatal alert.
    pub fn store_renegotiated(&self, id: &[u8], value: &Tls12ServerValue<'_>, verify_result: u32) {
        let Some(store) = &self.store else { return };
        let server_name = self.used().server_name.clone();
        let value = match value.encode(&server_name) {
            Ok(value) => value,
            Err(e) => {
                log::debug!("renegotiated session not stored: {e:?}");
                return;
            }
        };
        let hash = value_hash(&value);
        let mut session = self.session_for(id, value);
        session.verify_result = verify_result;
        if !store.set(id, &session) {
            log::debug!("cache did not store the renegotiated session");
        }
        self.used().renegotiated = Some((id.to_vec(), hash));
    }

    /// The connection ended with a fatal alert: its sessions must never be resumed.
    pub fn invalidate(&self) {
        let used = std::mem::take(&mut *self.used());
        let renegotiated = used.renegotiated.map(|(id, hash)| (Some(id), hash));
        for (id, hash) in used.sessions.into_iter().chain(renegotiated) {
            if let (Some(id), Some(store)) = (id, &self.store) {
                store.remove(&id);
            }
            self.invalidated.add(hash);
        }
    }

    pub fn has_store(&self) -> bool {
        self.store.is_some()
    }

    pub fn has_tickets(&self) -> bool {
        self.tickets.is_some()
    }
}

impl StoresServerSessions for ServerSessions {
    fn put(&self, key: ServerSessionKey<'_>, value: Vec<u8>) -> bool {
        if self.store.is_none() {
            return false;
        }
        let hash = value_hash(&value);
        let session = self.session_for(key.as_ref(), value);
        let mut used = self.used();
        used.server_name.clone_from(&session.server_name);
        used.pending.push((key.as_ref().to_vec(), session));
        used.sessions.push((Some(key.as_ref().to_vec()), hash));
        true
    }

    fn get(&self, key: ServerSessionKey<'_>) -> Option<Vec<u8>> {
        self.lookup(key.as_ref())
    }

    fn take(&self, key: ServerSessionKey<'_>) -> Option<Vec<u8>> {
        // TLS 1.3 stateful tickets are single-use: remove where the store can.
        let value = self.lookup(key.as_ref())?;
        if let Some(store) = &self.store {
            store.remove(key.as_ref());
        }
        Some(value)
    }

    fn can_cache(&self) -> bool {
        self.store.is_some()
    }
}

impl TicketProducer for ServerSessions {
    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        let tickets = self.tickets.as_ref()?;
        let session = self.session_for(&[], plain.to_vec());
        let (ticket, lifetime) = tickets.write(&session)?;
        let mut used = self.used();
        used.ticket_lifetime = lifetime;
        used.sessions.push((None, value_hash(plain)));
        Some(ticket)
    }

    fn decrypt(&self, cipher: &[u8]) -> Option<Vec<u8>> {
        let session = self.tickets.as_ref()?.parse(cipher)?;
        self.accept(None, session)
    }

    fn lifetime(&self) -> Duration {
        Duration::from_secs(u64::from(self.used().ticket_lifetime))
    }
}

#[cfg(test)]
mod tests {
    use rustls::pki_types::CertificateDer;

    use super::*;

    #[test]
    fn a_renegotiated_session_value_reads_back_with_its_facts() {
        let chain = [CertificateDer::from(vec![0x30, 3, 1, 2, 3]), CertificateDer::from(vec![0x30, 1, 9])];
        let master = [7u8; 48];
        let value = Tls12ServerValue {
            creation: 1_700_000_000,
            suite: 0xC02B,
            peer_chain: &chain,
            alpn: Some(b"iec61850"),
            master: &master,
            ems: true,
        };
        let bytes = value.encode("scada.example").unwrap();
        let info = parse_server_value(&bytes).unwrap();
        assert_eq!((info.version, info.creation, info.suite), (0x0303, 1_700_000_000, 0xC02B));
        assert_eq!((info.sni.as_str(), info.peer_cert.as_slice()), ("scada.example", &chain[0][..]));
        // Then ALPN, the (empty) application data, the master secret and the EMS flag close it.
        assert!(bytes.ends_with(&[&[8][..], b"iec61850", &[0, 0], &master, &[1]].concat()));
        let bare = Tls12ServerValue { peer_chain: &[], alpn: None, ems: false, ..value };
        let info = parse_server_value(&bare.encode("").unwrap()).unwrap();
        assert_eq!((info.sni.as_str(), info.peer_cert.len()), ("", 0));
    }
}
