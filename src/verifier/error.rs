//! Errors of the rustls adapters, and the one mapping from [`ChainError`] to `rustls::Error`.

use std::sync::Arc;

use rustls::{CertificateError, Error, ExtendedKeyPurpose, OtherError};

use crate::chain::ChainError;

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

/// The single mapping from a path-validation failure to the rustls error that aborts the
/// handshake. Every input is an `InvalidCertificate` error; variants rustls has no name for
/// travel as `CertificateError::Other`, from which the [`ChainError`] can be downcast.
pub(crate) fn chain_error_to_rustls(e: ChainError) -> Error {
    Error::InvalidCertificate(match e {
        ChainError::Expired { time, not_after } => {
            CertificateError::ExpiredContext { time, not_after }
        }
        ChainError::NotYetValid { time, not_before } => {
            CertificateError::NotValidYetContext { time, not_before }
        }
        ChainError::UnknownIssuer => CertificateError::UnknownIssuer,
        ChainError::BadSignature => CertificateError::BadSignature,
        ChainError::Revoked => CertificateError::Revoked,
        ChainError::RevocationStatusUnknown => CertificateError::UnknownRevocationStatus,
        ChainError::EkuNotPermitted { present } => CertificateError::InvalidPurposeContext {
            required: ExtendedKeyPurpose::Other(SIP_DOMAIN_ARCS.to_vec()),
            presented: present.iter().map(|p| purpose(p)).collect(),
        },
        ChainError::Malformed { .. } => CertificateError::BadEncoding,
        e @ (ChainError::NameConstraintViolation { .. }
        | ChainError::MalformedNameConstraint { .. }
        | ChainError::NameConstraintBudgetExceeded { .. }
        | ChainError::NameNotCheckable { .. }
        | ChainError::CaKeyUsage { .. }
        | ChainError::TooLarge { .. }
        | ChainError::PathLenConstraintViolated
        | ChainError::InvalidCrl { .. }
        | ChainError::Invalid { .. }) => CertificateError::Other(OtherError(Arc::new(e))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls_pki_types::UnixTime;

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
            let got = chain_error_to_rustls(input.clone());
            let Error::InvalidCertificate(ce) = &got else {
                panic!("{shown} -> {got:?}: not InvalidCertificate");
            };
            assert!(
                format!("{ce:?}").starts_with(expected),
                "{shown} -> {ce:?}, expected {expected}"
            );
            if let CertificateError::Other(OtherError(inner)) = ce {
                let back = inner.downcast_ref::<ChainError>();
                assert_eq!(back, Some(&input), "{shown}: downcast");
            }
        }
    }
}
