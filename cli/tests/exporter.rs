//! `sipcert exporter`: started on a free port, scraped over HTTP like Prometheus would: an
//! allowed target's `/probe` answer passes `promtool check metrics` and shows the probe's
//! samples; a target off the allow-list gets 403 and is not probed; `/metrics` counts the
//! requests; a bad request gets 400, an unknown path 404.
//!
//! The target is `openssl s_server` on 127.0.0.1 with a `sip:localhost` leaf.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use sipcert_testkit::pki::{LeafSpec, PemPki};
use sipcert_testkit::programs::{self, KillOnDrop};

/// `GET path` on `addr`: the status code and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    get_with(addr, path, "")
}

/// `GET path` on `addr` with `headers` (each ending in CRLF): the status code and the body.
fn get_with(addr: &str, path: &str, headers: &str) -> (u16, String) {
    let mut sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(sock, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n{headers}\r\n").unwrap();
    let mut answer = String::new();
    sock.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// Starts the exporter with `args`: the process and its `host:port`.
fn exporter(args: &[&str]) -> (KillOnDrop, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipcert"))
        .args(["exporter", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let guard = KillOnDrop(child);
    let addr = line
        .trim()
        .strip_prefix("sipcert exporter listening on http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    (guard, addr)
}

#[test]
fn scrape_allowed_and_denied() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = PemPki::new("exporter", LeafSpec::new().uri("sip:localhost"), false);
    let (_server, port) = programs::openssl_server(&pki, &[]);
    let allowed = format!("sips:localhost:{port}");
    let (_exporter, addr) = exporter(&[
        "--roots",
        &pki.path("root.pem"),
        "--dnssec",
        "off",
        "--timeout",
        "5",
        "--allow",
        "sips:*.example.com",
        &allowed,
    ]);
    let (status, body) = get(&addr, &format!("/probe?target=sips%3Alocalhost%3A{port}"));
    assert_eq!(status, 200, "{body}");
    common::promtool_check(&body);
    let success =
        format!("sipcert_probe_success{{domain=\"{allowed}\",target=\"localhost:{port}\"}} 1");
    assert!(
        body.lines().any(|l| l == success),
        "{success} not in\n{body}"
    );
    let cases = [
        ("/probe?target=sips:127.0.0.1:1", 403),
        ("/probe?target=sips:localhost:1", 403),
        ("/probe?target=sips:evil.org;x=.example.com", 403),
        ("/probe?target=not%20a%20uri", 400),
        ("/probe", 400),
        ("/nothing", 404),
    ];
    for (path, want) in cases {
        let (status, body) = get(&addr, path);
        assert_eq!(status, want, "{path}: {body}");
    }
    let (status, metrics) = get(&addr, "/metrics");
    assert_eq!(status, 200, "{metrics}");
    common::promtool_check(&metrics);
    for line in [
        "sipcert_exporter_requests_total{path=\"/probe\",code=\"200\"} 1",
        "sipcert_exporter_requests_total{path=\"/probe\",code=\"403\"} 3",
        "sipcert_exporter_requests_total{path=\"/probe\",code=\"400\"} 2",
        "sipcert_exporter_probes_total{verdict=\"accept\"} 1",
        "sipcert_exporter_probes_total{verdict=\"reject\"} 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "{line} not in\n{metrics}"
        );
    }
}

/// A target that never answers TLS: the scrape is answered within Prometheus's scrape timeout
/// (the `X-Prometheus-Scrape-Timeout-Seconds` header, 1 s here, under `--timeout 10`), with
/// success 0 and the code.
#[test]
fn scrape_timeout_bounds_a_silent_target() {
    let pki = PemPki::new(
        "exporter-silent",
        LeafSpec::new().uri("sip:localhost"),
        false,
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for sock in listener.incoming().flatten().take(4) {
            held.push(sock);
        }
        std::thread::sleep(Duration::from_secs(15));
    });
    let allowed = format!("sips:localhost:{port}");
    let (_exporter, addr) = exporter(&[
        "--roots",
        &pki.path("root.pem"),
        "--dnssec",
        "off",
        "--timeout",
        "10",
        &allowed,
    ]);
    let started = std::time::Instant::now();
    let (status, body) = get_with(
        &addr,
        &format!("/probe?target={allowed}"),
        "X-Prometheus-Scrape-Timeout-Seconds: 1\r\n",
    );
    let elapsed = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert!(
        elapsed < Duration::from_millis(2500),
        "took {elapsed:?}: {body}"
    );
    let failure = format!(
        "sipcert_probe_failure_info{{domain=\"{allowed}\",target=\"localhost:{port}\",code=\"tls-handshake-failed\"}} 1"
    );
    assert!(
        body.lines().any(|l| l == failure),
        "{failure} not in\n{body}"
    );
    common::promtool_check(&body);
}

/// The probe's output options make no sense for the exporter: a usage error, before listening.
#[test]
fn output_options_refused() {
    for flag in [&["--json"][..], &["--nagios"], &["--format", "html"]] {
        let mut args = vec!["exporter", "--listen", "127.0.0.1:0", "sips:example.com"];
        args.extend_from_slice(flag);
        let (code, out, err) = common::sipcert_stdin(&args, "");
        assert_eq!(code, 2, "{flag:?}: {out}{err}");
        assert!(
            err.contains("Prometheus text format only"),
            "{flag:?}: {err}"
        );
    }
}
