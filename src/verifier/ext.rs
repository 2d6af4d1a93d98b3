//! One-expression adoption: extension traits on rustls's config builders (in the manner of
//! rustls-platform-verifier's `with_platform_verifier()`), so a SIP stack switches from the
//! stock HTTPS verifier to RFC 5922 by changing one line.
//!
//! ```
//! use std::sync::Arc;
//! use sipcert::verifier::ClientConfigBuilderExt;
//!
//! # let ca = rcgen::generate_simple_self_signed(vec!["ca.example".to_owned()])?;
//! # let mut roots = rustls::RootCertStore::empty();
//! # roots.add(ca.cert.der().clone())?;
//! let provider = Arc::new(rustls::crypto::ring::default_provider());
//! let config = rustls::ClientConfig::builder_with_provider(provider)
//!     .with_safe_default_protocol_versions()?
//!     .with_sip_verifier(Arc::new(roots))? // instead of .with_root_certificates(roots)
//!     .with_no_client_auth();
//! // Connect with `sipcert::verifier::server_name_for(&aus)` as the server name.
//! # drop(config);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The verifiers use the builder's own crypto provider and [`Policy::default`]; for another
//! policy or CRLs, build the verifier with [`SipServerVerifier::builder_with_provider`] /
//! [`SipClientVerifier::builder_with_provider`] and pass it to
//! [`ClientConfigBuilderExt::with_sip_server_verifier`] /
//! [`ServerConfigBuilderExt::with_sip_client_verifier`].

use std::sync::Arc;

use rustls::client::WantsClientCert;
use rustls::server::WantsServerCert;
use rustls::{ClientConfig, ConfigBuilder, RootCertStore, ServerConfig, WantsVerifier};

use super::{SipClientVerifier, SipServerVerifier, VerifierBuilderError};
#[cfg(doc)]
use crate::policy::Policy;

mod sealed {
    pub trait Sealed {}
    impl Sealed for rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier> {}
    impl Sealed for rustls::ConfigBuilder<rustls::ServerConfig, rustls::WantsVerifier> {}
}

/// RFC 5922 server verification for a rustls `ClientConfig` builder (a SIP client or a proxy
/// opening connections).
pub trait ClientConfigBuilderExt: sealed::Sealed + Sized {
    /// Verifies servers with a [`SipServerVerifier`] trusting `roots`, with the builder's
    /// crypto provider and the default policy. Fails like
    /// [`SipServerVerifierBuilder::build`](super::SipServerVerifierBuilder::build) (an empty
    /// root store).
    fn with_sip_verifier(
        self,
        roots: Arc<RootCertStore>,
    ) -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, VerifierBuilderError>;

    /// Verifies servers with the given [`SipServerVerifier`] (a custom policy, CRLs).
    fn with_sip_server_verifier(
        self,
        verifier: Arc<SipServerVerifier>,
    ) -> ConfigBuilder<ClientConfig, WantsClientCert>;
}

impl ClientConfigBuilderExt for ConfigBuilder<ClientConfig, WantsVerifier> {
    fn with_sip_verifier(
        self,
        roots: Arc<RootCertStore>,
    ) -> Result<ConfigBuilder<ClientConfig, WantsClientCert>, VerifierBuilderError> {
        let verifier =
            SipServerVerifier::builder_with_provider(roots, self.crypto_provider().clone())
                .build()?;
        Ok(self.with_sip_server_verifier(verifier))
    }

    fn with_sip_server_verifier(
        self,
        verifier: Arc<SipServerVerifier>,
    ) -> ConfigBuilder<ClientConfig, WantsClientCert> {
        self.dangerous().with_custom_certificate_verifier(verifier)
    }
}

/// RFC 5922 client-certificate verification (mutual TLS) for a rustls `ServerConfig` builder.
pub trait ServerConfigBuilderExt: sealed::Sealed + Sized {
    /// Requires client certificates, verified by a [`SipClientVerifier`] trusting `roots`,
    /// with the builder's crypto provider and the default policy. After the handshake,
    /// [`client_identities`](super::client_identities) gives the client's SIP domains.
    fn with_sip_client_verifier_roots(
        self,
        roots: Arc<RootCertStore>,
    ) -> Result<ConfigBuilder<ServerConfig, WantsServerCert>, VerifierBuilderError>;

    /// Verifies client certificates with the given [`SipClientVerifier`].
    fn with_sip_client_verifier(
        self,
        verifier: Arc<SipClientVerifier>,
    ) -> ConfigBuilder<ServerConfig, WantsServerCert>;
}

impl ServerConfigBuilderExt for ConfigBuilder<ServerConfig, WantsVerifier> {
    fn with_sip_client_verifier_roots(
        self,
        roots: Arc<RootCertStore>,
    ) -> Result<ConfigBuilder<ServerConfig, WantsServerCert>, VerifierBuilderError> {
        let verifier =
            SipClientVerifier::builder_with_provider(roots, self.crypto_provider().clone())
                .build()?;
        Ok(self.with_sip_client_verifier(verifier))
    }

    fn with_sip_client_verifier(
        self,
        verifier: Arc<SipClientVerifier>,
    ) -> ConfigBuilder<ServerConfig, WantsServerCert> {
        self.with_client_cert_verifier(verifier)
    }
}

/// The operating system's trust store as a rustls `RootCertStore` (crate feature
/// `native-roots`, through rustls-native-certs): the certificates that parse are added; a
/// store from which none could be loaded is an error, never an empty store.
#[cfg(feature = "native-roots")]
pub fn system_roots() -> Result<Arc<RootCertStore>, SystemRootsError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(SystemRootsError {
            errors: found.errors.iter().map(ToString::to_string).collect(),
        });
    }
    Ok(Arc::new(roots))
}

/// No certificate could be loaded from the system trust store.
#[cfg(feature = "native-roots")]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no usable certificate in the system trust store ({})", if errors.is_empty() { "it is empty".to_owned() } else { errors.join("; ") })]
pub struct SystemRootsError {
    /// What went wrong while loading, as rustls-native-certs reported it.
    pub errors: Vec<String>,
}
