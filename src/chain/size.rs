//! webpki's size limit on certificates, checked before webpki parses them.
//!
//! webpki reads every DER item with at most 65 534 content octets (a length in at most two
//! octets, below `0xffff`); a larger certificate fails inside webpki as `BadDer` or
//! `TrailingData(SignedData)`, which reads as a malformed certificate although the DER may be
//! perfectly valid. [`check_sizes`] names the real reason, [`ChainError::TooLarge`].

use rustls_pki_types::CertificateDer;

use super::ChainError;

/// The largest content length webpki accepts for a DER item (`length < 0xffff`).
const WEBPKI_MAX_CONTENT: usize = 0xfffe;

/// The content length announced by the outer DER header of `der`, when it is a definite
/// long-form length of three or more octets; `None` for anything else (short or one- or
/// two-octet lengths, or a header webpki will refuse on its own).
fn long_content_length(der: &[u8]) -> Option<usize> {
    let (&first_len, rest) = der.get(1..)?.split_first()?;
    let octets = usize::from(first_len.checked_sub(0x80)?);
    if !(3..=core::mem::size_of::<usize>()).contains(&octets) {
        return None;
    }
    let bytes = rest.get(..octets)?;
    Some(
        bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)),
    )
}

/// Whether the certificate DER announces more content than webpki reads.
fn is_too_large(der: &[u8]) -> bool {
    match der.split_first() {
        // A SEQUENCE whose announced length is over webpki's limit. A two-octet length of
        // exactly 0xffff is over it too.
        Some((0x30, _)) => match long_content_length(der) {
            Some(len) => len > WEBPKI_MAX_CONTENT,
            None => matches!(der.get(1..4), Some([0x82, 0xff, 0xff])),
        },
        // Not a SEQUENCE: webpki reports it as malformed.
        _ => false,
    }
}

/// Refuses an end entity or a presented intermediate that webpki cannot parse because of its
/// size. Every presented intermediate is checked, used by the path or not.
pub(super) fn check_sizes(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> Result<(), ChainError> {
    if is_too_large(end_entity.as_ref()) {
        return Err(ChainError::TooLarge {
            which: "end-entity certificate".to_owned(),
            size: end_entity.as_ref().len(),
        });
    }
    for (i, cert) in intermediates.iter().enumerate() {
        if is_too_large(cert.as_ref()) {
            return Err(ChainError::TooLarge {
                which: format!("intermediate certificate {} (as presented)", i + 1),
                size: cert.as_ref().len(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (DER prefix, too large?)
    const TABLE: &[(&[u8], bool)] = &[
        (&[0x30, 0x82, 0xff, 0xfe], false),
        (&[0x30, 0x82, 0xff, 0xff], true),
        (&[0x30, 0x83, 0x00, 0xff, 0xff], true),
        (&[0x30, 0x83, 0x01, 0x00, 0x00], true),
        (&[0x30, 0x84, 0x00, 0x01, 0x00, 0x00], true),
        // Non-minimal three-octet length of a small value: webpki's BadDer, not a size.
        (&[0x30, 0x83, 0x00, 0x01, 0x00], false),
        (&[0x30, 0x82, 0x01, 0x00], false),
        (&[0x30, 0x81, 0x80], false),
        (&[0x30, 0x05], false),
        (&[0x30, 0x80], false),
        (&[0x30, 0x83, 0x01], false),
        (&[0x31, 0x83, 0x01, 0x00, 0x00], false),
        (&[0x30], false),
        (&[], false),
        (&[0x30, 0xff, 0xff], false),
    ];

    #[test]
    fn outer_length_table() {
        for (der, expected) in TABLE {
            assert_eq!(is_too_large(der), *expected, "is_too_large({der:02x?})");
        }
    }
}
