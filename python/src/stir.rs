//! `sipcert.stir_verify`, `sipcert.stir_sign` and `sipcert.StirResult`: the STIR/SHAKEN
//! Identity header (`sipcert::stir`), with the x5u chains the caller supplies.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, TrustAnchor};
use sipcert::stir::{
    caller_number, sign, Attest, CanonicalTn, CertificateSource, Claims, Dest, Orig, Passport,
    PassportHeader, Ppt, SourceError, StirPolicy, StirRequest, StirVerdict, StirVerifier,
};

use crate::errors::{CertificateError, Error, PolicyError, ReferenceError};
use crate::input::{certificate_list, certificates, crl_list};
use crate::options::time;
use crate::py_json;

/// The most x5u URLs in `chains=`.
const MAX_CHAINS: usize = 64;

/// The chains of `chains=`, by URL.
struct Chains(HashMap<String, Vec<CertificateDer<'static>>>);

impl CertificateSource for Chains {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        self.0
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::new(format!("no chain given for {url} (chains=)")))
    }
}

fn chains(obj: &Bound<'_, PyDict>) -> PyResult<Chains> {
    if obj.len() > MAX_CHAINS {
        return Err(Error::new_err(format!(
            "chains: {} URLs, over the limit of {MAX_CHAINS}",
            obj.len()
        )));
    }
    let mut map = HashMap::new();
    for (url, value) in obj.iter() {
        let url: String = url
            .extract()
            .map_err(|_| Error::new_err("chains: every key must be an x5u URL (str)"))?;
        let chain = certificates(&value, &format!("chains[{url:?}]"))?;
        map.insert(url, chain);
    }
    Ok(Chains(map))
}

fn number(what: &str, text: &str) -> PyResult<CanonicalTn> {
    caller_number(text).map_err(|e| ReferenceError::new_err(format!("{what}: {e}")))
}

fn anchors(trust_list: &Bound<'_, PyAny>) -> PyResult<Vec<TrustAnchor<'static>>> {
    certificate_list(trust_list, "trust_list")?
        .iter()
        .enumerate()
        .map(|(i, root)| {
            webpki::anchor_from_trusted_cert(root)
                .map(|a| a.to_owned())
                .map_err(|e| {
                    CertificateError::new_err(format!(
                        "trust_list: certificate {i} is not usable as a trust anchor: {e}"
                    ))
                })
        })
        .collect()
}

/// `sipcert.stir_verify`: see the `.pyi` stub.
#[pyfunction]
#[pyo3(signature = (identity, *, orig, dest, trust_list, chains, crls=None, at=None, freshness=60, date=None))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments
pub(crate) fn stir_verify(
    py: Python<'_>,
    identity: &str,
    orig: &str,
    dest: &str,
    trust_list: &Bound<'_, PyAny>,
    chains: &Bound<'_, PyDict>,
    crls: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    freshness: u64,
    date: Option<String>,
) -> PyResult<StirResult> {
    let (orig, dest) = (number("orig", orig)?, number("dest", dest)?);
    let source = self::chains(chains)?;
    let crls = match crls {
        Some(c) => crl_list(c)?,
        None => Vec::new(),
    };
    let now = time(at)?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let verifier = StirVerifier::new(anchors(trust_list)?, provider)
        .with_crls(&crls)
        .map_err(|e| CertificateError::new_err(format!("crls: {e}")))?
        .with_policy(StirPolicy::default().freshness(Duration::from_secs(freshness)));
    let identity = identity.to_owned();
    let verdict = py.detach(move || {
        let request = StirRequest::new(&identity, &orig, &dest);
        let request = match &date {
            Some(d) => request.with_date(d),
            None => request,
        };
        verifier.verify(&request, &source, now)
    });
    Ok(StirResult { verdict })
}

fn attest(text: &str) -> PyResult<Attest> {
    match text {
        "A" => Ok(Attest::A),
        "B" => Ok(Attest::B),
        "C" => Ok(Attest::C),
        other => Err(PolicyError::new_err(format!(
            "attest: {other:?} is not \"A\", \"B\" or \"C\""
        ))),
    }
}

fn tn(what: &str, text: &str) -> PyResult<CanonicalTn> {
    CanonicalTn::parse(text).map_err(|e| {
        ReferenceError::new_err(format!("{what}: {text:?} is not a telephone number: {e}"))
    })
}

/// `sipcert.stir_sign`: see the `.pyi` stub.
#[pyfunction]
#[pyo3(signature = (*, key, x5u, orig, dest, attest="A", origid=None, iat=None))]
#[allow(clippy::too_many_arguments)] // Python keyword arguments
pub(crate) fn stir_sign(
    py: Python<'_>,
    key: &str,
    x5u: &str,
    orig: &str,
    dest: &str,
    attest: &str,
    origid: Option<String>,
    iat: Option<i64>,
) -> PyResult<String> {
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes())
        .map_err(|e| CertificateError::new_err(format!("key: no usable PRIVATE KEY: {e}")))?;
    let origid = match origid {
        Some(id) => id,
        None => py.import("uuid")?.call_method0("uuid4")?.str()?.to_string(),
    };
    let iat = match iat {
        Some(t) => t,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .ok_or_else(|| Error::new_err("the clock is before 1970"))?,
    };
    let passport = Passport {
        header: PassportHeader {
            alg: "ES256".to_owned(),
            typ: Some("passport".to_owned()),
            ppt: Ppt::Shaken,
            x5u: x5u.to_owned(),
        },
        claims: Claims {
            orig: Orig::Tn(tn("orig", orig)?),
            dest: Dest {
                tn: vec![tn("dest", dest)?],
                uri: Vec::new(),
            },
            iat,
            attest: Some(self::attest(attest)?),
            origid: Some(origid),
            div: None,
        },
    };
    let provider = rustls::crypto::ring::default_provider();
    sign(&passport, &key, &provider).map_err(|e| Error::new_err(format!("cannot sign: {e}")))
}

/// The verdict on one Identity header (`sipcert.stir_verify`).
#[pyclass(frozen, module = "sipcert", name = "StirResult")]
pub(crate) struct StirResult {
    verdict: StirVerdict,
}

#[pymethods]
impl StirResult {
    /// Whether every check passed.
    #[getter]
    fn verified(&self) -> bool {
        self.verdict.is_verified()
    }

    /// The `stir-…` code of the failure; `None` when verified.
    #[getter]
    fn code(&self) -> Option<&'static str> {
        self.verdict.code().map(sipcert::stir::StirCode::code)
    }

    /// The ATIS-1000074 `verstat` value.
    #[getter]
    fn verstat(&self) -> &'static str {
        self.verdict.verstat().as_str()
    }

    /// The RFC 8224 §6.2.2 response code; `None` when verified.
    #[getter]
    fn response_code(&self) -> Option<u16> {
        self.verdict.response_code()
    }

    /// The RFC 9410 `Reason` header value; `None` when verified.
    #[getter]
    fn reason_header(&self) -> Option<String> {
        self.verdict.reason_header()
    }

    /// A readable sentence: the failure's message naming the rule, or what verified.
    #[getter]
    fn message(&self) -> String {
        self.verdict.to_string()
    }

    /// The PASSporT's claims (`orig`, `dest`, `attest`, `origid`, `iat`, `x5u`), verified
    /// only when `verified`; `None` when the header did not parse.
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let passport = match &self.verdict {
            StirVerdict::Verified(v) => Some(v.passport()),
            StirVerdict::Failed(f) => f.passport.as_ref(),
        };
        passport
            .map(|p| {
                let c = &p.claims;
                let orig = match &c.orig {
                    Orig::Tn(tn) => serde_json::json!({"tn": tn.as_str()}),
                    Orig::Uri(uri) => serde_json::json!({"uri": uri}),
                };
                let value = serde_json::json!({
                    "orig": orig,
                    "dest": {"tn": c.dest.tn.iter().map(CanonicalTn::as_str).collect::<Vec<_>>()},
                    "attest": c.attest.map(Attest::as_str),
                    "origid": c.origid,
                    "iat": c.iat,
                    "x5u": p.header.x5u,
                });
                py_json(py, &value)
            })
            .transpose()
    }

    fn __repr__(&self) -> String {
        match self.verdict.code() {
            None => "StirResult(verified=True)".to_owned(),
            Some(code) => format!("StirResult(verified=False, code={:?})", code.code()),
        }
    }
}
