//! `archtui analyze`: each failure domain lost at the peak hour, judged from the report's JSON.

mod common;
use common::{archtui, stdout};
use serde_json::Value;
use std::sync::{Arc, OnceLock};

fn report(preset: &str, threads: usize) -> archtui::analysis::Report {
    let arch = Arc::new(archtui::preset::load(preset).unwrap());
    archtui::analysis::analyze(arch, 1, threads, |_, _| {})
}

/// Each preset's report, made once for every test in this file (on two threads).
fn analyze(preset: &str) -> Value {
    static REPORTS: OnceLock<std::sync::Mutex<Vec<(String, Value)>>> = OnceLock::new();
    let reports = REPORTS.get_or_init(Default::default);
    if let Some((_, v)) = reports.lock().unwrap().iter().find(|(p, _)| p == preset) {
        return v.clone();
    }
    let v = serde_json::to_value(report(preset, 2)).unwrap();
    reports
        .lock()
        .unwrap()
        .push((preset.to_string(), v.clone()));
    v
}

fn capacity_is_between_its_users_and_ten_times_them(r: &Value) {
    let c = &r["capacity"];
    let multiple = c["multiple"].as_f64().unwrap();
    assert!((1.0..=10.0).contains(&multiple), "{c}");
    assert!(c["bottleneck"].as_str().is_some(), "{c}");
    assert!(!c["headroom"].as_array().unwrap().is_empty(), "{c}");
}

fn domain<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["domains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no domain `{name}` in {report}"))
}

fn verdict<'a>(report: &'a Value, name: &str) -> &'a str {
    domain(report, name)["verdict"].as_str().unwrap()
}

#[test]
fn at_100_users_the_server_and_the_database_are_each_down_single_points() {
    let r = analyze("100");
    assert_eq!(verdict(&r, "an instance of web"), "down");
    assert_eq!(verdict(&r, "database primary db"), "down");
    // The graph agrees: both are on every path to the data.
    assert_eq!(r["graph_single_points"], serde_json::json!(["web", "db"]));
    // Worst first.
    let verdicts: Vec<&str> = r["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["verdict"].as_str().unwrap())
        .collect();
    let rank = |v: &str| ["down", "breach", "absorbed"].iter().position(|x| *x == v);
    assert!(
        verdicts.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{verdicts:?}"
    );
}

#[test]
fn at_1k_one_server_or_the_az_without_the_primary_is_survived() {
    let r = analyze("1k");
    for name in ["an instance of web", "AZ seoul/b"] {
        assert_ne!(verdict(&r, name), "down", "{name}");
        let errors = domain(&r, name)["errors_over_after_s"].as_u64().unwrap();
        assert!(errors <= 120, "{name}: errors for {errors} s");
    }
    // The AZ with the database primary takes the failover with it: web's threads wait on the
    // dead primary and everything fails until the standby takes over (db-failover-1k).
    let az_a = domain(&r, "AZ seoul/a");
    assert_eq!(az_a["verdict"], "down");
    assert!(
        az_a["errors_over_after_s"].as_u64().unwrap() <= 300,
        "{az_a}"
    );
    // The graph calls web and the database single points; the simulation says why not.
    let disagree: Vec<&str> = r["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["component"].as_str().unwrap())
        .collect();
    assert!(disagree.contains(&"web"), "{disagree:?}");
    capacity_is_between_its_users_and_ten_times_them(&r);
}

#[test]
fn at_1m_a_lost_region_is_survived_only_after_disaster_recovery() {
    let r = analyze("1m");
    let seoul = domain(&r, "region seoul");
    assert_eq!(seoul["verdict"], "down");
    // The warm standby takes minutes to bring up (activation 600 s, then health checks).
    let back = seoul["errors_over_after_s"]
        .as_u64()
        .expect("back within the hour");
    assert!((600..2_400).contains(&back), "{back} s");
    // Nothing else takes the service down.
    let down: Vec<&Value> = r["domains"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["verdict"] == "down")
        .collect();
    assert_eq!(down.len(), 1, "{down:?}");
    capacity_is_between_its_users_and_ten_times_them(&r);
}

#[test]
fn at_10m_a_lost_region_is_no_outage() {
    let r = analyze("10m");
    for region in ["region seoul", "region oregon"] {
        let d = domain(&r, region);
        assert_ne!(d["verdict"], "down", "{d}");
        assert!(d["availability"].as_f64().unwrap() > 0.99, "{d}");
        assert!(d["errors_over_after_s"].as_u64().is_some(), "{d}");
    }
    assert!(
        r["domains"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["verdict"] != "down")
    );
    assert!(r["capacity"]["multiple"].as_f64().unwrap() >= 1.0);
}

#[test]
fn more_users_never_hold_when_fewer_did_not() {
    let arch = archtui::preset::load("100").unwrap();
    let holds: Vec<bool> = [1.0, 2.0, 4.0, 8.0]
        .iter()
        .map(|m| archtui::analysis::capacity::holds(&arch, 100.0 * m, 1))
        .collect();
    assert!(holds[0] && !holds[3], "{holds:?}");
    assert!(holds.windows(2).all(|w| w[0] || !w[1]), "{holds:?}");
}

#[test]
fn the_report_is_the_same_whatever_the_number_of_threads() {
    let one = serde_json::to_value(report("100", 1)).unwrap();
    assert_eq!(one, analyze("100"));
}

#[test]
fn the_command_prints_json_text_and_markdown_and_a_bad_preset_exits_2() {
    let out = archtui(&["analyze", "100", "--json", "--threads", "2"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let r: archtui::analysis::Report = report("100", 2);
    assert_eq!(stdout(&out).trim_end(), serde_json::to_string(&r).unwrap());
    let (text, md) = (
        archtui::analysis::render::text(&r),
        archtui::analysis::render::markdown(&r),
    );
    for name in [
        "an instance of web",
        "database primary db",
        "region seoul",
        "Capacity",
    ] {
        assert!(text.contains(name) && md.contains(name), "{name}");
    }
    assert!(md.contains("| domain | verdict |"));
    let bad = archtui(&["analyze", "no-such-preset"]);
    assert_eq!(bad.status.code(), Some(2), "{}", common::stderr(&bad));
}
