//! The arguments of the checks, from C values to library values: the reference text, the
//! role, a DER length, the trust anchors, the verification time.

use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use sipcert::{Reference, Role};

use crate::constants::{
    SIPCERT_MAX_DER_LEN, SIPCERT_MAX_TEXT_LEN, SIPCERT_ROLE_CLIENT, SIPCERT_ROLE_SERVER,
    SIPCERT_TIME_NOW,
};
use crate::result::sipcert_result::{
    self, SIPCERT_INVALID_ARGUMENT, SIPCERT_INVALID_LENGTH, SIPCERT_INVALID_REFERENCE,
    SIPCERT_INVALID_TRUST_ANCHOR, SIPCERT_INVALID_UTF8,
};

/// The reference identity from the caller's text by the library's one rule
/// ([`Reference::from_text`]): a `sip:`/`sips:` URI (its host, RFC 5922 §7.3), an IP address
/// (bare or in brackets), or a domain name (A-label or U-label).
pub fn parse_reference(text: &[u8]) -> Result<Reference, sipcert_result> {
    if text.is_empty() || text.len() > SIPCERT_MAX_TEXT_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    let s = std::str::from_utf8(text).map_err(|_| SIPCERT_INVALID_UTF8)?;
    Reference::from_text(s).map_err(|_| SIPCERT_INVALID_REFERENCE)
}

pub(crate) fn role(role: u32) -> Result<Role, sipcert_result> {
    match role {
        SIPCERT_ROLE_SERVER => Ok(Role::Server),
        SIPCERT_ROLE_CLIENT => Ok(Role::Client),
        _ => Err(SIPCERT_INVALID_ARGUMENT),
    }
}

/// The trust anchors of DER certificates (`SIPCERT_INVALID_TRUST_ANCHOR` for one that is
/// none).
pub(crate) fn trust_anchors(
    anchors: &[&[u8]],
) -> Result<Vec<TrustAnchor<'static>>, sipcert_result> {
    let mut trust = Vec::with_capacity(anchors.len());
    for der in anchors {
        der_len_ok(der)?;
        let cert = CertificateDer::from(*der);
        let anchor = webpki::anchor_from_trusted_cert(&cert)
            .map_err(|_| SIPCERT_INVALID_TRUST_ANCHOR)?
            .to_owned();
        trust.push(anchor);
    }
    Ok(trust)
}

pub(crate) fn der_len_ok(der: &[u8]) -> Result<(), sipcert_result> {
    if der.is_empty() || der.len() > SIPCERT_MAX_DER_LEN {
        Err(SIPCERT_INVALID_LENGTH)
    } else {
        Ok(())
    }
}

pub(crate) fn time(now_unix_secs: u64) -> UnixTime {
    if now_unix_secs == SIPCERT_TIME_NOW {
        UnixTime::now()
    } else {
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(now_unix_secs))
    }
}
