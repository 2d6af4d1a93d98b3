//! RFC 5924 §5 extended key usage policy for the end-entity certificate (table E1–E10).
//!
//! The OID constants hold the **content octets** of each OID (no tag, no length), which is what
//! `webpki::KeyPurposeId::new` and `KeyUsage::required` take.

use core::fmt;

use crate::codes::{ReasonCode, WarningCode};
use crate::der::cert::{Certificate, DecidedExtension, KnownExtension, WalkError};
use crate::der::name::oid_text;
use crate::der::reader::{DerError, Reader, SEQUENCE};
use crate::policy::{EkuMode, Role};

/// id-kp-sipDomain, 1.3.6.1.5.5.7.3.20 (RFC 5924 §4.1).
pub const EKU_SIP_DOMAIN: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x14];
/// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1 (RFC 5280 §4.2.1.12).
pub const EKU_SERVER_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// id-kp-clientAuth, 1.3.6.1.5.5.7.3.2 (RFC 5280 §4.2.1.12).
pub const EKU_CLIENT_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// anyExtendedKeyUsage, 2.5.29.37.0 (RFC 5280 §4.2.1.12).
pub const EKU_ANY: &[u8] = &[0x55, 0x1D, 0x25, 0x00];

/// Why the EKU extension let the certificate through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EkuAcceptance {
    /// No EKU extension (E1): RFC 5924 §5 leaves it to local policy and calls accepting the
    /// more interoperable choice.
    Absent,
    /// The EKU contains id-kp-sipDomain (E2, E3, E9, E10): RFC 5924 §5 MUST accept.
    SipDomain,
    /// The EKU contains anyExtendedKeyUsage but not id-kp-sipDomain (E4): local policy, accepted.
    AnyExtendedKeyUsage,
    /// Accepted only by [`EkuMode::Compatible`] through serverAuth/clientAuth (E5, E6, E7): a
    /// relaxation of RFC 5924 §5, recorded as `eku-tls-compatible`.
    TlsCompatible,
}

impl EkuAcceptance {
    /// Whether this acceptance relaxes RFC 5924 §5.
    pub fn is_relaxation(self) -> bool {
        matches!(self, Self::TlsCompatible)
    }
}

/// Why the EKU extension rejects the certificate. Every variant fails closed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EkuError {
    /// The certificate or its EKU extension is not canonical DER (RFC 5280 §4.1, ITU-T X.690
    /// §10): `ExtKeyUsageSyntax ::= SEQUENCE OF KeyPurposeId`, each OID minimally encoded,
    /// nothing after the SEQUENCE.
    Malformed,
    /// The EKU extension appears more than once (RFC 5280 §4.2).
    Duplicate,
    /// The EKU extension holds no purpose (RFC 5280 requires `SIZE (1..MAX)`).
    Empty,
    /// The EKU lists only purposes that the mode does not allow for the role.
    NotPermitted {
        /// The purposes listed, as dotted OIDs.
        purposes: Vec<String>,
        /// The mode applied.
        mode: EkuMode,
        /// The role checked.
        role: Role,
    },
}

impl EkuError {
    /// The stable reject code: `cert-malformed` for a malformed, duplicate or empty extension,
    /// `eku-not-permitted` otherwise.
    pub fn code(&self) -> &'static str {
        self.reason_code().code()
    }

    /// The reject code as a [`ReasonCode`]. Every verdict path (the names-only check, the
    /// chain check and both rustls verifiers) uses this one mapping.
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::Malformed | Self::Duplicate | Self::Empty => ReasonCode::CertMalformed,
            Self::NotPermitted { .. } => ReasonCode::EkuNotPermitted,
        }
    }
}

impl fmt::Display for EkuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => f.write_str("the extended key usage extension is malformed"),
            Self::Duplicate => f.write_str(
                "the extended key usage extension appears more than once (RFC 5280 §4.2)",
            ),
            Self::Empty => f.write_str(
                "the extended key usage extension lists no purpose (RFC 5280 §4.2.1.12 requires at least one)",
            ),
            Self::NotPermitted {
                purposes,
                mode,
                role,
            } => {
                let allowed = match (mode, role) {
                    (EkuMode::Rfc5924, _) => "id-kp-sipDomain or anyExtendedKeyUsage",
                    (EkuMode::Compatible, Role::Server) => {
                        "id-kp-sipDomain, anyExtendedKeyUsage or serverAuth"
                    }
                    (EkuMode::Compatible, Role::Client) => {
                        "id-kp-sipDomain, anyExtendedKeyUsage, clientAuth or serverAuth"
                    }
                };
                write!(
                    f,
                    "the {} certificate's extended key usage [{}] allows no SIP use; the {} EKU mode requires {} when the extension is present (RFC 5924 §5, RFC 5280 §4.2.1.12)",
                    role.code(),
                    purposes.join(", "),
                    mode.code(),
                    allowed
                )
            }
        }
    }
}

impl std::error::Error for EkuError {}

/// Evaluates the EKU of one end-entity certificate given as DER.
///
/// ```
/// use sipcert::{evaluate_eku, EkuError, EkuMode, Role};
///
/// assert!(matches!(evaluate_eku(b"not a certificate", Role::Server, EkuMode::Compatible),
///     Err(EkuError::Malformed)));
/// ```
pub fn evaluate_eku(cert_der: &[u8], role: Role, mode: EkuMode) -> Result<EkuAcceptance, EkuError> {
    match Certificate::parse(cert_der) {
        Ok(cert) => evaluate_parsed(&cert, role, mode),
        Err(WalkError::DuplicateExtension {
            which: KnownExtension::ExtKeyUsage,
            ..
        }) => Err(EkuError::Duplicate),
        Err(
            WalkError::NotACertificate
            | WalkError::TrailingData
            | WalkError::Field { .. }
            | WalkError::DuplicateExtension {
                which: KnownExtension::SubjectAltName | KnownExtension::Other,
                ..
            },
        ) => Err(EkuError::Malformed),
    }
}

/// The warning a peer's EKU check gives the end entity `cert_der` used as a TLS **client**
/// certificate, although [`evaluate_eku`] accepts it in the `compatible` mode:
/// [`WarningCode::EkuServerAuthOnly`] when the EKU lists serverAuth and none of clientAuth,
/// id-kp-sipDomain, anyExtendedKeyUsage. `None` for any other EKU, an absent one, or a
/// certificate or extension that does not parse (which [`evaluate_eku`] rejects).
///
/// ```
/// use sipcert::client_eku_warning;
///
/// assert_eq!(client_eku_warning(b"not a certificate"), None);
/// ```
pub fn client_eku_warning(cert_der: &[u8]) -> Option<WarningCode> {
    let cert = Certificate::parse(cert_der).ok()?;
    let (p, _) = read_extension(&cert).ok()??;
    let server_auth_only = p.server_auth && !(p.client_auth || p.sip_domain || p.any);
    server_auth_only.then_some(WarningCode::EkuServerAuthOnly)
}

/// The purposes that matter, decoded from the extension.
#[allow(clippy::struct_excessive_bools)] // one flag per purpose, read once
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Purposes {
    sip_domain: bool,
    any: bool,
    server_auth: bool,
    client_auth: bool,
    /// How many KeyPurposeIds the extension lists.
    count: usize,
}

/// Reads `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId` strictly from the
/// extnValue contents: one SEQUENCE, nothing after it, each element a minimally encoded OID.
/// An empty SEQUENCE reads as `count == 0` (its own error, [`EkuError::Empty`]).
pub(crate) fn parse_purposes(value: Reader<'_>) -> Result<Purposes, DerError> {
    let mut p = Purposes::default();
    for_each_purpose(value, |oid| {
        p.count += 1;
        p.sip_domain |= oid == EKU_SIP_DOMAIN;
        p.any |= oid == EKU_ANY;
        p.server_auth |= oid == EKU_SERVER_AUTH;
        p.client_auth |= oid == EKU_CLIENT_AUTH;
    })?;
    Ok(p)
}

fn for_each_purpose<'a>(value: Reader<'a>, mut f: impl FnMut(&'a [u8])) -> Result<(), DerError> {
    let mut value = value;
    let mut list = value.read_expected(SEQUENCE, "an ExtKeyUsageSyntax SEQUENCE")?;
    value.expect_end("the end of the extension value after the ExtKeyUsageSyntax SEQUENCE")?;
    while !list.at_end() {
        f(list.read_oid("a KeyPurposeId OBJECT IDENTIFIER")?);
    }
    Ok(())
}

/// The purposes listed, as dotted OIDs: the well-known ones first in a fixed order (each
/// once), then the others in certificate order.
fn listed(value: Reader<'_>) -> Vec<String> {
    const KNOWN: [(&[u8], &str); 7] = [
        (EKU_ANY, "2.5.29.37.0"),
        (EKU_SERVER_AUTH, "1.3.6.1.5.5.7.3.1"),
        (EKU_CLIENT_AUTH, "1.3.6.1.5.5.7.3.2"),
        (
            &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03],
            "1.3.6.1.5.5.7.3.3",
        ),
        (
            &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04],
            "1.3.6.1.5.5.7.3.4",
        ),
        (
            &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08],
            "1.3.6.1.5.5.7.3.8",
        ),
        (
            &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09],
            "1.3.6.1.5.5.7.3.9",
        ),
    ];
    let mut seen = [false; KNOWN.len()];
    let mut others = Vec::new();
    // The value was read once already; a failure here cannot happen and would only shorten
    // the message.
    let _ = for_each_purpose(value, |oid| {
        match KNOWN.iter().position(|(known, _)| *known == oid) {
            Some(i) => {
                if let Some(s) = seen.get_mut(i) {
                    *s = true;
                }
            }
            None => others.push(oid_text(oid)),
        }
    });
    KNOWN
        .iter()
        .zip(seen)
        .filter(|(_, seen)| *seen)
        .map(|((_, name), _)| (*name).to_owned())
        .chain(others)
        .collect()
}

pub(crate) fn evaluate_parsed(
    cert: &Certificate<'_>,
    role: Role,
    mode: EkuMode,
) -> Result<EkuAcceptance, EkuError> {
    match read_extension(cert) {
        Ok(read) => evaluate_read(read, role, mode),
        Err(_) => Err(EkuError::Malformed),
    }
}

/// The extended key usage extension of a walked certificate, read strictly: its purposes
/// and its value (for the message that lists them), `None` when the extension is absent.
pub(crate) fn read_extension<'a>(
    cert: &Certificate<'a>,
) -> Result<Option<(Purposes, Reader<'a>)>, DerError> {
    match cert.extension(DecidedExtension::ExtKeyUsage) {
        None => Ok(None),
        Some(ext) => Ok(Some((parse_purposes(ext.value)?, ext.value))),
    }
}

/// [`evaluate_parsed`] on the extension [`read_extension`] read.
pub(crate) fn evaluate_read(
    read: Option<(Purposes, Reader<'_>)>,
    role: Role,
    mode: EkuMode,
) -> Result<EkuAcceptance, EkuError> {
    let Some((purposes, value)) = read else {
        return Ok(EkuAcceptance::Absent);
    };
    if purposes.count == 0 {
        return Err(EkuError::Empty);
    }
    decide(&purposes, value, role, mode)
}

fn decide(
    p: &Purposes,
    value: Reader<'_>,
    role: Role,
    mode: EkuMode,
) -> Result<EkuAcceptance, EkuError> {
    if p.sip_domain {
        return Ok(EkuAcceptance::SipDomain);
    }
    if p.any {
        return Ok(EkuAcceptance::AnyExtendedKeyUsage);
    }
    let tls_ok = match (mode, role) {
        (EkuMode::Rfc5924, _) => false,
        (EkuMode::Compatible, Role::Server) => p.server_auth,
        (EkuMode::Compatible, Role::Client) => p.client_auth || p.server_auth,
    };
    if tls_ok {
        Ok(EkuAcceptance::TlsCompatible)
    } else {
        Err(EkuError::NotPermitted {
            purposes: listed(value),
            mode,
            role,
        })
    }
}
