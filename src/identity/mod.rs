//! RFC 5922 §7.1: the SIP domain identities of **one** end-entity certificate.
//!
//! [`extract_identities`] walks the subjectAltName extension and, only when that extension is
//! absent, the subject CN. Every presented name ends up either as an [`Identity`] or as an
//! [`IgnoredName`] with a stable reason code, so an operator can see why a name did not count.
//!
//! The certificate is read as strict DER (ITU-T X.690 §10): the certificate structure, every
//! extension's OID and `critical` flag, the subjectAltName and extended key usage values and
//! the subject Name must be canonical, and no extension may appear twice (RFC 5280 §4.2).
//! Anything else (a constructed or undefined GeneralName tag, trailing octets, a non-minimal
//! length or OID, an empty GeneralNames) is an [`ExtractError`]: such a certificate yields no
//! identity at all, and in particular never reaches the CN fallback. A well-formed name of an
//! unusable kind or form (an email address, a wildcard, non-ASCII octets) is ignored, never
//! turned into an identity.

mod cn;
mod names;
mod san;
mod text;
mod uri_san;

use core::fmt;
use core::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::collections::hash_map::{Entry, HashMap, RandomState};

use crate::der::cert::{Certificate, DecidedExtension, KnownExtension, WalkError};
use crate::der::reader::{DerError, Reader};
use crate::eku::Purposes;
use crate::policy::Policy;

pub(crate) use names::NearMiss;
pub use names::{Identity, IdentityName, IdentitySource, IgnoreReason, IgnoredName, IgnoredSource};

/// Up to this many identities, duplicates are found by a scan instead of a hash set.
const LINEAR_DEDUP_LIMIT: usize = 16;

/// The outcome of RFC 5922 §7.1 for one certificate: ordered identities (deduplicated, case
/// insensitively, RFC 5922 §7.2) and every presented name that is not an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identities {
    found: Vec<Identity>,
    ignored: Vec<IgnoredName>,
    has_san_extension: bool,
    /// The policy the identities were extracted with; matching uses it too.
    policy: Policy,
}

impl Identities {
    /// The SIP domain identities, in certificate order (URI and DNS SANs in SAN order, then the
    /// CN), each name once.
    pub fn identities(&self) -> &[Identity] {
        &self.found
    }

    /// Every presented name that is not an identity, with the reason.
    pub fn ignored(&self) -> &[IgnoredName] {
        &self.ignored
    }

    /// Whether the certificate has a subjectAltName extension (then the CN is never an
    /// identity).
    pub fn has_san_extension(&self) -> bool {
        self.has_san_extension
    }

    /// The policy these identities were extracted with (CN fallback, `require_sip_uri`, IP
    /// literals decide what counts as an identity).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Whether there is no identity at all (RFC 5922 §7.3: not authenticated).
    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// Adds `identity` unless its name is already there (RFC 5922 §7.2 compares names case
    /// insensitively; names are normalized, so equal names are equal values).
    fn push_identity(&mut self, identity: Identity, seen: &mut Seen) {
        // Few identities: a scan beats hashing. Many: the index keeps deduplication linear.
        if self.found.len() < LINEAR_DEDUP_LIMIT {
            if self.found.iter().any(|i| i.name() == identity.name()) {
                return;
            }
            self.found.push(identity);
            if self.found.len() == LINEAR_DEDUP_LIMIT {
                for (index, id) in self.found.iter().enumerate() {
                    let hash = seen.key(id.name());
                    seen.index.entry(hash).or_insert(index);
                }
            }
            return;
        }
        let hash = seen.key(identity.name());
        match seen.index.entry(hash) {
            Entry::Vacant(slot) => {
                slot.insert(self.found.len());
                self.found.push(identity);
            }
            Entry::Occupied(slot) => {
                let same = |i: &Identity| i.name() == identity.name();
                // Same hash: the same name, or (with a per-process random key, as good as
                // never) a 64-bit collision, which a scan settles.
                if self.found.get(*slot.get()).is_some_and(same) || self.found.iter().any(same) {
                    return;
                }
                self.found.push(identity);
            }
        }
    }

    pub(crate) fn into_parts(self) -> (Vec<Identity>, Vec<IgnoredName>) {
        (self.found, self.ignored)
    }
}

/// Why a certificate could not be examined at all. Maps to the reject code `cert-malformed`.
///
/// The certificate structure, the subject Name, and the subjectAltName and extended key usage
/// extensions are read as strict DER (ITU-T X.690 §10, RFC 5280 §4.1): a value that is not
/// canonical makes the whole certificate malformed, so none of its names is an identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The input does not begin with a DER SEQUENCE, so it is no X.509 certificate.
    #[error("the certificate is not valid DER X.509 (no Certificate SEQUENCE)")]
    NotACertificate,
    /// Octets follow the certificate.
    #[error("trailing data after the certificate")]
    TrailingData,
    /// The subjectAltName extension appears more than once (RFC 5280 §4.2).
    #[error("the subjectAltName extension appears more than once (RFC 5280 §4.2)")]
    DuplicateSan,
    /// Another extension appears more than once (RFC 5280 §4.2).
    #[error("the extension at byte {offset} repeats an earlier extension's OID (RFC 5280 §4.2)")]
    DuplicateExtension {
        /// Byte offset of the repeated Extension in the certificate.
        offset: usize,
    },
    /// A field is not canonical DER, or not of the shape RFC 5280 §4.1 gives it.
    #[error("{field} at byte {offset}: expected {detail}")]
    NonCanonical {
        /// The field: `certificate`, `tbsCertificate`, `subject`, `extensions`,
        /// `subjectAltName`, `extendedKeyUsage`, ...
        field: &'static str,
        /// Byte offset of the offending octet in the certificate.
        offset: usize,
        /// What was expected there.
        detail: &'static str,
    },
    /// A subjectAltName entry whose tag is none of the nine GeneralName forms of RFC 5280
    /// §4.2.1.6 with its defined encoding (a constructed `[6]`, an undefined `[9]`, a universal
    /// tag, ...).
    #[error(
        "subjectAltName at byte {offset}: {} tag {tag:#04x} is not a GeneralName (RFC 5280 §4.2.1.6)",
        if tag & 0x20 == 0 { "primitive" } else { "constructed" }
    )]
    UnknownGeneralName {
        /// Byte offset of the entry in the certificate.
        offset: usize,
        /// The entry's tag octet.
        tag: u8,
    },
}

impl ExtractError {
    /// Always `cert-malformed`.
    pub fn code(self) -> &'static str {
        self.reason_code().code()
    }

    /// The reject code as a [`crate::ReasonCode`]: always `cert-malformed`.
    pub fn reason_code(self) -> crate::codes::ReasonCode {
        crate::codes::ReasonCode::CertMalformed
    }

    fn from_walk(e: WalkError) -> Self {
        match e {
            WalkError::NotACertificate => Self::NotACertificate,
            WalkError::TrailingData => Self::TrailingData,
            WalkError::Field { field, error } => Self::non_canonical(field, error),
            WalkError::DuplicateExtension {
                which: KnownExtension::SubjectAltName,
                ..
            } => Self::DuplicateSan,
            WalkError::DuplicateExtension {
                offset,
                which: KnownExtension::ExtKeyUsage | KnownExtension::Other,
            } => Self::DuplicateExtension { offset },
        }
    }

    pub(crate) fn non_canonical(field: &'static str, error: DerError) -> Self {
        Self::NonCanonical {
            field,
            offset: error.offset,
            detail: error.detail,
        }
    }
}

/// The names already in an identity list once it has [`LINEAR_DEDUP_LIMIT`] of them: their
/// keyed hashes (SipHash with a per-process random key, so no certificate can aim at
/// collisions), each with the index of the identity, so that no name is copied to be
/// remembered. Lives only while one certificate is read.
struct Seen {
    state: RandomState,
    index: HashMap<u64, usize, BuildHasherDefault<Prehashed>>,
}

impl Seen {
    /// For up to `candidates` identities (only an estimate: the map grows past it).
    fn new(candidates: usize) -> Self {
        let capacity = if candidates > LINEAR_DEDUP_LIMIT {
            candidates
        } else {
            0
        };
        Self {
            state: RandomState::new(),
            index: HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default()),
        }
    }

    /// The keyed hash of a name: a domain's octets in one write (equal hashes are compared
    /// by value anyway, so a domain and an address may share one).
    fn key(&self, name: &IdentityName) -> u64 {
        let mut h = self.state.build_hasher();
        match name {
            IdentityName::Domain(d) => h.write(d.as_str().as_bytes()),
            IdentityName::Ip(ip) => ip.hash(&mut h),
        }
        h.finish()
    }
}

/// The hasher of a map whose keys are already keyed hashes: the key is the hash.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; any other input is folded in all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Extracts the RFC 5922 §7.1 identity set from one end-entity certificate (DER).
///
/// ```
/// use sipcert::{extract_identities, Policy};
///
/// assert!(extract_identities(&[0x30, 0x00], &Policy::default()).is_err());
/// ```
pub fn extract_identities(cert_der: &[u8], policy: &Policy) -> Result<Identities, ExtractError> {
    let (cert, _) = parse_certificate(cert_der)?;
    extract_from_parsed(&cert, policy)
}

/// The strict walk of the certificate, plus the DER of the extended key usage extension, which
/// sipcert decides on too: whoever reads the certificate, a non-canonical EKU makes it
/// malformed. The purposes read come back for [`crate::eku::evaluate_read`], so that the EKU
/// is read once. (Whether the EKU allows the role is [`crate::eku`]'s business.)
pub(crate) fn parse_certificate(
    cert_der: &[u8],
) -> Result<(Certificate<'_>, Option<(Purposes, Reader<'_>)>), ExtractError> {
    let cert = Certificate::parse(cert_der).map_err(ExtractError::from_walk)?;
    let eku = crate::eku::read_extension(&cert)
        .map_err(|e| ExtractError::non_canonical("extendedKeyUsage", e))?;
    Ok((cert, eku))
}

pub(crate) fn extract_from_parsed(
    cert: &Certificate<'_>,
    policy: &Policy,
) -> Result<Identities, ExtractError> {
    let san = cert.extension(DecidedExtension::SubjectAltName);
    let mut out = Identities {
        found: Vec::new(),
        ignored: Vec::new(),
        has_san_extension: san.is_some(),
        policy: policy.clone(),
    };
    if let Some(san) = san {
        san::collect(san.value, policy, &mut out)?;
    }
    cn::collect(cert.subject(), policy, &mut out)?;
    Ok(out)
}

impl fmt::Display for Identities {
    /// `a.example (san-uri), b.example (san-dns)` or `no identity`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.found.is_empty() {
            return f.write_str("no identity");
        }
        for (i, id) in self.found.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{id}")?;
        }
        Ok(())
    }
}
