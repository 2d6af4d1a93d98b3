//! The single-pass SIP-URI / SIPS-URI parser (RFC 3261 §25.1, RFC 5954 §4.1).

use super::chars::{self, is, PARAM_UNRESERVED, PASSWORD_EXTRA, UNRESERVED, USER_UNRESERVED};
use super::error::{UriError, UriErrorKind as K};
use super::escaped::Escaped;
use super::host::{parse_host, parse_host_exact};
use super::params::Params;
use super::{Layout, Scheme, MAX_PARAMS};

/// Characters of `hname` / `hvalue` besides escapes.
const HNV: u16 = UNRESERVED | chars::HNV_UNRESERVED;
/// Characters of `paramchar` besides escapes.
const PARAMCHAR: u16 = UNRESERVED | PARAM_UNRESERVED;

/// The error for an unexpected byte: [`K::InvalidByte`] for spaces, controls and non-ASCII
/// octets (which RFC 3261 §19.1.2 says must be escaped), else `kind`.
fn unexpected(input: &[u8], pos: usize, kind: K) -> UriError {
    match input.get(pos) {
        Some(&b) if b <= b' ' || b >= 0x7f => UriError::new(K::InvalidByte, pos),
        _ => UriError::new(kind, pos),
    }
}

/// Scans bytes of class `mask` and valid `%HH` escapes from `pos`; returns the offset of the
/// first other byte. A `%` without two hex digits is an error.
fn scan(input: &[u8], mut pos: usize, mask: u16) -> Result<usize, UriError> {
    // `mask` never includes '%', so the common case is one table lookup per byte.
    while let Some(&b) = input.get(pos) {
        if is(b, mask) {
            pos += 1;
        } else if b == b'%' {
            match (input.get(pos + 1), input.get(pos + 2)) {
                (Some(h), Some(l)) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => pos += 3,
                _ => return Err(UriError::new(K::InvalidEscape, pos)),
            }
        } else {
            break;
        }
    }
    Ok(pos)
}

pub(super) fn parse(text: &str) -> Result<Layout, UriError> {
    let input = text.as_bytes();
    if input.is_empty() {
        return Err(UriError::new(K::Empty, 0));
    }
    let (scheme, mut pos) = parse_scheme(input)?;

    // userinfo: `@` cannot appear unescaped in the host, parameters or headers, so the first
    // `@` (if any) ends the userinfo (RFC 4475 §3.1.1.2).
    let (user, password) = match text.get(pos..).and_then(|rest| rest.find('@')) {
        Some(at) => {
            let at = pos + at;
            let (user, password) = parse_userinfo(input, pos, at)?;
            pos = at + 1;
            (Some(user), password)
        }
        None => (None, None),
    };

    let host_start = pos;
    let (host_end, host) = parse_host(input, pos)?;
    pos = host_end;

    let port = if input.get(pos) == Some(&b':') {
        let (end, port) = parse_port(input, pos + 1)?;
        pos = end;
        Some(port)
    } else {
        None
    };

    let params_start = pos;
    pos = parse_params(text, pos, scheme)?;
    let params = params_start..pos;

    let headers = if input.get(pos) == Some(&b'?') {
        let start = pos + 1;
        pos = parse_headers(input, start)?;
        Some(start..pos)
    } else {
        None
    };

    if pos != input.len() {
        return Err(unexpected(input, pos, K::UnexpectedChar));
    }
    Ok(Layout {
        scheme,
        user,
        password,
        host_text: host_start..host_end,
        host,
        port,
        params,
        headers,
    })
}

/// `scheme ":"`: returns the scheme and the offset after the colon.
fn parse_scheme(input: &[u8]) -> Result<(Scheme, usize), UriError> {
    let len = input
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
        .unwrap_or(input.len());
    let name = &input[..len];
    if input.get(len) != Some(&b':') || !name.first().is_some_and(u8::is_ascii_alphabetic) {
        let bad = if name.first().is_some_and(u8::is_ascii_alphabetic) {
            len
        } else {
            0
        };
        return Err(unexpected(input, bad, K::InvalidScheme));
    }
    if name.eq_ignore_ascii_case(b"sip") {
        Ok((Scheme::Sip, len + 1))
    } else if name.eq_ignore_ascii_case(b"sips") {
        Ok((Scheme::Sips, len + 1))
    } else {
        Err(UriError::new(K::NotSipScheme, 0))
    }
}

type Span = core::ops::Range<usize>;

/// `( user / telephone-subscriber ) [ ":" password ]` between `start` and the `@` at `at`.
fn parse_userinfo(input: &[u8], start: usize, at: usize) -> Result<(Span, Option<Span>), UriError> {
    let user_end = scan(input, start, UNRESERVED | USER_UNRESERVED)?;
    if user_end == start {
        return Err(if user_end == at {
            UriError::new(K::EmptyUser, at)
        } else {
            unexpected(input, user_end, K::InvalidUser)
        });
    }
    match input.get(user_end) {
        Some(b'@') => Ok((start..user_end, None)),
        Some(b':') => {
            let pw_start = user_end + 1;
            let pw_end = scan(input, pw_start, UNRESERVED | PASSWORD_EXTRA)?;
            if pw_end != at {
                return Err(unexpected(input, pw_end, K::InvalidPassword));
            }
            Ok((start..user_end, Some(pw_start..pw_end)))
        }
        _ => Err(unexpected(input, user_end, K::InvalidUser)),
    }
}

/// `port = 1*DIGIT`, 0–65535.
fn parse_port(input: &[u8], start: usize) -> Result<(usize, u16), UriError> {
    let mut pos = start;
    let mut value: u32 = 0;
    while let Some(&b) = input.get(pos) {
        if !b.is_ascii_digit() {
            break;
        }
        value = value.saturating_mul(10).saturating_add(u32::from(b - b'0'));
        pos += 1;
    }
    if pos == start || !matches!(input.get(pos), None | Some(b';' | b'?')) {
        return Err(unexpected(input, pos, K::InvalidPort));
    }
    let port = u16::try_from(value).map_err(|_| UriError::new(K::PortOutOfRange, start))?;
    Ok((pos, port))
}

/// `*( ";" uri-parameter )`, with the §19.1.1 rules: names unique (case-insensitive, after
/// decoding), well-known values valid, no UDP for SIPS.
fn parse_params(text: &str, mut pos: usize, scheme: Scheme) -> Result<usize, UriError> {
    let input = text.as_bytes();
    if input.get(pos) != Some(&b';') {
        return Ok(pos);
    }
    let params_start = pos;
    let mut count = 0;
    // The hash of every earlier name: a name whose hash is new is a new name.
    let mut hashes = [0u64; MAX_PARAMS];
    while input.get(pos) == Some(&b';') {
        let name_start = pos + 1;
        let name_end = scan(input, name_start, PARAMCHAR)?;
        if name_end == name_start {
            return Err(unexpected(input, name_end, K::InvalidParam));
        }
        let value = if input.get(name_end) == Some(&b'=') {
            let value_start = name_end + 1;
            let value_end = scan(input, value_start, PARAMCHAR)?;
            if value_end == value_start {
                return Err(unexpected(input, value_end, K::InvalidParam));
            }
            pos = value_end;
            Some(value_start..value_end)
        } else {
            pos = name_end;
            None
        };
        if !matches!(input.get(pos), None | Some(b';' | b'?')) {
            return Err(unexpected(input, pos, K::InvalidParam));
        }
        let name = slice(text, name_start..name_end)?;
        if count == MAX_PARAMS {
            return Err(UriError::new(K::TooManyParams, name_start));
        }
        let hash = name_hash(&name);
        if hashes[..count].contains(&hash) {
            // A possible duplicate: compare with the (at most MAX_PARAMS) earlier names, so
            // the work stays linear in the input length.
            let earlier = slice(text, params_start..name_start - 1)?;
            if Params::new(earlier.as_str()).any(|p| same_name(&p.name(), &name)) {
                return Err(UriError::new(K::DuplicateParam, name_start));
            }
        }
        hashes[count] = hash;
        count += 1;
        let value = match value {
            Some(span) => Some(slice(text, span)?),
            None => None,
        };
        check_known_param(&name, value.as_ref(), scheme, name_start)?;
    }
    Ok(pos)
}

/// A cheap signature of the decoded, lower-cased name (length, first and last octet, octet
/// sum): equal names (as [`same_name`] sees them) have equal signatures, so only equal
/// signatures need a comparison.
fn name_hash(name: &Escaped<'_>) -> u64 {
    fn sig(bytes: impl Iterator<Item = u8>) -> u64 {
        let (mut len, mut first, mut last, mut sum) = (0u64, 0u64, 0u64, 0u64);
        for b in bytes {
            let b = u64::from(b.to_ascii_lowercase());
            if len == 0 {
                first = b;
            }
            last = b;
            sum = sum.wrapping_add(b);
            len += 1;
        }
        (len << 48) ^ (first << 40) ^ (last << 32) ^ sum
    }
    if name.has_escapes() {
        sig(name.decoded_bytes())
    } else {
        sig(name.as_str().bytes())
    }
}

/// Parameter names compare case-insensitively after decoding escapes.
fn same_name(a: &Escaped<'_>, b: &Escaped<'_>) -> bool {
    if a.has_escapes() || b.has_escapes() {
        a.eq_ignore_ascii_case_escaped(b)
    } else {
        a.as_str().eq_ignore_ascii_case(b.as_str())
    }
}

/// The well-known parameters whose values RFC 3261 §25.1 constrains.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Transport,
    User,
    Method,
    Ttl,
    Maddr,
}

fn known(name: &Escaped<'_>) -> Option<Known> {
    const NAMES: [(&str, Known); 5] = [
        ("transport", Known::Transport),
        ("user", Known::User),
        ("method", Known::Method),
        ("ttl", Known::Ttl),
        ("maddr", Known::Maddr),
    ];
    let s = name.as_str();
    // Plain names: at most one candidate, chosen by length and first letter.
    let candidate = match (s.len(), s.as_bytes().first().map(u8::to_ascii_lowercase)) {
        (9, Some(b't')) => Some(NAMES[0]),
        (4, Some(b'u')) => Some(NAMES[1]),
        (6, Some(b'm')) => Some(NAMES[2]),
        (3, Some(b't')) => Some(NAMES[3]),
        (5, Some(b'm')) => Some(NAMES[4]),
        _ => None,
    };
    if let Some((n, k)) = candidate {
        if n.eq_ignore_ascii_case(s) {
            return Some(k);
        }
    }
    // Escaped names (`%74tl`) compare after decoding.
    if name.has_escapes() {
        return NAMES
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n))
            .map(|&(_, k)| k);
    }
    None
}

/// Validates the values of `transport`, `user`, `method`, `ttl` and `maddr`. The match on
/// [`Known`] is exhaustive, so a new well-known parameter cannot go unvalidated.
fn check_known_param(
    name: &Escaped<'_>,
    value: Option<&Escaped<'_>>,
    scheme: Scheme,
    at: usize,
) -> Result<(), UriError> {
    let bad = || UriError::new(K::InvalidParamValue, at);
    let Some(kind) = known(name) else {
        return Ok(());
    };
    let raw = value.map(|v| v.as_str().as_bytes());
    match kind {
        Known::Transport => {
            let value = value.ok_or_else(bad)?;
            if !decoded_is_token(value) {
                return Err(bad());
            }
            let udp = if value.has_escapes() {
                value.eq_ignore_ascii_case("udp")
            } else {
                value.as_str().eq_ignore_ascii_case("udp")
            };
            if scheme == Scheme::Sips && udp {
                return Err(UriError::new(K::SipsOverUdp, at));
            }
        }
        Known::User | Known::Method => {
            if !value.is_some_and(decoded_is_token) {
                return Err(bad());
            }
        }
        Known::Ttl => {
            let raw = raw.ok_or_else(bad)?;
            if !(1..=3).contains(&raw.len()) || !raw.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            if raw.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0')) > 255 {
                return Err(bad());
            }
        }
        Known::Maddr => {
            if raw.is_none_or(|r| parse_host_exact(r).is_none()) {
                return Err(bad());
            }
        }
    }
    Ok(())
}

/// `header *( "&" header )` with `header = hname "=" hvalue`.
fn parse_headers(input: &[u8], mut pos: usize) -> Result<usize, UriError> {
    loop {
        let name_end = scan(input, pos, HNV)?;
        if name_end == pos || input.get(name_end) != Some(&b'=') {
            return Err(unexpected(input, name_end, K::InvalidHeader));
        }
        pos = scan(input, name_end + 1, HNV)?;
        match input.get(pos) {
            Some(b'&') => pos += 1,
            None => return Ok(pos),
            Some(_) => return Err(unexpected(input, pos, K::InvalidHeader)),
        }
    }
}

/// Whether the value, with its escapes decoded, is a non-empty `token`.
fn decoded_is_token(value: &Escaped<'_>) -> bool {
    if !value.has_escapes() {
        let raw = value.as_str().as_bytes();
        return !raw.is_empty() && raw.iter().all(|&b| chars::is(b, chars::TOKEN));
    }
    let mut decoded = value.decoded_bytes().peekable();
    decoded.peek().is_some() && decoded.all(|b| chars::is(b, chars::TOKEN))
}

/// A component of `text` between delimiters the scanner found. The scanner only passes ASCII
/// octets and `%HH` escapes, so the range always lies on character boundaries; should it not,
/// the component is refused rather than read as something else.
fn slice(text: &str, range: Span) -> Result<Escaped<'_>, UriError> {
    let start = range.start;
    text.get(range)
        .map(Escaped::new)
        .ok_or_else(|| UriError::new(K::InvalidByte, start))
}

impl Escaped<'_> {
    /// Compares two escaped components by decoded octets, ignoring ASCII case.
    pub(crate) fn eq_ignore_ascii_case_escaped(&self, other: &Escaped<'_>) -> bool {
        let mut a = self.decoded_bytes();
        let mut b = other.decoded_bytes();
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
                _ => return false,
            }
        }
    }
}
