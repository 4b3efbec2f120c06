//! Text into the frame's buffer, cut at the right edge, as ratatui draws it — but text whose
//! characters are each one cell wide goes straight into its cells. Ratatui segments every
//! string into graphemes and looks up each one's width; on a dashboard that is mostly ASCII
//! figures that was a quarter of a frame. Other text takes ratatui's own path
//! ([`Buffer::set_stringn`]), which differs from a paragraph only in resetting a cell that a
//! wide glyph hides (a paragraph leaves it as it was; either way it does not show).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Writes `s` from (x, y) in at most `max` columns; returns the column after it.
pub fn string(buf: &mut Buffer, x: u16, y: u16, s: &str, max: u16, style: Style) -> u16 {
    put(buf, x, y, s, max, style).0
}

/// [`string`], also saying whether all of `s` fit.
fn put(buf: &mut Buffer, x: u16, y: u16, s: &str, max: u16, style: Style) -> (u16, bool) {
    let room = buf.area.right().saturating_sub(x).min(max);
    if !buf.area.contains((x, y).into()) || room == 0 {
        return (x, s.is_empty());
    }
    if !s.chars().all(narrow) {
        let end = buf.set_stringn(x, y, s, usize::from(room), style).0;
        return (end, usize::from(end - x) >= super::text::width(s));
    }
    let start = buf.index_of(x, y);
    let mut chars = s.chars();
    let mut n = 0;
    // The cells first: once they run out, no character is taken that would not fit.
    for (cell, c) in buf.content[start..start + usize::from(room)]
        .iter_mut()
        .zip(&mut chars)
    {
        cell.set_char(c).set_style(style);
        n += 1;
    }
    (x + n, chars.next().is_none())
}

/// Characters that are a grapheme and a cell each whatever surrounds them: printable ASCII,
/// and the symbols the dashboard draws with (arrows, box drawing, blocks, and a few more).
pub fn narrow(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{2190}'..='\u{21ff}' | '\u{2500}'..='\u{259f}')
        || "·×•…‼✕●▶".contains(c)
}

/// Writes a line's spans from (x, y) in at most `max` columns, each in the line's style
/// patched with its own, as [`Buffer::set_line`] does; but, as in a paragraph, the line ends
/// where a span is cut (a narrow character never follows a wide one that did not fit).
/// Returns the column after it.
pub fn line(buf: &mut Buffer, x: u16, y: u16, line: &Line, max: u16) -> u16 {
    let end = x.saturating_add(max);
    let mut at = x;
    for span in line {
        if at >= end {
            break;
        }
        let style = line.style.patch(span.style);
        let (after, whole) = put(buf, at, y, &span.content, end - at, style);
        if !whole {
            return after;
        }
        at = after;
    }
    at
}

/// Lines one to a row from the top of the area, each cut at its right edge, over a base
/// style: a [`ratatui::widgets::Paragraph`] without wrapping or alignment.
pub struct Lines<'a> {
    lines: &'a [Line<'a>],
    style: Style,
}

impl<'a> Lines<'a> {
    pub fn new(lines: &'a [Line<'a>]) -> Self {
        Self {
            lines,
            style: Style::default(),
        }
    }

    pub fn style(self, style: Style) -> Self {
        Self { style, ..self }
    }
}

impl Widget for Lines<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        // Patching with no style changes nothing: spare the pass over every cell.
        if self.style != Style::default() {
            buf.set_style(area, self.style);
        }
        for (y, l) in (area.top()..area.bottom()).zip(self.lines) {
            line(buf, area.x, y, l, area.width);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;
    use ratatui::widgets::Paragraph;

    /// Whatever the text, the cells are those ratatui's paragraph would have drawn.
    #[test]
    fn rows_draw_what_a_paragraph_draws() {
        let lines = vec![
            Line::from(vec![
                Span::styled("p99 120 ms", Style::new().fg(Color::Red)),
                Span::raw("  SLO ok"),
            ])
            .style(Style::new().add_modifier(Modifier::BOLD)),
            Line::raw("✕ down, ↻ retries, … cut at the edge of the pane here"),
            Line::raw("tab\there, a bell\u{7} and é (e + accent: e\u{301})"),
            Line::raw(""),
            Line::raw("a line below the area"),
        ];
        for width in [0, 1, 7, 13, 30, 80] {
            let area = Rect::new(2, 1, width, 4);
            let mut want = Buffer::empty(Rect::new(0, 0, 90, 6));
            let mut got = want.clone();
            let base = Style::new().bg(Color::Blue);
            Paragraph::new(lines.clone())
                .style(base)
                .render(area, &mut want);
            Lines::new(&lines).style(base).render(area, &mut got);
            assert_eq!(got, want, "width {width}");
        }
        // A wide glyph that does not fit ends the line, as it does a paragraph's.
        let cut = [Line::from(vec![Span::raw("ab漢"), Span::raw("c")])];
        let area = Rect::new(0, 0, 3, 1);
        let mut want = Buffer::empty(area);
        let mut got = want.clone();
        Paragraph::new(cut.to_vec()).render(area, &mut want);
        Lines::new(&cut).render(area, &mut got);
        assert_eq!(got, want);
        // A wide glyph: the same text; the cell it hides is reset, not left as it was.
        let wide = [Line::raw("a 漢字 b")];
        let area = Rect::new(0, 0, 6, 1);
        let mut want = Buffer::empty(area);
        let mut got = want.clone();
        Paragraph::new(wide.to_vec()).render(area, &mut want);
        Lines::new(&wide).render(area, &mut got);
        let symbols = |b: &Buffer| {
            b.content
                .iter()
                .map(|c| c.symbol().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(symbols(&got), symbols(&want));
    }

    /// Each symbol the fast path writes alone in a cell is one there for ratatui too, even
    /// next to another such symbol or a letter.
    #[test]
    fn narrow_symbols_are_one_cell_each_for_ratatui() {
        let symbols = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| narrow(c));
        for c in symbols {
            let s = format!("{c}{c}a{c}");
            let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
            buf.set_stringn(0, 0, &s, 6, Style::new());
            let cells: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
            let one = c.to_string();
            assert_eq!(cells, [&*one, &one, "a", &one, " ", " "], "{c:?}");
        }
    }

    #[test]
    fn a_string_stops_at_the_buffer_and_at_its_room() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 1));
        assert_eq!(string(&mut buf, 3, 0, "abc", 9, Style::new()), 5);
        assert_eq!(string(&mut buf, 0, 0, "xyz", 2, Style::new()), 2);
        assert_eq!(string(&mut buf, 0, 3, "off the buffer", 9, Style::new()), 0);
        assert_eq!(buf, Buffer::with_lines(["xy ab"]));
    }
}
