//! A SIP-over-TLS client: connects to the server of a `sips:` URI, verifies its certificate by
//! RFC 5922 with [`SipServerVerifier`] (SNI and reference identity = the SIP domain of the
//! URI, never the address connected to), sends OPTIONS and prints the status line.
//!
//! ```sh
//! cargo run --example sip_client -- ROOTS.pem sips:example.com            # host:5061
//! cargo run --example sip_client -- ROOTS.pem sips:example.com 192.0.2.7:5061
//! ```
//!
//! Without an address it connects to the URI's host and port (5061 by default). A real SIP
//! stack finds the server by RFC 3263 (NAPTR, SRV, A/AAAA: `examples/resolve.rs`, feature
//! `dns`) and connects to whatever that returns: the certificate is still checked against the
//! SIP domain. Exit status: 0 = a response, 1 = refused or failed, 2 = usage error.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use sipcert::uri::SipUri;
use sipcert::verifier::{rejection, server_name_for, SipServerVerifier};

fn client_config(roots_pem: &str) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(roots_pem).map_err(|e| format!("{roots_pem}: {e}"))? {
        roots
            .add(cert.map_err(|e| format!("{roots_pem}: {e}"))?)
            .map_err(|e| format!("{roots_pem}: {e}"))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = SipServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .policy(sipcert::Policy::default()) // RFC 5922 as written
        .build()
        .map_err(|e| e.to_string())?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn options(aus: &SipUri<'_>, local: &str) -> String {
    let uri = aus.as_str();
    format!(
        "OPTIONS {uri} SIP/2.0\r\n\
         Via: SIP/2.0/TLS {local};branch=z9hG4bK-sipcert-example;rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:sipcert@invalid>;tag=sipcert\r\n\
         To: <{uri}>\r\n\
         Call-ID: sipcert-example@invalid\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

fn run(roots_pem: &str, aus_text: &str, connect: Option<&str>) -> Result<String, String> {
    let aus = SipUri::parse(aus_text).map_err(|e| format!("{aus_text}: {e}"))?;
    let config = client_config(roots_pem)?;
    // SNI and the certificate check use the SIP domain of the AUS.
    let server_name = server_name_for(&aus).map_err(|e| format!("{aus_text}: {e}"))?;
    let address = connect.map_or_else(
        || format!("{}:{}", aus.host_str(), aus.port().unwrap_or(5061)),
        str::to_owned,
    );
    let tcp = TcpStream::connect(&address).map_err(|e| format!("{address}: {e}"))?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let local = tcp.local_addr().map_err(|e| e.to_string())?;
    let conn = rustls::ClientConnection::new(config, server_name).map_err(|e| e.to_string())?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    if let Err(e) = tls.write_all(options(&aus, &local.to_string()).as_bytes()) {
        // A refusal carries sipcert's reasons and hints inside the rustls error.
        let refused = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .and_then(rejection);
        return Err(match refused {
            Some(rejected) => format!("certificate refused: {rejected}"),
            None => format!("{address}: {e}"),
        });
    }
    let mut status = String::new();
    BufReader::new(tls)
        .read_line(&mut status)
        .map_err(|e| format!("{address}: {e}"))?;
    Ok(status.trim_end().to_owned())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (roots, aus, connect) = match args.as_slice() {
        [roots, aus] => (roots, aus, None),
        [roots, aus, connect] => (roots, aus, Some(connect.as_str())),
        _ => {
            eprintln!("usage: sip_client ROOTS.pem SIPS-URI [HOST:PORT]");
            return ExitCode::from(2);
        }
    };
    match run(roots, aus, connect) {
        Ok(status) => {
            println!("{status}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sip_client: {e}");
            ExitCode::from(1)
        }
    }
}
