//! RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular
//! extension." The duplicate check of the extension list walk ([`super::cert`]).

use super::cert::{KnownExtension, WalkError};

/// Up to this many extensions outside the id-ce arc (`2.5.29`), their OIDs are held for the
/// duplicate check without allocating and compared pairwise as they come (a typical leaf or
/// CA certificate has one to three: authorityInfoAccess, certificate transparency).
const INLINE_EXTENSIONS: usize = 4;

/// The OIDs of a certificate's extensions, for RFC 5280 §4.2: "A certificate MUST NOT
/// include more than one instance of a particular extension." OIDs are minimal, so equal
/// OIDs have equal octets.
///
/// id-ce OIDs (`2.5.29.x`, x below 128: three content octets `55 1D x`) are one bit each;
/// any other OID is compared with the others seen so far, inline up to
/// [`INLINE_EXTENSIONS`]; past that, they go to the heap and are sorted once at the end, so
/// that a certificate with thousands of extensions costs `n log n`, not `n²`.
pub(super) struct ExtensionOids<'a> {
    id_ce: u128,
    inline: [(&'a [u8], usize); INLINE_EXTENSIONS],
    len: usize,
    heap: Vec<(&'a [u8], usize)>,
    /// The first repetition seen as the walk went (its OID and offset).
    duplicate: Option<(&'a [u8], usize)>,
}

impl Default for ExtensionOids<'_> {
    fn default() -> Self {
        Self {
            id_ce: 0,
            inline: [(&[], 0); INLINE_EXTENSIONS],
            len: 0,
            heap: Vec::new(),
            duplicate: None,
        }
    }
}

impl<'a> ExtensionOids<'a> {
    /// Records the extension with this OID at `offset`.
    pub(super) fn push(&mut self, oid: &'a [u8], offset: usize) {
        if let [0x55, 0x1D, x @ 0..=0x7f] = oid {
            let bit = 1u128 << x;
            if self.id_ce & bit != 0 {
                self.duplicate.get_or_insert((oid, offset));
            }
            self.id_ce |= bit;
            return;
        }
        if self.heap.is_empty() {
            let held = self.inline.get(..self.len).unwrap_or_default();
            if held.iter().any(|(earlier, _)| *earlier == oid) {
                self.duplicate.get_or_insert((oid, offset));
            }
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = (oid, offset);
                self.len += 1;
                return;
            }
            self.heap.extend_from_slice(&self.inline);
        }
        self.heap.push((oid, offset));
    }

    /// The first repetition found, as a [`WalkError::DuplicateExtension`] at its offset.
    pub(super) fn check(mut self) -> Result<(), WalkError> {
        if self.duplicate.is_none() && !self.heap.is_empty() {
            self.heap
                .sort_unstable_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
            self.duplicate = self.heap.windows(2).find_map(|w| match w {
                [a, b] if a.0 == b.0 => Some(*b),
                [_, _] | [] | [_] | [_, _, _, ..] => None,
            });
        }
        match self.duplicate {
            None => Ok(()),
            Some((oid, offset)) => Err(WalkError::DuplicateExtension {
                offset,
                which: KnownExtension::of(oid),
            }),
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::der::cert::{OID_EXT_KEY_USAGE, OID_KEY_USAGE, OID_SUBJECT_ALT_NAME};

    fn refs(v: &[Vec<u8>]) -> Vec<&[u8]> {
        v.iter().map(Vec::as_slice).collect()
    }

    /// A row of [`duplicate_extensions`]: what, the OIDs in order, the offset reported.
    type DuplicateRow<'a> = (&'static str, Vec<&'a [u8]>, Option<usize>);

    /// The duplicate check on its own: id-ce OIDs by bitmap, the others inline and then,
    /// past [`INLINE_EXTENSIONS`], sorted; the offset reported is the repetition's.
    #[test]
    fn duplicate_extensions() {
        const AIA: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
        const SCT: &[u8] = &[0x2B, 0x06, 0x01, 0x04, 0x01, 0xD6, 0x79, 0x02, 0x04, 0x02];
        let other = |n: u8| -> Vec<u8> { vec![0x2B, 0x06, 0x01, 0x04, 0x01, n] };
        let many: Vec<Vec<u8>> = (0..20).map(other).collect();
        let rows: Vec<DuplicateRow<'_>> = vec![
            ("none", vec![], None),
            (
                "distinct id-ce and others",
                vec![OID_SUBJECT_ALT_NAME, AIA, OID_KEY_USAGE, SCT],
                None,
            ),
            (
                "id-ce twice",
                vec![OID_KEY_USAGE, AIA, OID_KEY_USAGE],
                Some(2),
            ),
            ("other twice, inline", vec![AIA, SCT, AIA], Some(2)),
            (
                "first repetition wins",
                vec![AIA, OID_KEY_USAGE, OID_KEY_USAGE, AIA],
                Some(2),
            ),
            ("many distinct others (heap)", refs(&many), None),
            (
                "repetition among the heap ones",
                [refs(&many), vec![many[12].as_slice()]].concat(),
                Some(20),
            ),
            (
                "repetition of an inline one after the spill",
                [refs(&many), vec![many[0].as_slice()]].concat(),
                Some(20),
            ),
            (
                "id-ce repetition after the spill",
                [
                    vec![OID_EXT_KEY_USAGE],
                    refs(&many),
                    vec![OID_EXT_KEY_USAGE],
                ]
                .concat(),
                Some(21),
            ),
        ];
        for (what, oids, expected) in rows {
            let mut seen = ExtensionOids::default();
            for (i, oid) in oids.iter().enumerate() {
                seen.push(oid, i);
            }
            let got = match seen.check() {
                Ok(()) => None,
                Err(WalkError::DuplicateExtension { offset, .. }) => Some(offset),
                Err(e) => panic!("{what}: {e:?}"),
            };
            assert_eq!(got, expected, "{what}");
        }
    }
}
