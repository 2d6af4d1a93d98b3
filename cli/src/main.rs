//! `sipcert`: check SIP-over-TLS certificates against RFC 5922, for operators.
//!
//! Exit status: 0 = valid / accept, 1 = invalid / reject, 2 = usage or input error.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

mod check;
mod exporter;
mod identities;
mod input;
mod probe;
mod report;
mod stir;
mod stir_4474;
mod stir_lint;
mod time;
mod trust;
mod uri_cmd;

/// Check the right name for SIP over TLS (RFC 5922).
#[derive(Debug, Parser)]
#[command(name = "sipcert", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse a SIP or SIPS URI (RFC 3261 §25.1) and show its parts and reference domain.
    Uri(uri_cmd::Args),
    /// Show the SIP domain identities of a certificate (RFC 5922 §7.1), and every name that
    /// is not one, with the reason.
    Identities(identities::Args),
    /// Check a certificate chain against a SIP domain: chain, EKU and RFC 5922 name rules.
    Check(check::Args),
    /// Resolve SIP URIs (RFC 3263, DNSSEC) and probe every TLS target (SNI = the SIP domain):
    /// chain, RFC 5922 verdict, DANE, optional SIP OPTIONS, an A+–F grade; one domain or a
    /// fleet (`--file`), as text, JSON, HTML, Prometheus or a Nagios plugin.
    Probe(probe::Args),
    /// Serve probes over HTTP for Prometheus (like blackbox_exporter): `/probe?target=AUS`
    /// for allowed targets only, and `/metrics`.
    Exporter(exporter::Args),
    /// STIR/SHAKEN (RFC 8224, 8588): verify an Identity header value, or sign one.
    Stir(stir::Args),
    /// Print the man page (roff) on stdout: `sipcert man > sipcert.1`.
    Man,
    /// Print a shell completion script on stdout: `sipcert completions bash`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// What a subcommand concluded: valid/accept (0) or invalid/reject (1), or an exit status
/// of another convention (`probe --nagios`: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
pub(crate) enum Outcome {
    Valid,
    Invalid,
    Status(u8),
}

/// An input error (exit 2): unreadable file, bad PEM, bad argument.
#[derive(Debug)]
pub(crate) struct InputError(pub(crate) String);

/// The man page of the whole command (clap_mangen), on stdout.
fn man() -> Result<Outcome, InputError> {
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .map_err(|e| InputError(format!("cannot write the man page: {e}")))?;
    Ok(Outcome::Valid)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Uri(args) => uri_cmd::run(&args),
        Command::Identities(args) => identities::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::Exporter(args) => exporter::run(&args),
        Command::Stir(args) => stir::run(&args),
        Command::Man => man(),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "sipcert",
                &mut std::io::stdout(),
            );
            Ok(Outcome::Valid)
        }
    };
    match result {
        Ok(Outcome::Valid) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Ok(Outcome::Status(code)) => ExitCode::from(code),
        Err(InputError(msg)) => {
            eprintln!("sipcert: {msg}");
            ExitCode::from(2)
        }
    }
}
