//! The Identity header field value (RFC 8224 §4.1):
//!
//! ```text
//! signed-identity-digest ";info=<" absoluteURI ">" *( ";" ("alg=" token / "ppt=" token / generic-param) )
//! signed-identity-digest = header "." payload "." signature   (base64url, no padding)
//! ```
//!
//! The compact form (RFC 8224 §4.2.2: empty header and payload, `..signature`) is recognised
//! and refused. Sizes are bounded before anything is decoded.

use super::b64;
use super::codes::{StirCode, StirError};
use super::json;
use super::passport::{Claims, Passport, PassportHeader, Ppt};

/// The longest Identity header value read (real SHAKEN values are under 1 KiB).
pub const MAX_HEADER_VALUE: usize = 8192;
/// The longest base64url header or payload part.
pub const MAX_PART: usize = 4096;
/// An ES256 signature: 64 octets, 86 base64url characters.
const SIGNATURE_CHARS: usize = 86;

/// A parsed full-form Identity header value: the PASSporT, the parameters, and what the
/// signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityHeader {
    /// The decoded PASSporT.
    pub passport: Passport,
    /// The `info` parameter's URI (without the angle brackets).
    pub info: String,
    /// The `alg` parameter, if present (always `ES256` once parsed).
    pub alg: Option<String>,
    /// The `ppt` parameter, if present (equal to the PASSporT's).
    pub ppt: Option<Ppt>,
    /// `header.payload`: the JWS signing input, ASCII.
    signing_input: String,
    /// The raw `r || s` signature (64 octets).
    signature: Vec<u8>,
}

impl IdentityHeader {
    /// The JWS signing input (`base64url(header) "." base64url(payload)`).
    pub fn signing_input(&self) -> &str {
        &self.signing_input
    }

    /// The JWS signature, raw `r || s` (RFC 7518 §3.4), 64 octets.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }
}

fn malformed(message: String) -> StirError {
    StirError::new(StirCode::HeaderMalformed, message)
}

/// One base64url part of the digest and its byte offset in the header value.
#[derive(Debug, Clone, Copy)]
struct Part<'a> {
    name: &'static str,
    text: &'a str,
    at: usize,
}

/// Parses an Identity header field value (what follows `Identity:`, surrounding whitespace
/// allowed). Every error names the part and the byte offset in `value`.
pub fn parse_identity(value: &str) -> Result<IdentityHeader, StirError> {
    if value.len() > MAX_HEADER_VALUE {
        return Err(malformed(format!(
            "the Identity header value has {} bytes; at most {MAX_HEADER_VALUE} are read",
            value.len()
        )));
    }
    let lead = value.len() - value.trim_start().len();
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(StirError::new(
            StirCode::IdentityMissing,
            "the Identity header value is empty (RFC 8224 §6.2.2: 428 Use Identity Header)",
        ));
    }
    let (digest, params) = match trimmed.find(';') {
        Some(i) => (&trimmed[..i], Some((&trimmed[i + 1..], lead + i + 1))),
        None => (trimmed, None),
    };
    let [header, payload, signature] = split_digest(digest.trim_end(), lead)?;
    let Some((params, params_at)) = params else {
        return Err(malformed(format!(
            "at byte {}: a \";info=<URI>\" parameter after the signature (RFC 8224 §4.1)",
            lead + trimmed.len()
        )));
    };
    let params = Params::parse(params, params_at)?;
    let passport = decode_passport(header, payload)?;
    check_params(&passport, &params)?;
    let raw = decode_part(signature)?;
    if raw.len() != 64 {
        return Err(malformed(format!(
            "at byte {}: the signature part decodes to {} octets; ES256 is 64 (r || s, RFC 7518 §3.4)",
            signature.at,
            raw.len()
        )));
    }
    Ok(IdentityHeader {
        passport,
        info: params.info,
        alg: params.alg,
        ppt: params.ppt,
        signing_input: format!("{}.{}", header.text, payload.text),
        signature: raw,
    })
}

/// `header "." payload "." signature`, each a non-empty base64url run of bounded size; the
/// compact form (`..signature`) refused with its own code.
fn split_digest(digest: &str, lead: usize) -> Result<[Part<'_>; 3], StirError> {
    let mut pieces = digest.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (pieces.next(), pieces.next(), pieces.next(), pieces.next())
    else {
        return Err(malformed(format!(
            "at byte {lead}: the signed-identity-digest is three base64url parts joined by \
             '.' (header.payload.signature, RFC 8224 §4.1)"
        )));
    };
    if h.is_empty() && p.is_empty() && !s.is_empty() {
        return Err(StirError::new(
            StirCode::CompactForm,
            "the Identity header is in compact form (\"..signature\", RFC 8224 §4.2.2); \
             the verifier rebuilds a PASSporT without ppt from the request's numbers and \
             Date (StirRequest::date)",
        ));
    }
    let parts = [
        Part {
            name: "header",
            text: h,
            at: lead,
        },
        Part {
            name: "payload",
            text: p,
            at: lead + h.len() + 1,
        },
        Part {
            name: "signature",
            text: s,
            at: lead + h.len() + p.len() + 2,
        },
    ];
    for part in parts {
        let max = if part.name == "signature" {
            SIGNATURE_CHARS
        } else {
            MAX_PART
        };
        if part.text.is_empty() || part.text.len() > max {
            return Err(malformed(format!(
                "at byte {}: the {} part has {} characters; 1 to {max} are read",
                part.at,
                part.name,
                part.text.len()
            )));
        }
    }
    Ok(parts)
}

fn decode_part(part: Part<'_>) -> Result<Vec<u8>, StirError> {
    b64::decode(part.text.as_bytes()).map_err(|e| {
        malformed(format!(
            "at byte {} (in the {} part): {} (RFC 7515 §2 base64url)",
            part.at + e.offset,
            part.name,
            e.detail
        ))
    })
}

fn decode_json(part: Part<'_>) -> Result<json::Json, StirError> {
    let bytes = decode_part(part)?;
    let value = json::parse(&bytes).map_err(|e| {
        StirError::new(
            StirCode::JsonMalformed,
            format!(
                "the PASSporT {} (decoded) at byte {}: {}",
                part.name, e.offset, e.detail
            ),
        )
    })?;
    if matches!(value, json::Json::Object(_)) {
        Ok(value)
    } else {
        Err(StirError::new(
            StirCode::JsonMalformed,
            format!(
                "the PASSporT {} is not a JSON object (RFC 8225 §4, §5)",
                part.name
            ),
        ))
    }
}

fn decode_passport(header: Part<'_>, payload: Part<'_>) -> Result<Passport, StirError> {
    let h = decode_json(header)?;
    let c = decode_json(payload)?;
    let header = PassportHeader::from_json(&h)?;
    let claims = Claims::from_json(&c, header.ppt)?;
    Ok(Passport { header, claims })
}

/// The header parameters.
#[derive(Debug, Default)]
struct Params {
    info: String,
    alg: Option<String>,
    ppt: Option<Ppt>,
}

impl Params {
    /// `info=<URI>` first (RFC 8224 §4.1 puts it first), then `alg`, `ppt` and generic
    /// parameters in any order, none twice.
    fn parse(text: &str, at: usize) -> Result<Self, StirError> {
        let mut out = Self::default();
        let mut seen: Vec<String> = Vec::new();
        for (i, (raw_at, raw)) in split_params(text, at)?.into_iter().enumerate() {
            let this_at = raw_at + (raw.len() - raw.trim_start().len());
            let param = raw.trim();
            let (name, value) = match param.split_once('=') {
                Some((n, v)) => (n.trim_end(), Some(v.trim_start())),
                None => (param, None),
            };
            let name = name.to_ascii_lowercase();
            if name.is_empty() || !name.bytes().all(is_token_char) {
                return Err(malformed(format!(
                    "at byte {this_at}: a parameter name (a token, RFC 3261 §25.1)"
                )));
            }
            if seen.contains(&name) {
                return Err(malformed(format!(
                    "at byte {this_at}: the parameter {name:?} appears twice"
                )));
            }
            if i == 0 && name != "info" {
                return Err(malformed(format!(
                    "at byte {this_at}: the first parameter is info=<URI> (RFC 8224 §4.1)"
                )));
            }
            out.set(&name, value, this_at)?;
            seen.push(name);
        }
        Ok(out)
    }

    fn set(&mut self, name: &str, value: Option<&str>, at: usize) -> Result<(), StirError> {
        match name {
            "info" => {
                let uri = value
                    .and_then(|v| v.strip_prefix('<'))
                    .and_then(|v| v.strip_suffix('>'))
                    .filter(|u| {
                        !u.is_empty()
                            && u.bytes()
                                .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>')
                    })
                    .ok_or_else(|| {
                        malformed(format!("at byte {at}: info=<absoluteURI> (RFC 8224 §4.1)"))
                    })?;
                uri.clone_into(&mut self.info);
            }
            "alg" => {
                let alg = token_or_quoted(value, at, "alg")?;
                if alg != "ES256" {
                    return Err(StirError::new(
                        StirCode::AlgUnsupported,
                        format!("at byte {at}: alg={alg}; only ES256 is supported (RFC 8224 §4.1, RFC 8588)"),
                    ));
                }
                self.alg = Some(alg.to_owned());
            }
            "ppt" => {
                let ppt = token_or_quoted(value, at, "ppt")?;
                self.ppt = Some(Ppt::from_param(ppt, "the Identity header's ppt parameter")?);
            }
            _ => {
                if let Some(v) = value {
                    token_or_quoted(Some(v), at, name)?;
                }
            }
        }
        Ok(())
    }
}

/// The parameters, split at the `;` outside an `<…>` URI and a quoted string (a URI may
/// hold a `;`), each with its offset in the header value.
fn split_params(text: &str, at: usize) -> Result<Vec<(usize, &str)>, StirError> {
    let mut out = Vec::new();
    let (mut start, mut closer) = (0, None);
    for (i, b) in text.bytes().enumerate() {
        match (closer, b) {
            (Some(c), _) if b == c => closer = None,
            (None, b'<') => closer = Some(b'>'),
            (None, b'"') => closer = Some(b'"'),
            (None, b';') => {
                out.push((at + start, text.get(start..i).unwrap_or_default()));
                start = i + 1;
            }
            // Inside a URI or a quoted string, or an ordinary character.
            (Some(_) | None, _) => {}
        }
    }
    if closer.is_some() {
        return Err(malformed(format!(
            "at byte {}: the closing '>' or '\"' of a parameter value",
            at + text.len()
        )));
    }
    out.push((at + start, text.get(start..).unwrap_or_default()));
    Ok(out)
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// A parameter value: a token or a quoted string without escapes (what `alg` and `ppt`
/// values are, quoted or not).
fn token_or_quoted<'a>(
    value: Option<&'a str>,
    at: usize,
    name: &str,
) -> Result<&'a str, StirError> {
    let v = value.unwrap_or_default();
    let inner = v
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(v);
    let quoted = inner.len() != v.len();
    let ok = if quoted {
        inner
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ')
    } else {
        !inner.is_empty() && inner.bytes().all(is_token_char)
    };
    if ok && !inner.is_empty() {
        Ok(inner)
    } else {
        Err(malformed(format!(
            "at byte {at}: {name}= a token or a quoted string (RFC 3261 §25.1)"
        )))
    }
}

/// The header's parameters against the PASSporT: `ppt` equal (RFC 8224 §4.1), `info` equal
/// to `x5u` (RFC 8588 §4 and ATIS-1000074 say they are the same URI).
fn check_params(passport: &Passport, params: &Params) -> Result<(), StirError> {
    let inner = passport.header.ppt;
    match params.ppt {
        Some(p) if p != inner => {
            return Err(StirError::new(
                StirCode::PptMismatch,
                format!(
                    "the header's ppt={} differs from the PASSporT's ppt {} (RFC 8224 §4.1)",
                    p.as_str().unwrap_or("(none)"),
                    inner.as_str().unwrap_or("(none)")
                ),
            ))
        }
        None if inner != Ppt::Base => {
            return Err(StirError::new(
                StirCode::PptMismatch,
                format!(
                    "the PASSporT has ppt {:?} but the header has no ppt parameter (RFC 8224 §4.1)",
                    inner.as_str().unwrap_or_default()
                ),
            ))
        }
        Some(_) | None => {}
    }
    if params.info != passport.header.x5u {
        return Err(StirError::new(
            StirCode::X5uMismatch,
            format!(
                "the header's info <{}> is not the PASSporT's x5u {:?} (RFC 8588 §4)",
                params.info, passport.header.x5u
            ),
        ));
    }
    Ok(())
}
