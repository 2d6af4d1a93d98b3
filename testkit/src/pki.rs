//! Test certificates: rcgen for signing, hand-built DER for the parts rcgen cannot express
//! (raw SAN entries, empty SAN, critical/empty/duplicate EKU, odd subjects).
//!
//! Two parts:
//! - self-signed leaves with hand-built extensions ([`Leaf`], [`San`], [`tlv`]) for identity
//!   extraction;
//! - a small PKI ([`Ca`], [`CaSpec`], [`LeafSpec`], [`Issued`]): roots, (name-constrained,
//!   pathlen) intermediates, leaves with any SAN / CN / EKU / serial / validity, CRLs, and
//!   private keys for handshakes.
//!
//! ```
//! use sipcert_testkit::pki::{Ca, CaSpec, Eku, LeafSpec};
//!
//! let root = Ca::root("Test Root");
//! let inter = root.intermediate(CaSpec::new("Test Inter").permitted_dns(&["example.com"]));
//! let leaf = inter.leaf(LeafSpec::new().uri("sip:example.com").eku(&[Eku::SipDomain]));
//! let crl = inter.crl(&[leaf.serial]);
//! ```

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertificateRevocationListParams,
    CustomExtension, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, GeneralSubtree,
    IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, NameConstraints, RevocationReason,
    RevokedCertParams, SanType, SerialNumber,
};
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs8KeyDer, TrustAnchor,
    UnixTime,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

/// id-kp-sipDomain content octets.
pub const SIP_DOMAIN: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x14];
/// id-kp-serverAuth.
pub const SERVER_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// id-kp-clientAuth.
pub const CLIENT_AUTH: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// id-kp-codeSigning.
pub const CODE_SIGNING: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];
/// id-kp-emailProtection.
pub const EMAIL_PROTECTION: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04];
/// anyExtendedKeyUsage.
pub const ANY_EKU: &[u8] = &[0x55, 0x1D, 0x25, 0x00];
/// id-at-commonName content octets.
pub const CN_OID: &[u8] = &[0x55, 0x04, 0x03];
/// id-at-organizationName.
pub const O_OID: &[u8] = &[0x55, 0x04, 0x0A];

/// One SAN entry: context tag byte (implicit) and content.
#[derive(Clone)]
pub struct San {
    /// The GeneralName's context-specific tag byte, e.g. `0x86` for uniformResourceIdentifier.
    pub tag: u8,
    /// The content octets, as they go into the certificate.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for San {
    /// `[tag]content`, e.g. `[86]sip:example.com` (tag byte in hex, content escaped).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{:02x}]{}", self.tag, self.content.escape_ascii())
    }
}

/// A uniformResourceIdentifier `[6]` entry.
pub fn uri(s: &str) -> San {
    San {
        tag: 0x86,
        content: s.as_bytes().to_vec(),
    }
}
/// A dNSName `[2]` entry.
pub fn dns(s: &str) -> San {
    San {
        tag: 0x82,
        content: s.as_bytes().to_vec(),
    }
}
/// A dNSName `[2]` entry with any octets (non-ASCII, NUL, ...).
pub fn raw_dns(b: &[u8]) -> San {
    San {
        tag: 0x82,
        content: b.to_vec(),
    }
}
/// A uniformResourceIdentifier `[6]` entry with any octets.
pub fn raw_uri(b: &[u8]) -> San {
    San {
        tag: 0x86,
        content: b.to_vec(),
    }
}
/// An rfc822Name `[1]` entry.
pub fn email(s: &str) -> San {
    San {
        tag: 0x81,
        content: s.as_bytes().to_vec(),
    }
}
/// An iPAddress `[7]` entry (4 or 16 octets).
pub fn ip(addr: std::net::IpAddr) -> San {
    let content = match addr {
        std::net::IpAddr::V4(a) => a.octets().to_vec(),
        std::net::IpAddr::V6(a) => a.octets().to_vec(),
    };
    San { tag: 0x87, content }
}
/// An arbitrary context-specific tag byte (e.g. 0x89 for the undefined `[9]`).
pub fn raw(tag: u8, content: &[u8]) -> San {
    San {
        tag,
        content: content.to_vec(),
    }
}

/// A DER TLV.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).expect("short form"));
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).expect("at most 8 length octets"));
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// The SAN extension value: SEQUENCE OF GeneralName.
pub fn san_value(entries: &[San]) -> Vec<u8> {
    let body: Vec<u8> = entries
        .iter()
        .flat_map(|e| tlv(e.tag, &e.content))
        .collect();
    tlv(0x30, &body)
}

/// The EKU extension value: SEQUENCE OF OID (content octets given).
pub fn eku_value(oids: &[&[u8]]) -> Vec<u8> {
    let body: Vec<u8> = oids.iter().flat_map(|o| tlv(0x06, o)).collect();
    tlv(0x30, &body)
}

/// A subject attribute: (attribute OID content, string tag, value octets).
pub type Attr = (&'static [u8], u8, Vec<u8>);

/// A Name from RDNs, each a SET of attributes.
pub fn name(rdns: &[Vec<Attr>]) -> Vec<u8> {
    let body: Vec<u8> = rdns
        .iter()
        .flat_map(|rdn| {
            let set: Vec<u8> = rdn
                .iter()
                .flat_map(|(oid, tag, value)| {
                    let mut atv = tlv(0x06, oid);
                    atv.extend(tlv(*tag, value));
                    tlv(0x30, &atv)
                })
                .collect();
            tlv(0x31, &set)
        })
        .collect();
    tlv(0x30, &body)
}

/// A UTF8String CN attribute.
pub fn cn_attr(s: &str) -> Attr {
    (CN_OID, 0x0C, s.as_bytes().to_vec())
}

/// What the leaf certificate holds.
#[derive(Clone, Debug, Default)]
pub struct Leaf {
    /// `None`: no SAN extension. `Some(vec![])`: an empty SAN SEQUENCE.
    pub sans: Option<Vec<San>>,
    /// CNs pushed through rcgen (at most 2: CommonName, then a custom CN type).
    pub cns: Vec<DnValue>,
    /// A hand-built subject Name replacing rcgen's (for multi-valued RDNs and >2 CNs).
    pub raw_subject: Option<Vec<u8>>,
    /// EKU OIDs; `Some(vec![])` is an empty EKU SEQUENCE.
    pub eku: Option<Vec<&'static [u8]>>,
    /// Whether the EKU extension is marked critical.
    pub eku_critical: bool,
    /// Extra raw extensions (OID arcs, value), added after the others (duplicates allowed).
    pub extra: Vec<(Vec<u64>, Vec<u8>)>,
}

impl Leaf {
    /// A leaf whose SAN extension holds `list` (an empty list is an empty SAN SEQUENCE).
    pub fn sans(list: Vec<San>) -> Self {
        Self {
            sans: Some(list),
            ..Self::default()
        }
    }

    /// Adds a UTF8String CN.
    #[must_use]
    pub fn cn(mut self, cn: &str) -> Self {
        self.cns.push(DnValue::Utf8String(cn.to_owned()));
        self
    }

    /// Sets the EKU OIDs (content octets, e.g. [`SIP_DOMAIN`]).
    #[must_use]
    pub fn eku(mut self, oids: Vec<&'static [u8]>) -> Self {
        self.eku = Some(oids);
        self
    }

    /// Signs the leaf (self-signed: identity extraction never looks at the issuer) and returns
    /// its DER.
    pub fn der(&self) -> Vec<u8> {
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        for (i, cn) in self.cns.iter().enumerate() {
            let ty = if i == 0 {
                DnType::CommonName
            } else {
                DnType::CustomDnType(vec![2, 5, 4, 3])
            };
            p.distinguished_name.push(ty, cn.clone());
        }
        if let Some(sans) = &self.sans {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 17],
                san_value(sans),
            ));
        }
        if let Some(eku) = &self.eku {
            let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 37], eku_value(eku));
            ext.set_criticality(self.eku_critical);
            p.custom_extensions.push(ext);
        }
        for (oid, value) in &self.extra {
            p.custom_extensions
                .push(CustomExtension::from_oid_content(oid, value.clone()));
        }
        let key = KeyPair::generate().expect("key generation");
        let der = p.self_signed(&key).expect("rcgen signs").der().to_vec();
        match &self.raw_subject {
            Some(subject) => replace_subject(&der, subject),
            None => der,
        }
    }
}

/// Reads a DER header at `at`: (header length, content length).
fn header(der: &[u8], at: usize) -> (usize, usize) {
    let first = der[at + 1];
    if first < 0x80 {
        (2, usize::from(first))
    } else {
        let n = usize::from(first & 0x7f);
        let len = der[at + 2..at + 2 + n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (2 + n, len)
    }
}

/// Replaces the subject Name of a certificate (the signature no longer verifies; identity
/// extraction does not check it). Walks Certificate → TBSCertificate → fields.
pub fn replace_subject(der: &[u8], subject: &[u8]) -> Vec<u8> {
    let (cert_hdr, _) = header(der, 0);
    let tbs_at = cert_hdr;
    let (tbs_hdr, tbs_len) = header(der, tbs_at);
    let tbs_end = tbs_at + tbs_hdr + tbs_len;
    // TBS fields: [0] version, serial, signature alg, issuer, validity, subject, ...
    let mut at = tbs_at + tbs_hdr;
    let mut fields = Vec::new();
    while at < tbs_end {
        let (h, l) = header(der, at);
        fields.push((at, at + h + l));
        at += h + l;
    }
    let (s_start, s_end) = fields[5];
    let mut tbs_body = der[tbs_at + tbs_hdr..s_start].to_vec();
    tbs_body.extend_from_slice(subject);
    tbs_body.extend_from_slice(&der[s_end..tbs_end]);
    let mut cert_body = tlv(0x30, &tbs_body);
    cert_body.extend_from_slice(&der[tbs_end..]);
    tlv(0x30, &cert_body)
}

// ---------------------------------------------------------------------------------------
// A PKI for path validation and handshakes.
// ---------------------------------------------------------------------------------------

/// Serials are unique per process unless given explicitly.
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(10_000);

fn next_serial() -> u64 {
    NEXT_SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// EKU purposes by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eku {
    /// id-kp-sipDomain (RFC 5924).
    SipDomain,
    /// id-kp-serverAuth.
    ServerAuth,
    /// id-kp-clientAuth.
    ClientAuth,
    /// id-kp-codeSigning.
    CodeSigning,
    /// id-kp-emailProtection.
    EmailProtection,
    /// anyExtendedKeyUsage.
    Any,
}

impl Eku {
    fn purpose(self) -> ExtendedKeyUsagePurpose {
        match self {
            Self::SipDomain => ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 20]),
            Self::ServerAuth => ExtendedKeyUsagePurpose::ServerAuth,
            Self::ClientAuth => ExtendedKeyUsagePurpose::ClientAuth,
            Self::CodeSigning => ExtendedKeyUsagePurpose::CodeSigning,
            Self::EmailProtection => ExtendedKeyUsagePurpose::EmailProtection,
            Self::Any => ExtendedKeyUsagePurpose::Any,
        }
    }
}

/// A calendar date (UTC midnight).
#[derive(Debug, Clone, Copy)]
pub struct Date(pub i32, pub u8, pub u8);

impl Date {
    /// The `UnixTime` of this date (midnight UTC).
    pub fn unix(self) -> UnixTime {
        let t = date_time_ymd(self.0, self.1, self.2);
        UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(t.unix_timestamp()).expect("after 1970"),
        ))
    }
}

/// A fixed "now" inside the default validity of every generated certificate.
pub fn now() -> UnixTime {
    Date(2026, 6, 1).unix()
}

/// EKU, serial and validity setters shared by [`CaSpec`] and [`LeafSpec`].
macro_rules! common_setters {
    () => {
        /// Sets the EKU purposes (none: no EKU extension).
        #[must_use]
        pub fn eku(mut self, eku: &[Eku]) -> Self {
            self.eku = eku.to_vec();
            self
        }
        /// Sets the serial number (default: a fresh one per certificate).
        #[must_use]
        pub fn serial(mut self, serial: u64) -> Self {
            self.serial = Some(serial);
            self
        }
        /// Sets notBefore and notAfter (default: 2020-01-01 to 2040-01-01).
        #[must_use]
        pub fn validity(mut self, not_before: Date, not_after: Date) -> Self {
            self.not_before = not_before;
            self.not_after = not_after;
            self
        }
    };
}

/// Options for a CA certificate.
#[derive(Debug, Clone)]
pub struct CaSpec {
    name: String,
    pathlen: Option<u8>,
    permitted_dns: Vec<String>,
    excluded_dns: Vec<String>,
    raw_name_constraints: Option<Vec<u8>>,
    extensions: Vec<(Vec<u64>, Vec<u8>)>,
    eku: Vec<Eku>,
    serial: Option<u64>,
    not_before: Date,
    not_after: Date,
}

impl CaSpec {
    /// A CA named `name` (its CN): no path length, no name constraints, no EKU, valid
    /// 2020..2040.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            pathlen: None,
            permitted_dns: Vec::new(),
            excluded_dns: Vec::new(),
            raw_name_constraints: None,
            extensions: Vec::new(),
            eku: Vec::new(),
            serial: None,
            not_before: Date(2020, 1, 1),
            not_after: Date(2040, 1, 1),
        }
    }
    /// A non-critical extension with this OID and value (a TNAuthList, say).
    #[must_use]
    pub fn extension(mut self, oid: &[u64], value: Vec<u8>) -> Self {
        self.extensions.push((oid.to_vec(), value));
        self
    }
    /// Sets the basicConstraints path length.
    #[must_use]
    pub fn pathlen(mut self, n: u8) -> Self {
        self.pathlen = Some(n);
        self
    }
    /// dNSName permitted subtrees of a nameConstraints extension.
    #[must_use]
    pub fn permitted_dns(mut self, names: &[&str]) -> Self {
        self.permitted_dns = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }
    /// dNSName excluded subtrees of a nameConstraints extension.
    #[must_use]
    pub fn excluded_dns(mut self, names: &[&str]) -> Self {
        self.excluded_dns = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }
    /// A raw nameConstraints extension value (the whole `NameConstraints` SEQUENCE), for forms
    /// rcgen cannot express (URI constraints, malformed ones).
    #[must_use]
    pub fn raw_name_constraints(mut self, der: Vec<u8>) -> Self {
        self.raw_name_constraints = Some(der);
        self
    }
    common_setters!();

    fn params(self) -> CertificateParams {
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name
            .push(DnType::CommonName, self.name.as_str());
        p.is_ca = IsCa::Ca(match self.pathlen {
            Some(n) => BasicConstraints::Constrained(n),
            None => BasicConstraints::Unconstrained,
        });
        p.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        p.extended_key_usages = self.eku.iter().map(|e| e.purpose()).collect();
        p.serial_number = Some(SerialNumber::from(self.serial.unwrap_or_else(next_serial)));
        p.not_before = date_time_ymd(self.not_before.0, self.not_before.1, self.not_before.2);
        p.not_after = date_time_ymd(self.not_after.0, self.not_after.1, self.not_after.2);
        if !self.permitted_dns.is_empty() || !self.excluded_dns.is_empty() {
            p.name_constraints = Some(NameConstraints {
                permitted_subtrees: self
                    .permitted_dns
                    .iter()
                    .map(|n| GeneralSubtree::DnsName(n.clone()))
                    .collect(),
                excluded_subtrees: self
                    .excluded_dns
                    .iter()
                    .map(|n| GeneralSubtree::DnsName(n.clone()))
                    .collect(),
            });
        }
        if let Some(raw) = &self.raw_name_constraints {
            let mut ext = CustomExtension::from_oid_content(&[2, 5, 29, 30], raw.clone());
            ext.set_criticality(true);
            p.custom_extensions.push(ext);
        }
        for (oid, value) in &self.extensions {
            p.custom_extensions
                .push(CustomExtension::from_oid_content(oid, value.clone()));
        }
        p
    }
}

/// A certificate authority: its certificate and the means to issue.
pub struct Ca {
    /// The CA certificate.
    pub der: CertificateDer<'static>,
    /// Its serial number.
    pub serial: u64,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca")
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl Ca {
    /// A self-signed root.
    pub fn root(name: &str) -> Self {
        Self::root_with(CaSpec::new(name))
    }

    /// A self-signed root with these options.
    pub fn root_with(spec: CaSpec) -> Self {
        Self::root_with_key(spec, KeyPair::generate().expect("key"))
    }

    /// A self-signed root with these options and this key: for key types rcgen cannot
    /// generate with ring (RSA; load the key with `KeyPair::from_pem`). The signature
    /// algorithm follows the key.
    pub fn root_with_key(spec: CaSpec, key: KeyPair) -> Self {
        let params = spec.params();
        let serial = serial_of(&params);
        let der = params.self_signed(&key).expect("self-signed").der().clone();
        Self {
            der,
            serial,
            issuer: Issuer::new(params, key),
        }
    }

    /// An intermediate CA issued by this CA.
    #[must_use]
    pub fn intermediate(&self, spec: CaSpec) -> Self {
        self.intermediate_with_key(spec, KeyPair::generate().expect("key"))
    }

    /// Two intermediates with the same subject key (and, if the specs say so, the same
    /// name): certificates either of them issues chain through both, as with
    /// cross-certification.
    pub fn intermediate_pair(&self, a: CaSpec, b: CaSpec) -> (Self, Self) {
        let key = KeyPair::generate().expect("key");
        let copy = KeyPair::try_from(key.serialize_der()).expect("same key");
        (
            self.intermediate_with_key(a, key),
            self.intermediate_with_key(b, copy),
        )
    }

    /// An intermediate CA issued by this CA, with this key (see [`Ca::root_with_key`]).
    #[must_use]
    pub fn intermediate_with_key(&self, spec: CaSpec, key: KeyPair) -> Self {
        let params = spec.params();
        let serial = serial_of(&params);
        let der = params
            .signed_by(&key, &self.issuer)
            .expect("signed")
            .der()
            .clone();
        Self {
            der,
            serial,
            issuer: Issuer::new(params, key),
        }
    }

    /// The trust anchor for this CA's certificate.
    pub fn anchor(&self) -> TrustAnchor<'static> {
        webpki::anchor_from_trusted_cert(&self.der)
            .expect("anchor")
            .to_owned()
    }

    /// A leaf issued by this CA.
    pub fn leaf(&self, spec: LeafSpec) -> Issued {
        self.leaf_with_key(spec, &KeyPair::generate().expect("key"))
    }

    /// A leaf issued by this CA, with this key (see [`Ca::root_with_key`]).
    pub fn leaf_with_key(&self, spec: LeafSpec, key: &KeyPair) -> Issued {
        let serial = spec.serial.unwrap_or_else(next_serial);
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        for cn in &spec.cns {
            // A second CN needs a custom type: DistinguishedName is a map keyed by DnType.
            if p.distinguished_name.get(&DnType::CommonName).is_none() {
                p.distinguished_name.push(DnType::CommonName, cn.clone());
            } else {
                p.distinguished_name
                    .push(DnType::CustomDnType(vec![2, 5, 4, 3]), cn.clone());
            }
        }
        p.subject_alt_names = spec.san;
        if let Some(raw) = &spec.raw_san {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 17],
                raw.clone(),
            ));
        }
        for (oid, value) in &spec.extensions {
            p.custom_extensions
                .push(CustomExtension::from_oid_content(oid, value.clone()));
        }
        p.extended_key_usages = spec.eku.iter().map(|e| e.purpose()).collect();
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.serial_number = Some(SerialNumber::from(serial));
        p.not_before = date_time_ymd(spec.not_before.0, spec.not_before.1, spec.not_before.2);
        p.not_after = date_time_ymd(spec.not_after.0, spec.not_after.1, spec.not_after.2);
        let der = p
            .signed_by(key, &self.issuer)
            .expect("signed")
            .der()
            .clone();
        Issued {
            der,
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            serial,
        }
    }

    /// A CRL issued by this CA revoking `serials` (valid 2020..2090).
    pub fn crl(&self, serials: &[u64]) -> CertificateRevocationListDer<'static> {
        CertificateRevocationListParams {
            this_update: date_time_ymd(2020, 1, 1),
            next_update: date_time_ymd(2090, 1, 1),
            crl_number: SerialNumber::from(next_serial()),
            issuing_distribution_point: None,
            revoked_certs: serials
                .iter()
                .map(|s| RevokedCertParams {
                    serial_number: SerialNumber::from(*s),
                    revocation_time: date_time_ymd(2021, 1, 1),
                    reason_code: Some(RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        }
        .signed_by(&self.issuer)
        .expect("crl")
        .der()
        .clone()
    }
}

fn serial_of(p: &CertificateParams) -> u64 {
    let bytes = p.serial_number.as_ref().expect("serial set").to_bytes();
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// Options for an end-entity certificate.
#[derive(Debug, Clone)]
pub struct LeafSpec {
    san: Vec<SanType>,
    raw_san: Option<Vec<u8>>,
    extensions: Vec<(Vec<u64>, Vec<u8>)>,
    cns: Vec<DnValue>,
    eku: Vec<Eku>,
    serial: Option<u64>,
    not_before: Date,
    not_after: Date,
}

impl Default for LeafSpec {
    fn default() -> Self {
        Self::new()
    }
}

impl LeafSpec {
    /// No SAN, no CN, no EKU, valid 2020..2040.
    pub fn new() -> Self {
        Self {
            san: Vec::new(),
            raw_san: None,
            extensions: Vec::new(),
            cns: Vec::new(),
            eku: Vec::new(),
            serial: None,
            not_before: Date(2020, 1, 1),
            not_after: Date(2040, 1, 1),
        }
    }
    /// Adds a non-critical extension with this OID (arcs) and this DER value (the
    /// extnValue contents), as given: for extensions rcgen does not know (a STIR
    /// certificate's TNAuthList).
    #[must_use]
    pub fn extension(mut self, oid: &[u64], value: Vec<u8>) -> Self {
        self.extensions.push((oid.to_vec(), value));
        self
    }
    /// Adds a URI SAN.
    #[must_use]
    pub fn uri(mut self, uri: &str) -> Self {
        self.san
            .push(SanType::URI(uri.try_into().expect("IA5 URI")));
        self
    }
    /// Adds a dNSName SAN.
    #[must_use]
    pub fn dns(mut self, name: &str) -> Self {
        self.san
            .push(SanType::DnsName(name.try_into().expect("IA5 DNS name")));
        self
    }
    /// Adds an iPAddress SAN.
    #[must_use]
    pub fn ip(mut self, ip: std::net::IpAddr) -> Self {
        self.san.push(SanType::IpAddress(ip));
        self
    }
    /// Adds an rfc822Name SAN.
    #[must_use]
    pub fn email(mut self, addr: &str) -> Self {
        self.san
            .push(SanType::Rfc822Name(addr.try_into().expect("IA5 email")));
        self
    }
    /// A raw subjectAltName extension value (the whole `GeneralNames` SEQUENCE); typed SANs
    /// must then stay empty. See [`san_value`].
    #[must_use]
    pub fn raw_san(mut self, der: Vec<u8>) -> Self {
        self.raw_san = Some(der);
        self
    }
    /// Adds a CN RDN (the first as CommonName, later ones as separate RDNs).
    #[must_use]
    pub fn cn(mut self, cn: &str) -> Self {
        self.cns.push(DnValue::Utf8String(cn.to_owned()));
        self
    }
    /// Adds a CN RDN with a chosen string type (e.g. `DnValue::BmpString`).
    #[must_use]
    pub fn cn_value(mut self, cn: DnValue) -> Self {
        self.cns.push(cn);
        self
    }
    common_setters!();
}

/// An issued end-entity certificate with its private key.
#[derive(Debug)]
pub struct Issued {
    /// The certificate.
    pub der: CertificateDer<'static>,
    /// Its private key (PKCS#8).
    pub key: PrivateKeyDer<'static>,
    /// Its serial number.
    pub serial: u64,
}

impl Issued {
    /// A copy with one bit of the signature flipped (the last octet of the DER).
    pub fn tampered(&self) -> CertificateDer<'static> {
        let mut bytes = self.der.as_ref().to_vec();
        if let Some(last) = bytes.last_mut() {
            *last ^= 0x01;
        }
        CertificateDer::from(bytes)
    }
}

/// A `NameConstraints` value with URI subtrees (rcgen has no URI `GeneralSubtree`).
pub fn uri_name_constraints(permitted: &[&str]) -> Vec<u8> {
    let subtrees: Vec<u8> = permitted
        .iter()
        .flat_map(|u| tlv(0x30, &tlv(0x86, u.as_bytes())))
        .collect();
    tlv(0x30, &tlv(0xa0, &subtrees))
}

/// A small PKI written to a scratch directory, as the `sipcert` CLI and `openssl` read it:
/// root → intermediate → leaf, in `root.pem`, `chain.pem` (leaf, then intermediate),
/// `inter.pem`, `leaf.key` and `crl.pem` (the intermediate's CRL, revoking the leaf when
/// asked, then the root's empty one).
#[derive(Debug)]
pub struct PemPki {
    dir: PathBuf,
}

impl PemPki {
    /// Writes it to `sipcert-pki-{name}-{process id}` under the system temp directory, with
    /// `leaf` issued by the intermediate. The CAs are named after `name`: another PKI's root
    /// must be an unknown issuer, not a same-named issuer with the wrong key.
    pub fn new(name: &str, leaf: LeafSpec, revoke_leaf: bool) -> Self {
        let dir = std::env::temp_dir().join(format!("sipcert-pki-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the PKI directory");
        let root = Ca::root(&format!("{name} Root"));
        let inter = root.intermediate(CaSpec::new(&format!("{name} Intermediate")));
        let leaf = inter.leaf(leaf);
        let write = |file: &str, text: String| {
            std::fs::write(dir.join(file), text).expect("write a PKI file");
        };
        write("root.pem", pem("CERTIFICATE", &root.der));
        write(
            "chain.pem",
            pem("CERTIFICATE", &leaf.der) + &pem("CERTIFICATE", &inter.der),
        );
        write("inter.pem", pem("CERTIFICATE", &inter.der));
        write("leaf.key", pem("PRIVATE KEY", leaf.key.secret_der()));
        let revoked: &[u64] = if revoke_leaf { &[leaf.serial] } else { &[] };
        write(
            "crl.pem",
            pem("X509 CRL", &inter.crl(revoked)) + &pem("X509 CRL", &root.crl(&[])),
        );
        Self { dir }
    }

    /// The path of one of its files, as text for a command line.
    pub fn path(&self, file: &str) -> String {
        self.dir.join(file).to_string_lossy().into_owned()
    }
}

/// PEM text for DER (`label` = `CERTIFICATE`, `PRIVATE KEY`, `X509 CRL`).
pub fn pem(label: &str, der: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for c in der.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                b64.push(char::from(T[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let mut s = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(line).unwrap_or_default());
        s.push('\n');
    }
    s.push_str("-----END ");
    s.push_str(label);
    s.push_str("-----\n");
    s
}
