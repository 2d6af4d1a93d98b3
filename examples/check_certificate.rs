//! Checks a certificate chain for a SIP domain, offline: path validation against a root and
//! the RFC 5922 §7.2 name check, as the CLI's `check` does.
//!
//! ```sh
//! cargo run --example check_certificate                 # the shipped RFC 3261-style fixture
//! cargo run --example check_certificate -- CHAIN.pem ROOT.pem sips:alice@example.com
//! ```
//!
//! Prints the verdict (exit status 0 = accept, 1 = reject, 2 = unreadable input).

use std::process::ExitCode;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, UnixTime};
use sipcert::chain::ChainVerifier;
use sipcert::{Policy, Reference, Role, Verdict};

/// The defaults: a shipped fixture whose certificate names the host `sip.atlanta.com`
/// (RFC 3261 style), not the SIP domain `atlanta.com`.
const CHAIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/rfc3261-host-style/chain.pem"
);
const ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/rfc3261-host-style/root.pem"
);
const AUS: &str = "sips:alice@atlanta.com";

fn certs(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("{path}: {e}"))?;
    if certs.is_empty() {
        return Err(format!("{path}: no certificate"));
    }
    Ok(certs)
}

fn run(chain: &str, root: &str, aus: &str) -> Result<Verdict, String> {
    let chain = certs(chain)?;
    let anchors = certs(root)?
        .iter()
        .map(|c| {
            webpki::anchor_from_trusted_cert(c)
                .map(|a| a.to_owned())
                .map_err(|e| format!("{root}: not a trust anchor: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let provider = rustls::crypto::ring::default_provider();
    let verifier = ChainVerifier::new(provider.signature_verification_algorithms.all, anchors);
    // The reference identity is the SIP domain of the AUS (the URI given to RFC 3263).
    let reference = Reference::from_aus(aus).map_err(|e| format!("{aus}: {e}"))?;
    let (leaf, intermediates) = chain.split_first().ok_or("empty chain")?;
    Ok(verifier.check(
        leaf,
        intermediates,
        UnixTime::now(),
        &reference,
        Role::Server,
        &Policy::default(),
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (chain, root, aus) = match args.as_slice() {
        [] => (CHAIN, ROOT, AUS),
        [chain, root, aus] => (chain.as_str(), root.as_str(), aus.as_str()),
        _ => {
            eprintln!("usage: check_certificate [CHAIN.pem ROOT.pem AUS]");
            return ExitCode::from(2);
        }
    };
    match run(chain, root, aus) {
        Ok(Verdict::Accept(accepted)) => {
            let matched = accepted.matched();
            println!(
                "ACCEPT: {} ({}) for {aus}",
                matched.presented(),
                matched.source().code()
            );
            ExitCode::SUCCESS
        }
        Ok(Verdict::Reject(rejected)) => {
            // One paragraph naming the rule, the RFC section, the names seen and the hints.
            println!("REJECT: {rejected}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("check_certificate: {e}");
            ExitCode::from(2)
        }
    }
}
