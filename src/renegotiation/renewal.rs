//! Periodic key renewal of a taken-over TLS 1.2 connection: after
//! `mbedtls_ssl_conf_renegotiation_period` records in either direction, or every
//! `mbedtls_compat_ssl_conf_renegotiation_interval` seconds (IEC 62351-3).

use std::time::Instant;

use super::Tls12Connection;
use crate::config::{Endpoint, Settings};

/// When the keys were last renewed, and whether the peer refused the last renewal by records.
#[derive(Debug, Default)]
pub(crate) struct RenewalClock {
    keys_since: Option<Instant>,
    /// The peer refused a renegotiation started by the record counter: not again with these
    /// keys (the time-based one still happens at its next interval).
    refused_by_records: bool,
}

impl RenewalClock {
    /// New keys are in use (the initial handshake or a renegotiation finished).
    pub(crate) fn keys_renewed(&mut self) {
        self.keys_since = Some(Instant::now());
        self.refused_by_records = false;
    }

    /// Whether a renegotiation is due now, and if so whether a client should offer its session
    /// (an abbreviated renewal by time). Starting it restarts the interval.
    pub(crate) fn due(&mut self, conn: &Tls12Connection, settings: &Settings, endpoint: Endpoint) -> Option<bool> {
        if !settings.renegotiation || conn.handshaking() || conn.hello_requested() || !conn.peer_secure() {
            return None;
        }
        let (tx, rx) = conn.record_counts();
        let period = settings.renegotiation_period;
        let by_records = !self.refused_by_records && (tx > period || rx > period);
        let (interval, abbreviated) = settings.renegotiation_interval;
        let by_time = interval > 0 && self.keys_since.is_some_and(|t| t.elapsed().as_secs() >= interval);
        if !(by_records || by_time) {
            return None;
        }
        log::debug!(
            "{}: renegotiate",
            if by_records { "record counter limit reached" } else { "renegotiation interval elapsed" }
        );
        self.keys_since = Some(Instant::now());
        // A server's request is a HelloRequest: the client decides what to offer.
        Some(abbreviated && by_time && endpoint == Endpoint::Client)
    }

    /// The peer answered a periodic renegotiation with no_renegotiation: the connection goes on
    /// with its keys (as `mbedtls_ssl_read` continues in Mbed TLS); no new attempt by records
    /// until the keys change.
    pub(crate) fn peer_refused(&mut self) {
        log::debug!("the peer refused the periodic renegotiation");
        self.refused_by_records = true;
    }
}
