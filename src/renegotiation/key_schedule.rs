//! The TLS 1.2 key schedule of a renegotiation, all through the suite's PRF and hash from the
//! crypto provider: what a completed handshake establishes ([`Established`]: session, master
//! secret, both Finished `verify_data`), the master secret of a full handshake
//! ([`FullHandshake`]), new record protection by key expansion ([`NewKeys`]), and fresh randoms.

use rustls::Tls12CipherSuite;
use rustls::crypto::cipher::{MessageDecrypter, MessageEncrypter};
use rustls::crypto::kx::ActiveKeyExchange;
use zeroize::Zeroizing;

use super::record::aead_key;
use crate::config::Endpoint;
use crate::error::{Error, Result};

/// What a completed handshake leaves for the next renegotiation: the session (suite, master
/// secret, extended-master-secret property, ID) and both Finished `verify_data` (RFC 5746).
/// The master secret is wiped when the session is dropped.
#[derive(Clone)]
pub(super) struct Established {
    pub(super) suite: &'static Tls12CipherSuite,
    pub(super) master: Master,
    pub(super) ems: bool,
    pub(super) session_id: Vec<u8>,
    pub(super) client_vd: Vec<u8>,
    pub(super) server_vd: Vec<u8>,
    /// The (client, server) randoms the keys were derived with (None: keys of rustls's
    /// initial handshake).
    pub(super) randoms: Option<Randoms>,
}

impl Established {
    /// A session whose handshake has no Finished messages yet.
    pub(super) fn new(suite: &'static Tls12CipherSuite, master: Master, ems: bool, session_id: Vec<u8>) -> Self {
        Self { suite, master, ems, session_id, client_vd: Vec::new(), server_vd: Vec::new(), randoms: None }
    }

    /// The same session, for an abbreviated handshake that resumes it.
    pub(super) fn resumed(&self) -> Self {
        Self::new(self.suite, self.master.clone(), self.ems, self.session_id.clone())
    }

    /// The `verify_data` of the Finished message `sender` sends after `transcript`.
    pub(super) fn verify_data(&self, sender: Endpoint, transcript: &[u8]) -> Vec<u8> {
        let label: &[u8] = match sender {
            Endpoint::Client => b"client finished",
            Endpoint::Server => b"server finished",
        };
        let hash = self.suite.common.hash_provider.hash(transcript);
        let mut vd = vec![0u8; 12];
        prf(self.suite, &self.master, label, hash.as_ref(), &mut vd);
        vd
    }

    /// Records the `verify_data` of the Finished message `sender` sent.
    pub(super) fn set_verify_data(&mut self, sender: Endpoint, verify_data: Vec<u8>) {
        match sender {
            Endpoint::Client => self.client_vd = verify_data,
            Endpoint::Server => self.server_vd = verify_data,
        }
    }

    /// What `sender`'s `renegotiation_info` carries in the next renegotiation (RFC 5746 3.4,
    /// 3.6): the client's verify data, and for a server the server's after it.
    pub(super) fn renegotiation_info(&self, sender: Endpoint) -> Vec<u8> {
        let mut ri = self.client_vd.clone();
        if sender == Endpoint::Server {
            ri.extend_from_slice(&self.server_vd);
        }
        ri
    }
}

/// A TLS 1.2 master secret, wiped when dropped.
pub(crate) type Master = Zeroizing<[u8; 48]>;

/// The (client, server) randoms of a handshake.
pub(crate) type Randoms = ([u8; 32], [u8; 32]);

/// The handshake being completed: its session and the record protection it brings.
pub(super) struct NewKeys {
    pub(super) state: Established,
    pub(super) read: Option<Box<dyn MessageDecrypter>>,
    pub(super) write: Option<Box<dyn MessageEncrypter>>,
}

impl NewKeys {
    /// New record protection from the master secret of `state` and fresh randoms ("key
    /// expansion").
    pub(super) fn derive(
        role: Endpoint,
        state: Established,
        client_random: &[u8; 32],
        server_random: &[u8; 32],
    ) -> Result<Box<Self>> {
        let mut state = state;
        state.randoms = Some((*client_random, *server_random));
        let suite = state.suite;
        let shape = suite.aead_alg.key_block_shape();
        let block = key_block(suite, &state.master, client_random, server_random);
        let (ck, rest) = block.split_at(shape.enc_key_len);
        let (sk, rest) = rest.split_at(shape.enc_key_len);
        let (civ, rest) = rest.split_at(shape.fixed_iv_len);
        let (siv, extra) = rest.split_at(shape.fixed_iv_len);
        let (wk, wiv, rk, riv) = match role {
            Endpoint::Server => (sk, siv, ck, civ),
            Endpoint::Client => (ck, civ, sk, siv),
        };
        Ok(Box::new(Self {
            read: Some(suite.aead_alg.decrypter(aead_key(rk)?, riv)),
            write: Some(suite.aead_alg.encrypter(aead_key(wk)?, wiv, extra)),
            state,
        }))
    }
}

/// What both ends of a full handshake track: the transcript and the hellos' choices.
pub(super) struct FullHandshake {
    pub(super) transcript: Vec<u8>,
    pub(super) suite: &'static Tls12CipherSuite,
    pub(super) client_random: [u8; 32],
    pub(super) server_random: [u8; 32],
    pub(super) session_id: Vec<u8>,
    pub(super) ems: bool,
}

impl FullHandshake {
    /// The new session: the master secret from our key exchange and the peer's public key
    /// (RFC 7627's extended master secret over the transcript so far, when negotiated), or
    /// `None` when the key exchange fails.
    pub(super) fn new_session(&self, kx: Box<dyn ActiveKeyExchange>, peer_public: &[u8]) -> Option<Established> {
        let mut master = Master::new([0; 48]);
        let prf = self.suite.prf_provider;
        let result = if self.ems {
            let hash = self.suite.common.hash_provider.hash(&self.transcript);
            prf.for_key_exchange(&mut master, kx, peer_public, b"extended master secret", hash.as_ref())
        } else {
            let mut seed = self.client_random.to_vec();
            seed.extend_from_slice(&self.server_random);
            prf.for_key_exchange(&mut master, kx, peer_public, b"master secret", &seed)
        };
        result.ok().map(|_| Established::new(self.suite, master, self.ems, self.session_id.clone()))
    }

    /// Record protection for `role` under `state`, from this handshake's randoms.
    pub(super) fn keys(&self, role: Endpoint, state: Established) -> Result<Box<NewKeys>> {
        NewKeys::derive(role, state, &self.client_random, &self.server_random)
    }
}

/// The key block of "key expansion" (RFC 5246 6.3) from `master` and the randoms: both
/// directions' keys and IVs, wiped when dropped.
pub(super) fn key_block(
    suite: &Tls12CipherSuite,
    master: &[u8; 48],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Zeroizing<Vec<u8>> {
    let shape = suite.aead_alg.key_block_shape();
    let mut block = Zeroizing::new(vec![0u8; (shape.enc_key_len + shape.fixed_iv_len) * 2 + shape.explicit_nonce_len]);
    let mut seed = server_random.to_vec();
    seed.extend_from_slice(client_random);
    prf(suite, master, b"key expansion", &seed, &mut block);
    block
}

fn prf(suite: &Tls12CipherSuite, master: &[u8; 48], label: &[u8], seed: &[u8], out: &mut [u8]) {
    suite.prf_provider.new_secret(master).prf(out, label, seed);
}

/// Whether two secrets (Finished `verify_data`, `renegotiation_info`) are equal, in time that
/// does not depend on where they differ (aws-lc's constant-time comparison). `None` (an
/// absent value) never equals anything.
pub(super) fn same_secret(received: Option<&[u8]>, expected: &[u8]) -> bool {
    received.is_some_and(|r| aws_lc_rs::constant_time::verify_slices_are_equal(r, expected).is_ok())
}

/// A fresh random (hello randoms, new session IDs) from the provider's secure random source.
pub(super) fn random32() -> Result<[u8; 32]> {
    let mut r = [0u8; 32];
    rustls_aws_lc_rs::DEFAULT_SECURE_RANDOM.fill(&mut r).map_err(|_| Error::SslNoRng)?;
    Ok(r)
}
