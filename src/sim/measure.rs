//! What a second looked like from the users' side: requests offered, served and failed,
//! latency percentiles, and whether the SLO holds over the last minute.

use super::events::EventKind;
use super::latency::{Histogram, Outcome};
use super::latency_window::{WindowMark, percentiles_of};
use super::{NodeState, Simulation};
use crate::arch::{PerClass, users_total};

/// Failed requests per second below this are rounding, not requests: they take no place in
/// the latency figures.
const FAILURE_DUST: f64 = 1e-6;

/// The SLO is judged over this many seconds.
pub const SLO_WINDOW_S: usize = 60;

/// The users' view of one simulated second.
#[derive(Debug, Clone, Default)]
pub struct Second {
    /// Seconds since the start of the run (the second just simulated).
    pub t: u64,
    /// New requests per class (first attempts).
    pub offered: PerClass<f64>,
    /// Retries sent per class (attempts after the first).
    pub retries: PerClass<f64>,
    /// Requests failed in the client without being sent (breaker open, retry budget spent).
    pub blocked: PerClass<f64>,
    /// Requests answered in time (goodput).
    pub served: f64,
    /// Requests that failed for good (their last attempt failed, or none was allowed).
    pub failed: f64,
    /// Requests served after their caller had given up: work done for nobody.
    pub wasted: f64,
    /// Reads answered from a replica too far behind its writer.
    pub stale: f64,
    /// Share of finished requests (failures included) slower than the SLO's p99 target.
    pub slow_share: f64,
    /// What the architecture costs per hour at this second's size and traffic (US dollars).
    pub cost_per_hour: f64,
}

/// A second's latency percentiles (milliseconds; see [`Simulation::latency`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Latency {
    /// Of every request finished, failures at the time they took to fail: what users waited.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// The same over answered requests only.
    pub ok_p50_ms: Option<f64>,
    pub ok_p95_ms: Option<f64>,
    pub ok_p99_ms: Option<f64>,
}

impl Latency {
    /// The percentiles of a window of walks, as [`Simulation::latency`] gives them.
    pub fn of_walks(walks: &[Outcome]) -> Self {
        let ms = |v: Option<f64>| v.map(|s| s * 1e3);
        let [[p50, p95, p99], [ok50, ok95, ok99]] = percentiles_of(walks);
        Latency {
            p50_ms: ms(p50),
            p95_ms: ms(p95),
            p99_ms: ms(p99),
            ok_p50_ms: ms(ok50),
            ok_p95_ms: ms(ok95),
            ok_p99_ms: ms(ok99),
        }
    }
}

impl Second {
    /// Attempts offered: new requests and retries.
    pub fn offered_total(&self) -> f64 {
        users_total(&self.offered) + users_total(&self.retries)
    }

    /// Retries among the attempts offered.
    pub fn retries_total(&self) -> f64 {
        users_total(&self.retries)
    }

    /// Retries over attempts offered; 0 with no traffic.
    pub fn retry_share(&self) -> f64 {
        let attempts = self.offered_total();
        if attempts > 0.0 {
            self.retries_total() / attempts
        } else {
            0.0
        }
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
    /// Attempts offered: new requests and retries.
    pub offered: f64,
    /// Retries among them.
    pub retries: f64,
    /// Failed attempts the clients scheduled to retry.
    pub retried: f64,
    pub served: f64,
    pub failed: f64,
    /// Latencies of every finished request (failures at the time they took), weighted by the
    /// requests each sample stands for.
    pub latency: Histogram,
    /// Latencies of answered requests only.
    pub latency_ok: Histogram,
    /// Finished requests slower than the SLO's p99 target.
    pub slow: f64,
    /// Seconds during which the SLO was breached.
    pub breached_s: u64,
    /// Acknowledged writes lost with a region (not yet replicated elsewhere).
    pub writes_lost: f64,
    /// Reads answered from a replica too far behind its writer.
    pub stale: f64,
    /// What the run cost (US dollars), and its most expensive hour's rate.
    pub cost_usd: f64,
    pub peak_cost_per_hour: f64,
}

impl Totals {
    /// What the run cost per million requests it answered; `None` before one was.
    pub fn cost_per_million_requests(&self) -> Option<f64> {
        (self.served >= 1.0).then(|| self.cost_usd / self.served * 1e6)
    }

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
        let slow_share = if finished > 0.0 { slow / finished } else { 0.0 };
        (availability, slow_share)
    }
}

impl Simulation {
    pub(super) fn measure(&mut self, t: f64) {
        let users = self.scratch.users;
        // Failed attempts the clients retry are not failed requests yet.
        let settled = self.user_retries.settle(self.t, t, users.failed);
        let served = users_total(&users.answered);
        let failed = users_total(&settled.gave_up) + users_total(&self.last.blocked);
        let offered = self.last.offered;
        let mix = [offered[0], offered[1], offered[2]];
        let retries = super::latency::Retries {
            share: self.user_retries.retry_share(),
            blocked: self.user_retries.refused_at_once(),
            retrier: &self.user_retries,
        };
        let drawn = self.latency_window.draw(
            self.arch.entry,
            mix,
            (&self.scratch.steps, &self.scratch.reached),
            &retries,
            &mut self.latency_rng,
        );
        let target_s = self.arch.slo.p99_ms / 1e3;
        let finished = served + failed;
        // Each new answered walk stands for an equal part of this second's answered requests,
        // each new failed walk for an equal part of the failed ones.
        let share = |total: f64, walks: usize| if walks > 0 { total / walks as f64 } else { 0.0 };
        let fresh = &self.latency_window.fresh;
        let ok_weight = share(served, fresh.samples.len());
        let totals = &mut self.totals;
        Histogram::add_to_both(
            [&mut totals.latency_ok, &mut totals.latency],
            &fresh.samples,
            ok_weight,
        );
        let attempts_failed = users_total(&users.failed);
        if fresh.failures.is_empty() && failed > FAILURE_DUST && attempts_failed > 0.0 {
            // Failures too rare for the walks to meet still took time: their mean, from the
            // flow. It joins the window only when one of this second's walks could have met it.
            let mean = users.failed_s / attempts_failed;
            self.totals.latency.add(mean, failed);
            if failed * drawn as f64 >= finished {
                self.latency_window.push_failure(mean);
            }
        } else {
            let fail_weight = share(failed, fresh.failures.len());
            for &s in &fresh.failures {
                self.totals.latency.add(s, fail_weight);
            }
        }
        let slow_share = self.latency_window.slower_than(target_s);
        self.last = super::Second {
            t: t as u64,
            offered,
            retries: self.last.retries,
            blocked: self.last.blocked,
            served,
            failed,
            wasted: users.wasted,
            stale: users.stale,
            slow_share,
            cost_per_hour: self.cost_per_hour(),
        };
        self.totals.cost_usd += self.last.cost_per_hour / 3_600.0;
        self.totals.peak_cost_per_hour =
            self.totals.peak_cost_per_hour.max(self.last.cost_per_hour);
        self.totals.offered += self.last.offered_total();
        self.totals.retries += self.last.retries_total();
        self.totals.retried += users_total(&settled.retried);
        self.totals.served += served;
        self.totals.stale += users.stale;
        self.totals.failed += failed;
        self.totals.slow += finished * slow_share;
        self.judge_slo(served, failed, finished * slow_share);
    }

    /// The latency percentiles of the last second: read from the synthetic requests walked
    /// over its last few seconds (see `latency_window`), and worked out only when asked.
    pub fn latency(&self) -> Latency {
        Latency::of_walks(self.latency_window.walks())
    }

    /// What a copy of the walks the percentiles are read from needs to catch up, for a caller
    /// that works them out elsewhere (`--metrics` writes its lines on a thread of their own);
    /// see [`super::latency_window::LatencyWindow::changes_since`].
    pub fn latency_changes(&self, mark: &mut WindowMark, out: &mut Vec<Outcome>) -> bool {
        self.latency_window.changes_since(mark, out)
    }

    /// The last second's p99 of every request (milliseconds): `latency().p99_ms`, without the
    /// other five.
    pub fn p99_ms(&self) -> Option<f64> {
        self.latency_window.quantiles([0.99])[0].map(|s| s * 1e3)
    }

    /// The last second's p50 and p99 of every request (milliseconds): `latency()`'s, without
    /// the other four (the dashboard keeps these two for every second).
    pub fn p50_p99_ms(&self) -> [Option<f64>; 2] {
        self.latency_window
            .quantiles([0.50, 0.99])
            .map(|s| s.map(|s| s * 1e3))
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

    /// User requests waiting in some queue right now (served or failed later), not counting
    /// work waiting for callers who already gave up.
    pub fn queued_requests(&self) -> f64 {
        let user = |s: &super::station::Station| users_total(&s.queued_live());
        self.nodes
            .iter()
            .map(|s| match s {
                NodeState::Pool(p) => {
                    user(&p.station)
                        + p.sick.as_ref().map_or(0.0, |s| user(s.station()))
                        + user(&p.holding.threads.station)
                        + user(&p.holding.connections.station)
                }
                NodeState::Cache(c) => user(&c.station),
                NodeState::Database(db) => {
                    user(&db.writer_station)
                        + db.replicas.as_ref().map_or(0.0, |r| user(&r.station))
                }
                _ => 0.0,
            })
            .sum::<f64>()
            + self.user_retries.pending()
            + self.pending_call_retries()
    }
}
