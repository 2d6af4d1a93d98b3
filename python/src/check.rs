//! `sipcert.check` and `sipcert.identities`: the checks, with the library deciding.

use pyo3::prelude::*;
use rustls_pki_types::TrustAnchor;
use sipcert::chain::ChainVerifier;
use sipcert::Verdict;

use crate::errors::{CertificateError, Error};
use crate::input::{certificate_list, certificates, crl_list};
use crate::options::{policy, role, time};
use crate::py_json;
use crate::reference::reference;
use crate::result::CheckResult;

/// `sipcert.check`: see the `.pyi` stub.
#[pyfunction]
#[pyo3(signature = (
    cert, *, uri=None, domain=None, role="server", roots=None, chain=None, crls=None, at=None,
    cn_fallback=true, require_sip_uri=false, allow_ip_literals=false,
    secure_srv_target=None, eku="compatible", danger_allow_wildcards=false
))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
pub(crate) fn check(
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
    let verifier = verifier(roots, crls)?;
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

/// The chain verifier of `roots=` and `crls=` (rustls's `ring` provider); `None` without
/// `roots=` (only the names and the EKU are checked then).
fn verifier(
    roots: Option<&Bound<'_, PyAny>>,
    crls: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<ChainVerifier>> {
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
    let Some(anchors) = anchors else {
        return Ok(None);
    };
    let provider = rustls::crypto::ring::default_provider();
    ChainVerifier::new(provider.signature_verification_algorithms.all, anchors)
        .with_crls(crls)
        .map(Some)
        .map_err(|e| CertificateError::new_err(format!("crls: {e}")))
}

/// `sipcert.identities`: see the `.pyi` stub.
#[pyfunction]
#[pyo3(signature = (
    cert, *, cn_fallback=true, require_sip_uri=false, allow_ip_literals=false,
    secure_srv_target=None, eku="compatible", danger_allow_wildcards=false
))]
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
pub(crate) fn identities<'py>(
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
