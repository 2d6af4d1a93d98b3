//! Test support for sipcert, shared by the integration tests, the examples, the benches, the
//! CLI's tests, the interop tests and the cargo-fuzz targets (it is not published).
//!
//! - [`pki`]: certificates and small PKIs (rcgen, plus hand-built DER rcgen cannot express);
//! - [`handshake`]: an in-memory rustls handshake between a client and a server connection;
//! - [`http`]: a small HTTP(S) server on loopback for the tests that fetch `x5u` chains;
//! - [`programs`]: external programs (skip with a message, or fail under
//!   `SIPCERT_REQUIRE_INTEROP=1`) and binaries of this workspace built by cargo;
//! - [`cli`]: running the `sipcert` binary;
//! - [`corpus`]: the external test corpus in `../shared/corpus` (`SIPCERT_REQUIRE_CORPUS=1`);
//! - [`fixtures`]: the committed fixture corpus (`fixtures/manifest.json`);
//! - [`fixture_cases`], [`conformance`]: the case table that generates it, and its report;
//! - [`fuzz_checks`]: the fuzz targets' check functions;
//! - [`provider`], [`rejected`], [`reason_codes`]: the crypto provider every test uses, and
//!   sipcert's rejection inside a rustls error.
//!
//! Paths to repository files are taken from this crate's manifest directory ([`repo_root`]),
//! never from the current directory of the test that runs.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Test support: a failed setup step (key generation, signing, I/O on a scratch file) is a
// failed test, so these functions panic instead of returning errors.
#![allow(clippy::missing_panics_doc)]

pub mod cli;
pub mod conformance;
pub mod corpus;
pub mod fixture_cases;
pub mod fixtures;
pub mod fuzz_checks;
pub mod handshake;
pub mod http;
pub mod pki;
pub mod programs;
pub mod stir;

use std::path::PathBuf;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::{CertificateError, Error, OtherError};
use sipcert::{Rejected, Verdict};

/// The repository root (the `sipcert` package's directory), from this crate's location, so
/// that `fixtures/`, `fuzz/seeds/` and `../shared/corpus` resolve whatever the current
/// directory is.
pub fn repo_root() -> PathBuf {
    let kit = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    kit.parent().map_or(kit.clone(), PathBuf::from)
}

/// The crypto provider of every test: rustls's `ring` provider.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The sipcert [`Rejected`] inside a rustls error, when a sipcert verifier refused the peer's
/// certificate (it travels as `CertificateError::Other`); `None` for any other error, such as
/// a chain error rustls reports with its own `CertificateError` variant.
pub fn rejected(e: &Error) -> Option<&Rejected> {
    match e {
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<Rejected>()
        }
        _ => None,
    }
}

/// A verdict as codes, for tables and failure messages: `accept` or `reject`, the reason
/// codes, the hint codes and the relaxation codes, each in order.
pub fn verdict_codes(v: &Verdict) -> (String, Vec<String>, Vec<String>, Vec<String>) {
    match v {
        Verdict::Accept(a) => (
            "accept".into(),
            Vec::new(),
            Vec::new(),
            a.relaxations()
                .iter()
                .map(|r| r.code().to_owned())
                .collect(),
        ),
        Verdict::Reject(r) => (
            "reject".into(),
            r.reasons()
                .iter()
                .map(|x| x.code().code().to_owned())
                .collect(),
            r.hints()
                .iter()
                .map(|h| h.code().code().to_owned())
                .collect(),
            Vec::new(),
        ),
    }
}

/// The reason codes of the sipcert rejection inside a rustls error, in order (empty when
/// [`rejected`] finds none).
pub fn reason_codes(e: &Error) -> Vec<&'static str> {
    rejected(e)
        .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
        .unwrap_or_default()
}
