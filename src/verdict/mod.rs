//! The verdict on one end-entity certificate for one reference: names (RFC 5922 §7.1/§7.2)
//! plus the leaf EKU (RFC 5924 §5). The chain is validated elsewhere; its failures are folded
//! in with [`Verdict::with_chain_failure`] or built with [`Rejected::chain`].

mod codes;
mod hints;
mod matching;

use core::fmt;

pub use codes::{Hint, ReasonCode, Relaxation, Via};
pub use hints::HintNote;
pub use matching::{MatchedIdentity, Reference};

use crate::eku::{self, EkuAcceptance};
use crate::identity::{self, Identities, Identity, IgnoredName};
use crate::policy::Role;
use crate::Policy;

/// One reason for a reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    code: ReasonCode,
    message: String,
}

impl Reason {
    /// Builds a reason.
    pub fn new(code: ReasonCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The code.
    pub fn code(&self) -> ReasonCode {
        self.code
    }

    /// A readable sentence naming the rule.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Reason {
    /// `message [code]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.message, self.code)
    }
}

impl std::error::Error for Reason {}

/// An accepted certificate: what matched, and every relaxation that was needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    reference: Reference,
    matched: MatchedIdentity,
    relaxations: Vec<Relaxation>,
    eku: EkuAcceptance,
    identities: Vec<Identity>,
    ignored: Vec<IgnoredName>,
}

impl Accepted {
    /// The reference that was checked.
    pub fn reference(&self) -> &Reference {
        &self.reference
    }

    /// The identity that matched.
    pub fn matched(&self) -> &MatchedIdentity {
        &self.matched
    }

    /// Every relaxation used (match and EKU). Empty for a plain RFC 5922 match.
    pub fn relaxations(&self) -> &[Relaxation] {
        &self.relaxations
    }

    /// Why the EKU passed.
    pub fn eku(&self) -> EkuAcceptance {
        self.eku
    }

    /// The certificate's identities.
    pub fn identities(&self) -> &[Identity] {
        &self.identities
    }

    /// The names that are not identities.
    pub fn ignored(&self) -> &[IgnoredName] {
        &self.ignored
    }
}

/// A rejected certificate, with every reason and the near misses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    reference: Option<Reference>,
    reasons: Vec<Reason>,
    identities: Vec<Identity>,
    ignored: Vec<IgnoredName>,
    hints: Vec<HintNote>,
}

impl Rejected {
    /// A rejection for a reason found outside name matching (path validation: `chain-*`, or
    /// `cert-malformed`), for the chain checker.
    ///
    /// ```
    /// use sipcert::{DomainName, ReasonCode, Reference, Rejected};
    ///
    /// let r = Rejected::chain(ReasonCode::ChainExpired, "the certificate expired on 2020-01-01",
    ///     Some(Reference::Domain(DomainName::from_ascii("example.com")?)));
    /// assert_eq!(r.reasons()[0].code().code(), "chain-expired");
    /// # Ok::<(), sipcert::DomainNameError>(())
    /// ```
    pub fn chain(
        code: ReasonCode,
        message: impl Into<String>,
        reference: Option<Reference>,
    ) -> Self {
        Self {
            reference,
            reasons: vec![Reason::new(code, message)],
            identities: Vec::new(),
            ignored: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// Appends a reason.
    pub fn add_reason(&mut self, code: ReasonCode, message: impl Into<String>) {
        self.reasons.push(Reason::new(code, message));
    }

    /// The reference, when one was given and valid.
    pub fn reference(&self) -> Option<&Reference> {
        self.reference.as_ref()
    }

    /// Every reason, in the order found (never empty).
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// Whether a reason has this code.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }

    /// The certificate's identities (empty when it could not be parsed).
    pub fn identities(&self) -> &[Identity] {
        &self.identities
    }

    /// The names that are not identities.
    pub fn ignored(&self) -> &[IgnoredName] {
        &self.ignored
    }

    /// Near misses, each once.
    pub fn hints(&self) -> &[HintNote] {
        &self.hints
    }
}

impl fmt::Display for Rejected {
    /// One paragraph: the reference, the reasons (with their RFC rule), what the certificate
    /// presented with sources, what was ignored and why, and the hints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.reference {
            Some(r) => write!(f, "certificate rejected for {r}: ")?,
            None => f.write_str("certificate rejected: ")?,
        }
        for (i, reason) in self.reasons.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{reason}")?;
        }
        f.write_str(". The certificate presents ")?;
        if self.identities.is_empty() {
            f.write_str("no SIP domain identity")?;
        } else {
            for (i, id) in self.identities.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{id}")?;
            }
        }
        if !self.ignored.is_empty() {
            f.write_str("; ignored: ")?;
            for (i, ig) in self.ignored.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(
                    f,
                    "{} ({}: {})",
                    ig.value(),
                    ig.source().code(),
                    ig.reason().code()
                )?;
            }
        }
        f.write_str(".")?;
        for hint in &self.hints {
            write!(f, " Hint: {} [{}].", hint.message(), hint.code().code())?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejected {}

/// The verdict on one certificate for one reference.
///
/// Deliberately *not* `#[non_exhaustive]`: there are exactly two outcomes, so callers can match
/// exhaustively, with no wildcard arm that could turn into an accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The certificate is acceptable for the reference.
    Accept(Accepted),
    /// It is not.
    Reject(Rejected),
}

impl Verdict {
    /// Whether the verdict is accept.
    pub fn is_accept(&self) -> bool {
        matches!(self, Self::Accept(_))
    }

    /// The accept details.
    pub fn accepted(&self) -> Option<&Accepted> {
        match self {
            Self::Accept(a) => Some(a),
            Self::Reject(_) => None,
        }
    }

    /// The reject details.
    pub fn rejected(&self) -> Option<&Rejected> {
        match self {
            Self::Accept(_) => None,
            Self::Reject(r) => Some(r),
        }
    }

    /// The certificate's identities.
    pub fn identities(&self) -> &[Identity] {
        match self {
            Self::Accept(a) => a.identities(),
            Self::Reject(r) => r.identities(),
        }
    }

    /// The names that are not identities.
    pub fn ignored(&self) -> &[IgnoredName] {
        match self {
            Self::Accept(a) => a.ignored(),
            Self::Reject(r) => r.ignored(),
        }
    }

    /// Turns the verdict into a reject that also carries `code` (a chain failure found by path
    /// validation), keeping the reference, identities, ignored names and hints. A code the
    /// rejection already carries is not added twice.
    #[must_use]
    pub fn with_chain_failure(self, code: ReasonCode, message: impl Into<String>) -> Self {
        let mut rejected = match self {
            Self::Accept(a) => Rejected {
                reference: Some(a.reference),
                reasons: Vec::new(),
                identities: a.identities,
                ignored: a.ignored,
                hints: Vec::new(),
            },
            Self::Reject(r) => r,
        };
        // The same failure seen twice (the path EKU rule and the leaf EKU rule) is one reason.
        if !rejected.has_reason(code) {
            rejected.reasons.insert(0, Reason::new(code, message));
        }
        Self::Reject(rejected)
    }
}

/// Checks one end-entity certificate (DER) for one reference: RFC 5922 §7.1 extraction,
/// §7.2 matching, and the RFC 5924 EKU policy for `role`. The chain is **not** checked here.
///
/// ```
/// use sipcert::{check_end_entity, DomainName, Policy, Reference, Role};
///
/// let reference = Reference::Domain(DomainName::from_ascii("example.com")?);
/// let verdict = check_end_entity(b"garbage", &reference, Role::Server, &Policy::default());
/// assert_eq!(verdict.rejected().unwrap().reasons()[0].code().code(), "cert-malformed");
/// # Ok::<(), sipcert::DomainNameError>(())
/// ```
pub fn check_end_entity(
    cert_der: &[u8],
    reference: &Reference,
    role: Role,
    policy: &Policy,
) -> Verdict {
    let cert = match identity::parse_certificate(cert_der) {
        Ok(cert) => cert,
        Err(e) => return malformed(reference, e),
    };
    let ids = match identity::extract_from_parsed(&cert, policy) {
        Ok(ids) => ids,
        Err(e) => return malformed(reference, e),
    };
    let eku = eku::evaluate_parsed(&cert, role, policy.eku());
    decide(ids, reference, policy, eku)
}

fn malformed(reference: &Reference, e: identity::ExtractError) -> Verdict {
    Verdict::Reject(Rejected::chain(
        ReasonCode::CertMalformed,
        format!("{e}; nothing in it can be trusted"),
        Some(reference.clone()),
    ))
}

fn decide(
    ids: Identities,
    reference: &Reference,
    policy: &Policy,
    eku: Result<EkuAcceptance, eku::EkuError>,
) -> Verdict {
    let mut reasons = Vec::new();
    let eku = match eku {
        Ok(acceptance) => Some(acceptance),
        Err(e) => {
            let code = match e {
                eku::EkuError::NotPermitted { .. } => ReasonCode::EkuNotPermitted,
                _ => ReasonCode::CertMalformed,
            };
            reasons.push(Reason::new(code, e.to_string()));
            None
        }
    };
    let matched = match reference {
        Reference::Ip(ip) if !policy.are_ip_literals_allowed() => {
            reasons.push(Reason::new(
                ReasonCode::ReferenceIsIpLiteral,
                format!(
                    "the reference {ip} is an IP literal, not a SIP domain (RFC 5922 §7.2 compares DNS names); IP matching needs the allow_ip_literals policy"
                ),
            ));
            None
        }
        // Listed, not `_`: a new kind of reference must be looked at before it can match.
        Reference::Ip(_) | Reference::Domain(_) => ids.matches(reference, policy),
    };
    match (matched, eku) {
        (Some(matched), Some(eku)) if reasons.is_empty() => {
            let mut relaxations = matched.relaxations().to_vec();
            if eku.is_relaxation() {
                relaxations.push(Relaxation::EkuTlsCompatible);
            }
            let (identities, ignored) = ids.into_parts();
            Verdict::Accept(Accepted {
                reference: reference.clone(),
                matched,
                relaxations,
                eku,
                identities,
                ignored,
            })
        }
        (matched, _) => {
            if matched.is_none()
                && !reasons
                    .iter()
                    .any(|r| r.code == ReasonCode::ReferenceIsIpLiteral)
            {
                reasons.push(no_match_reason(&ids, reference));
            }
            // Near misses explain a name mismatch; when the name matched (and only the EKU
            // failed) there is nothing to explain about names.
            let hints = match (&matched, reference) {
                (None, Reference::Domain(d)) => hints::compute(&ids, d, policy),
                (Some(_), _) | (None, Reference::Ip(_)) => Vec::new(),
            };
            let (identities, ignored) = ids.into_parts();
            Verdict::Reject(Rejected {
                reference: Some(reference.clone()),
                reasons,
                identities,
                ignored,
                hints,
            })
        }
    }
}

fn no_match_reason(ids: &Identities, reference: &Reference) -> Reason {
    if ids.is_empty() {
        Reason::new(
            ReasonCode::NoIdentities,
            "the certificate has no SIP domain identity (RFC 5922 §7.1: only sip: URI SANs without user part, dNSName SANs when no sip: URI identity exists, and the subject CN when there is no SAN extension at all); RFC 5922 §7.3: not authenticated",
        )
    } else {
        Reason::new(
            ReasonCode::NoMatchingIdentity,
            format!(
                "no identity equals {reference}; RFC 5922 §7.2 compares whole DNS names, ASCII case-insensitively, with no suffix or wildcard matching"
            ),
        )
    }
}
