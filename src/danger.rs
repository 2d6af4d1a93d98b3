//! Policy switches that weaken RFC 5922. Each one is a footgun; each use is recorded in the
//! verdict as a relaxation so that logs show why a certificate was accepted.

use crate::policy::Policy;

/// Lets `*.example.com` dNSName SANs match, RFC 6125 §6.4.3 style, although RFC 5922 §7.2
/// says wildcards MUST NOT match for SIP.
///
/// # Danger
///
/// A wildcard certificate for a web farm then authenticates **every** SIP domain one label
/// below it. Only the complete left-most label may be `*`: `*.example.com` matches
/// `foo.example.com`, but neither `example.com` nor `a.b.example.com`; partial labels (`f*`),
/// `.example.com`, and wildcards over a single-label base (`*.com`) never match. A match made
/// this way carries the `wildcard` relaxation.
///
/// ```
/// use sipcert::{danger, Policy};
///
/// let p = danger::allow_wildcards(Policy::default());
/// assert!(p.are_wildcards_allowed());
/// ```
#[must_use]
pub fn allow_wildcards(mut policy: Policy) -> Policy {
    policy.wildcards = true;
    policy
}
