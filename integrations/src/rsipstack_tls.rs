//! rsipstack 0.7: sipcert decides through the `platform::tls` client-connector seam.
//!
//! `rsipstack::transport::tls::TlsConnection::connect` (src/transport/tls.rs) hands every
//! outbound TLS dial to the connector registered with
//! `rsipstack::platform::tls::set_client_connector`, with `TlsClientConfig::server_name` =
//! the Request-URI (or outbound proxy) host captured **before** DNS resolution
//! (`TransportLayerInner::lookup`, src/transport/transport_layer.rs): the SIP domain, which is
//! what RFC 5922 §7.3 compares. [`SipcertConnector`] is that connector: TCP dial, then a
//! rustls handshake whose verifier is sipcert's, SNI = the SIP domain.
//!
//! rsipstack itself reuses connections by resolved address only (its `lookup` returns any
//! cached connection to the same `ip:port`), so a request for `other.test` rides a
//! connection authenticated for `example.test` when both resolve to one address.
//! [`ReuseDialer`] is the application-side fix: it picks the connection with
//! [`ReuseTable`] (RFC 5923 §8.1, §9.3) and hands it to the transaction explicitly.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use rsipstack::platform::tls::{TlsClientConfig, TlsConnector, TlsStream};
use rsipstack::sip::{Host, Method, SipMessage, StatusCode, Transport};
use rsipstack::transaction::endpoint::EndpointInnerRef;
use rsipstack::transaction::key::{TransactionKey, TransactionRole};
use rsipstack::transaction::{make_tag, Transaction};
use rsipstack::transport::tls::{TlsConfig, TlsConnection};
use rsipstack::transport::transport_layer::DomainResolver;
use rsipstack::transport::{SipAddr, SipConnection};
use rsipstack::Error;
use rustls_pki_types::ServerName;
use sipcert::reuse::{ConnectionTransport, Decision, Destination, NoReuse, ReuseTable};
use sipcert::verifier::rejection;
use sipcert::{extract_identities, DomainName, Policy};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream as ClientTls;

use crate::verdicts::Verdicts;

/// The outbound TLS connector for rsipstack, deciding with sipcert.
///
/// Register it once at startup with [`SipcertConnector::install`]. The rsipstack
/// `TlsConfig` trust settings (`ca_certs`, client certificate) are not used: trust and
/// policy are those of the rustls configuration given here.
pub struct SipcertConnector {
    tls: tokio_rustls::TlsConnector,
    verdicts: Arc<Verdicts>,
    /// Server identities (RFC 5922 §7.1) of each connection opened, by local address.
    peers: Mutex<HashMap<SocketAddr, Vec<DomainName>>>,
    dials: AtomicUsize,
}

impl fmt::Debug for SipcertConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SipcertConnector").finish_non_exhaustive()
    }
}

impl SipcertConnector {
    /// A connector using `config` (whose verifier should be sipcert's, e.g. from
    /// [`crate::verdicts::recording_client_config`]); `verdicts` is where that verifier
    /// records refusals.
    pub fn new(config: Arc<rustls::ClientConfig>, verdicts: Arc<Verdicts>) -> Arc<Self> {
        Arc::new(Self {
            tls: tokio_rustls::TlsConnector::from(config),
            verdicts,
            peers: Mutex::new(HashMap::new()),
            dials: AtomicUsize::new(0),
        })
    }

    /// Registers this connector process-wide (`rsipstack::platform::tls::set_client_connector`):
    /// every SIPS dial of every rsipstack endpoint in the process goes through it.
    pub fn install(self: &Arc<Self>) {
        rsipstack::platform::tls::set_client_connector(self.clone());
    }

    /// The refusals recorded by the verifier.
    pub fn verdicts(&self) -> &Arc<Verdicts> {
        &self.verdicts
    }

    /// How many TLS connections were attempted through this connector.
    pub fn dials(&self) -> usize {
        self.dials.load(Ordering::Relaxed)
    }

    /// The SIP domains the server of the connection whose local end is `local` was
    /// authenticated with (empty when unknown).
    pub fn server_identities(&self, local: SocketAddr) -> Vec<DomainName> {
        self.peers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&local)
            .cloned()
            .unwrap_or_default()
    }
}

#[async_trait]
impl TlsConnector for SipcertConnector {
    async fn connect(
        &self,
        config: &TlsClientConfig,
        addr: SocketAddr,
    ) -> rsipstack::Result<Box<dyn TlsStream>> {
        let server_name = ServerName::try_from(config.server_name.clone()).map_err(|e| {
            Error::Error(format!(
                "TLS: {:?} is not a server name: {e}",
                config.server_name
            ))
        })?;
        self.dials.fetch_add(1, Ordering::Relaxed);
        let tcp = TcpStream::connect(addr).await?;
        let local = tcp.local_addr()?;
        let tls = self.tls.connect(server_name, tcp).await.map_err(|e| {
            // tokio-rustls wraps the rustls error in the io::Error.
            let verdict = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .and_then(rejection);
            Error::Error(match verdict {
                Some(r) => format!(
                    "TLS to {} at {addr} refused by sipcert: {} [reasons: {}] [hints: {}]",
                    config.server_name,
                    r.reasons().first().map_or("", |x| x.message()),
                    r.reasons()
                        .iter()
                        .map(|x| x.code().code())
                        .collect::<Vec<_>>()
                        .join(","),
                    r.hints()
                        .iter()
                        .map(|h| h.code().code())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                None => format!("TLS to {} at {addr} failed: {e}", config.server_name),
            })
        })?;
        let identities = tls
            .get_ref()
            .1
            .peer_certificates()
            .and_then(<[_]>::first)
            .and_then(|leaf| extract_identities(leaf, &Policy::default()).ok())
            .map(|ids| {
                ids.identities()
                    .iter()
                    .filter_map(|i| i.domain().cloned())
                    .collect()
            })
            .unwrap_or_default();
        self.peers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(local, identities);
        let (read, write) = tokio::io::split(tls);
        Ok(Box::new(Stream {
            read: tokio::sync::Mutex::new(read),
            write: tokio::sync::Mutex::new(write),
            local,
        }))
    }
}

/// An established session, as rsipstack's seam wants it.
struct Stream {
    read: tokio::sync::Mutex<ReadHalf<ClientTls<TcpStream>>>,
    write: tokio::sync::Mutex<WriteHalf<ClientTls<TcpStream>>>,
    local: SocketAddr,
}

#[async_trait]
impl TlsStream for Stream {
    async fn recv(&self) -> rsipstack::Result<Vec<u8>> {
        let mut buf = vec![0u8; 16 * 1024];
        let n = self.read.lock().await.read(&mut buf).await?;
        buf.truncate(n); // empty: the peer closed
        Ok(buf)
    }

    async fn send_all(&self, data: Vec<u8>) -> rsipstack::Result<()> {
        let mut write = self.write.lock().await;
        write.write_all(&data).await?;
        write.flush().await?;
        Ok(())
    }

    async fn shutdown(&self) -> rsipstack::Result<()> {
        self.write.lock().await.shutdown().await?;
        Ok(())
    }

    fn local_addr(&self) -> rsipstack::Result<SocketAddr> {
        Ok(self.local)
    }
}

/// A DNS stand-in: fixed domain → address entries (tests, examples on loopback). The port
/// and transport of the target are kept.
#[derive(Debug, Clone, Default)]
pub struct StaticResolver {
    hosts: HashMap<String, IpAddr>,
}

impl StaticResolver {
    /// No entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `domain` → `ip`.
    #[must_use]
    pub fn with(mut self, domain: &str, ip: IpAddr) -> Self {
        self.hosts.insert(domain.to_ascii_lowercase(), ip);
        self
    }

    /// The address of `domain`, if listed.
    pub fn address(&self, domain: &str) -> Option<IpAddr> {
        self.hosts.get(&domain.to_ascii_lowercase()).copied()
    }
}

#[async_trait]
impl DomainResolver for StaticResolver {
    async fn resolve(&self, target: &SipAddr) -> rsipstack::Result<SipAddr> {
        match &target.addr.host {
            Host::IpAddr(_) => Ok(target.clone()),
            Host::Domain(domain) => {
                let ip = self.address(&domain.to_string()).ok_or_else(|| {
                    Error::DnsResolutionError(format!("{domain} is not in the static table"))
                })?;
                let mut resolved = target.clone();
                resolved.addr.host = Host::IpAddr(ip);
                Ok(resolved)
            }
        }
    }
}

/// How [`ReuseDialer::connection_for`] got its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialed {
    /// An existing connection authenticated for the AUS host (RFC 5923 §9.3).
    Reused,
    /// A new connection (and why none could be reused).
    Opened(NoReuse),
}

/// Connection choice by RFC 5923 rules instead of rsipstack's by-address cache.
pub struct ReuseDialer {
    local: DomainName,
    connector: Arc<SipcertConnector>,
    table: Mutex<ReuseTable<SipConnection>>,
}

impl fmt::Debug for ReuseDialer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReuseDialer")
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

impl ReuseDialer {
    /// Connections opened on behalf of the hosted domain `local`, through `connector` (which
    /// must be the installed one: it knows the identities of the servers it authenticated).
    pub fn new(local: DomainName, connector: Arc<SipcertConnector>) -> Self {
        Self {
            local,
            connector,
            table: Mutex::new(ReuseTable::new()),
        }
    }

    /// A TLS connection for a request whose AUS host is `aus_host`, resolved to `addr`: a
    /// connection authenticated for that host if there is one, else a new one (through the
    /// installed connector, so sipcert decides; the handshake error is returned on refusal).
    /// A new connection is registered with the endpoint's transport layer (which reads its
    /// responses) and in the reuse table.
    pub async fn connection_for(
        &self,
        endpoint: &EndpointInnerRef,
        aus_host: &str,
        addr: SocketAddr,
    ) -> rsipstack::Result<(SipConnection, Dialed)> {
        let host = DomainName::from_ascii(aus_host)
            .map_err(|e| Error::Error(format!("AUS host {aus_host:?}: {e}")))?;
        let destination = Destination::new(ConnectionTransport::Tls, addr.ip(), addr.port());
        let why = {
            let table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
            match table.lookup(&self.local, &destination, &host) {
                Decision::Reuse(connection) => return Ok((connection.clone(), Dialed::Reused)),
                Decision::OpenNew(why) => why,
            }
        };
        let target = SipAddr::new(Transport::Tls, addr.into());
        let tls_config = TlsConfig {
            sni_hostname: Some(aus_host.to_owned()),
            ..TlsConfig::default()
        };
        let connection = SipConnection::Tls(
            TlsConnection::connect(&target, Some(&tls_config), None, None).await?,
        );
        endpoint.transport_layer.add_connection(connection.clone());
        let local = connection.get_addr().get_socketaddr()?;
        let identities = self.connector.server_identities(local);
        // A connection whose server has no SIP domain identity is used once, never reused.
        let _ = self
            .table
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert_outbound(
                self.local.clone(),
                destination,
                identities,
                connection.clone(),
            );
        Ok((connection, Dialed::Opened(why)))
    }
}

/// A final response to a request sent by [`send_request`].
pub type Final = rsipstack::sip::Response;

/// Builds an OPTIONS or REGISTER for `aus` (a `sips:` URI) from `from` (a SIP URI), with a
/// Via for the connection `via` (the local address of the connection it will be sent on).
#[allow(clippy::result_large_err)] // rsipstack's own error type, as the stack returns it
pub fn request(
    endpoint: &EndpointInnerRef,
    method: Method,
    aus: &str,
    from: &str,
    via: &SipAddr,
    cseq: u32,
) -> rsipstack::Result<rsipstack::sip::Request> {
    let aus_uri: rsipstack::sip::Uri = aus.try_into()?;
    let from_uri: rsipstack::sip::Uri = from.try_into()?;
    let via = endpoint.get_via(Some(via.clone()), None)?;
    let to_uri = if method == Method::Register {
        from_uri.clone()
    } else {
        aus_uri.clone()
    };
    let to = rsipstack::sip::typed::To {
        display_name: None,
        uri: to_uri,
        params: vec![],
    };
    let from = rsipstack::sip::typed::From {
        display_name: None,
        uri: from_uri,
        params: vec![],
    }
    .with_tag(make_tag());
    Ok(endpoint.make_request(method, aus_uri, via, from, to, cseq, None))
}

/// Sends `request` in a client transaction, over `connection` when given (else over what
/// rsipstack's own lookup picks), and waits for the final response.
pub async fn send_request(
    endpoint: &EndpointInnerRef,
    request: rsipstack::sip::Request,
    connection: Option<SipConnection>,
) -> rsipstack::Result<Final> {
    let key = TransactionKey::from_request(&request, TransactionRole::Client)?;
    let mut tx = Transaction::new_client(key.clone(), request, endpoint.clone(), connection);
    tx.send().await?;
    while let Some(message) = tx.receive().await {
        if let SipMessage::Response(response) = message {
            if response.status_code.code() >= 200 {
                return Ok(response);
            }
        }
    }
    Err(Error::TransactionError("no final response".to_owned(), key))
}

/// Whether a response is 200 OK.
pub fn is_ok(response: &Final) -> bool {
    response.status_code == StatusCode::OK
}
