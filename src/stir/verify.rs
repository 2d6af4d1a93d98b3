//! The STI-VS (ATIS-1000074 §5.3, RFC 8224 §6.2): the Identity header parsed, the x5u
//! certificate chain (from the caller's [`CertificateSource`]) validated to the STI-CA trust
//! anchors, the ES256 signature, the attestation policy, freshness, the request's numbers
//! against `orig` and `dest`, and the certificate's TNAuthList against `orig.tn`.
//!
//! [`Verified`] can only be built from one proof per check (private types that only the
//! check functions construct), so no path can report "verified" with a check skipped.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::SignatureScheme;
use rustls_pki_types::{
    alg_id, CertificateDer, CertificateRevocationListDer, SignatureVerificationAlgorithm,
    TrustAnchor, UnixTime,
};
use webpki::{
    CertRevocationList, EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter,
    OwnedCertRevocationList, RevocationOptionsBuilder,
};

use super::chain_cache::{self, ChainCache};
use super::codes::{StirCode, StirError, Verstat};
use super::ecdsa;
use super::header::{parse_identity, IdentityHeader};
use super::lint::{self, LintMode};
use super::passport::{Attest, Claims, Orig, Passport};
use super::tn::CanonicalTn;
use super::tnauth::{self, TnEntry};
use super::{compact, constraints, date, delegate, orig_uri};
use crate::der::cert::Certificate;
use crate::domain::DomainName;
use crate::uri::OwnedSipUri;

/// Why a [`CertificateSource`] has no chain for an URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// What went wrong (shown in the verdict's message).
    pub message: String,
}

impl SourceError {
    /// An error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}

/// Where the verifier gets the certificate chain an `x5u` URL names. The core does no I/O: a
/// caller fetches (and caches) the chain, or serves it from files.
pub trait CertificateSource {
    /// The chain at `url`, DER, leaf first, intermediates after it.
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError>;
}

/// The verifier's knobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StirPolicy {
    freshness: Duration,
    allow_spc_only: bool,
    attest: [bool; 3],
    lint: LintMode,
}

impl Default for StirPolicy {
    /// `iat` within 60 s of now either way (RFC 8224 §6.2.2's recommendation); an SPC-only
    /// certificate may stand for any number (as SHAKEN deployments do; the result says so);
    /// every attestation level accepted; the certificate profile lint reported, not
    /// enforced.
    fn default() -> Self {
        Self {
            freshness: Duration::from_secs(60),
            allow_spc_only: true,
            attest: [true; 3],
            lint: LintMode::Report,
        }
    }
}

impl StirPolicy {
    /// How far `iat` may be from now, either way.
    #[must_use]
    pub fn freshness(mut self, window: Duration) -> Self {
        self.freshness = window;
        self
    }

    /// Whether a certificate whose TNAuthList names only an SPC (no TN, no range covering
    /// `orig.tn`) may verify a number.
    #[must_use]
    pub fn allow_spc_only(mut self, allow: bool) -> Self {
        self.allow_spc_only = allow;
        self
    }

    /// The SHAKEN attestation levels accepted (others fail with `stir-attest-not-allowed`).
    #[must_use]
    pub fn allowed_attestations(mut self, levels: &[Attest]) -> Self {
        self.attest = [
            levels.contains(&Attest::A),
            levels.contains(&Attest::B),
            levels.contains(&Attest::C),
        ];
        self
    }

    /// Whether the ATIS-1000080 / RFC 8226 certificate lint decides: with
    /// [`LintMode::Enforce`], an error-severity finding on the x5u certificate fails the
    /// verification with `stir-lint-failed`.
    #[must_use]
    pub fn lint(mut self, mode: LintMode) -> Self {
        self.lint = mode;
        self
    }

    fn allows(&self, level: Attest) -> bool {
        match level {
            Attest::A => self.attest[0],
            Attest::B => self.attest[1],
            Attest::C => self.attest[2],
        }
    }
}

/// What the verifier is asked: the Identity header value and what the caller extracted from
/// the SIP request: the numbers, and, when it has them, the From URI and the Date header.
#[derive(Debug, Clone, Copy)]
pub struct StirRequest<'a> {
    /// The Identity header field value.
    pub identity: &'a str,
    /// The calling number (From, or P-Asserted-Identity when present); compared with
    /// `orig.tn` (a PASSporT with `orig.uri` is checked against [`StirRequest::from`]).
    pub orig: &'a CanonicalTn,
    /// The called number (To, or the Request-URI).
    pub dest: &'a CanonicalTn,
    /// The From header's URI. A PASSporT whose originator is a SIP URI (`orig.uri`) is
    /// checked against it (and the certificate must carry its domain); without it such a
    /// PASSporT fails with `stir-orig-uri-unsupported`.
    pub from: Option<&'a OwnedSipUri>,
    /// The Date header field value (without surrounding whitespace), when the request has
    /// one: it must be an IMF-fixdate within the freshness window of now, and `iat` within
    /// the window of it (RFC 8224 §6.2.2). `None`: `iat` is checked against the clock only.
    pub date: Option<&'a str>,
}

impl<'a> StirRequest<'a> {
    /// A request with the Identity header value and the numbers, no From URI, no Date.
    pub fn new(identity: &'a str, orig: &'a CanonicalTn, dest: &'a CanonicalTn) -> Self {
        Self {
            identity,
            orig,
            dest,
            from: None,
            date: None,
        }
    }

    /// With the From header's URI.
    #[must_use]
    pub fn with_from(mut self, from: &'a OwnedSipUri) -> Self {
        self.from = Some(from);
        self
    }

    /// With the Date header value.
    #[must_use]
    pub fn with_date(mut self, date: &'a str) -> Self {
        self.date = Some(date);
        self
    }
}

/// How the certificate authorizes `orig.tn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TnAuthority {
    /// A TN or range of the TNAuthList covers the number.
    Number(TnEntry),
    /// No TN covers it, but the TNAuthList has this SPC and the policy lets an SPC stand
    /// for the number (the SHAKEN practice): the number itself was not checked against the
    /// certificate.
    ServiceProviderCode(String),
    /// The originator is a SIP URI (`orig.uri`) whose domain the certificate carries as an
    /// identity by RFC 5922's rules (RFC 8224 §7.2).
    Domain(DomainName),
}

impl fmt::Display for TnAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(entry) => write!(f, "the certificate's TNAuthList covers it ({entry})"),
            Self::ServiceProviderCode(spc) => write!(
                f,
                "the certificate names only SPC {spc}, which the policy lets stand for the number \
                 (the number itself is not in the certificate)"
            ),
            Self::Domain(domain) => write!(
                f,
                "the certificate carries the From domain {domain} as an identity (RFC 5922)"
            ),
        }
    }
}

/// A verified Identity header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    header: IdentityHeader,
    tn_auth_list: Vec<TnEntry>,
    authority: TnAuthority,
}

impl Verified {
    /// Built from one proof per check: only the check functions make them.
    fn new(
        header: IdentityHeader,
        chain: ChainOk,
        signature: SignatureOk,
        claims: ClaimsOk,
        tn: TnOk,
    ) -> Self {
        let (ChainOk(()), SignatureOk(()), ClaimsOk(())) = (chain, signature, claims);
        Self {
            header,
            tn_auth_list: tn.entries,
            authority: tn.authority,
        }
    }

    /// The verified PASSporT.
    pub fn passport(&self) -> &Passport {
        &self.header.passport
    }

    /// The parsed Identity header.
    pub fn identity(&self) -> &IdentityHeader {
        &self.header
    }

    /// The certificate's TNAuthList.
    pub fn tn_auth_list(&self) -> &[TnEntry] {
        &self.tn_auth_list
    }

    /// How the certificate authorizes the calling number.
    pub fn authority(&self) -> &TnAuthority {
        &self.authority
    }

    /// `TN-Validation-Passed`.
    pub fn verstat(&self) -> Verstat {
        Verstat::Passed
    }
}

/// A failed verification: the code, the message naming the rule, and what was learnt before
/// the failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What failed and why.
    pub error: StirError,
    /// The PASSporT, when it parsed (its claims are not verified).
    pub passport: Option<Passport>,
    /// The certificate's TNAuthList, when it was read.
    pub tn_auth_list: Vec<TnEntry>,
}

/// The outcome of a STIR verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StirVerdict {
    /// Every check passed.
    Verified(Box<Verified>),
    /// A check failed.
    Failed(Box<Failure>),
}

impl StirVerdict {
    /// Whether every check passed.
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified(_))
    }

    /// The failure's code, `None` when verified.
    pub fn code(&self) -> Option<StirCode> {
        match self {
            Self::Verified(_) => None,
            Self::Failed(f) => Some(f.error.code),
        }
    }

    /// The ATIS-1000074 `verstat`.
    pub fn verstat(&self) -> Verstat {
        match self {
            Self::Verified(v) => v.verstat(),
            Self::Failed(f) => f.error.code.verstat(),
        }
    }

    /// The RFC 8224 §6.2.2 response code a verifier that rejects the call sends, `None`
    /// when verified.
    pub fn response_code(&self) -> Option<u16> {
        self.code().map(StirCode::response_code)
    }

    /// The RFC 9410 `Reason` header value for a failure, `None` when verified.
    pub fn reason_header(&self) -> Option<String> {
        self.code().map(StirCode::reason_header)
    }
}

impl fmt::Display for StirVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verified(v) => {
                let c = &v.passport().claims;
                write!(f, "verified: ")?;
                match &c.orig {
                    Orig::Tn(tn) => write!(f, "orig {tn}")?,
                    Orig::Uri(uri) => write!(f, "orig {uri}")?,
                }
                if let Some(a) = c.attest {
                    write!(f, ", attestation {a}")?;
                }
                write!(f, "; {}", v.authority)
            }
            Self::Failed(failure) => write!(f, "failed: {}", failure.error),
        }
    }
}

// The proofs. Each has a private field, so only this module's check functions make one.
pub(super) struct ChainOk(());
struct SignatureOk(());
struct ClaimsOk(());
struct TnOk {
    entries: Vec<TnEntry>,
    authority: TnAuthority,
}

/// How a chain failure is coded and worded.
pub(super) struct ChainLabel {
    /// The failure's code.
    pub(super) code: StirCode,
    /// Which certificate (`the x5u certificate`).
    pub(super) certificate: &'static str,
    /// Which anchor (`STI-CA`).
    pub(super) anchor: &'static str,
    /// The rule and response (`RFC 8224 §6.2.2: 437 Unsupported Credential`).
    pub(super) rule: &'static str,
}

/// The x5u chain of an RFC 8224 Identity.
const X5U_CHAIN: ChainLabel = ChainLabel {
    code: StirCode::ChainInvalid,
    certificate: "the x5u certificate",
    anchor: "STI-CA",
    rule: "RFC 8224 §6.2.2: 437 Unsupported Credential",
};

/// Accepts any (well-formed) EKU: STI certificates carry none that webpki knows
/// (ATIS-1000080 requires no EKU); a malformed EKU still fails.
struct AnyEku;

impl ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        for id in iter {
            id?;
        }
        Ok(())
    }
}

/// The STIR verifier: STI-CA trust anchors, optional CRLs, a crypto provider and a policy.
pub struct StirVerifier {
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<CertRevocationList<'static>>,
    /// The earliest nextUpdate of the CRLs, which bounds a cached chain's life.
    crl_next_update: Option<u64>,
    provider: Arc<CryptoProvider>,
    policy: StirPolicy,
    cache: Option<ChainCache>,
}

impl fmt::Debug for StirVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StirVerifier")
            .field("anchors", &self.anchors.len())
            .field("crls", &self.crls.len())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

fn fail(code: StirCode, message: String) -> StirError {
    StirError::new(code, message)
}

impl StirVerifier {
    /// A verifier trusting `anchors` (the STI-PA's STI-CA list), with the default policy.
    pub fn new(
        anchors: impl IntoIterator<Item = TrustAnchor<'static>>,
        provider: Arc<CryptoProvider>,
    ) -> Self {
        Self {
            anchors: anchors.into_iter().collect(),
            crls: Vec::new(),
            crl_next_update: None,
            provider,
            policy: StirPolicy::default(),
            cache: None,
        }
    }

    /// Checks revocation against these CRLs (every certificate of the path; a certificate
    /// no CRL speaks for fails).
    pub fn with_crls(
        mut self,
        crls: &[CertificateRevocationListDer<'_>],
    ) -> Result<Self, webpki::Error> {
        for crl in crls {
            let owned = OwnedCertRevocationList::from_der(crl.as_ref())?;
            self.crls.push(CertRevocationList::from(owned));
            if let Some(next) = chain_cache::next_update(crl.as_ref()) {
                self.crl_next_update = Some(self.crl_next_update.map_or(next, |n| n.min(next)));
            }
        }
        // Chains validated without these CRLs are validated again.
        self.cache = self.cache.as_ref().map(ChainCache::emptied);
        Ok(self)
    }

    /// Caches validated x5u chains: a chain (the same DER, leaf and intermediates) that
    /// validated is not validated again until the earliest of its certificates' notAfter,
    /// the CRLs' nextUpdate and `lifetime` after it was validated; at most `capacity` chains
    /// are kept. Thread-safe. Without this call nothing is cached.
    #[must_use]
    pub fn with_chain_cache(mut self, lifetime: Duration, capacity: usize) -> Self {
        self.cache = Some(ChainCache::new(lifetime, capacity));
        self
    }

    /// How many validated chains the cache holds (0 without a cache).
    pub fn cached_chains(&self) -> usize {
        self.cache.as_ref().map_or(0, ChainCache::len)
    }

    /// Replaces the policy.
    #[must_use]
    pub fn with_policy(mut self, policy: StirPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The policy.
    pub fn policy(&self) -> &StirPolicy {
        &self.policy
    }

    /// Verifies `request` at `now`, asking `source` for the certificate chain.
    pub fn verify(
        &self,
        request: &StirRequest<'_>,
        source: &dyn CertificateSource,
        now: UnixTime,
    ) -> StirVerdict {
        let header = match parse_identity(request.identity) {
            Ok(h) => h,
            Err(error) if error.code == StirCode::CompactForm => match rebuild_compact(request) {
                Ok(h) => h,
                Err(error) => {
                    return StirVerdict::Failed(Box::new(Failure {
                        error,
                        passport: None,
                        tn_auth_list: Vec::new(),
                    }))
                }
            },
            Err(error) => {
                return StirVerdict::Failed(Box::new(Failure {
                    error,
                    passport: None,
                    tn_auth_list: Vec::new(),
                }))
            }
        };
        let mut entries = Vec::new();
        match self.run(&header, request, source, now, &mut entries) {
            Ok((chain, signature, claims, tn)) => StirVerdict::Verified(Box::new(Verified::new(
                header, chain, signature, claims, tn,
            ))),
            Err(error) => StirVerdict::Failed(Box::new(Failure {
                error,
                passport: Some(header.passport),
                tn_auth_list: entries,
            })),
        }
    }

    fn run(
        &self,
        header: &IdentityHeader,
        request: &StirRequest<'_>,
        source: &dyn CertificateSource,
        now: UnixTime,
        entries: &mut Vec<TnEntry>,
    ) -> Result<(ChainOk, SignatureOk, ClaimsOk, TnOk), StirError> {
        let url = &header.passport.header.x5u;
        let chain = source.chain(url).map_err(|e| {
            fail(
                StirCode::CertUnavailable,
                format!(
                    "no certificate for x5u {url:?}: {e} (RFC 8224 §6.2.2: 436 Bad Identity Info)"
                ),
            )
        })?;
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Err(fail(
                StirCode::CertUnavailable,
                format!("the certificate source returned an empty chain for x5u {url:?}"),
            ));
        };
        let ee = EndEntityCert::try_from(leaf).map_err(|e| {
            fail(
                StirCode::ChainInvalid,
                format!("the x5u certificate does not parse: {e}"),
            )
        })?;
        let chain_ok = self.check_chain_cached(&chain, &ee, intermediates, now, &X5U_CHAIN)?;
        let signature_ok = self.check_signature(&ee, header)?;
        let claims_ok = self.check_claims(&header.passport, request, now)?;
        let leaf_cert = parse_leaf(leaf)?;
        let issuers = parse_intermediates(intermediates)?;
        check_constraints(header, &leaf_cert, &issuers)?;
        let tn_ok = match (&header.passport.claims.orig, request.from) {
            (Orig::Uri(_), Some(from)) => TnOk {
                entries: Vec::new(),
                authority: TnAuthority::Domain(orig_uri::check_certificate(leaf, from)?),
            },
            (Orig::Tn(_), _) | (Orig::Uri(_), None) => {
                *entries = read_tn_auth_list(&leaf_cert)?;
                delegate::check_within_issuer(&leaf_cert, &issuers, entries)?;
                self.check_tn(&header.passport, entries)?
            }
        };
        self.check_lint(leaf, now)?;
        Ok((chain_ok, signature_ok, claims_ok, tn_ok))
    }

    /// [`StirVerifier::check_chain`], through the cache when there is one; a failure is
    /// worded and coded as `label` says.
    pub(super) fn check_chain_cached(
        &self,
        chain: &[CertificateDer<'static>],
        ee: &EndEntityCert<'_>,
        intermediates: &[CertificateDer<'static>],
        now: UnixTime,
        label: &ChainLabel,
    ) -> Result<ChainOk, StirError> {
        let Some(cache) = &self.cache else {
            return self.check_chain(ee, intermediates, now, label);
        };
        let now_s = now.as_secs();
        if cache.hit(chain, now_s) {
            // Validated by this verifier (same anchors, same CRLs) within the window.
            return Ok(ChainOk(()));
        }
        let ok = self.check_chain(ee, intermediates, now, label)?;
        cache.insert(chain, now_s, self.crl_next_update);
        Ok(ok)
    }

    pub(super) fn check_chain(
        &self,
        ee: &EndEntityCert<'_>,
        intermediates: &[CertificateDer<'static>],
        now: UnixTime,
        label: &ChainLabel,
    ) -> Result<ChainOk, StirError> {
        let crl_refs: Vec<&CertRevocationList<'static>> = self.crls.iter().collect();
        let revocation = if crl_refs.is_empty() {
            None
        } else {
            // Only an empty list makes the builder fail, and that case is handled above.
            Some(
                RevocationOptionsBuilder::new(&crl_refs)
                    .map_err(|_| fail(label.code, "the CRL list is unusable".into()))?
                    .build(),
            )
        };
        ee.verify_for_usage(
            self.provider.signature_verification_algorithms.all,
            &self.anchors,
            intermediates,
            now,
            AnyEku,
            revocation,
            None,
        )
        .map_err(|e| {
            fail(
                label.code,
                format!(
                    "{} does not chain to a trusted {}: {} ({})",
                    label.certificate,
                    label.anchor,
                    crate::chain::error::from_webpki(e),
                    label.rule
                ),
            )
        })?;
        Ok(ChainOk(()))
    }

    fn check_signature(
        &self,
        ee: &EndEntityCert<'_>,
        header: &IdentityHeader,
    ) -> Result<SignatureOk, StirError> {
        let algs = self
            .provider
            .signature_verification_algorithms
            .mapping
            .iter()
            .filter(|(scheme, _)| *scheme == SignatureScheme::ECDSA_NISTP256_SHA256)
            .flat_map(|(_, algs)| algs.iter())
            .filter(|a| is_es256(**a));
        let Some(der) = ecdsa::raw_to_der(header.signature()) else {
            return Err(fail(
                StirCode::SignatureInvalid,
                "the signature's r or s is zero (RFC 7518 §3.4)".into(),
            ));
        };
        let mut last = None;
        for alg in algs {
            match ee.verify_signature(*alg, header.signing_input().as_bytes(), &der) {
                Ok(()) => return Ok(SignatureOk(())),
                Err(e) => last = Some(e),
            }
        }
        Err(match last {
            None => fail(
                StirCode::KeyUnsupported,
                "the crypto provider has no ECDSA P-256 SHA-256 verification".into(),
            ),
            Some(webpki::Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_)) => fail(
                StirCode::KeyUnsupported,
                "the x5u certificate's key is not an ECDSA P-256 key, which ES256 needs \
                 (RFC 8588 §3)"
                    .into(),
            ),
            Some(e) => fail(
                StirCode::SignatureInvalid,
                format!(
                    "the ES256 signature does not verify with the x5u certificate's key ({e}; \
                     RFC 8224 §6.2.2: 438 Invalid Identity Header)"
                ),
            ),
        })
    }
}

/// The compact form rebuilt from the request and parsed as a full form.
fn rebuild_compact(request: &StirRequest<'_>) -> Result<IdentityHeader, StirError> {
    let full = compact::rebuild(request)?;
    parse_identity(&full).map_err(|e| {
        fail(
            e.code,
            format!(
                "the full form rebuilt from the compact form ({full:?}): {}",
                e.message
            ),
        )
    })
}

/// Whether a webpki algorithm is ECDSA P-256 with SHA-256 (a provider's
/// ECDSA_NISTP256_SHA256 mapping may also list P-384 keys with SHA-256).
fn is_es256(alg: &dyn SignatureVerificationAlgorithm) -> bool {
    alg.public_key_alg_id() == alg_id::ECDSA_P256 && alg.signature_alg_id() == alg_id::ECDSA_SHA256
}

impl StirVerifier {
    /// The certificate profile lint, when the policy enforces it.
    fn check_lint(&self, leaf: &CertificateDer<'_>, now: UnixTime) -> Result<(), StirError> {
        match self.policy.lint {
            LintMode::Report => Ok(()),
            LintMode::Enforce => {
                let errors: Vec<String> = lint::lint(leaf.as_ref(), now)
                    .into_iter()
                    .filter(|f| f.severity() == lint::Severity::Error)
                    .map(|f| format!("{}: {}", f.code, f.message))
                    .collect();
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(fail(
                        StirCode::LintFailed,
                        format!(
                            "the policy enforces the STIR certificate profile and the x5u \
                             certificate breaks it: {}",
                            errors.join("; ")
                        ),
                    ))
                }
            }
        }
    }
}

/// The leaf, read with the strict walk.
fn parse_leaf<'a>(leaf: &'a CertificateDer<'_>) -> Result<Certificate<'a>, StirError> {
    Certificate::parse(leaf.as_ref()).map_err(|e| {
        fail(
            StirCode::ChainInvalid,
            format!("the x5u certificate is not strict DER ({e:?})"),
        )
    })
}

/// The JWTClaimConstraints (RFC 8226 §8) and EnhancedJWTClaimConstraints (RFC 9118) of every
/// certificate the source gave (leaf and intermediates) against the PASSporT's claims.
fn check_constraints(
    header: &IdentityHeader,
    leaf: &Certificate<'_>,
    intermediates: &[Certificate<'_>],
) -> Result<(), StirError> {
    let mut claims = None;
    for cert in core::iter::once(leaf).chain(intermediates) {
        for (oid, kind) in [
            (
                constraints::OID_JWT_CLAIM_CONSTRAINTS,
                constraints::ConstraintsKind::Rfc8226,
            ),
            (
                constraints::OID_ENHANCED_JWT_CLAIM_CONSTRAINTS,
                constraints::ConstraintsKind::Enhanced,
            ),
        ] {
            let ext = cert.other_extension(oid).map_err(|e| {
                fail(
                    StirCode::ClaimConstraintMalformed,
                    format!("a certificate's extensions: {e}"),
                )
            })?;
            let Some(ext) = ext else { continue };
            let parsed = constraints::parse_claim_constraints(ext.value.as_bytes(), kind)?;
            if claims.is_none() {
                claims = Some(constraints::claims_json(header.signing_input())?);
            }
            if let Some(claims) = &claims {
                parsed.enforce(claims)?;
            }
        }
    }
    Ok(())
}

/// The intermediates the source gave, walked as path validation's CA certificates are
/// (`parse_extensions_only`: the extension list strictly). One that does not walk fails the
/// verification: its constraints or TNAuthList cannot be ignored.
fn parse_intermediates<'a>(
    intermediates: &'a [CertificateDer<'static>],
) -> Result<Vec<Certificate<'a>>, StirError> {
    intermediates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Certificate::parse_extensions_only(c.as_ref()).map_err(|e| {
                fail(
                    StirCode::ChainInvalid,
                    format!(
                        "the x5u chain's certificate {} is not DER ({e:?}), so its \
                         extensions cannot be read",
                        i + 2
                    ),
                )
            })
        })
        .collect()
}

/// The leaf's TNAuthList, read with the strict walk.
fn read_tn_auth_list(cert: &Certificate<'_>) -> Result<Vec<TnEntry>, StirError> {
    let ext = cert
        .other_extension(tnauth::OID_TN_AUTH_LIST)
        .map_err(|e| {
            fail(
                StirCode::ChainInvalid,
                format!("the x5u certificate's extensions: {e}"),
            )
        })?
        .ok_or_else(|| {
            fail(
                StirCode::TnAuthListMissing,
                "the x5u certificate has no TNAuthList extension (RFC 8226 §9, \
                 1.3.6.1.5.5.7.1.26)"
                    .into(),
            )
        })?;
    tnauth::parse_tn_auth_list(ext.value.as_bytes())
}

impl StirVerifier {
    /// The signed claims against the policy and the request: the attestation level,
    /// freshness, `orig.tn` equal to the calling number, the called number in `dest.tn`.
    fn check_claims(
        &self,
        passport: &Passport,
        request: &StirRequest<'_>,
        now: UnixTime,
    ) -> Result<ClaimsOk, StirError> {
        let claims = &passport.claims;
        if let Some(level) = claims.attest {
            if !self.policy.allows(level) {
                return Err(fail(
                    StirCode::AttestNotAllowed,
                    format!("attestation {level} is not accepted by the policy (RFC 8588 §4)"),
                ));
            }
        }
        check_fresh(claims.iat, now, self.policy.freshness)?;
        if let Some(value) = request.date {
            let now_s = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
            date::check_date(value, claims.iat, now_s, self.policy.freshness)?;
        }
        let orig = match &claims.orig {
            Orig::Tn(tn) => tn,
            Orig::Uri(uri) => {
                orig_uri::check_claim(uri, request.from)?;
                return check_dest(claims, request);
            }
        };
        if orig != request.orig {
            return Err(fail(
                StirCode::OrigMismatch,
                format!(
                    "the request's calling number {} is not orig.tn {orig} (RFC 8224 §6.2 step 1, \
                     §8.3 comparison)",
                    request.orig
                ),
            ));
        }
        check_dest(claims, request)
    }
}

/// The request's called number in `dest.tn` (RFC 8224 §6.2, §8.3 comparison).
fn check_dest(claims: &Claims, request: &StirRequest<'_>) -> Result<ClaimsOk, StirError> {
    if !claims.dest.tn.iter().any(|tn| tn == request.dest) {
        let listed: Vec<&str> = claims.dest.tn.iter().map(CanonicalTn::as_str).collect();
        return Err(fail(
            StirCode::DestMismatch,
            format!(
                "the request's called number {} is not in dest.tn [{}] (RFC 8224 §6.2, \
                 §8.3 comparison)",
                request.dest,
                listed.join(", ")
            ),
        ));
    }
    Ok(ClaimsOk(()))
}

impl StirVerifier {
    /// `orig.tn` against the certificate's TNAuthList (RFC 8226 §9, RFC 8224 §6.2 step 3).
    fn check_tn(&self, passport: &Passport, entries: &[TnEntry]) -> Result<TnOk, StirError> {
        let Orig::Tn(orig) = &passport.claims.orig else {
            return Err(fail(
                StirCode::OrigUriUnsupported,
                "orig is not a telephone number".into(),
            ));
        };
        if let Some(entry) = entries.iter().find(|e| e.covers(orig.as_str())) {
            return Ok(TnOk {
                entries: entries.to_vec(),
                authority: TnAuthority::Number(entry.clone()),
            });
        }
        let spc = entries.iter().find_map(|e| match e {
            TnEntry::Spc(spc) => Some(spc),
            TnEntry::Range { .. } | TnEntry::One(_) => None,
        });
        match spc {
            Some(spc) if self.policy.allow_spc_only => Ok(TnOk {
                entries: entries.to_vec(),
                authority: TnAuthority::ServiceProviderCode(spc.clone()),
            }),
            Some(_) | None => {
                let listed: Vec<String> = entries.iter().map(ToString::to_string).collect();
                Err(fail(
                    StirCode::TnNotAuthorized,
                    format!(
                        "no entry of the certificate's TNAuthList [{}] covers orig.tn {orig} \
                         (RFC 8226 §9){}",
                        listed.join(", "),
                        if spc.is_some() {
                            "; the policy does not let an SPC stand for a number"
                        } else {
                            ""
                        }
                    ),
                ))
            }
        }
    }
}

/// `iat` within `window` of `now`, either way (RFC 8224 §6.2.2: 403 Stale Date).
fn check_fresh(iat: i64, now: UnixTime, window: Duration) -> Result<(), StirError> {
    let now_s = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    let window_s = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    let diff = now_s.saturating_sub(iat);
    if diff.unsigned_abs() > window_s.unsigned_abs() {
        let (amount, way) = if diff > 0 {
            (diff.unsigned_abs(), "old")
        } else {
            (diff.unsigned_abs(), "in the future")
        };
        return Err(fail(
            StirCode::Stale,
            format!(
                "iat {iat} is {amount} s {way}; the window is {window_s} s (RFC 8224 §6.2.2: \
                 403 Stale Date)"
            ),
        ));
    }
    Ok(())
}
