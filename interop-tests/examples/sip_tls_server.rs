//! SIP over TLS server: answers OPTIONS with 200 OK, authenticates clients with
//! `SipClientVerifier` (mutual TLS, RFC 5922 §7.4), logs each peer's SIP domain identities
//! and, with `--allow`, authorizes them against an allow-list (403 Forbidden otherwise).
//!
//! ```sh
//! cargo run -p sipcert-interop-tests --example sip_tls_server -- \
//!     --cert server.pem --key server.key --roots root.pem --listen 127.0.0.1:5061 \
//!     [--optional-client-auth] [--allow kamailio.test]...
//! ```
//!
//! One line per event on stdout; runs until killed.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use sipcert::DomainName;
use sipcert_interop_tests::sip;

const USAGE: &str = "usage: sip_tls_server --cert PEM --key PEM --roots PEM --listen ADDR:PORT \
                     [--optional-client-auth] [--allow SIP-DOMAIN]...";

fn run() -> Result<(), (u8, String)> {
    let usage = |m: String| (2u8, m);
    let mut cert = None;
    let mut key = None;
    let mut roots = None;
    let mut listen = None;
    let mut mandatory = true;
    let mut allow: Option<Vec<DomainName>> = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| usage(format!("{flag} needs a value")))
        };
        match flag.as_str() {
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--roots" => roots = Some(PathBuf::from(value()?)),
            "--listen" => listen = Some(value()?),
            "--optional-client-auth" => mandatory = false,
            "--allow" => {
                let v = value()?;
                let d =
                    DomainName::from_ascii(&v).map_err(|e| usage(format!("--allow {v}: {e}")))?;
                allow.get_or_insert_with(Vec::new).push(d);
            }
            "-h" | "--help" => return Err(usage(String::new())),
            other => return Err(usage(format!("unknown argument {other}"))),
        }
    }
    let need = |v: Option<PathBuf>, f: &str| v.ok_or_else(|| usage(format!("{f} is required")));
    let settings = sip::ServerSettings {
        roots: sip::load_roots(&need(roots, "--roots")?).map_err(usage)?,
        chain: sip::load_certs(&need(cert, "--cert")?).map_err(usage)?,
        key: Arc::new(sip::load_key(&need(key, "--key")?).map_err(usage)?),
        client_auth_mandatory: mandatory,
        allow,
    };
    let listen = listen.ok_or_else(|| usage("--listen is required".into()))?;
    let listener = TcpListener::bind(&listen).map_err(|e| (1, format!("bind {listen}: {e}")))?;
    let handle = sip::serve(listener, settings, |event| println!("{event}")).map_err(usage)?;
    println!(
        "listening on {} (SIP over TLS, client certificate {})",
        handle.addr,
        if mandatory { "required" } else { "optional" }
    );
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, message)) => {
            if !message.is_empty() {
                eprintln!("sip_tls_server: {message}");
            }
            if code == 2 {
                eprintln!("{USAGE}");
            }
            ExitCode::from(code)
        }
    }
}
