//! Identity extraction per certificate against a bare x509-parser parse of the same DER, in
//! the same run, side by side: a typical leaf (`0`: `URI:sip:example.com, DNS:example.com`
//! and a CN) and leaves with 1 to 10 000 dNSName SANs.
//!
//! Cases are `<entries>/<what>`:
//! - `x509-parser`: `X509Certificate::from_der` (which parses every SAN entry into its
//!   `GeneralName` list), the baseline;
//! - `extract`: `sipcert::extract_identities` (strict DER walk, every SAN classified and
//!   validated, the identity set built);
//! - `check`: `sipcert::check_end_entity`, the whole end-entity decision (extraction, EKU
//!   policy, RFC 5922 §7.2 match of the last name, the worst case).
//!
//! Run: `cargo bench --bench identity`. With `n` entries the per-SAN cost is the time over
//! `n` (divan's `item/s` column).

use divan::{black_box, counter::ItemsCount, Bencher};
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

const CASES: &[&str] = &[
    "0/x509-parser",
    "0/extract",
    "0/check",
    "1/x509-parser",
    "1/extract",
    "1/check",
    "10/x509-parser",
    "10/extract",
    "10/check",
    "100/x509-parser",
    "100/extract",
    "100/check",
    "1000/x509-parser",
    "1000/extract",
    "1000/check",
    "10000/x509-parser",
    "10000/extract",
    "10000/check",
];

#[divan::bench(args = CASES)]
fn leaf_with_sans(bencher: Bencher<'_, '_>, case: &str) {
    let (n, what) = case.split_once('/').unwrap();
    let n: usize = n.parse().unwrap();
    let der = leaf(n);
    let policy = Policy::default();
    let reference = reference(n);
    let bencher = bencher.counter(ItemsCount::new(n.max(1)));
    match what {
        "x509-parser" => bencher.bench(|| {
            let (_, cert) = X509Certificate::from_der(black_box(&der)).unwrap();
            cert.version()
        }),
        "extract" => bencher.bench(|| {
            extract_identities(black_box(&der), &policy)
                .unwrap()
                .identities()
                .len()
        }),
        "check" => bencher.bench(|| {
            let v = check_end_entity(black_box(&der), &reference, Role::Server, &policy);
            assert!(v.is_accept());
            v
        }),
        other => panic!("unknown case {other}"),
    }
}
