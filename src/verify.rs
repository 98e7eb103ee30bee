//! Peer certificate verification with Mbed TLS's semantics.
//!
//! rustls stops at the first problem; Mbed TLS reports every problem as a bit in a
//! `MBEDTLS_X509_BADCERT_*` mask and lets `VERIFY_OPTIONAL` connections go on. The verifiers here
//! compute that mask (chain, validity period and host name are checked separately), record it
//! for `mbedtls_ssl_get_verify_result`, and fail the handshake only under `VERIFY_REQUIRED`.
//! Handshake signatures are always checked, whatever the mode.

use std::sync::{Arc, Mutex};

use rustls::client::danger::{
    HandshakeSignatureValid, PeerVerified, ServerIdentity, ServerVerifier, SignatureVerificationInput,
};
use rustls::client::{verify_identity_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::{Identity, SignatureScheme, WebPkiSupportedAlgorithms};
use rustls::error::CertificateError;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::server::danger::{ClientIdentity, ClientVerifier};
use rustls::{DistinguishedName, RootCertStore};

use crate::config::AuthMode;

// The `MBEDTLS_X509_BADCERT_*` / `BADCRL_*` bits (`badcert`, `badcrl`) and their texts
// (`FLAG_TEXTS`), generated from the one table in src/tables/verify_flags.txt.
include!(concat!(env!("OUT_DIR"), "/verify_flags.rs"));

/// "No verification result available" (`mbedtls_ssl_get_verify_result` before a handshake).
pub(crate) const NO_RESULT: u32 = u32::MAX;

/// The verification result of one handshake, shared between the verifier and its connection.
#[derive(Clone, Debug, Default)]
pub struct VerifyRecord {
    inner: Arc<Mutex<Option<u32>>>,
}

impl VerifyRecord {
    fn set(&self, flags: u32) {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = Some(flags);
    }

    /// The flags recorded by the last verification, if one ran.
    pub fn flags(&self) -> Option<u32> {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn algorithms() -> &'static WebPkiSupportedAlgorithms {
    &rustls_aws_lc_rs::SUPPORTED_SIG_ALGS
}

/// Maps one webpki/rustls certificate error to BADCERT bits.
fn flags_for(err: &rustls::Error) -> u32 {
    match err {
        rustls::Error::InvalidCertificate(e) => match e {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => badcert::EXPIRED,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => badcert::FUTURE,
            CertificateError::UnknownIssuer | CertificateError::BadSignature => badcert::NOT_TRUSTED,
            CertificateError::UnsupportedSignatureAlgorithm { .. }
            | CertificateError::UnsupportedSignatureAlgorithmForPublicKey { .. } => {
                badcert::NOT_TRUSTED | badcert::BAD_MD
            }
            CertificateError::Revoked => badcert::REVOKED,
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => badcert::EXT_KEY_USAGE,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => badcert::CN_MISMATCH,
            _ => badcert::OTHER,
        },
        _ => badcert::OTHER,
    }
}

/// The certificate error to fail a `VERIFY_REQUIRED` handshake with; it selects the alert
/// (unknown_ca, certificate_expired, bad_certificate) that Mbed TLS would send.
fn failure_for(flags: u32) -> rustls::Error {
    let e = if flags & badcert::NOT_TRUSTED != 0 {
        CertificateError::UnknownIssuer
    } else if flags & badcert::EXPIRED != 0 {
        CertificateError::Expired
    } else if flags & badcert::FUTURE != 0 {
        CertificateError::NotValidYet
    } else if flags & badcert::REVOKED != 0 {
        CertificateError::Revoked
    } else if flags & badcert::CN_MISMATCH != 0 {
        CertificateError::NotValidForName
    } else {
        CertificateError::ApplicationVerificationFailure
    };
    rustls::Error::InvalidCertificate(e)
}

/// What a chain check needs: a non-empty root store and the end-entity certificate parsed (as
/// `C`). Otherwise the flags to report: `NOT_TRUSTED` without roots, `OTHER | NOT_TRUSTED` for a
/// certificate that does not parse.
fn roots_and_parsed<'r, 'c, C: TryFrom<&'c CertificateDer<'c>>>(
    roots: Option<&'r RootCertStore>,
    ee: &'c CertificateDer<'c>,
) -> Result<(&'r RootCertStore, C), u32> {
    let roots = roots.filter(|r| !r.is_empty()).ok_or(badcert::NOT_TRUSTED)?;
    let parsed = C::try_from(ee).map_err(|_| badcert::OTHER | badcert::NOT_TRUSTED)?;
    Ok((roots, parsed))
}

/// Chain flags for a server certificate: trust, validity period, key purpose. An expired or
/// not-yet-valid certificate is checked once more at a time inside its validity period, so that
/// an untrusted expired certificate reports both bits, as Mbed TLS does.
fn server_chain_flags(
    ee: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    roots: Option<&RootCertStore>,
    now: UnixTime,
) -> u32 {
    let (roots, parsed) = match roots_and_parsed::<ParsedCertificate<'_>>(roots, ee) {
        Ok(inputs) => inputs,
        Err(flags) => return flags,
    };
    let algs = rustls_aws_lc_rs::ALL_VERIFICATION_ALGS;
    let check = |at: UnixTime| verify_identity_signed_by_trust_anchor(&parsed, roots, intermediates, at, algs);
    match check(now) {
        Ok(()) => 0,
        Err(err) => {
            let mut flags = flags_for(&err);
            let retry_at = match &err {
                rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { not_after, .. }) => {
                    Some(*not_after)
                }
                rustls::Error::InvalidCertificate(CertificateError::NotValidYetContext { not_before, .. }) => {
                    Some(*not_before)
                }
                _ => None,
            };
            if let Some(at) = retry_at {
                if let Err(again) = check(at) {
                    flags |= flags_for(&again);
                }
            }
            flags
        }
    }
}

/// Every problem of a server certificate chain as BADCERT bits: trust, validity, key purpose
/// and (when `expected_name` is given) the host name. Used by the handshake verifier below and
/// by renegotiation handshakes, which rustls does not run.
pub(crate) fn server_certificate_flags(
    ee: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    roots: Option<&RootCertStore>,
    expected_name: Option<&ServerName<'_>>,
    now: UnixTime,
) -> u32 {
    let mut flags = server_chain_flags(ee, intermediates, roots, now);
    if let Some(name) = expected_name {
        match ParsedCertificate::try_from(ee) {
            Ok(parsed) => {
                if verify_server_name(&parsed, name).is_err() {
                    flags |= badcert::CN_MISMATCH;
                }
            }
            Err(_) => flags |= badcert::CN_MISMATCH,
        }
    }
    flags
}

/// Every problem of a client certificate chain as BADCERT bits (trust, validity, the
/// client-authentication key purpose), as rustls's WebPKI client verifier checks it. Used by
/// the handshake verifier below and by renegotiation handshakes.
pub(crate) fn client_certificate_flags(
    ee: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    roots: Option<&RootCertStore>,
    now: UnixTime,
) -> u32 {
    let (roots, cert) = match roots_and_parsed::<webpki::EndEntityCert<'_>>(roots, ee) {
        Ok(inputs) => inputs,
        Err(flags) => return flags,
    };
    let usage = webpki::ExtendedKeyUsage::client_auth();
    match cert.verify_for_usage(
        rustls_aws_lc_rs::ALL_VERIFICATION_ALGS,
        &roots.roots,
        intermediates,
        now,
        &usage,
        None,
        None,
    ) {
        Ok(_) => 0,
        Err(e) => webpki_flags(&e),
    }
}

/// BADCERT bits of a webpki error (the same classes as [`flags_for`] gives rustls's errors).
fn webpki_flags(err: &webpki::Error) -> u32 {
    use webpki::Error as E;
    match err {
        E::CertExpired { .. } | E::InvalidCertValidity => badcert::EXPIRED,
        E::CertNotValidYet { .. } => badcert::FUTURE,
        E::UnknownIssuer | E::InvalidSignatureForPublicKey => badcert::NOT_TRUSTED,
        E::UnsupportedSignatureAlgorithm(_) | E::UnsupportedSignatureAlgorithmForPublicKey(_) => {
            badcert::NOT_TRUSTED | badcert::BAD_MD
        }
        E::CertRevoked => badcert::REVOKED,
        E::RequiredEkuNotFound(_) => badcert::EXT_KEY_USAGE,
        _ => badcert::OTHER,
    }
}

/// Records the flags of a peer certificate (`peer`: "server" or "client") and decides: only
/// `VERIFY_REQUIRED` fails the handshake, and only when some flag is set.
fn conclude(record: &VerifyRecord, authmode: AuthMode, peer: &str, flags: u32) -> Result<PeerVerified, rustls::Error> {
    record.set(flags);
    log::debug!("{peer} certificate verification flags: {flags:#x}");
    if flags != 0 && authmode == AuthMode::Required {
        return Err(failure_for(flags));
    }
    Ok(PeerVerified::assertion())
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
            algorithms().supported_schemes()
        }
    };
}

/// The client side's verifier of the server certificate.
#[derive(Debug)]
pub(crate) struct ServerCertVerifier {
    pub(crate) authmode: AuthMode,
    pub(crate) roots: Option<Arc<RootCertStore>>,
    /// The host name to match; None when the application opted out (`set_hostname(NULL)`).
    pub(crate) expected_name: Option<ServerName<'static>>,
    pub(crate) record: VerifyRecord,
}

impl ServerVerifier for ServerCertVerifier {
    fn verify_identity(&self, identity: &ServerIdentity<'_>) -> Result<PeerVerified, rustls::Error> {
        if self.authmode == AuthMode::None {
            self.record.set(badcert::SKIP_VERIFY);
            return Ok(PeerVerified::assertion());
        }
        let Identity::X509(certs) = identity.identity else {
            self.record.set(badcert::OTHER);
            return Err(rustls::Error::InvalidCertificate(CertificateError::BadEncoding));
        };
        let flags = server_certificate_flags(
            &certs.end_entity,
            &certs.intermediates,
            self.roots.as_deref(),
            self.expected_name.as_ref(),
            identity.now,
        );
        conclude(&self.record, self.authmode, "server", flags)
    }

    handshake_signature_checks!();

    fn request_ocsp_response(&self) -> bool {
        false
    }

    fn hash_config(&self, h: &mut dyn core::hash::Hasher) {
        h.write_u8(self.authmode as u8);
        h.write_usize(self.roots.as_ref().map_or(0, |r| Arc::as_ptr(r) as usize));
    }
}

/// The server side's verifier of client certificates (`mbedtls_ssl_conf_authmode` on a server).
#[derive(Debug)]
pub(crate) struct ClientCertVerifier {
    authmode: AuthMode,
    roots: Option<Arc<RootCertStore>>,
    subjects: Arc<[DistinguishedName]>,
    pub(crate) record: VerifyRecord,
}

impl ClientCertVerifier {
    pub(crate) fn new(authmode: AuthMode, roots: Option<Arc<RootCertStore>>, record: VerifyRecord) -> Self {
        let subjects: Arc<[DistinguishedName]> = roots.as_ref().map(|r| r.subjects()).unwrap_or_default().into();
        Self { authmode, roots, subjects, record }
    }
}

impl ClientVerifier for ClientCertVerifier {
    fn verify_identity(&self, identity: &ClientIdentity<'_>) -> Result<PeerVerified, rustls::Error> {
        let flags = match identity.identity {
            Identity::X509(certs) => {
                client_certificate_flags(&certs.end_entity, &certs.intermediates, self.roots.as_deref(), identity.now)
            }
            _ => badcert::OTHER,
        };
        conclude(&self.record, self.authmode, "client", flags)
    }

    handshake_signature_checks!();

    fn root_hint_subjects(&self) -> Arc<[DistinguishedName]> {
        self.subjects.clone()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.authmode == AuthMode::Required
    }

    fn offer_client_auth(&self) -> bool {
        self.authmode != AuthMode::None
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
mod tests {
    use super::*;

    #[test]
    fn required_failure_picks_the_alert_of_the_worst_problem() {
        assert_eq!(
            failure_for(badcert::NOT_TRUSTED | badcert::EXPIRED),
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)
        );
        assert_eq!(
            failure_for(badcert::CN_MISMATCH),
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName)
        );
    }
}
