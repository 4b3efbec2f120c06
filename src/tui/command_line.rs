//! The `:` command line: any action of the shared grammar, with completion from what the
//! current architecture has.

use crate::action::Action;
use crate::arch::{Architecture, Kind};

/// How many suggestions show under the prompt.
pub const SHOWN: usize = 6;

#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    pub input: String,
    /// Where the cursor stands, in characters from the start of the input.
    pub cursor: usize,
    /// Every complete command this architecture accepts (for completion).
    candidates: Vec<String>,
    /// While browsing the history with ↑↓: how far back (1 is the last command), and what
    /// was typed before browsing began.
    browsing: Option<(usize, String)>,
}

impl CommandLine {
    pub fn new(arch: &Architecture) -> Self {
        Self::with_candidates(candidates(arch))
    }

    /// A line that completes from these candidates (the event filter's kinds).
    pub fn with_candidates(candidates: Vec<String>) -> Self {
        Self {
            candidates,
            ..Self::default()
        }
    }

    /// A line that starts with `text`, the cursor at its end.
    pub fn starting_with(mut self, text: &str) -> Self {
        self.set(text.to_string());
        self
    }

    fn set(&mut self, text: String) {
        self.cursor = text.chars().count();
        self.input = text;
    }

    fn byte(&self, char_index: usize) -> usize {
        self.input
            .char_indices()
            .nth(char_index)
            .map_or(self.input.len(), |(i, _)| i)
    }

    /// Types a character where the cursor is; one that only joins or restyles the character
    /// before it is left out (see [`joins`]).
    pub fn push(&mut self, c: char) {
        if joins(c) {
            return;
        }
        let at = self.byte(self.cursor);
        self.input.insert(at, c);
        self.cursor += 1;
        self.browsing = None;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte(self.cursor);
            self.input.remove(at);
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.input.chars().count() {
            let at = self.byte(self.cursor);
            self.input.remove(at);
        }
    }

    /// Ctrl-U: deletes everything before the cursor.
    pub fn delete_to_start(&mut self) {
        let at = self.byte(self.cursor);
        self.input.replace_range(..at, "");
        self.cursor = 0;
    }

    /// Ctrl-W: deletes the word before the cursor (and the separators after it): `kill-az:`
    /// then `kill-`, as words are separated by `:` and `-` here as well as by spaces.
    pub fn delete_word(&mut self) {
        let before: Vec<char> = self.input.chars().take(self.cursor).collect();
        let separator = |c: &char| matches!(c, ' ' | ':' | '-');
        let mut keep = before.len();
        while keep > 0 && separator(&before[keep - 1]) {
            keep -= 1;
        }
        while keep > 0 && !separator(&before[keep - 1]) {
            keep -= 1;
        }
        let (from, to) = (self.byte(keep), self.byte(self.cursor));
        self.input.replace_range(from..to, "");
        self.cursor = keep;
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.input.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.input.chars().count();
    }

    /// The input split at the cursor: before it, and from it on.
    pub fn split(&self) -> (&str, &str) {
        self.input.split_at(self.byte(self.cursor))
    }

    /// ↑ (`back`) or ↓ through `history` (oldest first): the line shows an earlier command,
    /// and ↓ past the newest brings back what was being typed.
    pub fn browse(&mut self, history: &[String], back: bool) {
        let (depth, typed) = self
            .browsing
            .take()
            .unwrap_or_else(|| (0, self.input.clone()));
        let depth = if back {
            (depth + 1).min(history.len())
        } else {
            depth.saturating_sub(1)
        };
        if depth == 0 {
            self.set(typed);
            return;
        }
        self.set(history[history.len() - depth].clone());
        self.browsing = Some((depth, typed));
    }

    /// Candidates that start with what is typed.
    pub fn suggestions(&self) -> impl Iterator<Item = &str> {
        let typed = self.input.trim().to_lowercase();
        self.candidates
            .iter()
            .map(String::as_str)
            .filter(move |c| c.starts_with(&typed))
    }

    /// The suggestions as the popup lists them: candidates that go on past their next `:`
    /// are one entry each per such prefix, with how many they stand for — `kill-` lists
    /// `kill-az:` (6), `kill-region:` (2), … rather than the first six of forty.
    pub fn suggestion_groups(&self) -> Vec<(String, usize)> {
        let typed = self.input.trim().to_lowercase().chars().count();
        let mut groups: Vec<(String, usize)> = Vec::new();
        for c in self.suggestions() {
            let head: String = match c.char_indices().skip(typed).find(|&(_, ch)| ch == ':') {
                Some((i, _)) if i + 1 < c.len() => c[..=i].to_string(),
                _ => c.to_string(),
            };
            match groups.iter_mut().find(|(h, _)| *h == head) {
                Some((_, n)) => *n += 1,
                None => groups.push((head, 1)),
            }
        }
        groups
    }

    /// Tab: extends the input to what every matching candidate shares.
    pub fn complete(&mut self) {
        let mut matches = self.suggestions();
        let Some(first) = matches.next() else { return };
        let mut common = first.to_string();
        for m in matches {
            let shared = common
                .chars()
                .zip(m.chars())
                .take_while(|(a, b)| a == b)
                .count();
            common.truncate(
                common
                    .char_indices()
                    .nth(shared)
                    .map_or(common.len(), |(i, _)| i),
            );
        }
        if common.len() > self.input.trim().len() {
            self.set(common);
        }
    }

    /// Enter: the action typed, checked against the architecture (case does not matter).
    pub fn submit(&self, arch: &Architecture) -> Result<Action, String> {
        Action::parse_checked(&self.input, arch)
    }
}

/// Every command worth suggesting for this architecture.
fn candidates(arch: &Architecture) -> Vec<String> {
    let mut out = Vec::new();
    let azs: Vec<String> = arch
        .all_azs()
        .map(|az| {
            if az.region == 0 {
                arch.regions[0].azs[az.az].clone()
            } else {
                arch.az_name(az)
            }
        })
        .collect();
    for verb in ["kill-az", "restore-az"] {
        out.extend(azs.iter().map(|az| format!("{verb}:{az}")));
    }
    for verb in ["kill-region", "restore-region"] {
        out.extend(arch.regions.iter().map(|r| format!("{verb}:{}", r.id)));
    }
    out.extend(
        [
            "spike:2x:10m",
            "spike:3x:10m",
            "spike:5x:10m",
            "spike:10x:5m",
        ]
        .map(String::from),
    );
    let ids = |pred: &dyn Fn(&Kind) -> bool| -> Vec<String> {
        arch.nodes()
            .filter(|(_, c)| pred(&c.kind))
            .map(|(_, c)| c.id.clone())
            .collect()
    };
    let caches = ids(&|k| matches!(k, Kind::Cache(_)));
    if !caches.is_empty() {
        out.push("drop-cache".into());
        out.extend(caches.iter().map(|c| format!("drop-cache:{c}")));
    }
    let writers = ids(&|k| matches!(k, Kind::Database(_)));
    if !writers.is_empty() {
        out.push("kill-db-primary".into());
        out.extend(writers.iter().map(|d| format!("kill-db-primary:{d}")));
    }
    let groups: Vec<String> = arch.groups().map(|(_, g)| g.to_string()).collect();
    out.extend(groups.iter().map(|g| format!("kill-instance:{g}")));
    // Each group's AZs only: the check keeps those the group has a part in.
    let checked = |text: String| {
        Action::parse(&text)
            .is_ok_and(|a| a.check(arch).is_ok())
            .then_some(text)
    };
    for g in &groups {
        out.extend(
            azs.iter()
                .filter_map(|az| checked(format!("kill-instances:{g}:{az}"))),
        );
    }
    out.extend(
        groups
            .iter()
            .filter_map(|g| checked(format!("degrade-instance:{g}:8x:10m"))),
    );
    let all = ids(&|_| true);
    out.extend(all.iter().map(|c| format!("kill-component:{c}:10m")));
    out.extend(all.iter().map(|c| format!("add-latency:{c}:200:5m")));
    out.extend(
        writers
            .iter()
            .filter_map(|db| checked(format!("hot-shard:{db}:4x:10m"))),
    );
    let pools = ids(&|k| matches!(k, Kind::Pool(_)));
    for caller in std::iter::once("users".to_string()).chain(pools) {
        out.extend(
            crate::retry_policy::RetryPolicy::NAMED
                .iter()
                .filter_map(|(policy, _, _)| checked(format!("set-retry:{caller}:{policy}"))),
        );
    }
    out.push("restore-all".into());
    out
}

/// Zero-width characters (joiners, variation selectors, combining marks) and emoji skin-tone
/// modifiers: terminals disagree on how wide the sequences they make are, so a line holding
/// one can be drawn out of step with the screen, leaving stray characters; and the cursor
/// moves a character at a time, so it would split them. No command or event contains one.
fn joins(c: char) -> bool {
    ('\u{1f3fb}'..='\u{1f3ff}').contains(&c) || ratatui::text::Span::raw(c.to_string()).width() == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joiners_and_skin_tones_are_left_out_of_a_typed_line() {
        let (c, _) = line("1k", "👍🏽x\u{200d}é\u{301}\u{fe0f}");
        assert_eq!(c.split(), ("👍xé", ""));
    }

    fn line(preset: &str, typed: &str) -> (CommandLine, Architecture) {
        let arch = crate::preset::load(preset).unwrap();
        let mut c = CommandLine::new(&arch);
        typed.chars().for_each(|ch| c.push(ch));
        (c, arch)
    }

    #[test]
    fn readline_keys_delete_words_and_the_start() {
        let (mut c, _) = line("1k", "kill-az:seoul/a");
        c.delete_word();
        assert_eq!(c.input, "kill-az:");
        let (mut c, _) = line("1k", "spike:3x:");
        c.delete_word();
        assert_eq!(c.input, "spike:");
        c.left();
        c.delete_to_start();
        assert_eq!((c.input.as_str(), c.cursor), (":", 0));
    }

    #[test]
    fn suggestions_group_under_their_next_colon() {
        let (c, _) = line("10m", "kill-");
        let groups = c.suggestion_groups();
        let heads: Vec<&str> = groups.iter().map(|(h, _)| h.as_str()).collect();
        assert!(heads.contains(&"kill-az:"), "{groups:?}");
        assert!(heads.contains(&"kill-db-primary"), "{groups:?}");
        assert!(heads.len() <= 8, "{groups:?}");
        let total: usize = groups.iter().map(|(_, n)| n).sum();
        assert_eq!(total, c.suggestions().count());
        // Past the colon, each candidate is its own entry.
        let (c, _) = line("10m", "kill-az:");
        assert!(
            c.suggestion_groups()
                .iter()
                .all(|(h, n)| *n == 1 && h.starts_with("kill-az:"))
        );
    }

    #[test]
    fn tab_completes_to_what_the_matches_share() {
        let (mut c, _) = line("1k", "kil");
        c.complete();
        assert_eq!(c.input, "kill-");
        let (mut c, _) = line("1k", "kill-r");
        c.complete();
        assert_eq!(c.input, "kill-region:seoul");
        let (mut c, _) = line("10m", "kill-az:o");
        c.complete();
        assert_eq!(c.input, "kill-az:oregon/");
        // Every verb of the grammar completes, each suggestion a command that runs.
        for (typed, expected) in [
            ("set-r", "set-retry:"),
            ("set-retry:users:ag", "set-retry:users:aggressive"),
            ("kill-instances:app:", "kill-instances:app:"),
            ("degrade-instance:w", "degrade-instance:workers:8x:10m"),
            // Read replicas are a scaling group, not a server pool to slow down.
            ("degrade-instance:", "degrade-instance:"),
        ] {
            let (mut c, arch) = line("100k", typed);
            c.complete();
            assert_eq!(c.input, expected, "{typed}");
            assert!(c.suggestions().count() > 0, "{typed}");
            for s in c.suggestions() {
                assert!(Action::parse_checked(s, &arch).is_ok(), "{s}");
            }
        }
    }

    #[test]
    fn suggestions_only_offer_what_the_preset_has() {
        let (c, _) = line("100", "drop");
        assert_eq!(c.suggestions().count(), 0, "the 100 tier has no cache");
        let (c, _) = line("100k", "drop");
        assert!(c.suggestions().any(|s| s == "drop-cache:cache"));
    }

    #[test]
    fn the_cursor_edits_inside_the_line_and_history_comes_back() {
        let (mut c, _) = line("1k", "kil-az:b");
        c.home();
        c.right();
        c.right();
        c.push('l');
        assert_eq!(c.input, "kill-az:b");
        c.end();
        c.backspace();
        c.push('a');
        c.home();
        c.delete();
        assert_eq!((c.input.as_str(), c.cursor), ("ill-az:a", 0));
        let history = vec!["spike:2x:10m".to_string(), "kill-az:a".to_string()];
        let (mut c, _) = line("1k", "dr");
        c.browse(&history, true);
        assert_eq!(c.input, "kill-az:a");
        c.browse(&history, true);
        c.browse(&history, true);
        assert_eq!(c.input, "spike:2x:10m", "the oldest stays");
        c.browse(&history, false);
        c.browse(&history, false);
        assert_eq!(
            (c.input.as_str(), c.cursor),
            ("dr", 2),
            "back to what was typed"
        );
    }

    #[test]
    fn actions_ignore_case() {
        let (c, arch) = line("1k", "KILL-AZ:B");
        assert_eq!(c.submit(&arch), Ok(Action::KillAz("b".into())));
        let (c, arch) = line("1k", "Restore-All");
        assert_eq!(c.submit(&arch), Ok(Action::RestoreAll));
    }

    #[test]
    fn submit_checks_the_action_against_the_architecture() {
        let (c, arch) = line("1k", "kill-az:b");
        assert_eq!(c.submit(&arch), Ok(Action::KillAz("b".into())));
        let (c, arch) = line("1k", "kill-az:z");
        assert!(c.submit(&arch).unwrap_err().contains("no AZ `z`"));
        let (c, arch) = line("1k", "explode");
        assert!(c.submit(&arch).unwrap_err().contains("unknown action"));
    }
}
