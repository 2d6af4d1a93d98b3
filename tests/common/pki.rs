//! Test certificates: rcgen for signing, hand-built DER for the parts rcgen cannot express
//! (raw SAN entries, empty SAN, critical/empty/duplicate EKU, odd subjects).

use rcgen::{CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue, KeyPair};

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
    pub tag: u8,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for San {
    /// `[tag]content`, e.g. `[86]sip:example.com` (tag byte in hex, content escaped).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{:02x}]{}", self.tag, self.content.escape_ascii())
    }
}

pub fn uri(s: &str) -> San {
    San {
        tag: 0x86,
        content: s.as_bytes().to_vec(),
    }
}
pub fn dns(s: &str) -> San {
    San {
        tag: 0x82,
        content: s.as_bytes().to_vec(),
    }
}
pub fn raw_dns(b: &[u8]) -> San {
    San {
        tag: 0x82,
        content: b.to_vec(),
    }
}
pub fn raw_uri(b: &[u8]) -> San {
    San {
        tag: 0x86,
        content: b.to_vec(),
    }
}
pub fn email(s: &str) -> San {
    San {
        tag: 0x81,
        content: s.as_bytes().to_vec(),
    }
}
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
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
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
    pub eku_critical: bool,
    /// Extra raw extensions (OID arcs, value), added after the others (duplicates allowed).
    pub extra: Vec<(Vec<u64>, Vec<u8>)>,
}

impl Leaf {
    pub fn sans(list: Vec<San>) -> Self {
        Self {
            sans: Some(list),
            ..Self::default()
        }
    }

    pub fn cn(mut self, cn: &str) -> Self {
        self.cns.push(DnValue::Utf8String(cn.to_owned()));
        self
    }

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
