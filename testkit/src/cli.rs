//! Running the `sipcert` binary (package `sipcert-cli`) and reading what it printed.
//!
//! The CLI's own tests pass `env!("CARGO_BIN_EXE_sipcert")`; tests in other packages pass
//! [`built`].

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::programs::{cargo_built, Target};

/// What one `sipcert` run produced.
#[derive(Debug)]
pub struct Run {
    /// Exit status (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output as the one JSON object `--json` promises.
    ///
    /// # Panics
    /// When standard output is not one JSON value.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not one JSON object: {e}: {}{}", self.stdout, self.stderr))
    }

    /// Both streams, for failure messages.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The `sipcert` binary, built for a test outside the `sipcert-cli` package (see
/// [`cargo_built`]).
pub fn built() -> PathBuf {
    cargo_built("sipcert-cli", Target::Bin("sipcert"))
}

/// Runs the `sipcert` binary `exe` with these arguments.
///
/// # Panics
/// When the binary cannot be started.
pub fn run(exe: impl AsRef<Path>, args: &[&str]) -> Run {
    let exe = exe.as_ref();
    let out = Command::new(exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", exe.display()));
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
