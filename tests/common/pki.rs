//! A small rcgen-based test PKI: roots, (name-constrained) intermediates, leaves with any SAN,
//! CN, EKU, serial and validity, and CRLs. Everything is generated at test time.
//!
//! ```ignore
//! let root = Ca::root("Test Root");
//! let inter = root.intermediate(CaSpec::new("Test Inter").permitted_dns(&["example.com"]));
//! let leaf = inter.leaf(LeafSpec::new().uri("sip:example.com").eku(&[Eku::SipDomain]));
//! let crl = inter.crl(&[leaf.serial]);
//! ```

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertificateRevocationListParams,
    CustomExtension, DistinguishedName, DnType, ExtendedKeyUsagePurpose, GeneralSubtree, IsCa,
    Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, NameConstraints, RevocationReason,
    RevokedCertParams, SanType, SerialNumber,
};
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, PrivateKeyDer, PrivatePkcs8KeyDer, TrustAnchor,
    UnixTime,
};
use std::sync::atomic::{AtomicU64, Ordering};

/// Serials are unique per process unless given explicitly.
static NEXT_SERIAL: AtomicU64 = AtomicU64::new(10_000);

fn next_serial() -> u64 {
    NEXT_SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// EKU purposes by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eku {
    SipDomain,
    ServerAuth,
    ClientAuth,
    CodeSigning,
    EmailProtection,
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
        pub fn eku(mut self, eku: &[Eku]) -> Self {
            self.eku = eku.to_vec();
            self
        }
        pub fn serial(mut self, serial: u64) -> Self {
            self.serial = Some(serial);
            self
        }
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
    eku: Vec<Eku>,
    serial: Option<u64>,
    not_before: Date,
    not_after: Date,
}

impl CaSpec {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            pathlen: None,
            permitted_dns: Vec::new(),
            excluded_dns: Vec::new(),
            raw_name_constraints: None,
            eku: Vec::new(),
            serial: None,
            not_before: Date(2020, 1, 1),
            not_after: Date(2040, 1, 1),
        }
    }
    pub fn pathlen(mut self, n: u8) -> Self {
        self.pathlen = Some(n);
        self
    }
    pub fn permitted_dns(mut self, names: &[&str]) -> Self {
        self.permitted_dns = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }
    pub fn excluded_dns(mut self, names: &[&str]) -> Self {
        self.excluded_dns = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }
    /// A raw nameConstraints extension value (the whole `NameConstraints` SEQUENCE), for forms
    /// rcgen cannot express (URI constraints, malformed ones).
    pub fn raw_name_constraints(mut self, der: Vec<u8>) -> Self {
        self.raw_name_constraints = Some(der);
        self
    }
    common_setters!();

    fn params(&self) -> CertificateParams {
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
        p
    }
}

/// A certificate authority: its certificate and the means to issue.
pub struct Ca {
    pub der: CertificateDer<'static>,
    pub serial: u64,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca").field("serial", &self.serial).finish()
    }
}

impl Ca {
    /// A self-signed root.
    pub fn root(name: &str) -> Self {
        Self::root_with(CaSpec::new(name))
    }

    pub fn root_with(spec: CaSpec) -> Self {
        let params = spec.params();
        let serial = serial_of(&params);
        let key = KeyPair::generate().expect("key");
        let der = params.self_signed(&key).expect("self-signed").der().clone();
        Self {
            der,
            serial,
            issuer: Issuer::new(params, key),
        }
    }

    /// An intermediate CA issued by this CA.
    pub fn intermediate(&self, spec: CaSpec) -> Self {
        let params = spec.params();
        let serial = serial_of(&params);
        let key = KeyPair::generate().expect("key");
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
    pub fn leaf(&self, spec: LeafSpec) -> Leaf {
        let serial = spec.serial.unwrap_or_else(next_serial);
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        for cn in &spec.cns {
            // A second CN needs a custom type: DistinguishedName is a map keyed by DnType.
            if p.distinguished_name.get(&DnType::CommonName).is_none() {
                p.distinguished_name.push(DnType::CommonName, cn.as_str());
            } else {
                p.distinguished_name
                    .push(DnType::CustomDnType(vec![2, 5, 4, 3]), cn.as_str());
            }
        }
        p.subject_alt_names = spec.san.clone();
        if let Some(raw) = &spec.raw_san {
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[2, 5, 29, 17],
                raw.clone(),
            ));
        }
        p.extended_key_usages = spec.eku.iter().map(|e| e.purpose()).collect();
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.serial_number = Some(SerialNumber::from(serial));
        p.not_before = date_time_ymd(spec.not_before.0, spec.not_before.1, spec.not_before.2);
        p.not_after = date_time_ymd(spec.not_after.0, spec.not_after.1, spec.not_after.2);
        let key = KeyPair::generate().expect("key");
        let der = p
            .signed_by(&key, &self.issuer)
            .expect("signed")
            .der()
            .clone();
        Leaf {
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
    cns: Vec<String>,
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
            cns: Vec::new(),
            eku: Vec::new(),
            serial: None,
            not_before: Date(2020, 1, 1),
            not_after: Date(2040, 1, 1),
        }
    }
    pub fn uri(mut self, uri: &str) -> Self {
        self.san
            .push(SanType::URI(uri.try_into().expect("IA5 URI")));
        self
    }
    pub fn dns(mut self, name: &str) -> Self {
        self.san
            .push(SanType::DnsName(name.try_into().expect("IA5 DNS name")));
        self
    }
    pub fn ip(mut self, ip: std::net::IpAddr) -> Self {
        self.san.push(SanType::IpAddress(ip));
        self
    }
    pub fn email(mut self, addr: &str) -> Self {
        self.san
            .push(SanType::Rfc822Name(addr.try_into().expect("IA5 email")));
        self
    }
    /// A raw subjectAltName extension value (the whole `GeneralNames` SEQUENCE); typed SANs
    /// must then stay empty. See [`san_der`].
    pub fn raw_san(mut self, der: Vec<u8>) -> Self {
        self.raw_san = Some(der);
        self
    }
    /// Adds a CN RDN (the first as CommonName, later ones as separate RDNs).
    pub fn cn(mut self, cn: &str) -> Self {
        self.cns.push(cn.to_owned());
        self
    }
    common_setters!();
}

/// An issued end-entity certificate with its private key.
#[derive(Debug)]
pub struct Leaf {
    pub der: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
    pub serial: u64,
}

impl Leaf {
    /// A copy with one bit of the signature flipped (the last octet of the DER).
    pub fn tampered(&self) -> CertificateDer<'static> {
        let mut bytes = self.der.as_ref().to_vec();
        if let Some(last) = bytes.last_mut() {
            *last ^= 0x01;
        }
        CertificateDer::from(bytes)
    }
}

/// DER TLV with a short or long length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else if len < 0x100 {
        out.extend([0x81, u8::try_from(len).unwrap()]);
    } else {
        out.extend([
            0x82,
            u8::try_from(len >> 8).unwrap(),
            u8::try_from(len & 0xff).unwrap(),
        ]);
    }
    out.extend_from_slice(content);
    out
}

/// A raw GeneralName entry for [`san_der`].
#[derive(Debug, Clone)]
pub enum RawName<'a> {
    Dns(&'a [u8]),
    Uri(&'a [u8]),
    /// Any tag and content, e.g. `(0x89, b"x")` for an unknown tag.
    Tagged(u8, &'a [u8]),
}

/// `GeneralNames ::= SEQUENCE OF GeneralName`, for [`LeafSpec::raw_san`].
pub fn san_der(names: &[RawName<'_>]) -> Vec<u8> {
    let body: Vec<u8> = names
        .iter()
        .flat_map(|n| match n {
            RawName::Dns(v) => tlv(0x82, v),
            RawName::Uri(v) => tlv(0x86, v),
            RawName::Tagged(t, v) => tlv(*t, v),
        })
        .collect();
    tlv(0x30, &body)
}

/// A `NameConstraints` value with URI subtrees (rcgen has no URI `GeneralSubtree`).
pub fn uri_name_constraints(permitted: &[&str]) -> Vec<u8> {
    let subtrees: Vec<u8> = permitted
        .iter()
        .flat_map(|u| tlv(0x30, &tlv(0x86, u.as_bytes())))
        .collect();
    tlv(0x30, &tlv(0xa0, &subtrees))
}
