//! One instance of a server pool that runs slower than its peers — CPU steal, a failing disk, a
//! garbage-collection spiral: a gray failure. It passes the EC2 status checks, so nothing
//! replaces it; what it suffers depends on how requests reach it:
//!
//! - **Round robin** gives it its turn whatever it has on its hands: its 1/n of the requests
//!   queue at a fraction of the speed, and that share of users waits or fails.
//! - **Least outstanding requests** (and workers, which pull) give it less. Approximation: each
//!   instance takes a share proportional to its speed, the split at which every instance is
//!   equally loaded. `validation/` measures it against a request-by-request simulation of
//!   "join the instance with the fewest in flight" (table in the README).
//!
//! Its queue is a station of its own beside the pool's; the walks that draw latency take its
//! wait with the probability of landing on it ([`SlowBranch`]).
//!
//! A load balancer's health check waits in the same queue as the requests (assumption: the
//! check path is served by the same threads). Once the instance's backlog takes longer than
//! the check's timeout to get through, checks fail; after the unhealthy threshold it is out of
//! service and drains, and after the healthy threshold it is back — so it can flap.

use super::events::{EventKind, Events};
use super::station::{Capacity, SlowBranch, Station, StationTick};
use super::wait::Wait;
use crate::arch::{AzRef, PerClass};
use crate::preset::defaults::LB_HEALTH_TIMEOUT_S;

/// How requests are shared between the instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// Each instance in turn: round robin.
    Even,
    /// In proportion to speed: least outstanding requests, or workers pulling.
    BySpeed,
}

/// Load balancer health checks: every `interval_s` from `phase_s`; out of service after
/// `unhealthy` failures in a row, back after `healthy` passes in a row.
#[derive(Debug, Clone, Copy)]
pub struct HealthChecks {
    pub interval_s: f64,
    pub phase_s: f64,
    pub unhealthy: u32,
    pub healthy: u32,
}

#[derive(Debug, Clone)]
pub struct SickInstance {
    /// How many times longer each request takes on it.
    pub factor: f64,
    /// Its AZ: it goes down with it.
    pub az: AzRef,
    /// When it gets better by itself (`None`: when restored).
    pub until: Option<f64>,
    station: Station,
    in_service: bool,
    /// Checks in a row that went against its current state.
    streak: u32,
    /// Time to get through its backlog at its own speed (seconds): what a check waits.
    backlog_s: f64,
}

impl SickInstance {
    pub fn new(factor: f64, az: AzRef, until: Option<f64>) -> Self {
        Self {
            factor,
            az,
            until,
            station: Station::default(),
            in_service: true,
            streak: 0,
            backlog_s: 0.0,
        }
    }

    /// Whether the load balancer sends it requests.
    pub fn in_service(&self) -> bool {
        self.in_service
    }

    /// Its share of the pool's requests among `instances` in service (itself included).
    pub fn share(&self, split: Split, instances: u32) -> f64 {
        let n = f64::from(instances);
        if n <= 1.0 {
            // Alone, it takes everything: with every target unhealthy an ALB routes to all.
            return 1.0;
        }
        if !self.in_service {
            return 0.0;
        }
        match split {
            Split::Even => 1.0 / n,
            Split::BySpeed => {
                let own = 1.0 / self.factor;
                own / (n - 1.0 + own)
            }
        }
    }

    /// Steps the pool's CPU for one second: the healthy instances as `healthy`, this one on
    /// its own; returns what the pool as a whole did. `cap` describes the whole pool.
    #[allow(clippy::too_many_arguments)]
    pub fn tick(
        &mut self,
        healthy: &mut Station,
        arrivals: PerClass<f64>,
        orphans: PerClass<f64>,
        cap: Capacity,
        (instances, vcpus): (u32, u32),
        split: Split,
        dt: f64,
    ) -> StationTick {
        let q = self.share(split, instances);
        let own_servers = f64::from(vcpus).min(cap.servers);
        let rest_servers = cap.servers - own_servers;
        if split == Split::BySpeed || rest_servers < 1.0 {
            // Nobody else to serve what waited for the pool, or one shared queue.
            self.station.take_over(std::mem::take(healthy));
        }
        if split == Split::BySpeed {
            return self.tick_pooled(q, arrivals, orphans, cap, (instances, vcpus), dt);
        }
        let part =
            |x: PerClass<f64>, w: f64| -> PerClass<f64> { std::array::from_fn(|k| x[k] * w) };
        let own_cap = Capacity {
            servers: own_servers,
            service_s: std::array::from_fn(|k| cap.service_s[k] * self.factor),
            queues: 1.0,
            ..cap
        };
        let rest_cap = Capacity {
            servers: rest_servers,
            queues: (cap.queues - 1.0).max(1.0),
            ..cap
        };
        let mine = self
            .station
            .tick(part(arrivals, q), part(orphans, q), own_cap, dt);
        let rest = if rest_servers < 1.0 {
            StationTick::default()
        } else {
            healthy.tick(
                part(arrivals, 1.0 - q),
                part(orphans, 1.0 - q),
                rest_cap,
                dt,
            )
        };
        self.backlog_s = (0..4)
            .map(|k| self.station.backlog[k] * own_cap.service_s[k])
            .sum::<f64>()
            / own_servers.max(1.0);
        merge(&rest, &mine, (rest_servers, own_servers))
    }

    /// Least outstanding requests keeps one queue for the pool in effect: a request waits
    /// about as long whichever instance it ends on, and is served slower on the slow one.
    /// Approximation: one queue over every vCPU, each request's service the pool's mix (the
    /// slow instance's share `q` takes `factor` times as long) — the capacity of the
    /// instances together. On the slow instance the wait stretches by `factor` too: the
    /// requests ahead there are served that much slower.
    fn tick_pooled(
        &mut self,
        q: f64,
        arrivals: PerClass<f64>,
        orphans: PerClass<f64>,
        cap: Capacity,
        (instances, vcpus): (u32, u32),
        dt: f64,
    ) -> StationTick {
        let stretch = 1.0 + q * (self.factor - 1.0);
        let mut tick = self.station.tick(
            arrivals,
            orphans,
            Capacity {
                service_s: cap.service_s.map(|s| s * stretch),
                queues: 1.0,
                ..cap
            },
            dt,
        );
        for (k, d) in tick.delay.iter_mut().enumerate() {
            d.service_s = cap.service_s[k];
            d.slow = SlowBranch {
                share: q,
                wait: Wait::new(d.wait.p, d.wait.rate / self.factor, d.wait.max_s),
                service_s: cap.service_s[k] * self.factor,
            };
        }
        // A check waits behind the slow instance's part of the queue, at its speed.
        let own_part = self.station.queued() / f64::from(instances.max(1));
        let slowest = cap.service_s.iter().copied().fold(0.0, f64::max);
        self.backlog_s = own_part * slowest * self.factor / f64::from(vcpus.max(1));
        tick
    }

    /// Runs the load balancer's health check if one falls in this second.
    pub fn check(&mut self, checks: HealthChecks, t: f64, id: &str, events: &mut Events) {
        if checks.interval_s <= 0.0 || (t - checks.phase_s).rem_euclid(checks.interval_s) != 0.0 {
            return;
        }
        let passes = self.backlog_s < LB_HEALTH_TIMEOUT_S;
        if passes != self.in_service {
            self.streak += 1;
        } else {
            self.streak = 0;
        }
        let needed = if self.in_service {
            checks.unhealthy
        } else {
            checks.healthy
        };
        if self.streak < needed.max(1) {
            return;
        }
        self.streak = 0;
        self.in_service = passes;
        let message = if passes {
            "the slow instance passes its health checks again: back in service".to_string()
        } else {
            format!(
                "the slow instance failed {needed} health checks (its queue takes {:.0} s, \
                 the check times out at {LB_HEALTH_TIMEOUT_S:.0} s): no more traffic to it",
                self.backlog_s
            )
        };
        let kind = if passes {
            EventKind::Recovered
        } else {
            EventKind::HealthCheckFail
        };
        events.push(kind, Some(id), message);
    }

    /// Its own queue.
    pub fn station(&self) -> &Station {
        &self.station
    }

    /// What still waits on it, for the pool to take over once it is well again.
    pub fn into_backlog(self) -> Station {
        self.station
    }

    /// Everything waiting on it fails (its AZ or region is gone).
    pub fn drop_all(&mut self) -> PerClass<f64> {
        self.station.drop_all()
    }
}

/// One station's second out of two that shared its arrivals: counts add up, shares and means
/// are weighted, and the slower one's wait becomes the slow branch of the delay.
fn merge(a: &StationTick, b: &StationTick, (servers_a, servers_b): (f64, f64)) -> StationTick {
    let mut out = StationTick::default();
    let served = |t: &StationTick, k: usize| t.ok[k] + t.late[k];
    for k in 0..4 {
        out.ok[k] = a.ok[k] + b.ok[k];
        out.orphan_share[k] = if out.ok[k] > 0.0 {
            (a.ok[k] * a.orphan_share[k] + b.ok[k] * b.orphan_share[k]) / out.ok[k]
        } else {
            0.0
        };
        out.failed[k] = a.failed[k] + b.failed[k];
        out.dropped[k] = a.dropped[k] + b.dropped[k];
        out.dropped_users[k] = a.dropped_users[k] + b.dropped_users[k];
        out.late[k] = a.late[k] + b.late[k];
        out.late_users[k] = a.late_users[k] + b.late_users[k];
        out.expired[k] = a.expired[k] + b.expired[k];
        let (sa, sb) = (served(a, k), served(b, k));
        let share = if sa + sb > 0.0 { sb / (sa + sb) } else { 0.0 };
        let base = if sa > 0.0 || sb <= 0.0 {
            a.delay[k]
        } else {
            b.delay[k]
        };
        out.delay[k] = super::station::Delay {
            slow: SlowBranch {
                share,
                wait: b.delay[k].wait,
                service_s: b.delay[k].service_s,
            },
            ..base
        };
    }
    let served_a: f64 = (0..4).map(|k| served(a, k)).sum();
    let served_b: f64 = (0..4).map(|k| served(b, k)).sum();
    out.mean_response_s = if served_a + served_b > 0.0 {
        (a.mean_response_s * served_a + b.mean_response_s * served_b) / (served_a + served_b)
    } else {
        0.0
    };
    let servers = servers_a + servers_b;
    out.utilization = if servers > 0.0 {
        (a.utilization * servers_a + b.utilization * servers_b) / servers
    } else {
        0.0
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(x: PerClass<f64>) -> f64 {
        x.iter().sum()
    }

    #[test]
    fn round_robin_gives_it_a_turn_and_least_outstanding_a_share_by_speed() {
        let sick = SickInstance::new(3.0, AzRef { region: 0, az: 0 }, None);
        assert_eq!(sick.share(Split::Even, 4), 0.25);
        assert!((sick.share(Split::BySpeed, 4) - 0.1).abs() < 1e-12);
        // Alone it takes everything, whatever the balancer.
        assert_eq!(sick.share(Split::BySpeed, 1), 1.0);
    }

    #[test]
    fn every_request_is_served_failed_or_still_waiting_whichever_instance_takes_it() {
        for split in [Split::Even, Split::BySpeed] {
            let mut sick = SickInstance::new(6.0, AzRef { region: 0, az: 0 }, None);
            let mut healthy = Station::default();
            let cap = Capacity {
                queues: 4.0,
                ..Capacity::with_timeout(8.0, [0.05; 4], 10.0, 0.0)
            };
            let mut arrived = 0.0;
            let mut outcomes = 0.0;
            for _ in 0..300 {
                let a = [0.0, 96.0, 0.0, 0.0];
                arrived += 96.0;
                let t = sick.tick(&mut healthy, a, [0.0; 4], cap, (4, 2), split, 1.0);
                // `ok` and `late` were served, `dropped` left the queue; `expired` are still
                // queued (for nobody) and leave later as one of those.
                outcomes += total(t.ok) + total(t.late) + total(t.dropped);
            }
            let waiting = healthy.queued() + sick.station.queued();
            assert!(
                (arrived - outcomes - waiting).abs() < 1e-6 * arrived,
                "{split:?}: {arrived} {outcomes} {waiting}"
            );
        }
    }
}
