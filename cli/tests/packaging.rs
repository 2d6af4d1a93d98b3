//! `sipcert man` and `sipcert completions`: what operators package. And `probe`'s usage
//! errors (exit 2) against its verdicts (exit 1).

mod common;

#[test]
fn man_page_and_completions() {
    let man = common::sipcert(&["man"]);
    assert_eq!(man.code, 0, "{}", man.output());
    for needle in [".TH sipcert 1", "probe", "check", "stir"] {
        assert!(man.stdout.contains(needle), "man page lacks {needle:?}");
    }
    for (shell, needle) in [
        ("bash", "_sipcert()"),
        ("zsh", "#compdef sipcert"),
        ("fish", "complete -c sipcert"),
    ] {
        let r = common::sipcert(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.output());
        assert!(r.stdout.contains(needle), "{shell}: lacks {needle:?}");
        assert!(
            r.stdout.contains("dnssec-trust-anchor"),
            "{shell}: lacks the probe flags"
        );
    }
    assert_eq!(common::sipcert(&["completions", "no-such-shell"]).code, 2);
}

#[test]
fn probe_usage_errors_exit_2() {
    // (arguments, what the message names)
    let cases: &[(&[&str], &str)] = &[
        (&["probe", "not a uri"], "not a SIP or SIPS URI"),
        (
            &["probe", "sips:example.com", "--roots", "/nonexistent.pem"],
            "/nonexistent.pem",
        ),
        (
            &[
                "probe",
                "sips:example.com",
                "--dns-server",
                "not-an-address",
            ],
            "dns-server",
        ),
        (
            &[
                "probe",
                "sips:example.com",
                "--roots",
                "../fixtures/rfc3261-host-style/root.pem",
                "--dnssec-trust-anchor",
                "/nonexistent.key",
            ],
            "/nonexistent.key",
        ),
    ];
    for (args, needle) in cases {
        let r = common::sipcert(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.output());
        assert!(r.output().contains(needle), "{args:?}: {}", r.output());
    }
}
