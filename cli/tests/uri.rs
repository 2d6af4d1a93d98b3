//! `sipcert uri`: the decisions.md §3 contract (fields, exit codes).

mod common;

use common::json;
use serde_json::Value;

fn run(args: &[&str]) -> (i32, String) {
    let r = common::sipcert(args);
    (r.code, r.stdout)
}

#[test]
fn valid_uri_json() {
    let (code, v) = json(&[
        "uri",
        "--json",
        "sips:alice:pw@Example.COM.:5061;transport=tcp;lr?subject=x%20y",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        v,
        serde_json::json!({
            "valid": true, "scheme": "sips", "user": "alice", "password": "pw",
            "host": "Example.COM.", "host_kind": "domain", "port": 5061,
            "params": [["transport", "tcp"], ["lr", null]],
            "headers": [["subject", "x%20y"]],
            "reference_domain": "example.com",
        })
    );
}

#[test]
fn ip_literal_has_no_reference_domain() {
    let (code, v) = json(&["uri", "--json", "sip:[2001:db8::1]"]);
    assert_eq!(code, 0);
    assert_eq!(v["host"], "[2001:db8::1]");
    assert_eq!(v["host_kind"], "ipv6");
    assert_eq!(v["reference_domain"], Value::Null);
    assert_eq!(v["user"], Value::Null);
    assert_eq!(v["port"], Value::Null);
    let (_, v) = json(&["uri", "--json", "sip:192.0.2.1"]);
    assert_eq!(v["host_kind"], "ipv4");
}

#[test]
fn invalid_uri_json() {
    for (uri, code, offset) in [
        ("sip:exa_mple.com", "invalid-host", 7),
        ("sips:a@b.example;transport=udp", "sips-over-udp", 17),
        ("sip:@example.com", "empty-user", 4),
        ("tel:+15551234", "not-sip-scheme", 0),
    ] {
        let (exit, v) = json(&["uri", "--json", uri]);
        assert_eq!(exit, 1, "{uri}");
        assert_eq!(v["valid"], false, "{uri}");
        assert_eq!(v["error"]["code"], code, "{uri}");
        assert_eq!(v["error"]["offset"], offset, "{uri}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{uri}"
        );
    }
}

#[test]
fn text_output_and_usage_errors() {
    let (code, out) = run(&["uri", "sip:alice@atlanta.com"]);
    assert_eq!(code, 0);
    assert!(out.contains("reference: atlanta.com"), "{out}");
    let (code, out) = run(&["uri", "sip:exa_mple.com"]);
    assert_eq!(code, 1);
    assert!(out.contains("invalid-host") && out.contains('^'), "{out}");
    assert_eq!(run(&["uri"]).0, 2);
    assert_eq!(run(&["no-such-command"]).0, 2);
}
