//! `x509_crt.h`: X.509 certificate chains (`mbedtls_x509_crt`).
