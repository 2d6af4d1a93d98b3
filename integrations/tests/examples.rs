//! The examples run: `rsipstack_client` and `ezk_client` against Kamailio on 127.0.0.1,
//! accepted with an RFC 5922 certificate (exit 0), refused with a host-style one (exit 2,
//! reason and hint codes printed). Skip with a message when Kamailio is missing; fail then
//! under SIPCERT_REQUIRE_INTEROP=1.

mod common;

use std::process::Command;
use std::time::Duration;

use sipcert_interop_tests::harness::{CertFiles, Proc, Scratch};
use sipcert_testkit::programs::{cargo_built, Target};

use common::Pki;

/// Runs example `name` with `args` against a Kamailio presenting `server`: exit code and
/// output.
fn run_example(
    name: &'static str,
    server: fn(&Pki) -> &CertFiles,
    args: fn(&Pki, u16) -> Vec<String>,
) -> Option<(i32, String, String)> {
    let install = common::install()?;
    let scratch = Scratch::new(name);
    let pki = Pki::create(&scratch, common::ALSO);
    let k = common::start_kamailio(
        &install,
        &scratch,
        &pki,
        server(&pki),
        &pki.kamailio_client,
        9,
    );
    let mut cmd = Command::new(cargo_built("sipcert-integrations", Target::Example(name)));
    cmd.args(args(&pki, k.tls.port()));
    let mut run = Proc::spawn_split(cmd, scratch.path(&format!("{name}.out")));
    let code = run
        .wait_exit(Duration::from_secs(30))
        .and_then(|s| s.code())
        .unwrap_or(-1);
    Some((code, run.log(), k.log()))
}

fn rsipstack_args(pki: &Pki, port: u16) -> Vec<String> {
    vec![
        pki.root.display().to_string(),
        format!("sips:example.test:{port}"),
        "127.0.0.1".to_owned(),
    ]
}

fn ezk_args(pki: &Pki, port: u16) -> Vec<String> {
    vec![
        pki.root.display().to_string(),
        format!("sips:localhost:{port};transport=tls"),
    ]
}

#[test]
fn rsipstack_client_example_registers_with_an_rfc5922_server() {
    let Some((code, out, log)) = run_example("rsipstack_client", |p| &p.domain, rsipstack_args)
    else {
        return;
    };
    assert_eq!(code, 0, "{out}\n--- kamailio ---\n{log}");
    assert!(out.contains("OPTIONS") && out.contains("REGISTER"), "{out}");
}

#[test]
fn rsipstack_client_example_prints_the_hint_for_a_host_style_server() {
    let Some((code, out, log)) = run_example("rsipstack_client", |p| &p.host_style, rsipstack_args)
    else {
        return;
    };
    assert_eq!(code, 2, "{out}\n--- kamailio ---\n{log}");
    assert!(
        out.contains("no-matching-identity") && out.contains("hint-host-within-domain"),
        "{out}"
    );
}

#[test]
fn ezk_client_example_registers_with_an_rfc5922_server() {
    let Some((code, out, log)) = run_example("ezk_client", |p| &p.domain, ezk_args) else {
        return;
    };
    assert_eq!(code, 0, "{out}\n--- kamailio ---\n{log}");
}

#[test]
fn ezk_client_example_prints_the_hint_for_a_host_style_server() {
    let Some((code, out, log)) = run_example("ezk_client", |p| &p.host_style, ezk_args) else {
        return;
    };
    assert_eq!(code, 2, "{out}\n--- kamailio ---\n{log}");
    assert!(
        out.contains("no-matching-identity") && out.contains("hint-host-within-domain"),
        "{out}"
    );
}
