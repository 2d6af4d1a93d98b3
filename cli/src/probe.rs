//! `sipcert probe`: resolve the AUS (RFC 3263, with DNSSEC), then a TLS handshake through
//! rustls with every target (SNI = the SIP domain), each judged by the SIP verifier and, when
//! the target has usable TLSA records, by DANE (RFC 7673).
//!
//! The steps: [`run`] parses the arguments and builds the trust store; [`plan`] resolves the
//! targets (or takes `--connect`); [`conn::probe`] probes one target (connect, handshake,
//! verdict, DANE, `--options`); the targets run concurrently on a bounded number of threads;
//! [`render`] prints the per-target reports and the overall verdict.
//!
//! `--timeout` is one deadline for all of it, taken when the probe starts: the resolution gets
//! the time left as its total budget, the targets share what it leaves, and every connect,
//! read and write of a target gets only the time left then ([`conn`]).

//! `sipcert probe`: resolve the AUS (RFC 3263, with DNSSEC), then a TLS handshake through
//! rustls with every target (SNI = the SIP domain), each judged by the SIP verifier and, when
//! the target has usable TLSA records, by DANE (RFC 7673); each target graded A+ to F
//! ([`grade`], `docs/grading.md`).
//!
//! The steps: [`run`] parses the arguments and builds what every domain shares ([`Shared`]);
//! one domain: [`plan`] resolves its targets (or takes `--connect`), [`conn::probe`] probes one
//! target (connect, handshake, verdict, DANE, `--options`), the targets run concurrently on a
//! bounded number of threads, and [`render`] prints the report. Many domains (several AUSes,
//! `--file`): [`fleet`] streams them through `--jobs` workers into an output [`sink`].
//!
//! `--timeout` is one deadline for all of one domain, taken when its probe starts: the
//! resolution gets the time left as its total budget, the targets share what it leaves, and
//! every connect, read and write of a target gets only the time left then ([`conn`]).
//! `--deadline` bounds the whole run.

mod certinfo;
mod conn;
pub(crate) mod fleet;
mod grade;
mod html;
mod mtls;
mod nagios;
pub(crate) mod prometheus;
mod render;
mod sink;
mod tls_params;
mod view;

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rustls::RootCertStore;
use sipcert::resolve::{DnssecMode, Resolution, ResolverOptions, SipResolver, Target};
use sipcert::uri::SipUri;
use sipcert::verifier::server_name_for;
use sipcert::Reference;

use crate::check::PolicyArgs;
use crate::{input, trust, InputError, Outcome};

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Readable text: per target with one domain, one line per target with several.
    Text,
    /// One JSON object (the per-target objects of decisions §3 plus the grade and a summary).
    Json,
    /// One self-contained HTML page (inline CSS, no script, no external request).
    Html,
    /// The Prometheus text exposition format (for node_exporter's textfile collector).
    Prometheus,
}

#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // one field per command-line flag
pub(crate) struct Args {
    /// Print one JSON object instead of text (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Monitoring-plugins (Nagios) output: one status line with perfdata, exit 0 OK,
    /// 1 WARNING, 2 CRITICAL, 3 UNKNOWN; thresholds `--warn-days`/`--crit-days`.
    #[arg(long, conflicts_with_all = ["json", "format"])]
    nagios: bool,
    /// The AUSes: SIP or SIPS URIs whose domain the server must prove (sent as SNI); a bare
    /// domain means `sips:DOMAIN`. Several are probed concurrently (`--jobs`).
    #[arg(value_name = "AUS")]
    pub(crate) aus: Vec<String>,
    /// Read more AUSes from FILE, one a line (`#` comments and blank lines skipped; `-` for
    /// standard input). A bad line is reported as that target's error, naming FILE:LINE.
    #[arg(long, value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
    /// Connect here instead of resolving the AUS (one target, no DNS), e.g. 192.0.2.10:5061.
    #[arg(long, value_name = "HOST:PORT")]
    connect: Option<String>,
    /// Probe only the target a SIP client would use first.
    #[arg(long)]
    first: bool,
    /// Trust anchors (PEM), replacing the system trust store.
    #[arg(long, value_name = "PEM")]
    roots: Option<String>,
    /// CRLs (PEM or DER), repeatable.
    #[arg(long, value_name = "PEM")]
    crl: Vec<String>,
    /// Client certificate chain (PEM), for servers that ask for mutual TLS.
    #[arg(long, value_name = "PEM", requires = "key")]
    cert: Option<String>,
    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "PEM", requires = "cert")]
    key: Option<String>,
    /// The SIP domain our client certificate (`--cert`) speaks for: its RFC 5922 identities
    /// are checked for it, as a server doing mutual TLS would.
    #[arg(long = "as", value_name = "DOMAIN", requires = "cert")]
    as_domain: Option<String>,
    /// Seconds for one domain: DNS resolution, then connect, TLS handshake and OPTIONS of
    /// every target, all within this one deadline.
    #[arg(long, default_value_t = 10)]
    pub(crate) timeout: u64,
    /// Seconds for the whole run (all domains); a domain not finished by then is reported
    /// with `deadline-reached`. Default: `--timeout` for one domain, 300 for several.
    #[arg(long, value_name = "SECS")]
    deadline: Option<u64>,
    /// Warn about a certificate that expires within this many days (caps the grade at B;
    /// Nagios WARNING).
    #[arg(long, value_name = "N", default_value_t = 30)]
    warn_days: u64,
    /// Also scan each target's TLS parameters: protocol versions (SSLv3 to TLS 1.3), cipher
    /// suites per version and the server's order, key-exchange groups, ALPN tolerance, the
    /// certificate with and without SNI, OCSP stapling, resumption. Costs up to 146
    /// connections a target, within --timeout (raise it).
    #[arg(long)]
    tls_scan: bool,
    /// A certificate that expires within this many days is critical (caps the grade at D;
    /// Nagios CRITICAL).
    #[arg(long, value_name = "N", default_value_t = 7)]
    crit_days: u64,
    /// After an accepted handshake, send a SIP OPTIONS and report the response status line.
    #[arg(long)]
    options: bool,
    /// The DNS server to ask (default: the system's), e.g. 127.0.0.1:53.
    #[arg(long, value_name = "IP:PORT")]
    dns_server: Option<SocketAddr>,
    /// DNSSEC trust anchors: DS or DNSKEY records in zone-file syntax, for the root or for any
    /// zone (an island of security); several per file; `;` and `#` comments (default: the root
    /// zone's keys).
    #[arg(long, value_name = "FILE")]
    dnssec_trust_anchor: Option<PathBuf>,
    /// DNSSEC validation: `on` validates from the trust anchors; `off` resolves without it
    /// (for resolvers that strip DNSSEC): every answer insecure, so no SRV-target identity and
    /// no DANE, and the certificate must name the SIP domain.
    #[arg(long, value_name = "on|off", value_parser = ["on", "off"], default_value = "on")]
    dnssec: String,
    /// At most this many domains are probed at once (and, within one domain, targets).
    #[arg(long, value_name = "N", default_value_t = 8)]
    jobs: usize,
    /// At most this many targets are taken from DNS.
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_targets: usize,
    /// No progress bar (it is drawn only when standard error is a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    policy: PolicyArgs,
}

impl Args {
    /// Whether an output option (`--json`, `--format` other than text, `--nagios`) was given.
    pub(crate) fn chose_output(&self) -> bool {
        self.json || self.nagios || self.format != Format::Text
    }

    /// The output format, `--json` included.
    fn output(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}

/// What every target's probe shares.
pub(crate) struct Context {
    pub(crate) aus_text: String,
    pub(crate) reference: Reference,
    pub(crate) server_name: rustls::pki_types::ServerName<'static>,
    pub(crate) base_policy: sipcert::Policy,
    pub(crate) roots: Arc<RootCertStore>,
    pub(crate) crls: Vec<rustls::pki_types::CertificateRevocationListDer<'static>>,
    pub(crate) provider: Arc<rustls::crypto::CryptoProvider>,
    pub(crate) client_auth: Option<(
        Vec<rustls::pki_types::CertificateDer<'static>>,
        Arc<rustls::pki_types::PrivateKeyDer<'static>>,
    )>,
    pub(crate) own_certificate: Option<mtls::OwnCertificate>,
    pub(crate) deadline: Instant,
    pub(crate) warn_days: u64,
    pub(crate) options: bool,
    pub(crate) tls_scan: bool,
}

/// What every domain of a run shares: the arguments turned into trust, policy and a resolver.
pub(crate) struct Shared {
    base_policy: sipcert::Policy,
    roots: Arc<RootCertStore>,
    crls: Vec<rustls::pki_types::CertificateRevocationListDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    client_auth: Option<(
        Vec<rustls::pki_types::CertificateDer<'static>>,
        Arc<rustls::pki_types::PrivateKeyDer<'static>>,
    )>,
    /// Our certificate (`--cert`) as the peer would check it, for `--as`.
    own_certificate: Option<mtls::OwnCertificate>,
    tls_scan: bool,
    /// `None` with `--connect` (no DNS).
    resolver: Option<SipResolver>,
    timeout: Duration,
    pub(crate) warn_days: u64,
    pub(crate) crit_days: u64,
}

impl Shared {
    pub(crate) fn new(args: &Args) -> Result<Self, InputError> {
        let base_policy = args.policy.policy()?;
        let roots = match &args.roots {
            Some(path) => trust::roots(path)?,
            None => system_roots()?,
        };
        let crls = trust::crls(&args.crl)?;
        let client_auth = match (&args.cert, &args.key) {
            (Some(cert), Some(key)) => {
                use rustls_pki_types::pem::PemObject;
                let chain = input::certificates(cert)?;
                let key = rustls::pki_types::PrivateKeyDer::from_pem_file(key)
                    .map_err(|e| InputError(format!("{key}: no usable private key: {e}")))?;
                Some((chain, Arc::new(key)))
            }
            _ => None,
        };
        let own_certificate = own_certificate(args, client_auth.as_ref(), &base_policy)?;
        let timeout = Duration::from_secs(args.timeout.max(1));
        let resolver = if args.connect.is_some() {
            None
        } else {
            Some(
                SipResolver::new(ResolverOptions {
                    server: args.dns_server,
                    trust_anchor: args.dnssec_trust_anchor.clone(),
                    dnssec: if args.dnssec == "off" {
                        DnssecMode::Off
                    } else {
                        DnssecMode::Validate
                    },
                    max_targets: args.max_targets.max(1),
                    query_timeout: Duration::from_secs(5),
                    total_timeout: timeout,
                    use_hosts_file: args.dns_server.is_none(),
                })
                .map_err(|e| InputError(e.to_string()))?,
            )
        };
        Ok(Self {
            base_policy,
            roots,
            crls,
            provider: trust::provider(),
            client_auth,
            own_certificate,
            tls_scan: args.tls_scan,
            resolver,
            timeout,
            warn_days: args.warn_days,
            crit_days: args.crit_days,
        })
    }

    /// The days thresholds of the grade and of `--nagios`.
    pub(crate) fn thresholds(&self) -> view::Thresholds {
        view::Thresholds {
            warn_days: i64::try_from(self.warn_days).unwrap_or(i64::MAX),
            crit_days: i64::try_from(self.crit_days).unwrap_or(i64::MAX),
        }
    }

    /// The context of one domain's probe, whose deadline is `deadline`.
    fn context(
        &self,
        aus_text: &str,
        options: bool,
        deadline: Instant,
    ) -> Result<Context, InputError> {
        let aus = parse_aus(aus_text)?;
        Ok(Context {
            aus_text: aus_text.to_owned(),
            reference: Reference::from_sip_uri(&aus).map_err(|e| InputError(e.to_string()))?,
            server_name: server_name_for(&aus).map_err(|e| InputError(e.to_string()))?,
            base_policy: self.base_policy.clone(),
            roots: self.roots.clone(),
            crls: self.crls.clone(),
            provider: self.provider.clone(),
            client_auth: self.client_auth.clone(),
            own_certificate: self.own_certificate.clone(),
            deadline,
            warn_days: self.warn_days,
            options,
            tls_scan: self.tls_scan,
        })
    }
}

/// The AUS `text` parsed, with the error naming it.
pub(crate) fn parse_aus(text: &str) -> Result<SipUri<'_>, InputError> {
    SipUri::parse(text).map_err(|e| InputError(format!("{text:?} is not a SIP or SIPS URI: {e}")))
}

/// The AUS text to probe: as written when it is a SIP or SIPS URI, `sips:DOMAIN[:PORT]` for
/// a bare domain (with or without a port).
pub(crate) fn normalize_aus(text: &str) -> Result<String, InputError> {
    let text = text.trim();
    if SipUri::parse(text).is_ok() {
        return Ok(text.to_owned());
    }
    let lower = text.to_ascii_lowercase();
    if !lower.starts_with("sip:") && !lower.starts_with("sips:") {
        let sips = format!("sips:{text}");
        if SipUri::parse(&sips).is_ok() {
            return Ok(sips);
        }
    }
    parse_aus(text).map(|_| text.to_owned())
}

pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    match run_args(args) {
        // The plugin convention: an input error is UNKNOWN (3), on the status line.
        Err(InputError(message)) if args.nagios => {
            println!("{}", nagios::unknown(&message));
            Ok(Outcome::Status(nagios::State::Unknown.code()))
        }
        other => other,
    }
}

fn run_args(args: &Args) -> Result<Outcome, InputError> {
    if args.aus.is_empty() && args.file.is_none() {
        return Err(InputError(
            "give at least one AUS, or --file FILE".to_owned(),
        ));
    }
    if args.connect.is_some() && (args.aus.len() != 1 || args.file.is_some()) {
        return Err(InputError(
            "--connect takes exactly one AUS (and no --file)".to_owned(),
        ));
    }
    let single = args.aus.len() == 1
        && args.file.is_none()
        && matches!(args.output(), Format::Text | Format::Json)
        && !args.nagios;
    let shared = Shared::new(args)?;
    if single {
        run_single(args, &shared)
    } else {
        fleet::run(args, &shared)
    }
}

/// One AUS, text or JSON: the full report of every target.
fn run_single(args: &Args, shared: &Shared) -> Result<Outcome, InputError> {
    let aus_text = normalize_aus(&args.aus[0])?;
    let started = Instant::now();
    let run_limit = args
        .deadline
        .map_or(shared.timeout, |d| Duration::from_secs(d.max(1)));
    let deadline = started + shared.timeout.min(run_limit);
    let ctx = shared.context(&aus_text, args.options, deadline)?;
    let progress = progress_bar(args);
    let aus = parse_aus(&aus_text)?;
    let (resolution, targets) = plan(args, shared, &aus, deadline, &progress)?;
    let reports = probe_all(&ctx, &targets, args.jobs.max(1), &progress);
    progress.finish_and_clear();
    let elapsed = started.elapsed();
    let accepted = render::print(
        args.output() == Format::Json,
        args.connect.is_some(),
        &ctx,
        shared,
        resolution.as_ref(),
        &reports,
        elapsed,
    );
    Ok(if accepted {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// Our client certificate (`--cert`) examined for `--as`, the client EKU and expiry.
fn own_certificate(
    args: &Args,
    client_auth: Option<&(
        Vec<rustls::pki_types::CertificateDer<'static>>,
        Arc<rustls::pki_types::PrivateKeyDer<'static>>,
    )>,
    policy: &sipcert::Policy,
) -> Result<Option<mtls::OwnCertificate>, InputError> {
    let as_domain = match &args.as_domain {
        Some(text) => Some(
            Reference::from_text(text).map_err(|e| InputError(format!("--as {text:?}: {e}")))?,
        ),
        None => None,
    };
    let now = i64::try_from(rustls::pki_types::UnixTime::now().as_secs()).unwrap_or(i64::MAX);
    Ok(client_auth.and_then(|(chain, _)| {
        mtls::OwnCertificate::examine(chain, as_domain.as_ref(), policy, now, args.warn_days)
    }))
}

/// The progress bar: drawn on standard error only when it is a terminal, and not with
/// `--quiet`.
fn progress_bar(args: &Args) -> ProgressBar {
    if args.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} probed, {elapsed} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// The system trust store (the library's `native-roots` feature, rustls-native-certs).
fn system_roots() -> Result<Arc<RootCertStore>, InputError> {
    sipcert::verifier::system_roots().map_err(|e| InputError(format!("{e}; give --roots PEM")))
}

/// The targets: `--connect`, or the RFC 3263 resolution (all targets, or the first), which
/// gets the time left before `deadline` as its total budget.
fn plan(
    args: &Args,
    shared: &Shared,
    aus: &SipUri<'_>,
    deadline: Instant,
    progress: &ProgressBar,
) -> Result<(Option<Resolution>, Vec<Target>), InputError> {
    if let Some(connect) = &args.connect {
        let addr = connect_address(connect, deadline)?;
        let (host, _) = connect.rsplit_once(':').unwrap_or((connect, ""));
        let target = Target {
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port: addr.port(),
            addresses: vec![addr.ip()],
            srv_target: None,
            srv_secure: false,
            srv_note: "--connect: no DNS".to_owned(),
            path: Vec::new(),
            bogus: false,
            tlsa: None,
            tlsa_note: "--connect: no DNS".to_owned(),
        };
        return Ok((None, vec![target]));
    }
    progress.set_message(format!("resolving {} (RFC 3263)...", aus.host_str()));
    let resolution = resolve(shared, aus, deadline)
        .ok_or_else(|| InputError("no DNS resolver (--connect given)".to_owned()))?;
    let mut targets = resolution.targets.clone();
    if args.first {
        targets.truncate(1);
    }
    Ok((Some(resolution), targets))
}

/// The RFC 3263 resolution of `aus` within what is left before `deadline`; `None` without a
/// resolver (`--connect`).
fn resolve(shared: &Shared, aus: &SipUri<'_>, deadline: Instant) -> Option<Resolution> {
    let (_, total) = dns_budget(deadline, Instant::now());
    Some(shared.resolver.as_ref()?.resolve_within(aus, total))
}

/// The address of `--connect HOST:PORT`: parsed, or looked up by the system resolver within
/// the deadline (the lookup runs on a thread of its own, left behind if it does not finish).
fn connect_address(connect: &str, deadline: Instant) -> Result<SocketAddr, InputError> {
    if let Ok(addr) = connect.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let reached = || {
        InputError(format!(
            "--connect {connect}: deadline reached while looking up the name"
        ))
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(reached());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let name = connect.to_owned();
    std::thread::spawn(move || {
        // The receiver is gone when the deadline passed first: nothing to tell.
        let _ = tx.send(name.to_socket_addrs().map(|mut a| a.next()));
    });
    match rx.recv_timeout(left) {
        Ok(Ok(Some(addr))) => Ok(addr),
        Ok(Ok(None)) => Err(InputError(format!("--connect {connect}: no address"))),
        Ok(Err(e)) => Err(InputError(format!("--connect {connect}: {e}"))),
        Err(_) => Err(reached()),
    }
}

/// The resolution's budget at `now`, as (time for one query, time for the whole resolution):
/// the time left before the probe's deadline, at most 5 s a query. At least a millisecond, so
/// that a spent budget ends the resolution at once instead of meaning "no timeout".
fn dns_budget(deadline: Instant, now: Instant) -> (Duration, Duration) {
    let left = deadline
        .saturating_duration_since(now)
        .max(Duration::from_millis(1));
    (left.min(Duration::from_secs(5)), left)
}

/// Probes every target on at most `jobs` threads; the reports come back in target order.
fn probe_all(
    ctx: &Context,
    targets: &[Target],
    jobs: usize,
    progress: &ProgressBar,
) -> Vec<conn::Report> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<conn::Report>>> =
        targets.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(targets.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(target) = targets.get(i) else { break };
                progress.set_message(format!("probing {} ...", target.label()));
                let report = conn::probe(ctx, target);
                progress.inc(1);
                if let Some(slot) = slots.get(i) {
                    if let Ok(mut g) = slot.lock() {
                        *g = Some(report);
                    }
                }
            });
        }
    });
    slots
        .into_iter()
        .zip(targets)
        .map(|(slot, t)| {
            slot.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| conn::Report::internal(t, "the probe thread did not report"))
        })
        .collect()
}

/// The address a target is probed at: its first usable address, IPv4 first; when it has none
/// usable, its first address, IPv4 first, which the probe then refuses
/// ([`conn::TARGET_ADDRESS_UNUSABLE`]).
pub(crate) fn first_address(t: &Target) -> Option<SocketAddr> {
    let usable = |a: &&IpAddr| conn::unusable_address(**a).is_none();
    let ip: Option<&IpAddr> = t
        .addresses
        .iter()
        .filter(usable)
        .find(|a| a.is_ipv4())
        .or_else(|| t.addresses.iter().find(usable))
        .or_else(|| t.addresses.iter().find(|a| a.is_ipv4()))
        .or_else(|| t.addresses.first());
    ip.map(|ip| SocketAddr::new(*ip, t.port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(addresses: &[&str]) -> Target {
        Target {
            host: "sip.example.com".to_owned(),
            port: 5061,
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            srv_target: None,
            srv_secure: false,
            srv_note: String::new(),
            path: Vec::new(),
            bogus: false,
            tlsa: None,
            tlsa_note: String::new(),
        }
    }

    /// The probe skips an unusable address when the target has a usable one, and names the
    /// unusable one (to refuse it) only when there is nothing else.
    #[test]
    fn first_address_skips_unusable_addresses() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (&[], None),
            (&["192.0.2.1", "2001:db8::1"], Some("192.0.2.1:5061")),
            (&["2001:db8::1", "192.0.2.1"], Some("192.0.2.1:5061")),
            (&["0.0.0.0", "192.0.2.1"], Some("192.0.2.1:5061")),
            (&["0.0.0.0", "2001:db8::1"], Some("[2001:db8::1]:5061")),
            (
                &["::", "255.255.255.255", "224.0.0.1"],
                Some("255.255.255.255:5061"),
            ),
            (&["ff02::1", "::"], Some("[ff02::1]:5061")),
            (&["127.0.0.1"], Some("127.0.0.1:5061")),
            (&["::1"], Some("[::1]:5061")),
        ];
        for (addresses, want) in cases {
            let got = first_address(&target(addresses)).map(|a| a.to_string());
            assert_eq!(got.as_deref(), *want, "{addresses:?}");
        }
    }

    /// `--connect` takes an address as written, and a name only within the deadline.
    #[test]
    fn connect_address_within_the_deadline() {
        let later = Instant::now() + Duration::from_secs(10);
        for (text, want) in [
            ("192.0.2.10:5061", "192.0.2.10:5061"),
            ("[2001:db8::1]:5061", "[2001:db8::1]:5061"),
            ("localhost:5061", ""),
        ] {
            match connect_address(text, later) {
                Ok(addr) if want.is_empty() => assert!(addr.ip().is_loopback(), "{text}"),
                Ok(addr) => assert_eq!(addr.to_string(), want),
                Err(e) => panic!("{text}: {}", e.0),
            }
        }
        // With the deadline passed, a name is not looked up; an address needs no lookup.
        let past = Instant::now();
        assert!(connect_address("localhost:5061", past)
            .is_err_and(|e| e.0.contains("deadline reached")));
        assert!(connect_address("192.0.2.10:5061", past).is_ok());
    }

    /// A SIP or SIPS URI is taken as written, a bare domain (with or without a port) becomes
    /// `sips:`, anything else is an error naming the input.
    #[test]
    fn aus_normalized() {
        for (text, want) in [
            ("sips:example.com", Some("sips:example.com")),
            (
                "sip:alice@example.com;transport=tls",
                Some("sip:alice@example.com;transport=tls"),
            ),
            ("  SIPS:Example.com ", Some("SIPS:Example.com")),
            ("example.com", Some("sips:example.com")),
            ("pbx.example.com:5061", Some("sips:pbx.example.com:5061")),
            ("192.0.2.1:5061", Some("sips:192.0.2.1:5061")),
            ("[2001:db8::1]:5061", Some("sips:[2001:db8::1]:5061")),
            ("not a uri!!", None),
            ("sip:user@", None),
            ("tel:+15551234", None),
            ("https://example.com", None),
            ("", None),
        ] {
            match (normalize_aus(text), want) {
                (Ok(got), Some(w)) => assert_eq!(got, w, "{text:?}"),
                (Err(e), None) => assert!(
                    e.0.contains("is not a SIP or SIPS URI"),
                    "{text:?}: {}",
                    e.0
                ),
                (got, _) => panic!("{text:?}: {:?}", got.map_err(|e| e.0)),
            }
        }
    }

    /// The resolution gets what is left of the probe's one deadline, never a budget of its own.
    #[test]
    fn dns_budget_is_the_time_left() {
        let start = Instant::now();
        let deadline = start + Duration::from_secs(10);
        assert_eq!(
            dns_budget(deadline, start),
            (Duration::from_secs(5), Duration::from_secs(10))
        );
        assert_eq!(
            dns_budget(deadline, start + Duration::from_secs(7)),
            (Duration::from_secs(3), Duration::from_secs(3))
        );
        let spent = (Duration::from_millis(1), Duration::from_millis(1));
        assert_eq!(dns_budget(deadline, deadline), spent);
        assert_eq!(
            dns_budget(deadline, deadline + Duration::from_secs(1)),
            spent
        );
    }

    #[test]
    fn unusable_addresses() {
        for a in [
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "239.255.255.250",
            "::",
            "ff02::1",
            "ff05::1:3",
            "::ffff:0.0.0.0",
            "::ffff:255.255.255.255",
            "::ffff:224.0.0.251",
        ] {
            let ip: IpAddr = a.parse().unwrap();
            assert!(conn::unusable_address(ip).is_some(), "{a}");
        }
        for a in [
            "127.0.0.1",
            "::1",
            "::ffff:127.0.0.1",
            "192.0.2.1",
            "1.0.0.0",
            "223.255.255.255",
            "240.0.0.1",
            "255.255.255.254",
            "10.255.255.255",
            "2001:db8::1",
            "fe80::1",
        ] {
            let ip: IpAddr = a.parse().unwrap();
            assert_eq!(conn::unusable_address(ip), None, "{a}");
        }
    }
}
