//! sipcert inside real Rust SIP stacks: the glue an application writes to make
//! [rsipstack](https://crates.io/crates/rsipstack) and
//! [ezk-sip-core](https://crates.io/crates/ezk-sip-core) authenticate SIP peers by RFC 5922
//! instead of the HTTPS rules of the stock webpki verifier.
//!
//! - [`verdicts`]: an observer for a
//!   [`SipServerVerifier`](sipcert::verifier::SipServerVerifier) that records every refusal (reason and hint codes) where the application can read it, since
//!   neither stack passes the TLS error through to the request that triggered the dial.
//! - [`rsipstack_tls`]: a `rsipstack::platform::tls::TlsConnector` deciding with sipcert, a
//!   static domain resolver for tests, and connection reuse by RFC 5923 rules
//!   ([`sipcert::reuse::ReuseTable`]) instead of by address.
//! - [`ezk_tls`]: the `tokio_rustls::TlsConnector` / `TlsAcceptor` ezk asks the application
//!   for, the acceptor's verifier authorizing clients by their SIP domain (an allow-list).
//!
//! Not published: examples and tests of the integration (`examples/`, `tests/`), and the
//! code `docs/integrating.md` explains.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod ezk_tls;
pub mod rsipstack_tls;
pub mod verdicts;

use std::sync::Arc;

/// rustls's `ring` provider, the one both stacks are built with here.
pub fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}
