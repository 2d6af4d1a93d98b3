//! `--format html`: one self-contained page per run: inline CSS, no script, no request to
//! anywhere (a `Content-Security-Policy` meta forbids everything but inline styles), readable
//! on a phone (viewport meta, a single column under 40em). Per domain and target: verdict,
//! grade with its caps and lifts, DNS path with DNSSEC state, chain with each certificate's
//! expiry, TLS, DANE, mutual-TLS readiness when measured, warnings. All text is escaped.

use std::fmt::Write as _;
use std::time::Duration;

use super::sink::{outcome, DomainDone, Sink, Summary};
use super::view::TargetView;
use crate::Outcome;

/// The page's Content-Security-Policy: nothing may load; inline styles only.
pub(crate) const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60em;padding:1em;line-height:1.4;color:#222}\
h1{font-size:1.4em}pre{white-space:pre-wrap;word-break:break-word}h2{font-size:1.15em;border-bottom:1px solid #ccc;word-break:break-all}\
.t{border:1px solid #ddd;border-radius:.4em;padding:.6em;margin:.6em 0}\
.g{font-weight:bold;font-size:1.3em;display:inline-block;min-width:2em;text-align:center;border-radius:.3em;padding:0 .3em;color:#fff;background:#777}\
.gA\\+,.gA{background:#2a7}.gB{background:#8a2}.gC{background:#c90}.gD{background:#d60}.gF{background:#c22}\
.accept{color:#2a7}.reject{color:#c22}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.4em 0}\
dt{font-weight:bold}dd{margin:0;word-break:break-word}ul{margin:.2em 0;padding-left:1.2em}\
table{border-collapse:collapse}td,th{padding:.1em .5em;border-bottom:1px solid #eee;text-align:left}\
@media (max-width:40em){dl{grid-template-columns:1fr}dt{margin-top:.4em}body{padding:.5em}}";

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The HTML of one target.
fn target_html(v: &TargetView) -> String {
    let e = escape;
    let verdict = if v.accepted { "accept" } else { "reject" };
    let letter = v.grade.letter.as_str();
    let mut h = String::new();
    let _ = write!(
        h,
        "<section class=\"t\" data-domain=\"{}\" data-target=\"{}\" data-verdict=\"{verdict}\" data-grade=\"{}\">\
<p><span class=\"g g{}\">{}</span> <b class=\"{verdict}\">{}</b> {} {}</p><dl>",
        e(&v.domain),
        e(&v.target),
        e(letter),
        e(letter),
        e(letter),
        e(&v.verdict_text().to_uppercase()),
        e(&v.target),
        v.address.as_deref().map(|a| format!("({})", e(a))).unwrap_or_default(),
    );
    let mut row = |k: &str, val: String| {
        let _ = write!(h, "<dt>{}</dt><dd>{val}</dd>", e(k));
    };
    if let Some(m) = &v.message {
        row("reason", e(m));
    }
    let caps: Vec<String> = v
        .grade
        .caps
        .iter()
        .map(|c| format!("{} (max {}): {}", c.code, c.letter.as_str(), c.why))
        .collect();
    row("grade caps", list(&caps, "none"));
    let lifts: Vec<String> = v.grade.lifts.iter().map(|s| (*s).to_owned()).collect();
    row("grade lifts", list(&lifts, "none"));
    let unmeasured: Vec<String> = v
        .grade
        .not_measured
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    row("not measured", list(&unmeasured, "nothing"));
    row("DNSSEC", e(v.dnssec));
    row("DNS path", list(&v.dns_path, "no DNS"));
    let mut chain =
        String::from("<table><tr><th>#</th><th>subject</th><th>not after</th><th>days</th></tr>");
    for c in &v.certs {
        let _ = write!(
            chain,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.position,
            e(&c.subject),
            e(&c.not_after),
            c.days_left
        );
    }
    chain.push_str("</table>");
    row(
        "chain",
        if v.certs.is_empty() {
            "none seen".to_owned()
        } else {
            chain
        },
    );
    row(
        "TLS",
        v.tls.as_ref().map_or_else(
            || "no handshake".to_owned(),
            |(ver, c)| e(&format!("{ver} {c}")),
        ),
    );
    row("DANE", e(v.dane));
    row(
        "TLS parameters",
        list(&v.tls_params, "not scanned (--tls-scan)"),
    );
    row("mutual TLS", list(&v.mutual_tls, "not measured"));
    row("warnings", list(&v.warnings, "none"));
    row("duration", format!("{} ms", v.duration.as_millis()));
    h.push_str("</dl></section>");
    h
}

/// An escaped `<ul>`, or `empty` when there is nothing.
fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        return escape(empty);
    }
    let mut out = String::from("<ul>");
    for i in items {
        let _ = write!(out, "<li>{}</li>", escape(i));
    }
    out.push_str("</ul>");
    out
}

/// The HTML output of a run.
#[derive(Debug, Default)]
pub(crate) struct Html {
    summary: Summary,
    /// (input position, the domain's HTML).
    domains: Vec<(usize, String)>,
}

impl Sink for Html {
    fn domain(&mut self, done: DomainDone) {
        self.summary.add(&done);
        let verdict = if done.accepted() { "accept" } else { "reject" };
        let mut h = format!(
            "<article><h2>{} <span class=\"{verdict}\">{}</span></h2>",
            escape(&done.domain),
            verdict.to_uppercase()
        );
        for v in &done.views {
            h.push_str(&target_html(v));
        }
        h.push_str("</article>");
        self.domains.push((done.index, h));
    }

    fn finish(mut self: Box<Self>, elapsed: Duration) -> Outcome {
        self.domains.sort_by_key(|(i, _)| *i);
        let mut page = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>sipcert probe</title><style>{STYLE}</style></head><body><h1>sipcert probe</h1>"
        );
        let _ = write!(
            page,
            "<pre id=\"summary\">{}\n({} ms)</pre>",
            escape(&self.summary.text()),
            elapsed.as_millis()
        );
        for (_, d) in &self.domains {
            page.push_str(d);
        }
        page.push_str("</body></html>");
        println!("{page}");
        outcome(&self.summary)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_escaped() {
        for (raw, want) in [
            ("plain", "plain"),
            ("<script>", "&lt;script&gt;"),
            ("a&b", "a&amp;b"),
            ("\"'", "&quot;&#39;"),
        ] {
            assert_eq!(super::escape(raw), want, "{raw:?}");
        }
    }
}
