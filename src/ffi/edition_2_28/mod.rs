//! The Mbed TLS 2.28 edition's own exports (`make lib EDITION=2.28`, cargo feature
//! `edition-2-28`): the functions whose 2.28 signature differs from 3.6's, one file per header
//! (build.rs adds `<header module>.rs` of this folder to that header's sources). Each is a thin
//! adapter over the helpers the 3.6 export uses; the 3.6 export is
//! `#[cfg(not(feature = "edition-2-28"))]`. See ARCHITECTURE.md, "The seam for a second C
//! edition".

pub mod compat_redis;
pub mod ctr_drbg;
pub mod pk;
pub mod ssl;
pub mod ssl_cache;
