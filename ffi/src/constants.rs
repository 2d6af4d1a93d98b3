//! The header's constants and integer enums: limits, version numbers, the role, the EKU
//! mode, the revocation flags and the name sources.

use std::ffi::{c_char, CStr};

use crate::panic::guard_or;

/// The largest DER item (certificate, trust anchor, CRL) accepted: 16 MiB.
pub const SIPCERT_MAX_DER_LEN: usize = 1 << 24;
/// The largest reference (SIP URI or domain) or secure SRV target accepted: 8 KiB.
pub const SIPCERT_MAX_TEXT_LEN: usize = 8192;
/// The largest number of items in a DER list (chain, trust anchors, CRLs).
pub const SIPCERT_MAX_LIST_LEN: usize = 1024;

/// The major version of this library (`SIPCERT_VERSION_MAJOR`); the shared library's SONAME
/// is `libsipcert.so.<major>`. The three version numbers equal the crate version and what
/// `sipcert_version()` returns (`ffi/tests/header.rs` fails when they drift apart).
pub const SIPCERT_VERSION_MAJOR: u32 = 0;
/// The minor version of this library.
pub const SIPCERT_VERSION_MINOR: u32 = 1;
/// The patch version of this library.
pub const SIPCERT_VERSION_PATCH: u32 = 0;

/// Which side the peer is (the `role` argument of the check functions). The functions take the
/// value as a 32-bit integer (`sipcert_role` is `uint32_t` in C), so any other value is
/// refused with `SIPCERT_INVALID_ARGUMENT` rather than being undefined.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sipcert_role {
    /// The peer is a server (a client checks it, RFC 5922 §7.3).
    SIPCERT_ROLE_SERVER = 0,
    /// The peer is a client (a server checks it, RFC 5922 §7.4).
    SIPCERT_ROLE_CLIENT = 1,
}

/// The EKU mode of a policy (`sipcert_policy_set_eku_mode`, a 32-bit integer).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sipcert_eku_mode {
    /// Interoperable with Web PKI certificates (the default): an EKU extension must be absent
    /// or contain id-kp-sipDomain, anyExtendedKeyUsage, or serverAuth (server) / clientAuth or
    /// serverAuth (client).
    SIPCERT_EKU_COMPATIBLE = 0,
    /// RFC 5924 §5 literally: an EKU extension, when present, must contain id-kp-sipDomain or
    /// anyExtendedKeyUsage.
    SIPCERT_EKU_RFC5924 = 1,
}

/// The revocation flags of `sipcert_chain_verifier_new`; the argument is these values or'ed
/// (a 32-bit integer), 0 for the defaults.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sipcert_revocation_flag {
    /// Check the revocation status of the end entity only.
    SIPCERT_REVOCATION_END_ENTITY_ONLY = 1,
    /// A certificate no CRL covers is not refused.
    SIPCERT_REVOCATION_ALLOW_UNKNOWN = 2,
    /// A CRL past its nextUpdate is refused.
    SIPCERT_REVOCATION_ENFORCE_EXPIRATION = 4,
}

/// Where an identity or an ignored name came from (`sipcert_verdict_identity`,
/// `sipcert_verdict_ignored`, ...); `sipcert_source_code` gives its stable code string.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sipcert_source {
    /// A uniformResourceIdentifier SAN (`san-uri`).
    SIPCERT_SOURCE_SAN_URI = 0,
    /// A dNSName SAN (`san-dns`).
    SIPCERT_SOURCE_SAN_DNS = 1,
    /// An iPAddress SAN (`san-ip`).
    SIPCERT_SOURCE_SAN_IP = 2,
    /// Any other SAN entry (`san-other`: rfc822Name, otherName, directoryName, ...); ignored
    /// names only.
    SIPCERT_SOURCE_SAN_OTHER = 3,
    /// The subject CN (`cn`).
    SIPCERT_SOURCE_CN = 4,
    /// A source added by a later version of the library; its code string names it.
    SIPCERT_SOURCE_UNKNOWN = 255,
}

impl sipcert_source {
    const ALL: [Self; 5] = [
        Self::SIPCERT_SOURCE_SAN_URI,
        Self::SIPCERT_SOURCE_SAN_DNS,
        Self::SIPCERT_SOURCE_SAN_IP,
        Self::SIPCERT_SOURCE_SAN_OTHER,
        Self::SIPCERT_SOURCE_CN,
    ];

    /// The stable code (`san-uri`, `san-dns`, `san-ip`, `san-other`, `cn`); `None` for
    /// `SIPCERT_SOURCE_UNKNOWN`.
    pub fn code(self) -> Option<&'static CStr> {
        match self {
            Self::SIPCERT_SOURCE_SAN_URI => Some(c"san-uri"),
            Self::SIPCERT_SOURCE_SAN_DNS => Some(c"san-dns"),
            Self::SIPCERT_SOURCE_SAN_IP => Some(c"san-ip"),
            Self::SIPCERT_SOURCE_SAN_OTHER => Some(c"san-other"),
            Self::SIPCERT_SOURCE_CN => Some(c"cn"),
            Self::SIPCERT_SOURCE_UNKNOWN => None,
        }
    }

    /// The value for a library source code (`IdentitySource::code`, `IgnoredSource::code`).
    pub fn from_code(code: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.code().is_some_and(|c| c.to_bytes() == code.as_bytes()))
            .unwrap_or(Self::SIPCERT_SOURCE_UNKNOWN)
    }
}

/// `role` as the `u32` the entry points take.
/// cbindgen:ignore
pub const SIPCERT_ROLE_SERVER: u32 = sipcert_role::SIPCERT_ROLE_SERVER as u32;
/// `role` as the `u32` the entry points take.
/// cbindgen:ignore
pub const SIPCERT_ROLE_CLIENT: u32 = sipcert_role::SIPCERT_ROLE_CLIENT as u32;
/// The EKU mode as the `u32` the setter takes.
/// cbindgen:ignore
pub const SIPCERT_EKU_COMPATIBLE: u32 = sipcert_eku_mode::SIPCERT_EKU_COMPATIBLE as u32;
/// The EKU mode as the `u32` the setter takes.
/// cbindgen:ignore
pub const SIPCERT_EKU_RFC5924: u32 = sipcert_eku_mode::SIPCERT_EKU_RFC5924 as u32;
/// A revocation flag as a `u32` bit.
/// cbindgen:ignore
pub const SIPCERT_REVOCATION_END_ENTITY_ONLY: u32 =
    sipcert_revocation_flag::SIPCERT_REVOCATION_END_ENTITY_ONLY as u32;
/// A revocation flag as a `u32` bit.
/// cbindgen:ignore
pub const SIPCERT_REVOCATION_ALLOW_UNKNOWN: u32 =
    sipcert_revocation_flag::SIPCERT_REVOCATION_ALLOW_UNKNOWN as u32;
/// A revocation flag as a `u32` bit.
/// cbindgen:ignore
pub const SIPCERT_REVOCATION_ENFORCE_EXPIRATION: u32 =
    sipcert_revocation_flag::SIPCERT_REVOCATION_ENFORCE_EXPIRATION as u32;

/// The `role` argument in the C signatures: a `sipcert_role` value carried as `uint32_t`
/// (cbindgen.toml renames it to `sipcert_role`, which C declares as `uint32_t`).
pub type sipcert_role_arg = u32;
/// The `mode` argument of `sipcert_policy_set_eku_mode`: a `sipcert_eku_mode` value carried as
/// `uint32_t` (renamed to `sipcert_eku_mode` in the header).
pub type sipcert_eku_mode_arg = u32;
/// The `source` argument of `sipcert_source_code`: a `sipcert_source` value carried as
/// `uint32_t` (renamed to `sipcert_source` in the header).
pub type sipcert_source_arg = u32;

/// `now_unix_secs`: use the system clock.
pub const SIPCERT_TIME_NOW: u64 = 0;

/// The version of this package, NUL-terminated.
const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };

/// The library version (`"0.1.0"`: `SIPCERT_VERSION_MAJOR.MINOR.PATCH` of the library that is
/// linked, which may differ from the header's macros). The string is static.
#[no_mangle]
pub extern "C" fn sipcert_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The stable code of a `sipcert_source` value (`"san-uri"`, `"san-dns"`, `"san-ip"`,
/// `"san-other"`, `"cn"`); null for `SIPCERT_SOURCE_UNKNOWN` or any other value. The string is
/// static.
#[no_mangle]
pub extern "C" fn sipcert_source_code(source: sipcert_source_arg) -> *const c_char {
    guard_or(std::ptr::null(), || {
        sipcert_source::ALL
            .into_iter()
            .find(|s| *s as u32 == source)
            .and_then(sipcert_source::code)
            .map_or(std::ptr::null(), CStr::as_ptr)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version() {
        // SAFETY: a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(sipcert_version()) };
        assert_eq!(v.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    }
}
