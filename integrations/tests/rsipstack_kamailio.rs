//! rsipstack 0.7 endpoints whose TLS is decided by sipcert (through the `platform::tls`
//! connector seam), against Kamailio on 127.0.0.1.
//!
//! The connector is process-wide in rsipstack, so this file is one test: the scenarios run
//! in turn against one PKI, each with its own Kamailio. Skips with a message when Kamailio
//! is missing; fails then under SIPCERT_REQUIRE_INTEROP=1.

mod common;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rsipstack::dialog::registration::Registration;
use rsipstack::sip::{Method, Transport};
use rsipstack::transaction::endpoint::EndpointInnerRef;
use rsipstack::transport::{SipAddr, TransportLayer};
use rsipstack::EndpointBuilder;
use sipcert::reuse::NoReuse;
use sipcert::DomainName;
use sipcert_integrations::rsipstack_tls::{
    is_ok, request, send_request, Dialed, ReuseDialer, SipcertConnector, StaticResolver,
};
use sipcert_integrations::verdicts::recording_client_config;
use sipcert_interop_tests::harness::Scratch;

use common::Pki;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An rsipstack endpoint resolving the test domains to 127.0.0.1.
fn endpoint() -> (EndpointInnerRef, rsipstack::platform::CancellationToken) {
    let token = rsipstack::platform::CancellationToken::new();
    let resolver = StaticResolver::new()
        .with("example.test", LOOPBACK)
        .with("other.test", LOOPBACK);
    let transport_layer =
        TransportLayer::new_with_domain_resolver(token.child_token(), Box::new(resolver));
    let endpoint = EndpointBuilder::new()
        .with_cancel_token(token.clone())
        .with_transport_layer(transport_layer)
        .with_user_agent("sipcert-integrations")
        .build();
    let inner = endpoint.inner.clone();
    tokio::spawn(async move { endpoint.serve().await });
    (inner, token)
}

fn tls_target(domain: &str, port: u16) -> SipAddr {
    SipAddr::new(
        Transport::Tls,
        format!("{domain}:{port}")
            .as_str()
            .try_into()
            .expect("host:port"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rsipstack_endpoints_authenticate_kamailio_with_sipcert() {
    let Some(install) = common::install() else {
        return;
    };
    let scratch = Scratch::new("rsipstack");
    let pki = Pki::create(&scratch, common::ALSO);
    let (config, verdicts) = recording_client_config(pki.roots()).expect("client config");
    let connector = SipcertConnector::new(config, verdicts.clone());
    connector.install();
    let ctx = Ctx {
        install,
        scratch,
        pki,
        connector,
        verdicts,
    };
    accepts_rfc5922_server_and_reuses_by_identity(&ctx).await;
    refuses_host_style_server_with_the_hint(&ctx).await;
}

struct Ctx {
    install: sipcert_interop_tests::harness::KamailioInstall,
    scratch: Scratch,
    pki: Pki,
    connector: Arc<SipcertConnector>,
    verdicts: Arc<sipcert_integrations::verdicts::Verdicts>,
}

/// OPTIONS and REGISTER get 200; then connection reuse by address (rsipstack) vs by
/// RFC 5923 rules (ReuseTable), on the same Kamailio and connection.
#[allow(clippy::too_many_lines)] // one scenario against one Kamailio, read top to bottom
async fn accepts_rfc5922_server_and_reuses_by_identity(ctx: &Ctx) {
    let Ctx {
        install,
        scratch,
        pki,
        connector,
        verdicts,
    } = ctx;

    // --- 1. RFC 5922 certificate: OPTIONS and REGISTER get 200 --------------------------
    let k = common::start_kamailio(install, scratch, pki, &pki.domain, &pki.kamailio_client, 9);
    let port = k.tls.port();
    let (ep, token) = endpoint();
    let aus = format!("sips:example.test:{port}");
    let (connection, _) = ep
        .transport_layer
        .lookup(&tls_target("example.test", port), None)
        .await
        .unwrap_or_else(|e| panic!("dial {aus}: {e}\n--- kamailio ---\n{}", k.log()));
    let options = request(
        &ep,
        Method::Options,
        &aus,
        "sip:alice@example.test",
        connection.get_addr(),
        1,
    )
    .expect("OPTIONS");
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        send_request(&ep, options, Some(connection.clone())),
    )
    .await
    .expect("OPTIONS timed out")
    .expect("OPTIONS");
    assert!(is_ok(&response), "OPTIONS {aus}: {response}\n{}", k.log());
    let mut registration = Registration::new(ep.clone(), None);
    let registered = tokio::time::timeout(
        Duration::from_secs(10),
        registration.register(
            format!("sips:example.test:{port}")
                .as_str()
                .try_into()
                .unwrap(),
            Some(60),
        ),
    )
    .await
    .expect("REGISTER timed out")
    .expect("REGISTER");
    assert!(
        is_ok(&registered),
        "REGISTER {aus}: {registered}\n{}",
        k.log()
    );
    let log = k.log();
    assert!(
        log.contains("REQUEST OPTIONS sips:example.test") && log.contains("sni=example.test"),
        "Kamailio did not see OPTIONS with SNI example.test:\n{log}"
    );
    assert!(log.contains("REQUEST REGISTER"), "no REGISTER in:\n{log}");
    assert!(verdicts.refusals().is_empty(), "{:?}", verdicts.refusals());

    // --- 2. Connection reuse: by address (rsipstack) vs RFC 5923 (ReuseTable) -----------
    // rsipstack's own cache hands the example.test connection to a request for other.test,
    // which resolves to the same address: no handshake, no check that the server is
    // other.test (the Kamailio #2760 class of bug).
    let dials = connector.dials();
    let (by_address, _) = ep
        .transport_layer
        .lookup(&tls_target("other.test", port), None)
        .await
        .expect("rsipstack lookup");
    assert_eq!(
        connector.dials(),
        dials,
        "rsipstack opened a new connection for other.test: its by-address reuse was fixed \
         upstream, update docs/integrating.md"
    );
    assert_eq!(by_address.get_addr(), connection.get_addr());
    // The ReuseTable decides by address AND authenticated identity.
    let dialer = ReuseDialer::new(
        DomainName::from_ascii("example.test").unwrap(),
        connector.clone(),
    );
    let addr = SocketAddr::new(LOOPBACK, port);
    let (first, how) = dialer
        .connection_for(&ep, "example.test", addr)
        .await
        .expect("example.test");
    assert_eq!(how, Dialed::Opened(NoReuse::NoConnection));
    let (again, how) = dialer
        .connection_for(&ep, "example.test", addr)
        .await
        .expect("example.test again");
    assert_eq!(how, Dialed::Reused);
    assert_eq!(again.get_addr(), first.get_addr());
    let options = request(
        &ep,
        Method::Options,
        &aus,
        "sip:alice@example.test",
        again.get_addr(),
        2,
    )
    .expect("OPTIONS");
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        send_request(&ep, options, Some(again)),
    )
    .await
    .expect("OPTIONS timed out")
    .expect("OPTIONS");
    assert!(
        is_ok(&response),
        "OPTIONS over the reused connection: {response}"
    );
    let dials = connector.dials();
    let refused = dialer
        .connection_for(&ep, "other.test", addr)
        .await
        .expect_err("other.test must not get example.test's connection, nor be accepted");
    assert_eq!(
        connector.dials(),
        dials + 1,
        "no new connection was opened for other.test"
    );
    let verdict = verdicts.latest_for("other.test").expect("refusal recorded");
    assert_eq!(
        verdict.reason_codes(),
        ["no-matching-identity"],
        "{verdict}"
    );
    assert!(
        refused.to_string().contains("no-matching-identity"),
        "{refused}"
    );
    drop(k);
    token.cancel();
}

/// An RFC 3261 host-style certificate is refused; the hint reaches the application.
async fn refuses_host_style_server_with_the_hint(ctx: &Ctx) {
    let Ctx {
        install,
        scratch,
        pki,
        connector: _,
        verdicts,
    } = ctx;

    // --- 3. RFC 3261 host-style certificate: refused, hint surfaced -----------------------
    let k = common::start_kamailio(
        install,
        scratch,
        pki,
        &pki.host_style,
        &pki.kamailio_client,
        9,
    );
    let port = k.tls.port();
    let (ep, token) = endpoint();
    let err = ep
        .transport_layer
        .lookup(&tls_target("example.test", port), None)
        .await
        .expect_err("a DNS:sip.example.test certificate must not authenticate example.test");
    let text = err.to_string();
    assert!(
        text.contains("no-matching-identity") && text.contains("hint-host-within-domain"),
        "the error the application sees lacks the reason or hint: {text}"
    );
    // REGISTER through rsipstack's registration: the stack either fails the request with an
    // error of its own ("not sipaddrs" here: no listener to build a Via from) or keeps
    // retrying the dial; either way the application takes the verdict from the log.
    let mut registration = Registration::new(ep.clone(), None);
    let uri: rsipstack::sip::Uri = format!("sips:example.test:{port}")
        .as_str()
        .try_into()
        .unwrap();
    let refusal = tokio::select! {
        r = registration.register(uri, Some(60)) => {
            assert!(r.is_err(), "REGISTER succeeded through a refused handshake: {r:?}");
            verdicts.latest_for("example.test")
        }
        refusal = verdicts.refused("example.test", Duration::from_secs(10)) => refusal,
    };
    let refusal = refusal.expect("no refusal recorded");
    assert_eq!(
        refusal.reason_codes(),
        ["no-matching-identity"],
        "{refusal}"
    );
    assert!(
        refusal.hint_codes().contains(&"hint-host-within-domain"),
        "{refusal}"
    );
    assert!(
        !k.log().contains("REQUEST REGISTER"),
        "REGISTER reached Kamailio although its certificate was refused:\n{}",
        k.log()
    );
    token.cancel();
}
