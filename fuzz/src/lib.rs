//! The fuzz targets' logic. It lives in the main crate's test tree
//! (`tests/fuzz_checks/`), where `tests/fuzz_replay.rs` replays the checked-in seeds through
//! the same functions on stable Rust; this crate only includes it.

#[path = "../../tests/fuzz_checks/mod.rs"]
pub mod checks;
