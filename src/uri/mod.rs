//! RFC 3261 SIP and SIPS URIs: a strict, zero-copy parser.
//!
//! [`SipUri`] implements the SIP-URI / SIPS-URI grammar of RFC 3261 §25.1 with the RFC 5954
//! IPv4 and IPv6 address rules, and the semantic rules of §19.1.1: the user part is not empty
//! when `@` is present, a parameter name appears at most once, the port is 0–65535, `ttl` is
//! 0–255, and a SIPS URI does not ask for UDP. It borrows the input and does not allocate;
//! [`OwnedSipUri`] owns its text.
//!
//! [`NameAddr`] parses the `name-addr` / `addr-spec` values of To, From, Contact, Route and
//! Record-Route (§20.10). [`SipUri::equivalent`] is the §19.1.4 URI comparison, which is
//! *not* how certificates are matched: RFC 5922 §7.2 compares only the host, through
//! [`SipUri::reference_domain`].
//!
//! ```
//! use sipcert::uri::{Host, Scheme, SipUri, Transport};
//!
//! let uri = SipUri::parse("sips:alice;day=tuesday@Atlanta.COM:5061;transport=tcp;lr?subject=hi%20there")?;
//! assert_eq!(uri.scheme(), Scheme::Sips);
//! assert_eq!(uri.user().unwrap().as_str(), "alice;day=tuesday");
//! assert_eq!(uri.host(), Host::Domain("Atlanta.COM"));
//! assert_eq!(uri.port(), Some(5061));
//! assert_eq!(uri.transport(), Some(Transport::Tcp));
//! assert!(uri.lr());
//! assert_eq!(&*uri.header("Subject").unwrap().decode(), b"hi there");
//! assert_eq!(uri.reference_domain()?.as_str(), "atlanta.com");
//! assert_eq!(uri.to_string(), "sips:alice;day=tuesday@Atlanta.COM:5061;transport=tcp;lr?subject=hi%20there");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod chars;
mod equiv;
mod error;
mod escaped;
mod host;
mod name_addr;
mod params;
mod parser;

use core::fmt;
use core::ops::Range;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use error::{UriError, UriErrorKind};
pub use escaped::Escaped;
pub use name_addr::{AddrSpec, HeaderParam, HeaderParams, NameAddr};
pub use params::{Header, Headers, Param, Params, Transport, UserParam};

use crate::domain::{DomainName, DomainNameError};

/// The most URI parameters one URI may have. RFC 3261 sets no limit; this one bounds the work
/// the duplicate-name check does on hostile input, far above anything seen in practice.
pub const MAX_PARAMS: usize = 64;

/// The URI scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `sip:`
    Sip,
    /// `sips:`
    Sips,
}

impl Scheme {
    /// `"sip"` or `"sips"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sip => "sip",
            Self::Sips => "sips",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The host of a SIP URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host<'a> {
    /// A host name as written (original case, trailing dot kept), valid per RFC 3261
    /// `hostname`. [`SipUri::reference_domain`] gives its normalized form.
    Domain(&'a str),
    /// An IPv4 address (RFC 5954 dec-octets).
    Ipv4(Ipv4Addr),
    /// An IPv6 address, written in brackets in the URI.
    Ipv6(Ipv6Addr),
}

impl Host<'_> {
    /// The IP address, for an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match *self {
            Self::Domain(_) => None,
            Self::Ipv4(a) => Some(IpAddr::V4(a)),
            Self::Ipv6(a) => Some(IpAddr::V6(a)),
        }
    }

    /// `"domain"`, `"ipv4"` or `"ipv6"`.
    pub fn kind_str(&self) -> &'static str {
        match self {
            Self::Domain(_) => "domain",
            Self::Ipv4(_) => "ipv4",
            Self::Ipv6(_) => "ipv6",
        }
    }
}

/// Why a URI has no reference SIP domain (RFC 5922 §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceError {
    /// The host is an IP address: there is no SIP domain to compare (`reference-is-ip-literal`).
    #[error("the URI host is the IP literal {0}, not a SIP domain")]
    IpLiteral(IpAddr),
    /// The host is grammatical but not a usable DNS name (a label over 63 octets, a name over
    /// 253 octets, or a bogus A-label) (`reference-invalid`).
    #[error("the URI host is not a valid DNS name: {0}")]
    Invalid(DomainNameError),
}

impl ReferenceError {
    /// The stable reject code: `reference-is-ip-literal` or `reference-invalid`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::IpLiteral(_) => "reference-is-ip-literal",
            Self::Invalid(_) => "reference-invalid",
        }
    }
}

/// Where in the text each component sits; shared by [`SipUri`] and [`OwnedSipUri`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    scheme: Scheme,
    /// `user` (without `:password` and `@`).
    user: Option<Range<usize>>,
    /// `password` (after the `:`), possibly empty.
    password: Option<Range<usize>>,
    /// The host as written (with brackets for IPv6).
    host_text: Range<usize>,
    host: HostRepr,
    port: Option<u16>,
    /// The parameters, each introduced by `;` (empty range when there are none).
    params: Range<usize>,
    /// The headers after `?` (None when there is no `?`).
    headers: Option<Range<usize>>,
}

/// The RFC 3261 §25.1 `host` at the start of `input` (a hostname, an RFC 5954 IPv4 address
/// or a bracketed IPv6 reference), the grammar a SIP URI's host is parsed with: the offset
/// where it ends (at the first `:`, `;`, `?` or the end, or after the `]`), or why it is none.
pub(crate) fn host_prefix(input: &[u8]) -> Result<usize, UriError> {
    host::parse_host(input, 0).map(|(end, _)| end)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostRepr {
    Domain,
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
}

/// A SIP or SIPS URI borrowed from its text (RFC 3261 §19.1, §25.1).
///
/// Parsing validates the whole grammar once; accessors then slice the text without
/// allocating. `Display` writes the URI back exactly as it was parsed.
#[derive(Clone, PartialEq, Eq)]
pub struct SipUri<'a> {
    text: &'a str,
    layout: Layout,
}

impl<'a> SipUri<'a> {
    /// Parses a SIP or SIPS URI.
    pub fn parse(input: &'a str) -> Result<Self, UriError> {
        let layout = parser::parse(input)?;
        Ok(Self {
            text: input,
            layout,
        })
    }

    /// Parses a SIP or SIPS URI from octets (certificate fields, wire data). Only ASCII can
    /// be valid; any other octet is an [`UriErrorKind::InvalidByte`] error.
    pub fn parse_bytes(input: &'a [u8]) -> Result<Self, UriError> {
        let text = core::str::from_utf8(input)
            .map_err(|e| UriError::new(UriErrorKind::InvalidByte, e.valid_up_to()))?;
        let layout = parser::parse(text)?;
        Ok(Self { text, layout })
    }

    /// Parses a Request-URI (RFC 3261 §7.1 and Table 1): the URI grammar, plus no headers.
    pub fn parse_request_uri(input: &'a str) -> Result<Self, UriError> {
        let uri = Self::parse(input)?;
        if let Some(h) = &uri.layout.headers {
            return Err(UriError::new(
                UriErrorKind::NotAllowedInContext,
                h.start.saturating_sub(1),
            ));
        }
        Ok(uri)
    }

    /// The whole URI as written.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.layout.scheme
    }

    /// Whether the URI has a userinfo part (`user[:password]@`). RFC 5922 §7.1 refuses such a
    /// URI as a SIP domain identity.
    pub fn has_userinfo(&self) -> bool {
        self.layout.user.is_some()
    }

    /// The user part, as written and decodable.
    pub fn user(&self) -> Option<Escaped<'a>> {
        self.layout
            .user
            .clone()
            .map(|r| Escaped::new(&self.text[r]))
    }

    /// The password, as written and decodable (RFC 3261 calls its use NOT RECOMMENDED).
    pub fn password(&self) -> Option<Escaped<'a>> {
        self.layout
            .password
            .clone()
            .map(|r| Escaped::new(&self.text[r]))
    }

    /// The host.
    pub fn host(&self) -> Host<'a> {
        match self.layout.host {
            HostRepr::Domain => Host::Domain(self.host_str()),
            HostRepr::Ipv4(a) => Host::Ipv4(a),
            HostRepr::Ipv6(a) => Host::Ipv6(a),
        }
    }

    /// The host as written (an IPv6 address with its brackets).
    pub fn host_str(&self) -> &'a str {
        &self.text[self.layout.host_text.clone()]
    }

    /// The port, when one is written.
    pub fn port(&self) -> Option<u16> {
        self.layout.port
    }

    /// The URI parameters, in order.
    pub fn params(&self) -> Params<'a> {
        Params::new(&self.text[self.layout.params.clone()])
    }

    /// The parameter named `name` (ASCII case-insensitive, after decoding escapes).
    pub fn param(&self, name: &str) -> Option<Param<'a>> {
        self.params().find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// The headers after `?`, in order.
    pub fn headers(&self) -> Headers<'a> {
        Headers::new(self.layout.headers.clone().map_or("", |r| &self.text[r]))
    }

    /// The value of the first header named `name` (ASCII case-insensitive, after decoding).
    pub fn header(&self, name: &str) -> Option<Escaped<'a>> {
        self.headers()
            .find(|h| h.name().eq_ignore_ascii_case(name))
            .map(|h| h.value())
    }

    /// The normalized SIP domain used for certificate matching (RFC 5922 §7.2): the host in
    /// lower case with one trailing dot removed. `maddr` is ignored: it redirects the request, the identity is the host (RFC 5922 §7.3).
    ///
    /// An IP literal has no SIP domain: [`ReferenceError::IpLiteral`].
    pub fn reference_domain(&self) -> Result<DomainName, ReferenceError> {
        match self.host() {
            Host::Domain(d) => DomainName::from_ascii(d).map_err(ReferenceError::Invalid),
            Host::Ipv4(a) => Err(ReferenceError::IpLiteral(IpAddr::V4(a))),
            Host::Ipv6(a) => Err(ReferenceError::IpLiteral(IpAddr::V6(a))),
        }
    }

    /// Copies the URI into an [`OwnedSipUri`].
    pub fn to_owned_uri(&self) -> OwnedSipUri {
        OwnedSipUri {
            text: self.text.into(),
            layout: self.layout.clone(),
        }
    }
}

impl fmt::Display for SipUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

impl fmt::Debug for SipUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SipUri")
            .field("scheme", &self.scheme())
            .field("user", &self.user())
            .field("password", &self.password().map(|_| "…"))
            .field("host", &self.host())
            .field("port", &self.port())
            .field("params", &self.params().collect::<Vec<_>>())
            .field("headers", &self.headers().collect::<Vec<_>>())
            .finish()
    }
}

/// A SIP or SIPS URI that owns its text.
#[derive(Clone, PartialEq, Eq)]
pub struct OwnedSipUri {
    text: Box<str>,
    layout: Layout,
}

impl OwnedSipUri {
    /// Parses and copies a SIP or SIPS URI.
    pub fn parse(input: &str) -> Result<Self, UriError> {
        SipUri::parse(input).map(|u| u.to_owned_uri())
    }

    /// Borrows it as a [`SipUri`], which has all the accessors.
    pub fn as_uri(&self) -> SipUri<'_> {
        SipUri {
            text: &self.text,
            layout: self.layout.clone(),
        }
    }
}

impl core::str::FromStr for OwnedSipUri {
    type Err = UriError;

    fn from_str(s: &str) -> Result<Self, UriError> {
        Self::parse(s)
    }
}

impl fmt::Display for OwnedSipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for OwnedSipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_uri(), f)
    }
}

impl<'a> From<&SipUri<'a>> for OwnedSipUri {
    fn from(u: &SipUri<'a>) -> Self {
        u.to_owned_uri()
    }
}
