//! The `?` overlay: every key, straight from the key table.

use super::super::app::App;
use super::super::keys::Cmd;
use super::super::keys::{BINDINGS, Group};
use super::pane;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let map = &app.keymap;
    let group_lines = |group: Group, long: bool| -> Vec<Line<'static>> {
        let mut lines = vec![Line::styled(group.title(), t.title)];
        let bindings = BINDINGS.iter().filter(|b| b.group == group);
        // Short words sit close to their keys: the column is as wide as its longest keys.
        let pad = if long {
            14
        } else {
            bindings
                .clone()
                .map(|b| map.keys(b).join(" ").chars().count() + 1)
                .max()
                .unwrap_or(0)
        };
        if group == Group::Presets && !long {
            let names: Vec<&str> = bindings.map(|b| b.short).collect();
            lines.push(Line::from(vec![
                Span::styled("  1–6 ", t.key),
                Span::styled(format!("{}…{}", names[0], names[names.len() - 1]), t.text),
            ]));
            return lines;
        }
        if group == Group::Presets {
            // Six keys that differ only in their preset read best as one line.
            let (keys, names): (Vec<_>, Vec<_>) =
                bindings.map(|b| (map.keys(b).join(" "), b.short)).unzip();
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<14}", keys.join(" ")), t.key),
                Span::styled(
                    if long {
                        format!("presets: {}", names.join(", "))
                    } else {
                        names.join(" ")
                    },
                    t.text,
                ),
            ]));
            return lines;
        }
        for b in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<pad$}", map.keys(b).join(" ")), t.key),
                Span::styled(if long { b.help } else { b.short }, t.text),
            ]));
        }
        lines
    };
    let footer = vec![
        Line::styled("Mouse: click a component to select it; the wheel", t.dim),
        Line::styled("scrolls what is under it. L: what symbols mean.", t.dim),
    ];
    // The groups in `n` columns, each group in the shortest column so far; the mouse note
    // under the first column where there is room for sentences.
    let columns = |n: usize, long: bool| -> Vec<Vec<Line<'static>>> {
        let mut cols: Vec<Vec<Line>> = vec![Vec::new(); n];
        for &g in &Group::ALL {
            let shortest = (0..n).min_by_key(|&i| cols[i].len()).unwrap_or(0);
            cols[shortest].extend(group_lines(g, long));
        }
        if long {
            let shortest = (0..n).min_by_key(|&i| cols[i].len()).unwrap_or(0);
            cols[shortest].extend(footer.clone());
        }
        cols
    };
    let width = |columns: &[Vec<Line>]| -> Vec<u16> {
        columns
            .iter()
            .map(|c| c.iter().map(Line::width).max().unwrap_or(0) as u16 + 2)
            .collect()
    };
    let fits = |cols: &Vec<Vec<Line>>| {
        width(cols).iter().sum::<u16>() + 2 <= area.width
            && cols.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2 <= area.height
    };
    // Sentences in one column, then two; then short words in two, then three.
    let candidates = [(1, true), (2, true), (2, false), (3, false)];
    let columns = candidates
        .iter()
        .map(|&(n, long)| columns(n, long))
        .find(fits)
        .unwrap_or_else(|| columns(3, false));
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
    let title = format!(
        " keys · {} or Esc closes · {} legend ",
        app.keymap.first(Cmd::Help),
        app.keymap.first(Cmd::Legend)
    );
    let block = pane(title, app).border_style(t.accent);
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
