//! RFC 3263 resolution of an AUS with DNSSEC status per step (feature `dns`):
//!
//! ```text
//! cargo run --features dns --example resolve -- sips:example.com [DNS-SERVER:PORT] [TRUST-ANCHOR-FILE]
//! ```

use sipcert::resolve::{ResolverOptions, SipResolver};
use sipcert::uri::SipUri;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let aus = args
        .next()
        .ok_or("usage: resolve AUS [SERVER:PORT] [ANCHOR]")?;
    let options = ResolverOptions {
        server: args.next().map(|s| s.parse()).transpose()?,
        trust_anchor: args.next().map(Into::into),
        ..ResolverOptions::default()
    };
    let resolver = SipResolver::new(options)?;
    let resolution = resolver.resolve(&SipUri::parse(&aus)?);
    for step in &resolution.steps {
        println!(
            "{} {} [{}] {:?}",
            step.rtype,
            step.name,
            step.dnssec.code(),
            step.answer
        );
    }
    for t in &resolution.targets {
        println!(
            "target {} {:?} srv-secure={} ({}) bogus={} tlsa={:?} ({})",
            t.label(),
            t.addresses,
            t.srv_secure,
            t.srv_note,
            t.bogus,
            t.tlsa.as_ref().map(|s| s.records().len()),
            t.tlsa_note
        );
    }
    if let Some(m) = resolution.failure_message() {
        println!("failure: {m}");
    }
    Ok(())
}
