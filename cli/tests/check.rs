//! `sipcert identities` and `sipcert check` without `--roots`: the decisions.md §3 contract.

use std::path::PathBuf;

mod common;

use common::json;
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, SanType};
use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let r = common::sipcert(args);
    (r.code, r.stdout, r.stderr)
}

/// Writes a self-signed certificate with these SANs and CN to a temp file (PEM or DER).
fn cert(name: &str, sans: &[SanType], cn: Option<&str>, der: bool) -> PathBuf {
    let mut p = CertificateParams::default();
    p.distinguished_name = DistinguishedName::new();
    if let Some(cn) = cn {
        p.distinguished_name.push(DnType::CommonName, cn);
    }
    p.subject_alt_names = sans.to_vec();
    let key = KeyPair::generate().unwrap();
    let c = p.self_signed(&key).unwrap();
    let dir = std::env::temp_dir().join(format!("sipcert-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    if der {
        std::fs::write(&path, c.der()).unwrap();
    } else {
        std::fs::write(&path, c.pem()).unwrap();
    }
    path
}

fn uri(s: &str) -> SanType {
    SanType::URI(s.try_into().unwrap())
}

fn dns(s: &str) -> SanType {
    SanType::DnsName(s.try_into().unwrap())
}

#[test]
fn identities_contract() {
    let path = cert(
        "ids.pem",
        &[
            uri("sip:example.com"),
            uri("sip:alice@example.com"),
            dns("example.net"),
        ],
        Some("Example"),
        false,
    );
    let (code, v) = json(&["identities", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        v["identities"],
        serde_json::json!([{"domain": "example.com", "source": "san-uri"}])
    );
    let ignored = v["ignored"].as_array().unwrap();
    let reasons: Vec<_> = ignored
        .iter()
        .map(|i| {
            (
                i["value"].as_str().unwrap(),
                i["source"].as_str().unwrap(),
                i["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        reasons.contains(&("sip:alice@example.com", "san-uri", "uri-has-user-part")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("example.net", "san-dns", "dns-suppressed-by-sip-uri")),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("Example", "cn", "cn-suppressed-by-san")),
        "{reasons:?}"
    );

    // CN-only certificate, DER: the CN is an identity unless --no-cn-fallback.
    let path = cert("cn.der", &[], Some("sip.example.com"), true);
    let (code, v) = json(&["identities", "--json", path.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(v["identities"][0]["source"], "cn");
    let (code, v) = json(&[
        "identities",
        "--json",
        "--no-cn-fallback",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "no identities: exit 1");
    assert_eq!(v["identities"], serde_json::json!([]));
    assert_eq!(v["ignored"][0]["reason"], "cn-fallback-disabled");
}

#[test]
fn check_contract() {
    let host_style = cert("host.pem", &[dns("sip.atlanta.com")], None, false);
    let p = host_style.to_str().unwrap();
    let (code, v) = json(&["check", "--json", "--uri", "sips:alice@atlanta.com", p]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "reject");
    assert_eq!(v["reference"], "atlanta.com");
    assert_eq!(v["chain"], "unchecked");
    assert_eq!(v["matched"], Value::Null);
    assert_eq!(v["reasons"][0]["code"], "no-matching-identity");
    assert_eq!(v["hints"], serde_json::json!(["hint-host-within-domain"]));
    assert_eq!(v["relaxations"], serde_json::json!([]));

    // The secure SRV target relaxation (RFC 7673) is recorded.
    let (code, v) = json(&[
        "check",
        "--json",
        "--uri",
        "sips:alice@atlanta.com",
        "--secure-srv-target",
        "sip.atlanta.com",
        p,
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["matched"]["via"], "secure-srv-target");
    assert!(
        v["relaxations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "secure-srv-target"),
        "{v}"
    );

    let good = cert("good.pem", &[uri("sip:atlanta.com")], None, false);
    let (code, v) = json(&[
        "check",
        "--json",
        "--domain",
        "ATLANTA.com",
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "accept");
    assert_eq!(
        v["matched"],
        serde_json::json!({"domain": "atlanta.com", "source": "san-uri", "via": "reference"})
    );

    // An IP-literal AUS is a reject with its reason, unless IP literals are allowed.
    let (code, v) = json(&[
        "check",
        "--json",
        "--uri",
        "sip:192.0.2.1",
        good.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["reasons"][0]["code"], "reference-is-ip-literal");

    // Text output says the chain was not checked.
    let (code, out, _) = run(&["check", "--uri", "sips:alice@atlanta.com", p]);
    assert_eq!(code, 1);
    assert!(
        out.contains("NOT CHECKED") && out.contains("hint-host-within-domain"),
        "{out}"
    );
}

#[test]
fn input_errors_exit_2() {
    let good = cert("e.pem", &[uri("sip:atlanta.com")], None, false);
    let g = good.to_str().unwrap();
    assert_eq!(
        run(&["check", "--uri", "sip:a.example", "/nonexistent/file.pem"]).0,
        2
    );
    assert_eq!(run(&["check", g]).0, 2, "a reference is required");
    assert_eq!(run(&["check", "--uri", "not a uri", g]).0, 2);
    assert_eq!(
        run(&["check", "--uri", "sip:a.example", "--role", "peer", g]).0,
        2
    );
    let bad = std::env::temp_dir().join(format!("sipcert-cli-bad-{}.pem", std::process::id()));
    std::fs::write(
        &bad,
        "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    assert_eq!(run(&["identities", bad.to_str().unwrap()]).0, 2);
    std::fs::write(&bad, "hello").unwrap();
    let (code, _, err) = run(&["identities", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no CERTIFICATE"), "{err}");
}

/// PEM is recognised by its `-----BEGIN` line and DER only as one complete SEQUENCE
/// (`sipcert::encoding`): text before the PEM that happens to start with `0` (0x30, the
/// SEQUENCE tag) is not DER, and what is neither is an input error (exit 2), never a verdict.
#[test]
fn pem_or_der_by_the_library_rule() {
    let pem_path = cert("enc.pem", &[uri("sip:atlanta.com")], None, false);
    let der_path = cert("enc.der", &[uri("sip:atlanta.com")], None, true);
    let pem = std::fs::read(&pem_path).unwrap();
    let der = std::fs::read(&der_path).unwrap();
    let with = |head: &[u8], body: &[u8]| -> Vec<u8> { head.iter().chain(body).copied().collect() };
    // (name, file contents, exit status of `identities`)
    let cases: Vec<(&str, Vec<u8>, i32)> = vec![
        ("PEM", pem.clone(), 0),
        ("DER", der.clone(), 0),
        (
            "'0 certs follow', then PEM",
            with(b"0 certs follow\n", &pem),
            0,
        ),
        ("'0 certs follow' only", b"0 certs follow\n".to_vec(), 2),
        ("DER with trailing data", with(&der, b"\n"), 2),
        ("truncated DER", der[..der.len() - 1].to_vec(), 2),
    ];
    let dir = std::env::temp_dir().join(format!("sipcert-cli-enc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (name, contents, want)) in cases.into_iter().enumerate() {
        let path = dir.join(format!("case-{i}"));
        std::fs::write(&path, &contents).unwrap();
        let (code, out, err) = run(&["identities", "--json", path.to_str().unwrap()]);
        assert_eq!(code, want, "{name}: stdout {out} stderr {err}");
        if want == 0 {
            assert!(out.contains("atlanta.com"), "{name}: {out}");
        } else {
            assert!(err.contains("no CERTIFICATE"), "{name}: {err}");
        }
    }
}
