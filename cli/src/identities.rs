//! `sipcert identities [--json] [--no-cn-fallback] [--require-sip-uri] CERT`

use sipcert::{extract_identities, Policy};

use crate::{input, report, InputError, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Never use the subject CN, even when the certificate has no SAN extension.
    #[arg(long)]
    no_cn_fallback: bool,
    /// Only `sip:` URI SANs are identities (RFC 9525-style profile); DNS SANs are ignored.
    #[arg(long)]
    require_sip_uri: bool,
    /// The certificate (PEM or DER). With several PEM certificates, the first (the leaf).
    cert: String,
}

pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    let certs = input::certificates(&args.cert)?;
    let policy = Policy::default()
        .cn_fallback(!args.no_cn_fallback)
        .require_sip_uri(args.require_sip_uri);
    let ids = extract_identities(certs[0].as_ref(), &policy)
        .map_err(|e| InputError(format!("{}: {e} ({})", args.cert, e.code())))?;
    if args.json {
        println!("{}", sipcert::json::extracted(&ids));
    } else {
        report::print_identities_text(ids.identities(), ids.ignored());
    }
    Ok(if ids.is_empty() {
        Outcome::Invalid
    } else {
        Outcome::Valid
    })
}
