//! The TLS 1.2 post-handshake engine: renegotiation (RFC 5746) and IEC 62351-3 key renewal.
//!
//! rustls runs every initial handshake; it has no renegotiation. For a TLS 1.2 connection whose
//! configuration enables renegotiation, the context hands the established connection over to
//! this engine: the traffic keys and sequence numbers come from rustls's
//! `dangerous_extract_secrets`, the master secret from its key log, the randoms and the session
//! ID from the plaintext hellos observed on the wire, and both Finished `verify_data` values by
//! decrypting the first protected record of each direction with those keys. From then on the
//! engine is the record layer (AEAD through the rustls provider's `Tls12AeadAlgorithm`) and runs
//! renegotiation handshakes itself:
//!
//! * abbreviated: a ClientHello offering the current session ID (when resumption in
//!   renegotiation is allowed) gets ServerHello + ChangeCipherSpec + Finished; new keys come from
//!   the same master secret and fresh randoms (the IEC 62351-3 key refresh);
//! * full: ECDHE (the provider's key exchange), the server's certificate and signature (the
//!   provider's signer), optionally a client certificate checked again, a new master secret.
//!
//! RFC 5746 is enforced both ways: the peer's `renegotiation_info` must carry the previous
//! handshake's verify data; a renegotiation ClientHello with the SCSV, or with wrong or missing
//! data, ends the connection with a fatal `handshake_failure`. Peers without RFC 5746 are never
//! allowed to renegotiate. No cryptography is implemented here: PRF, AEAD, hashes, key exchange
//! and signatures all come from the crypto provider (and webpki for certificate checks).

use std::sync::{Arc, Mutex};

use rustls::crypto::cipher::{
    AeadKey, EncodedMessage, InboundOpaque, MessageDecrypter, MessageEncrypter, OutboundPlain,
};
use rustls::crypto::kx::ActiveKeyExchange;
use rustls::crypto::{CryptoProvider, Identity, SignatureScheme};
use rustls::enums::{ContentType, ProtocolVersion};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ConnectionTrafficSecrets, ExtractedSecrets, KeyLog, RootCertStore, Tls12CipherSuite};

use crate::codec::{MAX_FRAGMENT, Reader, u24};
use crate::config::{AuthMode, Endpoint, OwnCertResolver, TLS1_2};
use crate::error::{Error, Result};
use crate::verify::{self, badcert};

const HS_HELLO_REQUEST: u8 = 0;
const HS_CLIENT_HELLO: u8 = 1;
const HS_SERVER_HELLO: u8 = 2;
const HS_CERTIFICATE: u8 = 11;
const HS_SERVER_KEY_EXCHANGE: u8 = 12;
const HS_CERTIFICATE_REQUEST: u8 = 13;
const HS_SERVER_HELLO_DONE: u8 = 14;
const HS_CERTIFICATE_VERIFY: u8 = 15;
const HS_CLIENT_KEY_EXCHANGE: u8 = 16;
const HS_FINISHED: u8 = 20;

const CT_CCS: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APPDATA: u8 = 23;

const EXT_RENEGOTIATION_INFO: u16 = 0xff01;
const EXT_EMS: u16 = 0x0017;
const EXT_SIG_ALGS: u16 = 0x000d;
const EXT_GROUPS: u16 = 0x000a;
const EXT_POINT_FORMATS: u16 = 0x000b;
const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;
const SCSV: u16 = 0x00ff;
/// The ECDHE groups usable in TLS 1.2: x25519, secp256r1, secp384r1, secp521r1.
const TLS12_GROUPS: [u16; 4] = [0x001d, 0x0017, 0x0018, 0x0019];

const ALERT_WARNING: u8 = 1;
const ALERT_FATAL: u8 = 2;
const ALERT_CLOSE_NOTIFY: u8 = 0;
const ALERT_UNEXPECTED_MESSAGE: u8 = 10;
const ALERT_BAD_RECORD_MAC: u8 = 20;
pub const ALERT_RECORD_OVERFLOW: u8 = 22;
const ALERT_HANDSHAKE_FAILURE: u8 = 40;
const ALERT_BAD_CERTIFICATE: u8 = 42;
const ALERT_ILLEGAL_PARAMETER: u8 = 47;
const ALERT_PROTOCOL_VERSION: u8 = 70;
const ALERT_DECODE_ERROR: u8 = 50;
const ALERT_DECRYPT_ERROR: u8 = 51;
const ALERT_NO_RENEGOTIATION: u8 = 100;

// =============================================================================================
// What the context observes during rustls's initial handshake

/// Records the TLS 1.2 master secret rustls computes (label `CLIENT_RANDOM`).
#[derive(Debug, Default)]
pub struct MasterSecretLog {
    inner: Mutex<Option<([u8; 32], [u8; 48])>>,
}

impl KeyLog for MasterSecretLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if label == "CLIENT_RANDOM" && client_random.len() == 32 && secret.len() == 48 {
            let mut cr = [0u8; 32];
            let mut ms = [0u8; 48];
            cr.copy_from_slice(client_random);
            ms.copy_from_slice(secret);
            *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = Some((cr, ms));
        }
    }

    fn will_log(&self, label: &str) -> bool {
        label == "CLIENT_RANDOM"
    }
}

impl MasterSecretLog {
    fn get(&self) -> Option<([u8; 32], [u8; 48])> {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One direction of the wire during the initial handshake: its plaintext handshake bytes up to
/// ChangeCipherSpec, and the first protected record after it (the Finished message).
#[derive(Default)]
struct WireCapture {
    handshake: Vec<u8>,
    ccs_seen: bool,
    first_protected: Option<Vec<u8>>,
    pending: Vec<u8>,
}

impl WireCapture {
    fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        while self.pending.len() >= 5 {
            let len = usize::from(u16::from_be_bytes([self.pending[3], self.pending[4]]));
            if self.pending.len() < 5 + len {
                break;
            }
            let record: Vec<u8> = self.pending.drain(..5 + len).collect();
            match (record[0], self.ccs_seen) {
                (CT_CCS, _) => self.ccs_seen = true,
                (CT_HANDSHAKE, false) => self.handshake.extend_from_slice(&record[5..]),
                (_, true) if self.first_protected.is_none() => self.first_protected = Some(record),
                _ => {}
            }
        }
    }

    /// The first handshake message of `typ` seen in plaintext.
    fn message(&self, typ: u8) -> Option<&[u8]> {
        let mut rest = &self.handshake[..];
        while rest.len() >= 4 {
            let len = u24(&rest[1..4]);
            if rest.len() < 4 + len {
                return None;
            }
            if rest[0] == typ {
                return Some(&rest[..4 + len]);
            }
            rest = &rest[4 + len..];
        }
        None
    }
}

/// What the context captures from rustls's initial TLS 1.2 handshake for the engine.
#[derive(Default)]
pub struct HandshakeCapture {
    pub key_log: Arc<MasterSecretLog>,
    incoming: WireCapture,
    outgoing: WireCapture,
}

/// `mbedtls_ssl_conf_legacy_renegotiation` value that aborts handshakes with legacy peers.
pub const LEGACY_BREAK_HANDSHAKE: i32 = 2;

impl HandshakeCapture {
    /// Whether a TLS 1.2 peer announced RFC 5746, once both hellos were seen (`None` before;
    /// `Some(true)` for TLS 1.3, which has no renegotiation to protect).
    pub fn peer_supports_rfc5746(&self, role: Endpoint) -> Option<bool> {
        let (ch_wire, sh_wire) = match role {
            Endpoint::Server => (&self.incoming, &self.outgoing),
            Endpoint::Client => (&self.outgoing, &self.incoming),
        };
        let sh = parse_server_hello(&sh_wire.message(HS_SERVER_HELLO)?[4..]).ok()?;
        if sh.tls13 {
            return Some(true);
        }
        Some(match role {
            Endpoint::Server => {
                let ch = parse_client_hello(&ch_wire.message(HS_CLIENT_HELLO)?[4..]).ok()?;
                ch.scsv || ch.renegotiation_info.is_some()
            }
            Endpoint::Client => sh.renegotiation_info.is_some(),
        })
    }

    pub fn incoming(&mut self, bytes: &[u8]) {
        self.incoming.feed(bytes);
    }

    pub fn outgoing(&mut self, bytes: &[u8]) {
        self.outgoing.feed(bytes);
    }
}

// =============================================================================================
// Parsing and building handshake messages

/// A reader of handshake bytes: running out of them is a decode error.
fn hs_reader(bytes: &[u8]) -> Reader<'_> {
    Reader::new(bytes, Error::SslDecodeError)
}

#[derive(Default)]
struct Hello {
    /// `client_version` / `server_version`.
    version: u16,
    random: [u8; 32],
    session_id: Vec<u8>,
    suites: Vec<u16>,
    suite: u16,
    scsv: bool,
    renegotiation_info: Option<Vec<u8>>,
    ems: bool,
    sig_schemes: Vec<u16>,
    groups: Vec<u16>,
    point_formats: bool,
    /// A ServerHello with `supported_versions`: TLS 1.3.
    tls13: bool,
}

fn parse_extensions(rd: &mut Reader<'_>, hello: &mut Hello) -> Result<()> {
    if rd.is_empty() {
        return Ok(());
    }
    let mut exts = hs_reader(rd.vec16()?);
    while !exts.is_empty() {
        let typ = exts.u16()?;
        let mut body = hs_reader(exts.vec16()?);
        match typ {
            EXT_RENEGOTIATION_INFO => hello.renegotiation_info = Some(body.vec8()?.to_vec()),
            EXT_EMS => hello.ems = true,
            EXT_SIG_ALGS => hello.sig_schemes = body.u16_list()?,
            EXT_GROUPS => hello.groups = body.u16_list()?,
            EXT_POINT_FORMATS => hello.point_formats = true,
            EXT_SUPPORTED_VERSIONS => hello.tls13 = true,
            _ => {}
        }
    }
    Ok(())
}

/// Parses a ClientHello body (after the 4-byte handshake header).
fn parse_client_hello(body: &[u8]) -> Result<Hello> {
    let mut rd = hs_reader(body);
    let mut hello = Hello { version: rd.u16()?, ..Hello::default() };
    hello.random.copy_from_slice(rd.take(32)?);
    hello.session_id = rd.vec8()?.to_vec();
    if hello.session_id.len() > 32 {
        return Err(Error::SslDecodeError);
    }
    hello.suites = rd.u16_list()?;
    hello.scsv = hello.suites.contains(&SCSV);
    // The null method must be among those offered (RFC 5246 7.4.1.2).
    if !rd.vec8()?.contains(&0) {
        return Err(Error::SslDecodeError);
    }
    parse_extensions(&mut rd, &mut hello)?;
    Ok(hello)
}

/// Parses a ServerHello body.
fn parse_server_hello(body: &[u8]) -> Result<Hello> {
    let mut rd = hs_reader(body);
    let mut hello = Hello { version: rd.u16()?, ..Hello::default() };
    hello.random.copy_from_slice(rd.take(32)?);
    hello.session_id = rd.vec8()?.to_vec();
    hello.suite = rd.u16()?;
    if rd.u8()? != 0 {
        return Err(Error::SslDecodeError);
    }
    parse_extensions(&mut rd, &mut hello)?;
    Ok(hello)
}

/// A handshake message: type, 24-bit length, body.
fn handshake_message(typ: u8, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(4 + body.len());
    m.push(typ);
    m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend_from_slice(body);
    m
}

fn put_vec8(out: &mut Vec<u8>, data: &[u8]) {
    out.push(data.len() as u8);
    out.extend_from_slice(data);
}

fn put_vec16(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
}

fn put_vec24(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(data);
}

fn put_ext(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    out.extend_from_slice(&typ.to_be_bytes());
    put_vec16(out, body);
}

fn random32() -> Result<[u8; 32]> {
    let mut r = [0u8; 32];
    rustls_aws_lc_rs::DEFAULT_SECURE_RANDOM.fill(&mut r).map_err(|_| Error::SslNoRng)?;
    Ok(r)
}

fn certificate_message(chain: &[CertificateDer<'_>]) -> Vec<u8> {
    let mut list = Vec::new();
    for c in chain {
        put_vec24(&mut list, c.as_ref());
    }
    let mut body = Vec::new();
    put_vec24(&mut body, &list);
    handshake_message(HS_CERTIFICATE, &body)
}

fn parse_certificates(body: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let mut rd = hs_reader(body);
    let mut list = hs_reader(rd.vec24()?);
    let mut out = Vec::new();
    while !list.is_empty() {
        out.push(CertificateDer::from(list.vec24()?.to_vec()));
    }
    Ok(out)
}

/// Verifies a TLS 1.2 handshake signature with the public key of `cert` (webpki, through the
/// provider's verification algorithms).
fn verify_signature(cert: &CertificateDer<'_>, scheme: u16, message: &[u8], signature: &[u8]) -> bool {
    let Ok(ee) = webpki::EndEntityCert::try_from(cert) else { return false };
    rustls_aws_lc_rs::SUPPORTED_SIG_ALGS
        .mapping()
        .iter()
        .filter(|(s, _)| s.0 == scheme)
        .flat_map(|(_, algs)| algs.iter())
        .any(|alg| ee.verify_signature(*alg, message, signature).is_ok())
}

/// The key family of a signature scheme: RSA (PKCS#1 and PSS), ECDSA or EdDSA.
fn key_family(scheme: u16) -> u8 {
    match scheme {
        0x0804..=0x0806 | 0x0809..=0x080b => 1,
        0x0807 | 0x0808 => 7,
        s => (s & 0xff) as u8,
    }
}

/// Whether a signature scheme fits a TLS 1.2 suite's authentication (ECDSA or RSA).
fn scheme_fits(suite: &Tls12CipherSuite, scheme: SignatureScheme) -> bool {
    suite.sign.iter().any(|s| key_family(s.0) == key_family(scheme.0))
}

fn aead_key(bytes: &[u8]) -> Result<AeadKey> {
    match bytes.len() {
        16 => Ok(AeadKey::from(<[u8; 16]>::try_from(bytes).map_err(|_| Error::SslInternalError)?)),
        32 => Ok(AeadKey::from(<[u8; 32]>::try_from(bytes).map_err(|_| Error::SslInternalError)?)),
        _ => Err(Error::SslInternalError),
    }
}

// =============================================================================================
// The engine

/// The state of a finished handshake, for [`Engine::from_parts`].
#[doc(hidden)]
#[derive(Clone)]
pub struct TestParts {
    pub suite: u16,
    pub master: [u8; 48],
    pub ems: bool,
    pub client_random: [u8; 32],
    pub server_random: [u8; 32],
    pub session_id: Vec<u8>,
    pub client_vd: [u8; 12],
    pub server_vd: [u8; 12],
    pub peer_secure: bool,
}

impl Default for TestParts {
    fn default() -> Self {
        Self {
            suite: 0xC02B,
            master: [7; 48],
            ems: true,
            client_random: [1; 32],
            server_random: [2; 32],
            session_id: vec![3; 32],
            client_vd: [4; 12],
            server_vd: [5; 12],
            peer_secure: true,
        }
    }
}

/// What the engine needs from the configuration for a renegotiation.
pub struct Policy {
    /// `mbedtls_ssl_conf_renegotiation`.
    pub enabled: bool,
    /// Our extension. Server: answer a renegotiation offering the current session with an
    /// abbreviated handshake. Client: offer the current session when answering a HelloRequest.
    pub resumption: bool,
    /// Application-data records accepted while the peer has not answered our request (server:
    /// a HelloRequest; client: a ClientHello) before giving up (-1: no limit).
    pub enforced: i32,
    pub provider: Arc<CryptoProvider>,
    pub own_certs: Arc<OwnCertResolver>,
    pub authmode: AuthMode,
    pub roots: Option<Arc<RootCertStore>>,
    /// Client: the server name checked against a new server certificate.
    pub server_name: Option<ServerName<'static>>,
    /// Client: the server's certificate of the initial handshake (it must not change).
    pub peer_cert: Option<CertificateDer<'static>>,
}

/// What one call into the engine reports to the context.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// A renegotiation completed (`Some(true)` abbreviated, `Some(false)` full).
    pub renegotiated: Option<bool>,
    /// The peer sent close_notify.
    pub peer_closed: bool,
    /// The peer refused our renegotiation request (warning no_renegotiation).
    pub refused: bool,
}

/// A renegotiation in progress.
enum Handshake {
    Idle,
    /// Server: HelloRequest sent; `records` non-handshake records seen since.
    HelloRequested {
        records: u32,
    },
    /// Server, abbreviated: waiting for the client's CCS, then Finished.
    SrvAbbreviated {
        transcript: Vec<u8>,
        keys: Box<NewKeys>,
        ccs: bool,
    },
    /// Server, full: waiting for the client's flight.
    SrvFull(Box<FullServer>),
    /// Client: ClientHello sent.
    CliWaitServerHello {
        transcript: Vec<u8>,
        client_random: [u8; 32],
        offered_session: bool,
        records: u32,
    },
    /// Client, abbreviated: waiting for the server's CCS + Finished.
    CliAbbreviated {
        transcript: Vec<u8>,
        keys: Box<NewKeys>,
        ccs: bool,
    },
    /// Client, full: reading the server's flight up to ServerHelloDone.
    CliFull(Box<FullClient>),
    /// Client, full: our flight sent, waiting for the server's CCS + Finished.
    CliFullFinish {
        transcript: Vec<u8>,
        keys: Box<NewKeys>,
        ccs: bool,
    },
}

/// What a completed handshake leaves for the next renegotiation: the session (suite, master
/// secret, extended-master-secret property, ID) and both Finished `verify_data` (RFC 5746).
#[derive(Clone)]
struct Established {
    suite: &'static Tls12CipherSuite,
    master: [u8; 48],
    ems: bool,
    session_id: Vec<u8>,
    client_vd: Vec<u8>,
    server_vd: Vec<u8>,
}

impl Established {
    /// A session whose handshake has no Finished messages yet.
    fn new(suite: &'static Tls12CipherSuite, master: [u8; 48], ems: bool, session_id: Vec<u8>) -> Self {
        Self { suite, master, ems, session_id, client_vd: Vec::new(), server_vd: Vec::new() }
    }

    /// The same session, for an abbreviated handshake that resumes it.
    fn resumed(&self) -> Self {
        Self::new(self.suite, self.master, self.ems, self.session_id.clone())
    }
}

/// The handshake being completed: its session and the record protection it brings.
struct NewKeys {
    state: Established,
    read: Option<Box<dyn MessageDecrypter>>,
    write: Option<Box<dyn MessageEncrypter>>,
}

/// What both ends of a full handshake track: the transcript and the hellos' choices.
struct FullHandshake {
    transcript: Vec<u8>,
    suite: &'static Tls12CipherSuite,
    client_random: [u8; 32],
    server_random: [u8; 32],
    session_id: Vec<u8>,
    ems: bool,
}

impl FullHandshake {
    /// The new session: the master secret from our key exchange and the peer's public key
    /// (RFC 7627's extended master secret over the transcript so far, when negotiated), or
    /// `None` when the key exchange fails.
    fn new_session(&self, kx: Box<dyn ActiveKeyExchange>, peer_public: &[u8]) -> Option<Established> {
        let mut master = [0u8; 48];
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
    fn keys(&self, role: Endpoint, state: Established) -> Result<Box<NewKeys>> {
        Engine::derive(role, state, &self.client_random, &self.server_random)
    }
}

struct FullServer {
    common: FullHandshake,
    kx: Option<Box<dyn ActiveKeyExchange>>,
    client_chain: Option<Vec<CertificateDer<'static>>>,
    keys: Option<Box<NewKeys>>,
    stage: FullServerStage,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum FullServerStage {
    Certificate,
    KeyExchange,
    CertificateVerify,
    ChangeCipherSpec,
    Finished,
}

struct FullClient {
    common: FullHandshake,
    server_chain: Vec<CertificateDer<'static>>,
    kx_params: Option<(u16, Vec<u8>)>,
    /// The signature schemes of the server's CertificateRequest, if it sent one.
    cert_request: Option<Vec<SignatureScheme>>,
    /// The last message of the server's flight processed so far.
    last: u8,
}

/// The post-handshake record layer and renegotiation state of one TLS 1.2 connection.
pub struct Engine {
    role: Endpoint,
    state: Established,
    /// The peer supports RFC 5746 (without it, renegotiation is never allowed).
    peer_secure: bool,
    read: Box<dyn MessageDecrypter>,
    read_seq: u64,
    write: Box<dyn MessageEncrypter>,
    write_seq: u64,
    hs_in: Vec<u8>,
    hs: Handshake,
    /// Verification result of the last peer certificate checked in a renegotiation.
    pub verify_result: Option<u32>,
    /// The peer certificates of the last full renegotiation.
    pub peer_chain: Option<Vec<CertificateDer<'static>>>,
    /// The last alert the peer sent (level, description).
    pub received_alert: Option<(u8, u8)>,
    pub full_renegotiations: u32,
    pub abbreviated_renegotiations: u32,
}

fn traffic_keys(secrets: ConnectionTrafficSecrets) -> Result<(AeadKey, Vec<u8>)> {
    match secrets {
        ConnectionTrafficSecrets::Aes128Gcm { key, iv }
        | ConnectionTrafficSecrets::Aes256Gcm { key, iv }
        | ConnectionTrafficSecrets::Chacha20Poly1305 { key, iv } => Ok((key, iv.as_ref().to_vec())),
        _ => Err(Error::SslFeatureUnavailable),
    }
}

impl Engine {
    /// Takes over an established TLS 1.2 connection.
    pub fn new(
        role: Endpoint,
        suite: &'static Tls12CipherSuite,
        capture: &HandshakeCapture,
        secrets: ExtractedSecrets,
    ) -> Result<Self> {
        let (client_random, master) = capture.key_log.get().ok_or(Error::SslInternalError)?;
        let (ch_wire, sh_wire) = match role {
            Endpoint::Server => (&capture.incoming, &capture.outgoing),
            Endpoint::Client => (&capture.outgoing, &capture.incoming),
        };
        let ch = parse_client_hello(&ch_wire.message(HS_CLIENT_HELLO).ok_or(Error::SslInternalError)?[4..])?;
        let sh = parse_server_hello(&sh_wire.message(HS_SERVER_HELLO).ok_or(Error::SslInternalError)?[4..])?;
        if ch.random != client_random {
            return Err(Error::SslInternalError);
        }
        let peer_secure = match role {
            Endpoint::Server => ch.scsv || ch.renegotiation_info.is_some(),
            Endpoint::Client => sh.renegotiation_info.is_some(),
        };
        let shape = suite.aead_alg.key_block_shape();
        let (tx_seq, tx) = secrets.tx;
        let (rx_seq, rx) = secrets.rx;
        let (tx_key, tx_iv) = traffic_keys(tx)?;
        let (rx_key, rx_iv) = traffic_keys(rx)?;
        let fixed = shape.fixed_iv_len;
        // The Finished messages: the first protected record of each direction, sequence 0.
        let mut own_reader = suite.aead_alg.decrypter(aead_key(tx_key.as_ref())?, &tx_iv[..fixed]);
        let mut peer_reader = suite.aead_alg.decrypter(aead_key(rx_key.as_ref())?, &rx_iv[..fixed]);
        let finished = |reader: &mut Box<dyn MessageDecrypter>, record: Option<&Vec<u8>>| -> Result<Vec<u8>> {
            let mut record = record.ok_or(Error::SslInternalError)?.clone();
            let (header, payload) = record.split_at_mut(5);
            let msg = EncodedMessage::new(ContentType(header[0]), ProtocolVersion(0x0303), InboundOpaque(payload));
            let plain = reader.decrypt(msg, 0).map_err(|_| Error::SslInternalError)?;
            let p = plain.payload;
            if p.len() != 16 || p[0] != HS_FINISHED {
                return Err(Error::SslInternalError);
            }
            Ok(p[4..].to_vec())
        };
        let own_vd = finished(&mut own_reader, first_protected(capture, true))?;
        let peer_vd = finished(&mut peer_reader, first_protected(capture, false))?;
        let (client_vd, server_vd) = match role {
            Endpoint::Server => (peer_vd, own_vd),
            Endpoint::Client => (own_vd, peer_vd),
        };
        let mut write = suite.aead_alg.encrypter(tx_key, &tx_iv[..fixed], &tx_iv[fixed..]);
        prime_encrypter(write.as_mut(), tx_seq)?;
        let read = suite.aead_alg.decrypter(rx_key, &rx_iv[..fixed]);
        log::debug!("TLS 1.2 renegotiation engine takes over the connection");
        let state = Established { client_vd, server_vd, ..Established::new(suite, master, sh.ems, sh.session_id) };
        Ok(Self::established(role, state, peer_secure, (read, rx_seq), (write, tx_seq)))
    }

    /// An idle engine on `state` with these record protections and sequence numbers.
    fn established(
        role: Endpoint,
        state: Established,
        peer_secure: bool,
        (read, read_seq): (Box<dyn MessageDecrypter>, u64),
        (write, write_seq): (Box<dyn MessageEncrypter>, u64),
    ) -> Self {
        Self {
            role,
            state,
            peer_secure,
            read,
            read_seq,
            write,
            write_seq,
            hs_in: Vec::new(),
            hs: Handshake::Idle,
            verify_result: None,
            peer_chain: None,
            received_alert: None,
            full_renegotiations: 0,
            abbreviated_renegotiations: 0,
        }
    }

    /// An engine as it stands after a handshake with these parameters, keys derived from them
    /// with sequence numbers at 0: two engines (one per role) built from the same parts talk to
    /// each other. For tests and the fuzz targets, which need a connection without sockets.
    #[doc(hidden)]
    pub fn from_parts(role: Endpoint, parts: &TestParts) -> Result<Self> {
        let suite = rustls_aws_lc_rs::ALL_TLS12_CIPHER_SUITES
            .iter()
            .copied()
            .find(|s| s.common.suite.0 == parts.suite)
            .ok_or(Error::SslBadInputData)?;
        let state = Established {
            client_vd: parts.client_vd.to_vec(),
            server_vd: parts.server_vd.to_vec(),
            ..Established::new(suite, parts.master, parts.ems, parts.session_id.clone())
        };
        let NewKeys { state, read, write } = *Self::derive(role, state, &parts.client_random, &parts.server_random)?;
        let (read, write) = (read.ok_or(Error::SslInternalError)?, write.ok_or(Error::SslInternalError)?);
        Ok(Self::established(role, state, parts.peer_secure, (read, 0), (write, 0)))
    }

    /// Seals any record under the current write keys (tests and fuzzing: a peer that sends
    /// what it likes).
    #[doc(hidden)]
    pub fn write_record(&mut self, typ: u8, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.seal(typ, payload, out)
    }

    pub fn peer_secure(&self) -> bool {
        self.peer_secure
    }

    pub fn session_id(&self) -> &[u8] {
        &self.state.session_id
    }

    pub fn suite(&self) -> u16 {
        self.state.suite.common.suite.0
    }

    /// Records sent and received under the current keys (for `renegotiation_period`).
    pub fn record_counts(&self) -> (u64, u64) {
        (self.write_seq, self.read_seq)
    }

    /// True while a renegotiation is in progress.
    pub fn handshaking(&self) -> bool {
        !matches!(self.hs, Handshake::Idle | Handshake::HelloRequested { .. })
    }

    /// The peer's ChangeCipherSpec arrived, its Finished not yet: nothing else may come.
    fn between_ccs_and_finished(&self) -> bool {
        match &self.hs {
            Handshake::SrvAbbreviated { ccs, .. }
            | Handshake::CliAbbreviated { ccs, .. }
            | Handshake::CliFullFinish { ccs, .. } => *ccs,
            Handshake::SrvFull(full) => full.stage == FullServerStage::Finished,
            _ => false,
        }
    }

    pub fn hello_requested(&self) -> bool {
        matches!(self.hs, Handshake::HelloRequested { .. })
    }

    // --- record layer

    fn seal(&mut self, typ: u8, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        for chunk in payload.chunks(MAX_FRAGMENT).chain(payload.is_empty().then_some(&[][..])) {
            let len = self.write.encrypted_payload_len(chunk.len());
            let start = out.len();
            out.extend_from_slice(&[typ, 3, 3, 0, 0]);
            out.resize(start + 5 + len, 0);
            let msg = EncodedMessage::new(ContentType(typ), ProtocolVersion(0x0303), OutboundPlain::from(chunk));
            let written = self
                .write
                .encrypt(msg, self.write_seq, &mut out[start + 5..])
                .map_err(|e| {
                    log::error!("record encryption failed: {e}");
                    Error::SslInternalError
                })?
                .payload
                .len();
            out.truncate(start + 5 + written);
            out[start + 3..start + 5].copy_from_slice(&(written as u16).to_be_bytes());
            self.write_seq += 1;
        }
        Ok(())
    }

    /// Application data.
    pub fn write_app(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        self.seal(CT_APPDATA, data, out)
    }

    pub fn send_close_notify(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.send_alert(ALERT_WARNING, ALERT_CLOSE_NOTIFY, out)
    }

    fn send_alert(&mut self, level: u8, description: u8, out: &mut Vec<u8>) -> Result<()> {
        self.seal(CT_ALERT, &[level, description], out)
    }

    /// Sends a fatal alert, abandons any renegotiation and returns `err` (for the caller to
    /// end the connection with).
    pub fn fatal_alert(&mut self, description: u8, err: Error, out: &mut Vec<u8>) -> Error {
        self.fatal(description, err, out)
    }

    fn fatal(&mut self, description: u8, err: Error, out: &mut Vec<u8>) -> Error {
        let _ = self.send_alert(ALERT_FATAL, description, out);
        self.hs = Handshake::Idle;
        err
    }

    /// Processes one whole record (header included).
    pub fn process_record(
        &mut self,
        record: &mut [u8],
        policy: &Policy,
        out: &mut Vec<u8>,
        plain: &mut Vec<u8>,
    ) -> Result<Outcome> {
        if record.len() < 5 {
            return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslInvalidRecord, out));
        }
        let (header, payload) = record.split_at_mut(5);
        let typ = header[0];
        if !matches!(typ, CT_CCS | CT_ALERT | CT_HANDSHAKE | CT_APPDATA) {
            return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslInvalidRecord, out));
        }
        let msg = EncodedMessage::new(
            ContentType(typ),
            ProtocolVersion(u16::from_be_bytes([header[1], header[2]])),
            InboundOpaque(payload),
        );
        let decrypted = match self.read.decrypt(msg, self.read_seq) {
            Ok(m) => m.payload,
            Err(rustls::Error::PeerSentOversizedRecord) => {
                return Err(self.fatal(ALERT_RECORD_OVERFLOW, Error::SslInvalidRecord, out));
            }
            Err(_) => return Err(self.fatal(ALERT_BAD_RECORD_MAC, Error::SslInvalidMac, out)),
        };
        self.read_seq += 1;
        let mut outcome = Outcome::default();
        match typ {
            CT_APPDATA if self.between_ccs_and_finished() => {
                log::error!("application data between ChangeCipherSpec and Finished");
                return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
            }
            CT_APPDATA => {
                // Application data may come before the peer answers our request, within the
                // configured grace (`mbedtls_ssl_conf_renegotiation_enforced`).
                if let Handshake::HelloRequested { records } | Handshake::CliWaitServerHello { records, .. } =
                    &mut self.hs
                {
                    *records += 1;
                    if u32::try_from(policy.enforced).is_ok_and(|max| *records > max) {
                        log::error!("renegotiation requested, but not honored by the peer");
                        return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
                    }
                }
                plain.extend_from_slice(decrypted);
            }
            CT_ALERT => {
                if decrypted.len() != 2 {
                    return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
                }
                self.received_alert = Some((decrypted[0], decrypted[1]));
                match (decrypted[0], decrypted[1]) {
                    (_, ALERT_CLOSE_NOTIFY) => outcome.peer_closed = true,
                    (ALERT_WARNING, ALERT_NO_RENEGOTIATION) => {
                        log::debug!("peer refused to renegotiate (no_renegotiation)");
                        if matches!(self.hs, Handshake::CliWaitServerHello { .. }) {
                            self.hs = Handshake::Idle;
                            outcome.refused = true;
                        }
                    }
                    (ALERT_WARNING, _) => {}
                    (level, _) if level != ALERT_FATAL => {
                        return Err(self.fatal(ALERT_ILLEGAL_PARAMETER, Error::SslIllegalParameter, out));
                    }
                    (_, d) => {
                        log::error!("peer sent fatal alert {d}");
                        self.hs = Handshake::Idle;
                        return Err(Error::SslFatalAlertMessage);
                    }
                }
            }
            CT_CCS => self.on_ccs(decrypted, out)?,
            _ => {
                self.hs_in.extend_from_slice(decrypted);
                while self.hs_in.len() >= 4 {
                    let len = u24(&self.hs_in[1..4]);
                    if len > 65536 {
                        return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
                    }
                    if self.hs_in.len() < 4 + len {
                        break;
                    }
                    let message: Vec<u8> = self.hs_in.drain(..4 + len).collect();
                    if let Some(done) = self.on_handshake(&message, policy, out)? {
                        outcome.renegotiated = Some(done);
                    }
                }
            }
        }
        Ok(outcome)
    }

    fn on_ccs(&mut self, payload: &[u8], out: &mut Vec<u8>) -> Result<()> {
        if payload != [1] {
            return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
        }
        if !self.hs_in.is_empty() {
            log::error!("ChangeCipherSpec inside a fragmented handshake message");
            return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
        }
        let keys = match &mut self.hs {
            Handshake::SrvAbbreviated { keys, ccs, .. }
            | Handshake::CliAbbreviated { keys, ccs, .. }
            | Handshake::CliFullFinish { keys, ccs, .. }
                if !*ccs =>
            {
                *ccs = true;
                keys
            }
            Handshake::SrvFull(full) if full.stage == FullServerStage::ChangeCipherSpec => {
                full.stage = FullServerStage::Finished;
                match full.keys.as_mut() {
                    Some(keys) => keys,
                    None => return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out)),
                }
            }
            _ => return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out)),
        };
        let Some(read) = keys.read.take() else {
            return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
        };
        self.read = read;
        self.read_seq = 0;
        Ok(())
    }

    // --- key derivation

    fn prf(suite: &Tls12CipherSuite, master: &[u8; 48], label: &[u8], seed: &[u8], out: &mut [u8]) {
        suite.prf_provider.new_secret(master).prf(out, label, seed);
    }

    fn verify_data(suite: &Tls12CipherSuite, master: &[u8; 48], label: &[u8], transcript: &[u8]) -> Vec<u8> {
        let hash = suite.common.hash_provider.hash(transcript);
        let mut vd = vec![0u8; 12];
        Self::prf(suite, master, label, hash.as_ref(), &mut vd);
        vd
    }

    /// New record protection from the master secret of `state` and fresh randoms ("key
    /// expansion").
    fn derive(
        role: Endpoint,
        state: Established,
        client_random: &[u8; 32],
        server_random: &[u8; 32],
    ) -> Result<Box<NewKeys>> {
        let (suite, master) = (state.suite, state.master);
        let shape = suite.aead_alg.key_block_shape();
        let mut block = vec![0u8; (shape.enc_key_len + shape.fixed_iv_len) * 2 + shape.explicit_nonce_len];
        let mut seed = server_random.to_vec();
        seed.extend_from_slice(client_random);
        Self::prf(suite, &master, b"key expansion", &seed, &mut block);
        let (ck, rest) = block.split_at(shape.enc_key_len);
        let (sk, rest) = rest.split_at(shape.enc_key_len);
        let (civ, rest) = rest.split_at(shape.fixed_iv_len);
        let (siv, extra) = rest.split_at(shape.fixed_iv_len);
        let (wk, wiv, rk, riv) = match role {
            Endpoint::Server => (sk, siv, ck, civ),
            Endpoint::Client => (ck, civ, sk, siv),
        };
        Ok(Box::new(NewKeys {
            read: Some(suite.aead_alg.decrypter(aead_key(rk)?, riv)),
            write: Some(suite.aead_alg.encrypter(aead_key(wk)?, wiv, extra)),
            state,
        }))
    }

    /// Sends ChangeCipherSpec under the current keys and switches our writing to the new ones.
    fn send_ccs(&mut self, keys: &mut NewKeys, out: &mut Vec<u8>) -> Result<()> {
        self.seal(CT_CCS, &[1], out)?;
        self.write = keys.write.take().ok_or(Error::SslInternalError)?;
        self.write_seq = 0;
        Ok(())
    }

    /// A completed handshake becomes the connection's state.
    fn adopt(&mut self, state: Established, abbreviated: bool) -> bool {
        self.state = state;
        self.hs = Handshake::Idle;
        if abbreviated {
            self.abbreviated_renegotiations += 1;
        } else {
            self.full_renegotiations += 1;
        }
        log::debug!("<= renegotiate ({})", if abbreviated { "abbreviated, session resumed" } else { "full" });
        abbreviated
    }

    fn our_renegotiation_info(&self) -> Vec<u8> {
        let mut ri = self.state.client_vd.clone();
        if self.role == Endpoint::Server {
            ri.extend_from_slice(&self.state.server_vd);
        }
        ri
    }

    // --- handshake messages

    fn on_handshake(&mut self, message: &[u8], policy: &Policy, out: &mut Vec<u8>) -> Result<Option<bool>> {
        let typ = message[0];
        match (self.role, typ) {
            (Endpoint::Server, HS_CLIENT_HELLO) if !self.handshaking() => {
                self.server_client_hello(message, policy, out).map(|_| None)
            }
            (Endpoint::Client, HS_HELLO_REQUEST) if message.len() != 4 => {
                Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out))
            }
            (Endpoint::Client, HS_HELLO_REQUEST) => {
                if self.handshaking() {
                    return Ok(None); // ignored while renegotiating (RFC 5246 7.4.1.1)
                }
                if !policy.enabled || !self.peer_secure {
                    log::debug!("refusing the server's renegotiation request");
                    self.send_alert(ALERT_WARNING, ALERT_NO_RENEGOTIATION, out)?;
                    return Ok(None);
                }
                // Offering the current session is ours (Mbed TLS never does), on request.
                self.start_client(policy.resumption, policy, out).map(|_| None)
            }
            _ => match std::mem::replace(&mut self.hs, Handshake::Idle) {
                Handshake::SrvAbbreviated { mut transcript, mut keys, ccs } if ccs && typ == HS_FINISHED => {
                    let expected =
                        Self::verify_data(keys.state.suite, &keys.state.master, b"client finished", &transcript);
                    if message[4..] != expected[..] {
                        return Err(self.fatal(ALERT_DECRYPT_ERROR, Error::SslHandshakeFailure, out));
                    }
                    transcript.extend_from_slice(message);
                    keys.state.client_vd = expected;
                    Ok(Some(self.adopt(keys.state, true)))
                }
                Handshake::SrvFull(full) => self.server_full_step(full, message, policy, out),
                Handshake::CliWaitServerHello { transcript, client_random, offered_session, .. }
                    if typ == HS_SERVER_HELLO =>
                {
                    self.client_server_hello(transcript, client_random, offered_session, message, policy, out)
                        .map(|_| None)
                }
                Handshake::CliAbbreviated { mut transcript, mut keys, ccs } if ccs && typ == HS_FINISHED => {
                    let expected =
                        Self::verify_data(keys.state.suite, &keys.state.master, b"server finished", &transcript);
                    if message[4..] != expected[..] {
                        return Err(self.fatal(ALERT_DECRYPT_ERROR, Error::SslHandshakeFailure, out));
                    }
                    transcript.extend_from_slice(message);
                    keys.state.server_vd = expected;
                    let fin = Self::verify_data(keys.state.suite, &keys.state.master, b"client finished", &transcript);
                    self.send_ccs(&mut keys, out)?;
                    self.seal(CT_HANDSHAKE, &handshake_message(HS_FINISHED, &fin), out)?;
                    keys.state.client_vd = fin;
                    Ok(Some(self.adopt(keys.state, true)))
                }
                Handshake::CliFull(full) => self.client_full_step(full, message, policy, out),
                Handshake::CliFullFinish { transcript, mut keys, ccs } if ccs && typ == HS_FINISHED => {
                    let expected =
                        Self::verify_data(keys.state.suite, &keys.state.master, b"server finished", &transcript);
                    if message[4..] != expected[..] {
                        return Err(self.fatal(ALERT_DECRYPT_ERROR, Error::SslHandshakeFailure, out));
                    }
                    keys.state.server_vd = expected;
                    Ok(Some(self.adopt(keys.state, false)))
                }
                Handshake::HelloRequested { .. } if typ == HS_CLIENT_HELLO => {
                    self.server_client_hello(message, policy, out).map(|_| None)
                }
                other => {
                    self.hs = other;
                    log::error!("unexpected handshake message {typ} after the handshake");
                    Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out))
                }
            },
        }
    }

    /// Server: a ClientHello inside the established connection.
    fn server_client_hello(&mut self, message: &[u8], policy: &Policy, out: &mut Vec<u8>) -> Result<()> {
        let hello = match parse_client_hello(&message[4..]) {
            Ok(h) => h,
            Err(e) => return Err(self.fatal(ALERT_DECODE_ERROR, e, out)),
        };
        if !policy.enabled || !self.peer_secure {
            log::debug!(
                "refusing renegotiation ({})",
                if policy.enabled { "peer lacks RFC 5746" } else { "renegotiation disabled" }
            );
            self.hs = Handshake::Idle;
            return self.send_alert(ALERT_WARNING, ALERT_NO_RENEGOTIATION, out);
        }
        // RFC 5746 3.7: no SCSV, and the client's verify data from the previous handshake.
        if hello.scsv || hello.renegotiation_info.as_deref() != Some(&self.state.client_vd[..]) {
            log::error!("renegotiation ClientHello without the right renegotiation_info");
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        }
        // The connection stays TLS 1.2 (IEC 62351-3: a version change is an alarm).
        if hello.version < TLS1_2 {
            log::error!("renegotiation ClientHello for version {:#06x}", hello.version);
            return Err(self.fatal(ALERT_PROTOCOL_VERSION, Error::SslBadProtocolVersion, out));
        }
        log::debug!("=> renegotiate (client hello, session id {} bytes)", hello.session_id.len());
        let resumable = policy.resumption
            && !hello.session_id.is_empty()
            && hello.session_id == self.state.session_id
            && hello.suites.contains(&self.state.suite.common.suite.0)
            && hello.ems == self.state.ems;
        if resumable {
            self.server_abbreviated(message, hello, out)
        } else {
            self.server_full_start(message, hello, policy, out)
        }
    }

    fn server_hello_message(&self, server_random: &[u8; 32], session_id: &[u8], suite: u16, hello: &Hello) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(server_random);
        put_vec8(&mut body, session_id);
        body.extend_from_slice(&suite.to_be_bytes());
        body.push(0);
        let mut exts = Vec::new();
        let mut ri = Vec::new();
        put_vec8(&mut ri, &self.our_renegotiation_info());
        put_ext(&mut exts, EXT_RENEGOTIATION_INFO, &ri);
        if hello.ems {
            put_ext(&mut exts, EXT_EMS, &[]);
        }
        // RFC 8422 5.2: only in answer to the client's, and only for ECC suites (all of ours).
        if hello.point_formats {
            put_ext(&mut exts, EXT_POINT_FORMATS, &[1, 0]);
        }
        put_vec16(&mut body, &exts);
        handshake_message(HS_SERVER_HELLO, &body)
    }

    /// Server: the abbreviated handshake resuming the current session with fresh randoms.
    fn server_abbreviated(&mut self, client_hello: &[u8], hello: Hello, out: &mut Vec<u8>) -> Result<()> {
        let server_random = random32()?;
        let sh = self.server_hello_message(
            &server_random,
            &self.state.session_id.clone(),
            self.state.suite.common.suite.0,
            &hello,
        );
        let mut transcript = client_hello.to_vec();
        transcript.extend_from_slice(&sh);
        let mut keys = Self::derive(Endpoint::Server, self.state.resumed(), &hello.random, &server_random)?;
        self.seal(CT_HANDSHAKE, &sh, out)?;
        let fin = Self::verify_data(keys.state.suite, &keys.state.master, b"server finished", &transcript);
        self.send_ccs(&mut keys, out)?;
        let fin_msg = handshake_message(HS_FINISHED, &fin);
        self.seal(CT_HANDSHAKE, &fin_msg, out)?;
        transcript.extend_from_slice(&fin_msg);
        keys.state.server_vd = fin;
        self.hs = Handshake::SrvAbbreviated { transcript, keys, ccs: false };
        Ok(())
    }

    /// Server: the first flight of a full handshake.
    fn server_full_start(
        &mut self,
        client_hello: &[u8],
        hello: Hello,
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let offered: Vec<SignatureScheme> = hello.sig_schemes.iter().map(|&s| SignatureScheme(s)).collect();
        // As rustls chooses in the initial handshake: the client's most preferred suite that we
        // support and have a certificate for, then the client's most preferred group.
        let mut choice = None;
        for id in &hello.suites {
            let Some(suite) = policy.provider.tls12_cipher_suites.iter().find(|s| s.common.suite.0 == *id) else {
                continue;
            };
            let schemes: Vec<SignatureScheme> = offered.iter().copied().filter(|s| scheme_fits(suite, *s)).collect();
            if let Some(cred) = policy.own_certs.signer(&schemes) {
                choice = Some((*suite, cred));
                break;
            }
        }
        let Some((suite, credential)) = choice else {
            log::error!("no cipher suite / certificate in common for the renegotiation");
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        };
        // (A client that names no groups supports secp256r1, RFC 8422 4.)
        let offered_groups: &[u16] = if hello.groups.is_empty() { &[0x0017] } else { &hello.groups };
        let group = offered_groups
            .iter()
            .filter(|g| TLS12_GROUPS.contains(g))
            .find_map(|g| policy.provider.kx_groups.iter().find(|k| k.name().0 == *g));
        let Some(group) = group else {
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        };
        let kx = match group.start() {
            Ok(k) => k.into_single(),
            Err(_) => return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslInternalError, out)),
        };
        let server_random = random32()?;
        let session_id = random32()?.to_vec();
        let sh = self.server_hello_message(&server_random, &session_id, suite.common.suite.0, &hello);
        let Identity::X509(identity) = &*credential.identity else {
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslInternalError, out));
        };
        let mut chain = vec![identity.end_entity.clone()];
        chain.extend(identity.intermediates.iter().cloned());
        let cert = certificate_message(&chain);
        // ServerKeyExchange: named curve, our public key, signed with the randoms.
        let mut params = vec![3];
        params.extend_from_slice(&group.name().0.to_be_bytes());
        put_vec8(&mut params, kx.pub_key());
        let mut signed = hello.random.to_vec();
        signed.extend_from_slice(&server_random);
        signed.extend_from_slice(&params);
        let scheme = credential.signer.scheme();
        let signature = match credential.signer.sign(&signed) {
            Ok(s) => s,
            Err(_) => return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslInternalError, out)),
        };
        let mut ske = params;
        ske.extend_from_slice(&scheme.0.to_be_bytes());
        put_vec16(&mut ske, &signature);
        let ske = handshake_message(HS_SERVER_KEY_EXCHANGE, &ske);
        let wants_cert = policy.authmode != AuthMode::None;
        let mut flight = sh.clone();
        flight.extend_from_slice(&cert);
        flight.extend_from_slice(&ske);
        if wants_cert {
            let mut body = vec![2, 1, 64]; // rsa_sign, ecdsa_sign
            let schemes: Vec<u8> = rustls_aws_lc_rs::SUPPORTED_SIG_ALGS
                .supported_schemes()
                .iter()
                .flat_map(|s| s.0.to_be_bytes())
                .collect();
            put_vec16(&mut body, &schemes);
            let mut names = Vec::new();
            for subject in policy.roots.as_ref().map(|r| r.subjects()).unwrap_or_default() {
                put_vec16(&mut names, subject.as_ref());
            }
            put_vec16(&mut body, &names);
            flight.extend_from_slice(&handshake_message(HS_CERTIFICATE_REQUEST, &body));
        }
        flight.extend_from_slice(&handshake_message(HS_SERVER_HELLO_DONE, &[]));
        self.seal(CT_HANDSHAKE, &flight, out)?;
        let mut transcript = client_hello.to_vec();
        transcript.extend_from_slice(&flight);
        self.hs = Handshake::SrvFull(Box::new(FullServer {
            common: FullHandshake {
                transcript,
                suite,
                client_random: hello.random,
                server_random,
                session_id,
                ems: hello.ems,
            },
            kx: Some(kx),
            client_chain: None,
            keys: None,
            stage: if wants_cert { FullServerStage::Certificate } else { FullServerStage::KeyExchange },
        }));
        Ok(())
    }

    /// Server: the client's flight of a full handshake, one message at a time.
    fn server_full_step(
        &mut self,
        mut full: Box<FullServer>,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<Option<bool>> {
        let typ = message[0];
        match (full.stage, typ) {
            (FullServerStage::Certificate, HS_CERTIFICATE) => {
                let chain = match parse_certificates(&message[4..]) {
                    Ok(c) => c,
                    Err(e) => return Err(self.fatal(ALERT_DECODE_ERROR, e, out)),
                };
                let flags = match chain.split_first() {
                    Some((ee, rest)) => {
                        verify::client_certificate_flags(ee, rest, policy.roots.as_deref(), UnixTime::now())
                    }
                    None => badcert::MISSING,
                };
                self.verify_result = Some(if policy.authmode == AuthMode::Optional && chain.is_empty() {
                    badcert::MISSING
                } else {
                    flags
                });
                if policy.authmode == AuthMode::Required && (chain.is_empty() || flags != 0) {
                    log::error!("client certificate refused in renegotiation (flags {flags:#x})");
                    let err =
                        if chain.is_empty() { Error::SslNoClientCertificate } else { Error::X509CertVerifyFailed };
                    return Err(self.fatal(ALERT_BAD_CERTIFICATE, err, out));
                }
                full.common.transcript.extend_from_slice(message);
                full.client_chain = (!chain.is_empty()).then_some(chain);
                full.stage = FullServerStage::KeyExchange;
            }
            (FullServerStage::KeyExchange, HS_CLIENT_KEY_EXCHANGE) => {
                let mut rd = hs_reader(&message[4..]);
                let Ok(peer) = rd.vec8() else {
                    return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
                };
                full.common.transcript.extend_from_slice(message);
                let kx = full.kx.take().ok_or(Error::SslInternalError)?;
                let Some(state) = full.common.new_session(kx, peer) else {
                    return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
                };
                full.keys = Some(full.common.keys(Endpoint::Server, state)?);
                full.stage = if full.client_chain.is_some() {
                    FullServerStage::CertificateVerify
                } else {
                    FullServerStage::ChangeCipherSpec
                };
            }
            (FullServerStage::CertificateVerify, HS_CERTIFICATE_VERIFY) => {
                let mut rd = hs_reader(&message[4..]);
                let (Ok(scheme), Ok(sig)) = (rd.u16(), rd.vec16()) else {
                    return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
                };
                let ok = full
                    .client_chain
                    .as_ref()
                    .and_then(|c| c.first())
                    .is_some_and(|cert| verify_signature(cert, scheme, &full.common.transcript, sig));
                if !ok {
                    return Err(self.fatal(ALERT_DECRYPT_ERROR, Error::SslHandshakeFailure, out));
                }
                full.common.transcript.extend_from_slice(message);
                full.stage = FullServerStage::ChangeCipherSpec;
            }
            (FullServerStage::Finished, HS_FINISHED) => {
                let mut keys = full.keys.take().ok_or(Error::SslInternalError)?;
                let expected = Self::verify_data(
                    keys.state.suite,
                    &keys.state.master,
                    b"client finished",
                    &full.common.transcript,
                );
                if message[4..] != expected[..] {
                    return Err(self.fatal(ALERT_DECRYPT_ERROR, Error::SslHandshakeFailure, out));
                }
                full.common.transcript.extend_from_slice(message);
                let fin = Self::verify_data(
                    keys.state.suite,
                    &keys.state.master,
                    b"server finished",
                    &full.common.transcript,
                );
                self.send_ccs(&mut keys, out)?;
                self.seal(CT_HANDSHAKE, &handshake_message(HS_FINISHED, &fin), out)?;
                keys.state.client_vd = expected;
                keys.state.server_vd = fin;
                self.peer_chain = full.client_chain.take();
                return Ok(Some(self.adopt(keys.state, false)));
            }
            _ => {
                log::error!("unexpected handshake message {typ} in a full renegotiation");
                return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
            }
        }
        self.hs = Handshake::SrvFull(full);
        Ok(None)
    }

    // --- starting a renegotiation

    /// Server: asks the client to renegotiate (HelloRequest).
    pub fn send_hello_request(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if self.handshaking() {
            return Ok(());
        }
        log::debug!("=> renegotiate (sending HelloRequest)");
        self.seal(CT_HANDSHAKE, &handshake_message(HS_HELLO_REQUEST, &[]), out)?;
        self.hs = Handshake::HelloRequested { records: 0 };
        Ok(())
    }

    /// Client: sends a renegotiation ClientHello; `abbreviated` offers the current session.
    pub fn start_client(&mut self, abbreviated: bool, policy: &Policy, out: &mut Vec<u8>) -> Result<()> {
        if self.handshaking() {
            return Ok(());
        }
        log::debug!("=> renegotiate ({})", if abbreviated { "offering the current session" } else { "full" });
        let client_random = random32()?;
        let mut body = vec![3, 3];
        body.extend_from_slice(&client_random);
        put_vec8(&mut body, if abbreviated { &self.state.session_id } else { &[] });
        // The current suite first (a server resuming the session needs it), then the others
        // of the configuration.
        let current = self.state.suite.common.suite.0;
        let suites: Vec<u8> = [current]
            .into_iter()
            .chain(policy.provider.tls12_cipher_suites.iter().map(|s| s.common.suite.0).filter(|&s| s != current))
            .flat_map(|s| s.to_be_bytes())
            .collect();
        put_vec16(&mut body, &suites);
        put_vec8(&mut body, &[0]);
        let mut exts = Vec::new();
        let mut ri = Vec::new();
        put_vec8(&mut ri, &self.state.client_vd);
        put_ext(&mut exts, EXT_RENEGOTIATION_INFO, &ri);
        put_ext(&mut exts, EXT_EMS, &[]);
        let schemes: Vec<u8> =
            rustls_aws_lc_rs::SUPPORTED_SIG_ALGS.supported_schemes().iter().flat_map(|s| s.0.to_be_bytes()).collect();
        let mut sa = Vec::new();
        put_vec16(&mut sa, &schemes);
        put_ext(&mut exts, EXT_SIG_ALGS, &sa);
        let ids: Vec<u8> = policy
            .provider
            .kx_groups
            .iter()
            .map(|g| g.name().0)
            .filter(|&g| TLS12_GROUPS.contains(&g))
            .flat_map(|g| g.to_be_bytes())
            .collect();
        let mut groups = Vec::new();
        put_vec16(&mut groups, &ids);
        put_ext(&mut exts, EXT_GROUPS, &groups);
        put_ext(&mut exts, EXT_POINT_FORMATS, &[1, 0]);
        put_vec16(&mut body, &exts);
        let ch = handshake_message(HS_CLIENT_HELLO, &body);
        self.seal(CT_HANDSHAKE, &ch, out)?;
        self.hs =
            Handshake::CliWaitServerHello { transcript: ch, client_random, offered_session: abbreviated, records: 0 };
        Ok(())
    }

    /// Client: the server's ServerHello decides abbreviated or full.
    fn client_server_hello(
        &mut self,
        mut transcript: Vec<u8>,
        client_random: [u8; 32],
        offered_session: bool,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let sh = match parse_server_hello(&message[4..]) {
            Ok(s) => s,
            Err(e) => return Err(self.fatal(ALERT_DECODE_ERROR, e, out)),
        };
        if sh.version != TLS1_2 || sh.tls13 {
            log::error!("renegotiation ServerHello for version {:#06x}", sh.version);
            return Err(self.fatal(ALERT_PROTOCOL_VERSION, Error::SslBadProtocolVersion, out));
        }
        let mut expected_ri = self.state.client_vd.clone();
        expected_ri.extend_from_slice(&self.state.server_vd);
        if sh.renegotiation_info.as_deref() != Some(&expected_ri[..]) {
            log::error!("renegotiation ServerHello without the right renegotiation_info");
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        }
        let Some(suite) = policy.provider.tls12_cipher_suites.iter().find(|s| s.common.suite.0 == sh.suite) else {
            log::error!("the server chose cipher suite {:#06x}, which we did not offer", sh.suite);
            return Err(self.fatal(ALERT_ILLEGAL_PARAMETER, Error::SslHandshakeFailure, out));
        };
        let suite = *suite;
        transcript.extend_from_slice(message);
        let resumed = offered_session && !sh.session_id.is_empty() && sh.session_id == self.state.session_id;
        if resumed && (sh.suite != self.state.suite.common.suite.0 || sh.ems != self.state.ems) {
            // RFC 5246 7.4.1.3 and RFC 7627 5.3: a resumed session keeps its suite and its
            // extended-master-secret property.
            log::error!("the server resumed the session with another suite or master secret kind");
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        }
        if resumed {
            let keys = Self::derive(Endpoint::Client, self.state.resumed(), &client_random, &sh.random)?;
            self.hs = Handshake::CliAbbreviated { transcript, keys, ccs: false };
        } else {
            self.hs = Handshake::CliFull(Box::new(FullClient {
                common: FullHandshake {
                    transcript,
                    suite,
                    client_random,
                    server_random: sh.random,
                    session_id: sh.session_id,
                    ems: sh.ems,
                },
                server_chain: Vec::new(),
                kx_params: None,
                cert_request: None,
                last: HS_SERVER_HELLO,
            }));
        }
        Ok(())
    }

    /// Client: the server's flight of a full handshake.
    fn client_full_step(
        &mut self,
        mut full: Box<FullClient>,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<Option<bool>> {
        let typ = message[0];
        // ServerHello, Certificate, ServerKeyExchange, [CertificateRequest], ServerHelloDone:
        // each once, in this order (ECDHE suites with certificates: nothing is optional but
        // the request).
        let in_order = matches!(
            (full.last, typ),
            (HS_SERVER_HELLO, HS_CERTIFICATE)
                | (HS_CERTIFICATE, HS_SERVER_KEY_EXCHANGE)
                | (HS_SERVER_KEY_EXCHANGE, HS_CERTIFICATE_REQUEST | HS_SERVER_HELLO_DONE)
                | (HS_CERTIFICATE_REQUEST, HS_SERVER_HELLO_DONE)
        );
        if !in_order {
            log::error!("handshake message {typ} out of order in the server's flight");
            return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
        }
        full.last = typ;
        match typ {
            HS_CERTIFICATE => {
                full.server_chain = match parse_certificates(&message[4..]) {
                    Ok(c) => c,
                    Err(e) => return Err(self.fatal(ALERT_DECODE_ERROR, e, out)),
                };
                let flags = if policy.authmode == AuthMode::None {
                    badcert::SKIP_VERIFY
                } else {
                    match full.server_chain.split_first() {
                        Some((ee, rest)) => verify::server_certificate_flags(
                            ee,
                            rest,
                            policy.roots.as_deref(),
                            policy.server_name.as_ref(),
                            UnixTime::now(),
                        ),
                        None => badcert::MISSING,
                    }
                };
                // The server's certificate must not change in a renegotiation (as Mbed TLS;
                // the "triple handshake" attacks rely on such a change).
                if let (Some(old), Some(new)) = (&policy.peer_cert, full.server_chain.first()) {
                    if old != new {
                        log::error!("the server presented a different certificate in the renegotiation");
                        return Err(self.fatal(ALERT_BAD_CERTIFICATE, Error::SslBadCertificate, out));
                    }
                }
                self.verify_result = Some(flags);
                if policy.authmode == AuthMode::Required && flags != 0 {
                    log::error!("server certificate refused in renegotiation (flags {flags:#x})");
                    return Err(self.fatal(ALERT_BAD_CERTIFICATE, Error::X509CertVerifyFailed, out));
                }
            }
            HS_SERVER_KEY_EXCHANGE => {
                let mut rd = hs_reader(&message[4..]);
                type KeyExchangeFields = (u16, Vec<u8>, usize, u16, Vec<u8>);
                let parsed = (|| -> Result<KeyExchangeFields> {
                    if rd.u8()? != 3 {
                        return Err(Error::SslDecodeError);
                    }
                    let group = rd.u16()?;
                    let public = rd.vec8()?.to_vec();
                    let params_len = 1 + 2 + 1 + public.len();
                    let scheme = rd.u16()?;
                    let sig = rd.vec16()?.to_vec();
                    Ok((group, public, params_len, scheme, sig))
                })();
                let Ok((group, public, params_len, scheme, sig)) = parsed else {
                    return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
                };
                let mut signed = full.common.client_random.to_vec();
                signed.extend_from_slice(&full.common.server_random);
                signed.extend_from_slice(&message[4..4 + params_len]);
                let ok = full.server_chain.first().is_some_and(|c| verify_signature(c, scheme, &signed, &sig));
                if !ok {
                    return Err(self.fatal(ALERT_DECRYPT_ERROR, Error::SslHandshakeFailure, out));
                }
                full.kx_params = Some((group, public));
            }
            HS_CERTIFICATE_REQUEST => {
                let mut rd = hs_reader(&message[4..]);
                let parsed = rd.vec8().and_then(|_types| rd.u16_list()).and_then(|schemes| rd.vec16().map(|_| schemes));
                let Ok(schemes) = parsed else {
                    return Err(self.fatal(ALERT_DECODE_ERROR, Error::SslDecodeError, out));
                };
                full.cert_request = Some(schemes.into_iter().map(SignatureScheme).collect());
            }
            HS_SERVER_HELLO_DONE => {
                full.common.transcript.extend_from_slice(message);
                return self.client_full_finish(full, policy, out).map(|_| None);
            }
            _ => return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out)),
        }
        full.common.transcript.extend_from_slice(message);
        self.hs = Handshake::CliFull(full);
        Ok(None)
    }

    /// Client: our flight of a full handshake (Certificate, ClientKeyExchange,
    /// CertificateVerify, ChangeCipherSpec, Finished).
    fn client_full_finish(&mut self, mut full: Box<FullClient>, policy: &Policy, out: &mut Vec<u8>) -> Result<()> {
        let Some((group, server_public)) = full.kx_params.take() else {
            return Err(self.fatal(ALERT_UNEXPECTED_MESSAGE, Error::SslUnexpectedMessage, out));
        };
        let Some(kx_group) = policy.provider.kx_groups.iter().find(|k| k.name().0 == group) else {
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        };
        let kx = match kx_group.start() {
            Ok(k) => k.into_single(),
            Err(_) => return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslInternalError, out)),
        };
        let mut flight = Vec::new();
        let credential = if let Some(schemes) = &full.cert_request {
            // Our certificate if its key can sign with a scheme the server asked for; else an
            // empty Certificate message (the server decides whether that is acceptable).
            let cred = policy.own_certs.signer(schemes);
            let chain = match cred.as_ref().map(|c| &*c.identity) {
                Some(Identity::X509(id)) => {
                    let mut chain = vec![id.end_entity.clone()];
                    chain.extend(id.intermediates.iter().cloned());
                    chain
                }
                _ => Vec::new(),
            };
            let msg = certificate_message(&chain);
            full.common.transcript.extend_from_slice(&msg);
            flight.extend_from_slice(&msg);
            cred
        } else {
            None
        };
        let mut cke = Vec::new();
        put_vec8(&mut cke, kx.pub_key());
        let cke = handshake_message(HS_CLIENT_KEY_EXCHANGE, &cke);
        full.common.transcript.extend_from_slice(&cke);
        flight.extend_from_slice(&cke);
        let Some(state) = full.common.new_session(kx, &server_public) else {
            return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslHandshakeFailure, out));
        };
        if let Some(cred) = credential {
            let scheme = cred.signer.scheme();
            let sig = match cred.signer.sign(&full.common.transcript) {
                Ok(s) => s,
                Err(_) => return Err(self.fatal(ALERT_HANDSHAKE_FAILURE, Error::SslInternalError, out)),
            };
            let mut body = scheme.0.to_be_bytes().to_vec();
            put_vec16(&mut body, &sig);
            let cv = handshake_message(HS_CERTIFICATE_VERIFY, &body);
            full.common.transcript.extend_from_slice(&cv);
            flight.extend_from_slice(&cv);
        }
        self.seal(CT_HANDSHAKE, &flight, out)?;
        let mut keys = full.common.keys(Endpoint::Client, state)?;
        let fin = Self::verify_data(keys.state.suite, &keys.state.master, b"client finished", &full.common.transcript);
        self.send_ccs(&mut keys, out)?;
        let fin_msg = handshake_message(HS_FINISHED, &fin);
        self.seal(CT_HANDSHAKE, &fin_msg, out)?;
        full.common.transcript.extend_from_slice(&fin_msg);
        keys.state.client_vd = fin;
        self.peer_chain = Some(std::mem::take(&mut full.server_chain));
        self.hs = Handshake::CliFullFinish { transcript: full.common.transcript, keys, ccs: false };
        Ok(())
    }
}

/// Makes an encrypter created for a connection whose sequence number is already `seq` usable.
///
/// aws-lc's TLS AES-GCM sealing key checks that nonces only grow, taking the first one it sees
/// as sequence number 0 (it works out later sequence numbers by XOR with that first nonce).
/// The keys taken over from rustls were already used for sequence numbers below `seq`, so the
/// new key object must see sequence 0 first. That sealing, of an empty record, reuses a nonce
/// rustls used; its output is never sent and is wiped, so nothing about the key leaks.
fn prime_encrypter(write: &mut dyn MessageEncrypter, seq: u64) -> Result<()> {
    if seq == 0 {
        return Ok(());
    }
    let mut scratch = vec![0u8; write.encrypted_payload_len(0)];
    let msg = EncodedMessage::new(ContentType(CT_APPDATA), ProtocolVersion(0x0303), OutboundPlain::from(&[][..]));
    let result = write.encrypt(msg, 0, &mut scratch).map(|_| ());
    zeroize::Zeroize::zeroize(&mut scratch);
    result.map_err(|e| {
        log::error!("cannot set up record protection: {e}");
        Error::SslInternalError
    })
}

/// The captured first protected record of our own direction (`own == true`) or the peer's.
fn first_protected(capture: &HandshakeCapture, own: bool) -> Option<&Vec<u8>> {
    if own { capture.outgoing.first_protected.as_ref() } else { capture.incoming.first_protected.as_ref() }
}

#[cfg(test)]
mod tests {
    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;

    use super::*;
    use crate::config::OwnCert;

    /// A server policy (server certificate, client certificates not asked for).
    fn policy(enabled: bool, resumption: bool) -> Policy {
        policy_with(enabled, resumption, "server-ec", AuthMode::None)
    }

    /// A client policy: the server certificate is checked, a client certificate is available.
    fn client_policy() -> Policy {
        policy_with(true, false, "client", AuthMode::Required)
    }

    fn policy_with(enabled: bool, resumption: bool, own: &str, authmode: AuthMode) -> Policy {
        let dir = crate::test_support::certs_dir();
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(dir.join(format!("{own}.crt"))).unwrap().map(|c| c.unwrap()).collect();
        let key = PrivateKeyDer::from_pem_file(dir.join(format!("{own}.key"))).unwrap();
        let mut roots = RootCertStore::empty();
        roots.add_parsable_certificates(CertificateDer::pem_file_iter(dir.join("ca.crt")).unwrap().map(|c| c.unwrap()));
        Policy {
            enabled,
            resumption,
            enforced: 16,
            provider: Arc::new(rustls_aws_lc_rs::DEFAULT_PROVIDER),
            own_certs: Arc::new(OwnCertResolver::from_certs(vec![Arc::new(OwnCert::new(chain, key).unwrap())])),
            authmode,
            roots: Some(Arc::new(roots)),
            server_name: Some(ServerName::try_from("localhost").unwrap()),
            peer_cert: None,
        }
    }

    fn engines(client_parts: &TestParts, server_parts: &TestParts) -> (Engine, Engine) {
        (
            Engine::from_parts(Endpoint::Client, client_parts).unwrap(),
            Engine::from_parts(Endpoint::Server, server_parts).unwrap(),
        )
    }

    /// Hands every whole record in `wire` to `to`; returns the results in order.
    fn deliver(
        wire: &mut Vec<u8>,
        to: &mut Engine,
        policy: &Policy,
        reply: &mut Vec<u8>,
        plain: &mut Vec<u8>,
    ) -> Vec<Result<Outcome>> {
        let mut results = Vec::new();
        while wire.len() >= 5 {
            let len = 5 + usize::from(u16::from_be_bytes([wire[3], wire[4]]));
            let mut record: Vec<u8> = wire.drain(..len.min(wire.len())).collect();
            results.push(to.process_record(&mut record, policy, reply, plain));
        }
        results
    }

    /// Runs records back and forth until neither side has anything to send.
    fn pump(
        client: &mut Engine,
        server: &mut Engine,
        c_out: &mut Vec<u8>,
        cp: &Policy,
        sp: &Policy,
    ) -> Vec<Result<Outcome>> {
        let mut all = Vec::new();
        let mut plain = Vec::new();
        for _ in 0..10 {
            let mut s_out = Vec::new();
            all.extend(deliver(c_out, server, sp, &mut s_out, &mut plain));
            all.extend(deliver(&mut s_out, client, cp, c_out, &mut plain));
            if c_out.is_empty() {
                break;
            }
        }
        all
    }

    /// The alert (level, description) `wire` carries, read by `reader`.
    fn alert_in(wire: &mut Vec<u8>, reader: &mut Engine, policy: &Policy) -> Option<(u8, u8)> {
        deliver(wire, reader, policy, &mut Vec::new(), &mut Vec::new());
        reader.received_alert
    }

    #[test]
    fn abbreviated_renegotiation_between_two_engines_keeps_the_session() {
        let parts = TestParts::default();
        let (mut client, mut server) = engines(&parts, &parts);
        let (cp, sp) = (client_policy(), policy(true, true));
        let mut c_out = Vec::new();
        client.start_client(true, &cp, &mut c_out).unwrap();
        let results = pump(&mut client, &mut server, &mut c_out, &cp, &sp);
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        assert_eq!((client.abbreviated_renegotiations, server.abbreviated_renegotiations), (1, 1));
        assert_eq!(client.session_id(), &parts.session_id[..]);
        assert_ne!(client.state.client_vd, parts.client_vd.to_vec(), "new verify data");
        // Data flows under the new keys.
        client.write_app(b"after", &mut c_out).unwrap();
        let mut plain = Vec::new();
        let results = deliver(&mut c_out, &mut server, &sp, &mut Vec::new(), &mut plain);
        assert!(results.iter().all(|r| r.is_ok()));
        assert_eq!(plain, b"after");
    }

    #[test]
    fn without_resumption_the_server_answers_with_a_full_handshake() {
        let parts = TestParts::default();
        let (mut client, mut server) = engines(&parts, &parts);
        let (cp, sp) = (client_policy(), policy(true, false));
        let mut c_out = Vec::new();
        client.start_client(true, &cp, &mut c_out).unwrap();
        let results = pump(&mut client, &mut server, &mut c_out, &cp, &sp);
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        assert_eq!((client.full_renegotiations, server.full_renegotiations), (1, 1));
        assert_ne!(client.session_id(), &parts.session_id[..], "a new session");
        assert_eq!(client.session_id(), server.session_id());
        assert_eq!(client.verify_result, Some(0), "the server certificate was checked again");
    }

    #[test]
    fn a_full_renegotiation_checks_the_client_certificate_again() {
        let parts = TestParts::default();
        for (server_authmode, client_cert, expect_ok) in [
            (AuthMode::Required, "client", true),
            (AuthMode::Optional, "client", true),
            // A server certificate lacks the client-authentication key purpose.
            (AuthMode::Required, "server-rsa", false),
        ] {
            let (mut client, mut server) = engines(&parts, &parts);
            let cp = policy_with(true, false, client_cert, AuthMode::Required);
            let sp = policy_with(true, false, "server-ec", server_authmode);
            let mut c_out = Vec::new();
            client.start_client(false, &cp, &mut c_out).unwrap();
            let results = pump(&mut client, &mut server, &mut c_out, &cp, &sp);
            if expect_ok {
                assert!(results.iter().all(|r| r.is_ok()), "{client_cert}: {results:?}");
                assert_eq!(server.verify_result, Some(0));
                assert_eq!(server.peer_chain.as_ref().map(|c| c.len()), Some(1));
            } else {
                assert!(results.contains(&Err(Error::X509CertVerifyFailed)), "{results:?}");
                assert_eq!(server.verify_result, Some(badcert::EXT_KEY_USAGE));
                assert_eq!(server.full_renegotiations, 0);
            }
        }
    }

    #[test]
    fn the_server_certificate_must_not_change_in_a_renegotiation() {
        let parts = TestParts::default();
        let (mut client, mut server) = engines(&parts, &parts);
        let dir = crate::test_support::certs_dir();
        let mut cp = client_policy();
        cp.peer_cert = CertificateDer::pem_file_iter(dir.join("server-rsa.crt")).unwrap().next().map(|c| c.unwrap());
        let sp = policy(true, false);
        let mut c_out = Vec::new();
        client.start_client(false, &cp, &mut c_out).unwrap();
        let results = pump(&mut client, &mut server, &mut c_out, &cp, &sp);
        assert!(results.contains(&Err(Error::SslBadCertificate)), "{results:?}");
        assert_eq!(client.full_renegotiations, 0);
    }

    #[test]
    fn a_wrong_renegotiation_info_gets_a_fatal_handshake_failure() {
        let parts = TestParts::default();
        let liar = TestParts { client_vd: [9; 12], ..parts.clone() };
        let (mut client, mut server) = engines(&liar, &parts);
        let (cp, sp) = (client_policy(), policy(true, true));
        let mut c_out = Vec::new();
        client.start_client(true, &cp, &mut c_out).unwrap();
        let mut s_out = Vec::new();
        let results = deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut Vec::new());
        assert_eq!(results, vec![Err(Error::SslHandshakeFailure)]);
        assert_eq!(alert_in(&mut s_out, &mut client, &cp), Some((ALERT_FATAL, ALERT_HANDSHAKE_FAILURE)));
    }

    /// A renegotiation ClientHello built by hand.
    fn client_hello(renegotiation_info: Option<&[u8]>, scsv: bool) -> Vec<u8> {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[8; 32]);
        put_vec8(&mut body, &[3; 32]);
        let mut suites = vec![0xC0, 0x2B];
        if scsv {
            suites.extend_from_slice(&[0x00, 0xFF]);
        }
        put_vec16(&mut body, &suites);
        put_vec8(&mut body, &[0]);
        let mut exts = Vec::new();
        if let Some(ri) = renegotiation_info {
            let mut b = Vec::new();
            put_vec8(&mut b, ri);
            put_ext(&mut exts, EXT_RENEGOTIATION_INFO, &b);
        }
        put_ext(&mut exts, EXT_EMS, &[]);
        put_vec16(&mut body, &exts);
        handshake_message(HS_CLIENT_HELLO, &body)
    }

    #[test]
    fn malformed_renegotiation_messages_end_the_connection_with_a_fatal_alert() {
        let parts = TestParts::default();
        let sp = policy(true, true);
        let cp = client_policy();
        let (hs_fail, decode, unexpected) = (ALERT_HANDSHAKE_FAILURE, ALERT_DECODE_ERROR, ALERT_UNEXPECTED_MESSAGE);
        let cases: Vec<(&str, u8, Vec<u8>, Error, u8)> = vec![
            (
                "SCSV in a renegotiation",
                CT_HANDSHAKE,
                client_hello(Some(&[4; 12]), true),
                Error::SslHandshakeFailure,
                hs_fail,
            ),
            ("no renegotiation_info", CT_HANDSHAKE, client_hello(None, false), Error::SslHandshakeFailure, hs_fail),
            (
                "truncated ClientHello",
                CT_HANDSHAKE,
                vec![HS_CLIENT_HELLO, 0, 0, 3, 3, 3, 0],
                Error::SslDecodeError,
                decode,
            ),
            (
                "huge handshake length",
                CT_HANDSHAKE,
                vec![HS_CLIENT_HELLO, 0xff, 0xff, 0xff],
                Error::SslDecodeError,
                decode,
            ),
            (
                "HelloRequest to a server",
                CT_HANDSHAKE,
                vec![HS_HELLO_REQUEST, 0, 0, 0],
                Error::SslUnexpectedMessage,
                unexpected,
            ),
            (
                "Finished out of place",
                CT_HANDSHAKE,
                handshake_message(HS_FINISHED, &[0; 12]),
                Error::SslUnexpectedMessage,
                unexpected,
            ),
            ("ChangeCipherSpec out of place", CT_CCS, vec![1], Error::SslUnexpectedMessage, unexpected),
            ("bad ChangeCipherSpec", CT_CCS, vec![2], Error::SslDecodeError, decode),
            ("alert of 3 bytes", CT_ALERT, vec![2, 40, 0], Error::SslDecodeError, decode),
            ("unknown content type", 99, vec![1, 2, 3], Error::SslInvalidRecord, unexpected),
            (
                "TLS 1.1 ClientHello",
                CT_HANDSHAKE,
                {
                    let mut ch = client_hello(Some(&[4; 12]), false);
                    ch[5] = 2;
                    ch
                },
                Error::SslBadProtocolVersion,
                ALERT_PROTOCOL_VERSION,
            ),
        ];
        for (name, typ, payload, expected, alert) in cases {
            let (mut client, mut server) = engines(&parts, &parts);
            let mut wire = Vec::new();
            client.write_record(typ, &payload, &mut wire).unwrap();
            let mut s_out = Vec::new();
            let results = deliver(&mut wire, &mut server, &sp, &mut s_out, &mut Vec::new());
            assert_eq!(results, vec![Err(expected)], "{name}");
            assert_eq!(alert_in(&mut s_out, &mut client, &cp), Some((ALERT_FATAL, alert)), "{name}: no fatal alert");
        }
        // A record that does not decrypt.
        let (_, mut server) = engines(&parts, &parts);
        let mut forged = vec![CT_APPDATA, 3, 3, 0, 30];
        forged.extend_from_slice(&[0x55; 30]);
        let mut s_out = Vec::new();
        assert_eq!(server.process_record(&mut forged, &sp, &mut s_out, &mut Vec::new()), Err(Error::SslInvalidMac));
        let (mut client, _) = engines(&parts, &parts);
        assert_eq!(alert_in(&mut s_out, &mut client, &cp), Some((ALERT_FATAL, ALERT_BAD_RECORD_MAC)));
        // A ClientHello sent to a client.
        let (mut client, mut server) = engines(&parts, &parts);
        let mut wire = Vec::new();
        server.write_record(CT_HANDSHAKE, &client_hello(Some(&[4; 12]), false), &mut wire).unwrap();
        let results = deliver(&mut wire, &mut client, &cp, &mut Vec::new(), &mut Vec::new());
        assert_eq!(results, vec![Err(Error::SslUnexpectedMessage)]);
    }

    #[test]
    fn the_client_checks_the_order_and_the_kind_of_the_servers_answer() {
        let parts = TestParts::default();
        let cp = client_policy();
        // (ServerHello fields, messages after it, expected error)
        let no_ems = Hello { ems: false, ..Hello::default() };
        let with_ems = Hello { ems: true, ..Hello::default() };
        type Case<'a> = (&'a str, &'a Hello, Vec<u8>, Vec<u8>, Error);
        let cases: Vec<Case<'_>> = vec![
            ("resumed without EMS", &no_ems, parts.session_id.clone(), vec![], Error::SslHandshakeFailure),
            (
                "ServerHelloDone right after ServerHello",
                &with_ems,
                vec![9; 32],
                handshake_message(HS_SERVER_HELLO_DONE, &[]),
                Error::SslUnexpectedMessage,
            ),
            (
                "ServerKeyExchange before Certificate",
                &with_ems,
                vec![9; 32],
                handshake_message(HS_SERVER_KEY_EXCHANGE, &[3, 0, 0x17, 0]),
                Error::SslUnexpectedMessage,
            ),
        ];
        for (name, hello, session_id, rest, expected) in cases {
            let (mut client, mut server) = engines(&parts, &parts);
            let mut c_out = Vec::new();
            client.start_client(true, &cp, &mut c_out).unwrap();
            let mut flight = server.server_hello_message(&[6; 32], &session_id, parts.suite, hello);
            flight.extend_from_slice(&rest);
            let mut wire = Vec::new();
            server.write_record(CT_HANDSHAKE, &flight, &mut wire).unwrap();
            let results = deliver(&mut wire, &mut client, &cp, &mut c_out, &mut Vec::new());
            assert_eq!(results, vec![Err(expected)], "{name}");
        }
        // A HelloRequest with a body, an alert of an unknown level.
        for (payload, typ, expected) in [
            (vec![HS_HELLO_REQUEST, 0, 0, 1, 0], CT_HANDSHAKE, Error::SslDecodeError),
            (vec![3, 40], CT_ALERT, Error::SslIllegalParameter),
        ] {
            let (mut client, mut server) = engines(&parts, &parts);
            let mut wire = Vec::new();
            server.write_record(typ, &payload, &mut wire).unwrap();
            assert_eq!(deliver(&mut wire, &mut client, &cp, &mut Vec::new(), &mut Vec::new()), vec![Err(expected)]);
        }
    }

    #[test]
    fn application_data_between_change_cipher_spec_and_finished_is_refused() {
        let parts = TestParts::default();
        let (mut client, mut server) = engines(&parts, &parts);
        let (cp, sp) = (client_policy(), policy(true, true));
        let mut c_out = Vec::new();
        client.start_client(true, &cp, &mut c_out).unwrap();
        let mut s_out = Vec::new();
        assert!(deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut Vec::new()).iter().all(|r| r.is_ok()));
        // A peer that knows the new keys (a forger built from them) sends data where its
        // Finished should be: only the honest client's ChangeCipherSpec, then that record.
        let Handshake::SrvAbbreviated { transcript, keys, .. } = &server.hs else {
            panic!("not waiting for the client")
        };
        // The randoms of the ClientHello and ServerHello that open the transcript.
        let ch_len = 4 + u24(&transcript[1..4]);
        let client_random = parse_client_hello(&transcript[4..ch_len]).unwrap().random;
        let server_random = parse_server_hello(&transcript[ch_len + 4..]).unwrap().random;
        let mut forger = Engine::from_parts(Endpoint::Client, &parts).unwrap();
        let mut new_keys =
            Engine::derive(Endpoint::Client, keys.state.resumed(), &client_random, &server_random).unwrap();
        forger.write = new_keys.write.take().unwrap();
        assert!(deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut Vec::new()).iter().all(|r| r.is_ok()));
        let ccs_len = 5 + usize::from(u16::from_be_bytes([c_out[3], c_out[4]]));
        let mut wire: Vec<u8> = c_out[..ccs_len].to_vec();
        forger.write_app(b"too early", &mut wire).unwrap();
        let results = deliver(&mut wire, &mut server, &sp, &mut Vec::new(), &mut Vec::new());
        assert_eq!(results, vec![Ok(Outcome::default()), Err(Error::SslUnexpectedMessage)]);
    }

    #[test]
    fn a_refused_renegotiation_leaves_the_connection_working() {
        for (enabled, secure) in [(false, true), (true, false)] {
            let parts = TestParts { peer_secure: secure, ..TestParts::default() };
            let (mut client, mut server) = engines(&TestParts::default(), &parts);
            let (cp, sp) = (client_policy(), policy(enabled, true));
            let mut c_out = Vec::new();
            client.start_client(true, &cp, &mut c_out).unwrap();
            let mut s_out = Vec::new();
            let results = deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut Vec::new());
            assert_eq!(results, vec![Ok(Outcome::default())]);
            let results = deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut Vec::new());
            assert_eq!(results, vec![Ok(Outcome { refused: true, ..Outcome::default() })], "warning no_renegotiation");
            client.write_app(b"still here", &mut c_out).unwrap();
            let mut plain = Vec::new();
            assert!(deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut plain).iter().all(|r| r.is_ok()));
            assert_eq!(plain, b"still here");
        }
    }

    #[test]
    fn application_data_interleaved_with_a_renegotiation_is_delivered() {
        let parts = TestParts::default();
        let (mut client, mut server) = engines(&parts, &parts);
        let (cp, sp) = (client_policy(), policy(true, false));
        let mut c_out = Vec::new();
        client.write_app(b"one ", &mut c_out).unwrap();
        client.start_client(false, &cp, &mut c_out).unwrap();
        client.write_app(b"two ", &mut c_out).unwrap();
        let mut s_out = Vec::new();
        let mut s_plain = Vec::new();
        assert!(deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut s_plain).iter().all(|r| r.is_ok()));
        // The server's flight, with data of its own in the middle.
        server.write_app(b"srv ", &mut s_out).unwrap();
        let mut c_plain = Vec::new();
        assert!(deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut c_plain).iter().all(|r| r.is_ok()));
        client.write_app(b"three", &mut c_out).unwrap();
        let results = deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut s_plain);
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        assert!(deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut c_plain).iter().all(|r| r.is_ok()));
        assert_eq!(s_plain, b"one two three");
        assert_eq!(c_plain, b"srv ");
        assert_eq!((client.full_renegotiations, server.full_renegotiations), (1, 1));
    }
}
