//! Shared helpers for integration tests.
#![allow(dead_code, unreachable_pub, missing_docs)]

pub mod pki;
