//! `sipcert stir verify-4474`: the obsolete RFC 4474 Identity / Identity-Info of a whole SIP
//! request (`sipcert::stir::rfc4474`), verified as a legacy mode. The certificate at the
//! Identity-Info URI comes from `--x5u-file` or is fetched, as `stir verify` does for x5u.

use std::io::Read as _;
use std::time::Duration;

use serde_json::json;
use sipcert::stir::rfc4474::{Rfc4474Verdict, DEFAULT_FRESHNESS, OBSOLETE};
use sipcert::stir::StirVerifier;

use crate::stir::{fetch_policy, file_source};
use crate::{trust, InputError, Outcome};

/// `sipcert stir verify-4474` arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The whole SIP request (request line, headers, empty line, body; CRLF line ends), or
    /// '-' for standard input.
    #[arg(long, value_name = "FILE")]
    request: String,
    /// The trust anchors the Identity-Info certificate must chain to (PEM bundle).
    #[arg(long, value_name = "PEM")]
    trust_list: String,
    /// A CRL file (PEM or DER); repeatable.
    #[arg(long, value_name = "FILE")]
    crl: Vec<String>,
    /// Verify at this RFC 3339 time instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Serve the certificate chain of an Identity-Info URL from a PEM file (leaf first), as
    /// URL=PEM (split at the last '='); repeatable.
    #[arg(long, value_name = "URL=PEM")]
    x5u_file: Vec<String>,
    /// How far the Date header may be from the verification time, either way (default
    /// 3600, RFC 4474 §6.2's "usually, within an hour").
    #[arg(long, value_name = "SECONDS")]
    freshness: Option<u64>,
    /// The deadline for fetching an Identity-Info URL that no --x5u-file serves (default 5).
    #[arg(long, value_name = "SECONDS")]
    fetch_timeout: Option<u64>,
    /// Never fetch: an Identity-Info URL that no --x5u-file serves fails
    /// (stir-rfc4474-cert-unavailable).
    #[arg(long, conflicts_with = "fetch_timeout")]
    no_fetch: bool,
}

fn read_request(path: &str) -> Result<Vec<u8>, InputError> {
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(path).map(|b| bytes = b)
    };
    read.map_err(|e| InputError(format!("--request {path}: {e}")))?;
    Ok(bytes)
}

/// Verifies the request: exit 0 when the Identity verifies, 1 when it does not.
pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    let request = read_request(&args.request)?;
    let roots = trust::roots(&args.trust_list)?;
    let crls = trust::crls(&args.crl)?;
    let now = trust::time(args.at.as_deref())?;
    let source = file_source(
        &args.x5u_file,
        fetch_policy(args.no_fetch, args.fetch_timeout),
    )?;
    let freshness = args
        .freshness
        .map_or(DEFAULT_FRESHNESS, Duration::from_secs);
    let verifier = StirVerifier::new(roots.roots.iter().cloned(), trust::provider())
        .with_crls(&crls)
        .map_err(|e| InputError(format!("--crl: {e}")))?;
    let verdict = verifier.verify_rfc4474(&request, &source, now, freshness);
    if args.json {
        println!("{}", verdict_json(&verdict));
    } else {
        println!("{verdict}");
    }
    Ok(if verdict.is_verified() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// The `stir verify-4474 --json` object (docs/stir.md).
fn verdict_json(verdict: &Rfc4474Verdict) -> serde_json::Value {
    let (message, domain, info) = match verdict {
        Rfc4474Verdict::Verified(v) => (
            "the RFC 4474 Identity verified".to_owned(),
            Some(v.domain().as_str().to_owned()),
            Some(v.info_url().to_owned()),
        ),
        Rfc4474Verdict::Failed(e) => (e.message.clone(), None, None),
    };
    json!({
        "verdict": if verdict.is_verified() { "verified" } else { "failed" },
        "code": verdict.code().map(sipcert::stir::StirCode::code),
        "message": message,
        "domain": domain,
        "identity_info": info,
        "response_code": verdict.response_code(),
        "obsolete": OBSOLETE,
    })
}
