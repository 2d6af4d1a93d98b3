//! RFC 5923 connection reuse: "may this connection carry a new request for this AUS?"
//!
//! RFC 5923 lets the two ends of an authenticated TLS connection send new requests over it in
//! both directions (the `alias` Via parameter). Reusing by address alone is the classic bug
//! (OpenSIPS #1651, Kamailio #2760): a connection authenticated for `example.com` must not
//! carry a request for `example.net` just because both resolve to the same address.
//!
//! [`ReuseTable`] keeps the alias table of RFC 5923 §5, one row per connection:
//! `{local domain, transport, IP, port, identities, handle}`. It is generic over the
//! connection handle `C` (a file descriptor, an `Arc` of a connection, an id).
//!
//! - A row answers a lookup only if the RFC 3263 result of the new target equals the row's
//!   {transport, IP, port} **and** the host of the AUS matches one of the row's identities
//!   (RFC 5922 §7.2 comparison, i.e. [`DomainName`] equality) — §8.1, §8.2, §9.3.
//! - Only TLS connections (TLS over TCP or SCTP) are ever reused — §9.3.
//! - Rows are kept per **local** domain, the hosted domain on whose behalf the connection was
//!   opened or accepted; a lookup for another hosted domain never sees them — §9.3.
//! - Server-side alias rows need a client certificate, and only its subjectAltName-derived
//!   identities are cached ("as they appear in the X.509 certificate subjectAltName", §8.2):
//!   a CN-only client certificate gives no row. The port is the Via sent-by port, else 5061.
//! - A connection that is gone is removed ([`ReuseTable::remove_connections`]) and the new
//!   one inserted; an insert also replaces older rows for the same peer identity — §8.1, §8.2.
//!
//! An IP-literal AUS has no [`DomainName`], so it never reuses a connection.
//!
//! ```
//! use std::net::{IpAddr, Ipv4Addr};
//! use sipcert::reuse::{Decision, Destination, ReuseTable, ConnectionTransport};
//! use sipcert::DomainName;
//!
//! let local = DomainName::from_ascii("example.com")?;
//! let peer = Destination::new(ConnectionTransport::Tls, IpAddr::V4(Ipv4Addr::new(192, 0, 2, 128)), 5061);
//! let mut table = ReuseTable::new();
//! // After RFC 5922 authentication of the server as example.net:
//! table.insert_outbound(local.clone(), peer, vec![DomainName::from_ascii("example.net")?], 25)?;
//! let aus_host = DomainName::from_ascii("example.net")?;
//! assert!(matches!(table.lookup(&local, &peer, &aus_host), Decision::Reuse(&25)));
//! let other = DomainName::from_ascii("example.org")?;
//! assert!(matches!(table.lookup(&local, &peer, &other), Decision::OpenNew(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::fmt;
use std::net::{IpAddr, SocketAddr};

use crate::{DomainName, Identity, IdentitySource};

/// The default port of SIP over TLS (RFC 3261 §19.1.2), used when the Via has no port.
pub const DEFAULT_TLS_PORT: u16 = 5061;

/// A SIP transport, as in the Via `sent-protocol` or the RFC 3263 result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionTransport {
    /// TLS over TCP (`TLS`).
    Tls,
    /// TLS over SCTP (`TLS-SCTP`, RFC 4168).
    TlsSctp,
    /// Plain TCP.
    Tcp,
    /// Plain SCTP.
    Sctp,
    /// UDP.
    Udp,
    /// WebSocket (RFC 7118).
    Ws,
    /// Secure WebSocket (RFC 7118); not a transport RFC 5923 covers.
    Wss,
}

impl ConnectionTransport {
    /// Parses a Via transport token (case-insensitive), `None` for an unknown one.
    pub fn from_via(token: &str) -> Option<Self> {
        const TABLE: &[(&str, ConnectionTransport)] = &[
            ("TLS", ConnectionTransport::Tls),
            ("TLS-SCTP", ConnectionTransport::TlsSctp),
            ("TCP", ConnectionTransport::Tcp),
            ("SCTP", ConnectionTransport::Sctp),
            ("UDP", ConnectionTransport::Udp),
            ("WS", ConnectionTransport::Ws),
            ("WSS", ConnectionTransport::Wss),
        ];
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(token))
            .map(|&(_, t)| t)
    }

    /// Whether RFC 5923 allows reuse over this transport: TLS over TCP or SCTP only (§9.3).
    pub fn allows_reuse(self) -> bool {
        match self {
            Self::Tls | Self::TlsSctp => true,
            Self::Tcp | Self::Sctp | Self::Udp | Self::Ws | Self::Wss => false,
        }
    }
}

/// A resolved next hop: the {transport, IP, port} tuple of RFC 5923 §5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Destination {
    /// The transport.
    pub transport: ConnectionTransport,
    /// IP address and port.
    pub addr: SocketAddr,
}

impl Destination {
    /// A destination from its parts.
    pub fn new(transport: ConnectionTransport, ip: IpAddr, port: u16) -> Self {
        Self {
            transport,
            addr: SocketAddr::new(ip, port),
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:?}", self.addr, self.transport)
    }
}

/// What the TLS layer established about the client of an incoming connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientCertificate<'a> {
    /// No client certificate was presented: the client is not authenticated (RFC 5922 §7.4).
    Absent,
    /// A client certificate was presented, its chain validated, and these identities were
    /// extracted from it by the RFC 5922 §7.1 procedure
    /// ([`PeerAuthentication::identities`](crate::verifier::PeerAuthentication::identities)).
    Verified(&'a [Identity]),
}

/// A request carrying `alias` in its topmost Via, as the server received it (RFC 5923 §8.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncomingAlias<'a> {
    /// The transport of the connection the request arrived on.
    pub connection_transport: ConnectionTransport,
    /// The transport in the topmost Via.
    pub via_transport: ConnectionTransport,
    /// The source address of the connection (the Via `received` value).
    pub source_ip: IpAddr,
    /// The Via sent-by port, if the Via has one.
    pub sent_by_port: Option<u16>,
    /// The client certificate situation of the connection.
    pub client_certificate: ClientCertificate<'a>,
}

/// Why no row was created. The request is then processed as if `alias` were absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The connection is not TLS (RFC 5923 §9.3).
    #[error("connection reuse is only allowed over TLS (RFC 5923 §9.3)")]
    NotTls,
    /// The Via transport differs from the connection's transport.
    #[error("the Via transport differs from the connection's transport")]
    TransportMismatch,
    /// The client presented no certificate (RFC 5923 §9.2: MUST NOT update the table).
    #[error("no client certificate: the alias is ignored (RFC 5923 §9.2)")]
    NoClientCertificate,
    /// The peer has no subjectAltName-derived SIP identity (RFC 5923 §8.2), e.g. a CN-only
    /// certificate.
    #[error("the peer certificate has no subjectAltName SIP identity (RFC 5923 §8.2)")]
    NoSanIdentity,
    /// The outbound connection was not authenticated with any identity (RFC 5923 §8.1).
    #[error("the server was not authenticated with any SIP identity (RFC 5923 §8.1)")]
    NotAuthenticated,
}

impl Refusal {
    /// A stable kebab-case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotTls => "reuse-not-tls",
            Self::TransportMismatch => "reuse-transport-mismatch",
            Self::NoClientCertificate => "reuse-no-client-certificate",
            Self::NoSanIdentity => "reuse-no-san-identity",
            Self::NotAuthenticated => "reuse-not-authenticated",
        }
    }
}

/// Why a lookup found no connection to reuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NoReuse {
    /// The destination's transport is not TLS.
    NotTls,
    /// No connection to this destination for this local domain.
    NoConnection,
    /// Connections to this destination exist, but none is authenticated for the AUS host
    /// (the RFC 5923 §9.3 virtual-server case).
    IdentityMismatch,
}

/// The answer of [`ReuseTable::lookup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Decision<'a, C> {
    /// Send the request over this connection.
    Reuse(&'a C),
    /// Open a new connection to the resolved destination (and insert it once authenticated).
    OpenNew(NoReuse),
}

#[derive(Debug, Clone)]
struct Row<C> {
    local: DomainName,
    destination: Destination,
    identities: Vec<DomainName>,
    connection: C,
}

/// The RFC 5923 alias table; see the [module documentation](self).
#[derive(Debug, Clone)]
pub struct ReuseTable<C> {
    rows: Vec<Row<C>>,
}

impl<C> Default for ReuseTable<C> {
    fn default() -> Self {
        Self { rows: Vec::new() }
    }
}

impl<C> ReuseTable<C> {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a connection this side opened on behalf of `local` to `destination` (the
    /// RFC 3263 result), after the server was authenticated as `server_identities` (RFC 5922
    /// §7.3, §7.1 identity set) — RFC 5923 §8.1.
    ///
    /// Older rows of the same local domain to the same destination sharing an identity are
    /// replaced (the old connection is superseded).
    pub fn insert_outbound(
        &mut self,
        local: DomainName,
        destination: Destination,
        server_identities: Vec<DomainName>,
        connection: C,
    ) -> Result<(), Refusal> {
        if !destination.transport.allows_reuse() {
            return Err(Refusal::NotTls);
        }
        if server_identities.is_empty() {
            return Err(Refusal::NotAuthenticated);
        }
        self.insert_row(Row {
            local,
            destination,
            identities: server_identities,
            connection,
        });
        Ok(())
    }

    /// Handles an incoming request with `alias` in its topmost Via on a connection accepted
    /// on behalf of `local` — RFC 5923 §8.2, §9.2. On success the row's destination is
    /// returned: the source IP, the Via sent-by port or 5061, and the Via transport.
    ///
    /// On `Err` the table is unchanged and the request must be processed as if `alias` were
    /// absent.
    pub fn insert_alias(
        &mut self,
        local: DomainName,
        alias: &IncomingAlias<'_>,
        connection: C,
    ) -> Result<Destination, Refusal> {
        if !alias.connection_transport.allows_reuse() {
            return Err(Refusal::NotTls);
        }
        if alias.via_transport != alias.connection_transport {
            return Err(Refusal::TransportMismatch);
        }
        let identities: Vec<DomainName> = match alias.client_certificate {
            ClientCertificate::Absent => return Err(Refusal::NoClientCertificate),
            // Only subjectAltName-derived domain identities (RFC 5923 §8.2); listed, not `_`,
            // so a new source must be looked at before it can create a row.
            ClientCertificate::Verified(ids) => ids
                .iter()
                .filter(|id| match id.source() {
                    IdentitySource::SanUri | IdentitySource::SanDns => true,
                    IdentitySource::SanIp | IdentitySource::Cn => false,
                })
                .filter_map(|id| id.domain().cloned())
                .collect(),
        };
        if identities.is_empty() {
            return Err(Refusal::NoSanIdentity);
        }
        let destination = Destination::new(
            alias.via_transport,
            alias.source_ip,
            alias.sent_by_port.unwrap_or(DEFAULT_TLS_PORT),
        );
        self.insert_row(Row {
            local,
            destination,
            identities,
            connection,
        });
        Ok(destination)
    }

    fn insert_row(&mut self, row: Row<C>) {
        self.rows.retain(|old| {
            !(old.local == row.local
                && old.destination == row.destination
                && old.identities.iter().any(|i| row.identities.contains(i)))
        });
        self.rows.push(row);
    }

    /// May a new request on behalf of `local`, whose AUS host is `aus_host` and whose RFC
    /// 3263 result is `destination`, reuse a connection? The most recently inserted
    /// matching row wins.
    pub fn lookup(
        &self,
        local: &DomainName,
        destination: &Destination,
        aus_host: &DomainName,
    ) -> Decision<'_, C> {
        if !destination.transport.allows_reuse() {
            return Decision::OpenNew(NoReuse::NotTls);
        }
        let mut same_destination = false;
        for row in self.rows.iter().rev() {
            if &row.local != local || &row.destination != destination {
                continue;
            }
            same_destination = true;
            if row.identities.iter().any(|id| id == aus_host) {
                return Decision::Reuse(&row.connection);
            }
        }
        Decision::OpenNew(if same_destination {
            NoReuse::IdentityMismatch
        } else {
            NoReuse::NoConnection
        })
    }

    /// Removes every row whose connection satisfies `is_gone` (closed by the peer, failed),
    /// returning how many were removed — RFC 5923 §8.1, §8.2 ("be prepared for the connection
    /// to have vanished").
    pub fn remove_connections(&mut self, mut is_gone: impl FnMut(&C) -> bool) -> usize {
        let before = self.rows.len();
        self.rows.retain(|row| !is_gone(&row.connection));
        before - self.rows.len()
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IdentityName;
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

    #[test]
    fn server_alias_rows_c4_c7() {
        let san_ids = [san("example.com")];
        let cn_ids = [cn("example.com")];
        let mixed = [san("example.com"), cn("other.example")];
        let base = IncomingAlias {
            connection_transport: ConnectionTransport::Tls,
            via_transport: ConnectionTransport::Tls,
            source_ip: ip(1),
            sent_by_port: None,
            client_certificate: ClientCertificate::Verified(&san_ids),
        };
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
}
