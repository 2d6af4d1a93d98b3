//! [`UriError`]: why a text is not a SIP or SIPS URI, and where.

use core::fmt;

use crate::domain::DomainNameError;

/// Why a text is not a valid SIP/SIPS URI (or name-addr), with the byte offset where parsing
/// failed.
///
/// [`UriError::code`] is a stable kebab-case string for logs and JSON; the `Display` text names
/// the grammar rule that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriError {
    kind: UriErrorKind,
    offset: usize,
}

impl UriError {
    pub(crate) fn new(kind: UriErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }

    /// What was wrong.
    pub fn kind(&self) -> UriErrorKind {
        self.kind
    }

    /// Byte offset in the input where the problem was found.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// A stable kebab-case code (the code of [`UriError::kind`]).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The same error, moved `by` bytes to the right (for URIs nested in larger text).
    pub(crate) fn shifted(self, by: usize) -> Self {
        Self {
            kind: self.kind,
            offset: self.offset + by,
        }
    }
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)
    }
}

impl std::error::Error for UriError {}

/// The kinds of [`UriError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriErrorKind {
    /// The input is empty.
    #[error("empty input")]
    Empty,
    /// A byte outside printable ASCII (a control character, space, or non-ASCII octet) where
    /// the grammar does not allow it; RFC 3261 §19.1.2 requires such bytes to be escaped.
    #[error("unescaped space, control or non-ASCII byte (RFC 3261 §19.1.2)")]
    InvalidByte,
    /// No `scheme ":"` prefix, or a malformed scheme.
    #[error("missing or malformed URI scheme (RFC 3261 §25.1)")]
    InvalidScheme,
    /// A well-formed URI whose scheme is neither `sip` nor `sips`.
    #[error("the scheme is not sip or sips")]
    NotSipScheme,
    /// `@` with nothing before it: RFC 3261 §19.1.1 says the user MUST NOT be empty.
    #[error("empty user part before '@' (RFC 3261 §19.1.1)")]
    EmptyUser,
    /// A character the `user` rule does not allow.
    #[error("character not allowed in the user part (RFC 3261 §25.1 user)")]
    InvalidUser,
    /// A character the `password` rule does not allow.
    #[error("character not allowed in the password (RFC 3261 §25.1 password)")]
    InvalidPassword,
    /// `%` not followed by two hex digits.
    #[error("'%' not followed by two hex digits (RFC 3261 §25.1 escaped)")]
    InvalidEscape,
    /// No host.
    #[error("missing host (RFC 3261 §25.1 hostport)")]
    EmptyHost,
    /// A host name that breaks the `hostname` rule (the detail says how).
    #[error("invalid host name: {}", .0.rule())]
    InvalidHost(DomainNameError),
    /// A host of digits and dots that is not an RFC 5954 (RFC 3986) IPv4 address.
    #[error("invalid IPv4 address (RFC 5954 §4.1 dec-octet)")]
    InvalidIpv4,
    /// A bracketed host that is not an RFC 5954 (RFC 3986) IPv6 address.
    #[error("invalid IPv6 reference (RFC 5954 §4.1 IPv6address)")]
    InvalidIpv6,
    /// `[` without its `]`.
    #[error("unterminated IPv6 reference: missing ']' (RFC 3261 §25.1 IPv6reference)")]
    UnterminatedIpv6,
    /// An IPv6 address without brackets (RFC 5118 §4.2).
    #[error("IPv6 address without brackets (RFC 5118 §4.2)")]
    UnbracketedIpv6,
    /// `:` after the host not followed by digits.
    #[error("port must be one or more digits (RFC 3261 §25.1 port)")]
    InvalidPort,
    /// A port above 65535.
    #[error("port above 65535")]
    PortOutOfRange,
    /// A malformed `;name[=value]` parameter.
    #[error("malformed URI parameter (RFC 3261 §25.1 uri-parameter)")]
    InvalidParam,
    /// The same parameter name twice (compared case-insensitively after decoding escapes);
    /// RFC 3261 §19.1.1 says a name MUST NOT appear more than once.
    #[error("duplicate URI parameter (RFC 3261 §19.1.1)")]
    DuplicateParam,
    /// More parameters than the parser accepts (a resource limit against hostile input).
    #[error("more than {} URI parameters", super::MAX_PARAMS)]
    TooManyParams,
    /// A well-known parameter with a value its rule forbids (`ttl` above 255, a `maddr` that
    /// is not a host, a `transport`, `user` or `method` that is not a token).
    #[error("invalid value for a well-known URI parameter (RFC 3261 §25.1)")]
    InvalidParamValue,
    /// `sips:` with `transport=udp`: RFC 3261 §19.1.1 and §26.2.2 require a reliable transport.
    #[error("a SIPS URI cannot use transport=udp (RFC 3261 §26.2.2)")]
    SipsOverUdp,
    /// A malformed `?name=value&...` header component.
    #[error("malformed URI header (RFC 3261 §25.1 header)")]
    InvalidHeader,
    /// Text after the URI where none may follow.
    #[error("unexpected character")]
    UnexpectedChar,
    /// A malformed display name or `<...>` in a name-addr (RFC 3261 §20.10).
    #[error("malformed name-addr (RFC 3261 §20.10)")]
    InvalidNameAddr,
    /// A malformed header parameter after a name-addr or addr-spec.
    #[error("malformed header parameter (RFC 3261 §25.1 generic-param)")]
    InvalidHeaderParam,
    /// A component that is not allowed in the context the URI is used in (RFC 3261 §19.1.1
    /// Table 1; for example headers in a Request-URI).
    #[error("component not allowed in this context (RFC 3261 §19.1.1 table 1)")]
    NotAllowedInContext,
}

impl UriErrorKind {
    /// A stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::InvalidByte => "invalid-byte",
            Self::InvalidScheme => "invalid-scheme",
            Self::NotSipScheme => "not-sip-scheme",
            Self::EmptyUser => "empty-user",
            Self::InvalidUser => "invalid-user",
            Self::InvalidPassword => "invalid-password",
            Self::InvalidEscape => "invalid-escape",
            Self::EmptyHost => "empty-host",
            Self::InvalidHost(_) => "invalid-host",
            Self::InvalidIpv4 => "invalid-ipv4",
            Self::InvalidIpv6 => "invalid-ipv6",
            Self::UnterminatedIpv6 => "unterminated-ipv6",
            Self::UnbracketedIpv6 => "unbracketed-ipv6",
            Self::InvalidPort => "invalid-port",
            Self::PortOutOfRange => "port-out-of-range",
            Self::InvalidParam => "invalid-param",
            Self::DuplicateParam => "duplicate-param",
            Self::TooManyParams => "too-many-params",
            Self::InvalidParamValue => "invalid-param-value",
            Self::SipsOverUdp => "sips-over-udp",
            Self::InvalidHeader => "invalid-header",
            Self::UnexpectedChar => "unexpected-char",
            Self::InvalidNameAddr => "invalid-name-addr",
            Self::InvalidHeaderParam => "invalid-header-param",
            Self::NotAllowedInContext => "not-allowed-in-context",
        }
    }
}
