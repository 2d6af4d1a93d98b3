//! Near misses: why a certificate that "looks right" was rejected. See [`Hint`] for the exact
//! rule of each code.

use rustls_pki_types::CertificateDer;

use super::wildcard_covers;
use crate::chain::error::ChainError;
use crate::codes::Hint;
use crate::der::cert::Certificate;
use crate::der::name::name_text;
use crate::domain::DomainName;
use crate::identity::{Identities, Identity, IgnoreReason, IgnoredName, IgnoredSource, NearMiss};
use crate::verdict::HintNote;

/// The hints for a domain reference, each code once, in the order found.
pub(crate) fn compute(ids: &Identities, reference: &DomainName) -> Vec<HintNote> {
    let mut out: Vec<HintNote> = Vec::new();
    let mut push = |code: Hint, message: String| {
        if !out.iter().any(|h| h.code() == code) {
            out.push(HintNote::new(code, message));
        }
    };
    for id in ids.identities() {
        if let Some((code, message)) = identity_hint(id, reference) {
            push(code, message);
        }
    }
    for ig in ids.ignored() {
        if let Some((code, message)) = ignored_hint(ids, ig, reference) {
            push(code, message);
        }
    }
    if let Some(target) = ids.policy().insecure_srv_target() {
        for id in ids.identities() {
            if id.domain() == Some(target) {
                push(
                    Hint::SrvTargetWouldMatch,
                    format!(
                        "the certificate names {target} ({}), the SRV target of {}, but the SRV answer was not DNSSEC-secure, so only the SIP domain {} is a reference identity (RFC 5922 §7.2, RFC 7673 §4.1)",
                        id.source().code(),
                        reference.as_str(),
                        reference.as_str()
                    ),
                );
            }
        }
    }
    out
}

/// `hint-missing-intermediate`: path building failed with an unknown issuer, and no presented
/// certificate is the end entity's issuer (by subject name), while the end entity is not
/// self-issued.
pub(crate) fn missing_intermediate(
    error: &ChainError,
    end_entity: &Certificate<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Option<HintNote> {
    match error {
        ChainError::UnknownIssuer => {}
        // Only an unknown issuer can come from a missing certificate.
        _ => return None,
    }
    if end_entity.is_self_issued() {
        return None;
    }
    let issuer = end_entity.issuer().as_bytes();
    let presented = intermediates.iter().any(|c| {
        Certificate::parse_extensions_only(c.as_ref())
            .is_ok_and(|cert| cert.subject().as_bytes() == issuer)
    });
    if presented {
        return None;
    }
    Some(HintNote::new(
        Hint::MissingIntermediate,
        format!(
            "the server sent {} certificate(s) besides its own, none of them its issuer {}, and no trust anchor issued it: the server most likely does not send its intermediate CA certificate (TLS 1.3 RFC 8446 §4.4.2, TLS 1.2 RFC 5246 §7.4.2 require the chain)",
            intermediates.len(),
            name_text(end_entity.issuer())
        ),
    ))
}

/// An identity that is the reference's host or parent: the RFC 3261 shape or a suffix.
fn identity_hint(id: &Identity, reference: &DomainName) -> Option<(Hint, String)> {
    let d = id.domain()?;
    let (r, src) = (reference.as_str(), id.source().code());
    if d.is_subdomain_of(reference) {
        Some((
            Hint::HostWithinDomain,
            format!(
                "the certificate names {d} ({src}), a host inside {r} (RFC 3261 §26.3.2.1 style); RFC 5922 §7.2 requires the SIP domain itself"
            ),
        ))
    } else if reference.is_subdomain_of(d) || suffix_without_boundary(d.as_str(), r) {
        Some((
            Hint::SuffixOnly,
            format!(
                "{r} and the identity {d} ({src}) share only a suffix; RFC 5922 §4 and §7.2 forbid inferring anything from the DNS hierarchy or from suffixes"
            ),
        ))
    } else {
        None
    }
}

/// An ignored name that would have matched under another rule.
fn ignored_hint(
    ids: &Identities,
    ig: &IgnoredName,
    reference: &DomainName,
) -> Option<(Hint, String)> {
    let (value, r) = (ig.value(), reference.as_str());
    match ig.near_miss() {
        Some(NearMiss::Name(d)) if d == reference => carried_name_hint(ig, r),
        Some(NearMiss::WildcardBase(base))
            if ig.reason() == IgnoreReason::DnsWildcard
                && !ids.policy().are_wildcards_allowed()
                && ids.dns_sans_usable()
                && wildcard_covers(base, reference) =>
        {
            Some((
                Hint::WildcardWouldMatch,
                format!(
                    "the wildcard dNSName {value} would cover {r} under RFC 6125, but RFC 5922 §7.2 forbids wildcard matching for SIP"
                ),
            ))
        }
        None if ig.source() == IgnoredSource::Cn && ig.reason() == IgnoreReason::CnNotDnsName => {
            wildcard_cn_hint(value, reference)
        }
        Some(NearMiss::Name(_) | NearMiss::WildcardBase(_) | NearMiss::Ip(_)) | None => None,
    }
}

/// A subject CN `*.B` that would have been the CN identity but for its wildcard.
fn wildcard_cn_hint(value: &str, reference: &DomainName) -> Option<(Hint, String)> {
    let base = DomainName::from_ascii(value.strip_prefix("*.")?).ok()?;
    wildcard_covers(&base, reference).then(|| {
        (
            Hint::WildcardWouldMatch,
            format!(
                "the subject CN {value} would cover {} under RFC 6125, but RFC 5922 §7.2 forbids wildcard matching for SIP (in the CN too)",
                reference.as_str()
            ),
        )
    })
}

/// An ignored name that carries exactly the reference: why it did not count.
fn carried_name_hint(ig: &IgnoredName, r: &str) -> Option<(Hint, String)> {
    let value = ig.value();
    match (ig.source(), ig.reason()) {
        (IgnoredSource::Cn, _) => Some((
            Hint::CnWouldMatch,
            format!(
                "the subject CN {value} equals {r} but was not used ({}); RFC 5922 §7.1 consults the CN only when the certificate has no SAN extension, and only as a local-policy option",
                ig.reason().code()
            ),
        )),
        (_, IgnoreReason::DnsSuppressedBySipUri) => Some((
            Hint::SuppressedDnsWouldMatch,
            format!(
                "the dNSName {value} equals {r} but does not count because the certificate has a sip: URI identity (RFC 5922 §7.1: DNS SANs only if no sip: URI identity exists)"
            ),
        )),
        (_, IgnoreReason::DnsSuppressedByPolicy) => Some((
            Hint::SuppressedDnsWouldMatch,
            format!(
                "the dNSName {value} equals {r} but the policy requires sip: URI SANs (RFC 9525-style URI-ID profile)"
            ),
        )),
        (_, IgnoreReason::UriHasUserPart) => Some((
            Hint::UserPartUriWouldMatch,
            format!(
                "the URI SAN {value} has the host {r} but a user part; RFC 5922 §7.1 says such a URI identifies a user, not the SIP domain"
            ),
        )),
        (_, IgnoreReason::UriNotSipScheme) => Some((
            Hint::SipsUriWouldMatch,
            format!(
                "the URI SAN {value} has the host {r} but the sips scheme; RFC 5922 §7.1 accepts only sip: URIs as SIP domain identities"
            ),
        )),
        // Hints explain near misses; a name ignored for any other reason (a wildcard shape, an
        // IP, an invalid name) has none. This can only leave a hint out, never accept.
        _ => None,
    }
}

/// One name ends with the other, but not at a label boundary (`myexample.com`, `example.com`).
fn suffix_without_boundary(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    long.len() > short.len()
        && long.ends_with(short)
        && long.as_bytes().get(long.len() - short.len() - 1) != Some(&b'.')
}
