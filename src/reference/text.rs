//! The reference identity from a user's text: the one rule every front end (command line,
//! C ABI, Python) applies to what a person or a program types as the SIP domain to check.
//!
//! - [`Reference::from_domain_text`]: a domain name (A-labels or U-labels, one trailing dot
//!   allowed) or an IP literal, bare (`192.0.2.1`, `2001:db8::1`) or in one pair of brackets
//!   as a URI writes it (`[2001:db8::1]`).
//! - [`Reference::from_aus`]: a `sip:`/`sips:` URI, whose host is the reference (RFC 5922
//!   §7.3).
//! - [`Reference::from_text`]: either: text that starts with `sip:` or `sips:` (any case) is
//!   a URI, anything else a domain name or IP literal.

use std::net::IpAddr;

use super::{AusError, Reference};
use crate::codes::ReasonCode;
use crate::domain::{DomainName, DomainNameError};

/// Why a text gives no reference identity ([`Reference::from_text`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReferenceTextError {
    /// The text has a `sip:`/`sips:` scheme but is no usable AUS.
    #[error(transparent)]
    Aus(#[from] AusError),
    /// The text is neither an IP literal nor a usable domain name.
    #[error("{text:?} is neither a domain name nor an IP address: {error}")]
    Domain {
        /// The text as given.
        text: String,
        /// Why it is not a domain name.
        error: DomainNameError,
    },
}

impl ReferenceTextError {
    /// The stable reject code, `reference-invalid`.
    pub fn code(&self) -> &'static str {
        self.reason_code().code()
    }

    /// The reject code as a [`ReasonCode`]: always [`ReasonCode::ReferenceInvalid`].
    pub fn reason_code(&self) -> ReasonCode {
        match self {
            Self::Aus(_) | Self::Domain { .. } => ReasonCode::ReferenceInvalid,
        }
    }
}

/// Whether `text` starts with `scheme` (ASCII case-insensitive).
fn has_scheme(text: &str, scheme: &str) -> bool {
    text.get(..scheme.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(scheme))
}

impl Reference {
    /// The reference named by a domain text: an IP literal, bare or in one pair of brackets
    /// (`[2001:db8::1]`), gives [`Reference::Ip`]; anything else must be a domain name
    /// ([`DomainName::from_user_input`]: U-labels are converted to A-labels).
    ///
    /// ```
    /// use sipcert::Reference;
    ///
    /// assert_eq!(Reference::from_domain_text("Example.COM.")?.to_string(), "example.com");
    /// assert_eq!(Reference::from_domain_text("[2001:db8::1]")?.to_string(), "2001:db8::1");
    /// assert!(Reference::from_domain_text("sip:example.com").is_err());
    /// # Ok::<(), sipcert::DomainNameError>(())
    /// ```
    pub fn from_domain_text(text: &str) -> Result<Self, DomainNameError> {
        let unbracketed = text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(text);
        if let Ok(ip) = unbracketed.parse::<IpAddr>() {
            return Ok(Self::Ip(ip));
        }
        DomainName::from_user_input(text).map(Self::Domain)
    }

    /// The reference named by a text that may be either: a `sip:`/`sips:` URI (any case of
    /// the scheme; [`Reference::from_aus`]) or a domain name or IP literal
    /// ([`Reference::from_domain_text`]).
    ///
    /// ```
    /// use sipcert::Reference;
    ///
    /// assert_eq!(Reference::from_text("SIPS:alice@Example.com")?.to_string(), "example.com");
    /// assert_eq!(Reference::from_text("example.com")?.to_string(), "example.com");
    /// assert_eq!(Reference::from_text("192.0.2.1")?.to_string(), "192.0.2.1");
    /// assert_eq!(Reference::from_text("sip:").unwrap_err().code(), "reference-invalid");
    /// # Ok::<(), sipcert::ReferenceTextError>(())
    /// ```
    pub fn from_text(text: &str) -> Result<Self, ReferenceTextError> {
        if has_scheme(text, "sip:") || has_scheme(text, "sips:") {
            return Ok(Self::from_aus(text)?);
        }
        Self::from_domain_text(text).map_err(|error| ReferenceTextError::Domain {
            text: text.to_owned(),
            error,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `None`: no reference; `Some(s)`: the reference's text.
    fn domain_text(text: &str) -> Option<String> {
        Reference::from_domain_text(text)
            .ok()
            .map(|r| r.to_string())
    }

    fn any_text(text: &str) -> Option<String> {
        Reference::from_text(text).ok().map(|r| r.to_string())
    }

    #[test]
    fn domain_text_table() {
        for (input, want) in [
            ("example.com", Some("example.com")),
            ("Example.COM.", Some("example.com")),
            ("bücher.example", Some("xn--bcher-kva.example")),
            ("192.0.2.1", Some("192.0.2.1")),
            ("2001:db8::1", Some("2001:db8::1")),
            ("[2001:db8::1]", Some("2001:db8::1")),
            ("[192.0.2.1]", Some("192.0.2.1")),
            ("[2001:db8::1", None),
            ("2001:db8::1]", None),
            ("[[2001:db8::1]]", None),
            ("[example.com]", None),
            ("sip:example.com", None),
            ("", None),
            (".", None),
            ("exa_mple.com", None),
            ("a..b", None),
        ] {
            assert_eq!(
                domain_text(input).as_deref(),
                want,
                "Reference::from_domain_text({input:?})"
            );
        }
    }

    #[test]
    fn text_table() {
        for (input, want) in [
            ("sip:example.com", Some("example.com")),
            ("SIP:Example.com", Some("example.com")),
            (
                "sips:alice@Example.COM.:5061;maddr=proxy.example.net",
                Some("example.com"),
            ),
            ("sip:[2001:db8::1]", Some("2001:db8::1")),
            ("sip:192.0.2.1", Some("192.0.2.1")),
            ("example.com", Some("example.com")),
            ("[2001:db8::1]", Some("2001:db8::1")),
            ("192.0.2.1", Some("192.0.2.1")),
            ("sip:", None),
            ("sip:exa_mple.com", None),
            ("sips:a@b.example;transport=udp", None),
            ("tel:+15551234", None),
            ("http://example.com", None),
            ("", None),
        ] {
            assert_eq!(
                any_text(input).as_deref(),
                want,
                "Reference::from_text({input:?})"
            );
        }
    }

    #[test]
    fn errors_say_which_rule_failed() {
        for (input, aus) in [("sip:exa_mple.com", true), ("exa_mple.com", false)] {
            let e = Reference::from_text(input).expect_err(input);
            assert_eq!(
                matches!(e, ReferenceTextError::Aus(_)),
                aus,
                "Reference::from_text({input:?}): {e:?}"
            );
            assert_eq!(e.code(), "reference-invalid", "{input:?}");
            assert!(e.to_string().contains("exa_mple.com"), "{input:?}: {e}");
        }
    }
}
