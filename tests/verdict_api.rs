//! The public contract other modules rely on: stable codes (decisions.md §2), policy defaults
//! (decisions.md §1), and the constructors the chain checker uses.

use sipcert::{
    check_end_entity, DomainName, EkuMode, Hint, IgnoreReason, Policy, ReasonCode, Reference,
    Rejected, Relaxation, Role, Verdict,
};
use sipcert_testkit::pki::{dns, Leaf};

#[test]
fn reason_codes_are_the_decisions_list() {
    let codes: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(
        codes,
        [
            "no-identities",
            "no-matching-identity",
            "reference-is-ip-literal",
            "reference-invalid",
            "eku-not-permitted",
            "chain-expired",
            "chain-not-yet-valid",
            "chain-unknown-issuer",
            "chain-bad-signature",
            "chain-revoked",
            "chain-name-constraint-violation",
            "chain-invalid",
            "cert-malformed",
            "chain-ca-key-usage",
            "cert-too-large",
        ]
    );
    let chain: Vec<&str> = ReasonCode::ALL
        .iter()
        .filter(|c| c.is_chain())
        .map(|c| c.code())
        .collect();
    assert_eq!(chain.len(), 8, "{chain:?}");
}

#[test]
fn ignore_and_hint_codes_cover_decisions() {
    let ignore: Vec<&str> = IgnoreReason::ALL.iter().map(|r| r.code()).collect();
    for code in [
        "uri-not-sip-scheme",
        "uri-has-user-part",
        "uri-unparsable",
        "uri-host-is-ip",
        "dns-invalid",
        "dns-not-ascii",
        "dns-wildcard",
        "dns-suppressed-by-sip-uri",
        "cn-suppressed-by-san",
        "cn-not-dns-name",
        "cn-not-most-specific",
        "cn-fallback-disabled",
        "san-type-not-usable",
        "outside-name-constraints",
    ] {
        assert!(ignore.contains(&code), "missing ignore code {code}");
    }
    let hints: Vec<&str> = Hint::ALL.iter().map(|h| h.code()).collect();
    assert_eq!(
        hints,
        [
            "hint-host-within-domain",
            "hint-wildcard-would-match",
            "hint-suppressed-dns-would-match",
            "hint-cn-would-match",
            "hint-user-part-uri-would-match",
            "hint-sips-uri-would-match",
            "hint-suffix-only",
            "hint-srv-target-would-match",
            "hint-missing-intermediate",
        ]
    );
    let relax = [
        Relaxation::Wildcard,
        Relaxation::CnFallback,
        Relaxation::IpLiteral,
        Relaxation::SecureSrvTarget,
        Relaxation::EkuTlsCompatible,
    ]
    .map(Relaxation::code);
    assert_eq!(
        relax,
        [
            "wildcard",
            "cn-fallback",
            "ip-literal",
            "secure-srv-target",
            "eku-tls-compatible"
        ]
    );
}

#[test]
fn policy_defaults_are_decisions_section_1() {
    let p = Policy::default();
    assert!(p.is_cn_fallback_enabled());
    assert!(!p.is_sip_uri_required());
    assert!(!p.are_ip_literals_allowed());
    assert!(!p.are_wildcards_allowed());
    assert_eq!(p.secure_srv_target(), None);
    assert_eq!(p.eku_mode(), EkuMode::Compatible);
}

#[test]
fn chain_rejections() {
    let reference = Reference::Domain(DomainName::from_ascii("example.com").unwrap());
    let r = Rejected::new(
        ReasonCode::ChainUnknownIssuer,
        "no path to a trust anchor",
        Some(reference.clone()),
    );
    assert_eq!(r.reasons().len(), 1);
    assert!(r.has_reason(ReasonCode::ChainUnknownIssuer));
    assert_eq!(r.reference(), Some(&reference));
    assert!(
        r.to_string()
            .contains("no path to a trust anchor [chain-unknown-issuer]"),
        "{r}"
    );

    // An accepted end-entity check turned into a reject keeps what the certificate presented.
    let der = Leaf::sans(vec![dns("example.com")]).der();
    let v = check_end_entity(&der, &reference, Role::Server, &Policy::default());
    assert!(v.is_accept(), "{v:?}");
    let v = v.with_failure(ReasonCode::ChainExpired, "expired on 2020-01-01");
    let Verdict::Reject(r) = &v else {
        panic!("{v:?}")
    };
    assert_eq!(r.reasons()[0].code(), ReasonCode::ChainExpired);
    assert_eq!(r.identities().len(), 1, "{r:?}");
    assert_eq!(r.identities()[0].name().to_string(), "example.com");

    // A name reject plus a chain failure: the chain reason comes first, both are kept.
    let v = check_end_entity(
        &der,
        &Reference::Domain(DomainName::from_ascii("example.org").unwrap()),
        Role::Server,
        &Policy::default(),
    )
    .with_failure(ReasonCode::ChainRevoked, "revoked");
    let codes: Vec<&str> = v
        .rejected()
        .unwrap()
        .reasons()
        .iter()
        .map(|r| r.code().code())
        .collect();
    assert_eq!(codes, ["chain-revoked", "no-matching-identity"]);
}

/// The warning codes (a certificate that passes but that some peers refuse): stable, listed
/// in `ALL`, in this order.
#[test]
fn warning_codes_are_the_decisions_list() {
    let codes: Vec<&str> = sipcert::WarningCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(
        codes,
        [
            "eku-server-auth-only",
            "client-issuer-not-in-ca-names",
            "client-cert-expired",
            "client-cert-expiring",
        ]
    );
}
