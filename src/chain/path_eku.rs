//! The EKU rule webpki applies to **every** non-anchor certificate on the path.
//!
//! webpki runs its `ExtendedKeyUsageValidator` on the end entity *and* on each intermediate
//! (webpki `verify_cert.rs`, `check_eku` per certificate), so this rule must be permissive enough for real intermediates: an EKU that
//! is absent, or that contains sipDomain, anyExtendedKeyUsage, or the TLS purpose of the role,
//! passes. The strict leaf-only rule (RFC 5924 or TLS-compatible, [`crate::EkuMode`]) is applied
//! separately to the end entity by the identity layer.

use webpki::{
    ExtendedKeyUsageValidator, KeyPurposeId, KeyPurposeIdIter, KeyUsage, RequiredEkuNotFoundContext,
};

use crate::eku::{EKU_ANY, EKU_CLIENT_AUTH, EKU_SERVER_AUTH, EKU_SIP_DOMAIN};
use crate::Role;

const SERVER_PATH: &[&[u8]] = &[EKU_SIP_DOMAIN, EKU_SERVER_AUTH, EKU_ANY];
/// Client certificates: clientAuth, or serverAuth (the 2026 public-CA clientAuth phase-out,
/// [`crate::EkuMode::Compatible`]).
const CLIENT_PATH: &[&[u8]] = &[EKU_SIP_DOMAIN, EKU_CLIENT_AUTH, EKU_SERVER_AUTH, EKU_ANY];

/// "Any of these purposes, or no EKU extension at all."
#[derive(Debug, Clone, Copy)]
pub(crate) struct PathEku {
    accepted: &'static [&'static [u8]],
}

impl PathEku {
    pub(crate) fn for_role(role: Role) -> Self {
        match role {
            Role::Server => Self {
                accepted: SERVER_PATH,
            },
            Role::Client => Self {
                accepted: CLIENT_PATH,
            },
        }
    }
}

impl ExtendedKeyUsageValidator for PathEku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        // The purposes seen before an accepted one: kept (without copying) only to name
        // them in the error, so the common case allocates nothing.
        let mut before = Vec::new();
        let mut ok = false;
        for id in iter {
            // A malformed EKU is an error, never "absent".
            let id = id?;
            if ok {
                continue;
            }
            if self.accepted.iter().any(|a| KeyPurposeId::new(a) == id) {
                ok = true;
            } else {
                before.push(id);
            }
        }
        // An EKU extension with no purpose is rejected by webpki before we are called
        // (EmptyEkuExtension), so an empty list here means "no EKU extension".
        if ok || before.is_empty() {
            return Ok(());
        }
        Err(webpki::Error::RequiredEkuNotFoundContext(
            RequiredEkuNotFoundContext {
                required: KeyUsage::required(EKU_SIP_DOMAIN),
                present: before.iter().map(KeyPurposeId::to_decoded_oid).collect(),
            },
        ))
    }
}
