//! `sipcert stir lint`: a STIR certificate against the RFC 8226 / ATIS-1000080 profile
//! (`sipcert::stir::lint`), every finding with its code and severity.

use serde_json::json;
use sipcert::stir::lint::{has_errors, lint, Finding};

use crate::{input, trust, InputError, Outcome};

/// `sipcert stir lint` arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct LintArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Judge validity at this RFC 3339 time instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// The certificate (PEM or DER; the first certificate of a PEM file is linted).
    cert: String,
}

/// Lints the certificate: exit 0 without an error-severity finding, 1 with one.
pub(crate) fn run(args: &LintArgs) -> Result<Outcome, InputError> {
    let now = trust::time(args.at.as_deref())?;
    let certs = input::certificates(&args.cert)?;
    let Some(cert) = certs.first() else {
        return Err(InputError(format!("{}: no certificate", args.cert)));
    };
    let findings = lint(cert.as_ref(), now);
    let failed = has_errors(&findings);
    if args.json {
        let list: Vec<_> = findings.iter().map(finding_json).collect();
        let verdict = if failed { "fail" } else { "pass" };
        println!("{}", json!({"verdict": verdict, "findings": list}));
    } else {
        println!("{}", if failed { "FAIL" } else { "PASS" });
        for f in &findings {
            println!("  {f}");
        }
    }
    Ok(if failed {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}

fn finding_json(f: &Finding) -> serde_json::Value {
    json!({
        "code": f.code.code(),
        "severity": f.severity().as_str(),
        "message": f.message,
    })
}
