//! `pem.h`: the PEM error codes (PEM decoding itself is internal: `crate::pem`).

pub use super::error::codes::pem::*;
