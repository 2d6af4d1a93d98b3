//! RFC 5924 §5 extended key usage policy for the end-entity certificate (table E1–E10).
//!
//! The OID constants hold the **content octets** of each OID (no tag, no length), which is what
//! `webpki::KeyPurposeId::new` and `KeyUsage::required` take.

use core::fmt;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ExtendedKeyUsage;
use x509_parser::oid_registry::OID_X509_EXT_EXTENDED_KEY_USAGE;
use x509_parser::prelude::FromDer;

use crate::policy::{EkuMode, Role};
use crate::ReasonCode;

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
    /// The certificate or its EKU extension does not parse, or has trailing data.
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
    match X509Certificate::from_der(cert_der) {
        Ok(([], cert)) => evaluate_parsed(&cert, role, mode),
        Ok(_) | Err(_) => Err(EkuError::Malformed),
    }
}

/// The set of purposes that matter, decoded from the extension.
#[allow(clippy::struct_excessive_bools)] // one flag per purpose, read once
struct Purposes {
    sip_domain: bool,
    any: bool,
    server_auth: bool,
    client_auth: bool,
    listed: Vec<String>,
}

pub(crate) fn evaluate_parsed(
    cert: &X509Certificate<'_>,
    role: Role,
    mode: EkuMode,
) -> Result<EkuAcceptance, EkuError> {
    let ext = match cert.get_extension_unique(&OID_X509_EXT_EXTENDED_KEY_USAGE) {
        Ok(None) => return Ok(EkuAcceptance::Absent),
        Ok(Some(ext)) => ext,
        Err(_) => return Err(EkuError::Duplicate),
    };
    // Parse the raw value ourselves so that trailing octets are refused.
    let Ok(([], eku)) = ExtendedKeyUsage::from_der(ext.value) else {
        return Err(EkuError::Malformed);
    };
    let purposes = decode(&eku)?;
    decide(&purposes, role, mode)
}

fn decode(eku: &ExtendedKeyUsage<'_>) -> Result<Purposes, EkuError> {
    let mut listed = Vec::new();
    let flags = [
        (eku.any, "2.5.29.37.0"),
        (eku.server_auth, "1.3.6.1.5.5.7.3.1"),
        (eku.client_auth, "1.3.6.1.5.5.7.3.2"),
        (eku.code_signing, "1.3.6.1.5.5.7.3.3"),
        (eku.email_protection, "1.3.6.1.5.5.7.3.4"),
        (eku.time_stamping, "1.3.6.1.5.5.7.3.8"),
        (eku.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
    ];
    for (set, name) in flags {
        if set {
            listed.push(name.to_owned());
        }
    }
    let mut sip_domain = false;
    for oid in &eku.other {
        if oid.as_bytes() == EKU_SIP_DOMAIN {
            sip_domain = true;
        }
        listed.push(oid.to_id_string());
    }
    if listed.is_empty() {
        return Err(EkuError::Empty);
    }
    Ok(Purposes {
        sip_domain,
        any: eku.any,
        server_auth: eku.server_auth,
        client_auth: eku.client_auth,
        listed,
    })
}

fn decide(p: &Purposes, role: Role, mode: EkuMode) -> Result<EkuAcceptance, EkuError> {
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
            purposes: p.listed.clone(),
            mode,
            role,
        })
    }
}
