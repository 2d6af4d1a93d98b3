//! `--tls-scan`: the TLS parameters of one target, as plain facts (`"tls"` in the JSON).
//!
//! With a hand-built ClientHello ([`client_hello`]), one question per connection, the
//! handshake never continued: the protocol versions accepted (TLS 1.3, 1.2, 1.1, 1.0,
//! SSLv3), the cipher suites accepted per version (one suite per hello, from [`suites::LEGACY_SUITES`]
//! and the five TLS 1.3 suites) and whether the server enforces its own order, the TLS 1.3
//! key-exchange groups (one group per hello, empty key share: X25519, P-256, P-384,
//! X25519MLKEM768; not known for a server without TLS 1.3), and whether an
//! unknown ALPN protocol is tolerated. With rustls ([`rustls_side`]): the certificate served
//! with SNI = the SIP domain, without SNI and with SNI = the SRV target; an OCSP staple;
//! session resumption.
//!
//! Connections, at most: 5 (versions) + 5 (TLS 1.3 suites) + 44 (TLS 1.2 suites) + 3 × 24
//! (TLS 1.1, 1.0 and SSLv3 suites: no AEAD or SHA-2 MAC there) + 2 per version (order) + 4
//! (groups) + 1 (ALPN) + 4 (certificates, resumption) + 1 (without `--cert`) = 146, on a fresh
//! TCP connection each, all within the probe's one deadline; what the deadline cut short is
//! reported as not tested.

mod client_hello;
mod grade_facts;
mod report;
mod rustls_side;
mod suites;

use std::net::SocketAddr;
use std::time::Instant;

use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{json, Value};
use sipcert::resolve::Target;

use self::client_hello::{ask, Answer, Hello, TLS13};
use self::rustls_side::Looker;
use self::suites::{before_tls12, GROUPS, LEGACY_SUITES, TLS13_SUITES};
use super::Context;

/// The versions tested, newest first: (name, `legacy_version`, TLS 1.3).
const VERSIONS: [(&str, u16, bool); 5] = [
    ("TLSv1.3", 0x0303, true),
    ("TLSv1.2", 0x0303, false),
    ("TLSv1.1", 0x0302, false),
    ("TLSv1.0", 0x0301, false),
    ("SSLv3", 0x0300, false),
];

/// The ALPN protocol no server knows.
const UNKNOWN_ALPN: &[u8] = b"sipcert-unknown/1";

/// A tested fact: yes, no, or not known (why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Support {
    Yes,
    No,
    Unknown(String),
}

impl Support {
    fn json(&self) -> Value {
        match self {
            Self::Yes => json!(true),
            Self::No => json!(false),
            Self::Unknown(_) => Value::Null,
        }
    }
}

/// The suites accepted at one version.
#[derive(Debug, Clone)]
pub(crate) struct Suites {
    pub(crate) version: &'static str,
    pub(crate) accepted: Vec<u16>,
    /// Whether the server picks by its own order (`None`: fewer than two suites to compare).
    pub(crate) server_preference: Option<bool>,
    /// Every question about this version's suites was answered: `accepted` is the whole list.
    pub(crate) complete: bool,
}

/// The certificate served for one SNI choice.
#[derive(Debug, Clone)]
pub(crate) struct Served {
    pub(crate) sni: Option<String>,
    pub(crate) result: Result<Vec<CertificateDer<'static>>, String>,
}

/// The TLS parameters of one target.
#[derive(Debug, Clone)]
pub(crate) struct TlsParams {
    pub(crate) versions: Vec<(&'static str, Support)>,
    pub(crate) suites: Vec<Suites>,
    pub(crate) groups: Vec<(&'static str, Support)>,
    pub(crate) alpn_tolerant: Support,
    pub(crate) served: Vec<Served>,
    pub(crate) ocsp_stapled: Support,
    pub(crate) resumption: Support,
    pub(crate) connections: usize,
    /// Raw questions without an answer (silence, the deadline, no connection, garbage).
    pub(crate) unanswered: usize,
    /// With `--cert`: whether the server refused a look that presented no certificate
    /// (`None`: not asked, or not known).
    pub(crate) refused_without_cert: Option<bool>,
}

/// Asks the raw questions; counts them, and those left without an answer.
struct Scanner {
    addr: SocketAddr,
    sni: Option<String>,
    deadline: Instant,
    connections: usize,
    /// Questions answered by silence (the deadline), no connection, or garbage.
    unanswered: usize,
}

impl Scanner {
    fn ask(&mut self, version: u16, tls13: bool, suites: &[u16], groups: &[u16]) -> Answer {
        self.ask_alpn(version, tls13, suites, groups, None)
    }

    fn ask_alpn(
        &mut self,
        version: u16,
        tls13: bool,
        suites: &[u16],
        groups: &[u16],
        alpn: Option<&[u8]>,
    ) -> Answer {
        self.connections += 1;
        let answer = ask(
            self.addr,
            &Hello {
                version,
                tls13,
                suites,
                groups,
                sni: self.sni.as_deref(),
                alpn,
            },
            self.deadline,
        );
        match answer {
            Answer::Hello { .. } | Answer::Alert(_) | Answer::Closed => {}
            Answer::Silent | Answer::Unreachable(_) | Answer::Garbled(_) => self.unanswered += 1,
        }
        answer
    }
}

/// Scans `target` at `addr` (see the module documentation for what and how many connections).
pub(crate) fn scan(ctx: &Context, target: &Target, addr: SocketAddr) -> TlsParams {
    let sni = match &ctx.server_name {
        ServerName::DnsName(d) => Some(d.as_ref().to_owned()),
        _ => None,
    };
    let mut s = Scanner {
        addr,
        sni,
        deadline: ctx.deadline,
        connections: 0,
        unanswered: 0,
    };
    let all_groups: Vec<u16> = GROUPS.iter().map(|(_, g)| *g).collect();
    let classic_groups = all_groups.get(..3).unwrap_or_default();
    let mut versions = Vec::new();
    for (name, version, tls13) in VERSIONS {
        let (suites, groups) = if tls13 {
            (&TLS13_SUITES[..], &all_groups[..])
        } else {
            (&LEGACY_SUITES[..], classic_groups)
        };
        let answer = s.ask(version, tls13, suites, groups);
        let want = if tls13 { TLS13 } else { version };
        versions.push((name, negotiated(&answer, want)));
    }
    let accepted = |name: &str| {
        versions
            .iter()
            .any(|(n, support)| *n == name && *support == Support::Yes)
    };
    let mut suites = Vec::new();
    for (name, version, tls13) in VERSIONS {
        if !accepted(name) {
            continue;
        }
        suites.push(suites_of(&mut s, name, version, tls13, &all_groups));
    }
    let groups = groups_of(&mut s, accepted("TLSv1.3"));
    let alpn_tolerant = alpn(&mut s, accepted("TLSv1.3"), &all_groups);
    let mut params = TlsParams {
        versions,
        suites,
        groups,
        alpn_tolerant,
        served: Vec::new(),
        ocsp_stapled: Support::Unknown("not tested".to_owned()),
        resumption: Support::Unknown("not tested".to_owned()),
        connections: s.connections,
        unanswered: s.unanswered,
        refused_without_cert: None,
    };
    looks(ctx, target, addr, &mut params);
    params
}

/// Whether `answer` negotiated `version`.
fn negotiated(answer: &Answer, version: u16) -> Support {
    match answer {
        Answer::Hello { version: v, .. } if *v == version => Support::Yes,
        Answer::Hello { .. } | Answer::Alert(_) | Answer::Closed => Support::No,
        Answer::Silent => Support::Unknown("no answer before the deadline".to_owned()),
        Answer::Unreachable(e) => Support::Unknown(format!("cannot connect: {e}")),
        Answer::Garbled(e) => Support::Unknown(e.clone()),
    }
}

/// The suite `answer` chose at `version`, if it negotiated that version.
fn chosen(answer: &Answer, version: u16) -> Option<u16> {
    match answer {
        Answer::Hello {
            version: v, suite, ..
        } if *v == version => Some(*suite),
        Answer::Hello { .. }
        | Answer::Alert(_)
        | Answer::Closed
        | Answer::Silent
        | Answer::Unreachable(_)
        | Answer::Garbled(_) => None,
    }
}

fn suites_of(
    scanner: &mut Scanner,
    name: &'static str,
    version: u16,
    tls13: bool,
    all_groups: &[u16],
) -> Suites {
    let s = scanner;
    let want = if tls13 { TLS13 } else { version };
    let candidates: Vec<u16> = if tls13 {
        TLS13_SUITES.to_vec()
    } else if version < 0x0303 {
        LEGACY_SUITES
            .iter()
            .copied()
            .filter(|id| before_tls12(*id))
            .collect()
    } else {
        LEGACY_SUITES.to_vec()
    };
    let groups = if tls13 {
        all_groups
    } else {
        all_groups.get(..3).unwrap_or_default()
    };
    let unanswered = s.unanswered;
    let accepted: Vec<u16> = candidates
        .into_iter()
        .filter(|id| chosen(&s.ask(version, tls13, &[*id], groups), want) == Some(*id))
        .collect();
    let server_preference = match accepted.as_slice() {
        [one, two, ..] => {
            let first = chosen(&s.ask(version, tls13, &[*one, *two], groups), want);
            let second = chosen(&s.ask(version, tls13, &[*two, *one], groups), want);
            first.zip(second).map(|(x, y)| x == y)
        }
        _ => None,
    };
    Suites {
        version: name,
        accepted,
        server_preference,
        complete: s.unanswered == unanswered,
    }
}

/// The groups, with TLS 1.3: one group a hello (the server names it in its
/// HelloRetryRequest). Without TLS 1.3 they are not known: TLS 1.2 names the curve only in
/// its ServerKeyExchange, and a server with an ECDSA certificate refuses a hello whose
/// curves omit the certificate's (RFC 8422 §5.1), so one curve a hello would not tell.
fn groups_of(s: &mut Scanner, tls13: bool) -> Vec<(&'static str, Support)> {
    GROUPS
        .iter()
        .map(|(name, id)| {
            let support = if tls13 {
                match s.ask(0x0303, true, &TLS13_SUITES, &[*id]) {
                    Answer::Hello {
                        version: TLS13,
                        group: Some(g),
                        ..
                    } => {
                        if g == *id {
                            Support::Yes
                        } else {
                            Support::No
                        }
                    }
                    other => match negotiated(&other, TLS13) {
                        Support::Yes => Support::No,
                        other => other,
                    },
                }
            } else {
                Support::Unknown("tested with TLS 1.3 only".to_owned())
            };
            (*name, support)
        })
        .collect()
}

/// Whether a hello with an unknown ALPN protocol is still answered with a ServerHello.
fn alpn(s: &mut Scanner, tls13: bool, all_groups: &[u16]) -> Support {
    let answer = if tls13 {
        s.ask_alpn(0x0303, true, &TLS13_SUITES, all_groups, Some(UNKNOWN_ALPN))
    } else {
        s.ask_alpn(
            0x0303,
            false,
            &LEGACY_SUITES,
            all_groups.get(..3).unwrap_or_default(),
            Some(UNKNOWN_ALPN),
        )
    };
    match answer {
        Answer::Hello { .. } => Support::Yes,
        Answer::Alert(_) | Answer::Closed => Support::No,
        Answer::Silent => Support::Unknown("no answer before the deadline".to_owned()),
        Answer::Unreachable(e) | Answer::Garbled(e) => Support::Unknown(e),
    }
}

/// The rustls looks: SNI = the SIP domain (twice: the second one tells resumption), no SNI,
/// SNI = the SRV target when it is another name.
fn looks(ctx: &Context, target: &Target, addr: SocketAddr, params: &mut TlsParams) {
    let failed = |e: String| Support::Unknown(e);
    let client = ctx.client_auth.as_ref();
    let with_sni = match Looker::new(&ctx.provider, true, client) {
        Ok(l) => l,
        Err(e) => {
            params.ocsp_stapled = failed(e.clone());
            params.resumption = failed(e);
            return;
        }
    };
    params.connections += 1;
    let first = with_sni
        .look(addr, &ctx.server_name, ctx.deadline, true)
        .map_err(|e| e.text);
    params.served.push(Served {
        sni: sni_text(&ctx.server_name),
        result: first
            .as_ref()
            .map(|l| l.chain.clone())
            .map_err(Clone::clone),
    });
    match &first {
        Ok(l) => {
            params.ocsp_stapled = if l.ocsp { Support::Yes } else { Support::No };
            params.connections += 1;
            params.resumption = match (
                &l.refused,
                with_sni.look(addr, &ctx.server_name, ctx.deadline, false),
            ) {
                (Some(why), _) => failed(format!("the server refused the session: {why}")),
                (None, Ok(again)) if again.resumed => Support::Yes,
                (None, Ok(_)) => Support::No,
                (None, Err(e)) => failed(e.text),
            };
        }
        Err(e) => {
            params.ocsp_stapled = failed(e.clone());
            params.resumption = failed(e.clone());
        }
    }
    if client.is_some() {
        params.refused_without_cert = refused_without_cert(ctx, addr, params);
    }
    if let Ok(without) = Looker::new(&ctx.provider, false, client) {
        params.connections += 1;
        params.served.push(Served {
            sni: None,
            result: without
                .look(addr, &ctx.server_name, ctx.deadline, false)
                .map(|l| l.chain)
                .map_err(|e| e.text),
        });
    }
    let srv = ServerName::try_from(target.host.clone())
        .ok()
        .filter(|n| matches!(n, ServerName::DnsName(_)) && *n != ctx.server_name);
    if let Some(srv) = srv {
        params.connections += 1;
        params.served.push(Served {
            sni: sni_text(&srv),
            result: with_sni
                .look(addr, &srv, ctx.deadline, false)
                .map(|l| l.chain)
                .map_err(|e| e.text),
        });
    }
}

/// With `--cert`, one more look without a certificate tells whether the server requires one:
/// `Some(true)` when it refuses the look (in the handshake, or after it in TLS 1.3).
fn refused_without_cert(ctx: &Context, addr: SocketAddr, params: &mut TlsParams) -> Option<bool> {
    let bare = Looker::new(&ctx.provider, true, None).ok()?;
    params.connections += 1;
    match bare.look(addr, &ctx.server_name, ctx.deadline, true) {
        Ok(l) => Some(l.refused.is_some()),
        Err(e) => e.alert.then_some(true),
    }
}

fn sni_text(name: &ServerName<'_>) -> Option<String> {
    match name {
        ServerName::DnsName(d) => Some(d.as_ref().to_owned()),
        _ => None,
    }
}
