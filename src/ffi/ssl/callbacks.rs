//! The application's callbacks adapted to the core: the transport (`mbedtls_ssl_set_bio`) as a
//! `Transport`, debug output as a `DebugSink`, the SNI hook, and the server-side session
//! callbacks (`mbedtls_ssl_conf_session_cache`, `mbedtls_ssl_conf_session_tickets_cb`) as a
//! `SessionStore` and a `TicketCodec`.

use super::*;

/// `mbedtls_ssl_conf_sni`'s callback type.
pub(super) type SniFn = unsafe extern "C" fn(
    p_sni: *mut c_void,
    ssl: *mut mbedtls_ssl_context,
    name: *const c_uchar,
    name_len: usize,
) -> c_int;

pub(super) struct SniHook {
    pub(super) f: SniFn,
    pub(super) p: AppPtr,
}

pub(super) type DebugFn = unsafe extern "C" fn(*mut c_void, c_int, *const c_char, c_int, *const c_char);

/// Debug lines to the application's `f_dbg`.
pub(super) struct CDebug {
    pub(super) f: DebugFn,
    pub(super) p: AppPtr,
}

impl DebugSink for CDebug {
    fn emit(&self, level: i32, file: &str, line: u32, text: &str) {
        let file = CString::new(file.replace('\0', "")).unwrap_or_default();
        let text = CString::new(text.replace('\0', "")).unwrap_or_default();
        let line = c_int::try_from(line).unwrap_or(c_int::MAX);
        // SAFETY: the application registered `f` with `mbedtls_ssl_conf_dbg`.
        unsafe { (self.f)(self.p.0, level, file.as_ptr(), line, text.as_ptr()) }
    }
}

/// The application's BIO callbacks (`mbedtls_ssl_set_bio`).
pub(super) struct CBio {
    pub(super) p_bio: *mut c_void,
    pub(super) f_send: Option<mbedtls_ssl_send_fn>,
    pub(super) f_recv: Option<mbedtls_ssl_recv_fn>,
    pub(super) f_recv_timeout: Option<mbedtls_ssl_recv_timeout_fn>,
}

pub(super) type mbedtls_ssl_send_fn = unsafe extern "C" fn(*mut c_void, *const c_uchar, usize) -> c_int;
pub(super) type mbedtls_ssl_recv_fn = unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int;
pub(super) type mbedtls_ssl_recv_timeout_fn = unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize, u32) -> c_int;

/// A BIO callback's return value: a count, or a code passed back to the application unchanged.
pub(super) fn bio_result(ret: c_int, asked: usize) -> Result<usize, Error> {
    match ret {
        MBEDTLS_ERR_SSL_WANT_READ => Err(Error::SslWantRead),
        MBEDTLS_ERR_SSL_WANT_WRITE => Err(Error::SslWantWrite),
        MBEDTLS_ERR_SSL_TIMEOUT => Err(Error::SslTimeout),
        r if r < 0 => Err(Error::Passthrough(r)),
        r if r as usize > asked => Err(Error::SslInternalError),
        r => Ok(r as usize),
    }
}

impl Transport for CBio {
    fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        let f = self.f_send.ok_or(Error::SslBadInputData)?;
        // SAFETY: the callback was registered by the application for this context.
        bio_result(unsafe { f(self.p_bio, data.as_ptr(), data.len()) }, data.len())
    }

    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize, Error> {
        // As in Mbed TLS: the timeout callback, when set, is always preferred.
        let ret = match (self.f_recv_timeout, self.f_recv) {
            // SAFETY: registered by the application for this context (mbedtls_ssl_set_bio), called
            // with its `p_bio` and a buffer of ours.
            (Some(f), _) => unsafe { f(self.p_bio, buf.as_mut_ptr(), buf.len(), timeout_ms) },
            // SAFETY: as above.
            (None, Some(f)) => unsafe { f(self.p_bio, buf.as_mut_ptr(), buf.len()) },
            (None, None) => return Err(Error::SslBadInputData),
        };
        bio_result(ret, buf.len())
    }

    fn peek(&mut self, buf: &mut Vec<u8>, max: usize, timeout_ms: u32) -> Option<Result<usize, Error>> {
        use crate::ffi::net_sockets::{mbedtls_net_recv, mbedtls_net_recv_timeout, peek_from};
        // Only our own socket callbacks can be peeked through (their `p_bio` is an
        // `mbedtls_net_context`); the timeout callback, when set, is the one `recv` uses.
        let (timed, plain) =
            (self.f_recv_timeout.map(|f| f as *const () as usize), self.f_recv.map(|f| f as *const () as usize));
        let timeout = match (timed, plain) {
            (Some(f), _) if f == mbedtls_net_recv_timeout as *const () as usize => Some(timeout_ms),
            (None, Some(f)) if f == mbedtls_net_recv as *const () as usize => None,
            _ => return None,
        };
        // SAFETY: the callback registered with this `p_bio` is ours, whose contract is that
        // `p_bio` is an `mbedtls_net_context`.
        unsafe { peek_from(self.p_bio, buf, max, timeout) }
    }
}

// =============================================================================================
// Server session cache and tickets

#[cfg(not(feature = "edition-2-28"))]
pub(super) type CacheGetFn =
    unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *mut mbedtls_ssl_session) -> c_int;
#[cfg(not(feature = "edition-2-28"))]
pub(super) type CacheSetFn =
    unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *const mbedtls_ssl_session) -> c_int;
pub(super) type TicketWriteFn = unsafe extern "C" fn(
    *mut c_void,
    *const mbedtls_ssl_session,
    *mut c_uchar,
    *const c_uchar,
    *mut usize,
    *mut u32,
) -> c_int;
pub(super) type TicketParseFn =
    unsafe extern "C" fn(*mut c_void, *mut mbedtls_ssl_session, *mut c_uchar, usize) -> c_int;

/// The application's own cache callbacks (`f_get_cache`/`f_set_cache`).
#[cfg(not(feature = "edition-2-28"))]
pub(super) struct CCacheStore {
    pub(super) f_get: Option<CacheGetFn>,
    pub(super) f_set: Option<CacheSetFn>,
    pub(super) p: AppPtr,
}

#[cfg(not(feature = "edition-2-28"))]
impl SessionStore for CCacheStore {
    fn get(&self, id: &[u8]) -> Option<Session> {
        let f = self.f_get?;
        let (ret, session) = with_session_shell(None, |shell| {
            // SAFETY: registered by the application with mbedtls_ssl_conf_session_cache, to be
            // called with its `p_cache`, an ID buffer and a session shell (ours, valid).
            unsafe { f(self.p.0, id.as_ptr(), id.len(), shell) }
        });
        // Any non-zero return is a miss, as in Mbed TLS.
        if ret != 0 { None } else { session }
    }

    fn set(&self, id: &[u8], session: &Session) -> bool {
        let Some(f) = self.f_set else { return false };
        let (ret, _) = with_session_shell(Some(session.clone()), |shell| {
            // SAFETY: registered by the application with mbedtls_ssl_conf_session_cache; the
            // shell is ours and holds the session.
            unsafe { f(self.p.0, id.as_ptr(), id.len(), shell) }
        });
        ret == 0
    }
}

/// The application's own ticket callbacks (`f_ticket_write`/`f_ticket_parse`).
pub(super) struct CTicketCodec {
    pub(super) f_write: TicketWriteFn,
    pub(super) f_parse: TicketParseFn,
    pub(super) p: AppPtr,
}

impl TicketCodec for CTicketCodec {
    fn write(&self, session: &Session) -> Option<(Vec<u8>, u32)> {
        let mut buf = vec![0u8; 16384];
        let (mut tlen, mut lifetime) = (0usize, 0u32);
        let (ret, _) = with_session_shell(Some(session.clone()), |shell| {
            let end = buf.as_mut_ptr_range().end;
            // SAFETY: registered with mbedtls_ssl_conf_session_tickets_cb; [start, end) is `buf`,
            // the shell is ours and holds the session.
            unsafe { (self.f_write)(self.p.0, shell, buf.as_mut_ptr(), end, &mut tlen, &mut lifetime) }
        });
        if ret != 0 || tlen > buf.len() {
            // As Mbed TLS: a failed write means no ticket, not a failed handshake.
            return None;
        }
        buf.truncate(tlen);
        Some((buf, lifetime))
    }

    fn parse(&self, ticket: &[u8]) -> Option<Session> {
        let mut buf = ticket.to_vec();
        let (ret, session) = with_session_shell(None, |shell| {
            // SAFETY: registered with mbedtls_ssl_conf_session_tickets_cb; `buf` and the shell
            // are ours.
            unsafe { (self.f_parse)(self.p.0, shell, buf.as_mut_ptr(), buf.len()) }
        });
        if ret != 0 { None } else { session }
    }
}

/// Server: the session cache used for session-ID resumption. `f_get_cache(p_cache, id, len,
/// session)` fills `session` and returns 0 on a hit (any other value is a miss);
/// `f_set_cache(p_cache, id, len, session)` stores it (the application may keep it with
/// `mbedtls_ssl_session_save`). Pass `mbedtls_ssl_cache_get`/`_set` with an
/// `mbedtls_ssl_cache_context` for the built-in cache. NULL callbacks turn the cache off.
///
/// Differences from Mbed TLS: with a cache and no ticket callbacks, TLS 1.3 clients are given
/// stateful tickets stored in the same cache, so TLS 1.3 sessions resume too (Mbed TLS 3.6
/// never uses the cache for TLS 1.3). A session whose connection ended with a fatal alert is
/// removed and never resumed (RFC 5246 §7.2.2), also from the application's cache (lookups of
/// it are ignored).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; the callbacks must be callable
/// with `p_cache` from any thread that uses the configuration.
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_session_cache(
    conf: *mut mbedtls_ssl_config,
    p_cache: *mut c_void,
    f_get_cache: Option<unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *mut mbedtls_ssl_session) -> c_int>,
    f_set_cache: Option<unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *const mbedtls_ssl_session) -> c_int>,
) {
    entry!(mbedtls_ssl_conf_session_cache, {
        let given = |get: usize, set: usize| {
            f_get_cache.map(|f| f as usize) == Some(get) && f_set_cache.map(|f| f as usize) == Some(set)
        };
        // The built-in cache and the Redis cache are used directly rather than through their C
        // entry points: a session invalidated by a fatal alert is then removed from them (the C
        // callbacks have no remove).
        let direct: Option<Arc<dyn SessionStore>> = if given(
            crate::ffi::ssl_cache::mbedtls_ssl_cache_get as *const () as usize,
            crate::ffi::ssl_cache::mbedtls_ssl_cache_set as *const () as usize,
        ) {
            // SAFETY: `p_cache` is NULL or a cache shell (the contract of this function).
            unsafe { handle::get(p_cache.cast::<crate::ffi::ssl_cache::mbedtls_ssl_cache_context>()) }
                .map(|cache| cache.clone() as Arc<dyn SessionStore>)
        } else if given(
            crate::ffi::compat_redis::mbedtls_compat_redis_cache_get as *const () as usize,
            crate::ffi::compat_redis::mbedtls_compat_redis_cache_set as *const () as usize,
        ) {
            // SAFETY: `p_cache` is NULL or a Redis cache shell (the contract of this function).
            unsafe { crate::ffi::compat_redis::store_of(p_cache) }.map(|store| store as Arc<dyn SessionStore>)
        } else {
            None
        };
        let store = match (f_get_cache, f_set_cache) {
            (None, None) => None,
            _ => Some(direct.unwrap_or_else(|| {
                Arc::new(CCacheStore { f_get: f_get_cache, f_set: f_set_cache, p: AppPtr(p_cache) })
            })),
        };
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { update_config(conf, |s| s.session_store = store) };
    })
}

/// Server: session tickets. `f_ticket_write` seals a session into a ticket and
/// `f_ticket_parse` opens one; pass `mbedtls_ssl_ticket_write`/`_parse` with an
/// `mbedtls_ssl_ticket_context` for the built-in module. Both non-NULL turn tickets on (TLS 1.2
/// tickets and TLS 1.3 tickets); a NULL callback turns them off. A ticket that fails to parse
/// gives a full handshake, never an error.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; the callbacks must be callable
/// with `p_ticket` from any thread that uses the configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_session_tickets_cb(
    conf: *mut mbedtls_ssl_config,
    f_ticket_write: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *const mbedtls_ssl_session,
            *mut c_uchar,
            *const c_uchar,
            *mut usize,
            *mut u32,
        ) -> c_int,
    >,
    f_ticket_parse: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_ssl_session, *mut c_uchar, usize) -> c_int>,
    p_ticket: *mut c_void,
) {
    entry!(mbedtls_ssl_conf_session_tickets_cb, {
        let handle = conf_or_return!(conf);
        let codec: Option<Arc<dyn TicketCodec>> = match (f_ticket_write, f_ticket_parse) {
            (Some(w), Some(p))
                if w as usize == ssl_ticket::mbedtls_ssl_ticket_write as *const () as usize
                    && p as usize == ssl_ticket::mbedtls_ssl_ticket_parse as *const () as usize =>
            {
                // SAFETY: `p_ticket` is NULL or a ticket context shell (the contract of this function).
                match unsafe { handle::get(p_ticket.cast::<ssl_ticket::mbedtls_ssl_ticket_context>()) } {
                    Some(keys) => Some(keys.clone()),
                    None => Some(Arc::new(CTicketCodec { f_write: w, f_parse: p, p: AppPtr(p_ticket) })),
                }
            }
            (Some(w), Some(p)) => Some(Arc::new(CTicketCodec { f_write: w, f_parse: p, p: AppPtr(p_ticket) })),
            _ => None,
        };
        handle.config.update(|s| s.ticket_codec = codec);
    })
}

/// Server: how many TLS 1.3 NewSessionTicket messages follow a handshake (default 1; 0: none).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_new_session_tickets(conf: *mut mbedtls_ssl_config, num_tickets: u16) {
    entry!(mbedtls_ssl_conf_new_session_tickets, {
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        if let Some(handle) = unsafe { own_config(conf) } {
            handle.config.update(|s| s.new_session_tickets = usize::from(num_tickets));
        }
    })
}

/// `mbedtls_ssl_export_keys_t`: the application's key export callback.
pub(super) type ExportKeysFn = unsafe extern "C" fn(
    p_expkey: *mut c_void,
    kind: mbedtls_ssl_key_export_type,
    secret: *const c_uchar,
    secret_len: usize,
    client_random: *const c_uchar,
    server_random: *const c_uchar,
    tls_prf_type: mbedtls_tls_prf_types,
);

/// `mbedtls_ssl_key_export_type` (an `int`-sized enum in Mbed TLS 3.6):
/// `MBEDTLS_SSL_KEY_EXPORT_*`.
pub type mbedtls_ssl_key_export_type = c_int;

/// The application's key export callback with its context pointer.
pub(super) struct CExportKeys {
    pub(super) f: ExportKeysFn,
    pub(super) p: AppPtr,
}

impl KeyExporter for CExportKeys {
    fn export(
        &self,
        kind: SecretKind,
        secret: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
        prf: PrfKind,
    ) {
        // SAFETY: the application registered `f` with `mbedtls_ssl_set_export_keys_cb`; every
        // buffer is valid for its length during the call.
        unsafe {
            (self.f)(
                self.p.0,
                kind as mbedtls_ssl_key_export_type,
                secret.as_ptr(),
                secret.len(),
                client_random.as_ptr(),
                server_random.as_ptr(),
                prf as mbedtls_tls_prf_types,
            );
        }
    }
}

/// Sets the callback that receives the secrets of this context's handshakes:
/// `MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET` (48 bytes, with the PRF of the suite) for TLS 1.2,
/// the TLS 1.3 handshake and application traffic secrets (client, then server; PRF
/// `MBEDTLS_SSL_TLS_PRF_NONE`, as Mbed TLS) for TLS 1.3; with both randoms. Typical uses: NSS key
/// log files for Wireshark (`CLIENT_RANDOM <client_random> <master>`), EAP-TLS keys through
/// `mbedtls_ssl_tls_prf`. Also called after each TLS 1.2 renegotiation (its new master secret).
/// NULL `f_export_keys` stops it. Kept by `mbedtls_ssl_session_reset`.
///
/// Differences from Mbed TLS: the callback runs when the handshake is complete (Mbed TLS calls
/// it as each secret is derived, during the handshake), in the order the secrets were derived.
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context; `f_export_keys` honours the contract
/// above, and `p_export_keys` is valid for it whenever a handshake runs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_export_keys_cb(
    ssl: *mut mbedtls_ssl_context,
    f_export_keys: Option<
        unsafe extern "C" fn(
            *mut c_void,
            mbedtls_ssl_key_export_type,
            *const c_uchar,
            usize,
            *const c_uchar,
            *const c_uchar,
            mbedtls_tls_prf_types,
        ),
    >,
    p_export_keys: *mut c_void,
) {
    entry!(mbedtls_ssl_set_export_keys_cb, {
        let exporter =
            f_export_keys.map(|f| Arc::new(CExportKeys { f, p: AppPtr(p_export_keys) }) as Arc<dyn KeyExporter>);
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        let _ = unsafe {
            with_ssl(ssl, |h| {
                h.ctx.set_key_exporter(exporter);
                Ok(())
            })
        };
    })
}
