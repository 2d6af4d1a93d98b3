//! Strict base64url (RFC 4648 §5) as JWS uses it (RFC 7515 §2): no padding, no whitespace,
//! no character outside the URL-safe alphabet, and the unused bits of the last character zero
//! (one encoding per byte string).

/// Why a base64url string is not canonical; `offset` is the character's index in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct B64Error {
    /// Index of the offending character.
    pub(crate) offset: usize,
    /// What was expected there.
    pub(crate) detail: &'static str,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decodes canonical unpadded base64url.
pub(crate) fn decode(input: &[u8]) -> Result<Vec<u8>, B64Error> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for (i, &c) in input.iter().enumerate() {
        let v = value(c).ok_or(B64Error {
            offset: i,
            detail: match c {
                b'=' => "no padding (base64url without '=')",
                b' ' | b'\t' | b'\r' | b'\n' => "no whitespace inside base64url",
                b'+' | b'/' => "the URL-safe alphabet ('-' and '_', not '+' and '/')",
                _ => "a base64url character (A-Z, a-z, 0-9, '-', '_')",
            },
        })?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    if input.len() % 4 == 1 {
        return Err(B64Error {
            offset: input.len() - 1,
            detail: "a length that is not 1 modulo 4 (a lone last character encodes no byte)",
        });
    }
    if bits > 0 && acc & ((1 << bits) - 1) != 0 {
        return Err(B64Error {
            offset: input.len() - 1,
            detail: "the unused bits of the last character set to zero (canonical base64url)",
        });
    }
    Ok(out)
}

/// Encodes as unpadded base64url.
pub(crate) fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let idx = (n >> (18 - 6 * i)) & 0x3f;
            out.push(char::from(ALPHABET[idx as usize]));
        }
    }
    out
}
