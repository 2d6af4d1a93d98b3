//! Reading certificates, chains and CRLs from files (PEM or DER).

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use sipcert::encoding::{detect_encoding, Encoding};

use crate::InputError;

fn read(path: &str) -> Result<Vec<u8>, InputError> {
    std::fs::read(path).map_err(|e| InputError(format!("cannot read {path}: {e}")))
}

/// The certificates of a file: one DER certificate, or every `CERTIFICATE` block of a PEM
/// file in order (leaf first, then intermediates). PEM or DER by the library's rule
/// ([`sipcert::encoding`]): PEM by its `-----BEGIN` line, DER only as one complete SEQUENCE.
pub(crate) fn certificates(path: &str) -> Result<Vec<CertificateDer<'static>>, InputError> {
    let bytes = read(path)?;
    match detect_encoding(&bytes) {
        Ok(Encoding::Der) => return Ok(vec![CertificateDer::from(bytes)]),
        Ok(Encoding::Pem) => {}
        Err(e) => {
            return Err(InputError(format!(
                "{path}: no CERTIFICATE in the file (expected PEM or DER): {e}"
            )))
        }
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
