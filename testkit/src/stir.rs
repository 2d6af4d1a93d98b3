//! STIR certificates for the `sipcert::stir` tests: the DER of a TNAuthList (RFC 8226 §9,
//! explicit tags as in the RFC's module with its errata) and a small STI PKI (a root STI-CA
//! and a P-256 leaf carrying a TNAuthList) built with [`crate::pki`].

use std::collections::HashMap;

use rcgen::KeyPair;
use rustls::pki_types::CertificateDer;
use sipcert::stir::{
    Attest, CanonicalTn, CertificateSource, Claims, Dest, Orig, Passport, PassportHeader, Ppt,
    SourceError,
};

use crate::pki::{tlv, Ca, CaSpec, Issued, LeafSpec};

/// id-pe-TNAuthList, 1.3.6.1.5.5.7.1.26, as arcs.
pub const TN_AUTH_LIST_OID: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 1, 26];

/// id-pe-JWTClaimConstraints, 1.3.6.1.5.5.7.1.27 (RFC 8226 §8), as arcs.
pub const JWT_CLAIM_CONSTRAINTS_OID: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 1, 27];
/// id-pe-eJWTClaimConstraints, 1.3.6.1.5.5.7.1.33 (RFC 9118 §3), as arcs.
pub const ENHANCED_JWT_CLAIM_CONSTRAINTS_OID: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 1, 33];

/// The DER of a JWTClaimConstraints (`must_exclude` empty) or EnhancedJWTClaimConstraints
/// value: `[0] mustInclude`, `[1] permittedValues`, `[2] mustExclude`, each left out when
/// empty (EXPLICIT tags, as the RFC 8226 and RFC 9118 modules say).
pub fn claim_constraints(
    must_include: &[&str],
    permitted: &[(&str, &[&str])],
    must_exclude: &[&str],
) -> Vec<u8> {
    let names = |list: &[&str]| {
        tlv(
            0x30,
            &list
                .iter()
                .flat_map(|n| tlv(0x16, n.as_bytes()))
                .collect::<Vec<u8>>(),
        )
    };
    let mut seq = Vec::new();
    if !must_include.is_empty() {
        seq.extend(tlv(0xa0, &names(must_include)));
    }
    if !permitted.is_empty() {
        let mut list = Vec::new();
        for (claim, values) in permitted {
            let mut pair = tlv(0x16, claim.as_bytes());
            let values: Vec<u8> = values
                .iter()
                .flat_map(|v| tlv(0x0c, v.as_bytes()))
                .collect();
            pair.extend(tlv(0x30, &values));
            list.extend(tlv(0x30, &pair));
        }
        seq.extend(tlv(0xa1, &tlv(0x30, &list)));
    }
    if !must_exclude.is_empty() {
        seq.extend(tlv(0xa2, &names(must_exclude)));
    }
    tlv(0x30, &seq)
}

/// One `TNEntry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TnEntry {
    /// `spc [0] ServiceProviderCode`.
    Spc(String),
    /// `range [1] TelephoneNumberRange` (start, count).
    Range(String, u64),
    /// `one [2] TelephoneNumber`.
    One(String),
}

/// The DER of one `TNEntry`.
pub fn tn_entry(entry: &TnEntry) -> Vec<u8> {
    match entry {
        TnEntry::Spc(spc) => tlv(0xa0, &tlv(0x16, spc.as_bytes())),
        TnEntry::Range(start, count) => {
            let mut seq = tlv(0x16, start.as_bytes());
            seq.extend(tlv(0x02, &der_uint(*count)));
            tlv(0xa1, &tlv(0x30, &seq))
        }
        TnEntry::One(tn) => tlv(0xa2, &tlv(0x16, tn.as_bytes())),
    }
}

/// The DER of a `TNAuthorizationList` (the extnValue contents).
pub fn tn_auth_list(entries: &[TnEntry]) -> Vec<u8> {
    tlv(
        0x30,
        &entries.iter().flat_map(tn_entry).collect::<Vec<u8>>(),
    )
}

/// The minimal DER content octets of a non-negative INTEGER.
pub fn der_uint(n: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

/// A test STI PKI: a root STI-CA and a leaf issued by it.
#[derive(Debug)]
pub struct StiPki {
    /// The STI-CA (a root).
    pub ca: Ca,
    /// The STI certificate (P-256 key, PKCS#8).
    pub leaf: Issued,
}

impl StiPki {
    /// A root STI-CA and a leaf whose TNAuthList extension has `entries`.
    pub fn new(entries: &[TnEntry]) -> Self {
        Self::with_tn_auth_list(Some(tn_auth_list(entries)))
    }

    /// A root STI-CA and a leaf whose TNAuthList extension value is `value` as given
    /// (`None`: no TNAuthList extension).
    pub fn with_tn_auth_list(value: Option<Vec<u8>>) -> Self {
        Self::with_key(value, &KeyPair::generate().expect("key"))
    }

    /// As [`StiPki::with_tn_auth_list`], the leaf with this key (a P-384 key, say).
    pub fn with_key(value: Option<Vec<u8>>, key: &KeyPair) -> Self {
        let ca = Ca::root_with(CaSpec::new("Test STI-CA"));
        let mut spec = LeafSpec::new().cn("Test STI-SP");
        if let Some(value) = value {
            spec = spec.extension(TN_AUTH_LIST_OID, value);
        }
        let leaf = ca.leaf_with_key(spec, key);
        Self { ca, leaf }
    }
}

/// A SHAKEN PASSporT (RFC 8588): ES256, `typ` passport, this `x5u`, `orig`, `dest.tn`, `iat`,
/// attestation and a fixed `origid`.
pub fn shaken_passport(
    orig: Orig,
    attest: Attest,
    x5u: &str,
    dest: &[CanonicalTn],
    iat: i64,
) -> Passport {
    Passport {
        header: PassportHeader {
            alg: "ES256".into(),
            typ: Some("passport".into()),
            ppt: Ppt::Shaken,
            x5u: x5u.into(),
        },
        claims: Claims {
            orig,
            dest: Dest {
                tn: dest.to_vec(),
                uri: Vec::new(),
            },
            iat,
            attest: Some(attest),
            origid: Some("123e4567-e89b-12d3-a456-426655440000".into()),
            div: None,
        },
    }
}

/// A SHAKEN PASSporT (attestation A, a fixed `origid`) from the number `orig` to the number
/// `dest`, issued at `iat`, whose certificate is at `x5u`.
pub fn shaken_passport_a(x5u: &str, orig: &str, dest: &str, iat: i64) -> Passport {
    let tn = |s: &str| CanonicalTn::parse(s).expect("a telephone number");
    shaken_passport(Orig::Tn(tn(orig)), Attest::A, x5u, &[tn(dest)], iat)
}

/// basicConstraints, 2.5.29.19, as arcs.
pub const BASIC_CONSTRAINTS_OID: &[u64] = &[2, 5, 29, 19];
/// cRLDistributionPoints, 2.5.29.31, as arcs.
pub const CRL_DISTRIBUTION_POINTS_OID: &[u64] = &[2, 5, 29, 31];
/// certificatePolicies, 2.5.29.32, as arcs.
pub const CERTIFICATE_POLICIES_OID: &[u64] = &[2, 5, 29, 32];

/// A `CRLDistributionPoints` value with one distribution point, a URI full name.
pub fn crl_distribution_point(url: &str) -> Vec<u8> {
    let uri = tlv(0x86, url.as_bytes());
    tlv(0x30, &tlv(0x30, &tlv(0xa0, &tlv(0xa0, &uri))))
}

/// A `certificatePolicies` value with one policy, 2.16.840.1.114569.1.1.1 (the SHAKEN
/// certificate policy OID of the STI-PA, as ATIS-1000080 profiles it).
pub fn shaken_certificate_policies() -> Vec<u8> {
    let oid = [0x60, 0x86, 0x48, 0x01, 0x86, 0xFF, 0x09, 0x01, 0x01, 0x01];
    tlv(0x30, &tlv(0x30, &tlv(0x06, &oid)))
}

/// A part of the profile [`sti_profile_leaf`] can leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Omit {
    /// The TNAuthList.
    TnAuthList,
    /// basicConstraints.
    BasicConstraints,
    /// The CRL distribution points.
    CrlDp,
    /// The certificate policies.
    Policies,
}

/// An end-entity certificate spec of the ATIS-1000080 / RFC 8226 profile: the TNAuthList
/// `entries`, basicConstraints cA FALSE, a CRL distribution point, the SHAKEN certificate
/// policy (keyUsage digitalSignature comes with every [`LeafSpec`]), less what `omit` says.
pub fn sti_profile_leaf(entries: &[TnEntry], omit: &[Omit]) -> LeafSpec {
    let mut spec = LeafSpec::new().cn("SHAKEN 709J");
    if !omit.contains(&Omit::TnAuthList) {
        spec = spec.extension(TN_AUTH_LIST_OID, tn_auth_list(entries));
    }
    if !omit.contains(&Omit::BasicConstraints) {
        spec = spec.extension(BASIC_CONSTRAINTS_OID, vec![0x30, 0x00]);
    }
    if !omit.contains(&Omit::CrlDp) {
        spec = spec.extension(
            CRL_DISTRIBUTION_POINTS_OID,
            crl_distribution_point("http://crl.example.org/sti.crl"),
        );
    }
    if !omit.contains(&Omit::Policies) {
        spec = spec.extension(CERTIFICATE_POLICIES_OID, shaken_certificate_policies());
    }
    spec
}

/// The current time in seconds since the Unix epoch (an `iat`).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .expect("a clock after 1970")
}

/// Certificate chains by URL: a [`CertificateSource`] for chains the test published.
#[derive(Debug, Default)]
pub struct Published(pub HashMap<String, Vec<CertificateDer<'static>>>);

impl CertificateSource for Published {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        self.0
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::new(format!("nothing published at {url}")))
    }
}
