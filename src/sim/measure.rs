//! What a second looked like from the users' side: requests offered, served and failed,
//! latency percentiles, and whether the SLO holds over the last minute.

use super::events::EventKind;
use super::latency::Histogram;
use super::{NodeState, Simulation};
use crate::arch::{PerClass, USER_CLASSES};

/// The SLO is judged over this many seconds.
pub const SLO_WINDOW_S: usize = 60;

/// The users' view of one simulated second.
#[derive(Debug, Clone, Default)]
pub struct Second {
    /// Seconds since the start of the run (the second just simulated).
    pub t: u64,
    /// Requests offered per class.
    pub offered: PerClass<f64>,
    pub served: f64,
    pub failed: f64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Share of served requests slower than the SLO's p99 target.
    pub slow_share: f64,
}

impl Second {
    pub fn offered_total(&self) -> f64 {
        USER_CLASSES.iter().map(|&c| self.offered[c as usize]).sum()
    }

    /// Failed over finished (served + failed); 0 with no traffic.
    pub fn error_rate(&self) -> f64 {
        let finished = self.served + self.failed;
        if finished > 0.0 {
            self.failed / finished
        } else {
            0.0
        }
    }
}

/// Sums over the whole run.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub offered: f64,
    pub served: f64,
    pub failed: f64,
    /// Latencies of served requests, weighted by the requests each sample stands for.
    pub latency: Histogram,
    /// Served requests slower than the SLO's p99 target.
    pub slow: f64,
    /// Seconds during which the SLO was breached.
    pub breached_s: u64,
}

impl Totals {
    pub fn availability(&self) -> f64 {
        let finished = self.served + self.failed;
        if finished > 0.0 {
            self.served / finished
        } else {
            1.0
        }
    }
}

/// The last minute, to tell when the SLO starts and stops being met.
#[derive(Debug, Clone)]
pub struct SloWindow {
    /// (served, failed, slow) per second, as a ring.
    ring: [(f64, f64, f64); SLO_WINDOW_S],
    next: usize,
    pub breached_since: Option<u64>,
}

impl Default for SloWindow {
    fn default() -> Self {
        Self {
            ring: [(0.0, 0.0, 0.0); SLO_WINDOW_S],
            next: 0,
            breached_since: None,
        }
    }
}

impl SloWindow {
    fn push(&mut self, second: (f64, f64, f64)) {
        self.ring[self.next] = second;
        self.next = (self.next + 1) % SLO_WINDOW_S;
    }

    /// Availability and share of slow requests over the window.
    pub fn state(&self) -> (f64, f64) {
        let (served, failed, slow) = self
            .ring
            .iter()
            .fold((0.0, 0.0, 0.0), |a, s| (a.0 + s.0, a.1 + s.1, a.2 + s.2));
        let finished = served + failed;
        let availability = if finished > 0.0 {
            served / finished
        } else {
            1.0
        };
        let slow_share = if served > 0.0 { slow / served } else { 0.0 };
        (availability, slow_share)
    }
}

impl Simulation {
    pub(super) fn measure(&mut self, t: f64) {
        let user = USER_CLASSES.map(|c| c as usize);
        let sc = &self.scratch;
        let served: f64 = sc
            .done
            .iter()
            .map(|d| user.iter().map(|&k| d[k]).sum::<f64>())
            .sum();
        let failed: f64 = sc
            .failed
            .iter()
            .map(|f| user.iter().map(|&k| f[k]).sum::<f64>())
            .sum();
        let offered = self.last.offered;
        let mix = [offered[0], offered[1], offered[2]];
        self.sampler
            .run(self.arch.entry, mix, &sc.steps, &mut self.latency_rng);

        let target_s = self.arch.slo.p99_ms / 1e3;
        let samples = self.sampler.samples.len();
        let slow_samples = self
            .sampler
            .samples
            .iter()
            .filter(|&&s| s > target_s)
            .count();
        let slow_share = if samples > 0 {
            slow_samples as f64 / samples as f64
        } else {
            0.0
        };
        if samples > 0 {
            let weight = served / samples as f64;
            for &s in &self.sampler.samples {
                self.totals.latency.add(s, weight);
            }
        }
        let ms = |v: Option<f64>| v.map(|s| s * 1e3);
        let [p50, p95, p99] = self.sampler.percentiles();
        self.last = super::Second {
            t: t as u64,
            offered,
            served,
            failed,
            p50_ms: ms(p50),
            p95_ms: ms(p95),
            p99_ms: ms(p99),
            slow_share,
        };
        self.totals.offered += self.last.offered_total();
        self.totals.served += served;
        self.totals.failed += failed;
        self.totals.slow += served * slow_share;
        self.judge_slo(served, failed, served * slow_share);
    }

    fn judge_slo(&mut self, served: f64, failed: f64, slow: f64) {
        self.slo.push((served, failed, slow));
        let (availability, slow_share) = self.slo.state();
        let slo = self.arch.slo;
        let too_slow = slow_share > 0.01;
        let too_many_errors = availability < slo.availability;
        match (too_slow || too_many_errors, self.slo.breached_since) {
            (true, None) => {
                // The first second counts too, so the total matches the events' durations.
                self.totals.breached_s += 1;
                self.slo.breached_since = Some(self.t);
                let why = if too_many_errors {
                    format!(
                        "availability {:.3}% over the last minute, target {:.3}%",
                        availability * 100.0,
                        slo.availability * 100.0
                    )
                } else {
                    format!(
                        "{:.1}% of requests slower than {:.0} ms over the last minute (p99 target)",
                        slow_share * 100.0,
                        slo.p99_ms
                    )
                };
                self.events.push(EventKind::SloBreach, None, why);
            }
            (false, Some(since)) => {
                self.slo.breached_since = None;
                self.events.push(
                    EventKind::Recovered,
                    None,
                    format!(
                        "SLO met again over the last minute (breached for {})",
                        crate::units::Duration::from_secs(self.t - since)
                    ),
                );
            }
            (true, Some(_)) => self.totals.breached_s += 1,
            (false, None) => {}
        }
    }

    /// User requests waiting in some queue right now (served or failed later).
    pub fn queued_requests(&self) -> f64 {
        let user = |b: &PerClass<f64>| USER_CLASSES.iter().map(|&c| b[c as usize]).sum::<f64>();
        self.nodes
            .iter()
            .map(|s| match s {
                NodeState::Pool(p) => user(&p.station.backlog),
                NodeState::Cache(c) => user(&c.station.backlog),
                NodeState::Database(db) => {
                    user(&db.writer_station.backlog)
                        + db.replicas
                            .as_ref()
                            .map_or(0.0, |r| user(&r.station.backlog))
                }
                _ => 0.0,
            })
            .sum()
    }
}
