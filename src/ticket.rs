//! Session tickets (`mbedtls_ssl_ticket_*`): two AEAD keys, automatic rotation, externally
//! provided keys for server fleets.
//!
//! Ticket layout (as Mbed TLS's): `key_name[4] | iv[12] | len u16 | ciphertext[len] | tag[16]`,
//! with the first 18 bytes as additional authenticated data. The plaintext is the session in
//! this library's saved format (`session::Session::save`), which records when the ticket was
//! issued; a ticket older than its key's lifetime is refused.
//!
//! Rotation: every `write`/`parse` checks the active key's age; once it is older than the
//! lifetime, the other slot gets a fresh random key and becomes active, so the previous key is
//! still accepted for one more lifetime. `rotate` installs a key given by the application
//! (servers sharing ticket keys) the same way. A lifetime of 0 turns automatic rotation off.
//!
//! A fleet in Redis (`with_fleet`): the keys of generation `g = now / lifetime` are
//! `key_name:g` in Redis (4-byte name and 32 key bytes, expiring after three lifetimes), made by
//! whichever server first needs them (`SET NX`: two servers racing make one key); a server
//! issues tickets with generation `g`'s key and accepts `g` and `g - 1`, as one server's
//! rotation does. While Redis is away the local keys take over (rotating locally), and the
//! fleet's keys come back at the next generation Redis answers for. Key bytes are never logged.

use std::sync::Mutex;

use crate::redis_store::RedisLink;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey};

use crate::error::{Error, Result};
use crate::session::{self, Session};

const NAME_LEN: usize = 4;
const IV_LEN: usize = 12;
const TAG_LEN: usize = 16;
const AAD_LEN: usize = NAME_LEN + IV_LEN + 2;
/// The smallest possible ticket (`MBEDTLS_ERR_SSL_BAD_INPUT_DATA` below, as in Mbed TLS).
pub const MIN_TICKET_LEN: usize = AAD_LEN + TAG_LEN;

/// The AEAD protecting tickets (`mbedtls_cipher_type_t` of `mbedtls_ssl_ticket_setup`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketAead {
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
}

impl TicketAead {
    fn algorithm(self) -> &'static aws_lc_rs::aead::Algorithm {
        match self {
            TicketAead::Aes128Gcm => &aws_lc_rs::aead::AES_128_GCM,
            TicketAead::Aes256Gcm => &aws_lc_rs::aead::AES_256_GCM,
            TicketAead::ChaCha20Poly1305 => &aws_lc_rs::aead::CHACHA20_POLY1305,
        }
    }

    pub fn key_len(self) -> usize {
        self.algorithm().key_len()
    }
}

struct TicketKey {
    name: [u8; NAME_LEN],
    key: LessSafeKey,
    /// When the key was made or installed (Unix seconds).
    generated: u64,
    /// Seconds the key issues tickets for, and the age limit of its tickets.
    lifetime: u32,
}

struct State {
    aead: TicketAead,
    lifetime: u32,
    keys: [Option<TicketKey>; 2],
    active: usize,
    /// The generation of the fleet's keys installed (None: local keys, rotating locally).
    fleet_generation: Option<u64>,
}

/// The fleet's key source: Redis, and the name its keys are kept under.
struct Fleet {
    link: RedisLink,
    key_name: String,
}

/// The length of a fleet key in Redis: a 4-byte name and 32 key bytes.
const FLEET_KEY_LEN: usize = NAME_LEN + 32;

/// The ticket keys of a server (or of a fleet sharing them through `rotate` or Redis).
pub struct TicketKeys {
    state: Mutex<State>,
    fleet: Option<Fleet>,
}

impl core::fmt::Debug for TicketKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TicketKeys").finish_non_exhaustive()
    }
}

fn new_key(aead: TicketAead, name: [u8; NAME_LEN], bytes: &[u8], lifetime: u32) -> Result<TicketKey> {
    let unbound = UnboundKey::new(aead.algorithm(), &bytes[..aead.key_len()]).map_err(|_| Error::SslInternalError)?;
    Ok(TicketKey { name, key: LessSafeKey::new(unbound), generated: session::now_secs(), lifetime })
}

/// A fleet key of period `generation` (`FLEET_KEY_LEN` bytes: name, key), dated from the
/// period's start, so that local rotation takes over at the period's end if Redis goes away.
fn fleet_key(aead: TicketAead, bytes: &[u8], generation: u64, lifetime: u32) -> Result<TicketKey> {
    let mut name = [0u8; NAME_LEN];
    name.copy_from_slice(&bytes[..NAME_LEN]);
    let mut key = new_key(aead, name, &bytes[NAME_LEN..], lifetime)?;
    key.generated = generation * u64::from(lifetime);
    Ok(key)
}

fn random_key(aead: TicketAead, lifetime: u32) -> Result<TicketKey> {
    let mut name = [0u8; NAME_LEN];
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut name).map_err(|_| Error::SslInternalError)?;
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::SslInternalError)?;
    new_key(aead, name, &bytes, lifetime)
}

impl TicketKeys {
    /// `mbedtls_ssl_ticket_setup`: two fresh random keys; the first is active.
    pub fn new(aead: TicketAead, lifetime: u32) -> Result<Self> {
        let keys = [Some(random_key(aead, lifetime)?), Some(random_key(aead, lifetime)?)];
        Ok(Self { state: Mutex::new(State { aead, lifetime, keys, active: 0, fleet_generation: None }), fleet: None })
    }

    /// `mbedtls_compat_ssl_ticket_setup_redis`: local keys as `new`, and the fleet's keys in
    /// Redis (`link`) under `key_name` once Redis answers.
    pub fn with_fleet(aead: TicketAead, lifetime: u32, link: RedisLink, key_name: &str) -> Result<Self> {
        if key_name.is_empty() {
            return Err(Error::SslBadInputData);
        }
        Ok(Self { fleet: Some(Fleet { link, key_name: key_name.to_string() }), ..Self::new(aead, lifetime)? })
    }

    /// The fleet's generation now (`now / lifetime`; a lifetime of 0 never rotates).
    fn generation(lifetime: u32) -> u64 {
        session::now_secs().checked_div(u64::from(lifetime)).unwrap_or(0)
    }

    /// Before each ticket: the fleet's keys of the current generation, fetched (or made) once
    /// per generation; while Redis does not answer, the local keys.
    fn sync_fleet(&self) {
        let Some(fleet) = &self.fleet else { return };
        let (aead, lifetime, installed) = {
            let state = self.lock();
            (state.aead, state.lifetime, state.fleet_generation)
        };
        let generation = Self::generation(lifetime);
        if installed == Some(generation) {
            return;
        }
        // The previous period's key (if any) in the first slot, the current one active.
        let keys = fleet.fetch(generation, lifetime).and_then(|(current, previous)| {
            let key = |bytes: &[u8], g: u64| fleet_key(aead, bytes, g, lifetime).ok();
            Some([previous.and_then(|p| key(&p, generation.saturating_sub(1))), Some(key(&current, generation)?)])
        });
        let Some(keys) = keys else {
            if installed.is_some() {
                log::warn!("ticket keys: Redis does not answer; local keys until it does");
                self.lock().fleet_generation = None;
            }
            return;
        };
        let mut state = self.lock();
        if installed.is_none() {
            log::info!("ticket keys: the fleet's keys from Redis");
        }
        state.keys = keys;
        state.active = 1;
        state.fleet_generation = Some(generation);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The lifetime announced with new tickets, in seconds.
    pub fn lifetime(&self) -> u32 {
        self.lock().lifetime
    }

    /// `mbedtls_ssl_ticket_rotate`: installs `key` under `name` in the inactive slot and makes
    /// it active. `CIPHER_BAD_INPUT_DATA` when the name is shorter than 4 bytes or the key
    /// shorter than the cipher's key.
    pub fn rotate(&self, name: &[u8], key: &[u8], lifetime: u32) -> Result<()> {
        let mut state = self.lock();
        if name.len() < NAME_LEN || key.len() < state.aead.key_len() {
            return Err(Error::CipherBadInputData);
        }
        let mut n = [0u8; NAME_LEN];
        n.copy_from_slice(&name[..NAME_LEN]);
        let slot = 1 - state.active;
        state.keys[slot] = Some(new_key(state.aead, n, key, lifetime)?);
        state.active = slot;
        state.lifetime = lifetime;
        Ok(())
    }

    /// Replaces the active key when it is older than its lifetime (the fleet's keys change by
    /// generation instead).
    fn maybe_rotate(state: &mut State) -> Result<()> {
        if state.fleet_generation.is_some() {
            return Ok(());
        }
        let now = session::now_secs();
        let Some(active) = &state.keys[state.active] else { return Ok(()) };
        if active.lifetime != 0 && now.saturating_sub(active.generated) > u64::from(active.lifetime) {
            log::debug!("ticket key expired: rotating");
            let slot = 1 - state.active;
            state.keys[slot] = Some(random_key(state.aead, state.lifetime)?);
            state.active = slot;
        }
        Ok(())
    }

    /// `mbedtls_ssl_ticket_write`: a ticket protecting `session`, and its lifetime.
    pub fn write(&self, session: &Session) -> Result<(Vec<u8>, u32)> {
        self.sync_fleet();
        let mut state = self.lock();
        Self::maybe_rotate(&mut state)?;
        let key = state.keys[state.active].as_ref().ok_or(Error::SslBadInputData)?;
        let mut plain = session.save()?;
        let plain_len = u16::try_from(plain.len()).map_err(|_| Error::SslBufferTooSmall)?;
        let mut iv = [0u8; IV_LEN];
        aws_lc_rs::rand::fill(&mut iv).map_err(|_| Error::SslInternalError)?;
        let mut ticket = Vec::with_capacity(AAD_LEN + plain.len() + TAG_LEN);
        ticket.extend_from_slice(&key.name);
        ticket.extend_from_slice(&iv);
        ticket.extend_from_slice(&plain_len.to_be_bytes());
        let tag = key
            .key
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(iv), Aad::from(&ticket[..AAD_LEN]), &mut plain)
            .map_err(|_| Error::SslInternalError)?;
        ticket.extend_from_slice(&plain);
        ticket.extend_from_slice(tag.as_ref());
        Ok((ticket, key.lifetime))
    }

    /// `mbedtls_ssl_ticket_parse`: the session inside `ticket`.
    ///
    /// # Errors
    /// `SSL_BAD_INPUT_DATA` for a malformed ticket, `SSL_SESSION_TICKET_EXPIRED` for an unknown
    /// key name or a ticket older than its key's lifetime, `SSL_INVALID_MAC` when
    /// authentication fails, and the errors of `Session::load`.
    pub fn parse(&self, ticket: &[u8]) -> Result<Session> {
        if ticket.len() < MIN_TICKET_LEN {
            return Err(Error::SslBadInputData);
        }
        let enc_len = usize::from(u16::from_be_bytes([ticket[16], ticket[17]]));
        if ticket.len() != MIN_TICKET_LEN + enc_len {
            return Err(Error::SslBadInputData);
        }
        self.sync_fleet();
        let mut state = self.lock();
        Self::maybe_rotate(&mut state)?;
        let key = state
            .keys
            .iter()
            .flatten()
            .find(|k| k.name[..] == ticket[..NAME_LEN])
            .ok_or(Error::SslSessionTicketExpired)?;
        let mut iv = [0u8; IV_LEN];
        iv.copy_from_slice(&ticket[NAME_LEN..NAME_LEN + IV_LEN]);
        let mut sealed = ticket[AAD_LEN..].to_vec();
        let plain = key
            .key
            .open_in_place(Nonce::assume_unique_for_key(iv), Aad::from(&ticket[..AAD_LEN]), &mut sealed)
            .map_err(|_| Error::SslInvalidMac)?;
        let session = Session::load(plain)?;
        let now = session::now_ms();
        let age = now.checked_sub(session.ticket_time_ms).ok_or(Error::SslSessionTicketExpired)?;
        if key.lifetime != 0 && age > u64::from(key.lifetime) * 1000 {
            return Err(Error::SslSessionTicketExpired);
        }
        Ok(session)
    }
}

impl Fleet {
    /// The keys of `generation` (made now if no server made them yet) and of the one before,
    /// each `FLEET_KEY_LEN` bytes; None when Redis does not answer or holds something else.
    fn fetch(&self, generation: u64, lifetime: u32) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let key = |g: u64| format!("{}:{g}", self.key_name);
        let get = |g: u64| self.link.run::<Option<Vec<u8>>>(redis::cmd("GET").arg(key(g)));
        let current = match get(generation)? {
            Some(bytes) => bytes,
            None => {
                let mut fresh = [0u8; FLEET_KEY_LEN];
                aws_lc_rs::rand::fill(&mut fresh).ok()?;
                // Kept for three lifetimes: issued with for one, accepted for the next.
                let ttl = u64::from(lifetime.max(1)) * 3;
                let set =
                    redis::cmd("SET").arg(key(generation)).arg(&fresh[..]).arg("NX").arg("EX").arg(ttl).to_owned();
                self.link.run::<Option<String>>(&set)?;
                // Whoever won the race, the key in Redis is the fleet's.
                get(generation)??
            }
        };
        let previous = if generation > 0 { get(generation - 1)? } else { None };
        let fits = |k: &Vec<u8>| k.len() == FLEET_KEY_LEN;
        if !fits(&current) || previous.as_ref().is_some_and(|p| !fits(p)) {
            log::warn!("ticket keys: Redis holds something else under {}", self.key_name);
            return None;
        }
        Some((current, previous))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Endpoint;

    #[test]
    fn without_redis_the_fleets_keys_are_local_keys() {
        let link = || RedisLink::new("redis://127.0.0.1:1/0", 50).unwrap();
        assert!(TicketKeys::with_fleet(TicketAead::Aes256Gcm, 60, link(), "").is_err());
        let keys = TicketKeys::with_fleet(TicketAead::Aes256Gcm, 60, link(), "tls:ticket-keys").unwrap();
        let (ticket, lifetime) = keys.write(&server_session()).unwrap();
        assert_eq!(lifetime, 60);
        assert_eq!(keys.parse(&ticket).unwrap().id, server_session().id);
        assert_eq!(keys.lock().fleet_generation, None);
        // Another server without Redis has keys of its own.
        let other = TicketKeys::with_fleet(TicketAead::Aes256Gcm, 60, link(), "tls:ticket-keys").unwrap();
        assert_eq!(other.parse(&ticket).err(), Some(Error::SslSessionTicketExpired));
    }

    fn server_session() -> Session {
        Session {
            endpoint: Endpoint::Server,
            version: 0x0303,
            suite: 0xC02F,
            start: session::now_secs(),
            verify_result: 0,
            value: vec![9; 80],
            ticket_time_ms: session::now_ms(),
            ..Session::default()
        }
    }

    #[test]
    fn write_parse_round_trip_for_every_aead() {
        for aead in [TicketAead::Aes128Gcm, TicketAead::Aes256Gcm, TicketAead::ChaCha20Poly1305] {
            let keys = TicketKeys::new(aead, 3600).unwrap();
            let session = server_session();
            let (ticket, lifetime) = keys.write(&session).unwrap();
            assert_eq!(lifetime, 3600);
            assert_eq!(keys.parse(&ticket).unwrap(), session);
        }
    }

    #[test]
    fn tampering_and_truncation_are_refused() {
        let keys = TicketKeys::new(TicketAead::Aes256Gcm, 3600).unwrap();
        let (ticket, _) = keys.write(&server_session()).unwrap();
        for i in 0..ticket.len() {
            let mut t = ticket.clone();
            t[i] ^= 0x40;
            assert!(keys.parse(&t).is_err(), "byte {i}");
        }
        for len in 0..ticket.len() {
            assert!(keys.parse(&ticket[..len]).is_err(), "len {len}");
        }
    }

    #[test]
    fn shared_keys_work_across_instances_and_old_keys_stay_valid_one_rotation() {
        let a = TicketKeys::new(TicketAead::Aes256Gcm, 3600).unwrap();
        let b = TicketKeys::new(TicketAead::Aes256Gcm, 3600).unwrap();
        a.rotate(b"k001", &[7; 32], 3600).unwrap();
        b.rotate(b"k001", &[7; 32], 3600).unwrap();
        let (ticket, _) = a.write(&server_session()).unwrap();
        assert!(b.parse(&ticket).is_ok());
        b.rotate(b"k002", &[8; 32], 3600).unwrap();
        assert!(b.parse(&ticket).is_ok(), "previous key still accepted");
        b.rotate(b"k003", &[9; 32], 3600).unwrap();
        assert_eq!(b.parse(&ticket), Err(Error::SslSessionTicketExpired));
        assert_eq!(a.rotate(b"k0", &[7; 32], 1), Err(Error::CipherBadInputData));
        assert_eq!(a.rotate(b"k004", &[7; 16], 1), Err(Error::CipherBadInputData));
    }

    #[test]
    fn expired_tickets_are_refused() {
        let keys = TicketKeys::new(TicketAead::Aes128Gcm, 1).unwrap();
        let old = Session { ticket_time_ms: session::now_ms() - 5000, ..server_session() };
        let (ticket, _) = keys.write(&old).unwrap();
        assert_eq!(keys.parse(&ticket), Err(Error::SslSessionTicketExpired));
    }
}
