//! Identity extraction + matching per certificate, against a bare x509-parser parse of the
//! same DER in the same run, and with 10 to 10000 SAN entries.

use divan::{black_box, Bencher};
use rcgen::{CertificateParams, CustomExtension, DistinguishedName, DnType, KeyPair};
use sipcert::{check_end_entity, extract_identities, DomainName, Policy, Reference, Role};
use x509_parser::prelude::{FromDer, X509Certificate};

fn main() {
    divan::main();
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap());
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A leaf with `n` dNSName SANs `hostN.example.com` (plus a CN), or the typical
/// `URI:sip:example.com, DNS:example.com` when `n == 0`.
fn leaf(n: usize) -> Vec<u8> {
    let entries: Vec<u8> = if n == 0 {
        [tlv(0x86, b"sip:example.com"), tlv(0x82, b"example.com")].concat()
    } else {
        (0..n)
            .flat_map(|i| tlv(0x82, format!("host{i}.example.com").as_bytes()))
            .collect()
    };
    let mut p = CertificateParams::default();
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, "example.com");
    p.custom_extensions.push(CustomExtension::from_oid_content(
        &[2, 5, 29, 17],
        tlv(0x30, &entries),
    ));
    let key = KeyPair::generate().unwrap();
    p.self_signed(&key).unwrap().der().to_vec()
}

fn reference(n: usize) -> Reference {
    let name = if n == 0 {
        "example.com".to_owned()
    } else {
        format!("host{}.example.com", n - 1)
    };
    Reference::Domain(DomainName::from_ascii(&name).unwrap())
}

/// Baseline: x509-parser alone.
#[divan::bench(args = [0, 10, 100, 1000, 10000])]
fn parse_only(bencher: Bencher<'_, '_>, n: usize) {
    let der = leaf(n);
    bencher.bench(|| {
        X509Certificate::from_der(black_box(&der))
            .map(|(_, c)| c.version())
            .unwrap()
    });
}

/// Extraction of the identity set.
#[divan::bench(args = [0, 10, 100, 1000, 10000])]
fn extract(bencher: Bencher<'_, '_>, n: usize) {
    let der = leaf(n);
    let policy = Policy::default();
    bencher.bench(|| {
        extract_identities(black_box(&der), &policy)
            .unwrap()
            .identities()
            .len()
    });
}

/// The full end-entity check: parse, extract, EKU, match the last name (worst case).
#[divan::bench(args = [0, 10, 100, 1000, 10000])]
fn check(bencher: Bencher<'_, '_>, n: usize) {
    let der = leaf(n);
    let policy = Policy::default();
    let reference = reference(n);
    bencher.bench(|| {
        let v = check_end_entity(black_box(&der), &reference, Role::Server, &policy);
        assert!(v.is_accept());
        v
    });
}
