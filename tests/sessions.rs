//! Session resumption against real peers: our clients against `openssl s_server` and
//! `gnutls-serv`, and our servers against `openssl s_client`, `gnutls-cli` and Python's `ssl`.

mod common;

use std::fs;
use std::path::PathBuf;

use common::*;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rmtls-{}-{}", name, std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn openssl_www(extra: &[&str], n: u32) -> (Proc, u16) {
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let (c, k, n) = (cert("server-ec.crt"), cert("server-ec.key"), n.to_string());
    let mut argv = vec!["openssl", "s_server", "-accept", &accept, "-cert", &c, "-key", &k, "-www", "-naccept", &n];
    argv.extend_from_slice(extra);
    let p = Proc::start("openssl s_server", &argv, &[], 60);
    p.expect("ACCEPT", 10);
    (p, port)
}

// ---------------------------------------------------------------------------------------------
// Issue: client sessions

/// Process 1 connects and saves its session; process 2 loads it and resumes. Both our client
/// (resumed API) and OpenSSL's status page ("Reused, TLSv1.x") say so.
#[test]
fn persistent_client_resumes_across_processes_against_openssl() {
    let cases: [(&str, &[&str], &[&str], &str); 3] = [
        ("TLS 1.2 session ID", &["-tls1_2", "-no_ticket"], &["tickets=0"], "Reused, TLSv1.2"),
        ("TLS 1.2 ticket", &["-tls1_2"], &["tickets=1"], "Reused, TLSv1.2"),
        ("TLS 1.3 ticket", &["-tls1_3"], &[], "Reused, TLSv1.3"),
    ];
    for (name, server_flags, client_flags, witness) in cases {
        let dir = temp_dir("persist");
        let file = dir.join("session.bin").to_str().unwrap().to_string();
        let (_server, port) = openssl_www(server_flags, 2);
        let first = persistent_client(port, &file, client_flags);
        assert!(first.contains("resumed: no"), "{name}:\n{first}");
        assert!(first.contains("session saved for the next run: yes"), "{name}:\n{first}");
        assert!(first.contains("New, TLSv1."), "{name}:\n{first}");
        let second = persistent_client(port, &file, client_flags);
        assert!(second.contains("resumed: yes"), "{name}: client did not resume:\n{second}");
        assert!(second.contains(witness), "{name}: server did not report {witness}:\n{second}");
    }
}

#[test]
fn persistent_client_resumes_across_processes_against_gnutls() {
    let (preload_key, preload) = loopback_only();
    for (name, priority, client_flags) in [
        ("TLS 1.2 session ID", "NORMAL:-VERS-ALL:+VERS-TLS1.2", &["tickets=0"][..]),
        ("TLS 1.2 ticket", "NORMAL:-VERS-ALL:+VERS-TLS1.2", &[][..]),
        ("TLS 1.3", "NORMAL:-VERS-ALL:+VERS-TLS1.3", &[][..]),
    ] {
        let dir = temp_dir("persist-gnutls");
        let file = dir.join("session.bin").to_str().unwrap().to_string();
        let port = free_port();
        let (p, c, k, pr) = (
            port.to_string(),
            format!("--x509certfile={}", cert("server-ec.crt")),
            format!("--x509keyfile={}", cert("server-ec.key")),
            format!("--priority={priority}"),
        );
        let server = Proc::start(
            "gnutls-serv",
            &["gnutls-serv", "--http", "-p", &p, &c, &k, &pr],
            &[(&preload_key, &preload)],
            60,
        );
        server.expect("listening", 10);
        let first = persistent_client(port, &file, client_flags);
        assert!(
            first.contains("resumed: no") && first.contains("session saved for the next run: yes"),
            "{name}:\n{first}"
        );
        let second = persistent_client(port, &file, client_flags);
        assert!(second.contains("resumed: yes"), "{name}: client did not resume:\n{second}");
        // gnutls-serv logs each connection; a resumed one says so.
        server.expect("*** This is a resumed session", 5);
        assert_eq!(server.output().matches("*** This is a resumed session").count(), 1, "{name}:\n{}", server.output());
    }
}

#[test]
fn client_session_api_against_openssl() {
    // TLS 1.2: copy in-process, save/load robustness, wrong use.
    let (_s, port) = openssl_www(&["-tls1_2", "-no_ticket"], 2);
    let (status, out) = run(
        "client_sessions",
        &[&program("tests/client_sessions"), &port.to_string(), &cert("ca.crt"), "tls12", "0"],
        b"",
        30,
    );
    assert!(status.success() && out.contains("PASSED"), "{out}");
    // TLS 1.3: default ignores tickets; signalling counts them (two per connection here).
    let (_s, port) = openssl_www(&["-tls1_3", "-num_tickets", "2"], 3);
    let (status, out) = run(
        "client_sessions",
        &[&program("tests/client_sessions"), &port.to_string(), &cert("ca.crt"), "tls13", "2"],
        b"",
        30,
    );
    assert!(status.success() && out.contains("PASSED"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Issue: server sessions

fn server(args: &[&str]) -> (Proc, u16) {
    let mut all = vec![format!("crt_file={}", cert("server-rsa.crt")), format!("key_file={}", cert("server-rsa.key"))];
    all.extend(args.iter().map(|s| s.to_string()));
    example_server(&strs(&all))
}

fn count(out: &str, prefix: &str) -> usize {
    out.lines().filter(|l| l.starts_with(prefix)).count()
}

#[test]
fn openssl_reconnect_gets_one_new_and_five_reused() {
    for (name, flags) in [("session IDs", vec!["-no_ticket"]), ("tickets", vec![])] {
        let (mut srv, port) = server(&["max_connections=6", "max_version=tls12"]);
        let connect = format!("127.0.0.1:{port}");
        let mut argv = vec!["openssl", "s_client", "-connect", &connect, "-tls1_2", "-reconnect"];
        argv.extend(flags.iter().copied());
        let (_, out) = run("openssl s_client", &argv, b"", 30);
        srv.wait(10);
        assert_eq!((count(&out, "New,"), count(&out, "Reused,")), (1, 5), "{name}:\n{out}");
        assert_eq!(srv.output().matches("resumed: yes").count(), 5, "{name}:\n{}", srv.output());
    }
}

#[test]
fn openssl_tls13_sess_out_sess_in_is_reused() {
    let (mut srv, port) = server(&["max_connections=2", "min_version=tls13"]);
    let dir = temp_dir("tls13");
    let sess = dir.join("sess.pem").to_str().unwrap().to_string();
    let connect = format!("127.0.0.1:{port}");
    let mut first = Proc::start(
        "s_client 1",
        &["openssl", "s_client", "-connect", &connect, "-tls1_3", "-sess_out", &sess],
        &[],
        20,
    );
    first.expect("Verify return code", 10);
    std::thread::sleep(std::time::Duration::from_millis(500));
    first.write(b"GET / HTTP/1.0\r\n\r\n");
    first.expect("Successful connection", 10);
    first.close_stdin();
    first.wait(10);
    let mut second = Proc::start(
        "s_client 2",
        &["openssl", "s_client", "-connect", &connect, "-tls1_3", "-sess_in", &sess],
        &[],
        20,
    );
    second.expect("Verify return code", 10);
    second.close_stdin();
    second.wait(10);
    srv.wait(10);
    assert!(second.output().contains("Reused, TLSv1.3"), "{}", second.output());
    assert!(srv.output().contains("resumed: yes"), "{}", srv.output());
}

#[test]
fn gnutls_cli_resume_is_resumed() {
    for (priority, noticket) in [
        ("NORMAL:-VERS-ALL:+VERS-TLS1.2", true),
        ("NORMAL:-VERS-ALL:+VERS-TLS1.2", false),
        ("NORMAL:-VERS-ALL:+VERS-TLS1.3", false),
    ] {
        let (mut srv, port) = server(&["max_connections=2"]);
        let p = port.to_string();
        let pr = format!("--priority={priority}");
        let ca = format!("--x509cafile={}", cert("ca.crt"));
        let mut argv = vec![
            "gnutls-cli",
            &ca,
            &pr,
            "-p",
            &p,
            "--resume",
            "--sni-hostname=localhost",
            "--verify-hostname=localhost",
            "127.0.0.1",
        ];
        if noticket {
            argv.push("--noticket");
        }
        let (_, out) = run("gnutls-cli", &argv, b"", 30);
        srv.wait(10);
        assert!(
            out.contains("This is a resumed session"),
            "{priority} noticket={noticket}:\n{out}\nserver:\n{}",
            srv.output()
        );
    }
}

/// Runs a Python script (Python's `ssl` is a real OpenSSL client) and returns its output.
fn python(script: &str, args: &[&str]) -> String {
    let mut argv = vec!["python3", "-c", script];
    argv.extend_from_slice(args);
    let (status, out) = run("python3", &argv, b"", 120);
    assert!(status.success(), "python failed:\n{out}");
    out
}

const PY_CLIENT: &str = r#"
import os, socket, ssl, sys, time
port = int(sys.argv[1]); ca = sys.argv[2]; version = sys.argv[3]; steps = sys.argv[4].split(",")
def ctx(ticket):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(ca)
    c.check_hostname = False
    v = ssl.TLSVersion.TLSv1_3 if version == "tls13" else ssl.TLSVersion.TLSv1_2
    c.minimum_version = c.maximum_version = v
    if not ticket:
        c.options |= ssl.OP_NO_TICKET
    return c
contexts = {"t": ctx(True), "n": ctx(False)}  # a session only works with its own context
sessions = {}
for step in steps:
    # step: name:offer:host:end:ticket   (offer = name of a saved session or "-")
    name, offer, host, end, ticket = step.split(":")
    c = contexts[ticket]
    raw = socket.create_connection(("127.0.0.1", port))
    s = c.wrap_socket(raw, server_hostname=host, session=sessions.get(offer))
    if end == "alert":
        # A forged record: the server fails to authenticate it and ends with a fatal alert.
        os.write(s.fileno(), b"\x17\x03\x03\x00\x20" + b"\x55" * 32)
        time.sleep(0.3)
        sessions[name] = s.session
        print(f"{name}: reused={s.session_reused}", flush=True)
        raw.close()
        continue
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    data = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ssl.SSLError, ConnectionError):
        pass
    sessions[name] = s.session
    print(f"{name}: reused={s.session_reused}", flush=True)
    if end.startswith("sleep"):
        time.sleep(float(end[5:]))
    s.close()
"#;

fn py_steps(port: u16, version: &str, steps: &str) -> String {
    python(PY_CLIENT, &[&port.to_string(), &cert("ca.crt"), version, steps])
}

#[test]
fn python_ssl_session_reused() {
    for (version, ticket, args) in
        [("tls12", "n", vec!["tickets=0"]), ("tls12", "t", vec!["cache=0"]), ("tls13", "t", vec![])]
    {
        let mut all = vec!["max_connections=2"];
        all.extend(args.iter().copied());
        let (mut srv, port) = server(&all);
        let out = py_steps(port, version, &format!("a:-:localhost:close:{ticket},b:a:localhost:close:{ticket}"));
        srv.wait(10);
        assert!(
            out.contains("a: reused=False") && out.contains("b: reused=True"),
            "{version} {ticket}:\n{out}\n{}",
            srv.output()
        );
    }
}

#[test]
fn cache_limits_eviction_timeout_and_remove() {
    // max_entries 1: a second client evicts the first.
    let (mut srv, port) = server(&["max_connections=4", "tickets=0", "cache_max=1"]);
    let out = py_steps(
        port,
        "tls12",
        "a:-:localhost:close:n,b:-:localhost:close:n,b2:b:localhost:close:n,a2:a:localhost:close:n",
    );
    srv.wait(10);
    assert!(out.contains("b2: reused=True") && out.contains("a2: reused=False"), "{out}");

    // timeout 1 s: not resumed after 2 s.
    let (mut srv, port) = server(&["max_connections=2", "tickets=0", "cache_timeout=1"]);
    let out = py_steps(port, "tls12", "a:-:localhost:sleep2.2:n,b:a:localhost:close:n");
    srv.wait(10);
    assert!(out.contains("b: reused=False"), "{out}");

    // remove after each connection: the next attempt is a full handshake.
    let (mut srv, port) = server(&["max_connections=2", "tickets=0", "cache_remove=1"]);
    let out = py_steps(port, "tls12", "a:-:localhost:close:n,b:a:localhost:close:n");
    srv.wait(10);
    assert!(out.contains("b: reused=False"), "{out}\n{}", srv.output());
    assert!(srv.output().contains("Removed the session from the cache"), "{}", srv.output());
}

#[test]
fn application_cache_callbacks_serve_resumption() {
    let dir = temp_dir("store");
    let store = format!("store_dir={}", dir.display());
    let (mut srv, port) = server(&["max_connections=6", "max_version=tls12", "cache=0", "tickets=0", &store]);
    let connect = format!("127.0.0.1:{port}");
    let (_, out) =
        run("openssl s_client", &["openssl", "s_client", "-connect", &connect, "-reconnect", "-no_ticket"], b"", 30);
    srv.wait(10);
    assert_eq!((count(&out, "New,"), count(&out, "Reused,")), (1, 5), "{out}");
    let files = fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, 1, "one session file expected in the application's store");
}

#[test]
fn tickets_resume_across_server_processes_sharing_a_key() {
    let key = "ticket_key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let dir = temp_dir("tickets");
    let file = dir.join("session.bin").to_str().unwrap().to_string();
    for version in ["tls12", "tls13"] {
        let _ = fs::remove_file(&file);
        let (mut one, port) = server(&[
            "max_connections=1",
            "cache=0",
            key,
            &format!("min_version={version}"),
            &format!("max_version={version}"),
        ]);
        let first = persistent_client(port, &file, &[]);
        one.wait(10);
        assert!(first.contains("resumed: no"), "{first}");
        let (mut two, port) = server(&[
            "max_connections=1",
            "cache=0",
            key,
            &format!("min_version={version}"),
            &format!("max_version={version}"),
        ]);
        let second = persistent_client(port, &file, &[]);
        two.wait(10);
        assert!(
            second.contains("resumed: yes"),
            "{version}: ticket from process 1 not accepted by process 2:\n{second}\n{}",
            two.output()
        );
        // A third server with another key cannot open it: a full handshake, no error.
        let (mut three, port) = server(&[
            "max_connections=1",
            "cache=0",
            &format!("min_version={version}"),
            &format!("max_version={version}"),
        ]);
        let third = persistent_client(port, &file, &[]);
        three.wait(10);
        assert!(third.contains("resumed: no"), "{third}");
    }
}

/// OpenSSL's saved session (PEM) with a byte of its ticket flipped gets a full handshake.
#[test]
fn a_tampered_ticket_gives_a_full_handshake() {
    const TAMPER: &str = r#"
import base64, sys
path = sys.argv[1]
text = open(path).read()
body = "".join(l for l in text.splitlines() if not l.startswith("-----"))
der = bytearray(base64.b64decode(body))
# The ticket is the OCTET STRING inside the [10] (0xAA) field of the SSL_SESSION sequence: walk
# the sequence's elements (a byte search could hit 0xAA inside another field).
def header(pos):
    tag, first = der[pos], der[pos + 1]
    if first < 0x80:
        return tag, first, pos + 2
    n = first & 0x7F
    return tag, int.from_bytes(der[pos + 2:pos + 2 + n], "big"), pos + 2 + n
tag, length, pos = header(0)
assert tag == 0x30, "not an SSL_SESSION sequence"
end = pos + length
while pos < end:
    tag, length, body = header(pos)
    if tag == 0xAA:
        inner, ticket_len, ticket = header(body)
        assert inner == 0x04 and ticket_len > 40, "no ticket in the session"
        break
    pos = body + length
else:
    raise SystemExit("no [10] ticket field in the session")
mid = ticket + ticket_len // 2
der[mid] ^= 0xFF
out = base64.encodebytes(bytes(der)).decode()
open(path, "w").write("-----BEGIN SSL SESSION PARAMETERS-----\n" + out + "-----END SSL SESSION PARAMETERS-----\n")
print("tampered at", mid)
"#;
    let (mut srv, port) = server(&["max_connections=3", "cache=0", "max_version=tls12"]);
    let dir = temp_dir("tamper");
    let sess = dir.join("sess.pem").to_str().unwrap().to_string();
    let connect = format!("127.0.0.1:{port}");
    let (_, out1) =
        run("s_client", &["openssl", "s_client", "-connect", &connect, "-tls1_2", "-sess_out", &sess], b"", 20);
    assert!(out1.contains("New, TLSv1.2"), "{out1}");
    let (_, control) =
        run("s_client", &["openssl", "s_client", "-connect", &connect, "-tls1_2", "-sess_in", &sess], b"", 20);
    assert!(control.contains("Reused, TLSv1.2"), "control case not resumed:\n{control}");
    python(TAMPER, &[&sess]);
    let (status, out2) =
        run("s_client", &["openssl", "s_client", "-connect", &connect, "-tls1_2", "-sess_in", &sess], b"", 20);
    srv.wait(10);
    assert!(out2.contains("New, TLSv1.2"), "tampered ticket resumed?\n{out2}");
    assert!(status.success(), "{out2}");
    assert!(!srv.output().contains("handshake returned"), "server errored:\n{}", srv.output());
}

#[test]
fn fatal_alert_sessions_are_not_resumed_and_sni_is_checked() {
    for (name, args, ticket) in [("session ID", vec!["tickets=0"], "n"), ("ticket", vec!["cache=0"], "t")] {
        let mut all = vec!["max_connections=6", "max_version=tls12"];
        all.extend(args.iter().copied());
        let (mut srv, port) = server(&all);
        let out = py_steps(
            port,
            "tls12",
            &format!(
                "good:-:localhost:close:{t},bad:-:localhost:alert:{t},bad2:bad:localhost:close:{t},good2:good:localhost:close:{t},\
                 sni:good2:alt.localhost:close:{t},x:-:localhost:close:{t}",
                t = ticket
            ),
        );
        srv.wait(10);
        assert!(out.contains("bad2: reused=False"), "{name}: resumed after a fatal alert:\n{out}");
        assert!(out.contains("good2: reused=True"), "{name}: control case not resumed:\n{out}");
        assert!(out.contains("sni: reused=False"), "{name}: resumed for another SNI name:\n{out}");
    }
}

#[test]
fn a_restarted_server_resumes_sessions_saved_by_its_predecessor() {
    let dir = temp_dir("restart");
    let cache_file = format!("cache_file={}", dir.join("cache.bin").display());
    let session = dir.join("session.bin").to_str().unwrap().to_string();
    let (mut one, port) = server(&["max_connections=1", "tickets=0", "max_version=tls12", &cache_file]);
    let first = persistent_client(port, &session, &["tickets=0"]);
    one.wait(10);
    assert!(first.contains("resumed: no"), "{first}");
    let (mut two, port) = server(&["max_connections=1", "tickets=0", "max_version=tls12", &cache_file]);
    assert!(two.output().contains("[1 cached sessions loaded"), "{}", two.output());
    let second = persistent_client(port, &session, &["tickets=0"]);
    assert!(second.contains("resumed: yes"), "our client did not resume after the restart:\n{second}");
    two.wait(10);
}

#[test]
fn concurrent_handshakes_share_one_cache() {
    const LOAD: &str = r#"
import socket, ssl, sys, threading
port = int(sys.argv[1]); ca = sys.argv[2]; threads = int(sys.argv[3]); per = int(sys.argv[4])
ok = [0] * threads; reused = [0] * threads; errors = []
def worker(i):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.load_verify_locations(ca); c.check_hostname = False
    c.minimum_version = c.maximum_version = ssl.TLSVersion.TLSv1_2; c.options |= ssl.OP_NO_TICKET
    session = None
    for n in range(per):
        try:
            s = c.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost", session=session)
            s.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    break
                data += chunk
            if b"resumed=" in data:
                ok[i] += 1
            reused[i] += int(s.session_reused)
            session = s.session
            s.close()
        except Exception as e:
            errors.append(repr(e))
ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
print("ok", sum(ok), "reused", sum(reused), "errors", len(errors), errors[:3])
"#;
    let (threads, per) = (8usize, 500usize);
    let total = threads * per;
    let port = free_port();
    let server = program("ssl_pthread_server");
    let args = [
        format!("server_port={port}"),
        format!("crt_file={}", cert("server-ec.crt")),
        format!("key_file={}", cert("server-ec.key")),
        format!("max_connections={total}"),
        "tickets=0".to_string(),
    ];
    let mut argv = [memcheck(), vec![server.as_str()]].concat();
    argv.extend(args.iter().map(String::as_str));
    let mut srv = Proc::start("ssl_pthread_server under valgrind", &argv, &[], 900);
    srv.expect("Waiting for a remote connection", 120);
    let out = python(LOAD, &[&port.to_string(), &cert("ca.crt"), &threads.to_string(), &per.to_string()]);
    let status = srv.wait(300);
    let srv_out = srv.output();
    assert!(out.contains(&format!("ok {total} ")), "{out}\n{srv_out}");
    assert!(out.contains("errors 0"), "{out}");
    let reused: usize = out.split_whitespace().skip_while(|w| *w != "reused").nth(1).unwrap().parse().unwrap();
    assert_eq!(reused, total - threads, "every connection but the first of each thread resumes:\n{out}");
    assert!(srv_out.contains(&format!("{total} handshakes, {} resumed, 0 failed", total - threads)), "{srv_out}");
    assert!(status.success(), "valgrind reported errors or leaks (exit {status:?}):\n{srv_out}");
}
