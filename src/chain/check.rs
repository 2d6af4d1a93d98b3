//! The whole RFC 5922 decision for one presented chain: path validation, identities, name
//! constraints, leaf EKU, matching.

use rustls_pki_types::{CertificateDer, UnixTime};

use super::{ChainError, ChainVerifier};
use crate::{check_end_entity, Identity, IdentityName, Policy, Reference, Role, Verdict};

impl ChainVerifier {
    /// The full verdict for a presented chain and a reference:
    /// 1. path validation ([`ChainVerifier::verify`]) with the end entity's SIP identities,
    ///    so that a path whose CA constraints exclude them is skipped for another path;
    /// 2. RFC 5922 §7.1 identity extraction, the RFC 5924 leaf EKU policy for `role`, and
    ///    §7.2 matching ([`check_end_entity`]);
    /// 3. any path failure becomes a rejection carrying its `chain-*` / `cert-malformed` /
    ///    `eku-not-permitted` code, and keeps the identities and hints for the diagnostic.
    ///
    /// This is what the rustls server verifier decides, without a handshake (for diagnostics
    /// and the command line).
    pub fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        reference: &Reference,
        role: Role,
        policy: &Policy,
    ) -> Verdict {
        self.evaluate(end_entity, intermediates, now, reference, role, policy)
            .0
    }

    /// [`ChainVerifier::check`], also returning a path failure other than name constraints
    /// as [`ChainError`] (the rustls adapter maps it to rustls's own certificate errors).
    pub(crate) fn decide(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        reference: &Reference,
        role: Role,
        policy: &Policy,
    ) -> Result<Verdict, ChainError> {
        match self.evaluate(end_entity, intermediates, now, reference, role, policy) {
            (_, Some(path_error)) => Err(path_error),
            (verdict, None) => Ok(verdict),
        }
    }

    /// The names verdict (one x509-parser parse), then path validation with its identities
    /// (one webpki parse). A path failure turns the verdict into a rejection that keeps the
    /// identities and hints for the diagnostic; a failure other than name constraints is
    /// also returned on its own.
    fn evaluate(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        reference: &Reference,
        role: Role,
        policy: &Policy,
    ) -> (Verdict, Option<ChainError>) {
        let verdict = check_end_entity(end_entity.as_ref(), reference, role, policy);
        let names = names_of(verdict.identities());
        match self.verify_names(end_entity, intermediates, now, role, &names) {
            Ok(_) => (verdict, None),
            Err(
                e @ (ChainError::NameConstraintViolation { .. }
                | ChainError::MalformedNameConstraint { .. }
                | ChainError::NameConstraintBudgetExceeded { .. }
                | ChainError::NameNotCheckable { .. }),
            ) => (
                verdict.with_chain_failure(e.reason_code(), e.to_string()),
                None,
            ),
            Err(e) => (
                verdict.with_chain_failure(e.reason_code(), e.to_string()),
                Some(e),
            ),
        }
    }
}

/// The names of the SIP identities (domains, and IP addresses under `allow_ip_literals`), to
/// check against the name constraints of the path.
pub(crate) fn names_of(identities: &[Identity]) -> Vec<IdentityName> {
    identities.iter().map(|i| i.name().clone()).collect()
}
