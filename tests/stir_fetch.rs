//! `sipcert::stir::fetch::HttpSource` against a real HTTP(S) server on loopback
//! (`sipcert_testkit::http`, rustls): a fetched chain verifies, intermediates included; the
//! cache (hits, expiry, failures), concurrent callers, a slow server, a redirect, 10 MiB, a
//! certificate for another number, plain http, an untrusted server certificate.
#![cfg(feature = "stir-fetch")]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls_pki_types::{CertificateDer, UnixTime};
use sipcert::stir::fetch::{FetchOptions, HttpSource};
use sipcert::stir::{
    caller_number, sign, CertificateSource, StirCode, StirRequest, StirVerdict, StirVerifier,
    TnAuthority, TnEntry,
};
use sipcert_testkit::http::{tls_config, Answer, HttpServer};
use sipcert_testkit::pki::{pem, Ca, CaSpec, Issued, LeafSpec};
use sipcert_testkit::provider;
use sipcert_testkit::stir::{
    now_secs, shaken_passport_a, tn_auth_list, TnEntry as Tn, TN_AUTH_LIST_OID,
};

const ORIG: &str = "12155551212";
const DEST: &str = "12155551213";

/// An STI-CA root, an intermediate, and a leaf for `numbers` issued by the intermediate.
struct StiChain {
    root: Ca,
    inter: Ca,
    leaf: Issued,
}

impl StiChain {
    fn new(numbers: &[&str]) -> Self {
        let root = Ca::root_with(CaSpec::new("Fetch STI-CA"));
        let inter = root.intermediate(CaSpec::new("Fetch STI intermediate"));
        let entries: Vec<Tn> = numbers.iter().map(|n| Tn::One((*n).to_owned())).collect();
        let leaf = inter.leaf(
            LeafSpec::new()
                .cn("Fetch STI-SP")
                .extension(TN_AUTH_LIST_OID, tn_auth_list(&entries)),
        );
        Self { root, inter, leaf }
    }

    /// The PEM chain an x5u serves: leaf, then intermediate.
    fn pem(&self) -> String {
        pem("CERTIFICATE", &self.leaf.der) + &pem("CERTIFICATE", &self.inter.der)
    }

    fn identity(&self, x5u: &str) -> String {
        let passport = shaken_passport_a(x5u, ORIG, DEST, now_secs());
        sign(&passport, &self.leaf.key, &provider()).expect("signs")
    }

    fn verify(&self, identity: &str, source: &dyn CertificateSource) -> StirVerdict {
        let (orig, dest) = (
            caller_number(ORIG).expect("orig"),
            caller_number(DEST).expect("dest"),
        );
        let request = StirRequest::new(identity, &orig, &dest);
        StirVerifier::new([self.root.anchor()], provider()).verify(
            &request,
            source,
            UnixTime::now(),
        )
    }
}

/// An HTTPS server on 127.0.0.1 and the root its certificate chains to.
fn https_server() -> (HttpServer, CertificateDer<'static>) {
    let ca = Ca::root("fetch web root");
    let cert = ca.leaf(
        LeafSpec::new()
            .cn("127.0.0.1")
            .ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
    );
    let server = HttpServer::start(Some(tls_config(
        vec![cert.der.clone()],
        cert.key.clone_key(),
    )));
    (server, ca.der.clone())
}

fn source(root: &CertificateDer<'static>, options: FetchOptions) -> HttpSource {
    HttpSource::new(std::slice::from_ref(root), provider(), options)
}

fn error_of(source: &HttpSource, url: &str) -> String {
    match source.chain(url) {
        Ok(chain) => panic!(
            "{url}: a chain of {} certificates, expected an error",
            chain.len()
        ),
        Err(e) => e.message,
    }
}

#[test]
fn a_fetched_chain_verifies_with_its_intermediate_and_is_cached() {
    let (server, web_root) = https_server();
    let sti = StiChain::new(&[ORIG]);
    server.set(
        "/sp.pem",
        Answer::ok(sti.pem()).header("Cache-Control", "max-age=600"),
    );
    let x5u = server.url("/sp.pem");
    let source = source(&web_root, FetchOptions::default());
    for round in 0..3 {
        let verdict = sti.verify(&sti.identity(&x5u), &source);
        let StirVerdict::Verified(v) = &verdict else {
            panic!("round {round}: {verdict}");
        };
        assert_eq!(
            v.authority(),
            &TnAuthority::Number(TnEntry::One(ORIG.into()))
        );
    }
    assert_eq!(
        server.hits("/sp.pem"),
        1,
        "fetched once, then from the cache"
    );
    let chain = source.chain(&x5u).expect("cached");
    assert_eq!(
        chain,
        vec![sti.leaf.der.clone(), sti.inter.der.clone()],
        "leaf first, intermediate kept"
    );
}

#[test]
fn a_certificate_for_another_number_does_not_verify() {
    let (server, web_root) = https_server();
    let sti = StiChain::new(&["12155550000"]);
    server.set("/other.pem", Answer::ok(sti.pem()));
    let verdict = sti.verify(
        &sti.identity(&server.url("/other.pem")),
        &source(&web_root, FetchOptions::default()),
    );
    assert_eq!(verdict.code(), Some(StirCode::TnNotAuthorized), "{verdict}");
}

#[test]
fn bad_answers_fail_with_a_message_naming_the_problem() {
    let (server, web_root) = https_server();
    server.set(
        "/moved.pem",
        Answer::status(302).header("Location", "https://elsewhere.example/sp.pem"),
    );
    server.set("/big.pem", Answer::ok(vec![b'A'; 10 * 1024 * 1024]));
    server.set("/text.pem", Answer::ok("hello"));
    server.set("/key.pem", Answer::ok(pem("PRIVATE KEY", &[0x30, 0x00])));
    let source = source(&web_root, FetchOptions::default());
    let cases = [
        (
            "/moved.pem",
            "redirects (302) to https://elsewhere.example/sp.pem",
        ),
        ("/big.pem", "larger than 65536 octets"),
        ("/missing.pem", "HTTP 404"),
        ("/text.pem", "neither a PEM chain nor a DER certificate"),
        ("/key.pem", "no CERTIFICATE"),
    ];
    for (path, want) in cases {
        let url = server.url(path);
        let message = error_of(&source, &url);
        assert!(
            message.contains(want) && message.contains(&url),
            "{path}: {message:?} should say {want:?}"
        );
    }
    // Through the verifier: the x5u failure is stir-cert-unavailable (436).
    let sti = StiChain::new(&[ORIG]);
    let verdict = sti.verify(&sti.identity(&server.url("/moved.pem")), &source);
    assert_eq!(verdict.code(), Some(StirCode::CertUnavailable), "{verdict}");
    assert_eq!(verdict.response_code(), Some(436), "{verdict}");
}

#[test]
fn plain_http_and_untrusted_servers_are_refused() {
    let plain = HttpServer::start(None);
    let sti = StiChain::new(&[ORIG]);
    plain.set("/sp.pem", Answer::ok(sti.pem()));
    let url = plain.url("/sp.pem");
    let (_, web_root) = https_server();
    let message = error_of(&source(&web_root, FetchOptions::default()), &url);
    assert!(message.contains("plain http is refused"), "{message}");
    assert_eq!(plain.hits("/sp.pem"), 0, "nothing was sent");
    let danger = source(&web_root, FetchOptions::default().danger_allow_http());
    assert_eq!(
        danger
            .chain(&url)
            .expect("allowed by the danger option")
            .len(),
        2
    );
    // An HTTPS server whose certificate chains to a root the source does not trust.
    let (server, _) = https_server();
    server.set("/sp.pem", Answer::ok(sti.pem()));
    let message = error_of(
        &source(&web_root, FetchOptions::default()),
        &server.url("/sp.pem"),
    );
    assert!(message.to_lowercase().contains("certificate"), "{message}");
}

#[test]
fn a_slow_server_runs_into_the_deadline() {
    let (server, web_root) = https_server();
    let sti = StiChain::new(&[ORIG]);
    server.set(
        "/slow.pem",
        Answer::ok(sti.pem()).delayed(Duration::from_secs(4)),
    );
    let source = source(
        &web_root,
        FetchOptions::default().timeout(Duration::from_millis(500)),
    );
    let start = Instant::now();
    let message = error_of(&source, &server.url("/slow.pem"));
    let took = start.elapsed();
    assert!(
        message.contains("no complete answer within 500ms"),
        "{message}"
    );
    assert!(
        took < Duration::from_secs(3),
        "the deadline was not honoured: {took:?}"
    );
}

#[test]
fn answers_expire_and_failures_are_remembered_briefly() {
    let (server, web_root) = https_server();
    let sti = StiChain::new(&[ORIG]);
    server.set(
        "/short.pem",
        Answer::ok(sti.pem()).header("Cache-Control", "max-age=1"),
    );
    let options = FetchOptions::default()
        .cache_bounds(Duration::ZERO, Duration::from_secs(3600))
        .failure_ttl(Duration::from_secs(1));
    let source = source(&web_root, options);
    let (short, gone) = (server.url("/short.pem"), server.url("/gone.pem"));
    source.chain(&short).expect("fetched");
    source.chain(&short).expect("cached");
    assert_eq!(
        server.hits("/short.pem"),
        1,
        "within max-age: from the cache"
    );
    error_of(&source, &gone);
    error_of(&source, &gone);
    assert_eq!(server.hits("/gone.pem"), 1, "the failure was remembered");
    std::thread::sleep(Duration::from_millis(1_200));
    source.chain(&short).expect("fetched again");
    assert_eq!(server.hits("/short.pem"), 2, "after max-age: fetched again");
    error_of(&source, &gone);
    assert_eq!(
        server.hits("/gone.pem"),
        2,
        "after failure_ttl: asked again"
    );
}

#[test]
fn concurrent_callers_share_one_fetch() {
    let (server, web_root) = https_server();
    let sti = Arc::new(StiChain::new(&[ORIG]));
    server.set(
        "/sp.pem",
        Answer::ok(sti.pem()).delayed(Duration::from_millis(300)),
    );
    let source = Arc::new(source(&web_root, FetchOptions::default()));
    let x5u = server.url("/sp.pem");
    let identity = sti.identity(&x5u);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (source, sti, identity) = (Arc::clone(&source), Arc::clone(&sti), identity.clone());
            std::thread::spawn(move || {
                (0..25)
                    .filter(|_| sti.verify(&identity, source.as_ref()).is_verified())
                    .count()
            })
        })
        .collect();
    let verified: usize = threads.into_iter().map(|t| t.join().expect("thread")).sum();
    assert_eq!(verified, 200, "every verification passed");
    assert_eq!(server.hits("/sp.pem"), 1, "one fetch for all threads");
}
