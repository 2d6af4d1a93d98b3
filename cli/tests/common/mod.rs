//! Running this package's `sipcert` binary from the CLI's integration tests.
#![allow(dead_code)]

use serde_json::Value;
use sipcert_testkit::cli::Run;

/// Runs `sipcert` with these arguments.
pub(crate) fn sipcert(args: &[&str]) -> Run {
    sipcert_testkit::cli::run(env!("CARGO_BIN_EXE_sipcert"), args)
}

/// `sipcert` run with `--json` in `args`: the exit status and the JSON object.
pub(crate) fn json(args: &[&str]) -> (i32, Value) {
    let r = sipcert(args);
    let v = r.json();
    (r.code, v)
}
