//! Minimal SIP over TLS for the interop examples and tests: an OPTIONS client verified by
//! `SipServerVerifier`, and an OPTIONS server authenticating its clients with
//! `SipClientVerifier`.
//!
//! Used by `examples/sip_tls_client.rs`, `examples/sip_tls_server.rs` and
//! `tests/interop.rs`; it is test support, not library API. The SIP side is deliberately
//! small but correct for stream transports: CRLF line endings, header folding, compact header
//! names, `Content-Length` framing (RFC 3261 §7, §18.3, §20.14).

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use sipcert::uri::SipUri;
use sipcert::verifier::{
    client_identities, server_name_for, AllowList, SipClientVerifier, SipServerVerifier,
};
use sipcert::{DomainName, Policy, Rejected};
use sipcert_testkit::{provider, rejected};

/// Largest SIP message accepted (headers + body).
const MAX_MESSAGE: usize = 64 * 1024;

// ---------------------------------------------------------------------------------------
// PEM files
// ---------------------------------------------------------------------------------------

/// Every certificate of a PEM file.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate", path.display()));
    }
    Ok(certs)
}

/// The first private key of a PEM file.
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A root store with every certificate of a PEM file.
pub fn load_roots(path: &Path) -> Result<Arc<RootCertStore>, String> {
    let mut roots = RootCertStore::empty();
    for cert in load_certs(path)? {
        roots
            .add(cert)
            .map_err(|e| format!("{}: not a trust anchor: {e}", path.display()))?;
    }
    Ok(Arc::new(roots))
}

// ---------------------------------------------------------------------------------------
// SIP messages
// ---------------------------------------------------------------------------------------

/// A parsed SIP message (request or response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipMessage {
    /// The request line or status line, without CRLF.
    pub start_line: String,
    /// Header fields in order, names as written, values unfolded and trimmed.
    pub headers: Vec<(String, String)>,
    /// The body (`Content-Length` bytes).
    pub body: Vec<u8>,
}

/// The long form of a compact header name (RFC 3261 §7.3.3), lower case.
fn long_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "v" => "via".into(),
        "f" => "from".into(),
        "t" => "to".into(),
        "i" => "call-id".into(),
        "l" => "content-length".into(),
        "m" => "contact".into(),
        "c" => "content-type".into(),
        "k" => "supported".into(),
        _ => lower,
    }
}

impl SipMessage {
    /// Every value of header `name` (case-insensitive, compact forms understood), in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        let want = long_name(name);
        self.headers
            .iter()
            .filter(|(n, _)| long_name(n) == want)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.all(name).into_iter().next()
    }

    /// The status code of a response.
    pub fn status_code(&self) -> Option<u16> {
        let rest = self.start_line.strip_prefix("SIP/2.0 ")?;
        let code = rest.get(..3)?;
        code.parse().ok().filter(|c| (100..700).contains(c))
    }

    /// The method of a request.
    pub fn method(&self) -> Option<&str> {
        if self.start_line.starts_with("SIP/2.0 ") {
            return None;
        }
        self.start_line.split(' ').next()
    }

    /// The Request-URI of a request.
    pub fn request_uri(&self) -> Option<&str> {
        self.method()?;
        self.start_line.split(' ').nth(1)
    }

    /// The wire form (CRLF line endings, `Content-Length` as stored in the headers).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + self.body.len());
        out.extend_from_slice(self.start_line.as_bytes());
        out.extend_from_slice(b"\r\n");
        for (n, v) in &self.headers {
            out.extend_from_slice(n.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(v.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }
}

impl fmt::Display for SipMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Parses one message from a datagram or a complete buffer.
pub fn parse_message(bytes: &[u8]) -> io::Result<SipMessage> {
    let mut reader = BufReader::new(bytes);
    read_message_framed(&mut reader, false)?.ok_or_else(|| bad("empty datagram"))
}

/// Reads one message from a stream (TLS or TCP): `Ok(None)` on a clean end of stream before
/// a message starts. Leading CRLFs (RFC 5626 keep-alives) are skipped. `Content-Length` is
/// mandatory on streams (RFC 3261 §18.3).
pub fn read_message(reader: &mut impl BufRead) -> io::Result<Option<SipMessage>> {
    read_message_framed(reader, true)
}

fn read_message_framed(reader: &mut impl BufRead, stream: bool) -> io::Result<Option<SipMessage>> {
    let mut total = 0usize;
    let mut line = String::new();
    // Start line, skipping keep-alive CRLFs.
    let start_line = loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        if n == 0 {
            return Ok(None);
        }
        total += n;
        if total > MAX_MESSAGE {
            return Err(bad("message too large"));
        }
        let trimmed = line.trim_end_matches(['\r', '\n']);
        if !trimmed.is_empty() {
            break trimmed.to_owned();
        }
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "end of stream inside the header",
            ));
        }
        total += n;
        if total > MAX_MESSAGE {
            return Err(bad("message too large"));
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            break;
        }
        if l.starts_with([' ', '\t']) {
            // Folded continuation line (RFC 3261 §7.3.1).
            let last = headers
                .last_mut()
                .ok_or_else(|| bad("continuation line before any header"))?;
            last.1.push(' ');
            last.1.push_str(l.trim());
            continue;
        }
        let (name, value) = l
            .split_once(':')
            .ok_or_else(|| bad(format!("header line without a colon: {l:?}")))?;
        let name = name.trim();
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(bad(format!("bad header name: {name:?}")));
        }
        headers.push((name.to_owned(), value.trim().to_owned()));
    }
    let mut msg = SipMessage {
        start_line,
        headers,
        body: Vec::new(),
    };
    match msg.header("content-length") {
        Some(v) => {
            let length = v
                .parse::<usize>()
                .map_err(|_| bad(format!("bad Content-Length: {v:?}")))?;
            if total + length > MAX_MESSAGE {
                return Err(bad("message too large"));
            }
            msg.body = vec![0; length];
            reader.read_exact(&mut msg.body)?;
        }
        None if stream => return Err(bad("Content-Length missing on a stream transport")),
        // A datagram without Content-Length: the body is the rest (RFC 3261 §18.3).
        None => {
            reader.read_to_end(&mut msg.body)?;
        }
    }
    Ok(Some(msg))
}

/// A fresh random token (hex), for branches, tags and Call-IDs.
pub fn token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("{:016x}", h.finish())
}

/// An OPTIONS request for `request_uri`, sent from `local` over `transport` (`TLS`, `UDP`).
pub fn options_request(request_uri: &str, transport: &str, local: SocketAddr) -> SipMessage {
    let call_id = format!("{}@sipcert.invalid", token());
    SipMessage {
        start_line: format!("OPTIONS {request_uri} SIP/2.0"),
        headers: vec![
            (
                "Via".into(),
                format!("SIP/2.0/{transport} {local};branch=z9hG4bK{}", token()),
            ),
            ("Max-Forwards".into(), "70".into()),
            (
                "From".into(),
                format!("<sip:sipcert@sipcert.invalid>;tag={}", token()),
            ),
            ("To".into(), format!("<{request_uri}>")),
            ("Call-ID".into(), call_id),
            ("CSeq".into(), "1 OPTIONS".into()),
            ("Accept".into(), "application/sdp".into()),
            ("User-Agent".into(), "sipcert-interop".into()),
            ("Content-Length".into(), "0".into()),
        ],
        body: Vec::new(),
    }
}

/// A response to `request` (RFC 3261 §8.2.6): Via, From, To (with a tag), Call-ID and CSeq
/// copied, no body.
pub fn response_to(request: &SipMessage, code: u16, reason: &str) -> SipMessage {
    let mut headers = Vec::new();
    for via in request.all("via") {
        headers.push(("Via".to_owned(), via.to_owned()));
    }
    if let Some(from) = request.header("from") {
        headers.push(("From".into(), from.to_owned()));
    }
    if let Some(to) = request.header("to") {
        let to = if has_tag(to) {
            to.to_owned()
        } else {
            format!("{to};tag={}", token())
        };
        headers.push(("To".into(), to));
    }
    for name in ["Call-ID", "CSeq"] {
        if let Some(v) = request.header(name) {
            headers.push((name.to_owned(), v.to_owned()));
        }
    }
    headers.push(("Server".into(), "sipcert-interop".into()));
    if code == 405 {
        headers.push(("Allow".into(), "OPTIONS".into()));
    }
    headers.push(("Content-Length".into(), "0".into()));
    SipMessage {
        start_line: format!("SIP/2.0 {code} {reason}"),
        headers,
        body: Vec::new(),
    }
}

/// Whether a To/From value carries a `tag` parameter (outside the `<...>` URI).
fn has_tag(value: &str) -> bool {
    let params = match value.rfind('>') {
        Some(i) => &value[i + 1..],
        None => value,
    };
    params
        .split(';')
        .skip(1)
        .any(|p| p.trim().to_ascii_lowercase().starts_with("tag="))
}

// ---------------------------------------------------------------------------------------
// Client: OPTIONS over TLS, SipServerVerifier deciding
// ---------------------------------------------------------------------------------------

/// A rustls client configuration whose server check is `SipServerVerifier` (RFC 5922), with
/// an optional client certificate for mutual TLS.
pub fn client_config(
    roots: Arc<RootCertStore>,
    client_cert: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<Arc<ClientConfig>, String> {
    let provider = provider();
    let verifier = SipServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| format!("verifier: {e}"))?;
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match client_cert {
        Some((chain, key)) => builder
            .with_client_auth_cert(chain, key)
            .map_err(|e| format!("client certificate: {e}"))?,
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// What an OPTIONS exchange produced.
#[derive(Debug)]
pub struct OptionsOutcome {
    /// The final response.
    pub response: SipMessage,
    /// The request that was sent.
    pub request: SipMessage,
    /// Negotiated TLS version and cipher suite, e.g. `TLSv1_3 TLS13_AES_256_GCM_SHA384`.
    pub tls: String,
}

/// Why an OPTIONS exchange failed.
#[derive(Debug)]
pub enum ClientError {
    /// Bad input (the AUS).
    Usage(String),
    /// The TCP connection failed.
    Connect(io::Error),
    /// The TLS handshake failed; a certificate rejection by sipcert is in here.
    Tls(rustls::Error),
    /// I/O after the handshake, or a malformed response.
    Io(io::Error),
}

impl ClientError {
    /// The sipcert verdict, when the server certificate was rejected for its identity.
    pub fn rejection(&self) -> Option<&Rejected> {
        match self {
            Self::Tls(e) => rejected(e),
            _ => None,
        }
    }
}

/// An I/O error from a rustls stream, with the sipcert verdict spelled out when a sipcert
/// verifier refused the peer's certificate.
pub fn describe_io_error(e: &io::Error) -> String {
    let tls = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match tls.map(|t| (t, rejected(t))) {
        Some((_, Some(rejected))) => format!("refused by sipcert: {rejected}"),
        Some((t, None)) => t.to_string(),
        None => e.to_string(),
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(m) => write!(f, "{m}"),
            Self::Connect(e) => write!(f, "TCP connect failed: {e}"),
            Self::Tls(e) => match rejected(e) {
                Some(r) => write!(f, "TLS handshake refused by sipcert: {r}"),
                None => write!(f, "TLS handshake failed: {e}"),
            },
            Self::Io(e) => write!(f, "SIP exchange failed: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

fn tls_error(e: io::Error) -> ClientError {
    let is_tls = e
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
    if is_tls {
        let inner = e.into_inner().expect("checked above");
        ClientError::Tls(
            inner
                .downcast::<rustls::Error>()
                .map(|b| *b)
                .expect("checked above"),
        )
    } else {
        ClientError::Io(e)
    }
}

/// Connects to `connect`, runs a TLS handshake with SNI = the SIP domain of `aus` (the
/// verifier checks the certificate against that domain, never against `connect`), sends
/// `OPTIONS <aus>` and returns the final response.
pub fn options_over_tls(
    config: Arc<ClientConfig>,
    aus: &str,
    connect: SocketAddr,
    timeout: Duration,
) -> Result<OptionsOutcome, ClientError> {
    let uri = SipUri::parse(aus).map_err(|e| ClientError::Usage(format!("AUS {aus:?}: {e}")))?;
    let server_name: ServerName<'static> =
        server_name_for(&uri).map_err(|e| ClientError::Usage(format!("AUS {aus:?}: {e}")))?;
    let tcp = TcpStream::connect_timeout(&connect, timeout).map_err(ClientError::Connect)?;
    tcp.set_read_timeout(Some(timeout))
        .map_err(ClientError::Connect)?;
    tcp.set_write_timeout(Some(timeout))
        .map_err(ClientError::Connect)?;
    let local = tcp.local_addr().map_err(ClientError::Connect)?;
    let mut conn = rustls::ClientConnection::new(config, server_name).map_err(ClientError::Tls)?;
    let mut tcp = tcp;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp).map_err(tls_error)?;
    }
    let tls = match (conn.protocol_version(), conn.negotiated_cipher_suite()) {
        (Some(v), Some(s)) => format!("{v:?} {:?}", s.suite()),
        _ => "TLS".to_owned(),
    };
    let mut stream = rustls::StreamOwned::new(conn, tcp);
    let request = options_request(aus, "TLS", local);
    stream.write_all(&request.to_bytes()).map_err(tls_error)?;
    stream.flush().map_err(tls_error)?;
    let mut reader = BufReader::new(stream);
    loop {
        let response = read_message(&mut reader)
            .map_err(tls_error)?
            .ok_or_else(|| {
                ClientError::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection without a final response",
                ))
            })?;
        match response.status_code() {
            Some(100..=199) => {}
            Some(_) => {
                return Ok(OptionsOutcome {
                    response,
                    request,
                    tls,
                })
            }
            None => return Err(ClientError::Io(bad("expected a response, got a request"))),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Server: answers OPTIONS, SipClientVerifier authenticating the client
// ---------------------------------------------------------------------------------------

/// What the example server reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerEvent {
    /// A TLS handshake failed (the client's certificate was refused, or not TLS at all).
    HandshakeFailed {
        /// The TCP peer.
        peer: SocketAddr,
        /// Why.
        error: String,
    },
    /// A request was answered.
    Request {
        /// The TCP peer.
        peer: SocketAddr,
        /// Request method.
        method: String,
        /// Request-URI.
        request_uri: String,
        /// The client's SIP domain identities (empty: no client certificate).
        identities: Vec<String>,
        /// `Ok(domain)` authorized by the allow-list, `Err(code)` refused, `None` when the
        /// server has no allow-list.
        authorization: Option<Result<String, String>>,
        /// The status sent (`None` for ACK).
        status: Option<u16>,
    },
}

impl fmt::Display for ServerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::HandshakeFailed { peer, error } => {
                write!(f, "{peer}: TLS handshake failed: {error}")
            }
            Self::Request {
                peer,
                method,
                request_uri,
                identities,
                authorization,
                status,
            } => {
                write!(f, "{peer}: {method} {request_uri}; peer SIP identities: ")?;
                if identities.is_empty() {
                    f.write_str("none (unauthenticated)")?;
                } else {
                    f.write_str(&identities.join(", "))?;
                }
                match authorization {
                    None => f.write_str("; no allow-list")?,
                    Some(Ok(d)) => write!(f, "; authorized as {d}")?,
                    Some(Err(code)) => write!(f, "; not authorized: {code}")?,
                }
                match status {
                    Some(s) => write!(f, "; answered {s}"),
                    None => f.write_str("; no answer"),
                }
            }
        }
    }
}

/// Configuration of the example server.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Trust anchors for client certificates.
    pub roots: Arc<RootCertStore>,
    /// The server's certificate chain.
    pub chain: Vec<CertificateDer<'static>>,
    /// Its key.
    pub key: Arc<PrivateKeyDer<'static>>,
    /// Whether a client certificate is mandatory.
    pub client_auth_mandatory: bool,
    /// Client SIP domains allowed to send requests (`None`: everyone, authenticated or not).
    pub allow: Option<Vec<DomainName>>,
}

/// A running example server; stops accepting when dropped.
#[derive(Debug)]
pub struct ServerHandle {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// Starts the example server on `listener`; every event goes to `report`.
pub fn serve(
    listener: TcpListener,
    settings: ServerSettings,
    report: impl Fn(ServerEvent) + Send + Sync + 'static,
) -> Result<ServerHandle, String> {
    let provider = provider();
    let mut builder = SipClientVerifier::builder_with_provider(settings.roots, provider.clone());
    if !settings.client_auth_mandatory {
        builder = builder.allow_unauthenticated();
    }
    let verifier = builder.build().map_err(|e| format!("verifier: {e}"))?;
    let policy = verifier.policy().clone();
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(settings.chain, settings.key.clone_key())
        .map_err(|e| format!("server certificate: {e}"))?;
    let config = Arc::new(config);
    let allow = settings.allow.map(AllowList::new);
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));
    let report = Arc::new(report);
    let stop2 = stop.clone();
    thread::spawn(move || {
        for tcp in listener.incoming() {
            if stop2.load(Ordering::SeqCst) {
                break;
            }
            let Ok(tcp) = tcp else { continue };
            let config = config.clone();
            let policy = policy.clone();
            let allow = allow.clone();
            let report = report.clone();
            thread::spawn(move || {
                serve_connection(tcp, &config, &policy, allow.as_ref(), &*report);
            });
        }
    });
    Ok(ServerHandle { addr, stop })
}

fn serve_connection(
    mut tcp: TcpStream,
    config: &Arc<ServerConfig>,
    policy: &Policy,
    allow: Option<&AllowList>,
    report: &dyn Fn(ServerEvent),
) {
    let Ok(peer) = tcp.peer_addr() else { return };
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = tcp.set_write_timeout(Some(Duration::from_secs(10)));
    let Ok(mut conn) = rustls::ServerConnection::new(config.clone()) else {
        return;
    };
    while conn.is_handshaking() {
        if let Err(e) = conn.complete_io(&mut tcp) {
            // A clean close before the first byte is a probe (e.g. a readiness check).
            if e.kind() != io::ErrorKind::UnexpectedEof || conn.wants_write() {
                report(ServerEvent::HandshakeFailed {
                    peer,
                    error: describe_io_error(&e),
                });
            }
            return;
        }
    }
    let authentication = client_identities(conn.peer_certificates(), policy);
    let identities: Vec<String> = authentication
        .domains()
        .iter()
        .map(|d| d.as_str().to_owned())
        .collect();
    let authorization = allow.map(|list| match list.authorize(&authentication) {
        Ok(domain) => Ok(domain.as_str().to_owned()),
        Err(e) => Err(e.code().to_owned()),
    });
    let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
    loop {
        let Ok(Some(request)) = read_message(&mut reader) else {
            return;
        };
        let Some(method) = request.method().map(str::to_owned) else {
            continue; // a stray response
        };
        let status = match (&authorization, method.as_str()) {
            (_, "ACK") => None,
            (Some(Err(_)), _) => Some((403, "Forbidden")),
            (_, "OPTIONS") => Some((200, "OK")),
            _ => Some((405, "Method Not Allowed")),
        };
        if let Some((code, reason)) = status {
            let response = response_to(&request, code, reason);
            let stream = reader.get_mut();
            if stream.write_all(&response.to_bytes()).is_err() || stream.flush().is_err() {
                return;
            }
        }
        report(ServerEvent::Request {
            peer,
            method,
            request_uri: request.request_uri().unwrap_or_default().to_owned(),
            identities: identities.clone(),
            authorization: authorization.clone(),
            status: status.map(|(c, _)| c),
        });
    }
}
