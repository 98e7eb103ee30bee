//! The example client and server, built against our headers and library, against real peers
//! over loopback: OpenSSL (`openssl s_client` / `s_server`), GnuTLS (`gnutls-cli` /
//! `gnutls-serv`), and the same client built against Debian's Mbed TLS 2.28.

mod common;

use common::*;

const VERSIONS: [(&str, &str, &str, &str); 2] = [
    // (our option, openssl flag, gnutls priority, protocol name printed)
    ("tls12", "-tls1_2", "NORMAL:-VERS-ALL:+VERS-TLS1.2", "TLSv1.2"),
    ("tls13", "-tls1_3", "NORMAL:-VERS-ALL:+VERS-TLS1.3", "TLSv1.3"),
];
const CERTS: [(&str, &str); 2] = [("server-rsa.crt", "server-rsa.key"), ("server-ec.crt", "server-ec.key")];

fn server_args(crt: &str, key: &str, version: &str) -> Vec<String> {
    vec![
        format!("crt_file={}", cert(crt)),
        format!("key_file={}", cert(key)),
        format!("min_version={version}"),
        format!("max_version={version}"),
        "max_connections=1".into(),
    ]
}

fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

const REQUEST: &str = "GET /interop HTTP/1.0\r\n\r\n";

#[test]
fn example_server_with_openssl_s_client() {
    for (crt, key) in CERTS {
        for (version, flag, _, proto) in VERSIONS {
            let (mut server, port) = example_server(&as_strs(&server_args(crt, key, version)));
            let connect = format!("127.0.0.1:{port}");
            let ca = cert("ca.crt");
            let (status, out) = run(
                "openssl s_client",
                &[
                    "openssl",
                    "s_client",
                    "-connect",
                    &connect,
                    flag,
                    "-CAfile",
                    &ca,
                    "-servername",
                    "localhost",
                    "-verify_return_error",
                    "-ign_eof",
                ],
                REQUEST.as_bytes(),
                20,
            );
            server.wait(10);
            let srv = server.output();
            assert!(status.success(), "{crt} {version}: s_client failed:\n{out}\nserver:\n{srv}");
            assert!(out.contains("Verify return code: 0 (ok)"), "{crt} {version}:\n{out}");
            assert!(out.contains("Successful connection using: TLS"), "no page: {crt} {version}:\n{out}");
            assert!(srv.contains(&format!("[ Protocol is {proto} ]")), "{crt} {version}:\n{srv}");
            assert!(srv.contains("GET /interop HTTP/1.0"), "server did not get the request:\n{srv}");
        }
    }
}

#[test]
fn example_server_with_gnutls_cli() {
    for (crt, key) in CERTS {
        for (version, _, priority, proto) in VERSIONS {
            let (mut server, port) = example_server(&as_strs(&server_args(crt, key, version)));
            let port = port.to_string();
            let priority = format!("--priority={priority}");
            let ca = format!("--x509cafile={}", cert("ca.crt"));
            let mut cli = Proc::start(
                "gnutls-cli",
                &[
                    "gnutls-cli",
                    &ca,
                    &priority,
                    "-p",
                    &port,
                    "--sni-hostname=localhost",
                    "--verify-hostname=localhost",
                    "--crlf",
                    "127.0.0.1",
                ],
                &[],
                20,
            );
            cli.expect("- Handshake was completed", 15);
            cli.write(b"GET /interop HTTP/1.0\n\n");
            cli.expect("Successful connection using: TLS", 15);
            cli.close_stdin();
            cli.wait(10);
            server.wait(10);
            let srv = server.output();
            assert!(srv.contains(&format!("[ Protocol is {proto} ]")), "{crt} {version}:\n{srv}");
            assert!(srv.contains("GET /interop HTTP/1.0"), "server did not get the request:\n{srv}");
        }
    }
}

/// Our client against `openssl s_server -rev`: the server sends back each line reversed.
#[test]
fn example_client_with_openssl_s_server() {
    for (crt, key) in CERTS {
        for (version, flag, _, proto) in VERSIONS {
            let port = free_port();
            let accept = format!("127.0.0.1:{port}");
            let (c, k) = (cert(crt), cert(key));
            let server = Proc::start(
                "openssl s_server",
                &["openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, flag, "-rev", "-naccept", "1"],
                &[],
                30,
            );
            server.expect("ACCEPT", 10);
            let (status, out) = run(
                "ssl_client",
                &[
                    &program("ssl_client"),
                    &format!("server_port={port}"),
                    &format!("ca_file={}", cert("ca.crt")),
                    "request=hello interop\\n",
                ],
                b"",
                20,
            );
            assert!(status.success(), "{crt} {version}:\n{out}\nserver:\n{}", server.output());
            assert!(out.contains(&format!("[ Protocol is {proto} ]")), "{out}");
            assert!(out.contains("flags 0x00000000"), "{out}");
            assert!(out.contains("poretni olleh"), "no reversed echo:\n{out}");
        }
    }
}

/// Our client against `gnutls-serv --echo`.
#[test]
fn example_client_with_gnutls_serv() {
    let (preload_key, preload) = loopback_only();
    for (crt, key) in CERTS {
        for (version, _, priority, proto) in VERSIONS {
            let port = free_port().to_string();
            let (c, k) = (format!("--x509certfile={}", cert(crt)), format!("--x509keyfile={}", cert(key)));
            let priority = format!("--priority={priority}");
            let server = Proc::start(
                "gnutls-serv",
                &["gnutls-serv", "--echo", "-p", &port, &c, &k, &priority],
                &[(&preload_key, &preload)],
                30,
            );
            server.expect("listening", 10);
            let (status, out) = run(
                "ssl_client",
                &[
                    &program("ssl_client"),
                    &format!("server_port={port}"),
                    &format!("ca_file={}", cert("ca.crt")),
                    "request=hello gnutls echo\\n",
                ],
                b"",
                20,
            );
            assert!(status.success(), "{crt} {version}:\n{out}\nserver:\n{}", server.output());
            assert!(out.contains(&format!("[ Protocol is {proto} ]")), "{out}");
            assert!(out.contains("bytes read\n\nhello gnutls echo"), "no echo:\n{out}");
        }
    }
}

/// Starts `openssl s_server -www` with `crt`/`key` for `n` connections.
fn openssl_www(crt: &str, key: &str, extra: &[&str], n: u32) -> (Proc, u16) {
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let (c, k, n) = (cert(crt), cert(key), n.to_string());
    let mut argv = vec!["openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, "-www", "-naccept", &n];
    argv.extend_from_slice(extra);
    let server = Proc::start("openssl s_server", &argv, &[], 60);
    server.expect("ACCEPT", 10);
    (server, port)
}

fn client(port: u16, args: &[&str]) -> (bool, String) {
    let mut argv = vec![program("ssl_client"), format!("server_port={port}")];
    argv.extend(args.iter().map(|s| s.to_string()));
    let (status, out) = run("ssl_client", &as_strs(&argv), b"", 20);
    (status.success(), out)
}

#[test]
fn verify_required_rejects_wrong_ca_and_wrong_name_optional_reports() {
    let ca = format!("ca_file={}", cert("ca.crt"));
    // Signed by another CA: NOT_TRUSTED (0x08).
    let (_s, port) = openssl_www("server-wrong.crt", "server-wrong.key", &[], 2);
    let (ok, out) = client(port, &[&ca]);
    assert!(!ok, "{out}");
    assert!(out.contains("mbedtls_ssl_handshake returned -0x2700"), "{out}");
    assert!(out.contains("Verify flags: 0x00000008"), "{out}");
    let (ok, out) = client(port, &[&ca, "auth_mode=optional"]);
    assert!(ok, "{out}");
    assert!(out.contains("flags 0x00000008"), "{out}");

    // Right CA, wrong host name: CN_MISMATCH (0x04).
    let (_s, port) = openssl_www("server-rsa.crt", "server-rsa.key", &[], 2);
    let (ok, out) = client(port, &[&ca, "server_name=wrong.example"]);
    assert!(!ok, "{out}");
    assert!(out.contains("mbedtls_ssl_handshake returned -0x2700"), "{out}");
    assert!(out.contains("Verify flags: 0x00000004"), "{out}");
    let (ok, out) = client(port, &[&ca, "server_name=wrong.example", "auth_mode=optional"]);
    assert!(ok, "{out}");
    assert!(out.contains("flags 0x00000004"), "{out}");

    // Expired and signed by our CA: EXPIRED (0x01) only.
    let (_s, port) = openssl_www("expired.crt", "expired.key", &[], 1);
    let (ok, out) = client(port, &[&ca, "auth_mode=optional"]);
    assert!(ok, "{out}");
    assert!(out.contains("flags 0x00000001"), "{out}");
}

#[test]
fn verify_none_skips_and_no_hostname_is_refused_under_required() {
    let ca = format!("ca_file={}", cert("ca.crt"));
    let (_s, port) = openssl_www("server-wrong.crt", "server-wrong.key", &[], 1);
    let (ok, out) = client(port, &[&ca, "auth_mode=none"]);
    assert!(ok, "{out}");
    assert!(out.contains("flags 0x00000080"), "SKIP_VERIFY expected:\n{out}");
    // No set_hostname call at all is a usage error under VERIFY_REQUIRED (Mbed TLS 3.6.3+);
    // the client passes NULL for "none", which is the explicit opt-out, so it connects.
    let (_s, port) = openssl_www("server-rsa.crt", "server-rsa.key", &[], 1);
    let (ok, out) = client(port, &[&ca, "server_name=none"]);
    assert!(ok, "{out}");
    assert!(out.contains("flags 0x00000000"), "{out}");
}

#[test]
fn non_blocking_client_and_server() {
    let ca = format!("ca_file={}", cert("ca.crt"));
    for (version, flag, _, proto) in VERSIONS {
        // Client, non-blocking, reads until the server's close_notify.
        let (_s, port) = openssl_www("server-ec.crt", "server-ec.key", &[flag], 1);
        let (ok, out) = client(port, &[&ca, "nbio=1", "read_until_close=1"]);
        assert!(ok, "{out}");
        assert!(out.contains(&format!("[ Protocol is {proto} ]")), "{out}");
        assert!(out.contains("Peer sent close_notify"), "PEER_CLOSE_NOTIFY expected:\n{out}");

        // Server, non-blocking, against s_client.
        let mut args = server_args("server-rsa.crt", "server-rsa.key", version);
        args.push("nbio=1".into());
        let (mut server, port) = example_server(&as_strs(&args));
        let connect = format!("127.0.0.1:{port}");
        let ca_path = cert("ca.crt");
        let (status, out) = run(
            "openssl s_client",
            &["openssl", "s_client", "-connect", &connect, "-CAfile", &ca_path, "-servername", "localhost", "-ign_eof"],
            REQUEST.as_bytes(),
            20,
        );
        server.wait(10);
        assert!(status.success() && out.contains("Successful connection"), "{out}\n{}", server.output());
    }
}

#[test]
fn client_and_server_talk_to_each_other_non_blocking_with_a_large_echo() {
    let ca = format!("ca_file={}", cert("ca.crt"));
    for (version, _, _, proto) in VERSIONS {
        let mut args = server_args("server-ec.crt", "server-ec.key", version);
        args.push("mode=echo".into());
        args.push("nbio=1".into());
        let (mut server, port) = example_server(&as_strs(&args));
        let (ok, out) = client(port, &[&ca, "nbio=1", "echo_bytes=300000"]);
        server.wait(10);
        assert!(ok, "{out}\nserver:\n{}", server.output());
        assert!(out.contains(&format!("[ Protocol is {proto} ]")), "{out}");
        assert!(out.contains("echo: 300000 bytes verified"), "{out}");
    }
}

/// The same client source built against Debian's Mbed TLS 2.28, against this library's 3.6
/// edition and against its 2.28 edition prints the same results against the same
/// `openssl s_server` (TLS 1.2: 2.28 has no 1.3).
#[test]
fn differential_against_debian_mbedtls_2_28() {
    let reference = program("mbedtls-2.28/ssl_client");
    let ours = program("ssl_client");
    let edition = program("2.28/ssl_client");
    let ca = format!("ca_file={}", cert("ca.crt"));
    let cases: Vec<(&str, &str, Vec<String>)> = vec![
        ("server-rsa.crt", "server-rsa.key", vec![ca.clone()]),
        ("server-ec.crt", "server-ec.key", vec![ca.clone()]),
        (
            "server-rsa.crt",
            "server-rsa.key",
            vec![ca.clone(), "force_ciphersuite=TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256".into()],
        ),
        (
            "server-ec.crt",
            "server-ec.key",
            vec![ca.clone(), "force_ciphersuite=TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256".into()],
        ),
        ("server-wrong.crt", "server-wrong.key", vec![ca.clone()]),
        ("server-wrong.crt", "server-wrong.key", vec![ca.clone(), "auth_mode=optional".into()]),
        ("server-rsa.crt", "server-rsa.key", vec![ca.clone(), "server_name=wrong.example".into()]),
        (
            "server-rsa.crt",
            "server-rsa.key",
            vec![ca.clone(), "server_name=wrong.example".into(), "auth_mode=optional".into()],
        ),
        ("expired.crt", "expired.key", vec![ca.clone(), "auth_mode=optional".into()]),
    ];
    let keep = |out: &str, forced: bool| -> Vec<String> {
        out.lines()
            .filter(|l| {
                l.contains("[ Protocol is")
                    || (forced && l.contains("[ Ciphersuite is"))
                    || l.contains("flags 0x")
                    || l.contains("Verify flags")
                    || l.contains("handshake returned")
                    || l.contains("Successful connection")
            })
            .map(|l| l.trim().to_string())
            .collect()
    };
    for (crt, key, args) in cases {
        let mut outputs = Vec::new();
        for binary in [&reference, &ours, &edition] {
            let (_s, port) = openssl_www(crt, key, &["-tls1_2"], 1);
            let mut argv = vec![binary.clone(), format!("server_port={port}"), "max_version=tls12".into()];
            argv.extend(args.iter().cloned());
            let (status, out) = run("ssl_client", &as_strs(&argv), b"", 20);
            let forced = args.iter().any(|a| a.starts_with("force_ciphersuite"));
            outputs.push((status.success(), keep(&out, forced), out));
        }
        let (edition_ok, edition_lines, edition_out) = outputs.pop().unwrap();
        let (ours_ok, ours_lines, ours_out) = outputs.pop().unwrap();
        let (ref_ok, ref_lines, ref_out) = outputs.pop().unwrap();
        assert_eq!(
            (ref_ok, &ref_lines),
            (ours_ok, &ours_lines),
            "{crt} {args:?} differs.\n--- Mbed TLS 2.28:\n{ref_out}\n--- ours:\n{ours_out}"
        );
        assert_eq!(
            (ref_ok, &ref_lines),
            (edition_ok, &edition_lines),
            "{crt} {args:?} differs.\n--- Mbed TLS 2.28:\n{ref_out}\n--- our 2.28 edition:\n{edition_out}"
        );
        assert!(!ref_lines.is_empty());
    }
}

/// The server's SNI callback picks the certificate (`mbedtls_ssl_set_hs_own_cert`) or refuses
/// the name (`unrecognized_name`).
#[test]
fn sni_callback_chooses_the_certificate() {
    let args = server_args("server-rsa.crt", "server-rsa.key", "tls13");
    let mut args: Vec<String> = args.into_iter().filter(|a| !a.starts_with("max_connections")).collect();
    args.extend([
        "max_connections=3".to_string(),
        "sni_name=other.example".to_string(),
        format!("sni_crt_file={}", cert("server-wrong.crt")),
        format!("sni_key_file={}", cert("server-wrong.key")),
    ]);
    let (mut server, port) = example_server(&as_strs(&args));
    let connect = format!("127.0.0.1:{port}");
    let s_client = |name: &str, ca: &str| {
        let ca = cert(ca);
        run(
            "openssl s_client",
            &["openssl", "s_client", "-connect", &connect, "-servername", name, "-CAfile", &ca, "-verify_return_error"],
            b"",
            20,
        )
    };
    let (ok, out) = s_client("other.example", "wrong-ca.crt");
    assert!(ok.success() && out.contains("Someone else"), "SNI certificate not used:\n{out}");
    let (ok, out) = s_client("localhost", "ca.crt");
    assert!(ok.success() && out.contains("rustls-mbedtls-compat test"), "default certificate not used:\n{out}");
    let (ok, out) = s_client("unknown.example", "ca.crt");
    assert!(!ok.success() && out.contains("unrecognized name"), "unknown name accepted:\n{out}");
    server.wait(10);
    let srv = server.output();
    assert!(srv.contains("SNI callback: client asks for other.example"), "{srv}");
    assert!(srv.contains("mbedtls_ssl_get_hs_sni: other.example\n"), "{srv}");
    assert!(srv.contains("handshake returned -0x7800"), "UNRECOGNIZED_NAME expected:\n{srv}");
}

#[test]
fn alpn_both_ways() {
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let (c, k) = (cert("server-rsa.crt"), cert("server-rsa.key"));
    let _server = Proc::start(
        "openssl s_server",
        &[
            "openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, "-www", "-alpn", "http/1.1",
            "-naccept", "1",
        ],
        &[],
        30,
    );
    _server.expect("ACCEPT", 10);
    let (ok, out) = client(port, &[&format!("ca_file={}", cert("ca.crt")), "alpn=h2,http/1.1"]);
    assert!(ok && out.contains("[ Application Layer Protocol is http/1.1 ]"), "{out}");

    let mut args = server_args("server-ec.crt", "server-ec.key", "tls13");
    args.push("alpn=h2".into());
    let (mut server, port) = example_server(&as_strs(&args));
    let connect = format!("127.0.0.1:{port}");
    let (_, out) = run("openssl s_client", &["openssl", "s_client", "-connect", &connect, "-alpn", "h2"], b"", 20);
    server.wait(10);
    assert!(out.contains("ALPN protocol: h2"), "{out}");
    assert!(server.output().contains("[ Application Layer Protocol is h2 ]"), "{}", server.output());
}

#[test]
fn client_certificates_both_ways() {
    // Our server requires one: s_client with and without a certificate.
    let mut args = server_args("server-rsa.crt", "server-rsa.key", "tls12");
    args.retain(|a| !a.starts_with("max_connections"));
    args.extend(["max_connections=2".into(), "auth_mode=required".into(), format!("ca_file={}", cert("ca.crt"))]);
    let (mut server, port) = example_server(&as_strs(&args));
    let connect = format!("127.0.0.1:{port}");
    let (cc, ck) = (cert("client.crt"), cert("client.key"));
    let (ok, out) = run(
        "openssl s_client",
        &["openssl", "s_client", "-connect", &connect, "-cert", &cc, "-key", &ck, "-ign_eof"],
        REQUEST.as_bytes(),
        20,
    );
    assert!(ok.success() && out.contains("Successful connection"), "{out}");
    let (_, out) = run("openssl s_client", &["openssl", "s_client", "-connect", &connect], REQUEST.as_bytes(), 20);
    server.wait(10);
    let srv = server.output();
    assert!(srv.contains("Client certificate verify flags: 0x00000000"), "{srv}");
    assert!(srv.contains("handshake returned -0x7480"), "NO_CLIENT_CERTIFICATE expected:\n{srv}\nclient:\n{out}");

    // Our client presents one to `openssl s_server -Verify`.
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let (c, k, ca) = (cert("server-ec.crt"), cert("server-ec.key"), cert("ca.crt"));
    let server = Proc::start(
        "openssl s_server",
        &[
            "openssl",
            "s_server",
            "-accept",
            &accept,
            "-cert",
            &c,
            "-key",
            &k,
            "-Verify",
            "1",
            "-CAfile",
            &ca,
            "-www",
            "-verify_return_error",
            "-naccept",
            "1",
        ],
        &[],
        30,
    );
    server.expect("ACCEPT", 10);
    let (ok, out) = client(port, &[&format!("ca_file={ca}"), &format!("crt_file={cc}"), &format!("key_file={ck}")]);
    // -Verify 1 with -verify_return_error refuses a client without a valid certificate.
    assert!(ok && out.contains("Cipher is"), "{out}\n{}", server.output());
}

#[test]
fn debug_callback_receives_library_lines() {
    let (_s, port) = openssl_www("server-ec.crt", "server-ec.key", &[], 1);
    let (ok, out) = client(port, &[&format!("ca_file={}", cert("ca.crt")), "debug_level=3"]);
    assert!(ok, "{out}");
    assert!(out.contains(": => handshake"), "no debug line from the library:\n{out}");
    assert!(out.lines().any(|l| l.contains("rustls") && l.contains(".rs:")), "no rustls log record:\n{out}");
}
