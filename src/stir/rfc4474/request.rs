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
use super::super::message::SipRequest;

pub use super::super::message::MAX_REQUEST;

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

impl<'a> Rfc4474Request<'a> {
    /// Reads a whole SIP request (CRLF line ends, an empty line before the body). Refuses a
    /// response, a repeated From, To, Call-ID, CSeq, Date, Contact, Identity, Identity-Info
    /// or Content-Length, a missing From, To, Call-ID or CSeq, a Content-Length that is not
    /// the body's length, and more than [`MAX_REQUEST`] octets.
    pub fn parse(message: &'a [u8]) -> Result<Self, StirError> {
        let message = SipRequest::parse(message).map_err(|e| malformed(&e))?;
        let (method, body) = (message.method, message.body);
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
        for field in message.fields {
            let (name, value, line) = (field.name, field.value, field.line);
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
