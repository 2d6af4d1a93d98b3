//! `hint-missing-intermediate`: the server sent no issuer for its end entity and path building
//! failed with an unknown issuer. One table over PKIs generated at test time.

use rustls::pki_types::{CertificateDer, TrustAnchor};
use sipcert::chain::ChainVerifier;
use sipcert::{DomainName, Policy, Reference, Role};
use sipcert_testkit::pki::{self, Ca, CaSpec, LeafSpec};
use sipcert_testkit::{provider, verdict_codes};

/// A row: name, end entity, intermediates, anchors, first reason, whether the hint is expected.
type Case = (
    &'static str,
    CertificateDer<'static>,
    Vec<CertificateDer<'static>>,
    Vec<TrustAnchor<'static>>,
    &'static str,
    bool,
);

#[test]
fn missing_intermediate_hint() {
    let root = Ca::root("Hint Root");
    let inter = root.intermediate(CaSpec::new("Hint Intermediate"));
    let other = root.intermediate(CaSpec::new("Other Intermediate"));
    let leaf = inter.leaf(LeafSpec::new().dns("example.com"));
    let self_signed = rcgen::generate_simple_self_signed(vec!["example.com".to_owned()]).unwrap();
    let unrelated = Ca::root("Unrelated Root");
    let reference = Reference::Domain(DomainName::from_ascii("example.com").unwrap());
    let cases: Vec<Case> = vec![
        (
            "complete chain",
            leaf.der.clone(),
            vec![inter.der.clone()],
            vec![root.anchor()],
            "",
            false,
        ),
        (
            "no intermediate sent",
            leaf.der.clone(),
            vec![],
            vec![root.anchor()],
            "chain-unknown-issuer",
            true,
        ),
        (
            "a wrong intermediate sent",
            leaf.der.clone(),
            vec![other.der.clone()],
            vec![root.anchor()],
            "chain-unknown-issuer",
            true,
        ),
        (
            "intermediate sent, root not trusted",
            leaf.der.clone(),
            vec![inter.der.clone()],
            vec![unrelated.anchor()],
            "chain-unknown-issuer",
            false,
        ),
        (
            "self-issued end entity",
            self_signed.cert.der().clone(),
            vec![],
            vec![root.anchor()],
            "chain-unknown-issuer",
            false,
        ),
        (
            "expired leaf with its intermediate",
            inter
                .leaf(
                    LeafSpec::new()
                        .dns("example.com")
                        .validity(pki::Date(2001, 1, 1), pki::Date(2002, 1, 1)),
                )
                .der,
            vec![inter.der.clone()],
            vec![root.anchor()],
            "chain-expired",
            false,
        ),
    ];
    for case in cases {
        check_case(case, &reference);
    }
}

/// Checks one row of [`missing_intermediate_hint`].
fn check_case(case: Case, reference: &Reference) {
    let (name, ee, intermediates, anchors, reason, hint) = case;
    let verifier = ChainVerifier::new(provider().signature_verification_algorithms.all, anchors);
    let v = verifier.check(
        &ee,
        &intermediates,
        pki::now(),
        reference,
        Role::Server,
        &Policy::default(),
    );
    let (_, reasons, hints, _) = verdict_codes(&v);
    assert_eq!(
        reasons.first().map_or("", String::as_str),
        reason,
        "{name}: {v:?}"
    );
    assert_eq!(
        hints.iter().any(|h| h == "hint-missing-intermediate"),
        hint,
        "{name}: {hints:?}"
    );
    if let Some(r) = v.rejected().filter(|_| hint) {
        assert!(
            r.to_string().contains("Hint Intermediate"),
            "{name}: names the issuer: {r}"
        );
    }
}
