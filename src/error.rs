//! The one error type of the safe core.
//!
//! Every variant stands for exactly one `MBEDTLS_ERR_*` value of Mbed TLS 3.6. The enum is generated
//! by build.rs from the one table of codes, `src/tables/errors.txt`, which also gives the C side its
//! constants, `code_of` and texts (`ffi::error`), so the core never deals in magic integers. Errors
//! that come out of rustls are mapped here, in one place (`Error::from_rustls`).

use rustls::error::{AlertDescription, CertificateError, PeerIncompatible, PeerMisbehaved};

include!(concat!(env!("OUT_DIR"), "/error_enum.rs"));

pub type Result<T, E = Error> = core::result::Result<T, E>;

impl Error {
    /// The one mapping from a rustls error to ours.
    ///
    /// Certificate errors are not mapped here: the verifier records `MBEDTLS_X509_BADCERT_*`
    /// flags itself, and a connection that fails verification reports
    /// `MBEDTLS_ERR_X509_CERT_VERIFY_FAILED` like Mbed TLS does.
    pub fn from_rustls(err: &rustls::Error) -> Self {
        use rustls::Error as E;
        match err {
            E::AlertReceived(AlertDescription::CloseNotify) => Error::SslPeerCloseNotify,
            E::AlertReceived(_) => Error::SslFatalAlertMessage,
            E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => Error::SslUnexpectedMessage,
            E::InvalidMessage(_) => Error::SslDecodeError,
            E::DecryptError => Error::SslInvalidMac,
            E::PeerSentOversizedRecord => Error::SslInvalidRecord,
            E::NoApplicationProtocol => Error::SslNoApplicationProtocol,
            E::InvalidCertificate(CertificateError::BadEncoding) => Error::SslBadCertificate,
            E::InvalidCertificate(_) => Error::X509CertVerifyFailed,
            E::PeerIncompatible(p) => match p {
                PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig
                | PeerIncompatible::SupportedVersionsExtensionRequired
                | PeerIncompatible::Tls12NotOffered
                | PeerIncompatible::Tls12NotOfferedOrEnabled
                | PeerIncompatible::ServerDoesNotSupportTls12Or13 => Error::SslBadProtocolVersion,
                _ => Error::SslHandshakeFailure,
            },
            E::PeerMisbehaved(PeerMisbehaved::NoCertificatesPresented) => Error::SslNoClientCertificate,
            E::PeerMisbehaved(_) => Error::SslHandshakeFailure,
            E::NoSuitableCertificate => Error::SslHandshakeFailure,
            E::FailedToGetRandomBytes => Error::SslNoRng,
            E::InconsistentKeys(_) => Error::SslPkTypeMismatch,
            E::UnsupportedNameType => Error::SslBadInputData,
            E::HandshakeNotComplete => Error::SslBadInputData,
            _ => Error::SslInternalError,
        }
    }

    /// True for the two codes that mean "call again when the transport is ready".
    pub fn is_want(self) -> bool {
        matches!(self, Error::SslWantRead | Error::SslWantWrite)
    }
}

/// An operation's failure: one Mbed TLS code, or two added together as Mbed TLS reports a
/// malformed ECDSA signature (`MBEDTLS_ERR_ECP_BAD_INPUT_DATA` + an `MBEDTLS_ERR_ASN1_*` code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpError {
    Code(Error),
    Sum(Error, Error),
}

impl From<Error> for OpError {
    fn from(e: Error) -> Self {
        OpError::Code(e)
    }
}
