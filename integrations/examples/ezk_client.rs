//! An ezk-sip endpoint sending OPTIONS and REGISTER over TLS to a SIP domain, with the
//! `tokio_rustls::TlsConnector` ezk asks for built on sipcert's `SipServerVerifier`.
//!
//! ```text
//! cargo run -p sipcert-integrations --example ezk_client -- ROOTS.pem 'sips:example.test[:port];transport=tls'
//! ```
//! ezk resolves the host itself (hickory: NAPTR/SRV/A); `localhost` works on loopback. Exit
//! status 0 when both requests got 200, 2 when sipcert refused the server (reason and hint
//! codes printed), 1 otherwise.

use std::process::ExitCode;

use ezk_sip_core::transport::TargetTransportInfo;
use ezk_sip_core::Endpoint;
use ezk_sip_types::Method;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use sipcert::uri::SipUri;
use sipcert_integrations::ezk_tls;
use sipcert_integrations::verdicts::recording_client_config;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(roots), Some(aus)) = (args.first(), args.get(1)) else {
        eprintln!("usage: ezk_client ROOTS.pem 'sips:DOMAIN[:PORT];transport=tls'");
        return ExitCode::from(1);
    };
    match run(roots, aus).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(roots: &str, aus: &str) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let domain = SipUri::parse(aus)?.reference_domain()?.as_str().to_owned();
    let mut store = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(roots)? {
        store.add(cert?)?;
    }
    // Without the refusal log this is one expression:
    // ClientConfig::builder_with_provider(p).with_safe_default_protocol_versions()?
    //     .with_sip_verifier(roots)?.with_no_client_auth()
    let (config, verdicts) = recording_client_config(store.into())?;
    let mut builder = Endpoint::builder();
    builder.use_rustls_connector(ezk_tls::connector(config));
    let endpoint = builder.build();

    let from = format!("sip:sipcert@{domain}");
    for (cseq, method) in [(1, Method::OPTIONS), (2, Method::REGISTER)] {
        let request = ezk_tls::request(method.clone(), aus, &from, cseq)?;
        let mut target = TargetTransportInfo::default();
        let outcome = async {
            let mut tsx = endpoint.send_request(request, &mut target).await?;
            tsx.receive_final().await
        }
        .await;
        match outcome {
            Ok(response) => {
                let code = response.line.code.into_u16();
                println!("{method:?} {aus}: {code}");
                if code != 200 {
                    return Ok(ExitCode::from(1));
                }
            }
            Err(e) => {
                eprintln!("{method:?} {aus}: {e}");
                // ezk reports "failed to connect"; sipcert's verdict says why.
                return Ok(match verdicts.latest_for(&domain) {
                    Some(refusal) => {
                        println!(
                            "refused {domain}: reasons {:?} hints {:?}",
                            refusal.reason_codes(),
                            refusal.hint_codes()
                        );
                        ExitCode::from(2)
                    }
                    None => ExitCode::from(1),
                });
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
