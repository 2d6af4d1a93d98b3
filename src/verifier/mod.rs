//! rustls adapters: [`SipServerVerifier`] (a SIP client checking its server, RFC 5922 §7.3)
//! and [`SipClientVerifier`] (a SIP server checking its clients, RFC 5922 §7.4), thin layers
//! over [`crate::chain`] and the identity checks.
//!
//! # Verifying the server of one AUS
//!
//! rustls hands the verifier the `ServerName` the connection was created with, and sends it
//! as SNI. sipcert treats it as the **SIP domain** (the host of the AUS, RFC 5922 §7.3, §7.8),
//! never the SRV target or the address connected to. One `ClientConfig` serves every request:
//! create each connection with [`server_name_for`] of that request's AUS.
//!
//! ```
//! use std::sync::Arc;
//! use sipcert::uri::SipUri;
//! use sipcert::verifier::{server_name_for, SipServerVerifier};
//!
//! # let ca = rcgen::generate_simple_self_signed(vec!["ca.example".to_owned()])?;
//! let mut roots = rustls::RootCertStore::empty();
//! roots.add(ca.cert.der().clone())?; // the operator's trust anchors
//! let provider = Arc::new(rustls::crypto::ring::default_provider());
//! let verifier = SipServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build()?;
//! let config = Arc::new(
//!     rustls::ClientConfig::builder_with_provider(provider)
//!         .with_safe_default_protocol_versions()?
//!         .dangerous()
//!         .with_custom_certificate_verifier(verifier)
//!         .with_no_client_auth(),
//! );
//!
//! // Per request: the AUS (Request-URI, top Route, or outbound proxy URI) names the domain.
//! let aus = SipUri::parse("sips:alice@Example.COM;transport=tcp")?;
//! let server_name = server_name_for(&aus)?;
//! assert_eq!(server_name.to_str(), "example.com");
//! // Connect TCP to the RFC 3263 result (say sip1.provider.net:5061), then run TLS with:
//! let conn = rustls::ClientConnection::new(config.clone(), server_name)?;
//! # drop(conn);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A policy that depends on the request (for example
//! [`Policy::with_secure_srv_target`](crate::Policy::with_secure_srv_target), valid only for the
//! SRV answer of that request) needs its own verifier and `ClientConfig`; the chain checks
//! are cheap to rebuild.
//!
//! A rejection is `rustls::Error::InvalidCertificate(..)`: path-validation failures that
//! rustls has a name for use the standard `CertificateError` variants (`ExpiredContext`,
//! `UnknownIssuer`, `Revoked`, `InvalidPurposeContext`, ...), so the right TLS alert is sent;
//! everything else (identity failures, name constraints, CA key usage, ...) is
//! `CertificateError::Other` carrying the [`Rejected`](crate::Rejected) with every reason
//! and hint, which [`rejection`] gets back. OCSP staples are ignored, as in rustls.

mod client;
#[cfg(feature = "dane")]
mod dane;
mod error;
mod ext;
mod observe;
mod providers;
mod server;

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateRevocationListDer, InvalidDnsNameError, ServerName};
use rustls::RootCertStore;

use crate::chain::{ChainVerifier, Revocation};
use crate::policy::Policy;
use crate::uri::{ReferenceError, SipUri};
use observe::ObserverSlot;

pub use client::{
    client_identities, AllowList, AuthorizationError, PeerAuthentication, SipClientVerifier,
    SipClientVerifierBuilder,
};
#[cfg(feature = "dane")]
pub use dane::{dane_rejection, DaneRejected, DaneServerVerifier};
pub use error::{rejection, VerifierBuilderError};
#[cfg(feature = "native-roots")]
pub use ext::{system_roots, SystemRootsError};
pub use ext::{ClientConfigBuilderExt, ServerConfigBuilderExt};
pub use observe::{Observation, Observer};
pub use server::{SipServerVerifier, SipServerVerifierBuilder};

pub(crate) use error::rejected_to_rustls;

/// The `ServerName` to create a rustls connection with for a request whose AUS is `aus`:
/// its normalized host as a DNS name (rustls sends it as SNI, RFC 5922 §7.8, and
/// [`SipServerVerifier`] takes it as the reference), or its IP address (no SNI; the verifier
/// then answers `reference-is-ip-literal` unless the policy allows IP literals).
///
/// `maddr` is ignored (it redirects the connection, not the identity, RFC 5922 §7.3); the
/// RFC 3263 target is **not** the server name.
pub fn server_name_for(aus: &SipUri<'_>) -> Result<ServerName<'static>, ServerNameError> {
    match aus.reference_domain() {
        Ok(domain) => ServerName::try_from(domain.as_str().to_owned())
            .map_err(ServerNameError::NotAServerName),
        Err(ReferenceError::IpLiteral(ip)) => Ok(ServerName::IpAddress(ip.into())),
        Err(e) => Err(ServerNameError::Reference(e)),
    }
}

/// Why [`server_name_for`] found no server name.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerNameError {
    /// The AUS host is not a usable reference.
    #[error("the AUS host is not a SIP domain: {0}")]
    Reference(ReferenceError),
    /// rustls refuses the domain as a server name.
    #[error("rustls refuses the SIP domain as a server name: {0}")]
    NotAServerName(InvalidDnsNameError),
}

/// What both builders collect.
#[derive(Debug, Clone)]
struct Common {
    roots: Arc<RootCertStore>,
    provider: Arc<CryptoProvider>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    revocation: Revocation,
    policy: Policy,
    observer: ObserverSlot,
}

impl Common {
    fn new(roots: Arc<RootCertStore>, provider: Arc<CryptoProvider>) -> Self {
        Self {
            roots,
            provider,
            crls: Vec::new(),
            revocation: Revocation::default(),
            policy: Policy::default(),
            observer: ObserverSlot::default(),
        }
    }

    /// The chain verifier ([`VerifierBuilderError::NoRootAnchors`] for an empty store).
    fn build_chain(&self) -> Result<ChainVerifier, VerifierBuilderError> {
        if self.roots.is_empty() {
            return Err(VerifierBuilderError::NoRootAnchors);
        }
        Ok(ChainVerifier::new(
            self.provider.signature_verification_algorithms.all,
            self.roots.roots.iter().cloned(),
        )
        .with_crls(self.crls.iter().cloned())
        .map_err(VerifierBuilderError::InvalidCrl)?
        .with_revocation(self.revocation))
    }
}

/// TLS 1.2/1.3 handshake signatures with the provider's algorithms (`self.algorithms`).
macro_rules! signature_methods {
    () => {
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
    };
}
pub(crate) use signature_methods;
