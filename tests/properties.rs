//! Random fault sequences on every preset, with users switching retry policies: whatever
//! happens, the numbers stay finite and non-negative, requests and attempts are conserved,
//! instance counts stay within their bounds, and every second with errors lies under an event
//! that says where requests fail.

mod common;

use archtui::action::Action;
use archtui::arch::{Architecture, Kind};
use archtui::report::MetricsLine;
use archtui::retry_policy::RetryPolicy;
use archtui::sim::{NodeState, Simulation};
use archtui::units::Duration;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::Arc;

/// One random fault: when (seconds into the run), which kind, and numbers to pick its target,
/// size and length with.
#[derive(Debug, Clone)]
struct Fault {
    at: u64,
    kind: u8,
    pick: usize,
    size: f64,
    minutes: u64,
}

fn faults() -> impl Strategy<Value = (u64, Vec<Fault>)> {
    let fault = (
        0u64..1_500,
        any::<u8>(),
        any::<usize>(),
        0.0f64..1.0,
        1u64..20,
    )
        .prop_map(|(at, kind, pick, size, minutes)| Fault {
            at,
            kind,
            pick,
            size,
            minutes,
        });
    (any::<u64>(), prop::collection::vec(fault, 0..10))
}

/// Turns a random fault into an action this architecture has.
fn action(arch: &Architecture, f: &Fault) -> Action {
    let azs: Vec<String> = arch.all_azs().map(|a| arch.az_name(a)).collect();
    let regions: Vec<String> = arch.regions.iter().map(|r| r.id.clone()).collect();
    let ids = |pred: &dyn Fn(&Kind) -> bool| -> Vec<String> {
        arch.nodes()
            .filter(|(_, c)| pred(&c.kind))
            .map(|(_, c)| c.id.clone())
            .collect()
    };
    let pick = |list: &[String]| list[f.pick % list.len()].clone();
    let caches = ids(&|k| matches!(k, Kind::Cache(_)));
    let writers = ids(&|k| matches!(k, Kind::Database(db) if db.replicates_from.is_none()));
    let groups: Vec<String> = arch.groups().map(|(_, id)| id).collect();
    let everything = ids(&|_| true);
    let mut callers = vec!["users".to_string()];
    callers.extend(ids(&|k| matches!(k, Kind::Pool(_))));
    let policies: Vec<String> = RetryPolicy::NAMED
        .iter()
        .map(|(name, _, _)| name.to_string())
        .collect();
    let duration = Some(Duration::from_secs(f.minutes * 60));
    let pools = ids(&|k| matches!(k, Kind::Pool(_)));
    let candidate = match f.kind % 14 {
        0 => Action::KillAz(pick(&azs)),
        1 => Action::RestoreAz(pick(&azs)),
        2 => Action::KillRegion(pick(&regions)),
        3 => Action::RestoreRegion(pick(&regions)),
        4 => Action::Spike {
            factor: 1.0 + f.size * 9.0,
            duration,
        },
        5 if !caches.is_empty() => Action::DropCache(Some(pick(&caches))),
        6 if !writers.is_empty() => Action::KillDbPrimary(Some(pick(&writers))),
        7 if !groups.is_empty() => Action::KillInstance(pick(&groups)),
        8 => Action::AddLatency {
            component: pick(&everything),
            ms: f.size * 3_000.0,
            duration,
        },
        9 if !writers.is_empty() => Action::HotShard {
            database: pick(&writers),
            factor: 1.0 + f.size * 7.0,
            duration,
        },
        10 => Action::SetRetry {
            caller: pick(&callers),
            policy: policies[(f.minutes as usize) % policies.len()].clone(),
        },
        11 if !pools.is_empty() => Action::DegradeInstance {
            group: pick(&pools),
            factor: 1.5 + f.size * 10.0,
            duration,
        },
        // Not every pool runs in every AZ: a mismatch falls back to a restore below.
        12 if !pools.is_empty() => Action::KillInstancesIn {
            group: pick(&pools),
            az: azs[(f.minutes as usize) % azs.len()].clone(),
        },
        _ => Action::RestoreAll,
    };
    // Not every database is one of several shards; fall back to a restore.
    if candidate.check(arch).is_ok() {
        candidate
    } else {
        Action::RestoreAll
    }
}

fn bad(what: impl Into<String>) -> TestCaseError {
    TestCaseError::fail(what.into())
}

fn check_numbers(line: &serde_json::Value, path: &str) -> Result<(), TestCaseError> {
    match line {
        serde_json::Value::Number(n) => {
            let x = n.as_f64().unwrap();
            if !x.is_finite() || x < 0.0 {
                return Err(bad(format!("{path} = {x}")));
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                check_numbers(v, &format!("{path}.{k}"))?;
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_numbers(v, &format!("{path}[{i}]"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_second(sim: &Simulation) -> Result<(), TestCaseError> {
    let arch = sim.arch();
    let line = serde_json::to_value(MetricsLine::of(sim)).unwrap();
    check_numbers(&line, "metrics")?;
    let ratio = &line["cache_hit_ratio"];
    if let Some(r) = ratio.as_f64()
        && r > 1.0
    {
        return Err(bad(format!("cache hit ratio {r}")));
    }
    let error_rate = line["error_rate"].as_f64().unwrap();
    if error_rate > 1.0 {
        return Err(bad(format!("error rate {error_rate}")));
    }

    // Conservation of requests: every request users made (attempts less retries) was
    // answered, failed for good, or is still waiting somewhere (in a queue, or for a retry).
    let t = sim.totals();
    let requests = t.offered - t.retries;
    let accounted = t.served + t.failed + sim.queued_requests();
    if (requests - accounted).abs() > 1e-6 * t.offered.max(1.0) {
        return Err(bad(format!(
            "{requests} requests but served + failed + queued = {accounted}"
        )));
    }
    // Conservation of attempts: the retries sent never exceed the failed attempts retried.
    if t.retries > t.retried + 1e-6 * t.offered.max(1.0) {
        return Err(bad(format!(
            "{} retries sent, {} scheduled",
            t.retries, t.retried
        )));
    }

    // Instances stay within their bounds.
    for (n, c) in arch.nodes() {
        let pool = match (sim.node(n), &c.kind) {
            (NodeState::Pool(p), _) => Some(p),
            (NodeState::Database(db), _) => db.replicas.as_ref(),
            _ => None,
        };
        if let Some(p) = pool {
            if p.desired < p.min || p.desired > p.max {
                return Err(bad(format!(
                    "{}: desired {} outside {}..={}",
                    c.id, p.desired, p.min, p.max
                )));
            }
            if p.serving() > p.max {
                return Err(bad(format!(
                    "{}: {} serving, above max {}",
                    c.id,
                    p.serving(),
                    p.max
                )));
            }
        }
    }
    Ok(())
}

/// Every second in which more than 0.1 % of requests fail lies under a `failing` event that
/// names where they fail and how, opened by then and not yet closed.
#[derive(Default)]
struct Explained {
    seen: usize,
    open: bool,
}

impl Explained {
    fn check(&mut self, sim: &Simulation) -> Result<(), TestCaseError> {
        for e in &sim.events()[self.seen..] {
            match e.kind.as_str() {
                "failing" => self.open = true,
                "recovered" if e.message.starts_with("users' requests succeed again") => {
                    self.open = false
                }
                _ => {}
            }
        }
        self.seen = sim.events().len();
        let error_rate = sim.last().error_rate();
        if error_rate > 0.001 && !self.open {
            return Err(bad(format!(
                "{:.3}% of requests fail and no event says where",
                error_rate * 100.0
            )));
        }
        Ok(())
    }
}

fn run_plan(arch: &Arc<Architecture>, seed: u64, plan: &[Fault]) -> Result<(), TestCaseError> {
    let mut actions: Vec<(u64, Action)> = plan.iter().map(|f| (f.at, action(arch, f))).collect();
    actions.sort_by_key(|(at, _)| *at);
    let mut sim = Simulation::new(arch.clone(), seed);
    let mut next = actions.into_iter().peekable();
    let mut cause = Explained::default();
    for _ in 0..1_800 {
        while let Some((_, a)) = next.next_if(|(at, _)| *at <= sim.time()) {
            sim.apply(&a).map_err(|e| bad(format!("{a}: {e}")))?;
        }
        sim.step();
        check_second(&sim).map_err(|e| bad(format!("t={}: {e}", sim.time())))?;
        cause
            .check(&sim)
            .map_err(|e| bad(format!("t={}: {e}", sim.time())))?;
    }
    let summary = archtui::report::Summary::of(&sim, Vec::new());
    check_numbers(&serde_json::to_value(&summary).unwrap(), "summary")
}

#[test]
fn invariants_hold_under_random_faults_on_every_preset() {
    for preset in common::PRESETS {
        let arch = Arc::new(archtui::preset::load(preset).unwrap());
        let mut runner = TestRunner::new(Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        });
        runner
            .run(&faults(), |(seed, plan)| run_plan(&arch, seed, &plan))
            .unwrap_or_else(|e| panic!("preset {preset}: {e}"));
    }
}

/// A case the property test once found: floating-point dust in a second with next to no
/// requests made the error rate exceed 1.
#[test]
fn a_second_of_dust_keeps_its_error_rate_within_one() {
    let arch = Arc::new(archtui::preset::load("1k").unwrap());
    let plan = [
        (
            716,
            238,
            844_805_699_269_346_622,
            0.928_015_000_964_383_2,
            8,
        ),
        (
            541,
            88,
            15_860_078_590_881_078_060,
            0.946_402_700_308_361_7,
            2,
        ),
        (
            637,
            139,
            14_231_773_099_152_368_718,
            0.127_124_091_724_740_62,
            1,
        ),
    ]
    .map(|(at, kind, pick, size, minutes)| Fault {
        at,
        kind,
        pick,
        size,
        minutes,
    });
    run_plan(&arch, 12_670_046_682_797_021_781, &plan).unwrap_or_else(|e| panic!("{e}"));
}
