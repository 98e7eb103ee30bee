//! `platform.h` / `platform_util.h`: the C library as platform layer, and `mbedtls_platform_zeroize`.
