//! What both stack tests need: the test PKI and Kamailio started with this crate's
//! configuration template (the process harness is `sipcert_interop_tests::harness`).
#![allow(dead_code)] // each test binary uses a part

use std::path::PathBuf;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use sipcert_interop_tests::harness::{
    kamailio, CertFiles, Kamailio, KamailioConfig, KamailioInstall, Scratch,
};
use sipcert_testkit::pki::{pem, Ca, Issued, LeafSpec};

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
    pub(crate) peer_server: Issued,
}

impl Pki {
    /// One root of the test kit's PKI issuing every leaf, written to `scratch`.
    pub(crate) fn create(scratch: &Scratch) -> Self {
        let ca = Ca::root("sipcert integrations test root");
        let root = scratch.write("root.pem", pem("CERTIFICATE", &ca.der));
        let issue = |cn: &str, spec: LeafSpec| ca.leaf(spec.cn(cn));
        let leaf = |name: &str, cn: &str, spec: LeafSpec| {
            CertFiles::write(scratch, name, &issue(cn, spec))
        };
        Self {
            domain: leaf(
                "domain",
                "example.test",
                LeafSpec::new().uri("sip:example.test").uri("sip:localhost"),
            ),
            host_style: leaf(
                "host-style",
                "sip.example.test",
                LeafSpec::new().dns("sip.example.test").dns("sip.localhost"),
            ),
            kamailio_client: leaf(
                "kamailio-client",
                "kamailio.test",
                LeafSpec::new().uri("sip:kamailio.test"),
            ),
            user_part_client: leaf(
                "user-part-client",
                "kamailio.test",
                LeafSpec::new().uri("sip:relay@kamailio.test"),
            ),
            peer_server: issue("peer.test", LeafSpec::new().uri("sip:peer.test")),
            root,
            root_der: ca.der.clone(),
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
        (vec![self.peer_server.der.clone()], self.peer_server.key.clone_key())
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
