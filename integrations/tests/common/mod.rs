//! What both stack tests need: the test PKI and Kamailio started with this crate's
//! configuration template (the process harness is `sipcert_interop_tests::harness`).
#![allow(dead_code)] // each test binary uses a part

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::RootCertStore;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sipcert_interop_tests::harness::{
    kamailio, CertFiles, Kamailio, KamailioConfig, KamailioInstall, Scratch,
};

/// This crate's Kamailio configuration (hosted domains answer, peer.test is relayed).
pub(crate) const REGISTRAR_CFG: &str = include_str!("../kamailio/registrar.cfg.in");
/// The TLS template of the interop tests (server and relay-client certificates, CA).
pub(crate) const TLS_CFG: &str = include_str!("../../../interop-tests/tests/interop/tls.cfg.in");

/// The test PKI: one root, leaves for each role.
pub(crate) struct Pki {
    pub(crate) root: PathBuf,
    pub(crate) root_der: CertificateDer<'static>,
    /// Kamailio, RFC 5922 style: `URI:sip:example.test`, `URI:sip:localhost`.
    pub(crate) domain: CertFiles,
    /// Kamailio, RFC 3261 host style: `DNS:sip.example.test`, `DNS:sip.localhost`.
    pub(crate) host_style: CertFiles,
    /// Kamailio's client certificate for relaying: `URI:sip:kamailio.test`.
    pub(crate) kamailio_client: CertFiles,
    /// A client certificate with no SIP domain identity: `URI:sip:relay@kamailio.test`.
    pub(crate) user_part_client: CertFiles,
    /// The ezk server: `URI:sip:peer.test`.
    pub(crate) peer_server: (Vec<CertificateDer<'static>>, Arc<KeyPair>),
}

fn ia5(s: &str) -> rcgen::string::Ia5String {
    rcgen::string::Ia5String::try_from(s).expect("ASCII")
}

impl Pki {
    pub(crate) fn create(scratch: &Scratch) -> Self {
        let ca_key = KeyPair::generate().expect("key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca.distinguished_name
            .push(DnType::CommonName, "sipcert integrations test root");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca.self_signed(&ca_key).expect("self-signed root");
        let root = scratch.write("root.pem", ca_cert.pem());
        let root_der = ca_cert.der().clone();
        let issuer = Issuer::new(ca, ca_key);
        let make = |cn: &str, sans: Vec<SanType>| {
            let key = KeyPair::generate().expect("key");
            let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
            p.distinguished_name.push(DnType::CommonName, cn);
            p.subject_alt_names = sans;
            p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
            let cert = p.signed_by(&key, &issuer).expect("sign leaf");
            (cert, key)
        };
        let leaf = |name: &str, cn: &str, sans: Vec<SanType>| {
            let (cert, key) = make(cn, sans);
            CertFiles {
                cert: scratch.write(&format!("{name}.pem"), cert.pem()),
                key: scratch.write(&format!("{name}.key"), key.serialize_pem()),
            }
        };
        let (peer_cert, peer_key) = make("peer.test", vec![SanType::URI(ia5("sip:peer.test"))]);
        Self {
            domain: leaf(
                "domain",
                "example.test",
                vec![
                    SanType::URI(ia5("sip:example.test")),
                    SanType::URI(ia5("sip:localhost")),
                ],
            ),
            host_style: leaf(
                "host-style",
                "sip.example.test",
                vec![
                    SanType::DnsName(ia5("sip.example.test")),
                    SanType::DnsName(ia5("sip.localhost")),
                ],
            ),
            kamailio_client: leaf(
                "kamailio-client",
                "kamailio.test",
                vec![SanType::URI(ia5("sip:kamailio.test"))],
            ),
            user_part_client: leaf(
                "user-part-client",
                "kamailio.test",
                vec![SanType::URI(ia5("sip:relay@kamailio.test"))],
            ),
            peer_server: (vec![peer_cert.der().clone()], Arc::new(peer_key)),
            root,
            root_der,
        }
    }

    /// The root as a rustls store.
    pub(crate) fn roots(&self) -> Arc<RootCertStore> {
        let mut roots = RootCertStore::empty();
        roots.add(self.root_der.clone()).expect("root");
        Arc::new(roots)
    }

    /// The ezk server's chain and key.
    pub(crate) fn peer_server(&self) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
        let key = PrivateKeyDer::try_from(self.peer_server.1.serialize_der()).expect("key DER");
        (self.peer_server.0.clone(), key)
    }
}

/// Kamailio installed? (Skips with a message, fails under SIPCERT_REQUIRE_INTEROP=1.)
pub(crate) fn install() -> Option<KamailioInstall> {
    kamailio()
}

/// Kamailio presenting `server` on TLS, relaying peer.test with `client` to `relay_port`.
pub(crate) fn start_kamailio(
    install: &KamailioInstall,
    scratch: &Scratch,
    pki: &Pki,
    server: &CertFiles,
    client: &CertFiles,
    relay_port: u16,
) -> Kamailio {
    Kamailio::start(
        install,
        scratch,
        &KamailioConfig {
            cfg_template: REGISTRAR_CFG,
            tls_template: TLS_CFG,
            server,
            client,
            ca: &pki.root,
            relay_port,
            ready_uri: "sip:example.test",
        },
    )
}
