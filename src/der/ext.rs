//! The values of the extensions sipcert reads for a CA: keyUsage (RFC 5280 §4.2.1.3) and
//! basicConstraints (§4.2.1.9), as strict DER. Each function takes the extnValue contents and
//! says how a malformed value is malformed.

/// keyCertSign is bit 5 (RFC 5280 §4.2.1.3): in the first octet, counted from the most
/// significant bit.
const KEY_CERT_SIGN: u8 = 0x80 >> 5;

/// The BIT STRING tag.
const TAG_BIT_STRING: u8 = 0x03;

/// Whether the keyUsage extension value (`KeyUsage ::= BIT STRING`, DER) asserts
/// keyCertSign. `Err` says how the value is malformed.
pub(super) fn allows_cert_sign(value: &[u8]) -> Result<bool, &'static str> {
    let (tag, rest) = value.split_first().ok_or("empty extension value")?;
    if *tag != TAG_BIT_STRING {
        return Err("not a BIT STRING");
    }
    let (len, contents) = rest.split_first().ok_or("truncated BIT STRING")?;
    // The value is at most three octets, so only the short length form is minimal DER.
    if *len >= 0x80 {
        return Err("long-form length (a keyUsage BIT STRING needs at most 3 octets)");
    }
    let len = usize::from(*len);
    if contents.len() < len {
        return Err("truncated BIT STRING");
    }
    if contents.len() > len {
        return Err("data after the BIT STRING");
    }
    let (unused, bits) = contents
        .split_first()
        .ok_or("BIT STRING without its unused-bits octet")?;
    if *unused > 7 {
        return Err("unused-bits count over 7");
    }
    let Some(last) = bits.last() else {
        if *unused != 0 {
            return Err("unused bits in an empty BIT STRING");
        }
        // No bit set: DER-valid (X.690 §11.2.2), and no keyCertSign.
        return Ok(false);
    };
    if bits.len() > 2 {
        return Err("more than the nine bits RFC 5280 §4.2.1.3 defines");
    }
    // X.690 §11.2.1: padding bits are zero; §11.2.2: no trailing zero bits in a named bit
    // list, so the last used bit is 1.
    let lowest_used = 1u8 << *unused;
    if last & (lowest_used - 1) != 0 {
        return Err("padding bits are not zero (X.690 §11.2.1)");
    }
    if last & lowest_used == 0 {
        return Err("trailing zero bits are not removed (X.690 §11.2.2)");
    }
    if bits.len() == 2 && *unused != 7 {
        return Err("bits past decipherOnly (RFC 5280 §4.2.1.3 defines nine)");
    }
    Ok(bits.first().is_some_and(|first| first & KEY_CERT_SIGN != 0))
}

/// Whether the basicConstraints extension value (`SEQUENCE { cA BOOLEAN DEFAULT FALSE,
/// pathLenConstraint INTEGER (0..MAX) OPTIONAL }`, DER) asserts cA. `Err` says how the value is
/// malformed: in DER, a FALSE cA is left out, and nothing follows the SEQUENCE.
#[cfg(any(feature = "dane", test))]
pub(super) fn asserts_ca(value: &[u8]) -> Result<bool, &'static str> {
    use super::reader::{Reader, BOOLEAN, INTEGER, SEQUENCE};

    let mut outer = Reader::new(value);
    let mut seq = outer
        .read_expected(SEQUENCE, "a BasicConstraints SEQUENCE")
        .map_err(|_| "not a BasicConstraints SEQUENCE")?;
    if !outer.at_end() {
        return Err("data after the BasicConstraints SEQUENCE");
    }
    let ca = match seq
        .read_optional(BOOLEAN)
        .map_err(|_| "a malformed cA BOOLEAN")?
    {
        None => false,
        Some(flag) => match flag.as_bytes() {
            [0xff] => true,
            [0x00] => return Err("cA FALSE encoded (DER leaves out the DEFAULT value)"),
            _ => return Err("cA is no DER BOOLEAN"),
        },
    };
    if let Some(len) = seq
        .read_optional(INTEGER)
        .map_err(|_| "a malformed pathLenConstraint")?
    {
        match len.as_bytes() {
            [] => return Err("an empty pathLenConstraint INTEGER"),
            [first, ..] if first & 0x80 != 0 => return Err("a negative pathLenConstraint"),
            [0, next, ..] if next & 0x80 == 0 => {
                return Err("a non-minimal pathLenConstraint INTEGER")
            }
            _ => {}
        }
    }
    if seq.at_end() {
        Ok(ca)
    } else {
        Err("data after the BasicConstraints fields")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (DER of the extension value, expected): `Ok(keyCertSign?)` or `Err` (malformed).
    const TABLE: &[(&[u8], Result<bool, ()>)] = &[
        // keyCertSign | cRLSign: 0000 011x, 1 unused bit.
        (&[0x03, 0x02, 0x01, 0x06], Ok(true)),
        // keyCertSign only: 0000 01xx, 2 unused bits.
        (&[0x03, 0x02, 0x02, 0x04], Ok(true)),
        // digitalSignature | keyCertSign | cRLSign: 1000 011x.
        (&[0x03, 0x02, 0x01, 0x86], Ok(true)),
        // digitalSignature only: 1xxx xxxx.
        (&[0x03, 0x02, 0x07, 0x80], Ok(false)),
        // cRLSign only: 0000 001x.
        (&[0x03, 0x02, 0x01, 0x02], Ok(false)),
        // digitalSignature | decipherOnly: 1000 0000 1xxx xxxx.
        (&[0x03, 0x03, 0x07, 0x80, 0x80], Ok(false)),
        // keyCertSign | decipherOnly.
        (&[0x03, 0x03, 0x07, 0x04, 0x80], Ok(true)),
        // No bit at all.
        (&[0x03, 0x01, 0x00], Ok(false)),
        // Malformed:
        (&[], Err(())),
        (&[0x04, 0x02, 0x01, 0x06], Err(())), // OCTET STRING
        (&[0x03], Err(())),                   // no length
        (&[0x03, 0x00], Err(())),             // no unused-bits octet
        (&[0x03, 0x02, 0x01], Err(())),       // truncated
        (&[0x03, 0x02, 0x01, 0x06, 0x00], Err(())), // trailing data
        (&[0x03, 0x02, 0x08, 0x04], Err(())), // 8 unused bits
        (&[0x03, 0x01, 0x01], Err(())),       // unused bits, no octets
        (&[0x03, 0x02, 0x01, 0x07], Err(())), // padding bit set
        (&[0x03, 0x02, 0x00, 0x06], Err(())), // trailing zero bit kept
        (&[0x03, 0x02, 0x00, 0x00], Err(())), // all-zero octet
        (&[0x03, 0x81, 0x02, 0x01, 0x06], Err(())), // non-minimal length
        (&[0x03, 0x03, 0x00, 0x04, 0x01], Err(())), // bit 15 set
        (&[0x03, 0x04, 0x07, 0x04, 0x00, 0x80], Err(())), // three octets
        (&[0x23, 0x02, 0x01, 0x06], Err(())), // constructed BIT STRING
    ];

    #[test]
    fn basic_constraints_table() {
        let rows: &[(&[u8], Result<bool, ()>)] = &[
            (&[0x30, 0x00], Ok(false)),
            (&[0x30, 0x03, 0x01, 0x01, 0xff], Ok(true)),
            (&[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00], Ok(true)),
            (&[0x30, 0x03, 0x02, 0x01, 0x01], Ok(false)),
            (&[0x30, 0x03, 0x01, 0x01, 0x00], Err(())),
            (&[0x30, 0x03, 0x01, 0x01, 0x01], Err(())),
            (&[0x30, 0x00, 0x00], Err(())),
            (&[0x30, 0x03, 0x02, 0x01, 0x80], Err(())),
            (&[0x30, 0x04, 0x02, 0x02, 0x00, 0x01], Err(())),
            (&[0x30, 0x02, 0x05, 0x00], Err(())),
            (&[0x04, 0x00], Err(())),
            (&[], Err(())),
        ];
        for (der, expected) in rows {
            let got = asserts_ca(der);
            assert_eq!(
                got.map_err(|_| ()),
                *expected,
                "asserts_ca({der:02x?}) = {got:?}"
            );
        }
    }

    #[test]
    fn key_usage_bit_string_table() {
        for (der, expected) in TABLE {
            let got = allows_cert_sign(der);
            assert_eq!(
                got.map_err(|_| ()),
                *expected,
                "allows_cert_sign({der:02x?}) = {got:?}"
            );
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Arbitrary bytes never panic the parser.
            #[test]
            fn parser_is_total(bytes in prop::collection::vec(any::<u8>(), 0..8)) {
                let _ = allows_cert_sign(&bytes);
            }
        }
    }
}
