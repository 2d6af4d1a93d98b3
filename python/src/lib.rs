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
//!
//! One file per concept: `errors` (the exceptions), `input` (certificate and CRL arguments),
//! `reference` (`uri=`, `domain=`), `options` (role, policy, time), `result`
//! (`sipcert.Result`), `check` (`check`, `identities`), `uri` (`parse_uri`), `stir`
//! (`stir_verify`, `stir_sign`, `StirResult`); this file
//! registers them as the module.

mod check;
mod errors;
mod input;
mod options;
mod reference;
mod result;
mod stir;
mod uri;

use pyo3::prelude::*;

use crate::errors::{CertificateError, Error, PolicyError, ReferenceError, UriError};
use crate::result::CheckResult;

/// JSON text as Python objects (`json.loads`).
pub(crate) fn py_json<'py>(
    py: Python<'py>,
    value: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?
        .call_method1("loads", (value.to_string(),))
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
    m.add_class::<stir::StirResult>()?;
    m.add_function(wrap_pyfunction!(check::check, m)?)?;
    m.add_function(wrap_pyfunction!(check::identities, m)?)?;
    m.add_function(wrap_pyfunction!(uri::parse_uri, m)?)?;
    m.add_function(wrap_pyfunction!(stir::stir_verify, m)?)?;
    m.add_function(wrap_pyfunction!(stir::stir_sign, m)?)?;
    Ok(())
}
