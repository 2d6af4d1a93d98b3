//! The raw pointers and lengths C passes, turned into Rust values (byte strings, DER lists,
//! C strings, handles), and the out-pointers written back.

use std::ffi::c_char;

use crate::args::der_len_ok;
use crate::constants::{SIPCERT_MAX_DER_LEN, SIPCERT_MAX_LIST_LEN, SIPCERT_MAX_TEXT_LEN};
use crate::panic::guard;
use crate::result::result;
use crate::result::sipcert_result::{self, SIPCERT_INVALID_LENGTH, SIPCERT_NULL_PARAMETER};

/// The bytes at `ptr`; null is an error, a zero length is given back as an empty slice (the
/// callers reject it with their own check).
///
/// # Safety
/// `ptr` must be null or point to `len` readable bytes that stay valid and unmodified for
/// `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Result<&'a [u8], sipcert_result> {
    if ptr.is_null() {
        return Err(SIPCERT_NULL_PARAMETER);
    }
    if len > SIPCERT_MAX_DER_LEN {
        // Checked before building the slice: a huge length must not reach from_raw_parts.
        return Err(SIPCERT_INVALID_LENGTH);
    }
    // SAFETY: `ptr` is non-null and, by this function's contract, points to `len` readable
    // bytes valid for `'a`; `len` is at most 16 MiB, far below isize::MAX.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A list of `count` DER items: `ders[i]` points to `lens[i]` bytes. A zero count is an
/// empty list (the arrays may then be null).
///
/// # Safety
/// When `count > 0`: `ders` and `lens` must be null or point to `count` readable elements,
/// and each `ders[i]` must be null or point to `lens[i]` readable bytes, all valid for `'a`.
pub(crate) unsafe fn der_list<'a>(
    ders: *const *const u8,
    lens: *const usize,
    count: usize,
) -> Result<Vec<&'a [u8]>, sipcert_result> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ders.is_null() || lens.is_null() {
        return Err(SIPCERT_NULL_PARAMETER);
    }
    if count > SIPCERT_MAX_LIST_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    // SAFETY: both arrays are non-null and hold `count` elements (the caller's contract);
    // `count` is at most SIPCERT_MAX_LIST_LEN.
    let (ders, lens) = unsafe {
        (
            std::slice::from_raw_parts(ders, count),
            std::slice::from_raw_parts(lens, count),
        )
    };
    let mut out = Vec::with_capacity(count);
    for (&p, &len) in ders.iter().zip(lens) {
        // SAFETY: `p` points to `len` bytes valid for `'a` (the caller's contract).
        let b = unsafe { bytes(p, len) }?;
        der_len_ok(b)?;
        out.push(b);
    }
    Ok(out)
}

/// The bytes of the NUL-terminated string at `s`, without the NUL. A string longer than
/// `SIPCERT_MAX_TEXT_LEN` is `SIPCERT_INVALID_LENGTH`, found without reading more than
/// `SIPCERT_MAX_TEXT_LEN + 1` bytes.
///
/// # Safety
/// `s` must be null, or point to a NUL-terminated string, or to at least
/// `SIPCERT_MAX_TEXT_LEN + 1` readable bytes; they must stay valid and unmodified for `'a`.
pub(crate) unsafe fn cstr_bytes<'a>(s: *const c_char) -> Result<&'a [u8], sipcert_result> {
    if s.is_null() {
        return Err(SIPCERT_NULL_PARAMETER);
    }
    let mut len = 0;
    loop {
        // SAFETY: no NUL was found in bytes 0..len and len <= SIPCERT_MAX_TEXT_LEN, so byte
        // `len` is readable (the string goes on, or the contract's minimum applies).
        if unsafe { *s.add(len) } == 0 {
            break;
        }
        if len == SIPCERT_MAX_TEXT_LEN {
            return Err(SIPCERT_INVALID_LENGTH);
        }
        len += 1;
    }
    // SAFETY: bytes 0..len were read above and are valid for `'a` (the contract).
    Ok(unsafe { std::slice::from_raw_parts(s.cast::<u8>(), len) })
}

/// Stores `value` behind `out`.
///
/// # Safety
/// `out` must be non-null and point to writable storage for one pointer.
pub(crate) unsafe fn put<T>(out: *mut *mut T, value: T) {
    // SAFETY: `out` is non-null and writable (the caller's contract).
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// Clears `*out` (so that it is null on every error path); null is an error.
///
/// # Safety
/// `out` must be null or point to writable storage for one pointer.
pub(crate) unsafe fn clear<T>(out: *mut *mut T) -> Result<(), sipcert_result> {
    if out.is_null() {
        return Err(SIPCERT_NULL_PARAMETER);
    }
    // SAFETY: `out` is non-null and writable (the caller's contract).
    unsafe { *out = std::ptr::null_mut() };
    Ok(())
}

/// `&*ptr`, or `SIPCERT_NULL_PARAMETER`.
///
/// # Safety
/// `ptr` must be null or point to a live `T` created by this library.
pub(crate) unsafe fn obj<'a, T>(ptr: *const T) -> Result<&'a T, sipcert_result> {
    // SAFETY: a non-null `ptr` points to a live `T` (the caller's contract).
    unsafe { ptr.as_ref() }.ok_or(SIPCERT_NULL_PARAMETER)
}

/// Frees a `Box<T>` made by [`put`]; null does nothing.
///
/// # Safety
/// `ptr` must be null or come from this library's constructor for `T`, not freed before.
pub(crate) unsafe fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: `ptr` came from `Box::into_raw` in `put` and is freed once (the caller's
        // contract).
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Writes `value` behind `out` when `out` is non-null.
///
/// # Safety
/// `out` must be null or writable.
pub(crate) unsafe fn set<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: `out` is non-null and writable (the caller's contract).
        unsafe { out.write(value) };
    }
}

/// The body of a `_cstr` entry point that returns a handle: clears `*out`, reads the
/// NUL-terminated `text` ([`cstr_bytes`]) and runs `f`, the (pointer, length) entry point, on
/// its bytes.
///
/// # Safety
/// `out` must be null or writable; `text` as [`cstr_bytes`].
pub(crate) unsafe fn with_cstr<T>(
    out: *mut *mut T,
    text: *const c_char,
    f: impl FnOnce(&[u8]) -> sipcert_result,
) -> sipcert_result {
    guard(|| {
        // SAFETY: `out` is null or writable (the contract).
        unsafe { clear(out) }?;
        // SAFETY: `text` is null or a NUL-terminated string (the contract).
        let text = unsafe { cstr_bytes(text) }?;
        result(f(text))
    })
}
