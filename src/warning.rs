//! A rejection as a SIP `Warning` header value (RFC 3261 §20.43), so that a server refusing a
//! peer's certificate can tell the requester why.

use super::Rejected;
use core::fmt;

/// The warn-code of [`warning_header`]: 399, "Miscellaneous warning" (RFC 3261 §21.5 lists
/// 399 as the code for a warning that fits no other code; its text is for a human or a log).
pub const WARN_CODE: u16 = 399;

/// The longest warn-agent [`warning_header`] accepts, in octets.
pub const MAX_WARN_AGENT_LEN: usize = 255;

/// The longest warn-text [`warning_header`] writes, in octets (quotes excluded): longer texts
/// are cut at a code boundary and end with `...`.
pub const MAX_WARN_TEXT_LEN: usize = 512;

/// Why a warn-agent is not an RFC 3261 §20.43 `hostport` or `pseudonym`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarnAgentError {
    agent: String,
    offset: usize,
    problem: &'static str,
}

impl WarnAgentError {
    fn new(agent: &str, offset: usize, problem: &'static str) -> Self {
        // Bounded and printable in the message: the agent may be anything a caller passed.
        let shown: String = agent.chars().take(64).collect();
        Self {
            agent: shown,
            offset,
            problem,
        }
    }

    /// The byte offset in the warn-agent where the problem is.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What is wrong, in a few words.
    pub fn problem(&self) -> &'static str {
        self.problem
    }
}

impl fmt::Display for WarnAgentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid warn-agent {:?} at byte offset {}: {} (RFC 3261 §20.43: host[:port] or a pseudonym token)",
            self.agent, self.offset, self.problem
        )
    }
}

impl std::error::Error for WarnAgentError {}

/// Renders a rejection as the value of a SIP `Warning` header (RFC 3261 §20.43): warn-code
/// [`WARN_CODE`] (399), the caller's `warn_agent` (the host\[:port\] of the server adding
/// the header, or a pseudonym token), and a quoted warn-text carrying the reject codes and
/// then the hint codes, so that the requester learns why its certificate was refused:
///
/// ```
/// use sipcert::{check_end_entity, warning_header, DomainName, Policy, Reference, Role};
///
/// let reference = Reference::Domain(DomainName::from_ascii("example.com")?);
/// let verdict = check_end_entity(b"garbage", &reference, Role::Client, &Policy::default());
/// let rejected = verdict.rejected().expect("garbage is rejected");
/// assert_eq!(
///     warning_header(rejected, "proxy.example.com:5061")?,
///     r#"399 proxy.example.com:5061 "sipcert: cert-malformed""#
/// );
/// assert!(warning_header(rejected, "bad agent").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The text is `sipcert: REASON[, REASON...][; HINT[, HINT...]]` with the stable codes of
/// [`ReasonCode`](crate::ReasonCode) and [`Hint`](crate::Hint); it is escaped as an RFC 3261
/// §25.1 quoted-string and at most [`MAX_WARN_TEXT_LEN`] octets long.
pub fn warning_header(rejected: &Rejected, warn_agent: &str) -> Result<String, WarnAgentError> {
    validate_agent(warn_agent)?;
    let reasons: Vec<&str> = rejected.reasons().iter().map(|r| r.code().code()).collect();
    let hints: Vec<&str> = rejected.hints().iter().map(|h| h.code().code()).collect();
    let mut text = String::from("sipcert: ");
    text.push_str(&reasons.join(", "));
    if !hints.is_empty() {
        text.push_str("; ");
        text.push_str(&hints.join(", "));
    }
    Ok(format!(
        "{WARN_CODE} {warn_agent} {}",
        quoted_string(&bounded(&text, MAX_WARN_TEXT_LEN))
    ))
}

/// `text` cut to at most `max` octets, at a character boundary (and after the last `, ` or
/// `; ` that fits when one does), ending with `...` when cut.
fn bounded(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let budget = max.saturating_sub(3);
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() > budget {
            break;
        }
        end = i + c.len_utf8();
    }
    let head = text.get(..end).unwrap_or("");
    let head = match head.rfind([',', ';']) {
        Some(cut) if cut > 0 => head.get(..cut).unwrap_or(head),
        Some(_) | None => head,
    };
    format!("{head}...")
}

/// `text` as an RFC 3261 §25.1 quoted-string: `"` and `\` become quoted-pairs; CR, LF and the
/// other control characters (which a quoted-pair may not carry, or a header should not) become
/// spaces; other characters, UTF-8 included, are qdtext.
fn quoted_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// RFC 3261 §25.1 `token` characters.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.' | b'!' | b'%' | b'*' | b'_' | b'+' | b'`' | b'\'' | b'~'
        )
}

/// RFC 3261 §20.43 `warn-agent = hostport / pseudonym`: a `host` by the crate's SIP URI host
/// grammar (RFC 3261 §25.1 hostname, RFC 5954 IPv4 address, bracketed IPv6 reference) with an
/// optional port, or a token. A token of digits and dots only is read as an address by people
/// and by parsers, so it must be an IPv4 address (`1.2.3.999` is refused, not taken as a
/// pseudonym).
fn validate_agent(agent: &str) -> Result<(), WarnAgentError> {
    let err = |offset, problem| Err(WarnAgentError::new(agent, offset, problem));
    if agent.is_empty() {
        return err(0, "empty");
    }
    if agent.len() > MAX_WARN_AGENT_LEN {
        return err(MAX_WARN_AGENT_LEN, "longer than 255 octets");
    }
    let bytes = agent.as_bytes();
    let pseudonym = bytes.iter().all(|&b| is_token_char(b))
        && !bytes.iter().all(|&b| b.is_ascii_digit() || b == b'.');
    if pseudonym {
        return Ok(());
    }
    let end = crate::uri::host_prefix(bytes)
        .map_err(|e| WarnAgentError::new(agent, e.offset(), host_problem(e.kind())))?;
    match agent.get(end..) {
        Some("") => Ok(()),
        Some(tail) => match tail.strip_prefix(':') {
            Some(port) => validate_port(agent, end + 1, port),
            None => err(end, "expected ':' and a port after the host"),
        },
        None => err(end, "not a host"),
    }
}

/// What is wrong with a warn-agent's host, by the host grammar's error.
fn host_problem(kind: crate::uri::UriErrorKind) -> &'static str {
    use crate::uri::UriErrorKind as K;
    match kind {
        K::EmptyHost => "a port without a host",
        K::InvalidIpv4 => {
            "not an IPv4 address (four decimal octets 0-255 without leading zeros) nor a host name"
        }
        K::InvalidIpv6 => "not an IPv6 address inside '[...]'",
        K::UnterminatedIpv6 => "an IPv6 reference without ']'",
        K::UnbracketedIpv6 => "an IPv6 address must be written in '[...]'",
        K::InvalidByte => "a character that is not allowed in a host or a token",
        // Every other host error: not a hostname by RFC 3261 §25.1 (labels of letters, digits
        // and '-', neither starting nor ending with '-', a top label starting with a letter).
        _ => "not a host name (RFC 3261 §25.1)",
    }
}

fn validate_port(agent: &str, offset: usize, port: &str) -> Result<(), WarnAgentError> {
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WarnAgentError::new(
            agent,
            offset,
            "the port is not 1 to 5 digits",
        ));
    }
    if port.parse::<u16>().is_err() {
        return Err(WarnAgentError::new(agent, offset, "the port is over 65535"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::ReasonCode;
    use crate::verdict::Rejected;

    const GOOD_AGENTS: &[&str] = &[
        "proxy.example.com",
        "proxy.example.com.",
        "proxy.example.com:5061",
        "192.0.2.1",
        "192.0.2.1:5061",
        "[2001:db8::1]",
        "[2001:db8::1]:5061",
        "sipcert",
        "my-proxy_1",
        "a:0",
        "a:65535",
        "1.2.3.4:5060",
        "0.0.0.0:5060",
        "255.255.255.255",
        "proxy.example.com.:5061",
        "a1.example:5060",
        "x:5060",
        "[::1]:5061",
        "[::ffff:192.0.2.1]",
    ];

    /// (agent, byte offset of the problem)
    const BAD_AGENTS: &[(&str, usize)] = &[
        ("", 0),
        ("bad agent", 3),
        ("proxy\r\nX-Injected: 1", 5),
        ("proxy\"", 5),
        ("a:", 2),
        (":5061", 0),
        ("a:65536", 2),
        ("a:123456", 2),
        ("a:50x", 2),
        ("a..b:1", 2),
        ("-a.example:1", 0),
        ("a.example-:1", 2),
        ("[2001:db8::1", 0),
        ("[not-v6]", 1),
        ("[2001:db8::1]x", 13),
        ("[2001:db8::1]:", 14),
        ("host:1:2", 5),
        ("h\u{e9}", 1),
        // RFC 3261 §25.1: neither an IPv4address (dec-octets 0-255, RFC 5954: no leading
        // zeros) nor a hostname (the top label starts with a letter).
        ("1.2.3.999:5060", 0),
        ("256.1.1.1:5060", 0),
        ("01.2.3.4:5060", 0),
        ("1.2.3:5060", 0),
        ("1.2.3.4.5:5060", 0),
        ("example.123:5060", 8),
        ("example.1a:5060", 8),
        ("a_b.example:5060", 1),
        // Without a port, an all-digit dotted token would be read as an address.
        ("1.2.3.999", 0),
        ("1.2.3", 0),
    ];

    #[test]
    fn valid_agents_are_accepted() {
        for agent in GOOD_AGENTS {
            assert_eq!(validate_agent(agent), Ok(()), "agent {agent:?}");
        }
    }

    #[test]
    fn invalid_agents_are_refused_with_the_offset() {
        let wrong: Vec<String> = BAD_AGENTS
            .iter()
            .filter_map(|(agent, offset)| match validate_agent(agent) {
                Ok(()) => Some(format!("agent {agent:?} was accepted")),
                Err(e) if e.offset() != *offset => Some(format!(
                    "agent {agent:?}: offset {} not {offset}: {e}",
                    e.offset()
                )),
                Err(_) => None,
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
        let long = "a".repeat(MAX_WARN_AGENT_LEN + 1);
        assert!(validate_agent(&long).is_err(), "a 256-octet agent");
        assert_eq!(validate_agent(&"a".repeat(MAX_WARN_AGENT_LEN)), Ok(()));
    }

    /// (text, quoted-string)
    const QUOTING: &[(&str, &str)] = &[
        ("plain", r#""plain""#),
        (r#"say "hi""#, r#""say \"hi\"""#),
        (r"back\slash", r#""back\\slash""#),
        ("line\r\nX-Injected: 1", r#""line  X-Injected: 1""#),
        ("tab\there\0nul\u{7f}", r#""tab here nul ""#),
        ("caf\u{e9}", "\"caf\u{e9}\""),
        ("", r#""""#),
    ];

    #[test]
    fn warn_text_is_a_quoted_string() {
        for (text, want) in QUOTING {
            assert_eq!(quoted_string(text), *want, "text {text:?}");
        }
    }

    #[test]
    fn long_text_is_cut_at_a_code_boundary() {
        // (text, max, want)
        let cases: &[(&str, usize, &str)] = &[
            ("sipcert: a, b", 64, "sipcert: a, b"),
            ("sipcert: aaaa, bbbb, cccc", 20, "sipcert: aaaa..."),
            ("sipcert: aaaa; bbbb", 18, "sipcert: aaaa..."),
            ("\u{e9}\u{e9}\u{e9}\u{e9}", 6, "\u{e9}..."),
        ];
        for (text, max, want) in cases {
            let got = bounded(text, *max);
            assert_eq!(got, *want, "text {text:?} max {max}");
            assert!(
                got.len() <= *max,
                "text {text:?} max {max}: {got:?} too long"
            );
        }
    }

    #[test]
    fn a_rejection_renders_its_reasons_then_its_hints() {
        let mut r = Rejected::new(ReasonCode::NoMatchingIdentity, "no match", None);
        r.add_reason(ReasonCode::EkuNotPermitted, "eku");
        assert_eq!(
            warning_header(&r, "proxy.example.com").as_deref(),
            Ok(r#"399 proxy.example.com "sipcert: no-matching-identity, eku-not-permitted""#)
        );
        assert!(warning_header(&r, "proxy example").is_err());
    }

    #[test]
    fn a_host_style_certificate_gets_the_host_within_domain_hint() {
        use crate::chain::decision::check_end_entity;
        use crate::domain::DomainName;
        use crate::policy::{Policy, Role};
        use crate::reference::Reference;
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.subject_alt_names = vec![rcgen::SanType::DnsName(
            "sip.atlanta.com".try_into().expect("dns"),
        )];
        let cert = params.self_signed(&key).expect("cert");
        let reference = Reference::Domain(DomainName::from_ascii("atlanta.com").expect("domain"));
        let verdict = check_end_entity(
            cert.der().as_ref(),
            &reference,
            Role::Server,
            &Policy::default(),
        );
        let rejected = verdict
            .rejected()
            .expect("sip.atlanta.com is not atlanta.com");
        assert_eq!(
            warning_header(rejected, "proxy.example.com").as_deref(),
            Ok(r#"399 proxy.example.com "sipcert: no-matching-identity; hint-host-within-domain""#)
        );
    }
}
