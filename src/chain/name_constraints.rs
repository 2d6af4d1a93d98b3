//! RFC 5280 §4.2.1.10 dNSName and iPAddress name constraints applied to **SIP identities**.
//!
//! webpki applies a CA's dNSName constraints to dNSName SANs only, and its iPAddress
//! constraints to iPAddress SANs only: a CA constrained to `example.com` can still mint
//! `URI:sip:evil.example` or a SAN-less `CN=evil.example`, and a CA constrained to
//! `192.0.2.0/24` can mint `URI:sip:198.51.100.7`; webpki accepts those chains. sipcert
//! closes that hole: the permitted/excluded subtrees of every CA on the path (the trust
//! anchor included) are applied to every SIP identity, whatever its source: dNSName subtrees
//! to every domain identity, iPAddress subtrees to every IP identity.
//!
//! dNSName semantics (RFC 5280 §4.2.1.10):
//! - constraint `example.com` covers `example.com` and every name under it
//!   (`sip.example.com`), never `badexample.com`;
//! - constraint `.example.com` covers proper subdomains only;
//!
//! iPAddress semantics: a constraint is an address and a mask (8 octets for IPv4, 32 for
//! IPv6, in the CIDR style of RFC 4632); the mask must be a contiguous prefix; an address is
//! inside when it has the same family and `ip & mask == address & mask`. An IPv4 address is
//! never inside an IPv6 subtree nor the reverse (an IPv4-mapped IPv6 address is IPv6).
//!
//! For both forms:
//! - a name must fall in at least one permitted subtree of its form when the CA has any (so
//!   an IPv6 identity under a CA that permits IPv4 ranges only is refused), and in no
//!   excluded one;
//! - constraints of other name forms do not restrict SIP identities (webpki checks those
//!   forms on the SANs it understands, and refuses any URI SAN under a URI constraint);
//! - anything sipCert cannot evaluate exactly (empty or invalid dNSName base, an iPAddress
//!   constraint of another length or with a non-contiguous mask, `minimum` / `maximum`
//!   fields, unknown GeneralName tags, bad DER) fails closed.
//!
//! The work is bounded: [`NameConstraintBudget`] caps the comparisons (identities × subtrees)
//! of one verification, across all the candidate paths webpki's path building tries.
//!
//! The DER is walked by hand, strictly, rather than through x509-parser's lenient
//! `NameConstraints` parser, which drops `minimum`/`maximum` silently.

use core::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::ca::CaName;
use super::ChainError;
use crate::der::cert::{Certificate, DecidedExtension};
use crate::der::reader;
use crate::domain::DomainName;
use crate::identity::{Identity, IdentityName};

/// The most comparisons (SIP identities × subtrees of their form, summed over the CAs of a
/// path) that one verification spends on name constraints, over every candidate path.
///
/// The same order of magnitude as webpki's own budget (250 000 comparisons), and lower: webpki
/// counts every SAN against every subtree of every CA it checks, so on any path webpki
/// accepts, webpki has already spent at least as much as sipcert's check needs; this budget
/// is what bounds sipcert's own work.
pub(crate) const NAME_CONSTRAINT_BUDGET: usize = 100_000;

/// How many name-constraint comparisons one verification may still spend. Create one per
/// verification (`NameConstraintBudget::default()`) and share it across every path
/// [`PathConstraints::check`] is called for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameConstraintBudget {
    remaining: usize,
}

impl Default for NameConstraintBudget {
    fn default() -> Self {
        Self {
            remaining: NAME_CONSTRAINT_BUDGET,
        }
    }
}

impl NameConstraintBudget {
    /// Spends `cost` comparisons; `false` (and nothing left) when they are not available.
    fn consume(&mut self, cost: usize) -> bool {
        if let Some(left) = self.remaining.checked_sub(cost) {
            self.remaining = left;
            true
        } else {
            self.remaining = 0;
            false
        }
    }
}

/// One dNSName subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DnsSubtree {
    /// `example.com`: the name itself and everything below it.
    NameAndBelow(DomainName),
    /// `.example.com`: proper subdomains only.
    BelowOnly(DomainName),
}

impl DnsSubtree {
    fn covers(&self, name: &DomainName) -> bool {
        match self {
            Self::NameAndBelow(base) => name == base || name.is_subdomain_of(base),
            Self::BelowOnly(base) => name.is_subdomain_of(base),
        }
    }
}

impl fmt::Display for DnsSubtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NameAndBelow(b) => write!(f, "{b}"),
            Self::BelowOnly(b) => write!(f, ".{b}"),
        }
    }
}

/// One iPAddress subtree: the network (address with the host bits cleared) and the prefix
/// length of its contiguous mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IpSubtree {
    /// An IPv4 range; `prefix` is 0 to 32.
    V4 { network: u32, prefix: u32 },
    /// An IPv6 range; `prefix` is 0 to 128.
    V6 { network: u128, prefix: u32 },
}

/// The mask of a `prefix`-bit IPv4 prefix (0 to 32).
fn mask_v4(prefix: u32) -> u32 {
    u32::MAX.checked_shl(32 - prefix.min(32)).unwrap_or(0)
}

/// The mask of a `prefix`-bit IPv6 prefix (0 to 128).
fn mask_v6(prefix: u32) -> u128 {
    u128::MAX.checked_shl(128 - prefix.min(128)).unwrap_or(0)
}

impl IpSubtree {
    fn covers(&self, ip: &IpAddr) -> bool {
        match (self, ip) {
            (Self::V4 { network, prefix }, IpAddr::V4(v4)) => {
                u32::from(*v4) & mask_v4(*prefix) == *network
            }
            (Self::V6 { network, prefix }, IpAddr::V6(v6)) => {
                u128::from(*v6) & mask_v6(*prefix) == *network
            }
            // Another family is never inside.
            (Self::V4 { .. }, IpAddr::V6(_)) | (Self::V6 { .. }, IpAddr::V4(_)) => false,
        }
    }
}

impl fmt::Display for IpSubtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::V4 { network, prefix } => write!(f, "{}/{prefix}", Ipv4Addr::from(*network)),
            Self::V6 { network, prefix } => write!(f, "{}/{prefix}", Ipv6Addr::from(*network)),
        }
    }
}

/// Permitted and excluded subtrees of one name form.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Subtrees<T> {
    /// Empty: the form is not restricted by a permitted subtree.
    permitted: Vec<T>,
    excluded: Vec<T>,
}

impl<T> Default for Subtrees<T> {
    fn default() -> Self {
        Self {
            permitted: Vec::new(),
            excluded: Vec::new(),
        }
    }
}

impl<T: fmt::Display> Subtrees<T> {
    fn len(&self) -> usize {
        self.permitted.len().saturating_add(self.excluded.len())
    }

    /// `Err` describes the violated constraint.
    fn check(
        &self,
        covers: impl Fn(&T) -> bool,
        form: &str,
        ca: &CaName<'_>,
    ) -> Result<(), String> {
        if let Some(ex) = self.excluded.iter().find(|s| covers(s)) {
            return Err(format!("excluded {form} {ex} of the {ca}"));
        }
        if !self.permitted.is_empty() && !self.permitted.iter().any(covers) {
            return Err(format!(
                "permitted {form} subtrees {{{}}} of the {ca}",
                list(&self.permitted)
            ));
        }
        Ok(())
    }
}

/// At most this many subtrees are spelled out in a message.
const LISTED_SUBTREES: usize = 8;

fn list<T: fmt::Display>(subtrees: &[T]) -> String {
    let mut shown: Vec<String> = subtrees
        .iter()
        .take(LISTED_SUBTREES)
        .map(ToString::to_string)
        .collect();
    if subtrees.len() > LISTED_SUBTREES {
        shown.push(format!("… {} more", subtrees.len() - LISTED_SUBTREES));
    }
    shown.join(", ")
}

/// The dNSName and iPAddress constraints of one CA on a verified path.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CaConstraints<'a> {
    /// Where they come from, for messages (`trust anchor`, `intermediate CA 1 (CN=…)`).
    ca: CaName<'a>,
    dns: Subtrees<DnsSubtree>,
    ip: Subtrees<IpSubtree>,
}

impl CaConstraints<'_> {
    /// `Err` describes the violated constraint.
    fn check(&self, name: &IdentityName) -> Result<(), String> {
        match name {
            IdentityName::Domain(d) => self.dns.check(|s| s.covers(d), "dNSName", &self.ca),
            IdentityName::Ip(ip) => self.ip.check(|s| s.covers(ip), "iPAddress", &self.ca),
        }
    }

    fn is_empty(&self) -> bool {
        self.dns.len() == 0 && self.ip.len() == 0
    }
}

/// The dNSName and iPAddress name constraints of every CA on one verified path (the trust
/// anchor's first, then each intermediate's); CAs without such constraints are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct PathConstraints<'a> {
    cas: Vec<CaConstraints<'a>>,
}

/// A SIP identity or its name: what [`PathConstraints::check`] reads.
pub(crate) trait Named {
    /// The name.
    fn identity_name(&self) -> &IdentityName;
}

impl Named for IdentityName {
    fn identity_name(&self) -> &IdentityName {
        self
    }
}

impl Named for Identity {
    fn identity_name(&self) -> &IdentityName {
        self.name()
    }
}

impl PathConstraints<'_> {
    /// Whether no CA on the path carries dNSName or iPAddress constraints.
    pub(crate) fn is_empty(&self) -> bool {
        self.cas.is_empty()
    }

    /// Checks every SIP identity against every CA's constraints: domains against the
    /// dNSName subtrees, IP addresses against the iPAddress subtrees. The comparisons are
    /// paid from `budget` before any is made; an exhausted budget is
    /// [`ChainError::NameConstraintBudgetExceeded`].
    pub(crate) fn check<N: Named>(
        &self,
        names: &[N],
        budget: &mut NameConstraintBudget,
    ) -> Result<(), ChainError> {
        if self.cas.is_empty() {
            return Ok(());
        }
        let (mut domains, mut ips) = (0usize, 0usize);
        for name in names {
            match name.identity_name() {
                IdentityName::Domain(_) => domains += 1,
                IdentityName::Ip(_) => ips += 1,
            }
        }
        let cost = self.cas.iter().fold(0usize, |acc, ca| {
            acc.saturating_add(domains.saturating_mul(ca.dns.len()))
                .saturating_add(ips.saturating_mul(ca.ip.len()))
        });
        if !budget.consume(cost) {
            return Err(ChainError::NameConstraintBudgetExceeded {
                names: names.len(),
                subtrees: self.cas.iter().fold(0usize, |acc, ca| {
                    acc.saturating_add(ca.dns.len()).saturating_add(ca.ip.len())
                }),
                limit: NAME_CONSTRAINT_BUDGET,
            });
        }
        for ca in &self.cas {
            for name in names {
                let name = name.identity_name();
                ca.check(name)
                    .map_err(|constraint| ChainError::NameConstraintViolation {
                        name: Some(name.clone()),
                        constraint: Some(constraint),
                    })?;
            }
        }
        Ok(())
    }

    /// Whether `name` satisfies every CA's constraints (one name: bounded by the number of
    /// subtrees, no budget needed).
    #[cfg(test)]
    pub(crate) fn permits(&self, name: &IdentityName) -> bool {
        self.cas.iter().all(|ca| ca.check(name).is_ok())
    }
}

impl<'a> PathConstraints<'a> {
    /// The trust anchor's dNSName and iPAddress constraints, read strictly; the
    /// intermediates' are added with [`PathConstraints::add_intermediate`]. A malformed
    /// constraint is [`ChainError::MalformedNameConstraint`], whatever the identities.
    pub(crate) fn of_anchor(
        anchor: &rustls_pki_types::TrustAnchor<'_>,
    ) -> Result<Self, ChainError> {
        let mut out = Self::default();
        if let Some(nc) = &anchor.name_constraints {
            let c = parse_contents(nc.as_ref(), CaName::Anchor)?;
            if !c.is_empty() {
                out.cas.push(c);
            }
        }
        Ok(out)
    }

    /// Adds the constraints of the intermediate at `index` of the path (`cert`, walked by
    /// [`super::ca::parse`] from `der`, which messages name it by).
    pub(crate) fn add_intermediate(
        &mut self,
        index: usize,
        cert: &Certificate<'a>,
        der: &'a [u8],
    ) -> Result<(), ChainError> {
        if let Some(ext) = cert.extension(DecidedExtension::NameConstraints) {
            let ca = CaName::Intermediate { index, der };
            let c = parse_extension_value(ext.value.as_bytes(), ca)?;
            if !c.is_empty() {
                self.cas.push(c);
            }
        }
        Ok(())
    }
}

fn malformed(detail: impl Into<String>) -> ChainError {
    ChainError::MalformedNameConstraint {
        detail: detail.into(),
    }
}

/// `NameConstraints ::= SEQUENCE { ... }` as it appears in the extension value.
fn parse_extension_value<'a>(
    value: &[u8],
    ca: impl Into<CaName<'a>>,
) -> Result<CaConstraints<'a>, ChainError> {
    let ca = ca.into();
    let mut r = Reader::new(value);
    let (tag, contents) = r.read_tlv()?;
    if tag != TAG_SEQUENCE || !r.at_end() {
        return Err(malformed(format!(
            "{ca}: nameConstraints is not a single SEQUENCE"
        )));
    }
    parse_contents(contents, ca)
}

const TAG_SEQUENCE: u8 = 0x30;
const TAG_PERMITTED: u8 = 0xa0;
const TAG_EXCLUDED: u8 = 0xa1;

/// The contents of the NameConstraints SEQUENCE (the form webpki keeps for a trust anchor):
/// `[0] permittedSubtrees OPTIONAL, [1] excludedSubtrees OPTIONAL`.
fn parse_contents<'a>(
    contents: &[u8],
    ca: impl Into<CaName<'a>>,
) -> Result<CaConstraints<'a>, ChainError> {
    let ca = ca.into();
    let mut r = Reader::new(contents);
    let mut dns = Subtrees::default();
    let mut ip = Subtrees::default();
    let mut seen_any = false;
    if r.peek() == Some(TAG_PERMITTED) {
        let (_, subtrees) = r.read_tlv()?;
        parse_subtrees(subtrees, &mut dns.permitted, &mut ip.permitted, &ca)?;
        seen_any = true;
    }
    if r.peek() == Some(TAG_EXCLUDED) {
        let (_, subtrees) = r.read_tlv()?;
        parse_subtrees(subtrees, &mut dns.excluded, &mut ip.excluded, &ca)?;
        seen_any = true;
    }
    if !r.at_end() {
        return Err(malformed(format!(
            "{ca}: unexpected data in nameConstraints"
        )));
    }
    if !seen_any {
        // RFC 5280 §4.2.1.10: "MUST NOT issue ... where name constraints is an empty sequence".
        return Err(malformed(format!("{ca}: empty nameConstraints")));
    }
    Ok(CaConstraints { ca, dns, ip })
}

/// `GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree`, keeping the dNSName and
/// iPAddress bases.
fn parse_subtrees(
    input: &[u8],
    dns: &mut Vec<DnsSubtree>,
    ip: &mut Vec<IpSubtree>,
    ca: &CaName<'_>,
) -> Result<(), ChainError> {
    let mut r = Reader::new(input);
    if r.at_end() {
        return Err(malformed(format!("{ca}: empty GeneralSubtrees")));
    }
    while !r.at_end() {
        let (tag, subtree) = r.read_tlv()?;
        if tag != TAG_SEQUENCE {
            return Err(malformed(format!("{ca}: GeneralSubtree is not a SEQUENCE")));
        }
        let mut s = Reader::new(subtree);
        let (name_tag, value) = s.read_tlv()?;
        if !s.at_end() {
            // minimum (default 0, so never encoded in DER) or maximum: RFC 5280 forbids both.
            return Err(malformed(format!(
                "{ca}: GeneralSubtree with minimum/maximum"
            )));
        }
        match name_tag {
            // dNSName [2] IA5String
            0x82 => dns.push(parse_dns_base(value, ca)?),
            // iPAddress [7] OCTET STRING
            0x87 => ip.push(parse_ip_base(value, ca)?),
            // otherName [0], rfc822Name [1], x400Address [3], directoryName [4],
            // ediPartyName [5], uniformResourceIdentifier [6], registeredID [8]: not forms a
            // SIP identity takes; webpki evaluates the forms it knows.
            0xa0 | 0x81 | 0xa3 | 0xa4 | 0xa5 | 0x86 | 0x88 => {}
            other => {
                return Err(malformed(format!(
                    "{ca}: unknown GeneralName tag 0x{other:02x} in a subtree"
                )))
            }
        }
    }
    Ok(())
}

fn parse_dns_base(value: &[u8], ca: &CaName<'_>) -> Result<DnsSubtree, ChainError> {
    let bad = |why: &str| {
        malformed(format!(
            "{ca}: dNSName constraint {:?} {why}",
            String::from_utf8_lossy(value)
        ))
    };
    if value.is_empty() {
        return Err(bad("is empty"));
    }
    let (below_only, rest) = match value.split_first() {
        Some((b'.', rest)) => (true, rest),
        _ => (false, value),
    };
    let base = DomainName::from_ascii_bytes(rest).map_err(|e| bad(&e.to_string()))?;
    Ok(if below_only {
        DnsSubtree::BelowOnly(base)
    } else {
        DnsSubtree::NameAndBelow(base)
    })
}

/// An iPAddress constraint: address then mask, 4 + 4 or 16 + 16 octets (RFC 5280
/// §4.2.1.10); the mask must be ones then zeros.
fn parse_ip_base(value: &[u8], ca: &CaName<'_>) -> Result<IpSubtree, ChainError> {
    let bad = |why: &str| malformed(format!("{ca}: iPAddress constraint {value:02x?} {why}"));
    let (addr, mask) = value.split_at(value.len() / 2);
    match value.len() {
        8 => {
            let addr = u32::from_be_bytes(addr.try_into().map_err(|_| bad("is truncated"))?);
            let mask = u32::from_be_bytes(mask.try_into().map_err(|_| bad("is truncated"))?);
            if mask.leading_ones() + mask.trailing_zeros() != u32::BITS {
                return Err(bad("has a mask that is not a contiguous prefix"));
            }
            Ok(IpSubtree::V4 {
                network: addr & mask,
                prefix: mask.leading_ones(),
            })
        }
        32 => {
            let addr = u128::from_be_bytes(addr.try_into().map_err(|_| bad("is truncated"))?);
            let mask = u128::from_be_bytes(mask.try_into().map_err(|_| bad("is truncated"))?);
            if mask.leading_ones() + mask.trailing_zeros() != u128::BITS {
                return Err(bad("has a mask that is not a contiguous prefix"));
            }
            Ok(IpSubtree::V6 {
                network: addr & mask,
                prefix: mask.leading_ones(),
            })
        }
        n => Err(bad(&format!(
            "has {n} octets (8 for IPv4, 32 for IPv6 are allowed)"
        ))),
    }
}

/// The crate's strict DER reader ([`crate::der::reareader::Reader`]: single-octet tags, definite minimal
/// lengths), with its errors as malformed name constraints.
struct Reader<'a> {
    inner: reader::Reader<'a>,
}

impl<'a> Reader<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self {
            inner: reader::Reader::new(input),
        }
    }

    fn at_end(&self) -> bool {
        self.inner.at_end()
    }

    fn peek(&self) -> Option<u8> {
        self.inner.peek()
    }

    fn read_tlv(&mut self) -> Result<(u8, &'a [u8]), ChainError> {
        let (tag, contents) = self
            .inner
            .read_tlv()
            .map_err(|e| malformed(format!("nameConstraints is not canonical DER {e}")))?;
        Ok((tag, contents.as_bytes()))
    }
}

#[cfg(test)]
mod tests;
