//! Route 53: which region users are sent to, and how that changes when a region fails.
//!
//! Health checks probe each region's entry every `interval` seconds; `threshold` consecutive
//! failures mark it unhealthy (and as many successes healthy again). Routing then changes, but
//! clients hold the old answer until its TTL runs out, so traffic moves over one TTL, linearly.
//!
//! - **simple**: no health checks; every region gets its users.
//! - **latency**: each region's users go to their own region while it is healthy, otherwise to
//!   the healthy regions in proportion to their own users.
//! - **failover**: everyone goes to the first healthy region in order; if none is healthy,
//!   Route 53 answers with the primary.

use super::events::{EventKind, Events};
use crate::arch::{Dns, DnsRouting};

#[derive(Debug, Clone)]
pub struct Target {
    /// Region of this entry (`None` for a global target such as a lone server).
    pub region: Option<usize>,
    pub user_share: f64,
    pub healthy: bool,
    streak: u32,
}

#[derive(Debug, Clone)]
pub struct DnsState {
    pub targets: Vec<Target>,
    phase: f64,
    from: Vec<f64>,
    to: Vec<f64>,
    changed_at: f64,
}

/// A region changed health in DNS's eyes.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub region: usize,
    pub healthy: bool,
}

impl DnsState {
    /// `targets`: region, share of users, and whether it starts healthy.
    pub fn new(targets: Vec<(Option<usize>, f64, bool)>, phase: f64, spec: &Dns) -> Self {
        let targets: Vec<Target> = targets
            .into_iter()
            .map(|(region, user_share, healthy)| Target {
                region,
                user_share,
                healthy,
                streak: 0,
            })
            .collect();
        let mut state = Self {
            targets,
            phase,
            from: Vec::new(),
            to: Vec::new(),
            changed_at: f64::NEG_INFINITY,
        };
        state.to = state.target_weights(spec.routing);
        state.from = state.to.clone();
        state
    }

    /// The share of users each target receives at time `t`.
    pub fn weights(&self, t: f64, spec: &Dns) -> impl Iterator<Item = f64> + '_ {
        let progress = if spec.ttl_s <= 0.0 {
            1.0
        } else {
            ((t - self.changed_at) / spec.ttl_s).clamp(0.0, 1.0)
        };
        self.from
            .iter()
            .zip(&self.to)
            .map(move |(a, b)| a + (b - a) * progress)
    }

    /// Runs the health checks due at `t`. `probe(i)` says whether target `i` answers now.
    pub fn check(
        &mut self,
        t: f64,
        spec: &Dns,
        probe: &dyn Fn(usize) -> bool,
        id: &str,
        names: &dyn Fn(usize) -> String,
        events: &mut Events,
    ) -> Vec<Transition> {
        let mut changes = Vec::new();
        if spec.routing == DnsRouting::Simple {
            return changes;
        }
        let interval = spec.health_interval_s.max(1.0);
        if ((t - self.phase) / interval).fract().abs() > 1e-9 || t < self.phase {
            return changes;
        }
        for i in 0..self.targets.len() {
            let ok = probe(i);
            let target = &mut self.targets[i];
            if ok == target.healthy {
                target.streak = 0;
                continue;
            }
            target.streak += 1;
            if target.streak >= spec.failure_threshold {
                target.healthy = ok;
                target.streak = 0;
                if let Some(region) = target.region {
                    changes.push(Transition {
                        region,
                        healthy: ok,
                    });
                }
                let (kind, what) = if ok {
                    (
                        EventKind::HealthCheckOk,
                        "passes Route 53 health checks again",
                    )
                } else {
                    (EventKind::HealthCheckFail, "failed Route 53 health checks")
                };
                events.push(kind, Some(id), format!("{} {what}", names(i)));
            }
        }
        if !changes.is_empty() {
            let now: Vec<f64> = self.weights(t, spec).collect();
            self.from = now;
            self.to = self.target_weights(spec.routing);
            self.changed_at = t;
            let moved: Vec<String> = self
                .to
                .iter()
                .enumerate()
                .filter(|&(_, &w)| w > 0.0)
                .map(|(i, w)| format!("{} {:.0}%", names(i), w * 100.0))
                .collect();
            let none_healthy = self.targets.iter().all(|t| !t.healthy);
            let verb = if none_healthy {
                "no region passes its health checks; Route 53 answers with what it has: sending users to"
            } else {
                "routing users to"
            };
            events.push(
                EventKind::Reroute,
                Some(id),
                format!(
                    "{verb} {} (clients follow within the {:.0}s TTL)",
                    moved.join(", "),
                    spec.ttl_s
                ),
            );
        }
        changes
    }

    fn target_weights(&self, routing: DnsRouting) -> Vec<f64> {
        let n = self.targets.len();
        let shares: Vec<f64> = self.targets.iter().map(|t| t.user_share).collect();
        let healthy: Vec<bool> = self.targets.iter().map(|t| t.healthy).collect();
        match routing {
            DnsRouting::Simple => shares,
            DnsRouting::Failover => {
                let pick = healthy.iter().position(|&h| h).unwrap_or(0);
                (0..n).map(|i| if i == pick { 1.0 } else { 0.0 }).collect()
            }
            DnsRouting::Latency => {
                let healthy_share: f64 = (0..n).filter(|&i| healthy[i]).map(|i| shares[i]).sum();
                if healthy_share <= 0.0 {
                    // Nothing healthy, or only regions without users of their own: Route 53
                    // answers with all records when none is healthy.
                    let any_healthy = healthy.iter().any(|&h| h);
                    let count = healthy.iter().filter(|&&h| h).count() as f64;
                    return (0..n)
                        .map(|i| {
                            if !any_healthy {
                                shares[i]
                            } else if healthy[i] {
                                1.0 / count
                            } else {
                                0.0
                            }
                        })
                        .collect();
                }
                (0..n)
                    .map(|i| {
                        if healthy[i] {
                            shares[i] / healthy_share
                        } else {
                            0.0
                        }
                    })
                    .collect()
            }
        }
    }
}
