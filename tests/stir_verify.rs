//! `sipcert::stir` end to end: sign with a test STI certificate, verify, and one row per
//! reason code with a well-formed neighbour that verifies.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use rustls::crypto::CryptoProvider;
use rustls_pki_types::{CertificateDer, UnixTime};
use sipcert::stir::{
    caller_number, sign, Attest, CanonicalTn, CertificateSource, Claims, Dest, Orig, Passport,
    PassportHeader, Ppt, SourceError, StirCode, StirPolicy, StirRequest, StirVerdict, StirVerifier,
    TnAuthority, TnEntry, Verstat,
};
use sipcert_testkit::stir::{shaken_passport, tn_auth_list, StiPki, TnEntry as Tn};

const X5U: &str = "https://cert.example.org/passport.pem";
const ORIG: &str = "12155551212";
const DEST: &str = "12155551213";
/// `iat` of every PASSporT; "now" is this plus a few seconds.
const IAT: i64 = 1_780_000_000;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tn(s: &str) -> CanonicalTn {
    CanonicalTn::parse(s).expect("number")
}

fn at(secs: i64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(secs).expect("positive")))
}

/// Serves one chain at [`X5U`], or fails.
struct Source(HashMap<String, Vec<CertificateDer<'static>>>);

impl Source {
    fn of(pki: &StiPki) -> Self {
        Self(HashMap::from([(
            X5U.to_owned(),
            vec![pki.leaf.der.clone()],
        )]))
    }
}

impl CertificateSource for Source {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        self.0
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::new(format!("nothing at {url}")))
    }
}

fn shaken(orig: Orig, attest: Attest) -> Passport {
    shaken_passport(orig, attest, X5U, &[tn(DEST)], IAT)
}

fn signed(pki: &StiPki, passport: &Passport) -> String {
    sign(passport, &pki.leaf.key, &provider()).expect("signs")
}

fn verifier(pki: &StiPki) -> StirVerifier {
    StirVerifier::new([pki.ca.anchor()], provider())
}

fn verify(
    v: &StirVerifier,
    identity: &str,
    source: &dyn CertificateSource,
    now: i64,
) -> StirVerdict {
    let (orig, dest) = (tn(ORIG), tn(DEST));
    let request = StirRequest::new(identity, &orig, &dest);
    v.verify(&request, source, at(now))
}

#[test]
fn a_signed_identity_verifies_with_its_tn() {
    let pki = StiPki::new(&[Tn::One(ORIG.into())]);
    let identity = signed(&pki, &shaken(Orig::Tn(tn(ORIG)), Attest::A));
    assert!(
        identity.ends_with(&format!(";info=<{X5U}>;alg=ES256;ppt=shaken")),
        "{identity}"
    );
    let verdict = verify(&verifier(&pki), &identity, &Source::of(&pki), IAT + 5);
    let StirVerdict::Verified(v) = &verdict else {
        panic!("{identity}: {verdict}");
    };
    assert_eq!(v.passport().claims.attest, Some(Attest::A));
    assert_eq!(
        v.authority(),
        &TnAuthority::Number(TnEntry::One(ORIG.into()))
    );
    assert_eq!(verdict.verstat(), Verstat::Passed);
    assert_eq!(verdict.response_code(), None);
    assert_eq!(verdict.reason_header(), None);
}

#[test]
fn a_range_covers_the_number_and_an_spc_stands_for_it_by_policy() {
    let range = StiPki::new(&[Tn::Range("12155551200".into(), 20)]);
    let identity = signed(&range, &shaken(Orig::Tn(tn(ORIG)), Attest::B));
    let verdict = verify(&verifier(&range), &identity, &Source::of(&range), IAT);
    assert!(verdict.is_verified(), "{verdict}");

    let spc = StiPki::new(&[Tn::Spc("709J".into())]);
    let identity = signed(&spc, &shaken(Orig::Tn(tn(ORIG)), Attest::A));
    let verdict = verify(&verifier(&spc), &identity, &Source::of(&spc), IAT);
    let StirVerdict::Verified(v) = &verdict else {
        panic!("{verdict}");
    };
    assert_eq!(
        v.authority(),
        &TnAuthority::ServiceProviderCode("709J".into())
    );
    assert!(verdict.to_string().contains("only SPC 709J"), "{verdict}");
    let strict = verifier(&spc).with_policy(StirPolicy::default().allow_spc_only(false));
    let verdict = verify(&strict, &identity, &Source::of(&spc), IAT);
    assert_eq!(verdict.code(), Some(StirCode::TnNotAuthorized), "{verdict}");
}

/// Asserts the failure's code and its network mapping.
fn assert_fails(verdict: &StirVerdict, code: StirCode, case: &str) {
    assert_eq!(verdict.code(), Some(code), "{case}: {verdict}");
    assert_eq!(
        verdict.response_code(),
        Some(code.response_code()),
        "{case}"
    );
    assert_eq!(verdict.verstat(), code.verstat(), "{case}");
    let reason = verdict.reason_header().unwrap_or_default();
    assert!(
        reason.starts_with(&format!("STIR;cause={};text=\"", code.response_code())),
        "{case}: {reason}"
    );
}

#[test]
fn certificate_rules_have_their_codes_and_neighbours() {
    let good = StiPki::new(&[Tn::One(ORIG.into())]);
    let passport = shaken(Orig::Tn(tn(ORIG)), Attest::A);
    let identity = signed(&good, &passport);
    let v = verifier(&good);
    let now = IAT + 1;
    assert!(verify(&v, &identity, &Source::of(&good), now).is_verified());

    let nothing = Source(HashMap::new());
    assert_fails(
        &verify(&v, &identity, &nothing, now),
        StirCode::CertUnavailable,
        "no chain",
    );
    let empty = Source(HashMap::from([(X5U.to_owned(), Vec::new())]));
    assert_fails(
        &verify(&v, &identity, &empty, now),
        StirCode::CertUnavailable,
        "empty chain",
    );

    let other = StiPki::new(&[Tn::One(ORIG.into())]);
    assert_fails(
        &verify(&verifier(&other), &identity, &Source::of(&good), now),
        StirCode::ChainInvalid,
        "another STI-CA",
    );
    let revoked = verifier(&good)
        .with_crls(&[good.ca.crl(&[good.leaf.serial])])
        .expect("crl");
    assert_fails(
        &verify(&revoked, &identity, &Source::of(&good), now),
        StirCode::ChainInvalid,
        "revoked",
    );
    let not_revoked = verifier(&good)
        .with_crls(&[good.ca.crl(&[1])])
        .expect("crl");
    assert!(verify(&not_revoked, &identity, &Source::of(&good), now).is_verified());
}

#[test]
fn signature_and_tnauthlist_rules_have_their_codes_and_neighbours() {
    let good = StiPki::new(&[Tn::One(ORIG.into())]);
    let other = StiPki::new(&[Tn::One(ORIG.into())]);
    let passport = shaken(Orig::Tn(tn(ORIG)), Attest::A);
    let identity = signed(&good, &passport);
    let v = verifier(&good);
    let now = IAT + 1;
    // Signed with another key than the x5u certificate's.
    let forged = signed(&other, &passport);
    assert_fails(
        &verify(&v, &forged, &Source::of(&good), now),
        StirCode::SignatureInvalid,
        "other key",
    );
    // The payload changed after signing.
    let tampered = tamper(&identity);
    assert_fails(
        &verify(&v, &tampered, &Source::of(&good), now),
        StirCode::SignatureInvalid,
        "tampered",
    );

    let p384 = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("key");
    let big = StiPki::with_key(Some(tn_auth_list(&[Tn::One(ORIG.into())])), &p384);
    assert_fails(
        &verify(&verifier(&big), &identity, &Source::of(&big), now),
        StirCode::KeyUnsupported,
        "P-384",
    );

    let none = StiPki::with_tn_auth_list(None);
    let id = signed(&none, &passport);
    assert_fails(
        &verify(&verifier(&none), &id, &Source::of(&none), now),
        StirCode::TnAuthListMissing,
        "no TNAuthList",
    );
    let bad = StiPki::with_tn_auth_list(Some(vec![0x30, 0x03, 0x80, 0x01, 0x31]));
    let id = signed(&bad, &passport);
    assert_fails(
        &verify(&verifier(&bad), &id, &Source::of(&bad), now),
        StirCode::TnAuthListMalformed,
        "implicit tag",
    );
    let elsewhere = StiPki::new(&[
        Tn::One("12155559999".into()),
        Tn::Range("12155551213".into(), 5),
    ]);
    let id = signed(&elsewhere, &passport);
    let verdict = verify(&verifier(&elsewhere), &id, &Source::of(&elsewhere), now);
    assert_fails(&verdict, StirCode::TnNotAuthorized, "another number");
    let StirVerdict::Failed(f) = &verdict else {
        unreachable!()
    };
    assert_eq!(
        f.tn_auth_list.len(),
        2,
        "the failure reports the certificate's TNs"
    );
    assert!(f.passport.is_some());
}

/// The identity with one claim changed (`attest` A to B), the signature kept.
fn tamper(identity: &str) -> String {
    let mut parts = identity.splitn(3, '.');
    let (h, p, rest) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let json = String::from_utf8(base64url_decode(p))
        .expect("utf-8")
        .replace("\"A\"", "\"B\"");
    format!("{h}.{}.{rest}", base64url_encode(json.as_bytes()))
}

fn base64url_decode(s: &str) -> Vec<u8> {
    let v = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        _ => 63,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        acc = acc << 6 | u32::from(v(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from(acc >> bits & 0xff).expect("byte"));
        }
    }
    out
}

fn base64url_encode(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0);
    for b in bytes {
        acc = acc << 8 | u32::from(*b);
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(char::from(A[(acc >> bits & 0x3f) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(A[(acc << (6 - bits) & 0x3f) as usize]));
    }
    out
}

#[test]
fn freshness_has_its_code_and_neighbours() {
    let pki = StiPki::new(&[Tn::One(ORIG.into())]);
    let v = verifier(&pki);
    let source = Source::of(&pki);
    let identity = signed(&pki, &shaken(Orig::Tn(tn(ORIG)), Attest::B));

    assert!(
        verify(&v, &identity, &source, IAT + 60).is_verified(),
        "60 s old"
    );
    assert!(
        verify(&v, &identity, &source, IAT - 60).is_verified(),
        "60 s ahead"
    );
    assert_fails(
        &verify(&v, &identity, &source, IAT + 61),
        StirCode::Stale,
        "61 s old",
    );
    assert_fails(
        &verify(&v, &identity, &source, IAT - 61),
        StirCode::Stale,
        "61 s ahead",
    );
    let wide =
        verifier(&pki).with_policy(StirPolicy::default().freshness(Duration::from_secs(300)));
    assert!(
        verify(&wide, &identity, &source, IAT + 200).is_verified(),
        "a wider window"
    );
}

#[test]
fn party_and_policy_rules_have_their_codes_and_neighbours() {
    let pki = StiPki::new(&[Tn::One(ORIG.into())]);
    let v = verifier(&pki);
    let source = Source::of(&pki);
    let identity = signed(&pki, &shaken(Orig::Tn(tn(ORIG)), Attest::B));
    let only_a =
        verifier(&pki).with_policy(StirPolicy::default().allowed_attestations(&[Attest::A]));
    assert_fails(
        &verify(&only_a, &identity, &source, IAT),
        StirCode::AttestNotAllowed,
        "B, only A accepted",
    );
    let a = signed(&pki, &shaken(Orig::Tn(tn(ORIG)), Attest::A));
    assert!(
        verify(&only_a, &a, &source, IAT).is_verified(),
        "A accepted"
    );

    let (other, dest) = (tn("12155550000"), tn(DEST));
    let request = StirRequest::new(&identity, &other, &dest);
    assert_fails(
        &v.verify(&request, &source, at(IAT)),
        StirCode::OrigMismatch,
        "another caller",
    );
    let (orig, other) = (tn("+1 215 555 1212"), tn("12155550000"));
    let request = StirRequest::new(&identity, &orig, &other);
    assert_fails(
        &v.verify(&request, &source, at(IAT)),
        StirCode::DestMismatch,
        "another callee",
    );
    let request = StirRequest::new(&identity, &orig, &dest);
    assert!(
        v.verify(&request, &source, at(IAT)).is_verified(),
        "visual separators and '+'"
    );

    let uri = signed(
        &pki,
        &shaken(Orig::Uri("sip:alice@example.com".into()), Attest::A),
    );
    assert_fails(
        &verify(&v, &uri, &source, IAT),
        StirCode::OrigUriUnsupported,
        "orig.uri",
    );

    let verdict = verify(&v, "", &source, IAT);
    assert_fails(&verdict, StirCode::IdentityMissing, "empty");
    assert_eq!(verdict.verstat(), Verstat::NoValidation);
    assert_fails(
        &verify(
            &v,
            &identity.replace(";ppt=shaken", ";ppt=div"),
            &source,
            IAT,
        ),
        StirCode::PptMismatch,
        "ppt",
    );
}

#[test]
fn caller_numbers_come_from_tel_and_sip_uris() {
    for (text, number) in [
        ("tel:+1-215-555-1212", ORIG),
        ("tel:+12155551212;npdi", ORIG),
        ("sip:+12155551212@example.com;user=phone", ORIG),
        ("sip:+1-215-555-1212;npdi@example.com;user=phone", ORIG),
        ("sips:12155551212@example.com", ORIG),
        ("+1 215 555 1212", ORIG),
    ] {
        assert_eq!(
            caller_number(text).map(|t| t.to_string()),
            Ok(number.to_owned()),
            "{text}"
        );
    }
    for text in [
        "tel:2155551212;phone-context=example.com",
        "sip:alice@example.com",
        "sip:example.com",
        "sip:+1@",
        "mailto:x",
    ] {
        let got = caller_number(text);
        assert_eq!(
            got.as_ref().map_err(|e| e.code).err(),
            Some(StirCode::CallerNumberInvalid),
            "{text}: {got:?}"
        );
    }
}

#[test]
fn every_code_is_distinct_kebab_case_with_its_mapping() {
    let mut seen = std::collections::HashSet::new();
    for code in StirCode::ALL {
        let s = code.code();
        assert!(
            s.starts_with("stir-")
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
            "{s}"
        );
        assert!(seen.insert(s), "{s} twice");
        assert!(
            matches!(code.response_code(), 403 | 428 | 436 | 437 | 438),
            "{s}"
        );
    }
    // The codes are a contract: add at the end, never rename or remove.
    let codes: Vec<&str> = StirCode::ALL.iter().map(|c| c.code()).collect();
    assert_eq!(
        codes,
        [
            "stir-identity-missing",
            "stir-header-malformed",
            "stir-compact-form",
            "stir-json-malformed",
            "stir-alg-unsupported",
            "stir-typ-unsupported",
            "stir-ppt-unsupported",
            "stir-ppt-mismatch",
            "stir-claims-missing",
            "stir-claim-invalid",
            "stir-attest-not-allowed",
            "stir-x5u-mismatch",
            "stir-stale",
            "stir-cert-unavailable",
            "stir-chain-invalid",
            "stir-key-unsupported",
            "stir-signature-invalid",
            "stir-tnauthlist-missing",
            "stir-tnauthlist-malformed",
            "stir-tn-not-authorized",
            "stir-orig-mismatch",
            "stir-dest-mismatch",
            "stir-orig-uri-unsupported",
            "stir-caller-number-invalid",
            "stir-orig-uri-mismatch",
            "stir-orig-uri-not-authorized",
            "stir-date-invalid",
            "stir-date-stale",
            "stir-claim-constraint-violated",
            "stir-claim-constraint-malformed",
            "stir-delegate-outside-issuer",
            "stir-lint-failed",
            "stir-rfc4474-identity-missing",
            "stir-rfc4474-identity-malformed",
            "stir-rfc4474-identity-info-invalid",
            "stir-rfc4474-alg-unsupported",
            "stir-rfc4474-request-malformed",
            "stir-rfc4474-date-invalid",
            "stir-rfc4474-date-stale",
            "stir-rfc4474-cert-unavailable",
            "stir-rfc4474-chain-invalid",
            "stir-rfc4474-domain-not-authorized",
            "stir-rfc4474-key-unsupported",
            "stir-rfc4474-signature-invalid",
            "stir-request-malformed",
        ]
    );
}

/// RFC 8225 §9's example: the deterministic JSON of its header and claims, and their
/// base64url forms, byte for byte.
#[test]
fn rfc8225_example_is_reproduced_byte_for_byte() {
    let passport = Passport {
        header: PassportHeader {
            alg: "ES256".into(),
            typ: Some("passport".into()),
            ppt: Ppt::Base,
            x5u: "https://cert.example.org/passport.cer".into(),
        },
        claims: Claims {
            orig: Orig::Tn(tn("12155551212")),
            dest: Dest {
                tn: Vec::new(),
                uri: vec!["sip:alice@example.com".into()],
            },
            iat: 1_443_208_345,
            attest: None,
            origid: None,
            div: None,
        },
    };
    let (h, c) = sipcert::stir::canonical_json(&passport);
    assert_eq!(
        h,
        r#"{"alg":"ES256","typ":"passport","x5u":"https://cert.example.org/passport.cer"}"#
    );
    assert_eq!(
        c,
        r#"{"dest":{"uri":["sip:alice@example.com"]},"iat":1443208345,"orig":{"tn":"12155551212"}}"#
    );
    assert_eq!(
        base64url_encode(h.as_bytes()),
        "eyJhbGciOiJFUzI1NiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4YW1wbGUub3JnL3Bhc3Nwb3J0LmNlciJ9"
    );
    assert_eq!(
        base64url_encode(c.as_bytes()),
        "eyJkZXN0Ijp7InVyaSI6WyJzaXA6YWxpY2VAZXhhbXBsZS5jb20iXX0sImlhdCI6MTQ0MzIwODM0NSwib3JpZyI6eyJ0biI6IjEyMTU1NTUxMjEyIn19"
    );
}

/// A `div` PASSporT (RFC 8946) signs, verifies, and reports the diverting number.
#[test]
fn a_div_passport_round_trips() {
    let pki = StiPki::new(&[Tn::One(ORIG.into())]);
    let mut passport = shaken(Orig::Tn(tn(ORIG)), Attest::A);
    passport.header.ppt = Ppt::Div;
    passport.claims.attest = None;
    passport.claims.origid = None;
    passport.claims.div = Some(tn("12155550000"));
    let identity = signed(&pki, &passport);
    assert!(identity.ends_with(";ppt=div"), "{identity}");
    let verdict = verify(&verifier(&pki), &identity, &Source::of(&pki), IAT);
    let StirVerdict::Verified(v) = &verdict else {
        panic!("{identity}: {verdict}");
    };
    assert_eq!(v.passport(), &passport);
}

/// The chain's intermediates are used: a leaf issued by an intermediate STI-CA verifies only
/// when the source sends the intermediate after it.
#[test]
fn intermediates_from_the_source_complete_the_path() {
    use sipcert_testkit::pki::{Ca, CaSpec, LeafSpec};
    use sipcert_testkit::stir::TN_AUTH_LIST_OID;

    let root = Ca::root("Test STI root");
    let sub = root.intermediate(CaSpec::new("Test STI-CA intermediate"));
    let leaf = sub.leaf(
        LeafSpec::new()
            .cn("Test STI-SP")
            .extension(TN_AUTH_LIST_OID, tn_auth_list(&[Tn::One(ORIG.into())])),
    );
    let passport = shaken(Orig::Tn(tn(ORIG)), Attest::A);
    let identity = sign(&passport, &leaf.key, &provider()).expect("signs");
    let v = StirVerifier::new([root.anchor()], provider());
    let full = Source(HashMap::from([(
        X5U.to_owned(),
        vec![leaf.der.clone(), sub.der.clone()],
    )]));
    assert!(verify(&v, &identity, &full, IAT).is_verified());
    let leaf_only = Source(HashMap::from([(X5U.to_owned(), vec![leaf.der.clone()])]));
    assert_fails(
        &verify(&v, &identity, &leaf_only, IAT),
        StirCode::ChainInvalid,
        "no intermediate",
    );
}

/// RFC 8588's SHAKEN example: the deterministic JSON of its header and claims.
#[test]
fn rfc8588_example_is_reproduced_byte_for_byte() {
    let mut passport = shaken(Orig::Tn(tn("12155551212")), Attest::A);
    passport.header.x5u = "https://cert.example.org/passport.cer".into();
    passport.claims.iat = 1_443_208_345;
    let (h, c) = sipcert::stir::canonical_json(&passport);
    assert_eq!(
        h,
        r#"{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"https://cert.example.org/passport.cer"}"#
    );
    assert_eq!(
        c,
        r#"{"attest":"A","dest":{"tn":["12155551213"]},"iat":1443208345,"orig":{"tn":"12155551212"},"origid":"123e4567-e89b-12d3-a456-426655440000"}"#
    );
    assert_eq!(
        base64url_encode(h.as_bytes()),
        "eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4YW1wbGUub3JnL3Bhc3Nwb3J0LmNlciJ9"
    );
}
