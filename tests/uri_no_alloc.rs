//! The borrowed parse allocates nothing: proved with a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use sipcert::uri::SipUri;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY-free: this only forwards to the system allocator (the crate itself forbids unsafe;
// a test binary may implement GlobalAlloc, which requires an unsafe impl).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const URIS: &[&str] = &[
    "sip:alice@atlanta.com",
    "sips:alice:secretword@Atlanta.COM:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15?subject=project%20x&priority=urgent",
    "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
    "sip:[2001:db8::10]:5070;transport=tls",
    "sip:+1-212-555-1212:1234@gateway.com;user=phone;method=INVITE",
    "sip:user@192.0.2.4:5060",
];

#[test]
fn borrowed_parse_does_not_allocate() {
    for uri in URIS {
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        let parsed = SipUri::parse(uri).expect("valid");
        // Accessors are zero-copy too.
        let _ = (
            parsed.user(),
            parsed.host(),
            parsed.port(),
            parsed.transport(),
            parsed.lr(),
        );
        let params = parsed.params().count();
        let headers = parsed.headers().count();
        let after = ALLOCATIONS.load(Ordering::SeqCst);
        assert_eq!(
            after - before,
            0,
            "{uri}: {} allocations ({params} params, {headers} headers)",
            after - before
        );
        std::hint::black_box(parsed);
    }
    // The counter works: an owned copy allocates.
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    let owned = SipUri::parse(URIS[0]).unwrap().to_owned_uri();
    assert!(
        ALLOCATIONS.load(Ordering::SeqCst) > before,
        "the counting allocator counts"
    );
    std::hint::black_box(owned);
}
