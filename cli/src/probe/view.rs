//! The compact view of one probed target that the fleet outputs (text lines, Prometheus,
//! Nagios, HTML) and the summary are made from: a few strings and numbers, so that a run
//! over many domains keeps these, never the full reports.

use std::time::Duration;

use sipcert::dane::DaneStatus;
use sipcert::resolve::Resolution;
use sipcert::{Relaxation, Verdict};

use super::conn::Report;
use super::grade::{self, Dane, Grade, GradeInputs, Judged};
use super::mtls::ClientAuth;
use super::render::dane_status;
use super::tls_params::TlsParams;

/// One certificate of a presented chain: position, subject and expiry.
#[derive(Debug, Clone)]
pub(crate) struct CertView {
    pub(crate) position: usize,
    pub(crate) subject: String,
    pub(crate) not_after: String,
    pub(crate) days_left: i64,
    /// Seconds until notAfter (negative once expired).
    pub(crate) seconds_left: i64,
}

/// One target (or a domain that yielded none) as the fleet outputs show it.
#[derive(Debug, Clone)]
pub(crate) struct TargetView {
    /// The AUS as probed (or the input line, for a line that is no AUS).
    pub(crate) domain: String,
    /// `host:port` of the target, or `-` when the domain yielded no target.
    pub(crate) target: String,
    pub(crate) address: Option<String>,
    pub(crate) accepted: bool,
    /// The first reason code of a rejection.
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) grade: Grade,
    pub(crate) certs: Vec<CertView>,
    /// The negotiated TLS version and cipher suite.
    pub(crate) tls: Option<(String, String)>,
    /// `secure`, `insecure`, `bogus`, or `none` (no DNS).
    pub(crate) dnssec: &'static str,
    /// The DNS path that led to the target.
    pub(crate) dns_path: Vec<String>,
    /// The DANE status word (decisions §3), or `none`.
    pub(crate) dane: &'static str,
    pub(crate) duration: Duration,
    pub(crate) warnings: Vec<String>,
    /// The TLS scan's lines (`--tls-scan`), empty without one.
    pub(crate) tls_params: Vec<String>,
    /// The mutual-TLS readiness lines, empty when not measured.
    pub(crate) mutual_tls: Vec<String>,
}

/// The days thresholds of the grade and of Nagios.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Thresholds {
    pub(crate) warn_days: i64,
    pub(crate) crit_days: i64,
}

impl TargetView {
    /// The view of a probed target of `domain`, graded; `now` in Unix seconds.
    pub(crate) fn of(
        domain: &str,
        r: &Report,
        resolution: Option<&Resolution>,
        limits: Thresholds,
        now: i64,
    ) -> Self {
        let dns = resolution.is_some();
        let dns_path = resolution.map_or_else(Vec::new, |res| {
            r.target
                .path
                .iter()
                .filter_map(|i| res.steps.get(*i))
                .map(|s| format!("{} {} [{}]", s.rtype, s.name, s.dnssec.code()))
                .collect()
        });
        let certs: Vec<CertView> = r
            .certs
            .iter()
            .enumerate()
            .map(|(position, c)| CertView {
                position,
                subject: c.subject.clone(),
                not_after: c.not_after.clone(),
                days_left: c.days_left(now),
                seconds_left: c.not_after_unix.saturating_sub(now),
            })
            .collect();
        let dnssec = match (dns, r.target.bogus, r.target.srv_secure) {
            (false, _, _) => "none",
            (true, true, _) => "bogus",
            (true, false, true) => "secure",
            (true, false, false) => "insecure",
        };
        let dane = match &r.dane {
            Some((set, o)) => dane_status(set, o.status(), o.unusable()),
            None => "none",
        };
        let codes = reason_codes(r);
        let inputs = GradeInputs {
            judged: if r.accepted {
                Judged::Accepted {
                    relaxed: matches!(&r.verdict, Some(Verdict::Accept(a)) if a.relaxations().iter().copied().any(weakens)),
                }
            } else {
                Judged::Rejected {
                    codes: codes.clone(),
                }
            },
            min_days_left: certs.iter().map(|c| c.days_left).min(),
            warn_days: limits.warn_days,
            crit_days: limits.crit_days,
            dnssec_signed_srv: dnssec == "secure",
            dnssec_bogus: r.target.bogus,
            dane: match r.dane.as_ref().map(|(_, o)| o.status()) {
                Some(DaneStatus::Authenticated) => Dane::Verified,
                Some(DaneStatus::Mismatch) => Dane::Mismatch,
                Some(DaneStatus::NotApplicable) | None => Dane::None,
            },
            sip_domain_eku: r.certs.first().is_some_and(|c| c.sip_domain_eku),
            legacy_versions: r.tls_params.as_ref().and_then(TlsParams::legacy_versions),
            weak_ciphers: r.tls_params.as_ref().and_then(TlsParams::weak_ciphers),
            tls13_only: r.tls_params.as_ref().and_then(TlsParams::tls13_only),
            client_cert_ready: r.client_auth.as_ref().and_then(ClientAuth::ready),
        };
        Self {
            domain: domain.to_owned(),
            target: r.target.label(),
            address: r.address.map(|a| a.to_string()),
            accepted: r.accepted,
            code: if r.accepted {
                None
            } else {
                codes.into_iter().next()
            },
            message: r.failure.as_ref().map(|(_, m)| m.clone()),
            grade: grade::grade(&inputs),
            certs,
            tls: r.tls.clone(),
            dnssec,
            dns_path,
            dane,
            duration: r.elapsed,
            warnings: r.warnings.clone(),
            tls_params: r.tls_params.iter().flat_map(TlsParams::text).collect(),
            mutual_tls: r.client_auth.iter().flat_map(ClientAuth::text).collect(),
        }
    }

    /// A domain that yielded no target: a line that is no AUS, a resolution that failed or
    /// found nothing, the run's deadline reached first. Graded F with `code`.
    pub(crate) fn failed(domain: &str, code: &str, message: &str, duration: Duration) -> Self {
        let inputs = GradeInputs {
            dnssec_bogus: code == "dns-bogus",
            ..GradeInputs::judged(Judged::Rejected {
                codes: vec![code.to_owned()],
            })
        };
        Self {
            domain: domain.to_owned(),
            target: "-".to_owned(),
            address: None,
            accepted: false,
            code: Some(code.to_owned()),
            message: Some(message.to_owned()),
            grade: grade::grade(&inputs),
            certs: Vec::new(),
            tls: None,
            dnssec: "none",
            dns_path: Vec::new(),
            dane: "none",
            duration,
            warnings: Vec::new(),
            tls_params: Vec::new(),
            mutual_tls: Vec::new(),
        }
    }

    /// `accept`, or `reject (CODE)`.
    pub(crate) fn verdict_text(&self) -> String {
        match (&self.code, self.accepted) {
            (_, true) => "accept".to_owned(),
            (Some(c), false) => format!("reject ({c})"),
            (None, false) => "reject".to_owned(),
        }
    }
}

/// Whether a relaxation the verdict used weakens the default policy, and so caps the grade:
/// a wildcard, the CN fallback, an IP literal, and any relaxation added later (fail closed).
/// Not the secure SRV target (RFC 7673: DNSSEC vouches for it) nor the TLS-compatible EKU
/// (the default policy; a sipDomain EKU lifts instead).
fn weakens(r: Relaxation) -> bool {
    match r {
        Relaxation::SecureSrvTarget | Relaxation::EkuTlsCompatible => false,
        // Wildcard, CnFallback, IpLiteral, and whatever the library adds (non_exhaustive).
        _ => true,
    }
}

/// The reason codes of a target's rejection: the probe-level failure first, then the
/// verdict's reasons.
pub(crate) fn reason_codes(r: &Report) -> Vec<String> {
    r.failure
        .iter()
        .map(|(c, _)| (*c).to_owned())
        .chain(
            r.verdict
                .as_ref()
                .and_then(Verdict::rejected)
                .into_iter()
                .flat_map(|x| {
                    x.reasons()
                        .iter()
                        .map(|reason| reason.code().code().to_owned())
                }),
        )
        .collect()
}

/// The grade of a full report (the single-domain JSON and text).
pub(crate) fn grade_of(
    r: &Report,
    resolution: Option<&Resolution>,
    limits: Thresholds,
    now: i64,
) -> Grade {
    TargetView::of("", r, resolution, limits, now).grade
}

#[cfg(test)]
mod tests {
    use sipcert::Relaxation;

    /// Only the relaxations that weaken the default policy cap the grade.
    #[test]
    fn relaxations_that_cap() {
        for (r, want) in [
            (Relaxation::Wildcard, true),
            (Relaxation::CnFallback, true),
            (Relaxation::IpLiteral, true),
            (Relaxation::SecureSrvTarget, false),
            (Relaxation::EkuTlsCompatible, false),
        ] {
            assert_eq!(super::weakens(r), want, "{r}");
        }
    }
}
