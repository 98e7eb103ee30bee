//! In-memory tests of the connection: handshakes, data, client sessions, fatal alerts.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;

use super::*;
use crate::config::{Preset, TLS1_2, TLS1_3};

pub(super) type Pipe = Rc<RefCell<VecDeque<u8>>>;

/// One end of an in-memory duplex pipe; never blocks (WANT_READ when empty).
pub(super) struct MemTransport {
    pub(super) rx: Pipe,
    pub(super) tx: Pipe,
}

impl Transport for MemTransport {
    fn send(&mut self, data: &[u8]) -> Result<usize> {
        self.tx.borrow_mut().extend(data);
        Ok(data.len())
    }
    fn recv(&mut self, buf: &mut [u8], _timeout_ms: u32) -> Result<usize> {
        let mut rx = self.rx.borrow_mut();
        if rx.is_empty() {
            return Err(Error::SslWantRead);
        }
        let n = buf.len().min(rx.len());
        for b in buf.iter_mut().take(n) {
            *b = rx.pop_front().unwrap();
        }
        Ok(n)
    }
}

/// A `MemTransport` whose next send fails with the error its gate holds (once).
struct Gated {
    inner: MemTransport,
    send_error: Rc<std::cell::Cell<Option<Error>>>,
}

impl Transport for Gated {
    fn send(&mut self, data: &[u8]) -> Result<usize> {
        match self.send_error.take() {
            Some(e) => Err(e),
            None => self.inner.send(data),
        }
    }
    fn recv(&mut self, buf: &mut [u8], timeout_ms: u32) -> Result<usize> {
        self.inner.recv(buf, timeout_ms)
    }
}

pub(super) type Gate = Rc<std::cell::Cell<Option<Error>>>;

/// As `pair_on` (host name "localhost"), with a gate on each side's sends: (client, server,
/// client's gate, server's gate).
pub(super) fn gated_pair_on(server_conf: Config, client_conf: Config) -> (Context, Context, Gate, Gate) {
    let (a, b): (Pipe, Pipe) = (Rc::default(), Rc::default());
    let (client_gate, server_gate): (Gate, Gate) = (Rc::default(), Rc::default());
    let mut client = Context::new(client_conf).unwrap();
    let mut server = Context::new(server_conf).unwrap();
    let inner = MemTransport { rx: a.clone(), tx: b.clone() };
    client.set_transport(Box::new(Gated { inner, send_error: client_gate.clone() }));
    server.set_transport(Box::new(Gated { inner: MemTransport { rx: b, tx: a }, send_error: server_gate.clone() }));
    client.set_hostname(Hostname::Name("localhost".into()));
    (client, server, client_gate, server_gate)
}

use crate::test_support::certs_dir;

/// Connects `ctx` to a peer the test plays by hand: bytes pushed into the first pipe reach
/// `ctx`, what `ctx` sends lands in the second.
pub(super) fn raw_peer(ctx: &mut Context) -> (Pipe, Pipe) {
    let (to_ctx, from_ctx): (Pipe, Pipe) = (Rc::default(), Rc::default());
    ctx.set_transport(Box::new(MemTransport { rx: to_ctx.clone(), tx: from_ctx.clone() }));
    (to_ctx, from_ctx)
}

pub(super) fn pair(min: u16, max: u16, client_auth: AuthMode, hostname: &str) -> (Context, Context) {
    let server_conf = server_config(min, max);
    pair_on(server_conf, client_config(client_auth), hostname)
}

pub(super) fn server_config(min: u16, max: u16) -> Config {
    let dir = certs_dir();
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("server-ec.crt")).unwrap().map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server-ec.key")).unwrap();
    let server_conf = Config::new();
    server_conf.update(|s| {
        s.apply_defaults(Endpoint::Server, Preset::Default);
        s.own_certs.push(Arc::new(OwnCert::new(chain, key).unwrap()));
        s.rng_set = true;
        s.min_version = min;
        s.max_version = max;
    });
    server_conf
}

pub(super) fn client_config(client_auth: AuthMode) -> Config {
    let dir = certs_dir();
    let ca: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("ca.crt")).unwrap().map(|c| c.unwrap()).collect();
    let client_conf = Config::new();
    client_conf.update(|s| {
        s.apply_defaults(Endpoint::Client, Preset::Default);
        s.ca_chain = Some(ca.into());
        s.authmode = client_auth;
        s.rng_set = true;
    });
    client_conf
}

pub(super) fn pair_on(server_conf: Config, client_conf: Config, hostname: &str) -> (Context, Context) {
    let a: Pipe = Rc::default();
    let b: Pipe = Rc::default();
    let mut client = Context::new(client_conf).unwrap();
    let mut server = Context::new(server_conf).unwrap();
    client.set_transport(Box::new(MemTransport { rx: a.clone(), tx: b.clone() }));
    server.set_transport(Box::new(MemTransport { rx: b, tx: a }));
    client.set_hostname(Hostname::Name(hostname.into()));
    (client, server)
}

/// Steps both sides until both handshakes finish (or one fails).
pub(super) fn handshake(client: &mut Context, server: &mut Context) -> (Result<()>, Result<()>) {
    let (mut c, mut s) = (Err(Error::SslWantRead), Err(Error::SslWantRead));
    for _ in 0..50 {
        if !matches!(c, Ok(())) {
            c = client.handshake();
        }
        if !matches!(s, Ok(())) {
            s = server.handshake();
        }
        let done = |r: &Result<()>| !matches!(r, Err(Error::SslWantRead));
        if done(&c) && done(&s) {
            break;
        }
    }
    (c, s)
}

#[test]
fn tls12_and_tls13_handshake_and_data_in_memory() {
    for (version, expect) in [(TLS1_2, 0x0303), (TLS1_3, 0x0304)] {
        let (mut client, mut server) = pair(version, version, AuthMode::Required, "localhost");
        let (c, s) = handshake(&mut client, &mut server);
        assert_eq!((c, s), (Ok(()), Ok(())));
        assert_eq!(client.info().unwrap().version, expect);
        assert_eq!(client.verify_result(), 0);
        assert_eq!(client.write(b"ping").unwrap(), 4);
        let mut buf = [0u8; 16];
        assert_eq!(server.read(&mut buf).unwrap(), 4);
        assert_eq!(&buf[..4], b"ping");
        server.write(b"pong").unwrap();
        assert_eq!(client.read(&mut buf).unwrap(), 4);
        client.close_notify().unwrap();
        assert_eq!(server.read(&mut buf), Err(Error::SslPeerCloseNotify));
    }
}

#[test]
fn wrong_hostname_fails_required_and_is_reported_by_optional() {
    let (mut client, mut server) = pair(TLS1_2, TLS1_3, AuthMode::Required, "example.com");
    let (c, _) = handshake(&mut client, &mut server);
    assert_eq!(c, Err(Error::X509CertVerifyFailed));
    assert_eq!(client.verify_result(), badcert::CN_MISMATCH);

    let (mut client, mut server) = pair(TLS1_2, TLS1_3, AuthMode::Optional, "example.com");
    let (c, s) = handshake(&mut client, &mut server);
    assert_eq!((c, s), (Ok(()), Ok(())));
    assert_eq!(client.verify_result(), badcert::CN_MISMATCH);
}

#[test]
fn a_write_before_the_handshake_completes_it_first() {
    let (mut client, mut server) = pair(TLS1_2, TLS1_3, AuthMode::Required, "localhost");
    assert_eq!(client.write(b"x"), Err(Error::SslWantRead));
    assert_eq!(server.read(&mut [0u8; 4]), Err(Error::SslWantRead));
    assert_eq!(client.write(b"x"), Ok(1));
    assert_eq!(server.read(&mut [0u8; 4]), Ok(1));
}

/// Runs a handshake and a data exchange so that TLS 1.3 tickets reach the client.
pub(super) fn connect(client: &mut Context, server: &mut Context) -> bool {
    let (c, s) = handshake(client, server);
    assert_eq!((c, s), (Ok(()), Ok(())));
    server.write(b"x").unwrap();
    let mut buf = [0u8; 4];
    loop {
        match client.read(&mut buf) {
            Ok(_) => break,
            Err(Error::SslReceivedNewSessionTicket) => continue,
            Err(e) => panic!("{e:?}"),
        }
    }
    client.resumed()
}

pub(super) fn with_cache(min: u16, max: u16, cache: bool, tickets: bool) -> Config {
    let conf = server_config(min, max);
    conf.update(|s| {
        if cache {
            s.session_store = Some(Arc::new(crate::cache::SessionCache::new(86400, 50)));
        }
        if tickets {
            s.ticket_codec =
                Some(Arc::new(crate::ticket::TicketKeys::new(crate::ticket::TicketAead::Aes256Gcm, 3600).unwrap()));
        }
    });
    conf
}

#[test]
fn client_sessions_resume_with_ids_tickets_and_tls13() {
    for (min, max, cache, tickets) in [
        (TLS1_2, TLS1_2, true, false),
        (TLS1_2, TLS1_2, false, true),
        (TLS1_3, TLS1_3, false, true),
        (TLS1_3, TLS1_3, true, false),
    ] {
        let server_conf = with_cache(min, max, cache, tickets);
        let client_conf = client_config(AuthMode::Required);
        let (mut c1, mut s1) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
        assert!(!connect(&mut c1, &mut s1));
        let saved = c1.export_session(true).unwrap();
        assert_eq!(c1.export_session(true), Err(Error::SslFeatureUnavailable), "exported once");
        assert_eq!(c1.export_session(false).map(|s| s.id), Ok(saved.id.clone()), "2.28: any number of copies");
        drop(c1);
        let bytes = saved.save().unwrap();
        let loaded = Session::load(&bytes).unwrap();

        let (mut c2, mut s2) = pair_on(server_conf, client_conf, "localhost");
        c2.set_session(&loaded).unwrap();
        assert_eq!(c2.set_session(&loaded), Err(Error::SslFeatureUnavailable));
        assert!(connect(&mut c2, &mut s2), "{min:#x} cache {cache} tickets {tickets}: not resumed");
        assert!(s2.resumed());
        assert_eq!(c2.verify_result(), 0);
        assert!(!c2.info().unwrap().peer_chain.is_empty());
    }
}

#[test]
fn sessions_are_not_resumed_for_another_host_name() {
    let server_conf = with_cache(TLS1_2, TLS1_2, true, true);
    let client_conf = client_config(AuthMode::Optional);
    let (mut c1, mut s1) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
    connect(&mut c1, &mut s1);
    let saved = c1.export_session(true).unwrap();
    let (mut c2, mut s2) = pair_on(server_conf, client_conf, "other.example");
    c2.set_session(&saved).unwrap();
    assert!(!connect(&mut c2, &mut s2));
}

/// Mbed TLS stores a server session when the handshake is over: a TLS 1.2 server that cannot
/// send its ChangeCipherSpec/Finished (rustls asked to store the session before) caches nothing,
/// whether it then gives up (NET_SEND_FAILED) or completes after WANT_WRITE.
#[test]
fn a_server_session_is_cached_only_when_the_handshake_is_over() {
    for (error, retried) in [(Error::NetSendFailed, false), (Error::SslWantWrite, true)] {
        let cache = Arc::new(crate::cache::SessionCache::new(86400, 50));
        let server_conf = server_config(TLS1_2, TLS1_2);
        server_conf.update(|s| s.session_store = Some(cache.clone()));
        let (mut client, mut server, _, server_gate) = gated_pair_on(server_conf, client_config(AuthMode::Required));
        // ClientHello; the server's first flight; the client's ClientKeyExchange ... Finished.
        assert_eq!(client.handshake(), Err(Error::SslWantRead));
        assert_eq!(server.handshake(), Err(Error::SslWantRead));
        assert_eq!(client.handshake(), Err(Error::SslWantRead));
        server_gate.set(Some(error));
        assert_eq!(server.handshake(), Err(error));
        assert!(cache.is_empty(), "{error:?}: cached before the server's last flight was sent");
        if retried {
            assert_eq!(server.handshake(), Ok(()));
            assert_eq!(client.handshake(), Ok(()));
            assert_eq!(cache.len(), 1);
        }
    }
}

#[test]
fn a_fatal_alert_invalidates_the_server_session() {
    for (cache, tickets) in [(true, false), (false, true)] {
        let server_conf = with_cache(TLS1_2, TLS1_2, cache, tickets);
        let client_conf = client_config(AuthMode::Required);
        // Control: a normal connection's session resumes.
        let (mut c1, mut s1) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
        connect(&mut c1, &mut s1);
        let good = c1.export_session(true).unwrap();
        // A connection that ends with a fatal alert (the server gets a forged record).
        let (mut c2, mut s2) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
        connect(&mut c2, &mut s2);
        let bad = c2.export_session(true).unwrap();
        // Feed the server a forged application-data record: bad_record_mac, a fatal alert.
        s2.input = transport::RecordInput::default();
        s2.input.buf = vec![0x17, 3, 3, 0, 32];
        s2.input.buf.extend_from_slice(&[0x55; 32]);
        s2.input.used = s2.input.buf.len();
        assert!(s2.process_input().is_err());

        let (mut c3, mut s3) = pair_on(server_conf.clone(), client_conf.clone(), "localhost");
        c3.set_session(&bad).unwrap();
        assert!(!connect(&mut c3, &mut s3), "cache {cache}: resumed after a fatal alert");
        let (mut c4, mut s4) = pair_on(server_conf, client_conf, "localhost");
        c4.set_session(&good).unwrap();
        assert!(connect(&mut c4, &mut s4), "cache {cache}: control case not resumed");
    }
}

#[test]
fn crls_come_with_the_cas_of_the_configuration_or_of_the_sni_callback() {
    use crate::verify::{CrlList, badcert};
    let dir = certs_dir();
    let crls = |file: &str| -> CrlList {
        let parsed = crate::x509::parse_crls(&std::fs::read(dir.join(file)).unwrap());
        assert_eq!(parsed.result, Ok(()));
        parsed.crls.into_iter().map(Arc::new).collect()
    };
    let ca: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("ca.crt")).unwrap().map(|c| c.unwrap()).collect();
    let client_cert: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(dir.join("client.crt")).unwrap().map(|c| c.unwrap()).collect();
    let conf = server_config(TLS1_2, TLS1_2);
    conf.update(|s| {
        s.ca_chain = Some(ca.clone().into());
        s.ca_crl = crls("crl-ca.pem");
        s.authmode = AuthMode::Required;
    });
    let snapshot = conf.snapshot().unwrap();
    let mut ctx = Context::new(conf).unwrap();
    let flags = |ctx: &Context| ctx.peer_check(&snapshot, None).flags(&client_cert, rustls::pki_types::UnixTime::now());
    // The configuration's CRL revokes the client certificate.
    assert_eq!(flags(&ctx), Ok(badcert::REVOKED));
    // The SNI callback's CAs come with their own CRLs (here: one revoking nothing).
    ctx.set_hs_ca_chain(ca.clone().into(), crls("crl-ca-empty.pem"));
    assert_eq!(flags(&ctx), Ok(0));
    ctx.set_hs_ca_chain(ca.into(), crls("crls.pem"));
    assert_eq!(flags(&ctx), Ok(badcert::REVOKED));
}

/// Server connections of one configuration share its rustls configuration (built once), and
/// each still verifies its own client: handshakes stepped in turn on one thread, one client
/// with a certificate from the configured CA and one with a stranger's, keep their results
/// apart.
#[test]
fn connections_sharing_a_configuration_verify_their_own_clients() {
    use crate::verify::badcert;
    let dir = certs_dir();
    let pem = |file: &str| -> Vec<CertificateDer<'static>> {
        CertificateDer::pem_file_iter(dir.join(file)).unwrap().map(|c| c.unwrap()).collect()
    };
    let server_conf = server_config(TLS1_2, TLS1_3);
    server_conf.update(|s| {
        s.ca_chain = Some(pem("ca.crt").into());
        s.authmode = AuthMode::Optional;
    });
    let client_with = |name: &str| {
        let conf = client_config(AuthMode::Required);
        let key = PrivateKeyDer::from_pem_file(dir.join(format!("{name}.key"))).unwrap();
        conf.update(|s| s.own_certs.push(Arc::new(OwnCert::new(pem(&format!("{name}.crt")), key).unwrap())));
        conf
    };
    for version in [TLS1_2, TLS1_3] {
        server_conf.update(|s| (s.min_version, s.max_version) = (version, version));
        let (mut good_client, mut good_server) = pair_on(server_conf.clone(), client_with("client"), "localhost");
        let (mut bad_client, mut bad_server) = pair_on(server_conf.clone(), client_with("server-wrong"), "localhost");
        let mut results =
            [Err(Error::SslWantRead), Err(Error::SslWantRead), Err(Error::SslWantRead), Err(Error::SslWantRead)];
        for _ in 0..50 {
            for (result, ctx) in
                results.iter_mut().zip([&mut good_client, &mut bad_client, &mut good_server, &mut bad_server])
            {
                if matches!(result, Err(Error::SslWantRead)) {
                    *result = ctx.handshake();
                }
            }
        }
        assert_eq!(results, [Ok(()), Ok(()), Ok(()), Ok(())], "version {version:#x}");
        assert_eq!(good_server.verify_result(), 0, "version {version:#x}");
        assert_ne!(bad_server.verify_result() & badcert::NOT_TRUSTED, 0, "version {version:#x}");
        assert_eq!(good_server.info().map(|i| i.peer_chain.len()), Some(1));
        let (a, b) = (good_server.snapshot.as_ref().unwrap(), bad_server.snapshot.as_ref().unwrap());
        let template = |s: &Snapshot| Arc::as_ptr(s.server_template.get().unwrap());
        assert_eq!(template(a), template(b), "one rustls configuration for both connections");
    }
}
