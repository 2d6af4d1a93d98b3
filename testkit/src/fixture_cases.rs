//! The fixture corpus's case table: what each case's PKI holds, its reference, role, policy
//! flags, expected sipcert verdict, the stock rustls verdict and where the shape is met.
//!
//! Shared by the generator (`testkit/src/bin/gen_fixtures.rs`, which builds the certificates and
//! writes `fixtures/manifest.json` from [`manifest`]) and by `tests/fixtures.rs`, which fails
//! when the committed manifest is not what this table gives.

use std::net::IpAddr;

use rcgen::DnValue;
use serde_json::{json, Value};

use crate::pki::{self, dns, raw_dns, san_value, Date, Eku, LeafSpec};

/// Validity of every generated certificate unless a case says otherwise.
pub const FROM: Date = Date(2020, 1, 1);
/// End of the validity of every generated certificate unless a case says otherwise.
pub const UNTIL: Date = Date(2099, 12, 31);

/// What a case's PKI consists of.
#[derive(Debug)]
pub enum Pki {
    /// Root → intermediate → leaf; `chain.pem` = leaf + intermediate.
    Standard(LeafSpec),
    /// As `Standard`, the intermediate with dNSName permitted subtrees.
    Constrained(&'static [&'static str], LeafSpec),
    /// As `Standard`, plus `crl.pem` (root's CRL, intermediate's CRL revoking the leaf).
    Revoked(LeafSpec),
    /// As `Standard`, but `chain.pem` holds the leaf only.
    MissingIntermediate(LeafSpec),
    /// Files under `fixtures/third-party/`: (chain, root or none).
    ThirdParty(&'static str, Option<&'static str>),
}

/// One fixture case: its certificate shape, reference, role, policy and expected verdicts.
#[derive(Debug)]
pub struct Case {
    /// The case's directory name under `fixtures/`.
    pub id: &'static str,
    /// One line: what the leaf holds.
    pub shape: &'static str,
    /// The PKI it is generated with (or the third-party files it uses).
    pub pki: Pki,
    /// The AUS, or `None` when `domain` is used.
    pub aus: Option<&'static str>,
    /// The reference SIP domain when there is no AUS.
    pub domain: Option<&'static str>,
    /// `server` or `client`: the role the certificate is checked for.
    pub role: &'static str,
    /// Policy flags (`Policy` relaxations by their manifest names).
    pub policy: &'static [&'static str],
    /// A fixed verification time (RFC 3339), `None` for now.
    pub at: Option<&'static str>,
    /// `accept` or `reject`: sipcert's expected verdict.
    pub expected: &'static str,
    /// The expected reason codes of a reject.
    pub reasons: &'static [&'static str],
    /// The expected hint codes.
    pub hints: &'static [&'static str],
    /// The relaxations an accept relies on.
    pub relaxations: &'static [&'static str],
    /// What rustls's stock verifier says (`accept`, a `CertificateError` name, or `n/a`).
    pub stock: &'static str,
    /// Where the shape is met in the field.
    pub field: &'static str,
}

impl Case {
    fn new(id: &'static str, shape: &'static str, pki: Pki) -> Self {
        Self {
            id,
            shape,
            pki,
            aus: None,
            domain: None,
            role: "server",
            policy: &[],
            at: None,
            expected: "accept",
            reasons: &[],
            hints: &[],
            relaxations: &[],
            stock: "accept",
            field: "",
        }
    }
    fn aus(mut self, aus: &'static str) -> Self {
        self.aus = Some(aus);
        self
    }
    fn domain(mut self, d: &'static str) -> Self {
        self.domain = Some(d);
        self
    }
    fn client(mut self) -> Self {
        self.role = "client";
        self
    }
    fn policy(mut self, flags: &'static [&'static str]) -> Self {
        self.policy = flags;
        self
    }
    fn at(mut self, at: &'static str) -> Self {
        self.at = Some(at);
        self
    }
    fn accept(mut self, relaxations: &'static [&'static str]) -> Self {
        self.expected = "accept";
        self.relaxations = relaxations;
        self
    }
    fn reject(mut self, reasons: &'static [&'static str], hints: &'static [&'static str]) -> Self {
        self.expected = "reject";
        self.reasons = reasons;
        self.hints = hints;
        self
    }
    fn stock(mut self, stock: &'static str) -> Self {
        self.stock = stock;
        self
    }
    fn field(mut self, note: &'static str) -> Self {
        self.field = note;
        self
    }
}

fn leaf() -> LeafSpec {
    LeafSpec::new().validity(FROM, UNTIL).serial(3)
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("IP literal")
}

/// 10 000 dNSName entries, the SIP domain last: 9 999 three-letter single-label names, so
/// that the certificate stays under webpki's 64 KiB limit for one DER object.
fn ten_thousand_short_sans() -> Vec<u8> {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut entries: Vec<pki::San> = (0..9_999usize)
        .map(|i| {
            let label = [
                b'a' + u8::try_from(i / 1296).expect("< 26"),
                DIGITS[i / 36 % 36],
                DIGITS[i % 36],
            ];
            raw_dns(&label)
        })
        .collect();
    entries.push(dns("example.com"));
    san_value(&entries)
}

/// 10 000 dNSName entries `h0001`…`h9999`, then the SIP domain: just over 64 KiB.
fn ten_thousand_long_sans() -> Vec<u8> {
    let mut entries: Vec<pki::San> = (1..10_000).map(|i| dns(&format!("h{i:04}"))).collect();
    entries.push(dns("example.com"));
    san_value(&entries)
}

/// Every case of the fixture corpus, in manifest order.
#[allow(clippy::too_many_lines)] // the table
pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "rfc3261-host-style",
            "DNS:sip.atlanta.com (a host inside the SIP domain, RFC 3261 §26.3.2.1 style)",
            Pki::Standard(leaf().dns("sip.atlanta.com")),
        )
        .aus("sips:alice@atlanta.com")
        .reject(&["no-matching-identity"], &["hint-host-within-domain"])
        .stock("NotValidForName")
        .field("RFC 3261 §26.3.2.1 told servers to certify their host name; providers still certify sip.atlanta.com instead of atlanta.com (rfc-notes V40)"),
        Case::new(
            "rfc5922-sip-uri",
            "URI:sip:atlanta.com, DNS:atlanta.com (the RFC 5922 §6 shape)",
            Pki::Standard(leaf().uri("sip:atlanta.com").dns("atlanta.com")),
        )
        .aus("sips:alice@atlanta.com")
        .accept(&[])
        .field("the control case: what RFC 5922 §6 asks a SIP service provider to present"),
        Case::new(
            "srv-target",
            "DNS:sip1.provider.net (the SRV target of example.com)",
            Pki::Standard(leaf().dns("sip1.provider.net")),
        )
        .aus("sips:alice@example.com")
        .reject(&["no-matching-identity"], &[])
        .stock("NotValidForName")
        .field("hosted SIP: one certificate per SRV target (linphone-android#806, #1620; python-sipsimple#7)"),
        Case::new(
            "srv-target-dnssec",
            "DNS:sip1.provider.net (the SRV target of example.com)",
            Pki::Standard(leaf().dns("sip1.provider.net")),
        )
        .aus("sips:alice@example.com")
        .policy(&["--secure-srv-target", "sip1.provider.net"])
        .accept(&["secure-srv-target"])
        .stock("NotValidForName")
        .field("RFC 7673: with a DNSSEC-validated SRV answer the target may be a second reference"),
        Case::new(
            "wildcard-carrier",
            "DNS:*.carrier.example",
            Pki::Standard(leaf().dns("*.carrier.example")),
        )
        .aus("sips:+493012345678@reg.carrier.example")
        .reject(&["no-identities"], &["hint-wildcard-would-match"])
        .field("carrier trunks with wildcard certificates (pjproject#3113, PR #2328: a large German carrier; asterisk#269)"),
        Case::new(
            "wildcard-carrier-allowed",
            "DNS:*.carrier.example, checked with danger::allow_wildcards",
            Pki::Standard(leaf().dns("*.carrier.example")),
        )
        .aus("sips:+493012345678@reg.carrier.example")
        .policy(&["--danger-allow-wildcards"])
        .accept(&["wildcard"])
        .field("the most-requested relaxation (peers.md §0.4): opt-in only, and the accept records it"),
        Case::new(
            "wildcard-teams",
            "CN=sbc1.contoso.example, DNS:*.contoso.example, EKU serverAuth+clientAuth",
            Pki::Standard(
                leaf()
                    .cn("sbc1.contoso.example")
                    .dns("*.contoso.example")
                    .eku(&[Eku::ServerAuth, Eku::ClientAuth]),
            ),
        )
        .aus("sips:sbc1.contoso.example")
        .reject(&["no-identities"], &["hint-wildcard-would-match", "hint-cn-would-match"])
        .field("Microsoft Teams Direct Routing docs: the SBC FQDN must be in the CN or a SAN, and \"Microsoft supports using wildcard values\" (OfficeDocs-SkypeForBusiness PR #6637)"),
        Case::new(
            "contact-ip",
            "DNS:sip.example.com; the reference is the Contact IP",
            Pki::Standard(leaf().dns("sip.example.com")),
        )
        .aus("sips:alice@192.0.2.10:5061")
        .reject(&["reference-is-ip-literal"], &[])
        .stock("NotValidForName")
        .field("in-dialog requests sent to an IP Contact/Via (pjproject#2706, sipgo#362, livekit/sip#435)"),
        Case::new(
            "contact-ip-with-ip-san",
            "DNS:sip.example.com, IP:192.0.2.10",
            Pki::Standard(leaf().dns("sip.example.com").ip(ip("192.0.2.10"))),
        )
        .aus("sips:alice@192.0.2.10:5061")
        .policy(&["--allow-ip-literals"])
        .accept(&["ip-literal"])
        .field("SBCs reached by IP that carry an iPAddress SAN; matched only under allow_ip_literals (D7)"),
        Case::new(
            "contact-ip-with-ip-san-default",
            "DNS:sip.example.com, IP:192.0.2.10",
            Pki::Standard(leaf().dns("sip.example.com").ip(ip("192.0.2.10"))),
        )
        .aus("sips:alice@192.0.2.10:5061")
        .reject(&["reference-is-ip-literal"], &[])
        .field("the same with the default policy: an IP is not a SIP domain (RFC 5922 §7.2); HTTPS rules accept it"),
        Case::new(
            "cn-only-legacy-pbx",
            "no SAN extension, CN=pbx.example.com",
            Pki::Standard(leaf().cn("pbx.example.com")),
        )
        .aus("sips:100@pbx.example.com")
        .accept(&["cn-fallback"])
        .stock("NotValidForName")
        .field("self-made PBX/ATA certificates with only a CN (flexisip self-signed localhost, liblinphone cn-agent)"),
        Case::new(
            "cn-only-no-fallback",
            "no SAN extension, CN=pbx.example.com",
            Pki::Standard(leaf().cn("pbx.example.com")),
        )
        .aus("sips:100@pbx.example.com")
        .policy(&["--no-cn-fallback"])
        .reject(&["no-identities"], &["hint-cn-would-match"])
        .stock("NotValidForName")
        .field("the same under RFC 9525 (no CN-ID): what a strict deployment sees"),
        Case::new(
            "phone-user-uri",
            "URI:sip:alice@example.com (a user identity), client certificate",
            Pki::Standard(leaf().uri("sip:alice@example.com").eku(&[Eku::ClientAuth])),
        )
        .aus("sip:alice@example.com")
        .client()
        .reject(&["no-identities"], &["hint-user-part-uri-would-match"])
        .field("phone certificates provisioned with the AOR (liblinphone tester, SIPit user certificates)"),
        Case::new(
            "phone-user-uri-with-dns",
            "URI:sip:1001@example.com, DNS:example.com, client certificate",
            Pki::Standard(
                leaf()
                    .uri("sip:1001@example.com")
                    .dns("example.com")
                    .eku(&[Eku::ClientAuth]),
            ),
        )
        .aus("sip:1001@example.com")
        .client()
        .accept(&["eku-tls-compatible"])
        .field("phones with the AOR and the domain; a user URI does not suppress DNS SANs (D1)"),
        Case::new(
            "sips-uri-san",
            "URI:sips:example.com",
            Pki::Standard(leaf().uri("sips:example.com")),
        )
        .aus("sips:alice@example.com")
        .reject(&["no-identities"], &["hint-sips-uri-would-match"])
        .stock("NotValidForName")
        .field("operators writing sips: because the link is TLS; RFC 5922 §7.1 counts only sip: URIs"),
        Case::new(
            "eku-public-ca",
            "DNS:example.com, EKU serverAuth+clientAuth (public CA style)",
            Pki::Standard(leaf().dns("example.com").eku(&[Eku::ServerAuth, Eku::ClientAuth])),
        )
        .aus("sips:alice@example.com")
        .accept(&["eku-tls-compatible"])
        .field("public-CA certificates on SIP servers and trunks (Avaya docs call checking sipDomain \"discouraged\"); D11: compatible mode accepts serverAuth and records it"),
        Case::new(
            "eku-public-ca-rfc5924",
            "DNS:example.com, EKU serverAuth+clientAuth (public CA style)",
            Pki::Standard(leaf().dns("example.com").eku(&[Eku::ServerAuth, Eku::ClientAuth])),
        )
        .aus("sips:alice@example.com")
        .policy(&["--eku", "rfc5924"])
        .reject(&["eku-not-permitted"], &[])
        .field("RFC 5924 §5 read literally: an EKU without sipDomain is not for SIP"),
        Case::new(
            "eku-sipdomain-only",
            "URI:sip:example.com, DNS:example.com, EKU sipDomain only",
            Pki::Standard(
                leaf()
                    .uri("sip:example.com")
                    .dns("example.com")
                    .eku(&[Eku::SipDomain]),
            ),
        )
        .aus("sips:alice@example.com")
        .policy(&["--eku", "rfc5924"])
        .accept(&[])
        .stock("InvalidPurpose")
        .field("RFC 5924 certificates from private SIP CAs (pyasn1-modules test_rfc5924); stock webpki demands serverAuth"),
        Case::new(
            "eku-clientauth-only-as-server",
            "DNS:example.com, EKU clientAuth only",
            Pki::Standard(leaf().dns("example.com").eku(&[Eku::ClientAuth])),
        )
        .aus("sips:alice@example.com")
        .reject(&["eku-not-permitted"], &[])
        .stock("InvalidPurpose")
        .field("a client-only certificate installed on the server side of a trunk"),
        Case::new(
            "eku-clientauth-only-as-client",
            "DNS:example.com, EKU clientAuth only, client certificate",
            Pki::Standard(leaf().dns("example.com").eku(&[Eku::ClientAuth])),
        )
        .aus("sip:example.com")
        .client()
        .accept(&["eku-tls-compatible"])
        .field("public CAs phase out clientAuth in 2026 (opensips#3798, livekit/sip#593), so clientAuth-only trunk certificates come from private CAs"),
        Case::new(
            "eku-serverauth-only-as-client",
            "DNS:example.com, EKU serverAuth only, client certificate",
            Pki::Standard(leaf().dns("example.com").eku(&[Eku::ServerAuth])),
        )
        .aus("sip:example.com")
        .client()
        .accept(&["eku-tls-compatible"])
        .stock("InvalidPurpose")
        .field("after the 2026 clientAuth phase-out, trunks present serverAuth-only public certificates for mTLS; verifiers that require clientAuth break (opensips#3798, livekit/sip#593)"),
        Case::new(
            "name-constrained-ca",
            "URI:sip:evil.example.net under an intermediate constrained to DNS example.com",
            Pki::Constrained(&["example.com"], leaf().uri("sip:evil.example.net")),
        )
        .aus("sips:alice@evil.example.net")
        .reject(&["chain-name-constraint-violation"], &[])
        .stock("NotValidForName")
        .field("enterprise sub-CAs constrained to the customer's domain; webpki applies DNS constraints to dNSNames only"),
        Case::new(
            "name-constrained-ca-ok",
            "URI:sip:example.com, DNS:example.com under an intermediate constrained to example.com",
            Pki::Constrained(
                &["example.com"],
                leaf().uri("sip:example.com").dns("example.com"),
            ),
        )
        .aus("sips:alice@example.com")
        .accept(&[])
        .field("the same CA used as intended"),
        Case::new(
            "embedded-nul",
            "DNS:\"sip.example.com\\0.evil.example\" (embedded NUL)",
            Pki::Standard(leaf().raw_san(san_value(&[raw_dns(
                b"sip.example.com\0.evil.example",
            )]))),
        )
        .aus("sips:alice@sip.example.com")
        .reject(&["no-identities"], &[])
        .stock("NotValidForName")
        .field("the NUL-prefix attack; PJSIP fixed its SAN matcher in commit 43d3bd77 (2026-07-17)"),
        Case::new(
            "non-ascii-ia5",
            "DNS:\"bücher.example\" as raw UTF-8 in an IA5String",
            Pki::Standard(leaf().raw_san(san_value(&[raw_dns("bücher.example".as_bytes())]))),
        )
        .aus("sips:alice@xn--bcher-kva.example")
        .reject(&["no-identities"], &[])
        .stock("NotValidForName")
        .field("CAs and scripts that write U-labels into dNSName (rfc-notes V25)"),
        Case::new(
            "bmpstring-cn",
            "no SAN extension, CN=pbx.example.com as BMPString",
            Pki::Standard(leaf().cn_value(DnValue::BmpString(
                "pbx.example.com".try_into().expect("BMP"),
            ))),
        )
        .aus("sips:100@pbx.example.com")
        .accept(&["cn-fallback"])
        .stock("NotValidForName")
        .field("BMPString is a legal DirectoryString (RFC 5280 §4.1.2.4) that older CA software emits; matchers reading only UTF8String/PrintableString miss it"),
        Case::new(
            "two-cns",
            "no SAN extension, CN=pbx.example.com then CN=evil.example.net",
            Pki::Standard(leaf().cn("pbx.example.com").cn("evil.example.net")),
        )
        .aus("sips:100@pbx.example.com")
        .reject(&["no-matching-identity"], &["hint-cn-would-match"])
        .stock("NotValidForName")
        .field("several CN RDNs (liblinphone cn-agent.pem); stacks disagree on which CN counts (D3: the last)"),
        Case::new(
            "idn",
            "URI:sip:xn--bcher-kva.example, DNS:xn--bcher-kva.example",
            Pki::Standard(
                leaf()
                    .uri("sip:xn--bcher-kva.example")
                    .dns("xn--bcher-kva.example"),
            ),
        )
        .domain("bücher.example")
        .accept(&[])
        .field("internationalized SIP domains: certificates carry A-labels, users type U-labels (UTS 46)"),
        Case::new(
            "trailing-dot-reference",
            "URI:sip:example.com, DNS:example.com",
            Pki::Standard(leaf().uri("sip:example.com").dns("example.com")),
        )
        .aus("sips:alice@example.com.")
        .accept(&[])
        .field("absolute domain names in Route/Request-URIs (RFC 3261 allows the trailing dot; D5)"),
        Case::new(
            "trailing-dot-san",
            "DNS:sip.example.com. (absolute name in the certificate)",
            Pki::Standard(leaf().dns("sip.example.com.")),
        )
        .aus("sips:alice@sip.example.com")
        .accept(&[])
        .stock("NotValidForName")
        .field("certificates requested with an absolute FQDN; D5 strips one trailing dot"),
        Case::new(
            "san-10000",
            "10 000 dNSName SANs (a00 … hpq, then example.com), certificate under 64 KiB",
            Pki::Standard(leaf().raw_san(ten_thousand_short_sans())),
        )
        .aus("sips:alice@example.com")
        .accept(&[])
        .field("multi-tenant SIP hosting stuffs customer domains into one certificate; matchers must stay linear"),
        Case::new(
            "san-10000-over-64k",
            "10 000 dNSName SANs (h0001 … h9999, then example.com), certificate over 64 KiB",
            Pki::Standard(leaf().raw_san(ten_thousand_long_sans())),
        )
        .aus("sips:alice@example.com")
        .reject(&["cert-too-large"], &[])
        .stock("BadEncoding")
        .field("webpki refuses any DER object over 64 KiB (TrailingData(SignedData)), whatever OpenSSL accepts"),
        Case::new(
            "expired",
            "URI:sip:example.com, DNS:example.com, valid 2020-01-01..2021-01-01",
            Pki::Standard(
                leaf()
                    .uri("sip:example.com")
                    .dns("example.com")
                    .validity(Date(2020, 1, 1), Date(2021, 1, 1)),
            ),
        )
        .aus("sips:alice@example.com")
        .at("2026-06-01T00:00:00Z")
        .reject(&["chain-expired"], &[])
        .stock("Expired")
        .field("forgotten renewals on SBCs and PBXs; stacks that skip the check hide it"),
        Case::new(
            "not-yet-valid",
            "URI:sip:example.com, DNS:example.com, valid from 2090-01-01",
            Pki::Standard(
                leaf()
                    .uri("sip:example.com")
                    .dns("example.com")
                    .validity(Date(2090, 1, 1), UNTIL),
            ),
        )
        .aus("sips:alice@example.com")
        .at("2026-06-01T00:00:00Z")
        .reject(&["chain-not-yet-valid"], &[])
        .stock("NotValidYet")
        .field("devices with a wrong clock (no RTC, before NTP)"),
        Case::new(
            "revoked",
            "URI:sip:example.com, DNS:example.com, revoked by the intermediate's CRL",
            Pki::Revoked(leaf().uri("sip:example.com").dns("example.com")),
        )
        .aus("sips:alice@example.com")
        .reject(&["chain-revoked"], &[])
        .stock("Revoked")
        .field("a compromised SBC key; crl.pem holds the root's and the intermediate's CRLs"),
        Case::new(
            "missing-intermediate",
            "URI:sip:example.com, DNS:example.com; chain.pem has no intermediate",
            Pki::MissingIntermediate(leaf().uri("sip:example.com").dns("example.com")),
        )
        .aus("sips:alice@example.com")
        .reject(&["chain-unknown-issuer"], &["hint-missing-intermediate"])
        .stock("UnknownIssuer")
        .field("servers configured with the leaf only; browsers hide it with AIA fetching, SIP stacks do not"),
        Case::new(
            "virtual-hosting",
            "URI:sip:example.com, URI:sip:example.net, URI:sip:example.org, DNS:proxy.hoster.example",
            Pki::Standard(
                leaf()
                    .uri("sip:example.com")
                    .uri("sip:example.net")
                    .uri("sip:example.org")
                    .dns("proxy.hoster.example"),
            ),
        )
        .aus("sips:bob@example.net")
        .accept(&[])
        .stock("NotValidForName")
        .field("a proxy hosting several SIP domains (RFC 5922 §7.8)"),
        Case::new(
            "virtual-hosting-host-name",
            "URI:sip:example.com, URI:sip:example.net, URI:sip:example.org, DNS:proxy.hoster.example",
            Pki::Standard(
                leaf()
                    .uri("sip:example.com")
                    .uri("sip:example.net")
                    .uri("sip:example.org")
                    .dns("proxy.hoster.example"),
            ),
        )
        .aus("sip:proxy.hoster.example")
        .reject(&["no-matching-identity"], &["hint-suppressed-dns-would-match"])
        .field("the same proxy addressed by its host name: sip: URIs suppress the dNSName (RFC 5922 §7.1)"),
        // Third-party certificates (see fixtures/third-party/README.md).
        Case::new(
            "resiprocate-domain-sha1",
            "resiprocate domain_cert_localhost: DNS:localhost, URI:sip:localhost, SHA-1/RSA signature (2014..2024)",
            Pki::ThirdParty(
                "third-party/resiprocate/resip-stack-test-domain_cert_localhost.pem",
                Some("third-party/resiprocate/resip-stack-test-root_cert_resipCA.pem"),
            ),
        )
        .aus("sip:localhost")
        .at("2020-01-01T00:00:00Z")
        .reject(&["chain-invalid"], &[])
        .stock("UnsupportedSignatureAlgorithm")
        .field("reSIProcate's stack test certificate: a SHA-1/RSA signature, which webpki does not verify (chain-invalid, not a bad signature)"),
        Case::new(
            "resiprocate-return-server",
            "resiprocate reTurn server.pem: DNS:blitzzgod.com, URI:sip:blitzzgod.com; chain file also holds the root",
            Pki::ThirdParty(
                "third-party/resiprocate/reTurn-server.pem",
                Some("third-party/resiprocate/reTurn-client-test-ca.pem"),
            ),
        )
        .aus("sips:blitzzgod.com")
        .at("2020-01-01T00:00:00Z")
        .accept(&[])
        .field("reSIProcate's reTurn test server; servers that send the root with the chain"),
        Case::new(
            "resiprocate-tfm-ip",
            "resiprocate tfm domain_cert_localhost: DNS:localhost, IP:127.0.0.1, IP:::1, EKU serverAuth; root pathlen:0",
            Pki::ThirdParty(
                "third-party/resiprocate/tfm-repro-domain_cert_localhost.pem",
                Some("third-party/resiprocate/tfm-repro-root_cert_resipCA.pem"),
            ),
        )
        .aus("sip:127.0.0.1")
        .at("2025-06-01T00:00:00Z")
        .reject(&["reference-is-ip-literal"], &[])
        .field("reSIProcate's repro test proxy reached by IP; HTTPS rules accept the iPAddress SAN"),
        Case::new(
            "resiprocate-tfm-localhost",
            "resiprocate tfm domain_cert_localhost: DNS:localhost, IP:127.0.0.1, IP:::1, EKU serverAuth; root pathlen:0",
            Pki::ThirdParty(
                "third-party/resiprocate/tfm-repro-domain_cert_localhost.pem",
                Some("third-party/resiprocate/tfm-repro-root_cert_resipCA.pem"),
            ),
        )
        .aus("sip:localhost")
        .at("2025-06-01T00:00:00Z")
        .accept(&["eku-tls-compatible"])
        .field("reSIProcate's repro test proxy by name"),
        Case::new(
            "resiprocate-user-cullen",
            "SIPit 2005 user certificate: URI:sip:cullen@localhost, URI:im:…, URI:pres:… (issuer not available)",
            Pki::ThirdParty("third-party/resiprocate/tfm-repro-user_cert_cullen@localhost.pem", None),
        )
        .aus("sip:cullen@localhost")
        .client()
        .reject(&["no-identities"], &["hint-user-part-uri-would-match"])
        .stock("n/a")
        .field("user certificates from the SIPit interop events, used by reSIProcate's test suite"),
        Case::new(
            "pyasn1-sipdomain-eku",
            "pyasn1-modules test_rfc5924: no SAN, CN=sip.example.com, EKU sipDomain only (issuer not available)",
            Pki::ThirdParty("third-party/pyasn1-modules/rfc5924-sip-domain-eku.pem", None),
        )
        .aus("sips:alice@sip.example.com")
        .policy(&["--eku", "rfc5924"])
        .accept(&["cn-fallback"])
        .stock("n/a")
        .field("the RFC 5924 example certificate shape (Russ Housley's test vector)"),
    ]
}

/// The manifest's `files` object of a case (paths relative to `fixtures/`).
pub fn files_of(case: &Case) -> Value {
    match &case.pki {
        Pki::ThirdParty(chain, root) => json!({
            "chain": chain,
            "root": root,
            "key": Value::Null,
            "crls": Vec::<String>::new(),
        }),
        Pki::Revoked(_) => json!({
            "chain": format!("{}/chain.pem", case.id),
            "root": format!("{}/root.pem", case.id),
            "key": format!("{}/leaf.key", case.id),
            "crls": [format!("{}/crl.pem", case.id)],
        }),
        _ => json!({
            "chain": format!("{}/chain.pem", case.id),
            "root": format!("{}/root.pem", case.id),
            "key": format!("{}/leaf.key", case.id),
            "crls": Vec::<String>::new(),
        }),
    }
}

/// The manifest (`fixtures/manifest.json`) for [`cases`].
pub fn manifest() -> Value {
    let mut rows = Vec::new();
    for case in cases() {
        let files = files_of(&case);
        rows.push(json!({
            "id": case.id,
            "shape": case.shape,
            "files": files,
            "aus": case.aus,
            "domain": case.domain,
            "role": case.role,
            "policy": case.policy,
            "at": case.at,
            "expected": case.expected,
            "reasons": case.reasons,
            "hints": case.hints,
            "relaxations": case.relaxations,
            "stock_rustls": case.stock,
            "field_note": case.field,
        }));
    }
    json!({
        "about": "sipcert fixture corpus: one row per case; paths are relative to fixtures/. Generated by testkit/src/bin/gen_fixtures.rs; see docs/conformance.md.",
        "cases": rows,
    })
}
