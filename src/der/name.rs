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

/// The short names messages use for attribute types, as x509-parser (and OpenSSL) print
/// them: the usual abbreviations, else the OID registry's short name. Keyed by the OID's
/// content octets.
const ATTRIBUTE_NAMES: &[(&[u8], &str)] = &[
    (&[0x55, 0x04, 0x03], "CN"),
    (&[0x55, 0x04, 0x06], "C"),
    (&[0x55, 0x04, 0x07], "L"),
    (&[0x55, 0x04, 0x08], "ST"),
    (&[0x55, 0x04, 0x0a], "O"),
    (&[0x55, 0x04, 0x0b], "OU"),
    (
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19],
        "DC",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01],
        "Email",
    ),
    (
        &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01],
        "uid",
    ),
    (&[0x55, 0x04, 0x00], "objectClass"),
    (&[0x55, 0x04, 0x01], "aliasedEntryName"),
    (&[0x55, 0x04, 0x02], "knowledgeInformation"),
    (&[0x55, 0x04, 0x04], "surname"),
    (&[0x55, 0x04, 0x05], "serialNumber"),
    (&[0x55, 0x04, 0x09], "streetAddress"),
    (&[0x55, 0x04, 0x0c], "title"),
    (&[0x55, 0x04, 0x0d], "description"),
    (&[0x55, 0x04, 0x0e], "searchGuide"),
    (&[0x55, 0x04, 0x0f], "businessCategory"),
    (&[0x55, 0x04, 0x10], "postalAddress"),
    (&[0x55, 0x04, 0x11], "postalCode"),
    (&[0x55, 0x04, 0x29], "name"),
    (&[0x55, 0x04, 0x2a], "givenName"),
    (&[0x55, 0x04, 0x2b], "initials"),
    (&[0x55, 0x04, 0x2c], "generationQualifier"),
    (&[0x55, 0x04, 0x2d], "uniqueIdentifier"),
    (&[0x55, 0x04, 0x2e], "dnQualifier"),
];

/// A Name's contents (`SEQUENCE OF RelativeDistinguishedName`) as one line for messages,
/// in the form x509-parser prints: `CN=Example CA, O=Example`, the attributes of a
/// multi-valued RDN joined by ` + `, an attribute type without a short name as `OID(2.5.4.99)`,
/// a value that is no string type in upper-case hex. For display only: nothing decides on it.
pub(crate) fn name_text(name: Reader<'_>) -> String {
    render_name(name).unwrap_or_else(|| "<X509Error: Invalid X.509 name>".to_owned())
}

fn render_name(mut name: Reader<'_>) -> Option<String> {
    let mut out = String::new();
    while !name.at_end() {
        let mut rdn = name.read_expected(SET, "an RDN").ok()?;
        if !out.is_empty() {
            out.push_str(", ");
        }
        let mut first = true;
        while !rdn.at_end() {
            let mut atv = rdn.read_expected(SEQUENCE, "an attribute").ok()?;
            let oid = atv.read_expected(super::reader::OID, "an OID").ok()?;
            let (tag, value) = atv.read_tlv().ok()?;
            if !first {
                out.push_str(" + ");
            }
            first = false;
            if let Some((_, short)) = ATTRIBUTE_NAMES.iter().find(|(o, _)| *o == oid.as_bytes()) {
                out.push_str(short);
            } else {
                out.push_str("OID(");
                out.push_str(&oid_text(oid.as_bytes()));
                out.push(')');
            }
            out.push('=');
            out.push_str(&value_text(tag, value.as_bytes())?);
        }
    }
    Some(out)
}

/// An attribute value as text: a string type as its characters (`None` when they are not
/// what the type says), BMPString as UTF-16, anything else in upper-case hex.
fn value_text(tag: u8, value: &[u8]) -> Option<String> {
    match tag {
        // NumericString, PrintableString, T61String, VideotexString, IA5String,
        // GraphicString, VisibleString, GeneralString, ObjectDescriptor, UTF8String.
        0x12 | 0x13 | 0x14 | 0x15 | 0x16 | 0x19 | 0x1a | 0x1b | 0x07 | 0x0c => {
            core::str::from_utf8(value).ok().map(str::to_owned)
        }
        // BMPString: UTF-16 big endian.
        0x1e => {
            let units = value
                .chunks(2)
                .map(|c| match c {
                    [hi, lo] => Some(u16::from_be_bytes([*hi, *lo])),
                    _ => None,
                })
                .collect::<Option<Vec<u16>>>()?;
            String::from_utf16(&units).ok()
        }
        _ => Some(value.iter().fold(String::new(), |mut hex, b| {
            use core::fmt::Write;
            let _ = write!(hex, "{b:02X}");
            hex
        })),
    }
}

/// An OBJECT IDENTIFIER's content octets in dotted decimal (`1.3.6.1.5.5.7.3.1`), or, when
/// an arc does not fit in 64 bits or the octets are no OID, the octets in hex separated by
/// spaces. For display only.
pub(crate) fn oid_text(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut current: u64 = 0;
    let mut complete = true;
    for &b in oid {
        if current > u64::MAX >> 7 {
            return oid_hex(oid);
        }
        current = current << 7 | u64::from(b & 0x7f);
        complete = b & 0x80 == 0;
        if complete {
            arcs.push(current);
            current = 0;
        }
    }
    let Some((&first, rest)) = arcs.split_first() else {
        return oid_hex(oid);
    };
    if !complete {
        return oid_hex(oid);
    }
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in rest {
        out.push('.');
        out.push_str(&arc.to_string());
    }
    out
}

fn oid_hex(oid: &[u8]) -> String {
    oid.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::der::cert::OID_COMMON_NAME;

    /// `{ CN=a } { CN=b + O=c }`.
    const NAME: [u8; 34] = [
        0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'a', //
        0x31, 0x14, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'b', //
        0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x01, b'c',
    ];

    #[test]
    fn rdn_attributes() {
        let mut got = Vec::new();
        for_each_attribute(Reader::new(&NAME), |a| {
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

    #[test]
    fn names_as_text() {
        assert_eq!(name_text(Reader::new(&NAME)), "CN=a, CN=b + O=c");
        // An unknown attribute type with an INTEGER value.
        let odd = [
            0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x63, 0x02, 0x01, 0x2a,
        ];
        assert_eq!(name_text(Reader::new(&odd)), "OID(2.5.4.99)=2A");
        assert_eq!(name_text(Reader::new(&[])), "");
    }

    #[test]
    fn oids_as_text() {
        let rows: &[(&[u8], &str)] = &[
            (
                &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x14],
                "1.3.6.1.5.5.7.3.20",
            ),
            (&[0x55, 0x1d, 0x25, 0x00], "2.5.29.37.0"),
            (&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d], "1.2.840.113549"),
            (&[0x88, 0x37], "2.999"),
            (&[0x00], "0.0"),
            (&[], ""),
            (&[0x2b, 0x86], "2b 86"),
        ];
        for &(oid, text) in rows {
            assert_eq!(oid_text(oid), text, "{oid:02x?}");
        }
    }
}
