//! The minimal architecture (users → one pool of c servers, constant traffic) reproduces the
//! M/M/c mean waiting time given by Erlang C — and Erlang C, computed here from its definition,
//! matches a discrete-event simulation of an actual M/M/c queue.

mod common;

use archtui::sim::queueing::Impatient;
use archtui::sim::rng::{SimRng, Stream};

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
    let pool = format!(
        "[[compute]]\nid = \"pool\"\ninstances = {SERVERS}\nvcpus = 1\nservice_ms = {}\n\
         timeout_ms = 600000\n",
        SERVICE_S * 1e3
    );
    common::measuring_preset("M/M/c check", rate, "", "\"a\"", &pool)
}

#[test]
fn the_single_pool_reproduces_the_erlang_c_mean_wait() {
    for rho in [0.5, 0.8, 0.9] {
        let summary = common::run_text(&single_pool(rho), "6h");
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

/// The server that frees first, and when: where a first-come first-served queue sends the next
/// request.
fn first_free(free_at: &[f64]) -> (usize, f64) {
    let (i, &at) = free_at
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .expect("at least one server");
    (i, at)
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
        let (i, earliest) = first_free(&free_at);
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

/// Mean and p99 response of a first-come first-served queue with `c` servers, Poisson
/// arrivals at `lambda`, and service drawn from a class mix — `(share, mean)` pairs, each
/// exponential — simulated request by request.
fn simulated_mixed(c: usize, lambda: f64, mix: &[(f64, f64)], customers: usize) -> (f64, f64) {
    let mut rng = SimRng::new(11, Stream::Traffic);
    let mut free_at = vec![0.0f64; c];
    let mut now = 0.0;
    let mut responses = Vec::with_capacity(customers);
    for _ in 0..customers {
        now += rng.exponential(1.0 / lambda);
        let u = rng.uniform();
        let mut acc = 0.0;
        let mean = mix
            .iter()
            .find(|(share, _)| {
                acc += share;
                u < acc
            })
            .map_or(mix[mix.len() - 1].1, |m| m.1);
        let (i, earliest) = first_free(&free_at);
        let start = earliest.max(now);
        let service = rng.exponential(mean);
        free_at[i] = start + service;
        responses.push(start - now + service);
    }
    // Skip the first tenth: the queue starts empty.
    let steady = &mut responses[customers / 10..];
    let mean = steady.iter().sum::<f64>() / steady.len() as f64;
    let k = (steady.len() as f64 * 0.99) as usize;
    let (_, p99, _) = steady.select_nth_unstable_by(k, f64::total_cmp);
    (mean, *p99)
}

/// `1k`'s web tier: 8 vCPUs serving 60 % static files (5 ms) and 40 % pages (100 ms). The
/// mix is far from exponential (Cs² ≈ 2.1), which the Allen–Cunneen factor accounts for.
#[test]
fn mixed_service_times_match_a_request_by_request_queue_within_ten_percent() {
    let mix = [(0.6, 0.005), (0.4, 0.100)];
    let mean_s: f64 = mix.iter().map(|(p, s)| p * s).sum();
    for rho in [0.8, 0.9, 0.95] {
        let lambda = rho * 8.0 / mean_s;
        let pool = "[[compute]]\nid = \"pool\"\ninstances = 8\nvcpus = 1\nservice_ms = 100\n\
                    static_ms = 5\ntimeout_ms = 600000\n";
        let text = common::measuring_preset(
            "M/G/c check",
            lambda,
            "static_fraction = 0.6\nwrite_fraction = 0\npeak_to_trough = 1\nnoise = 0",
            "\"a\"",
            pool,
        );
        let summary = common::run_text(&text, "6h");
        let (want_mean, want_p99) = simulated_mixed(8, lambda, &mix, 3_000_000);
        let got_mean = summary.latency_ms.mean.expect("served") / 1e3;
        let got_p99 = summary.latency_ms.p99.expect("served") / 1e3;
        for (what, got, want) in [("mean", got_mean, want_mean), ("p99", got_p99, want_p99)] {
            assert!(
                (got - want).abs() < 0.10 * want,
                "ρ {rho}: {what} {:.1} ms, simulated {:.1} ms",
                got * 1e3,
                want * 1e3
            );
        }
    }
}

#[test]
fn the_example_single_pool_preset_loads() {
    let arch =
        archtui::preset::load("presets/examples/single-pool.toml").expect("the example loads");
    assert_eq!(arch.node_count(), 1);
    assert_eq!(arch.entry.index(), 0);
}

/// One server of 10 ms whose users and server both give up after 10 s, with threads enough
/// that only the CPU queues.
fn impatient_single_server(rho: f64) -> String {
    let pool = "[[compute]]\nid = \"pool\"\ninstances = 1\nvcpus = 1\nservice_ms = 10\n\
                timeout_ms = 10000\nqueue_timeout_ms = 10000\nmax_concurrency = 100000\n";
    common::measuring_preset("M/M/1+D check", rho / 0.010, "", "\"a\"", pool)
}

/// An M/M/c queue with a fixed patience, request by request: a request whose service would
/// start more than `patience` after it arrived leaves then (first come first served, so it
/// holds nobody up). Returns the mean wait (a dropped request waited its patience) and the
/// share dropped.
fn simulated_impatient(c: usize, rho: f64, patience: f64, customers: usize) -> (f64, f64) {
    let mut rng = SimRng::new(17, Stream::Traffic);
    let lambda = rho * c as f64 / SERVICE_S;
    let (mut now, mut waited, mut dropped) = (0.0f64, 0.0, 0usize);
    let mut free_at = vec![0.0f64; c];
    for _ in 0..customers {
        now += rng.exponential(1.0 / lambda);
        let (i, earliest) = first_free(&free_at);
        let start = earliest.max(now);
        if start - now > patience {
            waited += patience;
            dropped += 1;
            continue;
        }
        waited += start - now;
        free_at[i] = start + rng.exponential(SERVICE_S);
    }
    (waited / customers as f64, dropped as f64 / customers as f64)
}

#[test]
fn the_queue_with_patience_matches_a_simulated_one_through_full_load() {
    // Patience of a few service times, so the simulation settles in a few million requests.
    for (c, rho, patience) in [(1, 0.9, 0.1), (1, 1.0, 0.1), (1, 1.5, 0.1), (4, 1.0, 0.05)] {
        let model = Impatient::new(
            c as f64,
            rho * c as f64 / SERVICE_S,
            SERVICE_S,
            patience,
            1.0,
        );
        let (wait, dropped) = simulated_impatient(c, rho, patience, 4_000_000);
        let wait_error = (model.mean_wait_s() - wait).abs() / wait;
        assert!(
            wait_error < 0.02,
            "c={c} ρ={rho}: mean wait {:.5}s vs simulated {wait:.5}s",
            model.mean_wait_s()
        );
        assert!(
            (model.p_abandon - dropped).abs() < 0.02 * dropped.max(0.01),
            "c={c} ρ={rho}: dropped {:.4} vs simulated {dropped:.4}",
            model.p_abandon
        );
    }
}

/// Mean time a user sees at one server of `service_s` with patience `patience_s` on both
/// sides: a dropped request, or one answered after the patience, counts at the patience.
/// Integrated over the waits the queue formula gives (midpoint rule on its quantiles).
fn exact_mean_seen(q: &Impatient, service_s: f64) -> f64 {
    let (tau, wait) = (q.patience_s, q.served_wait());
    let n = 1_000_000;
    let served: f64 = (0..n)
        .map(|i| {
            let w = wait.at((i as f64 + 0.5) / n as f64);
            w + service_s * -libm::expm1(-(tau - w) / service_s)
        })
        .sum::<f64>()
        / n as f64;
    (1.0 - q.p_abandon) * served + q.p_abandon * tau
}

#[test]
fn near_and_at_full_load_the_mean_matches_the_exact_queue_with_patience() {
    for rho in [0.995, 1.0] {
        let summary = common::run_text(&impatient_single_server(rho), "24h");
        let model_s = summary.latency_ms.mean.expect("requests were served") / 1e3;
        let exact = exact_mean_seen(&Impatient::new(1.0, rho * 100.0, 0.010, 10.0, 1.0), 0.010);
        let error = (model_s - exact).abs() / exact;
        assert!(
            error < 0.15,
            "ρ={rho}: archtui {model_s:.3}s, exact M/M/1+D {exact:.3}s ({:.1}% off)",
            error * 100.0
        );
    }
}

/// Two instances of 4 vCPUs (20 ms) behind a load balancer at ρ 0.9, with its algorithm.
fn balanced_pair(algorithm: &str) -> String {
    let components = format!(
        "[[load_balancer]]\nid = \"alb\"\nlatency_ms = 0.001\nalgorithm = \"{algorithm}\"\n\
         to = [\"pool\"]\n[[compute]]\nid = \"pool\"\ninstances = 2\nvcpus = 4\n\
         service_ms = {}\ntimeout_ms = 600000\n",
        SERVICE_S * 1e3
    );
    let rate = 0.9 * 8.0 / SERVICE_S;
    common::measuring_preset(
        "two instances behind a load balancer",
        rate,
        "",
        "\"a\", \"b\"",
        &components,
    )
}

#[test]
fn round_robin_queues_each_instance_alone_and_least_outstanding_pools_them() {
    let wait = |algorithm: &str| {
        let summary = common::run_text(&balanced_pair(algorithm), "6h");
        (summary.latency_ms.mean.expect("served") - 0.004) / 1e3 - SERVICE_S
    };
    // Round robin: two M/M/4 queues at ρ 0.9. Least outstanding requests: about one M/M/8.
    let m_m_4 = mean_wait(4, 0.9);
    let m_m_8 = mean_wait(8, 0.9);
    for (algorithm, want) in [
        ("round_robin", m_m_4),
        ("least_outstanding_requests", m_m_8),
    ] {
        let got = wait(algorithm);
        assert!(
            (got - want).abs() < 0.05 * want,
            "{algorithm}: waited {got:.5}s, want {want:.5}s"
        );
    }
}
