//! The command line and its outputs are a contract for scripts: names and shapes are checked
//! here exactly as the issue spells them out.

mod common;
use common::{archtui, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

fn has_keys(v: &Value, wanted: &[&str], what: &str) {
    let present = keys(v);
    for k in wanted {
        assert!(present.contains(k), "{what}: no `{k}` in {present:?}");
    }
}

#[test]
fn json_summary_has_the_documented_fields() {
    let out = archtui(&[
        "--preset",
        "10k",
        "--headless",
        "--duration",
        "45m",
        "--json",
        "--seed",
        "9",
        "--inject",
        "5m=kill-az:a",
        "--inject",
        "20m=spike:4x:10m",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Value = serde_json::from_str(&stdout(&out)).expect("one JSON object on stdout");
    has_keys(
        &s,
        &[
            "preset",
            "seed",
            "duration_s",
            "users",
            "requests",
            "availability",
            "latency_ms",
            "slo",
            "slo_met",
            "events",
        ],
        "summary",
    );
    has_keys(&s["requests"], &["offered", "served", "failed"], "requests");
    has_keys(
        &s["latency_ms"],
        &["mean", "p50", "p95", "p99", "max"],
        "latency_ms",
    );
    has_keys(&s["slo"], &["p99_ms", "availability"], "slo");
    assert_eq!(s["preset"], "10k");
    assert_eq!(s["seed"], 9);
    assert_eq!(s["duration_s"], 2_700);
    assert_eq!(s["users"], 10_000.0);
    assert!(s["slo_met"].is_boolean());
    let a = s["availability"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&a));
    for e in s["events"].as_array().unwrap() {
        has_keys(e, &["t", "kind", "component", "message"], "event");
    }
}

#[test]
fn runs_report_every_event_kind_the_issue_names() {
    // A day at 10k with an AZ loss, a database crash and a spike covers them all.
    let out = archtui(&[
        "--preset",
        "10k",
        "--headless",
        "--duration",
        "6h",
        "--json",
        "--inject",
        "1h=kill-az:b",
        "--inject",
        "90m=restore-az:b",
        "--inject",
        "2h=kill-db-primary",
        "--inject",
        "3h=spike:5x:30m",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let kinds: BTreeSet<&str> = s["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "fault",
        "scale_out",
        "scale_in",
        "health_check_fail",
        "failover_start",
        "failover_done",
        "recovered",
        "slo_breach",
    ] {
        assert!(kinds.contains(k), "no `{k}` event in {kinds:?}");
    }
}

#[test]
fn metrics_lines_have_the_documented_fields() {
    let path =
        std::env::temp_dir().join(format!("archtui-cli-metrics-{}.jsonl", std::process::id()));
    for (preset, has_cache) in [("1k", false), ("100k", true)] {
        let out = archtui(&[
            "--preset",
            preset,
            "--headless",
            "--duration",
            "90s",
            "--metrics",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is JSON"))
            .collect();
        assert_eq!(lines.len(), 90, "one line per simulated second");
        for (i, line) in lines.iter().enumerate() {
            has_keys(
                line,
                &[
                    "t",
                    "rps_offered",
                    "rps_served",
                    "error_rate",
                    "latency_ms",
                    "instances",
                    "utilization",
                    "cache_hit_ratio",
                    "db_primary",
                    "healthy_azs",
                ],
                "metrics",
            );
            has_keys(&line["latency_ms"], &["p50", "p95", "p99"], "latency_ms");
            assert_eq!(line["t"], i as u64);
            assert_eq!(
                line["cache_hit_ratio"].is_null(),
                !has_cache,
                "{preset}: cache_hit_ratio"
            );
            assert!(line["db_primary"].is_string());
            assert!(
                line["healthy_azs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(Value::is_string)
            );
        }
    }
    let _ = std::fs::remove_file(path);
}

#[test]
fn durations_take_every_documented_form() {
    for (text, secs) in [("90", 90), ("90s", 90), ("15m", 900), ("1h", 3_600)] {
        let out = archtui(&[
            "--preset",
            "100",
            "--headless",
            "--duration",
            text,
            "--json",
        ]);
        assert!(out.status.success(), "{text}: {}", stderr(&out));
        let s: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(s["duration_s"], secs, "{text}");
    }
}

#[test]
fn users_override_and_a_text_summary() {
    let out = archtui(&[
        "--preset",
        "1k",
        "--headless",
        "--duration",
        "10m",
        "--users",
        "2500",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("2,500 users"), "{text}");
    assert!(
        text.contains("availability") && text.contains("p99"),
        "{text}"
    );
}

#[test]
fn built_in_presets_work_from_any_directory() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archtui"))
        .args(["--list-presets"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    for name in common::PRESETS {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} missing from:\n{text}"
        );
    }
    assert!(!text.contains("broken"), "{text}");
    let out = archtui(&["--list-presets", "--json"]);
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<&str> = list.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, common::PRESETS);
    assert_eq!(list[0]["users"].as_f64(), Some(100.0));
    assert_eq!(list[5]["regions"].as_u64(), Some(2));
}

/// Flags that only mean something in the dashboard are refused headless, not ignored.
#[test]
fn dashboard_flags_are_refused_headless() {
    for flag in [
        &["--high-contrast"][..],
        &["--paused"],
        &["--presenter"],
        &["--config", "c.toml"],
        &["--record", "r.toml"],
    ] {
        let mut args = vec!["--preset", "100", "--headless", "--duration", "10s"];
        args.extend_from_slice(flag);
        let out = archtui(&args);
        assert_eq!(out.status.code(), Some(2), "{flag:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag[0]), "{flag:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{flag:?} ran anyway");
    }
}
