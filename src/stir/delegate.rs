//! RFC 9060 delegate certificates: a certificate whose issuer (an intermediate of the chain)
//! carries a TNAuthList may speak only for numbers within it (RFC 9060 §4: the scope of a
//! delegate certificate lies within its parent's). An SPC must be one the issuer names; a TN
//! or a range must be covered by the issuer's TNs and ranges, number by number.

use super::codes::{StirCode, StirError};
use super::tnauth::{self, TnEntry};
use crate::der::cert::Certificate;

/// The leaf's TNAuthList `entries` against the TNAuthList of its issuer, when the issuer is
/// among `intermediates` (its subject equals the leaf's issuer) and carries one; every such
/// intermediate (a cross-certified pair has two) bounds the leaf.
pub(crate) fn check_within_issuer(
    leaf: &Certificate<'_>,
    intermediates: &[Certificate<'_>],
    entries: &[TnEntry],
) -> Result<(), StirError> {
    let issuer_name = leaf.issuer().as_bytes();
    for cert in intermediates {
        if cert.subject().as_bytes() != issuer_name {
            continue;
        }
        let ext = cert
            .other_extension(tnauth::OID_TN_AUTH_LIST)
            .map_err(|e| {
                StirError::new(
                    StirCode::TnAuthListMalformed,
                    format!("the issuer certificate's extensions: {e}"),
                )
            })?;
        let Some(ext) = ext else {
            continue;
        };
        let parent = tnauth::parse_tn_auth_list(ext.value.as_bytes()).map_err(|e| {
            StirError::new(
                StirCode::TnAuthListMalformed,
                format!("the issuer certificate's {}", e.message),
            )
        })?;
        for entry in entries {
            if !within(entry, &parent) {
                let listed: Vec<String> = parent.iter().map(ToString::to_string).collect();
                return Err(StirError::new(
                    StirCode::DelegateOutsideIssuer,
                    format!(
                        "the certificate's TNAuthList entry {entry} is not within its issuer's \
                         TNAuthList [{}] (RFC 9060 §4)",
                        listed.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Whether `entry` lies within `parent`.
pub(crate) fn within(entry: &TnEntry, parent: &[TnEntry]) -> bool {
    match entry {
        TnEntry::Spc(spc) => parent
            .iter()
            .any(|p| matches!(p, TnEntry::Spc(q) if q == spc)),
        TnEntry::One(tn) => parent.iter().any(|p| p.covers(tn)),
        TnEntry::Range { start, count } => {
            let Some(first) = value(start) else {
                return false;
            };
            let Some(last) = first.checked_add(count.saturating_sub(1)) else {
                return false;
            };
            covered(first, last, start.len(), parent)
        }
    }
}

fn value(digits: &str) -> Option<u64> {
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether every number `first..=last` of `len` digits is covered by the parent's TNs and
/// ranges of that length (their union, so adjacent ranges together cover a range).
fn covered(first: u64, last: u64, len: usize, parent: &[TnEntry]) -> bool {
    let mut spans: Vec<(u64, u64)> = parent
        .iter()
        .filter_map(|p| match p {
            TnEntry::One(tn) if tn.len() == len => value(tn).map(|v| (v, v)),
            TnEntry::Range { start, count } if start.len() == len => {
                let s = value(start)?;
                Some((s, s.checked_add(count.saturating_sub(1))?))
            }
            TnEntry::One(_) | TnEntry::Range { .. } | TnEntry::Spc(_) => None,
        })
        .collect();
    spans.sort_unstable();
    let mut next = first;
    for (s, e) in spans {
        if s > next {
            break;
        }
        if e >= next {
            if e >= last {
                return true;
            }
            next = e + 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: &str, count: u64) -> TnEntry {
        TnEntry::Range {
            start: start.into(),
            count,
        }
    }

    #[test]
    fn entries_within_a_parent() {
        let parent = [
            TnEntry::Spc("709J".into()),
            range("12155551200", 100),
            range("12155551300", 50),
            TnEntry::One("12155559999".into()),
        ];
        for (entry, inside) in [
            (TnEntry::Spc("709J".into()), true),
            (TnEntry::Spc("709K".into()), false),
            (TnEntry::One("12155551212".into()), true),
            (TnEntry::One("12155559999".into()), true),
            (TnEntry::One("12155551350".into()), false),
            (TnEntry::One("2155551212".into()), false),
            (range("12155551200", 100), true),
            (range("12155551250", 100), true),
            (range("12155551250", 101), false),
            (range("12155551199", 2), false),
            (range("12155559999", 2), false),
            (range("2155551200", 2), false),
        ] {
            assert_eq!(within(&entry, &parent), inside, "{entry}");
        }
        assert!(!within(&TnEntry::One("12155551212".into()), &[]));
    }
}
