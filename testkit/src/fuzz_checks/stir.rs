//! `stir_identity`, `stir_tnauthlist`, `stir_claim_constraints` and `stir_rfc4474`: the STIR
//! parsers never panic, never verify what they cannot check, and the TNAuthList and
//! claim-constraint readers accept only the DER they would write.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, UnixTime};
use sipcert::stir::{
    parse_claim_constraints, parse_identity, parse_tn_auth_list, CanonicalTn, CertificateSource,
    ConstraintsKind, SourceError, StirCode, StirRequest, StirVerifier, TnEntry,
};

use crate::stir::{claim_constraints, tn_auth_list, TnEntry as Tn};

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
    // With a From URI and a Date: the orig.uri, Date and compact-form paths.
    let from = sipcert::uri::OwnedSipUri::parse("sip:alice@example.com").expect("URI");
    let request = request
        .with_from(&from)
        .with_date("Thu, 28 May 2026 20:26:40 GMT");
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

fn names(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The input as a JWTClaimConstraints (RFC 8226 §8) and as an EnhancedJWTClaimConstraints
/// (RFC 9118) value: what parses re-encodes to exactly the input, has at least one
/// constraint and no empty list or string, and RFC 8226's form has no `mustExclude`; what
/// does not parse fails with `stir-claim-constraint-malformed`.
pub fn check_claim_constraints(data: &[u8]) {
    for kind in [ConstraintsKind::Rfc8226, ConstraintsKind::Enhanced] {
        let parsed = match parse_claim_constraints(data, kind) {
            Ok(parsed) => parsed,
            Err(e) => {
                assert_eq!(e.code, StirCode::ClaimConstraintMalformed, "{data:02x?}");
                continue;
            }
        };
        assert_eq!(parsed.kind, kind);
        if kind == ConstraintsKind::Rfc8226 {
            assert!(parsed.must_exclude.is_empty(), "{data:02x?}");
        }
        let include = names(&parsed.must_include);
        let exclude = names(&parsed.must_exclude);
        let values: Vec<(&str, Vec<&str>)> = parsed
            .permitted_values
            .iter()
            .map(|(c, v)| {
                assert!(!c.is_empty() && !v.is_empty(), "{data:02x?}");
                (c.as_str(), names(v))
            })
            .collect();
        let permitted: Vec<(&str, &[&str])> =
            values.iter().map(|(c, v)| (*c, v.as_slice())).collect();
        assert!(
            !(include.is_empty() && permitted.is_empty() && exclude.is_empty()),
            "{data:02x?}"
        );
        assert_eq!(
            claim_constraints(&include, &permitted, &exclude),
            data,
            "{parsed:?}"
        );
    }
}

/// The input as a whole SIP request carrying an RFC 4474 Identity: the request reader (and the
/// RFC 8224 one, `RequestFields::parse`) and the §9 digest string never panic; a digest string
/// holds the Call-ID and ends with the body; the verifier (no trust anchor, the input also as
/// the certificate) never verifies.
pub fn check_rfc4474(data: &[u8]) {
    use sipcert::stir::rfc4474::{digest_string, Rfc4474Request, DEFAULT_FRESHNESS};
    if let Ok(request) = Rfc4474Request::parse(data) {
        if let Ok(digest) = digest_string(&request) {
            assert!(digest.ends_with(request.body), "{data:02x?}");
            let call_id = request.call_id.as_bytes();
            assert!(
                digest.windows(call_id.len()).any(|w| w == call_id),
                "{data:02x?}"
            );
        }
    }
    // The RFC 8224 reader shares the request reader: it never panics, and what it accepts
    // has at least one Identity value, none empty.
    if let Ok(fields) = sipcert::stir::RequestFields::parse(data) {
        assert!(
            !fields.identities.is_empty() && fields.identities.iter().all(|i| !i.is_empty()),
            "{data:02x?}"
        );
    }
    let verifier = StirVerifier::new([], Arc::new(rustls::crypto::ring::default_provider()));
    let verdict = verifier.verify_rfc4474(
        data,
        &Bytes(data.to_vec()),
        UnixTime::now(),
        DEFAULT_FRESHNESS,
    );
    assert!(!verdict.is_verified(), "{data:02x?}");
}
