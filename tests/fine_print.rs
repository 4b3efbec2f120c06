//! The model's fine print (issue "Model fine print"): near saturation, mixed service times,
//! jitter. Each test states the reference it is held to.

mod common;

use common::run_with_metrics;

fn per_second(m: &[serde_json::Value], from: usize, to: usize, path: &[&str]) -> Vec<f64> {
    m[from..to]
        .iter()
        .map(|line| common::f(line, path))
        .collect()
}

#[test]
fn percentiles_move_with_conditions_instead_of_sitting_on_a_constant() {
    // 10k: most requests are static files from the CDN, a fixed-latency path. Its delays vary
    // from request to request, so the median moves from second to second, and moves with a
    // fault.
    let (_, m) = run_with_metrics("10k", 1, "20m", &["10m=kill-az:a"]);
    let before = per_second(&m, 300, 600, &["latency_ms", "p50"]);
    let mut distinct = before.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert!(
        distinct.len() > 100,
        "{} distinct medians in 300 s",
        distinct.len()
    );
    // While the AZ is lost, requests sent to its dead servers hang until they time out: the
    // tail moves by orders of magnitude. (The median barely moves at 10k — most requests are
    // static files — and within a minute its shift is smaller than its noise.)
    let p99 = |from, to| per_second(&m, from, to, &["latency_ms", "p99"]);
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let (before, during) = (mean(&p99(300, 600)), mean(&p99(600, 650)));
    assert!(
        during > 10.0 * before,
        "p99 {before} ms before, {during} ms while the AZ is lost"
    );
}

/// Users' writes go through an API onto a queue; 40 workers × 2 threads (10 ms each) write them
/// to a 16-vCPU database (30 ms a write: 533 a second). Far more arrives than that.
fn worker_loop() -> String {
    common::measuring_preset(
        "workers draining onto one writer",
        2_000.0,
        "static_fraction = 0\nwrite_fraction = 1",
        "\"a\"",
        r#"[[compute]]
id = "api"
instances = 4
vcpus = 4
service_ms = 1
to = ["db", "queue"]    # reads (none here) from the database, writes queued
[[queue]]
id = "queue"
to = ["workers"]
[[workers]]
id = "workers"
instances = 40
vcpus = 2
service_ms = 10
to = ["db"]
[[database]]
id = "db"
engine = "rds"
primary_az = "a"
vcpus = 16
read_ms = 3
write_ms = 30
max_connections = 1000
"#,
    )
}

/// The closed loop request by request: `threads` each work `own_s` (exponential, on their own
/// CPU), then queue first come first served for one of `servers` writer vCPUs (`write_s`,
/// exponential), then take the next job. Returns jobs per second and the writer's busy share.
fn closed_loop(
    threads: usize,
    own_s: f64,
    servers: usize,
    write_s: f64,
    jobs: usize,
) -> (f64, f64) {
    use archtui::sim::rng::{SimRng, Stream};
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, VecDeque};
    /// An event time, ordered as the heap needs.
    struct At(f64);
    impl PartialEq for At {
        fn eq(&self, o: &Self) -> bool {
            self.cmp(o).is_eq()
        }
    }
    impl Eq for At {}
    impl PartialOrd for At {
        fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(o))
        }
    }
    impl Ord for At {
        fn cmp(&self, o: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&o.0)
        }
    }
    let mut rng = SimRng::new(3, Stream::Traffic);
    // (time, thread, true = its write finished / false = its own work finished)
    let mut events = BinaryHeap::new();
    for t in 0..threads {
        events.push(Reverse((At(rng.exponential(own_s)), t, false)));
    }
    let (mut free, mut waiting) = (servers, VecDeque::new());
    let (mut done, mut busy, mut now, mut last) = (0usize, 0.0, 0.0, 0.0);
    let warm = jobs / 10;
    let mut start = 0.0;
    while done < jobs {
        let Reverse((At(t), thread, wrote)) = events.pop().unwrap();
        if done >= warm {
            busy += (servers - free) as f64 * (t - last);
        }
        last = t;
        now = t;
        if wrote {
            done += 1;
            if done == warm {
                start = now;
            }
            events.push(Reverse((At(now + rng.exponential(own_s)), thread, false)));
            match waiting.pop_front() {
                Some(next) => {
                    events.push(Reverse((At(now + rng.exponential(write_s)), next, true)))
                }
                None => free += 1,
            }
        } else if free > 0 {
            free -= 1;
            events.push(Reverse((At(now + rng.exponential(write_s)), thread, true)));
        } else {
            waiting.push_back(thread);
        }
    }
    let span = now - start;
    ((jobs - warm) as f64 / span, busy / (servers as f64 * span))
}

#[test]
fn the_worker_loop_keeps_its_writer_busy_without_oscillating() {
    let path = common::scratch_file("fine-print", "worker-loop.toml", worker_loop());
    let (_, m) = run_with_metrics(path.to_str().unwrap(), 1, "30m", &[]);
    let busy = per_second(&m, 600, 1_800, &["utilization", "db"]);
    let mean = busy.iter().sum::<f64>() / busy.len() as f64;
    let spread = (busy.iter().map(|b| (b - mean).powi(2)).sum::<f64>() / busy.len() as f64).sqrt();
    assert!(spread / mean < 0.10, "writer busy {mean:.3} ± {spread:.3}");
    assert!(mean >= 0.95, "writer busy {mean:.3}");
    let drained = mean * 16.0 / 0.030;
    let (reference, reference_busy) = closed_loop(80, 0.010, 16, 0.030, 2_000_000);
    assert!(
        (drained - reference).abs() < 0.05 * reference,
        "drains {drained:.0}/s; the closed loop request by request {reference:.0}/s \
         (writer {:.1}% busy)",
        reference_busy * 100.0
    );
}

#[test]
fn a_flushed_cache_gets_its_hottest_keys_back_first() {
    let skewed = std::fs::read_to_string("presets/100k.toml").unwrap();
    assert!(skewed.contains("working_set = 200_000\n"));
    let even = skewed.replace(
        "working_set = 200_000\n",
        "working_set = 200_000\nzipf = 0\n",
    );
    let even = common::scratch_file("fine-print", "even-keys.toml", even);
    let flush = ["10m=drop-cache"];
    let (_, zipf) = run_with_metrics("100k", 3, "30m", &flush);
    let (_, uniform) = run_with_metrics(even.to_str().unwrap(), 3, "30m", &flush);
    let hit = |m: &[serde_json::Value], t: usize| common::f(&m[t], &["cache_hit_ratio"]);
    // Twenty seconds after the flush the hottest keys are back and carry much of the traffic;
    // with every key as hot, the cache has barely started.
    assert!(
        hit(&zipf, 620) > 2.0 * hit(&uniform, 620),
        "hit ratio at +20 s: {} with Zipf keys, {} with even ones",
        hit(&zipf, 620),
        hit(&uniform, 620)
    );
    // Both reach the warm ratio in the end; the long tail of rare keys takes its time.
    assert!(hit(&zipf, 1_799) > 0.8 && hit(&uniform, 1_799) > 0.8);
}

#[test]
fn a_lost_region_loses_its_last_second_of_writes_and_fails_back_only_after_a_resync() {
    let (s, m) = run_with_metrics(
        "10m",
        1,
        "40m",
        &["10m=kill-region:seoul", "20m=restore-region:seoul"],
    );
    // Aurora Global Database replicates in under a second: what the Seoul writers acknowledged
    // in their last second is lost, about one second of their writes, once Oregon's copies
    // are promoted and take writes of their own.
    let lost_events: Vec<_> = s
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "writes_lost")
        .collect();
    assert_eq!(lost_events.len(), 2, "one per shard: {lost_events:?}");
    let promoted = s
        .events
        .iter()
        .find(|e| {
            e.kind.as_str() == "failover_done" && e.component.as_deref() == Some("shard1-oregon")
        })
        .expect("oregon's copy is promoted")
        .t;
    assert!(promoted > 600);
    assert!(
        lost_events.iter().all(|e| e.t == promoted),
        "{lost_events:?}"
    );
    assert!(s.writes_lost > 1_000, "{}", s.writes_lost);
    // Restored at 20 min, Seoul copies its data back for 15 minutes: meanwhile Oregon's copies
    // are the only writers, and Seoul's users stay in Oregon.
    let writer = |t: usize, db: &str| m[t]["db_writers"][db].as_str().map(str::to_string);
    for t in [1_210, 1_800, 2_090] {
        assert_eq!(writer(t, "shard1"), None, "t={t}");
        assert!(writer(t, "shard1-oregon").is_some(), "t={t}");
    }
    assert!(writer(2_110, "shard1").is_some());
    assert_eq!(writer(2_110, "shard1-oregon"), None);
    assert!(common::mean(&m, 1_200, 2_100, &["error_rate"]) < 1e-3);
}

/// The first number in an event's text ("all 400 threads taken", "4 → 12 instances").
fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.trim_matches('.').parse().ok())
        .collect()
}

#[test]
fn events_say_what_the_metrics_show() {
    // A slow database: the web tier's threads fill (the event says how many there are).
    let (s, m) = run_with_metrics("1k", 1, "14m", &["10m=add-latency:db:3000"]);
    for e in s.events.iter().filter(|e| e.kind.as_str() == "saturated") {
        let pool = e.component.as_deref().unwrap();
        let limit = numbers(&e.message)[0];
        let what = if e.message.contains("threads") {
            "threads_in_use"
        } else {
            "connections_in_use"
        };
        let in_use = common::f(&m[e.t as usize], &[what, pool]);
        assert!(in_use > 0.95 * limit, "{}: {in_use} in use", e.message);
    }
    // A flushed cache: cold, then warm at the hit ratio its event gives.
    let (s, m) = run_with_metrics("100k", 3, "40m", &["10m=drop-cache"]);
    let warm = s
        .events
        .iter()
        .find(|e| e.kind.as_str() == "cache_warm")
        .unwrap();
    let said = numbers(&warm.message)[0] / 100.0;
    let seen = common::f(&m[warm.t as usize], &["cache_hit_ratio"]);
    assert!(
        (said - seen).abs() < 0.01,
        "{}: hit ratio {seen}",
        warm.message
    );
    // A crashed primary: the failover's end is when a writer is back.
    let (s, m) = run_with_metrics("1k", 2, "20m", &["5m=kill-db-primary"]);
    let done = s
        .events
        .iter()
        .find(|e| e.kind.as_str() == "failover_done")
        .unwrap();
    assert!(m[done.t as usize - 2]["db_primary"].is_null());
    assert!(m[done.t as usize + 1]["db_primary"].is_string());
    // Scaling out: the group reaches the size its event announced, once the instances boot.
    let (s, m) = run_with_metrics("10k", 1, "40m", &["10m=spike:5x:20m"]);
    let out = s
        .events
        .iter()
        .find(|e| e.kind.as_str() == "scale_out")
        .unwrap();
    let pool = out.component.as_deref().unwrap();
    let target = numbers(&out.message)[1];
    let reached = m[out.t as usize..]
        .iter()
        .take(600)
        .any(|line| common::f(line, &["instances", pool]) >= target);
    assert!(reached, "{}: never reached {target}", out.message);
}

#[test]
fn replicas_fall_behind_a_backed_up_writer_and_serve_stale_reads() {
    // Five times the traffic: the Aurora writer of 10k runs flat out, its queue grows, and the
    // replicas, which apply its changes after it commits them, fall seconds behind.
    let (s, m) = run_with_metrics("10k", 1, "40m", &["10m=spike:5x:20m"]);
    let lag = |t: usize| common::f(&m[t], &["replica_lag_ms", "db"]);
    assert!(lag(300) < 100.0, "healthy: {} ms", lag(300));
    assert_eq!(common::f(&m[300], &["rps_stale"]), 0.0);
    let behind: Vec<usize> = (600..1_800).filter(|&t| lag(t) > 1_000.0).collect();
    assert!(
        !behind.is_empty(),
        "the replicas never fell a second behind"
    );
    let stale: f64 = behind
        .iter()
        .map(|&t| common::f(&m[t], &["rps_stale"]))
        .sum();
    assert!(stale > 0.0 && s.requests.stale > 0);
    // Only while they are that far behind.
    let fresh: f64 = (600..1_800)
        .filter(|&t| lag(t) <= 1_000.0)
        .map(|t| common::f(&m[t], &["rps_stale"]))
        .sum();
    assert_eq!(fresh, 0.0);
}

/// DynamoDB: a hot key throttles one partition while the table has room; the rest of the
/// table serves, the SDK retries what was throttled, and the events say so.
#[test]
fn a_hot_key_throttles_a_dynamodb_table_that_has_room() {
    let (s, m) = run_with_metrics("1m", 1, "25m", &["10m=hot-shard:kv:6x:10m"]);
    let errors = |from, to| common::mean(&m, from, to, &["error_rate"]);
    let throttling: Vec<_> = s
        .events
        .iter()
        .filter(|e| {
            e.component.as_deref() == Some("kv")
                && ["saturated", "recovered"].contains(&e.kind.as_str())
        })
        .collect();
    assert_eq!(throttling.len(), 2, "{throttling:?}");
    assert_eq!(throttling[0].kind.as_str(), "saturated");
    assert!(
        throttling[0].message.contains("a partition takes ×6"),
        "{throttling:?}"
    );
    assert_eq!(throttling[0].t, 600);
    assert_eq!(throttling[1].kind.as_str(), "recovered");
    assert_eq!(throttling[1].t, 1_200);
    // The SDK retries what was throttled: hundreds of the app's calls a second, and
    // users see only what outlasts the retries.
    let retries = |from, to| common::mean(&m, from, to, &["rps_call_retries"]);
    assert!(
        retries(610, 1_190) > 500.0 + 10.0 * retries(300, 600),
        "{}",
        retries(610, 1_190)
    );
    assert_eq!(errors(300, 600), 0.0);
    assert!(
        errors(610, 1_190) > 0.0 && errors(610, 1_190) < 0.001,
        "{}",
        errors(610, 1_190)
    );
    assert!(retries(1_260, 1_500) <= retries(300, 600) + 1.0);
    // Without the hot key the table throttles nothing.
    let (calm, _) = run_with_metrics("1m", 1, "25m", &[]);
    assert!(
        calm.events
            .iter()
            .all(|e| e.component.as_deref() != Some("kv"))
    );
}
