//! The one error type of the safe core.
//!
//! Every variant stands for exactly one `MBEDTLS_ERR_*` value of Mbed TLS 3.6; the numbers live
//! on the C side (`ffi::error::code_of`), so the core never deals in magic integers. Errors that
//! come out of rustls are mapped here, in one place (`Error::from_rustls`).

use rustls::error::{AlertDescription, CertificateError, PeerIncompatible, PeerMisbehaved};

/// An error of the core, named after the `MBEDTLS_ERR_*` code it becomes at the C boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    // --- ssl.h
    SslFeatureUnavailable,
    SslBadInputData,
    SslInvalidMac,
    SslInvalidRecord,
    SslConnEof,
    SslDecodeError,
    SslNoRng,
    SslNoClientCertificate,
    SslUnsupportedExtension,
    SslNoApplicationProtocol,
    SslPrivateKeyRequired,
    SslCaChainRequired,
    SslUnexpectedMessage,
    SslFatalAlertMessage,
    SslUnrecognizedName,
    SslPeerCloseNotify,
    SslBadCertificate,
    SslReceivedNewSessionTicket,
    SslCacheEntryNotFound,
    SslAllocFailed,
    SslBadProtocolVersion,
    SslHandshakeFailure,
    SslSessionTicketExpired,
    SslPkTypeMismatch,
    SslInternalError,
    SslCounterWrapping,
    SslWaitingServerHelloRenego,
    SslBufferTooSmall,
    SslWantRead,
    SslWantWrite,
    SslTimeout,
    SslIllegalParameter,
    SslVersionMismatch,
    SslBadConfig,
    SslCertificateVerificationWithoutHostname,
    // --- x509.h
    X509FeatureUnavailable,
    X509UnknownOid,
    X509InvalidFormat,
    X509InvalidVersion,
    X509InvalidSerial,
    X509InvalidAlg,
    X509InvalidName,
    X509InvalidDate,
    X509InvalidSignature,
    X509InvalidExtensions,
    X509UnknownVersion,
    X509UnknownSigAlg,
    X509SigMismatch,
    X509CertVerifyFailed,
    X509CertUnknownFormat,
    X509BadInputData,
    X509AllocFailed,
    X509FileIoError,
    X509BufferTooSmall,
    X509FatalError,
    // --- pk.h
    PkAllocFailed,
    PkTypeMismatch,
    PkBadInputData,
    PkFileIoError,
    PkKeyInvalidVersion,
    PkKeyInvalidFormat,
    PkUnknownPkAlg,
    PkPasswordRequired,
    PkPasswordMismatch,
    PkInvalidPubkey,
    PkInvalidAlg,
    PkUnknownNamedCurve,
    PkFeatureUnavailable,
    // --- pem.h
    PemNoHeaderFooterPresent,
    PemInvalidData,
    PemInvalidEncIv,
    PemUnknownEncAlg,
    PemPasswordRequired,
    PemPasswordMismatch,
    PemFeatureUnavailable,
    PemBadInputData,
    // --- net_sockets.h
    NetSocketFailed,
    NetConnectFailed,
    NetBindFailed,
    NetListenFailed,
    NetAcceptFailed,
    NetRecvFailed,
    NetSendFailed,
    NetConnReset,
    NetUnknownHost,
    NetBufferTooSmall,
    NetInvalidContext,
    NetPollFailed,
    NetBadInputData,
    // --- ctr_drbg.h / entropy.h
    CtrDrbgEntropySourceFailed,
    CtrDrbgRequestTooBig,
    CtrDrbgInputTooBig,
    EntropySourceFailed,
    // --- cipher.h (ticket key rotation)
    CipherBadInputData,
    /// A negative code returned by one of the application's callbacks (BIO, cache, ticket),
    /// handed back to the application unchanged, as Mbed TLS does.
    Passthrough(i32),
    /// Internal signal: one of the application's callbacks that receive the context (SNI,
    /// new session ticket) must run before the operation can go on. The C layer runs it with
    /// no borrow of the context held and retries the operation; never reaches C.
    CallbackPending,
}

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
