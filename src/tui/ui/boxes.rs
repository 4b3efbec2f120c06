//! Frames drawn line by line: a pane's rounded border with its title on the top edge, and the
//! plain or thick outline of a box on the graph — what a bordered `Block` draws, without the
//! pass a block makes over every cell of its area to apply its style. With dozens of boxes
//! and four panes a frame, that pass was a fifth of drawing one.

use super::print;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// A pane: rounded lines in one style, a title on the top edge in its own.
pub struct Pane<'a> {
    title: Line<'a>,
    border: Style,
}

impl<'a> Pane<'a> {
    pub fn new(title: Line<'a>, border: Style) -> Self {
        Self { title, border }
    }

    pub fn border_style(self, border: Style) -> Self {
        Self { border, ..self }
    }

    /// The area inside the border, as `Block::inner` gives it.
    pub fn inner(&self, area: Rect) -> Rect {
        Rect {
            x: area.x.saturating_add(1).min(area.right()),
            y: area.y.saturating_add(1).min(area.bottom()),
            width: area.width.saturating_sub(2),
            height: area.height.saturating_sub(2),
        }
    }
}

impl Widget for Pane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        outline(buf, area, &border::ROUNDED, self.border);
        // A block's title: the line's style across the title's width, then its spans.
        let room = area.width.saturating_sub(2);
        let width = u16::try_from(self.title.width())
            .unwrap_or(u16::MAX)
            .min(room);
        if width > 0 && area.height > 0 {
            let title_area = Rect::new(area.x + 1, area.y, width, 1);
            buf.set_style(title_area, self.title.style);
            print::line(buf, area.x + 1, area.y, &self.title, room);
        }
    }
}

/// A rectangle's border in this set of lines and style, as `Block::bordered()` draws it. A
/// rectangle smaller than 2×2 has no border and draws nothing.
pub fn outline(buf: &mut Buffer, r: Rect, set: &border::Set, style: Style) {
    if r.width < 2 || r.height < 2 {
        return;
    }
    let (right, bottom) = (r.right() - 1, r.bottom() - 1);
    let mut put = |x: u16, y: u16, symbol: &str| {
        buf[(x, y)].set_symbol(symbol).set_style(style);
    };
    for x in r.x + 1..right {
        put(x, r.y, set.horizontal_top);
        put(x, bottom, set.horizontal_bottom);
    }
    for y in r.y + 1..bottom {
        put(r.x, y, set.vertical_left);
        put(right, y, set.vertical_right);
    }
    put(r.x, r.y, set.top_left);
    put(right, r.y, set.top_right);
    put(r.x, bottom, set.bottom_left);
    put(right, bottom, set.bottom_right);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;
    use ratatui::widgets::{Block, BorderType};

    #[test]
    fn an_outline_is_what_a_bordered_block_draws() {
        for (set, kind) in [
            (border::PLAIN, BorderType::Plain),
            (border::THICK, BorderType::Thick),
            (border::ROUNDED, BorderType::Rounded),
        ] {
            for (w, h) in [(2, 2), (3, 3), (13, 3), (19, 5)] {
                let r = Rect::new(1, 2, w, h);
                let mut want = Buffer::empty(Rect::new(0, 0, 22, 8));
                let mut got = want.clone();
                let style = Style::new().fg(Color::Red);
                Block::bordered()
                    .border_type(kind)
                    .border_style(style)
                    .render(r, &mut want);
                outline(&mut got, r, &set, style);
                assert_eq!(got, want, "{kind:?} {w}×{h}");
            }
        }
    }

    /// The same cells, text and styles, as a rounded block with the title, however narrow.
    #[test]
    fn a_pane_is_what_a_titled_block_draws() {
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled("web", Style::new().fg(Color::Cyan)),
            Span::raw(" · events (3) "),
        ])
        .style(Style::new().add_modifier(Modifier::BOLD));
        let border = Style::new().fg(Color::DarkGray);
        for (w, h) in [(2, 2), (5, 3), (12, 4), (40, 6)] {
            let area = Rect::new(1, 1, w, h);
            let mut want = Buffer::empty(Rect::new(0, 0, 44, 8));
            let mut got = want.clone();
            let block = Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(border)
                .title(title.clone());
            assert_eq!(
                Pane::new(title.clone(), border).inner(area),
                block.inner(area)
            );
            block.render(area, &mut want);
            Pane::new(title.clone(), border).render(area, &mut got);
            assert_eq!(got, want, "{w}×{h}");
        }
    }
}
