//! The Rust side of the C ABI (`sipcert-ffi`), on arbitrary bytes: the reference text, the
//! peer's certificate, a trust anchor and the integer arguments all come from the input, as
//! they would from a C caller. No panic (the entry points would turn one into
//! `SIPCERT_PANIC`, which is a bug here), every verdict's JSON parses, and an accept comes
//! only from a certificate with identities.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sipcert::{EkuMode, Policy};
use sipcert_ffi::sipcert_result::SIPCERT_PANIC;

fuzz_target!(|data: &[u8]| {
    let [flags, role, split, rest @ ..] = data else {
        return;
    };
    let (reference, der) = rest.split_at(usize::from(*split).min(rest.len()));
    let mut policy = Policy::default()
        .cn_fallback(flags & 1 != 0)
        .require_sip_uri(flags & 2 != 0)
        .allow_ip_literals(flags & 4 != 0);
    if flags & 8 != 0 {
        policy = policy.with_eku_mode(EkuMode::Rfc5924);
    }
    if flags & 16 != 0 {
        policy = sipcert::danger::allow_wildcards(policy);
    }
    // Roles 0 and 1 are defined; anything else must be SIPCERT_INVALID_ARGUMENT.
    let role = u32::from(*role % 3);
    let _ = sipcert_ffi::parse_reference(reference);
    let identities = sipcert_ffi::extract_identities(&policy, der);
    assert_ne!(identities.as_ref().err(), Some(&SIPCERT_PANIC));
    match sipcert_ffi::check_end_entity(&policy, der, reference, role) {
        Ok(v) => {
            let json: serde_json::Value =
                serde_json::from_str(v.json().to_str().expect("UTF-8 JSON")).expect("JSON");
            assert_eq!(json["verdict"] == "accept", v.is_accept());
            if v.is_accept() {
                assert_eq!(json["chain"], "unchecked", "names-only check");
                assert!(identities.is_ok(), "an accept from an unparsable certificate");
            }
        }
        Err(e) => assert_ne!(e, SIPCERT_PANIC),
    }
    // The same bytes as a trust anchor and as the presented chain.
    if let Ok(verifier) = sipcert_ffi::chain_verifier(&[der], &[], u32::from(flags >> 5)) {
        let r = sipcert_ffi::check_chain(&verifier, &policy, &[der], reference, role, 1_767_225_600);
        if let Ok(v) = r {
            let _ = v.message();
        }
    }
});
