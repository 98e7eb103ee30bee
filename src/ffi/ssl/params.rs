//! Handshake parameters of `ssl.h`: key exchange groups (`mbedtls_ssl_conf_groups`,
//! `_curves`), signature algorithms (`_sig_algs`, `_sig_hashes`), suite preference, the CA names
//! of a CertificateRequest (`_cert_req_ca_list`, `_dn_hints`), TLS 1.3 key exchange modes, and the
//! small record-layer functions (`mbedtls_ssl_get_record_expansion`,
//! `mbedtls_ssl_send_alert_message`, `mbedtls_ssl_tls_prf`, and the DTLS-only calls).

use super::*;
use crate::digest::{self, Algorithm};
use crate::ffi::ecp::mbedtls_ecp_group_id;
use crate::verify::TrustStore;

/// `mbedtls_ecp_group_id` (ecp.h) → IANA TLS group, for the curves a TLS group exists for.
fn iana_group_of_curve(id: mbedtls_ecp_group_id) -> Option<u16> {
    Some(match id {
        1 => 0x0013,  // SECP192R1
        2 => 0x0015,  // SECP224R1
        3 => 0x0017,  // SECP256R1
        4 => 0x0018,  // SECP384R1
        5 => 0x0019,  // SECP521R1
        6 => 0x001A,  // BP256R1
        7 => 0x001B,  // BP384R1
        8 => 0x001C,  // BP512R1
        9 => 0x001D,  // CURVE25519
        10 => 0x0012, // SECP192K1
        11 => 0x0014, // SECP224K1
        12 => 0x0016, // SECP256K1
        13 => 0x001E, // CURVE448
        _ => return None,
    })
}

/// Sets the key exchange groups offered (client) and accepted (server), in order of preference,
/// as IANA numbers (`MBEDTLS_SSL_IANA_TLS_GROUP_*`), the list ending with
/// `MBEDTLS_SSL_IANA_TLS_GROUP_NONE` (0). Groups this library lacks are left out; if none is
/// left, the handshake fails with `MBEDTLS_ERR_SSL_BAD_CONFIG`. NULL goes back to the default
/// list (X25519, P-256, P-384 and the post-quantum hybrid X25519MLKEM768 for TLS 1.3).
///
/// Differences from Mbed TLS: the list is copied (Mbed TLS keeps the pointer).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `groups` is NULL or a list ending
/// with 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_groups(conf: *mut mbedtls_ssl_config, groups: *const u16) {
    entry!(mbedtls_ssl_conf_groups, {
        let handle = conf_or_return!(conf);
        // SAFETY: `groups` is NULL or 0-terminated (the contract of this function).
        let list = unsafe { until_terminator(groups, 0) };
        handle.config.update(|s| s.groups = list);
    })
}

/// Sets the key exchange groups by curve (`MBEDTLS_ECP_DP_*`, the list ending with
/// `MBEDTLS_ECP_DP_NONE`): as `mbedtls_ssl_conf_groups` with each curve's TLS group. Deprecated
/// in Mbed TLS 3.6, as here.
///
/// Differences from Mbed TLS: the curves restrict the key exchange only, not also the curves
/// of the peer's ECDSA certificate.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `curves` is NULL or a list ending
/// with `MBEDTLS_ECP_DP_NONE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_curves(conf: *mut mbedtls_ssl_config, curves: *const mbedtls_ecp_group_id) {
    entry!(mbedtls_ssl_conf_curves, {
        let handle = conf_or_return!(conf);
        // SAFETY: `curves` is NULL or terminated by MBEDTLS_ECP_DP_NONE (0) (the contract).
        let ids = unsafe { until_terminator(curves, 0) };
        let list = ids.map(|ids| ids.into_iter().filter_map(iana_group_of_curve).collect());
        handle.config.update(|s| s.groups = list);
    })
}

/// Sets the signature algorithms (`MBEDTLS_TLS1_3_SIG_*`, TLS 1.3 SignatureScheme numbers, which
/// TLS 1.2's hash-and-signature pairs share) this side offers, accepts from the peer, and signs
/// with, the list ending with `MBEDTLS_TLS1_3_SIG_NONE` (0). A peer that signs with another is
/// refused; if the own key can sign with none of them, the handshake fails. NULL goes back to the
/// default (every scheme the crypto provider verifies).
///
/// Differences from Mbed TLS: the list is copied (Mbed TLS keeps the pointer); schemes this
/// library cannot verify are ignored.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `sig_algs` is NULL or a list
/// ending with 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_sig_algs(conf: *mut mbedtls_ssl_config, sig_algs: *const u16) {
    entry!(mbedtls_ssl_conf_sig_algs, {
        let handle = conf_or_return!(conf);
        // SAFETY: `sig_algs` is NULL or 0-terminated (the contract of this function).
        let list = unsafe { until_terminator(sig_algs, 0) }.map(Arc::<[u16]>::from);
        handle.config.update(|s| s.sig_algs = list);
    })
}

/// The signature schemes of a hash (`MBEDTLS_MD_*`): ECDSA, RSA PKCS#1 v1.5 and RSA-PSS with it.
fn schemes_of_hash(md: c_int) -> &'static [u16] {
    match md {
        0x05 => &[0x0203, 0x0201],         // SHA-1
        0x08 => &[0x0303, 0x0301],         // SHA-224
        0x09 => &[0x0403, 0x0401, 0x0804], // SHA-256
        0x0a => &[0x0503, 0x0501, 0x0805], // SHA-384
        0x0b => &[0x0603, 0x0601, 0x0806], // SHA-512
        _ => &[],
    }
}

/// Sets the signature hashes (`MBEDTLS_MD_*`, the list ending with `MBEDTLS_MD_NONE`): as
/// `mbedtls_ssl_conf_sig_algs` with, for each hash, ECDSA, RSA PKCS#1 v1.5 and (SHA-2) RSA-PSS
/// signatures. Deprecated in Mbed TLS 3.6, as here.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `hashes` is NULL or a list
/// ending with `MBEDTLS_MD_NONE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_sig_hashes(conf: *mut mbedtls_ssl_config, hashes: *const c_int) {
    entry!(mbedtls_ssl_conf_sig_hashes, {
        let handle = conf_or_return!(conf);
        // SAFETY: `hashes` is NULL or terminated by MBEDTLS_MD_NONE (0) (the contract).
        let mds = unsafe { until_terminator(hashes, 0) };
        let list = mds.map(|mds| mds.into_iter().flat_map(|md| schemes_of_hash(md).iter().copied()).collect());
        handle.config.update(|s| s.sig_algs = list);
    })
}

/// Chooses whose cipher suite order a server follows: its own
/// (`MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_SERVER`, 0, the default) or the client's
/// (`MBEDTLS_SSL_SRV_CIPHERSUITE_ORDER_CLIENT`, 1).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_preference_order(conf: *mut mbedtls_ssl_config, order: c_int) {
    entry!(mbedtls_ssl_conf_preference_order, {
        let handle = conf_or_return!(conf);
        handle.config.update(|s| s.server_order = order != 1);
    })
}

/// Records whether the extended master secret (RFC 7627) is wanted
/// (`MBEDTLS_SSL_EXTENDED_MS_ENABLED`, the default, or `_DISABLED`).
///
/// Differences from Mbed TLS: rustls always offers and accepts the extension, so
/// `MBEDTLS_SSL_EXTENDED_MS_DISABLED` has no effect (a safer handshake than asked for).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_extended_master_secret(conf: *mut mbedtls_ssl_config, ems: c_int) {
    entry!(mbedtls_ssl_conf_extended_master_secret, {
        let handle = conf_or_return!(conf);
        if ems == 0 {
            log::info!("the extended master secret stays on: rustls always negotiates it");
        }
        handle.config.update(|s| s.extended_master_secret = ems != 0);
    })
}

/// Whether a server lists acceptable CA names in its CertificateRequest
/// (`MBEDTLS_SSL_CERT_REQ_CA_LIST_ENABLED`, the default, or `_DISABLED`: an empty list).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_cert_req_ca_list(conf: *mut mbedtls_ssl_config, cert_req_ca_list: c_char) {
    entry!(mbedtls_ssl_conf_cert_req_ca_list, {
        let handle = conf_or_return!(conf);
        handle.config.update(|s| s.cert_req_ca_list = cert_req_ca_list != 0);
    })
}

/// The subjects of a certificate list, as the CA names of a CertificateRequest.
///
/// # Safety
/// `crt` is NULL or an initialised certificate chain.
unsafe fn hints_of(crt: *const mbedtls_x509_crt) -> Option<Arc<[rustls::DistinguishedName]>> {
    // SAFETY: NULL or an initialised chain (the caller's contract).
    let ders = unsafe { chain_ders(crt) }?;
    Some(TrustStore::from_ders(&ders).subjects().into())
}

/// Sets the CA names a server lists in its CertificateRequest: the subjects of `crt` and its
/// `next` certificates, instead of those of the CA chain. NULL goes back to the CA chain's.
///
/// Differences from Mbed TLS: the names are copied now (the chain may be freed at once).
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration; `crt` NULL or a parsed chain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_dn_hints(conf: *mut mbedtls_ssl_config, crt: *const mbedtls_x509_crt) {
    entry!(mbedtls_ssl_conf_dn_hints, {
        let handle = conf_or_return!(conf);
        // SAFETY: NULL or a parsed chain (the contract of this function).
        let hints = unsafe { hints_of(crt) };
        handle.config.update(|s| s.dn_hints = hints);
    })
}

/// Sets the CA names of this handshake's CertificateRequest (see `mbedtls_ssl_conf_dn_hints`),
/// typically from the SNI callback.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context or a NULL `crt`.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `crt` NULL or a parsed chain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_hs_dn_hints(
    ssl: *mut mbedtls_ssl_context,
    crt: *const mbedtls_x509_crt,
) -> c_int {
    entry!(mbedtls_ssl_set_hs_dn_hints, {
        // SAFETY: NULL or a parsed chain (the contract of this function).
        let Some(hints) = (unsafe { hints_of(crt) }) else {
            return code_of(Error::SslBadInputData);
        };
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        status(unsafe {
            with_ssl(ssl, |h| {
                h.ctx.set_hs_dn_hints(hints);
                Ok(())
            })
        })
    })
}

/// Sets the TLS 1.3 key exchange modes (`MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_*`: PSK 1,
/// EPHEMERAL 2, PSK_EPHEMERAL 4; the default is all of them). Without PSK_EPHEMERAL a server
/// issues no TLS 1.3 tickets and a client offers none, so every TLS 1.3 handshake is a full one.
///
/// Differences from Mbed TLS: pure PSK (without (EC)DHE) does not exist in rustls, and full
/// handshakes (EPHEMERAL) cannot be turned off.
///
/// # Safety
/// `conf` is NULL (ignored) or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_tls13_key_exchange_modes(conf: *mut mbedtls_ssl_config, kex_modes: c_int) {
    entry!(mbedtls_ssl_conf_tls13_key_exchange_modes, {
        let handle = conf_or_return!(conf);
        let modes = u32::try_from(kex_modes).unwrap_or(0) & config::TLS13_KEX_ALL;
        handle.config.update(|s| s.tls13_kex_modes = modes);
    })
}

/// DTLS only: the number of records with a bad MAC tolerated. Does nothing here (no DTLS).
///
/// # Safety
/// `conf` is NULL or an initialised configuration.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_conf_dtls_badmac_limit(conf: *mut mbedtls_ssl_config, limit: core::ffi::c_uint) {
    entry!(mbedtls_ssl_conf_dtls_badmac_limit, {
        let _ = (conf, limit);
        log::debug!("mbedtls_ssl_conf_dtls_badmac_limit: DTLS is not supported");
    })
}

/// Checks a record without processing it: a DTLS function. As Mbed TLS does for TLS, it wipes
/// `buf` and refuses.
///
/// # Returns
/// `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` (TLS: no record checking); `MBEDTLS_ERR_SSL_BAD_INPUT_DATA`
/// for a NULL or not-set-up context.
///
/// # Safety
/// `ssl` is NULL or an initialised context; `buf` is NULL or writable for `buflen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_check_record(
    ssl: *const mbedtls_ssl_context,
    buf: *mut c_uchar,
    buflen: usize,
) -> c_int {
    entry!(mbedtls_ssl_check_record, {
        // SAFETY: NULL or writable for `buflen` bytes (the contract of this function).
        if let Some(buf) = unsafe { out_slice(buf, buflen) } {
            zeroize::Zeroize::zeroize(buf);
        }
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        match unsafe { with_ssl(ssl, |_| Ok(())) } {
            Ok(()) => code_of(Error::SslFeatureUnavailable),
            Err(e) => code_of(e),
        }
    })
}

/// Timer callbacks (`mbedtls_ssl_set_timer_t`, `mbedtls_ssl_get_timer_t`): Mbed TLS uses them for
/// DTLS retransmissions only. Accepted and not called here (no DTLS); TLS reads time out through
/// `mbedtls_ssl_conf_read_timeout` and the receive callback with timeout.
///
/// # Safety
/// `ssl` is NULL (ignored) or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_set_timer_cb(
    ssl: *mut mbedtls_ssl_context,
    p_timer: *mut c_void,
    f_set_timer: Option<unsafe extern "C" fn(*mut c_void, u32, u32)>,
    f_get_timer: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
) {
    entry!(mbedtls_ssl_set_timer_cb, {
        let _ = (ssl, p_timer, f_set_timer, f_get_timer);
        log::debug!("mbedtls_ssl_set_timer_cb: timers serve DTLS only and are not used");
    })
}

/// The bytes a record adds to the data it carries: 5 (the header) before the handshake; after
/// it 29 for TLS 1.2 AES-GCM (header, explicit nonce, tag), 21 for TLS 1.2 ChaCha20-Poly1305,
/// 22 for TLS 1.3 (header, tag, content type).
///
/// Differences from Mbed TLS: for TLS 1.3, Mbed TLS counts its padding to 16 bytes (37); rustls
/// does not pad, and this is what its records really add.
///
/// # Returns
/// The expansion; `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_get_record_expansion(ssl: *const mbedtls_ssl_context) -> c_int {
    entry!(mbedtls_ssl_get_record_expansion, {
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        count_or_code(unsafe { with_ssl(ssl, |h| Ok(h.ctx.record_expansion())) })
    })
}

/// Sends an alert (`level` `MBEDTLS_SSL_ALERT_LEVEL_*`, `message` `MBEDTLS_SSL_ALERT_MSG_*`).
/// close_notify (warning) is sent on any connection after the handshake (before it, nothing is
/// sent); any other alert on TLS 1.2 connections with renegotiation enabled, whose records this
/// library protects itself.
///
/// Differences from Mbed TLS: on connections rustls runs (TLS 1.3, and TLS 1.2 without
/// renegotiation) only close_notify can be sent: rustls sends the alerts of its own decisions
/// only.
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` for an alert that cannot be sent (above);
/// `MBEDTLS_ERR_SSL_WANT_WRITE` when the transport would block (call again);
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for a NULL or not-set-up context or a level or message out of
/// range.
///
/// # Safety
/// `ssl` is NULL or an initialised context.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_send_alert_message(
    ssl: *mut mbedtls_ssl_context,
    level: c_uchar,
    message: c_uchar,
) -> c_int {
    entry!(mbedtls_ssl_send_alert_message, {
        if !(1..=2).contains(&level) {
            return code_of(Error::SslBadInputData);
        }
        // SAFETY: `ssl` is NULL or a context shell (the contract of this function).
        status(unsafe { drive(ssl, |ctx| ctx.send_alert(level, message)) })
    })
}

/// `mbedtls_tls_prf_types` (an `int`-sized enum in Mbed TLS 3.6): `MBEDTLS_SSL_TLS_PRF_*`.
pub type mbedtls_tls_prf_types = c_int;

/// `mbedtls_tls_prf_types` → the PRF's hash (None: not a TLS 1.2 PRF).
fn prf_hash(prf: mbedtls_tls_prf_types) -> Option<Algorithm> {
    match prf {
        1 => Some(Algorithm::Sha384), // MBEDTLS_SSL_TLS_PRF_SHA384
        2 => Some(Algorithm::Sha256), // MBEDTLS_SSL_TLS_PRF_SHA256
        _ => None,
    }
}

/// The TLS 1.2 PRF (RFC 5246 §5) with SHA-256 (`MBEDTLS_SSL_TLS_PRF_SHA256`) or SHA-384
/// (`_SHA384`): `dlen` bytes of `PRF(secret, label, random)` into `dstbuf` (e.g. EAP-TLS keys
/// from the exported master secret).
///
/// # Returns
/// 0; `MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE` for other PRF types (as Mbed TLS);
/// `MBEDTLS_ERR_SSL_BAD_INPUT_DATA` for NULL buffers (an empty one may be NULL) or a NULL label.
///
/// # Safety
/// Each buffer is NULL or valid for its length; `label` is NULL or a C string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_ssl_tls_prf(
    prf: mbedtls_tls_prf_types,
    secret: *const c_uchar,
    slen: usize,
    label: *const c_char,
    random: *const c_uchar,
    rlen: usize,
    dstbuf: *mut c_uchar,
    dlen: usize,
) -> c_int {
    entry!(mbedtls_ssl_tls_prf, {
        let Some(algorithm) = prf_hash(prf) else {
            return code_of(Error::SslFeatureUnavailable);
        };
        // SAFETY: each pointer is NULL or valid for its length (the contract of this function).
        let (secret, label, random, out) =
            unsafe { (in_slice(secret, slen), in_cstr(label), in_slice(random, rlen), out_slice(dstbuf, dlen)) };
        let (Some(secret), Some(label), Some(random), Some(out)) = (secret, label, random, out) else {
            return code_of(Error::SslBadInputData);
        };
        digest::tls12_prf(algorithm, secret, label.to_bytes(), random, out);
        0
    })
}
