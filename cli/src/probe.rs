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

mod certinfo;
mod conn;
mod mtls;
mod render;
mod tls_params;

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::RootCertStore;
use sipcert::resolve::{DnssecMode, Resolution, ResolverOptions, SipResolver, Target};
use sipcert::uri::SipUri;
use sipcert::verifier::server_name_for;
use sipcert::Reference;

use crate::check::PolicyArgs;
use crate::{input, trust, InputError, Outcome};

#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // one field per command-line flag
pub(crate) struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The AUS: the SIP URI whose domain the server must prove (sent as SNI).
    aus: String,
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
    /// Seconds for the whole probe: DNS resolution, then connect, TLS handshake and OPTIONS of
    /// every target, all within this one deadline.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Warn about a certificate that expires within this many days.
    #[arg(long, value_name = "N", default_value_t = 30)]
    warn_days: u64,
    /// Also scan each target's TLS parameters: protocol versions (SSLv3 to TLS 1.3), cipher
    /// suites per version and the server's order, key-exchange groups, ALPN tolerance, the
    /// certificate with and without SNI, OCSP stapling, resumption. Costs up to 146
    /// connections a target, within --timeout (raise it).
    #[arg(long)]
    tls_scan: bool,
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
    /// At most this many targets are probed at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    jobs: usize,
    /// At most this many targets are taken from DNS.
    #[arg(long, value_name = "N", default_value_t = 8)]
    max_targets: usize,
    #[command(flatten)]
    policy: PolicyArgs,
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

pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    let aus = SipUri::parse(&args.aus)
        .map_err(|e| InputError(format!("{:?} is not a SIP or SIPS URI: {e}", args.aus)))?;
    let reference = Reference::from_sip_uri(&aus).map_err(|e| InputError(e.to_string()))?;
    let server_name = server_name_for(&aus).map_err(|e| InputError(e.to_string()))?;
    let base_policy = args.policy.policy()?;
    let provider = trust::provider();
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
    let progress = Progress::new(!args.json && std::io::stderr().is_terminal());
    let started = Instant::now();
    let deadline = started + timeout;
    let (resolution, targets) = plan(args, &aus, deadline, &progress)?;
    let ctx = Context {
        aus_text: args.aus.clone(),
        reference,
        server_name,
        base_policy,
        roots,
        crls,
        provider,
        client_auth,
        own_certificate,
        deadline,
        warn_days: args.warn_days,
        options: args.options,
        tls_scan: args.tls_scan,
    };
    let reports = probe_all(&ctx, &targets, args.jobs.max(1), &progress);
    let elapsed = started.elapsed();
    let accepted = render::print(
        args.json,
        args.connect.is_some(),
        &ctx,
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

/// The system trust store (the library's `native-roots` feature, rustls-native-certs).
fn system_roots() -> Result<Arc<RootCertStore>, InputError> {
    sipcert::verifier::system_roots().map_err(|e| InputError(format!("{e}; give --roots PEM")))
}

/// The targets: `--connect`, or the RFC 3263 resolution (all targets, or the first), which
/// gets the time left before `deadline` as its total budget.
fn plan(
    args: &Args,
    aus: &SipUri<'_>,
    deadline: Instant,
    progress: &Progress,
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
    progress.line(&format!("resolving {} (RFC 3263)...", args.aus));
    let (query_timeout, total_timeout) = dns_budget(deadline, Instant::now());
    let resolver = SipResolver::new(ResolverOptions {
        server: args.dns_server,
        trust_anchor: args.dnssec_trust_anchor.clone(),
        dnssec: if args.dnssec == "off" {
            DnssecMode::Off
        } else {
            DnssecMode::Validate
        },
        max_targets: args.max_targets.max(1),
        query_timeout,
        total_timeout,
        use_hosts_file: args.dns_server.is_none(),
    })
    .map_err(|e| InputError(e.to_string()))?;
    let resolution = resolver.resolve(aus);
    let mut targets = resolution.targets.clone();
    if args.first {
        targets.truncate(1);
    }
    Ok((Some(resolution), targets))
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
    progress: &Progress,
) -> Vec<conn::Report> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<conn::Report>>> =
        targets.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.min(targets.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(target) = targets.get(i) else { break };
                progress.line(&format!("probing {} ...", target.label()));
                let report = conn::probe(ctx, target);
                progress.line(&format!("{}: {}", target.label(), report.summary()));
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

/// Progress lines on stderr, only when stderr is a terminal.
struct Progress {
    enabled: bool,
}

impl Progress {
    fn new(enabled: bool) -> Self {
        Self { enabled }
    }

    fn line(&self, text: &str) {
        if self.enabled {
            eprintln!("sipcert: {text}");
        }
    }
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
