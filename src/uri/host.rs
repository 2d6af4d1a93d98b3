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
                        crate::domain::DomainNameError::NotAscii { .. } => {
                            UriErrorKind::InvalidByte
                        }
                        crate::domain::DomainNameError::InvalidByte { byte, .. }
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
    let bytes = input.get(start..)?;
    // Letters, digits and '-' cost one lookup; labels are checked only at their dots.
    let mut label_start = 0;
    let mut top_start = 0;
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match HOST_CLASS[usize::from(b)] {
            ALNUM | HYPHEN => {}
            DOT => {
                if !ldh_label(bytes.get(label_start..i)?) {
                    return None;
                }
                top_start = label_start;
                label_start = i + 1;
            }
            STOP => {
                end = i;
                break;
            }
            _ => return None,
        }
    }
    if label_start < end {
        if !ldh_label(bytes.get(label_start..end)?) {
            return None;
        }
        top_start = label_start;
    } else if end == 0 {
        return None;
    }
    // (Ending in a dot: the top label is the one before it.)
    bytes
        .get(top_start)?
        .is_ascii_alphabetic()
        .then_some(start + end)
}

/// A non-empty label of letters, digits and '-' that neither starts nor ends with '-'.
fn ldh_label(label: &[u8]) -> bool {
    matches!((label.first(), label.last()), (Some(&f), Some(&l)) if f != b'-' && l != b'-')
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

fn domain_error_offset(e: crate::domain::DomainNameError) -> usize {
    use crate::domain::DomainNameError as E;
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
    let addr = parse_ipv6(inner).ok_or(UriError::new(UriErrorKind::InvalidIpv6, inner_start))?;
    Ok((inner_start + len + 1, HostRepr::Ipv6(addr)))
}

/// RFC 5954 §4.1 (RFC 3986) `IPv6address`: eight `h16` groups, one `::` standing for one or
/// more zero groups, and an optional dotted IPv4 address as the last 32 bits. No zone
/// identifiers, no `:::` (RFC 5118 §4.10's three-colon form is refused: RFC 5954 §4.1 grammar).
fn parse_ipv6(text: &[u8]) -> Option<Ipv6Addr> {
    let mut head = [0u16; 8];
    let mut tail = [0u16; 8];
    let (mut head_len, mut tail_len) = (0usize, 0usize);
    let mut compressed = false;
    let mut i = 0;
    if text.starts_with(b"::") {
        compressed = true;
        i = 2;
    }
    while i < text.len() {
        let groups = head_len + tail_len;
        // This group: up to the next ':' or the end.
        let seg_end = text[i..]
            .iter()
            .position(|&b| b == b':')
            .map_or(text.len(), |p| i + p);
        let seg = &text[i..seg_end];
        let mut push = |v: u16| {
            if compressed {
                *tail.get_mut(tail_len)? = v;
                tail_len += 1;
            } else {
                *head.get_mut(head_len)? = v;
                head_len += 1;
            }
            Some(())
        };
        if seg.contains(&b'.') {
            // ls32 as an IPv4 address: only as the last two groups.
            if seg_end != text.len() || groups > 6 {
                return None;
            }
            let v4 = u32::from(parse_ipv4(seg)?);
            push(u16::try_from(v4 >> 16).ok()?)?;
            push(u16::try_from(v4 & 0xffff).ok()?)?;
            break;
        }
        if seg.is_empty() || seg.len() > 4 || !seg.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let v = seg.iter().fold(0u16, |v, &d| {
            (v << 4) | u16::from(super::escaped::hex_val(d))
        });
        push(v)?;
        i = seg_end;
        if i == text.len() {
            break;
        }
        // At a ':'. A second ':' is the one allowed "::".
        i += 1;
        if text.get(i) == Some(&b':') {
            if compressed {
                return None;
            }
            compressed = true;
            i += 1;
        } else if i == text.len() {
            return None;
        }
    }
    let groups = head_len + tail_len;
    if (compressed && groups > 7) || (!compressed && groups != 8) {
        return None;
    }
    let mut all = head;
    all[8 - tail_len..].copy_from_slice(&tail[..tail_len]);
    Some(Ipv6Addr::from(all))
}

/// RFC 5954 `IPv4address`: four dec-octets (0-255) without leading zeros.
fn parse_ipv4(text: &[u8]) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut n = 0; // octets finished
    let mut value: u16 = 0;
    let mut digits = 0;
    let mut first = 0u8;
    for &b in text {
        if b.is_ascii_digit() {
            if digits == 0 {
                first = b;
            }
            digits += 1;
            value = value * 10 + u16::from(b - b'0');
            if digits > 3 || (digits > 1 && first == b'0') {
                return None;
            }
        } else if b == b'.' && digits > 0 && n < 3 {
            *octets.get_mut(n)? = u8::try_from(value).ok()?;
            n += 1;
            value = 0;
            digits = 0;
        } else {
            return None;
        }
    }
    if n != 3 || digits == 0 {
        return None;
    }
    *octets.get_mut(3)? = u8::try_from(value).ok()?;
    Some(Ipv4Addr::from(octets))
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

        /// The hand-written IPv6 parser agrees with std's (which follows RFC 3986) on text...
        #[test]
        fn ipv6_agrees_with_std_on_text(
            s in "[0-9a-fA-F:.]{0,24}|(([0-9a-f]{1,5})?:{1,3}){0,9}([0-9a-f]{1,4}|[0-9]{1,3}(\\.[0-9]{1,3}){0,4})?"
        ) {
            prop_assert_eq!(parse_ipv6(s.as_bytes()), s.parse::<Ipv6Addr>().ok(), "{:?}", s);
        }

        /// ... and on every way std writes an address, with groups zero-padded or not.
        #[test]
        fn ipv6_agrees_with_std_on_addresses(groups in any::<[u16; 8]>(), zeros in 0usize..8, v4 in any::<bool>()) {
            let mut g = groups;
            for x in g.iter_mut().take(zeros) {
                *x = 0;
            }
            let addr = Ipv6Addr::from(g);
            let mapped = std::net::Ipv4Addr::from((u32::from(g[6]) << 16) | u32::from(g[7]));
            let texts = [
                addr.to_string(),
                g.iter().map(|x| format!("{x:04x}")).collect::<Vec<_>>().join(":"),
                if v4 { format!("::ffff:{mapped}") } else { format!("{addr}") },
                format!("{}:{}:{}:{}:{}:{}:{mapped}", g[0], g[1], g[2], g[3], g[4], g[5]),
            ];
            for t in texts {
                prop_assert_eq!(parse_ipv6(t.as_bytes()), t.parse::<Ipv6Addr>().ok(), "{:?}", t);
            }
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
