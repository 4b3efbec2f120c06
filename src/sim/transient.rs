//! How a queue builds and drains over time: the pointwise-stationary fluid flow approximation
//! (PSFFA; Tipper & Sundareswaran, "Numerical methods for modeling computer networks under
//! nonstationary conditions", IEEE JSAC 1990; Wang, Chen & Hsu 1996).
//!
//! The state is the mean number of requests waiting, `x` (those in service have left the queue
//! and go on within the second, their service time counted in their latency). The stationary
//! model gives, for a throughput λ, the number waiting `G(λ) = λ·W(λ)` (Little's law, `W` the
//! mean wait, dropped requests' included). The fluid equation is `dx/dt = λ_in − λ_out`, where
//! `λ_out` is the throughput at which the stationary model holds exactly `x`. Each second is
//! one implicit Euler step, stable however stiff the queue: find `λ_out` with
//! `G(λ_out) + λ_out·dt = x + arrivals`.
//!
//! So a queue near ρ = 1 takes as long to build as the stationary curve is steep (minutes), and
//! at a steady load the step lands on the stationary answer.
//!
//! Approximation: PSFFA gives the number waiting, so the mean wait (Little's law), not how
//! waits spread; while a queue builds or drains its requests' waits are spread as in the
//! steady state with the same number waiting. A first-in first-out queue growing under overload
//! makes everyone wait about as long as it is, so this answers some requests too early; the
//! effect is measured against a per-request simulation in `validation/` (scenarios b and d).
//! What the number waiting cannot tell, their ages, bounds it from outside: a FIFO queue
//! holds no more than arrived within its timeout (`fifo_age`, applied by the station).

use super::queueing::Impatient;
use super::roots::increasing_root;

/// One step: `waiting` requests at the start, `arrived` more during `dt`. Returns the
/// throughput out of the queue (requests per second, served and dropped) and the stationary
/// state it corresponds to.
pub fn step(
    waiting: f64,
    arrived: f64,
    dt: f64,
    model: impl Fn(f64) -> Impatient,
) -> (f64, Impatient) {
    let total = waiting + arrived;
    if total <= 0.0 {
        return (0.0, model(0.0));
    }
    // The residual in logarithms: the queue's curve is a wall near capacity, its logarithm
    // about a straight line, which the root finder needs few steps for.
    let excess = |rate: f64, q: &Impatient| libm::log(rate * (q.mean_wait_s() + dt) / total);
    const TOLERANCE: f64 = 1e-9;
    // At a steady load the answer is the arrival rate itself.
    let x = (arrived / dt).min(total / dt);
    let q = model(x);
    let h = if x > 0.0 {
        excess(x, &q)
    } else {
        f64::NEG_INFINITY
    };
    if h.abs() <= TOLERANCE {
        return (x, q);
    }
    // Bracket the root: a Newton step that takes W as constant lands on the other side of it
    // (W only grows with the rate). The closure keeps the stationary state of the last rate
    // tried: the root's.
    let next = total / (q.mean_wait_s() + dt);
    let q_next = model(next);
    let h_next = excess(next, &q_next);
    if h_next.abs() <= TOLERANCE {
        return (next, q_next);
    }
    let (lo, hi) = if h < 0.0 {
        ((x, h), (next, h_next))
    } else {
        ((next, h_next), (x, h))
    };
    let mut last = q_next;
    let root = increasing_root(
        |rate| {
            last = model(rate);
            excess(rate, &last)
        },
        lo,
        hi,
        TOLERANCE,
    );
    (root, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single_server(rate: f64) -> Impatient {
        Impatient::new(1.0, rate, 0.01, 10.0, 1.0)
    }

    #[test]
    fn a_steady_load_settles_on_the_stationary_queue() {
        let (mut x, rate) = (0.0, 95.0);
        for _ in 0..600 {
            let (out, _) = step(x, rate, 1.0, single_server);
            x += rate - out;
        }
        let want = rate * single_server(rate).mean_wait_s();
        assert!((x - want).abs() < 1e-6 * want, "{x} vs {want}");
    }

    #[test]
    fn near_full_load_the_queue_takes_minutes_to_build() {
        // ρ = 1, 10 s patience: ~500 requests in the stationary queue, but the excess of a
        // single second is tiny, so after ten seconds the queue is far from there.
        let mut x = 0.0;
        let mut after = Vec::new();
        for _ in 0..7_200 {
            let (out, _) = step(x, 100.0, 1.0, single_server);
            x += 100.0 - out;
            after.push(x);
        }
        let stationary = 100.0 * single_server(100.0).mean_wait_s();
        assert!(after[9] < 0.3 * stationary, "{} of {stationary}", after[9]);
        assert!((after[7_199] - stationary).abs() < 0.05 * stationary);
        assert!(after.windows(2).all(|w| w[1] >= w[0]), "builds steadily");
    }

    #[test]
    fn overload_grows_the_queue_by_the_excess_until_requests_give_up() {
        let mut x = 0.0;
        let (out, q) = step(x, 200.0, 1.0, single_server);
        x += 200.0 - out;
        assert!(out > 90.0 && out <= 100.5, "{out}");
        assert!(q.p_abandon < 0.01);
        for _ in 0..60 {
            let (out, _) = step(x, 200.0, 1.0, single_server);
            x += 200.0 - out;
        }
        let (out, q) = step(x, 200.0, 1.0, single_server);
        // Served: the capacity; dropped: the rest, after their 10 s.
        assert!(
            (out * (1.0 - q.p_abandon) - 100.0).abs() < 1.0,
            "{out} {q:?}"
        );
    }

    #[test]
    fn every_step_lands_on_the_stationary_curve_even_where_it_is_steepest() {
        // Four servers, a 5/100 ms mix (Allen–Cunneen 2.17) and 60 s patience: near ρ = 1 the
        // mean wait climbs from a fraction of a second to most of a minute within a few
        // requests per second. Bursts and lulls around capacity, as a thread pool releases them.
        let model = |rate| Impatient::new(4.0, rate, 0.043, 60.0, 2.17);
        let mut x = 0.0;
        for (i, arrived) in [125.0, 64.0, 3.0, 126.0, 93.0, 93.1, 92.9, 400.0, 0.0, 0.5]
            .iter()
            .cycle()
            .take(200)
            .enumerate()
        {
            let total = x + arrived;
            let (out, q) = step(x, *arrived, 1.0, model);
            x = total - out;
            let held = out * q.mean_wait_s();
            assert!(
                (held - x).abs() <= 1e-6 * total.max(1.0),
                "step {i}: the queue holds {x}, its stationary state {held}"
            );
        }
    }

    #[test]
    fn nothing_in_nothing_out() {
        let (out, q) = step(0.0, 0.0, 1.0, single_server);
        assert_eq!(out, 0.0);
        assert_eq!(q.p_busy, 0.0);
    }
}
