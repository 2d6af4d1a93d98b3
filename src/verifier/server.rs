//! [`SipServerVerifier`]: rustls `ServerCertVerifier` for SIP clients (RFC 5922 §7.3).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::{
    chain_error_to_rustls, common_builder_methods, rejected_to_rustls, signature_methods, Common,
    VerifierBuilderError,
};
use crate::chain::{ChainVerifier, RevocationPolicy};
use crate::{DomainName, Policy, ReasonCode, Reference, Rejected, Role, Verdict};

/// Builds a [`SipServerVerifier`]; see [`SipServerVerifier::builder`].
#[derive(Debug, Clone)]
pub struct SipServerVerifierBuilder {
    common: Common,
}

impl SipServerVerifierBuilder {
    common_builder_methods!();

    /// Builds the verifier. Fails with [`VerifierBuilderError::NoRootAnchors`] for an empty
    /// root store and [`VerifierBuilderError::InvalidCrl`] for a CRL that does not parse.
    pub fn build(self) -> Result<Arc<SipServerVerifier>, VerifierBuilderError> {
        let chain = self.common.build_chain()?;
        Ok(Arc::new(SipServerVerifier {
            chain,
            policy: self.common.policy,
            algorithms: self.common.provider.signature_verification_algorithms,
        }))
    }
}

/// A rustls `ServerCertVerifier` that authenticates a SIP server by RFC 5922.
///
/// `verify_server_cert` takes the connection's `ServerName` as the **SIP domain** (the AUS
/// host; an IP address gives `reference-is-ip-literal` unless the policy allows IP
/// literals), then:
/// 1. validates the path with [`ChainVerifier`] (signatures, validity, CRLs, path EKU);
/// 2. extracts the SIP identities of the end entity (RFC 5922 §7.1);
/// 3. applies the dNSName constraints of every CA on the path to them;
/// 4. applies the leaf EKU policy (RFC 5924);
/// 5. compares the SIP domain with the identities (RFC 5922 §7.2).
///
/// TLS 1.2/1.3 handshake signatures are verified with the provider's algorithms.
#[derive(Debug)]
pub struct SipServerVerifier {
    chain: ChainVerifier,
    policy: Policy,
    algorithms: WebPkiSupportedAlgorithms,
}

impl SipServerVerifier {
    /// Starts a builder with `roots` and the crypto `provider` whose signature algorithms
    /// are used (rustls's `builder_with_provider` style; no process-default provider).
    pub fn builder(
        roots: Arc<RootCertStore>,
        provider: Arc<CryptoProvider>,
    ) -> SipServerVerifierBuilder {
        SipServerVerifierBuilder {
            common: Common::new(roots, provider),
        }
    }

    /// The identity policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The full verdict for a presented chain and a reference, as `verify_server_cert`
    /// decides it (without a handshake): for diagnostics and the CLI. See
    /// [`ChainVerifier::check`].
    pub fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        reference: &Reference,
        now: UnixTime,
    ) -> Verdict {
        self.chain.check(
            end_entity,
            intermediates,
            now,
            reference,
            Role::Server,
            &self.policy,
        )
    }
}

/// The reference identity rustls gives us; an unusable one is a `reference-invalid`
/// rejection.
fn reference_of(server_name: &ServerName<'_>) -> Result<Reference, rustls::Error> {
    let rejected = match server_name {
        ServerName::DnsName(name) => match DomainName::from_ascii(name.as_ref()) {
            Ok(domain) => return Ok(Reference::Domain(domain)),
            Err(e) => Rejected::chain(
                ReasonCode::ReferenceInvalid,
                format!(
                    "the server name {:?} is not a SIP domain: {e}",
                    name.as_ref()
                ),
                None,
            ),
        },
        ServerName::IpAddress(ip) => return Ok(Reference::Ip(std::net::IpAddr::from(*ip))),
        other => Rejected::chain(
            ReasonCode::ReferenceInvalid,
            format!("unsupported server name {other:?}"),
            None,
        ),
    };
    Err(rejected_to_rustls(rejected))
}

impl ServerCertVerifier for SipServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let reference = reference_of(server_name)?;
        match self
            .chain
            .decide(
                end_entity,
                intermediates,
                now,
                &reference,
                Role::Server,
                &self.policy,
            )
            .map_err(chain_error_to_rustls)?
        {
            Verdict::Accept(_) => Ok(ServerCertVerified::assertion()),
            Verdict::Reject(r) => Err(rejected_to_rustls(r)),
        }
    }

    signature_methods!();
}
