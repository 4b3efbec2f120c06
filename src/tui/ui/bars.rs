//! The status bar on top, the hint bar at the bottom, and the `:` prompt that replaces it.

use super::super::app::{App, Mode, Note};
use super::super::command_line::{CommandLine, SHOWN};
use super::super::keys;
use crate::headless::{clock, count, millis};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, Paragraph};

pub fn status(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let sim = &app.sim;
    let arch = sim.arch();
    let hour = sim.hour_of_day();
    let run = if app.at_end() {
        Span::styled(" ⏹ end of --duration ", t.hot)
    } else if app.paused {
        Span::styled(" ⏸ paused ", t.busy)
    } else {
        Span::styled(
            match app.speed() {
                crate::tui::app::AS_FAST_AS_IT_GOES => " ▶ max ".to_string(),
                speed => format!(" ▶ {speed}× "),
            },
            t.ok,
        )
    };
    let last = sim.last();
    let (availability, _) = sim.slo_window().state();
    let slo_ok = sim.slo_window().breached_since.is_none();

    let sep = || Span::styled(" │ ", t.dim);
    let mut spans = vec![
        Span::styled(" archtui ", t.title),
        sep(),
        Span::styled(arch.name.clone(), t.accent),
        Span::styled(
            format!(" · {} users", count(arch.traffic.users.round() as u64)),
            t.text,
        ),
        sep(),
        Span::styled(
            format!(
                "t+{}  {:02}:{:02}",
                clock(sim.time()),
                hour as u32,
                (hour.fract() * 60.0) as u32
            ),
            t.title,
        ),
        run,
        Span::styled(format!("seed {}", app.options.seed), t.dim),
    ];
    if app.options.recording {
        spans.push(Span::styled("  ● rec", t.hot));
    }
    spans.extend([
        sep(),
        Span::styled(format!("p99 {}", millis(last.p99_ms)), t.text),
        Span::styled(format!("  avail {:.3}%", availability * 100.0), t.text),
        Span::raw("  "),
        if slo_ok {
            Span::styled("SLO ok", t.ok)
        } else {
            Span::styled(" SLO BREACHED ", t.hot)
        },
    ]);
    if sim.spike_factor() > 1.0 {
        spans.push(Span::styled(
            format!("  spike {:.0}×", sim.spike_factor()),
            t.busy,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.bar), area);
}

pub fn hint(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.theme;
    let mut spans = Vec::new();
    let key = |spans: &mut Vec<Span<'static>>, k: &str, what: &str| {
        spans.push(Span::styled(format!(" {k}"), t.key));
        spans.push(Span::styled(format!(" {what} "), t.text));
    };
    match &app.mode {
        Mode::PickAz { restore, region } => {
            let r = &app.sim.arch().regions[*region];
            let verb = if *restore { "restore" } else { "kill" };
            spans.push(Span::styled(
                format!(" {verb} which AZ of {}? ", r.id),
                t.title,
            ));
            for az in &r.azs {
                key(&mut spans, az, "");
            }
            key(&mut spans, "Esc", "cancel");
        }
        Mode::PickRegion { restore } => {
            let verb = if *restore { "restore" } else { "kill" };
            spans.push(Span::styled(format!(" {verb} which region? "), t.title));
            for (i, r) in app.sim.arch().regions.iter().enumerate() {
                key(&mut spans, &(i + 1).to_string(), &r.id);
            }
            key(&mut spans, "Esc", "cancel");
        }
        Mode::Help => key(&mut spans, "? Esc", "close help"),
        Mode::Report { .. } => {
            key(&mut spans, "R Esc", "close report");
            key(&mut spans, "↑↓", "scroll");
            key(&mut spans, "r", "run it again");
            key(&mut spans, "D", "another drill");
            key(&mut spans, "q", "quit");
        }
        Mode::PickDrill { .. } => {
            spans.push(Span::styled(" run which drill? ", t.title));
            key(&mut spans, "↑↓", "choose");
            key(&mut spans, "Enter", "run");
            key(&mut spans, "Esc", "cancel");
        }
        _ => {
            let stage = app.stage.as_ref();
            let held = stage.and_then(|s| s.holding(app.sim.time()));
            if let Some(step) = held {
                spans.push(Span::styled(" next: ", t.title));
                spans.push(Span::styled(format!("{} ", step.action), t.hot));
                key(&mut spans, "space", "strike");
            }
            let in_drill = stage.is_some_and(|s| !s.run.finished());
            let hints = keys::hints(app.paused, in_drill);
            // While a step waits, space strikes it and there is no next step to skip to.
            let waiting =
                |b: &&keys::Binding| matches!(b.cmd, keys::Cmd::Pause | keys::Cmd::NextStep);
            for b in hints.filter(|b| held.is_none() || !waiting(b)) {
                key(&mut spans, b.keys[0], b.short);
            }
        }
    }
    let left = Line::from(spans);
    frame.render_widget(Paragraph::new(left).style(t.bar), area);
    if let Some(note) = &app.note {
        let (text, style) = match note {
            Note::Info(s) => (s.as_str(), t.accent),
            Note::Error(s) => (s.as_str(), t.hot),
        };
        let w = (text.chars().count() as u16 + 2).min(area.width / 2);
        let right = Rect::new(area.right() - w, area.y, w, 1);
        frame.render_widget(
            Paragraph::new(format!(" {text} "))
                .style(style)
                .right_aligned(),
            right,
        );
    }
}

/// The `:` prompt on the hint line, its suggestions just above, and an error if the last
/// submit failed.
pub fn command(frame: &mut Frame, app: &App, line: &CommandLine, area: Rect) {
    let t = app.theme;
    frame.render_widget(Clear, area);
    let prompt = Line::from(vec![
        Span::styled(":", t.key),
        Span::styled(line.input.clone(), t.title),
        Span::styled("█", t.accent),
        Span::styled("   Tab completes · Enter runs · Esc cancels", t.dim),
    ]);
    frame.render_widget(Paragraph::new(prompt).style(t.bar), area);
    if let Some(Note::Error(e)) = &app.note {
        let w = (e.chars().count() as u16 + 2).min(area.width / 2);
        frame.render_widget(
            Paragraph::new(format!(" {e} ")).style(t.hot),
            Rect::new(area.right() - w, area.y, w, 1),
        );
    }
    let items: Vec<ListItem> = line
        .suggestions()
        .take(SHOWN)
        .map(|s| ListItem::new(s.to_string()))
        .collect();
    if items.is_empty() {
        return;
    }
    let h = items.len() as u16 + 1;
    let w = 40.min(area.width);
    let popup = Rect::new(area.x, area.y.saturating_sub(h), w, h);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        List::new(items).style(t.text).block(
            Block::new()
                .borders(Borders::TOP)
                .border_style(t.dim)
                .title(" suggestions "),
        ),
        popup,
    );
}
