//! The RFC 4474 §9 digest string: the addr-spec of From, the addr-spec of To, the Call-ID,
//! the CSeq number and method (one SP between them), the Date, the addr-spec of Contact
//! (empty when there is none), and the body, joined by `|`.

use super::super::codes::{StirCode, StirError};
use super::super::message;
use super::request::Rfc4474Request;
use crate::uri::NameAddr;

fn malformed(message: &str) -> StirError {
    StirError::new(
        StirCode::Rfc4474RequestMalformed,
        format!("{message} (RFC 4474 §9 digest string)"),
    )
}

/// The addr-spec of a From, To or Contact value (a name-addr's URI inside `<>`, or the
/// addr-spec itself), parsed with the crate's name-addr reader.
pub(super) fn addr_spec<'v>(header: &str, value: &'v str) -> Result<&'v str, StirError> {
    message::addr_spec(header, value).map_err(|e| malformed(&e))
}

/// The CSeq as `number SP method`: RFC 3261 §20.16's `1*DIGIT LWS Method`, the number below
/// 2**31, the method the request line's.
fn cseq(value: &str, method: &str) -> Result<String, StirError> {
    let bad = |why: &str| malformed(&format!("the CSeq header {value:?}: {why}"));
    let (number, rest) = value
        .split_once([' ', '\t'])
        .ok_or_else(|| bad("expected `number method`"))?;
    let cseq_method = rest.trim_start_matches([' ', '\t']);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) || number.len() > 10 {
        return Err(bad("the sequence number is not 1 to 10 digits"));
    }
    let n: u64 = number.parse().map_err(|_| bad("the sequence number"))?;
    if n >= 1 << 31 {
        return Err(bad(
            "the sequence number is 2**31 or more (RFC 3261 §8.1.1.5)",
        ));
    }
    if cseq_method != method {
        return Err(bad(&format!(
            "the method is not the request line's {method:?}"
        )));
    }
    Ok(format!("{number} {cseq_method}"))
}

/// The digest string of `request` (RFC 4474 §9). The Date header is required (the digest
/// has no string without it).
pub fn digest_string(request: &Rfc4474Request<'_>) -> Result<Vec<u8>, StirError> {
    let from = addr_spec("From", &request.from)?;
    let to = addr_spec("To", &request.to)?;
    if request.call_id.contains([' ', '\t']) {
        return Err(malformed(&format!(
            "the Call-ID {:?} contains whitespace",
            request.call_id
        )));
    }
    let cseq = cseq(&request.cseq, request.method)?;
    let date = request
        .date
        .as_deref()
        .ok_or_else(|| malformed("the request has no Date header, which RFC 4474 signs"))?;
    let contact = match request.contact.as_deref() {
        None => "",
        Some(value) => {
            let list = NameAddr::parse_list(value).map_err(|e| {
                malformed(&format!(
                    "the Contact header {value:?} is not a name-addr or addr-spec: {e}"
                ))
            })?;
            match list.as_slice() {
                [one] => one.uri().as_str(),
                _ => {
                    return Err(malformed(&format!(
                        "the Contact header {value:?} has {} values; RFC 4474 signs one",
                        list.len()
                    )))
                }
            }
        }
    };
    let mut out = Vec::with_capacity(256 + request.body.len());
    for part in [from, to, &request.call_id, &cseq, date, contact] {
        out.extend_from_slice(part.as_bytes());
        out.push(b'|');
    }
    out.extend_from_slice(request.body);
    Ok(out)
}
