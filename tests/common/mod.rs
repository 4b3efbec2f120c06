//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses its own subset

use archtui::headless::{self, Injection};
use archtui::report::Summary;
use archtui::units::Duration;
use std::process::{Command, Output};
use std::sync::Arc;

/// Runs the `archtui` binary with `args`.
pub fn archtui(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_archtui"))
        .args(args)
        .output()
        .expect("the archtui binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs a built-in preset headless through the library and returns the summary.
pub fn run(
    preset: &str,
    users: Option<f64>,
    seed: u64,
    duration: &str,
    inject: &[&str],
) -> Summary {
    let mut arch = archtui::preset::load(preset).expect("built-in presets load");
    if let Some(users) = users {
        archtui::preset::set_users(&mut arch, users).expect("a sane user count");
    }
    let injections: Vec<Injection> = inject
        .iter()
        .map(|i| Injection::parse(i, &arch).expect("a valid injection"))
        .collect();
    let duration = Duration::parse(duration).expect("a valid duration");
    headless::run(Arc::new(arch), seed, duration, &injections, |_| {
        Ok::<_, ()>(())
    })
    .expect("runs")
}

/// Runs a preset and keeps every second's metrics line as JSON.
pub fn run_with_metrics(
    preset: &str,
    seed: u64,
    duration: &str,
    inject: &[&str],
) -> (Summary, Vec<serde_json::Value>) {
    let arch = archtui::preset::load(preset).expect("built-in presets load");
    let injections: Vec<Injection> = inject
        .iter()
        .map(|i| Injection::parse(i, &arch).expect("a valid injection"))
        .collect();
    let mut lines = Vec::new();
    let summary = headless::run(
        Arc::new(arch),
        seed,
        Duration::parse(duration).unwrap(),
        &injections,
        |sim| {
            lines.push(serde_json::to_value(archtui::report::MetricsLine::of(sim)).unwrap());
            Ok::<_, ()>(())
        },
    )
    .expect("runs");
    (summary, lines)
}

pub const PRESETS: [&str; 6] = ["100", "1k", "10k", "100k", "1m", "10m"];
