//! `sipcert::stir::lint`: a STIR certificate against the RFC 8226 / ATIS-1000080 profile,
//! one row per finding code with a profile certificate as the neighbour that has none; and
//! the policy knob that makes the lint decide a verification.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{KeyPair, PKCS_ECDSA_P384_SHA384};
use rustls_pki_types::{CertificateDer, UnixTime};
use sipcert::stir::lint::{has_errors, lint, LintCode, Severity};
use sipcert::stir::{
    sign, Attest, CanonicalTn, CertificateSource, LintMode, Orig, SourceError, StirCode,
    StirPolicy, StirRequest, StirVerifier,
};
use sipcert_testkit::pki::{Ca, CaSpec, Date, LeafSpec};
use sipcert_testkit::stir::{
    shaken_passport, sti_profile_leaf, tn_auth_list, Omit, TnEntry as Tn, BASIC_CONSTRAINTS_OID,
    TN_AUTH_LIST_OID,
};

const X5U: &str = "https://cert.example.org/sp.pem";
const ORIG: &str = "12155551212";
const DEST: &str = "12155551213";
const IAT: i64 = 1_780_000_000;

fn at(secs: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(secs).expect("positive")))
}

fn spc() -> [Tn; 1] {
    [Tn::Spc("709J".into())]
}

/// The codes of the findings of `leaf` issued by a P-256 root, linted at [`IAT`].
fn codes(leaf: LeafSpec, key: &KeyPair) -> Vec<LintCode> {
    let ca = Ca::root_with(CaSpec::new("Test STI-CA"));
    let cert = ca.leaf_with_key(leaf, key);
    lint(cert.der.as_ref(), at(IAT))
        .into_iter()
        .map(|f| f.code)
        .collect()
}

fn p256() -> KeyPair {
    KeyPair::generate().expect("key")
}

#[test]
fn a_profile_certificate_has_only_the_tnauthlist_note() {
    let found = codes(sti_profile_leaf(&spc(), &[]), &p256());
    assert_eq!(found, [LintCode::TnAuthList]);
    assert_eq!(LintCode::TnAuthList.severity(), Severity::Info);
}

#[test]
fn each_departure_has_its_code() {
    let omit = |o: &[Omit]| sti_profile_leaf(&spc(), o);
    let rows: Vec<(LeafSpec, LintCode, &str)> = vec![
        (
            omit(&[Omit::TnAuthList]),
            LintCode::TnAuthListMissing,
            "no TNAuthList",
        ),
        (
            omit(&[Omit::CrlDp]),
            LintCode::CrlDistributionPointMissing,
            "no CRL DP",
        ),
        (
            omit(&[Omit::Policies]),
            LintCode::CertificatePoliciesMissing,
            "no policies",
        ),
        (
            omit(&[Omit::BasicConstraints]),
            LintCode::BasicConstraintsMissing,
            "no basicConstraints",
        ),
        (
            sti_profile_leaf(&spc(), &[Omit::BasicConstraints])
                .extension(BASIC_CONSTRAINTS_OID, vec![0x30, 0x03, 0x01, 0x01, 0xff]),
            LintCode::BasicConstraintsCa,
            "cA TRUE",
        ),
        (
            sti_profile_leaf(&spc(), &[Omit::BasicConstraints])
                .extension(BASIC_CONSTRAINTS_OID, vec![0x30, 0x03, 0x01, 0x01, 0x01]),
            LintCode::ExtensionMalformed,
            "cA as a non-DER BOOLEAN",
        ),
        (
            sti_profile_leaf(&[Tn::One(ORIG.into())], &[]),
            LintCode::TnAuthListNotSingleSpc,
            "a TN, not an SPC",
        ),
        (
            sti_profile_leaf(&spc(), &[Omit::TnAuthList])
                .extension(TN_AUTH_LIST_OID, vec![0x30, 0x00]),
            LintCode::TnAuthListMalformed,
            "an empty TNAuthList",
        ),
        (
            omit(&[]).validity(Date(2020, 1, 1), Date(2021, 1, 1)),
            LintCode::Expired,
            "expired",
        ),
        (
            omit(&[]).validity(Date(2030, 1, 1), Date(2031, 1, 1)),
            LintCode::NotYetValid,
            "not yet valid",
        ),
    ];
    for (leaf, code, case) in rows {
        let found = codes(leaf, &p256());
        assert!(found.contains(&code), "{case}: {found:?}");
        assert!(
            !found.contains(&LintCode::CertMalformed),
            "{case}: {found:?}"
        );
    }
    let p384 = KeyPair::generate_for(&PKCS_ECDSA_P384_SHA384).expect("key");
    let found = codes(sti_profile_leaf(&spc(), &[]), &p384);
    assert_eq!(found, [LintCode::KeyNotP256, LintCode::TnAuthList]);

    // A P-384 CA signs ecdsa-with-SHA384.
    let ca = Ca::root_with_key(CaSpec::new("P-384 STI-CA"), p384);
    let cert = ca.leaf_with_key(sti_profile_leaf(&spc(), &[]), &p256());
    let found: Vec<LintCode> = lint(cert.der.as_ref(), at(IAT))
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(found, [LintCode::SignatureAlgorithm, LintCode::TnAuthList]);

    for garbage in [&b""[..], &[0x30, 0x00], b"not a certificate"] {
        let found = lint(garbage, at(IAT));
        assert_eq!(found.len(), 1, "{garbage:02x?}");
        assert_eq!(found[0].code, LintCode::CertMalformed, "{garbage:02x?}");
        assert!(has_errors(&found));
    }
}

#[test]
fn codes_are_stable_and_errors_come_first() {
    let leaf = sti_profile_leaf(
        &[Tn::One(ORIG.into())],
        &[Omit::CrlDp, Omit::BasicConstraints],
    );
    let ca = Ca::root_with(CaSpec::new("Test STI-CA"));
    let found = lint(ca.leaf_with_key(leaf, &p256()).der.as_ref(), at(IAT));
    let got: Vec<(&str, Severity)> = found
        .iter()
        .map(|f| (f.code.code(), f.severity()))
        .collect();
    assert_eq!(
        got,
        [
            ("stir-lint-crl-distribution-point-missing", Severity::Error),
            ("stir-lint-tnauthlist-not-single-spc", Severity::Warning),
            ("stir-lint-basic-constraints-missing", Severity::Warning),
            ("stir-lint-tnauthlist", Severity::Info),
        ]
    );
}

/// Serves one chain at [`X5U`].
struct Source(Vec<CertificateDer<'static>>);

impl CertificateSource for Source {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        (url == X5U)
            .then(|| self.0.clone())
            .ok_or_else(|| SourceError::new(url))
    }
}

#[test]
fn the_lint_decides_a_verification_only_when_the_policy_enforces_it() {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let ca = Ca::root_with(CaSpec::new("Test STI-CA"));
    let (orig, dest) = (
        CanonicalTn::parse(ORIG).expect("tn"),
        CanonicalTn::parse(DEST).expect("tn"),
    );
    let passport = shaken_passport(
        Orig::Tn(orig.clone()),
        Attest::A,
        X5U,
        std::slice::from_ref(&dest),
        IAT,
    );
    let profile = sti_profile_leaf(&spc(), &[]);
    let bare = LeafSpec::new().extension(TN_AUTH_LIST_OID, tn_auth_list(&spc()));
    for (leaf, mode, verifies) in [
        (profile.clone(), LintMode::Enforce, true),
        (bare.clone(), LintMode::Enforce, false),
        (bare, LintMode::Report, true),
        (profile, LintMode::Report, true),
    ] {
        let cert = ca.leaf_with_key(leaf, &p256());
        let identity = sign(&passport, &cert.key, &provider).expect("signs");
        let verifier = StirVerifier::new([ca.anchor()], provider.clone())
            .with_policy(StirPolicy::default().lint(mode));
        let request = StirRequest::new(&identity, &orig, &dest);
        let verdict = verifier.verify(&request, &Source(vec![cert.der.clone()]), at(IAT));
        if verifies {
            assert!(verdict.is_verified(), "{mode:?}: {verdict}");
        } else {
            assert_eq!(verdict.code(), Some(StirCode::LintFailed), "{mode:?}");
            assert_eq!(verdict.response_code(), Some(437));
            let text = verdict.to_string();
            assert!(
                text.contains("stir-lint-crl-distribution-point-missing")
                    && text.contains("stir-lint-certificate-policies-missing"),
                "{text}"
            );
        }
    }
}
