//! Trust anchors, CRLs and verification time for `check` and `probe`.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateRevocationListDer, UnixTime};
use sipcert::chain::ChainVerifier;
use sipcert::encoding::{detect_encoding, Encoding};

use crate::{input, InputError};

/// The crypto provider the CLI uses.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads a PEM file of trust anchors.
pub(crate) fn roots(path: &str) -> Result<Arc<RootCertStore>, InputError> {
    let mut store = RootCertStore::empty();
    for cert in input::certificates(path)? {
        store
            .add(cert)
            .map_err(|e| InputError(format!("{path}: not usable as a trust anchor: {e}")))?;
    }
    Ok(Arc::new(store))
}

/// Reads CRL files (PEM `X509 CRL` blocks, or one DER CRL each).
pub(crate) fn crls(
    paths: &[String],
) -> Result<Vec<CertificateRevocationListDer<'static>>, InputError> {
    let mut out = Vec::new();
    for path in paths {
        let bytes =
            std::fs::read(path).map_err(|e| InputError(format!("cannot read {path}: {e}")))?;
        match detect_encoding(&bytes) {
            Ok(Encoding::Der) => {
                out.push(CertificateRevocationListDer::from(bytes));
                continue;
            }
            Ok(Encoding::Pem) => {}
            Err(e) => {
                return Err(InputError(format!(
                    "{path}: no X509 CRL in the file (expected PEM or DER): {e}"
                )))
            }
        }
        let found = CertificateRevocationListDer::pem_slice_iter(&bytes)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| InputError(format!("{path}: bad PEM: {e}")))?;
        if found.is_empty() {
            return Err(InputError(format!("{path}: no X509 CRL in the file")));
        }
        out.extend(found);
    }
    Ok(out)
}

/// `--at`, or now.
pub(crate) fn time(at: Option<&str>) -> Result<UnixTime, InputError> {
    match at {
        Some(s) => crate::time::parse_rfc3339(s).map_err(|e| InputError(format!("--at: {e}"))),
        None => Ok(UnixTime::now()),
    }
}

/// A path validator for `--roots` and `--crl`.
pub(crate) fn chain_verifier(
    roots: &RootCertStore,
    crls: Vec<CertificateRevocationListDer<'static>>,
    provider: &CryptoProvider,
) -> Result<ChainVerifier, InputError> {
    ChainVerifier::new(
        provider.signature_verification_algorithms.all,
        roots.roots.iter().cloned(),
    )
    .with_crls(crls)
    .map_err(|e| InputError(format!("--crl: {e}")))
}
