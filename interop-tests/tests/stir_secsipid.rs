//! STIR/SHAKEN between sipcert and Kamailio's `secsipid` module (libsecsipid, the Go library
//! of asipto/secsipidx), both directions, over SIP on 127.0.0.1.
//!
//! Kamailio (Debian `kamailio`, `kamailio-secsipid-modules`) is started per test from
//! `tests/interop/stir_secsipid.cfg.in` on a free UDP port. The test PKI: an STI-CA (root)
//! issuing P-256 STI certificates with a TNAuthList (`sipcert_testkit::stir`), published at
//! `x5u` URLs by an HTTPS server of the test (`sipcert_testkit::http`, rustls) whose
//! certificate comes from a second root that Kamailio's Go runtime trusts through
//! `SSL_CERT_FILE`.
//!
//! - Kamailio signs: an INVITE without Identity is signed by `secsipid_add_identity` and
//!   forwarded to the test's UDP socket; sipcert verifies the Identity header (library and
//!   `sipcert stir verify`).
//! - sipcert signs: INVITEs carrying Identity headers signed by sipcert (library and
//!   `sipcert stir sign`) go to Kamailio, whose `secsipid_check_identity` fetches the `x5u`,
//!   verifies the chain to the STI-CA (libopt `CertVerify=5`, `CertCAFile`), the signature and
//!   `iat`; the reply says its decision (200, or 438 with libsecsipid's return code). Each
//!   header is also given to sipcert's verifier, so the table shows where the two differ
//!   (docs/stir.md, "sipcert and secsipid").
//!
//! When Kamailio or the secsipid modules are missing, the tests print `skipping: ...` and
//! pass, unless `SIPCERT_REQUIRE_INTEROP=1`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rustls::pki_types::{PrivateKeyDer, UnixTime};
use sipcert::stir::fetch::{FetchOptions, HttpSource};
use sipcert::stir::{
    caller_number, sign, Attest, StirCode, StirRequest, StirVerifier, TnAuthority,
};
use sipcert_interop_tests::harness::{self, free_udp_port, Proc, Scratch};
use sipcert_interop_tests::sip::{self, SipMessage};
use sipcert_testkit::http::{self, Answer, HttpServer};
use sipcert_testkit::pki::{pem, Ca, LeafSpec};
use sipcert_testkit::programs::skip;
use sipcert_testkit::stir::{now_secs, shaken_passport_a, Published, StiPki, TnEntry};
use sipcert_testkit::{cli, provider};

const CFG: &str = include_str!("interop/stir_secsipid.cfg.in");

/// The calling number (From user part) and the called number (Request-URI user part).
const ORIG: &str = "12155551212";
const DEST: &str = "12155551213";

// ---------------------------------------------------------------------------------------
// What the test needs
// ---------------------------------------------------------------------------------------

/// Kamailio with the secsipid modules; `None` (after saying why) when one is missing.
fn install() -> Option<harness::KamailioInstall> {
    let install = harness::kamailio()?;
    for module in ["secsipid.so", "secsipid_proc.so"] {
        if !install.modules.join(module).is_file() {
            skip(&format!(
                "kamailio's {module} is not installed (Debian: kamailio-secsipid-modules)"
            ));
            return None;
        }
    }
    Some(install)
}

/// The STI PKI and the HTTPS server that publishes its certificates.
struct Sti {
    /// The STI-CA and the STI certificate for [`ORIG`] (the one Kamailio signs with).
    pki: StiPki,
    /// The STI-CA, PEM on disk (Kamailio's `CertCAFile`, sipcert's `--trust-list`).
    ca_pem: PathBuf,
    /// The STI certificate's key, PKCS#8 PEM on disk.
    key_pem: PathBuf,
    /// The root of the HTTPS server's certificate, PEM on disk (Kamailio's `SSL_CERT_FILE`).
    web_root: PathBuf,
    /// The HTTPS server; `/sti.pem` is the STI certificate of `pki`.
    web: HttpServer,
}

impl Sti {
    fn create(scratch: &Scratch) -> Self {
        let pki = StiPki::new(&[TnEntry::One(ORIG.into())]);
        let ca_pem = scratch.write("sti-ca.pem", pem("CERTIFICATE", &pki.ca.der));
        let key_pem = scratch.write("sti.key", pem("PRIVATE KEY", pki.leaf.key.secret_der()));
        let web_ca = Ca::root("sipcert x5u web root");
        let web_root = scratch.write("web-root.pem", pem("CERTIFICATE", &web_ca.der));
        let web_cert = web_ca.leaf(
            LeafSpec::new()
                .cn("127.0.0.1")
                .ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        );
        let web = HttpServer::start(Some(http::tls_config(
            vec![web_cert.der.clone()],
            web_cert.key.clone_key(),
        )));
        web.set("/sti.pem", Answer::ok(pem("CERTIFICATE", &pki.leaf.der)));
        Self {
            pki,
            ca_pem,
            key_pem,
            web_root,
            web,
        }
    }

    fn x5u(&self) -> String {
        self.web.url("/sti.pem")
    }

    /// sipcert's verifier trusting the STI-CA.
    fn verifier(&self) -> StirVerifier {
        StirVerifier::new([self.pki.ca.anchor()], provider())
    }
}

/// Kamailio with the secsipid configuration; its process group ends on drop.
struct Kamailio {
    proc: Proc,
    udp: SocketAddr,
}

impl Kamailio {
    fn start(install: &harness::KamailioInstall, scratch: &Scratch, sti: &Sti, sink: u16) -> Self {
        let udp_port = free_udp_port();
        let path = |p: &Path| p.display().to_string();
        let cfg = scratch.write(
            "kamailio.cfg",
            CFG.replace("@MPATH@", &format!("{}/", path(&install.modules)))
                .replace("@UDP_PORT@", &udp_port.to_string())
                .replace("@SINK_PORT@", &sink.to_string())
                .replace("@X5U@", &sti.x5u())
                .replace("@KEY@", &path(&sti.key_pem))
                .replace("@STI_CA@", &path(&sti.ca_pem)),
        );
        // libsecsipid's Go HTTP client trusts the roots in SSL_CERT_FILE.
        let env = [("SSL_CERT_FILE", sti.web_root.as_path())];
        let mut proc = harness::spawn_kamailio(install, scratch, &cfg, &env);
        let udp = SocketAddr::from(([127, 0, 0, 1], udp_port));
        harness::wait_kamailio_ready(
            &mut proc,
            udp,
            "sip:127.0.0.1",
            200,
            Duration::from_secs(20),
        );
        Self { proc, udp }
    }

    fn log(&self) -> String {
        self.proc.log()
    }
}

// ---------------------------------------------------------------------------------------
// SIP
// ---------------------------------------------------------------------------------------

/// `INVITE sip:{DEST}@127.0.0.1` from `sip:{from}@example.test`, with this Identity header.
fn invite(local: SocketAddr, from: &str, identity: Option<&str>) -> SipMessage {
    let mut m = sip::options_request(&format!("sip:{DEST}@127.0.0.1"), "UDP", local);
    m.start_line = m.start_line.replacen("OPTIONS", "INVITE", 1);
    for (name, value) in &mut m.headers {
        match name.as_str() {
            "From" => *value = format!("<sip:{from}@example.test>;tag={}", sip::token()),
            "CSeq" => *value = "1 INVITE".into(),
            _ => {}
        }
    }
    if let Some(identity) = identity {
        let at = m.headers.len() - 1;
        m.headers
            .insert(at, ("Identity".to_owned(), identity.to_owned()));
    }
    m
}

/// Sends `request` to Kamailio from `sock` and returns the first final response.
fn final_response(k: &Kamailio, sock: &UdpSocket, request: &SipMessage) -> SipMessage {
    sock.send_to(&request.to_bytes(), k.udp).expect("send");
    let mut buf = vec![0u8; 65536];
    loop {
        let (n, _) = sock.recv_from(&mut buf).unwrap_or_else(|e| {
            panic!(
                "no answer from kamailio: {e}\n--- request ---\n{request}\n--- kamailio log ---\n{}",
                k.log()
            )
        });
        let m = sip::parse_message(buf.get(..n).unwrap_or_default()).expect("a SIP message");
        if m.status_code().is_some_and(|c| c >= 200) {
            return m;
        }
    }
}

fn udp_socket() -> UdpSocket {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("udp");
    sock.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    sock
}

// ---------------------------------------------------------------------------------------
// Kamailio signs, sipcert verifies
// ---------------------------------------------------------------------------------------

/// The INVITE Kamailio forwarded to `sink` after signing it, parsed and as received.
fn signed_by_kamailio(k: &Kamailio, sink: &UdpSocket, from: &str) -> (SipMessage, Vec<u8>) {
    let client = udp_socket();
    let request = invite(client.local_addr().expect("addr"), from, None);
    client.send_to(&request.to_bytes(), k.udp).expect("send");
    let mut buf = vec![0u8; 65536];
    let (n, _) = sink.recv_from(&mut buf).unwrap_or_else(|e| {
        panic!(
            "kamailio forwarded nothing: {e}\n--- kamailio log ---\n{}",
            k.log()
        )
    });
    let raw = buf.get(..n).unwrap_or_default().to_vec();
    let parsed = sip::parse_message(&raw).expect("the forwarded INVITE");
    (parsed, raw)
}

/// A scratch folder named `name`, the test STI PKI, a UDP socket where Kamailio forwards,
/// and Kamailio with the secsipid configuration; `None` (skipped) without Kamailio.
fn setup(name: &str) -> Option<(Scratch, Sti, UdpSocket, Kamailio)> {
    let install = install()?;
    let scratch = Scratch::new(name);
    let sti = Sti::create(&scratch);
    let sink = udp_socket();
    let k = Kamailio::start(
        &install,
        &scratch,
        &sti,
        sink.local_addr().expect("addr").port(),
    );
    Some((scratch, sti, sink, k))
}

#[test]
fn kamailio_signs_sipcert_verifies() {
    let Some((scratch, sti, sink, k)) = setup("stir-kamailio-signs") else {
        return;
    };
    let (forwarded, raw) = signed_by_kamailio(&k, &sink, ORIG);
    let identity = forwarded
        .header("Identity")
        .unwrap_or_else(|| panic!("no Identity header in\n{forwarded}"))
        .to_owned();

    // The library, fetching the x5u from the test's HTTPS server.
    let web_root = sipcert_interop_tests::sip::load_certs(&sti.web_root).expect("web root");
    let fetched = HttpSource::new(&web_root, provider(), FetchOptions::default());
    let from = caller_number(&format!("sip:{ORIG}@example.test")).expect("From number");
    let to = caller_number(&format!("sip:{DEST}@127.0.0.1")).expect("R-URI number");
    let request = StirRequest::new(&identity, &from, &to);
    let verdict = sti.verifier().verify(&request, &fetched, UnixTime::now());
    let sipcert::stir::StirVerdict::Verified(v) = &verdict else {
        panic!("sipcert refused Kamailio's Identity header {identity}: {verdict:?}");
    };
    assert_eq!(v.passport().claims.attest, Some(Attest::A), "{identity}");
    assert_eq!(v.passport().header.x5u, sti.x5u(), "{identity}");
    assert_eq!(
        v.authority(),
        &TnAuthority::Number(sipcert::stir::TnEntry::One(ORIG.into())),
        "{identity}"
    );

    cli_verifies(&sti, &scratch, &identity);
    cli_verifies_request(&sti, &scratch, &raw);
}

/// `sipcert stir verify --request -` on the whole INVITE Kamailio forwarded, as received:
/// verified; and with the From's number changed, `stir-orig-mismatch`.
fn cli_verifies_request(sti: &Sti, scratch: &Scratch, raw: &[u8]) {
    use std::io::Write as _;
    let leaf_pem = scratch.write("sti-request.pem", pem("CERTIFICATE", &sti.pki.leaf.der));
    let x5u_file = format!("{}={}", sti.x5u(), leaf_pem.display());
    let ca = sti.ca_pem.display().to_string();
    let verify = |request: &[u8]| {
        let mut child = Command::new(cli::built())
            .args(["stir", "verify", "--json", "--request", "-"])
            .args(["--trust-list", &ca, "--x5u-file", &x5u_file])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run sipcert");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(request).expect("write the request");
        drop(stdin);
        let out = child.wait_with_output().expect("sipcert output");
        let text = format!(
            "{}{}\n--- request ---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(request)
        );
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code(), json, text)
    };
    let (code, json, text) = verify(raw);
    assert_eq!(code, Some(0), "sipcert stir verify --request -: {text}");
    assert_eq!(json["verstat"], "TN-Validation-Passed", "{text}");
    let original = format!("sip:{ORIG}@example.test");
    let tampered =
        String::from_utf8_lossy(raw).replacen(&original, "sip:12155550000@example.test", 1);
    assert_ne!(
        tampered.as_bytes(),
        raw,
        "no {original} in the forwarded INVITE"
    );
    let (code, json, text) = verify(tampered.as_bytes());
    assert_eq!(
        code,
        Some(1),
        "sipcert stir verify --request - (From changed): {text}"
    );
    assert_eq!(json["code"], "stir-orig-mismatch", "{text}");
}

/// `sipcert stir verify` on Kamailio's `identity`: with the chain from a file, with a From
/// that is not orig.tn, and fetching the x5u over HTTPS.
fn cli_verifies(sti: &Sti, scratch: &Scratch, identity: &str) {
    // The CLI, with the chain from a file; and with a From that is not orig.tn, which
    // secsipid signed without looking (its orig is whatever the script passes).
    let leaf_pem = scratch.write("sti.pem", pem("CERTIFICATE", &sti.pki.leaf.der));
    let x5u_file = format!("{}={}", sti.x5u(), leaf_pem.display());
    let ca = sti.ca_pem.display().to_string();
    let cli_verify = |from: &str| {
        cli::run(
            cli::built(),
            &[
                "stir",
                "verify",
                "--json",
                identity,
                "--from",
                from,
                "--to",
                DEST,
                "--trust-list",
                &ca,
                "--x5u-file",
                &x5u_file,
            ],
        )
    };
    let run = cli_verify(ORIG);
    assert_eq!(run.code, 0, "sipcert stir verify: {}", run.output());
    assert_eq!(
        run.json()["verstat"],
        "TN-Validation-Passed",
        "{}",
        run.output()
    );
    let run = cli_verify("12155550000");
    assert_eq!(run.code, 1, "sipcert stir verify: {}", run.output());
    assert_eq!(run.json()["code"], "stir-orig-mismatch", "{}", run.output());

    // The CLI fetching the x5u over HTTPS (the system roots: SSL_CERT_FILE).
    let out = Command::new(cli::built())
        .args([
            "stir", "verify", "--json", identity, "--from", ORIG, "--to", DEST,
        ])
        .args(["--trust-list", &ca, "--fetch-timeout", "5"])
        .env("SSL_CERT_FILE", &sti.web_root)
        .output()
        .expect("run sipcert");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "sipcert stir verify (fetching): {text}"
    );
    assert!(text.contains("TN-Validation-Passed"), "{text}");
}

// ---------------------------------------------------------------------------------------
// sipcert signs, Kamailio checks
// ---------------------------------------------------------------------------------------

fn signed(key: &PrivateKeyDer<'_>, x5u: &str, orig: &str, iat: i64) -> String {
    sign(&shaken_passport_a(x5u, orig, DEST, iat), key, &provider()).expect("sipcert signs")
}

/// One Identity header sent to Kamailio, with what each side must decide.
struct Case {
    what: &'static str,
    identity: String,
    /// The From user part.
    from: &'static str,
    /// Kamailio's reply: 200, or 438 with this libsecsipid return code.
    kamailio: Result<(), i32>,
    /// sipcert's verdict: verified, or failed with this code.
    sipcert: Result<(), StirCode>,
}

fn case(
    what: &'static str,
    identity: String,
    from: &'static str,
    kamailio: Result<(), i32>,
    sipcert: Result<(), StirCode>,
) -> Case {
    Case {
        what,
        identity,
        from,
        kamailio,
        sipcert,
    }
}

/// `identity` with its payload replaced by `other`'s (the signature kept).
fn splice_payload(identity: &str, other: &str) -> String {
    let part = |s: &str, i: usize| s.split(['.', ';']).nth(i).unwrap_or_default().to_owned();
    identity.replacen(&part(identity, 1), &part(other, 1), 1)
}

/// `identity` with the first character of its signature changed.
fn flip_signature(identity: &str) -> String {
    let start = identity.match_indices('.').nth(1).expect("two dots").0 + 1;
    let mut out = identity.to_owned();
    let new = if identity.as_bytes()[start] == b'A' {
        "B"
    } else {
        "A"
    };
    out.replace_range(start..=start, new);
    out
}

/// `sipcert stir sign` with the STI certificate's key: the Identity header value it prints.
fn cli_sign(sti: &Sti) -> String {
    let key_pem = sti.key_pem.display().to_string();
    let x5u = sti.x5u();
    let run = cli::run(
        cli::built(),
        &[
            "stir", "sign", "--key", &key_pem, "--x5u", &x5u, "--orig", ORIG, "--dest", DEST,
        ],
    );
    assert_eq!(run.code, 0, "sipcert stir sign: {}", run.output());
    run.stdout.trim().to_owned()
}

/// The cases: the STI certificate (`/sti.pem`), one from another STI-CA (`/other-ca.pem`)
/// and one of the same STI-CA for another number (`/other-tn.pem`), published on `sti.web`.
fn cases(sti: &Sti) -> (Vec<Case>, Published) {
    let now = now_secs();
    let key = &sti.pki.leaf.key;
    let x5u = sti.x5u();
    let other_ca = StiPki::new(&[TnEntry::One(ORIG.into())]);
    let other_tn = sti
        .pki
        .ca
        .leaf(LeafSpec::new().cn("Other STI-SP").extension(
            sipcert_testkit::stir::TN_AUTH_LIST_OID,
            sipcert_testkit::stir::tn_auth_list(&[TnEntry::One("12155550000".into())]),
        ));
    let mut published = HashMap::from([(x5u.clone(), vec![sti.pki.leaf.der.clone()])]);
    for (path, der) in [
        ("/other-ca.pem", &other_ca.leaf.der),
        ("/other-tn.pem", &other_tn.der),
    ] {
        sti.web.set(path, Answer::ok(pem("CERTIFICATE", der)));
        published.insert(sti.web.url(path), vec![der.clone()]);
    }
    let good = signed(key, &x5u, ORIG, now);
    let cli_signed = cli_sign(sti);
    let cases = vec![
        case("signed by the library", good.clone(), ORIG, Ok(()), Ok(())),
        case(
            "signed by `sipcert stir sign`",
            cli_signed,
            ORIG,
            Ok(()),
            Ok(()),
        ),
        case(
            "orig changed after signing",
            splice_payload(&good, &signed(key, &x5u, "12155550000", now)),
            "12155550000",
            Err(-251),
            Err(StirCode::SignatureInvalid),
        ),
        case(
            "signature changed",
            flip_signature(&good),
            ORIG,
            Err(-251),
            Err(StirCode::SignatureInvalid),
        ),
        case(
            "certificate of another STI-CA",
            signed(&other_ca.leaf.key, &sti.web.url("/other-ca.pem"), ORIG, now),
            ORIG,
            Err(-101),
            Err(StirCode::ChainInvalid),
        ),
        case(
            "iat five minutes old",
            signed(key, &x5u, ORIG, now - 300),
            ORIG,
            Err(-232),
            Err(StirCode::Stale),
        ),
        // Where the two differ: secsipid does not compare orig.tn with the From number,
        // nor the number with the certificate's TNAuthList.
        case(
            "From is not orig.tn",
            good,
            "12155550000",
            Ok(()),
            Err(StirCode::OrigMismatch),
        ),
        case(
            "TNAuthList does not cover orig.tn",
            signed(&other_tn.key, &sti.web.url("/other-tn.pem"), ORIG, now),
            ORIG,
            Ok(()),
            Err(StirCode::TnNotAuthorized),
        ),
    ];
    (cases, Published(published))
}

#[test]
fn sipcert_signs_kamailio_checks() {
    let Some((_scratch, sti, _sink, k)) = setup("stir-kamailio-checks") else {
        return;
    };
    let (cases, published) = cases(&sti);
    let verifier = sti.verifier();
    let to = caller_number(DEST).expect("dest");
    let client = udp_socket();
    let mut failures = Vec::new();
    for case in &cases {
        let local = client.local_addr().expect("addr");
        let reply = final_response(&k, &client, &invite(local, case.from, Some(&case.identity)));
        let kamailio = match reply.status_code() {
            Some(200) => Ok(()),
            Some(438) => Err(reply
                .start_line
                .rsplit(' ')
                .next()
                .and_then(|rc| rc.parse::<i32>().ok())
                .unwrap_or(0)),
            _ => Err(0),
        };
        let from = caller_number(case.from).expect("from");
        let request = StirRequest::new(&case.identity, &from, &to);
        let verdict = verifier.verify(&request, &published, UnixTime::now());
        let sipcert = verdict.code().map_or(Ok(()), Err);
        if kamailio != case.kamailio || sipcert != case.sipcert {
            failures.push(format!(
                "{}: kamailio {:?} (expected {:?}: {}), sipcert {sipcert:?} (expected {:?}: {verdict})\n  Identity: {}",
                case.what, kamailio, case.kamailio, reply.start_line, case.sipcert, case.identity
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n--- kamailio log ---\n{}",
        failures.join("\n"),
        k.log()
    );
    assert!(
        sti.web.hits("/sti.pem") > 0,
        "Kamailio never fetched the x5u"
    );
}
