//! RFC 5922 §7.1 step 1: the subjectAltName walk.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use x509_parser::extensions::GeneralName;

use super::names::{
    Identity, IdentityName, IdentitySource, IgnoreReason, IgnoredName, IgnoredSource, NearMiss,
};
use super::text::printable;
use super::uri_san::{classify_uri, UriSan};
use super::Identities;
use crate::{DomainName, Policy};

/// One SAN entry after classification, before the DNS-suppression rule is applied.
enum Entry<'a> {
    Identity(Identity),
    /// A dNSName that is a valid host name (and its octets, shown only if it is ignored);
    /// counts only when no `sip:` URI identity exists.
    Dns(DomainName, &'a [u8]),
    Ignored(IgnoredName),
}

pub(super) fn collect(names: &[GeneralName<'_>], policy: &Policy, out: &mut Identities) {
    let entries: Vec<Entry<'_>> = names.iter().map(|gn| classify(gn, policy)).collect();
    let uri_domain_found = entries.iter().any(|e| {
        matches!(e, Entry::Identity(id)
            if id.source() == IdentitySource::SanUri && id.domain().is_some())
    });
    for entry in entries {
        match entry {
            Entry::Identity(id) => out.push_identity(id),
            Entry::Ignored(ignored) => out.ignored.push(ignored),
            Entry::Dns(domain, value) => {
                let reason = if policy.is_sip_uri_required() {
                    Some(IgnoreReason::DnsSuppressedByPolicy)
                } else if uri_domain_found {
                    Some(IgnoreReason::DnsSuppressedBySipUri)
                } else {
                    None
                };
                match reason {
                    Some(reason) => out.ignored.push(IgnoredName::new(
                        printable(value),
                        IgnoredSource::SanDns,
                        reason,
                        Some(NearMiss::Name(domain)),
                    )),
                    None => out.push_identity(Identity::new(
                        IdentityName::Domain(domain),
                        IdentitySource::SanDns,
                    )),
                }
            }
        }
    }
}

fn ignored(value: String, source: IgnoredSource, reason: IgnoreReason) -> Entry<'static> {
    Entry::Ignored(IgnoredName::new(value, source, reason, None))
}

/// Classifies one GeneralName. The match is exhaustive on purpose: a new variant must be
/// looked at, not silently turned into an identity.
fn classify<'a>(gn: &GeneralName<'a>, policy: &Policy) -> Entry<'a> {
    match gn {
        GeneralName::URI(value) => classify_uri_entry(value, policy),
        GeneralName::DNSName(value) => classify_dns(value.as_bytes()),
        GeneralName::IPAddress(bytes) => classify_ip(bytes, policy),
        GeneralName::RFC822Name(value) => ignored(
            format!("email:{}", printable(value.as_bytes())),
            IgnoredSource::SanOther,
            IgnoreReason::SanTypeNotUsable,
        ),
        GeneralName::OtherName(oid, _) => ignored(
            format!("otherName:{}", oid.to_id_string()),
            IgnoredSource::SanOther,
            IgnoreReason::SanTypeNotUsable,
        ),
        GeneralName::DirectoryName(name) => ignored(
            format!("dirName:{}", printable(name.to_string().as_bytes())),
            IgnoredSource::SanOther,
            IgnoreReason::SanTypeNotUsable,
        ),
        GeneralName::X400Address(_) => ignored(
            "x400Address".to_owned(),
            IgnoredSource::SanOther,
            IgnoreReason::SanTypeNotUsable,
        ),
        GeneralName::EDIPartyName(_) => ignored(
            "ediPartyName".to_owned(),
            IgnoredSource::SanOther,
            IgnoreReason::SanTypeNotUsable,
        ),
        GeneralName::RegisteredID(oid) => ignored(
            format!("registeredID:{}", oid.to_id_string()),
            IgnoredSource::SanOther,
            IgnoreReason::SanTypeNotUsable,
        ),
        GeneralName::Invalid(tag, bytes) => {
            // x509-parser returns `Invalid` for non-UTF-8 IA5 strings and unknown tags.
            let (source, reason) = match tag.0 {
                2 => (IgnoredSource::SanDns, IgnoreReason::DnsNotAscii),
                6 => (IgnoredSource::SanUri, IgnoreReason::UriUnparsable),
                _ => (IgnoredSource::SanOther, IgnoreReason::SanEntryInvalid),
            };
            ignored(format!("[{}]{}", tag.0, printable(bytes)), source, reason)
        }
    }
}

fn classify_uri_entry(value: &str, policy: &Policy) -> Entry<'static> {
    let (reason, near_miss) = match classify_uri(value) {
        UriSan::SipDomain(domain) => {
            return Entry::Identity(Identity::new(
                IdentityName::Domain(domain),
                IdentitySource::SanUri,
            ))
        }
        UriSan::SipIp(ip) if policy.are_ip_literals_allowed() => {
            return Entry::Identity(Identity::new(IdentityName::Ip(ip), IdentitySource::SanUri))
        }
        UriSan::SipIp(ip) => (IgnoreReason::UriHostIsIp, Some(NearMiss::Ip(ip))),
        UriSan::UserPart(host) => (IgnoreReason::UriHasUserPart, host.map(NearMiss::Name)),
        UriSan::Sips(host) => (IgnoreReason::UriNotSipScheme, host.map(NearMiss::Name)),
        UriSan::OtherScheme => (IgnoreReason::UriNotSipScheme, None),
        UriSan::Unparsable => (IgnoreReason::UriUnparsable, None),
    };
    Entry::Ignored(IgnoredName::new(
        printable(value.as_bytes()),
        IgnoredSource::SanUri,
        reason,
        near_miss,
    ))
}

/// A dNSName: ASCII host name syntax or ignored. Wildcard shapes are kept as `dns-wildcard`.
fn classify_dns(value: &[u8]) -> Entry<'_> {
    if !value.is_ascii() {
        return ignored(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsNotAscii,
        );
    }
    if value.contains(&b'*') || value.first() == Some(&b'.') {
        let base = value
            .strip_prefix(b"*.")
            .and_then(|rest| DomainName::from_ascii_bytes(rest).ok())
            .map(NearMiss::WildcardBase);
        return Entry::Ignored(IgnoredName::new(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsWildcard,
            base,
        ));
    }
    match DomainName::from_ascii_bytes(value) {
        Ok(domain) => Entry::Dns(domain, value),
        Err(_) => ignored(
            printable(value),
            IgnoredSource::SanDns,
            IgnoreReason::DnsInvalid,
        ),
    }
}

fn classify_ip(bytes: &[u8], policy: &Policy) -> Entry<'static> {
    let ip = if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        IpAddr::V4(Ipv4Addr::from(v4))
    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        IpAddr::V6(Ipv6Addr::from(v6))
    } else {
        return ignored(
            format!("IP:{}", printable(bytes)),
            IgnoredSource::SanIp,
            IgnoreReason::IpInvalid,
        );
    };
    if policy.are_ip_literals_allowed() {
        Entry::Identity(Identity::new(IdentityName::Ip(ip), IdentitySource::SanIp))
    } else {
        Entry::Ignored(IgnoredName::new(
            ip.to_string(),
            IgnoredSource::SanIp,
            IgnoreReason::SanTypeNotUsable,
            Some(NearMiss::Ip(ip)),
        ))
    }
}
