//! `--nagios`: the monitoring-plugins convention (Nagios, Icinga, Naemon): one status line
//! `SIPCERT <STATE> - <text> | <perfdata>` and the exit status 0 OK, 1 WARNING, 2 CRITICAL,
//! 3 UNKNOWN. Perfdata: `'days_<n>'=<days>;<warn>;<crit>` for certificate `n` of the chain
//! (0 = leaf); with more than one target the label starts with the domain and the target.

use std::time::Duration;

use super::sink::{DomainDone, Sink, Summary};
use super::view::{TargetView, Thresholds};
use crate::Outcome;

/// A plugin state, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    /// The word of the status line.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Warning => "WARNING",
            Self::Critical => "CRITICAL",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// The exit status of the convention.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Warning => 1,
            Self::Critical => 2,
            Self::Unknown => 3,
        }
    }
}

/// The state of one target: CRITICAL when rejected or a certificate expires within the
/// critical days, WARNING within the warning days, else OK.
pub(crate) fn state_of(v: &TargetView, limits: Thresholds) -> State {
    let min_days = v.certs.iter().map(|c| c.days_left).min();
    match (v.accepted, min_days) {
        (false, _) => State::Critical,
        (true, Some(d)) if d < limits.crit_days => State::Critical,
        (true, Some(d)) if d < limits.warn_days => State::Warning,
        (true, _) => State::Ok,
    }
}

/// A perfdata label: in single quotes, a quote doubled, `=` (which ends a label) replaced.
fn label(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''").replace('=', "_"))
}

/// The `--nagios` output of a run.
#[derive(Debug)]
pub(crate) struct Nagios {
    limits: Thresholds,
    summary: Summary,
    state: State,
    /// The first few problems, for the status line.
    problems: Vec<String>,
    /// How many targets had a problem.
    problems_total: usize,
    /// (domain, target, position, days) of every certificate.
    perf: Vec<(String, String, usize, i64)>,
}

/// Problems named on the status line at most.
const PROBLEMS_SHOWN: usize = 5;

impl Nagios {
    pub(crate) fn new(limits: Thresholds) -> Self {
        Self {
            limits,
            summary: Summary::default(),
            state: State::Ok,
            problems: Vec::new(),
            problems_total: 0,
            perf: Vec::new(),
        }
    }

    fn status_line(&self) -> String {
        let s = &self.summary;
        let text = if self.problems.is_empty() {
            format!(
                "{} target(s) of {} domain(s) accepted, no certificate expires within {} days",
                s.targets_accepted, s.domains, self.limits.warn_days
            )
        } else {
            format!(
                "{} of {} target(s) with problems: {}",
                self.problems_total,
                s.targets,
                self.problems.join("; ")
            )
        };
        let one = s.targets == 1;
        let perf: Vec<String> = self
            .perf
            .iter()
            .map(|(d, t, n, days)| {
                let name = if one {
                    format!("days_{n}")
                } else {
                    format!("{d} {t} days_{n}")
                };
                format!(
                    "{}={days};{};{}",
                    label(&name),
                    self.limits.warn_days,
                    self.limits.crit_days
                )
            })
            .collect();
        let state = if s.targets == 0 {
            State::Unknown
        } else {
            self.state
        };
        let mut line = format!("SIPCERT {} - {text}", state.word());
        if !perf.is_empty() {
            line.push_str(" | ");
            line.push_str(&perf.join(" "));
        }
        line
    }
}

impl Sink for Nagios {
    fn domain(&mut self, done: DomainDone) {
        self.summary.add(&done);
        for v in &done.views {
            let state = state_of(v, self.limits);
            self.state = self.state.max(state);
            if state != State::Ok {
                self.problems_total += 1;
                if self.problems.len() < PROBLEMS_SHOWN {
                    let min_days = v.certs.iter().map(|c| c.days_left).min();
                    let what = match (v.accepted, min_days) {
                        (true, Some(d)) => format!("certificate expires in {d} days"),
                        _ => v.verdict_text(),
                    };
                    self.problems
                        .push(format!("{} {} {what}", v.domain, v.target));
                }
            }
            for c in &v.certs {
                self.perf
                    .push((v.domain.clone(), v.target.clone(), c.position, c.days_left));
            }
        }
    }

    fn finish(self: Box<Self>, _elapsed: Duration) -> Outcome {
        println!("{}", self.status_line());
        let state = if self.summary.targets == 0 {
            State::Unknown
        } else {
            self.state
        };
        Outcome::Status(state.code())
    }
}

/// The status line of an input error (exit 3, UNKNOWN).
pub(crate) fn unknown(message: &str) -> String {
    format!("SIPCERT UNKNOWN - {}", message.replace('|', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::view::CertView;

    fn view(accepted: bool, days: &[i64]) -> TargetView {
        let mut v = TargetView::failed("sips:example.com", "x", "m", Duration::ZERO);
        v.accepted = accepted;
        v.certs = days
            .iter()
            .enumerate()
            .map(|(position, d)| CertView {
                position,
                subject: String::new(),
                not_after: String::new(),
                days_left: *d,
                seconds_left: d * 86_400,
            })
            .collect();
        v
    }

    #[test]
    fn states_at_the_thresholds() {
        let limits = Thresholds {
            warn_days: 30,
            crit_days: 7,
        };
        for (accepted, days, want) in [
            (true, &[100, 200][..], State::Ok),
            (true, &[30, 200][..], State::Ok),
            (true, &[200, 29][..], State::Warning),
            (true, &[7][..], State::Warning),
            (true, &[6][..], State::Critical),
            (true, &[-3][..], State::Critical),
            (false, &[100][..], State::Critical),
            (false, &[][..], State::Critical),
            (true, &[][..], State::Ok),
        ] {
            assert_eq!(
                state_of(&view(accepted, days), limits),
                want,
                "{accepted} {days:?}"
            );
        }
    }

    #[test]
    fn perfdata_labels_are_quoted() {
        assert_eq!(label("days_0"), "'days_0'");
        assert_eq!(label("sips:a;x=y o'k days_1"), "'sips:a;x_y o''k days_1'");
    }
}
