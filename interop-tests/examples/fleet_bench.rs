//! The scale benchmark of `sipcert probe --file` (docs/performance.md): Knot DNS serving N SIP
//! domains on loopback (one zone each: NAPTR → SRV → A), a few rustls TLS servers behind them
//! that pick each domain's certificate by SNI, and `sipcert probe` run over 64 domains, then
//! over 1000, with `--jobs 64`, in the same session, under `/usr/bin/time -v` (wall time, peak
//! RSS).
//!
//! ```sh
//! cargo build -p sipcert-cli && cargo run -p sipcert-interop-tests --example fleet_bench -- \
//!     target/debug/sipcert 64 1000
//! ```
//!
//! Not part of `cargo test`: it needs `knotd` and takes a minute.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::server::ResolvesServerCertUsingSni;
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;
use sipcert_interop_tests::harness::{self, free_udp_tcp_port};
use sipcert_testkit::pki::{pem, Ca, CaSpec, LeafSpec};
use sipcert_testkit::programs::{self, KillOnDrop};

/// The TLS servers behind the domains (domain i is served by server i % SERVERS).
const SERVERS: usize = 4;
/// The probe's `--jobs`.
const JOBS: &str = "64";
/// Runs per size; the median counts.
const RUNS: usize = 5;

/// A rustls server (a thread per connection) presenting each domain's certificate by SNI.
fn tls_server(resolver: Arc<ResolvesServerCertUsingSni>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_cert_resolver(resolver),
    );
    harness::tls_server(config)
}

/// The zone of domain `i`: NAPTR → SRV (port `port`) → A 127.0.0.1.
fn zone(i: usize, port: u16) -> String {
    format!(
        "$ORIGIN d{i}.test.\n$TTL 3600\n@ SOA ns admin 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n\
         @ NAPTR 10 0 \"s\" \"SIPS+D2T\" \"\" _sips._tcp\n_sips._tcp SRV 0 0 {port} sip\nsip A 127.0.0.1\n"
    )
}

/// Starts knotd serving `n` zones; its process and port.
fn knot(dir: &Path, n: usize, ports: &[u16]) -> (KillOnDrop, u16) {
    let knotd = programs::find("knotd", "SIPCERT_KNOTD").expect("knotd (Debian: knot)");
    let port = free_udp_tcp_port();
    for d in ["run", "db", "zones"] {
        fs::create_dir_all(dir.join(d)).expect("knot dirs");
    }
    let mut conf = format!(
        "server:\n    listen: 127.0.0.1@{port}\n    rundir: {d}/run\n    udp-workers: 2\n    tcp-workers: 2\n\
         database:\n    storage: {d}/db\ntemplate:\n  - id: default\n    storage: {d}/zones\n    zonefile-sync: -1\nzone:\n",
        d = dir.display()
    );
    for i in 0..n {
        let _ = writeln!(conf, "  - domain: d{i}.test\n    file: d{i}.test.zone");
        fs::write(
            dir.join(format!("zones/d{i}.test.zone")),
            zone(i, ports[i % ports.len()]),
        )
        .expect("zone");
    }
    fs::write(dir.join("knot.conf"), conf).expect("conf");
    let child = Command::new(knotd)
        .arg("-c")
        .arg(dir.join("knot.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("knotd");
    let guard = KillOnDrop(child);
    // Ready when the last zone answers.
    let kdig = programs::find("kdig", "SIPCERT_KDIG").expect("kdig (Debian: knot-dnsutils)");
    let started = Instant::now();
    loop {
        let out = Command::new(&kdig)
            .args(["@127.0.0.1", "-p", &port.to_string(), "+short"])
            .arg(format!("sip.d{}.test", n - 1))
            .output();
        if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("127.0.0.1")) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "knotd did not load the zones"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    (guard, port)
}

/// One run over the first `n` domains: (wall seconds, peak RSS in KiB, accepted lines).
fn run(sipcert: &str, dir: &Path, n: usize, dns_port: u16) -> (f64, u64, usize) {
    let mut list = String::new();
    for i in 0..n {
        let _ = writeln!(list, "sips:d{i}.test");
    }
    let file = dir.join(format!("list-{n}.txt"));
    fs::write(&file, list).expect("list");
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args([
            "-v",
            sipcert,
            "probe",
            "--quiet",
            "--jobs",
            JOBS,
            "--timeout",
            "20",
            "--deadline",
            "600",
        ])
        .args([
            "--dnssec",
            "off",
            "--dns-server",
            &format!("127.0.0.1:{dns_port}"),
        ])
        .arg("--roots")
        .arg(dir.join("root.pem"))
        .arg("--file")
        .arg(&file)
        .output()
        .expect("/usr/bin/time -v sipcert");
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let accepted = stdout.lines().filter(|l| l.starts_with("ACCEPT ")).count();
    (wall, rss, accepted)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sipcert = args
        .first()
        .cloned()
        .unwrap_or_else(|| "target/debug/sipcert".to_owned());
    let sizes: Vec<usize> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![64, 1000]
    } else {
        sizes
    };
    let max = sizes.iter().copied().max().unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("sipcert-fleet-bench-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("scratch");
    let root = Ca::root("Fleet Bench Root");
    let inter = root.intermediate(CaSpec::new("Fleet Bench Intermediate"));
    fs::write(dir.join("root.pem"), pem("CERTIFICATE", root.der.as_ref())).expect("root.pem");
    let provider = rustls::crypto::ring::default_provider();
    let key = rcgen::KeyPair::generate().expect("key");
    let mut resolver = ResolvesServerCertUsingSni::new();
    for i in 0..max {
        let spec = LeafSpec::new()
            .uri(&format!("sip:d{i}.test"))
            .dns(&format!("d{i}.test"));
        let leaf = inter.leaf_with_key(spec, &key);
        let chain = vec![leaf.der.clone(), inter.der.clone()];
        let certified =
            CertifiedKey::from_der(chain, leaf.key.clone_key(), &provider).expect("key");
        resolver.add(&format!("d{i}.test"), certified).expect("sni");
    }
    let resolver = Arc::new(resolver);
    let ports: Vec<u16> = (0..SERVERS).map(|_| tls_server(resolver.clone())).collect();
    let (_knot, dns_port) = knot(&dir, max, &ports);
    println!("domains  jobs  wall_s  peak_rss_MiB  accepted  (median of {RUNS}; the runs sorted)");
    let mut results = Vec::new();
    for &n in &sizes {
        // The median of RUNS runs: a burst of load elsewhere on the shared machine moves one
        // run, not the result.
        let mut runs: Vec<(f64, u64, usize)> = Vec::new();
        for _ in 0..RUNS {
            runs.push(run(&sipcert, &dir, n, dns_port));
        }
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (wall, _, accepted) = runs[RUNS / 2];
        let rss = runs.iter().map(|r| r.1).max().unwrap_or(0);
        #[allow(clippy::cast_precision_loss)] // KiB to MiB, for display
        let mib = rss as f64 / 1024.0;
        let all: Vec<String> = runs.iter().map(|r| format!("{:.2}", r.0)).collect();
        println!(
            "{n:>7}  {JOBS:>4}  {wall:>6.2}  {mib:>12.1}  {accepted:>8}  (runs: {})",
            all.join(" ")
        );
        results.push((n, wall));
    }
    if let [(small, t_small), .., (large, t_large)] = results.as_slice() {
        #[allow(clippy::cast_precision_loss)] // domain counts, for display
        let bound = 1.2 * (*large as f64 / *small as f64) * t_small;
        println!("bound 1.2 x ({large}/{small}) x {t_small:.2} s = {bound:.2} s; measured {t_large:.2} s");
    }
    let _ = fs::remove_dir_all(&dir);
}
