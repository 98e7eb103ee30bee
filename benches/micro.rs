//! Micro-benchmarks (a plain harness, run by scripts/bench.py): the session cache at 50, 10^4
//! and 10^6 entries against a linked list of the same shape as Mbed TLS's `ssl_cache.c`
//! (walked on every get and set), session save/load, and ticket write/parse.
//! Prints one line per measurement: `micro <name> <nanoseconds per operation>`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use mbedtls::internals::{Endpoint, Session, SessionCache, TicketAead, TicketKeys, now_ms, now_secs};

/// Mbed TLS's cache shape: a singly linked list searched from the head.
struct ListCache {
    head: Option<Box<ListEntry>>,
    max: usize,
}

struct ListEntry {
    id: Vec<u8>,
    timestamp: u64,
    session: Vec<u8>,
    next: Option<Box<ListEntry>>,
}

impl ListCache {
    fn get(&self, id: &[u8]) -> Option<&[u8]> {
        let mut cur = self.head.as_deref();
        while let Some(e) = cur {
            if e.id == id {
                return Some(&e.session);
            }
            cur = e.next.as_deref();
        }
        None
    }

    fn set(&mut self, id: &[u8], session: &[u8]) {
        // Walk the whole list (match by ID, count entries, find the oldest), as Mbed TLS does.
        let mut count = 0;
        let mut cur = self.head.as_deref_mut();
        let mut oldest_ts = u64::MAX;
        while let Some(e) = cur {
            if e.id == id {
                e.session = session.to_vec();
                return;
            }
            oldest_ts = oldest_ts.min(e.timestamp);
            count += 1;
            cur = e.next.as_deref_mut();
        }
        if count >= self.max {
            if let Some(mut old) = self.head.take() {
                self.head = old.next.take();
            }
        }
        let mut slot = &mut self.head;
        while let Some(e) = slot {
            slot = &mut e.next;
        }
        *slot = Some(Box::new(ListEntry {
            id: id.to_vec(),
            timestamp: count as u64,
            session: session.to_vec(),
            next: None,
        }));
    }
}

fn sample() -> Session {
    Session {
        endpoint: Endpoint::Server,
        version: 0x0303,
        suite: 0xC02B,
        start: now_secs(),
        verify_result: 0,
        id: vec![7; 32],
        server_name: "localhost".into(),
        peer_cert: Vec::new(),
        value: vec![0x5A; 120],
        ticket_lifetime: 0,
        ticket_time_ms: now_ms(),
    }
}

/// Runs `f` repeatedly for about `budget` and returns nanoseconds per call.
fn measure(budget: Duration, mut f: impl FnMut(u64)) -> f64 {
    let mut n = 0u64;
    let start = Instant::now();
    while start.elapsed() < budget {
        for _ in 0..64 {
            f(n);
            n += 1;
        }
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

fn id_of(i: u64) -> [u8; 32] {
    let mut id = [0u8; 32];
    id[..8].copy_from_slice(&i.to_be_bytes());
    id[8..16].copy_from_slice(&i.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes());
    id
}

fn main() {
    let budget = Duration::from_millis(400);
    let s = sample();
    let blob = s.save().unwrap();
    let save = measure(budget, |_| {
        black_box(s.save().unwrap());
    });
    let load = measure(budget, |_| {
        black_box(Session::load(&blob).unwrap());
    });
    println!("micro session_save {save:.0}");
    println!("micro session_load {load:.0}");
    println!("micro session_size {}", blob.len());

    let keys = TicketKeys::new(TicketAead::Aes256Gcm, 86400).unwrap();
    let (ticket, _) = keys.write(&s).unwrap();
    let write = measure(budget, |_| {
        black_box(keys.write(&s).unwrap());
    });
    let parse = measure(budget, |_| {
        black_box(keys.parse(&ticket).unwrap());
    });
    println!("micro ticket_write {write:.0}");
    println!("micro ticket_parse {parse:.0}");
    for &size in &[50u64, 10_000, 1_000_000] {
        let cache = SessionCache::new(86400, 50);
        cache.set_max_entries(size as usize);
        for i in 0..size {
            cache.set(&id_of(i), &s).unwrap();
        }
        let get = measure(budget, |n| {
            black_box(cache.get(&id_of(n % size)).ok());
        });
        let set = measure(budget, |n| {
            cache.set(&id_of(n % size), &s).unwrap();
        });
        println!("micro cache_get_{size} {get:.0}");
        println!("micro cache_set_{size} {set:.0}");

        let mut list = ListCache { head: None, max: size as usize };
        for i in 0..size {
            // Building 10^6 entries through `set` would take hours (that is the point): prepend.
            let old = list.head.take();
            list.head =
                Some(Box::new(ListEntry { id: id_of(i).to_vec(), timestamp: i, session: blob.clone(), next: old }));
        }
        let list_budget = if size >= 1_000_000 { Duration::from_millis(1500) } else { budget };
        let get = measure(list_budget, |n| {
            // Uniformly random keys: on average half the list is walked.
            black_box(list.get(&id_of(n.wrapping_mul(2_654_435_761) % size)));
        });
        let set = measure(list_budget, |n| {
            list.set(&id_of(n.wrapping_mul(2_654_435_761) % size), &blob);
        });
        println!("micro list_get_{size} {get:.0}");
        println!("micro list_set_{size} {set:.0}");
        // Drop long lists iteratively (the recursive Box drop would overflow the stack).
        let mut cur = list.head.take();
        while let Some(mut e) = cur {
            cur = e.next.take();
        }
    }
}
