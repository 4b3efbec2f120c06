//! Failures that behave like failures: users wait for failed requests too, a slow callee holds
//! its caller's threads, callers give up at their deadlines while servers work on for nobody,
//! retries are load, and a retry storm outlives its trigger.

mod common;
use archtui::drill;
use common::{f, mean, run_with_metrics, scratch_file};

fn has_event(s: &archtui::report::Summary, kind: &str, component: Option<&str>) -> bool {
    s.events.iter().any(|e| {
        e.kind.as_str() == kind && (component.is_none() || e.component.as_deref() == component)
    })
}

/// One pool of servers called straight by users, in front of a database: small enough to
/// reason about by hand.
fn pool_preset(tag: &str, users: u32, pool_extra: &str) -> String {
    let text = format!(
        r#"title = "one pool and a database"

[traffic]
users = {users}
rps_per_user = 1
static_fraction = 0.5
write_fraction = 0.2

[slo]
p99_ms = 1000
availability = 0.99

[network]
hop_ms = 0.5

[[region]]
id = "here"
azs = ["a"]
user_rtt_ms = 10

[[compute]]
id = "web"
instances = 4
vcpus = 4
service_ms = 50
static_ms = 5
to = ["db"]
{pool_extra}

[[database]]
id = "db"
engine = "rds"
primary_az = "a"
vcpus = 8
read_ms = 10
write_ms = 20
max_connections = 1000
"#
    );
    scratch_file(tag, "pool.toml", text)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn p99_never_improves_when_things_fail() {
    for fault in ["kill-db-primary", "kill-az:a"] {
        let (_, m) = run_with_metrics("1k", 1, "20m", &[&format!("10m={fault}")]);
        let before = mean(&m, 540, 600, &["latency_ms", "p99"]);
        let during = mean(&m, 600, 660, &["latency_ms", "p99"]);
        assert!(
            during >= before,
            "{fault}: p99 {during:.0} ms during, {before:.0} ms before"
        );
        // The requests that fail hang until the database driver gives up (5 s) or longer.
        assert!(
            during > 5_000.0,
            "{fault}: p99 {during:.0} ms during the outage"
        );
        // Answered requests keep their own percentiles.
        assert!(mean(&m, 540, 600, &["latency_ok_ms", "p99"]) < 1_000.0);
    }
}

#[test]
fn a_slow_database_takes_the_web_tier_down_with_it() {
    let (s, m) = run_with_metrics("1k", 1, "14m", &["10m=add-latency:db:3000"]);
    assert_eq!(mean(&m, 540, 600, &["error_rate"]), 0.0);
    assert!(has_event(&s, "saturated", Some("web")));
    // Requests waiting on the database hold all 2 × 200 threads...
    assert!(f(&m[700], &["threads_in_use", "web"]) > 0.99 * 400.0);
    assert_eq!(f(&m[700], &["connections_in_use", "web"]), 20.0);
    // ...so static files, 60 % of the traffic and never near the database, fail too.
    let errors = mean(&m, 660, 840, &["error_rate"]);
    assert!(errors > 0.9, "error rate {errors}");
}

/// A database slower than its callers' 5 s timeout is no better than one just under it: every
/// query to it times out, holding a web thread and a pooled connection for those 5 s. (Once the
/// injected latency alone passed the timeout, the few queries refused at once were read as
/// every query failing at once: the outage looked milder the slower the database.)
#[test]
fn more_database_latency_never_means_a_milder_outage() {
    let mut last_availability = f64::INFINITY;
    for ms in [3_000, 4_900, 5_000, 8_000] {
        let (s, m) = run_with_metrics("1k", 1, "14m", &[&format!("10m=add-latency:db:{ms}")]);
        assert!(
            s.availability <= last_availability,
            "+{ms} ms: availability {} after {last_availability}",
            s.availability
        );
        last_availability = s.availability;
        assert!(
            f(&m[700], &["threads_in_use", "web"]) > 0.99 * 400.0,
            "+{ms} ms"
        );
        assert_eq!(f(&m[700], &["connections_in_use", "web"]), 20.0, "+{ms} ms");
        let p99 = mean(&m, 660, 840, &["latency_ms", "p99"]);
        assert!(p99 >= 5_000.0, "+{ms} ms: p99 {p99:.0} ms");
    }
}

#[test]
fn threads_in_use_follow_littles_law() {
    // In flight = rate × time in the pool, its wait for the database included.
    let path = pool_preset("little", 300, "");
    let (s, m) = run_with_metrics(&path, 3, "10m", &[]);
    let rate = mean(&m, 120, 600, &["rps_served"]);
    let in_use = mean(&m, 120, 600, &["threads_in_use", "web"]);
    // Users pay their round trip and one hop before the pool: the rest is time in it.
    let outside_ms = 10.0 + 0.5;
    let w = (s.latency_ms.mean.unwrap() - outside_ms) / 1e3;
    let error = (in_use - rate * w).abs() / in_use;
    assert!(
        error < 0.02,
        "L = {in_use:.2}, λW = {rate:.1} × {w:.4} = {:.2}: {:.1}% off",
        rate * w,
        error * 100.0
    );
}

#[test]
fn no_request_is_answered_after_its_timeout() {
    // Ten times the users: the web tier is overloaded for the whole run.
    let (s, m) = run_with_metrics(&pool_preset("overload", 6_000, ""), 1, "20m", &[]);
    for line in &m {
        if let Some(p99) = line["latency_ok_ms"]["p99"].as_f64() {
            assert!(p99 <= 10_000.0, "t={}: p99 {p99} ms", line["t"]);
        }
    }
    assert!(
        s.latency_ok_ms.max.unwrap() <= 10_000.0,
        "{:?}",
        s.latency_ok_ms
    );
    assert!(s.availability < 0.9, "it is overloaded: {}", s.availability);
}

#[test]
fn no_user_waits_past_the_users_timeout() {
    // Users do not retry and give up at 10 s. Under a spike the background jobs queue too and
    // time out: their seconds once counted as users', so the run said some waited 12 minutes.
    let s = common::run("10m", None, 1, "40m", &["10m=spike:5x:10m"]);
    assert!(
        s.availability < 0.9,
        "the spike overloads: {}",
        s.availability
    );
    for (what, h) in [("all", &s.latency_ms), ("answered", &s.latency_ok_ms)] {
        let (max, p99) = (h.max.unwrap(), h.p99.unwrap());
        assert!(max <= 10_000.0 && p99 <= max, "{what}: {h:?}");
    }
    // The mean of all requests: at most the failures' 10 s, weighted by their share.
    let failed = s.requests.failed as f64 / s.requests.offered as f64;
    let answered_ms = s.latency_ok_ms.mean.unwrap();
    let most = failed * 10_000.0 + (1.0 - failed) * answered_ms;
    assert!(
        s.latency_ms.mean.unwrap() <= most * 1.01,
        "{:?} against {most:.0}",
        s.latency_ms
    );
}

#[test]
fn a_bigger_spike_is_not_a_longer_recovery() {
    // A FIFO queue with a 60 s timeout holds nothing older than that: once a spike ends, its
    // backlog ages out within a minute, whether the spike was 10 or 100 times the load.
    let recovered_after = |factor: u32| {
        let path = pool_preset(&format!("aging-{factor}"), 300, "");
        let (_, m) = run_with_metrics(&path, 1, "20m", &[&format!("5m=spike:{factor}x:2m")]);
        let end = 420;
        let back = (end..1_200)
            .find(|&t| (t..t + 30).all(|u| f(&m[u], &["error_rate"]) < 0.01))
            .expect("recovers");
        back - end
    };
    let (ten, hundred) = (recovered_after(10), recovered_after(100));
    assert!(
        ten <= 130 && hundred <= 130,
        "{ten} s and {hundred} s after the spike"
    );
    assert!(hundred.abs_diff(ten) <= 10, "{ten} s against {hundred} s");
}

#[test]
fn deadlines_and_shedding_stop_work_done_for_nobody() {
    let run = |tag: &str, extra: &str| {
        let (s, m) = run_with_metrics(&pool_preset(tag, 1_400, extra), 1, "15m", &[]);
        let wasted = mean(&m, 300, 900, &["rps_wasted"]);
        let goodput = mean(&m, 300, 900, &["goodput"]);
        (s, wasted, goodput)
    };
    // The pool can serve ~1,070 requests a second; 1,400 arrive.
    let (plain, wasted, goodput) = run("plain", "");
    assert!(wasted > 100.0, "served for nobody: {wasted}/s");
    assert!(
        plain.latency_ms.p99.unwrap() >= 9_000.0,
        "{:?}",
        plain.latency_ms
    );

    // Without deadlines the whole capacity goes to requests whose users already left.
    assert!(goodput < 1.0, "goodput {goodput}");

    // Dropping expired work leaves room for some in time; what starts with little time left
    // still runs late (the queue is first in, first out).
    let (_, wasted_dp, goodput_dp) = run("deadline", "deadline_propagation = true");
    // (The per-request simulation in validation/ puts it at 61 % of the plain pool's.)
    assert!(wasted_dp < 0.75 * wasted, "{wasted_dp} vs {wasted}");
    assert!(goodput_dp > goodput, "goodput {goodput_dp} vs {goodput}");

    // Refusing what there is no room for serves the whole capacity in time.
    let (shed, wasted_shed, goodput_shed) = run("shed", "load_shedding = true");
    assert!(wasted_shed < 0.01 * wasted, "{wasted_shed} vs {wasted}");
    assert!(
        goodput_shed > goodput_dp,
        "goodput {goodput_shed} vs {goodput_dp}"
    );
    // Refused at once: the users who fail know within a second.
    assert!(
        shed.latency_ms.p50.unwrap() < 1_000.0,
        "{:?}",
        shed.latency_ms
    );
    assert!(has_event(&shed, "shed", Some("web")));
}

#[test]
fn retries_are_load() {
    let (s, m) = run_with_metrics(
        "1k",
        2,
        "20m",
        &["0=set-retry:users:user", "10m=kill-db-primary"],
    );
    let before = mean(&m, 540, 600, &["rps_offered"]);
    let during = mean(&m, 610, 660, &["rps_offered"]);
    assert!(
        during > 1.2 * before,
        "offered {during:.1}/s during, {before:.1}/s before"
    );
    assert!(mean(&m, 610, 660, &["rps_retries"]) > 0.0);
    assert!(s.requests.retries > 0);
    // Requests are conserved: attempts less retries are the users' requests.
    let requests = s.requests.offered - s.requests.retries;
    let accounted = s.requests.served + s.requests.failed + s.requests.in_flight;
    assert!(
        requests.abs_diff(accounted) <= 2,
        "{requests} vs {accounted}"
    );
}

#[test]
fn a_failed_request_took_every_attempt_its_policy_allows() {
    // The web tier is gone for five minutes: every attempt hangs until the users' 10 s
    // timeout. A request that fails has made every attempt its client allows, backoffs
    // between; a retry budget can refuse a retry, never make the first attempt free.
    let outage_p50 = |policy: &str| {
        let (_, m) = run_with_metrics(
            "1k",
            1,
            "20m",
            &[
                &format!("0=set-retry:users:{policy}"),
                "10m=kill-component:web:5m",
            ],
        );
        (620..=880)
            .step_by(20)
            .map(|t| f(&m[t], &["latency_ms", "p50"]))
            .fold(f64::INFINITY, f64::min)
    };
    for (policy, attempts) in [("none", 1.0), ("user", 2.0), ("aggressive", 5.0)] {
        let p50 = outage_p50(policy);
        assert!(
            p50 >= attempts * 10_000.0 * 0.999,
            "{policy}: the slowest requests' p50 {p50:.0} ms for {attempts} attempts"
        );
    }
    let budget = outage_p50("budget");
    assert!(budget >= 10_000.0 * 0.999, "budget: p50 {budget:.0} ms");
}

#[test]
fn a_retry_storm_outlives_its_trigger_and_a_budget_recovers() {
    let measured = |name: &str, check: &str| {
        let r = drill::run(&drill::load(name).unwrap());
        let c = r.checks.iter().find(|c| c.name.starts_with(check)).unwrap();
        (r.verdict, c.measured)
    };
    // Aggressive retries: every request still fails 15 to 20 minutes after the surge ended.
    let (_, still) = measured("retry-storm", "the storm is still raging");
    assert!(still.unwrap() >= 0.5, "{still:?}");
    let (_, recovered) = measured("retry-storm", "the service recovers");
    assert_eq!(recovered, None, "never recovers");
    // Backoff, jitter and a budget: back to normal within 5 minutes of the surge's end.
    let (_, recovered) = measured("retry-budget", "the service recovers");
    let after_surge_start = recovered.expect("recovers");
    assert!(after_surge_start <= 120.0 + 300.0, "{after_surge_start}");
}

#[test]
fn failover_events_say_which_requests_fail() {
    let failover = |preset: &str, seed: u64| {
        let (s, m) = run_with_metrics(preset, seed, "12m", &["10m=kill-db-primary"]);
        let start = s
            .events
            .iter()
            .find(|e| e.kind.as_str() == "failover_start");
        (start.expect("a failover starts").message.clone(), m)
    };
    // RDS Multi-AZ without replicas: reads go to the writer too, and fail with it.
    let (said, m) = failover("1k", 2);
    assert!(said.contains("reads and writes fail"), "{said}");
    // Dynamic requests are 40 % of the traffic, and 10 % of them write: reads fail too.
    assert!(f(&m[605], &["error_rate"]) > 0.1, "{}", m[605]);
    // Aurora with its only reader promoted: reads have nowhere to go either.
    let (said, _) = failover("10k", 1);
    assert!(said.contains("reads fail too"), "{said}");
}
