//! The verdict, identities and SIP URIs as JSON (crate feature `json`): the objects the
//! `sipcert` command line prints with `--json`, shared with the C and Python bindings so that
//! every front end reports the same fields.
//!
//! The `check` object:
//!
//! ```text
//! {"verdict": "accept" | "reject",
//!  "reference": "example.com" | null,
//!  "chain": "valid" | "unchecked" | CODE,
//!  "matched": {"domain": S, "source": S, "via": "reference" | "secure-srv-target"} | null,
//!  "identities": [{"domain": S, "source": "san-uri" | "san-dns" | "cn"}, ...],
//!  "ignored": [{"value": S, "source": S, "reason": CODE}, ...],
//!  "reasons": [{"code": CODE, "message": S}, ...],
//!  "hints": [CODE, ...],
//!  "relaxations": [CODE, ...]}
//! ```
//!
//! An IP identity (only under [`Policy::allow_ip_literals`](crate::Policy::allow_ip_literals))
//! is written `{"ip": "192.0.2.1", "source": ...}`: each key says what the name is.
//!
//! ```
//! use sipcert::{check_end_entity, DomainName, Policy, Reference, Role};
//!
//! let reference = Reference::Domain(DomainName::from_ascii("example.com")?);
//! let verdict = check_end_entity(b"garbage", &reference, Role::Server, &Policy::default());
//! let v = sipcert::json::verdict(&verdict);
//! assert_eq!(v["verdict"], "reject");
//! assert_eq!(v["chain"], "cert-malformed");
//! assert_eq!(v["reasons"][0]["code"], "cert-malformed");
//! # Ok::<(), sipcert::DomainNameError>(())
//! ```

use serde_json::{json, Map, Value};

use crate::identity::{Identities, Identity, IdentityName, IgnoredName};
use crate::uri::SipUri;
use crate::verdict::Verdict;

/// `{"domain": ...}`, `{"ip": ...}`, or, for a kind of name added later, `{"name": ...}`.
fn name(name: &IdentityName) -> Map<String, Value> {
    let mut m = Map::new();
    match name {
        IdentityName::Domain(d) => m.insert("domain".to_owned(), json!(d.as_str())),
        IdentityName::Ip(ip) => m.insert("ip".to_owned(), json!(ip.to_string())),
    };
    m
}

/// The identities array: `[{"domain": S, "source": S}, ...]`.
pub fn identities(ids: &[Identity]) -> Value {
    Value::Array(
        ids.iter()
            .map(|i| {
                let mut m = name(i.name());
                m.insert("source".to_owned(), json!(i.source().code()));
                Value::Object(m)
            })
            .collect(),
    )
}

/// The ignored-names array: `[{"value": S, "source": S, "reason": CODE}, ...]`.
pub fn ignored(ignored: &[IgnoredName]) -> Value {
    Value::Array(
        ignored
            .iter()
            .map(|n| json!({"value": n.value(), "source": n.source().code(), "reason": n.reason().code()}))
            .collect(),
    )
}

/// The `identities` object of the command line (`sipcert identities --json`,
/// `sipcert_identities_json` in C): `{"identities": [...], "ignored": [...]}`.
pub fn extracted(ids: &Identities) -> Value {
    json!({
        "identities": identities(ids.identities()),
        "ignored": ignored(ids.ignored()),
    })
}

/// The `check` object of the [module documentation](self) for a verdict.
pub fn verdict(verdict: &Verdict) -> Value {
    let (reference, matched, reasons, hints, relaxations) = match verdict {
        Verdict::Accept(a) => {
            let m = a.matched();
            let mut matched = name(m.name());
            matched.insert("source".to_owned(), json!(m.source().code()));
            matched.insert("via".to_owned(), json!(m.via().code()));
            (
                Some(a.reference().to_string()),
                Value::Object(matched),
                Vec::new(),
                Vec::new(),
                a.relaxations().iter().map(|r| json!(r.code())).collect(),
            )
        }
        Verdict::Reject(r) => (
            r.reference().map(ToString::to_string),
            Value::Null,
            r.reasons()
                .iter()
                .map(|x| json!({"code": x.code().code(), "message": x.message()}))
                .collect(),
            r.hints().iter().map(|h| json!(h.code().code())).collect(),
            Vec::new(),
        ),
    };
    json!({
        "verdict": if verdict.is_accept() { "accept" } else { "reject" },
        "reference": reference,
        "chain": verdict.chain_status(),
        "matched": matched,
        "identities": identities(verdict.identities()),
        "ignored": ignored(verdict.ignored()),
        "reasons": reasons,
        "hints": hints,
        "relaxations": relaxations,
    })
}

/// A parsed SIP URI: the fields of `sipcert uri --json` (without its `"valid"`), as Python's
/// `parse_uri` returns them:
///
/// ```text
/// {"scheme": "sip" | "sips", "user": S | null, "password": S | null,
///  "host": S, "host_kind": "domain" | "ipv4" | "ipv6", "port": N | null,
///  "params": [[name, value | null], ...], "headers": [[name, value], ...],
///  "reference_domain": S | null}
/// ```
///
/// `host` is as written (an IPv6 address with its brackets); `reference_domain` is the
/// normalized domain a certificate must name (RFC 5922 §7.3), `null` for an IP literal or a
/// host that is no usable domain name.
///
/// ```
/// let uri = sipcert::uri::SipUri::parse("sips:alice@Example.COM:5061;transport=tcp")?;
/// let v = sipcert::json::uri(&uri);
/// assert_eq!(v["host"], "Example.COM");
/// assert_eq!(v["reference_domain"], "example.com");
/// assert_eq!(v["params"][0], serde_json::json!(["transport", "tcp"]));
/// # Ok::<(), sipcert::uri::UriError>(())
/// ```
pub fn uri(uri: &SipUri<'_>) -> Value {
    let params: Vec<Value> = uri
        .params()
        .map(|p| json!([p.name().as_str(), p.value().map(|v| v.as_str())]))
        .collect();
    let headers: Vec<Value> = uri
        .headers()
        .map(|h| json!([h.name().as_str(), h.value().as_str()]))
        .collect();
    json!({
        "scheme": uri.scheme().as_str(),
        "user": uri.user().map(|u| u.as_str()),
        "password": uri.password().map(|p| p.as_str()),
        "host": uri.host_str(),
        "host_kind": uri.host().kind_str(),
        "port": uri.port(),
        "params": params,
        "headers": headers,
        "reference_domain": uri.reference_domain().ok().map(|d| d.to_string()),
    })
}
