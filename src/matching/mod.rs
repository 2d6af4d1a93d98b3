//! RFC 5922 §7.2: the exact comparison of the reference with the identities, and the one
//! accept rule (names with the RFC 5924 EKU outcome) every entry point decides by. An accept
//! or a rejection is rendered here into the output types of [`crate::verdict`], with the
//! near-miss [`hints`] of a rejection.

pub(crate) mod hints;

use std::net::IpAddr;

use crate::codes::{ReasonCode, Relaxation, Via};
use crate::domain::DomainName;
use crate::eku::{EkuAcceptance, EkuError};
use crate::identity::{Identities, Identity, IdentityName, IdentitySource, IgnoreReason, NearMiss};
use crate::reference::Reference;
use crate::verdict::{Accepted, ChainCheck, MatchedIdentity, Reason, Rejected, Verdict};

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
        MatchedIdentity::new(name, presented, source, found.via, relaxations)
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

/// A names-and-EKU accept, not rendered yet: the match and the EKU outcome. Only
/// [`accept_names`] makes one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NamesAccepted {
    found: Found,
    eku: EkuAcceptance,
}

/// The one accept rule of RFC 5922 §7.2 with RFC 5924 §5, for every entry point: the EKU
/// allows the role, and the reference (or the policy's secure SRV target) equals an
/// identity under the policy the identities were extracted with. Decides without
/// allocating; [`names_verdict`] and [`accepted`] render the outcome.
pub(crate) fn accept_names(
    ids: &Identities,
    wanted: Wanted<'_>,
    eku: &Result<EkuAcceptance, EkuError>,
) -> Option<NamesAccepted> {
    let eku = match eku {
        Ok(acceptance) => *acceptance,
        Err(_) => return None,
    };
    let found = ids.find_wanted(wanted)?;
    Some(NamesAccepted { found, eku })
}

/// The names-and-EKU verdict (RFC 5922 §7.2 and RFC 5924 §5) on extracted identities. `chain`
/// says what the caller established about the path; a path failure is folded in afterwards.
pub(crate) fn names_verdict(
    ids: Identities,
    reference: &Reference,
    eku: &Result<EkuAcceptance, EkuError>,
    chain: ChainCheck,
) -> Verdict {
    match accept_names(&ids, Wanted::of(reference), eku) {
        Some(accept) => Verdict::Accept(accepted(ids, reference, accept, chain)),
        None => Verdict::Reject(names_rejection(ids, reference, eku, chain)),
    }
}

/// Renders an accept of [`accept_names`].
pub(crate) fn accepted(
    ids: Identities,
    reference: &Reference,
    accept: NamesAccepted,
    chain: ChainCheck,
) -> Accepted {
    let matched = ids.matched_identity(accept.found, reference);
    let mut relaxations = matched.relaxations().to_vec();
    if accept.eku.is_relaxation() {
        relaxations.push(Relaxation::EkuTlsCompatible);
    }
    Accepted::new(
        reference.clone(),
        matched,
        relaxations,
        accept.eku,
        chain,
        ids,
    )
}

/// The rejection when [`accept_names`] does not accept: every reason (EKU, IP-literal
/// reference, no matching identity) and the near-miss hints.
pub(crate) fn names_rejection(
    ids: Identities,
    reference: &Reference,
    eku: &Result<EkuAcceptance, EkuError>,
    chain: ChainCheck,
) -> Rejected {
    let mut reasons = Vec::new();
    if let Err(e) = eku {
        reasons.push(Reason::new(e.reason_code(), e.to_string()));
    }
    let ip_literal_refused = match reference {
        Reference::Ip(ip) if !ids.policy().are_ip_literals_allowed() => {
            reasons.push(Reason::new(
                ReasonCode::ReferenceIsIpLiteral,
                format!(
                    "the reference {ip} is an IP literal, not a SIP domain (RFC 5922 §7.2 compares DNS names); IP matching needs the allow_ip_literals policy"
                ),
            ));
            true
        }
        Reference::Ip(_) | Reference::Domain(_) => false,
    };
    let matched = ids.find(reference).is_some();
    if !matched && !ip_literal_refused {
        reasons.push(no_match_reason(&ids, reference));
    }
    // Near misses explain a name mismatch; when the name matched (and only the EKU failed)
    // there is nothing to explain about names.
    let hints = match (matched, reference) {
        (false, Reference::Domain(d)) => hints::compute(&ids, d),
        (true, _) | (false, Reference::Ip(_)) => Vec::new(),
    };
    Rejected::for_names(reference.clone(), reasons, ids, hints, chain)
}

fn no_match_reason(ids: &Identities, reference: &Reference) -> Reason {
    if ids.is_empty() {
        Reason::new(
            ReasonCode::NoIdentities,
            "the certificate has no SIP domain identity (RFC 5922 §7.1: only sip: URI SANs without user part, dNSName SANs when no sip: URI identity exists, and the subject CN when there is no SAN extension at all); RFC 5922 §7.3: not authenticated",
        )
    } else {
        Reason::new(
            ReasonCode::NoMatchingIdentity,
            format!(
                "no identity equals {reference}; RFC 5922 §7.2 compares whole DNS names, ASCII case-insensitively, with no suffix or wildcard matching"
            ),
        )
    }
}
