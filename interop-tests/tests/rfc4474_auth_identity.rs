//! RFC 4474 (obsolete; RFC 8224 replaced it) between Kamailio's `auth_identity` module (the
//! RFC 4474 authentication service, Debian `kamailio-tls-modules`) and sipcert's legacy
//! verifier, over SIP on 127.0.0.1.
//!
//! The test makes a root and, with rcgen, a certificate for the From domain
//! (`sip:atlanta.example.test`) on an RSA-2048 key (the library's RFC 4474 test key: rcgen
//! cannot generate RSA keys with ring), publishes it at Kamailio's `certificate_url` on an
//! HTTPS server of its own (`sipcert_testkit::http`), and starts Kamailio from
//! `tests/interop/rfc4474_auth_identity.cfg.in`. An INVITE (with a Date, a Contact and an SDP
//! body) goes to Kamailio, which signs it (`auth_date_proc`, `auth_add_identity`: RSA-SHA1
//! over the RFC 4474 §9 digest string) and forwards it to the test's UDP socket; sipcert
//! verifies the forwarded datagram, byte for byte, with the library (fetching the
//! certificate over HTTPS) and with `sipcert stir verify-4474`; an INVITE without a Date
//! gets one from `auth_date_proc` and verifies too. Negative cases: the body or
//! the From changed after signing (`stir-rfc4474-signature-invalid`), and the certificate of
//! another domain at the Identity-Info URL (`stir-rfc4474-domain-not-authorized`).
//!
//! When Kamailio or `auth_identity.so` is missing, the test prints `skipping: ...` and
//! passes, unless `SIPCERT_REQUIRE_INTEROP=1`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::time::Duration;

use rcgen::KeyPair;
use rustls::pki_types::UnixTime;
use sipcert::stir::fetch::{FetchOptions, HttpSource};
use sipcert::stir::rfc4474::{Rfc4474Verdict, DEFAULT_FRESHNESS};
use sipcert::stir::{StirCode, StirVerifier};
use sipcert_interop_tests::harness::{self, free_udp_port, Proc, Scratch};
use sipcert_interop_tests::sip;
use sipcert_testkit::http::{self, Answer, HttpServer};
use sipcert_testkit::pki::{pem, Ca, LeafSpec};
use sipcert_testkit::programs::skip;
use sipcert_testkit::stir::Published;
use sipcert_testkit::{cli, provider};

const CFG: &str = include_str!("interop/rfc4474_auth_identity.cfg.in");
const KEY: &str = include_str!("../../src/stir/rfc4474/rsa2048-test.key");
const DOMAIN: &str = "atlanta.example.test";

/// Kamailio with `auth_identity.so`; `None` (after saying why) when one is missing.
fn install() -> Option<harness::KamailioInstall> {
    let install = harness::kamailio()?;
    if !install.modules.join("auth_identity.so").is_file() {
        skip("kamailio's auth_identity.so is not installed (Debian: kamailio-tls-modules)");
        return None;
    }
    Some(install)
}

/// The signer's PKI and the HTTPS server publishing its certificate.
struct Pki {
    root: Ca,
    /// The certificate for [`DOMAIN`] (DER) and one for another domain, on the same key.
    leaf: Vec<u8>,
    other: Vec<u8>,
    web_root: Vec<u8>,
    web: HttpServer,
}

impl Pki {
    fn create() -> Self {
        let root = Ca::root("sipcert rfc4474 root");
        let key = KeyPair::from_pem(KEY).expect("the RSA test key");
        let leaf = root.leaf_with_key(LeafSpec::new().uri(&format!("sip:{DOMAIN}")), &key);
        let other = root.leaf_with_key(LeafSpec::new().uri("sip:biloxi.example.test"), &key);
        let web_ca = Ca::root("sipcert rfc4474 web root");
        let web_cert = web_ca.leaf(
            LeafSpec::new()
                .cn("127.0.0.1")
                .ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        );
        let web = HttpServer::start(Some(http::tls_config(
            vec![web_cert.der.clone()],
            web_cert.key.clone_key(),
        )));
        web.set("/as.pem", Answer::ok(pem("CERTIFICATE", &leaf.der)));
        Self {
            root,
            leaf: leaf.der.to_vec(),
            other: other.der.to_vec(),
            web_root: web_ca.der.to_vec(),
            web,
        }
    }

    fn url(&self) -> String {
        self.web.url("/as.pem")
    }

    fn verifier(&self) -> StirVerifier {
        StirVerifier::new([self.root.anchor()], provider())
    }
}

/// Kamailio with the auth_identity configuration; its process group ends on drop.
fn start_kamailio(
    install: &harness::KamailioInstall,
    scratch: &Scratch,
    pki: &Pki,
    sink: u16,
) -> (Proc, SocketAddr) {
    let udp_port = free_udp_port();
    let key = scratch.write("as.key", KEY);
    let cert = scratch.write("as.pem", pem("CERTIFICATE", &pki.leaf));
    let cfg = scratch.write(
        "kamailio.cfg",
        CFG.replace("@MPATH@", &format!("{}/", install.modules.display()))
            .replace("@UDP_PORT@", &udp_port.to_string())
            .replace("@SINK_PORT@", &sink.to_string())
            .replace("@KEY@", &key.display().to_string())
            .replace("@CERT@", &cert.display().to_string())
            .replace("@CERT_URL@", &pki.url()),
    );
    let mut proc = harness::spawn_kamailio(install, scratch, &cfg, &[]);
    let udp = SocketAddr::from(([127, 0, 0, 1], udp_port));
    harness::wait_kamailio_ready(
        &mut proc,
        udp,
        "sip:127.0.0.1",
        200,
        Duration::from_secs(20),
    );
    (proc, udp)
}

/// An INVITE from `sip:alice@{DOMAIN}` with a Contact, an SDP body and, if `dated`, a Date.
fn invite(local: SocketAddr, dated: bool) -> Vec<u8> {
    let mut m = sip::options_request("sip:bob@127.0.0.1", "UDP", local);
    m.start_line = m.start_line.replacen("OPTIONS", "INVITE", 1);
    let body = b"v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
    for (name, value) in &mut m.headers {
        match name.as_str() {
            "From" => *value = format!("\"Alice\" <sip:alice@{DOMAIN}>;tag={}", sip::token()),
            "CSeq" => *value = "1 INVITE".into(),
            "Content-Length" => *value = body.len().to_string(),
            _ => {}
        }
    }
    let at = m.headers.len() - 1;
    if dated {
        let now = httpdate::fmt_http_date(std::time::SystemTime::now());
        m.headers.insert(at, ("Date".into(), now));
    }
    m.headers
        .insert(at, ("Content-Type".into(), "application/sdp".into()));
    m.headers
        .insert(at, ("Contact".into(), format!("<sip:alice@{local}>")));
    m.body = body.to_vec();
    m.to_bytes()
}

fn udp_socket() -> UdpSocket {
    let sock = UdpSocket::bind("127.0.0.1:0").expect("udp");
    sock.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    sock
}

/// The bytes of the INVITE Kamailio signed and forwarded to `sink`.
fn signed_by_kamailio(proc: &Proc, udp: SocketAddr, sink: &UdpSocket, dated: bool) -> Vec<u8> {
    let client = udp_socket();
    let request = invite(client.local_addr().expect("addr"), dated);
    client.send_to(&request, udp).expect("send");
    let mut buf = vec![0u8; 65536];
    let (n, _) = sink.recv_from(&mut buf).unwrap_or_else(|e| {
        panic!(
            "kamailio forwarded nothing: {e}\n--- kamailio log ---\n{}",
            proc.log()
        )
    });
    buf.truncate(n);
    buf
}

fn code(verdict: &Rfc4474Verdict) -> Option<StirCode> {
    assert!(verdict.to_string().contains("obsolete"), "{verdict}");
    verdict.code()
}

#[test]
fn kamailio_auth_identity_signs_sipcert_verifies() {
    let Some(install) = install() else { return };
    let scratch = Scratch::new("rfc4474-auth-identity");
    let pki = Pki::create();
    let sink = udp_socket();
    let (proc, udp) = start_kamailio(
        &install,
        &scratch,
        &pki,
        sink.local_addr().expect("addr").port(),
    );
    let signed = signed_by_kamailio(&proc, udp, &sink, true);
    let text = String::from_utf8_lossy(&signed).into_owned();
    assert!(
        text.contains("\r\nIdentity: \"") && text.contains(";alg=rsa-sha1"),
        "no RFC 4474 headers in\n{text}\n--- kamailio log ---\n{}",
        proc.log()
    );

    // The library, fetching the certificate from Identity-Info over HTTPS.
    let web_root = vec![pki.web_root.clone().into()];
    let fetched = HttpSource::new(&web_root, provider(), FetchOptions::default());
    let verifier = pki.verifier();
    let verdict = verifier.verify_rfc4474(&signed, &fetched, UnixTime::now(), DEFAULT_FRESHNESS);
    let Rfc4474Verdict::Verified(v) = &verdict else {
        panic!("sipcert refused Kamailio's RFC 4474 Identity: {verdict}\n{text}");
    };
    assert_eq!(v.domain().as_str(), DOMAIN, "{text}");
    assert!(
        pki.web.hits("/as.pem") > 0,
        "the certificate was never fetched"
    );

    // Tampered after signing, and the certificate of another domain at the URL.
    let published = |der: &[u8]| Published(HashMap::from([(pki.url(), vec![der.to_vec().into()])]));
    let tampered_body = text.replacen("s=-", "s=x", 1);
    let tampered_from = text.replacen("sip:alice@", "sip:mallory@", 1);
    let cases = [
        ("as signed", text.as_str(), &pki.leaf, None),
        (
            "body changed",
            tampered_body.as_str(),
            &pki.leaf,
            Some(StirCode::Rfc4474SignatureInvalid),
        ),
        (
            "From changed",
            tampered_from.as_str(),
            &pki.leaf,
            Some(StirCode::Rfc4474SignatureInvalid),
        ),
        (
            "another domain's certificate",
            text.as_str(),
            &pki.other,
            Some(StirCode::Rfc4474DomainNotAuthorized),
        ),
    ];
    for (what, request, cert, want) in cases {
        let verdict = verifier.verify_rfc4474(
            request.as_bytes(),
            &published(cert),
            UnixTime::now(),
            DEFAULT_FRESHNESS,
        );
        assert_eq!(code(&verdict), want, "{what}: {verdict}\n{request}");
    }

    // Without a Date, auth_date_proc adds one and auth_add_identity signs it.
    let undated = signed_by_kamailio(&proc, udp, &sink, false);
    assert!(
        String::from_utf8_lossy(&undated).contains("\r\nDate: "),
        "auth_date_proc added no Date"
    );
    let verdict = verifier.verify_rfc4474(&undated, &fetched, UnixTime::now(), DEFAULT_FRESHNESS);
    assert_eq!(
        code(&verdict),
        None,
        "{verdict}\n{}",
        String::from_utf8_lossy(&undated)
    );

    cli_verifies(&scratch, &pki, &signed, &tampered_body);
}

/// `sipcert stir verify-4474` on Kamailio's request: verified with the certificate from a
/// file; the body changed; the certificate of another domain.
fn cli_verifies(scratch: &Scratch, pki: &Pki, signed: &[u8], tampered: &str) {
    let good = scratch.write("signed.sip", signed);
    let bad = scratch.write("tampered.sip", tampered);
    let root = scratch.write("root.pem", pem("CERTIFICATE", &pki.root.der));
    let leaf = scratch.write("leaf.pem", pem("CERTIFICATE", &pki.leaf));
    let other = scratch.write("other.pem", pem("CERTIFICATE", &pki.other));
    let root = root.display().to_string();
    let run = |request: &std::path::Path, cert: &std::path::Path| {
        let x5u_file = format!("{}={}", pki.url(), cert.display());
        let request = request.display().to_string();
        cli::run(
            cli::built(),
            &[
                "stir",
                "verify-4474",
                "--json",
                "--request",
                &request,
                "--trust-list",
                &root,
                "--x5u-file",
                &x5u_file,
                "--no-fetch",
            ],
        )
    };
    for (what, request, cert, exit, want) in [
        ("as signed", &good, &leaf, 0, serde_json::Value::Null),
        (
            "body changed",
            &bad,
            &leaf,
            1,
            "stir-rfc4474-signature-invalid".into(),
        ),
        (
            "another domain",
            &good,
            &other,
            1,
            "stir-rfc4474-domain-not-authorized".into(),
        ),
    ] {
        let out = run(request, cert);
        assert_eq!(out.code, exit, "{what}: {}", out.output());
        let json = out.json();
        assert_eq!(json["code"], want, "{what}: {}", out.output());
        assert!(
            json["obsolete"]
                .as_str()
                .is_some_and(|s| s.contains("RFC 8224")),
            "{what}: {}",
            out.output()
        );
    }
}
