//! `domain_name`: `DomainName::from_ascii` / `from_user_input` against a naive model.

use sipcert::DomainName;

/// The model's verdict on an ASCII name.
#[derive(Debug, PartialEq, Eq)]
pub enum Model {
    /// Valid, with this normalized form.
    Valid(String),
    /// Valid syntax, but it has an `xn--` label, whose A-label validity the model does not
    /// decide: the implementation may accept (with this normalized form) or refuse.
    EitherALabel(String),
    /// Invalid.
    Invalid,
}

/// The obviously-correct model of a host name: one optional trailing dot, 1..=253 octets,
/// labels of 1..=63 letters/digits/hyphens not starting or ending with a hyphen, a top label
/// starting with a letter; normalized to lower case without the trailing dot.
pub fn model(input: &[u8]) -> Model {
    let name = input.strip_suffix(b".").unwrap_or(input);
    if name.is_empty() || name.len() > 253 {
        return Model::Invalid;
    }
    let labels: Vec<&[u8]> = name.split(|&b| b == b'.').collect();
    for label in &labels {
        let ok_len = !label.is_empty() && label.len() <= 63;
        let ok_chars = label
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok_len || !ok_chars || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return Model::Invalid;
        }
    }
    if !labels[labels.len() - 1][0].is_ascii_alphabetic() {
        return Model::Invalid;
    }
    let lower: String = name
        .iter()
        .map(|&b| char::from(b.to_ascii_lowercase()))
        .collect();
    if lower.split('.').any(|l| l.starts_with("xn--")) {
        Model::EitherALabel(lower)
    } else {
        Model::Valid(lower)
    }
}

/// Raw fuzz bytes: the first byte selects what to test, the rest is the name.
pub fn check_bytes(data: &[u8]) {
    check_ascii_bytes(data);
    if let Ok(s) = core::str::from_utf8(data) {
        check_ascii(s);
        check_user_input(s);
    }
}

fn agree(what: &str, input: &[u8], got: Result<&str, String>) {
    match (model(input), got) {
        (Model::Valid(m), Ok(g)) if m == g => {}
        (Model::EitherALabel(m), Ok(g)) if m == g => {}
        (Model::EitherALabel(_) | Model::Invalid, Err(_)) => {}
        (m, g) => panic!("{what}({input:?}): model says {m:?}, implementation {g:?}"),
    }
}

/// `DomainName::from_ascii_bytes` against the model.
pub fn check_ascii_bytes(input: &[u8]) {
    let got = DomainName::from_ascii_bytes(input);
    agree(
        "from_ascii_bytes",
        input,
        got.as_ref()
            .map(DomainName::as_str)
            .map_err(|e| e.code().to_owned()),
    );
    if let Ok(d) = &got {
        check_accepted(d);
    }
}

/// `DomainName::from_ascii` against the model (and the bytes form).
pub fn check_ascii(input: &str) {
    let got = DomainName::from_ascii(input);
    agree(
        "from_ascii",
        input.as_bytes(),
        got.as_ref()
            .map(DomainName::as_str)
            .map_err(|e| e.code().to_owned()),
    );
    assert_eq!(got, DomainName::from_ascii_bytes(input.as_bytes()));
    assert_eq!(got, input.parse::<DomainName>());
}

/// `DomainName::from_user_input`: on ASCII input without `xn--` labels it is the model; on
/// any input, what it accepts is an ASCII name the model accepts.
pub fn check_user_input(input: &str) {
    let got = DomainName::from_user_input(input);
    if input.is_ascii() {
        let m = model(input.as_bytes());
        match (&m, &got) {
            (Model::Valid(m), Ok(g)) if m == g.as_str() => {}
            (Model::Invalid, Err(_)) | (Model::EitherALabel(_), _) => {}
            (m, g) => panic!("from_user_input({input:?}): model says {m:?}, implementation {g:?}"),
        }
    }
    match got {
        Ok(d) => {
            check_accepted(&d);
            // Idempotent: the normalized form converts to itself both ways.
            assert_eq!(DomainName::from_user_input(d.as_str()).as_ref(), Ok(&d));
        }
        Err(e) => {
            let _ = (e.code(), e.rule(), e.to_string());
        }
    }
}

/// What any accepted name satisfies, whatever the constructor.
fn check_accepted(d: &DomainName) {
    let s = d.as_str();
    assert!(s.is_ascii(), "non-ASCII DomainName {s:?}");
    match model(s.as_bytes()) {
        Model::Valid(m) | Model::EitherALabel(m) => assert_eq!(m, s, "not normalized"),
        Model::Invalid => panic!("accepted a name the model refuses: {s:?}"),
    }
    assert!(!s.ends_with('.'));
    assert_eq!(
        DomainName::from_ascii(s).as_ref(),
        Ok(d),
        "not idempotent: {s:?}"
    );
    assert_eq!(d.labels().collect::<Vec<_>>().join("."), s);
    assert!(!d.is_subdomain_of(d));
    let _ = format!("{d:?} {d}");
}
