//! `sipcert._native`: the Python binding of the sipcert library (RFC 5922 SIP domain
//! certificate validation). A thin layer: every decision is the library's
//! ([`sipcert::check_end_entity`], [`ChainVerifier::check`], [`sipcert::extract_identities`]),
//! every report is the library's JSON ([`sipcert::json`]) and Warning header
//! ([`sipcert::warning_header`]). This module only converts Python input, and refuses bad
//! input with a `sipcert.Error` subclass: a rejected certificate is a `Result`, never an
//! exception.
//!
//! The Python package `sipcert` (python/sipcert) re-exports it; its `.pyi` stubs document the
//! Python API.

use std::borrow::Cow;
use std::net::IpAddr;
use std::time::Duration;

use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor, UnixTime};
use sipcert::chain::ChainVerifier;
use sipcert::encoding::{check_der_framing, detect_encoding, has_pem_begin_line, Encoding};
use sipcert::uri::SipUri;
use sipcert::{DomainName, EkuMode, Policy, Reference, Role, Verdict};

create_exception!(
    sipcert,
    Error,
    PyValueError,
    "Bad input to sipcert (never a rejected certificate: that is a Result)."
);
create_exception!(
    sipcert,
    CertificateError,
    Error,
    "A certificate argument is not a certificate: not PEM or DER, no CERTIFICATE block, truncated DER, too large."
);
create_exception!(
    sipcert,
    ReferenceError,
    Error,
    "The reference (uri= or domain=) is missing, empty, not UTF-8, too long, or not a usable host."
);
create_exception!(
    sipcert,
    UriError,
    ReferenceError,
    "The text is not an RFC 3261 SIP or SIPS URI."
);
create_exception!(
    sipcert,
    PolicyError,
    Error,
    "A role, EKU mode, policy option or warn-agent is not valid."
);

/// The largest certificate argument (PEM text or DER), in octets. A DER certificate over
/// webpki's 64 KiB limit is a `cert-too-large` rejection, not an error.
const MAX_INPUT: usize = 1 << 20;
/// The most certificates in one argument.
const MAX_CERTS: usize = 64;
/// The longest reference text, in octets.
const MAX_REFERENCE: usize = 8192;

/// A certificate argument's bytes: `str` (PEM) or `bytes` (PEM or DER).
struct Input<'a> {
    bytes: Cow<'a, [u8]>,
    /// A `str`: PEM only.
    text: bool,
}

fn input_bytes<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Input<'a>> {
    let text = obj.cast::<PyString>().is_ok();
    let bytes: Cow<'a, [u8]> = if let Ok(s) = obj.cast::<PyString>() {
        match s.to_cow() {
            Ok(Cow::Borrowed(t)) => Cow::Borrowed(t.as_bytes()),
            Ok(Cow::Owned(t)) => Cow::Owned(t.into_bytes()),
            Err(_) => {
                return Err(CertificateError::new_err(format!(
                    "{what}: the text is not encodable as UTF-8 (PEM is ASCII)"
                )))
            }
        }
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        Cow::Borrowed(b.as_bytes())
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected str (PEM) or bytes (PEM or DER), got {}",
            obj.get_type().name()?
        )));
    };
    if bytes.is_empty() {
        return Err(CertificateError::new_err(format!("{what}: empty")));
    }
    if bytes.len() > MAX_INPUT {
        return Err(CertificateError::new_err(format!(
            "{what}: {} octets, over the {MAX_INPUT}-octet limit",
            bytes.len()
        )));
    }
    Ok(Input { bytes, text })
}

/// PEM or DER by the library's rule ([`sipcert::encoding`]): PEM by its `-----BEGIN` line,
/// DER only as one complete SEQUENCE; a `str` is PEM text only.
fn encoding_of(input: &Input<'_>, what: &str) -> PyResult<Encoding> {
    if input.text {
        return if has_pem_begin_line(&input.bytes) {
            Ok(Encoding::Pem)
        } else {
            Err(CertificateError::new_err(format!(
                "{what}: neither DER (a str is PEM text; pass DER as bytes) nor PEM (no -----BEGIN line)"
            )))
        };
    }
    detect_encoding(&input.bytes).map_err(|e| CertificateError::new_err(format!("{what}: {e}")))
}

/// The `-----BEGIN X-----` labels of a PEM text, for the error message.
fn pem_labels(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .filter_map(|l| l.strip_suffix("-----"))
        .take(8)
        .map(str::to_owned)
        .collect()
}

/// The certificates of one argument: one DER certificate, or every CERTIFICATE block of a PEM
/// text in order.
fn certificates(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<CertificateDer<'static>>> {
    let input = input_bytes(obj, what)?;
    match encoding_of(&input, what)? {
        Encoding::Der => return Ok(vec![CertificateDer::from(input.bytes.into_owned())]),
        Encoding::Pem => {}
    }
    let bytes = input.bytes;
    let labels = pem_labels(&bytes);
    if labels.is_empty() {
        return Err(CertificateError::new_err(format!(
            "{what}: neither DER (no SEQUENCE tag at offset 0) nor PEM (no -----BEGIN line)"
        )));
    }
    let mut certs = Vec::new();
    for (i, item) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
        let cert = item.map_err(|e| {
            CertificateError::new_err(format!("{what}: bad PEM (CERTIFICATE block {i}): {e}"))
        })?;
        if certs.len() == MAX_CERTS {
            return Err(CertificateError::new_err(format!(
                "{what}: more than {MAX_CERTS} certificates"
            )));
        }
        check_der_framing(cert.as_ref())
            .map_err(|e| CertificateError::new_err(format!("{what} (PEM block {i}): {e}")))?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(CertificateError::new_err(format!(
            "{what}: no CERTIFICATE block in the PEM text (found: {})",
            labels.join(", ")
        )));
    }
    Ok(certs)
}

/// Certificates from one argument or a list/tuple of them.
fn certificate_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<CertificateDer<'static>>> {
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = obj.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        return certificates(obj, what);
    };
    if items.len() > MAX_CERTS {
        return Err(CertificateError::new_err(format!(
            "{what}: more than {MAX_CERTS} items"
        )));
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        out.extend(certificates(item, &format!("{what}[{i}]"))?);
    }
    if out.len() > MAX_CERTS {
        return Err(CertificateError::new_err(format!(
            "{what}: more than {MAX_CERTS} certificates"
        )));
    }
    Ok(out)
}

/// CRLs: one argument (a DER CRL, or PEM text with `X509 CRL` blocks) or a list/tuple of them.
fn crl_list(obj: &Bound<'_, PyAny>) -> PyResult<Vec<CertificateRevocationListDer<'static>>> {
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = obj.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = obj.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        vec![obj.clone()]
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let what = format!("crls[{i}]");
        let input = input_bytes(item, &what)?;
        match encoding_of(&input, &what)? {
            Encoding::Der => {
                out.push(CertificateRevocationListDer::from(input.bytes.into_owned()));
                continue;
            }
            Encoding::Pem => {}
        }
        let bytes = input.bytes;
        let before = out.len();
        for crl in CertificateRevocationListDer::pem_slice_iter(&bytes) {
            out.push(crl.map_err(|e| CertificateError::new_err(format!("{what}: bad PEM: {e}")))?);
        }
        if out.len() == before {
            return Err(CertificateError::new_err(format!(
                "{what}: no X509 CRL block (found: {})",
                pem_labels(&bytes).join(", ")
            )));
        }
        if out.len() > MAX_CERTS {
            return Err(CertificateError::new_err(format!(
                "crls: more than {MAX_CERTS} CRLs"
            )));
        }
    }
    Ok(out)
}

/// A reference text (`str` or UTF-8 `bytes`), bounded.
fn reference_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let text = if let Ok(s) = obj.cast::<PyString>() {
        s.to_cow()
            .map_err(|_| {
                ReferenceError::new_err(format!("{what}: the text is not encodable as UTF-8"))
            })?
            .into_owned()
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        String::from_utf8(b.as_bytes().to_vec()).map_err(|e| {
            ReferenceError::new_err(format!(
                "{what}: not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected str or bytes, got {}",
            obj.get_type().name()?
        )));
    };
    if text.is_empty() {
        return Err(ReferenceError::new_err(format!("{what}: empty")));
    }
    if text.len() > MAX_REFERENCE {
        return Err(ReferenceError::new_err(format!(
            "{what}: {} octets, over the {MAX_REFERENCE}-octet limit",
            text.len()
        )));
    }
    Ok(text)
}

/// `uri=` (an AUS, RFC 5922 §7.3) or `domain=` (a domain name or IP literal), exactly one.
fn reference(
    uri: Option<&Bound<'_, PyAny>>,
    domain: Option<&Bound<'_, PyAny>>,
) -> PyResult<Reference> {
    match (uri, domain) {
        (Some(uri), None) => {
            let text = reference_text(uri, "uri")?;
            let parsed = SipUri::parse(&text).map_err(|e| {
                UriError::new_err(format!(
                    "uri: {text:?} is not an RFC 3261 SIP URI: {e} ({})",
                    e.code()
                ))
            })?;
            Reference::from_sip_uri(&parsed)
                .map_err(|e| ReferenceError::new_err(format!("uri: {e} ({})", e.code())))
        }
        (None, Some(domain)) => {
            let text = reference_text(domain, "domain")?;
            let unbracketed = text
                .strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .unwrap_or(&text);
            if let Ok(ip) = unbracketed.parse::<IpAddr>() {
                return Ok(Reference::Ip(ip));
            }
            DomainName::from_user_input(&text)
                .map(Reference::Domain)
                .map_err(|e| ReferenceError::new_err(format!("domain: {text:?}: {e}")))
        }
        (Some(_), Some(_)) => Err(ReferenceError::new_err(
            "give one reference: uri= or domain=, not both",
        )),
        (None, None) => Err(ReferenceError::new_err(
            "a reference is required: uri= (the AUS) or domain=",
        )),
    }
}

fn role(text: &str) -> PyResult<Role> {
    match text {
        "server" => Ok(Role::Server),
        "client" => Ok(Role::Client),
        other => Err(PolicyError::new_err(format!(
            "role: {other:?} is not \"server\" or \"client\""
        ))),
    }
}

/// The policy keyword arguments shared by `check` and `identities`.
#[allow(clippy::fn_params_excessive_bools)] // Python keyword arguments
fn policy(
    cn_fallback: bool,
    require_sip_uri: bool,
    allow_ip_literals: bool,
    secure_srv_target: Option<&str>,
    eku: &str,
    danger_allow_wildcards: bool,
) -> PyResult<Policy> {
    let mode = match eku {
        "compatible" => EkuMode::Compatible,
        "rfc5924" => EkuMode::Rfc5924,
        other => {
            return Err(PolicyError::new_err(format!(
                "eku: {other:?} is not \"compatible\" or \"rfc5924\""
            )))
        }
    };
    let mut policy = Policy::default()
        .cn_fallback(cn_fallback)
        .require_sip_uri(require_sip_uri)
        .allow_ip_literals(allow_ip_literals)
        .with_eku_mode(mode);
    if let Some(target) = secure_srv_target {
        if target.len() > MAX_REFERENCE {
            return Err(PolicyError::new_err("secure_srv_target: too long"));
        }
        let d = DomainName::from_user_input(target)
            .map_err(|e| PolicyError::new_err(format!("secure_srv_target: {target:?}: {e}")))?;
        policy = policy.with_secure_srv_target(d);
    }
    if danger_allow_wildcards {
        policy = sipcert::danger::allow_wildcards(policy);
    }
    Ok(policy)
}

/// `at=`: `None` (now), seconds since the Unix epoch, or an aware `datetime`.
fn time(at: Option<&Bound<'_, PyAny>>) -> PyResult<UnixTime> {
    let Some(at) = at else {
        return Ok(UnixTime::now());
    };
    let secs: f64 = if at.hasattr("timestamp")? {
        at.call_method0("timestamp")?.extract()?
    } else {
        at.extract()
            .map_err(|_| PyTypeError::new_err("at: expected a datetime or seconds since 1970"))?
    };
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| d.as_secs() < 253_402_300_800) // year 10000
        .map(UnixTime::since_unix_epoch)
        .ok_or_else(|| Error::new_err(format!("at: {secs} is not a time between 1970 and 9999")))
}

/// JSON text as Python objects (`json.loads`).
fn py_json<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (value.to_string(),))
}

/// The verdict on one certificate for one reference (`sipcert.check`).
#[pyclass(frozen, module = "sipcert", name = "Result")]
struct CheckResult {
    verdict: Verdict,
}

#[pymethods]
impl CheckResult {
    /// Whether the certificate is acceptable for the reference.
    #[getter]
    fn accepted(&self) -> bool {
        self.verdict.is_accept()
    }

    /// The reject codes, in the order found (empty when accepted).
    #[getter]
    fn reasons(&self) -> Vec<&'static str> {
        match &self.verdict {
            Verdict::Accept(_) => Vec::new(),
            Verdict::Reject(r) => r.reasons().iter().map(|x| x.code().code()).collect(),
        }
    }

    /// The hint codes: near misses explaining a name mismatch.
    #[getter]
    fn hints(&self) -> Vec<&'static str> {
        match &self.verdict {
            Verdict::Accept(_) => Vec::new(),
            Verdict::Reject(r) => r.hints().iter().map(|h| h.code().code()).collect(),
        }
    }

    /// The relaxation codes an accept needed (empty for a plain RFC 5922 match).
    #[getter]
    fn relaxations(&self) -> Vec<&'static str> {
        match &self.verdict {
            Verdict::Accept(a) => a.relaxations().iter().map(|r| r.code()).collect(),
            Verdict::Reject(_) => Vec::new(),
        }
    }

    /// The certificate's identities: `[{"domain": ..., "source": ...}, ...]`.
    #[getter]
    fn identities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_json(py, &sipcert::json::identities(self.verdict.identities()))
    }

    /// `valid`, `unchecked` (no roots given), or the code of what made the chain unusable.
    #[getter]
    fn chain(&self) -> &'static str {
        self.verdict.chain_status()
    }

    /// The reference the certificate was checked against.
    #[getter]
    fn reference(&self) -> Option<String> {
        match &self.verdict {
            Verdict::Accept(a) => Some(a.reference().to_string()),
            Verdict::Reject(r) => r.reference().map(ToString::to_string),
        }
    }

    /// A readable paragraph: what matched, or every reason, name and hint of a rejection.
    #[getter]
    fn message(&self) -> String {
        match &self.verdict {
            Verdict::Reject(r) => r.to_string(),
            Verdict::Accept(a) => {
                let m = a.matched();
                let mut s = format!(
                    "certificate accepted for {}: {} ({}) matched via {}",
                    a.reference(),
                    m.presented(),
                    m.source().code(),
                    m.via().code()
                );
                if !a.relaxations().is_empty() {
                    let r: Vec<&str> = a.relaxations().iter().map(|r| r.code()).collect();
                    s.push_str("; relaxations: ");
                    s.push_str(&r.join(", "));
                }
                s.push_str(match a.chain() {
                    sipcert::ChainCheck::Validated => "; the path was validated",
                    sipcert::ChainCheck::NotChecked => {
                        "; the path was NOT checked (no signature, validity, trust, revocation or name-constraint check: pass roots=)"
                    }
                });
                s
            }
        }
    }

    /// The command line's `check --json` object, as JSON text.
    fn to_json(&self) -> String {
        sipcert::json::verdict(&self.verdict).to_string()
    }

    /// The rejection as a SIP Warning header value (RFC 3261 §20.43, code 399) with
    /// `agent` (host[:port] or a token) as warn-agent; `None` when accepted.
    fn warning_header(&self, agent: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let agent: String = if let Ok(s) = agent.cast::<PyString>() {
            s.to_cow()
                .map_err(|_| PolicyError::new_err("agent: not encodable as UTF-8"))?
                .into_owned()
        } else {
            return Err(PyTypeError::new_err("agent: expected str"));
        };
        match &self.verdict {
            Verdict::Accept(_) => Ok(None),
            Verdict::Reject(r) => sipcert::warning_header(r, &agent)
                .map(Some)
                .map_err(|e| PolicyError::new_err(e.to_string())),
        }
    }

    fn __repr__(&self) -> String {
        let verdict = if self.verdict.is_accept() {
            "accept"
        } else {
            "reject"
        };
        format!(
            "<sipcert.Result {verdict} reference={:?} reasons={:?} hints={:?} chain={}>",
            self.reference().unwrap_or_default(),
            self.reasons(),
            self.hints(),
            self.chain()
        )
    }
}

/// `sipcert.check`: see the `.pyi` stub.
#[pyfunction]
#[pyo3(signature = (
    cert, *, uri=None, domain=None, role="server", roots=None, chain=None, crls=None, at=None,
    cn_fallback=true, require_sip_uri=false, allow_ip_literals=false,
    secure_srv_target=None, eku="compatible", danger_allow_wildcards=false
))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn check(
    py: Python<'_>,
    cert: &Bound<'_, PyAny>,
    uri: Option<&Bound<'_, PyAny>>,
    domain: Option<&Bound<'_, PyAny>>,
    role: &str,
    roots: Option<&Bound<'_, PyAny>>,
    chain: Option<&Bound<'_, PyAny>>,
    crls: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    cn_fallback: bool,
    require_sip_uri: bool,
    allow_ip_literals: bool,
    secure_srv_target: Option<&str>,
    eku: &str,
    danger_allow_wildcards: bool,
) -> PyResult<CheckResult> {
    let mut certs = certificates(cert, "cert")?;
    if let Some(chain) = chain {
        certs.extend(certificate_list(chain, "chain")?);
    }
    let reference = reference(uri, domain)?;
    let role = self::role(role)?;
    let policy = policy(
        cn_fallback,
        require_sip_uri,
        allow_ip_literals,
        secure_srv_target,
        eku,
        danger_allow_wildcards,
    )?;
    let now = time(at)?;
    let crls = match crls {
        Some(_) if roots.is_none() => {
            return Err(Error::new_err(
                "crls= needs roots=: revocation is part of path validation",
            ))
        }
        Some(crls) => crl_list(crls)?,
        None => Vec::new(),
    };
    let anchors = match roots {
        None => None,
        Some(roots) => {
            let mut anchors: Vec<TrustAnchor<'static>> = Vec::new();
            for (i, root) in certificate_list(roots, "roots")?.iter().enumerate() {
                let anchor = webpki::anchor_from_trusted_cert(root).map_err(|e| {
                    CertificateError::new_err(format!(
                        "roots: certificate {i} is not usable as a trust anchor: {e}"
                    ))
                })?;
                anchors.push(anchor.to_owned());
            }
            Some(anchors)
        }
    };
    let verifier = match anchors {
        None => None,
        Some(anchors) => {
            let provider = rustls::crypto::ring::default_provider();
            Some(
                ChainVerifier::new(provider.signature_verification_algorithms.all, anchors)
                    .with_crls(crls)
                    .map_err(|e| CertificateError::new_err(format!("crls: {e}")))?,
            )
        }
    };
    let verdict = py.detach(move || {
        // `certificates` never returns an empty list; a rejection, not a panic, if it did.
        let Some((leaf, intermediates)) = certs.split_first() else {
            return Verdict::Reject(sipcert::Rejected::new(
                sipcert::ReasonCode::CertMalformed,
                "no certificate",
                Some(reference),
            ));
        };
        match verifier {
            None => sipcert::check_end_entity(leaf.as_ref(), &reference, role, &policy),
            Some(v) => v.check(leaf, intermediates, now, &reference, role, &policy),
        }
    });
    Ok(CheckResult { verdict })
}

/// `sipcert.identities`: see the `.pyi` stub.
#[pyfunction]
#[pyo3(signature = (
    cert, *, cn_fallback=true, require_sip_uri=false, allow_ip_literals=false,
    secure_srv_target=None, eku="compatible", danger_allow_wildcards=false
))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
fn identities<'py>(
    py: Python<'py>,
    cert: &Bound<'py, PyAny>,
    cn_fallback: bool,
    require_sip_uri: bool,
    allow_ip_literals: bool,
    secure_srv_target: Option<&str>,
    eku: &str,
    danger_allow_wildcards: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let certs = certificates(cert, "cert")?;
    let policy = policy(
        cn_fallback,
        require_sip_uri,
        allow_ip_literals,
        secure_srv_target,
        eku,
        danger_allow_wildcards,
    )?;
    let Some(leaf) = certs.first() else {
        return Err(CertificateError::new_err("cert: no certificate"));
    };
    let ids = sipcert::extract_identities(leaf.as_ref(), &policy).map_err(|e| {
        CertificateError::new_err(format!("cert: {e} ({})", e.reason_code().code()))
    })?;
    py_json(py, &sipcert::json::identities(ids.identities()))
}

/// `sipcert.parse_uri`: see the `.pyi` stub.
#[pyfunction]
fn parse_uri<'py>(py: Python<'py>, text: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let text =
        reference_text(text, "uri").map_err(|e| UriError::new_err(e.value(py).to_string()))?;
    let uri = SipUri::parse(&text).map_err(|e| {
        UriError::new_err(format!(
            "{text:?} is not an RFC 3261 SIP URI: {e} ({}, offset {})",
            e.code(),
            e.offset()
        ))
    })?;
    let params: Vec<serde_json::Value> = uri
        .params()
        .map(|p| serde_json::json!([p.name().as_str(), p.value().map(|v| v.as_str())]))
        .collect();
    let headers: Vec<serde_json::Value> = uri
        .headers()
        .map(|h| serde_json::json!([h.name().as_str(), h.value().as_str()]))
        .collect();
    py_json(
        py,
        &serde_json::json!({
            "scheme": uri.scheme().as_str(),
            "user": uri.user().map(|u| u.as_str()),
            "password": uri.password().map(|p| p.as_str()),
            "host": uri.host_str(),
            "host_kind": uri.host().kind_str(),
            "port": uri.port(),
            "params": params,
            "headers": headers,
            "reference_domain": uri.reference_domain().ok().map(|d| d.to_string()),
        }),
    )
}

/// The native module, re-exported by the `sipcert` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("CertificateError", py.get_type::<CertificateError>())?;
    m.add("ReferenceError", py.get_type::<ReferenceError>())?;
    m.add("UriError", py.get_type::<UriError>())?;
    m.add("PolicyError", py.get_type::<PolicyError>())?;
    m.add("WARN_CODE", sipcert::WARN_CODE)?;
    m.add_class::<CheckResult>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(identities, m)?)?;
    m.add_function(wrap_pyfunction!(parse_uri, m)?)?;
    Ok(())
}
