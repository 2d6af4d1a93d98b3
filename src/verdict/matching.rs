//! RFC 5922 §7.2: exact comparison of the reference with the identities.

use core::fmt;
use std::net::IpAddr;

use super::codes::{Relaxation, Via};
use crate::identity::{Identities, IdentityName, IdentitySource, IgnoreReason, NearMiss};
use crate::uri::{ReferenceError, SipUri};
use crate::{DomainName, Policy};

/// The reference identity: the host of the AUS (RFC 5922 §7.3), never the SRV target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reference {
    /// A SIP domain.
    Domain(DomainName),
    /// An IP literal; usable only under [`Policy::allow_ip_literals`].
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
    /// port and parameters take no part (D6). An IP host gives [`Reference::Ip`]; whether it
    /// may be used is the policy's decision.
    ///
    /// ```
    /// use sipcert::{uri::SipUri, Reference};
    ///
    /// let aus = SipUri::parse("sips:alice@Example.COM:5061;maddr=proxy.example.net")?;
    /// assert_eq!(Reference::from_sip_uri(&aus)?.to_string(), "example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_sip_uri(aus: &SipUri<'_>) -> Result<Self, crate::Reason> {
        match aus.reference_domain() {
            Ok(d) => Ok(Self::Domain(d)),
            Err(ReferenceError::IpLiteral(ip)) => Ok(Self::Ip(ip)),
            Err(e) => Err(crate::Reason::new(
                crate::ReasonCode::ReferenceInvalid,
                format!(
                    "the AUS {aus} has no usable reference: {e} (RFC 3261 §25.1, RFC 5922 §7.3)"
                ),
            )),
        }
    }

    /// Parses an AUS text (`sip:`/`sips:` URI) and takes its reference, as
    /// [`Reference::from_sip_uri`]. An unparsable AUS gives `reference-invalid`.
    pub fn from_aus(aus: &str) -> Result<Self, crate::Reason> {
        let uri = SipUri::parse(aus).map_err(|e| {
            crate::Reason::new(
                crate::ReasonCode::ReferenceInvalid,
                format!("the AUS {aus:?} is not an RFC 3261 SIP URI: {e}"),
            )
        })?;
        Self::from_sip_uri(&uri)
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

impl Identities {
    /// Compares the reference (then, for a domain reference, the policy's secure SRV target)
    /// with the identity
    /// set, RFC 5922 §7.2: whole names, ASCII case-insensitive (names are normalized), no
    /// suffix match, wildcards only under [`crate::danger::allow_wildcards`], IP literals only
    /// under [`Policy::allow_ip_literals`].
    ///
    /// The identity set must have been extracted with the same policy.
    pub fn matches(&self, reference: &Reference, policy: &Policy) -> Option<MatchedIdentity> {
        if let Some(m) = self.match_one(reference, policy, Via::Reference) {
            return Some(m);
        }
        // An IP-literal AUS is not resolved through SRV (RFC 3263 §4.2), so no SRV target
        // can stand in for it.
        if matches!(reference, Reference::Ip(_)) {
            return None;
        }
        let target = policy.secure_srv_target()?;
        self.match_one(
            &Reference::Domain(target.clone()),
            policy,
            Via::SecureSrvTarget,
        )
    }

    fn match_one(
        &self,
        reference: &Reference,
        policy: &Policy,
        via: Via,
    ) -> Option<MatchedIdentity> {
        let mut relaxations = Vec::new();
        if via == Via::SecureSrvTarget {
            relaxations.push(Relaxation::SecureSrvTarget);
        }
        let wanted = match reference {
            Reference::Domain(d) => IdentityName::Domain(d.clone()),
            Reference::Ip(_) if !policy.are_ip_literals_allowed() => return None,
            Reference::Ip(ip) => {
                relaxations.push(Relaxation::IpLiteral);
                IdentityName::Ip(*ip)
            }
        };
        if let Some(id) = self.identities().iter().find(|id| *id.name() == wanted) {
            if id.source() == IdentitySource::Cn {
                relaxations.push(Relaxation::CnFallback);
            }
            return Some(MatchedIdentity {
                presented: id.name().to_string(),
                name: wanted,
                source: id.source(),
                via,
                relaxations,
            });
        }
        let Reference::Domain(domain) = reference else {
            return None;
        };
        if !policy.are_wildcards_allowed() || !self.dns_sans_usable(policy) {
            return None;
        }
        let pattern = self.wildcard_covering(domain)?;
        relaxations.push(Relaxation::Wildcard);
        Some(MatchedIdentity {
            name: wanted,
            presented: pattern,
            source: IdentitySource::SanDns,
            via,
            relaxations,
        })
    }

    /// DNS SANs count only when no `sip:` URI domain identity exists and the policy does not
    /// require `sip:` URIs (RFC 5922 §7.1).
    pub(crate) fn dns_sans_usable(&self, policy: &Policy) -> bool {
        !policy.is_sip_uri_required()
            && !self
                .identities()
                .iter()
                .any(|id| id.source() == IdentitySource::SanUri && id.domain().is_some())
    }

    /// The first `*.base` dNSName that covers `domain` under RFC 6125 §6.4.3.
    pub(crate) fn wildcard_covering(&self, domain: &DomainName) -> Option<String> {
        self.ignored().iter().find_map(|ig| match ig.near_miss() {
            Some(NearMiss::WildcardBase(base))
                if ig.reason() == IgnoreReason::DnsWildcard && wildcard_covers(base, domain) =>
            {
                Some(ig.value().to_owned())
            }
            _ => None,
        })
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
