//! The EKU rule webpki applies to **every** non-anchor certificate on the path.
//!
//! webpki runs its `ExtendedKeyUsageValidator` on the end entity *and* on each intermediate
//! (rust-notes §2), so this rule must be permissive enough for real intermediates: an EKU that
//! is absent, or that contains sipDomain, anyExtendedKeyUsage, or the TLS purpose of the role,
//! passes. The strict leaf-only rule (RFC 5924 mode, decisions.md §1 EKU row) is applied
//! separately to the end entity by the identity layer.

use webpki::{
    ExtendedKeyUsageValidator, KeyPurposeId, KeyPurposeIdIter, KeyUsage, RequiredEkuNotFoundContext,
};

use super::Role;

/// `id-kp-sipDomain` (1.3.6.1.5.5.7.3.20), OID content octets (RFC 5924).
pub(crate) const EKU_SIP_DOMAIN: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x14];
/// `id-kp-serverAuth` (1.3.6.1.5.5.7.3.1), OID content octets.
pub(crate) const EKU_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// `id-kp-clientAuth` (1.3.6.1.5.5.7.3.2), OID content octets.
pub(crate) const EKU_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// `anyExtendedKeyUsage` (2.5.29.37.0), OID content octets.
pub(crate) const EKU_ANY: &[u8] = &[0x55, 0x1d, 0x25, 0x00];

const SERVER_PATH: &[&[u8]] = &[EKU_SIP_DOMAIN, EKU_SERVER_AUTH, EKU_ANY];
/// Client certificates: clientAuth, or serverAuth (the 2026 public-CA clientAuth phase-out,
/// decisions.md §1 `Compatible`).
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
        let mut present = Vec::new();
        let mut ok = false;
        for id in iter {
            // A malformed EKU is an error, never "absent".
            let id = id?;
            if self.accepted.iter().any(|a| KeyPurposeId::new(a) == id) {
                ok = true;
            }
            present.push(id.to_decoded_oid());
        }
        // An EKU extension with no purpose is rejected by webpki before we are called
        // (EmptyEkuExtension), so an empty list here means "no EKU extension".
        if ok || present.is_empty() {
            return Ok(());
        }
        Err(webpki::Error::RequiredEkuNotFoundContext(
            RequiredEkuNotFoundContext {
                required: KeyUsage::required(EKU_SIP_DOMAIN),
                present,
            },
        ))
    }
}
