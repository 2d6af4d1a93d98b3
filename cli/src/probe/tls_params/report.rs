//! The scan's facts as the `"tls"` JSON fields and as text lines.

use rustls::pki_types::CertificateDer;
use serde_json::{json, Map, Value};

use super::super::certinfo::CertInfo;
use super::suites::{suite_name, weaknesses};
use super::{Support, TlsParams};

impl TlsParams {
    /// The scan's fields of the `"tls"` object.
    pub(crate) fn json(&self, now: i64) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert(
            "versions".into(),
            Value::Object(
                self.versions
                    .iter()
                    .map(|(n, s)| ((*n).to_owned(), s.json()))
                    .collect(),
            ),
        );
        m.insert(
            "cipher_suites".into(),
            Value::Object(
                self.suites
                    .iter()
                    .map(|s| {
                        let list: Vec<Value> = s
                            .accepted
                            .iter()
                            .map(|id| json!({"id": format!("0x{id:04x}"), "name": suite_name(*id), "weak": weaknesses(*id)}))
                            .collect();
                        (
                            s.version.to_owned(),
                            json!({"accepted": list, "server_preference": s.server_preference, "complete": s.complete}),
                        )
                    })
                    .collect(),
            ),
        );
        m.insert(
            "groups".into(),
            Value::Object(
                self.groups
                    .iter()
                    .map(|(n, s)| ((*n).to_owned(), s.json()))
                    .collect(),
            ),
        );
        m.insert("alpn_tolerant".into(), self.alpn_tolerant.json());
        m.insert("ocsp_stapled".into(), self.ocsp_stapled.json());
        m.insert("resumption".into(), self.resumption.json());
        m.insert("certificates_by_sni".into(), json!(self.served_json(now)));
        m.insert("sni_certificates_differ".into(), json!(self.differ()));
        m.insert("scan_connections".into(), json!(self.connections));
        m.insert("unanswered_questions".into(), json!(self.unanswered));
        m
    }

    fn served_json(&self, now: i64) -> Vec<Value> {
        self.served
            .iter()
            .map(|s| match &s.result {
                Ok(chain) => json!({
                    "sni": s.sni,
                    "certificate": chain.first().map(|c| CertInfo::of(c).json(now)),
                    "error": null,
                }),
                Err(e) => json!({"sni": s.sni, "certificate": null, "error": e}),
            })
            .collect()
    }

    /// Whether the leaf served differs between the SNI choices (`None`: fewer than two seen).
    pub(crate) fn differ(&self) -> Option<bool> {
        let leaves: Vec<&CertificateDer<'_>> = self
            .served
            .iter()
            .filter_map(|s| s.result.as_ref().ok().and_then(|c| c.first()))
            .collect();
        match leaves.as_slice() {
            [first, rest @ ..] if !rest.is_empty() => Some(rest.iter().any(|l| l != first)),
            _ => None,
        }
    }

    /// The text report's lines.
    pub(crate) fn text(&self) -> Vec<String> {
        let word = |s: &Support| match s {
            Support::Yes => "yes".to_owned(),
            Support::No => "no".to_owned(),
            Support::Unknown(why) => format!("unknown ({why})"),
        };
        let mut lines = vec![format!(
            "TLS scan ({} connections, {} questions unanswered): versions {}",
            self.connections,
            self.unanswered,
            self.versions
                .iter()
                .map(|(n, s)| format!("{n} {}", word(s)))
                .collect::<Vec<_>>()
                .join(", ")
        )];
        for s in &self.suites {
            lines.push(format!(
                "  {} suites ({}{}): {}",
                s.version,
                match s.server_preference {
                    Some(true) => "server order",
                    Some(false) => "client order",
                    None => "order not tested",
                },
                if s.complete {
                    ""
                } else {
                    "; INCOMPLETE: some questions were not answered"
                },
                s.accepted
                    .iter()
                    .map(|id| {
                        let weak = weaknesses(*id);
                        if weak.is_empty() {
                            suite_name(*id)
                        } else {
                            format!("{} [{}]", suite_name(*id), weak.join(","))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        lines.push(format!(
            "  groups: {}",
            self.groups
                .iter()
                .map(|(n, s)| format!("{n} {}", word(s)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        lines.push(format!(
            "  unknown ALPN tolerated: {}; OCSP staple: {}; resumption: {}",
            word(&self.alpn_tolerant),
            word(&self.ocsp_stapled),
            word(&self.resumption)
        ));
        for s in &self.served {
            let sni = s.sni.as_deref().unwrap_or("(no SNI)");
            match &s.result {
                Ok(chain) => lines.push(format!(
                    "  certificate for SNI {sni}: {}",
                    chain
                        .first()
                        .map_or_else(|| "(none)".to_owned(), |c| CertInfo::of(c).subject)
                )),
                Err(e) => lines.push(format!("  certificate for SNI {sni}: failed: {e}")),
            }
        }
        if self.differ() == Some(true) {
            lines.push("  the certificate served depends on SNI".to_owned());
        }
        lines
    }
}
