//! The TNAuthList certificate extension (RFC 8226 §9, id-pe-TNAuthList
//! 1.3.6.1.5.5.7.1.26), read with the crate's strict DER reader. The module of RFC 8226
//! Appendix A (with its errata) has EXPLICIT TAGS, so every `TNEntry` alternative is a
//! constructed context tag wrapping the universal type:
//!
//! ```text
//! TNAuthorizationList ::= SEQUENCE SIZE (1..MAX) OF TNEntry
//! TNEntry ::= CHOICE {
//!   spc   [0] ServiceProviderCode,          -- A0 { IA5String }
//!   range [1] TelephoneNumberRange,         -- A1 { SEQUENCE { IA5String, INTEGER } }
//!   one   [2] TelephoneNumber }             -- A2 { IA5String }
//! TelephoneNumberRange ::= SEQUENCE { start TelephoneNumber, count INTEGER (2..MAX), ... }
//! TelephoneNumber ::= IA5String (SIZE (1..15)) (FROM ("0123456789#*"))
//! ```

use core::fmt;

use super::codes::{StirCode, StirError};
use crate::der::reader::{DerError, Reader, INTEGER, SEQUENCE};

/// id-pe-TNAuthList, 1.3.6.1.5.5.7.1.26 (content octets).
pub(crate) const OID_TN_AUTH_LIST: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x1A];

const IA5_STRING: u8 = 0x16;
/// How many entries a TNAuthList may have here (real ones have a few).
const MAX_ENTRIES: usize = 1024;

/// One entry of a TNAuthList.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TnEntry {
    /// `spc`: a Service Provider Code (in SHAKEN the only entry of an STI certificate).
    Spc(String),
    /// `range`: `count` consecutive numbers from `start` (same length).
    Range {
        /// The first number.
        start: String,
        /// How many numbers (at least 2).
        count: u64,
    },
    /// `one`: a single telephone number.
    One(String),
}

impl fmt::Display for TnEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spc(spc) => write!(f, "spc {spc}"),
            Self::Range { start, count } => write!(f, "range {start} (+{count})"),
            Self::One(tn) => write!(f, "tn {tn}"),
        }
    }
}

impl TnEntry {
    /// Whether this entry covers the canonical number `tn` (RFC 8226 §9): equal to `one`,
    /// or within a `range` (same number of digits as `start`, numerically in
    /// `start..start + count`). An SPC covers no number by itself.
    pub fn covers(&self, tn: &str) -> bool {
        match self {
            Self::Spc(_) => false,
            Self::One(one) => one == tn,
            Self::Range { start, count } => {
                if start.len() != tn.len() {
                    return false;
                }
                match (digits_value(start), digits_value(tn)) {
                    (Some(first), Some(n)) => n >= first && n - first < *count,
                    _ => false,
                }
            }
        }
    }
}

/// The value of an all-digit string of at most 15 digits.
fn digits_value(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 15 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Reads a TNAuthorizationList (the extnValue contents of id-pe-TNAuthList), as the verifier
/// does: every malformation is `stir-tnauthlist-malformed`, naming the byte offset in
/// `value`.
pub fn parse_tn_auth_list(value: &[u8]) -> Result<Vec<TnEntry>, StirError> {
    parse(value).map_err(|e| {
        StirError::new(
            StirCode::TnAuthListMalformed,
            format!("the TNAuthList value {e} (RFC 8226 §9)"),
        )
    })
}

/// Reads a TNAuthorizationList (the extnValue contents); every malformation is an error at
/// its absolute offset in `value`.
pub(crate) fn parse(value: &[u8]) -> Result<Vec<TnEntry>, DerError> {
    let mut outer = Reader::new(value);
    let mut list = outer.read_expected(SEQUENCE, "a TNAuthorizationList SEQUENCE")?;
    outer.expect_end("the end of the extension value after the TNAuthorizationList")?;
    if list.at_end() {
        return Err(list.error("at least one TNEntry (SIZE (1..MAX))"));
    }
    let mut entries = Vec::new();
    while !list.at_end() {
        if entries.len() == MAX_ENTRIES {
            return Err(list.error("at most 1024 TNEntry values"));
        }
        entries.push(read_entry(&mut list)?);
    }
    Ok(entries)
}

fn read_entry(list: &mut Reader<'_>) -> Result<TnEntry, DerError> {
    let at = list.offset();
    let (tag, mut inner) = list.read_tlv()?;
    let entry = match tag {
        0xa0 => TnEntry::Spc(read_spc(&mut inner)?),
        0xa1 => read_range(&mut inner)?,
        0xa2 => TnEntry::One(read_tn(&mut inner)?),
        _ => {
            return Err(DerError {
                offset: at,
                detail: "a TNEntry: [0] spc, [1] range or [2] one, EXPLICIT (constructed) tags",
            })
        }
    };
    inner.expect_end("the end of the TNEntry after its value")?;
    Ok(entry)
}

/// `ServiceProviderCode ::= IA5String`: printable ASCII, at least one character.
fn read_spc(inner: &mut Reader<'_>) -> Result<String, DerError> {
    let s = inner.read_expected(IA5_STRING, "an IA5String ServiceProviderCode")?;
    let bytes = s.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|b| (0x21..0x7f).contains(b)) {
        return Err(s.error("a non-empty ServiceProviderCode of printable ASCII"));
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// `TelephoneNumber ::= IA5String (SIZE (1..15)) (FROM ("0123456789#*"))`.
fn read_tn(inner: &mut Reader<'_>) -> Result<String, DerError> {
    let s = inner.read_expected(IA5_STRING, "an IA5String TelephoneNumber")?;
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > 15 {
        return Err(s.error("a TelephoneNumber of 1 to 15 characters"));
    }
    if let Some(i) = bytes
        .iter()
        .position(|b| !(b.is_ascii_digit() || *b == b'#' || *b == b'*'))
    {
        return Err(DerError {
            offset: s.offset() + i,
            detail: "a TelephoneNumber character: 0-9, '#' or '*'",
        });
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// `TelephoneNumberRange ::= SEQUENCE { start TelephoneNumber, count INTEGER (2..MAX), ... }`.
/// The extension marker allows later fields; none is defined, so none is accepted here
/// (fail closed).
fn read_range(inner: &mut Reader<'_>) -> Result<TnEntry, DerError> {
    let mut seq = inner.read_expected(SEQUENCE, "a TelephoneNumberRange SEQUENCE")?;
    let start = read_tn(&mut seq)?;
    let count = read_count(&mut seq)?;
    seq.expect_end("the end of the TelephoneNumberRange after count")?;
    if digits_value(&start).is_none() {
        return Err(seq.error("a range start of digits only (no '#' or '*')"));
    }
    Ok(TnEntry::Range { start, count })
}

/// A DER INTEGER (minimal, non-negative) in `2..=u64::MAX`.
fn read_count(seq: &mut Reader<'_>) -> Result<u64, DerError> {
    let int = seq.read_expected(INTEGER, "an INTEGER count")?;
    let bytes = int.as_bytes();
    let minimal = match bytes {
        [] => false,
        [0, next, ..] => next & 0x80 != 0,
        [0xff, next, ..] => next & 0x80 == 0,
        [_, ..] => true,
    };
    if !minimal {
        return Err(int.error("a minimally encoded INTEGER count"));
    }
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(int.error("a count of at least 2 (INTEGER (2..MAX))"));
    }
    let digits = bytes.strip_prefix(&[0]).unwrap_or(bytes);
    if digits.len() > 8 {
        return Err(int.error("a count below 2^64"));
    }
    let count = digits.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
    if count < 2 {
        return Err(int.error("a count of at least 2 (INTEGER (2..MAX))"));
    }
    Ok(count)
}
