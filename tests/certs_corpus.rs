//! Every end-entity certificate of `shared/corpus/certs/` through identity extraction, compared
//! with the corpus collector's unverified `rfc5922_hint` column. Each disagreement was
//! reviewed against RFC 5922 and is listed, with its reason, in `REVIEWED_DISAGREEMENTS`; the
//! test fails on any other difference (and on a listed one that no longer occurs).
#![allow(clippy::items_after_statements)] // test code, written before the workspace lint wall

use std::collections::BTreeSet;

use sipcert::evaluate_eku;
use sipcert::{extract_identities, EkuAcceptance, EkuMode, IdentitySource, Policy, Role};
use sipcert_testkit::corpus;
use x509_parser::pem::Pem;

/// (file, index in file, what sipcert extracts, why the hint is wrong).
const REVIEWED_DISAGREEMENTS: &[(&str, usize, &[&str], &str)] = &[
    (
        "altname-agent.pem",
        0,
        &["altname.linphone.org"],
        "the hint lists DNS:*.wildcard2.linphone.org as an identity; RFC 5922 §7.2 forbids \
         wildcard matching, so sipcert ignores it (dns-wildcard) and the hint's own note agrees",
    ),
    (
        "cn-agent.pem",
        0,
        &[],
        "no SAN, two CN RDNs: DER order is CN=sip2.linphone.org then CN=*.wildcard1.linphone.org. \
         decisions.md §1 (D3) takes only the last (most specific) CN, which is a wildcard and \
         not a host name (cn-not-dns-name); sip2.linphone.org is cn-not-most-specific. The hint \
         takes every CN, including the wildcard",
    ),
];

/// Parses the hint column: a JSON list; `CN:` marks a CN-derived identity; empty for CAs.
fn hint(column: &str) -> BTreeSet<String> {
    if column.is_empty() {
        return BTreeSet::new();
    }
    let list: Vec<String> =
        serde_json::from_str(column).unwrap_or_else(|e| panic!("bad hint column {column:?}: {e}"));
    list.into_iter().collect()
}

fn pem_der(path: &std::path::Path, index: usize) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let pems: Vec<Pem> = Pem::iter_from_buffer(&bytes)
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: bad PEM: {e:?}", path.display()));
    pems.into_iter()
        .filter(|p| p.label == "CERTIFICATE")
        .nth(index)
        .unwrap_or_else(|| panic!("{}: no certificate #{index}", path.display()))
        .contents
}

#[test]
fn corpus_certificates_against_the_hint_column() {
    let Some(dir) = corpus::dir() else {
        return;
    };
    let rows = corpus::read_tsv(&dir.join("certs").join("index.tsv"));
    assert!(rows.len() >= 38, "index.tsv has {} rows", rows.len());
    let mut leaves = 0;
    let mut disagreements = Vec::new();
    let mut failures = Vec::new();
    for row in &rows {
        let file = row.get("file");
        let index: usize = row.get("index_in_file").parse().expect("index_in_file");
        let path = dir.join("certs").join(row.get("source")).join(file);
        let der = pem_der(&path, index);
        if row.get("basic_constraints").contains("CA:TRUE") {
            continue; // identities come from the end-entity certificate only
        }
        leaves += 1;
        let ids = match extract_identities(&der, &Policy::default()) {
            Ok(ids) => ids,
            Err(e) => {
                failures.push(format!("{file}[{index}]: extraction failed: {e}"));
                continue;
            }
        };
        let ours: BTreeSet<String> = ids
            .identities()
            .iter()
            .map(|i| match i.source() {
                IdentitySource::Cn => format!("CN:{}", i.name()),
                _ => i.name().to_string(),
            })
            .collect();
        let expected = hint(row.get("rfc5922_hint"));
        if ours != expected {
            let plain: Vec<String> = ids
                .identities()
                .iter()
                .map(|i| i.name().to_string())
                .collect();
            disagreements.push((file.to_owned(), index, plain));
            if !REVIEWED_DISAGREEMENTS
                .iter()
                .any(|(f, i, _, _)| *f == file && *i == index)
            {
                let ignored: Vec<String> = ids.ignored().iter().map(ToString::to_string).collect();
                failures.push(format!(
                    "{file}[{index}]: sipcert {ours:?}, hint {expected:?} (SAN {:?}, subject {:?}); ignored {ignored:?}",
                    row.get("san"),
                    row.get("subject")
                ));
            }
        }
    }
    for (file, index, extracted, why) in REVIEWED_DISAGREEMENTS {
        match disagreements
            .iter()
            .find(|(f, i, _)| f == file && i == index)
        {
            None => failures.push(format!(
                "{file}[{index}]: reviewed disagreement no longer occurs ({why})"
            )),
            Some((_, _, got)) if got != extracted => {
                failures.push(format!(
                    "{file}[{index}]: extracted {got:?}, reviewed {extracted:?}"
                ));
            }
            Some(_) => {}
        }
    }
    assert!(leaves >= 20, "only {leaves} end-entity certificates read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The EKU column of the corpus: sipDomain-only, serverAuth, serverAuth+clientAuth.
#[test]
fn corpus_eku() {
    let Some(dir) = corpus::dir() else {
        return;
    };
    let certs = dir.join("certs");
    type Case = (
        &'static str,
        &'static str,
        Role,
        EkuMode,
        Result<EkuAcceptance, &'static str>,
    );
    let cases: &[Case] = &[
        (
            "pyasn1-modules",
            "rfc5924-sip-domain-eku.pem",
            Role::Server,
            EkuMode::Rfc5924,
            Ok(EkuAcceptance::SipDomain),
        ),
        (
            "pyasn1-modules",
            "rfc5924-sip-domain-eku.pem",
            Role::Client,
            EkuMode::Compatible,
            Ok(EkuAcceptance::SipDomain),
        ),
        (
            "resiprocate",
            "tfm-repro-domain_cert_localhost.pem",
            Role::Server,
            EkuMode::Compatible,
            Ok(EkuAcceptance::TlsCompatible),
        ),
        (
            "resiprocate",
            "tfm-repro-domain_cert_localhost.pem",
            Role::Server,
            EkuMode::Rfc5924,
            Err("eku-not-permitted"),
        ),
        (
            "flexisip",
            "tester.example.org-tester-crt.pem",
            Role::Client,
            EkuMode::Compatible,
            Ok(EkuAcceptance::TlsCompatible),
        ),
        (
            "flexisip",
            "tester.example.org-tester-crt.pem",
            Role::Client,
            EkuMode::Rfc5924,
            Err("eku-not-permitted"),
        ),
        (
            "liblinphone",
            "client-cert.pem",
            Role::Client,
            EkuMode::Rfc5924,
            Ok(EkuAcceptance::Absent),
        ),
    ];
    for &(source, file, role, mode, want) in cases {
        let der = pem_der(&certs.join(source).join(file), 0);
        let got = evaluate_eku(&der, role, mode).map_err(|e| e.code());
        assert_eq!(got, want, "{source}/{file} {role:?} {mode:?}");
    }
}
