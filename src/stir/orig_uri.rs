//! A SIP URI originator (`orig.uri`, the RFC 4474 model kept by RFC 8224 §7.2): the domain
//! signs. The PASSporT's `orig.uri` must name the request's From URI (RFC 8224 §6.2 step 1,
//! compared as SIP URIs, RFC 3261 §19.1.4), and the certificate must carry the From URI's
//! domain as an identity by the crate's own RFC 5922 rules, so that a domain's Identity and
//! its TLS certificate are judged alike.

use crate::domain::DomainName;
use crate::identity::extract_identities;
use crate::reference::Reference;
use crate::uri::{OwnedSipUri, SipUri};
use crate::Policy;

use super::codes::{StirCode, StirError};

/// `orig.uri` against the request's From URI. `None` (the caller gave no From URI) is
/// `stir-orig-uri-unsupported`: there is nothing to check the originator against.
pub(crate) fn check_claim(orig_uri: &str, from: Option<&OwnedSipUri>) -> Result<(), StirError> {
    let Some(from) = from else {
        return Err(StirError::new(
            StirCode::OrigUriUnsupported,
            format!(
                "orig is the URI {orig_uri:?}, but the request's From URI was not given, so the \
                 originator cannot be checked (RFC 8224 §6.2 step 1)"
            ),
        ));
    };
    let orig = SipUri::parse(orig_uri).map_err(|e| {
        StirError::new(
            StirCode::OrigUriMismatch,
            format!(
                "orig.uri {orig_uri:?} is not a SIP URI ({e}), so it cannot name the From URI \
                 {from} (RFC 8224 §6.2 step 1)"
            ),
        )
    })?;
    if !orig.equivalent(&from.as_uri()) {
        return Err(StirError::new(
            StirCode::OrigUriMismatch,
            format!(
                "orig.uri {orig_uri:?} does not name the request's From URI {from} (RFC 8224 \
                 §6.2 step 1; SIP URIs compared as RFC 3261 §19.1.4 says)"
            ),
        ));
    }
    Ok(())
}

/// The certificate carries the From URI's domain as an identity (RFC 5922 §7.1 extraction,
/// §7.2 comparison, the crate's default policy: no wildcards, no IP literals). Returns the
/// matched domain.
pub(crate) fn check_certificate(leaf: &[u8], from: &OwnedSipUri) -> Result<DomainName, StirError> {
    let not_authorized = |why: String| {
        StirError::new(
            StirCode::OrigUriNotAuthorized,
            format!("{why} (RFC 8224 §7.2, RFC 5922 §7)"),
        )
    };
    let reference = match Reference::from_sip_uri(&from.as_uri()) {
        Ok(Reference::Domain(d)) => d,
        Ok(Reference::Ip(ip)) => {
            return Err(not_authorized(format!(
                "the From URI {from} names the IP address {ip}, which no STIR certificate \
                 can stand for"
            )))
        }
        Err(e) => return Err(not_authorized(format!("the From URI has no domain: {e}"))),
    };
    let identities = extract_identities(leaf, &Policy::default()).map_err(|e| {
        not_authorized(format!(
            "the x5u certificate's names cannot be read ({})",
            e.code()
        ))
    })?;
    let wanted = Reference::Domain(reference.clone());
    if identities.matches(&wanted).is_some() {
        return Ok(reference);
    }
    let names: Vec<String> = identities
        .identities()
        .iter()
        .map(ToString::to_string)
        .collect();
    Err(not_authorized(format!(
        "the x5u certificate does not carry the From domain {reference} as an identity (its \
         SIP identities: [{}])",
        names.join(", ")
    )))
}
