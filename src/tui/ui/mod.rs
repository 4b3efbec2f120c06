//! Drawing: reads the app's state, writes a frame. Nothing here changes the simulation.

mod bars;
mod boxes;
mod detail;
mod drill;
mod events;
mod explorer;
mod graph;
mod help;
mod legend;
mod metrics;
mod print;
mod report;
mod spark;
pub mod text;

use super::app::{App, Mode, Note};
use super::keys::Cmd;
use super::screenshot;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use std::time::{Duration, Instant};

/// The smallest terminal the dashboard draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width on, metrics and detail sit beside the graph instead of below it.
const WIDE: u16 = 110;
/// The side column (metrics or a drill's panel, the detail under it): its width at 120
/// columns, and the most it widens to on a wider terminal.
const SIDE: u16 = 40;
const SIDE_MOST: u16 = 60;

/// How long a note stays on the hint bar: an action's a few seconds, an error longer.
pub const NOTE_INFO: Duration = Duration::from_secs(4);
pub const NOTE_ERROR: Duration = Duration::from_secs(8);

/// Notes fade: a note is timed from the first frame that shows it, and gone once its time is
/// up (the event loop wakes for that moment, see [`note_deadline`]).
fn fade_note(app: &mut App, now: Instant) {
    match (&app.note, &app.note_shown) {
        (None, _) => app.note_shown = None,
        (Some(n), Some((shown, _))) if shown == n => {
            if note_deadline(app).is_some_and(|d| now >= d) {
                app.note = None;
                app.note_shown = None;
            }
        }
        (Some(n), _) => app.note_shown = Some((n.clone(), now)),
    }
}

/// When the note on screen fades, if one does.
pub fn note_deadline(app: &App) -> Option<Instant> {
    let (note, at) = app.note_shown.as_ref()?;
    // Typing a command keeps its error until the line changes.
    if matches!(app.mode, Mode::Command(_)) {
        return None;
    }
    Some(
        *at + match note {
            Note::Info(_) => NOTE_INFO,
            Note::Error(_) => NOTE_ERROR,
        },
    )
}

pub fn draw(frame: &mut Frame, app: &mut App) {
    fade_note(app, Instant::now());
    draw_screen(frame, app);
    if std::mem::take(&mut app.screenshot) {
        let dir = (app.options.config.screenshot_dir.clone()).unwrap_or_else(|| ".".into());
        app.note = Some(match screenshot::save(frame.buffer_mut(), &dir) {
            Ok((txt, svg)) => Note::Info(format!(
                "screenshot saved: {} and {}",
                txt.display(),
                svg.display()
            )),
            Err(e) => Note::Error(e.to_string()),
        });
        app.dirty = true;
    }
}

fn draw_screen(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    // Set again by the panes drawn this frame: the wheel finds what is under it.
    app.log.area = Rect::default();
    app.narration_area = Rect::default();
    app.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    if app.too_small {
        too_small(frame, app, area);
        return;
    }
    let [status, body, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    bars::status(frame, app, status);
    bars::hint(frame, app, hint);

    // A drill takes the top of the side column (wide) or the metrics' place (narrow).
    let drilling = app.stage.is_some();
    // Check names and the detail's figures are long: the side column widens with the
    // terminal, and the detail under it keeps its width, so the two line up.
    let side_width = (SIDE + area.width.saturating_sub(120) / 2).min(SIDE_MOST);
    if area.width >= WIDE {
        // A drill's narration is what the presenter reads out: the row grows to hold it,
        // up to two fifths of the screen.
        let narration_h = drill::narration_height(app, area.width / 2);
        let bottom_h = (body.height / 4)
            .clamp(8, 14)
            .max(narration_h.min(body.height * 2 / 5));
        let [top, bottom] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(bottom_h)]).areas(body);
        let [graph_area, side] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Length(side_width)]).areas(top);
        graph::draw(frame, app, graph_area);
        if drilling {
            // The narration shares the bottom row with the events, half each, unless the
            // detail is asked for.
            let drill_h = drill::height(app).min(side.height * 3 / 5);
            let [drill_area, metrics_area] =
                Layout::vertical([Constraint::Length(drill_h), Constraint::Fill(1)]).areas(side);
            let [events_area, narration_area] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(bottom);
            drill::draw(frame, app, drill_area);
            metrics::draw(frame, app, metrics_area);
            events::draw(frame, app, events_area);
            if app.detail_open {
                detail::draw(frame, app, narration_area);
            } else {
                drill::narration(frame, app, narration_area);
            }
        } else {
            let [events_area, detail_area] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(side_width)])
                    .areas(bottom);
            metrics::draw(frame, app, side);
            events::draw(frame, app, events_area);
            detail::draw(frame, app, detail_area);
        }
    } else {
        // Narrow, the graph keeps its rows: a long narration ends in "…".
        let bottom_h = if drilling { body.height / 3 } else { 0 }.max(9);
        let [graph_area, bottom] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(bottom_h)]).areas(body);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        graph::draw(frame, app, graph_area);
        // In a drill, the narration takes the events' place: there is room for one of them.
        match (drilling, app.detail_open) {
            (true, false) => {
                drill::draw(frame, app, left);
                drill::narration(frame, app, right);
            }
            (true, true) => {
                drill::draw(frame, app, left);
                detail::draw(frame, app, right);
            }
            (false, false) => {
                metrics::draw(frame, app, left);
                events::draw(frame, app, right);
            }
            (false, true) => {
                metrics::draw(frame, app, left);
                detail::draw(frame, app, right);
            }
        }
    }

    match &app.mode {
        Mode::Help => help::draw(frame, app, area),
        Mode::Command(line) => bars::command(frame, app, line, hint, false),
        Mode::Filter(line) => bars::command(frame, app, line, hint, true),
        // Between the status and hint bars: the SLO and the keys in force stay in view.
        Mode::Legend { scroll } => {
            let scroll = legend::draw(frame, app, *scroll, body);
            app.mode = Mode::Legend { scroll };
        }
        Mode::Explorer { scroll } => {
            let scroll = explorer::draw(frame, app, *scroll, body);
            app.mode = Mode::Explorer { scroll };
        }
        Mode::PickDrill { index } => drill::picker(frame, app, *index, body),
        Mode::Report { scroll } => {
            // Kept as drawn, so scrolling back up starts from what is on screen.
            let scroll = report::draw(frame, app, *scroll, body);
            app.mode = Mode::Report { scroll };
        }
        _ => {}
    }
}

/// Every pane has the same frame: rounded, titled, dim unless it matters.
fn pane<'a>(title: impl Into<Line<'a>>, app: &App) -> boxes::Pane<'a> {
    boxes::Pane::new(title.into().style(app.theme.title), app.theme.dim)
}

/// A centred overlay at most `width` wide, as tall as `lines` (or `area`), scrolled down
/// `scroll` lines but no further than what it hides; the title names it and, when it hides
/// something, says it scrolls. Returns the scroll it was drawn at.
fn scrolled_overlay(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    width: u16,
    lines: Vec<Line<'static>>,
    (name, closes): (&str, &str),
    scroll: u16,
) -> u16 {
    let w = width.min(area.width);
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    clear_around(frame, popup, area);
    let hidden = (lines.len() as u16).saturating_sub(h.saturating_sub(2));
    let scroll = scroll.min(hidden);
    let title = if hidden > 0 {
        format!(" {name} · ↑↓ scroll · {closes} or Esc closes ")
    } else {
        format!(" {name} · {closes} or Esc closes ")
    };
    let block = pane(title, app).border_style(app.theme.accent);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let inner = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
    scroll
}

/// Clears where an overlay goes, and a column each side of it within `area`: the borders of
/// the panes behind it would otherwise run along its own.
pub(super) fn clear_around(frame: &mut Frame, popup: Rect, area: Rect) {
    let left = popup.x.saturating_sub(1).max(area.x);
    let right = (popup.right() + 1).min(area.right());
    frame.render_widget(Clear, Rect::new(left, popup.y, right - left, popup.height));
}

fn too_small(frame: &mut Frame, app: &App, area: Rect) {
    let text = vec![
        Line::from("archtui needs a bigger terminal").style(app.theme.title),
        Line::from(format!(
            "enlarge to {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{})",
            area.width, area.height
        ))
        .style(app.theme.text),
        Line::from(format!(
            "{} quits; other keys wait for a bigger window",
            app.keymap.first(Cmd::Quit)
        ))
        .style(app.theme.dim),
    ];
    let h = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let p = Paragraph::new(text).centered().wrap(Wrap { trim: true });
    frame.render_widget(p, Rect::new(area.x, y, area.width, h));
}
