//! Certificate path validation for SIP (RFC 5922 §7.1 step 0, RFC 5280 §6) on top of webpki.
//!
//! [`ChainVerifier`] builds and checks a path from the end-entity certificate through the
//! presented intermediates to a trust anchor with
//! `webpki::EndEntityCert::verify_for_usage`: signatures (with the algorithms the caller's
//! crypto provider offers), validity periods, basic constraints and path length, webpki's own
//! name-constraint checks on the SANs it understands, revocation by CRL, and a **path** EKU
//! rule that suits SIP (see [`Role`]).
//!
//! On top of that it extracts the end entity's **SIP identities** itself (RFC 5922 §7.1, with
//! the caller's [`Policy`]) and applies the name constraints of every CA on the path (trust
//! anchor included) to every one of them, whatever its source (`sip:` URI host, dNSName, CN).
//! dNSName and iPAddress constraints apply to every domain and IP identity. webpki alone lets
//! a CA constrained to `example.com` mint `URI:sip:evil.example` or `CN=evil.example`, and a
//! CA constrained to `192.0.2.0/24` mint `URI:sip:198.51.100.7`; sipcert does not. It also
//! refuses an intermediate whose keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3, which webpki
//! ignores; trust anchors carry no keyUsage in webpki), and names a certificate too large for
//! webpki as such (`cert-too-large`). A [`VerifiedChain`] exists only for a path whose
//! identities passed those checks: the API has no way to validate a path and skip its names.
//!
//! `decision.rs` holds the whole decision on a presented certificate (`check_end_entity`,
//! [`ChainVerifier::check`]), next to the path validation it runs.
//!
//! This module has no rustls trait types: rustls adapters are built on it.
//!
//! ```
//! use sipcert::chain::ChainVerifier;
//! use sipcert::{Policy, Role};
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
//! let verified = verifier.verify(&leaf, &[], now, Role::Server, &Policy::default())?;
//! assert!(!verified.is_name_constrained());
//! // The SIP identities, already checked against every CA's name constraints.
//! assert_eq!(verified.identities().to_string(), "example.com (san-uri)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ca;
pub(crate) mod decision;
pub(crate) mod error;
mod key_usage;
mod name_constraints;
mod path_eku;
mod size;

use core::cell::{Cell, RefCell};
use core::fmt;

use rustls_pki_types::{
    CertificateDer, CertificateRevocationListDer, SignatureVerificationAlgorithm, TrustAnchor,
    UnixTime,
};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, OwnedCertRevocationList,
    RevocationCheckDepth, RevocationOptions, RevocationOptionsBuilder, UnknownStatusPolicy,
};

use crate::identity::{self, Identities, Identity};
use crate::policy::{Policy, Role};

pub(crate) use error::from_webpki;
pub use error::ChainError;

use name_constraints::{NameConstraintBudget, PathConstraints};

/// Revocation-checking options; they only matter when CRLs are configured. The defaults are
/// rustls's: every certificate of the path, unknown status denied, CRL expiry ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[allow(clippy::struct_excessive_bools)] // three independent switches, as in rustls
pub(crate) struct Revocation {
    pub(crate) end_entity_only: bool,
    pub(crate) allow_unknown_status: bool,
    pub(crate) enforce_expiration: bool,
}

/// Validates certificate paths for SIP; see the [module documentation](self).
pub struct ChainVerifier {
    algorithms: &'static [&'static dyn SignatureVerificationAlgorithm],
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<CertRevocationList<'static>>,
    revocation: Revocation,
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
            revocation: Revocation::default(),
        }
    }

    /// Adds CRLs (DER), as rustls's verifier builders take them. Revocation is checked only
    /// when at least one CRL is configured; then every certificate of the path must be
    /// covered by one (see [`ChainVerifier::allow_unknown_revocation_status`]).
    pub fn with_crls(
        mut self,
        crls: impl IntoIterator<Item = CertificateRevocationListDer<'static>>,
    ) -> Result<Self, ChainError> {
        for crl in crls {
            let owned =
                OwnedCertRevocationList::from_der(crl.as_ref()).map_err(ChainError::InvalidCrl)?;
            self.crls.push(CertRevocationList::from(owned));
        }
        Ok(self)
    }

    /// Checks the revocation status of the end entity only, not of the intermediates
    /// (rustls's `only_check_end_entity_revocation`).
    #[must_use]
    pub fn only_check_end_entity_revocation(mut self) -> Self {
        self.revocation.end_entity_only = true;
        self
    }

    /// Treats a certificate that no configured CRL covers as not revoked, instead of
    /// rejecting it with [`ChainError::RevocationStatusUnknown`] (rustls's
    /// `allow_unknown_revocation_status`).
    #[must_use]
    pub fn allow_unknown_revocation_status(mut self) -> Self {
        self.revocation.allow_unknown_status = true;
        self
    }

    /// Rejects the chain when a CRL's nextUpdate is in the past, instead of using the CRL
    /// anyway (rustls's `enforce_revocation_expiration`).
    #[must_use]
    pub fn enforce_revocation_expiration(mut self) -> Self {
        self.revocation.enforce_expiration = true;
        self
    }

    pub(crate) fn with_revocation(mut self, revocation: Revocation) -> Self {
        self.revocation = revocation;
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
    /// `now`, for `role`, extracts the end entity's SIP identities with `policy` (RFC 5922
    /// §7.1) and checks every one of them against the name constraints of every CA on the
    /// path. Path building tries another path when a constrained CA does not permit them.
    ///
    /// `role` selects the **path** EKU rule, which webpki applies to the end entity and to
    /// every intermediate: an EKU extension must be absent or contain one of
    /// - [`Role::Server`]: sipDomain, serverAuth, anyExtendedKeyUsage;
    /// - [`Role::Client`]: sipDomain, clientAuth, serverAuth, anyExtendedKeyUsage.
    ///
    /// The rule is deliberately permissive, because real intermediates carry
    /// `serverAuth`-only EKUs; the configured leaf rule ([`crate::EkuMode`]) is part of the
    /// verdict ([`ChainVerifier::check`]). A certificate with only, say, codeSigning fails
    /// here with [`ChainError::EkuNotPermitted`].
    ///
    /// This validates the path and the names' place under the CAs; it does not compare the
    /// identities with a reference: [`ChainVerifier::check`] gives the whole verdict.
    pub fn verify(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        role: Role,
        policy: &Policy,
    ) -> Result<VerifiedChain, ChainError> {
        let identities =
            identity::extract_identities(end_entity.as_ref(), policy).map_err(|e| {
                ChainError::Malformed {
                    detail: format!("end-entity certificate: {e}"),
                }
            })?;
        self.verify_extracted(end_entity, intermediates, now, role, identities)
            .map_err(|failed| failed.0)
    }

    /// [`ChainVerifier::verify`] with identities the caller extracted from `end_entity` (so
    /// the leaf is parsed once). On failure the identities come back for the diagnostic.
    pub(crate) fn verify_extracted(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        role: Role,
        identities: Identities,
    ) -> Result<VerifiedChain, Box<(ChainError, Identities)>> {
        match self.validate_path(
            end_entity,
            intermediates,
            now,
            role,
            identities.identities(),
        ) {
            Ok((name_constrained, intermediates_used)) => Ok(VerifiedChain {
                identities,
                name_constrained,
                intermediates_used,
            }),
            Err(e) => Err(Box::new((e, identities))),
        }
    }

    /// The webpki revocation options, or `None` when no CRL is configured.
    fn revocation_options<'a>(
        &self,
        crls: &'a [&'a CertRevocationList<'a>],
    ) -> Result<Option<RevocationOptions<'a>>, ChainError> {
        if crls.is_empty() {
            return Ok(None);
        }
        // Only an empty CRL list makes the builder fail, and that case returned above; should
        // it ever fail anyway, the chain is refused rather than checked without revocation.
        let builder =
            RevocationOptionsBuilder::new(crls).map_err(|_| ChainError::RevocationStatusUnknown)?;
        let r = self.revocation;
        Ok(Some(
            builder
                .with_depth(if r.end_entity_only {
                    RevocationCheckDepth::EndEntity
                } else {
                    RevocationCheckDepth::Chain
                })
                .with_status_policy(if r.allow_unknown_status {
                    UnknownStatusPolicy::Allow
                } else {
                    UnknownStatusPolicy::Deny
                })
                .with_expiration_policy(if r.enforce_expiration {
                    ExpirationPolicy::Enforce
                } else {
                    ExpirationPolicy::Ignore
                })
                .build(),
        ))
    }

    /// webpki path building with sipcert's hook; returns whether a CA of the accepted path
    /// carries name constraints, and how many intermediates the path used.
    fn validate_path(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        role: Role,
        names: &[Identity],
    ) -> Result<(bool, usize), ChainError> {
        size::check_sizes(end_entity, intermediates)?;
        let ee = EndEntityCert::try_from(end_entity).map_err(from_webpki)?;
        let crl_refs: Vec<&CertRevocationList<'static>> = if self.crls.is_empty() {
            Vec::new()
        } else {
            self.crls.iter().collect()
        };
        let revocation = self.revocation_options(&crl_refs)?;
        let hook = PathHook::new(names);
        let path = ee
            .verify_for_usage(
                self.algorithms,
                &self.anchors,
                intermediates,
                now,
                path_eku::PathEku::for_role(role),
                revocation,
                Some(&|path: &webpki::VerifiedPath<'_>| hook.check(path)),
            )
            .map_err(|e| hook.explain(e))?;
        let used = path.intermediate_certificates().count();
        // webpki calls the hook last on a candidate path and returns the first path the hook
        // accepts, so the hook's last acceptance is this path. Should that ever not hold (no
        // acceptance recorded, or one for a path of another length), the path is checked
        // again here: the verdict never depends on that reasoning. One path, so a budget of
        // its own.
        let name_constrained = match hook.accepted.get() {
            Some((intermediates, name_constrained)) if intermediates == used => name_constrained,
            Some(_) | None => check_path(&path, names, &mut NameConstraintBudget::default())?,
        };
        Ok((name_constrained, used))
    }
}

/// Intermediates of a path held without allocating: webpki builds paths of at most six.
const MAX_INTERMEDIATES: usize = 6;

/// sipcert's own checks of one candidate path: CA keyUsage, then the name constraints of
/// every CA applied to the SIP identities. Each intermediate is walked once, strictly, for
/// both. Returns whether any CA of the path carries dNSName or iPAddress constraints.
fn check_path(
    path: &webpki::VerifiedPath<'_>,
    names: &[Identity],
    budget: &mut NameConstraintBudget,
) -> Result<bool, ChainError> {
    // The DER of every intermediate (borrowed, no copy), so the walks can borrow from it.
    let mut ders: [CertificateDer<'_>; MAX_INTERMEDIATES] =
        core::array::from_fn(|_| CertificateDer::from(&[][..]));
    let mut count = 0;
    for cert in path.intermediate_certificates() {
        // A longer path than webpki builds is refused, not checked in part.
        let slot = ders.get_mut(count).ok_or_else(|| ChainError::Malformed {
            detail: format!("a path of more than {MAX_INTERMEDIATES} intermediates"),
        })?;
        *slot = cert.der();
        count += 1;
    }
    check_cas(
        path.anchor(),
        ders.get(..count).unwrap_or_default(),
        names,
        budget,
    )
}

/// [`check_path`] on the intermediates' DER.
fn check_cas(
    anchor: &TrustAnchor<'_>,
    ders: &[CertificateDer<'_>],
    names: &[Identity],
    budget: &mut NameConstraintBudget,
) -> Result<bool, ChainError> {
    let mut constraints = PathConstraints::of_anchor(anchor)?;
    for (index, der) in ders.iter().enumerate() {
        let der = der.as_ref();
        let cert = ca::parse(index, der)?;
        key_usage::check(&cert, &ca::CaName::Intermediate { index, der })?;
        constraints.add_intermediate(index, &cert, der)?;
    }
    constraints.check(names, budget)?;
    Ok(!constraints.is_empty())
}

/// sipcert's checks on each candidate path webpki builds. A failure makes webpki try another
/// path; the name-constraint budget is shared by all of them. webpki's error type cannot
/// carry our detail (which name, which CA), so the detail is kept per webpki error it was
/// reported as, and restored when webpki settles on that error.
struct PathHook<'a> {
    names: &'a [Identity],
    budget: RefCell<NameConstraintBudget>,
    details: RefCell<Vec<(webpki::Error, ChainError)>>,
    /// The last path the hook accepted: its number of intermediates, and whether a CA of it
    /// carries name constraints.
    accepted: Cell<Option<(usize, bool)>>,
}

impl<'a> PathHook<'a> {
    fn new(names: &'a [Identity]) -> Self {
        Self {
            names,
            budget: RefCell::new(NameConstraintBudget::default()),
            details: RefCell::new(Vec::new()),
            accepted: Cell::new(None),
        }
    }

    fn check(&self, path: &webpki::VerifiedPath<'_>) -> Result<(), webpki::Error> {
        let result = check_path(path, self.names, &mut self.budget.borrow_mut());
        match result {
            Ok(name_constrained) => {
                self.accepted.set(Some((
                    path.intermediate_certificates().count(),
                    name_constrained,
                )));
                Ok(())
            }
            Err(e) => {
                let as_webpki = hook_error(&e);
                let mut details = self.details.borrow_mut();
                match details.iter_mut().find(|(w, _)| *w == as_webpki) {
                    Some(slot) => slot.1 = e,
                    None => details.push((as_webpki.clone(), e)),
                }
                Err(as_webpki)
            }
        }
    }

    /// webpki's final error, replaced by the hook's own when the hook reported it.
    fn explain(&self, e: webpki::Error) -> ChainError {
        let mut details = self.details.borrow_mut();
        match details.iter().position(|(w, _)| *w == e) {
            Some(i) => details.swap_remove(i).1,
            None => from_webpki(e),
        }
    }
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
        | ChainError::InvalidCrl(_)
        | ChainError::Invalid(_) => webpki::Error::NameConstraintViolation,
    }
}

/// A successfully validated path, with the end entity's SIP identities checked against the
/// name constraints of every CA on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    identities: Identities,
    name_constrained: bool,
    intermediates_used: usize,
}

impl VerifiedChain {
    /// The end entity's SIP identities (RFC 5922 §7.1, under the policy given to
    /// [`ChainVerifier::verify`]); every one is inside the name constraints of the path.
    pub fn identities(&self) -> &Identities {
        &self.identities
    }

    /// The identities, by value.
    pub fn into_identities(self) -> Identities {
        self.identities
    }

    /// Whether any CA on the path (trust anchor included) carries dNSName or iPAddress
    /// constraints.
    pub fn is_name_constrained(&self) -> bool {
        self.name_constrained
    }

    /// How many of the presented intermediates the path uses.
    pub fn intermediates_used(&self) -> usize {
        self.intermediates_used
    }
}
