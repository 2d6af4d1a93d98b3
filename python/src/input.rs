//! Certificate and CRL arguments: `str` (PEM) or `bytes` (PEM or DER), one or a list, to DER
//! by the library's encoding rule ([`sipcert::encoding`]), bounded.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use sipcert::encoding::{check_der_framing, detect_encoding, has_pem_begin_line, Encoding};

use crate::errors::CertificateError;

/// The largest certificate argument (PEM text or DER), in octets. A DER certificate over
/// webpki's 64 KiB limit is a `cert-too-large` rejection, not an error.
const MAX_INPUT: usize = 1 << 20;
/// The most certificates in one argument.
const MAX_CERTS: usize = 64;

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
pub(crate) fn certificates(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<Vec<CertificateDer<'static>>> {
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
pub(crate) fn certificate_list(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<Vec<CertificateDer<'static>>> {
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
pub(crate) fn crl_list(
    obj: &Bound<'_, PyAny>,
) -> PyResult<Vec<CertificateRevocationListDer<'static>>> {
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
