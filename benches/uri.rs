//! sipcert's URI parser on its own: scaling with the length of a user part and with the
//! number of parameters, and each URI of the 16-URI mix.
//!
//! Run: `cargo bench --bench uri`. The comparison with the other Rust SIP URI parsers (rsip,
//! ezk-sip-types, rvoip-sip-core, sip-uri) is a separate member, so that their dependency
//! trees stay out of this crate's: `cargo bench -p sipcert-bench-peers`.
#![allow(clippy::format_collect)] // test code, written before the workspace lint wall

use divan::black_box;

fn main() {
    divan::main();
}

/// A mix of real URIs (RFC 3261 §19.1.3, RFC 4475, RFC 5118); the same as
/// `sipcert_bench_peers::MIX`.
const MIX: &[&str] = &[
    "sip:alice@atlanta.com",
    "sip:alice:secretword@atlanta.com;transport=tcp",
    "sips:alice@atlanta.com?subject=project%20x&priority=urgent",
    "sip:+1-212-555-1212:1234@gateway.com;user=phone",
    "sips:1212@gateway.com",
    "sip:alice@192.0.2.4",
    "sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com",
    "sip:alice;day=tuesday@atlanta.com",
    "sip:vivekg@chair-dnrc.example.com;unknownparam",
    "sip:services.example.com;lr;unknownwith=value;unknown-no-value",
    "sip:user@example.com:6000;unknownparam1=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue",
    "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31",
    "sip:[2001:db8::10]",
    "sip:user@[2001:db8::10]:5070",
    "sip:ted@[::ffff:192.0.2.2]",
    "sip:127.0.0.1:5080",
];

#[divan::bench]
fn sipcert_mix() -> usize {
    let mut n = 0;
    for uri in MIX {
        n += usize::from(sipcert::uri::SipUri::parse(black_box(uri)).is_ok());
    }
    n
}

/// Scaling with length: a user part of N bytes.
#[divan::bench(args = [16, 256, 4096, 65536])]
fn sipcert_user_len(bencher: divan::Bencher<'_, '_>, len: usize) {
    let uri = format!("sip:{}@example.com", "a".repeat(len));
    bencher
        .counter(divan::counter::BytesCount::new(uri.len()))
        .bench(|| sipcert::uri::SipUri::parse(black_box(&uri)).is_ok());
}

/// Scaling with the number of parameters (up to the 64-parameter limit).
#[divan::bench(args = [1, 8, 32, 64])]
fn sipcert_params(bencher: divan::Bencher<'_, '_>, n: usize) {
    let uri = format!(
        "sip:example.com{}",
        (0..n).map(|i| format!(";p{i}=v")).collect::<String>()
    );
    bencher.bench(|| sipcert::uri::SipUri::parse(black_box(&uri)).is_ok());
}

#[divan::bench(args = MIX)]
fn sipcert_each(uri: &str) -> bool {
    sipcert::uri::SipUri::parse(black_box(uri)).is_ok()
}
