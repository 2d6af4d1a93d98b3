//! SIP over TLS client: sends OPTIONS to a SIP server, verifying its certificate by RFC 5922
//! with `SipServerVerifier` (SNI and reference identity = the SIP domain of the AUS, never
//! the address connected to), and prints the response status.
//!
//! ```sh
//! cargo run -p sipcert-interop-tests --example sip_tls_client -- \
//!     --roots root.pem --aus sips:example.test --connect 127.0.0.1:5061 \
//!     [--cert client.pem --key client.key] [--timeout 10]
//! ```
//!
//! Exit status: 0 = a final response was received (its status line is printed), 1 = the
//! server's certificate was refused (the sipcert diagnostic names the rule and the hints)
//! or the exchange failed, 2 = usage error.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use sipcert_interop_tests::sip;

const USAGE: &str = "usage: sip_tls_client --roots PEM --aus SIPS-URI --connect HOST:PORT \
                     [--cert PEM --key PEM] [--timeout SECONDS]";

struct Args {
    roots: PathBuf,
    aus: String,
    connect: SocketAddr,
    client_cert: Option<(PathBuf, PathBuf)>,
    timeout: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut roots = None;
    let mut aus = None;
    let mut connect = None;
    let mut cert = None;
    let mut key = None;
    let mut timeout = Duration::from_secs(10);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--roots" => roots = Some(PathBuf::from(value()?)),
            "--aus" => aus = Some(value()?),
            "--connect" => {
                let v = value()?;
                connect = Some(
                    v.to_socket_addrs()
                        .map_err(|e| format!("--connect {v}: {e}"))?
                        .next()
                        .ok_or_else(|| format!("--connect {v}: no address"))?,
                );
            }
            "--cert" => cert = Some(PathBuf::from(value()?)),
            "--key" => key = Some(PathBuf::from(value()?)),
            "--timeout" => {
                let v = value()?;
                timeout = Duration::from_secs(v.parse().map_err(|_| format!("--timeout {v}"))?);
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let client_cert = match (cert, key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return Err("--cert and --key go together".into()),
    };
    Ok(Args {
        roots: roots.ok_or("--roots is required")?,
        aus: aus.ok_or("--aus is required")?,
        connect: connect.ok_or("--connect is required")?,
        client_cert,
        timeout,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("sip_tls_client: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let setup = || -> Result<_, String> {
        let roots = sip::load_roots(&args.roots)?;
        let client_cert = match &args.client_cert {
            Some((c, k)) => Some((sip::load_certs(c)?, sip::load_key(k)?)),
            None => None,
        };
        sip::client_config(roots, client_cert)
    };
    let config = match setup() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("sip_tls_client: {e}");
            return ExitCode::from(2);
        }
    };
    match sip::options_over_tls(config, &args.aus, args.connect, args.timeout) {
        Ok(outcome) => {
            println!("{}", outcome.response.start_line);
            eprintln!("({} via {}, {})", args.aus, args.connect, outcome.tls);
            ExitCode::SUCCESS
        }
        Err(e @ sip::ClientError::Usage(_)) => {
            eprintln!("sip_tls_client: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("sip_tls_client: {e}");
            ExitCode::from(1)
        }
    }
}
