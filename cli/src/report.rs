//! Text renderings shared by `identities`, `check` and `probe` (their JSON objects are
//! `sipcert::json`'s).

use sipcert::{Identity, IgnoredName, Verdict};

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

pub(crate) fn print_verdict_text(verdict: &Verdict) {
    let chain = verdict.chain_status();
    match verdict {
        Verdict::Accept(a) => {
            let m = a.matched();
            println!(
                "ACCEPT: the certificate is valid for SIP domain {} ({} identity {}, via {})",
                a.reference(),
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
            "chain: NOT CHECKED (no --roots given): only the names and the EKU were examined; signatures, validity dates, trust, revocation and CA name constraints were not"
        ),
        "valid" => println!("chain: valid"),
        code => println!("chain: {code}"),
    }
    print_identities_text(verdict.identities(), verdict.ignored());
}
