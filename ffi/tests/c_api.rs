//! The C API, from C: the programs under `tests/c/` are compiled with the system `cc` against
//! the static library of this build (`<target>/<profile>/deps/libsipcert_ffi.a`) and run, plainly
//! and under AddressSanitizer with LeakSanitizer (or, where LeakSanitizer cannot run,
//! valgrind):
//!
//! - `corpus.c`: every row of `fixtures/manifest.json` through the C API agrees with the Rust
//!   library's verdict (the same `check --json` object, codes, matched identity, and the
//!   identities and ignored names through the typed accessors) and with the manifest;
//! - `bad_input.c`: null pointers, zero and huge lengths, non-UTF-8 and empty references,
//!   garbage DER, out-of-range indexes: each its own error code, never a crash;
//! - `openssl_client.c`: an OpenSSL client built from `ffi/README.md`'s verify callback and
//!   per-domain session cache (that README's blocks are extracted and compiled), against
//!   `openssl s_server`: an RFC 5922 certificate is accepted, an RFC 3261 host-style one and
//!   a wrong SIP domain are refused with bad_certificate(42) at the server (not
//!   internal_error(80)), a connection without a SIP domain with handshake_failure(40), and a
//!   session is resumed only for the SIP domain it was made for;
//! - `ffi/install.sh` into a temporary prefix: the SONAME, and `bad_input.c` linked with
//!   `pkg-config --cflags --libs sipcert` (shared) and `--static`.
//!
//! Skips, saying so, when there is no C compiler, no OpenSSL headers or no `openssl`
//! program, unless `SIPCERT_REQUIRE_INTEROP=1`.
#![allow(clippy::too_many_lines)] // table-like test code

use std::fmt::Write as _;
use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor, UnixTime};
use serde_json::Value;
use sipcert::chain::ChainVerifier;
use sipcert::uri::SipUri;
use sipcert::{DomainName, EkuMode, Policy, Reference, Role, Verdict};
use sipcert_testkit::fixtures::{self, parse_at, strings};
use sipcert_testkit::programs;

mod common;
use common::{cc, lsan_works};

const C_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/c");
const INCLUDE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include");

/// `<target>/<profile>`, where cargo put this package's static library.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent()
        .and_then(Path::parent)
        .expect("<target>/<profile>/deps/<test>")
        .to_path_buf()
}

fn work_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sipcert-ffi-c");
    std::fs::create_dir_all(&dir).expect("create the C test directory");
    dir
}

/// Whether `cc` compiles and links a program including `header` (with `libs`).
fn compiles(header: &str, libs: &[&str]) -> bool {
    let dir = work_dir();
    let src = dir.join(format!("probe-{}.c", header.replace(['/', '.'], "_")));
    std::fs::write(
        &src,
        format!("#include <{header}>\nint main(void) {{ return 0; }}\n"),
    )
    .expect("write probe");
    Command::new(cc())
        .arg(&src)
        .arg("-o")
        .arg(src.with_extension("out"))
        .args(libs)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The prerequisites: a C compiler and the static library; `None` (after reporting the
/// skip) when missing.
fn toolchain() -> Option<PathBuf> {
    static READY: OnceLock<Option<PathBuf>> = OnceLock::new();
    READY
        .get_or_init(|| {
            if !compiles("stdio.h", &[]) {
                programs::skip("no working C compiler (`cc`, or $CC)");
                return None;
            }
            // `cargo test` builds the library (every crate type) into deps/ and does not
            // copy it up to <profile>/, where a `cargo build` of another day may have left
            // a stale one.
            let lib = profile_dir().join("deps").join("libsipcert_ffi.a");
            assert!(
                lib.is_file(),
                "{} is missing: the sipcert-ffi staticlib is built with the tests",
                lib.display()
            );
            Some(lib)
        })
        .clone()
}

/// Whether the OpenSSL headers and libraries are there (`libssl-dev`).
fn openssl_dev() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        let ok = compiles("openssl/ssl.h", &["-lssl", "-lcrypto"]);
        if !ok {
            programs::skip("OpenSSL headers missing (install libssl-dev)");
        }
        ok
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Build {
    Plain,
    Asan,
}

/// The directory of one build's programs and data (tests run in parallel).
fn build_dir(build: Build) -> PathBuf {
    let dir = work_dir().join(format!("{build:?}"));
    std::fs::create_dir_all(&dir).expect("create the build directory");
    dir
}

/// A compiled C test program, deleted when dropped (it is rebuilt for every run and holds
/// the library's debug information: tens of megabytes).
struct Program(PathBuf);

impl Drop for Program {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl std::ops::Deref for Program {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

/// Compiles `tests/c/<name>.c` against the static library; for [`Build::Asan`] with
/// AddressSanitizer, or plainly (for valgrind) when LeakSanitizer does not work here.
fn compile(lib: &Path, name: &str, build: Build, libs: &[&str]) -> Program {
    let out = build_dir(build).join(name);
    let mut cmd = Command::new(cc());
    cmd.args([
        "-std=c11",
        "-D_POSIX_C_SOURCE=200809L",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-g",
    ])
    .arg("-I")
    .arg(INCLUDE_DIR)
    .arg("-I")
    .arg(build_dir(build))
    .arg(Path::new(C_DIR).join(format!("{name}.c")));
    if build == Build::Asan && lsan_works(&work_dir()) {
        cmd.args(["-fsanitize=address", "-fno-omit-frame-pointer"]);
    }
    cmd.arg(lib)
        .args(libs)
        .args([
            "-lpthread",
            "-ldl",
            "-lm",
            "-lrt",
            "-lutil",
            "-Wl,--gc-sections",
        ])
        .arg("-o")
        .arg(&out);
    let o = cmd.output().expect("run cc");
    assert!(
        o.status.success(),
        "compiling {name}.c ({build:?}) failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    Program(out)
}

/// Runs `exe args`; under [`Build::Asan`] with leak detection, or under valgrind when
/// LeakSanitizer does not work here. Fails on a non-zero exit; returns stdout.
fn run(exe: &Path, args: &[&str], build: Build) -> String {
    run_with_stderr(exe, args, build).0
}

/// [`run`], returning stdout and stderr.
fn run_with_stderr(exe: &Path, args: &[&str], build: Build) -> (String, String) {
    let mut cmd = if build == Build::Asan && !lsan_works(&work_dir()) {
        let mut c = Command::new("valgrind");
        c.args([
            "--quiet",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=1",
        ])
        .arg(exe);
        c
    } else {
        Command::new(exe)
    };
    cmd.args(args)
        .env("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1");
    let o: Output = cmd.output().expect("run the C test");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && !stderr.contains("Sanitizer"),
        "{} {args:?} ({build:?}) failed ({}):\n{stderr}",
        exe.display(),
        o.status
    );
    (
        String::from_utf8(o.stdout).expect("UTF-8 output"),
        stderr.into_owned(),
    )
}

// ---------------------------------------------------------------------------------------
// The fixture corpus.

fn der_certs(rel: &str) -> Vec<CertificateDer<'static>> {
    let path = fixtures::dir().join(rel);
    CertificateDer::pem_file_iter(&path)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{rel}: bad PEM: {e}"))
}

fn der_crls(rel: &str) -> Vec<CertificateRevocationListDer<'static>> {
    let path = fixtures::dir().join(rel);
    CertificateRevocationListDer::pem_file_iter(&path)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{rel}: bad PEM: {e}"))
}

/// The policy for a row's CLI flags, and the same flags as `corpus.c` letters.
fn policy(flags: &[String], id: &str) -> (Policy, String, String) {
    let mut policy = Policy::default();
    let mut letters = String::new();
    let mut srv = "-".to_owned();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        policy = match flag.as_str() {
            "--no-cn-fallback" => {
                letters.push('n');
                policy.cn_fallback(false)
            }
            "--require-sip-uri" => {
                letters.push('u');
                policy.require_sip_uri(true)
            }
            "--allow-ip-literals" => {
                letters.push('i');
                policy.allow_ip_literals(true)
            }
            "--danger-allow-wildcards" => {
                letters.push('w');
                sipcert::danger::allow_wildcards(policy)
            }
            "--secure-srv-target" => {
                let target = it.next().expect("--secure-srv-target HOST");
                srv.clone_from(target);
                policy.with_secure_srv_target(DomainName::from_user_input(target).unwrap())
            }
            "--eku" => match it.next().map(String::as_str) {
                Some("rfc5924") => {
                    letters.push('r');
                    policy.with_eku_mode(EkuMode::Rfc5924)
                }
                Some("compatible") => policy.with_eku_mode(EkuMode::Compatible),
                other => panic!("{id}: --eku {other:?}"),
            },
            other => panic!("{id}: policy flag {other:?} is not known to this test"),
        };
    }
    if letters.is_empty() {
        letters.push('-');
    }
    (policy, letters, srv)
}

/// What `corpus.c` prints for one case, computed with the Rust library.
fn expected_line(
    id: &str,
    verdict: &Verdict,
    identities: &Result<sipcert::Identities, sipcert::ExtractError>,
) -> String {
    let join = |v: Vec<&str>| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(",")
        }
    };
    let (reasons, hints, relaxations, name, source) = match verdict {
        Verdict::Accept(a) => (
            "-".to_owned(),
            "-".to_owned(),
            join(a.relaxations().iter().map(|r| r.code()).collect()),
            a.matched().name().to_string(),
            a.matched().source().code().to_owned(),
        ),
        Verdict::Reject(r) => (
            join(r.reasons().iter().map(|x| x.code().code()).collect()),
            join(r.hints().iter().map(|h| h.code().code()).collect()),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
        ),
    };
    let chain_checked = match verdict {
        Verdict::Accept(a) => a.chain() == sipcert::ChainCheck::Validated,
        Verdict::Reject(r) => r.chain() == sipcert::ChainCheck::Validated,
    };
    let ids = match identities {
        Ok(ids) => serde_json::json!({
            "identities": sipcert::json::identities(ids.identities()),
            "ignored": sipcert::json::ignored(ids.ignored()),
        })
        .to_string(),
        Err(_) => "SIPCERT_CERT_MALFORMED".to_owned(),
    };
    // What corpus.c prints through the typed accessors (control bytes as \xNN).
    let text = |s: &str| {
        s.chars().fold(String::new(), |mut out, c| {
            if u32::from(c) < 0x20 {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            } else {
                out.push(c);
            }
            out
        })
    };
    let semi = |v: Vec<String>| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(";")
        }
    };
    let typed_ids = semi(
        verdict
            .identities()
            .iter()
            .map(|i| format!("{}/{}", text(&i.name().to_string()), i.source().code()))
            .collect(),
    );
    let typed_ignored = semi(
        verdict
            .ignored()
            .iter()
            .map(|n| {
                format!(
                    "{}/{}/{}",
                    text(n.value()),
                    n.source().code(),
                    n.reason().code()
                )
            })
            .collect(),
    );
    format!(
        "{id}\t{}\t{}\t{}\t{reasons}\t{hints}\t{relaxations}\t{name}\t{source}\t{}\t{typed_ids}\t{typed_ignored}\t{ids}",
        if verdict.is_accept() {
            "accept"
        } else {
            "reject"
        },
        verdict.chain_status(),
        u8::from(chain_checked),
        sipcert::json::verdict(verdict),
    )
}

/// Writes the plan for `corpus.c` and computes the Rust side's lines.
fn corpus_plan(build: Build) -> (PathBuf, Vec<String>) {
    let manifest = fixtures::manifest();
    let cases = manifest["cases"].as_array().expect("cases");
    assert!(cases.len() >= 40, "the manifest has {} rows", cases.len());
    let dir = build_dir(build).join("corpus-data");
    std::fs::create_dir_all(&dir).expect("corpus dir");
    let now_secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let mut plan = String::new();
    let mut expected = Vec::new();
    for case in cases {
        let s = |k: &str| case.get(k).and_then(Value::as_str);
        let id = s("id").expect("id");
        let files = &case["files"];
        let write = |name: String, der: &[u8]| -> String {
            let p = dir.join(format!("{id}-{name}.der"));
            std::fs::write(&p, der).expect("write DER");
            p.to_str().expect("UTF-8 path").to_owned()
        };
        let chain = der_certs(files["chain"].as_str().expect("files.chain"));
        let chain_paths: Vec<_> = chain
            .iter()
            .enumerate()
            .map(|(i, c)| write(format!("chain{i}"), c.as_ref()))
            .collect();
        let root = files["root"].as_str().map(|r| {
            let mut roots = der_certs(r);
            assert_eq!(roots.len(), 1, "{id}: one root");
            roots.remove(0)
        });
        let crls: Vec<_> = strings(&files["crls"])
            .iter()
            .flat_map(|r| der_crls(r))
            .collect();
        let crl_paths: Vec<_> = crls
            .iter()
            .enumerate()
            .map(|(i, c)| write(format!("crl{i}"), c.as_ref()))
            .collect();
        let (reference_text, reference) = match (s("aus"), s("domain")) {
            (Some(aus), None) => {
                let uri = SipUri::parse(aus).unwrap_or_else(|e| panic!("{id}: {aus}: {e}"));
                (
                    aus,
                    Reference::from_sip_uri(&uri).unwrap_or_else(|e| panic!("{id}: {e}")),
                )
            }
            (None, Some(d)) => (
                d,
                d.parse::<IpAddr>().map_or_else(
                    |_| Reference::Domain(DomainName::from_user_input(d).unwrap()),
                    Reference::Ip,
                ),
            ),
            _ => panic!("{id}: exactly one of aus and domain"),
        };
        let (role, role_code) = match s("role") {
            Some("server") => (Role::Server, 0),
            Some("client") => (Role::Client, 1),
            other => panic!("{id}: role {other:?}"),
        };
        let (policy, letters, srv) = policy(&strings(&case["policy"]), id);
        let at = s("at").map_or(now_secs, |a| parse_at(a).as_secs());
        let verdict = match &root {
            Some(root) => {
                let anchor: TrustAnchor<'static> = webpki::anchor_from_trusted_cert(root)
                    .unwrap_or_else(|e| panic!("{id}: root: {e:?}"))
                    .to_owned();
                let algorithms = rustls::crypto::ring::default_provider()
                    .signature_verification_algorithms
                    .all;
                ChainVerifier::new(algorithms, [anchor])
                    .with_crls(crls.iter().cloned())
                    .unwrap_or_else(|e| panic!("{id}: CRL: {e}"))
                    .check(
                        &chain[0],
                        &chain[1..],
                        UnixTime::since_unix_epoch(Duration::from_secs(at)),
                        &reference,
                        role,
                        &policy,
                    )
            }
            None => sipcert::check_end_entity(chain[0].as_ref(), &reference, role, &policy),
        };
        // The Rust verdict is the manifest's (so that agreement is not agreement on a bug).
        let want = s("expected").expect("expected");
        assert_eq!(
            if verdict.is_accept() {
                "accept"
            } else {
                "reject"
            },
            want,
            "{id}: Rust verdict {verdict:?}"
        );
        if let Verdict::Reject(r) = &verdict {
            let codes: Vec<_> = r
                .reasons()
                .iter()
                .map(|x| x.code().code().to_owned())
                .collect();
            assert_eq!(codes, strings(&case["reasons"]), "{id}: reasons");
        }
        let identities = sipcert::extract_identities(chain[0].as_ref(), &policy);
        expected.push(expected_line(id, &verdict, &identities));
        let root_path = root.map_or_else(|| "-".to_owned(), |r| write("root".to_owned(), &r));
        let list = |v: &[String]| {
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.join(",")
            }
        };
        writeln!(
            plan,
            "{id}\t{role_code}\t{reference_text}\t{at}\t{letters}\t{srv}\t{}\t{root_path}\t{}",
            list(&chain_paths),
            list(&crl_paths)
        )
        .expect("write to a String");
    }
    let path = dir.join("plan.tsv");
    std::fs::write(&path, plan).expect("write plan");
    (path, expected)
}

fn check_corpus(build: Build) {
    let Some(lib) = toolchain() else { return };
    let (plan, expected) = corpus_plan(build);
    let exe = compile(&lib, "corpus", build, &[]);
    let out = run(&exe, &[plan.to_str().expect("UTF-8 path")], build);
    let got: Vec<_> = out.lines().collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "one line per manifest row:\n{out}"
    );
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(*g, e.as_str(), "C API (left) and Rust (right) disagree");
    }
}

#[test]
fn corpus_through_the_c_api_agrees_with_rust() {
    check_corpus(Build::Plain);
}

#[test]
fn corpus_through_the_c_api_under_asan() {
    check_corpus(Build::Asan);
}

// ---------------------------------------------------------------------------------------
// Bad input.

fn fixture_der(rel: &str, build: Build) -> PathBuf {
    let der = der_certs(rel).remove(0);
    let p = build_dir(build).join(format!("{}.der", rel.replace('/', "-")));
    std::fs::write(&p, der.as_ref()).expect("write DER");
    p
}

fn check_bad_input(build: Build) {
    let Some(lib) = toolchain() else { return };
    let leaf = fixture_der("rfc5922-sip-uri/chain.pem", build);
    let root = fixture_der("rfc5922-sip-uri/root.pem", build);
    let exe = compile(&lib, "bad_input", build, &[]);
    let out = run(
        &exe,
        &[leaf.to_str().expect("path"), root.to_str().expect("path")],
        build,
    );
    assert_eq!(out.trim(), "bad_input: ok");
}

#[test]
fn bad_input_from_c() {
    check_bad_input(Build::Plain);
}

#[test]
fn bad_input_from_c_under_asan() {
    check_bad_input(Build::Asan);
}

// ---------------------------------------------------------------------------------------
// Installed into a prefix (`ffi/install.sh`) and linked with pkg-config, as a C developer
// without cargo-c would: the shared library's SONAME, the program's NEEDED entry, and the
// static library with `pkg-config --static`.

/// The dynamic section entries of kind `tag` (`SONAME`, `NEEDED`) of an ELF file, by
/// `readelf -d`.
fn dynamic_entries(file: &Path, tag: &str) -> Vec<String> {
    let o = Command::new("readelf")
        .arg("-d")
        .arg(file)
        .output()
        .expect("run readelf (binutils, installed with the C compiler)");
    assert!(o.status.success(), "readelf -d {}", file.display());
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.contains(&format!("({tag})")))
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_owned()))
        .collect()
}

fn pkg_config(pc_dir: &Path, args: &[&str]) -> Vec<String> {
    let o = Command::new("pkg-config")
        .args(args)
        .arg("sipcert")
        .env("PKG_CONFIG_PATH", pc_dir)
        .output()
        .expect("run pkg-config");
    assert!(
        o.status.success(),
        "pkg-config {args:?} sipcert:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn installed_library_links_with_pkg_config() {
    let Some(lib) = toolchain() else { return };
    if !programs::available("pkg-config", &["--version"]) {
        return;
    }
    let deps = lib.parent().expect("deps/");
    let prefix = work_dir().join("prefix");
    let _ = std::fs::remove_dir_all(&prefix);
    let o = Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--build-dir")
        .arg(deps)
        .output()
        .expect("run ffi/install.sh");
    assert!(
        o.status.success(),
        "install.sh failed:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let libdir = prefix.join("lib");
    let major = env!("CARGO_PKG_VERSION_MAJOR");
    let soname = format!("libsipcert.so.{major}");
    let real = libdir.join(format!("libsipcert.so.{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(
        dynamic_entries(&real, "SONAME"),
        std::slice::from_ref(&soname)
    );
    assert_eq!(
        std::fs::read_link(libdir.join(&soname)).expect("libsipcert.so.MAJOR link"),
        Path::new(real.file_name().expect("file name"))
    );
    assert!(libdir.join("libsipcert.so").exists());
    assert!(libdir.join("libsipcert.a").is_file());
    assert!(prefix.join("include/sipcert.h").is_file());

    let pc_dir = libdir.join("pkgconfig");
    assert_eq!(
        pkg_config(&pc_dir, &["--modversion"]),
        [env!("CARGO_PKG_VERSION")]
    );
    let flags = pkg_config(&pc_dir, &["--cflags", "--libs"]);
    assert!(
        flags.contains(&"-lsipcert".to_owned()),
        "pkg-config flags: {flags:?}"
    );
    let leaf = fixture_der("rfc5922-sip-uri/chain.pem", Build::Plain);
    let root = fixture_der("rfc5922-sip-uri/root.pem", Build::Plain);
    let args = [leaf.to_str().expect("path"), root.to_str().expect("path")];
    let src = Path::new(C_DIR).join("bad_input.c");
    let cc_args = [
        "-std=c11",
        "-D_POSIX_C_SOURCE=200809L",
        "-Wall",
        "-Wextra",
        "-Werror",
    ];

    // Shared: `cc prog.c $(pkg-config --cflags --libs sipcert)`; only the installed header
    // is on the include path.
    let shared = Program(work_dir().join("pkg-config-shared"));
    let o = Command::new(cc())
        .args(cc_args)
        .arg(&src)
        .arg("-o")
        .arg(&*shared)
        .args(&flags)
        .output()
        .expect("run cc");
    assert!(
        o.status.success(),
        "cc bad_input.c $(pkg-config --cflags --libs sipcert):\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        dynamic_entries(&shared, "NEEDED")
            .into_iter()
            .filter(|n| n.starts_with("libsipcert"))
            .collect::<Vec<_>>(),
        [soname],
        "the program must depend on the versioned name"
    );
    let o = Command::new(&*shared)
        .args(args)
        .env("LD_LIBRARY_PATH", &libdir)
        .output()
        .expect("run the pkg-config program");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "bad_input: ok");

    // Static: the archive plus `pkg-config --static`'s Libs.private, no runtime dependency.
    let private: Vec<_> = pkg_config(&pc_dir, &["--static", "--libs"])
        .into_iter()
        .filter(|f| f != "-lsipcert")
        .collect();
    let fixed = Program(work_dir().join("pkg-config-static"));
    let o = Command::new(cc())
        .args(cc_args)
        .arg(&src)
        .arg("-o")
        .arg(&*fixed)
        .args(pkg_config(&pc_dir, &["--cflags"]))
        .arg(libdir.join("libsipcert.a"))
        .args(&private)
        .arg("-Wl,--gc-sections")
        .output()
        .expect("run cc");
    assert!(
        o.status.success(),
        "cc bad_input.c libsipcert.a $(pkg-config --static --libs sipcert):\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(dynamic_entries(&fixed, "NEEDED")
        .iter()
        .all(|n| !n.starts_with("libsipcert")));
    assert_eq!(run(&fixed, &args, Build::Plain).trim(), "bad_input: ok");
}

// ---------------------------------------------------------------------------------------
// OpenSSL client with a verify callback, against `openssl s_server`.

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server` presenting the fixture `name` (leaf, then intermediate), its stderr
/// (where it logs the alerts it receives) in a file; waits until it accepts.
fn s_server(name: &str, log: &Path) -> (KillOnDrop, u16) {
    let dir = fixtures::dir().join(name);
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let chain = dir.join("chain.pem");
    let child = Command::new("openssl")
        .arg("s_server")
        .args(["-accept", &format!("127.0.0.1:{port}")])
        .arg("-cert")
        .arg(&chain)
        .arg("-cert_chain")
        .arg(&chain)
        .arg("-key")
        .arg(dir.join("leaf.key"))
        .arg("-quiet")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("create the s_server log"))
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

/// The TLS alerts `openssl s_server` logged as received ("SSL alert number N"), waiting up
/// to five seconds for `want` of them (and a moment more, for one too many).
fn alerts_received(log: &Path, want: usize) -> Vec<u8> {
    let read = || -> Vec<u8> {
        std::fs::read_to_string(log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once("SSL alert number ")?.1.trim().parse().ok())
            .collect()
    };
    for _ in 0..50 {
        if read().len() >= want {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));
    read()
}

/// `ffi/README.md`'s C blocks marked `<!-- compiled by ffi/tests/c_api.rs: NAME -->`, written to
/// `NAME.c` in the build directory, where `openssl_client.c` includes them.
fn readme_blocks(build: Build) {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("ffi/README.md");
    let mut found = Vec::new();
    let mut rest = readme.as_str();
    while let Some((_, after)) = rest.split_once("<!-- compiled by ffi/tests/c_api.rs: ") {
        let (name, after) = after.split_once(" -->").expect("marker end");
        let code = after
            .trim_start()
            .strip_prefix("```c\n")
            .unwrap_or_else(|| panic!("ffi/README.md: a ```c block must follow the {name} marker"));
        let (code, after) = code
            .split_once("\n```")
            .expect("ffi/README.md: the block ends");
        std::fs::write(
            build_dir(build).join(format!("{name}.c")),
            format!("{code}\n"),
        )
        .expect("write the README block");
        found.push(name.to_owned());
        rest = after;
    }
    assert_eq!(
        found,
        ["readme_verify_cb", "readme_sessions"],
        "ffi/README.md C blocks"
    );
}

/// One run of `openssl_client`: the server's fixture, the session cache mode, the SIP
/// domains connected in order, and what is expected: one line per connection, what the
/// client logs (sipcert's codes), and the alerts the server receives.
struct Scenario {
    fixture: &'static str,
    mode: &'static str,
    domains: &'static [&'static str],
    lines: &'static [&'static str],
    logged: &'static [&'static str],
    alerts: &'static [u8],
}

const SCENARIOS: &[Scenario] = &[
    // RFC 5922 certificate: accepted; a session made for atlanta.com is not offered to
    // biloxi.com (rejected, bad_certificate(42), not internal_error(80)), and is resumed
    // for atlanta.com again.
    Scenario {
        fixture: "rfc5922-sip-uri",
        mode: "by-domain",
        domains: &["atlanta.com", "biloxi.com", "atlanta.com"],
        lines: &[
            "atlanta.com: handshake ok, resumed 0, verify: ok",
            "biloxi.com: handshake failed, resumed 0, verify: certificate rejected",
            "atlanta.com: handshake ok, resumed 1, verify: ok",
        ],
        logged: &["no-matching-identity"],
        alerts: &[42],
    },
    // What ffi/README.md warns about: sessions keyed by address. biloxi.com resumes
    // atlanta.com's session; the callback does not run and biloxi.com is "authenticated".
    Scenario {
        fixture: "rfc5922-sip-uri",
        mode: "by-address",
        domains: &["atlanta.com", "biloxi.com"],
        lines: &[
            "atlanta.com: handshake ok, resumed 0, verify: ok",
            "biloxi.com: handshake ok, resumed 1, verify: ok",
        ],
        logged: &[],
        alerts: &[],
    },
    // RFC 3261 host-style certificate: rejected with the reason and the hint.
    Scenario {
        fixture: "rfc3261-host-style",
        mode: "by-domain",
        domains: &["atlanta.com"],
        lines: &["atlanta.com: handshake failed, resumed 0, verify: certificate rejected"],
        logged: &["no-matching-identity", "hint-host-within-domain"],
        alerts: &[42],
    },
    // No SIP domain on the connection: the callback refuses (handshake_failure(40)).
    Scenario {
        fixture: "rfc5922-sip-uri",
        mode: "by-domain",
        domains: &["-"],
        lines: &["-: handshake failed, resumed 0, verify: application verification failure"],
        logged: &[],
        alerts: &[40],
    },
];

fn check_openssl(build: Build) {
    let Some(lib) = toolchain() else { return };
    if !openssl_dev() || !programs::available("openssl", &["version"]) {
        return;
    }
    readme_blocks(build);
    let exe = compile(&lib, "openssl_client", build, &["-lssl", "-lcrypto"]);
    for (i, sc) in SCENARIOS.iter().enumerate() {
        let log = build_dir(build).join(format!("s_server-{i}.log"));
        let (_server, port) = s_server(sc.fixture, &log);
        let ca = fixtures::dir().join(sc.fixture).join("root.pem");
        let port = port.to_string();
        let mut args = vec![port.as_str(), ca.to_str().expect("path"), sc.mode];
        args.extend(sc.domains);
        let (out, err) = run_with_stderr(&exe, &args, build);
        let label = format!(
            "{} {} {:?} ({build:?}):\n{out}{err}",
            sc.fixture, sc.mode, sc.domains
        );
        assert_eq!(out.lines().collect::<Vec<_>>(), sc.lines, "{label}");
        for code in sc.logged {
            assert!(err.contains(code), "{label}: {code} not logged");
        }
        assert_eq!(
            alerts_received(&log, sc.alerts.len()),
            sc.alerts,
            "{label}: alerts the server received"
        );
    }
}

#[test]
fn openssl_verify_callback() {
    check_openssl(Build::Plain);
}

#[test]
fn openssl_verify_callback_under_asan() {
    check_openssl(Build::Asan);
}

// ---------------------------------------------------------------------------------------
// STIR/SHAKEN: `stir.c` verifies an Identity header signed here (a test STI-CA and a leaf
// whose TNAuthList names the calling number), then the failures and the misuse.

fn check_stir(build: Build) {
    use sipcert_testkit::stir::{now_secs, shaken_passport_a, StiPki, TnEntry};
    const ORIG: &str = "12155551212";
    const DEST: &str = "12155551213";
    let Some(lib) = toolchain() else { return };
    let pki = StiPki::new(&[TnEntry::One(ORIG.into())]);
    let other = StiPki::new(&[TnEntry::One(ORIG.into())]);
    let passport = shaken_passport_a("https://cert.example.org/sp.pem", ORIG, DEST, now_secs());
    let provider = rustls::crypto::ring::default_provider();
    let identity = sipcert::stir::sign(&passport, &pki.leaf.key, &provider).expect("signs");
    let dir = build_dir(build);
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write a STIR test file");
        p.to_str().expect("UTF-8 path").to_owned()
    };
    let args = [
        write("stir-identity.txt", identity.as_bytes()),
        write("stir-ca.der", pki.ca.der.as_ref()),
        write("stir-leaf.der", pki.leaf.der.as_ref()),
        ORIG.to_owned(),
        DEST.to_owned(),
        write("stir-other-ca.der", other.ca.der.as_ref()),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let exe = compile(&lib, "stir", build, &[]);
    assert_eq!(run(&exe, &args, build).trim(), "stir: ok");
}

#[test]
fn stir_from_c() {
    check_stir(Build::Plain);
}

#[test]
fn stir_from_c_under_asan() {
    check_stir(Build::Asan);
}
