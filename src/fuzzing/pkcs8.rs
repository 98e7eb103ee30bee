//! Private-key parsing as `mbedtls_pk_parse_key` does it (`src/pk.rs`): PEM or DER, PKCS#1,
//! SEC1, PKCS#8 and encrypted PKCS#8 (PBES2) with a password; and `mbedtls_pk_parse_public_key`
//! on the same input.
//!
//! PBKDF2 iterations: the library refuses more than `pk::MAX_PBKDF2_ITERATIONS` (ten million,
//! seconds of work). Here the parser is called with a cap of [`MAX_ITERATIONS`] instead, so that
//! an input declaring a large count costs no more than a refusal; the seeds of encrypted keys use
//! low counts. Only this target passes the lower cap: the library's behaviour is unchanged.
//!
//! Input: one byte choosing the password (none, `secret` — the test PKI's, `pw`, empty), then
//! the key. Invariants: no panic; a parsed key in the forms rustls takes and
//! `mbedtls_pk_write_key_der` writes (and that form in PEM) parses again to the same kind and
//! writes the same bytes again; its public half pairs with it (`mbedtls_pk_check_pair`); a
//! parsed public key parses again from its SubjectPublicKeyInfo.

use crate::pem;
use crate::pk::{PrivateKey, PublicKey};
use crate::pk_ops::{check_pair, private_der, public_of};

/// The PBKDF2 iteration cap of this target (see the module's documentation).
pub const MAX_ITERATIONS: u32 = 64;

const PASSWORDS: [Option<&[u8]>; 4] = [None, Some(b"secret"), Some(b"pw"), Some(b"")];

pub fn run(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else { return };
    let password = PASSWORDS[usize::from(selector) % PASSWORDS.len()];
    if let Ok(key) = PrivateKey::parse_capped(input, password, MAX_ITERATIONS) {
        let kind = key.kind();
        let as_rustls = key.key_der();
        let again = PrivateKey::parse(as_rustls.secret_der(), None).expect("the key as rustls takes it");
        assert_eq!(again.kind(), kind);
        if let Ok((written, label)) = private_der(&key) {
            let back = PrivateKey::parse(&written, None).expect("the written key parses");
            assert_eq!(back.kind(), kind);
            let (rewritten, label2) = private_der(&back).expect("the written key writes again");
            assert_eq!((&rewritten[..], label2), (&written[..], label));
            let text = pem::encode(
                format!("-----BEGIN {label}-----\n").as_bytes(),
                format!("-----END {label}-----\n").as_bytes(),
                &written,
            );
            assert_eq!(PrivateKey::parse(&text, None).expect("the written PEM parses").kind(), kind);
        }
        if let Ok(public) = public_of(&key) {
            assert_eq!(check_pair(&public, &key), Ok(()));
        }
    }
    if let Ok(public) = PublicKey::parse(input) {
        let again = PublicKey::from_spki(public.spki_der()).expect("a public key from its own SPKI");
        assert_eq!(again.spki_der(), public.spki_der());
        assert_eq!(again.kind(), public.kind());
    }
}
