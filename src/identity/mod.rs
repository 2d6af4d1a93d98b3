//! RFC 5922 §7.1: the SIP domain identities of **one** end-entity certificate.
//!
//! [`extract_identities`] walks the subjectAltName extension and, only when that extension is
//! absent, the subject CN. Every presented name ends up either as an [`Identity`] or as an
//! [`IgnoredName`] with a stable reason code, so an operator can see why a name did not count.
//! Anything of an unexpected shape is ignored, never turned into an identity.

mod cn;
mod names;
mod san;
mod text;
mod uri_san;

use core::fmt;
use std::collections::HashSet;

use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::Policy;

pub(crate) use names::NearMiss;
pub use names::{Identity, IdentityName, IdentitySource, IgnoreReason, IgnoredName, IgnoredSource};

/// Up to this many identities, duplicates are found by a scan instead of a hash set.
const LINEAR_DEDUP_LIMIT: usize = 16;

/// The outcome of RFC 5922 §7.1 for one certificate: ordered identities (deduplicated, case
/// insensitively, R19) and every presented name that is not an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identities {
    found: Vec<Identity>,
    ignored: Vec<IgnoredName>,
    has_san_extension: bool,
    /// The policy the identities were extracted with; matching uses it too.
    policy: Policy,
    /// The names in `found` once there are [`LINEAR_DEDUP_LIMIT`] of them, so that
    /// deduplication stays linear on huge SAN lists.
    seen: HashSet<IdentityName>,
}

impl Identities {
    /// The SIP domain identities, in certificate order (URI and DNS SANs in SAN order, then the
    /// CN), each name once.
    pub fn identities(&self) -> &[Identity] {
        &self.found
    }

    /// Every presented name that is not an identity, with the reason.
    pub fn ignored(&self) -> &[IgnoredName] {
        &self.ignored
    }

    /// Whether the certificate has a subjectAltName extension (even an empty one).
    pub fn has_san_extension(&self) -> bool {
        self.has_san_extension
    }

    /// The policy these identities were extracted with (and are matched with).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Whether there is no identity at all (RFC 5922 §7.3: not authenticated).
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    fn push_identity(&mut self, identity: Identity) {
        // Few identities: a scan beats hashing. Many: the set keeps deduplication linear.
        if self.found.len() < LINEAR_DEDUP_LIMIT {
            if self.found.iter().any(|i| i.name() == identity.name()) {
                return;
            }
            if self.found.len() + 1 == LINEAR_DEDUP_LIMIT {
                self.seen = self.found.iter().map(|i| i.name().clone()).collect();
                self.seen.insert(identity.name().clone());
            }
            self.found.push(identity);
        } else if self.seen.insert(identity.name().clone()) {
            self.found.push(identity);
        }
    }

    pub(crate) fn into_parts(self) -> (Vec<Identity>, Vec<IgnoredName>) {
        (self.found, self.ignored)
    }
}

/// Why a certificate could not be examined at all. Maps to the reject code `cert-malformed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The DER does not parse as an X.509 certificate.
    #[error("the certificate is not valid DER X.509")]
    NotACertificate,
    /// Octets follow the certificate.
    #[error("trailing data after the certificate")]
    TrailingData,
    /// The subjectAltName extension appears more than once (RFC 5280 §4.2).
    #[error("the subjectAltName extension appears more than once (RFC 5280 §4.2)")]
    DuplicateSan,
    /// The subjectAltName extension does not parse.
    #[error("the subjectAltName extension is malformed")]
    InvalidSan,
}

impl ExtractError {
    /// Always `cert-malformed`.
    pub fn code(self) -> &'static str {
        self.reason_code().code()
    }

    /// The reject code as a [`crate::ReasonCode`]: always `cert-malformed`.
    pub fn reason_code(self) -> crate::ReasonCode {
        crate::ReasonCode::CertMalformed
    }
}

/// Extracts the RFC 5922 §7.1 identity set from one end-entity certificate (DER).
///
/// ```
/// use sipcert::{extract_identities, Policy};
///
/// assert!(extract_identities(&[0x30, 0x00], &Policy::default()).is_err());
/// ```
pub fn extract_identities(cert_der: &[u8], policy: &Policy) -> Result<Identities, ExtractError> {
    let cert = parse_certificate(cert_der)?;
    extract_from_parsed(&cert, policy)
}

pub(crate) fn parse_certificate(cert_der: &[u8]) -> Result<X509Certificate<'_>, ExtractError> {
    match X509Certificate::from_der(cert_der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err(ExtractError::TrailingData),
        Err(_) => Err(ExtractError::NotACertificate),
    }
}

pub(crate) fn extract_from_parsed(
    cert: &X509Certificate<'_>,
    policy: &Policy,
) -> Result<Identities, ExtractError> {
    let san = match cert.subject_alternative_name() {
        Ok(san) => san,
        Err(x509_parser::error::X509Error::DuplicateExtensions) => {
            return Err(ExtractError::DuplicateSan)
        }
        Err(_) => return Err(ExtractError::InvalidSan),
    };
    let mut out = Identities {
        found: Vec::new(),
        ignored: Vec::new(),
        has_san_extension: san.is_some(),
        policy: policy.clone(),
        seen: HashSet::new(),
    };
    if let Some(san) = san {
        san::collect(&san.value.general_names, policy, &mut out);
    }
    cn::collect(cert.subject(), policy, &mut out);
    Ok(out)
}

impl fmt::Display for Identities {
    /// `a.example (san-uri), b.example (san-dns)` or `no identity`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.found.is_empty() {
            return f.write_str("no identity");
        }
        for (i, id) in self.found.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{id}")?;
        }
        Ok(())
    }
}
