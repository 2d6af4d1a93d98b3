//! Unit tests of the parent module.

use super::*;
use crate::identity::IdentityName;
use std::net::Ipv4Addr;

fn dn(s: &str) -> DomainName {
    DomainName::from_ascii(s).unwrap()
}

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, last))
}

const fn tls(last: u8, port: u16) -> Destination {
    Destination {
        transport: ConnectionTransport::Tls,
        addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, last)), port),
    }
}

/// A table with rows (local, destination, identities, handle).
fn table(rows: &[(&str, Destination, &[&str], u32)]) -> ReuseTable<u32> {
    let mut t = ReuseTable::new();
    for &(local, dest, ids, fd) in rows {
        t.insert_outbound(dn(local), dest, ids.iter().map(|s| dn(s)).collect(), fd)
            .unwrap();
    }
    t
}

/// Lookup rows: (id, table rows, local, destination, AUS host, expected).
type LookupRow = (
    &'static str,
    &'static [(&'static str, Destination, &'static [&'static str], u32)],
    &'static str,
    Destination,
    &'static str,
    Result<u32, NoReuse>,
);

const P2: &str = "p2.example.com";
const ROW_C1: Destination = Destination {
    transport: ConnectionTransport::Tls,
    addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 128)), 5061),
};
const C129: Destination = Destination {
    transport: ConnectionTransport::Tls,
    addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 129)), 5061),
};
const SRV_ROW: Destination = Destination {
    transport: ConnectionTransport::Tls,
    addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)), 5061),
};
const TCP_ROW: Destination = Destination {
    transport: ConnectionTransport::Tcp,
    addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 128)), 5061),
};

const LOOKUPS: &[LookupRow] = &[
    (
        "C1 same tuple, AUS host sip:bob@example.net matches",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        ROW_C1,
        "example.net",
        Ok(25),
    ),
    (
        "C1 identity match is RFC 5922 (case-insensitive via DomainName)",
        &[(P2, ROW_C1, &["EXAMPLE.NET"], 25)],
        P2,
        ROW_C1,
        "Example.Net",
        Ok(25),
    ),
    (
        "C2 sips:carol@example.org to the same tuple",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        ROW_C1,
        "example.org",
        Err(NoReuse::IdentityMismatch),
    ),
    (
        "C2' subdomain of the identity is not a match",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        ROW_C1,
        "sip.example.net",
        Err(NoReuse::IdentityMismatch),
    ),
    (
        "C3 sip:bob@example.net resolving to 192.0.2.129",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        C129,
        "example.net",
        Err(NoReuse::NoConnection),
    ),
    (
        "C3' same IP, other port",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        tls(128, 5062),
        "example.net",
        Err(NoReuse::NoConnection),
    ),
    (
        "C3'' same IP and port over TLS-SCTP",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        Destination {
            transport: ConnectionTransport::TlsSctp,
            addr: ROW_C1.addr,
        },
        "example.net",
        Err(NoReuse::NoConnection),
    ),
    (
        "C6' lookup over plain TCP never reuses",
        &[(P2, ROW_C1, &["example.net"], 25)],
        P2,
        TCP_ROW,
        "example.net",
        Err(NoReuse::NotTls),
    ),
    (
        "C8 server row {example.com}; new request to sips:example.net at the same tuple",
        &[("p2.example.org", SRV_ROW, &["example.com"], 7)],
        "p2.example.org",
        SRV_ROW,
        "example.net",
        Err(NoReuse::IdentityMismatch),
    ),
    (
        "C8' after opening a second connection for example.net, both coexist",
        &[
            ("p2.example.org", SRV_ROW, &["example.com"], 7),
            ("p2.example.org", SRV_ROW, &["example.net"], 54),
        ],
        "p2.example.org",
        SRV_ROW,
        "example.com",
        Ok(7),
    ),
    (
        "C9 connection opened on behalf of example.com; request for example.net",
        &[("example.com", ROW_C1, &["peer.example"], 3)],
        "example.net",
        ROW_C1,
        "peer.example",
        Err(NoReuse::NoConnection),
    ),
    (
        "C9' the same request on behalf of example.com reuses",
        &[("example.com", ROW_C1, &["peer.example"], 3)],
        "example.com",
        ROW_C1,
        "peer.example",
        Ok(3),
    ),
];

#[test]
fn lookups_c1_c2_c3_c8_c9() {
    for (id, rows, local, dest, aus, expected) in LOOKUPS {
        let t = table(rows);
        let got = match t.lookup(&dn(local), dest, &dn(aus)) {
            Decision::Reuse(c) => Ok(*c),
            Decision::OpenNew(why) => Err(why),
        };
        assert_eq!(
            got, *expected,
            "{id}: rows={rows:?} local={local} destination={dest} aus_host={aus}"
        );
    }
}

fn san(d: &str) -> Identity {
    Identity::new(IdentityName::Domain(dn(d)), IdentitySource::SanUri)
}

fn cn(d: &str) -> Identity {
    Identity::new(IdentityName::Domain(dn(d)), IdentitySource::Cn)
}

/// (id, incoming request, expected row destination and identities or refusal)
type AliasRow<'a> = (
    &'static str,
    IncomingAlias<'a>,
    Result<(Destination, &'static [&'static str]), Refusal>,
);

fn check_alias_row((id, alias, expected): &AliasRow<'_>) {
    let local = dn("p2.example.org");
    let mut t = ReuseTable::new();
    let got = t.insert_alias(local.clone(), alias, 9u32);
    match expected {
        Ok((dest, ids)) => {
            assert_eq!(got, Ok(*dest), "{id}: {alias:?}");
            assert_eq!(t.len(), 1, "{id}: {alias:?}");
            for i in *ids {
                assert_eq!(
                    t.lookup(&local, dest, &dn(i)),
                    Decision::Reuse(&9),
                    "{id}: {alias:?}, identity {i}"
                );
            }
            assert_eq!(
                t.lookup(&local, dest, &dn("other.example")),
                Decision::OpenNew(NoReuse::IdentityMismatch),
                "{id}: {alias:?}: CN-derived or foreign identity must not match"
            );
        }
        Err(why) => {
            assert_eq!(got, Err(*why), "{id}: {alias:?}");
            assert!(t.is_empty(), "{id}: {alias:?}: table must stay unchanged");
        }
    }
}

/// An alias over TLS from 192.0.2.1 with a verified client certificate naming `ids`.
fn tls_alias(ids: &[Identity]) -> IncomingAlias<'_> {
    IncomingAlias {
        connection_transport: ConnectionTransport::Tls,
        via_transport: ConnectionTransport::Tls,
        source_ip: ip(1),
        sent_by_port: None,
        client_certificate: ClientCertificate::Verified(ids),
    }
}

/// Rows C4 to C7 and the R47 rows, in two tables.
#[test]
fn server_alias_rows_c4_c7() {
    alias_rows_c4_c6();
    alias_rows_c7_and_cn();
}

/// C4 to C6''': the transport and the client certificate.
fn alias_rows_c4_c6() {
    let san_ids = [san("example.com")];
    let base = tls_alias(&san_ids);
    let rows: &[AliasRow<'_>] = &[
        (
            "C4 Via TLS p1.example.com;alias, client cert {example.com}, source 192.0.2.1",
            base,
            Ok((tls(1, 5061), &["example.com"])),
        ),
        (
            "C5 no client certificate",
            IncomingAlias {
                client_certificate: ClientCertificate::Absent,
                ..base
            },
            Err(Refusal::NoClientCertificate),
        ),
        (
            "C6 over plain TCP",
            IncomingAlias {
                connection_transport: ConnectionTransport::Tcp,
                via_transport: ConnectionTransport::Tcp,
                ..base
            },
            Err(Refusal::NotTls),
        ),
        (
            "C6' Via says TLS but the connection is plain TCP",
            IncomingAlias {
                connection_transport: ConnectionTransport::Tcp,
                ..base
            },
            Err(Refusal::NotTls),
        ),
        (
            "C6'' Via says TCP on a TLS connection",
            IncomingAlias {
                via_transport: ConnectionTransport::Tcp,
                ..base
            },
            Err(Refusal::TransportMismatch),
        ),
        (
            "C6''' WSS is not an RFC 5923 transport",
            IncomingAlias {
                connection_transport: ConnectionTransport::Wss,
                via_transport: ConnectionTransport::Wss,
                ..base
            },
            Err(Refusal::NotTls),
        ),
    ];
    for row in rows {
        check_alias_row(row);
    }
}

/// C7 and R47: the sent-by port and CN-derived identities.
fn alias_rows_c7_and_cn() {
    let san_ids = [san("example.com")];
    let cn_ids = [cn("example.com")];
    let mixed = [san("example.com"), cn("other.example")];
    let base = tls_alias(&san_ids);
    let rows: &[AliasRow<'_>] = &[
        (
            "C7 sent-by p1.example.com:5071",
            IncomingAlias {
                sent_by_port: Some(5071),
                ..base
            },
            Ok((tls(1, 5071), &["example.com"])),
        ),
        (
            "R47 CN-only client certificate gives no row",
            IncomingAlias {
                client_certificate: ClientCertificate::Verified(&cn_ids),
                ..base
            },
            Err(Refusal::NoSanIdentity),
        ),
        (
            "R47 CN-derived identities are not cached",
            IncomingAlias {
                client_certificate: ClientCertificate::Verified(&mixed),
                ..base
            },
            Ok((tls(1, 5061), &["example.com"])),
        ),
    ];
    for row in rows {
        check_alias_row(row);
    }
}

#[test]
fn outbound_refusals() {
    let mut t = ReuseTable::new();
    assert_eq!(
        t.insert_outbound(dn(P2), TCP_ROW, vec![dn("example.net")], 1u32),
        Err(Refusal::NotTls),
        "R43 outbound over TCP"
    );
    assert_eq!(
        t.insert_outbound(dn(P2), ROW_C1, Vec::new(), 1u32),
        Err(Refusal::NotAuthenticated),
        "R44 no authenticated identity"
    );
    assert!(t.is_empty());
}

#[test]
fn closed_connection_is_replaced_c10() {
    let local = dn(P2);
    let aus = dn("example.net");
    let mut t = table(&[(P2, ROW_C1, &["example.net"], 25)]);
    assert_eq!(
        t.lookup(&local, &ROW_C1, &aus),
        Decision::Reuse(&25),
        "C10 before"
    );
    // The peer closes fd 25.
    assert_eq!(t.remove_connections(|&fd| fd == 25), 1, "C10 remove");
    assert_eq!(
        t.lookup(&local, &ROW_C1, &aus),
        Decision::OpenNew(NoReuse::NoConnection),
        "C10 after close: open new"
    );
    t.insert_outbound(local.clone(), ROW_C1, vec![aus.clone()], 31)
        .unwrap();
    assert_eq!(
        t.lookup(&local, &ROW_C1, &aus),
        Decision::Reuse(&31),
        "C10 new row"
    );
    // A newer connection for the same peer identity replaces the old row.
    t.insert_outbound(local.clone(), ROW_C1, vec![aus.clone()], 32)
        .unwrap();
    assert_eq!(t.len(), 1, "C10 replace, not accumulate");
    assert_eq!(
        t.lookup(&local, &ROW_C1, &aus),
        Decision::Reuse(&32),
        "C10 replaced"
    );
}

#[test]
fn via_transport_tokens() {
    for (token, expected) in [
        ("TLS", Some(ConnectionTransport::Tls)),
        ("tls", Some(ConnectionTransport::Tls)),
        ("TLS-SCTP", Some(ConnectionTransport::TlsSctp)),
        ("tcp", Some(ConnectionTransport::Tcp)),
        ("UDP", Some(ConnectionTransport::Udp)),
        ("WSS", Some(ConnectionTransport::Wss)),
        ("DTLS", None),
        ("", None),
    ] {
        assert_eq!(
            ConnectionTransport::from_via(token),
            expected,
            "from_via({token:?})"
        );
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const NAMES: &[&str] = &["a.example", "b.example", "c.example"];

    fn name() -> impl Strategy<Value = DomainName> {
        prop::sample::select(NAMES).prop_map(dn)
    }

    fn destination() -> impl Strategy<Value = Destination> {
        (
            prop::sample::select(
                &[
                    ConnectionTransport::Tls,
                    ConnectionTransport::TlsSctp,
                    ConnectionTransport::Tcp,
                ][..],
            ),
            1u8..3,
            prop::sample::select(&[5061u16, 5071][..]),
        )
            .prop_map(|(t, last, port)| Destination::new(t, ip(last), port))
    }

    proptest! {
        /// Whatever was inserted, a reused connection was opened for the same local
        /// domain, to the same destination, over TLS, and authenticated the AUS host.
        #[test]
        fn reuse_implies_tuple_and_identity_match(
            rows in prop::collection::vec(
                (name(), destination(), prop::collection::vec(name(), 0..3)), 0..8),
            local in name(),
            dest in destination(),
            aus in name(),
        ) {
            let mut t = ReuseTable::new();
            for (i, (l, d, ids)) in rows.iter().enumerate() {
                let _ = t.insert_outbound(l.clone(), *d, ids.clone(), (i, l.clone(), *d, ids.clone()));
            }
            if let Decision::Reuse((_, l, d, ids)) = t.lookup(&local, &dest, &aus) {
                prop_assert_eq!(l, &local);
                prop_assert_eq!(d, &dest);
                prop_assert!(d.transport.allows_reuse());
                prop_assert!(ids.contains(&aus), "{:?} lacks {}", ids, aus);
            }
        }
    }
}
