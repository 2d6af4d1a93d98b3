//! sipcert inside real C SIP stacks, against Kamailio on loopback: the user agents under
//! `ffi/examples/` are compiled with the system `cc` against the static library of this
//! build and the stack's own development package (`pkg-config --cflags --libs libre`), under
//! AddressSanitizer with leak detection (valgrind where LeakSanitizer cannot run), and run
//! against Kamailio presenting
//!
//! - an RFC 5922 certificate (`URI:sip:example.test`): OPTIONS and REGISTER answered 200;
//! - an RFC 3261 host-style one (`DNS:sip.example.test`): refused in the handshake, before
//!   any SIP is sent (Kamailio logs no request), the application printing
//!   `no-matching-identity` and `hint-host-within-domain`;
//! - an expired one: refused with `chain-expired`;
//! - the RFC 5922 certificate, for a request to another SIP domain (`sips:other.test`):
//!   refused with `no-matching-identity` (the reference is the request's domain);
//!
//! and the libre TLS listener with Kamailio as its TLS client, presenting a client certificate
//! with a SIP identity (`URI:sip:kamailio.test`: authorized, 200) and without one
//! (`URI:sip:relay@kamailio.test`: refused in the handshake with `no-identities`).
//!
//! Skips, saying so, without a C compiler, the stack's headers, the OpenSSL headers or
//! Kamailio, unless `SIPCERT_REQUIRE_INTEROP=1`.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sipcert_interop_tests::harness::{
    kamailio, udp_exchange, CertFiles, Kamailio, KamailioConfig, KamailioInstall, Proc, Scratch,
};
use sipcert_testkit::pki::{pem, Ca, Date, LeafSpec};
use sipcert_testkit::programs;

mod common;
use common::{cc, lsan_works};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
const INCLUDE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include");
const KAMAILIO_CFG: &str = include_str!("stacks/kamailio.cfg.in");
const TLS_CFG: &str = include_str!("stacks/tls.cfg.in");

/// The SIP domain Kamailio serves, and the Request-URI the user agents send to.
const AOR: &str = "sips:example.test";

/// `<target>/<profile>/deps/libsipcert_ffi.a`, built with this test.
fn static_lib() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let lib = exe
        .parent()
        .expect("<target>/<profile>/deps")
        .join("libsipcert_ffi.a");
    assert!(lib.is_file(), "{} is missing", lib.display());
    lib
}

/// `pkg-config --cflags --libs package`, or `None` (after the skip message) when the
/// package's development files are missing.
fn pkg_config(package: &str, install: &str) -> Option<Vec<String>> {
    let out = Command::new("pkg-config")
        .args(["--cflags", "--libs", package])
        .output();
    match out {
        Ok(o) if o.status.success() => Some(
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        ),
        _ => {
            programs::skip(&format!(
                "pkg-config finds no {package} (Debian: apt-get install {install} pkg-config)"
            ));
            None
        }
    }
}

/// A compiled user agent: `ffi/examples/<stack>/<name>.c` linked with the static library
/// and `pkg-config --libs <package>`, with AddressSanitizer when LeakSanitizer works here.
/// Deleted when dropped (it holds the library's debug information: about 30 MB).
#[derive(Debug)]
struct Agent {
    exe: PathBuf,
    asan: bool,
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.exe);
    }
}

fn build_agent(stack: &str, name: &str, flags: &[String], libs: &[&str]) -> Agent {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sipcert-c-stacks");
    std::fs::create_dir_all(&dir).expect("create the build directory");
    let asan = lsan_works(&dir);
    let exe = dir.join(name);
    let mut cmd = Command::new(cc());
    cmd.args(["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(INCLUDE_DIR)
        .arg(Path::new(EXAMPLES).join(stack).join(format!("{name}.c")));
    if asan {
        cmd.args(["-fsanitize=address", "-fno-omit-frame-pointer"]);
    }
    cmd.arg(static_lib())
        .args(flags)
        .args(libs)
        .args(["-lpthread", "-ldl", "-lm", "-Wl,--gc-sections", "-o"])
        .arg(&exe);
    let o = cmd.output().expect("run cc");
    assert!(
        o.status.success(),
        "compiling {stack}/{name}.c failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    Agent { exe, asan }
}

/// What one run of a user agent gave: exit code, stdout, stderr.
#[derive(Debug)]
struct Run {
    code: i32,
    out: String,
    err: String,
}

impl Agent {
    /// The command that runs the agent under AddressSanitizer (leaks included), or
    /// valgrind (exit status 99 on an error) when LeakSanitizer does not work here.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = if self.asan {
            Command::new(&self.exe)
        } else {
            let mut c = Command::new("valgrind");
            c.args([
                "--quiet",
                "--leak-check=full",
                "--errors-for-leak-kinds=definite,indirect",
                "--error-exitcode=99",
            ])
            .arg(&self.exe);
            c
        };
        cmd.args(args)
            .env("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1");
        cmd
    }

    /// Runs the agent ([`Agent::command`]); a sanitizer report fails the test.
    fn run(&self, args: &[&str]) -> Run {
        let o = self.command(args).output().expect("run the user agent");
        let run = Run {
            code: o.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&o.stdout).into_owned(),
            err: String::from_utf8_lossy(&o.stderr).into_owned(),
        };
        assert!(
            !run.err.contains("Sanitizer") && run.code != 99,
            "{} {args:?}: a sanitizer report:\n{}",
            self.exe.display(),
            run.err
        );
        run
    }
}

/// The test PKI: one root; Kamailio's server certificates in three shapes; Kamailio's
/// client certificates with a SIP identity (`URI:sip:kamailio.test`) and without one
/// (`URI:sip:relay@kamailio.test`, a user part: RFC 5922 §7.1); the libre listener's.
#[derive(Debug)]
struct Pki {
    root: PathBuf,
    domain: CertFiles,
    host_style: CertFiles,
    expired: CertFiles,
    kamailio_client: CertFiles,
    user_part_client: CertFiles,
    listener: CertFiles,
}

impl Pki {
    fn create(scratch: &Scratch) -> Self {
        let ca = Ca::root("sipcert C stacks test root");
        let leaf = |name: &str, spec: LeafSpec| CertFiles::write(scratch, name, &ca.leaf(spec));
        Self {
            root: scratch.write("root.pem", pem("CERTIFICATE", &ca.der)),
            domain: leaf("domain", LeafSpec::new().uri("sip:example.test")),
            host_style: leaf("host-style", LeafSpec::new().dns("sip.example.test")),
            expired: leaf(
                "expired",
                LeafSpec::new()
                    .uri("sip:example.test")
                    .validity(Date(2020, 1, 1), Date(2021, 1, 1)),
            ),
            kamailio_client: leaf("kamailio-client", LeafSpec::new().uri("sip:kamailio.test")),
            user_part_client: leaf(
                "user-part-client",
                LeafSpec::new().uri("sip:relay@kamailio.test"),
            ),
            listener: leaf("listener", LeafSpec::new().uri("sip:peer.test")),
        }
    }
}

fn start_kamailio(
    install: &KamailioInstall,
    scratch: &Scratch,
    pki: &Pki,
    server: &CertFiles,
    client: &CertFiles,
    relay_port: u16,
) -> Kamailio {
    Kamailio::start(
        install,
        scratch,
        &KamailioConfig {
            cfg_template: KAMAILIO_CFG,
            tls_template: TLS_CFG,
            server,
            client,
            ca: &pki.root,
            relay_port,
            ready_uri: "sip:example.test",
        },
    )
}

/// Which certificate Kamailio presents, and what the user agent must report.
#[derive(Debug)]
struct Case {
    name: &'static str,
    /// The Request-URI, whose host is the reference.
    aor: &'static str,
    server: fn(&Pki) -> &CertFiles,
    code: i32,
    lines: [&'static str; 2],
    /// Whether Kamailio receives the two requests.
    sip_sent: bool,
}

/// One server certificate per case; the refused ones must be refused before any SIP.
fn client_cases() -> Vec<Case> {
    vec![
        Case {
            name: "rfc5922",
            aor: AOR,
            server: |p| &p.domain,
            code: 0,
            lines: ["OPTIONS: 200 OK", "REGISTER: 200 OK"],
            sip_sent: true,
        },
        Case {
            name: "rfc3261-host-style",
            aor: AOR,
            server: |p| &p.host_style,
            code: 1,
            lines: [
                "OPTIONS: refused by sipcert: no-matching-identity hint-host-within-domain (chain: valid)",
                "REGISTER: refused by sipcert: no-matching-identity hint-host-within-domain (chain: valid)",
            ],
            sip_sent: false,
        },
        Case {
            name: "expired",
            aor: AOR,
            server: |p| &p.expired,
            code: 1,
            lines: [
                "OPTIONS: refused by sipcert: chain-expired (chain: chain-expired)",
                "REGISTER: refused by sipcert: chain-expired (chain: chain-expired)",
            ],
            sip_sent: false,
        },
        // The same server and address, a request for another SIP domain: the reference is
        // the request's domain, not the server connected to.
        Case {
            name: "other-domain",
            aor: "sips:other.test",
            server: |p| &p.domain,
            code: 1,
            lines: [
                "OPTIONS: refused by sipcert: no-matching-identity (chain: valid)",
                "REGISTER: refused by sipcert: no-matching-identity (chain: valid)",
            ],
            sip_sent: false,
        },
    ]
}

/// Runs `agent` (`CA HOST:PORT sips:example.test`) against Kamailio presenting each case's
/// certificate; `stderr_has` must appear in what the agent writes to stderr on every run.
fn check_client(stack: &str, agent: &Agent, install: &KamailioInstall, stderr_has: &str) {
    for case in client_cases() {
        let scratch = Scratch::new(&format!("{stack}-{}", case.name));
        let pki = Pki::create(&scratch);
        let k = start_kamailio(
            install,
            &scratch,
            &pki,
            (case.server)(&pki),
            &pki.kamailio_client,
            1,
        );
        let root = pki.root.display().to_string();
        let run = agent.run(&[&root, &k.tls.to_string(), case.aor]);
        // Kamailio logs what it received; give it a moment to write the last line.
        let logged = |method: &str| {
            k.proc.wait_log(
                &format!("REQUEST {method} {} from tls:", case.aor),
                Duration::from_secs(if case.sip_sent { 5 } else { 1 }),
            )
        };
        let label = format!(
            "{stack} against Kamailio with the {} certificate (exit {}):\n{}{}\n--- kamailio ---\n{}",
            case.name,
            run.code,
            run.out,
            run.err,
            k.log()
        );
        assert_eq!(run.out.lines().collect::<Vec<_>>(), case.lines, "{label}");
        assert_eq!(run.code, case.code, "{label}");
        assert_eq!(logged("OPTIONS"), case.sip_sent, "{label}");
        assert_eq!(logged("REGISTER"), case.sip_sent, "{label}");
        if case.sip_sent {
            // A registration: the REGISTER carries a binding.
            let log = k.log();
            let register = log
                .lines()
                .find(|l| l.contains("REQUEST REGISTER"))
                .unwrap_or_default();
            assert!(
                register.contains("contact=<sip") && register.contains("transport=tls"),
                "{label}: REGISTER without a TLS Contact: {register}"
            );
        }
        assert!(
            run.err.contains(stderr_has),
            "{label}: {stderr_has:?} not logged"
        );
        if case.code == 1 {
            // The application also has sipcert's one-paragraph message.
            assert!(run.err.contains("sipcert: "), "{label}");
        }
    }
}

/// The C compiler, the OpenSSL headers and Kamailio; `None` after the skip message.
fn prerequisites() -> Option<KamailioInstall> {
    let probe = Command::new(cc()).arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        programs::skip("no working C compiler (`cc`, or $CC)");
        return None;
    }
    pkg_config("openssl", "libssl-dev")?;
    kamailio()
}

#[test]
fn libre_user_agent_verifies_kamailio_through_sipcert() {
    let Some(install) = prerequisites() else {
        return;
    };
    let Some(flags) = pkg_config("libre", "libre-dev") else {
        return;
    };
    let agent = build_agent("libre", "sipcert_libre_ua", &flags, &["-lssl", "-lcrypto"]);
    check_client("libre", &agent, &install, "");
}

#[test]
fn bellesip_user_agent_verifies_kamailio_through_sipcert() {
    let Some(install) = prerequisites() else {
        return;
    };
    let Some(flags) = pkg_config("belle-sip", "libbellesip-dev") else {
        return;
    };
    let agent = build_agent("belle-sip", "sipcert_bellesip_ua", &flags, &["-lbctoolbox"]);
    // mbedTLS calls the callback from the top of the chain it built (the root from the CA
    // file, depth 1) down to the server's certificate (depth 0), where sipcert decides.
    check_client(
        "belle-sip",
        &agent,
        &install,
        "verify callback depths: 1,0\n",
    );
}

/// The libre listener with Kamailio as its TLS client: Kamailio relays an OPTIONS for
/// `sip:peer.test` with `client`, and the listener, serving the peer domain
/// `kamailio.test`, authorizes or refuses it.
fn relay_to_libre_listener(
    agent: &Agent,
    install: &KamailioInstall,
    client: fn(&Pki) -> &CertFiles,
    name: &str,
) -> (Option<u16>, Run, String) {
    let scratch = Scratch::new(&format!("libre-listener-{name}"));
    let pki = Pki::create(&scratch);
    let key_file = scratch.write(
        "listener-cert-and-key.pem",
        [&pki.listener.cert, &pki.listener.key]
            .map(|p| std::fs::read_to_string(p).expect("read PEM"))
            .concat(),
    );
    let port_file = scratch.path("listener.port");
    let path = |p: &Path| p.display().to_string();
    let mut listener = Proc::spawn_split(
        agent.command(&[
            &path(&pki.root),
            &path(&key_file),
            &path(&port_file),
            "kamailio.test",
        ]),
        scratch.path("listener.out"),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let port = loop {
        if let Some(port) = std::fs::read_to_string(&port_file)
            .ok()
            .and_then(|p| p.trim().parse::<u16>().ok())
        {
            break port;
        }
        assert!(
            Instant::now() < deadline && listener.exited().is_none(),
            "the libre listener did not start:\n{}",
            listener.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let k = start_kamailio(install, &scratch, &pki, &pki.domain, client(&pki), port);
    let sock = UdpSocket::bind("127.0.0.1:0").expect("udp");
    let response = udp_exchange(&sock, k.udp, "sip:peer.test", Duration::from_secs(8))
        .ok()
        .and_then(|r| r.status_code());
    let status = listener.wait_exit(Duration::from_secs(10));
    let log = listener.log();
    let out = std::fs::read_to_string(scratch.path("listener.out")).unwrap_or_default();
    let run = Run {
        code: status.and_then(|s| s.code()).unwrap_or(-1),
        err: log
            .strip_prefix(out.as_str())
            .unwrap_or_default()
            .to_owned(),
        out,
    };
    assert!(
        !run.err.contains("Sanitizer") && run.code != 99,
        "the libre listener: a sanitizer report:\n{}",
        run.err
    );
    (response, run, k.log())
}

#[test]
fn libre_listener_authorizes_kamailio_by_its_sip_identity() {
    let Some(install) = prerequisites() else {
        return;
    };
    let Some(flags) = pkg_config("libre", "libre-dev") else {
        return;
    };
    let agent = build_agent(
        "libre",
        "sipcert_libre_server",
        &flags,
        &["-lssl", "-lcrypto"],
    );

    let (response, run, kamailio) =
        relay_to_libre_listener(&agent, &install, |p| &p.kamailio_client, "sip-identity");
    let label = format!(
        "URI:sip:kamailio.test (exit {}):\n{}{}\n--- kamailio ---\n{kamailio}",
        run.code, run.out, run.err
    );
    assert_eq!(response, Some(200), "{label}");
    assert_eq!(
        run.out.lines().collect::<Vec<_>>(),
        [
            "client authorized: kamailio.test (san-uri)",
            "request OPTIONS from kamailio.test: 200"
        ],
        "{label}"
    );
    assert_eq!(run.code, 0, "{label}");

    let (response, run, kamailio) =
        relay_to_libre_listener(&agent, &install, |p| &p.user_part_client, "no-identity");
    let label = format!(
        "URI:sip:relay@kamailio.test (exit {}):\n{}{}\n--- kamailio ---\n{kamailio}",
        run.code, run.out, run.err
    );
    assert!(
        response.is_some_and(|c| c >= 400),
        "{label}: Kamailio answered {response:?}"
    );
    assert_eq!(
        run.out.lines().collect::<Vec<_>>(),
        ["client: refused by sipcert: no-identities hint-user-part-uri-would-match (chain: valid)"],
        "{label}"
    );
    assert_eq!(run.code, 1, "{label}");
}
