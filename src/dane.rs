//! DANE (RFC 6698, RFC 7671) for SIP servers found through SRV (RFC 7673): TLSA records matched
//! against a presented certificate chain. Pure: no DNS, no I/O; the caller brings the records
//! and says whether the answers were DNSSEC-secure.
//!
//! - A [`TlsaRecord`] is a raw record (usage, selector, matching type, data). Records with an
//!   unknown parameter, a digest of the wrong length, or that came from an answer that was
//!   not DNSSEC-secure are **unusable** (RFC 6698 §4.1, RFC 7671 §4): they are reported with
//!   their [`Unusable`] reason, never silently skipped, and never authenticate anything.
//! - With no usable record DANE does not apply and PKIX decides (RFC 7671 §4.1).
//! - With usable records, the server is authenticated when at least one usable record
//!   matches (RFC 7671 §5):
//!   - DANE-EE (3): the end-entity certificate (or its SPKI) matches. Names and validity
//!     dates are ignored (RFC 7671 §5.1).
//!   - DANE-TA (2): a CA certificate the server presented above its end entity matches
//!     (basicConstraints cA TRUE, keyUsage with keyCertSign when present, neither the end
//!     entity again nor a certificate with the end entity's key); the end entity must chain to
//!     it (as trust anchor), and its names must match the reference identities (RFC 7671
//!     §5.2, RFC 7673 §4.1).
//!   - PKIX-EE (1): the end entity matches, and PKIX validation (with the RFC 5922 name
//!     check) accepts it.
//!   - PKIX-TA (0): a CA certificate the server presented above its end entity matches (as
//!     for DANE-TA), PKIX validation accepts the chain, and the end entity chains to the
//!     matched certificate (RFC 6698 §2.1.1: it must be on a certification path; the trust
//!     anchor must be among the certificates the server sent).
//!
//! RFC 7673 §3: the TLSA records of an SRV target `sip1.example.net` at port 5061 are at
//! `_5061._tcp.sip1.example.net` ([`tlsa_name`]), and are looked up only when the SRV answer
//! was DNSSEC-secure; for usages 0-2 the reference identities are the SIP domain and that
//! SRV target ([`crate::Policy::with_secure_srv_target`]).
//!
//! Digests use the `sha2` crate (SHA-256 and SHA-512; a rustls crypto provider offers no
//! SHA-512 hash).
//!
//! ```
//! use sipcert::dane::{TlsaRecord, TlsaSet, Usage};
//!
//! // "3 1 1 <sha256 of the SPKI>", from a DNSSEC-secure answer.
//! let spki_digest = [0u8; 32];
//! let set = TlsaSet::secure(vec![TlsaRecord::new(3, 1, 1, spki_digest.to_vec())]);
//! assert_eq!(set.usable().count(), 1);
//! assert_eq!(set.records()[0].usage(), Some(Usage::DaneEe));
//! // The same record from an insecure answer is reported, and never used.
//! let insecure = TlsaSet::insecure(vec![TlsaRecord::new(3, 1, 1, spki_digest.to_vec())]);
//! assert_eq!(insecure.usable().count(), 0);
//! assert_eq!(insecure.unusable()[0].1.code(), "answer-not-secure");
//! ```

use core::fmt;

use rustls_pki_types::CertificateDer;
use sha2::{Digest, Sha256, Sha512};

use crate::der::cert::Certificate;
use crate::domain::DomainName;
use crate::verdict::Verdict;

/// The certificate usage field (RFC 6698 §2.1.1, RFC 7218 acronyms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Usage {
    /// `PKIX-TA` (0): a CA of the PKIX-validated chain.
    PkixTa,
    /// `PKIX-EE` (1): the PKIX-validated end entity.
    PkixEe,
    /// `DANE-TA` (2): a trust anchor asserted by DNS.
    DaneTa,
    /// `DANE-EE` (3): the end entity, asserted by DNS alone.
    DaneEe,
}

impl Usage {
    /// The usage of a field value, `None` for an unassigned one.
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(Self::PkixTa),
            1 => Some(Self::PkixEe),
            2 => Some(Self::DaneTa),
            3 => Some(Self::DaneEe),
            _ => None,
        }
    }

    /// The RFC 7218 acronym (`PKIX-TA`, `PKIX-EE`, `DANE-TA`, `DANE-EE`).
    pub fn code(self) -> &'static str {
        match self {
            Self::PkixTa => "PKIX-TA",
            Self::PkixEe => "PKIX-EE",
            Self::DaneTa => "DANE-TA",
            Self::DaneEe => "DANE-EE",
        }
    }

    /// Whether the record names a trust anchor (0, 2) rather than the end entity (1, 3).
    pub fn is_trust_anchor(self) -> bool {
        match self {
            Self::PkixTa | Self::DaneTa => true,
            Self::PkixEe | Self::DaneEe => false,
        }
    }
}

/// The selector field (RFC 6698 §2.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `Cert` (0): the whole certificate, DER.
    Certificate,
    /// `SPKI` (1): the SubjectPublicKeyInfo, DER.
    SubjectPublicKeyInfo,
}

impl Selector {
    /// The selector of a field value, `None` for an unassigned one.
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(Self::Certificate),
            1 => Some(Self::SubjectPublicKeyInfo),
            _ => None,
        }
    }
}

/// The matching type field (RFC 6698 §2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchingType {
    /// `Full` (0): the selected content itself.
    Full,
    /// `SHA2-256` (1).
    Sha256,
    /// `SHA2-512` (2).
    Sha512,
}

impl MatchingType {
    /// The matching type of a field value, `None` for an unassigned one.
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(Self::Full),
            1 => Some(Self::Sha256),
            2 => Some(Self::Sha512),
            _ => None,
        }
    }

    /// The digest length in bytes, `None` for `Full`.
    pub fn digest_len(self) -> Option<usize> {
        match self {
            Self::Full => None,
            Self::Sha256 => Some(32),
            Self::Sha512 => Some(64),
        }
    }
}

/// One TLSA record as received: the three parameter octets and the association data.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TlsaRecord {
    usage: u8,
    selector: u8,
    matching_type: u8,
    data: Vec<u8>,
}

impl TlsaRecord {
    /// A record from its fields, unchecked (an unknown value makes it unusable, see
    /// [`TlsaRecord::check`]).
    pub fn new(usage: u8, selector: u8, matching_type: u8, data: Vec<u8>) -> Self {
        Self {
            usage,
            selector,
            matching_type,
            data,
        }
    }

    /// A record from its wire RDATA (RFC 6698 §2.1: three octets, then the data).
    pub fn from_rdata(rdata: &[u8]) -> Result<Self, TlsaParseError> {
        match rdata {
            [usage, selector, matching_type, data @ ..] => {
                Ok(Self::new(*usage, *selector, *matching_type, data.to_vec()))
            }
            _ => Err(TlsaParseError(format!(
                "TLSA RDATA of {} octets: at least 3 are needed (usage, selector, matching type)",
                rdata.len()
            ))),
        }
    }

    /// A record from its presentation form (RFC 6698 §2.2): `3 1 1 ab12...` (the hex data
    /// may be split by white space).
    pub fn from_presentation(text: &str) -> Result<Self, TlsaParseError> {
        let mut fields = text.split_whitespace();
        let mut octet = |name: &str| -> Result<u8, TlsaParseError> {
            let f = fields
                .next()
                .ok_or_else(|| TlsaParseError(format!("{text:?}: the {name} field is missing")))?;
            // RFC 6698 §2.2: an unsigned decimal integer, ASCII digits only (`u8::from_str`
            // alone would also take a leading '+').
            if !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TlsaParseError(format!(
                    "{text:?}: the {name} {f:?} is not a decimal number (digits only, RFC 6698 §2.2)"
                )));
            }
            f.parse::<u8>()
                .map_err(|_| TlsaParseError(format!("{text:?}: the {name} {f:?} is not 0-255")))
        };
        let (usage, selector, matching) =
            (octet("usage")?, octet("selector")?, octet("matching type")?);
        let hex: String = fields.collect();
        let data = decode_hex(&hex).map_err(|at| {
            TlsaParseError(format!(
                "{text:?}: the association data is not hex (character {at} of the data)"
            ))
        })?;
        Ok(Self::new(usage, selector, matching, data))
    }

    /// The usage, `None` when unassigned.
    pub fn usage(&self) -> Option<Usage> {
        Usage::from_u8(self.usage)
    }

    /// The raw parameter octets (usage, selector, matching type).
    pub fn parameters(&self) -> (u8, u8, u8) {
        (self.usage, self.selector, self.matching_type)
    }

    /// The association data.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The record's parameters, or why it is unusable on its own (whatever the DNSSEC state).
    pub fn check(&self) -> Result<(Usage, Selector, MatchingType), Unusable> {
        let usage = Usage::from_u8(self.usage).ok_or(Unusable::UnknownUsage(self.usage))?;
        let selector =
            Selector::from_u8(self.selector).ok_or(Unusable::UnknownSelector(self.selector))?;
        let matching = MatchingType::from_u8(self.matching_type)
            .ok_or(Unusable::UnknownMatchingType(self.matching_type))?;
        match matching.digest_len() {
            Some(expected) if expected != self.data.len() => Err(Unusable::DigestLength {
                expected,
                actual: self.data.len(),
            }),
            None if self.data.is_empty() => Err(Unusable::EmptyData),
            Some(_) | None => Ok((usage, selector, matching)),
        }
    }

    /// Whether `cert` matches the record's selector and matching type. An unusable record or
    /// a certificate whose SPKI cannot be found never matches.
    pub fn matches(&self, cert: &CertificateDer<'_>) -> bool {
        let Ok((_, selector, matching)) = self.check() else {
            return false;
        };
        let selected = match selector {
            Selector::Certificate => Some(cert.as_ref()),
            Selector::SubjectPublicKeyInfo => spki(cert),
        };
        let Some(selected) = selected else {
            return false;
        };
        match matching {
            MatchingType::Full => selected == self.data.as_slice(),
            MatchingType::Sha256 => Sha256::digest(selected).as_slice() == self.data.as_slice(),
            MatchingType::Sha512 => Sha512::digest(selected).as_slice() == self.data.as_slice(),
        }
    }
}

impl fmt::Display for TlsaRecord {
    /// The presentation form, `3 1 1 ABCD...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} ",
            self.usage, self.selector, self.matching_type
        )?;
        for b in &self.data {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// A TLSA record that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TlsaParseError(String);

/// Why a TLSA record cannot be used (RFC 6698 §4.1, RFC 7671 §4, RFC 7673 §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unusable {
    /// `unknown-usage`: an unassigned certificate usage.
    UnknownUsage(u8),
    /// `unknown-selector`: an unassigned selector.
    UnknownSelector(u8),
    /// `unknown-matching-type`: an unassigned matching type.
    UnknownMatchingType(u8),
    /// `digest-length`: the data is not as long as the matching type's digest.
    DigestLength {
        /// The digest length of the matching type.
        expected: usize,
        /// The data length.
        actual: usize,
    },
    /// `empty-data`: a `Full` record without data.
    EmptyData,
    /// `answer-not-secure`: the TLSA answer was not DNSSEC-secure (RFC 6698 §4.1).
    AnswerNotSecure,
    /// `srv-not-secure`: the SRV answer that led to this target was not DNSSEC-secure, so its
    /// TLSA records do not apply (RFC 7673 §3.3).
    SrvNotSecure,
}

impl Unusable {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownUsage(_) => "unknown-usage",
            Self::UnknownSelector(_) => "unknown-selector",
            Self::UnknownMatchingType(_) => "unknown-matching-type",
            Self::DigestLength { .. } => "digest-length",
            Self::EmptyData => "empty-data",
            Self::AnswerNotSecure => "answer-not-secure",
            Self::SrvNotSecure => "srv-not-secure",
        }
    }
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownUsage(v) => write!(f, "certificate usage {v} is not assigned (RFC 6698 §2.1.1)"),
            Self::UnknownSelector(v) => write!(f, "selector {v} is not assigned (RFC 6698 §2.1.2)"),
            Self::UnknownMatchingType(v) => {
                write!(f, "matching type {v} is not assigned (RFC 6698 §2.1.3)")
            }
            Self::DigestLength { expected, actual } => write!(
                f,
                "the data has {actual} octets, the matching type's digest {expected} (RFC 7671 §4)"
            ),
            Self::EmptyData => f.write_str("a Full record without association data"),
            Self::AnswerNotSecure => f.write_str(
                "the TLSA answer was not DNSSEC-secure; such records are unusable (RFC 6698 §4.1)",
            ),
            Self::SrvNotSecure => f.write_str(
                "the SRV answer was not DNSSEC-secure, so the target's TLSA records do not apply (RFC 7673 §3)",
            ),
        }
    }
}

/// The TLSA RRset of one target, with its DNSSEC state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsaSet {
    records: Vec<TlsaRecord>,
    /// `None` when every record may be used (subject to its own check).
    blanket: Option<Unusable>,
}

impl TlsaSet {
    /// Records from a DNSSEC-secure answer (reached through a secure SRV answer, RFC 7673 §3).
    pub fn secure(records: Vec<TlsaRecord>) -> Self {
        Self {
            records,
            blanket: None,
        }
    }

    /// Records from an answer that was not DNSSEC-secure: all unusable
    /// ([`Unusable::AnswerNotSecure`]).
    pub fn insecure(records: Vec<TlsaRecord>) -> Self {
        Self {
            records,
            blanket: Some(Unusable::AnswerNotSecure),
        }
    }

    /// Records of a target whose SRV answer was not DNSSEC-secure: all unusable
    /// ([`Unusable::SrvNotSecure`], RFC 7673 §3).
    pub fn behind_insecure_srv(records: Vec<TlsaRecord>) -> Self {
        Self {
            records,
            blanket: Some(Unusable::SrvNotSecure),
        }
    }

    /// Every record, usable or not.
    pub fn records(&self) -> &[TlsaRecord] {
        &self.records
    }

    /// The usable records with their parsed parameters.
    pub fn usable(&self) -> impl Iterator<Item = (usize, &TlsaRecord, Usage)> + '_ {
        self.records
            .iter()
            .enumerate()
            .filter(|_| self.blanket.is_none())
            .filter_map(|(i, r)| r.check().ok().map(|(u, _, _)| (i, r, u)))
    }

    /// Every unusable record (index into [`TlsaSet::records`]) with its reason.
    pub fn unusable(&self) -> Vec<(usize, Unusable)> {
        self.records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match (self.blanket, r.check()) {
                (Some(why), _) | (None, Err(why)) => Some((i, why)),
                (None, Ok(_)) => None,
            })
            .collect()
    }
}

/// The owner name of the TLSA records of a TLS service at `port` on `host` (RFC 6698 §3;
/// RFC 7673 §3: `host` is the SRV target, not the SIP domain): `_5061._tcp.host.`.
pub fn tlsa_name(port: u16, host: &DomainName) -> String {
    format!("_{port}._tcp.{}.", host.as_str())
}

/// What DANE concluded for one presented chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaneOutcome {
    status: DaneStatus,
    matched: Option<DaneMatch>,
    usable: usize,
    unusable: Vec<(usize, Unusable)>,
    detail: String,
}

/// The three DANE outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DaneStatus {
    /// `not-applicable`: no usable record; PKIX alone decides (RFC 7671 §4.1).
    NotApplicable,
    /// `authenticated`: a usable record authenticated the server.
    Authenticated,
    /// `dane-mismatch`: usable records exist and none authenticated the server: the server
    /// must not be accepted (RFC 6698 §4.1).
    Mismatch,
}

impl DaneStatus {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotApplicable => "not-applicable",
            Self::Authenticated => "authenticated",
            Self::Mismatch => "dane-mismatch",
        }
    }
}

/// The record that authenticated the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DaneMatch {
    /// Index into [`TlsaSet::records`].
    pub record: usize,
    /// Its usage.
    pub usage: Usage,
    /// Position of the matching certificate in the presented chain (0 = end entity).
    pub position: usize,
}

impl DaneOutcome {
    /// The outcome.
    pub fn status(&self) -> DaneStatus {
        self.status
    }

    /// Whether the server may be accepted as far as DANE is concerned: authenticated by a
    /// record, or no usable record (then the PKIX verdict alone decides).
    pub fn permits(&self, pkix: &Verdict) -> bool {
        match self.status {
            DaneStatus::Authenticated => true,
            DaneStatus::NotApplicable => pkix.is_accept(),
            DaneStatus::Mismatch => false,
        }
    }

    /// The record that authenticated the server.
    pub fn matched(&self) -> Option<DaneMatch> {
        self.matched
    }

    /// How many records were usable.
    pub fn usable_count(&self) -> usize {
        self.usable
    }

    /// The unusable records and why.
    pub fn unusable(&self) -> &[(usize, Unusable)] {
        &self.unusable
    }

    /// One sentence for the operator.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for DaneOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.code(), self.detail)
    }
}

/// The first reason code of a rejection, for a DANE message.
fn first_reason(r: &crate::verdict::Rejected) -> String {
    r.reasons()
        .first()
        .map_or_else(|| "rejected".to_owned(), |x| x.code().code().to_owned())
}

/// The DER SubjectPublicKeyInfo of a certificate (the strict walk of its structure,
/// [`Certificate::parse_extensions_only`]), `None` when it does not parse.
pub(super) fn spki<'a>(cert: &'a CertificateDer<'_>) -> Option<&'a [u8]> {
    Certificate::parse_extensions_only(cert.as_ref())
        .ok()
        .map(|c| c.spki())
}

/// Hex digits to bytes; `Err(position)` of the first bad character.
fn decode_hex(text: &str) -> Result<Vec<u8>, usize> {
    let digits: Vec<u8> = text.bytes().collect();
    if !digits.len().is_multiple_of(2) {
        return Err(digits.len());
    }
    let nibble = |i: usize, c: u8| -> Result<u8, usize> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(i),
        }
    };
    digits
        .chunks(2)
        .enumerate()
        .map(|(k, pair)| match pair {
            [hi, lo] => Ok(nibble(2 * k, *hi)? << 4 | nibble(2 * k + 1, *lo)?),
            _ => Err(2 * k),
        })
        .collect()
}

// The matching of a set against a chain, in named steps.
pub(crate) mod anchor;
mod evaluation;
#[cfg(test)]
mod tests;

pub use evaluation::evaluate;
