//! An ezk-sip TLS server requiring client certificates: sipcert's `SipClientVerifier` checks
//! them, and the client's SIP identities (`client_identities`) must include an allowed
//! domain. Answers every request with 200 and prints the checks.
//!
//! ```text
//! cargo run -p sipcert-integrations --example ezk_server -- ROOTS.pem CERT.pem KEY.pem 127.0.0.1:5061 kamailio.test [more allowed domains]
//! ```

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use ezk_sip_core::{Endpoint, IncomingRequest, Layer, MayTake};
use ezk_sip_types::StatusCode;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sipcert::DomainName;
use sipcert_integrations::ezk_tls::{self, ClientChecks};

/// Answers 200 and prints what the verifier decided so far.
struct Answer {
    checks: Arc<ClientChecks>,
}

#[async_trait::async_trait]
impl Layer for Answer {
    fn name(&self) -> &'static str {
        "sipcert-example-answer"
    }

    async fn receive(&self, endpoint: &Endpoint, request: MayTake<'_, IncomingRequest>) {
        let mut request = request.take();
        println!(
            "{:?} from {} (client checks so far: {:?})",
            request.line.method,
            request.tp_info.source,
            self.checks.checks()
        );
        let tsx = endpoint.create_server_tsx(&mut request);
        let response = endpoint.create_response(&request, StatusCode::OK, None);
        if let Err(e) = tsx.respond(response).await {
            eprintln!("respond: {e}");
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        eprintln!("usage: ezk_server ROOTS.pem CERT.pem KEY.pem LISTEN-ADDR ALLOWED-DOMAIN...");
        return ExitCode::from(1);
    }
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(&args[0])? {
        roots.add(cert?)?;
    }
    let chain = CertificateDer::pem_file_iter(&args[1])?.collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_file(&args[2])?;
    let listen: SocketAddr = args[3].parse()?;
    let allowed = args[4..]
        .iter()
        .map(|d| DomainName::from_ascii(d))
        .collect::<Result<Vec<_>, _>>()?;

    let (verifier, checks) = ezk_tls::authorizing_client_verifier(Arc::new(roots), allowed)?;
    let mut builder = Endpoint::builder();
    builder.add_layer(Answer { checks });
    builder
        .listen_rustls(listen, ezk_tls::acceptor(chain, key, verifier)?)
        .await?;
    let _endpoint = builder.build();
    println!("listening on tls:{listen}");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
