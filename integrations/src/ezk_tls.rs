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
//! be read per request. [`authorizing_client_verifier`] therefore authorizes at handshake
//! time: a [`SipClientVerifier`] with an allow-list (`allow_only`) refuses the handshake unless
//! one of the client's SIP identities is an allowed domain, and its observer records every
//! client certificate examined in [`ClientChecks`].

use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use ezk_sip_core::Request;
use ezk_sip_types::header::typed::{CSeq, CallID, FromTo};
use ezk_sip_types::uri::{NameAddr, SipUri};
use ezk_sip_types::{Method, Name};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sipcert::verifier::{
    rejection, AllowList, Observation, Observer, SipClientVerifier, VerifierBuilderError,
};
use sipcert::DomainName;

/// The connector to give `EndpointBuilder::use_rustls_connector`: `config`'s verifier
/// decides (sipcert's, e.g. from [`crate::verdicts::recording_client_config`]).
pub fn connector(config: Arc<rustls::ClientConfig>) -> tokio_rustls::TlsConnector {
    tokio_rustls::TlsConnector::from(config)
}

/// One client certificate examined by the verifier of [`authorizing_client_verifier`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCheck {
    /// The SIP domains of the certificate (RFC 5922 §7.1), when it passed sipcert.
    pub identities: Vec<String>,
    /// Whether the handshake was allowed to continue.
    pub authorized: bool,
    /// sipcert's reason codes when it refused the certificate itself.
    pub reasons: Vec<&'static str>,
}

/// The client certificates a [`SipClientVerifier`] examined, recorded by its observer.
#[derive(Debug, Default)]
pub struct ClientChecks {
    checks: Mutex<Vec<ClientCheck>>,
}

impl ClientChecks {
    /// An empty log.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The observer to give the verifier's builder (`with_observer`): it records every
    /// decision here; the decision stays the verifier's.
    pub fn observer(self: &Arc<Self>) -> Observer {
        let checks = self.clone();
        Arc::new(move |seen: &Observation<'_>| checks.record(ClientCheck::of(seen)))
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

impl ClientCheck {
    /// The record of one decision: the identities when the certificate passed sipcert (on
    /// the allow-list or not), sipcert's reason codes when it refused the certificate itself.
    fn of(seen: &Observation<'_>) -> Self {
        let passed = seen.is_accepted() || seen.is_not_allowed();
        Self {
            identities: if passed {
                seen.identities()
                    .iter()
                    .filter_map(sipcert::Identity::domain)
                    .map(ToString::to_string)
                    .collect()
            } else {
                Vec::new()
            },
            authorized: seen.is_accepted(),
            reasons: seen
                .error()
                .filter(|_| !passed)
                .and_then(rejection)
                .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
                .unwrap_or_default(),
        }
    }
}

/// Client-certificate verification for an ezk TLS listener: a [`SipClientVerifier`] trusting
/// `roots` decides whether the certificate is a valid SIP domain certificate, and its
/// allow-list requires one of the `allowed` SIP domains among the client's identities; the
/// returned [`ClientChecks`] records each decision.
pub fn authorizing_client_verifier(
    roots: Arc<rustls::RootCertStore>,
    allowed: Vec<DomainName>,
) -> Result<(Arc<SipClientVerifier>, Arc<ClientChecks>), VerifierBuilderError> {
    let checks = ClientChecks::new();
    let verifier = SipClientVerifier::builder_with_provider(roots, crate::ring_provider())
        .allow_only(AllowList::new(allowed))
        .with_observer(checks.observer())
        .build()?;
    Ok((verifier, checks))
}

/// The acceptor to give `EndpointBuilder::listen_rustls`: presents `chain`/`key`, requires
/// client certificates and checks them with `verifier`.
///
/// Without per-domain authorization the one expression is
/// `ServerConfig::builder_with_provider(p).with_safe_default_protocol_versions()?.with_sip_client_verifier_roots(roots)?.with_single_cert(chain, key)?`.
pub fn acceptor(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    verifier: Arc<SipClientVerifier>,
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
