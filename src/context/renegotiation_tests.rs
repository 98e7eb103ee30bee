//! In-memory tests of renegotiation through the connection: abbreviated and full, both
//! directions, refusal, grace, periodic renewal by records and by time.

use super::tests::*;
use super::*;
use crate::config::{TLS1_2, TLS1_3};
use crate::renegotiation::LEGACY_BREAK_HANDSHAKE;

struct Stderr(&'static str);
impl DebugSink for Stderr {
    fn emit(&self, _level: i32, file: &str, line: u32, text: &str) {
        eprint!("[{}] {file}:{line}: {text}", self.0);
    }
}

/// TLS 1.2 with a session cache, renegotiation enabled on both sides; resumption in
/// renegotiation on the server, and on the client when `client_resumption`.
fn configs(client_resumption: bool) -> (Config, Config) {
    let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
    enable(&server_conf, true);
    let client_conf = client_config(AuthMode::Required);
    enable(&client_conf, client_resumption);
    (server_conf, client_conf)
}

fn enable(conf: &Config, resumption: bool) {
    if std::env::var_os("RENEG_DEBUG").is_some() {
        crate::debug::set_threshold(4);
        let name = if conf.read(|s| s.endpoint) == Endpoint::Server { "srv" } else { "cli" };
        conf.update(|s| s.debug = Some(Arc::new(Stderr(name))));
    }
    conf.update(|s| {
        s.renegotiation = true;
        s.renegotiation_resumption = resumption;
    });
}

/// Client renegotiates (abbreviated or full) while the server reads.
fn client_renegotiates(client: &mut Context, server: &mut Context, abbreviated: bool) {
    let mut c = Err(Error::SslWantRead);
    let mut buf = [0u8; 64];
    for _ in 0..50 {
        c = client.renegotiate(abbreviated);
        match server.read(&mut buf) {
            Err(Error::SslWantRead) => {}
            other => panic!("server read: {other:?}"),
        }
        if c != Err(Error::SslWantRead) {
            break;
        }
    }
    assert_eq!(c, Ok(()));
}

fn exchange(client: &mut Context, server: &mut Context) {
    let mut buf = [0u8; 64];
    assert_eq!(client.write(b"ping").unwrap(), 4);
    assert_eq!(server.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"ping");
    assert_eq!(server.write(b"pong").unwrap(), 4);
    assert_eq!(client.read(&mut buf).unwrap(), 4);
    assert_eq!(&buf[..4], b"pong");
}

#[test]
fn abbreviated_and_full_renegotiations_in_memory() {
    let (server_conf, client_conf) = configs(false);
    let (mut client, mut server) = pair_on(server_conf, client_conf, "localhost");
    let (c, s) = handshake(&mut client, &mut server);
    assert_eq!((c, s), (Ok(()), Ok(())));
    exchange(&mut client, &mut server);
    for round in 0..25 {
        client_renegotiates(&mut client, &mut server, true);
        assert!(client.resumed(), "round {round}: abbreviated not resumed");
        exchange(&mut client, &mut server);
        assert!(server.resumed());
        client_renegotiates(&mut client, &mut server, false);
        assert!(!client.resumed(), "round {round}: full reported resumed");
        exchange(&mut client, &mut server);
        assert!(!server.resumed());
    }
    assert_eq!(client.renegotiations(), (25, 25));
    assert_eq!(server.renegotiations(), (25, 25));
}

/// `mbedtls_ssl_renegotiate` called again after WANT_WRITE on the client's last flight (its
/// ChangeCipherSpec/Finished of an abbreviated renegotiation) finishes that renegotiation and
/// starts no other.
#[test]
fn a_renegotiation_repeated_after_want_write_on_its_last_flight_starts_no_other() {
    let (server_conf, client_conf) = configs(true);
    let (mut client, mut server, client_gate, _) = gated_pair_on(server_conf, client_conf);
    let (c, s) = handshake(&mut client, &mut server);
    assert_eq!((c, s), (Ok(()), Ok(())));
    exchange(&mut client, &mut server);
    let mut buf = [0u8; 8];
    assert_eq!(client.renegotiate(true), Err(Error::SslWantRead));
    assert_eq!(server.read(&mut buf), Err(Error::SslWantRead));
    client_gate.set(Some(Error::SslWantWrite));
    assert_eq!(client.renegotiate(true), Err(Error::SslWantWrite));
    assert_eq!(client.renegotiate(true), Ok(()));
    assert_eq!(server.read(&mut buf), Err(Error::SslWantRead));
    exchange(&mut client, &mut server);
    assert_eq!(client.renegotiations(), (0, 1));
    assert_eq!(server.renegotiations(), (0, 1));
}

/// A renewal started inside `write` that returned WANT_READ and ended inside `read` leaves
/// `mbedtls_ssl_renegotiate` starting a new renegotiation.
#[test]
fn a_renegotiation_after_a_renewal_that_returned_want_read_starts() {
    let (server_conf, client_conf) = configs(false);
    client_conf.update(|s| s.renegotiation_interval = (1, true));
    let (mut client, mut server) = connected(server_conf, client_conf);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(client.write(b"x"), Err(Error::SslWantRead));
    read_both_until(&mut client, &mut server, |c, _| c.renegotiations() == (0, 1));
    client_renegotiates(&mut client, &mut server, false);
    exchange(&mut client, &mut server);
    assert_eq!(client.renegotiations(), (1, 1));
}

fn connected(server_conf: Config, client_conf: Config) -> (Context, Context) {
    let (mut client, mut server) = pair_on(server_conf, client_conf, "localhost");
    let (c, s) = handshake(&mut client, &mut server);
    assert_eq!((c, s), (Ok(()), Ok(())));
    (client, server)
}

/// Reads on both sides until `done` holds (each read may return WANT_READ).
fn read_both_until(client: &mut Context, server: &mut Context, done: impl Fn(&Context, &Context) -> bool) {
    let mut buf = [0u8; 64];
    for _ in 0..20 {
        if done(client, server) {
            return;
        }
        for side in [&mut *client, &mut *server] {
            match side.read(&mut buf) {
                Ok(_) | Err(Error::SslWantRead) => {}
                Err(e) => panic!("read: {e:?}"),
            }
        }
    }
    panic!("condition not reached");
}

#[test]
fn a_client_answers_the_servers_hello_request() {
    // Without resumption on the client (Mbed TLS's way) the answer is a full handshake;
    // with it, the client offers its session and the server resumes it.
    for offer in [false, true] {
        let (server_conf, client_conf) = configs(offer);
        let (mut client, mut server) = connected(server_conf, client_conf);
        for n in 1..=3 {
            assert_eq!(server.renegotiate(false), Ok(()), "HelloRequest sent");
            let expected = if offer { (0, n) } else { (n, 0) };
            read_both_until(&mut client, &mut server, |c, s| {
                c.renegotiations() == expected && s.renegotiations() == expected
            });
            exchange(&mut client, &mut server);
        }
    }
}

#[test]
fn the_renegotiation_status_follows_mbedtls_2_28s_renego_status() {
    use super::tls12::RenegotiationStatus::{Done, InProgress, Initial, Pending};
    let (server_conf, client_conf) = configs(false);
    let (mut client, mut server) = connected(server_conf, client_conf);
    assert_eq!((client.renegotiation_status(), server.renegotiation_status()), (Initial, Initial));
    assert_eq!(server.renegotiate(false), Ok(()), "HelloRequest sent");
    assert_eq!(server.renegotiation_status(), Pending);
    // The client answers the HelloRequest inside its read: its renegotiation is running.
    let mut buf = [0u8; 64];
    assert_eq!(client.read(&mut buf), Err(Error::SslWantRead));
    assert_eq!(client.renegotiation_status(), InProgress);
    // The server reads the client's hello: its renegotiation is running too.
    assert_eq!(server.read(&mut buf), Err(Error::SslWantRead));
    assert_eq!(server.renegotiation_status(), InProgress);
    read_both_until(&mut client, &mut server, |c, s| c.renegotiations() == (1, 0) && s.renegotiations() == (1, 0));
    assert_eq!((client.renegotiation_status(), server.renegotiation_status()), (Done, Done));
    exchange(&mut client, &mut server);
    assert_eq!((client.renegotiation_status(), server.renegotiation_status()), (Done, Done));
}

#[test]
fn an_unanswered_hello_request_ends_the_connection_after_the_grace() {
    for (grace, records_ok) in [(0, 0), (2, 2)] {
        let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
        enable(&server_conf, true);
        server_conf.update(|s| s.renegotiation_enforced = grace);
        // The client does not renegotiate: rustls answers the HelloRequest with a warning.
        let (mut client, mut server) = connected(server_conf, client_config(AuthMode::Required));
        server.renegotiate(false).unwrap();
        let mut buf = [0u8; 64];
        assert_eq!(client.read(&mut buf), Err(Error::SslWantRead));
        for _ in 0..records_ok {
            client.write(b"data").unwrap();
            assert_eq!(server.read(&mut buf), Ok(4));
        }
        client.write(b"data").unwrap();
        assert_eq!(server.read(&mut buf), Err(Error::SslUnexpectedMessage), "grace {grace}");
    }
}

#[test]
fn a_server_without_renegotiation_refuses_and_the_connection_goes_on() {
    let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
    let client_conf = client_config(AuthMode::Required);
    enable(&client_conf, false);
    let (mut client, mut server) = connected(server_conf, client_conf);
    let mut buf = [0u8; 64];
    assert_eq!(client.renegotiate(true), Err(Error::SslWantRead));
    assert_eq!(server.read(&mut buf), Err(Error::SslWantRead), "the server refuses and reads on");
    assert_eq!(client.renegotiate(true), Err(Error::SslWaitingServerHelloRenego));
    exchange(&mut client, &mut server);
    assert_eq!(client.renegotiations(), (0, 0));
}

#[test]
fn the_record_counter_triggers_renegotiation_only_when_enabled() {
    for enabled in [true, false] {
        let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
        server_conf.update(|s| {
            s.renegotiation = enabled;
            s.renegotiation_period = 3;
        });
        let client_conf = client_config(AuthMode::Required);
        enable(&client_conf, false);
        let (mut client, mut server) = connected(server_conf, client_conf);
        for _ in 0..8 {
            exchange(&mut client, &mut server);
            let mut buf = [0u8; 8];
            let _ = client.read(&mut buf);
        }
        let (full, _) = client.renegotiations();
        assert_eq!(full > 0, enabled, "enabled {enabled}: {full} renegotiations");
    }
}

#[test]
fn renewal_by_time_offers_the_current_session() {
    let (server_conf, client_conf) = configs(false);
    client_conf.update(|s| s.renegotiation_interval = (1, true));
    let (mut client, mut server) = connected(server_conf, client_conf);
    exchange(&mut client, &mut server);
    assert_eq!(client.renegotiations(), (0, 0));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // The client's next write starts the renewal (WANT_READ: the server has to answer).
    assert_eq!(client.write(b"x"), Err(Error::SslWantRead));
    read_both_until(&mut client, &mut server, |c, _| c.renegotiations() == (0, 1));
    assert!(client.resumed() && server.resumed());
    exchange(&mut client, &mut server);
}

#[test]
fn a_server_renews_by_time_with_a_hello_request() {
    let server_conf = with_cache(TLS1_2, TLS1_2, true, false);
    enable(&server_conf, true);
    server_conf.update(|s| s.renegotiation_interval = (1, true));
    let client_conf = client_config(AuthMode::Required);
    enable(&client_conf, false);
    let (mut client, mut server) = connected(server_conf, client_conf);
    exchange(&mut client, &mut server);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    // The server's next read sends the HelloRequest; our client answers with a full one.
    read_both_until(&mut client, &mut server, |c, s| c.renegotiations() == (1, 0) && s.renegotiations() == (1, 0));
    exchange(&mut client, &mut server);
}

#[test]
fn legacy_break_handshake_with_a_secure_peer_connects() {
    let server_conf = with_cache(TLS1_2, TLS1_3, true, false);
    server_conf.update(|s| s.legacy_renegotiation = LEGACY_BREAK_HANDSHAKE);
    let client_conf = client_config(AuthMode::Required);
    client_conf.update(|s| s.legacy_renegotiation = LEGACY_BREAK_HANDSHAKE);
    for max in [TLS1_2, TLS1_3] {
        client_conf.update(|s| s.max_version = max);
        let (mut client, mut server) = connected(server_conf.clone(), client_conf.clone());
        exchange(&mut client, &mut server);
    }
}

/// A plaintext handshake record holding one hello (`typ`) with `body` before its extensions,
/// then extended master secret, TLS 1.2 ECDHE-ECDSA parameters (for a ClientHello) and a
/// `renegotiation_info` carrying `ri`.
fn initial_hello(typ: u8, body: &[u8], ri: &[u8]) -> Vec<u8> {
    use crate::codec::{put_vec8, put_vec16, put_vec24};
    let ext = |out: &mut Vec<u8>, id: u16, data: &[u8]| {
        out.extend_from_slice(&id.to_be_bytes());
        put_vec16(out, data).unwrap();
    };
    let mut exts = Vec::new();
    let mut info = Vec::new();
    put_vec8(&mut info, ri).unwrap();
    ext(&mut exts, 0xff01, &info);
    ext(&mut exts, 0x0017, &[]);
    if typ == 1 {
        ext(&mut exts, 0x000d, &[0, 2, 4, 3]); // ecdsa_secp256r1_sha256
        ext(&mut exts, 0x000a, &[0, 2, 0, 0x17]); // secp256r1
        ext(&mut exts, 0x000b, &[1, 0]); // uncompressed points
    }
    let mut hello = body.to_vec();
    put_vec16(&mut hello, &exts).unwrap();
    let mut message = vec![typ];
    put_vec24(&mut message, &hello).unwrap();
    let mut record = vec![22, 3, 3];
    put_vec16(&mut record, &message).unwrap();
    record
}

/// The fatal handshake_failure alert record of a handshake without keys.
const HANDSHAKE_FAILURE_ALERT: [u8; 7] = [21, 3, 3, 0, 2, 2, 40];

/// Item 1 of issue 13, RFC 5746 3.6: an initial ClientHello whose renegotiation_info is not
/// empty claims a previous handshake there is none of; the server ends the handshake with a
/// fatal handshake_failure (as Mbed TLS) instead of answering it, whether renegotiation is
/// enabled or not; an empty one is accepted.
#[test]
fn an_initial_client_hello_with_renegotiation_info_is_refused() {
    let (renegotiating, _) = configs(false);
    for server_conf in [renegotiating, server_config(TLS1_2, TLS1_3)] {
        client_hello_with_renegotiation_info(server_conf);
    }
}

fn client_hello_with_renegotiation_info(server_conf: Config) {
    let mut body = vec![3, 3];
    body.extend_from_slice(&[8; 32]);
    body.extend_from_slice(&[0, 0, 2, 0xC0, 0x2B, 1, 0]); // no session ID, one suite, null compression
    for (ri, refused) in [(&[4u8; 12][..], true), (&[][..], false)] {
        let mut server = Context::new(server_conf.clone()).unwrap();
        let (to_server, from_server) = raw_peer(&mut server);
        to_server.borrow_mut().extend(initial_hello(1, &body, ri));
        let result = server.handshake();
        let sent: Vec<u8> = from_server.borrow().iter().copied().collect();
        if refused {
            assert_eq!(result, Err(Error::SslHandshakeFailure));
            assert_eq!(sent, HANDSHAKE_FAILURE_ALERT, "no ServerHello, a fatal handshake_failure");
        } else {
            assert_eq!(result, Err(Error::SslWantRead), "the handshake goes on");
            assert_eq!(sent.first(), Some(&22), "a ServerHello");
        }
    }
}

/// Item 1 of issue 13, RFC 5746 3.4: the client refuses an initial ServerHello whose
/// renegotiation_info is not empty with a fatal handshake_failure (as Mbed TLS), whether
/// renegotiation is enabled or not.
#[test]
fn an_initial_server_hello_with_renegotiation_info_is_refused() {
    let (_, renegotiating) = configs(false);
    for client_conf in [renegotiating, client_config(AuthMode::Required)] {
        server_hello_with_renegotiation_info(client_conf);
    }
}

fn server_hello_with_renegotiation_info(client_conf: Config) {
    client_conf.update(|s| s.max_version = TLS1_2);
    let mut client = Context::new(client_conf).unwrap();
    client.set_hostname(Hostname::Name("localhost".into()));
    let (to_client, from_client) = raw_peer(&mut client);
    assert_eq!(client.handshake(), Err(Error::SslWantRead));
    from_client.borrow_mut().clear(); // the ClientHello
    let mut body = vec![3, 3];
    body.extend_from_slice(&[6; 32]);
    body.extend_from_slice(&[0, 0xC0, 0x2B, 0]); // no session ID, the suite, null compression
    to_client.borrow_mut().extend(initial_hello(2, &body, &[4; 24]));
    assert_eq!(client.handshake(), Err(Error::SslHandshakeFailure));
    let sent: Vec<u8> = from_client.borrow().iter().copied().collect();
    assert_eq!(sent, HANDSHAKE_FAILURE_ALERT);
}

/// The certificate and key `name` of the test PKI, and its end-entity certificate.
fn own_cert(name: &str) -> (Arc<OwnCert>, CertificateDer<'static>) {
    use rustls::pki_types::PrivateKeyDer;
    use rustls::pki_types::pem::PemObject;
    let dir = crate::test_support::certs_dir();
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join(format!("{name}.crt"))).unwrap().map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_file(dir.join(format!("{name}.key"))).unwrap();
    let leaf = chain[0].clone();
    (Arc::new(OwnCert::new(chain, key).unwrap()), leaf)
}

fn peer_leaf(ctx: &Context) -> Option<CertificateDer<'static>> {
    ctx.info().and_then(|i| i.peer_chain.first().cloned())
}

/// Item 7 of issue 13: Mbed TLS reads its configuration live, so renegotiation turned off
/// after the handshake is off for the next request (and on again when turned back on).
#[test]
fn renegotiation_turned_off_after_the_handshake_is_refused() {
    let (server_conf, client_conf) = configs(true);
    let (mut client, mut server) = connected(server_conf.clone(), client_conf);
    let mut buf = [0u8; 64];
    server_conf.update(|s| s.renegotiation = false);
    assert_eq!(client.renegotiate(true), Err(Error::SslWantRead));
    assert_eq!(server.read(&mut buf), Err(Error::SslWantRead), "the server refuses and reads on");
    assert_eq!(client.renegotiate(true), Err(Error::SslWaitingServerHelloRenego));
    exchange(&mut client, &mut server);
    server_conf.update(|s| s.renegotiation = true);
    client_renegotiates(&mut client, &mut server, true);
    assert_eq!(server.renegotiations(), (0, 1));
}

/// Items 6 and 7 of issue 13: a server that starts requiring a client certificate after the
/// handshake gets one in the next full renegotiation (the client's configuration changed too);
/// the peer certificate and the verify result then describe the renegotiated session, also
/// when the client presents another certificate or, once authentication is off again, none.
#[test]
fn client_authentication_required_after_the_handshake_applies_to_the_renegotiation() {
    let (server_conf, client_conf) = configs(false);
    let ca = client_conf.read(|s| s.ca_chain.clone());
    let (mut client, mut server) = connected(server_conf.clone(), client_conf.clone());
    assert_eq!(peer_leaf(&server), None);
    assert_eq!(server.verify_result(), badcert::SKIP_VERIFY);

    server_conf.update(|s| {
        s.authmode = AuthMode::Required;
        s.ca_chain = ca;
    });
    let (client_cert, client_leaf) = own_cert("client");
    client_conf.update(|s| s.own_certs = vec![client_cert]);
    client_renegotiates(&mut client, &mut server, false);
    assert_eq!(peer_leaf(&server), Some(client_leaf));
    assert_eq!(server.verify_result(), 0);
    exchange(&mut client, &mut server);

    // Another certificate (from another CA): optional authentication reports it.
    server_conf.update(|s| s.authmode = AuthMode::Optional);
    let (other, other_leaf) = own_cert("server-wrong");
    client_conf.update(|s| s.own_certs = vec![other]);
    client_renegotiates(&mut client, &mut server, false);
    assert_eq!(peer_leaf(&server), Some(other_leaf));
    assert_ne!(server.verify_result() & badcert::NOT_TRUSTED, 0);

    server_conf.update(|s| s.authmode = AuthMode::None);
    client_renegotiates(&mut client, &mut server, false);
    assert_eq!(peer_leaf(&server), None, "no certificate in this session");
    assert_eq!(server.verify_result(), badcert::SKIP_VERIFY);
    exchange(&mut client, &mut server);
    assert_eq!(server.renegotiations(), (3, 0));
}
