//! Locates `shared/corpus` (../shared/corpus from the crate root).
//!
//! When it is absent the test prints that it skips and returns, unless
//! `SIPCERT_REQUIRE_CORPUS=1`, in which case it panics.

use std::path::PathBuf;

/// The corpus directory, or `None` (after printing a skip notice) when it is absent.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("SIPCERT_REQUIRE_CORPUS").as_deref() != Ok("1"),
        "{test}: corpus directory {} is missing and SIPCERT_REQUIRE_CORPUS=1",
        dir.display()
    );
    println!(
        "{test}: skipped, corpus directory {} not found",
        dir.display()
    );
    None
}
