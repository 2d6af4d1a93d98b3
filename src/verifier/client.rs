//! [`SipClientVerifier`]: rustls `ClientCertVerifier` for SIP servers (mutual TLS, RFC 5922
//! §7.4), and the post-handshake authorization helpers.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme,
};

use super::observe::{Decision, Observation, Observer, ObserverSlot};
use super::{rejected_to_rustls, signature_methods, Common, VerifierBuilderError};
use crate::chain::ChainVerifier;
use crate::domain::DomainName;
use crate::identity::{extract_identities, Identity};
use crate::policy::Policy;

/// Builds a [`SipClientVerifier`]; see [`SipClientVerifier::builder_with_provider`].
#[derive(Debug, Clone)]
pub struct SipClientVerifierBuilder {
    common: Common,
    mandatory: bool,
    root_hints: Vec<DistinguishedName>,
    allowed: Option<AllowList>,
}

impl SipClientVerifierBuilder {
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
    /// the end entity for the client role.
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.common.policy = policy;
        self
    }

    /// Lets clients without a certificate complete the handshake. They are **not
    /// authenticated** (RFC 5922 §7.4): [`client_identities`] reports
    /// [`PeerAuthentication::Unauthenticated`] and no [`AllowList`] admits them.
    #[must_use]
    pub fn allow_unauthenticated(mut self) -> Self {
        self.mandatory = false;
        self
    }

    /// Authorizes at handshake time: a client whose valid certificate has none of the SIP
    /// domains of `allowed` fails the handshake with
    /// `CertificateError::ApplicationVerificationFailure` (an observer sees
    /// [`Observation::is_not_allowed`]). For a stack that never hands the application the
    /// peer certificate; otherwise authorize after the handshake with [`client_identities`]
    /// and [`AllowList::authorize`].
    #[must_use]
    pub fn allow_only(mut self, allowed: AllowList) -> Self {
        self.allowed = Some(allowed);
        self
    }

    /// Sends no root hint subjects in the CertificateRequest.
    #[must_use]
    pub fn clear_root_hint_subjects(mut self) -> Self {
        self.root_hints.clear();
        self
    }

    /// Adds root hint subjects (by default: the subjects of the roots).
    #[must_use]
    pub fn add_root_hint_subjects(
        mut self,
        subjects: impl IntoIterator<Item = DistinguishedName>,
    ) -> Self {
        self.root_hints.extend(subjects);
        self
    }

    /// Hands every decision of the verifier to `observer` (see [`Observation`]); the
    /// decision itself is unchanged.
    #[must_use]
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.common.observer = ObserverSlot(Some(observer));
        self
    }

    /// Builds the verifier ([`VerifierBuilderError::NoRootAnchors`],
    /// [`VerifierBuilderError::InvalidCrl`]).
    pub fn build(self) -> Result<Arc<SipClientVerifier>, VerifierBuilderError> {
        let chain = self.common.build_chain()?;
        Ok(Arc::new(SipClientVerifier {
            chain,
            policy: self.common.policy,
            algorithms: self.common.provider.signature_verification_algorithms,
            mandatory: self.mandatory,
            root_hints: self.root_hints,
            allowed: self.allowed,
            observer: self.common.observer,
        }))
    }
}

/// A rustls `ClientCertVerifier` for SIP servers: mutual TLS with RFC 5922 client identities.
///
/// rustls gives a client verifier no expected name, so `verify_client_cert` validates the
/// path ([`ChainVerifier`], client role), extracts the SIP identities (RFC 5922 §7.1, the
/// same procedure as for servers, §7.4), applies the path's name constraints and the client
/// EKU policy, and refuses a certificate with no SIP identity. **Authorization** happens after
/// the handshake: [`client_identities`] on `conn.peer_certificates()`, then an [`AllowList`].
#[derive(Debug)]
pub struct SipClientVerifier {
    chain: ChainVerifier,
    policy: Policy,
    algorithms: WebPkiSupportedAlgorithms,
    mandatory: bool,
    root_hints: Vec<DistinguishedName>,
    allowed: Option<AllowList>,
    observer: ObserverSlot,
}

impl SipClientVerifier {
    /// Starts a builder with `roots` and the crypto `provider` whose signature algorithms are
    /// used (as rustls's `WebPkiClientVerifier::builder_with_provider`): client certificates
    /// mandatory, root hints = the roots' subjects.
    pub fn builder_with_provider(
        roots: Arc<RootCertStore>,
        provider: Arc<CryptoProvider>,
    ) -> SipClientVerifierBuilder {
        let root_hints = roots.subjects();
        SipClientVerifierBuilder {
            common: Common::new(roots, provider),
            mandatory: true,
            root_hints,
            allowed: None,
        }
    }

    /// The identity policy (pass it to [`client_identities`]).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The allow-list's decision on the identities of a valid client certificate (see
    /// [`SipClientVerifierBuilder::allow_only`]); without a list every valid client passes.
    fn authorize(&self, identities: &[Identity]) -> Result<ClientCertVerified, rustls::Error> {
        match &self.allowed {
            Some(list) if !list.admits(identities) => Err(rustls::Error::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            )),
            Some(_) | None => Ok(ClientCertVerified::assertion()),
        }
    }
}

impl ClientCertVerifier for SipClientVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.root_hints
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let checked = self
            .chain
            .check_client(end_entity, intermediates, now, &self.policy);
        let Some(observer) = &self.observer.0 else {
            return match checked {
                Ok(ids) => self.authorize(ids.identities()),
                Err(r) => Err(rejected_to_rustls(r)),
            };
        };
        let (decision, result) = match &checked {
            Ok(ids) => {
                let result = self.authorize(ids.identities());
                let decision = if result.is_ok() {
                    Decision::Client(Ok(ids.identities()))
                } else {
                    Decision::ClientNotAllowed(ids.identities())
                };
                (decision, result)
            }
            Err(r) => (Decision::Client(Err(r)), Err(rejected_to_rustls(r.clone()))),
        };
        observer(&Observation::new(
            end_entity,
            intermediates,
            None,
            decision,
            result.as_ref().err(),
        ));
        result
    }

    signature_methods!();
}

/// What a completed handshake established about the client (RFC 5922 §7.4). For an RFC 5923
/// alias row, pass the identities to
/// [`reuse::ClientCertificate::Verified`](crate::reuse::ClientCertificate::Verified).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PeerAuthentication {
    /// No client certificate: the client is not authenticated, whatever it claims later
    /// (a Digest success does not change that, RFC 5922 §8.1).
    Unauthenticated,
    /// The client's certificate passed [`SipClientVerifier`]; these are its SIP identities.
    Authenticated(Vec<Identity>),
}

impl PeerAuthentication {
    /// The identities with their sources (empty when unauthenticated).
    pub fn identities(&self) -> &[Identity] {
        match self {
            Self::Unauthenticated => &[],
            Self::Authenticated(ids) => ids,
        }
    }

    /// The SIP domain identities (empty when unauthenticated).
    pub fn domains(&self) -> Vec<&DomainName> {
        match self {
            Self::Unauthenticated => Vec::new(),
            Self::Authenticated(ids) => ids.iter().filter_map(Identity::domain).collect(),
        }
    }
}

/// The SIP identities of the client of a completed handshake, from
/// `conn.peer_certificates()`.
///
/// On the client side it gives the server's identities the same way (after
/// [`SipServerVerifier`](super::SipServerVerifier) accepted them), which is what an RFC 5923
/// alias row caches ([`crate::reuse::ReuseTable::insert_outbound`]).
///
/// Only meaningful on a connection whose `ServerConfig` uses [`SipClientVerifier`] (which
/// validated the chain and the name constraints); pass the verifier's [`Policy`]. No
/// certificate, or a leaf that does not parse, is [`PeerAuthentication::Unauthenticated`].
pub fn client_identities(
    peer_certificates: Option<&[CertificateDer<'_>]>,
    policy: &Policy,
) -> PeerAuthentication {
    let Some(leaf) = peer_certificates.and_then(<[_]>::first) else {
        return PeerAuthentication::Unauthenticated;
    };
    match extract_identities(leaf.as_ref(), policy) {
        Ok(ids) if !ids.identities().is_empty() => {
            PeerAuthentication::Authenticated(ids.identities().to_vec())
        }
        Ok(_) | Err(_) => PeerAuthentication::Unauthenticated,
    }
}

/// An allow-list of SIP domains for client authorization (RFC 5922 §7.4 policy (b)),
/// compared by RFC 5922 §7.2 (exact, case-insensitive; no suffix or wildcard).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AllowList {
    domains: Vec<DomainName>,
}

/// Why a client is not authorized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizationError {
    /// The client presented no certificate.
    #[error("the client is not authenticated (no certificate)")]
    NotAuthenticated,
    /// None of the client's identities is on the allow-list.
    #[error("none of the client's SIP identities {identities:?} is allowed")]
    NotAllowed {
        /// The client's identities.
        identities: Vec<DomainName>,
    },
}

impl AuthorizationError {
    /// A stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAuthenticated => "client-not-authenticated",
            Self::NotAllowed { .. } => "client-not-allowed",
        }
    }
}

impl AllowList {
    /// An allow-list of these domains.
    pub fn new(domains: impl IntoIterator<Item = DomainName>) -> Self {
        Self {
            domains: domains.into_iter().collect(),
        }
    }

    /// Whether one of the SIP domain `identities` is on the list.
    pub fn admits(&self, identities: &[Identity]) -> bool {
        identities
            .iter()
            .filter_map(Identity::domain)
            .any(|d| self.domains.contains(d))
    }

    /// The first identity of `peer` that is on the list.
    pub fn authorize<'a>(
        &self,
        peer: &'a PeerAuthentication,
    ) -> Result<&'a DomainName, AuthorizationError> {
        match peer {
            PeerAuthentication::Unauthenticated => Err(AuthorizationError::NotAuthenticated),
            PeerAuthentication::Authenticated(_) => {
                let domains = peer.domains();
                domains
                    .iter()
                    .find(|d| self.domains.contains(d))
                    .copied()
                    .ok_or_else(|| AuthorizationError::NotAllowed {
                        identities: domains.into_iter().cloned().collect(),
                    })
            }
        }
    }
}
