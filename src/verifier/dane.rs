//! [`DaneServerVerifier`]: a [`SipServerVerifier`] plus the TLSA records of one target
//! (RFC 6698, RFC 7671, RFC 7673), enforced in the rustls handshake.

use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, OtherError, SignatureScheme};

use super::observe::{Decision, Observation, Observer, ObserverSlot};
use super::server::reference_of;
use super::{rejected_to_rustls, signature_methods, SipServerVerifier};
use crate::chain::ChainVerifier;
use crate::codes::ReasonCode;
use crate::dane::anchor::check_trust_anchor;
use crate::dane::{evaluate, DaneOutcome, DaneStatus, TlsaSet};
use crate::policy::Role;
use crate::reference::Reference;
use crate::verdict::{Rejected, Verdict};

/// A rustls `ServerCertVerifier` for one RFC 3263 target: the SIP verifier's PKIX + RFC 5922
/// decision combined with that target's TLSA records.
///
/// - No usable TLSA record (none, or all unusable: unknown parameters, or from an answer
///   that was not DNSSEC-secure): the [`SipServerVerifier`] decides alone.
/// - Usable records: the server is accepted only when one of them authenticates it
///   ([`crate::dane::evaluate`]): DANE-EE by the end entity alone (names and dates ignored,
///   RFC 7671 §5.1); DANE-TA by a path to the matching presented certificate and the RFC 5922
///   names (with the policy's secure SRV target, RFC 7673 §4.1); PKIX-EE and PKIX-TA on top
///   of the SIP verifier's accept. Otherwise the handshake fails with a [`DaneRejected`]
///   (see [`dane_rejection`]).
///
/// Build one per target, with the policy carrying that target's secure SRV name when the SRV
/// answer was DNSSEC-secure:
///
/// ```
/// use std::sync::Arc;
/// use sipcert::dane::{TlsaRecord, TlsaSet};
/// use sipcert::verifier::{DaneServerVerifier, SipServerVerifier};
///
/// # let ca = rcgen::generate_simple_self_signed(vec!["ca.example".to_owned()])?;
/// let mut roots = rustls::RootCertStore::empty();
/// roots.add(ca.cert.der().clone())?;
/// let provider = Arc::new(rustls::crypto::ring::default_provider());
/// let sip = SipServerVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build()?;
/// let tlsa = TlsaSet::secure(vec![TlsaRecord::from_presentation("3 1 1 00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF")?]);
/// let verifier = Arc::new(DaneServerVerifier::new(sip, tlsa, &provider));
/// # drop(verifier);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DaneServerVerifier {
    pkix: Arc<SipServerVerifier>,
    tlsa: TlsaSet,
    algorithms: WebPkiSupportedAlgorithms,
    observer: ObserverSlot,
}

impl DaneServerVerifier {
    /// Combines the SIP verifier of the target with its TLSA records; `provider`'s signature
    /// algorithms check the DANE-TA paths and the handshake signatures.
    pub fn new(pkix: Arc<SipServerVerifier>, tlsa: TlsaSet, provider: &CryptoProvider) -> Self {
        Self {
            pkix,
            tlsa,
            algorithms: provider.signature_verification_algorithms,
            observer: ObserverSlot::default(),
        }
    }

    /// Hands every decision to `observer`: the PKIX + RFC 5922 verdict and the DANE outcome
    /// (see [`Observation::dane`]); the decision itself is unchanged. The SIP verifier's own
    /// observer is not called by this verifier.
    #[must_use]
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.observer = ObserverSlot(Some(observer));
        self
    }

    /// The TLSA records.
    pub fn tlsa(&self) -> &TlsaSet {
        &self.tlsa
    }

    /// The PKIX + RFC 5922 verdict and the DANE outcome for a presented chain, as
    /// `verify_server_cert` decides them: the server is accepted exactly when
    /// `outcome.permits(&verdict)`.
    pub fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        reference: &Reference,
        now: UnixTime,
    ) -> (Verdict, DaneOutcome) {
        let pkix = self.pkix.check(end_entity, intermediates, reference, now);
        let chain: Vec<CertificateDer<'_>> = std::iter::once(end_entity.clone())
            .chain(intermediates.iter().cloned())
            .collect();
        let outcome = evaluate(&self.tlsa, &chain, &pkix, |anchor| {
            self.dane_ta(anchor, end_entity, intermediates, reference, now)
        });
        (pkix, outcome)
    }

    /// The verdict with `anchor` (a presented certificate matched by a DANE-TA record) as the
    /// only trust anchor.
    fn dane_ta(
        &self,
        anchor: &CertificateDer<'_>,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        reference: &Reference,
        now: UnixTime,
    ) -> Verdict {
        // `evaluate` asks only about a certificate that passed this check; the anchor is built
        // here, so it is checked here too.
        if let Err(why) = check_trust_anchor(end_entity, anchor) {
            return Verdict::Reject(Rejected::new(
                ReasonCode::ChainInvalid,
                format!("the certificate matched by the TLSA record {why}"),
                Some(reference.clone()),
            ));
        }
        match webpki::anchor_from_trusted_cert(anchor) {
            Ok(ta) => ChainVerifier::new(self.algorithms.all, [ta.to_owned()]).check(
                end_entity,
                intermediates,
                now,
                reference,
                Role::Server,
                self.pkix.policy(),
            ),
            Err(e) => Verdict::Reject(Rejected::new(
                ReasonCode::ChainInvalid,
                format!(
                    "the certificate matched by the DANE-TA record is no usable trust anchor: {e}"
                ),
                Some(reference.clone()),
            )),
        }
    }
}

/// A handshake refused by DANE: usable TLSA records and none authenticated the server (or
/// the PKIX verdict the matching record needed was a reject).
#[derive(Debug, Clone)]
pub struct DaneRejected {
    outcome: DaneOutcome,
    pkix: Verdict,
}

impl DaneRejected {
    /// The DANE outcome (status [`DaneStatus::Mismatch`]).
    pub fn outcome(&self) -> &DaneOutcome {
        &self.outcome
    }

    /// The PKIX + RFC 5922 verdict on the same chain.
    pub fn pkix(&self) -> &Verdict {
        &self.pkix
    }
}

impl fmt::Display for DaneRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DANE: {}", self.outcome)
    }
}

impl std::error::Error for DaneRejected {}

/// The [`DaneRejected`] inside a rustls error from a [`DaneServerVerifier`], if that is what
/// it is.
pub fn dane_rejection(error: &Error) -> Option<&DaneRejected> {
    match error {
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<DaneRejected>()
        }
        _ => None,
    }
}

impl DaneServerVerifier {
    /// The error for a server name that is no reference, shown to the observer (with no
    /// DANE outcome: the records were never consulted).
    fn refuse_reference(
        &self,
        rejected: Rejected,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
    ) -> Error {
        let Some(observer) = &self.observer.0 else {
            return rejected_to_rustls(rejected);
        };
        let error = rejected_to_rustls(rejected.clone());
        let verdict = Verdict::Reject(rejected);
        observer(&Observation::new(
            end_entity,
            intermediates,
            Some(server_name),
            Decision::Server(&verdict),
            Some(&error),
        ));
        error
    }
}

/// The handshake's answer from the PKIX + RFC 5922 verdict and the DANE outcome: DANE
/// decides when it has usable records, the verdict alone otherwise.
fn dane_decision(pkix: Verdict, outcome: DaneOutcome) -> Result<ServerCertVerified, Error> {
    match (outcome.status(), pkix) {
        (DaneStatus::Authenticated, _) | (DaneStatus::NotApplicable, Verdict::Accept(_)) => {
            Ok(ServerCertVerified::assertion())
        }
        (DaneStatus::NotApplicable, Verdict::Reject(r)) => Err(rejected_to_rustls(r)),
        (DaneStatus::Mismatch, pkix) => Err(Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(DaneRejected { outcome, pkix })),
        ))),
    }
}

impl ServerCertVerifier for DaneServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let reference = match reference_of(server_name) {
            Ok(reference) => reference,
            Err(r) => return Err(self.refuse_reference(r, end_entity, intermediates, server_name)),
        };
        let (pkix, outcome) = self.check(end_entity, intermediates, &reference, now);
        let Some(observer) = &self.observer.0 else {
            return dane_decision(pkix, outcome);
        };
        let result = dane_decision(pkix.clone(), outcome.clone());
        observer(&Observation::new(
            end_entity,
            intermediates,
            Some(server_name),
            Decision::Dane {
                pkix: &pkix,
                outcome: &outcome,
            },
            result.as_ref().err(),
        ));
        result
    }

    signature_methods!();
}

#[cfg(test)]
mod tests {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};
    use sha2::{Digest, Sha256};
    use sipcert_testkit::pki::{Ca, CaSpec, LeafSpec};

    use super::*;
    use crate::dane::TlsaRecord;

    fn sha256(b: &[u8]) -> Vec<u8> {
        Sha256::digest(b).to_vec()
    }

    /// A real handshake against a server presenting `chain`, with `tlsa` and `trusted` roots.
    fn handshake(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        trusted: &Ca,
        tlsa: TlsaSet,
        sni: &str,
    ) -> Result<(), Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        roots.add(trusted.der.clone()).expect("root");
        let sip = SipServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .expect("verifier");
        let verifier = Arc::new(DaneServerVerifier::new(sip, tlsa, &provider));
        let client = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .expect("versions")
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        let server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server cert");
        let name = ServerName::try_from(sni.to_owned()).expect("sni");
        let mut c = ClientConnection::new(Arc::new(client), name).expect("client");
        let mut s = ServerConnection::new(Arc::new(server)).expect("server");
        loop {
            let mut buf = Vec::new();
            while c.wants_write() {
                c.write_tls(&mut buf).expect("write");
            }
            let mut rd = buf.as_slice();
            while !rd.is_empty() {
                s.read_tls(&mut rd).expect("read");
            }
            s.process_new_packets()?;
            let mut buf = Vec::new();
            while s.wants_write() {
                s.write_tls(&mut buf).expect("write");
            }
            let mut rd = buf.as_slice();
            while !rd.is_empty() {
                c.read_tls(&mut rd).expect("read");
            }
            c.process_new_packets()?;
            if !c.is_handshaking() && !s.is_handshaking() {
                return Ok(());
            }
        }
    }

    /// The handshake outcome per TLSA set: DANE overrides PKIX only through a usable,
    /// matching record; a usable non-matching set refuses a PKIX-valid server.
    #[test]
    #[allow(clippy::too_many_lines, clippy::type_complexity)] // one table
    fn dane_in_the_handshake() {
        let root = Ca::root("Root");
        let inter = root.intermediate(CaSpec::new("Inter"));
        let other_root = Ca::root("Unrelated");
        // Names only the SRV target: PKIX + RFC 5922 rejects it for example.com.
        let leaf = inter.leaf(LeafSpec::new().dns("sip1.provider.net"));
        let good = inter.leaf(LeafSpec::new().dns("example.com"));
        let leaf_sha = sha256(leaf.der.as_ref());
        let good_sha = sha256(good.der.as_ref());
        let inter_sha = sha256(inter.der.as_ref());
        // (name, leaf, trusted root, TLSA, accepted, DANE rejection expected)
        let cases: Vec<(
            &str,
            &sipcert_testkit::pki::Issued,
            &Ca,
            TlsaSet,
            bool,
            bool,
        )> = vec![
            (
                "no TLSA, PKIX accepts",
                &good,
                &root,
                TlsaSet::secure(vec![]),
                true,
                false,
            ),
            (
                "no TLSA, wrong name",
                &leaf,
                &root,
                TlsaSet::secure(vec![]),
                false,
                false,
            ),
            (
                "DANE-EE matches, wrong name, untrusted",
                &leaf,
                &other_root,
                TlsaSet::secure(vec![TlsaRecord::new(3, 0, 1, leaf_sha.clone())]),
                true,
                false,
            ),
            (
                "DANE-EE from an insecure answer",
                &leaf,
                &other_root,
                TlsaSet::insecure(vec![TlsaRecord::new(3, 0, 1, leaf_sha.clone())]),
                false,
                false,
            ),
            (
                "DANE-EE mismatch, PKIX would accept",
                &good,
                &root,
                TlsaSet::secure(vec![TlsaRecord::new(3, 0, 1, leaf_sha.clone())]),
                false,
                true,
            ),
            (
                "DANE-TA, untrusted root, good name",
                &good,
                &other_root,
                TlsaSet::secure(vec![TlsaRecord::new(2, 0, 1, inter_sha.clone())]),
                true,
                false,
            ),
            (
                "DANE-TA, wrong name",
                &leaf,
                &other_root,
                TlsaSet::secure(vec![TlsaRecord::new(2, 0, 1, inter_sha.clone())]),
                false,
                true,
            ),
            (
                "PKIX-EE, trusted",
                &good,
                &root,
                TlsaSet::secure(vec![TlsaRecord::new(1, 0, 1, good_sha.clone())]),
                true,
                false,
            ),
            (
                "PKIX-EE, untrusted",
                &good,
                &other_root,
                TlsaSet::secure(vec![TlsaRecord::new(1, 0, 1, good_sha.clone())]),
                false,
                true,
            ),
            (
                "PKIX-TA, trusted",
                &good,
                &root,
                TlsaSet::secure(vec![TlsaRecord::new(0, 0, 1, inter_sha.clone())]),
                true,
                false,
            ),
            (
                "unusable only: PKIX decides",
                &good,
                &root,
                TlsaSet::secure(vec![TlsaRecord::new(3, 1, 1, vec![1; 31])]),
                true,
                false,
            ),
        ];
        for (name, issued, trusted, tlsa, accepted, dane_error) in cases {
            let chain = vec![issued.der.clone(), inter.der.clone()];
            let result = handshake(chain, issued.key.clone_key(), trusted, tlsa, "example.com");
            assert_eq!(result.is_ok(), accepted, "{name}: {result:?}");
            if let Err(e) = &result {
                assert_eq!(dane_rejection(e).is_some(), dane_error, "{name}: {e}");
            }
        }
    }

    /// An end entity for example.com and the certificate that signed it, whose
    /// basicConstraints is `is_ca`.
    fn signed_by(is_ca: rcgen::IsCa) -> (CertificateDer<'static>, CertificateDer<'static>) {
        use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair};
        let key = KeyPair::generate().expect("key");
        let mut sp = CertificateParams::new(Vec::<String>::new()).expect("params");
        sp.distinguished_name = DistinguishedName::new();
        sp.distinguished_name.push(DnType::CommonName, "Signer");
        sp.is_ca = is_ca;
        let signer = sp.self_signed(&key).expect("signer").der().clone();
        let issuer = rcgen::Issuer::new(sp, key);
        let lp = CertificateParams::new(vec!["example.com".to_owned()]).expect("params");
        let leaf = lp
            .signed_by(&KeyPair::generate().expect("key"), &issuer)
            .expect("leaf")
            .der()
            .clone();
        (leaf, signer)
    }

    /// DANE-TA through the whole verifier (path validation included): before the matched
    /// certificate was required to be a CA other than the end entity, webpki accepted a path
    /// to any presented certificate used as trust anchor, CA or not, the end entity itself
    /// included. PKIX rejects every chain here (unrelated roots), so only DANE decides.
    #[test]
    fn dane_ta_requires_a_ca_above_the_end_entity() {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let unrelated = Ca::root("Unrelated");
        let mut roots = RootCertStore::empty();
        roots.add(unrelated.der.clone()).expect("root");
        let sip = SipServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .expect("verifier");
        let (leaf_non_ca, non_ca) = signed_by(IsCa::NoCa);
        let (leaf_ca_false, ca_false) = signed_by(IsCa::ExplicitNoCa);
        let (leaf_ca, ca) = signed_by(IsCa::Ca(BasicConstraints::Unconstrained));
        let self_key = KeyPair::generate().expect("key");
        let selfsigned = CertificateParams::new(vec!["example.com".to_owned()])
            .expect("params")
            .self_signed(&self_key)
            .expect("cert")
            .der()
            .clone();
        // (name, chain, DANE-TA certificate, authenticated)
        let cases: Vec<(
            &str,
            Vec<CertificateDer<'static>>,
            &CertificateDer<'static>,
            bool,
        )> = vec![
            (
                "signer without basicConstraints",
                vec![leaf_non_ca, non_ca.clone()],
                &non_ca,
                false,
            ),
            (
                "signer with cA FALSE",
                vec![leaf_ca_false, ca_false.clone()],
                &ca_false,
                false,
            ),
            (
                "self-signed end entity sent twice",
                vec![selfsigned.clone(), selfsigned.clone()],
                &selfsigned,
                false,
            ),
            ("a CA signer", vec![leaf_ca, ca.clone()], &ca, true),
        ];
        let reference = Reference::Domain(
            crate::domain::DomainName::from_ascii("example.com").expect("domain"),
        );
        for (name, chain, anchor, authenticated) in cases {
            let tlsa = TlsaSet::secure(vec![TlsaRecord::new(2, 0, 1, sha256(anchor.as_ref()))]);
            let verifier = DaneServerVerifier::new(sip.clone(), tlsa, &provider);
            let (end_entity, intermediates) = chain.split_first().expect("chain");
            let (pkix, outcome) = verifier.check(
                end_entity,
                intermediates,
                &reference,
                sipcert_testkit::pki::now(),
            );
            assert!(!pkix.is_accept(), "{name}: PKIX accepted");
            assert_eq!(
                outcome.status() == DaneStatus::Authenticated,
                authenticated,
                "{name}: {outcome}"
            );
            assert_eq!(outcome.permits(&pkix), authenticated, "{name}: {outcome}");
        }
    }
}
