//! Table tests: every `stir-rfc4474-…` code has an input that produces it and a well-formed
//! neighbour that verifies; the digest string against hand-written ones.

use core::time::Duration;
use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use num_bigint::BigUint;
use rcgen::KeyPair;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use sipcert_testkit::pki::{Ca, Date, LeafSpec};

use super::{digest_string, parse_identity, parse_identity_info, Rfc4474Request, OBSOLETE};
use crate::der::reader::{Reader, INTEGER, OCTET_STRING, SEQUENCE};
use crate::stir::{CertificateSource, SourceError, StirCode, StirVerifier};

/// A 2048-bit RSA test key (PKCS#8, `openssl genpkey -algorithm RSA`): rcgen cannot
/// generate RSA keys with ring. It signs nothing but these tests.
const KEY: &str = include_str!("rsa2048-test.key");
const URL: &str = "https://certs.atlanta.example.com/as.pem";
/// A root (RSA-2048) and a leaf for `sip:atlanta.example.com` on a 1024-bit RSA key, made
/// with `openssl req`/`openssl x509` (ring, and so rcgen, refuses RSA keys under 2048 bits),
/// valid until 2126; the keys were not kept.
const SMALL_KEY_CHAIN: &str = include_str!("rsa1024-chain-test.pem");
/// `Date` of [`request`], and the verification time 10 s later.
const DATE: &str = "Fri, 01 Jan 2027 00:00:00 GMT";
const DATE_SECS: u64 = 1_798_761_600;

struct Source(HashMap<String, Vec<CertificateDer<'static>>>);

impl CertificateSource for Source {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        self.0
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::new(format!("nothing at {url}")))
    }
}

/// An RSA private key's modulus and private exponent.
struct RsaSigner {
    n: BigUint,
    d: BigUint,
    len: usize,
}

impl RsaSigner {
    /// From PKCS#8 `PrivateKeyInfo { version, algorithm, OCTET STRING RSAPrivateKey }`,
    /// `RSAPrivateKey { version, n, e, d, … }` (RFC 8017 §A.1.2).
    fn from_pkcs8(der: &[u8]) -> Self {
        let mut outer = Reader::new(der);
        let mut info = outer.read_expected(SEQUENCE, "").unwrap();
        info.read_expected(INTEGER, "").unwrap();
        info.read_expected(SEQUENCE, "").unwrap();
        let octets = info.read_expected(OCTET_STRING, "").unwrap();
        let mut key_outer = Reader::new(octets.as_bytes());
        let mut key = key_outer.read_expected(SEQUENCE, "").unwrap();
        key.read_expected(INTEGER, "").unwrap();
        let n = BigUint::from_bytes_be(key.read_expected(INTEGER, "").unwrap().as_bytes());
        key.read_expected(INTEGER, "").unwrap();
        let d = BigUint::from_bytes_be(key.read_expected(INTEGER, "").unwrap().as_bytes());
        let len = usize::try_from(n.bits().div_ceil(8)).unwrap();
        Self { n, d, len }
    }

    /// RSASSA-PKCS1-v1_5 with SHA-1 (RFC 8017 §8.2.1, §9.2).
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        const SHA1_INFO: [u8; 15] = [
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ];
        let hash = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, message);
        let t_len = SHA1_INFO.len() + hash.as_ref().len();
        let mut em = vec![0x00, 0x01];
        em.resize(self.len - t_len - 1, 0xff);
        em.push(0x00);
        em.extend_from_slice(&SHA1_INFO);
        em.extend_from_slice(hash.as_ref());
        let s = BigUint::from_bytes_be(&em)
            .modpow(&self.d, &self.n)
            .to_bytes_be();
        let mut out = vec![0u8; self.len - s.len()];
        out.extend(s);
        out
    }
}

struct Fixture {
    verifier: StirVerifier,
    source: Source,
    signer: RsaSigner,
}

fn fixture() -> Fixture {
    let ca = Ca::root("rfc4474 test root");
    let key = KeyPair::from_pem(KEY).expect("RSA key");
    let leaf = ca.leaf_with_key(LeafSpec::new().uri("sip:atlanta.example.com"), &key);
    let other = ca.leaf_with_key(LeafSpec::new().uri("sip:biloxi.example.org"), &key);
    let ecdsa = ca.leaf(LeafSpec::new().uri("sip:atlanta.example.com"));
    let stranger = Ca::root("another root")
        .leaf_with_key(LeafSpec::new().uri("sip:atlanta.example.com"), &key);
    // Valid from DATE's day: a request dated the evening before is outside its validity.
    let from_2027 = ca.leaf_with_key(
        LeafSpec::new()
            .uri("sip:atlanta.example.com")
            .validity(Date(2027, 1, 1), Date(2030, 1, 1)),
        &key,
    );
    let mut map = HashMap::new();
    map.insert(URL.to_owned(), vec![leaf.der.clone()]);
    map.insert(
        "https://x/from-2027.pem".to_owned(),
        vec![from_2027.der.clone()],
    );
    map.insert("https://x/other.pem".to_owned(), vec![other.der.clone()]);
    map.insert("https://x/ecdsa.pem".to_owned(), vec![ecdsa.der.clone()]);
    map.insert(
        "https://x/stranger.pem".to_owned(),
        vec![stranger.der.clone()],
    );
    map.insert("https://x/empty.pem".to_owned(), Vec::new());
    let small: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(SMALL_KEY_CHAIN.as_bytes())
            .collect::<Result<_, _>>()
            .expect("the 1024-bit chain");
    map.insert("https://x/rsa1024.pem".to_owned(), vec![small[1].clone()]);
    let signer = RsaSigner::from_pkcs8(&key.serialize_der());
    Fixture {
        verifier: StirVerifier::new(
            [
                ca.anchor(),
                webpki::anchor_from_trusted_cert(&small[0])
                    .expect("the 1024-bit chain's root")
                    .to_owned(),
            ],
            sipcert_testkit::provider(),
        ),
        source: Source(map),
        signer,
    }
}

/// The INVITE of the tests with these header lines (before Content-Length) and body.
fn unsigned(headers: &[&str], body: &str) -> String {
    let mut m = String::from("INVITE sip:bob@biloxi.example.org SIP/2.0\r\n");
    for h in headers {
        m.push_str(h);
        m.push_str("\r\n");
    }
    format!("{m}Content-Length: {}\r\n\r\n{body}", body.len())
}

const BASE: [&str; 7] = [
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
    "To: Bob <sip:bob@biloxi.example.org>",
    "Call-ID: a84b4c76e66710",
    "CSeq: 314159 INVITE",
    "Date: Fri, 01 Jan 2027 00:00:00 GMT",
    "Contact: <sip:alice@pc33.atlanta.example.com>",
];
const BODY: &str = "v=0\r\n";

impl Fixture {
    fn sign(&self, digest: &[u8]) -> String {
        STANDARD.encode(self.signer.sign(digest))
    }

    /// `headers` signed as they are, then `edit` applied to the signed request's text.
    fn signed(&self, headers: &[&str], info: &str, edit: impl Fn(String) -> String) -> String {
        let plain = unsigned(headers, BODY);
        let digest = digest_string(&Rfc4474Request::parse(plain.as_bytes()).expect("parse"))
            .expect("digest");
        let mut all: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
        all.push(format!("Identity: \"{}\"", self.sign(&digest)));
        all.push(format!("Identity-Info: {info}"));
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        edit(unsigned(&refs, BODY))
    }

    fn verdict(&self, message: &str, at: u64) -> super::Rfc4474Verdict {
        self.verifier.verify_rfc4474(
            message.as_bytes(),
            &self.source,
            UnixTime::since_unix_epoch(Duration::from_secs(at)),
            super::DEFAULT_FRESHNESS,
        )
    }

    fn code(&self, message: &str, at: u64) -> Option<StirCode> {
        let verdict = self.verdict(message, at);
        assert!(verdict.to_string().contains(OBSOLETE), "{verdict}");
        verdict.code()
    }
}

fn info(url: &str) -> String {
    format!("<{url}>;alg=rsa-sha1")
}

fn with(replace: &str, by: &str) -> impl Fn(String) -> String {
    let (replace, by) = (replace.to_owned(), by.to_owned());
    move |m: String| {
        assert!(m.contains(&replace), "{replace:?} not in the request");
        m.replacen(&replace, &by, 1)
    }
}

/// Removes the header line starting with `prefix`.
fn drop_line(prefix: &'static str) -> Box<dyn Fn(String) -> String> {
    Box::new(move |m: String| {
        let start = m.find(&format!("\r\n{prefix}")).expect(prefix) + 2;
        let end = start + m[start..].find("\r\n").expect("line end") + 2;
        format!("{}{}", &m[..start], &m[end..])
    })
}

fn same(m: String) -> String {
    m
}

#[test]
fn the_signed_request_verifies_and_says_obsolete() {
    let f = fixture();
    let m = f.signed(&BASE, &info(URL), same);
    let verdict = f.verifier.verify_rfc4474(
        m.as_bytes(),
        &f.source,
        UnixTime::since_unix_epoch(Duration::from_secs(DATE_SECS + 10)),
        super::DEFAULT_FRESHNESS,
    );
    let super::Rfc4474Verdict::Verified(v) = &verdict else {
        panic!("{verdict}\n{m}");
    };
    assert_eq!(v.domain().as_str(), "atlanta.example.com");
    assert_eq!(v.info_url(), URL);
    assert!(verdict.to_string().contains("obsolete"), "{verdict}");
}

type Edit = Box<dyn Fn(String) -> String>;
/// A table row: name, header lines, Identity-Info, edit after signing, time, expected code.
type Case<'a> = (&'a str, Vec<&'a str>, String, Edit, u64, Option<StirCode>);

/// Each case: the request (signed, then edited), the verification time, and the code it
/// must produce (`None`: the neighbour that verifies).
#[test]
#[allow(clippy::too_many_lines)]
fn every_code_and_its_neighbour() {
    let f = fixture();
    let now = DATE_SECS + 10;
    let base: Vec<&str> = BASE.to_vec();
    let no_contact: Vec<&str> = BASE
        .iter()
        .copied()
        .filter(|h| !h.starts_with("Contact"))
        .collect();
    // Ten minutes before DATE, so before the from-2027 certificate's notBefore.
    let evening: Vec<&str> = BASE
        .iter()
        .map(|h| {
            if h.starts_with("Date") {
                "Date: Thu, 31 Dec 2026 23:50:00 GMT"
            } else {
                h
            }
        })
        .collect();
    let cases: Vec<Case<'_>> = vec![
        ("signed", base.clone(), info(URL), Box::new(same), now, None),
        (
            "no Contact (empty in the digest)",
            no_contact,
            info(URL),
            Box::new(same),
            now,
            None,
        ),
        (
            "alg absent means rsa-sha1",
            base.clone(),
            format!("<{URL}>"),
            Box::new(same),
            now,
            None,
        ),
        (
            "alg in capitals",
            base.clone(),
            format!("<{URL}>;alg=RSA-SHA1"),
            Box::new(same),
            now,
            None,
        ),
        (
            "compact header names",
            base.clone(),
            info(URL),
            Box::new(|m: String| {
                m.replacen("\r\nIdentity:", "\r\ny:", 1)
                    .replacen("\r\nIdentity-Info:", "\r\nn:", 1)
            }),
            now,
            None,
        ),
        (
            "Date at the window's edge",
            base.clone(),
            info(URL),
            Box::new(same),
            DATE_SECS + 3600,
            None,
        ),
        (
            "no Identity",
            base.clone(),
            info(URL),
            drop_line("Identity:"),
            now,
            Some(StirCode::Rfc4474IdentityMissing),
        ),
        (
            "Identity not quoted",
            base.clone(),
            info(URL),
            Box::new(with("Identity: \"", "Identity: ")),
            now,
            Some(StirCode::Rfc4474IdentityMalformed),
        ),
        (
            "Identity base64url",
            base.clone(),
            info(URL),
            Box::new(|m: String| {
                let at = m.find("Identity: \"").unwrap() + 11;
                let mut b = m.into_bytes();
                b[at] = b'-';
                String::from_utf8(b).unwrap()
            }),
            now,
            Some(StirCode::Rfc4474IdentityMalformed),
        ),
        (
            "no Identity-Info",
            base.clone(),
            info(URL),
            drop_line("Identity-Info:"),
            now,
            Some(StirCode::Rfc4474InfoInvalid),
        ),
        (
            "Identity-Info without <>",
            base.clone(),
            URL.to_owned(),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474InfoInvalid),
        ),
        (
            "alg rsa-sha256",
            base.clone(),
            format!("<{URL}>;alg=rsa-sha256"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474AlgUnsupported),
        ),
        (
            "no Date",
            base.clone(),
            info(URL),
            drop_line("Date:"),
            now,
            Some(StirCode::Rfc4474RequestMalformed),
        ),
        (
            "two From",
            base.clone(),
            info(URL),
            Box::new(with(
                "To: Bob",
                "f: <sip:eve@atlanta.example.com>\r\nTo: Bob",
            )),
            now,
            Some(StirCode::Rfc4474RequestMalformed),
        ),
        (
            "Content-Length off by one",
            base.clone(),
            info(URL),
            Box::new(with("Content-Length: 5", "Content-Length: 4")),
            now,
            Some(StirCode::Rfc4474RequestMalformed),
        ),
        (
            "a response",
            base.clone(),
            info(URL),
            Box::new(with(
                "INVITE sip:bob@biloxi.example.org SIP/2.0",
                "SIP/2.0 200 OK",
            )),
            now,
            Some(StirCode::Rfc4474RequestMalformed),
        ),
        (
            "Date not GMT",
            base.clone(),
            info(URL),
            Box::new(with(DATE, "Fri, 01 Jan 2027 00:00:00 UTC")),
            now,
            Some(StirCode::Rfc4474DateInvalid),
        ),
        (
            "Date a second past the window",
            base.clone(),
            info(URL),
            Box::new(same),
            DATE_SECS + 3601,
            Some(StirCode::Rfc4474DateStale),
        ),
        (
            "no certificate at the URL",
            base.clone(),
            info("https://x/none.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474CertUnavailable),
        ),
        (
            "an empty chain",
            base.clone(),
            info("https://x/empty.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474CertUnavailable),
        ),
        (
            "an untrusted root",
            base.clone(),
            info("https://x/stranger.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474ChainInvalid),
        ),
        (
            "a certificate for another domain",
            base.clone(),
            info("https://x/other.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474DomainNotAuthorized),
        ),
        (
            "Date and now within the certificate's validity",
            base.clone(),
            info("https://x/from-2027.pem"),
            Box::new(same),
            now,
            None,
        ),
        (
            "Date before the certificate's notBefore (now after it)",
            evening.clone(),
            info("https://x/from-2027.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474ChainInvalid),
        ),
        (
            "the same Date with a certificate valid then",
            evening,
            info(URL),
            Box::new(same),
            now,
            None,
        ),
        (
            "a 1024-bit RSA key",
            base.clone(),
            info("https://x/rsa1024.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474KeyUnsupported),
        ),
        (
            "an ECDSA certificate",
            base.clone(),
            info("https://x/ecdsa.pem"),
            Box::new(same),
            now,
            Some(StirCode::Rfc4474KeyUnsupported),
        ),
        (
            "body tampered",
            base.clone(),
            info(URL),
            Box::new(|m: String| m.replacen("v=0", "v=1", 1)),
            now,
            Some(StirCode::Rfc4474SignatureInvalid),
        ),
        (
            "From tampered (same domain)",
            base.clone(),
            info(URL),
            Box::new(with("sip:alice@atlanta", "sip:mallory@atlanta")),
            now,
            Some(StirCode::Rfc4474SignatureInvalid),
        ),
        (
            "display name changed (not signed)",
            base.clone(),
            info(URL),
            Box::new(with("From: Alice", "From: Eve")),
            now,
            None,
        ),
        (
            "Contact tampered",
            base.clone(),
            info(URL),
            Box::new(with("sip:alice@pc33", "sip:alice@pc34")),
            now,
            Some(StirCode::Rfc4474SignatureInvalid),
        ),
    ];
    for (name, headers, info, edit, at, want) in cases {
        let m = f.signed(&headers, &info, edit);
        assert_eq!(f.code(&m, at), want, "{name}: {}\n{m}", f.verdict(&m, at));
    }
}

#[test]
fn digest_string_by_hand() {
    let cases: [(&str, &[u8]); 3] = [
        (
            "INVITE sip:bob@b.example SIP/2.0\r\nf: \"A, <b>\" <sip:a@a.example;transport=tcp>;tag=x\r\n\
             t: sip:bob@b.example;tag=y\r\ni: 1@h\r\nCSeq:  7\t INVITE\r\n\
             Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nm: \"C\" <sip:c@h.example>;expires=5\r\n\r\nbody|x",
            b"sip:a@a.example;transport=tcp|sip:bob@b.example|1@h|7 INVITE|Sun, 06 Nov 1994 08:49:37 GMT|sip:c@h.example|body|x",
        ),
        (
            "BYE sip:bob@b.example SIP/2.0\r\nFrom: <sip:a@a.example>\r\nTo: <sip:b@b.example>\r\n\
             Call-ID: z\r\nCSeq: 2 BYE\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
            b"sip:a@a.example|sip:b@b.example|z|2 BYE|Sun, 06 Nov 1994 08:49:37 GMT||",
        ),
        (
            "INVITE sip:b@b.example SIP/2.0\r\nFrom: <sip:a@a.example>\r\nTo: <sip:b@b.example>\r\n\
             Call-ID: z\r\nCSeq: 2\r\n INVITE\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContact: <tel:+12155551212>\r\n\r\n",
            b"sip:a@a.example|sip:b@b.example|z|2 INVITE|Sun, 06 Nov 1994 08:49:37 GMT|tel:+12155551212|",
        ),
    ];
    for (request, want) in cases {
        let parsed = Rfc4474Request::parse(request.as_bytes()).expect(request);
        let got = digest_string(&parsed).expect(request);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(want),
            "{request}"
        );
    }
}

#[test]
fn malformed_requests_say_where() {
    let cases = [
        ("INVITE sip:b SIP/2.0\r\nFrom <sip:a@a>\r\n\r\n", "line 2"),
        ("INVITE sip:b SIP/2.0\r\n continued\r\n\r\n", "line 2"),
        (
            "INVITE sip:b SIP/2.0\r\nFrom: <sip:a@a>\r\n",
            "no empty line",
        ),
        (
            "INVITE sip:b SIP/2.0\r\nTo: <sip:a@a>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n",
            "no From",
        ),
        (
            "INVITE sip:b SIP/2.0\r\nFrom: <sip:a@a>\r\nFrom: <sip:a@a>\r\n\r\n",
            "line 3: a second from",
        ),
        ("INVITE sip:b SIP/2.0\r\nFr om: x\r\n\r\n", "line 2"),
    ];
    for (request, want) in cases {
        let err = Rfc4474Request::parse(request.as_bytes()).expect_err(request);
        assert_eq!(err.code, StirCode::Rfc4474RequestMalformed, "{request}");
        assert!(err.message.contains(want), "{request}: {}", err.message);
    }
    let two_contacts = "INVITE sip:b@b SIP/2.0\r\nFrom: <sip:a@a>\r\nTo: <sip:b@b>\r\nCall-ID: x\r\n\
        CSeq: 1 INVITE\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContact: <sip:a@h>, <sip:a@i>\r\n\r\n";
    let parsed = Rfc4474Request::parse(two_contacts.as_bytes()).expect("parse");
    let err = digest_string(&parsed).expect_err("two contacts");
    assert!(err.message.contains("2 values"), "{}", err.message);
    let wrong_method = two_contacts.replace("1 INVITE", "1 BYE");
    let parsed = Rfc4474Request::parse(wrong_method.as_bytes()).expect("parse");
    let err = digest_string(&parsed).expect_err("CSeq method");
    assert!(err.message.contains("request line"), "{}", err.message);
}

#[test]
fn identity_headers_parse_strictly() {
    assert_eq!(parse_identity("\"AAEC\"").unwrap(), [0, 1, 2]);
    for bad in [
        "AAEC",
        "\"AAEC",
        "\"\"",
        "\"AAF=\"",
        "\"AA EC\"",
        "\"AAE\"",
        "\"AAEC\" ",
    ] {
        let err = parse_identity(bad).expect_err(bad);
        assert_eq!(err.code, StirCode::Rfc4474IdentityMalformed, "{bad}");
    }
    assert_eq!(
        parse_identity_info("<https://a.example/c.pem>").map_err(|e| e.to_string()),
        Ok("https://a.example/c.pem".to_owned())
    );
    for (bad, code) in [
        ("https://a.example/c.pem", StirCode::Rfc4474InfoInvalid),
        (
            "\"x\" <https://a.example/c.pem>",
            StirCode::Rfc4474InfoInvalid,
        ),
        ("<sip:a.example>", StirCode::Rfc4474InfoInvalid),
        (
            "<https://a.example/c.pem>;alg=rsa-sha1;alg=rsa-sha1",
            StirCode::Rfc4474InfoInvalid,
        ),
        (
            "<https://a.example/c.pem>;alg=ES256",
            StirCode::Rfc4474AlgUnsupported,
        ),
        (
            "<https://a.example/c.pem>;alg",
            StirCode::Rfc4474AlgUnsupported,
        ),
    ] {
        assert_eq!(parse_identity_info(bad).expect_err(bad).code, code, "{bad}");
    }
}

/// Every strict prefix of a signed request is refused (never verified, never a panic).
#[test]
fn truncations_never_verify() {
    let f = fixture();
    let m = f.signed(&BASE, &info(URL), same);
    assert_eq!(f.code(&m, DATE_SECS), None, "{m}");
    for end in 0..m.len() {
        let prefix = &m[..end];
        let verdict = f.verdict(prefix, DATE_SECS);
        assert!(
            !verdict.is_verified(),
            "prefix of {end} octets verified:\n{prefix}"
        );
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Arbitrary octets, and arbitrary text after a plausible request head, never verify
    /// and never panic.
    #[test]
    fn arbitrary_requests_never_verify(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
        tail in "[ -~\r\n]{0,400}",
    ) {
        let f = fixture();
        let verdict = f.verifier.verify_rfc4474(
            &bytes,
            &f.source,
            UnixTime::since_unix_epoch(Duration::from_secs(DATE_SECS)),
            super::DEFAULT_FRESHNESS,
        );
        proptest::prop_assert!(!verdict.is_verified());
        let text = format!("INVITE sip:b@b.example SIP/2.0\r\nIdentity: \"AAEC\"\r\n{tail}");
        let verdict = f.verdict(&text, DATE_SECS);
        proptest::prop_assert!(!verdict.is_verified(), "{}", text);
    }
}
