//! Property: sipcert accepts exactly when an independent RFC 5922 oracle says the reference
//! equals a SIP domain identity (or a relaxation the policy enabled covers it), and an
//! accept without relaxations always names an identity equal to the reference.
#![allow(clippy::struct_excessive_bools)] // test code, written before the workspace lint wall

use std::net::IpAddr;

use proptest::prelude::*;
use sipcert::{
    check_end_entity, danger, DomainName, IdentityName, Policy, Reference, Relaxation, Role,
};
use sipcert_testkit::pki::{self, ip, uri, Leaf, San};

const NAMES: &[&str] = &[
    "example.com",
    "EXAMPLE.com",
    "a.example.com",
    "example.com.",
    "example.org",
    "xn--bcher-kva.example",
];
const REFS: &[&str] = &[
    "example.com",
    "a.example.com",
    "example.org",
    "foo.example.com",
    "xn--bcher-kva.example",
];
const IP: &str = "192.0.2.1";

#[derive(Debug, Clone)]
enum Entry {
    SipUri(usize),
    SipUserUri(usize),
    SipsUri(usize),
    Dns(usize),
    DnsWildcard,
    IpSan,
    SipIpUri,
}

fn entry() -> impl Strategy<Value = Entry> {
    let n = 0..NAMES.len();
    prop_oneof![
        n.clone().prop_map(Entry::SipUri),
        n.clone().prop_map(Entry::SipUserUri),
        n.clone().prop_map(Entry::SipsUri),
        n.prop_map(Entry::Dns),
        Just(Entry::DnsWildcard),
        Just(Entry::IpSan),
        Just(Entry::SipIpUri),
    ]
}

fn san(e: &Entry) -> San {
    match e {
        Entry::SipUri(i) => uri(&format!("sip:{}", NAMES[*i])),
        Entry::SipUserUri(i) => uri(&format!("sip:alice@{}", NAMES[*i])),
        Entry::SipsUri(i) => uri(&format!("sips:{}", NAMES[*i])),
        Entry::Dns(i) => pki::dns(NAMES[*i]),
        Entry::DnsWildcard => pki::dns("*.example.com"),
        Entry::IpSan => ip(IP.parse().unwrap()),
        Entry::SipIpUri => uri(&format!("sip:{IP}")),
    }
}

fn norm(s: &str) -> String {
    s.strip_suffix('.').unwrap_or(s).to_ascii_lowercase()
}

#[derive(Debug, Clone)]
struct Flags {
    cn_fallback: bool,
    require_sip_uri: bool,
    allow_ip: bool,
    wildcards: bool,
    srv: Option<usize>,
}

/// The oracle: RFC 5922 §7.1/§7.2 with the decisions.md policy, written independently of
/// the library from the generator's own knowledge of each entry.
fn oracle(sans: Option<&[Entry]>, cn: Option<usize>, f: &Flags, reference: Option<usize>) -> bool {
    let entries = sans.unwrap_or(&[]);
    let uri_domains: Vec<String> = entries
        .iter()
        .filter_map(|e| {
            if let Entry::SipUri(i) = e {
                Some(norm(NAMES[*i]))
            } else {
                None
            }
        })
        .collect();
    let dns_usable = !f.require_sip_uri && uri_domains.is_empty();
    let mut names = uri_domains;
    if dns_usable {
        names.extend(entries.iter().filter_map(|e| {
            if let Entry::Dns(i) = e {
                Some(norm(NAMES[*i]))
            } else {
                None
            }
        }));
    }
    if sans.is_none() && f.cn_fallback && !f.require_sip_uri {
        names.extend(cn.map(|i| norm(NAMES[i])));
    }
    let wildcard =
        f.wildcards && dns_usable && entries.iter().any(|e| matches!(e, Entry::DnsWildcard));
    let domain_matches = |r: &str| {
        names.iter().any(|n| n == r)
            || (wildcard
                && r.strip_suffix(".example.com")
                    .is_some_and(|l| !l.contains('.')))
    };
    match reference {
        None => {
            f.allow_ip
                && entries
                    .iter()
                    .any(|e| matches!(e, Entry::IpSan | Entry::SipIpUri))
        }
        Some(r) => domain_matches(REFS[r]) || f.srv.is_some_and(|s| domain_matches(REFS[s])),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn accept_iff_oracle(
        sans in proptest::option::weighted(0.8, proptest::collection::vec(entry(), 0..5)),
        cn in proptest::option::of(0..NAMES.len()),
        cn_fallback in any::<bool>(),
        require_sip_uri in any::<bool>(),
        allow_ip in any::<bool>(),
        wildcards in any::<bool>(),
        srv in proptest::option::weighted(0.2, 0..REFS.len()),
        reference in proptest::option::weighted(0.85, 0..REFS.len()),
    ) {
        let flags = Flags { cn_fallback, require_sip_uri, allow_ip, wildcards, srv };
        let mut policy = Policy::default()
            .cn_fallback(cn_fallback)
            .require_sip_uri(require_sip_uri)
            .allow_ip_literals(allow_ip);
        if wildcards {
            policy = danger::allow_wildcards(policy);
        }
        if let Some(s) = srv {
            policy = policy.with_secure_srv_target(DomainName::from_ascii(REFS[s]).unwrap());
        }
        let mut leaf = Leaf { sans: sans.as_ref().map(|v| v.iter().map(san).collect()), ..Leaf::default() };
        if let Some(c) = cn {
            leaf = leaf.cn(NAMES[c]);
        }
        let r = match reference {
            Some(i) => Reference::Domain(DomainName::from_ascii(REFS[i]).unwrap()),
            None => Reference::Ip(IP.parse::<IpAddr>().unwrap()),
        };
        let v = check_end_entity(&leaf.der(), &r, Role::Server, &policy);
        let want = oracle(sans.as_deref(), cn, &flags, reference);
        prop_assert_eq!(v.is_accept(), want, "SAN {:?} CN {:?} ref {} {:?}: {:?}", sans, cn, r, flags, v);
        if let Some(a) = v.accepted() {
            let m = a.matched();
            let rel = a.relaxations();
            if rel.is_empty() {
                // Plain RFC 5922: the reference itself equals an extracted identity.
                let Reference::Domain(d) = &r else { unreachable!("IP matches carry ip-literal") };
                prop_assert_eq!(m.name(), &IdentityName::Domain(d.clone()));
                prop_assert!(a.identities().iter().any(|i| i.name() == m.name()), "{:?}", a);
            }
            prop_assert_eq!(rel.contains(&Relaxation::Wildcard), m.presented().contains('*'));
            prop_assert!(!rel.contains(&Relaxation::Wildcard) || wildcards);
            prop_assert!(!rel.contains(&Relaxation::IpLiteral) || allow_ip);
            prop_assert!(!rel.contains(&Relaxation::SecureSrvTarget) || srv.is_some());
            prop_assert!(!rel.contains(&Relaxation::CnFallback) || (sans.is_none() && cn_fallback));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Hostile DER: random octets and a real certificate with octets overwritten or cut.
    /// Nothing panics, and a mangled certificate never gains an identity it did not present.
    #[test]
    fn hostile_der_never_panics(
        noise in proptest::collection::vec(any::<u8>(), 0..300),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let policy = danger::allow_wildcards(Policy::default().allow_ip_literals(true));
        let reference = Reference::Domain(DomainName::from_ascii("evil.example").unwrap());
        let _ = check_end_entity(&noise, &reference, Role::Client, &policy);
        let _ = sipcert::extract_identities(&noise, &policy);
        let _ = sipcert::evaluate_eku(&noise, Role::Server, sipcert::EkuMode::Rfc5924);
        let mut der = Leaf::sans(vec![uri("sip:example.com"), pki::dns("*.example.com")])
            .cn("example.com")
            .der();
        for (at, byte) in &edits {
            let i = at % der.len();
            der[i] = *byte;
        }
        let v = check_end_entity(&der, &reference, Role::Server, &policy);
        if let Some(a) = v.accepted() {
            // Only a name still spelled out in the certificate can match.
            let needle = a.matched().presented().trim_start_matches("*.");
            prop_assert!(der.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes())), "{:?}", a);
        }
        der.truncate(cut % (der.len() + 1));
        let _ = check_end_entity(&der, &reference, Role::Server, &policy);
    }
}
