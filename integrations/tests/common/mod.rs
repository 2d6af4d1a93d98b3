//! What both stack tests need: the test PKI and Kamailio started with this crate's
//! configuration template (the process harness is `sipcert_interop_tests::harness`).
#![allow(dead_code)] // each test binary uses a part

use sipcert_interop_tests::harness::{
    kamailio, CertFiles, Kamailio, KamailioConfig, KamailioInstall, KamailioPki, Scratch,
};

/// This crate's Kamailio configuration (hosted domains answer, peer.test is relayed).
pub(crate) const REGISTRAR_CFG: &str = include_str!("../kamailio/registrar.cfg.in");
/// The TLS template of the interop tests (server and relay-client certificates, CA).
pub(crate) const TLS_CFG: &str = include_str!("../../../interop-tests/tests/interop/tls.cfg.in");

/// The test PKI: one root, a leaf for each role.
pub(crate) type Pki = KamailioPki;

/// The second SIP domain of Kamailio's server certificates: the stacks' clients connect to
/// `localhost` too.
pub(crate) const ALSO: Option<&str> = Some("localhost");

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
