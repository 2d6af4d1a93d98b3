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
//!    (60 s either way by default); the calling number equal to `orig.tn`; the called number
//!    in `dest.tn` (numbers compared as RFC 8224 §8.3 says, [`CanonicalTn`]);
//! 5. the certificate's TNAuthList (RFC 8226 §9), read with the crate's strict DER reader: a
//!    TN or a range must cover `orig.tn`, or, if the policy allows it (the default, as
//!    SHAKEN does), an SPC stands for the number, and the result says so
//!    ([`TnAuthority::ServiceProviderCode`]).
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
//! # Signing (the STI-AS)
//!
//! [`sign`] renders a [`Passport`] in the RFC 8225 §9 deterministic JSON form, signs it ES256
//! with a P-256 key through the rustls crypto provider and returns the full-form Identity
//! header value.
//!
//! # Not checked yet
//!
//! Fetching and caching `x5u` (the caller's [`CertificateSource`] does it), a SIP URI
//! originator (`orig.uri`: refused with `stir-orig-uri-unsupported`), the compact form
//! (refused with `stir-compact-form`), JWTClaimConstraints (RFC 8226) and
//! EnhancedJWTClaimConstraints (RFC 9118), delegate certificates (RFC 9060), a certificate
//! profile lint (ATIS-1000080), the RFC 4474 Identity header, the `Date` header.
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
mod codes;
mod ecdsa;
#[cfg(feature = "stir-fetch")]
pub mod fetch;
mod header;
mod json;
mod passport;
mod sign;
mod tn;
mod tnauth;
mod verify;

#[cfg(test)]
mod tests;

pub use codes::{StirCode, StirError, Verstat};
pub use header::{parse_identity, IdentityHeader, MAX_HEADER_VALUE, MAX_PART};
pub use passport::{Attest, Claims, Dest, Orig, Passport, PassportHeader, Ppt};
pub use sign::{canonical_json, sign, SignError};
pub use tn::{caller_number, CanonicalTn, TnError};
pub use tnauth::{parse_tn_auth_list, TnEntry};
pub use verify::{
    CertificateSource, Failure, SourceError, StirPolicy, StirRequest, StirVerdict, StirVerifier,
    TnAuthority, Verified,
};
