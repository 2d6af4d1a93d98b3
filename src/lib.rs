//! # sipcert: RFC 5922 certificate identity for SIP over TLS
//!
//! SIP's TLS story has three conflicting rules: RFC 3261 told servers to put their *host
//! name* in the certificate, RFC 3263 resolves a *SIP domain* through NAPTR/SRV to some
//! other host, and RFC 5922 finally said that a client compares the **SIP domain of the URI
//! it resolved** with the certificate's SIP domain identities. sipcert implements RFC 5922
//! end to end:
//!
//! - [`uri`]: a strict, zero-copy RFC 3261 SIP/SIPS URI parser (with RFC 5954 addresses);
//! - [`DomainName`]: a validated, normalized DNS name (the only thing RFC 5922 compares);
//! - [`chain`]: path validation on webpki with a SIP path EKU rule, CRLs, and CA name
//!   constraints applied to every SIP identity (URI host, DNS, CN);
//! - [`reuse`]: the RFC 5923 connection-reuse (alias) table;
//! - [`verifier`]: rustls `ServerCertVerifier` / `ClientCertVerifier` adapters.
//!
//! ```
//! use sipcert::uri::SipUri;
//!
//! let aus = SipUri::parse("sips:alice@Example.COM:5061;transport=tcp")?;
//! // The reference identity is the host of the AUS, normalized; never the SRV target.
//! assert_eq!(aus.reference_domain()?.as_str(), "example.com");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    unused_must_use,
    elided_lifetimes_in_paths,
    rust_2018_idioms
)]
#![warn(clippy::pedantic, clippy::use_self)]
#![allow(
    clippy::module_name_repetitions,
    clippy::must_use_candidate,
    clippy::missing_errors_doc,
    clippy::doc_markdown
)]

pub mod chain;
pub mod danger;
mod domain;
pub mod eku;
pub mod identity;
mod policy;
pub mod reuse;
pub mod uri;
mod verdict;
pub mod verifier;

pub use domain::{DomainName, DomainNameError};
pub use eku::{EkuAcceptance, EkuError};
pub use identity::{
    extract_identities, ExtractError, Identities, Identity, IdentityName, IdentitySource,
    IgnoreReason, IgnoredName, IgnoredSource,
};
pub use policy::{EkuMode, Policy, Role};
pub use verdict::{
    check_end_entity, Accepted, Hint, HintNote, MatchedIdentity, Reason, ReasonCode, Reference,
    Rejected, Relaxation, Verdict, Via,
};
