//! `sipcert stir verify-4474`: the decisions.md §3 contract without a signer (the signed
//! case is `interop-tests/tests/rfc4474_auth_identity.rs`, with Kamailio): exit 1 and the
//! code for a request it refuses, 2 for unusable input; `--json` prints one object that says
//! the form is obsolete.

mod common;

use sipcert_testkit::pki::{pem, Ca};

#[test]
fn verify_4474_refuses_with_codes_and_exit_status() {
    let dir = std::env::temp_dir().join(format!("sipcert-stir-4474-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    std::fs::write(path("root.pem"), pem("CERTIFICATE", &Ca::root("root").der)).expect("write");
    let head = "INVITE sip:bob@b.example SIP/2.0\r\nFrom: <sip:alice@a.example>;tag=1\r\n\
        To: <sip:bob@b.example>\r\nCall-ID: x@h\r\nCSeq: 1 INVITE\r\n\
        Date: Tue, 08 Dec 2026 02:00:00 GMT\r\n";
    let cases = [
        (
            "unsigned.sip",
            String::new(),
            "stir-rfc4474-identity-missing",
            428,
        ),
        (
            "no-info.sip",
            "Identity: \"AAEC\"\r\n".to_owned(),
            "stir-rfc4474-identity-info-invalid",
            436,
        ),
        (
            "not-served.sip",
            "Identity: \"AAEC\"\r\nIdentity-Info: <https://a.example/as.pem>;alg=rsa-sha1\r\n"
                .to_owned(),
            "stir-rfc4474-cert-unavailable",
            436,
        ),
    ];
    let root = path("root.pem");
    for (name, extra, want, response) in cases {
        std::fs::write(
            path(name),
            format!("{head}{extra}Content-Length: 0\r\n\r\n"),
        )
        .expect("write");
        let request = path(name);
        let (code, v, out) = common::run(&[
            "stir",
            "verify-4474",
            "--json",
            "--no-fetch",
            "--at",
            "2026-12-08T02:00:10Z",
            "--request",
            &request,
            "--trust-list",
            &root,
        ]);
        assert_eq!(code, 1, "{name}: {out}");
        assert_eq!(v["verdict"], "failed", "{name}: {out}");
        assert_eq!(v["code"], want, "{name}: {out}");
        assert_eq!(v["response_code"], response, "{name}: {out}");
        assert!(
            v["obsolete"]
                .as_str()
                .is_some_and(|s| s.contains("RFC 8224")),
            "{name}: {out}"
        );
    }
    let missing = path("missing.sip");
    let (code, _, out) = common::run(&[
        "stir",
        "verify-4474",
        "--request",
        &missing,
        "--trust-list",
        &root,
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--request"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
