//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub, missing_docs)] // each test binary uses a different subset

pub mod conformance;
pub mod corpus;
pub mod fixture_cases;
pub mod pki;
pub mod programs;
