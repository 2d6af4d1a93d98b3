//! The verdict on one certificate for one reference: what was accepted and through which
//! relaxations, or every reason, near miss and ignored name of a rejection. The verdict is
//! reached in [`crate::check_end_entity`] (names and EKU only) and
//! [`ChainVerifier::check`](crate::chain::ChainVerifier::check) (the whole decision).
//!
//! Only the output types and their rendering live here: the accept rule and the rendering of
//! an outcome into these types are in `matching`, the decision in `chain::decision`.

mod matched;

use core::fmt;

pub use matched::MatchedIdentity;

use crate::chain::error::ChainError;
use crate::codes::{Hint, ReasonCode, Relaxation};
use crate::eku::EkuAcceptance;
use crate::identity::{Identities, Identity, IgnoredName};
use crate::reference::Reference;

/// A hint with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HintNote {
    code: Hint,
    message: String,
}

impl HintNote {
    /// A hint `code` explained by `message`.
    pub(crate) fn new(code: Hint, message: String) -> Self {
        Self { code, message }
    }

    /// The hint code.
    pub fn code(&self) -> Hint {
        self.code
    }

    /// One sentence naming the presented value and the rule.
    pub fn message(&self) -> &str {
        &self.message
    }
}

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
    chain: ChainCheck,
    identities: Vec<Identity>,
    ignored: Vec<IgnoredName>,
}

/// Whether the certificate path was validated to reach an accept.
///
/// [`crate::check_end_entity`] judges names and EKU only and says so with
/// [`ChainCheck::NotChecked`]; an accept that authenticates a peer needs
/// [`ChainCheck::Validated`], which only [`ChainVerifier`](crate::chain::ChainVerifier) (and the
/// rustls verifiers built on it) produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainCheck {
    /// The path was validated to a trust anchor, with CRLs when configured, and the CA name
    /// constraints and key usages were applied to the certificate's SIP identities.
    Validated,
    /// Only the end-entity certificate's names and EKU were examined: signatures, validity,
    /// trust, revocation and name constraints were **not** checked.
    NotChecked,
}

impl ChainCheck {
    /// `valid` or `unchecked`, as the command line prints it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Validated => "valid",
            Self::NotChecked => "unchecked",
        }
    }
}

impl Accepted {
    /// The accept of `reference` through `matched`, with every relaxation used, the EKU
    /// outcome, what was established about the path, and the certificate's names.
    pub(crate) fn new(
        reference: Reference,
        matched: MatchedIdentity,
        relaxations: Vec<Relaxation>,
        eku: EkuAcceptance,
        chain: ChainCheck,
        ids: Identities,
    ) -> Self {
        let (identities, ignored) = ids.into_parts();
        Self {
            reference,
            matched,
            relaxations,
            eku,
            chain,
            identities,
            ignored,
        }
    }

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

    /// Whether the path was validated ([`ChainCheck::Validated`]) or only the names and EKU
    /// were examined ([`ChainCheck::NotChecked`]).
    pub fn chain(&self) -> ChainCheck {
        self.chain
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
///
/// The reasons stay inline; everything else is boxed, so that a `Result<_, Rejected>` stays
/// small on the accept path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    reasons: Vec<Reason>,
    detail: Box<RejectedDetail>,
}

/// The diagnostic part of a [`Rejected`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct RejectedDetail {
    reference: Option<Reference>,
    identities: Vec<Identity>,
    ignored: Vec<IgnoredName>,
    hints: Vec<HintNote>,
    path_error: Option<ChainError>,
    chain: ChainCheck,
}

impl Rejected {
    /// A rejection for one reason, with no certificate details: for a decision taken before
    /// the certificate was examined (an unusable reference, a failed handshake) or for a
    /// caller's own policy.
    ///
    /// ```
    /// use sipcert::{DomainName, ReasonCode, Reference, Rejected};
    ///
    /// let r = Rejected::new(ReasonCode::ChainExpired, "the certificate expired on 2020-01-01",
    ///     Some(Reference::Domain(DomainName::from_ascii("example.com")?)));
    /// assert_eq!(r.reasons()[0].code().code(), "chain-expired");
    /// # Ok::<(), sipcert::DomainNameError>(())
    /// ```
    pub fn new(code: ReasonCode, message: impl Into<String>, reference: Option<Reference>) -> Self {
        Self {
            reasons: vec![Reason::new(code, message)],
            detail: Box::new(RejectedDetail {
                reference,
                identities: Vec::new(),
                ignored: Vec::new(),
                hints: Vec::new(),
                path_error: None,
                chain: ChainCheck::NotChecked,
            }),
        }
    }

    /// A rejection for names found lacking without a reference (a client certificate, RFC
    /// 5922 §7.4): keeps the identities and ignored names for the diagnostic.
    pub(crate) fn for_identities(
        code: ReasonCode,
        message: impl Into<String>,
        ids: Identities,
        chain: ChainCheck,
    ) -> Self {
        let (identities, ignored) = ids.into_parts();
        Self {
            reasons: vec![Reason::new(code, message)],
            detail: Box::new(RejectedDetail {
                reference: None,
                identities,
                ignored,
                hints: Vec::new(),
                path_error: None,
                chain,
            }),
        }
    }

    /// The rejection of names for `reference`: `reasons`, the identities and ignored names
    /// for the diagnostic, and the near-miss `hints`.
    pub(crate) fn for_names(
        reference: Reference,
        reasons: Vec<Reason>,
        ids: Identities,
        hints: Vec<HintNote>,
        chain: ChainCheck,
    ) -> Self {
        let (identities, ignored) = ids.into_parts();
        Self {
            reasons,
            detail: Box::new(RejectedDetail {
                reference: Some(reference),
                identities,
                ignored,
                hints,
                path_error: None,
                chain,
            }),
        }
    }

    /// A rejection by path validation, keeping the identities for the diagnostic.
    pub(crate) fn from_path_error(e: ChainError, ids: Identities) -> Self {
        let mut r =
            Self::for_identities(e.reason_code(), e.to_string(), ids, ChainCheck::Validated);
        r.detail.path_error = Some(e);
        r
    }

    /// A rejection by path validation alone (no certificate details).
    #[cfg(test)]
    pub(crate) fn from_chain_error(e: ChainError, reference: Option<Reference>) -> Self {
        let mut r = Self::new(e.reason_code(), e.to_string(), reference);
        r.detail.path_error = Some(e);
        r.detail.chain = ChainCheck::Validated;
        r
    }

    /// The same rejection, for `reference`.
    pub(crate) fn with_reference(mut self, reference: &Reference) -> Self {
        self.detail.reference = Some(reference.clone());
        self
    }

    /// Appends a reason.
    pub fn add_reason(&mut self, code: ReasonCode, message: impl Into<String>) {
        self.reasons.push(Reason::new(code, message));
    }

    /// The reference, when one was given and valid.
    pub fn reference(&self) -> Option<&Reference> {
        self.detail.reference.as_ref()
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
        &self.detail.identities
    }

    /// The names that are not identities.
    pub fn ignored(&self) -> &[IgnoredName] {
        &self.detail.ignored
    }

    /// Near misses, each once.
    pub fn hints(&self) -> &[HintNote] {
        &self.detail.hints
    }

    /// The path-validation failure, when path validation is (one of) the reasons.
    pub fn path_error(&self) -> Option<&ChainError> {
        self.detail.path_error.as_ref()
    }

    /// Whether path validation ran ([`ChainCheck::Validated`], whatever its outcome: see
    /// [`Rejected::path_error`]) or only the names and EKU were examined.
    pub fn chain(&self) -> ChainCheck {
        self.detail.chain
    }

    /// Records a path-validation failure as the first reason (once per code).
    pub(crate) fn add_path_error(&mut self, e: ChainError) {
        let code = e.reason_code();
        if !self.has_reason(code) {
            self.reasons.insert(0, Reason::new(code, e.to_string()));
        }
        self.detail.path_error = Some(e);
    }
}

impl fmt::Display for Rejected {
    /// One paragraph: the reference, the reasons (with their RFC rule), what the certificate
    /// presented with sources, what was ignored and why, and the hints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail.reference {
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
        if self.detail.identities.is_empty() {
            f.write_str("no SIP domain identity")?;
        } else {
            for (i, id) in self.detail.identities.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{id}")?;
            }
        }
        if !self.detail.ignored.is_empty() {
            f.write_str("; ignored: ")?;
            for (i, ig) in self.detail.ignored.iter().enumerate() {
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
        for hint in &self.detail.hints {
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

    /// Turns the verdict into a reject that also carries `code` (a failure found outside the
    /// certificate, such as a TLS handshake that failed after the certificate passed),
    /// keeping the reference, identities, ignored names and hints. A code the rejection
    /// already carries is not added twice. This can only ever reject.
    #[must_use]
    pub fn with_failure(self, code: ReasonCode, message: impl Into<String>) -> Self {
        let mut rejected = self.into_rejected();
        if !rejected.has_reason(code) {
            rejected.reasons.insert(0, Reason::new(code, message));
        }
        Self::Reject(rejected)
    }

    /// The same verdict with `hint` added to a rejection (an accept is unchanged).
    pub(crate) fn with_hint(self, hint: Option<HintNote>) -> Self {
        match (self, hint) {
            (Self::Reject(mut r), Some(h)) => {
                if !r.detail.hints.iter().any(|x| x.code() == h.code()) {
                    r.detail.hints.push(h);
                }
                Self::Reject(r)
            }
            (v, _) => v,
        }
    }

    /// The verdict as a rejection with a path-validation failure.
    pub(crate) fn with_path_error(self, e: ChainError) -> Self {
        let mut rejected = self.into_rejected();
        rejected.add_path_error(e);
        Self::Reject(rejected)
    }

    /// The state of the certificate path as one stable word: `valid` or `unchecked` when
    /// path validation passed or did not run, else the code of what made the chain (or the
    /// end-entity certificate) unusable: the path-validation failure, `cert-malformed`, or a
    /// `chain-*` failure recorded by [`Verdict::with_failure`].
    pub fn chain_status(&self) -> &'static str {
        let rejected = match self {
            Self::Accept(a) => return a.chain.code(),
            Self::Reject(r) => r,
        };
        if let Some(e) = &rejected.detail.path_error {
            return e.code();
        }
        rejected
            .reasons
            .iter()
            .map(Reason::code)
            .find(|c| {
                c.is_chain() || matches!(c, ReasonCode::CertMalformed | ReasonCode::CertTooLarge)
            })
            .map_or(rejected.detail.chain.code(), ReasonCode::code)
    }

    pub(crate) fn into_rejected(self) -> Rejected {
        match self {
            Self::Accept(a) => Rejected {
                reasons: Vec::new(),
                detail: Box::new(RejectedDetail {
                    reference: Some(a.reference),
                    identities: a.identities,
                    ignored: a.ignored,
                    hints: Vec::new(),
                    path_error: None,
                    chain: a.chain,
                }),
            },
            Self::Reject(r) => r,
        }
    }
}
