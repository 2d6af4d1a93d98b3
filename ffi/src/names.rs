//! What a verdict and an identities handle share: the identities and ignored names of a
//! certificate, rendered once, and the accessors both handles' entry points run.

use std::ffi::{c_char, CStr, CString};

use crate::constants::sipcert_source;
use crate::panic::{guard, read, read_str};
use crate::ptr::{obj, set};
use crate::result::sipcert_result::{self, SIPCERT_INDEX_OUT_OF_RANGE, SIPCERT_NULL_PARAMETER};

/// A presented name: its exact bytes (NUL-terminated after its length, though it may hold a
/// NUL itself), and the same text with an interior NUL written `\0`.
#[derive(Debug)]
pub(crate) struct Text {
    pub(crate) raw: Box<[u8]>,
    pub(crate) escaped: CString,
}

impl Text {
    fn new(s: &str) -> Self {
        let mut raw = Vec::with_capacity(s.len() + 1);
        raw.extend_from_slice(s.as_bytes());
        raw.push(0);
        Self {
            raw: raw.into_boxed_slice(),
            escaped: cstring(s),
        }
    }

    /// The pointer and the length of the exact bytes (without the terminating NUL).
    fn ptr_len(&self) -> (*const c_char, usize) {
        (self.raw.as_ptr().cast(), self.raw.len() - 1)
    }
}

#[derive(Debug)]
pub(crate) struct IdentityEntry {
    pub(crate) name: Text,
    pub(crate) source: sipcert_source,
    pub(crate) source_code: CString,
}

#[derive(Debug)]
pub(crate) struct IgnoredEntry {
    pub(crate) value: Text,
    pub(crate) source: sipcert_source,
    pub(crate) source_code: CString,
    pub(crate) reason: CString,
}

/// The identities and ignored names of a verdict or of `sipcert_extract_identities`.
#[derive(Debug)]
pub(crate) struct Names {
    pub(crate) identities: Vec<IdentityEntry>,
    pub(crate) ignored: Vec<IgnoredEntry>,
}

impl Names {
    pub(crate) fn new(identities: &[sipcert::Identity], ignored: &[sipcert::IgnoredName]) -> Self {
        Self {
            identities: identities
                .iter()
                .map(|i| IdentityEntry {
                    name: Text::new(&i.name().to_string()),
                    source: sipcert_source::from_code(i.source().code()),
                    source_code: cstring(i.source().code()),
                })
                .collect(),
            ignored: ignored
                .iter()
                .map(|n| IgnoredEntry {
                    value: Text::new(n.value()),
                    source: sipcert_source::from_code(n.source().code()),
                    source_code: cstring(n.source().code()),
                    reason: cstring(n.reason().code()),
                })
                .collect(),
        }
    }
}

/// A C string of `s`; an interior NUL (a certificate may carry one in a name that is then
/// ignored) is written `\0` so the text is never cut short.
pub(crate) fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "\\0")).unwrap_or_default()
}

/// A handle that carries the names of a certificate (`sipcert_verdict`,
/// `sipcert_identities`): the accessors below serve the entry points of both.
pub(crate) trait HasNames {
    /// The identities and ignored names.
    fn names(&self) -> &Names;
}

/// The number of identities behind `handle` (0 for null).
///
/// # Safety
/// `handle` must be null or live.
pub(crate) unsafe fn identity_count<H: HasNames>(handle: *const H) -> usize {
    // SAFETY: forwarded contract.
    unsafe { read(handle, 0, |h| h.names().identities.len()) }
}

/// The number of ignored names behind `handle` (0 for null).
///
/// # Safety
/// `handle` must be null or live.
pub(crate) unsafe fn ignored_count<H: HasNames>(handle: *const H) -> usize {
    // SAFETY: forwarded contract.
    unsafe { read(handle, 0, |h| h.names().ignored.len()) }
}

/// The string `pick` chooses of identity `index` behind `handle`; null when out of range or
/// null.
///
/// # Safety
/// `handle` must be null or live.
pub(crate) unsafe fn identity_str<H: HasNames>(
    handle: *const H,
    index: usize,
    pick: impl FnOnce(&IdentityEntry) -> &CStr,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(handle, |h| h.names().identities.get(index).map(pick)) }
}

/// The string `pick` chooses of ignored name `index` behind `handle`; null when out of range
/// or null.
///
/// # Safety
/// `handle` must be null or live.
pub(crate) unsafe fn ignored_str<H: HasNames>(
    handle: *const H,
    index: usize,
    pick: impl FnOnce(&IgnoredEntry) -> &CStr,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe { read_str(handle, |h| h.names().ignored.get(index).map(pick)) }
}

/// Identity `index` behind `handle` into the out-pointers (each cleared first when
/// non-null).
///
/// # Safety
/// `handle` must be null or live; each out-pointer must be null or writable; the handle must
/// outlive the use of the pointer written to `name_out`.
pub(crate) unsafe fn identity_at<H: HasNames>(
    handle: *const H,
    index: usize,
    name_out: *mut *const c_char,
    name_len_out: *mut usize,
    source_out: *mut sipcert_source,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each out-pointer is null or writable (the contract).
        unsafe {
            set(name_out, std::ptr::null());
            set(name_len_out, 0);
            set(source_out, sipcert_source::SIPCERT_SOURCE_UNKNOWN);
        }
        // SAFETY: a non-null `handle` is live (the contract).
        let names = unsafe { obj(handle) }?.names();
        if name_out.is_null() || name_len_out.is_null() || source_out.is_null() {
            return Err(SIPCERT_NULL_PARAMETER);
        }
        let entry = names
            .identities
            .get(index)
            .ok_or(SIPCERT_INDEX_OUT_OF_RANGE)?;
        let (ptr, len) = entry.name.ptr_len();
        // SAFETY: checked non-null above; writable by the contract.
        unsafe {
            set(name_out, ptr);
            set(name_len_out, len);
            set(source_out, entry.source);
        }
        Ok(())
    })
}

/// Ignored name `index` behind `handle` into the out-pointers (each cleared first when
/// non-null).
///
/// # Safety
/// As [`identity_at`].
pub(crate) unsafe fn ignored_at<H: HasNames>(
    handle: *const H,
    index: usize,
    value_out: *mut *const c_char,
    value_len_out: *mut usize,
    source_out: *mut sipcert_source,
    reason_out: *mut *const c_char,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each out-pointer is null or writable (the contract).
        unsafe {
            set(value_out, std::ptr::null());
            set(value_len_out, 0);
            set(source_out, sipcert_source::SIPCERT_SOURCE_UNKNOWN);
            set(reason_out, std::ptr::null());
        }
        // SAFETY: a non-null `handle` is live (the contract).
        let names = unsafe { obj(handle) }?.names();
        if value_out.is_null()
            || value_len_out.is_null()
            || source_out.is_null()
            || reason_out.is_null()
        {
            return Err(SIPCERT_NULL_PARAMETER);
        }
        let entry = names.ignored.get(index).ok_or(SIPCERT_INDEX_OUT_OF_RANGE)?;
        let (ptr, len) = entry.value.ptr_len();
        // SAFETY: checked non-null above; writable by the contract.
        unsafe {
            set(value_out, ptr);
            set(value_len_out, len);
            set(source_out, entry.source);
            set(reason_out, entry.reason.as_ptr());
        }
        Ok(())
    })
}
