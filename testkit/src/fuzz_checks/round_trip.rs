//! `round_trip`: a URI built from structured components parses back to those components.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use arbitrary::{Arbitrary, Unstructured};
use sipcert::uri::{Host, Scheme, SipUri, MAX_PARAMS};

/// `unreserved` and `user-unreserved` characters.
const USER_CHARS: &[u8] = b"abcXYZ019-_.!~*'()&=+$,;?/";
/// `unreserved` and the extra `password` characters.
const PASSWORD_CHARS: &[u8] = b"abcXYZ019-_.!~*'()&=+$,";
/// `paramchar` characters besides escapes.
const PARAM_CHARS: &[u8] = b"abcXYZ019-_.!~*'()[]/:&+$";
/// `hname` / `hvalue` characters besides escapes.
const HNV_CHARS: &[u8] = b"abcXYZ019-_.!~*'()[]/?:+$";
const LABEL_CHARS: &[u8] = b"abcdefxnXNZ0129-";

/// One character of a component: a plain character from the component's set, or an escape.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Chunk {
    /// The character at this index (mod the set's size).
    Plain(u8),
    /// `%HH` of this octet; `true` = upper-case hex digits.
    Escape(u8, bool),
}

/// A host.
#[derive(Debug, Clone, Arbitrary)]
pub enum HostSpec {
    /// Labels (each a list of character indexes), a top label, a trailing dot.
    Domain(Vec<Vec<u8>>, Vec<u8>, bool),
    /// An IPv4 address.
    Ipv4([u8; 4]),
    /// An IPv6 address, in compressed (`true`) or full form.
    Ipv6([u16; 8], bool),
}

/// A whole URI.
#[derive(Debug, Clone, Arbitrary)]
pub struct UriSpec {
    /// `sips:` instead of `sip:`; `true` also writes the scheme in upper case.
    pub sips: bool,
    /// Upper-case scheme.
    pub upper_scheme: bool,
    /// The user part and optional password.
    pub userinfo: Option<(Vec<Chunk>, Option<Vec<Chunk>>)>,
    /// The host.
    pub host: HostSpec,
    /// The port.
    pub port: Option<u16>,
    /// Parameters: name, optional value.
    pub params: Vec<(Vec<Chunk>, Option<Vec<Chunk>>)>,
    /// Headers: name, value.
    pub headers: Vec<(Vec<Chunk>, Vec<Chunk>)>,
}

/// Writes `chunks`; returns the text and the decoded octets.
fn render(chunks: &[Chunk], set: &[u8]) -> (String, Vec<u8>) {
    let mut text = String::new();
    let mut decoded = Vec::new();
    for c in chunks {
        match *c {
            Chunk::Plain(i) => {
                let b = set[usize::from(i) % set.len()];
                text.push(char::from(b));
                decoded.push(b);
            }
            Chunk::Escape(b, upper) => {
                if upper {
                    let _ = write!(text, "%{b:02X}");
                } else {
                    let _ = write!(text, "%{b:02x}");
                }
                decoded.push(b);
            }
        }
    }
    (text, decoded)
}

fn label(idx: &[u8], top: bool) -> String {
    let mut l: Vec<u8> = idx
        .iter()
        .take(70)
        .map(|&i| LABEL_CHARS[usize::from(i) % LABEL_CHARS.len()])
        .collect();
    if l.is_empty() {
        l.push(b'a');
    }
    if top && !l[0].is_ascii_alphabetic() {
        l.insert(0, b'z');
    }
    if l[0] == b'-' {
        l[0] = b'a';
    }
    if let Some(last) = l.last_mut() {
        if *last == b'-' {
            *last = b'0';
        }
    }
    String::from_utf8(l).unwrap_or_default()
}

const KNOWN: [&str; 5] = ["transport", "user", "ttl", "method", "maddr"];

/// Replays raw bytes: decode a [`UriSpec`] with `arbitrary`, then check it.
pub fn check_bytes(data: &[u8]) {
    let mut u = Unstructured::new(data);
    if let Ok(spec) = UriSpec::arbitrary(&mut u) {
        check(&spec);
    }
}

/// Builds the URI text, parses it, and checks every component.
#[allow(clippy::too_many_lines)]
pub fn check(spec: &UriSpec) {
    let scheme = if spec.sips { "sips" } else { "sip" };
    let mut text = if spec.upper_scheme {
        scheme.to_ascii_uppercase()
    } else {
        scheme.to_owned()
    };
    text.push(':');

    let mut want_user = None;
    let mut want_password = None;
    if let Some((user, password)) = &spec.userinfo {
        let (ut, ud) = render(user, USER_CHARS);
        if !ut.is_empty() {
            text.push_str(&ut);
            if let Some(p) = password {
                let (pt, pd) = render(p, PASSWORD_CHARS);
                text.push(':');
                text.push_str(&pt);
                want_password = Some((pt, pd));
            }
            text.push('@');
            want_user = Some((ut, ud));
        }
    }

    let (host_text, want_host_domain) = match &spec.host {
        HostSpec::Domain(labels, top, dot) => {
            let mut parts: Vec<String> = labels.iter().take(6).map(|l| label(l, false)).collect();
            parts.push(label(top, true));
            let mut h = parts.join(".");
            if *dot {
                h.push('.');
            }
            (h.clone(), Some(h))
        }
        HostSpec::Ipv4(o) => (Ipv4Addr::from(*o).to_string(), None),
        HostSpec::Ipv6(s, compressed) => {
            let a = Ipv6Addr::from(*s);
            let t = if *compressed {
                format!("[{a}]")
            } else {
                let parts: Vec<String> = s.iter().map(|x| format!("{x:x}")).collect();
                format!("[{}]", parts.join(":"))
            };
            (t, None)
        }
    };
    let host_at = text.len();
    text.push_str(&host_text);
    if let Some(p) = spec.port {
        let _ = write!(text, ":{p}");
    }

    let mut want_params: Vec<(String, Option<String>)> = Vec::new();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for (name, value) in &spec.params {
        if want_params.len() == MAX_PARAMS {
            break;
        }
        let (nt, nd) = render(name, PARAM_CHARS);
        let key = nd.to_ascii_lowercase();
        if nt.is_empty() || seen.contains(&key) || KNOWN.iter().any(|k| k.as_bytes() == key) {
            continue;
        }
        let vt = value
            .as_ref()
            .map(|v| render(v, PARAM_CHARS).0)
            .filter(|v| !v.is_empty());
        text.push(';');
        text.push_str(&nt);
        if let Some(v) = &vt {
            text.push('=');
            text.push_str(v);
        }
        seen.push(key);
        want_params.push((nt, vt));
    }

    let mut want_headers: Vec<(String, String)> = Vec::new();
    for (name, value) in &spec.headers {
        let (nt, _) = render(name, HNV_CHARS);
        if nt.is_empty() {
            continue;
        }
        let (vt, _) = render(value, HNV_CHARS);
        text.push(if want_headers.is_empty() { '?' } else { '&' });
        text.push_str(&nt);
        text.push('=');
        text.push_str(&vt);
        want_headers.push((nt, vt));
    }

    let uri = match SipUri::parse(&text) {
        Ok(u) => u,
        Err(e) => panic!("built URI refused: {text:?}: {e} ({spec:?})"),
    };
    super::uri::check_parsed(&text, &uri);

    assert_eq!(
        uri.scheme(),
        if spec.sips { Scheme::Sips } else { Scheme::Sip }
    );
    assert_eq!(
        uri.user()
            .map(|u| (u.as_str().to_owned(), u.decode().into_owned())),
        want_user,
        "{text:?}"
    );
    assert_eq!(
        uri.password()
            .map(|u| (u.as_str().to_owned(), u.decode().into_owned())),
        want_password,
        "{text:?}"
    );
    match (&spec.host, uri.host()) {
        (HostSpec::Domain(..), Host::Domain(d)) => {
            assert_eq!(Some(d), want_host_domain.as_deref());
            let name = d.strip_suffix('.').unwrap_or(d);
            let plain = name.len() <= 253
                && name.split('.').all(|l| l.len() <= 63)
                && !name
                    .split('.')
                    .any(|l| l.to_ascii_lowercase().starts_with("xn--"));
            match uri.reference_domain() {
                Ok(r) => assert_eq!(r.as_str(), name.to_ascii_lowercase()),
                Err(e) => assert!(!plain, "{text:?}: reference_domain {e}"),
            }
        }
        (HostSpec::Ipv4(o), Host::Ipv4(a)) => assert_eq!(a, Ipv4Addr::from(*o)),
        (HostSpec::Ipv6(s, _), Host::Ipv6(a)) => assert_eq!(a, Ipv6Addr::from(*s)),
        (want, got) => panic!("{text:?}: host {got:?}, built from {want:?}"),
    }
    assert_eq!(uri.host_str(), host_text);
    assert_eq!(uri.port(), spec.port);
    let got_params: Vec<(String, Option<String>)> = uri
        .params()
        .map(|p| {
            (
                p.name().as_str().to_owned(),
                p.value().map(|v| v.as_str().to_owned()),
            )
        })
        .collect();
    assert_eq!(got_params, want_params, "{text:?}");
    let got_headers: Vec<(String, String)> = uri
        .headers()
        .map(|h| (h.name().as_str().to_owned(), h.value().as_str().to_owned()))
        .collect();
    assert_eq!(got_headers, want_headers, "{text:?}");

    // §19.1.4: the host, scheme and parameter names compare case-insensitively.
    let upper = format!(
        "{}{}{}",
        &text[..host_at],
        host_text.to_ascii_uppercase(),
        &text[host_at + host_text.len()..]
    );
    if let Ok(other) = SipUri::parse(&upper) {
        assert!(uri.equivalent(&other), "{text:?} vs {upper:?}");
    }
    // A different port makes them differ.
    let mut other_port = uri.to_string();
    if spec.port.is_none() && want_headers.is_empty() && want_params.is_empty() {
        other_port.push_str(":5060");
        let other = SipUri::parse(&other_port).expect("port appended");
        assert!(!uri.equivalent(&other), "{text:?} vs {other_port:?}");
    }
}
