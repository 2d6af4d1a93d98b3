//! [`Escaped`]: a URI component as written, with its `%HH` escapes decoded on demand.

use alloc_free::DecodeIter;
use core::cmp::Ordering;
use core::fmt;
use std::borrow::Cow;

use super::chars::{self, RESERVED};

/// A URI component as it was written, whose `%HH` escapes are already validated.
///
/// [`Escaped::as_str`] gives the text as written; [`Escaped::decode`] gives the octets with
/// every escape decoded exactly once (RFC 3261 §19.1.2; `%25%34%31` decodes to `%41`, never
/// to `A`). Decoded octets may hold anything, NUL included, so they are bytes, not a string.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Escaped<'a>(&'a str);

impl<'a> Escaped<'a> {
    /// Wraps text whose escapes the parser has validated.
    pub(crate) fn new(raw: &'a str) -> Self {
        Self(raw)
    }

    /// The component as written, escapes included.
    pub fn as_str(&self) -> &'a str {
        self.0
    }

    /// Whether the component contains escapes.
    pub fn has_escapes(&self) -> bool {
        // Components are short: a plain loop beats memchr's set-up cost.
        self.0.bytes().any(|b| b == b'%')
    }

    /// The octets with every `%HH` escape decoded once. Borrowed when there is no escape.
    pub fn decode(&self) -> Cow<'a, [u8]> {
        if self.has_escapes() {
            Cow::Owned(self.decoded_bytes().collect())
        } else {
            Cow::Borrowed(self.0.as_bytes())
        }
    }

    /// The decoded octets as UTF-8 text, with invalid sequences replaced (for display).
    pub fn decode_lossy(&self) -> Cow<'a, str> {
        match self.decode() {
            Cow::Borrowed(b) => String::from_utf8_lossy(b),
            Cow::Owned(v) => Cow::Owned(String::from_utf8_lossy(&v).into_owned()),
        }
    }

    /// Iterates over the decoded octets without allocating.
    pub(crate) fn decoded_bytes(&self) -> DecodeIter<'a> {
        DecodeIter::new(self.0.as_bytes())
    }

    /// Compares the decoded octets with `other`, ignoring ASCII case, without allocating.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        let mut mine = self.decoded_bytes();
        let mut theirs = other.bytes();
        loop {
            match (mine.next(), theirs.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
                _ => return false,
            }
        }
    }

    /// RFC 3261 §19.1.4 comparison: characters outside `reserved` equal their escaped form;
    /// escaped reserved characters stay distinct from unescaped ones.
    pub(crate) fn equivalent(&self, other: &Escaped<'_>, ignore_case: bool) -> bool {
        let mut a = CanonIter::new(self.0.as_bytes());
        let mut b = CanonIter::new(other.0.as_bytes());
        loop {
            match (a.next(), b.next()) {
                (None, None) => return true,
                (Some((ea, x)), Some((eb, y))) => {
                    let same = if ignore_case {
                        x.eq_ignore_ascii_case(&y)
                    } else {
                        x == y
                    };
                    if ea != eb || !same {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }
}

impl Escaped<'_> {
    /// A total order consistent with [`Escaped::equivalent`]: equal exactly when equivalent.
    /// It orders the §19.1.4 canonical units (escaped-reserved flag, octet, lower-cased when
    /// `ignore_case`), so equivalent components sort together.
    pub(crate) fn canonical_cmp(&self, other: &Escaped<'_>, ignore_case: bool) -> Ordering {
        let key = |(escaped, b): (bool, u8)| {
            (
                escaped,
                if ignore_case {
                    b.to_ascii_lowercase()
                } else {
                    b
                },
            )
        };
        CanonIter::new(self.0.as_bytes())
            .map(key)
            .cmp(CanonIter::new(other.0.as_bytes()).map(key))
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The value of a hex digit; the parser guarantees the input is one.
pub(crate) fn hex_val(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Canonical §19.1.4 units: `(escaped_reserved, octet)`.
struct CanonIter<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> CanonIter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }
}

impl Iterator for CanonIter<'_> {
    type Item = (bool, u8);

    fn next(&mut self) -> Option<(bool, u8)> {
        let b = *self.bytes.get(self.pos)?;
        if b == b'%' {
            if let (Some(&h), Some(&l)) =
                (self.bytes.get(self.pos + 1), self.bytes.get(self.pos + 2))
            {
                self.pos += 3;
                let v = hex_val(h) << 4 | hex_val(l);
                return Some((chars::is(v, RESERVED), v));
            }
        }
        self.pos += 1;
        Some((false, b))
    }
}

mod alloc_free {
    use super::hex_val;

    /// Decodes `%HH` escapes once, lazily.
    #[derive(Debug, Clone)]
    pub(crate) struct DecodeIter<'a> {
        bytes: &'a [u8],
        pos: usize,
    }

    impl<'a> DecodeIter<'a> {
        pub(crate) fn new(bytes: &'a [u8]) -> Self {
            Self { bytes, pos: 0 }
        }
    }

    impl Iterator for DecodeIter<'_> {
        type Item = u8;

        fn next(&mut self) -> Option<u8> {
            let b = *self.bytes.get(self.pos)?;
            if b == b'%' {
                if let (Some(&h), Some(&l)) =
                    (self.bytes.get(self.pos + 1), self.bytes.get(self.pos + 2))
                {
                    self.pos += 3;
                    return Some(hex_val(h) << 4 | hex_val(l));
                }
            }
            self.pos += 1;
            Some(b)
        }
    }
}
