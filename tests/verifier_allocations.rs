//! What an accepting verification allocates: `SipServerVerifier` and `SipClientVerifier`
//! on chains of depth 2 and 3, counted with a per-thread counting allocator (rustls's
//! `WebPkiServerVerifier` and `WebPkiClientVerifier` on the same chains are counted for
//! comparison: none, or the few of webpki's own EKU check). Allocation counts do not depend
//! on the machine or its load, so this guards the verifiers' hot path where a timed test
//! could not: a verification may allocate only what its result is made of (the identities
//! and the names kept for the diagnostic), nothing per intermediate, extension or check,
//! and nothing for the reference. Speed itself is measured by `cargo bench --bench verify`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use sipcert::verifier::{SipClientVerifier, SipServerVerifier};
use sipcert_testkit::pki::{Ca, CaSpec, Eku, LeafSpec};
use sipcert_testkit::provider;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// This only forwards to the system allocator and counts (the crate itself forbids unsafe; a
// test binary may implement GlobalAlloc, which requires an unsafe impl).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // `try_with`: the counter may already be gone while the thread exits.
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations (and reallocations) made by `f` on this thread.
fn allocations(f: impl FnOnce() -> bool) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    assert!(f(), "the verification must accept");
    ALLOCATIONS.with(Cell::get) - before
}

struct Chain {
    leaf: CertificateDer<'static>,
    intermediates: Vec<CertificateDer<'static>>,
    roots: Arc<rustls::RootCertStore>,
}

/// leaf ← `depth - 1` intermediates ← root, P-256, the leaf naming `DNS:example.com` (as the
/// `verify` benchmark's chains).
fn chain(depth: usize, spec: LeafSpec) -> Chain {
    let root = Ca::root("Allocations Root");
    let mut cas = vec![root.intermediate(CaSpec::new("Allocations Intermediate 1"))];
    for i in 2..depth {
        let next =
            cas[cas.len() - 1].intermediate(CaSpec::new(&format!("Allocations Intermediate {i}")));
        cas.push(next);
    }
    let leaf = cas[cas.len() - 1].leaf(spec);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.der.clone()).unwrap();
    Chain {
        leaf: leaf.der,
        intermediates: cas.iter().rev().map(|ca| ca.der.clone()).collect(),
        roots: Arc::new(roots),
    }
}

/// The leaves measured: `(label, spec, allowed)`; every one is accepted for `example.com` by
/// both verifiers of both roles, and a sipcert verification may allocate `allowed` times (the
/// server verifier compares a plain host name as the connection gives it, without building
/// a reference).
fn leaves() -> Vec<(&'static str, LeafSpec, usize)> {
    vec![
        (
            "DNS:example.com, EKU serverAuth+clientAuth",
            LeafSpec::new()
                .dns("example.com")
                .eku(&[Eku::ServerAuth, Eku::ClientAuth]),
            // The identity's name, the identity list.
            2,
        ),
        (
            "URI:sip:example.com + DNS:example.com, EKU clientAuth+serverAuth",
            LeafSpec::new()
                .uri("sip:example.com")
                .dns("example.com")
                .eku(&[Eku::ClientAuth, Eku::ServerAuth]),
            // The URI's host name, the identity list, the classified URI entries; the
            // dNSName the URI suppresses: its text, its name, the ignored list.
            6,
        ),
    ]
}

#[test]
fn the_server_verifier_allocates_only_its_result() {
    let now = UnixTime::now();
    let name = ServerName::try_from("example.com").unwrap();
    for depth in [2, 3] {
        for (label, spec, allowed) in leaves() {
            let c = chain(depth, spec);
            let sip = SipServerVerifier::builder_with_provider(c.roots.clone(), provider())
                .build()
                .unwrap();
            let webpki = WebPkiServerVerifier::builder_with_provider(c.roots.clone(), provider())
                .build()
                .unwrap();
            let run = |v: &dyn ServerCertVerifier| {
                allocations(|| {
                    v.verify_server_cert(&c.leaf, &c.intermediates, &name, &[], now)
                        .is_ok()
                })
            };
            let (s, w) = (run(&*sip), run(&*webpki));
            eprintln!(
                "server, depth {depth}, {label}: sipcert {s} (at most {allowed}), webpki {w}"
            );
            assert!(
                s <= allowed,
                "server, depth {depth}, {label}: sipcert allocates {s} times, at most {allowed} allowed (webpki {w})"
            );
        }
    }
}

#[test]
fn the_client_verifier_allocates_only_its_result() {
    let now = UnixTime::now();
    for depth in [2, 3] {
        for (label, spec, allowed) in leaves() {
            let c = chain(depth, spec);
            let sip = SipClientVerifier::builder_with_provider(c.roots.clone(), provider())
                .build()
                .unwrap();
            let webpki = WebPkiClientVerifier::builder_with_provider(c.roots.clone(), provider())
                .build()
                .unwrap();
            let run = |v: &dyn ClientCertVerifier| {
                allocations(|| v.verify_client_cert(&c.leaf, &c.intermediates, now).is_ok())
            };
            let (s, w) = (run(&*sip), run(&*webpki));
            eprintln!(
                "client, depth {depth}, {label}: sipcert {s} (at most {allowed}), webpki {w}"
            );
            assert!(
                s <= allowed,
                "client, depth {depth}, {label}: sipcert allocates {s} times, at most {allowed} allowed (webpki {w})"
            );
        }
    }
}
