//! `docs/conformance.md` is rendered from `fixtures/manifest.json` by [`render`]. The fixture
//! generator (`testkit/src/bin/gen_fixtures.rs`) writes it, and `tests/fixtures.rs` fails when the
//! committed file differs from what [`render`] gives for the committed manifest.

use std::fmt::Write as _;

use serde_json::Value;

/// The command that rewrites the manifest and this document without touching certificates.
pub const REGENERATE: &str = "cargo run -p sipcert-testkit --bin gen_fixtures -- --manifest-only";

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case.get(key).and_then(Value::as_str).unwrap_or("")
}

fn list(case: &Value, key: &str) -> Vec<String> {
    case.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Escapes a table cell: `|` would end the cell, and line breaks the row.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn code_list(items: &[String]) -> String {
    if items.is_empty() {
        "—".to_owned()
    } else {
        items
            .iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The reference as given: the AUS, or `--domain D`.
pub fn reference_text(case: &Value) -> String {
    match case.get("aus").and_then(Value::as_str) {
        Some(aus) => aus.to_owned(),
        None => format!("--domain {}", text(case, "domain")),
    }
}

/// The Markdown document for a manifest.
#[allow(clippy::too_many_lines)] // one table after the other
pub fn render(manifest: &Value) -> String {
    let cases = manifest
        .get("cases")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = String::new();
    out.push_str("# Conformance report: the fixture corpus\n\n");
    out.push_str(
        "Generated from `fixtures/manifest.json`; do not edit. Regenerate with\n\
         `cargo run -p sipcert-testkit --bin gen_fixtures` (new certificates and keys) or\n\
         `cargo run -p sipcert-testkit --bin gen_fixtures -- --manifest-only` (manifest and this\n\
         file only).\n\
         `tests/fixtures.rs` checks every row against the library and rustls's stock verifier,\n\
         `cli/tests/fixtures.rs` against the `sipcert` command line, and this file against the\n\
         manifest.\n\n",
    );
    out.push_str(
        "Columns:\n\n\
         - **sipcert (RFC 5922)**: the verdict of `ChainVerifier::check` (or, for rows without a\n  \
         root, `check_end_entity`) with the row's role, policy flags and verification time.\n\
         - **reasons / hints**: the `reasons[].code` and `hints[]` codes of `decisions.md` §2;\n  \
         for an accept, the relaxations used.\n\
         - **rustls stock**: what rustls 0.23's `WebPkiServerVerifier` says for a server row\n  \
         (`ServerName` = the AUS host as written, or the A-label domain), or\n  \
         `WebPkiClientVerifier` for a client row (it checks no name at all); `accept` or the\n  \
         `CertificateError` variant (`…Context` variants folded into their plain name). `n/a`:\n  \
         the row has no issuer to validate against.\n\n",
    );
    let accepts = cases
        .iter()
        .filter(|c| text(c, "expected") == "accept")
        .count();
    let disagree = cases
        .iter()
        .filter(|c| {
            let stock = text(c, "stock_rustls");
            stock != "n/a" && (stock == "accept") != (text(c, "expected") == "accept")
        })
        .count();
    let _ = write!(
        out,
        "{} cases: sipcert accepts {accepts} and rejects {}; the stock rustls verifier \
         disagrees with sipcert on {disagree}.\n\n",
        cases.len(),
        cases.len() - accepts
    );
    out.push_str(
        "| case | reference | role, policy | sipcert (RFC 5922) | reasons / relaxations | hints | rustls stock | where it is met |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for case in &cases {
        let mut role = text(case, "role").to_owned();
        let policy = list(case, "policy");
        if !policy.is_empty() {
            let _ = write!(role, ", `{}`", policy.join(" "));
        }
        if let Some(at) = case.get("at").and_then(Value::as_str) {
            let _ = write!(role, ", at {at}");
        }
        let expected = text(case, "expected");
        let why = if expected == "accept" {
            code_list(&list(case, "relaxations"))
        } else {
            code_list(&list(case, "reasons"))
        };
        let stock = text(case, "stock_rustls");
        let stock = if stock == "accept" || stock == "n/a" {
            stock.to_owned()
        } else {
            format!("`{stock}`")
        };
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | **{}** | {} | {} | {} | {} |",
            cell(text(case, "id")),
            cell(&reference_text(case)),
            cell(&role),
            cell(expected),
            cell(&why),
            cell(&code_list(&list(case, "hints"))),
            cell(&stock),
            cell(text(case, "field_note")),
        );
    }
    out.push_str("\n## Certificates\n\n");
    out.push_str("| case | certificate shape | files (under `fixtures/`) |\n|---|---|---|\n");
    for case in &cases {
        let files = case.get("files").cloned().unwrap_or(Value::Null);
        let mut names = Vec::new();
        for key in ["chain", "root", "key"] {
            if let Some(f) = files.get(key).and_then(Value::as_str) {
                names.push(format!("`{f}`"));
            }
        }
        for crl in files
            .get("crls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(f) = crl.as_str() {
                names.push(format!("`{f}`"));
            }
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            cell(text(case, "id")),
            cell(text(case, "shape")),
            cell(&names.join(" ")),
        );
    }
    out
}
