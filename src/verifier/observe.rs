//! The observation hook: what a verifier decided, handed to the caller's [`Observer`] after
//! each decision, so a probe, a log or a test sees the verdict without wrapping the verifier.
//!
//! ```
//! use std::sync::Arc;
//! use sipcert::verifier::{Observation, Observer, SipServerVerifier};
//!
//! # let ca = rcgen::generate_simple_self_signed(vec!["ca.example".to_owned()])?;
//! # let mut roots = rustls::RootCertStore::empty();
//! # roots.add(ca.cert.der().clone())?;
//! let observer: Observer = Arc::new(|seen: &Observation<'_>| {
//!     if let Some(rejected) = seen.rejected() {
//!         eprintln!("refused {:?}: {rejected}", seen.server_name());
//!     }
//! });
//! let provider = Arc::new(rustls::crypto::ring::default_provider());
//! let verifier = SipServerVerifier::builder_with_provider(Arc::new(roots), provider)
//!     .with_observer(observer)
//!     .build()?;
//! # drop(verifier);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The observer only observes: it runs after the decision, gets shared references, returns
//! nothing, and the verifier returns what it would have returned without it. Without an
//! observer the verifiers take their usual path (no rendering of an accept, no extra
//! allocation). An observer runs inside the handshake: keep it short, and do not panic.

use std::fmt;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, ServerName};

#[cfg(feature = "dane")]
use crate::dane::DaneOutcome;
use crate::identity::Identity;
use crate::policy::Role;
use crate::verdict::{MatchedIdentity, Rejected, Verdict};

/// The callback a verifier hands each [`Observation`] to (see the module documentation).
pub type Observer = Arc<dyn Fn(&Observation<'_>) + Send + Sync>;

/// The optional observer of a verifier, with a `Debug` that does not show the closure.
#[derive(Clone, Default)]
pub(super) struct ObserverSlot(pub(super) Option<Observer>);

impl fmt::Debug for ObserverSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(Observer)"
        } else {
            "None"
        })
    }
}

/// What a verifier decided, by verifier.
#[derive(Debug, Clone, Copy)]
pub(super) enum Decision<'a> {
    /// [`SipServerVerifier`](super::SipServerVerifier): the PKIX + RFC 5922 verdict.
    Server(&'a Verdict),
    /// [`SipClientVerifier`](super::SipClientVerifier): the client's identities, or why the
    /// certificate was refused.
    Client(Result<&'a [Identity], &'a Rejected>),
    /// [`SipClientVerifier`](super::SipClientVerifier) with an allow-list: a valid client
    /// certificate whose identities are all outside the list.
    ClientNotAllowed(&'a [Identity]),
    /// [`DaneServerVerifier`](super::DaneServerVerifier): the PKIX + RFC 5922 verdict and the
    /// DANE outcome.
    #[cfg(feature = "dane")]
    Dane {
        pkix: &'a Verdict,
        outcome: &'a DaneOutcome,
    },
}

/// One decision of a verifier: the chain presented, the verdict, the identities, and for
/// DANE the DANE outcome. Given to an [`Observer`].
#[derive(Debug, Clone, Copy)]
pub struct Observation<'a> {
    end_entity: &'a CertificateDer<'a>,
    intermediates: &'a [CertificateDer<'a>],
    server_name: Option<&'a ServerName<'a>>,
    decision: Decision<'a>,
    error: Option<&'a rustls::Error>,
}

impl<'a> Observation<'a> {
    pub(super) fn new(
        end_entity: &'a CertificateDer<'a>,
        intermediates: &'a [CertificateDer<'a>],
        server_name: Option<&'a ServerName<'a>>,
        decision: Decision<'a>,
        error: Option<&'a rustls::Error>,
    ) -> Self {
        Self {
            end_entity,
            intermediates,
            server_name,
            decision,
            error,
        }
    }

    /// Whose certificate was verified: [`Role::Server`] for the server verifiers,
    /// [`Role::Client`] for [`SipClientVerifier`](super::SipClientVerifier).
    pub fn role(&self) -> Role {
        match self.decision {
            Decision::Server(_) => Role::Server,
            #[cfg(feature = "dane")]
            Decision::Dane { .. } => Role::Server,
            Decision::Client(_) | Decision::ClientNotAllowed(_) => Role::Client,
        }
    }

    /// Whether the verifier accepted the certificate (returned success to rustls).
    pub fn is_accepted(&self) -> bool {
        self.error.is_none()
    }

    /// The error the verifier returned to rustls; `None` when it accepted.
    pub fn error(&self) -> Option<&'a rustls::Error> {
        self.error
    }

    /// The end entity certificate presented.
    pub fn end_entity(&self) -> &'a CertificateDer<'a> {
        self.end_entity
    }

    /// The intermediates presented, in the order sent.
    pub fn intermediates(&self) -> &'a [CertificateDer<'a>] {
        self.intermediates
    }

    /// The server name of the connection (the SIP domain); `None` for the client verifier.
    pub fn server_name(&self) -> Option<&'a ServerName<'a>> {
        self.server_name
    }

    /// The PKIX + RFC 5922 verdict of the server verifiers (for DANE, the verdict without the
    /// TLSA records: a DANE-EE accept comes with a reject here); `None` for the client
    /// verifier.
    pub fn verdict(&self) -> Option<&'a Verdict> {
        match self.decision {
            Decision::Server(v) => Some(v),
            #[cfg(feature = "dane")]
            Decision::Dane { pkix, .. } => Some(pkix),
            Decision::Client(_) | Decision::ClientNotAllowed(_) => None,
        }
    }

    /// The PKIX + RFC 5922 rejection with its reasons and hints, when there is one.
    pub fn rejected(&self) -> Option<&'a Rejected> {
        match self.decision {
            Decision::Client(Err(r)) => Some(r),
            Decision::Client(Ok(_)) | Decision::ClientNotAllowed(_) => None,
            Decision::Server(v) => v.rejected(),
            #[cfg(feature = "dane")]
            Decision::Dane { pkix, .. } => pkix.rejected(),
        }
    }

    /// The identity that matched the reference (server verifiers, on a PKIX + RFC 5922
    /// accept).
    pub fn matched(&self) -> Option<&'a MatchedIdentity> {
        self.verdict()
            .and_then(Verdict::accepted)
            .map(crate::verdict::Accepted::matched)
    }

    /// The SIP identities of the end entity, as far as the verifier extracted them.
    pub fn identities(&self) -> &'a [Identity] {
        match self.decision {
            Decision::Client(Ok(ids)) | Decision::ClientNotAllowed(ids) => ids,
            Decision::Client(Err(r)) => r.identities(),
            Decision::Server(v) => v.identities(),
            #[cfg(feature = "dane")]
            Decision::Dane { pkix, .. } => pkix.identities(),
        }
    }

    /// Whether the client verifier refused a valid client certificate because none of its
    /// identities is on the verifier's allow-list.
    pub fn is_not_allowed(&self) -> bool {
        matches!(self.decision, Decision::ClientNotAllowed(_))
    }

    /// The DANE outcome ([`DaneServerVerifier`](super::DaneServerVerifier) only).
    #[cfg(feature = "dane")]
    pub fn dane(&self) -> Option<&'a DaneOutcome> {
        match self.decision {
            Decision::Dane { outcome, .. } => Some(outcome),
            Decision::Server(_) | Decision::Client(_) | Decision::ClientNotAllowed(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use rustls::client::danger::ServerCertVerifier;
    use rustls::server::danger::ClientCertVerifier;
    use rustls::RootCertStore;
    use sipcert_testkit::pki::{now, Ca, CaSpec, LeafSpec};

    use super::*;
    use crate::codes::ReasonCode;
    use crate::domain::DomainName;
    use crate::verifier::{AllowList, SipClientVerifier, SipServerVerifier};

    /// What a test observer keeps of one observation.
    #[derive(Debug, Clone, PartialEq, Eq)]
    struct Seen {
        role: Role,
        accepted: bool,
        chain_len: usize,
        end_entity: Vec<u8>,
        server_name: Option<String>,
        matched: Option<String>,
        identities: Vec<String>,
        reasons: Vec<&'static str>,
        not_allowed: bool,
        dane: Option<&'static str>,
    }

    fn recorder() -> (Observer, Arc<Mutex<Vec<Seen>>>) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        let observer: Observer = Arc::new(move |o: &Observation<'_>| {
            let seen = Seen {
                role: o.role(),
                accepted: o.is_accepted(),
                chain_len: 1 + o.intermediates().len(),
                end_entity: o.end_entity().as_ref().to_vec(),
                server_name: o.server_name().map(|n| n.to_str().into_owned()),
                matched: o.matched().map(|m| m.presented().to_owned()),
                identities: o
                    .identities()
                    .iter()
                    .filter_map(Identity::domain)
                    .map(ToString::to_string)
                    .collect(),
                reasons: o
                    .rejected()
                    .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
                    .unwrap_or_default(),
                not_allowed: o.is_not_allowed(),
                #[cfg(feature = "dane")]
                dane: o.dane().map(|d| d.status().code()),
                #[cfg(not(feature = "dane"))]
                dane: None,
            };
            sink.lock().expect("log").push(seen);
        });
        (observer, log)
    }

    fn provider() -> Arc<rustls::crypto::CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    fn roots(ca: &Ca) -> Arc<RootCertStore> {
        let mut roots = RootCertStore::empty();
        roots.add(ca.der.clone()).expect("root");
        Arc::new(roots)
    }

    fn name(s: &str) -> ServerName<'static> {
        ServerName::try_from(s.to_owned()).expect("server name")
    }

    #[test]
    fn server_observer_sees_accept_and_reject() {
        let root = Ca::root("Root");
        let inter = root.intermediate(CaSpec::new("Inter"));
        let leaf = inter.leaf(LeafSpec::new().dns("example.com"));
        let chain = [inter.der.clone()];
        let (observer, log) = recorder();
        let verifier = SipServerVerifier::builder_with_provider(roots(&root), provider())
            .with_observer(observer)
            .build()
            .expect("verifier");
        let plain = SipServerVerifier::builder_with_provider(roots(&root), provider())
            .build()
            .expect("verifier");
        for host in ["example.com", "other.example"] {
            let with_observer =
                verifier.verify_server_cert(&leaf.der, &chain, &name(host), &[], now());
            let without = plain.verify_server_cert(&leaf.der, &chain, &name(host), &[], now());
            assert_eq!(with_observer.is_ok(), without.is_ok(), "{host}");
            assert_eq!(
                with_observer.err().map(|e| e.to_string()),
                without.err().map(|e| e.to_string()),
                "{host}"
            );
        }
        let log = log.lock().expect("log").clone();
        let accept = Seen {
            role: Role::Server,
            accepted: true,
            chain_len: 2,
            end_entity: leaf.der.as_ref().to_vec(),
            server_name: Some("example.com".to_owned()),
            matched: Some("example.com".to_owned()),
            identities: vec!["example.com".to_owned()],
            reasons: vec![],
            not_allowed: false,
            dane: None,
        };
        let reject = Seen {
            accepted: false,
            server_name: Some("other.example".to_owned()),
            matched: None,
            reasons: vec![ReasonCode::NoMatchingIdentity.code()],
            ..accept.clone()
        };
        assert_eq!(log, [accept, reject]);
    }

    #[test]
    fn server_observer_sees_an_unusable_reference() {
        let root = Ca::root("Root");
        let leaf = root.leaf(LeafSpec::new().dns("example.com"));
        let (observer, log) = recorder();
        let verifier = SipServerVerifier::builder_with_provider(roots(&root), provider())
            .with_observer(observer)
            .build()
            .expect("verifier");
        let ip = ServerName::IpAddress(std::net::Ipv4Addr::LOCALHOST.into());
        assert!(verifier
            .verify_server_cert(&leaf.der, &[], &ip, &[], now())
            .is_err());
        let log = log.lock().expect("log");
        assert_eq!(log.len(), 1);
        assert!(!log[0].accepted);
        assert_eq!(log[0].reasons, [ReasonCode::ReferenceIsIpLiteral.code()]);
    }

    #[test]
    fn client_observer_sees_accept_reject_and_not_allowed() {
        let root = Ca::root("Root");
        let good = root.leaf(LeafSpec::new().dns("client.example"));
        let nameless = root.leaf(LeafSpec::new().email("a@client.example"));
        let (observer, log) = recorder();
        let verifier = SipClientVerifier::builder_with_provider(roots(&root), provider())
            .with_observer(observer.clone())
            .build()
            .expect("verifier");
        assert!(verifier.verify_client_cert(&good.der, &[], now()).is_ok());
        assert!(verifier
            .verify_client_cert(&nameless.der, &[], now())
            .is_err());
        let allowing = |domain: &str| {
            SipClientVerifier::builder_with_provider(roots(&root), provider())
                .allow_only(AllowList::new([DomainName::from_ascii(domain).expect("d")]))
                .with_observer(observer.clone())
                .build()
                .expect("verifier")
        };
        assert!(allowing("client.example")
            .verify_client_cert(&good.der, &[], now())
            .is_ok());
        let refused = allowing("other.example").verify_client_cert(&good.der, &[], now());
        assert!(matches!(
            refused,
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure
            ))
        ));
        let log = log.lock().expect("log").clone();
        let accept = Seen {
            role: Role::Client,
            accepted: true,
            chain_len: 1,
            end_entity: good.der.as_ref().to_vec(),
            server_name: None,
            matched: None,
            identities: vec!["client.example".to_owned()],
            reasons: vec![],
            not_allowed: false,
            dane: None,
        };
        let reject = Seen {
            accepted: false,
            end_entity: nameless.der.as_ref().to_vec(),
            identities: vec![],
            reasons: vec![ReasonCode::NoIdentities.code()],
            ..accept.clone()
        };
        let not_allowed = Seen {
            accepted: false,
            not_allowed: true,
            ..accept.clone()
        };
        assert_eq!(log, [accept.clone(), reject, accept, not_allowed]);
    }

    #[cfg(feature = "dane")]
    #[test]
    fn dane_observer_sees_the_dane_outcome() {
        use sha2::{Digest, Sha256};

        use crate::dane::{TlsaRecord, TlsaSet};
        use crate::verifier::DaneServerVerifier;

        let root = Ca::root("Root");
        let unrelated = Ca::root("Unrelated");
        // Names only the SRV target: PKIX + RFC 5922 rejects it for example.com.
        let leaf = root.leaf(LeafSpec::new().dns("sip1.provider.net"));
        let sha = Sha256::digest(leaf.der.as_ref()).to_vec();
        let sip = SipServerVerifier::builder_with_provider(roots(&unrelated), provider())
            .build()
            .expect("verifier");
        let (observer, log) = recorder();
        for data in [sha, vec![0; 32]] {
            let tlsa = TlsaSet::secure(vec![TlsaRecord::new(3, 0, 1, data)]);
            let verifier = DaneServerVerifier::new(sip.clone(), tlsa.clone(), &provider())
                .with_observer(observer.clone());
            let plain = DaneServerVerifier::new(sip.clone(), tlsa, &provider());
            let with_observer =
                verifier.verify_server_cert(&leaf.der, &[], &name("example.com"), &[], now());
            let without =
                plain.verify_server_cert(&leaf.der, &[], &name("example.com"), &[], now());
            assert_eq!(
                with_observer.map(|_| ()).map_err(|e| e.to_string()),
                without.map(|_| ()).map_err(|e| e.to_string())
            );
        }
        let log = log.lock().expect("log").clone();
        let accepted_by_dane = Seen {
            role: Role::Server,
            accepted: true,
            chain_len: 1,
            end_entity: leaf.der.as_ref().to_vec(),
            server_name: Some("example.com".to_owned()),
            matched: None,
            identities: vec!["sip1.provider.net".to_owned()],
            reasons: log[0].reasons.clone(),
            not_allowed: false,
            dane: Some("authenticated"),
        };
        assert!(!log[0].reasons.is_empty(), "{log:?}");
        let mismatch = Seen {
            accepted: false,
            dane: Some("dane-mismatch"),
            ..accepted_by_dane.clone()
        };
        assert_eq!(log, [accepted_by_dane, mismatch]);
    }
}
