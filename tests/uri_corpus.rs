//! Every row of `../shared/corpus/sip-uris/*.tsv` through the URI parser.
//!
//! `rfc4475-rfc5118.tsv` is annotated against the RFC text and must agree entirely. The other
//! files record what a (often lenient) parser's own tests assert; where the strict RFC 3261
//! grammar disagrees, the row is listed with its reason in `tests/data/uri-divergences.tsv`.
//! A disagreement that is not listed fails, and so does a listed row that now agrees.
#![allow(
    clippy::match_same_arms,
    clippy::semicolon_if_nothing_returned,
    clippy::too_many_lines,
    clippy::unnested_or_patterns
)] // test code, written before the workspace lint wall

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use sipcert::uri::{AddrSpec, Host, NameAddr, SipUri, UriErrorKind};
use sipcert_testkit::corpus;

/// What our parser says about one row.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Valid,
    Invalid(String),
    Equal,
    NotEqual,
    /// Not a SIP/SIPS URI (e.g. `tel:`), which the SIP parser rightly refuses.
    NotSip,
}

fn divergences() -> BTreeMap<(String, String), String> {
    let text = include_str!("data/uri-divergences.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut it = l.splitn(3, '\t');
            let file = it.next().unwrap_or_default().to_owned();
            let id = it.next().unwrap_or_default().to_owned();
            let reason = it.next().unwrap_or_default().to_owned();
            assert!(
                !reason.trim().is_empty(),
                "divergence {file}:{id} has no reason"
            );
            ((file, id), reason)
        })
        .collect()
}

fn json_str(v: &str) -> String {
    serde_json::from_str::<String>(v).unwrap_or_else(|e| panic!("bad JSON string {v}: {e}"))
}

fn parse_uri(input: &str, kind: &str) -> Outcome {
    let r = if kind == "request-uri" {
        SipUri::parse_request_uri(input)
    } else {
        SipUri::parse(input)
    };
    match r {
        Ok(_) => Outcome::Valid,
        // Another scheme: an absoluteURI (RFC 3261 §25.1), checked for its character set.
        Err(e) if e.kind() == UriErrorKind::NotSipScheme => match AddrSpec::parse(input) {
            Ok(_) => Outcome::Valid,
            Err(e) => Outcome::Invalid(format!("absoluteURI: {e}")),
        },
        Err(e) => Outcome::Invalid(e.to_string()),
    }
}

fn evaluate(kind: &str, input: &str) -> Outcome {
    match kind {
        "uri" | "request-uri" => parse_uri(&json_str(input), kind),
        "host" => parse_uri(&format!("sip:{}", json_str(input)), "uri"),
        "hostport" => parse_uri(&format!("sip:{}", json_str(input)), "uri"),
        "name-addr" | "header-value" => match NameAddr::parse(&json_str(input)) {
            Ok(_) => Outcome::Valid,
            Err(e) => Outcome::Invalid(e.to_string()),
        },
        "header" => {
            let line = json_str(input);
            let Some((_, value)) = line.split_once(':') else {
                return Outcome::Invalid("no ':' in header line".into());
            };
            match NameAddr::parse_list(value) {
                Ok(_) => Outcome::Valid,
                Err(e) => Outcome::Invalid(e.to_string()),
            }
        }
        "uri-pair" | "host-pair" => {
            let pair: Vec<String> = serde_json::from_str(input).expect("pair");
            let prefix = if kind == "host-pair" { "sip:" } else { "" };
            let a = format!("{prefix}{}", pair[0]);
            let b = format!("{prefix}{}", pair[1]);
            match (SipUri::parse(&a), SipUri::parse(&b)) {
                (Ok(x), Ok(y)) => {
                    assert_eq!(x.equivalent(&y), y.equivalent(&x), "symmetry: {a} / {b}");
                    if x.equivalent(&y) {
                        Outcome::Equal
                    } else {
                        Outcome::NotEqual
                    }
                }
                (Err(e), _) | (_, Err(e)) if e.kind() == UriErrorKind::NotSipScheme => {
                    Outcome::NotSip
                }
                (Err(e), _) | (_, Err(e)) => Outcome::Invalid(e.to_string()),
            }
        }
        other => panic!("unknown kind {other}"),
    }
}

fn agrees(expected: &str, got: &Outcome) -> bool {
    matches!(
        (expected, got),
        ("valid", Outcome::Valid)
            | ("invalid", Outcome::Invalid(_))
            | ("equal", Outcome::Equal)
            | ("not-equal", Outcome::NotEqual)
    )
}

/// Checks the parsed fields that the source asserted, tolerating each source's conventions
/// (escaped or not, IPv6 with or without brackets, host case).
fn check_fields(row: &corpus::Row, failures: &mut Vec<String>) {
    if !matches!(row.get("kind"), "uri" | "request-uri") {
        return;
    }
    let input = json_str(row.get("input"));
    let Ok(checks) = serde_json::from_str::<Value>(row.get("checks")) else {
        return;
    };
    let Some(checks) = checks.as_object() else {
        return;
    };
    let uri = match row.get("kind") {
        "uri" | "request-uri" => SipUri::parse(&input).ok(),
        _ => None,
    };
    let Some(uri) = uri else { return };
    let ctx = format!("{}:{} {input:?}", row.file, row.line);
    let mut fail = |what: &str, want: &Value, got: String| {
        failures.push(format!("{ctx}: {what}: expected {want}, got {got}"));
    };
    for (key, want) in checks {
        match key.as_str() {
            "scheme"
                if want.as_str().map(str::to_ascii_lowercase).as_deref()
                    != Some(uri.scheme().as_str()) =>
            {
                fail("scheme", want, uri.scheme().to_string());
            }
            "user" | "password" => {
                let got = if key == "user" {
                    uri.user()
                } else {
                    uri.password()
                };
                // ersip keeps the whole userinfo ("user:password") as the user.
                let userinfo = match (uri.user(), uri.password()) {
                    (Some(u), Some(p)) => Some(format!("{}:{}", u.as_str(), p.as_str())),
                    _ => None,
                };
                let ok = match (want.as_str(), got) {
                    (None, None) | (Some(""), None) => true,
                    (Some(w), Some(g)) => {
                        g.as_str() == w
                            || &*g.decode() == w.as_bytes()
                            || (key == "user" && userinfo.as_deref() == Some(w))
                    }
                    _ => false,
                };
                if !ok {
                    fail(key, want, format!("{got:?}"));
                }
            }
            "host" => {
                let w = want.as_str().unwrap_or_default();
                let w = w.trim_start_matches('[').trim_end_matches(']');
                let g = uri.host_str();
                let g = g.trim_start_matches('[').trim_end_matches(']');
                let same_ip = match (w.parse::<std::net::IpAddr>(), uri.host().ip()) {
                    (Ok(a), Some(b)) => a == b,
                    _ => false,
                };
                if !(w.eq_ignore_ascii_case(g) || same_ip) {
                    fail("host", want, g.to_owned());
                }
            }
            "port" => {
                // resiprocate asserts 0 for "no port".
                let w = want
                    .as_u64()
                    .filter(|&p| p != 0 || row.file != "resiprocate-testUri.tsv");
                if w != uri.port().map(u64::from) {
                    fail("port", want, format!("{:?}", uri.port()));
                }
            }
            "params" => {
                let Some(map) = want.as_object() else {
                    continue;
                };
                for (name, value) in map {
                    let got = uri.param(name);
                    let value_text = match value {
                        Value::Number(n) => Some(n.to_string()),
                        Value::String(s) if !s.is_empty() => Some(s.clone()),
                        _ => None, // null or "" (pjsip) = valueless
                    };
                    let ok = match (got, value_text.as_deref()) {
                        (Some(p), None) => p.value().is_none(),
                        (Some(p), Some(v)) => p
                            .value()
                            .is_some_and(|pv| pv.as_str() == v || &*pv.decode() == v.as_bytes()),
                        (None, _) => false,
                    };
                    if !ok {
                        fail(&format!("param {name}"), value, format!("{got:?}"));
                    }
                }
                // Names present in the URI but not asserted are fine only if the source
                // asserted a partial map; RFC rows assert the whole map.
                if row.file == "rfc4475-rfc5118.tsv" && uri.params().count() != map.len() {
                    fail(
                        "param count",
                        want,
                        format!("{:?}", uri.params().collect::<Vec<_>>()),
                    );
                }
            }
            "headers" => {
                let Some(map) = want.as_object() else {
                    continue;
                };
                for (name, value) in map {
                    let got = uri.header(name);
                    let ok = match (got, value.as_str()) {
                        (Some(h), Some(v)) => h.as_str() == v || &*h.decode() == v.as_bytes(),
                        _ => false,
                    };
                    if !ok {
                        fail(&format!("header {name}"), value, format!("{got:?}"));
                    }
                }
            }
            "transport" => {
                let got = uri.param("transport").and_then(|p| p.value());
                let ok = match (want.as_str(), got) {
                    (Some(w), Some(g)) => g.eq_ignore_ascii_case(w),
                    (None, None) => true,
                    _ => false,
                };
                if !ok {
                    fail("transport", want, format!("{got:?}"));
                }
            }
            "ttl" => {
                let w = want
                    .as_u64()
                    .or_else(|| want.as_str().and_then(|s| s.parse().ok()));
                if w != uri.ttl().map(u64::from) {
                    fail("ttl", want, format!("{:?}", uri.ttl()));
                }
            }
            "maddr" => {
                let got = uri.maddr();
                let ok = match (want.as_str(), got) {
                    (Some(w), Some(Host::Domain(d))) => w.eq_ignore_ascii_case(d),
                    (Some(w), Some(h)) => {
                        let w = w.trim_start_matches('[').trim_end_matches(']');
                        w.parse::<std::net::IpAddr>().ok() == h.ip()
                    }
                    (None, None) => true,
                    _ => false,
                };
                if !ok {
                    fail("maddr", want, format!("{got:?}"));
                }
            }
            "lr" | "loose_router" if want.as_bool() != Some(uri.lr()) => {
                fail("lr", want, uri.lr().to_string());
            }
            "reserialized" => {
                // We write back the text as parsed; a source that normalizes on output asserts
                // a different text, which is a presentation choice, not a parse result.
            }
            "equal_to" | "not_equal_to" => {
                let other_text = want.as_str().unwrap_or_default();
                if let Ok(other) = SipUri::parse(other_text) {
                    let eq = uri.equivalent(&other);
                    if eq != (key == "equal_to") {
                        fail(key, want, format!("equivalent = {eq}"));
                    }
                }
            }
            // Fields about other layers (display names, header params, context tables,
            // tel: components, source-specific raw strings) are not URI parse results.
            _ => {}
        }
    }
}

#[test]
fn sip_uri_corpus() {
    let Some(dir) = corpus::dir() else {
        return;
    };
    let listed = divergences();
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut counted = 0;
    let mut files: Vec<_> = std::fs::read_dir(dir.join("sip-uris"))
        .expect("sip-uris")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "expected 7 TSV files, found {files:?}");
    for path in files {
        for row in corpus::read_tsv(&path) {
            counted += 1;
            let key = (row.file.clone(), row.get("id").to_owned());
            let got = evaluate(row.get("kind"), row.get("input"));
            let expected = row.get("expected");
            let agree = agrees(expected, &got);
            let ctx = format!(
                "{}:{} id {} kind {} input {} expected {expected}, got {got:?}",
                row.file,
                row.line,
                row.get("id"),
                row.get("kind"),
                row.get("input")
            );
            match (agree, listed.get(&key)) {
                (true, None) => check_fields(&row, &mut failures),
                (true, Some(_)) => {
                    failures.push(format!("{ctx}: listed as a divergence but agrees now"))
                }
                (false, Some(_)) => {
                    assert_ne!(
                        row.file, "rfc4475-rfc5118.tsv",
                        "RFC rows may not diverge: {ctx}"
                    );
                    seen.insert(key);
                }
                (false, None) => failures.push(format!("{ctx}: unlisted divergence")),
            }
        }
    }
    for key in listed.keys().filter(|k| !seen.contains(*k)) {
        failures.push(format!("listed divergence {key:?} is not a diverging row"));
    }
    assert!(counted >= 600, "read only {counted} rows");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every SIP URI of the corpus that parses also round-trips through `Display` and the owned
/// form, and is equivalent to itself.
#[test]
fn corpus_round_trip() {
    let Some(dir) = corpus::dir() else {
        return;
    };
    let mut n = 0;
    for entry in std::fs::read_dir(dir.join("sip-uris"))
        .expect("sip-uris")
        .flatten()
    {
        if entry.path().extension().is_none_or(|x| x != "tsv") {
            continue;
        }
        for row in corpus::read_tsv(&entry.path()) {
            if !matches!(row.get("kind"), "uri" | "request-uri") {
                continue;
            }
            let input = json_str(row.get("input"));
            if let Ok(uri) = SipUri::parse(&input) {
                n += 1;
                assert_eq!(uri.to_string(), input);
                let owned = uri.to_owned_uri();
                assert_eq!(owned.as_uri(), uri, "{input}");
                assert!(uri.equivalent(&uri), "not reflexive: {input}");
                let again = SipUri::parse_bytes(input.as_bytes()).expect("bytes");
                assert_eq!(again, uri, "{input}");
                // An IP literal never yields a reference domain.
                if uri.host().ip().is_some() {
                    assert!(uri.reference_domain().is_err(), "{input}");
                }
            }
        }
    }
    assert!(n >= 250, "only {n} URIs parsed");
}
