//! The fleet-wide session cache on Redis (`compat_redis.h`), against a real `redis-server`
//! (Debian's, started here on 127.0.0.1 and a free port, persistence off, stopped by PID):
//! several example servers (c_examples/ssl_server.c `redis=URL`) share TLS 1.2 sessions; the
//! fatal-alert rule holds across the fleet; Redis stopped, restarted or hanging never fails a
//! handshake; the URL forms `unix:/path` and `redis://:password@host:port/db`; the fleet's ticket
//! keys shared, rotated, and made once per period by racing servers (tests/c/redis_key_race.c).
//! The clients are Python's `ssl` (OpenSSL) and `openssl s_client`.

mod common;

use std::net::TcpListener;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;

/// The tests of this file run one at a time: the timing test must not share the two cores with
/// the 4000-connection load.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// A `redis-server` of this test on `port`, ready to accept.
fn redis_server(port: u16) -> Proc {
    redis_server_with(&["--port", &port.to_string()], "Ready to accept connections")
}

/// A `redis-server` of this test bound to 127.0.0.1 with `args` (port, Unix socket, password),
/// persistence off, once its log shows `ready`.
fn redis_server_with(args: &[&str], ready: &str) -> Proc {
    let mut argv = vec!["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
    argv.extend_from_slice(args);
    let p = Proc::start("redis-server", &argv, &[], 300);
    p.expect(ready, 20);
    p
}

/// `redis-cli` reaching a Redis by `conn` (`-p PORT`, `-s SOCKET`, `-a PASSWORD -n DB` ...) with
/// `args`; its output.
fn redis_cli(conn: &[&str], args: &[&str]) -> String {
    let mut argv = vec!["redis-cli"];
    argv.extend_from_slice(conn);
    argv.extend_from_slice(args);
    let (status, out) = run("redis-cli", &argv, b"", 10);
    assert!(status.success(), "{argv:?}: {out}");
    out
}

/// The keys matching `pattern` of the Redis reached by `conn` (`redis-cli --scan`).
fn redis_scan(conn: &[&str], pattern: &str) -> Vec<String> {
    redis_cli(conn, &["--scan", "--pattern", pattern]).lines().map(str::to_string).collect()
}

/// The keys of the Redis on `port` matching `pattern`.
fn redis_keys(port: u16, pattern: &str) -> Vec<String> {
    redis_scan(&["-p", &port.to_string()], pattern)
}

/// An example server using the Redis cache at `url` (TLS 1.2 session IDs only: no tickets).
fn fleet_server(url: &str, extra: &[&str]) -> (Proc, u16) {
    let redis = format!("redis={url}");
    let (crt, key) = (format!("crt_file={}", cert("server-ec.crt")), format!("key_file={}", cert("server-ec.key")));
    let mut args = vec![crt.as_str(), key.as_str(), redis.as_str(), "tickets=0", "max_version=tls12"];
    args.extend_from_slice(extra);
    example_server(&args)
}

/// A Redis of this test and `n` example servers using it: (redis, its port, servers, their
/// ports).
fn fleet(n: usize) -> (Proc, u16, Vec<Proc>, Vec<u16>) {
    fleet_with(n, &[])
}

/// `fleet` with more server arguments.
fn fleet_with(n: usize, extra: &[&str]) -> (Proc, u16, Vec<Proc>, Vec<u16>) {
    let redis_port = free_port();
    let redis = redis_server(redis_port);
    let url = format!("redis://127.0.0.1:{redis_port}/0");
    let (servers, ports) = (0..n).map(|_| fleet_server(&url, extra)).unzip();
    (redis, redis_port, servers, ports)
}

/// Python's `ssl` as the client, resuming by session ID ("id": no tickets) or by TLS 1.2 or 1.3
/// ticket ("ticket12", "ticket13"): `steps` are `name:offer:server:end` (offer: a saved
/// session's name or "-"; server: an index into the ports; end: "close", or "alert" for a forged
/// record the server answers with a fatal alert; a step "sleep:PERIOD:PHASE:-" waits until the
/// clock is PHASE seconds into a PERIOD). Prints "name: reused=R ms=T" per step. With "load T N":
/// T threads of N connections each over all ports, each connection offering the thread's last
/// session; prints "load: C connections, E errors, R resumed".
const PY_FLEET: &str = r#"
import os, socket, ssl, sys, threading, time
ports = [int(p) for p in sys.argv[1].split(",")]; ca = sys.argv[2]; kind = sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(ca)
ctx.check_hostname = False
version = ssl.TLSVersion.TLSv1_3 if kind == "ticket13" else ssl.TLSVersion.TLSv1_2
ctx.minimum_version = ctx.maximum_version = version
if kind == "id":
    ctx.options |= ssl.OP_NO_TICKET
def connect(port, session, end="close"):
    raw = socket.create_connection(("127.0.0.1", port), timeout=20)
    s = ctx.wrap_socket(raw, server_hostname="localhost", session=session)
    if end == "alert":
        os.write(s.fileno(), b"\x17\x03\x03\x00\x20" + b"\x55" * 32)
        time.sleep(0.3)
    else:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        try:
            while s.recv(4096):
                pass
        except (ssl.SSLError, ConnectionError):
            pass
    session, reused = s.session, s.session_reused
    raw.close()
    return session, reused
if sys.argv[4] == "load":
    threads, per = int(sys.argv[5]), int(sys.argv[6])
    counts = {"n": 0, "errors": 0, "resumed": 0}
    lock = threading.Lock()
    def work(t):
        session = None
        for i in range(per):
            try:
                session, reused = connect(ports[(t + i) % len(ports)], session)
                with lock:
                    counts["n"] += 1; counts["resumed"] += int(reused)
            except Exception as e:
                with lock:
                    counts["n"] += 1; counts["errors"] += 1
                print(f"error: {e!r}", flush=True)
    ts = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    start = time.time()
    for t in ts: t.start()
    for t in ts: t.join()
    print(f"load: {counts['n']} connections, {counts['errors']} errors, {counts['resumed']} resumed, "
          f"{time.time() - start:.1f} s", flush=True)
else:
    sessions = {}
    for step in sys.argv[4].split(","):
        name, offer, server, end = step.split(":")
        if name == "sleep":
            # "sleep:PERIOD:PHASE:-": until the clock is PHASE seconds into a PERIOD.
            period, phase = float(offer), float(server)
            time.sleep((phase - time.time() % period) % period)
            continue
        start = time.time()
        try:
            sessions[name], reused = connect(ports[int(server)], sessions.get(offer), end)
            print(f"{name}: reused={reused} ms={(time.time() - start) * 1000:.0f}", flush=True)
        except Exception as e:
            print(f"{name}: error {e!r} ms={(time.time() - start) * 1000:.0f}", flush=True)
"#;

/// `openssl s_client` to `port` with `flags` followed by the session file `sess` (e.g.
/// `-tls1_2 -sess_out`), sending an HTTP request; its output.
fn s_client(port: u16, flags: &str, sess: &str) -> String {
    let cmd = format!("openssl s_client -connect 127.0.0.1:{port} {flags} {sess} -ign_eof");
    let argv: Vec<&str> = cmd.split_whitespace().collect();
    let (status, out) = run("openssl s_client", &argv, b"GET / HTTP/1.0\r\n\r\n", 30);
    assert!(status.success(), "{out}");
    out
}

fn python(ports: &[u16], args: &[&str]) -> String {
    python_as("id", ports, args)
}

fn python_as(kind: &str, ports: &[u16], args: &[&str]) -> String {
    let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    let ports = ports.join(",");
    let ca = cert("ca.crt");
    let mut argv = vec!["python3", "-c", PY_FLEET, ports.as_str(), ca.as_str(), kind];
    argv.extend_from_slice(args);
    let (status, out) = run("python3 (fleet client)", &argv, b"", 240);
    assert!(status.success(), "python failed:\n{out}");
    out
}

/// Issue 14: a session made on server A resumes on B and C (TLS 1.2 session ID through the
/// Redis cache), seen by Python's `ssl` and by `openssl s_client` ("Reused"); the key is the
/// prefix and the ID in hex.
#[test]
fn three_servers_share_tls12_sessions_through_redis() {
    let _serial = one_at_a_time();
    let (_redis, redis_port, _servers, ports) = fleet(3);
    let out = python(&ports, &["a:-:0:close,b:a:1:close,c:a:2:close,a2:a:0:close"]);
    for expected in ["a: reused=False", "b: reused=True", "c: reused=True", "a2: reused=True"] {
        assert!(out.contains(expected), "{out}");
    }
    // OpenSSL's own client: a session from B resumes on C.
    let sess = scratch("redis-fleet").join("session.pem");
    let sess = sess.to_str().unwrap();
    assert!(s_client(ports[1], "-tls1_2 -no_ticket -sess_out", sess).contains("New, TLSv1.2"));
    assert!(s_client(ports[2], "-tls1_2 -no_ticket -sess_in", sess).contains("Reused, TLSv1.2"));
    let keys = redis_keys(redis_port, "tls:session:*");
    assert!(keys.len() >= 2 && keys.iter().all(|k| k.len() == "tls:session:".len() + 64), "{keys:?}");
}

/// Issue 14: a session whose connection on server A ended with a fatal alert is deleted from
/// Redis: no server of the fleet resumes it (a control session still resumes).
#[test]
fn a_fatal_alert_on_one_server_keeps_the_session_from_every_server() {
    let _serial = one_at_a_time();
    let (_redis, _, _servers, ports) = fleet(2);
    let out = python(&ports, &["good:-:0:close,bad:-:0:alert,bad2:bad:1:close,good2:good:1:close"]);
    assert!(out.contains("bad2: reused=False"), "resumed on B after a fatal alert on A:\n{out}");
    assert!(out.contains("good2: reused=True"), "control session not resumed:\n{out}");
}

/// Issue 14: Redis stopped mid-run costs no connection (full handshakes instead); restarted on
/// the same port, resumption across servers returns without restarting the servers.
#[test]
fn redis_stopped_and_restarted_never_fails_a_handshake() {
    let _serial = one_at_a_time();
    let (redis, redis_port, _servers, ports) = fleet(2);
    let out = python(&ports, &["a:-:0:close,b:a:1:close"]);
    assert!(out.contains("b: reused=True"), "{out}");
    drop(redis);
    let out = python(&ports, &["c:-:0:close,d:c:1:close,e:c:0:close,f:-:1:close,g:f:0:close"]);
    assert!(!out.contains("error"), "a connection failed while Redis was down:\n{out}");
    assert!(out.contains("d: reused=False"), "no Redis, yet resumed across servers?\n{out}");
    let _redis = redis_server(redis_port);
    // After the back-off (at most 5 s) the servers use Redis again.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = python(&ports, &["h:-:0:close,i:h:1:close"]);
        assert!(!out.contains("error"), "{out}");
        if out.contains("i: reused=True") {
            break;
        }
        assert!(Instant::now() < deadline, "resumption did not come back after Redis restarted:\n{out}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Issue 14: a "Redis" that accepts TCP and never answers: no handshake waits longer than the
/// I/O timeout plus a small margin (each measured and printed), none fails.
#[test]
fn a_redis_that_never_answers_costs_at_most_the_io_timeout() {
    let _serial = one_at_a_time();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts and holds every connection, answering nothing (until the test ends).
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    const IO_TIMEOUT_MS: u128 = 150;
    let url = format!("redis://127.0.0.1:{port}/0");
    let (_server, server_port) = fleet_server(&url, &["redis_timeout_ms=150"]);
    let steps: Vec<String> = (0..8).map(|i| format!("s{i}:{}:0:close", if i == 0 { "-" } else { "s0" })).collect();
    let out = python(&[server_port], &[&steps.join(",")]);
    println!("handshakes against a silent Redis (I/O timeout {IO_TIMEOUT_MS} ms):\n{out}");
    let times: Vec<u128> =
        out.lines().filter_map(|l| l.split("ms=").nth(1)).filter_map(|t| t.trim().parse().ok()).collect();
    assert_eq!(times.len(), 8, "{out}");
    assert!(!out.contains("error") && !out.contains("reused=True"), "{out}");
    // At most one Redis operation waits the timeout (then the store backs off), plus a margin
    // for the handshake, the client and the process.
    let limit = IO_TIMEOUT_MS + 250;
    assert!(times.iter().all(|t| *t < limit), "a handshake waited {times:?} ms (limit {limit} ms):\n{out}");
}

/// Issue 14: 8 client threads × 500 connections across two servers sharing one Redis: no
/// errors; the resumption rate is printed.
#[test]
fn eight_threads_of_500_connections_across_two_servers() {
    let _serial = one_at_a_time();
    let (_redis, _, _servers, ports) = fleet(2);
    let out = python(&ports, &["load", "8", "500"]);
    println!("{out}");
    assert!(out.contains("load: 4000 connections, 0 errors"), "{out}");
    let resumed: usize = out
        .split(" errors, ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the resumed count");
    // Every thread's first connection is full; the others offer a session the other server
    // stored or resumed.
    assert!(resumed >= 3900, "{out}");
}

/// Issue 14: servers sharing ticket keys through Redis (no session cache: `cache=0`) resume each
/// other's TLS 1.2 and TLS 1.3 tickets; only one key per period exists in Redis.
#[test]
fn tickets_resume_across_servers_with_the_fleets_keys() {
    let _serial = one_at_a_time();
    let (_redis, redis_port, _servers, ports) = fleet_with(3, &["cache=0", "tickets=1", "max_version=tls13"]);
    for kind in ["ticket12", "ticket13"] {
        let out = python_as(kind, &ports, &["a:-:0:close,b:a:1:close,c:a:2:close"]);
        assert!(out.contains("a: reused=False") && out.contains("b: reused=True"), "{kind}:\n{out}");
        assert!(out.contains("c: reused=True"), "{kind}:\n{out}");
    }
    let keys = redis_keys(redis_port, "tls:ticket-keys:*");
    assert_eq!(keys.len(), 1, "one key per period: {keys:?}");
}

/// Issue 14: with a 2 s lifetime the fleet's key changes every 2 s: a ticket issued late in one
/// period resumes on another server early in the next (the previous key, which that server
/// fetched, not made), a ticket older than the lifetime does not; Redis holds one key per period.
#[test]
fn fleet_ticket_keys_rotate_with_the_previous_key_accepted() {
    let _serial = one_at_a_time();
    let (_redis, redis_port, _servers, ports) =
        fleet_with(2, &["cache=0", "tickets=1", "ticket_lifetime=2", "max_connections=0"]);
    let out = python_as(
        "ticket12",
        &ports,
        &["sleep:2:1.4:-,x:-:0:close,sleep:2:0.3:-,y:x:1:close,z:x:0:close,sleep:2:1.9:-,sleep:2:1.0:-,old:x:1:close"],
    );
    assert!(out.contains("y: reused=True"), "the previous period's key was refused:\n{out}");
    assert!(out.contains("z: reused=True"), "{out}");
    assert!(out.contains("old: reused=False"), "a ticket older than the lifetime resumed:\n{out}");
    // One key per period the run spanned, whichever server made it (y and z above show both
    // servers use the same one).
    let keys = redis_keys(redis_port, "tls:ticket-keys:*");
    let periods: Vec<u64> = keys.iter().filter_map(|k| k.rsplit(':').next()?.parse().ok()).collect();
    let (first, last) = (periods.iter().min().copied(), periods.iter().max().copied());
    assert!(periods.len() >= 2 && first.zip(last).is_some_and(|(f, l)| l - f + 1 == periods.len() as u64), "{keys:?}");
}

/// Issue 14: without Redis the servers issue and accept tickets with keys of their own; once
/// Redis answers they re-join the fleet's keys (from the next period on), without a restart.
#[test]
fn ticket_keys_fall_back_to_local_keys_and_rejoin_the_fleet() {
    let _serial = one_at_a_time();
    let redis_port = free_port();
    let url = format!("redis://127.0.0.1:{redis_port}/0");
    let extra = ["cache=0", "tickets=1", "ticket_lifetime=2", "max_connections=0"];
    let (_a, a) = fleet_server(&url, &extra);
    let (_b, b) = fleet_server(&url, &extra);
    let out = python_as("ticket12", &[a, b], &["p:-:0:close,q:p:0:close,r:p:1:close"]);
    assert!(!out.contains("error"), "{out}");
    assert!(out.contains("q: reused=True"), "local keys do not work:\n{out}");
    assert!(out.contains("r: reused=False"), "no Redis, yet the servers share keys?\n{out}");
    let _redis = redis_server(redis_port);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = python_as("ticket12", &[a, b], &["s:-:0:close,t:s:1:close"]);
        assert!(!out.contains("error"), "{out}");
        if out.contains("t: reused=True") {
            break;
        }
        assert!(Instant::now() < deadline, "the servers did not re-join the fleet's keys:\n{out}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Issue 14, the 2.28 edition: the Redis cache's callbacks with 2.28's signatures (the ID inside
/// the session). A server built against the 2.28 edition and one built against the 3.6 edition
/// share one Redis: each resumes the other's sessions, and a fatal alert on the 2.28 server
/// keeps that session from the 3.6 server.
#[test]
fn servers_of_both_editions_share_sessions_through_redis() {
    let _serial = one_at_a_time();
    let redis_port = free_port();
    let _redis = redis_server(redis_port);
    let url = format!("redis://127.0.0.1:{redis_port}/0");
    let (_s36, port36) = fleet_server(&url, &[]);
    let port228 = free_port();
    let (server, port_arg, redis_arg) =
        (program("2.28/ssl_server"), format!("server_port={port228}"), format!("redis={url}"));
    let (crt, key) = (format!("crt_file={}", cert("server-ec.crt")), format!("key_file={}", cert("server-ec.key")));
    let argv = [server.as_str(), port_arg.as_str(), crt.as_str(), key.as_str(), redis_arg.as_str(), "tickets=0"];
    let s228 = Proc::start("ssl_server (2.28 edition)", &argv, &[], 60);
    s228.expect("Waiting for a remote connection", 20);
    assert!(s228.output().contains("[session cache: Redis"), "{}", s228.output());
    let out = python(
        &[port36, port228],
        &["a:-:0:close,b:a:1:close,c:-:1:close,d:c:0:close,e:-:1:alert,f:e:0:close,g:c:1:close"],
    );
    for expected in
        ["a: reused=False", "b: reused=True", "c: reused=False", "d: reused=True", "f: reused=False", "g: reused=True"]
    {
        assert!(out.contains(expected), "{expected}:\n{out}");
    }
}

/// Issue 14, seen by our API: our `persistent_client` (a new process per connection, the
/// session saved with `mbedtls_ssl_session_save` and offered again after `_load`) resumes on
/// servers B and C the session it made on A: TLS 1.2 by session ID (the Redis cache), TLS 1.2 and
/// TLS 1.3 tickets (the fleet's keys); and OpenSSL's client reports "Reused" for the tickets.
#[test]
fn our_client_and_openssl_resume_across_the_fleet_by_id_and_tickets() {
    let _serial = one_at_a_time();
    let (_redis, _redis_port, _servers, ports) = fleet_with(3, &["tickets=1", "max_version=tls13"]);
    let dir = scratch("redis-fleet-ours");
    let cases: [(&str, &[&str]); 3] = [
        ("TLS 1.2 session ID", &["max_version=tls12", "tickets=0"]),
        ("TLS 1.2 ticket", &["max_version=tls12", "tickets=1"]),
        ("TLS 1.3 ticket", &["min_version=tls13"]),
    ];
    for (i, (name, flags)) in cases.into_iter().enumerate() {
        let file = dir.join(format!("session-{i}.bin")).to_str().unwrap().to_string();
        let client = |port: u16| persistent_client(port, &file, flags);
        let first = client(ports[0]);
        assert!(
            first.contains("resumed: no") && first.contains("session saved for the next run: yes"),
            "{name}:\n{first}"
        );
        for port in &ports[1..] {
            let out = client(*port);
            assert!(out.contains("resumed: yes"), "{name}: not resumed on another server:\n{out}");
        }
    }
    // OpenSSL's client: a ticket from A resumes on B (TLS 1.2 and TLS 1.3).
    for (version, witness) in [("-tls1_2", "Reused, TLSv1.2"), ("-tls1_3", "Reused, TLSv1.3")] {
        let sess = dir.join(format!("openssl{version}.pem"));
        let sess = sess.to_str().unwrap();
        assert!(s_client(ports[0], &format!("{version} -sess_out"), sess).contains("New, TLSv1."));
        let out = s_client(ports[1], &format!("{version} -sess_in"), sess);
        assert!(out.contains(witness), "{version}: {witness} expected:\n{out}");
    }
}

/// A stored session's key: the prefix and a 32-byte ID in hex.
fn is_session_key(key: &str) -> bool {
    key.strip_prefix("tls:session:").is_some_and(|id| id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Issue 14: `redis=unix:/path`, a Redis listening on a Unix socket only (no TCP port): a TLS
/// 1.2 session made on server A resumes on B, and its key is in that Redis.
#[test]
fn servers_share_sessions_through_redis_on_a_unix_socket() {
    let _serial = one_at_a_time();
    let socket = scratch("redis-unix-socket").join("redis.sock");
    let socket = socket.to_str().unwrap();
    let _redis = redis_server_with(
        &["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700"],
        "ready to accept connections at",
    );
    let url = format!("unix:{socket}");
    let (_a, a) = fleet_server(&url, &[]);
    let (_b, b) = fleet_server(&url, &[]);
    let out = python(&[a, b], &["a:-:0:close,b:a:1:close,a2:a:0:close"]);
    println!("{out}");
    for expected in ["a: reused=False", "b: reused=True", "a2: reused=True"] {
        assert!(out.contains(expected), "{out}");
    }
    let keys = redis_scan(&["-s", socket], "*");
    println!("keys in the Redis at {socket}: {keys:?}");
    assert!(!keys.is_empty() && keys.iter().all(|k| is_session_key(k)), "{keys:?}");
}

/// Issue 14: a Redis with a password and the sessions in database 3
/// (`redis://:PASSWORD@host:port/3`): servers with the password share TLS 1.2 sessions and
/// ticket keys, stored in database 3 only; servers with a wrong password fail no handshake,
/// resume nothing across servers and store nothing.
#[test]
fn a_password_and_a_database_number_in_the_url() {
    let _serial = one_at_a_time();
    const PASSWORD: &str = "fleet-pw-4c1d";
    let port = free_port();
    let port_arg = port.to_string();
    let _redis = redis_server_with(&["--port", &port_arg, "--requirepass", PASSWORD], "Ready to accept connections");
    let db = |n: &'static str| ["-p", port_arg.as_str(), "-a", PASSWORD, "--no-auth-warning", "-n", n];
    let extra = ["tickets=1"];

    // A wrong password: Redis refuses every command; the servers carry on without it.
    let wrong = format!("redis://:not-{PASSWORD}@127.0.0.1:{port}/3");
    let (_w1, w1) = fleet_server(&wrong, &extra);
    let (_w2, w2) = fleet_server(&wrong, &extra);
    let ids = python(&[w1, w2], &["a:-:0:close,b:a:1:close,c:-:1:close,d:c:0:close"]);
    let tickets = python_as("ticket12", &[w1, w2], &["a:-:0:close,b:a:1:close,a2:a:0:close"]);
    println!("wrong password, session IDs:\n{ids}wrong password, TLS 1.2 tickets:\n{tickets}");
    assert!(!ids.contains("error") && !tickets.contains("error"), "a handshake failed:\n{ids}{tickets}");
    assert!(!ids.contains("reused=True"), "resumed without Redis:\n{ids}");
    assert!(tickets.contains("b: reused=False"), "a ticket resumed on another server:\n{tickets}");
    assert!(tickets.contains("a2: reused=True"), "the server's local ticket keys do not work:\n{tickets}");
    for n in ["0", "3"] {
        assert_eq!(redis_scan(&db(n), "*"), Vec::<String>::new(), "db {n} after the wrong password");
    }

    // The password: sessions and ticket keys shared, in database 3.
    let right = format!("redis://:{PASSWORD}@127.0.0.1:{port}/3");
    let (_r1, r1) = fleet_server(&right, &extra);
    let (_r2, r2) = fleet_server(&right, &extra);
    let ids = python(&[r1, r2], &["a:-:0:close,b:a:1:close,c:-:1:close,d:c:0:close"]);
    let tickets = python_as("ticket12", &[r1, r2], &["a:-:0:close,b:a:1:close"]);
    println!("password, session IDs:\n{ids}password, TLS 1.2 tickets:\n{tickets}");
    for expected in ["a: reused=False", "b: reused=True", "d: reused=True"] {
        assert!(ids.contains(expected), "{ids}");
    }
    assert!(tickets.contains("a: reused=False") && tickets.contains("b: reused=True"), "{tickets}");
    let keys = redis_scan(&db("3"), "*");
    println!("keys in db 3: {keys:?}");
    let sessions = keys.iter().filter(|k| is_session_key(k)).count();
    let ticket_keys = keys.iter().filter(|k| k.starts_with("tls:ticket-keys:")).count();
    assert!(sessions >= 2 && ticket_keys >= 1 && sessions + ticket_keys == keys.len(), "{keys:?}");
    assert_eq!(redis_scan(&db("0"), "*"), Vec::<String>::new(), "keys in db 0");
}

/// The first four bytes of the value under a key (a ticket key's name) in hex, and the value's
/// length: "NNNNNNNN LEN".
const NAME_AND_LENGTH: &str =
    "local v = redis.call('GET', KEYS[1]) return string.format('%02x%02x%02x%02x', v:byte(1, 4)) .. ' ' .. #v";

/// Issue 14: 16 threads, each with a ticket context of its own (tests/c/redis_key_race.c), write
/// a ticket at the same moment just after a new period of a 2 s lifetime starts, racing to make
/// the period's key; in each of 4 rounds (4 periods) every ticket is accepted by every context
/// and all carry one key name, the name of the one key Redis holds for that period. (A round
/// slowed down past Redis's 100 ms budget, which makes a context use keys of its own by design,
/// is run again by the program, "disturbed".) Then one round under valgrind.
#[test]
fn servers_racing_to_make_a_periods_key_share_one_key() {
    let _serial = one_at_a_time();
    let port = free_port();
    let _redis = redis_server(port);
    let url = format!("url=redis://127.0.0.1:{port}/0");
    let (crt, key) = (format!("crt_file={}", cert("server-ec.crt")), format!("key_file={}", cert("server-ec.key")));
    let race = program("tests/redis_key_race");
    let argv = [race.as_str(), &url, "key_name=race:keys", &crt, &key, "threads=16", "rounds=4", "lifetime=2"];
    let (status, out) = run("redis_key_race", &argv, b"", 60);
    println!("{out}");
    assert!(status.success(), "{out}");
    assert!(out.contains("tickets accepted by every context: 1024/1024"), "{out}");
    // (period, key name, disturbed) of each round run.
    let rounds: Vec<(u64, String, bool)> = out
        .lines()
        .filter(|l| l.starts_with("round "))
        .filter_map(|l| {
            let period = l.split("period ").nth(1)?.split(',').next()?.parse().ok()?;
            let name = l.split("key name ").nth(1)?.split(',').next()?.to_string();
            Some((period, name, l.contains("(disturbed)")))
        })
        .collect();
    let counted: Vec<&(u64, String, bool)> = rounds.iter().filter(|r| !r.2).collect();
    assert_eq!(counted.len(), 4, "{out}");
    assert!(rounds.windows(2).all(|w| w[1].0 > w[0].0), "two rounds in one period: {rounds:?}");

    // Every key in Redis is the key of a round's period (keys live three lifetimes: the first
    // rounds' may be gone, the last one's is there); a counted round's is 36 bytes starting with
    // the name all of that round's tickets carry.
    let keys = redis_keys(port, "*");
    println!("keys in Redis: {keys:?}");
    for key in &keys {
        let period: u64 = key.strip_prefix("race:keys:").and_then(|p| p.parse().ok()).expect("race:keys:PERIOD");
        let (_, name, disturbed) = rounds.iter().find(|r| r.0 == period).expect("a key of a period no round ran in");
        let value = redis_cli(&["-p", &port.to_string()], &["EVAL", NAME_AND_LENGTH, "1", key]);
        let (value_name, length) = value.trim().split_once(' ').expect("NAME LENGTH");
        assert_eq!(length, "36", "{key}");
        assert!(*disturbed || value_name == name, "{key} holds {value_name}, the round's tickets carry {name}");
    }
    let last = counted[counted.len() - 1].0;
    assert!(keys.contains(&format!("race:keys:{last}")), "no key for period {last}: {keys:?}");
    // The race happened: in some period more than one thread found no key and tried to make it.
    let stats = redis_cli(&["-p", &port.to_string()], &["INFO", "commandstats"]);
    let sets: usize = stats
        .lines()
        .find_map(|l| l.strip_prefix("cmdstat_set:calls="))
        .and_then(|l| l.split(',').next()?.parse().ok())
        .unwrap_or(0);
    println!("SET NX attempts: {sets} in {} rounds", rounds.len());
    assert!(sets > rounds.len(), "the threads never raced to make a key ({sets} SET NX in {} rounds)", rounds.len());

    // One round under valgrind (a longer lifetime: valgrind is slow).
    let mut argv: Vec<&str> = memcheck();
    argv.extend_from_slice(&[&race, &url, "key_name=race:valgrind", &crt, &key, "threads=4", "rounds=1", "lifetime=5"]);
    // (The first round under valgrind is slow: valgrind translates the code as it first runs.)
    let (status, out) = run("redis_key_race (valgrind)", &argv, b"", 120);
    println!("under valgrind:\n{out}");
    assert!(status.success() && out.contains("tickets accepted by every context: 16/16"), "{out}");
}
