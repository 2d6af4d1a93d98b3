//! [`SipClientVerifier`]: rustls `ClientCertVerifier` for SIP servers (mutual TLS, RFC 5922
//! §7.4), and the post-handshake authorization helpers.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme};

use super::{
    chain_error_to_rustls, common_builder_methods, rejected_to_rustls, signature_methods, Common,
    VerifierBuilderError,
};
use crate::chain::{domains_of, ChainError, ChainVerifier, RevocationPolicy};
use crate::eku;
use crate::identity::{self, extract_identities, Identity, IdentitySource};
use crate::reuse::{IdentityOrigin, PeerIdentity};
use crate::{DomainName, Policy, ReasonCode, Rejected, Role};

/// Builds a [`SipClientVerifier`]; see [`SipClientVerifier::builder`].
#[derive(Debug, Clone)]
pub struct SipClientVerifierBuilder {
    common: Common,
    mandatory: bool,
    root_hints: Vec<DistinguishedName>,
}

impl SipClientVerifierBuilder {
    common_builder_methods!();

    /// Lets clients without a certificate complete the handshake. They are **not
    /// authenticated** (RFC 5922 §7.4): [`client_identities`] reports
    /// [`PeerAuthentication::Unauthenticated`] and no [`AllowList`] admits them.
    #[must_use]
    pub fn allow_unauthenticated(mut self) -> Self {
        self.mandatory = false;
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
}

impl SipClientVerifier {
    /// Starts a builder: client certificates mandatory, root hints = the roots' subjects.
    pub fn builder(
        roots: Arc<RootCertStore>,
        provider: Arc<CryptoProvider>,
    ) -> SipClientVerifierBuilder {
        let root_hints = roots.subjects();
        SipClientVerifierBuilder {
            common: Common::new(roots, provider),
            mandatory: true,
            root_hints,
        }
    }

    /// The identity policy (pass it to [`client_identities`]).
    pub fn policy(&self) -> &Policy {
        &self.policy
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
        let reject = |code: ReasonCode, message: String| {
            rejected_to_rustls(Rejected::chain(code, message, None))
        };
        // One strict DER walk for identities and EKU; webpki parses for the path.
        let parsed = identity::parse_certificate(end_entity.as_ref()).and_then(|cert| {
            let ids = identity::extract_from_parsed(&cert, &self.policy)?;
            Ok((
                ids,
                eku::evaluate_parsed(&cert, Role::Client, self.policy.eku()),
            ))
        });
        let domains = match &parsed {
            Ok((ids, _)) => domains_of(ids.identities()),
            Err(_) => Vec::new(),
        };
        match self
            .chain
            .verify(end_entity, intermediates, now, Role::Client, &domains)
        {
            Ok(_) => {}
            Err(
                e @ (ChainError::NameConstraintViolation { .. }
                | ChainError::MalformedNameConstraint { .. }),
            ) => {
                return Err(reject(
                    ReasonCode::ChainNameConstraintViolation,
                    e.to_string(),
                ))
            }
            Err(e) => return Err(chain_error_to_rustls(e)),
        }
        // Only now, on DER webpki accepted, do the identities count.
        let (ids, eku) = parsed.map_err(|e| reject(ReasonCode::CertMalformed, e.to_string()))?;
        eku.map_err(|e| reject(ReasonCode::EkuNotPermitted, e.to_string()))?;
        if ids.identities().iter().all(|i| i.domain().is_none()) {
            // Say why each presented name is not an identity: that is what the operator
            // needs to fix the certificate.
            let ignored: Vec<String> = ids
                .ignored()
                .iter()
                .map(|n| {
                    format!(
                        "{} ({}: {})",
                        n.value(),
                        n.source().code(),
                        n.reason().code()
                    )
                })
                .collect();
            let presented = if ignored.is_empty() {
                "it presents no names".to_owned()
            } else {
                format!("ignored: {}", ignored.join(", "))
            };
            return Err(reject(
                ReasonCode::NoIdentities,
                format!(
                    "the client certificate has no SIP domain identity (RFC 5922 §7.1); {presented}"
                ),
            ));
        }
        Ok(ClientCertVerified::assertion())
    }

    signature_methods!();
}

/// What a completed handshake established about the client (RFC 5922 §7.4).
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
    /// The SIP domain identities (empty when unauthenticated).
    pub fn domains(&self) -> Vec<&DomainName> {
        match self {
            Self::Unauthenticated => Vec::new(),
            Self::Authenticated(ids) => ids.iter().filter_map(Identity::domain).collect(),
        }
    }

    /// The identities with their origin, for an RFC 5923 alias row
    /// ([`crate::reuse::ClientCertificate::Verified`]); CN-derived ones are marked so the
    /// table can leave them out.
    pub fn reuse_identities(&self) -> Vec<PeerIdentity> {
        match self {
            Self::Unauthenticated => Vec::new(),
            Self::Authenticated(ids) => ids
                .iter()
                .filter_map(|i| {
                    let origin = match i.source() {
                        IdentitySource::SanUri | IdentitySource::SanDns | IdentitySource::SanIp => {
                            IdentityOrigin::SubjectAltName
                        }
                        IdentitySource::Cn => IdentityOrigin::CommonName,
                    };
                    i.domain().map(|d| PeerIdentity {
                        domain: d.clone(),
                        origin,
                    })
                })
                .collect(),
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
