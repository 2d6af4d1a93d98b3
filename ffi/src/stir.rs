//! `sipcert_stir_verdict` and `sipcert_stir_verify`: a STIR/SHAKEN Identity header
//! (RFC 8224, 8225, 8226, 8588) verified with the certificate chain the caller fetched from
//! its x5u URL (`sipcert::stir`).

use std::ffi::{c_char, CStr, CString};
use std::sync::Arc;

use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use sipcert::stir::{
    caller_number, CertificateSource, SourceError, StirRequest, StirVerdict, StirVerifier,
};

use crate::args::{der_len_ok, time, trust_anchors};
use crate::constants::{SIPCERT_MAX_LIST_LEN, SIPCERT_MAX_TEXT_LEN};
use crate::names::cstring;
use crate::panic::{guard, guard_or, read, read_str};
use crate::ptr::{bytes, clear, cstr_bytes, der_list, free, put};
use crate::result::sipcert_result::{
    self, SIPCERT_INVALID_CRL, SIPCERT_INVALID_LENGTH, SIPCERT_INVALID_REFERENCE,
    SIPCERT_INVALID_UTF8,
};

/// The verdict on one Identity header: verified, or the `stir-…` code with what the network
/// needs (response code, `Reason` value, `verstat`). Immutable; usable from several threads
/// at once; its strings live as long as it does.
#[derive(Debug)]
pub struct sipcert_stir_verdict {
    code: Option<CString>,
    verstat: CString,
    response_code: u16,
    reason: Option<CString>,
    message: CString,
}

impl sipcert_stir_verdict {
    /// Renders `verdict` (the library's decision) once.
    pub fn new(verdict: &StirVerdict) -> Self {
        Self {
            code: verdict.code().map(|c| cstring(c.code())),
            verstat: cstring(verdict.verstat().as_str()),
            response_code: verdict.response_code().unwrap_or(0),
            reason: verdict.reason_header().map(|r| cstring(&r)),
            message: cstring(&verdict.to_string()),
        }
    }

    /// Whether every check passed.
    pub fn is_verified(&self) -> bool {
        self.code.is_none()
    }

    /// The `stir-…` code; `None` when verified.
    pub fn code(&self) -> Option<&CStr> {
        self.code.as_deref()
    }
}

/// The one chain the caller fetched, whatever URL the header names (the verifier still
/// requires the header's `info` and the PASSporT's `x5u` to agree).
struct Fetched(Vec<CertificateDer<'static>>);

impl CertificateSource for Fetched {
    fn chain(&self, _url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        Ok(self.0.clone())
    }
}

fn text(bytes: &[u8]) -> Result<&str, sipcert_result> {
    if bytes.is_empty() || bytes.len() > SIPCERT_MAX_TEXT_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    std::str::from_utf8(bytes).map_err(|_| SIPCERT_INVALID_UTF8)
}

/// The Identity header and the request's numbers of [`stir_verify`].
#[derive(Debug, Clone, Copy)]
pub struct StirInput<'a> {
    /// The Identity header field value.
    pub identity: &'a [u8],
    /// The calling number (From / P-Asserted-Identity): a number or a `tel:`/`sip:` URI.
    pub orig: &'a [u8],
    /// The called number (To / Request-URI), as `orig`.
    pub dest: &'a [u8],
}

/// `sipcert_stir_verify`: [`StirVerifier::verify`] with the default policy, trusting the DER
/// `anchors`, with the DER `crls`, the x5u `chain` (DER, leaf first) at `now_unix_secs`.
pub fn stir_verify(
    input: StirInput<'_>,
    anchors: &[&[u8]],
    crls: &[&[u8]],
    chain: &[&[u8]],
    now_unix_secs: u64,
) -> Result<sipcert_stir_verdict, sipcert_result> {
    let identity = text(input.identity)?;
    let orig = caller_number(text(input.orig)?).map_err(|_| SIPCERT_INVALID_REFERENCE)?;
    let dest = caller_number(text(input.dest)?).map_err(|_| SIPCERT_INVALID_REFERENCE)?;
    if [anchors.len(), crls.len(), chain.len()]
        .iter()
        .any(|n| *n > SIPCERT_MAX_LIST_LEN)
    {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    let trust = trust_anchors(anchors)?;
    let crls: Vec<_> = crls
        .iter()
        .map(|d| der_len_ok(d).map(|()| CertificateRevocationListDer::from(*d)))
        .collect::<Result<_, _>>()?;
    let chain: Vec<_> = chain
        .iter()
        .map(|d| der_len_ok(d).map(|()| CertificateDer::from(d.to_vec())))
        .collect::<Result<_, _>>()?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = StirVerifier::new(trust, provider)
        .with_crls(&crls)
        .map_err(|_| SIPCERT_INVALID_CRL)?;
    let request = StirRequest::new(identity, &orig, &dest);
    let verdict = verifier.verify(&request, &Fetched(chain), time(now_unix_secs));
    Ok(sipcert_stir_verdict::new(&verdict))
}

/// Verifies a STIR/SHAKEN Identity header value (RFC 8224 full form, an ES256 PASSporT of
/// RFC 8225/8588) as an STI-VS: the chain (`chain`, `chain_lens`, `chain_count` >= 1 DER
/// certificates, the STI certificate first: what the caller fetched from the header's x5u
/// URL) is validated to the STI-CA trust anchors (`anchors`, DER) with the `crls` (DER; 0 for
/// none, the arrays may then be null) at `now_unix_secs` (`SIPCERT_TIME_NOW`: the system
/// clock); the signature, the attestation, `iat` (60 s either way), the calling number
/// `orig` (From / P-Asserted-Identity: a number, or a `tel:`/`sip:` URI naming one) against
/// `orig.tn`, the called number `dest` against `dest.tn`, and the certificate's TNAuthList
/// against `orig.tn`.
///
/// A header that fails a check is `SIPCERT_OK` with a verdict saying which
/// (`sipcert_stir_verdict_code`); a number that is not a telephone number is
/// `SIPCERT_INVALID_REFERENCE`; an unusable anchor or CRL `SIPCERT_INVALID_TRUST_ANCHOR` /
/// `SIPCERT_INVALID_CRL`; texts must be 1 to `SIPCERT_MAX_TEXT_LEN` bytes of UTF-8. Release
/// the verdict with `sipcert_stir_verdict_free`.
///
/// # Safety
/// Every (pointer, length) pair must be null or point to its length of readable bytes; the
/// arrays must be null or hold their count of elements, each pointing to its length of
/// readable bytes; `verdict_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verify(
    identity: *const u8,
    identity_len: usize,
    orig: *const u8,
    orig_len: usize,
    dest: *const u8,
    dest_len: usize,
    anchors: *const *const u8,
    anchor_lens: *const usize,
    anchor_count: usize,
    crls: *const *const u8,
    crl_lens: *const usize,
    crl_count: usize,
    chain: *const *const u8,
    chain_lens: *const usize,
    chain_count: usize,
    now_unix_secs: u64,
    verdict_out: *mut *mut sipcert_stir_verdict,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each pointer follows this function's contract.
        unsafe { clear(verdict_out) }?;
        if chain_count == 0 {
            return Err(SIPCERT_INVALID_LENGTH);
        }
        // SAFETY: as above.
        let input = unsafe {
            StirInput {
                identity: bytes(identity, identity_len)?,
                orig: bytes(orig, orig_len)?,
                dest: bytes(dest, dest_len)?,
            }
        };
        // SAFETY: as above.
        let anchors = unsafe { der_list(anchors, anchor_lens, anchor_count) }?;
        // SAFETY: as above.
        let crls = unsafe { der_list(crls, crl_lens, crl_count) }?;
        // SAFETY: as above.
        let chain = unsafe { der_list(chain, chain_lens, chain_count) }?;
        let verdict = stir_verify(input, &anchors, &crls, &chain, now_unix_secs)?;
        // SAFETY: `clear` checked `verdict_out` is non-null.
        unsafe { put(verdict_out, verdict) };
        Ok(())
    })
}

/// `sipcert_stir_verify` with the Identity header and the two numbers as NUL-terminated
/// strings (NULL: `SIPCERT_NULL_PARAMETER`; empty or longer than `SIPCERT_MAX_TEXT_LEN`:
/// `SIPCERT_INVALID_LENGTH`).
///
/// # Safety
/// As `sipcert_stir_verify`; `identity`, `orig` and `dest` must be null or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verify_cstr(
    identity: *const c_char,
    orig: *const c_char,
    dest: *const c_char,
    anchors: *const *const u8,
    anchor_lens: *const usize,
    anchor_count: usize,
    crls: *const *const u8,
    crl_lens: *const usize,
    crl_count: usize,
    chain: *const *const u8,
    chain_lens: *const usize,
    chain_count: usize,
    now_unix_secs: u64,
    verdict_out: *mut *mut sipcert_stir_verdict,
) -> sipcert_result {
    guard(|| {
        // SAFETY: forwarded contract.
        unsafe { clear(verdict_out) }?;
        // SAFETY: forwarded contract: null or NUL-terminated strings.
        let (i, o, d) = unsafe { (cstr_bytes(identity)?, cstr_bytes(orig)?, cstr_bytes(dest)?) };
        // SAFETY: forwarded contract; each text is its length of readable bytes.
        let result = unsafe {
            sipcert_stir_verify(
                i.as_ptr(),
                i.len(),
                o.as_ptr(),
                o.len(),
                d.as_ptr(),
                d.len(),
                anchors,
                anchor_lens,
                anchor_count,
                crls,
                crl_lens,
                crl_count,
                chain,
                chain_lens,
                chain_count,
                now_unix_secs,
                verdict_out,
            )
        };
        match result {
            sipcert_result::SIPCERT_OK => Ok(()),
            e => Err(e),
        }
    })
}

/// Whether every check passed (`TN-Validation-Passed`). False for null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_verified(
    verdict: *const sipcert_stir_verdict,
) -> bool {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, false, sipcert_stir_verdict::is_verified) }
}

/// The `stir-…` code of the failure (`"stir-signature-invalid"`); null when verified or for
/// a null verdict. Valid until the verdict is freed.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_code(
    verdict: *const sipcert_stir_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, sipcert_stir_verdict::code) }
}

/// The ATIS-1000074 `verstat` value (`"TN-Validation-Passed"`, `"TN-Validation-Failed"`,
/// `"No-TN-Validation"`); null for a null verdict. Valid until the verdict is freed.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_verstat(
    verdict: *const sipcert_stir_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| Some(v.verstat.as_c_str())) }
}

/// The RFC 8224 §6.2.2 response code of the failure (403, 428, 436, 437, 438); 0 when
/// verified or for a null verdict.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_response_code(
    verdict: *const sipcert_stir_verdict,
) -> u16 {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, 0, |v| v.response_code) }
}

/// The RFC 9410 `Reason` header value of the failure (`STIR;cause=438;text="Invalid
/// Identity Header"`); null when verified or for a null verdict. Valid until the verdict is
/// freed.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_reason(
    verdict: *const sipcert_stir_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.reason.as_deref()) }
}

/// A readable sentence: the rule that failed, or that every check passed; null for a null
/// verdict. Valid until the verdict is freed.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_message(
    verdict: *const sipcert_stir_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| Some(v.message.as_c_str())) }
}

/// Releases a STIR verdict (and every string it returned). Null does nothing; freeing twice
/// is undefined behaviour.
///
/// # Safety
/// `verdict` must be null or come from `sipcert_stir_verify`, not freed already.
#[no_mangle]
pub unsafe extern "C" fn sipcert_stir_verdict_free(verdict: *mut sipcert_stir_verdict) {
    // SAFETY: the caller's contract is `free`'s.
    guard_or((), || unsafe { free(verdict) });
}
