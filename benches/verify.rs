//! Full chain verification: `SipServerVerifier` against rustls's `WebPkiServerVerifier`, and
//! `SipClientVerifier` against `WebPkiClientVerifier`, on the same chains, with the same
//! provider (ring), in the same run; and a mutual-TLS handshake-throughput benchmark.
//!
//! Chains (`pki::Ca` builders; RSA keys are fixed test keys in `benches/keys/`, since rcgen
//! cannot generate RSA keys with ring): `p256-d2` is leaf ← intermediate ← root, `p256-d3`
//! is leaf ← intermediate ← intermediate ← root, with P-256 keys everywhere; `rsa-d2` and
//! `rsa-d3` the same with RSA-2048 keys. The leaf carries `DNS:example.com`; both verifiers
//! accept every chain (checked before timing). The difference measured is the RFC 5922 name
//! check, the RFC 5924 EKU policy and the CA checks sipcert adds.
//!
//! Run: `cargo bench --bench verify` (ratios: `<chain>/sip` over `<chain>/webpki`).

use std::sync::Arc;

use divan::{black_box, Bencher};
use rcgen::KeyPair;
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use sipcert::verifier::{SipClientVerifier, SipServerVerifier};
use sipcert_testkit::handshake;
use sipcert_testkit::pki::{Ca, CaSpec, Eku, LeafSpec};
use sipcert_testkit::provider;

fn main() {
    divan::main();
}

const RSA_KEYS: [&str; 4] = [
    include_str!("keys/rsa2048-root.pk8.pem"),
    include_str!("keys/rsa2048-inter1.pk8.pem"),
    include_str!("keys/rsa2048-inter2.pk8.pem"),
    include_str!("keys/rsa2048-leaf.pk8.pem"),
];

/// The key of the certificate at `index` (0 root, 1 and 2 intermediates, 3 leaf).
fn key(rsa: bool, index: usize) -> KeyPair {
    if rsa {
        KeyPair::from_pem(RSA_KEYS[index]).unwrap()
    } else {
        KeyPair::generate().unwrap()
    }
}

struct Chain {
    leaf: CertificateDer<'static>,
    leaf_key: PrivateKeyDer<'static>,
    /// Issuer of the leaf first.
    intermediates: Vec<CertificateDer<'static>>,
    roots: Arc<rustls::RootCertStore>,
}

fn chain(name: &str) -> Chain {
    let rsa = name.starts_with("rsa");
    let depth3 = name.ends_with("d3");
    let root = Ca::root_with_key(CaSpec::new("Bench Root"), key(rsa, 0));
    let inter1 = root.intermediate_with_key(CaSpec::new("Bench Intermediate 1"), key(rsa, 1));
    let inter2 = depth3
        .then(|| inter1.intermediate_with_key(CaSpec::new("Bench Intermediate 2"), key(rsa, 2)));
    let issuer = inter2.as_ref().unwrap_or(&inter1);
    let spec = LeafSpec::new()
        .dns("example.com")
        .eku(&[Eku::ServerAuth, Eku::ClientAuth]);
    let leaf = issuer.leaf_with_key(spec, &key(rsa, 3));
    let mut intermediates = Vec::new();
    if let Some(i2) = &inter2 {
        intermediates.push(i2.der.clone());
    }
    intermediates.push(inter1.der.clone());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.der.clone()).unwrap();
    Chain {
        leaf: leaf.der,
        leaf_key: leaf.key,
        intermediates,
        roots: Arc::new(roots),
    }
}

fn server_verifiers(c: &Chain) -> (Arc<SipServerVerifier>, Arc<WebPkiServerVerifier>) {
    (
        SipServerVerifier::builder_with_provider(c.roots.clone(), provider())
            .build()
            .unwrap(),
        WebPkiServerVerifier::builder_with_provider(c.roots.clone(), provider())
            .build()
            .unwrap(),
    )
}

fn client_verifiers(c: &Chain) -> (Arc<SipClientVerifier>, Arc<dyn ClientCertVerifier>) {
    (
        SipClientVerifier::builder_with_provider(c.roots.clone(), provider())
            .build()
            .unwrap(),
        WebPkiClientVerifier::builder_with_provider(c.roots.clone(), provider())
            .build()
            .unwrap(),
    )
}

fn name() -> ServerName<'static> {
    ServerName::try_from("example.com").unwrap()
}

fn server_ok(v: &dyn ServerCertVerifier, c: &Chain, now: UnixTime) -> bool {
    v.verify_server_cert(black_box(&c.leaf), &c.intermediates, &name(), &[], now)
        .is_ok()
}

fn client_ok(v: &dyn ClientCertVerifier, c: &Chain, now: UnixTime) -> bool {
    v.verify_client_cert(black_box(&c.leaf), &c.intermediates, now)
        .is_ok()
}

/// `chain/verifier` pairs, sipcert's and rustls's verifier of one chain side by side.
const CASES: &[&str] = &[
    "p256-d2/sip",
    "p256-d2/webpki",
    "p256-d3/sip",
    "p256-d3/webpki",
    "rsa-d2/sip",
    "rsa-d2/webpki",
    "rsa-d3/sip",
    "rsa-d3/webpki",
];

/// `(chain, sip?)` of a case.
fn case(case: &str) -> (&str, bool) {
    let (chain, verifier) = case.split_once('/').unwrap();
    (chain, verifier == "sip")
}

/// `verify_server_cert`: `SipServerVerifier` (`/sip`) or `WebPkiServerVerifier` (`/webpki`).
/// 1 000 samples of 4 verifications: the ratio sought is a few percent, so the median must
/// not move with a few disturbed samples.
#[divan::bench(args = CASES, sample_count = 1000, sample_size = 4)]
fn server(bencher: Bencher<'_, '_>, case_name: &str) {
    let (chain_name, sip) = case(case_name);
    let c = chain(chain_name);
    let (sip_v, webpki_v) = server_verifiers(&c);
    let now = UnixTime::now();
    assert!(server_ok(&*sip_v, &c, now) && server_ok(&*webpki_v, &c, now));
    let v: Arc<dyn ServerCertVerifier> = if sip { sip_v } else { webpki_v };
    bencher.bench_local(|| server_ok(&*v, &c, now));
}

/// `verify_client_cert`: `SipClientVerifier` (`/sip`) or `WebPkiClientVerifier` (`/webpki`),
/// sampled as [`server`].
#[divan::bench(args = CASES, sample_count = 1000, sample_size = 4)]
fn client(bencher: Bencher<'_, '_>, case_name: &str) {
    let (chain_name, sip) = case(case_name);
    let c = chain(chain_name);
    let (sip_v, webpki_v) = client_verifiers(&c);
    let now = UnixTime::now();
    assert!(client_ok(&*sip_v, &c, now) && client_ok(&*webpki_v, &c, now));
    let v: Arc<dyn ClientCertVerifier> = if sip { sip_v } else { webpki_v };
    bencher.bench_local(|| client_ok(&*v, &c, now));
}

/// Mutual-TLS handshake throughput (TLS 1.3, in memory): a server whose client-certificate
/// verifier is `SipClientVerifier` (`/sip`) or rustls's `WebPkiClientVerifier`
/// (`/webpki`); the client verifies the server with `WebPkiServerVerifier` in both. One
/// chain (`p256-d2` or `rsa-d2`) serves as both the server's and the client's certificate.
/// Session resumption is off: every handshake verifies both certificate chains.
fn mutual_tls(bencher: Bencher<'_, '_>, chain_name: &str, sip: bool) {
    let c = chain(chain_name);
    let (sip_v, webpki_v) = client_verifiers(&c);
    let verifier: Arc<dyn ClientCertVerifier> = if sip { sip_v } else { webpki_v };
    let mut presented = vec![c.leaf.clone()];
    presented.extend(c.intermediates.iter().cloned());
    let server = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(presented.clone(), c.leaf_key.clone_key())
            .unwrap(),
    );
    let client = Arc::new(
        rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_root_certificates(c.roots.clone())
            .with_client_auth_cert(presented, c.leaf_key.clone_key())
            .map(|mut config| {
                // Every handshake is a full one: a resumed session verifies no certificate.
                config.resumption = rustls::client::Resumption::disabled();
                config
            })
            .unwrap(),
    );
    let run = || {
        let mut cc = rustls::ClientConnection::new(client.clone(), name()).unwrap();
        let mut sc = rustls::ServerConnection::new(server.clone()).unwrap();
        handshake::handshake(&mut cc, &mut sc).is_ok()
    };
    assert!(run(), "the mutual-TLS handshake must succeed");
    bencher.bench_local(run);
}

const HANDSHAKE_CASES: &[&str] = &[
    "p256-d2/sip",
    "p256-d2/webpki",
    "rsa-d2/sip",
    "rsa-d2/webpki",
];

/// Mutual-TLS handshakes: see [`mutual_tls`].
#[divan::bench(args = HANDSHAKE_CASES, sample_count = 200, sample_size = 4)]
fn handshake(bencher: Bencher<'_, '_>, case_name: &str) {
    let (chain_name, sip) = case(case_name);
    mutual_tls(bencher, chain_name, sip);
}
