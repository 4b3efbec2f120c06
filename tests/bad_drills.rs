//! Broken drill files: each gives exit status 2 and a message naming the file, the line and
//! the column of the token to blame, and what is wrong. Never a panic.

mod common;
use common::{archtui, position, stderr, stdout};
use std::path::PathBuf;

/// A small valid drill to break one line at a time.
const GOOD: &str = r#"title = "good drill"
description = "A drill to break one line at a time."
preset = "1k"
seed = 3
duration = "20m"
rollback = ["restore-all"]

[[steady_state]]
metric = "p99_ms"
max = 500
over = "5m"

[[step]]
id = "down"
at = "10m"
action = "kill-az:a"
narration = "AZ a goes dark."

[[step]]
after = "5m"
action = "restore-az:a"

[[check]]
name = "failover"
kind = "event"
step = "down"
event = "failover_done"
component = "db"
within = "3m"

[[check]]
kind = "metric"
step = "down"
metric = "instances"
component = "web"
of = "min"
from = "2m"
max = 1

[[check]]
kind = "recover"
step = 1
max = 0.001
within = "4m"
"#;

fn dir() -> PathBuf {
    common::scratch("bad-drills")
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    common::scratch_file("bad-drills", name, bytes)
}

/// Replaces `old` (which must occur once) in the good drill.
fn broken(old: &str, new: &str) -> String {
    assert_eq!(GOOD.matches(old).count(), 1, "`{old}` must occur once");
    GOOD.replacen(old, new, 1)
}

fn run(path: &std::path::Path) -> std::process::Output {
    archtui(&["drill", path.to_str().unwrap()])
}

fn expect_error_at(name: &str, text: &[u8], at: (usize, usize), message: &str) {
    let path = write(name, text);
    common::assert_bad_input(&run(&path), &path, at, message);
}

fn expect_error(name: &str, text: &str, token: &str, message: &str) {
    expect_error_at(name, text.as_bytes(), position(text, token), message);
}

#[test]
fn the_good_drill_is_good() {
    let out = run(&write("good.toml", GOOD.as_bytes()));
    assert!(
        out.status.success(),
        "{}{}",
        common::stdout(&out),
        stderr(&out)
    );
}

#[test]
fn broken_drills_name_file_line_and_column() {
    // (file name, broken text, the token the error must point at, what the message says)
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "syntax.toml",
            broken("seed = 3", "seed = = 3"),
            "= 3",
            "extra `=`",
        ),
        (
            "unknown-field.toml",
            broken("narration = ", "narations = "),
            "narations",
            "unknown field `narations`",
        ),
        (
            "unknown-action.toml",
            broken(r#""kill-az:a""#, r#""kill-zone:a""#),
            r#""kill-zone:a""#,
            "unknown action `kill-zone`",
        ),
        (
            "unknown-az.toml",
            broken(r#""kill-az:a""#, r#""kill-az:z""#),
            r#""kill-az:z""#,
            "no AZ `z` in preset 1k",
        ),
        (
            "missing-cache.toml",
            broken(r#""restore-az:a""#, r#""drop-cache""#),
            r#""drop-cache""#,
            "preset 1k has no cache",
        ),
        (
            "bad-action-args.toml",
            broken(r#""restore-az:a""#, r#""spike:fast""#),
            r#""spike:fast""#,
            "`fast` is not a factor",
        ),
        (
            "unknown-metric.toml",
            broken(r#""p99_ms""#, r#""p98_ms""#),
            r#""p98_ms""#,
            "unknown metric `p98_ms`",
        ),
        (
            "unknown-event.toml",
            broken(r#""failover_done""#, r#""failover_finished""#),
            r#""failover_finished""#,
            "unknown event `failover_finished`",
        ),
        (
            "unknown-group.toml",
            broken(r#"component = "web""#, r#"component = "webb""#),
            r#""webb""#,
            "no scaling group `webb` in preset 1k",
        ),
        (
            "unknown-component.toml",
            broken(r#"component = "db""#, r#"component = "dbx""#),
            r#""dbx""#,
            "no component `dbx` in preset 1k",
        ),
        (
            "whole-service-metric.toml",
            broken("max = 500", "max = 500\ncomponent = \"alb\""),
            r#""alb""#,
            "takes no `component`",
        ),
        (
            "step-after-the-end.toml",
            broken(r#"after = "5m""#, r#"after = "15m""#),
            r#""15m""#,
            "at or after the end of the drill",
        ),
        (
            "steps-out-of-order.toml",
            broken(r#"after = "5m""#, r#"at = "5m""#),
            "\"5m\"\naction = \"restore",
            "steps must come in time order",
        ),
        (
            "at-and-after.toml",
            broken(r#"after = "5m""#, "at = \"15m\"\nafter = \"5m\""),
            "\"5m\"\naction = \"restore",
            "not both",
        ),
        (
            "no-time.toml",
            broken("after = \"5m\"\n", ""),
            "[[step]]\naction",
            "this step has no time",
        ),
        (
            "unknown-step.toml",
            broken("step = \"down\"\nevent", "step = \"nope\"\nevent"),
            r#""nope""#,
            "no step with id `nope` (step ids: down)",
        ),
        (
            "step-number.toml",
            broken("step = 1", "step = 7"),
            "7",
            "there is no step 7: steps count from 1 to 2",
        ),
        (
            "duplicate-step-id.toml",
            broken(r#"after = "5m""#, "id = \"down\"\nafter = \"5m\""),
            "\"down\"\nafter",
            "duplicate step id `down` (already used on line 14)",
        ),
        (
            "misplaced-field.toml",
            broken(r#"of = "min""#, "of = \"min\"\nwithin = \"1m\""),
            r#""1m""#,
            "`within` does not apply to a metric check",
        ),
        (
            "missing-bound.toml",
            broken("max = 1\n", ""),
            "[[check]]\nkind = \"metric\"",
            "give a bound",
        ),
        (
            "fraction-over-one.toml",
            broken("max = 0.001", "max = 5"),
            "5\nwithin",
            "`error_rate` is a fraction from 0 to 1",
        ),
        (
            "min-over-max.toml",
            broken("max = 1\n", "max = 1\nmin = 3\n"),
            "3\n\n[[check]]",
            "`min` (3) is larger than `max` (1)",
        ),
        (
            "nan-bound.toml",
            broken("max = 500", "max = nan"),
            "nan",
            "not NaN",
        ),
        (
            "negative-bound.toml",
            broken("max = 500", "max = -5"),
            "-5",
            "a bound must be between 0 and",
        ),
        (
            "negative-seed.toml",
            broken("seed = 3", "seed = -3"),
            "-3",
            "invalid value: integer `-3`",
        ),
        (
            "unknown-preset.toml",
            broken(r#"preset = "1k""#, r#"preset = "2k""#),
            r#""2k""#,
            "unknown preset `2k`: built-in presets are 100, 1k",
        ),
        (
            "zero-users.toml",
            broken("seed = 3", "seed = 3\nusers = 0"),
            "0\nduration",
            "a number of users must be between",
        ),
        (
            "unknown-expect.toml",
            broken("seed = 3", "seed = 3\nexpect = \"maybe\""),
            r#""maybe""#,
            "unknown variant `maybe`",
        ),
        (
            "window-after-end.toml",
            broken(r#"from = "2m""#, "from = \"2m\"\nto = \"1h\""),
            r#""1h""#,
            "the window ends at 1h 10m, after the end of the drill",
        ),
        (
            "empty-window.toml",
            broken(r#"from = "2m""#, r#"from = "5m""#),
            "\"5m\"\nmax = 1",
            "the window is empty",
        ),
        (
            "steady-state-too-long.toml",
            broken(r#"over = "5m""#, r#"over = "11m""#),
            r#""11m""#,
            "the steady state is judged before the first step, which comes at 10m",
        ),
        (
            "recover-without-within.toml",
            broken("within = \"4m\"\n", ""),
            "[[check]]\nkind = \"recover\"",
            "a recover check needs `within",
        ),
        (
            "zero-hold.toml",
            broken("within = \"4m\"", "within = \"4m\"\nhold = \"0s\""),
            r#""0s""#,
            "`hold` must be at least 1 second",
        ),
        (
            "recover-past-the-end.toml",
            broken("within = \"4m\"", "within = 600"),
            "600",
            "is judged until 21m, after the end of the drill",
        ),
        (
            "bad-duration.toml",
            broken(r#"duration = "20m""#, r#"duration = "20x""#),
            r#""20x""#,
            "unknown time unit `x`",
        ),
        (
            "long-duration.toml",
            broken(r#"duration = "20m""#, r#"duration = "30d""#),
            r#""30d""#,
            "a drill lasts from 1 second to 7 days",
        ),
        (
            "bad-rollback.toml",
            broken(r#"["restore-all"]"#, r#"["restore-everything"]"#),
            r#""restore-everything""#,
            "unknown action `restore-everything`",
        ),
        (
            "wrong-type.toml",
            broken(r#"at = "10m""#, "at = true"),
            "true",
            "invalid type",
        ),
        (
            "unknown-kind.toml",
            broken(r#"kind = "recover""#, r#"kind = "recovery""#),
            r#""recovery""#,
            "unknown variant `recovery`",
        ),
        (
            "missing-title.toml",
            broken("title = \"good drill\"\n", ""),
            "description",
            "missing field `title`",
        ),
    ];
    for (name, text, token, message) in &cases {
        expect_error(name, text, token, message);
    }
}

#[test]
fn a_drill_without_steps_is_refused_at_its_end() {
    let text = "title = \"no steps\"\npreset = \"1k\"\nduration = \"10m\"\n\n[[check]]\nname = \"calm\"\nkind = \"metric\"\nmetric = \"error_rate\"\nof = \"max\"\nmax = 0.01\n";
    expect_error_at(
        "no-steps.toml",
        text.as_bytes(),
        (11, 1),
        "a drill needs at least one [[step]]",
    );
}

/// A recording of a session in which nothing was done (no steps, nothing judged) replays as
/// the preset's run, headless and in the dashboard.
#[test]
fn a_recording_without_actions_replays() {
    let text = "title = \"recorded session\"\npreset = \"1k\"\nseed = 3\nduration = 90\n";
    let path = common::scratch_file("bad-drills", "idle-recording.toml", text);
    let out = archtui(&["--replay", path.to_str().unwrap(), "--headless", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = archtui(&[
        "--preset",
        "1k",
        "--seed",
        "3",
        "--duration",
        "90",
        "--headless",
        "--json",
    ]);
    assert_eq!(stdout(&out), stdout(&plain));
    let out = archtui(&["drill", path.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["verdict"], "no_checks", "{report}");
}

#[test]
fn files_that_are_not_text_or_not_there_are_refused() {
    let mut bytes = GOOD.as_bytes().to_vec();
    let at = GOOD.find("good drill").unwrap();
    bytes[at] = 0xff;
    expect_error_at(
        "binary.toml",
        &bytes,
        position(GOOD, "good drill"),
        "not UTF-8",
    );

    let out = archtui(&["drill", "/nonexistent/drill.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/drill.toml: cannot read it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_preset_next_to_the_drill_file_is_found_and_its_errors_named() {
    let preset =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/presets/1k.toml")).unwrap();
    write("local-preset.toml", preset.as_bytes());
    let text = broken(r#"preset = "1k""#, r#"preset = "local-preset.toml""#);
    let out = run(&write("uses-local.toml", text.as_bytes()));
    assert!(out.status.success(), "{}", stderr(&out));
    // An error inside that preset names the preset file, line and column.
    let broken_preset = preset.replacen("vcpus = 4", "vcpus = -4", 1);
    write("local-preset.toml", broken_preset.as_bytes());
    let out = run(&write("uses-local.toml", text.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    let (line, column) = position(&broken_preset, "-4");
    let at = format!(
        "{}:{line}:{column}: ",
        dir().join("local-preset.toml").display()
    );
    assert!(
        stderr(&out).contains(&at),
        "expected `{at}` in {}",
        stderr(&out)
    );
}

/// Random edits of the good drill — a value swapped for a hostile one, a line dropped, moved
/// or repeated — never panic: the file is refused with a location, or it runs to a verdict.
#[test]
fn hostile_edits_never_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    const VALUES: [&str; 22] = [
        "nan",
        "inf",
        "-inf",
        "-1",
        "0",
        "1e300",
        "9223372036854775807",
        "\"\"",
        "\"0s\"",
        "\"7d\"",
        "\"1s\"",
        "\"x\"",
        "[]",
        "{}",
        "true",
        "\"kill-az:a\"",
        "\"restore-all\"",
        "\"error_rate\"",
        "0.5",
        "\"down\"",
        "2",
        "\"hot-shard:db:1000x\"",
    ];
    const KEYS: [&str; 12] = [
        "at", "after", "step", "from", "to", "within", "hold", "over", "max", "min", "of", "must",
    ];
    let lines: Vec<&str> = GOOD.lines().collect();
    let edit = (
        0..lines.len(),
        0u8..4,
        0..VALUES.len(),
        0..KEYS.len(),
        0..lines.len(),
    );
    let mut runner = TestRunner::new(Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&prop::collection::vec(edit, 1..4), |edits| {
            let mut text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for (line, kind, value, key, other) in edits {
                let line = line % text.len().max(1);
                match kind {
                    0 => {
                        if let Some((k, _)) = text[line].split_once(" = ") {
                            text[line] = format!("{k} = {}", VALUES[value]);
                        }
                    }
                    1 if text.len() > 1 => {
                        text.remove(line);
                    }
                    2 => text.insert(line + 1, format!("{} = {}", KEYS[key], VALUES[value])),
                    _ => {
                        let moved = text[line].clone();
                        text.insert(other % text.len(), moved);
                    }
                }
            }
            let source = text.join("\n");
            match archtui::drill::parse("hostile", "hostile.toml", &source, None) {
                Err(e) => prop_assert!(e.location.is_some() || !e.message.is_empty()),
                Ok(d) if d.duration.secs() <= 3_600 => {
                    let r = archtui::drill::run(&d);
                    prop_assert_eq!(r.checks.len(), d.checks.len());
                }
                Ok(_) => {}
            }
            Ok(())
        })
        .unwrap();
}
