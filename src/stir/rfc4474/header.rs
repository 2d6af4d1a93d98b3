//! The RFC 4474 §9 header fields: `Identity: "` base64 `"` (the signature) and
//! `Identity-Info: <absoluteURI>;alg=rsa-sha1` (where the certificate is).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::super::codes::{StirCode, StirError};
use crate::uri::{AddrSpec, NameAddr};

/// The longest Identity value read: an RSA-8192 signature is 1024 octets, 1368 base64
/// characters.
const MAX_IDENTITY: usize = 1400;

/// The signature of `Identity: "…"`: the quoted, strict base64 (RFC 4648 §4, padded, no
/// whitespace, no non-zero trailing bits) of RFC 4474 §9's `signed-identity-digest`.
pub fn parse_identity(value: &str) -> Result<Vec<u8>, StirError> {
    let bad = |at: usize, why: &str| {
        StirError::new(
            StirCode::Rfc4474IdentityMalformed,
            format!(
                "the Identity header at byte {at}: {why} (RFC 4474 §9 \
                 `signed-identity-digest`: the signature in base64, in double quotes)"
            ),
        )
    };
    if value.len() > MAX_IDENTITY {
        return Err(bad(MAX_IDENTITY, "longer than an RSA-8192 signature"));
    }
    let inner = value
        .strip_prefix('"')
        .ok_or_else(|| bad(0, "expected `\"`"))?
        .strip_suffix('"')
        .ok_or_else(|| bad(value.len(), "expected a closing `\"`"))?;
    if inner.is_empty() {
        return Err(bad(1, "the signature is empty"));
    }
    if let Some(at) = inner
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='))
    {
        return Err(bad(at + 1, "a character outside the base64 alphabet"));
    }
    STANDARD
        .decode(inner)
        .map_err(|e| bad(1, &format!("not strict base64 ({e})")))
}

/// Identity-Info's certificate URI, after checking that `alg` is absent or `rsa-sha1`
/// (case-insensitive, RFC 4474 §9: absent means `rsa-sha1`). Parsed with the crate's
/// name-addr reader: `<absoluteURI>` then generic parameters; a repeated `alg` is refused.
pub fn parse_identity_info(value: &str) -> Result<String, StirError> {
    let bad = |why: String| {
        StirError::new(
            StirCode::Rfc4474InfoInvalid,
            format!("the Identity-Info header {value:?}: {why} (RFC 4474 §9 `ident-info`)"),
        )
    };
    let parsed = NameAddr::parse(value).map_err(|e| bad(e.to_string()))?;
    if !parsed.is_name_addr() || parsed.display_name().is_some() {
        return Err(bad("expected `<absoluteURI>` and parameters only".into()));
    }
    let url = match parsed.uri() {
        AddrSpec::Other(url) => *url,
        AddrSpec::Sip(uri) => {
            return Err(bad(format!(
                "{} is a SIP URI, not where a certificate can be fetched",
                uri.as_str()
            )))
        }
    };
    let mut alg = None;
    for param in parsed.params() {
        if param.name.eq_ignore_ascii_case("alg") {
            if alg.is_some() {
                return Err(bad("`alg` appears twice".into()));
            }
            alg = Some(param.value.unwrap_or(""));
        }
    }
    match alg {
        None => Ok(url.to_owned()),
        Some(a) if a.eq_ignore_ascii_case("rsa-sha1") => Ok(url.to_owned()),
        Some(a) => Err(StirError::new(
            StirCode::Rfc4474AlgUnsupported,
            format!(
                "Identity-Info's alg is {a:?}; RFC 4474 §9 defines only rsa-sha1 (RFC 8224 \
                 replaced this form: its algorithms are in the PASSporT)"
            ),
        )),
    }
}
