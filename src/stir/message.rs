//! A small strict reader of a whole SIP request, shared by the RFC 8224 request reader
//! ([`RequestFields`](super::RequestFields)) and the RFC 4474 legacy verifier: the request
//! line, the header fields (folded lines unfolded, compact names expanded, names compared
//! case-insensitively, each with its line number) and the body after the empty line.
//!
//! Errors are plain messages naming the line; each caller wraps them in its own
//! [`StirCode`](super::StirCode).

use crate::uri::NameAddr;

/// At most this many octets of request (a SIP request over UDP is far smaller).
pub const MAX_REQUEST: usize = 256 * 1024;

/// One header field: its full lower-case name, its unfolded trimmed value, its line (1-based,
/// the line where the field starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The full lower-case name (compact forms expanded).
    pub(crate) name: String,
    /// The value, folded lines joined with one space, trimmed.
    pub(crate) value: String,
    /// The line the field starts on (line 1 is the request line).
    pub(crate) line: usize,
}

/// A SIP request read by [`SipRequest::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SipRequest<'a> {
    /// The request method.
    pub(crate) method: &'a str,
    /// The header fields in order.
    pub(crate) fields: Vec<Field>,
    /// The octets after the empty line.
    pub(crate) body: &'a [u8],
}

/// The full name of a header field name, compact forms expanded (RFC 3261 §7.3.3, RFC 4474
/// §9 for `y` and `n`), lower-cased.
fn full_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let full = match lower.as_str() {
        "f" => "from",
        "t" => "to",
        "i" => "call-id",
        "m" => "contact",
        "l" => "content-length",
        "y" => "identity",
        "n" => "identity-info",
        other => other,
    };
    full.to_owned()
}

/// The header fields of the header section, unfolded.
fn header_fields(section: &str) -> Result<Vec<Field>, String> {
    let mut fields: Vec<Field> = Vec::new();
    for (index, line) in section.split("\r\n").enumerate().skip(1) {
        let line_no = index + 1;
        if line.starts_with([' ', '\t']) {
            let Some(last) = fields.last_mut() else {
                return Err(format!(
                    "line {line_no} continues a header field but none precedes it"
                ));
            };
            last.value.push(' ');
            last.value.push_str(line.trim());
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("line {line_no} is not `name: value`"));
        };
        let name = name.trim_end_matches([' ', '\t']);
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
        {
            return Err(format!(
                "line {line_no}: the header field name {name:?} is not a token"
            ));
        }
        fields.push(Field {
            name: full_name(name),
            value: value.trim().to_owned(),
            line: line_no,
        });
    }
    Ok(fields)
}

/// The request line's method; a status line (a response) is refused.
fn method(line: &str) -> Result<&str, String> {
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(uri), Some("SIP/2.0"), None)
            if !method.is_empty()
                && method.bytes().all(|b| b.is_ascii_uppercase())
                && !uri.is_empty() =>
        {
            Ok(method)
        }
        _ => Err(format!(
            "line 1 {line:?} is not a request line `METHOD Request-URI SIP/2.0`"
        )),
    }
}

impl<'a> SipRequest<'a> {
    /// Reads a whole SIP request (CRLF line ends, an empty line before the body). Refuses a
    /// response, a header section that is not UTF-8, a malformed header line and more than
    /// [`MAX_REQUEST`] octets.
    pub(crate) fn parse(message: &'a [u8]) -> Result<Self, String> {
        if message.len() > MAX_REQUEST {
            return Err(format!(
                "the request has {} octets, more than the {MAX_REQUEST} allowed",
                message.len()
            ));
        }
        let split = message
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| "the request has no empty line (CRLF CRLF)".to_owned())?;
        let (head, rest) = message.split_at(split);
        let body = rest.get(4..).unwrap_or_default();
        let head = core::str::from_utf8(head).map_err(|e| {
            format!(
                "the header section is not UTF-8 at byte {}",
                e.valid_up_to()
            )
        })?;
        let request_line = head.split("\r\n").next().unwrap_or_default();
        let method = method(request_line)?;
        Ok(Self {
            method,
            fields: header_fields(head)?,
            body,
        })
    }

    /// Every field named `name` (full lower-case name), in order.
    pub(crate) fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Field> + 's {
        self.fields.iter().filter(move |f| f.name == name)
    }

    /// The one field named `name`, if any; a second one is refused, naming its line.
    pub(crate) fn one(&self, name: &str) -> Result<Option<&Field>, String> {
        let mut found = self.fields.iter().filter(|f| f.name == name);
        let first = found.next();
        match found.next() {
            Some(second) => Err(format!("line {}: a second {name} header", second.line)),
            None => Ok(first),
        }
    }
}

/// The addr-spec of a From, To, Contact or P-Asserted-Identity value (a name-addr's URI
/// inside `<>`, or the addr-spec itself), parsed with the crate's name-addr reader.
pub(crate) fn addr_spec<'v>(header: &str, value: &'v str) -> Result<&'v str, String> {
    NameAddr::parse(value)
        .map(|n| n.uri().as_str())
        .map_err(|e| format!("the {header} header {value:?} is not a name-addr or addr-spec: {e}"))
}
