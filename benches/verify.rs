//! A full `verify_server_cert`: `SipServerVerifier` against rustls's `WebPkiServerVerifier`,
//! same chain (leaf `DNS:example.com` → intermediate → root, P-256), same provider (ring),
//! same run. Both accept this chain; the difference is the RFC 5922 name check and the
//! RFC 5924 EKU policy.
//!
//! Run: `cargo bench --bench verify`.

use std::sync::Arc;

use divan::black_box;
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sipcert::verifier::SipServerVerifier;
use sipcert_testkit::pki::{Ca, CaSpec, LeafSpec};
use sipcert_testkit::provider;

fn main() {
    divan::main();
}

struct Fixture {
    leaf: CertificateDer<'static>,
    intermediate: CertificateDer<'static>,
    sip: Arc<SipServerVerifier>,
    webpki: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
    now: UnixTime,
}

fn fixture() -> Fixture {
    let root = Ca::root("Bench Root");
    let inter = root.intermediate(CaSpec::new("Bench Intermediate"));
    let leaf = inter.leaf(LeafSpec::new().dns("example.com")).der;
    let intermediate = inter.der.clone();
    let root = root.der.clone();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(root).unwrap();
    let roots = Arc::new(roots);
    let provider = provider();
    Fixture {
        sip: SipServerVerifier::builder_with_provider(roots.clone(), provider.clone())
            .build()
            .unwrap(),
        webpki: WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .unwrap(),
        leaf,
        intermediate,
        name: ServerName::try_from("example.com").unwrap(),
        now: UnixTime::now(),
    }
}

#[divan::bench]
fn sipcert_server_verifier(bencher: divan::Bencher<'_, '_>) {
    let f = fixture();
    let inter = [f.intermediate.clone()];
    bencher.bench_local(|| {
        f.sip
            .verify_server_cert(black_box(&f.leaf), &inter, &f.name, &[], f.now)
            .is_ok()
    });
}

#[divan::bench]
fn webpki_server_verifier(bencher: divan::Bencher<'_, '_>) {
    let f = fixture();
    let inter = [f.intermediate.clone()];
    bencher.bench_local(|| {
        f.webpki
            .verify_server_cert(black_box(&f.leaf), &inter, &f.name, &[], f.now)
            .is_ok()
    });
}

/// Sanity outside the timing: both verifiers accept the chain.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn both_accept() -> bool {
    let f = fixture();
    let inter = [f.intermediate.clone()];
    let ok = f
        .sip
        .verify_server_cert(&f.leaf, &inter, &f.name, &[], f.now)
        .is_ok()
        && f.webpki
            .verify_server_cert(&f.leaf, &inter, &f.name, &[], f.now)
            .is_ok();
    assert!(ok, "both verifiers must accept the benchmark chain");
    ok
}
