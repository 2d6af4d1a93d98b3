//! The names-and-EKU check of a leaf certificate, for stacks that keep OpenSSL's own path
//! validation (`sipcert_check_end_entity`).

use std::ffi::c_char;

use sipcert::Policy;

use crate::args::{der_len_ok, parse_reference, role};
use crate::constants::sipcert_role_arg;
use crate::panic::guard;
use crate::policy::sipcert_policy;
use crate::ptr::{bytes, clear, obj, put, with_cstr};
use crate::result::sipcert_result;
use crate::verdict::sipcert_verdict;

/// `sipcert_check_end_entity`: [`sipcert::check_end_entity`] on the leaf `cert_der` for
/// `reference` (see [`parse_reference`]) and `role` (`SIPCERT_ROLE_*`). A malformed
/// certificate is a `cert-malformed` reject, not an error.
pub fn check_end_entity(
    policy: &Policy,
    cert_der: &[u8],
    reference: &[u8],
    role_code: u32,
) -> Result<sipcert_verdict, sipcert_result> {
    der_len_ok(cert_der)?;
    let reference = parse_reference(reference)?;
    let role = role(role_code)?;
    let verdict = sipcert::check_end_entity(cert_der, &reference, role, policy);
    Ok(sipcert_verdict::new(&verdict))
}

/// The names-and-EKU check of a leaf certificate, for stacks that keep OpenSSL's own path
/// validation: RFC 5922 §7.1 identity extraction and §7.2 matching against `reference`, and
/// the RFC 5924 EKU policy for `role` (a `sipcert_role`: `SIPCERT_ROLE_SERVER` /
/// `SIPCERT_ROLE_CLIENT`).
///
/// The certificate path is NOT checked (signatures, validity, trust, revocation, CA name
/// constraints): `sipcert_verdict_chain_checked` is false and the chain status `unchecked`.
/// Call it from an OpenSSL verify callback at depth 0, after OpenSSL's own verification
/// succeeded (`preverify_ok`). On a reject, set an error before returning 0
/// (`X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REJECTED)`): without one OpenSSL reports
/// "unspecified certificate verification error" and sends the peer internal_error(80); with
/// it, bad_certificate(42).
///
/// TLS session resumption: a resumed session runs NO verify callback (the peer's certificate
/// is not presented again), so a session cache keyed by address or host carries the
/// authentication of one SIP domain over to a connection for another (the RFC 5923 confusion
/// again). Offer a session only to a connection for the same SIP domain
/// (`SSL_set_session` with a session stored under that domain, `SSL_CTX_sess_set_new_cb` to
/// store it), or disable resumption (`SSL_OP_NO_TICKET` and
/// `SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF)`).
///
/// `reference` (`reference_len` bytes of UTF-8, no NUL needed): a `sip:`/`sips:` URI (the
/// AUS; its host is the reference), a domain name, or an IP address (bare or in brackets:
/// `[2001:db8::1]`), by the library's rule (`Reference::from_text`).
///
/// On `SIPCERT_OK`, `*verdict_out` holds the verdict (accept or reject; a malformed
/// certificate is a `cert-malformed` reject); release it with `sipcert_verdict_free`. On any
/// other result `*verdict_out` is null.
///
/// # Safety
/// `policy` must be null or a live policy; `cert_der` and `reference` must be null or point to
/// their length of readable bytes; `verdict_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_check_end_entity(
    policy: *const sipcert_policy,
    cert_der: *const u8,
    cert_der_len: usize,
    reference: *const u8,
    reference_len: usize,
    role: sipcert_role_arg,
    verdict_out: *mut *mut sipcert_verdict,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each pointer follows this function's contract.
        unsafe { clear(verdict_out) }?;
        // SAFETY: as above.
        let policy = unsafe { obj(policy) }?;
        // SAFETY: as above.
        let cert = unsafe { bytes(cert_der, cert_der_len) }?;
        // SAFETY: as above.
        let reference = unsafe { bytes(reference, reference_len) }?;
        let verdict = check_end_entity(policy.policy(), cert, reference, role)?;
        // SAFETY: `clear` checked `verdict_out` is non-null.
        unsafe { put(verdict_out, verdict) };
        Ok(())
    })
}

/// `sipcert_check_end_entity` with `reference` as a NUL-terminated string (a SIP URI, a
/// domain name or an IP address); NULL is `SIPCERT_NULL_PARAMETER`, the empty string and a
/// string longer than `SIPCERT_MAX_TEXT_LEN` are `SIPCERT_INVALID_LENGTH`.
///
/// # Safety
/// As `sipcert_check_end_entity`; `reference` must be null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn sipcert_check_end_entity_cstr(
    policy: *const sipcert_policy,
    cert_der: *const u8,
    cert_der_len: usize,
    reference: *const c_char,
    role: sipcert_role_arg,
    verdict_out: *mut *mut sipcert_verdict,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_cstr(verdict_out, reference, |reference| {
            // SAFETY: forwarded contract; `reference` is `reference.len()` readable bytes.
            sipcert_check_end_entity(
                policy,
                cert_der,
                cert_der_len,
                reference.as_ptr(),
                reference.len(),
                role,
                verdict_out,
            )
        })
    }
}
