//! Facts about the connection's records and alerts the application sends itself
//! (`mbedtls_ssl_get_record_expansion`, `mbedtls_ssl_send_alert_message`).

use rustls::error::AlertDescription;

use super::{Context, Stage};
use crate::config::{TLS1_2, tls12_suite};
use crate::error::{Error, Result};
use crate::renegotiation::AlertLevel;

/// Bytes of a record header.
const HEADER: usize = 5;
/// Bytes of an AEAD tag (every suite offered here has a 16-byte tag).
const TAG: usize = 16;

impl Context {
    /// `mbedtls_ssl_get_record_expansion`: the bytes a protected record adds to its plaintext
    /// (header, explicit nonce, tag, TLS 1.3's inner content type); the header alone before
    /// the handshake.
    pub fn record_expansion(&self) -> usize {
        match &self.info {
            None => HEADER,
            // TLS 1.2: the suite's explicit nonce (AES-GCM 8 bytes, ChaCha20-Poly1305 none).
            Some(info) if info.version == TLS1_2 => {
                let nonce = tls12_suite(info.suite).map_or(0, |s| s.aead_alg.key_block_shape().explicit_nonce_len);
                HEADER + nonce + TAG
            }
            // TLS 1.3: the inner content type byte; rustls adds no padding.
            Some(_) => HEADER + TAG + 1,
        }
    }

    /// `mbedtls_ssl_send_alert_message`: close_notify at any time after the handshake; any
    /// alert on a TLS 1.2 connection whose records this library runs (renegotiation enabled).
    /// As in Mbed TLS, the alert is only sent: closing the connection after a fatal one is the
    /// caller's part.
    ///
    /// # Errors
    /// `SslFeatureUnavailable` for other alerts on connections rustls runs (rustls sends only
    /// the alerts of its own protocol decisions), and before the handshake.
    pub fn send_alert(&mut self, level: u8, description: u8) -> Result<()> {
        let (level, description) = (AlertLevel(level), AlertDescription(description));
        if level == AlertLevel::WARNING && description == AlertDescription::CloseNotify {
            return self.close_notify();
        }
        let Stage::Tls12(engine) = &mut self.stage else {
            log::error!("only close_notify can be sent on this connection ({description:?} asked)");
            return Err(Error::SslFeatureUnavailable);
        };
        engine.send_alert(level, description, &mut self.out)?;
        self.flush()
    }
}
