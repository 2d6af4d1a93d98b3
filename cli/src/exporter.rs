//! `sipcert exporter`: an HTTP endpoint for Prometheus in the manner of blackbox_exporter.
//! `GET /probe?target=AUS` probes one SIP domain (as `probe --format prometheus` would) and
//! answers its samples; `GET /metrics` answers the exporter's own counters.
//!
//! It cannot be used to scan arbitrary hosts: a target is probed only when it is one of the
//! AUSes given on the command line (or in `--file`) or matches an `--allow` pattern; any other
//! gets 403. At most `--max-concurrent` requests are served at once (that many threads; the
//! others wait in the listen queue). The HTTP server is `tiny_http`: small, synchronous, like
//! the rest of the CLI (no async runtime for the server).

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::probe::fleet::{probe_domain, Item};
use crate::probe::{normalize_aus, prometheus, Shared};
use crate::{probe, InputError, Outcome};

#[derive(Debug, clap::Args)]
#[group(id = "exporter-args")]
pub(crate) struct Args {
    /// The address to listen on, e.g. 127.0.0.1:9116 (port 0: any free port; the address is
    /// printed on the first line of standard output).
    #[arg(long, value_name = "ADDR")]
    listen: SocketAddr,
    /// Allow targets matching PATTERN, or every pattern in FILE (one a line, `#` comments);
    /// repeatable. A pattern is an AUS in which `*` stands for any run of host characters
    /// (letters, digits, `.`, `-`), compared without case: `sips:*.example.com` allows
    /// `sips:pbx.example.com` but not `sips:example.org;x=.example.com`.
    #[arg(long, value_name = "FILE|PATTERN")]
    allow: Vec<String>,
    /// At most this many requests are served at once.
    #[arg(long, value_name = "N", default_value_t = 4)]
    max_concurrent: usize,
    /// The probe's options; its AUSes (and `--file`) are the targets always allowed.
    #[command(flatten)]
    probe: probe::Args,
}

/// The allow-list: exact AUSes and patterns, lower case.
#[derive(Debug, Default)]
pub(crate) struct AllowList {
    patterns: Vec<String>,
}

impl AllowList {
    /// Whether `aus` (normalized) may be probed.
    pub(crate) fn allows(&self, aus: &str) -> bool {
        let aus = aus.to_ascii_lowercase();
        self.patterns
            .iter()
            .any(|p| glob(p.as_bytes(), aus.as_bytes()))
    }

    fn add(&mut self, pattern: &str) {
        let p = pattern.trim();
        if p.is_empty() || p.starts_with('#') {
            return;
        }
        let p = normalize_aus(p).unwrap_or_else(|_| p.to_owned());
        self.patterns.push(p.to_ascii_lowercase());
    }
}

/// `*` matches any run (also empty) of host characters; every other byte itself.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            let run = text
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.' || **c == b'-')
                .count();
            (0..=run).any(|n| glob(rest, &text[n..]))
        }
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && glob(rest, tail)),
    }
}

/// The allow-list of the arguments: the probe's AUSes and `--file` lines, `--allow`.
fn allow_list(args: &Args) -> Result<AllowList, InputError> {
    let mut list = AllowList::default();
    for a in &args.probe.aus {
        list.add(a);
    }
    let mut files: Vec<&Path> = args.probe.file.iter().map(AsRef::as_ref).collect();
    for a in &args.allow {
        if Path::new(a).is_file() {
            files.push(Path::new(a));
        } else {
            list.add(a);
        }
    }
    for f in files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| InputError(format!("{}: cannot read: {e}", f.display())))?;
        text.lines().for_each(|l| list.add(l));
    }
    Ok(list)
}

/// The exporter's own counters.
#[derive(Debug, Default)]
struct Counters {
    /// (path, status) -> requests.
    requests: Mutex<std::collections::BTreeMap<(String, u16), u64>>,
    probes_accepted: AtomicU64,
    probes_rejected: AtomicU64,
    in_flight: AtomicU64,
    probe_micros: AtomicU64,
}

impl Counters {
    fn count(&self, path: &str, status: u16) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((path.to_owned(), status)).or_default() += 1;
        }
    }

    fn exposition(&self) -> String {
        let mut t = String::new();
        t.push_str("# HELP sipcert_exporter_requests_total HTTP requests by path and status.\n");
        t.push_str("# TYPE sipcert_exporter_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((path, status), n) in r.iter() {
                let _ = writeln!(
                    t,
                    "sipcert_exporter_requests_total{{path=\"{}\",code=\"{status}\"}} {n}",
                    prometheus::escape(path)
                );
            }
        }
        t.push_str("# HELP sipcert_exporter_probes_total Probes by overall verdict.\n");
        t.push_str("# TYPE sipcert_exporter_probes_total counter\n");
        for (verdict, n) in [
            ("accept", &self.probes_accepted),
            ("reject", &self.probes_rejected),
        ] {
            let _ = writeln!(
                t,
                "sipcert_exporter_probes_total{{verdict=\"{verdict}\"}} {}",
                n.load(Ordering::Relaxed)
            );
        }
        t.push_str("# HELP sipcert_exporter_probes_in_flight Probes running now.\n");
        t.push_str("# TYPE sipcert_exporter_probes_in_flight gauge\n");
        let _ = writeln!(
            t,
            "sipcert_exporter_probes_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        t.push_str("# HELP sipcert_exporter_probe_seconds_total Time spent probing.\n");
        t.push_str("# TYPE sipcert_exporter_probe_seconds_total counter\n");
        #[allow(clippy::cast_precision_loss)] // microseconds as seconds, for display
        let secs = self.probe_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(t, "sipcert_exporter_probe_seconds_total {secs:.6}");
        t
    }
}

/// What every request handler shares.
struct Exporter<'a> {
    args: &'a Args,
    shared: &'a Shared,
    allow: AllowList,
    counters: Counters,
}

/// The `Content-Type` of the exposition format.
const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";

impl Exporter<'_> {
    /// (status, content type, body) for a request to `url` with `method`.
    fn answer(
        &self,
        method: &tiny_http::Method,
        url: &str,
        scrape_timeout: Option<Duration>,
    ) -> (u16, &'static str, String) {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        if *method != tiny_http::Method::Get {
            return (405, "text/plain", "only GET\n".to_owned());
        }
        match path {
            "/metrics" => (200, EXPOSITION, self.counters.exposition()),
            "/probe" => self.probe(query, scrape_timeout),
            "/" => (
                200,
                "text/plain",
                "sipcert exporter: /probe?target=AUS, /metrics\n".to_owned(),
            ),
            _ => (404, "text/plain", "not found\n".to_owned()),
        }
    }

    fn probe(&self, query: &str, scrape_timeout: Option<Duration>) -> (u16, &'static str, String) {
        let target = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "target")
            .map(|(_, v)| v.into_owned());
        let Some(target) = target else {
            return (400, "text/plain", "missing ?target=AUS\n".to_owned());
        };
        let aus = match normalize_aus(&target) {
            Ok(a) => a,
            Err(e) => return (400, "text/plain", format!("{}\n", e.0)),
        };
        if !self.allow.allows(&aus) {
            return (
                403,
                "text/plain",
                format!("{aus:?} is not on the allow-list (give it as an AUS or --allow)\n"),
            );
        }
        self.counters.in_flight.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        // Prometheus sends its scrape timeout: answer within it (and within --timeout).
        let limit = Duration::from_secs(self.args.probe.timeout.max(1));
        let overall = started + scrape_timeout.map_or(limit, |t| t.min(limit));
        let done = probe_domain(
            &self.args.probe,
            self.shared,
            overall,
            &Item::new("query", &aus),
            false,
        );
        self.counters.in_flight.fetch_sub(1, Ordering::Relaxed);
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.counters
            .probe_micros
            .fetch_add(micros, Ordering::Relaxed);
        let verdict = if done.accepted() {
            &self.counters.probes_accepted
        } else {
            &self.counters.probes_rejected
        };
        verdict.fetch_add(1, Ordering::Relaxed);
        let mut families: [Vec<String>; 8] = Default::default();
        for v in &done.views {
            for (all, new) in families.iter_mut().zip(prometheus::samples(v)) {
                all.extend(new);
            }
        }
        (200, EXPOSITION, prometheus::exposition(&families))
    }

    fn serve(&self, request: tiny_http::Request) {
        let url = request.url().to_owned();
        let scrape_timeout = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Prometheus-Scrape-Timeout-Seconds"))
            .and_then(|h| h.value.as_str().trim().parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t > 0.0)
            .map(|t| Duration::from_secs_f64(t.min(3600.0)));
        let (status, content_type, body) = self.answer(request.method(), &url, scrape_timeout);
        let path = url.split_once('?').map_or(url.as_str(), |(p, _)| p);
        let counted = if matches!(path, "/probe" | "/metrics" | "/") {
            path
        } else {
            "other"
        };
        self.counters.count(counted, status);
        let mut response = tiny_http::Response::from_string(body).with_status_code(status);
        if let Ok(h) = tiny_http::Header::from_bytes("Content-Type", content_type) {
            response.add_header(h);
        }
        // The client may be gone; nothing to do then.
        let _ = request.respond(response);
    }
}

/// Serves until the process is stopped.
pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    if args.probe.chose_output() {
        return Err(InputError(
            "the exporter answers the Prometheus text format only: no --json, --format or --nagios"
                .to_owned(),
        ));
    }
    let shared = Shared::new(&args.probe)?;
    let allow = allow_list(args)?;
    let server = tiny_http::Server::http(args.listen)
        .map_err(|e| InputError(format!("--listen {}: {e}", args.listen)))?;
    let addr = server
        .server_addr()
        .to_ip()
        .map_or_else(|| args.listen.to_string(), |a| a.to_string());
    if allow.patterns.is_empty() {
        eprintln!("sipcert: no target is allowed: every /probe gets 403 (give AUSes or --allow)");
    }
    println!("sipcert exporter listening on http://{addr}/");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let exporter = Exporter {
        args,
        shared: &shared,
        allow,
        counters: Counters::default(),
    };
    std::thread::scope(|s| {
        for _ in 0..args.max_concurrent.max(1) {
            s.spawn(|| {
                while let Ok(request) = server.recv() {
                    exporter.serve(request);
                }
            });
        }
    });
    Ok(Outcome::Valid)
}

#[cfg(test)]
mod tests {
    #[test]
    fn allow_patterns() {
        let mut list = super::AllowList::default();
        list.add("sips:*.example.com");
        list.add("pbx.example.net:5061");
        list.add("# a comment");
        for (aus, want) in [
            ("sips:pbx.example.com", true),
            ("sips:PBX.Example.COM", true),
            ("sips:a.b.example.com", true),
            ("sips:example.com", false),
            ("sips:evil.org;x=.example.com", false),
            ("sips:evil.org:.example.com", false),
            ("sips:pbx.example.com:5061", false),
            ("sip:pbx.example.com", false),
            ("sips:pbx.example.net:5061", true),
            ("sips:pbx.example.net", false),
        ] {
            assert_eq!(list.allows(aus), want, "{aus}");
        }
        assert!(!super::AllowList::default().allows("sips:example.com"));
    }
}
