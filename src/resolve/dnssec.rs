//! The DNSSEC side of resolution: routing each query to the validating resolver of the
//! closest trust anchor zone (priming its keys with [`super::prime`] first), and mapping
//! hickory's answers and proofs to an [`Answer`] and a [`Dnssec`] status, negative answers and
//! CNAME chains included.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_resolver::lookup::Lookup;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::DNSKEY;
use hickory_resolver::proto::dnssec::{Proof, PublicKey, PublicKeyBuf, TrustAnchors};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, RecordType};
use hickory_resolver::TokioResolver;

use super::anchors::{self, Anchor, AnchorKey};
use super::prime::{self, PrimeError};
use super::{
    build_resolver, Answer, Dnssec, ResolverError, ResolverOptions, SipResolver, MAX_CNAMES,
};

impl Dnssec {
    fn from_proof(p: Proof) -> Self {
        match p {
            Proof::Secure => Self::Secure,
            Proof::Insecure => Self::Insecure,
            Proof::Bogus => Self::Bogus,
            Proof::Indeterminate => Self::Indeterminate,
        }
    }
}

/// The trust anchors and, per anchor zone, the validating resolver built from its primed keys.
pub(super) struct Validation {
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

impl Validation {
    pub(super) fn new(options: &ResolverOptions) -> Result<Self, ResolverError> {
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

impl SipResolver {
    /// One query on its route: the answer, its status, the records of the asked type, and the
    /// explanation when the anchor zone had no DNSSEC data.
    pub(super) async fn lookup(
        &self,
        qname: &str,
        rtype: RecordType,
    ) -> (Answer, Dnssec, Vec<RData>, Option<String>) {
        let route = match (&self.validation, Name::from_ascii(qname)) {
            (None, _) => Route::Plain,
            (Some(v), Ok(name)) => v.route(&name, &self.options).await,
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
                let (answer, _, data) = interpret(self.plain.lookup(qname, rtype).await, rtype);
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
