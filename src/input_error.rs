//! Errors in files and command lines written by people: they name the file, the line and the
//! column, say what is wrong, and show the line. Every loader in the crate reports through here.

use std::fmt;
use std::ops::Range;

/// Where an input error sits: a line and column (both 1-based) and the text of that line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub source_line: String,
    /// How many characters of the line the caret underlines (at least one).
    pub width: usize,
}

impl Location {
    /// Finds the line and column of a byte span in `source`.
    pub fn of_span(source: &str, span: Range<usize>) -> Self {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let column = source[line_start..start].chars().count() + 1;
        let width = source[start..end.min(line_end)].chars().count().max(1);
        Self {
            line,
            column,
            source_line: source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            width,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A problem with something a person wrote: a preset, a drill, a recording or a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file (or `--inject`, `command line`) the input came from.
    pub origin: String,
    pub location: Option<Location>,
    pub message: String,
}

impl InputError {
    pub fn new(origin: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            location: None,
            message: message.into(),
        }
    }

    /// An error at a byte span of `source`.
    pub fn at(
        origin: impl Into<String>,
        source: &str,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            origin: origin.into(),
            location: Some(Location::of_span(source, span)),
            message: message.into(),
        }
    }

    /// Turns a TOML parse or type error into one that names the file.
    pub fn from_toml(origin: &str, source: &str, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_string();
        match err.span() {
            Some(span) => Self::at(origin, source, span, message),
            None => Self::new(origin, message),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(loc) = &self.location else {
            return write!(f, "{}: {}", self.origin, self.message);
        };
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.origin, loc.line, loc.column, self.message
        )?;
        let gutter = loc.line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", loc.line, loc.source_line)?;
        write!(
            f,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(loc.column - 1),
            "^".repeat(loc.width)
        )
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_turn_into_lines_and_columns() {
        let src = "a = 1\nbb = nan\n";
        let at = src.find("nan").unwrap();
        let loc = Location::of_span(src, at..at + 3);
        assert_eq!((loc.line, loc.column, loc.width), (2, 6, 3));
        assert_eq!(loc.source_line, "bb = nan");
    }

    #[test]
    fn display_names_file_line_and_column_and_underlines() {
        let src = "x = 1\ny = oops\n";
        let at = src.find("oops").unwrap();
        let err = InputError::at("p.toml", src, at..at + 4, "bad value");
        let text = err.to_string();
        assert!(text.starts_with("p.toml:2:5: bad value"), "{text}");
        assert!(text.contains("2 | y = oops"), "{text}");
        assert!(text.ends_with("|     ^^^^"), "{text}");
    }

    #[test]
    fn spans_past_the_end_or_inside_a_character_do_not_panic() {
        let src = "ü = 1";
        let loc = Location::of_span(src, 1..99);
        assert_eq!(loc.line, 1);
        let loc = Location::of_span("", 0..0);
        assert_eq!((loc.line, loc.column), (1, 1));
    }
}
