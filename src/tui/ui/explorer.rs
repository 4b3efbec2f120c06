//! The explorer overlay (`X`): what losing each failure domain of the architecture on screen
//! does to users, its capacity and its cost — `archtui analyze`, computed in the background,
//! with its progress meanwhile.

use super::super::app::App;
use super::super::keys::Cmd;
use super::text::wrap;
use crate::analysis::{Report, Verdict, render};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The overlay's widest: a domain table and its prose.
const WIDTH: u16 = 104;
/// A domain row but its name: the verdict, the figures and the gaps between them.
const FIGURES_W: usize = 8 + 2 + 2 + 9 + 2 + 9 + ERRORS_W + 2 + 14;
/// The error-minutes' column and the gap before it.
const ERRORS_W: usize = 2 + 7;

/// Draws the overlay over `area`; returns the scroll it was drawn at (clamped).
pub fn draw(frame: &mut Frame, app: &App, scroll: u16, area: Rect) -> u16 {
    let w = WIDTH.min(area.width);
    let text_w = usize::from(w.saturating_sub(4));
    let lines = match (app.explorer.report(), app.explorer.progress()) {
        (Some(r), _) => report(app, r, text_w),
        (None, Some(p)) => running(app, p, text_w),
        (None, None) => prose(
            &format!(
                "The analysis stopped without a report: {}. This is a bug in archtui; the \
                 dashboard goes on without the explorer.",
                crate::escape::line(app.explorer.failure().unwrap_or("no message"))
            ),
            text_w,
            app.theme.text,
        ),
    };
    super::scrolled_overlay(
        frame,
        app,
        area,
        w,
        lines,
        ("explorer", app.keymap.first(Cmd::Explore)),
        scroll,
    )
}

fn prose(text: &str, width: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, width)
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect()
}

fn running(app: &App, (done, total): (usize, usize), width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let arch = app.sim.arch();
    let mut lines = prose(
        &format!(
            "Analysing {}: each failure domain lost at the peak hour and watched for an hour, \
             and beside them the capacity search (days at more and fewer users). The \
             dashboard runs on meanwhile; the boxes get their marks when it is done.",
            arch.name
        ),
        width,
        t.text,
    );
    lines.push(Line::raw(""));
    // The bar leaves room for the longest of the words beside it.
    const WARMING: &str = "warming up to the peak hour";
    let bar_w = width
        .saturating_sub(WARMING.chars().count() + 1)
        .clamp(10, 50);
    let filled = (bar_w * done).checked_div(total).unwrap_or(0).min(bar_w);
    let what = if total == 0 {
        WARMING.to_string()
    } else if done < total {
        format!("{done}/{total} runs")
    } else {
        "capacity search".to_string()
    };
    lines.push(Line::from(vec![
        Span::styled("━".repeat(filled), t.accent),
        Span::styled("─".repeat(bar_w - filled), t.dim),
        Span::styled(format!(" {what}"), t.text),
    ]));
    lines
}

fn report(app: &App, r: &Report, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let longest = r
        .domains
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, 36);
    // On a narrow screen the error-minutes go first, so that names stay whole; then long
    // names end in "…" and the other figures keep their room.
    let with_errors = longest <= width.saturating_sub(FIGURES_W);
    let figures_w = if with_errors {
        FIGURES_W
    } else {
        FIGURES_W - ERRORS_W
    };
    let name_w = longest.min(width.saturating_sub(figures_w)).max(6);
    let errors_cell = |e: &str| {
        if with_errors {
            format!("  {e:>7}")
        } else {
            String::new()
        }
    };
    let mut lines = vec![Line::styled(
        format!(
            "{:<8}  {:<name_w$}  {:>9}  {:>9}{}  {:>14}",
            "verdict",
            "domain",
            "available",
            "worst p99",
            errors_cell("err-min"),
            "SLO met after"
        ),
        t.title,
    )];
    for d in &r.domains {
        let [verdict, availability, p99, errors, _, met] = render::cells(d);
        let style = match d.verdict {
            Verdict::Down => t.down,
            Verdict::Breach => t.busy,
            Verdict::Absorbed => t.ok,
        };
        let name = super::text::fit(&d.name, name_w);
        lines.push(Line::from(vec![
            Span::styled(format!("{verdict:<8}"), style),
            Span::styled(
                format!(
                    "  {name:<name_w$}  {availability:>9}  {p99:>9}{}  {met:>14}",
                    errors_cell(&errors)
                ),
                t.text,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.extend(prose(&render::capacity(r), width, t.text));
    lines.extend(prose(&render::cost(r), width, t.text));
    lines.push(Line::raw(""));
    lines.extend(prose(
        "On the graph: ‼ losing part of it (an instance, its share in an AZ, its writer) takes \
         the service down, ! it breaks the SLO; `all of` rows lose a whole component. \
         `archtui analyze` prints the same (--md for a handout).",
        width,
        t.dim,
    ));
    lines
}
