//! Running this package's `sipcert` binary from the CLI's integration tests, and the test
//! PKI and TLS server configuration the probe tests share.
#![allow(dead_code)]

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use sipcert_testkit::cli::Run;
use sipcert_testkit::pki::{LeafSpec, PemPki};
use sipcert_testkit::provider;

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

/// `sipcert` run with `--json` in `args`, lenient: the exit status, the JSON object
/// (`Null` when stdout is none) and the whole output for messages.
pub(crate) fn run<S: AsRef<str>>(args: &[S]) -> (i32, Value, String) {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let r = sipcert(&args);
    let v = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    (r.code, v, r.output())
}

/// A test PKI in a scratch folder named `name`, whose leaf is `sip:example.com`.
pub(crate) fn example_pki(name: &str) -> PemPki {
    PemPki::new(name, LeafSpec::new().uri("sip:example.com"), false)
}

/// `probe --json AUS --connect 127.0.0.1:PORT --roots <pki's root>`, then `extra`.
pub(crate) fn probe_local(aus: &str, port: u16, pki: &PemPki, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["probe", "--json", aus, "--connect"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    args.push(format!("127.0.0.1:{port}"));
    args.push("--roots".to_owned());
    args.push(pki.path("root.pem"));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

/// A rustls server configuration presenting `pki`'s chain (`chain.pem`, `leaf.key`).
pub(crate) fn server_config(pki: &PemPki) -> rustls::ServerConfig {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(pki.path("chain.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(pki.path("leaf.key")).unwrap();
    rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap()
}

/// `sipcert ARGS` with `stdin` as its standard input: the exit status, stdout and stderr.
pub(crate) fn sipcert_stdin(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipcert"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts that `promtool check metrics` (Debian's `prometheus`) accepts `text`; skips (or,
/// under `SIPCERT_REQUIRE_INTEROP=1`, fails) without promtool.
pub(crate) fn promtool_check(text: &str) {
    use sipcert_testkit::programs;
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Some(promtool) = programs::find("promtool", "SIPCERT_PROMTOOL") else {
        programs::skip("promtool is not installed (Debian package prometheus)");
        return;
    };
    let mut check = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    check
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = check.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
