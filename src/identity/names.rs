//! The value types of identity extraction.

use core::fmt;
use std::net::IpAddr;

use crate::domain::DomainName;

/// The name an identity asserts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentityName {
    /// A SIP domain (normalized: lower case, A-labels, no trailing dot).
    Domain(DomainName),
    /// An IP address; only produced under [`crate::Policy::allow_ip_literals`].
    Ip(IpAddr),
}

impl IdentityName {
    /// The domain, if this is one.
    pub fn as_domain(&self) -> Option<&DomainName> {
        match self {
            Self::Domain(d) => Some(d),
            Self::Ip(_) => None,
        }
    }
}

impl fmt::Display for IdentityName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(d) => f.write_str(d.as_str()),
            Self::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Where an identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentitySource {
    /// The host of a `sip:` URI SAN without user part (RFC 5922 §7.1).
    SanUri,
    /// A dNSName SAN (only when no `sip:` URI identity exists).
    SanDns,
    /// An iPAddress SAN (only under `allow_ip_literals`).
    SanIp,
    /// The subject CN (only without a SAN extension, under CN fallback).
    Cn,
}

impl IdentitySource {
    /// `san-uri`, `san-dns`, `san-ip` or `cn`.
    pub fn code(self) -> &'static str {
        match self {
            Self::SanUri => "san-uri",
            Self::SanDns => "san-dns",
            Self::SanIp => "san-ip",
            Self::Cn => "cn",
        }
    }
}

/// Where an ignored name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgnoredSource {
    /// A uniformResourceIdentifier SAN.
    SanUri,
    /// A dNSName SAN.
    SanDns,
    /// An iPAddress SAN.
    SanIp,
    /// Any other SAN entry (rfc822Name, otherName, directoryName, x400Address, ediPartyName,
    /// registeredID).
    SanOther,
    /// A subject CN attribute.
    Cn,
}

impl IgnoredSource {
    /// `san-uri`, `san-dns`, `san-ip`, `san-other` or `cn`.
    pub fn code(self) -> &'static str {
        match self {
            Self::SanUri => "san-uri",
            Self::SanDns => "san-dns",
            Self::SanIp => "san-ip",
            Self::SanOther => "san-other",
            Self::Cn => "cn",
        }
    }
}

/// One SIP domain identity of the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    name: IdentityName,
    source: IdentitySource,
}

impl Identity {
    pub(crate) fn new(name: IdentityName, source: IdentitySource) -> Self {
        Self { name, source }
    }

    /// The name.
    pub fn name(&self) -> &IdentityName {
        &self.name
    }

    /// The domain, if the identity is a domain (always, unless IP literals are allowed).
    pub fn domain(&self) -> Option<&DomainName> {
        self.name.as_domain()
    }

    /// Where it came from.
    pub fn source(&self) -> IdentitySource {
        self.source
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.source.code())
    }
}

/// Why a presented name is not an identity. Codes are stable kebab-case strings; new ones may
/// be added, none is ever renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgnoreReason {
    /// `uri-not-sip-scheme`: the scheme is not `sip` (`sips:`, `tel:`, `https:`, ...).
    UriNotSipScheme,
    /// `uri-has-user-part`: a `sip:` URI with userinfo names a user, not a domain.
    UriHasUserPart,
    /// `uri-unparsable`: not an RFC 3261 SIP-URI (or not ASCII).
    UriUnparsable,
    /// `uri-host-is-ip`: a `sip:` URI whose host is an IP literal, without `allow_ip_literals`.
    UriHostIsIp,
    /// `dns-invalid`: not a valid host name.
    DnsInvalid,
    /// `dns-not-ascii`: non-ASCII octets (certificates must carry A-labels).
    DnsNotAscii,
    /// `dns-wildcard`: `*.x`, `.x`, `f*.x`: wildcards never match in SIP.
    DnsWildcard,
    /// `dns-suppressed-by-sip-uri`: a `sip:` URI identity exists, so DNS SANs do not count.
    DnsSuppressedBySipUri,
    /// `cn-suppressed-by-san`: a SAN extension exists (even empty), so the CN does not count.
    CnSuppressedBySan,
    /// `cn-not-dns-name`: the CN is not an ASCII host name (`Example Corp`, `sip:x`, U-labels).
    CnNotDnsName,
    /// `cn-not-most-specific`: only the last CN of the subject is a candidate.
    CnNotMostSpecific,
    /// `cn-fallback-disabled`: the policy disables CN fallback (`cn_fallback(false)`, or
    /// `require_sip_uri(true)`, which admits only `sip:` URI SANs).
    CnFallbackDisabled,
    /// `san-type-not-usable`: email, IP without `allow_ip_literals`, otherName, directoryName, ...
    SanTypeNotUsable,
    /// `outside-name-constraints`: excluded by a CA's name constraints (set by the chain check).
    OutsideNameConstraints,
    /// `dns-suppressed-by-policy`: `require_sip_uri` ignores every dNSName SAN.
    DnsSuppressedByPolicy,
    /// `cn-multi-valued-rdn`: the CN sits in a multi-valued RDN (not a CN-ID, RFC 6125 §1.8).
    CnMultiValuedRdn,
    /// `cn-string-type-not-usable`: the CN uses a string type with no defined charset (Teletex,
    /// VideotexString, ...), or is not well-formed in its type.
    CnStringTypeNotUsable,
    /// `san-entry-invalid`: an rfc822Name SAN whose octets are not text. (A GeneralName tag
    /// outside RFC 5280 §4.2.1.6, or bad DER, makes the whole certificate malformed instead.)
    SanEntryInvalid,
    /// `ip-invalid`: an iPAddress SAN whose length is neither 4 nor 16 octets.
    IpInvalid,
}

impl IgnoreReason {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::UriNotSipScheme => "uri-not-sip-scheme",
            Self::UriHasUserPart => "uri-has-user-part",
            Self::UriUnparsable => "uri-unparsable",
            Self::UriHostIsIp => "uri-host-is-ip",
            Self::DnsInvalid => "dns-invalid",
            Self::DnsNotAscii => "dns-not-ascii",
            Self::DnsWildcard => "dns-wildcard",
            Self::DnsSuppressedBySipUri => "dns-suppressed-by-sip-uri",
            Self::CnSuppressedBySan => "cn-suppressed-by-san",
            Self::CnNotDnsName => "cn-not-dns-name",
            Self::CnNotMostSpecific => "cn-not-most-specific",
            Self::CnFallbackDisabled => "cn-fallback-disabled",
            Self::SanTypeNotUsable => "san-type-not-usable",
            Self::OutsideNameConstraints => "outside-name-constraints",
            Self::DnsSuppressedByPolicy => "dns-suppressed-by-policy",
            Self::CnMultiValuedRdn => "cn-multi-valued-rdn",
            Self::CnStringTypeNotUsable => "cn-string-type-not-usable",
            Self::SanEntryInvalid => "san-entry-invalid",
            Self::IpInvalid => "ip-invalid",
        }
    }

    /// Every reason, for documentation and exhaustive tests.
    pub const ALL: &'static [Self] = &[
        Self::UriNotSipScheme,
        Self::UriHasUserPart,
        Self::UriUnparsable,
        Self::UriHostIsIp,
        Self::DnsInvalid,
        Self::DnsNotAscii,
        Self::DnsWildcard,
        Self::DnsSuppressedBySipUri,
        Self::CnSuppressedBySan,
        Self::CnNotDnsName,
        Self::CnNotMostSpecific,
        Self::CnFallbackDisabled,
        Self::SanTypeNotUsable,
        Self::OutsideNameConstraints,
        Self::DnsSuppressedByPolicy,
        Self::CnMultiValuedRdn,
        Self::CnStringTypeNotUsable,
        Self::SanEntryInvalid,
        Self::IpInvalid,
    ];
}

impl fmt::Display for IgnoreReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What an ignored name would have meant, kept to explain near misses (hints) and for
/// [`crate::danger::allow_wildcards`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NearMiss {
    /// The host name it carries (user-part URI host, `sips:` host, suppressed DNS name, CN).
    Name(DomainName),
    /// `*.base`: a single left-most wildcard label over a valid base name.
    WildcardBase(DomainName),
    /// An IP host or iPAddress SAN.
    Ip(IpAddr),
}

/// A presented name that is not an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredName {
    value: String,
    source: IgnoredSource,
    reason: IgnoreReason,
    near_miss: Option<NearMiss>,
}

impl IgnoredName {
    pub(crate) fn new(
        value: String,
        source: IgnoredSource,
        reason: IgnoreReason,
        near_miss: Option<NearMiss>,
    ) -> Self {
        Self {
            value,
            source,
            reason,
            near_miss,
        }
    }

    /// The value as presented, printable: bytes outside 0x20–0x7E and `\` are written `\xNN`.
    ///
    /// URI, dNSName and CN values are shown as written; other SAN types carry a prefix
    /// (`email:`, `otherName:<oid>`, `dirName:`, `registeredID:`, `IP:` for an iPAddress of a
    /// bad length), and an IA5String entry whose octets are not UTF-8 is shown as `[n]` (its
    /// tag number) followed by its octets.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Where it came from.
    pub fn source(&self) -> IgnoredSource {
        self.source
    }

    /// Why it does not count.
    pub fn reason(&self) -> IgnoreReason {
        self.reason
    }

    /// The host name this entry carries, when it has a valid one (a user-part or `sips:` URI's
    /// host, a suppressed DNS name, a CN that was not used).
    pub fn carried_domain(&self) -> Option<&DomainName> {
        match &self.near_miss {
            Some(NearMiss::Name(d)) => Some(d),
            Some(NearMiss::WildcardBase(_) | NearMiss::Ip(_)) | None => None,
        }
    }

    pub(crate) fn near_miss(&self) -> Option<&NearMiss> {
        self.near_miss.as_ref()
    }
}

impl fmt::Display for IgnoredName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, ignored: {})",
            self.value,
            self.source.code(),
            self.reason.code()
        )
    }
}
