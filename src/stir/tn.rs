//! Telephone numbers compared the way RFC 8224 §8.3 says: visual separators dropped, a
//! leading `+` (the mark of a number in international form) removed, what remains is digits
//! (and the `*` and `#` of a TelephoneNumber, RFC 8226 §9).

use core::fmt;

use super::codes::{StirCode, StirError};
use crate::uri::SipUri;

/// The longest number compared (E.164 has 15 digits; a little room for `*`, `#`, prefixes).
const MAX_DIGITS: usize = 32;

/// A telephone number in the canonical form of RFC 8224 §8.3: digits, `*` and `#` only, no
/// `+`, no visual separator, at least one digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CanonicalTn(String);

/// Why a string is not a telephone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TnError {
    /// Byte offset of the offending character.
    pub offset: usize,
    /// What was expected there.
    pub detail: &'static str,
}

impl fmt::Display for TnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.detail)
    }
}

impl std::error::Error for TnError {}

impl CanonicalTn {
    /// The RFC 8224 §8.3 canonical form of `text`: one leading `+` removed, the visual
    /// separators of RFC 3966 (`-`, `.`, `(`, `)`) and spaces dropped; anything else than
    /// digits, `*` and `#` refuses the number. A number without `+` is taken as already in
    /// international form (converting a national number needs the caller's dialling plan,
    /// which RFC 8224 §8.3 leaves to local policy).
    pub fn parse(text: &str) -> Result<Self, TnError> {
        let body = text.strip_prefix('+').unwrap_or(text);
        let skip = text.len() - body.len();
        let mut out = String::with_capacity(body.len());
        for (i, c) in body.char_indices() {
            match c {
                '0'..='9' | '*' | '#' => out.push(c),
                '-' | '.' | '(' | ')' | ' ' => {}
                _ => {
                    return Err(TnError {
                        offset: skip + i,
                        detail: "a digit, '*', '#' or a visual separator ('-', '.', '(', ')')",
                    })
                }
            }
            if out.len() > MAX_DIGITS {
                return Err(TnError {
                    offset: skip + i,
                    detail: "at most 32 digits in a telephone number",
                });
            }
        }
        if !out.bytes().any(|b| b.is_ascii_digit()) {
            return Err(TnError {
                offset: text.len(),
                detail: "at least one digit in a telephone number",
            });
        }
        Ok(Self(out))
    }

    /// The canonical digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CanonicalTn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The telephone number a SIP request names in a From, P-Asserted-Identity, To or
/// Request-URI, as RFC 8224 §8.3 reads it: a global `tel:` URI (`tel:+…`, parameters
/// ignored; a local number needs a dialling plan and is refused), a `sip:`/`sips:` URI whose
/// user part is a number (with `user=phone`, or digits and visual separators), or the number
/// itself. Fails with `stir-caller-number-invalid`.
pub fn caller_number(text: &str) -> Result<CanonicalTn, StirError> {
    let invalid = |why: String| {
        StirError::new(
            StirCode::CallerNumberInvalid,
            format!("{text:?} is not a telephone number: {why}"),
        )
    };
    let lower = text
        .get(..5)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let number = if lower.starts_with("tel:") {
        let rest = text.get(4..).unwrap_or_default();
        let number = rest.split(';').next().unwrap_or_default();
        if !number.starts_with('+') {
            return Err(invalid(
                "a local tel: number needs the caller's dialling plan (RFC 3966 §5.1.5)".into(),
            ));
        }
        number.to_owned()
    } else if lower.starts_with("sip:") || lower.starts_with("sips:") {
        let uri = SipUri::parse(text).map_err(|e| invalid(format!("{e}")))?;
        let user = uri
            .user()
            .ok_or_else(|| invalid("the SIP URI has no user part".into()))?
            .decode_lossy()
            .into_owned();
        // With user=phone the user part is a telephone-subscriber (RFC 3261 §19.1.1): its
        // parameters follow a ';'.
        user.split(';').next().unwrap_or_default().to_owned()
    } else {
        text.to_owned()
    };
    CanonicalTn::parse(&number).map_err(|e| invalid(e.to_string()))
}
