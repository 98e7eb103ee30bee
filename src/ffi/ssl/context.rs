//! `mbedtls_ssl_context`: a connection's life cycle, its transport, the handshake, reads and
//! writes, and what it tells about the connection.

use super::*;

/// Initialises a context shell. Writes without reading. Follow with `mbedtls_ssl_setup`.
///
/// # Safety
/// `ssl` is NULL (ignored) or points to writable memory for an `mbedtls_ssl_context`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_init(ssl: *mut mbedtls_ssl_context) {
    // SAFETY: `ssl` is NULL or writable (the caller's contract).
    entry!(mbedtls_ssl_init, { unsafe { handle::init(ssl) } })
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
        // A byte copy of a configuration gets its own object here (`own_config`), as a change would.
        let config = conf_or_return!(conf.cast_mut(), code_of(Error::SslBadInputData));
        // SAFETY: `ssl` is NULL or an initialised shell (the caller's contract).
        if ssl.is_null() || unsafe { handle::is_set(ssl) } {
            return code_of(Error::SslBadInputData);
        }
        match Context::new(config.config.clone()) {
            Ok(ctx) => {
                let conf_shell = conf as usize;
                let object = SslHandle {
                    ctx,
                    conf_shell,
                    hostname_c: None,
                    hs_sni: None,
                    alpn_c: None,
                    peer_crt: None,
                    retired_peer_crt: None,
                    user_data: 0,
                };
                // SAFETY: `ssl` is a non-NULL initialised shell holding no object (checked above).
                unsafe {
                    handle::install(ssl, Guarded::new(object));
                    refresh_context_fields(ssl);
                }
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
        // SAFETY: `ssl` is NULL or an initialised (or zeroed) shell (the caller's contract).
        if unsafe { handle::get(ssl) }.is_some_and(Guarded::is_busy) {
            log::error!("mbedtls_ssl_free called from inside a callback of the same context: ignored");
            return;
        }
        // SAFETY: as above; no call holds the object (checked just before).
        unsafe {
            handle::release(ssl);
            refresh_context_fields(ssl);
        }
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        let ret = unsafe {
            with_ssl(ssl, |h| {
                h.ctx.reset();
                h.alpn_c = None;
                h.peer_crt = None;
                h.retired_peer_crt = None;
                Ok(())
            })
        };
        // SAFETY: as above.
        unsafe { refresh_context_fields(ssl) };
        status(ret)
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `hostname` is NULL or a NUL-terminated string (the contract of this function).
        let name = unsafe { in_cstr(hostname) };
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_ssl_handshake, { status(unsafe { drive(ssl, Context::handshake) }) })
}

/// Advances the handshake. Here it runs the handshake as far as the transport allows (there
/// are no separately observable steps); returns like `mbedtls_ssl_handshake`.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_handshake_step(ssl: *mut mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `buf` is NULL or writable for `len` bytes (the contract of this function).
        let out = unsafe { out_slice(buf, len) }.ok_or(Error::SslBadInputData);
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        count_or_code(out.and_then(|out| unsafe { drive(ssl, |ctx| ctx.read(out)) }))
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
        // SAFETY: `buf` is NULL or valid for `len` bytes (the contract of this function).
        let data = unsafe { in_slice(buf, len) }.ok_or(Error::SslBadInputData);
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        count_or_code(data.and_then(|data| unsafe { drive(ssl, |ctx| ctx.write(data)) }))
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
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_ssl_close_notify, { status(unsafe { with_ssl(ssl, |h| h.ctx.close_notify()) }) })
}

/// Bytes of application data already decrypted and waiting to be read (0 for NULL).
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_bytes_avail(ssl: *const mbedtls_ssl_context) -> usize {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_ssl_get_bytes_avail, { unsafe { with_ssl(ssl, |h| Ok(h.ctx.bytes_available())) }.unwrap_or(0) })
}

/// 1 when data is buffered (decrypted, a partly received record, or handshake records taken
/// ahead from a socket during the handshake), so that `mbedtls_ssl_read` or
/// `mbedtls_ssl_handshake` may go on without reading the transport; 0 otherwise.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_check_pending(ssl: *const mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_check_pending, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        unsafe { with_ssl(ssl, |h| Ok(h.ctx.verify_result())) }.unwrap_or(u32::MAX)
    })
}

/// Server: the host name the client sent (SNI), while the handshake runs: in the SNI callback
/// (`mbedtls_ssl_conf_sni`) and until the handshake ends. Not NUL-terminated: `*name_len` is
/// its length. NULL (and 0) at any other time, on a client, and for NULL. Valid until the next
/// call, a reset or free.
///
/// Differences from Mbed TLS: calling it outside a handshake returns NULL (Mbed TLS reads freed
/// handshake state); a NULL `name_len` is allowed.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `name_len` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_hs_sni(ssl: *mut mbedtls_ssl_context, name_len: *mut usize) -> *const c_uchar {
    entry!(mbedtls_ssl_get_hs_sni, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        let name = unsafe {
            with_ssl(ssl, |h| {
                h.hs_sni = h.ctx.handshake_sni().map(String::into_bytes);
                Ok(h.hs_sni.as_ref().map_or((core::ptr::null(), 0), |n| (n.as_ptr(), n.len())))
            })
        };
        let (ptr, len) = name.unwrap_or((core::ptr::null(), 0));
        if !name_len.is_null() {
            // SAFETY: `name_len` is not NULL and writable (the contract of this function).
            unsafe { name_len.write(len) };
        }
        ptr
    })
}

/// The largest plaintext one record carries out: `MBEDTLS_SSL_OUT_CONTENT_LEN` (16384), the
/// most one `mbedtls_ssl_write` takes.
///
/// # Returns
/// 16384; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context.
///
/// Differences from Mbed TLS: 16384 on TLS 1.3 connections too (Mbed TLS gives 16383 there,
/// keeping room for its record padding; rustls does not pad).
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_max_out_record_payload(ssl: *const mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_ssl_get_max_out_record_payload, { record_payload(unsafe { with_ssl(ssl, |_| Ok(())) }) })
}

/// The largest plaintext one incoming record may carry: `MBEDTLS_SSL_IN_CONTENT_LEN` (16384).
///
/// # Returns
/// 16384; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_max_in_record_payload(ssl: *const mbedtls_ssl_context) -> c_int {
    // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
    entry!(mbedtls_ssl_get_max_in_record_payload, { record_payload(unsafe { with_ssl(ssl, |_| Ok(())) }) })
}

/// Both record payload limits: the protocol's 2^14 (no maximum fragment length extension here).
fn record_payload(context: Result<(), Error>) -> c_int {
    count_or_code(context.map(|()| crate::codec::MAX_FRAGMENT))
}

/// The negotiated ALPN protocol, or NULL. Valid until the context is reset or freed.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_alpn_protocol(ssl: *const mbedtls_ssl_context) -> *const c_char {
    entry!(mbedtls_ssl_get_alpn_protocol, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
/// free. After a resumed handshake it holds the certificates saved with the session; after a
/// full renegotiation, the certificates the peer sent in it (NULL if none).
///
/// Differences from Mbed TLS: a chain returned before a renegotiation changed the peer's
/// certificates stays valid until they change once more (Mbed TLS frees it when the
/// renegotiation completes).
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_peer_cert(ssl: *const mbedtls_ssl_context) -> *const mbedtls_x509_crt {
    entry!(mbedtls_ssl_get_peer_cert, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        unsafe {
            with_ssl(ssl, |h| {
                let Some(info) = h.ctx.info() else { return Ok(core::ptr::null()) };
                // A full renegotiation may have brought other certificates (or none).
                if h.peer_crt.as_ref().is_some_and(|c| c.ders != info.peer_chain) {
                    h.retired_peer_crt = h.peer_crt.take();
                }
                if info.peer_chain.is_empty() {
                    return Ok(core::ptr::null());
                }
                if h.peer_crt.is_none() {
                    let chain = new_chain_from_ders(&info.peer_chain).map_err(|_| Error::SslBadCertificate)?;
                    h.peer_crt = Some(PeerChain { crt: Box::into_raw(chain), ders: info.peer_chain.clone() });
                }
                Ok(h.peer_crt.as_ref().map_or(core::ptr::null(), |c| c.crt as *const mbedtls_x509_crt))
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
        // SAFETY: `own_cert` is NULL or an initialised shell (the contract of this function).
        let cert = match unsafe { own_cert_from(own_cert, pk_key) } {
            Ok(cert) => cert,
            Err(e) => return code_of(e),
        };
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        status(unsafe {
            with_ssl(ssl, |h| {
                h.ctx.set_hs_own_cert(cert);
                Ok(())
            })
        })
    })
}

/// From inside the SNI callback: trust these CAs, and check these CRLs (NULL: none), for the
/// client certificate of this handshake, instead of the configuration's.
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context; `ca_chain` is NULL or a parsed chain;
/// `ca_crl` is NULL or an initialised CRL list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_hs_ca_chain(
    ssl: *mut mbedtls_ssl_context,
    ca_chain: *mut mbedtls_x509_crt,
    ca_crl: *mut mbedtls_x509_crl,
) {
    entry!(mbedtls_ssl_set_hs_ca_chain, {
        // SAFETY: `ca_crl` is NULL or an initialised list (the contract of this function).
        let crls = unsafe { crl_list(ca_crl) };
        // SAFETY: `ca_chain` is NULL or an initialised shell (the contract of this function).
        if let Some(chain) = unsafe { chain_ders(ca_chain) } {
            // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
            let _ = unsafe {
                with_ssl(ssl, |h| {
                    h.ctx.set_hs_ca_chain(chain.into(), crls);
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
            // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
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
        let handle = conf_or_return!(conf);
        handle.config.update(|s| s.signal_new_session_tickets = signal_new_session_tickets != 0);
    })
}
