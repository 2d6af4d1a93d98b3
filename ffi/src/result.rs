//! The result codes: what every fallible entry point returns.

use std::ffi::{c_char, CStr};

use crate::panic::guard_or;

/// What a function returns. Every value other than `SIPCERT_OK` is an error of the call
/// (misuse or unusable input); a rejected certificate is `SIPCERT_OK` with a verdict.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sipcert_result {
    /// The call succeeded (a check's verdict may still be a reject).
    SIPCERT_OK = 0,
    /// A required pointer argument was null.
    SIPCERT_NULL_PARAMETER = 1,
    /// A length was zero where a value is required, or above the documented maximum
    /// (`SIPCERT_MAX_DER_LEN`, `SIPCERT_MAX_TEXT_LEN`, `SIPCERT_MAX_LIST_LEN`).
    SIPCERT_INVALID_LENGTH = 2,
    /// A text argument was not UTF-8.
    SIPCERT_INVALID_UTF8 = 3,
    /// The reference is neither a `sip:`/`sips:` URI with a usable host, nor a domain name,
    /// nor an IP address.
    SIPCERT_INVALID_REFERENCE = 4,
    /// An integer argument (role, EKU mode, revocation flags) has no meaning.
    SIPCERT_INVALID_ARGUMENT = 5,
    /// The certificate given to `sipcert_extract_identities` is not a well-formed
    /// certificate (the checks report such a certificate as a `cert-malformed` reject
    /// instead).
    SIPCERT_CERT_MALFORMED = 6,
    /// A trust anchor is not a parsable certificate.
    SIPCERT_INVALID_TRUST_ANCHOR = 7,
    /// A CRL is not parsable.
    SIPCERT_INVALID_CRL = 8,
    /// The secure SRV target is not a domain name.
    SIPCERT_INVALID_DOMAIN = 9,
    /// An internal error (a caught panic); nothing was returned.
    SIPCERT_PANIC = 10,
    /// An index is not below the count of its list (`sipcert_verdict_identity`, ...).
    SIPCERT_INDEX_OUT_OF_RANGE = 11,
}

impl sipcert_result {
    /// The variant's name, as in the header.
    pub fn name(self) -> &'static CStr {
        match self {
            Self::SIPCERT_OK => c"SIPCERT_OK",
            Self::SIPCERT_NULL_PARAMETER => c"SIPCERT_NULL_PARAMETER",
            Self::SIPCERT_INVALID_LENGTH => c"SIPCERT_INVALID_LENGTH",
            Self::SIPCERT_INVALID_UTF8 => c"SIPCERT_INVALID_UTF8",
            Self::SIPCERT_INVALID_REFERENCE => c"SIPCERT_INVALID_REFERENCE",
            Self::SIPCERT_INVALID_ARGUMENT => c"SIPCERT_INVALID_ARGUMENT",
            Self::SIPCERT_CERT_MALFORMED => c"SIPCERT_CERT_MALFORMED",
            Self::SIPCERT_INVALID_TRUST_ANCHOR => c"SIPCERT_INVALID_TRUST_ANCHOR",
            Self::SIPCERT_INVALID_CRL => c"SIPCERT_INVALID_CRL",
            Self::SIPCERT_INVALID_DOMAIN => c"SIPCERT_INVALID_DOMAIN",
            Self::SIPCERT_PANIC => c"SIPCERT_PANIC",
            Self::SIPCERT_INDEX_OUT_OF_RANGE => c"SIPCERT_INDEX_OUT_OF_RANGE",
        }
    }
}

use sipcert_result::{
    SIPCERT_CERT_MALFORMED, SIPCERT_INDEX_OUT_OF_RANGE, SIPCERT_INVALID_ARGUMENT,
    SIPCERT_INVALID_CRL, SIPCERT_INVALID_DOMAIN, SIPCERT_INVALID_LENGTH, SIPCERT_INVALID_REFERENCE,
    SIPCERT_INVALID_TRUST_ANCHOR, SIPCERT_INVALID_UTF8, SIPCERT_NULL_PARAMETER, SIPCERT_OK,
    SIPCERT_PANIC,
};

/// The name of a `sipcert_result` value (`"SIPCERT_NULL_PARAMETER"`), or `"SIPCERT_UNKNOWN"`
/// for a value that is none. The string is static.
#[no_mangle]
pub extern "C" fn sipcert_result_name(result: u32) -> *const c_char {
    guard_or(c"SIPCERT_PANIC".as_ptr(), || {
        let all = [
            SIPCERT_OK,
            SIPCERT_NULL_PARAMETER,
            SIPCERT_INVALID_LENGTH,
            SIPCERT_INVALID_UTF8,
            SIPCERT_INVALID_REFERENCE,
            SIPCERT_INVALID_ARGUMENT,
            SIPCERT_CERT_MALFORMED,
            SIPCERT_INVALID_TRUST_ANCHOR,
            SIPCERT_INVALID_CRL,
            SIPCERT_INVALID_DOMAIN,
            SIPCERT_PANIC,
            SIPCERT_INDEX_OUT_OF_RANGE,
        ];
        all.iter()
            .find(|r| **r as u32 == result)
            .map_or(c"SIPCERT_UNKNOWN".as_ptr(), |r| r.name().as_ptr())
    })
}

/// Turns an entry point's result back into a `Result`.
pub(crate) fn result(r: sipcert_result) -> Result<(), sipcert_result> {
    match r {
        SIPCERT_OK => Ok(()),
        e => Err(e),
    }
}
