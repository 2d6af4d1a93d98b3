//! JSON and text renderings shared by `identities`, `check` and `probe`.

use serde_json::{json, Value};
use sipcert::{Identity, IgnoredName, Verdict};

pub(crate) fn identities_json(ids: &[Identity]) -> Value {
    Value::Array(
        ids.iter()
            .map(|i| json!({"domain": i.name().to_string(), "source": i.source().code()}))
            .collect(),
    )
}

pub(crate) fn ignored_json(ignored: &[IgnoredName]) -> Value {
    Value::Array(
        ignored
            .iter()
            .map(|n| json!({"value": n.value(), "source": n.source().code(), "reason": n.reason().code()}))
            .collect(),
    )
}

pub(crate) fn print_identities_text(ids: &[Identity], ignored: &[IgnoredName]) {
    if ids.is_empty() {
        println!("SIP domain identities: none");
    } else {
        println!("SIP domain identities (RFC 5922 §7.1):");
        for i in ids {
            println!("  {:<40} from {}", i.name().to_string(), i.source().code());
        }
    }
    if !ignored.is_empty() {
        println!("ignored names:");
        for n in ignored {
            println!(
                "  {:<40} {} ({})",
                n.value(),
                n.source().code(),
                n.reason().code()
            );
        }
    }
}

/// The `check` object of decisions.md §3.
pub(crate) fn verdict_json(verdict: &Verdict, reference: Option<&str>, chain: &str) -> Value {
    let (matched, reasons, hints, relaxations) = match verdict {
        Verdict::Accept(a) => {
            let m = a.matched();
            (
                json!({"domain": m.name().to_string(), "source": m.source().code(), "via": m.via().code()}),
                Vec::new(),
                Vec::new(),
                a.relaxations().iter().map(|r| json!(r.code())).collect(),
            )
        }
        Verdict::Reject(r) => (
            Value::Null,
            r.reasons()
                .iter()
                .map(|x| json!({"code": x.code().code(), "message": x.message()}))
                .collect(),
            r.hints().iter().map(|h| json!(h.code().code())).collect(),
            Vec::new(),
        ),
    };
    json!({
        "verdict": if verdict.is_accept() { "accept" } else { "reject" },
        "reference": reference,
        "chain": chain,
        "matched": matched,
        "identities": identities_json(verdict.identities()),
        "ignored": ignored_json(verdict.ignored()),
        "reasons": reasons,
        "hints": hints,
        "relaxations": relaxations,
    })
}

pub(crate) fn print_verdict_text(verdict: &Verdict, reference: Option<&str>, chain: &str) {
    match verdict {
        Verdict::Accept(a) => {
            let m = a.matched();
            println!(
                "ACCEPT: the certificate is valid for SIP domain {} ({} identity {}, via {})",
                reference.unwrap_or("?"),
                m.source().code(),
                m.presented(),
                m.via().code()
            );
            if !a.relaxations().is_empty() {
                let r: Vec<_> = a.relaxations().iter().map(|r| r.code()).collect();
                println!("relaxations used: {}", r.join(", "));
            }
        }
        Verdict::Reject(r) => {
            println!("REJECT: {r}");
            let codes: Vec<_> = r.reasons().iter().map(|x| x.code().code()).collect();
            println!("reasons: {}", codes.join(", "));
            if !r.hints().is_empty() {
                let h: Vec<_> = r.hints().iter().map(|h| h.code().code()).collect();
                println!("hints: {}", h.join(", "));
            }
        }
    }
    match chain {
        "unchecked" => println!(
            "chain: NOT CHECKED (no --roots given): only the names and the EKU were examined"
        ),
        "valid" => println!("chain: valid"),
        code => println!("chain: {code}"),
    }
    print_identities_text(verdict.identities(), verdict.ignored());
}
