//! Drills: rehearsed incidents. A drill names a preset and a seed, states what must hold
//! before the first fault (the steady state), applies a timed sequence of actions (the steps),
//! checks how the system reacts, and undoes its faults at the end (the rollback) — modelled on
//! chaos-engineering experiments. The same file runs on stage, driven a second at a time by the
//! dashboard through [`DrillRun`], and in CI through [`run`].
//!
//! A drill file is TOML (see the README for the format); a recording of a dashboard session
//! is a drill file too ([`Recording`]), so a live improvisation can be replayed or turned into
//! an exercise.

mod build;
pub mod check;
pub mod metric;
pub mod record;
pub mod report;
mod run;
pub mod spec;

use crate::action::Action;
use crate::arch::Architecture;
use crate::input_error::InputError;
use crate::sim::Simulation;
use crate::units::Duration;
use std::path::Path;
use std::sync::Arc;

pub use check::{Bound, Check, CheckState, Outcome, Rule};
pub use record::Recording;
pub use report::{DrillReport, Verdict};
pub use run::{Applied, DrillRun, Phase, run, run_with};
pub use spec::{Aggregate, Expect};

/// One timed action of a drill.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The name checks refer to it by, if it has one.
    pub id: Option<String>,
    /// Seconds since the start of the drill.
    pub t: u64,
    pub action: Action,
    /// What to tell the audience when the step comes.
    pub narration: Option<String>,
}

/// A checked drill, ready to run against its preset.
#[derive(Debug, Clone)]
pub struct Drill {
    /// The built-in name (`az-loss-1k`) or the file's stem.
    pub name: String,
    /// Where it was read from, for messages.
    pub origin: String,
    pub title: String,
    pub description: String,
    /// The preset as the file names it.
    pub preset: String,
    pub seed: u64,
    /// The file's override of the preset's users, if any.
    pub users: Option<f64>,
    pub duration: Duration,
    pub expect: Expect,
    pub steady_state: Vec<Check>,
    /// In time order.
    pub steps: Vec<Step>,
    pub checks: Vec<Check>,
    pub rollback: Vec<Action>,
    /// `--set` overrides applied to its preset, as given.
    pub overrides: Vec<String>,
    arch: Arc<Architecture>,
}

impl Drill {
    /// Whether it judges anything: a recording, or a drill file without checks, does not.
    pub fn judges(&self) -> bool {
        !self.checks.is_empty() || !self.steady_state.is_empty()
    }

    /// The preset with the drill's users: what to build a [`Simulation`] on.
    pub fn architecture(&self) -> Arc<Architecture> {
        self.arch.clone()
    }

    /// Runs the drill on its preset with `--set` overrides (what if the database were bigger
    /// during this incident?).
    pub fn with_overrides(
        mut self,
        sets: &[crate::preset::overrides::Override],
    ) -> Result<Self, crate::input_error::InputError> {
        if sets.is_empty() {
            return Ok(self);
        }
        let mut arch = crate::preset::load_with(&self.preset_locator(), sets)?;
        if let Some(users) = self.users {
            crate::preset::set_users(&mut arch, users)
                .map_err(|e| crate::input_error::InputError::new("--set", e))?;
        }
        self.arch = Arc::new(arch);
        self.overrides = sets.iter().map(|o| o.text.clone()).collect();
        Ok(self)
    }

    /// A fresh simulation of the drill's architecture and seed, at second 0.
    pub fn simulation(&self) -> Simulation {
        Simulation::new(self.arch.clone(), self.seed)
    }

    /// The steps as `--inject` would give them: a drill's actions are applied exactly as
    /// injections are.
    pub fn injections(&self) -> Vec<crate::headless::Injection> {
        self.steps
            .iter()
            .map(|s| crate::headless::Injection {
                at: Duration::from_secs(s.t),
                action: s.action.clone(),
            })
            .collect()
    }

    /// The preset as a recording of this drill should name it (see [`crate::preset::locator`]).
    pub fn preset_locator(&self) -> String {
        let base = Path::new(&self.origin).parent();
        crate::preset::locator(&self.preset, base)
    }

    /// How a step is named in reports: its id, or its number counting from 1.
    pub fn step_label(&self, index: usize) -> String {
        match self.steps.get(index).and_then(|s| s.id.as_ref()) {
            Some(id) => id.clone(),
            None => (index + 1).to_string(),
        }
    }
}

pub use crate::preset::Builtin;

macro_rules! builtin {
    ($name:literal) => {
        Builtin {
            name: $name,
            source: include_str!(concat!("../../drills/", $name, ".toml")),
        }
    };
}

/// The built-in library, one lesson each, smallest tier first.
pub const BUILTIN: [Builtin; 12] = [
    builtin!("spof-100"),
    builtin!("az-loss-1k"),
    builtin!("db-failover-1k"),
    builtin!("gray-failure-1k"),
    builtin!("retry-storm"),
    builtin!("retry-budget"),
    builtin!("flash-sale-10k"),
    builtin!("cache-flush-100k"),
    builtin!("worker-loss-100k"),
    builtin!("hot-shard-1m"),
    builtin!("region-loss-1m"),
    builtin!("region-loss-10m"),
];

pub fn builtin(name: &str) -> Option<Builtin> {
    BUILTIN.iter().copied().find(|b| b.name == name)
}

/// Loads a built-in drill by name, or a drill file by path.
pub fn load(name_or_path: &str) -> Result<Drill, InputError> {
    if let Some(b) = builtin(name_or_path) {
        return parse(b.name, &format!("drills/{}.toml", b.name), b.source, None);
    }
    let path = Path::new(name_or_path);
    let looks_like_path = name_or_path.contains(['/', '\\']) || name_or_path.ends_with(".toml");
    if !looks_like_path && !path.exists() {
        let names: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
        return Err(InputError::new(
            "drill",
            format!(
                "unknown drill `{name_or_path}`: built-in drills are {}, or give the path to a .toml file",
                names.join(", ")
            ),
        ));
    }
    let source = crate::preset::read_text(name_or_path)?;
    let name = path.file_stem().map_or_else(
        || name_or_path.to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    parse(&name, name_or_path, &source, path.parent()).map_err(|e| {
        // Only this file's own errors: a preset it names is judged by its own name.
        if e.origin != name_or_path || crate::input_file::quotable(name_or_path) {
            e
        } else {
            crate::input_file::redact(e, "drill file")
        }
    })
}

/// Parses and checks drill text. `origin` names the file in errors; a preset given by path is
/// looked for relative to `base` (the drill file's folder), and not at all without one.
pub fn parse(
    name: &str,
    origin: &str,
    source: &str,
    base: Option<&Path>,
) -> Result<Drill, InputError> {
    let spec: spec::DrillSpec =
        toml::from_str(source).map_err(|e| InputError::from_toml(origin, source, &e))?;
    build::build(name, origin, source, base, spec)
}
