//! Regressions for fail-open paths found by attacking the library: each row would have been
//! accepted, or reported under a different code by different entry points, before the fix.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, IsCa, Issuer, KeyPair,
    SanType,
};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::{CertificateError, RootCertStore};
use sipcert::chain::ChainVerifier;
use sipcert::verifier::{rejection, SipClientVerifier, SipServerVerifier};
use sipcert::{
    check_end_entity, extract_identities, DomainName, EkuMode, Policy, Reference, Role, Verdict,
};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn reference(d: &str) -> Reference {
    Reference::Domain(DomainName::from_ascii(d).unwrap())
}

/// A root and a leaf it signs, with the leaf's extensions given as raw (OID, value) pairs.
struct Pki {
    root: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl Pki {
    fn new() -> Self {
        let mut ca = CertificateParams::default();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let root = ca.self_signed(&key).unwrap().der().clone();
        Self {
            root,
            issuer: Issuer::new(ca, key),
        }
    }

    fn leaf(&self, sans: Vec<SanType>, extra: &[(&[u64], Vec<u8>)]) -> CertificateDer<'static> {
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.subject_alt_names = sans;
        for (oid, value) in extra {
            p.custom_extensions
                .push(CustomExtension::from_oid_content(oid, value.clone()));
        }
        p.signed_by(&KeyPair::generate().unwrap(), &self.issuer)
            .unwrap()
            .der()
            .clone()
    }

    fn roots(&self) -> Arc<RootCertStore> {
        let mut roots = RootCertStore::empty();
        roots.add(self.root.clone()).unwrap();
        Arc::new(roots)
    }

    fn chain(&self) -> ChainVerifier {
        let anchor = webpki::anchor_from_trusted_cert(&self.root)
            .unwrap()
            .to_owned();
        ChainVerifier::new(provider().signature_verification_algorithms.all, [anchor])
    }
}

fn uri(s: &str) -> SanType {
    SanType::URI(s.try_into().unwrap())
}

/// The reason code a verdict leads with.
fn verdict_code(v: &Verdict) -> &'static str {
    match v {
        Verdict::Accept(_) => "accept",
        Verdict::Reject(r) => r.reasons()[0].code().code(),
    }
}

/// The reason code behind a rustls verifier error: the `Rejected` when there is one, else the
/// rustls variant the path failure was mapped to.
fn rustls_code(e: &rustls::Error) -> &'static str {
    if let Some(r) = rejection(e) {
        return r.reasons()[0].code().code();
    }
    match e {
        rustls::Error::InvalidCertificate(CertificateError::BadEncoding) => "cert-malformed",
        rustls::Error::InvalidCertificate(CertificateError::InvalidPurposeContext { .. }) => {
            "eku-not-permitted"
        }
        other => panic!("unexpected rustls error {other:?}"),
    }
}

const EKU: &[u64] = &[2, 5, 29, 37];

/// (name, raw extensions of the leaf, EKU mode, expected code or `accept`)
type EkuRow = (
    &'static str,
    Vec<(&'static [u64], Vec<u8>)>,
    EkuMode,
    &'static str,
);

/// The DER of an EKU extension value listing `oids` (content octets each).
fn eku(oids: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for oid in oids {
        body.push(0x06);
        body.push(u8::try_from(oid.len()).unwrap());
        body.extend_from_slice(oid);
    }
    let mut out = vec![0x30, u8::try_from(body.len()).unwrap()];
    out.extend(body);
    out
}

const SIP_DOMAIN: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x14];
const CLIENT_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
const CODE_SIGNING: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];

/// Item 4 of the attack review: the client verifier reported a malformed, duplicate or empty
/// EKU extension as `eku-not-permitted` while `check_end_entity` said `cert-malformed`. Now
/// one decision path gives one code, whatever the entry point.
#[test]
fn every_entry_point_gives_the_same_eku_code() {
    let pki = Pki::new();
    let sans = || vec![uri("sip:client.example.net")];
    let rows = eku_rows();
    let now = UnixTime::now();
    let aus = reference("client.example.net");
    for (name, extra, mode, want) in rows {
        let leaf = pki.leaf(sans(), &extra);
        let policy = Policy::default().with_eku_mode(mode);
        let names_only = verdict_code(&check_end_entity(&leaf, &aus, Role::Client, &policy));
        let chain = verdict_code(
            &pki.chain()
                .check(&leaf, &[], now, &aus, Role::Client, &policy),
        );
        let verifier = SipClientVerifier::builder_with_provider(pki.roots(), provider())
            .policy(policy.clone())
            .build()
            .unwrap();
        let rustls = match verifier.verify_client_cert(&leaf, &[], now) {
            Ok(_) => "accept",
            Err(e) => rustls_code(&e),
        };
        assert_eq!(
            (names_only, chain, rustls),
            (want, want, want),
            "{name} ({mode:?}): check_end_entity / ChainVerifier::check / SipClientVerifier"
        );
    }
}

/// The rows of [`every_entry_point_gives_the_same_eku_code`]: name, extra extensions, EKU
/// mode, the code every entry point must give.
fn eku_rows() -> Vec<EkuRow> {
    let mut trailing = eku(&[CLIENT_AUTH]);
    trailing.extend_from_slice(&[0x05, 0x00]);
    vec![
        (
            "empty EKU",
            vec![(EKU, vec![0x30, 0x00])],
            EkuMode::Compatible,
            "cert-malformed",
        ),
        (
            "duplicate EKU",
            vec![(EKU, eku(&[SIP_DOMAIN])), (EKU, eku(&[SIP_DOMAIN]))],
            EkuMode::Compatible,
            "cert-malformed",
        ),
        (
            "trailing octets",
            vec![(EKU, trailing)],
            EkuMode::Compatible,
            "cert-malformed",
        ),
        (
            "truncated OID",
            vec![(EKU, vec![0x30, 0x03, 0x06, 0x01])],
            EkuMode::Compatible,
            "cert-malformed",
        ),
        (
            // sipDomain with a redundant 0x80 octet in its last arc, beside clientAuth so that
            // webpki's path rule (which compares OID bytes) passes: only the strict parse of
            // the leaf can refuse it, and every entry point must say cert-malformed.
            "non-minimal OID arc",
            vec![(
                EKU,
                eku(&[
                    CLIENT_AUTH,
                    &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x80, 0x14],
                ]),
            )],
            EkuMode::Compatible,
            "cert-malformed",
        ),
        (
            "codeSigning only",
            vec![(EKU, eku(&[CODE_SIGNING]))],
            EkuMode::Compatible,
            "eku-not-permitted",
        ),
        (
            "clientAuth only, RFC 5924 mode",
            vec![(EKU, eku(&[CLIENT_AUTH]))],
            EkuMode::Rfc5924,
            "eku-not-permitted",
        ),
        (
            "sipDomain",
            vec![(EKU, eku(&[SIP_DOMAIN]))],
            EkuMode::Rfc5924,
            "accept",
        ),
    ]
}

/// Item 2: identities remember the policy they were extracted with, so a dNSName found under
/// the default policy can never be matched as if `require_sip_uri` had been applied (or the
/// other way round): matching takes no policy of its own.
#[test]
fn matching_uses_the_extraction_policy() {
    let pki = Pki::new();
    let leaf = pki.leaf(
        vec![SanType::DnsName("example.com".try_into().unwrap())],
        &[],
    );
    let strict = Policy::default().require_sip_uri(true);
    let rows = [
        ("default policy", Policy::default(), true),
        ("require_sip_uri", strict, false),
    ];
    for (name, policy, matches) in rows {
        let ids = extract_identities(&leaf, &policy).unwrap();
        assert_eq!(ids.policy(), &policy, "{name}");
        assert_eq!(
            ids.matches(&reference("example.com")).is_some(),
            matches,
            "{name}: {ids}"
        );
    }
}

/// The server verifier and `ChainVerifier::check` agree on the rejection of an IP-literal
/// reference and of a wrong domain, and the rustls error carries the whole `Rejected`.
#[test]
fn server_verifier_rejection_is_reachable() {
    let pki = Pki::new();
    let leaf = pki.leaf(vec![uri("sip:example.com")], &[]);
    let verifier = SipServerVerifier::builder_with_provider(pki.roots(), provider())
        .build()
        .unwrap();
    let now = UnixTime::now();
    for (name, server_name, code) in [
        ("wrong domain", "example.net", "no-matching-identity"),
        ("IP literal", "192.0.2.1", "reference-is-ip-literal"),
    ] {
        let sn = ServerName::try_from(server_name).unwrap();
        let err = verifier
            .verify_server_cert(&leaf, &[], &sn, &[], now)
            .expect_err(name);
        let r = rejection(&err).unwrap_or_else(|| panic!("{name}: {err:?}"));
        assert_eq!(r.reasons()[0].code().code(), code, "{name}: {r}");
        assert!(r.path_error().is_none(), "{name}: the path was valid");
    }
}

/// (server name, accepted by default, accepted under `danger::allow_wildcards`) for a leaf
/// naming `example.com`, `*.wild.example` and `xn--bcher-kva.example`.
const SERVER_NAMES: &[(&str, bool, bool)] = &[
    ("example.com", true, true),
    ("EXAMPLE.Com", true, true),
    ("example.com.", true, true),
    ("www.example.com", false, false),
    ("example.co", false, false),
    ("com", false, false),
    ("a.wild.example", false, true),
    ("A.Wild.Example.", false, true),
    ("a.b.wild.example", false, false),
    ("xn--bcher-kva.example", true, true),
    ("XN--BCHER-KVA.example", true, true),
    ("xn--abc.example", false, false),
    ("192.0.2.1", false, false),
    ("2001:db8::1", false, false),
];

/// The server verifier matches a plain host name as the connection gives it, building the
/// reference only to report a rejection: every form of server name (case, trailing dot,
/// A-labels, IP addresses, names that are no SIP domain) must decide as
/// `SipServerVerifier::check` does with the built reference, under the default policy and
/// under `danger::allow_wildcards`.
#[test]
fn every_server_name_form_decides_as_check() {
    use sipcert::ReasonCode;
    let pki = Pki::new();
    let leaf = pki.leaf(
        vec![
            SanType::DnsName("example.com".try_into().unwrap()),
            SanType::DnsName("*.wild.example".try_into().unwrap()),
            SanType::DnsName("xn--bcher-kva.example".try_into().unwrap()),
        ],
        &[],
    );
    let now = UnixTime::now();
    for wildcards in [false, true] {
        let policy = if wildcards {
            sipcert::danger::allow_wildcards(Policy::default())
        } else {
            Policy::default()
        };
        let verifier = SipServerVerifier::builder_with_provider(pki.roots(), provider())
            .policy(policy)
            .build()
            .unwrap();
        for &(name, by_default, with_wildcards) in SERVER_NAMES {
            let expected = if wildcards {
                with_wildcards
            } else {
                by_default
            };
            let server_name = ServerName::try_from(name).unwrap();
            let got = verifier.verify_server_cert(&leaf, &[], &server_name, &[], now);
            assert_eq!(
                got.is_ok(),
                expected,
                "{name:?} (wildcards {wildcards}): {got:?}"
            );
            let built = match name.parse::<std::net::IpAddr>() {
                Ok(ip) => Ok(Reference::Ip(ip)),
                Err(_) => DomainName::from_ascii(name).map(Reference::Domain),
            };
            let Ok(built) = built else {
                // Not a SIP domain: refused before any certificate is looked at.
                let e = got.unwrap_err();
                let r = rejection(&e).expect("a sipcert rejection");
                assert_eq!(
                    r.reasons()[0].code(),
                    ReasonCode::ReferenceInvalid,
                    "{name:?}"
                );
                continue;
            };
            let verdict = verifier.check(&leaf, &[], &built, now);
            assert_eq!(
                verdict.is_accept(),
                expected,
                "{name:?} (wildcards {wildcards}): check says {verdict:?}"
            );
            if let (Err(e), Some(checked)) = (&got, verdict.rejected()) {
                if let Some(r) = rejection(e) {
                    let codes = |r: &sipcert::Rejected| {
                        r.reasons()
                            .iter()
                            .map(sipcert::Reason::code)
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(codes(r), codes(checked), "{name:?} (wildcards {wildcards})");
                    assert_eq!(r.reference(), checked.reference(), "{name:?}");
                }
            }
        }
    }
}
