//! Generated presets, drills and recordings, valid and broken: loading never panics, and every
//! error names its file and a line and column. It runs the library's loaders in-process (what
//! the binary turns into exit 0 or 2), so thousands of cases take seconds.
//! `ARCHTUI_PROPTEST_CASES=100000 cargo test --release --test input_properties` runs longer.

use archtui::action::Action;
use archtui::drill::{self, Recording};
use archtui::input_error::InputError;
use archtui::preset;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, Ordering};

fn cases() -> u32 {
    std::env::var("ARCHTUI_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Text a person (or a fuzzer) might put in a value: ids, junk, control characters, huge.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "a", "b", "c", "seoul", "dns", "web", "db", "cache", "app", "alb", "x", "db-replicas",
        ]).prop_map(str::to_string),
        1 => Just(String::new()),
        1 => "[a-z:/ ._-]{1,12}",
        1 => "\\PC{0,8}",
        1 => "[\\x00-\\x1f\\x7f\\u{9b}\\u{202e}]{1,4}",
        1 => (41usize..5_000).prop_map(|n| "x".repeat(n)),
    ]
}

/// A TOML value of any kind, sometimes the wrong one.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => word().prop_map(|w| toml_string(&w)),
        2 => prop::sample::select(vec![
            "0", "1", "2", "-1", "0.5", "1e308", "-0.0", "nan", "inf", "18446744073709551616",
            "true", "[]", "{}", "\"1m\"", "\"0\"", "\"90s\"", "\"24h\"", "\"8d\"",
        ]).prop_map(str::to_string),
        1 => prop::collection::vec(word(), 0..4)
            .prop_map(|ws| format!("[{}]", ws.iter().map(|w| toml_string(w)).collect::<Vec<_>>().join(", "))),
    ]
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// One edit to a line-based file: replace a value, drop a line, duplicate one, add a field.
#[derive(Debug, Clone)]
enum Edit {
    SetValue(usize, String),
    Drop(usize),
    Duplicate(usize),
    Insert(usize, String, String),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let key = prop::sample::select(vec![
        "id",
        "to",
        "azs",
        "region",
        "instances",
        "count",
        "min",
        "max",
        "at",
        "action",
        "preset",
        "duration",
        "users",
        "seed",
        "metric",
        "step",
        "kind",
        "max_ms",
        "title",
        "replicas",
    ]);
    let edit = prop_oneof![
        4 => (any::<usize>(), value()).prop_map(|(i, v)| Edit::SetValue(i, v)),
        1 => any::<usize>().prop_map(Edit::Drop),
        1 => any::<usize>().prop_map(Edit::Duplicate),
        2 => (any::<usize>(), key, value()).prop_map(|(i, k, v)| Edit::Insert(i, k.to_string(), v)),
    ];
    prop::collection::vec(edit, 0..4)
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match e {
            Edit::SetValue(i, v) => {
                // Only lines holding `key = value`; others are left alone.
                let line = &mut lines[i % n];
                if let Some(eq) = line.find(" = ") {
                    line.truncate(eq + 3);
                    line.push_str(v);
                }
            }
            Edit::Drop(i) => {
                lines.remove(i % n);
            }
            Edit::Duplicate(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Edit::Insert(i, k, v) => lines.insert(i % (n + 1), format!("{k} = {v}")),
        }
    }
    lines.join("\n") + "\n"
}

/// Both kinds of case must be common, or the property says little about one of them.
fn assert_mixed(valid: &AtomicU32, what: &str) {
    let (valid, all) = (valid.load(Ordering::Relaxed), cases());
    assert!(
        valid * 20 >= all && valid * 20 <= all * 19,
        "{what}: {valid} of {all} cases were valid"
    );
}

/// Every error a loader returns names the file, and a line and column in it.
fn located(result: Result<(), InputError>, origin: &str, text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert_eq!(&e.origin, origin, "{}\n{}", e, text);
        prop_assert!(e.location.is_some(), "no line:column: {}\n{}", e, text);
        let shown = e.to_string();
        prop_assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "a raw control character: {:?}",
            shown
        );
    }
    Ok(())
}

/// Runs `load`, turning a panic into a test failure that shows the input.
fn no_panic<T>(text: &str, load: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    catch_unwind(AssertUnwindSafe(load))
        .map_err(|_| TestCaseError::fail(format!("panicked on:\n{text}")))
}

#[test]
fn generated_presets_load_or_say_where_they_are_wrong() {
    let sources: Vec<&str> = preset::BUILTIN.iter().map(|b| b.source).collect();
    let cases = (prop::sample::select(sources), edits());
    let valid = AtomicU32::new(0);
    runner()
        .run(&cases, |(source, edits)| {
            let text = apply(source, &edits);
            let result = no_panic(&text, || {
                preset::parse("gen", "gen.toml", &text).map(|_| ())
            })?;
            valid.fetch_add(u32::from(result.is_ok()), Ordering::Relaxed);
            located(result, "gen.toml", &text)
        })
        .unwrap();
    assert_mixed(&valid, "presets");
}

/// A drill put together from parts, each sometimes wrong.
fn drill_text() -> impl Strategy<Value = String> {
    let preset = prop_oneof![
        8 => prop::sample::select(vec!["100", "1k", "10k"]).prop_map(str::to_string),
        1 => word(),
    ];
    let action = prop_oneof![
        8 => prop::sample::select(vec![
            "kill-az:a", "restore-az:a", "kill-az:seoul/b", "spike:3x:5m", "kill-db-primary",
            "kill-instance:web", "add-latency:dns:50", "add-latency:db:20:1m", "restore-all",
            "kill-region:seoul",
        ]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["spike:5x:0", "drop-cache", "hot-shard:db:2x"])
            .prop_map(str::to_string),
        1 => (word(), word()).prop_map(|(a, b)| format!("{a}:{b}")),
    ];
    let title = prop_oneof![
        8 => "[A-Za-z ]{1,20}",
        1 => word(),
    ];
    let step = (0u64..600, action);
    let bound = prop_oneof![
        8 => prop::sample::select(vec!["0.5", "1", "500", "0.999"]).prop_map(str::to_string),
        1 => value(),
    ];
    let check = (
        prop::sample::select(vec!["availability", "p99_ms", "error_rate", "rps_served", "nonsense"]),
        prop::sample::select(vec!["max", "min", "mean", "last", "median"]),
        bound,
    )
        .prop_map(|(metric, of, bound)| {
            format!("\n[[check]]\nkind = \"metric\"\nmetric = \"{metric}\"\nof = \"{of}\"\nmax = {bound}\n")
        });
    let duration = prop_oneof![8 => 600u64..20_000, 1 => 0u64..600];
    (
        title,
        preset,
        duration,
        prop::collection::vec(step, 1..4),
        prop::collection::vec(check, 0..3),
    )
        .prop_map(|(title, preset, duration, mut steps, checks)| {
            // Steps in time order, as a valid drill has them (an edit may still swap them).
            steps.sort();
            let steps: String = steps
                .iter()
                .map(|(at, a)| format!("\n[[step]]\nat = {at}\naction = {}\n", toml_string(a)))
                .collect();
            format!(
                "title = {}\npreset = {}\nduration = {duration}\n{}{}",
                toml_string(&title),
                toml_string(&preset),
                steps,
                checks.concat()
            )
        })
}

#[test]
fn generated_drills_load_or_say_where_they_are_wrong() {
    let valid = AtomicU32::new(0);
    runner()
        .run(&(drill_text(), edits()), |(text, edits)| {
            let text = apply(&text, &edits);
            let result = no_panic(&text, || {
                drill::parse("gen", "gen.toml", &text, None).map(|_| ())
            })?;
            valid.fetch_add(u32::from(result.is_ok()), Ordering::Relaxed);
            located(result, "gen.toml", &text)
        })
        .unwrap();
    assert_mixed(&valid, "drills");
}

#[test]
fn recordings_read_back_and_broken_ones_say_where() {
    let action = prop::sample::select(vec![
        "kill-az:a",
        "restore-az:b",
        "spike:2.5x:10m",
        "kill-instance:web",
        "add-latency:dns:50",
        "restore-all",
    ]);
    let recording = (
        prop::sample::select(vec!["100", "1k"]),
        any::<u64>(),
        proptest::option::of(1.0f64..1e5),
        // At least one action: a drill, and so a recording, needs a step.
        prop::collection::vec((0u64..3_600, action), 1..6),
        1u64..7_200,
    );
    runner()
        .run(
            &(recording, edits()),
            |((preset, seed, users, actions, duration), edits)| {
                let mut rec = Recording::new(preset, seed, users);
                for (t, a) in actions {
                    rec.record(t, Action::parse(a).unwrap());
                }
                let text = rec.to_toml(duration);
                // As written, a recording always reads back.
                let read = no_panic(&text, || drill::parse("rec", "rec.toml", &text, None))?;
                prop_assert!(read.is_ok(), "{}\n{}", read.unwrap_err(), text);
                let text = apply(&text, &edits);
                let result = no_panic(&text, || {
                    drill::parse("rec", "rec.toml", &text, None).map(|_| ())
                })?;
                located(result, "rec.toml", &text)
            },
        )
        .unwrap();
}
