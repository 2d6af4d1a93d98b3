//! `sipcert probe` against a TLS 1.3 server that asks for a client certificate (`openssl
//! s_server -Verify 1 -verify_return_error`): in TLS 1.3 the client's handshake is complete
//! before the server judges the client, so the probe waits for the server's verdict (its
//! first record after Finished, or its alert) before calling the target accepted.
//!
//! Skips (saying so) when `openssl` is not installed, unless `SIPCERT_REQUIRE_INTEROP=1`.

mod common;

use std::time::{Duration, Instant};

use common::{example_pki, probe_local, run};
use sipcert_testkit::pki::PemPki;
use sipcert_testkit::programs::{self, KillOnDrop};

/// Starts a TLS 1.3 `openssl s_server` with `pki`'s chain and `extra`; waits until it accepts.
fn openssl_server(pki: &PemPki, extra: &[&str]) -> (KillOnDrop, u16) {
    let options: Vec<&str> = std::iter::once("-tls1_3")
        .chain(extra.iter().copied())
        .collect();
    programs::openssl_server(pki, &options)
}

/// A server that requires a client certificate its CA (the PKI's root) issued.
fn requiring_server(pki: &PemPki) -> (KillOnDrop, u16) {
    openssl_server(
        pki,
        &[
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &pki.path("root.pem"),
        ],
    )
}

/// `probe --json sips:example.com` against `port`, presenting `pki`'s leaf as the client
/// certificate.
fn probe_presenting_the_leaf(port: u16, pki: &PemPki) -> (i32, serde_json::Value, String) {
    run(&probe_local(
        "sips:example.com",
        port,
        pki,
        &[
            "--timeout",
            "10",
            "--cert",
            &pki.path("chain.pem"),
            "--key",
            &pki.path("leaf.key"),
        ],
    ))
}

#[test]
fn tls13_server_requiring_a_client_certificate_refuses_the_probe_without_one() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("client-auth-required");
    let (_server, port) = requiring_server(&pki);
    let (code, v, out) = run(&probe_local(
        "sips:example.com",
        port,
        &pki,
        &["--timeout", "10"],
    ));
    assert_eq!((code, &v["verdict"]), (1, &"reject".into()), "{out}");
    assert_eq!(v["reasons"][0]["code"], "tls-handshake-failed", "{out}");
    let message = v["reasons"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("CertificateRequired (116)"), "{out}");
    assert!(message.contains("requires a client certificate"), "{out}");
    assert_eq!(v["tls"], serde_json::Value::Null, "{out}");
    assert_eq!(
        v["chain"], "valid",
        "the server's certificate itself passed: {out}"
    );
}

#[test]
fn tls13_server_requiring_a_client_certificate_accepts_one_its_ca_issued() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("client-auth-given");
    let (_server, port) = requiring_server(&pki);
    let (code, v, out) = probe_presenting_the_leaf(port, &pki);
    assert_eq!((code, &v["verdict"]), (0, &"accept".into()), "{out}");
    assert_eq!(v["tls"]["version"], "TLSv1_3", "{out}");
    assert_eq!(v["warnings"], serde_json::json!([]), "{out}");
}

#[test]
fn tls13_server_without_client_auth_costs_no_wait() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("client-auth-none");
    let (_server, port) = openssl_server(&pki, &[]);
    let started = Instant::now();
    let (code, v, out) = run(&probe_local(
        "sips:example.com",
        port,
        &pki,
        &["--timeout", "10"],
    ));
    let took = started.elapsed();
    assert_eq!((code, &v["verdict"]), (0, &"accept".into()), "{out}");
    assert_eq!(v["tls"]["version"], "TLSv1_3", "{out}");
    assert_eq!(v["warnings"], serde_json::json!([]), "{out}");
    // The wait for the server's verdict (at most 1 s) is only for a server that asked for a
    // client certificate.
    assert!(
        v["elapsed_ms"].as_u64().is_some_and(|ms| ms < 1000),
        "{out}"
    );
    assert!(took < Duration::from_secs(5), "{took:?}: {out}");
}

#[test]
fn tls13_server_silent_after_the_handshake_gets_a_warning_after_a_bounded_wait() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("client-auth-silent");
    // No session tickets: nothing follows the server's Finished unless it refuses us.
    let (_server, port) = openssl_server(
        &pki,
        &[
            "-num_tickets",
            "0",
            "-Verify",
            "1",
            "-CAfile",
            &pki.path("root.pem"),
        ],
    );
    let (code, v, out) = probe_presenting_the_leaf(port, &pki);
    assert_eq!((code, &v["verdict"]), (0, &"accept".into()), "{out}");
    let warning = v["warnings"][0].as_str().unwrap_or_default();
    assert!(
        warning.contains("sent nothing after the TLS 1.3 handshake"),
        "{out}"
    );
    let ms = v["elapsed_ms"].as_u64().unwrap_or(u64::MAX);
    assert!((900..3000).contains(&ms), "{ms} ms: {out}");
}
