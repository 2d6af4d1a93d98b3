//! RFC 5280 §4.2.1.10 dNSName name constraints applied to **SIP identities**.
//!
//! webpki applies a CA's dNSName constraints to dNSName SANs only: a CA constrained to
//! `example.com` can still mint `URI:sip:evil.example` or a SAN-less `CN=evil.example`, and
//! webpki accepts the chain (rust-notes §3.1). sipcert closes that hole: the dNSName
//! permitted/excluded subtrees of every CA on the path (the trust anchor included) are applied
//! to every SIP domain identity, whatever its source.
//!
//! Semantics (RFC 5280 §4.2.1.10 for dNSName):
//! - constraint `example.com` covers `example.com` and every name under it
//!   (`sip.example.com`), never `badexample.com`;
//! - constraint `.example.com` covers proper subdomains only;
//! - a name must fall in at least one permitted dNSName subtree when the CA has any, and in no
//!   excluded one;
//! - constraints of other name forms do not restrict DNS names (webpki checks those forms on
//!   the SANs it understands, and refuses any URI SAN under a URI constraint);
//! - anything sipCert cannot evaluate exactly (empty or invalid dNSName base, `minimum` /
//!   `maximum` fields, unknown GeneralName tags, bad DER) fails closed.
//!
//! The DER is walked by hand, strictly, rather than through x509-parser's lenient
//! `NameConstraints` parser, which drops `minimum`/`maximum` silently.

use core::fmt;

use x509_parser::prelude::{FromDer, X509Certificate};

use super::ChainError;
use crate::DomainName;

/// One dNSName subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DnsSubtree {
    /// `example.com`: the name itself and everything below it.
    NameAndBelow(DomainName),
    /// `.example.com`: proper subdomains only.
    BelowOnly(DomainName),
}

impl DnsSubtree {
    fn covers(&self, name: &DomainName) -> bool {
        match self {
            Self::NameAndBelow(base) => name == base || name.is_subdomain_of(base),
            Self::BelowOnly(base) => name.is_subdomain_of(base),
        }
    }
}

impl fmt::Display for DnsSubtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NameAndBelow(b) => write!(f, "{b}"),
            Self::BelowOnly(b) => write!(f, ".{b}"),
        }
    }
}

/// The dNSName constraints of one CA on a verified path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaDnsConstraints {
    /// Where they come from, for messages (`trust anchor`, `intermediate CA 1`).
    ca: String,
    /// Empty: dNSNames are not restricted by a permitted subtree.
    permitted: Vec<DnsSubtree>,
    excluded: Vec<DnsSubtree>,
}

impl CaDnsConstraints {
    /// `Err` describes the violated constraint.
    fn check(&self, name: &DomainName) -> Result<(), String> {
        if let Some(ex) = self.excluded.iter().find(|s| s.covers(name)) {
            return Err(format!("excluded dNSName {ex} of the {}", self.ca));
        }
        if !self.permitted.is_empty() && !self.permitted.iter().any(|s| s.covers(name)) {
            let list: Vec<String> = self.permitted.iter().map(ToString::to_string).collect();
            return Err(format!(
                "permitted dNSName subtrees {{{}}} of the {}",
                list.join(", "),
                self.ca
            ));
        }
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.permitted.is_empty() && self.excluded.is_empty()
    }
}

/// Checks every identity against every CA's constraints.
pub(crate) fn check_all(
    constraints: &[CaDnsConstraints],
    identities: &[DomainName],
) -> Result<(), ChainError> {
    for ca in constraints {
        for name in identities {
            ca.check(name)
                .map_err(|constraint| ChainError::NameConstraintViolation {
                    name: Some(name.clone()),
                    constraint: Some(constraint),
                })?;
        }
    }
    Ok(())
}

/// Collects the dNSName constraints of a verified path: the trust anchor's, then each
/// intermediate's. CAs without dNSName constraints are left out.
pub(crate) fn from_path(
    path: &webpki::VerifiedPath<'_>,
) -> Result<Vec<CaDnsConstraints>, ChainError> {
    let mut out = Vec::new();
    if let Some(nc) = &path.anchor().name_constraints {
        let c = parse_contents(nc.as_ref(), "trust anchor".to_owned())?;
        if !c.is_empty() {
            out.push(c);
        }
    }
    for (i, ca) in path.intermediate_certificates().enumerate() {
        let der = ca.der();
        let label = format!("intermediate CA {}", i + 1);
        if let Some(ext) = name_constraints_extension(der.as_ref())? {
            let c = parse_extension_value(ext, label)?;
            if !c.is_empty() {
                out.push(c);
            }
        }
    }
    Ok(out)
}

fn malformed(detail: impl Into<String>) -> ChainError {
    ChainError::MalformedNameConstraint {
        detail: detail.into(),
    }
}

/// The raw value of the (unique) nameConstraints extension of a CA certificate.
fn name_constraints_extension(der: &[u8]) -> Result<Option<&[u8]>, ChainError> {
    let (rest, cert) = X509Certificate::from_der(der).map_err(|e| ChainError::Malformed {
        detail: format!("CA certificate: {e}"),
    })?;
    if !rest.is_empty() {
        return Err(ChainError::Malformed {
            detail: "CA certificate: trailing data".to_owned(),
        });
    }
    let oid = x509_parser::oid_registry::OID_X509_EXT_NAME_CONSTRAINTS;
    let mut found = None;
    for ext in cert.extensions() {
        if ext.oid == oid {
            if found.is_some() {
                return Err(malformed("duplicate nameConstraints extension"));
            }
            found = Some(ext.value);
        }
    }
    Ok(found)
}

/// `NameConstraints ::= SEQUENCE { ... }` as it appears in the extension value.
fn parse_extension_value(value: &[u8], ca: String) -> Result<CaDnsConstraints, ChainError> {
    let mut r = Reader::new(value);
    let (tag, contents) = r.read_tlv()?;
    if tag != TAG_SEQUENCE || !r.at_end() {
        return Err(malformed(format!(
            "{ca}: nameConstraints is not a single SEQUENCE"
        )));
    }
    parse_contents(contents, ca)
}

const TAG_SEQUENCE: u8 = 0x30;
const TAG_PERMITTED: u8 = 0xa0;
const TAG_EXCLUDED: u8 = 0xa1;

/// The contents of the NameConstraints SEQUENCE (the form webpki keeps for a trust anchor):
/// `[0] permittedSubtrees OPTIONAL, [1] excludedSubtrees OPTIONAL`.
fn parse_contents(contents: &[u8], ca: String) -> Result<CaDnsConstraints, ChainError> {
    let mut r = Reader::new(contents);
    let mut permitted = Vec::new();
    let mut excluded = Vec::new();
    let mut seen_any = false;
    if r.peek() == Some(TAG_PERMITTED) {
        let (_, subtrees) = r.read_tlv()?;
        parse_subtrees(subtrees, &mut permitted, &ca)?;
        seen_any = true;
    }
    if r.peek() == Some(TAG_EXCLUDED) {
        let (_, subtrees) = r.read_tlv()?;
        parse_subtrees(subtrees, &mut excluded, &ca)?;
        seen_any = true;
    }
    if !r.at_end() {
        return Err(malformed(format!(
            "{ca}: unexpected data in nameConstraints"
        )));
    }
    if !seen_any {
        // RFC 5280 §4.2.1.10: "MUST NOT issue ... where name constraints is an empty sequence".
        return Err(malformed(format!("{ca}: empty nameConstraints")));
    }
    Ok(CaDnsConstraints {
        ca,
        permitted,
        excluded,
    })
}

/// `GeneralSubtrees ::= SEQUENCE SIZE (1..MAX) OF GeneralSubtree`, keeping the dNSName bases.
fn parse_subtrees(input: &[u8], out: &mut Vec<DnsSubtree>, ca: &str) -> Result<(), ChainError> {
    let mut r = Reader::new(input);
    if r.at_end() {
        return Err(malformed(format!("{ca}: empty GeneralSubtrees")));
    }
    while !r.at_end() {
        let (tag, subtree) = r.read_tlv()?;
        if tag != TAG_SEQUENCE {
            return Err(malformed(format!("{ca}: GeneralSubtree is not a SEQUENCE")));
        }
        let mut s = Reader::new(subtree);
        let (name_tag, value) = s.read_tlv()?;
        if !s.at_end() {
            // minimum (default 0, so never encoded in DER) or maximum: RFC 5280 forbids both.
            return Err(malformed(format!(
                "{ca}: GeneralSubtree with minimum/maximum"
            )));
        }
        match name_tag {
            // dNSName [2] IA5String
            0x82 => out.push(parse_dns_base(value, ca)?),
            // otherName [0], rfc822Name [1], x400Address [3], directoryName [4],
            // ediPartyName [5], uniformResourceIdentifier [6], iPAddress [7],
            // registeredID [8]: not DNS constraints; webpki evaluates the forms it knows.
            0xa0 | 0x81 | 0xa3 | 0xa4 | 0xa5 | 0x86 | 0x87 | 0x88 => {}
            other => {
                return Err(malformed(format!(
                    "{ca}: unknown GeneralName tag 0x{other:02x} in a subtree"
                )))
            }
        }
    }
    Ok(())
}

fn parse_dns_base(value: &[u8], ca: &str) -> Result<DnsSubtree, ChainError> {
    let bad = |why: &str| {
        malformed(format!(
            "{ca}: dNSName constraint {:?} {why}",
            String::from_utf8_lossy(value)
        ))
    };
    if value.is_empty() {
        return Err(bad("is empty"));
    }
    let (below_only, rest) = match value.split_first() {
        Some((b'.', rest)) => (true, rest),
        _ => (false, value),
    };
    let base = DomainName::from_ascii_bytes(rest).map_err(|e| bad(&e.to_string()))?;
    Ok(if below_only {
        DnsSubtree::BelowOnly(base)
    } else {
        DnsSubtree::NameAndBelow(base)
    })
}

/// A minimal strict DER reader: single-byte tags, definite minimal lengths up to 16 bits.
struct Reader<'a> {
    input: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(input: &'a [u8]) -> Self {
        Self { input }
    }

    fn at_end(&self) -> bool {
        self.input.is_empty()
    }

    fn peek(&self) -> Option<u8> {
        self.input.first().copied()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ChainError> {
        if n > self.input.len() {
            return Err(malformed("truncated DER in nameConstraints"));
        }
        let (head, tail) = self.input.split_at(n);
        self.input = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, ChainError> {
        let b = self.take(1)?;
        b.first()
            .copied()
            .ok_or_else(|| malformed("truncated DER in nameConstraints"))
    }

    fn read_tlv(&mut self) -> Result<(u8, &'a [u8]), ChainError> {
        let tag = self.byte()?;
        if tag & 0x1f == 0x1f {
            return Err(malformed("multi-byte DER tag in nameConstraints"));
        }
        let len = match self.byte()? {
            short @ 0..=0x7f => usize::from(short),
            0x81 => {
                let l = self.byte()?;
                if l < 0x80 {
                    return Err(malformed("non-minimal DER length in nameConstraints"));
                }
                usize::from(l)
            }
            0x82 => {
                let hi = self.byte()?;
                let lo = self.byte()?;
                let l = (usize::from(hi) << 8) | usize::from(lo);
                if l < 0x100 {
                    return Err(malformed("non-minimal DER length in nameConstraints"));
                }
                l
            }
            _ => return Err(malformed("unsupported DER length in nameConstraints")),
        };
        Ok((tag, self.take(len)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(s: &str) -> DomainName {
        DomainName::from_ascii(s).unwrap()
    }

    fn der_dns_subtree(name: &[u8]) -> Vec<u8> {
        let mut gn = vec![0x82, u8::try_from(name.len()).unwrap()];
        gn.extend_from_slice(name);
        let mut st = vec![0x30, u8::try_from(gn.len()).unwrap()];
        st.extend(gn);
        st
    }

    fn contents(permitted: &[&[u8]], excluded: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for (tag, list) in [(0xa0u8, permitted), (0xa1u8, excluded)] {
            if list.is_empty() {
                continue;
            }
            let body: Vec<u8> = list.iter().flat_map(|n| der_dns_subtree(n)).collect();
            out.push(tag);
            out.push(u8::try_from(body.len()).unwrap());
            out.extend(body);
        }
        out
    }

    type Subtrees = &'static [&'static [u8]];

    /// (permitted, excluded, name, expected verdict)
    const MATCH_TABLE: &[(Subtrees, Subtrees, &str, bool)] = &[
        (&[b"example.com"], &[], "example.com", true),
        (&[b"example.com"], &[], "sip.example.com", true),
        (&[b"example.com"], &[], "a.b.example.com", true),
        (&[b"example.com"], &[], "badexample.com", false),
        (&[b"example.com"], &[], "example.com.evil", false),
        (&[b"example.com"], &[], "evil.example", false),
        (&[b"EXAMPLE.COM"], &[], "sip.example.com", true),
        (&[b".example.com"], &[], "example.com", false),
        (&[b".example.com"], &[], "sip.example.com", true),
        (&[b"example.com", b"example.net"], &[], "example.net", true),
        (&[], &[b"bad.example.com"], "bad.example.com", false),
        (&[], &[b"bad.example.com"], "x.bad.example.com", false),
        (&[], &[b"bad.example.com"], "good.example.com", true),
        (
            &[b"example.com"],
            &[b"bad.example.com"],
            "x.bad.example.com",
            false,
        ),
        (&[b"example.com"], &[b".example.com"], "example.com", true),
        (
            &[b"example.com"],
            &[b".example.com"],
            "sip.example.com",
            false,
        ),
    ];

    #[test]
    fn dns_constraint_semantics() {
        for &(permitted, excluded, name, expected) in MATCH_TABLE {
            let der = contents(permitted, excluded);
            let c = parse_contents(&der, "test CA".to_owned()).unwrap();
            let got = check_all(&[c], &[dn(name)]);
            assert_eq!(
                got.is_ok(),
                expected,
                "permitted={permitted:?} excluded={excluded:?} name={name:?}: {got:?}"
            );
        }
    }

    #[test]
    fn malformed_constraints_fail_closed() {
        let rows: &[(&str, Vec<u8>)] = &[
            ("empty dNSName", contents(&[b""], &[])),
            ("bare dot", contents(&[b"."], &[])),
            ("wildcard", contents(&[b"*.example.com"], &[])),
            ("non-ASCII", contents(&["bücher.example".as_bytes()], &[])),
            ("underscore", contents(&[b"_sip.example.com"], &[])),
            ("empty excluded dNSName", contents(&[], &[b""])),
            ("empty NameConstraints", Vec::new()),
            ("empty permitted subtrees", vec![0xa0, 0x00]),
            (
                "maximum present",
                vec![
                    0xa0, 0x0a, 0x30, 0x08, 0x82, 0x03, b'a', b'.', b'b', 0x81, 0x01, 0x00,
                ],
            ),
            (
                "unknown GeneralName tag",
                vec![0xa0, 0x04, 0x30, 0x02, 0x89, 0x00],
            ),
            ("truncated", vec![0xa0, 0x05, 0x30, 0x02]),
            ("indefinite length", vec![0xa0, 0x80, 0x00, 0x00]),
            ("trailing junk", {
                let mut v = contents(&[b"example.com"], &[]);
                v.push(0x05);
                v
            }),
        ];
        for (what, der) in rows {
            let got = parse_contents(der, "test CA".to_owned());
            assert!(
                matches!(got, Err(ChainError::MalformedNameConstraint { .. })),
                "{what}: parse_contents({der:02x?}) = {got:?}"
            );
        }
    }

    #[test]
    fn other_name_forms_do_not_restrict_dns() {
        // permitted: URI "example.com" only
        let der = vec![
            0xa0, 0x0f, 0x30, 0x0d, 0x86, 0x0b, b'e', b'x', b'a', b'm', b'p', b'l', b'e', b'.',
            b'c', b'o', b'm',
        ];
        let c = parse_contents(&der, "test CA".to_owned()).unwrap();
        assert!(c.is_empty(), "{c:?}");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn labels() -> impl Strategy<Value = Vec<String>> {
            prop::collection::vec("[a-c]{1,2}", 1..4)
        }

        proptest! {
            /// `example.com` covers exactly the names whose trailing labels are its labels;
            /// `.example.com` the same minus the name itself.
            #[test]
            fn subtree_matches_label_suffix_model(name in labels(), base in labels()) {
                let name_s = format!("{}.test", name.join("."));
                let base_s = format!("{}.test", base.join("."));
                let n = dn(&name_s);
                let b = dn(&base_s);
                let model = name.len() >= base.len() && name[name.len() - base.len()..] == base[..];
                prop_assert_eq!(
                    DnsSubtree::NameAndBelow(b.clone()).covers(&n), model,
                    "{} under {}", name_s, base_s
                );
                prop_assert_eq!(
                    DnsSubtree::BelowOnly(b).covers(&n), model && name.len() > base.len(),
                    "{} under .{}", name_s, base_s
                );
            }

            /// Arbitrary bytes never panic the parser.
            #[test]
            fn parser_is_total(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
                let _ = parse_contents(&bytes, "fuzz".to_owned());
                let _ = parse_extension_value(&bytes, "fuzz".to_owned());
            }
        }
    }
}
