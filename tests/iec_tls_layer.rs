//! A TLS layer shaped like those of IEC 60870-5-104 / IEC 61850 stacks (tests/c/iec_tls_layer.c,
//! written against the Mbed TLS 3.6 API only: psa_crypto_init, its own session cache over
//! mbedtls_ssl_session_save/load, a verify callback with pinning, a renegotiation timer), built
//! against this library and run against itself, `openssl s_server` and `openssl s_client` over
//! loopback.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::*;

fn args(role: &str, crt: &str, ca: &str, port: u16, extra: &[&str]) -> Vec<String> {
    let mut v = vec![
        format!("mode={role}"),
        format!("port={port}"),
        format!("crt={}", cert(&format!("{crt}.crt"))),
        format!("key={}", cert(&format!("{crt}.key"))),
        format!("ca={}", cert(ca)),
    ];
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

/// Starts the layer as a server (`server-rsa` certificate) on a free port.
fn server(ca: &str, extra: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let prog = program("tests/iec_tls_layer");
    let a = args("server", "server-rsa", ca, port, extra);
    let mut argv = vec![prog.as_str()];
    argv.extend(a.iter().map(String::as_str));
    let p = Proc::start("iec_tls_layer server", &argv, &[], 60);
    p.expect("listening", 20);
    (p, port)
}

/// Runs the layer as a client (`client` certificate) against `port`.
fn client(port: u16, extra: &[&str]) -> (bool, String) {
    let prog = program("tests/iec_tls_layer");
    let a = args("client", "client", "ca.crt", port, extra);
    let mut argv = vec![prog.as_str()];
    argv.extend(a.iter().map(String::as_str));
    let (status, out) = run("iec_tls_layer client", &argv, b"", 60);
    (status.success(), out)
}

fn finish(mut p: Proc) -> String {
    p.wait(30);
    p.output()
}

fn saved_ids(out: &str) -> Vec<&str> {
    out.lines().filter_map(|l| l.strip_prefix("session saved: ")).filter_map(|l| l.split(", id ").nth(1)).collect()
}

#[test]
fn two_layers_resume_their_own_cached_session_and_renew_keys_by_timer() {
    let (srv, port) = server("ca.crt", &["connections=2"]);
    let (ok, out) = client(port, &["connections=2", "messages=3", "renego_ms=200", "pause_ms=150"]);
    let srv = finish(srv);
    assert!(ok, "{out}\nserver:\n{srv}");
    assert_eq!(out.matches("echo: message").count(), 6, "{out}");
    assert_eq!(out.matches("renegotiated: 1").count(), 2, "one timer renewal per connection:\n{out}");
    // The second connection resumed the session saved after the first (same ID) from the
    // server's own cache.
    let ids = saved_ids(&out);
    assert_eq!(ids.len(), 2, "{out}");
    assert_eq!(ids[0], ids[1], "{out}");
    assert!(srv.contains("cache: stored") && srv.contains("cache: found"), "{srv}");
    // Every verification ran the callback from the CA (depth 1) down to the peer (depth 0).
    assert!(out.contains("verify: depth 1 flags 0x00000000\nverify: depth 0 flags 0x00000000"), "{out}");
    assert!(srv.contains("handshake: TLSv1.2") && !srv.contains("error:"), "{srv}");
}

#[test]
fn known_certificates_are_accepted_without_a_chain_and_unknown_ones_refused() {
    // The server trusts only another CA, but knows the client's certificate: pinned.
    let known = format!("known={}", cert("client.crt"));
    let (srv, port) = server("wrong-ca.crt", &[&known]);
    let (ok, out) = client(port, &[]);
    let srv = finish(srv);
    assert!(ok, "{out}\nserver:\n{srv}");
    assert!(srv.contains("verify: depth 0 flags 0x00000008\nverify: known certificate"), "{srv}");
    assert!(srv.contains("flags 0x00000000"), "{srv}");

    // Only known certificates: a valid chain is not enough (BADCERT_OTHER, access_denied).
    let known = format!("known={}", cert("server-ec.crt"));
    let (srv, port) = server("ca.crt", &[&known, "only_known=1"]);
    let (ok, out) = client(port, &[]);
    let srv = finish(srv);
    assert!(!ok, "{out}");
    assert!(srv.contains("verify: unknown certificate refused"), "{srv}");
    assert!(srv.contains("error: mbedtls_ssl_handshake -0x2700"), "{srv}");
    assert!(srv.contains("flags 0x00000100"), "{srv}");
    assert!(out.contains("error: mbedtls_ssl_handshake -0x7780"), "the client gets the fatal alert:\n{out}");
}

#[test]
fn a_callback_error_ends_the_handshake_and_optional_mode_reports_flags() {
    let (srv, port) = server("ca.crt", &["fail_code=1234"]);
    let (ok, out) = client(port, &[]);
    let srv = finish(srv);
    assert!(!ok, "{out}");
    assert!(srv.contains("error: mbedtls_ssl_handshake -0x1234"), "{srv}");
    assert!(srv.contains("flags 0xffffffff"), "{srv}");

    // VERIFY_OPTIONAL: the untrusted client is let in, its flags reported.
    let (srv, port) = server("wrong-ca.crt", &["authmode=optional"]);
    let (ok, out) = client(port, &[]);
    let srv = finish(srv);
    assert!(ok, "{out}\nserver:\n{srv}");
    assert!(srv.contains("handshake: TLSv1.2 TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256 flags 0x00000008"), "{srv}");
}

#[test]
fn the_client_layer_against_openssl_s_server() {
    let port = free_port();
    let (accept, c, k, ca) = (port.to_string(), cert("server-rsa.crt"), cert("server-rsa.key"), cert("ca.crt"));
    #[rustfmt::skip]
    let argv = [
        "openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, "-CAfile", &ca, "-Verify", "1",
        "-verify_return_error", "-rev", "-naccept", "2", "-client_renegotiation", "-tls1_2",
    ];
    let s = Proc::start("openssl s_server", &argv, &[], 60);
    s.expect("ACCEPT", 20);
    let (ok, out) = client(port, &["connections=2", "messages=3", "renego_ms=200", "pause_ms=150"]);
    let srv = finish(s);
    assert!(ok, "{out}\nserver:\n{srv}");
    // s_server -rev sends each line back reversed.
    assert!(out.contains("echo: 1 noitcennoc fo 1 egassem"), "{out}");
    assert_eq!(out.matches("renegotiated: 1").count(), 2, "{out}");
    let ids = saved_ids(&out);
    assert_eq!(ids.len(), 2, "{out}");
    assert_eq!(ids[0], ids[1], "the second connection resumed the saved session:\n{out}");
}

#[test]
fn the_server_layer_against_openssl_s_client() {
    let (srv, port) = server("ca.crt", &["connections=2", "renego_ms=300"]);
    let sess = std::env::temp_dir().join(format!("iec-layer-{}.sess", std::process::id()));
    let sess = sess.to_str().unwrap().to_string();
    let (connect, c, k, ca) = (format!("127.0.0.1:{port}"), cert("client.crt"), cert("client.key"), cert("ca.crt"));
    let s_client = |sess_flag: &str, pause_ms: u64| {
        #[rustfmt::skip]
        let argv = [
            "openssl", "s_client", "-connect", &connect, "-cert", &c, "-key", &k, "-CAfile", &ca,
            "-servername", "localhost", "-verify_return_error", sess_flag, &sess,
        ];
        let mut p = Proc::start("openssl s_client", &argv, &[], 30);
        p.expect("Verify return code: 0", 20);
        p.write(b"first line\n");
        p.expect("first line", 10);
        // Long enough for the server's renewal timer: it renegotiates inside its read loop.
        sleep(Duration::from_millis(pause_ms));
        p.write(b"second line\n");
        p.expect("second line", 10);
        p.close_stdin();
        p.wait(20);
        p.output()
    };
    // The session of a full renegotiation is not cached here (see the README), so the first
    // connection ends before the timer and the second one, resumed, renews its keys.
    let first = s_client("-sess_out", 0);
    let second = s_client("-sess_in", 700);
    let srv = finish(srv);
    let _ = std::fs::remove_file(&sess);
    assert_eq!(srv.matches("renegotiated: 1").count(), 1, "server-initiated renewal:\n{srv}");
    assert!(first.contains("New, TLSv1.2"), "{first}");
    assert!(second.contains("Reused, TLSv1.2"), "{second}");
    assert!(srv.contains("cache: found"), "{srv}");
    assert_eq!(srv.matches("echo: second line").count(), 2, "{srv}");
}

/// `crl=` arguments of the layer for CRL files of the test PKI (scripts/gen-test-certs.sh).
fn crls(files: &[&str]) -> Vec<String> {
    files.iter().map(|f| format!("crl={}", cert(f))).collect()
}

/// One TLS 1.2 connection of `openssl s_client` with the client certificate to `port`; its output.
fn s_client_once(port: u16) -> String {
    let (connect, c, k, ca) = (format!("127.0.0.1:{port}"), cert("client.crt"), cert("client.key"), cert("ca.crt"));
    #[rustfmt::skip]
    let argv = [
        "openssl", "s_client", "-connect", &connect, "-cert", &c, "-key", &k, "-CAfile", &ca,
        "-servername", "localhost", "-tls1_2",
    ];
    run("openssl s_client", &argv, b"", 30).1
}

#[test]
fn the_server_layer_refuses_a_revoked_client_certificate_of_openssl_s_client() {
    // Two CRL files appended to one list: another CA's, then the Test CA's (revokes client.crt).
    let crl_args = crls(&["crl-wrong-ca.pem", "crl-ca.pem"]);
    let extra: Vec<&str> = crl_args.iter().map(String::as_str).collect();
    let (srv, port) = server("ca.crt", &extra);
    let out = s_client_once(port);
    let srv = finish(srv);
    assert_eq!(srv.matches("crl: version 2, issuer").count(), 2, "{srv}");
    assert!(srv.contains("verify: depth 0 flags 0x00000002"), "{srv}");
    assert!(srv.contains("error: mbedtls_ssl_handshake -0x2700"), "{srv}");
    assert!(srv.contains("flags 0x00000002"), "get_verify_result: BADCERT_REVOKED\n{srv}");
    assert!(out.contains("certificate revoked"), "s_client gets alert certificate_revoked:\n{out}");

    // The same client certificate is let in without the CRL.
    let (srv, port) = server("ca.crt", &[]);
    let out = s_client_once(port);
    let srv = finish(srv);
    assert!(srv.contains("handshake: TLSv1.2") && srv.contains("flags 0x00000000"), "{srv}\n{out}");
}

#[test]
fn the_client_layer_refuses_a_revoked_certificate_of_openssl_s_server() {
    let port = free_port();
    let (accept, c, k, ca) = (port.to_string(), cert("server-rsa.crt"), cert("server-rsa.key"), cert("ca.crt"));
    #[rustfmt::skip]
    let argv = [
        "openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, "-CAfile", &ca,
        "-naccept", "1", "-tls1_2",
    ];
    let s = Proc::start("openssl s_server", &argv, &[], 60);
    s.expect("ACCEPT", 20);
    // crls.pem: the Test CA's CRL (revokes server-rsa.crt) and the Wrong CA's, in one file.
    let crl_args = crls(&["crls.pem"]);
    let (ok, out) = client(port, &[crl_args[0].as_str()]);
    let srv = finish(s);
    assert!(!ok, "{out}");
    assert_eq!(out.matches("crl: version 2, issuer").count(), 2, "{out}");
    assert!(out.contains("verify: depth 0 flags 0x00000002"), "{out}");
    assert!(out.contains("error: mbedtls_ssl_handshake -0x2700"), "{out}");
    assert!(out.contains("flags 0x00000002"), "{out}");
    assert!(srv.contains("certificate revoked"), "s_server gets alert certificate_revoked:\n{srv}");
}

#[test]
fn crl_flags_in_tls_1_3_and_optional_mode() {
    // TLS 1.3 between two layers: the server refuses the revoked client (certificate_revoked,
    // which the client receives as a fatal alert: in TLS 1.3 its handshake is already complete,
    // so on its first read).
    let crl_args = crls(&["crl-ca.pem"]);
    let (srv, port) = server("ca.crt", &[crl_args[0].as_str(), "max_version=tls13"]);
    let (ok, out) = client(port, &["max_version=tls13"]);
    let srv = finish(srv);
    assert!(!ok, "{out}");
    assert!(srv.contains("error: mbedtls_ssl_handshake -0x2700") && srv.contains("flags 0x00000002"), "{srv}");
    assert!(out.contains(" -0x7780"), "{out}");

    // VERIFY_OPTIONAL with the expired CRL: the client is let in, with BADCRL_EXPIRED and
    // BADCERT_REVOKED reported. (Full renegotiations check the CRLs too: the renegotiation
    // unit tests; between two layers a renegotiation resumes the cached session.)
    let crl_args = crls(&["crl-ca-expired.pem"]);
    let (srv, port) = server("ca.crt", &[crl_args[0].as_str(), "authmode=optional"]);
    let (ok, out) = client(port, &[]);
    let srv = finish(srv);
    assert!(ok, "{out}\nserver:\n{srv}");
    assert!(srv.contains("verify: depth 0 flags 0x00000022"), "{srv}");
    assert!(srv.contains("handshake: TLSv1.2 TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256 flags 0x00000022"), "{srv}");
}
