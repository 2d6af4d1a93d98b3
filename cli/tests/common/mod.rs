//! Running the `sipcert` binary from the CLI's integration tests.
#![allow(dead_code)]

use std::process::Command;

use serde_json::Value;

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

/// Runs `sipcert` with these arguments.
///
/// # Panics
/// When the binary cannot be started.
pub fn sipcert(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sipcert"))
        .args(args)
        .output()
        .expect("run sipcert");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `sipcert` run with `--json` in `args`: the exit status and the JSON object.
pub fn json(args: &[&str]) -> (i32, Value) {
    let r = sipcert(args);
    let v = r.json();
    (r.code, v)
}
