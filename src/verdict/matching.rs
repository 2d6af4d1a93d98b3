//! RFC 5922 §7.2: exact comparison of the reference with the identities.

use core::fmt;
use std::net::IpAddr;

use super::codes::{ReasonCode, Relaxation, Via};
use crate::identity::{Identities, Identity, IdentityName, IdentitySource, IgnoreReason, NearMiss};
use crate::uri::{ReferenceError, SipUri, UriError};
use crate::{DomainName, DomainNameError};

/// The reference identity: the host of the AUS (RFC 5922 §7.3), never the SRV target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reference {
    /// A SIP domain.
    Domain(DomainName),
    /// An IP literal; usable only under [`Policy::allow_ip_literals`](crate::Policy::allow_ip_literals).
    Ip(IpAddr),
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(d) => f.write_str(d.as_str()),
            Self::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl Reference {
    /// The reference of an AUS (RFC 5922 §7.3): its host, normalized; `maddr`, scheme, user,
    /// port and parameters take no part (RFC 5922 §7.3 names the host of the URI, and `maddr`
    /// only redirects the connection). An IP host gives [`Reference::Ip`]; whether it may be
    /// used is the policy's decision.
    ///
    /// ```
    /// use sipcert::{uri::SipUri, Reference};
    ///
    /// let aus = SipUri::parse("sips:alice@Example.COM:5061;maddr=proxy.example.net")?;
    /// assert_eq!(Reference::from_sip_uri(&aus)?.to_string(), "example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_sip_uri(aus: &SipUri<'_>) -> Result<Self, AusError> {
        match aus.reference_domain() {
            Ok(d) => Ok(Self::Domain(d)),
            Err(ReferenceError::IpLiteral(ip)) => Ok(Self::Ip(ip)),
            Err(ReferenceError::Invalid(e)) => Err(AusError::HostNotADomain {
                aus: aus.to_string(),
                error: e,
            }),
        }
    }

    /// Parses an AUS text (`sip:`/`sips:` URI) and takes its reference, as
    /// [`Reference::from_sip_uri`].
    ///
    /// ```
    /// use sipcert::Reference;
    ///
    /// assert_eq!(Reference::from_aus("sip:Example.com.")?.to_string(), "example.com");
    /// assert_eq!(Reference::from_aus("http://example.com").unwrap_err().code(), "reference-invalid");
    /// # Ok::<(), sipcert::AusError>(())
    /// ```
    pub fn from_aus(aus: &str) -> Result<Self, AusError> {
        let uri = SipUri::parse(aus).map_err(|error| AusError::NotASipUri {
            aus: aus.to_owned(),
            error,
        })?;
        Self::from_sip_uri(&uri)
    }
}

/// Why an AUS gives no reference identity. The reject code is always `reference-invalid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AusError {
    /// The text is not an RFC 3261 §25.1 SIP or SIPS URI.
    #[error("the AUS {aus:?} is not an RFC 3261 SIP URI: {error}")]
    NotASipUri {
        /// The text as given.
        aus: String,
        /// Where and why parsing failed.
        error: UriError,
    },
    /// The host is grammatical but not a usable DNS name (a label over 63 octets, a name over
    /// 253 octets, a bogus A-label).
    #[error("the AUS {aus} has no usable reference: {error} (RFC 3261 §25.1, RFC 5922 §7.3)")]
    HostNotADomain {
        /// The AUS as parsed.
        aus: String,
        /// Why its host is not a DNS name.
        error: DomainNameError,
    },
}

impl AusError {
    /// The stable reject code, `reference-invalid`.
    pub fn code(&self) -> &'static str {
        self.reason_code().code()
    }

    /// The reject code as a [`ReasonCode`]: always [`ReasonCode::ReferenceInvalid`].
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::NotASipUri { .. } | Self::HostNotADomain { .. } => ReasonCode::ReferenceInvalid,
        }
    }
}

impl From<DomainName> for Reference {
    fn from(d: DomainName) -> Self {
        Self::Domain(d)
    }
}

impl From<IpAddr> for Reference {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(ip)
    }
}

/// The identity that matched, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedIdentity {
    name: IdentityName,
    presented: String,
    source: IdentitySource,
    via: Via,
    relaxations: Vec<Relaxation>,
}

impl MatchedIdentity {
    /// The name that matched: the identity (or, for a wildcard, the reference it covered).
    pub fn name(&self) -> &IdentityName {
        &self.name
    }

    /// The presented identity: the normalized name, or the wildcard pattern (`*.example.com`).
    pub fn presented(&self) -> &str {
        &self.presented
    }

    /// Where the identity came from.
    pub fn source(&self) -> IdentitySource {
        self.source
    }

    /// Which reference matched.
    pub fn via(&self) -> Via {
        self.via
    }

    /// Relaxations this match used (`cn-fallback`, `wildcard`, `ip-literal`, `secure-srv-target`).
    pub fn relaxations(&self) -> &[Relaxation] {
        &self.relaxations
    }
}

/// Where a match was found, before anything is rendered: which identity (or which ignored
/// wildcard dNSName, under [`crate::danger::allow_wildcards`]) and through which reference.
/// Only [`Identities::find`] makes one; [`Identities::matched_identity`] renders it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found {
    at: FoundAt,
    via: Via,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FoundAt {
    /// `identities()[i]` equals the reference.
    Identity(usize),
    /// `ignored()[i]` is a wildcard dNSName that covers the reference.
    Wildcard(usize),
}

/// The name a reference asks for, borrowed: from a [`Reference`], or a plain host name taken
/// as given (for a verifier, which then builds a [`Reference`] only to report a rejection).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Wanted<'a> {
    /// A normalized SIP domain.
    Domain(&'a DomainName),
    /// A plain LDH host name without A-labels or trailing dot, not lower-cased: its
    /// [`DomainName`] is its ASCII lower case, so it equals an identity's name exactly when
    /// the two are equal ASCII case-insensitively. Only [`Wanted::plain_host`] makes one.
    Host(&'a str),
    /// An IP address.
    Ip(IpAddr),
}

impl<'a> Wanted<'a> {
    /// The name `reference` asks for.
    pub(crate) fn of(reference: &'a Reference) -> Self {
        match reference {
            Reference::Domain(d) => Self::Domain(d),
            Reference::Ip(ip) => Self::Ip(*ip),
        }
    }

    /// `host` (the text of a DNS name, as a TLS server name carries it) as a wanted name, when
    /// it is a plain LDH host name; `None` when only [`DomainName::from_ascii`] can say what
    /// it is.
    pub(crate) fn plain_host(host: &'a str) -> Option<Self> {
        crate::domain::plain_ldh_str(host.as_bytes()).map(Self::Host)
    }

    /// Whether an identity's name is exactly this one (names are normalized, so equal names
    /// are equal values).
    fn is(self, name: &IdentityName) -> bool {
        match (name, self) {
            (IdentityName::Domain(a), Wanted::Domain(b)) => a == b,
            (IdentityName::Domain(a), Wanted::Host(b)) => a.as_str().eq_ignore_ascii_case(b),
            (IdentityName::Ip(a), Wanted::Ip(b)) => *a == b,
            (IdentityName::Domain(_), Wanted::Ip(_))
            | (IdentityName::Ip(_), Wanted::Domain(_) | Wanted::Host(_)) => false,
        }
    }
}

impl Identities {
    /// Compares the reference (then, for a domain reference, the policy's secure SRV target)
    /// with the identity set, RFC 5922 §7.2: whole names, ASCII case-insensitive (names are
    /// normalized), no suffix match, wildcards only under [`crate::danger::allow_wildcards`],
    /// IP literals only under [`crate::Policy::allow_ip_literals`].
    ///
    /// The policy is the one the identities were extracted with ([`Identities::policy`]), so
    /// extraction and matching can never disagree.
    pub fn matches(&self, reference: &Reference) -> Option<MatchedIdentity> {
        self.find(reference)
            .map(|found| self.matched_identity(found, reference))
    }

    /// [`Identities::matches`] without rendering the match: the decision alone, allocation
    /// free. Every accept in the crate goes through here.
    pub(crate) fn find(&self, reference: &Reference) -> Option<Found> {
        self.find_wanted(Wanted::of(reference))
    }

    /// [`Identities::find`] for a borrowed name.
    pub(crate) fn find_wanted(&self, wanted: Wanted<'_>) -> Option<Found> {
        if let Some(found) = self.find_one(wanted, Via::Reference) {
            return Some(found);
        }
        // An IP-literal AUS is not resolved through SRV (RFC 3263 §4.2), so no SRV target
        // can stand in for it.
        match wanted {
            Wanted::Ip(_) => None,
            Wanted::Domain(_) | Wanted::Host(_) => {
                let target = self.policy().secure_srv_target()?;
                self.find_one(Wanted::Domain(target), Via::SecureSrvTarget)
            }
        }
    }

    fn find_one(&self, wanted: Wanted<'_>, via: Via) -> Option<Found> {
        let policy = self.policy();
        if let Wanted::Ip(_) = wanted {
            if !policy.are_ip_literals_allowed() {
                return None;
            }
        }
        if let Some(i) = self.identities().iter().position(|id| wanted.is(id.name())) {
            return Some(Found {
                at: FoundAt::Identity(i),
                via,
            });
        }
        if !policy.are_wildcards_allowed() || !self.dns_sans_usable() {
            return None;
        }
        let i = match wanted {
            Wanted::Domain(domain) => self.wildcard_covering(domain)?,
            // Wildcards are a danger-module policy: the name is built for them only.
            Wanted::Host(host) => {
                let domain = DomainName::from_plain_ldh(host.as_bytes())?;
                self.wildcard_covering(&domain)?
            }
            Wanted::Ip(_) => return None,
        };
        Some(Found {
            at: FoundAt::Wildcard(i),
            via,
        })
    }

    /// Renders a match [`Identities::find`] returned for `reference`.
    pub(crate) fn matched_identity(&self, found: Found, reference: &Reference) -> MatchedIdentity {
        let mut relaxations = Vec::new();
        let name = match found.via {
            Via::SecureSrvTarget => {
                relaxations.push(Relaxation::SecureSrvTarget);
                match self.policy().secure_srv_target() {
                    Some(target) => IdentityName::Domain(target.clone()),
                    // `find` matched through the target, so the policy has one.
                    None => reference_name(reference),
                }
            }
            Via::Reference => reference_name(reference),
        };
        if let IdentityName::Ip(_) = name {
            relaxations.push(Relaxation::IpLiteral);
        }
        let (presented, source) = match found.at {
            FoundAt::Identity(i) => {
                let id = self.identities().get(i);
                let source = id.map_or(IdentitySource::SanDns, Identity::source);
                match source {
                    IdentitySource::Cn => relaxations.push(Relaxation::CnFallback),
                    IdentitySource::SanUri | IdentitySource::SanDns | IdentitySource::SanIp => {}
                }
                (
                    id.map(|id| id.name().to_string()).unwrap_or_default(),
                    source,
                )
            }
            FoundAt::Wildcard(i) => {
                relaxations.push(Relaxation::Wildcard);
                let pattern = self.ignored().get(i).map(|ig| ig.value().to_owned());
                (pattern.unwrap_or_default(), IdentitySource::SanDns)
            }
        };
        MatchedIdentity {
            name,
            presented,
            source,
            via: found.via,
            relaxations,
        }
    }

    /// DNS SANs count only when no `sip:` URI domain identity exists and the policy does not
    /// require `sip:` URIs (RFC 5922 §7.1).
    pub(crate) fn dns_sans_usable(&self) -> bool {
        !self.policy().is_sip_uri_required()
            && !self
                .identities()
                .iter()
                .any(|id| id.source() == IdentitySource::SanUri && id.domain().is_some())
    }

    /// The position in [`Identities::ignored`] of the first `*.base` dNSName that covers
    /// `domain` under RFC 6125 §6.4.3.
    pub(crate) fn wildcard_covering(&self, domain: &DomainName) -> Option<usize> {
        self.ignored().iter().position(|ig| match ig.near_miss() {
            Some(NearMiss::WildcardBase(base)) => {
                ig.reason() == IgnoreReason::DnsWildcard && wildcard_covers(base, domain)
            }
            Some(NearMiss::Name(_) | NearMiss::Ip(_)) | None => false,
        })
    }
}

/// The name a reference asks for, owned (for a rendered match).
fn reference_name(reference: &Reference) -> IdentityName {
    match reference {
        Reference::Domain(d) => IdentityName::Domain(d.clone()),
        Reference::Ip(ip) => IdentityName::Ip(*ip),
    }
}

/// `*.base` covers `domain` when `domain` is exactly one label plus `base`, and `base` has at
/// least two labels (no `*.com`).
pub(crate) fn wildcard_covers(base: &DomainName, domain: &DomainName) -> bool {
    base.labels().nth(1).is_some()
        && domain
            .as_str()
            .split_once('.')
            .is_some_and(|(_, parent)| parent == base.as_str())
}
