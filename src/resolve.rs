//! RFC 3263 §4 server location for SIP over TLS, with DNSSEC status on every step
//! (feature `dns`, on hickory-resolver; the rest of the crate stays DNS-free).
//!
//! [`SipResolver::resolve`] turns an AUS into the ordered list of TLS-over-TCP targets a SIP
//! client would try:
//! - a numeric host: no DNS; the port of the URI or 5061;
//! - an explicit port: A/AAAA of the host only (RFC 3263 §4.2);
//! - else NAPTR (RFC 3263 §4.1; only `SIPS+D2T` is followed, since the probe speaks TLS over
//!   TCP; others are listed in the step), ordered by order then preference; then SRV
//!   (`_sips._tcp.<domain>` when there is no usable NAPTR), ordered by priority and, within a
//!   priority, by weight, heaviest first (RFC 2782's weighted random choice made
//!   deterministic so that reports are reproducible); then A/AAAA of each SRV target; without
//!   SRV records, A/AAAA of the domain at port 5061.
//!
//! Each DNS [`Step`] records its answer and its DNSSEC [`Dnssec`] status. A **bogus** answer is
//! never used: a bogus NAPTR or SRV answer ends resolution ([`Failure::Bogus`]), a bogus
//! address answer marks its [`Target::bogus`] (never connect). Resolution is bounded: at most
//! [`ResolverOptions::max_targets`] targets, at most [`MAX_CNAMES`] CNAMEs per answer, and one
//! total deadline ([`ResolverOptions::total_timeout`]).
//!
//! RFC 7673: when the SRV answer (and the NAPTR answer that led to it, if any) is
//! DNSSEC-secure, the SRV target becomes the second reference identity
//! ([`Target::policy`] sets [`Policy::with_secure_srv_target`]), and the target's TLSA records
//! (`_port._tcp.target`, [`crate::dane::tlsa_name`]) are looked up; otherwise the target is
//! only given as a hint ([`Policy::with_insecure_srv_target`]) and [`Target::srv_note`] says
//! why.
//!
//! # DNSSEC: trust anchors and what is built on hickory
//!
//! Trust anchors ([`ResolverOptions::trust_anchor`]; default: IANA's root keys) are DS or
//! DNSKEY records in zone-file syntax, for the root or for any zone, several per file, with
//! `;`/`#` comments and parentheses; a bad line is an error naming the line
//! ([`ResolverError::TrustAnchor`]). An anchor below the root is an island of security
//! (RFC 4033 §3), as unbound's `trust-anchor` and BIND's `trust-anchors` configure one.
//!
//! hickory's validator (`DnssecDnsHandle`) cannot use such anchors by itself: its anchor file
//! reader takes DNSKEY records only (a DS line fails with "invalid time string"); it trusts
//! only the anchored keys themselves, so a zone whose other keys (the ZSK) are not anchored
//! is checked against a DS at its parent, which an island does not have; and it climbs to the
//! root to prove a name insecure, so with no root anchor every answer, even in an unrelated
//! unsigned zone, is bogus. So validation here is split:
//! - **priming** (this module, over hickory's DNS client and DNSSEC primitives): for the
//!   closest anchor zone at or above a query name, the zone's DNSKEY RRset is asked with the
//!   DO and CD bits set; a key matching a DNSKEY anchor (same algorithm and key) or a DS anchor
//!   (`DS::covers`, same key tag and algorithm) must have signed the RRset (`Verifier::
//!   verify_rrsig`, inside its validity period); then every key of that RRset is trusted for
//!   the zone until the RRset's TTL (at most an hour) or the signature's expiry;
//! - **validation** by hickory, one validating resolver per anchor zone, whose only anchors are
//!   that zone's primed keys: answers in the zone and below (through DS chains) are secure,
//!   insecure below a proven insecure delegation, or bogus. A name under the zone with its
//!   signatures stripped is bogus: the proof of an insecure delegation would have to come from
//!   above the anchor, where this resolver has no key. An answer that leaves the anchor's zone
//!   through a CNAME is validated under that anchor only, so it is bogus;
//! - **routing**: a name under no configured anchor is asked without validation and is
//!   `insecure` (RFC 4035 §4.3: no anchor covers it), never bogus.
//!
//! A signature that does not verify under a configured anchor stays bogus: a DNSKEY RRset
//! that no anchor matches or whose signature does not verify makes every name under that
//! anchor bogus ([`Failure::Bogus`]). When the DNSKEY query for the anchor's zone comes back
//! with no DNSSEC data at all (no DNSKEY records, or no signatures over them, as from a
//! resolver that strips DNSSEC), names under that anchor fail with
//! [`Failure::DnssecUnavailable`] (`dns-dnssec-unavailable`), whose message names the server
//! and what to do; nothing is used from them either.
//!
//! hickory checks the denial of existence in a CNAME answer against the query name instead of
//! the chain's end, so a signed CNAME chain ending in a signed NODATA (an SRV target with an A
//! record and no AAAA) comes back bogus. When a negative answer is bogus, the chain is
//! followed here link by link (each CNAME validated, the end proven to have no CNAME, then the
//! end asked for the type, where the denial matches the name); any part not validating leaves
//! the answer bogus.
//!
//! [`DnssecMode::Off`] resolves without validation: every answer is insecure, so no SRV target
//! becomes an identity and no TLSA record is looked up; the certificate must name the SIP
//! domain. It only narrows what is accepted.
//!
//! The whole flow for one AUS, as `sipcert probe` runs it: resolve, then per target a verifier
//! with that target's policy and TLSA records, a TCP connection to its address, and a TLS
//! handshake whose SNI is the SIP domain.
//!
//! ```no_run
//! use std::sync::Arc;
//! use sipcert::resolve::{ResolverOptions, SipResolver};
//! use sipcert::uri::SipUri;
//! use sipcert::verifier::{server_name_for, DaneServerVerifier, SipServerVerifier};
//! use sipcert::Policy;
//!
//! # fn roots() -> Arc<rustls::RootCertStore> { unimplemented!() }
//! let aus = SipUri::parse("sips:example.com")?;
//! let resolution = SipResolver::new(ResolverOptions::default())?.resolve(&aus);
//! if let Some(why) = resolution.failure_message() {
//!     eprintln!("{why}"); // dns-no-targets, dns-failure or dns-bogus
//! }
//! let provider = Arc::new(rustls::crypto::ring::default_provider());
//! for target in resolution.targets.iter().filter(|t| !t.bogus) {
//!     // RFC 7673: the SRV target is a second reference only from a secure SRV answer.
//!     let sip = SipServerVerifier::builder_with_provider(roots(), provider.clone())
//!         .policy(target.policy(Policy::default()))
//!         .build()?;
//!     let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = match &target.tlsa {
//!         Some(tlsa) => Arc::new(DaneServerVerifier::new(sip, tlsa.clone(), &provider)),
//!         None => sip,
//!     };
//!     let config = rustls::ClientConfig::builder_with_provider(provider.clone())
//!         .with_safe_default_protocol_versions()?
//!         .dangerous()
//!         .with_custom_certificate_verifier(verifier)
//!         .with_no_client_auth();
//!     let conn = rustls::ClientConnection::new(Arc::new(config), server_name_for(&aus)?)?;
//!     // ... connect TCP to target.addresses[0]:target.port and drive `conn` ...
//!     # drop(conn);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod anchors;
mod prime;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::lookup::Lookup;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::DNSKEY;
use hickory_resolver::proto::dnssec::{Proof, PublicKey, PublicKeyBuf, TrustAnchors};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::TokioResolver;

use anchors::{Anchor, AnchorKey};
use prime::PrimeError;

use crate::dane::{TlsaRecord, TlsaSet};
use crate::domain::DomainName;
use crate::policy::Policy;
use crate::uri::{Host, SipUri};

/// The most CNAME records one answer may carry before the step fails.
pub const MAX_CNAMES: usize = 8;

/// The DNSSEC status of an answer (RFC 4033 §5, RFC 4035 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dnssec {
    /// `bogus`: validation failed; the answer is never used.
    Bogus,
    /// `indeterminate`: the status could not be established.
    Indeterminate,
    /// `insecure`: provably unsigned (or no validation was possible below an insecure
    /// delegation).
    Insecure,
    /// `secure`: validated from a trust anchor.
    Secure,
}

impl Dnssec {
    /// The stable code: `secure`, `insecure`, `bogus`, `indeterminate`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Secure => "secure",
            Self::Insecure => "insecure",
            Self::Bogus => "bogus",
            Self::Indeterminate => "indeterminate",
        }
    }

    fn from_proof(p: Proof) -> Self {
        match p {
            Proof::Secure => Self::Secure,
            Proof::Insecure => Self::Insecure,
            Proof::Bogus => Self::Bogus,
            Proof::Indeterminate => Self::Indeterminate,
        }
    }
}

/// What one DNS query returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Records, in presentation form (CNAMEs included).
    Records(Vec<String>),
    /// The name exists but has no record of the type.
    NoData,
    /// The name does not exist.
    NxDomain,
    /// SERVFAIL, a timeout, a network error, a bogus answer, or an over-long CNAME chain.
    Failed(String),
}

/// One DNS query and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The queried name (absolute).
    pub name: String,
    /// The record type (`NAPTR`, `SRV`, `A`, `AAAA`, `TLSA`).
    pub rtype: &'static str,
    /// The answer.
    pub answer: Answer,
    /// Its DNSSEC status.
    pub dnssec: Dnssec,
}

/// One place to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The host connected to: the SRV target, the AUS host, or an IP literal.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The addresses, IPv4 first (empty when none was found or the answer was bogus).
    pub addresses: Vec<IpAddr>,
    /// The SRV target name, when SRV led here.
    pub srv_target: Option<DomainName>,
    /// Whether the SRV answer (and the NAPTR answer before it, if any) was DNSSEC-secure:
    /// the SRV target is then a reference identity (RFC 7673).
    pub srv_secure: bool,
    /// Why the SRV target is, or is not, a reference identity.
    pub srv_note: String,
    /// Indices into [`Resolution::steps`] of the DNS path that led here.
    pub path: Vec<usize>,
    /// Whether an address or TLSA answer was bogus: never connect (RFC 6698 §4.1).
    pub bogus: bool,
    /// The TLSA records (`None` when not looked up, see `tlsa_note`).
    pub tlsa: Option<TlsaSet>,
    /// Why the TLSA records were or were not looked up.
    pub tlsa_note: String,
}

impl Target {
    /// `base` with this target's SRV name: the second reference identity when the SRV path
    /// was DNSSEC-secure (RFC 7673 §4.1), else only a hint.
    pub fn policy(&self, base: Policy) -> Policy {
        match (&self.srv_target, self.srv_secure) {
            (Some(t), true) => base.with_secure_srv_target(t.clone()),
            (Some(t), false) => base.with_insecure_srv_target(t.clone()),
            (None, _) => base,
        }
    }

    /// `host:port` (IPv6 hosts bracketed).
    pub fn label(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Why resolution produced no target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `dns-no-targets`: NXDOMAIN, no records, or an SRV "." (service not offered).
    NoTargets(String),
    /// `dns-failure`: SERVFAIL, a timeout or a network error at the named step.
    Dns {
        /// Index into [`Resolution::steps`].
        step: usize,
        /// What happened.
        message: String,
    },
    /// `dns-bogus`: DNSSEC validation failed at the named step; nothing from it is used.
    Bogus {
        /// Index into [`Resolution::steps`].
        step: usize,
    },
    /// `dns-dnssec-unavailable`: the DNS server returned no DNSSEC data at all for the zone of
    /// the trust anchor that covers the named step (a resolver that strips DNSSEC), so nothing
    /// can be validated; `message` names the server and what to do.
    DnssecUnavailable {
        /// Index into [`Resolution::steps`].
        step: usize,
        /// The explanation, naming the server.
        message: String,
    },
}

impl Failure {
    /// The stable code: `dns-no-targets`, `dns-failure`, `dns-bogus`, `dns-dnssec-unavailable`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoTargets(_) => "dns-no-targets",
            Self::Dns { .. } => "dns-failure",
            Self::Bogus { .. } => "dns-bogus",
            Self::DnssecUnavailable { .. } => "dns-dnssec-unavailable",
        }
    }
}

/// The outcome of [`SipResolver::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Every DNS query made, in order.
    pub steps: Vec<Step>,
    /// The targets, in the order a client tries them.
    pub targets: Vec<Target>,
    /// Set when there is no target.
    pub failure: Option<Failure>,
}

impl Resolution {
    /// A readable message for the failure, naming the step.
    pub fn failure_message(&self) -> Option<String> {
        let f = self.failure.as_ref()?;
        Some(match f {
            Failure::NoTargets(m) => m.clone(),
            Failure::Dns { step, message } | Failure::DnssecUnavailable { step, message } => {
                match self.steps.get(*step) {
                    Some(s) => format!("{} {}: {message}", s.rtype, s.name),
                    None => message.clone(),
                }
            }
            Failure::Bogus { step } => match self.steps.get(*step) {
                Some(s) => format!(
                    "{} {}: DNSSEC validation failed (bogus); the answer is not used",
                    s.rtype, s.name
                ),
                None => "DNSSEC validation failed (bogus)".to_owned(),
            },
        })
    }
}

/// Whether answers are DNSSEC-validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DnssecMode {
    /// Validate from the trust anchors (default): names under an anchor are secure or bogus
    /// (or insecure below a proven insecure delegation), names under none are insecure.
    #[default]
    Validate,
    /// No validation: every answer is insecure, so no SRV target is a reference identity
    /// (RFC 7673) and no TLSA record is looked up; the certificate must name the SIP domain.
    /// This only narrows what is accepted. For resolvers that strip DNSSEC.
    Off,
}

/// How to resolve.
#[derive(Debug, Clone)]
pub struct ResolverOptions {
    /// A DNS server to ask instead of the system's (`/etc/resolv.conf`).
    pub server: Option<SocketAddr>,
    /// A file of trust anchors, DS or DNSKEY records in zone-file syntax (see the module
    /// documentation), instead of the root zone's keys.
    pub trust_anchor: Option<PathBuf>,
    /// Whether to validate DNSSEC (default [`DnssecMode::Validate`]).
    pub dnssec: DnssecMode,
    /// At most this many targets (default 8).
    pub max_targets: usize,
    /// Time for one query, retries included (default 3 s).
    pub query_timeout: Duration,
    /// Time for the whole resolution (default 10 s).
    pub total_timeout: Duration,
    /// Whether the hosts file is consulted for A/AAAA (default `true`).
    pub use_hosts_file: bool,
}

impl Default for ResolverOptions {
    fn default() -> Self {
        Self {
            server: None,
            trust_anchor: None,
            dnssec: DnssecMode::Validate,
            max_targets: 8,
            query_timeout: Duration::from_secs(3),
            total_timeout: Duration::from_secs(10),
            use_hosts_file: true,
        }
    }
}

/// Why a resolver could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolverError {
    /// The trust anchor file could not be read or parsed.
    #[error("trust anchor {}{}: {message}", path.display(), line.map_or_else(String::new, |l| format!(":{l}")))]
    TrustAnchor {
        /// The file.
        path: PathBuf,
        /// The line that is wrong, when one is.
        line: Option<usize>,
        /// What was wrong, or what was expected.
        message: String,
    },
    /// The system configuration, the runtime or the resolver could not be set up.
    #[error("DNS resolver: {0}")]
    Setup(String),
}

/// A validating stub resolver for RFC 3263 (blocking API; it owns a small tokio runtime).
pub struct SipResolver {
    runtime: tokio::runtime::Runtime,
    /// Without validation: names under no anchor, and [`DnssecMode::Off`].
    plain: TokioResolver,
    /// `None` with [`DnssecMode::Off`].
    validation: Option<Validation>,
    options: ResolverOptions,
}

impl std::fmt::Debug for SipResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SipResolver")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The trust anchors and, per anchor zone, the validating resolver built from its primed keys.
struct Validation {
    /// Every anchor, in file order.
    anchors: Vec<Anchor>,
    /// The servers asked for the anchor zones' keys (the resolver's own).
    servers: Vec<SocketAddr>,
    /// How the server is named in messages.
    server_label: String,
    /// Per anchor zone: until when the outcome holds, and the outcome.
    primed: Mutex<HashMap<Name, (Instant, Primed)>>,
}

/// The outcome of priming one anchor zone: the resolver that validates from its keys.
type Primed = Result<Arc<TokioResolver>, PrimeError>;

/// Where one query goes.
enum Route {
    /// Unvalidated: every answer insecure.
    Plain,
    /// Validated by hickory from the primed keys of the closest anchor zone.
    Validated(Arc<TokioResolver>),
    /// The closest anchor zone's keys could not be established.
    Failed(PrimeError),
}

impl SipResolver {
    /// A resolver that validates DNSSEC with the root zone's trust anchors, or with
    /// `options.trust_anchor`; or, with [`DnssecMode::Off`], one that does not validate.
    pub fn new(options: ResolverOptions) -> Result<Self, ResolverError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ResolverError::Setup(e.to_string()))?;
        let plain = build_resolver(&options, None)?;
        let validation = match options.dnssec {
            DnssecMode::Off => None,
            DnssecMode::Validate => Some(Validation::new(&options)?),
        };
        Ok(Self {
            runtime,
            plain,
            validation,
            options,
        })
    }

    /// Resolves `aus` (RFC 3263 §4, TLS over TCP). Never fails: a failure is
    /// [`Resolution::failure`], with every step made so far.
    pub fn resolve(&self, aus: &SipUri<'_>) -> Resolution {
        let mut run = Run {
            sip: self,
            options: &self.options,
            steps: Vec::new(),
            unavailable: Vec::new(),
        };
        let total = self.options.total_timeout;
        let started = Instant::now();
        let result = self
            .runtime
            .block_on(async { tokio::time::timeout(total, run.resolve(aus)).await });
        if let Ok((targets, failure)) = result {
            Resolution {
                steps: run.steps,
                targets,
                failure,
            }
        } else {
            {
                let step = run.steps.len();
                run.steps.push(Step {
                    name: aus.host_str().to_owned(),
                    rtype: "-",
                    answer: Answer::Failed(format!(
                        "resolution exceeded its total time of {:?} (after {:?})",
                        total,
                        started.elapsed()
                    )),
                    dnssec: Dnssec::Indeterminate,
                });
                Resolution {
                    steps: run.steps,
                    targets: Vec::new(),
                    failure: Some(Failure::Dns {
                        step,
                        message: "timeout".to_owned(),
                    }),
                }
            }
        }
    }
}

/// The hickory resolver for `options`: validating from `anchors` when given, else plain.
fn build_resolver(
    options: &ResolverOptions,
    anchors: Option<TrustAnchors>,
) -> Result<TokioResolver, ResolverError> {
    let provider = TokioRuntimeProvider::default();
    let mut builder = match options.server {
        Some(addr) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = addr.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = addr.port();
            let ns = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(vec![ns]),
                provider,
            )
        }
        None => TokioResolver::builder(provider)
            .map_err(|e| ResolverError::Setup(format!("system configuration: {e}")))?,
    };
    let opts: &mut ResolverOpts = builder.options_mut();
    opts.validate = anchors.is_some();
    opts.timeout = options.query_timeout;
    opts.attempts = 1;
    opts.use_hosts_file = if options.use_hosts_file {
        ResolveHosts::Auto
    } else {
        ResolveHosts::Never
    };
    opts.ndots = 0;
    if let Some(anchors) = anchors {
        builder = builder.with_trust_anchor(Arc::new(anchors));
    }
    builder
        .build()
        .map_err(|e| ResolverError::Setup(e.to_string()))
}

impl Validation {
    fn new(options: &ResolverOptions) -> Result<Self, ResolverError> {
        let anchors = if let Some(path) = &options.trust_anchor {
            let error = |line, message| ResolverError::TrustAnchor {
                path: path.clone(),
                line,
                message,
            };
            let text = std::fs::read_to_string(path).map_err(|e| error(None, e.to_string()))?;
            anchors::parse(&text).map_err(|e| error(e.line, e.message))?
        } else {
            // hickory's copy of IANA's root key-signing keys.
            let root = TrustAnchors::default();
            (0..root.len())
                .filter_map(|i| root.get(i))
                .map(|k| Anchor {
                    zone: Name::root(),
                    key: AnchorKey::Dnskey(DNSKEY::with_flags(
                        257,
                        PublicKeyBuf::new(k.public_bytes().to_vec(), k.algorithm()),
                    )),
                    line: 0,
                })
                .collect()
        };
        let (servers, server_label) = if let Some(addr) = options.server {
            (vec![addr], addr.to_string())
        } else {
            let (config, _) = hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| ResolverError::Setup(format!("system configuration: {e}")))?;
            let servers: Vec<SocketAddr> = config
                .name_servers()
                .iter()
                .map(|ns| {
                    let port = ns.connections.first().map_or(53, |c| c.port);
                    SocketAddr::new(ns.ip, port)
                })
                .collect();
            let list: Vec<String> = servers.iter().map(ToString::to_string).collect();
            let label = format!("{} (the system's, /etc/resolv.conf)", list.join(", "));
            (servers, label)
        };
        Ok(Self {
            anchors,
            servers,
            server_label,
            primed: Mutex::new(HashMap::new()),
        })
    }

    /// The closest anchor zone at or above `name`.
    fn anchor_zone(&self, name: &Name) -> Option<&Name> {
        self.anchors
            .iter()
            .map(|a| &a.zone)
            .filter(|z| z.zone_of(name))
            .max_by_key(|z| z.num_labels())
    }

    /// Where a query for `name` goes: unvalidated under no anchor, else to the resolver of the
    /// closest anchor zone, whose keys are primed (and kept until their TTL) first.
    async fn route(&self, name: &Name, options: &ResolverOptions) -> Route {
        let Some(zone) = self.anchor_zone(name).cloned() else {
            return Route::Plain;
        };
        let cached = self
            .primed
            .lock()
            .ok()
            .and_then(|m| m.get(&zone).cloned())
            .filter(|(until, _)| Instant::now() < *until);
        let outcome = if let Some((_, outcome)) = cached {
            outcome
        } else {
            let (outcome, keep) = self.prime(&zone, options).await;
            if let (Some(keep), Ok(mut m)) = (keep, self.primed.lock()) {
                m.insert(zone.clone(), (Instant::now() + keep, outcome.clone()));
            }
            outcome
        };
        match outcome {
            Ok(resolver) => Route::Validated(resolver),
            Err(e) => Route::Failed(e),
        }
    }

    /// Primes `zone` from the first server that answers; the outcome and how long to keep it.
    async fn prime(
        &self,
        zone: &Name,
        options: &ResolverOptions,
    ) -> (Result<Arc<TokioResolver>, PrimeError>, Option<Duration>) {
        const KEEP_FAILURE: Duration = Duration::from_secs(30);
        let keys: Vec<&AnchorKey> = self
            .anchors
            .iter()
            .filter(|a| &a.zone == zone)
            .map(|a| &a.key)
            .collect();
        let mut outcome = Err(PrimeError::Dns(format!(
            "DNSKEY {zone} (trust anchor): no DNS server configured"
        )));
        for server in &self.servers {
            outcome = prime::prime(*server, zone, &keys, options.query_timeout).await;
            if !matches!(outcome, Err(PrimeError::Dns(_))) {
                break;
            }
        }
        match outcome {
            Ok(primed) => {
                let mut anchors = TrustAnchors::empty();
                for k in &primed.keys {
                    anchors.insert_with_name(k.public_key(), zone.into());
                }
                match build_resolver(options, Some(anchors)) {
                    Ok(r) => (Ok(Arc::new(r)), Some(primed.ttl)),
                    Err(e) => (Err(PrimeError::Dns(e.to_string())), None),
                }
            }
            Err(PrimeError::Unavailable(detail)) => (
                Err(PrimeError::Unavailable(format!(
                    "the DNS server {} returned no DNSSEC data for the trust anchor's zone {zone} \
                     ({detail}). It does not pass DNSSEC through, as many ISP and corporate \
                     resolvers do not, so no answer can be validated and nothing is probed. Ask a \
                     resolver that returns DNSSEC records (--dns-server IP:PORT, e.g. a local \
                     unbound), or resolve without DNSSEC with --dnssec off (DnssecMode::Off): \
                     every answer is then insecure, no SRV target is an identity and no DANE is \
                     used, and the certificate must still name the SIP domain.",
                    self.server_label,
                    zone = if zone.is_root() {
                        ". (the root)".to_owned()
                    } else {
                        zone.to_string()
                    },
                ))),
                Some(KEEP_FAILURE),
            ),
            Err(e @ PrimeError::Bogus(_)) => (Err(e), Some(KEEP_FAILURE)),
            Err(e @ PrimeError::Dns(_)) => (Err(e), None),
        }
    }
}

/// One resolution in progress.
struct Run<'a> {
    sip: &'a SipResolver,
    options: &'a ResolverOptions,
    steps: Vec<Step>,
    /// Steps whose anchor zone had no DNSSEC data, with the explanation.
    unavailable: Vec<(usize, String)>,
}

/// A NAPTR or SRV answer, with the step index.
struct Looked {
    step: usize,
    data: Vec<RData>,
}

impl Run<'_> {
    #[allow(clippy::too_many_lines)] // the RFC 3263 §4 sequence, read top to bottom
    async fn resolve(&mut self, aus: &SipUri<'_>) -> (Vec<Target>, Option<Failure>) {
        let domain = match aus.host() {
            Host::Ipv4(a) => return (vec![Self::literal(IpAddr::V4(a), aus.port())], None),
            Host::Ipv6(a) => return (vec![Self::literal(IpAddr::V6(a), aus.port())], None),
            Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        };
        if let Some(port) = aus.port() {
            let target = self
                .host_target(
                    &domain,
                    port,
                    None,
                    false,
                    "an explicit port: no NAPTR/SRV (RFC 3263 §4.2)".to_owned(),
                    Vec::new(),
                )
                .await;
            return self.finish(vec![target]);
        }
        // NAPTR.
        let naptr = match self.query(&domain, RecordType::NAPTR).await {
            Ok(l) => Some(l),
            Err(Some(f)) => return (Vec::new(), Some(f)),
            Err(None) => None,
        };
        let mut srv_names: Vec<(String, Option<usize>)> = Vec::new();
        if let Some(l) = &naptr {
            srv_names.extend(
                naptr_sips_tcp(&l.data)
                    .into_iter()
                    .map(|name| (name, Some(l.step))),
            );
        }
        if srv_names.is_empty() {
            srv_names.push((format!("_sips._tcp.{domain}"), None));
        }
        // SRV, for each NAPTR replacement in order (or the constructed name).
        let mut targets = Vec::new();
        let mut srv_found = false;
        for (name, naptr_step) in srv_names {
            let naptr_secure = naptr_step
                .and_then(|i| self.steps.get(i))
                .is_none_or(|s| s.dnssec == Dnssec::Secure);
            let srv = match self.query(&name, RecordType::SRV).await {
                Ok(l) => l,
                Err(Some(f)) => return (targets, Some(f)),
                Err(None) => continue,
            };
            srv_found = true;
            let srv_dnssec = self
                .steps
                .get(srv.step)
                .map_or(Dnssec::Indeterminate, |s| s.dnssec);
            let records = srv_order(&srv.data);
            if records.len() == 1 && records.iter().all(|r| r.1 == ".") {
                return (
                    targets,
                    Some(Failure::NoTargets(format!(
                        "{name} SRV is \".\": the service is not offered (RFC 2782)"
                    ))),
                );
            }
            let secure = naptr_secure && srv_dnssec == Dnssec::Secure;
            let note = match (secure, naptr_step.is_some()) {
                (true, true) => "NAPTR and SRV answers DNSSEC-secure: the SRV target is a reference identity (RFC 7673 §4.1)".to_owned(),
                (true, false) => "SRV answer DNSSEC-secure: the SRV target is a reference identity (RFC 7673 §4.1)".to_owned(),
                (false, _) => format!(
                    "the {} answer is {}: the SRV target is not a reference identity (RFC 5922 §7.2; RFC 7673 needs DNSSEC)",
                    if naptr_secure { "SRV" } else { "NAPTR" },
                    if naptr_secure { srv_dnssec.code() } else { "not secure" }
                ),
            };
            let mut path = naptr_step.into_iter().collect::<Vec<_>>();
            path.push(srv.step);
            for (port, target) in records {
                if targets.len() >= self.options.max_targets {
                    break;
                }
                let host = target.trim_end_matches('.').to_ascii_lowercase();
                let srv_target = DomainName::from_ascii(&host).ok();
                let t = self
                    .host_target(&host, port, srv_target, secure, note.clone(), path.clone())
                    .await;
                targets.push(t);
            }
            if !targets.is_empty() {
                break;
            }
        }
        if !srv_found {
            let t = self
                .host_target(
                    &domain,
                    5061,
                    None,
                    false,
                    "no SRV records: A/AAAA of the domain at 5061 (RFC 3263 §4.2)".to_owned(),
                    Vec::new(),
                )
                .await;
            targets.push(t);
        }
        self.finish(targets)
    }

    fn finish(&self, targets: Vec<Target>) -> (Vec<Target>, Option<Failure>) {
        if targets.iter().all(|t| t.addresses.is_empty() && !t.bogus) {
            if let Some((step, message)) = self.unavailable.first() {
                return (
                    targets,
                    Some(Failure::DnssecUnavailable {
                        step: *step,
                        message: message.clone(),
                    }),
                );
            }
            let names: Vec<String> = targets.iter().map(Target::label).collect();
            return (
                targets,
                Some(Failure::NoTargets(format!(
                    "no address for {}",
                    if names.is_empty() {
                        "any target".to_owned()
                    } else {
                        names.join(", ")
                    }
                ))),
            );
        }
        (targets, None)
    }

    fn literal(ip: IpAddr, port: Option<u16>) -> Target {
        Target {
            host: ip.to_string(),
            port: port.unwrap_or(5061),
            addresses: vec![ip],
            srv_target: None,
            srv_secure: false,
            srv_note: "a numeric host: no DNS (RFC 3263 §4.2)".to_owned(),
            path: Vec::new(),
            bogus: false,
            tlsa: None,
            tlsa_note: "no DNS for a numeric host".to_owned(),
        }
    }

    /// A/AAAA (and TLSA when the path is secure) of one host.
    async fn host_target(
        &mut self,
        host: &str,
        port: u16,
        srv_target: Option<DomainName>,
        srv_secure: bool,
        srv_note: String,
        mut path: Vec<usize>,
    ) -> Target {
        let mut addresses = Vec::new();
        let mut bogus = false;
        let mut address_secure = true;
        for rtype in [RecordType::A, RecordType::AAAA] {
            let (step, data) = self.raw_query(host, rtype).await;
            path.push(step);
            let dnssec = self
                .steps
                .get(step)
                .map_or(Dnssec::Indeterminate, |s| s.dnssec);
            bogus |= dnssec == Dnssec::Bogus;
            if !data.is_empty() {
                address_secure &= dnssec == Dnssec::Secure;
            }
            addresses.extend(data.iter().filter_map(|r| match r {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                _ => None,
            }));
        }
        if bogus {
            addresses.clear();
        }
        // RFC 7673 §3: TLSA only behind a secure SRV path (or, without SRV, secure addresses,
        // RFC 6698 §4).
        let tlsa_eligible = !bogus
            && !addresses.is_empty()
            && if srv_target.is_some() {
                srv_secure
            } else {
                address_secure
            };
        let (tlsa, tlsa_note) = match DomainName::from_ascii(host) {
            Ok(name) if tlsa_eligible => {
                let qname = crate::dane::tlsa_name(port, &name);
                let (step, data) = self.raw_query(&qname, RecordType::TLSA).await;
                path.push(step);
                let dnssec = self
                    .steps
                    .get(step)
                    .map_or(Dnssec::Indeterminate, |s| s.dnssec);
                let records: Vec<TlsaRecord> = data
                    .iter()
                    .filter_map(|r| match r {
                        RData::TLSA(t) => Some(TlsaRecord::new(
                            u8::from(t.cert_usage),
                            u8::from(t.selector),
                            u8::from(t.matching),
                            t.cert_data.clone(),
                        )),
                        _ => None,
                    })
                    .collect();
                match dnssec {
                    Dnssec::Secure => (
                        Some(TlsaSet::secure(records)),
                        format!("{qname} TLSA answer secure"),
                    ),
                    // RFC 6698 §4.1: a bogus TLSA answer aborts the connection.
                    Dnssec::Bogus => {
                        bogus = true;
                        (
                            Some(TlsaSet::insecure(records)),
                            format!("{qname} TLSA answer bogus: the target is not used"),
                        )
                    }
                    other @ (Dnssec::Insecure | Dnssec::Indeterminate) => (
                        Some(TlsaSet::insecure(records)),
                        format!(
                            "{qname} TLSA answer {}: its records are unusable",
                            other.code()
                        ),
                    ),
                }
            }
            Ok(_) | Err(_) => (
                None,
                if srv_target.is_some() {
                    "not looked up: the SRV path is not DNSSEC-secure (RFC 7673 §3)".to_owned()
                } else {
                    "not looked up: the address answer is not DNSSEC-secure".to_owned()
                },
            ),
        };
        Target {
            host: host.to_owned(),
            port,
            addresses,
            srv_target,
            srv_secure,
            srv_note,
            path,
            bogus,
            tlsa,
            tlsa_note,
        }
    }

    /// A NAPTR or SRV query: `Ok` with records, `Err(None)` for NXDOMAIN/NODATA (fall back),
    /// `Err(Some(failure))` for a failure or a bogus answer (stop).
    async fn query(&mut self, name: &str, rtype: RecordType) -> Result<Looked, Option<Failure>> {
        let (step, data) = self.raw_query(name, rtype).await;
        let Some(s) = self.steps.get(step) else {
            return Err(Some(Failure::NoTargets("internal: step lost".to_owned())));
        };
        if let Some((_, message)) = self.unavailable.iter().find(|(i, _)| *i == step) {
            return Err(Some(Failure::DnssecUnavailable {
                step,
                message: message.clone(),
            }));
        }
        match (&s.answer, s.dnssec) {
            (_, Dnssec::Bogus) => Err(Some(Failure::Bogus { step })),
            (Answer::Failed(m), _) => Err(Some(Failure::Dns {
                step,
                message: m.clone(),
            })),
            (Answer::NoData | Answer::NxDomain, _) => Err(None),
            (Answer::Records(_), _) => Ok(Looked { step, data }),
        }
    }

    /// One query, recorded as a step; the records of the asked type (none when bogus).
    async fn raw_query(&mut self, name: &str, rtype: RecordType) -> (usize, Vec<RData>) {
        let qname = if name.ends_with('.') {
            name.to_owned()
        } else {
            format!("{name}.")
        };
        let (answer, dnssec, data, unavailable) = self.lookup(&qname, rtype).await;
        self.steps.push(Step {
            name: qname,
            rtype: rtype_name(rtype),
            answer,
            dnssec,
        });
        let step = self.steps.len() - 1;
        if let Some(message) = unavailable {
            self.unavailable.push((step, message));
        }
        (step, data)
    }

    /// One query on its route: the answer, its status, the records of the asked type, and the
    /// explanation when the anchor zone had no DNSSEC data.
    async fn lookup(
        &self,
        qname: &str,
        rtype: RecordType,
    ) -> (Answer, Dnssec, Vec<RData>, Option<String>) {
        let route = match (&self.sip.validation, Name::from_ascii(qname)) {
            (None, _) => Route::Plain,
            (Some(v), Ok(name)) => v.route(&name, self.options).await,
            (Some(_), Err(e)) => {
                return (
                    Answer::Failed(format!("{qname}: {e}")),
                    Dnssec::Indeterminate,
                    Vec::new(),
                    None,
                )
            }
        };
        match route {
            Route::Plain => {
                let (answer, _, data) = interpret(self.sip.plain.lookup(qname, rtype).await, rtype);
                let dnssec = if matches!(answer, Answer::Failed(_)) {
                    Dnssec::Indeterminate
                } else {
                    Dnssec::Insecure
                };
                (answer, dnssec, data, None)
            }
            Route::Validated(resolver) => {
                let result = resolver.lookup(qname, rtype).await;
                let negative = result.is_err();
                let (answer, dnssec, data) = interpret(result, rtype);
                if negative && dnssec == Dnssec::Bogus {
                    if let Some((answer, dnssec, data)) = cname_chain(&resolver, qname, rtype).await
                    {
                        return (answer, dnssec, data, None);
                    }
                }
                (answer, dnssec, data, None)
            }
            Route::Failed(PrimeError::Unavailable(message)) => (
                Answer::Failed(
                    "DNSSEC unavailable: no DNSSEC data for the trust anchor's zone".to_owned(),
                ),
                Dnssec::Indeterminate,
                Vec::new(),
                Some(message),
            ),
            Route::Failed(PrimeError::Bogus(m)) => (
                Answer::Failed(format!("DNSSEC bogus: {m}")),
                Dnssec::Bogus,
                Vec::new(),
                None,
            ),
            Route::Failed(PrimeError::Dns(m)) => {
                (Answer::Failed(m), Dnssec::Indeterminate, Vec::new(), None)
            }
        }
    }
}

/// A lookup's outcome as an answer, a DNSSEC status and the records of the asked type.
fn interpret(result: Result<Lookup, NetError>, rtype: RecordType) -> (Answer, Dnssec, Vec<RData>) {
    match result {
        Ok(lookup) => {
            let answers = lookup.answers();
            let cnames = answers
                .iter()
                .filter(|r| r.record_type() == RecordType::CNAME)
                .count();
            let relevant: Vec<_> = answers
                .iter()
                .filter(|r| r.record_type() == rtype || r.record_type() == RecordType::CNAME)
                .collect();
            let dnssec = relevant
                .iter()
                .map(|r| Dnssec::from_proof(r.proof))
                .min()
                .unwrap_or(Dnssec::Indeterminate);
            let data: Vec<RData> = answers
                .iter()
                .filter(|r| r.record_type() == rtype)
                .map(|r| r.data.clone())
                .collect();
            if cnames > MAX_CNAMES {
                (
                    Answer::Failed(format!("{cnames} CNAMEs: more than {MAX_CNAMES}")),
                    dnssec,
                    Vec::new(),
                )
            } else if dnssec == Dnssec::Bogus {
                (
                    Answer::Failed("DNSSEC bogus".to_owned()),
                    dnssec,
                    Vec::new(),
                )
            } else if data.is_empty() {
                (Answer::NoData, dnssec, Vec::new())
            } else {
                let shown = relevant.iter().map(|r| r.data.to_string()).collect();
                (Answer::Records(shown), dnssec, data)
            }
        }
        Err(e) => {
            let (answer, dnssec) = negative(&e);
            (answer, dnssec, Vec::new())
        }
    }
}

/// A negative answer at the end of a CNAME chain, link by link. hickory checks the denial of
/// existence in a CNAME answer against the query name rather than against the chain's end, so
/// a signed chain ending in a signed NODATA or NXDOMAIN comes back bogus. Here each link is
/// asked (CNAME) and must validate, the chain's end must be proven to have no CNAME, and the
/// end is asked for `rtype` itself, where the denial is checked against the right name. `None`
/// when `qname` is no alias or any part is not validated (the bogus answer stands).
async fn cname_chain(
    resolver: &TokioResolver,
    qname: &str,
    rtype: RecordType,
) -> Option<(Answer, Dnssec, Vec<RData>)> {
    let mut name = Name::from_ascii(qname).ok()?;
    let mut shown = Vec::new();
    let mut status = Dnssec::Secure;
    loop {
        match resolver.lookup(name.clone(), RecordType::CNAME).await {
            Ok(lookup) => {
                let link = lookup
                    .answers()
                    .iter()
                    .find(|r| r.record_type() == RecordType::CNAME && r.name == name)?;
                let RData::CNAME(target) = &link.data else {
                    return None;
                };
                let proof = Dnssec::from_proof(link.proof);
                if proof == Dnssec::Bogus || shown.len() >= MAX_CNAMES {
                    return None;
                }
                status = status.min(proof);
                shown.push(link.data.to_string());
                name = target.0.clone();
            }
            Err(e) => match negative(&e) {
                (Answer::NoData, proof) if proof != Dnssec::Bogus => {
                    status = status.min(proof);
                    break;
                }
                _ => return None,
            },
        }
    }
    if shown.is_empty() {
        return None;
    }
    let (answer, proof, data) = interpret(resolver.lookup(name, rtype).await, rtype);
    if proof == Dnssec::Bogus {
        return None;
    }
    let answer = match answer {
        Answer::Records(records) => Answer::Records(shown.into_iter().chain(records).collect()),
        Answer::Failed(_) => return None,
        other @ (Answer::NoData | Answer::NxDomain) => other,
    };
    Some((answer, status.min(proof), data))
}

/// The SRV names of the NAPTR rules for SIP over TLS over TCP (`SIPS+D2T`, flag `s`), by
/// order then preference (RFC 3263 §4.1, RFC 3403 §4.1).
fn naptr_sips_tcp(data: &[RData]) -> Vec<String> {
    let mut rules: Vec<(u16, u16, String)> = data
        .iter()
        .filter_map(|r| match r {
            RData::NAPTR(n)
                if n.services.eq_ignore_ascii_case(b"SIPS+D2T")
                    && n.flags.eq_ignore_ascii_case(b"s") =>
            {
                Some((n.order, n.preference, n.replacement.to_ascii()))
            }
            _ => None,
        })
        .collect();
    rules.sort();
    rules.into_iter().map(|(_, _, name)| name).collect()
}

/// SRV records as (port, target), by priority, then by weight, heaviest first (RFC 2782's
/// weighted choice made deterministic), then by target name.
fn srv_order(data: &[RData]) -> Vec<(u16, String)> {
    let mut records: Vec<(u16, u16, u16, String)> = data
        .iter()
        .filter_map(|r| match r {
            RData::SRV(s) => Some((s.priority, s.weight, s.port, s.target.to_ascii())),
            _ => None,
        })
        .collect();
    records.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.3.cmp(&b.3)));
    records
        .into_iter()
        .map(|(_, _, port, t)| (port, t))
        .collect()
}

/// A failed lookup as an answer and a DNSSEC status.
fn negative(e: &NetError) -> (Answer, Dnssec) {
    let nx = |code: ResponseCode| {
        if code == ResponseCode::NXDomain {
            Answer::NxDomain
        } else {
            Answer::NoData
        }
    };
    match e {
        NetError::Dns(DnsError::NoRecordsFound(nr)) => {
            // The denial's own records (SOA, NSEC) carry the validator's proof.
            let dnssec = nr
                .authorities
                .as_deref()
                .unwrap_or_default()
                .iter()
                .map(|r| Dnssec::from_proof(r.proof))
                .min()
                .unwrap_or(Dnssec::Indeterminate);
            if dnssec == Dnssec::Bogus {
                (
                    Answer::Failed("DNSSEC bogus denial of existence".to_owned()),
                    dnssec,
                )
            } else {
                (nx(nr.response_code), dnssec)
            }
        }
        NetError::Dns(DnsError::Nsec {
            response, proof, ..
        }) => {
            let dnssec = Dnssec::from_proof(*proof);
            if dnssec == Dnssec::Bogus {
                (
                    Answer::Failed("DNSSEC bogus denial of existence".to_owned()),
                    dnssec,
                )
            } else {
                (nx(response.response_code), dnssec)
            }
        }
        NetError::Dns(DnsError::DnssecBogus) => {
            (Answer::Failed("DNSSEC bogus".to_owned()), Dnssec::Bogus)
        }
        NetError::Dns(DnsError::ResponseCode(code)) => {
            (Answer::Failed(format!("{code}")), Dnssec::Indeterminate)
        }
        NetError::Timeout => (Answer::Failed("timeout".to_owned()), Dnssec::Indeterminate),
        other => (Answer::Failed(other.to_string()), Dnssec::Indeterminate),
    }
}

fn rtype_name(t: RecordType) -> &'static str {
    match t {
        RecordType::NAPTR => "NAPTR",
        RecordType::SRV => "SRV",
        RecordType::A => "A",
        RecordType::AAAA => "AAAA",
        RecordType::TLSA => "TLSA",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use hickory_resolver::proto::rr::rdata::{NAPTR, SRV};
    use hickory_resolver::proto::rr::Name;

    use super::*;

    fn name(s: &str) -> Name {
        Name::from_ascii(s).expect("name")
    }

    #[test]
    fn naptr_rules_for_tls_over_tcp_in_order() {
        let rule = |order, pref, flags: &str, service: &str, to: &str| {
            RData::NAPTR(NAPTR::new(
                order,
                pref,
                flags.as_bytes().into(),
                service.as_bytes().into(),
                Box::default(),
                name(to),
            ))
        };
        let data = [
            rule(20, 10, "s", "SIPS+D2T", "_sips._tcp.late.example."),
            rule(10, 50, "s", "SIPS+D2T", "_sips._tcp.b.example."),
            rule(10, 10, "S", "sips+d2t", "_sips._tcp.a.example."),
            rule(5, 10, "s", "SIP+D2U", "_sip._udp.example."),
            rule(5, 10, "s", "SIPS+D2S", "_sips._sctp.example."),
            rule(5, 10, "a", "SIPS+D2T", "sip.example."),
        ];
        assert_eq!(
            naptr_sips_tcp(&data),
            [
                "_sips._tcp.a.example.",
                "_sips._tcp.b.example.",
                "_sips._tcp.late.example."
            ]
        );
    }

    #[test]
    fn srv_records_by_priority_then_weight() {
        let srv = |p, w, port, t: &str| RData::SRV(SRV::new(p, w, port, name(t)));
        let data = [
            srv(20, 0, 5064, "d.example."),
            srv(10, 10, 5062, "b.example."),
            srv(10, 60, 5061, "a.example."),
            srv(20, 50, 5063, "c.example."),
            srv(10, 10, 5065, "a2.example."),
        ];
        let got: Vec<u16> = srv_order(&data).into_iter().map(|(p, _)| p).collect();
        assert_eq!(got, [5061, 5065, 5062, 5063, 5064]);
    }

    #[test]
    fn target_policy_uses_the_srv_name_only_when_secure() {
        let t = |secure| Target {
            host: "sip1.example.net".to_owned(),
            port: 5061,
            addresses: Vec::new(),
            srv_target: Some(DomainName::from_ascii("sip1.example.net").expect("name")),
            srv_secure: secure,
            srv_note: String::new(),
            path: Vec::new(),
            bogus: false,
            tlsa: None,
            tlsa_note: String::new(),
        };
        let secure = t(true).policy(Policy::default());
        assert_eq!(
            secure.secure_srv_target().map(DomainName::as_str),
            Some("sip1.example.net")
        );
        let insecure = t(false).policy(Policy::default());
        assert_eq!(insecure.secure_srv_target(), None);
        assert_eq!(
            insecure.insecure_srv_target().map(DomainName::as_str),
            Some("sip1.example.net")
        );
    }
}
