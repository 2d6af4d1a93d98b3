//! `sipcert probe`: a real TLS handshake through rustls, with SNI = the SIP domain and the SIP
//! verifier deciding.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use serde_json::json;
use sipcert::chain::ChainVerifier;
use sipcert::uri::SipUri;
use sipcert::verifier::{server_name_for, SipServerVerifier};
use sipcert::{check_end_entity, Reference};

use crate::check::PolicyArgs;
use crate::{input, report, trust, InputError, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The AUS: the SIP URI whose domain the server must prove (sent as SNI).
    aus: String,
    /// Where to connect (the RFC 3263 result), e.g. 192.0.2.10:5061 or sip1.provider.net:5061.
    #[arg(long, value_name = "HOST:PORT")]
    connect: String,
    /// Trust anchors (PEM). Without it the certificate is captured, the handshake stopped,
    /// and only names and EKU are examined: no signature, validity period, trust anchor,
    /// revocation or CA name constraint is checked ("chain": "unchecked").
    #[arg(long, value_name = "PEM")]
    roots: Option<String>,
    /// CRLs (PEM or DER), repeatable; used with --roots.
    #[arg(long, value_name = "PEM")]
    crl: Vec<String>,
    /// Client certificate chain (PEM), for servers that ask for mutual TLS.
    #[arg(long, value_name = "PEM", requires = "key")]
    cert: Option<String>,
    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "PEM", requires = "cert")]
    key: Option<String>,
    /// Seconds to wait for the connection and each read.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    #[command(flatten)]
    policy: PolicyArgs,
}

/// Wraps the SIP verifier (or none, without `--roots`) and keeps the presented chain, so the
/// full diagnostic can be printed whatever the handshake outcome.
#[derive(Debug)]
struct Capture {
    inner: Option<Arc<SipServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
    seen: Mutex<Option<Vec<CertificateDer<'static>>>>,
}

impl Capture {
    /// The captured chain, if the server presented one.
    fn take(&self) -> Result<Option<Vec<CertificateDer<'static>>>, InputError> {
        self.seen
            .lock()
            .map(|mut s| s.take())
            .map_err(|_| InputError("internal error: certificate capture lock poisoned".into()))
    }
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        // A poisoned lock means another thread panicked while holding it: refuse.
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| rustls::Error::General("certificate capture lock poisoned".into()))?;
        *seen = Some(chain);
        drop(seen);
        match &self.inner {
            Some(v) => v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now),
            None => Err(rustls::Error::General(
                "no --roots: certificate captured, handshake stopped".into(),
            )),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    let aus = SipUri::parse(&args.aus)
        .map_err(|e| InputError(format!("{:?} is not a SIP or SIPS URI: {e}", args.aus)))?;
    let reference = Reference::from_sip_uri(&aus).map_err(|e| InputError(e.to_string()))?;
    let server_name = server_name_for(&aus).map_err(|e| InputError(e.to_string()))?;
    let policy = args.policy.policy()?;
    let provider = trust::provider();
    let (capture, chain) = capture_verifier(args, &policy, &provider)?;
    let config = client_config(args, capture.clone(), provider)?;

    let timeout = Duration::from_secs(args.timeout.max(1));
    let (addr, mut sock) = connect(&args.connect, timeout)?;
    let mut conn = ClientConnection::new(Arc::new(config), server_name)
        .map_err(|e| InputError(e.to_string()))?;
    let outcome = handshake(&mut conn, &mut sock);

    let Some(certs) = capture.take()?.filter(|c| !c.is_empty()) else {
        return Err(InputError(match outcome {
            Err(e) => format!("TLS handshake with {addr} failed before a certificate: {e}"),
            Ok(()) => format!("{addr} presented no certificate"),
        }));
    };
    let role = args.policy.role();
    let now = UnixTime::now();
    let mut verdict = match &chain {
        Some(chain) => chain.check(&certs[0], &certs[1..], now, &reference, role, &policy),
        None => check_end_entity(certs[0].as_ref(), &reference, role, &policy),
    };
    let handshake_ok = outcome.is_ok() && !conn.is_handshaking();
    if verdict.is_accept() && !handshake_ok && chain.is_some() {
        // The certificate passed, yet the handshake failed (a bad handshake signature, a
        // protocol error): never report an accept.
        let why = match &outcome {
            Err(e) => format!("the TLS handshake failed: {e}"),
            Ok(()) => "the TLS handshake did not complete".to_owned(),
        };
        verdict = verdict.with_failure(sipcert::ReasonCode::ChainInvalid, why);
    }
    let tls = if handshake_ok {
        json!({
            "version": conn.protocol_version().map(|v| format!("{v:?}")),
            "cipher": conn.negotiated_cipher_suite().map(|c| format!("{:?}", c.suite())),
        })
    } else {
        serde_json::Value::Null
    };
    // Without --roots the handshake is stopped on purpose and the verdict is names-only
    // ("chain": "unchecked"), as with `check`.
    print_report(args.json, &verdict, tls);
    Ok(if verdict.is_accept() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// The capturing verifier around the SIP verifier (or none, without `--roots`), and the chain
/// verifier that recomputes the verdict for the report.
fn capture_verifier(
    args: &Args,
    policy: &sipcert::Policy,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> Result<(Arc<Capture>, Option<ChainVerifier>), InputError> {
    let (verifier, chain) = match &args.roots {
        Some(path) => {
            let roots = trust::roots(path)?;
            let crls = trust::crls(&args.crl)?;
            let chain = trust::chain_verifier(&roots, crls.clone(), provider)?;
            let v = SipServerVerifier::builder_with_provider(roots, provider.clone())
                .with_crls(crls)
                .policy(policy.clone())
                .build()
                .map_err(|e| InputError(format!("--roots/--crl: {e}")))?;
            (Some(v), Some(chain))
        }
        None if !args.crl.is_empty() => return Err(InputError("--crl needs --roots".into())),
        None => (None, None),
    };
    let capture = Arc::new(Capture {
        inner: verifier,
        algorithms: provider.signature_verification_algorithms,
        seen: Mutex::new(None),
    });
    Ok((capture, chain))
}

/// The rustls client configuration: the capturing verifier, and `--cert`/`--key` if given.
fn client_config(
    args: &Args,
    capture: Arc<Capture>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<ClientConfig, InputError> {
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| InputError(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(capture);
    match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => {
            let chain = input::certificates(cert)?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| InputError(format!("{key}: no usable private key: {e}")))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| InputError(format!("--cert/--key: {e}")))
        }
        _ => Ok(builder.with_no_client_auth()),
    }
}

/// TCP to `--connect`, with read and write timeouts.
fn connect(target: &str, timeout: Duration) -> Result<(SocketAddr, TcpStream), InputError> {
    let addr = target
        .to_socket_addrs()
        .map_err(|e| InputError(format!("--connect {target}: {e}")))?
        .next()
        .ok_or_else(|| InputError(format!("--connect {target}: no address")))?;
    let sock = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| InputError(format!("cannot connect to {addr}: {e}")))?;
    sock.set_read_timeout(Some(timeout))
        .and_then(|()| sock.set_write_timeout(Some(timeout)))
        .map_err(|e| InputError(format!("cannot set the socket timeouts for {addr}: {e}")))?;
    Ok((addr, sock))
}

/// Runs the handshake to its end or its first I/O error.
fn handshake(conn: &mut ClientConnection, sock: &mut TcpStream) -> std::io::Result<()> {
    while conn.is_handshaking() {
        match conn.complete_io(sock) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn print_report(json: bool, verdict: &sipcert::Verdict, tls: serde_json::Value) {
    if json {
        let mut v = sipcert::json::verdict(verdict);
        v["tls"] = tls;
        println!("{v}");
    } else {
        report::print_verdict_text(verdict);
        match &tls {
            serde_json::Value::Null => println!("tls: no session established"),
            t => println!("tls: {} {}", t["version"], t["cipher"]),
        }
    }
}
