//! The SIP URI parsers sipcert's parser is measured against, behind one signature, and the
//! URI mixes the benchmark feeds them (`benches/uri_peers.rs`).
//!
//! Every peer is called the way its documentation shows for parsing one SIP URI from text:
//! - sipcert: `sipcert::uri::SipUri::parse` (borrowed, no allocation);
//! - rsip 0.4: `rsip::Uri::try_from(&str)`;
//! - ezk-sip-types 0.6: `<ezk_sip_types::uri::SipUri as FromStr>`;
//! - rvoip-sip-core 0.4: `<rvoip_sip_core::Uri as FromStr>`;
//! - sip-uri 0.2: `<sip_uri::SipUri as FromStr>`.

use std::str::FromStr;

/// One parser: its name and a function that says whether it accepts a URI.
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    /// The crate (and version line) measured.
    pub name: &'static str,
    /// Parses one URI; `true` when the parser accepts it.
    pub parse: fn(&str) -> bool,
}

/// sipcert's own parser.
pub fn sipcert(uri: &str) -> bool {
    sipcert::uri::SipUri::parse(uri).is_ok()
}

/// rsip 0.4.
pub fn rsip(uri: &str) -> bool {
    rsip::Uri::try_from(uri).is_ok()
}

/// ezk-sip-types 0.6.
pub fn ezk(uri: &str) -> bool {
    ezk_sip_types::uri::SipUri::from_str(uri).is_ok()
}

/// rvoip-sip-core 0.4.
pub fn rvoip(uri: &str) -> bool {
    rvoip_sip_core::Uri::from_str(uri).is_ok()
}

/// sip-uri 0.2.
pub fn sip_uri(uri: &str) -> bool {
    sip_uri::SipUri::from_str(uri).is_ok()
}

/// Every parser, sipcert first.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "sipcert",
        parse: sipcert,
    },
    Peer {
        name: "rsip 0.4",
        parse: rsip,
    },
    Peer {
        name: "ezk-sip-types 0.6",
        parse: ezk,
    },
    Peer {
        name: "rvoip-sip-core 0.4",
        parse: rvoip,
    },
    Peer {
        name: "sip-uri 0.2",
        parse: sip_uri,
    },
];

/// A mix of 16 real URIs (RFC 3261 §19.1.3 examples, RFC 4475 and RFC 5118 torture
/// messages).
pub const MIX: &[&str] = &[
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

/// The larger mix: every distinct `sip:`/`sips:` input of kind `uri` or `request-uri` that
/// its source project marks `valid` in the corpus's `sip-uris/*.tsv`, in file order. `None`
/// (after printing why) when the corpus is absent.
///
/// # Panics
/// When a corpus file cannot be read or an input is not a JSON string.
pub fn corpus_mix() -> Option<Vec<String>> {
    let dir = sipcert_testkit::corpus::dir()?.join("sip-uris");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    files.sort();
    let mut mix: Vec<String> = Vec::new();
    for file in files {
        for row in sipcert_testkit::corpus::read_tsv(&file) {
            if !matches!(row.get("kind"), "uri" | "request-uri") || row.get("expected") != "valid" {
                continue;
            }
            let input: String = serde_json::from_str(row.get("input")).unwrap_or_else(|e| {
                panic!("{}:{}: input is not a JSON string: {e}", row.file, row.line)
            });
            let scheme = input.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
            if matches!(scheme.as_deref(), Some("sip" | "sips")) && !mix.contains(&input) {
                mix.push(input);
            }
        }
    }
    Some(mix)
}

/// How many URIs of `mix` `peer` accepts.
pub fn accepted(peer: &Peer, mix: &[impl AsRef<str>]) -> usize {
    mix.iter().filter(|u| (peer.parse)(u.as_ref())).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every peer is wired to a real parser: each accepts the plainest SIP URI. (Not every
    /// peer refuses text that is no URI: rsip 0.4 accepts `not a uri`.)
    #[test]
    fn every_peer_parses() {
        for peer in PEERS {
            assert!(
                (peer.parse)("sip:alice@atlanta.com"),
                "{} refuses sip:alice@atlanta.com",
                peer.name
            );
        }
        assert!(!sipcert("not a uri"));
    }

    /// The benchmark's case names are the peers' names.
    #[test]
    fn peer_names_are_unique() {
        for (i, peer) in PEERS.iter().enumerate() {
            assert!(
                PEERS.iter().skip(i + 1).all(|p| p.name != peer.name),
                "{} twice",
                peer.name
            );
        }
    }
}
