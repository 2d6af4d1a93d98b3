//! Fetching `x5u` certificate chains over HTTPS, with a cache (feature `stir-fetch`): an
//! [`HttpSource`] is the [`CertificateSource`] a verifier on the network uses.
//!
//! The rules are the ones the peers learned the hard way (docs/stir.md, "Fetching x5u"):
//!
//! - `https` only; plain `http` only with [`FetchOptions::danger_allow_http`] (tests);
//! - no redirect is followed: a 3xx answer fails, naming its `Location`;
//! - one deadline for the whole exchange, connection to last body byte (default 5 s);
//! - at most [`FetchOptions::max_size`] octets of body (default 64 KiB);
//! - the body is a PEM chain, leaf first, intermediates kept (or one DER certificate);
//! - answers are cached by URL for their `Cache-Control: max-age` (else `Expires`, else a
//!   default), clamped to the configured bounds; failures are cached for a short time, so a
//!   dead server is not asked again for every call;
//! - one fetch per URL at a time: concurrent callers for the same URL wait for it and share
//!   its outcome.
//!
//! The HTTP client is `ureq` 3 on rustls with the caller's crypto provider and trust
//! anchors; it uses no proxy and no compression.

mod cache;
mod lifetime;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};

use self::cache::{Cache, Outcome};
use self::lifetime::{lifetime, Bounds};
use super::{CertificateSource, SourceError};

/// The knobs of an [`HttpSource`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchOptions {
    timeout: Duration,
    max_size: u64,
    bounds: Bounds,
    failure_ttl: Duration,
    max_entries: usize,
    allow_http: bool,
}

impl Default for FetchOptions {
    /// 5 s deadline, 64 KiB, answers cached between 1 minute and 1 day (1 hour when the
    /// server says nothing), failures for 30 s, at most 10 000 URLs, `https` only.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_size: 64 * 1024,
            bounds: Bounds {
                min: Duration::from_secs(60),
                max: Duration::from_secs(86_400),
                default: Duration::from_secs(3_600),
            },
            failure_ttl: Duration::from_secs(30),
            max_entries: 10_000,
            allow_http: false,
        }
    }
}

impl FetchOptions {
    /// The deadline of one fetch, from connecting to the last octet of the body.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest body accepted, in octets.
    #[must_use]
    pub fn max_size(mut self, octets: u64) -> Self {
        self.max_size = octets;
        self
    }

    /// The bounds on how long an answer is cached, whatever its `Cache-Control` or
    /// `Expires` say (`max` below `min` counts as `min`).
    #[must_use]
    pub fn cache_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.bounds.min = min;
        self.bounds.max = max;
        self
    }

    /// How long an answer without `Cache-Control: max-age` or `Expires` is cached (within
    /// the bounds).
    #[must_use]
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.bounds.default = ttl;
        self
    }

    /// How long a failure is remembered (zero: not at all).
    #[must_use]
    pub fn failure_ttl(mut self, ttl: Duration) -> Self {
        self.failure_ttl = ttl;
        self
    }

    /// The most URLs the cache holds.
    #[must_use]
    pub fn max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// DANGER: also fetch plain `http://` URLs, whose answers anyone on the path can
    /// replace. For tests; a SHAKEN `x5u` is `https` (ATIS-1000080).
    #[must_use]
    pub fn danger_allow_http(mut self) -> Self {
        self.allow_http = true;
        self
    }
}

/// A [`CertificateSource`] that fetches `x5u` URLs over HTTPS and caches the outcome.
/// `Send + Sync`: share one (in an `Arc`) between the threads that verify.
pub struct HttpSource {
    agent: ureq::Agent,
    options: FetchOptions,
    cache: Mutex<Cache>,
    in_flight: Mutex<HashMap<String, Arc<Mutex<()>>>>,
}

impl fmt::Debug for HttpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSource")
            .field("options", &self.options)
            .field("cached", &lock(&self.cache).len())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HttpSource {
    /// A source whose HTTPS connections trust `roots` (the web PKI the `x5u` servers use,
    /// not the STI-CAs), through `provider`.
    pub fn new(
        roots: &[CertificateDer<'_>],
        provider: Arc<CryptoProvider>,
        options: FetchOptions,
    ) -> Self {
        let roots: Vec<Certificate<'static>> = roots
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .unversioned_rustls_crypto_provider(provider)
            .root_certs(RootCerts::from(roots))
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .https_only(!options.allow_http)
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(options.timeout))
            .user_agent("sipcert-stir")
            .build()
            .new_agent();
        Self {
            agent,
            cache: Mutex::new(Cache::new(options.max_entries)),
            options,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// How many URLs the cache holds.
    pub fn cached(&self) -> usize {
        lock(&self.cache).len()
    }

    /// Fetches `url`: the outcome and how long to keep it.
    fn fetch(&self, url: &str) -> (Outcome, Duration) {
        match self.fetch_answer(url) {
            Ok((chain, ttl)) => (Ok(chain), ttl),
            Err(message) => (
                Err(SourceError::new(format!("x5u {url}: {message}"))),
                self.options.failure_ttl,
            ),
        }
    }

    fn fetch_answer(&self, url: &str) -> Result<(Vec<CertificateDer<'static>>, Duration), String> {
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("https") => {}
            Some("http") if self.options.allow_http => {}
            Some("http") => {
                return Err(
                    "plain http is refused: an x5u must be https (FetchOptions::danger_allow_http is for tests)"
                        .into(),
                )
            }
            _ => return Err("not an https URL".into()),
        }
        let mut answer = self.agent.get(url).call().map_err(|e| self.describe(&e))?;
        let status = answer.status().as_u16();
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if (300..400).contains(&status) {
            let location = header("location").unwrap_or_else(|| "(no Location)".into());
            return Err(format!(
                "the server redirects ({status}) to {location}; redirects are not followed"
            ));
        }
        if status != 200 {
            return Err(format!("the server answered HTTP {status}"));
        }
        let ttl = lifetime(
            header("cache-control").as_deref(),
            header("expires").as_deref(),
            header("date").as_deref(),
            SystemTime::now(),
            self.options.bounds,
        );
        let body = answer
            .body_mut()
            .with_config()
            .limit(self.options.max_size)
            .read_to_vec()
            .map_err(|e| self.describe(&e))?;
        Ok((parse_chain(&body)?, ttl))
    }

    fn describe(&self, e: &ureq::Error) -> String {
        match e {
            ureq::Error::Timeout(_) => {
                format!("no complete answer within {:?}", self.options.timeout)
            }
            ureq::Error::BodyExceedsLimit(limit) => {
                format!("the answer is larger than {limit} octets")
            }
            other => other.to_string(),
        }
    }
}

/// The certificates of an answer: a PEM chain (leaf first; other PEM sections ignored) or
/// one DER certificate.
fn parse_chain(body: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let text = body.trim_ascii_start();
    if text.starts_with(b"-----BEGIN") {
        let chain = CertificateDer::pem_slice_iter(text)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("the PEM answer is malformed: {e}"))?;
        if chain.is_empty() {
            return Err("the PEM answer has no CERTIFICATE".into());
        }
        return Ok(chain);
    }
    match body.first() {
        Some(0x30) => Ok(vec![CertificateDer::from(body.to_vec())]),
        Some(_) => Err("the answer is neither a PEM chain nor a DER certificate".into()),
        None => Err("the answer is empty".into()),
    }
}

impl CertificateSource for HttpSource {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        let cached = lock(&self.cache).get(url, Instant::now());
        if let Some(outcome) = cached {
            return outcome;
        }
        // One fetch per URL at a time: the others wait here, then find it cached.
        let gate = Arc::clone(lock(&self.in_flight).entry(url.to_owned()).or_default());
        let outcome = {
            let _turn = lock(&gate);
            // Bound first: a guard in an `if let` scrutinee would live into the else branch.
            let cached = lock(&self.cache).get(url, Instant::now());
            cached.unwrap_or_else(|| {
                let (outcome, ttl) = self.fetch(url);
                let now = Instant::now();
                lock(&self.cache).put(url, outcome.clone(), now, now + ttl);
                outcome
            })
        };
        let mut in_flight = lock(&self.in_flight);
        if Arc::strong_count(&gate) <= 2 {
            in_flight.remove(url);
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::parse_chain;

    #[test]
    fn answers_are_pem_chains_or_one_der_certificate() {
        let pem = b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n\
                    -----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n\
                    -----BEGIN CERTIFICATE-----\nMAE=\n-----END CERTIFICATE-----\n";
        let chain = parse_chain(pem).expect("a PEM chain");
        assert_eq!(
            chain
                .iter()
                .map(|c| c.as_ref().to_vec())
                .collect::<Vec<_>>(),
            vec![vec![0x30, 0x00], vec![0x30, 0x01]],
            "both certificates, in order, the key skipped"
        );
        assert_eq!(parse_chain(&[0x30, 0x00]).expect("DER").len(), 1);
        let refused: &[&[u8]] = &[
            b"",
            b"hello",
            b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
            b"-----BEGIN CERTIFICATE-----\nMAA=\n",
        ];
        for body in refused {
            assert!(
                parse_chain(body).is_err(),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
