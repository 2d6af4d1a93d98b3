//! A SIP-over-TLS server with mutual TLS: client certificates are verified by RFC 5922 §7.4
//! with [`SipClientVerifier`]; each client's SIP domain identities are printed, and an OPTIONS
//! request gets 200 when one of them is on the allow-list, else 403 (a client without a
//! certificate too; a client certificate that fails the check ends the handshake).
//!
//! ```sh
//! cargo run --example sip_server -- CERT.pem KEY.pem CLIENT-ROOTS.pem 127.0.0.1:5061 client.example.com
//! # with a shipped fixture, and `sip_client` against it (answered 403: no client certificate):
//! cargo run --example sip_server -- fixtures/rfc5922-sip-uri/chain.pem \
//!     fixtures/rfc5922-sip-uri/leaf.key fixtures/rfc5922-sip-uri/root.pem 127.0.0.1:5061
//! cargo run --example sip_client -- fixtures/rfc5922-sip-uri/root.pem sips:atlanta.com 127.0.0.1:5061
//! ```
//!
//! (One connection at a time, one request per connection: an example, not a server.)

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sipcert::verifier::{client_identities, AllowList, SipClientVerifier};
use sipcert::{DomainName, Policy};

fn certs(path: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("{path}: {e}"))
}

fn server_config(cert: &str, key: &str, roots_pem: &str) -> Result<rustls::ServerConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    for root in certs(roots_pem)? {
        roots.add(root).map_err(|e| format!("{roots_pem}: {e}"))?;
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{key}: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = SipClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .policy(Policy::default())
        .allow_unauthenticated() // answered 403 below
        .build()
        .map_err(|e| e.to_string())?;
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs(cert)?, key)
        .map_err(|e| e.to_string())
}

/// Answers one request on one connection; returns the status code sent.
fn serve(
    config: &Arc<rustls::ServerConfig>,
    allow: &AllowList,
    tcp: std::net::TcpStream,
) -> Result<u16, String> {
    let conn = rustls::ServerConnection::new(config.clone()).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        // The first read completes the handshake: SipClientVerifier has decided by then.
        if reader.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("connection closed".into());
        }
        if line.trim_end().is_empty() {
            break;
        }
        headers.push(line.trim_end().to_owned());
    }
    let tls = reader.get_mut();
    // After the handshake: the client's SIP domains (RFC 5922 §7.4), then the policy.
    let peer = client_identities(tls.conn.peer_certificates(), &Policy::default());
    let domains: Vec<String> = peer.domains().iter().map(ToString::to_string).collect();
    println!("client SIP domains: {domains:?}");
    let (code, text) = if allow.authorize(&peer).is_ok() {
        (200, "OK")
    } else {
        (403, "Forbidden")
    };
    // Echo what RFC 3261 §8.2.6.2 asks a response to copy from its request.
    let mut response = format!("SIP/2.0 {code} {text}\r\n");
    for h in &headers {
        let name = h
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if ["via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"].contains(&name.as_str()) {
            response.push_str(h);
            response.push_str("\r\n");
        }
    }
    response.push_str("Content-Length: 0\r\n\r\n");
    tls.write_all(response.as_bytes())
        .map_err(|e| e.to_string())?;
    tls.conn.send_close_notify();
    tls.flush().map_err(|e| e.to_string())?;
    Ok(code)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [cert, key, roots, listen, allowed @ ..] = args.as_slice() else {
        eprintln!(
            "usage: sip_server CERT.pem KEY.pem CLIENT-ROOTS.pem HOST:PORT [ALLOWED-DOMAIN]..."
        );
        return ExitCode::from(2);
    };
    let allow = match allowed
        .iter()
        .map(|d| DomainName::from_ascii(d))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(domains) => AllowList::new(domains),
        Err(e) => {
            eprintln!("sip_server: {e}");
            return ExitCode::from(2);
        }
    };
    let setup = server_config(cert, key, roots).map(Arc::new).and_then(|c| {
        Ok((
            c,
            TcpListener::bind(listen).map_err(|e| format!("{listen}: {e}"))?,
        ))
    });
    let (config, listener) = match setup {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sip_server: {e}");
            return ExitCode::from(2);
        }
    };
    println!("listening on {listen}");
    for tcp in listener.incoming().flatten() {
        match serve(&config, &allow, tcp) {
            Ok(code) => println!("answered {code}"),
            // A refused client certificate ends here: rustls sent the alert.
            Err(e) => println!("connection failed: {e}"),
        }
    }
    ExitCode::SUCCESS
}
