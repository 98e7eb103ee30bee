//! The Mbed TLS 2.28 edition's public struct fields and 2.28-only functions: tests/c/legacy_228.c
//! (a server written for Mbed TLS 2.28, reading `ssl.major_ver`, `conf.endpoint`,
//! `session->id`, `crt->raw.len`, `crl->version`, ...) built against Debian's Mbed TLS 2.28 and
//! against our 2.28 edition, talking to OpenSSL's s_client; both transcripts must be the same.

mod common;

use common::*;

/// The lines both libraries must print alike ("= ").
fn transcript(out: &str) -> Vec<&str> {
    out.lines().filter(|l| l.starts_with("= ")).collect()
}

/// Runs `legacy_228 serve` (`argv` in front: the program, maybe under valgrind) against two
/// OpenSSL s_client connections with a client certificate, the second offering the first's
/// session ID (no tickets); returns the server's output and the clients'.
fn serve(name: &str, argv: &[&str]) -> (String, Vec<String>) {
    let dir = certs().to_str().unwrap().to_string();
    let port = free_port();
    let port_arg = port.to_string();
    let argv = [argv, &["serve", port_arg.as_str(), dir.as_str()]].concat();
    let mut server = Proc::start(name, &argv, &[], 180);
    server.expect("Waiting for a remote connection", 60);
    let session = scratch(&format!("legacy-{port}")).join("session.pem");
    let (ca, crt, key) = (cert("ca.crt"), cert("client.crt"), cert("client.key"));
    let mut clients = Vec::new();
    for flag in ["-sess_out", "-sess_in"] {
        // The test paths hold no spaces (scratch and certs directories of ours).
        let command = format!(
            "openssl s_client -connect 127.0.0.1:{port} -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 \
             -cert {crt} -key {key} -CAfile {ca} {flag} {} -no_ticket -ign_eof",
            session.display()
        );
        let argv: Vec<&str> = command.split_whitespace().collect();
        let (status, out) = run("openssl s_client", &argv, b"", 60);
        assert!(status.success(), "s_client against {name}:\n{out}\nserver:\n{}", server.output());
        clients.push(out);
    }
    let status = server.wait(60);
    assert!(status.success(), "{name} exited with {status}:\n{}", server.output());
    (server.output(), clients)
}

#[test]
fn legacy_228_server_reads_the_same_public_fields_as_with_mbedtls_2_28() {
    let (theirs, their_clients) = serve("legacy_228 (Mbed TLS 2.28)", &[&program("mbedtls-2.28/tests/legacy_228")]);
    let ours_prog = program("2.28/tests/legacy_228");
    let (ours, our_clients) =
        serve("legacy_228 (our 2.28 edition)", &[&memcheck()[..], &[ours_prog.as_str()]].concat());
    for clients in [&their_clients, &our_clients] {
        assert!(clients[0].contains("New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"), "{}", clients[0]);
        assert!(clients[1].contains("Reused, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256"), "{}", clients[1]);
        assert!(clients.iter().all(|c| c.contains("hello from legacy_228")), "{clients:?}");
    }
    for expected in [
        "= after config_defaults: endpoint 1, transport 0, authmode 0, max 3.3",
        "= after setup: conf ours, version 0.0, handshake over 0",
        "= verify: depth 0, version 3, raw.len ",
        "= crl 1: version 2, raw.len ",
        "= cache set: id_len 32, ciphersuite 0xC02F, compression 0",
        "= cache get: hit, load -0x0000, id kept 1",
        "= connection 1: handshake -0x0000, resumed no, TLSv1.2",
        "= connection 2: handshake -0x0000, resumed yes, TLSv1.2",
        "= after handshake: conf ours, version 3.3, handshake over 1",
        "= after free: conf NULL, version 0.0, handshake over 0",
        "= done, failures 0",
    ] {
        assert!(ours.contains(expected), "no {expected:?} in:\n{ours}");
    }
    assert_eq!(transcript(&ours), transcript(&theirs), "ours:\n{ours}\nMbed TLS 2.28:\n{theirs}");
}

#[test]
fn legacy_228_bad_input_gives_mbedtls_2_28_codes_without_memory_errors() {
    let dir = certs().to_str().unwrap().to_string();
    let reference = program("mbedtls-2.28/tests/legacy_228");
    let (status, theirs) = run("legacy_228 bad (Mbed TLS 2.28)", &[&reference, "bad", &dir], b"", 60);
    assert!(status.success(), "{theirs}");
    let ours_prog = program("2.28/tests/legacy_228");
    let argv = [&memcheck()[..], &[ours_prog.as_str(), "bad", dir.as_str()]].concat();
    let (status, ours) = run("legacy_228 bad (our 2.28 edition)", &argv, b"", 120);
    assert!(status.success(), "under valgrind:\n{ours}");
    // The checks only our edition runs (NULLs, IDs over 32 bytes, unknown versions) ran.
    assert!(ours.contains("# cache_get id_len 33: 1") && ours.contains("# second ssl_setup: -0x7100"), "{ours}");
    assert!(transcript(&ours).len() > 20, "{ours}");
    assert_eq!(transcript(&ours), transcript(&theirs), "ours:\n{ours}\nMbed TLS 2.28:\n{theirs}");
}

/// Runs `legacy_228 connect` (`argv` in front) against `openssl s_server -www` for two
/// connections (the server's session cache, no tickets); returns the client's output.
fn connect(name: &str, argv: &[&str]) -> String {
    connect_with(name, argv, "-tls1_2 -no_ticket -cipher ECDHE-RSA-AES128-GCM-SHA256", &[])
}

/// `connect` with other s_server options (`server_options`) and arguments after the client's.
fn connect_with(name: &str, argv: &[&str], server_options: &str, extra: &[&str]) -> String {
    let port = free_port();
    let command = format!(
        "openssl s_server -accept 127.0.0.1:{port} -cert {} -key {} -www -naccept 2 {server_options}",
        cert("server-rsa.crt"),
        cert("server-rsa.key")
    );
    let server = Proc::start("openssl s_server", &command.split_whitespace().collect::<Vec<_>>(), &[], 120);
    server.expect("ACCEPT", 10);
    let (dir, port_arg) = (certs().to_str().unwrap().to_string(), port.to_string());
    let argv = [argv, &["connect", port_arg.as_str(), dir.as_str()], extra].concat();
    let (status, out) = run(name, &argv, b"", 90);
    assert!(status.success(), "{name}:\n{out}\nserver:\n{}", server.output());
    out
}

#[test]
fn legacy_228_client_drives_the_handshake_by_ssl_state_as_with_mbedtls_2_28() {
    let theirs = connect("legacy_228 connect (Mbed TLS 2.28)", &[&program("mbedtls-2.28/tests/legacy_228")]);
    let ours_prog = program("2.28/tests/legacy_228");
    let ours = connect("legacy_228 connect (our 2.28 edition)", &[&memcheck()[..], &[ours_prog.as_str()]].concat());
    for expected in [
        "= client config: endpoint 0, transport 0, authmode 2, max 3.3",
        "= client connection 1: handshake -0x0000, over 1, version 3.3, TLSv1.2, endpoint 0",
        "= get_session again: -0x0000, id_len 32",
        "= response: New, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256",
        "= client connection 2: handshake -0x0000, over 1, version 3.3, TLSv1.2, endpoint 0",
        "= response: Reused, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256",
        "= done, failures 0",
    ] {
        assert!(ours.contains(expected), "no {expected:?} in:\n{ours}");
    }
    assert_eq!(transcript(&ours), transcript(&theirs), "ours:\n{ours}\nMbed TLS 2.28:\n{theirs}");
}

/// Our edition only (Mbed TLS 2.28 has no TLS 1.3): `mbedtls_ssl_conf_max_version(conf, 3, 4)`
/// allows TLS 1.3, `ssl.minor_ver` says 4 after such a handshake, and the session taken after
/// the first data (which brings the ticket) resumes.
#[test]
fn legacy_228_client_reads_version_3_4_after_a_tls_1_3_handshake() {
    let ours_prog = program("2.28/tests/legacy_228");
    let argv = [&memcheck()[..], &[ours_prog.as_str()]].concat();
    let ours = connect_with("legacy_228 connect tls13 (our 2.28 edition)", &argv, "-tls1_3", &["tls13"]);
    for expected in [
        "= client config, TLS 1.3 allowed: endpoint 0, transport 0, authmode 2, max 3.4",
        "= client connection 1: handshake -0x0000, over 1, version 3.4, TLSv1.3, endpoint 0",
        "= response: New, TLSv1.3, Cipher is TLS_AES_",
        "= get_session after the response: -0x0000",
        "= client connection 2: handshake -0x0000, over 1, version 3.4, TLSv1.3, endpoint 0",
        "= response: Reused, TLSv1.3, Cipher is TLS_AES_",
        "= done, failures 0",
    ] {
        assert!(ours.contains(expected), "no {expected:?} in:\n{ours}");
    }
}
