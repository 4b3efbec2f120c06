//! Text from input files is echoed in errors and reports; control characters in it (escape
//! sequences that retitle a window or clear the screen, bidi overrides that reorder a line)
//! are shown as `\u{..}` escapes instead of being sent to the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters never sent raw: C0/C1 controls, DEL, and the invisible bidi and width controls.
fn hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escape_if(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of text: every control character (newlines and tabs too) escaped.
pub fn line(text: &str) -> Cow<'_, str> {
    escape_if(text, hostile)
}

/// Several lines of text: newlines and tabs kept, every other control character escaped.
pub fn text(text: &str) -> Cow<'_, str> {
    escape_if(text, |c| hostile(c) && c != '\n' && c != '\t')
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_sequences_and_bidi_overrides_are_shown_not_sent() {
        assert_eq!(super::line("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(super::line("x\u{202e}y\nz"), "x\\u{202e}y\\u{a}z");
        assert_eq!(super::text("t\u{9b}2J\n\tok"), "t\\u{9b}2J\n\tok");
        assert!(matches!(
            super::line("plain ü"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
