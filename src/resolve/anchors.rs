//! The trust anchor file: DS and DNSKEY records in zone-file syntax.
//!
//! The forms accepted are the ones trust anchors are published and printed in: IANA's root
//! anchors and `keymgr ZONE ds` (DS), unbound's `trust-anchor-file` and `keymgr ZONE dnskey`
//! (DNSKEY). One record per entry, `OWNER [TTL] [CLASS] TYPE RDATA`, the owner absolute; a
//! record may continue over several lines inside parentheses; `;` and `#` start a comment;
//! several anchors, for one zone or for several zones, may share a file. A line that is not such
//! a record is an error naming the line and what was expected there.

use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DS};
use hickory_resolver::proto::dnssec::{Algorithm, DigestType, PublicKeyBuf};
use hickory_resolver::proto::rr::Name;

/// One configured trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Anchor {
    /// The zone it is the anchor of (the owner name).
    pub(crate) zone: Name,
    /// The key, or its digest.
    pub(crate) key: AnchorKey,
    /// The line it starts on (1-based).
    pub(crate) line: usize,
}

/// A trust anchor's key material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AnchorKey {
    /// A DS record: the digest of the zone's key-signing key.
    Ds(DS),
    /// A DNSKEY record: the key itself.
    Dnskey(DNSKEY),
}

/// A line of the file that is not a DS or DNSKEY record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnchorError {
    /// The line (1-based), `None` for the file as a whole.
    pub(crate) line: Option<usize>,
    /// What was expected.
    pub(crate) message: String,
}

/// Parses a trust anchor file.
pub(crate) fn parse(text: &str) -> Result<Vec<Anchor>, AnchorError> {
    let mut anchors = Vec::new();
    let mut tokens: Vec<String> = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split([';', '#']).next().unwrap_or_default();
        for word in content
            .replace('(', " ( ")
            .replace(')', " ) ")
            .split_whitespace()
        {
            match word {
                "(" => depth += 1,
                ")" => {
                    depth = depth.checked_sub(1).ok_or_else(|| AnchorError {
                        line: Some(line),
                        message: "a ')' without its '('".to_owned(),
                    })?;
                }
                w => {
                    if tokens.is_empty() {
                        start = line;
                    }
                    tokens.push(w.to_owned());
                }
            }
        }
        if depth == 0 && !tokens.is_empty() {
            let mut anchor = record(&tokens).map_err(|message| AnchorError {
                line: Some(start),
                message,
            })?;
            anchor.line = start;
            anchors.push(anchor);
            tokens.clear();
        }
    }
    if depth > 0 {
        return Err(AnchorError {
            line: Some(start),
            message: "a '(' that is never closed".to_owned(),
        });
    }
    if anchors.is_empty() {
        return Err(AnchorError {
            line: None,
            message: "no DS or DNSKEY record (expected lines such as \
                      `. IN DS 20326 8 2 E06D44B8...` or `example. IN DNSKEY 257 3 13 base64...`)"
                .to_owned(),
        });
    }
    Ok(anchors)
}

const EXPECTED: &str = "expected `OWNER [TTL] [IN] DS KEYTAG ALGORITHM DIGESTTYPE HEX` or \
                        `OWNER [TTL] [IN] DNSKEY FLAGS 3 ALGORITHM BASE64`";

fn record(tokens: &[String]) -> Result<Anchor, String> {
    let (owner, rest) = tokens.split_first().ok_or(EXPECTED)?;
    if owner.starts_with('$') {
        return Err(format!("{owner}: directives are not read here; {EXPECTED}"));
    }
    if !owner.ends_with('.') {
        return Err(format!(
            "owner {owner:?} is not absolute (end it with '.'); {EXPECTED}"
        ));
    }
    let zone = Name::from_ascii(owner).map_err(|e| format!("owner {owner:?}: {e}"))?;
    // [TTL] [CLASS] in either order (RFC 1035 §5.1).
    let mut rest = rest;
    for _ in 0..2 {
        match rest.first() {
            Some(t) if t.bytes().all(|b| b.is_ascii_digit()) => rest = &rest[1..],
            Some(t) if t.eq_ignore_ascii_case("IN") => rest = &rest[1..],
            _ => break,
        }
    }
    let (rtype, rdata) = rest
        .split_first()
        .ok_or_else(|| format!("no record type after {owner:?}; {EXPECTED}"))?;
    let key = if rtype.eq_ignore_ascii_case("DS") {
        AnchorKey::Ds(ds(rdata)?)
    } else if rtype.eq_ignore_ascii_case("DNSKEY") {
        AnchorKey::Dnskey(dnskey(rdata)?)
    } else {
        return Err(format!("record type {rtype:?}: {EXPECTED}"));
    };
    Ok(Anchor { zone, key, line: 0 })
}

fn number<T: std::str::FromStr>(field: &str, token: Option<&String>) -> Result<T, String> {
    let token = token.ok_or_else(|| format!("missing {field}; {EXPECTED}"))?;
    token
        .parse()
        .map_err(|_| format!("{field} {token:?} is not a number in range; {EXPECTED}"))
}

fn algorithm(token: Option<&String>) -> Result<Algorithm, String> {
    let value: u8 = number("algorithm", token)?;
    let alg = Algorithm::from_u8(value);
    if alg.is_supported() {
        Ok(alg)
    } else {
        Err(format!(
            "algorithm {value} is not supported (RSASHA256 8, RSASHA512 10, ECDSAP256SHA256 13, \
             ECDSAP384SHA384 14, ED25519 15)"
        ))
    }
}

fn ds(rdata: &[String]) -> Result<DS, String> {
    let key_tag: u16 = number("DS key tag", rdata.first())?;
    let alg = algorithm(rdata.get(1))?;
    let digest_type = DigestType::from(number::<u8>("DS digest type", rdata.get(2))?);
    let want = match digest_type {
        DigestType::SHA1 => 20,
        DigestType::SHA256 => 32,
        DigestType::SHA384 => 48,
        _ => {
            return Err(format!(
                "DS digest type {} is not supported (SHA-1 1, SHA-256 2, SHA-384 4)",
                u8::from(digest_type)
            ))
        }
    };
    let text: String = rdata.get(3..).unwrap_or_default().concat();
    if text.is_empty() {
        return Err(format!("missing DS digest; {EXPECTED}"));
    }
    let digest = hex(&text).ok_or_else(|| format!("DS digest {text:?} is not hexadecimal"))?;
    if digest.len() != want {
        return Err(format!(
            "DS digest has {} bytes; digest type {} has {want}",
            digest.len(),
            u8::from(digest_type)
        ));
    }
    Ok(DS::new(key_tag, alg, digest_type, digest))
}

fn dnskey(rdata: &[String]) -> Result<DNSKEY, String> {
    let flags: u16 = number("DNSKEY flags", rdata.first())?;
    let protocol: u8 = number("DNSKEY protocol", rdata.get(1))?;
    if protocol != 3 {
        return Err(format!(
            "DNSKEY protocol {protocol}: must be 3 (RFC 4034 §2.1.2)"
        ));
    }
    let alg = algorithm(rdata.get(2))?;
    if flags & 0x0100 == 0 {
        return Err(format!(
            "DNSKEY flags {flags} lack the zone key bit (256, RFC 4034 §2.1.1)"
        ));
    }
    if flags & 0x0080 != 0 {
        return Err(format!(
            "DNSKEY flags {flags} mark the key revoked (128, RFC 5011): not a trust anchor"
        ));
    }
    let text: String = rdata.get(3..).unwrap_or_default().concat();
    if text.is_empty() {
        return Err(format!("missing DNSKEY public key; {EXPECTED}"));
    }
    let key = base64(&text).ok_or_else(|| "DNSKEY public key is not base64".to_owned())?;
    Ok(DNSKEY::with_flags(flags, PublicKeyBuf::new(key, alg)))
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

fn base64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    if !text.len().is_multiple_of(4) || padding > 2 || body.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in body.bytes() {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use hickory_resolver::proto::dnssec::{PublicKey, Verifier};

    use super::*;

    const ROOT_DS: &str =
        ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
    const KNOT_DS: &str = "island.test. DS 12345 13 2 \
                           3F1C2E9B8A7D6C5B4A39281706F5E4D3C2B1A09F8E7D6C5B4A3928170615F4E3";
    const DNSKEY_13: &str = "island.test. DNSKEY 257 3 13 \
                             mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==";

    /// (input, anchors as (zone, DS key tag or DNSKEY flags))
    #[test]
    fn accepted_files() {
        let cases: &[(String, &[(&str, &str)])] = &[
            (ROOT_DS.to_owned(), &[(".", "DS 20326")]),
            (DNSKEY_13.to_owned(), &[("island.test.", "DNSKEY 257")]),
            (
                format!("; IANA root anchor\n\n{ROOT_DS}\n# Knot: keymgr island.test ds\n{KNOT_DS} ; inline\n{DNSKEY_13}\n"),
                &[(".", "DS 20326"), ("island.test.", "DS 12345"), ("island.test.", "DNSKEY 257")],
            ),
            (
                ". 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D084 58E880409BBC683457104237C7F8EC8D".to_owned(),
                &[(".", "DS 20326")],
            ),
            (
                ". IN 3600 ds 20326 8 2 e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d".to_owned(),
                &[(".", "DS 20326")],
            ),
            (
                "island.test. 3600 IN DNSKEY ( 256 3 13\n  mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpV ; first half\n  XckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )\n".to_owned(),
                &[("island.test.", "DNSKEY 256")],
            ),
        ];
        for (input, want) in cases {
            let got = parse(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            let got: Vec<(String, String)> = got
                .iter()
                .map(|a| {
                    (
                        a.zone.to_ascii(),
                        match &a.key {
                            AnchorKey::Ds(d) => format!("DS {}", d.key_tag()),
                            AnchorKey::Dnskey(k) => format!("DNSKEY {}", k.flags()),
                        },
                    )
                })
                .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(z, k)| ((*z).to_owned(), (*k).to_owned()))
                .collect();
            assert_eq!(got, want, "input: {input:?}");
        }
    }

    #[test]
    fn dnskey_key_bytes_are_decoded() {
        let anchors = parse(DNSKEY_13).expect("parses");
        let AnchorKey::Dnskey(k) = &anchors[0].key else {
            panic!("{DNSKEY_13:?}: not a DNSKEY");
        };
        assert_eq!(k.public_key().public_bytes().len(), 64, "{DNSKEY_13:?}");
        assert_eq!(k.algorithm(), Algorithm::ECDSAP256SHA256, "{DNSKEY_13:?}");
        let AnchorKey::Ds(d) = &parse(ROOT_DS).expect("parses")[0].key else {
            panic!("{ROOT_DS:?}: not a DS");
        };
        assert_eq!(d.digest()[..2], [0xE0, 0x6D], "{ROOT_DS:?}");
        assert_eq!(d.digest_type(), DigestType::SHA256, "{ROOT_DS:?}");
    }

    /// (input, line, message fragment)
    #[allow(clippy::too_many_lines)] // a table of cases, one row each
    #[test]
    fn rejected_lines_are_named() {
        let cases: &[(String, Option<usize>, &str)] = &[
            (String::new(), None, "no DS or DNSKEY record"),
            (
                "; only a comment\n\n".to_owned(),
                None,
                "no DS or DNSKEY record",
            ),
            (
                format!("{ROOT_DS}\n. IN NS a.root-servers.net.\n"),
                Some(2),
                "record type \"NS\"",
            ),
            (
                format!("; c\n{ROOT_DS}\n\n. IN DS 20326 8 2 XYZ\n"),
                Some(4),
                "not hexadecimal",
            ),
            (
                ". IN DS 20326 8 2 E06D44B8".to_owned(),
                Some(1),
                "has 4 bytes",
            ),
            (
                ". IN DS 20326 8 3 E06D44B8".to_owned(),
                Some(1),
                "digest type 3",
            ),
            (
                ". IN DS 70000 8 2 E06D".to_owned(),
                Some(1),
                "key tag \"70000\"",
            ),
            (
                ". IN DS 20326 8".to_owned(),
                Some(1),
                "missing DS digest type",
            ),
            (
                ". IN DS 20326 3 2 E06D".to_owned(),
                Some(1),
                "algorithm 3 is not supported",
            ),
            (
                "island.test DS 1 13 2 00".to_owned(),
                Some(1),
                "not absolute",
            ),
            (
                "island.test. DNSKEY 257 2 13 AAAA".to_owned(),
                Some(1),
                "protocol 2",
            ),
            (
                "island.test. DNSKEY 1 3 13 AAAA".to_owned(),
                Some(1),
                "zone key bit",
            ),
            (
                "island.test. DNSKEY 385 3 13 AAAA".to_owned(),
                Some(1),
                "revoked",
            ),
            (
                "island.test. DNSKEY 257 3 13 A*AA".to_owned(),
                Some(1),
                "not base64",
            ),
            (
                "island.test. DNSKEY 257 3 13".to_owned(),
                Some(1),
                "missing DNSKEY public key",
            ),
            ("island.test.".to_owned(), Some(1), "no record type"),
            (
                format!("{ROOT_DS}\nisland.test. DNSKEY ( 257 3 13\n AAAA\n"),
                Some(2),
                "never closed",
            ),
            ("x. DS 1 13 2 00 )".to_owned(), Some(1), "without its '('"),
            ("$TTL 3600".to_owned(), Some(1), "directives"),
            (
                "trust-anchors { . initial-key 257 3 8 \"AwEAAa\"; };".to_owned(),
                Some(1),
                "not absolute",
            ),
        ];
        for (input, line, fragment) in cases {
            match parse(input) {
                Ok(a) => panic!("input {input:?}: accepted as {a:?}"),
                Err(e) => {
                    assert_eq!(e.line, *line, "input {input:?}: {e:?}");
                    assert!(
                        e.message.contains(fragment),
                        "input {input:?}: {:?} lacks {fragment:?}",
                        e.message
                    );
                }
            }
        }
    }

    #[test]
    fn base64_and_hex() {
        for (text, want) in [
            ("AAAA", Some(vec![0, 0, 0])),
            ("AQ==", Some(vec![1])),
            ("AQI=", Some(vec![1, 2])),
            ("AQ=", None),
            ("A===", None),
            ("", None),
        ] {
            assert_eq!(base64(text), want, "input {text:?}");
        }
        for (text, want) in [("0aFf", Some(vec![0x0a, 0xff])), ("0", None), ("zz", None)] {
            assert_eq!(hex(text), want, "input {text:?}");
        }
    }
}
