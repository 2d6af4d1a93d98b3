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

/// A SHAKEN PASSporT (attestation A, a fixed `origid`) from `orig` to `dest`, issued at
/// `iat`, whose certificate is at `x5u`.
pub fn shaken_passport(x5u: &str, orig: &str, dest: &str, iat: i64) -> Passport {
    let tn = |s: &str| CanonicalTn::parse(s).expect("a telephone number");
    Passport {
        header: PassportHeader {
            alg: "ES256".to_owned(),
            typ: Some("passport".to_owned()),
            ppt: Ppt::Shaken,
            x5u: x5u.to_owned(),
        },
        claims: Claims {
            orig: Orig::Tn(tn(orig)),
            dest: Dest {
                tn: vec![tn(dest)],
                uri: Vec::new(),
            },
            iat,
            attest: Some(Attest::A),
            origid: Some("8d1b6a4e-2f3c-4b5a-9e6d-7c8b9a0f1e2d".to_owned()),
            div: None,
        },
    }
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
