//! The intermediates of a candidate path, each walked once (strict DER, [`crate::der`]) for
//! both of sipcert's CA checks (keyUsage, name constraints), and their names for messages,
//! which are rendered only when a message is made.

use core::fmt;

use super::ChainError;
use crate::der::cert::{Certificate, WalkError, OID_NAME_CONSTRAINTS};
use crate::der::name::name_text;
use crate::der::reader::{Reader, SEQUENCE};

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

/// The OID of the Extension SEQUENCE at `offset` of `der` (a duplicate the walk reported).
fn extension_at(der: &[u8], offset: usize) -> Option<&[u8]> {
    let mut ext = Reader::new(der.get(offset..)?)
        .read_expected(SEQUENCE, "an Extension")
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
                // The subject as text; a message path only.
                match Certificate::parse_extensions_only(der) {
                    Ok(cert) => write!(f, "intermediate CA {n} ({})", name_text(cert.subject())),
                    Err(_) => write!(f, "intermediate CA {n}"),
                }
            }
            Self::Text(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every CA certificate of the external corpus (x509-limbo's trusted and intermediate
    /// certificates, and the PEM files under `certs/`) that webpki parses as a certificate
    /// is walked to its extensions: real CAs stay usable as intermediates. Skipped (with a
    /// message) when the corpus is absent.
    #[test]
    fn corpus_cas_walk() {
        let Some(dir) = sipcert_testkit::corpus::dir() else {
            return;
        };
        let mut pems: Vec<String> = Vec::new();
        let limbo = dir.join("x509-limbo/limbo-2023-12-02-ddc40b4.json");
        let text = std::fs::read_to_string(&limbo).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for case in json["testcases"].as_array().unwrap() {
            for key in ["trusted_certs", "untrusted_intermediates"] {
                for pem in case[key].as_array().unwrap() {
                    pems.push(pem.as_str().unwrap().to_owned());
                }
            }
        }
        let mut stack = vec![dir.join("certs")];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "pem") {
                    pems.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let (mut walked, mut failed) = (0usize, Vec::new());
        for pem in &pems {
            for block in x509_parser::pem::Pem::iter_from_buffer(pem.as_bytes()) {
                let Ok(block) = block else { continue };
                if block.label != "CERTIFICATE" {
                    continue;
                }
                let der = block.contents;
                let cert_der = rustls_pki_types::CertificateDer::from(der.as_slice());
                if webpki::EndEntityCert::try_from(&cert_der).is_err() {
                    continue;
                }
                match parse(0, &der) {
                    Ok(_) => walked += 1,
                    Err(e) => failed.push(e.to_string()),
                }
            }
        }
        eprintln!("{walked} corpus certificates walked to their extensions");
        assert!(walked > 100, "only {walked} corpus certificates walked");
        assert!(
            failed.is_empty(),
            "{} of {} failed: {failed:#?}",
            failed.len(),
            walked + failed.len()
        );
    }
}
