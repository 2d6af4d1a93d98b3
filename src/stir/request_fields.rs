//! What an RFC 8224 verifier reads from a whole SIP request: every Identity header value,
//! the calling and called numbers, the From URI and the Date ([`RequestFields::parse`]).

use super::codes::{StirCode, StirError};
use super::message::{addr_spec, Field, SipRequest};
use super::tn::{caller_number, CanonicalTn};
use crate::uri::{NameAddr, OwnedSipUri};

/// The fields of a SIP request that an RFC 8224 §6.2 verification checks the Identity
/// headers against. Build it with [`RequestFields::parse`]; each value feeds a
/// [`StirRequest`](super::StirRequest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFields {
    /// Every Identity header value, in order (RFC 8224 §4: one per PASSporT; never empty).
    pub identities: Vec<String>,
    /// The calling number (RFC 8224 §5.2, §6.2 step 1): the first P-Asserted-Identity URI
    /// that names a telephone number, else the From URI's number.
    pub orig: CanonicalTn,
    /// The called number: the To URI's number. RFC 8224 §6.2 step 1 compares `dest` with the
    /// To header field's URI, not the Request-URI, because retargeting changes the
    /// Request-URI in transit while the To stays what the caller dialled (§12.1 on the
    /// Request-URI's unreliability).
    pub dest: CanonicalTn,
    /// The From URI, when it is a `sip:`/`sips:` URI (for an `orig.uri` PASSporT).
    pub from_uri: Option<OwnedSipUri>,
    /// The Date header value, if present.
    pub date: Option<String>,
}

fn malformed(message: &str) -> StirError {
    StirError::new(
        StirCode::RequestMalformed,
        format!("{message} (RFC 8224 §6.2 reads the request's From, To, Identity and Date)"),
    )
}

/// `Err(message)` of the shared reader, as `stir-request-malformed`.
fn at<T>(result: Result<T, String>) -> Result<T, StirError> {
    result.map_err(|e| malformed(&e))
}

/// The number a From, To or P-Asserted-Identity field names, the error naming its line.
fn number_of(field: &Field, uri: &str) -> Result<CanonicalTn, StirError> {
    caller_number(uri).map_err(|e| {
        StirError::new(
            e.code,
            format!(
                "line {}: the {} header: {}",
                field.line, field.name, e.message
            ),
        )
    })
}

/// The one field `name` a request must carry, not empty.
fn required<'r>(request: &'r SipRequest<'_>, name: &str) -> Result<&'r Field, StirError> {
    let field = at(request.one(name))?
        .ok_or_else(|| malformed(&format!("the request has no {name} header")))?;
    if field.value.is_empty() {
        return Err(malformed(&format!(
            "line {}: the {name} header is empty",
            field.line
        )));
    }
    Ok(field)
}

/// The first P-Asserted-Identity URI that names a telephone number (RFC 3325 allows a
/// `sip:` and a `tel:` URI, in one field or two).
fn asserted_number(request: &SipRequest<'_>) -> Result<Option<CanonicalTn>, StirError> {
    for field in request.all("p-asserted-identity") {
        let list = NameAddr::parse_list(&field.value).map_err(|e| {
            malformed(&format!(
                "line {}: the P-Asserted-Identity header {:?} is not a list of name-addrs: {e}",
                field.line, field.value
            ))
        })?;
        if let Some(tn) = list
            .iter()
            .find_map(|n| caller_number(n.uri().as_str()).ok())
        {
            return Ok(Some(tn));
        }
    }
    Ok(None)
}

impl RequestFields {
    /// Reads a whole SIP request (CRLF line ends, an empty line before the body; folded
    /// lines and compact names `f`, `t`, `y` accepted). Fails with `stir-request-malformed`
    /// (naming the line) for a response, a malformed header line, a missing, empty or
    /// repeated From, To or Date, an unparsable From or To, or more than
    /// [`MAX_REQUEST`](super::message::MAX_REQUEST) octets; with
    /// `stir-caller-number-invalid` when neither P-Asserted-Identity nor From, or not To,
    /// names a telephone number; with `stir-identity-missing` when there is no Identity
    /// header (RFC 8224 §6.2.2: 428).
    pub fn parse(message: &[u8]) -> Result<Self, StirError> {
        let request = at(SipRequest::parse(message))?;
        let from = required(&request, "from")?;
        let to = required(&request, "to")?;
        let date = at(request.one("date"))?.map(|f| f.value.clone());
        let from_text = at(addr_spec("From", &from.value))?;
        let to_text = at(addr_spec("To", &to.value))?;
        let orig = match asserted_number(&request)? {
            Some(tn) => tn,
            None => number_of(from, from_text)?,
        };
        let dest = number_of(to, to_text)?;
        let from_uri = OwnedSipUri::parse(from_text).ok();
        let mut identities = Vec::new();
        for field in request.all("identity") {
            if field.value.is_empty() {
                return Err(malformed(&format!(
                    "line {}: the Identity header is empty",
                    field.line
                )));
            }
            identities.push(field.value.clone());
        }
        if identities.is_empty() {
            return Err(StirError::new(
                StirCode::IdentityMissing,
                "the request has no Identity header (RFC 8224 §6.2.2: 428 Use Identity Header)",
            ));
        }
        Ok(Self {
            identities,
            orig,
            dest,
            from_uri,
            date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (headers, orig, dest, identities, from URI, date)
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        usize,
        Option<&'a str>,
        Option<&'a str>,
    );

    const ID: &str = "a.b.c;info=<https://cert.example/sp.pem>;alg=ES256;ppt=shaken";

    fn request(headers: &str) -> Vec<u8> {
        format!("INVITE sip:+12155551213@b.example SIP/2.0\r\n{headers}\r\n").into_bytes()
    }

    #[test]
    fn reads_the_fields() {
        // (headers, orig, dest, identities, from URI, date)
        let rows: &[Row<'_>] = &[
            (
                "From: <sip:+12155551212@a.example;user=phone>;tag=1\r\nTo: <tel:+12155551213>\r\nIdentity: a.b.c\r\n",
                "12155551212", "12155551213", 1, Some("sip:+12155551212@a.example;user=phone"), None,
            ),
            // P-Asserted-Identity before From; its first URI naming a number wins.
            (
                "From: <sip:+12155550000@a.example>\r\nP-Asserted-Identity: <sip:alice@a.example>, <tel:+12155551212>\r\nTo: <tel:+12155551213>\r\nIdentity: a.b.c\r\n",
                "12155551212", "12155551213", 1, Some("sip:+12155550000@a.example"), None,
            ),
            // Compact names.
            (
                "f: <tel:+12155551212>\r\nt: <tel:+12155551213>\r\ny: a.b.c\r\n",
                "12155551212", "12155551213", 1, None, None,
            ),
            // A folded Identity, two Identity headers, a Date.
            (
                "From: <tel:+12155551212>\r\nTo: <tel:+12155551213>\r\nIdentity: a.b.c;\r\n info=<https://x>\r\nIdentity: d.e.f\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
                "12155551212", "12155551213", 2, None, Some("Sun, 06 Nov 1994 08:49:37 GMT"),
            ),
        ];
        for (headers, orig, dest, count, from, date) in rows {
            let got = RequestFields::parse(&request(headers))
                .unwrap_or_else(|e| panic!("{headers:?}: {e}"));
            assert_eq!(got.orig.as_str(), *orig, "{headers:?}");
            assert_eq!(got.dest.as_str(), *dest, "{headers:?}");
            assert_eq!(got.identities.len(), *count, "{headers:?}");
            assert_eq!(
                got.from_uri.as_ref().map(ToString::to_string).as_deref(),
                *from,
                "{headers:?}"
            );
            assert_eq!(got.date.as_deref(), *date, "{headers:?}");
        }
        let folded = RequestFields::parse(&request(
            "From: <tel:+12155551212>\r\nTo: <tel:+12155551213>\r\nIdentity: a.b.c;\r\n info=<https://x>\r\n",
        ))
        .unwrap();
        assert_eq!(folded.identities, ["a.b.c; info=<https://x>"]);
        let one = RequestFields::parse(&request(&format!(
            "From: <tel:+12155551212>\r\nTo: <tel:+12155551213>\r\nIdentity: {ID}\r\n"
        )))
        .unwrap();
        assert_eq!(one.identities, [ID]);
    }

    #[test]
    fn refuses_with_a_code_naming_the_line() {
        const OK: &str = "From: <tel:+12155551212>\r\nTo: <tel:+12155551213>\r\n";
        // (whole message, code, text the message must contain)
        let rows: Vec<(Vec<u8>, StirCode, &str)> = vec![
            (request(OK), StirCode::IdentityMissing, "no Identity header"),
            (
                request(&format!(
                    "{OK}From: <tel:+12155551214>\r\nIdentity: a.b.c\r\n"
                )),
                StirCode::RequestMalformed,
                "line 4: a second from header",
            ),
            (
                b"SIP/2.0 200 OK\r\nFrom: <tel:+1>\r\n\r\n".to_vec(),
                StirCode::RequestMalformed,
                "line 1",
            ),
            (
                request(&format!("{OK}Identity\r\n")),
                StirCode::RequestMalformed,
                "line 4 is not `name: value`",
            ),
            (
                request("To: <tel:+12155551213>\r\nIdentity: a.b.c\r\n"),
                StirCode::RequestMalformed,
                "no from header",
            ),
            (
                request(
                    "From: <sip:alice@a.example>\r\nTo: <tel:+12155551213>\r\nIdentity: a.b.c\r\n",
                ),
                StirCode::CallerNumberInvalid,
                "line 2: the from header",
            ),
            (
                request(&format!(
                    "{OK}Identity: a.b.c\r\nP-Asserted-Identity: <<\r\n"
                )),
                StirCode::RequestMalformed,
                "line 5: the P-Asserted-Identity",
            ),
            (
                request(&format!("{OK}Identity: a.b.c\r\nDate: x\r\nDate: y\r\n")),
                StirCode::RequestMalformed,
                "line 6: a second date header",
            ),
        ];
        for (message, code, text) in rows {
            let shown = String::from_utf8_lossy(&message).into_owned();
            let err = RequestFields::parse(&message).expect_err(&shown);
            assert_eq!(err.code, code, "{shown:?}: {err}");
            assert!(err.message.contains(text), "{shown:?}: {err}");
        }
    }
}
