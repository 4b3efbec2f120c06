//! The event log: newest on top, stamped with simulated time, coloured by severity, each event
//! wrapped over as many lines as it needs. It scrolls (PgUp/PgDn, the wheel), filters (`/`),
//! and with the keyboard (`e`) shows a chosen event's cause chain.

use super::super::app::{App, Mode};
use super::super::event_log;
use super::super::keys::Cmd;
use super::super::theme::Theme;
use super::pane;
use super::text::{fit, width, wrap_hanging};
use crate::headless::clock;
use crate::sim::events::{Event, EventKind, Severity};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Width of the time column: a column for the chosen event's `▶`, the time (`0:10:00`, wider
/// as the run goes on) and a space.
fn time_width(now: u64) -> usize {
    clock(now).len().max(7) + 2
}
/// Width of the kind column where there is room for it (the longest kind and a space).
const KIND: usize = 18;
/// Below this inner width the kind takes only its own room (no column).
const ROOMY: usize = 60;

/// The lines one event takes in a pane `w` columns wide, its time in `time` columns.
pub fn event_lines(
    e: &Event,
    (w, time): (usize, usize),
    theme: &Theme,
    chosen: bool,
) -> Vec<Line<'static>> {
    let style = severity_style(theme, e.kind.severity());
    let who = e
        .component
        .as_deref()
        .map_or(String::new(), |c| format!("{c}: "));
    let text = format!("{who}{}", e.message);
    let kind = e.kind.as_str();
    // Continuation lines start under the kind: more of the message per line.
    let kind_w = if w >= ROOMY { KIND } else { width(kind) + 1 };
    let indent = time;
    let first = w.saturating_sub(time + kind_w).max(1);
    let rest = w.saturating_sub(indent).max(1);
    let mut wrapped = wrap_hanging(&text, first, rest).into_iter();
    let stamp = format!("{:>digits$} ", clock(e.t), digits = time - 1);
    let stamp = if chosen {
        Span::styled(
            format!("▶{}", &stamp[stamp.len() - (time - 1)..]),
            theme.selected,
        )
    } else {
        Span::styled(stamp, theme.dim)
    };
    let mut lines = vec![Line::from(vec![
        stamp,
        Span::styled(format!("{kind:<kind_w$}"), style),
        Span::styled(wrapped.next().unwrap_or_default(), theme.text),
    ])];
    lines.extend(wrapped.map(|l| {
        Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(l, theme.text),
        ])
    }));
    lines
}

/// Ends a line with an ellipsis inside `w` columns: more of the event is below the pane.
fn mark_cut(line: &mut Line<'static>, w: usize, t: &Theme) {
    while line.width() + 1 > w {
        let Some(span) = line.spans.iter_mut().rev().find(|s| !s.content.is_empty()) else {
            break;
        };
        let mut text = span.content.to_string();
        text.pop();
        span.content = text.into();
    }
    line.spans.push(Span::styled("…", t.dim));
}

fn severity_style(t: &Theme, s: Severity) -> Style {
    match s {
        Severity::Bad => t.hot,
        Severity::Warning => t.busy,
        Severity::Good => t.ok,
        Severity::Info => t.text,
    }
}

pub fn draw(frame: &mut Frame, app: &mut App, area: Rect) {
    let t = app.theme;
    app.log.area = area;
    let shown = app.shown_events();
    let events = app.sim.events();
    let focused = matches!(app.mode, Mode::Events | Mode::Filter(_));
    let title = title(app, shown.len(), events.len());
    let block = pane(title, app);
    let block = if focused {
        block.border_style(t.accent)
    } else {
        block
    };
    let inner = block.inner(area);
    let (w, mut h) = (usize::from(inner.width), usize::from(inner.height));
    // A cause chain opens with its story in one breath: fault → … → recovered.
    let mut lines: Vec<Line> = Vec::new();
    if app.log.chain.is_some() && !shown.is_empty() {
        let story = super::text::wrap(&story(events, &shown), w);
        let keep = story.len().min(h / 2);
        let cut = keep < story.len();
        lines.extend(
            story
                .into_iter()
                .take(keep)
                .map(|l| Line::styled(l, t.accent)),
        );
        // The rest of the story is in the events under it: the line says it goes on.
        if cut && let Some(last) = lines.last_mut() {
            mark_cut(last, w, &t);
        }
        h -= keep;
    }

    // Where the pane starts: the scrolled-to event, moved as little as needed to show the
    // chosen one whole.
    let pos = |i: Option<usize>| i.and_then(|i| shown.iter().position(|&s| s == i));
    let mut start = pos(app.log.top).unwrap_or(0);
    // Heights are wrapped only for the events near the pane: a day's log can be long.
    let time = time_width(app.sim.time());
    let height = |k: usize| event_lines(&events[shown[k]], (w, time), &t, false).len();
    // Whether the events from `from` to the oldest fit the pane.
    let fits_from = |from: usize| {
        let mut sum = 0;
        (from..shown.len()).all(|k| {
            sum += height(k);
            sum <= h
        })
    };
    // Never scrolled past a full pane: the oldest events end at its bottom.
    while start > 0 && fits_from(start - 1) {
        start -= 1;
    }
    if let Some(c) = pos(app.log.cursor) {
        if c < start {
            start = c;
        }
        // The latest start that still shows the chosen event whole (or at least its top).
        let mut first = c;
        let mut sum = height(c);
        while first > 0 && sum + height(first - 1) <= h {
            first -= 1;
            sum += height(first);
        }
        start = start.max(first);
    }
    let top_lines = lines.len();
    let mut whole = 0;
    for &i in &shown[start.min(shown.len())..] {
        let used = lines.len() - top_lines;
        if used >= h {
            break;
        }
        let chosen = focused && app.log.cursor == Some(i);
        let mut l = event_lines(&events[i], (w, time), &t, chosen);
        if used + l.len() <= h {
            whole += 1;
        } else {
            // The last event is cut at a line's end: its last visible line says so.
            l.truncate(h - used);
            if let Some(last) = l.last_mut() {
                mark_cut(last, w, &t);
            }
        }
        lines.extend(l);
    }
    app.log.page = whole.max(1);
    // What the pane shows at its top, so new events do not push it along while scrolled.
    if app.log.top.is_some() || app.log.cursor.is_some() {
        app.log.top = shown
            .get(start)
            .copied()
            .filter(|_| start > 0 || app.log.chain.is_some());
    }
    let body = if lines.is_empty() {
        let quiet = if let Some(kind) = event_log::unknown_kind(&app.log.filter) {
            format!("no event kind starts with `{kind}`: / and Tab after `kind:` list them")
        } else if !app.log.filter.is_empty() {
            format!(
                "no event matches `{}`: / changes the filter, an empty one shows all",
                app.log.filter
            )
        } else if app.stage.is_some() {
            "quiet so far: the drill's steps strike at their times".to_string()
        } else {
            // The keys in force: a config file may have moved them.
            let k = |cmd| app.keymap.first(cmd);
            format!(
                "quiet so far: inject a fault ({}, {}, {}, {}, or {})",
                k(Cmd::KillAz),
                k(Cmd::KillDb),
                k(Cmd::Spike),
                k(Cmd::DropCache),
                k(Cmd::CommandLine)
            )
        };
        super::text::wrap(&quiet, w)
            .into_iter()
            .map(|l| Line::styled(l, t.dim))
            .collect()
    } else {
        lines
    };
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(super::print::Lines::new(&body), inner);
}

/// A cause chain in one line: each kind once per run of it, with the time since the fault.
pub fn story(events: &[Event], chain: &[usize]) -> String {
    let t0 = chain.first().map_or(0, |&i| events[i].t);
    // Events of one kind in a row are one step, counted: `launch ×3 +3m58s` (the first's time).
    let mut runs: Vec<(EventKind, u64, usize)> = Vec::new();
    for &i in chain {
        let e = &events[i];
        match runs.last_mut() {
            Some((kind, _, n)) if *kind == e.kind => *n += 1,
            _ => runs.push((e.kind, e.t - t0, 1)),
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .map(|(kind, dt, n)| {
            let count = if n > 1 {
                format!(" ×{n}")
            } else {
                String::new()
            };
            let at = if dt > 0 {
                format!(" +{}", since(dt))
            } else {
                String::new()
            };
            format!("{}{count}{at}", kind.as_str())
        })
        .collect();
    parts.join(" → ")
}

/// 49s, 1m46s, 2h05m.
fn since(s: u64) -> String {
    match s {
        0..60 => format!("{s}s"),
        60..3600 if s.is_multiple_of(60) => format!("{}m", s / 60),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

/// The pane's title: how many events, and what narrows them (filter, scroll, cause chain),
/// with the key that undoes it; cut with an ellipsis where the pane is narrow.
fn title(app: &App, shown: usize, all: usize) -> String {
    let log = &app.log;
    let text = if let Some(i) = log.chain {
        let e = &app.sim.events()[i.min(all.saturating_sub(1))];
        format!(
            " why {} {}: {shown} events, inferred from the log · Esc back ",
            clock(e.t),
            e.kind.as_str()
        )
    } else {
        let mut t = if log.filter.is_empty() {
            format!(" events ({all})")
        } else {
            format!(" events /{} ({shown} of {all})", log.filter)
        };
        if log.top.is_some() {
            t.push_str(" · scrolled, PgUp for newer");
        } else if matches!(app.mode, Mode::Events) {
            t.push_str(" · ↑↓ choose · Enter why · Esc");
        }
        t.push(' ');
        t
    };
    fit(&text, usize::from(app.log.area.width.saturating_sub(4)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::theme::ThemeName;

    #[test]
    fn a_story_counts_the_events_it_folds_into_one_step() {
        let e = |t, kind| Event {
            t,
            kind,
            component: None,
            message: String::new(),
        };
        let events = [
            e(600, EventKind::Fault),
            e(780, EventKind::ScaleOut),
            e(838, EventKind::Launch),
            e(941, EventKind::Launch),
            e(1032, EventKind::Launch),
            e(1200, EventKind::Recovered),
        ];
        assert_eq!(
            story(&events, &[0, 1, 2, 3, 4, 5]),
            "fault → scale_out +3m → launch ×3 +3m58s → recovered +10m"
        );
    }

    #[test]
    fn a_run_past_99_hours_widens_the_time_column_for_every_event() {
        let theme = Theme::new(ThemeName::Default);
        let event = |t| Event {
            t,
            kind: EventKind::Launch,
            component: Some("workers".into()),
            message: "launching 1 in seoul/a (in service in 180s) ".repeat(3),
        };
        let time = time_width(1_099 * 3_600);
        let text = |t, chosen| -> Vec<String> {
            event_lines(&event(t), (80, time), &theme, chosen)
                .iter()
                .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
                .collect()
        };
        let (early, late, chosen) = (
            text(660, false),
            text(1_099 * 3_600, false),
            text(660, true),
        );
        // The kind starts in one column, and wrapped lines under the message, whatever the time.
        for lines in [&early, &late, &chosen] {
            let at = lines[0]
                .find("launch")
                .map(|i| lines[0][..i].chars().count());
            assert_eq!(at, Some(time), "{lines:?}");
            assert!(lines[1].starts_with(&" ".repeat(time)), "{lines:?}");
            assert!(lines.iter().all(|l| l.chars().count() <= 80), "{lines:?}");
        }
        assert!(late[0].starts_with(" 1099:00:00 "), "{late:?}");
        assert!(chosen[0].starts_with("▶   0:11:00 "), "{chosen:?}");
        // The marker never covers a digit, whatever the time.
        let time = time_width(1_099 * 3_600);
        let lines = event_lines(&event(1_099 * 3_600), (80, time), &theme, true);
        let first: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(first.starts_with("▶1099:00:00 "), "{first}");
        let time = time_width(36_000);
        let lines = event_lines(&event(36_000), (80, time), &theme, true);
        let first: String = lines[0].spans.iter().map(|s| s.content.as_ref()).collect();
        assert!(first.starts_with("▶10:00:00 "), "{first}");
    }
}
