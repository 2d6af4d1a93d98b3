//! Identity extraction: every x509-parser trap of rust-notes §3.2 and every ignore code.
//! Table style (webpki `dns_name.rs`): inputs appear in each failure message.
#![allow(clippy::struct_field_names, clippy::too_many_lines)] // test code, written before the workspace lint wall

use rcgen::DnValue;
use sipcert::{extract_identities, IgnoreReason, Policy};
use sipcert_testkit::pki::{
    self, cn_attr, dns, email, ip, name, raw, raw_dns, raw_uri, san_value, tlv, Leaf, CN_OID, O_OID,
};

/// (case, certificate, policy, expected identities "name/source", expected ignored
/// "value/source/reason").
struct Case {
    case: &'static str,
    leaf: Leaf,
    policy: Policy,
    ids: &'static [&'static str],
    ignored: &'static [&'static str],
}

fn case(
    case: &'static str,
    leaf: Leaf,
    ids: &'static [&'static str],
    ignored: &'static [&'static str],
) -> Case {
    Case {
        case,
        leaf,
        policy: Policy::default(),
        ids,
        ignored,
    }
}

fn with_subject(mut leaf: Leaf, subject: Vec<u8>) -> Leaf {
    leaf.raw_subject = Some(subject);
    leaf
}

fn bmp(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

fn cases() -> Vec<Case> {
    let v4: std::net::IpAddr = "192.0.2.1".parse().unwrap();
    vec![
        // §3.2 pitfall 1: non-UTF-8 entries come back as GeneralName::Invalid inside an Ok SAN.
        case(
            "non-utf8 dNSName is Invalid, ignored; later entries still read",
            Leaf::sans(vec![raw_dns(b"ex\xffample.com"), dns("example.org")]),
            &["example.org/san-dns"],
            &["[2]ex\\xffample.com/san-dns/dns-not-ascii"],
        ),
        case(
            "non-utf8 URI is Invalid, ignored",
            Leaf::sans(vec![raw_uri(b"sip:ex\xfe.com"), dns("example.org")]),
            &["example.org/san-dns"],
            &["[6]sip:ex\\xfe.com/san-uri/uri-unparsable"],
        ),
        // Pitfall 2: x509-parser accepts UTF-8 in IA5; we refuse non-ASCII.
        case(
            "UTF-8 dNSName (V25 shape)",
            Leaf::sans(vec![dns("exämple.com")]),
            &[],
            &["ex\\xc3\\xa4mple.com/san-dns/dns-not-ascii"],
        ),
        case(
            "UTF-8 sip URI",
            Leaf::sans(vec![uri_s("sip:bücher.example"), dns("example.org")]),
            &["example.org/san-dns"],
            &["sip:b\\xc3\\xbccher.example/san-uri/uri-unparsable"],
        ),
        // Pitfall 3: an unknown tag [9] and pitfall 4, an empty SAN SEQUENCE, make the
        // certificate malformed (tests/der_strict.rs). A non-UTF-8 rfc822Name is ignored.
        case(
            "non-utf8 rfc822Name is not text, ignored",
            Leaf::sans(vec![raw(0x81, b"a@ex\xff.com"), dns("example.com")]),
            &["example.com/san-dns"],
            &["[1]a@ex\\xff.com/san-other/san-entry-invalid"],
        ),
        // Pitfall 5: several CNs; only the last is a candidate.
        case(
            "two CN RDNs: the last one counts",
            Leaf::default().cn("example.com").cn("evil.com"),
            &["evil.com/cn"],
            &["example.com/cn/cn-not-most-specific"],
        ),
        case(
            "three CN RDNs, last not a host name: no fallback to earlier ones",
            with_subject(
                Leaf::default(),
                name(&[
                    vec![cn_attr("a.example")],
                    vec![cn_attr("b.example")],
                    vec![cn_attr("Example Corp")],
                ]),
            ),
            &[],
            &[
                "a.example/cn/cn-not-most-specific",
                "b.example/cn/cn-not-most-specific",
                "Example Corp/cn/cn-not-dns-name",
            ],
        ),
        // Pitfall 6: BMPString / UniversalString decoded honestly, Teletex refused.
        case(
            "BMPString CN decoded",
            with_subject(
                Leaf::default(),
                name(&[vec![(CN_OID, 0x1E, bmp("Example.COM"))]]),
            ),
            &["example.com/cn"],
            &[],
        ),
        case(
            "BMPString CN with a U-label is not a host name",
            with_subject(
                Leaf::default(),
                name(&[vec![(CN_OID, 0x1E, bmp("bücher.example"))]]),
            ),
            &[],
            &["b\\xc3\\xbccher.example/cn/cn-not-dns-name"],
        ),
        case(
            "BMPString CN with odd length",
            with_subject(
                Leaf::default(),
                name(&[vec![(CN_OID, 0x1E, vec![0, b'a', 0])]]),
            ),
            &[],
            &["\\x00a\\x00/cn/cn-string-type-not-usable"],
        ),
        case(
            "UniversalString CN decoded",
            with_subject(
                Leaf::default(),
                name(&[vec![(
                    CN_OID,
                    0x1C,
                    "a.example"
                        .chars()
                        .flat_map(|c| u32::from(c).to_be_bytes())
                        .collect(),
                )]]),
            ),
            &["a.example/cn"],
            &[],
        ),
        case(
            "TeletexString CN refused",
            with_subject(
                Leaf::default(),
                name(&[vec![(CN_OID, 0x14, b"example.com".to_vec())]]),
            ),
            &[],
            &["example.com/cn/cn-string-type-not-usable"],
        ),
        // Pitfall 7: UTF8String CN with a U-label.
        case(
            "UTF8String CN with a U-label",
            Leaf::default().cn("bücher.example"),
            &[],
            &["b\\xc3\\xbccher.example/cn/cn-not-dns-name"],
        ),
        // Pitfall 8: multi-valued RDN.
        case(
            "CN inside a multi-valued RDN is not a CN-ID",
            with_subject(
                Leaf::default(),
                name(&[vec![
                    cn_attr("example.com"),
                    (O_OID, 0x0C, b"Example".to_vec()),
                ]]),
            ),
            &[],
            &["example.com/cn/cn-multi-valued-rdn"],
        ),
        case(
            "last CN in a multi-valued RDN: no CN identity, the earlier one is not used",
            with_subject(
                Leaf::default(),
                name(&[
                    vec![cn_attr("a.example")],
                    vec![cn_attr("b.example"), (O_OID, 0x0C, b"X".to_vec())],
                ]),
            ),
            &[],
            &[
                "a.example/cn/cn-not-most-specific",
                "b.example/cn/cn-multi-valued-rdn",
            ],
        ),
        // Embedded NULs.
        case(
            "NUL inside a dNSName",
            Leaf::sans(vec![dns("example.com\0.evil.net")]),
            &[],
            &["example.com\\x00.evil.net/san-dns/dns-invalid"],
        ),
        case(
            "NUL inside the CN",
            Leaf::default().cn("example.com\0.evil.net"),
            &[],
            &["example.com\\x00.evil.net/cn/cn-not-dns-name"],
        ),
        case(
            "NUL inside a URI",
            Leaf::sans(vec![uri_s("sip:example.com\0.evil.net")]),
            &[],
            &["sip:example.com\\x00.evil.net/san-uri/uri-unparsable"],
        ),
        // Wildcards and dots.
        case(
            "wildcard shapes",
            Leaf::sans(vec![
                dns("*.example.com"),
                dns(".example.com"),
                dns("f*.example.com"),
                dns("a.*.example.com"),
            ]),
            &[],
            &[
                "*.example.com/san-dns/dns-wildcard",
                ".example.com/san-dns/dns-wildcard",
                "f*.example.com/san-dns/dns-wildcard",
                "a.*.example.com/san-dns/dns-wildcard",
            ],
        ),
        case(
            "trailing dot stripped once, two dots invalid",
            Leaf::sans(vec![dns("example.com."), dns("example.org.."), dns("")]),
            &["example.com/san-dns"],
            &["example.org../san-dns/dns-invalid", "/san-dns/dns-invalid"],
        ),
        case(
            "R19: duplicates collapse case-insensitively, first kept",
            Leaf::sans(vec![
                dns("A.example.com"),
                dns("a.EXAMPLE.com"),
                dns("b.example.com"),
            ]),
            &["a.example.com/san-dns", "b.example.com/san-dns"],
            &[],
        ),
        case(
            "IP-shaped dNSName is not a host name",
            Leaf::sans(vec![dns("192.0.2.1")]),
            &[],
            &["192.0.2.1/san-dns/dns-invalid"],
        ),
        // Other GeneralName types.
        case(
            "email, IP, otherName, directoryName, registeredID are not usable",
            Leaf::sans(vec![
                email("admin@example.com"),
                ip(v4),
                raw(0xA0, &{
                    let mut v = tlv(0x06, &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x07]);
                    v.extend(tlv(0xA0, &tlv(0x16, b"_sip.example.com")));
                    v
                }),
                raw(0xA4, &name(&[vec![cn_attr("example.com")]])),
                raw(0x88, &[0x2A, 0x03]),
            ])
            .cn("example.com"),
            &[],
            &[
                "email:admin@example.com/san-other/san-type-not-usable",
                "192.0.2.1/san-ip/san-type-not-usable",
                "otherName:1.3.6.1.5.5.7.8.7/san-other/san-type-not-usable",
                "dirName:CN=example.com/san-other/san-type-not-usable",
                "registeredID:1.2.3/san-other/san-type-not-usable",
                "example.com/cn/cn-suppressed-by-san",
            ],
        ),
        case(
            "iPAddress of 5 octets",
            Leaf::sans(vec![raw(0x87, &[1, 2, 3, 4, 5])]),
            &[],
            &["IP:\\x01\\x02\\x03\\x04\\x05/san-ip/ip-invalid"],
        ),
        Case {
            case: "allow_ip_literals: iPAddress SANs are identities",
            leaf: Leaf::sans(vec![ip(v4), ip("2001:db8::1".parse().unwrap())]),
            policy: Policy::default().allow_ip_literals(true),
            ids: &["192.0.2.1/san-ip", "2001:db8::1/san-ip"],
            ignored: &[],
        },
        Case {
            case: "CN fallback disabled",
            leaf: Leaf::default().cn("example.com"),
            policy: Policy::default().cn_fallback(false),
            ids: &[],
            ignored: &["example.com/cn/cn-fallback-disabled"],
        },
        Case {
            case: "require_sip_uri ignores DNS SANs and the CN",
            leaf: Leaf::sans(vec![dns("example.com")]),
            policy: Policy::default().require_sip_uri(true),
            ids: &[],
            ignored: &["example.com/san-dns/dns-suppressed-by-policy"],
        },
        Case {
            case: "require_sip_uri, no SAN: CN not used",
            leaf: Leaf::default().cn("example.com"),
            policy: Policy::default().require_sip_uri(true),
            ids: &[],
            ignored: &["example.com/cn/cn-fallback-disabled"],
        },
        case(
            "URI schemes other than sip",
            Leaf::sans(vec![
                uri_s("tel:+15551234567"),
                uri_s("https://example.com/"),
                uri_s("example.com"),
            ]),
            &[],
            &[
                "tel:+15551234567/san-uri/uri-not-sip-scheme",
                "https://example.com//san-uri/uri-not-sip-scheme",
                "example.com/san-uri/uri-unparsable",
            ],
        ),
        case(
            "CN that is a sip URI",
            Leaf::default().cn("sip:example.com"),
            &[],
            &["sip:example.com/cn/cn-not-dns-name"],
        ),
    ]
}

fn uri_s(s: &str) -> pki::San {
    pki::uri(s)
}

#[test]
fn extraction_table() {
    for c in cases() {
        let der = c.leaf.der();
        let got = extract_identities(&der, &c.policy)
            .unwrap_or_else(|e| panic!("{}: extract_identities failed: {e}", c.case));
        let ids: Vec<String> = got
            .identities()
            .iter()
            .map(|i| format!("{}/{}", i.name(), i.source().code()))
            .collect();
        let ignored: Vec<String> = got
            .ignored()
            .iter()
            .map(|i| format!("{}/{}/{}", i.value(), i.source().code(), i.reason().code()))
            .collect();
        assert_eq!(
            ids, c.ids,
            "{}: identities of {:?} under {:?}",
            c.case, c.leaf, c.policy
        );
        assert_eq!(
            ignored, c.ignored,
            "{}: ignored names of {:?}",
            c.case, c.leaf
        );
    }
}

/// Every ignore code this module can produce appears in the table above (or in
/// identity_vectors.rs for the URI codes); `outside-name-constraints` is set by the chain
/// checker, not by extraction.
#[test]
fn every_ignore_code_is_covered() {
    let mut seen = std::collections::BTreeSet::new();
    for c in cases() {
        for i in c.ignored {
            seen.insert(i.rsplit('/').next().unwrap().to_owned());
        }
    }
    let elsewhere = [
        "uri-has-user-part",
        "uri-host-is-ip",
        "dns-suppressed-by-sip-uri",
        "outside-name-constraints",
    ];
    for reason in IgnoreReason::ALL {
        let code = reason.code();
        assert!(
            seen.contains(code) || elsewhere.contains(&code),
            "ignore code {code} has no test row"
        );
    }
}

#[test]
fn malformed_certificates() {
    let good = Leaf::sans(vec![dns("example.com")]).der();
    let mut trailing = good.clone();
    trailing.push(0x00);
    let mut dup = Leaf::sans(vec![dns("example.com")]);
    dup.extra
        .push((vec![2, 5, 29, 17], san_value(&[dns("evil.com")])));
    let mut not_seq = Leaf::default();
    not_seq.extra.push((vec![2, 5, 29, 17], vec![0x04, 0x00]));
    let empty_san = Leaf {
        sans: Some(vec![]),
        ..Leaf::default()
    }
    .cn("example.com");
    let cases: [(&str, Vec<u8>, &str); 6] = [
        (
            "trailing data after the certificate",
            trailing,
            "TrailingData",
        ),
        ("duplicate SAN extension", dup.der(), "DuplicateSan"),
        (
            "SAN that is not a SEQUENCE",
            not_seq.der(),
            "NonCanonical { field: \"subjectAltName\"",
        ),
        (
            "empty SAN SEQUENCE (GeneralNames is SIZE 1..MAX): no CN fallback either",
            empty_san.der(),
            "NonCanonical { field: \"subjectAltName\"",
        ),
        ("empty input", Vec::new(), "NotACertificate"),
        (
            "truncated",
            good[..good.len() - 1].to_vec(),
            "NonCanonical { field: \"certificate\"",
        ),
    ];
    for (what, der, want) in cases {
        let got = extract_identities(&der, &Policy::default());
        let err = got.expect_err(what);
        assert!(format!("{err:?}").starts_with(want), "{what}: {err:?}");
        assert_eq!(err.code(), "cert-malformed", "{what}");
        let reference =
            sipcert::Reference::Domain(sipcert::DomainName::from_ascii("example.com").unwrap());
        let v =
            sipcert::check_end_entity(&der, &reference, sipcert::Role::Server, &Policy::default());
        let r = v.rejected().unwrap_or_else(|| panic!("{what}: accepted"));
        assert_eq!(
            r.reasons()[0].code().code(),
            "cert-malformed",
            "{what}: {r}"
        );
    }
    assert!(extract_identities(&good, &Policy::default()).is_ok());
}

#[test]
fn rcgen_two_cn_types_are_both_seen() {
    // rcgen's BMPString CN through its own API, after a UTF8String CN.
    let mut l = Leaf::default().cn("a.example");
    l.cns
        .push(DnValue::BmpString("b.example".try_into().unwrap()));
    let got = extract_identities(&l.der(), &Policy::default()).unwrap();
    let ids: Vec<String> = got
        .identities()
        .iter()
        .map(|i| i.name().to_string())
        .collect();
    assert_eq!(ids, ["b.example"], "{got:?}");
}
