//! RFC 5922 identity extraction and matching: vectors V1–V37 and V40 of rfc-notes §10.1, one
//! table. Certificates are generated with rcgen; SANs are hand-encoded so that shapes rcgen
//! refuses (raw UTF-8, `sip:` as written, IP hosts) can be expressed.
//!
//! The V-table assumes CN fallback off unless a row says otherwise; decisions.md makes it on
//! by default, so every row sets its policy explicitly through `base()`.
//!
//! V38 (expired) and V39 (unknown root) are chain rows: the chain engineer covers them.
//!
//! Where this table deliberately differs from the notes' "Ids" column:
//! - V14/V15: the notes list `{*.example.com}` / `{.example.com}` as literal identities. Here
//!   wildcard-shaped dNSNames are never identities (ignored as `dns-wildcard`): `*` and a
//!   leading `.` are not host-name syntax (R16 allows either choice; the match result is the
//!   same reject), and this keeps them available for the wildcard hint and
//!   `danger::allow_wildcards`.
//! - V2: the notes write `{EXAMPLE.COM}`; identities are normalized to lower case.
//! - V36: ignored as `uri-has-user-part`, not as unparsable (see the row).

use sipcert::{check_end_entity, danger, DomainName, Policy, Reference, Role, Verdict};
use sipcert_testkit::pki::{dns, email, ip, raw_dns, uri, Leaf, San};
use sipcert_testkit::verdict_codes;

/// The V-table default: CN fallback off.
fn base() -> Policy {
    Policy::default().cn_fallback(false)
}

fn d(s: &str) -> Reference {
    Reference::Domain(DomainName::from_ascii(s).unwrap())
}

fn ipr(s: &str) -> Reference {
    Reference::Ip(s.parse().unwrap())
}

struct Row {
    id: &'static str,
    sans: Option<Vec<San>>,
    cn: Option<&'static str>,
    policy: Policy,
    /// The AUS the reference comes from (documentation; see `aus_gives_the_reference`).
    aus: &'static str,
    reference: Reference,
    accept: bool,
    ids: &'static [&'static str],
    /// Reject codes (empty for accept).
    reasons: &'static [&'static str],
    hints: &'static [&'static str],
    /// Relaxations (accept only).
    relaxations: &'static [&'static str],
    /// Ignore codes, in certificate order.
    ignored: &'static [&'static str],
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: &'static str,
    sans: Option<Vec<San>>,
    cn: Option<&'static str>,
    policy: Policy,
    aus: &'static str,
    reference: Reference,
    accept: bool,
    ids: &'static [&'static str],
) -> Row {
    Row {
        id,
        sans,
        cn,
        policy,
        aus,
        reference,
        accept,
        ids,
        reasons: &[],
        hints: &[],
        relaxations: &[],
        ignored: &[],
    }
}

impl Row {
    fn reasons(mut self, r: &'static [&'static str]) -> Self {
        self.reasons = r;
        self
    }
    fn hints(mut self, h: &'static [&'static str]) -> Self {
        self.hints = h;
        self
    }
    fn relaxed(mut self, r: &'static [&'static str]) -> Self {
        self.relaxations = r;
        self
    }
    fn ignored(mut self, i: &'static [&'static str]) -> Self {
        self.ignored = i;
        self
    }
}

const ACCEPT: bool = true;
const REJECT: bool = false;

#[rustfmt::skip]
#[allow(clippy::too_many_lines)]
fn rows() -> Vec<Row> {
    let ex = || d("example.com");
    let s = |v: Vec<San>| Some(v);
    let ip4 = |a: &str| ip(a.parse().unwrap());
    vec![
        row("V1", s(vec![uri("sip:example.com")]), None, base(), "sips:alice@example.com", ex(), ACCEPT, &["example.com/san-uri"]),
        row("V2", s(vec![uri("SIP:EXAMPLE.COM")]), None, base(), "sip:bob@example.com", ex(), ACCEPT, &["example.com/san-uri"]),
        row("V3", s(vec![uri("sips:example.com")]), None, base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-sips-uri-would-match"]).ignored(&["uri-not-sip-scheme"]),
        row("V4", s(vec![uri("sip:alice@example.com")]), None, base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-user-part-uri-would-match"]).ignored(&["uri-has-user-part"]),
        row("V5", s(vec![uri("sip:example.com:5061;transport=tls?x=y")]), None, base(), "sip:example.com", ex(), ACCEPT, &["example.com/san-uri"]),
        row("V6", s(vec![uri("sip:a.example.com"), dns("b.example.com")]), None, base(), "sip:b.example.com", d("b.example.com"), REJECT, &["a.example.com/san-uri"])
            .reasons(&["no-matching-identity"]).hints(&["hint-suppressed-dns-would-match"]).ignored(&["dns-suppressed-by-sip-uri"]),
        row("V7", s(vec![uri("sip:a.example.com"), dns("b.example.com")]), None, base(), "sip:a.example.com", d("a.example.com"), ACCEPT, &["a.example.com/san-uri"])
            .ignored(&["dns-suppressed-by-sip-uri"]),
        row("V8", s(vec![uri("sip:alice@example.com"), dns("example.com")]), None, base(), "sip:example.com", ex(), ACCEPT, &["example.com/san-dns"])
            .ignored(&["uri-has-user-part"]),
        row("V9", s(vec![uri("sips:example.com"), dns("example.com")]), None, base(), "sip:example.com", ex(), ACCEPT, &["example.com/san-dns"])
            .ignored(&["uri-not-sip-scheme"]),
        row("V10", s(vec![uri("https://example.com/"), dns("example.com")]), None, base(), "sip:example.com", ex(), ACCEPT, &["example.com/san-dns"])
            .ignored(&["uri-not-sip-scheme"]),
        row("V11", s(vec![dns("example.com")]), None, base(), "sip:EXAMPLE.com", d("EXAMPLE.com"), ACCEPT, &["example.com/san-dns"]),
        row("V12", s(vec![dns("example.com")]), None, base(), "sip:foo.example.com", d("foo.example.com"), REJECT, &["example.com/san-dns"])
            .reasons(&["no-matching-identity"]).hints(&["hint-suffix-only"]),
        row("V13", s(vec![dns("foo.example.com")]), None, base(), "sip:example.com", ex(), REJECT, &["foo.example.com/san-dns"])
            .reasons(&["no-matching-identity"]).hints(&["hint-host-within-domain"]),
        row("V14", s(vec![dns("*.example.com")]), None, base(), "sip:foo.example.com", d("foo.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-wildcard-would-match"]).ignored(&["dns-wildcard"]),
        row("V15", s(vec![dns(".example.com")]), None, base(), "sip:foo.example.com", d("foo.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["dns-wildcard"]),
        row("V16", s(vec![uri("sip:*.example.com")]), None, base(), "sip:foo.example.com", d("foo.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["uri-unparsable"]),
        row("V17", s(vec![dns("example.com.evil.net")]), None, base(), "sip:example.com", ex(), REJECT, &["example.com.evil.net/san-dns"])
            .reasons(&["no-matching-identity"]),
        row("V18", s(vec![email("a@example.com"), ip4("192.0.2.1")]), Some("example.com"), base().cn_fallback(true), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-cn-would-match"])
            .ignored(&["san-type-not-usable", "san-type-not-usable", "cn-suppressed-by-san"]),
        row("V19", None, Some("example.com"), base().cn_fallback(true), "sip:example.com", ex(), ACCEPT, &["example.com/cn"])
            .relaxed(&["cn-fallback"]),
        row("V20", None, Some("example.com"), base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-cn-would-match"]).ignored(&["cn-fallback-disabled"]),
        row("V21", None, Some("Example Corp"), base().cn_fallback(true), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["cn-not-dns-name"]),
        row("V22", s(vec![dns("other.example.net")]), Some("example.com"), base().cn_fallback(true), "sip:example.com", ex(), REJECT, &["other.example.net/san-dns"])
            .reasons(&["no-matching-identity"]).hints(&["hint-cn-would-match"]).ignored(&["cn-suppressed-by-san"]),
        row("V23", s(vec![dns("xn--bcher-kva.example")]), None, base(), "sip:XN--BCHER-KVA.example", d("XN--BCHER-KVA.example"), ACCEPT, &["xn--bcher-kva.example/san-dns"]),
        row("V24", s(vec![dns("xn--bcher-kva.example")]), None, base(), "(U-label reference bücher.example)",
            Reference::Domain(DomainName::from_user_input("bücher.example").unwrap()), ACCEPT, &["xn--bcher-kva.example/san-dns"]),
        row("V25", s(vec![raw_dns("exämple.com".as_bytes())]), None, base(), "sip:xn--exmple-cua.com", d("xn--exmple-cua.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["dns-not-ascii"]),
        row("V26", s(vec![dns("sip1.provider.net")]), None, base(), "sips:alice@example.com", ex(), REJECT, &["sip1.provider.net/san-dns"])
            .reasons(&["no-matching-identity"]),
        row("V26-srv", s(vec![dns("sip1.provider.net")]), None,
            base().with_secure_srv_target(DomainName::from_ascii("sip1.provider.net").unwrap()),
            "sips:alice@example.com", ex(), ACCEPT, &["sip1.provider.net/san-dns"])
            .relaxed(&["secure-srv-target"]),
        row("V27", s(vec![uri("sip:example.com")]), None, base(), "sips:alice@example.com", ex(), ACCEPT, &["example.com/san-uri"]),
        row("V28", s(vec![dns("example.com")]), None, base(), "sip:example.com;maddr=proxy.example.net", ex(), ACCEPT, &["example.com/san-dns"]),
        row("V29", s(vec![dns("proxy.example.net")]), None, base(), "sip:example.com;maddr=proxy.example.net", ex(), REJECT, &["proxy.example.net/san-dns"])
            .reasons(&["no-matching-identity"]),
        row("V30", s(vec![ip4("192.0.2.10")]), None, base(), "sip:192.0.2.10", ipr("192.0.2.10"), REJECT, &[])
            .reasons(&["reference-is-ip-literal"]).ignored(&["san-type-not-usable"]),
        row("V30-ip", s(vec![ip4("192.0.2.10")]), None, base().allow_ip_literals(true), "sip:192.0.2.10", ipr("192.0.2.10"), ACCEPT, &["192.0.2.10/san-ip"])
            .relaxed(&["ip-literal"]),
        row("V31", s(vec![uri("sip:[2001:db8::1]")]), None, base(), "sip:[2001:db8:0::1]", ipr("2001:db8:0::1"), REJECT, &[])
            .reasons(&["reference-is-ip-literal"]).ignored(&["uri-host-is-ip"]),
        row("V31-ip", s(vec![uri("sip:[2001:db8::1]")]), None, base().allow_ip_literals(true), "sip:[2001:db8:0::1]", ipr("2001:db8:0::1"), ACCEPT, &["2001:db8::1/san-uri"])
            .relaxed(&["ip-literal"]),
        row("V32", s(vec![uri("sip:example.com")]), None, base(), "sip:example.com.", d("example.com."), ACCEPT, &["example.com/san-uri"]),
        row("V33", s(vec![uri("sip:a.example"), uri("sip:b.example"), uri("sip:example.com")]), None, base(), "sip:example.com", ex(), ACCEPT,
            &["a.example/san-uri", "b.example/san-uri", "example.com/san-uri"]),
        row("V34", s(vec![uri("tel:+15551234567")]), None, base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["uri-not-sip-scheme"]),
        row("V35", s(vec![uri("sip:ex%61mple.com")]), None, base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["uri-unparsable"]),
        // V36: the notes call this unparsable (R14); under RFC 3261 §25.1 the `@` makes
        // `example.com?to=sip:bob` a userinfo (user-unreserved allows `?` and `=`), which is the
        // parser's reading (U33). Either way it is not an identity: reject, as V36 requires.
        row("V36", s(vec![uri("sip:example.com?to=sip:bob@example.com")]), None, base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-user-part-uri-would-match"]).ignored(&["uri-has-user-part"]),
        row("V37", s(vec![uri("sip:"), uri("sip:exa mple.com")]), None, base(), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["uri-unparsable", "uri-unparsable"]),
        // V38, V39: chain rows (expired, unknown root), covered by the chain engineer's tests.
        row("V40", s(vec![dns("sip.atlanta.com")]), None, base(), "sip:atlanta.com", d("atlanta.com"), REJECT, &["sip.atlanta.com/san-dns"])
            .reasons(&["no-matching-identity"]).hints(&["hint-host-within-domain"]),
        // danger::allow_wildcards (RFC 6125 single left-most label).
        row("W1", s(vec![dns("*.example.com")]), None, danger::allow_wildcards(base()), "sip:foo.example.com", d("foo.example.com"), ACCEPT, &[])
            .relaxed(&["wildcard"]).ignored(&["dns-wildcard"]),
        row("W2", s(vec![dns("*.example.com")]), None, danger::allow_wildcards(base()), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["dns-wildcard"]),
        row("W3", s(vec![dns("*.example.com")]), None, danger::allow_wildcards(base()), "sip:a.b.example.com", d("a.b.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["dns-wildcard"]),
        row("W4", s(vec![dns("f*.example.com")]), None, danger::allow_wildcards(base()), "sip:foo.example.com", d("foo.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["dns-wildcard"]),
        row("W5", s(vec![uri("sip:other.example"), dns("*.example.com")]), None, danger::allow_wildcards(base()), "sip:foo.example.com", d("foo.example.com"), REJECT, &["other.example/san-uri"])
            .reasons(&["no-matching-identity"]).ignored(&["dns-wildcard"]),
        row("W6", s(vec![dns("*.com")]), None, danger::allow_wildcards(base()), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["dns-wildcard"]),
        // require_sip_uri (D14) and the suppressed-DNS hint under it.
        row("P1", s(vec![dns("example.com")]), None, base().require_sip_uri(true), "sip:example.com", ex(), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-suppressed-dns-would-match"]).ignored(&["dns-suppressed-by-policy"]),
        // An IP-literal AUS has no SRV lookup (RFC 3263 §4.2): the SRV target never stands in.
        row("S1", s(vec![dns("sip1.provider.net")]), None,
            base().allow_ip_literals(true).with_secure_srv_target(DomainName::from_ascii("sip1.provider.net").unwrap()),
            "sip:192.0.2.10", ipr("192.0.2.10"), REJECT, &["sip1.provider.net/san-dns"])
            .reasons(&["no-matching-identity"]),
        // Suffix without a label boundary.
        row("H1", s(vec![dns("example.com")]), None, base(), "sip:myexample.com", d("myexample.com"), REJECT, &["example.com/san-dns"])
            .reasons(&["no-matching-identity"]).hints(&["hint-suffix-only"]),
        // The CN identity, reference elsewhere: no hint.
        row("H2", None, Some("example.com"), base().cn_fallback(true), "sip:other.example", d("other.example"), REJECT, &["example.com/cn"])
            .reasons(&["no-matching-identity"]),
        // The certificate names the SRV target of an insecure SRV answer: a hint, never a match.
        row("H3", s(vec![dns("sip1.provider.net")]), None, base().with_insecure_srv_target(DomainName::from_ascii("sip1.provider.net").unwrap()), "sip:example.com", ex(), REJECT, &["sip1.provider.net/san-dns"])
            .reasons(&["no-matching-identity"]).hints(&["hint-srv-target-would-match"]),
        // Without the insecure target there is nothing to say.
        row("H4", s(vec![dns("sip1.provider.net")]), None, base(), "sip:example.com", ex(), REJECT, &["sip1.provider.net/san-dns"])
            .reasons(&["no-matching-identity"]),
        // A wildcard CN that would be the CN identity: the wildcard hint.
        row("H5", None, Some("*.example.com"), base().cn_fallback(true), "sip:sip.example.com", d("sip.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).hints(&["hint-wildcard-would-match"]).ignored(&["cn-not-dns-name"]),
        // The same CN where the CN is not consulted at all (fallback off): no hint.
        row("H6", None, Some("*.example.com"), base(), "sip:sip.example.com", d("sip.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["cn-fallback-disabled"]),
        // A wildcard CN that does not cover the reference (two labels deep): no hint.
        row("H7", None, Some("*.example.com"), base().cn_fallback(true), "sip:a.b.example.com", d("a.b.example.com"), REJECT, &[])
            .reasons(&["no-identities"]).ignored(&["cn-not-dns-name"]),
    ]
}

/// (identities, reasons, hints, relaxations, ignore codes)
type Summary = (
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
);

fn summary(v: &Verdict) -> Summary {
    let ids = v
        .identities()
        .iter()
        .map(|i| format!("{}/{}", i.name(), i.source().code()))
        .collect();
    let ignored = v
        .ignored()
        .iter()
        .map(|i| i.reason().code().to_owned())
        .collect();
    let (_, reasons, hints, relaxations) = verdict_codes(v);
    (ids, reasons, hints, relaxations, ignored)
}

#[test]
fn identity_vectors() {
    for r in rows() {
        let mut leaf = Leaf {
            sans: r.sans.clone(),
            ..Leaf::default()
        };
        if let Some(cn) = r.cn {
            leaf = leaf.cn(cn);
        }
        let der = leaf.der();
        let v = check_end_entity(&der, &r.reference, Role::Server, &r.policy);
        let ctx = format!(
            "{}: SAN {:?}, CN {:?}, AUS {:?} (reference {}), {:?}\nverdict: {v:?}",
            r.id, r.sans, r.cn, r.aus, r.reference, r.policy
        );
        assert_eq!(v.is_accept(), r.accept, "{ctx}");
        let (ids, reasons, hints, relaxations, ignored) = summary(&v);
        assert_eq!(ids, r.ids, "identities: {ctx}");
        assert_eq!(reasons, r.reasons, "reasons: {ctx}");
        assert_eq!(hints, r.hints, "hints: {ctx}");
        assert_eq!(relaxations, r.relaxations, "relaxations: {ctx}");
        assert_eq!(ignored, r.ignored, "ignored: {ctx}");
        if let Some(rejected) = v.rejected() {
            let text = rejected.to_string();
            assert!(text.contains(&r.reference.to_string()), "{ctx}\n{text}");
            assert!(text.contains("RFC"), "{ctx}\n{text}");
        }
    }
}

/// The `aus` column really yields the row's reference through the RFC 3261 parser.
#[test]
fn aus_gives_the_reference() {
    for r in rows() {
        if !r.aus.starts_with("sip") {
            continue; // V24: a U-label typed by a person, not a URI
        }
        let got = Reference::from_aus(r.aus)
            .unwrap_or_else(|e| panic!("{}: Reference::from_aus({:?}) = {e:?}", r.id, r.aus));
        assert_eq!(
            got, r.reference,
            "{}: Reference::from_aus({:?})",
            r.id, r.aus
        );
    }
    let bad = Reference::from_aus("sip:exa mple.com").unwrap_err();
    assert_eq!(bad.code(), "reference-invalid", "{bad:?}");
    let long = format!("sip:{}.example", "a".repeat(64));
    assert_eq!(
        Reference::from_aus(&long).unwrap_err().code(),
        "reference-invalid"
    );
}

#[test]
fn v40_explains_the_rfc3261_shape() {
    let der = Leaf::sans(vec![dns("sip.atlanta.com")]).der();
    let v = check_end_entity(&der, &d("atlanta.com"), Role::Server, &Policy::default());
    let text = v.rejected().expect("V40 rejects").to_string();
    for needle in [
        "atlanta.com",
        "sip.atlanta.com (san-dns)",
        "RFC 3261 §26.3.2.1",
        "RFC 5922 §7.2 requires the SIP domain itself",
        "hint-host-within-domain",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in: {text}");
    }
}

#[test]
fn display_names_every_part() {
    let sans = vec![
        uri("sip:alice@example.com"),
        uri("sips:example.com"),
        dns("*.example.com"),
        dns("sip.example.com"),
    ];
    let der = Leaf::sans(sans.clone()).der();
    let v = check_end_entity(&der, &d("example.com"), Role::Server, &Policy::default());
    let text = v.rejected().expect("rejects").to_string();
    for needle in [
        "certificate rejected for example.com",
        "[no-matching-identity]",
        "RFC 5922 §7.2",
        "presents sip.example.com (san-dns)",
        "sip:alice@example.com (san-uri: uri-has-user-part)",
        "sips:example.com (san-uri: uri-not-sip-scheme)",
        "*.example.com (san-dns: dns-wildcard)",
        "[hint-host-within-domain]",
        "[hint-user-part-uri-would-match]",
        "[hint-sips-uri-would-match]",
    ] {
        assert!(
            text.contains(needle),
            "SAN {sans:?}: missing {needle:?} in: {text}"
        );
    }
    assert_eq!(
        text.matches("sip.example.com (san-dns)").count(),
        2,
        "{text}"
    );
}

/// Every hint code, and the ignore codes identity_traps.rs leaves to this table, have a row.
#[test]
fn every_hint_code_has_a_row() {
    let rows = rows();
    for hint in sipcert::Hint::ALL {
        if *hint == sipcert::Hint::MissingIntermediate {
            continue; // a path hint: tests/chain_hints.rs
        }
        assert!(
            rows.iter().any(|r| r.hints.contains(&hint.code())),
            "hint {} has no row",
            hint.code()
        );
    }
    for code in [
        "uri-has-user-part",
        "uri-host-is-ip",
        "dns-suppressed-by-sip-uri",
    ] {
        assert!(
            rows.iter().any(|r| r.ignored.contains(&code)),
            "ignore code {code} has no row"
        );
    }
}
