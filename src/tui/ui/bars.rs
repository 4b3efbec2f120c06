//! The status bar on top, the hint bar at the bottom, and the `:` prompt that replaces it.

use super::super::app::{App, Mode, Note};
use super::super::command_line::{CommandLine, SHOWN};
use super::super::keys::{self, Cmd};
use super::print::Lines;
use super::text::{Part, fit, fit_parts, one_line, width};
use crate::headless::{clock, millis, people};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, List, ListItem};

pub fn status(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let sim = &app.sim;
    let arch = sim.arch();
    let hour = sim.hour_of_day();
    let run = if app.at_end() {
        Span::styled(" ⏹ end of --duration", t.hot)
    } else if app.paused {
        Span::styled(" ⏸ paused", t.busy)
    } else {
        Span::styled(
            format!(
                " ▶ {}{}",
                crate::tui::app::speed_name(app.speed()),
                // A presenter's strike is playing out at a speed the room can follow.
                if app.pacing.is_some() { " paced" } else { "" }
            ),
            t.ok,
        )
    };
    let (availability, _) = sim.slo_window().state();
    let slo_ok = sim.slo_window().breached_since.is_none();

    let sep = || Span::styled(" │ ", t.dim);
    // What a narrow terminal drops first has the lowest number; the SLO's state stays.
    let mut parts = vec![
        Part::new(
            2,
            vec![
                Span::styled(" archtui ", t.title),
                Span::styled(" │", t.dim),
            ],
        ),
        Part::new(7, vec![Span::styled(format!(" {}", arch.name), t.accent)]),
        Part::new(
            3,
            vec![Span::styled(
                format!(" · {}", people(arch.traffic.users)),
                t.text,
            )],
        ),
        // A what-if run says so: its figures are not the preset's.
        Part::new(
            6,
            if what_if(app) {
                vec![Span::styled(" · --set", t.busy)]
            } else {
                Vec::new()
            },
        ),
        Part::new(
            8,
            vec![
                sep(),
                Span::styled(format!("t+{}", clock(sim.time())), t.title),
            ],
        ),
        Part::new(
            4,
            vec![Span::styled(
                format!("  {:02}:{:02}", hour as u32, (hour.fract() * 60.0) as u32),
                t.title,
            )],
        ),
        Part::new(9, vec![run]),
        Part::new(
            1,
            vec![Span::styled(format!(" seed {}", app.options.seed), t.dim)],
        ),
    ];
    if app.options.recording {
        parts.push(Part::new(5, vec![Span::styled("  ● rec", t.hot)]));
    }
    parts.extend([
        Part::new(
            6,
            vec![
                sep(),
                Span::styled(format!("p99 {}", millis(sim.p99_ms())), t.text),
            ],
        ),
        Part::new(
            5,
            vec![Span::styled(
                format!("  avail {:.3}%", availability * 100.0),
                t.text,
            )],
        ),
        Part::new(
            10,
            vec![
                Span::raw("  "),
                if slo_ok {
                    Span::styled("SLO ok", t.ok)
                } else {
                    Span::styled(" SLO BREACHED ", t.hot)
                },
            ],
        ),
    ]);
    if sim.spike_factor() > 1.0 {
        parts.push(Part::new(
            6,
            vec![Span::styled(
                format!("  spike {:.0}×", sim.spike_factor()),
                t.busy,
            )],
        ));
    }
    let line = fit_parts(parts, usize::from(area.width));
    frame.render_widget(Lines::new(&[line]).style(t.bar), area);
}

/// The hint bar: whole hints, as many as fit beside the note (if one shows); a hint that
/// does not fit is left out, never cut.
pub fn hint(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let map = &app.keymap;
    let mut hints: Vec<(String, String)> = Vec::new();
    let mut title: Option<(String, Style)> = None;
    let mut push = |k: &str, what: &str| hints.push((k.to_string(), what.to_string()));
    match &app.mode {
        Mode::PickAz { restore, region } => {
            let r = &app.sim.arch().regions[*region];
            let verb = if *restore { "restore" } else { "kill" };
            title = Some((format!(" {verb} which AZ of {}? ", r.id), t.title));
            for az in &r.azs {
                push(az, "");
            }
            push("Esc", "cancel");
        }
        Mode::PickRegion { restore } => {
            let verb = if *restore { "restore" } else { "kill" };
            title = Some((format!(" {verb} which region? "), t.title));
            for (i, r) in app.sim.arch().regions.iter().enumerate() {
                push(&(i + 1).to_string(), &r.id);
            }
            push("Esc", "cancel");
        }
        Mode::Help => {
            push(&format!("{} Esc", map.first(Cmd::Help)), "close help");
            push(map.first(Cmd::Legend), "legend");
        }
        Mode::Legend { .. } => {
            push(&format!("{} Esc", map.first(Cmd::Legend)), "close legend");
            push("↑↓", "scroll");
        }
        Mode::Explorer { .. } => {
            push(
                &format!("{} Esc", map.first(Cmd::Explore)),
                "close explorer",
            );
            push("↑↓", "scroll");
        }
        Mode::Report { .. } => {
            push(&format!("{} Esc", map.first(Cmd::Report)), "close report");
            push("↑↓", "scroll");
            push(map.first(Cmd::Reset), "run it again");
            push(map.first(Cmd::Drills), "another drill");
            push(map.first(Cmd::Quit), "quit");
        }
        Mode::PickDrill { .. } => {
            title = Some((" run which drill? ".into(), t.title));
            push("↑↓", "choose");
            push("Enter", "run");
            push("Esc", "cancel");
            push(map.first(Cmd::Quit), "quit");
        }
        Mode::Events => {
            title = Some((" events: ".into(), t.title));
            push(
                &format!("{}{}", map.first(Cmd::Up), map.first(Cmd::Down)),
                "choose",
            );
            let why = if app.log.chain.is_some() {
                "all events"
            } else {
                "why"
            };
            push(map.first(Cmd::Open), why);
            push(map.first(Cmd::Filter), "filter");
            push(
                &format!(
                    "{} {}",
                    map.first(Cmd::NewerEvents),
                    map.first(Cmd::OlderEvents)
                ),
                "page",
            );
            push(map.first(Cmd::Close), "back");
            let pause = keys::BINDINGS.iter().find(|b| b.cmd == Cmd::Pause);
            push(
                map.first(Cmd::Pause),
                pause.map_or("pause", |b| b.short_now(app.paused)),
            );
        }
        _ => {
            let stage = app.stage.as_ref();
            let held = stage.and_then(|s| s.holding(app.sim.time()));
            if let Some(step) = held {
                title = Some((format!(" next: {} ", step.action), t.hot));
                push(map.first(Cmd::Pause), "strike");
            }
            let in_drill = stage.is_some_and(|s| !s.run.finished());
            // While a step waits, space strikes it and there is no next step to skip to.
            let waiting =
                |b: &&keys::Binding| matches!(b.cmd, keys::Cmd::Pause | keys::Cmd::NextStep);
            // At --duration's end the clock stays there: resuming or stepping does nothing, and
            // `r` is what runs it again.
            let ended = app.at_end();
            if ended {
                push(map.first(Cmd::Reset), "run again");
            }
            // Nor do faults: they are refused there (the `:` line still opens, and says so).
            let still = |b: &&keys::Binding| {
                matches!(b.cmd, Cmd::Pause | Cmd::Step)
                    || (b.group == keys::Group::Faults && b.cmd != Cmd::CommandLine)
            };
            for b in map
                .hints(app.paused, in_drill)
                .filter(|b| held.is_none() || !waiting(b))
                .filter(|b| !ended || !still(b))
            {
                push(map.first(b.cmd), b.short_now(app.paused));
            }
        }
    }
    let note = app.note.as_ref().map(|note| match note {
        Note::Info(s) => (one_line(s), t.accent),
        Note::Error(s) => (one_line(s), t.hot),
    });
    // The note has its own place on the right for the few seconds it shows: as wide as it
    // needs, up to all but the first hints (beyond that, cut with an ellipsis).
    let most = usize::from(area.width)
        .saturating_sub(24)
        .max(usize::from(area.width) / 2);
    let note_w = note.as_ref().map_or(0, |(s, _)| (width(s) + 2).min(most));
    let room = usize::from(area.width).saturating_sub(note_w + 1);
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    if let Some((text, style)) = title {
        let text = fit(&text, room);
        used += width(&text);
        spans.push(Span::styled(text, style));
    }
    for (k, what) in hints {
        let (k, what) = (format!(" {k}"), format!(" {what} "));
        let w = width(&k) + width(&what);
        // The table's order is the order of importance: after the first that does not fit,
        // none does (a shorter, less important one would take its place).
        if used + w > room {
            break;
        }
        used += w;
        spans.push(Span::styled(k, t.key));
        spans.push(Span::styled(what, t.text));
    }
    frame.render_widget(Lines::new(&[Line::from(spans)]).style(t.bar), area);
    if let Some((text, style)) = note {
        let shown = fit(&text, note_w.saturating_sub(2));
        let w = (width(&shown) + 2) as u16;
        let right = Rect::new(area.right().saturating_sub(w), area.y, w.min(area.width), 1);
        frame.render_widget(
            Lines::new(&[Line::raw(format!(" {shown} "))]).style(style),
            right,
        );
    }
}

/// The text before the cursor and after it that fit `room` columns with the cursor's cell:
/// the cursor stays in view, text cut before it starts with "…", after it ends with "…".
fn scrolled(before: &str, under: &str, after: &str, room: usize) -> (String, String) {
    let room = room.saturating_sub(width(under));
    let mut shown = before.to_string();
    if width(&shown) > room {
        // Keep the end, the part next to the cursor, and a column for the "…".
        let (mut kept, mut used) = (Vec::new(), 1);
        for c in before.chars().rev() {
            used += width(&c.to_string());
            if used > room {
                break;
            }
            kept.push(c);
        }
        shown = std::iter::once('…').chain(kept.into_iter().rev()).collect();
    }
    let left = room.saturating_sub(width(&shown));
    (shown, fit(after, left))
}

/// The `:` prompt (or the event filter's `/`) on the hint line, its suggestions just above,
/// and an error if the last submit failed.
pub fn command(frame: &mut Frame, app: &App, line: &CommandLine, area: Rect, filter: bool) {
    let t = app.theme;
    frame.render_widget(Clear, area);
    let (before, after) = line.split();
    // An error, right-aligned, takes what the input leaves, or at least half the line.
    let input_w = 2 + width(before) + width(after);
    let full = usize::from(area.width);
    let error = match &app.note {
        Some(Note::Error(e)) => Some(fit(
            &one_line(e),
            full.saturating_sub(input_w.min(full / 2) + 3),
        )),
        _ => None,
    };
    let error_w = error.as_ref().map_or(0, |e| width(e) as u16 + 2);
    let room = usize::from(area.width.saturating_sub(error_w));
    let mut rest = after.chars();
    let under = rest.next().map_or(" ".to_string(), |c| c.to_string());
    let rest: String = rest.collect();
    // The input scrolls to keep the cursor in view: what is cut before it shows as "…".
    let (before, rest) = scrolled(before, &under, &rest, room.saturating_sub(1));
    let help = if filter {
        "   words or kind:NAME · Enter filters · Esc cancels"
    } else {
        "   Tab completes · ↑↓ history · Enter runs · Esc cancels"
    };
    let typed = 1 + width(&before) + width(&under) + width(&rest);
    let mut spans = vec![
        Span::styled(if filter { "/" } else { ":" }, t.key),
        Span::styled(before, t.title),
        Span::styled(under, t.selected),
        Span::styled(rest, t.title),
    ];
    // The help goes whole or not at all.
    if typed + width(help) <= room {
        spans.push(Span::styled(help, t.dim));
    }
    let prompt = Line::from(spans);
    frame.render_widget(
        Lines::new(&[prompt]).style(t.bar),
        Rect::new(area.x, area.y, room as u16, 1),
    );
    if let Some(e) = error {
        frame.render_widget(
            Lines::new(&[Line::raw(format!(" {e} "))]).style(t.hot),
            Rect::new(area.right() - error_w, area.y, error_w, 1),
        );
    }
    let groups = line.suggestion_groups();
    if groups.is_empty() {
        return;
    }
    // An entry standing for several commands says how many: typing on narrows them.
    let shown: Vec<String> = groups
        .iter()
        .take(SHOWN)
        .map(|(head, n)| match n {
            1 => head.clone(),
            n => format!("{head}… ({n})"),
        })
        .collect();
    let items: Vec<ListItem> = shown.iter().map(|s| ListItem::new(s.clone())).collect();
    // More than it shows: the title says how many.
    let title = if groups.len() > SHOWN {
        format!(" suggestions · {SHOWN} of {} ", groups.len())
    } else {
        " suggestions ".to_string()
    };
    let longest = shown.iter().map(|s| width(s)).max().unwrap_or(0);
    let h = items.len() as u16 + 1;
    let w = ((longest.max(width(&title)) + 4) as u16).min(area.width);
    let popup = Rect::new(area.x, area.y.saturating_sub(h), w, h);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        List::new(items).style(t.text).block(
            Block::new()
                .borders(Borders::TOP | Borders::LEFT | Borders::RIGHT)
                .border_type(BorderType::Rounded)
                .border_style(t.dim)
                .title(title),
        ),
        popup,
    );
}

/// Whether the run overrides its preset (`--set`).
fn what_if(app: &App) -> bool {
    !app.options.sets.is_empty()
        || (app.options.drill.as_ref()).is_some_and(|d| !d.overrides.is_empty())
}

#[cfg(test)]
mod tests {
    use super::scrolled;

    #[test]
    fn a_long_input_scrolls_to_keep_the_cursor_in_view() {
        let long = "kill-az:".to_string() + &"b".repeat(100);
        // The cursor at the end: the start is cut, with "…", the end shows.
        let (before, after) = scrolled(&long, " ", "", 20);
        assert_eq!(
            (before.as_str(), after.as_str()),
            ("…bbbbbbbbbbbbbbbbbb", "")
        );
        // The cursor at the start: the rest is cut at the end.
        let (before, after) = scrolled("", "k", &long[1..], 20);
        assert_eq!(before, "");
        assert!(
            after.ends_with('…') && after.chars().count() == 19,
            "{after}"
        );
        // Short input is shown whole.
        assert_eq!(scrolled("spike", "", "", 20), ("spike".into(), "".into()));
    }
}
