//! STIR verification: `StirVerifier::verify` with a warm x5u source (the chain in memory) and
//! a warm chain cache (`with_chain_cache`, validated once before timing), against the bare
//! ES256 signature verification of the same PASSporT with the same provider's P-256 SHA-256
//! algorithm (ring), in the same run. The difference measured is what sipcert adds to one
//! ECDSA verify: parsing the header and the PASSporT (base64url, JSON), the claims, the
//! numbers, the leaf's strict DER walk and its TNAuthList, the cache lookup.
//!
//! Run: `cargo bench --bench stir` (ratio: `verify/full` over `verify/bare_es256`).

use std::sync::Arc;
use std::time::Duration;

use divan::{black_box, Bencher};
use rcgen::KeyPair;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, SignatureVerificationAlgorithm, UnixTime};
use rustls::SignatureScheme;
use sipcert::stir::{
    parse_identity, sign, Attest, CanonicalTn, CertificateSource, Orig, SourceError, StirRequest,
    StirVerifier,
};
use sipcert_testkit::pki::{Ca, CaSpec};
use sipcert_testkit::stir::{shaken_passport, sti_profile_leaf, TnEntry};

fn main() {
    divan::main();
}

const X5U: &str = "https://cert.example.org/sp.pem";
const IAT: u64 = 1_780_000_000;

/// The chain in memory: what a warm x5u cache returns.
struct Warm(Vec<CertificateDer<'static>>);

impl CertificateSource for Warm {
    fn chain(&self, _url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        Ok(self.0.clone())
    }
}

struct Setup {
    verifier: StirVerifier,
    source: Warm,
    identity: String,
    orig: CanonicalTn,
    dest: CanonicalTn,
    /// The bare check's inputs: the provider's ES256 algorithm, the key, the signing input
    /// and the DER signature.
    alg: &'static dyn SignatureVerificationAlgorithm,
    public_key: Vec<u8>,
    message: Vec<u8>,
    der_signature: Vec<u8>,
}

fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(IAT + 1))
}

/// A SHAKEN PASSporT signed by a leaf (TN in a range) under an intermediate and a root;
/// the verifier with a chain cache (warmed) when `cache`.
fn setup(cache: bool) -> Setup {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let root = Ca::root_with(CaSpec::new("Bench STI-CA"));
    let inter = root.intermediate(CaSpec::new("Bench STI intermediate"));
    let key = KeyPair::generate().expect("key");
    let public_key = key.public_key_raw().to_vec();
    let leaf = inter.leaf_with_key(
        sti_profile_leaf(&[TnEntry::Range("12155551200".into(), 100)], &[]),
        &key,
    );
    let orig = CanonicalTn::parse("12155551212").expect("tn");
    let dest = CanonicalTn::parse("12155551213").expect("tn");
    let iat = i64::try_from(IAT).expect("iat");
    let passport = shaken_passport(
        Orig::Tn(orig.clone()),
        Attest::A,
        X5U,
        std::slice::from_ref(&dest),
        iat,
    );
    let identity = sign(&passport, &leaf.key, &provider).expect("signs");
    let parsed = parse_identity(&identity).expect("parses");
    let alg = provider
        .signature_verification_algorithms
        .mapping
        .iter()
        .find(|(scheme, _)| *scheme == SignatureScheme::ECDSA_NISTP256_SHA256)
        .and_then(|(_, algs)| {
            algs.iter().copied().find(|a| {
                a.public_key_alg_id() == rustls::pki_types::alg_id::ECDSA_P256
                    && a.signature_alg_id() == rustls::pki_types::alg_id::ECDSA_SHA256
            })
        })
        .expect("ES256");
    let der_signature = raw_to_der(parsed.signature());
    let message = parsed.signing_input().as_bytes().to_vec();
    assert!(alg
        .verify_signature(&public_key, &message, &der_signature)
        .is_ok());
    let mut verifier = StirVerifier::new([root.anchor()], provider);
    if cache {
        verifier = verifier.with_chain_cache(Duration::from_secs(3600), 64);
    }
    let source = Warm(vec![leaf.der.clone(), inter.der.clone()]);
    let s = Setup {
        verifier,
        source,
        identity,
        orig,
        dest,
        alg,
        public_key,
        message,
        der_signature,
    };
    // Warm the chain cache, and check that the full verification verifies.
    assert!(full(&s), "the full verification verifies");
    assert_eq!(s.verifier.cached_chains(), usize::from(cache));
    s
}

/// JWS `r || s` (32 + 32 octets) as a DER ECDSA-Sig-Value.
fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    let int = |x: &[u8]| {
        let x: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
        let mut v = if x.first().is_none_or(|b| b & 0x80 != 0) {
            vec![0]
        } else {
            Vec::new()
        };
        v.extend(x);
        let mut out = vec![0x02, u8::try_from(v.len()).expect("short")];
        out.extend(v);
        out
    };
    let (r, s) = raw.split_at(32);
    let mut body = int(r);
    body.extend(int(s));
    let mut out = vec![0x30, u8::try_from(body.len()).expect("short")];
    out.extend(body);
    out
}

fn full(s: &Setup) -> bool {
    let request = StirRequest::new(&s.identity, &s.orig, &s.dest);
    s.verifier
        .verify(black_box(&request), &s.source, now())
        .is_verified()
}

/// 1 000 samples of 4 verifications, as `benches/verify.rs`.
#[divan::bench(sample_count = 1000, sample_size = 4)]
fn full_verify(bencher: Bencher<'_, '_>) {
    let s = setup(true);
    bencher.bench_local(|| assert!(full(&s)));
}

#[divan::bench(sample_count = 1000, sample_size = 4)]
fn bare_es256(bencher: Bencher<'_, '_>) {
    let s = setup(true);
    bencher.bench_local(|| {
        assert!(s
            .alg
            .verify_signature(
                black_box(&s.public_key),
                black_box(&s.message),
                black_box(&s.der_signature)
            )
            .is_ok());
    });
}

/// The chain validated on every call (no cache): what the cache saves.
#[divan::bench(sample_count = 200, sample_size = 4)]
fn full_verify_cold_chain(bencher: Bencher<'_, '_>) {
    let s = setup(false);
    bencher.bench_local(|| assert!(full(&s)));
}
