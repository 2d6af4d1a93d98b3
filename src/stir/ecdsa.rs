//! ES256 signatures in their two forms: JWS's raw `r || s` (RFC 7518 §3.4, 64 octets) and the
//! ASN.1 `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` DER that webpki and rustls
//! signers use (RFC 3279 §2.2.3). Both directions are strict: a zero `r` or `s` is refused,
//! and the DER read is minimal.

use crate::der::reader::{Reader, INTEGER, SEQUENCE};

/// The DER `ECDSA-Sig-Value` of a raw P-256 `r || s`; `None` unless it is 64 octets with
/// non-zero `r` and `s`.
pub(crate) fn raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() != 64 {
        return None;
    }
    let (r, s) = raw.split_at(32);
    let mut body = Vec::with_capacity(70);
    for half in [r, s] {
        let start = half.iter().position(|b| *b != 0)?;
        let digits = half.get(start..)?;
        let pad = digits.first().is_some_and(|b| b & 0x80 != 0);
        body.push(INTEGER);
        body.push(u8::try_from(digits.len() + usize::from(pad)).ok()?);
        if pad {
            body.push(0);
        }
        body.extend_from_slice(digits);
    }
    let mut out = Vec::with_capacity(body.len() + 2);
    out.push(SEQUENCE);
    out.push(u8::try_from(body.len()).ok()?);
    out.extend(body);
    Some(out)
}

/// The raw `r || s` of a DER `ECDSA-Sig-Value` for P-256; `None` unless it is minimal DER
/// with positive `r` and `s` of at most 32 octets.
pub(crate) fn der_to_raw(der: &[u8]) -> Option<[u8; 64]> {
    let mut outer = Reader::new(der);
    let mut seq = outer.read_expected(SEQUENCE, "").ok()?;
    outer.expect_end("").ok()?;
    let mut out = [0u8; 64];
    for half in out.chunks_mut(32) {
        let int = seq.read_expected(INTEGER, "").ok()?;
        let bytes = int.as_bytes();
        let digits = match bytes {
            [0, next, ..] if next & 0x80 != 0 => bytes.get(1..)?,
            [first, ..] if first & 0x80 == 0 && *first != 0 => bytes,
            _ => return None,
        };
        if digits.len() > 32 {
            return None;
        }
        half.get_mut(32 - digits.len()..)?.copy_from_slice(digits);
    }
    seq.expect_end("").ok()?;
    Some(out)
}
