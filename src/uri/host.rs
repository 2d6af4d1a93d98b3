//! The `host` rule: host names, RFC 5954 IPv4 addresses, and bracketed IPv6 references.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::error::{UriError, UriErrorKind};
use super::HostRepr;
use crate::domain::validate_ldh;

/// Parses the host that starts at `start` and ends at the first `:`, `;`, `?`, or the end (or
/// at the `]` of an IPv6 reference). Returns the end offset and the host.
pub(super) fn parse_host(input: &[u8], start: usize) -> Result<(usize, HostRepr), UriError> {
    match input.get(start) {
        None => Err(UriError::new(UriErrorKind::EmptyHost, start)),
        Some(b'[') => parse_ipv6_reference(input, start),
        Some(_) => {
            if let Some(end) = fast_hostname(input, start) {
                return Ok((end, HostRepr::Domain));
            }
            let len = input[start..]
                .iter()
                .position(|&b| matches!(b, b':' | b';' | b'?'))
                .unwrap_or(input.len() - start);
            let end = start + len;
            let text = &input[start..end];
            if text.is_empty() {
                return Err(UriError::new(UriErrorKind::EmptyHost, start));
            }
            if input.get(end) == Some(&b':')
                && text.iter().all(u8::is_ascii_hexdigit)
                && looks_like_unbracketed_ipv6(input, start)
            {
                return Err(UriError::new(UriErrorKind::UnbracketedIpv6, start));
            }
            if text.iter().all(|&b| b.is_ascii_digit() || b == b'.') {
                return parse_ipv4(text)
                    .map(|a| (end, HostRepr::Ipv4(a)))
                    .ok_or(UriError::new(UriErrorKind::InvalidIpv4, start));
            }
            match validate_ldh(text, false) {
                Ok(_) => Ok((end, HostRepr::Domain)),
                Err(e) => {
                    let kind = match e {
                        crate::DomainNameError::NotAscii { .. } => UriErrorKind::InvalidByte,
                        crate::DomainNameError::InvalidByte { byte, .. }
                            if byte <= b' ' || byte >= 0x7f =>
                        {
                            UriErrorKind::InvalidByte
                        }
                        _ => UriErrorKind::InvalidHost(e),
                    };
                    Err(UriError::new(kind, start + domain_error_offset(e)))
                }
            }
        }
    }
}

/// The common case in one pass: a valid RFC 3261 `hostname` from `start` to the first `:`,
/// `;`, `?` or the end. Returns its end, or `None` for anything else (IP addresses, errors),
/// which the careful path then handles.
fn fast_hostname(input: &[u8], start: usize) -> Option<usize> {
    let mut label_len = 0usize;
    let mut label_first = 0u8;
    let mut prev = 0u8;
    let mut top_first = 0u8;
    let mut end = input.len();
    for (i, &b) in input[start..].iter().enumerate() {
        match HOST_CLASS[usize::from(b)] {
            ALNUM => {
                if label_len == 0 {
                    label_first = b;
                }
                label_len += 1;
            }
            HYPHEN if label_len > 0 => label_len += 1,
            DOT if label_len > 0 && prev != b'-' => {
                top_first = label_first;
                label_len = 0;
            }
            STOP => {
                end = start + i;
                break;
            }
            _ => return None,
        }
        prev = b;
    }
    if label_len == 0 {
        // Empty, or ending in a dot: the top label is the one before it.
        if end == start {
            return None;
        }
    } else {
        if prev == b'-' {
            return None;
        }
        top_first = label_first;
    }
    top_first.is_ascii_alphabetic().then_some(end)
}

const OTHER: u8 = 0;
const ALNUM: u8 = 1;
const HYPHEN: u8 = 2;
const DOT: u8 = 3;
const STOP: u8 = 4;

/// Byte classes for [`fast_hostname`].
static HOST_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c: u8 = 0;
    loop {
        t[c as usize] = match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => ALNUM,
            b'-' => HYPHEN,
            b'.' => DOT,
            b':' | b';' | b'?' => STOP,
            _ => OTHER,
        };
        if c == u8::MAX {
            break t;
        }
        c += 1;
    }
};

/// Parses a whole text as a `host` (for `maddr`).
pub(super) fn parse_host_exact(text: &[u8]) -> Option<HostRepr> {
    match parse_host(text, 0) {
        Ok((end, repr)) if end == text.len() => Some(repr),
        Ok(_) | Err(_) => None,
    }
}

fn domain_error_offset(e: crate::DomainNameError) -> usize {
    use crate::DomainNameError as E;
    match e {
        E::EmptyLabel { offset }
        | E::LabelTooLong { offset }
        | E::InvalidByte { offset, .. }
        | E::NotAscii { offset }
        | E::HyphenAtLabelEdge { offset }
        | E::NumericTopLabel { offset } => offset,
        E::Empty | E::TooLong { .. } | E::InvalidALabel | E::Idna => 0,
    }
}

fn parse_ipv6_reference(input: &[u8], start: usize) -> Result<(usize, HostRepr), UriError> {
    let inner_start = start + 1;
    let Some(len) = input[inner_start..].iter().position(|&b| b == b']') else {
        return Err(UriError::new(UriErrorKind::UnterminatedIpv6, start));
    };
    let inner = &input[inner_start..inner_start + len];
    // RFC 3986 IPv6address, which RFC 5954 §4.1 mandates; std's parser follows it (no zone
    // identifiers, no leading zeros in the embedded IPv4 part, no ":::").
    let addr = core::str::from_utf8(inner)
        .ok()
        .filter(|s| {
            s.bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        })
        .and_then(|s| s.parse::<Ipv6Addr>().ok())
        .ok_or(UriError::new(UriErrorKind::InvalidIpv6, inner_start))?;
    Ok((inner_start + len + 1, HostRepr::Ipv6(addr)))
}

/// RFC 5954 `IPv4address`: four dec-octets (0-255) without leading zeros.
fn parse_ipv4(text: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split(|&b| b == b'.');
    for octet in &mut octets {
        let part = parts.next()?;
        let leading_zero = part.len() > 1 && part[0] == b'0';
        if part.is_empty() || part.len() > 3 || leading_zero {
            return None;
        }
        let mut v: u16 = 0;
        for &d in part {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u16::from(d - b'0');
        }
        *octet = u8::try_from(v).ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

/// `sip:2001:db8::10`: an IPv6 address written without brackets (RFC 5118 §4.2).
fn looks_like_unbracketed_ipv6(input: &[u8], start: usize) -> bool {
    let rest = &input[start..];
    let len = rest
        .iter()
        .position(|&b| matches!(b, b';' | b'?'))
        .unwrap_or(rest.len());
    let candidate = &rest[..len];
    candidate
        .iter()
        .skip_while(|&&b| b != b':')
        .skip(1)
        .any(|&b| b == b':')
        && core::str::from_utf8(candidate)
            .ok()
            .is_some_and(|s| s.parse::<Ipv6Addr>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The hand-written dec-octet parser agrees with std's (which follows RFC 3986).
        #[test]
        fn ipv4_agrees_with_std(s in "[0-9.]{0,16}|[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}") {
            prop_assert_eq!(parse_ipv4(s.as_bytes()), s.parse::<Ipv4Addr>().ok(), "{:?}", s);
        }

        /// The one-pass fast path agrees with the careful `hostname` check.
        #[test]
        fn fast_path_agrees(s in "[a-c0-2.:;?_-]{0,12}") {
            let b = s.as_bytes();
            let end = b.iter().position(|&c| matches!(c, b':' | b';' | b'?')).unwrap_or(b.len());
            let careful = validate_ldh(&b[..end], false).is_ok();
            prop_assert_eq!(fast_hostname(b, 0), careful.then_some(end), "{:?}", s);
        }
    }
}
