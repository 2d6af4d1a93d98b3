//! Replays every checked-in fuzz seed (`fuzz/seeds/<target>/*`) through the same check
//! functions the cargo-fuzz targets run, so stable CI covers the seeds and every regression
//! input without nightly or libFuzzer.

use std::path::PathBuf;

use sipcert_testkit::fuzz_checks;

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
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
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

#[test]
fn identity_der() {
    replay("identity_der");
}

#[test]
fn identity_model() {
    replay("identity_model");
}

/// Writes the generated certificate seeds of `identity_der` (run by hand after changing them:
/// `cargo test --test fuzz_replay -- --ignored write_identity_seeds`).
#[test]
#[ignore = "writes seed files"]
fn write_identity_seeds() {
    use sipcert_testkit::pki::{self, Leaf};
    let ip = std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    let seeds: [(&str, Leaf); 6] = [
        (
            "gen-uri-sipdomain",
            Leaf::sans(vec![pki::uri("sip:Example.COM"), pki::dns("other.example")])
                .eku(vec![pki::SIP_DOMAIN]),
        ),
        (
            "gen-dns-serverauth",
            Leaf::sans(vec![pki::dns("example.com."), pki::dns("*.example.com")])
                .eku(vec![pki::SERVER_AUTH]),
        ),
        (
            "gen-cn-only",
            Leaf::default().cn("other.example").cn("example.com"),
        ),
        (
            "gen-user-uri",
            Leaf::sans(vec![
                pki::uri("sip:alice@example.com"),
                pki::dns("sip.example.com"),
            ]),
        ),
        ("gen-empty-san", Leaf::sans(vec![]).cn("example.com")),
        (
            "gen-ip",
            Leaf::sans(vec![
                pki::ip(ip),
                pki::uri("sip:192.0.2.1"),
                pki::email("a@example.com"),
            ])
            .eku(vec![pki::CODE_SIGNING]),
        ),
    ];
    for (name, leaf) in seeds {
        let path = seeds_dir().join("identity_der").join(format!("{name}.der"));
        std::fs::write(&path, leaf.der()).expect("seed written");
    }
}

#[test]
fn stir_identity() {
    replay("stir_identity");
}

#[test]
fn stir_tnauthlist() {
    replay("stir_tnauthlist");
}

#[test]
fn stir_claim_constraints() {
    replay("stir_claim_constraints");
}

#[test]
fn stir_rfc4474() {
    replay("stir_rfc4474");
}
