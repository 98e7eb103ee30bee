//! `ssl.h`: TLS contexts (`mbedtls_ssl_context`), configurations (`mbedtls_ssl_config`) and
//! sessions, mapped onto the core `config`, `context` and `session` modules.
//!
//! This file holds the header's constants, the shells and what their handles own, and the
//! helpers every function of the header uses (`with_ssl`, `drive`); the functions live in one
//! file per concern: [`conf`], [`context`], [`session`], [`renegotiation`], and the
//! application's callbacks in [`callbacks`].

use core::ffi::{CStr, c_char, c_int, c_uchar, c_void};
use std::any::Any;
use std::ffi::CString;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::error::{code_of, count_or_code, status};
use super::handle::{self, Shell, shell};
use super::pk::{mbedtls_pk_context, private_key_der};
use super::x509_crt::{chain_ders, free_owned_chain, mbedtls_x509_crt, new_chain_from_ders};
use super::{Guarded, entry, in_cstr, in_slice, out_slice, ssl_cache, ssl_ciphersuites, ssl_ticket, until_terminator};
use crate::config::{self, AuthMode, Config, DebugSink, Endpoint, OwnCert, Preset};
use crate::context::{Context, Hostname, Transport};
use crate::error::Error;
use crate::server_sessions::{SessionStore, TicketCodec};
use crate::session::Session;

mod callbacks;
mod conf;
mod context;
mod renegotiation;
mod session;

pub use callbacks::*;
pub use conf::*;
pub use context::*;
pub use renegotiation::*;
pub use session::*;

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

shell!(mbedtls_ssl_context => Guarded<SslHandle>, mbedtls_ssl_context { private_handle: core::ptr::null_mut() });
shell!(mbedtls_ssl_config => ConfigHandle, mbedtls_ssl_config { private_handle: core::ptr::null_mut() });

/// What `mbedtls_ssl_config.private_handle` points to.
pub(crate) struct ConfigHandle {
    config: Config,
    user_data: AtomicUsize,
}

/// What `mbedtls_ssl_context.private_handle` points to.
pub(crate) struct SslHandle {
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
// SAFETY: as for Send: only handed back to the application's own callbacks.
unsafe impl Sync for AppPtr {}

/// The configuration behind a shell (None for NULL, uninitialised or freed).
///
/// # Safety
/// `conf` is NULL or points to an `mbedtls_ssl_config`.
unsafe fn config_handle<'a>(conf: *const mbedtls_ssl_config) -> Option<&'a ConfigHandle> {
    // SAFETY: per this function's contract; the object lives until `mbedtls_ssl_config_free`.
    unsafe { handle::get(conf) }
}

/// Runs `f` on the context behind `ssl`: BAD_INPUT_DATA for NULL, a context that was not set up,
/// or a re-entrant call from inside one of our callbacks.
unsafe fn with_ssl<R>(
    ssl: *const mbedtls_ssl_context,
    f: impl FnOnce(&mut SslHandle) -> Result<R, Error>,
) -> Result<R, Error> {
    // SAFETY: `ssl` is NULL or points to a context shell (the callers' contract).
    let handle = unsafe { handle::get(ssl) }.ok_or(Error::SslBadInputData)?;
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        match unsafe { with_ssl(ssl, |h| op(&mut h.ctx)) } {
            // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
            Err(Error::CallbackPending) => unsafe { run_pending_callback(ssl) }?,
            other => return other,
        }
    }
}

/// Runs the one application callback the context is waiting for (SNI, or a new TLS 1.3
/// ticket), with no borrow of the context held.
///
/// # Safety
/// `ssl` is NULL or a context shell.
unsafe fn run_pending_callback(ssl: *mut mbedtls_ssl_context) -> Result<(), Error> {
    enum Due {
        Sni(Option<Arc<dyn Any + Send + Sync>>, String),
        Ticket(Option<Arc<dyn Any + Send + Sync>>, Session),
        Nothing,
    }
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
            // SAFETY: as above.
            unsafe {
                with_ssl(ssl, |h| {
                    h.ctx.finish_sni(ret);
                    Ok(())
                })
            }
        }
        Due::Ticket(hook, session) => {
            if let Some(hook) = hook.and_then(|a| a.downcast::<super::compat::NewTicketHook>().ok()) {
                with_session_shell(Some(session), |shell| {
                    // SAFETY: registered with `mbedtls_compat_ssl_conf_new_session_ticket_cb`, called
                    // with its data pointer, the context it asked about and a shell of ours.
                    unsafe { (hook.f)(hook.p.0, ssl, shell) }
                });
            }
            Ok(())
        }
        Due::Nothing => Ok(()),
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
