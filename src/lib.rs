//! rustls-mbedtls-compat: the Mbed TLS 3.6 C API implemented on rustls.
//!
//! Three layers (ARCHITECTURE.md): the safe core modules below (crate-private), the C boundary
//! in [`ffi`] (one module per Mbed TLS header, all `unsafe` code), and the generated headers in
//! `include/`. The library's API is the C API; [`ffi`] is public only so that Rust tests can call
//! the C functions directly.

#![allow(non_camel_case_types)]

pub(crate) mod base64;
pub(crate) mod cache;
pub(crate) mod client_sessions;
pub(crate) mod codec;
pub(crate) mod config;
pub(crate) mod context;
pub(crate) mod debug;
pub(crate) mod der;
pub(crate) mod digest;
pub(crate) mod ecdsa_sig;
pub(crate) mod entropy;
pub(crate) mod error;
pub mod ffi;
/// The fuzz targets' bodies (`fuzz/`), replayed on their corpora by the unit tests.
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod hash;
pub(crate) mod hkdf;
pub(crate) mod oid;
pub(crate) mod pem;
pub(crate) mod pk;
pub(crate) mod pk_ops;
pub(crate) mod redis_store;
pub(crate) mod renegotiation;
pub(crate) mod rng;
pub(crate) mod seed_file;
pub(crate) mod server_sessions;
pub(crate) mod session;
pub(crate) mod symmetric;
#[cfg(test)]
mod test_support;
pub(crate) mod ticket;
pub(crate) mod verify;
pub(crate) mod x509;

/// The few core types the micro-benchmarks (`benches/`) drive directly. Not an API: it changes with the code.
#[doc(hidden)]
pub mod internals {
    pub use crate::cache::SessionCache;
    pub use crate::config::Endpoint;
    pub use crate::session::{Session, now_ms, now_secs};
    pub use crate::ticket::{TicketAead, TicketKeys};
}
