//! `compat.h`: this library's extensions, all named `mbedtls_compat_*`.
