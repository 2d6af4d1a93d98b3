//! `sipcert probe --timeout` is one deadline for the whole probe: a server that trickles its
//! handshake or its OPTIONS response one byte a second cannot keep the probe running, because
//! every read and write gets only the time left, not a fresh timeout.
//!
//! The servers here are threads on 127.0.0.1 that stop by themselves a few seconds after the
//! probe's deadline, so a probe that ignores its deadline ends too (late, and the test says
//! so) instead of hanging the test run.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use sipcert_testkit::pki::PemPki;

/// The probe's `--timeout`, in seconds.
const TIMEOUT: u64 = 2;
/// How long a trickling server goes on: well past the probe's deadline, so that a probe
/// that renews its timeout on every byte is still running when the bound is checked.
const TRICKLE_FOR: Duration = Duration::from_secs(TIMEOUT + 5);

/// Runs `sipcert` and measures the wall-clock of the whole process.
fn timed<S: AsRef<str>>(args: &[S]) -> (i32, Value, String, Duration) {
    let started = Instant::now();
    let (code, v, out) = common::run(args);
    (code, v, out, started.elapsed())
}

/// The bound of the behaviour under test: the deadline plus one second for process start,
/// certificate checks and the report.
fn assert_within_deadline(elapsed: Duration, out: &str) {
    assert!(
        elapsed <= Duration::from_secs(TIMEOUT + 1),
        "the probe took {elapsed:?} with --timeout {TIMEOUT}: {out}"
    );
}

/// Writes one byte a second to `sock` until `TRICKLE_FOR` has passed or the peer is gone.
fn trickle<W: FnMut(u8) -> std::io::Result<()>>(mut write_byte: W, bytes: &[u8]) {
    let started = Instant::now();
    for &b in bytes.iter().cycle() {
        if started.elapsed() >= TRICKLE_FOR || write_byte(b).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The first connection to `listener`, if one comes within `TRICKLE_FOR` (so that a server
/// thread ends even when the probe never connects), with a read timeout.
fn accept(listener: &TcpListener) -> Option<TcpStream> {
    listener.set_nonblocking(true).ok()?;
    let started = Instant::now();
    while started.elapsed() < TRICKLE_FOR {
        match listener.accept() {
            Ok((sock, _)) => {
                sock.set_nonblocking(false).ok()?;
                sock.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
                return Some(sock);
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(_) => return None,
        }
    }
    None
}

/// A TCP server that reads the ClientHello, announces a 16 KiB handshake record and then
/// sends its body one byte a second.
fn trickling_handshake_server() -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let Some(mut sock) = accept(&listener) else {
            return;
        };
        let mut hello = [0u8; 4096];
        if sock.read(&mut hello).is_err() {
            return;
        }
        // A TLS 1.2 handshake record of 0x4000 bytes: the client waits for all of them.
        if sock.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00]).is_err() {
            return;
        }
        trickle(|b| sock.write_all(&[b]), &[0]);
    });
    (port, server)
}

#[test]
fn handshake_trickle_ends_at_deadline() {
    let pki = common::example_pki("deadline-handshake");
    let (port, server) = trickling_handshake_server();
    let (code, v, out, elapsed) = timed(&common::probe_local(
        "sips:example.com",
        port,
        &pki,
        &["--timeout", &TIMEOUT.to_string()],
    ));
    assert_within_deadline(elapsed, &out);
    assert_eq!((code, &v["verdict"]), (1, &"reject".into()), "{out}");
    assert_eq!(v["reasons"][0]["code"], "tls-handshake-failed", "{out}");
    let message = v["reasons"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("deadline reached during the TLS handshake"),
        "{out}"
    );
    assert_eq!(v["tls"], Value::Null, "{out}");
    server.join().unwrap();
}

/// A rustls server with `pki`'s chain that completes the handshake, then sends a SIP
/// response one byte a second (one TLS record each) that never reaches its CRLF.
fn trickling_options_server(pki: &PemPki) -> (u16, JoinHandle<()>) {
    let config = common::server_config(pki);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let Some(mut sock) = accept(&listener) else {
            return;
        };
        let mut conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        while conn.is_handshaking() {
            if conn.complete_io(&mut sock).is_err() {
                return;
            }
        }
        trickle(
            |b| {
                conn.writer().write_all(&[b])?;
                while conn.wants_write() {
                    conn.write_tls(&mut sock)?;
                }
                Ok(())
            },
            b"SIP/2.0 200 OK",
        );
    });
    (port, server)
}

#[test]
fn options_trickle_ends_at_deadline() {
    let pki = common::example_pki("deadline-options");
    let (port, server) = trickling_options_server(&pki);
    let (code, v, out, elapsed) = timed(&common::probe_local(
        "sips:example.com",
        port,
        &pki,
        &["--options", "--timeout", &TIMEOUT.to_string()],
    ));
    assert_within_deadline(elapsed, &out);
    // The certificate and the handshake passed; the OPTIONS exchange ran out of time.
    assert_eq!((code, &v["verdict"]), (0, &"accept".into()), "{out}");
    assert_eq!(v["options"]["status"], Value::Null, "{out}");
    let reason = v["options"]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("deadline reached during OPTIONS"), "{out}");
    server.join().unwrap();
}

/// A DNS server that never answers keeps the resolution waiting until its budget, which is
/// the probe's deadline: the probe ends then with `dns-failure`.
#[test]
fn silent_dns_ends_at_deadline() {
    let pki = common::example_pki("deadline-dns");
    // Bound, never read: every query stays unanswered.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dns = silent.local_addr().unwrap();
    let (code, v, out, elapsed) = timed(&[
        "probe",
        "--json",
        "sips:example.com",
        "--dns-server",
        &dns.to_string(),
        "--roots",
        &pki.path("root.pem"),
        "--timeout",
        &TIMEOUT.to_string(),
    ]);
    assert_within_deadline(elapsed, &out);
    assert_eq!((code, &v["verdict"]), (1, &"reject".into()), "{out}");
    assert_eq!(v["reasons"][0]["code"], "dns-failure", "{out}");
    assert_eq!(v["targets"], serde_json::json!([]), "{out}");
    drop(silent);
}
