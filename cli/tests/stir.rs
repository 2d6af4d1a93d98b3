//! `sipcert stir sign` and `sipcert stir verify`: the decisions.md §3 contract (exit codes,
//! one JSON object) with a test STI PKI (`sipcert_testkit::stir`).

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;
use sipcert_testkit::pki::pem;
use sipcert_testkit::stir::{StiPki, TnEntry};

const X5U: &str = "https://cert.example.org/sp.pem";
const ORIG: &str = "12155551212";
const DEST: &str = "12155551213";
const IAT: &str = "1700000000";
/// `IAT` in RFC 3339.
const AT: &str = "2023-11-14T22:13:20Z";

/// A STI PKI written to a scratch folder: `root.pem`, `leaf.pem`, `leaf.key`.
struct Files {
    dir: PathBuf,
}

impl Files {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("sipcert-stir-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the scratch folder");
        let pki = StiPki::new(&[TnEntry::One(ORIG.into())]);
        let write = |file: &str, text: String| std::fs::write(dir.join(file), text).expect("write");
        write("root.pem", pem("CERTIFICATE", &pki.ca.der));
        write("leaf.pem", pem("CERTIFICATE", &pki.leaf.der));
        write("leaf.key", pem("PRIVATE KEY", pki.leaf.key.secret_der()));
        write("garbage.pem", "not a certificate\n".into());
        Self { dir }
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }

    /// `stir sign` with the leaf's key: the Identity header value.
    fn signed(&self) -> String {
        let key = self.path("leaf.key");
        let args = [
            "stir",
            "sign",
            "--key",
            &key,
            "--x5u",
            X5U,
            "--orig",
            ORIG,
            "--dest",
            DEST,
            "--attest",
            "B",
            "--origid",
            "123e4567-e89b-12d3-a456-426655440000",
            "--iat",
            IAT,
        ];
        let r = common::sipcert(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.output());
        r.stdout.trim().to_owned()
    }

    /// `stir verify --json IDENTITY` with the PKI's trust list and `extra`.
    fn verify_args(&self, identity: &str, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["stir", "verify", "--json", identity, "--to", DEST]
            .into_iter()
            .map(str::to_owned)
            .collect();
        args.extend(["--trust-list".to_owned(), self.path("root.pem")]);
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    }
}

#[test]
fn signed_header_verifies() {
    let files = Files::new("ok");
    let identity = files.signed();
    let mapping = format!("{X5U}={}", files.path("leaf.pem"));
    let args = files.verify_args(
        &identity,
        &[
            "--from",
            "tel:+1-215-555-1212",
            "--x5u-file",
            &mapping,
            "--at",
            AT,
        ],
    );
    let (code, v, out) = common::run(&args);
    assert_eq!(code, 0, "{args:?}: {out}");
    assert_eq!(v["verdict"], "verified", "{out}");
    assert_eq!(v["code"], Value::Null, "{out}");
    assert_eq!(v["claims"]["orig"]["tn"], ORIG, "{out}");
    assert_eq!(v["claims"]["dest"]["tn"][0], DEST, "{out}");
    assert_eq!(v["claims"]["attest"], "B", "{out}");
    assert_eq!(
        v["claims"]["origid"],
        "123e4567-e89b-12d3-a456-426655440000"
    );
    assert_eq!(v["claims"]["iat"], 1_700_000_000_i64, "{out}");
    assert_eq!(v["claims"]["ppt"], "shaken", "{out}");
    assert_eq!(v["claims"]["x5u"], X5U, "{out}");
    assert_eq!(v["tn_auth_list"][0]["tn"], ORIG, "{out}");
    assert_eq!(v["tn_authority"]["by"], "number", "{out}");
    assert_eq!(v["tn_authority"]["entry"]["tn"], ORIG, "{out}");
    assert_eq!(v["response_code"], Value::Null, "{out}");
    assert_eq!(v["reason_header"], Value::Null, "{out}");
    assert_eq!(v["verstat"], "TN-Validation-Passed", "{out}");

    // The same in text.
    let text: Vec<String> = args.into_iter().filter(|a| a != "--json").collect();
    let (code, _, out) = common::run(&text);
    assert_eq!(code, 0, "{text:?}: {out}");
    assert!(out.starts_with("VERIFIED"), "{out}");
    assert!(out.contains("verstat: TN-Validation-Passed"), "{out}");
}

#[test]
fn identity_from_stdin() {
    let files = Files::new("stdin");
    let identity = files.signed();
    let mapping = format!("{X5U}={}", files.path("leaf.pem"));
    let args = files.verify_args("-", &["--from", ORIG, "--x5u-file", &mapping, "--at", AT]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sipcert"))
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run sipcert");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "  {identity}  ").expect("write stdin");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}");
    let v: Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["verdict"], "verified", "{stdout}");
}

/// A row: what changes from the verifying call, the exit status and the code (exit 1).
struct Row {
    what: &'static str,
    garbage_header: bool,
    from: &'static str,
    mapping: Option<&'static str>,
    at: &'static str,
    exit: i32,
    code: Option<&'static str>,
}

const fn row(what: &'static str, exit: i32, code: Option<&'static str>) -> Row {
    Row {
        what,
        garbage_header: false,
        from: ORIG,
        mapping: Some("leaf.pem"),
        at: AT,
        exit,
        code,
    }
}

/// The table: one failure per verifier code of the first step, then the input errors.
fn rows() -> [Row; 9] {
    [
        Row {
            from: "sip:+12155559999@example.com;user=phone",
            ..row("wrong --from", 1, Some("stir-orig-mismatch"))
        },
        Row {
            mapping: None,
            ..row("no --x5u-file", 1, Some("stir-cert-unavailable"))
        },
        Row {
            at: "2030-01-01T00:00:00Z",
            ..row("--at far in the future", 1, Some("stir-stale"))
        },
        Row {
            garbage_header: true,
            ..row("garbage header", 1, Some("stir-header-malformed"))
        },
        Row {
            mapping: Some(""),
            ..row("--x5u-file without '='", 2, None)
        },
        Row {
            mapping: Some("garbage.pem"),
            ..row("--x5u-file not PEM", 2, None)
        },
        Row {
            mapping: Some("missing.pem"),
            ..row("--x5u-file unreadable", 2, None)
        },
        Row {
            from: "alice",
            ..row("--from not a number", 2, None)
        },
        Row {
            at: "yesterday",
            ..row("--at not RFC 3339", 2, None)
        },
    ]
}

#[test]
fn failures_and_input_errors() {
    let files = Files::new("fail");
    let identity = files.signed();
    for r in &rows() {
        let header = if r.garbage_header {
            "not.an;identity"
        } else {
            &identity
        };
        let mut extra = vec!["--from".to_owned(), r.from.to_owned(), "--at".to_owned()];
        extra.push(r.at.to_owned());
        match r.mapping {
            None => {}
            Some("") => extra.extend(["--x5u-file".to_owned(), files.path("leaf.pem")]),
            Some(file) => extra.extend([
                "--x5u-file".to_owned(),
                format!("{X5U}={}", files.path(file)),
            ]),
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let args = files.verify_args(header, &extra);
        let (exit, v, out) = common::run(&args);
        assert_eq!(exit, r.exit, "{}: {args:?}: {out}", r.what);
        if let Some(code) = r.code {
            assert_eq!(v["verdict"], "failed", "{}: {args:?}: {out}", r.what);
            assert_eq!(v["code"], code, "{}: {args:?}: {out}", r.what);
            let verstat = if code == "stir-cert-unavailable" {
                "No-TN-Validation"
            } else {
                "TN-Validation-Failed"
            };
            assert_eq!(v["verstat"], verstat, "{}: {out}", r.what);
            assert!(v["response_code"].is_u64(), "{}: {out}", r.what);
            assert!(
                v["reason_header"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("STIR;cause=")),
                "{}: {out}",
                r.what
            );
        } else {
            assert_eq!(
                v,
                Value::Null,
                "{}: exit 2 prints no object: {args:?}: {out}",
                r.what
            );
        }
    }
}

#[test]
fn sign_refuses_bad_input() {
    let files = Files::new("sign");
    let key = files.path("leaf.key");
    let root = files.path("root.pem");
    for (what, key, orig) in [
        ("key file is a certificate", root.as_str(), ORIG),
        ("no key file", "/nonexistent/key.pem", ORIG),
        ("--orig not a number", key.as_str(), "alice"),
    ] {
        let args = [
            "stir", "sign", "--key", key, "--x5u", X5U, "--orig", orig, "--dest", DEST,
        ];
        let r = common::sipcert(&args);
        assert_eq!(r.code, 2, "{what}: {args:?}: {}", r.output());
        assert!(r.stdout.is_empty(), "{what}: {args:?}: {}", r.output());
    }
}

#[test]
fn the_date_header_is_checked() {
    let files = Files::new("date");
    let identity = files.signed();
    let mapping = format!("{X5U}={}", files.path("leaf.pem"));
    for (date, exit, code) in [
        ("Tue, 14 Nov 2023 22:13:20 GMT", 0, Value::Null),
        ("Tue, 14 Nov 2023 22:15:20 GMT", 1, "stir-date-stale".into()),
        ("2023-11-14T22:13:20Z", 1, "stir-date-invalid".into()),
    ] {
        let args = files.verify_args(
            &identity,
            &[
                "--from",
                ORIG,
                "--x5u-file",
                &mapping,
                "--at",
                AT,
                "--date",
                date,
            ],
        );
        let (got, v, out) = common::run(&args);
        assert_eq!((got, &v["code"]), (exit, &code), "{date}: {out}");
    }
}

/// A SIP INVITE from `ORIG` (P-Asserted-Identity) to `to`, carrying `identities`.
fn invite(to: &str, identities: &[&str]) -> String {
    let mut request = format!(
        "INVITE sip:{to}@b.example SIP/2.0\r\n\
         Via: SIP/2.0/TLS a.example;branch=z9hG4bK1\r\n\
         f: \"Alice\" <sip:alice@a.example>;tag=1\r\n\
         P-Asserted-Identity: <tel:+{ORIG}>\r\n\
         To: <sip:+{to}@b.example;user=phone>\r\n\
         Call-ID: 1@a.example\r\n\
         CSeq: 1 INVITE\r\n"
    );
    for identity in identities {
        request.push_str("Identity: ");
        request.push_str(identity);
        request.push_str("\r\n");
    }
    request.push_str("Content-Length: 0\r\n\r\n");
    request
}

/// `stir verify --json --request FILE` (no IDENTITY, --from, --to) with the PKI's trust list.
fn verify_request_args(files: &Files, request: &str) -> Vec<String> {
    let mapping = format!("{X5U}={}", files.path("leaf.pem"));
    let path = files.path(&format!("request-{}.sip", request.len()));
    std::fs::write(&path, request).expect("write the request");
    [
        "stir",
        "verify",
        "--json",
        "--request",
        &path,
        "--trust-list",
        &files.path("root.pem"),
        "--x5u-file",
        &mapping,
        "--at",
        AT,
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

#[test]
fn a_whole_request_is_verified() {
    let files = Files::new("request");
    let identity = files.signed();
    // (what, request, exit, the verdict's code, or codes per identity when several)
    let rows: [(&str, String, i32, Vec<Option<&str>>); 5] = [
        ("signed", invite(DEST, &[&identity]), 0, vec![None]),
        (
            "To tampered (the Request-URI kept)",
            invite(DEST, &[&identity])
                .replace(&format!("To: <sip:+{DEST}"), "To: <sip:+12155550000"),
            1,
            vec![Some("stir-dest-mismatch")],
        ),
        (
            "no Identity",
            invite(DEST, &[]),
            1,
            vec![Some("stir-identity-missing")],
        ),
        (
            "two Identity headers, one broken",
            invite(DEST, &[&identity, "a.b.c;info=<https://x>;ppt=shaken"]),
            1,
            vec![None, Some("stir-header-malformed")],
        ),
        (
            "two Identity headers, both good",
            invite(DEST, &[&identity, &identity]),
            0,
            vec![None, None],
        ),
    ];
    for (what, request, exit, codes) in rows {
        let args = verify_request_args(&files, &request);
        let (code, v, out) = common::run(&args);
        assert_eq!(code, exit, "{what}: {out}");
        let verdicts: Vec<Value> = match codes.len() {
            1 => vec![v.clone()],
            _ => v["identities"].as_array().cloned().unwrap_or_default(),
        };
        assert_eq!(verdicts.len(), codes.len(), "{what}: {out}");
        for (verdict, want) in verdicts.iter().zip(&codes) {
            assert_eq!(verdict["code"].as_str(), *want, "{what}: {out}");
        }
        let overall = if exit == 0 { "verified" } else { "failed" };
        assert_eq!(v["verdict"], overall, "{what}: {out}");
    }
}

#[test]
fn a_request_from_stdin_and_usage_errors() {
    let files = Files::new("request-stdin");
    let identity = files.signed();
    let mapping = format!("{X5U}={}", files.path("leaf.pem"));
    let root = files.path("root.pem");
    let base = [
        "stir",
        "verify",
        "--trust-list",
        &root,
        "--x5u-file",
        &mapping,
        "--at",
        AT,
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| (*s).to_owned()).collect()
    };
    let (code, out, err) = common::sipcert_stdin(
        &with(&["--request", "-"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &invite(DEST, &[&identity]),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("VERIFIED"), "{out}{err}");
    // Usage and input errors exit 2.
    let good = files.path("good.sip");
    std::fs::write(&good, invite(DEST, &[&identity])).expect("write");
    let not_sip = files.path("not-sip.sip");
    std::fs::write(&not_sip, "INVITE nonsense\r\n\r\n").expect("write");
    let rows: [(&[&str], &str); 6] = [
        (&[], "neither IDENTITY nor --request"),
        (&[&identity, "--request", &good], "both"),
        (
            &["--request", &good, "--from", ORIG],
            "--request with --from",
        ),
        (&[&identity, "--from", ORIG], "IDENTITY without --to"),
        (&["--request", &not_sip], "a request that is not SIP"),
        (&["--request", &files.path("absent.sip")], "no such file"),
    ];
    for (extra, what) in rows {
        let args = with(extra);
        let (code, _, out) = common::run(&args);
        assert_eq!(code, 2, "{what}: {args:?}: {out}");
    }
}
