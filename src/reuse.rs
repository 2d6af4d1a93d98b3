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

use crate::domain::DomainName;
use crate::identity::{Identity, IdentitySource};

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
mod tests;
