//! `mbedtls_ssl_config`: a configuration's life cycle and its `mbedtls_ssl_conf_*` settings.

use super::*;

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
        // SAFETY: `conf` is writable (the caller's contract); `init` writes without reading, so
        // `install` then finds an empty shell.
        unsafe {
            handle::init(conf);
            handle::install(conf, ConfigHandle::new(Config::new(), 0, conf as usize, 0));
        }
    })
}

/// Frees the configuration. NULL, never-initialised (zeroed) and already freed shells are fine.
///
/// Differences from Mbed TLS: contexts set up with this configuration keep working (they share
/// it); in Mbed TLS freeing a configuration in use is undefined behaviour. Byte copies of it
/// (`memcpy`) become unusable, as in Mbed TLS. Freeing a byte copy that was never changed nor
/// set up leaves the original alone; in Mbed TLS it frees the original's internals.
///
/// # Safety
/// `conf` is NULL or points to an `mbedtls_ssl_config` that was zeroed or initialised.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_config_free(conf: *mut mbedtls_ssl_config) {
    entry!(mbedtls_ssl_config_free, {
        // SAFETY: `conf` is NULL or an initialised (or zeroed) shell (the caller's contract).
        if unsafe { handle::get(conf) }.is_some_and(|h| !h.is_home(conf)) {
            // SAFETY: a byte copy holding the original's handle: only the copy is emptied.
            unsafe { handle::forget(conf) };
        } else {
            // SAFETY: as above.
            unsafe { handle::release(conf) };
        }
        // Mbed TLS 2.28 edition: the public fields read as after `mbedtls_ssl_config_init`.
        #[cfg(feature = "edition-2-28")]
        // SAFETY: as above; `init` writes without reading and ignores NULL.
        unsafe {
            handle::init(conf)
        };
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
#[cfg(not(feature = "edition-2-28"))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_config_defaults(
    conf: *mut mbedtls_ssl_config,
    endpoint: c_int,
    transport: c_int,
    preset: c_int,
) -> c_int {
    // SAFETY: the same contract.
    entry!(mbedtls_ssl_config_defaults, { unsafe { config_defaults(conf, endpoint, transport, preset) } })
}

/// `mbedtls_ssl_config_defaults` of both editions.
///
/// # Safety
/// As `mbedtls_ssl_config_defaults`.
pub(crate) unsafe fn config_defaults(
    conf: *mut mbedtls_ssl_config,
    endpoint: c_int,
    transport: c_int,
    preset: c_int,
) -> c_int {
    {
        let _ = conf_or_return!(conf, code_of(Error::SslBadInputData));
        let Some(endpoint) = endpoint_from(endpoint) else {
            return code_of(Error::SslBadInputData);
        };
        match transport {
            MBEDTLS_SSL_TRANSPORT_STREAM => {}
            MBEDTLS_SSL_TRANSPORT_DATAGRAM => return code_of(Error::SslFeatureUnavailable),
            _ => return code_of(Error::SslBadInputData),
        }
        let preset = if preset == MBEDTLS_SSL_PRESET_SUITEB { Preset::SuiteB } else { Preset::Default };
        // SAFETY: `conf` is a configuration shell (it has a handle: checked above).
        unsafe { update_config(conf, |s| s.apply_defaults(endpoint, preset)) };
        0
    }
}

/// Sets the endpoint (`MBEDTLS_SSL_IS_CLIENT` or `MBEDTLS_SSL_IS_SERVER`); other values are ignored.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_endpoint(conf: *mut mbedtls_ssl_config, endpoint: c_int) {
    entry!(mbedtls_ssl_conf_endpoint, {
        if let Some(endpoint) = endpoint_from(endpoint) {
            // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
            unsafe { update_config(conf, |s| s.endpoint = endpoint) };
        }
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
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        match unsafe { handle::get(conf) }.map(|h| h.config.read(|s| s.endpoint)) {
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
        if let Some(mode) = authmode_from(authmode) {
            // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
            unsafe { update_config(conf, |s| s.authmode = mode) };
        }
    })
}

/// Sets the trusted CA certificates (the chain starting at `ca_chain`, following `next`) and the
/// CRLs checked with them in every handshake and renegotiation (the list starting at `ca_crl`;
/// NULL: none): a peer certificate they list is `MBEDTLS_X509_BADCERT_REVOKED` (alert
/// certificate_revoked under `MBEDTLS_SSL_VERIFY_REQUIRED`), see `mbedtls_x509_crt_verify`.
///
/// Differences from Mbed TLS: the certificates and CRLs are taken now, so later changes to the
/// lists do not affect the configuration and they may be freed at once. NULL `ca_chain` removes
/// the CAs.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `ca_chain` is NULL or a parsed
/// chain; `ca_crl` is NULL or an initialised CRL list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_ca_chain(
    conf: *mut mbedtls_ssl_config,
    ca_chain: *mut mbedtls_x509_crt,
    ca_crl: *mut mbedtls_x509_crl,
) {
    entry!(mbedtls_ssl_conf_ca_chain, {
        let handle = conf_or_return!(conf);
        // SAFETY: `ca_chain` and `ca_crl` are NULL or initialised shells (the contract of this
        // function).
        let (chain, crls) = unsafe { (chain_ders(ca_chain).map(Arc::<[_]>::from), crl_list(ca_crl)) };
        handle.config.update(|s| {
            s.ca_chain = chain;
            s.ca_crl = crls;
        });
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
        let handle = conf_or_return!(conf, code_of(Error::SslBadInputData));
        // SAFETY: `own_cert` is NULL or an initialised shell (the contract of this function).
        match unsafe { own_cert_from(own_cert, pk_key) } {
            Ok(cert) => {
                handle.config.update(|s| s.own_certs.push(cert));
                0
            }
            Err(e) => code_of(e),
        }
    })
}

pub(super) unsafe fn own_cert_from(
    crt: *const mbedtls_x509_crt,
    key: *const mbedtls_pk_context,
) -> Result<Arc<OwnCert>, Error> {
    // SAFETY: `crt` is NULL or an initialised shell (the contract of this function).
    let chain = unsafe { chain_ders(crt) }.filter(|c| !c.is_empty()).ok_or(Error::SslBadInputData)?;
    // SAFETY: `key` is NULL or an initialised shell (the contract of this function).
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
        let handle = conf_or_return!(conf);
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
        let handle = conf_or_return!(conf);
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
        let handle = conf_or_return!(conf);
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
        let handle = conf_or_return!(conf);
        // SAFETY: `ciphersuites` is NULL or 0-terminated (the contract of this function).
        let ids = unsafe { until_terminator(ciphersuites, 0) };
        let list = ids.map(|ids| ids.into_iter().filter_map(|id| u16::try_from(id).ok()).collect());
        handle.config.update(|s| s.ciphersuites = list);
    })
}

pub(super) fn version_from(version: mbedtls_ssl_protocol_version) -> Option<u16> {
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
        if let Some(v) = version_from(tls_version) {
            // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
            unsafe { update_config(conf, |s| s.min_version = v.max(config::TLS1_2)) };
        }
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
        if let Some(v) = version_from(tls_version) {
            // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
            unsafe { update_config(conf, |s| s.max_version = v) };
        }
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
            // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
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
            // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
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
        let handle = conf_or_return!(conf, code_of(Error::SslBadInputData));
        // SAFETY: `protos` is NULL or a NULL-terminated array (the contract of this function).
        let Some(names) = (unsafe { until_terminator(protos, core::ptr::null()) }) else {
            return code_of(Error::SslBadInputData);
        };
        let mut list = Vec::new();
        let mut total = 0usize;
        for name in names {
            // SAFETY: each entry is a NUL-terminated string (the contract of this function).
            let bytes = unsafe { in_cstr(name) }.map_or(&[][..], CStr::to_bytes);
            if bytes.is_empty() || bytes.len() > 255 {
                return code_of(Error::SslBadInputData);
            }
            total += bytes.len() + 1;
            if total > 65535 {
                return code_of(Error::SslBadInputData);
            }
            list.push(bytes.to_vec());
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
        let handle = conf_or_return!(conf);
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
        let handle = conf_or_return!(conf);
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
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        if let Some(handle) = unsafe { own_config(conf) } {
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
        // SAFETY: `conf` is NULL or a configuration shell (the contract of this function).
        unsafe { handle::get(conf) }
            .map_or(core::ptr::null_mut(), |h| h.user_data.load(Ordering::Relaxed) as *mut c_void)
    })
}
