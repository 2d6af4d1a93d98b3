//! Path validation and name constraints on SIP identities (`sipcert::chain`), over PKIs
//! generated at test time.
#![allow(clippy::too_many_lines)] // test code, written before the workspace lint wall

use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor, UnixTime};
use sipcert::chain::{ChainError, ChainVerifier};
use sipcert::{DomainName, Policy, Role};
use sipcert_testkit::pki::{self, Ca, CaSpec, Date, Eku, Issued, LeafSpec};
use sipcert_testkit::provider;

fn algs() -> &'static [&'static dyn rustls::pki_types::SignatureVerificationAlgorithm] {
    provider().signature_verification_algorithms.all
}

fn dn(s: &str) -> DomainName {
    DomainName::from_ascii(s).unwrap()
}

/// One row: a chain, what the caller passes, and the expected code (`Ok` = accept).
struct Case {
    name: &'static str,
    ee: CertificateDer<'static>,
    intermediates: Vec<CertificateDer<'static>>,
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    end_entity_revocation_only: bool,
    allow_unknown_revocation_status: bool,
    role: Role,
    identities: Vec<DomainName>,
    now: UnixTime,
    expect: Result<(), &'static str>,
}

impl Case {
    fn new(name: &'static str, root: &Ca, inter: &Ca, leaf: &Issued) -> Self {
        Self {
            name,
            ee: leaf.der.clone(),
            intermediates: vec![inter.der.clone()],
            anchors: vec![root.anchor()],
            crls: Vec::new(),
            end_entity_revocation_only: false,
            allow_unknown_revocation_status: false,
            role: Role::Server,
            identities: Vec::new(),
            now: pki::now(),
            expect: Ok(()),
        }
    }
    fn ids(mut self, ids: &[&str]) -> Self {
        self.identities = ids.iter().map(|s| dn(s)).collect();
        self
    }
    fn crls(mut self, crls: Vec<CertificateRevocationListDer<'static>>) -> Self {
        self.crls = crls;
        self
    }
    fn role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }
    fn expect(mut self, code: &'static str) -> Self {
        self.expect = Err(code);
        self
    }

    fn run(&self) -> Result<sipcert::chain::VerifiedChain, ChainError> {
        let mut v = ChainVerifier::new(algs(), self.anchors.iter().cloned())
            .with_crls(self.crls.iter().cloned())
            .expect("CRLs parse");
        if self.end_entity_revocation_only {
            v = v.only_check_end_entity_revocation();
        }
        if self.allow_unknown_revocation_status {
            v = v.allow_unknown_revocation_status();
        }
        v.verify(
            &self.ee,
            &self.intermediates,
            self.now,
            self.role,
            &Policy::default(),
        )
    }

    fn check(&self) {
        let got = self.run();
        if let (Ok(verified), false) = (&got, self.identities.is_empty()) {
            // `verify` extracts the identities itself; they are the ones the row names.
            let domains: Vec<DomainName> = verified
                .identities()
                .identities()
                .iter()
                .filter_map(|i| i.domain().cloned())
                .collect();
            assert_eq!(domains, self.identities, "case {:?}: identities", self.name);
        }
        let code = got.as_ref().map(|_| ()).map_err(ChainError::code);
        assert_eq!(
            code,
            self.expect,
            "case {:?}: role={:?} identities={:?} intermediates={} crls={} now={:?} -> {:?}",
            self.name,
            self.role,
            self.identities,
            self.intermediates.len(),
            self.crls.len(),
            self.now,
            got
        );
    }
}

#[test]
fn basic_path_validation() {
    let root = Ca::root("Root");
    let inter = root.intermediate(CaSpec::new("Inter"));
    let good = inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .eku(&[Eku::SipDomain]),
    );
    let expired = inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .validity(Date(2000, 1, 1), Date(2001, 1, 1)),
    );
    let future = inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .validity(Date(2030, 1, 1), Date(2031, 1, 1)),
    );
    let expired_inter =
        root.intermediate(CaSpec::new("Old Inter").validity(Date(2000, 1, 1), Date(2001, 1, 1)));
    let under_expired_inter = expired_inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let other_root = Ca::root("Other Root");

    let mut cases = vec![
        Case::new("valid leaf->intermediate->root", &root, &inter, &good).ids(&["example.com"]),
        Case::new("V38 expired leaf", &root, &inter, &expired).expect("chain-expired"),
        Case::new(
            "expired intermediate",
            &root,
            &expired_inter,
            &under_expired_inter,
        )
        .expect("chain-expired"),
        Case::new("leaf not yet valid", &root, &inter, &future).expect("chain-not-yet-valid"),
        Case::new("tampered leaf signature", &root, &inter, &good).expect("chain-bad-signature"),
        Case::new(
            "V39 unknown issuer (foreign root)",
            &other_root,
            &inter,
            &good,
        )
        .expect("chain-unknown-issuer"),
        Case::new("missing intermediate", &root, &inter, &good).expect("chain-unknown-issuer"),
        Case::new("no trust anchors at all", &root, &inter, &good).expect("chain-unknown-issuer"),
    ];
    cases[4].ee = good.tampered();
    cases[6].intermediates.clear();
    cases[7].anchors.clear();
    for c in &cases {
        c.check();
    }
}

#[test]
fn garbage_is_cert_malformed() {
    let root = Ca::root("Root");
    let inter = root.intermediate(CaSpec::new("Inter"));
    let good = inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let mut c = Case::new("garbage end entity", &root, &inter, &good).expect("cert-malformed");
    c.ee = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]);
    c.check();
    let mut c = Case::new("truncated end entity", &root, &inter, &good).expect("cert-malformed");
    c.ee = CertificateDer::from(good.der.as_ref()[..40].to_vec());
    c.check();
}

#[test]
fn invalid_crl_is_refused_at_configuration() {
    let bad = CertificateRevocationListDer::from(vec![0x30, 0x00]);
    let err = ChainVerifier::new(algs(), [])
        .with_crls([bad])
        .expect_err("garbage CRL must be refused");
    assert!(matches!(err, ChainError::InvalidCrl { .. }), "{err:?}");
}

#[test]
fn revocation() {
    let root = Ca::root("Root");
    let inter = root.intermediate(CaSpec::new("Inter"));
    let leaf = inter.leaf(LeafSpec::new().uri("sip:example.com").serial(1001));
    let other = inter.leaf(LeafSpec::new().uri("sip:example.com").serial(1002));

    let inter_crl_1001 = inter.crl(&[1001]);
    let inter_crl_empty = inter.crl(&[]);
    let root_crl_inter = root.crl(&[inter.serial]);
    let root_crl_empty = root.crl(&[]);

    let mut cases = vec![
        Case::new("leaf revoked by intermediate CRL", &root, &inter, &leaf)
            .crls(vec![inter_crl_1001.clone(), root_crl_empty.clone()])
            .expect("chain-revoked"),
        Case::new("other leaf not revoked", &root, &inter, &other)
            .crls(vec![inter_crl_1001.clone(), root_crl_empty.clone()]),
        Case::new("intermediate revoked by root CRL", &root, &inter, &other)
            .crls(vec![inter_crl_empty.clone(), root_crl_inter.clone()])
            .expect("chain-revoked"),
        Case::new(
            "intermediate status unknown (no root CRL), default Deny",
            &root,
            &inter,
            &other,
        )
        .crls(vec![inter_crl_empty.clone()])
        .expect("chain-invalid"),
        Case::new(
            "intermediate status unknown, UnknownStatus::Allow",
            &root,
            &inter,
            &other,
        )
        .crls(vec![inter_crl_empty.clone()]),
        Case::new(
            "revoked intermediate, depth EndEntity only",
            &root,
            &inter,
            &other,
        )
        .crls(vec![inter_crl_empty.clone(), root_crl_inter.clone()]),
        Case::new(
            "no CRLs configured: revocation not checked",
            &root,
            &inter,
            &leaf,
        ),
    ];
    cases[4].allow_unknown_revocation_status = true;
    cases[5].end_entity_revocation_only = true;
    for c in &cases {
        c.check();
    }
}

#[test]
fn name_constraints_apply_to_sip_identities() {
    let root = Ca::root("Root");
    let nc = root.intermediate(CaSpec::new("Constrained").permitted_dns(&["example.com"]));
    let excl = root.intermediate(CaSpec::new("Excluding").excluded_dns(&["bad.example.com"]));

    let dns_evil = nc.leaf(LeafSpec::new().dns("evil.example"));
    let uri_evil = nc.leaf(LeafSpec::new().uri("sip:evil.example"));
    let cn_evil = nc.leaf(LeafSpec::new().cn("evil.example"));
    let uri_bad_suffix = nc.leaf(LeafSpec::new().uri("sip:badexample.com"));
    let uri_ok = nc.leaf(LeafSpec::new().uri("sip:sip.example.com"));
    let uri_apex = nc.leaf(LeafSpec::new().uri("sip:example.com"));
    let cn_ok = nc.leaf(LeafSpec::new().cn("sip.example.com"));
    let mixed = nc.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .uri("sip:evil.example"),
    );
    let excluded = excl.leaf(LeafSpec::new().uri("sip:x.bad.example.com"));
    let not_excluded = excl.leaf(LeafSpec::new().uri("sip:good.example.com"));
    let excluded_cn = excl.leaf(LeafSpec::new().cn("bad.example.com"));

    let v = "chain-name-constraint-violation";
    let cases = vec![
        Case::new(
            "DNS:evil.example under permitted example.com (webpki)",
            &root,
            &nc,
            &dns_evil,
        )
        .ids(&["evil.example"])
        .expect(v),
        Case::new(
            "DNS:evil.example, identities not passed (webpki alone)",
            &root,
            &nc,
            &dns_evil,
        )
        .expect(v),
        Case::new(
            "URI sip:evil.example under permitted example.com",
            &root,
            &nc,
            &uri_evil,
        )
        .ids(&["evil.example"])
        .expect(v),
        Case::new(
            "CN=evil.example under permitted example.com",
            &root,
            &nc,
            &cn_evil,
        )
        .ids(&["evil.example"])
        .expect(v),
        Case::new(
            "sip:badexample.com is not under example.com",
            &root,
            &nc,
            &uri_bad_suffix,
        )
        .ids(&["badexample.com"])
        .expect(v),
        Case::new("one bad identity among good ones", &root, &nc, &mixed)
            .ids(&["example.com", "evil.example"])
            .expect(v),
        Case::new(
            "sip.example.com under permitted example.com",
            &root,
            &nc,
            &uri_ok,
        )
        .ids(&["sip.example.com"]),
        Case::new(
            "example.com itself under permitted example.com",
            &root,
            &nc,
            &uri_apex,
        )
        .ids(&["example.com"]),
        Case::new(
            "CN=sip.example.com under permitted example.com",
            &root,
            &nc,
            &cn_ok,
        )
        .ids(&["sip.example.com"]),
        Case::new(
            "sip:x.bad.example.com under excluded bad.example.com",
            &root,
            &excl,
            &excluded,
        )
        .ids(&["x.bad.example.com"])
        .expect(v),
        Case::new(
            "CN=bad.example.com under excluded bad.example.com",
            &root,
            &excl,
            &excluded_cn,
        )
        .ids(&["bad.example.com"])
        .expect(v),
        Case::new(
            "sip:good.example.com beside excluded bad.example.com",
            &root,
            &excl,
            &not_excluded,
        )
        .ids(&["good.example.com"]),
    ];
    for c in &cases {
        c.check();
    }
}

#[test]
fn name_constraint_violation_names_identity_and_constraint() {
    let root = Ca::root("Root");
    let nc = root.intermediate(CaSpec::new("Constrained").permitted_dns(&["example.com"]));
    let leaf = nc.leaf(LeafSpec::new().uri("sip:evil.example"));
    let err = Case::new("detail", &root, &nc, &leaf)
        .ids(&["evil.example"])
        .run()
        .expect_err("must reject");
    match &err {
        ChainError::NameConstraintViolation {
            name: Some(name),
            constraint: Some(constraint),
        } => {
            assert_eq!(name.to_string(), "evil.example", "{err:?}");
            assert!(constraint.contains("example.com"), "{err:?}");
            assert!(constraint.contains("intermediate CA 1"), "{err:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("evil.example"), "{err}");
}

/// A validated path always comes with checked identities: there is no way to validate the
/// path of a leaf whose SIP identities violate a CA's name constraints and get "valid"
/// (before, `verify(.., &[])` did exactly that, and the caller had to remember a second call).
#[test]
fn verify_never_skips_the_identity_constraint_check() {
    let root = Ca::root("Root");
    let nc = root.intermediate(CaSpec::new("Constrained").permitted_dns(&["example.com"]));
    let leaf = nc.leaf(
        LeafSpec::new()
            .uri("sip:evil.example")
            .uri("sip:sip.example.com"),
    );
    let err = Case::new("path and identities", &root, &nc, &leaf)
        .run()
        .expect_err("evil.example is outside example.com, whatever the caller passes");
    assert_eq!(err.code(), "chain-name-constraint-violation", "{err:?}");
    assert!(err.to_string().contains("evil.example"), "{err}");

    let inside = nc.leaf(LeafSpec::new().uri("sip:sip.example.com"));
    let verified = Case::new("inside", &root, &nc, &inside).run().unwrap();
    assert!(verified.is_name_constrained());
    assert_eq!(verified.intermediates_used(), 1);
    assert_eq!(
        verified.identities().to_string(),
        "sip.example.com (san-uri)"
    );

    // Unconstrained path: everything permitted.
    let plain = root.intermediate(CaSpec::new("Plain"));
    let leaf = plain.leaf(LeafSpec::new().uri("sip:evil.example"));
    let verified = Case::new("unconstrained", &root, &plain, &leaf)
        .run()
        .unwrap();
    assert!(!verified.is_name_constrained());
    assert_eq!(verified.identities().to_string(), "evil.example (san-uri)");
}

#[test]
fn trust_anchor_name_constraints_apply() {
    let root = Ca::root_with(CaSpec::new("Constrained Root").permitted_dns(&["example.com"]));
    let anchor = root.anchor();
    assert!(
        anchor.name_constraints.is_some(),
        "anchor keeps its constraints"
    );
    let inter = root.intermediate(CaSpec::new("Inter"));
    let cn_evil = inter.leaf(LeafSpec::new().cn("evil.example"));
    let uri_ok = inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let cases = vec![
        Case::new("constrained root, CN=evil.example", &root, &inter, &cn_evil)
            .ids(&["evil.example"])
            .expect("chain-name-constraint-violation"),
        Case::new("constrained root, sip:example.com", &root, &inter, &uri_ok)
            .ids(&["example.com"]),
    ];
    for c in &cases {
        c.check();
    }
}

#[test]
fn constraints_of_every_ca_apply() {
    // Root permits example.com; a lower intermediate permits example.net only.
    let root = Ca::root("Root");
    let upper = root.intermediate(CaSpec::new("Upper").permitted_dns(&["example.com"]));
    let lower = upper.intermediate(CaSpec::new("Lower").permitted_dns(&["example.net"]));
    let leaf = lower.leaf(LeafSpec::new().uri("sip:example.net"));
    let mut c = Case::new(
        "example.net: lower permits, upper does not",
        &root,
        &upper,
        &leaf,
    )
    .ids(&["example.net"])
    .expect("chain-name-constraint-violation");
    c.intermediates = vec![lower.der.clone(), upper.der.clone()];
    c.check();
}

#[test]
fn malformed_ca_constraints_fail_closed() {
    let root = Ca::root("Root");
    // permitted dNSName "" (empty): RFC 5280 would read "everything"; sipcert refuses.
    let raw = pki::tlv(0x30, &pki::tlv(0xa0, &pki::tlv(0x30, &pki::tlv(0x82, b""))));
    let inter = root.intermediate(CaSpec::new("Empty NC").raw_name_constraints(raw));
    let leaf = inter.leaf(LeafSpec::new().cn("example.com"));
    Case::new(
        "empty dNSName constraint, CN identity",
        &root,
        &inter,
        &leaf,
    )
    .ids(&["example.com"])
    .expect("chain-name-constraint-violation")
    .check();
}

#[test]
fn uri_name_constraints_stay_fail_closed_rustsec_2026_0098() {
    // webpki >= 0.103.12 refuses any URI SAN under a URI name constraint. If a later webpki
    // starts matching URI constraints, this test shows it and the policy must be revisited.
    let root = Ca::root("Root");
    let inter = root.intermediate(
        CaSpec::new("URI-constrained")
            .raw_name_constraints(pki::uri_name_constraints(&["example.com"])),
    );
    let uri_leaf = inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let dns_leaf = inter.leaf(LeafSpec::new().dns("example.com"));
    let cases = vec![
        Case::new(
            "URI SAN under URI constraint (webpki refuses)",
            &root,
            &inter,
            &uri_leaf,
        )
        .ids(&["example.com"])
        .expect("chain-name-constraint-violation"),
        Case::new(
            "URI SAN under URI constraint, no identities passed",
            &root,
            &inter,
            &uri_leaf,
        )
        .expect("chain-name-constraint-violation"),
        Case::new(
            "DNS SAN under URI constraint (not restricted)",
            &root,
            &inter,
            &dns_leaf,
        )
        .ids(&["example.com"]),
    ];
    for c in &cases {
        c.check();
    }
}

#[test]
fn raw_san_and_unknown_tag_are_rejected_under_constraints() {
    // webpki walks the SAN when constraints are present: an unknown GeneralName tag is BadDer.
    let root = Ca::root("Root");
    let nc = root.intermediate(CaSpec::new("Constrained").permitted_dns(&["example.com"]));
    let raw = pki::san_value(&[pki::raw(0x89, b"x"), pki::uri("sip:example.com")]);
    let leaf = nc.leaf(LeafSpec::new().raw_san(raw));
    let got = Case::new("unknown SAN tag", &root, &nc, &leaf)
        .ids(&["example.com"])
        .run();
    assert!(
        got.is_err(),
        "unknown GeneralName tag under constraints: {got:?}"
    );
    // The same raw-SAN builder with well-formed names is accepted.
    let raw = pki::san_value(&[pki::dns("sip.example.com"), pki::uri("sip:example.com")]);
    let leaf = nc.leaf(LeafSpec::new().raw_san(raw));
    // (the dNSName is suppressed by the sip: URI identity, RFC 5922 §7.1)
    Case::new("raw SAN, well-formed", &root, &nc, &leaf)
        .ids(&["example.com"])
        .check();
}

#[test]
fn pathlen_violation() {
    let root = Ca::root("Root");
    let i1 = root.intermediate(CaSpec::new("I1 pathlen 0").pathlen(0));
    let i2 = i1.intermediate(CaSpec::new("I2"));
    let leaf = i2.leaf(LeafSpec::new().uri("sip:example.com"));
    let mut c =
        Case::new("pathlen 0 CA above another CA", &root, &i1, &leaf).expect("chain-invalid");
    c.intermediates = vec![i2.der.clone(), i1.der.clone()];
    let got = c.run();
    assert!(
        matches!(got, Err(ChainError::PathLenConstraintViolated)),
        "pathlen: {got:?}"
    );
    c.check();

    let ok = root.intermediate(CaSpec::new("I1 pathlen 1").pathlen(1));
    let i2 = ok.intermediate(CaSpec::new("I2"));
    let leaf = i2.leaf(LeafSpec::new().uri("sip:example.com"));
    let mut c = Case::new("pathlen 1 allows one CA below", &root, &ok, &leaf);
    c.intermediates = vec![i2.der.clone(), ok.der.clone()];
    c.check();
}

#[test]
fn path_eku() {
    let root = Ca::root("Root");
    let server_inter = root.intermediate(CaSpec::new("serverAuth-only").eku(&[Eku::ServerAuth]));
    let sip_leaf = server_inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .eku(&[Eku::SipDomain]),
    );
    let code_leaf = server_inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .eku(&[Eku::CodeSigning]),
    );
    let plain = root.intermediate(CaSpec::new("no EKU"));
    let mk = |eku: &[Eku]| plain.leaf(LeafSpec::new().uri("sip:example.com").eku(eku));
    let none = mk(&[]);
    let any = mk(&[Eku::Any]);
    let server = mk(&[Eku::ServerAuth]);
    let client = mk(&[Eku::ClientAuth]);
    let email_sip = mk(&[Eku::EmailProtection, Eku::SipDomain]);
    let code = mk(&[Eku::CodeSigning]);
    let email = mk(&[Eku::EmailProtection]);
    let client_inter = root.intermediate(CaSpec::new("clientAuth-only").eku(&[Eku::ClientAuth]));
    let under_client_inter = client_inter.leaf(LeafSpec::new().uri("sip:example.com"));

    let e = "eku-not-permitted";
    let cases = vec![
        Case::new(
            "serverAuth-only intermediate, sipDomain-only leaf",
            &root,
            &server_inter,
            &sip_leaf,
        ),
        Case::new(
            "serverAuth-only intermediate, codeSigning leaf",
            &root,
            &server_inter,
            &code_leaf,
        )
        .expect(e),
        Case::new("E1 no EKU (server)", &root, &plain, &none),
        Case::new("E1 no EKU (client)", &root, &plain, &none).role(Role::Client),
        Case::new("E4 anyEKU", &root, &plain, &any),
        Case::new("E5 serverAuth (server)", &root, &plain, &server),
        Case::new("E5 serverAuth (client, fallback)", &root, &plain, &server).role(Role::Client),
        Case::new("E7 clientAuth (server)", &root, &plain, &client).expect(e),
        Case::new("E7 clientAuth (client)", &root, &plain, &client).role(Role::Client),
        Case::new("E9 emailProtection+sipDomain", &root, &plain, &email_sip),
        Case::new("E8 codeSigning (server)", &root, &plain, &code).expect(e),
        Case::new("E8 codeSigning (client)", &root, &plain, &code)
            .role(Role::Client)
            .expect(e),
        Case::new("emailProtection only", &root, &plain, &email).expect(e),
        Case::new(
            "clientAuth-only intermediate, server role",
            &root,
            &client_inter,
            &under_client_inter,
        )
        .expect(e),
        Case::new(
            "clientAuth-only intermediate, client role",
            &root,
            &client_inter,
            &under_client_inter,
        )
        .role(Role::Client),
    ];
    for c in &cases {
        c.check();
    }
}

#[test]
fn eku_error_lists_present_oids() {
    let root = Ca::root("Root");
    let inter = root.intermediate(CaSpec::new("Inter"));
    let leaf = inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .eku(&[Eku::CodeSigning]),
    );
    let err = Case::new("codeSigning", &root, &inter, &leaf)
        .run()
        .unwrap_err();
    match &err {
        ChainError::EkuNotPermitted { present } => {
            assert_eq!(present, &["1.3.6.1.5.5.7.3.3".to_owned()], "{err:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn path_building_skips_a_constrained_path_when_an_unconstrained_one_exists() {
    // The same CA key certified twice: once constrained to example.com, once not (a
    // cross-certificate). The constrained certificate is presented first.
    let root = Ca::root("Root");
    let (constrained, open) = root.intermediate_pair(
        CaSpec::new("Shared CA").permitted_dns(&["example.com"]),
        CaSpec::new("Shared CA"),
    );
    let leaf = constrained.leaf(LeafSpec::new().uri("sip:other.example"));
    let mut with_ids = Case::new(
        "identities given: hook retries the open path",
        &root,
        &constrained,
        &leaf,
    )
    .ids(&["other.example"]);
    with_ids.intermediates = vec![constrained.der.clone(), open.der.clone()];
    with_ids.check();
    let verified = with_ids.run().unwrap();
    assert!(!verified.is_name_constrained(), "{verified:?}");

    let mut only_constrained = Case::new(
        "only the constrained certificate",
        &root,
        &constrained,
        &leaf,
    )
    .ids(&["other.example"])
    .expect("chain-name-constraint-violation");
    only_constrained.intermediates = vec![constrained.der.clone()];
    only_constrained.check();
}

/// (case, leaf, intermediate, reference, role, expected reason codes; empty = accept)
type CheckRow<'a> = (
    &'static str,
    &'a Issued,
    &'a Ca,
    sipcert::Reference,
    Role,
    Vec<&'static str>,
);

#[test]
fn check_gives_one_verdict_for_chain_and_names() {
    use sipcert::{Policy, Reference};
    let root = Ca::root("Root");
    let inter = root.intermediate(CaSpec::new("Inter"));
    let nc = root.intermediate(CaSpec::new("Constrained").permitted_dns(&["example.com"]));
    let client = inter.leaf(
        LeafSpec::new()
            .uri("sip:client.example.net")
            .eku(&[Eku::ClientAuth]),
    );
    let evil = nc.leaf(LeafSpec::new().uri("sip:evil.example"));
    let v = ChainVerifier::new(algs(), [root.anchor()]);
    let policy = Policy::default();
    let r = |d: &str| Reference::Domain(dn(d));
    let rows: Vec<CheckRow<'_>> = vec![
        (
            "client cert, client role",
            &client,
            &inter,
            r("client.example.net"),
            Role::Client,
            vec![],
        ),
        (
            "clientAuth-only cert as a server",
            &client,
            &inter,
            r("client.example.net"),
            Role::Server,
            vec!["eku-not-permitted"],
        ),
        (
            "client cert, other domain",
            &client,
            &inter,
            r("example.net"),
            Role::Client,
            vec!["no-matching-identity"],
        ),
        (
            "constrained CA minting sip:evil.example",
            &evil,
            &nc,
            r("evil.example"),
            Role::Server,
            vec!["chain-name-constraint-violation"],
        ),
    ];
    for (what, leaf, ca, reference, role, expected) in rows {
        let verdict = v.check(
            &leaf.der,
            std::slice::from_ref(&ca.der),
            pki::now(),
            &reference,
            role,
            &policy,
        );
        let codes: Vec<&str> = verdict
            .rejected()
            .map(|rj| rj.reasons().iter().map(|x| x.code().code()).collect())
            .unwrap_or_default();
        assert_eq!(
            codes, expected,
            "{what}: reference {reference} role {role:?}: {verdict:?}"
        );
        assert_eq!(
            verdict.is_accept(),
            expected.is_empty(),
            "{what}: {verdict:?}"
        );
    }
}
