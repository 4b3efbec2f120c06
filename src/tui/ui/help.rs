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
            for b in BINDINGS.iter().filter(|b| b.group == group) {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<14}", b.keys.join(" ")), t.key),
                    Span::styled(if long { b.help } else { b.short }, t.text),
                ]));
            }
        }
        lines
    };
    let mut one = group_lines(&Group::ALL, true);
    one.push(Line::styled(
        "Mouse: click a component to select it.",
        t.dim,
    ));
    // One column with sentences if it fits; two with short words if not.
    let columns = if one.len() as u16 + 2 <= area.height {
        vec![one]
    } else {
        vec![
            group_lines(&Group::ALL[..2], false),
            group_lines(&Group::ALL[2..], false),
        ]
    };
    let col_w: Vec<u16> = columns
        .iter()
        .map(|c| c.iter().map(Line::width).max().unwrap_or(0) as u16 + 2)
        .collect();
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
