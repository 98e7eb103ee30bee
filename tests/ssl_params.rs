//! ssl.h's handshake parameters (groups, curves, signature algorithms, suite preference, CA
//! names, TLS 1.3 key exchange modes) and record-layer functions (record expansion, alerts),
//! through tests/c/ssl_params.c against `openssl s_client` / `s_server` over loopback.

mod common;

use common::*;

/// Starts tests/c/ssl_params as a server with `crt` (a name of tests/certs) on a free port.
fn server(crt: &str, extra: &[&str]) -> (Proc, u16) {
    let port = free_port();
    let prog = program("tests/ssl_params");
    let mut argv: Vec<String> = vec![
        prog,
        "mode=server".into(),
        format!("port={port}"),
        format!("crt={}", cert(&format!("{crt}.crt"))),
        format!("key={}", cert(&format!("{crt}.key"))),
    ];
    argv.extend(extra.iter().map(|s| s.to_string()));
    let p = Proc::start("ssl_params server", &strs(&argv), &[], 60);
    p.expect("listening", 20);
    (p, port)
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// One `openssl s_client` connection with `flags`; returns (s_client output, server output).
fn s_client(crt: &str, server_args: &[&str], flags: &[&str]) -> (String, String) {
    let (mut srv, port) = server(crt, server_args);
    let connect = format!("127.0.0.1:{port}");
    let mut argv = vec!["openssl", "s_client", "-connect", &connect, "-servername", "localhost"];
    argv.extend_from_slice(flags);
    let mut p = Proc::start("openssl s_client", &argv, &[], 30);
    // Wait for the server's line (or the failure) before closing stdin.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::time::Instant::now() < deadline
        && !p.output().contains("hello")
        && !srv.output().contains("handshake failed")
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    p.close_stdin();
    p.wait(15);
    srv.wait(15);
    (p.output(), srv.output())
}

#[test]
fn offered_groups_are_enforced_by_the_server() {
    let (out, srv) = s_client("server-ec", &["groups=secp384r1"], &["-tls1_3", "-groups", "X25519:P-384"]);
    assert!(out.contains("Server Temp Key: ECDH, secp384r1"), "{out}\nserver:\n{srv}");
    let (out, srv) = s_client("server-ec", &["groups=secp384r1"], &["-tls1_3", "-groups", "X25519"]);
    assert!(srv.contains("handshake failed"), "{out}\nserver:\n{srv}");
    // The deprecated curve list, TLS 1.2.
    let (out, srv) = s_client("server-ec", &["curves=secp256r1"], &["-tls1_2", "-groups", "X25519:P-256"]);
    assert!(out.contains("Server Temp Key: ECDH, prime256v1"), "{out}\nserver:\n{srv}");
}

#[test]
fn offered_groups_are_enforced_by_the_client() {
    for (server_groups, ok) in [("P-384", true), ("X25519", false)] {
        let port = free_port();
        let (connect, c, k) = (format!("{port}"), cert("server-ec.crt"), cert("server-ec.key"));
        #[rustfmt::skip]
        let argv = ["openssl", "s_server", "-accept", &connect, "-cert", &c, "-key", &k, "-naccept", "1",
                    "-groups", server_groups, "-tls1_3"];
        let mut s = Proc::start("openssl s_server", &argv, &[], 30);
        s.expect("ACCEPT", 10);
        let prog = program("tests/ssl_params");
        let (port_arg, ca) = (format!("port={port}"), format!("ca={}", cert("ca.crt")));
        let argv = [prog.as_str(), "mode=client", &port_arg, &ca, "groups=secp384r1"];
        let (_, out) = run("ssl_params client", &argv, b"", 30);
        s.wait(5);
        assert_eq!(out.contains("handshake: TLSv1.3"), ok, "server groups {server_groups}:\n{out}");
        assert_eq!(out.contains("handshake failed"), !ok, "server groups {server_groups}:\n{out}");
    }
}

#[test]
fn signature_algorithms_are_enforced() {
    let (out, srv) = s_client("server-rsa", &["sig_algs=rsa_pss_rsae_sha384"], &["-tls1_3"]);
    assert!(
        out.contains("Peer signing digest: SHA384") && out.contains("Peer signature type: RSA-PSS"),
        "{out}\n{srv}"
    );
    // An RSA key cannot sign with the only scheme allowed.
    let (out, srv) = s_client("server-rsa", &["sig_algs=ecdsa_secp256r1_sha256"], &["-tls1_3"]);
    assert!(srv.contains("handshake failed"), "{out}\nserver:\n{srv}");
}

#[test]
fn the_server_follows_its_own_suite_order_unless_told_otherwise() {
    // The server's list starts with AES-128-GCM; the client prefers AES-256-GCM.
    let ciphers = ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"];
    let (_, own) = s_client("server-ec", &["max_version=tls12"], &ciphers);
    let (_, client) = s_client("server-ec", &["max_version=tls12", "order=client"], &ciphers);
    assert!(own.contains("handshake: TLSv1.2 TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"), "{own}");
    assert!(client.contains("handshake: TLSv1.2 TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384"), "{client}");
}

#[test]
fn certificate_request_lists_the_ca_names_the_hints_or_none() {
    let ca = format!("ca={}", cert("ca.crt"));
    let (out, _) = s_client("server-ec", &[&ca], &["-tls1_2"]);
    let names = out.split("Acceptable client certificate CA names").nth(1).unwrap_or_default();
    assert!(names.contains("CN = Test CA") || names.contains("CN=Test CA"), "{out}");
    let hints = format!("dn_hints={}", cert("wrong-ca.crt"));
    let (out, _) = s_client("server-ec", &[&ca, &hints], &["-tls1_2"]);
    let names = out.split("Acceptable client certificate CA names").nth(1).unwrap_or_default();
    assert!(!names.contains("Test CA\n") && names.contains("Wrong"), "{out}");
    let (out, _) = s_client("server-ec", &[&ca, "ca_list=0"], &["-tls1_2"]);
    assert!(out.contains("No client certificate CA names sent"), "{out}");
}

#[test]
fn record_expansion_follows_the_negotiated_protection() {
    for (flags, expansion) in [
        (&["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"][..], 29),
        (&["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"][..], 21),
        (&["-tls1_3"][..], 22),
    ] {
        let (out, srv) = s_client("server-ec", &[], flags);
        assert!(srv.contains(&format!("expansion {expansion}\n")), "{flags:?}:\n{srv}\n{out}");
    }
}

#[test]
fn warning_alerts_are_sent_on_connections_this_library_protects() {
    let (out, srv) =
        s_client("server-ec", &["max_version=tls12", "renegotiation=1", "alert=90"], &["-tls1_2", "-state"]);
    assert!(srv.contains("alert 90 sent: 0"), "{srv}");
    assert!(out.contains("SSL3 alert read:warning:user canceled"), "{out}");
    // On a TLS 1.3 connection rustls protects the records: refused with FEATURE_UNAVAILABLE.
    let (_, srv) = s_client("server-ec", &["alert=90"], &["-tls1_3"]);
    assert!(srv.contains("alert 90 sent: -28800"), "{srv}");
}

#[test]
fn without_psk_ephemeral_tls13_sessions_are_not_resumed() {
    let sess = std::env::temp_dir().join(format!("ssl-params-{}.sess", std::process::id()));
    let sess = sess.to_str().unwrap().to_string();
    for (modes, second) in [("7", "Reused, TLSv1.3"), ("2", "New, TLSv1.3")] {
        let (mut srv, port) = server("server-ec", &["connections=2", &format!("kex_modes={modes}")]);
        let connect = format!("127.0.0.1:{port}");
        let mut outs = Vec::new();
        for flag in ["-sess_out", "-sess_in"] {
            let argv = ["openssl", "s_client", "-connect", &connect, "-tls1_3", flag, &sess];
            let mut p = Proc::start("openssl s_client", &argv, &[], 30);
            p.expect("hello", 15);
            p.close_stdin();
            p.wait(15);
            outs.push(p.output());
        }
        srv.wait(15);
        assert!(outs[0].contains("New, TLSv1.3"), "{}", outs[0]);
        assert!(outs[1].contains(second), "kex_modes={modes}:\n{}\nserver:\n{}", outs[1], srv.output());
    }
    let _ = std::fs::remove_file(&sess);
}

/// The NSS key log lines of a file, without comments.
fn keylog_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> =
        text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.trim().to_lowercase()).collect();
    lines.sort();
    lines
}

#[test]
fn exported_keys_equal_openssl_key_log_and_its_keying_material() {
    for (version, flags) in [("tls12", "-tls1_2"), ("tls13", "-tls1_3")] {
        let log = std::env::temp_dir().join(format!("ssl-params-{}-{version}.keylog", std::process::id()));
        let log_s = log.to_str().unwrap();
        let mut client_flags = vec![flags, "-keylogfile", log_s];
        if version == "tls12" {
            client_flags.extend(["-keymatexport", "EXPERIMENTAL ours", "-keymatexportlen", "20"]);
        }
        let (out, srv) = s_client("server-ec", &["export=1"], &client_flags);
        let theirs = keylog_lines(&std::fs::read_to_string(&log).unwrap_or_default());
        let _ = std::fs::remove_file(&log);
        let ours: Vec<String> = {
            let mut v: Vec<String> =
                srv.lines().filter_map(|l| l.strip_prefix("keylog: ")).map(|l| l.to_lowercase()).collect();
            v.sort();
            v
        };
        // OpenSSL also logs the TLS 1.3 exporter secret, which Mbed TLS does not export.
        let theirs: Vec<String> = theirs.into_iter().filter(|l| !l.starts_with("exporter_secret")).collect();
        assert!(!ours.is_empty(), "{version}: nothing exported:\n{srv}");
        assert_eq!(ours, theirs, "{version}:\nserver:\n{srv}\nclient:\n{out}");
        if version == "tls12" {
            let keymat = srv.lines().find_map(|l| l.strip_prefix("keymat: ")).unwrap_or("none").to_uppercase();
            assert!(out.contains(&format!("Keying material: {keymat}")), "{keymat}\n{out}");
        }
    }
}

#[test]
fn renegotiations_export_their_new_master_secret() {
    let log = std::env::temp_dir().join(format!("ssl-params-{}-reneg.keylog", std::process::id()));
    let log_s = log.to_str().unwrap();
    let (mut srv, port) = server("server-ec", &["export=1", "renegotiation=1", "max_version=tls12", "read=1"]);
    let connect = format!("127.0.0.1:{port}");
    let argv = ["openssl", "s_client", "-connect", &connect, "-tls1_2", "-keylogfile", log_s];
    let mut p = Proc::start("openssl s_client", &argv, &[], 30);
    p.expect("hello", 15);
    p.write(b"R\n");
    p.expect("RENEGOTIATING", 10);
    std::thread::sleep(std::time::Duration::from_millis(500));
    p.close_stdin();
    p.wait(15);
    srv.wait(15);
    let (out, srv) = (p.output(), srv.output());
    let theirs = keylog_lines(&std::fs::read_to_string(&log).unwrap_or_default());
    let _ = std::fs::remove_file(&log);
    let mut ours: Vec<String> =
        srv.lines().filter_map(|l| l.strip_prefix("keylog: ")).map(|l| l.to_lowercase()).collect();
    ours.sort();
    assert_eq!(ours.len(), 2, "initial handshake and renegotiation:\n{srv}\n{out}");
    assert_eq!(ours, theirs, "server:\n{srv}\nclient:\n{out}");
}

#[test]
fn a_client_whose_signature_schemes_fit_no_certificate_gets_handshake_failure() {
    // Issue 13, point 12: the server used to close without an alert.
    for flags in [
        &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:@SECLEVEL=0", "-sigalgs", "ECDSA+SHA1:RSA+SHA256"][..],
        &["-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256"][..],
    ] {
        let (out, srv) = s_client("server-ec", &[], flags);
        assert!(srv.contains("handshake failed: -0x6e00"), "{flags:?}:\n{srv}");
        assert!(out.contains("alert handshake failure"), "{flags:?}: no handshake_failure alert:\n{out}");
    }
}

/// Sends `bytes` to a fresh ssl_params server and returns what it answers within 3 s (an alert
/// record, or nothing).
fn answer_to(bytes: &[u8]) -> (Vec<u8>, String) {
    use std::io::{Read, Write};
    let (mut srv, port) = server("server-ec", &[]);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(3))).unwrap();
    stream.write_all(bytes).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 64];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    drop(stream);
    srv.wait(10);
    (answer, srv.output())
}

#[test]
fn a_first_record_that_is_not_tls_gets_an_alert_at_once() {
    // Issue 13, point 13: the server used to wait for the body of the bogus length.
    let sslv2_hello = [0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15];
    let unknown_type = [0x30, 0x03, 0x01, 0x01, 0x00];
    let wrong_version = [0x16, 0x02, 0x00, 0x01, 0x00];
    let oversized = [0x16, 0x03, 0x01, 0x40, 0x01]; // a plaintext handshake record of 2^14 + 1
    for (name, bytes, alert) in [
        ("SSLv2 ClientHello", &sslv2_hello[..], 10u8),
        ("unknown content type", &unknown_type[..], 10),
        ("wrong major version", &wrong_version[..], 70),
        ("plaintext over 2^14", &oversized[..], 22),
    ] {
        let (answer, srv) = answer_to(bytes);
        assert_eq!(answer, [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, alert], "{name}:\nserver:\n{srv}");
        assert!(srv.contains("handshake failed: -0x7200"), "{name}:\n{srv}");
    }
}
