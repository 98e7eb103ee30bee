//! Peer certificate verification with Mbed TLS's semantics.
//!
//! rustls stops at the first problem; Mbed TLS reports every problem as a bit in a
//! `MBEDTLS_X509_BADCERT_*` mask per certificate, lets the application's verify callback see and
//! change those bits (highest depth first), and lets `VERIFY_OPTIONAL` connections go on. The
//! chain is built and checked here the way Mbed TLS does it ([`chain`]), with the certificate
//! profile ([`profile`]) and host-name rules ([`hostname`]) of Mbed TLS; signatures are checked
//! with the crypto provider's algorithms. [`PeerCheck`] is one verification's settings; the
//! rustls verifiers below and renegotiation handshakes use it, and `mbedtls_x509_crt_verify`
//! calls [`verify_chain`] directly. Handshake signatures are always checked, whatever the mode.

mod chain;
mod hostname;
pub(crate) mod profile;
mod revocation;

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, Mutex};

use rustls::DistinguishedName;
use rustls::client::danger::{
    HandshakeSignatureValid, PeerVerified, ServerIdentity, ServerVerifier, SignatureVerificationInput,
};
use rustls::crypto::{Identity, SignatureScheme, WebPkiSupportedAlgorithms};
use rustls::error::{AlertDescription, CertificateError, OtherError};
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientIdentity, ClientVerifier};

use crate::config::AuthMode;
use crate::error::Error;
use crate::x509::{Certificate, Crl, Time, ext_key_usage_allows, key_usage};

pub(crate) use chain::{Inputs, has_key_usage};
pub(crate) use profile::Profile;

// The `MBEDTLS_X509_BADCERT_*` / `BADCRL_*` bits (`badcert`, `badcrl`) and their texts
// (`FLAG_TEXTS`), generated from the one table in src/tables/verify_flags.txt.
include!(concat!(env!("OUT_DIR"), "/verify_flags.rs"));

/// "No verification result available" (`mbedtls_ssl_get_verify_result` before a handshake).
pub(crate) const NO_RESULT: u32 = u32::MAX;

/// The outcome of one handshake's verification, shared between the verifier and its connection:
/// the flags, and the error that ends the handshake when verification itself failed (the verify
/// callback's error, a chain too long).
#[derive(Clone, Debug, Default)]
pub struct VerifyRecord {
    inner: Arc<Mutex<(Option<u32>, Option<Error>)>>,
}

impl VerifyRecord {
    fn set(&self, flags: u32, error: Option<Error>) {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = (Some(flags), error);
    }

    /// The flags recorded by the last verification, if one ran.
    pub fn flags(&self) -> Option<u32> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    /// The error the last verification ended the handshake with, if it did so itself (rather
    /// than by flags under `VERIFY_REQUIRED`, which is `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED`).
    pub fn error(&self) -> Option<Error> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// The application's verify callback (`mbedtls_ssl_conf_verify`, `mbedtls_ssl_set_verify`,
/// the callback argument of `mbedtls_x509_crt_verify`), implemented by the C layer.
pub(crate) trait VerifyCallback: Send + Sync + fmt::Debug {
    /// Calls the application once per certificate of `chain` (index = depth, 0 the peer's own)
    /// from the highest depth down to 0, with `flags[depth]`, which it may change. Stops at the
    /// first call that fails and returns its error (`Passthrough` of the application's code;
    /// `X509FatalError` for `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED`, so that `VERIFY_OPTIONAL`
    /// cannot ignore it).
    fn run(&self, chain: &[&Certificate], flags: &mut [u32]) -> Result<(), Error>;
}

/// The CRLs of a `ca_crl` list, shared (they can be large).
pub(crate) type CrlList = Arc<[Arc<Crl>]>;

/// Trusted CAs and the CRLs that go with them (`mbedtls_ssl_conf_ca_chain`,
/// `mbedtls_ssl_set_hs_ca_chain`), parsed once.
#[derive(Debug, Default)]
pub(crate) struct TrustStore {
    cas: Vec<Certificate>,
    crls: CrlList,
}

impl TrustStore {
    /// The CAs of `ders` that parse (Mbed TLS's lists only hold parsed certificates), no CRLs.
    pub(crate) fn from_ders(ders: &[CertificateDer<'_>]) -> TrustStore {
        TrustStore { cas: ders.iter().filter_map(|d| Certificate::from_der(d).ok()).collect(), crls: Arc::new([]) }
    }

    /// The same CAs, with the CRLs checked in each verification (`ca_crl`).
    pub(crate) fn with_crls(self, crls: CrlList) -> TrustStore {
        TrustStore { crls, ..self }
    }

    /// The subjects of the CAs (the names a server lists in its CertificateRequest).
    pub(crate) fn subjects(&self) -> Vec<DistinguishedName> {
        self.cas.iter().map(|c| DistinguishedName::from(c.bytes(c.subject_raw()).to_vec())).collect()
    }
}

/// Which side's certificate is checked, for the key-usage checks that follow the chain check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PeerRole {
    /// A server's certificate (checked by a client): extendedKeyUsage serverAuth.
    Server,
    /// A client's certificate (checked by a server): extendedKeyUsage clientAuth.
    Client,
}

/// Everything one peer verification uses.
#[derive(Clone, Debug)]
pub(crate) struct PeerCheck {
    pub(crate) authmode: AuthMode,
    pub(crate) trust: Option<Arc<TrustStore>>,
    pub(crate) profile: Profile,
    pub(crate) callback: Option<Arc<dyn VerifyCallback>>,
    /// Client: the host name the server certificate must be valid for (None: not checked).
    pub(crate) expected_name: Option<String>,
    pub(crate) peer: PeerRole,
    /// `mbedtls_ssl_conf_sig_algs`: the handshake signature schemes offered and accepted (None:
    /// the provider's).
    pub(crate) sig_algs: Option<Arc<[u16]>>,
}

impl PeerCheck {
    /// The handshake signature schemes this side offers and accepts.
    fn verify_schemes(&self) -> Vec<SignatureScheme> {
        let all = algorithms().supported_schemes();
        match &self.sig_algs {
            Some(allowed) => all.into_iter().filter(|s| allowed.contains(&u16::from(*s))).collect(),
            None => all,
        }
    }

    /// Checks a peer's chain (its certificate first) as Mbed TLS's
    /// `mbedtls_ssl_verify_certificate` does: the chain with the profile, the CAs and the
    /// expected name, the verify callback, then the key-usage checks the callback cannot clear.
    ///
    /// # Errors
    /// The callback's error, or `X509FatalError` for a chain longer than Mbed TLS allows.
    pub(crate) fn flags(&self, chain: &[CertificateDer<'_>], now: UnixTime) -> Result<u32, Error> {
        let Some(ee) = chain.first() else { return Ok(badcert::MISSING) };
        let Ok(ee) = Certificate::from_der(ee) else {
            log::debug!("the peer's certificate does not parse");
            return Ok(badcert::OTHER | badcert::NOT_TRUSTED);
        };
        let mut peer = vec![ee];
        peer.extend(chain[1..].iter().filter_map(|d| Certificate::from_der(d).ok()));
        let (trusted, crls) = self.trust.as_deref().map_or((&[][..], &[][..]), |t| (&t.cas[..], &t.crls[..]));
        let inputs = chain::Inputs {
            trusted,
            crls,
            profile: &self.profile,
            name: self.expected_name.as_deref(),
            now: calendar_time(now)?,
        };
        let mut flags = verify_chain(&peer, &inputs, self.callback.as_deref())?;
        flags |= self.usage_flags(&peer[0]);
        Ok(flags)
    }

    /// `mbedtls_ssl_check_cert_usage`: digitalSignature (the only key use of the ECDHE and
    /// TLS 1.3 key exchanges rustls offers) and the extended key usage of the peer's role.
    fn usage_flags(&self, ee: &Certificate) -> u32 {
        let mut flags = 0;
        if !has_key_usage(ee, key_usage::DIGITAL_SIGNATURE) {
            flags |= badcert::KEY_USAGE;
        }
        let purpose = match self.peer {
            PeerRole::Server => SERVER_AUTH,
            PeerRole::Client => CLIENT_AUTH,
        };
        if !has_extended_key_usage(ee, purpose) {
            flags |= badcert::EXT_KEY_USAGE;
        }
        flags
    }

    /// Records the outcome of [`PeerCheck::flags`] and decides as Mbed TLS does: an error
    /// always ends the handshake (flags all set), flags only under `VERIFY_REQUIRED`.
    fn conclude(&self, record: &VerifyRecord, outcome: Result<u32, Error>) -> Result<PeerVerified, rustls::Error> {
        match outcome {
            Ok(flags) => {
                record.set(flags, None);
                log::debug!("{:?} certificate verification flags: {flags:#x}", self.peer);
                if flags != 0 && self.authmode == AuthMode::Required {
                    return Err(failure_for(flags));
                }
                Ok(PeerVerified::assertion())
            }
            Err(e) => {
                log::error!("{:?} certificate verification failed: {e:?}", self.peer);
                record.set(u32::MAX, Some(e));
                Err(failure_for(u32::MAX))
            }
        }
    }
}

/// Dotted OIDs of the extended key usages checked here.
const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";

/// `mbedtls_x509_crt_check_extended_key_usage` on `cert` (see [`ext_key_usage_allows`]).
pub(crate) fn has_extended_key_usage(cert: &Certificate, purpose: &str) -> bool {
    ext_key_usage_allows(cert.extensions().ext_key_usage.as_deref(), purpose)
}

/// The calendar time of `now`, as Mbed TLS's verification takes it (`mbedtls_x509_time_gmtime`).
///
/// # Errors
/// `X509FatalError` when the time does not fit, as in Mbed TLS.
pub(crate) fn calendar_time(now: UnixTime) -> Result<Time, Error> {
    i64::try_from(now.as_secs()).ok().and_then(Time::from_unix).ok_or(Error::X509FatalError)
}

/// `mbedtls_x509_crt_verify_with_profile`: builds and checks the chain of `peer` (its
/// certificate first) against the CAs and CRLs of `inputs`, runs `callback` on it, and returns
/// the merged flags.
///
/// # Errors
/// The callback's error, `X509FatalError` for a chain too long, `X509BadInputData` for an
/// empty `peer`.
pub(crate) fn verify_chain(
    peer: &[Certificate],
    inputs: &Inputs<'_>,
    callback: Option<&dyn VerifyCallback>,
) -> Result<u32, Error> {
    let links = chain::build(peer, inputs)?;
    let certs: Vec<&Certificate> = links.iter().map(|l| l.cert).collect();
    let mut flags: Vec<u32> = links.iter().map(|l| l.flags).collect();
    if let Some(callback) = callback {
        callback.run(&certs, &mut flags)?;
    }
    Ok(flags.iter().fold(0, |all, f| all | f))
}

/// The certificate problem that fails a handshake with `flags`: it selects the alert Mbed TLS
/// sends for them (checked in Mbed TLS's order: access_denied, bad_certificate,
/// unsupported_certificate, certificate_expired, certificate_revoked, unknown_ca,
/// certificate_unknown).
fn certificate_error(flags: u32) -> CertificateError {
    let unsupported =
        badcert::KEY_USAGE | badcert::EXT_KEY_USAGE | badcert::NS_CERT_TYPE | badcert::BAD_PK | badcert::BAD_KEY;
    if flags & badcert::OTHER != 0 {
        CertificateError::ApplicationVerificationFailure
    } else if flags & badcert::CN_MISMATCH != 0 {
        CertificateError::NotValidForName
    } else if flags & unsupported != 0 {
        CertificateError::InvalidPurpose
    } else if flags & badcert::EXPIRED != 0 {
        CertificateError::Expired
    } else if flags & badcert::REVOKED != 0 {
        CertificateError::Revoked
    } else if flags & badcert::NOT_TRUSTED != 0 {
        CertificateError::UnknownIssuer
    } else {
        CertificateError::Other(OtherError::new(std::io::Error::other(format!("verification flags {flags:#x}"))))
    }
}

/// The error that fails a rustls handshake with `flags` (see [`certificate_error`]).
fn failure_for(flags: u32) -> rustls::Error {
    rustls::Error::InvalidCertificate(certificate_error(flags))
}

/// The alert Mbed TLS sends when verification fails with `flags` (renegotiation handshakes,
/// which this library runs itself; see [`certificate_error`]).
pub(crate) fn alert_for(flags: u32) -> AlertDescription {
    AlertDescription::from(&certificate_error(flags))
}

fn algorithms() -> &'static WebPkiSupportedAlgorithms {
    &rustls_aws_lc_rs::SUPPORTED_SIG_ALGS
}

/// The handshake-signature methods of both verifiers (the same trait methods in
/// `ServerVerifier` and `ClientVerifier`): signatures are always checked, whatever the
/// authmode, with the provider's algorithms.
macro_rules! handshake_signature_checks {
    () => {
        fn verify_tls12_signature(
            &self,
            input: &SignatureVerificationInput<'_>,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls12_signature(input, algorithms())
        }

        fn verify_tls13_signature(
            &self,
            input: &SignatureVerificationInput<'_>,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            rustls::crypto::verify_tls13_signature(input, algorithms())
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.check.verify_schemes()
        }
    };
}

/// The client side's verifier of the server certificate.
#[derive(Debug)]
pub(crate) struct ServerCertVerifier {
    pub(crate) check: PeerCheck,
    pub(crate) record: VerifyRecord,
}

impl ServerVerifier for ServerCertVerifier {
    fn verify_identity(&self, identity: &ServerIdentity<'_>) -> Result<PeerVerified, rustls::Error> {
        if self.check.authmode == AuthMode::None {
            self.record.set(badcert::SKIP_VERIFY, None);
            return Ok(PeerVerified::assertion());
        }
        let Some(chain) = chain_of(identity.identity) else {
            self.record.set(badcert::OTHER, None);
            return Err(rustls::Error::InvalidCertificate(CertificateError::BadEncoding));
        };
        self.check.conclude(&self.record, self.check.flags(&chain, identity.now))
    }

    handshake_signature_checks!();

    fn request_ocsp_response(&self) -> bool {
        false
    }

    fn hash_config(&self, h: &mut dyn core::hash::Hasher) {
        h.write_u8(self.check.authmode as u8);
        h.write_usize(self.check.trust.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize));
    }
}

/// The server side's verifier of client certificates (`mbedtls_ssl_conf_authmode` on a server).
#[derive(Debug)]
pub(crate) struct ClientCertVerifier {
    check: PeerCheck,
    subjects: Arc<[DistinguishedName]>,
    pub(crate) record: VerifyRecord,
}

impl ClientCertVerifier {
    /// A verifier listing `subjects` as acceptable CAs in the CertificateRequest.
    pub(crate) fn new(check: PeerCheck, subjects: Arc<[DistinguishedName]>, record: VerifyRecord) -> Self {
        Self { check, subjects, record }
    }
}

impl ClientVerifier for ClientCertVerifier {
    fn verify_identity(&self, identity: &ClientIdentity<'_>) -> Result<PeerVerified, rustls::Error> {
        let outcome = match chain_of(identity.identity) {
            Some(chain) => self.check.flags(&chain, identity.now),
            None => Ok(badcert::OTHER),
        };
        self.check.conclude(&self.record, outcome)
    }

    handshake_signature_checks!();

    fn root_hint_subjects(&self) -> Arc<[DistinguishedName]> {
        self.subjects.clone()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.check.authmode == AuthMode::Required
    }

    fn offer_client_auth(&self) -> bool {
        self.check.authmode != AuthMode::None
    }
}

thread_local! {
    /// The client verifier of the server connection rustls is running for on this thread.
    static CLIENT_VERIFIER: RefCell<Option<Arc<ClientCertVerifier>>> = const { RefCell::new(None) };
}

/// Runs `f` (a call into a rustls server connection) with `verifier` as the one
/// [`RoutedClientVerifier`] asks; the previous one is put back afterwards, also when `f` unwinds,
/// so a verify callback that drives another connection's handshake leaves this one's in place.
pub(crate) fn with_client_verifier<R>(verifier: Option<Arc<ClientCertVerifier>>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<ClientCertVerifier>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CLIENT_VERIFIER.with(|current| *current.borrow_mut() = previous);
        }
    }
    let _restore = Restore(CLIENT_VERIFIER.with(|current| current.replace(verifier)));
    f()
}

/// The client verifier of a server configuration that connections share (built once per
/// configuration snapshot, `Snapshot::server_template`): each call goes to the verifier of the
/// connection being run on this thread ([`with_client_verifier`]), which holds that connection's
/// verification record and the SNI callback's choices. Outside such a call it fails closed: a
/// certificate is asked for and required, and every verification fails.
#[derive(Debug)]
pub(crate) struct RoutedClientVerifier;

impl RoutedClientVerifier {
    fn current() -> Option<Arc<ClientCertVerifier>> {
        let current = CLIENT_VERIFIER.with(|current| current.borrow().clone());
        if current.is_none() {
            log::error!("a client verifier was asked for outside a server connection's call");
        }
        current
    }
}

fn unrouted() -> rustls::Error {
    rustls::Error::General("no connection to verify for".into())
}

impl ClientVerifier for RoutedClientVerifier {
    fn verify_identity(&self, identity: &ClientIdentity<'_>) -> Result<PeerVerified, rustls::Error> {
        Self::current().ok_or_else(unrouted)?.verify_identity(identity)
    }

    fn verify_tls12_signature(
        &self,
        input: &SignatureVerificationInput<'_>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Self::current().ok_or_else(unrouted)?.verify_tls12_signature(input)
    }

    fn verify_tls13_signature(
        &self,
        input: &SignatureVerificationInput<'_>,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Self::current().ok_or_else(unrouted)?.verify_tls13_signature(input)
    }

    fn root_hint_subjects(&self) -> Arc<[DistinguishedName]> {
        Self::current().map(|v| v.root_hint_subjects()).unwrap_or_else(|| Arc::from([]))
    }

    fn client_auth_mandatory(&self) -> bool {
        Self::current().is_none_or(|v| v.client_auth_mandatory())
    }

    fn offer_client_auth(&self) -> bool {
        Self::current().is_none_or(|v| v.offer_client_auth())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        Self::current().map(|v| v.supported_verify_schemes()).unwrap_or_default()
    }
}

/// The certificate chain (end entity first) of an X.509 identity, as rustls reports a peer's or
/// holds our own; `None` for a raw public key, which has no chain.
pub(crate) fn chain_of(identity: &Identity<'_>) -> Option<Vec<CertificateDer<'static>>> {
    let Identity::X509(identity) = identity else { return None };
    let mut chain = vec![identity.end_entity.clone().into_owned()];
    chain.extend(identity.intermediates.iter().map(|c| c.clone().into_owned()));
    Some(chain)
}

#[cfg(test)]
mod tests;
