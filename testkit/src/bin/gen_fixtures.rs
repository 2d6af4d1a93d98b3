//! Generates the fixture corpus: `fixtures/<case>/{chain.pem,root.pem,leaf.key,crl.pem}`,
//! `fixtures/manifest.json` and `docs/conformance.md`.
//!
//! ```sh
//! cargo run -p sipcert-testkit --bin gen_fixtures                      # new certificates, keys, manifest, report
//! cargo run -p sipcert-testkit --bin gen_fixtures -- --manifest-only   # manifest and report only
//! cargo run -p sipcert-testkit --bin gen_fixtures -- --only CASE_ID     # one case's files, manifest, report
//! ```
//!
//! Deterministic except for the keys (and so the signatures): serial numbers, names,
//! extensions and validity (2020-01-01..2099-12-31, or a case's own dates with a fixed
//! verification time `at`) are fixed. Each generated case has its own root and intermediate.
//! The case table (shapes, references, policies, expected verdicts) is
//! `testkit/src/fixture_cases.rs`; `tests/fixtures.rs` fails when `fixtures/manifest.json` is
//! not what it gives. The third-party certificates under `fixtures/third-party/` are copied by
//! hand (see its README) and only listed there.

#![allow(clippy::too_many_lines)]

use std::path::Path;

use rustls::pki_types::CertificateDer;
use sipcert_testkit::conformance;
use sipcert_testkit::fixture_cases::{self, cases, Case, Pki, FROM, UNTIL};
use sipcert_testkit::pki::{pem, Ca, CaSpec};

fn write(path: &Path, content: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn certs_pem(certs: &[&CertificateDer<'_>]) -> String {
    certs.iter().map(|c| pem("CERTIFICATE", c)).collect()
}

/// Builds and writes one generated case (the files `fixture_cases::files_of` lists).
fn generate(dir: &Path, case: &Case) {
    let ca = |name: &str, serial: u64| {
        CaSpec::new(&format!("sipcert fixture {name} ({})", case.id))
            .validity(FROM, UNTIL)
            .serial(serial)
    };
    let root = Ca::root_with(ca("root", 1));
    let (spec, inter) = match &case.pki {
        Pki::Standard(spec) | Pki::Revoked(spec) | Pki::MissingIntermediate(spec) => {
            (spec, root.intermediate(ca("intermediate", 2)))
        }
        Pki::Constrained(permitted, spec) => (
            spec,
            root.intermediate(ca("intermediate", 2).permitted_dns(permitted)),
        ),
        Pki::ThirdParty(..) => unreachable!("third-party cases are not generated"),
    };
    let leaf = inter.leaf(spec.clone());
    let case_dir = dir.join(case.id);
    let chain = match &case.pki {
        Pki::MissingIntermediate(_) => certs_pem(&[&leaf.der]),
        _ => certs_pem(&[&leaf.der, &inter.der]),
    };
    write(&case_dir.join("chain.pem"), &chain);
    write(&case_dir.join("root.pem"), &certs_pem(&[&root.der]));
    write(
        &case_dir.join("leaf.key"),
        &pem("PRIVATE KEY", leaf.key.secret_der()),
    );
    if let Pki::Revoked(_) = case.pki {
        let text = pem("X509 CRL", &root.crl(&[])) + &pem("X509 CRL", &inter.crl(&[leaf.serial]));
        write(&case_dir.join("crl.pem"), &text);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let manifest_only = args.iter().any(|a| a == "--manifest-only");
    // `--only ID`: regenerate that case's files and leave every other case's keys alone.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let root = sipcert_testkit::repo_root();
    let dir = root.join("fixtures");
    if !manifest_only {
        for case in cases() {
            if only.as_deref().is_some_and(|id| id != case.id) {
                continue;
            }
            if !matches!(case.pki, Pki::ThirdParty(..)) {
                generate(&dir, &case);
            }
        }
    }
    let manifest = fixture_cases::manifest();
    let text = serde_json::to_string_pretty(&manifest).expect("JSON") + "\n";
    write(&dir.join("manifest.json"), &text);
    write(
        &root.join("docs").join("conformance.md"),
        &conformance::render(&manifest),
    );
    println!(
        "wrote {} cases to {} and docs/conformance.md",
        manifest["cases"].as_array().map_or(0, Vec::len),
        dir.display()
    );
}
