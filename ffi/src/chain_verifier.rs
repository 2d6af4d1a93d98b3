//! `sipcert_chain_verifier`: trust anchors, CRLs and revocation options for the full check
//! (path validation, CA name constraints, revocation, then the names and the EKU).

use std::ffi::c_char;

use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use sipcert::chain::ChainVerifier;
use sipcert::Policy;

use crate::args::{der_len_ok, parse_reference, role, time, trust_anchors};
use crate::constants::{
    sipcert_role_arg, SIPCERT_MAX_LIST_LEN, SIPCERT_REVOCATION_ALLOW_UNKNOWN,
    SIPCERT_REVOCATION_END_ENTITY_ONLY, SIPCERT_REVOCATION_ENFORCE_EXPIRATION,
};
use crate::panic::{guard, guard_or};
use crate::policy::sipcert_policy;
use crate::ptr::{bytes, clear, der_list, free, obj, put, with_cstr};
use crate::result::sipcert_result::{
    self, SIPCERT_INVALID_ARGUMENT, SIPCERT_INVALID_CRL, SIPCERT_INVALID_LENGTH,
};
use crate::verdict::sipcert_verdict;

/// Trust anchors, CRLs and revocation options for the full check (a
/// `sipcert::chain::ChainVerifier` with rustls's `ring` provider). Immutable; usable from
/// several threads at once.
#[derive(Debug)]
pub struct sipcert_chain_verifier {
    inner: ChainVerifier,
}

impl From<ChainVerifier> for sipcert_chain_verifier {
    fn from(inner: ChainVerifier) -> Self {
        Self { inner }
    }
}

/// `sipcert_chain_verifier_new`: a [`ChainVerifier`] trusting `anchors` (DER certificates),
/// with `crls` (DER) and the `SIPCERT_REVOCATION_*` flags, verifying signatures with rustls's
/// `ring` provider.
pub fn chain_verifier(
    anchors: &[&[u8]],
    crls: &[&[u8]],
    revocation_flags: u32,
) -> Result<ChainVerifier, sipcert_result> {
    const ALL: u32 = SIPCERT_REVOCATION_END_ENTITY_ONLY
        | SIPCERT_REVOCATION_ALLOW_UNKNOWN
        | SIPCERT_REVOCATION_ENFORCE_EXPIRATION;
    if revocation_flags & !ALL != 0 {
        return Err(SIPCERT_INVALID_ARGUMENT);
    }
    if anchors.len() > SIPCERT_MAX_LIST_LEN || crls.len() > SIPCERT_MAX_LIST_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    let trust = trust_anchors(anchors)?;
    let mut owned_crls = Vec::with_capacity(crls.len());
    for der in crls {
        der_len_ok(der)?;
        owned_crls.push(CertificateRevocationListDer::from(der.to_vec()));
    }
    let algorithms = rustls::crypto::ring::default_provider()
        .signature_verification_algorithms
        .all;
    let mut verifier = ChainVerifier::new(algorithms, trust)
        .with_crls(owned_crls)
        .map_err(|_| SIPCERT_INVALID_CRL)?;
    if revocation_flags & SIPCERT_REVOCATION_END_ENTITY_ONLY != 0 {
        verifier = verifier.only_check_end_entity_revocation();
    }
    if revocation_flags & SIPCERT_REVOCATION_ALLOW_UNKNOWN != 0 {
        verifier = verifier.allow_unknown_revocation_status();
    }
    if revocation_flags & SIPCERT_REVOCATION_ENFORCE_EXPIRATION != 0 {
        verifier = verifier.enforce_revocation_expiration();
    }
    Ok(verifier)
}

/// `sipcert_chain_verifier_check`: [`ChainVerifier::check`] on `chain` (end entity first,
/// then intermediates) at `now_unix_secs` (`SIPCERT_TIME_NOW`: the system clock).
pub fn check_chain(
    verifier: &ChainVerifier,
    policy: &Policy,
    chain: &[&[u8]],
    reference: &[u8],
    role_code: u32,
    now_unix_secs: u64,
) -> Result<sipcert_verdict, sipcert_result> {
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err(SIPCERT_INVALID_LENGTH);
    };
    if chain.len() > SIPCERT_MAX_LIST_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    for der in chain {
        der_len_ok(der)?;
    }
    let reference = parse_reference(reference)?;
    let role = role(role_code)?;
    let intermediates: Vec<_> = intermediates
        .iter()
        .map(|d| CertificateDer::from(*d))
        .collect();
    let verdict = verifier.check(
        &CertificateDer::from(*leaf),
        &intermediates,
        time(now_unix_secs),
        &reference,
        role,
        policy,
    );
    Ok(sipcert_verdict::new(&verdict))
}

/// Creates a verifier for the full check (path validation with rustls-webpki and the `ring`
/// provider, CA name constraints, revocation) trusting `anchor_count` DER certificates
/// (`anchors[i]`, `anchor_lens[i]` bytes) and using `crl_count` DER CRLs (0 for none; the
/// arrays may then be null). `revocation_flags`: `SIPCERT_REVOCATION_*` or'ed, 0 for the
/// defaults (every certificate of the path must be covered by a CRL when CRLs are given).
///
/// Errors: `SIPCERT_INVALID_TRUST_ANCHOR`, `SIPCERT_INVALID_CRL`, and the misuse codes. With
/// no anchor every chain is rejected (`chain-unknown-issuer`). Release with
/// `sipcert_chain_verifier_free`.
///
/// # Safety
/// The arrays must be null or hold their count of elements, each element pointing to its
/// length of readable bytes; `verifier_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_chain_verifier_new(
    anchors: *const *const u8,
    anchor_lens: *const usize,
    anchor_count: usize,
    crls: *const *const u8,
    crl_lens: *const usize,
    crl_count: usize,
    revocation_flags: u32,
    verifier_out: *mut *mut sipcert_chain_verifier,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each pointer follows this function's contract.
        unsafe { clear(verifier_out) }?;
        // SAFETY: as above.
        let anchors = unsafe { der_list(anchors, anchor_lens, anchor_count) }?;
        // SAFETY: as above.
        let crls = unsafe { der_list(crls, crl_lens, crl_count) }?;
        let inner = chain_verifier(&anchors, &crls, revocation_flags)?;
        // SAFETY: `clear` checked `verifier_out` is non-null.
        unsafe { put(verifier_out, sipcert_chain_verifier { inner }) };
        Ok(())
    })
}

/// Releases a verifier. Null does nothing; freeing twice is undefined behaviour.
///
/// # Safety
/// `verifier` must be null or come from `sipcert_chain_verifier_new`, not freed already.
#[no_mangle]
pub unsafe extern "C" fn sipcert_chain_verifier_free(verifier: *mut sipcert_chain_verifier) {
    // SAFETY: the caller's contract is `free`'s.
    guard_or((), || unsafe { free(verifier) });
}

/// The full check, for stacks that validate nothing themselves: the presented `chain` (end
/// entity first, then intermediates, `chain_count` >= 1) is validated against the verifier's
/// trust anchors at `now_unix_secs` (`SIPCERT_TIME_NOW`: the system clock), its identities are
/// checked against every CA's name constraints, and matched with `reference` for `role` as in
/// `sipcert_check_end_entity`.
///
/// On `SIPCERT_OK`, `*verdict_out` holds the verdict (a path failure is a reject whose chain
/// status names it); release it with `sipcert_verdict_free`.
///
/// # Safety
/// `verifier` and `policy` must be null or live; `chain`/`chain_lens` must be null or hold
/// `chain_count` elements, each pointing to its length of readable bytes; `reference` must be
/// null or point to `reference_len` readable bytes; `verdict_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_chain_verifier_check(
    verifier: *const sipcert_chain_verifier,
    policy: *const sipcert_policy,
    chain: *const *const u8,
    chain_lens: *const usize,
    chain_count: usize,
    reference: *const u8,
    reference_len: usize,
    role: sipcert_role_arg,
    now_unix_secs: u64,
    verdict_out: *mut *mut sipcert_verdict,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each pointer follows this function's contract.
        unsafe { clear(verdict_out) }?;
        // SAFETY: as above.
        let verifier = unsafe { obj(verifier) }?;
        // SAFETY: as above.
        let policy = unsafe { obj(policy) }?;
        if chain_count == 0 {
            return Err(SIPCERT_INVALID_LENGTH);
        }
        // SAFETY: as above.
        let chain = unsafe { der_list(chain, chain_lens, chain_count) }?;
        // SAFETY: as above.
        let reference = unsafe { bytes(reference, reference_len) }?;
        let verdict = check_chain(
            &verifier.inner,
            policy.policy(),
            &chain,
            reference,
            role,
            now_unix_secs,
        )?;
        // SAFETY: `clear` checked `verdict_out` is non-null.
        unsafe { put(verdict_out, verdict) };
        Ok(())
    })
}

/// `sipcert_chain_verifier_check` with `reference` as a NUL-terminated string (as
/// `sipcert_check_end_entity_cstr`).
///
/// # Safety
/// As `sipcert_chain_verifier_check`; `reference` must be null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn sipcert_chain_verifier_check_cstr(
    verifier: *const sipcert_chain_verifier,
    policy: *const sipcert_policy,
    chain: *const *const u8,
    chain_lens: *const usize,
    chain_count: usize,
    reference: *const c_char,
    role: sipcert_role_arg,
    now_unix_secs: u64,
    verdict_out: *mut *mut sipcert_verdict,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe {
        with_cstr(verdict_out, reference, |reference| {
            // SAFETY: forwarded contract; `reference` is `reference.len()` readable bytes.
            sipcert_chain_verifier_check(
                verifier,
                policy,
                chain,
                chain_lens,
                chain_count,
                reference.as_ptr(),
                reference.len(),
                role,
                now_unix_secs,
                verdict_out,
            )
        })
    }
}
