//! The stable `stir-…` reason codes and what each one means to the network: the RFC 8224
//! §6.2.2 response code, the RFC 9410 `Reason` header value and the ATIS-1000074 `verstat`.

use core::fmt;

/// Why a STIR verification failed. Stable kebab-case codes: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StirCode {
    /// `stir-identity-missing`: the Identity header value is empty (RFC 8224 §6.2.2: 428).
    IdentityMissing,
    /// `stir-header-malformed`: the Identity header value is not the RFC 8224 §4.1 grammar
    /// (three base64url parts, `;info=<URI>`, `;alg=`, `;ppt=`), or a part is not strict
    /// base64url, or a size bound is exceeded.
    HeaderMalformed,
    /// `stir-compact-form`: the compact form (`..signature`, RFC 8224 §4.2.2), which needs
    /// the PASSporT rebuilt from the SIP request; not supported.
    CompactForm,
    /// `stir-json-malformed`: the PASSporT header or payload is not strict JSON (UTF-8, no
    /// duplicate member names, bounded nesting), or not an object.
    JsonMalformed,
    /// `stir-alg-unsupported`: `alg` (in the PASSporT or the header's `alg` parameter) is
    /// not `ES256` (RFC 8225 §4, RFC 8588).
    AlgUnsupported,
    /// `stir-typ-unsupported`: `typ` is present and not `passport` (RFC 8225 §4.1).
    TypUnsupported,
    /// `stir-ppt-unsupported`: a `ppt` other than none, `shaken` or `div` (RFC 8225 §8).
    PptUnsupported,
    /// `stir-ppt-mismatch`: the header's `ppt` parameter differs from the PASSporT's
    /// (RFC 8224 §4.1).
    PptMismatch,
    /// `stir-claims-missing`: a required claim or header member is missing or of the wrong
    /// type (`x5u`, `orig`, `dest`, `iat`; `attest`, `origid` for SHAKEN, RFC 8588 §3).
    ClaimsMissing,
    /// `stir-claim-invalid`: a claim has a value the RFC forbids (an `attest` other than
    /// A/B/C, a telephone number with other characters, a `dest` with no entry).
    ClaimInvalid,
    /// `stir-attest-not-allowed`: the attestation level is not one the policy accepts.
    AttestNotAllowed,
    /// `stir-x5u-mismatch`: the header's `info` URI differs from the PASSporT's `x5u`
    /// (RFC 8588 §4: they must be the same).
    X5uMismatch,
    /// `stir-stale`: `iat` is outside the freshness window (RFC 8224 §6.2.2: 403 Stale Date).
    Stale,
    /// `stir-cert-unavailable`: the certificate source gave no chain for the `x5u`
    /// (RFC 8224 §6.2.2: 436 Bad Identity Info).
    CertUnavailable,
    /// `stir-chain-invalid`: the certificate does not chain to an STI-CA trust anchor, is
    /// expired, revoked or malformed (RFC 8224 §6.2.2: 437 Unsupported Credential).
    ChainInvalid,
    /// `stir-key-unsupported`: the certificate's key is not a P-256 key (ES256 needs one).
    KeyUnsupported,
    /// `stir-signature-invalid`: the ES256 signature does not verify with the certificate's
    /// key (RFC 8224 §6.2.2: 438 Invalid Identity Header).
    SignatureInvalid,
    /// `stir-tnauthlist-missing`: the certificate has no TNAuthList (RFC 8226 §9).
    TnAuthListMissing,
    /// `stir-tnauthlist-malformed`: the TNAuthList is not the strict DER of RFC 8226 §9.
    TnAuthListMalformed,
    /// `stir-tn-not-authorized`: no TN or range of the TNAuthList covers `orig.tn` (and the
    /// policy does not let an SPC stand for it).
    TnNotAuthorized,
    /// `stir-orig-mismatch`: the request's calling number (From / P-Asserted-Identity) is not
    /// `orig.tn` (RFC 8224 §6.2, §8.3 comparison).
    OrigMismatch,
    /// `stir-dest-mismatch`: the request's called number (To / Request-URI) is not in
    /// `dest.tn` (RFC 8224 §6.2).
    DestMismatch,
    /// `stir-orig-uri-unsupported`: the PASSporT names a SIP URI originator (`orig.uri`) but
    /// the caller gave no From URI to check it against ([`StirRequest::from`]).
    ///
    /// [`StirRequest::from`]: super::StirRequest::from
    OrigUriUnsupported,
    /// `stir-caller-number-invalid`: the caller-supplied calling or called number is not a
    /// telephone number (a `tel:` URI, a SIP URI with a number user part, or digits).
    CallerNumberInvalid,
    /// `stir-orig-uri-mismatch`: the PASSporT's `orig.uri` does not name the request's From
    /// URI (RFC 8224 §6.2 step 1; compared as SIP URIs, RFC 3261 §19.1.4).
    OrigUriMismatch,
    /// `stir-orig-uri-not-authorized`: the certificate does not carry the From URI's domain
    /// as an identity by RFC 5922's rules (RFC 8224 §7.2: the domain's credential signs for a
    /// SIP URI originator).
    OrigUriNotAuthorized,
    /// `stir-date-invalid`: the request's Date header value is not an RFC 3261 §25.1
    /// `SIP-date` (the RFC 7231 §7.1.1.1 IMF-fixdate, `GMT`).
    DateInvalid,
    /// `stir-date-stale`: the request's Date is outside the freshness window of now
    /// (RFC 8224 §6.2.2: 403 Stale Date).
    DateStale,
    /// `stir-claim-constraint-violated`: the PASSporT breaks a JWTClaimConstraints (RFC 8226
    /// §8) or EnhancedJWTClaimConstraints (RFC 9118 §3) extension of the certificate chain
    /// (`mustInclude`, `permittedValues`, `mustExclude`).
    ClaimConstraintViolated,
    /// `stir-claim-constraint-malformed`: a JWTClaimConstraints or
    /// EnhancedJWTClaimConstraints extension is not the strict DER of its ASN.1 module.
    ClaimConstraintMalformed,
    /// `stir-delegate-outside-issuer`: the certificate's TNAuthList is not within the
    /// TNAuthList of its issuer (RFC 9060 §4: a delegate certificate's scope lies within its
    /// parent's).
    DelegateOutsideIssuer,
    /// `stir-lint-failed`: the policy enforces the certificate profile
    /// ([`LintMode::Enforce`](super::LintMode::Enforce)) and the x5u certificate has an
    /// error-severity lint finding (RFC 8226, ATIS-1000080).
    LintFailed,
    /// `stir-rfc4474-identity-missing` (RFC 4474, obsolete): the request has no Identity header
    /// (RFC 4474 §6.2, §12.1: 428 Use Identity Header).
    Rfc4474IdentityMissing,
    /// `stir-rfc4474-identity-malformed` (RFC 4474, obsolete): the RFC 4474 Identity header is not
    /// `"` base64 `"` (RFC 4474 §9 `signed-identity-digest`, strict base64 with padding).
    Rfc4474IdentityMalformed,
    /// `stir-rfc4474-identity-info-invalid` (RFC 4474, obsolete): the Identity-Info header is
    /// missing or is not `<absoluteURI>` with `;`-parameters (RFC 4474 §9 `ident-info`; 436 Bad
    /// Identity-Info).
    Rfc4474InfoInvalid,
    /// `stir-rfc4474-alg-unsupported` (RFC 4474, obsolete): Identity-Info's `alg` is not
    /// `rsa-sha1`, the only algorithm RFC 4474 §9 defines (absent means `rsa-sha1`).
    Rfc4474AlgUnsupported,
    /// `stir-rfc4474-request-malformed` (RFC 4474, obsolete): the SIP request cannot give the RFC
    /// 4474 §9 digest string: a required header (From, To, Call-ID, CSeq, Date) is missing,
    /// repeated or malformed, there is more than one Contact, or Content-Length disagrees with the
    /// body.
    Rfc4474RequestMalformed,
    /// `stir-rfc4474-date-invalid` (RFC 4474, obsolete): the Date header is not an RFC 3261 §25.1
    /// SIP-date (IMF-fixdate, `GMT`).
    Rfc4474DateInvalid,
    /// `stir-rfc4474-date-stale` (RFC 4474, obsolete): the Date header is outside the freshness
    /// window of now (RFC 4474 §6.2 step 4: "usually, within an hour"; answered as RFC 8224's 403
    /// Stale Date).
    Rfc4474DateStale,
    /// `stir-rfc4474-cert-unavailable` (RFC 4474, obsolete): the certificate source gave no
    /// certificate for the Identity-Info URI (RFC 4474 §6.2 step 1: 436 Bad Identity-Info).
    Rfc4474CertUnavailable,
    /// `stir-rfc4474-chain-invalid` (RFC 4474, obsolete): the Identity-Info certificate does not
    /// chain to a trust anchor, is expired or malformed (RFC 4474 §12.3: 437 Unsupported
    /// Certificate).
    Rfc4474ChainInvalid,
    /// `stir-rfc4474-domain-not-authorized` (RFC 4474, obsolete): the Identity-Info certificate
    /// does not carry the From URI's domain as an identity by the crate's RFC 5922 rules (RFC 4474
    /// §6.2 step 1: the certificate must be for the From domain).
    Rfc4474DomainNotAuthorized,
    /// `stir-rfc4474-key-unsupported` (RFC 4474, obsolete): the Identity-Info certificate's key is
    /// not an RSA key that RSA-SHA1 can use (2048 to 8192 bits).
    Rfc4474KeyUnsupported,
    /// `stir-rfc4474-signature-invalid` (RFC 4474, obsolete): the RSA-SHA1 (PKCS#1 v1.5) signature
    /// does not verify over the RFC 4474 §9 digest string with the certificate's key (438 Invalid
    /// Identity Header).
    Rfc4474SignatureInvalid,
    /// `stir-request-malformed`: the whole SIP request given to
    /// [`RequestFields::parse`](super::RequestFields::parse) cannot be read: not a request,
    /// a malformed header line, a missing, repeated or unparsable From or To, a repeated
    /// Date. Answered as 438 Invalid Identity Header (RFC 8224 §6.2.2 has no closer code:
    /// the fields the Identity is checked against cannot be read) with `No-TN-Validation`,
    /// since nothing was verified.
    RequestMalformed,
}

/// The ATIS-1000074 verification status (`verstat`) for the P-Asserted-Identity / From.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verstat {
    /// `TN-Validation-Passed`.
    Passed,
    /// `TN-Validation-Failed`.
    Failed,
    /// `No-TN-Validation`: no verification could be attempted.
    NoValidation,
}

impl Verstat {
    /// The parameter value as ATIS-1000074 spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passed => "TN-Validation-Passed",
            Self::Failed => "TN-Validation-Failed",
            Self::NoValidation => "No-TN-Validation",
        }
    }
}

impl fmt::Display for Verstat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl StirCode {
    /// Every code, in declaration order.
    pub const ALL: [Self; 45] = [
        Self::IdentityMissing,
        Self::HeaderMalformed,
        Self::CompactForm,
        Self::JsonMalformed,
        Self::AlgUnsupported,
        Self::TypUnsupported,
        Self::PptUnsupported,
        Self::PptMismatch,
        Self::ClaimsMissing,
        Self::ClaimInvalid,
        Self::AttestNotAllowed,
        Self::X5uMismatch,
        Self::Stale,
        Self::CertUnavailable,
        Self::ChainInvalid,
        Self::KeyUnsupported,
        Self::SignatureInvalid,
        Self::TnAuthListMissing,
        Self::TnAuthListMalformed,
        Self::TnNotAuthorized,
        Self::OrigMismatch,
        Self::DestMismatch,
        Self::OrigUriUnsupported,
        Self::CallerNumberInvalid,
        Self::OrigUriMismatch,
        Self::OrigUriNotAuthorized,
        Self::DateInvalid,
        Self::DateStale,
        Self::ClaimConstraintViolated,
        Self::ClaimConstraintMalformed,
        Self::DelegateOutsideIssuer,
        Self::LintFailed,
        Self::Rfc4474IdentityMissing,
        Self::Rfc4474IdentityMalformed,
        Self::Rfc4474InfoInvalid,
        Self::Rfc4474AlgUnsupported,
        Self::Rfc4474RequestMalformed,
        Self::Rfc4474DateInvalid,
        Self::Rfc4474DateStale,
        Self::Rfc4474CertUnavailable,
        Self::Rfc4474ChainInvalid,
        Self::Rfc4474DomainNotAuthorized,
        Self::Rfc4474KeyUnsupported,
        Self::Rfc4474SignatureInvalid,
        Self::RequestMalformed,
    ];

    /// The code's row: its string, its RFC 8224 §6.2.2 response code, its `verstat`. One
    /// exhaustive table, so a new code cannot miss a column.
    fn row(self) -> (&'static str, u16, Verstat) {
        use Verstat::{Failed, NoValidation};
        match self {
            Self::IdentityMissing => ("stir-identity-missing", 428, NoValidation),
            Self::HeaderMalformed => ("stir-header-malformed", 438, Failed),
            Self::CompactForm => ("stir-compact-form", 438, NoValidation),
            Self::JsonMalformed => ("stir-json-malformed", 438, Failed),
            Self::AlgUnsupported => ("stir-alg-unsupported", 438, Failed),
            Self::TypUnsupported => ("stir-typ-unsupported", 438, Failed),
            Self::PptUnsupported => ("stir-ppt-unsupported", 438, Failed),
            Self::PptMismatch => ("stir-ppt-mismatch", 438, Failed),
            Self::ClaimsMissing => ("stir-claims-missing", 438, Failed),
            Self::ClaimInvalid => ("stir-claim-invalid", 438, Failed),
            Self::AttestNotAllowed => ("stir-attest-not-allowed", 438, Failed),
            Self::X5uMismatch => ("stir-x5u-mismatch", 438, Failed),
            Self::Stale => ("stir-stale", 403, Failed),
            Self::CertUnavailable => ("stir-cert-unavailable", 436, NoValidation),
            Self::ChainInvalid => ("stir-chain-invalid", 437, Failed),
            Self::KeyUnsupported => ("stir-key-unsupported", 437, Failed),
            Self::SignatureInvalid => ("stir-signature-invalid", 438, Failed),
            Self::TnAuthListMissing => ("stir-tnauthlist-missing", 437, Failed),
            Self::TnAuthListMalformed => ("stir-tnauthlist-malformed", 437, Failed),
            Self::TnNotAuthorized => ("stir-tn-not-authorized", 437, Failed),
            Self::OrigMismatch => ("stir-orig-mismatch", 438, Failed),
            Self::DestMismatch => ("stir-dest-mismatch", 438, Failed),
            Self::OrigUriUnsupported => ("stir-orig-uri-unsupported", 437, Failed),
            Self::CallerNumberInvalid => ("stir-caller-number-invalid", 438, Failed),
            Self::OrigUriMismatch => ("stir-orig-uri-mismatch", 438, Failed),
            Self::OrigUriNotAuthorized => ("stir-orig-uri-not-authorized", 437, Failed),
            Self::DateInvalid => ("stir-date-invalid", 438, Failed),
            Self::DateStale => ("stir-date-stale", 403, Failed),
            Self::ClaimConstraintViolated => ("stir-claim-constraint-violated", 437, Failed),
            Self::ClaimConstraintMalformed => ("stir-claim-constraint-malformed", 437, Failed),
            Self::DelegateOutsideIssuer => ("stir-delegate-outside-issuer", 437, Failed),
            Self::LintFailed => ("stir-lint-failed", 437, Failed),
            Self::Rfc4474IdentityMissing => ("stir-rfc4474-identity-missing", 428, NoValidation),
            Self::Rfc4474IdentityMalformed => ("stir-rfc4474-identity-malformed", 438, Failed),
            Self::Rfc4474InfoInvalid => ("stir-rfc4474-identity-info-invalid", 436, NoValidation),
            Self::Rfc4474AlgUnsupported => ("stir-rfc4474-alg-unsupported", 438, Failed),
            Self::Rfc4474RequestMalformed => ("stir-rfc4474-request-malformed", 438, Failed),
            Self::Rfc4474DateInvalid => ("stir-rfc4474-date-invalid", 438, Failed),
            Self::Rfc4474DateStale => ("stir-rfc4474-date-stale", 403, Failed),
            Self::Rfc4474CertUnavailable => ("stir-rfc4474-cert-unavailable", 436, NoValidation),
            Self::Rfc4474ChainInvalid => ("stir-rfc4474-chain-invalid", 437, Failed),
            Self::Rfc4474DomainNotAuthorized => ("stir-rfc4474-domain-not-authorized", 437, Failed),
            Self::Rfc4474KeyUnsupported => ("stir-rfc4474-key-unsupported", 437, Failed),
            Self::Rfc4474SignatureInvalid => ("stir-rfc4474-signature-invalid", 438, Failed),
            Self::RequestMalformed => ("stir-request-malformed", 438, NoValidation),
        }
    }

    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        self.row().0
    }

    /// The SIP response code of RFC 8224 §6.2.2 (and RFC 9410's `cause`): 428 Use Identity
    /// Header (no Identity header), 436 Bad Identity Info (no certificate for `x5u`), 437
    /// Unsupported Credential (the certificate cannot vouch for the call), 438 Invalid
    /// Identity Header (the header, its signature or its claims), 403 Stale Date.
    pub fn response_code(self) -> u16 {
        self.row().1
    }

    /// The reason phrase of [`StirCode::response_code`]. A PASSporT that lacks a required
    /// header member or claim gets the alternative phrase RFC 8224 §6.2.2 gives for that case,
    /// `Invalid PASSporT` (still 438), which tells the signer's operator what to look for.
    pub fn reason_phrase(self) -> &'static str {
        if self == Self::ClaimsMissing {
            return "Invalid PASSporT";
        }
        match self.response_code() {
            428 => "Use Identity Header",
            403 => "Stale Date",
            436 => "Bad Identity Info",
            437 => "Unsupported Credential",
            _ => "Invalid Identity Header",
        }
    }

    /// The RFC 9410 `Reason` header field value: `STIR;cause=N;text="…"`.
    pub fn reason_header(self) -> String {
        format!(
            "STIR;cause={};text=\"{}\"",
            self.response_code(),
            self.reason_phrase()
        )
    }

    /// The ATIS-1000074 `verstat` a failure with this code yields: `No-TN-Validation` when
    /// there was nothing to verify or no credential to verify with, otherwise
    /// `TN-Validation-Failed`.
    pub fn verstat(self) -> Verstat {
        self.row().2
    }
}

impl fmt::Display for StirCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A failed STIR step: its code and a message naming the rule and where the input broke it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StirError {
    /// The reason code.
    pub code: StirCode,
    /// What and where, naming the RFC rule.
    pub message: String,
}

impl StirError {
    pub(crate) fn new(code: StirCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for StirError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for StirError {}
