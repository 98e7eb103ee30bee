//! The bodies of the fuzz targets (`fuzz/fuzz_targets/`, cargo-fuzz): one module per target,
//! each with `pub fn run(data: &[u8])`, which panics when an invariant breaks.
//!
//! Compiled for the fuzz targets (`cfg(fuzzing)`, which cargo-fuzz sets) and for the unit
//! tests, where [`replay`] runs every target on its committed corpus (`fuzz/corpus/<target>/`):
//! `make test` replays the corpora without cargo-fuzz. Never part of the library's build.
//!
//! What the targets share: the test PKI (for the renegotiation engine's policies) and a
//! reader of fuzzer bytes.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::{AuthMode, Endpoint, OwnCert, OwnCertResolver};
use crate::renegotiation::Policy;
use crate::verify::{PeerCheck, PeerRole, Profile, TrustStore};

pub mod cache_restore;
pub mod pem;
pub mod pkcs8;
pub mod renegotiation_records;
pub mod session_load;
pub mod x509_crl;
pub mod x509_crt;

/// The TLS 1.2 renegotiation engine's handshake messages (in `renegotiation`, next to the
/// private codec it drives).
pub mod renegotiation_messages {
    pub use crate::renegotiation::fuzz_messages::run;
}

/// The directory of the test PKI (`scripts/gen-test-certs.sh`): generated on first use in
/// tests; `scripts/fuzz.sh` generates it before fuzzing.
fn certs_dir() -> PathBuf {
    #[cfg(test)]
    return crate::test_support::certs_dir().to_path_buf();
    #[cfg(not(test))]
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/certs/generated")
}

/// The test PKI, loaded once.
pub(crate) struct Pki {
    server: Arc<OwnCertResolver>,
    pub(crate) server_cert: CertificateDer<'static>,
    client: Arc<OwnCertResolver>,
    trust: Arc<TrustStore>,
    /// The test CA's SubjectPublicKeyInfo.
    ca_spki: Vec<u8>,
}

pub(crate) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = certs_dir();
        let read = |name: &str| {
            std::fs::read(dir.join(name)).unwrap_or_else(|e| {
                panic!("{}: {e}; create the test PKI first: bash scripts/gen-test-certs.sh", dir.join(name).display())
            })
        };
        let chain = |name: &str| -> Vec<CertificateDer<'static>> {
            CertificateDer::pem_slice_iter(&read(&format!("{name}.crt"))).map(|c| c.expect("certificate PEM")).collect()
        };
        let resolver = |name: &str| {
            let key = PrivateKeyDer::from_pem_slice(&read(&format!("{name}.key"))).expect("key PEM");
            Arc::new(OwnCertResolver::new(vec![Arc::new(OwnCert::new(chain(name), key).expect("own cert"))], None))
        };
        Pki {
            server: resolver("server-ec"),
            server_cert: chain("server-ec").remove(0),
            client: resolver("client"),
            trust: Arc::new(TrustStore::from_ders(&chain("ca"))),
            ca_spki: {
                let ca = crate::x509::Certificate::from_der(&chain("ca")[0]).expect("ca.crt");
                ca.bytes(ca.pk_raw()).to_vec()
            },
        }
    })
}

/// The test CA's SubjectPublicKeyInfo (signature checks of certificates and CRLs).
pub(crate) fn ca_spki() -> &'static [u8] {
    &pki().ca_spki
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    static PROVIDER: OnceLock<Arc<rustls::crypto::CryptoProvider>> = OnceLock::new();
    PROVIDER.get_or_init(|| Arc::new(rustls_aws_lc_rs::DEFAULT_PROVIDER)).clone()
}

/// The renegotiation policy of one side, as the context builds it from the test PKI. Server:
/// its certificate `server-ec`, client certificates checked per `authmode`. Client: the
/// certificate `client`, the server's checked (required, name `localhost`, and the same as in
/// the initial handshake). `resumption`: server, an abbreviated renegotiation is allowed;
/// client, a HelloRequest is answered offering the current session.
pub(crate) fn policy(side: Endpoint, resumption: bool, authmode: AuthMode, enforced: i32) -> Policy {
    let pki = pki();
    let client = side == Endpoint::Client;
    Policy {
        enabled: true,
        resumption,
        enforced,
        provider: provider(),
        server_order: true,
        own_certs: if client { pki.client.clone() } else { pki.server.clone() },
        check: PeerCheck {
            authmode: if client { AuthMode::Required } else { authmode },
            trust: Some(pki.trust.clone()),
            profile: Profile::DEFAULT,
            callback: None,
            expected_name: client.then(|| "localhost".to_string()),
            peer: if client { PeerRole::Server } else { PeerRole::Client },
            sig_algs: None,
        },
        peer_cert: client.then(|| pki.server_cert.clone()),
    }
}

/// Reads fuzzer bytes; running out yields zeros / empty slices (the input then ends).
pub(crate) struct Input<'a>(pub(crate) &'a [u8]);

impl<'a> Input<'a> {
    pub(crate) fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// A u16 length, then that many bytes (fewer if the input ends).
    pub(crate) fn bytes(&mut self) -> &'a [u8] {
        let hi = self.u8().unwrap_or(0);
        let lo = self.u8().unwrap_or(0);
        let n = usize::from(u16::from_be_bytes([hi, lo])).min(self.0.len());
        let (b, rest) = self.0.split_at(n);
        self.0 = rest;
        b
    }
}

/// Every target on every file of its committed corpus (`fuzz/corpus/<target>/`). A missing
/// or empty corpus fails: the replay must not pass by finding nothing to run.
#[cfg(test)]
mod replay {
    use std::path::{Path, PathBuf};

    /// The files of a target's committed corpus, in name order (none: the test fails).
    fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut files: Vec<_> = entries.map(|e| e.expect("corpus entry").path()).filter(|p| p.is_file()).collect();
        files.sort();
        assert!(!files.is_empty(), "{}: empty corpus", dir.display());
        files
            .into_iter()
            .map(|file| {
                let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                (file, data)
            })
            .collect()
    }

    fn replay(target: &str, run: fn(&[u8])) {
        for (file, data) in corpus(target) {
            // A panic names the input that caused it.
            let result = std::panic::catch_unwind(|| run(&data));
            assert!(result.is_ok(), "{target}: {} fails", file.display());
        }
    }

    /// How many inputs of a corpus `accepted` takes.
    fn accepted(target: &str, accepted: impl Fn(&[u8]) -> bool) -> usize {
        corpus(target).iter().filter(|(_, data)| accepted(data)).count()
    }

    /// The corpora reach past the first checks: each holds well-formed inputs (the test PKI's
    /// certificates, CRLs and keys, encrypted ones included, PEM texts with blocks).
    #[test]
    fn corpora_hold_well_formed_inputs() {
        use crate::pk::PrivateKey;
        use crate::x509::{Certificate, Crl};
        assert!(accepted("x509_crt", |d| Certificate::from_der(d).is_ok()) >= 10);
        assert!(accepted("x509_crl", |d| Crl::from_der(d).is_ok()) >= 5);
        let pem = |d: &[u8]| d.get(1..).is_some_and(|t| crate::pem::located_blocks(t).iter().any(|b| b.1.is_ok()));
        assert!(accepted("pem", pem) >= 5);
        // The first byte chooses the password: 0 none, 1 the test PKI's.
        let key = |d: &[u8], selector: u8, password: &[u8]| {
            d.split_first().is_some_and(|(&s, key)| {
                s == selector && PrivateKey::parse_capped(key, Some(password), super::pkcs8::MAX_ITERATIONS).is_ok()
            })
        };
        assert!(accepted("pkcs8", |d| key(d, 0, b"")) >= 5);
        assert!(accepted("pkcs8", |d| key(d, 1, b"secret")) >= 10, "encrypted keys");
    }

    /// One test per target, named after it: `fuzzing::replay::<target>`.
    macro_rules! replay_tests {
        ($($target:ident),*) => {$(
            #[test]
            fn $target() {
                replay(stringify!($target), super::$target::run);
            }
        )*};
    }

    replay_tests!(
        session_load,
        cache_restore,
        renegotiation_records,
        renegotiation_messages,
        pem,
        x509_crt,
        x509_crl,
        pkcs8
    );
}
