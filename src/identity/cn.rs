//! RFC 5922 §7.1 step 2: the subject CN, a backward-compatibility fallback.
//!
//! The rule: the most specific CN (RFC 2818 §3.1, RFC 6125 §6.4.4) is the **last** CN
//! attribute of the subject, since a distinguished name runs from the most general RDN to the
//! most specific. That CN, and only that CN, is a candidate, and it is an identity only when
//! - the certificate has **no** subjectAltName extension at all, and the policy enables the
//!   fallback (and does not require a `sip:` URI);
//! - it is alone in its RDN (a multi-valued RDN is no CN-ID, RFC 6125 §1.8);
//! - its string type has a defined character set and it decodes to an ASCII host name.
//!
//! When the last CN cannot be used there is **no** CN identity: an earlier CN is never used
//! instead (each earlier CN is reported as `cn-not-most-specific`). The subject Name itself is
//! read as strict DER; a non-canonical one makes the certificate malformed.

use super::names::{
    Identity, IdentityName, IdentitySource, IgnoreReason, IgnoredName, IgnoredSource, NearMiss,
};
use super::text::{decode_bmp, decode_universal, printable};
use super::{ExtractError, Identities};
use crate::der::cert::OID_COMMON_NAME;
use crate::der::name::{for_each_attribute, Attribute};
use crate::der::reader::Reader;
use crate::domain::DomainName;
use crate::policy::Policy;

/// Calls `f` with every CN attribute of the subject, in order.
fn for_each_cn<'a>(
    subject: Reader<'a>,
    mut f: impl FnMut(Attribute<'a>),
) -> Result<(), ExtractError> {
    for_each_attribute(subject, |a| {
        if a.oid == OID_COMMON_NAME {
            f(a);
        }
    })
    .map_err(|e| ExtractError::non_canonical("subject", e))
}

pub(super) fn collect(
    subject: Reader<'_>,
    policy: &Policy,
    out: &mut Identities,
) -> Result<(), ExtractError> {
    let mut count = 0usize;
    for_each_cn(subject, |_| count += 1)?;
    if count == 0 {
        return Ok(());
    }
    let last = count - 1;
    let blanket = if out.has_san_extension {
        Some(IgnoreReason::CnSuppressedBySan)
    } else if !policy.is_cn_fallback_enabled() || policy.is_sip_uri_required() {
        Some(IgnoreReason::CnFallbackDisabled)
    } else {
        None
    };
    let mut index = 0usize;
    for_each_cn(subject, |cn| {
        let is_last = index == last;
        index += 1;
        let decoded = decode(cn.tag, cn.value);
        let reason = if let Some(reason) = blanket {
            reason
        } else if !is_last {
            IgnoreReason::CnNotMostSpecific
        } else if cn.multi_valued {
            IgnoreReason::CnMultiValuedRdn
        } else {
            match decoded {
                Decoded::Domain(d, _) => {
                    // The CN counts only without a SAN extension, so it is the only identity.
                    out.found
                        .push(Identity::new(IdentityName::Domain(d), IdentitySource::Cn));
                    return;
                }
                Decoded::NotDnsName(_) => IgnoreReason::CnNotDnsName,
                Decoded::Unusable(_) => IgnoreReason::CnStringTypeNotUsable,
            }
        };
        let (value, near_miss) = match decoded {
            Decoded::Domain(d, shown) => (shown, Some(NearMiss::Name(d))),
            Decoded::NotDnsName(shown) | Decoded::Unusable(shown) => (shown, None),
        };
        out.ignored.push(IgnoredName::new(
            value,
            IgnoredSource::Cn,
            reason,
            near_miss,
        ));
    })
}

/// A CN value after decoding its string type. Each variant holds the printable rendering.
enum Decoded {
    /// An ASCII host name.
    Domain(DomainName, String),
    /// Decoded, but not an ASCII host name (`Example Corp`, `sip:x`, U-labels, NULs).
    NotDnsName(String),
    /// A string type without a defined charset, or not well-formed in its type.
    Unusable(String),
}

/// UTF8String.
const UTF8_STRING: u8 = 0x0c;
/// NumericString.
const NUMERIC_STRING: u8 = 0x12;
/// PrintableString.
const PRINTABLE_STRING: u8 = 0x13;
/// IA5String.
const IA5_STRING: u8 = 0x16;
/// UniversalString.
const UNIVERSAL_STRING: u8 = 0x1c;
/// BMPString.
const BMP_STRING: u8 = 0x1e;

fn decode(tag: u8, raw: &[u8]) -> Decoded {
    let text = match tag {
        PRINTABLE_STRING | IA5_STRING | UTF8_STRING | NUMERIC_STRING => {
            core::str::from_utf8(raw).ok().map(str::to_owned)
        }
        BMP_STRING => decode_bmp(raw),
        UNIVERSAL_STRING => decode_universal(raw),
        // TeletexString, VideotexString, GraphicString, ..., and any non-string value.
        _ => None,
    };
    let Some(text) = text else {
        return Decoded::Unusable(printable(raw));
    };
    let shown = printable(text.as_bytes());
    // Never accept non-ASCII: certificates must carry A-labels.
    match DomainName::from_ascii(&text) {
        Ok(d) if text.is_ascii() => Decoded::Domain(d, shown),
        Ok(_) | Err(_) => Decoded::NotDnsName(shown),
    }
}
