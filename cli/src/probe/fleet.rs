//! Many domains: the AUSes of the command line and of `--file` are streamed, one line at a
//! time, through a bounded channel to `--jobs` workers; each worker resolves and probes one
//! domain within `--timeout` (and the run's `--deadline`), and hands the compact result to
//! the output [`Sink`] on the main thread. What is held at any time is bounded by `--jobs`,
//! not by the number of domains (the JSON and HTML outputs keep a compact object per target).
//!
//! Per-domain codes besides the probe's (decisions §2): `target-invalid` (a line or argument
//! that is no SIP URI and no domain, named by FILE:LINE or argument position),
//! `input-unreadable` (a line of `--file` could not be read), `deadline-reached` (the run's
//! `--deadline` passed before the domain was probed).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

use super::sink::{self, DomainDone};
use super::{normalize_aus, parse_aus, plan, probe_all, progress_bar, render, Args, Shared};
use crate::{InputError, Outcome};

/// The run's deadline when `--deadline` is not given, in seconds.
pub(crate) const DEFAULT_DEADLINE: u64 = 300;

/// Targets of one domain probed at once at most (the domains themselves run `--jobs` at once).
const TARGETS_AT_ONCE: usize = 4;

/// One AUS to probe, as read: where it came from and its text (or why it could not be read).
pub(crate) struct Item {
    index: usize,
    origin: String,
    text: Result<String, String>,
}

impl Item {
    /// An AUS to probe, from `origin`.
    pub(crate) fn new(origin: &str, text: &str) -> Self {
        Self {
            index: 0,
            origin: origin.to_owned(),
            text: Ok(text.to_owned()),
        }
    }
}

/// The lines of `--file`: a file, or standard input for `-`.
fn open(path: &std::path::Path) -> Result<Box<dyn BufRead + Send>, InputError> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let file = File::open(path)
        .map_err(|e| InputError(format!("--file {}: cannot read: {e}", path.display())))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(InputError(format!(
            "--file {}: is a directory",
            path.display()
        )));
    }
    Ok(Box::new(BufReader::new(file)))
}

/// Sends the command line's AUSes, then `--file`'s lines (comments and blank lines skipped),
/// stopping when the workers are gone.
fn produce(aus: &[String], file: Option<(String, Box<dyn BufRead + Send>)>, tx: &SyncSender<Item>) {
    let mut index = 0;
    let mut send = |origin: String, text: Result<String, String>| {
        index += 1;
        tx.send(Item {
            index,
            origin,
            text,
        })
        .is_ok()
    };
    for (i, a) in aus.iter().enumerate() {
        if !send(format!("argument {}", i + 1), Ok(a.clone())) {
            return;
        }
    }
    let Some((name, reader)) = file else { return };
    for (n, line) in reader.lines().enumerate() {
        let origin = format!("{name}:{}", n + 1);
        let keep = match line {
            Ok(l) => {
                let l = l.trim();
                if l.is_empty() || l.starts_with('#') {
                    continue;
                }
                send(origin, Ok(l.to_owned()))
            }
            Err(e) => {
                // A read error ends the file: report it at its line, then stop.
                send(origin, Err(format!("cannot read: {e}")));
                false
            }
        };
        if !keep {
            return;
        }
    }
}

/// Probes every domain of the run and prints the output; the exit status of the run.
pub(crate) fn run(args: &Args, shared: &Shared) -> Result<Outcome, InputError> {
    let file = match &args.file {
        Some(p) => Some((p.display().to_string(), open(p)?)),
        None => None,
    };
    let started = Instant::now();
    let overall = started + Duration::from_secs(args.deadline.unwrap_or(DEFAULT_DEADLINE).max(1));
    let jobs = args.jobs.max(1);
    let mut out = sink::for_args(args, shared);
    let progress = progress_bar(args);
    let (item_tx, item_rx) = sync_channel::<Item>(jobs);
    let item_rx = Mutex::new(item_rx);
    let (done_tx, done_rx) = sync_channel::<DomainDone>(jobs);
    std::thread::scope(|s| {
        s.spawn(move || produce(&args.aus, file, &item_tx));
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let item_rx = &item_rx;
            s.spawn(move || worker(args, shared, overall, item_rx, &done_tx, out_json(args)));
        }
        drop(done_tx);
        for done in done_rx {
            progress.inc(1);
            progress.set_message(done.domain.clone());
            progress.suspend(|| out.domain(done));
        }
    });
    progress.finish_and_clear();
    Ok(out.finish(started.elapsed()))
}

/// Whether the sink wants the full JSON object of each domain.
fn out_json(args: &Args) -> bool {
    args.output() == super::Format::Json && !args.nagios
}

/// One worker: takes the next item until there is none, probes it, hands the result on.
fn worker(
    args: &Args,
    shared: &Shared,
    overall: Instant,
    items: &Mutex<Receiver<Item>>,
    done: &SyncSender<DomainDone>,
    want_json: bool,
) {
    loop {
        let item = match items.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(item) = item else { return };
        let result = probe_domain(args, shared, overall, &item, want_json);
        if done.send(result).is_err() {
            return;
        }
    }
}

/// Resolves and probes one domain.
pub(crate) fn probe_domain(
    args: &Args,
    shared: &Shared,
    overall: Instant,
    item: &Item,
    want_json: bool,
) -> DomainDone {
    let started = Instant::now();
    let failed = |domain: &str, code: &str, message: String| {
        DomainDone::failed(
            item.index,
            &item.origin,
            domain,
            code,
            &message,
            started.elapsed(),
            want_json,
        )
    };
    let text = match &item.text {
        Ok(t) => t.clone(),
        Err(e) => return failed("-", "input-unreadable", format!("{}: {e}", item.origin)),
    };
    let aus_text = match normalize_aus(&text) {
        Ok(a) => a,
        Err(e) => return failed(&text, "target-invalid", format!("{}: {}", item.origin, e.0)),
    };
    if started >= overall {
        return failed(
            &aus_text,
            "deadline-reached",
            "the run's --deadline passed before this domain was probed".to_owned(),
        );
    }
    let deadline = (started + shared.timeout).min(overall);
    let ctx = match shared.context(&aus_text, args.options, deadline) {
        Ok(c) => c,
        Err(e) => {
            return failed(
                &aus_text,
                "target-invalid",
                format!("{}: {}", item.origin, e.0),
            )
        }
    };
    let Ok(aus) = parse_aus(&aus_text) else {
        return failed(&aus_text, "target-invalid", item.origin.clone());
    };
    // RFC 3263 (or `--connect`: one target, no DNS).
    let (resolution, targets) = match plan(args, shared, &aus, deadline, &ProgressBar::hidden()) {
        Ok(planned) => planned,
        Err(e) => return failed(&aus_text, "connect-failed", e.0),
    };
    let reports = probe_all(
        &ctx,
        &targets,
        TARGETS_AT_ONCE.min(args.jobs.max(1)),
        &ProgressBar::hidden(),
    );
    let views = render::domain_views(
        &aus_text,
        shared,
        resolution.as_ref(),
        &reports,
        started.elapsed(),
    );
    let json = want_json.then(|| {
        render::domain_json(
            &ctx,
            shared,
            resolution.as_ref(),
            &reports,
            started.elapsed(),
        )
    });
    DomainDone {
        index: item.index,
        domain: aus_text,
        views,
        origin: item.origin.clone(),
        json,
    }
}
