//! What a drill run reports: one JSON object (`--report FILE.json`), Markdown
//! (`--report FILE.md`) and text for the terminal. Field names are a contract: extend, never
//! rename.

use super::check::{CheckState, Outcome};
use super::run::{Applied, DrillRun};
use super::spec::Expect;
use crate::headless::{clock, count, millis, people};
use crate::report::{Injected, Summary};
use crate::sim::Simulation;
use crate::units::Duration;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every check passed.
    Pass,
    /// At least one check failed.
    Fail,
    /// The steady state did not hold before the first step: the drill proves nothing.
    Invalid,
    /// Nothing was judged: a recording, or a drill file without checks. "Pass" would vouch for
    /// a run at any availability.
    NoChecks,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Invalid => "invalid",
            Verdict::NoChecks => "no_checks",
        }
    }

    /// Whether the drill came out as it expects. A run that judged nothing contradicts
    /// nothing.
    pub fn meets(self, expect: Expect) -> bool {
        matches!(
            (self, expect),
            (Verdict::Pass, Expect::Pass) | (Verdict::Fail, Expect::Fail) | (Verdict::NoChecks, _)
        )
    }
}

impl Expect {
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Pass => "pass",
            Expect::Fail => "fail",
        }
    }
}

/// One steady-state condition or check, as judged.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckReport {
    pub name: String,
    /// `metric`, `event` or `recover`.
    pub kind: &'static str,
    /// The rule in words (the name, when the file gives none).
    pub condition: String,
    /// The step times count from: its id, or its number from 1.
    pub step: Option<String>,
    /// The drill seconds looked at, `to_s` excluded.
    pub from_s: u64,
    pub to_s: u64,
    /// Metric checks: the aggregated value in the metric's unit (error rates and ratios from 0
    /// to 1, latencies in ms). Events and recovery: seconds from the step. `null` if nothing
    /// was measured.
    pub measured: Option<f64>,
    pub measured_text: String,
    /// The bound in words; `min`/`max` hold its numbers, where there are any.
    pub bound: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// `passed`, `failed`, or `not_run` when the drill stopped before deciding it.
    pub status: &'static str,
    pub ok: bool,
    /// The drill second the outcome was known.
    pub decided_at_s: Option<u64>,
}

impl CheckReport {
    fn of(state: &CheckState, step: Option<String>) -> Self {
        let check = &state.check;
        let (from_s, to_s) = check.window();
        let bound = check.bound();
        Self {
            name: check.name.clone(),
            kind: check.kind(),
            condition: check.describe(),
            step,
            from_s,
            to_s,
            measured: state.measured.map(|v| (v * 1e6).round() / 1e6),
            measured_text: state.measured_text(),
            bound: check.bound_text(),
            min: bound.and_then(|b| b.min),
            max: bound.and_then(|b| b.max),
            status: match state.outcome {
                Outcome::Passed => "passed",
                Outcome::Failed => "failed",
                Outcome::Pending => "not_run",
            },
            ok: state.outcome == Outcome::Passed,
            decided_at_s: state.decided_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepReport {
    /// Drill seconds since the start.
    pub t: u64,
    pub id: Option<String>,
    pub action: String,
    pub narration: Option<String>,
    /// False when the drill stopped before the step came.
    pub applied: bool,
}

/// The whole report of a drill run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DrillReport {
    /// The built-in name or the file's stem.
    pub drill: String,
    pub title: String,
    pub description: String,
    pub preset: String,
    /// `--set` overrides the run applied to the preset, as given (empty without).
    pub overrides: Vec<String>,
    pub seed: u64,
    pub users: f64,
    pub duration_s: u64,
    pub verdict: Verdict,
    pub expected: Expect,
    pub as_expected: bool,
    /// The drill second the run ended at (`duration_s`, or earlier when aborted).
    pub ended_at_s: u64,
    pub steady_state: Vec<CheckReport>,
    pub steps: Vec<StepReport>,
    pub checks: Vec<CheckReport>,
    /// Actions applied at the end, with the drill second.
    pub rollback: Vec<Injected>,
    /// The run as `--json` reports it (injections are the steps applied).
    pub summary: Summary,
}

impl DrillReport {
    pub fn new(run: &DrillRun, sim: &Simulation) -> Self {
        let drill = run.drill();
        let label = |i: Option<usize>| i.map(|i| drill.step_label(i));
        // Asked before the end, the verdict is what the checks say so far.
        let failing = run.checks().iter().any(|c| c.outcome == Outcome::Failed);
        let verdict = run.verdict().unwrap_or(if failing {
            Verdict::Fail
        } else {
            Verdict::Pass
        });
        let relative = |a: &Applied| Injected {
            t: a.t - run.start(),
            action: a.action.to_string(),
        };
        Self {
            drill: drill.name.clone(),
            title: drill.title.clone(),
            description: drill.description.clone(),
            preset: drill.preset.clone(),
            overrides: drill.overrides.clone(),
            seed: drill.seed,
            users: drill.architecture().traffic.users,
            duration_s: drill.duration.secs(),
            verdict,
            expected: drill.expect,
            as_expected: run.finished() && verdict.meets(drill.expect),
            ended_at_s: run
                .ended_at()
                .unwrap_or(sim.time().saturating_sub(run.start())),
            steady_state: run
                .steady_state()
                .iter()
                .map(|c| CheckReport::of(c, None))
                .collect(),
            steps: drill
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| StepReport {
                    t: s.t,
                    id: s.id.clone(),
                    action: s.action.to_string(),
                    narration: s.narration.clone(),
                    applied: run.applied().iter().any(|a| a.step == Some(i)),
                })
                .collect(),
            checks: run
                .checks()
                .iter()
                .map(|c| CheckReport::of(c, label(c.check.step)))
                .collect(),
            rollback: run.rolled_back().iter().map(relative).collect(),
            summary: Summary::of(sim, run.applied().iter().map(relative).collect()),
        }
    }

    fn verdict_line(&self) -> String {
        if self.verdict == Verdict::NoChecks {
            return "NO CHECKS — nothing was judged (add [[check]] tables to make this a drill)"
                .to_string();
        }
        let verdict = self.verdict.as_str().to_uppercase();
        let why = match self.verdict {
            Verdict::Invalid => {
                " — the steady state did not hold before the first step, so nothing was injected"
            }
            _ => "",
        };
        if self.as_expected {
            format!("{verdict}, as expected{why}")
        } else {
            format!(
                "{verdict}, but the drill expects {}{why}",
                self.expected.as_str()
            )
        }
    }
}

fn mark(c: &CheckReport) -> &'static str {
    match c.status {
        "passed" => "PASS",
        "failed" => "FAIL",
        _ => "—",
    }
}

/// ` with --set a, --set b` after the preset's name, when the run overrode it.
fn what_if(r: &DrillReport) -> String {
    if r.overrides.is_empty() {
        return String::new();
    }
    let sets: Vec<String> = r.overrides.iter().map(|o| format!("--set {o}")).collect();
    format!(" with {}", sets.join(", "))
}

/// " · expects pass", or nothing where nothing is judged (a recording): an expectation
/// no check can meet or miss would contradict the NO CHECKS verdict beside it.
pub fn expects(expected: Expect, unjudged: bool) -> String {
    if unjudged {
        String::new()
    } else {
        format!(" · expects {}", expected.as_str())
    }
}

/// Plain text for the terminal.
pub fn render(r: &DrillReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "drill {} · {}", r.drill, r.title);
    let _ = writeln!(
        out,
        "preset {}{} · seed {} · {} simulated · {}{}",
        r.preset,
        what_if(r),
        r.seed,
        Duration::from_secs(r.duration_s).spoken(),
        people(r.users),
        expects(r.expected, r.checks.is_empty() && r.steady_state.is_empty())
    );
    if !r.steady_state.is_empty() {
        let _ = writeln!(out, "\nsteady state (before the first step)");
        table(&mut out, &r.steady_state);
    }
    let _ = writeln!(out, "\nsteps");
    let width = r.steps.iter().map(|s| s.action.len()).max().unwrap_or(0);
    for s in &r.steps {
        let line = if s.applied {
            s.action.clone()
        } else {
            format!("{:<width$}  (not applied)", s.action)
        };
        let _ = writeln!(out, "  {}  {line}", clock(s.t));
        if let Some(n) = &s.narration {
            for line in wrap(n, 84) {
                let _ = writeln!(out, "             {line}");
            }
        }
    }
    if !r.checks.is_empty() {
        let _ = writeln!(out, "\nchecks");
        table(&mut out, &r.checks);
    }
    if !r.rollback.is_empty() {
        let actions: Vec<&str> = r.rollback.iter().map(|i| i.action.as_str()).collect();
        let _ = writeln!(
            out,
            "\nrollback at {}: {}",
            clock(r.ended_at_s),
            actions.join(", ")
        );
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "\nrun        {} offered · {} failed · availability {:.3}% · p99 {} · SLO {}",
        count(s.requests.offered),
        count(s.requests.failed),
        s.availability * 100.0,
        millis(s.latency_ms.p99),
        if s.slo_met { "met" } else { "missed" }
    );
    let _ = writeln!(out, "verdict    {}", r.verdict_line());
    out
}

/// Aligned rows: result, measured, bound, then the name (the one column of any length).
fn table(out: &mut String, rows: &[CheckReport]) {
    let mw = rows
        .iter()
        .map(|c| c.measured_text.chars().count())
        .chain([8])
        .max()
        .unwrap_or(8);
    let bw = rows
        .iter()
        .map(|c| c.bound.chars().count())
        .chain([5])
        .max()
        .unwrap_or(5);
    let _ = writeln!(
        out,
        "  {:<6}  {:<mw$}  {:<bw$}  check",
        "", "measured", "bound"
    );
    for c in rows {
        let step = c
            .step
            .as_ref()
            .map_or(String::new(), |s| format!("  [step {s}]"));
        let _ = writeln!(
            out,
            "  {:<6}  {:<mw$}  {:<bw$}  {}{step}",
            mark(c),
            c.measured_text,
            c.bound,
            c.name
        );
    }
}

/// Breaks text into lines of at most `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Markdown, for a wiki page or a CI summary.
pub fn markdown(r: &DrillReport) -> String {
    let mut out = String::new();
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let _ = writeln!(out, "# Drill: {}\n", cell(&r.title));
    let _ = writeln!(
        out,
        "`{}` · preset `{}`{} · seed {} · {} simulated · {}\n",
        r.drill,
        r.preset,
        what_if(r),
        r.seed,
        Duration::from_secs(r.duration_s).spoken(),
        people(r.users)
    );
    let _ = writeln!(out, "**Verdict: {}**\n", r.verdict_line());
    if !r.description.is_empty() {
        let _ = writeln!(out, "{}\n", r.description);
    }
    let rows = |out: &mut String, title: &str, rows: &[CheckReport]| {
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "## {title}\n");
        let _ = writeln!(out, "| check | step | measured | bound | result |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for c in rows {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&c.name),
                c.step.as_deref().unwrap_or(""),
                cell(&c.measured_text),
                cell(&c.bound),
                mark(c)
            );
        }
        out.push('\n');
    };
    rows(&mut out, "Steady state", &r.steady_state);
    let _ = writeln!(out, "## Steps\n");
    let _ = writeln!(out, "| time | action | narration |");
    let _ = writeln!(out, "|---|---|---|");
    for s in &r.steps {
        let applied = if s.applied { "" } else { " (not applied)" };
        let _ = writeln!(
            out,
            "| {} | `{}`{applied} | {} |",
            clock(s.t),
            s.action,
            cell(s.narration.as_deref().unwrap_or(""))
        );
    }
    out.push('\n');
    rows(&mut out, "Checks", &r.checks);
    if !r.rollback.is_empty() {
        let actions: Vec<String> = r
            .rollback
            .iter()
            .map(|i| format!("`{}`", i.action))
            .collect();
        let _ = writeln!(
            out,
            "## Rollback\n\nAt {}: {}.\n",
            clock(r.ended_at_s),
            actions.join(", ")
        );
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "## Run\n\n{} requests offered, {} failed; availability {:.3}% (target {:.3}%), p99 {} (target {}); SLO {}.",
        count(s.requests.offered),
        count(s.requests.failed),
        s.availability * 100.0,
        s.slo.availability * 100.0,
        millis(s.latency_ms.p99),
        millis(Some(s.slo.p99_ms)),
        if s.slo_met { "met" } else { "missed" }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_at_spaces() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn verdicts_meet_expectations() {
        assert!(Verdict::Pass.meets(Expect::Pass));
        assert!(Verdict::Fail.meets(Expect::Fail));
        assert!(!Verdict::Invalid.meets(Expect::Fail));
        assert!(!Verdict::Invalid.meets(Expect::Pass));
    }
}
