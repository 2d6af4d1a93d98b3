//! uniformResourceIdentifier SANs: RFC 5922 §7.1 accepts the host of a `sip:` URI without
//! userinfo. Parsing is delegated to the strict RFC 3261 parser in [`crate::uri`].

use std::net::IpAddr;

use crate::domain::DomainName;
use crate::uri::{ReferenceError, SipUri};

/// What a URI SAN carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum UriSan {
    /// `sip:` (any case), no userinfo, host is a valid domain: an identity.
    SipDomain(DomainName),
    /// `sip:`, no userinfo, IP-literal host.
    SipIp(IpAddr),
    /// `sip:` with userinfo; the host, when it is a domain.
    UserPart(Option<DomainName>),
    /// `sips:`; the host, when it is a domain (kept for the hint).
    Sips(Option<DomainName>),
    /// Any other scheme.
    OtherScheme,
    /// Not ASCII, no scheme, or not an RFC 3261 SIP-URI.
    Unparsable,
}

/// The parts of a parsed SIP/SIPS URI that RFC 5922 looks at.
struct Parsed {
    userinfo: bool,
    host: Host,
}

enum Host {
    Domain(DomainName),
    Ip(IpAddr),
    Invalid,
}

pub(super) fn classify_uri(value: &str) -> UriSan {
    // The common case, `sip:` and a host name with nothing around it, without the general
    // URI machinery; anything else takes the full parser (same result: see the tests).
    if let Some(domain) = plain_sip_domain(value) {
        return UriSan::SipDomain(domain);
    }
    classify_uri_full(value)
}

/// `sip:host` (scheme in any case) whose host is letters, digits, `-` and `.` only and a
/// valid DNS name: the host. `None` for anything else, which is left to the full parser.
///
/// RFC 3261 §25.1: with no `@`, `:`, `;`, `?` there is no userinfo, port, parameter or
/// header, so the whole rest is the `hostport`; letters, digits, `-` and `.` alone make it
/// a `hostname` exactly when the labels are LDH labels and the last one starts with a
/// letter, which [`DomainName::from_ascii_bytes`] checks (it also refuses the names that
/// are grammatical but not valid DNS names, which the full parser's caller refuses too).
fn plain_sip_domain(value: &str) -> Option<DomainName> {
    let (scheme, host) = value.as_bytes().split_at_checked(4)?;
    if !scheme.eq_ignore_ascii_case(b"sip:")
        || !host
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    DomainName::from_ascii_bytes(host).ok()
}

/// [`classify_uri`] with the strict RFC 3261 parser for every input.
fn classify_uri_full(value: &str) -> UriSan {
    if !value.is_ascii() {
        return UriSan::Unparsable;
    }
    let Some((scheme, _)) = value.split_once(':') else {
        return UriSan::Unparsable;
    };
    let sips = if scheme.eq_ignore_ascii_case("sip") {
        false
    } else if scheme.eq_ignore_ascii_case("sips") {
        true
    } else {
        return UriSan::OtherScheme;
    };
    let parsed = parse_sip_uri(value);
    if sips {
        return UriSan::Sips(parsed.and_then(|p| match p.host {
            Host::Domain(d) => Some(d),
            Host::Ip(_) | Host::Invalid => None,
        }));
    }
    let Some(parsed) = parsed else {
        return UriSan::Unparsable;
    };
    match (parsed.userinfo, parsed.host) {
        (true, Host::Domain(d)) => UriSan::UserPart(Some(d)),
        (true, Host::Ip(_) | Host::Invalid) => UriSan::UserPart(None),
        (false, Host::Domain(d)) => UriSan::SipDomain(d),
        (false, Host::Ip(ip)) => UriSan::SipIp(ip),
        (false, Host::Invalid) => UriSan::Unparsable,
    }
}

/// Parses a `sip:`/`sips:` URI with the crate's strict RFC 3261 §25.1 parser. Port,
/// parameters and headers are dropped (RFC 5922 §7.2); a host that is grammatical but not a
/// valid DNS name (bogus A-label, over-long label) is `Host::Invalid`.
fn parse_sip_uri(value: &str) -> Option<Parsed> {
    let uri = SipUri::parse(value).ok()?;
    let host = match uri.reference_domain() {
        Ok(d) => Host::Domain(d),
        Err(ReferenceError::IpLiteral(ip)) => Host::Ip(ip),
        Err(ReferenceError::Invalid(_)) => Host::Invalid,
    };
    Some(Parsed {
        userinfo: uri.has_userinfo(),
        host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (URI, whether the fast path takes it): both paths classify it the same.
    const TABLE: &[(&str, bool)] = &[
        ("sip:example.com", true),
        ("SIP:Example.COM", true),
        ("sip:example.com.", true),
        ("sip:a", true),
        ("sip:xn--bcher-kva.example", true),
        ("sip:xn--bogus.example", false),
        ("sip:", false),
        ("sip:.", false),
        ("sip:example..com", false),
        ("sip:-example.com", false),
        ("sip:example-.com", false),
        ("sip:192.0.2.1", false),
        ("sip:1.2.3.256", false),
        ("sip:example.123", false),
        ("sip:example.com:5060", false),
        ("sip:alice@example.com", false),
        ("sip:example.com;transport=tls", false),
        ("sip:example.com?x=y", false),
        ("sip:[2001:db8::1]", false),
        ("sips:example.com", false),
        ("sip:exa_mple.com", false),
        ("sip:example.com ", false),
    ];

    #[test]
    fn fast_path_table() {
        for (uri, fast) in TABLE {
            assert_eq!(
                plain_sip_domain(uri).is_some(),
                *fast,
                "plain_sip_domain({uri:?})"
            );
            assert_eq!(
                classify_uri(uri),
                classify_uri_full(uri),
                "classify_uri({uri:?}) differs from the full parser"
            );
        }
    }

    proptest! {
        /// On generated `sip:` URIs, mostly host names with now and then a character the
        /// fast path leaves to the parser, the fast path and the full parser agree.
        #[test]
        fn fast_path_agrees_with_full_parser(
            scheme in prop::sample::select(&["sip:", "SIP:", "Sip:", "sips:", "sip"][..]),
            host in "[a-zA-Z0-9.-]{0,20}|([a-zA-Z0-9-]{1,70}\\.){0,5}[a-zA-Z][a-zA-Z0-9-]{0,10}\\.?|(xn--)?[a-z0-9-]{0,12}(\\.[a-zA-Z0-9-]{0,8}){0,3}|[a-zA-Z0-9.:@;=%\\[\\]?_-]{0,24}",
        ) {
            let uri = format!("{scheme}{host}");
            prop_assert_eq!(classify_uri(&uri), classify_uri_full(&uri), "{}", uri);
        }
    }
}
