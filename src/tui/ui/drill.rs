//! The drill panel: where the drill stands (countdown, the presenter's hold, the verdict), its
//! steps, the narration of the step that just struck, and each check turning green or red.
//! Also the `D` picker that starts one.

use super::super::app::App;
use super::super::keys::Cmd;
use super::super::stage::Stage;
use super::super::theme::Theme;
use super::pane;
use super::text::{Part, fit, fit_parts};
use crate::drill::check::span;
use crate::drill::report::wrap;
use crate::drill::{self, CheckState, Outcome, Phase};
use crate::escape;
use crate::headless::clock;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use std::sync::LazyLock;

/// The drill panel (the narration has a pane of its own).
pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let Some(stage) = &app.stage else {
        return;
    };
    let t = &app.theme;
    let block = pane(format!(" drill · {} ", stage.drill().name), app).border_style(t.accent);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (w, h) = (usize::from(inner.width), usize::from(inner.height));
    let lines = lines(app, stage, w, h);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The panel's height when every line it has fits (one line per check, no narration).
pub fn height(app: &App) -> u16 {
    app.stage.as_ref().map_or(0, |stage| {
        let d = stage.drill();
        let checks = d.checks.len().max(d.steady_state.len());
        (2 + d.steps.len() + 1 + checks + 2) as u16
    })
}

/// The narration pane: what to tell the audience about the step that just struck, the step
/// waiting for the presenter, or (before the first) what the drill is about.
/// The narration pane; a narration longer than the pane scrolls (PgDn / PgUp, the wheel), and
/// starts again at its top with each step.
pub fn narration(frame: &mut Frame, app: &mut App, area: Rect) {
    let Some(stage) = &app.stage else {
        return;
    };
    let t = app.theme;
    let mut title = match (stage.holding(app.sim.time()), stage.narrated) {
        (Some(_), _) => " next step ".to_string(),
        (None, Some(i)) => format!(" step {} · {} ", i + 1, stage.drill().steps[i].action),
        (None, None) => " about this drill ".to_string(),
    };
    if app.narration_of != Some(stage.narrated) {
        app.narration_of = Some(stage.narrated);
        app.narration_scroll = 0;
    }
    let inner = pane("", app).inner(area);
    let w = usize::from(inner.width).saturating_sub(1);
    let mut text = wrap(&narration_text(app, stage), w);
    let h = usize::from(inner.height);
    let hidden = text.len().saturating_sub(h);
    let scroll = usize::from(app.narration_scroll).min(hidden);
    app.narration_scroll = scroll as u16;
    app.narration_area = area;
    let (down, up) = (
        app.keymap.first(Cmd::OlderEvents),
        app.keymap.first(Cmd::NewerEvents),
    );
    match (scroll > 0, scroll < hidden) {
        (false, true) => title.push_str(&format!("· {down} more ")),
        (true, true) => title.push_str(&format!("· {down} {up} ")),
        (true, false) => title.push_str(&format!("· {up} back ")),
        (false, false) => {}
    }
    text.drain(..scroll);
    // Cut short, the last line shown says so.
    if text.len() > h && h > 0 {
        let last = text[h - 1..].join(" ");
        text.truncate(h - 1);
        text.push(fit(&last, w));
    }
    let lines: Vec<Line> = text
        .into_iter()
        .map(|l| Line::styled(format!(" {l}"), t.text))
        .collect();
    frame.render_widget(pane(title, app), area);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Rows the narration pane needs at `width` columns, its border included, for the longest of
/// its texts (what the drill is about, and each step's narration), so that it does not
/// change size as the drill goes on.
pub fn narration_height(app: &App, width: u16) -> u16 {
    let Some(stage) = &app.stage else {
        return 0;
    };
    let w = usize::from(width.saturating_sub(3));
    let drill = stage.drill();
    let texts = std::iter::once(drill.description.as_str())
        .chain(drill.steps.iter().filter_map(|s| s.narration.as_deref()));
    let rows = texts
        .map(|text| wrap(&escape::text(text), w).len())
        .max()
        .unwrap_or(0);
    rows as u16 + 2
}

fn narration_text(app: &App, stage: &Stage) -> String {
    let text = match stage.holding(app.sim.time()) {
        Some(step) => step.narration.as_deref(),
        None => match stage.narrated {
            Some(i) => stage.drill().steps[i].narration.as_deref(),
            None => Some(stage.drill().description.as_str()),
        },
    };
    // The drill file's text: control characters shown escaped, as in its printed report.
    match text.map(str::trim) {
        // A recording has none: say so rather than show an empty pane.
        None | Some("") => "no narration in this file: its steps strike at their times".into(),
        Some(text) => escape::text(text).into_owned(),
    }
}

/// The panel's lines for a `w`×`h` area, dropping what matters least when it is short: the
/// steps around the next one, then checks from the bottom.
fn lines(app: &App, stage: &Stage, w: usize, h: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let run = &stage.run;
    let drill = stage.drill();
    let mut head = vec![
        Line::styled(clip(&escape::line(&drill.title), w), t.title),
        state_line(app, stage, w),
    ];

    let applied = run.applied().len();
    let steps: Vec<Line> = drill
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (mark, style) = if i < applied {
                ("✓", t.dim)
            } else if i == applied && !run.finished() {
                ("▶", t.accent)
            } else {
                ("·", t.dim)
            };
            let at = clock(run.start() + s.t);
            Line::from(vec![
                Span::styled(format!("{mark} {at} "), style),
                Span::styled(clip(&s.action.to_string(), w.saturating_sub(11)), style),
            ])
        })
        .collect();

    let (title, judged) = if run.phase() == Phase::SteadyState || run.phase() == Phase::Aborted {
        ("steady state", run.steady_state())
    } else {
        ("checks", run.checks())
    };
    let passed = judged
        .iter()
        .filter(|c| c.outcome == Outcome::Passed)
        .count();
    let failed = judged
        .iter()
        .filter(|c| c.outcome == Outcome::Failed)
        .count();
    let mut summary = vec![
        Span::styled(format!("{title} · "), t.title),
        if judged.is_empty() {
            Span::styled("none", t.dim)
        } else {
            Span::styled(format!("{passed} of {} passed", judged.len()), t.ok)
        },
    ];
    if failed > 0 {
        summary.push(Span::styled(format!(" · {failed} failed"), t.hot));
    }
    let mut checks = vec![Line::from(summary)];

    // Share the height: header, then checks (one line each), then steps; what is left goes
    // to a second line per check.
    let budget = h.saturating_sub(head.len());
    let check_rows = (judged.len() + 1).min(budget);
    let step_rows = steps.len().min(budget - check_rows);
    let spare = budget - check_rows - step_rows;
    let two_lines = !judged.is_empty() && spare >= judged.len();
    for c in judged {
        checks.extend(check_lines(t, c, w, two_lines));
    }

    head.extend(window(steps, step_rows, applied));
    head.extend(checks);
    head.truncate(h);
    head
}

/// What the drill is doing now, in one line of `w` columns: a verdict drops its explanation
/// and the report key before it is cut; other states end in "…".
fn state_line(app: &App, stage: &Stage, w: usize) -> Line<'static> {
    let t = &app.theme;
    let now = app.sim.time();
    let run = &stage.run;
    let steps = stage.drill().steps.len();
    let applied = run.applied().len();
    if run.verdict() == Some(drill::Verdict::NoChecks) {
        // A recording: there was nothing to pass or fail.
        return fit_parts(
            vec![
                Part::new(
                    9,
                    vec![Span::styled(
                        " NO CHECKS ",
                        t.dim.add_modifier(Modifier::REVERSED),
                    )],
                ),
                Part::new(5, vec![Span::styled(" nothing was judged", t.dim)]),
                Part::new(3, vec![Span::styled("  R report", t.dim)]),
            ],
            w,
        );
    }
    if let Some(verdict) = run.verdict() {
        let expected = verdict.meets(stage.drill().expect);
        let style = if verdict == drill::Verdict::Pass {
            t.ok
        } else {
            t.hot
        };
        return fit_parts(
            vec![
                Part::new(
                    9,
                    vec![Span::styled(
                        format!(" {} ", verdict.as_str().to_uppercase()),
                        style.add_modifier(Modifier::REVERSED | Modifier::BOLD),
                    )],
                ),
                Part::new(
                    5,
                    vec![Span::styled(
                        if expected {
                            " as expected"
                        } else {
                            " NOT as expected"
                        },
                        if expected { t.ok } else { t.hot },
                    )],
                ),
                Part::new(3, vec![Span::styled("  R report", t.dim)]),
            ],
            w,
        );
    }
    if let Some(step) = stage.holding(now) {
        let held = format!("⏸ {} strikes ", app.keymap.first(Cmd::Pause));
        let room = w.saturating_sub(held.chars().count());
        return Line::from(vec![
            Span::styled(held, t.busy),
            Span::styled(clip(&step.action.to_string(), room), t.hot),
        ]);
    }
    let next = stage.countdown(now).map(span);
    let text = match (run.phase(), next) {
        (Phase::SteadyState, Some(n)) => format!("steady state · first step in {n}"),
        (_, Some(n)) => format!("step {}/{steps} in {n}", applied + 1),
        (_, None) => format!("all steps struck · ends in {}", span(stage.remaining(now))),
    };
    Line::styled(clip(&text, w), t.accent)
}

/// How a check's outcome shows: green ✓, red ✗, a dim dot while it is open.
pub fn mark(t: &Theme, outcome: Outcome) -> (&'static str, Style) {
    match outcome {
        Outcome::Passed => ("✓", t.ok),
        Outcome::Failed => ("✗", t.hot),
        Outcome::Pending => ("·", t.dim),
    }
}

/// One check: its mark and name, what was measured against what bound.
fn check_lines(t: &Theme, c: &CheckState, w: usize, two_lines: bool) -> Vec<Line<'static>> {
    let (mark, style) = mark(t, c.outcome);
    let measured = c.measured_text();
    if two_lines {
        return vec![
            Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::styled(
                    clip(&escape::line(&c.check.name), w.saturating_sub(2)),
                    t.text,
                ),
            ]),
            Line::from(vec![
                Span::styled(format!("  {measured}"), style),
                Span::styled(
                    clip(&format!("  {}", c.check.bound_text()), w.saturating_sub(2)),
                    t.dim,
                ),
            ]),
        ];
    }
    let right = measured.chars().count() + 1;
    vec![Line::from(vec![
        Span::styled(format!("{mark} "), style),
        Span::styled(
            format!(
                "{:<width$}",
                clip(
                    &escape::line(&c.check.name),
                    w.saturating_sub(2 + right + 1)
                ),
                width = w.saturating_sub(2 + right)
            ),
            t.text,
        ),
        Span::styled(format!(" {measured}"), style),
    ])]
}

/// `rows` of the steps, keeping the next one (index `next`) in view.
fn window(steps: Vec<Line<'static>>, rows: usize, next: usize) -> Vec<Line<'static>> {
    let first = next
        .saturating_sub(rows / 2)
        .min(steps.len().saturating_sub(rows));
    steps.into_iter().skip(first).take(rows).collect()
}

/// Text cut to `w` characters, with an ellipsis when cut.
fn clip(text: &str, w: usize) -> String {
    if text.chars().count() <= w {
        return text.to_string();
    }
    let mut s: String = text.chars().take(w.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The built-in drills' titles, read once (the picker draws every frame it is open).
static TITLES: LazyLock<Vec<String>> = LazyLock::new(|| {
    drill::BUILTIN
        .iter()
        .map(|b| drill::load(b.name).map_or_else(|e| e.to_string(), |d| d.title))
        .collect()
});

/// The `D` picker: every built-in drill and its title.
pub fn picker(frame: &mut Frame, app: &App, selected: usize, area: Rect) {
    let t = &app.theme;
    let rows: Vec<Line> = drill::BUILTIN
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let title = TITLES.get(i).map_or("", String::as_str);
            let style = if i == selected {
                t.selected
            } else {
                Style::default()
            };
            let mark = if i == selected { "▶" } else { " " };
            Line::from(vec![
                Span::styled(format!("{mark}{:<18}", b.name), t.key),
                Span::styled(format!("{title} "), t.text),
            ])
            .style(style)
        })
        .collect();
    let w = (rows.iter().map(Line::width).max().unwrap_or(0) as u16 + 2).min(area.width);
    let h = (rows.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, popup);
    let block = pane(" run a drill · Enter runs · Esc cancels ", app).border_style(t.accent);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(rows), inner);
}
