//! Identity extraction + matching per certificate, against a bare x509-parser parse of the
//! same DER in the same run, and with 10 to 10000 SAN entries.

use divan::{black_box, Bencher};
use sipcert::{check_end_entity, extract_identities, DomainName, Policy, Reference, Role};
use sipcert_testkit::pki::{dns, uri, Leaf};
use x509_parser::prelude::{FromDer, X509Certificate};

fn main() {
    divan::main();
}

/// A leaf with `n` dNSName SANs `hostN.example.com` (plus a CN), or the typical
/// `URI:sip:example.com, DNS:example.com` when `n == 0`.
fn leaf(n: usize) -> Vec<u8> {
    let entries = if n == 0 {
        vec![uri("sip:example.com"), dns("example.com")]
    } else {
        (0..n)
            .map(|i| dns(&format!("host{i}.example.com")))
            .collect()
    };
    Leaf::sans(entries).cn("example.com").der()
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
