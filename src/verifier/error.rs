//! Errors of the rustls adapters, and the one mapping from a rejection to `rustls::Error`.

use std::sync::Arc;

use rustls::{CertRevocationListError, CertificateError, Error, ExtendedKeyPurpose, OtherError};

use crate::chain::error::ChainError;
use crate::verdict::Rejected;

/// Why a verifier could not be built (mirrors rustls's `VerifierBuilderError`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifierBuilderError {
    /// The root store is empty: no certificate could ever be trusted.
    #[error("no root trust anchors were provided")]
    NoRootAnchors,
    /// A CRL could not be parsed.
    #[error("invalid CRL: {0}")]
    InvalidCrl(ChainError),
}

/// `id-kp-sipDomain` arcs, for `InvalidPurposeContext`.
const SIP_DOMAIN_ARCS: [usize; 9] = [1, 3, 6, 1, 5, 5, 7, 3, 20];

fn purpose(dotted: &str) -> ExtendedKeyPurpose {
    let arcs: Option<Vec<usize>> = dotted.split('.').map(|a| a.parse().ok()).collect();
    match arcs.as_deref() {
        Some([1, 3, 6, 1, 5, 5, 7, 3, 1]) => ExtendedKeyPurpose::ServerAuth,
        Some([1, 3, 6, 1, 5, 5, 7, 3, 2]) => ExtendedKeyPurpose::ClientAuth,
        Some(arcs) => ExtendedKeyPurpose::Other(arcs.to_vec()),
        None => ExtendedKeyPurpose::Other(Vec::new()),
    }
}

/// The single mapping from a rejection to the rustls error that aborts the handshake
/// (modelled on rustls's own `pki_error`). A path-validation failure that rustls has a name
/// for becomes that `CertificateError` (or CRL error), so rustls sends the matching alert;
/// everything else becomes `CertificateError::Other` carrying the whole [`Rejected`], which
/// [`rejection`] gets back. Every input is an error.
pub(crate) fn rejected_to_rustls(r: Rejected) -> Error {
    match r.path_error().and_then(specific_error) {
        Some(e) => e,
        None => Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(r)))),
    }
}

/// The rustls error that names a path-validation failure, when rustls has one.
fn specific_error(e: &ChainError) -> Option<Error> {
    let ce = match e {
        ChainError::Expired { time, not_after } => CertificateError::ExpiredContext {
            time: *time,
            not_after: *not_after,
        },
        ChainError::NotYetValid { time, not_before } => CertificateError::NotValidYetContext {
            time: *time,
            not_before: *not_before,
        },
        ChainError::UnknownIssuer => CertificateError::UnknownIssuer,
        ChainError::BadSignature => CertificateError::BadSignature,
        ChainError::Revoked => CertificateError::Revoked,
        ChainError::RevocationStatusUnknown => CertificateError::UnknownRevocationStatus,
        ChainError::EkuNotPermitted { present } => CertificateError::InvalidPurposeContext {
            required: ExtendedKeyPurpose::Other(SIP_DOMAIN_ARCS.to_vec()),
            presented: present.iter().map(|p| purpose(p)).collect(),
        },
        ChainError::Malformed { .. } => CertificateError::BadEncoding,
        ChainError::Invalid(w) => return webpki_specific_error(w),
        ChainError::NameConstraintViolation { .. }
        | ChainError::MalformedNameConstraint { .. }
        | ChainError::NameConstraintBudgetExceeded { .. }
        | ChainError::NameNotCheckable { .. }
        | ChainError::CaKeyUsage { .. }
        | ChainError::TooLarge { .. }
        | ChainError::PathLenConstraintViolated
        | ChainError::InvalidCrl(_) => return None,
    };
    Some(Error::InvalidCertificate(ce))
}

/// rustls's names for the webpki errors that sipcert keeps as [`ChainError::Invalid`].
fn webpki_specific_error(e: &webpki::Error) -> Option<Error> {
    use webpki::Error as W;
    Some(match e {
        W::UnsupportedCriticalExtension => {
            Error::InvalidCertificate(CertificateError::UnhandledCriticalExtension)
        }
        #[allow(deprecated)]
        W::UnsupportedSignatureAlgorithm | W::UnsupportedSignatureAlgorithmForPublicKey => {
            Error::InvalidCertificate(CertificateError::UnsupportedSignatureAlgorithm)
        }
        W::UnsupportedSignatureAlgorithmContext(cx) => {
            Error::InvalidCertificate(CertificateError::UnsupportedSignatureAlgorithmContext {
                signature_algorithm_id: cx.signature_algorithm_id.clone(),
                supported_algorithms: cx.supported_algorithms.clone(),
            })
        }
        W::UnsupportedSignatureAlgorithmForPublicKeyContext(cx) => Error::InvalidCertificate(
            CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext {
                signature_algorithm_id: cx.signature_algorithm_id.clone(),
                public_key_algorithm_id: cx.public_key_algorithm_id.clone(),
            },
        ),
        W::CrlExpired { time, next_update } => {
            Error::InvalidCertificate(CertificateError::ExpiredRevocationListContext {
                time: *time,
                next_update: *next_update,
            })
        }
        W::IssuerNotCrlSigner => {
            Error::InvalidCertRevocationList(CertRevocationListError::IssuerInvalidForCrl)
        }
        W::InvalidCrlSignatureForPublicKey => {
            Error::InvalidCertRevocationList(CertRevocationListError::BadSignature)
        }
        // Everything else has no rustls name: it travels inside the `Rejected`.
        _ => return None,
    })
}

/// The [`Rejected`] behind a rustls error raised by [`SipServerVerifier`](super::SipServerVerifier)
/// or [`SipClientVerifier`](super::SipClientVerifier), for logs and for telling the peer why
/// (e.g. a SIP `Warning` header). `None` for errors rustls has its own name for (an expired or
/// untrusted chain, a bad handshake signature, ...) and for errors from elsewhere.
///
/// ```
/// # use std::sync::Arc;
/// use sipcert::{verifier::rejection, ReasonCode, Rejected};
///
/// let r = Rejected::new(ReasonCode::NoMatchingIdentity, "no identity equals example.com", None);
/// let err = rustls::Error::InvalidCertificate(rustls::CertificateError::Other(
///     rustls::OtherError(Arc::new(r.clone())),
/// ));
/// assert_eq!(rejection(&err), Some(&r));
/// ```
pub fn rejection(error: &Error) -> Option<&Rejected> {
    match error {
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<Rejected>()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::UnixTime;

    #[allow(clippy::too_many_lines)] // a table of cases, one row each
    #[test]
    fn mapping_table() {
        let t = UnixTime::since_unix_epoch(core::time::Duration::from_secs(5));
        let rows: Vec<(ChainError, &str)> = vec![
            (
                ChainError::Expired {
                    time: t,
                    not_after: t,
                },
                "ExpiredContext",
            ),
            (
                ChainError::NotYetValid {
                    time: t,
                    not_before: t,
                },
                "NotValidYetContext",
            ),
            (ChainError::UnknownIssuer, "UnknownIssuer"),
            (ChainError::BadSignature, "BadSignature"),
            (ChainError::Revoked, "Revoked"),
            (ChainError::RevocationStatusUnknown, "UnknownRevocationStatus"),
            (
                ChainError::EkuNotPermitted {
                    present: vec!["1.3.6.1.5.5.7.3.3".into(), "1.3.6.1.5.5.7.3.1".into()],
                },
                "InvalidPurposeContext { required: Other([1, 3, 6, 1, 5, 5, 7, 3, 20]), presented: [Other([1, 3, 6, 1, 5, 5, 7, 3, 3]), ServerAuth] }",
            ),
            (
                ChainError::Malformed {
                    detail: "x".into(),
                },
                "BadEncoding",
            ),
            (ChainError::PathLenConstraintViolated, "Other("),
            (
                ChainError::CaKeyUsage {
                    ca: "intermediate CA 1 (CN=x)".into(),
                },
                "Other(",
            ),
            (
                ChainError::TooLarge {
                    which: "end-entity certificate".into(),
                    size: 70_000,
                },
                "Other(",
            ),
            (
                ChainError::NameNotCheckable { detail: "x".into() },
                "Other(",
            ),
            (
                ChainError::NameConstraintBudgetExceeded {
                    names: 1,
                    subtrees: 1,
                    limit: 1,
                },
                "Other(",
            ),
            (
                ChainError::NameConstraintViolation {
                    name: None,
                    constraint: None,
                },
                "Other(",
            ),
        ];
        for (input, expected) in rows {
            let shown = format!("{input:?}");
            let got = rejected_to_rustls(Rejected::from_chain_error(input.clone(), None));
            let Error::InvalidCertificate(ce) = &got else {
                panic!("{shown} -> {got:?}: not InvalidCertificate");
            };
            assert!(
                format!("{ce:?}").starts_with(expected),
                "{shown} -> {ce:?}, expected {expected}"
            );
            if let CertificateError::Other(OtherError(_)) = ce {
                let back = rejection(&got).and_then(Rejected::path_error);
                assert_eq!(back, Some(&input), "{shown}: downcast");
            }
        }
    }
}
