//! The legend (`L`, and from the help): what every symbol, figure and colour on the screen
//! means, each shown as the screen shows it.

use super::super::app::App;
use super::super::keys::{Cmd, Keymap};
use super::super::theme::Theme;
use super::pane;
use super::text::wrap;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Width of the sample column.
const SAMPLE: usize = 11;

/// One entry: a sample as drawn (text and style), and what it means.
type Entry = (Vec<Span<'static>>, &'static str);

/// The legend's sections, each a title and its entries.
pub fn sections(t: &Theme) -> Vec<(&'static str, Vec<Entry>)> {
    let s = |text: &'static str, style| vec![Span::styled(text, style)];
    vec![
        (
            "Boxes: figures",
            vec![
                (s("12/14 63%", t.ok), "instances serving / wanted, CPU busy"),
                (s("50+6 72%", t.ok), "in one AZ: 50 serving, 6 launching"),
                (s("1 25%", t.ok), "one instance, 25 % busy"),
                (s("0 up", t.down), "in one AZ: no instance left"),
                (s("full", t.hot), "every thread or DB connection taken"),
                (
                    s("P+2R 37%", t.ok),
                    "DB: primary, 2 read replicas, writer busy",
                ),
                (s("P S R1", t.ok), "in one AZ: primary, standby, 1 replica"),
                (
                    s("C+4R 0%", t.ok),
                    "DB: a copy of another region's, no writes until promoted",
                ),
                (s("P… S…", t.busy), "promoting here / standby rebuilding"),
                (s("P✕", t.down), "primary down or lost"),
                (s("·", t.ok), "DB: nothing of it in this AZ"),
                (s("hit 90%", t.ok), "cache: share of reads it answered"),
                (
                    s("1.2k 45s", t.busy),
                    "queue: messages waiting, oldest's age",
                ),
                (s("4.5k/s", t.ok), "requests a second arriving"),
                (
                    s("1·slow 36%", t.ok),
                    "one instance here is slow (·out: pulled)",
                ),
                (
                    s("‼", t.down),
                    "explorer ({explore}): losing part of it takes users down",
                ),
                (
                    s("!", t.busy),
                    "explorer ({explore}): losing part of it breaks the SLO",
                ),
            ],
        ),
        (
            "Colours",
            vec![
                (s("green", t.ok), "calm: under 70 % busy"),
                (s("yellow", t.busy), "busy: 70–90 %, failing over, warming"),
                (s("red", t.hot), "overloaded, or failing requests"),
                (s("struck", t.down), "down"),
                (s("grey", t.idle), "dormant standby (region not serving)"),
                (
                    s("lost", t.down),
                    "the whole component lost (kill-component)",
                ),
                (s("▶name", t.selected), "the selected component"),
            ],
        ),
        (
            "Regions and AZs",
            vec![
                (s("AZ b", t.dim), "an AZ lane; ┊ between lanes"),
                (s("╱╱╱╱", t.down), "a dead AZ (AZ b ✕ down)"),
                (
                    vec![
                        Span::styled("a●", t.ok),
                        Span::raw(" "),
                        Span::styled("b✕", t.down),
                    ],
                    "AZs on a region's frame: up, down",
                ),
                (
                    s("REGION DOWN", t.down),
                    "the whole region lost (✕ on its frame)",
                ),
                (s("coming up…", t.busy), "a standby region starting"),
                (
                    s("resyncing…", t.busy),
                    "a region back after another took its writes, copying its data back; waiting: until that one is back",
                ),
            ],
        ),
        (
            "Edges",
            vec![
                (
                    s("─•──•──", t.accent),
                    "traffic; dots closer = more requests",
                ),
                (s("─↻──↻──", t.hot), "retries over 5 % of the attempts"),
                (s("────", t.dim), "no traffic now"),
            ],
        ),
        (
            "Status bar",
            vec![
                (s("t+0:12:00", t.title), "simulated time since the start"),
                (
                    s("14:05", t.title),
                    "simulated time of day (traffic follows)",
                ),
                (s("▶ 60×", t.ok), "running, simulated seconds a second"),
                (s("⏸ paused", t.busy), "paused ({step} steps one second)"),
                (
                    s("p99 113 ms", t.text),
                    "slowest 1 % of requests, last second",
                ),
                (s("avail", t.text), "share served over the last minute"),
                (s("SLO ok", t.ok), "meeting the preset's SLO (or BREACHED)"),
                (s("● rec", t.hot), "recording the session (--record)"),
            ],
        ),
        (
            "Event log and charts",
            vec![
                (s("fault", t.hot), "red: bad (faults, failures)"),
                (s("failover", t.busy), "yellow: warning"),
                (s("recovered", t.ok), "green: good news"),
                (s("▁▃▅█", t.accent), "sparkline, newest on the right"),
                (s("━━━──", t.ok), "gauge: share of its maximum"),
                (
                    s("err budget", t.text),
                    "errors the SLO allows over the whole run, left: spent ones stay spent",
                ),
                (s("…", t.dim), "more text than fits: widen, or scroll"),
            ],
        ),
    ]
}

/// The legend as lines in columns `w` wide; `{explore}` and `{step}` in a meaning are the
/// keys in force for those commands.
fn lines(t: &Theme, keys: &Keymap, w: usize) -> Vec<Vec<Line<'static>>> {
    sections(t)
        .into_iter()
        .map(|(title, entries)| {
            let mut out = vec![Line::styled(title, t.title)];
            for (sample, meaning) in entries {
                let meaning = meaning
                    .replace("{explore}", keys.first(Cmd::Explore))
                    .replace("{step}", keys.first(Cmd::Step));
                let meaning = meaning.as_str();
                let sw: usize = sample.iter().map(Span::width).sum();
                let pad = (SAMPLE + 1).saturating_sub(sw).max(1);
                let mut wrapped = wrap(meaning, w.saturating_sub(SAMPLE + 3).max(8)).into_iter();
                let mut first = vec![Span::raw("  ")];
                first.extend(sample);
                first.push(Span::raw(" ".repeat(pad)));
                first.push(Span::styled(wrapped.next().unwrap_or_default(), t.text));
                out.push(Line::from(first));
                out.extend(wrapped.map(|l| {
                    Line::from(vec![
                        Span::raw(" ".repeat(SAMPLE + 3)),
                        Span::styled(l, t.text),
                    ])
                }));
            }
            out
        })
        .collect()
}

/// Draws the legend over `area`, in as many columns as fit, scrolled down `scroll` lines
/// when even that is too tall; returns the scroll it could use.
pub fn draw(frame: &mut Frame, app: &App, scroll: u16, area: Rect) -> u16 {
    let t = &app.theme;
    // Inside the frame and a margin: columns of at least 38, one space apart.
    let avail = usize::from(area.width.saturating_sub(3));
    let ncols = (avail + 1).div_euclid(39).clamp(1, 3);
    let col_w = ((avail + 1) / ncols - 1).min(60);
    let sections = lines(t, &app.keymap, col_w);
    let total: usize = sections.iter().map(Vec::len).sum::<usize>() + sections.len();
    // Sections in order, a column filled before the next starts.
    let per = total.div_ceil(ncols);
    let mut columns: Vec<Vec<Line>> = vec![Vec::new()];
    for section in sections {
        let col = columns.last_mut().expect("a column");
        if !col.is_empty() && col.len() + section.len() > per && columns.len() < ncols {
            columns.push(Vec::new());
        }
        let col = columns.last_mut().expect("a column");
        if !col.is_empty() {
            col.push(Line::raw(""));
        }
        col.extend(section);
    }
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let w = ((col_w + 1) * columns.len() + 2) as u16;
    let w = w.min(area.width);
    let h = (tallest as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let hidden = tallest.saturating_sub(usize::from(h.saturating_sub(2))) as u16;
    let scroll = scroll.min(hidden);
    let closes = app.keymap.first(Cmd::Legend);
    let title = if hidden > 0 {
        format!(" legend · ↑↓ scroll · {closes} or Esc closes ")
    } else {
        format!(" legend · {closes} or Esc closes ")
    };
    super::clear_around(frame, popup, area);
    let block = pane(title, app).border_style(t.accent);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut x = inner.x + 1;
    for col in columns {
        let cw = (col_w as u16 + 1).min(inner.right().saturating_sub(x));
        frame.render_widget(
            Paragraph::new(col).scroll((scroll, 0)),
            Rect::new(x, inner.y, cw, inner.height),
        );
        x += cw;
    }
    scroll
}
