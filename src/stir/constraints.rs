//! The claim constraints a STIR certificate may put on the PASSporTs signed with its key:
//! JWTClaimConstraints (RFC 8226 §8, id-pe-JWTClaimConstraints 1.3.6.1.5.5.7.1.27) and
//! EnhancedJWTClaimConstraints (RFC 9118 §3, id-pe-eJWTClaimConstraints
//! 1.3.6.1.5.5.7.1.33), read with the crate's strict DER reader. Both modules have EXPLICIT
//! TAGS:
//!
//! ```text
//! JWTClaimConstraints ::= SEQUENCE {
//!   mustInclude [0] JWTClaimNames OPTIONAL,                 -- A0 { SEQUENCE OF IA5String }
//!   permittedValues [1] JWTClaimPermittedValuesList OPTIONAL }
//!   ( WITH COMPONENTS { ..., mustInclude PRESENT } |
//!     WITH COMPONENTS { ..., permittedValues PRESENT } )
//! EnhancedJWTClaimConstraints ::= SEQUENCE {
//!   mustInclude [0] JWTClaimNames OPTIONAL,
//!   permittedValues [1] JWTClaimValuesList OPTIONAL,
//!   mustExclude [2] JWTClaimNames OPTIONAL }                -- at least one present
//! JWTClaimNames ::= SEQUENCE SIZE (1..MAX) OF JWTClaimName  -- IA5String
//! JWTClaimPermittedValuesList ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
//!   claim JWTClaimName, permitted SEQUENCE SIZE (1..MAX) OF UTF8String }
//! ```
//!
//! Enforced against the PASSporT's claims: every `mustInclude` claim present, every
//! `mustExclude` claim absent, and a claim named in `permittedValues`, when present, a JSON
//! string equal to one of the listed values (a claim of another JSON type cannot equal a
//! UTF8String, so it fails: closed).

use core::fmt;

use super::b64;
use super::codes::{StirCode, StirError};
use super::json::{self, Json};
use crate::der::reader::{DerError, Reader, SEQUENCE};

/// id-pe-JWTClaimConstraints, 1.3.6.1.5.5.7.1.27 (content octets).
pub(crate) const OID_JWT_CLAIM_CONSTRAINTS: &[u8] =
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x1B];
/// id-pe-eJWTClaimConstraints, 1.3.6.1.5.5.7.1.33 (content octets).
pub(crate) const OID_ENHANCED_JWT_CLAIM_CONSTRAINTS: &[u8] =
    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x21];

const IA5_STRING: u8 = 0x16;
const UTF8_STRING: u8 = 0x0C;
/// How many names or values one list may have here.
const MAX_ITEMS: usize = 256;

/// Which of the two extensions a [`ClaimConstraints`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintsKind {
    /// JWTClaimConstraints (RFC 8226 §8): `mustInclude`, `permittedValues`.
    Rfc8226,
    /// EnhancedJWTClaimConstraints (RFC 9118 §3): adds `mustExclude`.
    Enhanced,
}

impl fmt::Display for ConstraintsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rfc8226 => "JWTClaimConstraints (RFC 8226 §8)",
            Self::Enhanced => "EnhancedJWTClaimConstraints (RFC 9118 §3)",
        })
    }
}

/// A parsed JWTClaimConstraints or EnhancedJWTClaimConstraints extension value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimConstraints {
    /// Which extension.
    pub kind: ConstraintsKind,
    /// Claims the PASSporT must carry.
    pub must_include: Vec<String>,
    /// Claims that, when present, must have one of these values.
    pub permitted_values: Vec<(String, Vec<String>)>,
    /// Claims the PASSporT must not carry (RFC 9118 only).
    pub must_exclude: Vec<String>,
}

/// Reads a JWTClaimConstraints ([`ConstraintsKind::Rfc8226`]) or EnhancedJWTClaimConstraints
/// ([`ConstraintsKind::Enhanced`]) extension value (the extnValue contents); every
/// malformation is `stir-claim-constraint-malformed`, naming the byte offset.
pub fn parse_claim_constraints(
    value: &[u8],
    kind: ConstraintsKind,
) -> Result<ClaimConstraints, StirError> {
    parse(value, kind).map_err(|e| {
        StirError::new(
            StirCode::ClaimConstraintMalformed,
            format!("the {kind} value {e}"),
        )
    })
}

fn parse(value: &[u8], kind: ConstraintsKind) -> Result<ClaimConstraints, DerError> {
    let mut outer = Reader::new(value);
    let mut seq = outer.read_expected(SEQUENCE, "a constraints SEQUENCE")?;
    outer.expect_end("the end of the extension value after the constraints SEQUENCE")?;
    let mut out = ClaimConstraints {
        kind,
        must_include: Vec::new(),
        permitted_values: Vec::new(),
        must_exclude: Vec::new(),
    };
    if let Some(mut inner) = seq.read_optional(0xa0)? {
        out.must_include = read_names(&mut inner)?;
        inner.expect_end("the end of [0] mustInclude")?;
    }
    if let Some(mut inner) = seq.read_optional(0xa1)? {
        out.permitted_values = read_permitted(&mut inner)?;
        inner.expect_end("the end of [1] permittedValues")?;
    }
    match kind {
        ConstraintsKind::Enhanced => {
            if let Some(mut inner) = seq.read_optional(0xa2)? {
                out.must_exclude = read_names(&mut inner)?;
                inner.expect_end("the end of [2] mustExclude")?;
            }
            seq.expect_end("[0] mustInclude, [1] permittedValues, [2] mustExclude, in order")?;
        }
        ConstraintsKind::Rfc8226 => {
            seq.expect_end("[0] mustInclude, [1] permittedValues, in order")?;
        }
    }
    if out.must_include.is_empty() && out.permitted_values.is_empty() && out.must_exclude.is_empty()
    {
        return Err(seq.error("at least one constraint (WITH COMPONENTS … PRESENT)"));
    }
    Ok(out)
}

/// `SEQUENCE SIZE (1..MAX) OF JWTClaimName`.
fn read_names(inner: &mut Reader<'_>) -> Result<Vec<String>, DerError> {
    let mut seq = inner.read_expected(SEQUENCE, "a SEQUENCE OF JWTClaimName")?;
    read_list(&mut seq, IA5_STRING, "an IA5String JWTClaimName")
}

/// `SEQUENCE SIZE (1..MAX) OF <string tag>`: non-empty strings; an IA5String printable
/// ASCII, a UTF8String valid UTF-8.
fn read_list(
    seq: &mut Reader<'_>,
    tag: u8,
    expected: &'static str,
) -> Result<Vec<String>, DerError> {
    if seq.at_end() {
        return Err(seq.error("at least one entry (SIZE (1..MAX))"));
    }
    let mut out = Vec::new();
    while !seq.at_end() {
        if out.len() == MAX_ITEMS {
            return Err(seq.error("at most 256 entries"));
        }
        let s = seq.read_expected(tag, expected)?;
        let text = match tag {
            IA5_STRING if s.as_bytes().iter().all(|b| (0x21..0x7f).contains(b)) => {
                core::str::from_utf8(s.as_bytes()).ok()
            }
            UTF8_STRING => core::str::from_utf8(s.as_bytes()).ok(),
            _ => None,
        };
        match text {
            Some(t) if !t.is_empty() => out.push(t.to_owned()),
            Some(_) | None => {
                return Err(s.error("a non-empty string of its type's characters"));
            }
        }
    }
    Ok(out)
}

/// `SEQUENCE SIZE (1..MAX) OF SEQUENCE { claim JWTClaimName, permitted SEQUENCE SIZE (1..MAX)
/// OF UTF8String }`.
fn read_permitted(inner: &mut Reader<'_>) -> Result<Vec<(String, Vec<String>)>, DerError> {
    let mut list = inner.read_expected(SEQUENCE, "a SEQUENCE OF JWTClaimPermittedValues")?;
    if list.at_end() {
        return Err(list.error("at least one JWTClaimPermittedValues (SIZE (1..MAX))"));
    }
    let mut out = Vec::new();
    while !list.at_end() {
        if out.len() == MAX_ITEMS {
            return Err(list.error("at most 256 entries"));
        }
        let mut pair = list.read_expected(SEQUENCE, "a JWTClaimPermittedValues SEQUENCE")?;
        let claim = read_claim_name(&mut pair)?;
        let mut values = pair.read_expected(SEQUENCE, "a SEQUENCE OF UTF8String values")?;
        let values = read_list(&mut values, UTF8_STRING, "a UTF8String value")?;
        pair.expect_end("the end of JWTClaimPermittedValues after its values")?;
        out.push((claim, values));
    }
    Ok(out)
}

/// One JWTClaimName.
fn read_claim_name(pair: &mut Reader<'_>) -> Result<String, DerError> {
    let at = pair.offset();
    let s = pair.read_expected(IA5_STRING, "an IA5String JWTClaimName")?;
    let bytes = s.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(|b| (0x21..0x7f).contains(b)) {
        return Err(DerError {
            offset: at,
            detail: "a non-empty JWTClaimName of printable ASCII",
        });
    }
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

/// The PASSporT's claims object, decoded again from the JWS signing input (only when a
/// certificate carries constraints).
pub(crate) fn claims_json(signing_input: &str) -> Result<Json, StirError> {
    let payload = signing_input.split('.').nth(1).unwrap_or_default();
    let bytes = b64::decode(payload.as_bytes()).map_err(|e| {
        StirError::new(
            StirCode::HeaderMalformed,
            format!("the PASSporT payload at byte {}: {}", e.offset, e.detail),
        )
    })?;
    json::parse(&bytes).map_err(|e| {
        StirError::new(
            StirCode::JsonMalformed,
            format!("the PASSporT payload at byte {}: {}", e.offset, e.detail),
        )
    })
}

impl ClaimConstraints {
    /// Checks the PASSporT's claims object against these constraints.
    pub(crate) fn enforce(&self, claims: &Json) -> Result<(), StirError> {
        let violated = |what: String| {
            StirError::new(
                StirCode::ClaimConstraintViolated,
                format!("the certificate's {}: {what}", self.kind),
            )
        };
        for name in &self.must_include {
            if claims.get(name).is_none() {
                return Err(violated(format!(
                    "mustInclude names the claim {name:?}, which the PASSporT lacks"
                )));
            }
        }
        for name in &self.must_exclude {
            if claims.get(name).is_some() {
                return Err(violated(format!(
                    "mustExclude names the claim {name:?}, which the PASSporT carries"
                )));
            }
        }
        for (name, values) in &self.permitted_values {
            let Some(value) = claims.get(name) else {
                continue;
            };
            match value.as_str() {
                Some(v) if values.iter().any(|p| p == v) => {}
                Some(v) => {
                    return Err(violated(format!(
                        "the claim {name:?} is {v:?}, not one of the permittedValues {values:?}"
                    )))
                }
                None => {
                    return Err(violated(format!(
                        "the claim {name:?} is not a string, so it is none of the \
                         permittedValues {values:?}"
                    )))
                }
            }
        }
        Ok(())
    }
}
