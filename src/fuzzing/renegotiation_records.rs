//! The TLS 1.2 renegotiation engine (`src/renegotiation/`) fed records by a peer that the
//! fuzzer controls. Two connections are built from the same `TestParts`, so records sealed by
//! one decrypt at the other: sealed fuzzer records get past the MAC and reach the handshake,
//! alert and ChangeCipherSpec parsers, while the honest connection on the other side can run
//! real abbreviated and full renegotiations that the fuzzer interleaves with its own records.
//!
//! Invariants: no panic; an `Err` from `process_record` has queued a fatal alert (the output
//! grew) unless it is the peer's own fatal alert (`SslFatalAlertMessage`). After an `Err` the
//! connection is over: the input stops.
//!
//! Input: one configuration byte, then operations (see [`operations`]).

use rustls::crypto::CipherSuite;
use rustls::enums::ContentType;

use super::{Input, policy};
use crate::config::{AuthMode, Endpoint};
use crate::error::Error;
use crate::renegotiation::{Outcome, Policy, TestParts, Tls12Connection};

pub fn run(data: &[u8]) {
    let _ = operations(data);
}

/// One side of the connection: its TLS 1.2 connection, its policy, and what it sent that the
/// other side has not read yet.
struct Side {
    name: &'static str,
    connection: Tls12Connection,
    policy: Policy,
    unread: Vec<u8>,
}

/// The connection is over (a side returned an error).
struct Closed;

/// The invariant on one `process_record` result. `Err(Closed)` on any error.
fn check(
    who: &str,
    result: &Result<Outcome, Error>,
    record_len: usize,
    out_before: usize,
    out_after: usize,
) -> Result<(), Closed> {
    let Err(e) = result else { return Ok(()) };
    // The peer's own fatal alert needs no answer; every other error is answered with one.
    assert!(
        *e == Error::SslFatalAlertMessage || out_after > out_before,
        "{who}: {e:?} without a fatal alert queued (record of {record_len} bytes)"
    );
    Err(Closed)
}

/// Hands every record `from` sent to `to`; `to`'s replies go to its own `unread`.
fn deliver(from: &mut Side, to: &mut Side) -> Result<(), Closed> {
    let mut wire = std::mem::take(&mut from.unread);
    let mut rest = &mut wire[..];
    let mut plain = Vec::new();
    while rest.len() >= 5 {
        let len = (5 + usize::from(u16::from_be_bytes([rest[3], rest[4]]))).min(rest.len());
        let (record, tail) = rest.split_at_mut(len);
        rest = tail;
        let before = to.unread.len();
        let result = to.connection.process_record(record, &to.policy, &mut to.unread, &mut plain);
        check(to.name, &result, len, before, to.unread.len())?;
    }
    Ok(())
}

/// Configuration byte: bit 0 server resumption in renegotiation, bit 1 the engine under test is
/// the client (else the server), bits 2-3 the server's authmode (none, optional, required),
/// bits 4-5 the suite of the "initial handshake", bit 6 a grace of 2 records instead of 16 for
/// unanswered renegotiation requests, bit 7 client resumption (answering a HelloRequest).
///
/// Operations (first byte mod 6):
/// 0. the fuzzer's peer seals a record: content type byte, u16 length, payload; it reaches the
///    engine under test after anything the honest peer sent before (sequence numbers match);
/// 1. a raw record: u16 length, bytes (header included, nothing sealed);
/// 2. a renegotiation begins, per a flag byte (bit 0: abbreviated): under test the server, the
///    honest client sends a ClientHello; under test the client, it sends one itself (bit 1
///    clear) or the honest server sends a HelloRequest (bit 1 set). Only the first
///    `MAX_STARTS` of an input do anything: a full renegotiation costs about a millisecond of
///    public-key operations, and inputs with hundreds of them slowed fuzzing to ~100 exec/s;
/// 3. what the engine under test sent is delivered to the honest peer;
/// 4. what the honest peer sent is delivered to the engine under test;
/// 5. both directions are delivered until neither side has anything to send.
fn operations(data: &[u8]) -> Result<(), Closed> {
    const MAX_STARTS: u32 = 4;
    let mut starts = 0;
    let mut input = Input(data);
    let Some(config) = input.u8() else { return Ok(()) };
    let resumption = config & 1 != 0;
    let client_under_test = config & 2 != 0;
    let authmode = [AuthMode::None, AuthMode::Optional, AuthMode::Required][usize::from(config >> 2 & 3).min(2)];
    let suite = [
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ][usize::from(config >> 4 & 3)];
    let enforced = if config & 0x40 != 0 { 2 } else { 16 };
    let parts = TestParts { suite, ..TestParts::default() };
    let side = |name, role, side_policy| Side {
        name,
        connection: Tls12Connection::from_parts(role, &parts).expect("connection from parts"),
        policy: side_policy,
        unread: Vec::new(),
    };
    let server = side("server", Endpoint::Server, policy(Endpoint::Server, resumption, authmode, enforced));
    let client =
        side("client", Endpoint::Client, policy(Endpoint::Client, config & 0x80 != 0, AuthMode::Required, enforced));
    let (mut uut, mut peer) = if client_under_test { (client, server) } else { (server, client) };
    while let Some(op) = input.u8() {
        match op % 6 {
            0 => {
                let typ = input.u8().unwrap_or(0);
                let payload = input.bytes();
                peer.connection.write_record(ContentType(typ), payload, &mut peer.unread).expect("seal");
                deliver(&mut peer, &mut uut)?;
            }
            1 => {
                let mut record = input.bytes().to_vec();
                let before = uut.unread.len();
                let result = uut.connection.process_record(&mut record, &uut.policy, &mut uut.unread, &mut Vec::new());
                check(uut.name, &result, record.len(), before, uut.unread.len())?;
            }
            2 => {
                let flags = input.u8().unwrap_or(0);
                let abbreviated = flags & 1 != 0;
                starts += 1;
                if starts > MAX_STARTS {
                    continue;
                }
                if !client_under_test {
                    peer.connection.start_client(abbreviated, &peer.policy, &mut peer.unread).expect("ClientHello");
                    deliver(&mut peer, &mut uut)?;
                } else if flags & 2 == 0 {
                    uut.connection.start_client(abbreviated, &uut.policy, &mut uut.unread).expect("ClientHello");
                } else {
                    peer.connection.send_hello_request(&mut peer.unread).expect("HelloRequest");
                    deliver(&mut peer, &mut uut)?;
                }
            }
            3 => deliver(&mut uut, &mut peer)?,
            4 => deliver(&mut peer, &mut uut)?,
            _ => {
                for _ in 0..16 {
                    if uut.unread.is_empty() && peer.unread.is_empty() {
                        break;
                    }
                    deliver(&mut uut, &mut peer)?;
                    deliver(&mut peer, &mut uut)?;
                }
            }
        }
    }
    Ok(())
}
