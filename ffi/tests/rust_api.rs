//! The C ABI's Rust side and its entry points called from Rust: misuse and hostile input give
//! their own error code (never a panic, never an accept), the names-only check says the path
//! was not checked, and the verdict object carries the library's decision.

use std::ffi::CStr;
use std::ptr;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use sipcert::Policy;
use sipcert_ffi::sipcert_result::{
    self, SIPCERT_CERT_MALFORMED, SIPCERT_INDEX_OUT_OF_RANGE, SIPCERT_INVALID_ARGUMENT,
    SIPCERT_INVALID_CRL, SIPCERT_INVALID_DOMAIN, SIPCERT_INVALID_LENGTH, SIPCERT_INVALID_REFERENCE,
    SIPCERT_INVALID_TRUST_ANCHOR, SIPCERT_INVALID_UTF8, SIPCERT_NULL_PARAMETER, SIPCERT_OK,
    SIPCERT_PANIC,
};
use sipcert_ffi::{
    check_end_entity, extract_identities, parse_reference, set_secure_srv_target,
    sipcert_check_end_entity, sipcert_extract_identities, sipcert_policy, sipcert_policy_free,
    sipcert_policy_new, sipcert_policy_set_eku_mode, sipcert_result_name,
    sipcert_verdict_chain_checked, sipcert_verdict_chain_status, sipcert_verdict_free,
    sipcert_verdict_hint_code, sipcert_verdict_is_accept, sipcert_verdict_json,
    sipcert_verdict_matched_name, sipcert_verdict_reason_code, SIPCERT_MAX_DER_LEN,
    SIPCERT_MAX_TEXT_LEN, SIPCERT_ROLE_CLIENT, SIPCERT_ROLE_SERVER,
};
use sipcert_testkit::fixtures;

fn leaf(fixture: &str) -> Vec<u8> {
    let path = fixtures::dir().join(fixture).join("chain.pem");
    CertificateDer::pem_file_iter(&path)
        .expect("chain.pem")
        .next()
        .expect("a certificate")
        .expect("PEM")
        .as_ref()
        .to_vec()
}

const ALL_RESULTS: &[sipcert_result] = &[
    SIPCERT_OK,
    SIPCERT_NULL_PARAMETER,
    SIPCERT_INVALID_LENGTH,
    SIPCERT_INVALID_UTF8,
    SIPCERT_INVALID_REFERENCE,
    SIPCERT_INVALID_ARGUMENT,
    SIPCERT_CERT_MALFORMED,
    SIPCERT_INVALID_TRUST_ANCHOR,
    SIPCERT_INVALID_CRL,
    SIPCERT_INVALID_DOMAIN,
    SIPCERT_PANIC,
    SIPCERT_INDEX_OUT_OF_RANGE,
];

#[test]
fn result_codes_are_distinct_and_named() {
    for (i, a) in ALL_RESULTS.iter().enumerate() {
        assert_eq!(*a as usize, i, "{a:?}: the codes are 0..=11 in order");
        // SAFETY: sipcert_result_name returns a static NUL-terminated string.
        let name = unsafe { CStr::from_ptr(sipcert_result_name(*a as u32)) };
        assert_eq!(name, a.name(), "{a:?}");
        assert_eq!(name.to_str().unwrap(), format!("{a:?}"));
    }
    // SAFETY: as above.
    let unknown = unsafe { CStr::from_ptr(sipcert_result_name(12)) };
    assert_eq!(unknown, c"SIPCERT_UNKNOWN");
}

/// (reference bytes, expected: Ok(reference text) or the error code)
const REFERENCES: &[(&[u8], Result<&str, sipcert_result>)] = &[
    (b"atlanta.com", Ok("atlanta.com")),
    (b"Atlanta.COM.", Ok("atlanta.com")),
    (b"sips:alice@atlanta.com:5061", Ok("atlanta.com")),
    (b"SIP:atlanta.com", Ok("atlanta.com")),
    ("bücher.example".as_bytes(), Ok("xn--bcher-kva.example")),
    (b"192.0.2.1", Ok("192.0.2.1")),
    (b"", Err(SIPCERT_INVALID_LENGTH)),
    (b"ex\xc3\x28.com", Err(SIPCERT_INVALID_UTF8)),
    (b"\xff", Err(SIPCERT_INVALID_UTF8)),
    (b"sip:", Err(SIPCERT_INVALID_REFERENCE)),
    (b"sips:alice@", Err(SIPCERT_INVALID_REFERENCE)),
    (b"http://atlanta.com", Err(SIPCERT_INVALID_REFERENCE)),
    (b"exa mple.com", Err(SIPCERT_INVALID_REFERENCE)),
    (b"a\0b.com", Err(SIPCERT_INVALID_REFERENCE)),
    (b"*.atlanta.com", Err(SIPCERT_INVALID_REFERENCE)),
];

#[test]
fn references() {
    for &(input, want) in REFERENCES {
        let got = parse_reference(input).map(|r| r.to_string());
        assert_eq!(
            got.as_deref().map_err(|e| *e),
            want,
            "reference {:?}",
            String::from_utf8_lossy(input)
        );
    }
    let huge = vec![b'a'; SIPCERT_MAX_TEXT_LEN + 1];
    assert_eq!(parse_reference(&huge).unwrap_err(), SIPCERT_INVALID_LENGTH);
}

/// (certificate DER, reference, role, the expected error)
#[test]
fn check_end_entity_misuse() {
    let good = leaf("rfc5922-sip-uri");
    let p = Policy::default();
    let cases: &[(&[u8], &[u8], u32, sipcert_result)] = &[
        (
            &[],
            b"atlanta.com",
            SIPCERT_ROLE_SERVER,
            SIPCERT_INVALID_LENGTH,
        ),
        (&good, b"", SIPCERT_ROLE_SERVER, SIPCERT_INVALID_LENGTH),
        (&good, b"\x80", SIPCERT_ROLE_SERVER, SIPCERT_INVALID_UTF8),
        (
            &good,
            b"sip:",
            SIPCERT_ROLE_SERVER,
            SIPCERT_INVALID_REFERENCE,
        ),
        (&good, b"atlanta.com", 2, SIPCERT_INVALID_ARGUMENT),
        (&good, b"atlanta.com", u32::MAX, SIPCERT_INVALID_ARGUMENT),
    ];
    for &(der, reference, role, want) in cases {
        let got = check_end_entity(&p, der, reference, role).map(|v| v.is_accept());
        assert_eq!(
            got,
            Err(want),
            "der {} bytes, reference {:?}, role {role}",
            der.len(),
            String::from_utf8_lossy(reference)
        );
    }
    let huge = vec![0x30; SIPCERT_MAX_DER_LEN + 1];
    assert_eq!(
        check_end_entity(&p, &huge, b"atlanta.com", SIPCERT_ROLE_SERVER).unwrap_err(),
        SIPCERT_INVALID_LENGTH
    );
}

/// Garbage as the peer's certificate is a `cert-malformed` reject from the checks, and an
/// error from identity extraction: never an accept, never a panic.
const GARBAGE: &[&[u8]] = &[
    &[0x00],
    &[0x30],
    &[0x30, 0x00],
    &[0x30, 0x82, 0xff, 0xff, 0x00],
    &[0x30, 0x80, 0x00, 0x00],
    b"-----BEGIN CERTIFICATE-----",
    &[0xff; 64],
];

#[test]
fn garbage_der_is_a_reject_and_a_malformed_error() {
    let p = Policy::default();
    for der in GARBAGE {
        let v = check_end_entity(&p, der, b"atlanta.com", SIPCERT_ROLE_SERVER)
            .unwrap_or_else(|e| panic!("{der:02x?}: {e:?}"));
        assert!(!v.is_accept(), "{der:02x?}");
        let json: serde_json::Value = serde_json::from_str(v.json().to_str().unwrap()).unwrap();
        assert_eq!(json["chain"], "cert-malformed", "{der:02x?}: {json}");
        assert_eq!(json["reasons"][0]["code"], "cert-malformed", "{der:02x?}");
        assert_eq!(
            extract_identities(&p, der).map(|i| i.json().to_owned()),
            Err(SIPCERT_CERT_MALFORMED),
            "{der:02x?}"
        );
    }
}

/// (trust anchors, CRLs, revocation flags, the expected error)
type VerifierCase<'a> = (&'a [&'a [u8]], &'a [&'a [u8]], u32, sipcert_result);

#[test]
fn chain_verifier_misuse() {
    let root = {
        let path = fixtures::dir().join("rfc5922-sip-uri/root.pem");
        CertificateDer::from_pem_file(path)
            .expect("root")
            .as_ref()
            .to_vec()
    };
    let garbage: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x00];
    let cases: &[VerifierCase<'_>] = &[
        (&[garbage], &[], 0, SIPCERT_INVALID_TRUST_ANCHOR),
        (&[&[]], &[], 0, SIPCERT_INVALID_LENGTH),
        (&[&root], &[garbage], 0, SIPCERT_INVALID_CRL),
        (&[&root], &[&[]], 0, SIPCERT_INVALID_LENGTH),
        (&[&root], &[], 8, SIPCERT_INVALID_ARGUMENT),
    ];
    for &(anchors, crls, flags, want) in cases {
        assert_eq!(
            sipcert_ffi::chain_verifier(anchors, crls, flags).map(|_| ()),
            Err(want),
            "anchors {anchors:02x?}, crls {crls:02x?}, flags {flags}"
        );
    }
    let verifier = sipcert_ffi::chain_verifier(&[&root], &[], 7).expect("all flags");
    let p = Policy::default();
    assert_eq!(
        sipcert_ffi::check_chain(&verifier, &p, &[], b"atlanta.com", 0, 0).map(|_| ()),
        Err(SIPCERT_INVALID_LENGTH),
        "empty chain"
    );
}

#[test]
fn secure_srv_target_misuse() {
    let p = Policy::default();
    let cases: &[(&[u8], sipcert_result)] = &[
        (b"", SIPCERT_INVALID_LENGTH),
        (b"\xc0", SIPCERT_INVALID_UTF8),
        (b"a b", SIPCERT_INVALID_DOMAIN),
        (b"sip:x.example", SIPCERT_INVALID_DOMAIN),
    ];
    for &(target, want) in cases {
        assert_eq!(
            set_secure_srv_target(&p, target).map(|_| ()),
            Err(want),
            "{:?}",
            String::from_utf8_lossy(target)
        );
    }
}

fn c_str(p: *const std::ffi::c_char) -> Option<String> {
    // SAFETY: the accessors return null or a NUL-terminated string valid while the verdict is.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned())
}

/// Through the entry points: the names-only check of the RFC 5922 leaf accepts and says the
/// path was NOT checked; the RFC 3261 host-style leaf is rejected with its hint.
#[test]
fn names_only_check_through_the_entry_points() {
    let mut policy: *mut sipcert_policy = ptr::null_mut();
    // SAFETY: `policy` is a valid out-pointer.
    assert_eq!(unsafe { sipcert_policy_new(&raw mut policy) }, SIPCERT_OK);
    // (fixture, accept, reason, hint)
    let cases = [
        ("rfc5922-sip-uri", true, None, None),
        (
            "rfc3261-host-style",
            false,
            Some("no-matching-identity"),
            Some("hint-host-within-domain"),
        ),
    ];
    for (fixture, accept, reason, hint) in cases {
        let der = leaf(fixture);
        let reference = b"sips:alice@atlanta.com";
        let mut v = ptr::null_mut();
        // SAFETY: every pointer is valid for its length; `v` is a valid out-pointer.
        let r = unsafe {
            sipcert_check_end_entity(
                policy,
                der.as_ptr(),
                der.len(),
                reference.as_ptr(),
                reference.len(),
                SIPCERT_ROLE_SERVER,
                &raw mut v,
            )
        };
        assert_eq!(r, SIPCERT_OK, "{fixture}");
        // SAFETY: `v` is a live verdict until freed below.
        unsafe {
            assert_eq!(sipcert_verdict_is_accept(v), accept, "{fixture}");
            assert!(!sipcert_verdict_chain_checked(v), "{fixture}");
            assert_eq!(
                c_str(sipcert_verdict_chain_status(v)).as_deref(),
                Some("unchecked"),
                "{fixture}"
            );
            assert_eq!(c_str(sipcert_verdict_reason_code(v, 0)).as_deref(), reason);
            assert_eq!(c_str(sipcert_verdict_hint_code(v, 0)).as_deref(), hint);
            assert_eq!(
                c_str(sipcert_verdict_matched_name(v)).is_some(),
                accept,
                "{fixture}"
            );
            let json: serde_json::Value =
                serde_json::from_str(&c_str(sipcert_verdict_json(v)).unwrap()).unwrap();
            assert_eq!(json["chain"], "unchecked", "{fixture}");
            sipcert_verdict_free(v);
        }
    }
    // SAFETY: `policy` is live; freed once.
    unsafe { sipcert_policy_free(policy) };
}

#[test]
fn entry_points_refuse_null_and_huge_lengths() {
    let mut policy: *mut sipcert_policy = ptr::null_mut();
    // SAFETY: valid out-pointer.
    assert_eq!(unsafe { sipcert_policy_new(&raw mut policy) }, SIPCERT_OK);
    let der = leaf("rfc5922-sip-uri");
    let reference = b"atlanta.com";
    let mut v = ptr::null_mut();
    // SAFETY: the pointers are valid or null; a length above the maximum is refused before
    // any memory is read.
    unsafe {
        let huge = sipcert_check_end_entity(
            policy,
            der.as_ptr(),
            usize::MAX,
            reference.as_ptr(),
            reference.len(),
            SIPCERT_ROLE_CLIENT,
            &raw mut v,
        );
        assert_eq!(huge, SIPCERT_INVALID_LENGTH);
        assert!(v.is_null());
        let null_policy = sipcert_check_end_entity(
            ptr::null(),
            der.as_ptr(),
            der.len(),
            reference.as_ptr(),
            reference.len(),
            SIPCERT_ROLE_CLIENT,
            &raw mut v,
        );
        assert_eq!(null_policy, SIPCERT_NULL_PARAMETER);
        let mut ids = ptr::null_mut();
        assert_eq!(
            sipcert_extract_identities(policy, ptr::null(), 10, &raw mut ids),
            SIPCERT_NULL_PARAMETER
        );
        assert_eq!(
            sipcert_extract_identities(policy, der.as_ptr(), der.len(), ptr::null_mut()),
            SIPCERT_NULL_PARAMETER
        );
        assert_eq!(
            sipcert_policy_set_eku_mode(policy, 2),
            SIPCERT_INVALID_ARGUMENT
        );
        assert_eq!(
            sipcert_policy_set_eku_mode(ptr::null_mut(), 1),
            SIPCERT_NULL_PARAMETER
        );
        sipcert_policy_free(policy);
    }
}
