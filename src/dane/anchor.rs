//! Which presented certificate may be the trust anchor a PKIX-TA (0) or DANE-TA (2) record
//! names (RFC 6698 §2.1.1, RFC 7671 §5.2): a CA certificate above the end entity, judged from
//! the strict walk of its structure ([`crate::der::cert`]: basicConstraints, keyUsage, SPKI).

use core::fmt;

use rustls_pki_types::CertificateDer;

use super::{spki, TlsaRecord};
use crate::der::cert::Certificate;

/// Why a presented certificate cannot be the trust anchor a PKIX-TA (0) or DANE-TA (2) record
/// names: RFC 6698 §2.1.1 and RFC 7671 §5.2 make it a CA that issued a certificate of the
/// path above the end entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum NotATrustAnchor {
    /// It is the end entity itself (sent again above it).
    EndEntity,
    /// It carries the end entity's public key: the "anchor" would be the end entity's own key.
    EndEntityKey,
    /// No basicConstraints extension with cA TRUE.
    NotACa,
    /// A keyUsage extension without keyCertSign (RFC 5280 §4.2.1.3).
    NoKeyCertSign,
    /// It, or the end entity's key, cannot be read (not a certificate, a repeated or
    /// malformed basicConstraints or keyUsage extension).
    Unreadable,
}

impl fmt::Display for NotATrustAnchor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EndEntity => "is the end entity itself, no trust anchor above it",
            Self::EndEntityKey => "carries the end entity's own key, so it is no trust anchor above it",
            Self::NotACa => "is not a CA certificate (no basicConstraints cA TRUE), so it is no trust anchor",
            Self::NoKeyCertSign => {
                "has a keyUsage without keyCertSign, so it may not issue certificates (RFC 5280 §4.2.1.3)"
            }
            Self::Unreadable => {
                "cannot be read as a CA certificate (or the end entity's key cannot be read)"
            }
        })
    }
}

/// Whether `cert`, presented above `end_entity`, may be the trust anchor of a PKIX-TA or
/// DANE-TA record: a CA certificate (basicConstraints cA TRUE; keyUsage, when present, with
/// keyCertSign) that is neither the end entity nor carries its key. Path validation to it as
/// the only trust anchor then shows that it issued a certificate of the path (webpki itself
/// reads nothing of an anchor but its subject, key and name constraints).
pub(crate) fn check_trust_anchor(
    end_entity: &CertificateDer<'_>,
    cert: &CertificateDer<'_>,
) -> Result<(), NotATrustAnchor> {
    if cert.as_ref() == end_entity.as_ref() {
        return Err(NotATrustAnchor::EndEntity);
    }
    let Ok(parsed) = Certificate::parse_extensions_only(cert.as_ref()) else {
        return Err(NotATrustAnchor::Unreadable);
    };
    match spki(end_entity) {
        Some(ee_key) if ee_key == parsed.spki() => return Err(NotATrustAnchor::EndEntityKey),
        Some(_) => {}
        None => return Err(NotATrustAnchor::Unreadable),
    }
    // The walk refused a repeated extension; a value that is not its type's DER is unreadable.
    match parsed.is_ca() {
        Some(Ok(true)) => {}
        Some(Ok(false)) | None => return Err(NotATrustAnchor::NotACa),
        Some(Err(_)) => return Err(NotATrustAnchor::Unreadable),
    }
    match parsed.key_cert_sign() {
        None | Some(Ok(true)) => Ok(()),
        Some(Ok(false)) => Err(NotATrustAnchor::NoKeyCertSign),
        Some(Err(_)) => Err(NotATrustAnchor::Unreadable),
    }
}

/// The position of the first certificate above the end entity that matches `record` and may
/// be a trust anchor ([`check_trust_anchor`]: RFC 6698 §2.1.1, a CA; not the end entity
/// again): a position alone says nothing. Each matching certificate that may not is passed
/// over and reported to `passed_over`.
pub(super) fn trust_anchor_position(
    record: &TlsaRecord,
    chain: &[CertificateDer<'_>],
    mut passed_over: impl FnMut(usize, NotATrustAnchor),
) -> Option<usize> {
    let end_entity = chain.first()?;
    chain
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, c)| record.matches(c))
        .find(|(i, c)| match check_trust_anchor(end_entity, c) {
            Ok(()) => true,
            Err(why) => {
                passed_over(*i, why);
                false
            }
        })
        .map(|(i, _)| i)
}
