//! `sipcert probe --tls-scan` against `openssl s_server` servers configured to offer given
//! protocol versions, suites, groups and certificates: each field of `"tls"` asserted against
//! that configuration (TLS 1.0 only at SECLEVEL=0, TLS 1.2 only with CBC suites in the
//! server's or the client's order, TLS 1.3 only with one suite and two groups, another
//! certificate without SNI).
//!
//! Skips (saying so) when `openssl` is not installed, unless `SIPCERT_REQUIRE_INTEROP=1`.

mod common;

use common::{example_pki, probe_local, run};
use serde_json::{json, Value};
use sipcert_testkit::pki::PemPki;
use sipcert_testkit::programs;

/// The scan of an `openssl s_server` run with `options`: the `"tls"` object, the target's
/// grade and the whole output.
fn scan(pki: &PemPki, options: &[&str]) -> (Value, Value, String) {
    let (_server, port) = programs::openssl_server(pki, options);
    let (_, v, out) = run(&probe_local(
        "sips:example.com",
        port,
        pki,
        &["--tls-scan", "--timeout", "60"],
    ));
    // A server that answers every question: the lists are whole.
    assert_eq!(v["tls"]["unanswered_questions"], 0, "{options:?}: {out}");
    for (version, suites) in v["tls"]["cipher_suites"].as_object().into_iter().flatten() {
        assert_eq!(suites["complete"], true, "{options:?} {version}: {out}");
    }
    (v["tls"].clone(), v["targets"][0]["grade"].clone(), out)
}

/// The names of the accepted suites at `version`.
fn suites(tls: &Value, version: &str) -> Vec<String> {
    tls["cipher_suites"][version]["accepted"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn versions(tls: &Value) -> Value {
    tls["versions"].clone()
}

#[test]
fn tls10_only_at_seclevel_0_is_seen_as_legacy_with_its_suites() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("scan-tls10");
    let (tls, grade, out) = scan(
        &pki,
        &[
            "-tls1",
            "-cipher",
            "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA@SECLEVEL=0",
        ],
    );
    assert_eq!(
        versions(&tls),
        json!({"TLSv1.3": false, "TLSv1.2": false, "TLSv1.1": false, "TLSv1.0": true, "SSLv3": false}),
        "{out}"
    );
    assert_eq!(
        suites(&tls, "TLSv1.0"),
        [
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"
        ],
        "{out}"
    );
    assert_eq!(
        tls["cipher_suites"]["TLSv1.0"]["accepted"][0]["weak"],
        json!(["cbc"]),
        "{out}"
    );
    // rustls speaks no TLS 1.0: the probe's own handshake fails, the scan still reports.
    assert_eq!(tls["version"], Value::Null, "{out}");
    // The grade takes the scan's facts: legacy versions and weak suites are caps of their own.
    assert_eq!(
        caps(&grade),
        [
            "tls-handshake-failed",
            "tls-legacy-version",
            "tls-weak-cipher"
        ],
        "{grade}"
    );
}

/// The codes of a grade's caps, sorted.
fn caps(grade: &Value) -> Vec<String> {
    let mut codes: Vec<String> = grade["caps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["code"].as_str().map(str::to_owned))
        .collect();
    codes.sort();
    codes
}

#[test]
fn tls12_only_with_cbc_suites_in_the_servers_or_the_clients_order() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("scan-tls12");
    let cbc = "ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA";
    for (order, extra, want) in [
        ("server", Some("-serverpref"), true),
        ("client", None, false),
    ] {
        let mut options = vec!["-tls1_2", "-cipher", cbc];
        options.extend(extra);
        let (tls, grade, out) = scan(&pki, &options);
        assert_eq!(
            versions(&tls),
            json!({"TLSv1.3": false, "TLSv1.2": true, "TLSv1.1": false, "TLSv1.0": false, "SSLv3": false}),
            "{order}: {out}"
        );
        assert_eq!(
            suites(&tls, "TLSv1.2"),
            [
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"
            ],
            "{order}: {out}"
        );
        assert_eq!(
            tls["cipher_suites"]["TLSv1.2"]["server_preference"],
            json!(want),
            "{order}: {out}"
        );
        // rustls offers no CBC suite: the probe's own handshake fails, the scan reports.
        assert_eq!(tls["version"], Value::Null, "{order}: {out}");
        assert_eq!(
            caps(&grade),
            ["tls-handshake-failed", "tls-weak-cipher"],
            "{grade}"
        );
        // Without TLS 1.3 the groups are not asked (TLS 1.2 names the curve only in its
        // ServerKeyExchange, and an ECDSA certificate's curve must be offered too).
        assert_eq!(
            tls["groups"],
            json!({"X25519": null, "secp256r1": null, "secp384r1": null, "X25519MLKEM768": null}),
            "{order}: {out}"
        );
    }
}

#[test]
fn tls13_only_with_one_suite_and_two_groups() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let pki = example_pki("scan-tls13");
    let (tls, grade, out) = scan(
        &pki,
        &[
            "-tls1_3",
            "-ciphersuites",
            "TLS_AES_256_GCM_SHA384",
            "-groups",
            "X25519:P-384",
        ],
    );
    assert_eq!(
        versions(&tls),
        json!({"TLSv1.3": true, "TLSv1.2": false, "TLSv1.1": false, "TLSv1.0": false, "SSLv3": false}),
        "{out}"
    );
    assert_eq!(suites(&tls, "TLSv1.3"), ["TLS_AES_256_GCM_SHA384"], "{out}");
    assert_eq!(
        tls["groups"],
        json!({"X25519": true, "secp256r1": false, "secp384r1": true, "X25519MLKEM768": false}),
        "{out}"
    );
    assert_eq!(tls["alpn_tolerant"], true, "{out}");
    assert_eq!(tls["ocsp_stapled"], false, "{out}");
    assert_eq!(tls["resumption"], true, "{out}");
    assert_eq!(tls["sni_certificates_differ"], false, "{out}");
    assert!(
        tls["scan_connections"].as_u64().is_some_and(|n| n <= 146),
        "{out}"
    );
    // Measured and clean: nothing capped, TLS 1.3 only is a lift, nothing left unmeasured
    // but the client certificate (none presented).
    assert_eq!(caps(&grade), Vec::<String>::new(), "{grade}");
    assert_eq!(grade["lifts"], json!(["tls13-only"]), "{grade}");
    assert_eq!(
        grade["not_measured"],
        json!(["client-certificate-readiness"]),
        "{grade}"
    );
}

#[test]
fn another_certificate_without_sni_is_reported() {
    if !programs::available("openssl", &["version"]) {
        return;
    }
    let good = example_pki("scan-sni-good");
    let fallback = PemPki::new(
        "scan-sni-fallback",
        sipcert_testkit::pki::LeafSpec::new().dns("fallback.invalid"),
        false,
    );
    // The default certificate is `fallback`; SNI example.com gets `good` (-cert2).
    let (_server, port) = programs::openssl_server(
        &fallback,
        &[
            "-servername",
            "example.com",
            "-cert2",
            &good.path("chain.pem"),
            "-key2",
            &good.path("leaf.key"),
            "-tls1_3",
        ],
    );
    // `-cert2` sends no intermediate: the probe trusts `good`'s intermediate as its anchor.
    let mut args = probe_local(
        "sips:example.com",
        port,
        &good,
        &["--tls-scan", "--timeout", "60"],
    );
    if let Some(roots) = args.iter().position(|a| a == "--roots") {
        args[roots + 1] = good.path("inter.pem");
    }
    let (code, v, out) = run(&args);
    let tls = &v["tls"];
    assert_eq!(code, 0, "SNI example.com gets the right certificate: {out}");
    assert_eq!(tls["sni_certificates_differ"], true, "{out}");
    let by_sni = tls["certificates_by_sni"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let sans = |sni: Value| {
        by_sni
            .iter()
            .find(|c| c["sni"] == sni)
            .map(|c| c["certificate"]["sans"].clone())
    };
    assert_eq!(
        sans(json!("example.com")),
        Some(json!(["URI:sip:example.com"])),
        "{out}"
    );
    assert_eq!(
        sans(Value::Null),
        Some(json!(["DNS:fallback.invalid"])),
        "{out}"
    );
}

/// A server that accepts TCP and never answers, and one that closes at once: the scan ends
/// within the probe's deadline, and says "not known" for the silent one, "no" for the closing
/// one, never "yes".
#[test]
fn silent_and_closing_servers_end_within_the_deadline() {
    use std::net::TcpListener;
    use std::time::{Duration, Instant};
    let pki = example_pki("scan-bad-servers");
    for (name, close, want) in [
        ("silent", false, Value::Null),
        ("closing", true, json!(false)),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for sock in listener.incoming().flatten() {
                if !close {
                    held.push(sock);
                }
            }
        });
        let started = Instant::now();
        let (code, v, out) = run(&probe_local(
            "sips:example.com",
            port,
            &pki,
            &["--tls-scan", "--timeout", "4"],
        ));
        let took = started.elapsed();
        assert_eq!(code, 1, "{name}: {out}");
        for version in ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"] {
            assert_eq!(
                v["tls"]["versions"][version], want,
                "{name} {version}: {out}"
            );
        }
        assert_eq!(v["tls"]["cipher_suites"], json!({}), "{name}: {out}");
        let unanswered = v["tls"]["unanswered_questions"].as_u64().unwrap_or(0);
        assert_eq!(unanswered > 0, !close, "{name}: {out}");
        assert!(took < Duration::from_secs(8), "{name}: {took:?}: {out}");
    }
}
