use rustls_pki_types::CertificateDer;
use sha2::{Digest, Sha256, Sha512};
use sipcert_testkit::pki::{Ca, CaSpec, Issued, LeafSpec};

use super::*;
use crate::chain::decision::check_end_entity;
use crate::policy::{Policy, Role};
use crate::reference::Reference;

/// A root, an intermediate, and a leaf for `example.com` issued by the intermediate.
struct Pki {
    root: Ca,
    inter: Ca,
    leaf: Issued,
}

fn pki() -> Pki {
    let root = Ca::root("DANE Root");
    let inter = root.intermediate(CaSpec::new("DANE Intermediate"));
    let leaf = inter.leaf(LeafSpec::new().dns("example.com"));
    Pki { root, inter, leaf }
}

fn leaf_spki(p: &Pki) -> Vec<u8> {
    let key = rcgen::KeyPair::try_from(p.leaf.key.secret_der()).expect("key");
    rcgen::PublicKeyData::subject_public_key_info(&key)
}

fn verdict(cert: &CertificateDer<'_>, domain: &str) -> Verdict {
    let reference = Reference::Domain(DomainName::from_ascii(domain).expect("domain"));
    check_end_entity(cert.as_ref(), &reference, Role::Server, &Policy::default())
}

fn sha256(b: &[u8]) -> Vec<u8> {
    Sha256::digest(b).to_vec()
}

fn sha512(b: &[u8]) -> Vec<u8> {
    Sha512::digest(b).to_vec()
}

#[test]
fn spki_selector_is_the_der_subject_public_key_info() {
    let p = pki();
    assert_eq!(spki(&p.leaf.der), Some(leaf_spki(&p).as_slice()));
    assert_eq!(spki(&CertificateDer::from(vec![0x30, 0x00])), None);
}

/// Which record, against which PKIX verdict and DANE-TA verdict, gives which outcome.
#[test]
#[allow(clippy::too_many_lines, clippy::type_complexity)] // one table
fn usages_selectors_and_matching_types() {
    let p = pki();
    let chain = [p.leaf.der.clone(), p.inter.der.clone()];
    let (leaf, inter) = (p.leaf.der.as_ref(), p.inter.der.as_ref());
    let spki_leaf = leaf_spki(&p);
    let accept = verdict(&p.leaf.der, "example.com");
    let reject = verdict(&p.leaf.der, "other.example");
    assert!(accept.is_accept() && !reject.is_accept());
    // (name, record, pkix accepts, DANE-TA chain accepts, expected status, matched position)
    let cases: Vec<(&str, TlsaRecord, bool, bool, DaneStatus, Option<usize>)> = vec![
        (
            "3 1 1 leaf SPKI, PKIX rejects",
            TlsaRecord::new(3, 1, 1, sha256(&spki_leaf)),
            false,
            false,
            DaneStatus::Authenticated,
            Some(0),
        ),
        (
            "3 0 1 leaf cert",
            TlsaRecord::new(3, 0, 1, sha256(leaf)),
            false,
            false,
            DaneStatus::Authenticated,
            Some(0),
        ),
        (
            "3 0 2 leaf cert SHA-512",
            TlsaRecord::new(3, 0, 2, sha512(leaf)),
            false,
            false,
            DaneStatus::Authenticated,
            Some(0),
        ),
        (
            "3 0 0 leaf cert exact",
            TlsaRecord::new(3, 0, 0, leaf.to_vec()),
            false,
            false,
            DaneStatus::Authenticated,
            Some(0),
        ),
        (
            "3 1 0 leaf SPKI exact",
            TlsaRecord::new(3, 1, 0, spki_leaf.clone()),
            false,
            false,
            DaneStatus::Authenticated,
            Some(0),
        ),
        (
            "3 1 1 wrong digest",
            TlsaRecord::new(3, 1, 1, vec![0; 32]),
            true,
            true,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "3 0 1 intermediate, not the leaf",
            TlsaRecord::new(3, 0, 1, sha256(inter)),
            true,
            true,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "1 0 1 leaf, PKIX accepts",
            TlsaRecord::new(1, 0, 1, sha256(leaf)),
            true,
            false,
            DaneStatus::Authenticated,
            Some(0),
        ),
        (
            "1 0 1 leaf, PKIX rejects",
            TlsaRecord::new(1, 0, 1, sha256(leaf)),
            false,
            true,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "0 0 1 intermediate, PKIX accepts, the leaf chains to it",
            TlsaRecord::new(0, 0, 1, sha256(inter)),
            true,
            true,
            DaneStatus::Authenticated,
            Some(1),
        ),
        // RFC 6698 §2.1.1: the PKIX-TA certificate must be on a certification path of the
        // end entity; a presented certificate the leaf does not chain to must not count, even
        // when PKIX accepts the leaf through another CA.
        (
            "0 0 1 presented certificate the leaf does not chain to, PKIX accepts",
            TlsaRecord::new(0, 0, 1, sha256(inter)),
            true,
            false,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "0 0 1 intermediate, PKIX rejects",
            TlsaRecord::new(0, 0, 1, sha256(inter)),
            false,
            true,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "0 0 1 leaf is no trust anchor",
            TlsaRecord::new(0, 0, 1, sha256(leaf)),
            true,
            true,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "2 0 1 intermediate, chain to it accepted",
            TlsaRecord::new(2, 0, 1, sha256(inter)),
            false,
            true,
            DaneStatus::Authenticated,
            Some(1),
        ),
        (
            "2 0 1 intermediate, chain to it rejected",
            TlsaRecord::new(2, 0, 1, sha256(inter)),
            true,
            false,
            DaneStatus::Mismatch,
            None,
        ),
        (
            "2 1 2 root SPKI not presented",
            TlsaRecord::new(2, 0, 2, sha512(p.root.der.as_ref())),
            true,
            true,
            DaneStatus::Mismatch,
            None,
        ),
    ];
    for (name, record, pkix_ok, ta_ok, status, position) in cases {
        let set = TlsaSet::secure(vec![record.clone()]);
        let pkix = if pkix_ok { &accept } else { &reject };
        let mut ta_calls = Vec::new();
        let out = evaluate(&set, &chain, pkix, |c| {
            ta_calls.push(c.as_ref().to_vec());
            if ta_ok {
                accept.clone()
            } else {
                reject.clone()
            }
        });
        assert_eq!(out.status(), status, "{name}: {record}: {out}");
        assert_eq!(
            out.matched().map(|m| m.position),
            position,
            "{name}: {record}"
        );
        assert_eq!(out.usable_count(), 1, "{name}");
        assert!(out.unusable().is_empty(), "{name}");
        assert_eq!(
            out.permits(pkix),
            status == DaneStatus::Authenticated,
            "{name}"
        );
        // DANE-TA validates the path to the matched certificate, never to anything else.
        for c in &ta_calls {
            assert_eq!(
                c.as_slice(),
                inter,
                "{name}: DANE-TA anchored at another certificate"
            );
        }
    }
}

/// Unusable records: reported with a reason, never used; with no usable record PKIX decides.
#[test]
fn unusable_records_are_reported_and_never_match() {
    let p = pki();
    let chain = [p.leaf.der.clone()];
    let good = sha256(&leaf_spki(&p));
    let accept = verdict(&p.leaf.der, "example.com");
    let reject = verdict(&p.leaf.der, "other.example");
    let cases: &[(&str, TlsaRecord, &str)] = &[
        (
            "usage 4",
            TlsaRecord::new(4, 1, 1, good.clone()),
            "unknown-usage",
        ),
        (
            "usage 255 (PrivCert)",
            TlsaRecord::new(255, 1, 1, good.clone()),
            "unknown-usage",
        ),
        (
            "selector 2",
            TlsaRecord::new(3, 2, 1, good.clone()),
            "unknown-selector",
        ),
        (
            "matching 3",
            TlsaRecord::new(3, 1, 3, good.clone()),
            "unknown-matching-type",
        ),
        (
            "SHA-256 of 31 octets",
            TlsaRecord::new(3, 1, 1, good[..31].to_vec()),
            "digest-length",
        ),
        (
            "SHA-512 with a SHA-256 digest",
            TlsaRecord::new(3, 1, 2, good.clone()),
            "digest-length",
        ),
        (
            "Full with no data",
            TlsaRecord::new(3, 1, 0, Vec::new()),
            "empty-data",
        ),
    ];
    for (name, record, code) in cases {
        let set = TlsaSet::secure(vec![record.clone()]);
        assert!(
            !record.matches(&p.leaf.der),
            "{name}: an unusable record matched"
        );
        let out = evaluate(&set, &chain, &reject, |_| accept.clone());
        assert_eq!(out.status(), DaneStatus::NotApplicable, "{name}: {out}");
        assert_eq!(out.unusable().len(), 1, "{name}");
        assert_eq!(out.unusable()[0].1.code(), *code, "{name}");
        assert!(
            !out.permits(&reject),
            "{name}: PKIX rejected, DANE n/a: must reject"
        );
        assert!(out.permits(&accept), "{name}: PKIX accepted, DANE n/a");
    }
    // A usable match next to unusable records: authenticated, and the others still reported.
    let set = TlsaSet::secure(
        cases
            .iter()
            .map(|c| c.1.clone())
            .chain([TlsaRecord::new(3, 1, 1, good.clone())])
            .collect(),
    );
    let out = evaluate(&set, &chain, &reject, |_| reject.clone());
    assert_eq!(out.status(), DaneStatus::Authenticated, "{out}");
    assert_eq!(out.matched().map(|m| m.record), Some(cases.len()));
    assert_eq!(out.unusable().len(), cases.len());
}

/// RFC 6698 §4.1 and RFC 7673 §3: records from an insecure TLSA or SRV answer are unusable, even
/// when they would match.
#[test]
fn records_from_insecure_answers_are_unusable() {
    let p = pki();
    let chain = [p.leaf.der.clone()];
    let records = vec![TlsaRecord::new(3, 1, 1, sha256(&leaf_spki(&p)))];
    let reject = verdict(&p.leaf.der, "other.example");
    for (set, code) in [
        (TlsaSet::insecure(records.clone()), "answer-not-secure"),
        (
            TlsaSet::behind_insecure_srv(records.clone()),
            "srv-not-secure",
        ),
    ] {
        let out = evaluate(&set, &chain, &reject, |_| reject.clone());
        assert_eq!(out.status(), DaneStatus::NotApplicable, "{code}: {out}");
        assert_eq!(out.unusable().len(), 1, "{code}");
        assert_eq!(out.unusable()[0].1.code(), code);
        assert!(
            !out.permits(&reject),
            "{code}: an insecure record authenticated"
        );
    }
    // The same record, secure: authenticated.
    let out = evaluate(&TlsaSet::secure(records), &chain, &reject, |_| {
        reject.clone()
    });
    assert_eq!(out.status(), DaneStatus::Authenticated);
}

/// An empty chain matches nothing.
#[test]
fn empty_chain_is_a_mismatch() {
    let p = pki();
    let reject = verdict(&p.leaf.der, "other.example");
    let set = TlsaSet::secure(vec![TlsaRecord::new(3, 1, 1, vec![0; 32])]);
    assert_eq!(
        evaluate(&set, &[], &reject, |_| reject.clone()).status(),
        DaneStatus::Mismatch
    );
}

/// RFC 7673 §3 (the XMPP example `_5222._tcp.im.example.com`) and RFC 6698 §3.
#[test]
fn tlsa_owner_names() {
    let cases: &[(u16, &str, &str)] = &[
        (5222, "im.example.com", "_5222._tcp.im.example.com."),
        (5061, "SIP1.Example.NET", "_5061._tcp.sip1.example.net."),
        (443, "www.example.com", "_443._tcp.www.example.com."),
    ];
    for (port, host, want) in cases {
        let host = DomainName::from_ascii(host).expect("name");
        assert_eq!(tlsa_name(*port, &host), *want, "{port} {host}");
    }
}

/// Presentation and wire forms, as in the RFC 6698 §2.3 and RFC 7671 examples.
#[test]
fn record_forms() {
    // RFC 6698 §2.3: "_443._tcp.www.example.com. IN TLSA ( 1 1 2 92003ba3...)".
    let text = "1 1 2 92003ba34942dc74152e2f2c408d29ec a5a520e7f2e06bb944f4dca346baf63c 1b177615d466f6c4b71c216a50292bd5 8c9ebdd2f74e38fe51ffd48c43326cbc";
    let r = TlsaRecord::from_presentation(text).expect("parses");
    assert_eq!(r.parameters(), (1, 1, 2));
    assert_eq!(r.data().len(), 64);
    assert_eq!(
        r.check(),
        Ok((
            Usage::PkixEe,
            Selector::SubjectPublicKeyInfo,
            MatchingType::Sha512
        ))
    );
    assert!(r.to_string().starts_with("1 1 2 92003BA3"));
    let wire: Vec<u8> = [1u8, 1, 2]
        .iter()
        .copied()
        .chain(r.data().iter().copied())
        .collect();
    assert_eq!(TlsaRecord::from_rdata(&wire), Ok(r));
    let bad: &[&str] = &[
        "",
        "3",
        "3 1",
        "3 1 1 0g",
        "3 1 1 abc",
        "256 1 1 00",
        "3 -1 1 00",
        // RFC 6698 §2.2: the three fields are unsigned decimal integers, digits only (Rust's
        // integer parser would take a leading '+').
        "+3 1 1 00",
        "3 +1 1 00",
        "3 1 +1 00",
        "+3 +1 +1 00",
        "3 1 1 +00",
        "0x3 1 1 00",
        "3 1.0 1 00",
        "\u{663} 1 1 00",
        "\u{ff13} 1 1 00",
    ];
    for b in bad {
        assert!(TlsaRecord::from_presentation(b).is_err(), "{b:?} parsed");
    }
    // Digits only, leading zeros included, up to 255.
    let good: &[(&str, (u8, u8, u8))] = &[
        ("3 1 1 00", (3, 1, 1)),
        ("003 01 1 00", (3, 1, 1)),
        ("255 0 0 00", (255, 0, 0)),
        ("\t2\n0 1 00", (2, 0, 1)),
    ];
    for (text, want) in good {
        let got = TlsaRecord::from_presentation(text).map(|r| r.parameters());
        assert_eq!(got, Ok(*want), "{text:?}");
    }
    assert!(TlsaRecord::from_rdata(&[3, 1]).is_err());
    assert_eq!(
        TlsaRecord::from_rdata(&[3, 1, 1]).map(|r| r.check().is_err()),
        Ok(true)
    );
}

/// An end entity for `example.com` and the certificate that signed it, built with rcgen:
/// `is_ca` and `key_usages` of the signer as given.
fn signed_by(
    is_ca: rcgen::IsCa,
    key_usages: Vec<rcgen::KeyUsagePurpose>,
) -> (CertificateDer<'static>, CertificateDer<'static>) {
    let signer_key = rcgen::KeyPair::generate().expect("key");
    let mut sp = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    sp.distinguished_name = rcgen::DistinguishedName::new();
    sp.distinguished_name
        .push(rcgen::DnType::CommonName, "Signer");
    sp.is_ca = is_ca;
    sp.key_usages = key_usages;
    let signer = sp.self_signed(&signer_key).expect("signer").der().clone();
    let issuer = rcgen::Issuer::new(sp, signer_key);
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let lp = rcgen::CertificateParams::new(vec!["example.com".to_owned()]).expect("params");
    let leaf = lp
        .signed_by(&leaf_key, &issuer)
        .expect("leaf")
        .der()
        .clone();
    (leaf, signer)
}

/// A self-signed end entity for `example.com` (not a CA) and its key.
fn self_signed_leaf() -> (CertificateDer<'static>, rcgen::KeyPair) {
    let key = rcgen::KeyPair::generate().expect("key");
    let p = rcgen::CertificateParams::new(vec!["example.com".to_owned()]).expect("params");
    (p.self_signed(&key).expect("cert").der().clone(), key)
}

/// A certificate with `key`, the subject of the end entity of [`self_signed_leaf`] (rcgen's
/// default), and cA TRUE: it "issued" that end entity, with the end entity's own key.
fn ca_with_key(key: &rcgen::KeyPair) -> CertificateDer<'static> {
    let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    p.self_signed(key).expect("cert").der().clone()
}

/// RFC 6698 §2.1.1, RFC 7671 §5.2: a trust-anchor record (PKIX-TA 0, DANE-TA 2) names a CA
/// above the end entity. The matched certificate must be a CA (basicConstraints cA TRUE,
/// keyUsage with keyCertSign when present), other than the end entity and without its key;
/// its position in the chain alone proves nothing. The path check (the closure) accepts
/// everything here, so only that rule decides; it must not even be asked.
#[test]
#[allow(clippy::too_many_lines, clippy::type_complexity)] // one table
fn trust_anchor_records_name_a_ca_above_the_end_entity() {
    use rcgen::{BasicConstraints, IsCa, KeyUsagePurpose as Ku};
    let p = pki();
    let accept = verdict(&p.leaf.der, "example.com");
    let reject = verdict(&p.leaf.der, "other.example");
    let (leaf_no_bc, signer_no_bc) = signed_by(IsCa::NoCa, Vec::new());
    let (leaf_ca_false, signer_ca_false) = signed_by(IsCa::ExplicitNoCa, Vec::new());
    let (leaf_no_certsign, signer_no_certsign) = signed_by(
        IsCa::Ca(BasicConstraints::Unconstrained),
        vec![Ku::DigitalSignature, Ku::CrlSign],
    );
    let (leaf_ca, signer_ca) = signed_by(
        IsCa::Ca(BasicConstraints::Unconstrained),
        vec![Ku::KeyCertSign],
    );
    let (s, s_key) = self_signed_leaf();
    let s_spki = rcgen::PublicKeyData::subject_public_key_info(&s_key);
    let same_key_ca = ca_with_key(&s_key);
    // (name, chain, record usage, selected content of the record's target, authenticated)
    let cases: Vec<(&str, Vec<CertificateDer<'static>>, u8, u8, Vec<u8>, bool)> = vec![
        (
            "signer without basicConstraints",
            vec![leaf_no_bc.clone(), signer_no_bc.clone()],
            2,
            0,
            signer_no_bc.to_vec(),
            false,
        ),
        (
            "signer with cA FALSE",
            vec![leaf_ca_false.clone(), signer_ca_false.clone()],
            2,
            0,
            signer_ca_false.to_vec(),
            false,
        ),
        (
            "signer with cA FALSE, SPKI record",
            vec![leaf_ca_false.clone(), signer_ca_false.clone()],
            2,
            1,
            spki(&signer_ca_false).expect("spki").to_vec(),
            false,
        ),
        (
            "PKIX-TA: signer without basicConstraints",
            vec![leaf_no_bc.clone(), signer_no_bc.clone()],
            0,
            0,
            signer_no_bc.to_vec(),
            false,
        ),
        (
            "CA whose keyUsage lacks keyCertSign",
            vec![leaf_no_certsign.clone(), signer_no_certsign.clone()],
            2,
            0,
            signer_no_certsign.to_vec(),
            false,
        ),
        (
            "self-signed end entity sent twice",
            vec![s.clone(), s.clone()],
            2,
            0,
            s.to_vec(),
            false,
        ),
        (
            "self-signed end entity sent twice, SPKI record",
            vec![s.clone(), s.clone()],
            2,
            1,
            s_spki.clone(),
            false,
        ),
        (
            "PKIX-TA: self-signed end entity sent twice",
            vec![s.clone(), s.clone()],
            0,
            0,
            s.to_vec(),
            false,
        ),
        (
            "a CA certificate with the end entity's key",
            vec![s.clone(), same_key_ca.clone()],
            2,
            0,
            same_key_ca.to_vec(),
            false,
        ),
        (
            "a CA with keyCertSign",
            vec![leaf_ca.clone(), signer_ca.clone()],
            2,
            0,
            signer_ca.to_vec(),
            true,
        ),
        (
            "a CA without keyUsage",
            vec![p.leaf.der.clone(), p.inter.der.clone()],
            2,
            1,
            spki(&p.inter.der).expect("spki").to_vec(),
            true,
        ),
        (
            "PKIX-TA: a CA",
            vec![p.leaf.der.clone(), p.inter.der.clone()],
            0,
            0,
            p.inter.der.to_vec(),
            true,
        ),
    ];
    for (name, chain, usage, selector, selected, authenticated) in cases {
        let record = TlsaRecord::new(usage, selector, 1, sha256(&selected));
        let set = TlsaSet::secure(vec![record.clone()]);
        let mut asked = 0;
        let out = evaluate(&set, &chain, &accept, |_| {
            asked += 1;
            accept.clone()
        });
        let want = if authenticated {
            DaneStatus::Authenticated
        } else {
            DaneStatus::Mismatch
        };
        assert_eq!(out.status(), want, "{name}: {record}: {out}");
        assert_eq!(
            asked,
            usize::from(authenticated),
            "{name}: {record}: the path check was asked {asked} times"
        );
        assert!(
            out.permits(&reject) == authenticated,
            "{name}: {record}: {out}"
        );
    }
}
