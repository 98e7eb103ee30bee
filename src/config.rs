//! A TLS configuration (`mbedtls_ssl_config`): the settings a program makes, and the rustls
//! pieces built from them (crypto provider, trust anchors, certificate resolver).
//!
//! Settings can change at any time (Mbed TLS contexts read their configuration live). A change
//! drops the cached [`Snapshot`]; the next handshake that asks for one builds it again. A
//! snapshot is immutable and shared, so any number of contexts on any number of threads can use
//! one configuration. The rustls `ClientConfig`/`ServerConfig` of a handshake are built from
//! the snapshot by the connection (`context/tls_config.rs`).

use std::any::Any;
use std::borrow::Cow;
use std::sync::{Arc, Mutex, OnceLock};

use rustls::crypto::{Credentials, CryptoProvider, Identity, SelectedCredential, SignatureScheme};
use rustls::enums::CertificateType;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{DistinguishedName, Tls12CipherSuite, Tls13CipherSuite};

use crate::error::{Error, Result};
use crate::server_sessions::{Invalidated, SessionStore, TicketCodec};
use crate::verify::{CrlList, Profile, TrustStore, VerifyCallback};

/// Which side of the connection a configuration is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Client,
    Server,
}

/// `MBEDTLS_SSL_VERIFY_*`: what to do with the peer's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// Do not check it (the verify result is `MBEDTLS_X509_BADCERT_SKIP_VERIFY`).
    None,
    /// Check it, record the flags, continue anyway.
    Optional,
    /// Check it and abort the handshake when any flag is set.
    Required,
}

/// `MBEDTLS_SSL_PRESET_*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Default,
    /// NSA Suite B: ECDSA, P-256/P-384 and AES-GCM only.
    SuiteB,
}

/// TLS protocol versions, as their wire numbers (0x0303 = TLS 1.2, 0x0304 = TLS 1.3).
pub const TLS1_2: u16 = 0x0303;
pub const TLS1_3: u16 = 0x0304;

/// Receives the library's debug lines (`mbedtls_ssl_conf_dbg`).
pub trait DebugSink: Send + Sync {
    /// `level` is Mbed TLS's: 1 error, 2 state change, 3 informational, 4 verbose.
    /// `text` ends with a newline.
    fn emit(&self, level: i32, file: &str, line: u32, text: &str);
}

/// An own certificate chain with its private key, checked to belong together.
#[derive(Debug)]
pub struct OwnCert {
    credentials: Credentials,
}

impl OwnCert {
    /// Pairs a chain (end-entity first) with its key. Fails when the key does not match the
    /// certificate or the crypto provider cannot use the key.
    pub fn new(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> Result<Self> {
        let identity = Identity::from_cert_chain(chain).map_err(|_| Error::SslBadInputData)?;
        let provider = rustls_aws_lc_rs::DEFAULT_PROVIDER;
        let credentials = Credentials::from_der(Arc::new(identity), key, &provider).map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => Error::SslPkTypeMismatch,
            _ => Error::PkKeyInvalidFormat,
        })?;
        Ok(Self { credentials })
    }

    fn signer(&self, schemes: &[SignatureScheme]) -> Option<SelectedCredential> {
        self.credentials.signer(schemes)
    }
}

/// Everything `mbedtls_ssl_conf_*` can set.
#[derive(Clone)]
pub struct Settings {
    pub endpoint: Endpoint,
    pub preset: Preset,
    pub authmode: AuthMode,
    /// Trusted CAs; None when `mbedtls_ssl_conf_ca_chain` was never called.
    pub ca_chain: Option<Arc<[CertificateDer<'static>]>>,
    /// The CRLs given with the CAs (`ca_crl` of `mbedtls_ssl_conf_ca_chain`).
    pub ca_crl: CrlList,
    /// `mbedtls_ssl_conf_cert_profile` (the preset's profile after `config_defaults`).
    pub cert_profile: Profile,
    /// `mbedtls_ssl_conf_verify`: the application's verify callback.
    pub verify_callback: Option<Arc<dyn VerifyCallback>>,
    /// `mbedtls_ssl_conf_groups` (or `_curves`): key exchange groups as IANA ids, in order of
    /// preference; None = library default.
    pub groups: Option<Vec<u16>>,
    /// `mbedtls_ssl_conf_sig_algs` (or `_sig_hashes`): signature schemes offered, accepted and
    /// used for signing; None = library default.
    pub sig_algs: Option<Arc<[u16]>>,
    /// `mbedtls_ssl_conf_preference_order`: the server chooses the suite by its own order.
    pub server_order: bool,
    /// `mbedtls_ssl_conf_extended_master_secret` (recorded: rustls always negotiates it).
    pub extended_master_secret: bool,
    /// `mbedtls_ssl_conf_cert_req_ca_list`: a server lists CA names in its CertificateRequest.
    pub cert_req_ca_list: bool,
    /// `mbedtls_ssl_conf_dn_hints`: the CA names to list instead of the CA chain's.
    pub dn_hints: Option<Arc<[DistinguishedName]>>,
    /// `mbedtls_ssl_conf_tls13_key_exchange_modes` (`MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_*`).
    pub tls13_kex_modes: u32,
    /// Own certificates, in the order they were added (the first usable one is chosen).
    pub own_certs: Vec<Arc<OwnCert>>,
    pub rng_set: bool,
    pub debug: Option<Arc<dyn DebugSink>>,
    /// Milliseconds for `f_recv_timeout`; 0 = wait forever.
    pub read_timeout_ms: u32,
    /// `mbedtls_ssl_conf_ciphersuites`, as IANA numbers; None = library default.
    pub ciphersuites: Option<Vec<u16>>,
    pub min_version: u16,
    pub max_version: u16,
    pub alpn: Vec<Vec<u8>>,
    /// Client: offer and accept TLS 1.2 session tickets.
    pub session_tickets: bool,
    /// Client: return `RECEIVED_NEW_SESSION_TICKET` for each TLS 1.3 ticket.
    pub signal_new_session_tickets: bool,
    /// Client: without `mbedtls_ssl_set_hostname`, verify the server without checking a name
    /// (Mbed TLS 2.28) instead of refusing the handshake (3.6).
    pub hostname_optional: bool,
    /// The application's SNI callback, owned by the C layer (opaque here).
    pub sni_callback: Option<Arc<dyn Any + Send + Sync>>,
    /// The application's new-session-ticket callback, owned by the C layer (opaque here).
    pub new_ticket_callback: Option<Arc<dyn Any + Send + Sync>>,
    /// Server: the session store used by session ID (`mbedtls_ssl_conf_session_cache`).
    pub session_store: Option<Arc<dyn SessionStore>>,
    /// Server: ticket protection (`mbedtls_ssl_conf_session_tickets_cb`).
    pub ticket_codec: Option<Arc<dyn TicketCodec>>,
    /// Server: TLS 1.3 NewSessionTicket messages per handshake (`conf_new_session_tickets`).
    pub new_session_tickets: usize,
    /// Server: sessions refused after a fatal alert; shared by every context of this config.
    pub invalidated: Arc<Invalidated>,
    /// `mbedtls_ssl_conf_renegotiation` (TLS 1.2 only).
    pub renegotiation: bool,
    /// `mbedtls_ssl_conf_legacy_renegotiation`: 0 no renegotiation with legacy peers (always
    /// the case here), 1 allow (refused here all the same), 2 abort handshakes with them.
    pub legacy_renegotiation: i32,
    /// `mbedtls_ssl_conf_renegotiation_enforced`: records accepted after a HelloRequest (-1: any).
    pub renegotiation_enforced: i32,
    /// `mbedtls_ssl_conf_renegotiation_period`: records after which to renegotiate.
    pub renegotiation_period: u64,
    /// Our extension: answer a renegotiation offering the current session with an abbreviated
    /// handshake (IEC 62351-3 key refresh).
    pub renegotiation_resumption: bool,
    /// Our extension: renegotiate every this many seconds (0: never); abbreviated if set.
    pub renegotiation_interval: (u64, bool),
}

impl Settings {
    /// What `mbedtls_ssl_config_init` leaves: a client configuration with nothing set.
    fn initial() -> Self {
        Self {
            endpoint: Endpoint::Client,
            preset: Preset::Default,
            authmode: AuthMode::None,
            ca_chain: None,
            ca_crl: Arc::new([]),
            cert_profile: Profile::DEFAULT,
            verify_callback: None,
            groups: None,
            sig_algs: None,
            server_order: true,
            extended_master_secret: true,
            cert_req_ca_list: true,
            dn_hints: None,
            tls13_kex_modes: TLS13_KEX_ALL,
            own_certs: Vec::new(),
            rng_set: false,
            debug: None,
            read_timeout_ms: 0,
            ciphersuites: None,
            min_version: TLS1_2,
            max_version: TLS1_3,
            alpn: Vec::new(),
            session_tickets: false,
            signal_new_session_tickets: false,
            hostname_optional: false,
            sni_callback: None,
            new_ticket_callback: None,
            session_store: None,
            ticket_codec: None,
            new_session_tickets: 1,
            invalidated: Arc::default(),
            renegotiation: false,
            legacy_renegotiation: 0,
            renegotiation_enforced: 16,
            renegotiation_period: (1 << 48) - 1,
            renegotiation_resumption: false,
            renegotiation_interval: (0, false),
        }
    }

    /// What `mbedtls_ssl_config_defaults` sets for `endpoint` and `preset`: the protocol
    /// settings. Callbacks, certificates and ALPN set earlier stay, as in Mbed TLS.
    pub fn apply_defaults(&mut self, endpoint: Endpoint, preset: Preset) {
        self.endpoint = endpoint;
        self.preset = preset;
        self.authmode = match endpoint {
            Endpoint::Client => AuthMode::Required,
            Endpoint::Server => AuthMode::None,
        };
        self.cert_profile = if preset == Preset::SuiteB { Profile::SUITE_B } else { Profile::DEFAULT };
        self.groups = None;
        self.sig_algs = None;
        self.server_order = true;
        self.extended_master_secret = true;
        self.cert_req_ca_list = true;
        self.tls13_kex_modes = TLS13_KEX_ALL;
        self.session_tickets = endpoint == Endpoint::Client;
        self.signal_new_session_tickets = false;
        self.ciphersuites = None;
        self.min_version = TLS1_2;
        self.max_version = TLS1_3;
        self.new_session_tickets = 1;
        self.renegotiation_enforced = 16;
        self.renegotiation_period = (1 << 48) - 1;
    }
}

/// The rustls view of one generation of settings. Immutable; shared by contexts.
pub struct Snapshot {
    pub settings: Settings,
    pub provider: Arc<CryptoProvider>,
    /// The CAs parsed from `ca_chain`, with the CRLs (None when no CA chain is configured).
    pub trust: Option<Arc<TrustStore>>,
    pub own_certs: Arc<OwnCertResolver>,
    /// The rustls server configuration this snapshot's connections start from, built at the
    /// first server handshake (`Context::server_config` fills in each connection's parts).
    pub server_template: OnceLock<Arc<rustls::server::ServerConfig>>,
}

impl Snapshot {
    fn build(settings: Settings) -> Result<Self> {
        let provider = Arc::new(provider_for(&settings)?);
        let trust = settings
            .ca_chain
            .as_ref()
            .map(|chain| Arc::new(TrustStore::from_ders(chain).with_crls(settings.ca_crl.clone())));
        let own_certs = Arc::new(OwnCertResolver::new(settings.own_certs.clone(), settings.sig_algs.clone()));
        Ok(Self { settings, provider, trust, own_certs, server_template: OnceLock::new() })
    }
}

/// The crypto provider restricted to the configured versions, suites and preset.
///
/// Suites that rustls does not implement (CBC, RSA key exchange, DHE, PSK, ...) are ignored,
/// as Mbed TLS ignores suites it was built without. When nothing usable is left the
/// configuration is refused with `MBEDTLS_ERR_SSL_BAD_CONFIG`.
fn provider_for(settings: &Settings) -> Result<CryptoProvider> {
    let base = rustls_aws_lc_rs::DEFAULT_PROVIDER;
    let wanted = |id: u16| -> bool {
        match &settings.ciphersuites {
            Some(list) => list.contains(&id),
            None => true,
        }
    };
    let suite_b = settings.preset == Preset::SuiteB;
    let tls12_on = settings.min_version <= TLS1_2 && settings.max_version >= TLS1_2;
    let tls13_on = settings.min_version <= TLS1_3 && settings.max_version >= TLS1_3;

    let order = |ids: &Option<Vec<u16>>, id: u16| -> usize {
        ids.as_ref().and_then(|l| l.iter().position(|&x| x == id)).unwrap_or(usize::MAX)
    };
    let mut tls12: Vec<&'static Tls12CipherSuite> = rustls_aws_lc_rs::ALL_TLS12_CIPHER_SUITES
        .iter()
        .copied()
        .filter(|s| tls12_on && wanted(s.common.suite.0))
        .filter(|s| !suite_b || SUITE_B_TLS12.contains(&s.common.suite.0))
        .collect();
    tls12.sort_by_key(|s| order(&settings.ciphersuites, s.common.suite.0));
    let mut tls13: Vec<&'static Tls13CipherSuite> = rustls_aws_lc_rs::ALL_TLS13_CIPHER_SUITES
        .iter()
        .copied()
        .filter(|s| tls13_on && wanted(s.common.suite.0))
        .filter(|s| !suite_b || s.common.suite.0 != 0x1303)
        .collect();
    tls13.sort_by_key(|s| order(&settings.ciphersuites, s.common.suite.0));

    if tls12.is_empty() && tls13.is_empty() {
        log::error!("no usable cipher suite or protocol version is left in the configuration");
        return Err(Error::SslBadConfig);
    }
    let mut provider =
        CryptoProvider { tls12_cipher_suites: Cow::Owned(tls12), tls13_cipher_suites: Cow::Owned(tls13), ..base };
    if suite_b || settings.groups.is_some() {
        let mut groups: Vec<_> = rustls_aws_lc_rs::ALL_KX_GROUPS
            .iter()
            .copied()
            .filter(|g| !suite_b || matches!(g.name().0, 0x0017 | 0x0018))
            .filter(|g| settings.groups.as_ref().is_none_or(|l| l.contains(&g.name().0)))
            .collect();
        groups.sort_by_key(|g| order(&settings.groups, g.name().0));
        if groups.is_empty() {
            log::error!("none of the configured key exchange groups is available");
            return Err(Error::SslBadConfig);
        }
        provider.kx_groups = Cow::Owned(groups);
    }
    Ok(provider)
}

/// The provider's TLS 1.2 suite with IANA number `id`.
pub(crate) fn tls12_suite(id: u16) -> Option<&'static Tls12CipherSuite> {
    rustls_aws_lc_rs::ALL_TLS12_CIPHER_SUITES.iter().copied().find(|s| s.common.suite.0 == id)
}

/// `MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL`.
pub const TLS13_KEX_ALL: u32 = 7;
/// `MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL`: resumption with (EC)DHE.
pub const TLS13_KEX_PSK_EPHEMERAL: u32 = 4;

/// TLS 1.2 suites of the Suite B preset: ECDHE-ECDSA with AES-GCM.
const SUITE_B_TLS12: &[u16] = &[0xC02B, 0xC02C];

/// Chooses among the own certificates: the first one whose key can sign with a scheme the peer
/// accepts (rustls has already narrowed the schemes to the offered TLS 1.2 suites).
#[derive(Debug)]
pub struct OwnCertResolver {
    certs: Vec<Arc<OwnCert>>,
    /// `mbedtls_ssl_conf_sig_algs`: the only schemes to sign with (None: any).
    sig_algs: Option<Arc<[u16]>>,
}

impl OwnCertResolver {
    pub fn new(certs: Vec<Arc<OwnCert>>, sig_algs: Option<Arc<[u16]>>) -> Self {
        Self { certs, sig_algs }
    }

    /// The first own certificate whose key can sign with one of `schemes` (those allowed by
    /// `mbedtls_ssl_conf_sig_algs`), with its signer.
    pub fn signer(&self, schemes: &[SignatureScheme]) -> Option<SelectedCredential> {
        let allowed: Vec<SignatureScheme> = schemes
            .iter()
            .copied()
            .filter(|s| self.sig_algs.as_ref().is_none_or(|l| l.contains(&u16::from(*s))))
            .collect();
        self.certs.iter().find_map(|c| c.signer(&allowed))
    }
}

impl rustls::server::ServerCredentialResolver for OwnCertResolver {
    fn resolve(
        &self,
        client_hello: &rustls::server::ClientHello<'_>,
    ) -> core::result::Result<SelectedCredential, rustls::Error> {
        self.signer(client_hello.signature_schemes()).ok_or_else(|| {
            log::error!("no own certificate can sign with the schemes the client offers");
            rustls::Error::NoSuitableCertificate
        })
    }
}

impl rustls::client::ClientCredentialResolver for OwnCertResolver {
    fn resolve(&self, request: &rustls::client::CredentialRequest<'_>) -> Option<SelectedCredential> {
        match request.negotiated_type() {
            CertificateType::X509 => self.signer(request.signature_schemes()),
            _ => None,
        }
    }

    fn supported_certificate_types(&self) -> &'static [CertificateType] {
        if self.certs.is_empty() { &[] } else { &[CertificateType::X509] }
    }

    fn hash_config(&self, h: &mut dyn core::hash::Hasher) {
        for cert in &self.certs {
            h.write_usize(Arc::as_ptr(cert) as usize);
        }
    }
}

struct State {
    settings: Settings,
    snapshot: Option<Arc<Snapshot>>,
}

/// A configuration shared between the C shell and every context set up with it.
#[derive(Clone)]
pub struct Config {
    state: Arc<Mutex<State>>,
    /// Counts the changes (`update`): a cheap test of "changed since" without the lock.
    generation: Arc<std::sync::atomic::AtomicU64>,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// A configuration as `mbedtls_ssl_config_init` leaves it.
    pub fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new(State { settings: Settings::initial(), snapshot: None })),
            generation: Arc::default(),
        }
    }

    /// A configuration of its own with the same settings (a byte copy of an `mbedtls_ssl_config`).
    pub fn fork(&self) -> Self {
        let state = self.lock();
        let copy = State { settings: state.settings.clone(), snapshot: state.snapshot.clone() };
        Self { state: Arc::new(Mutex::new(copy)), generation: Arc::default() }
    }

    /// The number of changes so far (`update` calls); equal numbers mean the same settings.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Changes settings; the next snapshot reflects them.
    pub fn update<R>(&self, f: impl FnOnce(&mut Settings) -> R) -> R {
        let mut state = self.lock();
        state.snapshot = None;
        self.generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        f(&mut state.settings)
    }

    /// Reads settings without building anything.
    pub fn read<R>(&self, f: impl FnOnce(&Settings) -> R) -> R {
        f(&self.lock().settings)
    }

    /// The rustls view of the current settings (built on first use after a change).
    pub fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let mut state = self.lock();
        if let Some(snapshot) = &state.snapshot {
            return Ok(snapshot.clone());
        }
        let snapshot = Arc::new(Snapshot::build(state.settings.clone())?);
        state.snapshot = Some(snapshot.clone());
        Ok(snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_suites_are_ignored_and_nothing_left_is_bad_config() {
        let config = Config::new();
        config.update(|s| s.apply_defaults(Endpoint::Client, Preset::Default));
        // TLS_RSA_WITH_AES_128_CBC_SHA (0x002F) does not exist here; ECDHE-RSA-AES128-GCM does.
        config.update(|s| s.ciphersuites = Some(vec![0x002F, 0xC02F]));
        let snap = config.snapshot().unwrap();
        assert_eq!(snap.provider.tls12_cipher_suites.len(), 1);
        assert!(snap.provider.tls13_cipher_suites.is_empty());
        config.update(|s| s.ciphersuites = Some(vec![0x002F]));
        assert_eq!(config.snapshot().err(), Some(Error::SslBadConfig));
    }

    #[test]
    fn version_range_selects_suites() {
        let config = Config::new();
        config.update(|s| {
            s.apply_defaults(Endpoint::Server, Preset::Default);
            s.min_version = TLS1_3;
        });
        let snap = config.snapshot().unwrap();
        assert!(snap.provider.tls12_cipher_suites.is_empty());
        assert_eq!(snap.provider.tls13_cipher_suites.len(), 3);
    }

    #[test]
    fn snapshot_is_cached_until_a_change() {
        let config = Config::new();
        let a = config.snapshot().unwrap();
        let b = config.snapshot().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        config.update(|s| s.read_timeout_ms = 5);
        let c = config.snapshot().unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
