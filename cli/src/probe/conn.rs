//! One target: TCP connect, TLS handshake (the verifier's observer keeps the presented chain and
//! its decision), the RFC 5922 verdict, DANE, warnings, and `--options`.
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

use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{AlertDescription, ClientConfig, ClientConnection, KeyLogFile, ProtocolVersion};
use sipcert::dane::{DaneOutcome, DaneStatus, TlsaSet};
use sipcert::resolve::Target;
use sipcert::verifier::{DaneServerVerifier, Observation, Observer, SipServerVerifier};
use sipcert::Verdict;

use super::certinfo::CertInfo;
use super::mtls::{self, ClientAuth, ClientCert, OnUs, RequestSlot};
use super::tls_params::{self, TlsParams};
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
    pub(crate) client_auth: Option<ClientAuth>,
    pub(crate) tls_params: Option<TlsParams>,
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
            client_auth: None,
            tls_params: None,
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

/// What the target's verifier decided in the handshake, kept by its observer: the chain
/// presented, the PKIX + RFC 5922 verdict and, with TLSA records, the DANE outcome.
#[derive(Debug)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    verdict: Option<Verdict>,
    dane: Option<DaneOutcome>,
}

/// Where the observer puts what it saw (the last decision of the handshake).
type SeenSlot = Arc<Mutex<Option<Seen>>>;

/// The observer of the target's verifier: it keeps the decision, whatever it is.
fn keep_into(slot: &SeenSlot) -> Observer {
    let slot = slot.clone();
    Arc::new(move |o: &Observation<'_>| {
        let seen = Seen {
            chain: std::iter::once(o.end_entity())
                .chain(o.intermediates())
                .map(|c| c.clone().into_owned())
                .collect(),
            verdict: o.verdict().cloned(),
            dane: o.dane().cloned(),
        };
        // A poisoned lock is reported by `take_seen`, which finds no usable slot.
        if let Ok(mut kept) = slot.lock() {
            *kept = Some(seen);
        }
    })
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
pub(crate) enum Phase {
    Handshake,
    Verdict,
    Options,
    /// The `--tls-scan` handshakes.
    Scan,
}

impl Phase {
    fn name(self) -> &'static str {
        match self {
            Self::Handshake => "the TLS handshake",
            Self::Verdict => "the wait for the server's verdict on the client",
            Self::Options => "OPTIONS",
            Self::Scan => "the TLS parameter scan",
        }
    }
}

/// The socket under the probe's deadline: before every read and write the socket's timeout is
/// set to the time left (never renewed by a byte that arrives), and a call with no time left,
/// or one whose timeout expires (`WouldBlock` on Unix, `TimedOut` elsewhere), fails with
/// `TimedOut` and "deadline reached during" the phase.
#[derive(Debug)]
pub(crate) struct Deadlined<'a> {
    pub(crate) sock: &'a TcpStream,
    pub(crate) deadline: Instant,
    pub(crate) phase: Phase,
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

fn probe_into(ctx: &Context, target: &Target, report: &mut Report) {
    if let Err(failure) = connect_and_verify(ctx, target, report) {
        report.failure = Some(failure);
    }
    let usable = report
        .address
        .filter(|a| !target.bogus && unusable_address(a.ip()).is_none());
    if let (true, Some(addr)) = (ctx.tls_scan, usable) {
        let params = tls_params::scan(ctx, target, addr);
        if let Some(auth) = report.client_auth.as_mut().filter(|a| a.required.is_none()) {
            auth.required = params.refused_without_cert;
        }
        report.tls_params = Some(params);
    }
}

/// The probe of one target, in order: the destination, TCP, the TLS handshake with the
/// target's verifier observed, the verdict, then OPTIONS.
fn connect_and_verify(ctx: &Context, target: &Target, report: &mut Report) -> Result<(), Failure> {
    let addr = destination(target, report)?;
    let sock = connect(ctx, addr)?;
    // The client's last flight leaves at once: Nagle's algorithm would hold part of it until
    // the server's delayed ACK (about 40 ms on Linux), which the wait for the server's verdict
    // would pay. Failing to set it costs only that time.
    let _ = sock.set_nodelay(true);
    let slot = SeenSlot::default();
    let request = RequestSlot::default();
    let mut conn = tls_connection(ctx, target, &slot, &request)?;
    let outcome = handshake(
        &mut conn,
        &mut Deadlined {
            sock: &sock,
            deadline: ctx.deadline,
            phase: Phase::Handshake,
        },
    );
    let handshake_ok = outcome.is_ok() && !conn.is_handshaking();
    let seen = take_seen(&slot, &outcome, addr)?;
    judge(target, seen, &outcome, handshake_ok, report);
    if handshake_ok {
        report.tls = Some((
            conn.protocol_version()
                .map_or_else(String::new, |v| format!("{v:?}")),
            conn.negotiated_cipher_suite()
                .map_or_else(String::new, |c| format!("{:?}", c.suite())),
        ));
    }
    let tls13 = conn.protocol_version() == Some(ProtocolVersion::TLSv1_3);
    let requested = mtls::was_requested(&request);
    let on_us = match &outcome {
        _ if !requested => OnUs::Unknown,
        Ok(()) if handshake_ok && tls13 && report.accepted => {
            server_verdict(ctx, &mut conn, &sock, report)
        }
        Ok(()) if handshake_ok && !tls13 => OnUs::Accepted,
        Ok(()) => OnUs::Unknown,
        Err(e) => mtls::alert_of(e).map_or(OnUs::Unknown, OnUs::Refused),
    };
    report.client_auth = Some(ClientAuth::observe(
        request.lock().ok().and_then(|mut r| r.take()),
        ctx.client_auth.is_some(),
        on_us,
        ctx.own_certificate.clone(),
    ));
    warn(ctx, report);
    if report.accepted && ctx.options {
        report.options = Some(options(ctx, &mut conn, &sock));
    }
    Ok(())
}

/// The address to connect to: none for a bogus DNS answer or a target without a usable
/// address; a warning for each unusable address besides.
fn destination(target: &Target, report: &mut Report) -> Result<SocketAddr, Failure> {
    if target.bogus {
        return Err((
            "dns-bogus",
            format!(
                "a DNS answer for {} (address or TLSA) is DNSSEC-bogus: not connecting",
                target.host
            ),
        ));
    }
    let Some(addr) = report.address else {
        return Err((
            "dns-no-targets",
            format!("no address for {}", target.label()),
        ));
    };
    if let Some(why) = unusable_address(addr.ip()) {
        return Err((
            TARGET_ADDRESS_UNUSABLE,
            format!("{addr}: not connecting to {why}"),
        ));
    }
    for ip in &target.addresses {
        if let Some(why) = unusable_address(*ip) {
            report
                .warnings
                .push(format!("address {ip} of {} skipped: {why}", target.host));
        }
    }
    Ok(addr)
}

/// TCP to `addr` within the time left.
fn connect(ctx: &Context, addr: SocketAddr) -> Result<TcpStream, Failure> {
    let Some(budget) = remaining(ctx) else {
        return Err((
            "connect-failed",
            format!("deadline reached before connecting to {addr}"),
        ));
    };
    TcpStream::connect_timeout(&addr, budget).map_err(|e| {
        if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) {
            (
                "connect-failed",
                format!("cannot connect to {addr}: deadline reached while connecting"),
            )
        } else {
            ("connect-failed", format!("cannot connect to {addr}: {e}"))
        }
    })
}

/// The TLS client of this target: the SIP verifier (the SRV name as second reference only
/// from secure DNS), or the DANE verifier with the target's TLSA records, observed into
/// `slot`.
fn tls_connection(
    ctx: &Context,
    target: &Target,
    slot: &SeenSlot,
    request: &RequestSlot,
) -> Result<ClientConnection, Failure> {
    let policy = target.policy(ctx.base_policy.clone());
    let mut builder =
        SipServerVerifier::builder_with_provider(ctx.roots.clone(), ctx.provider.clone())
            .with_crls(ctx.crls.clone())
            .policy(policy);
    if target.tlsa.is_none() {
        builder = builder.with_observer(keep_into(slot));
    }
    let sip = builder
        .build()
        .map_err(|e| ("tls-handshake-failed", format!("verifier: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = match target.tlsa.clone() {
        Some(set) => Arc::new(
            DaneServerVerifier::new(sip, set, &ctx.provider).with_observer(keep_into(slot)),
        ),
        None => sip,
    };
    let config = client_config(ctx, verifier, request).map_err(|e| ("tls-handshake-failed", e))?;
    ClientConnection::new(Arc::new(config), ctx.server_name.clone())
        .map_err(|e| ("tls-handshake-failed", e.to_string()))
}

/// What the verifier saw; a handshake that ended before a certificate is a failure.
fn take_seen(slot: &SeenSlot, outcome: &io::Result<()>, addr: SocketAddr) -> Result<Seen, Failure> {
    // A poisoned lock means the observer panicked: say so, never guess.
    let Ok(seen) = slot.lock().map(|mut s| s.take()) else {
        return Err((
            "tls-handshake-failed",
            "internal error: the certificate capture lock is poisoned".to_owned(),
        ));
    };
    match seen {
        Some(seen) if !seen.chain.is_empty() => Ok(seen),
        Some(_) | None => Err((
            "tls-handshake-failed",
            match outcome {
                Err(e) => format!("TLS handshake with {addr} failed before a certificate: {e}"),
                Ok(()) => format!("{addr} presented no certificate"),
            },
        )),
    }
}

/// The target's verdict from what the verifier decided in the handshake, with DANE where
/// the target has TLSA records.
fn judge(
    target: &Target,
    seen: Seen,
    outcome: &io::Result<()>,
    handshake_ok: bool,
    report: &mut Report,
) {
    let Some(verdict) = seen.verdict else {
        report.failure = Some((
            "tls-handshake-failed",
            "internal error: the verifier decided without a verdict".to_owned(),
        ));
        return;
    };
    let dane_outcome = target.tlsa.clone().zip(seen.dane);
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
        let why = match outcome {
            Err(e) => format!("the certificate passed, but the TLS handshake failed: {e}"),
            Ok(()) => "the certificate passed, but the TLS handshake did not complete".to_owned(),
        };
        report.failure = Some(("tls-handshake-failed", why));
    }
    report.accepted = permitted && handshake_ok;
    report.accepted_by_dane = report.accepted && !verdict.is_accept();
    report.certs = seen.chain.iter().map(CertInfo::of).collect();
    report.verdict = Some(verdict);
    report.dane = dane_outcome;
}

/// The warnings of an examined target: certificates expiring within `--warn-days`, an
/// accept by DANE alone.
fn warn(ctx: &Context, report: &mut Report) {
    let unix_now = i64::try_from(UnixTime::now().as_secs()).unwrap_or(i64::MAX);
    let warn = i64::try_from(ctx.warn_days).unwrap_or(i64::MAX);
    for (i, c) in report.certs.iter().enumerate() {
        let days = c.days_left(unix_now);
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
}

/// The rustls client configuration: the target's verifier, SSLKEYLOGFILE, client auth.
fn client_config(
    ctx: &Context,
    verifier: Arc<dyn ServerCertVerifier>,
    request: &RequestSlot,
) -> Result<ClientConfig, String> {
    let builder = ClientConfig::builder_with_provider(ctx.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let key = match &ctx.client_auth {
        Some((chain, key)) => Some(Arc::new(
            CertifiedKey::from_der(chain.clone(), key.clone_key(), &ctx.provider)
                .map_err(|e| format!("--cert/--key: {e}"))?,
        )),
        None => None,
    };
    let mut config = builder.with_client_cert_resolver(Arc::new(ClientCert {
        key,
        request: request.clone(),
    }));
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
        .map_err(|e| format!("sending OPTIONS: {}", io_text(&e)))?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 8192 {
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(chunk.get(..n).unwrap_or_default()),
            Err(e) => return Err(format!("reading the OPTIONS response: {}", io_text(&e))),
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

/// An I/O error of the TLS session; a fatal alert from the server says so, with its number.
fn io_text(e: &io::Error) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::AlertReceived(alert)) => format!(
            "the server sent the alert {alert:?} ({}) and closed the session",
            u8::from(*alert)
        ),
        _ => e.to_string(),
    }
}

/// The AUS without user part, parameters and headers: the OPTIONS Request-URI.
fn options_uri(aus: &str) -> String {
    let (scheme, rest) = aus.split_once(':').unwrap_or(("sip", aus));
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let host = host.split([';', '?']).next().unwrap_or(host);
    format!("{}:{host}", scheme.to_ascii_lowercase())
}

/// The most the probe waits, after a TLS 1.3 handshake in which the server asked for a client
/// certificate, for the server's verdict on the client (never past the probe's deadline).
const VERDICT_WAIT: Duration = Duration::from_secs(1);

/// What the server did after a TLS 1.3 handshake rustls calls complete.
enum AfterFinished {
    /// A whole record (a NewSessionTicket, application data) processed without error.
    Flight,
    /// Nothing within the wait.
    Silent,
    /// A fatal alert.
    Alert(AlertDescription),
    /// A close, an I/O or TLS error.
    Failed(String),
}

/// In TLS 1.3 the client's handshake is complete before the server has judged the client's
/// certificate (or its absence): the server's verdict is its first record after Finished (it
/// accepted us) or an alert (it refused us). Waits for it within [`VERDICT_WAIT`]; a refusal
/// makes the target `tls-handshake-failed`, silence a warning.
fn server_verdict(
    ctx: &Context,
    conn: &mut ClientConnection,
    sock: &TcpStream,
    report: &mut Report,
) -> OnUs {
    let mut io = Deadlined {
        sock,
        deadline: Instant::now()
            .checked_add(VERDICT_WAIT)
            .map_or(ctx.deadline, |t| t.min(ctx.deadline)),
        phase: Phase::Verdict,
    };
    let (refused, on_us) = match after_finished(conn, &mut io) {
        AfterFinished::Flight => return OnUs::Accepted,
        AfterFinished::Silent => {
            report.warnings.push(
                "the server sent nothing after the TLS 1.3 handshake; whether it accepted our \
                 client certificate (or its absence) is not known"
                    .to_owned(),
            );
            return OnUs::Unknown;
        }
        AfterFinished::Alert(alert) => (refusal(ctx, alert), OnUs::Refused(alert)),
        AfterFinished::Failed(why) => (
            format!("the server asked for a client certificate, then, after the TLS 1.3 handshake: {why}"),
            OnUs::Unknown,
        ),
    };
    report.failure = Some(("tls-handshake-failed", refused));
    report.accepted = false;
    report.accepted_by_dane = false;
    report.tls = None;
    on_us
}

/// The message of a server that refused us with `alert` after the TLS 1.3 handshake.
fn refusal(ctx: &Context, alert: AlertDescription) -> String {
    let whom = if ctx.client_auth.is_some() {
        "the server refused our client certificate"
    } else {
        "the server requires a client certificate (none was given: --cert/--key)"
    };
    format!(
        "{whom}: it sent the alert {alert:?} ({}) after the TLS 1.3 handshake",
        u8::from(alert)
    )
}

/// Reads and processes the server's records after Finished until the first whole record, an
/// alert, a close or the end of `io`'s deadline.
fn after_finished(conn: &mut ClientConnection, io: &mut Deadlined<'_>) -> AfterFinished {
    // The client's Finished must be on the wire before the server can judge.
    while conn.wants_write() {
        if let Err(e) = conn.write_tls(io) {
            return AfterFinished::Failed(format!("sending the client's Finished: {e}"));
        }
    }
    let mut framing = Framing::default();
    loop {
        let read = conn.read_tls(&mut Counted {
            inner: &mut *io,
            framing: &mut framing,
        });
        match read {
            Ok(0) => return AfterFinished::Failed("it closed the connection".to_owned()),
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::TimedOut => return AfterFinished::Silent,
            Err(e) => return AfterFinished::Failed(e.to_string()),
        }
        match conn.process_new_packets() {
            Err(rustls::Error::AlertReceived(alert)) => return AfterFinished::Alert(alert),
            Err(e) => return AfterFinished::Failed(e.to_string()),
            Ok(state) if state.peer_has_closed() => {
                return AfterFinished::Failed("it closed the TLS session (close_notify)".to_owned())
            }
            Ok(_) if framing.whole_record() => return AfterFinished::Flight,
            Ok(_) => {}
        }
    }
}

/// The TLS record framing of the bytes read after Finished: whether one whole record has
/// arrived (a 5-byte header, then the length it gives).
#[derive(Debug, Default)]
struct Framing {
    header: Vec<u8>,
    body_left: usize,
    whole: bool,
}

impl Framing {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.whole {
                return;
            }
            if self.header.len() < 5 {
                self.header.push(b);
                if let [_, _, _, hi, lo] = self.header[..] {
                    self.body_left = usize::from(u16::from_be_bytes([hi, lo]));
                    self.whole = self.body_left == 0;
                }
            } else {
                self.body_left = self.body_left.saturating_sub(1);
                self.whole = self.body_left == 0;
            }
        }
    }

    fn whole_record(&self) -> bool {
        self.whole
    }
}

/// A reader that tells [`Framing`] what it reads.
struct Counted<'a, 'b> {
    inner: &'a mut Deadlined<'b>,
    framing: &'a mut Framing,
}

impl Read for Counted<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.framing.feed(buf.get(..n).unwrap_or_default());
        Ok(n)
    }
}
