//! End-to-end latency: a fixed number of synthetic requests per simulated second walk the graph
//! along the routes real traffic took that second, drawing each component's delay from its own
//! distribution. Every walk ends with an outcome and the time it took: answered, failed at a
//! component (after that failure's own time: a refused connection is quick, a dead target hangs
//! until a connect timeout), or given up by a caller at its deadline. The headline percentiles
//! cover every request, failures at the time they took to fail, because that is what users
//! waited; the percentiles of the answered ones are kept beside them. A run-wide histogram
//! weights each sample by the requests it stands for.
//!
//! The number of walks is fixed (see `latency_window`), so the cost does not depend on the
//! request rate.

use super::float::{greater, lesser};
use super::retry::Retrier;
use super::rng::SimRng;
use super::station::Delay;
use crate::arch::{NodeId, PerClass, USER_CLASSES};
use crate::preset::defaults::DELAY_VARIABLE_SHARE;

/// A request never passes through more components than this (the graph is acyclic).
const MAX_HOPS: usize = 64;

/// What happens to one class of request at one component this second.
#[derive(Debug, Clone)]
pub struct Step {
    /// Probability the component fails the request outright (dead target, refused, dropped).
    pub fail: f64,
    /// How long such a failure takes, from arrival here (seconds; a mean over its causes).
    pub fail_s: f64,
    /// Share of such failures the callers retry, how many times at most, and after what mean
    /// backoff (seconds).
    pub retry_share: f64,
    pub retries: u32,
    pub retry_backoff_s: f64,
    /// The caller's patience for this component and everything behind it (seconds from
    /// arrival here); infinite when nobody here times out.
    pub timeout_s: f64,
    pub delay: Delay,
    /// Probability the request is answered here (given it did not fail).
    pub done: f64,
    /// Next components with cumulative probabilities (given it goes on).
    pub hops: Vec<(NodeId, f64)>,
}

impl Default for Step {
    fn default() -> Self {
        Self {
            fail: 0.0,
            fail_s: 0.0,
            retry_share: 0.0,
            retries: 0,
            retry_backoff_s: 0.0,
            timeout_s: f64::INFINITY,
            delay: Delay::default(),
            done: 0.0,
            hops: Vec::new(),
        }
    }
}

impl Step {
    /// `clone_from` that keeps this step's allocation for its hops.
    pub fn copy_from(&mut self, other: &Step) {
        self.fail = other.fail;
        self.fail_s = other.fail_s;
        self.retry_share = other.retry_share;
        self.retries = other.retries;
        self.retry_backoff_s = other.retry_backoff_s;
        self.timeout_s = other.timeout_s;
        self.delay = other.delay;
        self.done = other.done;
        self.hops.clone_from(&other.hops);
    }

    pub fn reset(&mut self) {
        self.fail = 0.0;
        self.fail_s = 0.0;
        self.retry_share = 0.0;
        self.retries = 0;
        self.retry_backoff_s = 0.0;
        self.timeout_s = f64::INFINITY;
        self.delay = Delay::default();
        self.done = 0.0;
        self.hops.clear();
    }
}

/// Draws one component's delay. Its fixed part (network, injected latency, the mean waits for
/// a thread or a connection) jitters around its mean: see `DELAY_VARIABLE_SHARE`.
#[inline]
fn draw(delay: &Delay, rng: &mut SimRng) -> f64 {
    // A draw is spent on choosing the branch only when there is a slow instance, so runs
    // without one draw the same numbers as before it existed.
    let (wait, service_s) = if delay.slow.share > 0.0 && rng.uniform() < delay.slow.share {
        (&delay.slow.wait, delay.slow.service_s)
    } else {
        (&delay.wait, delay.service_s)
    };
    let mut variable = 0.0;
    if wait.p > 0.0 {
        variable += wait.at(rng.uniform());
    }
    if service_s > 0.0 {
        variable += rng.exponential(service_s);
    }
    let fixed = if delay.fixed_s > 0.0 {
        delay.fixed_s * (1.0 - DELAY_VARIABLE_SHARE)
            + rng.exponential(delay.fixed_s * DELAY_VARIABLE_SHARE)
    } else {
        delay.fixed_s
    };
    fixed + variable
}

/// How one synthetic request ended, and after how long (seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Answered(f64),
    Failed(f64),
}

impl Outcome {
    /// How long it took, answered or failed.
    pub fn seconds(self) -> f64 {
        match self {
            Outcome::Answered(s) | Outcome::Failed(s) => s,
        }
    }
}

/// A set of walks' latencies (seconds).
#[derive(Debug, Clone, Default)]
pub struct Sampler {
    /// Every walk's outcome, in the order drawn.
    pub outcomes: Vec<Outcome>,
    /// Requests that were answered.
    pub samples: Vec<f64>,
    /// Requests that failed, at the time they took to fail.
    pub failures: Vec<f64>,
}

impl Sampler {
    /// Walks `count` requests from `entry`, each of a class drawn from `mix`, retried as the
    /// users' clients retry.
    pub fn run(
        &mut self,
        entry: NodeId,
        mix: [f64; 3],
        steps: &[PerClass<Step>],
        retries: &Retries,
        rng: &mut SimRng,
        count: usize,
    ) {
        self.outcomes.clear();
        self.samples.clear();
        self.failures.clear();
        let total: f64 = mix.iter().sum();
        if total <= 0.0 {
            return;
        }
        for _ in 0..count {
            let pick = rng.uniform() * total;
            let class = if pick < mix[0] {
                USER_CLASSES[0]
            } else if pick < mix[0] + mix[1] {
                USER_CLASSES[1]
            } else {
                USER_CLASSES[2]
            } as usize;
            let outcome = request(entry, class, steps, retries, rng);
            self.outcomes.push(outcome);
            match outcome {
                Outcome::Answered(latency) => self.samples.push(latency),
                Outcome::Failed(latency) => self.failures.push(latency),
            }
        }
    }

    /// Makes room for `n` walks of each kind, so that a second whose walks fail more than
    /// any before it does not grow the buffers (a step allocates nothing).
    pub fn reserve(&mut self, n: usize) {
        for v in [&mut self.samples, &mut self.failures] {
            v.reserve(n.saturating_sub(v.len()));
        }
        self.outcomes.reserve(n.saturating_sub(self.outcomes.len()));
    }
}

/// Draws "yes" with probability `p`, spending no randomness when the answer is certain.
#[inline]
fn chance(p: f64, rng: &mut SimRng) -> bool {
    p >= 1.0 || (p > 0.0 && rng.uniform() < p)
}

/// How users' clients retry this second.
pub struct Retries<'a> {
    /// Share of failed attempts retried.
    pub share: f64,
    /// Share of requests an open circuit breaker fails in the client.
    pub blocked: f64,
    pub retrier: &'a Retrier,
}

/// One user request: attempts until one is answered, the client gives up, or its policy
/// allows no more. Its latency runs from the first attempt to the end, backoffs included.
fn request(
    entry: NodeId,
    class: usize,
    steps: &[PerClass<Step>],
    retries: &Retries,
    rng: &mut SimRng,
) -> Outcome {
    if chance(retries.blocked, rng) {
        return Outcome::Failed(0.0);
    }
    let attempts = retries.retrier.policy.attempts as usize;
    let mut elapsed = 0.0;
    for attempt in 1..=attempts {
        match walk(entry, class, steps, rng) {
            Outcome::Answered(latency) => return Outcome::Answered(elapsed + latency),
            Outcome::Failed(latency) => {
                elapsed += latency;
                if attempt == attempts || !chance(retries.share, rng) {
                    break;
                }
                elapsed += retries.retrier.backoff_draw(attempt, rng.uniform());
            }
        }
    }
    Outcome::Failed(elapsed)
}

/// Walks one attempt from `entry`. Each component's caller gives up at its timeout: the
/// earliest deadline on the way is when the user hears of a failure, however long the work
/// goes on behind it.
fn walk(entry: NodeId, class: usize, steps: &[PerClass<Step>], rng: &mut SimRng) -> Outcome {
    let mut node = entry;
    let mut latency = 0.0;
    let mut deadline = f64::INFINITY;
    for _ in 0..MAX_HOPS {
        let step = &steps[node.index()][class];
        deadline = lesser(deadline, latency + step.timeout_s);
        let mut tries = 0;
        while chance(step.fail, rng) {
            latency += step.fail_s;
            // The caller retries the failed call after its backoff, if its policy says so.
            if tries < step.retries && latency < deadline && chance(step.retry_share, rng) {
                tries += 1;
                latency += step.retry_backoff_s;
                continue;
            }
            return Outcome::Failed(lesser(latency, deadline));
        }
        latency += draw(&step.delay, rng);
        if latency > deadline {
            return Outcome::Failed(deadline);
        }
        if step.hops.is_empty() || chance(step.done, rng) {
            return Outcome::Answered(latency);
        }
        node = match step.hops.as_slice() {
            [(only, _)] => *only,
            hops => {
                let u = rng.uniform();
                hops.iter()
                    .find(|&&(_, cum)| u < cum)
                    .unwrap_or(&hops[hops.len() - 1])
                    .0
            }
        };
    }
    Outcome::Failed(lesser(latency, deadline))
}

/// A histogram of latencies with about 1.1 % resolution from 1 µs to beyond a day. A bucket is
/// read straight off the float's bits (its exponent and top six mantissa bits: 64 buckets per
/// doubling), so adding a sample costs no logarithm.
#[derive(Debug, Clone)]
pub struct Histogram {
    counts: Vec<f64>,
    pub total: f64,
    sum: f64,
    pub max: f64,
}

/// 2^-20 s ≈ 1 µs: everything faster shares the first bucket.
const LOWEST_EXPONENT: u64 = 1023 - 20;
const SUB_BITS: u64 = 6;
/// 38 doublings above 1 µs: about 3 days.
const BUCKETS: usize = 38 << SUB_BITS;

impl Default for Histogram {
    fn default() -> Self {
        Self {
            counts: vec![0.0; BUCKETS],
            total: 0.0,
            sum: 0.0,
            max: 0.0,
        }
    }
}

impl Histogram {
    fn bucket(latency_s: f64) -> usize {
        let key = latency_s.max(0.0).to_bits() >> (52 - SUB_BITS);
        (key.saturating_sub(LOWEST_EXPONENT << SUB_BITS) as usize).min(BUCKETS - 1)
    }

    /// The smallest latency that falls in bucket `i`.
    fn floor(i: usize) -> f64 {
        f64::from_bits(((i as u64) + (LOWEST_EXPONENT << SUB_BITS)) << (52 - SUB_BITS))
    }

    pub fn add(&mut self, latency_s: f64, weight: f64) {
        if weight <= 0.0 {
            return;
        }
        self.counts[Self::bucket(latency_s)] += weight;
        self.total += weight;
        self.sum += latency_s * weight;
        self.max = self.max.max(latency_s);
    }

    /// Adds the same samples, all of one weight, to two histograms (answered requests count
    /// in both the answered and the all-requests one), finding each bucket once.
    pub fn add_to_both(pair: [&mut Histogram; 2], samples: &[f64], weight: f64) {
        if weight <= 0.0 {
            return;
        }
        let [a, b] = pair;
        // The longest once for both.
        let mut longest = 0.0;
        for &s in samples {
            let i = Self::bucket(s);
            a.counts[i] += weight;
            b.counts[i] += weight;
            longest = greater(longest, s);
        }
        let (n, sum) = (samples.len() as f64, samples.iter().sum::<f64>());
        for h in [a, b] {
            h.total += weight * n;
            h.sum += weight * sum;
            h.max = h.max.max(longest);
        }
    }

    pub fn mean(&self) -> Option<f64> {
        (self.total > 0.0).then(|| self.sum / self.total)
    }

    /// The `q`-quantile in seconds (the middle of its bucket).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total <= 0.0 {
            return None;
        }
        let goal = q * self.total;
        let mut seen = 0.0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= goal && c > 0.0 {
                return Some(((Self::floor(i) + Self::floor(i + 1)) / 2.0).min(self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_delay_keeps_its_mean_and_gets_a_right_skewed_spread() {
        let mut rng = SimRng::new(5, super::super::rng::Stream::Latency);
        let delay = Delay::fixed(0.010);
        let mut draws: Vec<f64> = (0..200_000).map(|_| draw(&delay, &mut rng)).collect();
        draws.sort_by(f64::total_cmp);
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.010).abs() < 0.00002, "{mean}");
        let at = |q: f64| draws[(q * draws.len() as f64) as usize];
        // Constant 8 ms plus an exponential of mean 2 ms.
        assert!((draws[0] - 0.008).abs() < 1e-5, "{}", draws[0]);
        assert!(
            (at(0.5) - (0.008 + 0.002 * libm::log(2.0))).abs() < 3e-5,
            "{}",
            at(0.5)
        );
        assert!(
            (at(0.99) - (0.008 + 0.002 * libm::log(100.0))).abs() < 2e-4,
            "{}",
            at(0.99)
        );
    }

    #[test]
    fn histogram_quantiles_are_within_one_percent() {
        let mut h = Histogram::default();
        for i in 1..=10_000 {
            h.add(f64::from(i) / 1000.0, 1.0); // 1 ms .. 10 s, uniform
        }
        for (q, want) in [(0.5, 5.0), (0.95, 9.5), (0.99, 9.9)] {
            let got = h.quantile(q).unwrap();
            assert!((got - want).abs() / want < 0.011, "q={q}: {got} vs {want}");
        }
        assert!((h.mean().unwrap() - 5.0005).abs() < 1e-9);
        assert_eq!(h.max, 10.0);
    }

    #[test]
    fn an_empty_histogram_has_no_quantiles() {
        assert_eq!(Histogram::default().quantile(0.5), None);
    }
}
