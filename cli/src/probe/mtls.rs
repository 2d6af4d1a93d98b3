//! Mutual-TLS readiness of one target: whether the server asked for a client certificate
//! (a CertificateRequest: rustls asks the client certificate resolver only then), the CA names
//! and signature schemes it listed, whether it then accepted us, and the checks of our own
//! certificate (`--cert`) as the peer would make them: the RFC 5922 identities for `--as`, the
//! EKU for the client role (`eku-server-auth-only`), the issuer against the server's CA
//! names, and the expiry.

use std::sync::{Arc, Mutex};

use rustls::client::ResolvesClientCert;
use rustls::pki_types::CertificateDer;
use rustls::sign::CertifiedKey;
use rustls::{AlertDescription, SignatureScheme};
use serde_json::{json, Value};
use sipcert::{Policy, Reference, Role, WarningCode};
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

use super::certinfo::CertInfo;

/// What a server's CertificateRequest said: the CA names (DER `Name`s) and signature schemes.
#[derive(Debug, Clone, Default)]
pub(crate) struct CertRequest {
    pub(crate) ca_names: Vec<Vec<u8>>,
    pub(crate) schemes: Vec<SignatureScheme>,
}

/// Where the resolver puts the server's CertificateRequest (`None`: none came).
pub(crate) type RequestSlot = Arc<Mutex<Option<CertRequest>>>;

/// Whether a slot holds a CertificateRequest.
pub(crate) fn was_requested(slot: &RequestSlot) -> bool {
    slot.lock().is_ok_and(|r| r.is_some())
}

/// The client certificate of `--cert`/`--key` (or none); records the server's
/// CertificateRequest into `request`.
#[derive(Debug)]
pub(crate) struct ClientCert {
    pub(crate) key: Option<Arc<CertifiedKey>>,
    pub(crate) request: RequestSlot,
}

impl ResolvesClientCert for ClientCert {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        if let Ok(mut slot) = self.request.lock() {
            *slot = Some(CertRequest {
                ca_names: root_hint_subjects.iter().map(|n| n.to_vec()).collect(),
                schemes: sigschemes.to_vec(),
            });
        }
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// The server's decision on us (our certificate, or its absence), when it asked for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnUs {
    /// The handshake completed and (TLS 1.3) the server's first record after Finished came.
    Accepted,
    /// The server sent this fatal alert.
    Refused(AlertDescription),
    /// Not known: silence after a TLS 1.3 handshake, or a failure that is no alert.
    Unknown,
}

/// The mutual-TLS facts of one target (`"client_auth"` in the JSON).
#[derive(Debug, Clone)]
pub(crate) struct ClientAuth {
    pub(crate) requested: bool,
    /// `Some(true)`: refused without a certificate; `Some(false)`: not asked, or accepted
    /// without one; `None`: not known (we presented one, or the server said nothing).
    pub(crate) required: Option<bool>,
    pub(crate) ca_names: Vec<String>,
    pub(crate) signature_schemes: Vec<String>,
    pub(crate) presented: bool,
    /// The server's verdict on the certificate we presented; `None` when none was presented
    /// or the verdict is not known.
    pub(crate) accepted: Option<bool>,
    pub(crate) refusal: Option<String>,
    pub(crate) own: Option<OwnCertificate>,
}

impl ClientAuth {
    /// Whether the certificate we presented was accepted (the grade's mutual-TLS fact):
    /// `None` when we presented none or the server's verdict is not known.
    pub(crate) fn ready(&self) -> Option<bool> {
        if self.presented {
            self.accepted
        } else {
            None
        }
    }

    /// The facts from the CertificateRequest (if any), whether we had a certificate, and the
    /// server's decision on us.
    pub(crate) fn observe(
        request: Option<CertRequest>,
        have_cert: bool,
        on_us: OnUs,
        own: Option<OwnCertificate>,
    ) -> Self {
        let requested = request.is_some();
        let presented = requested && have_cert;
        let refused = match on_us {
            OnUs::Accepted => Some(false),
            OnUs::Refused(_) => Some(true),
            OnUs::Unknown => None,
        };
        let required = match (requested, presented) {
            (false, _) => Some(false),
            (true, true) => None,
            (true, false) => refused,
        };
        let request = request.unwrap_or_default();
        let own = own.map(|o| o.against(requested.then_some(&request.ca_names)));
        Self {
            requested,
            required,
            ca_names: request.ca_names.iter().map(|n| dn_text(n)).collect(),
            signature_schemes: request.schemes.iter().map(|s| format!("{s:?}")).collect(),
            presented,
            accepted: if presented { refused.map(|r| !r) } else { None },
            refusal: match on_us {
                OnUs::Refused(a) if requested => Some(format!("{a:?} ({})", u8::from(a))),
                OnUs::Refused(_) | OnUs::Accepted | OnUs::Unknown => None,
            },
            own,
        }
    }

    /// The JSON object of decisions §3's `"client_auth"`.
    pub(crate) fn json(&self) -> Value {
        json!({
            "requested": self.requested,
            "required": self.required,
            "ca_names": self.ca_names,
            "signature_schemes": self.signature_schemes,
            "presented": self.presented,
            "accepted": self.accepted,
            "refusal": self.refusal,
            "own_certificate": self.own.as_ref().map(OwnCertificate::json),
        })
    }

    /// The text report's lines.
    pub(crate) fn text(&self) -> Vec<String> {
        let tri = |b: Option<bool>| match b {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        let mut lines = vec![format!(
            "client auth: requested {}, required {}, presented {}, accepted {}{}",
            tri(Some(self.requested)),
            tri(self.required),
            tri(Some(self.presented)),
            tri(self.accepted),
            self.refusal
                .as_ref()
                .map_or_else(String::new, |r| format!(" (alert {r})"))
        )];
        if self.requested {
            lines.push(format!(
                "  CA names: {}",
                if self.ca_names.is_empty() {
                    "(none: any CA)".to_owned()
                } else {
                    self.ca_names.join("; ")
                }
            ));
            lines.push(format!(
                "  signature schemes: {}",
                self.signature_schemes.join(", ")
            ));
        }
        if let Some(own) = &self.own {
            lines.push(format!("  our certificate: {}", own.subject));
            for f in &own.findings {
                lines.push(format!("  {}: {}", f.code, f.message));
            }
        }
        lines
    }
}

/// A finding on our own certificate: a stable code and a message.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

/// Our own certificate (`--cert`) as the peer checks it.
#[derive(Debug, Clone)]
pub(crate) struct OwnCertificate {
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) not_after: String,
    pub(crate) days_left: i64,
    /// The EKU purposes, by name.
    pub(crate) eku: Vec<String>,
    /// `--as` and the RFC 5922 verdict of our certificate for it (client role, no chain).
    pub(crate) as_domain: Option<(String, Value)>,
    /// Whether the issuer of a certificate of our chain (or the subject of one) is among the
    /// server's CA names: `None` when the server asked for none, or named none.
    pub(crate) issuer_in_ca_names: Option<bool>,
    issuers: Vec<Vec<u8>>,
    pub(crate) findings: Vec<Finding>,
}

impl OwnCertificate {
    /// The checks that need no server: RFC 5922 for `as_domain`, the client EKU, expiry.
    pub(crate) fn examine(
        chain: &[CertificateDer<'_>],
        as_domain: Option<&Reference>,
        policy: &Policy,
        now: i64,
        warn_days: u64,
    ) -> Option<Self> {
        let leaf = chain.first()?;
        let info = CertInfo::of(leaf);
        let mut findings = Vec::new();
        let eku = eku_names(leaf);
        if let Some(code) = sipcert::client_eku_warning(leaf.as_ref()) {
            findings.push(Finding {
                code: code.code(),
                message: "our certificate's EKU is serverAuth only (no clientAuth, no \
                          id-kp-sipDomain): peers that check the client EKU refuse it (Microsoft \
                          Teams Direct Routing, carriers' SBCs, Kamailio/OpenSIPS with \
                          verify_client on OpenSSL's default purpose check)"
                    .to_owned(),
            });
        }
        let days_left = info.days_left(now);
        let warn = i64::try_from(warn_days).unwrap_or(i64::MAX);
        if days_left < 0 {
            findings.push(Finding {
                code: WarningCode::ClientCertExpired.code(),
                message: format!("our certificate expired on {}", info.not_after),
            });
        } else if days_left < warn {
            findings.push(Finding {
                code: WarningCode::ClientCertExpiring.code(),
                message: format!(
                    "our certificate expires in {days_left} days, on {}",
                    info.not_after
                ),
            });
        }
        let as_domain = as_domain.map(|r| {
            let verdict = sipcert::check_end_entity(leaf.as_ref(), r, Role::Client, policy);
            if let Some(rejected) = verdict.rejected() {
                let code = rejected
                    .reasons()
                    .first()
                    .map_or("no-matching-identity", |x| x.code().code());
                findings.push(Finding {
                    code,
                    message: format!("our certificate cannot speak for {r}: {rejected}"),
                });
            }
            (r.to_string(), sipcert::json::verdict(&verdict))
        });
        Some(Self {
            subject: info.subject,
            issuer: info.issuer,
            not_after: info.not_after,
            days_left,
            eku,
            as_domain,
            issuer_in_ca_names: None,
            issuers: chain.iter().flat_map(|c| names_of(c)).collect(),
            findings,
        })
    }

    /// With the server's CA names (`None`: it asked for no certificate).
    fn against(mut self, ca_names: Option<&Vec<Vec<u8>>>) -> Self {
        self.issuer_in_ca_names = match ca_names {
            Some(names) if !names.is_empty() => {
                Some(self.issuers.iter().any(|i| names.contains(i)))
            }
            Some(_) | None => None,
        };
        if self.issuer_in_ca_names == Some(false) {
            self.findings.push(Finding {
                code: WarningCode::ClientIssuerNotInCaNames.code(),
                message: format!(
                    "no certificate of our chain is issued by a CA the server named (our issuer: {})",
                    self.issuer
                ),
            });
        }
        self
    }

    fn json(&self) -> Value {
        json!({
            "subject": self.subject,
            "issuer": self.issuer,
            "not_after": self.not_after,
            "days_left": self.days_left,
            "eku": self.eku,
            "as": self.as_domain.as_ref().map(|(d, _)| d),
            "rfc5922": self.as_domain.as_ref().map(|(_, v)| v),
            "issuer_in_ca_names": self.issuer_in_ca_names,
            "findings": self.findings.iter().map(|f| json!({"code": f.code, "message": f.message})).collect::<Vec<_>>(),
        })
    }
}

/// The issuer and subject `Name`s (DER) of a certificate: a CA name matches our chain when it
/// is the issuer of one of its certificates or the subject of one (a CA we send).
fn names_of(cert: &CertificateDer<'_>) -> Vec<Vec<u8>> {
    match x509_parser::parse_x509_certificate(cert.as_ref()) {
        Ok((_, c)) => vec![c.issuer().as_raw().to_vec(), c.subject().as_raw().to_vec()],
        Err(_) => Vec::new(),
    }
}

/// The EKU purposes of a certificate by name (`absent` when it has no EKU extension).
fn eku_names(cert: &CertificateDer<'_>) -> Vec<String> {
    let Ok((_, c)) = x509_parser::parse_x509_certificate(cert.as_ref()) else {
        return vec!["(unparsable certificate)".to_owned()];
    };
    let Ok(Some(ext)) = c.extended_key_usage() else {
        return Vec::new();
    };
    let e = ext.value;
    let mut names: Vec<String> = [
        (e.any, "anyExtendedKeyUsage"),
        (e.server_auth, "serverAuth"),
        (e.client_auth, "clientAuth"),
        (e.code_signing, "codeSigning"),
        (e.email_protection, "emailProtection"),
        (e.time_stamping, "timeStamping"),
        (e.ocsp_signing, "OCSPSigning"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, n)| n.to_owned())
    .collect();
    names.extend(e.other.iter().map(|o| {
        if o.to_id_string() == "1.3.6.1.5.5.7.3.20" {
            "sipDomain".to_owned()
        } else {
            o.to_id_string()
        }
    }));
    names
}

/// A CA name (DER `Name`) as readable text; one that does not parse is shown in hex.
fn dn_text(der: &[u8]) -> String {
    use std::fmt::Write as _;
    if let Ok(([], name)) = X509Name::from_der(der) {
        return name.to_string();
    }
    let hex = der.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    format!("(unparsable name: {hex})")
}

/// The fatal alert a TLS error carries, when it is one the server sent.
pub(crate) fn alert_of(e: &std::io::Error) -> Option<AlertDescription> {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::AlertReceived(alert)) => Some(*alert),
        _ => None,
    }
}
