//! `mbedtls_ssl_set_export_keys_cb`: the secrets of each handshake handed to the application
//! (key log files for Wireshark, EAP-TLS key derivation), as Mbed TLS hands them over.

use std::sync::Arc;

use super::Context;
use rustls::crypto::HashAlgorithm;

use crate::config::{TLS1_2, tls12_suite};
use crate::renegotiation::HandshakeCapture;

/// Which secret is exported (`mbedtls_ssl_key_export_type`, same order and values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    Tls12Master = 0,
    Tls13ClientEarly = 1,
    Tls13EarlyExporter = 2,
    Tls13ClientHandshakeTraffic = 3,
    Tls13ServerHandshakeTraffic = 4,
    Tls13ClientApplicationTraffic = 5,
    Tls13ServerApplicationTraffic = 6,
}

impl SecretKind {
    /// The kind of a secret rustls logs under an NSS key log label (None: not exported by
    /// Mbed TLS, e.g. the TLS 1.3 exporter secret).
    fn of_label(label: &str) -> Option<Self> {
        Some(match label {
            "CLIENT_RANDOM" => Self::Tls12Master,
            "CLIENT_EARLY_TRAFFIC_SECRET" => Self::Tls13ClientEarly,
            "EARLY_EXPORTER_SECRET" => Self::Tls13EarlyExporter,
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET" => Self::Tls13ClientHandshakeTraffic,
            "SERVER_HANDSHAKE_TRAFFIC_SECRET" => Self::Tls13ServerHandshakeTraffic,
            "CLIENT_TRAFFIC_SECRET_0" => Self::Tls13ClientApplicationTraffic,
            "SERVER_TRAFFIC_SECRET_0" => Self::Tls13ServerApplicationTraffic,
            _ => return None,
        })
    }
}

/// The PRF of the handshake (`mbedtls_tls_prf_types`: NONE 0, SHA384 1, SHA256 2). As in
/// Mbed TLS, TLS 1.3 secrets come with NONE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrfKind {
    None = 0,
    Sha384 = 1,
    Sha256 = 2,
}

/// The TLS 1.2 PRF of a cipher suite: the suite's hash (SHA-384 or SHA-256).
pub(crate) fn tls12_prf_of(suite: u16) -> PrfKind {
    match tls12_suite(suite).map(|s| s.common.hash_provider.algorithm()) {
        Some(HashAlgorithm::SHA384) => PrfKind::Sha384,
        _ => PrfKind::Sha256,
    }
}

/// Receives the secrets of the handshakes of one context.
pub trait KeyExporter: Send + Sync {
    fn export(&self, kind: SecretKind, secret: &[u8], client_random: &[u8; 32], server_random: &[u8; 32], prf: PrfKind);
}

impl Context {
    /// `mbedtls_ssl_set_export_keys_cb`: hand each handshake's secrets to `exporter` (None: stop).
    /// Kept by `reset`.
    pub fn set_key_exporter(&mut self, exporter: Option<Arc<dyn KeyExporter>>) {
        self.key_exporter = exporter;
    }

    /// After rustls's handshake: every secret it logged, in order, with both randoms.
    pub(super) fn export_handshake_keys(&self, version: u16, suite: u16) {
        let (Some(exporter), Some(capture)) = (&self.key_exporter, &self.capture) else { return };
        export_logged(exporter.as_ref(), capture, self.endpoint, version, suite);
    }
}

/// After a renegotiation of the TLS 1.2 engine: its new master secret.
pub(super) fn export_renegotiation(
    exporter: Option<&dyn KeyExporter>,
    master: &[u8; 48],
    randoms: &([u8; 32], [u8; 32]),
    suite: u16,
) {
    if let Some(exporter) = exporter {
        exporter.export(SecretKind::Tls12Master, master, &randoms.0, &randoms.1, tls12_prf_of(suite));
    }
}

fn export_logged(
    exporter: &dyn KeyExporter,
    capture: &HandshakeCapture,
    role: crate::config::Endpoint,
    version: u16,
    suite: u16,
) {
    let Some(server_random) = capture.server_random(role) else {
        log::error!("no ServerHello seen: the handshake's secrets are not exported");
        return;
    };
    let prf = if version == TLS1_2 { tls12_prf_of(suite) } else { PrfKind::None };
    for logged in capture.key_log.take_all() {
        if let Some(kind) = SecretKind::of_label(&logged.label) {
            exporter.export(kind, &logged.secret, &logged.client_random, &server_random, prf);
        }
    }
}
