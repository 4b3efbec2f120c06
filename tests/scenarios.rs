//! How each tier reacts to the faults its lessons are about.

mod common;
use common::{f, mean, run_with_metrics};
use serde_json::Value;

/// The metrics line of second `t`.
fn at(lines: &[Value], t: u64) -> &Value {
    &lines[t as usize]
}

fn event<'a>(
    summary: &'a archtui::report::Summary,
    kind: &str,
    component: Option<&str>,
) -> Option<&'a archtui::sim::events::Event> {
    summary.events.iter().find(|e| {
        e.kind.as_str() == kind && (component.is_none() || e.component.as_deref() == component)
    })
}

#[test]
fn losing_an_az_at_1k_sends_its_load_to_the_other_and_recovers() {
    let (s, m) = run_with_metrics("1k", 1, "40m", &["10m=kill-az:a", "25m=restore-az:a"]);
    // Before: no errors, both instances serving.
    assert_eq!(mean(&m, 300, 600, &["error_rate"]), 0.0);
    assert_eq!(f(at(&m, 599), &["instances", "web"]), 2.0);
    // Right after: the dead instance still gets its share until the ALB notices, and the
    // database fails over: errors.
    assert!(mean(&m, 600, 660, &["error_rate"]) > 0.05, "errors rise");
    let noticed =
        event(&s, "health_check_fail", Some("web")).expect("the ALB notices the dead target");
    assert!(
        (600 + 30..=600 + 60).contains(&noticed.t),
        "two failed checks 30 s apart: {}",
        noticed.t
    );
    // The surviving AZ carries everything: one instance, twice the utilisation, no errors.
    assert_eq!(f(at(&m, 900), &["instances", "web"]), 1.0);
    assert!(mean(&m, 800, 1_500, &["error_rate"]) < 1e-6);
    let before = mean(&m, 300, 600, &["utilization", "web"]);
    let during = mean(&m, 800, 1_500, &["utilization", "web"]);
    assert!(during > 1.8 * before && during < 1.0, "{before} → {during}");
    assert!(
        !at(&m, 900)["healthy_azs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "seoul/a")
    );
    // After the AZ returns its instance boots, passes health checks and serves again.
    assert_eq!(f(at(&m, 2_399), &["instances", "web"]), 2.0);
    assert!(mean(&m, 2_100, 2_400, &["error_rate"]) < 1e-6);
}

#[test]
fn crashing_the_1k_primary_fails_writes_until_the_standby_takes_over() {
    let (s, m) = run_with_metrics("1k", 2, "20m", &["5m=kill-db-primary"]);
    assert_eq!(at(&m, 299)["db_primary"], "db-a");
    let start = event(&s, "failover_start", Some("db")).expect("failover starts");
    let done = event(&s, "failover_done", Some("db")).expect("failover finishes");
    let took = done.t - start.t;
    assert!(
        (60..=120).contains(&took),
        "RDS Multi-AZ failover takes 60–120 s, took {took}"
    );
    // During the failover nothing takes writes (and, with no replicas, reads fail too).
    assert!(at(&m, 330)["db_primary"].is_null());
    assert!(
        f(at(&m, 310), &["error_rate"]) > 0.2,
        "dynamic requests fail"
    );
    assert!(
        f(at(&m, 310), &["error_rate"]) < 0.6,
        "static files from the web servers still work at first"
    );
    // Then the requests waiting for a database connection hold every web thread, and static
    // files fail too.
    let exhausted = event(&s, "saturated", Some("web")).expect("web runs out of threads");
    assert!(exhausted.t < done.t);
    assert!(mean(&m, done.t - 20, done.t, &["error_rate"]) > 0.9);
    // Afterwards the standby in AZ b is the primary; the queue of waiting requests drains
    // within seconds and errors are gone.
    let after = done.t + 20;
    assert_eq!(at(&m, after)["db_primary"], "db-b");
    assert!(mean(&m, after, after + 300, &["error_rate"]) < 1e-6);
}

#[test]
fn flushing_the_100k_cache_sends_a_herd_to_the_database_until_it_warms_up() {
    let (s, m) = run_with_metrics("100k", 3, "40m", &["10m=drop-cache"]);
    let hit_before = mean(&m, 300, 600, &["cache_hit_ratio"]);
    let db_before = mean(&m, 300, 600, &["utilization", "db-replicas"]);
    let p99_before = mean(&m, 300, 600, &["latency_ms", "p99"]);
    assert!(hit_before > 0.85, "{hit_before}");
    assert!(
        f(at(&m, 600), &["cache_hit_ratio"]) < 0.05,
        "the hit ratio falls to about zero"
    );
    let db_after = mean(&m, 600, 630, &["utilization", "db-replicas"]);
    assert!(
        db_after > 3.0 * db_before,
        "database utilisation jumps: {db_before} → {db_after}"
    );
    let p99_after = (600..660)
        .map(|t| f(at(&m, t), &["latency_ms", "p99"]))
        .fold(0.0, f64::max);
    assert!(
        p99_after > 3.0 * p99_before,
        "p99 jumps: {p99_before} → {p99_after}"
    );
    assert!(event(&s, "cache_cold", Some("cache")).is_some());
    // Misses bring the hot keys back.
    let warm = event(&s, "cache_warm", Some("cache")).expect("the cache warms up again");
    assert!(
        warm.t < 600 + 20 * 60,
        "warm again within 20 minutes: {}",
        warm.t
    );
    assert!(mean(&m, 2_100, 2_400, &["cache_hit_ratio"]) > 0.95 * hit_before);
}

#[test]
fn a_5x_spike_at_10k_scales_out_after_warm_up_and_p99_recovers() {
    let (s, m) = run_with_metrics("10k", 4, "60m", &["10m=spike:5x"]);
    let before = f(at(&m, 599), &["instances", "web"]);
    let scale_out = s
        .events
        .iter()
        .find(|e| {
            e.kind.as_str() == "scale_out" && e.component.as_deref() == Some("web") && e.t >= 600
        })
        .expect("scales out");
    // Target tracking needs three one-minute datapoints, then instances need to boot.
    assert!(scale_out.t >= 600 + 120, "{}", scale_out.t);
    assert_eq!(
        f(at(&m, scale_out.t + 60), &["instances", "web"]),
        before,
        "launching instances do not serve yet"
    );
    assert!(f(at(&m, 3_599), &["instances", "web"]) >= 2.0 * before);
    // Overloaded at first, recovered at the end.
    assert!(mean(&m, 620, 700, &["latency_ms", "p99"]) > 400.0);
    let slo = s.slo.p99_ms;
    assert!(mean(&m, 3_000, 3_600, &["latency_ms", "p99"]) < slo);
    assert!(mean(&m, 3_000, 3_600, &["error_rate"]) < 1e-6);
}

#[test]
fn losing_seoul_at_1m_takes_minutes_of_disaster_recovery() {
    let (s, m) = run_with_metrics("1m", 5, "60m", &["10m=kill-region:seoul"]);
    let activation = event(&s, "failover_start", None).expect("disaster recovery starts");
    assert!(activation.message.contains("tokyo"));
    let up = event(&s, "failover_done", None).expect("tokyo comes up");
    assert_eq!(
        up.t - activation.t,
        600,
        "the warm standby takes its activation time"
    );
    // Dynamic requests fail for the whole time; the CDN still serves cached static files.
    let outage = mean(&m, 700, up.t, &["error_rate"]);
    assert!(outage > 0.3 && outage < 0.5, "{outage}");
    // Eventually Tokyo serves everyone.
    assert!(mean(&m, 3_000, 3_600, &["error_rate"]) < 1e-6);
    assert_eq!(at(&m, 3_599)["db_primary"], "shard1-tokyo-a");
}

#[test]
fn losing_a_region_at_10m_is_over_in_about_a_minute() {
    let (s, m) = run_with_metrics("10m", 6, "40m", &["10m=kill-region:seoul"]);
    let noticed = event(&s, "health_check_fail", Some("dns")).expect("Route 53 notices");
    assert!(noticed.t <= 600 + 30, "fast health checks: {}", noticed.t);
    let promoted = s
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "failover_done")
        .count();
    assert_eq!(promoted, 2, "both global secondaries are promoted");
    // Half the users are cut off only until DNS moves them (detection plus the TTL).
    assert!(mean(&m, 600 + 150, 2_400, &["error_rate"]) < 1e-4);
    assert!(s.slo_breached_s < 300, "{}", s.slo_breached_s);
    assert!(
        at(&m, 2_399)["db_primary"]
            .as_str()
            .unwrap()
            .starts_with("shard1-oregon")
    );
}

#[test]
fn losing_every_az_of_a_region_is_losing_the_region() {
    // Seoul's three AZs one after another in one second: its databases cannot fail over
    // within the region, so Tokyo's copies must take the writes, as when the region is lost.
    let by_azs = ["10m=kill-az:a", "10m=kill-az:b", "10m=kill-az:c"];
    let (s, m) = run_with_metrics("1m", 5, "60m", &by_azs);
    let (r, mr) = run_with_metrics("1m", 5, "60m", &["10m=kill-region:seoul"]);
    let lost = s
        .events
        .iter()
        .find(|e| e.kind.as_str() == "fault" && e.message.starts_with("region seoul lost"));
    assert!(lost.is_some_and(|e| e.t == 600), "{:?}", s.events);
    let up = event(&s, "failover_done", None).expect("tokyo comes up");
    assert_eq!(Some(up.t), event(&r, "failover_done", None).map(|e| e.t));
    // The writes not yet copied to Tokyo are lost either way, and counted once.
    assert!(r.writes_lost > 0);
    assert_eq!(s.writes_lost, r.writes_lost);
    for (what, m) in [("by AZs", &m), ("kill-region", &mr)] {
        assert_eq!(at(m, 3_599)["db_primary"], "shard1-tokyo-a", "{what}");
        // Tokyo's workers keep up: no backlog grows for writers that never come.
        let backlog = f(at(m, 3_599), &["queue_backlog", "queue-tokyo"]);
        assert!(backlog < 1_000.0, "{what}: backlog {backlog}");
    }
    // No cache node is promoted after the last one is gone.
    let ghost = s
        .events
        .iter()
        .any(|e| e.kind.as_str() == "failover_done" && e.component.as_deref() == Some("cache"));
    assert!(!ghost, "{:?}", s.events);
}

#[test]
fn a_restored_server_takes_traffic_only_after_passing_its_health_checks() {
    // The ALB's healthy threshold: checks in a row (30 s apart) before a target takes traffic.
    let back_at = |healthy: u32| {
        let source = std::fs::read_to_string("presets/1k.toml").unwrap().replace(
            "[[load_balancer]]\n",
            &format!("[[load_balancer]]\nhealthy_threshold = {healthy}\n"),
        );
        let path = common::scratch_file(&format!("healthy-{healthy}"), "1k.toml", source);
        let (_, m) = run_with_metrics(
            path.to_str().unwrap(),
            1,
            "40m",
            &["10m=kill-az:a", "20m=restore-az:a"],
        );
        (1_200..2_400)
            .find(|&t| f(at(&m, t), &["instances", "web"]) == 2.0)
            .expect("back in service")
    };
    let (two, ten) = (back_at(2), back_at(10));
    // Booting takes 3 minutes either way; then 2 or 10 checks.
    assert!(two >= 1_200 + 180 + 30, "{two}");
    assert_eq!(ten - two, 8 * 30, "two checks: {two}, ten: {ten}");
}

#[test]
fn a_lost_region_scales_nothing() {
    let (s, _) = run_with_metrics("10m", 1, "40m", &["10m=kill-region:seoul"]);
    let seoul: Vec<&str> = ["app", "workers"].into();
    let scaled: Vec<_> = s
        .events
        .iter()
        .filter(|e| e.t > 600 && matches!(e.kind.as_str(), "scale_in" | "scale_out"))
        .filter(|e| e.component.as_deref().is_some_and(|c| seoul.contains(&c)))
        .collect();
    assert!(scaled.is_empty(), "{scaled:?}");
}

#[test]
fn a_whole_component_lost_fails_what_needs_it_until_its_time_is_up() {
    // 1k's load balancer, for five minutes: every request fails, then it answers again.
    let (s, m) = run_with_metrics("1k", 1, "20m", &["5m=kill-component:alb:5m"]);
    assert_eq!(mean(&m, 240, 300, &["error_rate"]), 0.0);
    assert!(
        mean(&m, 310, 600, &["error_rate"]) > 0.99,
        "everything fails"
    );
    let back = event(&s, "restore", Some("alb")).expect("its outage ends");
    assert_eq!(back.t, 600);
    // Users retry and queues drain, then no more errors.
    assert!(mean(&m, 900, 1_200, &["error_rate"]) < 1e-6);

    // 10k's cache, lost until restored: every read goes to the read replicas, which hold them.
    let (_, m) = run_with_metrics(
        "10k",
        1,
        "20m",
        &["5m=kill-component:cache", "15m=restore-all"],
    );
    assert!(f(at(&m, 299), &["cache_hit_ratio"]) > 0.5);
    assert_eq!(f(at(&m, 600), &["cache_hit_ratio"]), 0.0);
    assert_eq!(mean(&m, 600, 900, &["error_rate"]), 0.0);
    let before = mean(&m, 240, 300, &["utilization", "db-replicas"]);
    let during = mean(&m, 600, 900, &["utilization", "db-replicas"]);
    assert!(during > 3.0 * before, "{before} → {during}");
    assert!(
        f(at(&m, 1_199), &["cache_hit_ratio"]) > 0.0,
        "back after the restore"
    );
}

#[test]
fn losing_a_regions_load_balancer_moves_its_users_but_never_makes_a_second_writer() {
    // 10m, active-active: Route 53 sends Seoul's users to Oregon, whose database copies
    // forward their writes to Seoul's writers, which never stopped taking them.
    let (_, m) = run_with_metrics("10m", 1, "30m", &["5m=kill-component:alb:10m"]);
    never_writes(&m, ["shard1-oregon", "shard2-oregon"]);
    assert!(
        mean(&m, 1_500, 1_800, &["error_rate"]) < 1e-3,
        "over once it is back"
    );
    // 1m, warm standby: disaster recovery brings Tokyo up, its copies still not promoted.
    let (s, m) = run_with_metrics("1m", 1, "40m", &["5m=kill-component:alb"]);
    assert!(
        event(&s, "failover_start", None).is_some(),
        "disaster recovery starts"
    );
    never_writes(&m, ["shard1-tokyo", "shard2-tokyo"]);
}

#[test]
fn a_region_lost_after_its_entry_still_has_its_copies_promoted() {
    // Route 53 moved Seoul's users when its load balancer went; when the region goes too,
    // Oregon's copies are promoted although no health check changes any more.
    let (_, m) = run_with_metrics(
        "10m",
        1,
        "25m",
        &["5m=kill-component:alb", "10m=kill-region:seoul"],
    );
    never_writes(&m[..600], ["shard1-oregon", "shard2-oregon"]);
    let last = &m[m.len() - 1];
    for copy in ["shard1-oregon", "shard2-oregon"] {
        assert!(
            last["db_writers"][copy].is_string(),
            "{}",
            last["db_writers"]
        );
    }
}

/// Asserts that these database copies never take writes in any second of `m`.
fn never_writes(m: &[Value], copies: [&str; 2]) {
    for line in m {
        for copy in copies {
            assert!(
                line["db_writers"][copy].is_null(),
                "t={}: {}",
                line["t"],
                line["db_writers"]
            );
        }
    }
}

#[test]
fn nothing_is_brought_up_or_promoted_in_a_region_that_is_down() {
    // Tokyo (the standby) is lost while disaster recovery brings it up: it stops, and starts
    // over, taking its whole activation, once Tokyo is back; Tokyo serves no one meanwhile.
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "80m",
        &[
            "5m=kill-region:seoul",
            "8m=kill-region:tokyo",
            "30m=restore-region:tokyo",
        ],
    );
    let starts: Vec<u64> = s
        .events
        .iter()
        .filter(|e| e.kind.as_str() == "failover_start" && e.component.is_none())
        .map(|e| e.t)
        .collect();
    let done = event(&s, "failover_done", None).expect("tokyo comes up in the end");
    assert_eq!(starts.len(), 2, "{:?}", s.events);
    assert_eq!(starts[1], 1_800, "{:?}", s.events);
    assert!(
        done.t >= 1_800 + 600,
        "a whole activation after Tokyo is back: {}",
        done.t
    );
    assert!(at(&m, 1_799)["db_primary"].is_null(), "{}", at(&m, 1_799));

    // The standby lost before Route 53 declares Seoul lost: recovery waits for it.
    let (s, _) = run_with_metrics(
        "1m",
        1,
        "40m",
        &["5m=kill-region:tokyo", "10m=kill-region:seoul"],
    );
    assert!(
        event(&s, "failover_start", None).is_none(),
        "{:?}",
        s.events
    );
    assert!(event(&s, "failover_done", None).is_none(), "{:?}", s.events);

    // 10m: Oregon's copies of Seoul's shards are being promoted when Oregon is lost too; the
    // promotion stops and is taken again once Oregon is back.
    let (s, _) = run_with_metrics(
        "10m",
        1,
        "40m",
        &[
            "5m=kill-region:seoul",
            "6m=kill-region:oregon",
            "20m=restore-region:oregon",
        ],
    );
    let promoted: Vec<u64> = s
        .events
        .iter()
        .filter(|e| {
            e.kind.as_str() == "failover_done" && e.component.as_deref() == Some("shard1-oregon")
        })
        .map(|e| e.t)
        .collect();
    assert_eq!(promoted.len(), 1, "{:?}", s.events);
    assert!(
        promoted[0] > 1_200,
        "promoted while Oregon was down: {promoted:?}"
    );
}

#[test]
fn a_standby_is_rebuilt_only_from_a_writer_that_is_up() {
    // Two crashes: the first fails over to the standby, the second finds the new standby
    // still being rebuilt, so the database is down until a replacement writer is up. The
    // standby cannot be rebuilt from a writer that is down: Multi-AZ protection is back only
    // a rebuild after the writer, never while the database is down.
    let (s, m) = run_with_metrics(
        "1k",
        1,
        "50m",
        &["300=kill-db-primary", "600=kill-db-primary"],
    );
    let writer_back = s
        .events
        .iter()
        .find(|e| e.kind.as_str() == "recovered" && e.message.starts_with("replacement writer"))
        .expect("a replacement writer")
        .t;
    let rebuilt = s
        .events
        .iter()
        .find(|e| e.message.starts_with("standby rebuilt"))
        .expect("the standby is rebuilt")
        .t;
    assert!(
        rebuilt >= writer_back + 600,
        "rebuilt at {rebuilt}, writer back at {writer_back}"
    );
    assert!(f(at(&m, writer_back - 1), &["error_rate"]) > 0.0);

    // A crash while the writer fails over changes nothing, and the log does not say it did.
    let (once, _) = run_with_metrics("1k", 1, "20m", &["300=kill-db-primary"]);
    let (twice, _) = run_with_metrics(
        "1k",
        1,
        "20m",
        &["300=kill-db-primary", "330=kill-db-primary"],
    );
    assert_eq!(once.events, twice.events);
    assert_eq!(once.requests, twice.requests);
}

#[test]
fn writes_are_lost_only_when_a_copy_takes_over() {
    // Tokyo's copies take writes once disaster recovery is done: Seoul's last second of
    // writes, never copied to them, is lost then, not when Seoul went.
    let (lost, _) = run_with_metrics("1m", 1, "40m", &["5m=kill-region:seoul"]);
    let at = event(&lost, "writes_lost", None).expect("writes lost").t;
    let up = event(&lost, "failover_done", None)
        .expect("tokyo takes over")
        .t;
    assert_eq!(at, up);
    assert!(lost.writes_lost > 0);
    // Seoul back before that: its writes are on its own storage, nothing is lost.
    let (kept, _) = run_with_metrics("1m", 1, "40m", &["5m=kill-region:seoul", "500=restore-all"]);
    assert_eq!(kept.writes_lost, 0);
    assert!(
        event(&kept, "writes_lost", None).is_none(),
        "{:?}",
        kept.events
    );
}

/// The times of the events of `kind` on `component` (`None`: the run's own events).
fn times(summary: &archtui::report::Summary, kind: &str, component: Option<&str>) -> Vec<u64> {
    summary
        .events
        .iter()
        .filter(|e| e.kind.as_str() == kind && e.component.as_deref() == component)
        .map(|e| e.t)
        .collect()
}

#[test]
fn a_fail_back_stops_while_the_copies_it_copies_from_are_lost() {
    // 10m: Seoul is back at 20 min and copies its data back from Oregon's promoted copies;
    // Oregon is lost at 25 min, before the 15 minutes are up. Nothing is copied meanwhile, so
    // Seoul does not take its writes at 35 min: it starts over once Oregon is back at 40.
    let (s, m) = run_with_metrics(
        "10m",
        1,
        "60m",
        &[
            "5m=kill-region:seoul",
            "20m=restore-region:seoul",
            "25m=kill-region:oregon",
            "40m=restore-region:oregon",
        ],
    );
    let starts = times(&s, "failover_start", None);
    assert_eq!(starts, vec![1_200, 2_400], "{:?}", s.events);
    assert_eq!(
        times(&s, "failover_done", None),
        vec![2_400 + 900],
        "{:?}",
        s.events
    );
    assert!(
        s.events.iter().any(|e| e.t == 1_500
            && e.message
                .starts_with("failing back to region seoul stopped")),
        "{:?}",
        s.events
    );
    // No writer anywhere while Oregon is down: Seoul's wait for the data, Oregon's are lost.
    for t in [1_600, 2_100, 2_399] {
        let writers = at(&m, t)["db_writers"].as_object().unwrap();
        assert!(writers.values().all(Value::is_null), "{t}: {writers:?}");
    }
    assert!(!at(&m, 3_400)["db_writers"]["shard1"].is_null());
}

#[test]
fn a_writer_waits_for_its_own_az_and_disaster_recovery_deploys_it_elsewhere() {
    // 1m: Tokyo (the standby) loses all three AZs, so the region is lost; tokyo/c comes back.
    // shard2-tokyo's writer lived in tokyo/d, still down: it does not come back with the
    // region. When Seoul is lost, disaster recovery deploys it in tokyo/c, and the pods Tokyo
    // lost are launched while it is brought up, not after.
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "25m",
        &[
            "5m=kill-az:tokyo/a",
            "5m=kill-az:tokyo/c",
            "5m=kill-az:tokyo/d",
            "6m=restore-az:tokyo/c",
            "8m=kill-region:seoul",
        ],
    );
    let done = event(&s, "failover_done", None).expect("Tokyo is brought up");
    // Had it come back with the region, there would be nothing to deploy.
    let deployed = |id: &str| {
        s.events.iter().find(|e| {
            e.component.as_deref() == Some(id) && e.message.starts_with("writer deployed")
        })
    };
    assert!(deployed("shard1-tokyo").is_none());
    let deployed = deployed("shard2-tokyo").expect("writer deployed");
    assert_eq!(deployed.t, done.t);
    assert!(deployed.message.contains("tokyo/c"), "{}", deployed.message);
    assert_eq!(
        at(&m, done.t + 1)["db_writers"]["shard2-tokyo"],
        "shard2-tokyo-c"
    );
    assert!(
        f(at(&m, done.t + 1), &["instances", "app-tokyo"]) >= 100.0,
        "pods in when Tokyo is up: {}",
        at(&m, done.t + 1)["instances"]
    );
}

#[test]
fn a_primary_back_and_starting_its_pods_is_not_recovered_from() {
    // 1m: Seoul is lost, then Tokyo during its recovery; Seoul comes back and starts its pods,
    // then Tokyo is back. Seoul is on its way up by itself: disaster recovery does not start
    // over, and no copy is promoted.
    let (s, _) = run_with_metrics(
        "1m",
        1,
        "30m",
        &[
            "5m=kill-region:seoul",
            "8m=kill-region:tokyo",
            "10m=restore-region:seoul",
            "11m=restore-region:tokyo",
        ],
    );
    let starts = times(&s, "failover_start", None);
    assert_eq!(starts.len(), 1, "{:?}", s.events);
    assert!(
        times(&s, "failover_done", None).is_empty(),
        "{:?}",
        s.events
    );

    // Only Seoul's load balancer is lost: Tokyo is brought up, and its copies keep sending
    // their writes to Seoul, which still has them: the message says so.
    let (s, _) = run_with_metrics("1m", 1, "10m", &["5m=kill-component:alb"]);
    let start = event(&s, "failover_start", None).expect("disaster recovery starts");
    assert!(
        start
            .message
            .contains("keeps forwarding writes to region seoul")
            && !start.message.contains("promote"),
        "{}",
        start.message
    );
}

#[test]
fn restore_all_finishes_a_database_failover_under_way() {
    let (s, m) = run_with_metrics("1k", 1, "10m", &["5m=kill-db-primary", "330=restore-all"]);
    assert!(event(&s, "restore", None).is_some(), "{:?}", s.events);
    assert!(at(&m, 320)["db_primary"].is_null());
    assert_eq!(at(&m, 331)["db_primary"], "db-b");
    let back = event(&s, "failover_done", Some("db")).expect("the failover it started ends");
    assert_eq!(
        (back.t, back.message.as_str()),
        (330, "writer restored in seoul/b")
    );
}

#[test]
fn a_waiting_standby_copy_fails_over_in_its_own_time() {
    // Tokyo's shard1 copy loses its writer's AZ while Tokyo waits as a standby: Aurora
    // promotes its reader then, not when disaster recovery brings Tokyo up 14 minutes later.
    let (s, _) = run_with_metrics(
        "1m",
        1,
        "20m",
        &["2m=kill-az:tokyo/a", "5m=kill-region:seoul"],
    );
    let done = event(&s, "failover_done", Some("shard1-tokyo")).expect("promoted");
    assert!((120 + 20..=120 + 60).contains(&done.t), "{}", done.t);
    // Its cache too: the replica is promoted in seconds, not when Tokyo is brought up.
    let cache = event(&s, "failover_done", Some("cache-tokyo")).expect("cache promoted");
    assert!((120..=120 + 30).contains(&cache.t), "{}", cache.t);
}

#[test]
fn every_failover_the_log_starts_it_also_ends() {
    // restore-all during a fail-back ends it, and says so.
    let (s, _) = run_with_metrics(
        "1m",
        1,
        "60m",
        &[
            "5m=kill-region:seoul",
            "40m=restore-region:seoul",
            "45m=restore-all",
        ],
    );
    assert_eq!(times(&s, "failover_start", None), vec![376, 2_400]);
    assert_eq!(times(&s, "failover_done", None), vec![976, 2_700]);
    // A copy promoted while its writer's AZ is down says it has no writer yet (its readers
    // are still launching after the restore-all, so it has none to fail over to).
    // A failover whose target AZ goes too, or whose region does, says it stopped; a writer
    // that waited for its AZ says when it is back.
    let (s, _) = run_with_metrics(
        "10k",
        1,
        "70m",
        &[
            "1100=kill-az:seoul/a",
            "1101=kill-az:seoul/b",
            "3530=restore-az:seoul/b",
        ],
    );
    let db: Vec<(u64, &str)> = s
        .events
        .iter()
        .filter(|e| e.component.as_deref() == Some("db"))
        .map(|e| (e.t, e.message.as_str()))
        .collect();
    assert!(db.contains(&(1_101, "failover stopped: its target in seoul/b is lost too")));
    assert!(db.contains(&(3_530, "writer back with seoul/b")), "{db:?}");
    let (s, _) = run_with_metrics(
        "1m",
        1,
        "20m",
        &["5m=kill-db-primary", "310=kill-region:seoul"],
    );
    assert!(
        s.events.iter().any(|e| e.t == 310
            && e.component.as_deref() == Some("shard1")
            && e.message
                .starts_with("failover stopped: the region is lost")),
        "{:?}",
        s.events
    );
    let (s, _) = run_with_metrics(
        "10m",
        1,
        "40m",
        &[
            "300=kill-region:oregon",
            "600=restore-all",
            "900=kill-az:oregon/b",
            "1800=kill-region:seoul",
        ],
    );
    let promoted = event(&s, "failover_done", Some("shard2-oregon")).expect("promoted");
    assert!(
        promoted
            .message
            .starts_with("promoted, but its writer in oregon/b is down"),
        "{}",
        promoted.message
    );
}

/// Seconds at which two databases hold the writer of the same shard (`db_writers`).
fn split_brain(lines: &[Value], shards: &[(&str, &str)]) -> Vec<u64> {
    lines
        .iter()
        .filter(|line| {
            shards.iter().any(|(a, b)| {
                !line["db_writers"][*a].is_null() && !line["db_writers"][*b].is_null()
            })
        })
        .map(|line| line["t"].as_u64().unwrap())
        .collect()
}

const TOKYO_SHARDS: [(&str, &str); 2] = [("shard1", "shard1-tokyo"), ("shard2", "shard2-tokyo")];

#[test]
fn a_fail_back_ends_with_a_writer_in_an_az_that_is_up() {
    // 1m: Seoul is back at 40 min and copies its data back; its AZ a, where shard1's writer
    // was, is lost meanwhile. At the switchover shard1 fails over to a reader in another AZ,
    // as a writer lost with its AZ does: it neither serves from the dead AZ nor stays down.
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "75m",
        &[
            "5m=kill-region:seoul",
            "40m=restore-region:seoul",
            "45m=kill-az:seoul/a",
        ],
    );
    let back = times(&s, "failover_done", None);
    assert_eq!(back.len(), 2, "{:?}", s.events); // Tokyo up, then Seoul's data back
    let start = event(&s, "failover_start", Some("shard1")).expect("shard1 fails over");
    assert_eq!(start.t, back[1]);
    let writer = at(&m, back[1] + 60)["db_writers"]["shard1"].clone();
    assert!(writer == "shard1-b" || writer == "shard1-c", "{writer}");
    assert!(split_brain(&m, &TOKYO_SHARDS).is_empty());
    assert!(mean(&m, 4_000, 4_500, &["error_rate"]) < 1e-3);
}

#[test]
fn a_fail_back_waits_while_the_promoted_copies_are_already_lost() {
    // 1m: Tokyo took Seoul's writes and is lost before Seoul is back at 30 min. There is
    // nothing to copy the data back from: Seoul waits, and fails back once Tokyo is back.
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "90m",
        &[
            "5m=kill-region:seoul",
            "20m=kill-region:tokyo",
            "30m=restore-region:seoul",
            "50m=restore-region:tokyo",
        ],
    );
    let waits = s
        .events
        .iter()
        .find(|e| e.t == 1_800 && e.message.contains("has no writer"));
    assert!(waits.is_some(), "{:?}", s.events);
    assert_eq!(
        times(&s, "failover_start", None),
        vec![376, 3_000],
        "{:?}",
        s.events
    );
    assert_eq!(times(&s, "failover_done", None), vec![976, 3_900]);
    assert!(at(&m, 2_500)["db_writers"]["shard1"].is_null());
    assert!(split_brain(&m, &TOKYO_SHARDS).is_empty());
}

#[test]
fn a_fail_back_stops_while_one_copy_it_copies_from_has_no_writer() {
    // 1m: Seoul copies its data back from Tokyo's promoted copies; Tokyo loses the AZs of
    // shard2-tokyo's writer and its reader. Seoul cannot copy shard2 back until tokyo/d is
    // back, and then starts over.
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "120m",
        &[
            "300=kill-region:seoul",
            "1800=restore-region:seoul",
            "2000=kill-az:tokyo/c",
            "2001=kill-az:tokyo/d",
            "5000=restore-az:tokyo/d",
        ],
    );
    let stopped = s
        .events
        .iter()
        .find(|e| {
            e.message
                .starts_with("failing back to region seoul stopped: shard2-tokyo")
        })
        .expect("the fail-back stops");
    assert!((2_000..=2_001).contains(&stopped.t), "{}", stopped.t);
    assert_eq!(times(&s, "failover_start", None), vec![376, 1_800, 5_000]);
    assert_eq!(times(&s, "failover_done", None), vec![976, 5_900]);
    assert!(at(&m, 4_000)["db_writers"]["shard2"].is_null());
    assert!(split_brain(&m, &TOKYO_SHARDS).is_empty());
    // The copy lost as a whole (kill-component) is no source either.
    let (s, _) = run_with_metrics(
        "10m",
        1,
        "70m",
        &[
            "10m=kill-region:seoul",
            "30m=restore-region:seoul",
            "35m=kill-component:shard1-oregon:10m",
        ],
    );
    assert!(
        s.events.iter().any(|e| e.t == 2_100
            && e.message
                .starts_with("failing back to region seoul stopped")),
        "{:?}",
        s.events
    );
    assert_eq!(times(&s, "failover_done", None), vec![2_700 + 900]);
}

#[test]
fn the_primary_back_before_its_standby_serves_stops_the_recovery() {
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "40m",
        &["300=kill-region:seoul", "600=restore-region:seoul"],
    );
    let stopped = s
        .events
        .iter()
        .find(|e| e.message.starts_with("disaster recovery stopped"))
        .expect("recovery stops");
    assert_eq!(stopped.t, 600);
    assert!(
        times(&s, "failover_done", None).is_empty(),
        "{:?}",
        s.events
    );
    assert!(at(&m, 2_399)["db_writers"]["shard1-tokyo"].is_null());
    assert_eq!(at(&m, 2_399)["db_writers"]["shard1"], "shard1-a");
    assert!(mean(&m, 1_800, 2_400, &["error_rate"]) < 1e-3);
}

#[test]
fn restore_all_leaves_one_writer_per_shard() {
    // Mid-failback, and with the promoted copies' region lost too.
    for faults in [
        &["5m=kill-region:seoul", "30m=restore-all"][..],
        &[
            "5m=kill-region:seoul",
            "40m=restore-region:seoul",
            "45m=restore-all",
        ],
        &[
            "5m=kill-region:seoul",
            "45m=kill-region:tokyo",
            "50m=restore-all",
        ],
    ] {
        let (_, m) = run_with_metrics("1m", 1, "70m", faults);
        assert!(split_brain(&m, &TOKYO_SHARDS).is_empty(), "{faults:?}");
        let last = m.last().unwrap();
        assert_eq!(last["db_writers"]["shard1"], "shard1-a", "{faults:?}");
        assert!(last["db_writers"]["shard1-tokyo"].is_null(), "{faults:?}");
    }
}

#[test]
fn a_standby_region_lost_and_back_launches_what_it_lost() {
    let (_, m) = run_with_metrics(
        "1m",
        1,
        "30m",
        &["5m=kill-region:tokyo", "10m=restore-region:tokyo"],
    );
    for group in ["app-tokyo", "workers-tokyo", "shard1-tokyo-replicas"] {
        let before = f(at(&m, 290), &["instances", group]);
        assert!(before > 0.0);
        assert_eq!(f(at(&m, 700), &["instances", group]), 0.0, "{group}");
        assert_eq!(f(at(&m, 1_799), &["instances", group]), before, "{group}");
    }
}

#[test]
fn a_promoted_copy_has_a_writer_to_crash() {
    let (s, m) = run_with_metrics(
        "1m",
        1,
        "40m",
        &["5m=kill-region:seoul", "30m=kill-db-primary:shard1-tokyo"],
    );
    let crash = event(&s, "failover_start", Some("shard1-tokyo")).expect("it fails over");
    assert_eq!(crash.t, 1_800);
    assert!(at(&m, 1_801)["db_writers"]["shard1-tokyo"].is_null());
}

#[test]
fn two_regions_worker_pools_share_one_writer_and_drain_after_a_spike() {
    // 10m: Seoul's and Oregon's workers both write to Seoul's shards (Oregon's through the
    // copies that forward writes). Each loop used to see the writer as its own: after a 5-minute
    // spike both drove it to its limit, it ran at 196 %, and the queues never drained.
    let (_, m) = run_with_metrics("10m", 1, "40m", &["5m=spike:3x:5m", "20m=restore-all"]);
    let busiest = |from: usize, to: usize| {
        m[from..to]
            .iter()
            .map(|line| f(line, &["utilization", "shard1"]))
            .fold(0.0, f64::max)
    };
    let during = busiest(300, 600);
    assert!(
        during > 0.95 && during <= 1.0,
        "shard1's writer at {during}"
    );
    assert!(busiest(600, 2_400) <= 1.0);
    for queue in ["queue", "queue-oregon"] {
        assert!(
            f(at(&m, 600), &["queue_backlog", queue]) > 10_000.0,
            "{queue}"
        );
        assert!(f(at(&m, 1_500), &["queue_backlog", queue]) < 1.0, "{queue}");
    }
    // A writer back after 30 minutes to millions of queued jobs: the pools share it second by
    // second (they took it in turns, all of it one second and almost none the next, up to
    // 194 % of what it can do).
    let (_, m) = run_with_metrics("10m", 1, "70m", &["10m=kill-component:shard1:30m"]);
    let back: Vec<f64> = m[2_400..3_000]
        .iter()
        .map(|line| f(line, &["utilization", "shard1"]))
        .collect();
    assert!(back.iter().all(|&u| u <= 1.0), "{:?}", &back[..10]);
    assert!(back.iter().all(|&u| u > 0.9), "{:?}", &back[..10]);
}
