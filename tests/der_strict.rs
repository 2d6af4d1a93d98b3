//! Strict DER for everything sipcert decides on (subjectAltName, subject CN, EKU, extension
//! OIDs, `critical`, duplicates), the CN choice, and the `.` dNSName.
//!
//! x509-parser reads a constructed `[6]` as a URI, skips an undefined GeneralName tag and uses
//! the rest, ignores trailing octets and non-minimal lengths, and does not recognise a
//! subjectAltName whose OID is not minimally encoded (so the CN fallback fired on a certificate
//! that does carry a SAN). OpenSSL refuses all of these; so does sipcert: every such
//! certificate is `cert-malformed` and yields no identity.
//!
//! Each certificate starts as a well-formed one from rcgen and is rewritten through a small
//! DER tree ([`Node`]) that re-encodes the enclosing lengths; the signature no longer verifies,
//! which these name-only checks do not look at. Every row names its input in the failure
//! message; the positive rows prove that the well-formed variants still pass.

use sipcert_testkit::pki::{self, tlv};

use rcgen::{CertificateParams, CustomExtension, DistinguishedName, DnType, KeyPair};
use sipcert::{check_end_entity, extract_identities, DomainName, Policy, Reference, Role};

// ---------------------------------------------------------------------------------------
// A tiny DER tree: parse, patch, re-encode.
// ---------------------------------------------------------------------------------------

/// A DER value: primitive (tag, contents), constructed (tag, children), or octets written
/// verbatim (to plant a non-canonical encoding).
#[derive(Clone, Debug)]
enum Node {
    Prim(u8, Vec<u8>),
    Cons(u8, Vec<Self>),
    Raw(Vec<u8>),
}

/// A TLV whose length is written in the long form `0x81 len` although it is below 128.
fn tlv_long_len(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = u8::try_from(content.len()).unwrap();
    assert!(len < 0x80);
    let mut out = vec![tag, 0x81, len];
    out.extend_from_slice(content);
    out
}

fn parse_all(mut der: &[u8]) -> Vec<Node> {
    let mut out = Vec::new();
    while !der.is_empty() {
        let tag = der[0];
        let (hdr, len) = if der[1] < 0x80 {
            (2, usize::from(der[1]))
        } else {
            let n = usize::from(der[1] & 0x7f);
            let len = der[2..2 + n]
                .iter()
                .fold(0usize, |a, &b| (a << 8) | usize::from(b));
            (2 + n, len)
        };
        let contents = &der[hdr..hdr + len];
        out.push(if tag & 0x20 != 0 {
            Node::Cons(tag, parse_all(contents))
        } else {
            Node::Prim(tag, contents.to_vec())
        });
        der = &der[hdr + len..];
    }
    out
}

impl Node {
    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Prim(tag, c) => tlv(*tag, c),
            Self::Cons(tag, children) => {
                let body: Vec<u8> = children.iter().flat_map(Self::encode).collect();
                tlv(*tag, &body)
            }
            Self::Raw(bytes) => bytes.clone(),
        }
    }

    fn children(&mut self) -> &mut Vec<Self> {
        match self {
            Self::Cons(_, c) => c,
            other => panic!("not constructed: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Certificates.
// ---------------------------------------------------------------------------------------

const SAN_OID: &[u8] = &[0x55, 0x1d, 0x11];
const CN_OID: &[u8] = &[0x55, 0x04, 0x03];
const OU_OID: &[u8] = &[0x55, 0x04, 0x0b];
const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// serverAuth with its last arc written `80 01` (non-minimal).
const SERVER_AUTH_NON_MINIMAL: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x80, 0x01];

/// A certificate as a DER tree: rcgen's self-signed leaf with `CN=example.com` (so that a CN
/// fallback would match the reference), the given raw SAN and EKU extension values, and a
/// basicConstraints extension from rcgen.
struct Cert(Node);

impl Cert {
    fn new(san: Option<Vec<u8>>, eku: Option<Vec<u8>>) -> Self {
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, "example.com");
        p.is_ca = rcgen::IsCa::ExplicitNoCa;
        if let Some(value) = san {
            p.custom_extensions
                .push(CustomExtension::from_oid_content(&[2, 5, 29, 17], value));
        }
        if let Some(value) = eku {
            p.custom_extensions
                .push(CustomExtension::from_oid_content(&[2, 5, 29, 37], value));
        }
        let der = p
            .self_signed(&KeyPair::generate().unwrap())
            .unwrap()
            .der()
            .to_vec();
        let mut nodes = parse_all(&der);
        assert_eq!(nodes.len(), 1);
        let cert = Self(nodes.remove(0));
        assert_eq!(
            cert.clone_der(),
            der,
            "the tree re-encodes rcgen's DER exactly"
        );
        cert
    }

    fn san(entries: &[Vec<u8>]) -> Self {
        Self::new(Some(tlv(0x30, &entries.concat())), None)
    }

    fn tbs(&mut self) -> &mut Vec<Node> {
        self.0.children()[0].children()
    }

    /// The Extension SEQUENCEs.
    fn extensions(&mut self) -> &mut Vec<Node> {
        let tbs = self.tbs();
        let wrapper = tbs
            .iter_mut()
            .find(|n| matches!(n, Node::Cons(0xa3, _)))
            .expect("extensions");
        wrapper.children()[0].children()
    }

    /// The Extension SEQUENCE with this OID (content octets).
    fn extension(&mut self, oid: &[u8]) -> &mut Vec<Node> {
        self.extensions()
            .iter_mut()
            .find(|e| matches!(e, Node::Cons(0x30, c) if matches!(&c[0], Node::Prim(6, o) if o == oid)))
            .expect("extension present")
            .children()
    }

    fn subject(&mut self) -> &mut Node {
        &mut self.tbs()[5]
    }

    fn clone_der(&self) -> Vec<u8> {
        self.0.encode()
    }

    fn der(self) -> Vec<u8> {
        self.0.encode()
    }
}

fn dns(s: &str) -> Vec<u8> {
    tlv(0x82, s.as_bytes())
}

fn uri(s: &str) -> Vec<u8> {
    tlv(0x86, s.as_bytes())
}

/// A Name from RDNs of (attribute OID, string tag, value), built by the test kit.
fn name(rdns: &[&[(&'static [u8], u8, &str)]]) -> Vec<u8> {
    let rdns: Vec<Vec<pki::Attr>> = rdns
        .iter()
        .map(|rdn| {
            rdn.iter()
                .map(|&(oid, tag, value)| (oid, tag, value.as_bytes().to_vec()))
                .collect()
        })
        .collect();
    pki::name(&rdns)
}

fn with_subject(san: Option<Vec<u8>>, subject: &[u8]) -> Vec<u8> {
    let mut c = Cert::new(san, None);
    *c.subject() = Node::Raw(subject.to_vec());
    c.der()
}

fn reference() -> Reference {
    Reference::Domain(DomainName::from_ascii("example.com").unwrap())
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
    b.iter().fold(String::new(), |mut out, x| {
        let _ = write!(out, "{x:02x}");
        out
    })
}

// ---------------------------------------------------------------------------------------
// Malformed: every row is cert-malformed, no identity, no CN fallback.
// ---------------------------------------------------------------------------------------

/// (the input, a fragment the error message must contain, the certificate).
type Row = (&'static str, &'static str, fn() -> Vec<u8>);

const MALFORMED: &[Row] = &[
    (
        "SAN entry A6 'sip:example.com': a constructed [6] (x509-parser reads it as a URI)",
        "constructed tag 0xa6 is not a GeneralName",
        || Cert::san(&[tlv(0xa6, b"sip:example.com")]).der(),
    ),
    (
        "SAN entry A2 'example.com': a constructed [2] (x509-parser reads it as a dNSName)",
        "constructed tag 0xa2 is not a GeneralName",
        || Cert::san(&[tlv(0xa2, b"example.com")]).der(),
    ),
    (
        "SAN entry 89 'x' (undefined tag [9]) before dNSName example.com",
        "primitive tag 0x89 is not a GeneralName",
        || Cert::san(&[tlv(0x89, b"x"), dns("example.com")]).der(),
    ),
    (
        "SAN entry A9 (constructed [9]) after dNSName example.com",
        "constructed tag 0xa9 is not a GeneralName",
        || Cert::san(&[dns("example.com"), tlv(0xa9, &dns("x"))]).der(),
    ),
    (
        "SAN entry 80 (otherName written primitive) before dNSName example.com",
        "primitive tag 0x80 is not a GeneralName",
        || Cert::san(&[tlv(0x80, b"x"), dns("example.com")]).der(),
    ),
    (
        "SAN entry 16 'example.com': a universal IA5String in GeneralNames",
        "primitive tag 0x16 is not a GeneralName",
        || Cert::san(&[tlv(0x16, b"example.com"), dns("example.com")]).der(),
    ),
    (
        "extnValue = GeneralNames SEQUENCE {dNSName example.com} followed by 05 00",
        "subjectAltName at byte",
        || {
            let mut v = tlv(0x30, &dns("example.com"));
            v.extend([0x05, 0x00]);
            Cert::new(Some(v), None).der()
        },
    ),
    (
        "Extension SEQUENCE {OID SAN, OCTET STRING {GeneralNames}, 05 00}: octets after extnValue",
        "extensions at byte",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            c.extension(SAN_OID).push(Node::Prim(0x05, vec![]));
            c.der()
        },
    ),
    (
        "[3] {Extensions SEQUENCE, 05 00}: octets after the Extensions SEQUENCE",
        "extensions at byte",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            let tbs = c.tbs();
            let last = tbs.len() - 1;
            tbs[last].children().push(Node::Prim(0x05, vec![]));
            c.der()
        },
    ),
    (
        "GeneralNames SEQUENCE with length 81 0d (non-minimal) around dNSName example.com",
        "a minimal length",
        || {
            let v = tlv_long_len(0x30, &dns("example.com"));
            Cert::new(Some(v), None).der()
        },
    ),
    (
        "dNSName entry 82 81 0b 'example.com' (non-minimal length)",
        "a minimal length",
        || {
            let v = tlv(0x30, &tlv_long_len(0x82, b"example.com"));
            Cert::new(Some(v), None).der()
        },
    ),
    (
        "dNSName entry 82 82 00 0b 'example.com' (leading zero length octet)",
        "a minimal length",
        || {
            let mut e = vec![0x82, 0x82, 0x00, 0x0b];
            e.extend_from_slice(b"example.com");
            Cert::new(Some(tlv(0x30, &e)), None).der()
        },
    ),
    (
        "GeneralNames SEQUENCE with indefinite length 30 80 .. 00 00",
        "indefinite",
        || {
            let mut v = vec![0x30, 0x80];
            v.extend(dns("example.com"));
            v.extend([0x00, 0x00]);
            Cert::new(Some(v), None).der()
        },
    ),
    (
        "extnValue OCTET STRING with length 81 xx (non-minimal), SAN dNSName example.com",
        "a minimal length",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            let ext = c.extension(SAN_OID);
            let value = match &ext[1] {
                Node::Prim(4, v) => v.clone(),
                other => panic!("{other:?}"),
            };
            ext[1] = Node::Raw(tlv_long_len(0x04, &value));
            c.der()
        },
    ),
    (
        "SAN OID written 55 1d 80 11 (non-minimal) with dNSName other.example; CN=example.com",
        "extensions at byte",
        || {
            let mut c = Cert::san(&[dns("other.example")]);
            c.extension(SAN_OID)[0] = Node::Prim(0x06, vec![0x55, 0x1d, 0x80, 0x11]);
            c.der()
        },
    ),
    (
        "basicConstraints OID written 55 80 1d 13 (any extension OID must be minimal)",
        "extensions at byte",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            c.extension(&[0x55, 0x1d, 0x13])[0] = Node::Prim(0x06, vec![0x55, 0x80, 0x1d, 0x13]);
            c.der()
        },
    ),
    (
        "two SAN extensions: dNSName example.com, then dNSName evil.example",
        "subjectAltName extension appears more than once",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            let mut second = c.extension(SAN_OID).clone();
            second[1] = Node::Prim(0x04, tlv(0x30, &dns("evil.example")));
            c.extensions().push(Node::Cons(0x30, second));
            c.der()
        },
    ),
    (
        "two basicConstraints extensions (any duplicate OID)",
        "repeats an earlier extension",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            let bc = c.extension(&[0x55, 0x1d, 0x13]).clone();
            c.extensions().push(Node::Cons(0x30, bc));
            c.der()
        },
    ),
    (
        "SAN extension with critical written 01 01 00 (explicit FALSE)",
        "critical omitted when FALSE",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            c.extension(SAN_OID).insert(1, Node::Prim(0x01, vec![0x00]));
            c.der()
        },
    ),
    (
        "SAN extension with critical written 01 01 01 (TRUE that is not 0xFF)",
        "a DER BOOLEAN",
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            c.extension(SAN_OID).insert(1, Node::Prim(0x01, vec![0x01]));
            c.der()
        },
    ),
    (
        "empty GeneralNames SEQUENCE 30 00; CN=example.com",
        "at least one GeneralName",
        || Cert::new(Some(vec![0x30, 0x00]), None).der(),
    ),
    (
        "extnValue is an empty OCTET STRING (no GeneralNames at all); CN=example.com",
        "a GeneralNames SEQUENCE",
        || Cert::new(Some(Vec::new()), None).der(),
    ),
    (
        "otherName A0 {OID 1.3.6.1.4.1} without its [0] value, then dNSName example.com",
        "otherName [0]",
        || {
            let other = tlv(0xa0, &tlv(0x06, &[0x2b, 0x06, 0x01, 0x04, 0x01]));
            Cert::san(&[other, dns("example.com")]).der()
        },
    ),
    (
        "directoryName A4 {Name with an empty RDN 31 00}, then dNSName example.com",
        "subjectAltName at byte",
        || {
            let dir = tlv(0xa4, &tlv(0x30, &[0x31, 0x00]));
            Cert::san(&[dir, dns("example.com")]).der()
        },
    ),
    (
        "registeredID 88 2a 80 03 (non-minimal OID), then dNSName example.com",
        "a minimally encoded OBJECT IDENTIFIER",
        || Cert::san(&[tlv(0x88, &[0x2a, 0x80, 0x03]), dns("example.com")]).der(),
    ),
    (
        "EKU SEQUENCE {serverAuth with its last arc 80 01 (non-minimal)}; SAN dNSName example.com",
        "extendedKeyUsage at byte",
        || {
            Cert::new(
                Some(tlv(0x30, &dns("example.com"))),
                Some(tlv(0x30, &tlv(0x06, SERVER_AUTH_NON_MINIMAL))),
            )
            .der()
        },
    ),
    (
        "EKU value SEQUENCE {serverAuth} followed by 05 00; SAN dNSName example.com",
        "extendedKeyUsage at byte",
        || {
            let mut eku = tlv(0x30, &tlv(0x06, SERVER_AUTH));
            eku.extend([0x05, 0x00]);
            Cert::new(Some(tlv(0x30, &dns("example.com"))), Some(eku)).der()
        },
    ),
    (
        "EKU SEQUENCE with length 81 0a (non-minimal) around serverAuth; SAN dNSName example.com",
        "extendedKeyUsage at byte",
        || {
            let eku = tlv_long_len(0x30, &tlv(0x06, SERVER_AUTH));
            Cert::new(Some(tlv(0x30, &dns("example.com"))), Some(eku)).der()
        },
    ),
    (
        "EKU SEQUENCE {06 00}: an empty OID; SAN dNSName example.com",
        "extendedKeyUsage at byte",
        || {
            let eku = tlv(0x30, &[0x06, 0x00]);
            Cert::new(Some(tlv(0x30, &dns("example.com"))), Some(eku)).der()
        },
    ),
    (
        "subject Name SEQUENCE with length 81 xx (non-minimal): {CN=example.com}, no SAN",
        "subject at byte",
        || {
            let n = name(&[&[(CN_OID, 0x0c, "example.com")]]);
            with_subject(None, &tlv_long_len(0x30, &n[2..]))
        },
    ),
    (
        "subject CN value 0c 81 0b 'example.com' (non-minimal length), no SAN",
        "subject at byte",
        || {
            let atv = [tlv(0x06, CN_OID), tlv_long_len(0x0c, b"example.com")].concat();
            let subject = tlv(0x30, &tlv(0x31, &tlv(0x30, &atv)));
            with_subject(None, &subject)
        },
    ),
    (
        "subject CN attribute type written 55 04 80 03 (non-minimal OID), no SAN",
        "subject at byte",
        || {
            let n = name(&[&[(&[0x55, 0x04, 0x80, 0x03], 0x0c, "example.com")]]);
            with_subject(None, &n)
        },
    ),
    (
        "subject with an empty RDN SET 31 00 after {CN=example.com}, no SAN",
        "subject at byte",
        || {
            let mut body = name(&[&[(CN_OID, 0x0c, "example.com")]])[2..].to_vec();
            body.extend([0x31, 0x00]);
            with_subject(None, &tlv(0x30, &body))
        },
    ),
    (
        "subject AttributeTypeAndValue with a second value {CN, 'example.com', 'x'}, no SAN",
        "subject at byte",
        || {
            let atv = [
                tlv(0x06, CN_OID),
                tlv(0x0c, b"example.com"),
                tlv(0x0c, b"x"),
            ]
            .concat();
            with_subject(None, &tlv(0x30, &tlv(0x31, &tlv(0x30, &atv))))
        },
    ),
    ("the certificate followed by 00", "trailing data", || {
        let mut der = Cert::san(&[dns("example.com")]).der();
        der.push(0x00);
        der
    }),
];

#[test]
fn non_canonical_certificates_are_malformed() {
    for &(what, fragment, build) in MALFORMED {
        let der = build();
        let shown = format!("{what} [{} octets: {}]", der.len(), hex(&der));
        for policy in [
            Policy::default(),
            Policy::default()
                .require_sip_uri(true)
                .allow_ip_literals(true),
        ] {
            match extract_identities(&der, &policy) {
                Ok(ids) => panic!("{shown}: extracted {ids} (ignored {:?})", ids.ignored()),
                Err(e) => {
                    assert_eq!(e.code(), "cert-malformed", "{shown}: {e:?}");
                    assert!(
                        e.to_string().contains(fragment),
                        "{what}: error {e} does not say {fragment:?}"
                    );
                }
            }
        }
        let v = check_end_entity(&der, &reference(), Role::Server, &Policy::default());
        let r = v
            .rejected()
            .unwrap_or_else(|| panic!("{shown}: accepted {v:?}"));
        assert_eq!(
            r.reasons()[0].code().code(),
            "cert-malformed",
            "{shown}: {r}"
        );
        assert!(r.identities().is_empty(), "{shown}: {:?}", r.identities());
        let v = check_end_entity(&der, &reference(), Role::Client, &Policy::default());
        assert!(!v.is_accept(), "{shown}: accepted as a client: {v:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Well-formed variants of the same shapes: still accepted (so the table above can fail).
// ---------------------------------------------------------------------------------------

/// (the input, the identities "name/source", the certificate).
type Good = (&'static str, &'static [&'static str], fn() -> Vec<u8>);

const WELL_FORMED: &[Good] = &[
    ("SAN dNSName example.com", &["example.com/san-dns"], || {
        Cert::san(&[dns("example.com")]).der()
    }),
    (
        "SAN uniformResourceIdentifier 86 'sip:example.com' (primitive)",
        &["example.com/san-uri"],
        || Cert::san(&[uri("sip:example.com")]).der(),
    ),
    (
        "SAN extension marked critical 01 01 FF",
        &["example.com/san-dns"],
        || {
            let mut c = Cert::san(&[dns("example.com")]);
            c.extension(SAN_OID).insert(1, Node::Prim(0x01, vec![0xff]));
            c.der()
        },
    ),
    (
        "SAN of 12 dNSNames: GeneralNames length in the long form 81 xx (>= 128)",
        &[
            "h0.example.com/san-dns",
            "h1.example.com/san-dns",
            "h2.example.com/san-dns",
            "h3.example.com/san-dns",
            "h4.example.com/san-dns",
            "h5.example.com/san-dns",
            "h6.example.com/san-dns",
            "h7.example.com/san-dns",
            "h8.example.com/san-dns",
            "h9.example.com/san-dns",
            "h10.example.com/san-dns",
            "example.com/san-dns",
        ],
        || {
            let mut entries: Vec<Vec<u8>> =
                (0..11).map(|i| dns(&format!("h{i}.example.com"))).collect();
            entries.push(dns("example.com"));
            let der = Cert::san(&entries).der();
            assert!(der.windows(2).any(|w| w == [0x30, 0x81]));
            der
        },
    ),
    (
        "SAN dNSName 'xxx...' of 199 octets (entry length 81 c7, dns-invalid), then example.com",
        &["example.com/san-dns"],
        || Cert::san(&[dns(&"x".repeat(199)), dns("example.com")]).der(),
    ),
    (
        "every other GeneralName form, well formed, then dNSName example.com",
        &["example.com/san-dns"],
        || {
            let other = [
                tlv(0x06, &[0x2b, 0x06, 0x01, 0x04, 0x01]),
                tlv(0xa0, &tlv(0x0c, b"v")),
            ]
            .concat();
            Cert::san(&[
                tlv(0xa0, &other),
                tlv(0x81, b"a@example.com"),
                tlv(0xa3, &tlv(0x30, &[])),
                tlv(0xa4, &name(&[&[(CN_OID, 0x0c, "dir.example")]])),
                tlv(0xa5, &tlv(0xa1, &tlv(0x0c, b"party"))),
                tlv(0x87, &[192, 0, 2, 1]),
                tlv(0x88, &[0x2a, 0x03]),
                dns("example.com"),
            ])
            .der()
        },
    ),
    (
        "EKU SEQUENCE {serverAuth}, SAN dNSName example.com",
        &["example.com/san-dns"],
        || {
            Cert::new(
                Some(tlv(0x30, &dns("example.com"))),
                Some(tlv(0x30, &tlv(0x06, SERVER_AUTH))),
            )
            .der()
        },
    ),
    (
        "no SAN, subject {CN=example.com}: the CN fallback",
        &["example.com/cn"],
        || Cert::new(None, None).der(),
    ),
    (
        "no SAN, subject of 150 octets (Name length 81 96) ending in {CN=example.com}",
        &["example.com/cn"],
        || {
            let ou = "x".repeat(120);
            let n = name(&[
                &[(OU_OID, 0x0c, ou.as_str())],
                &[(CN_OID, 0x0c, "example.com")],
            ]);
            assert_eq!(&n[..2], [0x30, 0x81]);
            with_subject(None, &n)
        },
    ),
];

#[test]
fn well_formed_variants_still_pass() {
    for &(what, want, build) in WELL_FORMED {
        let der = build();
        let shown = format!("{what} [{}]", hex(&der));
        let ids =
            extract_identities(&der, &Policy::default()).unwrap_or_else(|e| panic!("{shown}: {e}"));
        let got: Vec<String> = ids
            .identities()
            .iter()
            .map(|i| format!("{}/{}", i.name(), i.source().code()))
            .collect();
        assert_eq!(got, want, "{shown}");
        let v = check_end_entity(&der, &reference(), Role::Server, &Policy::default());
        assert!(v.is_accept(), "{shown}: {v:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The CN choice: the last CN attribute, or none.
// ---------------------------------------------------------------------------------------

/// (the subject, the identities, the ignored names "value/reason").
type CnRow = (
    &'static str,
    &'static [&'static [(&'static [u8], u8, &'static str)]],
    &'static [&'static str],
    &'static [&'static str],
);

const CN_TABLE: &[CnRow] = &[
    (
        "{CN=example.com} {CN=evil.test + OU=x}: the last CN is multi-valued",
        &[
            &[(CN_OID, 0x0c, "example.com")],
            &[(CN_OID, 0x0c, "evil.test"), (OU_OID, 0x0c, "x")],
        ],
        &[],
        &[
            "example.com/cn-not-most-specific",
            "evil.test/cn-multi-valued-rdn",
        ],
    ),
    (
        "{CN=example.com} {OU=x + CN=evil.test}: the last CN is multi-valued (second in its RDN)",
        &[
            &[(CN_OID, 0x0c, "example.com")],
            &[(OU_OID, 0x0c, "x"), (CN_OID, 0x0c, "evil.test")],
        ],
        &[],
        &[
            "example.com/cn-not-most-specific",
            "evil.test/cn-multi-valued-rdn",
        ],
    ),
    (
        "{CN=example.com} {CN=Example Corp}: the last CN is not a host name",
        &[
            &[(CN_OID, 0x0c, "example.com")],
            &[(CN_OID, 0x0c, "Example Corp")],
        ],
        &[],
        &[
            "example.com/cn-not-most-specific",
            "Example Corp/cn-not-dns-name",
        ],
    ),
    (
        "{CN=example.com} {CN=T61String 'example.org'}: the last CN has no usable string type",
        &[
            &[(CN_OID, 0x0c, "example.com")],
            &[(CN_OID, 0x14, "example.org")],
        ],
        &[],
        &[
            "example.com/cn-not-most-specific",
            "example.org/cn-string-type-not-usable",
        ],
    ),
    (
        "{CN=example.com + CN=evil.test}: two CNs in one RDN",
        &[&[(CN_OID, 0x0c, "example.com"), (CN_OID, 0x0c, "evil.test")]],
        &[],
        &[
            "example.com/cn-not-most-specific",
            "evil.test/cn-multi-valued-rdn",
        ],
    ),
    (
        "{CN=evil.test + OU=x} {CN=example.com}: the last CN is single-valued",
        &[
            &[(CN_OID, 0x0c, "evil.test"), (OU_OID, 0x0c, "x")],
            &[(CN_OID, 0x0c, "example.com")],
        ],
        &["example.com"],
        &["evil.test/cn-not-most-specific"],
    ),
    (
        "{CN=example.com} {OU=x}: a later RDN without a CN does not matter",
        &[&[(CN_OID, 0x0c, "example.com")], &[(OU_OID, 0x0c, "x")]],
        &["example.com"],
        &[],
    ),
    (
        "{CN=evil.test} {CN=example.com}: the last CN counts",
        &[
            &[(CN_OID, 0x0c, "evil.test")],
            &[(CN_OID, 0x0c, "example.com")],
        ],
        &["example.com"],
        &["evil.test/cn-not-most-specific"],
    ),
];

#[test]
fn the_cn_is_the_last_cn_or_none() {
    for &(what, rdns, want_ids, want_ignored) in CN_TABLE {
        let subject = name(rdns);
        let der = with_subject(None, &subject);
        let shown = format!("{what} [subject {}]", hex(&subject));
        let ids =
            extract_identities(&der, &Policy::default()).unwrap_or_else(|e| panic!("{shown}: {e}"));
        let got: Vec<String> = ids
            .identities()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        assert_eq!(got, want_ids, "{shown}");
        let ignored: Vec<String> = ids
            .ignored()
            .iter()
            .map(|i| format!("{}/{}", i.value(), i.reason().code()))
            .collect();
        assert_eq!(ignored, want_ignored, "{shown}");
        let v = check_end_entity(&der, &reference(), Role::Server, &Policy::default());
        assert_eq!(
            v.is_accept(),
            want_ids.contains(&"example.com"),
            "{shown}: {v:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// dNSName shapes: `.` is no name; `.x` and `*` are wildcard shapes.
// ---------------------------------------------------------------------------------------

const DNS_SHAPES: &[(&str, &str)] = &[
    (".", "dns-invalid"),
    (".example.com", "dns-wildcard"),
    ("*", "dns-wildcard"),
    ("*.example.com", "dns-wildcard"),
    ("", "dns-invalid"),
];

#[test]
fn dot_dns_name_is_invalid() {
    for &(value, reason) in DNS_SHAPES {
        let der = Cert::san(&[dns(value)]).der();
        let ids = extract_identities(&der, &Policy::default())
            .unwrap_or_else(|e| panic!("dNSName {value:?}: {e}"));
        assert!(ids.is_empty(), "dNSName {value:?}: {ids}");
        let got: Vec<(&str, &str)> = ids
            .ignored()
            .iter()
            .filter(|i| i.source().code() == "san-dns")
            .map(|i| (i.value(), i.reason().code()))
            .collect();
        assert_eq!(got, [(value, reason)], "dNSName {value:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The policy travels with the identity set.
// ---------------------------------------------------------------------------------------

#[test]
fn identities_remember_their_policy() {
    let der = Cert::san(&[dns("example.com")]).der();
    for policy in [
        Policy::default(),
        Policy::default().cn_fallback(false),
        Policy::default()
            .require_sip_uri(true)
            .allow_ip_literals(true),
    ] {
        let ids = extract_identities(&der, &policy).unwrap();
        assert_eq!(ids.policy(), &policy);
    }
}
