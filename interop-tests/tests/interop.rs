//! Interop with real SIP software over TLS, on 127.0.0.1 only.
//!
//! - Kamailio (Debian `kamailio` + `kamailio-tls-modules`) is started per test from
//!   `tests/interop/kamailio.cfg.in` and `tls.cfg.in`, with certificates from the test kit's
//!   PKI (`sipcert_testkit::pki`).
//! - sipcert's client (`src/sip.rs`, also behind `examples/sip_tls_client.rs`)
//!   sends OPTIONS over TLS with SNI = the SIP domain and `SipServerVerifier` deciding.
//! - sipcert's server (same module, behind `examples/sip_tls_server.rs`) authenticates
//!   Kamailio's client certificate with `SipClientVerifier` and authorizes its SIP domain.
//! - SIPp (Debian `sip-tester`) runs `tests/interop/options.xml`.
//!
//! When a program is missing the test prints `skipping: ...` and passes, unless
//! `SIPCERT_REQUIRE_INTEROP=1` (set by `.ci/run`), which turns a missing program into a
//! failure. `SIPCERT_KAMAILIO`, `SIPCERT_SIPP` and `SIPCERT_KAMAILIO_MODULES` point at
//! non-standard installs.
#![allow(
    clippy::case_sensitive_file_extension_comparisons,
    clippy::format_push_string,
    clippy::map_unwrap_or
)] // test code, written before the workspace lint wall

use std::fs;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sipcert::{DomainName, Hint, ReasonCode};
use sipcert_interop_tests::harness::{
    free_tcp_port, free_udp_port, kamailio, udp_exchange, CertFiles, Kamailio, KamailioConfig,
    KamailioInstall, KamailioPki, Proc, Scratch,
};
use sipcert_interop_tests::sip::{self, ServerEvent, SipMessage};
use sipcert_testkit::programs::{self, skip, Target};

const KAMAILIO_CFG: &str = include_str!("interop/kamailio.cfg.in");
const TLS_CFG: &str = include_str!("interop/tls.cfg.in");
const SIPP_SCENARIO: &str = "tests/interop/options.xml";

/// The SIP domain Kamailio serves; its certificate says `URI:sip:example.test`.
const DOMAIN: &str = "example.test";
/// The AUS sipcert's client resolves (RFC 5922 §7.3: the reference is its host).
const AUS: &str = "sips:example.test";
/// Kamailio's client-certificate identity (`URI:sip:kamailio.test`).
const KAMAILIO_DOMAIN: &str = "kamailio.test";

// ---------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------

fn sipp() -> Option<PathBuf> {
    let found = programs::find("sipp", "SIPCERT_SIPP");
    if found.is_none() {
        skip("sipp is not installed (Debian: apt-get install sip-tester)");
    }
    found
}

/// Whether this SIPp was built with OpenSSL (Debian's `sip-tester` 3.6.1 is not).
fn sipp_has_tls(sipp: &Path) -> bool {
    Command::new(sipp)
        .arg("-h")
        .stdin(Stdio::null())
        .output()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr);
            text.contains("-tls_cert")
        })
        .unwrap_or(false)
}

// ---------------------------------------------------------------------------------------
// Scratch directory, certificates, ports
// ---------------------------------------------------------------------------------------

/// The test PKI: one root, a leaf for each role.
type Pki = KamailioPki;

/// Kamailio with this test's templates and PKI: `server` on its TLS port, `client` when it
/// relays to 127.0.0.1:`relay_port`.
fn start_kamailio(
    install: &KamailioInstall,
    scratch: &Scratch,
    pki: &Pki,
    (server, client): (&CertFiles, &CertFiles),
    relay_port: u16,
) -> Kamailio {
    let ready_uri = format!("sip:{DOMAIN}");
    let config = KamailioConfig {
        cfg_template: KAMAILIO_CFG,
        tls_template: TLS_CFG,
        server,
        client,
        ca: &pki.root,
        relay_port,
        ready_uri: &ready_uri,
    };
    Kamailio::start(install, scratch, &config)
}

/// Runs a binary of this workspace, built for this test by `programs::cargo_built` (so it
/// is there and up to date whichever tests were selected): its exit code and output
/// (stdout, then stderr).
fn run_built(scratch: &Scratch, package: &str, target: Target<'_>, args: &[&str]) -> (i32, String) {
    let binary = programs::cargo_built(package, target);
    let mut cmd = Command::new(binary);
    cmd.args(args);
    let (Target::Bin(name) | Target::Example(name)) = target;
    let mut run = Proc::spawn_split(cmd, scratch.path(&format!("{name}.out")));
    let status = run.wait_exit(Duration::from_secs(20));
    let code = status.and_then(|s| s.code()).unwrap_or(-1);
    (code, run.log())
}

/// The `sip_tls_client` example against `connect` for the AUS.
fn run_example_client(scratch: &Scratch, pki: &Pki, connect: SocketAddr) -> (i32, String) {
    let (roots, connect) = (pki.root.display().to_string(), connect.to_string());
    run_built(
        scratch,
        env!("CARGO_PKG_NAME"),
        Target::Example("sip_tls_client"),
        &["--roots", &roots, "--aus", AUS, "--connect", &connect],
    )
}

/// `sipcert probe --json` (the CLI) against `connect` for the AUS: exit code and JSON.
fn run_cli_probe(scratch: &Scratch, pki: &Pki, connect: SocketAddr) -> (i32, serde_json::Value) {
    let (roots, connect) = (pki.root.display().to_string(), connect.to_string());
    let (code, out) = run_built(
        scratch,
        "sipcert-cli",
        Target::Bin("sipcert"),
        &[
            "probe",
            "--json",
            AUS,
            "--connect",
            &connect,
            "--roots",
            &roots,
        ],
    );
    let json = out
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("sipcert probe printed no JSON: {out}"));
    (code, json)
}

/// sipcert's example server on a loopback port, with its events on a channel.
fn start_example_server(
    pki: &Pki,
    allow: &[&str],
) -> (sip::ServerHandle, mpsc::Receiver<ServerEvent>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let settings = sip::ServerSettings {
        roots: sip::load_roots(&pki.root).expect("roots"),
        chain: sip::load_certs(&pki.peer_server.cert).expect("server cert"),
        key: std::sync::Arc::new(sip::load_key(&pki.peer_server.key).expect("server key")),
        client_auth_mandatory: true,
        allow: Some(
            allow
                .iter()
                .map(|d| DomainName::from_ascii(d).expect("domain"))
                .collect(),
        ),
    };
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let handle = sip::serve(listener, settings, move |e| {
        let _ = tx.lock().expect("lock").send(e);
    })
    .expect("start example server");
    (handle, rx)
}

/// The first `Request` event within `timeout` (handshake failures are collected into the
/// panic message).
fn next_request(rx: &mpsc::Receiver<ServerEvent>, timeout: Duration, context: &str) -> ServerEvent {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(e @ ServerEvent::Request { .. }) => return e,
            Ok(other) => seen.push(other.to_string()),
            Err(_) => break,
        }
    }
    panic!("the example server saw no request within {timeout:?}; events: {seen:?}\n{context}");
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

/// Kamailio presents `URI:sip:example.test`: sipcert's client (SNI example.test,
/// SipServerVerifier) completes the handshake and gets 200 OK from Kamailio itself.
#[test]
fn kamailio_domain_certificate_is_accepted() {
    let Some(install) = kamailio() else { return };
    let started = Instant::now();
    let scratch = Scratch::new("domain");
    let pki = Pki::create(&scratch, None);
    let k = start_kamailio(
        &install,
        &scratch,
        &pki,
        (&pki.domain, &pki.kamailio_client),
        9,
    );
    let config = sip::client_config(sip::load_roots(&pki.root).unwrap(), None).unwrap();
    let outcome = sip::options_over_tls(config, AUS, k.tls, Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{e}\n--- kamailio log ---\n{}", k.log()));
    let log = k.log();
    let r = &outcome.response;
    assert_eq!(r.status_code(), Some(200), "response:\n{r}\nlog:\n{log}");
    assert!(
        r.header("server").is_some_and(|s| s.contains("kamailio")),
        "not Kamailio's answer:\n{r}"
    );
    assert_eq!(
        r.header("call-id"),
        outcome.request.header("call-id"),
        "response to another request:\n{r}"
    );
    assert_eq!(
        r.all("via"),
        outcome.request.all("via"),
        "Via not echoed:\n{r}"
    );
    // Kamailio saw the request over TLS, and the SNI was the SIP domain (RFC 5922 §7.8).
    assert!(
        k.proc.wait_log(
            &format!("REQUEST OPTIONS {AUS} from tls:127.0.0.1:"),
            Duration::from_secs(2)
        ),
        "kamailio did not log the TLS request:\n{log}"
    );
    assert!(
        k.log().contains(&format!("sni={DOMAIN}")),
        "kamailio did not receive SNI {DOMAIN}:\n{}",
        k.log()
    );
    let (code, out) = run_example_client(&scratch, &pki, k.tls);
    assert_eq!(code, 0, "examples/sip_tls_client: {out}");
    assert!(
        out.starts_with("SIP/2.0 200 OK\n"),
        "examples/sip_tls_client: {out}"
    );
    let (code, json) = run_cli_probe(&scratch, &pki, k.tls);
    assert_eq!(code, 0, "sipcert probe: {json}");
    assert_eq!(json["verdict"], "accept", "{json}");
    assert_eq!(json["chain"], "valid", "{json}");
    assert_eq!(json["matched"]["domain"], DOMAIN, "{json}");
    assert_eq!(json["matched"]["source"], "san-uri", "{json}");
    eprintln!(
        "kamailio accepted: {} over {} in {:?}",
        r.start_line,
        outcome.tls,
        started.elapsed()
    );
}

/// Kamailio presents an RFC 3261 host-style certificate (`DNS:sip.example.test`): the chain
/// is valid, but sipcert's client refuses it for `sips:example.test`, names the rule
/// (RFC 5922) and the hint, and sends no SIP.
#[test]
fn kamailio_host_style_certificate_is_refused_with_rule_and_hint() {
    let Some(install) = kamailio() else { return };
    let scratch = Scratch::new("host-style");
    let pki = Pki::create(&scratch, None);
    let k = start_kamailio(
        &install,
        &scratch,
        &pki,
        (&pki.host_style, &pki.kamailio_client),
        9,
    );
    let config = sip::client_config(sip::load_roots(&pki.root).unwrap(), None).unwrap();
    let err = match sip::options_over_tls(config, AUS, k.tls, Duration::from_secs(10)) {
        Ok(o) => panic!(
            "sipcert accepted a host-style certificate for {AUS}: {}\n{}",
            o.response,
            k.log()
        ),
        Err(e) => e,
    };
    let text = err.to_string();
    let rejected = err
        .rejection()
        .unwrap_or_else(|| panic!("not a sipcert identity rejection: {text}"));
    assert!(
        rejected.has_reason(ReasonCode::NoMatchingIdentity),
        "{text}"
    );
    assert!(
        rejected
            .hints()
            .iter()
            .any(|h| h.code() == Hint::HostWithinDomain),
        "{text}"
    );
    assert!(
        text.contains("RFC 5922"),
        "the message names no rule: {text}"
    );
    assert!(
        text.contains("hint-host-within-domain"),
        "the message names no hint: {text}"
    );
    assert!(text.contains("sip.example.test"), "{text}");
    let (code, out) = run_example_client(&scratch, &pki, k.tls);
    assert_eq!(code, 1, "examples/sip_tls_client: {out}");
    assert!(
        out.contains("RFC 5922") && out.contains("hint-host-within-domain"),
        "examples/sip_tls_client: {out}"
    );
    let (code, json) = run_cli_probe(&scratch, &pki, k.tls);
    assert_eq!(code, 1, "sipcert probe: {json}");
    assert_eq!(json["verdict"], "reject", "{json}");
    assert_eq!(json["chain"], "valid", "{json}");
    assert_eq!(json["reasons"][0]["code"], "no-matching-identity", "{json}");
    assert_eq!(json["hints"][0], "hint-host-within-domain", "{json}");
    // The handshakes failed, so no SIP request reached Kamailio over TLS.
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !k.log().contains(&format!("REQUEST OPTIONS {AUS}")),
        "a request reached Kamailio despite the refusal:\n{}",
        k.log()
    );
    eprintln!("refused as expected: {text}");
}

/// What came back when a UDP OPTIONS `sip:peer.test` was relayed by Kamailio over mutual TLS
/// to sipcert's example server.
struct Relayed {
    response: SipMessage,
    /// Everything the example server reported, in order.
    events: Vec<ServerEvent>,
    kamailio_log: String,
}

impl Relayed {
    /// The first request the example server answered.
    fn request(&self) -> &ServerEvent {
        self.events
            .iter()
            .find(|e| matches!(e, ServerEvent::Request { .. }))
            .unwrap_or_else(|| {
                panic!(
                    "the example server answered no request; events: {:?}\n{}",
                    self.events, self.kamailio_log
                )
            })
    }
}

/// Starts the example server (client certificate mandatory, `allow` as allow-list) and a
/// Kamailio relaying to it with the client certificate `client`, sends OPTIONS
/// `sip:peer.test` over UDP to Kamailio and collects the final response and the server's
/// events. `None` when Kamailio is not installed.
fn relay_through_kamailio(
    name: &str,
    allow: &[&str],
    client: fn(&Pki) -> &CertFiles,
) -> Option<Relayed> {
    let install = kamailio()?;
    let scratch = Scratch::new(name);
    let pki = Pki::create(&scratch, None);
    let (server, events) = start_example_server(&pki, allow);
    let k = start_kamailio(
        &install,
        &scratch,
        &pki,
        (&pki.domain, client(&pki)),
        server.addr.port(),
    );
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let response = udp_exchange(&sock, k.udp, "sip:peer.test", Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("{e}\n--- kamailio log ---\n{}", k.log()));
    // The server reports before Kamailio can forward its answer; drain what is there.
    let mut collected = Vec::new();
    while let Ok(e) = events.recv_timeout(Duration::from_millis(300)) {
        collected.push(e);
    }
    Some(Relayed {
        response,
        events: collected,
        kamailio_log: k.log(),
    })
}

/// The example server answered OPTIONS `request_uri` with 200 after authenticating
/// Kamailio's client certificate as `kamailio.test` and finding it on the allow-list.
fn assert_kamailio_authorized(event: &ServerEvent, request_uri: &str) {
    let expected = ServerEvent::Request {
        peer: match event {
            ServerEvent::Request { peer, .. } | ServerEvent::HandshakeFailed { peer, .. } => *peer,
        },
        method: "OPTIONS".into(),
        request_uri: request_uri.into(),
        identities: vec![KAMAILIO_DOMAIN.into()],
        authorization: Some(Ok(KAMAILIO_DOMAIN.into())),
        status: Some(200),
    };
    assert_eq!(event, &expected, "example server: {event}");
}

/// Kamailio relays a request over TLS with its client certificate to sipcert's example
/// server, which verifies it with SipClientVerifier, extracts `kamailio.test` and
/// authorizes it; the 200 comes back through Kamailio.
#[test]
fn kamailio_client_certificate_is_authenticated_and_authorized() {
    let Some(relayed) = relay_through_kamailio("mtls", &[KAMAILIO_DOMAIN], |p| &p.kamailio_client)
    else {
        return;
    };
    let (response, event) = (&relayed.response, relayed.request());
    assert_eq!(
        response.status_code(),
        Some(200),
        "{response}\nserver: {event}\n{}",
        relayed.kamailio_log
    );
    assert_kamailio_authorized(event, "sip:peer.test");
    assert!(
        response
            .header("server")
            .is_some_and(|s| s.contains("sipcert")),
        "the 200 is not from the example server:\n{response}"
    );
    eprintln!("example server: {event}");
}

/// The same relay, but Kamailio's SIP domain is not on the example server's allow-list: the
/// handshake succeeds (the certificate is valid) and the request is refused with 403.
#[test]
fn kamailio_client_not_on_allow_list_gets_403() {
    let Some(relayed) =
        relay_through_kamailio("mtls-deny", &["other.test"], |p| &p.kamailio_client)
    else {
        return;
    };
    let (response, event) = (&relayed.response, relayed.request());
    assert_eq!(
        response.status_code(),
        Some(403),
        "{response}\nserver: {event}\n{}",
        relayed.kamailio_log
    );
    let ServerEvent::Request {
        identities,
        authorization,
        ..
    } = event
    else {
        unreachable!()
    };
    assert_eq!(identities, &[KAMAILIO_DOMAIN.to_owned()], "{event}");
    assert_eq!(
        authorization,
        &Some(Err("client-not-allowed".to_owned())),
        "{event}"
    );
}

/// Kamailio relays with a client certificate whose only name is `sip:relay@kamailio.test`
/// (a user part: not a SIP domain identity, RFC 5922 §7.1): SipClientVerifier refuses it
/// during the handshake, so no request reaches the example server and Kamailio answers
/// with an error.
#[test]
fn kamailio_client_certificate_without_sip_identity_is_refused_at_handshake() {
    let Some(relayed) = relay_through_kamailio("mtls-no-identity", &[KAMAILIO_DOMAIN], |p| {
        &p.user_part_client
    }) else {
        return;
    };
    let status = relayed.response.status_code().unwrap_or_default();
    assert!(
        status >= 400,
        "Kamailio's request got through: {}\nevents: {:?}",
        relayed.response,
        relayed.events
    );
    assert!(
        !relayed
            .events
            .iter()
            .any(|e| matches!(e, ServerEvent::Request { .. })),
        "the example server answered a request: {:?}",
        relayed.events
    );
    let refusal = relayed
        .events
        .iter()
        .find_map(|e| match e {
            ServerEvent::HandshakeFailed { error, .. } => Some(error.as_str()),
            ServerEvent::Request { .. } => None,
        })
        .unwrap_or_else(|| panic!("no handshake failure reported: {:?}", relayed.events));
    assert!(refusal.contains("refused by sipcert"), "{refusal}");
    assert!(refusal.contains("no-identities"), "{refusal}");
    // Why: the only name was a user-part URI (RFC 5922 §7.1 refuses it as a domain identity).
    assert!(refusal.contains("uri-has-user-part"), "{refusal}");
    assert!(refusal.contains("RFC 5922"), "{refusal}");
    eprintln!("Kamailio got {status}; example server: {refusal}");
}

/// SIPp runs the OPTIONS scenario; its request reaches sipcert's example server over
/// mutual TLS. Debian's SIPp has no TLS transport, so SIPp speaks UDP to Kamailio, which
/// relays over TLS with its client certificate; with a TLS-enabled SIPp the scenario also
/// runs directly over TLS (`-t l1`) against the example server.
#[test]
fn sipp_options_scenario_reaches_example_server_over_tls() {
    let Some(install) = kamailio() else { return };
    let Some(sipp) = sipp() else { return };
    let started = Instant::now();
    let scratch = Scratch::new("sipp");
    let pki = Pki::create(&scratch, None);
    let (server, events) = start_example_server(&pki, &[KAMAILIO_DOMAIN]);
    let k = start_kamailio(
        &install,
        &scratch,
        &pki,
        (&pki.domain, &pki.kamailio_client),
        server.addr.port(),
    );
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(SIPP_SCENARIO);
    let mut cmd = Command::new(&sipp);
    cmd.arg("-sf")
        .arg(&scenario)
        .args(["-s", "peer", "-m", "1", "-t", "u1", "-i", "127.0.0.1"])
        .args(["-p", &free_udp_port().to_string()])
        .args(["-timeout", "15s", "-timeout_error", "-nostdin", "-nr"])
        .args(["-trace_msg", "-trace_err"])
        .arg(k.udp.to_string())
        .current_dir(scratch.dir());
    let mut run = Proc::spawn("sipp", cmd, scratch.path("sipp.log"));
    let status = run.wait_exit(Duration::from_secs(20));
    let sipp_files = sipp_logs(&scratch);
    let event = next_request(&events, Duration::from_secs(2), &sipp_files);
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "sipp failed ({status:?})\n{}\n{sipp_files}\n--- kamailio ---\n{}",
        run.log(),
        k.log()
    );
    let request_uri = format!("sip:peer@{}", k.udp);
    assert_kamailio_authorized(&event, &request_uri);
    eprintln!("sipp via kamailio: {event} in {:?}", started.elapsed());

    if !sipp_has_tls(&sipp) {
        eprintln!(
            "skipping the direct SIPp TLS leg: this sipp was built without OpenSSL \
             (Debian's sip-tester is); the TLS leg above is Kamailio's"
        );
        return;
    }
    let mut cmd = Command::new(&sipp);
    cmd.arg("-sf")
        .arg(&scenario)
        .args(["-s", "peer", "-m", "1", "-t", "l1", "-i", "127.0.0.1"])
        .args(["-p", &free_tcp_port().to_string()])
        .arg("-tls_cert")
        .arg(&pki.kamailio_client.cert)
        .arg("-tls_key")
        .arg(&pki.kamailio_client.key)
        .args(["-timeout", "15s", "-timeout_error", "-nostdin", "-nr"])
        .arg(server.addr.to_string())
        .current_dir(scratch.dir());
    let mut run = Proc::spawn("sipp-tls", cmd, scratch.path("sipp-tls.log"));
    let status = run.wait_exit(Duration::from_secs(20));
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "sipp -t l1 failed: {}",
        run.log()
    );
    let event = next_request(&events, Duration::from_secs(2), &run.log());
    assert!(
        matches!(
            &event,
            ServerEvent::Request {
                status: Some(200),
                ..
            }
        ),
        "{event}"
    );
}

/// SIPp's own message and error traces from the scratch dir.
fn sipp_logs(scratch: &Scratch) -> String {
    let mut out = String::new();
    if let Ok(entries) = fs::read_dir(scratch.dir()) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("options_") && name.ends_with(".log") {
                out.push_str(&format!("--- {name} ---\n"));
                out.push_str(&fs::read_to_string(e.path()).unwrap_or_default());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The SIP framing the examples rely on (no external programs)
// ---------------------------------------------------------------------------------------

#[test]
fn sip_stream_framing_follows_content_length() {
    let wire = b"\r\n\r\nOPTIONS sip:example.test SIP/2.0\r\n\
        v: SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK1\r\n\
        Via: SIP/2.0/TLS 192.0.2.2:5061\r\n ;branch=z9hG4bK2\r\n\
        f: <sip:a@example.test>;tag=x\r\n\
        To: <sip:example.test>\r\n\
        i: c1@example.test\r\n\
        CSeq: 7 OPTIONS\r\n\
        l: 4\r\n\r\nbodyOPTIONS";
    let mut reader = std::io::BufReader::new(&wire[..]);
    let m = sip::read_message(&mut reader).unwrap().unwrap();
    assert_eq!(m.method(), Some("OPTIONS"));
    assert_eq!(m.request_uri(), Some("sip:example.test"));
    // Compact names, folding, order of Vias.
    assert_eq!(
        m.all("via"),
        [
            "SIP/2.0/TLS 192.0.2.1:5061;branch=z9hG4bK1",
            "SIP/2.0/TLS 192.0.2.2:5061 ;branch=z9hG4bK2"
        ]
    );
    assert_eq!(m.header("Call-ID"), Some("c1@example.test"));
    assert_eq!(m.body, b"body");
    // The next message starts right after the body; it is truncated, so it is an error.
    assert!(sip::read_message(&mut reader).is_err());

    let no_length = b"OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n";
    let err = sip::read_message(&mut std::io::BufReader::new(&no_length[..])).unwrap_err();
    assert!(err.to_string().contains("Content-Length"), "{err}");
    // A datagram needs no Content-Length: the body is the rest.
    let dgram = b"SIP/2.0 200 OK\r\nCSeq: 1 OPTIONS\r\n\r\nrest";
    let m = sip::parse_message(dgram).unwrap();
    assert_eq!((m.status_code(), &m.body[..]), (Some(200), &b"rest"[..]));
    assert!(sip::read_message(&mut std::io::BufReader::new(&b""[..]))
        .unwrap()
        .is_none());
}

#[test]
fn sip_response_copies_the_transaction_headers() {
    let local: SocketAddr = "127.0.0.1:5070".parse().unwrap();
    let request = sip::options_request("sips:example.test", "TLS", local);
    let wire = request.to_bytes();
    assert!(wire.ends_with(b"Content-Length: 0\r\n\r\n"));
    let request = sip::parse_message(&wire).unwrap();
    let via = request.header("via").unwrap();
    assert!(
        via.starts_with("SIP/2.0/TLS 127.0.0.1:5070;branch=z9hG4bK"),
        "{via}"
    );
    assert_eq!(request.header("max-forwards"), Some("70"));
    assert!(request.header("from").unwrap().contains(";tag="));

    let response = sip::response_to(&request, 200, "OK");
    assert_eq!(response.start_line, "SIP/2.0 200 OK");
    for h in ["via", "from", "call-id", "cseq"] {
        assert_eq!(response.all(h), request.all(h), "{h}");
    }
    let to = response.header("to").unwrap();
    assert!(to.starts_with("<sips:example.test>;tag="), "{to}");
    // A To that already has a tag keeps it.
    let again = sip::response_to(&response, 200, "OK");
    assert_eq!(again.header("to"), Some(to));
    assert_eq!(response.header("content-length"), Some("0"));
}
