//! `sipcert probe` over many domains: the command line's AUSes and `--file` (comments, blank
//! lines, `-` for stdin) probed by `--jobs` workers within one `--deadline`; each domain
//! reported with its own code (a bad line names FILE:LINE) while the others are still
//! probed; a summary per verdict, grade and reason.
//!
//! The targets are on 127.0.0.1: `openssl s_server` with a certificate for `sip:localhost`
//! (`sips:localhost:PORT` resolves through the hosts file, `--dnssec off`), a listener that
//! never answers, and one that closes the connection in the middle of the handshake. Every
//! server stops by itself, so a probe that overruns its deadline ends (late, and the test says
//! so) instead of hanging the run.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;
use sipcert_testkit::pki::{LeafSpec, PemPki};
use sipcert_testkit::programs;

/// How long the hand-written servers go on: past every deadline of these tests.
const SERVE_FOR: Duration = Duration::from_secs(12);

/// A PKI whose leaf is `sip:localhost`.
fn localhost_pki(name: &str) -> PemPki {
    PemPki::new(name, LeafSpec::new().uri("sip:localhost"), false)
}

/// A listener on 127.0.0.1 that accepts connections for `SERVE_FOR` and hands each to
/// `serve` (on the listener's thread, one at a time).
fn server<F: FnMut(std::net::TcpStream) + Send + 'static>(mut serve: F) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let handle = std::thread::spawn(move || {
        let started = Instant::now();
        let mut held = Vec::new();
        while started.elapsed() < SERVE_FOR {
            match listener.accept() {
                Ok((sock, _)) => {
                    let _ = sock.set_nonblocking(false);
                    let _ = sock.set_read_timeout(Some(Duration::from_secs(1)));
                    if let Ok(copy) = sock.try_clone() {
                        held.push(copy);
                    }
                    serve(sock);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    });
    (port, handle)
}

/// A server that accepts TCP and never says anything (the connections are held open).
fn silent_server() -> (u16, JoinHandle<()>) {
    server(|_| {})
}

/// A server that reads the ClientHello, sends the first 5 bytes of a ServerHello record
/// announcing 80 bytes, then closes the connection.
fn closing_server() -> (u16, JoinHandle<()>) {
    server(|mut sock| {
        let mut hello = [0u8; 2048];
        let _ = sock.read(&mut hello);
        let _ = sock.write_all(&[0x16, 0x03, 0x03, 0x00, 0x50, 0x02]);
        let _ = sock.shutdown(std::net::Shutdown::Both);
    })
}

/// A scratch file with `text`.
fn scratch(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("sipcert-fleet-{name}-{}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// `sipcert probe ARGS` with `stdin` as standard input: exit status, stdout, stderr and how
/// long it took.
fn probe(args: &[&str], stdin: &str) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let mut all = vec!["probe"];
    all.extend_from_slice(args);
    let (code, out, err) = common::sipcert_stdin(&all, stdin);
    (code, out, err, started.elapsed())
}

/// The domain object of `aus` in a fleet JSON report.
fn domain<'a>(v: &'a Value, aus: &str) -> &'a Value {
    v["domains"]
        .as_array()
        .and_then(|d| d.iter().find(|d| d["domain"] == aus))
        .unwrap_or_else(|| panic!("no domain {aus} in {v}"))
}

/// The first reason code of a domain: its own, else its first target's.
fn first_code(d: &Value) -> String {
    let own = d["reasons"][0]["code"].as_str().unwrap_or_default();
    let code = if own == "target-rejected" || own.is_empty() {
        d["targets"][0]["reasons"][0]["code"]
            .as_str()
            .unwrap_or_default()
    } else {
        own
    };
    code.to_owned()
}

/// One domain of the mixed file: its verdict, its origin FILE:LINE, its code and grade.
fn assert_domain(d: &Value, origin: &str, verdict: &str, want_code: Option<&str>) {
    assert_eq!(d["verdict"], *verdict, "{d}");
    assert_eq!(d["origin"].as_str(), Some(origin), "{d}");
    match want_code {
        Some(c) => {
            assert_eq!(first_code(d), c, "{d}");
            assert_eq!(d["grade"], "F", "{d}");
        }
        None => assert_ne!(d["grade"], "F", "{d}"),
    }
    if want_code == Some("target-invalid") {
        let message = d["reasons"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(&format!("{origin}:")), "{d}");
    }
}

/// A file with comments, blank lines, two lines that are no AUS, an accepted target, a
/// target that never answers and one that closes mid-handshake: each domain gets its own
/// verdict and code, the bad lines name FILE:LINE, and the run ends by the per-domain
/// deadline.
#[test]
fn file_of_mixed_targets() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = localhost_pki("fleet-mixed");
    let (_server, good) = programs::openssl_server(&pki, &[]);
    let (silent, _silent_thread) = silent_server();
    let (closing, _closing_thread) = closing_server();
    let list = format!(
        "# trunks\n\nsips:localhost:{good}\nnot a uri!!\n  localhost:{silent}  \n\
         sips:localhost:{closing}\nsip:user@\n"
    );
    let file = scratch("mixed", &list);
    let file_text = file.display().to_string();
    let (code, out, err, elapsed) = probe(
        &[
            "--json",
            "--file",
            &file_text,
            "--roots",
            &pki.path("root.pem"),
            "--dnssec",
            "off",
            "--timeout",
            "3",
            "--jobs",
            "4",
        ],
        "",
    );
    assert!(
        elapsed < Duration::from_secs(6),
        "took {elapsed:?}: {out}{err}"
    );
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let cases = [
        (format!("sips:localhost:{good}"), "accept", None, "3"),
        (
            "not a uri!!".to_owned(),
            "reject",
            Some("target-invalid"),
            "4",
        ),
        (
            format!("sips:localhost:{silent}"),
            "reject",
            Some("tls-handshake-failed"),
            "5",
        ),
        (
            format!("sips:localhost:{closing}"),
            "reject",
            Some("tls-handshake-failed"),
            "6",
        ),
        (
            "sip:user@".to_owned(),
            "reject",
            Some("target-invalid"),
            "7",
        ),
    ];
    for (aus, verdict, want_code, line) in &cases {
        assert_domain(
            domain(&v, aus),
            &format!("{file_text}:{line}"),
            verdict,
            *want_code,
        );
    }
    let s = &v["summary"];
    assert_eq!(
        (s["domains"].as_u64(), s["domains_accepted"].as_u64()),
        (Some(5), Some(1)),
        "{s}"
    );
    assert_eq!(s["grades"][0][0], "F", "worst first: {s}");
    std::fs::remove_file(file).unwrap();
}

/// `--file -` reads standard input; the command line's AUSes come too; the text output has
/// one line per target and the summary; all accepted: exit 0.
#[test]
fn stdin_and_arguments_text() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = localhost_pki("fleet-stdin");
    let (_server, good) = programs::openssl_server(&pki, &[]);
    let aus = format!("sips:localhost:{good}");
    let (code, out, err, _) = probe(
        &[
            &aus,
            "--file",
            "-",
            "--roots",
            &pki.path("root.pem"),
            "--dnssec",
            "off",
        ],
        &format!("# from stdin\nlocalhost:{good}\n"),
    );
    assert_eq!(code, 0, "{out}{err}");
    let accepted = out.lines().filter(|l| l.starts_with("ACCEPT ")).count();
    assert_eq!(accepted, 2, "{out}");
    assert!(out.contains("domains: 0 rejected, 2 accepted"), "{out}");
    assert!(out.contains("overall: ACCEPT (2 domain(s)"), "{out}");
    assert!(err.is_empty(), "no progress bar off a terminal: {err}");
}

/// `--deadline` ends the whole run: with 2 workers, 2 s per domain and 3 s for the run, the
/// 8 silent domains cannot all be probed; the late ones are `deadline-reached`, every domain
/// is still reported, and the run ends by the deadline.
#[test]
fn deadline_bounds_the_run() {
    let pki = localhost_pki("fleet-deadline");
    let (silent, _silent_thread) = silent_server();
    let list = format!("sips:127.0.0.1:{silent}\n").repeat(8);
    let (code, out, err, elapsed) = probe(
        &[
            "--json",
            "--file",
            "-",
            "--roots",
            &pki.path("root.pem"),
            "--timeout",
            "2",
            "--deadline",
            "3",
            "--jobs",
            "2",
            "--allow-ip-literals",
        ],
        &list,
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "took {elapsed:?} with --deadline 3: {out}{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!(code, 1, "{out}");
    let domains = v["domains"].as_array().unwrap();
    assert_eq!(domains.len(), 8, "{out}");
    let codes: Vec<String> = domains.iter().map(first_code).collect();
    let reached = codes.iter().filter(|c| *c == "deadline-reached").count();
    let handshake = codes
        .iter()
        .filter(|c| *c == "tls-handshake-failed")
        .count();
    assert!(
        reached >= 2 && handshake >= 2 && reached + handshake == 8,
        "{codes:?}"
    );
}

/// 10 000 lines (a closed port, and every tenth line no AUS): every line reported with its
/// code, well before the deadline.
#[test]
fn ten_thousand_lines() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let list: String = (0..10_000)
        .map(|i| {
            if i % 10 == 0 {
                format!("bad line {i}\n")
            } else {
                format!("sips:127.0.0.1:{closed}\n")
            }
        })
        .collect();
    let file = scratch("10k", &list);
    let pki = localhost_pki("fleet-10k");
    let (code, out, err, elapsed) = probe(
        &[
            "--file",
            &file.display().to_string(),
            "--roots",
            &pki.path("root.pem"),
            "--jobs",
            "64",
            "--timeout",
            "5",
            "--deadline",
            "60",
            "--allow-ip-literals",
        ],
        "",
    );
    assert_eq!(code, 1, "{err}");
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("REJECT ")).count(),
        10_000,
        "{err}"
    );
    assert!(
        out.contains("domains: 10000 rejected, 0 accepted"),
        "{}",
        tail(&out)
    );
    assert!(out.contains("connect-failed: 9000"), "{}", tail(&out));
    assert!(out.contains("target-invalid: 1000"), "{}", tail(&out));
    eprintln!("10 000 domains in {elapsed:?}");
    std::fs::remove_file(file).unwrap();
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(6)..].join("\n")
}

/// An unreadable `--file` is an input error (exit 2) naming the file; under `--nagios` it is
/// UNKNOWN (exit 3) on the status line.
#[test]
fn unreadable_file() {
    let pki = localhost_pki("fleet-unreadable");
    let missing = std::env::temp_dir().join("sipcert-fleet-no-such-file");
    let missing = missing.display().to_string();
    let (code, out, err, _) = probe(&["--file", &missing, "--roots", &pki.path("root.pem")], "");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&missing) && err.contains("cannot read"),
        "{err}"
    );
    let (code, out, _, _) = probe(
        &[
            "--file",
            &missing,
            "--roots",
            &pki.path("root.pem"),
            "--nagios",
        ],
        "",
    );
    assert_eq!(code, 3, "{out}");
    assert!(out.starts_with("SIPCERT UNKNOWN - --file "), "{out}");
    let dir = std::env::temp_dir().display().to_string();
    let (code, _, err, _) = probe(&["--file", &dir, "--roots", &pki.path("root.pem")], "");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is a directory"), "{err}");
}

/// One AUS keeps the single-domain report (decisions §3) and adds the grade (per target, with
/// what was not measured, and the domain's) and the summary.
#[test]
fn single_domain_json_has_grade_and_summary() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = localhost_pki("fleet-single");
    let (_server, port) = programs::openssl_server(&pki, &[]);
    let aus = format!("sips:localhost:{port}");
    let (code, out, err, _) = probe(
        &[
            "--json",
            &aus,
            "--roots",
            &pki.path("root.pem"),
            "--dnssec",
            "off",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    assert_eq!(
        (&v["verdict"], &v["grade"]),
        (&"accept".into(), &"A".into()),
        "{v}"
    );
    let g = &v["targets"][0]["grade"];
    assert_eq!((&g["grade"], &g["score"]), (&"A".into(), &4.into()), "{g}");
    assert_eq!(g["not_measured"].as_array().map(Vec::len), Some(4), "{g}");
    assert_eq!(v["summary"]["targets_accepted"], 1, "{v}");
    assert_eq!(
        v["summary"]["grades"][0],
        serde_json::json!(["A", 1]),
        "{v}"
    );
}

/// A rustls server presenting a chain of about 1 MiB (a leaf with a 60 000-byte extension,
/// sent 17 times): the probe refuses it with a per-target code, the other domain of the run
/// is still accepted, and nothing waits for the deadline.
#[test]
fn one_mebibyte_chain() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let mut blob = vec![0x04, 0x82, 0xea, 0x60];
    blob.resize(4 + 60_000, 0x5a);
    let spec = LeafSpec::new()
        .uri("sip:localhost")
        .extension(&[1, 3, 6, 1, 4, 1, 99_999, 1], blob);
    let big = PemPki::new("fleet-big", spec, false);
    let certs: Vec<_> = {
        use rustls::pki_types::pem::PemObject;
        rustls::pki_types::CertificateDer::pem_file_iter(big.path("chain.pem"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let leaf = certs[0].clone();
    let chain: Vec<_> = std::iter::repeat_n(leaf, 17).collect();
    let total: usize = chain.iter().map(|c| c.as_ref().len()).sum();
    assert!(total > 1_000_000, "{total} bytes");
    let key = {
        use rustls::pki_types::pem::PemObject;
        rustls::pki_types::PrivateKeyDer::from_pem_file(big.path("leaf.key")).unwrap()
    };
    let config = rustls::ServerConfig::builder_with_provider(sipcert_testkit::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let config = std::sync::Arc::new(config);
    let (huge, _thread) = server(move |mut sock| {
        if let Ok(mut conn) = rustls::ServerConnection::new(config.clone()) {
            while conn.is_handshaking() && conn.complete_io(&mut sock).is_ok() {}
        }
    });
    let (_good_server, good) = programs::openssl_server(&big, &[]);
    let lines = format!("sips:localhost:{huge}\nsips:localhost:{good}\n");
    let (code, out, err, elapsed) = probe(
        &[
            "--json",
            "--file",
            "-",
            "--roots",
            &big.path("root.pem"),
            "--dnssec",
            "off",
            "--timeout",
            "5",
        ],
        &lines,
    );
    assert!(
        elapsed < Duration::from_secs(4),
        "took {elapsed:?}: {out}{err}"
    );
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let huge_domain = domain(&v, &format!("sips:localhost:{huge}"));
    assert_eq!(
        first_code(huge_domain),
        "tls-handshake-failed",
        "{huge_domain}"
    );
    assert_eq!(huge_domain["grade"], "F", "{huge_domain}");
    let message = huge_domain["targets"][0]["reasons"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("handshake"), "{huge_domain}");
    eprintln!("1 MiB chain: {message}");
    assert_eq!(
        domain(&v, &format!("sips:localhost:{good}"))["verdict"],
        "accept",
        "{out}"
    );
}
