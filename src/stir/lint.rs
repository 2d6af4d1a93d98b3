//! A STIR certificate against the profile of RFC 8226 and ATIS-1000080 (the SHAKEN
//! certificate management document): every finding with a stable `stir-lint-…` code, a
//! severity and a message. Pure: the certificate's DER and the time to judge validity at.
//!
//! Real SHAKEN certificates often fail the profile, so findings never change a verification
//! unless the [`StirPolicy`](super::StirPolicy) says [`LintMode::Enforce`]; then an
//! error-severity finding on the x5u certificate fails it with `stir-lint-failed`.

use core::fmt;

use rustls_pki_types::UnixTime;

use super::tnauth::{self, TnEntry};
use crate::der::cert::{Certificate, DecidedExtension};
use crate::der::reader::{Reader, BIT_STRING, GENERALIZED_TIME, INTEGER, SEQUENCE, UTC_TIME};
use crate::time::days_from_civil;

/// ecdsa-with-SHA256, 1.2.840.10045.4.3.2.
const OID_ECDSA_SHA256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02];
/// id-ecPublicKey, 1.2.840.10045.2.1.
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// prime256v1 (P-256), 1.2.840.10045.3.1.7.
const OID_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
/// id-ce-cRLDistributionPoints, 2.5.29.31.
const OID_CRL_DP: &[u8] = &[0x55, 0x1D, 0x1F];
/// id-ce-certificatePolicies, 2.5.29.32.
const OID_POLICIES: &[u8] = &[0x55, 0x1D, 0x20];

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The certificate breaks a MUST of the profile.
    Error,
    /// The certificate departs from the profile where a relying party may still use it.
    Warning,
    /// Worth knowing; not a departure.
    Info,
}

impl Severity {
    /// `error`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a lint finding is about. Stable kebab-case codes: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LintCode {
    /// `stir-lint-cert-malformed`: not a strict-DER X.509 certificate (nothing else is read).
    CertMalformed,
    /// `stir-lint-not-v3`: not a version 3 certificate (RFC 5280 §4.1.2.1; extensions need v3).
    NotV3,
    /// `stir-lint-signature-algorithm`: not signed ecdsa-with-SHA256 (ATIS-1000080).
    SignatureAlgorithm,
    /// `stir-lint-key-not-p256`: the key is not an ECDSA P-256 key (RFC 8588 §3: ES256;
    /// ATIS-1000080).
    KeyNotP256,
    /// `stir-lint-tnauthlist-missing`: no TNAuthList extension (RFC 8226 §9).
    TnAuthListMissing,
    /// `stir-lint-tnauthlist-malformed`: the TNAuthList is not the strict DER of RFC 8226.
    TnAuthListMalformed,
    /// `stir-lint-tnauthlist-not-single-spc`: the TNAuthList is not the one SPC entry a
    /// SHAKEN certificate carries (ATIS-1000080); TNs and ranges are RFC 8226 (and RFC 9060
    /// delegate) certificates.
    TnAuthListNotSingleSpc,
    /// `stir-lint-tnauthlist`: what the TNAuthList names (info).
    TnAuthList,
    /// `stir-lint-crl-distribution-point-missing`: no CRL distribution points extension
    /// (ATIS-1000080: the STI-PA CRL must be reachable from the certificate).
    CrlDistributionPointMissing,
    /// `stir-lint-certificate-policies-missing`: no certificate policies extension
    /// (ATIS-1000080: the SHAKEN certificate policy).
    CertificatePoliciesMissing,
    /// `stir-lint-basic-constraints-missing`: no basicConstraints extension.
    BasicConstraintsMissing,
    /// `stir-lint-basic-constraints-ca`: an end-entity STI certificate that says it is a CA.
    BasicConstraintsCa,
    /// `stir-lint-key-usage-missing`: no keyUsage extension.
    KeyUsageMissing,
    /// `stir-lint-key-usage-digital-signature-missing`: keyUsage without digitalSignature,
    /// which signing PASSporTs needs.
    KeyUsageDigitalSignatureMissing,
    /// `stir-lint-key-usage-extra-bits`: keyUsage asserts more than digitalSignature.
    KeyUsageExtraBits,
    /// `stir-lint-key-usage-not-critical`: keyUsage not marked critical.
    KeyUsageNotCritical,
    /// `stir-lint-extension-malformed`: basicConstraints or keyUsage is not strict DER.
    ExtensionMalformed,
    /// `stir-lint-expired`: notAfter is before the lint time.
    Expired,
    /// `stir-lint-not-yet-valid`: notBefore is after the lint time.
    NotYetValid,
}

impl LintCode {
    /// The code's string and severity: one exhaustive table.
    fn row(self) -> (&'static str, Severity) {
        use Severity::{Error, Info, Warning};
        match self {
            Self::CertMalformed => ("stir-lint-cert-malformed", Error),
            Self::NotV3 => ("stir-lint-not-v3", Error),
            Self::SignatureAlgorithm => ("stir-lint-signature-algorithm", Error),
            Self::KeyNotP256 => ("stir-lint-key-not-p256", Error),
            Self::TnAuthListMissing => ("stir-lint-tnauthlist-missing", Error),
            Self::TnAuthListMalformed => ("stir-lint-tnauthlist-malformed", Error),
            Self::TnAuthListNotSingleSpc => ("stir-lint-tnauthlist-not-single-spc", Warning),
            Self::TnAuthList => ("stir-lint-tnauthlist", Info),
            Self::CrlDistributionPointMissing => {
                ("stir-lint-crl-distribution-point-missing", Error)
            }
            Self::CertificatePoliciesMissing => ("stir-lint-certificate-policies-missing", Error),
            Self::BasicConstraintsMissing => ("stir-lint-basic-constraints-missing", Warning),
            Self::BasicConstraintsCa => ("stir-lint-basic-constraints-ca", Error),
            Self::KeyUsageMissing => ("stir-lint-key-usage-missing", Error),
            Self::KeyUsageDigitalSignatureMissing => {
                ("stir-lint-key-usage-digital-signature-missing", Error)
            }
            Self::KeyUsageExtraBits => ("stir-lint-key-usage-extra-bits", Warning),
            Self::KeyUsageNotCritical => ("stir-lint-key-usage-not-critical", Warning),
            Self::ExtensionMalformed => ("stir-lint-extension-malformed", Error),
            Self::Expired => ("stir-lint-expired", Error),
            Self::NotYetValid => ("stir-lint-not-yet-valid", Error),
        }
    }

    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        self.row().0
    }

    /// The severity of a finding with this code.
    pub fn severity(self) -> Severity {
        self.row().1
    }
}

impl fmt::Display for LintCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What it is about.
    pub code: LintCode,
    /// What it says, naming the rule.
    pub message: String,
}

impl Finding {
    fn new(code: LintCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The finding's severity (its code's).
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.severity(), self.code, self.message)
    }
}

/// Whether lint findings decide a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LintMode {
    /// Findings never change a verdict (the default: real SHAKEN certificates often fail the
    /// profile); run [`lint`] to see them.
    #[default]
    Report,
    /// An error-severity finding on the x5u certificate fails the verification
    /// (`stir-lint-failed`).
    Enforce,
}

/// Lints a STIR certificate (DER) at `now`: every finding, errors first.
pub fn lint(cert_der: &[u8], now: UnixTime) -> Vec<Finding> {
    let cert = match Certificate::parse(cert_der) {
        Ok(cert) => cert,
        Err(e) => {
            return vec![Finding::new(
                LintCode::CertMalformed,
                format!("not a strict-DER X.509 certificate ({e:?}; RFC 5280 §4.1)"),
            )]
        }
    };
    let mut out = Vec::new();
    match read_tbs(cert_der) {
        Some(tbs) => lint_tbs(&tbs, now, &mut out),
        None => out.push(Finding::new(
            LintCode::CertMalformed,
            "the TBSCertificate fields cannot be read again",
        )),
    }
    lint_tn_auth_list(&cert, &mut out);
    for (oid, code, what) in [
        (
            OID_CRL_DP,
            LintCode::CrlDistributionPointMissing,
            "no CRL distribution points extension (2.5.29.31): a verifier cannot find the \
             STI-PA CRL (ATIS-1000080)",
        ),
        (
            OID_POLICIES,
            LintCode::CertificatePoliciesMissing,
            "no certificate policies extension (2.5.29.32): the SHAKEN certificate policy is \
             not asserted (ATIS-1000080)",
        ),
    ] {
        if !matches!(cert.other_extension(oid), Ok(Some(_))) {
            out.push(Finding::new(code, what));
        }
    }
    lint_basic_constraints(&cert, &mut out);
    lint_key_usage(&cert, &mut out);
    out.sort_by_key(Finding::severity);
    out
}

/// Whether any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity() == Severity::Error)
}

/// The TBSCertificate fields the lint reads (the strict walk already accepted the shape).
struct Tbs<'a> {
    v3: bool,
    inner_sig_alg: &'a [u8],
    outer_sig_alg: &'a [u8],
    not_before: Option<u64>,
    not_after: Option<u64>,
    key_alg: &'a [u8],
    key_params: &'a [u8],
}

/// A certificate's notBefore and notAfter, seconds since the epoch.
pub(super) fn read_validity(der: &[u8]) -> Option<(u64, u64)> {
    let tbs = read_tbs(der)?;
    Some((tbs.not_before?, tbs.not_after?))
}

fn read_tbs(der: &[u8]) -> Option<Tbs<'_>> {
    let mut outer = Reader::new(der);
    let mut cert = outer.read_expected(SEQUENCE, "").ok()?;
    let mut tbs = cert.read_expected(SEQUENCE, "").ok()?;
    let mut outer_alg = cert.read_expected(SEQUENCE, "").ok()?;
    let v3 = tbs
        .read_optional(0xa0)
        .ok()?
        .is_some_and(|v| v.as_bytes() == [INTEGER, 0x01, 0x02]);
    tbs.read_expected(INTEGER, "").ok()?;
    let mut inner_alg = tbs.read_expected(SEQUENCE, "").ok()?;
    tbs.read_expected(SEQUENCE, "").ok()?;
    let mut validity = tbs.read_expected(SEQUENCE, "").ok()?;
    let not_before = read_time(&mut validity);
    let not_after = read_time(&mut validity);
    tbs.read_expected(SEQUENCE, "").ok()?;
    let mut spki = tbs.read_expected(SEQUENCE, "").ok()?;
    let mut key_alg = spki.read_expected(SEQUENCE, "").ok()?;
    let key_oid = key_alg.read_oid("").ok()?;
    let key_params = if key_alg.peek() == Some(crate::der::reader::OID) {
        key_alg.read_oid("").ok()?
    } else {
        &[]
    };
    spki.read_expected(BIT_STRING, "").ok()?;
    Some(Tbs {
        v3,
        inner_sig_alg: inner_alg.read_oid("").ok()?,
        outer_sig_alg: outer_alg.read_oid("").ok()?,
        not_before,
        not_after,
        key_alg: key_oid,
        key_params,
    })
}

/// A UTCTime or GeneralizedTime the walk accepted, in seconds since the epoch.
pub(super) fn read_time(validity: &mut Reader<'_>) -> Option<u64> {
    let (tag, time) = validity.read_tlv().ok()?;
    let b = time.as_bytes();
    let digits = |from: usize, len: usize| -> Option<u64> {
        let s = b.get(from..from + len)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0, |acc, d| acc * 10 + u64::from(d - b'0')))
    };
    let (year, rest) = match tag {
        UTC_TIME => {
            let yy = digits(0, 2)?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        GENERALIZED_TIME => (digits(0, 4)?, 4),
        _ => return None,
    };
    let (month, day) = (digits(rest, 2)?, digits(rest + 2, 2)?);
    let (h, m, s) = (
        digits(rest + 4, 2)?,
        digits(rest + 6, 2)?,
        digits(rest + 8, 2)?,
    );
    if year < 1970 {
        return Some(0);
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

fn lint_tbs(tbs: &Tbs<'_>, now: UnixTime, out: &mut Vec<Finding>) {
    if !tbs.v3 {
        out.push(Finding::new(
            LintCode::NotV3,
            "not a version 3 certificate (RFC 5280 §4.1.2.1)",
        ));
    }
    if tbs.inner_sig_alg != OID_ECDSA_SHA256 || tbs.outer_sig_alg != OID_ECDSA_SHA256 {
        out.push(Finding::new(
            LintCode::SignatureAlgorithm,
            "the certificate is not signed ecdsa-with-SHA256 (1.2.840.10045.4.3.2; \
             ATIS-1000080)",
        ));
    }
    if tbs.key_alg != OID_EC_PUBLIC_KEY || tbs.key_params != OID_P256 {
        out.push(Finding::new(
            LintCode::KeyNotP256,
            "the subject public key is not id-ecPublicKey on prime256v1 (P-256), which ES256 \
             needs (RFC 8588 §3, ATIS-1000080)",
        ));
    }
    let now = now.as_secs();
    match (tbs.not_before, tbs.not_after) {
        (Some(nb), _) if now < nb => out.push(Finding::new(
            LintCode::NotYetValid,
            format!(
                "notBefore {} is after the lint time {} (RFC 5280 §4.1.2.5)",
                crate::time::rfc3339(nb),
                crate::time::rfc3339(now)
            ),
        )),
        (_, Some(na)) if now > na => out.push(Finding::new(
            LintCode::Expired,
            format!(
                "notAfter {} is before the lint time {} (RFC 5280 §4.1.2.5)",
                crate::time::rfc3339(na),
                crate::time::rfc3339(now)
            ),
        )),
        _ => {}
    }
}

fn lint_tn_auth_list(cert: &Certificate<'_>, out: &mut Vec<Finding>) {
    let Ok(Some(ext)) = cert.other_extension(tnauth::OID_TN_AUTH_LIST) else {
        out.push(Finding::new(
            LintCode::TnAuthListMissing,
            "no TNAuthList extension (RFC 8226 §9, 1.3.6.1.5.5.7.1.26)",
        ));
        return;
    };
    match tnauth::parse_tn_auth_list(ext.value.as_bytes()) {
        Err(e) => out.push(Finding::new(LintCode::TnAuthListMalformed, e.message)),
        Ok(entries) => {
            let listed: Vec<String> = entries.iter().map(ToString::to_string).collect();
            if !matches!(entries.as_slice(), [TnEntry::Spc(_)]) {
                out.push(Finding::new(
                    LintCode::TnAuthListNotSingleSpc,
                    format!(
                        "the TNAuthList [{}] is not the single SPC of a SHAKEN certificate \
                         (ATIS-1000080); RFC 8226 allows it",
                        listed.join(", ")
                    ),
                ));
            }
            out.push(Finding::new(
                LintCode::TnAuthList,
                format!("the TNAuthList names [{}]", listed.join(", ")),
            ));
        }
    }
}

fn lint_basic_constraints(cert: &Certificate<'_>, out: &mut Vec<Finding>) {
    let Some(ext) = cert.extension(DecidedExtension::BasicConstraints) else {
        out.push(Finding::new(
            LintCode::BasicConstraintsMissing,
            "no basicConstraints extension (RFC 5280 §4.2.1.9; ATIS-1000080 profiles it)",
        ));
        return;
    };
    let mut value = ext.value;
    let ca = value.read_expected(SEQUENCE, "").ok().and_then(|mut seq| {
        let ca = match seq.read_optional(crate::der::reader::BOOLEAN).ok()? {
            None => false,
            Some(b) if b.as_bytes() == [0xff] => true,
            Some(_) => return None,
        };
        if !seq.at_end() {
            seq.read_expected(INTEGER, "").ok()?;
        }
        seq.at_end().then_some(ca)
    });
    match (ca, value.at_end()) {
        (Some(true), true) => out.push(Finding::new(
            LintCode::BasicConstraintsCa,
            "basicConstraints says cA TRUE: an STI end-entity certificate is not a CA",
        )),
        (Some(false), true) => {}
        (None | Some(_), _) => out.push(Finding::new(
            LintCode::ExtensionMalformed,
            "basicConstraints is not the strict DER of RFC 5280 §4.2.1.9",
        )),
    }
}

fn lint_key_usage(cert: &Certificate<'_>, out: &mut Vec<Finding>) {
    let Some(ext) = cert.extension(DecidedExtension::KeyUsage) else {
        out.push(Finding::new(
            LintCode::KeyUsageMissing,
            "no keyUsage extension; an STI certificate signs PASSporTs (digitalSignature, \
             RFC 5280 §4.2.1.3, ATIS-1000080)",
        ));
        return;
    };
    if !ext.critical {
        out.push(Finding::new(
            LintCode::KeyUsageNotCritical,
            "keyUsage is not marked critical (RFC 5280 §4.2.1.3: SHOULD be)",
        ));
    }
    let mut value = ext.value;
    let bits = value.read_expected(BIT_STRING, "").ok();
    let (first, more) = match bits.map(|b| b.as_bytes()) {
        Some([0..=7, first, rest @ ..]) if value.at_end() => (*first, rest.iter().any(|b| *b != 0)),
        _ => {
            out.push(Finding::new(
                LintCode::ExtensionMalformed,
                "keyUsage is not a strict-DER BIT STRING with at least one bit",
            ));
            return;
        }
    };
    if first & 0x80 == 0 {
        out.push(Finding::new(
            LintCode::KeyUsageDigitalSignatureMissing,
            "keyUsage lacks digitalSignature, which signing PASSporTs needs (RFC 5280 \
             §4.2.1.3)",
        ));
    }
    if first & 0x7f != 0 || more {
        out.push(Finding::new(
            LintCode::KeyUsageExtraBits,
            "keyUsage asserts more than digitalSignature (ATIS-1000080 profiles \
             digitalSignature only)",
        ));
    }
}
