//! The whole RFC 5922 decision for one presented chain: path validation, identities, name
//! constraints, leaf EKU, matching.

use rustls_pki_types::{CertificateDer, UnixTime};

use super::{ChainError, ChainVerifier, VerifiedChain};
use crate::{
    check_end_entity, extract_identities, DomainName, Policy, ReasonCode, Reference, Rejected,
    Role, Verdict,
};

impl ChainVerifier {
    /// The full verdict for a presented chain and a reference:
    /// 1. path validation ([`ChainVerifier::verify`]) with the end entity's SIP identities,
    ///    so that a path whose CA constraints exclude them is skipped for another path;
    /// 2. RFC 5922 §7.1 identity extraction, the RFC 5924 leaf EKU policy for `role`, and
    ///    §7.2 matching ([`check_end_entity`]);
    /// 3. any path failure becomes a rejection carrying its `chain-*` / `cert-malformed` /
    ///    `eku-not-permitted` code; a name-constraint failure keeps the identities and hints.
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
        match self.decide(end_entity, intermediates, now, reference, role, policy) {
            Ok(verdict) => verdict,
            Err(e) => Verdict::Reject(Rejected::chain(
                e.reason_code(),
                e.to_string(),
                Some(reference.clone()),
            )),
        }
    }

    /// [`ChainVerifier::check`], keeping path failures other than name constraints as
    /// [`ChainError`] (the rustls adapter maps them to rustls's own certificate errors).
    pub(crate) fn decide(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        reference: &Reference,
        role: Role,
        policy: &Policy,
    ) -> Result<Verdict, ChainError> {
        let path = self.verify_with_identities(end_entity, intermediates, now, role, policy)?;
        let verdict = check_end_entity(end_entity.as_ref(), reference, role, policy);
        Ok(match path {
            Ok(_) => verdict,
            Err(e) => {
                verdict.with_chain_failure(ReasonCode::ChainNameConstraintViolation, e.to_string())
            }
        })
    }

    /// Validates the path with the end entity's SIP identities under `policy`. `Ok(Err(e))`
    /// is a name-constraint failure (callers report it as a SIP-level rejection naming the
    /// identity); `Err` is any other path-validation failure.
    pub(crate) fn verify_with_identities(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        role: Role,
        policy: &Policy,
    ) -> Result<Result<VerifiedChain, ChainError>, ChainError> {
        let domains = identity_domains(end_entity, policy);
        match self.verify(end_entity, intermediates, now, role, &domains) {
            Ok(verified) => Ok(Ok(verified)),
            Err(
                e @ (ChainError::NameConstraintViolation { .. }
                | ChainError::MalformedNameConstraint { .. }),
            ) => Ok(Err(e)),
            Err(e) => Err(e),
        }
    }
}

/// The SIP domain identities of an end entity under `policy` (empty if it does not parse;
/// the verdict then reports `cert-malformed`).
fn identity_domains(end_entity: &CertificateDer<'_>, policy: &Policy) -> Vec<DomainName> {
    extract_identities(end_entity.as_ref(), policy)
        .map(|ids| {
            ids.identities()
                .iter()
                .filter_map(|i| i.domain().cloned())
                .collect()
        })
        .unwrap_or_default()
}
