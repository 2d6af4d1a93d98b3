//! Certificate path validation for SIP (RFC 5922 §7.1 step 0, RFC 5280 §6) on top of webpki.
//!
//! [`ChainVerifier`] builds and checks a path from the end-entity certificate through the
//! presented intermediates to a trust anchor with
//! `webpki::EndEntityCert::verify_for_usage`: signatures (with the algorithms the caller's
//! crypto provider offers), validity periods, basic constraints and path length, webpki's own
//! name-constraint checks on the SANs it understands, revocation by CRL, and a **path** EKU
//! rule that suits SIP (see [`Role`]).
//!
//! On top of that it applies the dNSName and iPAddress name constraints of every CA on the
//! path (trust anchor included) to the **SIP identities** the caller passes, whatever their
//! source (`sip:` URI host, dNSName, iPAddress, CN). webpki alone lets a CA constrained to
//! `example.com` mint `URI:sip:evil.example` or `CN=evil.example`, and a CA constrained to
//! `192.0.2.0/24` mint `URI:sip:198.51.100.7`; sipcert does not. It also refuses an
//! intermediate whose keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3, which webpki ignores),
//! and names a certificate too large for webpki as such.
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
mod key_usage;
mod name_constraints;
mod path_eku;
mod size;

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

use crate::{DomainName, IdentityName};

pub use crate::Role;
pub(crate) use check::names_of;
pub(crate) use error::from_webpki;
pub use error::ChainError;

use name_constraints::{NameConstraintBudget, PathConstraints};

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
    /// Beyond webpki, every path must pass these checks:
    /// - an intermediate with a keyUsage extension lacking keyCertSign is refused
    ///   ([`ChainError::CaKeyUsage`], RFC 5280 §4.2.1.3); the trust anchor's keyUsage is not
    ///   known to webpki and is not checked;
    /// - the identities are checked against the name constraints of every CA on the path,
    ///   within a bounded number of comparisons for all candidate paths together
    ///   ([`ChainError::NameConstraintBudgetExceeded`]);
    /// - an end entity or presented intermediate too large for webpki is
    ///   [`ChainError::TooLarge`].
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
        let names: Vec<IdentityName> = identities
            .iter()
            .cloned()
            .map(IdentityName::Domain)
            .collect();
        self.verify_names(end_entity, intermediates, now, role, &names)
    }

    /// [`ChainVerifier::verify`] for SIP identities of any kind: domains are checked against
    /// dNSName constraints, IP addresses (under `allow_ip_literals`) against iPAddress
    /// constraints.
    pub(crate) fn verify_names(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        role: Role,
        names: &[IdentityName],
    ) -> Result<VerifiedChain, ChainError> {
        size::check_sizes(end_entity, intermediates)?;
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

        // The hook sees each candidate path; a failure makes webpki try another path. The
        // name-constraint budget is shared by all of them. Our detailed error is kept per
        // webpki error it was reported as, for the caller.
        let budget = RefCell::new(NameConstraintBudget::default());
        let details: RefCell<Vec<(webpki::Error, ChainError)>> = RefCell::new(Vec::new());
        let hook = |path: &webpki::VerifiedPath<'_>| -> Result<(), webpki::Error> {
            match check_path(path, names, &mut budget.borrow_mut()) {
                Ok(_) => Ok(()),
                Err(e) => {
                    let as_webpki = hook_error(&e);
                    let mut details = details.borrow_mut();
                    match details.iter_mut().find(|(w, _)| *w == as_webpki) {
                        Some(slot) => slot.1 = e,
                        None => details.push((as_webpki.clone(), e)),
                    }
                    Err(as_webpki)
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
                // The error webpki settled on came from our hook when it is one our hook
                // reported: then ours carries the detail (which name, which CA).
                let mut details = details.borrow_mut();
                match details.iter().position(|(w, _)| *w == e) {
                    Some(i) => details.swap_remove(i).1,
                    None => from_webpki(e),
                }
            })?;

        // Belt and braces: the hook accepted this path, so this cannot fail, but the
        // verdict never depends on that reasoning. One path, so a budget of its own.
        let constraints = check_path(&path, names, &mut NameConstraintBudget::default())?;
        Ok(VerifiedChain {
            constraints,
            intermediates_used: path.intermediate_certificates().count(),
        })
    }
}

/// sipcert's own checks of one candidate path: CA keyUsage, then the name constraints of
/// every CA applied to the SIP identities. Returns the constraints for later checks.
fn check_path(
    path: &webpki::VerifiedPath<'_>,
    names: &[IdentityName],
    budget: &mut NameConstraintBudget,
) -> Result<PathConstraints, ChainError> {
    key_usage::check_path(path)?;
    let constraints = name_constraints::from_path(path)?;
    constraints.check(names, budget)?;
    Ok(constraints)
}

/// The webpki error the path hook reports for one of our failures, so that webpki ranks it
/// among the errors of the other candidate paths (webpki keeps the most specific one).
fn hook_error(e: &ChainError) -> webpki::Error {
    match e {
        ChainError::MalformedNameConstraint { .. } => webpki::Error::MalformedNameConstraint,
        ChainError::Malformed { .. } | ChainError::TooLarge { .. } => webpki::Error::BadDer,
        // "This certificate may not act as a CA", like a CA certificate without cA=TRUE.
        ChainError::CaKeyUsage { .. } => webpki::Error::EndEntityUsedAsCa,
        ChainError::NameConstraintViolation { .. }
        | ChainError::NameConstraintBudgetExceeded { .. }
        | ChainError::NameNotCheckable { .. }
        | ChainError::Expired { .. }
        | ChainError::NotYetValid { .. }
        | ChainError::UnknownIssuer
        | ChainError::BadSignature
        | ChainError::Revoked
        | ChainError::RevocationStatusUnknown
        | ChainError::EkuNotPermitted { .. }
        | ChainError::PathLenConstraintViolated
        | ChainError::InvalidCrl { .. }
        | ChainError::Invalid { .. } => webpki::Error::NameConstraintViolation,
    }
}

/// A successfully validated path, with what later checks need from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    constraints: PathConstraints,
    intermediates_used: usize,
}

impl VerifiedChain {
    /// Checks SIP identities against the dNSName constraints of every CA on the path
    /// (within the same comparison budget as one [`ChainVerifier::verify`]).
    ///
    /// Use this when the identities are extracted after path validation (the usual order:
    /// only parse identities from DER that webpki has accepted).
    pub fn check_identities(&self, identities: &[DomainName]) -> Result<(), ChainError> {
        let names: Vec<IdentityName> = identities
            .iter()
            .cloned()
            .map(IdentityName::Domain)
            .collect();
        self.constraints
            .check(&names, &mut NameConstraintBudget::default())
    }

    /// Whether `identity` is inside the dNSName constraints of every CA on the path.
    pub fn permits(&self, identity: &DomainName) -> bool {
        self.constraints
            .permits(&IdentityName::Domain(identity.clone()))
    }

    /// Whether any CA on the path (trust anchor included) carries dNSName or iPAddress
    /// constraints.
    pub fn is_name_constrained(&self) -> bool {
        !self.constraints.is_empty()
    }

    /// How many of the presented intermediates the path uses.
    pub fn intermediates_used(&self) -> usize {
        self.intermediates_used
    }
}
