//! `error.h`: `mbedtls_strerror`, the generic error codes, and the one mapping from core errors
//! to `MBEDTLS_ERR_*` values.

use core::ffi::{c_char, c_int};

use super::{ctr_drbg, entropy, entry, net_sockets as net, pem, pk, ssl, write_c_text, x509};
use crate::error::Error;

/// Generic error (-0x0001).
pub const MBEDTLS_ERR_ERROR_GENERIC_ERROR: c_int = -0x0001;
/// A state that should be impossible was detected (-0x006E).
pub const MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED: c_int = -0x006E;

/// The `MBEDTLS_ERR_*` value of a core error.
pub(crate) fn code_of(err: Error) -> c_int {
    use Error as E;
    match err {
        E::SslFeatureUnavailable => ssl::MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE,
        E::SslBadInputData => ssl::MBEDTLS_ERR_SSL_BAD_INPUT_DATA,
        E::SslInvalidMac => ssl::MBEDTLS_ERR_SSL_INVALID_MAC,
        E::SslInvalidRecord => ssl::MBEDTLS_ERR_SSL_INVALID_RECORD,
        E::SslConnEof => ssl::MBEDTLS_ERR_SSL_CONN_EOF,
        E::SslDecodeError => ssl::MBEDTLS_ERR_SSL_DECODE_ERROR,
        E::SslNoRng => ssl::MBEDTLS_ERR_SSL_NO_RNG,
        E::SslNoClientCertificate => ssl::MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE,
        E::SslUnsupportedExtension => ssl::MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION,
        E::SslNoApplicationProtocol => ssl::MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL,
        E::SslPrivateKeyRequired => ssl::MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED,
        E::SslCaChainRequired => ssl::MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED,
        E::SslUnexpectedMessage => ssl::MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE,
        E::SslFatalAlertMessage => ssl::MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE,
        E::SslUnrecognizedName => ssl::MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME,
        E::SslPeerCloseNotify => ssl::MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY,
        E::SslBadCertificate => ssl::MBEDTLS_ERR_SSL_BAD_CERTIFICATE,
        E::SslReceivedNewSessionTicket => ssl::MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET,
        E::SslCacheEntryNotFound => ssl::MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND,
        E::SslAllocFailed => ssl::MBEDTLS_ERR_SSL_ALLOC_FAILED,
        E::SslBadProtocolVersion => ssl::MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION,
        E::SslHandshakeFailure => ssl::MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE,
        E::SslSessionTicketExpired => ssl::MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED,
        E::SslPkTypeMismatch => ssl::MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH,
        E::SslInternalError => ssl::MBEDTLS_ERR_SSL_INTERNAL_ERROR,
        E::SslCounterWrapping => ssl::MBEDTLS_ERR_SSL_COUNTER_WRAPPING,
        E::SslWaitingServerHelloRenego => ssl::MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO,
        E::SslBufferTooSmall => ssl::MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL,
        E::SslWantRead => ssl::MBEDTLS_ERR_SSL_WANT_READ,
        E::SslWantWrite => ssl::MBEDTLS_ERR_SSL_WANT_WRITE,
        E::SslTimeout => ssl::MBEDTLS_ERR_SSL_TIMEOUT,
        E::SslIllegalParameter => ssl::MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER,
        E::SslVersionMismatch => ssl::MBEDTLS_ERR_SSL_VERSION_MISMATCH,
        E::SslBadConfig => ssl::MBEDTLS_ERR_SSL_BAD_CONFIG,
        E::SslCertificateVerificationWithoutHostname => ssl::MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME,
        E::X509FeatureUnavailable => x509::MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE,
        E::X509UnknownOid => x509::MBEDTLS_ERR_X509_UNKNOWN_OID,
        E::X509InvalidFormat => x509::MBEDTLS_ERR_X509_INVALID_FORMAT,
        E::X509InvalidVersion => x509::MBEDTLS_ERR_X509_INVALID_VERSION,
        E::X509InvalidSerial => x509::MBEDTLS_ERR_X509_INVALID_SERIAL,
        E::X509InvalidAlg => x509::MBEDTLS_ERR_X509_INVALID_ALG,
        E::X509InvalidName => x509::MBEDTLS_ERR_X509_INVALID_NAME,
        E::X509InvalidDate => x509::MBEDTLS_ERR_X509_INVALID_DATE,
        E::X509InvalidSignature => x509::MBEDTLS_ERR_X509_INVALID_SIGNATURE,
        E::X509InvalidExtensions => x509::MBEDTLS_ERR_X509_INVALID_EXTENSIONS,
        E::X509UnknownVersion => x509::MBEDTLS_ERR_X509_UNKNOWN_VERSION,
        E::X509UnknownSigAlg => x509::MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG,
        E::X509SigMismatch => x509::MBEDTLS_ERR_X509_SIG_MISMATCH,
        E::X509CertVerifyFailed => x509::MBEDTLS_ERR_X509_CERT_VERIFY_FAILED,
        E::X509CertUnknownFormat => x509::MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT,
        E::X509BadInputData => x509::MBEDTLS_ERR_X509_BAD_INPUT_DATA,
        E::X509AllocFailed => x509::MBEDTLS_ERR_X509_ALLOC_FAILED,
        E::X509FileIoError => x509::MBEDTLS_ERR_X509_FILE_IO_ERROR,
        E::X509BufferTooSmall => x509::MBEDTLS_ERR_X509_BUFFER_TOO_SMALL,
        E::X509FatalError => x509::MBEDTLS_ERR_X509_FATAL_ERROR,
        E::PkAllocFailed => pk::MBEDTLS_ERR_PK_ALLOC_FAILED,
        E::PkTypeMismatch => pk::MBEDTLS_ERR_PK_TYPE_MISMATCH,
        E::PkBadInputData => pk::MBEDTLS_ERR_PK_BAD_INPUT_DATA,
        E::PkFileIoError => pk::MBEDTLS_ERR_PK_FILE_IO_ERROR,
        E::PkKeyInvalidVersion => pk::MBEDTLS_ERR_PK_KEY_INVALID_VERSION,
        E::PkKeyInvalidFormat => pk::MBEDTLS_ERR_PK_KEY_INVALID_FORMAT,
        E::PkUnknownPkAlg => pk::MBEDTLS_ERR_PK_UNKNOWN_PK_ALG,
        E::PkPasswordRequired => pk::MBEDTLS_ERR_PK_PASSWORD_REQUIRED,
        E::PkPasswordMismatch => pk::MBEDTLS_ERR_PK_PASSWORD_MISMATCH,
        E::PkInvalidPubkey => pk::MBEDTLS_ERR_PK_INVALID_PUBKEY,
        E::PkInvalidAlg => pk::MBEDTLS_ERR_PK_INVALID_ALG,
        E::PkUnknownNamedCurve => pk::MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE,
        E::PkFeatureUnavailable => pk::MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE,
        E::PemNoHeaderFooterPresent => pem::MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT,
        E::PemInvalidData => pem::MBEDTLS_ERR_PEM_INVALID_DATA,
        E::PemInvalidEncIv => pem::MBEDTLS_ERR_PEM_INVALID_ENC_IV,
        E::PemUnknownEncAlg => pem::MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG,
        E::PemPasswordRequired => pem::MBEDTLS_ERR_PEM_PASSWORD_REQUIRED,
        E::PemPasswordMismatch => pem::MBEDTLS_ERR_PEM_PASSWORD_MISMATCH,
        E::PemFeatureUnavailable => pem::MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE,
        E::PemBadInputData => pem::MBEDTLS_ERR_PEM_BAD_INPUT_DATA,
        E::NetSocketFailed => net::MBEDTLS_ERR_NET_SOCKET_FAILED,
        E::NetConnectFailed => net::MBEDTLS_ERR_NET_CONNECT_FAILED,
        E::NetBindFailed => net::MBEDTLS_ERR_NET_BIND_FAILED,
        E::NetListenFailed => net::MBEDTLS_ERR_NET_LISTEN_FAILED,
        E::NetAcceptFailed => net::MBEDTLS_ERR_NET_ACCEPT_FAILED,
        E::NetRecvFailed => net::MBEDTLS_ERR_NET_RECV_FAILED,
        E::NetSendFailed => net::MBEDTLS_ERR_NET_SEND_FAILED,
        E::NetConnReset => net::MBEDTLS_ERR_NET_CONN_RESET,
        E::NetUnknownHost => net::MBEDTLS_ERR_NET_UNKNOWN_HOST,
        E::NetBufferTooSmall => net::MBEDTLS_ERR_NET_BUFFER_TOO_SMALL,
        E::NetInvalidContext => net::MBEDTLS_ERR_NET_INVALID_CONTEXT,
        E::NetPollFailed => net::MBEDTLS_ERR_NET_POLL_FAILED,
        E::NetBadInputData => net::MBEDTLS_ERR_NET_BAD_INPUT_DATA,
        E::CtrDrbgEntropySourceFailed => ctr_drbg::MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED,
        E::CtrDrbgRequestTooBig => ctr_drbg::MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG,
        E::CtrDrbgInputTooBig => ctr_drbg::MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG,
        E::EntropySourceFailed => entropy::MBEDTLS_ERR_ENTROPY_SOURCE_FAILED,
        E::CipherBadInputData => super::cipher::MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA,
        E::Passthrough(code) => code,
        E::CallbackPending => ssl::MBEDTLS_ERR_SSL_INTERNAL_ERROR,
    }
}

/// Converts a core result into the C convention: 0 on success, the error code otherwise.
pub(crate) fn status(result: Result<(), Error>) -> c_int {
    match result {
        Ok(()) => 0,
        Err(e) => code_of(e),
    }
}

/// Every error code this library defines, with the module prefix and our own description,
/// as `mbedtls_strerror` prints them ("SSL - ...").
pub(crate) const ERROR_TEXTS: &[(c_int, &str, &str)] = &[
    (ssl::MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS, "SSL", "A cryptographic operation is still in progress"),
    (ssl::MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE, "SSL", "The requested feature is not supported"),
    (ssl::MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "SSL", "Invalid argument or call in the wrong state"),
    (ssl::MBEDTLS_ERR_SSL_INVALID_MAC, "SSL", "Record authentication (MAC) check failed"),
    (ssl::MBEDTLS_ERR_SSL_INVALID_RECORD, "SSL", "A malformed record was received"),
    (ssl::MBEDTLS_ERR_SSL_CONN_EOF, "SSL", "The transport reached end of file"),
    (ssl::MBEDTLS_ERR_SSL_DECODE_ERROR, "SSL", "A message could not be decoded"),
    (ssl::MBEDTLS_ERR_SSL_NO_RNG, "SSL", "No random number generator was configured"),
    (ssl::MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE, "SSL", "The client sent no certificate although one is required"),
    (ssl::MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION, "SSL", "An extension that is not allowed here was received"),
    (ssl::MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL, "SSL", "No application protocol (ALPN) in common"),
    (ssl::MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED, "SSL", "An own certificate was configured without its private key"),
    (ssl::MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED, "SSL", "Peer verification requires a CA chain, and none is set"),
    (ssl::MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "SSL", "The peer sent a message that is not expected now"),
    (ssl::MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, "SSL", "The peer sent a fatal alert"),
    (ssl::MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME, "SSL", "The requested server name is not recognized"),
    (ssl::MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, "SSL", "The peer closed the connection with close_notify"),
    (ssl::MBEDTLS_ERR_SSL_BAD_CERTIFICATE, "SSL", "The peer's certificate could not be used"),
    (ssl::MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET, "SSL", "A TLS 1.3 NewSessionTicket was received"),
    (ssl::MBEDTLS_ERR_SSL_CANNOT_READ_EARLY_DATA, "SSL", "Early data cannot be read now"),
    (ssl::MBEDTLS_ERR_SSL_RECEIVED_EARLY_DATA, "SSL", "Early data was received"),
    (ssl::MBEDTLS_ERR_SSL_CANNOT_WRITE_EARLY_DATA, "SSL", "Early data cannot be written now"),
    (ssl::MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND, "SSL", "No usable entry for this session in the cache"),
    (ssl::MBEDTLS_ERR_SSL_ALLOC_FAILED, "SSL", "Memory allocation failed"),
    (ssl::MBEDTLS_ERR_SSL_HW_ACCEL_FAILED, "SSL", "A hardware accelerator failed"),
    (ssl::MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH, "SSL", "A hardware accelerator declined the operation"),
    (ssl::MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION, "SSL", "No protocol version in common with the peer"),
    (ssl::MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE, "SSL", "The handshake failed"),
    (ssl::MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED, "SSL", "The session ticket has expired or its key is unknown"),
    (ssl::MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH, "SSL", "The key type does not fit the cipher suite or certificate"),
    (ssl::MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY, "SSL", "Unknown pre-shared key identity"),
    (ssl::MBEDTLS_ERR_SSL_INTERNAL_ERROR, "SSL", "Internal error (this should not happen)"),
    (ssl::MBEDTLS_ERR_SSL_COUNTER_WRAPPING, "SSL", "The record sequence number would wrap"),
    (
        ssl::MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO,
        "SSL",
        "A non-handshake message arrived while waiting for the renegotiation ServerHello",
    ),
    (ssl::MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED, "SSL", "DTLS client must retry after HelloVerifyRequest"),
    (ssl::MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL, "SSL", "The output buffer is too small"),
    (ssl::MBEDTLS_ERR_SSL_WANT_READ, "SSL", "The transport has no data now: call again later"),
    (ssl::MBEDTLS_ERR_SSL_WANT_WRITE, "SSL", "The transport cannot take data now: call again later"),
    (ssl::MBEDTLS_ERR_SSL_TIMEOUT, "SSL", "The read timed out"),
    (ssl::MBEDTLS_ERR_SSL_CLIENT_RECONNECT, "SSL", "The client reconnected from the same port"),
    (ssl::MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, "SSL", "A record of an unexpected epoch or type was received"),
    (ssl::MBEDTLS_ERR_SSL_NON_FATAL, "SSL", "A non-fatal error that the caller may ignore"),
    (ssl::MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER, "SSL", "A message field has an illegal value"),
    (ssl::MBEDTLS_ERR_SSL_CONTINUE_PROCESSING, "SSL", "Internal: continue processing"),
    (ssl::MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS, "SSL", "An asynchronous operation is still in progress"),
    (ssl::MBEDTLS_ERR_SSL_EARLY_MESSAGE, "SSL", "Internal: message arrived early"),
    (ssl::MBEDTLS_ERR_SSL_UNEXPECTED_CID, "SSL", "An unexpected connection ID was received"),
    (ssl::MBEDTLS_ERR_SSL_VERSION_MISMATCH, "SSL", "Saved data belongs to another format version"),
    (ssl::MBEDTLS_ERR_SSL_BAD_CONFIG, "SSL", "The configuration is unusable (nothing supported is left)"),
    (
        ssl::MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME,
        "SSL",
        "Certificate verification needs a host name: call mbedtls_ssl_set_hostname",
    ),
    (x509::MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE, "X509", "The requested feature is not supported"),
    (x509::MBEDTLS_ERR_X509_UNKNOWN_OID, "X509", "Unknown object identifier"),
    (x509::MBEDTLS_ERR_X509_INVALID_FORMAT, "X509", "Malformed certificate (bad DER structure)"),
    (x509::MBEDTLS_ERR_X509_INVALID_VERSION, "X509", "Invalid certificate version"),
    (x509::MBEDTLS_ERR_X509_INVALID_SERIAL, "X509", "Invalid serial number"),
    (x509::MBEDTLS_ERR_X509_INVALID_ALG, "X509", "Invalid algorithm identifier"),
    (x509::MBEDTLS_ERR_X509_INVALID_NAME, "X509", "Invalid distinguished name"),
    (x509::MBEDTLS_ERR_X509_INVALID_DATE, "X509", "Invalid validity date"),
    (x509::MBEDTLS_ERR_X509_INVALID_SIGNATURE, "X509", "Invalid signature field"),
    (x509::MBEDTLS_ERR_X509_INVALID_EXTENSIONS, "X509", "Invalid extensions"),
    (x509::MBEDTLS_ERR_X509_UNKNOWN_VERSION, "X509", "Unsupported certificate version"),
    (x509::MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, "X509", "Unsupported signature algorithm"),
    (x509::MBEDTLS_ERR_X509_SIG_MISMATCH, "X509", "Signature algorithms do not match"),
    (x509::MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, "X509", "Certificate verification failed (see the verify flags)"),
    (x509::MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, "X509", "Input is neither PEM nor DER"),
    (x509::MBEDTLS_ERR_X509_BAD_INPUT_DATA, "X509", "Invalid argument"),
    (x509::MBEDTLS_ERR_X509_ALLOC_FAILED, "X509", "Memory allocation failed"),
    (x509::MBEDTLS_ERR_X509_FILE_IO_ERROR, "X509", "File could not be read"),
    (x509::MBEDTLS_ERR_X509_BUFFER_TOO_SMALL, "X509", "The output buffer is too small"),
    (x509::MBEDTLS_ERR_X509_FATAL_ERROR, "X509", "Fatal error during verification"),
    (pk::MBEDTLS_ERR_PK_ALLOC_FAILED, "PK", "Memory allocation failed"),
    (pk::MBEDTLS_ERR_PK_TYPE_MISMATCH, "PK", "The key type does not fit the operation"),
    (pk::MBEDTLS_ERR_PK_BAD_INPUT_DATA, "PK", "Invalid argument"),
    (pk::MBEDTLS_ERR_PK_FILE_IO_ERROR, "PK", "Key file could not be read"),
    (pk::MBEDTLS_ERR_PK_KEY_INVALID_VERSION, "PK", "Unsupported key format version"),
    (pk::MBEDTLS_ERR_PK_KEY_INVALID_FORMAT, "PK", "Malformed key"),
    (pk::MBEDTLS_ERR_PK_UNKNOWN_PK_ALG, "PK", "Unknown key algorithm"),
    (pk::MBEDTLS_ERR_PK_PASSWORD_REQUIRED, "PK", "The key is encrypted and no password was given"),
    (pk::MBEDTLS_ERR_PK_PASSWORD_MISMATCH, "PK", "Wrong password for the encrypted key"),
    (pk::MBEDTLS_ERR_PK_INVALID_PUBKEY, "PK", "Invalid public key"),
    (pk::MBEDTLS_ERR_PK_INVALID_ALG, "PK", "Invalid algorithm identifier in the key"),
    (pk::MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE, "PK", "Unsupported elliptic curve"),
    (pk::MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE, "PK", "The key uses a feature that is not supported"),
    (pk::MBEDTLS_ERR_PK_SIG_LEN_MISMATCH, "PK", "Signature length does not match"),
    (pk::MBEDTLS_ERR_PK_BUFFER_TOO_SMALL, "PK", "The output buffer is too small"),
    (pem::MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, "PEM", "No PEM header or footer found"),
    (pem::MBEDTLS_ERR_PEM_INVALID_DATA, "PEM", "PEM data is not valid base64"),
    (pem::MBEDTLS_ERR_PEM_ALLOC_FAILED, "PEM", "Memory allocation failed"),
    (pem::MBEDTLS_ERR_PEM_INVALID_ENC_IV, "PEM", "Invalid IV in the PEM encryption header"),
    (pem::MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG, "PEM", "Unsupported PEM encryption algorithm"),
    (pem::MBEDTLS_ERR_PEM_PASSWORD_REQUIRED, "PEM", "The PEM data is encrypted and no password was given"),
    (pem::MBEDTLS_ERR_PEM_PASSWORD_MISMATCH, "PEM", "Wrong password for the PEM data"),
    (pem::MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE, "PEM", "The PEM data uses a feature that is not supported"),
    (pem::MBEDTLS_ERR_PEM_BAD_INPUT_DATA, "PEM", "Invalid argument"),
    (super::cipher::MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE, "CIPHER", "The requested cipher is not supported"),
    (super::cipher::MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA, "CIPHER", "Invalid argument"),
    (super::cipher::MBEDTLS_ERR_CIPHER_AUTH_FAILED, "CIPHER", "Authentication of the ciphertext failed"),
    (net::MBEDTLS_ERR_NET_SOCKET_FAILED, "NET", "Could not open a socket"),
    (net::MBEDTLS_ERR_NET_CONNECT_FAILED, "NET", "Could not connect"),
    (net::MBEDTLS_ERR_NET_BIND_FAILED, "NET", "Could not bind the socket"),
    (net::MBEDTLS_ERR_NET_LISTEN_FAILED, "NET", "Could not listen on the socket"),
    (net::MBEDTLS_ERR_NET_ACCEPT_FAILED, "NET", "Could not accept a connection"),
    (net::MBEDTLS_ERR_NET_RECV_FAILED, "NET", "Reading from the socket failed"),
    (net::MBEDTLS_ERR_NET_SEND_FAILED, "NET", "Writing to the socket failed"),
    (net::MBEDTLS_ERR_NET_CONN_RESET, "NET", "The connection was reset by the peer"),
    (net::MBEDTLS_ERR_NET_UNKNOWN_HOST, "NET", "The host name could not be resolved"),
    (net::MBEDTLS_ERR_NET_BUFFER_TOO_SMALL, "NET", "The buffer is too small"),
    (net::MBEDTLS_ERR_NET_INVALID_CONTEXT, "NET", "The socket context is not open"),
    (net::MBEDTLS_ERR_NET_POLL_FAILED, "NET", "Polling the socket failed"),
    (net::MBEDTLS_ERR_NET_BAD_INPUT_DATA, "NET", "Invalid argument"),
    (
        ctr_drbg::MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED,
        "CTR_DRBG",
        "The entropy source failed or the generator is not seeded",
    ),
    (ctr_drbg::MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG, "CTR_DRBG", "Too many random bytes requested at once"),
    (ctr_drbg::MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG, "CTR_DRBG", "The personalisation input is too long"),
    (ctr_drbg::MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR, "CTR_DRBG", "Seed file could not be read or written"),
    (entropy::MBEDTLS_ERR_ENTROPY_SOURCE_FAILED, "ENTROPY", "The entropy source failed"),
    (entropy::MBEDTLS_ERR_ENTROPY_MAX_SOURCES, "ENTROPY", "No more entropy sources can be added"),
    (entropy::MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED, "ENTROPY", "No entropy sources are defined"),
    (entropy::MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE, "ENTROPY", "No strong entropy source is available"),
    (entropy::MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR, "ENTROPY", "Seed file could not be read or written"),
    (MBEDTLS_ERR_ERROR_GENERIC_ERROR, "ERROR", "Generic error"),
    (MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED, "ERROR", "Corruption detected"),
];

fn describe(code: c_int) -> Option<(&'static str, &'static str)> {
    ERROR_TEXTS.iter().find(|(c, _, _)| *c == code).map(|(_, module, text)| (*module, *text))
}

/// The text `mbedtls_strerror` prints for `errnum`.
///
/// As in Mbed TLS, a negative code is split into a high-level part (bits 7..15, SSL, X509,
/// PK, PEM, CIPHER) and a low-level part (bits 0..6, NET, CTR_DRBG, ENTROPY, ...), and each part
/// found is printed as `MODULE - text`, joined with `" : "`.
pub(crate) fn strerror_text(errnum: c_int) -> String {
    let value = errnum.unsigned_abs();
    if value == 0 {
        return String::new();
    }
    let high = value & 0xFF80;
    let low = value & !0xFF80 & 0xFFFF;
    let mut text = String::new();
    if high != 0 {
        match describe(-(high as c_int)) {
            Some((module, t)) => text.push_str(&format!("{module} - {t}")),
            None => text.push_str(&format!("UNKNOWN ERROR CODE ({high:04X})")),
        }
        if high as c_int == -ssl::MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE {
            return text;
        }
    }
    if low != 0 {
        if !text.is_empty() {
            text.push_str(" : ");
        }
        match describe(-(low as c_int)) {
            Some((module, t)) => text.push_str(&format!("{module} - {t}")),
            None => text.push_str(&format!("UNKNOWN ERROR CODE ({low:04X})")),
        }
    }
    text
}

/// Writes a human-readable description of `errnum` into `buffer`.
///
/// The text is `"<MODULE> - <description>"` for the high-level part of the code, followed by
/// `" : <MODULE> - <description>"` for a low-level part, as in Mbed TLS. Unknown parts read
/// `UNKNOWN ERROR CODE (XXXX)`. The output is truncated to `buflen - 1` bytes and always
/// NUL-terminated. Codes may be given negative (as returned) or positive.
///
/// Differences from Mbed TLS: the descriptions are this library's own wording; the module
/// prefixes and the layout are the same.
///
/// # Safety
/// `buffer` must be NULL or valid for writes of `buflen` bytes. With `buffer == NULL` or
/// `buflen == 0` nothing is written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mbedtls_strerror(errnum: c_int, buffer: *mut c_char, buflen: usize) {
    entry!(mbedtls_strerror, {
        let text = strerror_text(errnum);
        unsafe { write_c_text(buffer, buflen, &text) };
    })
}
