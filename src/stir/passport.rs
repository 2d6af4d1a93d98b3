//! The PASSporT (RFC 8225) read from its decoded JSON: the protected header (`alg`, `typ`,
//! `ppt`, `x5u`) and the claims (`orig`, `dest`, `iat`; SHAKEN's `attest` and `origid`,
//! RFC 8588; `div`, RFC 8946).

use core::fmt;

use super::codes::{StirCode, StirError};
use super::json::Json;
use super::tn::CanonicalTn;

/// The PASSporT extension (`ppt`, RFC 8225 §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ppt {
    /// No `ppt`: a base PASSporT.
    Base,
    /// `shaken` (RFC 8588).
    Shaken,
    /// `div` (RFC 8946): a diversion PASSporT; parsed and reported.
    Div,
}

impl Ppt {
    /// The `ppt` value, `None` for the base PASSporT.
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            Self::Base => None,
            Self::Shaken => Some("shaken"),
            Self::Div => Some("div"),
        }
    }

    fn parse(text: &str, whence: &str) -> Result<Self, StirError> {
        match text {
            "shaken" => Ok(Self::Shaken),
            "div" => Ok(Self::Div),
            other => Err(StirError::new(
                StirCode::PptUnsupported,
                format!(
                    "{whence}: ppt {other:?} is not supported (RFC 8225 §8: none, \"shaken\" \
                     (RFC 8588) or \"div\" (RFC 8946))"
                ),
            )),
        }
    }

    /// A `ppt` parameter or member value.
    pub(crate) fn from_param(text: &str, whence: &str) -> Result<Self, StirError> {
        Self::parse(text, whence)
    }
}

/// The SHAKEN attestation level (RFC 8588 §4, ATIS-1000074).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attest {
    /// `A`: full attestation.
    A,
    /// `B`: partial attestation.
    B,
    /// `C`: gateway attestation.
    C,
}

impl Attest {
    /// `"A"`, `"B"` or `"C"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        }
    }
}

impl fmt::Display for Attest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The originator (`orig`, RFC 8225 §5.2.1): a telephone number or a URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Orig {
    /// `{"tn": …}`, canonicalized (RFC 8224 §8.3).
    Tn(CanonicalTn),
    /// `{"uri": …}`.
    Uri(String),
}

/// The destinations (`dest`, RFC 8225 §5.2.1): telephone numbers and URIs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dest {
    /// `dest.tn`, canonicalized.
    pub tn: Vec<CanonicalTn>,
    /// `dest.uri`.
    pub uri: Vec<String>,
}

/// The protected header of a PASSporT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassportHeader {
    /// `alg` (always `ES256` once parsed).
    pub alg: String,
    /// `typ` (`passport`, or absent).
    pub typ: Option<String>,
    /// `ppt`.
    pub ppt: Ppt,
    /// `x5u`: where the signer's certificate is.
    pub x5u: String,
}

/// The claims of a PASSporT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `orig`.
    pub orig: Orig,
    /// `dest`.
    pub dest: Dest,
    /// `iat`, seconds since the Unix epoch.
    pub iat: i64,
    /// `attest` (SHAKEN).
    pub attest: Option<Attest>,
    /// `origid` (SHAKEN).
    pub origid: Option<String>,
    /// `div` (RFC 8946 §3): the number the call was diverted from, canonicalized.
    pub div: Option<CanonicalTn>,
}

/// A parsed PASSporT: header and claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passport {
    /// The protected header.
    pub header: PassportHeader,
    /// The claims.
    pub claims: Claims,
}

fn missing(what: &str) -> StirError {
    StirError::new(
        StirCode::ClaimsMissing,
        format!("the PASSporT has no valid {what} (RFC 8225 §4, §5; RFC 8588 §3)"),
    )
}

fn string_member<'a>(obj: &'a Json, name: &str, part: &str) -> Result<Option<&'a str>, StirError> {
    match obj.get(name) {
        None => Ok(None),
        Some(v) => v.as_str().map(Some).ok_or_else(|| {
            StirError::new(
                StirCode::ClaimsMissing,
                format!("the PASSporT {part} member {name:?} is not a string"),
            )
        }),
    }
}

fn tn(text: &str, what: &str) -> Result<CanonicalTn, StirError> {
    CanonicalTn::parse(text).map_err(|e| {
        StirError::new(
            StirCode::ClaimInvalid,
            format!("{what} {text:?} is not a telephone number (RFC 8224 §8.3) {e}"),
        )
    })
}

impl PassportHeader {
    /// Reads the protected header object.
    pub(crate) fn from_json(h: &Json) -> Result<Self, StirError> {
        let part = "header";
        let alg = string_member(h, "alg", part)?.ok_or_else(|| missing("header \"alg\""))?;
        if alg != "ES256" {
            return Err(StirError::new(
                StirCode::AlgUnsupported,
                format!("the PASSporT header's alg is {alg:?}; only \"ES256\" is supported (RFC 8225 §4, RFC 8588 §3)"),
            ));
        }
        let typ = string_member(h, "typ", part)?;
        if let Some(typ) = typ {
            if typ != "passport" {
                return Err(StirError::new(
                    StirCode::TypUnsupported,
                    format!(
                        "the PASSporT header's typ is {typ:?}, not \"passport\" (RFC 8225 §4.1)"
                    ),
                ));
            }
        }
        let ppt = match string_member(h, "ppt", part)? {
            None => Ppt::Base,
            Some(p) => Ppt::parse(p, "the PASSporT header")?,
        };
        let x5u = string_member(h, "x5u", part)?.ok_or_else(|| missing("header \"x5u\""))?;
        Ok(Self {
            alg: alg.to_owned(),
            typ: typ.map(str::to_owned),
            ppt,
            x5u: x5u.to_owned(),
        })
    }
}

impl Claims {
    /// Reads the claims object; `ppt` says which extension claims are required.
    pub(crate) fn from_json(c: &Json, ppt: Ppt) -> Result<Self, StirError> {
        let orig = read_orig(c.get("orig").ok_or_else(|| missing("\"orig\" claim"))?)?;
        let dest = read_dest(c.get("dest").ok_or_else(|| missing("\"dest\" claim"))?)?;
        let iat = c
            .get("iat")
            .and_then(Json::as_i64)
            .ok_or_else(|| missing("\"iat\" claim (an integer NumericDate)"))?;
        let attest = match string_member(c, "attest", "payload")? {
            None => None,
            Some("A") => Some(Attest::A),
            Some("B") => Some(Attest::B),
            Some("C") => Some(Attest::C),
            Some(other) => {
                return Err(StirError::new(
                    StirCode::ClaimInvalid,
                    format!("attest {other:?} is not \"A\", \"B\" or \"C\" (RFC 8588 §4)"),
                ))
            }
        };
        let origid = string_member(c, "origid", "payload")?.map(str::to_owned);
        let div = match c.get("div") {
            None => None,
            // RFC 8946 §3: `"div":{"tn":"…"}`, one number.
            Some(d) => {
                let text = d
                    .get("tn")
                    .and_then(Json::as_str)
                    .ok_or_else(|| missing("\"div.tn\" string (RFC 8946 §3)"))?;
                Some(tn(text, "div.tn")?)
            }
        };
        match ppt {
            Ppt::Shaken if attest.is_none() => {
                return Err(missing("\"attest\" claim (ppt shaken)"))
            }
            Ppt::Shaken if origid.is_none() => {
                return Err(missing("\"origid\" claim (ppt shaken)"))
            }
            Ppt::Div if div.is_none() => return Err(missing("\"div\" claim (ppt div)")),
            Ppt::Base | Ppt::Shaken | Ppt::Div => {}
        }
        Ok(Self {
            orig,
            dest,
            iat,
            attest,
            origid,
            div,
        })
    }
}

fn read_orig(o: &Json) -> Result<Orig, StirError> {
    match (o.get("tn"), o.get("uri")) {
        (Some(t), None) => {
            let text = t.as_str().ok_or_else(|| missing("\"orig.tn\" string"))?;
            Ok(Orig::Tn(tn(text, "orig.tn")?))
        }
        (None, Some(u)) => {
            let text = u.as_str().ok_or_else(|| missing("\"orig.uri\" string"))?;
            Ok(Orig::Uri(text.to_owned()))
        }
        (Some(_), Some(_)) => Err(StirError::new(
            StirCode::ClaimInvalid,
            "orig has both \"tn\" and \"uri\"; RFC 8225 §5.2.1 allows one",
        )),
        (None, None) => Err(missing("\"orig\" (an object with \"tn\" or \"uri\")")),
    }
}

/// `dest.tn`: an array of strings (RFC 8225 §5.2.1); absent is an empty list.
fn read_tns(v: Option<&Json>, what: &str) -> Result<Vec<CanonicalTn>, StirError> {
    match v {
        None => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .ok_or_else(|| missing(&format!("{what} string")))
                    .and_then(|s| tn(s, what))
            })
            .collect(),
        Some(_) => Err(missing(&format!("{what} (an array of strings)"))),
    }
}

fn read_dest(d: &Json) -> Result<Dest, StirError> {
    if !matches!(d, Json::Object(_)) {
        return Err(missing("\"dest\" object"));
    }
    let tn = read_tns(d.get("tn"), "dest.tn")?;
    let uri = match d.get("uri") {
        None => Vec::new(),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| missing("dest.uri string"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(missing("\"dest.uri\" (an array of strings)")),
    };
    if tn.is_empty() && uri.is_empty() {
        return Err(StirError::new(
            StirCode::ClaimInvalid,
            "dest names no telephone number and no URI (RFC 8225 §5.2.1)",
        ));
    }
    Ok(Dest { tn, uri })
}
