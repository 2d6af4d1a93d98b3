//! Unit tables of the STIR parsers: base64url, JSON, TNAuthList DER, the ECDSA signature
//! forms, telephone numbers and the Identity header.

use super::b64;
use super::codes::StirCode;
use super::ecdsa;
use super::header::parse_identity;
use super::json::{self, Json};
use super::tn::CanonicalTn;
use super::tnauth::{self, TnEntry};

#[test]
fn base64url_round_trips_and_is_strict() {
    for (bytes, text) in [
        (&b""[..], ""),
        (b"f", "Zg"),
        (b"fo", "Zm8"),
        (b"foo", "Zm9v"),
        (b"\xfb\xff", "-_8"),
    ] {
        assert_eq!(b64::encode(bytes), text, "{bytes:?}");
        assert_eq!(b64::decode(text.as_bytes()).as_deref(), Ok(bytes), "{text}");
    }
    // (input, offset of the error)
    for (bad, offset) in [
        ("Zg==", 2),       // padding
        ("Zm 9v", 2),      // whitespace
        ("Zm+v", 2),       // base64, not base64url
        ("Zm/v", 2),       // idem
        ("Zh", 1),         // non-zero unused bits
        ("Zm9", 2),        // idem (Zm8 is canonical)
        ("Z", 0),          // a lone last character
        ("Zm9vY", 4),      // idem
        ("Zm9v\u{e9}", 4), // not ASCII
    ] {
        let err = b64::decode(bad.as_bytes()).expect_err(bad);
        assert_eq!(err.offset, offset, "{bad}: {}", err.detail);
    }
}

#[test]
fn json_accepts_rfc8259_and_refuses_duplicates() {
    let v = json::parse(br#" {"a":[1,-2.5e3,true,false,null],"b":{"c":"\u00e9\ud83d\ude00\n"}} "#)
        .expect("valid");
    assert_eq!(
        v.get("b").and_then(|b| b.get("c")).and_then(Json::as_str),
        Some("é😀\n")
    );
    // (input, offset of the error)
    for (bad, offset) in [
        (&br#"{"a":1,"a":2}"#[..], 7),
        (br#"{"a":1,"b":{"c":1,"c":1}}"#, 18),
        (br#"{"a":1}x"#, 7),
        (br#"{"a":01}"#, 6),
        (br#"{"a":1,}"#, 7),
        (br"{'a':1}", 1),
        (br#"{"a":"\x"}"#, 6),
        (br#"{"a":"\ud800"}"#, 6),
        (b"{\"a\":\"\x01\"}", 6),
        (b"{\"a\":\"\xff\"}", 6),
        (br"[[[[[[[[[1]]]]]]]]]", 8),
        (br#"{"a":tru}"#, 5),
        (br#"{"a":1.}"#, 7),
        (b"", 0),
    ] {
        let err = json::parse(bad).expect_err(&String::from_utf8_lossy(bad));
        assert_eq!(
            err.offset,
            offset,
            "{}: {}",
            String::from_utf8_lossy(bad),
            err.detail
        );
    }
}

#[test]
fn json_canonical_form_sorts_members_without_whitespace() {
    let v = json::parse(br#"{ "x5u" : "u", "alg":"ES256", "typ" : "passport", "ppt":"shaken"}"#)
        .expect("valid");
    let mut out = String::new();
    v.write_canonical(&mut out);
    assert_eq!(
        out,
        r#"{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"u"}"#
    );
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, u8::try_from(content.len()).expect("short")];
    out.extend_from_slice(content);
    out
}

#[test]
fn tn_auth_list_reads_the_three_entry_forms() {
    let spc = tlv(0xa0, &tlv(0x16, b"709J"));
    let one = tlv(0xa2, &tlv(0x16, b"12155551212"));
    let range = tlv(
        0xa1,
        &tlv(
            0x30,
            &[tlv(0x16, b"12155550000"), tlv(0x02, &[0x00, 0x80])].concat(),
        ),
    );
    let list = tlv(0x30, &[spc, one, range].concat());
    let entries = tnauth::parse(&list).expect("valid");
    assert_eq!(
        entries,
        vec![
            TnEntry::Spc("709J".into()),
            TnEntry::One("12155551212".into()),
            TnEntry::Range {
                start: "12155550000".into(),
                count: 128
            }
        ]
    );
    let range = &entries[2];
    assert!(range.covers("12155550000"));
    assert!(range.covers("12155550127"));
    assert!(!range.covers("12155550128"));
    assert!(!range.covers("2155550001"));
    assert!(!entries[0].covers("709"));
}

#[test]
fn tn_auth_list_refuses_each_malformation() {
    let ia5 = |s: &[u8]| tlv(0x16, s);
    let range = |start: &[u8], count: &[u8]| {
        tlv(0xa1, &tlv(0x30, &[ia5(start), tlv(0x02, count)].concat()))
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty list", tlv(0x30, &[])),
        ("not a SEQUENCE", tlv(0x31, &tlv(0xa0, &ia5(b"1")))),
        (
            "trailing data",
            [tlv(0x30, &tlv(0xa0, &ia5(b"1"))), vec![0]].concat(),
        ),
        ("implicit spc tag", tlv(0x30, &tlv(0x80, b"709J"))),
        ("unknown choice [3]", tlv(0x30, &tlv(0xa3, &ia5(b"1")))),
        (
            "spc not IA5String",
            tlv(0x30, &tlv(0xa0, &tlv(0x0c, b"709J"))),
        ),
        ("empty spc", tlv(0x30, &tlv(0xa0, &ia5(b"")))),
        (
            "two values in an entry",
            tlv(0x30, &tlv(0xa0, &[ia5(b"1"), ia5(b"2")].concat())),
        ),
        (
            "tn with a letter",
            tlv(0x30, &tlv(0xa2, &ia5(b"1215555121a"))),
        ),
        (
            "tn with a plus",
            tlv(0x30, &tlv(0xa2, &ia5(b"+12155551212"))),
        ),
        (
            "tn over 15",
            tlv(0x30, &tlv(0xa2, &ia5(b"1234567890123456"))),
        ),
        ("empty tn", tlv(0x30, &tlv(0xa2, &ia5(b"")))),
        ("count 1", tlv(0x30, &range(b"1215", &[1]))),
        ("count 0", tlv(0x30, &range(b"1215", &[0]))),
        ("count negative", tlv(0x30, &range(b"1215", &[0xff]))),
        ("count not minimal", tlv(0x30, &range(b"1215", &[0, 5]))),
        ("count empty", tlv(0x30, &range(b"1215", &[]))),
        (
            "count over 2^64",
            tlv(0x30, &range(b"1215", &[1, 0, 0, 0, 0, 0, 0, 0, 0])),
        ),
        ("range start with #", tlv(0x30, &range(b"1215#", &[5]))),
        (
            "range with an extra field",
            tlv(
                0x30,
                &tlv(
                    0xa1,
                    &tlv(0x30, &[ia5(b"1"), tlv(0x02, &[5]), ia5(b"x")].concat()),
                ),
            ),
        ),
        ("range not a SEQUENCE", tlv(0x30, &tlv(0xa1, &ia5(b"1")))),
        (
            "long-form length not minimal",
            vec![0x30, 0x81, 0x03, 0xa2, 0x01, 0x31],
        ),
    ];
    for (name, der) in cases {
        let got = tnauth::parse(&der);
        assert!(got.is_err(), "{name}: {der:02x?} gave {got:?}");
    }
}

#[test]
fn ecdsa_forms_convert_strictly() {
    let mut raw = [0u8; 64];
    raw[31] = 1; // r = 1
    raw[32] = 0x80; // s has its high bit set
    let der = ecdsa::raw_to_der(&raw).expect("convertible");
    assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x01, 0x01]);
    assert_eq!(&der[5..8], &[0x02, 0x21, 0x00]);
    assert_eq!(ecdsa::der_to_raw(&der), Some(raw));
    assert_eq!(ecdsa::raw_to_der(&[0; 64]), None, "r = 0");
    assert_eq!(ecdsa::raw_to_der(&[1; 63]), None, "63 octets");
    for bad in [
        &[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01][..], // r = 0
        &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01], // r not minimal
        &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01],     // r negative
        &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00], // trailing
        &[0x30, 0x03, 0x02, 0x01, 0x01],                       // no s
    ] {
        assert_eq!(ecdsa::der_to_raw(bad), None, "{bad:02x?}");
    }
}

#[test]
fn telephone_numbers_are_canonicalized_by_rfc8224() {
    for (text, canonical) in [
        ("+1 (215) 555-1212", "12155551212"),
        ("12155551212", "12155551212"),
        ("+44.20.7946.0000", "442079460000"),
        ("*67#", "*67#"),
    ] {
        assert_eq!(
            CanonicalTn::parse(text).map(|t| t.to_string()),
            Ok(canonical.into()),
            "{text}"
        );
    }
    for bad in ["", "+", "++1", "1215x", "tel:+1215", "()", "１２"] {
        assert!(CanonicalTn::parse(bad).is_err(), "{bad}");
    }
}

const H: &str = "eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0IiwieDV1IjoiaHR0cHM6Ly9jZXJ0LmV4YW1wbGUub3JnL3Bhc3Nwb3J0LmNlciJ9";

fn header_of(json: &str) -> String {
    b64::encode(json.as_bytes())
}

fn identity(header: &str, payload: &str, params: &str) -> String {
    format!(
        "{header}.{}.{}{params}",
        header_of(payload),
        b64::encode(&[7; 64])
    )
}

const PAYLOAD: &str = r#"{"attest":"A","dest":{"tn":["12155551213"]},"iat":1443208345,"orig":{"tn":"12155551212"},"origid":"123e4567-e89b-12d3-a456-426655440000"}"#;
const PARAMS: &str = ";info=<https://cert.example.org/passport.cer>;alg=ES256;ppt=shaken";

#[test]
fn identity_header_parses_the_rfc8588_example_shape() {
    let value = identity(H, PAYLOAD, PARAMS);
    let parsed = parse_identity(&value).expect("valid");
    assert_eq!(
        parsed.passport.header.x5u,
        "https://cert.example.org/passport.cer"
    );
    assert_eq!(parsed.info, "https://cert.example.org/passport.cer");
    assert_eq!(parsed.signature(), &[7; 64]);
    assert!(parsed.signing_input().starts_with(H));
    // Quoted ppt, spaces around ';' and a generic parameter are the grammar's too.
    let value = identity(
        H,
        PAYLOAD,
        " ; info=<https://cert.example.org/passport.cer> ;alg=ES256;ppt=\"shaken\";x=y",
    );
    parse_identity(&value).expect("quoted ppt");
    // A ';' inside the info URI is part of it.
    let header = header_of(
        r#"{"alg":"ES256","ppt":"shaken","typ":"passport","x5u":"https://x.example/c;v=1"}"#,
    );
    let value = identity(
        &header,
        PAYLOAD,
        ";info=<https://x.example/c;v=1>;ppt=shaken",
    );
    assert_eq!(
        parse_identity(&value).map(|p| p.info),
        Ok("https://x.example/c;v=1".into())
    );
}

#[test]
#[allow(clippy::too_many_lines)] // a table of cases, one row each
fn identity_header_refusals_have_their_codes() {
    let h_json = |j: &str| header_of(j);
    let cases: Vec<(String, StirCode)> = vec![
        ("   ".into(), StirCode::IdentityMissing),
        (
            format!("..{};info=<https://x>", b64::encode(&[7; 64])),
            StirCode::CompactForm,
        ),
        (identity(H, PAYLOAD, ""), StirCode::HeaderMalformed),
        (
            identity(
                H,
                PAYLOAD,
                ";alg=ES256;info=<https://cert.example.org/passport.cer>",
            ),
            StirCode::HeaderMalformed,
        ),
        (
            identity(
                H,
                PAYLOAD,
                ";info=https://cert.example.org/passport.cer;ppt=shaken",
            ),
            StirCode::HeaderMalformed,
        ),
        (
            identity(H, PAYLOAD, &format!("{PARAMS};alg=ES256")),
            StirCode::HeaderMalformed,
        ),
        (
            format!(
                "{H}=.{}.{}{PARAMS}",
                header_of(PAYLOAD),
                b64::encode(&[7; 64])
            ),
            StirCode::HeaderMalformed,
        ),
        (
            format!(
                "{H}.{}.{}{PARAMS}",
                header_of(PAYLOAD),
                b64::encode(&[7; 63])
            ),
            StirCode::HeaderMalformed,
        ),
        (
            format!("{H}.{}{PARAMS}", header_of(PAYLOAD)),
            StirCode::HeaderMalformed,
        ),
        ("x".repeat(9000), StirCode::HeaderMalformed),
        (
            identity(
                H,
                PAYLOAD,
                ";info=<https://cert.example.org/passport.cer>;alg=RS256;ppt=shaken",
            ),
            StirCode::AlgUnsupported,
        ),
        (
            identity(
                H,
                PAYLOAD,
                ";info=<https://cert.example.org/passport.cer>;alg=ES256;ppt=div",
            ),
            StirCode::PptMismatch,
        ),
        (
            identity(
                H,
                PAYLOAD,
                ";info=<https://cert.example.org/passport.cer>;alg=ES256",
            ),
            StirCode::PptMismatch,
        ),
        (
            identity(
                H,
                PAYLOAD,
                ";info=<https://other.example.org/passport.cer>;alg=ES256;ppt=shaken",
            ),
            StirCode::X5uMismatch,
        ),
        (
            identity(
                &h_json(
                    r#"{"alg":"ES256","alg":"ES256","ppt":"shaken","typ":"passport","x5u":"https://cert.example.org/passport.cer"}"#,
                ),
                PAYLOAD,
                PARAMS,
            ),
            StirCode::JsonMalformed,
        ),
        (
            identity(&h_json("[1]"), PAYLOAD, PARAMS),
            StirCode::JsonMalformed,
        ),
        (
            identity(
                &h_json(
                    r#"{"alg":"RS256","ppt":"shaken","typ":"passport","x5u":"https://cert.example.org/passport.cer"}"#,
                ),
                PAYLOAD,
                PARAMS,
            ),
            StirCode::AlgUnsupported,
        ),
        (
            identity(
                &h_json(
                    r#"{"alg":"ES256","ppt":"shaken","typ":"JWT","x5u":"https://cert.example.org/passport.cer"}"#,
                ),
                PAYLOAD,
                PARAMS,
            ),
            StirCode::TypUnsupported,
        ),
        (
            identity(
                &h_json(
                    r#"{"alg":"ES256","ppt":"rcd","typ":"passport","x5u":"https://cert.example.org/passport.cer"}"#,
                ),
                PAYLOAD,
                PARAMS,
            ),
            StirCode::PptUnsupported,
        ),
        (
            identity(
                &h_json(r#"{"alg":"ES256","ppt":"shaken","typ":"passport"}"#),
                PAYLOAD,
                PARAMS,
            ),
            StirCode::ClaimsMissing,
        ),
        (
            identity(
                H,
                r#"{"attest":"A","dest":{"tn":["12155551213"]},"orig":{"tn":"12155551212"},"origid":"x"}"#,
                PARAMS,
            ),
            StirCode::ClaimsMissing,
        ),
        (
            identity(
                H,
                r#"{"dest":{"tn":["12155551213"]},"iat":1,"orig":{"tn":"12155551212"},"origid":"x"}"#,
                PARAMS,
            ),
            StirCode::ClaimsMissing,
        ),
        (
            identity(
                H,
                r#"{"attest":"D","dest":{"tn":["12155551213"]},"iat":1,"orig":{"tn":"12155551212"},"origid":"x"}"#,
                PARAMS,
            ),
            StirCode::ClaimInvalid,
        ),
        (
            identity(
                H,
                r#"{"attest":"A","dest":{"tn":["12155551213"]},"iat":1,"orig":{"tn":"1215555121x"},"origid":"x"}"#,
                PARAMS,
            ),
            StirCode::ClaimInvalid,
        ),
        (
            identity(
                H,
                r#"{"attest":"A","dest":{},"iat":1,"orig":{"tn":"12155551212"},"origid":"x"}"#,
                PARAMS,
            ),
            StirCode::ClaimInvalid,
        ),
    ];
    for (value, code) in cases {
        let got = parse_identity(&value);
        assert_eq!(
            got.as_ref().map_err(|e| e.code).err(),
            Some(code),
            "{value}: {got:?}"
        );
        let message = got.err().map(|e| e.message).unwrap_or_default();
        assert!(!message.is_empty(), "{value}");
    }
}

#[test]
fn errors_name_the_part_and_offset() {
    let value = format!(
        "{H}.{}.{}{PARAMS}",
        header_of(PAYLOAD).replace('J', "+"),
        b64::encode(&[7; 64])
    );
    let err = parse_identity(&value).expect_err("'+'");
    let at = H.len() + 1 + header_of(PAYLOAD).find('J').unwrap_or_default();
    assert!(
        err.message
            .contains(&format!("at byte {at} (in the payload part)")),
        "{}",
        err.message
    );
}
