//! [`ChainError`] and the one mapping from `webpki::Error`.

use rustls_pki_types::UnixTime;

use crate::codes::ReasonCode;
use crate::identity::IdentityName;
use crate::time::Rfc3339;

/// Why path validation (RFC 5280 §6, RFC 5922 §7.1 step 0) rejected a certificate chain.
///
/// [`ChainError::code`] gives the stable reason code. Several variants
/// share a code when the distinction only matters for diagnostics (for example
/// [`ChainError::PathLenConstraintViolated`] and [`ChainError::Invalid`] are both
/// `chain-invalid`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// A certificate on the path had expired at the validation time.
    #[error("certificate expired: validation time {} is after notAfter {}", Rfc3339(time.as_secs()), Rfc3339(not_after.as_secs()))]
    Expired {
        /// The validation time.
        time: UnixTime,
        /// The notAfter time of the offending certificate.
        not_after: UnixTime,
    },
    /// A certificate on the path was not yet valid at the validation time.
    #[error("certificate not yet valid: validation time {} is before notBefore {}", Rfc3339(time.as_secs()), Rfc3339(not_before.as_secs()))]
    NotYetValid {
        /// The validation time.
        time: UnixTime,
        /// The notBefore time of the offending certificate.
        not_before: UnixTime,
    },
    /// No path to a configured trust anchor could be built.
    #[error("no path to a trusted root (unknown issuer)")]
    UnknownIssuer,
    /// A signature on the path (certificate or CRL) does not verify.
    #[error("a signature on the certificate path does not verify")]
    BadSignature,
    /// A certificate on the path is revoked by a configured CRL.
    #[error("a certificate on the path is revoked")]
    Revoked,
    /// CRLs were configured, unknown status is not allowed
    /// ([`ChainVerifier::allow_unknown_revocation_status`](super::ChainVerifier::allow_unknown_revocation_status)),
    /// and no CRL covers a certificate on the path.
    #[error("revocation status unknown: no configured CRL covers a certificate on the path")]
    RevocationStatusUnknown,
    /// A SIP identity (or, when `name` is `None`, a subjectAltName checked by webpki itself)
    /// is outside the name constraints of a CA on the path.
    #[error("{}", match (name, constraint) {
        (Some(n), Some(c)) => format!("SIP identity {n} violates the name constraint {c} of a CA on the path"),
        (Some(n), None) => format!("SIP identity {n} violates a name constraint of a CA on the path"),
        _ => "a name in the certificate violates a name constraint of a CA on the path".to_owned(),
    })]
    NameConstraintViolation {
        /// The SIP identity (a domain, or an IP address under
        /// [`Policy::allow_ip_literals`](crate::Policy::allow_ip_literals)) that violated the
        /// constraint, when sipcert's own check found it.
        name: Option<IdentityName>,
        /// The violated constraint, e.g. `permitted dNSName subtrees {example.com} of the
        /// intermediate CA 1 (CN=Example CA)` or `excluded iPAddress 192.0.2.0/24 of the
        /// trust anchor`.
        constraint: Option<String>,
    },
    /// A CA on the path carries a name constraint sipcert cannot evaluate safely (empty or
    /// malformed dNSName, iPAddress with a bad length or a non-contiguous mask,
    /// minimum/maximum fields, bad DER). Fails closed.
    #[error("malformed name constraint on a CA of the path: {detail}")]
    MalformedNameConstraint {
        /// What is wrong.
        detail: String,
    },
    /// Checking the SIP identities against the name constraints of the candidate paths would
    /// take more comparisons than one verification may spend (a denial-of-service guard, like
    /// webpki's own budget). Fails closed.
    #[error("name-constraint check budget exceeded: {names} SIP identities × {subtrees} name-constraint subtrees on the path, over the budget of {limit} comparisons per verification")]
    NameConstraintBudgetExceeded {
        /// How many SIP identities were to be checked.
        names: usize,
        /// How many dNSName and iPAddress subtrees the CAs of the path carry.
        subtrees: usize,
        /// The budget, in comparisons, for one verification (all candidate paths together).
        limit: usize,
    },
    /// A dNSName SAN of the end entity is not in the DNS preferred name syntax (for example
    /// `sip.example.com.` with a trailing dot), so webpki cannot check it against the name
    /// constraints of a CA on the path. Without name constraints such a name is not checked
    /// by webpki at all.
    #[error("a dNSName SAN is not in the DNS preferred name syntax (e.g. it has a trailing dot), so webpki cannot check it against the name constraints of a CA on the path ({detail})")]
    NameNotCheckable {
        /// What webpki reported.
        detail: String,
    },
    /// A CA certificate on the path has a keyUsage extension without keyCertSign, so it may
    /// not sign certificates (RFC 5280 §4.2.1.3, §6.1.4 (n)). webpki ignores keyUsage;
    /// sipcert does not.
    #[error("the {ca} has a keyUsage extension without keyCertSign, so it may not issue certificates (RFC 5280 §4.2.1.3)")]
    CaKeyUsage {
        /// Which CA, e.g. `intermediate CA 1 (CN=Example CA)` (1 is the issuer of the end
        /// entity).
        ca: String,
    },
    /// A presented certificate is too large for webpki, which reads DER items of at most
    /// 65 534 content octets (about 64 KiB).
    #[error("the {which} is too large for webpki: {size} octets of DER, over webpki's limit of 65 534 content octets (64 KiB) per DER item")]
    TooLarge {
        /// Which certificate: `end-entity certificate` or `intermediate certificate N` (N
        /// counts the presented intermediates from 1).
        which: String,
        /// Its DER size, in octets.
        size: usize,
    },
    /// The EKU of a certificate on the path allows no SIP purpose for this role.
    #[error("extended key usage {} permits no SIP use", fmt_oids(present))]
    EkuNotPermitted {
        /// The EKU OIDs present, in dotted form.
        present: Vec<String>,
    },
    /// A CA's pathLenConstraint is exceeded.
    #[error("a CA's path length constraint is exceeded")]
    PathLenConstraintViolated,
    /// A certificate on the path is not well-formed DER or not a valid X.509 v3 certificate.
    #[error("malformed certificate: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// A CRL given to the verifier could not be parsed; webpki's error says why.
    #[error("invalid CRL: {0:?}")]
    InvalidCrl(webpki::Error),
    /// Any other path-validation failure, with webpki's error (a CA used as an end entity, an
    /// unsupported critical extension or signature algorithm, an expired CRL, a path-building
    /// budget, ...).
    #[error("invalid certificate path: {}", webpki_detail(.0))]
    Invalid(webpki::Error),
}

/// webpki's error for a person: its name, with the times of an expired CRL in RFC 3339 (webpki's
/// `Debug` would show Unix seconds).
fn webpki_detail(e: &webpki::Error) -> String {
    match e {
        webpki::Error::CrlExpired { time, next_update } => format!(
            "a CRL expired: validation time {} is after its nextUpdate {}",
            Rfc3339(time.as_secs()),
            Rfc3339(next_update.as_secs())
        ),
        other => format!("{other:?}"),
    }
}

fn fmt_oids(oids: &[String]) -> String {
    if oids.is_empty() {
        "(none)".to_owned()
    } else {
        oids.join(", ")
    }
}

impl ChainError {
    /// The stable reason code, the same string as [`ChainError::reason_code`] gives.
    pub fn code(&self) -> &'static str {
        self.reason_code().code()
    }

    /// The verdict reason code for this failure.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::Expired { .. } => ReasonCode::ChainExpired,
            Self::NotYetValid { .. } => ReasonCode::ChainNotYetValid,
            Self::UnknownIssuer => ReasonCode::ChainUnknownIssuer,
            Self::BadSignature => ReasonCode::ChainBadSignature,
            Self::Revoked => ReasonCode::ChainRevoked,
            Self::NameConstraintViolation { .. }
            | Self::MalformedNameConstraint { .. }
            | Self::NameConstraintBudgetExceeded { .. }
            | Self::NameNotCheckable { .. } => ReasonCode::ChainNameConstraintViolation,
            Self::CaKeyUsage { .. } => ReasonCode::ChainCaKeyUsage,
            Self::EkuNotPermitted { .. } => ReasonCode::EkuNotPermitted,
            Self::Malformed { .. } => ReasonCode::CertMalformed,
            Self::TooLarge { .. } => ReasonCode::CertTooLarge,
            Self::RevocationStatusUnknown
            | Self::PathLenConstraintViolated
            | Self::InvalidCrl(_)
            | Self::Invalid(_) => ReasonCode::ChainInvalid,
        }
    }
}

/// Dotted form of a decoded OID.
pub(crate) fn dotted(arcs: &[usize]) -> String {
    let parts: Vec<String> = arcs.iter().map(ToString::to_string).collect();
    parts.join(".")
}

/// The single mapping from webpki's error to ours. Every input maps to an error; nothing here
/// can turn a failure into success.
pub(crate) fn from_webpki(e: webpki::Error) -> ChainError {
    use webpki::Error as W;
    match e {
        W::CertExpired { time, not_after } => ChainError::Expired { time, not_after },
        W::CertNotValidYet { time, not_before } => ChainError::NotYetValid { time, not_before },
        W::UnknownIssuer => ChainError::UnknownIssuer,
        W::InvalidSignatureForPublicKey | W::InvalidCrlSignatureForPublicKey => {
            ChainError::BadSignature
        }
        W::CertRevoked => ChainError::Revoked,
        W::UnknownRevocationStatus => ChainError::RevocationStatusUnknown,
        W::NameConstraintViolation => ChainError::NameConstraintViolation {
            name: None,
            constraint: None,
        },
        W::MalformedNameConstraint => ChainError::MalformedNameConstraint {
            detail: "webpki: MalformedNameConstraint".to_owned(),
        },
        // An iPAddress constraint whose mask is not a contiguous prefix, or whose length
        // fits neither IPv4 nor IPv6, found while webpki checked an iPAddress SAN.
        W::InvalidNetworkMaskConstraint => ChainError::MalformedNameConstraint {
            detail: "webpki: InvalidNetworkMaskConstraint (an iPAddress constraint with a bad mask or length)".to_owned(),
        },
        W::RequiredEkuNotFoundContext(ctx) => ChainError::EkuNotPermitted {
            present: ctx.present.iter().map(|o| dotted(o)).collect(),
        },
        #[allow(deprecated)]
        W::RequiredEkuNotFound => ChainError::EkuNotPermitted {
            present: Vec::new(),
        },
        W::PathLenConstraintViolated => ChainError::PathLenConstraintViolated,
        W::BadDer
        | W::BadDerTime
        | W::TrailingData(_)
        | W::UnsupportedCertVersion
        | W::ExtensionValueInvalid
        | W::MalformedExtensions
        | W::InvalidSerialNumber
        | W::InvalidCertValidity
        | W::EmptyEkuExtension => ChainError::Malformed {
            detail: format!("{e:?}"),
        },
        // webpki raises this only while checking a dNSName SAN against a CA's dNSName
        // constraints (a name it cannot compare, such as one with a trailing dot); without
        // constraints the same certificate passes. It is a name-constraint failure, not a
        // malformed certificate.
        W::MalformedDnsIdentifier => ChainError::NameNotCheckable {
            detail: format!("webpki: {e:?}"),
        },
        // webpki::Error is non-exhaustive: everything else (CA used as end entity, unsupported
        // critical extension, signature algorithm problems, budgets, CRL problems, ...) is a
        // rejection with the generic code, keeping webpki's error. This arm can only produce
        // an error.
        other => ChainError::Invalid(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapping_is_an_error_with_the_documented_code() {
        let t = UnixTime::since_unix_epoch(core::time::Duration::from_secs(10));
        let rows: &[(webpki::Error, &str)] = &[
            (
                webpki::Error::CertExpired {
                    time: t,
                    not_after: t,
                },
                "chain-expired",
            ),
            (
                webpki::Error::CertNotValidYet {
                    time: t,
                    not_before: t,
                },
                "chain-not-yet-valid",
            ),
            (webpki::Error::UnknownIssuer, "chain-unknown-issuer"),
            (
                webpki::Error::InvalidSignatureForPublicKey,
                "chain-bad-signature",
            ),
            (webpki::Error::CertRevoked, "chain-revoked"),
            (webpki::Error::UnknownRevocationStatus, "chain-invalid"),
            (
                webpki::Error::NameConstraintViolation,
                "chain-name-constraint-violation",
            ),
            (
                webpki::Error::MalformedNameConstraint,
                "chain-name-constraint-violation",
            ),
            (
                #[allow(deprecated)]
                webpki::Error::RequiredEkuNotFound,
                "eku-not-permitted",
            ),
            (webpki::Error::PathLenConstraintViolated, "chain-invalid"),
            (webpki::Error::BadDer, "cert-malformed"),
            (
                webpki::Error::TrailingData(webpki::DerTypeId::SignedData),
                "cert-malformed",
            ),
            (
                webpki::Error::MalformedDnsIdentifier,
                "chain-name-constraint-violation",
            ),
            (
                webpki::Error::InvalidNetworkMaskConstraint,
                "chain-name-constraint-violation",
            ),
            (
                webpki::Error::MaximumNameConstraintComparisonsExceeded,
                "chain-invalid",
            ),
            (webpki::Error::UnsupportedCertVersion, "cert-malformed"),
            (webpki::Error::CaUsedAsEndEntity, "chain-invalid"),
            (webpki::Error::UnsupportedCriticalExtension, "chain-invalid"),
            (webpki::Error::MaximumPathDepthExceeded, "chain-invalid"),
        ];
        for (input, code) in rows {
            let got = from_webpki(input.clone());
            assert_eq!(got.code(), *code, "from_webpki({input:?}) = {got:?}");
            assert_eq!(got.reason_code().code(), *code, "reason_code of {got:?}");
        }
    }

    #[test]
    fn sipcert_own_variants_have_their_codes() {
        let rows: Vec<(ChainError, &str)> = vec![
            (
                ChainError::CaKeyUsage {
                    ca: "intermediate CA 1 (CN=x)".into(),
                },
                "chain-ca-key-usage",
            ),
            (
                ChainError::TooLarge {
                    which: "end-entity certificate".into(),
                    size: 70_000,
                },
                "cert-too-large",
            ),
            (
                ChainError::NameConstraintBudgetExceeded {
                    names: 2,
                    subtrees: 3,
                    limit: 4,
                },
                "chain-name-constraint-violation",
            ),
            (
                ChainError::NameNotCheckable {
                    detail: "webpki: MalformedDnsIdentifier".into(),
                },
                "chain-name-constraint-violation",
            ),
            (
                ChainError::NameConstraintViolation {
                    name: Some(IdentityName::Ip([192, 0, 2, 7].into())),
                    constraint: Some("permitted iPAddress subtrees {198.51.100.0/24}".into()),
                },
                "chain-name-constraint-violation",
            ),
        ];
        for (e, code) in rows {
            assert_eq!(e.code(), code, "{e:?}");
            assert_eq!(e.reason_code().code(), code, "{e:?}");
        }
    }

    /// Messages for people show RFC 3339 UTC times, never Unix seconds.
    #[test]
    fn messages_show_rfc3339_times() {
        let at = |secs: u64| UnixTime::since_unix_epoch(core::time::Duration::from_secs(secs));
        let rows: Vec<(webpki::Error, &str)> = vec![
            (
                webpki::Error::CertExpired {
                    time: at(1_796_678_877),
                    not_after: at(1_609_459_200),
                },
                "certificate expired: validation time 2026-12-07T21:27:57Z is after notAfter 2021-01-01T00:00:00Z",
            ),
            (
                webpki::Error::CertNotValidYet {
                    time: at(951_782_400),
                    not_before: at(4_107_542_400),
                },
                "certificate not yet valid: validation time 2000-02-29T00:00:00Z is before notBefore 2100-03-01T00:00:00Z",
            ),
            (
                webpki::Error::CrlExpired {
                    time: at(1_796_678_877),
                    next_update: at(1_609_459_200),
                },
                "invalid certificate path: a CRL expired: validation time 2026-12-07T21:27:57Z is after its nextUpdate 2021-01-01T00:00:00Z",
            ),
        ];
        for (input, want) in rows {
            let got = from_webpki(input.clone()).to_string();
            assert_eq!(got, want, "from_webpki({input:?})");
        }
    }
}
