//! Building the rustls client and server configurations of one handshake from a configuration
//! snapshot, the SNI callback's choices (`mbedtls_ssl_set_hs_*`) and the connection's
//! verification record, session store and wire capture.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rustls::client::ClientConnection;
use rustls::pki_types::ServerName;
use rustls::server::{Accepted, ServerConfig, ServerConnection, ServerHandshake};
use rustls::{ClientConfig, DistinguishedName};

use super::{Context, Hostname, Stage, Tls};
use crate::client_sessions::ConnectionSessions;
use crate::config::{AuthMode, Endpoint, OwnCertResolver, Snapshot, TLS1_2, TLS13_KEX_PSK_EPHEMERAL};
use crate::error::{Error, Result};
use crate::renegotiation::{HandshakeCapture, LEGACY_BREAK_HANDSHAKE};
use crate::server_sessions::ServerSessions;
use crate::verify::{
    self, ClientCertVerifier, PeerCheck, PeerRole, RoutedClientVerifier, ServerCertVerifier, TrustStore,
};

impl Context {
    /// Builds the rustls side for a new handshake.
    pub(super) fn start(&mut self) -> Result<()> {
        if self.transport.is_none() {
            log::error!("no transport: call mbedtls_ssl_set_bio before the handshake");
            return Err(Error::SslBadInputData);
        }
        let snapshot = self.config.snapshot()?;
        if !snapshot.settings.rng_set {
            log::error!("no random generator: call mbedtls_ssl_conf_rng");
            return Err(Error::SslNoRng);
        }
        log::debug!("=> handshake");
        self.snapshot = Some(snapshot.clone());
        let settings = &snapshot.settings;
        let tls12_possible = settings.min_version <= TLS1_2 && !snapshot.provider.tls12_cipher_suites.is_empty();
        // The wire and the secrets are captured for the TLS 1.2 hand-over, the legacy-peer check,
        // and the key export callback; the wire alone for the RFC 5746 check of the peer's hello.
        let hand_over =
            tls12_possible && (settings.renegotiation || settings.legacy_renegotiation == LEGACY_BREAK_HANDSHAKE);
        self.capture = match (hand_over, self.key_exporter.is_some()) {
            (_, true) => Some(HandshakeCapture::exporting()),
            (true, false) => Some(HandshakeCapture::default()),
            // The hellos alone, for the RFC 5746 check of the peer's (`check_peer_hello`).
            (false, false) if tls12_possible => Some(HandshakeCapture::wire_only()),
            (false, false) => None,
        };
        self.stage = match self.endpoint {
            Endpoint::Client => Stage::Running(Tls::Client(Box::new(self.new_client(&snapshot)?))),
            Endpoint::Server if snapshot.settings.sni_callback.is_some() => {
                Stage::Accepting(Box::new(ServerHandshake::start()))
            }
            Endpoint::Server => {
                let config = self.server_config(&snapshot)?;
                let conn = verify::with_client_verifier(self.client_verifier.clone(), || ServerConnection::new(config))
                    .map_err(|e| Error::from_rustls(&e))?;
                Stage::Running(Tls::Server(Box::new(conn)))
            }
        };
        Ok(())
    }

    pub(super) fn choose_server_config(&mut self, accepted: Box<Accepted>) {
        let Some(snapshot) = self.snapshot.clone() else {
            self.stage = Stage::Failed(Error::SslInternalError);
            return;
        };
        let config = match self.server_config(&snapshot) {
            Ok(config) => config,
            Err(e) => {
                self.stage = Stage::Failed(e);
                return;
            }
        };
        let mut output = Vec::new();
        let result =
            verify::with_client_verifier(self.client_verifier.clone(), || accepted.choose_config(config, &mut output));
        for chunk in output {
            self.out.extend_from_slice(&chunk);
        }
        match result {
            Ok(ServerHandshake::NeedsInput(needs)) => {
                self.stage = Stage::Running(Tls::Server(Box::new(needs.into_buffered_connection())));
            }
            Ok(_) => self.stage = Stage::Failed(Error::SslInternalError),
            Err(e) => {
                let _ = self.send_queued();
                self.stage = Stage::Failed(Error::from_rustls(&e));
            }
        }
    }

    pub(super) fn new_client(&mut self, snapshot: &Snapshot) -> Result<ClientConnection> {
        let settings = &snapshot.settings;
        let (server_name, expected_name) = match &self.hostname {
            Hostname::Name(name) => {
                let sn = ServerName::try_from(name.as_str()).map_err(|_| Error::SslBadInputData)?.to_owned();
                (sn, Some(name.clone()))
            }
            Hostname::OptedOut => (ServerName::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED).into()), None),
            Hostname::Unset => {
                if settings.authmode == AuthMode::Required && !settings.hostname_optional {
                    log::error!("certificate verification without a host name: call mbedtls_ssl_set_hostname");
                    return Err(Error::SslCertificateVerificationWithoutHostname);
                }
                (ServerName::IpAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED).into()), None)
            }
        };
        if settings.authmode == AuthMode::Required && snapshot.trust.is_none() {
            log::error!("peer verification is required but no CA chain is configured");
            return Err(Error::SslCaChainRequired);
        }
        let verifier =
            ServerCertVerifier { check: self.peer_check(snapshot, expected_name), record: self.verify.clone() };
        let mut config = ClientConfig::builder(snapshot.provider.clone())
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_client_credential_resolver(snapshot.own_certs.clone())
            .map_err(|e| Error::from_rustls(&e))?;
        config.alpn_protocols = settings.alpn.iter().map(|p| p.clone().into()).collect();
        let store = Arc::new(ConnectionSessions::new(
            self.sessions.offer.clone(),
            snapshot.provider.clone(),
            true,
            settings.tls13_kex_modes & TLS13_KEX_PSK_EPHEMERAL != 0,
        ));
        self.sessions.store = Some(store.clone());
        self.sessions.signal = settings.signal_new_session_tickets;
        self.sessions.callback = settings.new_ticket_callback.is_some();
        let tls12 = if settings.session_tickets {
            rustls::client::Tls12Resumption::SessionIdOrTickets
        } else {
            rustls::client::Tls12Resumption::SessionIdOnly
        };
        config.resumption = rustls::client::Resumption::store(store).tls12_resumption(tls12);
        if let Some(capture) = self.capture.as_ref().filter(|c| !c.wire_only) {
            config.enable_secret_extraction = true;
            config.key_log = capture.key_log.clone();
        }
        let config = Arc::new(config);
        config.connect(server_name).build().map_err(|e| Error::from_rustls(&e))
    }

    /// The rustls configuration of one server handshake: the snapshot's template (built once)
    /// with this connection's parts: its client verifier (reached through
    /// `verify::with_client_verifier`), session store and ticketer, certificates and key log.
    pub(super) fn server_config(&mut self, snapshot: &Snapshot) -> Result<Arc<ServerConfig>> {
        let settings = &snapshot.settings;
        let check = self.peer_check(snapshot, None);
        if check.authmode == AuthMode::Required && check.trust.is_none() {
            log::error!("client verification is required but no CA chain is configured");
            return Err(Error::SslCaChainRequired);
        }
        // The CA names of the CertificateRequest: none (no certificate asked for,
        // `conf_cert_req_ca_list` disabled), the DN hints (`set_hs_dn_hints`, `conf_dn_hints`),
        // or the subjects of the CAs.
        let subjects: Arc<[DistinguishedName]> = if check.authmode == AuthMode::None || !settings.cert_req_ca_list {
            Arc::from([])
        } else if let Some(hints) = self.overrides.dn_hints.clone().or_else(|| settings.dn_hints.clone()) {
            hints
        } else {
            check.trust.as_ref().map(|t| t.subjects()).unwrap_or_default().into()
        };
        self.client_verifier = Some(Arc::new(ClientCertVerifier::new(check, subjects, self.verify.clone())));
        let mut config = ServerConfig::clone(Self::server_template(snapshot)?);
        config.cert_resolver = self.own_certs(snapshot);
        let sessions = Arc::new(ServerSessions::new(
            settings.session_store.clone(),
            settings.ticket_codec.clone(),
            settings.invalidated.clone(),
            self.verify.clone(),
        ));
        config.session_storage = sessions.clone();
        if sessions.has_tickets() {
            config.ticketer = Some(sessions.clone());
        }
        // TLS 1.3 tickets: sealed by the ticket keys, or (without them) stateful, in the cache.
        // None without `MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL`.
        let resumable = settings.tls13_kex_modes & TLS13_KEX_PSK_EPHEMERAL != 0;
        let tickets = if resumable && (sessions.has_store() || sessions.has_tickets()) {
            settings.new_session_tickets
        } else {
            0
        };
        config.send_tls13_tickets = rustls::server::Tls13Tickets { default: tickets, max: tickets };
        if let Some(capture) = self.capture.as_ref().filter(|c| !c.wire_only) {
            config.enable_secret_extraction = true;
            config.key_log = capture.key_log.clone();
        }
        self.server_sessions = Some(sessions);
        Ok(Arc::new(config))
    }

    /// What every server handshake of `snapshot` shares, built at its first one: the provider,
    /// the routed client verifier, the configured certificates, the suite order and ALPN.
    fn server_template(snapshot: &Snapshot) -> Result<&Arc<ServerConfig>> {
        if let Some(template) = snapshot.server_template.get() {
            return Ok(template);
        }
        let settings = &snapshot.settings;
        let mut config = ServerConfig::builder(snapshot.provider.clone())
            .with_client_cert_verifier(Arc::new(RoutedClientVerifier))
            .with_server_credential_resolver(snapshot.own_certs.clone())
            .map_err(|e| Error::from_rustls(&e))?;
        config.cipher_suite_selector =
            if settings.server_order { &rustls::server::PreferServerOrder } else { &rustls::server::PreferClientOrder };
        config.alpn_protocols = settings.alpn.iter().map(|p| p.clone().into()).collect();
        // Two threads starting the first handshakes at once may both build one; either serves.
        Ok(snapshot.server_template.get_or_init(|| Arc::new(config)))
    }

    /// The certificates of this handshake: the SNI callback's (`mbedtls_ssl_set_hs_own_cert`)
    /// or the configuration's.
    pub(super) fn own_certs(&self, snapshot: &Snapshot) -> Arc<OwnCertResolver> {
        match &self.overrides.own_certs {
            Some(certs) => Arc::new(OwnCertResolver::new(certs.clone(), snapshot.settings.sig_algs.clone())),
            None => snapshot.own_certs.clone(),
        }
    }

    /// How this handshake verifies the peer: the authmode and CAs (with their CRLs) the SNI
    /// callback chose (`mbedtls_ssl_set_hs_authmode`, `_ca_chain`) or the configuration's, the context's verify
    /// callback (`mbedtls_ssl_set_verify`) or the configuration's, the configuration's profile,
    /// and (client) the host name to check.
    pub(super) fn peer_check(&self, snapshot: &Snapshot, expected_name: Option<String>) -> PeerCheck {
        let settings = &snapshot.settings;
        let trust = match &self.overrides.ca_chain {
            Some((chain, crls)) => Some(Arc::new(TrustStore::from_ders(chain).with_crls(crls.clone()))),
            None => snapshot.trust.clone(),
        };
        PeerCheck {
            authmode: self.overrides.authmode.unwrap_or(settings.authmode),
            trust,
            profile: settings.cert_profile,
            callback: self.verify_callback.clone().or_else(|| settings.verify_callback.clone()),
            expected_name,
            peer: match self.endpoint {
                Endpoint::Client => PeerRole::Server,
                Endpoint::Server => PeerRole::Client,
            },
            sig_algs: settings.sig_algs.clone(),
        }
    }
}
