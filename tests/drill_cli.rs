//! `archtui drill` and `archtui --replay` from the outside: exit codes, the report's shape,
//! the list of built-in drills, and replays that reproduce a run byte for byte.

mod common;
use common::{archtui, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;

fn path(name: &str) -> String {
    common::scratch("drill-cli")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn write(name: &str, text: &str) -> String {
    let p = common::scratch_file("drill-cli", name, text);
    p.to_string_lossy().into_owned()
}

fn has_keys(v: &Value, wanted: &[&str], what: &str) {
    let present: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    for k in wanted {
        assert!(present.contains(k), "{what}: no `{k}` in {present:?}");
    }
}

#[test]
fn list_names_every_built_in_drill_from_any_directory() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_archtui"))
        .args(["drill", "--list"])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let builtin: Vec<&str> = archtui::drill::BUILTIN.iter().map(|b| b.name).collect();
    assert_eq!(names, builtin, "{text}");
    assert!(
        text.contains("spof-100") && text.contains("expects fail"),
        "{text}"
    );
    assert!(!text.contains("broken"), "{text}");
    // With --json, the same list for a script.
    let out = archtui(&["drill", "--list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let names: Vec<&str> = list.iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names, builtin);
    assert_eq!(list[0]["expect"], "fail");
    assert_eq!(list[0]["preset"], "100");
}

#[test]
fn the_exit_code_says_whether_the_verdict_was_expected() {
    // Expects pass and passes; expects fail (a single server) and fails: both as expected.
    for name in ["db-failover-1k", "spof-100"] {
        let out = archtui(&["drill", name]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(stdout(&out).contains("as expected"), "{}", stdout(&out));
    }
    // The single server drill, claiming it survives: exit 1.
    let source = archtui::drill::builtin("spof-100").unwrap().source;
    let hopeful = write(
        "hopeful.toml",
        &source.replace("expect = \"fail\"", "expect = \"pass\""),
    );
    let out = archtui(&["drill", &hopeful]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("FAIL, but the drill expects pass"),
        "{}",
        stdout(&out)
    );
    // A steady state that cannot hold: invalid, never as expected.
    let invalid = write(
        "invalid.toml",
        &source.replace("max = 800", "max = 1\nof = \"max\""),
    );
    let out = archtui(&["drill", &invalid]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("INVALID"), "{}", stdout(&out));
}

#[test]
fn the_report_has_the_documented_fields() {
    let (json, md) = (path("report.json"), path("report.md"));
    let out = archtui(&[
        "drill",
        "az-loss-1k",
        "--report",
        &json,
        "--report",
        &md,
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: Value = serde_json::from_str(&stdout(&out)).expect("--json prints one object");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(printed, r, "stdout and the file hold the same report");
    has_keys(
        &r,
        &[
            "drill",
            "title",
            "description",
            "preset",
            "seed",
            "users",
            "duration_s",
            "verdict",
            "expected",
            "as_expected",
            "ended_at_s",
            "steady_state",
            "steps",
            "checks",
            "rollback",
            "summary",
        ],
        "report",
    );
    assert_eq!(r["drill"], "az-loss-1k");
    assert_eq!(r["preset"], "1k");
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["expected"], "pass");
    assert_eq!(r["as_expected"], true);
    let check_fields = [
        "name",
        "kind",
        "condition",
        "step",
        "from_s",
        "to_s",
        "measured",
        "measured_text",
        "bound",
        "min",
        "max",
        "status",
        "ok",
        "decided_at_s",
    ];
    for c in r["steady_state"]
        .as_array()
        .unwrap()
        .iter()
        .chain(r["checks"].as_array().unwrap())
    {
        has_keys(c, &check_fields, "check");
        assert!(c["ok"].is_boolean());
        assert!(["passed", "failed", "not_run"].contains(&c["status"].as_str().unwrap()));
    }
    let kinds: BTreeSet<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, BTreeSet::from(["event", "metric", "recover"]));
    let failover = &r["checks"][1];
    assert_eq!(failover["kind"], "event");
    assert_eq!(failover["step"], "az-down");
    assert!(failover["measured"].as_f64().unwrap() > 30.0);
    for s in r["steps"].as_array().unwrap() {
        has_keys(s, &["t", "id", "action", "narration", "applied"], "step");
    }
    assert_eq!(r["steps"][0]["t"], 600);
    assert_eq!(r["steps"][0]["action"], "kill-az:a");
    assert_eq!(r["rollback"][0]["action"], "restore-all");
    assert_eq!(r["rollback"][0]["t"], 2_400);
    has_keys(
        &r["summary"],
        &["availability", "latency_ms", "events", "injections"],
        "summary",
    );
    assert_eq!(r["summary"]["injections"].as_array().unwrap().len(), 2);

    let md = std::fs::read_to_string(&md).unwrap();
    for heading in [
        "# Drill: Losing an availability zone",
        "## Steady state",
        "## Steps",
        "## Checks",
        "## Rollback",
        "**Verdict: PASS, as expected**",
    ] {
        assert!(md.contains(heading), "no `{heading}` in:\n{md}");
    }
}

#[test]
fn the_text_report_lists_steady_state_steps_checks_and_verdict() {
    let out = archtui(&["drill", "region-loss-10m"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for part in [
        "drill region-loss-10m",
        "steady state",
        "0:10:00  kill-region:seoul",
        "PASS",
        "within 3m",
        "rollback at 0:40:00: restore-all",
        "verdict    PASS, as expected",
    ] {
        assert!(text.contains(part), "no `{part}` in:\n{text}");
    }
}

#[test]
fn bad_names_and_report_files_exit_with_2() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["drill", "no-such-drill"],
            "unknown drill `no-such-drill`: built-in drills are spof-100",
        ),
        (
            &["drill", "az-loss-1k", "--report", "out.txt"],
            "must end in .json or .md",
        ),
        (&["drill"], "required"),
        (&["drill", "az-loss-1k", "--list"], "cannot be used with"),
    ];
    for (args, message) in cases {
        let out = archtui(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_replayed_recording_reproduces_the_run_byte_for_byte() {
    use archtui::action::Action;
    let mut rec = archtui::drill::Recording::new("10k", 11, Some(12_000.0));
    rec.record(120, Action::parse("kill-az:a").unwrap());
    rec.record(120, Action::parse("spike:3x:5m").unwrap());
    rec.record(600, Action::parse("restore-az:a").unwrap());
    rec.record(700, Action::parse("drop-cache").unwrap());
    let file = write("recording.toml", &rec.to_toml(900));
    let (replayed, injected) = (path("replayed.jsonl"), path("injected.jsonl"));
    let replay = archtui(&[
        "--replay",
        &file,
        "--headless",
        "--metrics",
        &replayed,
        "--json",
    ]);
    assert!(replay.status.success(), "{}", stderr(&replay));
    let inject = archtui(&[
        "--preset",
        "10k",
        "--seed",
        "11",
        "--users",
        "12000",
        "--duration",
        "15m",
        "--headless",
        "--inject",
        "2m=kill-az:a",
        "--inject",
        "2m=spike:3x:5m",
        "--inject",
        "10m=restore-az:a",
        "--inject",
        "700=drop-cache",
        "--metrics",
        &injected,
        "--json",
    ]);
    assert!(inject.status.success(), "{}", stderr(&inject));
    let (a, b) = (
        std::fs::read(&replayed).unwrap(),
        std::fs::read(&injected).unwrap(),
    );
    assert_eq!(a.iter().filter(|&&c| c == b'\n').count(), 900);
    assert!(a == b, "--metrics differ between replay and --inject");
    assert_eq!(stdout(&replay), stdout(&inject), "the summaries differ");
    // And the recording really changed the run: the flushed cache shows in the metrics.
    assert!(
        String::from_utf8(a)
            .unwrap()
            .contains("\"cache_hit_ratio\":0.0")
    );
}

#[test]
fn a_replay_takes_its_setup_from_the_recording_only() {
    let file = write(
        "short.toml",
        "title = \"t\"\npreset = \"1k\"\nduration = 60\n\n[[step]]\nat = 5\naction = \"kill-az:a\"\n",
    );
    let out = archtui(&["--replay", &file, "--headless", "--inject", "5m=kill-az:b"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    let out = archtui(&["--replay", &file, "--headless", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let s: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(s["duration_s"], 60);
    assert_eq!(s["injections"][0]["t"], 5);
}
