//! Builders for rustls's built-in crypto providers (crate features `ring` and `aws-lc-rs`).
//!
//! The library enables no provider of its own; these only save writing
//! `Arc::new(rustls::crypto::ring::default_provider())`.

#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
use std::sync::Arc;

#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
use rustls::RootCertStore;

#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
use super::{
    SipClientVerifier, SipClientVerifierBuilder, SipServerVerifier, SipServerVerifierBuilder,
};

#[cfg(feature = "ring")]
impl SipServerVerifier {
    /// [`SipServerVerifier::builder_with_provider`] with rustls's `ring` provider.
    pub fn builder_with_ring(roots: Arc<RootCertStore>) -> SipServerVerifierBuilder {
        Self::builder_with_provider(roots, Arc::new(rustls::crypto::ring::default_provider()))
    }
}

#[cfg(feature = "ring")]
impl SipClientVerifier {
    /// [`SipClientVerifier::builder_with_provider`] with rustls's `ring` provider.
    pub fn builder_with_ring(roots: Arc<RootCertStore>) -> SipClientVerifierBuilder {
        Self::builder_with_provider(roots, Arc::new(rustls::crypto::ring::default_provider()))
    }
}

#[cfg(feature = "aws-lc-rs")]
impl SipServerVerifier {
    /// [`SipServerVerifier::builder_with_provider`] with rustls's `aws-lc-rs` provider.
    pub fn builder_with_aws_lc_rs(roots: Arc<RootCertStore>) -> SipServerVerifierBuilder {
        Self::builder_with_provider(
            roots,
            Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
        )
    }
}

#[cfg(feature = "aws-lc-rs")]
impl SipClientVerifier {
    /// [`SipClientVerifier::builder_with_provider`] with rustls's `aws-lc-rs` provider.
    pub fn builder_with_aws_lc_rs(roots: Arc<RootCertStore>) -> SipClientVerifierBuilder {
        Self::builder_with_provider(
            roots,
            Arc::new(rustls::crypto::aws_lc_rs::default_provider()),
        )
    }
}
