//! Trust anchor priming (RFC 4035 §4.4, RFC 5011 §2's "initial" step): the anchor zone's DNSKEY
//! RRset, asked with the DO and CD bits set, checked here against the configured DS or DNSKEY
//! anchors with hickory's primitives (`DS::covers`, `DNSKEY` as a `Verifier` of the RRSIG over
//! the RRset). Its keys then become the anchors hickory's validator starts from.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::tcp::TcpClientStream;
use hickory_resolver::net::udp::UdpClientStream;
use hickory_resolver::net::xfer::{DnsHandle, FirstAnswer};
use hickory_resolver::net::NetError;
use hickory_resolver::proto::dnssec::rdata::{DNSSECRData, DNSKEY, RRSIG};
use hickory_resolver::proto::dnssec::{PublicKey, Verifier};
use hickory_resolver::proto::op::{
    DnsRequest, DnsRequestOptions, DnsResponse, Query, ResponseCode,
};
use hickory_resolver::proto::rr::{DNSClass, Name, RData, Record, RecordType};

use super::anchors::AnchorKey;

/// Why an anchor zone's keys could not be established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrimeError {
    /// The server returned no DNSSEC data at all for the zone: no DNSKEY records, or no
    /// signatures over them (a resolver that strips DNSSEC, or a zone served unsigned).
    Unavailable(String),
    /// DNSSEC data came back, but no key matches the anchor or no signature verifies with it.
    Bogus(String),
    /// A timeout, a network error, or a response code other than NOERROR/NXDOMAIN.
    Dns(String),
}

/// The zone's keys, trusted until `ttl` has passed.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    pub(crate) keys: Vec<DNSKEY>,
    pub(crate) ttl: Duration,
}

/// One query with DO and CD set, over UDP, then TCP when the answer was truncated.
pub(crate) async fn query(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    timeout: Duration,
) -> Result<DnsResponse, NetError> {
    let mut options = DnsRequestOptions::default();
    options.use_edns = true;
    options.edns_set_dnssec_ok = true;
    options.edns_payload_len = 1232;
    options.recursion_desired = true;
    let request = || {
        let mut r = DnsRequest::from_query(Query::query(name.clone(), rtype), options);
        // CD: the validation is ours; a validating upstream must not withhold the data.
        r.metadata.checking_disabled = true;
        r
    };
    let provider = TokioRuntimeProvider::default();
    let udp = UdpClientStream::builder(server, provider.clone())
        .with_timeout(Some(timeout))
        .exchange();
    let response = udp.send(request()).first_answer().await?;
    if !response.metadata.truncation {
        return Ok(response);
    }
    let tcp = TcpClientStream::exchange(server, None, timeout, None, provider).await?;
    tcp.send(request()).first_answer().await
}

/// Fetches and checks the DNSKEY RRset of `zone` against `anchors` (all for that zone).
pub(crate) async fn prime(
    server: SocketAddr,
    zone: &Name,
    anchors: &[&AnchorKey],
    timeout: Duration,
) -> Result<Keys, PrimeError> {
    let response = query(server, zone, RecordType::DNSKEY, timeout)
        .await
        .map_err(|e| PrimeError::Dns(format!("DNSKEY {zone} (trust anchor): {e}")))?;
    let code = response.metadata.response_code;
    if code != ResponseCode::NoError && code != ResponseCode::NXDomain {
        return Err(PrimeError::Dns(format!(
            "DNSKEY {zone} (trust anchor): {code}"
        )));
    }
    let now = u32::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
    .unwrap_or(u32::MAX);
    check(zone, &response, anchors, now)
}

/// The checks of [`prime`] on a response, at the time `now` (seconds since the epoch).
pub(crate) fn check(
    zone: &Name,
    response: &DnsResponse,
    anchors: &[&AnchorKey],
    now: u32,
) -> Result<Keys, PrimeError> {
    let records: Vec<&Record> = response
        .answers
        .iter()
        .filter(|r| r.record_type() == RecordType::DNSKEY && &r.name == zone)
        .collect();
    let keys: Vec<&DNSKEY> = records
        .iter()
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k),
            _ => None,
        })
        .collect();
    let sigs: Vec<&RRSIG> = response
        .answers
        .iter()
        .filter(|r| &r.name == zone)
        .filter_map(|r| match &r.data {
            RData::DNSSEC(DNSSECRData::RRSIG(s))
                if s.input().type_covered == RecordType::DNSKEY =>
            {
                Some(s)
            }
            _ => None,
        })
        .collect();
    let any_signature = response
        .answers
        .iter()
        .chain(&response.authorities)
        .any(|r| r.record_type() == RecordType::RRSIG);
    if keys.is_empty() {
        if any_signature {
            return Err(PrimeError::Bogus(format!(
                "the trust anchor's zone {zone} has no DNSKEY records, though the answer is signed"
            )));
        }
        let what = if response.metadata.response_code == ResponseCode::NXDomain {
            "NXDOMAIN without signatures"
        } else {
            "no DNSKEY records and no signatures"
        };
        return Err(PrimeError::Unavailable(what.to_owned()));
    }
    if sigs.is_empty() {
        return Err(PrimeError::Unavailable(
            "DNSKEY records without signatures".to_owned(),
        ));
    }
    let trusted = trusted_keys(zone, &keys, anchors)?;
    let verified = sigs.iter().find(|sig| {
        let input = sig.input();
        let inception = input.sig_inception.get();
        let expiration = input.sig_expiration.get();
        &input.signer_name == zone
            && inception <= now
            && now <= expiration
            && trusted.iter().any(|k| {
                k.algorithm() == input.algorithm
                    && k.calculate_key_tag().ok() == Some(input.key_tag)
                    && k.verify_rrsig(zone, DNSClass::IN, sig, records.iter().copied())
                        .is_ok()
            })
    });
    let Some(sig) = verified else {
        return Err(PrimeError::Bogus(format!(
            "no signature over the DNSKEY records of {zone} verifies with the trust anchor's key \
             (expired, not yet valid, or wrong)"
        )));
    };
    let rrset_ttl = records.iter().map(|r| r.ttl).min().unwrap_or(0);
    let left = sig.input().sig_expiration.get().saturating_sub(now);
    let ttl = Duration::from_secs(u64::from(rrset_ttl.min(left).clamp(1, 3600)));
    Ok(Keys {
        keys: keys.into_iter().filter(|k| usable(k)).cloned().collect(),
        ttl,
    })
}

/// Whether a DNSKEY may sign: a zone key, not revoked.
fn usable(k: &DNSKEY) -> bool {
    k.zone_key() && !k.revoke()
}

/// The usable keys of `zone` that a trust anchor names; none is bogus.
fn trusted_keys<'k>(
    zone: &Name,
    keys: &[&'k DNSKEY],
    anchors: &[&AnchorKey],
) -> Result<Vec<&'k DNSKEY>, PrimeError> {
    let trusted: Vec<&DNSKEY> = keys
        .iter()
        .copied()
        .filter(|k| usable(k) && anchors.iter().any(|a| matches(zone, a, k)))
        .collect();
    if trusted.is_empty() {
        let tags = |it: &mut dyn Iterator<Item = u16>| {
            it.map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
        };
        return Err(PrimeError::Bogus(format!(
            "no DNSKEY of {zone} matches the trust anchor (the zone's key tags: {}; the anchor's: {})",
            tags(&mut keys.iter().filter_map(|k| k.calculate_key_tag().ok())),
            tags(&mut anchors.iter().filter_map(|a| match a {
                AnchorKey::Ds(d) => Some(d.key_tag()),
                AnchorKey::Dnskey(k) => k.calculate_key_tag().ok(),
            })),
        )));
    }
    Ok(trusted)
}

/// Whether `key` (of `zone`) is the one `anchor` names.
fn matches(zone: &Name, anchor: &AnchorKey, key: &DNSKEY) -> bool {
    match anchor {
        AnchorKey::Dnskey(a) => {
            a.algorithm() == key.algorithm()
                && a.public_key().public_bytes() == key.public_key().public_bytes()
        }
        AnchorKey::Ds(d) => {
            d.algorithm() == key.algorithm()
                && key.calculate_key_tag().ok() == Some(d.key_tag())
                && d.covers(zone, key).unwrap_or(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use hickory_resolver::proto::dnssec::crypto::EcdsaSigningKey;
    use hickory_resolver::proto::dnssec::rdata::sig::SigInput;
    use hickory_resolver::proto::dnssec::rdata::DS;
    use hickory_resolver::proto::dnssec::{Algorithm, DigestType, SigningKey, TBS};
    use hickory_resolver::proto::op::Message;
    use hickory_resolver::proto::rr::SerialNumber;

    use super::*;

    const NOW: u32 = 1_800_000_000;

    fn key() -> EcdsaSigningKey {
        let alg = Algorithm::ECDSAP256SHA256;
        let pkcs8 = EcdsaSigningKey::generate_pkcs8(alg).expect("generate");
        EcdsaSigningKey::from_pkcs8(&pkcs8, alg).expect("key")
    }

    fn dnskey(k: &EcdsaSigningKey, flags: u16) -> DNSKEY {
        DNSKEY::with_flags(flags, k.to_public_key().expect("public key"))
    }

    /// How the DNSKEY answer is built.
    #[derive(Clone, Copy)]
    enum Shape {
        /// The KSK signs the RRset {KSK, ZSK}, valid now.
        Good,
        /// The signature expired before NOW.
        Expired,
        /// A key is added to the RRset after it was signed.
        Tampered,
        /// The RRSIG is left out.
        Stripped,
        /// NOERROR, no records.
        Empty,
        /// NXDOMAIN, no records.
        NxDomain,
    }

    fn response(
        zone: &Name,
        ksk: &EcdsaSigningKey,
        zsk: &EcdsaSigningKey,
        shape: Shape,
    ) -> DnsResponse {
        let record = |k: DNSKEY| {
            Record::from_rdata(zone.clone(), 3600, RData::DNSSEC(DNSSECRData::DNSKEY(k)))
        };
        let mut records = vec![record(dnskey(ksk, 257)), record(dnskey(zsk, 256))];
        let (inception, expiration) = match shape {
            Shape::Expired => (NOW - 7200, NOW - 3600),
            _ => (NOW - 3600, NOW + 3600),
        };
        let input = SigInput {
            type_covered: RecordType::DNSKEY,
            algorithm: Algorithm::ECDSAP256SHA256,
            num_labels: zone.num_labels(),
            original_ttl: 3600,
            sig_expiration: SerialNumber::new(expiration),
            sig_inception: SerialNumber::new(inception),
            key_tag: dnskey(ksk, 257).calculate_key_tag().expect("tag"),
            signer_name: zone.clone(),
        };
        let tbs = TBS::from_input(zone, DNSClass::IN, &input, records.iter()).expect("tbs");
        let sig = ksk.sign(&tbs).expect("sign");
        let rrsig = Record::from_rdata(
            zone.clone(),
            3600,
            RData::DNSSEC(DNSSECRData::RRSIG(RRSIG::from_sig(input, sig))),
        );
        if matches!(shape, Shape::Tampered) {
            records.push(record(dnskey(&key(), 256)));
        }
        let mut m = Message::query();
        match shape {
            Shape::Empty => {}
            Shape::NxDomain => m.metadata.response_code = ResponseCode::NXDomain,
            Shape::Stripped => {
                m.add_answers(records);
            }
            _ => {
                m.add_answers(records);
                m.add_answer(rrsig);
            }
        }
        DnsResponse::from_message(m.into_response()).expect("response")
    }

    /// (case, anchor, answer shape, expected outcome: "ok", "bogus: …", "unavailable: …")
    #[allow(clippy::too_many_lines)] // a table of cases, one row each
    #[test]
    fn priming_is_checked_against_the_anchor() {
        let zone = Name::from_ascii("island.test.").expect("name");
        let (ksk, zsk, other) = (key(), key(), key());
        let ds = |k: &EcdsaSigningKey| {
            AnchorKey::Ds(
                DS::from_key(
                    &k.to_public_key().expect("public"),
                    &zone,
                    DigestType::SHA256,
                )
                .expect("ds"),
            )
        };
        let wrong_digest = {
            let AnchorKey::Ds(d) = ds(&ksk) else {
                unreachable!()
            };
            AnchorKey::Ds(DS::new(
                d.key_tag(),
                d.algorithm(),
                d.digest_type(),
                vec![0; 32],
            ))
        };
        let cases: Vec<(&str, AnchorKey, Shape, &str)> = vec![
            (
                "DNSKEY anchor, KSK-signed",
                AnchorKey::Dnskey(dnskey(&ksk, 257)),
                Shape::Good,
                "ok",
            ),
            ("DS anchor, KSK-signed", ds(&ksk), Shape::Good, "ok"),
            (
                "anchor no key of the zone matches",
                AnchorKey::Dnskey(dnskey(&other, 257)),
                Shape::Good,
                "bogus: no DNSKEY",
            ),
            (
                "DS anchor with a wrong digest",
                wrong_digest,
                Shape::Good,
                "bogus: no DNSKEY",
            ),
            (
                "anchor is the ZSK, which signs no DNSKEY",
                AnchorKey::Dnskey(dnskey(&zsk, 256)),
                Shape::Good,
                "bogus: no signature",
            ),
            (
                "expired signature",
                ds(&ksk),
                Shape::Expired,
                "bogus: no signature",
            ),
            (
                "RRset changed after signing",
                ds(&ksk),
                Shape::Tampered,
                "bogus: no signature",
            ),
            (
                "signatures stripped",
                ds(&ksk),
                Shape::Stripped,
                "unavailable: DNSKEY records without signatures",
            ),
            (
                "no DNSKEY records",
                ds(&ksk),
                Shape::Empty,
                "unavailable: no DNSKEY records",
            ),
            (
                "NXDOMAIN",
                ds(&ksk),
                Shape::NxDomain,
                "unavailable: NXDOMAIN",
            ),
        ];
        for (case, anchor, shape, want) in &cases {
            let r = response(&zone, &ksk, &zsk, *shape);
            let got = match check(&zone, &r, &[anchor], NOW) {
                Ok(keys) => {
                    assert_eq!(keys.keys.len(), 2, "{case}: both keys trusted");
                    assert_eq!(keys.ttl, Duration::from_secs(3600), "{case}");
                    "ok".to_owned()
                }
                Err(PrimeError::Bogus(m)) => format!("bogus: {m}"),
                Err(PrimeError::Unavailable(m)) => format!("unavailable: {m}"),
                Err(PrimeError::Dns(m)) => format!("dns: {m}"),
            };
            assert!(got.starts_with(want), "{case}: got {got:?}, want {want:?}");
        }
    }
}
