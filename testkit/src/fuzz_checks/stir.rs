//! `stir_identity` and `stir_tnauthlist`: the STIR parsers never panic, never verify what they
//! cannot check, and the TNAuthList reader accepts only the DER it would write.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, UnixTime};
use sipcert::stir::{
    parse_identity, parse_tn_auth_list, CanonicalTn, CertificateSource, SourceError, StirRequest,
    StirVerifier, TnEntry,
};

use crate::stir::{tn_auth_list, TnEntry as Tn};

/// Serves the fuzz input as the certificate chain of every URL.
struct Bytes(Vec<u8>);

impl CertificateSource for Bytes {
    fn chain(&self, _url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        Ok(vec![CertificateDer::from(self.0.clone())])
    }
}

/// The input (lossy UTF-8) as an Identity header value: a parse that succeeds has a 64-octet
/// signature over a signing input taken from the value; the verifier (no trust anchor, the
/// input also as the certificate) never verifies.
pub fn check_identity(data: &[u8]) {
    let value = String::from_utf8_lossy(data);
    if let Ok(parsed) = parse_identity(&value) {
        assert_eq!(parsed.signature().len(), 64, "{value:?}");
        assert!(value.contains(parsed.signing_input()), "{value:?}");
        assert_eq!(parsed.info, parsed.passport.header.x5u, "{value:?}");
    }
    let verifier = StirVerifier::new([], Arc::new(rustls::crypto::ring::default_provider()));
    let n = CanonicalTn::parse("12155551212").expect("number");
    let request = StirRequest::new(&value, &n, &n);
    let verdict = verifier.verify(&request, &Bytes(data.to_vec()), UnixTime::now());
    assert!(!verdict.is_verified(), "{value:?}");
}

/// The input as a TNAuthList value: what parses re-encodes to exactly the input (DER has one
/// encoding), and every entry keeps the RFC 8226 §9 constraints.
pub fn check_tn_auth_list(data: &[u8]) {
    let Ok(entries) = parse_tn_auth_list(data) else {
        return;
    };
    assert!(!entries.is_empty(), "{data:02x?}");
    let model: Vec<Tn> = entries
        .iter()
        .map(|e| match e {
            TnEntry::Spc(spc) => Tn::Spc(spc.clone()),
            TnEntry::Range { start, count } => {
                assert!(*count >= 2, "{data:02x?}");
                Tn::Range(start.clone(), *count)
            }
            TnEntry::One(tn) => {
                assert!((1..=15).contains(&tn.len()), "{data:02x?}");
                Tn::One(tn.clone())
            }
        })
        .collect();
    assert_eq!(tn_auth_list(&model), data, "{entries:?}");
}
