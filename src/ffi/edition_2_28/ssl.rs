//! `ssl.h` of Mbed TLS 2.28: the session cache callbacks receive only the session, with the ID
//! inside it.

use core::ffi::{c_int, c_void};
use std::sync::Arc;

use crate::config::TLS1_2;
use crate::ffi::entry;
use crate::ffi::ssl::{
    AppPtr, config_defaults, get_session, mbedtls_ssl_config, mbedtls_ssl_context, mbedtls_ssl_session, update_config,
    with_session_shell,
};
use crate::server_sessions::SessionStore;
use crate::session::Session;

/// 2.28's `f_get_cache`: fills the session whose `id`/`id_len` the library set; 0 on a hit.
type CacheGetFn = unsafe extern "C" fn(*mut c_void, *mut mbedtls_ssl_session) -> c_int;
/// 2.28's `f_set_cache`: stores the session (its ID inside it); 0 when stored.
type CacheSetFn = unsafe extern "C" fn(*mut c_void, *const mbedtls_ssl_session) -> c_int;

/// The application's own cache callbacks, 2.28 style.
struct CacheCallbacks {
    f_get: Option<CacheGetFn>,
    f_set: Option<CacheSetFn>,
    p: AppPtr,
}

impl SessionStore for CacheCallbacks {
    fn get(&self, id: &[u8]) -> Option<Session> {
        let f = self.f_get?;
        let id_len = id.len().min(32);
        let (ret, session) = with_session_shell(None, |shell| {
            // SAFETY: `shell` is our own session struct; the ID goes in its public fields, where
            // 2.28's callbacks look for it.
            unsafe {
                let mut field = [0u8; 32];
                field[..id_len].copy_from_slice(&id[..id_len]);
                (*shell).id = field;
                (*shell).id_len = id_len;
            }
            // SAFETY: registered by the application with mbedtls_ssl_conf_session_cache, to be
            // called with its `p_cache` and a session (ours, valid).
            unsafe { f(self.p.0, shell) }
        });
        // Any non-zero return is a miss, as in Mbed TLS; so is a session of another ID.
        session.filter(|s| ret == 0 && s.id == id)
    }

    fn set(&self, id: &[u8], session: &Session) -> bool {
        let Some(f) = self.f_set else { return false };
        if session.id != id {
            return false;
        }
        // SAFETY: registered by the application with mbedtls_ssl_conf_session_cache; the
        // session struct is ours and holds the session (its public fields filled).
        let (ret, _) = with_session_shell(Some(session.clone()), |shell| unsafe { f(self.p.0, shell) });
        ret == 0
    }
}

/// Server: the session cache used for session-ID resumption, Mbed TLS 2.28's way:
/// `f_get_cache(p_cache, session)` fills `session` (whose `id`/`id_len` say what to look up)
/// and returns 0 on a hit; `f_set_cache(p_cache, session)` stores it. Pass
/// `mbedtls_ssl_cache_get`/`_set` with an `mbedtls_ssl_cache_context` for the built-in cache.
/// NULL callbacks turn the cache off.
///
/// Differences from Mbed TLS: as the 3.6 edition's (a session whose connection ended with a
/// fatal alert is never resumed, also from the application's cache).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; the callbacks must be callable
/// with `p_cache` from any thread that uses the configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_session_cache(
    conf: *mut mbedtls_ssl_config,
    p_cache: *mut c_void,
    f_get_cache: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_ssl_session) -> c_int>,
    f_set_cache: Option<unsafe extern "C" fn(*mut c_void, *const mbedtls_ssl_session) -> c_int>,
) {
    entry!(mbedtls_ssl_conf_session_cache, {
        // The built-in cache goes through its C functions: they keep its public `chain`. The
        // Redis cache is used directly, so that a session invalidated by a fatal alert is
        // removed from it (2.28's callbacks have no remove).
        let redis = f_get_cache.map(|f| f as usize)
            == Some(crate::ffi::edition_2_28::compat_redis::mbedtls_compat_redis_cache_get as *const () as usize)
            && f_set_cache.map(|f| f as usize)
                == Some(crate::ffi::edition_2_28::compat_redis::mbedtls_compat_redis_cache_set as *const () as usize);
        let store: Option<Arc<dyn SessionStore>> = match (f_get_cache, f_set_cache) {
            (None, None) => None,
            _ => {
                // SAFETY: `p_cache` is NULL or a Redis cache shell (the contract of this function).
                let direct = redis.then(|| unsafe { crate::ffi::compat_redis::store_of(p_cache) }).flatten();
                Some(direct.map_or_else(
                    || Arc::new(CacheCallbacks { f_get: f_get_cache, f_set: f_set_cache, p: AppPtr(p_cache) }) as _,
                    |store| store as Arc<dyn SessionStore>,
                ))
            }
        };
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { update_config(conf, |s| s.session_store = store) };
    })
}

/// Loads the defaults for `endpoint` (`MBEDTLS_SSL_IS_CLIENT`/`_SERVER`), `transport` (stream
/// only) and `preset`, as Mbed TLS 2.28 does: TLS 1.2 only, and a client that verifies the
/// server's certificate checks the host name only when `mbedtls_ssl_set_hostname` gave one
/// (3.6 refuses the handshake without one).
///
/// `mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, 4)` turns TLS 1.3 on: a
/// free upgrade for 2.28 programs that ask for it (Mbed TLS 2.28 itself has no TLS 1.3).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL or an unknown endpoint or transport;
/// `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` for DTLS.
///
/// # Safety
/// `conf` is NULL or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_config_defaults(
    conf: *mut mbedtls_ssl_config,
    endpoint: c_int,
    transport: c_int,
    preset: c_int,
) -> c_int {
    entry!(mbedtls_ssl_config_defaults, {
        // SAFETY: the same contract.
        let ret = unsafe { config_defaults(conf, endpoint, transport, preset) };
        if ret == 0 {
            // SAFETY: `conf` is a configuration shell (config_defaults succeeded on it).
            unsafe {
                update_config(conf, |s| {
                    s.max_version = TLS1_2;
                    s.hostname_optional = true;
                })
            };
        }
        ret
    })
}

/// Client: copies the connection's session into `session` (a deep copy that stays valid after
/// the context is freed), as often as the program asks (Mbed TLS 2.28; 3.6 allows one export per
/// session).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL, a server context, or before the first
/// handshake / after `mbedtls_ssl_session_reset`.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_session(
    ssl: *const mbedtls_ssl_context,
    session: *mut mbedtls_ssl_session,
) -> c_int {
    // SAFETY: the same contract.
    entry!(mbedtls_ssl_get_session, { unsafe { get_session(ssl, session, false) } })
}
