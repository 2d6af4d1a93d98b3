//! The parts of a SIP request that RFC 4474 signs, read from the whole request by a small
//! strict header reader: the request line, header fields (folded lines unfolded, compact
//! names expanded, names compared case-insensitively), the body after the empty line, and
//! the Content-Length checked against it.
//!
//! The reader takes the whole request rather than a struct of values the caller filled,
//! because the signature covers exact bytes (the addr-specs, the Call-ID, the body): the
//! addr-spec of a name-addr and the body bounds are where a caller's own extraction would
//! quietly differ from the signer's.

use super::super::codes::{StirCode, StirError};

/// At most this many octets of request (a SIP request over UDP is far smaller).
pub const MAX_REQUEST: usize = 256 * 1024;

/// The header fields RFC 4474 reads from a request, as their (unfolded, trimmed) values, and
/// the body. Build it with [`Rfc4474Request::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfc4474Request<'a> {
    /// The request method (from the request line).
    pub method: &'a str,
    /// The Identity header value, if present.
    pub identity: Option<String>,
    /// The Identity-Info header value, if present.
    pub identity_info: Option<String>,
    /// The From header value.
    pub from: String,
    /// The To header value.
    pub to: String,
    /// The Call-ID header value.
    pub call_id: String,
    /// The CSeq header value.
    pub cseq: String,
    /// The Date header value, if present.
    pub date: Option<String>,
    /// The Contact header value, if present.
    pub contact: Option<String>,
    /// The message body (the octets after the empty line).
    pub body: &'a [u8],
}

fn malformed(message: &str) -> StirError {
    StirError::new(
        StirCode::Rfc4474RequestMalformed,
        format!("{message} (RFC 4474 §9 needs it for the digest string)"),
    )
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

/// The header fields of the header section, unfolded: `(lower-case full name, value, line)`.
fn header_fields(section: &str) -> Result<Vec<(String, String, usize)>, StirError> {
    let mut fields: Vec<(String, String, usize)> = Vec::new();
    for (index, line) in section.split("\r\n").enumerate().skip(1) {
        let line_no = index + 1;
        if line.starts_with([' ', '\t']) {
            let Some(last) = fields.last_mut() else {
                return Err(malformed(&format!(
                    "line {line_no} continues a header field but none precedes it"
                )));
            };
            last.1.push(' ');
            last.1.push_str(line.trim());
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(malformed(&format!("line {line_no} is not `name: value`")));
        };
        let name = name.trim_end_matches([' ', '\t']);
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
        {
            return Err(malformed(&format!(
                "line {line_no}: the header field name {name:?} is not a token"
            )));
        }
        fields.push((full_name(name), value.trim().to_owned(), line_no));
    }
    Ok(fields)
}

/// The request line's method; a status line (a response) is refused.
fn method(line: &str) -> Result<&str, StirError> {
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(uri), Some("SIP/2.0"), None)
            if !method.is_empty()
                && method.bytes().all(|b| b.is_ascii_uppercase())
                && !uri.is_empty() =>
        {
            Ok(method)
        }
        _ => Err(malformed(&format!(
            "line 1 {line:?} is not a request line `METHOD Request-URI SIP/2.0`"
        ))),
    }
}

impl<'a> Rfc4474Request<'a> {
    /// Reads a whole SIP request (CRLF line ends, an empty line before the body). Refuses a
    /// response, a repeated From, To, Call-ID, CSeq, Date, Contact, Identity, Identity-Info
    /// or Content-Length, a missing From, To, Call-ID or CSeq, a Content-Length that is not
    /// the body's length, and more than [`MAX_REQUEST`] octets.
    pub fn parse(message: &'a [u8]) -> Result<Self, StirError> {
        if message.len() > MAX_REQUEST {
            return Err(malformed(&format!(
                "the request has {} octets, more than the {MAX_REQUEST} allowed",
                message.len()
            )));
        }
        let split = message
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| malformed("the request has no empty line (CRLF CRLF)"))?;
        let (head, rest) = message.split_at(split);
        let body = rest.get(4..).unwrap_or_default();
        let head = core::str::from_utf8(head).map_err(|e| {
            malformed(&format!(
                "the header section is not UTF-8 at byte {}",
                e.valid_up_to()
            ))
        })?;
        let request_line = head.split("\r\n").next().unwrap_or_default();
        let method = method(request_line)?;
        let mut request = Self {
            method,
            identity: None,
            identity_info: None,
            from: String::new(),
            to: String::new(),
            call_id: String::new(),
            cseq: String::new(),
            date: None,
            contact: None,
            body,
        };
        let mut content_length = None;
        for (name, value, line) in header_fields(head)? {
            let slot = match name.as_str() {
                "identity" => &mut request.identity,
                "identity-info" => &mut request.identity_info,
                "date" => &mut request.date,
                "contact" => &mut request.contact,
                "content-length" => &mut content_length,
                "from" | "to" | "call-id" | "cseq" => {
                    let slot = match name.as_str() {
                        "from" => &mut request.from,
                        "to" => &mut request.to,
                        "call-id" => &mut request.call_id,
                        _ => &mut request.cseq,
                    };
                    if !slot.is_empty() {
                        return Err(malformed(&format!("line {line}: a second {name} header")));
                    }
                    if value.is_empty() {
                        return Err(malformed(&format!(
                            "line {line}: the {name} header is empty"
                        )));
                    }
                    *slot = value;
                    continue;
                }
                _ => continue,
            };
            if slot.is_some() {
                return Err(malformed(&format!("line {line}: a second {name} header")));
            }
            *slot = Some(value);
        }
        request.check_required()?;
        check_length(content_length.as_deref(), body)?;
        Ok(request)
    }

    /// From, To, Call-ID and CSeq are present.
    fn check_required(&self) -> Result<(), StirError> {
        for (name, value) in [
            ("From", &self.from),
            ("To", &self.to),
            ("Call-ID", &self.call_id),
            ("CSeq", &self.cseq),
        ] {
            if value.is_empty() {
                return Err(malformed(&format!("the request has no {name} header")));
            }
        }
        Ok(())
    }
}

/// A Content-Length, when present, is the body's length.
fn check_length(content_length: Option<&str>, body: &[u8]) -> Result<(), StirError> {
    if let Some(length) = content_length {
        let ok = length.bytes().all(|b| b.is_ascii_digit())
            && length.parse::<usize>().ok() == Some(body.len());
        if !ok {
            return Err(malformed(&format!(
                "Content-Length {length:?} is not the body's length {}",
                body.len()
            )));
        }
    }
    Ok(())
}
