//! The A–F grade of a probed target (`docs/grading.md`): a pure function of what the probe
//! measured ([`GradeInputs`]). Caps lower the grade and each names its reason code; lifts
//! raise an A to A+. A fact that was not measured is `None`: it neither caps nor lifts, and
//! the grade says that it was not measured.

use serde_json::{json, Value};

/// A letter of the rubric, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Letter {
    F,
    D,
    C,
    B,
    A,
    APlus,
}

impl Letter {
    /// Every letter, worst first (the order of the summary).
    #[cfg(test)]
    pub(crate) const ALL: [Self; 6] = [Self::F, Self::D, Self::C, Self::B, Self::A, Self::APlus];

    /// The letter as printed.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::F => "F",
            Self::D => "D",
            Self::C => "C",
            Self::B => "B",
            Self::A => "A",
            Self::APlus => "A+",
        }
    }

    /// The letter as a number for monitoring (F = 0 … A+ = 5).
    pub(crate) fn score(self) -> u8 {
        match self {
            Self::F => 0,
            Self::D => 1,
            Self::C => 2,
            Self::B => 3,
            Self::A => 4,
            Self::APlus => 5,
        }
    }
}

/// The RFC 5922 / PKIX verdict as the grade sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Judged {
    /// The target was accepted (by RFC 5922 + PKIX, or by DANE); `relaxed` when a relaxation
    /// of the default policy was needed.
    Accepted { relaxed: bool },
    /// The target was rejected, with the reason codes (probe-level code first, then the
    /// verdict's); an empty list is still a rejection.
    Rejected { codes: Vec<String> },
}

/// The DANE state of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dane {
    /// Usable TLSA records matched.
    Verified,
    /// Usable TLSA records, none matched.
    Mismatch,
    /// No usable TLSA records (none, insecure, unusable).
    None,
}

/// What the grade is computed from. The `Option` fields are facts that another part of the
/// probe measures (TLS parameters, mutual TLS); `None` = not measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GradeInputs {
    /// The verdict.
    pub(crate) judged: Judged,
    /// Days left of the certificate of the chain that expires first (`None`: no chain seen).
    pub(crate) min_days_left: Option<i64>,
    /// `--warn-days`: an expiry within this caps at B.
    pub(crate) warn_days: i64,
    /// `--crit-days`: an expiry within this caps at D.
    pub(crate) crit_days: i64,
    /// The DNS answers that led to the target (NAPTR/SRV) were DNSSEC-secure.
    pub(crate) dnssec_signed_srv: bool,
    /// A DNS answer on the target's path was bogus.
    pub(crate) dnssec_bogus: bool,
    /// DANE.
    pub(crate) dane: Dane,
    /// The leaf's EKU contains id-kp-sipDomain (RFC 5924).
    pub(crate) sip_domain_eku: bool,
    /// The server accepted TLS 1.1, 1.0 or SSLv3.
    pub(crate) legacy_versions: Option<bool>,
    /// The server accepted a weak cipher suite (no forward secrecy, CBC with SHA-1, RC4, 3DES,
    /// export, NULL).
    pub(crate) weak_ciphers: Option<bool>,
    /// The server accepted TLS 1.3 and nothing older.
    pub(crate) tls13_only: Option<bool>,
    /// Our client certificate would be accepted by this server for mutual TLS.
    pub(crate) client_cert_ready: Option<bool>,
}

impl GradeInputs {
    /// Inputs with only the verdict known: no chain seen, nothing secure, nothing measured
    /// beyond the handshake (fill in the rest with struct update syntax).
    pub(crate) fn judged(judged: Judged) -> Self {
        Self {
            judged,
            min_days_left: None,
            warn_days: 0,
            crit_days: 0,
            dnssec_signed_srv: false,
            dnssec_bogus: false,
            dane: Dane::None,
            sip_domain_eku: false,
            legacy_versions: None,
            weak_ciphers: None,
            tls13_only: None,
            client_cert_ready: None,
        }
    }
}

/// One cap: the highest letter allowed, the reason code and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cap {
    pub(crate) letter: Letter,
    pub(crate) code: String,
    pub(crate) why: String,
}

/// A grade with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grade {
    pub(crate) letter: Letter,
    pub(crate) caps: Vec<Cap>,
    pub(crate) lifts: Vec<&'static str>,
    pub(crate) not_measured: Vec<&'static str>,
}

impl Grade {
    /// The grade as JSON: `{"grade":S,"score":N,"caps":[{"code","max","why"}],"lifts":[S],
    /// "not_measured":[S]}`.
    pub(crate) fn json(&self) -> Value {
        json!({
            "grade": self.letter.as_str(),
            "score": self.letter.score(),
            "caps": self.caps.iter().map(|c| json!({"code": c.code, "max": c.letter.as_str(), "why": c.why})).collect::<Vec<_>>(),
            "lifts": self.lifts,
            "not_measured": self.not_measured,
        })
    }

    /// The first cap's code, if any.
    pub(crate) fn first_cap(&self) -> Option<&str> {
        self.caps.first().map(|c| c.code.as_str())
    }
}

/// The lifts needed for A+ (of four: DNSSEC-signed NAPTR/SRV, DANE, sipDomain EKU, TLS 1.3
/// only).
pub(crate) const LIFTS_FOR_A_PLUS: usize = 2;

/// The grade of one target.
pub(crate) fn grade(inputs: &GradeInputs) -> Grade {
    let caps = caps(inputs);
    let lifts = lifts(inputs);
    let not_measured = [
        ("legacy-protocol-versions", inputs.legacy_versions.is_none()),
        ("weak-cipher-suites", inputs.weak_ciphers.is_none()),
        ("tls13-only", inputs.tls13_only.is_none()),
        (
            "client-certificate-readiness",
            inputs.client_cert_ready.is_none(),
        ),
    ]
    .into_iter()
    .filter_map(|(name, missing)| missing.then_some(name))
    .collect();
    let capped = caps.iter().map(|c| c.letter).min();
    let letter = match capped {
        Some(l) => l,
        None if lifts.len() >= LIFTS_FOR_A_PLUS => Letter::APlus,
        None => Letter::A,
    };
    Grade {
        letter,
        caps,
        lifts,
        not_measured,
    }
}

fn cap(letter: Letter, code: &str, why: impl Into<String>) -> Cap {
    Cap {
        letter,
        code: code.to_owned(),
        why: why.into(),
    }
}

/// Every cap that applies, in the order of the rubric.
fn caps(i: &GradeInputs) -> Vec<Cap> {
    let mut caps = Vec::new();
    match &i.judged {
        Judged::Rejected { codes } => {
            let code = codes.first().map_or("target-rejected", String::as_str);
            caps.push(cap(Letter::F, code, "the target was rejected"));
        }
        Judged::Accepted { relaxed: true } => caps.push(cap(
            Letter::B,
            "relaxation-used",
            "accepted only with a relaxation of the default policy",
        )),
        Judged::Accepted { relaxed: false } => {}
    }
    if i.dnssec_bogus {
        caps.push(cap(Letter::F, "dns-bogus", "a DNSSEC answer was bogus"));
    }
    if i.dane == Dane::Mismatch {
        caps.push(cap(Letter::F, "dane-mismatch", "no TLSA record matched"));
    }
    if let Some(days) = i.min_days_left {
        if days < 0 {
            caps.push(cap(Letter::F, "chain-expired", "a certificate has expired"));
        } else if days < i.crit_days {
            caps.push(cap(
                Letter::D,
                "cert-expires-soon",
                format!(
                    "a certificate expires in {days} days (--crit-days {})",
                    i.crit_days
                ),
            ));
        } else if days < i.warn_days {
            caps.push(cap(
                Letter::B,
                "cert-expires-soon",
                format!(
                    "a certificate expires in {days} days (--warn-days {})",
                    i.warn_days
                ),
            ));
        }
    }
    if i.legacy_versions == Some(true) {
        caps.push(cap(
            Letter::C,
            "tls-legacy-version",
            "TLS 1.1, 1.0 or SSLv3 accepted",
        ));
    }
    if i.weak_ciphers == Some(true) {
        caps.push(cap(
            Letter::C,
            "tls-weak-cipher",
            "a weak cipher suite accepted",
        ));
    }
    if i.client_cert_ready == Some(false) {
        caps.push(cap(
            Letter::C,
            "client-cert-not-ready",
            "our client certificate would not be accepted for mutual TLS",
        ));
    }
    caps.sort_by_key(|c| c.letter);
    // One cap per code (a rejection's first code may be a cap of its own, e.g. dane-mismatch).
    let mut seen = std::collections::BTreeSet::new();
    caps.retain(|c| seen.insert(c.code.clone()));
    caps
}

/// The lifts that apply (they count only for a target without caps).
fn lifts(i: &GradeInputs) -> Vec<&'static str> {
    [
        ("dnssec-signed-srv", i.dnssec_signed_srv),
        ("dane-verified", i.dane == Dane::Verified),
        ("sip-domain-eku", i.sip_domain_eku),
        ("tls13-only", i.tls13_only == Some(true)),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target with nothing to cap and nothing to lift: grade A.
    fn plain() -> GradeInputs {
        GradeInputs {
            min_days_left: Some(200),
            warn_days: 30,
            crit_days: 7,
            ..GradeInputs::judged(Judged::Accepted { relaxed: false })
        }
    }

    type Change = fn(&mut GradeInputs);

    /// Each cap with an input that triggers it, and a neighbour that does not:
    /// (name, change to the plain A input, grade, first cap).
    const CAP_CASES: &[(&str, Change, &str, Option<&str>)] = &[
        ("nothing", |_| {}, "A", None),
        (
            "rejected",
            reject_no_match,
            "F",
            Some("no-matching-identity"),
        ),
        (
            "rejected, no code",
            |i| i.judged = Judged::Rejected { codes: vec![] },
            "F",
            Some("target-rejected"),
        ),
        (
            "relaxed",
            |i| i.judged = Judged::Accepted { relaxed: true },
            "B",
            Some("relaxation-used"),
        ),
        ("bogus", |i| i.dnssec_bogus = true, "F", Some("dns-bogus")),
        (
            "dane mismatch",
            |i| i.dane = Dane::Mismatch,
            "F",
            Some("dane-mismatch"),
        ),
        (
            "expired",
            |i| i.min_days_left = Some(-1),
            "F",
            Some("chain-expired"),
        ),
        (
            "expires today",
            |i| i.min_days_left = Some(0),
            "D",
            Some("cert-expires-soon"),
        ),
        (
            "within crit",
            |i| i.min_days_left = Some(6),
            "D",
            Some("cert-expires-soon"),
        ),
        (
            "at crit",
            |i| i.min_days_left = Some(7),
            "B",
            Some("cert-expires-soon"),
        ),
        (
            "within warn",
            |i| i.min_days_left = Some(29),
            "B",
            Some("cert-expires-soon"),
        ),
        ("at warn", |i| i.min_days_left = Some(30), "A", None),
        ("no chain seen", |i| i.min_days_left = None, "A", None),
        (
            "legacy",
            |i| i.legacy_versions = Some(true),
            "C",
            Some("tls-legacy-version"),
        ),
        ("no legacy", |i| i.legacy_versions = Some(false), "A", None),
        (
            "weak",
            |i| i.weak_ciphers = Some(true),
            "C",
            Some("tls-weak-cipher"),
        ),
        ("not weak", |i| i.weak_ciphers = Some(false), "A", None),
        (
            "client not ready",
            |i| i.client_cert_ready = Some(false),
            "C",
            Some("client-cert-not-ready"),
        ),
        (
            "client ready",
            |i| i.client_cert_ready = Some(true),
            "A",
            None,
        ),
    ];

    fn reject_no_match(i: &mut GradeInputs) {
        i.judged = Judged::Rejected {
            codes: vec!["no-matching-identity".into()],
        };
    }

    #[test]
    fn caps_and_their_neighbours() {
        let cases = CAP_CASES;
        for (name, change, want, code) in cases {
            let mut i = plain();
            change(&mut i);
            let g = grade(&i);
            assert_eq!(g.letter.as_str(), *want, "{name}: {i:?} -> {g:?}");
            assert_eq!(g.first_cap(), *code, "{name}: {i:?} -> {g:?}");
        }
    }

    /// Lifts make A+ from two of them, never lift a capped target.
    #[test]
    fn lifts_and_caps() {
        let cases: &[(&str, Change, &str)] = &[
            ("one lift", |i| i.dnssec_signed_srv = true, "A"),
            (
                "srv + dane",
                |i| {
                    i.dnssec_signed_srv = true;
                    i.dane = Dane::Verified;
                },
                "A+",
            ),
            (
                "eku + tls13",
                |i| {
                    i.sip_domain_eku = true;
                    i.tls13_only = Some(true);
                },
                "A+",
            ),
            (
                "tls13 not only",
                |i| {
                    i.sip_domain_eku = true;
                    i.tls13_only = Some(false);
                },
                "A",
            ),
            (
                "lifts, but capped",
                |i| {
                    i.dnssec_signed_srv = true;
                    i.dane = Dane::Verified;
                    i.sip_domain_eku = true;
                    i.min_days_left = Some(10);
                },
                "B",
            ),
            (
                "lifts, but rejected",
                |i| {
                    i.dnssec_signed_srv = true;
                    i.sip_domain_eku = true;
                    i.judged = Judged::Rejected {
                        codes: vec!["chain-unknown-issuer".into()],
                    };
                },
                "F",
            ),
            (
                "worst cap wins",
                |i| {
                    i.legacy_versions = Some(true);
                    i.min_days_left = Some(3);
                    i.dnssec_bogus = true;
                },
                "F",
            ),
        ];
        for (name, change, want) in cases {
            let mut i = plain();
            change(&mut i);
            let g = grade(&i);
            assert_eq!(g.letter.as_str(), *want, "{name}: {i:?} -> {g:?}");
        }
    }

    /// What was not measured is named, and only that.
    #[test]
    fn not_measured_is_named() {
        let g = grade(&plain());
        assert_eq!(g.not_measured.len(), 4, "{g:?}");
        let mut i = plain();
        i.legacy_versions = Some(false);
        i.weak_ciphers = Some(false);
        i.tls13_only = Some(false);
        i.client_cert_ready = Some(true);
        assert!(grade(&i).not_measured.is_empty());
    }

    #[test]
    fn letters_order_worst_first() {
        let mut sorted = Letter::ALL;
        sorted.sort();
        assert_eq!(sorted, Letter::ALL);
        let scores: Vec<u8> = Letter::ALL.iter().map(|l| l.score()).collect();
        assert_eq!(scores, [0, 1, 2, 3, 4, 5]);
    }
}
