//! An rsipstack endpoint sending OPTIONS and REGISTER over TLS to a SIP domain, sipcert
//! deciding through rsipstack's `platform::tls` connector seam (SNI = the SIP domain).
//!
//! ```text
//! cargo run -p sipcert-integrations --example rsipstack_client -- ROOTS.pem sips:example.test[:port] [IP]
//! ```
//! `IP`: where the domain is (instead of DNS), e.g. 127.0.0.1. Exit status 0 when both
//! requests got 200, 2 when sipcert refused the server (reason and hint codes printed), 1
//! otherwise.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use rsipstack::dialog::registration::Registration;
use rsipstack::sip::{Method, Transport};
use rsipstack::transport::{SipAddr, TransportLayer};
use rsipstack::EndpointBuilder;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use sipcert::uri::SipUri;
use sipcert_integrations::rsipstack_tls::{
    is_ok, request, send_request, SipcertConnector, StaticResolver,
};
use sipcert_integrations::verdicts::recording_client_config;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(roots), Some(aus)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rsipstack_client ROOTS.pem sips:DOMAIN[:PORT] [IP]");
        return ExitCode::from(1);
    };
    match run(roots, aus, args.get(2)).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(
    roots: &str,
    aus: &str,
    ip: Option<&String>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    // The SIP domain: the reference identity (RFC 5922 §7.3) and the SNI.
    let parsed = SipUri::parse(aus)?;
    let domain = parsed.reference_domain()?.as_str().to_owned();
    let port = parsed.port().unwrap_or(5061);

    let mut store = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(roots)? {
        store.add(cert?)?;
    }
    // sipcert's verifier (recording its refusals) behind rsipstack's connector seam.
    let (config, verdicts) = recording_client_config(store.into())?;
    SipcertConnector::new(config, verdicts.clone()).install();

    let token = rsipstack::platform::CancellationToken::new();
    let transport_layer = match ip {
        Some(ip) => TransportLayer::new_with_domain_resolver(
            token.child_token(),
            Box::new(StaticResolver::new().with(&domain, ip.parse::<IpAddr>()?)),
        ),
        None => TransportLayer::new(token.child_token()),
    };
    let endpoint = EndpointBuilder::new()
        .with_cancel_token(token.clone())
        .with_transport_layer(transport_layer)
        .with_user_agent("sipcert rsipstack_client")
        .build();
    let ep = endpoint.inner.clone();
    tokio::spawn(async move { endpoint.serve().await });

    let target = SipAddr::new(
        Transport::Tls,
        format!("{domain}:{port}").as_str().try_into()?,
    );
    let connection = match ep.transport_layer.lookup(&target, None).await {
        Ok((connection, _)) => connection,
        Err(e) => {
            eprintln!("{e}");
            if let Some(refusal) = verdicts.latest_for(&domain) {
                println!(
                    "refused {domain}: reasons {:?} hints {:?}",
                    refusal.reason_codes(),
                    refusal.hint_codes()
                );
                return Ok(ExitCode::from(2));
            }
            return Ok(ExitCode::from(1));
        }
    };
    let from = format!("sip:sipcert@{domain}");
    let options = request(&ep, Method::Options, aus, &from, connection.get_addr(), 1)?;
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        send_request(&ep, options, Some(connection)),
    )
    .await??;
    println!("OPTIONS {aus}: {}", response.status_code);
    let mut registration = Registration::new(ep.clone(), None);
    let registered = tokio::time::timeout(
        Duration::from_secs(10),
        registration.register(aus.try_into()?, Some(60)),
    )
    .await??;
    println!("REGISTER {aus}: {}", registered.status_code);
    token.cancel();
    Ok(if is_ok(&response) && is_ok(&registered) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
