//! `sipcert stir verify` and `sipcert stir sign`: the STIR/SHAKEN Identity header
//! (`sipcert::stir`), with the certificate chains of `x5u` URLs served from files or fetched
//! over HTTPS (`sipcert::stir::fetch`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{json, Value};
use sipcert::stir::fetch::{FetchOptions, HttpSource};
use sipcert::stir::{
    caller_number, sign, Attest, CanonicalTn, CertificateSource, Claims, Dest, Failure, Orig,
    Passport, PassportHeader, Ppt, RequestFields, SourceError, StirCode, StirError, StirPolicy,
    StirRequest, StirVerdict, StirVerifier, TnAuthority, TnEntry,
};

use sipcert::uri::OwnedSipUri;

use crate::{input, trust, InputError, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Verify an Identity header value (RFC 8224, 8225, 8226, 8588) against the request's
    /// numbers and the STI-CA trust list.
    Verify(VerifyArgs),
    /// Sign a SHAKEN PASSporT and print the Identity header value.
    Sign(SignArgs),
    /// Lint a STIR certificate against the RFC 8226 / ATIS-1000080 profile.
    Lint(crate::stir_lint::LintArgs),
    /// Verify the obsolete RFC 4474 Identity / Identity-Info (RSA-SHA1) of a whole SIP
    /// request, as a legacy mode (RFC 8224 replaced it).
    #[command(name = "verify-4474")]
    Verify4474(crate::stir_4474::Args),
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["identity", "request"])))]
struct VerifyArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The Identity header field value, or '-' to read one line from standard input
    /// (needs --from and --to; or give --request instead).
    #[arg(requires_all = ["from", "to"])]
    identity: Option<String>,
    /// A whole SIP request (a file, or '-' for standard input): every Identity header is
    /// verified against its P-Asserted-Identity or From, its To and its Date.
    #[arg(long, value_name = "FILE")]
    request: Option<String>,
    /// The calling number (From / P-Asserted-Identity): a tel: URI, a sip: URI whose user
    /// part is a number, or the number.
    #[arg(long, value_name = "NUMBER_OR_URI", conflicts_with = "request")]
    from: Option<String>,
    /// The called number (To), as --from.
    #[arg(long, value_name = "NUMBER_OR_URI", conflicts_with = "request")]
    to: Option<String>,
    /// The STI-CA trust anchors (PEM bundle).
    #[arg(long, value_name = "PEM")]
    trust_list: String,
    /// A CRL file (PEM or DER); repeatable.
    #[arg(long, value_name = "FILE")]
    crl: Vec<String>,
    /// Verify at this RFC 3339 time instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Serve the chain of an x5u URL from a PEM file (leaf first), as URL=PEM (split at the
    /// last '='); repeatable.
    #[arg(long, value_name = "URL=PEM")]
    x5u_file: Vec<String>,
    /// How far iat may be from the verification time, either way (default 60).
    #[arg(long, value_name = "SECONDS")]
    freshness: Option<u64>,
    /// The request's Date header value (IMF-fixdate, e.g. 'Sun, 06 Nov 1994 08:49:37 GMT'):
    /// checked against the verification time, and iat against it.
    #[arg(long, value_name = "DATE", conflicts_with = "request")]
    date: Option<String>,
    /// The deadline for fetching an x5u that no --x5u-file serves, connection to last
    /// byte (default 5).
    #[arg(long, value_name = "SECONDS")]
    fetch_timeout: Option<u64>,
    /// Never fetch: an x5u that no --x5u-file serves fails (stir-cert-unavailable).
    #[arg(long, conflicts_with = "fetch_timeout")]
    no_fetch: bool,
}

/// A SHAKEN attestation level.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AttestArg {
    /// Full attestation.
    #[value(name = "A")]
    A,
    /// Partial attestation.
    #[value(name = "B")]
    B,
    /// Gateway attestation.
    #[value(name = "C")]
    C,
}

#[derive(Debug, clap::Args)]
struct SignArgs {
    /// The STI certificate's P-256 private key (PEM).
    #[arg(long, value_name = "PEM")]
    key: String,
    /// Where the certificate chain is published (the x5u claim and the info parameter).
    #[arg(long, value_name = "URL")]
    x5u: String,
    /// The calling number (orig.tn).
    #[arg(long, value_name = "NUMBER")]
    orig: String,
    /// The called number (dest.tn).
    #[arg(long, value_name = "NUMBER")]
    dest: String,
    /// The attestation level.
    #[arg(long, value_enum, default_value = "A")]
    attest: AttestArg,
    /// The origination identifier (default: a random UUID).
    #[arg(long, value_name = "UUID")]
    origid: Option<String>,
    /// The issued-at time, seconds since the Unix epoch (default: now).
    #[arg(long, value_name = "SECONDS")]
    iat: Option<i64>,
}

pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    match &args.command {
        Command::Verify(a) => verify(a),
        Command::Sign(a) => sign_cmd(a),
        Command::Lint(a) => crate::stir_lint::run(a),
        Command::Verify4474(a) => crate::stir_4474::run(a),
    }
}

/// The chains of `--x5u-file`, read when the command starts; other URLs fetched over HTTPS
/// (trusting the system's roots) unless `--no-fetch`.
pub(crate) struct FileSource {
    files: HashMap<String, Vec<CertificateDer<'static>>>,
    fetch: Fetch,
}

/// Whether and how `stir verify` fetches an x5u no `--x5u-file` serves.
pub(crate) enum Fetch {
    /// `--no-fetch`.
    Off,
    /// Fetching, trusting the system's roots.
    On(Box<HttpSource>),
    /// Fetching is on but the system trust store has no certificate.
    NoRoots,
}

impl CertificateSource for FileSource {
    fn chain(&self, url: &str) -> Result<Vec<CertificateDer<'static>>, SourceError> {
        if let Some(chain) = self.files.get(url) {
            return Ok(chain.clone());
        }
        match &self.fetch {
            Fetch::On(source) => source.chain(url),
            Fetch::Off => Err(SourceError::new(format!(
                "no --x5u-file for {url} (and --no-fetch)"
            ))),
            Fetch::NoRoots => Err(SourceError::new(format!(
                "no --x5u-file for {url}, and no system trust store to fetch it with"
            ))),
        }
    }
}

fn fetcher(args: &VerifyArgs) -> Fetch {
    fetch_policy(args.no_fetch, args.fetch_timeout)
}

/// `--no-fetch` and `--fetch-timeout` as a [`Fetch`] (also for `stir verify-4474`).
pub(crate) fn fetch_policy(no_fetch: bool, fetch_timeout: Option<u64>) -> Fetch {
    if no_fetch {
        return Fetch::Off;
    }
    let roots = rustls_native_certs::load_native_certs().certs;
    if roots.is_empty() {
        return Fetch::NoRoots;
    }
    let timeout = Duration::from_secs(fetch_timeout.unwrap_or(5));
    let options = FetchOptions::default().timeout(timeout);
    Fetch::On(Box::new(HttpSource::new(
        &roots,
        trust::provider(),
        options,
    )))
}

pub(crate) fn file_source(mappings: &[String], fetch: Fetch) -> Result<FileSource, InputError> {
    let mut map = HashMap::new();
    for m in mappings {
        let (url, path) = m
            .rsplit_once('=')
            .filter(|(u, p)| !u.is_empty() && !p.is_empty())
            .ok_or_else(|| {
                InputError(format!(
                    "--x5u-file: {m:?} is not URL=PEM (e.g. https://cert.example/sp.pem=sp.pem)"
                ))
            })?;
        map.insert(url.to_owned(), input::certificates(path)?);
    }
    Ok(FileSource { files: map, fetch })
}

fn identity_value(arg: &str) -> Result<String, InputError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| InputError(format!("cannot read the Identity header from stdin: {e}")))?;
    Ok(line.trim().to_owned())
}

fn number(flag: &str, text: &str) -> Result<CanonicalTn, InputError> {
    caller_number(text).map_err(|e| InputError(format!("{flag}: {e}")))
}

/// What `stir verify` checks: the Identity header values and the request's fields.
struct Subject {
    identities: Vec<String>,
    orig: CanonicalTn,
    dest: CanonicalTn,
    from_uri: Option<OwnedSipUri>,
    date: Option<String>,
}

/// The Identity values and numbers from IDENTITY and `--from`/`--to`/`--date`.
fn subject_from_args(identity: &str, args: &VerifyArgs) -> Result<Subject, InputError> {
    let (Some(from), Some(to)) = (&args.from, &args.to) else {
        return Err(InputError(
            "stir verify: IDENTITY needs --from and --to (or give --request)".to_owned(),
        ));
    };
    Ok(Subject {
        identities: vec![identity_value(identity)?],
        orig: number("--from", from)?,
        dest: number("--to", to)?,
        // A --from that is a SIP URI is also the From URI an orig.uri PASSporT is checked
        // against.
        from_uri: OwnedSipUri::parse(from).ok(),
        date: args.date.as_ref().map(|d| d.trim().to_owned()),
    })
}

/// The fields of the whole request of `--request` (a file or '-'); `Err` inside when it has no
/// Identity header (`Err`: reported as a failed verification, `stir-identity-missing`).
fn subject_from_request(path: &str) -> Result<Result<Subject, StirError>, InputError> {
    let bytes = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| InputError(format!("--request: cannot read standard input: {e}")))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| InputError(format!("--request: {path}: {e}")))?
    };
    match RequestFields::parse(&bytes) {
        Ok(f) => Ok(Ok(Subject {
            identities: f.identities,
            orig: f.orig,
            dest: f.dest,
            from_uri: f.from_uri,
            date: f.date,
        })),
        Err(e) if e.code == StirCode::IdentityMissing => Ok(Err(e)),
        Err(e) => Err(InputError(format!("--request {path}: {e}"))),
    }
}

fn verifier(args: &VerifyArgs) -> Result<StirVerifier, InputError> {
    let roots = trust::roots(&args.trust_list)?;
    let crls = trust::crls(&args.crl)?;
    let mut policy = StirPolicy::default();
    if let Some(secs) = args.freshness {
        policy = policy.freshness(Duration::from_secs(secs));
    }
    Ok(
        StirVerifier::new(roots.roots.iter().cloned(), trust::provider())
            .with_crls(&crls)
            .map_err(|e| InputError(format!("--crl: {e}")))?
            .with_policy(policy),
    )
}

fn verify(args: &VerifyArgs) -> Result<Outcome, InputError> {
    let subject = match (&args.identity, &args.request) {
        (Some(identity), None) => Ok(subject_from_args(identity, args)?),
        (None, Some(path)) => subject_from_request(path)?,
        _ => {
            return Err(InputError(
                "stir verify: give exactly one of IDENTITY and --request".to_owned(),
            ))
        }
    };
    let verifier = verifier(args)?;
    let now = trust::time(args.at.as_deref())?;
    let source = file_source(&args.x5u_file, fetcher(args))?;
    let verdicts: Vec<StirVerdict> = match &subject {
        Err(missing) => vec![StirVerdict::Failed(Box::new(Failure {
            error: missing.clone(),
            passport: None,
            tn_auth_list: Vec::new(),
        }))],
        Ok(s) => s
            .identities
            .iter()
            .map(|identity| {
                let mut request = StirRequest::new(identity, &s.orig, &s.dest);
                if let Some(uri) = &s.from_uri {
                    request = request.with_from(uri);
                }
                if let Some(date) = &s.date {
                    request = request.with_date(date);
                }
                verifier.verify(&request, &source, now)
            })
            .collect(),
    };
    let all_verified = verdicts.iter().all(StirVerdict::is_verified);
    if args.json {
        println!("{}", verdicts_json(&verdicts, all_verified));
    } else {
        for (index, verdict) in verdicts.iter().enumerate() {
            if verdicts.len() > 1 {
                println!("Identity {} of {}:", index + 1, verdicts.len());
            }
            print_text(verdict);
        }
    }
    Ok(if all_verified {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// One verdict as the single `stir verify --json` object; several as
/// `{"verdict": …, "identities": [...]}` (docs/stir.md).
fn verdicts_json(verdicts: &[StirVerdict], all_verified: bool) -> Value {
    match verdicts {
        [one] => verdict_json(one),
        many => json!({
            "verdict": if all_verified { "verified" } else { "failed" },
            "identities": many.iter().map(verdict_json).collect::<Vec<_>>(),
        }),
    }
}

/// The verdict's message, the PASSporT (unverified when failed), the TNAuthList and the
/// authority.
fn parts(verdict: &StirVerdict) -> (String, Option<&Passport>, &[TnEntry], Option<&TnAuthority>) {
    match verdict {
        StirVerdict::Verified(v) => (
            "every check passed".to_owned(),
            Some(v.passport()),
            v.tn_auth_list(),
            Some(v.authority()),
        ),
        StirVerdict::Failed(f) => (
            f.error.message.clone(),
            f.passport.as_ref(),
            &f.tn_auth_list,
            None,
        ),
    }
}

fn orig_json(orig: &Orig) -> Value {
    match orig {
        Orig::Tn(tn) => json!({"tn": tn.as_str()}),
        Orig::Uri(uri) => json!({"uri": uri}),
    }
}

fn claims_json(p: &Passport) -> Value {
    let c = &p.claims;
    json!({
        "ppt": p.header.ppt.as_str(),
        "x5u": p.header.x5u,
        "orig": orig_json(&c.orig),
        "dest": {
            "tn": c.dest.tn.iter().map(CanonicalTn::as_str).collect::<Vec<_>>(),
            "uri": c.dest.uri,
        },
        "attest": c.attest.map(Attest::as_str),
        "origid": c.origid,
        "iat": c.iat,
        "div": c.div.as_ref().map(CanonicalTn::as_str),
    })
}

fn entry_json(entry: &TnEntry) -> Value {
    match entry {
        TnEntry::Spc(spc) => json!({"spc": spc}),
        TnEntry::One(tn) => json!({"tn": tn}),
        TnEntry::Range { start, count } => json!({"range": {"start": start, "count": count}}),
    }
}

fn authority_json(authority: &TnAuthority) -> Value {
    match authority {
        TnAuthority::Number(entry) => json!({"by": "number", "entry": entry_json(entry)}),
        TnAuthority::ServiceProviderCode(spc) => json!({"by": "spc", "spc": spc}),
        TnAuthority::Domain(domain) => json!({"by": "domain", "domain": domain.as_str()}),
    }
}

/// The `stir verify --json` object (docs/stir.md).
fn verdict_json(verdict: &StirVerdict) -> Value {
    let (message, passport, entries, authority) = parts(verdict);
    json!({
        "verdict": if verdict.is_verified() { "verified" } else { "failed" },
        "code": verdict.code().map(sipcert::stir::StirCode::code),
        "message": message,
        "claims": passport.map(claims_json),
        "tn_auth_list": entries.iter().map(entry_json).collect::<Vec<_>>(),
        "tn_authority": authority.map(authority_json),
        "response_code": verdict.response_code(),
        "reason_header": verdict.reason_header(),
        "verstat": verdict.verstat().as_str(),
    })
}

fn print_claims(p: &Passport) {
    let c = &p.claims;
    match &c.orig {
        Orig::Tn(tn) => println!("  orig:    tn {tn}"),
        Orig::Uri(uri) => println!("  orig:    uri {uri}"),
    }
    let dest: Vec<&str> = c.dest.tn.iter().map(CanonicalTn::as_str).collect();
    let uris = c.dest.uri.join(", ");
    println!("  dest:    tn [{}] uri [{uris}]", dest.join(", "));
    println!("  attest:  {}", c.attest.map_or("-", Attest::as_str));
    println!("  origid:  {}", c.origid.as_deref().unwrap_or("-"));
    println!("  iat:     {}", c.iat);
    println!("  x5u:     {}", p.header.x5u);
}

fn print_text(verdict: &StirVerdict) {
    let (message, passport, entries, authority) = parts(verdict);
    match verdict.code() {
        None => println!("VERIFIED: {message}"),
        Some(code) => println!("FAILED: {code}: {message}"),
    }
    if let Some(p) = passport {
        let note = if verdict.is_verified() {
            ""
        } else {
            " (not verified)"
        };
        println!("claims{note}:");
        print_claims(p);
    }
    let list: Vec<String> = entries.iter().map(ToString::to_string).collect();
    if !list.is_empty() {
        println!("TNAuthList: {}", list.join(", "));
    }
    if let Some(a) = authority {
        println!("TN authority: {a}");
    }
    match (verdict.response_code(), verdict.reason_header()) {
        (Some(code), Some(reason)) => println!("response: {code}; Reason: {reason}"),
        _ => println!("response: none (the call proceeds)"),
    }
    println!("verstat: {}", verdict.verstat());
}

fn random_uuid() -> Result<String, InputError> {
    let mut b = [0u8; 16];
    trust::provider()
        .secure_random
        .fill(&mut b)
        .map_err(|_| InputError("no random source for --origid".to_owned()))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut hex = String::with_capacity(32);
    for x in b {
        let _ = write!(hex, "{x:02x}");
    }
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn tn_arg(flag: &str, text: &str) -> Result<CanonicalTn, InputError> {
    CanonicalTn::parse(text)
        .map_err(|e| InputError(format!("{flag}: {text:?} is not a telephone number: {e}")))
}

fn sign_cmd(args: &SignArgs) -> Result<Outcome, InputError> {
    let key = PrivateKeyDer::from_pem_file(&args.key)
        .map_err(|e| InputError(format!("{}: no usable PRIVATE KEY: {e}", args.key)))?;
    let iat = match args.iat {
        Some(t) => t,
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .ok_or_else(|| InputError("the clock is before 1970".to_owned()))?,
    };
    let origid = match &args.origid {
        Some(id) => id.clone(),
        None => random_uuid()?,
    };
    let attest = match args.attest {
        AttestArg::A => Attest::A,
        AttestArg::B => Attest::B,
        AttestArg::C => Attest::C,
    };
    let passport = Passport {
        header: PassportHeader {
            alg: "ES256".to_owned(),
            typ: Some("passport".to_owned()),
            ppt: Ppt::Shaken,
            x5u: args.x5u.clone(),
        },
        claims: Claims {
            orig: Orig::Tn(tn_arg("--orig", &args.orig)?),
            dest: Dest {
                tn: vec![tn_arg("--dest", &args.dest)?],
                uri: Vec::new(),
            },
            iat,
            attest: Some(attest),
            origid: Some(origid),
            div: None,
        },
    };
    let value = sign(&passport, &key, &trust::provider())
        .map_err(|e| InputError(format!("cannot sign: {e}")))?;
    println!("{value}");
    Ok(Outcome::Valid)
}
