//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test binary uses its own subset

use archtui::headless::{self, Injection};
use archtui::report::Summary;
use archtui::units::Duration;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

/// A scratch folder for one test binary (`tag`) and process, made on first use.
pub fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("archtui-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `bytes` to `name` in the scratch folder `tag`, and returns its path.
pub fn scratch_file(tag: &str, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = scratch(tag).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Line and column (1-based) where `token` starts in `text`; the token must be there once.
pub fn position(text: &str, token: &str) -> (usize, usize) {
    assert_eq!(text.matches(token).count(), 1, "`{token}` must occur once");
    let at = text.find(token).unwrap();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..at].matches('\n').count() + 1,
        text[line_start..at].chars().count() + 1,
    )
}

/// Asserts that a run refused the input file at `path` as a person would want: exit 2, the
/// file, line and column, the message, and no panic.
pub fn assert_bad_input(
    out: &Output,
    path: &std::path::Path,
    (line, column): (usize, usize),
    message: &str,
) {
    let err = stderr(out);
    let name = path.display();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{name}: exit status; stderr:\n{err}"
    );
    let at = format!("{name}:{line}:{column}: ");
    assert!(err.contains(&at), "{name}: expected `{at}` in:\n{err}");
    assert!(
        err.contains(message),
        "{name}: expected `{message}` in:\n{err}"
    );
    assert!(!err.contains("panicked"), "{name}: panicked:\n{err}");
}

/// A drill whose steady state no tier can meet (a 1 ms p99): it must end invalid, with
/// nothing injected, before its only step.
pub fn impossible_drill() -> archtui::drill::Drill {
    archtui::drill::parse("impossible", "impossible.toml", IMPOSSIBLE_DRILL, None).unwrap()
}

const IMPOSSIBLE_DRILL: &str = r#"
title = "impossible steady state"
preset = "1k"
duration = "20m"

[[steady_state]]
metric = "p99_ms"
of = "max"
max = 1

[[step]]
at = "10m"
action = "kill-az:a"

[[check]]
kind = "metric"
metric = "error_rate"
max = 1
"#;

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

/// A preset for measuring queues: `users` requests a second all day (and any further `traffic`
/// lines), an SLO nothing breaks, negligible network latency and one region `r` with the AZs
/// `azs` (TOML list items), followed by `components`.
pub fn measuring_preset(
    title: &str,
    users: f64,
    traffic: &str,
    azs: &str,
    components: &str,
) -> String {
    format!(
        r#"title = "{title}"
[traffic]
users = {users}
rps_per_user = 1
{traffic}
[slo]
p99_ms = 60000
availability = 0.5
[network]
hop_ms = 0.001
[[region]]
id = "r"
azs = [{azs}]
user_rtt_ms = 0.001
{components}"#
    )
}

/// Runs preset text (seed 3) and returns its summary.
pub fn run_text(text: &str, duration: &str) -> Summary {
    let arch = archtui::preset::parse("test", "test.toml", text).expect("a valid preset");
    let duration = Duration::parse(duration).expect("a valid duration");
    headless::run(Arc::new(arch), 3, duration, &[], |_| Ok::<_, ()>(())).expect("runs")
}

/// Runs a built-in preset and keeps every second's metrics line as JSON.
pub fn run_with_metrics(
    preset: &str,
    seed: u64,
    duration: &str,
    inject: &[&str],
) -> (Summary, Vec<serde_json::Value>) {
    let arch = archtui::preset::load(preset).expect("built-in presets load");
    run_arch_with_metrics(arch, seed, duration, inject)
}

/// Runs preset text (seed 3) with injections and keeps every second's metrics line as JSON.
pub fn run_text_with_metrics(
    text: &str,
    duration: &str,
    inject: &[&str],
) -> (Summary, Vec<serde_json::Value>) {
    let arch = archtui::preset::parse("test", "test.toml", text).expect("a valid preset");
    run_arch_with_metrics(arch, 3, duration, inject)
}

fn run_arch_with_metrics(
    arch: archtui::arch::Architecture,
    seed: u64,
    duration: &str,
    inject: &[&str],
) -> (Summary, Vec<serde_json::Value>) {
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

/// A number at `path` in a JSON value (a metrics line).
pub fn f(v: &serde_json::Value, path: &[&str]) -> f64 {
    path.iter()
        .fold(v, |v, k| &v[*k])
        .as_f64()
        .unwrap_or_else(|| panic!("{path:?} in {v}"))
}

/// Mean of a metric over the metrics lines of seconds `from..to`.
pub fn mean(lines: &[serde_json::Value], from: u64, to: u64, path: &[&str]) -> f64 {
    (from..to).map(|t| f(&lines[t as usize], path)).sum::<f64>() / (to - from) as f64
}
