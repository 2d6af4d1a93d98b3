//! `sipcert probe`: a real TLS handshake through rustls, with SNI = the SIP domain and the SIP
//! verifier deciding.

use std::io::ErrorKind;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use serde_json::json;
use sipcert::uri::SipUri;
use sipcert::verifier::{server_name_for, SipServerVerifier};
use sipcert::{check_end_entity, Reference};

use crate::check::{chain_status, PolicyArgs};
use crate::{input, report, trust, InputError, Verdict};

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
    /// and only names and EKU are examined ("chain": "unchecked").
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
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(chain);
        }
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

#[allow(clippy::too_many_lines)] // connect, handshake, then report: one sequence
pub(crate) fn run(args: &Args) -> Result<Verdict, InputError> {
    let aus = SipUri::parse(&args.aus)
        .map_err(|e| InputError(format!("{:?} is not a SIP or SIPS URI: {e}", args.aus)))?;
    let reference = Reference::from_sip_uri(&aus).map_err(|r| InputError(r.to_string()))?;
    let server_name = server_name_for(&aus).map_err(|e| InputError(e.to_string()))?;
    let policy = args.policy.policy()?;
    let provider = trust::provider();

    let (verifier, chain) = match &args.roots {
        Some(path) => {
            let roots = trust::roots(path)?;
            let crls = trust::crls(&args.crl)?;
            let chain = trust::chain_verifier(&roots, &crls, &provider)?;
            let v = SipServerVerifier::builder(roots, provider.clone())
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
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| InputError(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(capture.clone());
    let config = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => {
            let chain = input::certificates(cert)?;
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| InputError(format!("{key}: no usable private key: {e}")))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| InputError(format!("--cert/--key: {e}")))?
        }
        _ => builder.with_no_client_auth(),
    };

    let timeout = Duration::from_secs(args.timeout.max(1));
    let addr = args
        .connect
        .to_socket_addrs()
        .map_err(|e| InputError(format!("--connect {}: {e}", args.connect)))?
        .next()
        .ok_or_else(|| InputError(format!("--connect {}: no address", args.connect)))?;
    let mut sock = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| InputError(format!("cannot connect to {addr}: {e}")))?;
    sock.set_read_timeout(Some(timeout)).ok();
    sock.set_write_timeout(Some(timeout)).ok();
    let mut conn = ClientConnection::new(Arc::new(config), server_name)
        .map_err(|e| InputError(e.to_string()))?;
    let mut outcome = Ok(());
    while conn.is_handshaking() {
        match conn.complete_io(&mut sock) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }

    let seen = capture.seen.lock().ok().and_then(|mut s| s.take());
    let Some(certs) = seen.filter(|c| !c.is_empty()) else {
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
        // protocol error, or no --roots): never report an accept.
        let why = match &outcome {
            Err(e) => format!("the TLS handshake failed: {e}"),
            Ok(()) => "the TLS handshake did not complete".to_owned(),
        };
        verdict = verdict.with_chain_failure(sipcert::ReasonCode::ChainInvalid, why);
    }
    // From the final verdict, so a failed handshake shows in "chain" as in "reasons".
    let chain_field = if chain.is_some() {
        chain_status(&verdict)
    } else {
        "unchecked"
    };
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
    let accept = verdict.is_accept();
    if args.json {
        let reference = reference.to_string();
        let mut v = report::verdict_json(&verdict, Some(&reference), chain_field);
        v["tls"] = tls;
        println!("{v}");
    } else {
        report::print_verdict_text(&verdict, Some(&reference.to_string()), chain_field);
        match &tls {
            serde_json::Value::Null => println!("tls: no session established"),
            t => println!("tls: {} {}", t["version"], t["cipher"]),
        }
    }
    Ok(if accept {
        Verdict::Valid
    } else {
        Verdict::Invalid
    })
}
