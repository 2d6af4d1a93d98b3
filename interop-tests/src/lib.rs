//! Interop support for sipcert: the small SIP-over-TLS client and server ([`sip`]) and the
//! process harness that starts Kamailio ([`harness`]), which the
//! interop tests (`tests/`) and the examples (`examples/sip_tls_client.rs`,
//! `examples/sip_tls_server.rs`) run against Kamailio, SIPp and openssl.
//!
//! Test support, not published; the tests skip with a message when a program is missing,
//! unless `SIPCERT_REQUIRE_INTEROP=1`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod harness;
pub mod sip;
