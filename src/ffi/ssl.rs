//! `ssl.h`: TLS contexts (`mbedtls_ssl_context`), configurations (`mbedtls_ssl_config`) and
//! sessions, mapped onto the core `config`, `context` and `session` modules.

use core::ffi::{c_int, c_void};

/// `-0x7000`.
pub const MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS: c_int = -0x7000;
/// `-0x7080`.
pub const MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE: c_int = -0x7080;
/// `-0x7100`.
pub const MBEDTLS_ERR_SSL_BAD_INPUT_DATA: c_int = -0x7100;
/// `-0x7180`.
pub const MBEDTLS_ERR_SSL_INVALID_MAC: c_int = -0x7180;
/// `-0x7200`.
pub const MBEDTLS_ERR_SSL_INVALID_RECORD: c_int = -0x7200;
/// `-0x7280`.
pub const MBEDTLS_ERR_SSL_CONN_EOF: c_int = -0x7280;
/// `-0x7300`.
pub const MBEDTLS_ERR_SSL_DECODE_ERROR: c_int = -0x7300;
/// `-0x7400`.
pub const MBEDTLS_ERR_SSL_NO_RNG: c_int = -0x7400;
/// `-0x7480`.
pub const MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE: c_int = -0x7480;
/// `-0x7500`.
pub const MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION: c_int = -0x7500;
/// `-0x7580`.
pub const MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL: c_int = -0x7580;
/// `-0x7600`.
pub const MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED: c_int = -0x7600;
/// `-0x7680`.
pub const MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED: c_int = -0x7680;
/// `-0x7700`.
pub const MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE: c_int = -0x7700;
/// `-0x7780`.
pub const MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE: c_int = -0x7780;
/// `-0x7800`.
pub const MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME: c_int = -0x7800;
/// `-0x7880`.
pub const MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY: c_int = -0x7880;
/// `-0x7A00`.
pub const MBEDTLS_ERR_SSL_BAD_CERTIFICATE: c_int = -0x7A00;
/// `-0x7B00`.
pub const MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET: c_int = -0x7B00;
/// `-0x7B80`.
pub const MBEDTLS_ERR_SSL_CANNOT_READ_EARLY_DATA: c_int = -0x7B80;
/// `-0x7C00`.
pub const MBEDTLS_ERR_SSL_RECEIVED_EARLY_DATA: c_int = -0x7C00;
/// `-0x7C80`.
pub const MBEDTLS_ERR_SSL_CANNOT_WRITE_EARLY_DATA: c_int = -0x7C80;
/// `-0x7E80`.
pub const MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND: c_int = -0x7E80;
/// `-0x7F00`.
pub const MBEDTLS_ERR_SSL_ALLOC_FAILED: c_int = -0x7F00;
/// `-0x7F80`.
pub const MBEDTLS_ERR_SSL_HW_ACCEL_FAILED: c_int = -0x7F80;
/// `-0x6F80`.
pub const MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH: c_int = -0x6F80;
/// `-0x6E80`.
pub const MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION: c_int = -0x6E80;
/// `-0x6E00`.
pub const MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE: c_int = -0x6E00;
/// `-0x6D80`.
pub const MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED: c_int = -0x6D80;
/// `-0x6D00`.
pub const MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH: c_int = -0x6D00;
/// `-0x6C80`.
pub const MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY: c_int = -0x6C80;
/// `-0x6C00`.
pub const MBEDTLS_ERR_SSL_INTERNAL_ERROR: c_int = -0x6C00;
/// `-0x6B80`.
pub const MBEDTLS_ERR_SSL_COUNTER_WRAPPING: c_int = -0x6B80;
/// `-0x6B00`.
pub const MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO: c_int = -0x6B00;
/// `-0x6A80`.
pub const MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED: c_int = -0x6A80;
/// `-0x6A00`.
pub const MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL: c_int = -0x6A00;
/// `-0x6900`.
pub const MBEDTLS_ERR_SSL_WANT_READ: c_int = -0x6900;
/// `-0x6880`.
pub const MBEDTLS_ERR_SSL_WANT_WRITE: c_int = -0x6880;
/// `-0x6800`.
pub const MBEDTLS_ERR_SSL_TIMEOUT: c_int = -0x6800;
/// `-0x6780`.
pub const MBEDTLS_ERR_SSL_CLIENT_RECONNECT: c_int = -0x6780;
/// `-0x6700`.
pub const MBEDTLS_ERR_SSL_UNEXPECTED_RECORD: c_int = -0x6700;
/// `-0x6680`.
pub const MBEDTLS_ERR_SSL_NON_FATAL: c_int = -0x6680;
/// `-0x6600`.
pub const MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER: c_int = -0x6600;
/// `-0x6580`.
pub const MBEDTLS_ERR_SSL_CONTINUE_PROCESSING: c_int = -0x6580;
/// `-0x6500`.
pub const MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS: c_int = -0x6500;
/// `-0x6480`.
pub const MBEDTLS_ERR_SSL_EARLY_MESSAGE: c_int = -0x6480;
/// `-0x6000`.
pub const MBEDTLS_ERR_SSL_UNEXPECTED_CID: c_int = -0x6000;
/// `-0x5F00`.
pub const MBEDTLS_ERR_SSL_VERSION_MISMATCH: c_int = -0x5F00;
/// `-0x5E80`.
pub const MBEDTLS_ERR_SSL_BAD_CONFIG: c_int = -0x5E80;
/// `-0x5D80`.
pub const MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME: c_int = -0x5D80;

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
