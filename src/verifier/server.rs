//! [`SipServerVerifier`]: rustls `ServerCertVerifier` for SIP clients (RFC 5922 §7.3).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::observe::{Decision, Observation, Observer, ObserverSlot};
use super::{rejected_to_rustls, signature_methods, Common, VerifierBuilderError};
use crate::chain::decision::ReferenceArg;
use crate::chain::ChainVerifier;
use crate::codes::ReasonCode;
use crate::domain::DomainName;
use crate::matching::Wanted;
use crate::policy::{Policy, Role};
use crate::reference::Reference;
use crate::verdict::{Rejected, Verdict};

/// Builds a [`SipServerVerifier`]; see [`SipServerVerifier::builder_with_provider`].
#[derive(Debug, Clone)]
pub struct SipServerVerifierBuilder {
    common: Common,
}

impl SipServerVerifierBuilder {
    /// Adds CRLs (DER); revocation is checked only when at least one is given. With CRLs,
    /// every certificate of the path must be covered by one, unless
    /// [`allow_unknown_revocation_status`](Self::allow_unknown_revocation_status) or
    /// [`only_check_end_entity_revocation`](Self::only_check_end_entity_revocation) says
    /// otherwise.
    #[must_use]
    pub fn with_crls(
        mut self,
        crls: impl IntoIterator<Item = CertificateRevocationListDer<'static>>,
    ) -> Self {
        self.common.crls.extend(crls);
        self
    }

    /// Checks the revocation status of the end entity only (as rustls's builder).
    #[must_use]
    pub fn only_check_end_entity_revocation(mut self) -> Self {
        self.common.revocation.end_entity_only = true;
        self
    }

    /// Treats a certificate no CRL covers as not revoked (as rustls's builder).
    #[must_use]
    pub fn allow_unknown_revocation_status(mut self) -> Self {
        self.common.revocation.allow_unknown_status = true;
        self
    }

    /// Rejects a chain whose CRL is past its nextUpdate (as rustls's builder).
    #[must_use]
    pub fn enforce_revocation_expiration(mut self) -> Self {
        self.common.revocation.enforce_expiration = true;
        self
    }

    /// Sets the identity policy (default: [`Policy::default`]); its EKU mode is applied to
    /// the end entity for the server role.
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.common.policy = policy;
        self
    }

    /// Hands every decision of the verifier to `observer` (see [`Observation`]); the
    /// decision itself is unchanged.
    #[must_use]
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.common.observer = ObserverSlot(Some(observer));
        self
    }

    /// Builds the verifier. Fails with [`VerifierBuilderError::NoRootAnchors`] for an empty
    /// root store and [`VerifierBuilderError::InvalidCrl`] for a CRL that does not parse.
    pub fn build(self) -> Result<Arc<SipServerVerifier>, VerifierBuilderError> {
        let chain = self.common.build_chain()?;
        Ok(Arc::new(SipServerVerifier {
            chain,
            policy: self.common.policy,
            algorithms: self.common.provider.signature_verification_algorithms,
            observer: self.common.observer,
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
    observer: ObserverSlot,
}

impl SipServerVerifier {
    /// Starts a builder with `roots` and the crypto `provider` whose signature algorithms
    /// are used (as rustls's `WebPkiServerVerifier::builder_with_provider`; sipcert never uses
    /// a process-default provider).
    pub fn builder_with_provider(
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

    /// `verify_server_cert` with an observer: the full verdict (as [`check`](Self::check)),
    /// shown to `observer`, then returned as rustls expects it.
    fn verify_observed(
        &self,
        observer: &Observer,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = match reference_of(server_name) {
            Ok(reference) => self.check(end_entity, intermediates, &reference, now),
            Err(r) => Verdict::Reject(r),
        };
        let result = match &verdict {
            Verdict::Accept(_) => Ok(ServerCertVerified::assertion()),
            Verdict::Reject(r) => Err(rejected_to_rustls(r.clone())),
        };
        observer(&Observation::new(
            end_entity,
            intermediates,
            Some(server_name),
            Decision::Server(&verdict),
            result.as_ref().err(),
        ));
        result
    }
}

/// The reference identity rustls gives us; an unusable one is a `reference-invalid`
/// rejection.
pub(super) fn reference_of(server_name: &ServerName<'_>) -> Result<Reference, Rejected> {
    match server_name {
        ServerName::DnsName(name) => DomainName::from_ascii(name.as_ref())
            .map(Reference::Domain)
            .map_err(|e| {
                Rejected::new(
                    ReasonCode::ReferenceInvalid,
                    format!(
                        "the server name {:?} is not a SIP domain: {e}",
                        name.as_ref()
                    ),
                    None,
                )
            }),
        ServerName::IpAddress(ip) => Ok(Reference::Ip(std::net::IpAddr::from(*ip))),
        other => Err(Rejected::new(
            ReasonCode::ReferenceInvalid,
            format!("unsupported server name {other:?}"),
            None,
        )),
    }
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
        if let Some(observer) = &self.observer.0 {
            return self.verify_observed(observer, end_entity, intermediates, server_name, now);
        }
        // The decision of `check`, without rendering an accept, and for a plain host name
        // (the common case) without building the reference unless a rejection reports it.
        let make_reference = || reference_of(server_name);
        let owned;
        let plain = match server_name {
            ServerName::DnsName(name) => Wanted::plain_host(name.as_ref()),
            // Anything else is built (and an unsupported kind refused) by `reference_of`.
            _ => None,
        };
        let reference = if let Some(wanted) = plain {
            ReferenceArg::Host {
                wanted,
                build: &make_reference,
            }
        } else {
            owned = make_reference().map_err(rejected_to_rustls)?;
            ReferenceArg::Built(&owned)
        };
        match self.chain.decide(
            end_entity,
            intermediates,
            now,
            &reference,
            Role::Server,
            &self.policy,
        ) {
            Ok(_) => Ok(ServerCertVerified::assertion()),
            Err(r) => Err(rejected_to_rustls(r)),
        }
    }

    signature_methods!();
}
