//! DNS resolution spends the probe's one `--timeout`, it does not get a budget of its own:
//! a DNS server that answers slowly, followed by a target that never answers TLS, still ends
//! the whole probe by the deadline.
//!
//! The DNS server here is a thread on 127.0.0.1 that answers every query after a delay (A:
//! 127.0.0.1, anything else: an empty answer). `--dnssec off` lets a server without
//! signatures answer; the budget under test is the same with validation on. The server and
//! the silent TLS target stop by themselves, so a probe that overruns its deadline ends
//! (late, and the test says so) instead of hanging the run.

mod common;

use std::net::{TcpListener, UdpSocket};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The probe's `--timeout`, in seconds.
const TIMEOUT: u64 = 3;
/// How long each DNS answer is held back: the resolution takes about two of the three
/// seconds, so that a probe which started a fresh timeout for the targets after DNS would
/// overrun the deadline by seconds (5.2 s measured).
const DNS_DELAY: Duration = Duration::from_secs(1);
/// How long the servers go on: well past the deadline.
const SERVE_FOR: Duration = Duration::from_secs(TIMEOUT + 6);

/// A DNS answer to `query` (RFC 1035 §4.1): the question copied, for an A question one A
/// record 127.0.0.1, for any other type no answer (NOERROR, NODATA). `None` for a packet that
/// is not a one-question query.
fn answer(query: &[u8]) -> Option<Vec<u8>> {
    if query.len() < 12 || query[4..6] != [0, 1] {
        return None;
    }
    // The question: the name's labels, then QTYPE and QCLASS.
    let mut end = 12;
    while *query.get(end)? != 0 {
        end += 1 + usize::from(query[end]);
    }
    let question = query.get(12..end + 5)?;
    let qtype = u16::from_be_bytes([question[question.len() - 4], question[question.len() - 3]]);
    let is_a = qtype == 1;
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&query[0..2]); // ID
    out.extend_from_slice(&[0x81 | (query[2] & 0x01), 0x80]); // QR, RD copied, RA; NOERROR
    out.extend_from_slice(&[0, 1, 0, u8::from(is_a), 0, 0, 0, 0]);
    out.extend_from_slice(question);
    if is_a {
        // The name by pointer to offset 12, A, IN, TTL 60, 4 octets.
        out.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
    }
    Some(out)
}

/// Answers every query on `socket` after `DNS_DELAY`, until `SERVE_FOR` has passed.
fn slow_dns(socket: &UdpSocket) {
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 1500];
    while started.elapsed() < SERVE_FOR {
        let Ok((n, from)) = socket.recv_from(&mut buf) else {
            continue;
        };
        // Each answer on a thread of its own: the resolver asks A and AAAA (and repeats a
        // query) without waiting, and a server answering one at a time would turn the delay
        // into a resolution timeout instead of a slow answer.
        if let (Some(reply), Ok(sender)) = (answer(&buf[..n]), socket.try_clone()) {
            std::thread::spawn(move || {
                std::thread::sleep(DNS_DELAY);
                let _ = sender.send_to(&reply, from);
            });
        }
    }
}

/// A TCP listener that accepts and then says nothing until `SERVE_FOR` has passed.
fn silent_tls(listener: &TcpListener) {
    listener.set_nonblocking(true).unwrap();
    let started = Instant::now();
    let mut held = Vec::new();
    while started.elapsed() < SERVE_FOR {
        if let Ok((sock, _)) = listener.accept() {
            held.push(sock);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn slow_dns_and_a_silent_target_share_one_deadline() {
    let dns = UdpSocket::bind("127.0.0.1:0").unwrap();
    let dns_addr = dns.local_addr().unwrap();
    // The server threads end by themselves; the test does not wait for them.
    std::thread::spawn(move || slow_dns(&dns));
    let tls = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tls.local_addr().unwrap().port();
    std::thread::spawn(move || silent_tls(&tls));

    let aus = format!("sips:slow.example:{port}");
    let started = Instant::now();
    let r = common::sipcert(&[
        "probe",
        "--json",
        &aus,
        "--dns-server",
        &dns_addr.to_string(),
        "--dnssec",
        "off",
        "--timeout",
        &TIMEOUT.to_string(),
    ]);
    let elapsed = started.elapsed();
    let out = r.output();
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);

    assert!(
        elapsed <= Duration::from_secs(TIMEOUT + 1),
        "the probe took {elapsed:?} with --timeout {TIMEOUT} (slow DNS, silent target): {out}"
    );
    assert_eq!((r.code, &v["verdict"]), (1, &"reject".into()), "{out}");
    // DNS answered (slowly): the target was reached and its handshake ran out of time, or
    // the deadline already passed during DNS. Either way the probe kept its one deadline.
    let code = v["targets"][0]["reasons"][0]["code"]
        .as_str()
        .or_else(|| v["reasons"][0]["code"].as_str())
        .unwrap_or_default();
    assert!(
        matches!(
            code,
            "tls-handshake-failed" | "connect-failed" | "dns-failure"
        ),
        "unexpected code {code:?}: {out}"
    );
}
