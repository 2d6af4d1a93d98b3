//! The RFC 3263 §4 steps for SIP over TLS over TCP: NAPTR, SRV, then A/AAAA (and TLSA behind
//! a secure path) of each target, every query recorded as a [`Step`].

use std::net::IpAddr;

use hickory_resolver::proto::rr::{RData, RecordType};

use super::{Answer, Dnssec, Failure, ResolverOptions, SipResolver, Step, Target};
use crate::dane::{TlsaRecord, TlsaSet};
use crate::domain::DomainName;
use crate::uri::{Host, SipUri};

/// One resolution in progress.
pub(super) struct Run<'a> {
    pub(super) sip: &'a SipResolver,
    pub(super) options: &'a ResolverOptions,
    pub(super) steps: Vec<Step>,
    /// Steps whose anchor zone had no DNSSEC data, with the explanation.
    pub(super) unavailable: Vec<(usize, String)>,
}

/// A NAPTR or SRV answer, with the step index.
struct Looked {
    step: usize,
    data: Vec<RData>,
}

impl Run<'_> {
    /// The RFC 3263 §4 sequence: a numeric host needs no DNS; an explicit port, A/AAAA of the
    /// host; else NAPTR, SRV and the addresses of the SRV targets, or, without SRV records,
    /// the addresses of the domain at 5061.
    pub(super) async fn resolve(&mut self, aus: &SipUri<'_>) -> (Vec<Target>, Option<Failure>) {
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
        let srv_names = match self.naptr(&domain).await {
            Ok(names) => names,
            Err(f) => return (Vec::new(), Some(f)),
        };
        let mut targets = Vec::new();
        match self.srv(srv_names, &mut targets).await {
            Ok(true) => {}
            Ok(false) => {
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
            Err(f) => return (targets, Some(f)),
        }
        self.finish(targets)
    }

    /// NAPTR of `domain` (RFC 3263 §4.1): the SRV names of its rules for TLS over TCP, each
    /// with the NAPTR step, or `_sips._tcp.<domain>` when there is none.
    async fn naptr(&mut self, domain: &str) -> Result<Vec<(String, Option<usize>)>, Failure> {
        let naptr = match self.query(domain, RecordType::NAPTR).await {
            Ok(l) => Some(l),
            Err(Some(f)) => return Err(f),
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
        Ok(srv_names)
    }

    /// SRV for each name in order (each NAPTR replacement, or the constructed name) until one
    /// gives targets, which are added to `targets`: whether any SRV answer was found.
    async fn srv(
        &mut self,
        srv_names: Vec<(String, Option<usize>)>,
        targets: &mut Vec<Target>,
    ) -> Result<bool, Failure> {
        let mut srv_found = false;
        for (name, naptr_step) in srv_names {
            let naptr_secure = naptr_step
                .and_then(|i| self.steps.get(i))
                .is_none_or(|s| s.dnssec == Dnssec::Secure);
            let srv = match self.query(&name, RecordType::SRV).await {
                Ok(l) => l,
                Err(Some(f)) => return Err(f),
                Err(None) => continue,
            };
            srv_found = true;
            let srv_dnssec = self
                .steps
                .get(srv.step)
                .map_or(Dnssec::Indeterminate, |s| s.dnssec);
            let records = srv_order(&srv.data);
            if records.len() == 1 && records.iter().all(|r| r.1 == ".") {
                return Err(Failure::NoTargets(format!(
                    "{name} SRV is \".\": the service is not offered (RFC 2782)"
                )));
            }
            let secure = naptr_secure && srv_dnssec == Dnssec::Secure;
            let note = srv_note(secure, naptr_step.is_some(), naptr_secure, srv_dnssec);
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
        Ok(srv_found)
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
        let (addresses, mut bogus, address_secure) = self.addresses(host, &mut path).await;
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
            Ok(name) if tlsa_eligible => self.tlsa(port, &name, &mut path, &mut bogus).await,
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

    /// A and AAAA of `host`, steps added to `path`: the addresses (none when an answer is
    /// bogus), whether an answer was bogus, and whether every answer with records was secure.
    async fn addresses(&mut self, host: &str, path: &mut Vec<usize>) -> (Vec<IpAddr>, bool, bool) {
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
        (addresses, bogus, address_secure)
    }

    /// The TLSA records of `name`'s `port` (step added to `path`), usable only from a secure
    /// answer; a bogus answer sets `bogus` (RFC 6698 §4.1: the target is not used).
    async fn tlsa(
        &mut self,
        port: u16,
        name: &DomainName,
        path: &mut Vec<usize>,
        bogus: &mut bool,
    ) -> (Option<TlsaSet>, String) {
        let qname = crate::dane::tlsa_name(port, name);
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
                *bogus = true;
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
        let (answer, dnssec, data, unavailable) = self.sip.lookup(&qname, rtype).await;
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
}

/// Why the SRV target is, or is not, a reference identity (RFC 7673 §4.1): `secure` when the
/// SRV answer and the NAPTR answer before it (`from_naptr`), if any, are DNSSEC-secure.
fn srv_note(secure: bool, from_naptr: bool, naptr_secure: bool, srv_dnssec: Dnssec) -> String {
    match (secure, from_naptr) {
        (true, true) => "NAPTR and SRV answers DNSSEC-secure: the SRV target is a reference identity (RFC 7673 §4.1)".to_owned(),
        (true, false) => "SRV answer DNSSEC-secure: the SRV target is a reference identity (RFC 7673 §4.1)".to_owned(),
        (false, _) => format!(
            "the {} answer is {}: the SRV target is not a reference identity (RFC 5922 §7.2; RFC 7673 needs DNSSEC)",
            if naptr_secure { "SRV" } else { "NAPTR" },
            if naptr_secure { srv_dnssec.code() } else { "not secure" }
        ),
    }
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
}
