//! The compact form of the Identity header (RFC 8224 §4.2.2, RFC 8225 §7): `..signature`
//! with the PASSporT left out, rebuilt from the SIP request. What a request carries is the
//! base PASSporT only: the header `alg` ES256, `typ` passport, `x5u` from the `info`
//! parameter; the claims `orig.tn` (the calling number), `dest.tn` (the called number) and
//! `iat` (the Date header), all in RFC 8225 §9's deterministic JSON. An extension PASSporT
//! (`ppt`: SHAKEN's `attest` and `origid`, `div`) has claims that are in no SIP header, so
//! its compact form stays refused (`stir-compact-form`), as it does without a Date.
//!
//! The rebuilt full form (`header.payload.signature;params`) then goes through the same
//! strict parse and every check of the full form: a rebuild that differs from what was
//! signed fails the signature.

use super::codes::{StirCode, StirError};
use super::date::parse_sip_date;
use super::passport::{Claims, Dest, Orig, Passport, PassportHeader, Ppt};
use super::sign::canonical_json;
use super::tn::CanonicalTn;
use super::{b64, StirRequest};

fn refused(why: &str) -> StirError {
    StirError::new(
        StirCode::CompactForm,
        format!(
            "the Identity header is in compact form (\"..signature\", RFC 8224 §4.2.2) and {why}"
        ),
    )
}

/// The full-form Identity header value of a compact one, rebuilt from the request.
pub(crate) fn rebuild(request: &StirRequest<'_>) -> Result<String, StirError> {
    let value = request.identity.trim();
    let Some(after) = value.strip_prefix("..") else {
        return Err(refused("its digest is not \"..signature\""));
    };
    let (signature, params) = after.split_at(after.find(';').unwrap_or(after.len()));
    let Some(date) = request.date else {
        return Err(refused(
            "the request's Date header, which gives iat, was not given (RFC 8225 §7)",
        ));
    };
    let x5u = info_uri(params).ok_or_else(|| {
        refused("it has no \";info=<URI>\" first parameter to take x5u from (RFC 8224 §4.1)")
    })?;
    if has_ppt(params) {
        return Err(refused(
            "it names a PASSporT extension (ppt), whose claims are in no SIP header field, so \
             the PASSporT cannot be rebuilt (RFC 8225 §7, §8)",
        ));
    }
    let iat = parse_sip_date(date.trim())?;
    let passport = Passport {
        header: PassportHeader {
            alg: "ES256".into(),
            typ: Some("passport".into()),
            ppt: Ppt::Base,
            x5u: x5u.to_owned(),
        },
        claims: Claims {
            orig: Orig::Tn(request.orig.clone()),
            dest: Dest {
                tn: vec![CanonicalTn::clone(request.dest)],
                uri: Vec::new(),
            },
            iat: i64::try_from(iat).unwrap_or(i64::MAX),
            attest: None,
            origid: None,
            div: None,
        },
    };
    let (h, c) = canonical_json(&passport);
    Ok(format!(
        "{}.{}.{signature}{params}",
        b64::encode(h.as_bytes()),
        b64::encode(c.as_bytes())
    ))
}

/// The URI of a leading `;info=<URI>` parameter.
fn info_uri(params: &str) -> Option<&str> {
    let rest = params.trim_start().strip_prefix(';')?.trim_start();
    let (name, rest) = rest.split_once('=')?;
    if !name.trim().eq_ignore_ascii_case("info") {
        return None;
    }
    let rest = rest.trim_start().strip_prefix('<')?;
    rest.split_once('>').map(|(uri, _)| uri)
}

/// Whether a `ppt` parameter is present (any value).
fn has_ppt(params: &str) -> bool {
    params.split(';').skip(1).any(|p| {
        p.split('=')
            .next()
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("ppt"))
    })
}
