//! Refusals made visible to the application.
//!
//! Both stacks swallow the TLS error of a failed dial (rsipstack keeps the transaction
//! retrying until its timer fires; ezk logs the error at debug level and reports "failed to
//! connect"). [`Verdicts::observer`] is an observer for a [`SipServerVerifier`] that records
//! each refusal with its reason and hint codes in a [`Verdicts`] log the application reads or
//! waits on.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sipcert::verifier::{rejection, Observation, Observer, SipServerVerifier};
use sipcert::Rejected;
use tokio::sync::Notify;

/// A server certificate sipcert refused during a handshake.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The server name the client asked for (SNI and reference identity: the SIP domain).
    pub server_name: String,
    /// sipcert's verdict, when the refusal is sipcert's own (not, e.g., an expired chain,
    /// which rustls names itself).
    pub rejected: Option<Rejected>,
    /// The rustls error, as text.
    pub error: String,
}

impl Refusal {
    /// The reason codes (`no-matching-identity`, ...); empty when rustls named the error.
    pub fn reason_codes(&self) -> Vec<&'static str> {
        self.rejected
            .iter()
            .flat_map(|r| r.reasons().iter().map(|reason| reason.code().code()))
            .collect()
    }

    /// The hint codes (`host-within-domain`, ...): near misses worth telling an operator.
    pub fn hint_codes(&self) -> Vec<&'static str> {
        self.rejected
            .iter()
            .flat_map(|r| r.hints().iter().map(|h| h.code().code()))
            .collect()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rejected.as_ref().and_then(|r| r.reasons().first()) {
            Some(first) => write!(
                f,
                "TLS to {} refused by sipcert: {}",
                self.server_name,
                first.message()
            )?,
            None => write!(f, "TLS to {} refused: {}", self.server_name, self.error)?,
        }
        let (reasons, hints) = (self.reason_codes(), self.hint_codes());
        if !reasons.is_empty() {
            write!(f, "; reasons: {}", reasons.join(", "))?;
        }
        if !hints.is_empty() {
            write!(f, "; hints: {}", hints.join(", "))?;
        }
        Ok(())
    }
}

/// The refusals recorded so far, shared between the verifier and the application.
#[derive(Debug, Default)]
pub struct Verdicts {
    refusals: Mutex<Vec<Refusal>>,
    changed: Notify,
}

impl Verdicts {
    /// An empty log.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The observer to give a [`SipServerVerifier`] (its builder's `with_observer`): it
    /// records every refusal of that verifier here; the decision stays the verifier's.
    pub fn observer(self: &Arc<Self>) -> Observer {
        let verdicts = self.clone();
        Arc::new(move |seen: &Observation<'_>| {
            if let Some(error) = seen.error() {
                verdicts.record(Refusal {
                    server_name: seen
                        .server_name()
                        .map(|n| n.to_str().into_owned())
                        .unwrap_or_default(),
                    rejected: rejection(error).cloned(),
                    error: error.to_string(),
                });
            }
        })
    }

    fn record(&self, refusal: Refusal) {
        self.refusals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(refusal);
        self.changed.notify_waiters();
    }

    /// Every refusal so far, oldest first.
    pub fn refusals(&self) -> Vec<Refusal> {
        self.refusals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The latest refusal for `server_name`, if any.
    pub fn latest_for(&self, server_name: &str) -> Option<Refusal> {
        self.refusals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .rev()
            .find(|r| r.server_name.eq_ignore_ascii_case(server_name))
            .cloned()
    }

    /// Waits until a refusal for `server_name` is recorded (or one already was), up to
    /// `timeout`. Race it against the request: a refused handshake then ends the request at
    /// once, with the reason, instead of after the transaction timeout.
    pub async fn refused(&self, server_name: &str, timeout: Duration) -> Option<Refusal> {
        let wait = async {
            loop {
                let changed = self.changed.notified();
                tokio::pin!(changed);
                changed.as_mut().enable();
                if let Some(r) = self.latest_for(server_name) {
                    return r;
                }
                changed.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.ok()
    }
}

/// A client configuration verifying servers with sipcert (default policy, `roots`) and
/// recording refusals in the returned [`Verdicts`]: what both stacks' examples use.
///
/// Without the observer, the one expression is
/// `ClientConfig::builder_with_provider(p).with_safe_default_protocol_versions()?.with_sip_verifier(roots)?.with_no_client_auth()`.
pub fn recording_client_config(
    roots: Arc<rustls::RootCertStore>,
) -> Result<(Arc<rustls::ClientConfig>, Arc<Verdicts>), ConfigError> {
    let provider = crate::ring_provider();
    let verdicts = Verdicts::new();
    let verifier = SipServerVerifier::builder_with_provider(roots, provider.clone())
        .with_observer(verdicts.observer())
        .build()
        .map_err(ConfigError::Verifier)?;
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(ConfigError::Rustls)?
        // `dangerous()` only because the verifier is a custom one: the decision is sipcert's
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok((Arc::new(config), verdicts))
}

/// Why [`recording_client_config`] failed.
#[derive(Debug)]
pub enum ConfigError {
    /// The sipcert verifier could not be built (e.g. an empty root store).
    Verifier(sipcert::verifier::VerifierBuilderError),
    /// rustls refused the configuration.
    Rustls(rustls::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verifier(e) => write!(f, "sipcert verifier: {e}"),
            Self::Rustls(e) => write!(f, "rustls configuration: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}
