//! Symmetric cryptography for the module APIs that firmware calls directly: AES (ECB, CBC,
//! CTR), GCM, ChaCha20, Poly1305, ChaCha20-Poly1305 and the generic cipher layer, with Mbed TLS
//! 3.6's state machines, checks and codes (`aes.h`, `gcm.h`, `chacha20.h`, `poly1305.h`,
//! `chachapoly.h`, `cipher.h`).
//!
//! The primitives are aws-lc's: through aws-lc-rs where it has a safe API (`aead`: the one-shot
//! AEADs) and through aws-lc's C API otherwise (`aws_lc`: AES blocks and modes, streaming GCM,
//! ChaCha20 at a counter, Poly1305), the one module of the core with `unsafe` code. No block
//! cipher, GHASH, ChaCha or Poly1305 arithmetic is written here.

pub(crate) mod aead;
pub(crate) mod aes;
mod aws_lc;
pub(crate) mod chacha;
pub(crate) mod cipher;
pub(crate) mod gcm;
