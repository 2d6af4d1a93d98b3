//! The verifier's rules beyond numbers and TNAuthList: a SIP URI originator judged by the
//! crate's RFC 5922 rules, the Date header, JWTClaimConstraints (RFC 8226 §8) and
//! EnhancedJWTClaimConstraints (RFC 9118), RFC 9060 delegate certificates. Each code has an
//! input that produces it and a well-formed neighbour that verifies.

use std::sync::Arc;
use std::time::Duration;

use rcgen::KeyPair;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::{CertificateDer, UnixTime};
use sipcert::stir::{
    sign, Attest, CanonicalTn, CertificateSource, Orig, Passport, SourceError, StirCode,
    StirRequest, StirVerdict, StirVerifier, TnAuthority,
};
use sipcert::uri::OwnedSipUri;
use sipcert_testkit::pki::{Ca, CaSpec, Issued, LeafSpec};
use sipcert_testkit::stir::{
    claim_constraints, shaken_passport, tn_auth_list, TnEntry as Tn,
    ENHANCED_JWT_CLAIM_CONSTRAINTS_OID, JWT_CLAIM_CONSTRAINTS_OID, TN_AUTH_LIST_OID,
};

const X5U: &str = "https://cert.example.org/passport.pem";
const ORIG: &str = "12155551212";
const DEST: &str = "12155551213";
const IAT: i64 = 1_780_000_000;
/// [`IAT`] as an IMF-fixdate, and some seconds after it.
const DATE_IAT: &str = "Thu, 28 May 2026 20:26:40 GMT";
const DATE_IAT_60: &str = "Thu, 28 May 2026 20:27:40 GMT";
const DATE_IAT_110: &str = "Thu, 28 May 2026 20:28:30 GMT";
const DATE_IAT_MINUS_70: &str = "Thu, 28 May 2026 20:25:30 GMT";

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tn(s: &str) -> CanonicalTn {
    CanonicalTn::parse(s).expect("number")
}

fn at(secs: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(secs).expect("positive")))
}

fn uri(s: &str) -> OwnedSipUri {
    OwnedSipUri::parse(s).expect("SIP URI")
}

/// A root STI-CA, an optional intermediate, and a leaf issued by the last of them.
struct Pki {
    root: Ca,
    chain: Vec<CertificateDer<'static>>,
    leaf: Issued,
}

impl Pki {
    fn new(leaf: LeafSpec, intermediate: Option<CaSpec>) -> Self {
        let root = Ca::root_with(CaSpec::new("Test STI-CA"));
        let key = KeyPair::generate().expect("key");
        let (leaf, mut chain) = match intermediate {
            Some(spec) => {
                let inter = root.intermediate(spec);
                let leaf = inter.leaf_with_key(leaf, &key);
                (leaf, vec![inter.der.clone()])
            }
            None => (root.leaf_with_key(leaf, &key), Vec::new()),
        };
        chain.insert(0, leaf.der.clone());
        Self { root, chain, leaf }
    }

    fn with_tns(entries: &[Tn]) -> LeafSpec {
        LeafSpec::new()
            .cn("Test STI-SP")
            .extension(TN_AUTH_LIST_OID, tn_auth_list(entries))
    }

    fn verifier(&self) -> StirVerifier {
        StirVerifier::new([self.root.anchor()], provider())
    }

    fn sign(&self, passport: &Passport) -> String {
        sign(passport, &self.leaf.key, &provider()).expect("signs")
    }
}

impl CertificateSource for Pki {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        if url == X5U {
            Ok(self.chain.clone())
        } else {
            Err(SourceError::new(format!("nothing at {url}")))
        }
    }
}

fn shaken(orig: Orig, attest: Attest) -> Passport {
    shaken_passport(orig, attest, X5U, &[tn(DEST)], IAT)
}

fn assert_fails(verdict: &StirVerdict, code: StirCode, case: &str) {
    assert_eq!(verdict.code(), Some(code), "{case}: {verdict}");
    assert_eq!(
        verdict.response_code(),
        Some(code.response_code()),
        "{case}"
    );
    assert_eq!(verdict.verstat(), code.verstat(), "{case}");
}

/// `Ok(())`: the verdict is verified; `Err(code)`: it fails with `code`.
fn expect(verdict: &StirVerdict, expected: Result<(), StirCode>, case: &str) {
    match expected {
        Ok(()) => assert!(verdict.is_verified(), "{case}: {verdict}"),
        Err(code) => assert_fails(verdict, code, case),
    }
}

/// Verifies `identity` for the numbers [`ORIG`] → [`DEST`], with an optional From URI and
/// Date, at `now`.
fn verify(
    pki: &Pki,
    identity: &str,
    from: Option<&OwnedSipUri>,
    date: Option<&str>,
    now: i64,
) -> StirVerdict {
    let (orig, dest) = (tn(ORIG), tn(DEST));
    let mut request = StirRequest::new(identity, &orig, &dest);
    if let Some(from) = from {
        request = request.with_from(from);
    }
    if let Some(date) = date {
        request = request.with_date(date);
    }
    pki.verifier().verify(&request, pki, at(now))
}

#[test]
fn a_sip_uri_originator_is_judged_by_the_domain_certificate() {
    let pki = Pki::new(LeafSpec::new().uri("sip:example.com"), None);
    let identity = pki.sign(&shaken(
        Orig::Uri("sip:alice@example.com".into()),
        Attest::A,
    ));
    // The From URI compares as a SIP URI: host case and unimportant parameters do not count.
    for from in ["sip:alice@example.com", "sip:alice@EXAMPLE.com;lr"] {
        let verdict = verify(&pki, &identity, Some(&uri(from)), None, IAT);
        let StirVerdict::Verified(v) = &verdict else {
            panic!("{from}: {verdict}");
        };
        assert_eq!(
            v.authority(),
            &TnAuthority::Domain("example.com".parse().expect("domain")),
            "{from}"
        );
    }
    for (from, code) in [
        ("sip:bob@example.com", StirCode::OrigUriMismatch),
        ("sips:alice@example.com", StirCode::OrigUriMismatch),
        ("sip:alice@example.com:5070", StirCode::OrigUriMismatch),
        (
            "sip:alice@example.com;transport=tcp",
            StirCode::OrigUriMismatch,
        ),
    ] {
        assert_fails(
            &verify(&pki, &identity, Some(&uri(from)), None, IAT),
            code,
            from,
        );
    }
    assert_fails(
        &verify(&pki, &identity, None, None, IAT),
        StirCode::OrigUriUnsupported,
        "no From URI given",
    );

    // orig.uri that is not a SIP URI names no From URI.
    let tel = pki.sign(&shaken(Orig::Uri("tel:+12155551212".into()), Attest::A));
    assert_fails(
        &verify(&pki, &tel, Some(&uri("sip:alice@example.com")), None, IAT),
        StirCode::OrigUriMismatch,
        "orig.uri tel:",
    );
}

#[test]
fn the_certificate_must_carry_the_from_domain_by_rfc_5922_rules() {
    let passport = shaken(Orig::Uri("sip:alice@a.example.com".into()), Attest::A);
    let from = uri("sip:alice@a.example.com");
    for (leaf, verifies, case) in [
        (
            LeafSpec::new().uri("sip:a.example.com"),
            true,
            "sip: URI SAN",
        ),
        (LeafSpec::new().dns("a.example.com"), true, "dNSName SAN"),
        (LeafSpec::new().cn("a.example.com"), true, "CN without SAN"),
        (
            LeafSpec::new().uri("sip:example.com"),
            false,
            "the parent domain",
        ),
        (LeafSpec::new().dns("*.example.com"), false, "a wildcard"),
        (
            LeafSpec::new()
                .uri("sip:other.example")
                .dns("a.example.com"),
            false,
            "a sip: URI SAN suppresses the DNS SAN",
        ),
        (
            LeafSpec::new().uri("sip:alice@a.example.com"),
            false,
            "a URI SAN with a user part",
        ),
        (
            LeafSpec::new().extension(TN_AUTH_LIST_OID, tn_auth_list(&[Tn::Spc("709J".into())])),
            false,
            "an SPC certificate without the domain",
        ),
    ] {
        let pki = Pki::new(leaf, None);
        let verdict = verify(&pki, &pki.sign(&passport), Some(&from), None, IAT);
        expect(
            &verdict,
            verifies.then_some(()).ok_or(StirCode::OrigUriNotAuthorized),
            case,
        );
    }
}

#[test]
fn a_number_originator_still_needs_its_tn_with_a_from_uri_given() {
    let pki = Pki::new(Pki::with_tns(&[Tn::One(ORIG.into())]), None);
    let identity = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    let from = uri("sip:+12155551212@example.com;user=phone");
    assert!(verify(&pki, &identity, Some(&from), None, IAT).is_verified());
    let other = Pki::new(Pki::with_tns(&[Tn::One("12155550000".into())]), None);
    assert_fails(
        &verify(
            &other,
            &other.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A)),
            Some(&from),
            None,
            IAT,
        ),
        StirCode::TnNotAuthorized,
        "a From URI does not replace the TNAuthList",
    );
}

#[test]
fn the_date_header_bounds_now_and_iat() {
    let pki = Pki::new(Pki::with_tns(&[Tn::One(ORIG.into())]), None);
    let identity = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    for (date, now, case) in [
        (DATE_IAT, IAT + 5, "the Date of iat"),
        (DATE_IAT_60, IAT + 55, "Date 60 s after iat"),
        (
            DATE_IAT_MINUS_70,
            IAT - 15,
            "Date 70 s before iat, within 60 s of now",
        ),
    ] {
        let verdict = verify(&pki, &identity, None, Some(date), now);
        if date == DATE_IAT_MINUS_70 {
            assert_fails(&verdict, StirCode::Stale, case);
        } else {
            assert!(verdict.is_verified(), "{case}: {verdict}");
        }
    }
    assert_fails(
        &verify(&pki, &identity, None, Some(DATE_IAT_MINUS_70), IAT),
        StirCode::DateStale,
        "Date 70 s before now",
    );
    assert_fails(
        &verify(&pki, &identity, None, Some(DATE_IAT_110), IAT + 55),
        StirCode::Stale,
        "iat 110 s before the Date, each within 60 s of now",
    );
    for bad in [
        "Thursday, 28-May-26 20:26:40 GMT",
        "Thu May 28 20:26:40 2026",
        "Fri, 28 May 2026 20:26:40 GMT",
        "Thu, 28 May 2026 20:26:40 +0000",
        "",
    ] {
        assert_fails(
            &verify(&pki, &identity, None, Some(bad), IAT),
            StirCode::DateInvalid,
            bad,
        );
    }
}

/// A leaf for [`ORIG`] with one constraints extension.
fn constrained(oid: &[u64], value: Vec<u8>) -> Pki {
    Pki::new(
        Pki::with_tns(&[Tn::One(ORIG.into())]).extension(oid, value),
        None,
    )
}

type Names = &'static [&'static str];
type Permitted = &'static [(&'static str, Names)];

/// One row of [`claim_constraints_are_enforced`]: RFC 9118's extension (else RFC 8226's), its
/// `mustInclude`, `permittedValues` and `mustExclude`, the PASSporT's attestation, whether
/// it verifies, the case.
type Row = (bool, Names, Permitted, Names, Attest, bool, &'static str);

const CONSTRAINT_ROWS: [Row; 11] = [
    (
        false,
        &["origid"],
        &[],
        &[],
        Attest::A,
        true,
        "mustInclude present",
    ),
    (
        false,
        &["rcd"],
        &[],
        &[],
        Attest::A,
        false,
        "mustInclude absent",
    ),
    (
        false,
        &[],
        &[("attest", &["A"])],
        &[],
        Attest::A,
        true,
        "A permitted",
    ),
    (
        false,
        &[],
        &[("attest", &["A"])],
        &[],
        Attest::B,
        false,
        "B not permitted",
    ),
    (
        false,
        &[],
        &[("rcd", &["x"])],
        &[],
        Attest::A,
        true,
        "permitted, absent",
    ),
    (
        false,
        &[],
        &[("orig", &["x"])],
        &[],
        Attest::A,
        false,
        "an object claim",
    ),
    (
        false,
        &["iat", "orig"],
        &[],
        &[],
        Attest::B,
        true,
        "two names present",
    ),
    (
        true,
        &["attest"],
        &[],
        &["div"],
        Attest::A,
        true,
        "mustExclude absent",
    ),
    (
        true,
        &[],
        &[],
        &["origid"],
        Attest::A,
        false,
        "mustExclude present",
    ),
    (
        true,
        &["dest"],
        &[("attest", &["B", "C"])],
        &["rcd"],
        Attest::B,
        true,
        "all three kept",
    ),
    (
        true,
        &["dest"],
        &[("attest", &["B", "C"])],
        &["rcd"],
        Attest::A,
        false,
        "A not permitted",
    ),
];

#[test]
fn claim_constraints_are_enforced() {
    for (enhanced, include, permitted, exclude, attest, verifies, case) in CONSTRAINT_ROWS {
        let oid = if enhanced {
            ENHANCED_JWT_CLAIM_CONSTRAINTS_OID
        } else {
            JWT_CLAIM_CONSTRAINTS_OID
        };
        let pki = constrained(oid, claim_constraints(include, permitted, exclude));
        let verdict = verify(
            &pki,
            &pki.sign(&shaken(Orig::Tn(tn(ORIG)), attest)),
            None,
            None,
            IAT,
        );
        expect(
            &verdict,
            verifies
                .then_some(())
                .ok_or(StirCode::ClaimConstraintViolated),
            case,
        );
    }
}

#[test]
fn malformed_claim_constraints_fail_closed() {
    let a = shaken(Orig::Tn(tn(ORIG)), Attest::A);
    let good = claim_constraints(&["origid"], &[], &[]);
    let mut trailing = good.clone();
    trailing.push(0);
    let rows: [(&[u64], Vec<u8>, &str); 7] = [
        (
            JWT_CLAIM_CONSTRAINTS_OID,
            vec![0x30, 0x00],
            "no constraint at all",
        ),
        (
            JWT_CLAIM_CONSTRAINTS_OID,
            claim_constraints(&[], &[], &["div"]),
            "mustExclude in RFC 8226's extension",
        ),
        (JWT_CLAIM_CONSTRAINTS_OID, trailing, "trailing octets"),
        (
            JWT_CLAIM_CONSTRAINTS_OID,
            vec![0x30, 0x04, 0xa0, 0x02, 0x30, 0x00],
            "an empty mustInclude",
        ),
        (
            JWT_CLAIM_CONSTRAINTS_OID,
            vec![0x30, 0x06, 0x80, 0x04, b'i', b'a', b't', b'x'],
            "an IMPLICIT tag",
        ),
        (
            ENHANCED_JWT_CLAIM_CONSTRAINTS_OID,
            vec![0x30, 0x07, 0xa0, 0x05, 0x30, 0x03, 0x0c, 0x01, b'x'],
            "a UTF8String claim name",
        ),
        (
            ENHANCED_JWT_CLAIM_CONSTRAINTS_OID,
            vec![0x04, 0x00],
            "not a SEQUENCE",
        ),
    ];
    for (oid, value, case) in rows {
        let pki = constrained(oid, value);
        assert_fails(
            &verify(&pki, &pki.sign(&a), None, None, IAT),
            StirCode::ClaimConstraintMalformed,
            case,
        );
    }
    let pki = constrained(JWT_CLAIM_CONSTRAINTS_OID, good);
    assert!(verify(&pki, &pki.sign(&a), None, None, IAT).is_verified());
}

#[test]
fn constraints_on_the_issuer_apply_too() {
    let inter = CaSpec::new("Test STI intermediate").extension(
        ENHANCED_JWT_CLAIM_CONSTRAINTS_OID,
        claim_constraints(&[], &[("attest", &["A"])], &[]),
    );
    let pki = Pki::new(Pki::with_tns(&[Tn::One(ORIG.into())]), Some(inter));
    let a = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    assert!(verify(&pki, &a, None, None, IAT).is_verified());
    let c = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::C));
    assert_fails(
        &verify(&pki, &c, None, None, IAT),
        StirCode::ClaimConstraintViolated,
        "C under an issuer permitting A",
    );
}

#[test]
fn a_delegate_certificate_stays_within_its_issuer() {
    let parent = [Tn::Range("12155551200".into(), 100), Tn::Spc("709J".into())];
    let inter =
        || CaSpec::new("Test STI-CA delegate").extension(TN_AUTH_LIST_OID, tn_auth_list(&parent));
    for (leaf, verifies, case) in [
        (
            vec![Tn::One(ORIG.into())],
            true,
            "a TN in the issuer's range",
        ),
        (
            vec![Tn::Range("12155551210".into(), 10)],
            true,
            "a range inside",
        ),
        (vec![Tn::Spc("709J".into())], true, "the issuer's SPC"),
        (
            vec![Tn::One(ORIG.into()), Tn::One("12155559999".into())],
            false,
            "a second TN outside",
        ),
        (
            vec![Tn::Range("12155551290".into(), 20)],
            false,
            "a range running past",
        ),
        (vec![Tn::Spc("709K".into())], false, "another SPC"),
    ] {
        let pki = Pki::new(Pki::with_tns(&leaf), Some(inter()));
        let verdict = verify(
            &pki,
            &pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A)),
            None,
            None,
            IAT,
        );
        expect(
            &verdict,
            verifies
                .then_some(())
                .ok_or(StirCode::DelegateOutsideIssuer),
            case,
        );
    }
    // An issuer without a TNAuthList puts no bound on its leaf.
    let pki = Pki::new(
        Pki::with_tns(&[Tn::One(ORIG.into())]),
        Some(CaSpec::new("Test STI-CA plain")),
    );
    let verdict = verify(
        &pki,
        &pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A)),
        None,
        None,
        IAT,
    );
    assert!(verdict.is_verified(), "{verdict}");
}

#[test]
fn the_new_codes_map_to_the_network_as_documented() {
    use sipcert::stir::Verstat::Failed;
    for (code, text, reason, verstat) in [
        (
            StirCode::OrigUriMismatch,
            "stir-orig-uri-mismatch",
            "STIR;cause=438;text=\"Invalid Identity Header\"",
            Failed,
        ),
        (
            StirCode::OrigUriNotAuthorized,
            "stir-orig-uri-not-authorized",
            "STIR;cause=437;text=\"Unsupported Credential\"",
            Failed,
        ),
        (
            StirCode::DateInvalid,
            "stir-date-invalid",
            "STIR;cause=438;text=\"Invalid Identity Header\"",
            Failed,
        ),
        (
            StirCode::DateStale,
            "stir-date-stale",
            "STIR;cause=403;text=\"Stale Date\"",
            Failed,
        ),
        (
            StirCode::ClaimConstraintViolated,
            "stir-claim-constraint-violated",
            "STIR;cause=437;text=\"Unsupported Credential\"",
            Failed,
        ),
        (
            StirCode::ClaimConstraintMalformed,
            "stir-claim-constraint-malformed",
            "STIR;cause=437;text=\"Unsupported Credential\"",
            Failed,
        ),
        (
            StirCode::DelegateOutsideIssuer,
            "stir-delegate-outside-issuer",
            "STIR;cause=437;text=\"Unsupported Credential\"",
            Failed,
        ),
        // RFC 8224 §6.2.2's alternative phrase for a PASSporT lacking required claims.
        (
            StirCode::ClaimsMissing,
            "stir-claims-missing",
            "STIR;cause=438;text=\"Invalid PASSporT\"",
            Failed,
        ),
    ] {
        assert_eq!(
            (code.code(), code.reason_header(), code.verstat()),
            (text, reason.to_owned(), verstat),
            "{code:?}"
        );
    }
}

#[test]
fn a_cached_chain_is_reused_only_within_its_bounds() {
    use sipcert_testkit::pki::Date;
    // The leaf expires 2026-06-01, four days after IAT.
    let leaf = Pki::with_tns(&[Tn::One(ORIG.into())]).validity(Date(2020, 1, 1), Date(2026, 6, 1));
    let pki = Pki::new(leaf, None);
    let verifier = pki
        .verifier()
        .with_chain_cache(Duration::from_secs(365 * 86_400), 16);
    let (orig, dest) = (tn(ORIG), tn(DEST));
    let at_time = |iat: i64| {
        let mut passport = shaken(Orig::Tn(tn(ORIG)), Attest::A);
        passport.claims.iat = iat;
        let identity = pki.sign(&passport);
        verifier.verify(&StirRequest::new(&identity, &orig, &dest), &pki, at(iat))
    };
    assert!(at_time(IAT).is_verified());
    assert_eq!(verifier.cached_chains(), 1);
    assert!(at_time(IAT + 3600).is_verified(), "a hit");
    assert_eq!(verifier.cached_chains(), 1);
    // Ten days later the leaf has expired: the cached entry must not stand for it.
    assert_fails(
        &at_time(IAT + 10 * 86_400),
        StirCode::ChainInvalid,
        "expired after caching",
    );

    // Threads share one verifier and its cache.
    let identity = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    let request = StirRequest::new(&identity, &orig, &dest);
                    assert!(verifier.verify(&request, &pki, at(IAT)).is_verified());
                }
            });
        }
    });
    assert_eq!(verifier.cached_chains(), 1);
}

#[test]
fn new_crls_empty_the_chain_cache() {
    let pki = Pki::new(Pki::with_tns(&[Tn::One(ORIG.into())]), None);
    let identity = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    let (orig, dest) = (tn(ORIG), tn(DEST));
    let request = StirRequest::new(&identity, &orig, &dest);
    let verifier = pki
        .verifier()
        .with_chain_cache(Duration::from_secs(3600), 16);
    assert!(verifier.verify(&request, &pki, at(IAT)).is_verified());
    assert_eq!(verifier.cached_chains(), 1);
    let verifier = verifier
        .with_crls(&[pki.root.crl(&[pki.leaf.serial])])
        .expect("CRL");
    assert_eq!(verifier.cached_chains(), 0);
    assert_fails(
        &verifier.verify(&request, &pki, at(IAT)),
        StirCode::ChainInvalid,
        "revoked by the new CRL",
    );
}

/// The compact form of a full-form value: `..signature;params`.
fn compact(full: &str) -> String {
    let (digest, params) = full.split_at(full.find(';').expect("params"));
    let signature = digest.rsplit('.').next().expect("signature");
    format!("..{signature}{params}")
}

#[test]
fn the_compact_form_is_rebuilt_from_the_request() {
    let pki = Pki::new(Pki::with_tns(&[Tn::One(ORIG.into())]), None);
    let mut base = shaken(Orig::Tn(tn(ORIG)), Attest::A);
    base.header.ppt = sipcert::stir::Ppt::Base;
    base.claims.attest = None;
    base.claims.origid = None;
    let full = pki.sign(&base);
    assert!(verify(&pki, &full, None, None, IAT).is_verified());
    let short = compact(&full);
    assert!(short.starts_with(".."), "{short}");

    let verdict = verify(&pki, &short, None, Some(DATE_IAT), IAT + 5);
    let StirVerdict::Verified(v) = &verdict else {
        panic!("{short}: {verdict}");
    };
    assert_eq!(v.passport().claims.iat, IAT);
    assert_fails(
        &verify(&pki, &short, None, None, IAT),
        StirCode::CompactForm,
        "no Date to rebuild iat from",
    );
    assert_fails(
        &verify(&pki, &short, None, Some(DATE_IAT_60), IAT + 30),
        StirCode::SignatureInvalid,
        "another Date rebuilds another PASSporT",
    );
    let (other, dest) = (tn("12155550000"), tn(DEST));
    let request = StirRequest::new(&short, &other, &dest).with_date(DATE_IAT);
    assert_fails(
        &pki.verifier().verify(&request, &pki, at(IAT)),
        StirCode::SignatureInvalid,
        "another calling number rebuilds another PASSporT",
    );
    assert_fails(
        &verify(&pki, &short, None, Some("yesterday"), IAT),
        StirCode::DateInvalid,
        "a Date that does not parse",
    );

    // SHAKEN's attest and origid are in no SIP header: its compact form stays refused.
    let shaken_full = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    assert_fails(
        &verify(&pki, &compact(&shaken_full), None, Some(DATE_IAT), IAT),
        StirCode::CompactForm,
        "ppt=shaken",
    );
}

#[test]
fn an_intermediate_that_cannot_be_read_fails_closed() {
    // Its claim constraints or TNAuthList could not be enforced, so the chain is refused even
    // when the path does not need it.
    let mut pki = Pki::new(Pki::with_tns(&[Tn::One(ORIG.into())]), None);
    let identity = pki.sign(&shaken(Orig::Tn(tn(ORIG)), Attest::A));
    assert!(verify(&pki, &identity, None, None, IAT).is_verified());
    pki.chain
        .push(CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]));
    assert_fails(
        &verify(&pki, &identity, None, None, IAT),
        StirCode::ChainInvalid,
        "a junk intermediate",
    );
}
