//! The URIs of the RFC 4475 / RFC 5118 torture messages (`../shared/corpus/sip-torture/`).
//!
//! For every message, the Request-URI and the To, From, Contact, Route and Record-Route
//! values are parsed. Messages whose defect is a URI or name-addr defect must fail there;
//! in every other message (valid, semantic, or malformed elsewhere) every URI must parse.

use sipcert::uri::{AddrSpec, NameAddr, SipUri};
use sipcert_testkit::corpus;

/// Messages whose defect RFC 4475 / RFC 5118 places in a URI or name-addr.
const URI_INVALID: &[&str] = &[
    "rfc4475/badinv01.dat", // 3.1.2.1 empty header parameters (";;;;") after a name-addr
    "rfc4475/ltgtruri.dat", // 3.1.2.7 Request-URI in <>
    "rfc4475/lwsruri.dat",  // 3.1.2.8 LWS inside the Request-URI
    "rfc4475/escruri.dat",  // 3.1.2.11 headers in the Request-URI
    "rfc4475/regbadct.dat", // 3.1.2.13 Contact URI with '?' not in <>
    "rfc4475/badaspec.dat", // 3.1.2.14 spaces in an addr-spec
    "rfc4475/baddn.dat",    // 3.1.2.15 non-token display name
    "rfc4475/quotbal.dat",  // 3.1.2.6 unterminated quoted string
    "rfc5118/ipv6-bad.dat", // 4.2 IPv6 without brackets
    "rfc5118/ipv6-bug-abnf-3-colons.dat", // 4.10 three colons (strict, D4)
];

/// Messages malformed in the Request-Line itself (not in the URI): the line does not split
/// into exactly `Method SP Request-URI SP SIP-Version`.
const REQUEST_LINE_INVALID: &[&str] = &["rfc4475/lwsstart.dat", "rfc4475/trws.dat"];

/// Header section, unfolded: (name, value) pairs; and the start line.
fn headers(msg: &[u8]) -> (String, Vec<(String, String)>) {
    let end = msg
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(msg.len());
    let text = String::from_utf8_lossy(&msg[..end]);
    let mut lines = text.split("\r\n");
    let start = lines.next().unwrap_or_default().to_owned();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push_str("\r\n");
                last.1.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_owned(), value.to_owned()));
        }
    }
    (start, out)
}

/// Parses every URI of a message; returns the failures.
fn check_message(msg: &[u8]) -> Result<usize, Vec<String>> {
    let (start, headers) = headers(msg);
    let mut errors = Vec::new();
    let mut parsed = 0;
    if !start.starts_with("SIP/") {
        let parts: Vec<&str> = start.split(' ').collect();
        if parts.len() == 3 {
            let uri = parts[1];
            let r = match SipUri::parse_request_uri(uri) {
                Ok(_) => Ok(()),
                Err(e) if e.code() == "not-sip-scheme" => AddrSpec::parse(uri).map(|_| ()),
                Err(e) => Err(e),
            };
            match r {
                Ok(()) => parsed += 1,
                Err(e) => errors.push(format!("Request-URI {uri:?}: {e}")),
            }
        } else {
            errors.push(format!(
                "request line {start:?} is not Method SP URI SP Version"
            ));
        }
    }
    for (name, value) in &headers {
        let lower = name.to_ascii_lowercase();
        let r = match lower.as_str() {
            "to" | "t" | "from" | "f" => NameAddr::parse(value).map(|_| 1),
            "contact" | "m" if value.trim() == "*" => Ok(0),
            "contact" | "m" | "route" | "record-route" => {
                NameAddr::parse_list(value).map(|v| v.len())
            }
            _ => continue,
        };
        match r {
            Ok(n) => parsed += n,
            Err(e) => errors.push(format!("{name}: {value:?}: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

#[test]
fn torture_message_uris() {
    let Some(dir) = corpus::dir() else {
        return;
    };
    let dir = dir.join("sip-torture");
    let rows = corpus::read_tsv(&dir.join("index.tsv"));
    assert!(rows.len() >= 61, "index lists {} messages", rows.len());
    let mut total = 0;
    let mut failures = Vec::new();
    for row in rows {
        let file = row.get("file");
        let msg = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let result = check_message(&msg);
        let ctx = format!(
            "{file} (RFC {} §{} {}, {})",
            row.get("rfc"),
            row.get("section"),
            row.get("title"),
            row.get("verdict")
        );
        match result {
            Ok(n) if URI_INVALID.contains(&file) => {
                failures.push(format!(
                    "{ctx}: all {n} URIs parsed, expected a URI rejection"
                ));
            }
            Ok(n) => total += n,
            Err(e) if URI_INVALID.contains(&file) => {
                eprintln!("{ctx}: rejected as expected: {}", e.join("; "));
            }
            Err(e)
                if REQUEST_LINE_INVALID.contains(&file)
                    && e.len() == 1
                    && e[0].starts_with("request line") => {}
            Err(e) => failures.push(format!("{ctx}: {}", e.join("; "))),
        }
    }
    assert!(total >= 150, "only {total} URIs parsed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
