//! `sipcert probe` against a TLS stack sipcert did not write: `openssl s_server` presents a
//! domain certificate to the CLI's verifier (moved from `cli/tests/chain.rs`, whose in-process
//! rustls server covers the rest of `probe`).
//!
//! The `sipcert` binary is built for this test by `sipcert_testkit::programs::cargo_built`.
//! Skips (saying so) when `openssl` is not installed, unless `SIPCERT_REQUIRE_INTEROP=1`.

use serde_json::Value;
use sipcert_testkit::cli;
use sipcert_testkit::pki::{LeafSpec, PemPki};
use sipcert_testkit::programs;

fn run(args: &[&str]) -> (i32, Value, String) {
    let r = cli::run(cli::built(), args);
    let v = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    (r.code, v, r.output())
}

/// `probe --json sips:alice@example.com` against the server on `port`, trusting `pki`'s root.
fn probe(port: u16, pki: &PemPki) -> (i32, Value, String) {
    let address = format!("127.0.0.1:{port}");
    run(&[
        "probe",
        "--json",
        "sips:alice@example.com",
        "--connect",
        &address,
        "--roots",
        &pki.path("root.pem"),
    ])
}

/// A TLS stack sipcert did not write: `openssl s_server` presents a domain certificate to
/// sipcert's verifier.
#[test]
fn probe_openssl_server() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let good = PemPki::new(
        "openssl-good",
        LeafSpec::new().uri("sip:example.com"),
        false,
    );
    // -naccept 2: one readiness check, one probe.
    let (_server, port) = programs::openssl_server(&good, &["-naccept", "2"]);
    let (code, v, out) = probe(port, &good);
    assert_eq!(
        (code, &v["verdict"], &v["chain"]),
        (0, &"accept".into(), &"valid".into()),
        "{out}"
    );

    let host = PemPki::new(
        "openssl-host",
        LeafSpec::new().dns("sip.example.com"),
        false,
    );
    let (_server, port) = programs::openssl_server(&host, &["-naccept", "2"]);
    let (code, v, out) = probe(port, &host);
    assert_eq!((code, &v["verdict"]), (1, &"reject".into()), "{out}");
    assert_eq!(v["hints"][0], "hint-host-within-domain", "{out}");

    // The certificate passes, but the server demands a client certificate the probe does not
    // have, so the handshake fails afterwards (TLS 1.2: the server's alert comes before its
    // Finished; in TLS 1.3 it would come after the client's handshake is complete): never an
    // accept, and no session reported.
    let (_server, port) = programs::openssl_server(
        &good,
        &[
            "-naccept",
            "2",
            "-tls1_2",
            "-Verify",
            "1",
            "-CAfile",
            &good.path("root.pem"),
        ],
    );
    let (code, v, out) = probe(port, &good);
    assert_eq!((code, &v["verdict"]), (1, &"reject".into()), "{out}");
    assert_eq!(v["tls"], Value::Null, "{out}");
    assert_eq!(v["reasons"][0]["code"], "tls-handshake-failed", "{out}");
    assert_eq!(v["chain"], "valid", "the certificate itself passed: {out}");
    assert_eq!(v["identities"][0]["domain"], "example.com", "{out}");
}
