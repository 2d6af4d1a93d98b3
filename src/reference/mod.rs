//! The reference identity (RFC 5922 §7.3): the host of the AUS, never the SRV target, and
//! why an AUS can give none; [`text`]: the reference from what a user types.

pub(crate) mod text;

use core::fmt;
use std::net::IpAddr;

use crate::codes::ReasonCode;
use crate::domain::{DomainName, DomainNameError};
use crate::uri::{ReferenceError, SipUri, UriError};

/// The reference identity: the host of the AUS (RFC 5922 §7.3), never the SRV target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reference {
    /// A SIP domain.
    Domain(DomainName),
    /// An IP literal; usable only under [`Policy::allow_ip_literals`](crate::Policy::allow_ip_literals).
    Ip(IpAddr),
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Domain(d) => f.write_str(d.as_str()),
            Self::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

impl Reference {
    /// The reference of an AUS (RFC 5922 §7.3): its host, normalized; `maddr`, scheme, user,
    /// port and parameters take no part (RFC 5922 §7.3 names the host of the URI, and `maddr`
    /// only redirects the connection). An IP host gives [`Reference::Ip`]; whether it may be
    /// used is the policy's decision.
    ///
    /// ```
    /// use sipcert::{uri::SipUri, Reference};
    ///
    /// let aus = SipUri::parse("sips:alice@Example.COM:5061;maddr=proxy.example.net")?;
    /// assert_eq!(Reference::from_sip_uri(&aus)?.to_string(), "example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_sip_uri(aus: &SipUri<'_>) -> Result<Self, AusError> {
        match aus.reference_domain() {
            Ok(d) => Ok(Self::Domain(d)),
            Err(ReferenceError::IpLiteral(ip)) => Ok(Self::Ip(ip)),
            Err(ReferenceError::Invalid(e)) => Err(AusError::HostNotADomain {
                aus: aus.to_string(),
                error: e,
            }),
        }
    }

    /// Parses an AUS text (`sip:`/`sips:` URI) and takes its reference, as
    /// [`Reference::from_sip_uri`].
    ///
    /// ```
    /// use sipcert::Reference;
    ///
    /// assert_eq!(Reference::from_aus("sip:Example.com.")?.to_string(), "example.com");
    /// assert_eq!(Reference::from_aus("http://example.com").unwrap_err().code(), "reference-invalid");
    /// # Ok::<(), sipcert::AusError>(())
    /// ```
    pub fn from_aus(aus: &str) -> Result<Self, AusError> {
        let uri = SipUri::parse(aus).map_err(|error| AusError::NotASipUri {
            aus: aus.to_owned(),
            error,
        })?;
        Self::from_sip_uri(&uri)
    }
}

/// Why an AUS gives no reference identity. The reject code is always `reference-invalid`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AusError {
    /// The text is not an RFC 3261 §25.1 SIP or SIPS URI.
    #[error("the AUS {aus:?} is not an RFC 3261 SIP URI: {error}")]
    NotASipUri {
        /// The text as given.
        aus: String,
        /// Where and why parsing failed.
        error: UriError,
    },
    /// The host is grammatical but not a usable DNS name (a label over 63 octets, a name over
    /// 253 octets, a bogus A-label).
    #[error("the AUS {aus} has no usable reference: {error} (RFC 3261 §25.1, RFC 5922 §7.3)")]
    HostNotADomain {
        /// The AUS as parsed.
        aus: String,
        /// Why its host is not a DNS name.
        error: DomainNameError,
    },
}

impl AusError {
    /// The stable reject code, `reference-invalid`.
    pub fn code(&self) -> &'static str {
        self.reason_code().code()
    }

    /// The reject code as a [`ReasonCode`]: always [`ReasonCode::ReferenceInvalid`].
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::NotASipUri { .. } | Self::HostNotADomain { .. } => ReasonCode::ReferenceInvalid,
        }
    }
}

impl From<DomainName> for Reference {
    fn from(d: DomainName) -> Self {
        Self::Domain(d)
    }
}

impl From<IpAddr> for Reference {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(ip)
    }
}
