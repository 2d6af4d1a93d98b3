//! RFC 5924 §5 EKU table E1–E10 (rfc-notes §10.2, decisions.md §1) for both modes and roles,
//! through `evaluate_eku` and through `check_end_entity`.

use sipcert::{
    check_end_entity, DomainName, EkuAcceptance, EkuMode, Policy, Reference, Relaxation, Role,
};
use sipcert::{evaluate_eku, EKU_ANY, EKU_CLIENT_AUTH, EKU_SERVER_AUTH, EKU_SIP_DOMAIN};
use sipcert_testkit::pki::{
    self, dns, Leaf, ANY_EKU, CLIENT_AUTH, CODE_SIGNING, EMAIL_PROTECTION, SERVER_AUTH, SIP_DOMAIN,
};

/// (row, EKU content (None = absent), critical,
///  [Rfc5924 server, Rfc5924 client, Compatible server, Compatible client]) — `true` = accept.
type Eku = Option<&'static [&'static [u8]]>;
type Row = (&'static str, Eku, bool, [bool; 4]);

const E_TABLE: &[Row] = &[
    ("E1", None, false, [true, true, true, true]),
    ("E2", Some(&[SIP_DOMAIN]), false, [true, true, true, true]),
    (
        "E3",
        Some(&[SERVER_AUTH, SIP_DOMAIN]),
        false,
        [true, true, true, true],
    ),
    // decisions.md §1: anyEKU is accepted in the Rfc5924 mode too (local policy, R7).
    ("E4", Some(&[ANY_EKU]), false, [true, true, true, true]),
    (
        "E5",
        Some(&[SERVER_AUTH]),
        false,
        [false, false, true, true],
    ),
    (
        "E6",
        Some(&[SERVER_AUTH, CLIENT_AUTH]),
        false,
        [false, false, true, true],
    ),
    (
        "E7",
        Some(&[CLIENT_AUTH]),
        false,
        [false, false, false, true],
    ),
    (
        "E8",
        Some(&[CODE_SIGNING]),
        false,
        [false, false, false, false],
    ),
    (
        "E9",
        Some(&[EMAIL_PROTECTION, SIP_DOMAIN]),
        false,
        [true, true, true, true],
    ),
    ("E10", Some(&[SIP_DOMAIN]), true, [true, true, true, true]),
];

const COMBOS: [(EkuMode, Role); 4] = [
    (EkuMode::Rfc5924, Role::Server),
    (EkuMode::Rfc5924, Role::Client),
    (EkuMode::Compatible, Role::Server),
    (EkuMode::Compatible, Role::Client),
];

fn leaf(eku: Option<&[&'static [u8]]>, critical: bool) -> Vec<u8> {
    let mut l = Leaf::sans(vec![dns("example.com")]);
    l.eku = eku.map(<[&[u8]]>::to_vec);
    l.eku_critical = critical;
    l.der()
}

#[test]
fn eku_table_e1_to_e10() {
    let reference = Reference::Domain(DomainName::from_ascii("example.com").unwrap());
    for &(row, eku, critical, expected) in E_TABLE {
        let der = leaf(eku, critical);
        for ((mode, role), want) in COMBOS.into_iter().zip(expected) {
            let got = evaluate_eku(&der, role, mode);
            assert_eq!(
                got.is_ok(),
                want,
                "{row}: evaluate_eku(eku={eku:?}, critical={critical}, {role:?}, {mode:?}) = {got:?}"
            );
            let policy = Policy::default().with_eku_mode(mode);
            let verdict = check_end_entity(&der, &reference, role, &policy);
            assert_eq!(
                verdict.is_accept(),
                want,
                "{row}: check_end_entity(eku={eku:?}, {role:?}, {mode:?}) = {verdict:?}"
            );
            if let Err(e) = got {
                assert_eq!(e.code(), "eku-not-permitted", "{row} {role:?} {mode:?}");
                let rejected = verdict.rejected().unwrap();
                assert!(
                    rejected
                        .reasons()
                        .iter()
                        .any(|r| r.code().code() == "eku-not-permitted"),
                    "{row}: {rejected}"
                );
                assert!(
                    rejected.to_string().contains("RFC 5924 §5"),
                    "{row}: {rejected}"
                );
                assert!(
                    rejected.hints().is_empty(),
                    "{row}: the name matched, no hint expected: {rejected}"
                );
            }
        }
    }
}

#[test]
fn compatible_mode_records_the_relaxation() {
    let reference = Reference::Domain(DomainName::from_ascii("example.com").unwrap());
    // (row, EKU, role, expected acceptance kind)
    let cases: &[(&str, Eku, Role, EkuAcceptance)] = &[
        ("E1", None, Role::Server, EkuAcceptance::Absent),
        (
            "E2",
            Some(&[SIP_DOMAIN]),
            Role::Server,
            EkuAcceptance::SipDomain,
        ),
        (
            "E4",
            Some(&[ANY_EKU]),
            Role::Client,
            EkuAcceptance::AnyExtendedKeyUsage,
        ),
        (
            "E5",
            Some(&[SERVER_AUTH]),
            Role::Server,
            EkuAcceptance::TlsCompatible,
        ),
        (
            "E5",
            Some(&[SERVER_AUTH]),
            Role::Client,
            EkuAcceptance::TlsCompatible,
        ),
        (
            "E7",
            Some(&[CLIENT_AUTH]),
            Role::Client,
            EkuAcceptance::TlsCompatible,
        ),
    ];
    for &(row, eku, role, kind) in cases {
        let der = leaf(eku, false);
        let verdict = check_end_entity(&der, &reference, role, &Policy::default());
        let accepted = verdict
            .accepted()
            .unwrap_or_else(|| panic!("{row} {role:?}: {verdict:?}"));
        assert_eq!(accepted.eku(), kind, "{row} {role:?}");
        assert_eq!(
            accepted
                .relaxations()
                .contains(&Relaxation::EkuTlsCompatible),
            kind == EkuAcceptance::TlsCompatible,
            "{row} {role:?}: {:?}",
            accepted.relaxations()
        );
    }
}

/// Malformed, empty and duplicated EKU extensions fail closed in every mode.
#[test]
fn eku_extension_shape_fails_closed() {
    let eku_oid = vec![2, 5, 29, 37];
    let mut empty = Leaf::sans(vec![dns("example.com")]);
    empty.eku = Some(vec![]);
    let mut dup = Leaf::sans(vec![dns("example.com")]).eku(vec![SIP_DOMAIN]);
    dup.extra
        .push((eku_oid.clone(), pki::eku_value(&[SIP_DOMAIN])));
    let mut garbage = Leaf::sans(vec![dns("example.com")]);
    garbage
        .extra
        .push((eku_oid.clone(), vec![0x30, 0x03, 0x06, 0x01]));
    let mut trailing = Leaf::sans(vec![dns("example.com")]);
    let mut value = pki::eku_value(&[SIP_DOMAIN]);
    value.extend_from_slice(&[0x05, 0x00]);
    trailing.extra.push((eku_oid, value));
    let reference = Reference::Domain(DomainName::from_ascii("example.com").unwrap());
    for (name, leaf) in [
        ("empty", empty),
        ("duplicate", dup),
        ("garbage", garbage),
        ("trailing", trailing),
    ] {
        let der = leaf.der();
        for (mode, role) in COMBOS {
            let got = evaluate_eku(&der, role, mode);
            assert!(got.is_err(), "{name} EKU, {role:?} {mode:?}: {got:?}");
            assert_eq!(
                got.unwrap_err().code(),
                "cert-malformed",
                "{name} {role:?} {mode:?}"
            );
            let policy = Policy::default().with_eku_mode(mode);
            let v = check_end_entity(&der, &reference, role, &policy);
            assert!(!v.is_accept(), "{name} EKU, {role:?} {mode:?}: {v:?}");
        }
    }
}

#[test]
fn oid_constants() {
    assert_eq!(EKU_SIP_DOMAIN, SIP_DOMAIN);
    assert_eq!(EKU_SERVER_AUTH, SERVER_AUTH);
    assert_eq!(EKU_CLIENT_AUTH, CLIENT_AUTH);
    assert_eq!(EKU_ANY, ANY_EKU);
}

/// `eku-server-auth-only`: only a client certificate whose EKU has serverAuth and nothing
/// that allows the client role (the 2026 public-CA certificate) gets the warning.
#[test]
fn server_auth_only_client_certificate_warning_table() {
    use sipcert::{client_eku_warning, WarningCode};
    let rows: &[(&str, Eku, Option<WarningCode>)] = &[
        ("absent", None, None),
        (
            "serverAuth only",
            Some(&[SERVER_AUTH]),
            Some(WarningCode::EkuServerAuthOnly),
        ),
        (
            "serverAuth, clientAuth",
            Some(&[SERVER_AUTH, CLIENT_AUTH]),
            None,
        ),
        ("clientAuth only", Some(&[CLIENT_AUTH]), None),
        (
            "serverAuth, sipDomain",
            Some(&[SERVER_AUTH, SIP_DOMAIN]),
            None,
        ),
        ("serverAuth, anyEKU", Some(&[SERVER_AUTH, ANY_EKU]), None),
        ("codeSigning", Some(&[CODE_SIGNING]), None),
    ];
    for (name, eku, want) in rows {
        assert_eq!(client_eku_warning(&leaf(*eku, false)), *want, "{name}");
    }
    assert_eq!(client_eku_warning(b"\x30\x00"), None, "not a certificate");
    assert_eq!(
        WarningCode::EkuServerAuthOnly.code(),
        "eku-server-auth-only"
    );
}
