//! Mutual TLS against a TLS stack sipcert did not write: `openssl s_client` presents a client
//! certificate to a rustls server whose `ClientCertVerifier` is `SipClientVerifier`; the
//! server extracts the client's SIP domain identities and authorizes them (RFC 5922 §7.4).
//!
//! Skips (saying so) when `openssl` is not installed, unless `SIPCERT_REQUIRE_INTEROP=1`.
#![allow(clippy::match_wildcard_for_single_variants)] // test code, written before the workspace lint wall

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use sipcert::verifier::{client_identities, AllowList, SipClientVerifier};
use sipcert::{DomainName, Policy};
use sipcert_testkit::pki::{pem, Ca, Eku, LeafSpec};
use sipcert_testkit::{programs, provider};

/// What the rustls server concluded about its one client.
#[derive(Debug)]
enum ServerSaw {
    /// The handshake completed: the authorization result and the line the client sent.
    Authorized(Result<String, String>, String),
    /// The handshake failed with this rustls error.
    HandshakeFailed(String),
}

/// A rustls server for one connection on a free loopback port: it completes the handshake,
/// authorizes the client's SIP domain identities by `allow`, reads one line and answers it;
/// what it saw comes back on the channel.
fn serve_one(
    config: Arc<rustls::ServerConfig>,
    allow: AllowList,
) -> (u16, mpsc::Receiver<ServerSaw>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut sock, _)) = listener.accept() else {
            return;
        };
        sock.set_read_timeout(Some(Duration::from_secs(10))).ok();
        let mut conn = rustls::ServerConnection::new(config).unwrap();
        while conn.is_handshaking() {
            if let Err(e) = conn.complete_io(&mut sock) {
                tx.send(ServerSaw::HandshakeFailed(e.to_string())).ok();
                return;
            }
        }
        let peer = client_identities(conn.peer_certificates(), &Policy::default());
        let decision = allow
            .authorize(&peer)
            .map(ToString::to_string)
            .map_err(|e| e.code().to_owned());
        let mut line = String::new();
        let mut stream = rustls::Stream::new(&mut conn, &mut sock);
        let _ = BufReader::new(&mut stream).read_line(&mut line);
        let _ = stream.write_all(b"SIP/2.0 200 OK\r\n\r\n");
        tx.send(ServerSaw::Authorized(decision, line.trim_end().to_owned()))
            .ok();
    });
    (port, rx)
}

fn run_case(client_leaf: LeafSpec, allowed: &[&str]) -> ServerSaw {
    static CASE: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sipcert-openssl-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let root = Ca::root("Interop Root");
    let server = root.leaf(LeafSpec::new().uri("sip:server.example"));
    let client = root.leaf(client_leaf);
    let path = |f: &str| dir.join(f).to_string_lossy().into_owned();
    std::fs::write(path("root.pem"), pem("CERTIFICATE", &root.der)).unwrap();
    std::fs::write(path("client.pem"), pem("CERTIFICATE", &client.der)).unwrap();
    std::fs::write(
        path("client.key"),
        pem("PRIVATE KEY", client.key.secret_der()),
    )
    .unwrap();

    let provider = provider();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.der.clone()).unwrap();
    let verifier = SipClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(vec![server.der.clone()], server.key.clone_key())
            .unwrap(),
    );
    let allow = AllowList::new(allowed.iter().map(|d| DomainName::from_ascii(d).unwrap()));
    let (port, rx) = serve_one(config, allow);

    let mut child = Command::new("openssl")
        .args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "server.example",
            "-CAfile",
            &path("root.pem"),
            "-cert",
            &path("client.pem"),
            "-key",
            &path("client.key"),
            "-quiet",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn openssl s_client");
    if let Some(stdin) = child.stdin.as_mut() {
        let _ = stdin.write_all(b"OPTIONS sip:server.example SIP/2.0\n");
    }
    let saw = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the server reports within 20 s");
    let _ = child.kill();
    let _ = child.wait();
    saw
}

#[test]
fn openssl_client_certificate_is_authorized_by_sip_domain() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    // sip: URI identity, sipDomain-only EKU: the stock WebPkiClientVerifier would refuse
    // the EKU; sipcert accepts it and authorizes example.net.
    let saw = run_case(
        LeafSpec::new()
            .uri("sip:example.net")
            .eku(&[Eku::SipDomain]),
        &["example.net"],
    );
    match saw {
        ServerSaw::Authorized(Ok(domain), line) => {
            assert_eq!(domain, "example.net");
            assert_eq!(line, "OPTIONS sip:server.example SIP/2.0");
        }
        other => panic!("expected authorization of example.net, got {other:?}"),
    }

    // Authenticated but not on the allow-list (a host inside the domain is not the domain).
    let saw = run_case(LeafSpec::new().uri("sip:sub.example.net"), &["example.net"]);
    match saw {
        ServerSaw::Authorized(Err(code), _) => assert_eq!(code, "client-not-allowed"),
        other => panic!("expected client-not-allowed, got {other:?}"),
    }

    // A codeSigning-only client certificate is refused during the handshake.
    let saw = run_case(
        LeafSpec::new()
            .uri("sip:example.net")
            .eku(&[Eku::CodeSigning]),
        &["example.net"],
    );
    match saw {
        ServerSaw::HandshakeFailed(e) => assert!(e.contains("certificate"), "{e}"),
        other => panic!("expected a handshake failure, got {other:?}"),
    }
}
