//! Every `MBEDTLS_ERR_*` value this library defines equals Mbed TLS 3.6's, and
//! `mbedtls_strerror` names each one. The expected values below were copied from the 3.6 column
//! of ../shared/reference/mbedtls-api.md §6 (itself from Mbed TLS's headers at v3.6.6); the PSA
//! values from Mbed TLS's `include/psa/crypto_values.h`; the MD, SHA, BASE64, HKDF, AES, GCM,
//! CHACHA20, POLY1305, CHACHAPOLY and remaining CIPHER codes, which that table lacks, from Mbed TLS
//! 3.6's md.h, sha1.h, sha256.h, sha512.h, base64.h, hkdf.h, aes.h, gcm.h, chacha20.h, poly1305.h,
//! chachapoly.h and cipher.h; the RSA, ECP and ASN1 codes from 3.6's rsa.h, ecp.h and asn1.h.

use std::ffi::{CStr, c_char};

use mbedtls::ffi::{
    aes, asn1, base64, chacha20, chachapoly, cipher, ctr_drbg, ecp, entropy, error, gcm, hkdf, md, net_sockets, pem,
    pk, poly1305, psa, rsa, sha1, sha256, sha512, ssl, x509,
};

/// (name, our value, Mbed TLS 3.6's value)
const TABLE: &[(&str, i32, i32)] = &[
    ("MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS", ssl::MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS, -0x7000),
    ("MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE", ssl::MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE, -0x7080),
    ("MBEDTLS_ERR_SSL_BAD_INPUT_DATA", ssl::MBEDTLS_ERR_SSL_BAD_INPUT_DATA, -0x7100),
    ("MBEDTLS_ERR_SSL_INVALID_MAC", ssl::MBEDTLS_ERR_SSL_INVALID_MAC, -0x7180),
    ("MBEDTLS_ERR_SSL_INVALID_RECORD", ssl::MBEDTLS_ERR_SSL_INVALID_RECORD, -0x7200),
    ("MBEDTLS_ERR_SSL_CONN_EOF", ssl::MBEDTLS_ERR_SSL_CONN_EOF, -0x7280),
    ("MBEDTLS_ERR_SSL_DECODE_ERROR", ssl::MBEDTLS_ERR_SSL_DECODE_ERROR, -0x7300),
    ("MBEDTLS_ERR_SSL_NO_RNG", ssl::MBEDTLS_ERR_SSL_NO_RNG, -0x7400),
    ("MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE", ssl::MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE, -0x7480),
    ("MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION", ssl::MBEDTLS_ERR_SSL_UNSUPPORTED_EXTENSION, -0x7500),
    ("MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL", ssl::MBEDTLS_ERR_SSL_NO_APPLICATION_PROTOCOL, -0x7580),
    ("MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED", ssl::MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED, -0x7600),
    ("MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED", ssl::MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED, -0x7680),
    ("MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE", ssl::MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, -0x7700),
    ("MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE", ssl::MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, -0x7780),
    ("MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME", ssl::MBEDTLS_ERR_SSL_UNRECOGNIZED_NAME, -0x7800),
    ("MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY", ssl::MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY, -0x7880),
    ("MBEDTLS_ERR_SSL_BAD_CERTIFICATE", ssl::MBEDTLS_ERR_SSL_BAD_CERTIFICATE, -0x7A00),
    ("MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET", ssl::MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET, -0x7B00),
    ("MBEDTLS_ERR_SSL_CANNOT_READ_EARLY_DATA", ssl::MBEDTLS_ERR_SSL_CANNOT_READ_EARLY_DATA, -0x7B80),
    ("MBEDTLS_ERR_SSL_RECEIVED_EARLY_DATA", ssl::MBEDTLS_ERR_SSL_RECEIVED_EARLY_DATA, -0x7C00),
    ("MBEDTLS_ERR_SSL_CANNOT_WRITE_EARLY_DATA", ssl::MBEDTLS_ERR_SSL_CANNOT_WRITE_EARLY_DATA, -0x7C80),
    ("MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND", ssl::MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND, -0x7E80),
    ("MBEDTLS_ERR_SSL_ALLOC_FAILED", ssl::MBEDTLS_ERR_SSL_ALLOC_FAILED, -0x7F00),
    ("MBEDTLS_ERR_SSL_HW_ACCEL_FAILED", ssl::MBEDTLS_ERR_SSL_HW_ACCEL_FAILED, -0x7F80),
    ("MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH", ssl::MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH, -0x6F80),
    ("MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION", ssl::MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION, -0x6E80),
    ("MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE", ssl::MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE, -0x6E00),
    ("MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED", ssl::MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED, -0x6D80),
    ("MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH", ssl::MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH, -0x6D00),
    ("MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY", ssl::MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY, -0x6C80),
    ("MBEDTLS_ERR_SSL_INTERNAL_ERROR", ssl::MBEDTLS_ERR_SSL_INTERNAL_ERROR, -0x6C00),
    ("MBEDTLS_ERR_SSL_COUNTER_WRAPPING", ssl::MBEDTLS_ERR_SSL_COUNTER_WRAPPING, -0x6B80),
    ("MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO", ssl::MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO, -0x6B00),
    ("MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED", ssl::MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED, -0x6A80),
    ("MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL", ssl::MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL, -0x6A00),
    ("MBEDTLS_ERR_SSL_WANT_READ", ssl::MBEDTLS_ERR_SSL_WANT_READ, -0x6900),
    ("MBEDTLS_ERR_SSL_WANT_WRITE", ssl::MBEDTLS_ERR_SSL_WANT_WRITE, -0x6880),
    ("MBEDTLS_ERR_SSL_TIMEOUT", ssl::MBEDTLS_ERR_SSL_TIMEOUT, -0x6800),
    ("MBEDTLS_ERR_SSL_CLIENT_RECONNECT", ssl::MBEDTLS_ERR_SSL_CLIENT_RECONNECT, -0x6780),
    ("MBEDTLS_ERR_SSL_UNEXPECTED_RECORD", ssl::MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, -0x6700),
    ("MBEDTLS_ERR_SSL_NON_FATAL", ssl::MBEDTLS_ERR_SSL_NON_FATAL, -0x6680),
    ("MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER", ssl::MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER, -0x6600),
    ("MBEDTLS_ERR_SSL_CONTINUE_PROCESSING", ssl::MBEDTLS_ERR_SSL_CONTINUE_PROCESSING, -0x6580),
    ("MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS", ssl::MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS, -0x6500),
    ("MBEDTLS_ERR_SSL_EARLY_MESSAGE", ssl::MBEDTLS_ERR_SSL_EARLY_MESSAGE, -0x6480),
    ("MBEDTLS_ERR_SSL_UNEXPECTED_CID", ssl::MBEDTLS_ERR_SSL_UNEXPECTED_CID, -0x6000),
    ("MBEDTLS_ERR_SSL_VERSION_MISMATCH", ssl::MBEDTLS_ERR_SSL_VERSION_MISMATCH, -0x5F00),
    ("MBEDTLS_ERR_SSL_BAD_CONFIG", ssl::MBEDTLS_ERR_SSL_BAD_CONFIG, -0x5E80),
    (
        "MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME",
        ssl::MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME,
        -0x5D80,
    ),
    ("MBEDTLS_ERR_NET_SOCKET_FAILED", net_sockets::MBEDTLS_ERR_NET_SOCKET_FAILED, -0x0042),
    ("MBEDTLS_ERR_NET_CONNECT_FAILED", net_sockets::MBEDTLS_ERR_NET_CONNECT_FAILED, -0x0044),
    ("MBEDTLS_ERR_NET_BIND_FAILED", net_sockets::MBEDTLS_ERR_NET_BIND_FAILED, -0x0046),
    ("MBEDTLS_ERR_NET_LISTEN_FAILED", net_sockets::MBEDTLS_ERR_NET_LISTEN_FAILED, -0x0048),
    ("MBEDTLS_ERR_NET_ACCEPT_FAILED", net_sockets::MBEDTLS_ERR_NET_ACCEPT_FAILED, -0x004A),
    ("MBEDTLS_ERR_NET_RECV_FAILED", net_sockets::MBEDTLS_ERR_NET_RECV_FAILED, -0x004C),
    ("MBEDTLS_ERR_NET_SEND_FAILED", net_sockets::MBEDTLS_ERR_NET_SEND_FAILED, -0x004E),
    ("MBEDTLS_ERR_NET_CONN_RESET", net_sockets::MBEDTLS_ERR_NET_CONN_RESET, -0x0050),
    ("MBEDTLS_ERR_NET_UNKNOWN_HOST", net_sockets::MBEDTLS_ERR_NET_UNKNOWN_HOST, -0x0052),
    ("MBEDTLS_ERR_NET_BUFFER_TOO_SMALL", net_sockets::MBEDTLS_ERR_NET_BUFFER_TOO_SMALL, -0x0043),
    ("MBEDTLS_ERR_NET_INVALID_CONTEXT", net_sockets::MBEDTLS_ERR_NET_INVALID_CONTEXT, -0x0045),
    ("MBEDTLS_ERR_NET_POLL_FAILED", net_sockets::MBEDTLS_ERR_NET_POLL_FAILED, -0x0047),
    ("MBEDTLS_ERR_NET_BAD_INPUT_DATA", net_sockets::MBEDTLS_ERR_NET_BAD_INPUT_DATA, -0x0049),
    ("MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE", x509::MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE, -0x2080),
    ("MBEDTLS_ERR_X509_UNKNOWN_OID", x509::MBEDTLS_ERR_X509_UNKNOWN_OID, -0x2100),
    ("MBEDTLS_ERR_X509_INVALID_FORMAT", x509::MBEDTLS_ERR_X509_INVALID_FORMAT, -0x2180),
    ("MBEDTLS_ERR_X509_INVALID_VERSION", x509::MBEDTLS_ERR_X509_INVALID_VERSION, -0x2200),
    ("MBEDTLS_ERR_X509_INVALID_SERIAL", x509::MBEDTLS_ERR_X509_INVALID_SERIAL, -0x2280),
    ("MBEDTLS_ERR_X509_INVALID_ALG", x509::MBEDTLS_ERR_X509_INVALID_ALG, -0x2300),
    ("MBEDTLS_ERR_X509_INVALID_NAME", x509::MBEDTLS_ERR_X509_INVALID_NAME, -0x2380),
    ("MBEDTLS_ERR_X509_INVALID_DATE", x509::MBEDTLS_ERR_X509_INVALID_DATE, -0x2400),
    ("MBEDTLS_ERR_X509_INVALID_SIGNATURE", x509::MBEDTLS_ERR_X509_INVALID_SIGNATURE, -0x2480),
    ("MBEDTLS_ERR_X509_INVALID_EXTENSIONS", x509::MBEDTLS_ERR_X509_INVALID_EXTENSIONS, -0x2500),
    ("MBEDTLS_ERR_X509_UNKNOWN_VERSION", x509::MBEDTLS_ERR_X509_UNKNOWN_VERSION, -0x2580),
    ("MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG", x509::MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, -0x2600),
    ("MBEDTLS_ERR_X509_SIG_MISMATCH", x509::MBEDTLS_ERR_X509_SIG_MISMATCH, -0x2680),
    ("MBEDTLS_ERR_X509_CERT_VERIFY_FAILED", x509::MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, -0x2700),
    ("MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT", x509::MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, -0x2780),
    ("MBEDTLS_ERR_X509_BAD_INPUT_DATA", x509::MBEDTLS_ERR_X509_BAD_INPUT_DATA, -0x2800),
    ("MBEDTLS_ERR_X509_ALLOC_FAILED", x509::MBEDTLS_ERR_X509_ALLOC_FAILED, -0x2880),
    ("MBEDTLS_ERR_X509_FILE_IO_ERROR", x509::MBEDTLS_ERR_X509_FILE_IO_ERROR, -0x2900),
    ("MBEDTLS_ERR_X509_BUFFER_TOO_SMALL", x509::MBEDTLS_ERR_X509_BUFFER_TOO_SMALL, -0x2980),
    ("MBEDTLS_ERR_X509_FATAL_ERROR", x509::MBEDTLS_ERR_X509_FATAL_ERROR, -0x3000),
    ("MBEDTLS_ERR_PK_ALLOC_FAILED", pk::MBEDTLS_ERR_PK_ALLOC_FAILED, -0x3F80),
    ("MBEDTLS_ERR_PK_TYPE_MISMATCH", pk::MBEDTLS_ERR_PK_TYPE_MISMATCH, -0x3F00),
    ("MBEDTLS_ERR_PK_BAD_INPUT_DATA", pk::MBEDTLS_ERR_PK_BAD_INPUT_DATA, -0x3E80),
    ("MBEDTLS_ERR_PK_FILE_IO_ERROR", pk::MBEDTLS_ERR_PK_FILE_IO_ERROR, -0x3E00),
    ("MBEDTLS_ERR_PK_KEY_INVALID_VERSION", pk::MBEDTLS_ERR_PK_KEY_INVALID_VERSION, -0x3D80),
    ("MBEDTLS_ERR_PK_KEY_INVALID_FORMAT", pk::MBEDTLS_ERR_PK_KEY_INVALID_FORMAT, -0x3D00),
    ("MBEDTLS_ERR_PK_UNKNOWN_PK_ALG", pk::MBEDTLS_ERR_PK_UNKNOWN_PK_ALG, -0x3C80),
    ("MBEDTLS_ERR_PK_PASSWORD_REQUIRED", pk::MBEDTLS_ERR_PK_PASSWORD_REQUIRED, -0x3C00),
    ("MBEDTLS_ERR_PK_PASSWORD_MISMATCH", pk::MBEDTLS_ERR_PK_PASSWORD_MISMATCH, -0x3B80),
    ("MBEDTLS_ERR_PK_INVALID_PUBKEY", pk::MBEDTLS_ERR_PK_INVALID_PUBKEY, -0x3B00),
    ("MBEDTLS_ERR_PK_INVALID_ALG", pk::MBEDTLS_ERR_PK_INVALID_ALG, -0x3A80),
    ("MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE", pk::MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE, -0x3A00),
    ("MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE", pk::MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE, -0x3980),
    ("MBEDTLS_ERR_PK_SIG_LEN_MISMATCH", pk::MBEDTLS_ERR_PK_SIG_LEN_MISMATCH, -0x3900),
    ("MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT", pem::MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, -0x1080),
    ("MBEDTLS_ERR_PEM_INVALID_DATA", pem::MBEDTLS_ERR_PEM_INVALID_DATA, -0x1100),
    ("MBEDTLS_ERR_PEM_ALLOC_FAILED", pem::MBEDTLS_ERR_PEM_ALLOC_FAILED, -0x1180),
    ("MBEDTLS_ERR_PEM_INVALID_ENC_IV", pem::MBEDTLS_ERR_PEM_INVALID_ENC_IV, -0x1200),
    ("MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG", pem::MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG, -0x1280),
    ("MBEDTLS_ERR_PEM_PASSWORD_REQUIRED", pem::MBEDTLS_ERR_PEM_PASSWORD_REQUIRED, -0x1300),
    ("MBEDTLS_ERR_PEM_PASSWORD_MISMATCH", pem::MBEDTLS_ERR_PEM_PASSWORD_MISMATCH, -0x1380),
    ("MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE", pem::MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE, -0x1400),
    ("MBEDTLS_ERR_PEM_BAD_INPUT_DATA", pem::MBEDTLS_ERR_PEM_BAD_INPUT_DATA, -0x1480),
    ("MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED", ctr_drbg::MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED, -0x0034),
    ("MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG", ctr_drbg::MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG, -0x0036),
    ("MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG", ctr_drbg::MBEDTLS_ERR_CTR_DRBG_INPUT_TOO_BIG, -0x0038),
    ("MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR", ctr_drbg::MBEDTLS_ERR_CTR_DRBG_FILE_IO_ERROR, -0x003A),
    ("MBEDTLS_ERR_ENTROPY_SOURCE_FAILED", entropy::MBEDTLS_ERR_ENTROPY_SOURCE_FAILED, -0x003C),
    ("MBEDTLS_ERR_ENTROPY_MAX_SOURCES", entropy::MBEDTLS_ERR_ENTROPY_MAX_SOURCES, -0x003E),
    ("MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED", entropy::MBEDTLS_ERR_ENTROPY_NO_SOURCES_DEFINED, -0x0040),
    ("MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE", entropy::MBEDTLS_ERR_ENTROPY_NO_STRONG_SOURCE, -0x003D),
    ("MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR", entropy::MBEDTLS_ERR_ENTROPY_FILE_IO_ERROR, -0x003F),
    ("MBEDTLS_ERR_PK_BUFFER_TOO_SMALL", pk::MBEDTLS_ERR_PK_BUFFER_TOO_SMALL, -0x3880),
    ("MBEDTLS_ERR_ERROR_GENERIC_ERROR", error::MBEDTLS_ERR_ERROR_GENERIC_ERROR, -0x0001),
    ("MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED", error::MBEDTLS_ERR_ERROR_CORRUPTION_DETECTED, -0x006E),
    ("MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE", cipher::MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE, -0x6080),
    ("MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA", cipher::MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA, -0x6100),
    ("MBEDTLS_ERR_CIPHER_ALLOC_FAILED", cipher::MBEDTLS_ERR_CIPHER_ALLOC_FAILED, -0x6180),
    ("MBEDTLS_ERR_CIPHER_INVALID_PADDING", cipher::MBEDTLS_ERR_CIPHER_INVALID_PADDING, -0x6200),
    ("MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED", cipher::MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED, -0x6280),
    ("MBEDTLS_ERR_CIPHER_AUTH_FAILED", cipher::MBEDTLS_ERR_CIPHER_AUTH_FAILED, -0x6300),
    ("MBEDTLS_ERR_CIPHER_INVALID_CONTEXT", cipher::MBEDTLS_ERR_CIPHER_INVALID_CONTEXT, -0x6380),
    ("MBEDTLS_ERR_AES_INVALID_KEY_LENGTH", aes::MBEDTLS_ERR_AES_INVALID_KEY_LENGTH, -0x0020),
    ("MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH", aes::MBEDTLS_ERR_AES_INVALID_INPUT_LENGTH, -0x0022),
    ("MBEDTLS_ERR_AES_BAD_INPUT_DATA", aes::MBEDTLS_ERR_AES_BAD_INPUT_DATA, -0x0021),
    ("MBEDTLS_ERR_GCM_AUTH_FAILED", gcm::MBEDTLS_ERR_GCM_AUTH_FAILED, -0x0012),
    ("MBEDTLS_ERR_GCM_BAD_INPUT", gcm::MBEDTLS_ERR_GCM_BAD_INPUT, -0x0014),
    ("MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL", gcm::MBEDTLS_ERR_GCM_BUFFER_TOO_SMALL, -0x0016),
    ("MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA", chacha20::MBEDTLS_ERR_CHACHA20_BAD_INPUT_DATA, -0x0051),
    ("MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA", poly1305::MBEDTLS_ERR_POLY1305_BAD_INPUT_DATA, -0x0057),
    ("MBEDTLS_ERR_CHACHAPOLY_BAD_STATE", chachapoly::MBEDTLS_ERR_CHACHAPOLY_BAD_STATE, -0x0054),
    ("MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED", chachapoly::MBEDTLS_ERR_CHACHAPOLY_AUTH_FAILED, -0x0056),
    ("MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL", base64::MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL, -0x002A),
    ("MBEDTLS_ERR_BASE64_INVALID_CHARACTER", base64::MBEDTLS_ERR_BASE64_INVALID_CHARACTER, -0x002C),
    ("MBEDTLS_ERR_HKDF_BAD_INPUT_DATA", hkdf::MBEDTLS_ERR_HKDF_BAD_INPUT_DATA, -0x5F80),
    ("MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE", md::MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE, -0x5080),
    ("MBEDTLS_ERR_MD_BAD_INPUT_DATA", md::MBEDTLS_ERR_MD_BAD_INPUT_DATA, -0x5100),
    ("MBEDTLS_ERR_MD_ALLOC_FAILED", md::MBEDTLS_ERR_MD_ALLOC_FAILED, -0x5180),
    ("MBEDTLS_ERR_MD_FILE_IO_ERROR", md::MBEDTLS_ERR_MD_FILE_IO_ERROR, -0x5200),
    ("MBEDTLS_ERR_SHA1_BAD_INPUT_DATA", sha1::MBEDTLS_ERR_SHA1_BAD_INPUT_DATA, -0x0073),
    ("MBEDTLS_ERR_SHA256_BAD_INPUT_DATA", sha256::MBEDTLS_ERR_SHA256_BAD_INPUT_DATA, -0x0074),
    ("MBEDTLS_ERR_SHA512_BAD_INPUT_DATA", sha512::MBEDTLS_ERR_SHA512_BAD_INPUT_DATA, -0x0075),
    ("MBEDTLS_ERR_RSA_BAD_INPUT_DATA", rsa::MBEDTLS_ERR_RSA_BAD_INPUT_DATA, -0x4080),
    ("MBEDTLS_ERR_RSA_INVALID_PADDING", rsa::MBEDTLS_ERR_RSA_INVALID_PADDING, -0x4100),
    ("MBEDTLS_ERR_RSA_KEY_GEN_FAILED", rsa::MBEDTLS_ERR_RSA_KEY_GEN_FAILED, -0x4180),
    ("MBEDTLS_ERR_RSA_KEY_CHECK_FAILED", rsa::MBEDTLS_ERR_RSA_KEY_CHECK_FAILED, -0x4200),
    ("MBEDTLS_ERR_RSA_PUBLIC_FAILED", rsa::MBEDTLS_ERR_RSA_PUBLIC_FAILED, -0x4280),
    ("MBEDTLS_ERR_RSA_PRIVATE_FAILED", rsa::MBEDTLS_ERR_RSA_PRIVATE_FAILED, -0x4300),
    ("MBEDTLS_ERR_RSA_VERIFY_FAILED", rsa::MBEDTLS_ERR_RSA_VERIFY_FAILED, -0x4380),
    ("MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE", rsa::MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE, -0x4400),
    ("MBEDTLS_ERR_RSA_RNG_FAILED", rsa::MBEDTLS_ERR_RSA_RNG_FAILED, -0x4480),
    ("MBEDTLS_ERR_ECP_BAD_INPUT_DATA", ecp::MBEDTLS_ERR_ECP_BAD_INPUT_DATA, -0x4F80),
    ("MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL", ecp::MBEDTLS_ERR_ECP_BUFFER_TOO_SMALL, -0x4F00),
    ("MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE", ecp::MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE, -0x4E80),
    ("MBEDTLS_ERR_ECP_VERIFY_FAILED", ecp::MBEDTLS_ERR_ECP_VERIFY_FAILED, -0x4E00),
    ("MBEDTLS_ERR_ECP_ALLOC_FAILED", ecp::MBEDTLS_ERR_ECP_ALLOC_FAILED, -0x4D80),
    ("MBEDTLS_ERR_ECP_RANDOM_FAILED", ecp::MBEDTLS_ERR_ECP_RANDOM_FAILED, -0x4D00),
    ("MBEDTLS_ERR_ECP_INVALID_KEY", ecp::MBEDTLS_ERR_ECP_INVALID_KEY, -0x4C80),
    ("MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH", ecp::MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH, -0x4C00),
    ("MBEDTLS_ERR_ECP_IN_PROGRESS", ecp::MBEDTLS_ERR_ECP_IN_PROGRESS, -0x4B00),
    ("MBEDTLS_ERR_ASN1_OUT_OF_DATA", asn1::MBEDTLS_ERR_ASN1_OUT_OF_DATA, -0x0060),
    ("MBEDTLS_ERR_ASN1_UNEXPECTED_TAG", asn1::MBEDTLS_ERR_ASN1_UNEXPECTED_TAG, -0x0062),
    ("MBEDTLS_ERR_ASN1_INVALID_LENGTH", asn1::MBEDTLS_ERR_ASN1_INVALID_LENGTH, -0x0064),
    ("MBEDTLS_ERR_ASN1_LENGTH_MISMATCH", asn1::MBEDTLS_ERR_ASN1_LENGTH_MISMATCH, -0x0066),
    ("MBEDTLS_ERR_ASN1_INVALID_DATA", asn1::MBEDTLS_ERR_ASN1_INVALID_DATA, -0x0068),
    ("MBEDTLS_ERR_ASN1_ALLOC_FAILED", asn1::MBEDTLS_ERR_ASN1_ALLOC_FAILED, -0x006A),
    ("MBEDTLS_ERR_ASN1_BUF_TOO_SMALL", asn1::MBEDTLS_ERR_ASN1_BUF_TOO_SMALL, -0x006C),
];

#[test]
fn error_values_equal_mbedtls_3_6() {
    for (name, ours, theirs) in TABLE {
        assert_eq!(ours, theirs, "{name}: ours -0x{:04X}, Mbed TLS 3.6 -0x{:04X}", -ours, -theirs);
    }
    assert!(TABLE.len() > 100, "the table lost rows: {}", TABLE.len());
}

#[test]
fn strerror_names_every_code() {
    for (name, code, _) in TABLE {
        let mut buf = [0 as c_char; 200];
        unsafe { error::mbedtls_strerror(*code, buf.as_mut_ptr(), buf.len()) };
        let text = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert!(!text.is_empty() && !text.contains("UNKNOWN"), "{name}: {text:?}");
        let module = name.trim_start_matches("MBEDTLS_ERR_").split('_').next().unwrap();
        let module = if module == "CTR" { "CTR_DRBG" } else { module };
        assert!(text.starts_with(&format!("{module} - ")), "{name}: {text:?}");
    }
}

#[test]
fn strerror_combines_high_and_low_parts_and_truncates_safely() {
    let mut buf = [0x55 as c_char; 200];
    unsafe {
        error::mbedtls_strerror(
            ssl::MBEDTLS_ERR_SSL_INVALID_MAC + net_sockets::MBEDTLS_ERR_NET_CONN_RESET,
            buf.as_mut_ptr(),
            buf.len(),
        )
    };
    let text = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
    assert!(text.starts_with("SSL - ") && text.contains(" : NET - "), "{text}");

    let mut small = [0x55 as c_char; 8];
    unsafe { error::mbedtls_strerror(ssl::MBEDTLS_ERR_SSL_WANT_READ, small.as_mut_ptr(), small.len()) };
    assert_eq!(small[7], 0, "always NUL-terminated");
    unsafe { error::mbedtls_strerror(ssl::MBEDTLS_ERR_SSL_WANT_READ, std::ptr::null_mut(), 10) };
    unsafe { error::mbedtls_strerror(-0x7FFF, buf.as_mut_ptr(), buf.len()) };
    let text = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
    assert!(text.contains("UNKNOWN ERROR CODE"), "{text}");
}

/// The verification flags, from ../shared/reference/mbedtls-api.md §6.3 (same in 2.28 and 3.6).
const VERIFY_FLAGS: &[(&str, i64)] = &[
    ("MBEDTLS_X509_BADCERT_EXPIRED", 0x01),
    ("MBEDTLS_X509_BADCERT_REVOKED", 0x02),
    ("MBEDTLS_X509_BADCERT_CN_MISMATCH", 0x04),
    ("MBEDTLS_X509_BADCERT_NOT_TRUSTED", 0x08),
    ("MBEDTLS_X509_BADCRL_NOT_TRUSTED", 0x10),
    ("MBEDTLS_X509_BADCRL_EXPIRED", 0x20),
    ("MBEDTLS_X509_BADCERT_MISSING", 0x40),
    ("MBEDTLS_X509_BADCERT_SKIP_VERIFY", 0x80),
    ("MBEDTLS_X509_BADCERT_OTHER", 0x0100),
    ("MBEDTLS_X509_BADCERT_FUTURE", 0x0200),
    ("MBEDTLS_X509_BADCRL_FUTURE", 0x0400),
    ("MBEDTLS_X509_BADCERT_KEY_USAGE", 0x0800),
    ("MBEDTLS_X509_BADCERT_EXT_KEY_USAGE", 0x1000),
    ("MBEDTLS_X509_BADCERT_NS_CERT_TYPE", 0x2000),
    ("MBEDTLS_X509_BADCERT_BAD_MD", 0x4000),
    ("MBEDTLS_X509_BADCERT_BAD_PK", 0x8000),
    ("MBEDTLS_X509_BADCERT_BAD_KEY", 0x010000),
    ("MBEDTLS_X509_BADCRL_BAD_MD", 0x020000),
    ("MBEDTLS_X509_BADCRL_BAD_PK", 0x040000),
    ("MBEDTLS_X509_BADCRL_BAD_KEY", 0x080000),
];

/// What C programs see: every error code and verification flag `#define`d in the committed
/// headers has Mbed TLS 3.6's value, and every code of the table above is defined exactly once.
#[test]
fn header_defines_equal_mbedtls_3_6() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mbedtls");
    let mut defined = std::collections::HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some("#define"), Some(name), Some(value)) = (words.next(), words.next(), words.next()) else {
                continue;
            };
            if !(name.starts_with("MBEDTLS_ERR_") || name.starts_with("MBEDTLS_X509_BADC")) {
                continue;
            }
            let (negative, digits) = value.strip_prefix('-').map_or((false, value), |v| (true, v));
            let magnitude = i64::from_str_radix(digits.trim_start_matches("0x"), 16)
                .unwrap_or_else(|_| panic!("{name}: value {value:?} is not hexadecimal"));
            let value = if negative { -magnitude } else { magnitude };
            assert!(defined.insert(name.to_string(), value).is_none(), "{name} is defined twice");
        }
    }
    let expected = TABLE.iter().map(|(n, _, v)| (*n, i64::from(*v))).chain(VERIFY_FLAGS.iter().copied());
    let mut count = 0;
    for (name, value) in expected {
        assert_eq!(defined.get(name), Some(&value), "{name}");
        count += 1;
    }
    assert_eq!(count, defined.len(), "headers define codes the expected list lacks");
}

/// (name, our value, Mbed TLS 3.6's value) of the PSA status codes and algorithm identifiers.
const PSA_TABLE: &[(&str, i64, i64)] = &[
    ("PSA_SUCCESS", psa::PSA_SUCCESS as i64, 0),
    ("PSA_ERROR_GENERIC_ERROR", psa::PSA_ERROR_GENERIC_ERROR as i64, -132),
    ("PSA_ERROR_NOT_PERMITTED", psa::PSA_ERROR_NOT_PERMITTED as i64, -133),
    ("PSA_ERROR_NOT_SUPPORTED", psa::PSA_ERROR_NOT_SUPPORTED as i64, -134),
    ("PSA_ERROR_INVALID_ARGUMENT", psa::PSA_ERROR_INVALID_ARGUMENT as i64, -135),
    ("PSA_ERROR_INVALID_HANDLE", psa::PSA_ERROR_INVALID_HANDLE as i64, -136),
    ("PSA_ERROR_BAD_STATE", psa::PSA_ERROR_BAD_STATE as i64, -137),
    ("PSA_ERROR_BUFFER_TOO_SMALL", psa::PSA_ERROR_BUFFER_TOO_SMALL as i64, -138),
    ("PSA_ERROR_ALREADY_EXISTS", psa::PSA_ERROR_ALREADY_EXISTS as i64, -139),
    ("PSA_ERROR_DOES_NOT_EXIST", psa::PSA_ERROR_DOES_NOT_EXIST as i64, -140),
    ("PSA_ERROR_INSUFFICIENT_MEMORY", psa::PSA_ERROR_INSUFFICIENT_MEMORY as i64, -141),
    ("PSA_ERROR_INSUFFICIENT_STORAGE", psa::PSA_ERROR_INSUFFICIENT_STORAGE as i64, -142),
    ("PSA_ERROR_INSUFFICIENT_DATA", psa::PSA_ERROR_INSUFFICIENT_DATA as i64, -143),
    ("PSA_ERROR_COMMUNICATION_FAILURE", psa::PSA_ERROR_COMMUNICATION_FAILURE as i64, -145),
    ("PSA_ERROR_STORAGE_FAILURE", psa::PSA_ERROR_STORAGE_FAILURE as i64, -146),
    ("PSA_ERROR_HARDWARE_FAILURE", psa::PSA_ERROR_HARDWARE_FAILURE as i64, -147),
    ("PSA_ERROR_INSUFFICIENT_ENTROPY", psa::PSA_ERROR_INSUFFICIENT_ENTROPY as i64, -148),
    ("PSA_ERROR_INVALID_SIGNATURE", psa::PSA_ERROR_INVALID_SIGNATURE as i64, -149),
    ("PSA_ERROR_INVALID_PADDING", psa::PSA_ERROR_INVALID_PADDING as i64, -150),
    ("PSA_ERROR_CORRUPTION_DETECTED", psa::PSA_ERROR_CORRUPTION_DETECTED as i64, -151),
    ("PSA_ERROR_DATA_CORRUPT", psa::PSA_ERROR_DATA_CORRUPT as i64, -152),
    ("PSA_ERROR_DATA_INVALID", psa::PSA_ERROR_DATA_INVALID as i64, -153),
    ("PSA_ALG_NONE", psa::PSA_ALG_NONE as i64, 0),
    ("PSA_ALG_CATEGORY_MASK", psa::PSA_ALG_CATEGORY_MASK as i64, 0x7f00_0000),
    ("PSA_ALG_CATEGORY_HASH", psa::PSA_ALG_CATEGORY_HASH as i64, 0x0200_0000),
    ("PSA_ALG_HASH_MASK", psa::PSA_ALG_HASH_MASK as i64, 0xff),
    ("PSA_ALG_MD5", psa::PSA_ALG_MD5 as i64, 0x0200_0003),
    ("PSA_ALG_RIPEMD160", psa::PSA_ALG_RIPEMD160 as i64, 0x0200_0004),
    ("PSA_ALG_SHA_1", psa::PSA_ALG_SHA_1 as i64, 0x0200_0005),
    ("PSA_ALG_SHA_224", psa::PSA_ALG_SHA_224 as i64, 0x0200_0008),
    ("PSA_ALG_SHA_256", psa::PSA_ALG_SHA_256 as i64, 0x0200_0009),
    ("PSA_ALG_SHA_384", psa::PSA_ALG_SHA_384 as i64, 0x0200_000a),
    ("PSA_ALG_SHA_512", psa::PSA_ALG_SHA_512 as i64, 0x0200_000b),
    ("PSA_ALG_SHA_512_224", psa::PSA_ALG_SHA_512_224 as i64, 0x0200_000c),
    ("PSA_ALG_SHA_512_256", psa::PSA_ALG_SHA_512_256 as i64, 0x0200_000d),
    ("PSA_ALG_SHA3_224", psa::PSA_ALG_SHA3_224 as i64, 0x0200_0010),
    ("PSA_ALG_SHA3_256", psa::PSA_ALG_SHA3_256 as i64, 0x0200_0011),
    ("PSA_ALG_SHA3_384", psa::PSA_ALG_SHA3_384 as i64, 0x0200_0012),
    ("PSA_ALG_SHA3_512", psa::PSA_ALG_SHA3_512 as i64, 0x0200_0013),
    ("PSA_HASH_MAX_SIZE", psa::PSA_HASH_MAX_SIZE as i64, 64),
];

/// The PSA values in Rust and in `include/psa/crypto.h` (where they are written
/// `((psa_status_t)-134)`, as Mbed TLS writes them) are Mbed TLS 3.6's.
#[test]
fn psa_values_equal_mbedtls_3_6() {
    for (name, ours, theirs) in PSA_TABLE {
        assert_eq!(ours, theirs, "{name}");
    }
    let header = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("include/psa/crypto.h");
    let text = std::fs::read_to_string(header).unwrap();
    let mut defined = std::collections::HashMap::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let (Some("#define"), Some(name), Some(value)) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        if !PSA_TABLE.iter().any(|(n, _, _)| *n == name) {
            continue;
        }
        // `((psa_status_t)-134)` or `64`: the number after the cast.
        let number = value.rsplit(')').find(|part| !part.is_empty()).unwrap_or(value);
        let (negative, digits) = number.strip_prefix('-').map_or((false, number), |d| (true, d));
        let magnitude = match digits.strip_prefix("0x") {
            Some(hex) => i64::from_str_radix(hex, 16),
            None => digits.parse(),
        }
        .unwrap_or_else(|_| panic!("{name}: value {value:?} is not a number"));
        let value = if negative { -magnitude } else { magnitude };
        assert!(defined.insert(name, value).is_none(), "{name} is defined twice");
    }
    for (name, _, theirs) in PSA_TABLE {
        assert_eq!(defined.get(name), Some(theirs), "{name} in psa/crypto.h");
    }
}

/// `#define MBEDTLS_ERR_* value` of every header in `dir`: (name, value).
fn error_defines(dir: &std::path::Path) -> std::collections::BTreeMap<String, i64> {
    let mut found = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some("#define"), Some(name), Some(value)) = (words.next(), words.next(), words.next()) else {
                continue;
            };
            if !name.starts_with("MBEDTLS_ERR_") {
                continue;
            }
            let value = value.trim_matches(|c| c == '(' || c == ')');
            let (negative, hex) = value.strip_prefix('-').map_or((false, value), |v| (true, v));
            let Some(hex) = hex.strip_prefix("0x").or_else(|| hex.strip_prefix("0X")) else { continue };
            let v = i64::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("{line}"));
            found.insert(name.to_string(), if negative { -v } else { v });
        }
    }
    found
}

/// Issue 12: the Mbed TLS 2.28 edition's error codes (its headers, built by `make examples`
/// into build/2.28/include) against Debian's Mbed TLS 2.28.3 headers: every code it defines —
/// and so every code it returns, the substitutes of src/tables/errors-2.28.txt included — has
/// 2.28's value under 2.28's name; none of the codes 3.6 added on values 2.28 uses for other
/// names is defined.
#[test]
fn edition_2_28_error_values_equal_debian_mbedtls_2_28() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = std::process::Command::new("make")
        .args(["-s", "--no-print-directory", "edition-2.28"])
        .current_dir(root)
        .status()
        .expect("make");
    assert!(status.success(), "make edition-2.28");
    let ours = error_defines(&root.join("build/2.28/include/mbedtls"));
    let debian = error_defines(std::path::Path::new("/usr/include/mbedtls"));
    assert!(ours.len() > 150 && debian.len() > 250, "{} and {} codes", ours.len(), debian.len());
    let mut checked = 0;
    for (name, value) in &ours {
        match debian.get(name) {
            Some(theirs) => {
                assert_eq!(value, theirs, "{name}: ours -0x{:04X}, 2.28 -0x{:04X}", -value, -theirs);
                checked += 1;
            }
            // A name 2.28 lacks must not reuse a value 2.28 gives another name.
            None => assert!(
                !debian.values().any(|v| v == value),
                "{name} (-0x{:04X}) is not a 2.28 code and collides with one",
                -value
            ),
        }
    }
    for gone in
        ["MBEDTLS_ERR_SSL_DECODE_ERROR", "MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE", "MBEDTLS_ERR_SSL_CACHE_ENTRY_NOT_FOUND"]
    {
        assert!(!ours.contains_key(gone), "{gone} is a 3.6 code");
    }
    assert!(checked > 150, "{checked} codes checked");
}
