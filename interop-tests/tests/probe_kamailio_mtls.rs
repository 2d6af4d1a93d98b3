//! `sipcert probe` mutual-TLS readiness against Kamailio requiring client certificates
//! (`verify_certificate = yes`, `require_certificate = yes`, `ca_list` = the test root in its
//! tls.cfg): which of our client certificates Kamailio accepts, as Kamailio decides, and what
//! the probe's `"client_auth"` says about each.
//!
//! Kamailio's tls module leaves the decision to OpenSSL: the path to `ca_list` and OpenSSL's
//! default purpose check for a TLS client (the EKU must allow clientAuth when present). It
//! checks no SIP identity: that is left to the routing script.
//!
//! Skips (saying so) when Kamailio is not installed, unless `SIPCERT_REQUIRE_INTEROP=1`.

use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use sipcert_interop_tests::harness::{
    kamailio, CertFiles, Kamailio, KamailioConfig, Proc, Scratch,
};
use sipcert_testkit::pki::{pem, Ca, Eku, LeafSpec};
use sipcert_testkit::programs::{self, Target};

const KAMAILIO_CFG: &str = include_str!("interop/kamailio.cfg.in");
const TLS_CFG: &str = include_str!("interop/tls_mtls.cfg.in");

/// `sipcert probe --json sips:example.test --options` at Kamailio with our certificate `ours`
/// for `--as trunk.test`: the exit code and the JSON.
fn probe(
    scratch: &Scratch,
    root: &str,
    tls: &str,
    ours: &CertFiles,
    name: &str,
) -> (i32, Value, String) {
    let binary = programs::cargo_built("sipcert-cli", Target::Bin("sipcert"));
    let mut cmd = Command::new(binary);
    cmd.args([
        "probe",
        "--json",
        "sips:example.test",
        "--options",
        "--timeout",
        "10",
    ])
    .args(["--connect", tls, "--roots", root, "--as", "trunk.test"])
    .arg("--cert")
    .arg(&ours.cert)
    .arg("--key")
    .arg(&ours.key);
    let mut run = Proc::spawn_split(cmd, scratch.path(&format!("probe-{name}.out")));
    let code = run
        .wait_exit(Duration::from_secs(20))
        .and_then(|s| s.code())
        .unwrap_or(-1);
    let out = run.log();
    let v = out
        .lines()
        .find_map(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    (code, v, out)
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

#[test]
fn kamailio_requiring_client_certificates_decides_on_ours() {
    let Some(install) = kamailio() else { return };
    let scratch = Scratch::new("probe-kamailio-mtls");
    let ca = Ca::root("sipcert probe mTLS test root");
    let root = scratch.write("root.pem", pem("CERTIFICATE", &ca.der));
    let leaf = |name: &str, spec: LeafSpec| CertFiles::write(&scratch, name, &ca.leaf(spec));
    let server = leaf("server", LeafSpec::new().uri("sip:example.test"));
    let trunk = || LeafSpec::new().uri("sip:trunk.test");
    let config = KamailioConfig {
        cfg_template: KAMAILIO_CFG,
        tls_template: TLS_CFG,
        server: &server,
        client: &server,
        ca: &root,
        relay_port: 9,
        ready_uri: "sip:example.test",
    };
    let k = Kamailio::start(&install, &scratch, &config);
    let (root, tls) = (root.display().to_string(), k.tls.to_string());
    // (name, our certificate, Kamailio accepts it, our certificate's findings)
    let rows: Vec<(&str, CertFiles, bool, &[&str])> = vec![
        (
            "clientAuth, sip:trunk.test",
            leaf("client-auth", trunk().eku(&[Eku::ClientAuth])),
            true,
            &[],
        ),
        (
            "serverAuth only, sip:trunk.test (the 2026 public-CA shape)",
            leaf("server-auth-only", trunk().eku(&[Eku::ServerAuth])),
            false,
            &["eku-server-auth-only"],
        ),
        (
            "clientAuth, no SIP identity (an e-mail SAN only)",
            leaf(
                "no-identity",
                LeafSpec::new()
                    .email("ops@trunk.test")
                    .eku(&[Eku::ClientAuth]),
            ),
            true,
            &["no-identities"],
        ),
    ];
    for (name, ours, accepted, findings) in &rows {
        let (code, v, out) = probe(&scratch, &root, &tls, ours, name);
        let ca = &v["client_auth"];
        let log = k.log();
        assert_eq!(
            (&ca["requested"], &ca["presented"], &ca["accepted"]),
            (&json!(true), &json!(true), &json!(accepted)),
            "{name}: {out}\n--- kamailio ---\n{log}"
        );
        assert_eq!(
            ca["ca_names"],
            json!(["CN=sipcert probe mTLS test root"]),
            "{name}: {out}"
        );
        assert_eq!(
            codes(&ca["own_certificate"]["findings"]),
            *findings,
            "{name}: {out}"
        );
        assert_eq!(
            ca["own_certificate"]["issuer_in_ca_names"], true,
            "{name}: {out}"
        );
        if *accepted {
            assert_eq!(
                (code, &v["options"]["status"]),
                (0, &json!(200)),
                "{name}: {out}"
            );
        } else {
            assert_eq!(code, 1, "{name}: {out}");
            assert!(ca["refusal"].is_string(), "{name}: {out}");
        }
    }
}
