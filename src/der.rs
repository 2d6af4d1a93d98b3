//! A small strict DER reader (ITU-T X.690 §10) and the strict walk of an X.509 certificate
//! (RFC 5280 §4.1) that identity extraction and the EKU policy read from.
//!
//! The reader takes single-octet tags only, and definite lengths in their minimal form only
//! (the short form below 128, otherwise the fewest long-form octets, at most four). Every read
//! is checked against the end of the enclosing value. An error carries the absolute byte
//! offset of the offending octet in the outermost input and says what was expected there.
//!
//! Nothing here recurses on the input: the walk descends only where the X.509 structure asks
//! for it, a fixed number of levels deep.

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
const UTC_TIME: u8 = 0x17;
/// GeneralizedTime.
const GENERALIZED_TIME: u8 = 0x18;
/// SEQUENCE (constructed).
pub(crate) const SEQUENCE: u8 = 0x30;
/// SET (constructed).
pub(crate) const SET: u8 = 0x31;

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
}

impl DecidedExtension {
    /// Every one, in slot order.
    const ALL: [Self; 4] = [
        Self::SubjectAltName,
        Self::ExtKeyUsage,
        Self::KeyUsage,
        Self::NameConstraints,
    ];

    /// The extension with this OID (content octets; all four are in the id-ce arc,
    /// `55 1D x`), `None` for any other.
    fn of(oid: &[u8]) -> Option<Self> {
        match oid {
            [0x55, 0x1D, 0x11] => Some(Self::SubjectAltName),
            [0x55, 0x1D, 0x25] => Some(Self::ExtKeyUsage),
            [0x55, 0x1D, 0x0F] => Some(Self::KeyUsage),
            [0x55, 0x1D, 0x1E] => Some(Self::NameConstraints),
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
        }
    }

    /// Its slot in [`Certificate`].
    fn slot(self) -> usize {
        match self {
            Self::SubjectAltName => 0,
            Self::ExtKeyUsage => 1,
            Self::KeyUsage => 2,
            Self::NameConstraints => 3,
        }
    }
}

/// How many extensions a [`Certificate`] keeps.
const DECIDED: usize = DecidedExtension::ALL.len();

/// Up to this many extensions outside the id-ce arc (`2.5.29`), their OIDs are held for the
/// duplicate check without allocating and compared pairwise as they come (a typical leaf or
/// CA certificate has one to three: authorityInfoAccess, certificate transparency).
const INLINE_EXTENSIONS: usize = 4;

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
    fn of(oid: &[u8]) -> Self {
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
    /// A reader over the subject Name contents (already walked strictly).
    pub(crate) subject: Reader<'a>,
    /// The [`DecidedExtension`]s present, each in its slot. The walk made sure that no
    /// extension OID appears twice.
    decided: [Option<Extension<'a>>; DECIDED],
}

impl<'a> Certificate<'a> {
    /// The extension `which`, if the certificate has it.
    pub(crate) fn extension(&self, which: DecidedExtension) -> Option<&Extension<'a>> {
        self.decided.get(which.slot())?.as_ref()
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

    /// The subject and the extensions of a certificate that path validation has already
    /// parsed (a CA of a verified path): the Certificate and TBSCertificate structure is
    /// walked with this reader's canonical-length rules and every TBSCertificate field
    /// must carry its tag in order, but only the extension list is walked inside (as in
    /// [`Certificate::parse`]: minimal OIDs, `critical` only as TRUE, no OID twice); the
    /// other fields' contents are left to the path validator.
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
            (SEQUENCE, "issuer", "an issuer Name SEQUENCE"),
            (SEQUENCE, "validity", "a validity SEQUENCE"),
        ] {
            tbs.read_expected(tag, expected).map_err(field(name))?;
        }
        let subject = tbs
            .read_expected(SEQUENCE, "a subject Name SEQUENCE")
            .map_err(field("subject"))?;
        tbs.read_expected(SEQUENCE, "a subjectPublicKeyInfo SEQUENCE")
            .map_err(field("subjectPublicKeyInfo"))?;
        for (tag, name) in [(0x81, "issuerUniqueID"), (0x82, "subjectUniqueID")] {
            tbs.read_optional(tag).map_err(field(name))?;
        }
        // `[0] { INTEGER 2 }`: version 3.
        let v3 = version.map(|v| v.as_bytes()) == Some(&[INTEGER, 0x01, 0x02][..]);
        Self::finish(tbs, v3, subject)
    }

    fn parse_tbs(mut tbs: Reader<'a>) -> Result<Self, WalkError> {
        let version = match tbs.read_optional(0xa0).map_err(field("version"))? {
            None => 1,
            Some(mut v) => {
                let int = v
                    .read_expected(INTEGER, "an INTEGER in the [0] version field")
                    .map_err(field("version"))?;
                v.expect_end("the end of the [0] version field after the INTEGER")
                    .map_err(field("version"))?;
                match int.as_bytes() {
                    [1] => 2,
                    [2] => 3,
                    [0] => {
                        return Err(field("version")(int.error(
                            "v2 or v3, found an explicit v1 (DER omits the DEFAULT value)",
                        )))
                    }
                    _ => return Err(field("version")(int.error("version v1, v2 or v3"))),
                }
            }
        };
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
        let issuer = tbs
            .read_expected(SEQUENCE, "an issuer Name SEQUENCE")
            .map_err(field("issuer"))?;
        for_each_attribute(issuer, |_| {}).map_err(field("issuer"))?;
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
            .map_err(field("validity"))?;
        let subject = tbs
            .read_expected(SEQUENCE, "a subject Name SEQUENCE")
            .map_err(field("subject"))?;
        for_each_attribute(subject, |_| {}).map_err(field("subject"))?;
        let mut spki = tbs
            .read_expected(SEQUENCE, "a subjectPublicKeyInfo SEQUENCE")
            .map_err(field("subjectPublicKeyInfo"))?;
        let key_alg = spki
            .read_expected(SEQUENCE, "an AlgorithmIdentifier SEQUENCE")
            .map_err(field("subjectPublicKeyInfo"))?;
        check_algorithm(key_alg).map_err(field("subjectPublicKeyInfo"))?;
        let key = spki
            .read_expected(BIT_STRING, "a subjectPublicKey BIT STRING")
            .map_err(field("subjectPublicKeyInfo"))?;
        check_bit_string(key).map_err(field("subjectPublicKeyInfo"))?;
        spki.expect_end("the end of the subjectPublicKeyInfo after the key")
            .map_err(field("subjectPublicKeyInfo"))?;
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
        Self::finish(tbs, version == 3, subject)
    }

    /// The rest of a TBSCertificate after the unique identifiers: `[3] Extensions`, only in a
    /// version 3 certificate (`v3`), walked by [`parse_extensions`], then nothing.
    fn finish(mut tbs: Reader<'a>, v3: bool, subject: Reader<'a>) -> Result<Self, WalkError> {
        let mut decided = [None; DECIDED];
        let at = tbs.offset();
        if let Some(wrapper) = tbs.read_optional(0xa3).map_err(field("extensions"))? {
            if !v3 {
                return Err(field("extensions")(DerError {
                    offset: at,
                    detail: "extensions only in a version 3 certificate",
                }));
            }
            parse_extensions(wrapper, &mut decided)?;
        }
        tbs.expect_end("the end of the tbsCertificate after the extensions")
            .map_err(field("tbsCertificate"))?;
        Ok(Self { subject, decided })
    }
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

/// Days in a month of a (proleptic Gregorian) year.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// A DER time as RFC 5280 §4.1.2.5 profiles it: UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime
/// `YYYYMMDDHHMMSSZ`, with an existing date and a time of day below 24:00:00.
fn check_time(tag: u8, time: Reader<'_>) -> Result<(), DerError> {
    let bytes = time.as_bytes();
    let bad = || time.error("a UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ");
    let (year_digits, rest) = match (tag, bytes) {
        (UTC_TIME, [y @ .., b'Z']) if y.len() == 12 => y.split_at(2),
        (GENERALIZED_TIME, [y @ .., b'Z']) if y.len() == 14 => y.split_at(4),
        _ => return Err(bad()),
    };
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let two = |i: usize| rest.get(i..i + 2).and_then(number);
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) =
        (number(year_digits), two(0), two(2), two(4), two(6), two(8))
    else {
        return Err(bad());
    };
    let year = match tag {
        // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, otherwise 20YY.
        UTC_TIME if year >= 50 => 1900 + year,
        UTC_TIME => 2000 + year,
        _ => year,
    };
    let date_ok = (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
    if date_ok && hour < 24 && minute < 60 && second < 60 {
        Ok(())
    } else {
        Err(time.error("an existing date and a time of day below 24:00:00"))
    }
}

/// `[3] EXPLICIT Extensions`, `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`: every
/// extension walked, no OID twice, the [`DecidedExtension`]s kept in `decided`.
fn parse_extensions<'a>(
    mut wrapper: Reader<'a>,
    decided: &mut [Option<Extension<'a>>; DECIDED],
) -> Result<(), WalkError> {
    let err = field("extensions");
    let mut list = wrapper
        .read_expected(SEQUENCE, "an Extensions SEQUENCE inside [3]")
        .map_err(&err)?;
    wrapper
        .expect_end("the end of the [3] field after the Extensions SEQUENCE")
        .map_err(&err)?;
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
    seen.check()
}

/// The OIDs of a certificate's extensions, for RFC 5280 §4.2: "A certificate MUST NOT
/// include more than one instance of a particular extension." OIDs are minimal, so equal
/// OIDs have equal octets.
///
/// id-ce OIDs (`2.5.29.x`, x below 128: three content octets `55 1D x`) are one bit each;
/// any other OID is compared with the others seen so far, inline up to
/// [`INLINE_EXTENSIONS`]; past that, they go to the heap and are sorted once at the end, so
/// that a certificate with thousands of extensions costs `n log n`, not `n²`.
struct ExtensionOids<'a> {
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
    fn push(&mut self, oid: &'a [u8], offset: usize) {
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
    fn check(mut self) -> Result<(), WalkError> {
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

    #[test]
    fn times() {
        const ROWS: &[(u8, &str, bool)] = &[
            (UTC_TIME, "250101000000Z", true),
            (UTC_TIME, "491231235959Z", true),
            (UTC_TIME, "500101000000Z", true),
            (UTC_TIME, "240229120000Z", true),
            (UTC_TIME, "230229120000Z", false),
            (UTC_TIME, "250101240000Z", false),
            (UTC_TIME, "250101006000Z", false),
            (UTC_TIME, "250101000060Z", false),
            (UTC_TIME, "251301000000Z", false),
            (UTC_TIME, "250100000000Z", false),
            (UTC_TIME, "250431000000Z", false),
            (UTC_TIME, "2501010000Z", false),
            (UTC_TIME, "250101000000", false),
            (UTC_TIME, "25010100000aZ", false),
            (UTC_TIME, "250101000000+0000", false),
            (UTC_TIME, "20250101000000Z", false),
            (GENERALIZED_TIME, "20250101000000Z", true),
            (GENERALIZED_TIME, "20000229000000Z", true),
            (GENERALIZED_TIME, "21000229000000Z", false),
            (GENERALIZED_TIME, "99991231235959Z", true),
            (GENERALIZED_TIME, "2x250101000000Z", false),
            (GENERALIZED_TIME, "250101000000Z", false),
            (GENERALIZED_TIME, "20250101000000.5Z", false),
            (INTEGER, "250101000000Z", false),
        ];
        for &(tag, text, ok) in ROWS {
            let got = check_time(tag, Reader::new(text.as_bytes()));
            assert_eq!(got.is_ok(), ok, "tag {tag:#04x}, {text:?}: {got:?}");
        }
    }

    #[test]
    fn decided_extensions_have_their_slots() {
        for (i, which) in DecidedExtension::ALL.into_iter().enumerate() {
            assert_eq!(DecidedExtension::of(which.oid()), Some(which), "{which:?}");
            assert_eq!(which.slot(), i, "{which:?}");
        }
        for other in [
            &[0x55, 0x1D, 0x13][..],
            &[0x55, 0x1D, 0x11, 0x00],
            &[0x55, 0x1D],
            &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01],
        ] {
            assert_eq!(DecidedExtension::of(other), None, "{other:02x?}");
        }
    }

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
