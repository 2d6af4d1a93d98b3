//! Reading certificates, chains and CRLs from files (PEM or DER).

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::InputError;

fn read(path: &str) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| InputError(format!("cannot read {path}: {e}")))
}

/// DER starts with a SEQUENCE tag; anything else is taken as PEM.
fn is_der(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
}

/// The certificates of a file: one DER certificate, or every `CERTIFICATE` block of a PEM
/// file in order (leaf first, then intermediates).
pub(crate) fn certificates(path: &str) -> Result<Vec<CertificateDer<'static>>, InputError> {
    let bytes = read(path)?;
    if is_der(&bytes) {
        return Ok(vec![CertificateDer::from(bytes)]);
    }
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| InputError(format!("{path}: bad PEM: {e}")))?;
    if certs.is_empty() {
        return Err(InputError(format!(
            "{path}: no CERTIFICATE in the file (expected PEM or DER)"
        )));
    }
    Ok(certs)
}
