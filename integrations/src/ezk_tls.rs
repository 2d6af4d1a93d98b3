//! ezk-sip-core 0.9: the application supplies the TLS connector and acceptor.
//!
//! `EndpointBuilder::use_rustls_connector(tokio_rustls::TlsConnector)` and
//! `EndpointBuilder::listen_rustls(addr, tokio_rustls::TlsAcceptor)` (src/endpoint.rs) take
//! rustls configurations built by the application, so sipcert plugs in without any seam:
//! [`connector`] wraps a configuration whose verifier is sipcert's. ezk names the server by
//! the Request-URI host (`Transports::connect_rustls`, src/transport/mod.rs), which is the
//! RFC 5922 §7.3 reference for a `sips:` AUS.
//!
//! ezk does not hand the peer certificate of an accepted connection to the application (the
//! TLS stream stays inside its transport), so `sipcert::verifier::client_identities` cannot
//! be read per request. [`AuthorizingClientVerifier`] therefore authorizes at handshake time:
//! it runs [`SipClientVerifier`], reads the verified certificate's SIP identities with
//! `client_identities`, and refuses the handshake unless one of them is an allowed domain.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use ezk_sip_core::Request;
use ezk_sip_types::header::typed::{CSeq, CallID, FromTo};
use ezk_sip_types::uri::{NameAddr, SipUri};
use ezk_sip_types::{Method, Name};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use sipcert::verifier::{client_identities, rejection, SipClientVerifier};
use sipcert::{DomainName, Policy};

/// The connector to give `EndpointBuilder::use_rustls_connector`: `config`'s verifier
/// decides (sipcert's, e.g. from [`crate::verdicts::recording_client_config`]).
pub fn connector(config: Arc<rustls::ClientConfig>) -> tokio_rustls::TlsConnector {
    tokio_rustls::TlsConnector::from(config)
}

/// One client certificate examined by [`AuthorizingClientVerifier`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCheck {
    /// The SIP domains of the certificate (RFC 5922 §7.1), when it passed sipcert.
    pub identities: Vec<String>,
    /// Whether the handshake was allowed to continue.
    pub authorized: bool,
    /// sipcert's reason codes when it refused the certificate itself.
    pub reasons: Vec<&'static str>,
}

/// Client-certificate verification for an ezk TLS listener: [`SipClientVerifier`] decides
/// whether the certificate is a valid SIP domain certificate, then the client's SIP
/// identities (read with `client_identities`) must include an allowed domain.
pub struct AuthorizingClientVerifier {
    inner: Arc<SipClientVerifier>,
    policy: Policy,
    allowed: Vec<DomainName>,
    checks: Mutex<Vec<ClientCheck>>,
}

impl fmt::Debug for AuthorizingClientVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizingClientVerifier")
            .field("allowed", &self.allowed)
            .finish_non_exhaustive()
    }
}

impl AuthorizingClientVerifier {
    /// Accepts clients that `inner` accepts and that have one of the `allowed` SIP domains.
    pub fn new(inner: Arc<SipClientVerifier>, allowed: Vec<DomainName>) -> Arc<Self> {
        Arc::new(Self {
            inner,
            policy: Policy::default(),
            allowed,
            checks: Mutex::new(Vec::new()),
        })
    }

    /// Every client certificate examined so far, oldest first.
    pub fn checks(&self) -> Vec<ClientCheck> {
        self.checks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn record(&self, check: ClientCheck) {
        self.checks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(check);
    }
}

impl ClientCertVerifier for AuthorizingClientVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verified = match self
            .inner
            .verify_client_cert(end_entity, intermediates, now)
        {
            Ok(v) => v,
            Err(e) => {
                self.record(ClientCheck {
                    identities: Vec::new(),
                    authorized: false,
                    reasons: rejection(&e)
                        .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
                        .unwrap_or_default(),
                });
                return Err(e);
            }
        };
        let peer = client_identities(Some(std::slice::from_ref(end_entity)), &self.policy);
        let domains: Vec<&DomainName> = peer
            .identities()
            .iter()
            .filter_map(sipcert::Identity::domain)
            .collect();
        let authorized = domains.iter().any(|d| self.allowed.contains(d));
        self.record(ClientCheck {
            identities: domains.iter().map(ToString::to_string).collect(),
            authorized,
            reasons: Vec::new(),
        });
        if authorized {
            Ok(verified)
        } else {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The acceptor to give `EndpointBuilder::listen_rustls`: presents `chain`/`key`, requires
/// client certificates and checks them with `verifier`.
///
/// Without per-domain authorization the one expression is
/// `ServerConfig::builder_with_provider(p).with_safe_default_protocol_versions()?.with_sip_client_verifier_roots(roots)?.with_single_cert(chain, key)?`.
pub fn acceptor(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    verifier: Arc<AuthorizingClientVerifier>,
) -> Result<tokio_rustls::TlsAcceptor, rustls::Error> {
    let config = rustls::ServerConfig::builder_with_provider(crate::ring_provider())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// An out-of-dialog request (`OPTIONS`, `REGISTER`) to `aus` from `from`, with the headers
/// ezk expects the application to set (ezk adds the Via).
pub fn request(method: Method, aus: &str, from: &str, cseq: u32) -> Result<Request, String> {
    let aus_uri = SipUri::from_str(aus).map_err(|e| format!("{aus:?}: {e}"))?;
    let from_uri = SipUri::from_str(from).map_err(|e| format!("{from:?}: {e}"))?;
    let to_uri = if method == Method::REGISTER {
        from_uri.clone()
    } else {
        aus_uri.clone()
    };
    let mut request = Request::new(method.clone(), aus_uri);
    let tag = format!("{:x}", rand_token());
    request.headers.insert_type(
        Name::FROM,
        &FromTo::new(NameAddr::uri(from_uri), Some(tag.into())),
    );
    request
        .headers
        .insert_type(Name::TO, &FromTo::new(NameAddr::uri(to_uri), None));
    request
        .headers
        .insert_named(&CallID::new(format!("{:x}@sipcert", rand_token())));
    request.headers.insert_named(&CSeq { cseq, method });
    Ok(request)
}

/// A value unique enough for tags and Call-IDs (time and a counter; no RNG dependency).
fn rand_token() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    nanos ^ (u128::from(COUNTER.fetch_add(1, Ordering::Relaxed)) << 64)
}
