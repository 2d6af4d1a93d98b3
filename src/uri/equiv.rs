//! RFC 3261 §19.1.4 URI equivalence, with the RFC 5954 §4.2 binary IP rule.
//!
//! This is URI equality (routing, dialogs, RFC 5923 rows that store whole URIs). It is *not*
//! certificate matching: RFC 5922 §7.2 compares only the host.

use core::cmp::Ordering;

use super::escaped::Escaped;
use super::{Header, Host, Param, SipUri};

/// Parameters that make two URIs differ when only one of them has it (§19.1.4).
const SIGNIFICANT_IF_PRESENT: [&str; 5] = ["transport", "user", "ttl", "method", "maddr"];

impl SipUri<'_> {
    /// RFC 3261 §19.1.4 equivalence.
    ///
    /// - SIP and SIPS URIs are never equivalent;
    /// - user and password compare case-sensitively, everything else case-insensitively;
    /// - an escaped character outside `reserved` equals the character itself;
    /// - hosts compare as text, except IP literals, which compare as binary addresses
    ///   (RFC 5954 §4.2); a name never equals an address;
    /// - a port, or a `transport`, `user`, `ttl`, `method` or `maddr` parameter, in only one
    ///   URI makes them differ; other parameters in only one URI are ignored;
    /// - headers must be present in both and equal, in any order.
    ///
    /// The relation is reflexive and symmetric but, as the RFC notes, not transitive.
    pub fn equivalent(&self, other: &SipUri<'_>) -> bool {
        self.scheme() == other.scheme()
            && opt_eq(self.user(), other.user(), false)
            && opt_eq(self.password(), other.password(), false)
            && hosts_equivalent(self.host(), other.host())
            && self.port() == other.port()
            && params_equivalent(self, other)
            && params_equivalent(other, self)
            && headers_equivalent(self, other)
    }
}

fn opt_eq(a: Option<Escaped<'_>>, b: Option<Escaped<'_>>, ignore_case: bool) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.equivalent(&b, ignore_case),
        (None, Some(_)) | (Some(_), None) => false,
    }
}

fn hosts_equivalent(a: Host<'_>, b: Host<'_>) -> bool {
    match (a, b) {
        (Host::Domain(x), Host::Domain(y)) => x.eq_ignore_ascii_case(y),
        (Host::Ipv4(x), Host::Ipv4(y)) => x == y,
        (Host::Ipv6(x), Host::Ipv6(y)) => x == y,
        (Host::Domain(_) | Host::Ipv4(_) | Host::Ipv6(_), _) => false,
    }
}

/// Every parameter of `a` is compatible with `b`.
fn params_equivalent(a: &SipUri<'_>, b: &SipUri<'_>) -> bool {
    a.params().all(|p| match find_param(b, &p) {
        Some(q) => opt_eq(p.value(), q.value(), true),
        None => !SIGNIFICANT_IF_PRESENT
            .iter()
            .any(|n| p.name().eq_ignore_ascii_case(n)),
    })
}

fn find_param<'b>(uri: &SipUri<'b>, p: &Param<'_>) -> Option<Param<'b>> {
    uri.params().find(|q| q.name().equivalent(&p.name(), true))
}

/// The headers of `a` and `b` are equal as multisets: each header (name case-insensitive,
/// value case-sensitive, §19.1.4 escapes) appears as often in one as in the other.
///
/// Headers have no count limit, so this sorts both lists (O(n log n)) instead of counting each
/// header in both lists, which was quadratic: two 1 MiB URIs of `h=v&h=v…` took minutes.
fn headers_equivalent(a: &SipUri<'_>, b: &SipUri<'_>) -> bool {
    let order = |x: &Header<'_>, y: &Header<'_>| {
        x.name()
            .canonical_cmp(&y.name(), true)
            .then_with(|| x.value().canonical_cmp(&y.value(), false))
    };
    if a.headers().count() != b.headers().count() {
        return false;
    }
    let mut x: Vec<Header<'_>> = a.headers().collect();
    let mut y: Vec<Header<'_>> = b.headers().collect();
    x.sort_unstable_by(order);
    y.sort_unstable_by(order);
    x.iter()
        .zip(&y)
        .all(|(p, q)| order(p, q) == Ordering::Equal)
}
