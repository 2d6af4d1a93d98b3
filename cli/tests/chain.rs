//! `sipcert check --roots/--crl/--at` and `sipcert probe` against an in-process rustls server
//! (`openssl s_server`: `interop-tests/tests/cli_probe_openssl.rs`).
#![allow(clippy::too_many_lines)] // test code, written before the workspace lint wall

mod common;

use std::net::TcpListener;
use std::sync::{mpsc, Arc};
use std::time::Duration;

use serde_json::Value;
use sipcert_testkit::pki::{LeafSpec, PemPki};

use common::run;

#[test]
fn check_with_roots() {
    let p = PemPki::new("roots", LeafSpec::new().uri("sip:example.com"), false);
    let (root, chain) = (p.path("root.pem"), p.path("chain.pem"));
    let (code, v, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sips:alice@example.com",
        "--roots",
        &root,
        &chain,
    ]);
    assert_eq!(
        (code, &v["verdict"], &v["chain"]),
        (0, &"accept".into(), &"valid".into()),
        "{out}"
    );

    // Expired at --at (the leaf is valid 2020..2040).
    let (code, v, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sip:example.com",
        "--roots",
        &root,
        "--at",
        "2041-01-01T00:00:00Z",
        &chain,
    ]);
    assert_eq!((code, &v["chain"]), (1, &"chain-expired".into()), "{out}");
    assert_eq!(v["reasons"][0]["code"], "chain-expired", "{out}");
    let (code, v, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sip:example.com",
        "--roots",
        &root,
        "--at",
        "2019-06-01T00:00:00Z",
        &chain,
    ]);
    assert_eq!(
        (code, &v["chain"]),
        (1, &"chain-not-yet-valid".into()),
        "{out}"
    );

    // Another PKI's root: unknown issuer; the names are still reported.
    let other = PemPki::new("other", LeafSpec::new().uri("sip:example.com"), false);
    let (code, v, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sip:example.com",
        "--roots",
        &other.path("root.pem"),
        &chain,
    ]);
    assert_eq!(
        (code, &v["chain"]),
        (1, &"chain-unknown-issuer".into()),
        "{out}"
    );
    assert_eq!(v["identities"][0]["domain"], "example.com", "{out}");

    // Wrong domain with a valid chain: the chain is valid, the name is not.
    let (code, v, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sip:example.net",
        "--roots",
        &root,
        &chain,
    ]);
    assert_eq!(
        (code, &v["chain"], &v["reasons"][0]["code"]),
        (1, &"valid".into(), &"no-matching-identity".into()),
        "{out}"
    );

    // Revoked by CRL.
    let r = PemPki::new("revoked", LeafSpec::new().uri("sip:example.com"), true);
    let (code, v, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sip:example.com",
        "--roots",
        &r.path("root.pem"),
        "--crl",
        &r.path("crl.pem"),
        &r.path("chain.pem"),
    ]);
    assert_eq!((code, &v["chain"]), (1, &"chain-revoked".into()), "{out}");
    // The same chain with a CRL that revokes nothing is valid.
    let (code, _, out) = run(&[
        "check",
        "--json",
        "--uri",
        "sip:example.com",
        "--roots",
        &root,
        "--crl",
        &p.path("crl.pem"),
        &chain,
    ]);
    assert_eq!(code, 0, "{out}");

    // Input errors.
    assert_eq!(
        run(&[
            "check",
            "--uri",
            "sip:example.com",
            "--at",
            "yesterday",
            "--roots",
            &root,
            &chain
        ])
        .0,
        2
    );
    assert_eq!(
        run(&[
            "check",
            "--uri",
            "sip:example.com",
            "--crl",
            &p.path("crl.pem"),
            &chain
        ])
        .0,
        2,
        "--crl needs --roots"
    );
}

/// A one-shot rustls TLS server on 127.0.0.1; returns its port and a channel with the SNI
/// it saw.
fn rustls_server(pki: &PemPki) -> (u16, mpsc::Receiver<Option<String>>) {
    let config = common::server_config(pki);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        if let Ok((mut sock, _)) = listener.accept() {
            sock.set_read_timeout(Some(Duration::from_secs(10))).ok();
            let mut conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
            let mut sni_sent = false;
            while conn.is_handshaking() {
                if conn.complete_io(&mut sock).is_err() {
                    break;
                }
                if !sni_sent {
                    if let Some(sni) = conn.server_name() {
                        tx.send(Some(sni.to_owned())).ok();
                        sni_sent = true;
                    }
                }
            }
            if !sni_sent {
                tx.send(conn.server_name().map(str::to_owned)).ok();
            }
            let _ = conn.complete_io(&mut sock);
        }
    });
    (port, rx)
}

#[test]
fn probe_rustls_server() {
    let good = common::example_pki("probe-good");
    let (port, sni) = rustls_server(&good);
    let (code, v, out) = run(&common::probe_local(
        "sips:alice@Example.COM",
        port,
        &good,
        &[],
    ));
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["verdict"], "accept");
    assert_eq!(v["chain"], "valid");
    assert!(
        v["tls"]["version"]
            .as_str()
            .is_some_and(|s| s.contains("TLS")),
        "{out}"
    );
    assert_eq!(
        sni.recv_timeout(Duration::from_secs(10))
            .unwrap()
            .as_deref(),
        Some("example.com"),
        "SNI = the SIP domain"
    );

    // RFC 3261 host-style certificate: the handshake is refused, the diagnostic names the hint.
    let host = PemPki::new("probe-host", LeafSpec::new().dns("sip.example.com"), false);
    let (port, _) = rustls_server(&host);
    let (code, v, out) = run(&common::probe_local(
        "sips:alice@example.com",
        port,
        &host,
        &[],
    ));
    assert_eq!(code, 1, "{out}");
    assert_eq!(v["verdict"], "reject");
    assert_eq!(
        v["tls"],
        Value::Null,
        "no session on a rejected certificate"
    );
    assert_eq!(v["hints"][0], "hint-host-within-domain", "{out}");

    // Without --roots: the system trust store, which does not know the test root.
    let (port, _) = rustls_server(&good);
    let connect = format!("127.0.0.1:{port}");
    let (code, v, out) = run(&["probe", "--json", "sip:example.com", "--connect", &connect]);
    if code == 2 {
        // A machine without a system trust store: a usage error that says so.
        assert!(out.contains("system trust store"), "{out}");
    } else {
        assert_eq!(
            (code, &v["chain"], &v["tls"]),
            (1, &"chain-unknown-issuer".into(), &Value::Null),
            "{out}"
        );
    }

    // Nothing listening: a verdict (exit 1) with the probe-level code connect-failed.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (code, v, out) = run(&common::probe_local("sip:example.com", port, &good, &[]));
    assert_eq!(code, 1, "{out}");
    assert_eq!(v["reasons"][0]["code"], "connect-failed", "{out}");
}
