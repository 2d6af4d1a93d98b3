//! RFC 5922 §7.1 step 2: the subject CN, a backward-compatibility fallback.
//!
//! Rules (`decisions.md` §1, D3): only when the certificate has **no** SAN extension, only
//! when the policy enables it, only the **last** CN (the most specific), only a CN alone in its
//! RDN (RFC 6125 §1.8 CN-ID), and only if it decodes to an ASCII host name.

use x509_parser::asn1_rs::Tag;
use x509_parser::oid_registry::OID_X509_COMMON_NAME;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use super::names::{
    Identity, IdentityName, IdentitySource, IgnoreReason, IgnoredName, IgnoredSource, NearMiss,
};
use super::text::{decode_bmp, decode_universal, printable};
use super::Identities;
use crate::{DomainName, Policy};

/// One CN attribute of the subject.
struct Cn<'a, 'b> {
    attr: &'b AttributeTypeAndValue<'a>,
    multi_valued: bool,
}

pub(super) fn collect(subject: &X509Name<'_>, policy: &Policy, out: &mut Identities) {
    let cns: Vec<Cn<'_, '_>> = subject
        .iter_rdn()
        .flat_map(|rdn| {
            let multi_valued = rdn.iter().nth(1).is_some();
            rdn.iter()
                .filter(|a| *a.attr_type() == OID_X509_COMMON_NAME)
                .map(move |attr| Cn { attr, multi_valued })
        })
        .collect();
    let blanket = if out.has_san_extension {
        Some(IgnoreReason::CnSuppressedBySan)
    } else if !policy.is_cn_fallback_enabled() || policy.is_sip_uri_required() {
        Some(IgnoreReason::CnFallbackDisabled)
    } else {
        None
    };
    let candidate = cns.iter().rposition(|cn| !cn.multi_valued);
    for (index, cn) in cns.iter().enumerate() {
        let decoded = decode(cn.attr);
        let reason = if let Some(reason) = blanket {
            reason
        } else if cn.multi_valued {
            IgnoreReason::CnMultiValuedRdn
        } else if Some(index) != candidate {
            IgnoreReason::CnNotMostSpecific
        } else {
            match &decoded {
                Decoded::Domain(d, _) => {
                    out.push_identity(Identity::new(
                        IdentityName::Domain(d.clone()),
                        IdentitySource::Cn,
                    ));
                    continue;
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
    }
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

fn decode(attr: &AttributeTypeAndValue<'_>) -> Decoded {
    let value = attr.attr_value();
    let raw = value.data;
    let text = match value.tag() {
        Tag::PrintableString | Tag::Ia5String | Tag::Utf8String | Tag::NumericString => {
            core::str::from_utf8(raw).ok().map(str::to_owned)
        }
        Tag::BmpString => decode_bmp(raw),
        Tag::UniversalString => decode_universal(raw),
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
