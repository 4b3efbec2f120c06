//! Text that fits: lines wrapped at spaces, bars that drop whole parts, and an ellipsis
//! wherever something must still be cut. Nothing on screen ends mid-word without one.

use ratatui::text::{Line, Span};

/// The ellipsis that marks text cut short.
pub const ELLIPSIS: &str = "…";

/// Display width of a string, as ratatui counts it (a character a cell when each is).
pub fn width(s: &str) -> usize {
    if s.chars().all(super::print::narrow) {
        return s.chars().count();
    }
    Line::raw(s).width()
}

/// Text for a single line: line breaks and tabs become spaces (a message with a cause on a
/// line of its own still reads as one).
pub fn one_line(s: &str) -> String {
    s.replace(['\n', '\r', '\t'], " ")
}

/// `s` in at most `max` columns: whole if it fits, else cut at the last space that leaves
/// room for an ellipsis (or mid-word, with the ellipsis, when a single word is too long).
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + width(&c.to_string()) + 1 > max {
            break;
        }
        out.push(c);
    }
    // Prefer a word boundary when it does not throw away most of the room.
    if let Some(space) = out.rfind(' ')
        && width(&out[..space]) * 2 >= max
    {
        out.truncate(space);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push_str(ELLIPSIS);
    out
}

/// Breaks text into lines of at most `width` columns at spaces; a word longer than a line is
/// split across lines (never cut).
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let (lw, ww) = (width(&line), width(word));
        if line.is_empty() && ww <= max {
            line.push_str(word);
        } else if !line.is_empty() && lw + 1 + ww <= max {
            line.push(' ');
            line.push_str(word);
        } else if ww <= max {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            // A word wider than a whole line: split over lines, the last piece goes on.
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if width(&line) + width(&c.to_string()) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Wraps with a first line of `first` columns and the rest of `rest` (a hanging indent).
pub fn wrap_hanging(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = wrap(text, first);
    if lines.len() > 1 {
        let tail = lines.split_off(1).join(" ");
        lines.extend(wrap(&tail, rest));
    }
    lines
}

/// A part of a bar: its spans, and how much it matters (higher stays longer).
pub struct Part<'a> {
    pub spans: Vec<Span<'a>>,
    pub keep: u8,
}

impl<'a> Part<'a> {
    pub fn new(keep: u8, spans: Vec<Span<'a>>) -> Self {
        Self { spans, keep }
    }

    fn width(&self) -> usize {
        self.spans.iter().map(Span::width).sum()
    }
}

/// Drops the least important parts (the later of equals first) until the rest fit `max`
/// columns, and joins what is left in order. Parts are never cut.
pub fn fit_parts(mut parts: Vec<Part<'_>>, max: usize) -> Line<'_> {
    while parts.iter().map(Part::width).sum::<usize>() > max && !parts.is_empty() {
        let least = parts.iter().map(|p| p.keep).min().unwrap_or(0);
        let i = parts.iter().rposition(|p| p.keep == least).unwrap_or(0);
        parts.remove(i);
    }
    Line::from(parts.into_iter().flat_map(|p| p.spans).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_at_a_word_with_an_ellipsis() {
        assert_eq!(fit("kill AZ", 20), "kill AZ");
        assert_eq!(fit("launching 6 in seoul/a", 14), "launching 6…");
        assert_eq!(fit("abcdefghij", 5), "abcd…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn one_line_keeps_words_apart() {
        assert_eq!(
            one_line("bad file\ncaused by: x\tat 3"),
            "bad file caused by: x at 3"
        );
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_only_overlong_words() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a abcdefgh", 4), ["a", "abcd", "efgh"]);
        for line in wrap("the quick brown fox jumps over the lazy dog", 9) {
            assert!(width(&line) <= 9, "{line}");
        }
    }

    #[test]
    fn parts_drop_whole_from_the_least_important() {
        let parts = vec![
            Part::new(3, vec![Span::raw("SLO ok")]),
            Part::new(1, vec![Span::raw(" seed 1")]),
            Part::new(2, vec![Span::raw(" p99 3 ms")]),
        ];
        assert_eq!(fit_parts(parts, 15).to_string(), "SLO ok p99 3 ms");
    }
}
