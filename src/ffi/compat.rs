//! `compat.h`: this library's extensions to the Mbed TLS API. Every name starts with
//! `mbedtls_compat_`, so no future Mbed TLS function can collide with them and a reader always
//! knows which calls are not Mbed TLS's.

use core::ffi::{c_int, c_void};
use std::any::Any;
use std::sync::Arc;

use super::entry;
use super::ssl::{AppPtr, mbedtls_ssl_config, mbedtls_ssl_context, mbedtls_ssl_session};

type NewTicketFn =
    unsafe extern "C" fn(p_ticket: *mut c_void, ssl: *mut mbedtls_ssl_context, session: *const mbedtls_ssl_session);

pub(crate) struct NewTicketHook {
    pub(crate) f: NewTicketFn,
    pub(crate) p: AppPtr,
}

/// 1 when the last handshake of `ssl` resumed a session (abbreviated handshake), 0 when it was
/// a full handshake, before any handshake, and for NULL.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_session_resumed(ssl: *const mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_compat_ssl_session_resumed, { c_int::from(unsafe { super::ssl::resumed(ssl) }) })
}

/// Client: calls `f_ticket(p_ticket, ssl, session)` for every TLS 1.3 NewSessionTicket
/// received, from inside `mbedtls_ssl_read`/`_write`/`_handshake` (the callback form of
/// ticket signalling discussed upstream). It may call `mbedtls_ssl_session_save` on `session`.
/// It works with or without `mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets`.
/// NULL removes the callback.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_compat_ssl_conf_new_session_ticket_cb(
    conf: *mut mbedtls_ssl_config,
    f_ticket: Option<
        unsafe extern "C" fn(p_ticket: *mut c_void, ssl: *mut mbedtls_ssl_context, session: *const mbedtls_ssl_session),
    >,
    p_ticket: *mut c_void,
) {
    entry!(mbedtls_compat_ssl_conf_new_session_ticket_cb, {
        let hook = f_ticket.map(|f| Arc::new(NewTicketHook { f, p: AppPtr(p_ticket) }) as Arc<dyn Any + Send + Sync>);
        unsafe { super::ssl::update_config(conf, |s| s.new_ticket_callback = hook) };
    })
}
