//! Retries between services: a server pool retrying its calls to a store, a queue or a cache.
//!
//! Each call edge (pool → callee) has a policy: the preset's `retry` for the pool, or what its
//! client library does by default for that kind of callee — the AWS SDKs retry calls to AWS
//! APIs (DynamoDB, S3, SQS) in their standard mode; database drivers and connection pools do
//! not retry a failed statement. A retried call is not a failure for the user yet: it waits for
//! its backoff (the caller's thread with it) and goes to the callee again.
//!
//! Approximations: the failures of a callee are shared among its callers by what each sent it
//! this second; work retried for callers who had already given up is not retried again; in the
//! latency walks a failed call is retried with the edge's share at its mean backoff.

use super::retry::Retrier;
use super::{NodeState, Simulation};
use crate::arch::Class;
use crate::arch::{Architecture, Kind, NodeId, PerClass, USER_CLASSES};
use crate::preset::defaults as d;
use crate::retry_policy::RetryPolicy;

const JOB: usize = Class::Job as usize;

/// One call edge and its caller's retries.
#[derive(Debug, Clone)]
pub struct CallRetry {
    pub from: NodeId,
    pub to: NodeId,
    pub retrier: Retrier,
    /// Calls sent on this edge this second, retries included.
    sent: PerClass<f64>,
}

/// The call edges of every pool, with their policies, grouped by caller.
#[derive(Debug, Clone, Default)]
pub struct CallEdges {
    edges: Vec<CallRetry>,
    /// For each component, where its own edges are in `edges`.
    by_caller: Vec<std::ops::Range<usize>>,
}

impl CallEdges {
    pub fn new(arch: &Architecture) -> Self {
        let mut edges: Vec<CallRetry> = Vec::new();
        let mut by_caller = Vec::with_capacity(arch.node_count());
        for (n, c) in arch.nodes() {
            let own = edges.len();
            if let Kind::Pool(pool) = &c.kind {
                for h in arch.routes[n.index()].next.iter().flatten() {
                    if edges[own..].iter().any(|e| e.to == h.to) {
                        continue;
                    }
                    let policy = pool
                        .retry
                        .unwrap_or_else(|| default_policy(&arch.graph[h.to].kind));
                    edges.push(CallRetry {
                        from: n,
                        to: h.to,
                        retrier: Retrier::new(policy),
                        sent: [0.0; 4],
                    });
                }
            }
            by_caller.push(own..edges.len());
        }
        Self { edges, by_caller }
    }

    /// The edges whose caller is `from`.
    fn of_caller(&mut self, from: NodeId) -> &mut [CallRetry] {
        &mut self.edges[self.by_caller[from.index()].clone()]
    }
}

impl std::ops::Deref for CallEdges {
    type Target = [CallRetry];
    fn deref(&self) -> &[CallRetry] {
        &self.edges
    }
}

impl std::ops::DerefMut for CallEdges {
    fn deref_mut(&mut self) -> &mut [CallRetry] {
        &mut self.edges
    }
}

fn default_policy(callee: &Kind) -> RetryPolicy {
    let name = match callee {
        Kind::KvStore(_) | Kind::ObjectStore(_) | Kind::Queue(_) => d::SDK_RETRY,
        _ => d::DRIVER_RETRY,
    };
    RetryPolicy::named(name).expect("a built-in policy")
}

impl Simulation {
    /// After pool `n` sent this second's calls: its retries now due go too.
    pub(super) fn send_call_retries(&mut self, n: NodeId) {
        let now = self.t;
        for e in self.call_retries.of_caller(n) {
            let steps = &self.scratch.steps[n.index()];
            // Jobs are retried by their queue already (SQS redelivers them).
            let first: PerClass<f64> = std::array::from_fn(|k| {
                if k == JOB {
                    return 0.0;
                }
                steps[k]
                    .hops
                    .iter()
                    .filter(|(to, _)| *to == e.to)
                    .map(|(_, amount)| amount)
                    .sum()
            });
            let sending = e.retrier.send(now, first);
            for (k, &sent) in first.iter().enumerate() {
                let retries = sending.retries[k];
                // An open breaker stops the calls themselves: take back what the pool sent, and
                // fail them at once (those whose own caller had given up count for nobody).
                let stopped = (sent - (sending.attempts[k] - retries)).max(0.0);
                if stopped > 0.0 {
                    self.scratch.withdraw(n, k, e.to, stopped);
                    let orphans = self.scratch.per[n.index()].orphan_out[k];
                    self.scratch
                        .fail_with(n, k, stopped, d::FAST_FAIL_S, orphans);
                }
                // Retried calls were users' failures: somebody still waits for them, whether
                // they go now or the budget or the breaker refuses them.
                if retries > 0.0 {
                    self.scratch.forward_with(n, k, e.to, retries, 0.0);
                }
                let refused = (sending.blocked[k] - stopped).max(0.0);
                self.scratch.fail_with(n, k, refused, d::FAST_FAIL_S, 0.0);
                e.sent[k] = sending.attempts[k];
            }
        }
    }

    /// After the flow: the failed calls each caller retries stop being users' failures and
    /// wait for their backoff instead.
    pub(super) fn settle_call_retries(&mut self, t: f64) {
        let now = self.t;
        let sc = &mut self.scratch;
        for e in self.call_retries.iter_mut() {
            let callee = e.to.index();
            let failed: PerClass<f64> = std::array::from_fn(|k| {
                let arrived = sc.per[callee].inflow[k];
                if k != JOB && arrived > 0.0 {
                    sc.per[callee].users_failed_at[k] * (e.sent[k] / arrived).min(1.0)
                } else {
                    0.0
                }
            });
            if failed.iter().all(|&f| f <= 0.0) && e.retrier.policy.breaker.is_none() {
                e.sent = [0.0; 4];
                continue; // nothing to retry, no breaker to feed
            }
            let settled = e.retrier.settle(now, t, failed);
            for (k, &asked) in failed.iter().enumerate() {
                let retried = settled.retried[k].min(sc.per[callee].users_failed_at[k]);
                if retried <= 0.0 {
                    continue;
                }
                // The retried take back the time they were counted at: the mean of the
                // failures here, not the step's mean of hard failures alone (a refusal's
                // nothing where the rest waited for a timeout left most of their time in).
                let at = &mut sc.per[callee];
                let mean_s = at.users_failed_s_at[k] / at.users_failed_at[k];
                at.users_failed_at[k] -= retried;
                at.users_failed_s_at[k] -= retried * mean_s;
                sc.users.failed[k] -= retried;
                sc.users.failed_s -= retried * mean_s;
                // The walks retry a failed call here with the share its callers retry.
                let step = &mut sc.steps[callee][k];
                let share = retried / asked.max(f64::MIN_POSITIVE);
                step.retry_share = step.retry_share.max(share.min(1.0));
                step.retries = step.retries.max(e.retrier.policy.attempts - 1);
                step.retry_backoff_s = step.retry_backoff_s.max(e.retrier.mean_backoff_s());
            }
            e.sent = [0.0; 4];
        }
        sc.users.failed_s = sc.users.failed_s.max(0.0);
    }

    /// Calls waiting for their backoff, of users' requests.
    pub(super) fn pending_call_retries(&self) -> f64 {
        self.call_retries
            .iter()
            .map(|e| e.retrier.pending_of(&USER_CLASSES.map(|c| c as usize)))
            .sum()
    }

    /// Retries sent between services in the last second.
    pub fn call_retries_last(&self) -> f64 {
        self.call_retries.iter().map(|e| e.retrier.retries).sum()
    }

    /// Switches every call of pool `from` to `policy`.
    pub(super) fn set_call_retry(&mut self, from: NodeId, policy: RetryPolicy) {
        for e in self.call_retries.of_caller(from) {
            e.retrier.policy = policy;
        }
    }

    /// Whether `n` is a pool (that calls something and so can retry).
    pub fn retries_calls(&self, n: NodeId) -> bool {
        matches!(self.nodes[n.index()], NodeState::Pool(_))
            && !self.call_retries.by_caller[n.index()].is_empty()
    }
}
