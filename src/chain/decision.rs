//! The whole decision on a presented certificate, in one place: the names-only check
//! ([`check_end_entity`]), the chain check ([`ChainVerifier::check`]) and the client-certificate
//! check behind [`SipClientVerifier`](crate::verifier::SipClientVerifier) all run the same
//! steps here, so that the command line, both rustls verifiers and the bindings cannot
//! disagree:
//!
//! 1. the end-entity certificate is parsed once, strictly (a malformed one is `cert-malformed`
//!    and nothing in it is used), and the parsed certificate is passed down (to the hints of a
//!    rejection too);
//! 2. its SIP identities are extracted (RFC 5922 §7.1) and its EKU judged for the role
//!    (RFC 5924 §5);
//! 3. with a [`ChainVerifier`], the path is validated and the identities are checked against
//!    the name constraints of every CA on it (RFC 5280 §4.2.1.10);
//! 4. the identities are compared with the reference (RFC 5922 §7.2) or, for a client
//!    without a reference, at least one SIP domain identity is required (RFC 5922 §7.4).

use rustls_pki_types::{CertificateDer, UnixTime};

use super::ChainVerifier;
use crate::codes::ReasonCode;
use crate::der::cert::Certificate;
use crate::eku::{self, EkuAcceptance, EkuError};
use crate::identity::{self, Identities};
use crate::matching::{
    accept_names, accepted, hints, names_rejection, names_verdict, NamesAccepted, Wanted,
};
use crate::policy::{Policy, Role};
use crate::reference::Reference;
use crate::verdict::{ChainCheck, Rejected, Verdict};

/// The reference a decision is made for.
pub(crate) enum ReferenceArg<'a> {
    /// A built reference.
    Built(&'a Reference),
    /// A plain host name borrowed from the connection ([`Wanted::plain_host`]), matched as
    /// it is; `build` makes its [`Reference`] (or the rejection of the name) for a rejection
    /// to report.
    Host {
        /// The name, as [`Wanted::plain_host`] accepted it.
        wanted: Wanted<'a>,
        /// Builds the reference.
        build: &'a dyn Fn() -> Result<Reference, Rejected>,
    },
}

impl ReferenceArg<'_> {
    fn wanted(&self) -> Wanted<'_> {
        match self {
            Self::Built(reference) => Wanted::of(reference),
            Self::Host { wanted, .. } => *wanted,
        }
    }

    /// The rejection `reject` makes for the built reference (or, should the name not build,
    /// the rejection of the name).
    fn with(&self, reject: impl FnOnce(&Reference) -> Rejected) -> Rejected {
        match self {
            Self::Built(reference) => reject(reference),
            Self::Host { build, .. } => match build() {
                Ok(reference) => reject(&reference),
                Err(rejected) => rejected,
            },
        }
    }
}

/// An accepted chain, not rendered yet: the identities and the names-and-EKU accept.
pub(crate) struct Decided {
    identities: Identities,
    accept: NamesAccepted,
}

/// The end entity, parsed once: the walk (kept for the hints of a rejection), its
/// identities and its EKU outcome.
struct Examined<'a> {
    cert: Certificate<'a>,
    identities: Identities,
    eku: Result<EkuAcceptance, EkuError>,
}

fn examine<'a>(cert_der: &'a [u8], role: Role, policy: &Policy) -> Result<Examined<'a>, Rejected> {
    let malformed = |e: identity::ExtractError| {
        Rejected::new(
            e.reason_code(),
            format!("{e}; nothing in the certificate can be trusted"),
            None,
        )
    };
    let (cert, read_eku) = identity::parse_certificate(cert_der).map_err(malformed)?;
    let identities = identity::extract_from_parsed(&cert, policy).map_err(malformed)?;
    let eku = eku::evaluate_read(read_eku, role, policy.eku_mode());
    Ok(Examined {
        cert,
        identities,
        eku,
    })
}

/// Checks one end-entity certificate (DER) for one reference: RFC 5922 §7.1 extraction,
/// §7.2 matching, and the RFC 5924 EKU policy for `role`.
///
/// The certificate path is **not** checked here: no signature, validity period, trust
/// anchor, revocation or CA name constraint. An accept says so
/// ([`Accepted::chain`](crate::Accepted::chain) is [`ChainCheck::NotChecked`]); use
/// [`ChainVerifier::check`] or the rustls verifiers to authenticate a peer.
///
/// ```
/// use sipcert::{check_end_entity, DomainName, Policy, Reference, Role};
///
/// let reference = Reference::Domain(DomainName::from_ascii("example.com")?);
/// let verdict = check_end_entity(b"garbage", &reference, Role::Server, &Policy::default());
/// assert_eq!(verdict.rejected().unwrap().reasons()[0].code().code(), "cert-malformed");
/// # Ok::<(), sipcert::DomainNameError>(())
/// ```
pub fn check_end_entity(
    cert_der: &[u8],
    reference: &Reference,
    role: Role,
    policy: &Policy,
) -> Verdict {
    match examine(cert_der, role, policy) {
        Ok(e) => names_verdict(e.identities, reference, &e.eku, ChainCheck::NotChecked),
        Err(r) => Verdict::Reject(r.with_reference(reference)),
    }
}

impl ChainVerifier {
    /// The whole verdict for a presented chain and a reference:
    /// 1. RFC 5922 §7.1 identity extraction and the RFC 5924 leaf EKU policy for `role`, from
    ///    one strict parse of the end entity;
    /// 2. path validation ([`ChainVerifier::verify`]) with those identities, so that a path
    ///    whose CA constraints exclude them is skipped for another path;
    /// 3. §7.2 matching against `reference`;
    /// 4. a path failure makes the verdict a rejection that carries its code
    ///    ([`Rejected::path_error`]) and keeps the identities and hints for the diagnostic.
    ///
    /// This is what [`SipServerVerifier`](crate::verifier::SipServerVerifier) decides, without
    /// a handshake (for diagnostics, the command line and the bindings).
    pub fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        reference: &Reference,
        role: Role,
        policy: &Policy,
    ) -> Verdict {
        let arg = ReferenceArg::Built(reference);
        match self.decide(end_entity, intermediates, now, &arg, role, policy) {
            Ok(Decided { identities, accept }) => Verdict::Accept(accepted(
                identities,
                reference,
                accept,
                ChainCheck::Validated,
            )),
            Err(rejected) => Verdict::Reject(rejected),
        }
    }

    /// [`ChainVerifier::check`]'s decision, with an accept left unrendered: the rustls
    /// verifiers need only the decision, and rendering an [`Accepted`](crate::Accepted)
    /// (the matched name, the relaxations) would cost allocations on every handshake.
    pub(crate) fn decide(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        reference: &ReferenceArg<'_>,
        role: Role,
        policy: &Policy,
    ) -> Result<Decided, Rejected> {
        let examined = match examine(end_entity.as_ref(), role, policy) {
            Ok(examined) => examined,
            Err(r) => return Err(reference.with(|reference| r.with_reference(reference))),
        };
        match self.verify_extracted(end_entity, intermediates, now, role, examined.identities) {
            Ok(verified) => {
                let identities = verified.into_identities();
                match accept_names(&identities, reference.wanted(), &examined.eku) {
                    Some(accept) => Ok(Decided { identities, accept }),
                    None => Err(reference.with(|reference| {
                        names_rejection(identities, reference, &examined.eku, ChainCheck::Validated)
                    })),
                }
            }
            Err(failed) => {
                let (e, identities) = *failed;
                let missing = hints::missing_intermediate(&e, &examined.cert, intermediates);
                Err(reference.with(|reference| {
                    names_verdict(identities, reference, &examined.eku, ChainCheck::Validated)
                        .with_path_error(e)
                        .with_hint(missing)
                        .into_rejected()
                }))
            }
        }
    }

    /// The decision on a client certificate without a reference (RFC 5922 §7.4: mutual TLS,
    /// authorization follows after the handshake): path, name constraints, client EKU, and at
    /// least one SIP domain identity. The identities are returned for the caller.
    pub(crate) fn check_client(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        policy: &Policy,
    ) -> Result<Identities, Rejected> {
        let examined = examine(end_entity.as_ref(), Role::Client, policy)?;
        let identities = self
            .verify_extracted(
                end_entity,
                intermediates,
                now,
                Role::Client,
                examined.identities,
            )
            .map_err(|failed| {
                let (e, identities) = *failed;
                Rejected::from_path_error(e, identities)
            })?
            .into_identities();
        if let Err(e) = examined.eku {
            return Err(Rejected::for_identities(
                e.reason_code(),
                e.to_string(),
                identities,
                ChainCheck::Validated,
            ));
        }
        if identities.identities().iter().all(|i| i.domain().is_none()) {
            return Err(Rejected::for_identities(
                ReasonCode::NoIdentities,
                "the client certificate has no SIP domain identity (RFC 5922 §7.1: only sip: URI SANs without user part, dNSName SANs when no sip: URI identity exists, and the subject CN when there is no SAN extension at all)",
                identities,
                ChainCheck::Validated,
            ));
        }
        Ok(identities)
    }
}
