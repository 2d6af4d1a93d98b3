//! `sipcert.parse_uri`: a SIP URI as the command line's `uri --json` fields
//! ([`sipcert::json::uri`]).

use pyo3::prelude::*;
use sipcert::uri::SipUri;

use crate::errors::UriError;
use crate::py_json;
use crate::reference::reference_text;

/// `sipcert.parse_uri`: see the `.pyi` stub.
#[pyfunction]
pub(crate) fn parse_uri<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let text =
        reference_text(text, "uri").map_err(|e| UriError::new_err(e.value(py).to_string()))?;
    let uri = SipUri::parse(&text).map_err(|e| {
        UriError::new_err(format!(
            "{text:?} is not an RFC 3261 SIP URI: {e} ({}, offset {})",
            e.code(),
            e.offset()
        ))
    })?;
    py_json(py, &sipcert::json::uri(&uri))
}
