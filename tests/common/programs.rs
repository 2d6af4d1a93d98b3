//! External programs the interop tests talk to (openssl, …).
//!
//! A missing program makes the test say so and skip, unless `SIPCERT_REQUIRE_INTEROP=1`
//! (set by `.ci/run`, which installs them), where it fails.

use std::process::Command;

/// Whether `program args` runs successfully; prints a skip notice when it does not.
///
/// # Panics
/// When the program is missing and `SIPCERT_REQUIRE_INTEROP=1`.
pub fn available(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("SIPCERT_REQUIRE_INTEROP").as_deref() != Ok("1"),
            "SIPCERT_REQUIRE_INTEROP=1 but {program} is not installed"
        );
        eprintln!("skipping: {program} is not installed");
    }
    ok
}
