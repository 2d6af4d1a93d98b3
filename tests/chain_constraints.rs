//! Path checks sipcert adds to webpki: iPAddress name constraints on every IP
//! identity (a `sip:<IP>` URI included), keyUsage on CA certificates, the name-constraint
//! work budget, certificates too large for webpki, and dNSName SANs webpki cannot check
//! against name constraints. End to end through `ChainVerifier::check` (the verdict the
//! rustls verifiers and the command line give), `ChainVerifier::verify`, and the rustls
//! verifier traits (`verify_server_cert`, `verify_client_cert`) as a handshake calls them.
//!
//! Self-contained: the PKI below is built with rcgen only.
#![allow(clippy::too_many_lines, clippy::needless_pass_by_value)] // long case tables; row builders take rows by value

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, CustomExtension, DistinguishedName, DnType,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints, SanType,
};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::{CertificateError, RootCertStore};
use sipcert::chain::{ChainError, ChainVerifier};
use sipcert::verifier::{SipClientVerifier, SipServerVerifier};
use sipcert::{DomainName, Policy, Reference, Rejected, Role, Verdict};

// ---------------------------------------------------------------------------------------------
// A small PKI
// ---------------------------------------------------------------------------------------------

const NC: &str = "chain-name-constraint-violation";
const KU: &str = "chain-ca-key-usage";

fn algs() -> &'static [&'static dyn rustls::pki_types::SignatureVerificationAlgorithm] {
    rustls::crypto::ring::default_provider()
        .signature_verification_algorithms
        .all
}

fn now() -> UnixTime {
    UnixTime::now()
}

fn dn(s: &str) -> DomainName {
    DomainName::from_ascii(s).unwrap()
}

fn cidr(s: &str) -> CidrSubnet {
    let (addr, prefix) = s.split_once('/').unwrap();
    CidrSubnet::from_addr_prefix(addr.parse().unwrap(), prefix.parse().unwrap())
}

/// CA certificate parameters: `CN=name`, cA=TRUE, no keyUsage, no name constraints.
fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p
}

fn with_nc(
    mut p: CertificateParams,
    permitted: Vec<GeneralSubtree>,
    excluded: Vec<GeneralSubtree>,
) -> CertificateParams {
    p.name_constraints = Some(NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: excluded,
    });
    p
}

fn with_ku(mut p: CertificateParams, ku: &[KeyUsagePurpose]) -> CertificateParams {
    p.key_usages = ku.to_vec();
    p
}

/// A CA: its certificate and what signs with its key.
struct Ca {
    der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    fn root(p: CertificateParams) -> Self {
        let key = KeyPair::generate().unwrap();
        let der = p.self_signed(&key).unwrap().der().clone();
        Self {
            der,
            issuer: Issuer::new(p, key),
        }
    }

    fn intermediate(&self, p: CertificateParams) -> Self {
        self.intermediate_with_key(p, KeyPair::generate().unwrap())
    }

    /// Two CA certificates for one key and one name (a cross-certificate): what either
    /// issues chains through both.
    fn intermediate_pair(&self, a: CertificateParams, b: CertificateParams) -> (Self, Self) {
        let key = KeyPair::generate().unwrap();
        let copy = KeyPair::try_from(key.serialize_der()).unwrap();
        (
            self.intermediate_with_key(a, key),
            self.intermediate_with_key(b, copy),
        )
    }

    fn intermediate_with_key(&self, p: CertificateParams, key: KeyPair) -> Self {
        let der = p.signed_by(&key, &self.issuer).unwrap().der().clone();
        Self {
            der,
            issuer: Issuer::new(p, key),
        }
    }

    fn anchor(&self) -> TrustAnchor<'static> {
        webpki::anchor_from_trusted_cert(&self.der)
            .unwrap()
            .to_owned()
    }

    fn leaf(&self, sans: Vec<SanType>) -> Leaf {
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.subject_alt_names = sans;
        self.leaf_from(p)
    }

    fn leaf_from(&self, p: CertificateParams) -> Leaf {
        let key = KeyPair::generate().unwrap();
        Leaf {
            der: p.signed_by(&key, &self.issuer).unwrap().der().clone(),
        }
    }
}

struct Leaf {
    der: CertificateDer<'static>,
}

fn uri(s: &str) -> SanType {
    SanType::URI(s.try_into().unwrap())
}

fn dns(s: &str) -> SanType {
    SanType::DnsName(s.try_into().unwrap())
}

fn ip_san(s: &str) -> SanType {
    SanType::IpAddress(s.parse().unwrap())
}

fn reference(s: &str) -> Reference {
    match s.parse::<IpAddr>() {
        Ok(ip) => Reference::Ip(ip),
        Err(_) => Reference::Domain(dn(s)),
    }
}

fn reject_codes(v: &Verdict) -> Vec<&'static str> {
    v.rejected()
        .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
        .unwrap_or_default()
}

fn messages(v: &Verdict) -> String {
    v.rejected()
        .map(|r| {
            r.reasons()
                .iter()
                .map(|x| x.message().to_owned())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default()
}

/// One end-to-end row through `ChainVerifier::check` (server role).
struct Row<'a> {
    what: &'a str,
    root: &'a Ca,
    chain: Vec<&'a CertificateDer<'static>>,
    reference: &'a str,
    policy: Policy,
    /// The reason codes (empty = accept).
    expect: &'a [&'a str],
    /// Text the reject message must contain.
    says: &'a [&'a str],
}

impl Row<'_> {
    fn run(&self) -> Verdict {
        let v = ChainVerifier::new(algs(), [self.root.anchor()]);
        let (ee, rest) = self.chain.split_first().unwrap();
        let intermediates: Vec<CertificateDer<'static>> =
            rest.iter().map(|c| (*c).clone()).collect();
        v.check(
            ee,
            &intermediates,
            now(),
            &reference(self.reference),
            Role::Server,
            &self.policy,
        )
    }

    fn check(&self) {
        let verdict = self.run();
        let full = format!("{verdict:?}");
        let mut shown: String = full.chars().take(2_000).collect();
        if shown.len() < full.len() {
            shown.push_str(" …");
        }
        assert_eq!(
            reject_codes(&verdict),
            self.expect,
            "{}: reference {} policy {:?}: {shown}",
            self.what,
            self.reference,
            self.policy
        );
        let text = messages(&verdict);
        for s in self.says {
            assert!(
                text.contains(s),
                "{}: message {text:?} should contain {s:?}",
                self.what
            );
        }
    }
}

fn ips() -> Policy {
    Policy::default().allow_ip_literals(true)
}

// ---------------------------------------------------------------------------------------------
// 1. iPAddress name constraints apply to every IP identity
// ---------------------------------------------------------------------------------------------

#[test]
fn ip_name_constraints_apply_to_sip_uri_ip_identities() {
    let root = Ca::root(ca_params("IP Root"));
    let permit = root.intermediate(with_nc(
        ca_params("Permits 192.0.2.0/24"),
        vec![GeneralSubtree::IpAddress(cidr("192.0.2.0/24"))],
        vec![],
    ));
    let exclude = root.intermediate(with_nc(
        ca_params("Excludes 192.0.2.0/24"),
        vec![],
        vec![GeneralSubtree::IpAddress(cidr("192.0.2.0/24"))],
    ));
    let permit_v6 = root.intermediate(with_nc(
        ca_params("Permits 2001:db8::/32"),
        vec![GeneralSubtree::IpAddress(cidr("2001:db8::/32"))],
        vec![],
    ));
    // Mask 255.0.255.0: not a prefix.
    let bad_mask = root.intermediate(with_nc(
        ca_params("Bad mask"),
        vec![GeneralSubtree::IpAddress(CidrSubnet::V4(
            [192, 0, 2, 0],
            [255, 0, 255, 0],
        ))],
        vec![],
    ));
    let constrained_root = Ca::root(with_nc(
        ca_params("IP-constrained Root"),
        vec![GeneralSubtree::IpAddress(cidr("192.0.2.0/24"))],
        vec![],
    ));
    let under_constrained_root = constrained_root.intermediate(ca_params("Plain Inter"));

    let outside = permit.leaf(vec![uri("sip:198.51.100.7")]);
    let inside = permit.leaf(vec![uri("sip:192.0.2.7")]);
    let v6 = permit.leaf(vec![uri("sip:[2001:db8::7]")]);
    let mapped = permit.leaf(vec![uri("sip:[::ffff:192.0.2.7]")]);
    let ip_san_outside = permit.leaf(vec![ip_san("198.51.100.7")]);
    let domain_under_ip_ca = permit.leaf(vec![uri("sip:example.com")]);
    let ip_and_domain = permit.leaf(vec![uri("sip:198.51.100.7"), uri("sip:example.com")]);
    let excluded = exclude.leaf(vec![uri("sip:192.0.2.7")]);
    let not_excluded = exclude.leaf(vec![uri("sip:198.51.100.7")]);
    let v4_under_v6 = permit_v6.leaf(vec![uri("sip:192.0.2.7")]);
    let v6_under_v6 = permit_v6.leaf(vec![uri("sip:[2001:db8::7]")]);
    let bad_mask_leaf = bad_mask.leaf(vec![uri("sip:192.0.2.7")]);
    let bad_mask_domain = bad_mask.leaf(vec![uri("sip:example.com")]);
    let root_outside = under_constrained_root.leaf(vec![uri("sip:198.51.100.7")]);
    let root_inside = under_constrained_root.leaf(vec![uri("sip:192.0.2.7")]);

    let rows = [
        Row {
            what: "URI:sip:198.51.100.7 under permitted 192.0.2.0/24 (webpki skips URI SANs)",
            root: &root,
            chain: vec![&outside.der, &permit.der],
            reference: "198.51.100.7",
            policy: ips(),
            expect: &[NC],
            says: &[
                "198.51.100.7",
                "permitted iPAddress subtrees {192.0.2.0/24}",
                "intermediate CA 1 (CN=Permits 192.0.2.0/24)",
            ],
        },
        Row {
            what: "URI:sip:192.0.2.7 under permitted 192.0.2.0/24",
            root: &root,
            chain: vec![&inside.der, &permit.der],
            reference: "192.0.2.7",
            policy: ips(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "URI:sip:[2001:db8::7] under IPv4-only permitted subtrees",
            root: &root,
            chain: vec![&v6.der, &permit.der],
            reference: "2001:db8::7",
            policy: ips(),
            expect: &[NC],
            says: &["2001:db8::7"],
        },
        Row {
            what: "IPv4-mapped IPv6 is IPv6, outside IPv4 subtrees",
            root: &root,
            chain: vec![&mapped.der, &permit.der],
            reference: "::ffff:192.0.2.7",
            policy: ips(),
            expect: &[NC],
            says: &[],
        },
        Row {
            what: "iPAddress SAN 198.51.100.7 under permitted 192.0.2.0/24 (webpki too)",
            root: &root,
            chain: vec![&ip_san_outside.der, &permit.der],
            reference: "198.51.100.7",
            policy: ips(),
            expect: &[NC],
            says: &[],
        },
        Row {
            what: "a domain identity is not restricted by iPAddress subtrees",
            root: &root,
            chain: vec![&domain_under_ip_ca.der, &permit.der],
            reference: "example.com",
            policy: ips(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "IP identity outside, reference the domain: the chain is still refused",
            root: &root,
            chain: vec![&ip_and_domain.der, &permit.der],
            reference: "example.com",
            policy: ips(),
            expect: &[NC],
            says: &["198.51.100.7"],
        },
        Row {
            what: "without allow_ip_literals a sip:<IP> URI is no identity, nothing to check",
            root: &root,
            chain: vec![&ip_and_domain.der, &permit.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "URI:sip:192.0.2.7 under excluded 192.0.2.0/24",
            root: &root,
            chain: vec![&excluded.der, &exclude.der],
            reference: "192.0.2.7",
            policy: ips(),
            expect: &[NC],
            says: &["excluded iPAddress 192.0.2.0/24"],
        },
        Row {
            what: "URI:sip:198.51.100.7 beside excluded 192.0.2.0/24",
            root: &root,
            chain: vec![&not_excluded.der, &exclude.der],
            reference: "198.51.100.7",
            policy: ips(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "IPv4 identity under IPv6-only permitted subtrees",
            root: &root,
            chain: vec![&v4_under_v6.der, &permit_v6.der],
            reference: "192.0.2.7",
            policy: ips(),
            expect: &[NC],
            says: &[],
        },
        Row {
            what: "IPv6 identity under permitted 2001:db8::/32",
            root: &root,
            chain: vec![&v6_under_v6.der, &permit_v6.der],
            reference: "2001:db8::7",
            policy: ips(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "iPAddress constraint with a non-contiguous mask, sip:<IP> identity",
            root: &root,
            chain: vec![&bad_mask_leaf.der, &bad_mask.der],
            reference: "192.0.2.7",
            policy: ips(),
            expect: &[NC],
            says: &["malformed name constraint", "not a contiguous prefix"],
        },
        Row {
            what: "iPAddress constraint with a non-contiguous mask fails closed for any identity",
            root: &root,
            chain: vec![&bad_mask_domain.der, &bad_mask.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[NC],
            says: &["not a contiguous prefix"],
        },
        Row {
            what: "trust anchor permits 192.0.2.0/24, URI:sip:198.51.100.7",
            root: &constrained_root,
            chain: vec![&root_outside.der, &under_constrained_root.der],
            reference: "198.51.100.7",
            policy: ips(),
            expect: &[NC],
            says: &["trust anchor"],
        },
        Row {
            what: "trust anchor permits 192.0.2.0/24, URI:sip:192.0.2.7",
            root: &constrained_root,
            chain: vec![&root_inside.der, &under_constrained_root.der],
            reference: "192.0.2.7",
            policy: ips(),
            expect: &[],
            says: &[],
        },
    ];
    for row in &rows {
        row.check();
    }
}

#[test]
fn ip_violation_is_a_sip_rejection_in_the_rustls_verifiers() {
    let root = Ca::root(ca_params("Verifier IP Root"));
    let permit = root.intermediate(with_nc(
        ca_params("Verifier Permits 192.0.2.0/24"),
        vec![GeneralSubtree::IpAddress(cidr("192.0.2.0/24"))],
        vec![],
    ));
    let outside = permit.leaf(vec![uri("sip:198.51.100.7")]);
    let inside = permit.leaf(vec![uri("sip:192.0.2.7")]);
    let mut store = RootCertStore::empty();
    store.add(root.der.clone()).unwrap();
    let store = Arc::new(store);
    let provider = Arc::new(rustls::crypto::ring::default_provider());

    // Server certificate, as the TLS client sees it.
    let server = SipServerVerifier::builder_with_provider(store.clone(), provider.clone())
        .policy(ips())
        .build()
        .unwrap();
    let verify = |leaf: &Leaf, ip: &str| {
        server.verify_server_cert(
            &leaf.der,
            std::slice::from_ref(&permit.der),
            &ServerName::IpAddress(ip.parse::<IpAddr>().unwrap().into()),
            &[],
            now(),
        )
    };
    verify(&inside, "192.0.2.7").expect("inside the permitted range");
    let err = verify(&outside, "198.51.100.7").expect_err("outside the permitted range");
    assert_eq!(rejection_codes(&err), [NC], "{err:?}");

    // Client certificate, as the SIP server sees it (a client is authenticated by a domain,
    // RFC 5922 §7.4, so these also carry one; their IP identity is still checked).
    let outside = permit.leaf(vec![uri("sip:198.51.100.7"), uri("sip:client.example.com")]);
    let inside = permit.leaf(vec![uri("sip:192.0.2.7"), uri("sip:client.example.com")]);
    let client = SipClientVerifier::builder_with_provider(store, provider)
        .policy(ips())
        .build()
        .unwrap();
    client
        .verify_client_cert(&inside.der, std::slice::from_ref(&permit.der), now())
        .expect("inside the permitted range");
    let err = client
        .verify_client_cert(&outside.der, std::slice::from_ref(&permit.der), now())
        .expect_err("outside the permitted range");
    assert_eq!(rejection_codes(&err), [NC], "{err:?}");
}

/// The codes of a SIP-level rejection, or the code of a chain error, carried in a rustls error.
fn rejection_codes(e: &rustls::Error) -> Vec<String> {
    let rustls::Error::InvalidCertificate(CertificateError::Other(other)) = e else {
        return vec![format!("{e:?}")];
    };
    if let Some(r) = other.0.downcast_ref::<Rejected>() {
        return r
            .reasons()
            .iter()
            .map(|x| x.code().code().to_owned())
            .collect();
    }
    if let Some(c) = other.0.downcast_ref::<ChainError>() {
        return vec![c.code().to_owned()];
    }
    vec![format!("{e:?}")]
}

// ---------------------------------------------------------------------------------------------
// 7. keyUsage on CA certificates
// ---------------------------------------------------------------------------------------------

/// The keyUsage extension (2.5.29.15) with a raw value, for shapes rcgen cannot write.
fn raw_key_usage(p: &mut CertificateParams, value: &[u8]) {
    let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 15], value.to_vec());
    ext.set_criticality(true);
    p.custom_extensions.push(ext);
}

#[test]
fn ca_key_usage_without_key_cert_sign_is_refused() {
    use KeyUsagePurpose::{CrlSign, DigitalSignature, KeyCertSign};
    let root = Ca::root(ca_params("KU Root"));
    let sig_only = root.intermediate(with_ku(
        ca_params("KU digitalSignature"),
        &[DigitalSignature],
    ));
    let crl_only = root.intermediate(with_ku(ca_params("KU cRLSign"), &[CrlSign]));
    let cert_sign = root.intermediate(with_ku(
        ca_params("KU keyCertSign"),
        &[KeyCertSign, CrlSign],
    ));
    let no_ku = root.intermediate(ca_params("No KU"));
    // Two levels: the upper CA lacks keyCertSign, the lower one is fine.
    let upper_bad = root.intermediate(with_ku(ca_params("Upper sig-only"), &[DigitalSignature]));
    let lower_ok = upper_bad.intermediate(with_ku(ca_params("Lower ok"), &[KeyCertSign]));
    let mut malformed_params = ca_params("KU padding bits set");
    // BIT STRING, 1 unused bit that is set: not DER (X.690 §11.2.1).
    raw_key_usage(&mut malformed_params, &[0x03, 0x02, 0x01, 0x07]);
    let malformed = root.intermediate(malformed_params);

    let leaf = |ca: &Ca| ca.leaf(vec![uri("sip:example.com")]);
    let (l_sig, l_crl, l_ok, l_none, l_two, l_bad) = (
        leaf(&sig_only),
        leaf(&crl_only),
        leaf(&cert_sign),
        leaf(&no_ku),
        leaf(&lower_ok),
        leaf(&malformed),
    );
    let rows = [
        Row {
            what: "intermediate with keyUsage digitalSignature only",
            root: &root,
            chain: vec![&l_sig.der, &sig_only.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[KU],
            says: &[
                "intermediate CA 1 (CN=KU digitalSignature)",
                "without keyCertSign",
            ],
        },
        Row {
            what: "intermediate with keyUsage cRLSign only",
            root: &root,
            chain: vec![&l_crl.der, &crl_only.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[KU],
            says: &[],
        },
        Row {
            what: "intermediate with keyCertSign",
            root: &root,
            chain: vec![&l_ok.der, &cert_sign.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "intermediate without a keyUsage extension",
            root: &root,
            chain: vec![&l_none.der, &no_ku.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "second intermediate lacks keyCertSign",
            root: &root,
            chain: vec![&l_two.der, &lower_ok.der, &upper_bad.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &[KU],
            says: &["intermediate CA 2 (CN=Upper sig-only)"],
        },
        Row {
            what: "intermediate with a non-DER keyUsage",
            root: &root,
            chain: vec![&l_bad.der, &malformed.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &["cert-malformed"],
            says: &["keyUsage of the intermediate CA 1", "padding bits"],
        },
    ];
    for row in &rows {
        row.check();
    }

    // The public error names the CA.
    let err = ChainVerifier::new(algs(), [root.anchor()])
        .verify(
            &l_sig.der,
            std::slice::from_ref(&sig_only.der),
            now(),
            Role::Server,
            &Policy::default(),
        )
        .expect_err("no keyCertSign");
    assert_eq!(
        err,
        ChainError::CaKeyUsage {
            ca: "intermediate CA 1 (CN=KU digitalSignature)".to_owned()
        }
    );
}

#[test]
fn key_usage_is_checked_per_path_so_another_path_can_pass() {
    use KeyUsagePurpose::{DigitalSignature, KeyCertSign};
    let root = Ca::root(ca_params("KU Cross Root"));
    let (bad, good) = root.intermediate_pair(
        with_ku(ca_params("KU Shared"), &[DigitalSignature]),
        with_ku(ca_params("KU Shared"), &[KeyCertSign]),
    );
    let leaf = bad.leaf(vec![uri("sip:example.com")]);
    Row {
        what: "bad certificate presented first, good one second",
        root: &root,
        chain: vec![&leaf.der, &bad.der, &good.der],
        reference: "example.com",
        policy: Policy::default(),
        expect: &[],
        says: &[],
    }
    .check();
    Row {
        what: "only the bad certificate",
        root: &root,
        chain: vec![&leaf.der, &bad.der],
        reference: "example.com",
        policy: Policy::default(),
        expect: &[KU],
        says: &[],
    }
    .check();
}

#[test]
fn ca_key_usage_aborts_the_rustls_verification_with_its_chain_error() {
    let root = Ca::root(ca_params("KU Verifier Root"));
    let sig_only = root.intermediate(with_ku(
        ca_params("KU Verifier sig-only"),
        &[KeyUsagePurpose::DigitalSignature],
    ));
    let leaf = sig_only.leaf(vec![uri("sip:example.com"), dns("example.com")]);
    let mut store = RootCertStore::empty();
    store.add(root.der.clone()).unwrap();
    let server = SipServerVerifier::builder_with_provider(
        Arc::new(store),
        Arc::new(rustls::crypto::ring::default_provider()),
    )
    .build()
    .unwrap();
    let err = server
        .verify_server_cert(
            &leaf.der,
            std::slice::from_ref(&sig_only.der),
            &ServerName::try_from("example.com").unwrap(),
            &[],
            now(),
        )
        .expect_err("no keyCertSign");
    assert_eq!(rejection_codes(&err), [KU], "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// 11. The name-constraint work budget
// ---------------------------------------------------------------------------------------------

/// `example.com` then `filler-N.example.net` up to `count` dNSName subtrees.
fn many_dns_subtrees(count: usize) -> Vec<GeneralSubtree> {
    let mut v = vec![GeneralSubtree::DnsName("example.com".to_owned())];
    v.extend((1..count).map(|i| GeneralSubtree::DnsName(format!("filler-{i}.example.net"))));
    v
}

/// `count` `sip:` URI SANs, all under example.com.
fn many_uri_sans(count: usize) -> Vec<SanType> {
    (0..count)
        .map(|i| uri(&format!("sip:h{i}.example.com")))
        .collect()
}

#[test]
fn name_constraint_budget_fails_closed_on_huge_paths() {
    // The trust anchor and the intermediate each carry 60 dNSName subtrees; the leaf has
    // 1 500 `sip:` URI SANs, all inside. sipcert: 1 500 × 120 = 180 000 comparisons, over its
    // budget of 100 000. webpki counts (1 500 SANs + the subject) × 120 + 60 = 180 180 < 250 000,
    // so webpki's own budget does not fire, and it ignores URI SANs under dNSName
    // constraints: the refusal is sipcert's.
    let subtrees = 60;
    let names = 1_500;
    let root = Ca::root(with_nc(
        ca_params("Budget Root"),
        many_dns_subtrees(subtrees),
        vec![],
    ));
    let inter = root.intermediate(with_nc(
        ca_params("Budget Inter"),
        many_dns_subtrees(subtrees),
        vec![],
    ));
    let huge = inter.leaf(many_uri_sans(names));
    let small = inter.leaf(many_uri_sans(100));
    let rows = [
        Row {
            what: "1 500 sip: URIs × 120 subtrees",
            root: &root,
            chain: vec![&huge.der, &inter.der],
            reference: "h7.example.com",
            policy: Policy::default(),
            expect: &[NC],
            says: &[
                "name-constraint check budget exceeded",
                "1500 SIP identities × 120 name-constraint subtrees",
                "100000 comparisons",
            ],
        },
        Row {
            what: "100 sip: URIs × 120 subtrees is within the budget",
            root: &root,
            chain: vec![&small.der, &inter.der],
            reference: "h7.example.com",
            policy: Policy::default(),
            expect: &[],
            says: &[],
        },
    ];
    for row in &rows {
        row.check();
    }

    // The same through the public API: the error is sipcert's budget, not webpki's
    // (MaximumNameConstraintComparisonsExceeded would be `Invalid`).
    let err = ChainVerifier::new(algs(), [root.anchor()])
        .verify(
            &huge.der,
            std::slice::from_ref(&inter.der),
            now(),
            Role::Server,
            &Policy::default(),
        )
        .expect_err("over the budget");
    assert_eq!(
        err,
        ChainError::NameConstraintBudgetExceeded {
            names,
            subtrees: 2 * subtrees,
            limit: 100_000
        }
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Certificates too large for webpki; dNSNames webpki cannot check against constraints
// ---------------------------------------------------------------------------------------------

#[test]
fn certificates_over_64_kib_are_cert_too_large() {
    let root = Ca::root(ca_params("Size Root"));
    let inter = root.intermediate(ca_params("Size Inter"));
    // 3 000 dNSNames of 25 octets: about 80 KB of SAN.
    let mut sans: Vec<SanType> = (0..3_000)
        .map(|i| dns(&format!("host-{i:05}.example.org")))
        .collect();
    sans.push(uri("sip:example.com"));
    let big_leaf = inter.leaf(sans);
    assert!(big_leaf.der.len() > 65_535, "{}", big_leaf.der.len());

    // An intermediate with a 70 000-octet non-critical private extension.
    let mut p = ca_params("Big Inter");
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[1, 3, 6, 1, 4, 1, 99_999, 7],
        vec![0x04, 0x83, 0x01, 0x11, 0x70]
            .into_iter()
            .chain(std::iter::repeat_n(0u8, 70_000))
            .collect(),
    ));
    let big_inter = root.intermediate(p);
    assert!(big_inter.der.len() > 65_535, "{}", big_inter.der.len());
    let under_big = big_inter.leaf(vec![uri("sip:example.com")]);

    let big_leaf_size = big_leaf.der.len().to_string();
    let big_inter_size = big_inter.der.len().to_string();
    let rows = [
        Row {
            what: "end entity over 64 KiB",
            root: &root,
            chain: vec![&big_leaf.der, &inter.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &["cert-too-large"],
            says: &[
                "end-entity certificate is too large for webpki",
                &big_leaf_size,
                "65 534",
            ],
        },
        Row {
            what: "intermediate over 64 KiB",
            root: &root,
            chain: vec![&under_big.der, &big_inter.der],
            reference: "example.com",
            policy: Policy::default(),
            expect: &["cert-too-large"],
            says: &["intermediate certificate 1", &big_inter_size],
        },
    ];
    for row in &rows {
        row.check();
    }
    let err = ChainVerifier::new(algs(), [root.anchor()])
        .verify(
            &big_leaf.der,
            std::slice::from_ref(&inter.der),
            now(),
            Role::Server,
            &Policy::default(),
        )
        .expect_err("too large");
    assert_eq!(
        err,
        ChainError::TooLarge {
            which: "end-entity certificate".to_owned(),
            size: big_leaf.der.len()
        }
    );
}

#[test]
fn trailing_dot_dns_san_under_name_constraints_is_not_checkable() {
    let root = Ca::root(ca_params("Dot Root"));
    let plain = root.intermediate(ca_params("Dot Plain"));
    let constrained = root.intermediate(with_nc(
        ca_params("Dot Constrained"),
        vec![GeneralSubtree::DnsName("example.com".to_owned())],
        vec![],
    ));
    let unconstrained_leaf = plain.leaf(vec![dns("sip.example.com.")]);
    let constrained_leaf = constrained.leaf(vec![dns("sip.example.com.")]);
    let rows = [
        Row {
            what: "DNS:sip.example.com. without name constraints (D5 strips the dot)",
            root: &root,
            chain: vec![&unconstrained_leaf.der, &plain.der],
            reference: "sip.example.com",
            policy: Policy::default(),
            expect: &[],
            says: &[],
        },
        Row {
            what: "DNS:sip.example.com. under permitted example.com",
            root: &root,
            chain: vec![&constrained_leaf.der, &constrained.der],
            reference: "sip.example.com",
            policy: Policy::default(),
            expect: &[NC],
            says: &[
                "not in the DNS preferred name syntax",
                "trailing dot",
                "cannot check it against the name constraints",
            ],
        },
    ];
    for row in &rows {
        row.check();
    }
}
