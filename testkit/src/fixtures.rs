//! The committed fixture corpus (`fixtures/`): its directory, `manifest.json`, and the
//! manifest's field formats. The case table that generates it is [`crate::fixture_cases`].

use std::path::PathBuf;
use std::time::Duration;

use rustls::pki_types::UnixTime;
use serde_json::Value;

use crate::pki::Date;

/// The `fixtures/` directory of the repository.
pub fn dir() -> PathBuf {
    crate::repo_root().join("fixtures")
}

/// The committed `fixtures/manifest.json`.
pub fn manifest() -> Value {
    let path = dir().join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()))
}

/// A JSON array of strings (reason codes, hints, policy flags, file names); empty when the
/// value is absent or not an array.
///
/// # Panics
/// When an element is not a string.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().expect("string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A verification time `YYYY-MM-DDTHH:MM:SSZ` (a case's `at`, the CLI's `--at`).
///
/// # Panics
/// When `at` is not in that form or is before 1970.
pub fn parse_at(at: &str) -> UnixTime {
    let b = at.as_bytes();
    assert!(
        b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z',
        "at {at:?}: expected YYYY-MM-DDTHH:MM:SSZ"
    );
    let n = |r: std::ops::Range<usize>| -> u64 {
        at[r].parse().unwrap_or_else(|e| panic!("at {at:?}: {e}"))
    };
    let small = |r: std::ops::Range<usize>| u8::try_from(n(r)).expect("two digits");
    let year = i32::try_from(n(0..4)).expect("four digits");
    let midnight = Date(year, small(5..7), small(8..10)).unix().as_secs();
    let secs = midnight + n(11..13) * 3600 + n(14..16) * 60 + n(17..19);
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}
