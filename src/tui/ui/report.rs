//! The drill's report over the dashboard: the verdict, the steady state, the steps and every
//! check with what was measured against its bound. It comes up when the drill ends and stays
//! until closed (`R` brings it back).

use super::super::app::App;
use super::super::keys::Cmd;
use super::super::stage::Stage;
use super::super::theme::Theme;
use crate::drill::report::wrap;
use crate::drill::{self, CheckState};
use crate::escape;
use crate::headless::{clock, people};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

/// The widest the report gets: wider lines are harder to read across a room.
const MAX_WIDTH: u16 = 100;
/// The narrowest column a check's name gets before the report stacks name over figures.
const NAME_MIN: usize = 36;

/// Draws the report scrolled down `scroll` lines, or as far as it goes; returns how far.
pub fn draw(frame: &mut Frame, app: &App, scroll: u16, area: Rect) -> u16 {
    let Some(stage) = &app.stage else {
        return 0;
    };
    let w = area.width.saturating_sub(4).min(MAX_WIDTH);
    let lines = lines(app, stage, usize::from(w.saturating_sub(4)));
    super::scrolled_overlay(
        frame,
        app,
        area,
        w,
        lines,
        ("drill report", app.keymap.first(Cmd::Report)),
        scroll,
    )
}

fn lines(app: &App, stage: &Stage, w: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let run = &stage.run;
    let d = stage.drill();
    let arch = d.architecture();
    let mut out = vec![
        Line::from(vec![
            Span::styled(format!("{} ", d.name), t.key),
            Span::styled(escape::line(&d.title).into_owned(), t.title),
        ]),
        Line::styled(
            format!(
                "preset {} · seed {} · {} · {} simulated{}",
                d.preset,
                d.seed,
                people(arch.traffic.users),
                d.duration.spoken(),
                crate::drill::report::expects(d.expect, !d.judges())
            ),
            t.dim,
        ),
    ];
    out.push(match run.verdict() {
        Some(drill::Verdict::NoChecks) => Line::from(vec![
            Span::styled(" NO CHECKS ", t.dim.add_modifier(Modifier::REVERSED)),
            Span::styled(
                "  nothing was judged: a recording, or a drill without checks",
                t.dim,
            ),
        ]),
        Some(v) => {
            let expected = v.meets(d.expect);
            let style = if expected { t.ok } else { t.hot };
            Line::from(vec![
                Span::styled(
                    format!(" {} ", v.as_str().to_uppercase()),
                    style.add_modifier(Modifier::REVERSED | Modifier::BOLD),
                ),
                Span::styled(
                    if expected {
                        "  the verdict the drill expects"
                    } else {
                        "  NOT the verdict the drill expects"
                    },
                    style,
                ),
            ])
        }
        None => Line::styled("in progress: the report so far", t.busy),
    });

    let bound_w = run
        .steady_state()
        .iter()
        .chain(run.checks())
        .map(|c| c.check.bound_text().chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let section = |out: &mut Vec<Line<'static>>, title: &str| {
        out.push(Line::default());
        out.push(Line::styled(title.to_string(), t.title));
    };

    section(&mut out, "steady state (before the first step)");
    for c in run.steady_state() {
        out.extend(check_lines(t, c, w, bound_w));
    }
    section(&mut out, "steps");
    let applied = run.applied().len();
    for (i, s) in d.steps.iter().enumerate() {
        let style = if i < applied { t.text } else { t.dim };
        let mut spans = vec![
            Span::styled(format!("  {}  ", clock(run.start() + s.t)), t.dim),
            Span::styled(s.action.to_string(), style),
        ];
        if i >= applied {
            spans.push(Span::styled("  (not yet)", t.dim));
        }
        out.push(Line::from(spans));
    }
    section(&mut out, "checks");
    for c in run.checks() {
        out.extend(check_lines(t, c, w, bound_w));
    }
    if !d.rollback.is_empty() {
        let actions: Vec<String> = d.rollback.iter().map(ToString::to_string).collect();
        out.push(Line::default());
        out.push(Line::styled(
            format!("rollback at {}: {}", clock(run.end()), actions.join(", ")),
            t.dim,
        ));
    }
    out
}

/// A check: mark, measured, bound, then its name wrapped in the room left.
fn check_lines(t: &Theme, c: &CheckState, w: usize, bound_w: usize) -> Vec<Line<'static>> {
    let (mark, style) = super::drill::mark(t, c.outcome);
    let lead = 2 + 2 + 14 + bound_w + 2;
    if w < lead + NAME_MIN {
        // Too narrow for columns: the name, then what was measured against what bound.
        let mut lines: Vec<Line> = wrap(&escape::line(&c.check.name), w.saturating_sub(4))
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let lead = if i == 0 {
                    format!("  {mark} ")
                } else {
                    "    ".into()
                };
                Line::from(vec![Span::styled(lead, style), Span::styled(part, t.text)])
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled(format!("    {}", c.measured_text()), style),
            Span::styled(format!("  {}", c.check.bound_text()), t.dim),
        ]));
        return lines;
    }
    let name = wrap(&escape::line(&c.check.name), w - lead);
    let mut lines = Vec::with_capacity(name.len());
    for (i, part) in name.into_iter().enumerate() {
        lines.push(if i == 0 {
            Line::from(vec![
                Span::styled(format!("  {mark} "), style),
                Span::styled(format!("{:<14}", c.measured_text()), style),
                Span::styled(format!("{:<bound_w$}  ", c.check.bound_text()), t.dim),
                Span::styled(part, t.text),
            ])
        } else {
            Line::from(vec![
                Span::raw(" ".repeat(lead)),
                Span::styled(part, t.text),
            ])
        });
    }
    lines
}
