//! `sipcert probe` mutual-TLS readiness (`"client_auth"`) against `openssl s_server` servers
//! configured to ask for, or require, a client certificate from a given CA (`-CAfile` sets the
//! CA names list of its CertificateRequest), each report field asserted against that
//! configuration; our own certificate (`--cert`, `--as`) checked as the peer checks it.
//!
//! Skips (saying so) when `openssl` is not installed, unless `SIPCERT_REQUIRE_INTEROP=1`.

mod common;

use common::{example_pki, probe_local, run};
use serde_json::{json, Value};
use sipcert_testkit::pki::{Eku, LeafSpec, PemPki};
use sipcert_testkit::programs::{self, KillOnDrop};

/// A client PKI ("{name} Root" → "{name} Intermediate" → a trunk certificate with `eku`).
fn client_pki(name: &str, eku: &[Eku]) -> PemPki {
    PemPki::new(
        name,
        LeafSpec::new().uri("sip:trunk.example.net").eku(eku),
        false,
    )
}

/// A server for `sips:example.com` (PKI `server`) asking for a client certificate issued under
/// `clients`'s root, with `extra` options (`-Verify 1 -verify_return_error` to require one).
fn asking_server(
    server: &PemPki,
    clients: &PemPki,
    tls: &str,
    extra: &[&str],
) -> (KillOnDrop, u16) {
    let ca = clients.path("root.pem");
    let mut options = vec![tls, "-CAfile", &ca];
    options.extend_from_slice(extra);
    programs::openssl_server(server, &options)
}

const REQUIRE: &[&str] = &["-Verify", "1", "-verify_return_error"];

fn with_cert<'a>(pki: &'a PemPki, chain: &'a str, key: &'a str, as_domain: &'a str) -> Vec<String> {
    vec![
        "--timeout".into(),
        "10".into(),
        "--cert".into(),
        pki.path(chain),
        "--key".into(),
        pki.path(key),
        "--as".into(),
        as_domain.into(),
    ]
}

fn codes(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn probe(server: &PemPki, port: u16, extra: &[String]) -> (i32, Value, String) {
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    run(&probe_local("sips:example.com", port, server, &extra))
}

#[test]
fn a_server_requiring_a_client_certificate_is_reported_as_such_without_one() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let server = example_pki("mtls-req-none-server");
    let clients = client_pki("mtls-req-none-clients", &[Eku::ClientAuth]);
    for tls in ["-tls1_3", "-tls1_2"] {
        let (_s, port) = asking_server(&server, &clients, tls, REQUIRE);
        let (code, v, out) = probe(&server, port, &["--timeout".into(), "10".into()]);
        let ca = &v["client_auth"];
        assert_eq!(code, 1, "{tls}: {out}");
        assert_eq!(ca["requested"], true, "{tls}: {out}");
        assert_eq!(ca["required"], true, "{tls}: {out}");
        assert_eq!(ca["presented"], false, "{tls}: {out}");
        assert_eq!(ca["accepted"], Value::Null, "{tls}: {out}");
        assert_eq!(
            ca["ca_names"],
            json!(["CN=mtls-req-none-clients Root"]),
            "{tls}: the CA names of -CAfile: {out}"
        );
        assert!(
            ca["signature_schemes"]
                .as_array()
                .is_some_and(|s| s.contains(&json!("ECDSA_NISTP256_SHA256"))),
            "{tls}: {out}"
        );
        assert_eq!(ca["own_certificate"], Value::Null, "{tls}: {out}");
    }
}

#[test]
fn a_server_asking_without_requiring_accepts_the_probe_without_a_certificate() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let server = example_pki("mtls-ask-server");
    let clients = client_pki("mtls-ask-clients", &[Eku::ClientAuth]);
    // -verify (lower case): asks, and goes on without one.
    let (_s, port) = asking_server(&server, &clients, "-tls1_3", &["-verify", "1"]);
    let (code, v, out) = probe(&server, port, &["--timeout".into(), "10".into()]);
    let ca = &v["client_auth"];
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        (&ca["requested"], &ca["required"]),
        (&json!(true), &json!(false)),
        "{out}"
    );
}

#[test]
fn a_server_not_asking_is_reported_as_not_requesting() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let server = example_pki("mtls-none-server");
    let clients = client_pki("mtls-none-clients", &[Eku::ClientAuth]);
    let (_s, port) = programs::openssl_server(&server, &["-tls1_3"]);
    let (code, v, out) = probe(
        &server,
        port,
        &with_cert(&clients, "chain.pem", "leaf.key", "trunk.example.net"),
    );
    let ca = &v["client_auth"];
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        (&ca["requested"], &ca["required"], &ca["presented"]),
        (&json!(false), &json!(false), &json!(false)),
        "{out}"
    );
    // Our own certificate is still examined.
    assert_eq!(
        ca["own_certificate"]["rfc5922"]["verdict"], "accept",
        "{out}"
    );
    assert_eq!(
        ca["own_certificate"]["issuer_in_ca_names"],
        Value::Null,
        "{out}"
    );
}

/// (name, EKU of our certificate, `--as`, whether the server's CA is ours, TLS version,
///  accepted, our certificate's finding codes, issuer among the CA names)
type Row = (
    &'static str,
    &'static [Eku],
    &'static str,
    bool,
    &'static str,
    bool,
    &'static [&'static str],
    bool,
);

const ROWS: &[Row] = &[
    (
        "clientAuth, the server's CA, TLS 1.3",
        &[Eku::ClientAuth],
        "trunk.example.net",
        true,
        "-tls1_3",
        true,
        &[],
        true,
    ),
    (
        "clientAuth, the server's CA, TLS 1.2",
        &[Eku::ClientAuth],
        "trunk.example.net",
        true,
        "-tls1_2",
        true,
        &[],
        true,
    ),
    (
        "serverAuth only (the 2026 public-CA shape): OpenSSL refuses it as a client",
        &[Eku::ServerAuth],
        "trunk.example.net",
        true,
        "-tls1_3",
        false,
        &["eku-server-auth-only"],
        true,
    ),
    (
        "clientAuth, --as another domain",
        &[Eku::ClientAuth],
        "other.example.org",
        true,
        "-tls1_3",
        true,
        &["no-matching-identity"],
        true,
    ),
    (
        "clientAuth, another CA",
        &[Eku::ClientAuth],
        "trunk.example.net",
        false,
        "-tls1_2",
        false,
        &["client-issuer-not-in-ca-names"],
        false,
    ),
];

#[test]
fn our_client_certificate_is_checked_as_the_server_checks_it() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    for (i, (name, eku, as_domain, same_ca, tls, accepted, findings, in_names)) in
        ROWS.iter().enumerate()
    {
        let server = example_pki(&format!("mtls-row{i}-server"));
        let clients = client_pki(&format!("mtls-row{i}-clients"), eku);
        let other = client_pki(&format!("mtls-row{i}-other"), &[Eku::ClientAuth]);
        let trusted = if *same_ca { &clients } else { &other };
        let (_s, port) = asking_server(&server, trusted, tls, REQUIRE);
        let (code, v, out) = probe(
            &server,
            port,
            &with_cert(&clients, "chain.pem", "leaf.key", as_domain),
        );
        let ca = &v["client_auth"];
        let own = &ca["own_certificate"];
        assert_eq!(code, i32::from(!*accepted), "{name}: {out}");
        assert_eq!(
            (&ca["requested"], &ca["presented"], &ca["accepted"]),
            (&json!(true), &json!(true), &json!(accepted)),
            "{name}: {out}"
        );
        assert_eq!(ca["required"], Value::Null, "{name}: {out}");
        assert_eq!(codes(&own["findings"]), *findings, "{name}: {out}");
        assert_eq!(own["issuer_in_ca_names"], json!(in_names), "{name}: {out}");
        assert_eq!(own["as"], json!(as_domain), "{name}: {out}");
        if !accepted {
            assert!(ca["refusal"].is_string(), "{name}: {out}");
        }
    }
}

/// `--tls-scan` against a server requiring a client certificate: its looking handshakes
/// present ours, so resumption is known with one, and not known (never "no") without.
#[test]
fn the_tls_scan_presents_our_certificate_to_a_server_requiring_one() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let server = example_pki("mtls-scan-server");
    let clients = client_pki("mtls-scan-clients", &[Eku::ClientAuth]);
    let (_s, port) = asking_server(&server, &clients, "-tls1_3", REQUIRE);
    let scan = [
        "--tls-scan".to_owned(),
        "--timeout".to_owned(),
        "10".to_owned(),
    ];
    let mut with = with_cert(&clients, "chain.pem", "leaf.key", "trunk.example.net");
    with.push("--tls-scan".to_owned()); // with_cert has --timeout 10
    for (name, extra, resumption) in [
        ("with our certificate", with, json!(true)),
        ("without a certificate", scan.to_vec(), Value::Null),
    ] {
        let (_, v, out) = probe(&server, port, &extra);
        assert_eq!(v["tls"]["resumption"], resumption, "{name}: {out}");
        assert_eq!(v["tls"]["versions"]["TLSv1.3"], true, "{name}: {out}");
    }
}

/// With `--cert` and `--tls-scan`, one look without a certificate tells whether the server
/// requires one: `required` is then known.
#[test]
fn the_tls_scan_tells_whether_a_certificate_is_required_when_we_present_one() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let server = example_pki("mtls-scan-req-server");
    let clients = client_pki("mtls-scan-req-clients", &[Eku::ClientAuth]);
    for (name, tls, extra, required) in [
        ("requires, TLS 1.3", "-tls1_3", REQUIRE, true),
        ("requires, TLS 1.2", "-tls1_2", REQUIRE, true),
        (
            "asks only, TLS 1.3",
            "-tls1_3",
            &["-verify", "1"][..],
            false,
        ),
        (
            "asks only, TLS 1.2",
            "-tls1_2",
            &["-verify", "1"][..],
            false,
        ),
    ] {
        let (_s, port) = asking_server(&server, &clients, tls, extra);
        let mut args = with_cert(&clients, "chain.pem", "leaf.key", "trunk.example.net");
        args.push("--tls-scan".to_owned());
        let (code, v, out) = probe(&server, port, &args);
        assert_eq!(code, 0, "{name}: {out}");
        assert_eq!(v["client_auth"]["accepted"], true, "{name}: {out}");
        assert_eq!(v["client_auth"]["required"], required, "{name}: {out}");
    }
}
