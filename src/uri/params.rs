//! URI parameters and headers: iterators over the validated text, and typed well-known ones.

use super::escaped::Escaped;
use super::host::parse_host_exact;
use super::{Host, HostRepr, SipUri};

/// One `;name[=value]` URI parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    name: Escaped<'a>,
    value: Option<Escaped<'a>>,
}

impl<'a> Param<'a> {
    /// The name as written (compare with [`Escaped::eq_ignore_ascii_case`]).
    pub fn name(&self) -> Escaped<'a> {
        self.name
    }

    /// The value, or `None` for a valueless parameter such as `lr`.
    pub fn value(&self) -> Option<Escaped<'a>> {
        self.value
    }
}

/// Iterator over the URI parameters of a [`SipUri`], in order.
#[derive(Debug, Clone)]
pub struct Params<'a> {
    rest: &'a str,
}

impl<'a> Params<'a> {
    /// `text` is the validated parameter section, each parameter introduced by `;`.
    pub(super) fn new(text: &'a str) -> Self {
        Self { rest: text }
    }
}

impl<'a> Iterator for Params<'a> {
    type Item = Param<'a>;

    fn next(&mut self) -> Option<Param<'a>> {
        let body = self.rest.strip_prefix(';')?;
        let end = body.find(';').unwrap_or(body.len());
        let (one, rest) = body.split_at(end);
        self.rest = rest;
        Some(match one.split_once('=') {
            Some((n, v)) => Param {
                name: Escaped::new(n),
                value: Some(Escaped::new(v)),
            },
            None => Param {
                name: Escaped::new(one),
                value: None,
            },
        })
    }
}

/// One `name=value` URI header (after `?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    name: Escaped<'a>,
    value: Escaped<'a>,
}

impl<'a> Header<'a> {
    /// The header name as written.
    pub fn name(&self) -> Escaped<'a> {
        self.name
    }

    /// The header value as written (may be empty).
    pub fn value(&self) -> Escaped<'a> {
        self.value
    }
}

/// Iterator over the headers of a [`SipUri`], in order.
#[derive(Debug, Clone)]
pub struct Headers<'a> {
    rest: Option<&'a str>,
}

impl<'a> Headers<'a> {
    /// `text` is the validated header section after `?` (empty: no headers).
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            rest: (!text.is_empty()).then_some(text),
        }
    }
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let text = self.rest?;
        let (one, rest) = match text.split_once('&') {
            Some((one, rest)) => (one, Some(rest)),
            None => (text, None),
        };
        self.rest = rest;
        let (n, v) = one.split_once('=').unwrap_or((one, ""));
        Some(Header {
            name: Escaped::new(n),
            value: Escaped::new(v),
        })
    }
}

/// The `transport` URI parameter (RFC 3261 §19.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transport<'a> {
    /// `udp`
    Udp,
    /// `tcp`
    Tcp,
    /// `sctp`
    Sctp,
    /// `tls` (deprecated by RFC 3261 §26.2.2 in favour of `sips:`)
    Tls,
    /// Another token, as written.
    Other(Escaped<'a>),
}

/// The `user` URI parameter (RFC 3261 §19.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserParam<'a> {
    /// `user=phone`: the user part is a telephone-subscriber.
    Phone,
    /// `user=ip`
    Ip,
    /// Another token, as written.
    Other(Escaped<'a>),
}

impl<'a> SipUri<'a> {
    /// The `transport` parameter.
    pub fn transport(&self) -> Option<Transport<'a>> {
        let v = self.param("transport")?.value()?;
        Some(if v.eq_ignore_ascii_case("udp") {
            Transport::Udp
        } else if v.eq_ignore_ascii_case("tcp") {
            Transport::Tcp
        } else if v.eq_ignore_ascii_case("sctp") {
            Transport::Sctp
        } else if v.eq_ignore_ascii_case("tls") {
            Transport::Tls
        } else {
            Transport::Other(v)
        })
    }

    /// The `user` parameter (not the user part: see [`SipUri::user`]).
    pub fn user_param(&self) -> Option<UserParam<'a>> {
        let v = self.param("user")?.value()?;
        Some(if v.eq_ignore_ascii_case("phone") {
            UserParam::Phone
        } else if v.eq_ignore_ascii_case("ip") {
            UserParam::Ip
        } else {
            UserParam::Other(v)
        })
    }

    /// The `method` parameter.
    pub fn method(&self) -> Option<Escaped<'a>> {
        self.param("method")?.value()
    }

    /// The `ttl` parameter (0–255, validated by the parser).
    pub fn ttl(&self) -> Option<u8> {
        self.param("ttl")?.value()?.as_str().parse().ok()
    }

    /// The `maddr` parameter as a host. It does not change the reference identity
    /// (RFC 5922 §7.3: the reference is the URI host).
    pub fn maddr(&self) -> Option<Host<'a>> {
        let v = self.param("maddr")?.value()?.as_str();
        Some(match parse_host_exact(v.as_bytes())? {
            HostRepr::Domain => Host::Domain(v),
            HostRepr::Ipv4(a) => Host::Ipv4(a),
            HostRepr::Ipv6(a) => Host::Ipv6(a),
        })
    }

    /// Whether the `lr` (loose routing) parameter is present.
    pub fn lr(&self) -> bool {
        self.param("lr").is_some()
    }
}
