//! `sipcert_chain_verifier_new_pem`: the trust anchors and CRLs as PEM text, the CA file a SIP
//! stack already has (libre's `tls_add_ca`, belle-sip's `belle_tls_crypto_config_set_root_ca`,
//! Kamailio's `ca_list`), so that a stack on mbedTLS or GnuTLS need not convert it to DER.

use rustls_pki_types::pem::{PemObject, SectionKind};

use crate::chain_verifier::{chain_verifier, sipcert_chain_verifier};
use crate::constants::SIPCERT_MAX_LIST_LEN;
use crate::panic::guard;
use crate::ptr::{bytes, clear, put};
use crate::result::sipcert_result::{self, SIPCERT_INVALID_LENGTH, SIPCERT_INVALID_TRUST_ANCHOR};

/// The largest PEM text accepted: 64 MiB (a CA bundle is well under 1 MiB).
const MAX_PEM_LEN: usize = 1 << 26;

/// The DER items of a PEM text.
#[derive(Default)]
struct Sections {
    certs: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
}

/// The DER of every `CERTIFICATE` and `X509 CRL` section of `text`, in order; other sections
/// (private keys, parameters) are skipped. A malformed section is an error: the anchors it
/// held would otherwise be silently missing.
fn pem_sections(text: &[u8]) -> Result<Sections, sipcert_result> {
    let Sections {
        mut certs,
        mut crls,
    } = Sections::default();
    for section in <(SectionKind, Vec<u8>)>::pem_slice_iter(text) {
        match section {
            Ok((SectionKind::Certificate, der)) => certs.push(der),
            Ok((SectionKind::Crl, der)) => crls.push(der),
            Ok(_) => {}
            Err(_) => return Err(SIPCERT_INVALID_TRUST_ANCHOR),
        }
        if certs.len() > SIPCERT_MAX_LIST_LEN || crls.len() > SIPCERT_MAX_LIST_LEN {
            return Err(SIPCERT_INVALID_LENGTH);
        }
    }
    Ok(Sections { certs, crls })
}

/// [`sipcert_chain_verifier_new_pem`]'s work, for tests: the verifier for the PEM `text`.
pub fn chain_verifier_from_pem(
    text: &[u8],
    revocation_flags: u32,
) -> Result<sipcert::chain::ChainVerifier, sipcert_result> {
    if text.is_empty() || text.len() > MAX_PEM_LEN {
        return Err(SIPCERT_INVALID_LENGTH);
    }
    let Sections { certs, crls } = pem_sections(text)?;
    if certs.is_empty() {
        // A CA file without a certificate is a configuration mistake, not "trust nothing".
        return Err(SIPCERT_INVALID_TRUST_ANCHOR);
    }
    let anchors: Vec<&[u8]> = certs.iter().map(Vec::as_slice).collect();
    let crls: Vec<&[u8]> = crls.iter().map(Vec::as_slice).collect();
    chain_verifier(&anchors, &crls, revocation_flags)
}

/// Creates a verifier as `sipcert_chain_verifier_new` does, from PEM text (`pem_len` bytes
/// at `pem`, e.g. the contents of a CA file): every `CERTIFICATE` section is a trust anchor,
/// every `X509 CRL` section a CRL; other sections (keys, parameters) are skipped.
///
/// Errors: `SIPCERT_INVALID_LENGTH` for an empty text (or one over 64 MiB);
/// `SIPCERT_INVALID_TRUST_ANCHOR` when the text holds no certificate, a section is
/// malformed, or a certificate is unusable as a trust anchor; `SIPCERT_INVALID_CRL`; the
/// misuse codes. Release with `sipcert_chain_verifier_free`.
///
/// # Safety
/// `pem` must be null or point to `pem_len` readable bytes; `verifier_out` must be null or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn sipcert_chain_verifier_new_pem(
    pem: *const u8,
    pem_len: usize,
    revocation_flags: u32,
    verifier_out: *mut *mut sipcert_chain_verifier,
) -> sipcert_result {
    guard(|| {
        // SAFETY: each pointer follows this function's contract.
        unsafe { clear(verifier_out) }?;
        // SAFETY: as above.
        let text = unsafe { bytes(pem, pem_len) }?;
        let inner = chain_verifier_from_pem(text, revocation_flags)?;
        // SAFETY: `clear` checked `verifier_out` is non-null.
        unsafe { put(verifier_out, sipcert_chain_verifier::from(inner)) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem(label: &str, der: &[u8]) -> String {
        sipcert_testkit::pki::pem(label, der)
    }

    /// Anchors and CRLs are taken from a bundle that also holds a key; a bundle without a
    /// certificate, a broken section and an unusable anchor are errors, never "trust
    /// nothing".
    #[test]
    fn pem_bundles() {
        let ca = sipcert_testkit::pki::Ca::root("pem test root");
        let cert = pem("CERTIFICATE", &ca.der);
        let crl = pem("X509 CRL", ca.crl(&[7]).as_ref());
        let key = pem("PRIVATE KEY", b"not a key, skipped");
        let ok = format!("{key}{cert}{crl}");
        assert!(chain_verifier_from_pem(ok.as_bytes(), 0).is_ok(), "{ok}");
        let cases: [(&str, String, sipcert_result); 4] = [
            ("no certificate", key.clone(), SIPCERT_INVALID_TRUST_ANCHOR),
            ("empty", String::new(), SIPCERT_INVALID_LENGTH),
            (
                "broken section",
                format!("{cert}-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"),
                SIPCERT_INVALID_TRUST_ANCHOR,
            ),
            (
                "not a certificate",
                pem("CERTIFICATE", b"garbage"),
                SIPCERT_INVALID_TRUST_ANCHOR,
            ),
        ];
        for (what, text, want) in cases {
            assert_eq!(
                chain_verifier_from_pem(text.as_bytes(), 0).err(),
                Some(want),
                "{what}: {text:?}"
            );
        }
    }
}
