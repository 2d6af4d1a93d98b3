//! Certificate path validation for SIP (RFC 5922 §7.1 step 0, RFC 5280 §6) on top of webpki.
//!
//! [`ChainVerifier`] builds and checks a path from the end-entity certificate through the
//! presented intermediates to a trust anchor with
//! `webpki::EndEntityCert::verify_for_usage`: signatures (with the algorithms the caller's
//! crypto provider offers), validity periods, basic constraints and path length, webpki's own
//! name-constraint checks on the SANs it understands, revocation by CRL, and a **path** EKU
//! rule that suits SIP (see [`Role`]).
//!
//! On top of that it applies the dNSName name constraints of every CA on the path (trust
//! anchor included) to the **SIP identities** the caller passes, whatever their source (`sip:`
//! URI host, dNSName, CN). webpki alone lets a CA constrained to `example.com` mint
//! `URI:sip:evil.example` or `CN=evil.example`; sipcert does not.
//!
//! This module has no rustls trait types: rustls adapters are built on it.
//!
//! ```
//! use sipcert::chain::{ChainVerifier, Role};
//! use sipcert::DomainName;
//! # use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
//! # let mut ca = CertificateParams::default();
//! # ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
//! # let ca_key = KeyPair::generate()?;
//! # let root = ca.self_signed(&ca_key)?.der().clone();
//! # let issuer = Issuer::new(ca, ca_key);
//! # let mut p = CertificateParams::default();
//! # p.subject_alt_names = vec![SanType::URI("sip:example.com".try_into()?)];
//! # let leaf = p.signed_by(&KeyPair::generate()?, &issuer)?.der().clone();
//! # let now = rustls_pki_types::UnixTime::now();
//!
//! let provider = rustls::crypto::ring::default_provider();
//! let anchor = webpki::anchor_from_trusted_cert(&root)?.to_owned();
//! let verifier = ChainVerifier::new(provider.signature_verification_algorithms.all, [anchor]);
//! // The SIP identities the caller extracted from the leaf (here: the sip: URI host).
//! let identities = [DomainName::from_ascii("example.com")?];
//! let verified = verifier.verify(&leaf, &[], now, Role::Server, &identities)?;
//! assert!(!verified.is_name_constrained());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod check;
mod error;
mod name_constraints;
mod path_eku;

use core::cell::RefCell;
use core::fmt;

use rustls_pki_types::{
    CertificateDer, CertificateRevocationListDer, SignatureVerificationAlgorithm, TrustAnchor,
    UnixTime,
};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, OwnedCertRevocationList,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

use crate::DomainName;

pub use crate::Role;
pub(crate) use check::domains_of;
pub(crate) use error::from_webpki;
pub use error::ChainError;

use name_constraints::CaDnsConstraints;

/// Which certificates of the path must have their revocation status checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum RevocationDepth {
    /// Every certificate except the trust anchor (the default, as in rustls).
    #[default]
    Chain,
    /// Only the end entity.
    EndEntity,
}

/// What to do when CRLs are configured but none covers a certificate that must be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum UnknownStatus {
    /// Reject with [`ChainError::RevocationStatusUnknown`] (the default, as in rustls): when
    /// an operator configures revocation, a CA whose CRL is missing must not pass silently.
    #[default]
    Deny,
    /// Treat an uncovered certificate as not revoked.
    Allow,
}

/// What to do with a CRL whose nextUpdate is in the past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CrlExpiry {
    /// Use it anyway (the default, as in rustls): an old CRL still proves revocations.
    #[default]
    Ignore,
    /// Reject the chain (webpki `CrlExpired`, code `chain-invalid`).
    Enforce,
}

/// Revocation-checking options; they only matter when CRLs are configured.
///
/// The defaults are rustls's: depth [`RevocationDepth::Chain`], [`UnknownStatus::Deny`],
/// [`CrlExpiry::Ignore`]. OCSP is not supported (rustls ignores stapled responses too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct RevocationPolicy {
    /// Which certificates are checked.
    pub depth: RevocationDepth,
    /// What an uncovered certificate means.
    pub unknown_status: UnknownStatus,
    /// What an expired CRL means.
    pub crl_expiry: CrlExpiry,
}

impl RevocationPolicy {
    /// Sets [`RevocationPolicy::depth`].
    #[must_use]
    pub fn with_depth(mut self, depth: RevocationDepth) -> Self {
        self.depth = depth;
        self
    }

    /// Sets [`RevocationPolicy::unknown_status`].
    #[must_use]
    pub fn with_unknown_status(mut self, unknown_status: UnknownStatus) -> Self {
        self.unknown_status = unknown_status;
        self
    }

    /// Sets [`RevocationPolicy::crl_expiry`].
    #[must_use]
    pub fn with_crl_expiry(mut self, crl_expiry: CrlExpiry) -> Self {
        self.crl_expiry = crl_expiry;
        self
    }
}

/// Validates certificate paths for SIP; see the [module documentation](self).
pub struct ChainVerifier {
    algorithms: &'static [&'static dyn SignatureVerificationAlgorithm],
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<CertRevocationList<'static>>,
    revocation: RevocationPolicy,
}

impl fmt::Debug for ChainVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChainVerifier")
            .field("algorithms", &self.algorithms.len())
            .field("anchors", &self.anchors.len())
            .field("crls", &self.crls.len())
            .field("revocation", &self.revocation)
            .finish()
    }
}

impl ChainVerifier {
    /// A verifier trusting `anchors`, checking signatures with `algorithms` (take them from
    /// the crypto provider: `provider.signature_verification_algorithms.all`).
    ///
    /// With no anchors every chain fails with [`ChainError::UnknownIssuer`].
    pub fn new(
        algorithms: &'static [&'static dyn SignatureVerificationAlgorithm],
        anchors: impl IntoIterator<Item = TrustAnchor<'static>>,
    ) -> Self {
        Self {
            algorithms,
            anchors: anchors.into_iter().collect(),
            crls: Vec::new(),
            revocation: RevocationPolicy::default(),
        }
    }

    /// Adds CRLs (DER). Revocation is checked only when at least one CRL is configured.
    pub fn with_crls<'a>(
        mut self,
        crls: impl IntoIterator<Item = &'a CertificateRevocationListDer<'a>>,
    ) -> Result<Self, ChainError> {
        for crl in crls {
            let owned = OwnedCertRevocationList::from_der(crl.as_ref()).map_err(|e| {
                ChainError::InvalidCrl {
                    detail: format!("{e:?}"),
                }
            })?;
            self.crls.push(CertRevocationList::from(owned));
        }
        Ok(self)
    }

    /// Sets the revocation options (see [`RevocationPolicy`] for the defaults).
    #[must_use]
    pub fn with_revocation_policy(mut self, policy: RevocationPolicy) -> Self {
        self.revocation = policy;
        self
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &[TrustAnchor<'static>] {
        &self.anchors
    }

    /// The number of configured CRLs.
    pub fn crl_count(&self) -> usize {
        self.crls.len()
    }

    /// Validates the path from `end_entity` through `intermediates` to a trust anchor at
    /// `now`, for `role`, and checks every name in `identities` against the dNSName
    /// constraints of every CA on the path.
    ///
    /// `role` selects the **path** EKU rule, which webpki applies to the end entity and to
    /// every intermediate: an EKU extension must be absent or contain one of
    /// - [`Role::Server`]: sipDomain, serverAuth, anyExtendedKeyUsage;
    /// - [`Role::Client`]: sipDomain, clientAuth, serverAuth, anyExtendedKeyUsage.
    ///
    /// The rule is deliberately permissive, because real intermediates carry
    /// `serverAuth`-only EKUs; the configured leaf rule (RFC 5924 strict or compatible,
    /// [`crate::eku`]) is checked on the end entity separately. A certificate with only, say,
    /// codeSigning fails here with [`ChainError::EkuNotPermitted`].
    ///
    /// `identities` are the SIP domain identities the caller extracted (or will extract)
    /// from `end_entity`; pass `&[]` to validate the path alone and check names later with
    /// [`VerifiedChain::check_identities`]. Passing them here lets path building try
    /// another path when a constrained CA does not permit them.
    pub fn verify(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        role: Role,
        identities: &[DomainName],
    ) -> Result<VerifiedChain, ChainError> {
        let ee = EndEntityCert::try_from(end_entity).map_err(from_webpki)?;
        let crl_refs: Vec<&CertRevocationList<'static>> = self.crls.iter().collect();
        let revocation = match RevocationOptionsBuilder::new(&crl_refs) {
            Ok(builder) => Some(
                builder
                    .with_depth(match self.revocation.depth {
                        RevocationDepth::Chain => RevocationCheckDepth::Chain,
                        RevocationDepth::EndEntity => RevocationCheckDepth::EndEntity,
                    })
                    .with_status_policy(match self.revocation.unknown_status {
                        UnknownStatus::Deny => UnknownStatusPolicy::Deny,
                        UnknownStatus::Allow => UnknownStatusPolicy::Allow,
                    })
                    .with_expiration_policy(match self.revocation.crl_expiry {
                        CrlExpiry::Ignore => ExpirationPolicy::Ignore,
                        CrlExpiry::Enforce => ExpirationPolicy::Enforce,
                    })
                    .build(),
            ),
            // No CRLs configured: nothing to check against.
            Err(_) => None,
        };

        // The hook sees each candidate path; a violation makes webpki try another path.
        // The detailed error of the last violation is kept for the caller.
        let detail: RefCell<Option<ChainError>> = RefCell::new(None);
        let hook = |path: &webpki::VerifiedPath<'_>| -> Result<(), webpki::Error> {
            let result = name_constraints::from_path(path)
                .and_then(|c| name_constraints::check_all(&c, identities));
            match result {
                Ok(()) => Ok(()),
                Err(e) => {
                    let mapped = match e {
                        ChainError::MalformedNameConstraint { .. } => {
                            webpki::Error::MalformedNameConstraint
                        }
                        ChainError::Malformed { .. } => webpki::Error::BadDer,
                        _ => webpki::Error::NameConstraintViolation,
                    };
                    *detail.borrow_mut() = Some(e);
                    Err(mapped)
                }
            }
        };

        let path = ee
            .verify_for_usage(
                self.algorithms,
                &self.anchors,
                intermediates,
                now,
                path_eku::PathEku::for_role(role),
                revocation,
                Some(&hook),
            )
            .map_err(|e| {
                let ours = detail.borrow_mut().take();
                match (e, ours) {
                    (
                        e @ (webpki::Error::NameConstraintViolation
                        | webpki::Error::MalformedNameConstraint
                        | webpki::Error::BadDer),
                        Some(ours),
                    ) => {
                        // Our hook's error carries the name and constraint; keep it unless
                        // webpki reports a different kind than the hook produced.
                        if ours.code() == from_webpki(e.clone()).code() {
                            ours
                        } else {
                            from_webpki(e)
                        }
                    }
                    (e, _) => from_webpki(e),
                }
            })?;

        let constraints = name_constraints::from_path(&path)?;
        // Belt and braces: the hook accepted this path, so this cannot fail, but the
        // verdict never depends on that reasoning.
        name_constraints::check_all(&constraints, identities)?;
        Ok(VerifiedChain {
            constraints,
            intermediates_used: path.intermediate_certificates().count(),
        })
    }
}

/// A successfully validated path, with what later checks need from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    constraints: Vec<CaDnsConstraints>,
    intermediates_used: usize,
}

impl VerifiedChain {
    /// Checks SIP identities against the dNSName constraints of every CA on the path.
    ///
    /// Use this when the identities are extracted after path validation (the usual order:
    /// only parse identities from DER that webpki has accepted).
    pub fn check_identities(&self, identities: &[DomainName]) -> Result<(), ChainError> {
        name_constraints::check_all(&self.constraints, identities)
    }

    /// Whether `identity` is inside the dNSName constraints of every CA on the path.
    pub fn permits(&self, identity: &DomainName) -> bool {
        name_constraints::permits(&self.constraints, identity)
    }

    /// Whether any CA on the path (trust anchor included) carries dNSName constraints.
    pub fn is_name_constrained(&self) -> bool {
        !self.constraints.is_empty()
    }

    /// How many of the presented intermediates the path uses.
    pub fn intermediates_used(&self) -> usize {
        self.intermediates_used
    }
}
