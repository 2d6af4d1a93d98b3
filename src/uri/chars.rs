//! Byte classes of the RFC 3261 §25.1 grammar, as one lookup table.

/// `alphanum`
pub(crate) const ALNUM: u16 = 1 << 0;
/// `mark`: `- _ . ! ~ * ' ( )`
pub(crate) const MARK: u16 = 1 << 1;
/// `user-unreserved`: `& = + $ , ; ? /`
pub(crate) const USER_UNRESERVED: u16 = 1 << 2;
/// The extra characters of `password`: `& = + $ ,`
pub(crate) const PASSWORD_EXTRA: u16 = 1 << 3;
/// `param-unreserved`: `[ ] / : & + $`
pub(crate) const PARAM_UNRESERVED: u16 = 1 << 4;
/// `hnv-unreserved`: `[ ] / ? : + $`
pub(crate) const HNV_UNRESERVED: u16 = 1 << 5;
/// `token` characters: alphanum and `- . ! % * _ + ` ' ~`
pub(crate) const TOKEN: u16 = 1 << 6;
/// `reserved`: `; / ? : @ & = + $ ,`
pub(crate) const RESERVED: u16 = 1 << 7;
/// `uric` of RFC 2396 as used by RFC 3261 `absoluteURI` (reserved, unreserved, `%`).
pub(crate) const URIC: u16 = 1 << 8;

/// `unreserved` = alphanum / mark
pub(crate) const UNRESERVED: u16 = ALNUM | MARK;

const fn build() -> [u16; 256] {
    let mut t = [0u16; 256];
    let mut c: u8 = 0;
    loop {
        let b = c as usize;
        let mut v = 0;
        if c.is_ascii_alphanumeric() {
            v |= ALNUM | TOKEN | URIC;
        }
        match c {
            b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => v |= MARK | URIC,
            _ => {}
        }
        match c {
            b'&' | b'=' | b'+' | b'$' | b',' | b';' | b'?' | b'/' => v |= USER_UNRESERVED,
            _ => {}
        }
        match c {
            b'&' | b'=' | b'+' | b'$' | b',' => v |= PASSWORD_EXTRA,
            _ => {}
        }
        match c {
            b'[' | b']' | b'/' | b':' | b'&' | b'+' | b'$' => v |= PARAM_UNRESERVED,
            _ => {}
        }
        match c {
            b'[' | b']' | b'/' | b'?' | b':' | b'+' | b'$' => v |= HNV_UNRESERVED,
            _ => {}
        }
        match c {
            b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~' => v |= TOKEN,
            _ => {}
        }
        match c {
            b';' | b'/' | b'?' | b':' | b'@' | b'&' | b'=' | b'+' | b'$' | b',' => {
                v |= RESERVED | URIC;
            }
            b'%' => v |= URIC,
            _ => {}
        }
        t[b] = v;
        if c == u8::MAX {
            return t;
        }
        c += 1;
    }
}

static TABLE: [u16; 256] = build();

/// Whether `b` is in any of the classes in `mask`.
#[inline]
pub(crate) fn is(b: u8, mask: u16) -> bool {
    TABLE[usize::from(b)] & mask != 0
}
