//! `ssl.h`: TLS contexts (`mbedtls_ssl_context`), configurations (`mbedtls_ssl_config`) and
//! sessions, mapped onto the core `config`, `context` and `session` modules.

use core::ffi::{c_char, c_int, c_uchar, c_void};
use std::any::Any;
use std::ffi::CString;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::{code_of, status};
use super::pk::{mbedtls_pk_context, private_key_der};
use super::x509_crt::{chain_ders, free_owned_chain, mbedtls_x509_crt, new_chain_from_ders};
use super::{Guarded, entry, in_cstr, in_slice, out_slice, ssl_cache, ssl_ciphersuites, ssl_ticket};
use crate::config::{self, AuthMode, Config, DebugSink, Endpoint, OwnCert, Preset};
use crate::context::{Context, Hostname, Transport};
use crate::error::Error;
use crate::server_sessions::{SessionStore, TicketCodec};
use crate::session::Session;

pub use super::error::codes::ssl::*;

/// Maximum host name length for `mbedtls_ssl_set_hostname`.
pub const MBEDTLS_SSL_MAX_HOST_NAME_LEN: c_int = 255;
/// Maximum length of an ALPN protocol name.
pub const MBEDTLS_SSL_MAX_ALPN_NAME_LEN: c_int = 255;
/// Maximum plaintext bytes per record received.
pub const MBEDTLS_SSL_IN_CONTENT_LEN: c_int = 16384;
/// Maximum plaintext bytes per record sent (one `mbedtls_ssl_write` returns at most this).
pub const MBEDTLS_SSL_OUT_CONTENT_LEN: c_int = 16384;
/// Compatibility name of `MBEDTLS_SSL_OUT_CONTENT_LEN`.
pub const MBEDTLS_SSL_MAX_CONTENT_LEN: c_int = 16384;

/// SSL/TLS major version 3.
pub const MBEDTLS_SSL_MAJOR_VERSION_3: c_int = 3;
/// Minor version of TLS 1.2.
pub const MBEDTLS_SSL_MINOR_VERSION_3: c_int = 3;
/// Minor version of TLS 1.3.
pub const MBEDTLS_SSL_MINOR_VERSION_4: c_int = 4;

/// `mbedtls_ssl_protocol_version` (an `int`-sized enum in Mbed TLS 3.6).
pub type mbedtls_ssl_protocol_version = c_int;
/// Version not known yet (before the handshake).
pub const MBEDTLS_SSL_VERSION_UNKNOWN: mbedtls_ssl_protocol_version = 0;
/// TLS 1.2.
pub const MBEDTLS_SSL_VERSION_TLS1_2: mbedtls_ssl_protocol_version = 0x0303;
/// TLS 1.3.
pub const MBEDTLS_SSL_VERSION_TLS1_3: mbedtls_ssl_protocol_version = 0x0304;

/// Stream transport (TLS).
pub const MBEDTLS_SSL_TRANSPORT_STREAM: c_int = 0;
/// Datagram transport (DTLS): not supported here.
pub const MBEDTLS_SSL_TRANSPORT_DATAGRAM: c_int = 1;

/// Client endpoint.
pub const MBEDTLS_SSL_IS_CLIENT: c_int = 0;
/// Server endpoint.
pub const MBEDTLS_SSL_IS_SERVER: c_int = 1;

/// Default preset.
pub const MBEDTLS_SSL_PRESET_DEFAULT: c_int = 0;
/// NSA Suite B preset: ECDSA with P-256/P-384 and AES-GCM only.
pub const MBEDTLS_SSL_PRESET_SUITEB: c_int = 2;

/// Do not verify the peer certificate.
pub const MBEDTLS_SSL_VERIFY_NONE: c_int = 0;
/// Verify the peer certificate, report the result, go on anyway.
pub const MBEDTLS_SSL_VERIFY_OPTIONAL: c_int = 1;
/// Verify the peer certificate and abort the handshake on failure.
pub const MBEDTLS_SSL_VERIFY_REQUIRED: c_int = 2;
/// Used only in the SNI callback: keep the configuration's authmode.
pub const MBEDTLS_SSL_VERIFY_UNSET: c_int = 3;

/// Session tickets off.
pub const MBEDTLS_SSL_SESSION_TICKETS_DISABLED: c_int = 0;
/// Session tickets on.
pub const MBEDTLS_SSL_SESSION_TICKETS_ENABLED: c_int = 1;
/// TLS 1.3 NewSessionTicket signalling off (default).
pub const MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED: c_int = 0;
/// TLS 1.3 NewSessionTicket signalling on.
pub const MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED: c_int = 1;

/// Renegotiation refused (default).
pub const MBEDTLS_SSL_RENEGOTIATION_DISABLED: c_int = 0;
/// Renegotiation accepted.
pub const MBEDTLS_SSL_RENEGOTIATION_ENABLED: c_int = 1;
/// No limit on the records accepted while a requested renegotiation is pending.
pub const MBEDTLS_SSL_RENEGOTIATION_NOT_ENFORCED: c_int = -1;
/// Default grace, in records, for a requested renegotiation.
pub const MBEDTLS_SSL_RENEGO_MAX_RECORDS_DEFAULT: c_int = 16;
/// Refuse insecure (non-RFC 5746) renegotiation; connect to legacy peers (default).
pub const MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION: c_int = 0;
/// Allow insecure renegotiation (refused by this library in every mode).
pub const MBEDTLS_SSL_LEGACY_ALLOW_RENEGOTIATION: c_int = 1;
/// Abort handshakes with peers that lack RFC 5746.
pub const MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE: c_int = 2;
/// `secure_renegotiation` state: legacy peer.
pub const MBEDTLS_SSL_LEGACY_RENEGOTIATION: c_int = 0;
/// `secure_renegotiation` state: RFC 5746 peer.
pub const MBEDTLS_SSL_SECURE_RENEGOTIATION: c_int = 1;

/// Extended master secret off.
pub const MBEDTLS_SSL_EXTENDED_MS_DISABLED: c_int = 0;
/// Extended master secret on.
pub const MBEDTLS_SSL_EXTENDED_MS_ENABLED: c_int = 1;
/// Encrypt-then-MAC off (no CBC suites here: always off).
pub const MBEDTLS_SSL_ETM_DISABLED: c_int = 0;
/// Encrypt-then-MAC on.
pub const MBEDTLS_SSL_ETM_ENABLED: c_int = 1;
/// No maximum fragment length.
pub const MBEDTLS_SSL_MAX_FRAG_LEN_NONE: c_int = 0;

/// Alert level: warning.
pub const MBEDTLS_SSL_ALERT_LEVEL_WARNING: c_int = 1;
/// Alert level: fatal.
pub const MBEDTLS_SSL_ALERT_LEVEL_FATAL: c_int = 2;
/// Alert: close_notify.
pub const MBEDTLS_SSL_ALERT_MSG_CLOSE_NOTIFY: c_int = 0;
/// Alert: unexpected_message.
pub const MBEDTLS_SSL_ALERT_MSG_UNEXPECTED_MESSAGE: c_int = 10;
/// Alert: bad_record_mac.
pub const MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC: c_int = 20;
/// Alert: handshake_failure.
pub const MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE: c_int = 40;
/// Alert: no_certificate (SSL 3.0).
pub const MBEDTLS_SSL_ALERT_MSG_NO_CERT: c_int = 41;
/// Alert: bad_certificate.
pub const MBEDTLS_SSL_ALERT_MSG_BAD_CERT: c_int = 42;
/// Alert: certificate_expired.
pub const MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED: c_int = 45;
/// Alert: illegal_parameter.
pub const MBEDTLS_SSL_ALERT_MSG_ILLEGAL_PARAMETER: c_int = 47;
/// Alert: unknown_ca.
pub const MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA: c_int = 48;
/// Alert: access_denied.
pub const MBEDTLS_SSL_ALERT_MSG_ACCESS_DENIED: c_int = 49;
/// Alert: decode_error.
pub const MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR: c_int = 50;
/// Alert: decrypt_error.
pub const MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR: c_int = 51;
/// Alert: protocol_version.
pub const MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION: c_int = 70;
/// Alert: insufficient_security.
pub const MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY: c_int = 71;
/// Alert: internal_error.
pub const MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR: c_int = 80;
/// Alert: inappropriate_fallback.
pub const MBEDTLS_SSL_ALERT_MSG_INAPROPRIATE_FALLBACK: c_int = 86;
/// Alert: user_canceled.
pub const MBEDTLS_SSL_ALERT_MSG_USER_CANCELED: c_int = 90;
/// Alert: no_renegotiation.
pub const MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION: c_int = 100;
/// Alert: unrecognized_name.
pub const MBEDTLS_SSL_ALERT_MSG_UNRECOGNIZED_NAME: c_int = 112;
/// Alert: certificate_required.
pub const MBEDTLS_SSL_ALERT_MSG_CERT_REQUIRED: c_int = 116;
/// Alert: no_application_protocol.
pub const MBEDTLS_SSL_ALERT_MSG_NO_APPLICATION_PROTOCOL: c_int = 120;

/// Handshake state: before the first message (`ssl->state` values are internal here).
pub const MBEDTLS_SSL_HELLO_REQUEST: c_int = 0;
/// Handshake state: the handshake is complete.
pub const MBEDTLS_SSL_HANDSHAKE_OVER: c_int = 27;

/// A TLS connection. Declare it anywhere, `mbedtls_ssl_init` it, `mbedtls_ssl_setup` it with a
/// configuration, and `mbedtls_ssl_free` it. The fields are private: use the functions.
#[repr(C)]
pub struct mbedtls_ssl_context {
    private_handle: *mut c_void,
}

/// A TLS configuration, shared by any number of contexts (also across threads).
#[repr(C)]
pub struct mbedtls_ssl_config {
    private_handle: *mut c_void,
}

// =============================================================================================
// Handles behind the shells

/// What `mbedtls_ssl_config.private_handle` points to.
struct ConfigHandle {
    config: Config,
    user_data: AtomicUsize,
}

/// What `mbedtls_ssl_context.private_handle` points to.
struct SslHandle {
    ctx: Context,
    /// The configuration shell the context was set up with, for `mbedtls_ssl_context_get_config`
    /// (returned to the caller, never dereferenced here).
    conf_shell: usize,
    hostname_c: Option<CString>,
    alpn_c: Option<CString>,
    /// The peer's certificates as C structs, built on the first `mbedtls_ssl_get_peer_cert`
    /// after a handshake; dropped on reset.
    peer_crt: Option<PeerChain>,
    user_data: usize,
}

/// A certificate chain owned by a context (freed with it).
struct PeerChain(*mut mbedtls_x509_crt);

impl Drop for PeerChain {
    fn drop(&mut self) {
        // SAFETY: made by Box::into_raw of new_chain_from_ders; freed once, here.
        unsafe { free_owned_chain(Box::from_raw(self.0)) };
    }
}

/// A pointer the application handed us together with a callback, passed back unchanged.
#[derive(Clone, Copy)]
pub(crate) struct AppPtr(pub(crate) *mut c_void);
// SAFETY: we never dereference it; the application that shares a configuration between threads
// promises, as with Mbed TLS, that its callbacks and their data may be used from those threads.
unsafe impl Send for AppPtr {}
unsafe impl Sync for AppPtr {}

/// `mbedtls_ssl_conf_sni`'s callback type.
type SniFn = unsafe extern "C" fn(
    p_sni: *mut c_void,
    ssl: *mut mbedtls_ssl_context,
    name: *const c_uchar,
    name_len: usize,
) -> c_int;

struct SniHook {
    f: SniFn,
    p: AppPtr,
}

type DebugFn = unsafe extern "C" fn(*mut c_void, c_int, *const c_char, c_int, *const c_char);

/// Debug lines to the application's `f_dbg`.
struct CDebug {
    f: DebugFn,
    p: AppPtr,
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
struct CBio {
    p_bio: *mut c_void,
    f_send: Option<mbedtls_ssl_send_fn>,
    f_recv: Option<mbedtls_ssl_recv_fn>,
    f_recv_timeout: Option<mbedtls_ssl_recv_timeout_fn>,
}

type mbedtls_ssl_send_fn = unsafe extern "C" fn(*mut c_void, *const c_uchar, usize) -> c_int;
type mbedtls_ssl_recv_fn = unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int;
type mbedtls_ssl_recv_timeout_fn = unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize, u32) -> c_int;

/// A BIO callback's return value: a count, or a code passed back to the application unchanged.
fn bio_result(ret: c_int, asked: usize) -> Result<usize, Error> {
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
            (Some(f), _) => unsafe { f(self.p_bio, buf.as_mut_ptr(), buf.len(), timeout_ms) },
            (None, Some(f)) => unsafe { f(self.p_bio, buf.as_mut_ptr(), buf.len()) },
            (None, None) => return Err(Error::SslBadInputData),
        };
        bio_result(ret, buf.len())
    }
}

/// # Safety
/// `conf` is NULL or points to an `mbedtls_ssl_config`.
unsafe fn config_handle<'a>(conf: *const mbedtls_ssl_config) -> Option<&'a ConfigHandle> {
    if conf.is_null() {
        return None;
    }
    let p = unsafe { (*conf).private_handle } as *const ConfigHandle;
    // SAFETY: a non-NULL handle was created by `mbedtls_ssl_config_init` and lives until free.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// # Safety
/// `ssl` is NULL or points to an `mbedtls_ssl_context`.
unsafe fn ssl_handle<'a>(ssl: *const mbedtls_ssl_context) -> Option<&'a Guarded<SslHandle>> {
    if ssl.is_null() {
        return None;
    }
    let p = unsafe { (*ssl).private_handle } as *const Guarded<SslHandle>;
    // SAFETY: a non-NULL handle was created by `mbedtls_ssl_setup` and lives until free.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Runs `f` on the context behind `ssl`: BAD_INPUT_DATA for NULL, a context that was not set up,
/// or a re-entrant call from inside one of our callbacks.
unsafe fn with_ssl<R>(
    ssl: *const mbedtls_ssl_context,
    f: impl FnOnce(&mut SslHandle) -> Result<R, Error>,
) -> Result<R, Error> {
    let handle = unsafe { ssl_handle(ssl) }.ok_or(Error::SslBadInputData)?;
    handle.with(f)?
}

/// Runs a connection operation, running the application's SNI callback when the handshake
/// needs it. The callback runs with no borrow of the context held, so it can call
/// `mbedtls_ssl_set_hs_own_cert` and friends on `ssl`.
unsafe fn drive<R>(
    ssl: *mut mbedtls_ssl_context,
    mut op: impl FnMut(&mut Context) -> Result<R, Error>,
) -> Result<R, Error> {
    loop {
        match unsafe { with_ssl(ssl, |h| op(&mut h.ctx)) } {
            Err(Error::CallbackPending) => unsafe { run_pending_callback(ssl) }?,
            other => return other,
        }
    }
}

/// Runs the one application callback the context is waiting for (SNI, or a new TLS 1.3
/// ticket), with no borrow of the context held.
unsafe fn run_pending_callback(ssl: *mut mbedtls_ssl_context) -> Result<(), Error> {
    enum Due {
        Sni(Option<Arc<dyn Any + Send + Sync>>, String),
        Ticket(Option<Arc<dyn Any + Send + Sync>>, Session),
        Nothing,
    }
    let due = unsafe {
        with_ssl(ssl, |h| {
            let hooks = h.ctx.config().read(|s| (s.sni_callback.clone(), s.new_ticket_callback.clone()));
            Ok(if let Some(name) = h.ctx.pending_sni() {
                Due::Sni(hooks.0, name.to_owned())
            } else if let Some(session) = h.ctx.take_callback_ticket() {
                Due::Ticket(hooks.1, session)
            } else {
                Due::Nothing
            })
        })
    }?;
    match due {
        Due::Sni(hook, name) => {
            let ret = match hook.and_then(|a| a.downcast::<SniHook>().ok()) {
                // SAFETY: the application registered the callback with `mbedtls_ssl_conf_sni`.
                Some(hook) => unsafe { (hook.f)(hook.p.0, ssl, name.as_ptr(), name.len()) },
                None => -1,
            };
            unsafe {
                with_ssl(ssl, |h| {
                    h.ctx.finish_sni(ret);
                    Ok(())
                })
            }
        }
        Due::Ticket(hook, session) => {
            if let Some(hook) = hook.and_then(|a| a.downcast::<super::compat::NewTicketHook>().ok()) {
                let mut shell = mbedtls_ssl_session { private_handle: core::ptr::null_mut() };
                unsafe { session_put(&mut shell, session) };
                // SAFETY: registered with `mbedtls_compat_ssl_conf_new_session_ticket_cb`.
                unsafe { (hook.f)(hook.p.0, ssl, &shell) };
                unsafe { mbedtls_ssl_session_free(&mut shell) };
            }
            Ok(())
        }
        Due::Nothing => Ok(()),
    }
}

fn count(result: Result<usize, Error>) -> c_int {
    match result {
        Ok(n) => c_int::try_from(n).unwrap_or(c_int::MAX),
        Err(e) => code_of(e),
    }
}

fn authmode_from(value: c_int) -> Option<AuthMode> {
    match value {
        MBEDTLS_SSL_VERIFY_NONE => Some(AuthMode::None),
        MBEDTLS_SSL_VERIFY_OPTIONAL => Some(AuthMode::Optional),
        MBEDTLS_SSL_VERIFY_REQUIRED => Some(AuthMode::Required),
        _ => None,
    }
}

// =============================================================================================
// Configuration

/// Initialises a configuration shell: a client configuration with nothing set.
///
/// Writes without reading, so any memory (stack, global, `malloc`) is fine. Call
/// `mbedtls_ssl_config_free` once done.
///
/// # Safety
/// `conf` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_config`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_config_init(conf: *mut mbedtls_ssl_config) {
    entry!(mbedtls_ssl_config_init, {
        if conf.is_null() {
            return;
        }
        let handle = Box::new(ConfigHandle { config: Config::new(), user_data: AtomicUsize::new(0) });
        unsafe { conf.write(mbedtls_ssl_config { private_handle: Box::into_raw(handle).cast() }) };
    })
}

/// Frees the configuration. NULL, never-initialised (zeroed) and already freed shells are fine.
///
/// Differences from Mbed TLS: contexts set up with this configuration keep working (they share
/// it); in Mbed TLS freeing a configuration in use is undefined behaviour.
///
/// # Safety
/// `conf` is NULL or points to an `mbedtls_ssl_config` that was zeroed or initialised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_config_free(conf: *mut mbedtls_ssl_config) {
    entry!(mbedtls_ssl_config_free, {
        if conf.is_null() {
            return;
        }
        let p = unsafe { (*conf).private_handle } as *mut ConfigHandle;
        if !p.is_null() {
            // SAFETY: created by Box::into_raw in mbedtls_ssl_config_init.
            drop(unsafe { Box::from_raw(p) });
        }
        unsafe { (*conf).private_handle = core::ptr::null_mut() };
    })
}

/// Loads the default protocol settings for an endpoint.
///
/// Sets the endpoint, the authmode (`VERIFY_REQUIRED` for clients, `VERIFY_NONE` for servers),
/// versions TLS 1.2–1.3, all supported cipher suites, client session tickets on, and TLS 1.3
/// ticket signalling off. Callbacks, certificates and ALPN set earlier are kept.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL or an endpoint other than
/// `MBEDTLS_SSL_IS_CLIENT`/`MBEDTLS_SSL_IS_SERVER`; `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` for
/// `MBEDTLS_SSL_TRANSPORT_DATAGRAM` (DTLS is not supported).
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
        let Some(handle) = (unsafe { config_handle(conf) }) else {
            return code_of(Error::SslBadInputData);
        };
        let endpoint = match endpoint {
            MBEDTLS_SSL_IS_CLIENT => Endpoint::Client,
            MBEDTLS_SSL_IS_SERVER => Endpoint::Server,
            _ => return code_of(Error::SslBadInputData),
        };
        match transport {
            MBEDTLS_SSL_TRANSPORT_STREAM => {}
            MBEDTLS_SSL_TRANSPORT_DATAGRAM => return code_of(Error::SslFeatureUnavailable),
            _ => return code_of(Error::SslBadInputData),
        }
        let preset = if preset == MBEDTLS_SSL_PRESET_SUITEB { Preset::SuiteB } else { Preset::Default };
        handle.config.update(|s| s.apply_defaults(endpoint, preset));
        0
    })
}

/// Sets the endpoint (`MBEDTLS_SSL_IS_CLIENT` or `MBEDTLS_SSL_IS_SERVER`); other values are ignored.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_endpoint(conf: *mut mbedtls_ssl_config, endpoint: c_int) {
    entry!(mbedtls_ssl_conf_endpoint, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        let endpoint = match endpoint {
            MBEDTLS_SSL_IS_CLIENT => Endpoint::Client,
            MBEDTLS_SSL_IS_SERVER => Endpoint::Server,
            _ => return,
        };
        handle.config.update(|s| s.endpoint = endpoint);
    })
}

/// The configuration's endpoint (`MBEDTLS_SSL_IS_CLIENT` for NULL). A real function here; an
/// inline one in Mbed TLS 3.6.
///
/// # Safety
/// `conf` is NULL or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_get_endpoint(conf: *const mbedtls_ssl_config) -> c_int {
    entry!(mbedtls_ssl_conf_get_endpoint, {
        match unsafe { config_handle(conf) }.map(|h| h.config.read(|s| s.endpoint)) {
            Some(Endpoint::Server) => MBEDTLS_SSL_IS_SERVER,
            _ => MBEDTLS_SSL_IS_CLIENT,
        }
    })
}

/// Sets the transport. Only `MBEDTLS_SSL_TRANSPORT_STREAM` exists here; DTLS is refused later by
/// `mbedtls_ssl_config_defaults` / reported by this call being ignored.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_transport(conf: *mut mbedtls_ssl_config, transport: c_int) {
    entry!(mbedtls_ssl_conf_transport, {
        if transport != MBEDTLS_SSL_TRANSPORT_STREAM {
            log::error!("DTLS is not supported; the transport stays TLS");
        }
        let _ = conf;
    })
}

/// Sets how the peer certificate is checked: `MBEDTLS_SSL_VERIFY_NONE`, `_OPTIONAL` (verify,
/// report the flags through `mbedtls_ssl_get_verify_result`, continue) or `_REQUIRED` (abort the
/// handshake with `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED` when any flag is set). Other values are
/// ignored.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_authmode(conf: *mut mbedtls_ssl_config, authmode: c_int) {
    entry!(mbedtls_ssl_conf_authmode, {
        let (Some(handle), Some(mode)) = (unsafe { config_handle(conf) }, authmode_from(authmode)) else {
            return;
        };
        handle.config.update(|s| s.authmode = mode);
    })
}

/// Sets the trusted CA certificates (the chain starting at `ca_chain`, following `next`).
///
/// Differences from Mbed TLS: the certificates are copied now, so later changes to the chain do
/// not affect the configuration and the chain may be freed at once. CRLs (`ca_crl`) are not
/// supported and ignored. NULL `ca_chain` removes the CAs.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `ca_chain` is NULL or a parsed chain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_ca_chain(
    conf: *mut mbedtls_ssl_config,
    ca_chain: *mut mbedtls_x509_crt,
    ca_crl: *mut c_void,
) {
    entry!(mbedtls_ssl_conf_ca_chain, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        if !ca_crl.is_null() {
            log::error!("CRLs are not supported; ca_crl is ignored");
        }
        let chain = unsafe { chain_ders(ca_chain) }.map(Arc::<[_]>::from);
        handle.config.update(|s| s.ca_chain = chain);
    })
}

/// Adds an own certificate chain (`own_cert` and its `next` certificates) with its private key.
/// Several may be added (e.g. RSA and ECDSA); the first one whose key suits the peer is used.
///
/// Differences from Mbed TLS: the chain and key are copied now (both may be freed after the
/// call), and the key is checked against the certificate at once.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments or an empty chain;
/// `MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED` for an empty key; `MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH`
/// when the key does not belong to the certificate; `MBEDTLS_ERR_PK_KEY_INVALID_FORMAT` when the
/// crypto provider cannot use the key.
///
/// # Safety
/// Each pointer is NULL or points to an initialised object of its type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_own_cert(
    conf: *mut mbedtls_ssl_config,
    own_cert: *mut mbedtls_x509_crt,
    pk_key: *mut mbedtls_pk_context,
) -> c_int {
    entry!(mbedtls_ssl_conf_own_cert, {
        let Some(handle) = (unsafe { config_handle(conf) }) else {
            return code_of(Error::SslBadInputData);
        };
        match unsafe { own_cert_from(own_cert, pk_key) } {
            Ok(cert) => {
                handle.config.update(|s| s.own_certs.push(cert));
                0
            }
            Err(e) => code_of(e),
        }
    })
}

unsafe fn own_cert_from(crt: *const mbedtls_x509_crt, key: *const mbedtls_pk_context) -> Result<Arc<OwnCert>, Error> {
    let chain = unsafe { chain_ders(crt) }.filter(|c| !c.is_empty()).ok_or(Error::SslBadInputData)?;
    let key = unsafe { private_key_der(key) }.ok_or(Error::SslPrivateKeyRequired)?;
    Ok(Arc::new(OwnCert::new(chain, key)?))
}

/// Sets the random generator callback. A configuration without one cannot handshake
/// (`MBEDTLS_ERR_SSL_NO_RNG`), as in Mbed TLS.
///
/// Differences from Mbed TLS: the TLS stack draws its randomness from the crypto provider's
/// CSPRNG (aws-lc, seeded by the operating system); `f_rng` itself is not called.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_rng(
    conf: *mut mbedtls_ssl_config,
    f_rng: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    p_rng: *mut c_void,
) {
    entry!(mbedtls_ssl_conf_rng, {
        let _ = p_rng;
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        handle.config.update(|s| s.rng_set = f_rng.is_some());
    })
}

/// Sets the debug callback: `f_dbg(p_dbg, level, file, line, text)` receives the library's
/// debug lines (including rustls's) up to the threshold of `mbedtls_debug_set_threshold`.
/// `text` ends with a newline. NULL removes the callback.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_dbg(
    conf: *mut mbedtls_ssl_config,
    f_dbg: Option<unsafe extern "C" fn(*mut c_void, c_int, *const c_char, c_int, *const c_char)>,
    p_dbg: *mut c_void,
) {
    entry!(mbedtls_ssl_conf_dbg, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        let sink = f_dbg.map(|f| Arc::new(CDebug { f, p: AppPtr(p_dbg) }) as Arc<dyn DebugSink>);
        handle.config.update(|s| s.debug = sink);
    })
}

/// Sets the read timeout in milliseconds passed to the `f_recv_timeout` BIO callback
/// (0 = wait forever). A timeout gives `MBEDTLS_ERR_SSL_TIMEOUT`; the call can be repeated.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_read_timeout(conf: *mut mbedtls_ssl_config, timeout: u32) {
    entry!(mbedtls_ssl_conf_read_timeout, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        handle.config.update(|s| s.read_timeout_ms = timeout);
    })
}

/// Sets the allowed cipher suites, in order of preference: a 0-terminated list of IANA numbers
/// (`MBEDTLS_TLS_*`). Suites this library does not implement (CBC, RSA key exchange, DHE, PSK,
/// ...) are ignored; when no usable suite is left, `mbedtls_ssl_setup` and the handshake fail
/// with `MBEDTLS_ERR_SSL_BAD_CONFIG`. NULL restores the default list.
///
/// Differences from Mbed TLS: the list is copied now (Mbed TLS keeps the pointer).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `ciphersuites` is NULL or a
/// 0-terminated array.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_ciphersuites(conf: *mut mbedtls_ssl_config, ciphersuites: *const c_int) {
    entry!(mbedtls_ssl_conf_ciphersuites, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        let list = (!ciphersuites.is_null()).then(|| {
            let mut list = Vec::new();
            let mut p = ciphersuites;
            // SAFETY: the caller promises a 0-terminated array.
            while unsafe { *p } != 0 {
                if let Ok(id) = u16::try_from(unsafe { *p }) {
                    list.push(id);
                }
                p = unsafe { p.add(1) };
            }
            list
        });
        handle.config.update(|s| s.ciphersuites = list);
    })
}

fn version_from(version: mbedtls_ssl_protocol_version) -> Option<u16> {
    u16::try_from(version).ok().filter(|v| (0x0300..=0x0304).contains(v))
}

/// Sets the lowest TLS version (`MBEDTLS_SSL_VERSION_TLS1_2` or `_TLS1_3`). Versions below
/// TLS 1.2 are not supported: asking for them as minimum gives TLS 1.2.
/// A real function here; an inline one in Mbed TLS 3.6.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_min_tls_version(
    conf: *mut mbedtls_ssl_config,
    tls_version: mbedtls_ssl_protocol_version,
) {
    entry!(mbedtls_ssl_conf_min_tls_version, {
        let (Some(handle), Some(v)) = (unsafe { config_handle(conf) }, version_from(tls_version)) else { return };
        handle.config.update(|s| s.min_version = v.max(config::TLS1_2));
    })
}

/// Sets the highest TLS version (`MBEDTLS_SSL_VERSION_TLS1_2` or `_TLS1_3`). A maximum below
/// TLS 1.2 leaves nothing usable: setup fails with `MBEDTLS_ERR_SSL_BAD_CONFIG`.
/// A real function here; an inline one in Mbed TLS 3.6.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_max_tls_version(
    conf: *mut mbedtls_ssl_config,
    tls_version: mbedtls_ssl_protocol_version,
) {
    entry!(mbedtls_ssl_conf_max_tls_version, {
        let (Some(handle), Some(v)) = (unsafe { config_handle(conf) }, version_from(tls_version)) else { return };
        handle.config.update(|s| s.max_version = v);
    })
}

/// Deprecated form of `mbedtls_ssl_conf_min_tls_version` (`major` 3, `minor` 3 = TLS 1.2,
/// 4 = TLS 1.3).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_min_version(conf: *mut mbedtls_ssl_config, major: c_int, minor: c_int) {
    entry!(mbedtls_ssl_conf_min_version, {
        if major == MBEDTLS_SSL_MAJOR_VERSION_3 {
            unsafe { mbedtls_ssl_conf_min_tls_version(conf, 0x0300 | minor) };
        }
    })
}

/// Deprecated form of `mbedtls_ssl_conf_max_tls_version`.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_max_version(conf: *mut mbedtls_ssl_config, major: c_int, minor: c_int) {
    entry!(mbedtls_ssl_conf_max_version, {
        if major == MBEDTLS_SSL_MAJOR_VERSION_3 {
            unsafe { mbedtls_ssl_conf_max_tls_version(conf, 0x0300 | minor) };
        }
    })
}

/// Sets the ALPN protocols, most preferred first: a NULL-terminated array of C strings.
///
/// Differences from Mbed TLS: the names are copied now (Mbed TLS keeps the pointers).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL, an empty name, a name longer than 255 bytes or
/// a list longer than 65535 bytes in total.
///
/// # Safety
/// `conf` is NULL or an initialised configuration; `protos` is NULL or a NULL-terminated array
/// of NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_alpn_protocols(
    conf: *mut mbedtls_ssl_config,
    protos: *const *const c_char,
) -> c_int {
    entry!(mbedtls_ssl_conf_alpn_protocols, {
        let Some(handle) = (unsafe { config_handle(conf) }) else {
            return code_of(Error::SslBadInputData);
        };
        if protos.is_null() {
            return code_of(Error::SslBadInputData);
        }
        let mut list = Vec::new();
        let mut total = 0usize;
        let mut p = protos;
        // SAFETY: the caller promises a NULL-terminated array of C strings.
        while let Some(name) = unsafe { in_cstr(*p) } {
            let bytes = name.to_bytes();
            if bytes.is_empty() || bytes.len() > 255 {
                return code_of(Error::SslBadInputData);
            }
            total += bytes.len() + 1;
            if total > 65535 {
                return code_of(Error::SslBadInputData);
            }
            list.push(bytes.to_vec());
            p = unsafe { p.add(1) };
        }
        handle.config.update(|s| s.alpn = list);
        0
    })
}

/// Sets the server's SNI callback: `f_sni(p_sni, ssl, name, len)` is called during the
/// handshake when the client names a host; it may call `mbedtls_ssl_set_hs_own_cert`,
/// `mbedtls_ssl_set_hs_ca_chain` and `mbedtls_ssl_set_hs_authmode` on `ssl`, and returns 0 to
/// accept the name, non-zero to refuse it (fatal `unrecognized_name` alert,
/// `MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME`). It is not called when the client sends no name.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_sni(
    conf: *mut mbedtls_ssl_config,
    f_sni: Option<unsafe extern "C" fn(*mut c_void, *mut mbedtls_ssl_context, *const c_uchar, usize) -> c_int>,
    p_sni: *mut c_void,
) {
    entry!(mbedtls_ssl_conf_sni, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        let hook = f_sni.map(|f| Arc::new(SniHook { f, p: AppPtr(p_sni) }) as Arc<dyn Any + Send + Sync>);
        handle.config.update(|s| s.sni_callback = hook);
    })
}

/// Client: offer and accept TLS 1.2 session tickets (`MBEDTLS_SSL_SESSION_TICKETS_ENABLED`,
/// the default for clients) or not (`_DISABLED`).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_session_tickets(conf: *mut mbedtls_ssl_config, use_tickets: c_int) {
    entry!(mbedtls_ssl_conf_session_tickets, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        handle.config.update(|s| s.session_tickets = use_tickets != 0);
    })
}

/// Stores an application pointer in the configuration.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_set_user_data_p(conf: *mut mbedtls_ssl_config, p: *mut c_void) {
    entry!(mbedtls_ssl_conf_set_user_data_p, {
        if let Some(handle) = unsafe { config_handle(conf) } {
            handle.user_data.store(p as usize, Ordering::Relaxed);
        }
    })
}

/// The pointer stored with `mbedtls_ssl_conf_set_user_data_p` (NULL if none).
///
/// # Safety
/// `conf` is NULL or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_get_user_data_p(conf: *mut mbedtls_ssl_config) -> *mut c_void {
    entry!(mbedtls_ssl_conf_get_user_data_p, {
        unsafe { config_handle(conf) }
            .map_or(core::ptr::null_mut(), |h| h.user_data.load(Ordering::Relaxed) as *mut c_void)
    })
}

// =============================================================================================
// Contexts

/// Initialises a context shell. Writes without reading. Follow with `mbedtls_ssl_setup`.
///
/// # Safety
/// `ssl` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_init(ssl: *mut mbedtls_ssl_context) {
    entry!(mbedtls_ssl_init, {
        if !ssl.is_null() {
            unsafe { ssl.write(mbedtls_ssl_context { private_handle: core::ptr::null_mut() }) };
        }
    })
}

/// Binds a context to a configuration. The configuration is shared: later changes to it apply
/// to the next handshake, and it may be used by other contexts on other threads at once.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, an uninitialised configuration or a
/// context that is already set up (call `mbedtls_ssl_free` + `mbedtls_ssl_init` first);
/// `MBEDTLS_ERR_SSL_BAD_CONFIG` when the configuration leaves no usable version/suite.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `conf` is NULL or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_setup(ssl: *mut mbedtls_ssl_context, conf: *const mbedtls_ssl_config) -> c_int {
    entry!(mbedtls_ssl_setup, {
        let Some(config) = (unsafe { config_handle(conf) }) else {
            return code_of(Error::SslBadInputData);
        };
        if ssl.is_null() || unsafe { !(*ssl).private_handle.is_null() } {
            return code_of(Error::SslBadInputData);
        }
        match Context::new(config.config.clone()) {
            Ok(ctx) => {
                let handle = Box::new(Guarded::new(SslHandle {
                    ctx,
                    conf_shell: conf as usize,
                    hostname_c: None,
                    alpn_c: None,
                    peer_crt: None,
                    user_data: 0,
                }));
                unsafe { (*ssl).private_handle = Box::into_raw(handle).cast() };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

/// Frees the context. NULL, zeroed, initialised-only and already freed shells are fine.
/// A context cannot free itself from inside one of its own callbacks (the call is ignored).
///
/// # Safety
/// `ssl` is NULL or points to an `mbedtls_ssl_context` that was zeroed or initialised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_free(ssl: *mut mbedtls_ssl_context) {
    entry!(mbedtls_ssl_free, {
        let Some(handle) = (unsafe { ssl_handle(ssl) }) else {
            if !ssl.is_null() {
                unsafe { (*ssl).private_handle = core::ptr::null_mut() };
            }
            return;
        };
        if handle.is_busy() {
            log::error!("mbedtls_ssl_free called from inside a callback of the same context: ignored");
            return;
        }
        let p = unsafe { (*ssl).private_handle } as *mut Guarded<SslHandle>;
        // SAFETY: created by Box::into_raw in mbedtls_ssl_setup; not in use (checked above).
        drop(unsafe { Box::from_raw(p) }.into_inner());
        unsafe { (*ssl).private_handle = core::ptr::null_mut() };
    })
}

/// Prepares the context for a new connection: the handshake state, buffers, session and peer
/// data are cleared; the configuration, BIO callbacks and host name are kept.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_reset(ssl: *mut mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_session_reset, {
        status(unsafe {
            with_ssl(ssl, |h| {
                h.ctx.reset();
                h.alpn_c = None;
                h.peer_crt = None;
                Ok(())
            })
        })
    })
}

/// Sets the transport callbacks. `f_recv_timeout`, when given, is always used for reading (with
/// the configured read timeout), otherwise `f_recv`. Their return values follow
/// `mbedtls_net_send`/`_recv`: byte counts, or negative codes such as
/// `MBEDTLS_ERR_SSL_WANT_READ`, which the TLS functions pass back unchanged.
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context; the callbacks must be valid to call with
/// `p_bio` for as long as the context uses them.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_bio(
    ssl: *mut mbedtls_ssl_context,
    p_bio: *mut c_void,
    f_send: Option<unsafe extern "C" fn(*mut c_void, *const c_uchar, usize) -> c_int>,
    f_recv: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize) -> c_int>,
    f_recv_timeout: Option<unsafe extern "C" fn(*mut c_void, *mut c_uchar, usize, u32) -> c_int>,
) {
    entry!(mbedtls_ssl_set_bio, {
        let _ = unsafe {
            with_ssl(ssl, |h| {
                h.ctx.set_transport(Box::new(CBio { p_bio, f_send, f_recv, f_recv_timeout }));
                Ok(())
            })
        };
    })
}

/// Sets the server's host name: sent as SNI and matched against the server certificate.
/// NULL clears it and explicitly turns off the name check (Mbed TLS 3.6.3+ semantics; without
/// any call, a client with `VERIFY_REQUIRED` refuses to handshake with
/// `MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME`). An IP address string is matched
/// against the certificate's IP addresses and not sent as SNI.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL/not-set-up context, a name longer than
/// `MBEDTLS_SSL_MAX_HOST_NAME_LEN` or one that is not a valid DNS name or IP address.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `hostname` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_hostname(ssl: *mut mbedtls_ssl_context, hostname: *const c_char) -> c_int {
    entry!(mbedtls_ssl_set_hostname, {
        let name = unsafe { in_cstr(hostname) };
        status(unsafe {
            with_ssl(ssl, |h| {
                match name {
                    None => {
                        h.ctx.set_hostname(Hostname::OptedOut);
                        h.hostname_c = None;
                    }
                    Some(name) => {
                        let text = name.to_str().map_err(|_| Error::SslBadInputData)?;
                        if text.len() > MBEDTLS_SSL_MAX_HOST_NAME_LEN as usize
                            || rustls::pki_types::ServerName::try_from(text).is_err()
                        {
                            return Err(Error::SslBadInputData);
                        }
                        h.ctx.set_hostname(Hostname::Name(text.to_owned()));
                        h.hostname_c = Some(name.to_owned());
                    }
                }
                Ok(())
            })
        })
    })
}

/// The host name set with `mbedtls_ssl_set_hostname`, or NULL. Valid until the next call that
/// changes it. A real function here; an inline one in Mbed TLS 3.6.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_hostname(ssl: *mut mbedtls_ssl_context) -> *const c_char {
    entry!(mbedtls_ssl_get_hostname, {
        unsafe { with_ssl(ssl, |h| Ok(h.hostname_c.as_ref().map_or(core::ptr::null(), |c| c.as_ptr()))) }
            .unwrap_or(core::ptr::null())
    })
}

/// Performs the handshake.
///
/// # Returns
/// 0 when complete; `MBEDTLS_ERR_SSL_WANT_READ`/`_WANT_WRITE` (non-blocking transport: call
/// again), `MBEDTLS_ERR_SSL_TIMEOUT`, or a fatal error: `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED`
/// (see `mbedtls_ssl_get_verify_result`), `MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE` (the peer sent
/// an alert), `MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE`, `MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION`,
/// `MBEDTLS_ERR_SSL_NO_RNG`, `MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED`,
/// `MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME`, `MBEDTLS_ERR_SSL_CONN_EOF`,
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` (no BIO, not set up), or a code from the BIO callbacks.
/// After a fatal error the context must be reset before reuse.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_handshake(ssl: *mut mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_handshake, { status(unsafe { drive(ssl, Context::handshake) }) })
}

/// Advances the handshake. Here it runs the handshake as far as the transport allows (there
/// are no separately observable steps); returns like `mbedtls_ssl_handshake`.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_handshake_step(ssl: *mut mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_handshake_step, { status(unsafe { drive(ssl, Context::handshake) }) })
}

/// Reads application data (completing the handshake first if needed).
///
/// # Returns
/// The number of bytes read (> 0); 0 when the transport reached end of file;
/// `MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY` once the peer has sent close_notify;
/// `MBEDTLS_ERR_SSL_WANT_READ`/`_WANT_WRITE`/`_TIMEOUT` (call again); a fatal error as for
/// `mbedtls_ssl_handshake`; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL or `(NULL, len > 0)`.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `buf` is NULL or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_read(ssl: *mut mbedtls_ssl_context, buf: *mut c_uchar, len: usize) -> c_int {
    entry!(mbedtls_ssl_read, {
        let Some(out) = (unsafe { out_slice(buf, len) }) else {
            return code_of(Error::SslBadInputData);
        };
        count(unsafe { drive(ssl, |ctx| ctx.read(out)) })
    })
}

/// Writes application data (completing the handshake first if needed). At most
/// `MBEDTLS_SSL_OUT_CONTENT_LEN` bytes are taken per call.
///
/// # Returns
/// The number of bytes written; `MBEDTLS_ERR_SSL_WANT_WRITE`/`_WANT_READ` (call again with the
/// same data); a fatal error; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL or `(NULL, len > 0)`.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `buf` is NULL or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_write(ssl: *mut mbedtls_ssl_context, buf: *const c_uchar, len: usize) -> c_int {
    entry!(mbedtls_ssl_write, {
        let Some(data) = (unsafe { in_slice(buf, len) }) else {
            return code_of(Error::SslBadInputData);
        };
        count(unsafe { drive(ssl, |ctx| ctx.write(data)) })
    })
}

/// Sends a close_notify alert (nothing before the handshake is complete).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_WANT_WRITE` (call again); a BIO error; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA`.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_close_notify(ssl: *mut mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_close_notify, { status(unsafe { with_ssl(ssl, |h| h.ctx.close_notify()) }) })
}

/// Bytes of application data already decrypted and waiting to be read (0 for NULL).
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_bytes_avail(ssl: *const mbedtls_ssl_context) -> usize {
    entry!(mbedtls_ssl_get_bytes_avail, { unsafe { with_ssl(ssl, |h| Ok(h.ctx.bytes_available())) }.unwrap_or(0) })
}

/// 1 when data is buffered (decrypted or a partly received record), so that `mbedtls_ssl_read`
/// may return without reading the transport; 0 otherwise.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_check_pending(ssl: *const mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_check_pending, {
        unsafe { with_ssl(ssl, |h| Ok(c_int::from(h.ctx.has_pending()))) }.unwrap_or(0)
    })
}

/// 1 when the handshake is complete, 0 otherwise (also for NULL). A real function here; an
/// inline one in Mbed TLS 3.6.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_is_handshake_over(ssl: *mut mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_is_handshake_over, {
        unsafe { with_ssl(ssl, |h| Ok(c_int::from(h.ctx.is_handshake_over()))) }.unwrap_or(0)
    })
}

/// The negotiated version as text: `"TLSv1.2"`, `"TLSv1.3"`, or `"unknown"` before the handshake.
///
/// Differences from Mbed TLS: before the handshake Mbed TLS 3.6 names the configured maximum.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_version(ssl: *const mbedtls_ssl_context) -> *const c_char {
    entry!(mbedtls_ssl_get_version, {
        let version = unsafe { with_ssl(ssl, |h| Ok(h.ctx.info().map_or(0, |i| i.version))) }.unwrap_or(0);
        match version {
            0x0303 => c"TLSv1.2".as_ptr(),
            0x0304 => c"TLSv1.3".as_ptr(),
            _ => c"unknown".as_ptr(),
        }
    })
}

/// The negotiated version (`MBEDTLS_SSL_VERSION_TLS1_2`/`_TLS1_3`), or
/// `MBEDTLS_SSL_VERSION_UNKNOWN` before the handshake. A real function here; inline in 3.6.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_version_number(
    ssl: *const mbedtls_ssl_context,
) -> mbedtls_ssl_protocol_version {
    entry!(mbedtls_ssl_get_version_number, {
        unsafe { with_ssl(ssl, |h| Ok(h.ctx.info().map_or(0, |i| c_int::from(i.version)))) }.unwrap_or(0)
    })
}

/// The negotiated cipher suite's name (e.g. `"TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256"`,
/// `"TLS1-3-AES-128-GCM-SHA256"`), or NULL before the handshake.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_ciphersuite(ssl: *const mbedtls_ssl_context) -> *const c_char {
    entry!(mbedtls_ssl_get_ciphersuite, {
        match unsafe { with_ssl(ssl, |h| Ok(h.ctx.info().map(|i| i.suite))) } {
            Ok(Some(id)) => ssl_ciphersuites::name_of(id).map_or(core::ptr::null(), |n| n.as_ptr()),
            _ => core::ptr::null(),
        }
    })
}

/// The negotiated cipher suite's IANA number, or 0 before the handshake.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_ciphersuite_id_from_ssl(ssl: *const mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_get_ciphersuite_id_from_ssl, {
        unsafe { with_ssl(ssl, |h| Ok(h.ctx.info().map_or(0, |i| c_int::from(i.suite)))) }.unwrap_or(0)
    })
}

/// The certificate verification result of the last handshake: 0 when the peer certificate was
/// verified, a mask of `MBEDTLS_X509_BADCERT_*` flags otherwise (`MBEDTLS_X509_BADCERT_SKIP_VERIFY`
/// under `VERIFY_NONE`), and `0xFFFFFFFF` when there is no result (before a handshake, NULL),
/// as in Mbed TLS 3.6.6.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_verify_result(ssl: *const mbedtls_ssl_context) -> u32 {
    entry!(mbedtls_ssl_get_verify_result, {
        unsafe { with_ssl(ssl, |h| Ok(h.ctx.verify_result())) }.unwrap_or(u32::MAX)
    })
}

/// The negotiated ALPN protocol, or NULL. Valid until the context is reset or freed.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_alpn_protocol(ssl: *const mbedtls_ssl_context) -> *const c_char {
    entry!(mbedtls_ssl_get_alpn_protocol, {
        unsafe {
            with_ssl(ssl, |h| {
                let alpn = h.ctx.info().and_then(|i| i.alpn.clone());
                if h.alpn_c.as_ref().map(|c| c.as_bytes().to_vec()) != alpn {
                    h.alpn_c = alpn.and_then(|a| CString::new(a).ok());
                }
                Ok(h.alpn_c.as_ref().map_or(core::ptr::null(), |c| c.as_ptr()))
            })
        }
        .unwrap_or(core::ptr::null())
    })
}

/// The peer's certificate chain (end-entity first), or NULL before a handshake, when the peer
/// sent none, and for NULL. Owned by the context: valid until the next handshake, reset or
/// free. After a resumed handshake it holds the certificates saved with the session.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_peer_cert(ssl: *const mbedtls_ssl_context) -> *const mbedtls_x509_crt {
    entry!(mbedtls_ssl_get_peer_cert, {
        unsafe {
            with_ssl(ssl, |h| {
                if h.peer_crt.is_none() {
                    let Some(info) = h.ctx.info() else { return Ok(core::ptr::null()) };
                    if info.peer_chain.is_empty() {
                        return Ok(core::ptr::null());
                    }
                    let chain = new_chain_from_ders(&info.peer_chain).map_err(|_| Error::SslBadCertificate)?;
                    h.peer_crt = Some(PeerChain(Box::into_raw(chain)));
                }
                Ok(h.peer_crt.as_ref().map_or(core::ptr::null(), |c| c.0 as *const mbedtls_x509_crt))
            })
        }
        .unwrap_or(core::ptr::null())
    })
}

/// From inside the SNI callback: use this certificate chain and key for this handshake
/// (may be called several times to offer several certificates).
///
/// # Returns
/// 0, or the codes of `mbedtls_ssl_conf_own_cert`.
///
/// # Safety
/// Each pointer is NULL or points to an initialised object of its type.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_hs_own_cert(
    ssl: *mut mbedtls_ssl_context,
    own_cert: *mut mbedtls_x509_crt,
    pk_key: *mut mbedtls_pk_context,
) -> c_int {
    entry!(mbedtls_ssl_set_hs_own_cert, {
        let cert = match unsafe { own_cert_from(own_cert, pk_key) } {
            Ok(cert) => cert,
            Err(e) => return code_of(e),
        };
        status(unsafe {
            with_ssl(ssl, |h| {
                h.ctx.set_hs_own_cert(cert);
                Ok(())
            })
        })
    })
}

/// From inside the SNI callback: trust these CAs for the client certificate of this handshake.
/// CRLs are not supported (`ca_crl` is ignored).
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context; `ca_chain` is NULL or a parsed chain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_hs_ca_chain(
    ssl: *mut mbedtls_ssl_context,
    ca_chain: *mut mbedtls_x509_crt,
    ca_crl: *mut c_void,
) {
    entry!(mbedtls_ssl_set_hs_ca_chain, {
        let _ = ca_crl;
        if let Some(chain) = unsafe { chain_ders(ca_chain) } {
            let _ = unsafe {
                with_ssl(ssl, |h| {
                    h.ctx.set_hs_ca_chain(chain.into());
                    Ok(())
                })
            };
        }
    })
}

/// From inside the SNI callback: the client-certificate authmode for this handshake
/// (`MBEDTLS_SSL_VERIFY_UNSET` keeps the configuration's).
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_hs_authmode(ssl: *mut mbedtls_ssl_context, authmode: c_int) {
    entry!(mbedtls_ssl_set_hs_authmode, {
        if let Some(mode) = authmode_from(authmode) {
            let _ = unsafe {
                with_ssl(ssl, |h| {
                    h.ctx.set_hs_authmode(mode);
                    Ok(())
                })
            };
        }
    })
}

/// The configuration the context was set up with (the pointer given to `mbedtls_ssl_setup`),
/// or NULL. A real function here; an inline one in Mbed TLS 3.6.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_context_get_config(ssl: *const mbedtls_ssl_context) -> *const mbedtls_ssl_config {
    entry!(mbedtls_ssl_context_get_config, {
        unsafe { with_ssl(ssl, |h| Ok(h.conf_shell as *const mbedtls_ssl_config)) }.unwrap_or(core::ptr::null())
    })
}

/// Stores an application pointer in the context.
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_user_data_p(ssl: *mut mbedtls_ssl_context, p: *mut c_void) {
    entry!(mbedtls_ssl_set_user_data_p, {
        let _ = unsafe {
            with_ssl(ssl, |h| {
                h.user_data = p as usize;
                Ok(())
            })
        };
    })
}

/// The pointer stored with `mbedtls_ssl_set_user_data_p` (NULL if none).
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_user_data_p(ssl: *mut mbedtls_ssl_context) -> *mut c_void {
    entry!(mbedtls_ssl_get_user_data_p, {
        unsafe { with_ssl(ssl, |h| Ok(h.user_data as *mut c_void)) }.unwrap_or(core::ptr::null_mut())
    })
}

/// Configures what a TLS 1.3 client does with NewSessionTicket messages:
/// `MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_DISABLED` (the default since Mbed TLS 3.6.1:
/// tickets cause no error code) or `_ENABLED`: `mbedtls_ssl_read`, `_write` and `_handshake`
/// return `MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET` once per ticket (several tickets in one
/// record give one return each); call `mbedtls_ssl_get_session` to take the ticket, then call
/// the function again.
///
/// Differences from Mbed TLS: with signalling disabled the tickets are still kept, so
/// `mbedtls_ssl_get_session` returns a resumable session holding the newest ticket (Mbed TLS
/// drops them and returns a session that cannot resume).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
    conf: *mut mbedtls_ssl_config,
    signal_new_session_tickets: c_int,
) {
    entry!(mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        handle.config.update(|s| s.signal_new_session_tickets = signal_new_session_tickets != 0);
    })
}

// =============================================================================================
// Sessions

/// A TLS session: declare it, `mbedtls_ssl_session_init` it, fill it with
/// `mbedtls_ssl_get_session` or `mbedtls_ssl_session_load`, `mbedtls_ssl_session_free` it.
#[repr(C)]
pub struct mbedtls_ssl_session {
    private_handle: *mut c_void,
}

/// What `mbedtls_ssl_session.private_handle` points to.
struct SessionHandle {
    session: Session,
    /// The session ID as the 32-byte array `mbedtls_ssl_session_get_id` points to.
    id: [c_uchar; 32],
}

/// # Safety
/// `session` is NULL or points to an `mbedtls_ssl_session`.
unsafe fn session_ref<'a>(session: *const mbedtls_ssl_session) -> Option<&'a SessionHandle> {
    if session.is_null() {
        return None;
    }
    let p = unsafe { (*session).private_handle } as *const SessionHandle;
    (!p.is_null()).then(|| unsafe { &*p })
}

/// Replaces whatever `shell` holds with `session`.
///
/// # Safety
/// `shell` points to an initialised (or zeroed) `mbedtls_ssl_session`.
pub(crate) unsafe fn session_put(shell: *mut mbedtls_ssl_session, session: Session) {
    unsafe { mbedtls_ssl_session_free(shell) };
    let mut id = [0; 32];
    id[..session.id.len().min(32)].copy_from_slice(&session.id[..session.id.len().min(32)]);
    let handle = Box::new(SessionHandle { session, id });
    unsafe { (*shell).private_handle = Box::into_raw(handle).cast() };
}

/// Initialises a session shell (empty). Writes without reading.
///
/// # Safety
/// `session` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_session`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_init(session: *mut mbedtls_ssl_session) {
    entry!(mbedtls_ssl_session_init, {
        if !session.is_null() {
            unsafe { session.write(mbedtls_ssl_session { private_handle: core::ptr::null_mut() }) };
        }
    })
}

/// Frees what the session holds and leaves it empty. NULL, zeroed and already freed shells
/// are fine.
///
/// # Safety
/// `session` is NULL or points to a zeroed or initialised `mbedtls_ssl_session`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_free(session: *mut mbedtls_ssl_session) {
    entry!(mbedtls_ssl_session_free, {
        if session.is_null() {
            return;
        }
        let p = unsafe { (*session).private_handle } as *mut SessionHandle;
        if !p.is_null() {
            // SAFETY: created by Box::into_raw in session_put.
            drop(unsafe { Box::from_raw(p) });
        }
        unsafe { (*session).private_handle = core::ptr::null_mut() };
    })
}

/// Client: copies the connection's session into `session` (a deep copy that stays valid after
/// the context is freed). For TLS 1.3 it is the last ticket received (see
/// `mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets`), or a session without a ticket
/// when none has arrived yet.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL, a server context, or before the first
/// handshake / after `mbedtls_ssl_session_reset`; `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` when
/// this session (or this ticket) was already exported (Mbed TLS 3.6: once each).
///
/// # Safety
/// `ssl` is NULL or an initialised context; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_session(
    ssl: *const mbedtls_ssl_context,
    session: *mut mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_ssl_get_session, {
        if session.is_null() {
            return code_of(Error::SslBadInputData);
        }
        match unsafe { with_ssl(ssl, |h| h.ctx.export_session()) } {
            Ok(copy) => {
                unsafe { session_put(session, copy) };
                0
            }
            Err(e) => code_of(e),
        }
    })
}

/// Client: offers `session` (copied) for resumption in the next handshake. Call after
/// `mbedtls_ssl_setup` or `mbedtls_ssl_session_reset`, before the handshake, and set the same
/// host name the session was established with: a session is only offered to its own host
/// name. The server may still choose a full handshake (no error then).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL, an empty session, a server context or
/// session, after the handshake started, or a TLS 1.3 session whose cipher suite the
/// configuration does not allow; `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` when a session is
/// already set for this handshake (nothing changes).
///
/// # Safety
/// `ssl` is NULL or an initialised context; `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_session(
    ssl: *mut mbedtls_ssl_context,
    session: *const mbedtls_ssl_session,
) -> c_int {
    entry!(mbedtls_ssl_set_session, {
        let Some(handle) = (unsafe { session_ref(session) }) else {
            return code_of(Error::SslBadInputData);
        };
        status(unsafe { with_ssl(ssl, |h| h.ctx.set_session(&handle.session)) })
    })
}

/// Serialises the session (our own versioned format, see the README: it survives library
/// upgrades, unlike Mbed TLS's). `*olen` is always set to the size needed.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL` when `buf_len` is too small (nothing is written; call
/// with `(NULL, 0, &olen)` to learn the size); `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` for an empty
/// session; `MBEDTLS_ERR_SSL_INTERNAL_ERROR` for a NULL session (as Mbed TLS 3.6);
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL `olen` or `(NULL, buf_len > 0)`.
///
/// # Safety
/// `session` is NULL or an initialised session; `buf` is NULL or valid for `buf_len` bytes;
/// `olen` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_save(
    session: *const mbedtls_ssl_session,
    buf: *mut c_uchar,
    buf_len: usize,
    olen: *mut usize,
) -> c_int {
    entry!(mbedtls_ssl_session_save, {
        if session.is_null() {
            return code_of(Error::SslInternalError);
        }
        if olen.is_null() {
            return code_of(Error::SslBadInputData);
        }
        let Some(out) = (unsafe { out_slice(buf, buf_len) }) else {
            return code_of(Error::SslBadInputData);
        };
        let Some(handle) = (unsafe { session_ref(session) }) else {
            return code_of(Error::SslFeatureUnavailable);
        };
        let bytes = match handle.session.save() {
            Ok(bytes) => bytes,
            Err(e) => return code_of(e),
        };
        unsafe { olen.write(bytes.len()) };
        if out.len() < bytes.len() {
            return code_of(Error::SslBufferTooSmall);
        }
        out[..bytes.len()].copy_from_slice(&bytes);
        0
    })
}

/// Loads a session saved by `mbedtls_ssl_session_save` (of this or an earlier version of this
/// library). On any error the session is freed (left empty), as in Mbed TLS.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL, `(NULL, len > 0)`, and truncated, corrupted or
/// trailing data; `MBEDTLS_ERR_SSL_VERSION_MISMATCH` for a format from a newer version.
///
/// # Safety
/// `session` is NULL or an initialised session; `buf` is NULL or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_load(
    session: *mut mbedtls_ssl_session,
    buf: *const c_uchar,
    len: usize,
) -> c_int {
    entry!(mbedtls_ssl_session_load, {
        if session.is_null() {
            return code_of(Error::SslBadInputData);
        }
        let result = match unsafe { in_slice(buf, len) } {
            Some(bytes) => Session::load(bytes),
            None => Err(Error::SslBadInputData),
        };
        match result {
            Ok(loaded) => {
                unsafe { session_put(session, loaded) };
                0
            }
            Err(e) => {
                unsafe { mbedtls_ssl_session_free(session) };
                code_of(e)
            }
        }
    })
}

/// The session ID: a pointer to 32 bytes of which `mbedtls_ssl_session_get_id_len` are used
/// (NULL for NULL or an empty session). Valid while the session is. A real function here;
/// inline in Mbed TLS 3.6.
///
/// # Safety
/// `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_get_id(session: *const mbedtls_ssl_session) -> *const [c_uchar; 32] {
    entry!(mbedtls_ssl_session_get_id, {
        unsafe { session_ref(session) }.map_or(core::ptr::null(), |h| &h.id as *const [c_uchar; 32])
    })
}

/// The length of the session ID (0 for none, NULL or an empty session).
///
/// # Safety
/// `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_get_id_len(session: *const mbedtls_ssl_session) -> usize {
    entry!(mbedtls_ssl_session_get_id_len, { unsafe { session_ref(session) }.map_or(0, |h| h.session.id.len()) })
}

/// The session's cipher suite (IANA number; 0 for NULL or an empty session).
///
/// # Safety
/// `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_get_ciphersuite_id(session: *const mbedtls_ssl_session) -> c_int {
    entry!(mbedtls_ssl_session_get_ciphersuite_id, {
        unsafe { session_ref(session) }.map_or(0, |h| c_int::from(h.session.suite))
    })
}

/// Server sessions: when the ticket was issued, in ms since the epoch.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL arguments, an empty session or a client session
/// (as Mbed TLS 3.6).
///
/// # Safety
/// `session` is NULL or an initialised session; `ticket_creation_time` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_get_ticket_creation_time(
    session: *mut mbedtls_ssl_session,
    ticket_creation_time: *mut i64,
) -> c_int {
    entry!(mbedtls_ssl_session_get_ticket_creation_time, {
        let Some(handle) = (unsafe { session_ref(session) }) else {
            return code_of(Error::SslBadInputData);
        };
        if ticket_creation_time.is_null() || handle.session.endpoint != Endpoint::Server {
            return code_of(Error::SslBadInputData);
        }
        unsafe { ticket_creation_time.write(i64::try_from(handle.session.ticket_time_ms).unwrap_or(i64::MAX)) };
        0
    })
}

/// Crate-internal: whether the last handshake resumed (for `compat.h`).
pub(crate) unsafe fn resumed(ssl: *const mbedtls_ssl_context) -> bool {
    unsafe { with_ssl(ssl, |h| Ok(h.ctx.resumed())) }.unwrap_or(false)
}

/// Crate-internal: changes a configuration's settings (for `compat.h`); NULL is ignored.
pub(crate) unsafe fn update_config(conf: *mut mbedtls_ssl_config, f: impl FnOnce(&mut config::Settings)) {
    if let Some(handle) = unsafe { config_handle(conf) } {
        handle.config.update(f);
    }
}

/// Crate-internal: the session inside a shell (None for NULL or empty).
///
/// # Safety
/// `session` is NULL or points to an initialised `mbedtls_ssl_session`.
pub(crate) unsafe fn session_value<'a>(session: *const mbedtls_ssl_session) -> Option<&'a Session> {
    unsafe { session_ref(session) }.map(|h| &h.session)
}

/// Takes the session out of a shell, leaving it empty.
unsafe fn session_take(shell: *mut mbedtls_ssl_session) -> Option<Session> {
    let p = unsafe { (*shell).private_handle } as *mut SessionHandle;
    if p.is_null() {
        return None;
    }
    unsafe { (*shell).private_handle = core::ptr::null_mut() };
    // SAFETY: created by Box::into_raw in session_put.
    Some(unsafe { Box::from_raw(p) }.session)
}

// =============================================================================================
// Server session cache and tickets

type CacheGetFn = unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *mut mbedtls_ssl_session) -> c_int;
type CacheSetFn = unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *const mbedtls_ssl_session) -> c_int;
type TicketWriteFn = unsafe extern "C" fn(
    *mut c_void,
    *const mbedtls_ssl_session,
    *mut c_uchar,
    *const c_uchar,
    *mut usize,
    *mut u32,
) -> c_int;
type TicketParseFn = unsafe extern "C" fn(*mut c_void, *mut mbedtls_ssl_session, *mut c_uchar, usize) -> c_int;

/// The application's own cache callbacks (`f_get_cache`/`f_set_cache`).
struct CCacheStore {
    f_get: Option<CacheGetFn>,
    f_set: Option<CacheSetFn>,
    p: AppPtr,
}

impl SessionStore for CCacheStore {
    fn get(&self, id: &[u8]) -> Option<Session> {
        let f = self.f_get?;
        let mut shell = mbedtls_ssl_session { private_handle: core::ptr::null_mut() };
        // SAFETY: registered by the application with mbedtls_ssl_conf_session_cache.
        let ret = unsafe { f(self.p.0, id.as_ptr(), id.len(), &mut shell) };
        let session = unsafe { session_take(&mut shell) };
        unsafe { mbedtls_ssl_session_free(&mut shell) };
        // Any non-zero return is a miss, as in Mbed TLS.
        if ret != 0 { None } else { session }
    }

    fn set(&self, id: &[u8], session: &Session) -> bool {
        let Some(f) = self.f_set else { return false };
        let mut shell = mbedtls_ssl_session { private_handle: core::ptr::null_mut() };
        unsafe { session_put(&mut shell, session.clone()) };
        // SAFETY: registered by the application with mbedtls_ssl_conf_session_cache.
        let ret = unsafe { f(self.p.0, id.as_ptr(), id.len(), &shell) };
        unsafe { mbedtls_ssl_session_free(&mut shell) };
        ret == 0
    }
}

/// The application's own ticket callbacks (`f_ticket_write`/`f_ticket_parse`).
struct CTicketCodec {
    f_write: TicketWriteFn,
    f_parse: TicketParseFn,
    p: AppPtr,
}

impl TicketCodec for CTicketCodec {
    fn write(&self, session: &Session) -> Option<(Vec<u8>, u32)> {
        let mut shell = mbedtls_ssl_session { private_handle: core::ptr::null_mut() };
        unsafe { session_put(&mut shell, session.clone()) };
        let mut buf = vec![0u8; 16384];
        let (mut tlen, mut lifetime) = (0usize, 0u32);
        // SAFETY: registered with mbedtls_ssl_conf_session_tickets_cb; [start, end) is `buf`.
        let ret = unsafe {
            (self.f_write)(self.p.0, &shell, buf.as_mut_ptr(), buf.as_ptr().add(buf.len()), &mut tlen, &mut lifetime)
        };
        unsafe { mbedtls_ssl_session_free(&mut shell) };
        if ret != 0 || tlen > buf.len() {
            // As Mbed TLS: a failed write means no ticket, not a failed handshake.
            return None;
        }
        buf.truncate(tlen);
        Some((buf, lifetime))
    }

    fn parse(&self, ticket: &[u8]) -> Option<Session> {
        let mut buf = ticket.to_vec();
        let mut shell = mbedtls_ssl_session { private_handle: core::ptr::null_mut() };
        // SAFETY: registered with mbedtls_ssl_conf_session_tickets_cb; buf is ours.
        let ret = unsafe { (self.f_parse)(self.p.0, &mut shell, buf.as_mut_ptr(), buf.len()) };
        let session = unsafe { session_take(&mut shell) };
        unsafe { mbedtls_ssl_session_free(&mut shell) };
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
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_session_cache(
    conf: *mut mbedtls_ssl_config,
    p_cache: *mut c_void,
    f_get_cache: Option<unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *mut mbedtls_ssl_session) -> c_int>,
    f_set_cache: Option<unsafe extern "C" fn(*mut c_void, *const c_uchar, usize, *const mbedtls_ssl_session) -> c_int>,
) {
    entry!(mbedtls_ssl_conf_session_cache, {
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        let builtin = f_get_cache.map(|f| f as usize) == Some(ssl_cache::mbedtls_ssl_cache_get as *const () as usize)
            && f_set_cache.map(|f| f as usize) == Some(ssl_cache::mbedtls_ssl_cache_set as *const () as usize);
        let store: Option<Arc<dyn SessionStore>> = match (f_get_cache, f_set_cache) {
            (None, None) => None,
            // The built-in cache, called directly rather than through its C entry points.
            _ if builtin => match unsafe { ssl_cache::cache_arc(p_cache.cast()) } {
                Some(cache) => Some(cache),
                None => Some(Arc::new(CCacheStore { f_get: f_get_cache, f_set: f_set_cache, p: AppPtr(p_cache) })),
            },
            _ => Some(Arc::new(CCacheStore { f_get: f_get_cache, f_set: f_set_cache, p: AppPtr(p_cache) })),
        };
        handle.config.update(|s| s.session_store = store);
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
        let Some(handle) = (unsafe { config_handle(conf) }) else { return };
        let codec: Option<Arc<dyn TicketCodec>> = match (f_ticket_write, f_ticket_parse) {
            (Some(w), Some(p))
                if w as usize == ssl_ticket::mbedtls_ssl_ticket_write as *const () as usize
                    && p as usize == ssl_ticket::mbedtls_ssl_ticket_parse as *const () as usize =>
            {
                match unsafe { ssl_ticket::ticket_ref(p_ticket.cast()) } {
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
        if let Some(handle) = unsafe { config_handle(conf) } {
            handle.config.update(|s| s.new_session_tickets = usize::from(num_tickets));
        }
    })
}

// =============================================================================================
// Renegotiation (TLS 1.2)

/// Accepts (`MBEDTLS_SSL_RENEGOTIATION_ENABLED`) or refuses (`_DISABLED`, the default)
/// renegotiation requested by the peer; also enables `mbedtls_ssl_renegotiate` and periodic
/// renegotiation. A refused request gets a warning `no_renegotiation` alert and the
/// connection continues. TLS 1.2 only (TLS 1.3 has no renegotiation).
///
/// Differences from Mbed TLS: renegotiation runs in this library's own TLS 1.2 engine, which
/// takes over the record layer after the initial handshake (see `src/renegotiation.rs`).
/// Disabled, a repeated request on the same connection ends it with a fatal alert (rustls's
/// limit) where Mbed TLS answers every one with the warning. Enabled, a renegotiation never
/// changes what the session cache or `mbedtls_ssl_get_session` hold (the initial session).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_renegotiation(conf: *mut mbedtls_ssl_config, renegotiation: c_int) {
    entry!(mbedtls_ssl_conf_renegotiation, {
        unsafe { update_config(conf, |s| s.renegotiation = renegotiation == MBEDTLS_SSL_RENEGOTIATION_ENABLED) };
    })
}

/// How to treat peers without RFC 5746: `MBEDTLS_SSL_LEGACY_NO_RENEGOTIATION` (default:
/// connect, never renegotiate), `_ALLOW_RENEGOTIATION` (accepted for compatibility, but insecure
/// renegotiation is refused all the same) or `MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE` (abort the
/// handshake with `MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE`).
///
/// Differences from Mbed TLS: legacy (insecure) renegotiation is never allowed.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_legacy_renegotiation(conf: *mut mbedtls_ssl_config, allow_legacy: c_int) {
    entry!(mbedtls_ssl_conf_legacy_renegotiation, {
        unsafe { update_config(conf, |s| s.legacy_renegotiation = allow_legacy) };
    })
}

/// Server: how many records a client may send after our HelloRequest before it must start the
/// renegotiation (`MBEDTLS_SSL_RENEGOTIATION_NOT_ENFORCED`, -1: any number; default 16). Past
/// that, `mbedtls_ssl_read` fails with `MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE`.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_renegotiation_enforced(conf: *mut mbedtls_ssl_config, max_records: c_int) {
    entry!(mbedtls_ssl_conf_renegotiation_enforced, {
        unsafe { update_config(conf, |s| s.renegotiation_enforced = max_records.max(-1)) };
    })
}

/// Renegotiate automatically once this many records (a big-endian 64-bit number) were sent or
/// received under the current keys (default 2^48 - 1); only when renegotiation is enabled.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `period` is NULL (ignored) or 8
/// readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_renegotiation_period(conf: *mut mbedtls_ssl_config, period: *const c_uchar) {
    entry!(mbedtls_ssl_conf_renegotiation_period, {
        // NULL with a length of 8 is refused by `in_slice`.
        let Some(bytes) = (unsafe { in_slice(period, 8) }) else { return };
        let Ok(bytes) = <[u8; 8]>::try_from(bytes) else { return };
        let value = u64::from_be_bytes(bytes);
        unsafe { update_config(conf, |s| s.renegotiation_period = value) };
    })
}

/// Starts a renegotiation. Server: sends a HelloRequest (the client's renegotiation then runs
/// inside `mbedtls_ssl_read`). Client: performs a full renegotiation; call again after
/// `WANT_READ`/`WANT_WRITE`. Application data that arrives meanwhile is kept for
/// `mbedtls_ssl_read`.
///
/// Differences from Mbed TLS: refused (`BAD_INPUT_DATA`) unless the configuration enabled
/// renegotiation before the handshake; application data before the ServerHello does not end
/// the call with `WAITING_SERVER_HELLO_RENEGO`.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_WANT_READ`/`_WANT_WRITE`; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL,
/// before the handshake, on a TLS 1.3 connection or one whose configuration does not enable
/// renegotiation, or with a peer lacking RFC 5746; `MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO`
/// when the server answered with `no_renegotiation`; `MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE` and
/// other fatal errors as for `mbedtls_ssl_handshake`.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_renegotiate(ssl: *mut mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_renegotiate, { status(unsafe { with_ssl(ssl, |h| h.ctx.renegotiate(false)) }) })
}

/// Crate-internal (for `compat.h`): a client renegotiation offering the current session.
pub(crate) unsafe fn renegotiate_abbreviated(ssl: *mut mbedtls_ssl_context) -> c_int {
    status(unsafe { with_ssl(ssl, |h| h.ctx.renegotiate(true)) })
}

/// Crate-internal (for `compat.h`): renegotiation counters.
pub(crate) unsafe fn renegotiations(ssl: *const mbedtls_ssl_context) -> Result<(u32, u32), Error> {
    unsafe { with_ssl(ssl, |h| Ok(h.ctx.renegotiations())) }
}
