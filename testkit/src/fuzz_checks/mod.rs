//! Fuzz-target logic shared by the cargo-fuzz package (`fuzz/`) and the stable replay test
//! (`tests/fuzz_replay.rs`), so there is one copy of each check. Every function panics on a
//! violated invariant and returns normally otherwise.

pub mod domain;
pub mod identity;
pub mod round_trip;
pub mod stir;
pub mod uri;

/// Whether `part` is a sub-slice of `whole` (same allocation, by address), not just equal text.
pub fn within(whole: &str, part: &str) -> bool {
    let w = whole.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    p >= w && p + part.len() <= w + whole.len()
}

/// The byte offset of the sub-slice `part` in `whole`.
pub fn offset_in(whole: &str, part: &str) -> usize {
    assert!(within(whole, part), "{part:?} is not inside {whole:?}");
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// A check function on raw fuzz input.
pub type Check = fn(&[u8]);

/// The targets and their check functions, for replaying `fuzz/seeds/<target>/*`.
pub const TARGETS: &[(&str, Check)] = &[
    ("uri_str", uri::check_str_bytes),
    ("uri_bytes", uri::check_bytes),
    ("name_addr", uri::check_name_addr_bytes),
    ("domain_name", domain::check_bytes),
    ("round_trip", round_trip::check_bytes),
    ("identity_der", identity::check_der),
    ("identity_model", identity::check_model_bytes),
    ("stir_identity", stir::check_identity),
    ("stir_tnauthlist", stir::check_tn_auth_list),
    ("stir_claim_constraints", stir::check_claim_constraints),
    ("stir_rfc4474", stir::check_rfc4474),
];
