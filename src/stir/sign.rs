//! The STI-AS: a PASSporT in the RFC 8225 §9 deterministic JSON form (members sorted, no
//! whitespace), signed ES256 with a P-256 key through the rustls crypto provider, rendered
//! as a full-form Identity header value (RFC 8224 §4.1).

use core::fmt;

use rustls::crypto::CryptoProvider;
use rustls::SignatureScheme;
use rustls_pki_types::PrivateKeyDer;

use super::b64;
use super::ecdsa;
use super::json::Json;
use super::passport::{Dest, Orig, Passport, Ppt};
use super::tn::CanonicalTn;

/// Why signing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError {
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SignError {}

fn sign_error(message: impl Into<String>) -> SignError {
    SignError {
        message: message.into(),
    }
}

fn string(s: &str) -> Json {
    Json::String(s.to_owned())
}

fn tns(list: &[CanonicalTn]) -> Json {
    Json::Array(list.iter().map(|t| string(t.as_str())).collect())
}

/// The protected header as JSON (`alg`, `ppt` when not base, `typ`, `x5u`).
fn header_json(passport: &Passport) -> Json {
    let h = &passport.header;
    let mut members = vec![
        ("alg".to_owned(), string("ES256")),
        ("typ".to_owned(), string("passport")),
        ("x5u".to_owned(), string(&h.x5u)),
    ];
    if let Some(ppt) = h.ppt.as_str() {
        members.push(("ppt".to_owned(), string(ppt)));
    }
    Json::Object(members)
}

fn dest_json(dest: &Dest) -> Json {
    let mut members = Vec::new();
    if !dest.tn.is_empty() {
        members.push(("tn".to_owned(), tns(&dest.tn)));
    }
    if !dest.uri.is_empty() {
        members.push((
            "uri".to_owned(),
            Json::Array(dest.uri.iter().map(|u| string(u)).collect()),
        ));
    }
    Json::Object(members)
}

/// The claims as JSON.
fn claims_json(passport: &Passport) -> Json {
    let c = &passport.claims;
    let orig = match &c.orig {
        Orig::Tn(tn) => Json::Object(vec![("tn".to_owned(), string(tn.as_str()))]),
        Orig::Uri(uri) => Json::Object(vec![("uri".to_owned(), string(uri))]),
    };
    let mut members = vec![
        ("dest".to_owned(), dest_json(&c.dest)),
        ("iat".to_owned(), Json::Number(c.iat.to_string())),
        ("orig".to_owned(), orig),
    ];
    if let Some(a) = c.attest {
        members.push(("attest".to_owned(), string(a.as_str())));
    }
    if let Some(id) = &c.origid {
        members.push(("origid".to_owned(), string(id)));
    }
    if let Some(div) = &c.div {
        members.push((
            "div".to_owned(),
            Json::Object(vec![("tn".to_owned(), string(div.as_str()))]),
        ));
    }
    Json::Object(members)
}

/// The RFC 8225 §9 deterministic JSON of the PASSporT's header and claims.
pub fn canonical_json(passport: &Passport) -> (String, String) {
    let mut h = String::new();
    header_json(passport).write_canonical(&mut h);
    let mut c = String::new();
    claims_json(passport).write_canonical(&mut c);
    (h, c)
}

/// Signs `passport` with `key` (a P-256 private key the provider loads) and renders the
/// full-form Identity header value:
/// `header.payload.signature;info=<x5u>;alg=ES256[;ppt=…]`.
pub fn sign(
    passport: &Passport,
    key: &PrivateKeyDer<'_>,
    provider: &CryptoProvider,
) -> Result<String, SignError> {
    let (h, c) = canonical_json(passport);
    let signing_input = format!(
        "{}.{}",
        b64::encode(h.as_bytes()),
        b64::encode(c.as_bytes())
    );
    let signing_key = provider
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|e| sign_error(format!("the provider cannot load the key: {e}")))?;
    let signer = signing_key
        .choose_scheme(&[SignatureScheme::ECDSA_NISTP256_SHA256])
        .ok_or_else(|| sign_error("the key is not an ECDSA P-256 key (ES256 needs one)"))?;
    let der = signer
        .sign(signing_input.as_bytes())
        .map_err(|e| sign_error(format!("signing failed: {e}")))?;
    let raw = ecdsa::der_to_raw(&der)
        .ok_or_else(|| sign_error("the provider's signature is not a P-256 ECDSA-Sig-Value"))?;
    let mut out = format!(
        "{signing_input}.{};info=<{}>;alg=ES256",
        b64::encode(&raw),
        passport.header.x5u
    );
    match passport.header.ppt {
        Ppt::Base => {}
        Ppt::Shaken | Ppt::Div => {
            out.push_str(";ppt=");
            out.push_str(passport.header.ppt.as_str().unwrap_or_default());
        }
    }
    Ok(out)
}
