//! Printable rendering of presented names and decoding of ASN.1 string types.

use core::fmt::Write as _;

/// Renders octets printable: 0x20–0x7E except `\` as themselves, everything else as `\xNN`.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..=0x7e).contains(&b) && b != b'\\' {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Decodes a BMPString (UCS-2, big endian; UTF-16BE accepted) strictly: odd lengths and
/// unpaired surrogates are refused.
pub(crate) fn decode_bmp(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Decodes a UniversalString (UCS-4, big endian) strictly.
pub(crate) fn decode_universal(bytes: &[u8]) -> Option<String> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    bytes
        .chunks_exact(4)
        .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes() {
        assert_eq!(printable(b"a.b"), "a.b");
        assert_eq!(printable(b"a\0b"), "a\\x00b");
        assert_eq!(printable(b"a\\b"), "a\\x5cb");
        assert_eq!(printable("ä".as_bytes()), "\\xc3\\xa4");
    }

    #[test]
    fn bmp() {
        assert_eq!(decode_bmp(&[0, b'a', 0, b'.']).as_deref(), Some("a."));
        assert_eq!(decode_bmp(&[0, b'a', 0]), None);
        assert_eq!(decode_bmp(&[0xd8, 0x00]), None);
        assert_eq!(decode_universal(&[0, 0, 0, b'x']).as_deref(), Some("x"));
        assert_eq!(decode_universal(&[0, 0x11, 0, 0]), None);
    }
}
