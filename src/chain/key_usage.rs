//! RFC 5280 §4.2.1.3 keyUsage on the CA certificates of a path.
//!
//! webpki ignores keyUsage on certificates (it reads it only to check that a CRL issuer may
//! sign CRLs), so a CA whose keyUsage extension is present but lacks keyCertSign is accepted
//! as an issuer. RFC 5280 §4.2.1.3 says such a key must not verify certificate signatures,
//! §6.1.4 (n) makes path validation fail on it, and `openssl verify` refuses it. sipcert
//! refuses it too, on every path it validates: [`check`] runs from the path hook, so
//! path building can still find another path through a properly marked CA.
//!
//! Checked: every intermediate of the path. Not checked: the trust anchor, because webpki's
//! `TrustAnchor` keeps only the subject, the public key and the name constraints of the
//! anchor certificate (RFC 5280 §6.1.1 (d) makes trust-anchor information input to path
//! validation, not a certificate of the path); and the end entity, whose keyUsage does not
//! make it an issuer.
//!
//! The extension value is read strictly ([`crate::der::ext`]): a DER BIT STRING with a valid unused-bits count
//! (0 to 7, 0 when there are no bits), zero padding bits, no trailing zero bits (X.690
//! §11.2.2), at most the nine bits RFC 5280 defines, and nothing after it. A malformed or
//! duplicated keyUsage on a CA is [`ChainError::Malformed`].

use super::ca::CaName;
use super::ChainError;
use crate::der::cert::Certificate;

/// Refuses an intermediate (walked by [`super::ca::parse`], which already refused a repeated
/// extension) with a keyUsage extension that lacks keyCertSign ([`ChainError::CaKeyUsage`]);
/// a malformed keyUsage is [`ChainError::Malformed`]. A CA without a keyUsage extension
/// passes (RFC 5280 allows it; every mainstream verifier accepts it).
pub(super) fn check(cert: &Certificate<'_>, ca: &CaName<'_>) -> Result<(), ChainError> {
    let Some(allowed) = cert.key_cert_sign() else {
        return Ok(());
    };
    let allowed = allowed.map_err(|why| ChainError::Malformed {
        detail: format!("keyUsage of the {ca}: {why}"),
    })?;
    if allowed {
        Ok(())
    } else {
        Err(ChainError::CaKeyUsage { ca: ca.to_string() })
    }
}
