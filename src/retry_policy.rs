//! Retry policies: how a caller (users' clients, or a service calling another) retries a
//! failed request. Plain settings; the simulation's `sim::retry` carries them out.
//!
//! Sources: the AWS SDKs' `standard` retry mode (3 attempts, exponential backoff with full
//! jitter; AWS SDKs and Tools Reference Guide, "Retry behavior"), full jitter as in the AWS
//! Architecture Blog's "Exponential Backoff And Jitter", and retry budgets of at most 10 % of
//! requests (Google SRE book, ch. 21 "Handling Overload").

/// Attempts a policy may make in all, the first included.
pub const MAX_ATTEMPTS: usize = 8;

/// How a caller retries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1: never retry).
    pub attempts: u32,
    /// Backoff before retry `i` (from 1): up to `min(cap, base × 2^(i−1))`.
    pub base_s: f64,
    pub cap_s: f64,
    /// Full jitter: the backoff is uniform between 0 and that bound; otherwise exactly it.
    pub jitter: bool,
    /// Retries may be at most this share of first attempts (a retry budget).
    pub budget: Option<f64>,
    pub breaker: Option<Breaker>,
}

/// A circuit breaker: opens when too many calls fail, fails calls at once while open, and
/// lets a share of them through as probes when half-open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breaker {
    /// Opens when the share of failed calls over the window reaches this.
    pub failure_ratio: f64,
    pub window_s: u32,
    /// Stays open this long before probing.
    pub open_s: f64,
    /// Share of calls let through while half-open.
    pub probe_share: f64,
}

impl RetryPolicy {
    pub const NONE: RetryPolicy = RetryPolicy {
        attempts: 1,
        base_s: 0.0,
        cap_s: 0.0,
        jitter: false,
        budget: None,
        breaker: None,
    };

    /// The AWS SDKs' standard mode: 3 attempts, exponential backoff from 1 s with full
    /// jitter, capped at 20 s.
    const SDK: RetryPolicy = RetryPolicy {
        attempts: 3,
        base_s: 1.0,
        cap_s: 20.0,
        jitter: true,
        budget: None,
        breaker: None,
    };

    /// The SDK's policy with retries held to 10 % of requests.
    const BUDGET: RetryPolicy = RetryPolicy {
        budget: Some(0.1),
        ..Self::SDK
    };

    /// The named policies an action can switch a caller to, with what each stands for.
    pub const NAMED: [(&'static str, RetryPolicy, &'static str); 6] = [
        ("none", RetryPolicy::NONE, "never retry"),
        (
            "user",
            RetryPolicy {
                attempts: 2,
                base_s: 2.0,
                cap_s: 2.0,
                jitter: true,
                budget: None,
                breaker: None,
            },
            "a person or an app tries once more within a few seconds",
        ),
        (
            "aggressive",
            RetryPolicy {
                attempts: 5,
                base_s: 0.0,
                cap_s: 0.0,
                jitter: false,
                budget: None,
                breaker: None,
            },
            "5 attempts, at once, no budget",
        ),
        (
            "sdk",
            Self::SDK,
            "AWS SDK standard mode: 3 attempts, exponential backoff with full jitter",
        ),
        (
            "budget",
            Self::BUDGET,
            "3 attempts, backoff with full jitter, retries at most 10 % of requests",
        ),
        (
            "breaker",
            RetryPolicy {
                breaker: Some(crate::preset::defaults::BREAKER),
                ..Self::BUDGET
            },
            "the budget policy behind a circuit breaker (opens at 50 % failures over 10 s)",
        ),
    ];

    pub fn named(name: &str) -> Option<RetryPolicy> {
        Self::NAMED
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, p, _)| *p)
    }

    /// The backoff bound before retry `i` (from 1).
    pub fn backoff_s(&self, retry: usize) -> f64 {
        let exp = self.base_s * 2f64.powi(retry.saturating_sub(1).min(30) as i32);
        exp.min(self.cap_s)
    }
}
