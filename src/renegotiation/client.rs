//! The client's renegotiation state machine: a renegotiation ClientHello (on request, or
//! answering the server's HelloRequest), the ServerHello checked (RFC 5746, version, and a
//! resumption that keeps the session's suite and master-secret kind) and followed into an
//! abbreviated handshake or through the server's full flight, whose certificate is checked
//! again and must not change; then our own flight of a full handshake.

use rustls::crypto::kx::NamedGroup;
use rustls::crypto::{CipherSuite, SignatureScheme};
use rustls::enums::{HandshakeType, ProtocolVersion};
use rustls::error::AlertDescription;
use rustls::pki_types::{CertificateDer, UnixTime};

use super::key_schedule::{FullHandshake, NewKeys, random32, same_secret};
use super::messages::{
    TLS12_GROUPS, certificate_message, certificate_verify, client_hello_message, client_key_exchange, offered_schemes,
    parse_certificate_request, parse_certificates, parse_server_hello, parse_server_key_exchange,
};
use super::record::AlertLevel;
use super::signatures::{scheme_fits, verify_signature};
use super::{Handshake, Policy, Tls12Connection};
use crate::config::{AuthMode, Endpoint};
use crate::error::{Error, Result};
use crate::verify::{self, badcert};

/// A full renegotiation on the client: the server's flight being read.
pub(super) struct FullClient {
    common: FullHandshake,
    server_chain: Vec<CertificateDer<'static>>,
    kx_params: Option<(NamedGroup, Vec<u8>)>,
    /// The signature schemes of the server's CertificateRequest, if it sent one.
    cert_request: Option<Vec<SignatureScheme>>,
    /// The last message of the server's flight processed so far.
    last: HandshakeType,
}

impl Tls12Connection {
    /// Client: sends a renegotiation ClientHello; `abbreviated` offers the current session.
    pub fn start_client(&mut self, abbreviated: bool, policy: &Policy, out: &mut Vec<u8>) -> Result<()> {
        if self.handshaking() {
            return Ok(());
        }
        log::debug!("=> renegotiate ({})", if abbreviated { "offering the current session" } else { "full" });
        let client_random = random32()?;
        let session_id: &[u8] = if abbreviated { &self.state.session_id } else { &[] };
        // The current suite first (a server resuming the session needs it), then the others
        // of the configuration.
        let current = self.state.suite.common.suite;
        let suites: Vec<CipherSuite> = [current]
            .into_iter()
            .chain(policy.provider.tls12_cipher_suites.iter().map(|s| s.common.suite).filter(|&s| s != current))
            .collect();
        let groups = offered_groups(policy);
        let verify_data = self.state.renegotiation_info(Endpoint::Client);
        let ch = client_hello_message(&client_random, session_id, &suites, &verify_data, &groups)?;
        self.send_handshake(&ch, out)?;
        self.hs =
            Handshake::CliWaitServerHello { transcript: ch, client_random, offered_session: abbreviated, records: 0 };
        Ok(())
    }

    /// Client: the server's HelloRequest.
    pub(super) fn client_hello_request(
        &mut self,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<Option<bool>> {
        if message.len() != 4 {
            return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
        }
        if self.handshaking() {
            return Ok(None); // ignored while renegotiating (RFC 5246 7.4.1.1)
        }
        if !policy.enabled || !self.peer_secure {
            log::debug!("refusing the server's renegotiation request");
            self.send_alert(AlertLevel::WARNING, AlertDescription::NoRenegotiation, out)?;
            return Ok(None);
        }
        // Offering the current session is ours (Mbed TLS never does), on request.
        self.start_client(policy.resumption, policy, out).map(|_| None)
    }

    /// Client: the server's ServerHello decides abbreviated or full.
    pub(super) fn client_server_hello(
        &mut self,
        mut transcript: Vec<u8>,
        client_random: [u8; 32],
        offered_session: bool,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let sh = match parse_server_hello(&message[4..]) {
            Ok(s) => s,
            Err(e) => return Err(self.fatal(AlertDescription::DecodeError, e, out)),
        };
        if sh.version != ProtocolVersion::TLSv1_2 || sh.tls13 {
            log::error!("renegotiation ServerHello for version {:#06x}", sh.version.0);
            return Err(self.fatal(AlertDescription::ProtocolVersion, Error::SslBadProtocolVersion, out));
        }
        let expected_ri = self.state.renegotiation_info(Endpoint::Server);
        if !same_secret(sh.renegotiation_info.as_deref(), &expected_ri) {
            log::error!("renegotiation ServerHello without the right renegotiation_info");
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        }
        // RFC 7627 5.3: a connection with an extended master secret keeps one (the server
        // must not drop it, whether it resumes or starts a new session).
        if self.state.ems && !sh.ems {
            log::error!("renegotiation ServerHello drops extended_master_secret");
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        }
        let Some(suite) = policy.provider.tls12_cipher_suites.iter().find(|s| s.common.suite == sh.suite) else {
            log::error!("the server chose cipher suite {:#06x}, which we did not offer", sh.suite.0);
            return Err(self.fatal(AlertDescription::IllegalParameter, Error::SslHandshakeFailure, out));
        };
        let suite = *suite;
        transcript.extend_from_slice(message);
        let resumed = offered_session && !sh.session_id.is_empty() && sh.session_id == self.state.session_id;
        if resumed && (sh.suite != self.state.suite.common.suite || sh.ems != self.state.ems) {
            // RFC 5246 7.4.1.3 and RFC 7627 5.3: a resumed session keeps its suite and its
            // extended-master-secret property.
            log::error!("the server resumed the session with another suite or master secret kind");
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        }
        if resumed {
            let keys = NewKeys::derive(Endpoint::Client, self.state.resumed(), &client_random, &sh.random)?;
            self.hs = Handshake::CliAbbreviated { transcript, keys, ccs: false };
        } else {
            self.hs = Handshake::CliFull(Box::new(FullClient {
                common: FullHandshake {
                    transcript,
                    suite,
                    client_random,
                    server_random: sh.random,
                    session_id: sh.session_id,
                    ems: sh.ems,
                },
                server_chain: Vec::new(),
                kx_params: None,
                cert_request: None,
                last: HandshakeType::ServerHello,
            }));
        }
        Ok(())
    }

    /// Client, abbreviated: the server's Finished, then our ChangeCipherSpec and Finished.
    pub(super) fn client_abbreviated_finished(
        &mut self,
        mut transcript: Vec<u8>,
        mut keys: Box<NewKeys>,
        message: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<bool> {
        self.check_finished(&mut keys.state, &transcript, message, out)?;
        transcript.extend_from_slice(message);
        self.send_ccs_and_finished(&mut keys, &mut transcript, out)?;
        Ok(self.adopt(keys.state, true))
    }

    /// Client: the server's flight of a full handshake (it never ends the handshake: our own
    /// flight and the server's Finished follow).
    pub(super) fn client_full_step(
        &mut self,
        mut full: Box<FullClient>,
        message: &[u8],
        policy: &Policy,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let typ = HandshakeType(message[0]);
        // ServerHello, Certificate, ServerKeyExchange, [CertificateRequest], ServerHelloDone:
        // each once, in this order (ECDHE suites with certificates: nothing is optional but
        // the request).
        let in_order = matches!(
            (full.last, typ),
            (HandshakeType::ServerHello, HandshakeType::Certificate)
                | (HandshakeType::Certificate, HandshakeType::ServerKeyExchange)
                | (
                    HandshakeType::ServerKeyExchange,
                    HandshakeType::CertificateRequest | HandshakeType::ServerHelloDone
                )
                | (HandshakeType::CertificateRequest, HandshakeType::ServerHelloDone)
        );
        if !in_order {
            log::error!("handshake message {} out of order in the server's flight", typ.0);
            return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
        }
        full.last = typ;
        match typ {
            HandshakeType::Certificate => {
                full.server_chain = match parse_certificates(&message[4..]) {
                    Ok(c) => c,
                    Err(e) => return Err(self.fatal(AlertDescription::DecodeError, e, out)),
                };
                let outcome = if policy.check.authmode == AuthMode::None {
                    Ok(badcert::SKIP_VERIFY)
                } else {
                    policy.check.flags(&full.server_chain, UnixTime::now())
                };
                let flags = match outcome {
                    Ok(flags) => flags,
                    Err(e) => {
                        self.verify_result = Some(u32::MAX);
                        log::error!("server certificate verification failed in renegotiation: {e:?}");
                        return Err(self.fatal(AlertDescription::AccessDenied, e, out));
                    }
                };
                // The server's certificate must not change in a renegotiation (as Mbed TLS;
                // the "triple handshake" attacks rely on such a change).
                if let (Some(old), Some(new)) = (&policy.peer_cert, full.server_chain.first()) {
                    if old != new {
                        log::error!("the server presented a different certificate in the renegotiation");
                        return Err(self.fatal(AlertDescription::BadCertificate, Error::SslBadCertificate, out));
                    }
                }
                self.verify_result = Some(flags);
                if policy.check.authmode == AuthMode::Required && flags != 0 {
                    log::error!("server certificate refused in renegotiation (flags {flags:#x})");
                    return Err(self.fatal(verify::alert_for(flags), Error::X509CertVerifyFailed, out));
                }
            }
            HandshakeType::ServerKeyExchange => {
                let Ok(ske) = parse_server_key_exchange(&message[4..]) else {
                    return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
                };
                // A group and a scheme we offered, the scheme of the suite's key type (as Mbed
                // TLS: fatal illegal_parameter).
                let suite = full.common.suite;
                if !offered_groups(policy).contains(&ske.group)
                    || !offered_schemes().contains(&ske.scheme)
                    || !scheme_fits(suite, ske.scheme)
                {
                    log::error!(
                        "ServerKeyExchange with group {:#06x} / scheme {:#06x}, not offered for suite {:#06x}",
                        ske.group.0,
                        ske.scheme.0,
                        suite.common.suite.0
                    );
                    return Err(self.fatal(AlertDescription::IllegalParameter, Error::SslIllegalParameter, out));
                }
                let mut signed = full.common.client_random.to_vec();
                signed.extend_from_slice(&full.common.server_random);
                signed.extend_from_slice(ske.params);
                let ok =
                    full.server_chain.first().is_some_and(|c| verify_signature(c, ske.scheme, &signed, ske.signature));
                if !ok {
                    return Err(self.fatal(AlertDescription::DecryptError, Error::SslHandshakeFailure, out));
                }
                full.kx_params = Some((ske.group, ske.public.to_vec()));
            }
            HandshakeType::CertificateRequest => {
                let Ok(schemes) = parse_certificate_request(&message[4..]) else {
                    return Err(self.fatal(AlertDescription::DecodeError, Error::SslDecodeError, out));
                };
                full.cert_request = Some(schemes);
            }
            HandshakeType::ServerHelloDone => {
                full.common.transcript.extend_from_slice(message);
                return self.client_full_finish(full, policy, out);
            }
            _ => return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out)),
        }
        full.common.transcript.extend_from_slice(message);
        self.hs = Handshake::CliFull(full);
        Ok(())
    }

    /// Client: our flight of a full handshake (Certificate, ClientKeyExchange,
    /// CertificateVerify, ChangeCipherSpec, Finished).
    fn client_full_finish(&mut self, mut full: Box<FullClient>, policy: &Policy, out: &mut Vec<u8>) -> Result<()> {
        let Some((group, server_public)) = full.kx_params.take() else {
            return Err(self.fatal(AlertDescription::UnexpectedMessage, Error::SslUnexpectedMessage, out));
        };
        // (A group we offered: checked at the ServerKeyExchange.)
        let Some(kx_group) = policy.provider.kx_groups.iter().find(|k| k.name() == group) else {
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        };
        let kx = match kx_group.start() {
            Ok(k) => k.into_single(),
            Err(_) => return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslInternalError, out)),
        };
        let mut flight = Vec::new();
        let credential = if let Some(schemes) = &full.cert_request {
            // Our certificate if its key can sign with a scheme the server asked for; else an
            // empty Certificate message (the server decides whether that is acceptable).
            let cred = policy.own_certs.signer(schemes);
            let chain = cred.as_ref().and_then(|c| verify::chain_of(&c.identity)).unwrap_or_default();
            let msg = certificate_message(&chain)?;
            full.common.transcript.extend_from_slice(&msg);
            flight.extend_from_slice(&msg);
            cred
        } else {
            None
        };
        let cke = client_key_exchange(kx.pub_key())?;
        full.common.transcript.extend_from_slice(&cke);
        flight.extend_from_slice(&cke);
        let Some(state) = full.common.new_session(kx, &server_public) else {
            return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslHandshakeFailure, out));
        };
        if let Some(cred) = credential {
            let scheme = cred.signer.scheme();
            let sig = match cred.signer.sign(&full.common.transcript) {
                Ok(s) => s,
                Err(_) => return Err(self.fatal(AlertDescription::HandshakeFailure, Error::SslInternalError, out)),
            };
            let cv = certificate_verify(scheme, &sig)?;
            full.common.transcript.extend_from_slice(&cv);
            flight.extend_from_slice(&cv);
        }
        self.send_handshake(&flight, out)?;
        let mut keys = full.common.keys(Endpoint::Client, state)?;
        self.send_ccs_and_finished(&mut keys, &mut full.common.transcript, out)?;
        self.peer_chain = Some(std::mem::take(&mut full.server_chain));
        self.hs = Handshake::CliFullFinish { transcript: full.common.transcript, keys, ccs: false };
        Ok(())
    }
}

/// The ECDHE groups our renegotiation ClientHello offers: the provider's that TLS 1.2 can use
/// (not its TLS 1.3-only hybrids).
fn offered_groups(policy: &Policy) -> Vec<NamedGroup> {
    policy.provider.kx_groups.iter().map(|g| g.name()).filter(|g| TLS12_GROUPS.contains(g)).collect()
}
