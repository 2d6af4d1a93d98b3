//! `sipcert_policy`: the knobs of RFC 5922 matching, created with the defaults and changed by
//! setters.

use std::ffi::c_char;

use sipcert::{DomainName, EkuMode, Policy};

use crate::constants::{
    sipcert_eku_mode_arg, SIPCERT_EKU_COMPATIBLE, SIPCERT_EKU_RFC5924, SIPCERT_MAX_TEXT_LEN,
};
use crate::panic::{guard, guard_or};
use crate::ptr::{bytes, clear, cstr_bytes, free, put};
use crate::result::result;
use crate::result::sipcert_result::{
    self, SIPCERT_INVALID_ARGUMENT, SIPCERT_INVALID_DOMAIN, SIPCERT_INVALID_LENGTH,
    SIPCERT_INVALID_UTF8, SIPCERT_NULL_PARAMETER,
};

/// The knobs of RFC 5922 matching (a `sipcert::Policy`). Created by `sipcert_policy_new`
/// with the RFC 5922 defaults, released by `sipcert_policy_free`. Readable by several threads
/// at once; a setter must not run while another thread uses the policy.
#[derive(Debug, Clone, Default)]
pub struct sipcert_policy {
    inner: Policy,
}

impl sipcert_policy {
    /// The library policy.
    pub fn policy(&self) -> &Policy {
        &self.inner
    }
}

/// The policy after one setter (`sipcert_policy_set_*`).
pub fn set_secure_srv_target(policy: &Policy, target: &[u8]) -> Result<Policy, sipcert_result> {
    if target.is_empty() || target.len() > SIPCERT_MAX_TEXT_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    let s = std::str::from_utf8(target).map_err(|_| SIPCERT_INVALID_UTF8)?;
    let d = DomainName::from_user_input(s).map_err(|_| SIPCERT_INVALID_DOMAIN)?;
    Ok(policy.clone().with_secure_srv_target(d))
}

/// Creates a policy with the RFC 5922 defaults (CN fallback on, DNS SANs used, no IP
/// literals, no secure SRV target, the Web-PKI-compatible EKU mode, wildcards never match)
/// in `*policy_out`. Release it with `sipcert_policy_free`.
///
/// # Safety
/// `policy_out` must be null or point to writable storage for one pointer.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_new(
    policy_out: *mut *mut sipcert_policy,
) -> sipcert_result {
    guard(|| {
        // SAFETY: `policy_out` is null or writable (this function's contract).
        unsafe { clear(policy_out) }?;
        // SAFETY: `clear` checked it is non-null.
        unsafe { put(policy_out, sipcert_policy::default()) };
        Ok(())
    })
}

/// Releases a policy. Null does nothing; freeing twice is undefined behaviour.
///
/// # Safety
/// `policy` must be null or come from `sipcert_policy_new` and not be freed already.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_free(policy: *mut sipcert_policy) {
    // SAFETY: the caller's contract is `free`'s.
    guard_or((), || unsafe { free(policy) });
}

/// Applies `f` to the policy behind `policy`.
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses now.
unsafe fn update(
    policy: *mut sipcert_policy,
    f: impl FnOnce(&Policy) -> Result<Policy, sipcert_result>,
) -> sipcert_result {
    guard(|| {
        // SAFETY: a non-null `policy` is live and not shared during the call (the contract).
        let p = unsafe { policy.as_mut() }.ok_or(SIPCERT_NULL_PARAMETER)?;
        p.inner = f(&p.inner)?;
        Ok(())
    })
}

/// Whether the subject CN may be used when the certificate has no subjectAltName extension at
/// all (RFC 5922 §7.1 step 2). Default: on.
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_set_cn_fallback(
    policy: *mut sipcert_policy,
    enabled: bool,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { update(policy, |p| Ok(p.clone().cn_fallback(enabled))) }
}

/// When on, only `sip:` URI subjectAltNames are identities (dNSName SANs and the CN never
/// are). Default: off.
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_set_require_sip_uri(
    policy: *mut sipcert_policy,
    required: bool,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { update(policy, |p| Ok(p.clone().require_sip_uri(required))) }
}

/// Lets an IP-literal reference match iPAddress SANs and `sip:` URI SANs with that IP host
/// (binary comparison, RFC 5954 §4.2). Default: off (an IP reference is rejected with
/// `reference-is-ip-literal`).
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_set_allow_ip_literals(
    policy: *mut sipcert_policy,
    allowed: bool,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { update(policy, |p| Ok(p.clone().allow_ip_literals(allowed))) }
}

/// The EKU mode: `SIPCERT_EKU_COMPATIBLE` (default) or `SIPCERT_EKU_RFC5924`; another value is
/// `SIPCERT_INVALID_ARGUMENT`.
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_set_eku_mode(
    policy: *mut sipcert_policy,
    mode: sipcert_eku_mode_arg,
) -> sipcert_result {
    let mode = match mode {
        SIPCERT_EKU_COMPATIBLE => EkuMode::Compatible,
        SIPCERT_EKU_RFC5924 => EkuMode::Rfc5924,
        _ => return SIPCERT_INVALID_ARGUMENT,
    };
    // SAFETY: forwarded contract.
    unsafe { update(policy, |p| Ok(p.clone().with_eku_mode(mode))) }
}

/// Asserts that `target` (`target_len` bytes of UTF-8, no NUL needed) is the DNSSEC-validated
/// SRV target of the reference (RFC 7673 §4.1): it becomes a second reference identity and a
/// match through it carries the `secure-srv-target` relaxation.
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses during the call; `target`
/// must be null or point to `target_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_set_secure_srv_target(
    policy: *mut sipcert_policy,
    target: *const u8,
    target_len: usize,
) -> sipcert_result {
    // SAFETY: `target` is null or `target_len` readable bytes (this function's contract).
    let target = match unsafe { bytes(target, target_len) } {
        Ok(t) => t,
        Err(e) => return e,
    };
    // SAFETY: forwarded contract.
    unsafe { update(policy, |p| set_secure_srv_target(p, target)) }
}

/// `sipcert_policy_set_secure_srv_target` with `target` as a NUL-terminated string.
///
/// # Safety
/// As `sipcert_policy_set_secure_srv_target`; `target` must be null or a NUL-terminated
/// string.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_set_secure_srv_target_cstr(
    policy: *mut sipcert_policy,
    target: *const c_char,
) -> sipcert_result {
    guard(|| {
        // SAFETY: `target` is null or a NUL-terminated string (the contract).
        let target = unsafe { cstr_bytes(target) }?;
        // SAFETY: forwarded contract; `target` is `target.len()` readable bytes.
        result(unsafe {
            sipcert_policy_set_secure_srv_target(policy, target.as_ptr(), target.len())
        })
    })
}

/// DANGER: lets `*.example.com` dNSName SANs match one label (RFC 6125 §6.4.3 style),
/// although RFC 5922 §7.2 says wildcards MUST NOT match for SIP. A wildcard certificate for a
/// web farm then authenticates every SIP domain one label below it. A match made this way
/// carries the `wildcard` relaxation. There is no way back: create a new policy.
///
/// # Safety
/// `policy` must be null or a live policy that no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn sipcert_policy_danger_allow_wildcards(
    policy: *mut sipcert_policy,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { update(policy, |p| Ok(sipcert::danger::allow_wildcards(p.clone()))) }
}
