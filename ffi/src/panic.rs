//! The panic boundary: every entry point runs its body under `catch_unwind`, so that no panic
//! unwinds into C (the library must be built with `panic = "unwind"`, the default).

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::result::sipcert_result::{self, SIPCERT_OK, SIPCERT_PANIC};

/// Runs `f`, turning a panic into `SIPCERT_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), sipcert_result>) -> sipcert_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => SIPCERT_OK,
        Ok(Err(e)) => e,
        Err(_) => SIPCERT_PANIC,
    }
}

/// Runs `f`, turning a panic into `fallback`.
pub(crate) fn guard_or<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// Reads the verdict behind `v` with `f`; `fallback` when `v` is null or on a panic.
///
/// # Safety
/// `v` must be null or a live object of this library.
pub(crate) unsafe fn read<O, T: Copy>(v: *const O, fallback: T, f: impl FnOnce(&O) -> T) -> T {
    guard_or(fallback, || {
        // SAFETY: a non-null `v` is live (the caller's contract).
        match unsafe { v.as_ref() } {
            Some(v) => f(v),
            None => fallback,
        }
    })
}

/// The string [`read`] finds behind `v` with `f`, as a C pointer; null when `v` is null, `f`
/// finds none, or on a panic.
///
/// # Safety
/// `v` must be null or a live object of this library.
pub(crate) unsafe fn read_str<O>(
    v: *const O,
    f: impl FnOnce(&O) -> Option<&CStr>,
) -> *const c_char {
    // SAFETY: forwarded contract.
    unsafe {
        read(v, std::ptr::null(), |o| {
            f(o).map_or(std::ptr::null(), CStr::as_ptr)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::sipcert_result::SIPCERT_INVALID_UTF8;

    /// A panic inside an entry point's body becomes `SIPCERT_PANIC` (or the accessor's
    /// fallback) instead of unwinding into C.
    #[test]
    fn panics_do_not_cross_the_boundary() {
        assert_eq!(guard(|| panic!("boom")), SIPCERT_PANIC);
        assert_eq!(guard(|| Err(SIPCERT_INVALID_UTF8)), SIPCERT_INVALID_UTF8);
        assert_eq!(guard(|| Ok(())), SIPCERT_OK);
        assert_eq!(guard_or(7_usize, || panic!("boom")), 7);
        assert!(!guard_or(false, || panic!("boom")));
    }
}
