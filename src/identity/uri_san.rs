//! uniformResourceIdentifier SANs: RFC 5922 §7.1 accepts the host of a `sip:` URI without
//! userinfo. Parsing is delegated to the strict RFC 3261 parser in [`crate::uri`].

use std::net::IpAddr;

use crate::uri::{ReferenceError, SipUri};
use crate::DomainName;

/// What a URI SAN carries.
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
