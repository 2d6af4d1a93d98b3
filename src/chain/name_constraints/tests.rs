//! Unit tests of the parent module.

use super::*;

fn dn(s: &str) -> DomainName {
    DomainName::from_ascii(s).unwrap()
}

fn path(c: CaConstraints<'_>) -> PathConstraints<'_> {
    PathConstraints { cas: vec![c] }
}

fn der_subtree(tag: u8, name: &[u8]) -> Vec<u8> {
    let mut gn = vec![tag, u8::try_from(name.len()).unwrap()];
    gn.extend_from_slice(name);
    let mut st = vec![0x30, u8::try_from(gn.len()).unwrap()];
    st.extend(gn);
    st
}

fn der_dns_subtree(name: &[u8]) -> Vec<u8> {
    der_subtree(0x82, name)
}

/// NameConstraints contents with the given GeneralSubtrees bodies.
fn wrap(permitted: &[u8], excluded: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (tag, body) in [(0xa0u8, permitted), (0xa1u8, excluded)] {
        if body.is_empty() {
            continue;
        }
        out.push(tag);
        let len = u16::try_from(body.len()).unwrap();
        match len {
            0..=0x7f => {}
            0x80..=0xff => out.push(0x81),
            _ => out.extend([0x82, u8::try_from(len >> 8).unwrap()]),
        }
        out.push(u8::try_from(len & 0xff).unwrap());
        out.extend_from_slice(body);
    }
    out
}

fn contents(permitted: &[&[u8]], excluded: &[&[u8]]) -> Vec<u8> {
    let p: Vec<u8> = permitted.iter().flat_map(|n| der_dns_subtree(n)).collect();
    let e: Vec<u8> = excluded.iter().flat_map(|n| der_dns_subtree(n)).collect();
    wrap(&p, &e)
}

/// `192.0.2.0/24` or `2001:db8::/32` as the 8 or 32 constraint octets.
fn cidr(s: &str) -> Vec<u8> {
    let (addr, prefix) = s.split_once('/').unwrap();
    let prefix: u32 = prefix.parse().unwrap();
    match addr.parse::<IpAddr>().unwrap() {
        IpAddr::V4(a) => {
            let mut v = a.octets().to_vec();
            v.extend(mask_v4(prefix).to_be_bytes());
            v
        }
        IpAddr::V6(a) => {
            let mut v = a.octets().to_vec();
            v.extend(mask_v6(prefix).to_be_bytes());
            v
        }
    }
}

fn ip_contents(permitted: &[&str], excluded: &[&str]) -> Vec<u8> {
    let p: Vec<u8> = permitted
        .iter()
        .flat_map(|c| der_subtree(0x87, &cidr(c)))
        .collect();
    let e: Vec<u8> = excluded
        .iter()
        .flat_map(|c| der_subtree(0x87, &cidr(c)))
        .collect();
    wrap(&p, &e)
}

type Subtrees = &'static [&'static [u8]];

/// (permitted, excluded, name, expected verdict)
const MATCH_TABLE: &[(Subtrees, Subtrees, &str, bool)] = &[
    (&[b"example.com"], &[], "example.com", true),
    (&[b"example.com"], &[], "sip.example.com", true),
    (&[b"example.com"], &[], "a.b.example.com", true),
    (&[b"example.com"], &[], "badexample.com", false),
    (&[b"example.com"], &[], "example.com.evil", false),
    (&[b"example.com"], &[], "evil.example", false),
    (&[b"EXAMPLE.COM"], &[], "sip.example.com", true),
    (&[b".example.com"], &[], "example.com", false),
    (&[b".example.com"], &[], "sip.example.com", true),
    (&[b"example.com", b"example.net"], &[], "example.net", true),
    (&[], &[b"bad.example.com"], "bad.example.com", false),
    (&[], &[b"bad.example.com"], "x.bad.example.com", false),
    (&[], &[b"bad.example.com"], "good.example.com", true),
    (
        &[b"example.com"],
        &[b"bad.example.com"],
        "x.bad.example.com",
        false,
    ),
    (&[b"example.com"], &[b".example.com"], "example.com", true),
    (
        &[b"example.com"],
        &[b".example.com"],
        "sip.example.com",
        false,
    ),
];

#[test]
fn dns_constraint_semantics() {
    for &(permitted, excluded, name, expected) in MATCH_TABLE {
        let der = contents(permitted, excluded);
        let c = parse_contents(&der, "test CA".to_owned()).unwrap();
        let got = path(c).check(
            &[IdentityName::Domain(dn(name))],
            &mut NameConstraintBudget::default(),
        );
        assert_eq!(
            got.is_ok(),
            expected,
            "permitted={permitted:?} excluded={excluded:?} name={name:?}: {got:?}"
        );
    }
}

type Cidrs = &'static [&'static str];

/// (permitted, excluded, IP identity, expected verdict)
const IP_TABLE: &[(Cidrs, Cidrs, &str, bool)] = &[
    (&["192.0.2.0/24"], &[], "192.0.2.7", true),
    (&["192.0.2.0/24"], &[], "192.0.2.0", true),
    (&["192.0.2.0/24"], &[], "192.0.2.255", true),
    (&["192.0.2.0/24"], &[], "192.0.3.0", false),
    (&["192.0.2.0/24"], &[], "198.51.100.7", false),
    (&["192.0.2.0/25"], &[], "192.0.2.127", true),
    (&["192.0.2.0/25"], &[], "192.0.2.128", false),
    (&["192.0.2.7/32"], &[], "192.0.2.7", true),
    (&["192.0.2.7/32"], &[], "192.0.2.8", false),
    (&["0.0.0.0/0"], &[], "203.0.113.1", true),
    // Host bits in the constraint address do not matter.
    (&["192.0.2.99/24"], &[], "192.0.2.7", true),
    (
        &["192.0.2.0/24", "198.51.100.0/24"],
        &[],
        "198.51.100.7",
        true,
    ),
    // Another family is never inside: fail closed.
    (&["192.0.2.0/24"], &[], "2001:db8::7", false),
    (&["192.0.2.0/24"], &[], "::ffff:192.0.2.7", false),
    (&["2001:db8::/32"], &[], "192.0.2.7", false),
    (&["::/0"], &[], "192.0.2.7", false),
    (&["2001:db8::/32"], &[], "2001:db8:1::7", true),
    (&["2001:db8::/32"], &[], "2001:db9::7", false),
    (&["2001:db8::/127"], &[], "2001:db8::1", true),
    (&["2001:db8::/127"], &[], "2001:db8::2", false),
    (&["192.0.2.0/24", "2001:db8::/32"], &[], "2001:db8::7", true),
    (&[], &["192.0.2.0/24"], "192.0.2.7", false),
    (&[], &["192.0.2.0/24"], "192.0.3.7", true),
    (&[], &["192.0.2.0/24"], "2001:db8::7", true),
    (&[], &["0.0.0.0/0"], "192.0.2.7", false),
    (&["192.0.2.0/24"], &["192.0.2.0/28"], "192.0.2.7", false),
    (&["192.0.2.0/24"], &["192.0.2.0/28"], "192.0.2.77", true),
];

#[test]
fn ip_constraint_semantics() {
    for &(permitted, excluded, ip, expected) in IP_TABLE {
        let der = ip_contents(permitted, excluded);
        let c = parse_contents(&der, "test CA".to_owned()).unwrap();
        let name = IdentityName::Ip(ip.parse().unwrap());
        let got = path(c).check(
            std::slice::from_ref(&name),
            &mut NameConstraintBudget::default(),
        );
        assert_eq!(
            got.is_ok(),
            expected,
            "permitted={permitted:?} excluded={excluded:?} ip={ip}: {got:?}"
        );
    }
}

#[test]
fn each_form_restricts_only_its_own_identities() {
    // permitted dNSName example.com + permitted iPAddress 192.0.2.0/24.
    let mut p = der_dns_subtree(b"example.com");
    p.extend(der_subtree(0x87, &cidr("192.0.2.0/24")));
    let both = path(parse_contents(&wrap(&p, &[]), "both".to_owned()).unwrap());
    let ip_only =
        path(parse_contents(&ip_contents(&["192.0.2.0/24"], &[]), "ip".to_owned()).unwrap());
    let dns_only =
        path(parse_contents(&contents(&[b"example.com"], &[]), "dns".to_owned()).unwrap());
    let rows: &[(&PathConstraints<'_>, &str, bool)] = &[
        (&both, "sip.example.com", true),
        (&both, "evil.example", false),
        (&both, "192.0.2.7", true),
        (&both, "198.51.100.7", false),
        (&ip_only, "evil.example", true),
        (&ip_only, "198.51.100.7", false),
        (&dns_only, "198.51.100.7", true),
        (&dns_only, "evil.example", false),
    ];
    for (c, name, expected) in rows {
        let id = match name.parse::<IpAddr>() {
            Ok(ip) => IdentityName::Ip(ip),
            Err(_) => IdentityName::Domain(dn(name)),
        };
        let got = c.check(
            std::slice::from_ref(&id),
            &mut NameConstraintBudget::default(),
        );
        assert_eq!(got.is_ok(), *expected, "{name} under {c:?}: {got:?}");
        assert_eq!(c.permits(&id), *expected, "permits({name}) under {c:?}");
    }
}

#[test]
fn violation_names_the_ip_and_the_subtree() {
    let c = path(
        parse_contents(
            &ip_contents(&["192.0.2.0/24"], &["192.0.2.128/25"]),
            "intermediate CA 1 (CN=x)".to_owned(),
        )
        .unwrap(),
    );
    let outside = IdentityName::Ip("198.51.100.7".parse().unwrap());
    let err = c
        .check(
            std::slice::from_ref(&outside),
            &mut NameConstraintBudget::default(),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("198.51.100.7")
            && text.contains("permitted iPAddress subtrees {192.0.2.0/24}")
            && text.contains("intermediate CA 1 (CN=x)"),
        "{text}"
    );
    let excluded = IdentityName::Ip("192.0.2.200".parse().unwrap());
    let err = c
        .check(
            std::slice::from_ref(&excluded),
            &mut NameConstraintBudget::default(),
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("excluded iPAddress 192.0.2.128/25"),
        "{err}"
    );
    assert!(
        matches!(&err, ChainError::NameConstraintViolation { name: Some(n), .. } if *n == excluded),
        "{err:?}"
    );
}

#[test]
fn budget_is_shared_and_fails_closed() {
    // 20 dNSName subtrees, all permitting; names under the first.
    let names: Vec<Vec<u8>> = (0..20)
        .map(|i| format!("d{i}.example").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    let c = path(parse_contents(&contents(&refs, &[]), "test CA".to_owned()).unwrap());
    let ids: Vec<IdentityName> = (0..100)
        .map(|i| IdentityName::Domain(dn(&format!("h{i}.d0.example"))))
        .collect();
    // 100 × 20 = 2 000 comparisons a call: 50 calls fit, the 51st does not.
    let mut budget = NameConstraintBudget::default();
    for call in 0..NAME_CONSTRAINT_BUDGET / 2_000 {
        c.check(&ids, &mut budget)
            .unwrap_or_else(|e| panic!("call {call}: {e:?}"));
    }
    let err = c.check(&ids, &mut budget).unwrap_err();
    assert_eq!(
        err,
        ChainError::NameConstraintBudgetExceeded {
            names: 100,
            subtrees: 20,
            limit: NAME_CONSTRAINT_BUDGET
        }
    );
    assert_eq!(err.code(), "chain-name-constraint-violation");
    assert!(err.to_string().contains("budget"), "{err}");
    // Exhausted: even a small check fails now, but an unconstrained path costs nothing.
    assert!(c.check(&ids[..1], &mut budget).is_err());
    PathConstraints::default()
        .check(&ids, &mut budget)
        .expect("no constraints, no comparisons");
    // A fresh budget: one call over the limit fails at once, before any comparison.
    let many: Vec<IdentityName> = (0..=NAME_CONSTRAINT_BUDGET / 20)
        .map(|i| IdentityName::Domain(dn(&format!("h{i}.d0.example"))))
        .collect();
    assert!(matches!(
        c.check(&many, &mut NameConstraintBudget::default()),
        Err(ChainError::NameConstraintBudgetExceeded { .. })
    ));
}

#[test]
fn messages_list_a_bounded_number_of_subtrees() {
    let names: Vec<Vec<u8>> = (0..50)
        .map(|i| format!("d{i}.example").into_bytes())
        .collect();
    let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    let c = path(parse_contents(&contents(&refs, &[]), "test CA".to_owned()).unwrap());
    let err = c
        .check(
            &[IdentityName::Domain(dn("evil.example"))],
            &mut NameConstraintBudget::default(),
        )
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("d7.example") && !text.contains("d8.example") && text.contains("42 more"),
        "{text}"
    );
}

#[test]
fn malformed_constraints_fail_closed() {
    let rows: &[(&str, Vec<u8>)] = &[
        ("empty dNSName", contents(&[b""], &[])),
        ("bare dot", contents(&[b"."], &[])),
        ("wildcard", contents(&[b"*.example.com"], &[])),
        ("non-ASCII", contents(&["bücher.example".as_bytes()], &[])),
        ("underscore", contents(&[b"_sip.example.com"], &[])),
        ("empty excluded dNSName", contents(&[], &[b""])),
        ("empty NameConstraints", Vec::new()),
        ("empty permitted subtrees", vec![0xa0, 0x00]),
        (
            "maximum present",
            vec![
                0xa0, 0x0a, 0x30, 0x08, 0x82, 0x03, b'a', b'.', b'b', 0x81, 0x01, 0x00,
            ],
        ),
        (
            "unknown GeneralName tag",
            vec![0xa0, 0x04, 0x30, 0x02, 0x89, 0x00],
        ),
        ("truncated", vec![0xa0, 0x05, 0x30, 0x02]),
        ("indefinite length", vec![0xa0, 0x80, 0x00, 0x00]),
        ("trailing junk", {
            let mut v = contents(&[b"example.com"], &[]);
            v.push(0x05);
            v
        }),
        (
            "iPAddress mask with a hole",
            wrap(&der_subtree(0x87, &[192, 0, 2, 0, 255, 0, 255, 0]), &[]),
        ),
        (
            "iPAddress mask not a prefix",
            wrap(&der_subtree(0x87, &[192, 0, 2, 0, 0, 255, 255, 255]), &[]),
        ),
        (
            "excluded iPAddress mask with a hole",
            wrap(&[], &der_subtree(0x87, &[192, 0, 2, 0, 255, 255, 254, 1])),
        ),
        (
            "iPAddress of 4 octets",
            wrap(&der_subtree(0x87, &[192, 0, 2, 0]), &[]),
        ),
        ("iPAddress of 0 octets", wrap(&der_subtree(0x87, &[]), &[])),
        (
            "iPAddress of 9 octets",
            wrap(
                &der_subtree(0x87, &[192, 0, 2, 0, 255, 255, 255, 0, 0]),
                &[],
            ),
        ),
        (
            "iPAddress of 16 octets",
            wrap(&der_subtree(0x87, &[0x20; 16]), &[]),
        ),
        ("IPv6 mask with a hole", {
            let mut v = vec![0x20, 0x01, 0x0d, 0xb8];
            v.extend([0u8; 12]);
            v.extend([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]);
            v.extend([0u8; 8]);
            wrap(&der_subtree(0x87, &v), &[])
        }),
    ];
    for (what, der) in rows {
        let got = parse_contents(der, "test CA".to_owned());
        assert!(
            matches!(got, Err(ChainError::MalformedNameConstraint { .. })),
            "{what}: parse_contents({der:02x?}) = {got:?}"
        );
    }
}

#[test]
fn other_name_forms_do_not_restrict_dns() {
    // permitted: URI "example.com" only
    let der = vec![
        0xa0, 0x0f, 0x30, 0x0d, 0x86, 0x0b, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.', b'c',
        b'o', b'm',
    ];
    let c = parse_contents(&der, "test CA".to_owned()).unwrap();
    assert!(c.is_empty(), "{c:?}");
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn labels() -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[a-c]{1,2}", 1..4)
    }

    proptest! {
        /// `example.com` covers exactly the names whose trailing labels are its labels;
        /// `.example.com` the same minus the name itself.
        #[test]
        fn subtree_matches_label_suffix_model(name in labels(), base in labels()) {
            let name_s = format!("{}.test", name.join("."));
            let base_s = format!("{}.test", base.join("."));
            let n = dn(&name_s);
            let b = dn(&base_s);
            let model = name.len() >= base.len() && name[name.len() - base.len()..] == base[..];
            prop_assert_eq!(
                DnsSubtree::NameAndBelow(b.clone()).covers(&n), model,
                "{} under {}", name_s, base_s
            );
            prop_assert_eq!(
                DnsSubtree::BelowOnly(b).covers(&n), model && name.len() > base.len(),
                "{} under .{}", name_s, base_s
            );
        }

        /// An IPv4 subtree covers exactly the addresses whose first `prefix` bits equal the
        /// network's, compared bit by bit.
        #[test]
        fn ipv4_subtree_matches_bit_model(net in any::<u32>(), ip in any::<u32>(), prefix in 0u32..=32) {
            let s = IpSubtree::V4 { network: net & mask_v4(prefix), prefix };
            let model = (0..prefix).all(|b| (net >> (31 - b)) & 1 == (ip >> (31 - b)) & 1);
            prop_assert_eq!(s.covers(&IpAddr::V4(ip.into())), model, "{} vs {}", s, Ipv4Addr::from(ip));
        }

        /// Arbitrary bytes never panic the parser.
        #[test]
        fn parser_is_total(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_contents(&bytes, "fuzz".to_owned());
            let _ = parse_extension_value(&bytes, "fuzz".to_owned());
        }
    }
}
