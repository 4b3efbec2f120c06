//! Checks a drill file as a whole: the preset exists, every action fits it, steps come in time
//! order inside the drill, checks name real metrics, events, components and steps, and every
//! window fits in the drill. Each error points at the token to blame.

use super::check::{Bound, Check, Rule, span as human_span};
use super::metric::{Metric, MetricKind};
use super::spec::{CheckKind, CheckSpec, ConditionSpec, DrillSpec, StepRef, StepSpec};
use super::{Drill, Step};
use crate::action::Action;
use crate::arch::Architecture;
use crate::input_error::InputError;
use crate::sim::events::EventKind;
use crate::units::Threshold;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use toml::Spanned;

/// The longest drill: a week of simulated time (a rehearsal, not a soak test).
pub const MAX_DURATION_S: u64 = 7 * 86_400;
/// How long a metric must stay back within its bound to count as recovered, by default.
pub const DEFAULT_HOLD_S: u64 = 60;

/// A check field: its name, where it was written (if it was), and the kinds it belongs to.
type Field<'a> = (&'a str, Option<Range<usize>>, &'a [CheckKind]);

struct Builder<'a> {
    origin: &'a str,
    source: &'a str,
}

pub(super) fn build(
    name: &str,
    origin: &str,
    source: &str,
    base: Option<&Path>,
    spec: DrillSpec,
) -> Result<Drill, InputError> {
    let b = Builder { origin, source };
    let title = spec.title.get_ref().trim();
    if title.is_empty() {
        return Err(b.err(spec.title.span(), "the title is empty"));
    }
    let duration = spec.duration.get_ref().secs();
    if duration == 0 || duration > MAX_DURATION_S {
        return Err(b.err(
            spec.duration.span(),
            format!(
                "a drill lasts from 1 second to 7 days, got {}",
                spec.duration.get_ref()
            ),
        ));
    }
    let mut arch = b.preset(&spec.preset, base)?;
    if let Some(users) = &spec.users {
        crate::preset::set_users(&mut arch, users.get_ref().get())
            .map_err(|e| b.err(users.span(), e))?;
    }
    let arch = Arc::new(arch);
    // A recording of a session in which nothing was done judges nothing and strikes nothing:
    // it replays as the preset's run. A drill that judges needs something to judge.
    let judged = !spec.check.is_empty() || !spec.steady_state.is_empty();
    let steps = b.steps(&spec.step, duration, &arch, judged)?;
    let steady_state = spec
        .steady_state
        .iter()
        .map(|c| b.condition(c, &steps, &arch))
        .collect::<Result<_, _>>()?;
    let checks = spec
        .check
        .iter()
        .map(|c| b.check(c, &steps, duration, &arch))
        .collect::<Result<_, _>>()?;
    let rollback = spec
        .rollback
        .iter()
        .map(|a| b.action(a, &arch))
        .collect::<Result<_, _>>()?;
    Ok(Drill {
        name: name.to_string(),
        origin: origin.to_string(),
        title: title.to_string(),
        description: prose(&spec.description),
        preset: spec.preset.get_ref().clone(),
        seed: spec.seed.unwrap_or(1),
        users: spec.users.map(|u| u.get_ref().get()),
        duration: *spec.duration.get_ref(),
        expect: spec.expect,
        steady_state,
        steps,
        checks,
        rollback,
        overrides: Vec::new(),
        arch,
    })
}

impl Builder<'_> {
    fn err(&self, at: Range<usize>, message: impl Into<String>) -> InputError {
        InputError::at(self.origin, self.source, at, message)
    }

    /// A built-in preset by name, or a preset file next to the drill file.
    fn preset(
        &self,
        preset: &Spanned<String>,
        base: Option<&Path>,
    ) -> Result<Architecture, InputError> {
        let name = preset.get_ref();
        if crate::preset::builtin(name).is_some() {
            return crate::preset::load(name);
        }
        let unknown = || {
            let names: Vec<&str> = crate::preset::BUILTIN.iter().map(|b| b.name).collect();
            self.err(
                preset.span(),
                format!(
                    "unknown preset `{name}`: built-in presets are {}, or give the path of a .toml preset file relative to the drill file",
                    names.join(", ")
                ),
            )
        };
        let Some(path) = base.map(|b| b.join(name)) else {
            return Err(unknown());
        };
        // A drill names presets, not arbitrary files: `/proc/self/environ` is never read.
        if !crate::input_file::quotable(&path.to_string_lossy()) {
            return Err(unknown());
        }
        crate::preset::load(&path.to_string_lossy()).map_err(|e| match e.location {
            // Errors inside the preset point there; one about the file as a whole points here.
            Some(_) => e,
            None => self.err(
                preset.span(),
                format!("cannot use preset `{name}`: {}", e.message),
            ),
        })
    }

    fn action(&self, text: &Spanned<String>, arch: &Architecture) -> Result<Action, InputError> {
        Action::parse_checked(text.get_ref(), arch).map_err(|e| self.err(text.span(), e))
    }

    fn steps(
        &self,
        specs: &[Spanned<StepSpec>],
        duration: u64,
        arch: &Architecture,
        judged: bool,
    ) -> Result<Vec<Step>, InputError> {
        if specs.is_empty() && judged {
            let end = self.source.len();
            return Err(self.err(
                end..end,
                "a drill needs at least one [[step]] with a time and an action",
            ));
        }
        let mut steps: Vec<Step> = Vec::with_capacity(specs.len());
        let mut ids: Vec<(&str, Range<usize>)> = Vec::new();
        let mut previous = 0;
        for table in specs {
            let spec = table.get_ref();
            let (t, at) = match (&spec.at, &spec.after) {
                (Some(_), Some(after)) => {
                    return Err(self.err(
                        after.span(),
                        "give a step `at` (time since the start) or `after` (time since the previous step), not both",
                    ));
                }
                (None, None) => {
                    return Err(self.err(
                        table.span(),
                        "this step has no time: add `at = \"5m\"` (since the start) or `after = \"90s\"` (since the previous step)",
                    ));
                }
                (Some(at), None) => {
                    let t = at.get_ref().secs();
                    if t < previous {
                        return Err(self.err(
                            at.span(),
                            format!(
                                "steps must come in time order: this one is at {} but the one before is at {}",
                                human_span(t),
                                human_span(previous)
                            ),
                        ));
                    }
                    (t, at.span())
                }
                (None, Some(after)) => (previous + after.get_ref().secs(), after.span()),
            };
            if t >= duration {
                return Err(self.err(
                    at,
                    format!(
                        "this step comes at {}, at or after the end of the drill (duration {})",
                        human_span(t),
                        human_span(duration)
                    ),
                ));
            }
            if let Some(id) = &spec.id {
                let text = id.get_ref().as_str();
                if text.trim().is_empty() {
                    return Err(self.err(id.span(), "a step id cannot be empty"));
                }
                if let Some((_, earlier)) = ids.iter().find(|(i, _)| *i == text) {
                    let line = self.source[..earlier.start].matches('\n').count() + 1;
                    return Err(self.err(
                        id.span(),
                        format!("duplicate step id `{text}` (already used on line {line})"),
                    ));
                }
                ids.push((text, id.span()));
            }
            steps.push(Step {
                id: spec.id.as_ref().map(|i| i.get_ref().clone()),
                t,
                action: self.action(&spec.action, arch)?,
                narration: spec
                    .narration
                    .as_deref()
                    .map(prose)
                    .filter(|n| !n.is_empty()),
            });
            previous = t;
        }
        Ok(steps)
    }

    /// A metric and its bound: what steady-state conditions and metric checks both judge.
    fn measure(
        &self,
        name: (&str, Range<usize>),
        component: Option<&Spanned<String>>,
        (min, max): (Option<&Spanned<Threshold>>, Option<&Spanned<Threshold>>),
        at: Range<usize>,
        arch: &Architecture,
    ) -> Result<(Metric, Bound), InputError> {
        let metric = self.metric(name, component, arch)?;
        let bound = self.bound(metric.kind, min, max, at)?;
        Ok((metric, bound))
    }

    fn metric(
        &self,
        name: (&str, Range<usize>),
        component: Option<&Spanned<String>>,
        arch: &Architecture,
    ) -> Result<Metric, InputError> {
        let (name, at) = name;
        let kind = MetricKind::parse(name).map_err(|e| self.err(at.clone(), e))?;
        Metric::new(kind, component.map(|c| c.get_ref().as_str()), arch)
            .map_err(|e| self.err(component.map_or(at, Spanned::span), e))
    }

    fn bound(
        &self,
        kind: MetricKind,
        min: Option<&Spanned<Threshold>>,
        max: Option<&Spanned<Threshold>>,
        at: Range<usize>,
    ) -> Result<Bound, InputError> {
        if min.is_none() && max.is_none() {
            return Err(self.err(at, "give a bound: `max = ...`, `min = ...` or both"));
        }
        for b in [min, max].into_iter().flatten() {
            let v = b.get_ref().get();
            if kind.is_fraction() && v > 1.0 {
                return Err(self.err(
                    b.span(),
                    format!(
                        "`{}` is a fraction from 0 to 1 (0.01 is 1%), got {v}",
                        kind.as_str()
                    ),
                ));
            }
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo.get_ref().get() > hi.get_ref().get()
        {
            return Err(self.err(
                lo.span(),
                format!(
                    "`min` ({}) is larger than `max` ({})",
                    lo.get_ref().get(),
                    hi.get_ref().get()
                ),
            ));
        }
        Ok(Bound {
            min: min.map(|b| b.get_ref().get()),
            max: max.map(|b| b.get_ref().get()),
        })
    }

    /// A steady-state condition: judged over the time before the first step.
    fn condition(
        &self,
        table: &Spanned<ConditionSpec>,
        steps: &[Step],
        arch: &Architecture,
    ) -> Result<Check, InputError> {
        let spec = table.get_ref();
        let (metric, bound) = self.measure(
            (spec.metric.get_ref(), spec.metric.span()),
            spec.component.as_ref(),
            (spec.min.as_ref(), spec.max.as_ref()),
            table.span(),
            arch,
        )?;
        let first = steps[0].t;
        let from = match &spec.over {
            Some(over) => {
                let o = over.get_ref().secs();
                if o == 0 || o > first {
                    return Err(self.err(
                        over.span(),
                        format!(
                            "the steady state is judged before the first step, which comes at {}: `over` must be from 1 second to that",
                            human_span(first)
                        ),
                    ));
                }
                first - o
            }
            None if first == 0 => {
                return Err(self.err(
                    spec.metric.span(),
                    "the first step comes at 0 s, leaving no time to judge the steady state: start the steps later",
                ));
            }
            None => 0,
        };
        let mut check = Check {
            name: String::new(),
            rule: Rule::Metric {
                metric,
                of: spec.of.unwrap_or_default(),
                bound,
                from,
                to: first,
            },
            step: None,
            anchor: 0,
        };
        check.name = name_or(&spec.name, &check);
        Ok(check)
    }

    fn step_index(&self, r: &Spanned<StepRef>, steps: &[Step]) -> Result<usize, InputError> {
        match r.get_ref() {
            StepRef::Number(n) => usize::try_from(*n)
                .ok()
                .filter(|n| (1..=steps.len()).contains(n))
                .map(|n| n - 1)
                .ok_or_else(|| {
                    self.err(
                        r.span(),
                        format!(
                            "there is no step {n}: steps count from 1 to {}",
                            steps.len()
                        ),
                    )
                }),
            StepRef::Id(id) => steps
                .iter()
                .position(|s| s.id.as_deref() == Some(id.as_str()))
                .ok_or_else(|| {
                    let ids: Vec<&str> = steps.iter().filter_map(|s| s.id.as_deref()).collect();
                    let known = if ids.is_empty() {
                        "no step has an `id`".to_string()
                    } else {
                        format!("step ids: {}", ids.join(", "))
                    };
                    self.err(r.span(), format!("no step with id `{id}` ({known})"))
                }),
        }
    }

    /// Refuses fields that mean nothing for the check's kind, pointing at the first one.
    fn refuse_misplaced(&self, spec: &CheckSpec) -> Result<(), InputError> {
        use CheckKind::{Event, Metric, Recover};
        let kind = *spec.kind.get_ref();
        let fields: [Field; 10] = [
            (
                "metric",
                spec.metric.as_ref().map(Spanned::span),
                &[Metric, Recover],
            ),
            ("of", spec.of.as_ref().map(Spanned::span), &[Metric]),
            (
                "max",
                spec.max.as_ref().map(Spanned::span),
                &[Metric, Recover],
            ),
            (
                "min",
                spec.min.as_ref().map(Spanned::span),
                &[Metric, Recover],
            ),
            (
                "from",
                spec.from.as_ref().map(Spanned::span),
                &[Metric, Recover],
            ),
            ("to", spec.to.as_ref().map(Spanned::span), &[Metric]),
            ("event", spec.event.as_ref().map(Spanned::span), &[Event]),
            ("must", spec.must.as_ref().map(Spanned::span), &[Event]),
            (
                "within",
                spec.within.as_ref().map(Spanned::span),
                &[Event, Recover],
            ),
            ("hold", spec.hold.as_ref().map(Spanned::span), &[Recover]),
        ];
        let (name, takes) = match kind {
            Metric => ("metric", "metric, component, of, max, min, from, to"),
            Event => ("event", "event, component, must, within"),
            Recover => ("recover", "metric, component, max, min, from, within, hold"),
        };
        for (field, at, allowed) in fields {
            if let Some(at) = at
                && !allowed.contains(&kind)
            {
                return Err(self.err(
                    at,
                    format!(
                        "`{field}` does not apply to a {name} check (it takes {takes}, besides name, kind and step)"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check(
        &self,
        table: &Spanned<CheckSpec>,
        steps: &[Step],
        duration: u64,
        arch: &Architecture,
    ) -> Result<Check, InputError> {
        let spec = table.get_ref();
        self.refuse_misplaced(spec)?;
        let step = spec
            .step
            .as_ref()
            .map(|r| self.step_index(r, steps))
            .transpose()?;
        let anchor = step.map_or(0, |i| steps[i].t);
        let offset = |d: &Option<Spanned<crate::units::Duration>>| {
            d.as_ref().map_or(anchor, |d| anchor + d.get_ref().secs())
        };
        let end_err = |at: Range<usize>, what: &str, t: u64| {
            self.err(
                at,
                format!(
                    "{what} {}, after the end of the drill (duration {})",
                    human_span(t),
                    human_span(duration)
                ),
            )
        };
        let rule = match spec.kind.get_ref() {
            CheckKind::Metric => {
                let name = spec.metric.as_ref().ok_or_else(|| {
                    self.err(table.span(), "a metric check needs `metric = \"...\"`")
                })?;
                let (metric, bound) = self.measure(
                    (name.get_ref(), name.span()),
                    spec.component.as_ref(),
                    (spec.min.as_ref(), spec.max.as_ref()),
                    table.span(),
                    arch,
                )?;
                let from = offset(&spec.from);
                // Without `to`, the window runs to the next step (or the end of the drill).
                let to = match &spec.to {
                    Some(to) => anchor + to.get_ref().secs(),
                    None => step
                        .and_then(|_| steps.iter().map(|s| s.t).find(|&t| t > anchor))
                        .unwrap_or(duration),
                };
                let blame = spec
                    .to
                    .as_ref()
                    .or(spec.from.as_ref())
                    .map_or(name.span(), Spanned::span);
                if to > duration {
                    return Err(end_err(blame, "the window ends at", to));
                }
                if from >= to {
                    return Err(self.err(
                        spec.from.as_ref().map_or(blame, Spanned::span),
                        format!(
                            "the window is empty: it starts at {} and ends at {}",
                            human_span(from),
                            human_span(to)
                        ),
                    ));
                }
                Rule::Metric {
                    metric,
                    of: spec.of.as_ref().map(|o| *o.get_ref()).unwrap_or_default(),
                    bound,
                    from,
                    to,
                }
            }
            CheckKind::Event => {
                let event = spec.event.as_ref().ok_or_else(|| {
                    self.err(table.span(), "an event check needs `event = \"...\"`")
                })?;
                let kind = EventKind::parse(event.get_ref()).ok_or_else(|| {
                    let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                    self.err(
                        event.span(),
                        format!(
                            "unknown event `{}` (events: {})",
                            event.get_ref(),
                            names.join(", ")
                        ),
                    )
                })?;
                if let Some(c) = &spec.component {
                    let id = c.get_ref();
                    let known = arch.find(id).is_some() || arch.groups().any(|(_, g)| g == *id);
                    if !known {
                        return Err(self.err(
                            c.span(),
                            format!("no component `{id}` in preset {}", arch.name),
                        ));
                    }
                }
                let until = spec
                    .within
                    .as_ref()
                    .map_or(duration, |w| anchor + w.get_ref().secs());
                if until > duration {
                    return Err(end_err(
                        spec.within.as_ref().map_or(event.span(), Spanned::span),
                        "the time allowed ends at",
                        until,
                    ));
                }
                Rule::Event {
                    kind,
                    component: spec.component.as_ref().map(|c| c.get_ref().clone()),
                    must: spec.must.as_ref().is_none_or(|m| *m.get_ref()),
                    from: anchor,
                    until,
                }
            }
            CheckKind::Recover => {
                // Without `metric`, recovery is of the error rate.
                let name = spec
                    .metric
                    .as_ref()
                    .map_or(("error_rate", table.span()), |m| {
                        (m.get_ref().as_str(), m.span())
                    });
                let metric = self.metric(name, spec.component.as_ref(), arch)?;
                let bound = self.bound(
                    metric.kind,
                    spec.min.as_ref(),
                    spec.max.as_ref(),
                    table.span(),
                )?;
                let within = spec.within.as_ref().ok_or_else(|| {
                    self.err(
                        table.span(),
                        "a recover check needs `within = \"...\"`: the time allowed to recover",
                    )
                })?;
                let deadline = anchor + within.get_ref().secs();
                let from = offset(&spec.from);
                if from > deadline {
                    return Err(self.err(
                        spec.from.as_ref().map_or(within.span(), Spanned::span),
                        "recovery is looked for from `from`, which comes after the time allowed (`within`)",
                    ));
                }
                let hold = match &spec.hold {
                    Some(h) if h.get_ref().secs() == 0 => {
                        return Err(self.err(h.span(), "`hold` must be at least 1 second"));
                    }
                    Some(h) => h.get_ref().secs(),
                    None => DEFAULT_HOLD_S,
                };
                if deadline + hold > duration {
                    return Err(end_err(
                        within.span(),
                        "recovery (the time allowed, then `hold`) is judged until",
                        deadline + hold,
                    ));
                }
                Rule::Recover {
                    metric,
                    bound,
                    from,
                    deadline,
                    hold,
                }
            }
        };
        let mut check = Check {
            name: String::new(),
            rule,
            step,
            anchor,
        };
        check.name = name_or(&spec.name, &check);
        Ok(check)
    }
}

fn name_or(name: &Option<String>, check: &Check) -> String {
    name.as_ref()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| check.describe())
}

/// Text for people, re-flowed: line breaks inside a paragraph become spaces (the dashboard and
/// the reports wrap to their own width); blank lines still separate paragraphs.
fn prose(text: &str) -> String {
    let mut paragraphs: Vec<String> = vec![String::new()];
    for line in text.lines() {
        let words = line.split_whitespace().collect::<Vec<_>>().join(" ");
        let last = paragraphs.last_mut().expect("never empty");
        match (words.is_empty(), last.is_empty()) {
            (true, false) => paragraphs.push(String::new()),
            (true, true) => {}
            (false, true) => *last = words,
            (false, false) => {
                last.push(' ');
                last.push_str(&words);
            }
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::prose;

    #[test]
    fn prose_is_reflowed_into_paragraphs() {
        assert_eq!(
            prose("  one\ntwo  three\n\n\nfour\n"),
            "one two three\n\nfour"
        );
        assert_eq!(prose(" \n "), "");
        assert_eq!(prose("a\r\nb\r\n\r\nc"), "a b\n\nc");
    }
}
