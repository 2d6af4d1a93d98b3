//! The intermediates of a candidate path, each walked once (strict DER, [`crate::der`]) for
//! both of sipcert's CA checks (keyUsage, name constraints), and their names for messages,
//! which are rendered only when a message is made.

use core::fmt;

use x509_parser::prelude::{FromDer, X509Certificate};

use super::ChainError;
use crate::der::{self, Certificate, Reader, WalkError};

/// Walks an intermediate of a verified path (webpki parsed it and checked its signature) to
/// its extensions, strictly ([`Certificate::parse_extensions_only`]); a walk failure is
/// [`ChainError::Malformed`], a repeated nameConstraints extension
/// [`ChainError::MalformedNameConstraint`].
pub(super) fn parse(index: usize, der: &[u8]) -> Result<Certificate<'_>, ChainError> {
    Certificate::parse_extensions_only(der).map_err(|e| {
        let ca = CaName::Intermediate { index, der };
        match e {
            WalkError::DuplicateExtension { offset, .. }
                if extension_at(der, offset) == Some(OID_NAME_CONSTRAINTS) =>
            {
                ChainError::MalformedNameConstraint {
                    detail: format!("{ca}: duplicate nameConstraints extension"),
                }
            }
            WalkError::DuplicateExtension { offset, .. } => ChainError::Malformed {
                detail: format!("the {ca} repeats an extension at byte {offset} (RFC 5280 §4.2)"),
            },
            WalkError::NotACertificate => ChainError::Malformed {
                detail: format!("the {ca} is not a DER Certificate SEQUENCE"),
            },
            WalkError::TrailingData => ChainError::Malformed {
                detail: format!("the {ca} has trailing data"),
            },
            WalkError::Field { field, error } => ChainError::Malformed {
                detail: format!("the {ca}: {field} {error}"),
            },
        }
    })
}

/// id-ce-nameConstraints, 2.5.29.30 (content octets).
pub(super) const OID_NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x1E];
/// id-ce-keyUsage, 2.5.29.15 (content octets).
pub(super) const OID_KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x0F];

/// The OID of the Extension SEQUENCE at `offset` of `der` (a duplicate the walk reported).
fn extension_at(der: &[u8], offset: usize) -> Option<&[u8]> {
    let mut ext = Reader::new(der.get(offset..)?)
        .read_expected(der::SEQUENCE, "an Extension")
        .ok()?;
    ext.read_oid("an extnID").ok()
}

/// A CA of a path, as messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CaName<'a> {
    /// The trust anchor.
    Anchor,
    /// The intermediate at `index` (0 is the issuer of the end entity, shown as 1), named by
    /// its subject.
    Intermediate { index: usize, der: &'a [u8] },
    /// A name given as text.
    #[cfg_attr(not(test), allow(dead_code))]
    Text(String),
}

impl From<String> for CaName<'_> {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl fmt::Display for CaName<'_> {
    /// `trust anchor`, `intermediate CA 1 (CN=Example CA)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Anchor => f.write_str("trust anchor"),
            Self::Intermediate { index, der } => {
                let n = index.saturating_add(1);
                // The subject as x509-parser renders it; a message path only.
                match X509Certificate::from_der(der) {
                    Ok((_, cert)) => write!(f, "intermediate CA {n} ({})", cert.subject()),
                    Err(_) => write!(f, "intermediate CA {n}"),
                }
            }
            Self::Text(s) => f.write_str(s),
        }
    }
}
