//! Real rustls handshakes (in memory and over loopback TCP, ring provider) with the SIP
//! verifiers, over PKIs generated at test time.
#![allow(clippy::items_after_statements, clippy::too_many_lines)] // test code, written before the workspace lint wall

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, CertificateRevocationListDer, ServerName};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, Error, RootCertStore, ServerConfig,
    ServerConnection,
};
use sipcert::chain::ChainError;
use sipcert::uri::SipUri;
use sipcert::verifier::{
    client_identities, server_name_for, AllowList, AuthorizationError, PeerAuthentication,
    SipClientVerifier, SipServerVerifier, VerifierBuilderError,
};
use sipcert::{DomainName, Policy};
use sipcert_testkit::handshake::{self, Outcome, Side};
use sipcert_testkit::pki::{self, Ca, CaSpec, Date, Eku, Issued, LeafSpec};
use sipcert_testkit::{provider, reason_codes, rejected};

fn dn(s: &str) -> DomainName {
    DomainName::from_ascii(s).unwrap()
}

fn roots(ca: &Ca) -> Arc<RootCertStore> {
    let mut store = RootCertStore::empty();
    store.add(ca.der.clone()).unwrap();
    Arc::new(store)
}

/// A PKI: root → intermediate; the chain a server presents is [leaf, intermediate].
struct Pki {
    root: Ca,
    inter: Ca,
}

impl Pki {
    fn new() -> Self {
        Self::named("Handshake")
    }
    /// Distinct names matter: webpki matches issuers by name first.
    fn named(name: &str) -> Self {
        let root = Ca::root(&format!("{name} Root"));
        let inter = root.intermediate(CaSpec::new(&format!("{name} Inter")));
        Self { root, inter }
    }
    fn chain(&self, leaf: &Issued) -> Vec<CertificateDer<'static>> {
        vec![leaf.der.clone(), self.inter.der.clone()]
    }
}

fn server_config(chain: Vec<CertificateDer<'static>>, leaf: &Issued) -> Arc<ServerConfig> {
    Arc::new(
        ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, leaf.key.clone_key())
            .unwrap(),
    )
}

fn client_config(
    verifier: Arc<dyn rustls::client::danger::ServerCertVerifier>,
) -> Arc<ClientConfig> {
    Arc::new(
        ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth(),
    )
}

fn sip_verifier(
    root: &Ca,
    crls: Vec<CertificateRevocationListDer<'static>>,
) -> Arc<SipServerVerifier> {
    SipServerVerifier::builder_with_provider(roots(root), provider())
        .with_crls(crls)
        .build()
        .unwrap()
}

/// Client `config` connects to a server presenting `chain` with SNI/reference `aus` host.
fn connect(
    config: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    aus: &str,
) -> (Outcome, ServerConnection) {
    let aus = SipUri::parse(aus).unwrap();
    handshake::connect(config, server, server_name_for(&aus).unwrap())
}

/// A predicate on the stock verifier's error.
type ErrorCheck = dyn Fn(&CertificateError) -> bool;

#[test]
fn sip_certificates_that_webpki_rejects() {
    let pki = Pki::new();
    let uri_only = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let sip_eku_only = pki
        .inter
        .leaf(LeafSpec::new().dns("example.com").eku(&[Eku::SipDomain]));
    let cn_only = pki.inter.leaf(LeafSpec::new().cn("example.com"));
    let webpki = WebPkiServerVerifier::builder_with_provider(roots(&pki.root), provider())
        .build()
        .unwrap();
    let sip = sip_verifier(&pki.root, Vec::new());
    let not_valid_for_name = |e: &CertificateError| {
        matches!(
            e,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
        )
    };
    let invalid_purpose = |e: &CertificateError| {
        matches!(
            e,
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. }
        )
    };
    let cases: [(&str, &Issued, &ErrorCheck); 3] = [
        ("URI:sip:example.com only", &uri_only, &not_valid_for_name),
        (
            "DNS:example.com with EKU sipDomain only",
            &sip_eku_only,
            &invalid_purpose,
        ),
        ("CN=example.com, no SAN", &cn_only, &not_valid_for_name),
    ];
    for (what, leaf, webpki_error) in cases {
        let server = server_config(pki.chain(leaf), leaf);
        let (got, _) = connect(
            client_config(sip.clone()),
            server.clone(),
            "sips:alice@example.com",
        );
        assert_eq!(got, Ok(()), "{what}: SipServerVerifier must accept");
        let (got, _) = connect(
            client_config(webpki.clone()),
            server,
            "sips:alice@example.com",
        );
        let err = got.expect_err("WebPkiServerVerifier rejects it");
        assert_eq!(err.0, Side::Client, "{what}: {err:?}");
        assert!(
            matches!(&err.1, Error::InvalidCertificate(e) if webpki_error(e)),
            "{what}: WebPkiServerVerifier: {err:?}"
        );
    }
}

/// (case, server chain, leaf, AUS, check on the client error)
type RejectCase<'a> = (
    &'static str,
    Vec<CertificateDer<'static>>,
    &'a Issued,
    &'static str,
    &'a dyn Fn(&Error) -> bool,
);

#[test]
fn rejections_over_handshakes() {
    let pki = Pki::new();
    let expired = pki.inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .validity(Date(2000, 1, 1), Date(2001, 1, 1)),
    );
    let not_yet_valid = pki.inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .validity(Date(2090, 1, 1), Date(2095, 1, 1)),
    );
    let revoked = pki
        .inter
        .leaf(LeafSpec::new().uri("sip:example.com").serial(4242));
    let host_in_domain = pki.inter.leaf(LeafSpec::new().dns("sip.example.com"));
    let good = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let stranger = Pki::named("Stranger");
    let untrusted = stranger.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let nc = pki
        .root
        .intermediate(CaSpec::new("Constrained").permitted_dns(&["example.com"]));
    let evil = nc.leaf(LeafSpec::new().uri("sip:evil.example"));

    // Every CA must be covered: unknown revocation status is denied by default.
    let crls = vec![pki.inter.crl(&[4242]), pki.root.crl(&[]), nc.crl(&[])];
    let sip = client_config(sip_verifier(&pki.root, crls));

    let (got, _) = connect(
        sip.clone(),
        server_config(pki.chain(&good), &good),
        "sip:example.com",
    );
    assert_eq!(
        got,
        Ok(()),
        "control: the good leaf with the same CRLs is accepted"
    );

    let cases: Vec<RejectCase<'_>> = vec![
        (
            "expired",
            pki.chain(&expired),
            &expired,
            "sip:example.com",
            &|e| {
                matches!(
                    e,
                    Error::InvalidCertificate(CertificateError::ExpiredContext { .. })
                )
            },
        ),
        (
            "not yet valid",
            pki.chain(&not_yet_valid),
            &not_yet_valid,
            "sip:example.com",
            &|e| {
                matches!(
                    e,
                    Error::InvalidCertificate(CertificateError::NotValidYetContext { .. })
                )
            },
        ),
        (
            "untrusted root",
            stranger.chain(&untrusted),
            &untrusted,
            "sip:example.com",
            &|e| {
                matches!(
                    e,
                    Error::InvalidCertificate(CertificateError::UnknownIssuer)
                )
            },
        ),
        (
            "revoked leaf",
            pki.chain(&revoked),
            &revoked,
            "sip:example.com",
            &|e| matches!(e, Error::InvalidCertificate(CertificateError::Revoked)),
        ),
        (
            "wrong domain (host within the domain)",
            pki.chain(&host_in_domain),
            &host_in_domain,
            "sips:bob@example.com",
            &|e| {
                reason_codes(e) == ["no-matching-identity"]
                    && rejected(e).is_some_and(|r| {
                        r.hints()
                            .iter()
                            .any(|h| h.code().code() == "hint-host-within-domain")
                    })
            },
        ),
        (
            "name-constrained CA minting sip:evil.example",
            vec![evil.der.clone(), nc.der.clone()],
            &evil,
            "sip:evil.example",
            &|e| reason_codes(e).contains(&"chain-name-constraint-violation"),
        ),
        (
            "IP literal reference",
            pki.chain(&good),
            &good,
            "sip:192.0.2.1",
            &|e| reason_codes(e).contains(&"reference-is-ip-literal"),
        ),
    ];
    for (what, chain, leaf, aus, check) in cases {
        let (got, _) = connect(sip.clone(), server_config(chain, leaf), aus);
        let err = got.expect_err(what);
        assert_eq!(err.0, Side::Client, "{what} (AUS {aus}): {err:?}");
        assert!(
            check(&err.1),
            "{what} (AUS {aus}): unexpected error {:?}",
            err.1
        );
    }
}

#[test]
fn builder_errors() {
    let empty = Arc::new(RootCertStore::empty());
    assert_eq!(
        SipServerVerifier::builder_with_provider(empty.clone(), provider())
            .build()
            .err(),
        Some(VerifierBuilderError::NoRootAnchors)
    );
    assert_eq!(
        SipClientVerifier::builder_with_provider(empty, provider())
            .build()
            .err()
            .map(|e| e.to_string()),
        Some(VerifierBuilderError::NoRootAnchors.to_string())
    );
    let pki = Pki::new();
    let err = SipServerVerifier::builder_with_provider(roots(&pki.root), provider())
        .with_crls([CertificateRevocationListDer::from(vec![0x30, 0x00])])
        .build()
        .err();
    assert!(
        matches!(
            err,
            Some(VerifierBuilderError::InvalidCrl(
                ChainError::InvalidCrl { .. }
            ))
        ),
        "{err:?}"
    );
}

#[test]
fn sni_is_the_sip_domain_over_loopback_tcp() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .eku(&[Eku::SipDomain]),
    );
    let server_cfg = server_config(pki.chain(&leaf), &leaf);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        let mut tls = rustls::StreamOwned::new(ServerConnection::new(server_cfg).unwrap(), sock);
        let mut line = [0u8; 7];
        tls.read_exact(&mut line).unwrap();
        let sni = tls.conn.server_name().map(str::to_owned);
        tls.write_all(b"SIP/2.0").unwrap();
        tls.flush().unwrap();
        (sni, line)
    });
    // The AUS host is the SIP domain; the TCP peer is "the SRV target" 127.0.0.1.
    let aus = SipUri::parse("sips:alice@Example.COM;transport=tcp").unwrap();
    let sock = TcpStream::connect(addr).unwrap();
    let conn = ClientConnection::new(
        client_config(sip_verifier(&pki.root, Vec::new())),
        server_name_for(&aus).unwrap(),
    )
    .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    tls.write_all(b"OPTIONS").unwrap();
    let mut reply = [0u8; 7];
    tls.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"SIP/2.0");
    let (sni, line) = server.join().unwrap();
    assert_eq!(&line, b"OPTIONS");
    assert_eq!(
        sni.as_deref(),
        Some("example.com"),
        "server saw SNI {sni:?}"
    );
}

#[test]
fn server_name_for_ip_literal_sends_no_sni() {
    let aus = SipUri::parse("sip:[2001:db8::1]:5061").unwrap();
    assert!(matches!(
        server_name_for(&aus).unwrap(),
        ServerName::IpAddress(_)
    ));
    let aus = SipUri::parse("sips:bob@SIP.Example.COM.").unwrap();
    assert_eq!(
        server_name_for(&aus).unwrap(),
        ServerName::try_from("sip.example.com").unwrap()
    );
}

fn mtls_server(pki: &Pki, leaf: &Issued, verifier: Arc<SipClientVerifier>) -> Arc<ServerConfig> {
    Arc::new(
        ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(pki.chain(leaf), leaf.key.clone_key())
            .unwrap(),
    )
}

fn mtls_client(pki: &Pki, client_leaf: Option<&Issued>) -> Arc<ClientConfig> {
    let b = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(sip_verifier(&pki.root, Vec::new()));
    Arc::new(match client_leaf {
        Some(l) => b
            .with_client_auth_cert(pki.chain(l), l.key.clone_key())
            .unwrap(),
        None => b.with_no_client_auth(),
    })
}

#[test]
fn mutual_tls_with_allow_list() {
    let pki = Pki::new();
    let server_leaf = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let client_leaf = pki.inter.leaf(
        LeafSpec::new()
            .uri("sip:client.example.net")
            .dns("mail.example.net")
            .eku(&[Eku::ClientAuth]),
    );
    let code_signing = pki.inter.leaf(
        LeafSpec::new()
            .uri("sip:client.example.net")
            .eku(&[Eku::CodeSigning]),
    );
    let verifier = SipClientVerifier::builder_with_provider(roots(&pki.root), provider())
        .build()
        .unwrap();
    let policy = verifier.policy().clone();
    let server = mtls_server(&pki, &server_leaf, verifier);

    let (got, s) = connect(
        mtls_client(&pki, Some(&client_leaf)),
        server.clone(),
        "sips:example.com",
    );
    assert_eq!(got, Ok(()));
    let peer = client_identities(s.peer_certificates(), &policy);
    assert_eq!(
        peer.domains(),
        vec![&dn("client.example.net")],
        "R37: DNS suppressed by sip: URI"
    );
    let allow = AllowList::new([dn("CLIENT.example.net")]);
    assert_eq!(allow.authorize(&peer), Ok(&dn("client.example.net")));
    let deny = AllowList::new([dn("example.net")]);
    assert_eq!(
        deny.authorize(&peer).map_err(|e| e.code()),
        Err("client-not-allowed"),
        "no suffix match"
    );

    let (got, _) = connect(
        mtls_client(&pki, Some(&code_signing)),
        server.clone(),
        "sips:example.com",
    );
    let err = got.expect_err("codeSigning client cert");
    assert_eq!(err.0, Side::Server, "{err:?}");

    let (got, _) = connect(mtls_client(&pki, None), server, "sips:example.com");
    assert_eq!(got.expect_err("client cert mandatory").0, Side::Server);
}

#[test]
fn optional_client_auth_is_never_authenticated_without_a_certificate() {
    let pki = Pki::new();
    let server_leaf = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let verifier = SipClientVerifier::builder_with_provider(roots(&pki.root), provider())
        .allow_unauthenticated()
        .build()
        .unwrap();
    let policy = verifier.policy().clone();
    let server = mtls_server(&pki, &server_leaf, verifier);
    let (got, s) = connect(mtls_client(&pki, None), server, "sips:example.com");
    assert_eq!(got, Ok(()));
    let peer = client_identities(s.peer_certificates(), &policy);
    assert_eq!(peer, PeerAuthentication::Unauthenticated);
    assert_eq!(
        AllowList::new([dn("example.com")]).authorize(&peer),
        Err(AuthorizationError::NotAuthenticated)
    );
}

#[test]
fn tls12_handshake_uses_provider_signatures() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let server = Arc::new(
        ServerConfig::builder_with_provider(provider())
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(pki.chain(&leaf), leaf.key.clone_key())
            .unwrap(),
    );
    let (got, s) = connect(
        client_config(sip_verifier(&pki.root, Vec::new())),
        server,
        "sips:example.com",
    );
    assert_eq!(got, Ok(()));
    assert_eq!(s.protocol_version(), Some(rustls::ProtocolVersion::TLSv1_2));
}

#[test]
fn policy_is_applied() {
    // CN-only certificate: accepted by default, rejected with cn_fallback(false).
    let pki = Pki::new();
    let leaf = pki.inter.leaf(LeafSpec::new().cn("example.com"));
    let strict = SipServerVerifier::builder_with_provider(roots(&pki.root), provider())
        .policy(Policy::default().cn_fallback(false))
        .build()
        .unwrap();
    let (got, _) = connect(
        client_config(strict),
        server_config(pki.chain(&leaf), &leaf),
        "sip:example.com",
    );
    let err = got.expect_err("CN fallback disabled").1;
    assert_eq!(reason_codes(&err), ["no-identities"], "{err:?}");
}

/// Always presents the same certified key (which may not match, for R34).
#[derive(Debug)]
struct Fixed(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for Fixed {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

#[test]
fn r34_certificate_verify_signed_by_another_key_is_rejected() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let impostor = pki.inter.leaf(LeafSpec::new().uri("sip:other.example"));
    for (what, key) in [("matching key", &leaf.key), ("another key", &impostor.key)] {
        let signer = provider()
            .key_provider
            .load_private_key(key.clone_key())
            .unwrap();
        let certified = rustls::sign::CertifiedKey::new(pki.chain(&leaf), signer);
        let server = Arc::new(
            ServerConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_cert_resolver(Arc::new(Fixed(Arc::new(certified)))),
        );
        let (got, _) = connect(
            client_config(sip_verifier(&pki.root, Vec::new())),
            server,
            "sips:example.com",
        );
        if what == "matching key" {
            assert_eq!(got, Ok(()), "{what}");
        } else {
            let err = got.expect_err(what);
            assert_eq!(err.0, Side::Client, "{what}: {err:?}");
            assert!(
                matches!(
                    err.1,
                    Error::InvalidCertificate(CertificateError::BadSignature)
                ),
                "{what}: {err:?}"
            );
        }
    }
}

#[test]
fn client_certificates_obey_name_constraints_and_reuse_rules() {
    let pki = Pki::new();
    let server_leaf = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let nc = pki
        .root
        .intermediate(CaSpec::new("Client NC").permitted_dns(&["example.net"]));
    let evil = nc.leaf(LeafSpec::new().uri("sip:evil.example"));
    let fine = nc.leaf(LeafSpec::new().uri("sip:sip.example.net"));
    let cn_only = pki.inter.leaf(LeafSpec::new().cn("cn.example.net"));
    let verifier = SipClientVerifier::builder_with_provider(roots(&pki.root), provider())
        .build()
        .unwrap();
    let policy = verifier.policy().clone();
    let server = mtls_server(&pki, &server_leaf, verifier);

    let with_chain = |leaf: &Issued, inter: &Ca| {
        Arc::new(
            ClientConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .unwrap()
                .dangerous()
                .with_custom_certificate_verifier(sip_verifier(&pki.root, Vec::new()))
                .with_client_auth_cert(
                    vec![leaf.der.clone(), inter.der.clone()],
                    leaf.key.clone_key(),
                )
                .unwrap(),
        )
    };

    let (got, _) = connect(with_chain(&evil, &nc), server.clone(), "sips:example.com");
    let err = got.expect_err("constrained CA minting sip:evil.example for a client");
    assert_eq!(err.0, Side::Server, "{err:?}");
    assert_eq!(
        reason_codes(&err.1),
        ["chain-name-constraint-violation"],
        "{err:?}"
    );

    let (got, s) = connect(with_chain(&fine, &nc), server.clone(), "sips:example.com");
    assert_eq!(got, Ok(()), "sip:sip.example.net under example.net");
    let peer = client_identities(s.peer_certificates(), &policy);
    assert_eq!(peer.domains(), vec![&dn("sip.example.net")]);

    // RFC 5923 §8.2: a CN-only client certificate authenticates (CN fallback) but gives no
    // alias row; a SAN one does.
    use sipcert::reuse::{
        ClientCertificate, ConnectionTransport, IncomingAlias, Refusal, ReuseTable,
    };
    let alias = |ids: &[sipcert::Identity]| -> Result<(), Refusal> {
        let mut table = ReuseTable::new();
        table
            .insert_alias(
                dn("example.com"),
                &IncomingAlias {
                    connection_transport: ConnectionTransport::Tls,
                    via_transport: ConnectionTransport::Tls,
                    source_ip: "192.0.2.1".parse().unwrap(),
                    sent_by_port: None,
                    client_certificate: ClientCertificate::Verified(ids),
                },
                1u8,
            )
            .map(|_| ())
    };
    assert_eq!(alias(peer.identities()), Ok(()), "SAN client cert");
    let (got, s) = connect(
        mtls_client(&pki, Some(&cn_only)),
        server,
        "sips:example.com",
    );
    assert_eq!(got, Ok(()), "CN-only client certificate");
    let peer = client_identities(s.peer_certificates(), &policy);
    assert_eq!(peer.domains(), vec![&dn("cn.example.net")]);
    assert_eq!(
        alias(peer.identities()),
        Err(Refusal::NoSanIdentity),
        "CN-only client cert gives no alias row"
    );
}

#[test]
fn check_gives_the_full_verdict_without_a_handshake() {
    let pki = Pki::new();
    let verifier = sip_verifier(&pki.root, Vec::new());
    let good = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let expired = pki.inter.leaf(
        LeafSpec::new()
            .uri("sip:example.com")
            .validity(Date(2000, 1, 1), Date(2001, 1, 1)),
    );
    let reference = sipcert::Reference::Domain(dn("example.com"));
    let now = pki::now();
    let inter = [pki.inter.der.clone()];
    let v = verifier.check(&good.der, &inter, &reference, now);
    assert!(v.is_accept(), "{v:?}");
    let v = verifier.check(&expired.der, &inter, &reference, now);
    let codes: Vec<_> = v
        .rejected()
        .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["chain-expired"], "{v:?}");
    let other = sipcert::Reference::Domain(dn("example.org"));
    let v = verifier.check(&good.der, &inter, &other, now);
    let codes: Vec<_> = v
        .rejected()
        .map(|r| r.reasons().iter().map(|x| x.code().code()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["no-matching-identity"], "{v:?}");
}

#[test]
fn ip_literal_reference_only_with_allow_ip_literals() {
    let pki = Pki::new();
    let leaf = pki
        .inter
        .leaf(LeafSpec::new().ip("192.0.2.7".parse().unwrap()));
    let server = server_config(pki.chain(&leaf), &leaf);
    let default = sip_verifier(&pki.root, Vec::new());
    let (got, _) = connect(client_config(default), server.clone(), "sip:192.0.2.7");
    let err = got.expect_err("IP literal without allow_ip_literals").1;
    assert!(
        reason_codes(&err).contains(&"reference-is-ip-literal"),
        "{err:?}"
    );
    let allowing = SipServerVerifier::builder_with_provider(roots(&pki.root), provider())
        .policy(Policy::default().allow_ip_literals(true))
        .build()
        .unwrap();
    let (got, _) = connect(
        client_config(allowing.clone()),
        server.clone(),
        "sip:192.0.2.7",
    );
    assert_eq!(
        got,
        Ok(()),
        "iPAddress SAN 192.0.2.7 under allow_ip_literals"
    );
    let (got, _) = connect(client_config(allowing), server, "sip:192.0.2.8");
    assert!(got.is_err(), "another IP must not match: {got:?}");
}

#[test]
fn client_verifier_root_hints_and_auth_modes() {
    use rustls::server::danger::ClientCertVerifier;
    let pki = Pki::new();
    let store = roots(&pki.root);
    let v = SipClientVerifier::builder_with_provider(store.clone(), provider())
        .build()
        .unwrap();
    assert!(v.offer_client_auth() && v.client_auth_mandatory());
    let hints: Vec<&[u8]> = v.root_hint_subjects().iter().map(AsRef::as_ref).collect();
    let subjects = store.subjects();
    let expected: Vec<&[u8]> = subjects.iter().map(AsRef::as_ref).collect();
    assert_eq!(hints, expected);
    assert_eq!(hints.len(), 1);
    let v = SipClientVerifier::builder_with_provider(store, provider())
        .clear_root_hint_subjects()
        .allow_unauthenticated()
        .build()
        .unwrap();
    assert!(v.offer_client_auth() && !v.client_auth_mandatory());
    assert!(v.root_hint_subjects().is_empty());
}

#[test]
fn verifier_finds_the_unconstrained_path() {
    // Same CA key, certified constrained (example.com) and unconstrained; the server sends
    // the constrained certificate first. The verifier passes the identities into path
    // building, so webpki moves on to the unconstrained path.
    let pki = Pki::new();
    let (constrained, open) = pki.root.intermediate_pair(
        CaSpec::new("Shared CA").permitted_dns(&["example.com"]),
        CaSpec::new("Shared CA"),
    );
    let leaf = constrained.leaf(LeafSpec::new().uri("sip:other.example"));
    let sip = client_config(sip_verifier(&pki.root, Vec::new()));
    let both = vec![leaf.der.clone(), constrained.der.clone(), open.der.clone()];
    let (got, _) = connect(sip.clone(), server_config(both, &leaf), "sip:other.example");
    assert_eq!(got, Ok(()), "an unconstrained path exists");
    let only = vec![leaf.der.clone(), constrained.der.clone()];
    let (got, _) = connect(sip, server_config(only, &leaf), "sip:other.example");
    let err = got.expect_err("only the constrained path").1;
    assert_eq!(
        reason_codes(&err),
        ["chain-name-constraint-violation"],
        "{err:?}"
    );
}

/// The one-line adoption (`with_sip_verifier` / `with_sip_client_verifier_roots`) is the same
/// verifier: a `sip:` URI-only certificate that the stock verifier refuses is accepted, an RFC
/// 3261 host-style one is refused with the rule and the hint, and the server side demands and
/// checks a client certificate.
#[test]
fn config_builder_extensions_install_the_sip_verifiers() {
    use sipcert::verifier::{client_identities, ClientConfigBuilderExt, ServerConfigBuilderExt};

    let pki = Pki::new();
    let good = pki.inter.leaf(LeafSpec::new().uri("sip:example.com"));
    let host_style = pki.inter.leaf(LeafSpec::new().dns("sip.example.com"));
    let client = |leaf: Option<&Issued>| {
        let b = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_sip_verifier(roots(&pki.root))
            .unwrap();
        Arc::new(match leaf {
            Some(l) => b
                .with_client_auth_cert(pki.chain(l), l.key.clone_key())
                .unwrap(),
            None => b.with_no_client_auth(),
        })
    };
    let (got, _) = connect(
        client(None),
        server_config(pki.chain(&good), &good),
        "sips:example.com",
    );
    assert_eq!(
        got,
        Ok(()),
        "sip: URI certificate through with_sip_verifier"
    );
    let (got, _) = connect(
        client(None),
        server_config(pki.chain(&host_style), &host_style),
        "sips:example.com",
    );
    let (side, err) = got.expect_err("host-style certificate must be refused");
    assert_eq!(side, Side::Client, "{err:?}");
    assert_eq!(reason_codes(&err), vec!["no-matching-identity"], "{err:?}");
    let hints: Vec<&str> = rejected(&err)
        .unwrap()
        .hints()
        .iter()
        .map(|h| h.code().code())
        .collect();
    assert_eq!(hints, vec!["hint-host-within-domain"], "{err:?}");

    let mtls = Arc::new(
        ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_sip_client_verifier_roots(roots(&pki.root))
            .unwrap()
            .with_single_cert(pki.chain(&good), good.key.clone_key())
            .unwrap(),
    );
    let client_leaf = pki
        .inter
        .leaf(LeafSpec::new().uri("sip:client.example.net"));
    let (got, s) = connect(client(Some(&client_leaf)), mtls.clone(), "sips:example.com");
    assert_eq!(
        got,
        Ok(()),
        "client certificate through with_sip_client_verifier_roots"
    );
    let peer = client_identities(s.peer_certificates(), &Policy::default());
    assert_eq!(peer.domains(), vec![&dn("client.example.net")]);
    let (got, _) = connect(client(None), mtls, "sips:example.com");
    assert!(
        got.is_err(),
        "a client without a certificate is refused: {got:?}"
    );
    // An empty root store is refused at configuration, not at the first handshake.
    let err = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_sip_verifier(Arc::new(RootCertStore::empty()))
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(err, sipcert::verifier::VerifierBuilderError::NoRootAnchors),
        "{err:?}"
    );
}
