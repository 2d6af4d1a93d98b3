//! The strict walk of an X.509 certificate (RFC 5280 §4.1) and the accessors sipcert's
//! deciders read: subject, issuer, subjectPublicKeyInfo, and the extensions it decides on.

use super::duplicates::ExtensionOids;
use super::name::for_each_attribute;
use super::reader::{
    DerError, Reader, BIT_STRING, BOOLEAN, GENERALIZED_TIME, INTEGER, OCTET_STRING, SEQUENCE,
    UTC_TIME,
};
use super::time::check_time;

/// id-ce-subjectAltName, 2.5.29.17 (content octets).
pub(crate) const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1D, 0x11];
/// id-ce-extKeyUsage, 2.5.29.37 (content octets).
pub(crate) const OID_EXT_KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x25];
/// id-at-commonName, 2.5.4.3 (content octets).
pub(crate) const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
/// id-ce-nameConstraints, 2.5.29.30 (content octets).
pub(crate) const OID_NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1D, 0x1E];
/// id-ce-keyUsage, 2.5.29.15 (content octets).
#[cfg(test)]
pub(crate) const OID_KEY_USAGE: &[u8] = &[0x55, 0x1D, 0x0F];

/// The extensions sipcert decides on, the only ones a [`Certificate`] keeps (every other
/// extension is walked and checked for duplicates, then left to path validation). Asking a
/// certificate for an extension takes one of these, so no caller can ask for one the walk
/// did not keep and read its absence as "not present".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecidedExtension {
    /// subjectAltName, 2.5.29.17.
    SubjectAltName,
    /// extKeyUsage, 2.5.29.37.
    ExtKeyUsage,
    /// keyUsage, 2.5.29.15.
    KeyUsage,
    /// nameConstraints, 2.5.29.30.
    NameConstraints,
    /// basicConstraints, 2.5.29.19.
    BasicConstraints,
}

impl DecidedExtension {
    /// Every one, in slot order.
    const ALL: [Self; 5] = [
        Self::SubjectAltName,
        Self::ExtKeyUsage,
        Self::KeyUsage,
        Self::NameConstraints,
        Self::BasicConstraints,
    ];

    /// The extension with this OID (content octets; all of them are in the id-ce arc,
    /// `55 1D x`), `None` for any other.
    fn of(oid: &[u8]) -> Option<Self> {
        match oid {
            [0x55, 0x1D, 0x11] => Some(Self::SubjectAltName),
            [0x55, 0x1D, 0x25] => Some(Self::ExtKeyUsage),
            [0x55, 0x1D, 0x0F] => Some(Self::KeyUsage),
            [0x55, 0x1D, 0x1E] => Some(Self::NameConstraints),
            [0x55, 0x1D, 0x13] => Some(Self::BasicConstraints),
            _ => None,
        }
    }

    /// Its OID (content octets).
    #[cfg(test)]
    fn oid(self) -> &'static [u8] {
        match self {
            Self::SubjectAltName => OID_SUBJECT_ALT_NAME,
            Self::ExtKeyUsage => OID_EXT_KEY_USAGE,
            Self::KeyUsage => OID_KEY_USAGE,
            Self::NameConstraints => OID_NAME_CONSTRAINTS,
            Self::BasicConstraints => &[0x55, 0x1D, 0x13],
        }
    }

    /// Its slot in [`Certificate`].
    fn slot(self) -> usize {
        match self {
            Self::SubjectAltName => 0,
            Self::ExtKeyUsage => 1,
            Self::KeyUsage => 2,
            Self::NameConstraints => 3,
            Self::BasicConstraints => 4,
        }
    }
}

/// How many extensions a [`Certificate`] keeps.
const DECIDED: usize = DecidedExtension::ALL.len();

/// One certificate extension (RFC 5280 §4.1.2.9).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extension<'a> {
    /// The `critical` flag (DER: present only when TRUE).
    #[allow(
        dead_code,
        reason = "part of the walk's result; sipcert's deciders do not depend on it yet"
    )]
    pub(crate) critical: bool,
    /// A reader over the extnValue OCTET STRING contents.
    pub(crate) value: Reader<'a>,
}

/// Which extension a duplicate is, for callers that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KnownExtension {
    /// subjectAltName.
    SubjectAltName,
    /// extKeyUsage.
    ExtKeyUsage,
    /// Any other extension.
    Other,
}

impl KnownExtension {
    pub(super) fn of(oid: &[u8]) -> Self {
        if oid == OID_SUBJECT_ALT_NAME {
            Self::SubjectAltName
        } else if oid == OID_EXT_KEY_USAGE {
            Self::ExtKeyUsage
        } else {
            Self::Other
        }
    }
}

/// Why the certificate walk failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WalkError {
    /// The input does not begin with a SEQUENCE.
    NotACertificate,
    /// Octets follow the Certificate SEQUENCE.
    TrailingData,
    /// A field is not canonical DER or not of the RFC 5280 shape.
    Field {
        /// The X.509 field (`tbsCertificate`, `subject`, `extensions`, ...).
        field: &'static str,
        /// Where and what.
        error: DerError,
    },
    /// An extension OID appears twice (RFC 5280 §4.2).
    DuplicateExtension {
        /// Absolute offset of the second occurrence.
        offset: usize,
        /// Which extension.
        which: KnownExtension,
    },
}

/// The parts of a certificate that sipcert decides on, after a strict walk.
#[derive(Debug, Clone)]
pub(crate) struct Certificate<'a> {
    /// A reader over the issuer Name contents.
    issuer: Reader<'a>,
    /// A reader over the subject Name contents.
    subject: Reader<'a>,
    /// The whole subjectPublicKeyInfo TLV.
    #[cfg_attr(
        not(feature = "dane"),
        allow(dead_code, reason = "DANE's selector 1 is its only reader")
    )]
    spki: &'a [u8],
    /// The [`DecidedExtension`]s present, each in its slot. The walk made sure that no
    /// extension OID appears twice.
    decided: [Option<Extension<'a>>; DECIDED],
    /// A reader over the walked `Extensions` SEQUENCE contents (empty without extensions),
    /// for [`Certificate::other_extension`]. A copy of a slice: no allocation.
    #[cfg_attr(
        not(feature = "stir"),
        allow(dead_code, reason = "the STIR TNAuthList is its only reader")
    )]
    extensions: Reader<'a>,
}

/// The TBSCertificate fields up to the extensions, as the walk found them.
#[derive(Clone, Copy)]
struct Fields<'a> {
    v3: bool,
    issuer: Reader<'a>,
    subject: Reader<'a>,
    spki: &'a [u8],
}

impl<'a> Certificate<'a> {
    /// The extension `which`, if the certificate has it.
    pub(crate) fn extension(&self, which: DecidedExtension) -> Option<&Extension<'a>> {
        self.decided.get(which.slot())?.as_ref()
    }

    /// A reader over the subject Name's contents (`SEQUENCE OF RelativeDistinguishedName`).
    pub(crate) fn subject(&self) -> Reader<'a> {
        self.subject
    }

    /// A reader over the issuer Name's contents.
    pub(crate) fn issuer(&self) -> Reader<'a> {
        self.issuer
    }

    #[cfg(any(feature = "dane", feature = "stir-rfc4474"))]
    /// The DER SubjectPublicKeyInfo (the whole TLV, as DANE selector 1 hashes it).
    pub(crate) fn spki(&self) -> &'a [u8] {
        self.spki
    }

    /// Whether the keyUsage extension asserts keyCertSign: `None` without the extension,
    /// `Err` (how) when its value is not the strict DER of a KeyUsage.
    pub(crate) fn key_cert_sign(&self) -> Option<Result<bool, &'static str>> {
        let ext = self.extension(DecidedExtension::KeyUsage)?;
        Some(super::ext::allows_cert_sign(ext.value.as_bytes()))
    }

    #[cfg(feature = "dane")]
    /// Whether the basicConstraints extension asserts cA: `None` without the extension,
    /// `Err` (how) when its value is not the strict DER of a BasicConstraints.
    pub(crate) fn is_ca(&self) -> Option<Result<bool, &'static str>> {
        let ext = self.extension(DecidedExtension::BasicConstraints)?;
        Some(super::ext::asserts_ca(ext.value.as_bytes()))
    }

    /// The extension with this OID (content octets) that is not one of the
    /// [`DecidedExtension`]s (those are read with [`Certificate::extension`]): the list the
    /// walk checked (canonical DER, no OID twice) is read again, so an extension a decider
    /// does not know is found without the walk keeping it. `Err` only if that second reading
    /// disagrees with the walk, which fails closed rather than reading "absent".
    #[cfg(feature = "stir")]
    pub(crate) fn other_extension(&self, oid: &[u8]) -> Result<Option<Extension<'a>>, DerError> {
        let mut list = self.extensions;
        while !list.at_end() {
            let mut ext = list.read_expected(SEQUENCE, "an Extension SEQUENCE")?;
            let found = ext.read_oid("an extnID OBJECT IDENTIFIER")?;
            let critical = ext.read_optional(BOOLEAN)?.is_some();
            let value = ext.read_expected(OCTET_STRING, "an extnValue OCTET STRING")?;
            if found == oid {
                return Ok(Some(Extension { critical, value }));
            }
        }
        Ok(None)
    }

    /// Whether the issuer Name equals the subject Name, octet for octet (self-issued in the
    /// sense of a missing-issuer hint; RFC 5280 name comparison is path validation's).
    pub(crate) fn is_self_issued(&self) -> bool {
        self.issuer.as_bytes() == self.subject.as_bytes()
    }

    /// Walks `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`
    /// (RFC 5280 §4.1) with nothing after it.
    ///
    /// Every TLV on the way is canonical DER; the TBSCertificate fields come in order with
    /// their tags; the issuer and subject Names are walked to the attribute level and the
    /// extension list to the extension level (extension OIDs minimally encoded, `critical`
    /// present only as TRUE `01 01 FF`, no OID twice, extensions only in a version 3
    /// certificate); the validity times must have the RFC 5280 §4.1.2.5 forms; the key and
    /// signature are checked for shape only (their contents are path validation's business).
    /// Extension values are not read here: each decider reads its own strictly.
    pub(crate) fn parse(der: &'a [u8]) -> Result<Self, WalkError> {
        let (mut cert, tbs) = open(der)?;
        let alg = cert
            .read_expected(SEQUENCE, "a signatureAlgorithm SEQUENCE")
            .map_err(field("signatureAlgorithm"))?;
        check_algorithm(alg).map_err(field("signatureAlgorithm"))?;
        let sig = cert
            .read_expected(BIT_STRING, "a signatureValue BIT STRING")
            .map_err(field("signatureValue"))?;
        check_bit_string(sig).map_err(field("signatureValue"))?;
        cert.expect_end("the end of the Certificate after the signatureValue")
            .map_err(field("certificate"))?;
        Self::parse_tbs(tbs)
    }

    /// The subject, issuer, key and extensions of a certificate that path validation
    /// parses itself (a CA of a path, a certificate DANE matches): the Certificate and
    /// TBSCertificate structure is walked with this reader's canonical-length rules and every
    /// TBSCertificate field must carry its tag in order, but only the extension list is
    /// walked inside (as in [`Certificate::parse`]: minimal OIDs, `critical` only as TRUE, no
    /// OID twice); the other fields' contents are left to the path validator.
    pub(crate) fn parse_extensions_only(der: &'a [u8]) -> Result<Self, WalkError> {
        let (_, mut tbs) = open(der)?;
        let version = tbs.read_optional(0xa0).map_err(field("version"))?;
        for (tag, name, expected) in [
            (INTEGER, "serialNumber", "a serialNumber INTEGER"),
            (
                SEQUENCE,
                "signature",
                "a signature AlgorithmIdentifier SEQUENCE",
            ),
        ] {
            tbs.read_expected(tag, expected).map_err(field(name))?;
        }
        let issuer = tbs
            .read_expected(SEQUENCE, "an issuer Name SEQUENCE")
            .map_err(field("issuer"))?;
        tbs.read_expected(SEQUENCE, "a validity SEQUENCE")
            .map_err(field("validity"))?;
        let subject = tbs
            .read_expected(SEQUENCE, "a subject Name SEQUENCE")
            .map_err(field("subject"))?;
        let (spki, _) = tbs
            .read_expected_tlv(SEQUENCE, "a subjectPublicKeyInfo SEQUENCE")
            .map_err(field("subjectPublicKeyInfo"))?;
        for (tag, name) in [(0x81, "issuerUniqueID"), (0x82, "subjectUniqueID")] {
            tbs.read_optional(tag).map_err(field(name))?;
        }
        // `[0] { INTEGER 2 }`: version 3.
        let v3 = version.map(|v| v.as_bytes()) == Some(&[INTEGER, 0x01, 0x02][..]);
        let fields = Fields {
            v3,
            issuer,
            subject,
            spki,
        };
        Self::finish(tbs, fields)
    }

    fn parse_tbs(mut tbs: Reader<'a>) -> Result<Self, WalkError> {
        let version = read_version(&mut tbs)?;
        let serial = tbs
            .read_expected(INTEGER, "a serialNumber INTEGER")
            .map_err(field("serialNumber"))?;
        if serial.at_end() {
            return Err(field("serialNumber")(
                serial.error("an INTEGER with content octets"),
            ));
        }
        let alg = tbs
            .read_expected(SEQUENCE, "a signature AlgorithmIdentifier SEQUENCE")
            .map_err(field("signature"))?;
        check_algorithm(alg).map_err(field("signature"))?;
        let issuer = read_name(&mut tbs, "issuer", "an issuer Name SEQUENCE")?;
        read_validity(&mut tbs)?;
        let subject = read_name(&mut tbs, "subject", "a subject Name SEQUENCE")?;
        let spki = read_spki(&mut tbs)?;
        for (tag, name) in [(0x81, "issuerUniqueID"), (0x82, "subjectUniqueID")] {
            let at = tbs.offset();
            if let Some(id) = tbs.read_optional(tag).map_err(field(name))? {
                if version < 2 {
                    return Err(field(name)(DerError {
                        offset: at,
                        detail: "no unique identifier in a version 1 certificate",
                    }));
                }
                check_bit_string(id).map_err(field(name))?;
            }
        }
        let fields = Fields {
            v3: version == 3,
            issuer,
            subject,
            spki,
        };
        Self::finish(tbs, fields)
    }

    /// The rest of a TBSCertificate after the unique identifiers: `[3] Extensions`, only in a
    /// version 3 certificate, walked by [`parse_extensions`], then nothing.
    fn finish(mut tbs: Reader<'a>, fields: Fields<'a>) -> Result<Self, WalkError> {
        let mut decided = [None; DECIDED];
        let at = tbs.offset();
        let mut extensions = Reader::new(&[]);
        if let Some(wrapper) = tbs.read_optional(0xa3).map_err(field("extensions"))? {
            if !fields.v3 {
                return Err(field("extensions")(DerError {
                    offset: at,
                    detail: "extensions only in a version 3 certificate",
                }));
            }
            extensions = parse_extensions(wrapper, &mut decided)?;
        }
        tbs.expect_end("the end of the tbsCertificate after the extensions")
            .map_err(field("tbsCertificate"))?;
        Ok(Self {
            issuer: fields.issuer,
            subject: fields.subject,
            spki: fields.spki,
            decided,
            extensions,
        })
    }
}

/// `version [0] EXPLICIT Version DEFAULT v1`: 1, 2 or 3 (an explicit v1 is not DER).
fn read_version(tbs: &mut Reader<'_>) -> Result<u8, WalkError> {
    let Some(mut v) = tbs.read_optional(0xa0).map_err(field("version"))? else {
        return Ok(1);
    };
    let int = v
        .read_expected(INTEGER, "an INTEGER in the [0] version field")
        .map_err(field("version"))?;
    v.expect_end("the end of the [0] version field after the INTEGER")
        .map_err(field("version"))?;
    match int.as_bytes() {
        [1] => Ok(2),
        [2] => Ok(3),
        [0] => Err(field("version")(int.error(
            "v2 or v3, found an explicit v1 (DER omits the DEFAULT value)",
        ))),
        _ => Err(field("version")(int.error("version v1, v2 or v3"))),
    }
}

/// A Name, walked to the attribute level; a reader over its contents.
fn read_name<'a>(
    tbs: &mut Reader<'a>,
    name: &'static str,
    expected: &'static str,
) -> Result<Reader<'a>, WalkError> {
    let contents = tbs.read_expected(SEQUENCE, expected).map_err(field(name))?;
    for_each_attribute(contents, |_| {}).map_err(field(name))?;
    Ok(contents)
}

/// `Validity ::= SEQUENCE { notBefore Time, notAfter Time }`, both in RFC 5280 form.
fn read_validity(tbs: &mut Reader<'_>) -> Result<(), WalkError> {
    let mut validity = tbs
        .read_expected(SEQUENCE, "a validity SEQUENCE")
        .map_err(field("validity"))?;
    for _ in 0..2 {
        let at = validity.offset();
        let (tag, time) = validity.read_tlv().map_err(field("validity"))?;
        if tag != UTC_TIME && tag != GENERALIZED_TIME {
            return Err(field("validity")(DerError {
                offset: at,
                detail: "a UTCTime or GeneralizedTime",
            }));
        }
        check_time(tag, time).map_err(field("validity"))?;
    }
    validity
        .expect_end("the end of the validity after notAfter")
        .map_err(field("validity"))
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }`, checked
/// for shape; the whole TLV.
fn read_spki<'a>(tbs: &mut Reader<'a>) -> Result<&'a [u8], WalkError> {
    let err = field("subjectPublicKeyInfo");
    let (whole, mut spki) = tbs
        .read_expected_tlv(SEQUENCE, "a subjectPublicKeyInfo SEQUENCE")
        .map_err(&err)?;
    let key_alg = spki
        .read_expected(SEQUENCE, "an AlgorithmIdentifier SEQUENCE")
        .map_err(&err)?;
    check_algorithm(key_alg).map_err(&err)?;
    let key = spki
        .read_expected(BIT_STRING, "a subjectPublicKey BIT STRING")
        .map_err(&err)?;
    check_bit_string(key).map_err(&err)?;
    spki.expect_end("the end of the subjectPublicKeyInfo after the key")
        .map_err(&err)?;
    Ok(whole)
}

/// `Certificate ::= SEQUENCE { tbsCertificate, ... }` with nothing after it: readers over the
/// Certificate's contents after the TBSCertificate, and over the TBSCertificate's contents.
fn open(der: &[u8]) -> Result<(Reader<'_>, Reader<'_>), WalkError> {
    let mut outer = Reader::new(der);
    if outer.peek() != Some(SEQUENCE) {
        return Err(WalkError::NotACertificate);
    }
    let mut cert = outer.read_tlv().map_err(field("certificate"))?.1;
    if !outer.at_end() {
        return Err(WalkError::TrailingData);
    }
    let tbs = cert
        .read_expected(SEQUENCE, "a tbsCertificate SEQUENCE")
        .map_err(field("tbsCertificate"))?;
    Ok((cert, tbs))
}

/// A closure that wraps a [`DerError`] into a [`WalkError::Field`].
fn field(field: &'static str) -> impl Fn(DerError) -> WalkError {
    move |error| WalkError::Field { field, error }
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }`.
fn check_algorithm(mut alg: Reader<'_>) -> Result<(), DerError> {
    alg.read_oid("an algorithm OBJECT IDENTIFIER")?;
    if !alg.at_end() {
        alg.read_tlv()?;
    }
    alg.expect_end("the end of the AlgorithmIdentifier after the parameters")
}

/// A DER BIT STRING (X.690 §8.6.2, §11.2): an unused-bits octet 0..=7, 0 when there are no
/// other octets, and the unused bits of the last octet zero.
fn check_bit_string(bits: Reader<'_>) -> Result<(), DerError> {
    let bytes = bits.as_bytes();
    let last_at = bits.offset() + bytes.len().saturating_sub(1);
    match bytes {
        [] => Err(bits.error("a BIT STRING with its unused-bits octet")),
        [0] => Ok(()),
        [_] => Err(bits.error("no unused bits in an empty BIT STRING")),
        [unused @ 0..=7, .., last] => {
            if last & ((1u8 << unused) - 1) == 0 {
                Ok(())
            } else {
                Err(DerError {
                    offset: last_at,
                    detail: "the unused bits of a BIT STRING set to zero",
                })
            }
        }
        [_, ..] => Err(bits.error("a BIT STRING with 0 to 7 unused bits")),
    }
}

/// `[3] EXPLICIT Extensions`, `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`: every
/// extension walked, no OID twice, the [`DecidedExtension`]s kept in `decided`; a reader over
/// the list's contents.
fn parse_extensions<'a>(
    mut wrapper: Reader<'a>,
    decided: &mut [Option<Extension<'a>>; DECIDED],
) -> Result<Reader<'a>, WalkError> {
    let err = field("extensions");
    let mut list = wrapper
        .read_expected(SEQUENCE, "an Extensions SEQUENCE inside [3]")
        .map_err(&err)?;
    wrapper
        .expect_end("the end of the [3] field after the Extensions SEQUENCE")
        .map_err(&err)?;
    let whole = list;
    let mut seen = ExtensionOids::default();
    // RFC 5280 says SIZE (1..MAX), but an empty list is common in test certificates, names
    // nothing, and OpenSSL accepts it: tolerated.
    while !list.at_end() {
        let offset = list.offset();
        let mut ext = list
            .read_expected(SEQUENCE, "an Extension SEQUENCE")
            .map_err(&err)?;
        let oid = ext.read_oid("an extnID OBJECT IDENTIFIER").map_err(&err)?;
        let critical = match ext.read_optional(BOOLEAN).map_err(&err)? {
            None => false,
            Some(flag) => match flag.as_bytes() {
                [0xff] => true,
                [0x00] => {
                    return Err(err(flag.error(
                        "critical omitted when FALSE (DER leaves out the DEFAULT value)",
                    )))
                }
                _ => return Err(err(flag.error("a DER BOOLEAN: one octet, 0xFF for TRUE"))),
            },
        };
        let value = ext
            .read_expected(OCTET_STRING, "an extnValue OCTET STRING")
            .map_err(&err)?;
        ext.expect_end("the end of the Extension after extnValue")
            .map_err(&err)?;
        seen.push(oid, offset);
        let slot = DecidedExtension::of(oid).and_then(|d| decided.get_mut(d.slot()));
        if let Some(slot @ None) = slot {
            // A repeated one stays the first: the duplicate check refuses the whole
            // certificate anyway.
            *slot = Some(Extension { critical, value });
        }
    }
    seen.check()?;
    Ok(whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An extension no decider keeps is found by its OID, after the decided ones were
    /// kept as before; an absent one is `None`.
    #[cfg(feature = "stir")]
    #[test]
    fn other_extensions_are_found_by_oid() {
        use sipcert_testkit::pki::{Ca, LeafSpec};
        let ca = Ca::root("other-extension CA");
        let leaf = ca.leaf(
            LeafSpec::new()
                .dns("a.example.com")
                .extension(&[1, 3, 6, 1, 5, 5, 7, 1, 26], vec![0x30, 0x00]),
        );
        let cert = Certificate::parse(leaf.der.as_ref()).expect("parses");
        assert!(cert.extension(DecidedExtension::SubjectAltName).is_some());
        let tn = [0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x1A];
        let found = cert.other_extension(&tn).expect("walked").expect("present");
        assert_eq!(found.value.as_bytes(), &[0x30, 0x00]);
        assert!(!found.critical);
        assert!(cert
            .other_extension(&[0x55, 0x1D, 0x20])
            .expect("walked")
            .is_none());
        let none = Certificate::parse(ca.der.as_ref()).expect("parses");
        assert!(none.other_extension(&tn).expect("walked").is_none());
    }

    #[test]
    fn decided_extensions_have_their_slots() {
        for (i, which) in DecidedExtension::ALL.into_iter().enumerate() {
            assert_eq!(DecidedExtension::of(which.oid()), Some(which), "{which:?}");
            assert_eq!(which.slot(), i, "{which:?}");
        }
        for other in [
            &[0x55, 0x1D, 0x20][..],
            &[0x55, 0x1D, 0x11, 0x00],
            &[0x55, 0x1D],
            &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01],
        ] {
            assert_eq!(DecidedExtension::of(other), None, "{other:02x?}");
        }
    }
}
