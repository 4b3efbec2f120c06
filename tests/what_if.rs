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
    // Not wired into the dashboard and drills yet: said, not ignored.
    let out = archtui(&["drill", "az-loss-1k", "--set", "web.instances=3"]);
    assert_eq!(out.status.code(), Some(2));
}
