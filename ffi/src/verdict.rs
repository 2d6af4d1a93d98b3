//! `sipcert_verdict`: a check's verdict, every string rendered once, and its accessors.

use std::ffi::{c_char, CStr, CString};

use sipcert::{Accepted, Verdict};

use crate::constants::sipcert_source;
use crate::names::{
    cstring, identity_at, identity_count, ignored_at, ignored_count, HasNames, Names,
};
use crate::panic::{guard_or, read, read_str};
use crate::ptr::free;
use crate::result::sipcert_result;

/// A check's verdict, with every string rendered once (the returned `const char *` stay
/// valid until `sipcert_verdict_free`). Immutable; usable from several threads at once.
#[derive(Debug)]
pub struct sipcert_verdict {
    accept: bool,
    chain_checked: bool,
    chain: CString,
    matched: Option<Matched>,
    reasons: Vec<(CString, CString)>,
    hints: Vec<(CString, CString)>,
    relaxations: Vec<CString>,
    names: Names,
    codes: CString,
    message: CString,
    json: CString,
}

#[derive(Debug)]
struct Matched {
    name: CString,
    source: CString,
    via: CString,
}

impl HasNames for sipcert_verdict {
    fn names(&self) -> &Names {
        &self.names
    }
}

impl sipcert_verdict {
    /// Renders `verdict` (the library's decision) once.
    pub fn new(verdict: &Verdict) -> Self {
        let json = cstring(&sipcert::json::verdict(verdict).to_string());
        let chain = cstring(verdict.chain_status());
        match verdict {
            Verdict::Accept(a) => {
                let m = a.matched();
                Self {
                    accept: true,
                    chain_checked: matches!(a.chain(), sipcert::ChainCheck::Validated),
                    chain,
                    matched: Some(Matched {
                        name: cstring(&m.name().to_string()),
                        source: cstring(m.source().code()),
                        via: cstring(m.via().code()),
                    }),
                    reasons: Vec::new(),
                    hints: Vec::new(),
                    relaxations: a.relaxations().iter().map(|r| cstring(r.code())).collect(),
                    names: Names::new(verdict.identities(), verdict.ignored()),
                    codes: cstring(&codes_line(a.relaxations().iter().map(|r| r.code()))),
                    message: cstring(&accept_message(a)),
                    json,
                }
            }
            Verdict::Reject(r) => Self {
                accept: false,
                chain_checked: matches!(r.chain(), sipcert::ChainCheck::Validated),
                chain,
                matched: None,
                reasons: r
                    .reasons()
                    .iter()
                    .map(|x| (cstring(x.code().code()), cstring(x.message())))
                    .collect(),
                hints: r
                    .hints()
                    .iter()
                    .map(|h| (cstring(h.code().code()), cstring(h.message())))
                    .collect(),
                relaxations: Vec::new(),
                names: Names::new(verdict.identities(), verdict.ignored()),
                codes: cstring(&codes_line(
                    r.reasons()
                        .iter()
                        .map(|x| x.code().code())
                        .chain(r.hints().iter().map(|h| h.code().code())),
                )),
                message: cstring(&r.to_string()),
                json,
            },
        }
    }

    /// Whether the certificate was accepted.
    pub fn is_accept(&self) -> bool {
        self.accept
    }

    /// The `check --json` object.
    pub fn json(&self) -> &CStr {
        &self.json
    }

    /// The one-paragraph explanation.
    pub fn message(&self) -> &CStr {
        &self.message
    }
}

/// Codes separated by single spaces.
fn codes_line<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(" ")
}

/// The one-paragraph explanation of an accept: what matched, the relaxations used, whether
/// the path was validated.
fn accept_message(a: &Accepted) -> String {
    let m = a.matched();
    let relaxations: Vec<_> = a.relaxations().iter().map(|r| r.code()).collect();
    let mut message = format!(
        "certificate accepted for {}: {} identity {} (via {})",
        a.reference(),
        m.source().code(),
        m.presented(),
        m.via().code()
    );
    if !relaxations.is_empty() {
        message.push_str("; relaxations used: ");
        message.push_str(&relaxations.join(", "));
    }
    message.push_str(match a.chain() {
        sipcert::ChainCheck::Validated => "; certificate path validated.",
        sipcert::ChainCheck::NotChecked => {
            "; the certificate path was NOT checked: only the names and the EKU were examined \
             (signatures, validity dates, trust, revocation and CA name constraints were not)."
        }
    });
    message
}

/// Releases a verdict (and every string it returned). Null does nothing; freeing twice is
/// undefined behaviour.
///
/// # Safety
/// `verdict` must be null or come from a check function, not freed already.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_free(verdict: *mut sipcert_verdict) {
    // SAFETY: the caller's contract is `free`'s.
    guard_or((), || unsafe { free(verdict) });
}

/// Whether the certificate was accepted (false for null). Only an accept authenticates the
/// peer's SIP domain; check `sipcert_verdict_chain_checked` too when the path was not
/// validated by OpenSSL.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_is_accept(verdict: *const sipcert_verdict) -> bool {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, false, |v| v.accept) }
}

/// Whether sipcert validated the certificate path (false for `sipcert_check_end_entity`,
/// which examines only the names and the EKU; false for null).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_chain_checked(verdict: *const sipcert_verdict) -> bool {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, false, |v| v.chain_checked) }
}

/// The path status as one word: `valid`, `unchecked`, or the code that made the chain or the
/// certificate unusable (`chain-expired`, `cert-malformed`, ...). Null for null. Valid until
/// the verdict is freed (as every string below).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_chain_status(
    verdict: *const sipcert_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| Some(&v.chain)) }
}

/// The matched identity of an accept (the domain, or the IP address under
/// `allow_ip_literals`); null for a reject or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_matched_name(
    verdict: *const sipcert_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.matched.as_ref().map(|m| m.name.as_c_str())) }
}

/// Where the matched identity came from (`san-uri`, `san-dns`, `san-ip`, `cn`); null for a
/// reject or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_matched_source(
    verdict: *const sipcert_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.matched.as_ref().map(|m| m.source.as_c_str())) }
}

/// Which reference identity matched (`reference` or `secure-srv-target`); null for a reject
/// or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_matched_via(
    verdict: *const sipcert_verdict,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.matched.as_ref().map(|m| m.via.as_c_str())) }
}

/// The number of reject reasons (0 for an accept or null).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_reason_count(verdict: *const sipcert_verdict) -> usize {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, 0, |v| v.reasons.len()) }
}

/// The stable code of reason `index` (`no-matching-identity`, `eku-not-permitted`, ...); null
/// when out of range or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_reason_code(
    verdict: *const sipcert_verdict,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.reasons.get(index).map(|r| r.0.as_c_str())) }
}

/// The message of reason `index`; null when out of range or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_reason_message(
    verdict: *const sipcert_verdict,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.reasons.get(index).map(|r| r.1.as_c_str())) }
}

/// The number of hints of a reject (what would have matched under another reading).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_hint_count(verdict: *const sipcert_verdict) -> usize {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, 0, |v| v.hints.len()) }
}

/// The stable code of hint `index` (`hint-host-within-domain`, ...); null when out of range or
/// null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_hint_code(
    verdict: *const sipcert_verdict,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.hints.get(index).map(|h| h.0.as_c_str())) }
}

/// The message of hint `index`; null when out of range or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_hint_message(
    verdict: *const sipcert_verdict,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.hints.get(index).map(|h| h.1.as_c_str())) }
}

/// The number of relaxations an accept relied on (`wildcard`, `cn-fallback`, ...).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_relaxation_count(
    verdict: *const sipcert_verdict,
) -> usize {
    // SAFETY: forwarded contract.
    unsafe { read(verdict, 0, |v| v.relaxations.len()) }
}

/// The stable code of relaxation `index`; null when out of range or null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_relaxation_code(
    verdict: *const sipcert_verdict,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| v.relaxations.get(index).map(CString::as_c_str)) }
}

/// The verdict's codes on one line, separated by single spaces: for a reject its reason
/// codes, then its hint codes (`no-matching-identity hint-host-within-domain`); for an accept
/// its relaxation codes (empty when it needed none). What a SIP stack hands its application
/// or writes into a log or a Warning header. Null for null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_codes(verdict: *const sipcert_verdict) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| Some(&v.codes)) }
}

/// The verdict in one paragraph, for a log line. Null for null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_message(verdict: *const sipcert_verdict) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| Some(&v.message)) }
}

/// The verdict as the command line's `check --json` object (`verdict`, `reference`, `chain`,
/// `matched`, `identities`, `ignored`, `reasons`, `hints`, `relaxations`). Null for null.
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_json(verdict: *const sipcert_verdict) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(verdict, |v| Some(&v.json)) }
}

/// The number of SIP domain identities the certificate presents (RFC 5922 §7.1), for an
/// accept and for a reject (0 for null).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_identity_count(verdict: *const sipcert_verdict) -> usize {
    // SAFETY: forwarded contract.
    unsafe { identity_count(verdict) }
}

/// Identity `index` of the verdict's certificate: `*name` points to the domain (or IP
/// address) and `*name_len` is its length in bytes (it is also NUL-terminated, so `*name` is a
/// C string); `*source` says where it came from (`sipcert_source_code` gives its code).
/// The name stays valid until the verdict is freed.
///
/// Errors: `SIPCERT_NULL_PARAMETER` (null verdict or out-pointer),
/// `SIPCERT_INDEX_OUT_OF_RANGE` (`index` >= `sipcert_verdict_identity_count`); every non-null
/// out-pointer is then set to NULL / 0 / `SIPCERT_SOURCE_UNKNOWN`.
///
/// # Safety
/// `verdict` must be null or a live verdict; each out-pointer must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_identity(
    verdict: *const sipcert_verdict,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
    source: *mut sipcert_source,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { identity_at(verdict, index, name, name_len, source) }
}

/// The number of presented names that are not identities (0 for null).
///
/// # Safety
/// `verdict` must be null or a live verdict.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_ignored_count(verdict: *const sipcert_verdict) -> usize {
    // SAFETY: forwarded contract.
    unsafe { ignored_count(verdict) }
}

/// Ignored name `index`: `*value` points to the name exactly as the certificate presents it
/// and `*value_len` is its length in bytes (NUL-terminated after that length; a hostile
/// certificate may put a NUL inside, so trust the length); `*source` says where it came from
/// and `*reason` is the stable code why it is no identity (`dns-wildcard`,
/// `uri-has-user-part`, ...). The strings stay valid until the verdict is freed.
///
/// Errors as `sipcert_verdict_identity`.
///
/// # Safety
/// `verdict` must be null or a live verdict; each out-pointer must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_verdict_ignored(
    verdict: *const sipcert_verdict,
    index: usize,
    value: *mut *const c_char,
    value_len: *mut usize,
    source: *mut sipcert_source,
    reason: *mut *const c_char,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { ignored_at(verdict, index, value, value_len, source, reason) }
}
