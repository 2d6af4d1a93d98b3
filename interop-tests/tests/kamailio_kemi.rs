//! Kamailio enforcing RFC 5922 on TLS client certificates through the sipcert Python package
//! (KEMI), on 127.0.0.1 only.
//!
//! Kamailio (Debian `kamailio`, `kamailio-tls-modules`, `kamailio-python3-modules`) is
//! started per test from `tests/interop/kemi.cfg.in` and `kemi_tls.cfg.in`: TLS with client
//! certificates required, routing in the KEMI Python script `tests/interop/sipcert_kemi.py.in`,
//! which reads `$tls_peer_raw_cert`, checks it with `sipcert.check(..., role="client")`
//! against the From domain and an allow-list, and answers 200, or 403 with a `Warning: 399`
//! header carrying sipcert's reason and hint codes. The client here is rustls with a client
//! certificate from the test kit's PKI (`sipcert_testkit::pki`).
//!
//! The script imports the wheel `.ci/run` builds and installs into `target/venv` (or the
//! directory in `SIPCERT_PYTHON_SITE`). When Kamailio, its tls or app_python3 module, or the
//! installed package is missing, the test prints `skipping: ...` and passes, unless
//! `SIPCERT_REQUIRE_INTEROP=1`.

use std::fs;
use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sipcert::chain::ChainVerifier;
use sipcert::{DomainName, Policy, Reference, Role};
use sipcert_interop_tests::harness::{self, free_tcp_port, free_udp_port, Proc, Scratch};
use sipcert_interop_tests::sip::{self, SipMessage};
use sipcert_testkit::pki::{pem, Ca, Issued, LeafSpec};
use sipcert_testkit::programs::skip;

const KEMI_CFG: &str = include_str!("interop/kemi.cfg.in");
const KEMI_TLS_CFG: &str = include_str!("interop/kemi_tls.cfg.in");
const KEMI_SCRIPT: &str = include_str!("interop/sipcert_kemi.py.in");

/// The SIP domain Kamailio serves (its server certificate: `URI:sip:example.test`), and the
/// warn-agent of its Warning headers.
const DOMAIN: &str = "example.test";

// ---------------------------------------------------------------------------------------
// What the test needs
// ---------------------------------------------------------------------------------------

struct Install {
    kamailio: PathBuf,
    modules: PathBuf,
    site_packages: PathBuf,
}

/// Kamailio, its tls and app_python3 modules, and the installed sipcert package; `None`
/// (after saying why) when one is missing.
fn install() -> Option<Install> {
    let harness::KamailioInstall { binary, modules } = harness::kamailio()?;
    if !modules.join("app_python3.so").is_file() {
        skip("kamailio's app_python3 module is not installed (Debian: kamailio-python3-modules)");
        return None;
    }
    let Some(site_packages) = site_packages() else {
        skip("the sipcert Python package is not installed in target/venv (.ci/run builds the wheel with maturin and installs it; or set SIPCERT_PYTHON_SITE)");
        return None;
    };
    Some(Install {
        kamailio: binary,
        modules,
        site_packages,
    })
}

/// `SIPCERT_PYTHON_SITE`, else `<workspace>/target/venv/lib/python3.*/site-packages`, when it
/// holds the built `sipcert` package (its native module included).
fn site_packages() -> Option<PathBuf> {
    let has_package = |dir: &Path| {
        fs::read_dir(dir.join("sipcert")).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("_native") && name.ends_with(".so")
            })
        })
    };
    if let Some(dir) = std::env::var_os("SIPCERT_PYTHON_SITE") {
        let dir = PathBuf::from(dir);
        return has_package(&dir).then_some(dir);
    }
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/venv/lib");
    fs::read_dir(lib)
        .ok()?
        .flatten()
        .map(|e| e.path().join("site-packages"))
        .find(|d| has_package(d))
        .and_then(|d| d.canonicalize().ok())
}

// ---------------------------------------------------------------------------------------
// Scratch directory, certificates, processes
// ---------------------------------------------------------------------------------------

/// The test PKI: the root, Kamailio's server certificate on disk, and a way to issue
/// client certificates.
struct Pki {
    root_pem: PathBuf,
    root_der: CertificateDer<'static>,
    server_cert: PathBuf,
    server_key: PathBuf,
    ca: Ca,
}

impl Pki {
    /// One root of the test kit's PKI, Kamailio's server certificate written to `scratch`.
    fn create(scratch: &Scratch) -> Self {
        let ca = Ca::root("sipcert KEMI test root");
        let root_pem = scratch.write("root.pem", pem("CERTIFICATE", &ca.der));
        let server = ca.leaf(LeafSpec::new().cn(DOMAIN).uri("sip:example.test"));
        let server_cert = scratch.write("server.pem", pem("CERTIFICATE", &server.der));
        let server_key = scratch.write("server.key", pem("PRIVATE KEY", server.key.secret_der()));
        Self {
            root_pem,
            root_der: ca.der.clone(),
            server_cert,
            server_key,
            ca,
        }
    }

    /// A client certificate: CN `cn` and the SANs written as `URI:…` or `DNS:…`.
    fn client(&self, cn: &str, sans: &[&str]) -> Issued {
        let spec = sans.iter().fold(LeafSpec::new().cn(cn), |spec, text| {
            match text.split_once(':') {
                Some(("URI", v)) => spec.uri(v),
                Some(("DNS", v)) => spec.dns(v),
                _ => panic!("SAN {text:?}"),
            }
        });
        self.ca.leaf(spec)
    }
}

/// Kamailio with the KEMI configuration (its process group is ended on drop, by [`Proc`]).
struct Kamailio {
    proc: Proc,
    udp: SocketAddr,
    tls: SocketAddr,
}

impl Kamailio {
    fn start(install: &Install, scratch: &Scratch, pki: &Pki) -> Self {
        let udp_port = free_udp_port();
        let tls_port = free_tcp_port();
        let path = |p: &Path| p.display().to_string();
        let tls_cfg = scratch.write(
            "tls.cfg",
            KEMI_TLS_CFG
                .replace("@SERVER_CERT@", &path(&pki.server_cert))
                .replace("@SERVER_KEY@", &path(&pki.server_key))
                .replace("@CA@", &path(&pki.root_pem)),
        );
        let script = scratch.write(
            "sipcert_kemi.py",
            KEMI_SCRIPT
                .replace("@SITE_PACKAGES@", &path(&install.site_packages))
                .replace("@CA@", &path(&pki.root_pem))
                .replace("@AGENT@", DOMAIN),
        );
        let cfg = scratch.write(
            "kamailio.cfg",
            KEMI_CFG
                .replace("@MPATH@", &format!("{}/", path(&install.modules)))
                .replace("@UDP_PORT@", &udp_port.to_string())
                .replace("@TLS_PORT@", &tls_port.to_string())
                .replace("@TLS_CFG@", &path(&tls_cfg))
                .replace("@SCRIPT@", &path(&script)),
        );
        let run_dir = scratch.path("run");
        fs::create_dir_all(&run_dir).expect("run dir");
        let mut cmd = Command::new(&install.kamailio);
        // -DD: foreground; -E: log to stderr; -Y: runtime dir; small memory.
        cmd.args(["-DD", "-E", "-f"])
            .arg(&cfg)
            .arg("-Y")
            .arg(&run_dir)
            .args(["-m", "64", "-M", "8"])
            .current_dir(scratch.dir());
        let mut k = Self {
            proc: Proc::spawn("kamailio", cmd, scratch.path("kamailio.log")),
            udp: SocketAddr::from(([127, 0, 0, 1], udp_port)),
            tls: SocketAddr::from(([127, 0, 0, 1], tls_port)),
        };
        k.wait_ready(Duration::from_secs(20));
        k
    }

    fn log(&self) -> String {
        self.proc.log()
    }

    /// Polls with OPTIONS over UDP until the script answers (403 "TLS Required").
    fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let sock = UdpSocket::bind("127.0.0.1:0").expect("udp");
        sock.set_read_timeout(Some(Duration::from_millis(300)))
            .expect("timeout");
        let mut buf = vec![0u8; 65536];
        while Instant::now() < deadline {
            if let Some(status) = self.proc.exited() {
                panic!(
                    "kamailio exited during startup ({status})\n--- kamailio log ---\n{}",
                    self.log()
                );
            }
            let request = sip::options_request(
                &format!("sip:{DOMAIN}"),
                "UDP",
                sock.local_addr().expect("addr"),
            );
            let _ = sock.send_to(&request.to_bytes(), self.udp);
            if let Ok((n, _)) = sock.recv_from(&mut buf) {
                if let Ok(resp) = sip::parse_message(buf.get(..n).unwrap_or_default()) {
                    if resp.status_code() == Some(403) {
                        return;
                    }
                }
            }
        }
        panic!(
            "kamailio did not answer OPTIONS on {} within {timeout:?}\n--- kamailio log ---\n{}",
            self.udp,
            self.log()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The client: OPTIONS over TLS with a client certificate and a From domain
// ---------------------------------------------------------------------------------------

/// Sends `OPTIONS sips:example.test` over TLS with `leaf` as client certificate and From
/// `sip:alice@<from_domain>`; the final response.
fn options_with_client_cert(
    k: &Kamailio,
    pki: &Pki,
    leaf: &Issued,
    from_domain: &str,
) -> SipMessage {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(pki.root_der.clone()).expect("root");
    let config = sip::client_config(
        Arc::new(roots),
        Some((vec![leaf.der.clone()], leaf.key.clone_key())),
    )
    .expect("client config");
    let context = || format!("--- kamailio log ---\n{}", k.log());
    let mut tcp = TcpStream::connect_timeout(&k.tls, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("connect {}: {e}\n{}", k.tls, context()));
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let local = tcp.local_addr().expect("local address");
    let server_name = ServerName::try_from(DOMAIN).expect("server name");
    let mut conn = rustls::ClientConnection::new(config, server_name).expect("TLS client");
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)
            .unwrap_or_else(|e| panic!("TLS handshake with kamailio: {e}\n{}", context()));
    }
    let mut request = sip::options_request(&format!("sips:{DOMAIN}"), "TLS", local);
    for (name, value) in &mut request.headers {
        if name.eq_ignore_ascii_case("from") {
            *value = format!("<sip:alice@{from_domain}>;tag={}", sip::token());
        }
    }
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    stream
        .write_all(&request.to_bytes())
        .and_then(|()| stream.flush())
        .unwrap_or_else(|e| panic!("send: {e}\n{}", context()));
    let mut reader = BufReader::new(stream);
    loop {
        let response = sip::read_message(&mut reader)
            .unwrap_or_else(|e| panic!("read: {e}\n{}", context()))
            .unwrap_or_else(|| panic!("kamailio closed the connection\n{}", context()));
        match response.status_code() {
            Some(100..=199) => {}
            Some(_) => {
                assert_eq!(
                    response.header("call-id"),
                    request.header("call-id"),
                    "a response to another request:\n{response}"
                );
                return response;
            }
            None => panic!("expected a response, got:\n{response}"),
        }
    }
}

/// The Warning header sipcert's Rust API renders for this client certificate and From
/// domain: what the Python script must have sent.
fn rust_warning(pki: &Pki, leaf: &Issued, from_domain: &str) -> String {
    let anchor = webpki_anchor(&pki.root_der);
    let verifier = ChainVerifier::new(
        sipcert_testkit::provider()
            .signature_verification_algorithms
            .all,
        [anchor],
    );
    let reference = Reference::Domain(DomainName::from_ascii(from_domain).expect("domain"));
    let verdict = verifier.check(
        &leaf.der,
        &[],
        UnixTime::now(),
        &reference,
        Role::Client,
        &Policy::default(),
    );
    let rejected = verdict
        .rejected()
        .unwrap_or_else(|| panic!("sipcert accepts the certificate for {from_domain}"));
    sipcert::warning_header(rejected, DOMAIN).expect("a valid warn-agent")
}

/// The root as a trust anchor (rustls's root store does the conversion).
fn webpki_anchor(root: &CertificateDer<'static>) -> rustls::pki_types::TrustAnchor<'static> {
    let mut store = rustls::RootCertStore::empty();
    store.add(root.clone()).expect("root");
    store.roots.remove(0)
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

/// (case, client certificate CN, SANs, From domain, status, Warning codes expected)
struct Case {
    name: &'static str,
    cn: &'static str,
    sans: &'static [&'static str],
    from_domain: &'static str,
    status: u16,
    /// The warn-text Kamailio must send (`None`: no Warning header).
    warning: Option<&'static str>,
}

const CASES: &[Case] = &[
    Case {
        name: "RFC 5922 client certificate URI:sip:client.test",
        cn: "client.test",
        sans: &["URI:sip:client.test"],
        from_domain: "client.test",
        status: 200,
        warning: None,
    },
    Case {
        name: "RFC 3261 host-style client certificate DNS:sip.client.test",
        cn: "sip.client.test",
        sans: &["DNS:sip.client.test"],
        from_domain: "client.test",
        status: 403,
        warning: Some("sipcert: no-matching-identity; hint-host-within-domain"),
    },
    Case {
        name: "user-part-only client certificate URI:sip:alice@client.test",
        cn: "alice",
        sans: &["URI:sip:alice@client.test"],
        from_domain: "client.test",
        status: 403,
        warning: Some("sipcert: no-identities; hint-user-part-uri-would-match"),
    },
    Case {
        name: "a certificate for client.test, From an allowed other domain",
        cn: "client.test",
        sans: &["URI:sip:client.test"],
        from_domain: "partner.test",
        status: 403,
        warning: Some("sipcert: no-matching-identity"),
    },
    Case {
        name: "a From domain off the allow-list",
        cn: "stranger.test",
        sans: &["URI:sip:stranger.test"],
        from_domain: "stranger.test",
        status: 403,
        warning: None,
    },
];

/// One Kamailio, every case of `CASES` in turn, each on its own TLS connection.
#[test]
fn kamailio_kemi_enforces_rfc5922_on_client_certificates_with_a_warning_header() {
    let Some(install) = install() else { return };
    let scratch = Scratch::new("cases");
    let pki = Pki::create(&scratch);
    let k = Kamailio::start(&install, &scratch, &pki);
    let mut failures = Vec::new();
    for case in CASES {
        let leaf = pki.client(case.cn, case.sans);
        let response = options_with_client_cert(&k, &pki, &leaf, case.from_domain);
        let warning = response.header("warning").map(str::to_owned);
        eprintln!(
            "{}: {} (Warning: {})",
            case.name,
            response.start_line,
            warning.as_deref().unwrap_or("none")
        );
        let want_warning = case
            .warning
            .map(|text| format!("{} {DOMAIN} \"{text}\"", sipcert::WARN_CODE));
        if response.status_code() != Some(case.status) || warning != want_warning {
            failures.push(format!(
                "{} (SANs {:?}, From domain {}): got {:?} with Warning {warning:?}, want {} with Warning {want_warning:?}\n{response}",
                case.name, case.sans, case.from_domain, response.start_line, case.status
            ));
            continue;
        }
        // The Python package and the Rust library render the same header.
        if let Some(warning) = &warning {
            let rust = rust_warning(&pki, &leaf, case.from_domain);
            if *warning != rust {
                failures.push(format!(
                    "{}: Kamailio (Python) sent Warning {warning:?}, sipcert::warning_header says {rust:?}",
                    case.name
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n--- kamailio log ---\n{}",
        failures.join("\n\n"),
        k.log()
    );
    assert!(
        k.log().contains("sipcert 399 loaded from"),
        "the KEMI script did not load sipcert:\n{}",
        k.log()
    );
}
