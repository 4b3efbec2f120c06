//! Errors in files and command lines written by people: they name the file, the line and the
//! column, say what is wrong, and show the line. Every loader in the crate reports through here.

use crate::escape;
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
    /// Whether messages may show the line. Lines of a file that is not TOML text (a binary,
    /// `/etc/shadow`, an `.env` named by mistake) are never shown: they may hold secrets.
    pub quoted: bool,
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
            quoted: true,
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

    /// The same error without the line's text (see [`Location::quoted`]).
    pub fn unquoted(mut self) -> Self {
        if let Some(loc) = &mut self.location {
            loc.source_line.clear();
            loc.quoted = false;
        }
        self
    }

    /// Turns a TOML parse or type error into one that names the file.
    pub fn from_toml(origin: &str, source: &str, err: &toml::de::Error) -> Self {
        let message = plain_toml(err.message().trim());
        match err.span() {
            Some(span) => Self::at(origin, source, span, message),
            None => Self::new(origin, message),
        }
    }
}

/// A TOML reader's message in the file's terms: an integer beyond TOML's 64 bits is "too
/// large", not "invalid type: integer `N` as i128" (how the reader holds it on the way).
fn plain_toml(message: &str) -> String {
    if let Some((number, _)) = message
        .strip_prefix("invalid type: integer `")
        .and_then(|rest| rest.split_once("` as i128"))
    {
        return format!("`{number}` is too large for a TOML integer (at most 9223372036854775807)");
    }
    // Rust's names for numbers, in words ("expected u64" means a whole number ≥ 0).
    const TYPES: [(&str, &str); 7] = [
        ("expected u8", "expected a whole number ≥ 0"),
        ("expected u16", "expected a whole number ≥ 0"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected usize", "expected a whole number ≥ 0"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
    ];
    TYPES
        .iter()
        .find_map(|(rust, words)| {
            message
                .strip_suffix(rust)
                .map(|start| format!("{start}{words}"))
        })
        .unwrap_or_else(|| message.to_string())
}

/// Characters of a long line shown before the fault, and from the fault on.
const CONTEXT: usize = 40;
const SHOWN: usize = 80;

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names, ids and lines come from files: escaped, so they cannot drive the terminal.
        let (origin, message) = (escape::line(&self.origin), escape::line(&self.message));
        let Some(loc) = &self.location else {
            return write!(f, "{origin}: {message}");
        };
        write!(f, "{origin}:{}:{}: {message}", loc.line, loc.column)?;
        if !loc.quoted {
            return Ok(());
        }
        // A long line is shown as a window around the fault, with `…` where it is cut.
        let chars: Vec<char> = loc.source_line.chars().collect();
        let split = (loc.column - 1).min(chars.len());
        let start = split.saturating_sub(CONTEXT);
        let end = chars.len().min(split + SHOWN);
        let under_end = (split + loc.width).min(end);
        let text = |range: Range<usize>| -> String { chars[range].iter().collect() };
        let (cut_left, cut_right) = (
            if start > 0 { "…" } else { "" },
            if end < chars.len() { "…" } else { "" },
        );
        // The caret moves with the escapes before it and widens with those under it.
        let before = format!("{cut_left}{}", escape::line(&text(start..split)));
        let under = escape::line(&text(split..under_end)).into_owned();
        let after = escape::line(&text(under_end..end)).into_owned();
        let indent = before.chars().count();
        let width = under.chars().count().max(1);
        let gutter = loc.line.to_string().len();
        writeln!(f)?;
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {before}{under}{after}{cut_right}", loc.line)?;
        write!(
            f,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(indent),
            "^".repeat(width)
        )
    }
}

impl std::error::Error for InputError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_readers_messages_are_in_words() {
        assert_eq!(
            plain_toml("invalid type: string \"x\", expected u64"),
            "invalid type: string \"x\", expected a whole number ≥ 0"
        );
        assert_eq!(
            plain_toml("invalid type: floating point `1e9`, expected i64"),
            "invalid type: floating point `1e9`, expected a whole number"
        );
        assert_eq!(
            plain_toml("invalid type: integer `99999999999999999999` as i128, expected f64"),
            "`99999999999999999999` is too large for a TOML integer (at most 9223372036854775807)"
        );
        assert_eq!(plain_toml("unknown field `x`"), "unknown field `x`");
    }

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

    #[test]
    fn control_characters_are_escaped_and_the_caret_follows() {
        let src = "id = \"\x1b[2J\"\nto = [\"x\"]";
        let at = src.find('[').unwrap();
        let err = InputError::at("p\x07.toml", src, at - 1..at + 1, "bad \x1b id");
        let text = err.to_string();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(text.contains("1 | id = \"\\u{1b}[2J\""), "{text}");
        assert!(text.ends_with("|       ^^^^^^^"), "{text}");
    }

    #[test]
    fn long_lines_are_cut_around_the_fault() {
        let src = format!("to = [\"{}\", \"oops\"]", "x".repeat(10_000));
        let at = src.find("oops").unwrap();
        let text = InputError::at("p.toml", &src, at..at + 4, "bad").to_string();
        assert!(text.len() < 400, "{text}");
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines[3].chars().position(|c| c == '^').unwrap();
        let marked: String = lines[2].chars().skip(caret).take(4).collect();
        assert_eq!(marked, "oops", "{text}");
        assert!(
            lines[2].contains("| …xxx") && lines[2].ends_with("oops\"]"),
            "{text}"
        );
    }

    #[test]
    fn unquoted_errors_keep_the_place_but_not_the_line() {
        let err = InputError::at("x.env", "SECRET=1", 0..6, "not TOML").unquoted();
        assert_eq!(err.to_string(), "x.env:1:1: not TOML");
    }
}
