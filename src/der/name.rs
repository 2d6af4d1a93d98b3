//! The strict walk of a Name (RFC 5280 §4.1.2.4) and its rendering for messages.

use super::reader::{DerError, Reader, SEQUENCE, SET};

/// One AttributeTypeAndValue of a Name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attribute<'a> {
    /// The attribute type's OID content octets (minimally encoded).
    pub(crate) oid: &'a [u8],
    /// The value's tag (its string type, for a directory string).
    pub(crate) tag: u8,
    /// The value's content octets.
    pub(crate) value: &'a [u8],
    /// Whether the attribute shares its RDN with others (a multi-valued RDN).
    pub(crate) multi_valued: bool,
}

/// Walks the contents of a Name (`SEQUENCE OF RelativeDistinguishedName`, RFC 5280 §4.1.2.4)
/// strictly and calls `f` with every attribute in order. An RDN is a non-empty SET of
/// `SEQUENCE { type OID, value ANY }` with nothing else in it.
pub(crate) fn for_each_attribute<'a>(
    name: Reader<'a>,
    mut f: impl FnMut(Attribute<'a>),
) -> Result<(), DerError> {
    let mut name = name;
    while !name.at_end() {
        let mut rdn = name.read_expected(SET, "a RelativeDistinguishedName SET")?;
        if rdn.at_end() {
            return Err(rdn.error("at least one attribute in a RelativeDistinguishedName"));
        }
        let mut first = true;
        while !rdn.at_end() {
            let mut atv = rdn.read_expected(SEQUENCE, "an AttributeTypeAndValue SEQUENCE")?;
            let oid = atv.read_oid("an attribute type OBJECT IDENTIFIER")?;
            let (tag, value) = atv.read_tlv()?;
            atv.expect_end("the end of the AttributeTypeAndValue after its value")?;
            let multi_valued = !first || !rdn.at_end();
            first = false;
            f(Attribute {
                oid,
                tag,
                value: value.as_bytes(),
                multi_valued,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der::cert::OID_COMMON_NAME;

    #[test]
    fn rdn_attributes() {
        // { CN=a } { CN=b + O=c }
        let name = [
            0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'a', //
            0x31, 0x14, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'b', //
            0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, b'c',
        ];
        let mut got = Vec::new();
        for_each_attribute(Reader::new(&name), |a| {
            got.push((a.oid.to_vec(), a.value.to_vec(), a.multi_valued));
        })
        .unwrap();
        assert_eq!(
            got,
            [
                (OID_COMMON_NAME.to_vec(), b"a".to_vec(), false),
                (OID_COMMON_NAME.to_vec(), b"b".to_vec(), true),
                (vec![0x55, 0x04, 0x0a], b"c".to_vec(), true),
            ]
        );
        let bad: &[(&str, &[u8])] = &[
            ("empty RDN", &[0x31, 0x00]),
            ("RDN is a SEQUENCE", &[0x30, 0x00]),
            (
                "value missing",
                &[0x31, 0x07, 0x30, 0x05, 0x06, 0x03, 0x55, 0x04, 0x03],
            ),
            (
                "two values",
                &[
                    0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x00, 0x0c, 0x00,
                ],
            ),
            (
                "non-minimal attribute OID",
                &[
                    0x31, 0x0a, 0x30, 0x08, 0x06, 0x04, 0x55, 0x80, 0x04, 0x03, 0x0c, 0x00,
                ],
            ),
        ];
        for (what, der) in bad {
            assert!(
                for_each_attribute(Reader::new(der), |_| {}).is_err(),
                "{what}: {der:02x?}"
            );
        }
    }
}
