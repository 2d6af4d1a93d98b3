//! `sipcert check --json` on every row of the fixture corpus (`fixtures/manifest.json`): the
//! verdict, reason codes, hints, relaxations and exit status must be the manifest's. The
//! library and rustls's stock verifiers are checked against the same rows by the root
//! package's `tests/fixtures.rs`.
#![allow(clippy::bool_to_int_with_if, clippy::similar_names)] // test code, written before the workspace lint wall

mod common;

use serde_json::Value;
use sipcert_testkit::fixtures::{self, strings};

/// The `sipcert check` arguments for a row (paths absolute).
fn args(case: &Value) -> Vec<String> {
    let dir = fixtures::dir();
    let file = |rel: &str| dir.join(rel).to_string_lossy().into_owned();
    let files = &case["files"];
    let mut args = vec!["check".to_owned(), "--json".to_owned()];
    match (case["aus"].as_str(), case["domain"].as_str()) {
        (Some(aus), _) => args.extend(["--uri".to_owned(), aus.to_owned()]),
        (None, Some(d)) => args.extend(["--domain".to_owned(), d.to_owned()]),
        (None, None) => panic!("{}: no aus and no domain", case["id"]),
    }
    if let Some(root) = files["root"].as_str() {
        args.extend(["--roots".to_owned(), file(root)]);
    }
    for crl in strings(&files["crls"]) {
        args.extend(["--crl".to_owned(), file(&crl)]);
    }
    if let Some(at) = case["at"].as_str() {
        args.extend(["--at".to_owned(), at.to_owned()]);
    }
    args.extend([
        "--role".to_owned(),
        case["role"].as_str().expect("role").to_owned(),
    ]);
    args.extend(strings(&case["policy"]));
    args.push(file(files["chain"].as_str().expect("files.chain")));
    args
}

#[test]
fn every_fixture_row_through_the_command_line() {
    let manifest = fixtures::manifest();
    let cases = manifest["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let args = args(case);
        let label = format!("{id}: sipcert {}", args.join(" "));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = common::sipcert(&argv);
        let json: Value = match serde_json::from_str(&run.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{label}\n  not one JSON object ({e}): {}",
                    run.output()
                ));
                continue;
            }
        };
        let expected = case["expected"].as_str().expect("expected");
        let want_status = if expected == "accept" { 0 } else { 1 };
        let got = (
            json["verdict"].as_str().unwrap_or("").to_owned(),
            json["reasons"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| r["code"].as_str().unwrap_or("").to_owned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
            strings(&json["hints"]),
            strings(&json["relaxations"]),
            run.code,
        );
        let want = (
            expected.to_owned(),
            strings(&case["reasons"]),
            strings(&case["hints"]),
            strings(&case["relaxations"]),
            want_status,
        );
        if got != want {
            failures.push(format!(
                "{label}\n  got (verdict, reasons, hints, relaxations, exit) {got:?}\n  manifest says {want:?}\n  {}",
                run.stdout
            ));
            continue;
        }
        // Without --roots the chain is not validated, and the output says so.
        let chain = json["chain"].as_str().unwrap_or("");
        let rooted = !case["files"]["root"].is_null();
        if rooted == (chain == "unchecked") || (rooted && expected == "accept" && chain != "valid")
        {
            failures.push(format!("{label}\n  \"chain\": {chain:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
