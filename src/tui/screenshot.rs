//! The screenshot key: the frame on screen saved as plain text (for a post-mortem or a chat)
//! and as SVG (for slides: colours, bold and struck-through kept, any size).

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Pixels of one cell in the SVG, for a 14 px monospace font.
const CELL_W: f64 = 8.4;
const CELL_H: f64 = 18.0;
const FONT_PX: f64 = 14.0;
/// The terminal's own colours, where a cell keeps the default.
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#101014";

/// The frame as text: one line per row, trailing spaces dropped.
pub fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        for x in visible(buf, y) {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The columns of row `y` that show a symbol: those under the right half of a wide
/// character are left out.
fn visible(buf: &Buffer, y: u16) -> Vec<u16> {
    let area = buf.area;
    let mut out = Vec::new();
    let mut hidden = 0;
    for x in area.left()..area.right() {
        if hidden > 0 {
            hidden -= 1;
            continue;
        }
        out.push(x);
        hidden = super::ui::text::width(buf[(x, y)].symbol()).saturating_sub(1);
    }
    out
}

/// A colour as SVG writes it; `None` for the terminal's default.
fn hex(c: Color) -> Option<String> {
    const NAMED: [&str; 16] = [
        "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
        "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
    ];
    let indexed = |i: u8| -> String {
        match i {
            0..=15 => NAMED[usize::from(i)].to_string(),
            16..=231 => {
                let i = i - 16;
                let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
                format!(
                    "#{:02x}{:02x}{:02x}",
                    level(i / 36),
                    level(i / 6 % 6),
                    level(i % 6)
                )
            }
            _ => {
                let v = 8 + (i - 232) * 10;
                format!("#{v:02x}{v:02x}{v:02x}")
            }
        }
    };
    Some(match c {
        Color::Reset => return None,
        Color::Black => indexed(0),
        Color::Red => indexed(1),
        Color::Green => indexed(2),
        Color::Yellow => indexed(3),
        Color::Blue => indexed(4),
        Color::Magenta => indexed(5),
        Color::Cyan => indexed(6),
        Color::Gray => indexed(7),
        Color::DarkGray => indexed(8),
        Color::LightRed => indexed(9),
        Color::LightGreen => indexed(10),
        Color::LightYellow => indexed(11),
        Color::LightBlue => indexed(12),
        Color::LightMagenta => indexed(13),
        Color::LightCyan => indexed(14),
        Color::White => indexed(15),
        Color::Indexed(i) => indexed(i),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// How a cell is painted: foreground, background and the modifiers SVG can show.
#[derive(Clone, PartialEq)]
struct Look {
    fg: String,
    bg: Option<String>,
    bold: bool,
    dim: bool,
    italic: bool,
    underline: bool,
    crossed: bool,
}

fn look(cell: &ratatui::buffer::Cell) -> Look {
    let m = cell.modifier;
    let (mut fg, mut bg) = (hex(cell.fg), hex(cell.bg));
    if m.contains(Modifier::REVERSED) {
        let fg_now = fg.take().unwrap_or_else(|| DEFAULT_FG.to_string());
        fg = Some(bg.take().unwrap_or_else(|| DEFAULT_BG.to_string()));
        bg = Some(fg_now);
    }
    Look {
        fg: fg.unwrap_or_else(|| DEFAULT_FG.to_string()),
        bg,
        bold: m.contains(Modifier::BOLD),
        dim: m.contains(Modifier::DIM),
        italic: m.contains(Modifier::ITALIC),
        underline: m.contains(Modifier::UNDERLINED),
        crossed: m.contains(Modifier::CROSSED_OUT),
    }
}

/// The frame as an SVG picture: a dark terminal, each run of cells of one look as a text
/// stretched to exactly its cells, so columns line up whatever monospace font draws it.
pub fn svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (
        f64::from(area.width) * CELL_W,
        f64::from(area.height) * CELL_H,
    );
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
         viewBox=\"0 0 {w:.1} {h:.1}\" font-family=\"ui-monospace, 'DejaVu Sans Mono', Menlo, \
         Consolas, monospace\" font-size=\"{FONT_PX}\">"
    );
    let _ = writeln!(
        out,
        "<rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>"
    );
    for y in area.top()..area.bottom() {
        let row = f64::from(y - area.top());
        let cells: Vec<(u16, Look, &str)> = visible(buf, y)
            .into_iter()
            .map(|x| (x - area.left(), look(&buf[(x, y)]), buf[(x, y)].symbol()))
            .collect();
        let mut i = 0;
        while i < cells.len() {
            let (x0, ref l, _) = cells[i];
            let mut j = i;
            let mut text = String::new();
            while j < cells.len() && cells[j].1 == *l {
                text.push_str(cells[j].2);
                j += 1;
            }
            let n = if j < cells.len() {
                cells[j].0 - x0
            } else {
                area.width - x0
            };
            let (x, width) = (f64::from(x0) * CELL_W, f64::from(n) * CELL_W);
            if let Some(bg) = &l.bg {
                let _ = writeln!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{CELL_H}\" fill=\"{bg}\"/>",
                    row * CELL_H
                );
            }
            if !text.trim().is_empty() {
                let mut attrs = format!("fill=\"{}\"", l.fg);
                if l.bold {
                    attrs.push_str(" font-weight=\"bold\"");
                }
                if l.dim {
                    attrs.push_str(" opacity=\"0.6\"");
                }
                if l.italic {
                    attrs.push_str(" font-style=\"italic\"");
                }
                match (l.underline, l.crossed) {
                    (true, true) => attrs.push_str(" text-decoration=\"underline line-through\""),
                    (true, false) => attrs.push_str(" text-decoration=\"underline\""),
                    (false, true) => attrs.push_str(" text-decoration=\"line-through\""),
                    _ => {}
                }
                let _ = writeln!(
                    out,
                    "<text x=\"{x:.1}\" y=\"{:.1}\" textLength=\"{width:.1}\" \
                     lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\" {attrs}>{}</text>",
                    row * CELL_H + CELL_H * 0.75,
                    escape(&text)
                );
            }
            i = j;
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Saves the frame as `archtui-N.txt` and `archtui-N.svg` in `dir`, N the first number that
/// names neither file yet; returns the two paths.
pub fn save(buf: &Buffer, dir: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    let (txt, svg_path) = (1..)
        .map(|n| {
            (
                dir.join(format!("archtui-{n}.txt")),
                dir.join(format!("archtui-{n}.svg")),
            )
        })
        .find(|(t, s)| !t.exists() && !s.exists())
        .expect("a free number");
    let write = |path: &Path, body: String| {
        std::fs::write(path, body).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot save the screenshot to {}: {e}", path.display()),
            )
        })
    };
    write(&txt, text(buf))?;
    write(&svg_path, svg(buf))?;
    Ok((txt, svg_path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn text_and_svg_keep_what_the_frame_shows() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
        buf.set_string(0, 0, "SLO <ok> ", Style::new().green().bold());
        buf.set_string(0, 1, "down", Style::new().red().crossed_out());
        assert_eq!(text(&buf), "SLO <ok>\ndown\n");
        let s = svg(&buf);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>\n"), "{s}");
        assert!(s.contains(">SLO &lt;ok&gt; </text>"), "{s}");
        assert!(s.contains("fill=\"#0dbc79\" font-weight=\"bold\""), "{s}");
        assert!(
            s.contains("text-decoration=\"line-through\">down</text>"),
            "{s}"
        );
        assert!(s.contains("width=\"101\" height=\"36\""), "{s}");
    }
}
