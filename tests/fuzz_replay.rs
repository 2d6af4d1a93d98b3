//! Replays every checked-in fuzz seed (`fuzz/seeds/<target>/*`) through the same check
//! functions the cargo-fuzz targets run, so stable CI covers the seeds and every regression
//! input without nightly or libFuzzer.

mod fuzz_checks;

use std::path::PathBuf;

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds")
}

fn files(target: &str) -> Vec<PathBuf> {
    let dir = seeds_dir().join(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

fn replay(target: &str) {
    let (_, check) = fuzz_checks::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no check function for target {target}"));
    let files = files(target);
    assert!(!files.is_empty(), "no seeds for {target}");
    for path in files {
        let data = std::fs::read(&path).expect("seed readable");
        eprintln!("replaying {}", path.display());
        check(&data);
    }
}

/// Every seed directory has a check function and every target has seeds.
#[test]
fn seed_dirs_match_targets() {
    let mut dirs: Vec<String> = std::fs::read_dir(seeds_dir())
        .expect("fuzz/seeds exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let mut targets: Vec<String> = fuzz_checks::TARGETS
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .collect();
    targets.sort();
    assert_eq!(dirs, targets);
}

#[test]
fn uri_str() {
    replay("uri_str");
}

#[test]
fn uri_bytes() {
    replay("uri_bytes");
}

#[test]
fn name_addr() {
    replay("name_addr");
}

#[test]
fn domain_name() {
    replay("domain_name");
}

#[test]
fn round_trip() {
    replay("round_trip");
}
