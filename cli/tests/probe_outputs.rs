//! The outputs of `sipcert probe` for machines and people, each read by a real consumer:
//! `--format prometheus` by `promtool check metrics` (Debian's `prometheus`), `--nagios` by
//! the monitoring-plugins convention (exit status, status line, perfdata), `--format html`
//! by headless Chromium (`--dump-dom`, a screenshot kept under the target directory).
//!
//! The targets: `openssl s_server` on 127.0.0.1 with a certificate for `sip:localhost` whose
//! subject holds a quote, a backslash and markup (`sips:localhost:PORT` is accepted,
//! `sips:127.0.0.1:PORT` rejected: the reference is an IP literal), and a line that is no AUS.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sipcert_testkit::pki::{LeafSpec, PemPki};
use sipcert_testkit::programs::{self, KillOnDrop};

/// The leaf's CN: what every output must escape.
const TRICKY_CN: &str = "trunk \"a\\b\" <i>x</i>";

/// A running `openssl s_server` with a `sip:localhost` leaf, and its PKI.
struct Peer {
    pki: PemPki,
    _server: KillOnDrop,
    port: u16,
}

fn peer(name: &str) -> Option<Peer> {
    if !programs::available("openssl", &["version"]) {
        return None;
    }
    let pki = PemPki::new(
        name,
        LeafSpec::new().uri("sip:localhost").cn(TRICKY_CN),
        false,
    );
    let (server, port) = programs::openssl_server(&pki, &[]);
    Some(Peer {
        pki,
        _server: server,
        port,
    })
}

/// `sipcert probe ARGS` with the AUSes on standard input (`--file -`): status and output.
fn probe(peer: &Peer, lines: &str, args: &[&str]) -> (i32, String) {
    let roots = peer.pki.path("root.pem");
    let mut all = vec![
        "probe",
        "--file",
        "-",
        "--dnssec",
        "off",
        "--timeout",
        "5",
        "--roots",
        &roots,
    ];
    all.extend_from_slice(args);
    let (code, out, err) = common::sipcert_stdin(&all, lines);
    (code, format!("{out}{err}"))
}

/// The value of the one sample whose line starts with `prefix`.
fn sample(text: &str, prefix: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no sample {prefix} in\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn prometheus_passes_promtool() {
    let Some(peer) = peer("out-prom") else { return };
    let p = peer.port;
    let lines = format!("sips:localhost:{p}\nsips:127.0.0.1:{p}\nnot a uri!!\n");
    let (code, out) = probe(&peer, &lines, &["--format", "prometheus"]);
    assert_eq!(code, 1, "{out}");
    common::promtool_check(&out);
    let good = format!("domain=\"sips:localhost:{p}\",target=\"localhost:{p}\"");
    let ip = format!("domain=\"sips:127.0.0.1:{p}\",target=\"127.0.0.1:{p}\"");
    let cases = [
        (format!("sipcert_probe_success{{{good}}}"), 1.0),
        (format!("sipcert_probe_success{{{ip}}}"), 0.0),
        (format!("sipcert_probe_grade{{{good},grade=\"A\"}}"), 4.0),
        (format!("sipcert_probe_grade{{{ip},grade=\"F\"}}"), 0.0),
        (
            format!("sipcert_probe_failure_info{{{ip},code=\"reference-is-ip-literal\"}}"),
            1.0,
        ),
        (
            "sipcert_probe_success{domain=\"not a uri!!\",target=\"-\"}".to_owned(),
            0.0,
        ),
        (
            format!("sipcert_dnssec_state_info{{{good},state=\"insecure\"}}"),
            1.0,
        ),
        (
            format!("sipcert_dane_state_info{{{good},state=\"none\"}}"),
            1.0,
        ),
    ];
    for (prefix, want) in &cases {
        assert!(
            (sample(&out, prefix) - want).abs() < f64::EPSILON,
            "{prefix}: {out}"
        );
    }
    // The leaf (position 0, its CN escaped) and the intermediate expire in 2040.
    let leaf = format!("sipcert_certificate_expiry_seconds{{{good},position=\"0\",subject=\"CN=trunk \\\"a\\\\b\\\" <i>x</i>\"");
    assert!(sample(&out, &leaf) > 4000.0 * 86400.0, "{out}");
    let inter = format!("sipcert_certificate_expiry_seconds{{{good},position=\"1\"");
    assert!(sample(&out, &inter) > 4000.0 * 86400.0, "{out}");
    assert!(
        out.contains(&format!(
            "sipcert_tls_version_info{{{good},version=\"TLSv1_3\""
        )),
        "{out}"
    );
}

#[test]
fn nagios_states_and_perfdata() {
    let Some(peer) = peer("out-nagios") else {
        return;
    };
    let p = peer.port;
    let good = format!("sips:localhost:{p}\n");
    let cases: [(&str, &[&str], i32, &str); 4] = [
        (&good, &[], 0, "SIPCERT OK - 1 target(s) of 1 domain(s) accepted"),
        (&good, &["--warn-days", "100000"], 1, "SIPCERT WARNING - 1 of 1 target(s) with problems"),
        (&good, &["--crit-days", "100000", "--warn-days", "100000"], 2, "SIPCERT CRITICAL - 1 of 1"),
        ("sips:127.0.0.1:1\n", &[], 2, "SIPCERT CRITICAL - 1 of 1 target(s) with problems: sips:127.0.0.1:1 127.0.0.1:1 reject (connect-failed)"),
    ];
    for (lines, extra, want_code, want_start) in cases {
        let mut args = vec!["--nagios"];
        args.extend_from_slice(extra);
        let (code, out) = probe(&peer, lines, &args);
        assert_eq!(code, want_code, "{lines} {extra:?}: {out}");
        assert_eq!(out.lines().count(), 1, "one status line: {out}");
        assert!(out.starts_with(want_start), "{lines} {extra:?}: {out}");
    }
    let (_, out) = probe(
        &peer,
        &good,
        &["--nagios", "--warn-days", "20", "--crit-days", "5"],
    );
    let perf = out
        .split_once(" | ")
        .map(|(_, p)| p.trim())
        .unwrap_or_default();
    let items: Vec<&str> = perf.split(' ').collect();
    assert_eq!(items.len(), 2, "leaf and intermediate: {out}");
    for (i, item) in items.iter().enumerate() {
        let (label, rest) = item.split_once('=').unwrap();
        assert_eq!(label, format!("'days_{i}'"), "{out}");
        let fields: Vec<&str> = rest.split(';').collect();
        assert_eq!(fields[1..], ["20", "5"], "{out}");
        assert!(fields[0].parse::<i64>().unwrap() > 4000, "{out}");
    }
}

/// A listener that records whether anything connected to it.
fn tripwire() -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let hit = Arc::new(AtomicBool::new(false));
    let flag = hit.clone();
    std::thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if listener.accept().is_ok() {
                flag.store(true, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    });
    (port, hit)
}

/// Every tag of the DOM: none may load anything (a quote inside a value is `&quot;`).
fn assert_loads_nothing(dom_text: &str) {
    for tag in dom_text
        .split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>'))
        .map(|(t, _)| t)
    {
        let name = tag.split([' ', '/']).next().unwrap_or_default();
        let loads = ["img", "script", "link", "iframe", "object", "embed", "base"].contains(&name);
        assert!(
            !loads && !tag.contains(" src=\"") && !tag.contains(" href=\""),
            "<{tag}> in the DOM"
        );
    }
}

/// Headless Chromium, networking kept local, with a profile of its own.
fn chromium(args: &[String]) -> std::process::Output {
    let chromium = programs::find("chromium", "SIPCERT_CHROMIUM").unwrap();
    let profile = std::env::temp_dir().join(format!("sipcert-chromium-{}", std::process::id()));
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(profile);
    out
}

/// The page loads in Chromium; its DOM shows every target's verdict and grade; markup in the
/// input stays text (no element has a `src` or `href`), and no request leaves the page: a
/// line that would be an image fetched from a local listener, were it not escaped (and were
/// the CSP not forbidding it), fetches nothing.
#[test]
fn html_in_chromium() {
    let Some(peer) = peer("out-html") else { return };
    if programs::find("chromium", "SIPCERT_CHROMIUM").is_none() {
        programs::skip("chromium is not installed");
        return;
    }
    let (trap, hit) = tripwire();
    let p = peer.port;
    let bait = format!("<img src=\"http://127.0.0.1:{trap}/leak\">");
    let lines = format!("sips:localhost:{p}\nsips:127.0.0.1:{p}\n{bait}\n");
    let (code, page) = probe(&peer, &lines, &["--format", "html"]);
    assert_eq!(code, 1, "{page}");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join("probe-report.html");
    std::fs::write(&file, &page).unwrap();
    let url = format!("file://{}", file.display());
    let dom = chromium(&["--dump-dom".to_owned(), url.clone()]);
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.status.success() && dom_text.contains("</html>"),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let cases = [
        (
            format!("sips:localhost:{p}"),
            format!("localhost:{p}"),
            "accept",
            "A",
        ),
        (
            format!("sips:127.0.0.1:{p}"),
            format!("127.0.0.1:{p}"),
            "reject",
            "F",
        ),
        (
            bait.replace('"', "&quot;")
                .replace('<', "&lt;")
                .replace('>', "&gt;"),
            "-".to_owned(),
            "reject",
            "F",
        ),
    ];
    for (domain, target, verdict, grade) in &cases {
        let want = format!(
            "data-domain=\"{domain}\" data-target=\"{target}\" data-verdict=\"{verdict}\" data-grade=\"{grade}\""
        );
        assert!(
            dom_text.contains(&want),
            "{want} not in the DOM:\n{dom_text}"
        );
    }
    assert!(
        dom_text.contains("&lt;i&gt;x&lt;/i&gt;"),
        "the CN stays text: {dom_text}"
    );
    assert_loads_nothing(&dom_text);
    let shot = dir.join("probe-report.png");
    let shot_run = chromium(&[
        format!("--screenshot={}", shot.display()),
        "--window-size=412,915".to_owned(),
        url,
    ]);
    assert!(
        shot_run.status.success() && shot.is_file(),
        "{}",
        String::from_utf8_lossy(&shot_run.stderr)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !hit.load(Ordering::SeqCst),
        "the page made a request to 127.0.0.1:{trap}"
    );
    eprintln!("screenshot: {}", shot.display());
}

/// `--nagios` (and the other fleet outputs) with `--connect`: one address, no DNS, the AUS
/// still the name that must be proven.
#[test]
fn nagios_with_connect() {
    let Some(peer) = peer("out-connect") else {
        return;
    };
    let roots = peer.pki.path("root.pem");
    let connect = format!("127.0.0.1:{}", peer.port);
    for (aus, want_code, want_start) in [
        (
            "sips:localhost",
            0,
            "SIPCERT OK - 1 target(s) of 1 domain(s) accepted",
        ),
        (
            "sips:example.org",
            2,
            "SIPCERT CRITICAL - 1 of 1 target(s) with problems: sips:example.org 127.0.0.1:",
        ),
    ] {
        let args = [
            "probe",
            "--nagios",
            aus,
            "--connect",
            &connect,
            "--roots",
            &roots,
        ];
        let (code, out, err) = common::sipcert_stdin(&args, "");
        assert_eq!(code, want_code, "{aus}: {out}{err}");
        assert!(out.starts_with(want_start), "{aus}: {out}{err}");
    }
    let args = [
        "probe",
        "--format",
        "prometheus",
        "sips:localhost",
        "--connect",
        &connect,
        "--roots",
        &roots,
    ];
    let (code, out, err) = common::sipcert_stdin(&args, "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("sipcert_dnssec_state_info{domain=\"sips:localhost\",target=\"127.0.0.1:"),
        "{out}"
    );
    common::promtool_check(&out);
}
