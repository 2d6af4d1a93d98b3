//! The DER reader (ITU-T X.690 §10): single-octet tags only, and definite lengths in their
//! minimal form only (the short form below 128, otherwise the fewest long-form octets, at most
//! four). Every read is checked against the end of the enclosing value. An error carries the
//! absolute byte offset of the offending octet in the outermost input and says what was
//! expected there.

use core::fmt;

/// BOOLEAN.
pub(crate) const BOOLEAN: u8 = 0x01;
/// INTEGER.
pub(crate) const INTEGER: u8 = 0x02;
/// BIT STRING.
pub(crate) const BIT_STRING: u8 = 0x03;
/// OCTET STRING.
pub(crate) const OCTET_STRING: u8 = 0x04;
/// OBJECT IDENTIFIER.
pub(crate) const OID: u8 = 0x06;
/// UTCTime.
pub(crate) const UTC_TIME: u8 = 0x17;
/// GeneralizedTime.
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
/// SEQUENCE (constructed).
pub(crate) const SEQUENCE: u8 = 0x30;
/// SET (constructed).
pub(crate) const SET: u8 = 0x31;

/// Where the DER stopped being canonical, and what was expected there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DerError {
    /// Absolute byte offset of the offending octet in the outermost input.
    pub(crate) offset: usize,
    /// What is wrong, phrased as what was expected.
    pub(crate) detail: &'static str,
}

impl fmt::Display for DerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.detail)
    }
}

/// A cursor over DER values. Reading a TLV yields its tag and a reader over its contents that
/// knows its own absolute offset, so nested errors still point into the outermost input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    /// A reader over a whole input (offset 0).
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { input, offset: 0 }
    }

    /// Whether every octet has been read.
    pub(crate) fn at_end(&self) -> bool {
        self.input.is_empty()
    }

    /// The next octet (the next tag), without reading it.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// Absolute offset of the next octet.
    pub(crate) fn offset(&self) -> usize {
        self.offset
    }

    /// The octets not read yet.
    pub(crate) fn as_bytes(&self) -> &'a [u8] {
        self.input
    }

    /// An error at the current position.
    pub(crate) fn error(&self, detail: &'static str) -> DerError {
        DerError {
            offset: self.offset,
            detail,
        }
    }

    fn byte(&mut self, detail: &'static str) -> Result<u8, DerError> {
        let (&b, rest) = self.input.split_first().ok_or(self.error(detail))?;
        self.input = rest;
        self.offset += 1;
        Ok(b)
    }

    /// Reads one TLV: its tag and a reader over its contents.
    #[inline]
    pub(crate) fn read_tlv(&mut self) -> Result<(u8, Self), DerError> {
        // The common cases first, each in its minimal form: a low tag number with a
        // short-form length, or a one- or two-octet long-form length (128..=65535), which
        // every certificate has a few of. Anything else, and every error, is read octet by
        // octet.
        let (tag, header, len) = match self.input {
            [tag, len @ 0..=0x7f, ..] => (*tag, 2, usize::from(*len)),
            [tag, 0x81, len @ 0x80..=0xff, ..] => (*tag, 3, usize::from(*len)),
            [tag, 0x82, high @ 0x01..=0xff, low, ..] => {
                (*tag, 4, usize::from(*high) << 8 | usize::from(*low))
            }
            _ => return self.read_tlv_checked(),
        };
        if tag & 0x1f != 0x1f {
            if let Some((contents, rest)) = self
                .input
                .get(header..)
                .and_then(|after| after.split_at_checked(len))
            {
                let child = Self {
                    input: contents,
                    offset: self.offset + header,
                };
                self.input = rest;
                self.offset += header + len;
                return Ok((tag, child));
            }
        }
        self.read_tlv_checked()
    }

    /// [`Reader::read_tlv`] octet by octet, with the precise error: long-form lengths and
    /// every malformed case, kept out of line so that the short-form path inlines.
    #[cold]
    #[inline(never)]
    fn read_tlv_checked(&mut self) -> Result<(u8, Self), DerError> {
        let tag_at = self.offset;
        let tag = self.byte("a tag, found the end of the enclosing value")?;
        if tag & 0x1f == 0x1f {
            return Err(DerError {
                offset: tag_at,
                detail: "a single-octet tag, found a high-tag-number form",
            });
        }
        let len_at = self.offset;
        let bad_len = |detail| DerError {
            offset: len_at,
            detail,
        };
        let first = self.byte("a length, found the end of the enclosing value")?;
        let len = match first {
            0..=0x7f => usize::from(first),
            0x80 => return Err(bad_len("a definite length, found the indefinite form")),
            0x81..=0x84 => {
                let mut len: u32 = 0;
                for i in 0..(first & 0x7f) {
                    let b = self.byte("a length octet, found the end of the enclosing value")?;
                    if i == 0 && b == 0 {
                        return Err(bad_len("a minimal length, found a leading zero octet"));
                    }
                    len = (len << 8) | u32::from(b);
                }
                if first == 0x81 && len < 0x80 {
                    return Err(bad_len(
                        "a minimal length, found the long form for a length below 128",
                    ));
                }
                usize::try_from(len).map_err(|_| bad_len("a length that fits in memory"))?
            }
            _ => return Err(bad_len("a length of at most 4 octets")),
        };
        let Some((contents, rest)) = self.input.split_at_checked(len) else {
            return Err(bad_len(
                "a length within the enclosing value, found one that runs past its end",
            ));
        };
        let child = Self {
            input: contents,
            offset: self.offset,
        };
        self.input = rest;
        self.offset += len;
        Ok((tag, child))
    }

    /// Reads one TLV that must carry `tag`; `expected` says what it is (used as the error).
    #[inline]
    pub(crate) fn read_expected(
        &mut self,
        tag: u8,
        expected: &'static str,
    ) -> Result<Self, DerError> {
        if self.peek() != Some(tag) {
            return Err(self.error(expected));
        }
        let (_, contents) = self.read_tlv()?;
        Ok(contents)
    }

    /// Reads one TLV that must carry `tag`, as [`Reader::read_expected`]: its whole encoding
    /// (tag, length and contents) and a reader over its contents.
    pub(crate) fn read_expected_tlv(
        &mut self,
        tag: u8,
        expected: &'static str,
    ) -> Result<(&'a [u8], Self), DerError> {
        let before = self.input;
        let contents = self.read_expected(tag, expected)?;
        let used = before.len() - self.input.len();
        Ok((before.get(..used).unwrap_or_default(), contents))
    }

    /// Reads one TLV carrying `tag` if the next value has that tag.
    #[inline]
    pub(crate) fn read_optional(&mut self, tag: u8) -> Result<Option<Self>, DerError> {
        if self.peek() == Some(tag) {
            let (_, contents) = self.read_tlv()?;
            Ok(Some(contents))
        } else {
            Ok(None)
        }
    }

    /// Fails with `expected` unless every octet has been read.
    pub(crate) fn expect_end(&self, expected: &'static str) -> Result<(), DerError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// Reads an OBJECT IDENTIFIER and checks its encoding (see [`check_oid`]); returns its
    /// content octets.
    pub(crate) fn read_oid(&mut self, expected: &'static str) -> Result<&'a [u8], DerError> {
        let oid = self.read_expected(OID, expected)?;
        check_oid(oid)?;
        Ok(oid.as_bytes())
    }
}

/// Checks that OBJECT IDENTIFIER contents are minimally encoded (X.690 §8.19.2): not empty, no
/// subidentifier starting with the octet 0x80, the last octet without the continuation bit.
pub(crate) fn check_oid(contents: Reader<'_>) -> Result<(), DerError> {
    let bytes = contents.as_bytes();
    // An OID of the id-ce arc (`2.5.29.x`, x below 128: every extension sipcert reads, and
    // most others) is minimal by its shape.
    if let [0x55, 0x1D, 0..=0x7f] = bytes {
        return Ok(());
    }
    if bytes.is_empty() {
        return Err(contents.error("an OBJECT IDENTIFIER with content octets"));
    }
    let mut starts_subidentifier = true;
    for (i, &b) in bytes.iter().enumerate() {
        if starts_subidentifier && b == 0x80 {
            return Err(DerError {
                offset: contents.offset() + i,
                detail: "a minimally encoded OBJECT IDENTIFIER, found a subidentifier with a leading 0x80 octet",
            });
        }
        starts_subidentifier = b & 0x80 == 0;
    }
    if starts_subidentifier {
        Ok(())
    } else {
        Err(DerError {
            offset: contents.offset() + bytes.len() - 1,
            detail: "an OBJECT IDENTIFIER whose last octet ends a subidentifier",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(r: &mut Reader<'_>) -> Result<(u8, Vec<u8>, usize), DerError> {
        let (tag, c) = r.read_tlv()?;
        Ok((tag, c.as_bytes().to_vec(), c.offset()))
    }

    #[test]
    fn lengths() {
        let long: Vec<u8> = [&[0x04, 0x81, 0x80][..], &[0; 0x80]].concat();
        let long2: Vec<u8> = [&[0x04, 0x82, 0x01, 0x00][..], &[0; 0x100]].concat();
        let ok: &[(&str, &[u8], u8, usize, usize)] = &[
            ("short form", &[0x04, 0x02, 1, 2], 0x04, 2, 2),
            ("empty", &[0x05, 0x00], 0x05, 0, 2),
            ("one long octet", &long, 0x04, 0x80, 3),
            ("two long octets", &long2, 0x04, 0x100, 4),
        ];
        for &(what, input, tag, len, at) in ok {
            let mut r = Reader::new(input);
            let got = tlv(&mut r);
            assert_eq!(
                got.as_ref().map(|(t, c, o)| (*t, c.len(), *o)),
                Ok((tag, len, at)),
                "{what}: {input:02x?}"
            );
            assert!(r.at_end(), "{what}");
        }
        let bad: &[(&str, &[u8], usize)] = &[
            ("empty input", &[], 0),
            ("no length", &[0x04], 1),
            ("high tag number", &[0x1f, 0x01, 0x00], 0),
            ("indefinite", &[0x30, 0x80, 0x00, 0x00], 1),
            ("0x81 below 128", &[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], 1),
            ("0x82 leading zero", &[0x04, 0x82, 0x00, 0x80], 1),
            ("0x83 leading zero", &[0x04, 0x83, 0x00, 0x01, 0x00], 1),
            (
                "0x84 leading zero",
                &[0x04, 0x84, 0x00, 0x00, 0x01, 0x00],
                1,
            ),
            ("five length octets", &[0x04, 0x85, 1, 0, 0, 0, 0], 1),
            ("high tag number, 0x81 length", &[0x1f, 0x81, 0x80], 0),
            ("high tag number, 0x82 length", &[0x3f, 0x82, 0x01, 0x00], 0),
            ("0x81 contents past the end", &[0x04, 0x81, 0x80, 1, 2], 1),
            (
                "0x82 contents past the end",
                &[0x04, 0x82, 0x01, 0x00, 1, 2],
                1,
            ),
            ("truncated length octets", &[0x04, 0x82, 0x01], 3),
            ("contents past the end", &[0x04, 0x03, 1, 2], 1),
            (
                "huge length",
                &[0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00],
                1,
            ),
        ];
        for &(what, input, offset) in bad {
            let mut r = Reader::new(input);
            let got = tlv(&mut r);
            assert_eq!(
                got.as_ref().map_err(|e| e.offset),
                Err(offset),
                "{what}: {input:02x?} gave {got:?}"
            );
        }
    }

    #[test]
    fn nested_offsets_are_absolute() {
        let input = [0x30, 0x05, 0x04, 0x03, 0x04, 0x81, 0x01];
        let mut r = Reader::new(&input);
        let (_, mut seq) = r.read_tlv().unwrap();
        let (_, mut octets) = seq.read_tlv().unwrap();
        assert_eq!(octets.offset(), 4);
        let e = octets.read_tlv().unwrap_err();
        assert_eq!(e.offset, 5, "{e}");
    }

    #[test]
    fn oids() {
        let table: &[(&[u8], Option<usize>)] = &[
            (&[0x55, 0x1d, 0x11], None),
            (&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x14], None),
            (&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d], None),
            (&[], Some(10)),
            (&[0x55, 0x1d, 0x80, 0x11], Some(12)),
            (&[0x80, 0x01], Some(10)),
            (&[0x55, 0x9d], Some(11)),
        ];
        for &(oid, want) in table {
            let mut padded = vec![0u8; 10];
            padded.extend_from_slice(oid);
            let mut r = Reader::new(&padded);
            r.input = &padded[10..];
            r.offset = 10;
            let got = check_oid(r).map_err(|e| e.offset);
            assert_eq!(got, want.map_or(Ok(()), Err), "{oid:02x?}");
        }
    }
}
