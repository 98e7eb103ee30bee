//! `mbedtls_ssl_session`: sessions for client resumption, their byte format and accessors.

use super::*;

/// A TLS session: declare it, `mbedtls_ssl_session_init` it, fill it with
/// `mbedtls_ssl_get_session` or `mbedtls_ssl_session_load`, `mbedtls_ssl_session_free` it.
///
/// Mbed TLS 2.28 edition: the public fields 2.28 programs read (in their cache callbacks) are
/// kept current whenever the library puts a session into the struct; `id`/`id_len` are also
/// what the library reads when it looks a session up in a cache (2.28's cache callbacks get
/// the ID inside the session). Absent: `master` (the master secret never leaves the library),
/// `peer_cert` (use `mbedtls_ssl_get_peer_cert`), the ticket fields, `mfl_code`,
/// `encrypt_then_mac`.
#[repr(C)]
pub struct mbedtls_ssl_session {
    private_handle: *mut c_void,
    /// When the session was established (seconds since the epoch).
    #[cfg(feature = "edition-2-28")]
    pub start: i64,
    /// The suite's IANA number.
    #[cfg(feature = "edition-2-28")]
    pub ciphersuite: c_int,
    /// Always 0 (no compression).
    #[cfg(feature = "edition-2-28")]
    pub compression: c_int,
    /// Length of `id` (0 to 32).
    #[cfg(feature = "edition-2-28")]
    pub id_len: usize,
    /// The session ID.
    #[cfg(feature = "edition-2-28")]
    pub id: [c_uchar; 32],
    /// The verification result of the peer's certificate.
    #[cfg(feature = "edition-2-28")]
    pub verify_result: u32,
}

impl mbedtls_ssl_session {
    /// An empty session (as after `mbedtls_ssl_session_init`).
    pub(crate) const EMPTY_SHELL: Self = Self {
        private_handle: core::ptr::null_mut(),
        #[cfg(feature = "edition-2-28")]
        start: 0,
        #[cfg(feature = "edition-2-28")]
        ciphersuite: 0,
        #[cfg(feature = "edition-2-28")]
        compression: 0,
        #[cfg(feature = "edition-2-28")]
        id_len: 0,
        #[cfg(feature = "edition-2-28")]
        id: [0; 32],
        #[cfg(feature = "edition-2-28")]
        verify_result: 0,
    };
}

shell!(mbedtls_ssl_session => SessionHandle, mbedtls_ssl_session::EMPTY_SHELL);

/// What `mbedtls_ssl_session.private_handle` points to.
pub(crate) struct SessionHandle {
    session: Session,
    /// The session ID as the 32-byte array `mbedtls_ssl_session_get_id` points to.
    id: [c_uchar; 32],
}

/// Replaces whatever `shell` holds with `session`.
///
/// # Safety
/// `shell` points to an initialised (or zeroed) `mbedtls_ssl_session`.
pub(crate) unsafe fn session_put(shell: *mut mbedtls_ssl_session, session: Session) {
    let mut id = [0; 32];
    let n = session.id.len().min(32);
    id[..n].copy_from_slice(&session.id[..n]);
    #[cfg(feature = "edition-2-28")]
    // SAFETY: `shell` points to a session struct (this function's contract); plain fields.
    unsafe {
        (*shell).start = i64::try_from(session.start).unwrap_or(i64::MAX);
        (*shell).ciphersuite = c_int::from(session.suite);
        (*shell).compression = 0;
        (*shell).id_len = n;
        (*shell).id = id;
        (*shell).verify_result = session.verify_result;
    }
    // SAFETY: per this function's contract; what the shell held before is freed.
    unsafe { handle::install(shell, SessionHandle { session, id }) };
}

/// Initialises a session shell (empty). Writes without reading.
///
/// # Safety
/// `session` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_session`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_init(session: *mut mbedtls_ssl_session) {
    // SAFETY: `session` is NULL or writable (the caller's contract).
    entry!(mbedtls_ssl_session_init, { unsafe { handle::init(session) } })
}

/// Frees what the session holds and leaves it empty. NULL, zeroed and already freed shells
/// are fine.
///
/// # Safety
/// `session` is NULL or points to a zeroed or initialised `mbedtls_ssl_session`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_free(session: *mut mbedtls_ssl_session) {
    entry!(mbedtls_ssl_session_free, {
        // SAFETY: `session` is NULL or an initialised (or zeroed) shell (the caller's contract).
        unsafe { handle::release(session) }
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
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_session(
    ssl: *const mbedtls_ssl_context,
    session: *mut mbedtls_ssl_session,
) -> c_int {
    // SAFETY: the same contract.
    entry!(mbedtls_ssl_get_session, { unsafe { get_session(ssl, session, true) } })
}

/// `mbedtls_ssl_get_session` of both editions: `once` (3.6) refuses a second export of the same
/// session with `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE`; 2.28 allows any number.
///
/// # Safety
/// As `mbedtls_ssl_get_session`.
pub(crate) unsafe fn get_session(
    ssl: *const mbedtls_ssl_context,
    session: *mut mbedtls_ssl_session,
    once: bool,
) -> c_int {
    if session.is_null() {
        return code_of(Error::SslBadInputData);
    }
    // SAFETY: `ssl` is NULL or a context shell (the caller's contract).
    match unsafe { with_ssl(ssl, |h| h.ctx.export_session(once)) } {
        Ok(copy) => {
            // SAFETY: `session` is a session shell (not NULL: checked) (the caller's contract).
            unsafe { session_put(session, copy) };
            0
        }
        Err(e) => code_of(e),
    }
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
        let handle = shell_or_return!(session, code_of(Error::SslBadInputData));
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `buf` is NULL or writable for `buf_len` bytes (the contract of this function).
        let Some(out) = (unsafe { out_slice(buf, buf_len) }) else {
            return code_of(Error::SslBadInputData);
        };
        let handle = shell_or_return!(session, code_of(Error::SslFeatureUnavailable));
        match handle.session.save() {
            // SAFETY: `olen` is not NULL (checked above) and writable (the contract of this function).
            Ok(bytes) => unsafe { copy_out(&bytes, out, olen) },
            Err(e) => code_of(e),
        }
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
        // SAFETY: `buf` is NULL or valid for `len` bytes (the contract of this function).
        let result = match unsafe { in_slice(buf, len) } {
            Some(bytes) => Session::load(bytes),
            None => Err(Error::SslBadInputData),
        };
        match result {
            Ok(loaded) => {
                // SAFETY: `session` is a session shell (not NULL: checked or our own) (the contract of this function).
                unsafe { session_put(session, loaded) };
                0
            }
            Err(e) => {
                // SAFETY: `session` is NULL or a session shell (the contract of this function).
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
        // SAFETY: `session` is NULL or a session shell (the contract of this function).
        unsafe { handle::get(session) }.map_or(core::ptr::null(), |h| &h.id as *const [c_uchar; 32])
    })
}

/// The length of the session ID (0 for none, NULL or an empty session).
///
/// # Safety
/// `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_get_id_len(session: *const mbedtls_ssl_session) -> usize {
    // SAFETY: `session` is NULL or a session shell (the contract of this function).
    entry!(mbedtls_ssl_session_get_id_len, { unsafe { handle::get(session) }.map_or(0, |h| h.session.id.len()) })
}

/// The session's cipher suite (IANA number; 0 for NULL or an empty session).
///
/// # Safety
/// `session` is NULL or an initialised session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_session_get_ciphersuite_id(session: *const mbedtls_ssl_session) -> c_int {
    entry!(mbedtls_ssl_session_get_ciphersuite_id, {
        // SAFETY: `session` is NULL or a session shell (the contract of this function).
        unsafe { handle::get(session) }.map_or(0, |h| c_int::from(h.session.suite))
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
        let handle = shell_or_return!(session, code_of(Error::SslBadInputData));
        if ticket_creation_time.is_null() || handle.session.endpoint != Endpoint::Server {
            return code_of(Error::SslBadInputData);
        }
        // SAFETY: `ticket_creation_time` is not NULL (checked above) and writable (the contract of this function).
        unsafe { ticket_creation_time.write(i64::try_from(handle.session.ticket_time_ms).unwrap_or(i64::MAX)) };
        0
    })
}

/// Crate-internal: whether the last handshake resumed (for `compat.h`).
pub(crate) unsafe fn resumed(ssl: *const mbedtls_ssl_context) -> bool {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    unsafe { with_ssl(ssl, |h| Ok(h.ctx.resumed())) }.unwrap_or(false)
}

/// Crate-internal: the session inside a shell (None for NULL or empty).
///
/// # Safety
/// `session` is NULL or points to an initialised `mbedtls_ssl_session`.
pub(crate) unsafe fn session_value<'a>(session: *const mbedtls_ssl_session) -> Option<&'a Session> {
    // SAFETY: `session` is NULL or a session shell (the contract of this function).
    unsafe { handle::get(session) }.map(|h| &h.session)
}

/// Runs `f` with a session shell of our own, holding `session` (or empty), for one of the
/// application's callbacks; returns what `f` returned and what the shell held afterwards. The
/// shell is freed.
pub(crate) fn with_session_shell<R>(
    session: Option<Session>,
    f: impl FnOnce(*mut mbedtls_ssl_session) -> R,
) -> (R, Option<Session>) {
    let mut shell = mbedtls_ssl_session::EMPTY;
    if let Some(session) = session {
        // SAFETY: `shell` is our own initialised shell.
        unsafe { session_put(&mut shell, session) };
    }
    let result = f(&mut shell);
    // SAFETY: `shell` is our own shell; whatever it holds now is taken (and so freed with it).
    (result, unsafe { session_take(&mut shell) })
}

/// Takes the session out of a shell, leaving it empty.
///
/// # Safety
/// `shell` is NULL or points to an initialised `mbedtls_ssl_session`.
pub(super) unsafe fn session_take(shell: *mut mbedtls_ssl_session) -> Option<Session> {
    // SAFETY: per this function's contract.
    unsafe { handle::take(shell) }.map(|h| h.session)
}
