//! The `--tls-scan` facts rustls can see: the certificate served with SNI = the SIP domain,
//! without SNI and with SNI = the SRV target; an OCSP staple; session resumption.
//!
//! These handshakes only **look**: their verifier ([`Recorder`]) keeps what the server
//! presented and checks the handshake signatures, but judges no certificate (the probe's own
//! handshake, with the SIP verifier, does that); no data is sent on them.

use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, HandshakeKind, SignatureScheme,
};

use super::super::conn::{Deadlined, Phase};

/// A client certificate chain and its key (`--cert`/`--key`).
pub(crate) type ClientAuthKey = (
    Vec<CertificateDer<'static>>,
    Arc<rustls::pki_types::PrivateKeyDer<'static>>,
);

/// Why a look failed: the text, and whether the server sent a fatal alert.
#[derive(Debug, Clone)]
pub(crate) struct LookError {
    pub(crate) text: String,
    pub(crate) alert: bool,
}

impl LookError {
    fn text(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            alert: false,
        }
    }

    fn io(e: &std::io::Error) -> Self {
        Self {
            text: e.to_string(),
            alert: super::super::mtls::alert_of(e).is_some(),
        }
    }
}

/// What one looking handshake saw.
#[derive(Debug, Clone, Default)]
pub(crate) struct Looked {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) ocsp: bool,
    pub(crate) resumed: bool,
    /// The server refused the session after the handshake (TLS 1.3: it judged our client
    /// certificate, or its absence, and sent an alert).
    pub(crate) refused: Option<String>,
}

/// A verifier that records the presented chain and OCSP staple and verifies the handshake
/// signatures with the provider, without judging the certificate: for the looking handshakes
/// of the scan only, never for a connection that carries data.
#[derive(Debug)]
struct Recorder {
    provider: Arc<CryptoProvider>,
    seen: Mutex<Option<(Vec<CertificateDer<'static>>, bool)>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some((chain, !ocsp_response.is_empty()));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client that looks: the recorder, SNI on or off, a session cache of its own.
pub(crate) struct Looker {
    config: Arc<ClientConfig>,
    recorder: Arc<Recorder>,
}

impl Looker {
    /// A looking client; `sni` false sends no server_name extension; `client` is the client
    /// certificate to present (`--cert`), if any.
    pub(crate) fn new(
        provider: &Arc<CryptoProvider>,
        sni: bool,
        client: Option<&ClientAuthKey>,
    ) -> Result<Self, String> {
        let recorder = Arc::new(Recorder {
            provider: provider.clone(),
            seen: Mutex::new(None),
        });
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(recorder.clone());
        let mut config = match client {
            Some((chain, key)) => builder
                .with_client_auth_cert(chain.clone(), key.clone_key())
                .map_err(|e| format!("--cert/--key: {e}"))?,
            None => builder.with_no_client_auth(),
        };
        config.enable_sni = sni;
        Ok(Self {
            config: Arc::new(config),
            recorder,
        })
    }

    /// One handshake with `addr` for `name`; with `wait`, then waits (briefly) for the
    /// server's first flight after it: its session tickets, so that a second look can resume,
    /// or its refusal of us.
    pub(crate) fn look(
        &self,
        addr: SocketAddr,
        name: &ServerName<'static>,
        deadline: Instant,
        wait: bool,
    ) -> Result<Looked, LookError> {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| LookError::text("deadline reached"))?;
        let sock = TcpStream::connect_timeout(&addr, left).map_err(|e| LookError::io(&e))?;
        let _ = sock.set_nodelay(true);
        if let Ok(mut seen) = self.recorder.seen.lock() {
            *seen = None;
        }
        let mut conn = ClientConnection::new(self.config.clone(), name.clone())
            .map_err(|e| LookError::text(&e.to_string()))?;
        let mut io = Deadlined {
            sock: &sock,
            deadline,
            phase: Phase::Scan,
        };
        while conn.is_handshaking() {
            conn.complete_io(&mut io).map_err(|e| LookError::io(&e))?;
        }
        let resumed = conn.handshake_kind() == Some(HandshakeKind::Resumed);
        let refused = if wait {
            collect_tickets(&mut conn, &sock, deadline).err()
        } else {
            None
        };
        let (chain, ocsp) = self
            .recorder
            .seen
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_default();
        Ok(Looked {
            chain,
            ocsp,
            resumed,
            refused,
        })
    }
}

/// The most a look waits after the handshake for TLS 1.3 session tickets.
const TICKET_WAIT: Duration = Duration::from_millis(300);

/// Reads the server's first flight after the handshake (its NewSessionTickets) for at most
/// [`TICKET_WAIT`], within the deadline. An alert or a TLS error is the server's refusal;
/// a timeout or a close only ends the wait.
fn collect_tickets(
    conn: &mut ClientConnection,
    sock: &TcpStream,
    deadline: Instant,
) -> Result<(), String> {
    let mut io = Deadlined {
        sock,
        deadline: Instant::now()
            .checked_add(TICKET_WAIT)
            .map_or(deadline, |t| t.min(deadline)),
        phase: Phase::Scan,
    };
    if let Err(e) = conn.complete_io(&mut io) {
        return match e.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::UnexpectedEof => Ok(()),
            _ => Err(e.to_string()),
        };
    }
    loop {
        match conn.read_tls(&mut io) {
            Ok(0) | Err(_) => return Ok(()),
            Ok(_) => {
                conn.process_new_packets().map_err(|e| e.to_string())?;
                // The first flight after the handshake (the tickets, or the refusal) is
                // enough: what is left of it arrives within FLIGHT_REST.
                io.deadline = Instant::now()
                    .checked_add(FLIGHT_REST)
                    .map_or(io.deadline, |t| t.min(io.deadline));
            }
        }
    }
}

/// How long the rest of a flight may take once its first bytes arrived.
const FLIGHT_REST: Duration = Duration::from_millis(30);
