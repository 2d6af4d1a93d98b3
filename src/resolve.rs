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
mod dnssec;
mod prime;
mod steps;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::dnssec::TrustAnchors;
use hickory_resolver::TokioResolver;

use dnssec::Validation;
use steps::Run;

use crate::dane::TlsaSet;
use crate::domain::DomainName;
use crate::policy::Policy;
use crate::uri::SipUri;

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
        self.resolve_within(aus, self.options.total_timeout)
    }

    /// [`Self::resolve`] with `total` as the time for the whole resolution instead of
    /// [`ResolverOptions::total_timeout`]: one resolver serves many domains, each with the
    /// time its caller has left. The resolver may be shared between threads.
    pub fn resolve_within(&self, aus: &SipUri<'_>, total: Duration) -> Resolution {
        let mut run = Run {
            sip: self,
            options: &self.options,
            steps: Vec::new(),
            unavailable: Vec::new(),
        };
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

#[cfg(test)]
mod tests {
    use super::*;

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
