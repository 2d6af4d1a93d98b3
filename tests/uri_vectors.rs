//! URI parse vectors U1–U34 (rfc-notes §10.4), the RFC 3261 §19.1.4 / RFC 5954 §4.2
//! equivalence lists (§4.5), name-addr rules (R64), and hostile input (R66).
#![allow(clippy::format_collect)] // test code, written before the workspace lint wall

use sipcert::uri::{Host, NameAddr, Scheme, SipUri, Transport, UriErrorKind};

/// (id, input, Ok((user, password, host, port)) or Err(error code))
type Fields = (
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    Option<u16>,
);
const VECTORS: &[(&str, &str, Result<Fields, &str>)] = &[
    ("U1", "sip:alice@atlanta.com", Ok((Some("alice"), None, "atlanta.com", None))),
    ("U2", "sip:alice:secretword@atlanta.com;transport=tcp", Ok((Some("alice"), Some("secretword"), "atlanta.com", None))),
    ("U3", "sips:alice@atlanta.com?subject=project%20x&priority=urgent", Ok((Some("alice"), None, "atlanta.com", None))),
    ("U4", "sip:+1-212-555-1212:1234@gateway.com;user=phone", Ok((Some("+1-212-555-1212"), Some("1234"), "gateway.com", None))),
    ("U5", "sips:1212@gateway.com", Ok((Some("1212"), None, "gateway.com", None))),
    ("U6", "sip:alice@192.0.2.4", Ok((Some("alice"), None, "192.0.2.4", None))),
    ("U7", "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com", Ok((None, None, "atlanta.com", None))),
    ("U8", "sip:alice;day=tuesday@atlanta.com", Ok((Some("alice;day=tuesday"), None, "atlanta.com", None))),
    ("U9", "sip:alice@atlanta.com;maddr=239.255.255.1;ttl=15", Ok((Some("alice"), None, "atlanta.com", None))),
    ("U10", "sip:@example.com", Err("empty-user")),
    ("U11", "sip:example.com:", Err("invalid-port")),
    ("U12", "sip:ex%61mple.com", Err("invalid-host")),
    ("U13", "sip:exa_mple.com", Err("invalid-host")),
    ("U14", "sip:example..com", Err("invalid-host")),
    ("U15", "sip:example.com.", Ok((None, None, "example.com.", None))),
    ("U16", "sip:example.123", Err("invalid-host")),
    ("U17", "sip:1example.com", Ok((None, None, "1example.com", None))),
    ("U18", "sip:bob@444.555.666.777", Err("invalid-ipv4")),
    ("U19", "sip:bob@192.00.02.128", Err("invalid-ipv4")),
    ("U20", "sip:[::1]", Ok((None, None, "[::1]", None))),
    ("U21", "sip:[::1]:5061", Ok((None, None, "[::1]", Some(5061)))),
    ("U22", "sip:[2001:db8::10", Err("unterminated-ipv6")),
    ("U23", "sip:2001:db8::10", Err("unbracketed-ipv6")),
    ("U24", "sip:[2001:db8::10:5070]", Ok((None, None, "[2001:db8::10:5070]", None))),
    // D4: strict by default (RFC 5954 §4.1 over RFC 5118 §4.10).
    ("U25", "sip:user@[2001:db8:::192.0.2.1]", Err("invalid-ipv6")),
    ("U26", "sips:alice@atlanta.com;transport=udp", Err("sips-over-udp")),
    ("U27", "sip:example.com;lr;lr", Err("duplicate-param")),
    ("U28", "sip:example.com;ttl=256", Err("invalid-param-value")),
    ("U29", "sip:user@example.com; lr", Err("invalid-byte")),
    ("U30", "<sip:user@example.com>", Err("invalid-scheme")),
    ("U31", "SIP:ALICE@AtLanTa.CoM;Transport=udp", Ok((Some("ALICE"), None, "AtLanTa.CoM", None))),
    ("U32", "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", Ok((None, None, "biloxi.com", None))),
    // U33: rfc-notes expects a rejection "for the unescaped @ in the header value", but the
    // first '@' ends a valid userinfo ("example.com?to=sip" : "bob"), so the strict grammar
    // reads this as user "example.com?to=sip", password "bob", host "example.com". As a
    // certificate SAN it is still never an identity (it has a user part: R12, V36).
    ("U33", "sip:example.com?to=sip:bob@example.com", Ok((Some("example.com?to=sip"), Some("bob"), "example.com", None))),
    ("U34", "sip:example.com:99999", Err("port-out-of-range")),
    // More of R54–R63.
    ("R54", "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
        Ok((Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"), Some("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"), "example.com", None))),
    ("R56a", "sip:-example.com", Err("invalid-host")),
    ("R57a", "sip:example.com:5061", Ok((None, None, "example.com", Some(5061)))),
    ("R57b", "sip:example.com:0", Ok((None, None, "example.com", Some(0)))),
    ("R57c", "sip:example.com:65535", Ok((None, None, "example.com", Some(65535)))),
    ("R57d", "sip:example.com:65536", Err("port-out-of-range")),
    ("R57e", "sip:example.com:99999999999999999999999", Err("port-out-of-range")),
    ("R58a", "sip:[2001:db8::10]:5070", Ok((None, None, "[2001:db8::10]", Some(5070)))),
    ("R58b", "sip:ted@[::ffff:192.0.2.2]", Ok((Some("ted"), None, "[::ffff:192.0.2.2]", None))),
    ("R58c", "sip:[fe80::1%25eth0]", Err("invalid-ipv6")),
    ("R59a", "sip:vivekg@chair-dnrc.example.com;unknownparam", Ok((Some("vivekg"), None, "chair-dnrc.example.com", None))),
    ("R59b", "sip:example.com;LR;lr", Err("duplicate-param")),
    ("R59c", "sip:example.com;lr;%6C%72", Err("duplicate-param")),
    ("R59d", "sip:example.com;maddr=not_a_host", Err("invalid-param-value")),
    ("R59e", "sip:example.com;ttl=", Err("invalid-param")),
    ("R59f", "sip:example.com;transport=%22", Err("invalid-param-value")),
    ("R59g", "sip:example.com;method=REG%20ISTER", Err("invalid-param-value")),
    ("R59h", "sip:example.com;ttl=0", Ok((None, None, "example.com", None))),
    ("R63a", "sips:a@b.example;transport=%75dp", Err("sips-over-udp")),
    ("R63b", "sips:a@b.example;transport=tcp", Ok((Some("a"), None, "b.example", None))),
    ("esc", "sip:a@b.example;x=%4", Err("invalid-escape")),
    ("ctl", "sip:a@b.example\r\n", Err("invalid-byte")),
    ("nul", "sip:a\0@b.example", Err("invalid-byte")),
    ("hdr", "sip:a@b.example?x", Err("invalid-header")),
    ("hdr-empty-value", "sip:a@b.example?x=", Ok((Some("a"), None, "b.example", None))),
    ("scheme-other", "tel:+15551234", Err("not-sip-scheme")),
    ("scheme-bad", "s:ip", Err("not-sip-scheme")),
    ("no-scheme", "example.com", Err("invalid-scheme")),
    ("empty", "", Err("empty")),
    ("pw-colon", "sip:a:b:c@example.com", Err("invalid-password")),
    ("two-at", "sip:a@b@example.com", Err("invalid-host")),
    ("host-missing", "sip:alice@", Err("empty-host")),
    ("host-missing-param", "sip:;lr", Err("empty-host")),
];

#[test]
fn parse_vectors() {
    for &(id, input, expected) in VECTORS {
        let got = SipUri::parse(input).map(|u| {
            (
                u.user().map(|e| e.as_str()),
                u.password().map(|e| e.as_str()),
                u.host_str(),
                u.port(),
            )
        });
        let got = got.map_err(|e| e.code());
        assert_eq!(got, expected, "{id}: SipUri::parse({input:?})");
    }
}

#[test]
fn accessors() {
    let u = SipUri::parse("sip:alice@atlanta.com;maddr=239.255.255.1;ttl=15").unwrap();
    assert_eq!(u.ttl(), Some(15));
    assert_eq!(
        u.maddr(),
        Some(Host::Ipv4("239.255.255.1".parse().unwrap()))
    );
    // maddr never changes the reference identity (D6, R30).
    let u = SipUri::parse("sip:example.com;maddr=proxy.example.net").unwrap();
    assert_eq!(u.reference_domain().unwrap().as_str(), "example.com");

    let u = SipUri::parse("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31").unwrap();
    assert_eq!(&*u.user().unwrap().decode(), b"caller");
    assert!(u.lr(), "escaped lr is lr");
    assert_eq!(
        &*u.param("name").unwrap().value().unwrap().decode(),
        b"value%41"
    );

    let u = SipUri::parse("sip:null-%00-null@example.com").unwrap();
    assert_eq!(&*u.user().unwrap().decode(), b"null-\0-null");

    let u = SipUri::parse("SIP:ALICE@AtLanTa.CoM;Transport=udp").unwrap();
    assert_eq!(u.scheme(), Scheme::Sip);
    assert_eq!(u.transport(), Some(Transport::Udp));
    assert_eq!(u.reference_domain().unwrap().as_str(), "atlanta.com");

    let u = SipUri::parse("sips:alice@atlanta.com?subject=project%20x&priority=urgent").unwrap();
    let headers: Vec<_> = u
        .headers()
        .map(|h| (h.name().as_str(), h.value().as_str()))
        .collect();
    assert_eq!(
        headers,
        [("subject", "project%20x"), ("priority", "urgent")]
    );

    let u = SipUri::parse("sip:[2001:db8::10:5070]").unwrap();
    assert_eq!(u.port(), None);
    assert_eq!(u.host(), Host::Ipv6("2001:db8::10:5070".parse().unwrap()));
    assert_eq!(
        u.reference_domain().map_err(|e| e.code()),
        Err("reference-is-ip-literal")
    );

    // One trailing dot is removed from the reference domain (D5).
    let u = SipUri::parse("sip:Example.COM.").unwrap();
    assert_eq!(u.reference_domain().unwrap().as_str(), "example.com");
    // A grammatical host that is not a DNS name (label over 63 octets).
    let long = format!("sip:{}.example", "a".repeat(64));
    let u = SipUri::parse(&long).unwrap();
    assert_eq!(
        u.reference_domain().map_err(|e| e.code()),
        Err("reference-invalid")
    );
}

#[test]
fn request_uri_context() {
    assert!(SipUri::parse_request_uri("sip:user@example.com").is_ok());
    let e =
        SipUri::parse_request_uri("sip:user@example.com?Route=%3Csip:example.com%3E").unwrap_err();
    assert_eq!(e.kind(), UriErrorKind::NotAllowedInContext);
    assert_eq!(e.offset(), 20);
}

/// RFC 3261 §19.1.4 and RFC 5954 §4.2 (rfc-notes §4.5).
const EQUIVALENT: &[(&str, &str)] = &[
    (
        "sip:%61lice@atlanta.com;transport=TCP",
        "sip:alice@AtLanTa.CoM;Transport=tcp",
    ),
    ("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"),
    ("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
    (
        "sip:carol@chicago.com;newparam=5",
        "sip:carol@chicago.com;security=on",
    ),
    (
        "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
        "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com",
    ),
    (
        "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
        "sip:alice@atlanta.com?priority=urgent&subject=project%20x",
    ),
    ("sip:bob@[::ffff:192.0.2.128]", "sip:bob@[::ffff:c000:280]"),
    ("sip:bob@[2001:db8::9:1]", "sip:bob@[2001:db8::9:01]"),
    (
        "sip:bob@[0:0:0:0:0:FFFF:129.144.52.38]",
        "sip:bob@[::FFFF:129.144.52.38]",
    ),
];

const NOT_EQUIVALENT: &[(&str, &str)] = &[
    (
        "SIP:ALICE@AtLanTa.CoM;Transport=udp",
        "sip:alice@AtLanTa.CoM;Transport=UDP",
    ),
    ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
    ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
    (
        "sip:bob@biloxi.com",
        "sip:bob@biloxi.com:6000;transport=tcp",
    ),
    (
        "sip:carol@chicago.com",
        "sip:carol@chicago.com?Subject=next%20meeting",
    ),
    ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
    (
        "sip:carol@chicago.com;security=on",
        "sip:carol@chicago.com;security=off",
    ),
    ("sip:alice@example.com", "sips:alice@example.com"),
    (
        "sip:alice;day=tuesday@atlanta.com",
        "sip:alice%3Bday=tuesday@atlanta.com",
    ),
    ("sip:a@b.example;lr", "sip:a@b.example;lr=on"),
    ("sip:a@b.example;maddr=1.2.3.4", "sip:a@b.example"),
    ("sip:a@b.example;ttl=1", "sip:a@b.example"),
    ("sip:a@b.example;method=INVITE", "sip:a@b.example"),
    ("sip:a@b.example;user=phone", "sip:a@b.example"),
];

#[test]
fn equivalence() {
    for &(a, b) in EQUIVALENT {
        let (x, y) = (SipUri::parse(a).unwrap(), SipUri::parse(b).unwrap());
        assert!(x.equivalent(&y), "{a} ≡ {b}");
        assert!(y.equivalent(&x), "{b} ≡ {a}");
    }
    for &(a, b) in NOT_EQUIVALENT {
        let (x, y) = (SipUri::parse(a).unwrap(), SipUri::parse(b).unwrap());
        assert!(!x.equivalent(&y), "{a} ≢ {b}");
        assert!(!y.equivalent(&x), "{b} ≢ {a}");
    }
}

#[test]
fn name_addr() {
    let v = NameAddr::parse("sip:+19725552222@gw1.example.net;unknownparam").unwrap();
    assert!(!v.is_name_addr());
    assert_eq!(v.uri().as_str(), "sip:+19725552222@gw1.example.net");
    assert_eq!(
        v.params().map(|p| p.name).collect::<Vec<_>>(),
        ["unknownparam"]
    );

    let v = NameAddr::parse("<sip:+19725552222@gw1.example.net;unknownparam>").unwrap();
    assert_eq!(v.uri().sip().unwrap().params().count(), 1);
    assert_eq!(v.params().count(), 0);

    let v =
        NameAddr::parse("\"Watson, Thomas\" <sip:t.watson@example.org>;tag=abc ; q = 0.5").unwrap();
    assert_eq!(v.display_name(), Some("\"Watson, Thomas\""));
    let params: Vec<_> = v.params().map(|p| (p.name, p.value)).collect();
    assert_eq!(params, [("tag", Some("abc")), ("q", Some("0.5"))]);

    let v = NameAddr::parse("caller<sip:caller@example.com>").unwrap();
    assert_eq!(v.display_name(), Some("caller"));
    let v = NameAddr::parse("Bob  Smith <tel:+15551234>").unwrap();
    assert_eq!(v.display_name(), Some("Bob  Smith"));
    assert_eq!(v.uri().sip(), None);

    for bad in [
        "\"Watson, Thomas\" < sip:t.watson@example.org >",
        "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
        "<sip:user@example.com",
        "\"unterminated <sip:a@b.example>",
        "<sip:a@b.example>;",
        "<sip:a@b.example>;tag=",
        "<sip:a@b.example> junk",
    ] {
        assert!(
            NameAddr::parse(bad).is_err(),
            "NameAddr::parse({bad:?}) should fail"
        );
    }

    let list = NameAddr::parse_list("<sip:p1.example.com;lr>, <sip:p2.example.com;lr>").unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].uri().sip().unwrap().host_str(), "p2.example.com");
}

/// R66: hostile input gives a typed error or a correct parse, never a panic, in linear time.
#[test]
fn hostile_input() {
    let mib = 1 << 20;
    // A 1 MiB user part parses (the grammar sets no limit).
    let user = "a".repeat(mib);
    let s = format!("sip:{user}@example.com");
    let u = SipUri::parse(&s).unwrap();
    assert_eq!(u.user().unwrap().as_str().len(), mib);
    // A 1 MiB host name is grammatical but not a DNS name.
    let s = format!("sip:{}.example", "a".repeat(mib));
    let u = SipUri::parse(&s).unwrap();
    assert_eq!(
        u.reference_domain().map_err(|e| e.code()),
        Err("reference-invalid")
    );
    // 100 000 parameters: a typed error at the limit.
    let s = format!(
        "sip:example.com{}",
        (0..100_000).map(|i| format!(";p{i}")).collect::<String>()
    );
    assert_eq!(
        SipUri::parse(&s).unwrap_err().kind(),
        UriErrorKind::TooManyParams
    );
    // 100 000 copies of one parameter: a duplicate.
    let s = format!("sip:example.com{}", ";lr".repeat(100_000));
    assert_eq!(
        SipUri::parse(&s).unwrap_err().kind(),
        UriErrorKind::DuplicateParam
    );
    // 1 MiB of '%' and of '[', NULs, non-UTF-8.
    for s in [
        format!("sip:{}", "%".repeat(mib)),
        format!("sip:[{}", "[".repeat(mib)),
        format!("sip:a@b.example?{}", "&".repeat(mib)),
        format!("sip:{}", ":".repeat(mib)),
        "sip:\0".to_owned(),
    ] {
        assert!(SipUri::parse(&s).is_err(), "{}...", &s[..20.min(s.len())]);
    }
    assert_eq!(
        SipUri::parse_bytes(b"sip:caf\xe9@example.com")
            .unwrap_err()
            .kind(),
        UriErrorKind::InvalidByte
    );
    assert_eq!(
        SipUri::parse_bytes(b"sip:a@b.example\xff")
            .unwrap_err()
            .offset(),
        15
    );
    // 1 MiB of headers.
    let s = format!("sip:a@b.example?{}", "h=v&".repeat(mib / 4) + "h=v");
    assert_eq!(SipUri::parse(&s).unwrap().headers().count(), mib / 4 + 1);
    // A 1 MiB name-addr display name.
    let s = format!("\"{}\" <sip:a@b.example>", "x".repeat(mib));
    assert!(NameAddr::parse(&s).is_ok());
}
