//! [`evaluate`]: the TLSA records of one target against the presented chain, record by
//! record: which certificate a record matches, then whether that match authenticates the
//! server for the record's usage.

use rustls_pki_types::CertificateDer;

use super::anchor::trust_anchor_position;
use super::{first_reason, DaneMatch, DaneOutcome, DaneStatus, TlsaRecord, TlsaSet, Usage};
use crate::verdict::Verdict;

/// Matches `set` against the presented chain (`chain[0]` is the end entity).
///
/// `pkix` is the PKIX + RFC 5922 verdict on the chain (with the system or configured trust
/// anchors); `dane_ta` gives the verdict with one presented certificate as the only trust
/// anchor (path validation and RFC 5922 names, for DANE-TA, and for PKIX-TA to check that the
/// matched certificate is on a path of the end entity). Records are tried in order; the
/// first that authenticates wins.
pub fn evaluate(
    set: &TlsaSet,
    chain: &[CertificateDer<'_>],
    pkix: &Verdict,
    mut dane_ta: impl FnMut(&CertificateDer<'_>) -> Verdict,
) -> DaneOutcome {
    let unusable = set.unusable();
    let usable: Vec<_> = set.usable().collect();
    if usable.is_empty() {
        return DaneOutcome {
            status: DaneStatus::NotApplicable,
            matched: None,
            usable: 0,
            detail: format!(
                "no usable TLSA record ({} unusable); PKIX decides",
                unusable.len()
            ),
            unusable,
        };
    }
    let mut notes = Vec::new();
    for &(index, record, usage) in &usable {
        let Some(position) = matched_position(index, record, usage, chain, &mut notes) else {
            notes.push(format!(
                "record {index} ({}) matches no presented certificate that it may name",
                usage.code()
            ));
            continue;
        };
        let ok = authenticates(usage, chain.get(position), pkix, &mut dane_ta);
        match ok {
            Ok(()) => {
                return DaneOutcome {
                    status: DaneStatus::Authenticated,
                    matched: Some(DaneMatch {
                        record: index,
                        usage,
                        position,
                    }),
                    usable: usable.len(),
                    detail: format!(
                        "record {index} ({record}) matches certificate {position} of the chain ({})",
                        usage.code()
                    ),
                    unusable,
                };
            }
            Err(why) => notes.push(format!(
                "record {index} ({}) matches certificate {position} but {why}",
                usage.code()
            )),
        }
    }
    DaneOutcome {
        status: DaneStatus::Mismatch,
        matched: None,
        usable: usable.len(),
        detail: format!(
            "none of the {} usable TLSA records authenticates the server: {}",
            usable.len(),
            notes.join("; ")
        ),
        unusable,
    }
}

/// The position in `chain` of the certificate record `index` matches, among those its usage
/// may name: the end entity for PKIX-EE and DANE-EE, a trust anchor above it for PKIX-TA and
/// DANE-TA (a matched certificate that cannot be one is explained in `notes`).
fn matched_position(
    index: usize,
    record: &TlsaRecord,
    usage: Usage,
    chain: &[CertificateDer<'_>],
    notes: &mut Vec<String>,
) -> Option<usize> {
    match usage {
        Usage::PkixEe | Usage::DaneEe => chain.first().filter(|c| record.matches(c)).map(|_| 0),
        Usage::PkixTa | Usage::DaneTa => trust_anchor_position(record, chain, |i, why| {
            notes.push(format!(
                "record {index} ({}) matches certificate {i}, which {why}",
                usage.code()
            ));
        }),
    }
}

/// Whether a record of `usage` that matched `matched` (its presented certificate)
/// authenticates the server, given the PKIX verdict and the DANE-TA verdict; why not.
fn authenticates(
    usage: Usage,
    matched: Option<&CertificateDer<'_>>,
    pkix: &Verdict,
    dane_ta: impl FnMut(&CertificateDer<'_>) -> Verdict,
) -> Result<(), String> {
    match usage {
        Usage::DaneEe => Ok(()),
        Usage::PkixEe => match pkix {
            Verdict::Accept(_) => Ok(()),
            Verdict::Reject(r) => Err(format!("PKIX rejects: {}", first_reason(r))),
        },
        // RFC 6698 §2.1.1: the certificate must be on a PKIX path of the end entity: PKIX
        // accepts, and the end entity also chains to the matched certificate.
        Usage::PkixTa => match (pkix, matched.map(dane_ta)) {
            (Verdict::Reject(r), _) => Err(format!("PKIX rejects: {}", first_reason(r))),
            (Verdict::Accept(_), Some(Verdict::Accept(_))) => Ok(()),
            (Verdict::Accept(_), Some(Verdict::Reject(r))) => Err(format!(
                "the end entity does not chain to it: {}",
                first_reason(&r)
            )),
            (Verdict::Accept(_), None) => Err("the trust anchor is missing".to_owned()),
        },
        Usage::DaneTa => match matched.map(dane_ta) {
            Some(Verdict::Accept(_)) => Ok(()),
            Some(Verdict::Reject(r)) => Err(format!(
                "the chain to the DANE-TA certificate is rejected: {}",
                first_reason(&r)
            )),
            None => Err("the trust anchor is missing".to_owned()),
        },
    }
}
