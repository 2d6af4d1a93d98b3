//! The reference arguments `uri=` and `domain=`, by the library's rules
//! ([`Reference::from_aus`], [`Reference::from_domain_text`]).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use sipcert::{AusError, Reference};

use crate::errors::{ReferenceError, UriError};

/// The longest reference text, in octets.
pub(crate) const MAX_REFERENCE: usize = 8192;

/// A reference text (`str` or UTF-8 `bytes`), bounded.
pub(crate) fn reference_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
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
pub(crate) fn reference(
    uri: Option<&Bound<'_, PyAny>>,
    domain: Option<&Bound<'_, PyAny>>,
) -> PyResult<Reference> {
    match (uri, domain) {
        (Some(uri), None) => {
            let text = reference_text(uri, "uri")?;
            Reference::from_aus(&text).map_err(|e| match &e {
                AusError::NotASipUri { error, .. } => UriError::new_err(format!(
                    "uri: {text:?} is not an RFC 3261 SIP URI: {error} ({})",
                    error.code()
                )),
                _ => ReferenceError::new_err(format!("uri: {e} ({})", e.code())),
            })
        }
        (None, Some(domain)) => {
            let text = reference_text(domain, "domain")?;
            Reference::from_domain_text(&text)
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
