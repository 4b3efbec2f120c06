//! Recordings: what a dashboard session did, saved as a drill file whose steps carry absolute
//! times. `--replay` plays one back (same preset, seed and users, same actions at the same
//! seconds, so the same numbers); adding narration and checks turns it into an exercise.

use crate::action::Action;
use std::fmt::Write as _;

/// Actions taken in a session, each with the simulation second it was applied at (before that
/// second was simulated, as the dashboard and the headless runner both apply them).
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// A built-in preset name or a preset file's path.
    pub preset: String,
    pub seed: u64,
    /// The session's override of the preset's users, if any.
    pub users: Option<f64>,
    pub actions: Vec<(u64, Action)>,
}

impl Recording {
    pub fn new(preset: impl Into<String>, seed: u64, users: Option<f64>) -> Self {
        Self {
            preset: preset.into(),
            seed,
            users,
            actions: Vec::new(),
        }
    }

    /// Notes an action applied at simulation second `t`.
    pub fn record(&mut self, t: u64, action: Action) {
        self.actions.push((t, action));
    }

    /// The recording as a drill file lasting `duration` seconds (the session's length; it is
    /// stretched to end after the last action).
    pub fn to_toml(&self, duration: u64) -> String {
        to_toml(&self.preset, self.seed, self.users, duration, &self.actions)
    }
}

/// A TOML string literal, escaped.
fn quote(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Writes a drill file that replays `actions` (simulation second, action) on `preset`.
pub fn to_toml(
    preset: &str,
    seed: u64,
    users: Option<f64>,
    duration: u64,
    actions: &[(u64, Action)],
) -> String {
    let mut actions: Vec<&(u64, Action)> = actions.iter().collect();
    actions.sort_by_key(|(t, _)| *t); // stable: actions in the same second keep their order
    let last = actions.last().map_or(0, |(t, _)| *t);
    let duration = duration.max(last + 1).max(1);
    let mut out = String::new();
    let _ = writeln!(out, "# Recorded by archtui. Replay it with:");
    let _ = writeln!(out, "#   archtui --replay <this file> --headless");
    let _ = writeln!(
        out,
        "# Add narration to the steps and [[check]] tables to make it a drill."
    );
    let _ = writeln!(out, "title = {}", quote("recorded session"));
    let _ = writeln!(out, "preset = {}", quote(preset));
    let _ = writeln!(out, "seed = {seed}");
    if let Some(users) = users {
        let _ = writeln!(out, "users = {users}");
    }
    let _ = writeln!(out, "duration = {duration}");
    for (t, action) in actions {
        let _ = writeln!(
            out,
            "\n[[step]]\nat = {t}\naction = {}",
            quote(&action.to_string())
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_reads_back_as_the_same_steps() {
        let mut rec = Recording::new("1k", 42, Some(2_500.0));
        rec.record(300, Action::parse("kill-az:a").unwrap());
        rec.record(300, Action::parse("spike:2.5x:10m").unwrap());
        rec.record(90, Action::parse("kill-db-primary").unwrap());
        let text = rec.to_toml(600);
        let drill = crate::drill::parse("rec", "rec.toml", &text, None)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!((drill.seed, drill.users), (42, Some(2_500.0)));
        assert_eq!(drill.duration.secs(), 600);
        let steps: Vec<(u64, String)> = drill
            .steps
            .iter()
            .map(|s| (s.t, s.action.to_string()))
            .collect();
        assert_eq!(
            steps,
            [
                (90, "kill-db-primary".to_string()),
                (300, "kill-az:a".to_string()),
                (300, "spike:2.5x:10m".to_string()),
            ]
        );
        assert!(drill.checks.is_empty() && drill.steady_state.is_empty());
    }

    #[test]
    fn the_duration_covers_the_last_action_and_odd_names_are_quoted() {
        let rec = Recording {
            preset: "my \"odd\" preset.toml".into(),
            seed: 1,
            users: None,
            actions: vec![(700, Action::RestoreAll)],
        };
        let text = rec.to_toml(10);
        assert!(text.contains("duration = 701"), "{text}");
        let spec: toml::Value = toml::from_str(&text).unwrap();
        assert_eq!(spec["preset"].as_str(), Some("my \"odd\" preset.toml"));
    }
}
