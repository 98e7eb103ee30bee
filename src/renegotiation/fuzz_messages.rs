//! The fuzz target `renegotiation_messages`: the engine's handshake-message parsers fed whole
//! messages (no records), and the engine's handshake dispatch fed a sequence of them.
//!
//! Input: a mode byte (mod 9), then:
//! 0-6. the body of a ClientHello, ServerHello, Certificate, ServerKeyExchange,
//!    CertificateRequest, ClientKeyExchange or CertificateVerify for its parser. What parses is
//!    written again by the engine's encoder and must read back the same (the hellos: the fields
//!    the encoder writes; the others: the encoding is the start of the input, since the parsers
//!    ignore trailing bytes);
//! 7. the body of the server's Finished, checked by a client: refused with a fatal alert unless
//!    it is the expected verify data (which is accepted);
//! 8. a configuration byte, then messages (type byte, u16 length, body) handed one by one to
//!    the engine's dispatch (`on_handshake`, as after record decryption and reassembly).
//!    Configuration: bit 0 the engine is the client; bit 1 it first starts a renegotiation
//!    (client: a ClientHello, abbreviated per bit 2; server: a HelloRequest); bit 3
//!    resumption allowed. Every refusal must queue a fatal alert; the input ends at the first.

use rustls::enums::HandshakeType;

use super::key_schedule::same_secret;
use super::messages::{
    certificate_message, certificate_request, certificate_verify, client_hello_message, client_key_exchange,
    ecdhe_parameters, handshake_message, offered_schemes, parse_certificate_request, parse_certificate_verify,
    parse_certificates, parse_client_hello, parse_client_key_exchange, parse_server_hello, parse_server_key_exchange,
    server_hello_message, server_key_exchange,
};
use super::{Endpoint, TestParts, Tls12Connection, peer_of};
use crate::config::AuthMode;
use crate::fuzzing::{Input, policy};

pub fn run(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else { return };
    match mode % 9 {
        0 => client_hello(body),
        1 => server_hello(body),
        2 => {
            if let Ok(chain) = parse_certificates(body) {
                let written = certificate_message(&chain).expect("Certificate");
                assert!(body.starts_with(&written[4..]), "Certificate written differently");
            }
        }
        3 => {
            if let Ok(ske) = parse_server_key_exchange(body) {
                let params = ecdhe_parameters(ske.group, ske.public).expect("ECDHE parameters");
                assert_eq!(params, ske.params);
                let written = server_key_exchange(params, ske.scheme, ske.signature).expect("ServerKeyExchange");
                assert!(body.starts_with(&written[4..]), "ServerKeyExchange written differently");
            }
        }
        4 => {
            let _ = parse_certificate_request(body);
            let ours = certificate_request(None).expect("CertificateRequest");
            assert_eq!(parse_certificate_request(&ours[4..]), Ok(offered_schemes()));
        }
        5 => {
            if let Ok(public) = parse_client_key_exchange(body) {
                let written = client_key_exchange(public).expect("ClientKeyExchange");
                assert!(body.starts_with(&written[4..]), "ClientKeyExchange written differently");
            }
        }
        6 => {
            if let Ok((scheme, signature)) = parse_certificate_verify(body) {
                let written = certificate_verify(scheme, signature).expect("CertificateVerify");
                assert!(body.starts_with(&written[4..]), "CertificateVerify written differently");
            }
        }
        7 => finished(body),
        _ => dispatch(body),
    }
}

fn client_hello(body: &[u8]) {
    let Ok(hello) = parse_client_hello(body) else { return };
    let ri = hello.renegotiation_info.clone().unwrap_or_default();
    // Lists too long for one message together are refused by the writer.
    let Ok(written) = client_hello_message(&hello.random, &hello.session_id, &hello.suites, &ri, &hello.groups) else {
        return;
    };
    let again = parse_client_hello(&written[4..]).expect("our ClientHello parses");
    assert_eq!(again.random, hello.random);
    assert_eq!(again.session_id, hello.session_id);
    assert_eq!(again.suites, hello.suites);
    assert_eq!(again.scsv, hello.scsv);
    assert_eq!(again.renegotiation_info, Some(ri));
    assert_eq!(again.groups, hello.groups);
    assert_eq!(again.sig_schemes, offered_schemes());
    assert!(again.ems && again.point_formats && !again.tls13);
}

fn server_hello(body: &[u8]) {
    let Ok(hello) = parse_server_hello(body) else { return };
    let ri = hello.renegotiation_info.clone().unwrap_or_default();
    let written = server_hello_message(&hello.random, &hello.session_id, hello.suite, &ri, &hello)
        .expect("a ServerHello from a parsed one");
    let again = parse_server_hello(&written[4..]).expect("our ServerHello parses");
    assert_eq!(again.random, hello.random);
    assert_eq!(again.session_id, hello.session_id);
    assert_eq!(again.suite, hello.suite);
    assert_eq!(again.renegotiation_info, Some(ri));
    assert_eq!((again.ems, again.point_formats, again.tls13), (hello.ems, hello.point_formats, false));
}

/// The server's Finished over an empty transcript, checked by a client.
fn finished(body: &[u8]) {
    let parts = TestParts::default();
    let mut client = Tls12Connection::from_parts(Endpoint::Client, &parts).expect("connection from parts");
    let mut state = client.state.resumed();
    let expected = state.verify_data(peer_of(Endpoint::Client), b"");
    let mut out = Vec::new();
    let message = handshake_message(HandshakeType::Finished, body).expect("Finished");
    let result = client.check_finished(&mut state, b"", &message, &mut out);
    assert_eq!(result.is_ok(), same_secret(Some(body), &expected), "Finished verdict");
    assert!(result.is_ok() || !out.is_empty(), "a refused Finished without an alert");
    let mut state = client.state.resumed();
    let right = handshake_message(HandshakeType::Finished, &expected).expect("Finished");
    assert!(client.check_finished(&mut state, b"", &right, &mut Vec::new()).is_ok());
}

fn dispatch(data: &[u8]) {
    let mut input = Input(data);
    let config = input.u8().unwrap_or(0);
    let role = if config & 1 != 0 { Endpoint::Client } else { Endpoint::Server };
    let mut conn = Tls12Connection::from_parts(role, &TestParts::default()).expect("connection from parts");
    let policy = policy(role, config & 8 != 0, AuthMode::Optional, 16);
    let mut out = Vec::new();
    if config & 2 != 0 {
        match role {
            Endpoint::Client => conn.start_client(config & 4 != 0, &policy, &mut out).expect("ClientHello"),
            Endpoint::Server => conn.send_hello_request(&mut out).expect("HelloRequest"),
        }
    }
    while let Some(typ) = input.u8() {
        let message = handshake_message(HandshakeType(typ), input.bytes()).expect("message");
        let before = out.len();
        if let Err(e) = conn.on_handshake(&message, &policy, &mut out) {
            assert!(out.len() > before, "{e:?} without a fatal alert (message type {typ})");
            return;
        }
    }
}
