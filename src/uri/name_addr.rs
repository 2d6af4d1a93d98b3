//! `name-addr` / `addr-spec` values of To, From, Contact, Route and Record-Route
//! (RFC 3261 §20.10, §25.1).

use super::chars::{self, TOKEN, URIC};
use super::error::{UriError, UriErrorKind as K};
use super::SipUri;

/// The URI inside a name-addr or addr-spec: a SIP/SIPS URI, or another `absoluteURI`
/// (such as `tel:`), kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddrSpec<'a> {
    /// A SIP or SIPS URI.
    Sip(SipUri<'a>),
    /// Another absolute URI (RFC 3261 `absoluteURI`), as written.
    Other(&'a str),
}

impl<'a> AddrSpec<'a> {
    /// The SIP or SIPS URI, if it is one.
    pub fn sip(&self) -> Option<&SipUri<'a>> {
        match self {
            Self::Sip(u) => Some(u),
            Self::Other(_) => None,
        }
    }

    /// The URI as written.
    pub fn as_str(&self) -> &'a str {
        match self {
            Self::Sip(u) => u.as_str(),
            Self::Other(s) => s,
        }
    }

    /// Parses a SIP/SIPS URI, or another `absoluteURI` (RFC 3261 §25.1:
    /// `scheme ":" ( hier-part / opaque-part )`), of which only the character set and escapes
    /// are checked: sipcert interprets no other scheme.
    pub fn parse(text: &'a str) -> Result<Self, UriError> {
        match SipUri::parse(text) {
            Ok(u) => Ok(Self::Sip(u)),
            Err(e) if e.kind() == K::NotSipScheme => {
                let colon = text.find(':').unwrap_or(0);
                let rest = &text.as_bytes()[colon + 1..];
                if rest.is_empty() {
                    return Err(UriError::new(K::InvalidScheme, colon));
                }
                let mut i = 0;
                while let Some(&b) = rest.get(i) {
                    if b == b'%' {
                        match (rest.get(i + 1), rest.get(i + 2)) {
                            (Some(h), Some(l))
                                if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {}
                            _ => return Err(UriError::new(K::InvalidEscape, colon + 1 + i)),
                        }
                        i += 3;
                    } else if chars::is(b, URIC) {
                        i += 1;
                    } else {
                        return Err(UriError::new(K::InvalidByte, colon + 1 + i));
                    }
                }
                Ok(Self::Other(text))
            }
            Err(e) => Err(e),
        }
    }
}

/// One `name-addr` or `addr-spec` with its header parameters, e.g. the value of a To header:
/// `"Alice" <sip:alice@atlanta.com>;tag=1928301774`.
///
/// Without `<>`, every `;param` after the URI is a header parameter, never a URI parameter
/// (§20.10); such a URI must not contain `,`, `;` or `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr<'a> {
    display_name: Option<&'a str>,
    uri: AddrSpec<'a>,
    bracketed: bool,
    params: &'a str,
}

impl<'a> NameAddr<'a> {
    /// Parses one header value: `( name-addr / addr-spec ) *( SEMI generic-param )`.
    pub fn parse(input: &'a str) -> Result<Self, UriError> {
        let (value, end) = parse_one(input, 0, false)?;
        if end != input.len() {
            return Err(UriError::new(K::UnexpectedChar, end));
        }
        Ok(value)
    }

    /// Parses a comma-separated list of values (Contact, Route, Record-Route).
    pub fn parse_list(input: &'a str) -> Result<Vec<Self>, UriError> {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let (value, end) = parse_one(input, pos, true)?;
            out.push(value);
            match input.as_bytes().get(end) {
                None => return Ok(out),
                Some(b',') => pos = end + 1,
                Some(_) => return Err(UriError::new(K::UnexpectedChar, end)),
            }
        }
    }

    /// The display name as written (a quoted string keeps its quotes), if any.
    pub fn display_name(&self) -> Option<&'a str> {
        self.display_name
    }

    /// The URI.
    pub fn uri(&self) -> &AddrSpec<'a> {
        &self.uri
    }

    /// Whether the URI was written in `<>` (the name-addr form).
    pub fn is_name_addr(&self) -> bool {
        self.bracketed
    }

    /// The header parameters after the URI (`;tag=…`, `;q=…`, `;expires=…`, `;lr` after `>`).
    pub fn params(&self) -> HeaderParams<'a> {
        HeaderParams {
            text: self.params,
            pos: 0,
        }
    }
}

/// One header parameter (`generic-param = token [ EQUAL gen-value ]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderParam<'a> {
    /// The name.
    pub name: &'a str,
    /// The value as written (a quoted string keeps its quotes), or `None`.
    pub value: Option<&'a str>,
}

/// Iterator over the header parameters of a [`NameAddr`].
#[derive(Debug, Clone)]
pub struct HeaderParams<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for HeaderParams<'a> {
    type Item = HeaderParam<'a>;

    fn next(&mut self) -> Option<HeaderParam<'a>> {
        // The text was validated by the same function when the NameAddr was parsed.
        let (param, end) = next_param(self.text, self.pos).ok()??;
        self.pos = end;
        Some(param)
    }
}

/// Skips `SWS` (optional linear white space, with line folding).
fn skip_sws(b: &[u8], mut pos: usize) -> usize {
    loop {
        while matches!(b.get(pos), Some(b' ' | b'\t')) {
            pos += 1;
        }
        if b.get(pos) == Some(&b'\r')
            && b.get(pos + 1) == Some(&b'\n')
            && matches!(b.get(pos + 2), Some(b' ' | b'\t'))
        {
            pos += 2;
        } else {
            return pos;
        }
    }
}

/// `quoted-string` starting at the `"` at `pos`; returns the offset after the closing quote.
fn quoted_string(b: &[u8], pos: usize) -> Result<usize, UriError> {
    let mut i = pos + 1;
    loop {
        match b.get(i) {
            None => return Err(UriError::new(K::InvalidNameAddr, pos)),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match b.get(i + 1) {
                Some(&c) if c != b'\r' && c != b'\n' && c < 0x80 => i += 2,
                _ => return Err(UriError::new(K::InvalidNameAddr, i)),
            },
            Some(b'\r') => {
                let next = skip_sws(b, i);
                if next == i {
                    return Err(UriError::new(K::InvalidNameAddr, i));
                }
                i = next;
            }
            Some(&c) if c == b' ' || c == b'\t' || c >= 0x21 => i += 1,
            Some(_) => return Err(UriError::new(K::InvalidByte, i)),
        }
    }
}

fn token_end(b: &[u8], pos: usize) -> usize {
    b[pos..]
        .iter()
        .position(|&c| !chars::is(c, TOKEN))
        .map_or(b.len(), |p| pos + p)
}

fn parse_one(input: &str, start: usize, in_list: bool) -> Result<(NameAddr<'_>, usize), UriError> {
    let b = input.as_bytes();
    let mut pos = skip_sws(b, start);

    // Display name: a quoted string, or tokens separated by LWS, then "<".
    let mut display = None;
    if b.get(pos) == Some(&b'"') {
        let end = quoted_string(b, pos)?;
        display = Some(&input[pos..end]);
        pos = skip_sws(b, end);
        if b.get(pos) != Some(&b'<') {
            return Err(UriError::new(K::InvalidNameAddr, pos));
        }
    } else if b.get(pos) != Some(&b'<') {
        let mut p = pos;
        let mut last_token_end = pos;
        loop {
            let end = token_end(b, p);
            if end == p {
                break;
            }
            last_token_end = end;
            p = skip_sws(b, end);
            if p == end {
                break;
            }
        }
        if b.get(p) == Some(&b'<') && last_token_end > pos {
            display = Some(&input[pos..last_token_end]);
            pos = p;
        }
    }

    let (uri, bracketed, after_uri) = if b.get(pos) == Some(&b'<') {
        let uri_start = pos + 1;
        let Some(len) = b[uri_start..].iter().position(|&c| c == b'>') else {
            return Err(UriError::new(K::InvalidNameAddr, pos));
        };
        let text = &input[uri_start..uri_start + len];
        let uri = AddrSpec::parse(text).map_err(|e| e.shifted(uri_start))?;
        (uri, true, uri_start + len + 1)
    } else {
        // addr-spec: the URI ends at ';', ',' (in a list) or white space; it may not
        // contain '?' (§20.10: such a URI needs the name-addr form).
        let len = b[pos..]
            .iter()
            .position(|&c| {
                c == b';' || c == b' ' || c == b'\t' || c == b'\r' || (in_list && c == b',')
            })
            .unwrap_or(b.len() - pos);
        let text = &input[pos..pos + len];
        if let Some(q) = text.find('?') {
            return Err(UriError::new(K::InvalidNameAddr, pos + q));
        }
        let uri = AddrSpec::parse(text).map_err(|e| e.shifted(pos))?;
        (uri, false, pos + len)
    };

    // Header parameters.
    let params_start = after_uri;
    let mut p = after_uri;
    while let Some((_, end)) = next_param(input, p)? {
        p = end;
    }
    let params = &input[params_start..p];
    let end = skip_sws(b, p);
    Ok((
        NameAddr {
            display_name: display,
            uri,
            bracketed,
            params,
        },
        end,
    ))
}

/// Reads `SEMI generic-param` at `pos`; `Ok(None)` when there is no `;` next.
fn next_param(input: &str, pos: usize) -> Result<Option<(HeaderParam<'_>, usize)>, UriError> {
    let b = input.as_bytes();
    let semi = skip_sws(b, pos);
    if b.get(semi) != Some(&b';') {
        return Ok(None);
    }
    let name_start = skip_sws(b, semi + 1);
    let name_end = token_end(b, name_start);
    if name_end == name_start {
        return Err(UriError::new(K::InvalidHeaderParam, name_start));
    }
    let name = &input[name_start..name_end];
    let eq = skip_sws(b, name_end);
    if b.get(eq) != Some(&b'=') {
        return Ok(Some((HeaderParam { name, value: None }, name_end)));
    }
    let value_start = skip_sws(b, eq + 1);
    let value_end = match b.get(value_start) {
        Some(b'"') => quoted_string(b, value_start)?,
        Some(b'[') => b[value_start..]
            .iter()
            .position(|&c| c == b']')
            .map(|p| value_start + p + 1)
            .filter(|&e| {
                input[value_start + 1..e - 1]
                    .parse::<std::net::Ipv6Addr>()
                    .is_ok()
            })
            .ok_or(UriError::new(K::InvalidHeaderParam, value_start))?,
        _ => token_end(b, value_start),
    };
    if value_end == value_start {
        return Err(UriError::new(K::InvalidHeaderParam, value_start));
    }
    Ok(Some((
        HeaderParam {
            name,
            value: Some(&input[value_start..value_end]),
        },
        value_end,
    )))
}
