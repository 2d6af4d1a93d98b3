//! sipcert's SIP URI parser against every Rust SIP URI parser that builds here, same inputs,
//! same run, peers side by side (`sipcert_bench_peers::PEERS`):
//! - `mix16/<peer>`: the 16-URI mix (`sipcert_bench_peers::MIX`);
//! - `corpus/<peer>`: every valid `sip:`/`sips:` URI of the corpus's `sip-uris/*.tsv`
//!   (`../shared/corpus`; skipped with a message when absent).
//!
//! Each parser parses every URI of the mix in one iteration, accepted or not; how many it
//! accepts is printed before the timings.
//!
//! Run: `cargo bench -p sipcert-bench-peers`.

use std::sync::OnceLock;

use divan::{black_box, counter::ItemsCount, Bencher};
use sipcert_bench_peers::{accepted, corpus_mix, Peer, MIX, PEERS};

fn main() {
    for peer in PEERS {
        println!(
            "{:<20} accepts {:>2} of the {} URIs of mix16",
            peer.name,
            accepted(peer, MIX),
            MIX.len()
        );
    }
    match corpus() {
        Some(mix) => {
            for peer in PEERS {
                println!(
                    "{:<20} accepts {:>3} of the {} URIs of the corpus mix",
                    peer.name,
                    accepted(peer, mix),
                    mix.len()
                );
            }
        }
        None => println!("corpus mix skipped: the corpus is absent"),
    }
    divan::main();
}

fn corpus() -> Option<&'static [String]> {
    static MIX: OnceLock<Option<Vec<String>>> = OnceLock::new();
    MIX.get_or_init(corpus_mix).as_deref()
}

const NAMES: &[&str] = &[
    "sipcert",
    "rsip 0.4",
    "ezk-sip-types 0.6",
    "rvoip-sip-core 0.4",
    "sip-uri 0.2",
];

fn peer(name: &str) -> &'static Peer {
    PEERS.iter().find(|p| p.name == name).unwrap()
}

fn parse_all(peer: &Peer, mix: &[impl AsRef<str>]) -> usize {
    let mut n = 0;
    for uri in mix {
        n += usize::from((peer.parse)(black_box(uri.as_ref())));
    }
    n
}

#[divan::bench(args = NAMES)]
fn mix16(bencher: Bencher<'_, '_>, name: &str) {
    let peer = peer(name);
    bencher
        .counter(ItemsCount::new(MIX.len()))
        .bench(|| parse_all(peer, MIX));
}

#[divan::bench(args = NAMES)]
fn corpus_mix_all(bencher: Bencher<'_, '_>, name: &str) {
    let peer = peer(name);
    let Some(mix) = corpus() else {
        eprintln!("corpus/{name}: skipped, the corpus is absent");
        bencher.bench(|| ());
        return;
    };
    bencher
        .counter(ItemsCount::new(mix.len()))
        .bench(|| parse_all(peer, mix));
}
