//! rustls-mbedtls-compat: the Mbed TLS 3.6 C API implemented on rustls.
//!
//! Three layers (DESIGN.md §3): the safe core modules below, the C boundary in [`ffi`] (one
//! module per Mbed TLS header, all `unsafe` code), and the generated headers in `include/`.

#![allow(non_camel_case_types)]

pub mod cache;
pub mod client_sessions;
pub mod codec;
pub mod config;
pub mod context;
pub mod debug;
pub(crate) mod der;
pub mod error;
pub mod ffi;
pub(crate) mod oid;
pub mod pem;
pub mod pk;
pub mod renegotiation;
pub mod rng;
pub mod server_sessions;
pub mod session;
#[cfg(test)]
mod test_support;
pub mod ticket;
pub mod verify;
pub mod x509;
