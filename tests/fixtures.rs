//! The fixture corpus (`fixtures/manifest.json`) as a conformance suite: every row is checked
//! against the library (`ChainVerifier::check`, or `check_end_entity` for rows without a
//! root) and against rustls's stock verifiers (`WebPkiServerVerifier` for server rows,
//! `WebPkiClientVerifier` for client rows); `docs/conformance.md` must be what the manifest
//! renders to; every row with a leaf key also goes through an in-memory rustls handshake with
//! `SipServerVerifier` / `SipClientVerifier`. The command line is checked by
//! `cli/tests/fixtures.rs`.
#![allow(
    clippy::many_single_char_names,
    clippy::single_match_else,
    clippy::too_many_lines
)] // test code, written before the workspace lint wall

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{
    CertificateDer, CertificateRevocationListDer, ServerName, TrustAnchor, UnixTime,
};
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use serde_json::Value;
use sipcert::chain::ChainVerifier;
use sipcert::uri::SipUri;
use sipcert::{check_end_entity, DomainName, EkuMode, Policy, Reference, Role, Verdict};
use sipcert_testkit::fixtures::{self, manifest, parse_at, strings};
use sipcert_testkit::{
    conformance, fixture_cases, handshake, provider, reason_codes, verdict_codes,
};

fn cases(manifest: &Value) -> Vec<Value> {
    manifest["cases"]
        .as_array()
        .expect("manifest.cases is an array")
        .clone()
}

fn s<'a>(case: &'a Value, key: &str) -> Option<&'a str> {
    case.get(key).and_then(Value::as_str)
}

/// One row, loaded.
struct Row {
    /// For failure messages: `id (chain=…, root=…)`.
    label: String,
    chain: Vec<CertificateDer<'static>>,
    root: Option<CertificateDer<'static>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    /// The reference as sipcert takes it (or the reason it is none).
    reference: Result<Reference, String>,
    /// The host as written (AUS host without brackets) or the A-label domain: stock's name.
    stock_name: String,
    role: Role,
    policy: Policy,
    now: UnixTime,
    case: Value,
}

fn path(rel: &str) -> PathBuf {
    fixtures::dir().join(rel)
}

fn certs(rel: &str) -> Vec<CertificateDer<'static>> {
    let certs: Vec<_> = CertificateDer::pem_file_iter(path(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{rel}: bad PEM: {e}"));
    assert!(!certs.is_empty(), "{rel}: no certificate");
    certs
}

/// The policy for the row's CLI flags.
fn policy(flags: &[String], id: &str) -> Policy {
    let mut policy = Policy::default();
    let mut it = flags.iter();
    while let Some(flag) = it.next() {
        policy = match flag.as_str() {
            "--no-cn-fallback" => policy.cn_fallback(false),
            "--require-sip-uri" => policy.require_sip_uri(true),
            "--allow-ip-literals" => policy.allow_ip_literals(true),
            "--danger-allow-wildcards" => sipcert::danger::allow_wildcards(policy),
            "--secure-srv-target" => {
                let target = it.next().expect("--secure-srv-target HOST");
                policy.with_secure_srv_target(DomainName::from_user_input(target).unwrap())
            }
            "--eku" => match it.next().map(String::as_str) {
                Some("rfc5924") => policy.with_eku_mode(EkuMode::Rfc5924),
                Some("compatible") => policy.with_eku_mode(EkuMode::Compatible),
                other => panic!("{id}: --eku {other:?}"),
            },
            other => panic!("{id}: policy flag {other:?} is not known to this test"),
        };
    }
    policy
}

fn load(case: &Value) -> Row {
    let id = s(case, "id").expect("id").to_owned();
    let files = &case["files"];
    let chain_rel = s(files, "chain").unwrap_or_else(|| panic!("{id}: files.chain"));
    let root_rel = s(files, "root");
    let label = format!(
        "{id} (chain={chain_rel}, root={})",
        root_rel.unwrap_or("none")
    );
    let crls = strings(&files["crls"])
        .iter()
        .flat_map(|rel| {
            CertificateRevocationListDer::pem_file_iter(path(rel))
                .unwrap_or_else(|e| panic!("{rel}: {e}"))
                .map(|c| c.unwrap_or_else(|e| panic!("{rel}: bad PEM: {e}")))
                .collect::<Vec<_>>()
        })
        .collect();
    let (reference, stock_name) = match (s(case, "aus"), s(case, "domain")) {
        (Some(aus), None) => {
            let uri = SipUri::parse(aus).unwrap_or_else(|e| panic!("{id}: AUS {aus:?}: {e}"));
            let host = uri
                .host_str()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned();
            (
                Reference::from_sip_uri(&uri).map_err(|r| r.code().to_owned()),
                host,
            )
        }
        (None, Some(d)) => match d.parse::<IpAddr>() {
            Ok(ip) => (Ok(Reference::Ip(ip)), d.to_owned()),
            Err(_) => {
                let dn = DomainName::from_user_input(d)
                    .unwrap_or_else(|e| panic!("{id}: domain {d:?}: {e}"));
                (Ok(Reference::Domain(dn.clone())), dn.as_str().to_owned())
            }
        },
        _ => panic!("{id}: exactly one of aus and domain"),
    };
    let role = match s(case, "role") {
        Some("server") => Role::Server,
        Some("client") => Role::Client,
        other => panic!("{id}: role {other:?}"),
    };
    Row {
        label,
        chain: certs(chain_rel),
        root: root_rel.map(|r| {
            let mut roots = certs(r);
            assert_eq!(roots.len(), 1, "{id}: {r} holds one root");
            roots.remove(0)
        }),
        crls,
        reference,
        stock_name,
        role,
        policy: policy(&strings(&case["policy"]), &id),
        now: s(case, "at").map_or_else(UnixTime::now, parse_at),
        case: case.clone(),
    }
}

/// What sipcert decides for the row.
fn sipcert_verdict(row: &Row) -> Verdict {
    let reference = row
        .reference
        .as_ref()
        .unwrap_or_else(|code| panic!("{}: the reference is unusable ({code})", row.label));
    match &row.root {
        Some(root) => {
            let anchor: TrustAnchor<'static> = webpki::anchor_from_trusted_cert(root)
                .unwrap_or_else(|e| panic!("{}: root: {e:?}", row.label))
                .to_owned();
            let verifier =
                ChainVerifier::new(provider().signature_verification_algorithms.all, [anchor])
                    .with_crls(row.crls.iter().cloned())
                    .unwrap_or_else(|e| panic!("{}: CRL: {e}", row.label));
            verifier.check(
                &row.chain[0],
                &row.chain[1..],
                row.now,
                reference,
                row.role,
                &row.policy,
            )
        }
        None => check_end_entity(row.chain[0].as_ref(), reference, row.role, &row.policy),
    }
}

/// `accept`, or the variant name of rustls's error with `…Context` folded into its plain name.
fn error_name(e: &rustls::Error) -> String {
    let text = match e {
        rustls::Error::InvalidCertificate(c) => format!("{c:?}"),
        other => format!("{other:?}"),
    };
    let name: String = text
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    name.strip_suffix("Context").unwrap_or(&name).to_owned()
}

/// What rustls's stock verifier says for the row (`n/a` without a root).
fn stock_verdict(row: &Row) -> String {
    let Some(root) = &row.root else {
        return "n/a".to_owned();
    };
    let mut store = RootCertStore::empty();
    store
        .add(root.clone())
        .unwrap_or_else(|e| panic!("{}: root: {e}", row.label));
    let store = Arc::new(store);
    let result = match row.role {
        Role::Server => {
            let verifier = WebPkiServerVerifier::builder_with_provider(store, provider())
                .with_crls(row.crls.clone())
                .build()
                .unwrap_or_else(|e| panic!("{}: stock builder: {e}", row.label));
            let name = match row.stock_name.parse::<IpAddr>() {
                Ok(ip) => ServerName::IpAddress(ip.into()),
                Err(_) => ServerName::try_from(row.stock_name.clone()).unwrap_or_else(|e| {
                    panic!("{}: ServerName {:?}: {e}", row.label, row.stock_name)
                }),
            };
            verifier
                .verify_server_cert(&row.chain[0], &row.chain[1..], &name, &[], row.now)
                .map(|_| ())
        }
        _ => {
            let verifier = WebPkiClientVerifier::builder_with_provider(store, provider())
                .with_crls(row.crls.clone())
                .build()
                .unwrap_or_else(|e| panic!("{}: stock builder: {e}", row.label));
            verifier
                .verify_client_cert(&row.chain[0], &row.chain[1..], row.now)
                .map(|_| ())
        }
    };
    match result {
        Ok(()) => "accept".to_owned(),
        Err(e) => error_name(&e),
    }
}

#[test]
fn every_row_gives_the_expected_sipcert_verdict() {
    let manifest = manifest();
    let mut failures = Vec::new();
    for case in cases(&manifest) {
        let row = load(&case);
        let verdict = sipcert_verdict(&row);
        let got = verdict_codes(&verdict);
        let want = (
            s(&row.case, "expected").unwrap_or("").to_owned(),
            strings(&row.case["reasons"]),
            strings(&row.case["hints"]),
            strings(&row.case["relaxations"]),
        );
        if got != want {
            failures.push(format!(
                "{} for {:?}: got (verdict, reasons, hints, relaxations) {got:?}, manifest says {want:?}; {}",
                row.label,
                row.reference,
                match &verdict {
                    Verdict::Reject(r) => r.to_string(),
                    Verdict::Accept(a) => format!("accepted via {:?}", a.matched()),
                }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_row_gives_the_expected_stock_rustls_verdict() {
    let manifest = manifest();
    let mut failures = Vec::new();
    for case in cases(&manifest) {
        let row = load(&case);
        let got = stock_verdict(&row);
        let want = s(&row.case, "stock_rustls").unwrap_or("");
        if got != want {
            failures.push(format!(
                "{}: rustls stock verifier ({} role, name {:?}) says {got}, manifest says {want}",
                row.label,
                row.role.code(),
                row.stock_name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn conformance_report_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/conformance.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = conformance::render(&manifest());
    assert!(
        committed == fresh,
        "{} is stale (or missing) for fixtures/manifest.json; regenerate it with `{}`",
        path.display(),
        conformance::REGENERATE
    );
}

/// The real-world shapes the corpus must keep, by case id: removing one fails here.
const REQUIRED: &[&str] = &[
    "rfc3261-host-style",
    "srv-target",
    "wildcard-carrier",
    "wildcard-teams",
    "contact-ip",
    "cn-only-legacy-pbx",
    "phone-user-uri",
    "sips-uri-san",
    "eku-public-ca",
    "eku-sipdomain-only",
    "eku-clientauth-only-as-server",
    "eku-clientauth-only-as-client",
    "name-constrained-ca",
    "embedded-nul",
    "non-ascii-ia5",
    "bmpstring-cn",
    "two-cns",
    "idn",
    "trailing-dot-reference",
    "trailing-dot-san",
    "san-10000",
    "san-10000-over-64k",
    "expired",
    "revoked",
    "virtual-hosting",
];

#[test]
fn manifest_lists_every_shape_and_every_file_exists() {
    let manifest = manifest();
    let cases = cases(&manifest);
    let ids: Vec<&str> = cases.iter().filter_map(|c| s(c, "id")).collect();
    for required in REQUIRED {
        assert!(ids.contains(required), "manifest has no case {required:?}");
    }
    let mut seen = std::collections::BTreeSet::new();
    for case in &cases {
        let id = s(case, "id").expect("id");
        assert!(seen.insert(id), "duplicate case id {id}");
        for key in ["shape", "role", "expected", "stock_rustls", "field_note"] {
            assert!(
                s(case, key).is_some_and(|v| !v.is_empty()),
                "{id}: {key} is missing or empty"
            );
        }
        let files = &case["files"];
        let mut listed: Vec<String> = strings(&files["crls"]);
        for key in ["chain", "root", "key"] {
            if let Some(f) = s(files, key) {
                listed.push(f.to_owned());
            }
        }
        for f in &listed {
            let p = path(f);
            let len = std::fs::metadata(&p)
                .unwrap_or_else(|e| panic!("{id}: {}: {e}", p.display()))
                .len();
            assert!(
                len <= 300_000,
                "{id}: {f} is {len} bytes (keep fixtures small)"
            );
        }
    }
    // Every generated case directory is in the manifest.
    for entry in std::fs::read_dir(fixtures::dir()).expect("fixtures/") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                name == "third-party" || ids.contains(&name.as_str()),
                "fixtures/{name}/ is not in the manifest"
            );
        }
    }
}

#[test]
fn rows_without_a_fixed_time_stay_valid_until_2090() {
    let limit = parse_at("2090-01-01T00:00:00Z").as_secs();
    for case in cases(&manifest()) {
        // A fixed time, or no root (names and EKU only: time plays no part).
        if s(&case, "at").is_some() || case["files"]["root"].is_null() {
            continue;
        }
        let row = load(&case);
        let all = row.chain.iter().chain(row.root.as_ref());
        for (i, der) in all.enumerate() {
            let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
                .unwrap_or_else(|e| panic!("{}: certificate {i}: {e}", row.label));
            let not_after = u64::try_from(cert.validity().not_after.timestamp()).unwrap_or(0);
            assert!(
                not_after >= limit,
                "{}: certificate {i} expires before 2090 but the row has no `at`",
                row.label
            );
        }
    }
}

#[test]
fn readme_fixture_exists_with_an_intermediate() {
    let dir: &Path = &fixtures::dir().join("rfc3261-host-style");
    let chain = certs("rfc3261-host-style/chain.pem");
    assert_eq!(chain.len(), 2, "{}: leaf + intermediate", dir.display());
    assert_eq!(certs("rfc3261-host-style/root.pem").len(), 1);
}

/// `leaf.key` is the private key of the leaf in `chain.pem`, so the corpus can back a TLS
/// server (`openssl s_server -cert chain.pem -key leaf.key`, `sipcert probe`). Compared by
/// public key (x509-parser), as webpki cannot parse the over-64-KiB leaf.
#[test]
fn every_leaf_key_matches_its_certificate() {
    let mut checked = 0;
    for case in cases(&manifest()) {
        let Some(key_rel) = s(&case["files"], "key") else {
            continue;
        };
        let row = load(&case);
        let pem = std::fs::read_to_string(path(key_rel))
            .unwrap_or_else(|e| panic!("{}: {key_rel}: {e}", row.label));
        let key = rcgen::KeyPair::from_pem(&pem)
            .unwrap_or_else(|e| panic!("{}: {key_rel}: {e}", row.label));
        let (_, leaf) = x509_parser::parse_x509_certificate(row.chain[0].as_ref())
            .unwrap_or_else(|e| panic!("{}: leaf: {e}", row.label));
        assert!(
            rcgen::PublicKeyData::subject_public_key_info(&key) == leaf.public_key().raw,
            "{}: {key_rel} is not the key of the leaf",
            row.label
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} rows have a leaf key");
}

#[test]
fn manifest_is_what_the_case_table_gives() {
    let committed = manifest();
    let fresh = fixture_cases::manifest();
    let ids = |m: &Value| -> Vec<String> {
        cases(m)
            .iter()
            .map(|c| s(c, "id").unwrap_or("").to_owned())
            .collect()
    };
    for (c, f) in cases(&committed).iter().zip(cases(&fresh).iter()) {
        assert!(
            c == f,
            "fixtures/manifest.json row {} differs from testkit/src/fixture_cases.rs; regenerate with `{}`\n committed: {c}\n table:     {f}",
            s(c, "id").unwrap_or("?"),
            conformance::REGENERATE
        );
    }
    assert_eq!(
        ids(&committed),
        ids(&fresh),
        "fixtures/manifest.json lists other cases than testkit/src/fixture_cases.rs; regenerate with `{}`",
        conformance::REGENERATE
    );
    assert!(
        committed == fresh,
        "fixtures/manifest.json: header differs; regenerate with `{}`",
        conformance::REGENERATE
    );
}

/// Accepts any server certificate: the client rows test the server's `SipClientVerifier`, not
/// the client's view of the server.
#[derive(Debug)]
struct AnyServer(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The corpus drives a real TLS stack: every row with a leaf key (and no fixed time, since a
/// handshake runs at the current time) is served over an in-memory rustls handshake.
/// - server rows: the client uses `SipServerVerifier` with the row's policy and the
///   `ServerName` from `server_name_for(AUS)`; the handshake succeeds exactly when the row
///   expects accept, and a SIP-level rejection carries the row's reason codes;
/// - client rows: the server uses `SipClientVerifier`, then `client_identities` and an
///   `AllowList` of the reference domain authorize; authorized exactly when the row expects
///   accept.
#[test]
fn every_keyed_row_through_a_rustls_handshake() {
    use sipcert::verifier::{
        client_identities, server_name_for, AllowList, SipClientVerifier, SipServerVerifier,
    };
    let mut failures = Vec::new();
    let mut handshakes = 0;
    for case in cases(&manifest()) {
        let (Some(key_rel), None) = (s(&case["files"], "key"), s(&case, "at")) else {
            continue;
        };
        let row = load(&case);
        let Some(root) = &row.root else { continue };
        let mut store = RootCertStore::empty();
        store.add(root.clone()).expect("root");
        let store = Arc::new(store);
        let key = rustls::pki_types::PrivateKeyDer::from_pem_file(path(key_rel))
            .unwrap_or_else(|e| panic!("{}: {key_rel}: {e}", row.label));
        let expected_accept = s(&case, "expected") == Some("accept");
        let reference = row.reference.clone().expect("usable reference");
        let server_cfg = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("versions");
        let client_cfg = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("versions");
        let (outcome, server) = match row.role {
            Role::Server => {
                let server = match server_cfg
                    .with_no_client_auth()
                    .with_single_cert(row.chain.clone(), key)
                {
                    Ok(cfg) => cfg,
                    Err(e) => {
                        // rustls cannot even load a leaf webpki cannot parse.
                        if s(&case, "stock_rustls") != Some("BadEncoding") {
                            failures.push(format!("{}: rustls cannot serve it: {e}", row.label));
                        }
                        continue;
                    }
                };
                let verifier = SipServerVerifier::builder_with_provider(store, provider())
                    .with_crls(row.crls.clone())
                    .policy(row.policy.clone())
                    .build()
                    .expect("verifier");
                let client = client_cfg
                    .dangerous()
                    .with_custom_certificate_verifier(verifier)
                    .with_no_client_auth();
                let name = match s(&case, "aus") {
                    Some(aus) => server_name_for(&SipUri::parse(aus).expect("AUS"))
                        .unwrap_or_else(|e| panic!("{}: server_name_for: {e}", row.label)),
                    None => ServerName::try_from(row.stock_name.clone()).expect("domain"),
                };
                handshake::connect(Arc::new(client), Arc::new(server), name)
            }
            _ => {
                let verifier = SipClientVerifier::builder_with_provider(store, provider())
                    .with_crls(row.crls.clone())
                    .policy(row.policy.clone())
                    .build()
                    .expect("verifier");
                let server = server_cfg
                    .with_client_cert_verifier(verifier)
                    .with_single_cert(row.chain.clone(), key.clone_key())
                    .unwrap_or_else(|e| panic!("{}: server config: {e}", row.label));
                let client = client_cfg
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AnyServer(provider())))
                    .with_client_auth_cert(row.chain.clone(), key)
                    .unwrap_or_else(|e| panic!("{}: client auth cert: {e}", row.label));
                let name = ServerName::try_from("server.invalid").expect("name");
                handshake::connect(Arc::new(client), Arc::new(server), name)
            }
        };
        handshakes += 1;
        let accepted = match (&outcome, row.role) {
            (Ok(()), Role::Server) => true,
            (Ok(()), _) => {
                let Reference::Domain(d) = &reference else {
                    panic!("{}: client rows name a domain", row.label)
                };
                let peer = client_identities(server.peer_certificates(), &row.policy);
                AllowList::new([d.clone()]).authorize(&peer).is_ok()
            }
            (Err(_), _) => false,
        };
        if accepted != expected_accept {
            failures.push(format!(
                "{}: {} role over rustls: accepted={accepted}, manifest expects {}; {outcome:?}",
                row.label,
                row.role.code(),
                s(&case, "expected").unwrap_or("")
            ));
        } else if let Err((_, e)) = &outcome {
            let codes = reason_codes(e);
            if !codes.is_empty() && codes != strings(&case["reasons"]) {
                failures.push(format!(
                    "{}: the handshake's rejection carries {codes:?}, manifest says {:?}",
                    row.label,
                    strings(&case["reasons"])
                ));
            }
        }
    }
    assert!(handshakes >= 25, "only {handshakes} handshakes");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
