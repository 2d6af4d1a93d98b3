//! The RFC 4474 §6.2 verifier steps on a parsed request: the headers, the digest string,
//! the Date's freshness, the Identity-Info certificate (chained with the [`StirVerifier`]'s
//! trust anchors, carrying the From domain), and the RSA-SHA1 signature.

use core::time::Duration;

use rustls_pki_types::{alg_id, AlgorithmIdentifier, InvalidSignature};
use rustls_pki_types::{SignatureVerificationAlgorithm, UnixTime};
use webpki::EndEntityCert;

use super::super::codes::{StirCode, StirError};
use super::super::verify::{CertificateSource, ChainLabel, ChainOk, StirVerifier};
use super::super::{date, orig_uri};
use super::{canonical, header, Rfc4474Request, Rfc4474Verdict, Rfc4474Verified};
use crate::der::cert::Certificate;
use crate::der::reader::{Reader, BIT_STRING, INTEGER, OID, SEQUENCE};
use crate::uri::OwnedSipUri;

/// `rsaEncryption` (1.2.840.113549.1.1.1), the OID's contents.
const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// RFC 4474 §6.2 step 4's freshness: "usually, within an hour".
pub const DEFAULT_FRESHNESS: Duration = Duration::from_secs(3600);

/// `sha1WithRSAEncryption` (RFC 3279 §2.2.1), the AlgorithmIdentifier contents with its NULL
/// parameters, as webpki's `alg_id` constants are written.
const SHA1_WITH_RSA: AlgorithmIdentifier = AlgorithmIdentifier::from_slice(&[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05, 0x05, 0x00,
]);

/// RSASSA-PKCS1-v1_5 with SHA-1 (RFC 8017 §8.2) for a 2048- to 8192-bit RSA key, through
/// `ring`'s legacy-only verification. Only the RFC 4474 signature uses it, never a
/// certificate path.
#[derive(Debug)]
struct RsaSha1;

impl SignatureVerificationAlgorithm for RsaSha1 {
    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            public_key,
        )
        .verify(message, signature)
        .map_err(|_| InvalidSignature)
    }

    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        SHA1_WITH_RSA
    }

    fn fips(&self) -> bool {
        false
    }
}

/// The Identity-Info certificate's chain.
const INFO_CHAIN: ChainLabel = ChainLabel {
    code: StirCode::Rfc4474ChainInvalid,
    certificate: "the Identity-Info certificate",
    anchor: "anchor",
    rule: "RFC 4474 §12.3: 437 Unsupported Certificate",
};

/// The Identity-Info certificate's chain at the request's Date.
const INFO_CHAIN_AT_DATE: ChainLabel = ChainLabel {
    code: StirCode::Rfc4474ChainInvalid,
    certificate: "at the request's Date, the Identity-Info certificate",
    anchor: "anchor",
    rule: "RFC 4474 §6.2 step 4: the Date must fall within the certificate's validity",
};

// Proofs: a private field, so only this module makes them.
pub(super) struct DateOk(());
pub(super) struct DomainOk(crate::domain::DomainName);
pub(super) struct SignatureOk(());

fn fail(code: StirCode, message: String) -> StirError {
    StirError::new(code, message)
}

/// The Date header parsed and within `freshness` of `now` either way; the Date in seconds.
fn check_date(value: &str, now: UnixTime, freshness: Duration) -> Result<(DateOk, u64), StirError> {
    let at =
        date::parse_sip_date(value).map_err(|e| fail(StirCode::Rfc4474DateInvalid, e.message))?;
    let now = now.as_secs();
    if at.abs_diff(now) > freshness.as_secs() {
        return Err(fail(
            StirCode::Rfc4474DateStale,
            format!(
                "the Date {value:?} is {} s from now, more than the {} s window (RFC 4474 §6.2 \
                 step 4; 403 Stale Date)",
                at.abs_diff(now),
                freshness.as_secs()
            ),
        ));
    }
    Ok((DateOk(()), at))
}

/// The bit length of the certificate's RSA modulus; `None` unless the key is an
/// `rsaEncryption` SubjectPublicKeyInfo whose `RSAPublicKey` (RFC 8017 §A.1.1) begins with a
/// positive modulus.
fn rsa_modulus_bits(leaf: &[u8]) -> Option<usize> {
    let cert = Certificate::parse(leaf).ok()?;
    let mut outer = Reader::new(cert.spki());
    let mut spki = outer.read_expected(SEQUENCE, "").ok()?;
    let mut alg = spki.read_expected(SEQUENCE, "").ok()?;
    if alg.read_expected(OID, "").ok()?.as_bytes() != RSA_ENCRYPTION {
        return None;
    }
    let bits = spki.read_expected(BIT_STRING, "").ok()?;
    let (0, key) = bits.as_bytes().split_first()? else {
        return None;
    };
    let mut key = Reader::new(key);
    let mut rsa = key.read_expected(SEQUENCE, "").ok()?;
    let modulus = rsa.read_expected(INTEGER, "").ok()?;
    let digits = match modulus.as_bytes() {
        [0, rest @ ..] => rest,
        all => all,
    };
    let first = digits.first().filter(|b| **b != 0)?;
    Some(digits.len() * 8 - first.leading_zeros() as usize)
}

/// The key is RSA, 2048 to 8192 bits (what `ring`'s legacy RSA-SHA1 verification takes).
fn check_key(leaf: &[u8]) -> Result<(), StirError> {
    match rsa_modulus_bits(leaf) {
        Some(bits) if (2048..=8192).contains(&bits) => Ok(()),
        Some(bits) => Err(fail(
            StirCode::Rfc4474KeyUnsupported,
            format!(
                "the Identity-Info certificate's RSA key has {bits} bits; rsa-sha1 is verified \
                 with 2048- to 8192-bit keys only"
            ),
        )),
        None => Err(fail(
            StirCode::Rfc4474KeyUnsupported,
            "the Identity-Info certificate's key is not an RSA key, which rsa-sha1 needs".into(),
        )),
    }
}

fn check_signature(
    ee: &EndEntityCert<'_>,
    digest: &[u8],
    signature: &[u8],
) -> Result<SignatureOk, StirError> {
    match ee.verify_signature(&RsaSha1, digest, signature) {
        Ok(()) => Ok(SignatureOk(())),
        Err(webpki::Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_)) => Err(fail(
            StirCode::Rfc4474KeyUnsupported,
            "the Identity-Info certificate's key is not an RSA key, which rsa-sha1 needs".into(),
        )),
        Err(e) => Err(fail(
            StirCode::Rfc4474SignatureInvalid,
            format!(
                "the rsa-sha1 signature does not verify over the RFC 4474 §9 digest string \
                 with the Identity-Info certificate's key ({e}; 438 Invalid Identity Header)"
            ),
        )),
    }
}

impl StirVerifier {
    /// Verifies an RFC 4474 Identity (obsolete: RFC 8224 replaced it) in the whole SIP
    /// `request` at `now`, the Date within `freshness` ([`DEFAULT_FRESHNESS`]), asking
    /// `source` for the certificate at the Identity-Info URI. Uses this verifier's trust
    /// anchors, CRLs and chain cache; the STIR policy (attestation, TNAuthList) does not
    /// apply to this form.
    pub fn verify_rfc4474(
        &self,
        request: &[u8],
        source: &dyn CertificateSource,
        now: UnixTime,
        freshness: Duration,
    ) -> Rfc4474Verdict {
        match self.run_rfc4474(request, source, now, freshness) {
            Ok(verified) => Rfc4474Verdict::Verified(Box::new(verified)),
            Err(error) => Rfc4474Verdict::Failed(Box::new(error)),
        }
    }

    fn run_rfc4474(
        &self,
        message: &[u8],
        source: &dyn CertificateSource,
        now: UnixTime,
        freshness: Duration,
    ) -> Result<Rfc4474Verified, StirError> {
        let request = Rfc4474Request::parse(message)?;
        let identity = request.identity.as_deref().ok_or_else(|| {
            fail(
                StirCode::Rfc4474IdentityMissing,
                "the request has no Identity header (RFC 4474 §6.2: 428 Use Identity Header)"
                    .into(),
            )
        })?;
        let signature = header::parse_identity(identity)?;
        let info = request.identity_info.as_deref().ok_or_else(|| {
            fail(
                StirCode::Rfc4474InfoInvalid,
                "the request has an Identity header but no Identity-Info (RFC 4474 §6.2: 436 \
                 Bad Identity-Info)"
                    .into(),
            )
        })?;
        let url = header::parse_identity_info(info)?;
        let digest = canonical::digest_string(&request)?;
        let (date_ok, date) = check_date(request.date.as_deref().unwrap_or(""), now, freshness)?;
        let from_text = canonical::addr_spec("From", &request.from)?;
        let from = OwnedSipUri::parse(from_text).map_err(|e| {
            fail(
                StirCode::Rfc4474DomainNotAuthorized,
                format!(
                    "the From URI {from_text:?} is not a SIP URI ({e}), so no domain \
                     certificate can stand for it (RFC 4474 §6.2 step 1)"
                ),
            )
        })?;
        let chain = source.chain(&url).map_err(|e| {
            fail(
                StirCode::Rfc4474CertUnavailable,
                format!("no certificate for Identity-Info {url:?}: {e} (436 Bad Identity-Info)"),
            )
        })?;
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Err(fail(
                StirCode::Rfc4474CertUnavailable,
                format!("the certificate source returned an empty chain for {url:?}"),
            ));
        };
        let ee = EndEntityCert::try_from(leaf).map_err(|e| {
            fail(
                StirCode::Rfc4474ChainInvalid,
                format!("the Identity-Info certificate does not parse: {e}"),
            )
        })?;
        let chain_ok: ChainOk =
            self.check_chain_cached(&chain, &ee, intermediates, now, &INFO_CHAIN)?;
        // RFC 4474 §6.2 step 4: the Date also falls within the certificate's validity.
        let at_date = UnixTime::since_unix_epoch(Duration::from_secs(date));
        self.check_chain(&ee, intermediates, at_date, &INFO_CHAIN_AT_DATE)?;
        let domain = orig_uri::check_certificate(leaf, &from)
            .map_err(|e| fail(StirCode::Rfc4474DomainNotAuthorized, e.message))?;
        check_key(leaf)?;
        let signature_ok = check_signature(&ee, &digest, &signature)?;
        Ok(Rfc4474Verified::new(
            url,
            digest,
            chain_ok,
            date_ok,
            DomainOk(domain),
            signature_ok,
        ))
    }
}

impl DomainOk {
    pub(super) fn domain(&self) -> &crate::domain::DomainName {
        &self.0
    }
}
