//! `sipcert probe` with RFC 3263 resolution against a real DNS server.
//!
//! - Knot DNS (Debian `knot`, `knot-dnsutils`) is started per test run on 127.0.0.1 at a free
//!   port from `tests/dns/knot.conf.in` and the zone templates next to it: a test root zone
//!   (its DNSKEY is the trust anchor given to `--dnssec-trust-anchor`), `signed.test` signed
//!   by Knot's automatic signing (its DS is added to the root once the keys exist),
//!   `unsigned.test` (an insecure delegation), `bogus.test` (signed, but the root's DS names
//!   another key), `servfail.test` (no zone file: SERVFAIL) and `island.test` (signed, delegated
//!   without a DS: secure only under its own key as an island trust anchor).
//! - A second Knot serves the test root, `signed.test` and `unsigned.test` with no DNSSEC at all,
//!   standing in for a resolver that strips DNSSEC.
//! - Trust anchor files in each form: the root's DNSKEY, the root's DS (as `keymgr . ds` prints
//!   it, with comments), the island's DNSKEY, and a wrong key for the island.
//! - rustls TLS servers on loopback behind the SRV targets present: a good RFC 5922
//!   certificate, one naming only the SRV target, DANE-EE and DANE-TA matches, a TLSA
//!   mismatch, an expired certificate, and a leaf sent without its intermediate; Kamailio
//!   (as in `tests/interop.rs`) behind `_sips._tcp.example.test` answers `--options`.
//!
//! When Knot (or Kamailio, for its part) is missing the test prints `skipping: ...` and passes, unless
//! `SIPCERT_REQUIRE_INTEROP=1` (set by `.ci/run`).
#![allow(
    clippy::too_many_lines,
    clippy::similar_names,
    clippy::single_match_else,
    clippy::format_collect
)] // test code: one scenario table per test

use std::fs;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sipcert_interop_tests::harness::{self, free_udp_tcp_port, Proc, Scratch};
use sipcert_testkit::pki::{Ca, CaSpec, Date, Issued, LeafSpec};
use sipcert_testkit::programs::{self, skip, Target};

const KNOT_CONF: &str = include_str!("dns/knot.conf.in");
const ROOT_ZONE: &str = include_str!("dns/root.zone.in");
const SIGNED_ZONE: &str = include_str!("dns/signed.test.zone.in");
const UNSIGNED_ZONE: &str = include_str!("dns/unsigned.test.zone.in");
const BOGUS_ZONE: &str = include_str!("dns/bogus.test.zone.in");
const EXAMPLE_ZONE: &str = include_str!("dns/example.test.zone.in");
const ISLAND_ZONE: &str = include_str!("dns/island.test.zone.in");
const STRIPPING_CONF: &str = include_str!("dns/stripping.conf.in");
const KAMAILIO_CFG: &str = include_str!("interop/kamailio.cfg.in");
const KAMAILIO_TLS: &str = include_str!("interop/tls.cfg.in");

// ---------------------------------------------------------------------------------------
// Scratch directory and processes
// ---------------------------------------------------------------------------------------

/// knotd (or Kamailio) in its own process group, ended on drop by [`Proc`].
struct Knot {
    proc: Proc,
    conf: PathBuf,
    port: u16,
}

impl Knot {
    fn log(&self) -> String {
        self.proc.log()
    }
}

fn run(program: &str, args: &[&str]) -> (bool, String) {
    match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) => (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
        ),
        Err(e) => (false, format!("{program}: {e}")),
    }
}

/// knotd, knotc, keymgr and kdig, or a skip message.
fn knot_programs() -> Option<[PathBuf; 4]> {
    let found: Vec<Option<PathBuf>> = ["knotd", "knotc", "keymgr", "kdig"]
        .iter()
        .map(|p| programs::find(p, &format!("SIPCERT_{}", p.to_ascii_uppercase())))
        .collect();
    match found.as_slice() {
        [Some(a), Some(b), Some(c), Some(d)] => Some([a.clone(), b.clone(), c.clone(), d.clone()]),
        _ => {
            skip("Knot DNS is not installed (Debian: apt-get install knot knot-dnsutils)");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// TLS servers
// ---------------------------------------------------------------------------------------

/// A rustls server on a loopback port presenting `chain`; it answers an OPTIONS with 200.
fn tls_server(chain: Vec<CertificateDer<'static>>, key: PrivateKeyDer<'static>) -> u16 {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server certificate"),
    );
    harness::tls_server(config)
}

/// A loopback port that accepts TCP connections and never says anything.
fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for sock in listener.incoming().flatten() {
            held.push(sock);
        }
    });
    port
}

fn pem(der: &[u8]) -> String {
    pem_labelled(der, "CERTIFICATE")
}

fn pem_labelled(der: &[u8], label: &str) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = format!("-----BEGIN {label}-----\n");
    let mut line = String::new();
    for chunk in der.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                line.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                line.push('=');
            }
        }
        if line.len() >= 64 {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
    }
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

fn spki_sha256(issued: &Issued) -> String {
    let key = rcgen::KeyPair::try_from(issued.key.secret_der()).expect("key");
    hex(&Sha256::digest(
        rcgen::PublicKeyData::subject_public_key_info(&key),
    ))
}

// ---------------------------------------------------------------------------------------
// The world: PKI, servers, zones, Knot
// ---------------------------------------------------------------------------------------

struct World {
    scratch: Scratch,
    _knot: Knot,
    _stripping: Knot,
    /// Kamailio behind `sips:example.test` (SRV in the unsigned zone), when installed.
    kamailio: Option<Knot>,
    dns: String,
    /// The second Knot: the same names without DNSSEC.
    stripping_dns: String,
    /// The test root's KSK, DNSKEY form.
    anchor: PathBuf,
    /// The test root's KSK, DS form with comments, as `keymgr . ds` prints it.
    ds_anchor: PathBuf,
    /// island.test's KSK, DNSKEY form: an island of security.
    island_anchor: PathBuf,
    /// signed.test's KSK under island.test's name: no island.test key matches it.
    wrong_island_anchor: PathBuf,
    roots: PathBuf,
}

fn build_world() -> Option<World> {
    let [knotd, knotc, keymgr, kdig] = knot_programs()?;
    let scratch = Scratch::new("world");
    // The trusted PKI, and a second, untrusted one for DANE-TA.
    let root = Ca::root("DNS Probe Root");
    let inter = root.intermediate(CaSpec::new("DNS Probe Intermediate"));
    let dane_root = Ca::root("DANE-only Root");
    let dane_inter = dane_root.intermediate(CaSpec::new("DANE-only Intermediate"));
    let roots = scratch.write("root.pem", pem(root.der.as_ref()));
    let serve = |issued: &Issued, chain_extra: &[&Ca]| {
        let mut chain = vec![issued.der.clone()];
        chain.extend(chain_extra.iter().map(|c| c.der.clone()));
        tls_server(chain, issued.key.clone_key())
    };
    let good = inter.leaf(
        LeafSpec::new()
            .uri("sip:signed.test")
            .uri("sip:bogus.test")
            .uri("sip:three.signed.test")
            .uri("sip:cname.signed.test")
            .uri("sip:island.test")
            .uri("sip:good.unsigned.test"),
    );
    let srvname = inter.leaf(LeafSpec::new().dns("sip2.signed.test"));
    let dane_ee = Ca::root("Unknown").leaf(LeafSpec::new().dns("nothing.example"));
    let dane_ta = dane_inter.leaf(LeafSpec::new().uri("sip:signed.test"));
    let mismatch = inter.leaf(LeafSpec::new().uri("sip:mismatch.signed.test"));
    let expired = inter.leaf(
        LeafSpec::new()
            .uri("sip:three.signed.test")
            .validity(Date(2001, 1, 1), Date(2002, 1, 1)),
    );
    let nointer = inter.leaf(LeafSpec::new().uri("sip:three.signed.test"));
    let unsigned = inter.leaf(LeafSpec::new().dns("sip2.unsigned.test"));
    let kamailio_cert = inter.leaf(LeafSpec::new().uri("sip:example.test"));
    let (kamailio, kamailio_port) = match start_kamailio(&scratch, &kamailio_cert, &inter, &roots) {
        Some((proc, port)) => (Some(proc), port),
        None => (None, 9),
    };
    let ports = [
        ("@PORT_KAMAILIO@", kamailio_port),
        ("@PORT_GOOD@", serve(&good, &[&inter])),
        ("@PORT_SRVNAME@", serve(&srvname, &[&inter])),
        ("@PORT_DANE_EE@", serve(&dane_ee, &[])),
        ("@PORT_DANE_TA@", serve(&dane_ta, &[&dane_inter])),
        ("@PORT_MISMATCH@", serve(&mismatch, &[&inter])),
        ("@PORT_EXPIRED@", serve(&expired, &[&inter])),
        ("@PORT_NOINTER@", serve(&nointer, &[])),
        ("@PORT_UNSIGNED@", serve(&unsigned, &[&inter])),
        ("@PORT_SILENT@", silent_server()),
    ];
    let tlsa = [
        ("@TLSA_DANE_EE@", format!("3 1 1 {}", spki_sha256(&dane_ee))),
        (
            "@TLSA_DANE_TA@",
            format!("2 0 1 {}", hex(&Sha256::digest(dane_inter.der.as_ref()))),
        ),
        ("@TLSA_WRONG@", format!("3 1 1 {}", spki_sha256(&good))),
    ];
    let render = |template: &str| {
        let mut s = template.to_owned();
        for (k, v) in &ports {
            s = s.replace(k, &v.to_string());
        }
        for (k, v) in &tlsa {
            s = s.replace(k, v);
        }
        s
    };
    let dir = scratch.dir().display().to_string();
    let port = free_udp_tcp_port();
    for d in ["run", "db", "zones"] {
        fs::create_dir_all(scratch.path(d)).expect("knot dirs");
    }
    let conf = scratch.write(
        "knot.conf",
        KNOT_CONF
            .replace("@PORT@", &port.to_string())
            .replace("@DIR@", &dir),
    );
    scratch.write("zones/root.zone", ROOT_ZONE);
    scratch.write("zones/signed.test.zone", render(SIGNED_ZONE));
    scratch.write("zones/unsigned.test.zone", render(UNSIGNED_ZONE));
    scratch.write("zones/bogus.test.zone", render(BOGUS_ZONE));
    scratch.write("zones/example.test.zone", render(EXAMPLE_ZONE));
    scratch.write("zones/island.test.zone", render(ISLAND_ZONE));
    // The stripping server: the same root and zones, no signing.
    let strip_dir = scratch.path("strip");
    for d in ["run", "db", "zones"] {
        fs::create_dir_all(strip_dir.join(d)).expect("stripping knot dirs");
    }
    let strip_port = free_udp_tcp_port();
    let strip_conf = scratch.write(
        "strip/knot.conf",
        STRIPPING_CONF
            .replace("@PORT@", &strip_port.to_string())
            .replace("@DIR@", &strip_dir.display().to_string()),
    );
    scratch.write("strip/zones/root.zone", ROOT_ZONE);
    scratch.write("strip/zones/signed.test.zone", render(SIGNED_ZONE));
    scratch.write("strip/zones/unsigned.test.zone", render(UNSIGNED_ZONE));
    let mut strip_cmd = Command::new(&knotd);
    strip_cmd.arg("-c").arg(&strip_conf);
    let stripping = Knot {
        proc: Proc::spawn("knotd", strip_cmd, scratch.path("strip/knotd.log")),
        conf: strip_conf,
        port: strip_port,
    };
    let mut cmd = Command::new(&knotd);
    cmd.arg("-c").arg(&conf);
    let knot = Knot {
        proc: Proc::spawn("knotd", cmd, scratch.path("knotd.log")),
        conf: conf.clone(),
        port,
    };
    let conf_s = knot.conf.display().to_string();
    // The keys exist once Knot has signed: the DS of signed.test, then the root's DNSKEY.
    let wait = |what: &str, f: &dyn Fn() -> Option<String>| -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(v) = f() {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "Knot: no {what} within 30 s\n--- knotd log ---\n{}",
                knot.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let keymgr_s = keymgr.display().to_string();
    let ds = wait("DS for signed.test", &|| {
        let (ok, out) = run(&keymgr_s, &["-c", &conf_s, "signed.test", "ds"]);
        out.lines()
            .find(|l| ok && l.contains(" DS ") && l.split_whitespace().nth(4) == Some("2"))
            .map(str::to_owned)
    });
    let dnskey = wait("root DNSKEY", &|| {
        let (ok, out) = run(&keymgr_s, &["-c", &conf_s, ".", "dnskey"]);
        let keys: Vec<String> = out
            .lines()
            .filter(|l| ok && l.contains(" DNSKEY 257 "))
            .map(|l| l.replacen(". DNSKEY", ". 3600 IN DNSKEY", 1))
            .collect();
        (!keys.is_empty()).then(|| keys.join("\n") + "\n")
    });
    let anchor = scratch.write("root.key", dnskey);
    let ksk = |zone: &str| {
        wait(&format!("{zone} DNSKEY"), &|| {
            let (ok, out) = run(&keymgr_s, &["-c", &conf_s, zone, "dnskey"]);
            let keys: Vec<String> = out
                .lines()
                .filter(|l| ok && l.contains(" DNSKEY 257 "))
                .map(|l| l.replacen(" DNSKEY", " 3600 IN DNSKEY", 1))
                .collect();
            (!keys.is_empty()).then(|| keys.join("\n") + "\n")
        })
    };
    let root_ds = wait("root DS", &|| {
        let (ok, out) = run(&keymgr_s, &["-c", &conf_s, ".", "ds"]);
        let ds: Vec<&str> = out.lines().filter(|l| ok && l.contains(" DS ")).collect();
        (!ds.is_empty()).then(|| ds.join("\n") + "\n")
    });
    let ds_anchor = scratch.write(
        "root.ds",
        format!(
            "; The test root's key-signing key, as `keymgr . ds` prints it\n\n{root_ds}# end\n"
        ),
    );
    let island_anchor = scratch.write("island.key", ksk("island.test"));
    let wrong_island_anchor = scratch.write(
        "wrong-island.key",
        ksk("signed.test").replace("signed.test.", "island.test."),
    );
    // signed.test gets its DS; bogus.test a DS with signed.test's key: it cannot match.
    let mut root_zone = ROOT_ZONE.replace(". SOA ns. hostmaster. 1 ", ". SOA ns. hostmaster. 2 ");
    root_zone.push_str(&ds);
    root_zone.push('\n');
    root_zone.push_str(&ds.replacen("signed.test.", "bogus.test.", 1));
    root_zone.push('\n');
    scratch.write("zones/root.zone", root_zone);
    let (ok, out) = run(
        &knotc.display().to_string(),
        &["-c", &conf_s, "-b", "-t", "20", "zone-reload", "."],
    );
    assert!(ok, "knotc zone-reload .: {out}");
    let port_s = format!("{port}");
    let kdig_s = kdig.display().to_string();
    wait("DS signed.test in the root", &|| {
        let (_, out) = run(
            &kdig_s,
            &["@127.0.0.1", "-p", &port_s, "+short", "DS", "signed.test."],
        );
        (!out.trim().is_empty()).then_some(out)
    });
    let dns = format!("127.0.0.1:{}", knot.port);
    let stripping_dns = format!("127.0.0.1:{}", stripping.port);
    wait("the stripping server", &|| {
        let (_, out) = run(
            &kdig_s,
            &[
                "@127.0.0.1",
                "-p",
                &stripping.port.to_string(),
                "+short",
                "SRV",
                "_sips._tcp.signed.test.",
            ],
        );
        (!out.trim().is_empty()).then_some(out)
    });
    Some(World {
        scratch,
        _knot: knot,
        _stripping: stripping,
        kamailio,
        dns,
        stripping_dns,
        anchor,
        ds_anchor,
        island_anchor,
        wrong_island_anchor,
        roots,
    })
}

/// Kamailio (as in `tests/interop.rs`) presenting `URI:sip:example.test` on a TLS port; it
/// answers OPTIONS for example.test with 200. `None` (after `skip`) when it is not installed.
fn start_kamailio(
    scratch: &Scratch,
    leaf: &Issued,
    inter: &Ca,
    roots: &std::path::Path,
) -> Option<(Knot, u16)> {
    let harness::KamailioInstall { binary, modules } = harness::kamailio()?;
    let chain = scratch.write(
        "kamailio.pem",
        pem(leaf.der.as_ref()) + &pem(inter.der.as_ref()),
    );
    let key = scratch.write(
        "kamailio.key",
        pem_labelled(leaf.key.secret_der(), "PRIVATE KEY"),
    );
    let udp_port = free_udp_tcp_port();
    let tls_port = free_udp_tcp_port();
    let path = |p: &std::path::Path| p.display().to_string();
    let tls_cfg = scratch.write(
        "kamailio-tls.cfg",
        KAMAILIO_TLS
            .replace("@SERVER_CERT@", &path(&chain))
            .replace("@SERVER_KEY@", &path(&key))
            .replace("@CLIENT_CERT@", &path(&chain))
            .replace("@CLIENT_KEY@", &path(&key))
            .replace("@CA@", &path(roots)),
    );
    let cfg = scratch.write(
        "kamailio.cfg",
        KAMAILIO_CFG
            .replace("@MPATH@", &format!("{}/", path(&modules)))
            .replace("@UDP_PORT@", &udp_port.to_string())
            .replace("@TLS_PORT@", &tls_port.to_string())
            .replace("@TLS_CFG@", &path(&tls_cfg))
            .replace("@RELAY_PORT@", "9"),
    );
    let run_dir = scratch.path("kamailio-run");
    fs::create_dir_all(&run_dir).expect("run dir");
    let mut cmd = Command::new(binary);
    cmd.args(["-DD", "-E", "-f"])
        .arg(&cfg)
        .arg("-Y")
        .arg(&run_dir)
        .args(["-m", "64", "-M", "8"])
        .current_dir(scratch.dir());
    let proc = Knot {
        proc: Proc::spawn("kamailio", cmd, scratch.path("kamailio.log")),
        conf: cfg,
        port: tls_port,
    };
    // Ready when its TLS port takes connections.
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", tls_port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "kamailio did not listen on {tls_port}\n--- log ---\n{}",
            proc.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((proc, tls_port))
}

/// `sipcert probe --json` with the test DNS server, trust anchor and roots.
fn probe(w: &World, extra: &[&str]) -> (i32, Value, String) {
    probe_within(w, "15", extra)
}

/// [`probe`] with `--timeout SECONDS`.
fn probe_within(w: &World, seconds: &str, extra: &[&str]) -> (i32, Value, String) {
    probe_with(w, &w.dns, Some(&w.anchor), seconds, extra)
}

/// `sipcert probe --json` asking `dns`, with `anchor` (none: the built-in root anchors).
fn probe_with(
    w: &World,
    dns: &str,
    anchor: Option<&std::path::Path>,
    seconds: &str,
    extra: &[&str],
) -> (i32, Value, String) {
    let binary = programs::cargo_built("sipcert-cli", Target::Bin("sipcert"));
    let anchor = anchor.map(|a| a.display().to_string());
    let roots = w.roots.display().to_string();
    let mut args = vec!["probe", "--json", "--dns-server", dns];
    if let Some(anchor) = &anchor {
        args.extend(["--dnssec-trust-anchor", anchor.as_str()]);
    }
    args.extend(["--roots", &roots, "--timeout", seconds]);
    args.extend_from_slice(extra);
    let out = Command::new(binary)
        .args(&args)
        .env_remove("SSLKEYLOGFILE")
        .stdin(Stdio::null())
        .output()
        .expect("run sipcert");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let text = format!(
        "sipcert {}\n{stdout}\n{}\n(scratch {})",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr),
        w.scratch.dir().display()
    );
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v, text)
}

fn target<'a>(v: &'a Value, host: &str) -> &'a Value {
    v["targets"]
        .as_array()
        .and_then(|t| t.iter().find(|x| x["target"] == host))
        .unwrap_or(&Value::Null)
}

fn codes(v: &Value, field: &str) -> Vec<String> {
    v[field]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    x.get("code")
                        .unwrap_or(x)
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

/// One Knot instance and one set of TLS servers for every scenario (Knot is stopped when the
/// world is dropped at the end).
#[test]
fn dns_probe_scenarios() {
    let Some(w) = build_world() else { return };
    signed_zone_every_target_accepted(&w);
    failures_have_stable_codes(&w);
    kamailio_answers_options(&w);
    ds_anchor_for_the_root(&w);
    island_anchor_secures_its_zone_only(&w);
    signed_cname_chain_with_secure_nodata(&w);
    stripping_resolver_has_its_own_code(&w);
    tls_scan_looks_with_the_srv_target_as_sni(&w);
    fleet_grades_follow_dnssec_and_dane(&w);
}

/// The DNSSEC status of each step, as (step, name, status).
fn statuses(v: &Value) -> Vec<(String, String, String)> {
    v["dns"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let f = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
                    (f("step"), f("name"), f("status"))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A DS-form anchor file (the form IANA publishes the root's in; `keymgr . ds` output, several
/// records, comments) validates the signed zone as the DNSKEY form does.
fn ds_anchor_for_the_root(w: &World) {
    let (code, v, out) = probe_with(w, &w.dns, Some(&w.ds_anchor), "15", &["sips:signed.test"]);
    assert_eq!(code, 0, "DS anchor: {out}");
    let steps = statuses(&v);
    assert!(
        !steps.is_empty() && steps.iter().all(|(_, _, s)| s == "secure"),
        "DS anchor: every step secure: {out}"
    );
    assert_eq!(
        target(&v, "sip2.signed.test")["matched"]["via"],
        "secure-srv-target",
        "{out}"
    );
    // A line that is no DS or DNSKEY record: a usage error naming the file, the line and what
    // was expected there.
    let bad = w.scratch.write(
        "bad.key",
        format!(
            "; two good anchors, then a bad line\n{}. IN DS 20326 8 2 E06D44B8\n",
            fs::read_to_string(&w.ds_anchor).expect("ds anchor")
        ),
    );
    let lines = fs::read_to_string(&bad)
        .expect("bad anchor")
        .lines()
        .count();
    let (code, _, out) = probe_with(w, &w.dns, Some(&bad), "15", &["sips:signed.test"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("{}:{lines}: DS digest has 4 bytes", bad.display())),
        "file:line and what was expected: {out}"
    );
}

/// An island of security: island.test's own key as the only anchor makes island.test secure,
/// leaves names under no anchor insecure (never bogus), and a key that island.test does not
/// use keeps it bogus.
fn island_anchor_secures_its_zone_only(w: &World) {
    let island = Some(w.island_anchor.as_path());
    let (code, v, out) = probe_with(w, &w.dns, island, "15", &["sips:island.test"]);
    assert_eq!(code, 0, "island anchor: {out}");
    let steps = statuses(&v);
    assert!(
        steps
            .iter()
            .any(|(step, _, s)| step == "srv" && s == "secure"),
        "{out}"
    );
    assert!(steps.iter().all(|(_, _, s)| s == "secure"), "{out}");
    assert_eq!(
        target(&v, "sip1.island.test")["srv_target_reference"],
        true,
        "{out}"
    );
    // A zone under no configured anchor: insecure, probed as before.
    for aus in ["sips:unsigned.test", "sips:signed.test"] {
        let (_, v, out) = probe_with(w, &w.dns, island, "15", &[aus]);
        let steps = statuses(&v);
        assert!(
            !steps.is_empty() && steps.iter().all(|(_, _, s)| s == "insecure"),
            "{aus} under no anchor: every step insecure: {out}"
        );
        assert!(
            !codes(&v, "reasons").iter().any(|c| c == "dns-bogus"),
            "{aus}: {out}"
        );
        assert!(
            v["targets"].as_array().is_some_and(|t| !t.is_empty()
                && t.iter()
                    .all(|x| x["certificates"].as_array().is_some_and(|c| !c.is_empty()))),
            "{aus}: every target probed: {out}"
        );
    }
    // Fail closed: an anchor that no island.test key matches.
    let wrong = Some(w.wrong_island_anchor.as_path());
    let (code, v, out) = probe_with(w, &w.dns, wrong, "15", &["sips:island.test"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        codes(&v, "reasons").iter().any(|c| c == "dns-bogus"),
        "{out}"
    );
    assert!(
        v["targets"]
            .as_array()
            .is_none_or(|t| t.iter().all(|x| x["tls"].is_null())),
        "connected after a bogus answer: {out}"
    );
}

/// `_sips._tcp SRV c1`, `c1 CNAME c2`, `c2 CNAME d3`, `d3 A`, no AAAA: the AAAA answer is a
/// secure NODATA (signed CNAMEs and a signed denial at the chain's end), and the target is
/// probed.
fn signed_cname_chain_with_secure_nodata(w: &World) {
    let (code, v, out) = probe(w, &["sips:cname.signed.test"]);
    assert_eq!(code, 0, "{out}");
    let steps = statuses(&v);
    assert!(
        steps
            .iter()
            .any(|(step, name, s)| step == "aaaa" && name == "c1.signed.test." && s == "secure"),
        "AAAA of the CNAME chain: secure NODATA: {out}"
    );
    assert!(steps.iter().all(|(_, _, s)| s == "secure"), "{out}");
    let t = target(&v, "c1.signed.test");
    assert_eq!(t["verdict"], "accept", "{out}");
    assert!(
        t["address"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{out}"
    );
}

/// A resolver that strips DNSSEC: its own code and advice, nothing probed; with `--dnssec off`
/// every answer is insecure and the targets are probed against the SIP domain only.
fn stripping_resolver_has_its_own_code(w: &World) {
    let strip = w.stripping_dns.as_str();
    for anchor in [Some(w.anchor.as_path()), Some(w.ds_anchor.as_path()), None] {
        let (code, v, out) = probe_with(w, strip, anchor, "15", &["sips:signed.test"]);
        assert_eq!(code, 1, "{out}");
        let reasons = v["reasons"].as_array().cloned().unwrap_or_default();
        let unavailable = reasons
            .iter()
            .find(|r| r["code"] == "dns-dnssec-unavailable");
        let message = unavailable.map_or("", |r| r["message"].as_str().unwrap_or_default());
        assert!(message.contains(strip), "names the server: {out}");
        assert!(message.contains("--dnssec off"), "says what to do: {out}");
        assert!(
            !codes(&v, "reasons").iter().any(|c| c == "dns-bogus"),
            "{out}"
        );
        assert!(
            v["targets"].as_array().is_none_or(Vec::is_empty),
            "nothing probed: {out}"
        );
    }
    // --dnssec off: resolution runs, every answer insecure, the certificate must name the domain.
    let off = |aus: &str| probe_with(w, strip, Some(&w.anchor), "15", &["--dnssec", "off", aus]);
    let (code, v, out) = off("sips:good.unsigned.test");
    assert_eq!(code, 0, "{out}");
    assert!(
        statuses(&v).iter().all(|(_, _, s)| s == "insecure"),
        "{out}"
    );
    assert_eq!(
        target(&v, "sip1.unsigned.test")["matched"]["via"],
        "reference",
        "{out}"
    );
    // The SRV target is no identity and TLSA records are not used without DNSSEC.
    let (code, v, out) = off("sips:signed.test");
    assert_eq!(code, 1, "{out}");
    assert!(
        statuses(&v).iter().all(|(_, _, s)| s == "insecure"),
        "{out}"
    );
    assert_eq!(target(&v, "sip1.signed.test")["verdict"], "accept", "{out}");
    let sip2 = target(&v, "sip2.signed.test");
    assert_eq!(sip2["verdict"], "reject", "{out}");
    assert!(
        codes(sip2, "hints")
            .iter()
            .any(|h| h == "hint-srv-target-would-match"),
        "{out}"
    );
    for host in ["sip3.signed.test", "sip4.signed.test"] {
        let t = target(&v, host);
        assert_ne!(t["accepted_by"], "dane", "{host}: {out}");
        assert_eq!(t["verdict"], "reject", "{host}: {out}");
    }
    assert!(
        !statuses(&v).iter().any(|(step, _, _)| step == "tlsa"),
        "no TLSA lookup without DNSSEC: {out}"
    );
}

/// `--options` against Kamailio, found through SRV in an unsigned zone: its status line.
fn kamailio_answers_options(w: &World) {
    if w.kamailio.is_none() {
        return; // skipped (said so at start)
    }
    let (code, v, out) = probe(w, &["--options", "sips:example.test"]);
    assert_eq!(code, 0, "{out}");
    let t = target(&v, "kamailio.example.test");
    assert_eq!(t["verdict"], "accept", "{out}");
    assert_eq!(t["matched"]["via"], "reference", "{out}");
    assert_eq!(t["srv_target_reference"], false, "unsigned zone: {out}");
    assert_eq!(
        t["options"]["status"], 200,
        "Kamailio's OPTIONS answer: {out}"
    );
    assert_eq!(t["options"]["reason"], "OK", "{out}");
}

/// The signed zone: NAPTR -> SRV -> four targets, each accepted for its own reason; the SRV
/// target is a reference only because the answers are secure (RFC 7673).
fn signed_zone_every_target_accepted(w: &World) {
    let (code, v, out) = probe(w, &["--options", "sips:signed.test"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["verdict"], "accept", "{out}");
    let steps: Vec<(String, String)> = v["dns"]
        .as_array()
        .expect("dns steps")
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap_or_default().to_owned(),
                s["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps.first(),
        Some(&("naptr".to_owned(), "secure".to_owned())),
        "{out}"
    );
    assert_eq!(
        steps.get(1),
        Some(&("srv".to_owned(), "secure".to_owned())),
        "{out}"
    );
    // Every step in the signed zone is secure, denials of existence (AAAA, TLSA) included.
    assert!(steps.iter().all(|(_, status)| status == "secure"), "{out}");
    // RFC 2782 order: priority, then weight (heaviest first).
    let order: Vec<&str> = v["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t| t["target"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        order,
        [
            "sip1.signed.test",
            "sip2.signed.test",
            "sip3.signed.test",
            "sip4.signed.test"
        ],
        "{out}"
    );
    // (target, matched via, DANE status, accepted by DANE)
    let rows: &[(&str, &str, &str, bool)] = &[
        ("sip1.signed.test", "reference", "none", false),
        ("sip2.signed.test", "secure-srv-target", "none", false),
        ("sip3.signed.test", "", "verified", true),
        ("sip4.signed.test", "", "verified", true),
    ];
    for (host, via, dane, by_dane) in rows {
        let t = target(&v, host);
        assert_eq!(t["verdict"], "accept", "{host}: {out}");
        assert_eq!(t["srv_target_reference"], true, "{host}: {out}");
        if !via.is_empty() {
            assert_eq!(t["matched"]["via"], *via, "{host}: {out}");
        }
        let dane_status = t["dane"]["status"].as_str().unwrap_or_default();
        if *dane == "none" {
            // Looked up, secure, and no TLSA record: DANE does not apply.
            assert_eq!(dane_status, "no-records", "{host}: {out}");
        } else {
            assert_eq!(dane_status, *dane, "{host}: {out}");
        }
        assert_eq!(t["accepted_by"] == "dane", *by_dane, "{host}: {out}");
        assert_eq!(
            t["options"]["status"], 200,
            "{host}: OPTIONS status line: {out}"
        );
        assert!(
            t["tls"]["version"]
                .as_str()
                .is_some_and(|s| s.contains("TLS")),
            "{host}: {out}"
        );
        assert!(
            t["certificates"][0]["days_left"].is_number(),
            "{host}: {out}"
        );
    }
    // The measurement: four targets probed concurrently take about one target's time.
    let sum: u64 = v["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter_map(|t| t["elapsed_ms"].as_u64())
        .sum();
    eprintln!(
        "4-target probe: wall {} ms (DNS included), sum of the targets' probes {sum} ms",
        v["elapsed_ms"]
    );
}

/// Failures, each with its stable code.
fn failures_have_stable_codes(w: &World) {
    // (AUS, exit code, overall reasons must contain, per-target (host, first reason, hint))
    type Row<'a> = (&'a str, i32, &'a str, &'a [(&'a str, &'a str, &'a str)]);
    let rows: &[Row<'_>] = &[
        (
            "sips:mismatch.signed.test",
            1,
            "target-rejected",
            &[("sip5.signed.test", "dane-mismatch", "")],
        ),
        (
            "sips:three.signed.test",
            1,
            "target-rejected",
            &[
                ("sip1.signed.test", "", ""),
                ("sip6.signed.test", "chain-expired", ""),
                (
                    "sip7.signed.test",
                    "chain-unknown-issuer",
                    "hint-missing-intermediate",
                ),
            ],
        ),
        (
            "sips:unsigned.test",
            1,
            "target-rejected",
            &[(
                "sip2.unsigned.test",
                "no-matching-identity",
                "hint-srv-target-would-match",
            )],
        ),
        ("sips:bogus.test", 1, "dns-bogus", &[]),
        ("sips:nx.signed.test", 1, "dns-no-targets", &[]),
        ("sips:servfail.test", 1, "dns-failure", &[]),
    ];
    for (aus, want_code, overall, targets) in rows {
        let (code, v, out) = probe(w, &[aus]);
        assert_eq!(code, *want_code, "{aus}: {out}");
        assert_eq!(v["verdict"], "reject", "{aus}: {out}");
        assert!(
            codes(&v, "reasons").iter().any(|c| c == overall),
            "{aus}: wants {overall}: {out}"
        );
        for (host, reason, hint) in *targets {
            let t = target(&v, host);
            if reason.is_empty() {
                assert_eq!(t["verdict"], "accept", "{aus} {host}: {out}");
                continue;
            }
            assert_eq!(t["verdict"], "reject", "{aus} {host}: {out}");
            assert_eq!(
                codes(t, "reasons").first().map(String::as_str),
                Some(*reason),
                "{aus} {host}: {out}"
            );
            if !hint.is_empty() {
                assert!(
                    codes(t, "hints").iter().any(|h| h == hint),
                    "{aus} {host}: wants {hint}: {out}"
                );
            }
        }
        if *overall == "dns-bogus" {
            assert!(
                v["targets"]
                    .as_array()
                    .is_none_or(|t| t.iter().all(|x| x["tls"].is_null())),
                "{aus}: connected after a bogus answer: {out}"
            );
        }
    }
    // Two targets that never answer: each fails, within one shared --timeout.
    let (code, v, out) = probe_within(w, "2", &["sips:silent.signed.test"]);
    assert_eq!(code, 1, "{out}");
    for host in ["sip8.signed.test", "sip9.signed.test"] {
        let t = target(&v, host);
        assert_eq!(
            codes(t, "reasons").first().map(String::as_str),
            Some("tls-handshake-failed"),
            "{host}: {out}"
        );
    }
    eprintln!("2 silent targets, --timeout 2: wall {} ms", v["elapsed_ms"]);
    // --first: only the target a client would use first.
    let (code, v, out) = probe(w, &["--first", "sips:three.signed.test"]);
    assert_eq!(
        (code, v["targets"].as_array().map(Vec::len)),
        (0, Some(1)),
        "{out}"
    );
}

/// `--tls-scan` on a resolved target: the certificate is also asked for with SNI = the SRV
/// target (and without SNI); the rustls server behind it serves one certificate to all, and
/// speaks TLS 1.3 and 1.2 only, without ML-KEM (the ring provider).
fn tls_scan_looks_with_the_srv_target_as_sni(w: &World) {
    let (code, v, out) = probe(w, &["--first", "--tls-scan", "sips:signed.test"]);
    assert_eq!(code, 0, "{out}");
    let tls = &target(&v, "sip1.signed.test")["tls"];
    let snis: Vec<Value> = tls["certificates_by_sni"]
        .as_array()
        .map(|a| a.iter().map(|c| c["sni"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(
        snis,
        [
            Value::from("signed.test"),
            Value::Null,
            Value::from("sip1.signed.test")
        ],
        "{out}"
    );
    // The measurement reported in docs/probe.md.
    eprintln!(
        "--tls-scan of one target: {} connections, {} ms (the probe included)",
        tls["scan_connections"],
        target(&v, "sip1.signed.test")["elapsed_ms"]
    );
    assert_eq!(tls["sni_certificates_differ"], false, "{out}");
    assert_eq!(
        tls["versions"],
        serde_json::json!({"TLSv1.3": true, "TLSv1.2": true, "TLSv1.1": false, "TLSv1.0": false, "SSLv3": false}),
        "{out}"
    );
    assert_eq!(tls["groups"]["X25519"], true, "{out}");
    assert_eq!(tls["groups"]["X25519MLKEM768"], false, "{out}");
}

/// Several domains in one run (`probe AUS AUS ...`): each is graded from what Knot and the
/// servers were configured to do: DNSSEC-signed SRV and DANE lift a target to A+, the signed
/// SRV alone leaves A, an insecure zone A, a TLSA mismatch and a bogus zone F with their codes.
fn fleet_grades_follow_dnssec_and_dane(w: &World) {
    // (domain, domain grade, [(target, grade, first cap, lifts)])
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a [(&'a str, &'a str, &'a str, &'a [&'a str])],
    );
    let aus = [
        "sips:signed.test",
        "sips:mismatch.signed.test",
        "sips:bogus.test",
        "sips:good.unsigned.test",
    ];
    let (code, v, out) = probe(w, &aus);
    assert_eq!(code, 1, "{out}");
    let domain = |name: &str| -> &Value {
        v["domains"]
            .as_array()
            .and_then(|d| d.iter().find(|x| x["domain"] == name))
            .unwrap_or(&Value::Null)
    };
    let rows: [Row<'_>; 4] = [
        (
            "sips:signed.test",
            "A",
            &[
                ("sip1.signed.test", "A", "", &["dnssec-signed-srv"]),
                ("sip2.signed.test", "A", "", &["dnssec-signed-srv"]),
                (
                    "sip3.signed.test",
                    "A+",
                    "",
                    &["dnssec-signed-srv", "dane-verified"],
                ),
                (
                    "sip4.signed.test",
                    "A+",
                    "",
                    &["dnssec-signed-srv", "dane-verified"],
                ),
            ],
        ),
        (
            "sips:mismatch.signed.test",
            "F",
            &[(
                "sip5.signed.test",
                "F",
                "dane-mismatch",
                &["dnssec-signed-srv"],
            )],
        ),
        ("sips:bogus.test", "F", &[]),
        (
            "sips:good.unsigned.test",
            "A",
            &[("sip1.unsigned.test", "A", "", &[])],
        ),
    ];
    for (name, domain_grade, targets) in rows {
        let d = domain(name);
        assert_eq!(d["grade"], domain_grade, "{name}: {out}");
        for (host, grade, cap, lifts) in targets {
            let g = &target(d, host)["grade"];
            assert_eq!(g["grade"], *grade, "{name} {host}: {out}");
            assert_eq!(
                g["caps"][0]["code"].as_str().unwrap_or_default(),
                *cap,
                "{name} {host}: {g}"
            );
            assert_eq!(g["lifts"], serde_json::json!(lifts), "{name} {host}: {g}");
        }
    }
    let bogus = domain("sips:bogus.test");
    assert_eq!(bogus["reasons"][0]["code"], "dns-bogus", "{out}");
    let s = &v["summary"];
    assert_eq!(
        (s["domains"].as_u64(), s["domains_accepted"].as_u64()),
        (Some(4), Some(2)),
        "{s}"
    );
}
