//! rustls-mbedtls-compat: the Mbed TLS 3.6 C API implemented on rustls.
//!
//! Three layers (DESIGN.md §3): the safe core modules below, the C boundary in [`ffi`] (one
//! module per Mbed TLS header, all `unsafe` code), and the generated headers in `include/`.

#![allow(non_camel_case_types)]

pub mod error;
pub mod ffi;
pub mod rng;
