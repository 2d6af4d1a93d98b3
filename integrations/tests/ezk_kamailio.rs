//! ezk-sip-core 0.9 endpoints with sipcert's verifiers in the rustls configurations the
//! application hands to ezk, against Kamailio on 127.0.0.1. Skip with a message when
//! Kamailio is missing; fail then under SIPCERT_REQUIRE_INTEROP=1.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ezk_sip_core::transport::TargetTransportInfo;
use ezk_sip_core::{Endpoint, IncomingRequest, Layer, MayTake};
use ezk_sip_types::{Method, StatusCode};
use sipcert::DomainName;
use sipcert_integrations::ezk_tls::{self, ClientCheck};
use sipcert_integrations::verdicts::recording_client_config;
use sipcert_interop_tests::harness::{free_tcp_port, udp_exchange, CertFiles, Scratch};

use common::Pki;

/// Sends OPTIONS `aus` with an ezk endpoint whose connector verifies with sipcert: the
/// final status, or the error ezk reports.
async fn ezk_options(
    pki: &Pki,
    aus: &str,
) -> (
    Result<u16, String>,
    Arc<sipcert_integrations::verdicts::Verdicts>,
) {
    let (config, verdicts) = recording_client_config(pki.roots()).expect("client config");
    let mut builder = Endpoint::builder();
    builder.use_rustls_connector(ezk_tls::connector(config));
    let endpoint = builder.build();
    let request =
        ezk_tls::request(Method::OPTIONS, aus, "sip:alice@localhost", 1).expect("request");
    let mut target = TargetTransportInfo::default();
    let outcome = async {
        let mut tsx = endpoint
            .send_request(request, &mut target)
            .await
            .map_err(|e| e.to_string())?;
        let response = tsx.receive_final().await.map_err(|e| e.to_string())?;
        Ok(response.line.code.into_u16())
    };
    let outcome = tokio::time::timeout(Duration::from_secs(15), outcome)
        .await
        .unwrap_or_else(|_| Err("timed out".to_owned()));
    (outcome, verdicts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ezk_client_gets_200_from_kamailio_with_an_rfc5922_certificate() {
    let Some(install) = common::install() else {
        return;
    };
    let scratch = Scratch::new("ezk-accept");
    let pki = Pki::create(&scratch);
    let k = common::start_kamailio(
        &install,
        &scratch,
        &pki,
        &pki.domain,
        &pki.kamailio_client,
        9,
    );
    let aus = format!("sips:localhost:{};transport=tls", k.tls.port());
    let (outcome, verdicts) = ezk_options(&pki, &aus).await;
    assert_eq!(
        outcome,
        Ok(200),
        "OPTIONS {aus}\n--- kamailio ---\n{}",
        k.log()
    );
    assert!(verdicts.refusals().is_empty(), "{:?}", verdicts.refusals());
    assert!(
        k.log().contains("sni=localhost"),
        "ezk did not send SNI = the SIP domain:\n{}",
        k.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ezk_client_refuses_a_host_style_certificate_and_the_verdict_reaches_the_application() {
    let Some(install) = common::install() else {
        return;
    };
    let scratch = Scratch::new("ezk-refuse");
    let pki = Pki::create(&scratch);
    let k = common::start_kamailio(
        &install,
        &scratch,
        &pki,
        &pki.host_style,
        &pki.kamailio_client,
        9,
    );
    let aus = format!("sips:localhost:{};transport=tls", k.tls.port());
    let (outcome, verdicts) = ezk_options(&pki, &aus).await;
    assert!(outcome.is_err(), "OPTIONS {aus} went through: {outcome:?}");
    let refusal = verdicts
        .latest_for("localhost")
        .unwrap_or_else(|| panic!("no verdict recorded; ezk said {outcome:?}"));
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
        !k.log().contains("REQUEST OPTIONS sips:localhost"),
        "OPTIONS reached Kamailio:\n{}",
        k.log()
    );
}

/// Answers every request with 200 and notes what it saw.
struct Answer {
    seen: Arc<Mutex<Vec<String>>>,
}

#[async_trait::async_trait]
impl Layer for Answer {
    fn name(&self) -> &'static str {
        "sipcert-test-answer"
    }

    async fn receive(&self, endpoint: &Endpoint, request: MayTake<'_, IncomingRequest>) {
        let mut request = request.take();
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(format!(
                "{:?} from {}",
                request.line.method, request.tp_info.source
            ));
        let tsx = endpoint.create_server_tsx(&mut request);
        let response = endpoint.create_response(&request, StatusCode::OK, None);
        let _ = tsx.respond(response).await;
    }
}

/// Kamailio relays OPTIONS sip:peer.test over TLS, with `client` as its certificate, to an
/// ezk server accepting only clients of the domain `allowed`: Kamailio's final status, the
/// verifier's checks, the requests the ezk server saw.
async fn relay_through_kamailio(
    name: &str,
    client: fn(&Pki) -> &CertFiles,
    allowed: &str,
) -> Option<(u16, Vec<ClientCheck>, Vec<String>, String)> {
    let install = common::install()?;
    let scratch = Scratch::new(name);
    let pki = Pki::create(&scratch);
    let (verifier, checks) = ezk_tls::authorizing_client_verifier(
        pki.roots(),
        vec![DomainName::from_ascii(allowed).unwrap()],
    )
    .expect("client verifier");
    let (chain, key) = pki.peer_server();
    let acceptor = ezk_tls::acceptor(chain, key, verifier).expect("acceptor");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut builder = Endpoint::builder();
    builder.add_layer(Answer { seen: seen.clone() });
    let port = free_tcp_port();
    builder
        .listen_rustls(SocketAddr::from(([127, 0, 0, 1], port)), acceptor)
        .await
        .expect("listen");
    let _endpoint = builder.build();
    let k = common::start_kamailio(&install, &scratch, &pki, &pki.domain, client(&pki), port);
    let udp = k.udp;
    let response = tokio::task::spawn_blocking(move || {
        let sock = UdpSocket::bind("127.0.0.1:0").expect("udp");
        udp_exchange(&sock, udp, "sip:peer.test", Duration::from_secs(10))
    })
    .await
    .expect("join")
    .unwrap_or_else(|e| panic!("{e}\n--- kamailio ---\n{}", k.log()));
    let seen = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
    Some((
        response.status_code().unwrap_or_default(),
        checks.checks(),
        seen,
        k.log(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ezk_server_authorizes_kamailio_by_the_sip_domain_of_its_client_certificate() {
    let Some((status, checks, seen, log)) =
        relay_through_kamailio("ezk-mtls", |p| &p.kamailio_client, "kamailio.test").await
    else {
        return;
    };
    assert_eq!(status, 200, "--- kamailio ---\n{log}");
    assert_eq!(
        checks,
        [ClientCheck {
            identities: vec!["kamailio.test".to_owned()],
            authorized: true,
            reasons: vec![],
        }]
    );
    assert_eq!(seen.len(), 1, "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ezk_server_refuses_a_client_certificate_without_a_sip_domain() {
    let Some((status, checks, seen, log)) =
        relay_through_kamailio("ezk-mtls-user", |p| &p.user_part_client, "kamailio.test").await
    else {
        return;
    };
    assert_ne!(status, 200, "--- kamailio ---\n{log}");
    assert!(seen.is_empty(), "the ezk server received {seen:?}");
    assert!(
        checks.iter().all(|c| !c.authorized) && !checks.is_empty(),
        "{checks:?}"
    );
    assert!(
        checks.iter().all(|c| !c.reasons.is_empty()),
        "sipcert's reason is missing: {checks:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ezk_server_refuses_a_valid_client_of_a_domain_it_does_not_allow() {
    let Some((status, checks, seen, log)) =
        relay_through_kamailio("ezk-mtls-other", |p| &p.kamailio_client, "other.test").await
    else {
        return;
    };
    assert_ne!(status, 200, "--- kamailio ---\n{log}");
    assert!(seen.is_empty(), "the ezk server received {seen:?}");
    assert!(!checks.is_empty(), "no client certificate was examined");
    for check in &checks {
        assert_eq!(
            check,
            &ClientCheck {
                identities: vec!["kamailio.test".to_owned()],
                authorized: false,
                reasons: vec![],
            }
        );
    }
}
