//! RFC 4474, the SIP Identity the STIR work replaced (**obsolete**: RFC 8224 obsoletes it),
//! verified as a legacy mode. Feature `stir-rfc4474`.
//!
//! The request carries `Identity: "<base64 signature>"` and
//! `Identity-Info: <URI>;alg=rsa-sha1`. [`StirVerifier::verify_rfc4474`] reads the whole SIP
//! request ([`Rfc4474Request::parse`]) and checks, failing closed with a `stir-rfc4474-…`
//! code at the first broken rule:
//!
//! 1. the Identity header (quoted strict base64) and Identity-Info (`<absoluteURI>`,
//!    `alg` absent or `rsa-sha1`);
//! 2. the RFC 4474 §9 digest string ([`digest_string`]): From addr-spec | To addr-spec |
//!    Call-ID | CSeq number SP method | Date | Contact addr-spec (empty if absent) | body;
//! 3. the Date (a strict SIP-date) within the freshness window of now (RFC 4474 §6.2
//!    step 4, an hour by default, [`DEFAULT_FRESHNESS`]);
//! 4. the certificate at the Identity-Info URI (the caller's [`CertificateSource`]) chained
//!    to the verifier's trust anchors with webpki, and carrying the From URI's domain as an
//!    identity by the crate's RFC 5922 rules (as an RFC 8224 `orig.uri` is judged);
//! 5. the RSA-SHA1 (RSASSA-PKCS1-v1_5, SHA-1) signature over the digest string with the
//!    certificate's key, through `ring`'s legacy-only verification (SHA-1 signatures are
//!    not offered by the rustls providers or webpki; this is the one place the crate uses
//!    them, and never for a certificate path).
//!
//! Every verdict, success or failure, says the form is obsolete ([`OBSOLETE`]).
//!
//! ```
//! use sipcert::stir::rfc4474::{digest_string, Rfc4474Request};
//!
//! let request = b"INVITE sip:bob@biloxi.example.org SIP/2.0\r\n\
//!     From: Alice <sip:alice@atlanta.example.com>;tag=1\r\n\
//!     To: <sip:bob@biloxi.example.org>\r\n\
//!     Call-ID: a84b4c76e66710\r\n\
//!     CSeq: 314159 INVITE\r\n\
//!     Date: Thu, 21 Feb 2002 13:02:03 GMT\r\n\
//!     Content-Length: 2\r\n\
//!     \r\nv=";
//! let request = Rfc4474Request::parse(request).unwrap();
//! assert_eq!(
//!     digest_string(&request).unwrap(),
//!     b"sip:alice@atlanta.example.com|sip:bob@biloxi.example.org|a84b4c76e66710|\
//!       314159 INVITE|Thu, 21 Feb 2002 13:02:03 GMT||v="
//! );
//! ```

use core::fmt;

use super::codes::{StirCode, StirError};
use super::verify::ChainOk;
use crate::domain::DomainName;

mod canonical;
mod check;
mod header;
mod request;
#[cfg(test)]
mod tests;

#[cfg(doc)]
use super::{CertificateSource, StirVerifier};

pub use canonical::digest_string;
pub use check::DEFAULT_FRESHNESS;
pub use header::{parse_identity, parse_identity_info};
pub use request::{Rfc4474Request, MAX_REQUEST};

/// What every RFC 4474 verdict says about the form.
pub const OBSOLETE: &str = "RFC 4474 Identity is obsolete: RFC 8224 (STIR, PASSporT) replaced it";

/// A verified RFC 4474 Identity: only [`StirVerifier::verify_rfc4474`] makes one, from a
/// proof of each check.
pub struct Rfc4474Verified {
    info_url: String,
    digest: Vec<u8>,
    domain: check::DomainOk,
    _proofs: (ChainOk, check::DateOk, check::SignatureOk),
}

impl fmt::Debug for Rfc4474Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rfc4474Verified")
            .field("info_url", &self.info_url)
            .field("domain", self.domain())
            .finish_non_exhaustive()
    }
}

impl Rfc4474Verified {
    fn new(
        info_url: String,
        digest: Vec<u8>,
        chain: ChainOk,
        date: check::DateOk,
        domain: check::DomainOk,
        signature: check::SignatureOk,
    ) -> Self {
        Self {
            info_url,
            digest,
            domain,
            _proofs: (chain, date, signature),
        }
    }

    /// The Identity-Info URI the certificate came from.
    pub fn info_url(&self) -> &str {
        &self.info_url
    }

    /// The From domain the certificate carries.
    pub fn domain(&self) -> &DomainName {
        self.domain.domain()
    }

    /// The RFC 4474 §9 digest string that was signed.
    pub fn digest_string(&self) -> &[u8] {
        &self.digest
    }
}

/// The outcome of [`StirVerifier::verify_rfc4474`].
#[derive(Debug)]
pub enum Rfc4474Verdict {
    /// Every check passed (the form is still obsolete).
    Verified(Box<Rfc4474Verified>),
    /// A check failed: its `stir-rfc4474-…` code and a message naming the rule.
    Failed(Box<StirError>),
}

impl Rfc4474Verdict {
    /// Whether the Identity verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified(_))
    }

    /// The failure's code, `None` when verified.
    pub fn code(&self) -> Option<StirCode> {
        match self {
            Self::Verified(_) => None,
            Self::Failed(e) => Some(e.code),
        }
    }

    /// The SIP response code for the failure (RFC 4474 §12: 428, 436, 437, 438; 403 Stale
    /// Date), `None` when verified.
    pub fn response_code(&self) -> Option<u16> {
        self.code().map(StirCode::response_code)
    }

    /// Always [`OBSOLETE`]: the form itself is obsolete whatever the outcome.
    pub fn obsolete(&self) -> &'static str {
        OBSOLETE
    }
}

impl fmt::Display for Rfc4474Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verified(v) => write!(
                f,
                "verified: RFC 4474 Identity signed by {} (certificate from {}). {OBSOLETE}.",
                v.domain(),
                v.info_url()
            ),
            Self::Failed(e) => write!(f, "failed: {e}. {OBSOLETE}."),
        }
    }
}
