//! # sipcert: RFC 5922 certificate identity for SIP over TLS
//!
//! SIP's TLS story has three conflicting rules: RFC 3261 told servers to put their *host
//! name* in the certificate, RFC 3263 resolves a *SIP domain* through NAPTR/SRV to some
//! other host, and RFC 5922 finally said that a client compares the **SIP domain of the URI
//! it resolved** with the certificate's SIP domain identities: `sip:` URI subjectAltNames
//! without a user part, else DNS subjectAltNames, else (only with no SAN extension at all)
//! the CN, compared exactly. sipcert implements it end to end:
//!
//! - [`uri`]: a strict, zero-copy RFC 3261 SIP/SIPS URI parser (with RFC 5954 addresses),
//!   name-addr values, and §19.1.4 URI equivalence;
//! - [`DomainName`]: a validated, normalized DNS name (the only thing RFC 5922 compares);
//! - [`extract_identities`] (RFC 5922 §7.1) and [`check_end_entity`] (§7.2 and the RFC 5924
//!   EKU policy): a [`Verdict`] that names the matched identity and every relaxation used, or
//!   the [`ReasonCode`]s, near-miss [`Hint`]s and ignored names of a rejection;
//! - [`chain`]: path validation on webpki with a SIP path EKU rule, CRLs, and CA name
//!   constraints applied to every SIP identity (URI host, DNS, CN);
//! - [`verifier`]: rustls `ServerCertVerifier` / `ClientCertVerifier` adapters;
//! - [`reuse`]: the RFC 5923 connection-reuse (alias) table;
//! - [`danger`]: relaxations a careful deployment should not need (wildcards);
//! - [`encoding`]: PEM or DER, one rule for telling certificate inputs apart;
//! - [`time`]: Unix seconds as RFC 3339 UTC, for messages.
//!
//! The core (URI, identities, matching, EKU, chain) has no rustls trait types; the library
//! enables no crypto provider: it takes an `Arc<CryptoProvider>` (features `ring` and
//! `aws-lc-rs` add `builder_with_ring` / `builder_with_aws_lc_rs`).
//!
//! ```
//! use sipcert::uri::SipUri;
//! use sipcert::{check_end_entity, Policy, Reference, Role, Verdict};
//!
//! // The AUS: the URI that was fed to RFC 3263. Its host is the reference identity,
//! // whatever SRV target or IP address the connection went to.
//! let aus = SipUri::parse("sips:alice@Atlanta.COM;transport=tcp")?;
//! let reference = Reference::from_sip_uri(&aus)?;
//!
//! // A certificate in the RFC 3261 style: it names a host inside the SIP domain.
//! let mut params = rcgen::CertificateParams::new(vec!["sip.atlanta.com".to_owned()])?;
//! params.distinguished_name = rcgen::DistinguishedName::new();
//! let cert = params.self_signed(&rcgen::KeyPair::generate()?)?;
//!
//! match check_end_entity(cert.der(), &reference, Role::Server, &Policy::default()) {
//!     Verdict::Accept(a) => panic!("RFC 5922 has no suffix match, yet: {a:?}"),
//!     Verdict::Reject(r) => {
//!         assert_eq!(r.reasons()[0].code().code(), "no-matching-identity");
//!         assert_eq!(r.hints()[0].code().code(), "hint-host-within-domain");
//!         // One readable paragraph for the operator, naming the rule and the RFC section.
//!         assert!(r.to_string().contains("RFC 5922 §7.2"));
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! In a SIP stack, plug [`verifier::SipServerVerifier`] into a rustls `ClientConfig` and
//! create each connection with [`verifier::server_name_for`] the request's AUS: SNI then
//! carries the SIP domain (RFC 5922 §7.8) and the certificate is checked against it.
//!
//! # Crate features
//!
//! - `ring`: `SipServerVerifier::builder_with_ring`, `SipClientVerifier::builder_with_ring`.
//! - `aws-lc-rs`: the same with rustls's `aws-lc-rs` provider.
//! - `json`: the `json` module, verdicts and identities as the command line's JSON objects.
//! - `native-roots`: `verifier::system_roots()`, the operating system's trust store.
//! - `dane`: the `dane` module (TLSA matching, RFC 6698/7671/7673, pure, no DNS) and
//!   `verifier::DaneServerVerifier`.
//! - `dns`: the `resolve` module, RFC 3263 server location with DNSSEC (hickory-resolver);
//!   implies `dane`.
//! - `stir`: the `stir` module, STIR/SHAKEN Identity headers (RFC 8224, 8225, 8226, 8588):
//!   parse, verify against a caller-supplied certificate chain, sign; pure, no network.

// The rest of the lint wall is `[workspace.lints]` in the root Cargo.toml.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod chain;
mod codes;
#[cfg(feature = "dane")]
pub mod dane;
pub mod danger;
mod der;
mod domain;
mod eku;
pub mod encoding;
mod identity;
#[cfg(feature = "json")]
pub mod json;
mod matching;
mod policy;
mod reference;
#[cfg(feature = "dns")]
pub mod resolve;
pub mod reuse;
#[cfg(feature = "stir")]
pub mod stir;
pub mod time;
pub mod uri;
mod verdict;
pub mod verifier;
mod warning;

pub use chain::decision::check_end_entity;
pub use codes::{Hint, ReasonCode, Relaxation, Via, WarningCode};
pub use domain::{DomainName, DomainNameError};
pub use eku::{
    client_eku_warning, evaluate_eku, EkuAcceptance, EkuError, EKU_ANY, EKU_CLIENT_AUTH,
    EKU_SERVER_AUTH, EKU_SIP_DOMAIN,
};
pub use identity::{
    extract_identities, ExtractError, Identities, Identity, IdentityName, IdentitySource,
    IgnoreReason, IgnoredName, IgnoredSource,
};
pub use policy::{EkuMode, Policy, Role};
pub use reference::text::ReferenceTextError;
pub use reference::{AusError, Reference};
pub use verdict::{Accepted, ChainCheck, HintNote, MatchedIdentity, Reason, Rejected, Verdict};
pub use warning::{
    warning_header, WarnAgentError, MAX_WARN_AGENT_LEN, MAX_WARN_TEXT_LEN, WARN_CODE,
};
