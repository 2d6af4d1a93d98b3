//! Stable codes: reject reasons, hints, relaxations, warnings, and the match route.

use core::fmt;

/// Why a verdict is reject. Codes are stable kebab-case strings; new ones may be added, none is
/// ever renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReasonCode {
    /// `no-identities`: the certificate has no SIP domain identity (RFC 5922 §7.3).
    NoIdentities,
    /// `no-matching-identity`: no identity equals the reference (RFC 5922 §7.2).
    NoMatchingIdentity,
    /// `reference-is-ip-literal`: the reference is an IP literal and the policy does not allow it.
    ReferenceIsIpLiteral,
    /// `reference-invalid`: the reference is not a valid host.
    ReferenceInvalid,
    /// `eku-not-permitted`: the EKU allows no SIP use under the policy (RFC 5924 §5).
    EkuNotPermitted,
    /// `chain-expired`: a certificate of the path is expired.
    ChainExpired,
    /// `chain-not-yet-valid`: a certificate of the path is not yet valid.
    ChainNotYetValid,
    /// `chain-unknown-issuer`: no path to a trust anchor.
    ChainUnknownIssuer,
    /// `chain-bad-signature`: a signature does not verify.
    ChainBadSignature,
    /// `chain-revoked`: a certificate of the path is revoked.
    ChainRevoked,
    /// `chain-name-constraint-violation`: a name violates a CA's name constraints.
    ChainNameConstraintViolation,
    /// `chain-invalid`: any other path-validation failure.
    ChainInvalid,
    /// `cert-malformed`: the end-entity certificate (or an extension) does not parse, has
    /// trailing data, or duplicates an extension.
    CertMalformed,
    /// `chain-ca-key-usage`: a CA certificate on the path has a keyUsage extension without
    /// keyCertSign, so it may not sign certificates (RFC 5280 §4.2.1.3, §6.1.4 (n)).
    ChainCaKeyUsage,
    /// `cert-too-large`: a presented certificate is larger than webpki can parse (a DER
    /// item of 65 535 content octets or more, about 64 KiB).
    CertTooLarge,
}

impl ReasonCode {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::NoIdentities => "no-identities",
            Self::NoMatchingIdentity => "no-matching-identity",
            Self::ReferenceIsIpLiteral => "reference-is-ip-literal",
            Self::ReferenceInvalid => "reference-invalid",
            Self::EkuNotPermitted => "eku-not-permitted",
            Self::ChainExpired => "chain-expired",
            Self::ChainNotYetValid => "chain-not-yet-valid",
            Self::ChainUnknownIssuer => "chain-unknown-issuer",
            Self::ChainBadSignature => "chain-bad-signature",
            Self::ChainRevoked => "chain-revoked",
            Self::ChainNameConstraintViolation => "chain-name-constraint-violation",
            Self::ChainInvalid => "chain-invalid",
            Self::CertMalformed => "cert-malformed",
            Self::ChainCaKeyUsage => "chain-ca-key-usage",
            Self::CertTooLarge => "cert-too-large",
        }
    }

    /// Whether the code is about path validation (`chain-*`).
    pub fn is_chain(self) -> bool {
        self.code().starts_with("chain-")
    }

    /// Every code.
    pub const ALL: &'static [Self] = &[
        Self::NoIdentities,
        Self::NoMatchingIdentity,
        Self::ReferenceIsIpLiteral,
        Self::ReferenceInvalid,
        Self::EkuNotPermitted,
        Self::ChainExpired,
        Self::ChainNotYetValid,
        Self::ChainUnknownIssuer,
        Self::ChainBadSignature,
        Self::ChainRevoked,
        Self::ChainNameConstraintViolation,
        Self::ChainInvalid,
        Self::CertMalformed,
        Self::ChainCaKeyUsage,
        Self::CertTooLarge,
    ];
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A warning about a certificate that passes but that some peers refuse. Codes are stable
/// kebab-case strings; new ones may be added, none is ever renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// `eku-server-auth-only`: a certificate used as a TLS **client** certificate (mutual
    /// TLS) whose EKU lists serverAuth but neither clientAuth, id-kp-sipDomain nor
    /// anyExtendedKeyUsage. sipcert's `compatible` EKU mode accepts it (RFC 5924 §5 leaves the
    /// EKU to local policy), but peers that check the EKU for the client role, as TLS stacks
    /// do by default, refuse it (RFC 5280 §4.2.1.12): public CAs stopped issuing clientAuth
    /// in 2026, so a trunk presenting such a certificate breaks there.
    EkuServerAuthOnly,
    /// `client-issuer-not-in-ca-names`: the server's CertificateRequest named CAs, and none
    /// of them issued a certificate of our client chain (nor is one of it): the server will
    /// not find a path (RFC 8446 §4.2.4, RFC 5246 §7.4.4).
    ClientIssuerNotInCaNames,
    /// `client-cert-expired`: our client certificate is past its notAfter.
    ClientCertExpired,
    /// `client-cert-expiring`: our client certificate expires within the warning period.
    ClientCertExpiring,
}

impl WarningCode {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::EkuServerAuthOnly => "eku-server-auth-only",
            Self::ClientIssuerNotInCaNames => "client-issuer-not-in-ca-names",
            Self::ClientCertExpired => "client-cert-expired",
            Self::ClientCertExpiring => "client-cert-expiring",
        }
    }

    /// Every code.
    pub const ALL: &'static [Self] = &[
        Self::EkuServerAuthOnly,
        Self::ClientIssuerNotInCaNames,
        Self::ClientCertExpired,
        Self::ClientCertExpiring,
    ];
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A near miss explained to the operator when the verdict is reject. `R` is the reference
/// domain; hints are computed only for a domain reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Hint {
    /// `hint-host-within-domain`: an identity is a proper subdomain of `R` (`sip.atlanta.com`
    /// for `atlanta.com`), the RFC 3261 §26.3.2.1 certificate shape.
    HostWithinDomain,
    /// `hint-wildcard-would-match`: a dNSName `*.B` would match `R` under RFC 6125 (`R` is one
    /// label plus `B`, `B` has at least two labels, and DNS SANs are not suppressed), but
    /// wildcards are off; or the subject CN is such a `*.B` and would otherwise be the CN
    /// identity (RFC 5922 §7.2 has no wildcards, in the CN either).
    WildcardWouldMatch,
    /// `hint-suppressed-dns-would-match`: a dNSName equal to `R` was ignored because a `sip:` URI
    /// identity exists (RFC 5922 §7.1) or the policy requires `sip:` URIs.
    SuppressedDnsWouldMatch,
    /// `hint-cn-would-match`: a CN equal to `R` was not used (SAN present, fallback off, not the
    /// last CN, or in a multi-valued RDN).
    CnWouldMatch,
    /// `hint-user-part-uri-would-match`: a `sip:user@R` URI SAN names a user, not the domain.
    UserPartUriWouldMatch,
    /// `hint-sips-uri-would-match`: a `sips:R` URI SAN; RFC 5922 §7.1 accepts only `sip:`.
    SipsUriWouldMatch,
    /// `hint-suffix-only`: `R` is a proper subdomain of an identity, or one of `R` and an
    /// identity ends with the other without a label boundary (`myexample.com`/`example.com`).
    SuffixOnly,
    /// `hint-srv-target-would-match`: an identity equals the SRV target the connection went
    /// to, and that target is no reference identity because the SRV answer was not
    /// DNSSEC-secure (RFC 5922 §7.2 compares the SIP domain; RFC 7673 §4.1 admits the SRV
    /// target only from a secure answer). The target comes from
    /// [`Policy::with_insecure_srv_target`](crate::Policy::with_insecure_srv_target).
    SrvTargetWouldMatch,
    /// `hint-missing-intermediate`: path building found no issuer for the end entity, and the
    /// server presented no certificate whose subject is the end entity's issuer: it most
    /// likely forgot to send its intermediate CA certificate.
    MissingIntermediate,
}

impl Hint {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::HostWithinDomain => "hint-host-within-domain",
            Self::WildcardWouldMatch => "hint-wildcard-would-match",
            Self::SuppressedDnsWouldMatch => "hint-suppressed-dns-would-match",
            Self::CnWouldMatch => "hint-cn-would-match",
            Self::UserPartUriWouldMatch => "hint-user-part-uri-would-match",
            Self::SipsUriWouldMatch => "hint-sips-uri-would-match",
            Self::SuffixOnly => "hint-suffix-only",
            Self::SrvTargetWouldMatch => "hint-srv-target-would-match",
            Self::MissingIntermediate => "hint-missing-intermediate",
        }
    }

    /// Every hint.
    pub const ALL: &'static [Self] = &[
        Self::HostWithinDomain,
        Self::WildcardWouldMatch,
        Self::SuppressedDnsWouldMatch,
        Self::CnWouldMatch,
        Self::UserPartUriWouldMatch,
        Self::SipsUriWouldMatch,
        Self::SuffixOnly,
        Self::SrvTargetWouldMatch,
        Self::MissingIntermediate,
    ];
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A rule relaxed to reach an accept. Every relaxation used appears in the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Relaxation {
    /// `wildcard`: matched through a `*.x` dNSName ([`crate::danger::allow_wildcards`]).
    Wildcard,
    /// `cn-fallback`: matched through the subject CN (RFC 5922 §7.1 step 2, a MAY).
    CnFallback,
    /// `ip-literal`: an IP reference matched an IP identity (`allow_ip_literals`).
    IpLiteral,
    /// `secure-srv-target`: matched the caller-asserted secure SRV target (RFC 7673).
    SecureSrvTarget,
    /// `eku-tls-compatible`: the EKU passed only through serverAuth/clientAuth
    /// ([`crate::EkuMode::Compatible`]); RFC 5924 §5 would reject it.
    EkuTlsCompatible,
}

impl Relaxation {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Wildcard => "wildcard",
            Self::CnFallback => "cn-fallback",
            Self::IpLiteral => "ip-literal",
            Self::SecureSrvTarget => "secure-srv-target",
            Self::EkuTlsCompatible => "eku-tls-compatible",
        }
    }
}

impl fmt::Display for Relaxation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Which reference identity matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Via {
    /// `reference`: the host of the AUS (RFC 5922 §7.3).
    Reference,
    /// `secure-srv-target`: the caller-asserted secure SRV target (RFC 7673).
    SecureSrvTarget,
}

impl Via {
    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Reference => "reference",
            Self::SecureSrvTarget => "secure-srv-target",
        }
    }
}
