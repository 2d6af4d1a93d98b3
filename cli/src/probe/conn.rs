//! One target: TCP connect, TLS handshake (capturing the presented chain), the RFC 5922 verdict,
//! DANE, warnings, and `--options`.
//!
//! The probe's `--timeout` is one deadline ([`Context::deadline`]): the connect gets the time
//! left, and every read and write on the socket goes through [`Deadlined`], which sets the
//! socket's timeout to the time left before each call, so a server that trickles bytes cannot
//! renew it.
//!
//! The probe-level codes of a target (`reasons[].code`, decisions §2): `dns-bogus`,
//! `dns-no-targets`, `connect-failed`, `tls-handshake-failed`, `dane-mismatch`, and
//! [`TARGET_ADDRESS_UNUSABLE`].

use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, KeyLogFile, SignatureScheme};
use sipcert::dane::{DaneOutcome, DaneStatus, TlsaSet};
use sipcert::resolve::Target;
use sipcert::verifier::{DaneServerVerifier, SipServerVerifier};
use sipcert::Verdict;

use super::certinfo::CertInfo;
use super::{first_address, Context};

/// A probe-level failure: (code, message).
pub(crate) type Failure = (&'static str, String);

/// `target-address-unusable`: the target's address is no destination for a TCP connection,
/// so the probe refuses it without connecting: an address of "this host" (`0.0.0.0/8` and
/// the unspecified `::`, RFC 1122 §3.2.1.3 (a), (b) and RFC 4291 §2.5.2: a source address
/// only; Linux connects them to the local host), the limited broadcast address
/// `255.255.255.255` (RFC 1122 §3.2.1.3 (c)), or a multicast address (`224.0.0.0/4`,
/// `ff00::/8`), also in their IPv4-mapped IPv6 form. Loopback stays usable. A target with
/// a usable address besides is probed at that one, with a warning for each unusable one.
pub(crate) const TARGET_ADDRESS_UNUSABLE: &str = "target-address-unusable";

/// Why `ip` is no destination for the probe ([`TARGET_ADDRESS_UNUSABLE`]); `None` when it is
/// usable.
pub(crate) fn unusable_address(ip: IpAddr) -> Option<&'static str> {
    match ip.to_canonical() {
        IpAddr::V4(a) if matches!(a.octets(), [0, ..]) => {
            Some("an address of this host (0.0.0.0/8, RFC 1122 §3.2.1.3), a source address only")
        }
        IpAddr::V4(a) if a.is_broadcast() => {
            Some("the limited broadcast address (RFC 1122 §3.2.1.3)")
        }
        IpAddr::V6(a) if a.is_unspecified() => {
            Some("the unspecified address (RFC 4291 §2.5.2), a source address only")
        }
        a if a.is_multicast() => Some("a multicast address"),
        _ => None,
    }
}

/// What the probe of one target found.
pub(crate) struct Report {
    pub(crate) target: Target,
    pub(crate) address: Option<SocketAddr>,
    pub(crate) failure: Option<Failure>,
    pub(crate) verdict: Option<Verdict>,
    pub(crate) accepted: bool,
    pub(crate) accepted_by_dane: bool,
    pub(crate) dane: Option<(TlsaSet, DaneOutcome)>,
    pub(crate) tls: Option<(String, String)>,
    pub(crate) certs: Vec<CertInfo>,
    pub(crate) options: Option<Result<(u16, String), String>>,
    pub(crate) warnings: Vec<String>,
    pub(crate) elapsed: Duration,
}

impl Report {
    fn new(target: &Target) -> Self {
        Self {
            target: target.clone(),
            address: first_address(target),
            failure: None,
            verdict: None,
            accepted: false,
            accepted_by_dane: false,
            dane: None,
            tls: None,
            certs: Vec::new(),
            options: None,
            warnings: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }

    pub(crate) fn internal(target: &Target, why: &str) -> Self {
        let mut r = Self::new(target);
        r.failure = Some(("connect-failed", why.to_owned()));
        r
    }

    /// `accept`, or the first reason.
    pub(crate) fn summary(&self) -> String {
        if self.accepted {
            return "accept".to_owned();
        }
        if let Some((code, _)) = &self.failure {
            return format!("reject ({code})");
        }
        match self.verdict.as_ref().and_then(Verdict::rejected) {
            Some(r) => format!(
                "reject ({})",
                r.reasons().first().map_or("rejected", |x| x.code().code())
            ),
            None => "reject".to_owned(),
        }
    }
}

/// Wraps the target's verifier and keeps the presented chain, whatever the outcome.
#[derive(Debug)]
struct Capture {
    inner: Arc<dyn ServerCertVerifier>,
    seen: Mutex<Option<Vec<CertificateDer<'static>>>>,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        // A poisoned lock means another thread panicked while holding it: refuse.
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| rustls::Error::General("certificate capture lock poisoned".into()))?;
        *seen = Some(chain);
        drop(seen);
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Probes one target.
pub(crate) fn probe(ctx: &Context, target: &Target) -> Report {
    let started = Instant::now();
    let mut report = Report::new(target);
    probe_into(ctx, target, &mut report);
    report.elapsed = started.elapsed();
    report
}

fn remaining(ctx: &Context) -> Option<Duration> {
    ctx.deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// What the probe was doing when the deadline was reached.
#[derive(Debug, Clone, Copy)]
enum Phase {
    Handshake,
    Options,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Self::Handshake => "the TLS handshake",
            Self::Options => "OPTIONS",
        }
    }
}

/// The socket under the probe's deadline: before every read and write the socket's timeout is
/// set to the time left (never renewed by a byte that arrives), and a call with no time left,
/// or one whose timeout expires (`WouldBlock` on Unix, `TimedOut` elsewhere), fails with
/// `TimedOut` and "deadline reached during" the phase.
#[derive(Debug)]
struct Deadlined<'a> {
    sock: &'a TcpStream,
    deadline: Instant,
    phase: Phase,
}

impl Deadlined<'_> {
    fn reached(&self) -> io::Error {
        io::Error::new(
            ErrorKind::TimedOut,
            format!("deadline reached during {}", self.phase.name()),
        )
    }

    /// The time left, or the deadline error when there is none.
    fn left(&self) -> io::Result<Duration> {
        self.deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| self.reached())
    }

    fn map(&self, e: io::Error) -> io::Error {
        if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) {
            self.reached()
        } else {
            e
        }
    }
}

impl Read for Deadlined<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.sock.set_read_timeout(Some(left))?;
        let mut sock = self.sock;
        sock.read(buf).map_err(|e| self.map(e))
    }
}

impl Write for Deadlined<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.sock.set_write_timeout(Some(left))?;
        let mut sock = self.sock;
        sock.write(buf).map_err(|e| self.map(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        let mut sock = self.sock;
        sock.flush().map_err(|e| self.map(e))
    }
}

#[allow(clippy::too_many_lines)] // the probe of one target, in order
fn probe_into(ctx: &Context, target: &Target, report: &mut Report) {
    if target.bogus {
        report.failure = Some((
            "dns-bogus",
            format!(
                "a DNS answer for {} (address or TLSA) is DNSSEC-bogus: not connecting",
                target.host
            ),
        ));
        return;
    }
    let Some(addr) = report.address else {
        report.failure = Some((
            "dns-no-targets",
            format!("no address for {}", target.label()),
        ));
        return;
    };
    if let Some(why) = unusable_address(addr.ip()) {
        report.failure = Some((
            TARGET_ADDRESS_UNUSABLE,
            format!("{addr}: not connecting to {why}"),
        ));
        return;
    }
    for ip in &target.addresses {
        if let Some(why) = unusable_address(*ip) {
            report
                .warnings
                .push(format!("address {ip} of {} skipped: {why}", target.host));
        }
    }
    let Some(budget) = remaining(ctx) else {
        report.failure = Some((
            "connect-failed",
            format!("deadline reached before connecting to {addr}"),
        ));
        return;
    };
    let sock = match TcpStream::connect_timeout(&addr, budget) {
        Ok(s) => s,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            report.failure = Some((
                "connect-failed",
                format!("cannot connect to {addr}: deadline reached while connecting"),
            ));
            return;
        }
        Err(e) => {
            report.failure = Some(("connect-failed", format!("cannot connect to {addr}: {e}")));
            return;
        }
    };
    // The verifiers of this target: the SRV name as second reference only from secure DNS.
    let policy = target.policy(ctx.base_policy.clone());
    let sip =
        match SipServerVerifier::builder_with_provider(ctx.roots.clone(), ctx.provider.clone())
            .with_crls(ctx.crls.clone())
            .policy(policy)
            .build()
        {
            Ok(v) => v,
            Err(e) => {
                report.failure = Some(("tls-handshake-failed", format!("verifier: {e}")));
                return;
            }
        };
    let dane = target
        .tlsa
        .clone()
        .map(|set| Arc::new(DaneServerVerifier::new(sip.clone(), set, &ctx.provider)));
    let inner: Arc<dyn ServerCertVerifier> = match &dane {
        Some(d) => d.clone(),
        None => sip.clone(),
    };
    let capture = Arc::new(Capture {
        inner,
        seen: Mutex::new(None),
    });
    let config = match client_config(ctx, capture.clone()) {
        Ok(c) => c,
        Err(e) => {
            report.failure = Some(("tls-handshake-failed", e));
            return;
        }
    };
    let mut conn = match ClientConnection::new(Arc::new(config), ctx.server_name.clone()) {
        Ok(c) => c,
        Err(e) => {
            report.failure = Some(("tls-handshake-failed", e.to_string()));
            return;
        }
    };
    let outcome = handshake(
        &mut conn,
        &mut Deadlined {
            sock: &sock,
            deadline: ctx.deadline,
            phase: Phase::Handshake,
        },
    );
    let handshake_ok = outcome.is_ok() && !conn.is_handshaking();
    // A poisoned lock means the verifier panicked while capturing: say so, never guess.
    let Ok(certs) = capture
        .seen
        .lock()
        .map(|mut s| s.take().unwrap_or_default())
    else {
        report.failure = Some((
            "tls-handshake-failed",
            "internal error: the certificate capture lock is poisoned".to_owned(),
        ));
        return;
    };
    let Some((ee, intermediates)) = certs.split_first() else {
        report.failure = Some((
            "tls-handshake-failed",
            match &outcome {
                Err(e) => format!("TLS handshake with {addr} failed before a certificate: {e}"),
                Ok(()) => format!("{addr} presented no certificate"),
            },
        ));
        return;
    };
    let now = UnixTime::now();
    // With TLSA records the DANE verifier runs the PKIX check itself (it wraps `sip`): take
    // its verdict instead of validating the chain twice.
    let (verdict, dane_outcome) = match &dane {
        Some(d) => {
            let (pkix, outcome) = d.check(ee, intermediates, &ctx.reference, now);
            (pkix, Some((d.tlsa().clone(), outcome)))
        }
        None => (sip.check(ee, intermediates, &ctx.reference, now), None),
    };
    let permitted = match &dane_outcome {
        Some((_, o)) => o.permits(&verdict),
        None => verdict.is_accept(),
    };
    if let Some((_, o)) = &dane_outcome {
        if o.status() == DaneStatus::Mismatch {
            report.failure = Some(("dane-mismatch", o.detail().to_owned()));
        }
    }
    if permitted && !handshake_ok {
        let why = match &outcome {
            Err(e) => format!("the certificate passed, but the TLS handshake failed: {e}"),
            Ok(()) => "the certificate passed, but the TLS handshake did not complete".to_owned(),
        };
        report.failure = Some(("tls-handshake-failed", why));
    }
    report.accepted = permitted && handshake_ok;
    report.accepted_by_dane = report.accepted && !verdict.is_accept();
    if handshake_ok {
        report.tls = Some((
            conn.protocol_version()
                .map_or_else(String::new, |v| format!("{v:?}")),
            conn.negotiated_cipher_suite()
                .map_or_else(String::new, |c| format!("{:?}", c.suite())),
        ));
    }
    let unix_now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    report.certs = certs.iter().map(CertInfo::of).collect();
    for (i, c) in report.certs.iter().enumerate() {
        let days = c.days_left(unix_now);
        let warn = i64::try_from(ctx.warn_days).unwrap_or(i64::MAX);
        if (0..warn).contains(&days) {
            report.warnings.push(format!(
                "certificate {i} ({}) expires in {days} days, on {}",
                c.subject, c.not_after
            ));
        }
    }
    if report.accepted_by_dane {
        report.warnings.push(
            "accepted by DANE although the PKIX/RFC 5922 verdict is reject (RFC 7671 §5.1)"
                .to_owned(),
        );
    }
    report.verdict = Some(verdict);
    report.dane = dane_outcome;
    if report.accepted && ctx.options {
        report.options = Some(options(ctx, &mut conn, &sock));
    }
}

/// The rustls client configuration: the capturing verifier, SSLKEYLOGFILE, client auth.
fn client_config(ctx: &Context, capture: Arc<Capture>) -> Result<ClientConfig, String> {
    let builder = ClientConfig::builder_with_provider(ctx.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(capture);
    let mut config = match &ctx.client_auth {
        Some((chain, key)) => builder
            .with_client_auth_cert(chain.clone(), key.clone_key())
            .map_err(|e| format!("--cert/--key: {e}"))?,
        None => builder.with_no_client_auth(),
    };
    // SSLKEYLOGFILE (NSS key log format) when set, so a capture can be decrypted.
    config.key_log = Arc::new(KeyLogFile::new());
    Ok(config)
}

/// Runs the handshake to its end or its first I/O error. [`Deadlined`] turns an expired
/// socket timeout into the deadline error: an error, never a reason to try again (that would
/// spin forever on a peer that accepts TCP and never answers).
fn handshake(conn: &mut ClientConnection, io: &mut Deadlined<'_>) -> io::Result<()> {
    while conn.is_handshaking() {
        conn.complete_io(io)?;
    }
    Ok(())
}

/// Sends a SIP OPTIONS over the established connection and reads the status line, all before
/// the probe's deadline (a response trickled without its CRLF ends there).
fn options(
    ctx: &Context,
    conn: &mut ClientConnection,
    sock: &TcpStream,
) -> Result<(u16, String), String> {
    let nonce = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
        ^ u128::from(std::process::id());
    let ruri = options_uri(&ctx.aus_text);
    let local = sock
        .local_addr()
        .map_or_else(|_| "sipcert.invalid".to_owned(), |a| a.to_string());
    let request = format!(
        "OPTIONS {ruri} SIP/2.0\r\nVia: SIP/2.0/TLS {local};branch=z9hG4bK{nonce:x};rport\r\nMax-Forwards: 70\r\nFrom: <sip:sipcert@sipcert.invalid>;tag={nonce:x}\r\nTo: <{ruri}>\r\nCall-ID: {nonce:x}@sipcert.invalid\r\nCSeq: 1 OPTIONS\r\nAccept: application/sdp\r\nUser-Agent: sipcert-probe\r\nContent-Length: 0\r\n\r\n"
    );
    let mut io = Deadlined {
        sock,
        deadline: ctx.deadline,
        phase: Phase::Options,
    };
    let mut stream = rustls::Stream::new(conn, &mut io);
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.flush())
        .map_err(|e| format!("sending OPTIONS: {e}"))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 8192 {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(e) => return Err(format!("reading the OPTIONS response: {e}")),
        }
    }
    let text = String::from_utf8_lossy(&buf);
    let line = text.lines().next().unwrap_or_default();
    let mut parts = line.splitn(3, ' ');
    match (
        parts.next(),
        parts.next().and_then(|c| c.parse::<u16>().ok()),
        parts.next(),
    ) {
        (Some("SIP/2.0"), Some(code), reason) => Ok((code, reason.unwrap_or_default().to_owned())),
        _ => Err(format!("no SIP status line in the response: {line:?}")),
    }
}

/// The AUS without user part, parameters and headers: the OPTIONS Request-URI.
fn options_uri(aus: &str) -> String {
    let (scheme, rest) = aus.split_once(':').unwrap_or(("sip", aus));
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split([';', '?']).next().unwrap_or(host);
    format!("{}:{host}", scheme.to_ascii_lowercase())
}
