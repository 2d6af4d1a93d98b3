//! [`DomainName`]: the validated, normalized DNS name that RFC 5922 §7.2 compares.

use core::fmt;
use core::str::FromStr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

/// The longest DNS name in presentation form, without the trailing dot (RFC 1035 §2.3.4).
const MAX_NAME_LEN: usize = 253;
/// The longest DNS label (RFC 1035 §2.3.4).
const MAX_LABEL_LEN: usize = 63;

/// A validated, normalized DNS host name: what RFC 5922 §7.2 compares.
///
/// Invariants, checked at construction:
/// - ASCII letters, digits, `-` and `.` only (RFC 3261 `hostname`, RFC 1123 LDH labels);
/// - labels of 1 to 63 octets that neither start nor end with `-`, the whole name at most 253
///   octets; the last label starts with a letter (RFC 3261 `toplabel`), so no IPv4 text is a
///   `DomainName`;
/// - every `xn--` label is a valid A-label (it decodes and re-encodes to itself under UTS 46);
/// - lower case, and exactly one trailing dot removed if there was one.
///
/// Two `DomainName`s are equal exactly when RFC 5922 §7.2 says the names match: the comparison
/// is a byte comparison of the normalized forms, so ASCII case never matters and there is no
/// wildcard or suffix logic.
///
/// ```
/// use sipcert::DomainName;
///
/// let a = DomainName::from_ascii("SIP.Example.COM.")?;
/// assert_eq!(a.as_str(), "sip.example.com");
/// let u = DomainName::from_user_input("Bücher.example")?;
/// assert_eq!(u.as_str(), "xn--bcher-kva.example");
/// assert!(DomainName::from_ascii("*.example.com").is_err());
/// # Ok::<(), sipcert::DomainNameError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

impl DomainName {
    /// Validates an ASCII host name as it appears in a SIP URI or a certificate and normalizes it.
    ///
    /// Non-ASCII input is refused ([`DomainNameError::NotAscii`]): certificates must carry
    /// A-labels (RFC 5280 §7.2, RFC 9549), and URIs cannot hold raw UTF-8 in the host. Use
    /// [`DomainName::from_user_input`] for text typed by a person.
    pub fn from_ascii(input: &str) -> Result<Self, DomainNameError> {
        Self::from_ascii_bytes(input.as_bytes())
    }

    /// Like [`DomainName::from_ascii`], for raw octets (certificate fields, wire data).
    pub fn from_ascii_bytes(input: &[u8]) -> Result<Self, DomainNameError> {
        match plain_ldh(input) {
            Some(name) => Ok(name),
            None => Self::from_ascii_bytes_checked(input),
        }
    }

    /// [`DomainName::from_ascii_bytes`] for the common case only (a plain LDH host name
    /// without A-labels); `None` when the full check is needed.
    pub(crate) fn from_plain_ldh(input: &[u8]) -> Option<Self> {
        plain_ldh(input)
    }

    /// [`DomainName::from_ascii_bytes`] label by label, with the precise error.
    fn from_ascii_bytes_checked(input: &[u8]) -> Result<Self, DomainNameError> {
        let name = validate_ldh(input, true)?;
        let mut normalized = String::with_capacity(name.len());
        for &b in name {
            normalized.push(char::from(b.to_ascii_lowercase()));
        }
        if has_ace_label(&normalized) {
            check_a_labels(&normalized)?;
        }
        Ok(Self(normalized))
    }

    /// Converts a name typed by a person (which may hold U-labels, full-width letters, or
    /// ideographic full stops) with UTS 46 non-transitional processing and STD3 rules, then
    /// validates it as [`DomainName::from_ascii`] does.
    ///
    /// Anything that does not convert is refused ([`DomainNameError::Idna`]); nothing is
    /// guessed.
    pub fn from_user_input(input: &str) -> Result<Self, DomainNameError> {
        let trimmed = input.strip_suffix('.').unwrap_or(input);
        if trimmed.is_empty() {
            return Err(DomainNameError::Empty);
        }
        let ascii = Uts46::new()
            .to_ascii(
                trimmed.as_bytes(),
                AsciiDenyList::STD3,
                Hyphens::CheckFirstLast,
                DnsLength::Verify,
            )
            .map_err(|_| DomainNameError::Idna)?;
        Self::from_ascii(&ascii)
    }

    /// The normalized name: lower case, A-labels, no trailing dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` is a proper subdomain of `parent` (`sip.example.com` of `example.com`).
    ///
    /// RFC 5922 §7.2 forbids treating this as a match; sipcert uses it only to explain a
    /// rejection (the RFC 3261 "host within the domain" certificate shape).
    pub fn is_subdomain_of(&self, parent: &Self) -> bool {
        self.0.len() > parent.0.len()
            && self.0.ends_with(parent.as_str())
            && self.0.as_bytes()[self.0.len() - parent.0.len() - 1] == b'.'
    }

    /// The labels of the name, left to right.
    pub fn labels(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.split('.')
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DomainName({:?})", self.0)
    }
}

impl AsRef<str> for DomainName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for DomainName {
    type Err = DomainNameError;

    /// Strict: the same as [`DomainName::from_ascii`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_ascii(s)
    }
}

/// Why a string is not a [`DomainName`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainNameError {
    /// The name is empty (or only a dot).
    #[error("empty domain name")]
    Empty,
    /// The name is longer than 253 octets.
    #[error("domain name is {len} octets long; at most 253 are allowed (RFC 1035 §2.3.4)")]
    TooLong {
        /// Its length without the trailing dot.
        len: usize,
    },
    /// Two dots in a row, or a leading dot, or more than one trailing dot.
    #[error("empty label at byte {offset} (RFC 3261 §25.1 hostname)")]
    EmptyLabel {
        /// Byte offset where the empty label starts.
        offset: usize,
    },
    /// A label longer than 63 octets.
    #[error("label at byte {offset} is longer than 63 octets (RFC 1035 §2.3.4)")]
    LabelTooLong {
        /// Byte offset of the label.
        offset: usize,
    },
    /// A byte outside letters, digits, `-` and `.` (for example `_`, `*`, `%`, a space).
    #[error("byte 0x{byte:02x} at offset {offset} is not allowed in a host name (letters, digits, '-', '.')")]
    InvalidByte {
        /// Byte offset.
        offset: usize,
        /// The offending byte.
        byte: u8,
    },
    /// A non-ASCII byte: certificates and URIs must carry A-labels.
    #[error("non-ASCII byte at offset {offset}; IDNs must be given as A-labels (xn--)")]
    NotAscii {
        /// Byte offset.
        offset: usize,
    },
    /// A label starts or ends with `-`.
    #[error("label at byte {offset} starts or ends with '-'")]
    HyphenAtLabelEdge {
        /// Byte offset of the label.
        offset: usize,
    },
    /// The last label does not start with a letter (RFC 3261 `toplabel`), as in `example.123`
    /// or an IPv4 address.
    #[error("the top-level label at byte {offset} must start with a letter (RFC 3261 toplabel)")]
    NumericTopLabel {
        /// Byte offset of the top label.
        offset: usize,
    },
    /// An `xn--` label that is not a valid A-label.
    #[error("an xn-- label is not a valid A-label (RFC 5890)")]
    InvalidALabel,
    /// User input that UTS 46 processing refuses.
    #[error("the name does not convert to A-labels under UTS 46 (IDNA2008) with STD3 rules")]
    Idna,
}

impl DomainNameError {
    /// The rule that failed, without positions (for messages that give their own offset).
    pub fn rule(&self) -> &'static str {
        match self {
            Self::Empty => "the name is empty",
            Self::TooLong { .. } => "a DNS name has at most 253 octets (RFC 1035 §2.3.4)",
            Self::EmptyLabel { .. } => "empty label (RFC 3261 §25.1 hostname)",
            Self::LabelTooLong { .. } => "a label has at most 63 octets (RFC 1035 §2.3.4)",
            Self::InvalidByte { .. } => {
                "only letters, digits, '-' and '.' are allowed (RFC 3261 §25.1 hostname)"
            }
            Self::NotAscii { .. } => "non-ASCII; IDNs must be A-labels (xn--)",
            Self::HyphenAtLabelEdge { .. } => "a label cannot start or end with '-'",
            Self::NumericTopLabel { .. } => {
                "the top-level label must start with a letter (RFC 3261 §25.1 toplabel)"
            }
            Self::InvalidALabel => "an xn-- label is not a valid A-label (RFC 5890)",
            Self::Idna => "does not convert under UTS 46 (IDNA2008) with STD3 rules",
        }
    }

    /// A stable kebab-case code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "domain-empty",
            Self::TooLong { .. } => "domain-too-long",
            Self::EmptyLabel { .. } => "domain-empty-label",
            Self::LabelTooLong { .. } => "domain-label-too-long",
            Self::InvalidByte { .. } => "domain-invalid-byte",
            Self::NotAscii { .. } => "domain-not-ascii",
            Self::HyphenAtLabelEdge { .. } => "domain-hyphen-at-label-edge",
            Self::NumericTopLabel { .. } => "domain-numeric-top-label",
            Self::InvalidALabel => "domain-invalid-a-label",
            Self::Idna => "domain-idna",
        }
    }
}

/// Checks the RFC 3261 `hostname` syntax (LDH labels, alphabetic top label, one optional
/// trailing dot) and, with `dns_lengths`, the RFC 1035 length limits; returns the name without
/// its trailing dot.
pub(crate) fn validate_ldh(input: &[u8], dns_lengths: bool) -> Result<&[u8], DomainNameError> {
    let name = match input.split_last() {
        Some((b'.', rest)) => rest,
        Some(_) => input,
        None => return Err(DomainNameError::Empty),
    };
    if name.is_empty() {
        return Err(DomainNameError::Empty);
    }
    if dns_lengths && name.len() > MAX_NAME_LEN {
        return Err(DomainNameError::TooLong { len: name.len() });
    }
    let mut start = 0;
    loop {
        let end = name[start..]
            .iter()
            .position(|&b| b == b'.')
            .map_or(name.len(), |p| start + p);
        let label = &name[start..end];
        check_label(label, start, dns_lengths)?;
        if end == name.len() {
            if !label[0].is_ascii_alphabetic() {
                return Err(DomainNameError::NumericTopLabel { offset: start });
            }
            return Ok(name);
        }
        start = end + 1;
    }
}

fn check_label(label: &[u8], offset: usize, dns_lengths: bool) -> Result<(), DomainNameError> {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return Err(DomainNameError::EmptyLabel { offset });
    };
    if dns_lengths && label.len() > MAX_LABEL_LEN {
        return Err(DomainNameError::LabelTooLong { offset });
    }
    for (i, &b) in label.iter().enumerate() {
        if !b.is_ascii() {
            return Err(DomainNameError::NotAscii { offset: offset + i });
        }
        if !(b.is_ascii_alphanumeric() || b == b'-') {
            return Err(DomainNameError::InvalidByte {
                offset: offset + i,
                byte: b,
            });
        }
    }
    if first == b'-' || last == b'-' {
        return Err(DomainNameError::HyphenAtLabelEdge { offset });
    }
    Ok(())
}

/// The common case of [`DomainName::from_ascii_bytes`] in one pass: a valid LDH name (an
/// optional trailing dot, at most 253 octets, labels of 1 to 63 letters, digits and inner
/// hyphens, the last label starting with a letter) with no `xn--` label, normalized.
/// `None` for anything else, which the label-by-label check then accepts or refuses with
/// the precise error.
fn plain_ldh(input: &[u8]) -> Option<DomainName> {
    let text = plain_ldh_str(input)?;
    Some(DomainName(text.to_ascii_lowercase()))
}

/// The check of [`plain_ldh`] without building the name: the name as given (not lower-cased,
/// without its trailing dot) when it is a plain LDH host name, whose [`DomainName`] is its
/// ASCII lower case.
pub(crate) fn plain_ldh_str(input: &[u8]) -> Option<&str> {
    let name = input.strip_suffix(b".").unwrap_or(input);
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return None;
    }
    let mut start = 0;
    for (i, &b) in name.iter().enumerate() {
        if b == b'.' {
            plain_label(name.get(start..i)?)?;
            start = i + 1;
        } else if !LDH[usize::from(b)] {
            return None;
        }
    }
    let last = name.get(start..)?;
    plain_label(last)?;
    if !last.first()?.is_ascii_alphabetic() {
        return None;
    }
    core::str::from_utf8(name).ok()
}

/// `Some` for a label of 1 to 63 LDH octets with no hyphen at either end that does not look
/// like an A-label: `xn--` (any case) needs the full check, so any `--` at the third and
/// fourth octets is left to it.
fn plain_label(label: &[u8]) -> Option<()> {
    let (&first, &last) = (label.first()?, label.last()?);
    (first != b'-'
        && last != b'-'
        && label.len() <= MAX_LABEL_LEN
        && label.get(2..4) != Some(b"--"))
    .then_some(())
}

/// Letters, digits and `-`: the octets of a host name label.
const LDH: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-';
        b += 1;
    }
    table
};

fn has_ace_label(lower: &str) -> bool {
    lower.split('.').any(|l| l.starts_with("xn--"))
}

/// An A-label must decode and re-encode to itself; bogus punycode is refused.
fn check_a_labels(lower: &str) -> Result<(), DomainNameError> {
    match Uts46::new().to_ascii(
        lower.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::CheckFirstLast,
        DnsLength::Verify,
    ) {
        Ok(round_trip) if round_trip == lower => Ok(()),
        Ok(_) | Err(_) => Err(DomainNameError::InvalidALabel),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, expected normalized name or error code)
    const FROM_ASCII: &[(&str, Result<&str, &str>)] = &[
        ("example.com", Ok("example.com")),
        ("EXAMPLE.Com", Ok("example.com")),
        ("example.com.", Ok("example.com")),
        ("example.com..", Err("domain-empty-label")),
        ("1example.com", Ok("1example.com")),
        ("localhost", Ok("localhost")),
        ("a-b.example", Ok("a-b.example")),
        ("xn--bcher-kva.example", Ok("xn--bcher-kva.example")),
        ("XN--BCHER-KVA.EXAMPLE", Ok("xn--bcher-kva.example")),
        ("xn--a.example", Err("domain-invalid-a-label")),
        ("", Err("domain-empty")),
        (".", Err("domain-empty")),
        (".example.com", Err("domain-empty-label")),
        ("example..com", Err("domain-empty-label")),
        ("*.example.com", Err("domain-invalid-byte")),
        ("exa_mple.com", Err("domain-invalid-byte")),
        ("exa mple.com", Err("domain-invalid-byte")),
        ("ex%61mple.com", Err("domain-invalid-byte")),
        ("exämple.com", Err("domain-not-ascii")),
        ("-example.com", Err("domain-hyphen-at-label-edge")),
        ("example-.com", Err("domain-hyphen-at-label-edge")),
        ("example.123", Err("domain-numeric-top-label")),
        ("192.0.2.1", Err("domain-numeric-top-label")),
        ("example.com\0", Err("domain-invalid-byte")),
        ("example.com\0.evil.net", Err("domain-invalid-byte")),
    ];

    #[test]
    fn from_ascii_table() {
        for &(input, expected) in FROM_ASCII {
            let got = DomainName::from_ascii(input);
            let got = got
                .as_ref()
                .map(DomainName::as_str)
                .map_err(DomainNameError::code);
            assert_eq!(got, expected, "DomainName::from_ascii({input:?})");
        }
    }

    #[test]
    fn lengths() {
        let label63 = "a".repeat(63);
        let label64 = "a".repeat(64);
        assert!(DomainName::from_ascii(&format!("{label63}.example")).is_ok());
        assert_eq!(
            DomainName::from_ascii(&format!("{label64}.example")).map_err(|e| e.code()),
            Err("domain-label-too-long")
        );
        // 4 * 63 + 3 dots = 255 > 253
        let long = [label63.as_str(); 4].join(".");
        assert_eq!(
            DomainName::from_ascii(&long).map_err(|e| e.code()),
            Err("domain-too-long")
        );
        let ok = format!("{}.{}.{}.{}", label63, label63, label63, "a".repeat(61));
        assert_eq!(ok.len(), 253);
        assert!(DomainName::from_ascii(&ok).is_ok(), "{ok}");
        assert!(DomainName::from_ascii(&format!("{ok}.")).is_ok(), "{ok}.");
    }

    const FROM_USER: &[(&str, Result<&str, &str>)] = &[
        ("Bücher.example", Ok("xn--bcher-kva.example")),
        ("bücher.example.", Ok("xn--bcher-kva.example")),
        ("xn--bcher-kva.example", Ok("xn--bcher-kva.example")),
        ("faß.de", Ok("xn--fa-hia.de")),
        ("example\u{3002}com", Ok("example.com")),
        ("ＥＸＡＭＰＬＥ.com", Ok("example.com")),
        ("_sip._tls.example.com", Err("domain-idna")),
        ("exa mple.com", Err("domain-idna")),
        ("xn--a.example", Err("domain-idna")),
        ("", Err("domain-empty")),
        ("-lead.example", Err("domain-idna")),
        ("example.123", Err("domain-numeric-top-label")),
    ];

    #[test]
    fn from_user_input_table() {
        for &(input, expected) in FROM_USER {
            let got = DomainName::from_user_input(input);
            let got = got
                .as_ref()
                .map(DomainName::as_str)
                .map_err(DomainNameError::code);
            assert_eq!(got, expected, "DomainName::from_user_input({input:?})");
        }
    }

    #[test]
    fn subdomain() {
        let d = |s| DomainName::from_ascii(s).unwrap();
        assert!(d("sip.example.com").is_subdomain_of(&d("example.com")));
        assert!(d("a.b.example.com").is_subdomain_of(&d("example.com")));
        assert!(!d("example.com").is_subdomain_of(&d("example.com")));
        assert!(!d("badexample.com").is_subdomain_of(&d("example.com")));
        assert!(!d("example.com").is_subdomain_of(&d("sip.example.com")));
    }

    mod one_pass {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// The one-pass common case and the label-by-label check give the same name or
            /// the same error on generated names (LDH-heavy, with dots, hyphens, `xn--`,
            /// long labels and stray octets).
            #[test]
            fn one_pass_agrees_with_label_by_label(
                input in "[a-zA-Z0-9.-]{0,40}|((xn--)?[a-zA-Z0-9-]{0,70}\\.){0,5}[a-zA-Z0-9-]{0,70}\\.?|[a-zA-Z0-9.*_ -]{0,12}",
                stray in proptest::option::of(any::<u8>()),
            ) {
                let mut bytes = input.into_bytes();
                if let Some(b) = stray {
                    bytes.push(b);
                }
                if let Some(fast) = plain_ldh(&bytes) {
                    prop_assert_eq!(Ok(fast), DomainName::from_ascii_bytes_checked(&bytes));
                }
                prop_assert_eq!(
                    DomainName::from_ascii_bytes(&bytes),
                    DomainName::from_ascii_bytes_checked(&bytes),
                    "{:?}", bytes
                );
            }
        }

        /// A 253-octet name is accepted, a 254-octet one refused; a 63-octet label accepted, a
        /// 64-octet one refused: on both paths.
        #[test]
        fn length_limits() {
            let label63 = "a".repeat(63);
            let name253 = format!("{label63}.{label63}.{label63}.{}", "b".repeat(61));
            let name254 = format!("{name253}c");
            for (input, ok) in [
                (label63.clone(), true),
                (format!("{label63}a"), false),
                (name253.clone(), true),
                (format!("{name253}."), true),
                (name254, false),
            ] {
                assert_eq!(
                    DomainName::from_ascii(&input).is_ok(),
                    ok,
                    "from_ascii({input:?}) ({} octets)",
                    input.len()
                );
                assert_eq!(
                    DomainName::from_ascii(&input),
                    DomainName::from_ascii_bytes_checked(input.as_bytes()),
                    "{input:?}"
                );
            }
        }
    }
}
