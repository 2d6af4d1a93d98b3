//! `sipcert check`: does this certificate chain authenticate this SIP domain?

use sipcert::{check_end_entity, AusError, DomainName, EkuMode, Policy, Reference, Rejected, Role};

use crate::{input, report, trust, InputError, Outcome};

/// The reference and policy options shared by `check` and `probe`.
#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // one field per command-line flag
pub(crate) struct PolicyArgs {
    /// The certificate's role: `server` (checked by a client) or `client` (mutual TLS).
    #[arg(long, value_parser = ["server", "client"], default_value = "server")]
    pub(crate) role: String,
    /// EKU policy: `compatible` (accepts serverAuth/clientAuth) or `rfc5924` (sipDomain).
    #[arg(long, value_parser = ["compatible", "rfc5924"], default_value = "compatible")]
    pub(crate) eku: String,
    /// Never use the subject CN, even when the certificate has no SAN extension.
    #[arg(long)]
    pub(crate) no_cn_fallback: bool,
    /// Only `sip:` URI SANs are identities; DNS SANs are ignored.
    #[arg(long)]
    pub(crate) require_sip_uri: bool,
    /// Let an IP-literal reference match iPAddress SANs and `sip:` URIs with that IP.
    #[arg(long)]
    pub(crate) allow_ip_literals: bool,
    /// DANGER: let a DNS SAN `*.example.com` match `sip.example.com` (RFC 6125 left-most label
    /// only). RFC 5922 §7.2 forbids wildcards; an accept through one says so.
    #[arg(long)]
    pub(crate) danger_allow_wildcards: bool,
    /// The SRV target, as a second reference: only if your resolver validated the SRV
    /// answer with DNSSEC (RFC 7673).
    #[arg(long, value_name = "HOST")]
    pub(crate) secure_srv_target: Option<String>,
}

impl PolicyArgs {
    pub(crate) fn role(&self) -> Role {
        if self.role == "client" {
            Role::Client
        } else {
            Role::Server
        }
    }

    pub(crate) fn policy(&self) -> Result<Policy, InputError> {
        let mut policy = Policy::default()
            .cn_fallback(!self.no_cn_fallback)
            .require_sip_uri(self.require_sip_uri)
            .allow_ip_literals(self.allow_ip_literals)
            .with_eku_mode(if self.eku == "rfc5924" {
                EkuMode::Rfc5924
            } else {
                EkuMode::Compatible
            });
        if self.danger_allow_wildcards {
            policy = sipcert::danger::allow_wildcards(policy);
        }
        if let Some(target) = &self.secure_srv_target {
            let target = DomainName::from_user_input(target)
                .map_err(|e| InputError(format!("--secure-srv-target {target:?}: {e}")))?;
            policy = policy.with_secure_srv_target(target);
        }
        Ok(policy)
    }
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("reference").required(true).args(["uri", "domain"])))]
pub(crate) struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The AUS: the SIP URI that was resolved (its host is the reference identity).
    #[arg(long, value_name = "AUS")]
    uri: Option<String>,
    /// The SIP domain itself (U-labels are converted to A-labels).
    #[arg(long, value_name = "D")]
    domain: Option<String>,
    /// Trust anchors (PEM). Without it only the leaf's names and EKU are judged: no
    /// signature, validity period, trust anchor, revocation or CA name constraint is checked
    /// ("chain": "unchecked"), so an accept is not an authentication.
    #[arg(long, value_name = "PEM")]
    roots: Option<String>,
    /// CRLs (PEM or DER), repeatable; used with --roots.
    #[arg(long, value_name = "PEM")]
    crl: Vec<String>,
    /// Verification time (RFC 3339, e.g. 2030-01-01T00:00:00Z) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    #[command(flatten)]
    policy: PolicyArgs,
    /// The chain: PEM (leaf first, then intermediates) or one DER certificate.
    chain: String,
}

/// The reference from `--uri` or `--domain`; a reference that cannot be one is a reject, not
/// an input error, so it gets a verdict.
pub(crate) fn reference(
    uri: Option<&str>,
    domain: Option<&str>,
) -> Result<Result<Reference, AusError>, InputError> {
    if let Some(aus) = uri {
        return match Reference::from_aus(aus) {
            Err(AusError::NotASipUri { error, .. }) => Err(InputError(format!(
                "--uri {aus:?} is not a SIP or SIPS URI: {error} ({})",
                error.code()
            ))),
            other => Ok(other),
        };
    }
    let Some(d) = domain else {
        return Err(InputError("one of --uri or --domain is required".into()));
    };
    Reference::from_domain_text(d)
        .map(Ok)
        .map_err(|e| InputError(format!("--domain {d:?}: {e} ({})", e.code())))
}

pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    let certs = input::certificates(&args.chain)?;
    let policy = args.policy.policy()?;
    let role = args.policy.role();
    let reference = reference(args.uri.as_deref(), args.domain.as_deref())?;
    let reference = match reference {
        Ok(r) => r,
        Err(e) => {
            // The AUS parses but its host is no usable SIP domain: a reject, with its reason.
            let verdict =
                sipcert::Verdict::Reject(Rejected::new(e.reason_code(), e.to_string(), None));
            return Ok(finish(args.json, &verdict));
        }
    };
    let Some(roots) = &args.roots else {
        if !args.crl.is_empty() || args.at.is_some() {
            return Err(InputError("--crl and --at need --roots".into()));
        }
        let verdict = check_end_entity(certs[0].as_ref(), &reference, role, &policy);
        return Ok(finish(args.json, &verdict));
    };
    let provider = trust::provider();
    let roots = trust::roots(roots)?;
    let crls = trust::crls(&args.crl)?;
    let now = trust::time(args.at.as_deref())?;
    let chain = trust::chain_verifier(&roots, crls, &provider)?;
    let verdict = chain.check(&certs[0], &certs[1..], now, &reference, role, &policy);
    Ok(finish(args.json, &verdict))
}

/// Prints the verdict and gives the exit status.
pub(crate) fn finish(json: bool, verdict: &sipcert::Verdict) -> Outcome {
    if json {
        println!("{}", sipcert::json::verdict(verdict));
    } else {
        report::print_verdict_text(verdict);
    }
    if verdict.is_accept() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    }
}
