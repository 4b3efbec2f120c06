//! Stationary queueing formulas for `c` servers whose requests give up on waiting.
//!
//! The model is M/M/c+D: Poisson arrivals at rate λ, `c` servers with exponential service of
//! mean `1/μ`, first come first served, and a fixed patience τ: a request that has not started
//! service τ after it arrived is dropped (the server's queue timeout), and with τ = 0 whoever
//! finds every server busy is refused at once. Unlike M/M/c it has a steady state at any load,
//! overload included, so its answers are continuous in λ through ρ = 1 and beyond.
//!
//! Derivation (the M/M/n+G results of Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of
//! performance measures", 2009, with a deterministic patience): while a server is free the
//! number in system follows M/M/c, `p_j ∝ a^j/j!` for `j < c` with `a = λ/μ`; once all are busy,
//! the wait `V` an infinitely patient arrival would have has density
//! `p_{c−1} · λ · exp(λ·min(v, τ) − cμ·v)`. Normalising gives everything below; FCFS makes an
//! arrival that would wait past τ the same as one that leaves at τ, since nobody behind it is
//! held up by it.
//!
//! Mixed service times (`M/G/c`): the Allen–Cunneen approximation scales the M/M/c wait by
//! `(Ca² + Cs²)/2` (Poisson arrivals: `Ca² = 1`). Here it scales time in the wait: the M/G/c
//! wait is taken as `f` times an M/M/c+D wait with patience `τ/f`. Its error against a
//! per-request simulation is in the README ("Validated against a per-request simulation").

use super::wait::Wait;

/// Servers above which Erlang B switches from the exact recursion to a normal approximation,
/// keeping the cost per call bounded however large the pool.
const EXACT_UP_TO: f64 = 256.0;

/// Longest patience the formulas take (seconds). Assumption: no queue holds a request for a
/// day; it keeps overload finite when a station has no timeout at all.
const MAX_PATIENCE_S: f64 = 86_400.0;

/// Erlang B: the probability that all `servers` are busy in an M/M/c/c loss system offered
/// `load` Erlangs. 1 without servers.
pub fn erlang_b(servers: f64, load: f64) -> f64 {
    libm::exp(ln_erlang_b(servers, load))
}

/// The logarithm of Erlang B, finite however small B is: an overloaded queue with patience
/// multiplies it by `exp(|θ|·τ)`, which can be as large as B is small.
pub fn ln_erlang_b(servers: f64, load: f64) -> f64 {
    let c = servers.floor();
    if c < 1.0 {
        return 0.0;
    }
    if load <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if c > EXACT_UP_TO {
        return libm::log(erlang_b_normal(c, load));
    }
    // A load of almost nothing (what is left of a flow that decays towards zero) is far from
    // full too, and the recursion below would overflow on its reciprocal.
    if far_from_full(c, load) || load < NEGLIGIBLE_LOAD {
        // B = (a^c/c!)/Σ_{k≤c} a^k/k!, and with c this far above a the sum is e^a·P(N ≤ c)
        // for N ~ Poisson(a), P(N > c) negligible: so B is a^c·e^−a/c! to every digit a
        // float has, at the cost of one lgamma instead of c steps.
        return c * libm::log(load) - load - ln_factorial(c);
    }
    // The stable recursion for 1/B: 1/B(k) = 1 + (k/a)·1/B(k−1), every term positive. Taken
    // two servers at a time — 1/B(k+1) = 1 + (k+1)/a + 1/B(k−1)·k(k+1)/a² — it is one
    // multiply-add per two servers on the critical path instead of a division per server.
    // 1/B is `r·RESCALE^n`: `r` is scaled down before it could overflow, and the terms added
    // to it with it (`shrink` is RESCALE^−n).
    const RESCALE: f64 = 1e200;
    let inv = 1.0 / load;
    let (mut r, mut shrink, mut n) = (1.0, 1.0, 0.0);
    let mut k = 1.0;
    while k < c {
        let next = (k + 1.0) * inv;
        r = r * (k * inv * next) + (1.0 + next) * shrink;
        if r > RESCALE {
            r /= RESCALE;
            shrink /= RESCALE;
            n += 1.0;
        }
        k += 2.0;
    }
    if k == c {
        r = r * (k * inv) + shrink;
    }
    -(libm::log(r) + n * libm::log(RESCALE))
}

/// Erlangs below which P(N > c) for N ~ Poisson(load) is under 1e-18 for every c ≥ 1.
const NEGLIGIBLE_LOAD: f64 = 1e-18;

/// Whether `servers` offered `load` Erlangs are so far from all busy — more than 10 standard
/// deviations and 20 servers above the load — that the chance of finding them so is below
/// 1e-20 (a unit test holds the full M/M/c+D answer to that), far below anything a run shows.
pub fn far_from_full(servers: f64, load: f64) -> bool {
    servers.floor() > load + 10.0 * load.sqrt() + 20.0
}

/// `ln c!` for a whole number of servers up to `EXACT_UP_TO`: `lgamma(c + 1)`, looked up in a
/// table filled by that same function on first use (the same bits, without its cost).
fn ln_factorial(c: f64) -> f64 {
    static TABLE: std::sync::LazyLock<Vec<f64>> = std::sync::LazyLock::new(|| {
        (0..=EXACT_UP_TO as usize)
            .map(|k| libm::lgamma(k as f64 + 1.0))
            .collect()
    });
    TABLE[c as usize]
}

/// Erlang B is P(N = c) / P(N ≤ c) for N ~ Poisson(a). For many servers the Poisson terms are
/// close to a normal density: with x = (c + ½ − a)/√a (a continuity correction),
/// `B ≈ φ(x) / (√a · Φ(x))`. Across 257–4000 servers and ρ from 0.5 to 0.99 the Erlang C it
/// gives is within 0.004 (absolute) of the exact value.
fn erlang_b_normal(c: f64, load: f64) -> f64 {
    let x = (c + 0.5 - load) / load.sqrt();
    if x > 37.0 {
        return 0.0; // φ(x) underflows; the probability is far below anything observable
    }
    let phi = libm::exp(-x * x / 2.0) / (2.0 * std::f64::consts::PI).sqrt();
    let big_phi = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2);
    if big_phi <= 0.0 {
        return 1.0; // far into overload: every server is busy
    }
    (phi / (load.sqrt() * big_phi)).min(1.0)
}

/// Probability that an arrival has to wait in an M/M/c queue (Erlang C). 1 at or above
/// capacity.
pub fn erlang_c(servers: f64, load: f64) -> f64 {
    let c = servers.floor();
    if c < 1.0 || load >= c {
        return 1.0;
    }
    let b = erlang_b(c, load);
    b / (1.0 - load / c * (1.0 - b))
}

/// One station in steady state: what happens to an arriving request.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Impatient {
    /// Probability that it finds every server busy.
    pub p_busy: f64,
    /// Probability that it waits its whole patience and is dropped (part of `p_busy`).
    pub p_abandon: f64,
    /// Its wait, given it waits and is served, has density ∝ `exp(−rate·w)` on (0, patience):
    /// `rate = (cμ − λ)/f` (1/s), negative in overload, where waits pile up near the patience.
    pub rate: f64,
    pub patience_s: f64,
    /// Mean service time (seconds).
    pub service_s: f64,
    /// The mean wait of those who wait and are served, `truncated_mean(rate, patience_s)`:
    /// worked out once, as every use of the answer asks for it.
    waited_mean_s: f64,
}

impl Impatient {
    /// M/M/c+D with `servers`, `arrivals` per second, mean service `service_s`, `patience_s`,
    /// and the Allen–Cunneen factor `scale` = (1 + Cs²)/2 (1 for exponential service).
    pub fn new(servers: f64, arrivals: f64, service_s: f64, patience_s: f64, scale: f64) -> Self {
        let key = [servers, arrivals, service_s, patience_s, scale].map(f64::to_bits);
        let slot = memo::slot(&key);
        memo::ANSWERS.with_borrow_mut(|answers| match answers[slot] {
            Some((k, answer)) if memo::same(&k, &key) => answer,
            _ => {
                let answer = Self::solve(servers, arrivals, service_s, patience_s, scale);
                answers[slot] = Some((key, answer));
                answer
            }
        })
    }

    fn solve(servers: f64, arrivals: f64, service_s: f64, patience_s: f64, scale: f64) -> Self {
        let q = Self::probabilities(servers, arrivals, service_s, patience_s, scale);
        Self {
            waited_mean_s: truncated_mean(q.rate, q.patience_s),
            ..q
        }
    }

    /// The answer but for `waited_mean_s`.
    fn probabilities(
        servers: f64,
        arrivals: f64,
        service_s: f64,
        patience_s: f64,
        scale: f64,
    ) -> Self {
        let c = servers.floor();
        let patience_s = patience_s.clamp(0.0, MAX_PATIENCE_S);
        if c < 1.0 || service_s <= 0.0 {
            return Self {
                p_busy: if c < 1.0 { 1.0 } else { 0.0 },
                p_abandon: if c < 1.0 { 1.0 } else { 0.0 },
                rate: 0.0,
                patience_s,
                service_s: service_s.max(0.0),
                waited_mean_s: 0.0,
            };
        }
        let full_rate = c / service_s;
        let scale = scale.max(1e-9);
        if arrivals <= 0.0 {
            return Self {
                rate: full_rate / scale,
                patience_s,
                service_s,
                ..Self::default()
            };
        }
        let theta = full_rate - arrivals;
        let tau = patience_s / scale;
        // p_{c−1} relative to P(N < c) is Erlang B with c − 1 servers.
        let ln_density = ln_erlang_b(c - 1.0, arrivals * service_s) + libm::log(arrivals);
        let window = Window::of(theta, tau, full_rate);
        // P(busy) = e^b / (1 + e^b) with b = ln(density · J): the logistic function, one
        // exponential (which overflows harmlessly to a probability of 0 far below capacity).
        let p_busy = 1.0 / (1.0 + libm::exp(-(ln_density + window.ln_j)));
        // Of those who wait, the ones still waiting at τ are the tail term's share of J.
        let p_abandon = p_busy * window.tail_share;
        Self {
            p_busy,
            // Without patience everyone who finds the servers busy is refused.
            p_abandon: if tau > 0.0 {
                p_abandon.min(p_busy)
            } else {
                p_busy
            },
            rate: theta / scale,
            patience_s,
            service_s,
            waited_mean_s: 0.0,
        }
    }

    /// The wait of a request that is served (dropped ones excluded).
    pub fn served_wait(&self) -> Wait {
        let served = 1.0 - self.p_abandon;
        let p = if served > 0.0 {
            ((self.p_busy - self.p_abandon) / served).clamp(0.0, 1.0)
        } else {
            0.0
        };
        Wait::with_waited_mean(p, self.rate, self.patience_s, || self.waited_mean_s)
    }

    /// Mean time an arrival spends waiting, dropped ones (who wait their patience) included.
    pub fn mean_wait_s(&self) -> f64 {
        let waited = (self.p_busy - self.p_abandon).max(0.0);
        waited * self.waited_mean_s + self.p_abandon * self.patience_s
    }
}

/// The last answers, by the bits of their questions, so a question asked again is answered
/// from here: over six simulated hours of `10m` six Erlang B questions in ten repeat one
/// already asked (of `1m`, four in ten). The answer is a function of the question alone, so
/// this changes no number.
mod memo {
    use super::Impatient;
    use std::cell::RefCell;

    const SLOTS: usize = 64;

    /// A question (its inputs' bits) and its answer.
    type Entry = Option<([u64; 5], Impatient)>;

    thread_local! {
        pub static ANSWERS: RefCell<[Entry; SLOTS]> = const { RefCell::new([None; SLOTS]) };
    }

    /// Whether two questions are the same, without a call to `memcmp` (which is what an
    /// array's `==` becomes, and costs more than the five comparisons).
    pub fn same(a: &[u64; 5], b: &[u64; 5]) -> bool {
        a.iter().zip(b).fold(0, |differ, (x, y)| differ | (x ^ y)) == 0
    }

    pub fn slot(key: &[u64; 5]) -> usize {
        let h = key
            .iter()
            .fold(0u64, |h, &k| (h ^ k).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        (h >> 58) as usize
    }
}

/// `J = ∫₀^τ e^{−θx} dx + e^{−θτ}/(cμ)`, the normalising integral of the wait, as its
/// logarithm (computed without overflow), and the share of it its second term (those still
/// waiting at τ) makes up.
struct Window {
    ln_j: f64,
    tail_share: f64,
}

impl Window {
    fn of(theta: f64, tau: f64, full_rate: f64) -> Self {
        let x = theta * tau;
        let (ln_scale, integral, tail) = if theta >= 0.0 {
            let integral = if x < 1e-12 {
                tau
            } else {
                -libm::expm1(-x) / theta
            };
            (0.0, integral, libm::exp(-x) / full_rate)
        } else {
            // Factor out e^{|θ|τ}, the part that overflows.
            let a = -theta;
            (-x, -libm::expm1(-a * tau) / a, 1.0 / full_rate)
        };
        let j = integral + tail;
        Self {
            ln_j: ln_scale + libm::log(j),
            tail_share: tail / j,
        }
    }
}

/// Mean of the density ∝ `exp(−rate·w)` on (0, `max_s`).
pub fn truncated_mean(rate: f64, max_s: f64) -> f64 {
    let u = rate * max_s;
    if u.abs() < 1e-6 {
        max_s * (0.5 - u / 12.0)
    } else if u > 700.0 {
        1.0 / rate
    } else {
        max_s * (1.0 / u - 1.0 / libm::expm1(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flow that decays towards zero reaches subnormal sizes: its queue is empty, not NaN
    /// (1/load overflowed, and a NaN reached a clamp and ended the run).
    #[test]
    fn almost_no_load_finds_every_server_free() {
        for load in [5e-324, 5.39e-306, 1e-300, 1e-100, 1e-19] {
            for c in [1.0, 2.0, 15.0, 16.0, 40.0, 300.0] {
                let b = ln_erlang_b(c, load);
                assert!(b < -40.0 && !b.is_nan(), "B({c}, {load}) = e^{b}");
                let q = Impatient::new(c, load / 0.01, 0.01, 60.0, 1.0);
                assert!(
                    (0.0..1e-15).contains(&q.p_busy) && (0.0..=q.p_busy).contains(&q.p_abandon),
                    "{c} {load}: {q:?}"
                );
                assert!(q.mean_wait_s().is_finite(), "{q:?}");
            }
        }
    }

    /// Erlang C computed directly from its definition, for checking.
    fn erlang_c_by_definition(c: u32, a: f64) -> f64 {
        let mut term = 1.0;
        let mut sum = 1.0; // k = 0
        for k in 1..c {
            term *= a / k as f64;
            sum += term;
        }
        let last = term * a / c as f64 * c as f64 / (c as f64 - a);
        last / (sum + last)
    }

    /// P(busy) and P(abandon) as they were computed before, all in logarithms (three more
    /// transcendental calls): the logistic form must give the same to rounding.
    fn in_logarithms(c: f64, arrivals: f64, service_s: f64, tau: f64) -> (f64, f64) {
        let full_rate = c / service_s;
        let theta = full_rate - arrivals;
        let x = theta * tau;
        let ln_window = if theta >= 0.0 {
            let integral = if x < 1e-12 {
                tau
            } else {
                -libm::expm1(-x) / theta
            };
            libm::log(integral + libm::exp(-x) / full_rate)
        } else {
            -x + libm::log(-libm::expm1(theta * tau) / -theta + 1.0 / full_rate)
        };
        let ln_density = ln_erlang_b(c - 1.0, arrivals * service_s) + libm::log(arrivals);
        let ln_busy = ln_density + ln_window;
        let ln_norm = if ln_busy > 0.0 {
            ln_busy + libm::log1p(libm::exp(-ln_busy))
        } else {
            libm::log1p(libm::exp(ln_busy))
        };
        let p_busy = libm::exp(ln_busy - ln_norm);
        let p_abandon = libm::exp(ln_density - ln_norm - theta * tau - libm::log(full_rate));
        (p_busy, p_abandon.min(p_busy))
    }

    #[test]
    fn the_logistic_form_gives_what_the_logarithms_gave() {
        for c in [1.0, 4.0, 16.0, 64.0, 300.0] {
            for rho in [0.01, 0.3, 0.8, 0.99, 1.0, 1.2, 3.0] {
                for tau in [0.0, 0.05, 1.0, 30.0] {
                    let (service_s, arrivals) = (0.02, rho * c / 0.02);
                    let q = Impatient::solve(c, arrivals, service_s, tau, 1.0);
                    let (busy, abandon) = in_logarithms(c, arrivals, service_s, tau);
                    // The logarithms lose a few digits in overload, where they add and take
                    // away terms as large as |θ|·τ (thousands).
                    let close = |a: f64, b: f64| (a - b).abs() <= 1e-10 * b.max(1e-300);
                    assert!(
                        close(q.p_busy, busy),
                        "c {c} ρ {rho} τ {tau}: {} {busy}",
                        q.p_busy
                    );
                    assert!(
                        close(q.p_abandon, abandon),
                        "c {c} ρ {rho} τ {tau}: {} {abandon}",
                        q.p_abandon
                    );
                }
            }
        }
        // Deep in overload with a long patience, the share dropped is the excess, 1 − 1/ρ:
        // the logistic form gives it to the last digit.
        let q = Impatient::solve(16.0, 3.0 * 800.0, 0.02, 30.0, 1.0);
        assert!((q.p_abandon - 2.0 / 3.0).abs() < 1e-15, "{}", q.p_abandon);
    }

    #[test]
    fn the_factorial_table_is_lgamma_to_the_bit() {
        for c in 0..=EXACT_UP_TO as u32 {
            let c = f64::from(c);
            assert_eq!(
                ln_factorial(c).to_bits(),
                libm::lgamma(c + 1.0).to_bits(),
                "{c}"
            );
        }
    }

    #[test]
    fn erlang_c_matches_its_definition() {
        for c in [1, 2, 5, 16, 50] {
            for rho in [0.1, 0.5, 0.8, 0.95] {
                let a = rho * c as f64;
                let (got, want) = (erlang_c(c as f64, a), erlang_c_by_definition(c, a));
                assert!((got - want).abs() < 1e-12, "c={c} ρ={rho}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn the_paired_recursion_matches_the_division_one() {
        for c in [1u32, 2, 3, 7, 64, 255, 256] {
            for rho in [0.05, 0.3, 0.7, 0.95, 1.0, 1.5, 4.0] {
                let a = rho * f64::from(c);
                let mut want = 1.0;
                for k in 1..=c {
                    want = a * want / (f64::from(k) + a * want);
                }
                let got = erlang_b(f64::from(c), a);
                let error = (got - want).abs() / want;
                assert!(error < 1e-12, "c={c} ρ={rho}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn far_below_capacity_the_closed_form_matches_the_recursion() {
        for c in [21.0f64, 40.0, 64.0, 100.0, 256.0] {
            for a in [1e-6f64, 0.5, 3.0, 10.0, 30.0, 150.0] {
                if c <= a + 10.0 * a.sqrt() + 20.0 {
                    continue;
                }
                // 1/B by the plain recursion, scaled by 1e200 as it grows.
                let (mut r, mut shrink, mut ln_scale) = (1.0f64, 1.0, 0.0);
                for k in 1..=(c as u32) {
                    r = shrink + r * f64::from(k) / a;
                    if r > 1e200 {
                        r /= 1e200;
                        shrink /= 1e200;
                        ln_scale += libm::log(1e200);
                    }
                }
                let want = -(libm::log(r) + ln_scale);
                let got = ln_erlang_b(c, a);
                assert!(
                    (got - want).abs() < 1e-10 * want.abs().max(1.0),
                    "c={c} a={a}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn far_from_full_nobody_waits() {
        // At the edge of `far_from_full` (the most load it allows) for pools of 21 to 4,000
        // servers, whatever the patience: the full answer's chance of waiting is below 1e-20.
        for c in [
            21.0f64, 25.0, 40.0, 64.0, 100.0, 200.0, 256.0, 257.0, 500.0, 4_000.0,
        ] {
            // a + 10√a + 20 = c, solved for √a, and a hair below.
            let root = (-10.0 + (100.0 + 4.0 * (c - 20.0)).sqrt()) / 2.0;
            let edge = root * root * (1.0 - 1e-9);
            for load in [edge, edge / 2.0, 1e-3] {
                assert!(far_from_full(c, load), "c={c} a={load}");
                for patience_s in [0.0, 1.0, 60.0] {
                    let q = Impatient::new(c, load / 0.1, 0.1, patience_s, 1.0);
                    assert!(
                        q.p_busy < 1e-20,
                        "c={c} a={load} τ={patience_s}: {}",
                        q.p_busy
                    );
                }
            }
            assert!(!far_from_full(c, root * root * (1.0 + 1e-9)), "c={c}");
        }
    }

    #[test]
    fn erlang_b_has_a_logarithm_far_below_the_smallest_float() {
        // 256 servers offered a thousandth of an Erlang: B = (a^c/c!)/Σ a^k/k! ≈ 10^−1275,
        // and the sum is e^a to far below the tolerance.
        let want = 256.0 * libm::log(1e-3) - libm::lgamma(257.0) - 1e-3;
        let got = ln_erlang_b(256.0, 1e-3);
        assert!((got - want).abs() < 1e-9 * want.abs(), "{got} vs {want}");
        assert!(
            (ln_erlang_b(256.0, 1e-40) - (256.0 * libm::log(1e-40) - libm::lgamma(257.0))).abs()
                < 1e-6
        );
        assert_eq!(erlang_b(256.0, 1e-3), 0.0);
    }

    /// The exact recursion, at any size, for checking the approximation.
    fn erlang_c_exact(c: u32, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=c {
            b = a * b / (f64::from(k) + a * b);
        }
        b / (1.0 - a / f64::from(c) * (1.0 - b))
    }

    #[test]
    fn the_large_pool_approximation_is_within_half_a_percent_point() {
        for c in [257, 300, 500, 1_000, 4_000] {
            for rho in [0.5, 0.8, 0.9, 0.95, 0.98, 0.99] {
                let a = rho * f64::from(c);
                let (approx, exact) = (erlang_c(f64::from(c), a), erlang_c_exact(c, a));
                assert!(
                    (approx - exact).abs() < 0.005,
                    "c={c} ρ={rho}: {approx} vs {exact}"
                );
            }
        }
    }

    #[test]
    fn a_patient_queue_below_capacity_is_m_m_c() {
        for (c, rho) in [(1.0, 0.5), (4.0, 0.9), (50.0, 0.95)] {
            let s = 0.02;
            let q = Impatient::new(c, rho * c / s, s, 3_600.0, 1.0);
            let want_c = erlang_c(c, rho * c);
            assert!((q.p_busy - want_c).abs() < 1e-9, "{} vs {want_c}", q.p_busy);
            assert!(q.p_abandon < 1e-12);
            let want_wait = want_c * s / (c * (1.0 - rho));
            assert!((q.mean_wait_s() - want_wait).abs() < 1e-9 * want_wait.max(1.0));
        }
    }

    #[test]
    fn single_server_at_full_load_with_ten_seconds_patience() {
        // M/M/1+D with λ = μ = 100/s, τ = 10 s: P(N = 0) = 1/(1 + λJ) with J = τ + 1/μ,
        // the wait is uniform on (0, τ) for whoever waits, and P(drop) = P(0)·λ/μ ≈ 0.1 %.
        let q = Impatient::new(1.0, 100.0, 0.01, 10.0, 1.0);
        let p0 = 1.0 / (1.0 + 100.0 * 10.01);
        assert!((q.p_busy - (1.0 - p0)).abs() < 1e-9);
        assert!((q.p_abandon - p0).abs() < 1e-9);
        let want = (q.p_busy - q.p_abandon) * 5.0 + q.p_abandon * 10.0;
        assert!((q.mean_wait_s() - want).abs() < 1e-6, "{}", q.mean_wait_s());
        assert!((q.mean_wait_s() - 5.0).abs() < 0.01);
    }

    #[test]
    fn overload_drops_the_excess_and_stays_finite() {
        for lambda in [150.0, 1e4, 1e9] {
            let q = Impatient::new(1.0, lambda, 0.01, 10.0, 1.0);
            let excess = (lambda - 100.0) / lambda;
            assert!((q.p_abandon - excess).abs() < 1e-3, "{lambda}: {q:?}");
            assert!(q.p_busy <= 1.0 && q.mean_wait_s() <= 10.0 && q.mean_wait_s() > 9.0);
        }
        // Zero patience is the Erlang B loss system.
        let q = Impatient::new(5.0, 400.0, 0.01, 0.0, 1.0);
        assert!((q.p_abandon - erlang_b(5.0, 4.0)).abs() < 1e-9, "{q:?}");
    }

    /// Remembered answers are the answers: asked again, in another order, after slots were
    /// taken over by other questions, every one is what solving it gives.
    #[test]
    fn remembered_answers_are_the_answers() {
        let questions: Vec<[f64; 5]> = (0..1_000)
            .map(|i| {
                let i = f64::from(i);
                [
                    1.0 + i % 97.0,
                    0.5 + i * 0.731,
                    0.002 + (i % 13.0) * 0.01,
                    i % 7.0,
                    1.0,
                ]
            })
            .collect();
        let ask = |q: &[f64; 5]| Impatient::new(q[0], q[1], q[2], q[3], q[4]);
        let solve = |q: &[f64; 5]| Impatient::solve(q[0], q[1], q[2], q[3], q[4]);
        for q in &questions {
            assert_eq!(ask(q), solve(q));
        }
        for q in questions.iter().rev().chain(&questions) {
            assert_eq!(ask(q), solve(q), "{q:?}");
        }
    }

    #[test]
    fn answers_are_continuous_through_full_load() {
        let at = |rho: f64| Impatient::new(8.0, rho * 800.0, 0.01, 30.0, 1.0).mean_wait_s();
        for rho in [0.99, 0.999, 1.0, 1.001, 1.01] {
            // No jump: a step a thousand times shorter changes the answer about a thousand
            // times less.
            let jump = (at(rho + 1e-7) - at(rho - 1e-7)).abs();
            let slope = at(rho + 1e-4) - at(rho - 1e-4);
            assert!(
                slope > 0.0 && jump < 3e-3 * slope,
                "ρ {rho}: {jump} vs {slope}"
            );
        }
    }
}
