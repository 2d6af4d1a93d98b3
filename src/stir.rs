//! STIR/SHAKEN: the SIP Identity header (RFC 8224), its PASSporT (RFC 8225, with the SHAKEN
//! extension of RFC 8588 and the `div` extension of RFC 8946) and the STIR certificate's
//! TNAuthList (RFC 8226). Feature `stir`; pure and synchronous: the caller supplies the
//! certificate chain an `x5u` URL names, through a [`CertificateSource`].
//!
//! # Verifying (the STI-VS)
//!
//! [`StirVerifier::verify`] takes the Identity header value and the request's calling and
//! called numbers ([`StirRequest`]) and checks, in this order:
//!
//! 1. the header value: the full form `header.payload.signature;info=<URI>;alg=ES256;ppt=…`
//!    (RFC 8224 §4.1), strict base64url (no padding, no whitespace, canonical last
//!    character), strict JSON (UTF-8, duplicate member names refused, bounded nesting and
//!    sizes); the PASSporT header (`alg` ES256, `typ` passport, `ppt` none, `shaken` or
//!    `div`, `x5u`) and claims (`orig`, `dest`, `iat`; `attest` and `origid` for SHAKEN;
//!    `div`); the header's `ppt` and `info` equal to the PASSporT's `ppt` and `x5u`;
//! 2. the certificate chain for `x5u` ([`CertificateSource::chain`]), validated with webpki to
//!    the STI-CA trust anchors, with the CRLs if any are given; no EKU is required;
//! 3. the ES256 signature over `header.payload` with the certificate's P-256 key (the JWS
//!    `r || s` converted strictly to the DER webpki verifies);
//! 4. the attestation level against the [`StirPolicy`]; `iat` within the freshness window
//!    (60 s either way by default); when the request's Date header is given
//!    ([`StirRequest::date`]), the Date (a strict IMF-fixdate, [`parse_sip_date`]) within the
//!    window of now and `iat` within the window of the Date (RFC 8224 §6.2.2: 403 Stale
//!    Date); the calling number equal to `orig.tn`, or, for a SIP URI originator
//!    (`orig.uri`), `orig.uri` naming the request's From URI ([`StirRequest::from`], compared
//!    as SIP URIs); the called number in `dest.tn` (numbers compared as RFC 8224 §8.3 says,
//!    [`CanonicalTn`]);
//! 5. the JWTClaimConstraints (RFC 8226 §8) and EnhancedJWTClaimConstraints (RFC 9118) of
//!    every certificate of the chain, read strictly ([`parse_claim_constraints`]):
//!    `mustInclude`, `permittedValues`, `mustExclude` against the PASSporT's claims;
//! 6. for `orig.tn`: the certificate's TNAuthList (RFC 8226 §9), read with the crate's strict
//!    DER reader, within its issuer's TNAuthList when the issuer has one (RFC 9060 delegate
//!    certificates); a TN or a range must cover `orig.tn`, or, if the policy allows it (the
//!    default, as SHAKEN does), an SPC stands for the number, and the result says so
//!    ([`TnAuthority::ServiceProviderCode`]); for `orig.uri`: the certificate must carry the
//!    From URI's domain as an identity by the crate's RFC 5922 rules
//!    ([`TnAuthority::Domain`]), so a domain's Identity and its TLS certificate are judged
//!    alike.
//!
//! The outcome is a [`StirVerdict`]: [`Verified`] (which can only be built from a proof of
//! each check) or a [`Failure`] with a stable [`StirCode`] (`stir-…`), a message naming the
//! rule, and its mapping to what the network needs: the RFC 8224 §6.2.2 response code, the
//! RFC 9410 `Reason` header value and the ATIS-1000074 `verstat`.
//!
//! A caller cannot make a [`Verified`] itself:
//!
//! ```compile_fail
//! # fn forge(passport: sipcert::stir::IdentityHeader) {
//! let _ = sipcert::stir::Verified {
//!     header: passport,
//!     tn_auth_list: Vec::new(),
//!     authority: sipcert::stir::TnAuthority::ServiceProviderCode("x".into()),
//! };
//! # }
//! ```
//!
//! # Reading a whole request
//!
//! [`RequestFields::parse`] reads a whole SIP request with a small strict reader (shared with
//! the RFC 4474 mode) and gives every Identity header value, the calling number
//! (P-Asserted-Identity, else From), the called number (To), the From URI and the Date: the
//! parts of a [`StirRequest`], one per Identity header.
//!
//! # RFC 4474 (legacy, obsolete)
//!
//! The Identity / Identity-Info form RFC 8224 replaced is verified by
//! `StirVerifier::verify_rfc4474` in `stir::rfc4474` (feature `stir-rfc4474`).
//!
//! # Lint
//!
//! [`lint::lint`] checks a STIR certificate against RFC 8226 and the ATIS-1000080 profile;
//! its findings decide a verification only under [`LintMode::Enforce`].
//!
//! # Signing (the STI-AS)
//!
//! [`sign`] renders a [`Passport`] in the RFC 8225 §9 deterministic JSON form, signs it ES256
//! with a P-256 key through the rustls crypto provider and returns the full-form Identity
//! header value.
//!
//! # Not checked yet
//!
//! Fetching and caching `x5u` (the caller's [`CertificateSource`] does it; the verifier can
//! cache validated chains, [`StirVerifier::with_chain_cache`]), the compact form of an
//! extension PASSporT (`ppt`: refused with `stir-compact-form`; a base PASSporT's compact
//! form is rebuilt from the numbers and the Date); a `dest.uri` (the called party must be a number in `dest.tn`); a SIP
//! URI originator without a From URI from the caller (`stir-orig-uri-unsupported`).
//!
//! ```
//! use sipcert::stir::{CanonicalTn, StirCode};
//!
//! let a = CanonicalTn::parse("+1 (215) 555-1212").unwrap();
//! assert_eq!(a.as_str(), "12155551212");
//! assert_eq!(StirCode::Stale.response_code(), 403);
//! assert_eq!(
//!     StirCode::SignatureInvalid.reason_header(),
//!     "STIR;cause=438;text=\"Invalid Identity Header\""
//! );
//! ```

mod b64;
mod chain_cache;
mod codes;
mod compact;
mod constraints;
mod date;
mod delegate;
mod ecdsa;
#[cfg(feature = "stir-fetch")]
pub mod fetch;
mod header;
mod json;
pub mod lint;
mod message;
mod orig_uri;
mod passport;
mod request_fields;
#[cfg(feature = "stir-rfc4474")]
pub mod rfc4474;
mod sign;
mod tn;
mod tnauth;
mod verify;

#[cfg(test)]
mod tests;

pub use codes::{StirCode, StirError, Verstat};
pub use constraints::{parse_claim_constraints, ClaimConstraints, ConstraintsKind};
pub use date::parse_sip_date;
pub use header::{parse_identity, IdentityHeader, MAX_HEADER_VALUE, MAX_PART};
pub use lint::LintMode;
pub use message::MAX_REQUEST;
pub use passport::{Attest, Claims, Dest, Orig, Passport, PassportHeader, Ppt};
pub use request_fields::RequestFields;
pub use sign::{canonical_json, sign, SignError};
pub use tn::{caller_number, CanonicalTn, TnError};
pub use tnauth::{parse_tn_auth_list, TnEntry};
pub use verify::{
    CertificateSource, Failure, SourceError, StirPolicy, StirRequest, StirVerdict, StirVerifier,
    TnAuthority, Verified,
};
