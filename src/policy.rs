//! [`Policy`]: the knobs that decide which certificate names count and how they are compared.
//!
//! `Policy::default()` is RFC 5922 §7.1/§7.2 exactly, CN
//! fallback on (only without a SAN extension), no wildcards, no IP literals, the TLS-compatible
//! EKU mode, and no secure SRV target.

use crate::domain::DomainName;

/// How the end-entity certificate's extended key usage is judged (RFC 5924 §5, RFC 5280
/// §4.2.1.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EkuMode {
    /// Interoperable with Web PKI certificates (the default: Web PKI CAs no longer issue sipDomain EKUs, so RFC 5924 alone would refuse most deployed certificates): an EKU extension must
    /// be absent or contain id-kp-sipDomain, anyExtendedKeyUsage, or serverAuth (server
    /// certificate) / clientAuth or serverAuth (client certificate).
    #[default]
    Compatible,
    /// RFC 5924 §5 literally: an EKU extension, when present, must contain id-kp-sipDomain or
    /// anyExtendedKeyUsage; an absent EKU is accepted (the "more interoperable" local policy).
    Rfc5924,
}

impl EkuMode {
    /// A stable kebab-case name (`compatible`, `rfc5924`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Compatible => "compatible",
            Self::Rfc5924 => "rfc5924",
        }
    }
}

/// The role of the certificate being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// A server certificate, checked by a client (RFC 5922 §7.3).
    Server,
    /// A client certificate, checked by a server (RFC 5922 §7.4).
    Client,
}

impl Role {
    /// A stable kebab-case name (`server`, `client`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Client => "client",
        }
    }
}

/// Which names count as SIP domain identities and how they are compared.
///
/// Built with chained methods:
///
/// ```
/// use sipcert::{DomainName, EkuMode, Policy};
///
/// let strict = Policy::default()
///     .cn_fallback(false)
///     .require_sip_uri(true)
///     .with_eku_mode(EkuMode::Rfc5924);
/// assert!(!strict.is_cn_fallback_enabled());
/// let srv = Policy::default()
///     .with_secure_srv_target(DomainName::from_ascii("sip1.provider.net")?);
/// assert_eq!(srv.secure_srv_target().map(DomainName::as_str), Some("sip1.provider.net"));
/// # Ok::<(), sipcert::DomainNameError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent switches, set through builder methods
pub struct Policy {
    cn_fallback: bool,
    require_sip_uri: bool,
    allow_ip_literals: bool,
    secure_srv_target: Option<DomainName>,
    insecure_srv_target: Option<DomainName>,
    eku_mode: EkuMode,
    pub(crate) wildcards: bool,
}

impl Default for Policy {
    /// RFC 5922 as written: CN fallback on, DNS SANs used, no IP literals, no secure SRV target,
    /// [`EkuMode::Compatible`], wildcards never match.
    fn default() -> Self {
        Self {
            cn_fallback: true,
            require_sip_uri: false,
            allow_ip_literals: false,
            secure_srv_target: None,
            insecure_srv_target: None,
            eku_mode: EkuMode::Compatible,
            wildcards: false,
        }
    }
}

impl Policy {
    /// Whether the subject CN may be used when the certificate has **no** SAN extension at all
    /// (RFC 5922 §7.1 step 2, a MAY; RFC 9525 forbids it). Default: `true`.
    #[must_use]
    pub fn cn_fallback(mut self, enabled: bool) -> Self {
        self.cn_fallback = enabled;
        self
    }

    /// RFC 9525-style URI-ID-only profile: dNSName SANs and the CN are never
    /// identities. Default: `false`.
    #[must_use]
    pub fn require_sip_uri(mut self, required: bool) -> Self {
        self.require_sip_uri = required;
        self
    }

    /// Lets an IP-literal reference (`sip:192.0.2.1`) match iPAddress SANs and `sip:` URI SANs
    /// with that IP host, by binary equality (RFC 5954 §4.2 compares IP addresses in binary). Default: `false`, and an IP
    /// reference is rejected with `reference-is-ip-literal`.
    ///
    /// A `sip:` URI SAN with an IP host then becomes an IP identity, but it does not suppress
    /// dNSName SANs (only a `sip:` URI *domain* identity does, RFC 5922 §7.1), so turning this
    /// on never changes how a domain reference is matched.
    #[must_use]
    pub fn allow_ip_literals(mut self, allowed: bool) -> Self {
        self.allow_ip_literals = allowed;
        self
    }

    /// The caller asserts that `target` is the DNSSEC-validated SRV target of the reference
    /// (RFC 7673 §4.1): it becomes a second reference identity, and a match through it is
    /// recorded as the `secure-srv-target` relaxation.
    #[must_use]
    pub fn with_secure_srv_target(mut self, target: DomainName) -> Self {
        self.secure_srv_target = Some(target);
        self
    }

    /// The SRV target the connection went to when the SRV answer was **not** DNSSEC-secure.
    /// It is never a reference identity (RFC 5922 §7.2, RFC 7673 §4.1): it only lets a
    /// rejection explain itself with `hint-srv-target-would-match` when the certificate names
    /// that target instead of the SIP domain.
    ///
    /// ```
    /// use sipcert::{DomainName, Policy};
    ///
    /// let p = Policy::default().with_insecure_srv_target(DomainName::from_ascii("sip1.provider.net")?);
    /// assert!(p.secure_srv_target().is_none()); // still no second reference
    /// # Ok::<(), sipcert::DomainNameError>(())
    /// ```
    #[must_use]
    pub fn with_insecure_srv_target(mut self, target: DomainName) -> Self {
        self.insecure_srv_target = Some(target);
        self
    }

    /// The SRV target given for hints only, if any.
    pub fn insecure_srv_target(&self) -> Option<&DomainName> {
        self.insecure_srv_target.as_ref()
    }

    /// Chooses the EKU mode. Default: [`EkuMode::Compatible`].
    #[must_use]
    pub fn with_eku_mode(mut self, mode: EkuMode) -> Self {
        self.eku_mode = mode;
        self
    }

    /// Whether CN fallback is enabled.
    pub fn is_cn_fallback_enabled(&self) -> bool {
        self.cn_fallback
    }

    /// Whether only `sip:` URI SANs count.
    pub fn is_sip_uri_required(&self) -> bool {
        self.require_sip_uri
    }

    /// Whether IP-literal references are matched.
    pub fn are_ip_literals_allowed(&self) -> bool {
        self.allow_ip_literals
    }

    /// The asserted secure SRV target, if any.
    pub fn secure_srv_target(&self) -> Option<&DomainName> {
        self.secure_srv_target.as_ref()
    }

    /// The EKU mode.
    pub fn eku_mode(&self) -> EkuMode {
        self.eku_mode
    }

    /// Whether RFC 6125 wildcards match (only through [`crate::danger::allow_wildcards`]).
    pub fn are_wildcards_allowed(&self) -> bool {
        self.wildcards
    }
}
