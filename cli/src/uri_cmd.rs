//! `sipcert uri [--json] URI`

use serde_json::{json, Value};
use sipcert::uri::{Host, SipUri};

use crate::{InputError, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The URI, e.g. 'sips:alice@example.com;transport=tcp'.
    uri: String,
}

#[allow(clippy::unnecessary_wraps)] // the signature of every subcommand
pub(crate) fn run(args: &Args) -> Result<Outcome, InputError> {
    match SipUri::parse(&args.uri) {
        Ok(uri) => {
            if args.json {
                println!("{}", describe(&uri));
            } else {
                print_text(&uri);
            }
            Ok(Outcome::Valid)
        }
        Err(e) => {
            if args.json {
                let v = json!({
                    "valid": false,
                    "error": {"code": e.code(), "offset": e.offset(), "message": e.kind().to_string()},
                });
                println!("{v}");
            } else {
                println!("invalid SIP URI: {e} ({})", e.code());
                println!("  {}", args.uri.escape_debug());
                println!("  {}^", " ".repeat(caret_column(&args.uri, e.offset())));
            }
            Ok(Outcome::Invalid)
        }
    }
}

/// The display column of byte `offset` in the escaped echo of the input.
fn caret_column(input: &str, offset: usize) -> usize {
    input
        .char_indices()
        .take_while(|&(i, _)| i < offset)
        .map(|(_, c)| c.escape_debug().count())
        .sum()
}

/// The `uri --json` object of a valid URI: `"valid": true` and the library's fields.
fn describe(uri: &SipUri<'_>) -> Value {
    let mut v = sipcert::json::uri(uri);
    if let Value::Object(fields) = &mut v {
        fields.insert("valid".to_owned(), Value::Bool(true));
    }
    v
}

fn print_text(uri: &SipUri<'_>) {
    println!("valid {} URI", uri.scheme().as_str().to_ascii_uppercase());
    if let Some(user) = uri.user() {
        println!("  user:      {user}");
    }
    if uri.password().is_some() {
        println!("  password:  (present; RFC 3261 calls its use NOT RECOMMENDED)");
    }
    println!(
        "  host:      {} ({})",
        uri.host_str(),
        uri.host().kind_str()
    );
    if let Some(port) = uri.port() {
        println!("  port:      {port}");
    }
    for p in uri.params() {
        match p.value() {
            Some(v) => println!("  param:     {}={v}", p.name()),
            None => println!("  param:     {}", p.name()),
        }
    }
    for h in uri.headers() {
        println!("  header:    {}={}", h.name(), h.value());
    }
    match (uri.reference_domain(), uri.host()) {
        (Ok(d), _) => {
            println!("  reference: {d} (the SIP domain a certificate must name, RFC 5922 §7.3)");
        }
        (Err(e), Host::Ipv4(_) | Host::Ipv6(_)) => {
            println!(
                "  reference: none: {e}; RFC 5922 has no SIP domain to check ({})",
                e.code()
            );
        }
        (Err(e), Host::Domain(_)) => println!("  reference: none: {e} ({})", e.code()),
    }
}
