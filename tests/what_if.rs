//! `--set <component>.<field>=<value>`: one flag answers a what-if question, and a bad one is
//! refused naming the flag.

mod common;
use common::{archtui, stdout};
use serde_json::Value;

fn summary(sets: &[&str]) -> Value {
    let mut args = vec!["--preset", "1k", "--headless", "--duration", "2h", "--json"];
    for s in sets {
        args.extend(["--set", s]);
    }
    let out = archtui(&args);
    assert!(out.status.success(), "{sets:?}: {}", common::stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

#[test]
fn a_slower_database_is_slower_and_more_users_are_more_requests() {
    let base = summary(&[]);
    let slow = summary(&["db.read_ms=60", "db.write_ms=120"]);
    let p99 = |s: &Value| s["latency_ms"]["p99"].as_f64().unwrap();
    assert!(
        p99(&slow) > p99(&base) * 1.2,
        "{} vs {}",
        p99(&slow),
        p99(&base)
    );
    let more = summary(&["traffic.users=2000"]);
    let offered = |s: &Value| s["requests"]["offered"].as_f64().unwrap();
    assert!(offered(&more) > 1.9 * offered(&base));
    assert_eq!(more["users"], 2000.0);
}

#[test]
fn a_bad_override_exits_2_and_names_the_flag() {
    for (set, want) in [
        ("nosuch.pods=3", "no component or section `nosuch`"),
        ("web.pods=3", "unknown field `pods`"),
        ("web.instances=many", "invalid type"),
        ("web=3", "name a component and a field"),
    ] {
        let out = archtui(&["--preset", "1k", "--headless", "--set", set]);
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{set}: {err}");
        assert!(err.contains("--set") && err.contains(want), "{set}: {err}");
    }
    // A recording names its preset, not the overrides: refused rather than lost.
    let out = archtui(&[
        "--replay",
        "x.toml",
        "--headless",
        "--set",
        "web.instances=3",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("--set"));
    // A bad override to a drill is the same error.
    let out = archtui(&["drill", "az-loss-1k", "--set", "web.pods=3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("unknown field `pods`"));
}

/// A drill re-run with an override: the incident of `db-failover-1k` with three web servers,
/// and the report says which run it was.
#[test]
fn a_drill_runs_on_its_preset_with_the_overrides() {
    let report = |sets: &[&str]| -> Value {
        let mut args = vec!["drill", "db-failover-1k", "--json"];
        for s in sets {
            args.extend(["--set", s]);
        }
        let out = archtui(&args);
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{}",
            common::stderr(&out)
        );
        serde_json::from_str(&stdout(&out)).unwrap()
    };
    let (base, more) = (report(&[]), report(&["web.instances=3"]));
    assert_eq!(base["overrides"], serde_json::json!([]));
    assert_eq!(more["overrides"], serde_json::json!(["web.instances=3"]));
    // A different architecture, so a different run.
    assert_ne!(base["summary"], more["summary"]);
    let out = archtui(&["drill", "db-failover-1k", "--set", "web.instances=3"]);
    assert!(stdout(&out).contains("preset 1k with --set web.instances=3"));
}

/// The dashboard opens the overridden preset.
#[test]
fn the_dashboard_runs_the_overridden_preset() {
    let sets = vec![archtui::preset::overrides::Override::parse("web.instances=3").unwrap()];
    let mut options = archtui::tui::Options::new("1k");
    options.sets = sets;
    let app = archtui::tui::App::new(options).unwrap();
    let web = app.sim.arch().find("web").unwrap();
    match &app.sim.arch().graph[web].kind {
        archtui::arch::Kind::Pool(p) => assert_eq!(p.instances, 3),
        _ => unreachable!(),
    }
}
