//! The `?` overlay: every key, straight from the key table.

use super::super::app::App;
use super::super::keys::{BINDINGS, Group};
use super::pane;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let group_lines = |groups: &[Group], long: bool| -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for &group in groups {
            lines.push(Line::styled(group.title(), t.title));
            let bindings = BINDINGS.iter().filter(|b| b.group == group);
            if group == Group::Presets {
                // Six keys that differ only in their preset read best as one line.
                let (keys, names): (Vec<_>, Vec<_>) =
                    bindings.map(|b| (b.keys[0], b.short)).unzip();
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<14}", keys.join(" ")), t.key),
                    Span::styled(
                        if long {
                            format!("switch preset: {}", names.join(", "))
                        } else {
                            names.join(" ")
                        },
                        t.text,
                    ),
                ]));
                continue;
            }
            for b in bindings {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<14}", b.keys.join(" ")), t.key),
                    Span::styled(if long { b.help } else { b.short }, t.text),
                ]));
            }
        }
        lines
    };
    let width = |columns: &[Vec<Line>]| -> Vec<u16> {
        columns
            .iter()
            .map(|c| c.iter().map(Line::width).max().unwrap_or(0) as u16 + 2)
            .collect()
    };
    let two = |long: bool| {
        vec![
            group_lines(&Group::ALL[..2], long),
            group_lines(&Group::ALL[2..], long),
        ]
    };
    let mut one = group_lines(&Group::ALL, true);
    one.push(Line::styled(
        "Mouse: click a component to select it.",
        t.dim,
    ));
    // One column of sentences if it fits; else two of sentences; else two of short words.
    let columns = if one.len() as u16 + 2 <= area.height {
        vec![one]
    } else if width(&two(true)).iter().sum::<u16>() + 2 <= area.width {
        two(true)
    } else {
        two(false)
    };
    let col_w = width(&columns);
    let w = (col_w.iter().sum::<u16>() + 2).min(area.width);
    let h = (columns.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, popup);
    let block = pane(" keys · ? or Esc closes ", app).border_style(t.accent);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut x = inner.x;
    for (lines, cw) in columns.into_iter().zip(col_w) {
        let cw = cw.min(inner.right().saturating_sub(x));
        frame.render_widget(
            Paragraph::new(lines),
            Rect::new(x + 1, inner.y, cw.saturating_sub(1), inner.height),
        );
        x += cw;
    }
}
