//! RFC 5280 §4.2.1.3 keyUsage on the CA certificates of a path.
//!
//! webpki ignores keyUsage on certificates (it reads it only to check that a CRL issuer may
//! sign CRLs), so a CA whose keyUsage extension is present but lacks keyCertSign is accepted
//! as an issuer. RFC 5280 §4.2.1.3 says such a key must not verify certificate signatures,
//! §6.1.4 (n) makes path validation fail on it, and `openssl verify` refuses it. sipcert
//! refuses it too, on every path it validates: [`check`] runs from the path hook, so
//! path building can still find another path through a properly marked CA.
//!
//! Checked: every intermediate of the path. Not checked: the trust anchor, because webpki's
//! `TrustAnchor` keeps only the subject, the public key and the name constraints of the
//! anchor certificate (RFC 5280 §6.1.1 (d) makes trust-anchor information input to path
//! validation, not a certificate of the path); and the end entity, whose keyUsage does not
//! make it an issuer.
//!
//! The extension value is read strictly: a DER BIT STRING with a valid unused-bits count
//! (0 to 7, 0 when there are no bits), zero padding bits, no trailing zero bits (X.690
//! §11.2.2), at most the nine bits RFC 5280 defines, and nothing after it. A malformed or
//! duplicated keyUsage on a CA is [`ChainError::Malformed`].

use super::ca::CaName;
use super::ChainError;
use crate::der::cert::{Certificate, DecidedExtension};

/// keyCertSign is bit 5 (RFC 5280 §4.2.1.3): in the first octet, counted from the most
/// significant bit.
const KEY_CERT_SIGN: u8 = 0x80 >> 5;

/// The BIT STRING tag.
const TAG_BIT_STRING: u8 = 0x03;

/// Refuses an intermediate (walked by [`super::ca::parse`], which already refused a repeated
/// extension) with a keyUsage extension that lacks keyCertSign ([`ChainError::CaKeyUsage`]);
/// a malformed keyUsage is [`ChainError::Malformed`]. A CA without a keyUsage extension
/// passes (RFC 5280 allows it; every mainstream verifier accepts it).
pub(super) fn check(cert: &Certificate<'_>, ca: &CaName<'_>) -> Result<(), ChainError> {
    let Some(ext) = cert.extension(DecidedExtension::KeyUsage) else {
        return Ok(());
    };
    let allowed = allows_cert_sign(ext.value.as_bytes()).map_err(|why| ChainError::Malformed {
        detail: format!("keyUsage of the {ca}: {why}"),
    })?;
    if allowed {
        Ok(())
    } else {
        Err(ChainError::CaKeyUsage { ca: ca.to_string() })
    }
}

/// Whether the keyUsage extension value (`KeyUsage ::= BIT STRING`, DER) asserts
/// keyCertSign. `Err` says how the value is malformed.
fn allows_cert_sign(value: &[u8]) -> Result<bool, &'static str> {
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
