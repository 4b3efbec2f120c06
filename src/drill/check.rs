//! Conditions on a run and their evaluation, one simulated second at a time.
//!
//! Every outcome is decided as early as it can be known — a `max` that already exceeds its
//! bound fails at once, a must-happen event passes when it happens — so a live panel can turn
//! a check green or red the second it resolves. Times are drill seconds (0 = the drill's start).

use super::metric::{Metric, MetricKind, Sample};
use super::spec::Aggregate;
use crate::headless::clock;
use crate::sim::Simulation;
use crate::sim::events::{Event, EventKind};
use serde::Serialize;

/// A lower and/or upper bound, inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Bound {
    pub fn holds(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }

    pub fn describe(&self, kind: MetricKind) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{} to {}", kind.format(lo), kind.format(hi)),
            (Some(lo), None) => format!("≥ {}", kind.format(lo)),
            (None, Some(hi)) => format!("≤ {}", kind.format(hi)),
            (None, None) => "any".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// A metric over the seconds `from..to`, aggregated, against a bound.
    Metric {
        metric: Metric,
        of: Aggregate,
        bound: Bound,
        from: u64,
        to: u64,
    },
    /// An event of `kind` (at `component`, if given) seen — or, with `must` false, not seen —
    /// between `from` and `until`, both included.
    Event {
        kind: EventKind,
        component: Option<String>,
        must: bool,
        from: u64,
        until: u64,
    },
    /// From `from` on, the metric is back within the bound by `deadline` and stays there for
    /// `hold` seconds running.
    Recover {
        metric: Metric,
        bound: Bound,
        from: u64,
        deadline: u64,
        hold: u64,
    },
}

/// A steady-state condition or a check, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// What the author called it, or a description made from the rule.
    pub name: String,
    pub rule: Rule,
    /// The step the times count from (its index), if any.
    pub step: Option<usize>,
    /// That step's time (0 without one): event and recovery times are measured from here.
    pub anchor: u64,
}

impl Check {
    pub fn kind(&self) -> &'static str {
        match self.rule {
            Rule::Metric { .. } => "metric",
            Rule::Event { .. } => "event",
            Rule::Recover { .. } => "recover",
        }
    }

    /// The seconds the check looks at: `(from, to)`, `to` excluded.
    pub fn window(&self) -> (u64, u64) {
        match &self.rule {
            Rule::Metric { from, to, .. } => (*from, *to),
            Rule::Event { from, until, .. } => (*from, until + 1),
            Rule::Recover {
                from,
                deadline,
                hold,
                ..
            } => (*from, deadline + hold),
        }
    }

    /// The condition in words, from the rule alone.
    pub fn describe(&self) -> String {
        match &self.rule {
            Rule::Metric {
                metric,
                of,
                from,
                to,
                ..
            } => format!(
                "{} {} over {}–{}",
                of.as_str(),
                metric.label(),
                clock(*from),
                clock(*to)
            ),
            Rule::Event {
                kind,
                component,
                must,
                ..
            } => {
                let at = component
                    .as_ref()
                    .map_or(String::new(), |c| format!(" at {c}"));
                let verb = if *must { "happens" } else { "does not happen" };
                format!("`{}`{at} {verb}", kind.as_str())
            }
            Rule::Recover { metric, .. } => format!("{} recovers", metric.label()),
        }
    }

    /// The bound in words: `≤ 0.1%`, `within 3m`, `≤ 300 ms within 5m, held 1m`.
    pub fn bound_text(&self) -> String {
        match &self.rule {
            Rule::Metric { metric, bound, .. } => bound.describe(metric.kind),
            Rule::Event {
                must, until, from, ..
            } => {
                let within = span(until.saturating_sub(*from));
                if *must {
                    format!("within {within}")
                } else {
                    format!("none within {within}")
                }
            }
            Rule::Recover {
                metric,
                bound,
                deadline,
                hold,
                ..
            } => format!(
                "{} within {}, held {}",
                bound.describe(metric.kind),
                span(deadline.saturating_sub(self.anchor)),
                span(*hold)
            ),
        }
    }

    pub fn bound(&self) -> Option<Bound> {
        match &self.rule {
            Rule::Metric { bound, .. } | Rule::Recover { bound, .. } => Some(*bound),
            Rule::Event { .. } => None,
        }
    }

    fn metric(&self) -> Option<&Metric> {
        match &self.rule {
            Rule::Metric { metric, .. } | Rule::Recover { metric, .. } => Some(metric),
            Rule::Event { .. } => None,
        }
    }
}

/// A length of time for people: `45 s`, `3m 20s`, `1h 5m`.
pub fn span(secs: u64) -> String {
    match secs {
        0..120 => format!("{secs} s"),
        120..3_600 if secs.is_multiple_of(60) => format!("{}m", secs / 60),
        120..3_600 => format!("{}m {}s", secs / 60, secs % 60),
        _ if secs.is_multiple_of(3_600) => format!("{}h", secs / 3_600),
        _ => format!("{}h {}m", secs / 3_600, secs / 60 % 60),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Passed,
    Failed,
}

/// Running sums over a metric window.
#[derive(Debug, Clone, Default, PartialEq)]
struct Acc {
    n: u64,
    sum: f64,
    weighted_sum: f64,
    weight: f64,
    max: f64,
    min: f64,
    last: f64,
}

impl Acc {
    fn add(&mut self, v: f64, w: f64) {
        if self.n == 0 {
            (self.max, self.min) = (v, v);
        }
        self.n += 1;
        self.sum += v;
        self.weighted_sum += v * w;
        self.weight += w;
        self.max = self.max.max(v);
        self.min = self.min.min(v);
        self.last = v;
    }

    fn value(&self, of: Aggregate, weighted: bool) -> Option<f64> {
        (self.n > 0).then(|| match of {
            Aggregate::Max => self.max,
            Aggregate::Min => self.min,
            Aggregate::Last => self.last,
            Aggregate::Mean if weighted && self.weight > 0.0 => self.weighted_sum / self.weight,
            Aggregate::Mean => self.sum / self.n as f64,
        })
    }
}

/// A check being evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckState {
    pub check: Check,
    pub outcome: Outcome,
    /// The metric's value over the window so far; for events and recovery, seconds from the
    /// step to when it happened.
    pub measured: Option<f64>,
    /// The drill second at which the outcome was decided.
    pub decided_at: Option<u64>,
    acc: Acc,
    /// Recovery: the first second of the current run of good seconds.
    good_since: u64,
}

impl CheckState {
    pub fn new(check: Check) -> Self {
        let good_since = match check.rule {
            Rule::Recover { from, .. } => from,
            _ => 0,
        };
        Self {
            check,
            outcome: Outcome::Pending,
            measured: None,
            decided_at: None,
            acc: Acc::default(),
            good_since,
        }
    }

    fn decide(&mut self, ok: bool, t: u64) {
        if self.outcome == Outcome::Pending {
            self.outcome = if ok { Outcome::Passed } else { Outcome::Failed };
            self.decided_at = Some(t);
        }
    }

    /// Whether the check still needs to read metrics (to decide, or to finish its window).
    pub fn wants_samples(&self, t: u64) -> bool {
        match &self.check.rule {
            Rule::Metric { from, to, .. } => (*from..*to).contains(&t),
            Rule::Recover { from, .. } => self.outcome == Outcome::Pending && t >= *from,
            Rule::Event { .. } => false,
        }
    }

    /// Takes in drill second `t`, just simulated.
    pub fn observe(&mut self, t: u64, sim: &Simulation) {
        if !self.wants_samples(t) {
            return;
        }
        let Some(metric) = self.check.metric() else {
            return;
        };
        let sample = metric.sample(sim);
        self.take(t, sample, metric.weighted());
    }

    fn take(&mut self, t: u64, sample: Sample, weighted: bool) {
        match self.check.rule.clone() {
            Rule::Metric { of, bound, to, .. } => {
                if let Some(v) = sample.value {
                    self.acc.add(v, sample.weight);
                }
                self.measured = self.acc.value(of, weighted);
                if let Some(v) = self.measured {
                    // Max only grows and min only shrinks: some outcomes are final early.
                    match of {
                        Aggregate::Max if bound.max.is_some_and(|m| v > m) => self.decide(false, t),
                        Aggregate::Max if bound.max.is_none() && bound.holds(v) => {
                            self.decide(true, t)
                        }
                        Aggregate::Min if bound.min.is_some_and(|m| v < m) => self.decide(false, t),
                        Aggregate::Min if bound.min.is_none() && bound.holds(v) => {
                            self.decide(true, t)
                        }
                        _ => {}
                    }
                }
                if t + 1 >= to {
                    let ok = self.measured.is_some_and(|v| bound.holds(v));
                    self.decide(ok, t);
                }
            }
            Rule::Recover {
                bound,
                deadline,
                hold,
                ..
            } => {
                if !sample.value.is_some_and(|v| bound.holds(v)) {
                    self.good_since = t + 1;
                }
                if self.good_since > deadline {
                    self.decide(false, t);
                } else if t + 1 - self.good_since >= hold {
                    self.measured = Some((self.good_since - self.check.anchor) as f64);
                    self.decide(true, t);
                }
            }
            Rule::Event { .. } => {}
        }
    }

    /// Takes in an event that happened at drill second `t`.
    pub fn event(&mut self, t: u64, e: &Event) {
        let Rule::Event {
            kind,
            component,
            must,
            from,
            until,
        } = &self.check.rule
        else {
            return;
        };
        let matches = e.kind == *kind
            && (*from..=*until).contains(&t)
            && component
                .as_ref()
                .is_none_or(|c| e.component.as_deref() == Some(c.as_str()));
        if matches && self.outcome == Outcome::Pending {
            self.measured = Some((t - self.check.anchor) as f64);
            let must = *must;
            self.decide(must, t);
        }
    }

    /// Drill second `t` is over: windows that end with it are decided.
    pub fn tick(&mut self, t: u64) {
        if let Rule::Event { must, until, .. } = self.check.rule
            && t >= until
        {
            self.decide(!must, t);
        }
    }

    /// The drill ended: whatever is still open is decided on what was seen.
    pub fn close(&mut self, t: u64) {
        match &self.check.rule {
            Rule::Metric { bound, .. } => {
                let ok = self.measured.is_some_and(|v| bound.holds(v));
                self.decide(ok, t);
            }
            Rule::Event { must, .. } => {
                let must = *must;
                self.decide(!must, t);
            }
            Rule::Recover { .. } => self.decide(false, t),
        }
    }

    /// What was measured, in words: `0.012%`, `at +94 s`, `after 3m 20s`, `not seen`.
    pub fn measured_text(&self) -> String {
        match (&self.check.rule, self.measured) {
            (Rule::Metric { metric, .. }, Some(v)) => metric.kind.format(v),
            (Rule::Metric { .. }, None) if self.outcome == Outcome::Pending => "—".into(),
            (Rule::Metric { .. }, None) => "no data".into(),
            (Rule::Event { .. }, Some(s)) => format!("at +{}", span(s as u64)),
            // Within bounds from the start: nothing was there to recover from.
            (Rule::Recover { .. }, Some(0.0)) => "already".into(),
            (Rule::Recover { .. }, Some(s)) => format!("after {}", span(s as u64)),
            (_, None) => match self.outcome {
                Outcome::Pending => "—".into(),
                Outcome::Passed => "none".into(),
                Outcome::Failed if matches!(self.check.rule, Rule::Recover { .. }) => {
                    "not recovered".into()
                }
                Outcome::Failed => "not seen".into(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric_check(of: Aggregate, bound: Bound, from: u64, to: u64) -> CheckState {
        let arch = crate::preset::load("100").unwrap();
        let metric = Metric::new(MetricKind::P99Ms, None, &arch).unwrap();
        CheckState::new(Check {
            name: "test".into(),
            rule: Rule::Metric {
                metric,
                of,
                bound,
                from,
                to,
            },
            step: None,
            anchor: 0,
        })
    }

    fn feed(state: &mut CheckState, values: &[f64]) {
        for (t, v) in values.iter().enumerate() {
            let sample = Sample {
                value: Some(*v),
                weight: 1.0,
            };
            if state.wants_samples(t as u64) {
                state.take(t as u64, sample, false);
            }
        }
    }

    const AT_MOST_10: Bound = Bound {
        min: None,
        max: Some(10.0),
    };
    const AT_LEAST_10: Bound = Bound {
        min: Some(10.0),
        max: None,
    };

    #[test]
    fn a_max_over_its_bound_fails_at_once_and_keeps_measuring() {
        let mut c = metric_check(Aggregate::Max, AT_MOST_10, 0, 5);
        feed(&mut c, &[1.0, 12.0, 30.0, 2.0, 1.0, 99.0]);
        assert_eq!(c.outcome, Outcome::Failed);
        assert_eq!(c.decided_at, Some(1));
        assert_eq!(
            c.measured,
            Some(30.0),
            "the window's max, not the first breach"
        );
    }

    #[test]
    fn a_max_reaching_a_lower_bound_passes_at_once() {
        let mut c = metric_check(Aggregate::Max, AT_LEAST_10, 0, 5);
        feed(&mut c, &[1.0, 12.0]);
        assert_eq!((c.outcome, c.decided_at), (Outcome::Passed, Some(1)));
    }

    #[test]
    fn a_mean_waits_for_the_end_of_its_window() {
        let mut c = metric_check(Aggregate::Mean, AT_MOST_10, 2, 4);
        feed(&mut c, &[100.0, 100.0, 4.0]);
        assert_eq!(
            c.outcome,
            Outcome::Pending,
            "seconds before the window do not count"
        );
        let mut c = metric_check(Aggregate::Mean, AT_MOST_10, 2, 4);
        feed(&mut c, &[100.0, 100.0, 4.0, 14.0, 100.0]);
        assert_eq!((c.outcome, c.measured), (Outcome::Passed, Some(9.0)));
        let mut c = metric_check(Aggregate::Mean, AT_MOST_10, 2, 4);
        feed(&mut c, &[100.0, 100.0, 4.0, 18.0]);
        assert_eq!((c.outcome, c.measured), (Outcome::Failed, Some(11.0)));
    }

    #[test]
    fn a_window_without_data_fails() {
        let mut c = metric_check(Aggregate::Mean, AT_MOST_10, 0, 2);
        for t in 0..2 {
            c.take(
                t,
                Sample {
                    value: None,
                    weight: 0.0,
                },
                false,
            );
        }
        assert_eq!(c.outcome, Outcome::Failed);
        assert_eq!(c.measured_text(), "no data");
    }

    #[test]
    fn recovery_needs_the_hold_and_the_deadline() {
        let arch = crate::preset::load("100").unwrap();
        let metric = Metric::new(MetricKind::ErrorRate, None, &arch).unwrap();
        let make = || {
            CheckState::new(Check {
                name: "r".into(),
                rule: Rule::Recover {
                    metric: metric.clone(),
                    bound: Bound {
                        min: None,
                        max: Some(0.01),
                    },
                    from: 10,
                    deadline: 15,
                    hold: 3,
                },
                step: Some(0),
                anchor: 10,
            })
        };
        let run = |errors: &[f64]| {
            let mut c = make();
            for (i, e) in errors.iter().enumerate() {
                let t = 10 + i as u64;
                c.take(
                    t,
                    Sample {
                        value: Some(*e),
                        weight: 1.0,
                    },
                    true,
                );
            }
            c
        };
        // Bad for 4 s, then good for 3: recovered 4 s after the step.
        let c = run(&[0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0]);
        assert_eq!((c.outcome, c.measured), (Outcome::Passed, Some(4.0)));
        assert_eq!(c.measured_text(), "after 4 s");
        // A good second that does not last does not count.
        let c = run(&[0.5, 0.0, 0.5, 0.5, 0.0, 0.0, 0.0]);
        assert_eq!(c.measured, Some(4.0));
        // Still bad at the deadline: failed.
        let c = run(&[0.5; 7]);
        assert_eq!((c.outcome, c.measured), (Outcome::Failed, None));
        assert_eq!(c.measured_text(), "not recovered");
        // Good from the step on: it passes, saying there was nothing to recover from.
        let c = run(&[0.0; 7]);
        assert_eq!((c.outcome, c.measured), (Outcome::Passed, Some(0.0)));
        assert_eq!(c.measured_text(), "already");
    }

    #[test]
    fn events_pass_or_fail_when_seen_and_when_their_time_is_up() {
        let check = |must| {
            CheckState::new(Check {
                name: "e".into(),
                rule: Rule::Event {
                    kind: EventKind::FailoverDone,
                    component: Some("db".into()),
                    must,
                    from: 100,
                    until: 280,
                },
                step: Some(0),
                anchor: 100,
            })
        };
        let event = |component: &str| Event {
            t: 0,
            kind: EventKind::FailoverDone,
            component: Some(component.into()),
            message: String::new(),
        };
        let mut c = check(true);
        c.event(150, &event("other"));
        assert_eq!(c.outcome, Outcome::Pending);
        c.event(194, &event("db"));
        assert_eq!((c.outcome, c.measured), (Outcome::Passed, Some(94.0)));
        assert_eq!(c.measured_text(), "at +94 s");
        let mut c = check(false);
        c.tick(279);
        assert_eq!(c.outcome, Outcome::Pending);
        c.tick(280);
        assert_eq!(
            (c.outcome, c.measured_text().as_str()),
            (Outcome::Passed, "none")
        );
        let mut c = check(true);
        c.event(281, &event("db"));
        c.tick(281);
        assert_eq!(
            (c.outcome, c.measured_text().as_str()),
            (Outcome::Failed, "not seen")
        );
    }

    #[test]
    fn spans_read_well() {
        assert_eq!(span(94), "94 s");
        assert_eq!(span(180), "3m");
        assert_eq!(span(200), "3m 20s");
        assert_eq!(span(3_900), "1h 5m");
    }
}
