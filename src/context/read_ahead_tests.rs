//! In-memory tests of the initial handshake taking whole records in one receive
//! (`transport.rs`): a server whose transport can be peeked at, its client's bytes arriving one
//! at a time, a few at a time or all at once, completes full and abbreviated TLS 1.2 and TLS 1.3
//! handshakes, and never takes a byte of the application data the client sends right after its
//! Finished before its own handshake is over.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use super::tests::{MemTransport, Pipe, client_config, with_cache};
use super::transport::Transport;
use super::*;
use crate::config::{TLS1_2, TLS1_3};

/// The server's end of the pipe: only `visible` bytes of what the client sent have arrived; it
/// can be peeked at; receive calls are counted.
struct Trickle {
    rx: Pipe,
    tx: Pipe,
    visible: Rc<Cell<usize>>,
    calls: Rc<Cell<usize>>,
}

impl Trickle {
    fn arrived(&self, want: usize) -> usize {
        want.min(self.visible.get()).min(self.rx.borrow().len())
    }
}

impl Transport for Trickle {
    fn send(&mut self, data: &[u8]) -> Result<usize> {
        self.tx.borrow_mut().extend(data);
        Ok(data.len())
    }
    fn recv(&mut self, buf: &mut [u8], _timeout_ms: u32) -> Result<usize> {
        self.calls.set(self.calls.get() + 1);
        let n = self.arrived(buf.len());
        if n == 0 {
            return Err(Error::SslWantRead);
        }
        let mut rx = self.rx.borrow_mut();
        for b in &mut buf[..n] {
            *b = rx.pop_front().unwrap();
        }
        self.visible.set(self.visible.get() - n);
        Ok(n)
    }
    fn peek(&mut self, buf: &mut Vec<u8>, max: usize, _timeout_ms: u32) -> Option<Result<usize>> {
        self.calls.set(self.calls.get() + 1);
        buf.clear();
        let n = self.arrived(max);
        if n == 0 {
            return Some(Err(Error::SslWantRead));
        }
        buf.extend(self.rx.borrow().iter().take(n));
        Some(Ok(n))
    }
}

const EARLY: &[u8] = b"right after the Finished";

/// One connection: `chunk` more of the client's bytes arrive at each step. The client writes
/// `EARLY` as soon as its handshake is over. Returns (the server resumed, the server's receive
/// calls during its handshake), after checking that the server's handshake left the
/// application data in the pipe and that the server then reads it.
fn connect(server_conf: &Config, offer: Option<&Session>, chunk: usize) -> (bool, usize, Option<Session>) {
    let (to_server, to_client): (Pipe, Pipe) = (Rc::new(RefCell::new(VecDeque::new())), Rc::default());
    let (visible, calls) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let mut client = Context::new(client_config(AuthMode::Required)).unwrap();
    let mut server = Context::new(server_conf.clone()).unwrap();
    client.set_transport(Box::new(MemTransport { rx: to_client.clone(), tx: to_server.clone() }));
    server.set_transport(Box::new(Trickle {
        rx: to_server.clone(),
        tx: to_client,
        visible: visible.clone(),
        calls: calls.clone(),
    }));
    client.set_hostname(Hostname::Name("localhost".into()));
    if let Some(session) = offer {
        client.set_session(session).unwrap();
    }
    let (mut client_done, mut server_done, mut written) = (false, false, 0);
    for _ in 0..20_000 {
        visible.set(visible.get().saturating_add(chunk));
        if !client_done {
            match client.handshake() {
                Ok(()) => client_done = true,
                Err(Error::SslWantRead) => {}
                Err(e) => panic!("client: {e:?}"),
            }
        }
        if client_done && written == 0 {
            written = client.write(EARLY).unwrap();
        }
        if !server_done {
            match server.handshake() {
                Ok(()) => {
                    server_done = true;
                    assert!(!server.has_pending(), "chunk {chunk}: records kept past the handshake");
                    assert_eq!(server.input.ahead_capacity(), 0, "chunk {chunk}: the buffer outlived the handshake");
                    if written != 0 {
                        let left = to_server.borrow().len();
                        assert!(left >= 5 + EARLY.len(), "chunk {chunk}: application data taken ({left} bytes left)");
                    }
                }
                Err(Error::SslWantRead) => {}
                Err(e) => panic!("server (chunk {chunk}): {e:?}"),
            }
        }
        if client_done && server_done && written != 0 {
            break;
        }
    }
    assert!(client_done && server_done && written == EARLY.len(), "chunk {chunk}: no handshake");
    let handshake_calls = calls.get();
    visible.set(usize::MAX);
    let mut buf = [0u8; 64];
    let n = server.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], EARLY);
    // TLS 1.3: the ticket reaches the client with the server's next record.
    server.write(b"x").unwrap();
    loop {
        match client.read(&mut buf) {
            Ok(_) => break,
            Err(Error::SslReceivedNewSessionTicket) => continue,
            Err(e) => panic!("{e:?}"),
        }
    }
    (server.resumed(), handshake_calls, client.export_session(true).ok())
}

#[test]
fn handshakes_complete_with_the_peer_bytes_split_anywhere_and_leave_the_application_data() {
    for (name, version, cache, tickets) in [
        ("TLS 1.2, session ID", TLS1_2, true, false),
        ("TLS 1.2, ticket", TLS1_2, false, true),
        ("TLS 1.3", TLS1_3, false, true),
    ] {
        let conf = with_cache(version, version, cache, tickets);
        for chunk in [1, 2, 3, 5, 8, 64, 1000, usize::MAX] {
            let (resumed, _, session) = connect(&conf, None, chunk);
            assert!(!resumed, "{name}");
            let (resumed, calls, _) = connect(&conf, session.as_ref(), chunk);
            assert!(resumed, "{name}, chunk {chunk}: not resumed");
            if chunk == usize::MAX && version == TLS1_2 {
                // The ClientHello, then ChangeCipherSpec + Finished: a peek and a receive each
                // (header and body each: 6), plus the peeks that found nothing yet.
                assert!(calls <= 6, "{name}: {calls} receive calls for the abbreviated handshake");
            }
        }
    }
}
