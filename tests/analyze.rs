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
fn cached(preset: &str) -> archtui::analysis::Report {
    type Reports = std::sync::Mutex<Vec<(String, archtui::analysis::Report)>>;
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    let reports = REPORTS.get_or_init(Default::default);
    if let Some((_, r)) = reports.lock().unwrap().iter().find(|(p, _)| p == preset) {
        return r.clone();
    }
    let r = report(preset, 2);
    reports
        .lock()
        .unwrap()
        .push((preset.to_string(), r.clone()));
    r
}

/// A preset's report as its JSON says it.
fn analyze(preset: &str) -> Value {
    serde_json::to_value(cached(preset)).unwrap()
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
    // Nothing else short of losing a whole component takes the service down.
    let down: Vec<&Value> = parts(&r).filter(|d| d["verdict"] == "down").collect();
    assert_eq!(down.len(), 1, "{down:?}");
    // Losing the primary region's load balancer fails Route 53's health checks over to the
    // standby region, after disaster recovery like a lost region.
    let alb = domain(&r, "all of alb");
    assert_eq!(alb["verdict"], "down", "{alb}");
    let back = alb["errors_over_after_s"]
        .as_u64()
        .expect("back within the hour");
    assert!((600..2_400).contains(&back), "{back} s");
    capacity_is_between_its_users_and_ten_times_them(&r);
}

/// The domains that lose part of a component, an AZ or a region (not a whole component).
fn parts(r: &Value) -> impl Iterator<Item = &Value> {
    r["domains"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["action"].as_str().unwrap().starts_with("kill-component:"))
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
    assert!(parts(&r).all(|d| d["verdict"] != "down"));
    // Active-active: a region's load balancer lost as a whole is absorbed by the other region
    // once Route 53 sees it fail, within minutes; only the global entry is down when lost.
    for alb in ["all of alb", "all of alb-oregon"] {
        let d = domain(&r, alb);
        assert_ne!(d["verdict"], "down", "{d}");
        assert!(d["recovered_after_s"].as_u64().is_some(), "{d}");
    }
    assert_eq!(domain(&r, "all of dns")["verdict"], "down");
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

/// The bisection's answer is a day that holds, within 2 % of one that does not.
#[test]
fn the_capacity_found_holds_and_two_percent_more_does_not() {
    let arch = archtui::preset::load("100").unwrap();
    let users = cached("100").capacity.users;
    assert!(archtui::analysis::capacity::holds(&arch, users, 1));
    assert!(!archtui::analysis::capacity::holds(&arch, users * 1.02, 1));
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
    // The user named it on analyze's line, not with --preset.
    assert!(
        common::stderr(&bad).starts_with("error: analyze: unknown preset"),
        "{}",
        common::stderr(&bad)
    );
}

/// `archtui story`: the seeds' narrative holds, told from the six tiers' reports.
#[test]
fn every_tier_holds_its_users_and_removes_something_of_the_one_before() {
    let reports: Vec<_> = common::PRESETS.iter().map(|p| cached(p)).collect();
    let story = archtui::analysis::story::tell(1, &reports);
    assert!(story.capacity_within_1_to_10x, "{story:#?}");
    assert!(story.every_step_removes_something, "{story:#?}");
    assert_eq!(story.steps.len(), 5);
    let tier = |name: &str| story.tiers.iter().find(|t| t.preset == name).unwrap();
    // One server and one database are single points; two regions leave none.
    let spof = &tier("100").single_points;
    assert!(spof.iter().any(|s| s == "an instance of web"), "{spof:?}");
    assert!(spof.iter().any(|s| s == "database primary db"), "{spof:?}");
    assert!(tier("10m").single_points.is_empty(), "{:?}", tier("10m"));
    // Each tier's users are its preset's, exactly: 100, 1,000, … 10 million.
    for (t, users) in story.tiers.iter().zip([1e2, 1e3, 1e4, 1e5, 1e6, 1e7]) {
        assert_eq!(t.users, users, "{}", t.preset);
    }
    // 1k takes away the lone server; 1m's standby region brings users back within the hour.
    let step = |to: &str| story.steps.iter().find(|s| s.to == to).unwrap();
    assert!(
        step("1k")
            .removed_single_points
            .iter()
            .any(|(d, _)| d == "an instance of web"),
        "{:?}",
        step("1k")
    );
    assert_eq!(step("1m").now_recovers, ["region seoul"]);
    assert!(
        tier("1m")
            .region_recovered_after_s
            .is_some_and(|s| s < 3_600)
    );
    // Each tier costs more an hour, and less per user.
    for pair in story.tiers.windows(2) {
        assert!(pair[1].peak_usd_per_hour > pair[0].peak_usd_per_hour);
        assert!(pair[1].usd_per_user_per_month < pair[0].usd_per_user_per_month);
    }
    let text = archtui::analysis::story::render::text(&story);
    assert!(text.contains("1k over 100: losing an instance of web no longer takes it down"));
}

/// `archtui diff`: what 1k adds to 100, and what that does for users.
#[test]
fn a_diff_names_what_changed_and_which_losses_hurt_less() {
    let load = |p: &str| archtui::preset::load(p).unwrap();
    let d =
        archtui::analysis::diff::compare(&load("100"), &load("1k"), &cached("100"), &cached("1k"));
    assert!(
        d.added.iter().any(|c| c == "alb (load_balancer)"),
        "{:?}",
        d.added
    );
    let web_instances = d
        .changed
        .iter()
        .find(|c| c.component == "web" && c.field == "instances")
        .expect("web grew");
    assert_eq!(
        (web_instances.from.as_str(), web_instances.to.as_str()),
        ("1", "2")
    );
    assert!(
        d.better
            .iter()
            .any(|m| m.domain == "an instance of web" && m.to != archtui::analysis::Verdict::Down),
        "{:?}",
        d.better
    );
    assert!(
        d.capacity_ratio.is_some_and(|r| r > 1.0) && d.cost_ratio > 1.0,
        "{d:?}"
    );
    let md = archtui::analysis::diff::render::markdown(&d);
    assert!(md.starts_with("# `100` → `1k`"), "{md}");
}

#[test]
fn story_refuses_overrides_and_diff_names_a_missing_preset() {
    let out = archtui(&["story", "--set", "web.vcpus=4"]);
    assert_eq!(out.status.code(), Some(2));
    let out = archtui(&["diff", "100", "no-such-preset"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("no-such-preset"),
        "{}",
        common::stderr(&out)
    );
}

/// Near the model's limits the capacity search stops at them: a tier at two billion users (a
/// tenth of them still far beyond one server) says that not even the fewest searched hold, and
/// `diff` has no ratio when nothing held in the first. None of it is a panic.
#[test]
fn the_capacity_search_stays_within_the_models_limits() {
    let out = archtui(&[
        "analyze",
        "1k",
        "--set",
        "traffic.users=2000000000",
        "--json",
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let r: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let c = &r["capacity"];
    assert_eq!(c["below_search"], true);
    assert_eq!(c["users"].as_f64(), Some(0.0));
    assert!(c["bottleneck"].is_string());
    let out = archtui(&["analyze", "1k", "--set", "traffic.users=2000000000"]);
    assert!(stdout(&out).contains("does not hold even 200,000,000 users"));

    let crowded = std::fs::read_to_string("presets/100.toml")
        .unwrap()
        .replace("users = 100\n", "users = 5000000000\n");
    let crowded = common::scratch_file("capacity-limits", "crowded.toml", crowded);
    let crowded = crowded.to_str().unwrap();
    let out = archtui(&["diff", crowded, "100", "--json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let d: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(d["capacity_users"][0].as_f64(), Some(0.0));
    assert!(d["capacity_ratio"].is_null(), "{d}");
    let out = archtui(&["diff", crowded, "100"]);
    assert!(stdout(&out).contains("none held in the first"));
}
