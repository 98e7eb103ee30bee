//! The fleet-wide session store: TLS 1.2 sessions by ID in Redis (or Valkey), shared by every
//! server of a fleet (`compat_redis.h`).
//!
//! The store is an optimisation, never a dependency: Redis down, slow, refusing or answering
//! garbage is a cache miss or a dropped write, never an error to the peer, and no operation waits
//! longer than the I/O timeout (connecting included). After a failure the store stays away from
//! Redis for a back-off (100 ms, doubling up to 5 s) instead of paying the timeout on every
//! handshake, then tries again; one log line per change of state (reachable / unreachable), not
//! per handshake.
//!
//! Connections come from a small pool: an operation takes one, uses it without holding any lock,
//! and puts it back, so a slow Redis never makes one handshake wait for another's operation.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::server_sessions::SessionStore;
use crate::session::Session;

/// The longest saved session stored (a session with a certificate chain is a few kB).
pub const MAX_VALUE: usize = 64 * 1024;
/// Connections kept for reuse.
const POOL: usize = 8;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Whether Redis answered the last operation, and when to try again after a failure.
struct Health {
    up: bool,
    retry_at: Option<Instant>,
    backoff: Duration,
}

struct Pool {
    idle: Vec<redis::Connection>,
    health: Health,
}

/// A way to one Redis: its client, the I/O timeout, the connection pool and its health. Shared
/// by the session store and the fleet's ticket keys.
pub struct RedisLink {
    client: redis::Client,
    io_timeout: Duration,
    pool: Mutex<Pool>,
}

/// Sessions in Redis under `prefix` + hex(session ID), each with a time to live.
pub struct RedisStore {
    link: RedisLink,
    prefix: String,
    ttl: u32,
}

impl RedisLink {
    /// A link to `url` (`redis://[:password@]host:port/db`, `unix:/path/to/socket`); nothing is
    /// connected yet. Refuses an unparsable URL and a zero timeout.
    pub fn new(url: &str, io_timeout_ms: u32) -> Result<Self> {
        if io_timeout_ms == 0 {
            return Err(Error::SslBadInputData);
        }
        let url = match url.strip_prefix("unix:") {
            // The plain `unix:/path` form of the URLs, in the client's own syntax.
            Some(path) if !path.starts_with("//") => format!("unix://{path}"),
            _ => url.to_string(),
        };
        let unusable = |e: redis::RedisError| {
            log::error!("redis: unusable URL: {e}");
            Error::SslBadInputData
        };
        // No `CLIENT SETINFO` round trip on connecting: each operation's time budget goes to the
        // operation.
        let info = redis::IntoConnectionInfo::into_connection_info(url.as_str()).map_err(unusable)?;
        let settings = info.redis_settings().clone().set_skip_set_lib_name();
        let client = redis::Client::open(info.set_redis_settings(settings)).map_err(unusable)?;
        Ok(Self {
            client,
            io_timeout: Duration::from_millis(u64::from(io_timeout_ms)),
            pool: Mutex::new(Pool {
                idle: Vec::new(),
                health: Health { up: true, retry_at: None, backoff: FIRST_BACKOFF },
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A connection whose reads and writes end by `deadline`: an idle one, or a new one (None
    /// while backing off, or when connecting fails or leaves no time).
    fn connection(&self, deadline: Instant) -> Option<redis::Connection> {
        let idle = {
            let mut pool = self.lock();
            if pool.health.retry_at.is_some_and(|at| Instant::now() < at) {
                return None;
            }
            pool.idle.pop()
        };
        let left = || {
            deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()).ok_or_else(|| {
                redis::RedisError::from(std::io::Error::new(std::io::ErrorKind::TimedOut, "no time left"))
            })
        };
        let con = match idle {
            Some(con) => Ok(con),
            None => left().and_then(|time| self.client.get_connection_with_timeout(time)),
        }
        .and_then(|con| {
            let time = left()?;
            con.set_read_timeout(Some(time))?;
            con.set_write_timeout(Some(time))?;
            Ok(con)
        });
        match con {
            Ok(con) => Some(con),
            Err(e) => {
                self.failed(&e);
                None
            }
        }
    }

    fn failed(&self, e: &redis::RedisError) {
        let mut pool = self.lock();
        pool.idle.clear();
        let health = &mut pool.health;
        if health.up {
            log::warn!("redis: unreachable ({e}); sessions are not shared until it answers");
            health.up = false;
            health.backoff = FIRST_BACKOFF;
        } else {
            health.backoff = (health.backoff * 2).min(MAX_BACKOFF);
        }
        health.retry_at = Some(Instant::now() + health.backoff);
    }

    fn answered(&self, con: redis::Connection) {
        let mut pool = self.lock();
        if !pool.health.up {
            log::info!("redis: reachable again; sessions are shared");
            pool.health = Health { up: true, retry_at: None, backoff: FIRST_BACKOFF };
        }
        if pool.idle.len() < POOL {
            pool.idle.push(con);
        }
    }

    /// Runs one command within the I/O timeout (connecting included); None when Redis could not
    /// be asked or did not answer as expected.
    pub fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        let mut con = self.connection(Instant::now() + self.io_timeout)?;
        match cmd.query::<T>(&mut con) {
            Ok(value) => {
                self.answered(con);
                Some(value)
            }
            Err(e) => {
                self.failed(&e);
                None
            }
        }
    }
}

impl RedisStore {
    /// A store for `url` (see [`RedisLink::new`]); nothing is connected yet. Refuses an
    /// unparsable URL, an empty prefix and zero times.
    pub fn new(url: &str, prefix: &str, ttl: u32, io_timeout_ms: u32) -> Result<Self> {
        if prefix.is_empty() || ttl == 0 {
            return Err(Error::SslBadInputData);
        }
        Ok(Self { link: RedisLink::new(url, io_timeout_ms)?, prefix: prefix.to_string(), ttl })
    }

    fn key(&self, id: &[u8]) -> String {
        let mut key = self.prefix.clone();
        for b in id {
            key.push_str(&format!("{b:02x}"));
        }
        key
    }

    fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Option<T> {
        self.link.run(cmd)
    }

    /// The session stored under `id`; None for a miss, an unreadable value, or no Redis.
    pub fn get(&self, id: &[u8]) -> Option<Session> {
        let value: Option<Vec<u8>> = self.run(redis::cmd("GET").arg(self.key(id)))?;
        let session = Session::load(&value?).ok();
        if session.as_ref().is_none_or(|s| s.id != id) {
            log::debug!("redis: the value under a session ID is not that session");
            return None;
        }
        session
    }

    /// Stores `session` under `id` with the store's time to live. False when the write was
    /// dropped (no Redis) or refused (too large, or not a resumable session).
    pub fn set(&self, id: &[u8], session: &Session) -> Result<bool> {
        let value = session.save()?;
        if value.len() > MAX_VALUE || id.is_empty() || id.len() > 32 {
            return Err(Error::SslBadInputData);
        }
        let cmd = redis::cmd("SET").arg(self.key(id)).arg(value).arg("EX").arg(self.ttl).to_owned();
        Ok(self.run::<()>(&cmd).is_some())
    }

    /// Forgets `id` (no server of the fleet resumes it any more); false when Redis could not be
    /// told.
    pub fn remove(&self, id: &[u8]) -> bool {
        self.run::<()>(redis::cmd("DEL").arg(self.key(id))).is_some()
    }
}

impl SessionStore for RedisStore {
    fn get(&self, id: &[u8]) -> Option<Session> {
        RedisStore::get(self, id)
    }
    fn set(&self, id: &[u8], session: &Session) -> bool {
        RedisStore::set(self, id, session).unwrap_or(false)
    }
    fn remove(&self, id: &[u8]) {
        RedisStore::remove(self, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_refused_before_any_connection() {
        assert!(RedisStore::new("redis://127.0.0.1:1/0", "tls:", 60, 100).is_ok());
        assert!(RedisStore::new("unix:/run/redis.sock", "tls:", 60, 100).is_ok());
        for (url, prefix, ttl, io) in [
            ("redis://127.0.0.1:1/0", "", 60, 100),
            ("redis://127.0.0.1:1/0", "tls:", 0, 100),
            ("redis://127.0.0.1:1/0", "tls:", 60, 0),
            ("http://example.com/", "tls:", 60, 100),
            ("not a url", "tls:", 60, 100),
        ] {
            assert_eq!(RedisStore::new(url, prefix, ttl, io).err(), Some(Error::SslBadInputData), "{url} {prefix:?}");
        }
    }

    #[test]
    fn without_redis_every_operation_is_a_quick_miss() {
        // Nothing listens on port 1: a refused connection, then the back-off answers at once.
        let store = RedisStore::new("redis://127.0.0.1:1/0", "tls:", 60, 200).unwrap();
        let session =
            Session { id: vec![1; 32], version: 0x0303, suite: 0xC02F, value: vec![9; 40], ..Session::default() };
        let start = Instant::now();
        for _ in 0..100 {
            assert!(store.get(&[1; 32]).is_none());
            assert_eq!(store.set(&[1; 32], &session), Ok(false));
            assert!(!store.remove(&[1; 32]));
        }
        assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    }

    #[test]
    fn sessions_too_large_or_without_an_id_are_refused() {
        let store = RedisStore::new("redis://127.0.0.1:1/0", "tls:", 60, 100).unwrap();
        let big = Session { id: vec![1; 32], version: 0x0303, value: vec![0; MAX_VALUE], ..Session::default() };
        assert_eq!(store.set(&[1; 32], &big), Err(Error::SslBadInputData));
        let ok = Session { value: vec![0; 40], ..big };
        assert_eq!(store.set(&[], &ok), Err(Error::SslBadInputData));
        assert_eq!(store.set(&[1; 33], &ok), Err(Error::SslBadInputData));
        assert_eq!(store.set(&[1; 32], &Session::default()), Err(Error::SslFeatureUnavailable));
    }

    #[test]
    fn keys_are_the_prefix_and_the_id_in_hex() {
        let store = RedisStore::new("redis://127.0.0.1:1/0", "fleet:tls:", 60, 100).unwrap();
        assert_eq!(store.key(&[0x00, 0xAB, 0x7F]), "fleet:tls:00ab7f");
    }
}
