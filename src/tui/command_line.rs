//! The `:` command line: any action of the shared grammar, with completion from what the
//! current architecture has.

use crate::action::Action;
use crate::arch::{Architecture, Kind};

/// How many suggestions show under the prompt.
pub const SHOWN: usize = 6;

#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    pub input: String,
    /// Every complete command this architecture accepts (for completion).
    candidates: Vec<String>,
}

impl CommandLine {
    pub fn new(arch: &Architecture) -> Self {
        Self {
            input: String::new(),
            candidates: candidates(arch),
        }
    }

    pub fn push(&mut self, c: char) {
        self.input.push(c);
    }

    pub fn backspace(&mut self) {
        self.input.pop();
    }

    /// Candidates that start with what is typed.
    pub fn suggestions(&self) -> impl Iterator<Item = &str> {
        let typed = self.input.trim().to_lowercase();
        self.candidates
            .iter()
            .map(String::as_str)
            .filter(move |c| c.starts_with(&typed))
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
            self.input = common;
        }
    }

    /// Enter: the action typed, checked against the architecture.
    pub fn submit(&self, arch: &Architecture) -> Result<Action, String> {
        let action = Action::parse(&self.input)?;
        action.check(arch)?;
        Ok(action)
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
    let writers = ids(&|k| matches!(k, Kind::Database(db) if db.replicates_from.is_none()));
    if !writers.is_empty() {
        out.push("kill-db-primary".into());
        out.extend(writers.iter().map(|d| format!("kill-db-primary:{d}")));
    }
    out.extend(arch.groups().map(|(_, g)| format!("kill-instance:{g}")));
    out.extend(
        ids(&|_| true)
            .iter()
            .map(|c| format!("add-latency:{c}:200:5m")),
    );
    for db in &writers {
        let candidate = format!("hot-shard:{db}:4x:10m");
        if Action::parse(&candidate).is_ok_and(|a| a.check(arch).is_ok()) {
            out.push(candidate);
        }
    }
    out.push("restore-all".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(preset: &str, typed: &str) -> (CommandLine, Architecture) {
        let arch = crate::preset::load(preset).unwrap();
        let mut c = CommandLine::new(&arch);
        typed.chars().for_each(|ch| c.push(ch));
        (c, arch)
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
    }

    #[test]
    fn suggestions_only_offer_what_the_preset_has() {
        let (c, _) = line("100", "drop");
        assert_eq!(c.suggestions().count(), 0, "the 100 tier has no cache");
        let (c, _) = line("100k", "drop");
        assert!(c.suggestions().any(|s| s == "drop-cache:cache"));
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
