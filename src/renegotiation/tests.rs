//! Unit tests of the renegotiation engine: two connections (one per role) built from the same
//! handshake parts renegotiate with each other in memory, and hand-built or out-of-place
//! messages check that every refusal ends with the right fatal alert.

use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;

use super::key_schedule::NewKeys;
use super::messages::{
    EXT_EMS, EXT_RENEGOTIATION_INFO, Hello, certificate_message, ecdhe_parameters, parse_client_hello,
    parse_server_hello, put_ext, server_key_exchange,
};
use super::*;
use crate::codec::{put_vec8, put_vec16};
use crate::config::AuthMode;
use crate::config::OwnCert;
use crate::verify::{PeerRole, Profile, TrustStore, badcert};
use rustls::crypto::SignatureScheme;
use rustls::crypto::kx::NamedGroup;

/// A server policy (server certificate, client certificates not asked for).
fn policy(enabled: bool, resumption: bool) -> Policy {
    policy_with(enabled, resumption, "server-ec", AuthMode::None, Endpoint::Server)
}

/// A client policy: the server certificate is checked, a client certificate is available.
fn client_policy() -> Policy {
    policy_with(true, false, "client", AuthMode::Required, Endpoint::Client)
}

/// The policy of the `side` endpoint, with `own` as its certificate.
fn policy_with(enabled: bool, resumption: bool, own: &str, authmode: AuthMode, side: Endpoint) -> Policy {
    let dir = crate::test_support::certs_dir();
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join(format!("{own}.crt"))).unwrap().map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_file(dir.join(format!("{own}.key"))).unwrap();
    let cas: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("ca.crt")).unwrap().map(|c| c.unwrap()).collect();
    let is_client = side == Endpoint::Client;
    Policy {
        enabled,
        resumption,
        enforced: 16,
        provider: Arc::new(rustls_aws_lc_rs::DEFAULT_PROVIDER),
        server_order: true,
        own_certs: Arc::new(OwnCertResolver::new(vec![Arc::new(OwnCert::new(chain, key).unwrap())], None)),
        check: PeerCheck {
            authmode,
            trust: Some(Arc::new(TrustStore::from_ders(&cas))),
            profile: Profile::DEFAULT,
            callback: None,
            expected_name: is_client.then(|| "localhost".to_string()),
            peer: if is_client { PeerRole::Server } else { PeerRole::Client },
            sig_algs: None,
        },
        peer_cert: None,
    }
}

fn connections(client_parts: &TestParts, server_parts: &TestParts) -> (Tls12Connection, Tls12Connection) {
    (
        Tls12Connection::from_parts(Endpoint::Client, client_parts).unwrap(),
        Tls12Connection::from_parts(Endpoint::Server, server_parts).unwrap(),
    )
}

/// Hands every whole record in `wire` to `to`; returns the results in order.
fn deliver(
    wire: &mut Vec<u8>,
    to: &mut Tls12Connection,
    policy: &Policy,
    reply: &mut Vec<u8>,
    plain: &mut Vec<u8>,
) -> Vec<Result<Outcome>> {
    let mut results = Vec::new();
    while let Some(mut record) = next_record(wire) {
        results.push(to.process_record(&mut record, policy, reply, plain));
    }
    results
}

/// Takes the first whole record off `wire`.
fn next_record(wire: &mut Vec<u8>) -> Option<Vec<u8>> {
    let len = 5 + usize::from(u16::from_be_bytes([*wire.get(3)?, *wire.get(4)?]));
    Some(wire.drain(..len.min(wire.len())).collect())
}

/// Runs records back and forth until neither side has anything to send.
fn pump(
    client: &mut Tls12Connection,
    server: &mut Tls12Connection,
    c_out: &mut Vec<u8>,
    cp: &Policy,
    sp: &Policy,
) -> Vec<Result<Outcome>> {
    let mut all = Vec::new();
    let mut plain = Vec::new();
    for _ in 0..10 {
        let mut s_out = Vec::new();
        all.extend(deliver(c_out, server, sp, &mut s_out, &mut plain));
        all.extend(deliver(&mut s_out, client, cp, c_out, &mut plain));
        if c_out.is_empty() {
            break;
        }
    }
    all
}

/// The client starts a renegotiation (offering its session when `abbreviated`) and both sides
/// exchange records until quiet: every record's outcome, and what the client still has to send.
fn renegotiate(
    client: &mut Tls12Connection,
    server: &mut Tls12Connection,
    abbreviated: bool,
    cp: &Policy,
    sp: &Policy,
) -> (Vec<Result<Outcome>>, Vec<u8>) {
    let mut c_out = Vec::new();
    client.start_client(abbreviated, cp, &mut c_out).unwrap();
    let results = pump(client, server, &mut c_out, cp, sp);
    (results, c_out)
}

/// The alert (level, description) `wire` carries, read by `reader`.
fn alert_in(
    wire: &mut Vec<u8>,
    reader: &mut Tls12Connection,
    policy: &Policy,
) -> Option<(AlertLevel, AlertDescription)> {
    deliver(wire, reader, policy, &mut Vec::new(), &mut Vec::new());
    reader.received_alert
}

#[test]
fn abbreviated_renegotiation_between_two_engines_keeps_the_session() {
    let parts = TestParts::default();
    let (mut client, mut server) = connections(&parts, &parts);
    let (cp, sp) = (client_policy(), policy(true, true));
    let (results, mut c_out) = renegotiate(&mut client, &mut server, true, &cp, &sp);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!((client.abbreviated_renegotiations, server.abbreviated_renegotiations), (1, 1));
    assert_eq!(client.session_id(), &parts.session_id[..]);
    assert_ne!(client.state.client_vd, parts.client_vd.to_vec(), "new verify data");
    // Data flows under the new keys.
    client.write_app(b"after", &mut c_out).unwrap();
    let mut plain = Vec::new();
    let results = deliver(&mut c_out, &mut server, &sp, &mut Vec::new(), &mut plain);
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(plain, b"after");
}

#[test]
fn without_resumption_the_server_answers_with_a_full_handshake() {
    let parts = TestParts::default();
    let (mut client, mut server) = connections(&parts, &parts);
    let (cp, sp) = (client_policy(), policy(true, false));
    let (results, _) = renegotiate(&mut client, &mut server, true, &cp, &sp);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!((client.full_renegotiations, server.full_renegotiations), (1, 1));
    assert_ne!(client.session_id(), &parts.session_id[..], "a new session");
    assert_eq!(client.session_id(), server.session_id());
    assert_eq!(client.verify_result, Some(0), "the server certificate was checked again");
}

#[test]
fn a_full_renegotiation_checks_the_client_certificate_again() {
    let parts = TestParts::default();
    for (server_authmode, client_cert, expect_ok) in [
        (AuthMode::Required, "client", true),
        (AuthMode::Optional, "client", true),
        // A server certificate lacks the client-authentication key purpose.
        (AuthMode::Required, "server-rsa", false),
    ] {
        let (mut client, mut server) = connections(&parts, &parts);
        let cp = policy_with(true, false, client_cert, AuthMode::Required, Endpoint::Client);
        let sp = policy_with(true, false, "server-ec", server_authmode, Endpoint::Server);
        let (results, _) = renegotiate(&mut client, &mut server, false, &cp, &sp);
        if expect_ok {
            assert!(results.iter().all(|r| r.is_ok()), "{client_cert}: {results:?}");
            assert_eq!(server.verify_result, Some(0));
            assert_eq!(server.peer_chain.as_ref().map(|c| c.len()), Some(1));
        } else {
            assert!(results.contains(&Err(Error::X509CertVerifyFailed)), "{results:?}");
            assert_eq!(server.verify_result, Some(badcert::EXT_KEY_USAGE));
            assert_eq!(server.full_renegotiations, 0);
        }
    }
}

#[test]
fn the_server_certificate_must_not_change_in_a_renegotiation() {
    let parts = TestParts::default();
    let (mut client, mut server) = connections(&parts, &parts);
    let dir = crate::test_support::certs_dir();
    let mut cp = client_policy();
    cp.peer_cert = CertificateDer::pem_file_iter(dir.join("server-rsa.crt")).unwrap().next().map(|c| c.unwrap());
    let sp = policy(true, false);
    let (results, _) = renegotiate(&mut client, &mut server, false, &cp, &sp);
    assert!(results.contains(&Err(Error::SslBadCertificate)), "{results:?}");
    assert_eq!(client.full_renegotiations, 0);
}

#[test]
fn a_wrong_renegotiation_info_gets_a_fatal_handshake_failure() {
    let parts = TestParts::default();
    let liar = TestParts { client_vd: [9; 12], ..parts.clone() };
    let (mut client, mut server) = connections(&liar, &parts);
    let (cp, sp) = (client_policy(), policy(true, true));
    let mut c_out = Vec::new();
    client.start_client(true, &cp, &mut c_out).unwrap();
    let mut s_out = Vec::new();
    let results = deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut Vec::new());
    assert_eq!(results, vec![Err(Error::SslHandshakeFailure)]);
    assert_eq!(alert_in(&mut s_out, &mut client, &cp), Some((AlertLevel::FATAL, AlertDescription::HandshakeFailure)));
}

/// A renegotiation ClientHello built by hand (offering extended master secret).
fn client_hello(renegotiation_info: Option<&[u8]>, scsv: bool) -> Vec<u8> {
    client_hello_ems(renegotiation_info, scsv, true)
}

/// A renegotiation ClientHello built by hand, offering extended master secret when `ems`.
fn client_hello_ems(renegotiation_info: Option<&[u8]>, scsv: bool, ems: bool) -> Vec<u8> {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[8; 32]);
    put_vec8(&mut body, &[3; 32]).unwrap();
    let mut suites = vec![0xC0, 0x2B];
    if scsv {
        suites.extend_from_slice(&[0x00, 0xFF]);
    }
    put_vec16(&mut body, &suites).unwrap();
    put_vec8(&mut body, &[0]).unwrap();
    let mut exts = Vec::new();
    if let Some(ri) = renegotiation_info {
        let mut b = Vec::new();
        put_vec8(&mut b, ri).unwrap();
        put_ext(&mut exts, EXT_RENEGOTIATION_INFO, &b).unwrap();
    }
    if ems {
        put_ext(&mut exts, EXT_EMS, &[]).unwrap();
    }
    // ecdsa_secp256r1_sha256 and x25519: what a full handshake with `policy` needs.
    put_ext(&mut exts, 0x000d, &[0, 2, 4, 3]).unwrap();
    put_ext(&mut exts, 0x000a, &[0, 2, 0, 0x1d]).unwrap();
    put_vec16(&mut body, &exts).unwrap();
    handshake_message(HandshakeType::ClientHello, &body).unwrap()
}

#[test]
fn malformed_renegotiation_messages_end_the_connection_with_a_fatal_alert() {
    let parts = TestParts::default();
    let sp = policy(true, true);
    let cp = client_policy();
    let (hs_fail, decode, unexpected) =
        (AlertDescription::HandshakeFailure, AlertDescription::DecodeError, AlertDescription::UnexpectedMessage);
    let cases: Vec<(&str, ContentType, Vec<u8>, Error, AlertDescription)> = vec![
        (
            "SCSV in a renegotiation",
            ContentType::Handshake,
            client_hello(Some(&[4; 12]), true),
            Error::SslHandshakeFailure,
            hs_fail,
        ),
        (
            "no renegotiation_info",
            ContentType::Handshake,
            client_hello(None, false),
            Error::SslHandshakeFailure,
            hs_fail,
        ),
        (
            "truncated ClientHello",
            ContentType::Handshake,
            vec![HandshakeType::ClientHello.0, 0, 0, 3, 3, 3, 0],
            Error::SslDecodeError,
            decode,
        ),
        (
            "huge handshake length",
            ContentType::Handshake,
            vec![HandshakeType::ClientHello.0, 0xff, 0xff, 0xff],
            Error::SslDecodeError,
            decode,
        ),
        (
            "empty handshake record (RFC 5246 6.2.1, issue 13 point 3)",
            ContentType::Handshake,
            vec![],
            Error::SslInvalidRecord,
            unexpected,
        ),
        (
            "HelloRequest to a server",
            ContentType::Handshake,
            vec![HandshakeType::HelloRequest.0, 0, 0, 0],
            Error::SslUnexpectedMessage,
            unexpected,
        ),
        (
            "Finished out of place",
            ContentType::Handshake,
            handshake_message(HandshakeType::Finished, &[0; 12]).unwrap(),
            Error::SslUnexpectedMessage,
            unexpected,
        ),
        (
            "ChangeCipherSpec out of place",
            ContentType::ChangeCipherSpec,
            vec![1],
            Error::SslUnexpectedMessage,
            unexpected,
        ),
        ("bad ChangeCipherSpec", ContentType::ChangeCipherSpec, vec![2], Error::SslDecodeError, decode),
        ("alert of 3 bytes", ContentType::Alert, vec![2, 40, 0], Error::SslDecodeError, decode),
        ("unknown content type", ContentType(99), vec![1, 2, 3], Error::SslInvalidRecord, unexpected),
        (
            // RFC 7627 5.2/5.3: the connection negotiated extended master secret.
            "renegotiation ClientHello without extended_master_secret",
            ContentType::Handshake,
            client_hello_ems(Some(&[4; 12]), false, false),
            Error::SslHandshakeFailure,
            hs_fail,
        ),
        (
            "TLS 1.1 ClientHello",
            ContentType::Handshake,
            {
                let mut ch = client_hello(Some(&[4; 12]), false);
                ch[5] = 2;
                ch
            },
            Error::SslBadProtocolVersion,
            AlertDescription::ProtocolVersion,
        ),
    ];
    for (name, typ, payload, expected, alert) in cases {
        let (mut client, mut server) = connections(&parts, &parts);
        let mut wire = Vec::new();
        client.write_record(typ, &payload, &mut wire).unwrap();
        let mut s_out = Vec::new();
        let results = deliver(&mut wire, &mut server, &sp, &mut s_out, &mut Vec::new());
        assert_eq!(results, vec![Err(expected)], "{name}");
        assert_eq!(alert_in(&mut s_out, &mut client, &cp), Some((AlertLevel::FATAL, alert)), "{name}: no fatal alert");
    }
    // A record that does not decrypt.
    let (_, mut server) = connections(&parts, &parts);
    let mut forged = vec![ContentType::ApplicationData.0, 3, 3, 0, 30];
    forged.extend_from_slice(&[0x55; 30]);
    let mut s_out = Vec::new();
    assert_eq!(server.process_record(&mut forged, &sp, &mut s_out, &mut Vec::new()), Err(Error::SslInvalidMac));
    let (mut client, _) = connections(&parts, &parts);
    assert_eq!(alert_in(&mut s_out, &mut client, &cp), Some((AlertLevel::FATAL, AlertDescription::BadRecordMac)));
    // A ClientHello sent to a client.
    let (mut client, mut server) = connections(&parts, &parts);
    let mut wire = Vec::new();
    server.write_record(ContentType::Handshake, &client_hello(Some(&[4; 12]), false), &mut wire).unwrap();
    let results = deliver(&mut wire, &mut client, &cp, &mut Vec::new(), &mut Vec::new());
    assert_eq!(results, vec![Err(Error::SslUnexpectedMessage)]);
}

#[test]
fn the_client_checks_the_order_and_the_kind_of_the_servers_answer() {
    let parts = TestParts::default();
    let cp = client_policy();
    // (ServerHello fields, messages after it, expected error)
    let no_ems = Hello { ems: false, ..Hello::default() };
    let with_ems = Hello { ems: true, ..Hello::default() };
    type Case<'a> = (&'a str, &'a Hello, Vec<u8>, Vec<u8>, Error);
    let cases: Vec<Case<'_>> = vec![
        ("resumed without EMS", &no_ems, parts.session_id.clone(), vec![], Error::SslHandshakeFailure),
        // RFC 7627 5.3: the connection negotiated extended master secret, a new session must too.
        ("full handshake without EMS", &no_ems, vec![9; 32], vec![], Error::SslHandshakeFailure),
        (
            "ServerHelloDone right after ServerHello",
            &with_ems,
            vec![9; 32],
            handshake_message(HandshakeType::ServerHelloDone, &[]).unwrap(),
            Error::SslUnexpectedMessage,
        ),
        (
            "ServerKeyExchange before Certificate",
            &with_ems,
            vec![9; 32],
            handshake_message(HandshakeType::ServerKeyExchange, &[3, 0, 0x17, 0]).unwrap(),
            Error::SslUnexpectedMessage,
        ),
    ];
    for (name, hello, session_id, rest, expected) in cases {
        let (mut client, mut server) = connections(&parts, &parts);
        let mut c_out = Vec::new();
        client.start_client(true, &cp, &mut c_out).unwrap();
        let mut flight = server.server_hello_message(&[6; 32], &session_id, parts.suite, hello).unwrap();
        flight.extend_from_slice(&rest);
        let mut wire = Vec::new();
        server.write_record(ContentType::Handshake, &flight, &mut wire).unwrap();
        let results = deliver(&mut wire, &mut client, &cp, &mut c_out, &mut Vec::new());
        assert_eq!(results, vec![Err(expected)], "{name}");
        // The client's ClientHello, then its alert (a server that does not renegotiate reads
        // both).
        let (_, mut reader) = connections(&parts, &parts);
        let alert = alert_in(&mut c_out, &mut reader, &policy(false, false)).map(|(level, _)| level);
        assert_eq!(alert, Some(AlertLevel::FATAL), "{name}: no fatal alert");
    }
    // A HelloRequest with a body, an alert of an unknown level.
    for (payload, typ, expected) in [
        (vec![HandshakeType::HelloRequest.0, 0, 0, 1, 0], ContentType::Handshake, Error::SslDecodeError),
        (vec![3, 40], ContentType::Alert, Error::SslIllegalParameter),
    ] {
        let (mut client, mut server) = connections(&parts, &parts);
        let mut wire = Vec::new();
        server.write_record(typ, &payload, &mut wire).unwrap();
        assert_eq!(deliver(&mut wire, &mut client, &cp, &mut Vec::new(), &mut Vec::new()), vec![Err(expected)]);
    }
}

/// An abbreviated renegotiation up to the client's ChangeCipherSpec: the server (waiting for
/// the client's Finished), the record carrying that ChangeCipherSpec, and a forger that writes
/// and reads under the client's new keys (a peer that sends what it likes where the Finished
/// should be).
fn server_waiting_for_finished(parts: &TestParts, sp: &Policy) -> (Tls12Connection, Vec<u8>, Tls12Connection) {
    let (mut client, mut server) = connections(parts, parts);
    let cp = client_policy();
    let mut c_out = Vec::new();
    client.start_client(true, &cp, &mut c_out).unwrap();
    let mut s_out = Vec::new();
    assert!(deliver(&mut c_out, &mut server, sp, &mut s_out, &mut Vec::new()).iter().all(|r| r.is_ok()));
    let Handshake::SrvAbbreviated { transcript, keys, .. } = &server.hs else { panic!("not waiting for the client") };
    // The randoms of the ClientHello and ServerHello that open the transcript.
    let ch_len = 4 + u24(&transcript[1..4]);
    let client_random = parse_client_hello(&transcript[4..ch_len]).unwrap().random;
    let server_random = parse_server_hello(&transcript[ch_len + 4..]).unwrap().random;
    let mut forger = Tls12Connection::from_parts(Endpoint::Client, parts).unwrap();
    let mut new_keys = NewKeys::derive(Endpoint::Client, keys.state.resumed(), &client_random, &server_random).unwrap();
    // The server's Finished (read by the honest client) took its first sequence number.
    let (read, write) = (new_keys.read.take().unwrap(), new_keys.write.take().unwrap());
    forger.records = Tls12RecordLayer::new((read, 1), (write, 0));
    assert!(deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut Vec::new()).iter().all(|r| r.is_ok()));
    let ccs_len = 5 + usize::from(u16::from_be_bytes([c_out[3], c_out[4]]));
    (server, c_out[..ccs_len].to_vec(), forger)
}

#[test]
fn application_data_between_change_cipher_spec_and_finished_is_refused() {
    let parts = TestParts::default();
    let sp = policy(true, true);
    let (mut server, mut wire, mut forger) = server_waiting_for_finished(&parts, &sp);
    forger.write_app(b"too early", &mut wire).unwrap();
    let results = deliver(&mut wire, &mut server, &sp, &mut Vec::new(), &mut Vec::new());
    assert_eq!(results, vec![Ok(Outcome::default()), Err(Error::SslUnexpectedMessage)]);
}

/// Item 4 of issue 13. A unit test cannot observe timing: this one proves that the comparison
/// behind `same_secret` refuses a Finished whose verify_data differs only in its last bit (the
/// case a byte-by-byte `!=` answers slowest) exactly as one that differs in its first bit or in
/// its length: fatal decrypt_error, `SslHandshakeFailure`. The rule that every such comparison
/// goes through `same_secret` is `tests/code_rules.rs`.
#[test]
fn a_finished_that_differs_anywhere_is_refused_with_the_same_error() {
    let parts = TestParts::default();
    let sp = policy(true, true);
    let cp = client_policy();
    for (name, flip) in [("first bit", Some(0usize)), ("last bit", Some(95)), ("length 11", None)] {
        let (mut server, mut wire, mut forger) = server_waiting_for_finished(&parts, &sp);
        // What the honest client sends, then spoiled.
        let Handshake::SrvAbbreviated { transcript, keys, .. } = &server.hs else { panic!("{name}") };
        let mut vd = keys.state.verify_data(Endpoint::Client, transcript);
        match flip {
            Some(bit) => vd[bit / 8] ^= 0x80 >> (bit % 8),
            None => vd.truncate(11),
        }
        let finished = handshake_message(HandshakeType::Finished, &vd).unwrap();
        forger.write_record(ContentType::Handshake, &finished, &mut wire).unwrap();
        let mut s_out = Vec::new();
        let results = deliver(&mut wire, &mut server, &sp, &mut s_out, &mut Vec::new());
        assert_eq!(results, vec![Ok(Outcome::default()), Err(Error::SslHandshakeFailure)], "{name}");
        let alert = alert_in(&mut s_out, &mut forger, &cp);
        assert_eq!(alert, Some((AlertLevel::FATAL, AlertDescription::DecryptError)), "{name}");
        assert_eq!(server.abbreviated_renegotiations, 0, "{name}");
    }
}

#[test]
fn a_refused_renegotiation_leaves_the_connection_working() {
    for (enabled, secure) in [(false, true), (true, false)] {
        let parts = TestParts { peer_secure: secure, ..TestParts::default() };
        let (mut client, mut server) = connections(&TestParts::default(), &parts);
        let (cp, sp) = (client_policy(), policy(enabled, true));
        let mut c_out = Vec::new();
        client.start_client(true, &cp, &mut c_out).unwrap();
        let mut s_out = Vec::new();
        let results = deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut Vec::new());
        assert_eq!(results, vec![Ok(Outcome::default())]);
        let results = deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut Vec::new());
        assert_eq!(results, vec![Ok(Outcome { refused: true, ..Outcome::default() })], "warning no_renegotiation");
        client.write_app(b"still here", &mut c_out).unwrap();
        let mut plain = Vec::new();
        assert!(deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut plain).iter().all(|r| r.is_ok()));
        assert_eq!(plain, b"still here");
    }
}

#[test]
fn application_data_interleaved_with_a_renegotiation_is_delivered() {
    let parts = TestParts::default();
    let (mut client, mut server) = connections(&parts, &parts);
    let (cp, sp) = (client_policy(), policy(true, false));
    let mut c_out = Vec::new();
    client.write_app(b"one ", &mut c_out).unwrap();
    client.start_client(false, &cp, &mut c_out).unwrap();
    client.write_app(b"two ", &mut c_out).unwrap();
    let mut s_out = Vec::new();
    let mut s_plain = Vec::new();
    assert!(deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut s_plain).iter().all(|r| r.is_ok()));
    // The server's flight, with data of its own in the middle.
    server.write_app(b"srv ", &mut s_out).unwrap();
    let mut c_plain = Vec::new();
    assert!(deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut c_plain).iter().all(|r| r.is_ok()));
    client.write_app(b"three", &mut c_out).unwrap();
    let results = deliver(&mut c_out, &mut server, &sp, &mut s_out, &mut s_plain);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert!(deliver(&mut s_out, &mut client, &cp, &mut c_out, &mut c_plain).iter().all(|r| r.is_ok()));
    assert_eq!(s_plain, b"one two three");
    assert_eq!(c_plain, b"srv ");
    assert_eq!((client.full_renegotiations, server.full_renegotiations), (1, 1));
}

/// `policy` with the CRLs of `file` (test PKI) next to its CAs.
fn with_crls(mut policy: Policy, file: &str) -> Policy {
    let parsed = crate::x509::parse_crls(&crate::test_support::read_cert(file));
    assert_eq!(parsed.result, Ok(()));
    let crls: crate::verify::CrlList = parsed.crls.into_iter().map(Arc::new).collect();
    let cas: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(crate::test_support::certs_dir().join("ca.crt"))
            .unwrap()
            .map(|c| c.unwrap())
            .collect();
    policy.check.trust = Some(Arc::new(TrustStore::from_ders(&cas).with_crls(crls)));
    policy
}

/// Runs a full renegotiation started by the client until the first refusal (a real endpoint
/// stops there): the refusing side's error and the alert it sent, as its peer reads it.
fn first_refusal(
    client: &mut Tls12Connection,
    server: &mut Tls12Connection,
    cp: &Policy,
    sp: &Policy,
) -> Option<(Error, Option<(AlertLevel, AlertDescription)>)> {
    let mut c_out = Vec::new();
    client.start_client(false, cp, &mut c_out).unwrap();
    let mut plain = Vec::new();
    for _ in 0..10 {
        let mut s_out = Vec::new();
        while let Some(mut record) = next_record(&mut c_out) {
            if let Err(e) = server.process_record(&mut record, sp, &mut s_out, &mut plain) {
                return Some((e, alert_in(&mut s_out, client, cp)));
            }
        }
        while let Some(mut record) = next_record(&mut s_out) {
            if let Err(e) = client.process_record(&mut record, cp, &mut c_out, &mut plain) {
                return Some((e, alert_in(&mut c_out, server, sp)));
            }
        }
        if c_out.is_empty() {
            break;
        }
    }
    None
}

#[test]
fn a_full_renegotiation_checks_the_crls() {
    let parts = TestParts::default();
    let revoked = Some((Error::X509CertVerifyFailed, Some((AlertLevel::FATAL, AlertDescription::CertificateRevoked))));
    // The server's CRL revokes the client's certificate: refused with certificate_revoked.
    let (mut client, mut server) = connections(&parts, &parts);
    let cp = policy_with(true, false, "client", AuthMode::Required, Endpoint::Client);
    let sp = with_crls(policy_with(true, false, "server-ec", AuthMode::Required, Endpoint::Server), "crl-ca.pem");
    assert_eq!(first_refusal(&mut client, &mut server, &cp, &sp), revoked);
    assert_eq!(server.verify_result, Some(badcert::REVOKED));

    // The client's CRLs (two CAs' in one file) revoke the server's new certificate.
    let (mut client, mut server) = connections(&parts, &parts);
    let cp = with_crls(client_policy(), "crls.pem");
    let sp = policy_with(true, false, "server-rsa", AuthMode::None, Endpoint::Server);
    assert_eq!(first_refusal(&mut client, &mut server, &cp, &sp), revoked);
    assert_eq!(client.verify_result, Some(badcert::REVOKED));

    // An empty CRL of the same CA: nothing revoked.
    let (mut client, mut server) = connections(&parts, &parts);
    let sp = with_crls(policy_with(true, false, "server-ec", AuthMode::Required, Endpoint::Server), "crl-ca-empty.pem");
    let (results, _) = renegotiate(&mut client, &mut server, false, &client_policy(), &sp);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!(server.verify_result, Some(0));
}

/// RFC 7627 concerns connections that negotiated extended master secret: one that did not
/// still renegotiates with a peer that does not offer it (both roles).
#[test]
fn a_connection_without_extended_master_secret_renegotiates_without_it() {
    let parts = TestParts { ems: false, ..TestParts::default() };
    let (mut client, mut server) = connections(&parts, &parts);
    let (sp, cp) = (policy(true, false), client_policy());
    let mut wire = Vec::new();
    client.write_record(ContentType::Handshake, &client_hello_ems(Some(&[4; 12]), false, false), &mut wire).unwrap();
    let results = deliver(&mut wire, &mut server, &sp, &mut Vec::new(), &mut Vec::new());
    assert_eq!(results, vec![Ok(Outcome::default())], "server");
    let (mut client, mut server) = connections(&parts, &parts);
    let mut c_out = Vec::new();
    client.start_client(false, &cp, &mut c_out).unwrap();
    let no_ems = Hello { ems: false, ..Hello::default() };
    let sh = server.server_hello_message(&[6; 32], &[9; 32], parts.suite, &no_ems).unwrap();
    server.write_record(ContentType::Handshake, &sh, &mut wire).unwrap();
    let results = deliver(&mut wire, &mut client, &cp, &mut c_out, &mut Vec::new());
    assert_eq!(results, vec![Ok(Outcome::default())], "client");
}

/// Compiles only for types that wipe themselves when dropped (`zeroize::ZeroizeOnDrop`).
fn wiped<T: zeroize::ZeroizeOnDrop>(_: &T) {}

/// Item 9 of issue 13: the engine's secrets are held in types that wipe them when dropped. This
/// is a type check (it fails to compile otherwise); it cannot show that no copy is left behind
/// by a move of the bytes, nor what the provider does with the keys it is given.
#[test]
fn the_engines_secrets_are_wiped_when_dropped() {
    let parts = TestParts::default();
    let conn = Tls12Connection::from_parts(Endpoint::Server, &parts).unwrap();
    // The master secret of the connection's session (also of a handshake's new session: the
    // same `Established`), and as handed to the key export callback.
    wiped(&conn.state.master);
    if let Some((master, _)) = conn.renegotiated_keys() {
        wiped(&master);
    }
    // The key block of key expansion.
    let block = key_schedule::key_block(conn.state.suite, &conn.state.master, &[1; 32], &[2; 32]);
    wiped(&block);
    // The master secret as the key log hands it over.
    let log = capture::SecretLog::default();
    rustls::KeyLog::log(&log, "CLIENT_RANDOM", &[1; 32], &[7; 48]);
    let (_, master) = log.get().unwrap();
    wiped(&master);
}

/// The server's flight of a full renegotiation up to its ServerKeyExchange, built by hand: the
/// certificate and key of `own` sign ECDHE parameters for `group` with `scheme` (a valid
/// signature, so that only the client's checks of group and scheme can refuse it). What the
/// client answers, and the alert it sends.
fn client_reads_server_key_exchange(
    own: &str,
    group: NamedGroup,
    scheme: SignatureScheme,
) -> (Vec<Result<Outcome>>, Option<(AlertLevel, AlertDescription)>) {
    let parts = TestParts::default();
    let (mut client, server) = connections(&parts, &parts);
    let cp = client_policy();
    let mut c_out = Vec::new();
    client.start_client(false, &cp, &mut c_out).unwrap();
    let Handshake::CliWaitServerHello { client_random, .. } = client.hs else { panic!("no ClientHello") };
    let server_random = [6; 32];
    let with_ems = Hello { ems: true, ..Hello::default() };
    let mut flight = server.server_hello_message(&server_random, &[9; 32], parts.suite, &with_ems).unwrap();
    let sp = policy_with(true, false, own, AuthMode::None, Endpoint::Server);
    let credential = sp.own_certs.signer(&[scheme]).expect("a key for the scheme");
    flight.extend_from_slice(&certificate_message(&crate::verify::chain_of(&credential.identity).unwrap()).unwrap());
    let params = ecdhe_parameters(group, &[4; 65]).unwrap();
    let mut signed = client_random.to_vec();
    signed.extend_from_slice(&server_random);
    signed.extend_from_slice(&params);
    let signature = credential.signer.sign(&signed).unwrap();
    flight.extend_from_slice(&server_key_exchange(params, scheme, &signature).unwrap());
    let mut server = server;
    let mut wire = Vec::new();
    server.write_record(ContentType::Handshake, &flight, &mut wire).unwrap();
    let results = deliver(&mut wire, &mut client, &cp, &mut c_out, &mut Vec::new());
    // The client's ClientHello, then its alert: a server that does not renegotiate reads both.
    let (_, mut reader) = connections(&parts, &parts);
    (results, alert_in(&mut c_out, &mut reader, &policy(false, false)))
}

/// Item 8 of issue 13 (as Mbed TLS's client: fatal illegal_parameter,
/// `MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER`): the ServerKeyExchange of a renegotiation must use a
/// group the client offered (not a TLS 1.3-only hybrid of the provider, not one the provider
/// lacks) and a signature scheme it offered that fits the suite's authentication.
#[test]
fn the_client_refuses_a_server_key_exchange_with_a_group_or_scheme_it_did_not_offer() {
    let refused =
        (vec![Err(Error::SslIllegalParameter)], Some((AlertLevel::FATAL, AlertDescription::IllegalParameter)));
    let cases = [
        ("TLS 1.3 hybrid group", "server-ec", NamedGroup::X25519MLKEM768, SignatureScheme::ECDSA_NISTP256_SHA256),
        ("group not offered", "server-ec", NamedGroup::secp521r1, SignatureScheme::ECDSA_NISTP256_SHA256),
        // An RSA signature (of an RSA certificate) in an ECDHE-ECDSA suite.
        ("RSA scheme, ECDSA suite", "server-rsa", NamedGroup::secp256r1, SignatureScheme::RSA_PKCS1_SHA256),
        ("RSA-PSS scheme, ECDSA suite", "server-rsa", NamedGroup::secp256r1, SignatureScheme::RSA_PSS_SHA256),
    ];
    for (name, own, group, scheme) in cases {
        assert_eq!(client_reads_server_key_exchange(own, group, scheme), refused, "{name}");
    }
    // What the client offered passes these checks.
    let (results, alert) =
        client_reads_server_key_exchange("server-ec", NamedGroup::secp256r1, SignatureScheme::ECDSA_NISTP256_SHA256);
    assert_eq!((results, alert), (vec![Ok(Outcome::default())], None));
}

/// Item 1 of issue 13, our engine's side (RFC 5746 3.5): the client refuses a renegotiation
/// ServerHello whose renegotiation_info is not the previous handshake's client and server
/// verify data (the server's half wrong, the client's half wrong), with a fatal
/// handshake_failure. (The server's side: `a_wrong_renegotiation_info_gets_a_fatal_handshake_failure`
/// and the SCSV / missing cases of `malformed_renegotiation_messages_end_the_connection_with_a_fatal_alert`.)
#[test]
fn the_client_refuses_a_server_hello_with_the_wrong_renegotiation_info() {
    let parts = TestParts::default();
    let cp = client_policy();
    for (name, liar) in [
        ("server half", TestParts { server_vd: [9; 12], ..parts.clone() }),
        ("client half", TestParts { client_vd: [9; 12], ..parts.clone() }),
    ] {
        let (mut client, _) = connections(&parts, &parts);
        let mut server = Tls12Connection::from_parts(Endpoint::Server, &liar).unwrap();
        let mut c_out = Vec::new();
        client.start_client(false, &cp, &mut c_out).unwrap();
        let with_ems = Hello { ems: true, ..Hello::default() };
        let sh = server.server_hello_message(&[6; 32], &[9; 32], parts.suite, &with_ems).unwrap();
        let mut wire = Vec::new();
        server.write_record(ContentType::Handshake, &sh, &mut wire).unwrap();
        let results = deliver(&mut wire, &mut client, &cp, &mut c_out, &mut Vec::new());
        assert_eq!(results, vec![Err(Error::SslHandshakeFailure)], "{name}");
        let (_, mut reader) = connections(&parts, &parts);
        let alert = alert_in(&mut c_out, &mut reader, &policy(false, false));
        assert_eq!(alert, Some((AlertLevel::FATAL, AlertDescription::HandshakeFailure)), "{name}");
    }
}

/// Item 3 of issue 13: warning alerts in a row (no data or handshake between them) are limited
/// as empty records are: the fifth ends the connection with a fatal unexpected_message; data
/// between them starts the count again.
#[test]
fn a_flood_of_warning_alerts_ends_the_connection() {
    let parts = TestParts::default();
    let (sp, cp) = (policy(true, true), client_policy());
    let (mut client, mut server) = connections(&parts, &parts);
    let user_canceled = [AlertLevel::WARNING.0, AlertDescription::UserCanceled.0];
    let mut wire = Vec::new();
    for _ in 0..3 {
        for _ in 0..MAX_CONSECUTIVE_WARNING_ALERTS {
            client.write_record(ContentType::Alert, &user_canceled, &mut wire).unwrap();
        }
        client.write_record(ContentType::ApplicationData, b"data", &mut wire).unwrap();
    }
    let mut plain = Vec::new();
    let results = deliver(&mut wire, &mut server, &sp, &mut Vec::new(), &mut plain);
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!(plain, b"datadatadata");
    for _ in 0..=MAX_CONSECUTIVE_WARNING_ALERTS {
        client.write_record(ContentType::Alert, &user_canceled, &mut wire).unwrap();
    }
    let mut s_out = Vec::new();
    let results = deliver(&mut wire, &mut server, &sp, &mut s_out, &mut plain);
    assert_eq!(results.last(), Some(&Err(Error::SslUnexpectedMessage)));
    assert!(results[..results.len() - 1].iter().all(|r| r.is_ok()));
    let fatal = Some((AlertLevel::FATAL, AlertDescription::UnexpectedMessage));
    assert_eq!(alert_in(&mut s_out, &mut client, &cp), fatal);
}
