//! `identity_der` and `identity_model`: RFC 5922 §7.1 extraction and §7.2 matching never
//! panic, and agree with a small, obviously-correct model of the RFC.
//!
//! The model (default policy: CN fallback on, no IP literals, no wildcards):
//! - a uniformResourceIdentifier SAN gives an identity when it is ASCII, a SIP URI with scheme
//!   `sip` (any case), no userinfo, and a host that is a valid DNS name: the host;
//! - a dNSName SAN gives an identity (the name) only when no URI SAN gave one;
//! - only when there is no SAN extension at all, the last CN gives an identity, when it is
//!   alone in its RDN and decodes to an ASCII host name (never an earlier CN);
//! - sipcert reads the certificate as strict DER, so it may refuse (as `cert-malformed`, never
//!   an Accept) a certificate x509-parser reads leniently: an unknown GeneralName tag, an
//!   empty GeneralNames, a non-minimal length or OID.
//! - names compare after lower-casing and removing one trailing dot; no wildcard, no suffix.
//!
//! Host names are judged by [`super::domain::model`], not by `DomainName`, and `xn--` labels
//! the model cannot judge make a name "maybe": the implementation may count it or not.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use arbitrary::{Arbitrary, Unstructured};
use sipcert::evaluate_eku;
use sipcert::uri::{Host, Scheme, SipUri};
use sipcert::{
    check_end_entity, extract_identities, DomainName, EkuMode, IdentityName, IdentitySource,
    Policy, Reference, Role, Verdict,
};
use x509_parser::asn1_rs::Tag;
use x509_parser::extensions::GeneralName;
use x509_parser::oid_registry::OID_X509_COMMON_NAME;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::domain::{model as host_model, Model};
use crate::pki;

/// The identity set the model expects: names that must be there, and names that may be.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Certainly identities.
    pub must: BTreeSet<String>,
    /// Perhaps identities (an `xn--` label the model does not judge).
    pub may: BTreeSet<String>,
}

impl Expected {
    fn add(&mut self, verdict: Option<(String, bool)>) {
        match verdict {
            Some((name, true)) => {
                self.must.insert(name);
            }
            Some((name, false)) => {
                self.may.insert(name);
            }
            None => {}
        }
    }

    fn merge_as_maybe(&mut self, other: Self) {
        self.may.extend(other.must);
        self.may.extend(other.may);
    }

    fn check(&self, what: &str, got: &BTreeSet<String>) {
        assert!(
            self.must.is_subset(got),
            "{what}: missing identities {:?} (got {got:?}, model {self:?})",
            self.must.difference(got).collect::<Vec<_>>()
        );
        let extra: Vec<_> = got
            .iter()
            .filter(|g| !self.must.contains(*g) && !self.may.contains(*g))
            .collect();
        assert!(
            extra.is_empty(),
            "{what}: identities the model does not allow: {extra:?} (model {self:?})"
        );
    }

    fn allows(&self, name: &str) -> bool {
        self.must.contains(name) || self.may.contains(name)
    }
}

/// A host name judged by the naive model: `Some((normalized, certain))`.
fn judge_host(bytes: &[u8]) -> Option<(String, bool)> {
    if !bytes.is_ascii() {
        return None;
    }
    match host_model(bytes) {
        Model::Valid(n) => Some((n, true)),
        Model::EitherALabel(n) => Some((n, false)),
        Model::Invalid => None,
    }
}

/// A URI SAN value: the host identity of a `sip:` URI without userinfo.
fn judge_uri(value: &[u8]) -> Option<(String, bool)> {
    let text = core::str::from_utf8(value).ok().filter(|s| s.is_ascii())?;
    let uri = SipUri::parse(text).ok()?;
    if uri.scheme() != Scheme::Sip || uri.has_userinfo() {
        return None;
    }
    match uri.host() {
        Host::Domain(h) => judge_host(h.as_bytes()),
        Host::Ipv4(_) | Host::Ipv6(_) => None,
    }
}

fn decode_cn(tag: Tag, raw: &[u8]) -> Option<String> {
    match tag {
        Tag::PrintableString | Tag::Ia5String | Tag::Utf8String | Tag::NumericString => {
            String::from_utf8(raw.to_vec()).ok()
        }
        Tag::BmpString => {
            if !raw.len().is_multiple_of(2) {
                return None;
            }
            let units = raw.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        Tag::UniversalString => {
            if !raw.len().is_multiple_of(4) {
                return None;
            }
            raw.chunks(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        _ => None,
    }
}

/// The model applied to a parsed certificate: `None` when the certificate or its SAN does not
/// parse (the implementation must then refuse it as malformed).
pub fn model_from_der(der: &[u8]) -> Option<Expected> {
    let Ok(([], cert)) = X509Certificate::from_der(der) else {
        return None;
    };
    let san = cert.subject_alternative_name().ok()?;
    let mut uris = Expected::default();
    let mut dns = Expected::default();
    if let Some(san) = san {
        for gn in &san.value.general_names {
            match gn {
                GeneralName::URI(u) => uris.add(judge_uri(u.as_bytes())),
                GeneralName::DNSName(d) => dns.add(judge_host(d.as_bytes())),
                _ => {}
            }
        }
        return Some(combine(uris, dns));
    }
    // No SAN extension: the last CN, if it is alone in its RDN.
    let mut last = None;
    for rdn in cert.subject().iter_rdn() {
        let single = rdn.iter().nth(1).is_none();
        for attr in rdn.iter() {
            if *attr.attr_type() == OID_X509_COMMON_NAME {
                last = Some(
                    single
                        .then(|| decode_cn(attr.attr_value().tag(), attr.attr_value().data))
                        .flatten(),
                );
            }
        }
    }
    let mut out = Expected::default();
    if let Some(Some(text)) = last {
        out.add(judge_host(text.as_bytes()));
    }
    Some(out)
}

/// DNS SANs count only without a URI identity; an uncertain URI identity makes them uncertain.
fn combine(uris: Expected, dns: Expected) -> Expected {
    let mut out = uris;
    if out.must.is_empty() {
        if out.may.is_empty() {
            out.must.extend(dns.must);
            out.may.extend(dns.may);
        } else {
            out.merge_as_maybe(dns);
        }
    }
    out
}

fn domains(ids: &[sipcert::Identity]) -> BTreeSet<String> {
    ids.iter()
        .filter_map(|id| id.domain().map(|d| d.as_str().to_owned()))
        .collect()
}

/// `identity_der`: arbitrary DER through extraction and the full name check.
pub fn check_der(der: &[u8]) {
    let default = Policy::default();
    let got = extract_identities(der, &default);
    let model = model_from_der(der);
    let ids = match (&got, &model) {
        (Ok(ids), Some(m)) => {
            m.check("extract_identities", &domains(ids.identities()));
            ids
        }
        // Strict DER refuses more than x509-parser: a refusal is never an Accept.
        (Err(e), None | Some(_)) => {
            assert_eq!(e.code(), "cert-malformed");
            let _ = e.to_string();
            assert!(
                !check_end_entity(der, &reference("example.com"), Role::Server, &default)
                    .is_accept()
            );
            return;
        }
        (got, model) => panic!("extraction {got:?} but model {model:?}"),
    };
    check_identities_are_written(der, ids);
    check_policies_narrow(der, ids);
    check_verdicts(der, ids, model.as_ref());
}

/// Every identity is a plain ASCII name written in the certificate (no invented names); a CN
/// identity only without a SAN extension.
fn check_identities_are_written(der: &[u8], ids: &sipcert::Identities) {
    let lower_der = der.to_ascii_lowercase();
    for id in ids.identities() {
        let d = id.domain().expect("IP identity under the default policy");
        assert!(!d.as_str().contains('*'));
        super::domain::check_ascii(d.as_str());
        if matches!(id.source(), IdentitySource::SanUri | IdentitySource::SanDns) {
            // The identity is written in the certificate (no invented names).
            assert!(
                lower_der
                    .windows(d.as_str().len())
                    .any(|w| w == d.as_str().as_bytes()),
                "identity {d} is not in the DER"
            );
        }
        if id.source() == IdentitySource::Cn {
            assert!(!ids.has_san_extension());
        }
    }
    for ignored in ids.ignored() {
        let _ = (
            ignored.value(),
            ignored.source().code(),
            ignored.reason().code(),
        );
    }
    let _ = ids.to_string();
}

/// Other policies narrow (or, for IP literals, only add IP) identities.
fn check_policies_narrow(der: &[u8], ids: &sipcert::Identities) {
    let no_cn = extract_identities(der, &Policy::default().cn_fallback(false)).expect("parsed");
    assert!(no_cn
        .identities()
        .iter()
        .all(|i| i.source() != IdentitySource::Cn));
    let uri_only = extract_identities(der, &Policy::default().require_sip_uri(true)).expect("ok");
    assert!(uri_only
        .identities()
        .iter()
        .all(|i| i.source() == IdentitySource::SanUri));
    let with_ip = extract_identities(der, &Policy::default().allow_ip_literals(true)).expect("ok");
    assert_eq!(domains(with_ip.identities()), domains(ids.identities()));
}

/// Verdicts for fixed references and for each identity found, in both roles, and for an IP
/// reference with and without `allow_ip_literals`: every accept is justified.
fn check_verdicts(der: &[u8], ids: &sipcert::Identities, model: Option<&Expected>) {
    let default = Policy::default();
    let eku_server = evaluate_eku(der, Role::Server, EkuMode::Compatible).is_ok();
    let mut refs: Vec<String> = ["example.com", "sip.example.com", "localhost"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    refs.extend(domains(ids.identities()).into_iter().take(4));
    for r in &refs {
        let Ok(d) = DomainName::from_ascii(r) else {
            continue;
        };
        let verdict = check_end_entity(der, &Reference::Domain(d.clone()), Role::Server, &default);
        justify(&verdict, r, eku_server, model);
        if model.is_some_and(|m| m.must.contains(r)) && eku_server {
            assert!(
                verdict.is_accept(),
                "{r} is an identity, EKU ok, but {verdict:?}"
            );
        }
    }
    // The client role and an IP reference under allow_ip_literals.
    let eku_client = evaluate_eku(der, Role::Client, EkuMode::Compatible).is_ok();
    if let Some(r) = refs.last() {
        if let Ok(d) = DomainName::from_ascii(r) {
            let v = check_end_entity(der, &Reference::Domain(d), Role::Client, &default);
            justify(&v, r, eku_client, model);
        }
    }
    let ip = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    let v = check_end_entity(
        der,
        &Reference::Ip(ip),
        Role::Server,
        &Policy::default().allow_ip_literals(true),
    );
    if v.is_accept() {
        assert!(
            ip_in_cert(der, ip),
            "accepted IP {ip} that the certificate does not name"
        );
    }
    let v = check_end_entity(der, &Reference::Ip(ip), Role::Server, &default);
    assert!(
        !v.is_accept(),
        "IP reference accepted without allow_ip_literals"
    );
}

fn reference(s: &str) -> Reference {
    Reference::Domain(DomainName::from_ascii(s).expect("valid reference"))
}

/// Any Accept must be justified: the matched identity is the reference, the model allows it,
/// and the EKU allows the role.
fn justify(verdict: &Verdict, reference: &str, eku_ok: bool, model: Option<&Expected>) {
    let _ = format!("{verdict:?}");
    if let Some(a) = verdict.accepted() {
        let m = a.matched();
        assert_eq!(
            m.name(),
            &IdentityName::Domain(DomainName::from_ascii(reference).expect("valid")),
            "accepted via another name"
        );
        assert!(eku_ok, "accepted although the EKU refuses: {verdict:?}");
        assert!(
            model.is_some_and(|x| x.allows(reference)),
            "accepted {reference}, which the model does not allow: {model:?}"
        );
        assert!(a.identities().iter().any(|i| i.name() == m.name()));
    }
    if let Some(r) = verdict.rejected() {
        assert!(!r.reasons().is_empty(), "a reject without a reason");
        for reason in r.reasons() {
            let _ = (reason.code().code(), reason.message());
        }
    }
}

fn ip_in_cert(der: &[u8], ip: IpAddr) -> bool {
    let Ok((_, cert)) = X509Certificate::from_der(der) else {
        return false;
    };
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return false;
    };
    let octets = match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    san.value.general_names.iter().any(|gn| match gn {
        GeneralName::IPAddress(b) => *b == octets.as_slice(),
        GeneralName::URI(u) => SipUri::parse(u).is_ok_and(|x| {
            x.scheme() == Scheme::Sip && !x.has_userinfo() && x.host().ip() == Some(ip)
        }),
        _ => false,
    })
}

// ---------------------------------------------------------------------------------------
// identity_model: certificates built from structured input.
// ---------------------------------------------------------------------------------------

/// Labels that collide often; `xn--bcher-kva` is a valid A-label, `xn--a` is not.
const LABELS: &[&str] = &[
    "example",
    "EXAMPLE",
    "com",
    "sip",
    "org",
    "a-b",
    "0",
    "xn--bcher-kva",
    "xn--a",
    "*",
    "-x",
    "exa_mple",
    "",
];

/// A host name from a small vocabulary.
#[derive(Debug, Clone, Arbitrary)]
pub struct NameSpec {
    /// Indexes into the label vocabulary (at most 4 labels are used).
    pub labels: Vec<u8>,
    /// Ends with a dot.
    pub trailing_dot: bool,
}

impl NameSpec {
    fn text(&self) -> String {
        let mut labels: Vec<&str> = self
            .labels
            .iter()
            .take(4)
            .map(|&i| LABELS[usize::from(i) % LABELS.len()])
            .collect();
        if labels.is_empty() {
            labels.push("example");
        }
        let mut s = labels.join(".");
        if self.trailing_dot {
            s.push('.');
        }
        s
    }

    /// The model's normalized name, with A-labels judged by the vocabulary.
    fn judge(&self) -> Option<String> {
        let text = self.text();
        if text.to_ascii_lowercase().split('.').any(|l| l == "xn--a") {
            return None;
        }
        match host_model(text.as_bytes()) {
            Model::Valid(n) | Model::EitherALabel(n) => Some(n),
            Model::Invalid => None,
        }
    }
}

/// The shape of a URI SAN around a host.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum UriShape {
    /// `sip:host`
    Sip,
    /// `SIP:host`
    SipUpper,
    /// `sip:host:5061;transport=tls`
    SipPortParams,
    /// `sip:user@host`
    SipUser,
    /// `sips:host`
    Sips,
    /// `tel:+1555` (no host)
    Tel,
    /// `sip:host` followed by an odd byte (space, NUL, 0xff, `*`, `@`, `%`).
    SipOdd(u8),
    /// `sip:host` with one byte replaced by a non-ASCII character.
    NonAscii,
}

/// One SAN entry.
#[derive(Debug, Clone, Arbitrary)]
pub enum SanSpec {
    /// dNSName.
    Dns(NameSpec),
    /// dNSName followed by an odd byte.
    DnsOdd(NameSpec, u8),
    /// dNSName with a U-label (UTF-8 in an IA5String, which x509-parser lets through).
    DnsUnicode(NameSpec),
    /// uniformResourceIdentifier.
    Uri(UriShape, NameSpec),
    /// iPAddress (IPv4).
    Ip([u8; 4]),
    /// iPAddress of a bad length.
    IpBad(Vec<u8>),
    /// rfc822Name.
    Email(NameSpec),
    /// The undefined tag `[9]` (makes the certificate malformed).
    Unknown(Vec<u8>),
}

/// A CN value and its string type.
#[derive(Debug, Clone, Arbitrary)]
pub enum CnSpec {
    /// UTF8String.
    Utf8(NameSpec),
    /// BMPString.
    Bmp(NameSpec),
    /// UTF8String `sip:` + name (not a host name).
    SipText(NameSpec),
    /// UTF8String with a non-ASCII letter.
    NonAscii(NameSpec),
}

/// EKU purposes.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum EkuSpec {
    /// id-kp-sipDomain
    SipDomain,
    /// anyExtendedKeyUsage
    Any,
    /// serverAuth
    ServerAuth,
    /// clientAuth
    ClientAuth,
    /// codeSigning
    CodeSigning,
}

/// A whole certificate and the reference to check it against.
#[derive(Debug, Clone, Arbitrary)]
pub struct CertSpec {
    /// `None`: no SAN extension; `Some(vec![])`: an empty one (malformed).
    pub san: Option<Vec<SanSpec>>,
    /// At most two CNs are used (rcgen writes the second as a custom attribute type).
    pub cns: Vec<CnSpec>,
    /// `None`: no EKU extension; `Some(vec![])`: an empty (invalid) one.
    pub eku: Option<Vec<EkuSpec>>,
    /// The reference identity.
    pub reference: NameSpec,
    /// Check as a client certificate instead of a server certificate.
    pub client: bool,
}

const ODD: &[u8] = b" \0\xff*@%_";

/// A SAN entry: the DER entry, and what the model makes of it (`uri`, `dns` identities).
fn build_san(s: &SanSpec) -> (pki::San, Option<String>, Option<String>) {
    match s {
        SanSpec::Dns(n) => (pki::dns(&n.text()), None, n.judge()),
        SanSpec::DnsOdd(n, b) => {
            let mut v = n.text().into_bytes();
            v.push(ODD[usize::from(*b) % ODD.len()]);
            (pki::raw_dns(&v), None, None)
        }
        SanSpec::DnsUnicode(n) => (pki::dns(&format!("bücher.{}", n.text())), None, None),
        SanSpec::Uri(shape, n) => {
            let host = n.text();
            let (value, id): (Vec<u8>, Option<String>) = match shape {
                UriShape::Sip => (format!("sip:{host}").into_bytes(), uri_host(n)),
                UriShape::SipUpper => (format!("SIP:{host}").into_bytes(), uri_host(n)),
                UriShape::SipPortParams => (
                    format!("sip:{host}:5061;transport=tls").into_bytes(),
                    uri_host(n),
                ),
                UriShape::SipUser => (format!("sip:alice@{host}").into_bytes(), None),
                UriShape::Sips => (format!("sips:{host}").into_bytes(), None),
                UriShape::Tel => (b"tel:+15550100".to_vec(), None),
                UriShape::SipOdd(b) => {
                    let mut v = format!("sip:{host}").into_bytes();
                    v.push(ODD[usize::from(*b) % ODD.len()]);
                    (v, None)
                }
                UriShape::NonAscii => (format!("sip:{host}ü").into_bytes(), None),
            };
            (pki::raw_uri(&value), id, None)
        }
        SanSpec::Ip(o) => (pki::ip(IpAddr::V4(Ipv4Addr::from(*o))), None, None),
        SanSpec::IpBad(b) => {
            let mut b = b.clone();
            b.truncate(20);
            if b.len() == 4 || b.len() == 16 {
                b.push(0);
            }
            (pki::raw(0x87, &b), None, None)
        }
        SanSpec::Email(n) => (pki::email(&format!("a@{}", n.text())), None, None),
        SanSpec::Unknown(b) => {
            let mut b = b.clone();
            b.truncate(20);
            (pki::raw(0x89, &b), None, None)
        }
    }
}

/// The host of a `sip:` URI SAN as the model sees it: the URI grammar needs a host name as
/// RFC 3261 writes it (so no `*`, `_`, empty labels or a leading `-`), then a DNS name.
fn uri_host(n: &NameSpec) -> Option<String> {
    n.judge()
}

fn cn_value(c: &CnSpec) -> (rcgen::DnValue, Option<String>) {
    match c {
        CnSpec::Utf8(n) => (rcgen::DnValue::Utf8String(n.text()), n.judge()),
        CnSpec::Bmp(n) => match n.text().as_str().try_into() {
            Ok(b) => (rcgen::DnValue::BmpString(b), n.judge()),
            Err(_) => (rcgen::DnValue::Utf8String(n.text()), n.judge()),
        },
        CnSpec::SipText(n) => (
            rcgen::DnValue::Utf8String(format!("sip:{}", n.text())),
            None,
        ),
        CnSpec::NonAscii(n) => (rcgen::DnValue::Utf8String(format!("ü.{}", n.text())), None),
    }
}

/// Replays raw bytes: decode a [`CertSpec`] with `arbitrary`, then check it.
pub fn check_model_bytes(data: &[u8]) {
    let mut u = Unstructured::new(data);
    if let Ok(spec) = CertSpec::arbitrary(&mut u) {
        let _ = check_model(&spec);
    }
}

/// `identity_model`: build the certificate, then compare extraction and verdict with the model.
/// Returns whether the verdict was Accept (for coverage statistics).
#[allow(clippy::too_many_lines)] // one model of RFC 5922 §7.1-7.2, read top to bottom
pub fn check_model(spec: &CertSpec) -> bool {
    let mut leaf = pki::Leaf::default();
    let mut uri_ids = BTreeSet::new();
    let mut dns_ids = BTreeSet::new();
    if let Some(sans) = &spec.san {
        let mut entries = Vec::new();
        for s in sans.iter().take(8) {
            let (entry, uri, dns) = build_san(s);
            entries.push(entry);
            uri_ids.extend(uri);
            dns_ids.extend(dns);
        }
        leaf.sans = Some(entries);
    }
    let mut cn_id = None;
    for c in spec.cns.iter().take(2) {
        let (value, id) = cn_value(c);
        leaf.cns.push(value);
        cn_id = id;
    }
    leaf.eku = spec.eku.as_ref().map(|list| {
        list.iter()
            .take(4)
            .map(|e| match e {
                EkuSpec::SipDomain => pki::SIP_DOMAIN,
                EkuSpec::Any => pki::ANY_EKU,
                EkuSpec::ServerAuth => pki::SERVER_AUTH,
                EkuSpec::ClientAuth => pki::CLIENT_AUTH,
                EkuSpec::CodeSigning => pki::CODE_SIGNING,
            })
            .collect()
    });
    let der = leaf.der();

    // Strict DER: an undefined GeneralName tag or an empty GeneralNames is malformed.
    let malformed = spec.san.as_ref().is_some_and(|sans| {
        sans.is_empty()
            || sans
                .iter()
                .take(8)
                .any(|s| matches!(s, SanSpec::Unknown(_)))
    });
    if malformed {
        let got = extract_identities(&der, &Policy::default());
        assert!(
            got.as_ref().is_err_and(|e| e.code() == "cert-malformed"),
            "{got:?} for {spec:?}"
        );
        let verdict = check_end_entity(
            &der,
            &reference("example.com"),
            Role::Server,
            &Policy::default(),
        );
        assert_eq!(
            verdict.rejected().map(|r| r.reasons()[0].code().code()),
            Some("cert-malformed"),
            "{verdict:?} for {spec:?}"
        );
        check_der(&der);
        return false;
    }

    // The model, from the specification alone.
    let expected: BTreeSet<String> = match &spec.san {
        Some(_) if !uri_ids.is_empty() => uri_ids,
        Some(_) => dns_ids,
        None => cn_id.into_iter().collect(),
    };
    let role = if spec.client {
        Role::Client
    } else {
        Role::Server
    };
    let eku_ok = match &spec.eku {
        None => true,
        Some(list) => {
            let list: Vec<_> = list.iter().take(4).collect();
            list.iter().any(|e| {
                matches!(e, EkuSpec::SipDomain | EkuSpec::Any | EkuSpec::ServerAuth)
                    || (spec.client && matches!(e, EkuSpec::ClientAuth))
            })
        }
    };

    let ids = extract_identities(&der, &Policy::default())
        .unwrap_or_else(|e| panic!("extraction failed: {e} for {spec:?}"));
    assert_eq!(
        domains(ids.identities()),
        expected,
        "identities differ from the model for {spec:?}"
    );
    assert_eq!(ids.has_san_extension(), spec.san.is_some());

    let reference_text = spec.reference.text();
    let Ok(reference) = DomainName::from_ascii(&reference_text) else {
        assert!(
            spec.reference.judge().is_none(),
            "{reference_text:?} refused"
        );
        check_der(&der);
        return false;
    };
    assert_eq!(spec.reference.judge().as_deref(), Some(reference.as_str()));
    let verdict = check_end_entity(
        &der,
        &Reference::Domain(reference.clone()),
        role,
        &Policy::default(),
    );
    let should_accept = eku_ok && expected.contains(reference.as_str());
    assert_eq!(
        verdict.is_accept(),
        should_accept,
        "verdict {verdict:?} for reference {reference} and {spec:?}"
    );
    if let Some(a) = verdict.accepted() {
        assert_eq!(a.matched().name(), &IdentityName::Domain(reference));
    }
    // The same certificate through the DER target's checks.
    check_der(&der);
    should_accept
}
