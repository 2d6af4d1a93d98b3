//! `sipcert stir lint`: the decisions.md §3 contract (exit 0 without an error finding, 1 with
//! one, 2 for unusable input; `--json` prints one object).

mod common;

use serde_json::Value;
use sipcert_testkit::pki::{pem, Ca, CaSpec};
use sipcert_testkit::stir::{sti_profile_leaf, Omit, TnEntry};

#[test]
fn lint_reports_findings_with_codes_and_exit_status() {
    let dir = std::env::temp_dir().join(format!("sipcert-stir-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let ca = Ca::root_with(CaSpec::new("Test STI-CA"));
    let spc = [TnEntry::Spc("709J".into())];
    let good = ca.leaf(sti_profile_leaf(&spc, &[]));
    let bad = ca.leaf(sti_profile_leaf(&spc, &[Omit::CrlDp]));
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    std::fs::write(path("good.pem"), pem("CERTIFICATE", &good.der)).expect("write");
    std::fs::write(path("bad.pem"), pem("CERTIFICATE", &bad.der)).expect("write");
    std::fs::write(path("garbage.pem"), "nothing here\n").expect("write");
    let at = "2025-01-01T00:00:00Z";

    let (code, v, out) = common::run(&["stir", "lint", "--json", "--at", at, &path("good.pem")]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(v["verdict"], "pass", "{out}");
    assert_eq!(v["findings"][0]["code"], "stir-lint-tnauthlist", "{out}");
    assert_eq!(v["findings"][0]["severity"], "info", "{out}");

    let (code, v, out) = common::run(&["stir", "lint", "--json", "--at", at, &path("bad.pem")]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(v["verdict"], "fail", "{out}");
    assert_eq!(
        v["findings"][0]["code"], "stir-lint-crl-distribution-point-missing",
        "{out}"
    );
    assert_eq!(v["findings"][0]["severity"], "error", "{out}");
    assert!(v["findings"][0]["message"].is_string(), "{out}");

    let (code, _, out) = common::run(&["stir", "lint", "--at", at, &path("bad.pem")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAIL"), "{out}");
    assert!(
        out.contains("error stir-lint-crl-distribution-point-missing"),
        "{out}"
    );

    for args in [
        vec!["stir", "lint", "--json", &path("garbage.pem")],
        vec!["stir", "lint", "--json", "/nonexistent/cert.pem"],
        vec![
            "stir",
            "lint",
            "--json",
            "--at",
            "yesterday",
            &path("good.pem"),
        ],
    ] {
        let (code, v, out) = common::run(&args);
        assert_eq!((code, v), (2, Value::Null), "{args:?}: {out}");
    }
}
