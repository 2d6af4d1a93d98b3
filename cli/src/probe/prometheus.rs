//! `--format prometheus`: the Prometheus text exposition format (version 0.0.4), one sample
//! set per target, for node_exporter's textfile collector. The samples of each metric family
//! are kept as lines until the end, because a family must appear once, with its HELP and TYPE.

use std::fmt::Write as _;
use std::time::Duration;

use super::sink::{outcome, DomainDone, Sink, Summary};
use super::view::TargetView;
use crate::Outcome;

/// The metric families: name, help. Every one is a gauge.
const FAMILIES: [(&str, &str); 8] = [
    ("sipcert_probe_success", "1 if the target was accepted (RFC 5922, PKIX or DANE), else 0."),
    ("sipcert_probe_grade", "The target's grade as a number: F=0, D=1, C=2, B=3, A=4, A+=5 (label grade: the letter)."),
    ("sipcert_probe_failure_info", "1 for a rejected target, with the first reason code."),
    ("sipcert_probe_duration_seconds", "How long the probe of the target took."),
    ("sipcert_certificate_expiry_seconds", "Seconds until notAfter of each certificate of the presented chain (position 0 = leaf; divide by 86400 for days); negative once expired."),
    ("sipcert_tls_version_info", "1, with the negotiated TLS version and cipher suite."),
    ("sipcert_dnssec_state_info", "1, with the DNSSEC state of the DNS answers that led to the target (secure, insecure, bogus, none)."),
    ("sipcert_dane_state_info", "1, with the DANE state of the target (verified, mismatch, no-records, unusable, insecure, none)."),
];

/// Escapes a label value: backslash, double quote and line feed (exposition format).
pub(crate) fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// `{k="v",...}` with the values escaped.
fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// The sample lines of one target, per family (in the order of [`FAMILIES`]).
pub(crate) fn samples(v: &TargetView) -> [Vec<String>; 8] {
    let id = [("domain", v.domain.as_str()), ("target", v.target.as_str())];
    let with = |extra: &[(&str, &str)]| {
        let mut all = id.to_vec();
        all.extend_from_slice(extra);
        labels(&all)
    };
    let mut out: [Vec<String>; 8] = Default::default();
    out[0].push(format!("{} {}", labels(&id), u8::from(v.accepted)));
    out[1].push(format!(
        "{} {}",
        with(&[("grade", v.grade.letter.as_str())]),
        v.grade.letter.score()
    ));
    if let Some(code) = &v.code {
        out[2].push(format!("{} 1", with(&[("code", code)])));
    }
    out[3].push(format!("{} {:.3}", labels(&id), v.duration.as_secs_f64()));
    for c in &v.certs {
        let position = c.position.to_string();
        out[4].push(format!(
            "{} {}",
            with(&[
                ("position", &position),
                ("subject", &c.subject),
                ("not_after", &c.not_after)
            ]),
            c.seconds_left
        ));
    }
    if let Some((version, cipher)) = &v.tls {
        out[5].push(format!(
            "{} 1",
            with(&[("version", version), ("cipher", cipher)])
        ));
    }
    out[6].push(format!("{} 1", with(&[("state", v.dnssec)])));
    out[7].push(format!("{} 1", with(&[("state", v.dane)])));
    out
}

/// The exposition text of these per-family sample lines.
pub(crate) fn exposition(families: &[Vec<String>; 8]) -> String {
    let mut text = String::new();
    for ((name, help), lines) in FAMILIES.iter().zip(families) {
        let _ = writeln!(text, "# HELP {name} {help}");
        let _ = writeln!(text, "# TYPE {name} gauge");
        for l in lines {
            let _ = writeln!(text, "{name}{l}");
        }
    }
    text
}

/// The Prometheus output of a run.
#[derive(Debug, Default)]
pub(crate) struct Prometheus {
    summary: Summary,
    families: [Vec<String>; 8],
}

impl Sink for Prometheus {
    fn domain(&mut self, done: DomainDone) {
        self.summary.add(&done);
        for v in &done.views {
            for (all, new) in self.families.iter_mut().zip(samples(v)) {
                all.extend(new);
            }
        }
    }

    fn finish(self: Box<Self>, _elapsed: Duration) -> Outcome {
        print!("{}", exposition(&self.families));
        outcome(&self.summary)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn label_values_are_escaped() {
        for (raw, want) in [
            ("plain", "plain"),
            ("a\"b", "a\\\"b"),
            ("a\\b", "a\\\\b"),
            ("a\nb", "a\\nb"),
            ("CN=\"x\\y\"\n", "CN=\\\"x\\\\y\\\"\\n"),
        ] {
            assert_eq!(super::escape(raw), want, "{raw:?}");
        }
    }
}
