//! The server's renegotiation state machine: a HelloRequest to ask for one; a renegotiation
//! ClientHello checked (RFC 5746, version) and answered either with an abbreviated handshake
//! resuming the current session or with the first flight of a full one (suite, certificate and
//! group chosen as rustls chooses them in the initial handshake); then the client's flight of a
//! full handshake, its certificate checked again.

use rustls::crypto::kx::{ActiveKeyExchange, NamedGroup};
use rustls::crypto::{CipherSuite, SignatureScheme};
use rustls::enums::{HandshakeType, ProtocolVersion};
use rustls::error::AlertDescription;
use rustls::pki_types::{CertificateDer, UnixTime};

use super::key_schedule::{FullHandshake, NewKeys, random32, same_secret};
use super::messages::{
    Hello, TLS12_GROUPS, certificate_message, certificate_request, ecdhe_parameters, handshake_message,
    parse_certificate_verify, parse_certificates, parse_client_hello, parse_client_key_exchange, server_key_exchange,
};
use super::record::AlertLevel;
use super::signatures::{scheme_fits, verify_signature};
use super::{Handshake, Policy, Tls12Connection};
use crate::config::{AuthMode, Endpoint};
use crate::error::{Error, Result};
use crate::verify::{self, badcert};

/// A full renegotiation on the server: our flight sent, the client's being read.
pub(super) struct FullServer {
    common: FullHandshake,
    kx: Option<Box<dyn ActiveKeyExchange>>,
    client_chain: Option<Vec<CertificateDer<'static>>>,
    pub(super) keys: Option<Box<NewKeys>>,
    pub(super) stage: FullServerStage,
}

/// The client message a full renegotiation waits for.
#[derive(PartialEq, Eq, Clone, Copy)]
pub(super) enum FullServerStage {
    Certificate,
    KeyExchange,
    CertificateVerify,
    ChangeCipherSpec,
    Finished,
}

impl Tls12Connection {
    /// Server: asks the client to renegotiate (HelloRequest).
    pub fn send_hello_request(&mut self, out: &mut Vec<u8>) -> Result<()> {
        if self.handshaking() {
            return Ok(());
        }
        log::debug!("=> renegotiate (sending HelloRequest)");
        self.send_handshake(&handshake_message(HandshakeType::HelloRequest, &[])?, out)?;
        self.hs = Handshake::HelloRequested { records: 0 };
        Ok(())
    }

    /// Server: a ClientHello inside the established connection.
    pub(super) fn server_client_hello(&mut self, message: &[u8], policy: &Policy, out: &mut Vec<u8>) -> Result<()> {
        let hello = match parse_client_hello(&message[4..]) {
            Ok(h) => h,
            Err(e) => return Err(self.fatal(AlertDescription::DecodeError, e, out)),
        };
        if !policy.enabled || !self.peer_secure {
            log::debug!(
                "refusing renegotiation ({})",
                if policy.enabled { "peer lacks RFC 5746" } else { "renegotiation disabled" }
            );
            self.hs = Handshake::Idle;
            return self.send_alert(AlertLevel::WARNING, AlertDescription::NoRenegotiation, out);
        }
        // RFC 5746 3.7: no SCSV, and the client's verify data from the previous handshake.
        let expected_ri = self.state.renegotiation_info(Endpoint::Client);
        if hello.scsv || !same_secret(hello.renegotiation_info.as_deref(), &expected_ri) {
            log::error!("renegotiation ClientHello without the right renegotiation_info");
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        }
        // RFC 7627 5.2/5.3: a connection with an extended master secret renegotiates with one.
        if self.state.ems && !hello.ems {
            log::error!("renegotiation ClientHello drops extended_master_secret");
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        }
        // The connection stays TLS 1.2 (IEC 62351-3: a version change is an alarm).
        if u16::from(hello.version) < u16::from(ProtocolVersion::TLSv1_2) {
            log::error!("renegotiation ClientHello for version {:#06x}", hello.version.0);
            return Err(self.fatal(AlertDescription::ProtocolVersion, Error::SslBadProtocolVersion, out));
        }
        log::debug!("=> renegotiate (client hello, session id {} bytes)", hello.session_id.len());
        let resumable = policy.resumption
            && !hello.session_id.is_empty()
            && hello.session_id == self.state.session_id
            && hello.suites.contains(&self.state.suite.common.suite)
            && hello.ems == self.state.ems;
        if resumable {
            self.server_abbreviated(message, hello, out)
        } else {
            self.server_full_start(message, hello, policy, out)
        }
    }

    /// Our ServerHello answering `hello`, with our `renegotiation_info`.
    pub(super) fn server_hello_message(
        &self,
        server_random: &[u8; 32],
        session_id: &[u8],
        suite: CipherSuite,
        hello: &Hello,
    ) -> Result<Vec<u8>> {
        let verify_data = self.state.renegotiation_info(self.role);
        super::messages::server_hello_message(server_random, session_id, suite, &verify_data, hello)
    }

    /// Server: the abbreviated handshake resuming the current session with fresh randoms.
    fn server_abbreviated(&mut self, client_hello: &[u8], hello: Hello, out: &mut Vec<u8>) -> Result<()> {
        let server_random = random32()?;
        let sh =
            self.server_hello_message(&server_random, &self.state.session_id, self.state.suite.common.suite, &hello)?;
        let mut transcript = client_hello.to_vec();
        transcript.extend_from_slice(&sh);
        let mut keys = NewKeys::derive(Endpoint::Server, self.state.resumed(), &hello.random, &server_random)?;
        self.send_handshake(&sh, out)?;
        self.send_ccs_and_finished(&mut keys, &mut transcript, out)?;
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
        // As rustls chooses in the initial handshake: the first suite, in our order
        // (`server_order`, Mbed TLS's default) or the client's, that both sides support and we
        // have a certificate for; then the client's most preferred group. The same choice also
        // lets a later connection resume the session made here (rustls resumes a session only
        // with the suite it would choose anyway).
        let ours = &policy.provider.tls12_cipher_suites;
        let candidates: Vec<_> = if policy.server_order {
            ours.iter().filter(|s| hello.suites.contains(&s.common.suite)).collect()
        } else {
            hello.suites.iter().filter_map(|id| ours.iter().find(|s| s.common.suite == *id)).collect()
        };
        let mut choice = None;
        for suite in candidates {
            let schemes: Vec<SignatureScheme> =
                hello.sig_schemes.iter().copied().filter(|s| scheme_fits(suite, *s)).collect();
            if let Some(cred) = policy.own_certs.signer(&schemes) {
                choice = Some((*suite, cred));
                break;
            }
        }
        let Some((suite, credential)) = choice else {
            log::error!("no cipher suite / certificate in common for the renegotiation");
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        };
        // (A client that names no groups supports secp256r1, RFC 8422 4.)
        let offered_groups: &[NamedGroup] =
            if hello.groups.is_empty() { &[NamedGroup::secp256r1] } else { &hello.groups };
        let group = offered_groups
            .iter()
            .filter(|g| TLS12_GROUPS.contains(g))
            .find_map(|g| policy.provider.kx_groups.iter().find(|k| k.name() == *g));
        let Some(group) = group else {
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        };
        let kx = match group.start() {
            Ok(k) => k.into_single(),
            Err(_) => return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslInternalError, out)),
        };
        let server_random = random32()?;
        let session_id = random32()?.to_vec();
        let sh = self.server_hello_message(&server_random, &session_id, suite.common.suite, &hello)?;
        let Some(chain) = verify::chain_of(&credential.identity) else {
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslInternalError, out));
        };
        let cert = certificate_message(&chain)?;
        // ServerKeyExchange: named curve, our public key, signed with the randoms.
        let params = ecdhe_parameters(group.name(), kx.pub_key())?;
        let mut signed = hello.random.to_vec();
        signed.extend_from_slice(&server_random);
        signed.extend_from_slice(&params);
        let scheme = credential.signer.scheme();
        let signature = match credential.signer.sign(&signed) {
            Ok(s) => s,
            Err(_) => return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslInternalError, out)),
        };
        let ske = server_key_exchange(params, scheme, &signature)?;
        let wants_cert = policy.check.authmode != AuthMode::None;
        let mut flight = sh;
        flight.extend_from_slice(&cert);
        flight.extend_from_slice(&ske);
        if wants_cert {
            flight.extend_from_slice(&certificate_request(policy.check.trust.as_deref())?);
        }
        flight.extend_from_slice(&handshake_message(HandshakeType::ServerHelloDone, &[])?);
        self.send_handshake(&flight, out)?;
        if !wants_cert {
            // As in an initial handshake without client authentication (item 6 of issue 13:
            // the result must describe this handshake, not the previous one).
            self.verify_result = Some(badcert::SKIP_VERIFY);
        }
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

    /// Server: the client's flight of a full handshake, one message at a time (`Some` once the
    /// client's Finished completed it).
    pub(super) fn server_full_step(
        &mut self,
        full: &mut FullServer,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<Option<bool>> {
        let typ = HandshakeType(message[0]);
        match (full.stage, typ) {
            (FullServerStage::Certificate, HandshakeType::Certificate) => {
                let chain = match parse_certificates(&message[4..]) {
                    Ok(c) => c,
                    Err(e) => return Err(self.fatal(AlertDescription::DecodeError, e, out)),
                };
                let flags = match policy.check.flags(&chain, UnixTime::now()) {
                    Ok(flags) => flags,
                    Err(e) => {
                        self.verify_result = Some(u32::MAX);
                        log::error!("client certificate verification failed in renegotiation: {e:?}");
                        return Err(self.fatal(AlertDescription::AccessDenied, e, out));
                    }
                };
                self.verify_result = Some(if policy.check.authmode == AuthMode::Optional && chain.is_empty() {
                    badcert::MISSING
                } else {
                    flags
                });
                if policy.check.authmode == AuthMode::Required && (chain.is_empty() || flags != 0) {
                    log::error!("client certificate refused in renegotiation (flags {flags:#x})");
                    let (alert, err) = if chain.is_empty() {
                        (AlertDescription::BadCertificate, Error::SslNoClientCertificate)
                    } else {
                        (verify::alert_for(flags), Error::X509CertVerifyFailed)
                    };
                    return Err(self.fatal(alert, err, out));
                }
                full.common.transcript.extend_from_slice(message);
                full.client_chain = (!chain.is_empty()).then_some(chain);
                full.stage = FullServerStage::KeyExchange;
            }
            (FullServerStage::KeyExchange, HandshakeType::ClientKeyExchange) => {
                let Ok(peer) = parse_client_key_exchange(&message[4..]) else {
                    return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
                };
                full.common.transcript.extend_from_slice(message);
                let kx = full.kx.take().ok_or(Error::SslInternalError)?;
                let Some(state) = full.common.new_session(kx, peer) else {
                    return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
                };
                full.keys = Some(full.common.keys(Endpoint::Server, state)?);
                full.stage = if full.client_chain.is_some() {
                    FullServerStage::CertificateVerify
                } else {
                    FullServerStage::ChangeCipherSpec
                };
            }
            (FullServerStage::CertificateVerify, HandshakeType::CertificateVerify) => {
                let Ok((scheme, sig)) = parse_certificate_verify(&message[4..]) else {
                    return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
                };
                let ok = full
                    .client_chain
                    .as_ref()
                    .and_then(|c| c.first())
                    .is_some_and(|cert| verify_signature(cert, scheme, &full.common.transcript, sig));
                if !ok {
                    return Err(self.fatal(AlertDescription::DecryptError, Error::SslHandshakeFailure, out));
                }
                full.common.transcript.extend_from_slice(message);
                full.stage = FullServerStage::ChangeCipherSpec;
            }
            (FullServerStage::Finished, HandshakeType::Finished) => {
                let mut keys = full.keys.take().ok_or(Error::SslInternalError)?;
                self.check_finished(&mut keys.state, &full.common.transcript, message, out)?;
                full.common.transcript.extend_from_slice(message);
                self.send_ccs_and_finished(&mut keys, &mut full.common.transcript, out)?;
                // The new session's peer certificates, none when the client sent none (the
                // previous session's must not outlive it).
                self.peer_chain = Some(full.client_chain.take().unwrap_or_default());
                return Ok(Some(self.adopt(keys.state, false)));
            }
            _ => {
                log::error!("unexpected handshake message {} in a full renegotiation", typ.0);
                return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
            }
        }
        Ok(None)
    }
}
