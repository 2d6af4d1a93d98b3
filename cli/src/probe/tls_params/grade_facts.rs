//! What the grade takes from a TLS scan: legacy versions, weak suites, TLS 1.3 only. Each is
//! `None` when the scan could not tell (a question unanswered, a list cut short): an unknown
//! neither caps nor lifts, and the grade lists it as not measured.

use super::suites::weaknesses;
use super::{Support, TlsParams};

/// The versions older than TLS 1.2 the scan asks about.
const LEGACY: [&str; 3] = ["TLSv1.1", "TLSv1.0", "SSLv3"];

impl TlsParams {
    fn support(&self, version: &str) -> Option<&Support> {
        self.versions
            .iter()
            .find_map(|(v, s)| (*v == version).then_some(s))
    }

    /// Whether the server accepted TLS 1.1, 1.0 or SSLv3: `Some(true)` as soon as one was
    /// accepted, `Some(false)` only when each was asked and refused.
    pub(crate) fn legacy_versions(&self) -> Option<bool> {
        let answers: Vec<Option<&Support>> = LEGACY.iter().map(|v| self.support(v)).collect();
        if answers.iter().any(|a| matches!(a, Some(Support::Yes))) {
            return Some(true);
        }
        answers
            .iter()
            .all(|a| matches!(a, Some(Support::No)))
            .then_some(false)
    }

    /// Whether the server accepted a suite with a weakness label (CBC, no forward secrecy,
    /// DES, RC4, NULL, export, anonymous, MD5, an obsolete or unknown cipher): `Some(false)`
    /// only when every accepted version's list is complete and none is weak.
    pub(crate) fn weak_ciphers(&self) -> Option<bool> {
        let weak = self
            .suites
            .iter()
            .flat_map(|s| s.accepted.iter())
            .any(|id| !weaknesses(*id).is_empty());
        if weak {
            return Some(true);
        }
        let complete = !self.suites.is_empty() && self.suites.iter().all(|s| s.complete);
        complete.then_some(false)
    }

    /// Whether TLS 1.3 was accepted and every older version refused: `Some(false)` as soon
    /// as an older one was accepted or TLS 1.3 refused.
    pub(crate) fn tls13_only(&self) -> Option<bool> {
        let older = ["TLSv1.2", "TLSv1.1", "TLSv1.0", "SSLv3"].map(|v| self.support(v));
        match self.support("TLSv1.3") {
            Some(Support::No) => return Some(false),
            Some(Support::Yes) => {}
            Some(Support::Unknown(_)) | None => return None,
        }
        if older.iter().any(|a| matches!(a, Some(Support::Yes))) {
            return Some(false);
        }
        older
            .iter()
            .all(|a| matches!(a, Some(Support::No)))
            .then_some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Suites;
    use super::*;

    fn params(versions: &[(&'static str, Support)], suites: Vec<Suites>) -> TlsParams {
        TlsParams {
            versions: versions.to_vec(),
            suites,
            groups: Vec::new(),
            alpn_tolerant: Support::No,
            served: Vec::new(),
            ocsp_stapled: Support::No,
            resumption: Support::No,
            connections: 0,
            unanswered: 0,
            refused_without_cert: None,
        }
    }

    fn suites(version: &'static str, accepted: &[u16], complete: bool) -> Suites {
        Suites {
            version,
            accepted: accepted.to_vec(),
            server_preference: None,
            complete,
        }
    }

    const Y: Support = Support::Yes;
    const N: Support = Support::No;

    /// Each fact with the inputs that set it, and the neighbours that leave it unknown.
    #[test]
    fn facts_from_a_scan() {
        let unknown = Support::Unknown("silence".to_owned());
        let modern_only = [
            ("TLSv1.3", Y),
            ("TLSv1.2", N),
            ("TLSv1.1", N),
            ("TLSv1.0", N),
            ("SSLv3", N),
        ];
        let p = params(&modern_only, vec![suites("TLSv1.3", &[0x1301], true)]);
        assert_eq!(
            (p.legacy_versions(), p.weak_ciphers(), p.tls13_only()),
            (Some(false), Some(false), Some(true))
        );
        let tls10 = [
            ("TLSv1.3", N),
            ("TLSv1.2", N),
            ("TLSv1.1", N),
            ("TLSv1.0", Y),
            ("SSLv3", N),
        ];
        // 0x002f: TLS_RSA_WITH_AES_128_CBC_SHA (CBC, no forward secrecy).
        let p = params(&tls10, vec![suites("TLSv1.0", &[0x002f], true)]);
        assert_eq!(
            (p.legacy_versions(), p.weak_ciphers(), p.tls13_only()),
            (Some(true), Some(true), Some(false))
        );
        let one_unknown = [
            ("TLSv1.3", Y),
            ("TLSv1.2", Y),
            ("TLSv1.1", unknown.clone()),
            ("TLSv1.0", N),
            ("SSLv3", N),
        ];
        let p = params(&one_unknown, vec![suites("TLSv1.2", &[0xc02f], false)]);
        assert_eq!(
            (p.legacy_versions(), p.weak_ciphers(), p.tls13_only()),
            (None, None, Some(false)),
            "an unanswered legacy question and a list cut short are not measured"
        );
        let p = params(&[("TLSv1.3", unknown)], Vec::new());
        assert_eq!(
            (p.legacy_versions(), p.weak_ciphers(), p.tls13_only()),
            (None, None, None)
        );
    }
}
