//! Where the results of a run over many domains go, as each domain completes: text lines
//! (streamed), JSON, HTML, Prometheus or Nagios (collected, then printed), and the summary
//! (counts per verdict, per grade and per reason code, worst first).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use super::grade::Letter;
use super::view::TargetView;
use super::{html, nagios, prometheus, Args, Format, Shared};
use crate::Outcome;

/// One domain's result, as a worker hands it to the sink.
#[derive(Debug)]
pub(crate) struct DomainDone {
    /// The position of the AUS in the input (1-based): outputs are sorted by it.
    pub(crate) index: usize,
    /// Where the AUS came from: `argument N` or `FILE:LINE`.
    pub(crate) origin: String,
    pub(crate) domain: String,
    pub(crate) views: Vec<TargetView>,
    /// The domain's full JSON object, when the output is JSON.
    pub(crate) json: Option<Value>,
}

impl DomainDone {
    /// A domain that yielded no target, with `code`.
    pub(crate) fn failed(
        index: usize,
        origin: &str,
        domain: &str,
        code: &str,
        message: &str,
        elapsed: Duration,
        want_json: bool,
    ) -> Self {
        Self {
            index,
            origin: origin.to_owned(),
            domain: domain.to_owned(),
            views: vec![TargetView::failed(domain, code, message, elapsed)],
            json: want_json.then(|| {
                json!({
                    "domain": domain, "verdict": "reject", "grade": "F",
                    "reasons": [{"code": code, "message": message}], "dns": [], "targets": [],
                    "elapsed_ms": u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
                })
            }),
        }
    }

    /// Accept only if every view accepts and there is one.
    pub(crate) fn accepted(&self) -> bool {
        !self.views.is_empty() && self.views.iter().all(|v| v.accepted)
    }
}

/// Counts of a run: domains and targets per verdict, targets per grade and per reason code.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub(crate) domains: usize,
    pub(crate) domains_accepted: usize,
    pub(crate) targets: usize,
    pub(crate) targets_accepted: usize,
    pub(crate) grades: BTreeMap<Letter, usize>,
    pub(crate) codes: BTreeMap<String, usize>,
}

impl Summary {
    /// Counts `done`.
    pub(crate) fn add(&mut self, done: &DomainDone) {
        self.domains += 1;
        self.domains_accepted += usize::from(done.accepted());
        for v in &done.views {
            self.targets += 1;
            self.targets_accepted += usize::from(v.accepted);
            *self.grades.entry(v.grade.letter).or_default() += 1;
            if let Some(c) = &v.code {
                *self.codes.entry(c.clone()).or_default() += 1;
            }
        }
    }

    /// Every domain accepted (and there was one).
    pub(crate) fn all_accepted(&self) -> bool {
        self.domains > 0 && self.domains_accepted == self.domains
    }

    /// The grades, worst first, with their counts (only those that occur).
    pub(crate) fn grades_worst_first(&self) -> Vec<(Letter, usize)> {
        self.grades.iter().map(|(l, n)| (*l, *n)).collect()
    }

    /// The reason codes, most frequent first.
    pub(crate) fn codes_most_first(&self) -> Vec<(&str, usize)> {
        let mut codes: Vec<(&str, usize)> =
            self.codes.iter().map(|(c, n)| (c.as_str(), *n)).collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        codes
    }

    /// The summary as JSON.
    pub(crate) fn json(&self) -> Value {
        json!({
            "domains": self.domains,
            "domains_accepted": self.domains_accepted,
            "domains_rejected": self.domains - self.domains_accepted,
            "targets": self.targets,
            "targets_accepted": self.targets_accepted,
            "targets_rejected": self.targets - self.targets_accepted,
            "grades": self.grades_worst_first().iter().map(|(l, n)| json!([l.as_str(), n])).collect::<Vec<_>>(),
            "reasons": self.codes_most_first().iter().map(|(c, n)| json!([c, n])).collect::<Vec<_>>(),
        })
    }

    /// The summary as text lines.
    pub(crate) fn text(&self) -> String {
        let grades: Vec<String> = self
            .grades_worst_first()
            .iter()
            .map(|(l, n)| format!("{}: {n}", l.as_str()))
            .collect();
        let codes: Vec<String> = self
            .codes_most_first()
            .iter()
            .map(|(c, n)| format!("{c}: {n}"))
            .collect();
        format!(
            "domains: {} rejected, {} accepted; targets: {} rejected, {} accepted\ngrades (worst first): {}\nreasons: {}",
            self.domains - self.domains_accepted,
            self.domains_accepted,
            self.targets - self.targets_accepted,
            self.targets_accepted,
            grades.join(", "),
            if codes.is_empty() { "none".to_owned() } else { codes.join(", ") }
        )
    }
}

/// An output of a run over many domains.
pub(crate) trait Sink {
    /// Takes one domain's result (text prints it at once).
    fn domain(&mut self, done: DomainDone);
    /// Prints what is left; the exit status.
    fn finish(self: Box<Self>, elapsed: Duration) -> Outcome;
}

/// The sink of the arguments' output format.
pub(crate) fn for_args(args: &Args, shared: &Shared) -> Box<dyn Sink> {
    if args.nagios {
        return Box::new(nagios::Nagios::new(shared.thresholds()));
    }
    match args.output() {
        Format::Text => Box::new(Text::default()),
        Format::Json => Box::new(Json::default()),
        Format::Html => Box::new(html::Html::default()),
        Format::Prometheus => Box::new(prometheus::Prometheus::default()),
    }
}

/// The exit status of a run: 0 when every domain was accepted, else 1.
pub(crate) fn outcome(summary: &Summary) -> Outcome {
    if summary.all_accepted() {
        Outcome::Valid
    } else {
        Outcome::Invalid
    }
}

/// Text: one line per target as each domain completes, then the summary.
#[derive(Debug, Default)]
struct Text {
    summary: Summary,
}

impl Sink for Text {
    fn domain(&mut self, done: DomainDone) {
        self.summary.add(&done);
        for v in &done.views {
            let detail = match (&v.message, v.accepted) {
                (Some(m), false) => format!(": {m}"),
                _ => String::new(),
            };
            println!(
                "{:<6} {:<2} {} {} {}{detail} ({} ms)",
                if v.accepted { "ACCEPT" } else { "REJECT" },
                v.grade.letter.as_str(),
                v.domain,
                v.target,
                v.verdict_text(),
                v.duration.as_millis()
            );
        }
    }

    fn finish(self: Box<Self>, elapsed: Duration) -> Outcome {
        println!();
        println!("{}", self.summary.text());
        println!(
            "overall: {} ({} domain(s), {} ms)",
            if self.summary.all_accepted() {
                "ACCEPT"
            } else {
                "REJECT"
            },
            self.summary.domains,
            elapsed.as_millis()
        );
        outcome(&self.summary)
    }
}

/// JSON: `{"domains":[<the domain object>...],"summary","verdict","elapsed_ms"}`, streamed:
/// each domain's object is written when it completes (in completion order; `origin` names its
/// place in the input), so that nothing of a run is held but the counts.
#[derive(Debug, Default)]
struct Json {
    summary: Summary,
    started: bool,
}

impl Json {
    /// Writes the opening of the object once, then the separator between domains.
    fn open(&mut self) {
        print!("{}", if self.started { "," } else { "{\"domains\":[" });
        self.started = true;
    }
}

impl Sink for Json {
    fn domain(&mut self, done: DomainDone) {
        self.summary.add(&done);
        let mut value = done.json.unwrap_or(Value::Null);
        value["domain"] = json!(done.domain);
        value["origin"] = json!(done.origin);
        self.open();
        print!("{value}");
    }

    fn finish(mut self: Box<Self>, elapsed: Duration) -> Outcome {
        if !self.started {
            self.open();
        }
        println!(
            "],\"summary\":{},\"verdict\":{},\"elapsed_ms\":{}}}",
            self.summary.json(),
            json!(if self.summary.all_accepted() {
                "accept"
            } else {
                "reject"
            }),
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        );
        outcome(&self.summary)
    }
}
