// The one source of the certificate verification flags (`MBEDTLS_X509_BADCERT_*`,
// `MBEDTLS_X509_BADCRL_*`). Not a module of the crate: build.rs reads it (`include!`) and generates
// the core's `verify_flags` constants and `mbedtls_x509_crt_verify_info` texts, and the `#define`s
// of x509.h. Values are Mbed TLS 3.6's; texts are our own wording.
//
// (name without the MBEDTLS_X509_ prefix, value, text), in flag order.
const VERIFY_FLAGS: &[(&str, u32, &str)] = &[
    ("BADCERT_EXPIRED", 0x01, "The certificate has expired"),
    ("BADCERT_REVOKED", 0x02, "The certificate has been revoked (it is listed in a CRL)"),
    ("BADCERT_CN_MISMATCH", 0x04, "The certificate's names (CN, subjectAltName) do not match the expected host name"),
    ("BADCERT_NOT_TRUSTED", 0x08, "The certificate does not chain up to a trusted CA"),
    ("BADCRL_NOT_TRUSTED", 0x10, "The CRL is not signed by a trusted CA"),
    ("BADCRL_EXPIRED", 0x20, "The CRL has expired"),
    ("BADCERT_MISSING", 0x40, "No certificate was presented"),
    ("BADCERT_SKIP_VERIFY", 0x80, "Certificate verification was skipped"),
    ("BADCERT_OTHER", 0x0100, "The certificate was rejected for another reason"),
    ("BADCERT_FUTURE", 0x0200, "The certificate is not valid yet"),
    ("BADCRL_FUTURE", 0x0400, "The CRL is not valid yet"),
    ("BADCERT_KEY_USAGE", 0x0800, "The certificate's keyUsage does not allow this use"),
    ("BADCERT_EXT_KEY_USAGE", 0x1000, "The certificate's extendedKeyUsage does not allow this use"),
    ("BADCERT_NS_CERT_TYPE", 0x2000, "The certificate's nsCertType does not allow this use"),
    ("BADCERT_BAD_MD", 0x4000, "The certificate is signed with a hash algorithm that is not accepted"),
    ("BADCERT_BAD_PK", 0x8000, "The certificate is signed with a public-key algorithm that is not accepted"),
    ("BADCERT_BAD_KEY", 0x01_0000, "The certificate is signed with a key that is not accepted (curve or size)"),
    ("BADCRL_BAD_MD", 0x02_0000, "The CRL is signed with a hash algorithm that is not accepted"),
    ("BADCRL_BAD_PK", 0x04_0000, "The CRL is signed with a public-key algorithm that is not accepted"),
    ("BADCRL_BAD_KEY", 0x08_0000, "The CRL is signed with a key that is not accepted (curve or size)"),
];
