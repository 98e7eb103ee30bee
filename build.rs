//! Generates the C headers (`include/mbedtls/*.h`, `include/psa/*.h`) from the `src/ffi/*.rs`
//! modules with cbindgen.
//!
//! Each Mbed TLS header is produced from the one FFI module of the same name, plus the bits of
//! plain C that cbindgen cannot express (function-type typedefs, `#define`s without a value,
//! platform macros). The headers are written to `$OUT_DIR/include/`; the committed copies under
//! `include/` are compared with them by `tests/headers.rs`. Run `make headers` (a build with
//! `MBEDTLS_COMPAT_UPDATE_HEADERS=1`) to refresh the committed copies.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "codegen/derived.rs"]
mod derived;
#[path = "codegen/tables.rs"]
mod tables;
use tables::Tables;

/// One public header: its name, the FFI module that defines its items (if any), the headers it
/// includes, and raw C placed before and after the generated items.
///
/// The name is how a program includes the header, without the `mbedtls/` of Mbed TLS's own
/// headers (`ssl.h` is `include/mbedtls/ssl.h`); the PSA headers keep their directory
/// (`psa/crypto.h`). The tables of `src/tables/` name headers the same way.
struct Header {
    name: &'static str,
    module: Option<&'static str>,
    includes: &'static [&'static str],
    sys_includes: &'static [&'static str],
    before: &'static str,
    after: &'static str,
}

/// The Mbed TLS API version this library emulates.
const API_MAJOR: u32 = 3;
const API_MINOR: u32 = 6;
const API_PATCH: u32 = 6;

/// `MBEDTLS_*` feature macros for exactly what this library implements. Programs test these with
/// `#if defined(...)` to choose code paths; a module macro (`MBEDTLS_<MODULE>_C`) is defined only
/// when its header's functions are exported (tests/upstream.rs checks it with `nm`). The macros
/// Mbed TLS 3.6 derives from the features and `CAPABILITIES` (`MBEDTLS_MD_CAN_*`,
/// `MBEDTLS_PK_CAN_ECDSA_*`, `MBEDTLS_SSL_HAVE_*`, `PSA_WANT_*` ...) follow in `build_info.h`, from
/// `src/tables/derived.txt`; tests/upstream.rs checks both against the real 3.6.6 headers.
const FEATURES: &[(&str, &str)] = &[
    ("MBEDTLS_SSL_TLS_C", "TLS protocol (ssl.h)"),
    ("MBEDTLS_SSL_CLI_C", "TLS client"),
    ("MBEDTLS_SSL_SRV_C", "TLS server"),
    ("MBEDTLS_SSL_PROTO_TLS1_2", "TLS 1.2"),
    ("MBEDTLS_SSL_PROTO_TLS1_3", "TLS 1.3"),
    ("MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE", "TLS 1.3 middlebox compatibility mode"),
    ("MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED", "TLS 1.3 (EC)DHE handshakes"),
    ("MBEDTLS_SSL_SERVER_NAME_INDICATION", "SNI (client hostname and server callback)"),
    ("MBEDTLS_SSL_ALPN", "ALPN"),
    ("MBEDTLS_SSL_EXTENDED_MASTER_SECRET", "RFC 7627 extended master secret"),
    ("MBEDTLS_SSL_SESSION_TICKETS", "session tickets: TLS 1.2 (RFC 5077) and TLS 1.3"),
    ("MBEDTLS_SSL_CACHE_C", "built-in server session cache (ssl_cache.h)"),
    ("MBEDTLS_SSL_TICKET_C", "built-in session ticket keys (ssl_ticket.h)"),
    ("MBEDTLS_SSL_RENEGOTIATION", "TLS 1.2 renegotiation (RFC 5746 only), with IEC 62351-3 abbreviated renewal"),
    ("MBEDTLS_SSL_KEEP_PEER_CERTIFICATE", "the peer certificate stays available after the handshake"),
    ("MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED", "TLS 1.2 ECDHE-RSA suites"),
    ("MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED", "TLS 1.2 ECDHE-ECDSA suites"),
    ("MBEDTLS_X509_CRT_PARSE_C", "X.509 certificate parsing"),
    ("MBEDTLS_X509_CRL_PARSE_C", "X.509 CRL parsing (x509_crl.h)"),
    ("MBEDTLS_X509_USE_C", "X.509 core"),
    ("MBEDTLS_PK_C", "public-key contexts"),
    ("MBEDTLS_PK_PARSE_C", "private key parsing"),
    ("MBEDTLS_PEM_PARSE_C", "PEM decoding"),
    ("MBEDTLS_PEM_WRITE_C", "PEM encoding (mbedtls_pem_write_buffer)"),
    ("MBEDTLS_PK_WRITE_C", "writing keys (mbedtls_pk_write_*)"),
    ("MBEDTLS_BASE64_C", "base64 inside PEM"),
    ("MBEDTLS_FS_IO", "file loading (parse_file, parse_path, parse_keyfile)"),
    ("MBEDTLS_NET_C", "TCP sockets (net_sockets.h)"),
    ("MBEDTLS_TIMING_C", "timers and delays (timing.h), mbedtls_net_usleep, read timeouts"),
    ("MBEDTLS_ENTROPY_C", "entropy context"),
    ("MBEDTLS_CTR_DRBG_C", "random generator context"),
    ("MBEDTLS_ERROR_C", "mbedtls_strerror"),
    ("MBEDTLS_DEBUG_C", "debug callback"),
    ("MBEDTLS_VERSION_C", "run-time version queries"),
    ("MBEDTLS_PLATFORM_C", "platform macros (platform.h)"),
    ("MBEDTLS_HAVE_TIME", "time-based features"),
    ("MBEDTLS_HAVE_TIME_DATE", "certificate validity checks"),
    ("MBEDTLS_PKCS1_V15", "RSA PKCS#1 v1.5 signatures"),
    ("MBEDTLS_PKCS1_V21", "RSA-PSS signatures"),
    ("MBEDTLS_ECP_DP_SECP256R1_ENABLED", "P-256"),
    ("MBEDTLS_ECP_DP_SECP384R1_ENABLED", "P-384"),
    ("MBEDTLS_ECP_DP_CURVE25519_ENABLED", "X25519"),
    ("MBEDTLS_AES_C", "AES (aes.h)"),
    ("MBEDTLS_CIPHER_MODE_CBC", "AES-CBC (aes.h, cipher.h)"),
    ("MBEDTLS_CIPHER_MODE_CTR", "AES-CTR (aes.h, cipher.h)"),
    ("MBEDTLS_CIPHER_PADDING_PKCS7", "PKCS#7 padding of CBC (cipher.h)"),
    ("MBEDTLS_GCM_C", "AES-GCM (gcm.h)"),
    ("MBEDTLS_CHACHA20_C", "ChaCha20 (chacha20.h)"),
    ("MBEDTLS_POLY1305_C", "Poly1305 (poly1305.h)"),
    ("MBEDTLS_CHACHAPOLY_C", "ChaCha20-Poly1305 (chachapoly.h)"),
    ("MBEDTLS_MD_C", "message digests and HMAC (md.h)"),
    ("MBEDTLS_HKDF_C", "HKDF key derivation (hkdf.h)"),
    ("MBEDTLS_SHA1_C", "SHA-1 (sha1.h)"),
    ("MBEDTLS_SHA224_C", "SHA-224 (sha256.h)"),
    ("MBEDTLS_SHA256_C", "SHA-256 (sha256.h)"),
    ("MBEDTLS_SHA384_C", "SHA-384 (sha512.h)"),
    ("MBEDTLS_SHA512_C", "SHA-512 (sha512.h)"),
    ("MBEDTLS_CIPHER_C", "generic cipher layer (cipher.h)"),
    ("MBEDTLS_PSA_CRYPTO_C", "PSA crypto subset (psa/crypto.h): init, random bytes, SHA-1/SHA-2 hashes"),
];

/// Modules whose algorithms work inside TLS, certificates and keys (`pk.h`) but whose own C API
/// (the module's low-level functions: `mbedtls_rsa_*`, `mbedtls_mpi_*`, `mbedtls_asn1_get_*` ...)
/// is not exported, so their module macros are not defined: a program that tests one of them
/// would call functions that do not link. Their headers may exist as real modules with error codes
/// and constants (`rsa.h`, `ecp.h`, `asn1.h`); the macro still stays undefined. Mbed TLS 3.6
/// derives from them the macros its TLS layer and programs use for these capabilities
/// (`MBEDTLS_PK_CAN_ECDSA_*`, `MBEDTLS_CAN_ECDH`, `MBEDTLS_SSL_TLS1_2_SOME_ECC`, `PSA_WANT_*` ...),
/// and `build_info.h` defines those (README "Module macros"). A module moves to `FEATURES` when
/// all its functions are exported.
const CAPABILITIES: &[(&str, &str)] = &[
    ("MBEDTLS_BIGNUM_C", "big numbers inside RSA and ECC (bignum.h)"),
    ("MBEDTLS_RSA_C", "RSA keys and signatures (rsa.h)"),
    ("MBEDTLS_ECP_C", "elliptic curves (ecp.h)"),
    ("MBEDTLS_ECDSA_C", "ECDSA keys and signatures (ecdsa.h)"),
    ("MBEDTLS_ECDH_C", "ECDHE key exchange (ecdh.h)"),
    ("MBEDTLS_ASN1_PARSE_C", "DER inside certificates and keys (asn1.h)"),
    ("MBEDTLS_OID_C", "object identifiers (oid.h)"),
];

const SSL_TYPEDEFS: &str = r#"
/** Send callback: returns the number of bytes sent, or a negative error code
    (MBEDTLS_ERR_SSL_WANT_WRITE when it would block). */
typedef int mbedtls_ssl_send_t(void *ctx, const unsigned char *buf, size_t len);
/** Receive callback: returns the number of bytes received (0 = end of file),
    or a negative error code (MBEDTLS_ERR_SSL_WANT_READ when it would block). */
typedef int mbedtls_ssl_recv_t(void *ctx, unsigned char *buf, size_t len);
/** Receive callback with a timeout in milliseconds (0 = wait forever); returns
    MBEDTLS_ERR_SSL_TIMEOUT when the timeout expires. */
typedef int mbedtls_ssl_recv_timeout_t(void *ctx, unsigned char *buf, size_t len, uint32_t timeout);
/** Timer callbacks (DTLS only in Mbed TLS; accepted and not called here). */
typedef void mbedtls_ssl_set_timer_t(void *ctx, uint32_t int_ms, uint32_t fin_ms);
typedef int mbedtls_ssl_get_timer_t(void *ctx);
"#;

const SSL_AFTER: &str = r#"
/** The session cache callbacks of `mbedtls_ssl_conf_session_cache`: look a session up by ID
    (0 when found), and store one under its ID. */
typedef int mbedtls_ssl_cache_get_t(void *data, unsigned char const *session_id, size_t session_id_len,
                                    mbedtls_ssl_session *session);
typedef int mbedtls_ssl_cache_set_t(void *data, unsigned char const *session_id, size_t session_id_len,
                                    const mbedtls_ssl_session *session);
/** The key export callback of `mbedtls_ssl_set_export_keys_cb`. */
typedef void mbedtls_ssl_export_keys_t(void *p_expkey, mbedtls_ssl_key_export_type type,
                                       const unsigned char *secret, size_t secret_len,
                                       const unsigned char client_random[32],
                                       const unsigned char server_random[32],
                                       mbedtls_tls_prf_types tls_prf_type);
"#;

const PLATFORM_UTIL_TYPEDEFS: &str = r#"
/** Random generator callback: fills `output` with `output_size` random bytes, returns 0. */
typedef int mbedtls_f_rng_t(void *p_rng, unsigned char *output, size_t output_size);

/** Thread-safe gmtime: the UTC calendar time of `*tt` in `*tm_buf`, which is returned; NULL
    when either pointer is NULL or the time cannot be represented. (Defined in
    src/ffi/platform.rs; declared here because cbindgen cannot name `struct tm`.) */
struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf);
"#;

/// debug.h's printf helpers (3.6's names and values on a C99 compiler), which programs use in
/// their own format strings.
const DEBUG_MACROS: &str = r#"
/* Marks a printf-like function for the compiler's format checks. */
#if defined(__has_attribute)
#if __has_attribute(format)
#define MBEDTLS_PRINTF_ATTRIBUTE(string_index, first_to_check) \
    __attribute__((format(printf, string_index, first_to_check)))
#endif
#endif
#ifndef MBEDTLS_PRINTF_ATTRIBUTE
#define MBEDTLS_PRINTF_ATTRIBUTE(string_index, first_to_check)
#endif

/* printf conversions of size_t, long long and mbedtls_ms_time_t. */
#define MBEDTLS_PRINTF_SIZET     "zu"
#define MBEDTLS_PRINTF_LONGLONG  "lld"
#if !defined(MBEDTLS_PRINTF_MS_TIME)
#define MBEDTLS_PRINTF_MS_TIME   PRId64
#endif
"#;

const PLATFORM_MACROS: &str = r#"
/* The platform layer of the default Mbed TLS configuration: the C library itself. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define mbedtls_printf     printf
#define mbedtls_fprintf    fprintf
#define mbedtls_snprintf   snprintf
#define mbedtls_vsnprintf  vsnprintf
#define mbedtls_calloc     calloc
#define mbedtls_free       free
#define mbedtls_exit       exit
#define mbedtls_time       time
#define mbedtls_setbuf     setbuf
#define MBEDTLS_EXIT_SUCCESS EXIT_SUCCESS
#define MBEDTLS_EXIT_FAILURE EXIT_FAILURE
typedef time_t mbedtls_time_t;
typedef int64_t mbedtls_ms_time_t;
"#;

/// The function-like macros of `psa/crypto.h` (its constants come from the tables). As in
/// Mbed TLS 3.6, `PSA_HASH_LENGTH` also accepts an HMAC algorithm and knows the hash algorithms
/// this library does not compute; the all-zero operation is the inactive one.
const PSA_MACROS: &str = r#"
/** 1 if `alg` is a hash algorithm, 0 otherwise. */
#define PSA_ALG_IS_HASH(alg) \
    (((alg) & PSA_ALG_CATEGORY_MASK) == PSA_ALG_CATEGORY_HASH)

/** The hash algorithm of the HMAC algorithm `hmac_alg`. */
#define PSA_ALG_HMAC_GET_HASH(hmac_alg) \
    (PSA_ALG_CATEGORY_HASH | ((hmac_alg) & PSA_ALG_HASH_MASK))

/** The digest size in bytes of the hash algorithm `alg` (or of the hash of the HMAC algorithm
    `alg`); 0 for an algorithm that is not a known hash. */
#define PSA_HASH_LENGTH(alg) \
    (PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_MD5 ? 16 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_RIPEMD160 ? 20 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_1 ? 20 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_224 ? 28 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_256 ? 32 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_384 ? 48 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_512 ? 64 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_512_224 ? 28 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA_512_256 ? 32 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA3_224 ? 28 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA3_256 ? 32 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA3_384 ? 48 : \
     PSA_ALG_HMAC_GET_HASH(alg) == PSA_ALG_SHA3_512 ? 64 : \
     0)

/** Initialiser of an inactive `psa_hash_operation_t`: `psa_hash_operation_t op = PSA_HASH_OPERATION_INIT;`.
    An all-zero operation (static storage, memset) is inactive too. */
#define PSA_HASH_OPERATION_INIT {0}
"#;

/// The mode macros Mbed TLS 3.6's `cipher.h` derives from the configuration.
const CIPHER_MODE_MACROS: &str = r#"
/* Derived from the configuration, as Mbed TLS's cipher.h does. */
#if defined(MBEDTLS_GCM_C) || defined(MBEDTLS_CCM_C) || defined(MBEDTLS_CHACHAPOLY_C)
#define MBEDTLS_CIPHER_MODE_AEAD
#endif
#if defined(MBEDTLS_CIPHER_MODE_CBC)
#define MBEDTLS_CIPHER_MODE_WITH_PADDING
#endif
#if defined(MBEDTLS_CIPHER_NULL_CIPHER) || defined(MBEDTLS_CHACHA20_C)
#define MBEDTLS_CIPHER_MODE_STREAM
#endif
"#;

/// The macro of `psa_util.h`: the `p_rng` to pass with `mbedtls_psa_get_random` (unused, NULL as
/// in Mbed TLS 3.6).
const PSA_UTIL_MACROS: &str = r#"
/** The random generator state to pass with `mbedtls_psa_get_random`: NULL (not used). */
#define MBEDTLS_PSA_RANDOM_STATE NULL
"#;

const HEADERS: &[Header] = &[
    Header {
        name: "version.h",
        module: Some("version"),
        includes: &["mbedtls/build_info.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "platform.h",
        module: Some("platform"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/platform_time.h"],
        sys_includes: &["stdint.h"],
        before: PLATFORM_MACROS,
        after: "",
    },
    Header {
        name: "platform_util.h",
        module: None,
        includes: &["mbedtls/platform.h", "mbedtls/build_info.h", "mbedtls/platform_time.h"],
        sys_includes: &[],
        before: PLATFORM_UTIL_TYPEDEFS,
        after: "",
    },
    Header {
        name: "platform_time.h",
        module: None,
        includes: &["mbedtls/platform.h", "mbedtls/build_info.h"],
        sys_includes: &[],
        before: "\n/* mbedtls_ms_time_t, mbedtls_time_t and mbedtls_ms_time() are declared in platform.h. */\n",
        after: "",
    },
    Header {
        name: "error.h",
        module: Some("error"),
        includes: &["mbedtls/build_info.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "base64.h",
        module: Some("base64"),
        includes: &["mbedtls/build_info.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "hkdf.h",
        module: Some("hkdf"),
        includes: &["mbedtls/build_info.h", "mbedtls/md.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "pem.h",
        module: Some("pem"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/base64.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "cipher.h",
        module: Some("cipher"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/platform_util.h"],
        sys_includes: &["stddef.h"],
        before: CIPHER_MODE_MACROS,
        after: "",
    },
    Header {
        name: "aes.h",
        module: Some("aes"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/platform_util.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "gcm.h",
        module: Some("gcm"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/cipher.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "chacha20.h",
        module: Some("chacha20"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "poly1305.h",
        module: Some("poly1305"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "chachapoly.h",
        module: Some("chachapoly"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/poly1305.h", "mbedtls/chacha20.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "md.h",
        module: Some("md"),
        includes: &["mbedtls/build_info.h", "mbedtls/platform_util.h", "mbedtls/private_access.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "sha1.h",
        module: Some("sha1"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "sha256.h",
        module: Some("sha256"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "sha512.h",
        module: Some("sha512"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "asn1.h",
        module: Some("asn1"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/platform_util.h", "mbedtls/bignum.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "rsa.h",
        module: Some("rsa"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/bignum.h", "mbedtls/md.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "ecp.h",
        module: Some("ecp"),
        includes: &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/platform_util.h", "mbedtls/bignum.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "pk.h",
        module: Some("pk"),
        includes: &[
            "mbedtls/build_info.h",
            "mbedtls/platform.h",
            "mbedtls/private_access.h",
            "mbedtls/md.h",
            "mbedtls/rsa.h",
            "mbedtls/ecp.h",
            "mbedtls/ecdsa.h",
            "psa/crypto.h",
            "mbedtls/asn1.h",
        ],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "x509.h",
        module: Some("x509"),
        includes: &["mbedtls/build_info.h", "mbedtls/pk.h", "mbedtls/private_access.h", "mbedtls/asn1.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "x509_crl.h",
        module: Some("x509_crl"),
        includes: &[
            "mbedtls/x509.h",
            "mbedtls/md.h",
            "mbedtls/pk.h",
            "mbedtls/private_access.h",
            "mbedtls/build_info.h",
        ],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "x509_crt.h",
        module: Some("x509_crt"),
        includes: &[
            "mbedtls/x509.h",
            "mbedtls/x509_crl.h",
            "mbedtls/md.h",
            "mbedtls/private_access.h",
            "mbedtls/build_info.h",
        ],
        sys_includes: &[],
        before: "/* The bit of an algorithm or curve id in a certificate profile's masks. */\n\
                 #define MBEDTLS_X509_ID_FLAG(id) (1 << ((id) - 1))\n",
        after: "",
    },
    Header {
        name: "entropy.h",
        module: Some("entropy"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/md.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "ctr_drbg.h",
        module: Some("ctr_drbg"),
        includes: &["mbedtls/build_info.h", "mbedtls/entropy.h", "mbedtls/private_access.h", "mbedtls/aes.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "ssl_ciphersuites.h",
        module: Some("ssl_ciphersuites"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h", "mbedtls/pk.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "ssl.h",
        module: Some("ssl"),
        includes: &[
            "mbedtls/build_info.h",
            "mbedtls/platform.h",
            "mbedtls/platform_util.h",
            "mbedtls/ssl_ciphersuites.h",
            "mbedtls/x509_crt.h",
            "mbedtls/pk.h",
            "mbedtls/cipher.h",
            "psa/crypto.h",
            "mbedtls/private_access.h",
            "mbedtls/bignum.h",
            "mbedtls/ecp.h",
            "mbedtls/ecdh.h",
        ],
        sys_includes: &["stddef.h"],
        before: SSL_TYPEDEFS,
        after: SSL_AFTER,
    },
    Header {
        name: "ssl_cache.h",
        module: Some("ssl_cache"),
        includes: &["mbedtls/ssl.h", "mbedtls/private_access.h", "mbedtls/build_info.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "ssl_ticket.h",
        module: Some("ssl_ticket"),
        includes: &["mbedtls/ssl.h", "mbedtls/cipher.h", "mbedtls/private_access.h", "mbedtls/build_info.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "net_sockets.h",
        module: Some("net_sockets"),
        includes: &["mbedtls/ssl.h", "mbedtls/private_access.h", "mbedtls/build_info.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "debug.h",
        module: Some("debug"),
        includes: &["mbedtls/ssl.h", "mbedtls/build_info.h"],
        sys_includes: &["inttypes.h"],
        before: DEBUG_MACROS,
        after: "",
    },
    Header {
        name: "psa/crypto.h",
        module: Some("psa"),
        includes: &[
            "mbedtls/build_info.h",
            "psa/crypto_platform.h",
            "psa/crypto_types.h",
            "psa/crypto_values.h",
            "psa/crypto_sizes.h",
            "psa/crypto_struct.h",
            "psa/crypto_extra.h",
            "psa/crypto_compat.h",
        ],
        sys_includes: &["stddef.h"],
        before: PSA_MACROS,
        after: "",
    },
    Header {
        name: "timing.h",
        module: Some("timing"),
        includes: &["mbedtls/build_info.h", "mbedtls/private_access.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
    Header {
        name: "constant_time.h",
        module: Some("constant_time"),
        includes: &["mbedtls/build_info.h"],
        sys_includes: &["stddef.h"],
        before: "",
        after: "",
    },
    Header {
        name: "psa_util.h",
        module: Some("psa_util"),
        includes: &[
            "mbedtls/build_info.h",
            "mbedtls/private_access.h",
            "psa/crypto.h",
            "mbedtls/asn1write.h",
            "mbedtls/ecp.h",
            "mbedtls/asn1.h",
        ],
        sys_includes: &["stddef.h"],
        before: PSA_UTIL_MACROS,
        after: "",
    },
    Header {
        name: "compat.h",
        module: Some("compat"),
        includes: &["mbedtls/ssl.h", "mbedtls/ssl_cache.h"],
        sys_includes: &[],
        before: "",
        after: "",
    },
];

/// Mbed TLS 3.6 headers of modules this library does not offer (or not yet), each with the
/// headers 3.6's includes: so that a program including one compiles against this include tree
/// (instead of falling back to another Mbed TLS copy in /usr/include) and gets the same headers
/// transitively. Their constants come from src/tables/constants.txt. When a module becomes real
/// (a `Header` in HEADERS), its placeholder row goes (build.rs refuses both).
const PLACEHOLDER_NOTE: &str = "
/* In Mbed TLS 3.6 this header declares a module this library does not offer (see
   API_COVERAGE.md), or a part of an API whose definitions this library keeps in the header
   included above. It exists so that a program including it reads this include tree, and it
   carries 3.6's constants where src/tables/constants.txt has them. */
";

const PLACEHOLDERS: &[(&str, &[&str])] = &[
    ("aria.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/platform_util.h"]),
    ("asn1write.h", &["mbedtls/build_info.h", "mbedtls/asn1.h"]),
    ("bignum.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/platform_util.h"]),
    ("block_cipher.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/aes.h"]),
    ("camellia.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/platform_util.h"]),
    ("ccm.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/cipher.h"]),
    ("check_config.h", &["mbedtls/build_info.h"]),
    ("cmac.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/cipher.h"]),
    ("compat-2.x.h", &["mbedtls/build_info.h"]),
    ("config_adjust_legacy_crypto.h", &["mbedtls/build_info.h"]),
    ("config_adjust_legacy_from_psa.h", &["mbedtls/build_info.h"]),
    ("config_adjust_psa_from_legacy.h", &["mbedtls/build_info.h"]),
    ("config_adjust_psa_superset_legacy.h", &["mbedtls/build_info.h"]),
    ("config_adjust_ssl.h", &["mbedtls/build_info.h"]),
    ("config_adjust_x509.h", &["mbedtls/build_info.h"]),
    ("config_psa.h", &["mbedtls/build_info.h"]),
    ("des.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/platform_util.h"]),
    ("dhm.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/bignum.h"]),
    ("ecdh.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/ecp.h"]),
    ("ecdsa.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/ecp.h", "mbedtls/md.h"]),
    ("ecjpake.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/ecp.h", "mbedtls/md.h"]),
    ("hmac_drbg.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/md.h"]),
    ("lms.h", &["mbedtls/private_access.h", "mbedtls/build_info.h"]),
    ("mbedtls_config.h", &["mbedtls/build_info.h"]),
    ("md5.h", &["mbedtls/private_access.h", "mbedtls/build_info.h"]),
    ("memory_buffer_alloc.h", &["mbedtls/build_info.h"]),
    ("nist_kw.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/cipher.h"]),
    ("oid.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/asn1.h", "mbedtls/pk.h"]),
    ("pkcs12.h", &["mbedtls/build_info.h", "mbedtls/md.h", "mbedtls/cipher.h", "mbedtls/asn1.h"]),
    (
        "pkcs5.h",
        &["mbedtls/build_info.h", "mbedtls/platform_util.h", "mbedtls/asn1.h", "mbedtls/md.h", "mbedtls/cipher.h"],
    ),
    ("pkcs7.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/asn1.h", "mbedtls/x509_crt.h"]),
    ("private_access.h", &["mbedtls/build_info.h"]),
    ("ripemd160.h", &["mbedtls/private_access.h", "mbedtls/build_info.h"]),
    ("sha3.h", &["mbedtls/private_access.h", "mbedtls/build_info.h"]),
    ("ssl_cookie.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/ssl.h"]),
    ("threading.h", &["mbedtls/private_access.h", "mbedtls/build_info.h"]),
    ("x509_csr.h", &["mbedtls/private_access.h", "mbedtls/build_info.h", "mbedtls/x509.h"]),
    ("psa/build_info.h", &["mbedtls/build_info.h"]),
    ("psa/crypto_adjust_auto_enabled.h", &["mbedtls/build_info.h"]),
    ("psa/crypto_adjust_config_dependencies.h", &["mbedtls/build_info.h"]),
    ("psa/crypto_adjust_config_key_pair_types.h", &["mbedtls/build_info.h"]),
    ("psa/crypto_adjust_config_synonyms.h", &["mbedtls/build_info.h"]),
    (
        "psa/crypto_builtin_composites.h",
        &[
            "mbedtls/build_info.h",
            "mbedtls/private_access.h",
            "mbedtls/cmac.h",
            "mbedtls/gcm.h",
            "mbedtls/ccm.h",
            "mbedtls/chachapoly.h",
            "mbedtls/ecdsa.h",
            "mbedtls/ecjpake.h",
        ],
    ),
    ("psa/crypto_builtin_key_derivation.h", &["mbedtls/build_info.h", "mbedtls/private_access.h"]),
    (
        "psa/crypto_builtin_primitives.h",
        &[
            "mbedtls/build_info.h",
            "mbedtls/private_access.h",
            "psa/crypto_driver_common.h",
            "mbedtls/md5.h",
            "mbedtls/ripemd160.h",
            "mbedtls/sha1.h",
            "mbedtls/sha256.h",
            "mbedtls/sha512.h",
            "mbedtls/sha3.h",
            "mbedtls/cipher.h",
        ],
    ),
    ("psa/crypto_compat.h", &["mbedtls/build_info.h", "psa/crypto.h"]),
    ("psa/crypto_config.h", &["mbedtls/build_info.h"]),
    (
        "psa/crypto_driver_common.h",
        &["mbedtls/build_info.h", "psa/crypto_types.h", "psa/crypto_values.h", "psa/crypto_sizes.h"],
    ),
    (
        "psa/crypto_driver_contexts_composites.h",
        &["mbedtls/build_info.h", "psa/crypto_driver_common.h", "psa/crypto_builtin_composites.h"],
    ),
    (
        "psa/crypto_driver_contexts_key_derivation.h",
        &["mbedtls/build_info.h", "psa/crypto_driver_common.h", "psa/crypto_builtin_key_derivation.h"],
    ),
    (
        "psa/crypto_driver_contexts_primitives.h",
        &["mbedtls/build_info.h", "psa/crypto_driver_common.h", "psa/crypto_builtin_primitives.h"],
    ),
    ("psa/crypto_extra.h", &["mbedtls/build_info.h", "mbedtls/private_access.h", "psa/crypto.h"]),
    ("psa/crypto_legacy.h", &["mbedtls/build_info.h"]),
    (
        "psa/crypto_platform.h",
        &["mbedtls/build_info.h", "mbedtls/private_access.h", "psa/build_info.h", "psa/crypto.h"],
    ),
    ("psa/crypto_se_driver.h", &["mbedtls/build_info.h", "mbedtls/private_access.h", "psa/crypto_driver_common.h"]),
    ("psa/crypto_sizes.h", &["mbedtls/build_info.h", "psa/build_info.h", "psa/crypto.h"]),
    (
        "psa/crypto_struct.h",
        &[
            "mbedtls/build_info.h",
            "mbedtls/private_access.h",
            "psa/build_info.h",
            "psa/crypto_driver_contexts_primitives.h",
            "psa/crypto_driver_contexts_composites.h",
            "psa/crypto_driver_contexts_key_derivation.h",
            "psa/crypto.h",
        ],
    ),
    (
        "psa/crypto_types.h",
        &[
            "mbedtls/build_info.h",
            "psa/build_info.h",
            "mbedtls/private_access.h",
            "psa/crypto_platform.h",
            "psa/crypto.h",
        ],
    ),
    ("psa/crypto_values.h", &["mbedtls/build_info.h", "mbedtls/private_access.h", "psa/crypto.h"]),
];

fn build_info_h() -> String {
    let version = env::var("CARGO_PKG_VERSION").unwrap();
    let mut s = String::new();
    s.push_str("/* build_info.h: generated by build.rs from its FEATURES table. Do not edit. */\n");
    s.push_str("#ifndef MBEDTLS_BUILD_INFO_H\n#define MBEDTLS_BUILD_INFO_H\n\n");
    s.push_str("/* The Mbed TLS API version this library emulates. */\n");
    s.push_str(&format!("#define MBEDTLS_VERSION_MAJOR  {API_MAJOR}\n"));
    s.push_str(&format!("#define MBEDTLS_VERSION_MINOR  {API_MINOR}\n"));
    s.push_str(&format!("#define MBEDTLS_VERSION_PATCH  {API_PATCH}\n"));
    s.push_str(&format!("#define MBEDTLS_VERSION_NUMBER 0x{:02X}{:02X}{:02X}00\n", API_MAJOR, API_MINOR, API_PATCH));
    s.push_str(&format!("#define MBEDTLS_VERSION_STRING \"{API_MAJOR}.{API_MINOR}.{API_PATCH}\"\n"));
    s.push_str(&format!("#define MBEDTLS_VERSION_STRING_FULL \"Mbed TLS {API_MAJOR}.{API_MINOR}.{API_PATCH}\"\n\n"));
    s.push_str("/* This library: rustls-mbedtls-compat. */\n");
    s.push_str("#define MBEDTLS_COMPAT 1\n");
    s.push_str(&format!("#define MBEDTLS_COMPAT_VERSION_STRING \"{version}\"\n\n"));
    s.push_str("/* What this library implements. */\n");
    for (name, what) in FEATURES {
        s.push_str(&format!("#define {name:<58} /* {what} */\n"));
    }
    s.push_str("\n/* Used inside TLS, certificates and keys without their module's C API (its\n");
    s.push_str("   functions are not exported), so not defined here:\n");
    for (name, what) in CAPABILITIES {
        s.push_str(&format!(" *   {name:<56} {what}\n"));
    }
    s.push_str(" */\n");
    let features: Vec<&str> = FEATURES.iter().chain(CAPABILITIES).map(|(name, _)| *name).collect();
    s.push_str("\n/* What Mbed TLS 3.6 derives from the features and capabilities above (its\n");
    s.push_str("   config_adjust_*.h and config_psa.h headers), from src/tables/derived.txt. */\n");
    for d in derived::derive(&features) {
        let line = format!("#define {:<58} {}", d.name, d.value);
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s.push_str("\n/* Private struct fields are plain names here; this macro is kept so that code\n");
    s.push_str("   written with MBEDTLS_PRIVATE() compiles. */\n");
    s.push_str("#ifndef MBEDTLS_PRIVATE\n#define MBEDTLS_PRIVATE(member) private_##member\n#endif\n\n");
    s.push_str("#endif /* MBEDTLS_BUILD_INFO_H */\n");
    s
}

/// The source files of an FFI module: `src/ffi/<module>.rs`, or every `.rs` file of the folder
/// `src/ffi/<module>/` (`mod.rs` first) when the module is a folder. cbindgen is given the first
/// file only: it follows the `mod` declarations of a folder's `mod.rs` itself.
fn module_sources(module: &str) -> Vec<String> {
    let file = format!("src/ffi/{module}.rs");
    if Path::new(&file).exists() {
        return vec![file];
    }
    let dir = format!("src/ffi/{module}");
    println!("cargo:rerun-if-changed={dir}");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort_by_key(|f| (!f.ends_with("/mod.rs"), f.clone()));
    files
}

/// Where a module's header comes from, for the header's first line.
fn module_origin(module: &str) -> String {
    if Path::new(&format!("src/ffi/{module}.rs")).exists() {
        format!("src/ffi/{module}.rs")
    } else {
        format!("src/ffi/{module}/")
    }
}

/// The names of the `pub struct` and `pub type` items of a module.
fn public_types(src: &str) -> Vec<String> {
    let text = fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    text.lines()
        .filter_map(|line| line.strip_prefix("pub struct ").or_else(|| line.strip_prefix("pub type ")))
        .filter_map(|rest| rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next())
        .map(str::to_string)
        .collect()
}

/// Where a header lives under `include/` (see [`Header`]): `ssl.h` → `mbedtls/ssl.h`.
fn path_under_include(name: &str) -> String {
    if name.contains('/') { name.to_string() } else { format!("mbedtls/{name}") }
}

/// The include guard: `MBEDTLS_SSL_H`, `PSA_CRYPTO_H` (Mbed TLS's own guards).
fn guard(name: &str) -> String {
    path_under_include(name).replace(['/', '.', '-'], "_").to_uppercase()
}

fn generate(header: &Header, tables: &Tables, out: &Path) {
    let mut config = cbindgen::Config {
        language: cbindgen::Language::C,
        cpp_compat: true,
        usize_is_size_t: true,
        include_guard: Some(guard(header.name)),
        documentation_style: cbindgen::DocumentationStyle::Doxy,
        no_includes: true,
        autogen_warning: Some(format!(
            "/* {}: generated by cbindgen from {}. Do not edit. */",
            header.name,
            header.module.map_or_else(|| "(none)".to_string(), module_origin)
        )),
        ..Default::default()
    };
    config.sys_includes = header.sys_includes.iter().map(|s| s.to_string()).collect();
    if !config.sys_includes.contains(&"stdint.h".to_string()) {
        config.sys_includes.push("stdint.h".into());
    }
    config.includes = header.includes.iter().map(|s| s.to_string()).collect();
    config.export.item_types = vec![
        cbindgen::ItemType::Constants,
        cbindgen::ItemType::Globals,
        cbindgen::ItemType::Enums,
        cbindgen::ItemType::Structs,
        cbindgen::ItemType::Unions,
        cbindgen::ItemType::Typedefs,
        cbindgen::ItemType::OpaqueItems,
        cbindgen::ItemType::Functions,
    ];
    let before = format!("{}{}", header.before, tables.defines(header.name));
    if !before.is_empty() {
        config.after_includes = Some(before.clone());
    }
    if !header.after.is_empty() {
        config.trailer = Some(header.after.to_string());
    }
    let path = out.join(path_under_include(header.name));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    match header.module {
        Some(module) => {
            let sources = module_sources(module);
            // cbindgen emits only the types reachable from functions; a header must also carry
            // the public types its module defines for other headers (e.g. x509.h's buffers).
            config.export.include = sources.iter().flat_map(|src| public_types(src)).collect();
            for src in &sources {
                println!("cargo:rerun-if-changed={src}");
            }
            cbindgen::Builder::new()
                .with_config(config)
                .with_src(&sources[0])
                .generate()
                .unwrap_or_else(|e| panic!("cbindgen failed for src/ffi/{module}: {e}"))
                .write_to_file(&path);
        }
        None => {
            let g = guard(header.name);
            let mut s = format!("/* {}: generated by build.rs. Do not edit. */\n", header.name);
            s.push_str(&format!("#ifndef {g}\n#define {g}\n\n"));
            for inc in header.includes {
                s.push_str(&format!("#include \"{inc}\"\n"));
            }
            s.push_str(&before);
            s.push_str(&format!("\n#endif /* {g} */\n"));
            fs::write(&path, s).unwrap();
        }
    }
}

/// The Rust side of the single sources above: `$OUT_DIR/features.rs` holds the FEATURES names for
/// `mbedtls_version_check_feature`, and the API version reaches `ffi::version` as environment
/// variables read with `env!`.
fn export_to_rust() {
    let mut s = String::from("// Generated by build.rs from its FEATURES table. Do not edit.\n");
    s.push_str("/// The `MBEDTLS_*` feature macros that `build_info.h` defines.\n");
    s.push_str("pub(crate) const FEATURES: &[&str] = &[\n");
    for (name, _) in FEATURES {
        s.push_str(&format!("    {name:?},\n"));
    }
    s.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::write(out.join("features.rs"), s).unwrap();
    println!("cargo:rustc-env=MBEDTLS_COMPAT_API_MAJOR={API_MAJOR}");
    println!("cargo:rustc-env=MBEDTLS_COMPAT_API_MINOR={API_MINOR}");
    println!("cargo:rustc-env=MBEDTLS_COMPAT_API_PATCH={API_PATCH}");
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=MBEDTLS_COMPAT_UPDATE_HEADERS");
    // The shared library answers to Mbed TLS 3.6's soname of libmbedtls (SOVERSION 21), so that
    // programs linked against an installed copy (`make install`) find it as Mbed TLS's.
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libmbedtls.so.21");
    export_to_rust();
    println!("cargo:rerun-if-changed=codegen");
    let tables = Tables::load();
    tables.write_rust(&PathBuf::from(env::var("OUT_DIR").unwrap()));
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap()).join("include");
    fs::create_dir_all(out_dir.join("mbedtls")).unwrap();
    fs::write(out_dir.join("mbedtls/build_info.h"), build_info_h()).unwrap();
    for header in HEADERS {
        generate(header, &tables, &out_dir);
    }
    for (name, includes) in PLACEHOLDERS {
        assert!(HEADERS.iter().all(|h| h.name != *name), "{name} is a real header: drop its placeholder");
        let header = Header { name, module: None, includes, sys_includes: &[], before: PLACEHOLDER_NOTE, after: "" };
        generate(&header, &tables, &out_dir);
    }
    if env::var_os("MBEDTLS_COMPAT_UPDATE_HEADERS").is_some() {
        let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
        for dir in ["mbedtls", "psa"] {
            let committed = manifest.join("include").join(dir);
            fs::create_dir_all(&committed).unwrap();
            for entry in fs::read_dir(out_dir.join(dir)).unwrap() {
                let entry = entry.unwrap();
                fs::copy(entry.path(), committed.join(entry.file_name())).unwrap();
            }
        }
    }
}
