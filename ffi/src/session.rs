//! `sipcert_session_reusable_for`: the session-resumption rule. A resumed TLS session runs no
//! certificate check (no verify callback, no certificate): it carries the decision of the
//! handshake that created it, made for one reference. A client may offer it only to a
//! connection for the same reference.

use std::ffi::c_char;

use crate::args::parse_reference;
use crate::panic::guard;
use crate::ptr::{bytes, cstr_bytes, set};
use crate::result::sipcert_result::{self, SIPCERT_NULL_PARAMETER};

/// Whether a session made for `stored` may be offered to a connection for `wanted`: both
/// references parse (as the checks parse them) and name the same SIP domain or IP address
/// (`sips:alice@Example.COM` and `example.com` do; `example.com` and `sip.example.com` do
/// not).
pub fn session_reusable_for(stored: &[u8], wanted: &[u8]) -> Result<bool, sipcert_result> {
    Ok(parse_reference(stored)? == parse_reference(wanted)?)
}

/// The body of both entry points: `*reusable` is false until `f` answers.
///
/// # Safety
/// `reusable` must be null or writable.
unsafe fn answer(
    reusable: *mut bool,
    f: impl FnOnce() -> Result<bool, sipcert_result>,
) -> sipcert_result {
    guard(|| {
        if reusable.is_null() {
            return Err(SIPCERT_NULL_PARAMETER);
        }
        // SAFETY: `reusable` is non-null and writable (the contract).
        unsafe { set(reusable, false) };
        let answer = f()?;
        // SAFETY: as above.
        unsafe { set(reusable, answer) };
        Ok(())
    })
}

/// Sets `*reusable` to whether a TLS session stored for the reference `stored` (the SIP
/// domain or AUS its handshake was checked for) may be offered to a new connection for
/// `wanted`: true only when both name the same SIP domain (compared as the checks compare
/// them: the host of a `sip:`/`sips:` URI, ASCII case-insensitive). A resumed session skips
/// the certificate check, so any other answer would let one domain's authentication pass
/// for another (RFC 5923's connection-reuse confusion, at the TLS layer).
///
/// Errors: the misuse codes of the references (`SIPCERT_INVALID_REFERENCE`, ...);
/// `*reusable` is then false.
///
/// # Safety
/// `stored` and `wanted` must be null or point to their length of readable bytes;
/// `reusable` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_session_reusable_for(
    stored: *const u8,
    stored_len: usize,
    wanted: *const u8,
    wanted_len: usize,
    reusable: *mut bool,
) -> sipcert_result {
    // SAFETY: each pointer follows this function's contract.
    unsafe {
        answer(reusable, || {
            session_reusable_for(bytes(stored, stored_len)?, bytes(wanted, wanted_len)?)
        })
    }
}

/// `sipcert_session_reusable_for` with NUL-terminated references.
///
/// # Safety
/// `stored` and `wanted` must be null or NUL-terminated strings; `reusable` must be null or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_session_reusable_for_cstr(
    stored: *const c_char,
    wanted: *const c_char,
    reusable: *mut bool,
) -> sipcert_result {
    // SAFETY: each pointer follows this function's contract.
    unsafe {
        answer(reusable, || {
            session_reusable_for(cstr_bytes(stored)?, cstr_bytes(wanted)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::sipcert_result::SIPCERT_INVALID_REFERENCE;

    #[test]
    fn same_sip_domain_only() {
        let cases: [(&str, &str, Result<bool, sipcert_result>); 7] = [
            ("example.com", "example.com", Ok(true)),
            ("sips:alice@Example.COM:5061", "example.com", Ok(true)),
            ("example.com", "sip.example.com", Ok(false)),
            ("atlanta.com", "biloxi.com", Ok(false)),
            ("192.0.2.1", "[192.0.2.1]", Ok(true)),
            ("192.0.2.1", "example.com", Ok(false)),
            (
                "example.com",
                "not a domain",
                Err(SIPCERT_INVALID_REFERENCE),
            ),
        ];
        for (stored, wanted, want) in cases {
            assert_eq!(
                session_reusable_for(stored.as_bytes(), wanted.as_bytes()),
                want,
                "{stored} -> {wanted}"
            );
        }
    }
}
