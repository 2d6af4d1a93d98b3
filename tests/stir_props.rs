//! `sipcert::stir` never panics on arbitrary Identity header values, and never verifies one
//! it cannot check.

use std::sync::Arc;

use proptest::prelude::*;
use rustls_pki_types::{CertificateDer, UnixTime};
use sipcert::stir::{
    parse_identity, CanonicalTn, CertificateSource, SourceError, StirRequest, StirVerifier,
};

struct Nothing;

impl CertificateSource for Nothing {
    fn chain(&self, _url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        Err(SourceError::new("offline"))
    }
}

/// Pieces an Identity header is made of, so the strategy reaches past the first check.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_-]{0,40}",
        Just(".".to_owned()),
        Just(";info=<https://x.example/c.pem>".to_owned()),
        Just(";alg=ES256".to_owned()),
        Just(";ppt=shaken".to_owned()),
        Just("eyJhbGciOiJFUzI1NiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly94LmV4YW1wbGUvYy5wZW0ifQ".to_owned()),
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn arbitrary_header_values_never_panic(pieces in proptest::collection::vec(piece(), 0..8)) {
        let value = pieces.concat();
        let _ = parse_identity(&value);
        let verifier = StirVerifier::new([], Arc::new(rustls::crypto::ring::default_provider()));
        let n = CanonicalTn::parse("12155551212").expect("number");
        let request = StirRequest::new(&value, &n, &n );
        let verdict = verifier.verify(&request, &Nothing, UnixTime::now());
        prop_assert!(!verdict.is_verified(), "{value}");
    }

    #[test]
    fn arbitrary_numbers_never_panic(text in any::<String>()) {
        let _ = CanonicalTn::parse(&text);
        let _ = sipcert::stir::caller_number(&text);
    }
}

proptest! {
    /// A valid TNAuthList with one byte changed, or arbitrary bytes: what parses re-encodes
    /// to exactly the input (the fuzz target's check).
    #[test]
    fn tn_auth_list_mutations_parse_only_canonical_der(
        at in 0usize..64,
        byte in any::<u8>(),
        noise in proptest::collection::vec(any::<u8>(), 0..48),
    ) {
        use sipcert_testkit::stir::{tn_auth_list, TnEntry as Tn};
        let mut der = tn_auth_list(&[
            Tn::Spc("709J".into()),
            Tn::One("*67#".into()),
            Tn::Range("12155550000".into(), 300),
        ]);
        let len = der.len();
        der[at % len] = byte;
        sipcert_testkit::fuzz_checks::stir::check_tn_auth_list(&der);
        sipcert_testkit::fuzz_checks::stir::check_tn_auth_list(&noise);
    }
}
