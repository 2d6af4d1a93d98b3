//! PEM or DER: how a certificate (or CRL) argument is told apart, one rule for every front end
//! (the command line, the Python package).
//!
//! - **PEM** is recognised by a `-----BEGIN ` line (RFC 7468 §2; explanatory text may come
//!   before it).
//! - **DER** is one complete outer SEQUENCE: tag `0x30`, a definite DER length in its minimal
//!   form, and exactly that many content octets up to the end of the input. A first octet of
//!   `0x30` alone proves nothing: `0 certs follow` is ASCII text starting with `0x30`.
//! - Anything else is an error that says why: neither, or both (a complete SEQUENCE that
//!   also holds a `-----BEGIN ` line is refused as ambiguous rather than guessed).
//!
//! What is inside the SEQUENCE is the library's to judge: a malformed certificate is a
//! rejection (`cert-malformed`), not an input error.
//!
//! ```
//! use sipcert::encoding::{detect_encoding, Encoding};
//!
//! let pem = b"0 certs follow\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";
//! assert_eq!(detect_encoding(pem), Ok(Encoding::Pem));
//! assert_eq!(detect_encoding(&[0x30, 0x03, 0x02, 0x01, 0x00]), Ok(Encoding::Der));
//! assert!(detect_encoding(b"0 certs follow\n").is_err());
//! ```

/// How an input is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// PEM text: it has a `-----BEGIN ` line.
    Pem,
    /// DER: exactly one complete outer SEQUENCE.
    Der,
}

/// Why an input is not one complete DER SEQUENCE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum DerFramingError {
    /// The input is empty.
    #[error("empty")]
    Empty,
    /// The first octet is not the SEQUENCE tag `0x30`.
    #[error("no SEQUENCE tag at offset 0 (0x{0:02x})")]
    NotASequence(u8),
    /// The input ends after the tag.
    #[error("truncated DER: no length octet at offset 1")]
    NoLength,
    /// An indefinite length (`0x80`), or a long form of more than four octets.
    #[error("unsupported DER length octet 0x{0:02x} at offset 1")]
    UnsupportedLength(u8),
    /// The long-form length octets are cut short.
    #[error("truncated DER: the length at offset 1 is cut short")]
    LengthCut,
    /// A length not in its minimal form (X.690 §10.1).
    #[error("non-minimal DER length at offset 1")]
    NonMinimalLength,
    /// Fewer content octets than the length announces.
    #[error("truncated DER: the SEQUENCE announces {announced} content octets at offset 1, only {present} are present")]
    Truncated {
        /// The announced content length.
        announced: usize,
        /// The content octets present.
        present: usize,
    },
    /// Octets after the SEQUENCE.
    #[error("{extra} octets of trailing data after the SEQUENCE, at offset {offset}")]
    TrailingData {
        /// Where the SEQUENCE ends.
        offset: usize,
        /// How many octets follow it.
        extra: usize,
    },
}

/// Why an input is neither PEM nor DER, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingError {
    /// The input is empty.
    #[error("empty")]
    Empty,
    /// No `-----BEGIN ` line, and not one complete DER SEQUENCE.
    #[error("neither DER ({0}) nor PEM (no -----BEGIN line)")]
    Neither(DerFramingError),
    /// One complete DER SEQUENCE that also holds a `-----BEGIN ` line.
    #[error("ambiguous: both one complete DER SEQUENCE and text with a -----BEGIN line")]
    Ambiguous,
}

/// The encoding of a certificate or CRL argument, by the rule of the
/// [module documentation](self).
pub fn detect_encoding(input: &[u8]) -> Result<Encoding, EncodingError> {
    if input.is_empty() {
        return Err(EncodingError::Empty);
    }
    match (check_der_framing(input), has_pem_begin_line(input)) {
        (Ok(()), false) => Ok(Encoding::Der),
        (Err(_), true) => Ok(Encoding::Pem),
        (Ok(()), true) => Err(EncodingError::Ambiguous),
        (Err(why), false) => Err(EncodingError::Neither(why)),
    }
}

/// Whether `input` has a line (at its start, or after a line feed) that begins, after
/// optional spaces and tabs, with `-----BEGIN `.
pub fn has_pem_begin_line(input: &[u8]) -> bool {
    input.split(|&b| b == b'\n').any(|line| {
        let start = line
            .iter()
            .position(|&b| b != b' ' && b != b'\t')
            .unwrap_or(line.len());
        line.get(start..)
            .is_some_and(|rest| rest.starts_with(b"-----BEGIN "))
    })
}

/// Whether `der` is exactly one complete SEQUENCE: tag `0x30`, a minimal definite length of
/// at most four octets, and that many content octets up to the end.
pub fn check_der_framing(der: &[u8]) -> Result<(), DerFramingError> {
    let (&tag, rest) = der.split_first().ok_or(DerFramingError::Empty)?;
    if tag != 0x30 {
        return Err(DerFramingError::NotASequence(tag));
    }
    let (&l0, rest) = rest.split_first().ok_or(DerFramingError::NoLength)?;
    let (announced, content) = if l0 < 0x80 {
        (usize::from(l0), rest)
    } else {
        let n = usize::from(l0 & 0x7f);
        if n == 0 || n > 4 {
            return Err(DerFramingError::UnsupportedLength(l0));
        }
        let octets = rest.get(..n).ok_or(DerFramingError::LengthCut)?;
        let content = rest.get(n..).ok_or(DerFramingError::LengthCut)?;
        let announced = octets
            .iter()
            .fold(0usize, |a, &b| (a << 8) | usize::from(b));
        // Minimal: no leading zero octet, and the long form only from 128 on.
        if octets.first() == Some(&0) || announced < 0x80 {
            return Err(DerFramingError::NonMinimalLength);
        }
        (announced, content)
    };
    let header = der.len() - content.len();
    match content.len().cmp(&announced) {
        core::cmp::Ordering::Equal => Ok(()),
        core::cmp::Ordering::Less => Err(DerFramingError::Truncated {
            announced,
            present: content.len(),
        }),
        core::cmp::Ordering::Greater => Err(DerFramingError::TrailingData {
            offset: header + announced,
            extra: content.len() - announced,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n";

    /// (name, input, expected encoding or error)
    #[test]
    #[allow(clippy::too_many_lines)] // one table
    fn pem_by_its_begin_line_der_by_one_complete_sequence() {
        use DerFramingError as D;
        use EncodingError as E;
        let long: Vec<u8> = [0x30, 0x81, 0x80].into_iter().chain([0u8; 0x80]).collect();
        let longer: Vec<u8> = [0x30, 0x82, 0x01, 0x00]
            .into_iter()
            .chain([0u8; 0x100])
            .collect();
        let prefixed: Vec<u8> = b"0 certs follow\n"
            .iter()
            .copied()
            .chain(PEM.bytes())
            .collect();
        let der_with_pem_inside: Vec<u8> = [0x30, u8::try_from(PEM.len() + 1).unwrap_or(0)]
            .into_iter()
            .chain(*b"\n")
            .chain(PEM.bytes())
            .collect();
        let cases: Vec<(&str, &[u8], Result<Encoding, EncodingError>)> = vec![
            ("PEM", PEM.as_bytes(), Ok(Encoding::Pem)),
            (
                "text, then PEM",
                b"subject=CN x\n-----BEGIN CERTIFICATE-----\n",
                Ok(Encoding::Pem),
            ),
            ("'0 certs follow', then PEM", &prefixed, Ok(Encoding::Pem)),
            (
                "indented BEGIN",
                b"  \t-----BEGIN X-----\n",
                Ok(Encoding::Pem),
            ),
            ("empty SEQUENCE", &[0x30, 0x00], Ok(Encoding::Der)),
            (
                "short form",
                &[0x30, 0x03, 0x02, 0x01, 0x00],
                Ok(Encoding::Der),
            ),
            ("long form, 1 octet", &long, Ok(Encoding::Der)),
            ("long form, 2 octets", &longer, Ok(Encoding::Der)),
            ("empty", b"", Err(E::Empty)),
            (
                "'0 certs follow' only",
                b"0 certs follow\n",
                Err(E::Neither(D::Truncated {
                    announced: 32,
                    present: 13,
                })),
            ),
            ("text", b"hello", Err(E::Neither(D::NotASequence(b'h')))),
            (
                "BEGIN not at a line start",
                b"x -----BEGIN CERTIFICATE-----\n",
                Err(E::Neither(D::NotASequence(b'x'))),
            ),
            (
                "BEGIN without its space",
                b"-----BEGINCERTIFICATE-----\n",
                Err(E::Neither(D::NotASequence(b'-'))),
            ),
            ("lone tag", &[0x30], Err(E::Neither(D::NoLength))),
            (
                "indefinite length",
                &[0x30, 0x80, 0x00, 0x00],
                Err(E::Neither(D::UnsupportedLength(0x80))),
            ),
            (
                "5 length octets",
                &[0x30, 0x85, 1, 0, 0, 0, 0],
                Err(E::Neither(D::UnsupportedLength(0x85))),
            ),
            (
                "length cut",
                &[0x30, 0x82, 0x01],
                Err(E::Neither(D::LengthCut)),
            ),
            (
                "long form below 128",
                &[0x30, 0x81, 0x01, 0x00],
                Err(E::Neither(D::NonMinimalLength)),
            ),
            (
                "leading zero length octet",
                &[0x30, 0x82, 0x00, 0x80],
                Err(E::Neither(D::NonMinimalLength)),
            ),
            (
                "content cut",
                &[0x30, 0x03, 0x02, 0x01],
                Err(E::Neither(D::Truncated {
                    announced: 3,
                    present: 2,
                })),
            ),
            (
                "trailing data",
                &[0x30, 0x00, 0x00],
                Err(E::Neither(D::TrailingData {
                    offset: 2,
                    extra: 1,
                })),
            ),
            (
                "two SEQUENCEs",
                &[0x30, 0x00, 0x30, 0x00],
                Err(E::Neither(D::TrailingData {
                    offset: 2,
                    extra: 2,
                })),
            ),
            (
                "a SEQUENCE holding PEM",
                &der_with_pem_inside,
                Err(E::Ambiguous),
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(detect_encoding(input), want, "{name}: {input:02x?}");
        }
    }
}
