//! `sipcert_identities`: the SIP domain identities of a certificate and the names that are
//! not identities (`sipcert_extract_identities`), every string rendered once.

use std::ffi::{c_char, CStr, CString};

use sipcert::{Identities, Policy};

use crate::args::der_len_ok;
use crate::constants::sipcert_source;
use crate::names::{
    cstring, identity_at, identity_count, identity_str, ignored_at, ignored_count, ignored_str,
    HasNames, Names,
};
use crate::panic::{guard, guard_or, read_str};
use crate::policy::sipcert_policy;
use crate::ptr::{bytes, clear, free, obj, put};
use crate::result::sipcert_result::{self, SIPCERT_CERT_MALFORMED};

/// The SIP domain identities of a certificate and the names that are not identities, with
/// every string rendered once (valid until `sipcert_identities_free`). Immutable; usable
/// from several threads at once.
#[derive(Debug)]
pub struct sipcert_identities {
    names: Names,
    json: CString,
}

impl HasNames for sipcert_identities {
    fn names(&self) -> &Names {
        &self.names
    }
}

impl sipcert_identities {
    /// Renders `ids` once.
    pub fn new(ids: &Identities) -> Self {
        let json = sipcert::json::extracted(ids);
        Self {
            names: Names::new(ids.identities(), ids.ignored()),
            json: cstring(&json.to_string()),
        }
    }

    /// The `identities --json` object: `{"identities": [...], "ignored": [...]}`.
    pub fn json(&self) -> &CStr {
        &self.json
    }
}

/// `sipcert_extract_identities`: [`sipcert::extract_identities`] (RFC 5922 §7.1).
pub fn extract_identities(
    policy: &Policy,
    cert_der: &[u8],
) -> Result<sipcert_identities, sipcert_result> {
    der_len_ok(cert_der)?;
    sipcert::extract_identities(cert_der, policy)
        .map(|ids| sipcert_identities::new(&ids))
        .map_err(|_| SIPCERT_CERT_MALFORMED)
}

/// The SIP domain identities of a certificate (RFC 5922 §7.1) under `policy`, with their
/// sources, and the names that are not identities with the reason. A certificate that is not
/// well-formed is `SIPCERT_CERT_MALFORMED`. Release with `sipcert_identities_free`.
///
/// # Safety
/// `policy` must be null or live; `cert_der` must be null or point to `cert_der_len` readable
/// bytes; `identities_out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_extract_identities(
    policy: *const sipcert_policy,
    cert_der: *const u8,
    cert_der_len: usize,
    identities_out: *mut *mut sipcert_identities,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each pointer follows this function's contract.
        unsafe { clear(identities_out) }?;
        // SAFETY: as above.
        let policy = unsafe { obj(policy) }?;
        // SAFETY: as above.
        let cert = unsafe { bytes(cert_der, cert_der_len) }?;
        let ids = extract_identities(policy.policy(), cert)?;
        // SAFETY: `clear` checked `identities_out` is non-null.
        unsafe { put(identities_out, ids) };
        Ok(())
    })
}

/// Releases identities. Null does nothing; freeing twice is undefined behaviour.
///
/// # Safety
/// `identities` must be null or come from `sipcert_extract_identities`, not freed already.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_free(identities: *mut sipcert_identities) {
    // SAFETY: the caller's contract is `free`'s.
    guard_or((), || unsafe { free(identities) });
}

/// The number of SIP domain identities (0 for null).
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_count(identities: *const sipcert_identities) -> usize {
    // SAFETY: forwarded contract.
    unsafe { identity_count(identities) }
}

/// Identity `index`: the domain (or IP address); null when out of range or null.
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_name(
    identities: *const sipcert_identities,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { identity_str(identities, index, |n| &n.name.escaped) }
}

/// The source of identity `index` (`san-uri`, `san-dns`, `san-ip`, `cn`); null when out of
/// range or null.
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_source(
    identities: *const sipcert_identities,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { identity_str(identities, index, |n| &n.source_code) }
}

/// The number of names that are not identities (0 for null).
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_ignored_count(
    identities: *const sipcert_identities,
) -> usize {
    // SAFETY: forwarded contract.
    unsafe { ignored_count(identities) }
}

/// Ignored name `index`: its value as presented (an interior NUL written `\0`); null when out
/// of range or null.
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_ignored_value(
    identities: *const sipcert_identities,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { ignored_str(identities, index, |n| &n.value.escaped) }
}

/// The reason code why ignored name `index` is no identity; null when out of range or null.
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_ignored_reason(
    identities: *const sipcert_identities,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { ignored_str(identities, index, |n| &n.reason) }
}

/// The source code of ignored name `index` (`san-uri`, `san-dns`, `san-ip`, `san-other`,
/// `cn`); null when out of range or null.
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_ignored_source(
    identities: *const sipcert_identities,
    index: usize,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { ignored_str(identities, index, |n| &n.source_code) }
}

/// The command line's `identities --json` object: `{"identities": [...], "ignored": [...]}`.
/// Null for null.
///
/// # Safety
/// `identities` must be null or live.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_json(
    identities: *const sipcert_identities,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(identities, |i| Some(&i.json)) }
}

/// Identity `index` of `sipcert_extract_identities`, as `sipcert_verdict_identity`.
///
/// # Safety
/// `identities` must be null or live; each out-pointer must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_identity(
    identities: *const sipcert_identities,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
    source: *mut sipcert_source,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { identity_at(identities, index, name, name_len, source) }
}

/// Ignored name `index` of `sipcert_extract_identities`, as `sipcert_verdict_ignored`.
///
/// # Safety
/// `identities` must be null or live; each out-pointer must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_identities_ignored(
    identities: *const sipcert_identities,
    index: usize,
    value: *mut *const c_char,
    value_len: *mut usize,
    source: *mut sipcert_source,
    reason: *mut *const c_char,
) -> sipcert_result {
    // SAFETY: forwarded contract.
    unsafe { ignored_at(identities, index, value, value_len, source, reason) }
}
