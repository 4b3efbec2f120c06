//! The minimal architecture (users → one pool of c servers, constant traffic) reproduces the
//! M/M/c mean waiting time given by Erlang C — and Erlang C, computed here from its definition,
//! matches a discrete-event simulation of an actual M/M/c queue.

use archtui::headless;
use archtui::sim::rng::{SimRng, Stream};
use archtui::units::Duration;
use std::sync::Arc;

const SERVERS: u32 = 4;
const SERVICE_S: f64 = 0.020;

/// Erlang C from its definition: P(wait) = (a^c/c!)(c/(c−a)) / (Σ_{k<c} a^k/k! + (a^c/c!)(c/(c−a))).
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let top = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
    top / (sum + top)
}

/// Mean wait in queue, `C / (cμ − λ)`, in seconds.
fn mean_wait(c: u32, rho: f64) -> f64 {
    let a = rho * f64::from(c);
    erlang_c(c, a) * SERVICE_S / (f64::from(c) - a)
}

/// The smallest preset the format allows, with network latency made negligible.
fn single_pool(rho: f64) -> String {
    let rate = rho * f64::from(SERVERS) / SERVICE_S;
    format!(
        r#"
title = "M/M/c check"
[traffic]
users = {rate}
rps_per_user = 1
[slo]
p99_ms = 60000
availability = 0.5
[network]
hop_ms = 0.001
[[region]]
id = "r"
azs = ["a"]
user_rtt_ms = 0.001
[[compute]]
id = "pool"
instances = {SERVERS}
vcpus = 1
service_ms = {service_ms}
timeout_ms = 600000
"#,
        service_ms = SERVICE_S * 1e3
    )
}

#[test]
fn the_single_pool_reproduces_the_erlang_c_mean_wait() {
    for rho in [0.5, 0.8, 0.9] {
        let arch =
            archtui::preset::parse("mmc", "mmc.toml", &single_pool(rho)).expect("a valid preset");
        let summary = headless::run(
            Arc::new(arch),
            3,
            Duration::parse("6h").unwrap(),
            &[],
            |_| Ok::<_, ()>(()),
        )
        .expect("runs");
        assert_eq!(
            summary.requests.failed, 0,
            "ρ={rho}: nothing should time out"
        );
        // Mean time in the system minus service and the (0.002 ms) network: the wait.
        let mean_ms = summary.latency_ms.mean.expect("requests were served");
        let measured = (mean_ms - 0.002) / 1e3 - SERVICE_S;
        let expected = mean_wait(SERVERS, rho);
        let error = (measured - expected).abs() / expected;
        assert!(
            error < 0.05,
            "ρ={rho}: waited {measured:.5}s, Erlang C says {expected:.5}s ({:.1}% off)",
            error * 100.0
        );
    }
}

/// A first-come first-served M/M/c queue simulated request by request.
fn simulated_mean_wait(c: u32, rho: f64, customers: usize, seed: u64) -> f64 {
    let mut rng = SimRng::new(seed, Stream::Traffic);
    let lambda = rho * f64::from(c) / SERVICE_S;
    let mut free_at = vec![0.0f64; c as usize];
    let mut now = 0.0;
    let mut total_wait = 0.0;
    for _ in 0..customers {
        now += rng.exponential(1.0 / lambda);
        let (i, &earliest) = free_at
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("at least one server");
        let start = earliest.max(now);
        total_wait += start - now;
        free_at[i] = start + rng.exponential(SERVICE_S);
    }
    total_wait / customers as f64
}

#[test]
fn erlang_c_matches_a_simulated_queue() {
    for rho in [0.5, 0.8, 0.9] {
        let simulated = simulated_mean_wait(SERVERS, rho, 2_000_000, 5);
        let formula = mean_wait(SERVERS, rho);
        let error = (simulated - formula).abs() / formula;
        assert!(
            error < 0.05,
            "ρ={rho}: simulated {simulated:.5}s, Erlang C {formula:.5}s ({:.1}% off)",
            error * 100.0
        );
    }
}

#[test]
fn the_example_single_pool_preset_loads() {
    let arch =
        archtui::preset::load("presets/examples/single-pool.toml").expect("the example loads");
    assert_eq!(arch.node_count(), 1);
    assert_eq!(arch.entry.index(), 0);
}
