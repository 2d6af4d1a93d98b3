//! Programs the tests run: external ones the interop tests talk to (openssl, Kamailio, SIPp),
//! and binaries of this workspace (the `sipcert` CLI, the examples).
//!
//! A missing external program makes the test say so and skip, unless
//! `SIPCERT_REQUIRE_INTEROP=1` (set by `.ci/run`, which installs them), where it fails.
//!
//! A workspace binary is built on demand by [`cargo_built`]: `CARGO_BIN_EXE_<name>` exists
//! only for a package's own binaries, and a test in another package (the interop tests run
//! the CLI) would otherwise find a stale binary, or none when only that test was selected.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::pki::PemPki;

/// The variable that turns a missing external program into a test failure.
pub const REQUIRE_INTEROP: &str = "SIPCERT_REQUIRE_INTEROP";

/// Reports a missing prerequisite `what`: prints `skipping: {what}` so the caller can return
/// early.
///
/// # Panics
/// Under `SIPCERT_REQUIRE_INTEROP=1`, where the interop tests must run.
pub fn skip(what: &str) {
    assert!(
        std::env::var(REQUIRE_INTEROP).as_deref() != Ok("1"),
        "{what} ({REQUIRE_INTEROP}=1: the interop tests must run)"
    );
    eprintln!("skipping: {what}");
}

/// Whether `program args` runs successfully; reports it through [`skip`] when it does not.
///
/// # Panics
/// When the program is missing and `SIPCERT_REQUIRE_INTEROP=1`.
pub fn available(program: &str, args: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!("{program} is not installed"));
    }
    ok
}

/// `program`: the path in the environment variable `override_var` when set, else the first
/// match on `PATH` or in the sbin directories (Kamailio lives in `/usr/sbin`). It does not
/// report a missing program: callers say what to install through [`skip`].
pub fn find(program: &str, override_var: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(override_var) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// A binary target of a workspace package, for [`cargo_built`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A `[[bin]]` target (`cargo build --bin NAME`).
    Bin(&'a str),
    /// An example (`cargo build --example NAME`).
    Example(&'a str),
}

/// The binary `target` of the workspace package `package`, built now with `cargo build` into
/// the target directory and profile of the running test (a no-op when it is up to date), so
/// it is never stale. Built once per test process.
///
/// The running test's executable is `<target-dir>/<profile>/deps/<test>-<hash>`; the binary
/// goes to `<target-dir>/<profile>/<name>` (examples: `…/examples/<name>`). `cargo` is `$CARGO`
/// (set by `cargo test`), else `cargo` on `PATH`. Not supported: cross-compiling with
/// `--target`, whose layout adds a directory.
///
/// # Panics
/// When the test's location is not in a cargo target directory or the build fails (the
/// panic message carries cargo's output).
pub fn cargo_built(package: &str, target: Target<'_>) -> PathBuf {
    static BUILT: OnceLock<Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();
    let key = format!("{package} {target:?}");
    let mut built = BUILT
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(path) = built.get(&key) {
        return path.clone();
    }
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .filter(|deps| deps.file_name().is_some_and(|n| n == "deps"))
        .and_then(Path::parent)
        .unwrap_or_else(|| panic!("{} is not in <target>/<profile>/deps", exe.display()));
    let target_dir = profile_dir.parent().expect("a target directory");
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a profile directory name");
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The variables `cargo test` sets for this test describe this test's package; a nested
    // cargo that inherits them sees another environment than the outer one (build scripts
    // such as ring's rerun on it), and the two would rebuild each other's dependencies.
    for (name, _) in std::env::vars_os() {
        let is_package_var = name.to_str().is_some_and(|n| {
            [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
            ]
            .iter()
            .any(|prefix| n.starts_with(prefix))
                || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"].contains(&n)
        });
        if is_package_var {
            cmd.env_remove(&name);
        }
    }
    cmd.current_dir(crate::repo_root())
        .args(["build", "--quiet", "--package", package, "--target-dir"])
        .arg(target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let (path, name) = match target {
        Target::Bin(name) => {
            cmd.args(["--bin", name]);
            (profile_dir.join(name), name)
        }
        Target::Example(name) => {
            cmd.args(["--example", name]);
            (profile_dir.join("examples").join(name), name)
        }
    };
    let path = path.with_extension(std::env::consts::EXE_EXTENSION);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo to build {name}: {e}"));
    assert!(
        out.status.success(),
        "cargo build of {package} {target:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(path.is_file(), "cargo built no {}", path.display());
    built.insert(key, path.clone());
    path
}

/// A child process killed (and reaped) when dropped, so a failing test leaves no server behind.
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `openssl s_server` on a free loopback port with `pki`'s chain (`chain.pem`,
/// `inter.pem`, `leaf.key`) and the options `extra`; returns once it accepts connections
/// (that readiness connection uses up one of a `-naccept` count).
///
/// # Panics
/// When `openssl` cannot be started or does not accept within five seconds.
pub fn openssl_server(pki: &PemPki, extra: &[&str]) -> (KillOnDrop, u16) {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
        l.local_addr().expect("its address").port()
    };
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .args([
            "-cert",
            &pki.path("chain.pem"),
            "-cert_chain",
            &pki.path("inter.pem"),
            "-key",
            &pki.path("leaf.key"),
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn openssl s_server");
    let guard = KillOnDrop(child);
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (guard, port);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("openssl s_server did not start on port {port}");
}
