//! The probe report: one JSON object, or text, per target and overall.

use std::time::Duration;

use serde_json::{json, Map, Value};
use sipcert::dane::{DaneStatus, TlsaSet, Unusable};
use sipcert::resolve::{Answer, Resolution};

use super::conn::Report;
use super::grade::Grade;
use super::mtls::ClientAuth;
use super::sink::{DomainDone, Summary};
use super::tls_params::TlsParams;
use super::view::{grade_of, TargetView, Thresholds};
use super::{Context, Shared};
use crate::report;

/// Why the domain as a whole failed: its resolution failed or found no target, or no target
/// was probed.
pub(crate) fn domain_failure(
    resolution: Option<&Resolution>,
    reports: &[Report],
) -> Option<(&'static str, String)> {
    match resolution {
        Some(r) if r.failure.is_some() || r.targets.is_empty() || reports.is_empty() => Some((
            r.failure.as_ref().map_or("dns-no-targets", |f| f.code()),
            r.failure_message()
                .unwrap_or_else(|| "RFC 3263 resolution found no target".to_owned()),
        )),
        Some(_) | None => None,
    }
}

/// The views of a domain's targets (graded), a failed view first when the domain as a whole
/// failed ([`domain_failure`]).
pub(crate) fn domain_views(
    domain: &str,
    shared: &Shared,
    resolution: Option<&Resolution>,
    reports: &[Report],
    elapsed: Duration,
) -> Vec<TargetView> {
    let now = unix_now();
    let limits = shared.thresholds();
    let failure = domain_failure(resolution, reports)
        .map(|(code, message)| TargetView::failed(domain, code, &message, elapsed));
    failure
        .into_iter()
        .chain(
            reports
                .iter()
                .map(|r| TargetView::of(domain, r, resolution, limits, now)),
        )
        .collect()
}

/// The domain's JSON object (decisions §3, plus each target's `grade` object and the
/// domain's `grade`, its worst target's).
pub(crate) fn domain_json(
    ctx: &Context,
    shared: &Shared,
    resolution: Option<&Resolution>,
    reports: &[Report],
    elapsed: Duration,
) -> Value {
    let now = unix_now();
    let limits = shared.thresholds();
    let failure = domain_failure(resolution, reports);
    let accepted = failure.is_none() && !reports.is_empty() && reports.iter().all(|r| r.accepted);
    let grades: Vec<_> = reports
        .iter()
        .map(|r| grade_of(r, resolution, limits, now))
        .collect();
    let targets: Vec<Value> = reports
        .iter()
        .zip(&grades)
        .map(|(r, g)| {
            let mut t = target_json(r, now);
            t["grade"] = g.json();
            t
        })
        .collect();
    let reasons: Vec<Value> = failure
        .iter()
        .map(|(c, m)| json!({"code": c, "message": m}))
        .chain(
            reports
                .iter()
                .filter(|r| !r.accepted)
                .map(|r| json!({"code": "target-rejected", "message": format!("{}: {}", r.target.label(), r.summary())})),
        )
        .collect();
    let worst = grades.iter().map(|g| g.letter).min();
    json!({
        "verdict": if accepted { "accept" } else { "reject" },
        "reference": ctx.reference.to_string(),
        "reasons": reasons,
        "dns": resolution.map_or_else(Vec::new, |r| r.steps.iter().map(step_json).collect::<Vec<_>>()),
        "targets": targets,
        "grade": worst.filter(|_| failure.is_none()).map_or("F", |l| l.as_str()),
        "elapsed_ms": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    })
}

/// Now, in Unix seconds.
pub(crate) fn unix_now() -> i64 {
    i64::try_from(rustls::pki_types::UnixTime::now().as_secs()).unwrap_or(i64::MAX)
}

/// Prints the report of one domain; returns its verdict (accept only if every probed target
/// was accepted and there was at least one).
pub(crate) fn print(
    json_out: bool,
    single: bool,
    ctx: &Context,
    shared: &Shared,
    resolution: Option<&Resolution>,
    reports: &[Report],
    elapsed: Duration,
) -> bool {
    let failure = domain_failure(resolution, reports);
    let accepted = failure.is_none() && !reports.is_empty() && reports.iter().all(|r| r.accepted);
    if json_out {
        let Value::Object(domain) = domain_json(ctx, shared, resolution, reports, elapsed) else {
            return false;
        };
        let mut top = Map::new();
        if single {
            // `--connect`: the single target's fields at the top level, as before.
            if let Some(Value::Object(t)) = domain.get("targets").and_then(|t| t.get(0)) {
                top.extend(t.clone());
            }
        }
        top.extend(
            domain
                .into_iter()
                .filter(|(k, _)| !(single && k == "reasons")),
        );
        let mut summary = Summary::default();
        summary.add(&DomainDone {
            index: 1,
            origin: "argument 1".to_owned(),
            domain: ctx.aus_text.clone(),
            views: domain_views(&ctx.aus_text, shared, resolution, reports, elapsed),
            json: None,
        });
        top.insert("summary".into(), summary.json());
        println!("{}", Value::Object(top));
    } else {
        print_text(
            ctx,
            shared.thresholds(),
            resolution,
            reports,
            failure.as_ref(),
            accepted,
            unix_now(),
            elapsed,
        );
    }
    accepted
}

fn step_json(s: &sipcert::resolve::Step) -> Value {
    let (answers, outcome) = match &s.answer {
        Answer::Records(r) => (r.clone(), "answer".to_owned()),
        Answer::NoData => (Vec::new(), "nodata".to_owned()),
        Answer::NxDomain => (Vec::new(), "nxdomain".to_owned()),
        Answer::Failed(m) => (Vec::new(), format!("failed: {m}")),
    };
    json!({
        "step": s.rtype.to_ascii_lowercase(),
        "name": s.name,
        "status": s.dnssec.code(),
        "answers": answers,
        "outcome": outcome,
    })
}

/// The DANE status word of decisions §3 for a target's TLSA set and outcome.
pub(crate) fn dane_status(
    set: &TlsaSet,
    status: DaneStatus,
    unusable: &[(usize, Unusable)],
) -> &'static str {
    match status {
        DaneStatus::Authenticated => "verified",
        DaneStatus::Mismatch => "mismatch",
        DaneStatus::NotApplicable if set.records().is_empty() => "no-records",
        DaneStatus::NotApplicable
            if unusable
                .iter()
                .all(|(_, u)| matches!(u, Unusable::AnswerNotSecure | Unusable::SrvNotSecure)) =>
        {
            "insecure"
        }
        DaneStatus::NotApplicable => "unusable",
    }
}

fn target_json(r: &Report, now: i64) -> Value {
    let mut obj = match &r.verdict {
        Some(v) => sipcert::json::verdict(v),
        None => json!({
            "verdict": "reject", "reference": null, "chain": null, "matched": null,
            "identities": [], "ignored": [], "reasons": [], "hints": [], "relaxations": [],
        }),
    };
    if let Some((code, message)) = &r.failure {
        if let Some(Value::Array(reasons)) = obj.get_mut("reasons") {
            reasons.insert(0, json!({"code": code, "message": message}));
        }
    }
    obj["verdict"] = json!(if r.accepted { "accept" } else { "reject" });
    if r.accepted_by_dane {
        obj["accepted_by"] = json!("dane");
    }
    obj["target"] = json!(r.target.host);
    obj["port"] = json!(r.target.port);
    obj["address"] = json!(r.address.map(|a| a.to_string()));
    obj["srv_target_reference"] = json!(r.target.srv_secure && r.target.srv_target.is_some());
    obj["srv_note"] = json!(r.target.srv_note);
    obj["dns_path"] = json!(r.target.path);
    obj["tls"] = match (&r.tls, &r.tls_params) {
        (Some((v, c)), None) => json!({"version": v, "cipher": c}),
        (tls, Some(params)) => {
            let mut m = params.json(now);
            m.insert("version".into(), json!(tls.as_ref().map(|(v, _)| v)));
            m.insert("cipher".into(), json!(tls.as_ref().map(|(_, c)| c)));
            Value::Object(m)
        }
        (None, None) => Value::Null,
    };
    obj["certificates"] = json!(r.certs.iter().map(|c| c.json(now)).collect::<Vec<_>>());
    obj["dane"] = match &r.dane {
        Some((set, o)) => json!({
            "status": dane_status(set, o.status(), o.unusable()),
            "detail": o.detail(),
            "records": set.records().iter().map(ToString::to_string).collect::<Vec<_>>(),
            "matched": o.matched().map(|m| json!({"record": m.record, "usage": m.usage.code(), "position": m.position})),
            "unusable": o.unusable().iter().map(|(i, u)| json!({"record": i, "code": u.code(), "message": u.to_string()})).collect::<Vec<_>>(),
        }),
        None => Value::Null,
    };
    obj["tlsa_note"] = json!(r.target.tlsa_note);
    obj["options"] = match &r.options {
        Some(Ok((status, reason))) => json!({"status": status, "reason": reason}),
        Some(Err(e)) => json!({"status": null, "reason": e}),
        None => Value::Null,
    };
    obj["client_auth"] = r.client_auth.as_ref().map_or(Value::Null, ClientAuth::json);
    obj["warnings"] = json!(r.warnings);
    obj["elapsed_ms"] = json!(u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX));
    obj
}

/// The grade line of a target: the letter and its first cap, or its lifts.
fn print_grade(g: &Grade) {
    match g.first_cap() {
        Some(code) => println!("  grade: {} (capped: {code})", g.letter.as_str()),
        None if g.lifts.is_empty() => println!("  grade: {} (lifts: none)", g.letter.as_str()),
        None => println!(
            "  grade: {} (lifts: {})",
            g.letter.as_str(),
            g.lifts.join(", ")
        ),
    }
}

/// The RFC 3263 steps, one line each, with their DNSSEC state.
fn print_dns_steps(res: &Resolution) {
    println!("DNS (RFC 3263):");
    for s in &res.steps {
        let what = match &s.answer {
            Answer::Records(r) => r.join(", "),
            Answer::NoData => "no records".to_owned(),
            Answer::NxDomain => "NXDOMAIN".to_owned(),
            Answer::Failed(m) => format!("FAILED: {m}"),
        };
        println!(
            "  {:<5} {:<40} [{}] {what}",
            s.rtype,
            s.name,
            s.dnssec.code()
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn print_text(
    ctx: &Context,
    limits: Thresholds,
    resolution: Option<&Resolution>,
    reports: &[Report],
    failure: Option<&(&str, String)>,
    accepted: bool,
    now: i64,
    elapsed: Duration,
) {
    println!("SIP domain (reference, SNI): {}", ctx.reference);
    if let Some(res) = resolution {
        print_dns_steps(res);
    }
    for r in reports {
        println!();
        println!(
            "== target {} ({}) : {}",
            r.target.label(),
            r.address
                .map_or_else(|| "no address".to_owned(), |a| a.to_string()),
            if r.accepted { "ACCEPT" } else { "REJECT" }
        );
        println!("  SRV: {}", r.target.srv_note);
        if let Some((code, message)) = &r.failure {
            println!("  {code}: {message}");
        }
        if let Some((v, c)) = &r.tls {
            println!("  tls: {v} {c}");
        }
        for (i, c) in r.certs.iter().enumerate() {
            println!(
                "  cert {i}: {} (issuer {}), {} .. {} ({} days left), {}, SANs: {}",
                c.subject,
                c.issuer,
                c.not_before,
                c.not_after,
                c.days_left(now),
                c.key,
                c.sans.join(", ")
            );
        }
        if let Some(v) = &r.verdict {
            report::print_verdict_text(v);
        }
        match &r.dane {
            Some((set, o)) => println!(
                "  DANE: {} ({})",
                dane_status(set, o.status(), o.unusable()),
                o.detail()
            ),
            None => println!("  DANE: none ({})", r.target.tlsa_note),
        }
        match &r.options {
            Some(Ok((s, reason))) => println!("  OPTIONS: {s} {reason}"),
            Some(Err(e)) => println!("  OPTIONS: failed: {e}"),
            None => {}
        }
        let params = r.tls_params.iter().flat_map(TlsParams::text);
        for line in params.chain(r.client_auth.iter().flat_map(ClientAuth::text)) {
            println!("  {line}");
        }
        for w in &r.warnings {
            println!("  warning: {w}");
        }
        print_grade(&grade_of(r, resolution, limits, now));
    }
    println!();
    if let Some((code, message)) = failure {
        println!("{code}: {message}");
    }
    println!(
        "overall: {} ({} target(s), {} ms)",
        if accepted { "ACCEPT" } else { "REJECT" },
        reports.len(),
        elapsed.as_millis()
    );
}
