//! Every row of `shared/corpus/name-matching/*.tsv` through the SIP comparator (a real
//! certificate per row, `check_end_entity`).
//!
//! - Rows whose presented name is a wildcard never match with the default policy (RFC 5922
//!   §7.2); under `danger::allow_wildcards` they are compared with the source.
//! - Every other row is compared with the source.
//! - Every difference must be listed in `REVIEWED` with one of the `CATEGORIES`, the places
//!   where RFC 5922 (or a sipcert decision) legitimately differs from the HTTPS libraries.
//!   A listed row that agrees again also fails, so the list stays exact.
//! - `dns-name-constraint*` rows test nameConstraints subtrees, not reference matching: they
//!   belong to the chain checker and are counted but not run here.
#![allow(clippy::too_many_lines)] // test code, written before the workspace lint wall

use std::net::IpAddr;

use sipcert::{check_end_entity, danger, DomainName, Policy, Reference, Role};
use sipcert_testkit::corpus::{self, Row};
use sipcert_testkit::pki::Leaf;
use sipcert_testkit::pki::{self, cn_attr, name, raw, raw_dns, San};

/// Why sipcert differs from the HTTPS source on a row.
#[rustfmt::skip]
const CATEGORIES: &[(&str, &str)] = &[
    ("reference-not-a-sip-host",
     "the reference is not an RFC 3261 host (`:`, `%`, spaces, non-ASCII, `*`, empty labels, labels over 63 octets); R27 rejects it before matching, while the source compares opaque strings"),
    ("ip-reference-vs-dns",
     "the reference is an IP literal; by default it is rejected (reference-is-ip-literal, D7), and even under allow_ip_literals an IP only matches iPAddress SANs or sip: URI IP hosts, never dNSName text (R20)"),
    ("ip-literal-opt-in",
     "an IP reference against an iPAddress SAN matches only under allow_ip_literals (D7); checked with that policy too"),
    ("trailing-dot-stripped",
     "decisions.md D5 strips exactly one trailing dot from presented names too, so `example.com.` presents `example.com`; webpki calls that malformed and Go/curl no-match"),
    ("wildcard-over-single-label",
     "danger::allow_wildcards refuses `*.com`-style patterns over a single-label base (as webpki does); Go and curl accept them"),
    ("partial-label-wildcard",
     "danger::allow_wildcards takes only a complete left-most `*` label (decisions.md R24); node accepts `*b.a.com`"),
    ("cn-wildcard",
     "a wildcard CN is never a host name (cn-not-dns-name); node matches CN wildcards"),
    ("cn-last-only",
     "only the last CN is a candidate (decisions.md D3); node tries every CN"),
];

/// (file, source column, category). Reviewed row by row.
#[rustfmt::skip]
const REVIEWED: &[(&str, &str, &str)] = &[
    ("curl-hostcheck.tsv", "tests[7]", "reference-not-a-sip-host"),
    ("curl-hostcheck.tsv", "tests[20]", "reference-not-a-sip-host"),
    ("curl-hostcheck.tsv", "tests[22]", "reference-not-a-sip-host"),
    ("curl-hostcheck.tsv", "tests[23]", "reference-not-a-sip-host"),
    ("curl-hostcheck.tsv", "tests[24]", "reference-not-a-sip-host"),
    ("curl-hostcheck.tsv", "tests[25]", "reference-not-a-sip-host"),
    ("curl-hostcheck.tsv", "tests[12]", "ip-reference-vs-dns"),
    ("curl-hostcheck.tsv", "tests[45]", "ip-reference-vs-dns"),
    ("go-crypto-x509-matchHostnames.tsv", "src/crypto/x509/x509_test.go matchHostnamesTests[12]", "reference-not-a-sip-host"),
    ("go-crypto-x509-matchHostnames.tsv", "src/crypto/x509/x509_test.go matchHostnamesTests[22]", "trailing-dot-stripped"),
    ("go-crypto-x509-matchHostnames.tsv", "src/crypto/x509/x509_test.go matchHostnamesTests[26]", "wildcard-over-single-label"),
    ("go-crypto-x509-matchHostnames.tsv", "src/crypto/x509/x509_test.go matchHostnamesTests[27]", "wildcard-over-single-label"),
    ("go-crypto-x509-matchHostnames.tsv", "src/crypto/x509/x509_test.go matchHostnamesTests[28]", "reference-not-a-sip-host"),
    ("nodejs-checkServerIdentity.tsv", "tests[11]", "ip-literal-opt-in"),
    ("nodejs-checkServerIdentity.tsv", "tests[13]", "cn-wildcard"),
    ("nodejs-checkServerIdentity.tsv", "tests[21]", "cn-last-only"),
    ("nodejs-checkServerIdentity.tsv", "tests[32]", "partial-label-wildcard"),
    ("nodejs-checkServerIdentity.tsv", "tests[33]", "partial-label-wildcard"),
    ("nodejs-checkServerIdentity.tsv", "tests[39]", "ip-literal-opt-in"),
    ("nodejs-checkServerIdentity.tsv", "tests[43]", "cn-wildcard"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:560 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:562 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:564 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:570 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:840 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:842 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:843 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:845 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:846 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:852 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:879 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:884 PRESENTED_MATCHES_REFERENCE", "trailing-dot-stripped"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:699 PRESENTED_MATCHES_REFERENCE", "reference-not-a-sip-host"),
    ("webpki-dns_name.tsv", "src/subject_name/dns_name.rs:700 PRESENTED_MATCHES_REFERENCE", "reference-not-a-sip-host"),
];

/// Undoes the `\xNN` escapes of the webpki and curl files.
fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 4 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 2..i + 4], 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The reference as sipcert would take it; `None` when it is not a host at all.
fn reference(bytes: &[u8]) -> Option<Reference> {
    let text = std::str::from_utf8(bytes).ok()?;
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(Reference::Ip(ip));
    }
    DomainName::from_ascii(text).ok().map(Reference::Domain)
}

fn accepts(der: &[u8], reference: Option<&Reference>, policy: &Policy) -> bool {
    reference.is_some_and(|r| check_end_entity(der, r, Role::Server, policy).is_accept())
}

/// One row, ready to run: certificate, reference, the source's verdict, whether it is a
/// wildcard row.
struct Case {
    file: String,
    source: String,
    der: Vec<u8>,
    reference: Option<Reference>,
    expected: bool,
    wildcard: bool,
    shown: String,
}

fn dns_case(row: &Row) -> Case {
    let presented = unescape(row.get("presented"));
    let der = Leaf::sans(vec![raw_dns(&presented)]).der();
    Case {
        file: row.file.clone(),
        source: row.get("source").to_owned(),
        der,
        reference: reference(&unescape(row.get("reference"))),
        expected: row.get("expected") == "match",
        wildcard: presented.contains(&b'*') || presented.first() == Some(&b'.'),
        shown: format!(
            "reference {:?} presented DNS {:?}",
            row.get("reference"),
            row.get("presented")
        ),
    }
}

/// node: `cert_cn` JSON list or null, `cert_san` OpenSSL text, `reference` JSON value.
fn node_case(row: &Row) -> Case {
    let reference_json: serde_json::Value =
        serde_json::from_str(row.get("reference")).expect("reference JSON");
    let reference = reference_json
        .as_str()
        .and_then(|s| self::reference(s.as_bytes()));
    let cns: Option<Vec<String>> = serde_json::from_str(row.get("cert_cn")).expect("cert_cn JSON");
    let mut leaf = Leaf::default();
    let cn_list = cns.unwrap_or_default();
    leaf.raw_subject = Some(name(
        &cn_list.iter().map(|c| vec![cn_attr(c)]).collect::<Vec<_>>(),
    ));
    let san_text = row.get("cert_san");
    let mut wildcard = cn_list.iter().any(|c| c.contains('*'));
    if !san_text.is_empty() {
        let sans: Vec<San> = san_text
            .split(", ")
            .map(|entry| {
                if let Some(d) = entry.strip_prefix("DNS:") {
                    wildcard |= d.contains('*');
                    raw_dns(d.as_bytes())
                } else if let Some(u) = entry.strip_prefix("URI:") {
                    pki::uri(u)
                } else if let Some(ip) = entry.strip_prefix("IP Address:") {
                    match ip.parse::<IpAddr>() {
                        Ok(a) => pki::ip(a),
                        Err(_) => raw(0x87, ip.as_bytes()), // `8.8.8.0/24`: not an address
                    }
                } else {
                    panic!("unknown SAN entry {entry:?}")
                }
            })
            .collect();
        leaf.sans = Some(sans);
    }
    Case {
        file: row.file.clone(),
        source: row.get("source").to_owned(),
        der: leaf.der(),
        reference,
        expected: row.get("expected") == "match",
        wildcard,
        shown: format!(
            "reference {} CN {} SAN {:?}",
            row.get("reference"),
            row.get("cert_cn"),
            san_text
        ),
    }
}

#[test]
fn name_matching_corpus() {
    let Some(dir) = corpus::dir() else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("name-matching"))
        .expect("name-matching dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    let default = Policy::default();
    let wildcards = danger::allow_wildcards(Policy::default());
    let ip_mode = Policy::default().allow_ip_literals(true);
    let mut deviations: Vec<(String, String, String)> = Vec::new();
    let mut failures = Vec::new();
    let (mut run, mut constraint_rows) = (0, 0);
    for path in &files {
        for row in corpus::read_tsv(path) {
            if row.get("type").starts_with("dns-name-constraint") {
                constraint_rows += 1;
                continue;
            }
            let case = if row.file.starts_with("nodejs") {
                node_case(&row)
            } else {
                dns_case(&row)
            };
            run += 1;
            let ours = accepts(&case.der, case.reference.as_ref(), &default);
            if let Some(r) = &case.reference {
                let v = check_end_entity(&case.der, r, Role::Server, &default);
                if let Some(a) = v.accepted() {
                    if a.matched().presented().contains('*')
                        || a.relaxations().contains(&sipcert::Relaxation::Wildcard)
                    {
                        failures.push(format!(
                            "{} {}: {}: default policy accepted through {:?}",
                            case.file,
                            case.source,
                            case.shown,
                            a.matched()
                        ));
                    }
                }
            }
            let compared = if case.wildcard {
                accepts(&case.der, case.reference.as_ref(), &wildcards)
            } else {
                ours
            };
            if compared != case.expected {
                let listed = REVIEWED
                    .iter()
                    .find(|(f, s, _)| *f == case.file && *s == case.source);
                match listed {
                    Some((_, _, "ip-literal-opt-in")) => {
                        if !accepts(&case.der, case.reference.as_ref(), &ip_mode) {
                            failures.push(format!(
                                "{} {}: {}: no match under allow_ip_literals",
                                case.file, case.source, case.shown
                            ));
                        }
                    }
                    Some(_) => {}
                    None => failures.push(format!(
                        "(\"{}\", \"{}\", \"?\"), // {}: sipcert {}, source {}{}",
                        case.file,
                        case.source,
                        case.shown,
                        compared,
                        case.expected,
                        if case.wildcard {
                            " (under allow_wildcards)"
                        } else {
                            ""
                        }
                    )),
                }
                deviations.push((case.file.clone(), case.source.clone(), case.shown.clone()));
            }
        }
    }
    for (file, source, category) in REVIEWED {
        assert!(
            CATEGORIES.iter().any(|(c, _)| c == category),
            "unknown category {category}"
        );
        if !deviations.iter().any(|(f, s, _)| f == file && s == source) {
            failures.push(format!(
                "{file} {source}: listed as {category} but sipcert now agrees with the source"
            ));
        }
    }
    for (category, _) in CATEGORIES {
        assert!(
            REVIEWED.iter().any(|(_, _, c)| c == category),
            "category {category} is unused"
        );
    }
    println!("{run} rows compared, {constraint_rows} name-constraint rows left to the chain checker, {} reviewed deviations", deviations.len());
    assert!(run >= 140, "only {run} rows");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
