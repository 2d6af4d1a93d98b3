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
use crate::policy::Role;

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

/// Purposes held without allocating while looking for an accepted one (a certificate
/// rarely lists more).
const INLINE_PURPOSES: usize = 8;

impl ExtendedKeyUsageValidator for PathEku {
    fn validate(&self, iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        // The purposes before the first accepted one, for the error only: inline, then on
        // the heap (already decoded) beyond.
        let mut before = [None; INLINE_PURPOSES];
        let mut held = 0;
        let mut more: Vec<Vec<usize>> = Vec::new();
        let mut ok = false;
        // Every purpose is read, also after an accepted one: a malformed EKU fails the path.
        for id in iter {
            let id = id?;
            if ok {
                continue;
            }
            if self.accepted.iter().any(|a| KeyPurposeId::new(a) == id) {
                ok = true;
            } else if let Some(slot) = before.get_mut(held) {
                *slot = Some(id);
                held += 1;
            } else {
                more.push(id.to_decoded_oid());
            }
        }
        if ok || held == 0 {
            return Ok(());
        }
        Err(webpki::Error::RequiredEkuNotFoundContext(
            RequiredEkuNotFoundContext {
                required: KeyUsage::required(EKU_SIP_DOMAIN),
                present: before
                    .iter()
                    .flatten()
                    .map(KeyPurposeId::to_decoded_oid)
                    .chain(more)
                    .collect(),
            },
        ))
    }
}
