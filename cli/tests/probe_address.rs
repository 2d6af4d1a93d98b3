//! `sipcert probe` refuses a target address that is no destination (RFC 1122 §3.2.1.3):
//! `target-address-unusable`, without connecting, for `--connect` and for resolved targets.

mod common;

use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};

use common::run;

/// An address that is no destination (RFC 1122 §3.2.1.3: "this host", broadcast, multicast)
/// is refused with `target-address-unusable` before any connection: a listener on the
/// wildcard address, which a connection to 0.0.0.0 or `::` would reach on Linux, sees none.
#[test]
fn unusable_target_address_is_not_connected() {
    let pki = common::example_pki("deadline-unusable");
    let v4 = TcpListener::bind("0.0.0.0:0").unwrap();
    v4.set_nonblocking(true).unwrap();
    let port4 = v4.local_addr().unwrap().port();
    // IPv6 may be missing on the test machine: then only the refusal is checked.
    let v6 = TcpListener::bind("[::]:0").ok();
    let port6 = v6
        .as_ref()
        .map_or(port4, |l| l.local_addr().unwrap().port());
    if let Some(l) = &v6 {
        l.set_nonblocking(true).unwrap();
    }
    let probe = |aus: &str, connect: Option<&str>| {
        let mut args = vec!["probe", "--json", aus, "--roots"];
        let roots = pki.path("root.pem");
        args.push(&roots);
        args.extend(["--timeout", "1"]);
        if let Some(c) = connect {
            args.extend(["--connect", c]);
        }
        run(&args)
    };
    let connects = [
        format!("0.0.0.0:{port4}"),
        format!("[::]:{port6}"),
        format!("[::ffff:0.0.0.0]:{port4}"),
        format!("0.1.2.3:{port4}"),
        format!("255.255.255.255:{port4}"),
        format!("224.0.0.1:{port4}"),
        format!("239.255.255.250:{port4}"),
        format!("[ff02::1]:{port6}"),
        format!("[::ffff:224.0.0.1]:{port4}"),
    ];
    for connect in &connects {
        let (code, v, out) = probe("sips:example.com", Some(connect));
        assert_eq!(
            (code, &v["verdict"]),
            (1, &"reject".into()),
            "{connect}: {out}"
        );
        assert_eq!(
            v["reasons"][0]["code"], "target-address-unusable",
            "{connect}: {out}"
        );
        assert_eq!(v["certificates"], serde_json::json!([]), "{connect}: {out}");
    }
    // The same for a target from resolution: a numeric AUS host needs no DNS.
    for aus in [
        format!("sips:0.0.0.0:{port4}"),
        format!("sips:[::]:{port6}"),
    ] {
        let (code, v, out) = probe(&aus, None);
        assert_eq!((code, &v["verdict"]), (1, &"reject".into()), "{aus}: {out}");
        assert_eq!(
            v["targets"][0]["reasons"][0]["code"], "target-address-unusable",
            "{aus}: {out}"
        );
    }
    for (name, listener) in [("0.0.0.0", Some(&v4)), ("::", v6.as_ref())] {
        if let Some(l) = listener {
            match l.accept() {
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Ok((_, peer)) => panic!("the probe connected to {name} (from {peer})"),
                Err(e) => panic!("accept on {name}: {e}"),
            }
        }
    }
}

/// Loopback stays a usable destination: the refusal is not a refusal of local servers.
#[test]
fn loopback_target_is_connected() {
    let pki = common::example_pki("deadline-loopback");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (code, v, out) = run(&common::probe_local(
        "sips:example.com",
        port,
        &pki,
        &["--timeout", "1"],
    ));
    // Nobody answers the handshake: it times out, but the connection was made.
    assert_eq!(code, 1, "{out}");
    assert_eq!(v["reasons"][0]["code"], "tls-handshake-failed", "{out}");
    listener.set_nonblocking(true).unwrap();
    let accepted: std::io::Result<(TcpStream, _)> = listener.accept();
    assert!(accepted.is_ok(), "no connection to 127.0.0.1: {out}");
}
