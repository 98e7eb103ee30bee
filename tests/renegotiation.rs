//! TLS 1.2 renegotiation and IEC 62351-3 key renewal against real peers over loopback: the
//! example server (c_examples/iec62351_server.c) and client (c_examples/ssl_client.c) built
//! against this library, OpenSSL's libssl (tests/peers/openssl_renego_client.c, built against
//! libssl-dev), `openssl s_client` / `s_server`, `gnutls-cli`, and the same server built against
//! Debian's Mbed TLS 2.28.

mod common;

use common::*;

/// Starts `program` (the IEC 62351-3 example server, ours or the 2.28 build) on a free port.
fn renewal_server_of(program_name: &str, args: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let port_arg = format!("server_port={port}");
    let crt = format!("crt_file={}", cert("server-ec.crt"));
    let key = format!("key_file={}", cert("server-ec.key"));
    let server = program(program_name);
    let mut argv = vec![server.as_str(), port_arg.as_str(), crt.as_str(), key.as_str()];
    argv.extend_from_slice(args);
    let p = Proc::start(program_name, &argv, &[], 120);
    p.expect("Waiting for a remote connection", 20);
    (p, port)
}

fn renewal_server(args: &[&str]) -> (Proc, u16) {
    renewal_server_of("iec62351_server", args)
}

/// Runs the OpenSSL renegotiation client against `port`.
fn openssl_client(port: u16, args: &[&str]) -> (bool, String) {
    let client = program("peers/openssl_renego_client");
    let port = port.to_string();
    let mut argv = vec![client.as_str(), "127.0.0.1", port.as_str()];
    argv.extend_from_slice(args);
    let (status, out) = run("openssl_renego_client", &argv, b"", 60);
    (status.success(), out)
}

const TLS12_GNUTLS: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2";
/// A GnuTLS client without RFC 5746 (a legacy peer).
const LEGACY_GNUTLS: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2:%DISABLE_SAFE_RENEGOTIATION";

/// Runs `gnutls-cli` (verifying the server for "localhost") against `port`, with a full
/// renegotiation right after the handshake when `rehandshake`.
fn gnutls_cli(
    port: u16,
    priority: &str,
    rehandshake: bool,
    stdin: &[u8],
    secs: u64,
) -> (std::process::ExitStatus, String) {
    let (ca, port) = (cert("ca.crt"), port.to_string());
    let mut argv =
        vec!["gnutls-cli", "--x509cafile", ca.as_str(), "--priority", priority, "-p", port.as_str(), "localhost"];
    if rehandshake {
        argv.insert(1, "--rehandshake");
    }
    run("gnutls-cli", &argv, stdin, secs)
}

fn ca_arg() -> String {
    format!("ca_file={}", cert("ca.crt"))
}

fn count(text: &str, pattern: &str) -> usize {
    text.matches(pattern).count()
}

/// Waits (up to 20 s) until `pattern` occurs `n` times in the output of `p`.
fn wait_for_count(p: &Proc, pattern: &str, n: usize) {
    for _ in 0..1000 {
        if count(&p.output(), pattern) >= n {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{}: {pattern:?} not seen {n} times:\n{}", p.name, p.output());
}

/// Acceptance 1: `SSL_renegotiate_abbreviated()` resumes the same session inside the open
/// connection, `SSL_renegotiate()` makes a new one; data flows after each; 10 in a row. Also
/// non-blocking, and with a client certificate required (checked again on each full one).
#[test]
fn openssl_client_renews_the_keys_ten_times_abbreviated_and_full() {
    let client_crt = format!("crt_file={}", cert("client.crt"));
    let client_key = format!("key_file={}", cert("client.key"));
    let ca = ca_arg();
    let variants: [(&str, Vec<&str>, Vec<&str>); 3] = [
        ("blocking", vec![], vec![]),
        ("non-blocking", vec!["nbio=1"], vec![]),
        (
            "client certificate required",
            vec!["auth_mode=required", ca.as_str()],
            vec![client_crt.as_str(), client_key.as_str()],
        ),
    ];
    for (name, server_args, client_args) in variants {
        let mut args = vec!["max_connections=1"];
        args.extend(server_args);
        let (mut server, port) = renewal_server(&args);
        let mut cargs = vec![ca.as_str(), "rounds=10", "mode=alternate"];
        cargs.extend(client_args);
        let (ok, out) = openssl_client(port, &cargs);
        server.wait(20);
        let srv = server.output();
        assert!(ok, "{name}: the OpenSSL client failed:\n{out}\nserver:\n{srv}");
        assert!(out.contains("all 10 renegotiations ok"), "{name}:\n{out}");
        assert_eq!(count(&out, ": abbreviated, reused=1,"), 5, "{name}:\n{out}");
        assert_eq!(count(&out, ": full, reused=0,"), 5, "{name}:\n{out}");
        assert!(srv.contains("connection summary: 5 full, 5 abbreviated renewals"), "{name}:\n{srv}");
        assert_eq!(count(&srv, "abbreviated (session resumed)"), 5, "{name}:\n{srv}");
    }
}

/// The differential: stock Mbed TLS 2.28 renegotiates (full) with the same OpenSSL client, but
/// never resumes inside the connection, which is what this library adds for IEC 62351-3 — in
/// both editions: the same 2.28-style server source built against our 2.28 edition resumes
/// with its one extra call (`mbedtls_compat_ssl_conf_renegotiation_resumption`).
#[test]
fn stock_mbedtls_renegotiates_but_never_resumes_where_we_do() {
    let ca = ca_arg();
    let servers = [("mbedtls-2.28/iec62351_server", false), ("iec62351_server", true), ("2.28/iec62351_server", true)];
    for (program_name, resumes) in servers {
        let (mut server, port) = renewal_server_of(program_name, &["max_connections=2"]);
        let (ok, out) = openssl_client(port, &[ca.as_str(), "rounds=2", "mode=full"]);
        assert!(ok, "{program_name}: full renegotiation failed:\n{out}\nserver:\n{}", server.output());
        let (ok, out) = openssl_client(port, &[ca.as_str(), "rounds=1", "mode=abbrev"]);
        server.wait(20);
        assert_eq!(ok, resumes, "{program_name}:\n{out}\nserver:\n{}", server.output());
        let expected = if resumes { "abbreviated, reused=1," } else { "abbreviated, reused=0," };
        assert!(out.contains(expected), "{program_name}:\n{out}");
    }
}

/// The session a full renegotiation makes goes into the server's session cache, as Mbed TLS
/// puts it there: OpenSSL's client renegotiates in full, reconnects offering the renegotiated
/// session, and resumes it — against Debian's Mbed TLS 2.28 and our two editions, also with a
/// client certificate (the session carries the peer's chain).
#[test]
fn the_session_of_a_full_renegotiation_resumes_on_the_next_connection() {
    let ca = ca_arg();
    let (crt, key) = (format!("crt_file={}", cert("client.crt")), format!("key_file={}", cert("client.key")));
    let runs: [(&str, Vec<&str>, Vec<&str>); 4] = [
        ("mbedtls-2.28/iec62351_server", vec![], vec![]),
        ("iec62351_server", vec![], vec![]),
        ("2.28/iec62351_server", vec![], vec![]),
        ("iec62351_server", vec!["auth_mode=required", ca.as_str()], vec![crt.as_str(), key.as_str()]),
    ];
    for (program_name, server_args, client_args) in runs {
        let mut args = vec!["max_connections=2"];
        args.extend(server_args);
        let (mut server, port) = renewal_server_of(program_name, &args);
        let mut cargs = vec![ca.as_str(), "rounds=1", "mode=full", "reconnect=1"];
        cargs.extend(client_args);
        let (ok, out) = openssl_client(port, &cargs);
        server.wait(20);
        let srv = server.output();
        assert!(ok, "{program_name} {cargs:?}:\n{out}\nserver:\n{srv}");
        assert!(out.contains("reconnect: reused=1"), "{program_name}:\n{out}");
        // Stock Mbed TLS cannot tell (the example prints "resumed: unknown" there).
        let stock = program_name.starts_with("mbedtls-2.28/");
        assert!(stock || srv.contains("resumed: yes"), "{program_name}:\n{srv}");
    }
}

/// Acceptance 2: `gnutls-cli --rehandshake` (full renegotiation) and `openssl s_client` typing
/// `R`, against the example server.
#[test]
fn gnutls_rehandshake_and_openssl_s_client_renegotiate_with_the_example_server() {
    let (mut server, port) = renewal_server(&["max_connections=2"]);
    let (status, out) = gnutls_cli(port, TLS12_GNUTLS, true, b"", 30);
    assert!(status.success(), "gnutls-cli failed:\n{out}\nserver:\n{}", server.output());
    assert!(out.contains("ReHandshake was completed"), "{out}");
    server.expect("connection summary: 1 full, 0 abbreviated renewals", 20);

    let connect = format!("127.0.0.1:{port}");
    let mut s_client = Proc::start(
        "openssl s_client",
        &[
            "openssl",
            "s_client",
            "-connect",
            &connect,
            "-tls1_2",
            "-CAfile",
            &cert("ca.crt"),
            "-servername",
            "localhost",
            "-verify_return_error",
        ],
        &[],
        30,
    );
    s_client.expect("Verify return code: 0 (ok)", 20);
    for round in 1..=2 {
        s_client.write(b"R\n");
        wait_for_count(&s_client, "RENEGOTIATING", round);
        // The server reports the renewal when its read returns the next data.
        let line = format!("after renegotiation {round}\n");
        s_client.write(line.as_bytes());
        server.expect(&format!("renewal {round}: full renegotiation"), 20);
        wait_for_count(&s_client, line.trim_end(), 1);
    }
    s_client.close_stdin();
    s_client.wait(10);
    server.wait(20);
    let srv = server.output();
    assert!(srv.contains("connection summary: 2 full, 0 abbreviated renewals"), "{srv}");
    assert_eq!(count(&s_client.output(), "RENEGOTIATING"), 2, "{}", s_client.output());
}

/// `openssl s_server -www` with client renegotiation allowed; the page it returns says
/// "Reused" or "New" for the last handshake of the connection.
fn s_server_www(extra: &[&str], n: u32) -> (Proc, u16) {
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let naccept = n.to_string();
    let mut argv =
        vec!["openssl", "s_server", "-accept", &accept, "-tls1_2", "-client_renegotiation", "-naccept", &naccept];
    let (crt, key) = (cert("server-ec.crt"), cert("server-ec.key"));
    argv.extend_from_slice(&["-cert", &crt, "-key", &key]);
    argv.extend_from_slice(extra);
    let p = Proc::start("openssl s_server", &argv, &[], 60);
    p.expect("ACCEPT", 20);
    (p, port)
}

fn our_client(port: u16, args: &[&str]) -> (bool, String) {
    let client = program("ssl_client");
    let port_arg = format!("server_port={port}");
    let ca = ca_arg();
    let mut argv = vec![client.as_str(), port_arg.as_str(), ca.as_str()];
    argv.extend_from_slice(args);
    let (status, out) = run("ssl_client", &argv, b"", 30);
    (status.success(), out)
}

/// Acceptance 3: our client against `openssl s_server`: a full renegotiation gives a new
/// session, an abbreviated one is reported resumed by the server; 3 of each in one connection.
#[test]
fn our_client_renegotiates_with_openssl_s_server() {
    // Session IDs (no ticket): OpenSSL keeps the session in its cache, so it can be resumed.
    let (mut server, port) = s_server_www(&["-www", "-no_ticket"], 2);
    let (ok, out) = our_client(port, &["renegotiate=abbrev", "renegotiations=3", "read_until_close=1"]);
    assert!(ok, "{out}\nserver:\n{}", server.output());
    assert_eq!(count(&out, "(offering the current session)... ok, resumed: yes"), 3, "{out}");
    assert!(out.contains("Reused, TLSv1.2"), "s_server did not report the session resumed:\n{out}");
    assert!(out.contains("renegotiations: 0 full, 3 abbreviated"), "{out}");

    let (ok, out) = our_client(port, &["renegotiate=full", "renegotiations=3", "read_until_close=1"]);
    server.wait(10);
    assert!(ok, "{out}\nserver:\n{}", server.output());
    assert_eq!(count(&out, "(full)... ok, resumed: no"), 3, "{out}");
    assert!(out.contains("New, TLSv1.2"), "s_server reported a resumption after a full renegotiation:\n{out}");
    assert!(out.contains("renegotiations: 3 full, 0 abbreviated"), "{out}");
}

/// Acceptance 3: our client answers `s_server`'s HelloRequest (`r` typed on its stdin).
#[test]
fn our_client_answers_the_hello_request_of_openssl_s_server() {
    let (mut server, port) = s_server_www(&[], 1);
    let client = program("ssl_client");
    let port_arg = format!("server_port={port}");
    let ca = ca_arg();
    let mut ours = Proc::start(
        "ssl_client",
        &[&client, &port_arg, &ca, "renegotiation=1", "request=hello\\n", "read_until_close=1"],
        &[],
        30,
    );
    server.expect("hello", 20);
    server.write(b"r\n");
    server.expect("SSL_do_handshake -> 1", 10);
    // The renegotiation runs inside our client's read; s_server's data then comes under the
    // new keys.
    server.write(b"after the renegotiation\n");
    ours.expect("after the renegotiation", 20);
    server.write(b"Q\n");
    ours.wait(20);
    server.wait(10);
    let out = ours.output();
    assert!(out.contains("renegotiations: 1 full, 0 abbreviated"), "{out}\nserver:\n{}", server.output());
    assert!(server.output().contains("2 server accepts that finished"), "{}", server.output());
}

/// Acceptance 4: renegotiation disabled: a warning `no_renegotiation`, and the connection is
/// kept. OpenSSL's client ends the connection itself when its renegotiation is refused (its
/// own policy), so "keeps working" is shown with our client.
#[test]
fn with_renegotiation_disabled_requests_get_a_warning_and_the_connection_goes_on() {
    let ca = ca_arg();
    let (mut server, port) = renewal_server(&["renegotiation=0", "max_connections=3"]);
    let (ok, out) = openssl_client(port, &[ca.as_str(), "expect=refused"]);
    assert!(ok, "no warning no_renegotiation:\n{out}");
    assert!(out.contains("received alert: level 1 description 100"), "{out}");

    // Ours: mbedtls_ssl_renegotiate returns WAITING_SERVER_HELLO_RENEGO; the echo still works.
    let (ok, out) = our_client(port, &["renegotiate=full", "echo_bytes=40000"]);
    assert!(ok, "{out}\nserver:\n{}", server.output());
    assert!(out.contains("refused by the server, the connection continues"), "{out}");
    assert!(out.contains("echo: 40000 bytes verified"), "{out}");

    // GnuTLS retries a refused rehandshake at once on the same connection: the first request
    // gets the warning; a repeated one ends the connection (rustls's limit against
    // renegotiation floods; Mbed TLS would send the warning again: see the README).
    let (_, out) = gnutls_cli(port, TLS12_GNUTLS, true, b"", 60);
    assert_eq!(count(&out, "Received alert [100]"), 1, "{out}");
    assert!(out.contains("ReHandshake has failed"), "{out}");
    server.wait(30);
    let srv = server.output();
    assert_eq!(count(&srv, "connection summary: 0 full, 0 abbreviated renewals"), 3, "{srv}");
}

/// Acceptance 4: a client without RFC 5746 (GnuTLS with safe renegotiation disabled) is never
/// allowed to renegotiate, even with renegotiation and resumption enabled; with
/// `MBEDTLS_SSL_LEGACY_BREAK_HANDSHAKE` it cannot even connect, while an RFC 5746 client can.
#[test]
fn a_legacy_client_is_never_allowed_to_renegotiate() {
    let (mut server, port) = renewal_server(&["max_connections=1", "debug_level=3"]);
    let (_, out) = gnutls_cli(port, LEGACY_GNUTLS, true, b"", 60);
    server.wait(30);
    let srv = server.output();
    assert!(out.contains("Handshake was completed"), "the legacy client should connect:\n{out}");
    assert!(out.contains("ReHandshake has failed"), "{out}");
    assert!(srv.contains("refusing renegotiation (peer lacks RFC 5746)"), "{srv}");
    assert!(srv.contains("connection summary: 0 full, 0 abbreviated renewals"), "{srv}");

    let (mut server, port) = renewal_server(&["max_connections=2", "legacy=2"]);
    let (status, out) = gnutls_cli(port, LEGACY_GNUTLS, false, b"", 30);
    assert!(!status.success(), "{out}");
    assert!(out.contains("Received alert [40]"), "{out}");
    server.expect("handshake failed: -0x6e00", 20);
    let (status, out) = gnutls_cli(port, TLS12_GNUTLS, false, b"ping\n", 30);
    server.wait(20);
    assert!(status.success(), "an RFC 5746 client must connect:\n{out}\nserver:\n{}", server.output());
    assert!(server.output().contains("handshake: TLSv1.2"), "{}", server.output());
}

/// Server-initiated renewal between our server and our client: a HelloRequest after the first
/// message, and periodic ones by record count; a client that ignores HelloRequests is cut off
/// after the enforced grace with `MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE`.
#[test]
fn server_initiated_renewal_by_hello_request_and_record_count() {
    let (mut server, port) = renewal_server(&["hello_request_after=1", "max_connections=1"]);
    let (ok, out) = our_client(port, &["renegotiation=1", "echo_bytes=100000"]);
    server.wait(20);
    let srv = server.output();
    assert!(ok, "{out}\nserver:\n{srv}");
    assert!(srv.contains("hello request: mbedtls_ssl_renegotiate returned 0"), "{srv}");
    assert!(srv.contains("renewal 1: full renegotiation"), "{srv}");
    assert!(out.contains("renegotiations: 1 full, 0 abbreviated"), "{out}");

    let (mut server, port) = renewal_server(&["renego_period=4", "max_connections=1"]);
    let (ok, out) = our_client(port, &["renegotiation=1", "echo_bytes=200000"]);
    server.wait(20);
    let srv = server.output();
    assert!(ok, "{out}\nserver:\n{srv}");
    assert!(count(&srv, ": full renegotiation") >= 2, "the record counter did not trigger renewals:\n{srv}");

    // Our client with renegotiation disabled answers no_renegotiation and keeps sending.
    let (mut server, port) = renewal_server(&["hello_request_after=1", "renego_enforced=2", "max_connections=1"]);
    let (ok, out) = our_client(port, &["echo_bytes=100000"]);
    server.wait(20);
    let srv = server.output();
    assert!(!ok, "{out}");
    assert!(srv.contains("read failed: -0x7700"), "{srv}");
}

/// Under valgrind (memory errors and definite leaks fail the test): the example server through
/// abbreviated and full renewals with a client certificate (OpenSSL), a client-initiated
/// abbreviated one and a HelloRequest answered by our client, and a malformed peer (a legacy
/// GnuTLS client refused again and again until it gives up).
#[test]
fn renewals_under_valgrind() {
    let port = free_port();
    let server = program("iec62351_server");
    let args = [
        format!("server_port={port}"),
        format!("crt_file={}", cert("server-ec.crt")),
        format!("key_file={}", cert("server-ec.key")),
        format!("ca_file={}", cert("ca.crt")),
        "auth_mode=optional".to_string(),
        "hello_request_after=1".to_string(),
        "max_connections=3".to_string(),
    ];
    let mut argv = [memcheck(), vec![server.as_str()]].concat();
    argv.extend(args.iter().map(String::as_str));
    let mut srv = Proc::start("iec62351_server under valgrind", &argv, &[], 600);
    srv.expect("Waiting for a remote connection", 120);
    let (ca, crt, key) =
        (ca_arg(), format!("crt_file={}", cert("client.crt")), format!("key_file={}", cert("client.key")));
    let (ok, out) = openssl_client(port, &[&ca, &crt, &key, "rounds=6"]);
    assert!(ok, "{out}\nserver:\n{}", srv.output());
    let (ok, out) = our_client(port, &["renegotiate=abbrev", "renegotiations=2", "echo_bytes=50000"]);
    assert!(ok, "{out}\nserver:\n{}", srv.output());
    let (_, out) = gnutls_cli(port, LEGACY_GNUTLS, true, b"", 120);
    assert!(out.contains("ReHandshake has failed"), "{out}");
    let status = srv.wait(300);
    let srv_out = srv.output();
    assert!(status.success(), "valgrind reported errors or leaks (exit {status:?}):\n{srv_out}");
    assert!(srv_out.contains("connection summary: 3 full, 3 abbreviated renewals"), "{srv_out}");
    assert!(srv_out.contains("connection summary: 1 full, 2 abbreviated renewals"), "{srv_out}");
}

// --- Long-lived connections (issue 13): the short variants of the soak; the long ones are
// `scripts/soak.sh` (10,000 renewals), figures in its output.

/// Most growth of the resident memory accepted between the warm-up sample and the end of a
/// soak: a leak of 100 bytes per renewal over the rounds after the warm-up exceeds it.
const SOAK_RSS_SLACK_KB: u64 = 128;

/// The renewal rounds of the short soaks (`SOAK_ROUNDS` overrides: `scripts/soak.sh`).
fn soak_rounds() -> u32 {
    std::env::var("SOAK_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
}

/// (rss kB, fds) from the soak program's "memory:" line.
fn soak_memory(out: &str) -> ((u64, u64), (u64, u64)) {
    let line = out.lines().find(|l| l.starts_with("memory:")).unwrap_or_else(|| panic!("no memory line:\n{out}"));
    let n: Vec<u64> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|t| t.parse().ok()).collect();
    assert_eq!(n.len(), 4, "{line}");
    ((n[0], n[1]), (n[2], n[3]))
}

/// One connection of ours (client and server) renews its keys thousands of times, abbreviated
/// and full alternating, with memory and file descriptors flat after the warm-up; then 200
/// connections renegotiate at the same time on one server configuration and cache.
#[test]
fn soak_one_connection_renews_thousands_of_times_and_200_renegotiate_at_once() {
    let rounds = soak_rounds();
    let prog = program("tests/renegotiation_soak");
    let args = [
        format!("crt_file={}", cert("server-ec.crt")),
        format!("key_file={}", cert("server-ec.key")),
        format!("ca_file={}", cert("ca.crt")),
        format!("rounds={rounds}"),
        "connections=200".to_string(),
        "conn_rounds=4".to_string(),
    ];
    let mut argv = vec![prog.as_str()];
    argv.extend(args.iter().map(String::as_str));
    let (status, out) = run("renegotiation_soak", &argv, b"", 600);
    println!("{out}");
    assert!(status.success(), "{out}");
    let expected =
        format!("one connection: {rounds} renewals ({} abbreviated, {} full): ok", rounds - rounds / 2, rounds / 2);
    assert!(out.contains(&expected), "{out}");
    assert!(out.contains("concurrent: 200 connections, 4 renewals each: 0 failed"), "{out}");
    let ((rss_warm, rss_end), (fds_warm, fds_end)) = soak_memory(&out);
    assert!(rss_end <= rss_warm + SOAK_RSS_SLACK_KB, "memory grew from {rss_warm} to {rss_end} kB:\n{out}");
    assert_eq!(fds_warm, fds_end, "{out}");
}

/// The same program under valgrind, smaller: no memory error and no leak in renewals, in
/// concurrent connections sharing a cache, and in their ends.
#[test]
fn soak_under_valgrind() {
    let prog = program("tests/renegotiation_soak");
    let args = [
        format!("crt_file={}", cert("server-ec.crt")),
        format!("key_file={}", cert("server-ec.key")),
        format!("ca_file={}", cert("ca.crt")),
        "rounds=20".to_string(),
        "connections=20".to_string(),
        "conn_rounds=2".to_string(),
    ];
    let mut argv = [memcheck(), vec![prog.as_str()]].concat();
    argv.extend(args.iter().map(String::as_str));
    let (status, out) = run("renegotiation_soak under valgrind", &argv, b"", 600);
    assert!(status.success(), "valgrind reported errors or leaks (exit {status:?}):\n{out}");
    assert!(out.contains("soak: ok"), "{out}");
}

/// OpenSSL's client renews the keys of one connection to our example server thousands of
/// times (abbreviated and full alternating); the server's memory and descriptors stay flat.
#[test]
fn soak_openssl_client_renews_thousands_of_times_with_our_server() {
    let rounds = soak_rounds() as usize;
    let (mut server, port) = renewal_server(&["max_connections=1"]);
    let client = program("peers/openssl_renego_client");
    let (port_s, ca, rounds_arg) = (port.to_string(), ca_arg(), format!("rounds={rounds}"));
    let argv = [client.as_str(), "127.0.0.1", port_s.as_str(), ca.as_str(), rounds_arg.as_str(), "mode=alternate"];
    let mut peer = Proc::start("openssl_renego_client", &argv, &[], 600);
    // Samples while the connection runs: after a tenth of the rounds, and near the end.
    wait_for_count(&server, "renewal ", rounds / 10);
    let (rss_warm, fds_warm) = server.rss_and_fds();
    wait_for_count(&server, "renewal ", rounds * 9 / 10);
    let (rss_end, fds_end) = server.rss_and_fds();
    assert!(peer.wait(600).success(), "{}\nserver:\n{}", peer.output(), server.output());
    server.wait(30);
    let (out, srv) = (peer.output(), server.output());
    assert!(out.contains(&format!("all {rounds} renegotiations ok")), "{out}");
    let summary = format!("connection summary: {} full, {} abbreviated renewals", rounds / 2, rounds - rounds / 2);
    assert!(srv.contains(&summary), "{}", &srv[srv.len().saturating_sub(2000)..]);
    println!("server memory: rss {rss_warm} kB -> {rss_end} kB, fds {fds_warm} -> {fds_end}");
    assert!(rss_end <= rss_warm + SOAK_RSS_SLACK_KB, "memory grew from {rss_warm} to {rss_end} kB");
    assert_eq!(fds_warm, fds_end);
}
