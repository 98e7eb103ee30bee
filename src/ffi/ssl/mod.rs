//! `ssl.h`: TLS contexts (`mbedtls_ssl_context`), configurations (`mbedtls_ssl_config`) and
//! sessions, mapped onto the core `config`, `context` and `session` modules.
//!
//! This file holds the header's constants, the shells and what their handles own, and the
//! helpers every function of the header uses (`with_ssl`, `drive`); the functions live in one
//! file per concern: [`conf`], [`context`], [`session`], [`renegotiation`], peer verification
//! settings in [`verify`], and the application's callbacks in [`callbacks`].

use core::ffi::{CStr, c_char, c_int, c_uchar, c_void};
use std::any::Any;
use std::collections::BTreeMap;
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rustls::pki_types::CertificateDer;

use super::error::{code_of, count_or_code, status};
use super::handle::{self, Shell, shell};
use super::pk::{mbedtls_pk_context, private_key_der};
use super::x509_crl::{crl_list, mbedtls_x509_crl};
use super::x509_crt::{chain_ders, free_owned_chain, mbedtls_x509_crt, new_chain_from_ders};
use super::{
    Guarded, copy_out, entry, in_cstr, in_slice, out_slice, shell_or_return, ssl_ciphersuites, ssl_ticket,
    until_terminator,
};
use crate::config::{self, AuthMode, Config, DebugSink, Endpoint, OwnCert, Preset};
#[cfg(feature = "edition-2-28")]
use crate::context::RenegotiationStatus;
use crate::context::{Context, Hostname, KeyExporter, PrfKind, SecretKind, Transport};
use crate::error::Error;
#[cfg(not(feature = "edition-2-28"))]
use crate::server_sessions::SessionStore;
use crate::server_sessions::TicketCodec;
use crate::session::Session;

mod callbacks;
mod conf;
mod context;
mod params;
mod renegotiation;
mod session;
#[cfg(test)]
mod tests;
mod verify;

pub use callbacks::*;
pub use conf::*;
pub use context::*;
pub use params::*;
pub use renegotiation::*;
pub use session::*;
pub use verify::*;

pub use super::error::codes::ssl::*;

/// `mbedtls_ssl_protocol_version` (an `int`-sized enum in Mbed TLS 3.6).
pub type mbedtls_ssl_protocol_version = c_int;

/// A TLS connection. Declare it anywhere, `mbedtls_ssl_init` it, `mbedtls_ssl_setup` it with a
/// configuration, and `mbedtls_ssl_free` it. The fields are private: use the functions.
//
// Mbed TLS 2.28 edition (not a doc comment: the 3.6 header stays as it was): the public fields
// 2.28 programs read, read-only, kept current by `refresh_context_fields` (`mbedtls_ssl_setup`,
// `mbedtls_ssl_session_reset`, `mbedtls_ssl_free`, and after every handshake, read, write,
// alert and renegotiation call: `drive`). Absent: `session` and the other internal pointers
// (use `mbedtls_ssl_get_session`, `mbedtls_ssl_get_peer_cert`, ...).
#[repr(C)]
pub struct mbedtls_ssl_context {
    private_handle: *mut c_void,
    /// The configuration given to `mbedtls_ssl_setup` (NULL before).
    #[cfg(feature = "edition-2-28")]
    pub conf: *const mbedtls_ssl_config,
    /// `MBEDTLS_SSL_HANDSHAKE_OVER` once a handshake is complete (also during the application
    /// data phase of a renegotiating connection), otherwise `MBEDTLS_SSL_HELLO_REQUEST`: the
    /// intermediate handshake states are not reported.
    #[cfg(feature = "edition-2-28")]
    pub state: c_int,
    /// The negotiated version's major number (3), 0 before the first handshake; as in 2.28,
    /// `mbedtls_ssl_session_reset` keeps the last handshake's version.
    #[cfg(feature = "edition-2-28")]
    pub major_ver: c_int,
    /// The negotiated version's minor number (3: TLS 1.2, 4: TLS 1.3), 0 before the first
    /// handshake.
    #[cfg(feature = "edition-2-28")]
    pub minor_ver: c_int,
    /// Renegotiation (`ssl_internal.h`'s values): `MBEDTLS_SSL_INITIAL_HANDSHAKE` until one
    /// starts, `MBEDTLS_SSL_RENEGOTIATION_PENDING` from a server's HelloRequest to the client's
    /// hello, `MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS` while it runs,
    /// `MBEDTLS_SSL_RENEGOTIATION_DONE` after.
    #[cfg(feature = "edition-2-28")]
    pub renego_status: c_int,
}

/// A TLS configuration, shared by any number of contexts (also across threads).
///
/// A byte copy (`memcpy`, struct assignment) of a configuration becomes a configuration of its
/// own, as in Mbed TLS, at its first change or `mbedtls_ssl_setup`: it starts from the
/// original's settings at that moment, and the original does not see its changes. It is
/// unusable once the original is freed (as in Mbed TLS); freeing it is optional.
//
// Mbed TLS 2.28 edition (not a doc comment: the 3.6 header stays as it was): the public fields
// 2.28 programs read, read-only, kept current by `update_config`, through which
// `mbedtls_ssl_config_defaults` and the setters of these values go. The versions are the ones
// in effect (the minimum is at least 3.3: TLS 1.0 and 1.1 do not exist here). Absent: every
// other field.
#[repr(C)]
pub struct mbedtls_ssl_config {
    private_handle: *mut c_void,
    /// Highest version's major number (3).
    #[cfg(feature = "edition-2-28")]
    pub max_major_ver: c_uchar,
    /// Highest version's minor number (3: TLS 1.2, 4: TLS 1.3).
    #[cfg(feature = "edition-2-28")]
    pub max_minor_ver: c_uchar,
    /// Lowest version's major number (3).
    #[cfg(feature = "edition-2-28")]
    pub min_major_ver: c_uchar,
    /// Lowest version's minor number (3 or 4).
    #[cfg(feature = "edition-2-28")]
    pub min_minor_ver: c_uchar,
    /// `MBEDTLS_SSL_IS_CLIENT` or `MBEDTLS_SSL_IS_SERVER`.
    #[cfg(feature = "edition-2-28")]
    pub endpoint: u8,
    /// Always `MBEDTLS_SSL_TRANSPORT_STREAM`.
    #[cfg(feature = "edition-2-28")]
    pub transport: u8,
    /// `MBEDTLS_SSL_VERIFY_NONE`, `_OPTIONAL` or `_REQUIRED`.
    #[cfg(feature = "edition-2-28")]
    pub authmode: u8,
}

impl mbedtls_ssl_context {
    /// As after `mbedtls_ssl_init`: no object, public fields zero.
    const EMPTY_SHELL: Self = Self {
        private_handle: core::ptr::null_mut(),
        #[cfg(feature = "edition-2-28")]
        conf: core::ptr::null(),
        #[cfg(feature = "edition-2-28")]
        state: 0,
        #[cfg(feature = "edition-2-28")]
        major_ver: 0,
        #[cfg(feature = "edition-2-28")]
        minor_ver: 0,
        #[cfg(feature = "edition-2-28")]
        renego_status: 0,
    };
}

impl mbedtls_ssl_config {
    /// As after `mbedtls_ssl_config_init`: no object, public fields zero.
    const EMPTY_SHELL: Self = Self {
        private_handle: core::ptr::null_mut(),
        #[cfg(feature = "edition-2-28")]
        max_major_ver: 0,
        #[cfg(feature = "edition-2-28")]
        max_minor_ver: 0,
        #[cfg(feature = "edition-2-28")]
        min_major_ver: 0,
        #[cfg(feature = "edition-2-28")]
        min_minor_ver: 0,
        #[cfg(feature = "edition-2-28")]
        endpoint: 0,
        #[cfg(feature = "edition-2-28")]
        transport: 0,
        #[cfg(feature = "edition-2-28")]
        authmode: 0,
    };
}

// =============================================================================================
// Handles behind the shells

shell!(mbedtls_ssl_context => Guarded<SslHandle>, mbedtls_ssl_context::EMPTY_SHELL);
shell!(mbedtls_ssl_config => ConfigHandle, mbedtls_ssl_config::EMPTY_SHELL);

/// What `mbedtls_ssl_config.private_handle` points to.
pub(crate) struct ConfigHandle {
    config: Config,
    user_data: AtomicUsize,
    /// The address of the shell this object belongs to (`mbedtls_ssl_config_init`'s argument,
    /// or the byte copy it was made for).
    home: usize,
    /// The handle of the object this one was made from, for a byte copy's object; 0 otherwise.
    parent: usize,
    /// The objects made for byte copies of this configuration (`own_config`): the copy's address
    /// → its handle. They are freed with this one, or when another copy lands on their address.
    copies: Mutex<BTreeMap<usize, usize>>,
}

impl ConfigHandle {
    fn new(config: Config, user_data: usize, home: usize, parent: usize) -> Self {
        Self { config, user_data: AtomicUsize::new(user_data), home, parent, copies: Mutex::default() }
    }

    /// True when this object belongs to the shell `conf` (not to the original of a byte copy).
    pub(crate) fn is_home(&self, conf: *const mbedtls_ssl_config) -> bool {
        self.home == conf as usize
    }

    /// Frees the object made for the copy at `home`, if `handle` is still it.
    fn free_copy(&self, home: usize, handle: usize) {
        let handle = handle as *mut c_void;
        // SAFETY: only read when the registry says it is a live configuration object; it is
        // freed below, on this thread, and nothing else holds it (its shell was overwritten).
        let ours = unsafe { handle::handle_ref::<ConfigHandle>(handle) }
            .is_some_and(|copy| copy.home == home && copy.parent == core::ptr::from_ref(self) as usize);
        if ours {
            drop(handle::handle_take::<ConfigHandle>(handle));
        }
    }
}

impl Drop for ConfigHandle {
    fn drop(&mut self) {
        // As in Mbed TLS, byte copies of a configuration are unusable once it is freed.
        let copies = std::mem::take(self.copies.get_mut().unwrap_or_else(|p| p.into_inner()));
        for (home, handle) in copies {
            self.free_copy(home, handle);
        }
    }
}

/// The configuration object of the shell `conf`, for a change. Mbed TLS programs copy a
/// configured `mbedtls_ssl_config` with `memcpy` (or struct assignment) and change the copy, for
/// instance one copy per connection with its own verify callback and session cache: in Mbed
/// TLS the copy's fields are its own. A copy holds the original's handle here, so its first
/// change (or `mbedtls_ssl_setup` with it) gives it an object of its own, made from the
/// original's settings at that moment; the original is not changed. The copy's object is freed
/// by `mbedtls_ssl_config_free` of the copy, with the original's, or when a new copy lands on
/// the same address (its old object cannot be reached any more).
///
/// # Safety
/// `conf` is NULL or points to a configuration shell.
pub(crate) unsafe fn own_config<'a>(conf: *mut mbedtls_ssl_config) -> Option<&'a ConfigHandle> {
    // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
    let original = unsafe { handle::get(conf) }?;
    if original.is_home(conf) {
        return Some(original);
    }
    // One copy is made at a time: threads setting up contexts with the same copy at once (a
    // copy used read-only, as Mbed TLS allows) find the object the first one made.
    static FORKING: Mutex<()> = Mutex::new(());
    let _forking = FORKING.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: as above.
    let original = unsafe { handle::get(conf) }?;
    if original.is_home(conf) {
        return Some(original);
    }
    let user_data = original.user_data.load(Ordering::Relaxed);
    let parent = core::ptr::from_ref(original) as usize;
    let copy = ConfigHandle::new(original.config.fork(), user_data, conf as usize, parent);
    // SAFETY: `conf` is a configuration shell holding the original's handle: it gets its own
    // object and the original keeps its own.
    let handle = unsafe { handle::install_in_copy(conf, copy) } as usize;
    let previous = original.copies.lock().unwrap_or_else(|p| p.into_inner()).insert(conf as usize, handle);
    if let Some(previous) = previous {
        original.free_copy(conf as usize, previous);
    }
    // SAFETY: as above; the shell now holds the new object.
    unsafe { handle::get(conf) }
}

/// `own_config` or return `$fail` (nothing: `()`) from the export.
macro_rules! conf_or_return {
    ($conf:expr) => {
        conf_or_return!($conf, ())
    };
    ($conf:expr, $fail:expr) => {
        // SAFETY: the contract of the export this expands in: `$conf` is NULL or a configuration
        // shell, not freed concurrently.
        match unsafe { $crate::ffi::ssl::own_config($conf) } {
            Some(handle) => handle,
            None => return $fail,
        }
    };
}
pub(crate) use conf_or_return;

/// What `mbedtls_ssl_context.private_handle` points to.
pub(crate) struct SslHandle {
    ctx: Context,
    /// The configuration shell the context was set up with, for `mbedtls_ssl_context_get_config`
    /// (returned to the caller, never dereferenced here).
    conf_shell: usize,
    hostname_c: Option<CString>,
    /// The name `mbedtls_ssl_get_hs_sni` last handed out.
    hs_sni: Option<Vec<u8>>,
    alpn_c: Option<CString>,
    /// The peer's certificates as C structs, built on the first `mbedtls_ssl_get_peer_cert`
    /// after a handshake, and again after a renegotiation that changed them; dropped on reset.
    peer_crt: Option<PeerChain>,
    /// The chain `peer_crt` held before the peer's certificates last changed: a pointer the
    /// application took before a renegotiation stays valid until the next change.
    retired_peer_crt: Option<PeerChain>,
    user_data: usize,
}

/// A certificate chain owned by a context (freed with it), and the certificates it was built from.
struct PeerChain {
    crt: *mut mbedtls_x509_crt,
    ders: Vec<CertificateDer<'static>>,
}

impl Drop for PeerChain {
    fn drop(&mut self) {
        // SAFETY: made by Box::into_raw of new_chain_from_ders; freed once, here.
        unsafe { free_owned_chain(Box::from_raw(self.crt)) };
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
    let result = loop {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        match unsafe { with_ssl(ssl, |h| op(&mut h.ctx)) } {
            Err(Error::CallbackPending) => {
                // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
                if let Err(e) = unsafe { run_pending_callback(ssl) } {
                    break Err(e);
                }
            }
            other => break other,
        }
    };
    // SAFETY: as above.
    unsafe { refresh_context_fields(ssl) };
    result
}

/// Mbed TLS 2.28 edition: brings the context's public fields up to date (the one place they are
/// written, after every operation that may start, complete or reset a handshake). Nothing in the
/// 3.6 edition, whose context has no public fields.
///
/// # Safety
/// `ssl` is NULL or a context shell.
#[cfg_attr(not(feature = "edition-2-28"), allow(unused_variables))]
unsafe fn refresh_context_fields(ssl: *mut mbedtls_ssl_context) {
    #[cfg(feature = "edition-2-28")]
    {
        if ssl.is_null() {
            return;
        }
        // SAFETY: `ssl` is a context shell (the contract of this function).
        let now = unsafe {
            with_ssl(ssl, |h| {
                let version = h.ctx.info().map_or(0, |i| i.version);
                Ok((h.conf_shell, h.ctx.is_handshake_over(), version, h.ctx.renegotiation_status()))
            })
        };
        let (conf, over, version, renegotiation) = match now {
            Ok(fields) => fields,
            // SAFETY: as above.
            Err(_) if unsafe { handle::is_set(ssl.cast_const()) } => return, // busy in a callback: kept
            Err(_) => (0, false, 0, RenegotiationStatus::Initial), // not set up, or freed: as after `mbedtls_ssl_init`
        };
        // SAFETY: `ssl` is a context shell, not NULL; plain fields next to the handle, written
        // with no reference to the struct alive.
        unsafe {
            (*ssl).conf = conf as *const mbedtls_ssl_config;
            (*ssl).state = if over { MBEDTLS_SSL_HANDSHAKE_OVER } else { MBEDTLS_SSL_HELLO_REQUEST };
            (*ssl).renego_status = match renegotiation {
                RenegotiationStatus::Initial => MBEDTLS_SSL_INITIAL_HANDSHAKE,
                RenegotiationStatus::InProgress => MBEDTLS_SSL_RENEGOTIATION_IN_PROGRESS,
                RenegotiationStatus::Done => MBEDTLS_SSL_RENEGOTIATION_DONE,
                RenegotiationStatus::Pending => MBEDTLS_SSL_RENEGOTIATION_PENDING,
            };
            // As Mbed TLS 2.28: the last handshake's version stays until the next one says
            // another (`mbedtls_ssl_session_reset` keeps it); a freed context reads 0.0.
            if version != 0 || conf == 0 {
                (*ssl).major_ver = c_int::from(version >> 8);
                (*ssl).minor_ver = c_int::from(version & 0xff);
            }
        }
    }
}

/// Changes a configuration's settings; NULL (or an uninitialised shell) is ignored. The
/// setters whose values are public fields in the 2.28 edition go through here, which keeps
/// those fields current.
///
/// # Safety
/// `conf` is NULL or a configuration shell.
pub(crate) unsafe fn update_config(conf: *mut mbedtls_ssl_config, f: impl FnOnce(&mut config::Settings)) {
    // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
    let Some(handle) = (unsafe { own_config(conf) }) else { return };
    #[cfg(not(feature = "edition-2-28"))]
    handle.config.update(f);
    #[cfg(feature = "edition-2-28")]
    {
        let (endpoint, authmode, min, max) = handle.config.update(|s| {
            f(s);
            (s.endpoint, s.authmode, s.min_version, s.max_version)
        });
        // SAFETY: `conf` is a configuration shell (it has a handle); plain fields next to it.
        unsafe {
            (*conf).endpoint = if endpoint == Endpoint::Server { 1 } else { 0 };
            (*conf).transport = 0;
            (*conf).authmode = match authmode {
                AuthMode::None => 0,
                AuthMode::Optional => 1,
                AuthMode::Required => 2,
            };
            [(*conf).min_major_ver, (*conf).min_minor_ver] = min.to_be_bytes();
            [(*conf).max_major_ver, (*conf).max_minor_ver] = max.to_be_bytes();
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

fn endpoint_from(value: c_int) -> Option<Endpoint> {
    match value {
        MBEDTLS_SSL_IS_CLIENT => Some(Endpoint::Client),
        MBEDTLS_SSL_IS_SERVER => Some(Endpoint::Server),
        _ => None,
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

// The header's constants (`MBEDTLS_*` values and their docs), generated from
// src/tables/constants.txt.
include!(concat!(env!("OUT_DIR"), "/constants/ssl.rs"));
