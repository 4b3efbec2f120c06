//! The drill engine through the library: every built-in drill reaches the verdict it expects
//! and teaches its lesson in numbers, runs are deterministic, a drill applies its actions
//! exactly as `--inject` does, and checks resolve as soon as they can.

mod common;
use archtui::drill::{self, Drill, DrillReport, DrillRun, Outcome, Phase, Verdict};
use archtui::headless;
use archtui::report::MetricsLine;

fn load(name: &str) -> Drill {
    drill::load(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn check<'a>(report: &'a DrillReport, name_starts: &str) -> &'a drill::report::CheckReport {
    report
        .checks
        .iter()
        .find(|c| c.name.starts_with(name_starts))
        .unwrap_or_else(|| panic!("{}: no check `{name_starts}`", report.drill))
}

#[test]
fn every_built_in_drill_reaches_the_verdict_it_expects() {
    assert!(drill::BUILTIN.len() >= 8);
    for b in drill::BUILTIN {
        let d = load(b.name);
        let r = drill::run(&d);
        let failed: Vec<&str> = r
            .checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.name.as_str())
            .collect();
        assert!(
            r.as_expected,
            "{}: verdict {:?}, expected {:?}; failed: {failed:?}",
            b.name, r.verdict, r.expected
        );
        assert!(
            r.steady_state.iter().all(|c| c.ok),
            "{}: the steady state must hold",
            b.name
        );
        assert!(r.checks.iter().all(|c| c.status != "not_run"), "{}", b.name);
        assert!(r.steps.iter().all(|s| s.applied), "{}", b.name);
        assert_eq!(r.ended_at_s, d.duration.secs(), "{}", b.name);
        assert!(!r.checks.is_empty() && !d.rollback.is_empty(), "{}", b.name);
        if d.expect == drill::Expect::Pass {
            assert!(failed.is_empty(), "{}: {failed:?}", b.name);
        }
    }
}

#[test]
fn the_single_server_drill_fails_for_the_right_reasons() {
    let r = drill::run(&load("spof-100"));
    assert_eq!(r.verdict, Verdict::Fail);
    for hope in [
        "something replaces",
        "users are served again",
        "availability stays",
    ] {
        let c = check(&r, hope);
        assert_eq!(c.status, "failed", "{hope}");
    }
    assert_eq!(check(&r, "availability stays").measured, Some(0.0));
    assert_eq!(check(&r, "users are served again").measured, None);
    // Only the person restarting it brings it back.
    assert!(check(&r, "the manual restart").ok);
}

#[test]
fn disaster_recovery_takes_minutes_active_active_about_one() {
    let warm = drill::run(&load("region-loss-1m"));
    let active = drill::run(&load("region-loss-10m"));
    let recovery = |r: &DrillReport| check(r, "users are served again").measured.unwrap();
    let (warm_s, active_s) = (recovery(&warm), recovery(&active));
    assert!(warm_s > 10.0 * 60.0, "warm standby: {warm_s} s");
    assert!(active_s < 3.0 * 60.0, "active-active: {active_s} s");
    assert!(
        warm.summary.availability < 0.95 && active.summary.availability > 0.99,
        "{} vs {}",
        warm.summary.availability,
        active.summary.availability
    );
}

#[test]
fn the_lessons_show_in_the_numbers() {
    let measured = |drill: &str, check_name: &str| {
        let r = drill::run(&load(drill));
        check(&r, check_name).measured.unwrap()
    };
    // A Multi-AZ failover takes the documented 60–120 s.
    let failover = measured("db-failover-1k", "the standby takes over");
    assert!((60.0..=120.0).contains(&failover), "{failover}");
    // Auto Scaling needs three one-minute datapoints before it acts.
    let scale_out = measured("flash-sale-10k", "Auto Scaling adds");
    assert!((120.0..=240.0).contains(&scale_out), "{scale_out}");
    // The CDN keeps the origin's load far below the 1,300 static requests a second of the sale.
    assert!(measured("flash-sale-10k", "the CDN answers") < 200.0);
    // Queued writes: users see no errors while the oldest message waits over a minute.
    assert!(measured("worker-loss-100k", "but writes wait") > 60.0);
    assert_eq!(measured("worker-loss-100k", "users never see it"), 0.0);
    // A flushed cache sends reads to replicas sized for a tenth of them.
    assert!(measured("cache-flush-100k", "the herd overloads") > 1.0);
}

#[test]
fn a_drill_run_is_deterministic() {
    let d = load("az-loss-1k");
    let a = serde_json::to_string(&drill::run(&d)).unwrap();
    let b = serde_json::to_string(&drill::run(&d)).unwrap();
    assert_eq!(a, b);
    let mut other = d.clone();
    other.seed += 1;
    assert_ne!(a, serde_json::to_string(&drill::run(&other)).unwrap());
}

#[test]
fn a_drill_applies_its_steps_exactly_like_injections() {
    // The drill engine and `--inject` must be interchangeable: same seconds, same order.
    for name in ["worker-loss-100k", "hot-shard-1m"] {
        let d = load(name);
        let mut from_drill = Vec::new();
        drill::run_with(&d, |sim| {
            from_drill.push(serde_json::to_string(&MetricsLine::of(sim)).unwrap());
        });
        let injections = d.injections();
        let mut from_inject = Vec::new();
        headless::run(d.architecture(), d.seed, d.duration, &injections, |sim| {
            from_inject.push(serde_json::to_string(&MetricsLine::of(sim)).unwrap());
            Ok::<_, ()>(())
        })
        .unwrap();
        assert_eq!(from_drill.len(), from_inject.len(), "{name}");
        assert!(from_drill == from_inject, "{name}: metrics differ");
    }
}

#[test]
fn a_live_run_moves_through_its_phases_and_resolves_checks_early() {
    let d = load("az-loss-1k");
    let mut sim = d.simulation();
    let mut run = DrillRun::new(&d);
    let first = d.steps[0].t;
    assert_eq!(run.next_step().map(|(t, _)| t), Some(first));
    let mut phases = vec![run.phase()];
    let mut applied = Vec::new();
    let mut decided_early = false;
    loop {
        applied.extend(run.before_step(&mut sim));
        if run.finished() {
            break;
        }
        sim.step();
        run.after_step(&sim);
        if phases.last() != Some(&run.phase()) {
            phases.push(run.phase());
        }
        // The failover check turns green the second it happens, long before the end.
        let failover = &run.checks()[1];
        if failover.outcome == Outcome::Passed && sim.time() < d.duration.secs() - 600 {
            decided_early = true;
            assert_eq!(
                failover.decided_at,
                Some(failover.check.anchor + failover.measured.unwrap() as u64)
            );
        }
        assert!(run.verdict().is_none());
    }
    assert_eq!(phases, [Phase::SteadyState, Phase::Running]);
    assert_eq!(run.phase(), Phase::Done);
    assert!(decided_early);
    assert_eq!(run.verdict(), Some(Verdict::Pass));
    assert!(run.next_step().is_none());
    // Steps at their seconds, then the rollback when the time is up.
    let times: Vec<(u64, Option<usize>)> = applied.iter().map(|a| (a.t, a.step)).collect();
    assert_eq!(
        times,
        [(600, Some(0)), (1_500, Some(1)), (2_400, None)],
        "{applied:?}"
    );
    assert!(applied.iter().all(|a| a.error.is_none()));
    assert_eq!(sim.time(), d.duration.secs());
    assert_eq!(run.report(&sim).verdict, Verdict::Pass);
}

#[test]
fn a_drill_can_start_in_the_middle_of_a_session() {
    let d = load("db-failover-1k");
    let mut sim = d.simulation();
    for _ in 0..120 {
        sim.step();
    }
    let mut run = DrillRun::starting_at(&d, 120);
    assert_eq!(run.next_step().map(|(t, _)| t), Some(120 + d.steps[0].t));
    while !run.finished() {
        for a in run.before_step(&mut sim) {
            if let Some(i) = a.step {
                assert_eq!(a.t, 120 + d.steps[i].t);
            }
        }
        if run.finished() {
            break;
        }
        sim.step();
        run.after_step(&sim);
    }
    assert_eq!(run.verdict(), Some(Verdict::Pass));
    assert_eq!(sim.time(), 120 + d.duration.secs());
}

#[test]
fn a_steady_state_that_does_not_hold_makes_the_drill_invalid() {
    let d = common::impossible_drill();
    let mut sim = d.simulation();
    let mut run = DrillRun::new(&d);
    while !run.finished() {
        assert!(run.before_step(&mut sim).is_empty(), "nothing is applied");
        if run.finished() {
            break;
        }
        sim.step();
        run.after_step(&sim);
    }
    assert_eq!(run.phase(), Phase::Aborted);
    // A `max` over its bound is known at the first second: no need to wait ten minutes.
    assert_eq!(sim.time(), 1);
    let r = run.report(&sim);
    assert_eq!(r.verdict, Verdict::Invalid);
    assert!(!r.as_expected);
    assert!(!r.steps[0].applied);
    assert_eq!(r.checks[0].status, "not_run");
    assert!(r.rollback.is_empty());
    assert_eq!(r.steady_state[0].status, "failed");
}

#[test]
fn every_built_in_drill_reads_back_the_same_from_its_file() {
    // The embedded copy and the file on disk are the same drill (include_str! keeps them so).
    for b in drill::BUILTIN {
        let path = format!("{}/drills/{}.toml", env!("CARGO_MANIFEST_DIR"), b.name);
        let from_file = drill::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let builtin = load(b.name);
        assert_eq!(from_file.steps, builtin.steps, "{}", b.name);
        assert_eq!(from_file.checks, builtin.checks, "{}", b.name);
        assert!(
            b.source.contains("narration"),
            "{}: tell the audience",
            b.name
        );
    }
}

#[test]
fn the_readme_example_is_a_working_drill() {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("### Drill format").expect("a format section")..];
    let start = section.find("```toml\n").expect("an example") + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let d = drill::parse("readme", "README.md", example, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((d.steps.len(), d.checks.len()), (2, 3));
    let r = drill::run(&d);
    assert!(r.as_expected, "{:?}", r.checks);
}
