//! Retries: what a caller does when a request fails.
//!
//! A retry policy says how many attempts a request gets, how long the caller backs off before
//! each retry (exponential, optionally with full jitter), whether a retry budget caps retries
//! at a share of first attempts, and whether a circuit breaker stops calling altogether while
//! most calls fail. Retries are load: they arrive with the next seconds' traffic.
//!
//! The model is a fluid, like the rest: failed attempts of a second are split between retries
//! (scheduled over their backoff window) and final failures. Retries due within the same
//! second arrive the next second (approximation: the step is one second).

use crate::arch::PerClass;
pub use crate::retry_policy::{Breaker, MAX_ATTEMPTS, RetryPolicy};

/// Longest backoff the model schedules (seconds); longer caps are cut to it.
const HORIZON_S: usize = 128;

/// Retries waiting for their backoff to end: for each attempt number, a ring of future
/// seconds. Uniform (jittered) backoffs are spread with a difference array, so scheduling
/// costs the same whatever the window. The rings are allocated on first use: most callers
/// never retry, and thousands of idle 8 KiB rings would crowd the cache.
#[derive(Debug, Clone)]
struct DelayLine {
    /// Change of the arrival rate at each future second (jittered retries).
    delta: Vec<PerClass<f64>>,
    /// Arrivals at exactly that second (retries without jitter).
    impulse: Vec<PerClass<f64>>,
    rate: PerClass<f64>,
    /// Everything scheduled and not yet due.
    pending: PerClass<f64>,
    /// The last second anything scheduled touches; after it the line is empty.
    busy_until: Option<u64>,
}

impl DelayLine {
    fn new() -> Self {
        Self {
            delta: Vec::new(),
            impulse: Vec::new(),
            rate: [0.0; 4],
            pending: [0.0; 4],
            busy_until: None,
        }
    }

    fn schedule(&mut self, now: u64, amount: PerClass<f64>, bound_s: f64, jitter: bool) {
        let slot = |s: u64| ((now + s) % HORIZON_S as u64) as usize;
        // Seconds from the next one on: a backoff under a second lands next second.
        let span = bound_s.ceil().max(1.0) as u64;
        self.busy_until = self.busy_until.max(Some(now + span + 1));
        if self.delta.is_empty() {
            self.delta = vec![[0.0; 4]; HORIZON_S];
            self.impulse = vec![[0.0; 4]; HORIZON_S];
        }
        for (k, &x) in amount.iter().enumerate() {
            if x <= 0.0 {
                continue;
            }
            self.pending[k] += x;
            if jitter && span > 1 {
                let per_second = x / span as f64;
                self.delta[slot(1)][k] += per_second;
                self.delta[slot(1 + span)][k] -= per_second;
            } else {
                self.impulse[slot(span)][k] += x;
            }
        }
    }

    /// Whether nothing is scheduled at or after `now`.
    fn idle(&self, now: u64) -> bool {
        self.busy_until.is_none_or(|until| now > until)
    }

    /// Retries due in second `now`.
    fn due(&mut self, now: u64) -> PerClass<f64> {
        if self.idle(now) {
            // Every slot was cleared as it passed: nothing to read, nothing to clear.
            self.rate = [0.0; 4];
            self.busy_until = None;
            return [0.0; 4];
        }
        let i = (now % HORIZON_S as u64) as usize;
        let mut out = [0.0; 4];
        for (k, due) in out.iter_mut().enumerate() {
            self.rate[k] += self.delta[i][k];
            *due = (self.rate[k].max(0.0) + self.impulse[i][k]).min(self.pending[k]);
            self.pending[k] -= *due;
            if self.pending[k] < 1e-9 {
                // Nothing left: clear rounding residue so the rate cannot drift.
                self.pending[k] = 0.0;
            }
        }
        self.delta[i] = [0.0; 4];
        self.impulse[i] = [0.0; 4];
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakerState {
    Closed,
    Open { until: f64 },
    HalfOpen,
}

/// One caller's retries and breaker.
#[derive(Debug, Clone)]
pub struct Retrier {
    pub policy: RetryPolicy,
    /// Retries waiting, by the attempt they will be (index 0: the second attempt).
    lines: Vec<DelayLine>,
    /// The last second any line has something scheduled for (the latest of theirs), so an
    /// idle caller is known without reading its lines.
    busy_until: Option<u64>,
    /// Attempts sent this second, by attempt number (index 0: first attempts).
    sent: [PerClass<f64>; MAX_ATTEMPTS],
    pub breaker: BreakerState,
    /// (calls, failures) over the breaker's window.
    window: Vec<(f64, f64)>,
    /// Retries sent in the last second.
    pub retries: f64,
    /// Share of the retries due in the last second that the budget let through.
    budget_pass: f64,
    /// Share of the last second's attempts, first or not, that the breaker let through.
    breaker_pass: f64,
}

/// What a caller's policy made of one second's failures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settled {
    /// Failed attempts that will be retried.
    pub retried: PerClass<f64>,
    /// Requests that failed for good.
    pub gave_up: PerClass<f64>,
}

/// What a caller sends this second.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sending {
    /// First attempts and retries, let through by the breaker.
    pub attempts: PerClass<f64>,
    pub retries: PerClass<f64>,
    /// Requests failed in the client, never sent: the breaker is open, or the retry budget
    /// is spent.
    pub blocked: PerClass<f64>,
}

impl Retrier {
    pub fn new(policy: RetryPolicy) -> Self {
        Self {
            policy,
            lines: (1..MAX_ATTEMPTS).map(|_| DelayLine::new()).collect(),
            busy_until: None,
            sent: [[0.0; 4]; MAX_ATTEMPTS],
            breaker: BreakerState::Closed,
            window: Vec::new(),
            retries: 0.0,
            budget_pass: 1.0,
            breaker_pass: 1.0,
        }
    }

    /// Retries of these classes waiting for their backoff.
    pub fn pending_of(&self, classes: &[usize]) -> f64 {
        self.lines
            .iter()
            .map(|l| classes.iter().map(|&k| l.pending[k]).sum::<f64>())
            .sum()
    }

    /// Mean backoff before the first retry (seconds).
    pub fn mean_backoff_s(&self) -> f64 {
        let bound = self.policy.backoff_s(1).min(HORIZON_S as f64 - 1.0);
        if self.policy.jitter {
            bound / 2.0
        } else {
            bound
        }
    }

    /// Retries waiting for their backoff.
    pub fn pending(&self) -> f64 {
        self.lines
            .iter()
            .map(|l| l.pending.iter().sum::<f64>())
            .sum()
    }

    /// This second's attempts: `first` new requests plus the retries now due, less what an
    /// open breaker stops and what the retry budget refuses. The budget is checked when a
    /// retry is about to go, as clients do: retries may be at most its share of this second's
    /// first attempts.
    pub fn send(&mut self, now: u64, first: PerClass<f64>) -> Sending {
        let pass = match self.breaker {
            BreakerState::Closed => 1.0,
            BreakerState::Open { .. } => 0.0,
            BreakerState::HalfOpen => self.policy.breaker.map_or(1.0, |b| b.probe_share),
        };
        self.breaker_pass = pass;
        if pass == 1.0 && self.busy_until.is_none_or(|until| now > until) {
            // Nothing to retry and nothing stopped: the usual second, kept cheap.
            self.sent = [[0.0; 4]; MAX_ATTEMPTS];
            self.sent[0] = first;
            self.retries = 0.0;
            self.budget_pass = 1.0;
            return Sending {
                attempts: first,
                ..Sending::default()
            };
        }
        let mut due = [[0.0; 4]; MAX_ATTEMPTS];
        for (a, line) in self.lines.iter_mut().enumerate() {
            due[a + 1] = line.due(now);
        }
        let due_total: f64 = due.iter().flatten().sum::<f64>() * pass;
        self.budget_pass = match self.policy.budget {
            Some(share) if due_total > 0.0 => {
                (share * first.iter().sum::<f64>() * pass / due_total).min(1.0)
            }
            _ => 1.0,
        };
        let go = pass * self.budget_pass;
        let mut out = Sending::default();
        self.sent[0] = first.map(|x| x * pass);
        for (sent, due) in self.sent.iter_mut().zip(&due).skip(1) {
            *sent = due.map(|x| x * go);
            for (k, &x) in due.iter().enumerate() {
                out.retries[k] += x * go;
                out.blocked[k] += x * (1.0 - go);
            }
        }
        for k in 0..4 {
            out.blocked[k] += first[k] * (1.0 - pass);
            out.attempts[k] = self.sent.iter().map(|s| s[k]).sum();
        }
        self.retries = out.retries.iter().sum();
        out
    }

    /// Splits this second's `failed` attempts (per class) into retries and final failures,
    /// and feeds the breaker. Attempts of every number fail alike (approximation: they meet
    /// the same system in the same second).
    pub fn settle(&mut self, now: u64, t: f64, failed: PerClass<f64>) -> Settled {
        let mut out = Settled::default();
        let p = self.policy;
        for k in 0..4 {
            let attempts: f64 = self.sent.iter().map(|s| s[k]).sum();
            if attempts <= 0.0 || failed[k] <= 0.0 {
                out.gave_up[k] += failed[k].max(0.0);
                continue;
            }
            let fail_share = (failed[k] / attempts).min(1.0);
            for a in 0..MAX_ATTEMPTS {
                let failed_here = self.sent[a][k] * fail_share;
                if failed_here <= 0.0 {
                    continue;
                }
                let next = a + 1; // retry number `next` is attempt `next + 1`
                if next >= p.attempts as usize || next >= MAX_ATTEMPTS {
                    out.gave_up[k] += failed_here;
                    continue;
                }
                out.retried[k] += failed_here;
                let mut amount = [0.0; 4];
                amount[k] = failed_here;
                let bound = p.backoff_s(next).min(HORIZON_S as f64 - 1.0);
                let line = &mut self.lines[next - 1];
                line.schedule(now, amount, bound, p.jitter);
                self.busy_until = self.busy_until.max(line.busy_until);
            }
            // Rounding: what was failed but not attributed to an attempt gives up.
            let attributed = out.retried[k] + out.gave_up[k];
            if failed[k] > attributed {
                out.gave_up[k] += failed[k] - attributed;
            }
        }
        self.feed_breaker(t, self.sent.iter().flatten().sum(), failed.iter().sum());
        out
    }

    fn feed_breaker(&mut self, t: f64, calls: f64, failures: f64) {
        let Some(b) = self.policy.breaker else {
            return;
        };
        self.window.push((calls, failures));
        let keep = b.window_s.max(1) as usize;
        if self.window.len() > keep {
            self.window.remove(0);
        }
        let (c, f) = self
            .window
            .iter()
            .fold((0.0, 0.0), |a, w| (a.0 + w.0, a.1 + w.1));
        let ratio = if c > 0.0 { f / c } else { 0.0 };
        self.breaker = match self.breaker {
            BreakerState::Closed if c > 0.0 && ratio >= b.failure_ratio => {
                self.window.clear();
                BreakerState::Open {
                    until: t + b.open_s,
                }
            }
            BreakerState::Open { until } if t + 1.0 >= until => BreakerState::HalfOpen,
            BreakerState::HalfOpen if self.window.len() >= keep => {
                self.window.clear();
                if ratio >= b.failure_ratio {
                    BreakerState::Open {
                        until: t + b.open_s,
                    }
                } else {
                    BreakerState::Closed
                }
            }
            state => state,
        };
    }

    /// Chance that a failed attempt which the policy would retry is retried (for the latency
    /// walks, which stop at the policy's last attempt themselves): what the budget and the
    /// breaker let through of the retries now due. It is not the share of all failures
    /// retried: that counts the last attempts' failures too, and a walk drawing against it
    /// made a request of an `aggressive` client (5 attempts) stop after 4 as often as not.
    /// A refused retry fails a request that has already waited for its earlier attempts.
    pub fn retry_share(&self) -> f64 {
        if self.policy.attempts > 1 {
            self.budget_pass * self.breaker_pass
        } else {
            0.0
        }
    }

    /// Share of new requests an open (or half-open) breaker fails in the client at once,
    /// before any attempt (for the latency walks: these take no time).
    pub fn refused_at_once(&self) -> f64 {
        1.0 - self.breaker_pass
    }

    /// Draws a backoff before retry `i` (seconds) from a uniform number `u` in [0, 1).
    pub fn backoff_draw(&self, retry: usize, u: f64) -> f64 {
        let bound = self.policy.backoff_s(retry).min(HORIZON_S as f64 - 1.0);
        if self.policy.jitter { bound * u } else { bound }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(policy: RetryPolicy, fail_share: f64, seconds: u64) -> (f64, f64, f64) {
        let mut r = Retrier::new(policy);
        let (mut first_total, mut retries, mut gave_up) = (0.0, 0.0, 0.0);
        for now in 0..seconds {
            let first = if now < seconds / 2 { 100.0 } else { 0.0 };
            first_total += first;
            let s = r.send(now, [0.0, first, 0.0, 0.0]);
            retries += s.retries[1];
            gave_up += s.blocked[1];
            let failed = s.attempts[1] * fail_share;
            let settled = r.settle(now, now as f64, [0.0, failed, 0.0, 0.0]);
            gave_up += settled.gave_up[1];
        }
        (first_total, retries, gave_up)
    }

    #[test]
    fn every_failed_attempt_is_retried_until_the_attempts_run_out() {
        // Everything fails: each request is tried 5 times, then given up.
        let aggressive = RetryPolicy::named("aggressive").unwrap();
        let (first, retries, gave_up) = run(aggressive, 1.0, 200);
        assert!((retries - 4.0 * first).abs() < 1e-6, "{retries} vs {first}");
        assert!((gave_up - first).abs() < 1e-6, "{gave_up}");
    }

    #[test]
    fn a_budget_caps_retries_at_its_share_of_first_attempts() {
        let budget = RetryPolicy::named("budget").unwrap();
        let (first, retries, gave_up) = run(budget, 1.0, 400);
        assert!(retries <= 0.1 * first + 1e-6, "{retries} vs {first}");
        assert!((gave_up - first).abs() < 1e-6, "{gave_up} vs {first}");
    }

    #[test]
    fn jittered_backoff_spreads_retries_over_its_window_and_loses_none() {
        let mut line = DelayLine::new();
        line.schedule(10, [0.0, 80.0, 0.0, 0.0], 8.0, true);
        let due: Vec<f64> = (11..=20).map(|t| line.due(t)[1]).collect();
        assert!(due[..8].iter().all(|d| (d - 10.0).abs() < 1e-9), "{due:?}");
        assert_eq!(due[8], 0.0);
        assert_eq!(line.pending, [0.0; 4]);
    }

    #[test]
    fn the_breaker_opens_on_failures_and_closes_after_good_probes() {
        let mut r = Retrier::new(RetryPolicy::named("breaker").unwrap());
        for now in 0..10 {
            r.send(now, [0.0, 100.0, 0.0, 0.0]);
            r.settle(now, now as f64, [0.0, 100.0, 0.0, 0.0]);
        }
        assert!(
            matches!(r.breaker, BreakerState::Open { .. }),
            "{:?}",
            r.breaker
        );
        let s = r.send(10, [0.0, 100.0, 0.0, 0.0]);
        assert_eq!(s.attempts[1], 0.0);
        assert!(s.blocked[1] >= 100.0);
        let mut now = 10;
        while !matches!(r.breaker, BreakerState::Closed) && now < 100 {
            let s = r.send(now, [0.0, 100.0, 0.0, 0.0]);
            r.settle(now, now as f64, [0.0, s.attempts[1] * 0.0, 0.0, 0.0]);
            now += 1;
        }
        assert!(now < 60, "closed again at {now}");
    }
}
