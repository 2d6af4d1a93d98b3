//! `sipcert.Result`: the verdict on one certificate for one reference, read through the
//! library's codes, JSON and Warning header.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use sipcert::Verdict;

use crate::errors::PolicyError;
use crate::py_json;

/// The verdict on one certificate for one reference (`sipcert.check`).
#[pyclass(frozen, module = "sipcert", name = "Result")]
pub(crate) struct CheckResult {
    pub(crate) verdict: Verdict,
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
