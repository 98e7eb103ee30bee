//! `ecp.h`: the ECP error codes (the ECP functions themselves are not provided; `pk.h` reports
//! these codes).

pub use super::error::codes::ecp::*;
