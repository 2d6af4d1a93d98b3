//! `uri_str`, `uri_bytes`, `name_addr`: the SIP URI parser never panics, and what it accepts
//! satisfies the invariants its API documents.

use sipcert::uri::{AddrSpec, Host, NameAddr, OwnedSipUri, Scheme, SipUri, Transport, MAX_PARAMS};
use sipcert::DomainName;

use super::{offset_in, within};

/// `uri_str` on raw fuzz bytes: libFuzzer's `&str` is the bytes when they are UTF-8.
pub fn check_str_bytes(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        check_str(s);
    }
}

/// `uri_str`: parse arbitrary text.
pub fn check_str(input: &str) {
    check_pair(input);
    let parsed = SipUri::parse(input);
    match &parsed {
        Ok(uri) => check_parsed(input, uri),
        Err(e) => assert!(e.offset() <= input.len(), "{input:?}: offset {e:?}"),
    }
    // The Request-URI form is the URI form without headers.
    match SipUri::parse_request_uri(input) {
        Ok(r) => {
            let uri = parsed
                .as_ref()
                .expect("request-uri accepted what parse refused");
            assert_eq!(&r, uri);
            assert_eq!(r.headers().count(), 0, "{input:?}");
        }
        Err(_) => assert!(parsed.is_err() || input.contains('?'), "{input:?}"),
    }
    // The owned form agrees.
    match OwnedSipUri::parse(input) {
        Ok(o) => {
            assert_eq!(Some(&o.as_uri()), parsed.as_ref().ok());
            assert_eq!(o.to_string(), input);
        }
        Err(e) => assert_eq!(Some(&e), parsed.as_ref().err()),
    }
}

/// Two URIs separated by a newline: §19.1.4 equivalence is symmetric, and equivalent URIs
/// agree on everything the RFC makes significant.
pub fn check_pair(input: &str) {
    let Some((a, b)) = input.split_once('\n') else {
        return;
    };
    let (Ok(a), Ok(b)) = (SipUri::parse(a), SipUri::parse(b)) else {
        return;
    };
    let ab = a.equivalent(&b);
    assert_eq!(ab, b.equivalent(&a), "not symmetric: {a} vs {b}");
    if !ab {
        return;
    }
    assert_eq!(a.scheme(), b.scheme(), "{a} vs {b}");
    assert_eq!(a.port(), b.port(), "{a} vs {b}");
    assert_eq!(a.host().ip(), b.host().ip(), "{a} vs {b}");
    assert_eq!(
        a.reference_domain().ok(),
        b.reference_domain().ok(),
        "{a} vs {b}"
    );
    assert_eq!(
        a.user().map(|u| u.decode().into_owned()),
        b.user().map(|u| u.decode().into_owned()),
        "{a} vs {b}"
    );
    assert_eq!(
        a.password().map(|u| u.decode().into_owned()),
        b.password().map(|u| u.decode().into_owned()),
        "{a} vs {b}"
    );
    assert_eq!(a.ttl(), b.ttl(), "{a} vs {b}");
    for name in ["transport", "user", "method", "maddr", "ttl"] {
        assert_eq!(
            a.param(name)
                .and_then(|p| p.value())
                .map(|v| v.decode().to_ascii_lowercase()),
            b.param(name)
                .and_then(|p| p.value())
                .map(|v| v.decode().to_ascii_lowercase()),
            "{name}: {a} vs {b}"
        );
    }
    assert_eq!(a.headers().count(), b.headers().count(), "{a} vs {b}");
}

/// `uri_bytes`: parse arbitrary octets.
pub fn check_bytes(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        check_pair(s);
    }
    match SipUri::parse_bytes(data) {
        Ok(uri) => {
            let text = core::str::from_utf8(data).expect("accepted non-UTF-8");
            check_parsed(text, &uri);
            assert_eq!(SipUri::parse(text).as_ref(), Ok(&uri));
        }
        Err(e) => {
            assert!(e.offset() <= data.len(), "{data:?}: {e:?}");
            if let Ok(s) = core::str::from_utf8(data) {
                assert_eq!(SipUri::parse(s).err(), Some(e), "{s:?}");
            }
        }
    }
}

/// The invariants of an accepted URI.
#[allow(clippy::too_many_lines)] // one invariant after the other
pub fn check_parsed(input: &str, uri: &SipUri<'_>) {
    // Only printable ASCII can be in a valid URI (§19.1.2: everything else is escaped).
    assert!(
        input.bytes().all(|b| (0x21..0x7f).contains(&b)),
        "accepted a URI with a byte outside printable ASCII: {input:?}"
    );
    assert_eq!(uri.to_string(), input);
    assert_eq!(uri.as_str(), input);
    assert!(within(input, uri.as_str()));
    let shown = uri.to_string();
    let again = SipUri::parse(&shown).expect("Display output does not re-parse");
    assert_eq!(&again, uri, "{input:?}");
    assert!(uri.equivalent(uri), "equivalent not reflexive: {input:?}");
    assert!(uri.equivalent(&again) && again.equivalent(uri), "{input:?}");
    assert_eq!(uri.to_owned_uri().as_uri(), *uri);
    let _ = format!("{uri:?}");

    // Scheme.
    let scheme_len = match uri.scheme() {
        Scheme::Sip => 3,
        Scheme::Sips => 4,
    };
    assert!(input[..scheme_len].eq_ignore_ascii_case(uri.scheme().as_str()));
    assert_eq!(input.as_bytes()[scheme_len], b':');

    // Userinfo.
    let user = uri.user();
    assert_eq!(user.is_some(), uri.has_userinfo());
    assert!(uri.password().is_none() || user.is_some());
    if let Some(u) = user {
        assert!(within(input, u.as_str()));
        assert!(!u.as_str().is_empty(), "empty user accepted: {input:?}");
        assert_eq!(offset_in(input, u.as_str()), scheme_len + 1);
        let _ = (u.decode(), u.decode_lossy(), u.has_escapes());
        assert!(u.decode().len() <= u.as_str().len());
    }
    if let Some(p) = uri.password() {
        assert!(within(input, p.as_str()));
        let _ = p.decode();
    }

    // Host.
    let host_str = uri.host_str();
    assert!(within(input, host_str), "{input:?}");
    assert!(!host_str.is_empty());
    let host_at = offset_in(input, host_str);
    match uri.host() {
        Host::Domain(d) => {
            assert_eq!(d, host_str);
            assert!(uri.host().ip().is_none());
            assert!(d
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
        }
        Host::Ipv4(a) => {
            assert_eq!(host_str.parse::<std::net::Ipv4Addr>().ok(), Some(a));
        }
        Host::Ipv6(a) => {
            let inner = host_str
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .expect("IPv6 host without brackets");
            assert_eq!(inner.parse::<std::net::Ipv6Addr>().ok(), Some(a));
        }
    }
    let _ = uri.host().kind_str();

    // Port: written right after the host.
    let after_host = &input[host_at + host_str.len()..];
    match uri.port() {
        Some(port) => {
            let digits = after_host.strip_prefix(':').expect("port without ':'");
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            assert_eq!(digits[..end].parse::<u32>().ok(), Some(u32::from(port)));
        }
        None => assert!(!after_host.starts_with(':'), "{input:?}"),
    }

    // Parameters: inside the input, non-empty names, unique names, bounded count.
    let params: Vec<_> = uri.params().collect();
    assert!(params.len() <= MAX_PARAMS);
    for (i, p) in params.iter().enumerate() {
        assert!(within(input, p.name().as_str()));
        assert!(!p.name().as_str().is_empty());
        if let Some(v) = p.value() {
            assert!(within(input, v.as_str()));
            assert!(!v.as_str().is_empty());
        }
        let name = p.name().decode().to_ascii_lowercase();
        for q in &params[..i] {
            assert_ne!(
                q.name().decode().to_ascii_lowercase(),
                name,
                "duplicate parameter accepted: {input:?}"
            );
        }
        // Lookup by decoded name finds it (when the name is UTF-8 text).
        if let Ok(n) = core::str::from_utf8(&p.name().decode()) {
            assert_eq!(uri.param(n).map(|q| q.name()), Some(p.name()));
        }
    }
    // Typed accessors.
    let transport = uri.transport();
    if uri.scheme() == Scheme::Sips {
        assert_ne!(transport, Some(Transport::Udp), "sips over UDP: {input:?}");
    }
    let _ = (uri.user_param(), uri.method(), uri.lr(), uri.maddr());
    if uri.param("ttl").is_some() {
        assert!(
            uri.ttl().is_some(),
            "ttl accepted but unreadable: {input:?}"
        );
    }
    assert_eq!(
        uri.maddr().is_some(),
        uri.param("maddr").is_some(),
        "{input:?}"
    );
    if let Some(m) = uri.maddr() {
        let raw = uri
            .param("maddr")
            .and_then(|p| p.value())
            .map(|v| v.as_str());
        match m {
            Host::Domain(d) => assert_eq!(Some(d), raw),
            Host::Ipv4(_) | Host::Ipv6(_) => assert!(raw.is_some()),
        }
    }

    // Headers (the lookup by name is checked on the first few: it is a linear search).
    for (i, h) in uri.headers().enumerate() {
        assert!(within(input, h.name().as_str()));
        assert!(within(input, h.value().as_str()));
        assert!(!h.name().as_str().is_empty());
        let _ = h.value().decode();
        if i < 16 {
            if let Ok(n) = core::str::from_utf8(&h.name().decode()) {
                assert!(uri.header(n).is_some());
            }
        }
    }

    // The reference identity: only for a domain host; lower case, no trailing dot.
    match (uri.reference_domain(), uri.host()) {
        (Ok(d), Host::Domain(h)) => {
            let s = d.as_str();
            let expected = h.strip_suffix('.').unwrap_or(h).to_ascii_lowercase();
            assert_eq!(s, expected, "{input:?}");
            assert!(!s.ends_with('.') && !s.is_empty());
            assert!(!s.bytes().any(|b| b.is_ascii_uppercase()));
            assert_eq!(DomainName::from_ascii(s).as_ref(), Ok(&d), "not idempotent");
        }
        (Ok(d), h) => panic!("reference domain {d:?} for IP host {h:?}: {input:?}"),
        (Err(e), h) => {
            let _ = (e.code(), e.to_string());
            if let Host::Domain(d) = h {
                assert!(DomainName::from_ascii(d).is_err(), "{input:?}");
            }
        }
    }
}

/// `name_addr` on raw fuzz bytes.
pub fn check_name_addr_bytes(data: &[u8]) {
    if let Ok(s) = core::str::from_utf8(data) {
        check_name_addr(s);
    }
}

/// `name_addr`: `NameAddr::parse` and `parse_list`; iterate everything.
pub fn check_name_addr(input: &str) {
    if let Ok(na) = NameAddr::parse(input) {
        inspect_name_addr(input, &na);
    }
    if let Ok(list) = NameAddr::parse_list(input) {
        assert!(!list.is_empty());
        assert!(list.len() <= input.len() + 1);
        for na in &list {
            inspect_name_addr(input, na);
        }
    }
    if let Ok(spec) = AddrSpec::parse(input) {
        assert_eq!(spec.as_str(), input);
        if let Some(u) = spec.sip() {
            check_parsed(input, u);
        }
    }
}

fn inspect_name_addr(input: &str, na: &NameAddr<'_>) {
    if let Some(d) = na.display_name() {
        assert!(within(input, d));
        assert!(na.is_name_addr(), "display name without <>: {input:?}");
    }
    let uri_text = na.uri().as_str();
    assert!(within(input, uri_text));
    match na.uri() {
        AddrSpec::Sip(u) => {
            check_parsed(uri_text, u);
            if !na.is_name_addr() {
                // §20.10: an addr-spec URI has no parameters of its own.
                assert_eq!(u.params().count(), 0, "{input:?}");
                assert_eq!(u.headers().count(), 0, "{input:?}");
            }
        }
        AddrSpec::Other(s) => assert!(s.contains(':')),
    }
    let mut n = 0usize;
    for p in na.params() {
        n += 1;
        assert!(
            n <= input.len(),
            "parameter iterator does not end: {input:?}"
        );
        assert!(within(input, p.name) && !p.name.is_empty());
        if let Some(v) = p.value {
            assert!(within(input, v) && !v.is_empty());
        }
    }
    let _ = format!("{na:?}");
}
