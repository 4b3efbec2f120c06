//! One queueing station: `c` servers with a shared queue, stepped one simulated second at a time.
//!
//! Requests are counted as real numbers (a fluid), so a second costs the same at 1 request per
//! second as at a million. Two regimes:
//! - **Below capacity** the queue is an M/M/c system in steady state: a request waits with the
//!   Erlang C probability, for an exponential time (see [`super::queueing`]).
//! - **Above capacity** the excess piles up as a backlog that is served first-in first-out; a
//!   request arriving now waits `backlog work / servers`. Whatever could not be served before its
//!   timeout is dropped as a timed-out error, so the backlog never holds more than the timeout's
//!   worth of work.

use super::queueing::{erlang_c, response_tail};
use crate::arch::PerClass;

/// Utilisation at which the steady-state formulas stop: beyond it the fluid backlog takes over.
const RHO_CAP: f64 = 0.99;

/// How long one class of request spends at a station, as parameters to sample from.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Delay {
    /// Network, injected latency and the wait behind the backlog (seconds).
    pub fixed_s: f64,
    /// Probability of waiting in the steady-state queue.
    pub p_wait: f64,
    /// Rate of that wait when it happens (1/s).
    pub wait_rate: f64,
    /// Mean service time (exponential); 0 for a fixed-latency hop.
    pub service_s: f64,
}

impl Delay {
    pub fn fixed(seconds: f64) -> Self {
        Self {
            fixed_s: seconds,
            ..Self::default()
        }
    }

    /// Mean of the delay.
    pub fn mean_s(&self) -> f64 {
        let wait = if self.p_wait > 0.0 {
            self.p_wait / self.wait_rate
        } else {
            0.0
        };
        self.fixed_s + wait + self.service_s
    }
}

/// What a station did in one second.
#[derive(Debug, Clone, Copy, Default)]
pub struct StationTick {
    /// Served within the caller's deadline.
    pub ok: PerClass<f64>,
    /// Failed: dropped from the backlog after waiting too long, or served too late.
    pub failed: PerClass<f64>,
    /// The part of `failed` that was served, but after its caller had given up: work done for
    /// nobody. A latency sampler finds these itself by drawing past the deadline.
    pub late: PerClass<f64>,
    /// Share of this second's served and failed requests whose caller had given up before they
    /// arrived here (orphans: work done for nobody, not the users' outcomes).
    pub orphan_share: PerClass<f64>,
    /// Offered work divided by capacity: above 1 means overload.
    pub utilization: f64,
    pub delay: PerClass<Delay>,
    /// Mean time in the station (wait + service) of this second's requests.
    pub mean_response_s: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Station {
    /// Requests waiting, per class.
    pub backlog: PerClass<f64>,
    /// The part of the backlog nobody waits for any more.
    pub orphans: PerClass<f64>,
}

/// The fixed part of a station's set-up for one second.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub servers: f64,
    /// Mean service time per class (seconds).
    pub service_s: PerClass<f64>,
    /// How long a request may wait in the backlog before the server drops it (seconds, from
    /// its arrival). With deadline propagation this is the caller's own deadline.
    pub queue_s: f64,
    /// The caller's patience for wait + service here, per class (seconds): what it gives this
    /// station of its timeout. A request served past it is late.
    pub deadline_s: PerClass<f64>,
    /// Latency outside the queue (network hop, injected latency).
    pub fixed_s: f64,
}

impl Capacity {
    /// A station whose caller gives up after `timeout_s` (fixed latency included) and whose
    /// server drops what its caller gave up on (a database cancelling a timed-out query).
    pub fn with_timeout(
        servers: f64,
        service_s: PerClass<f64>,
        timeout_s: f64,
        fixed_s: f64,
    ) -> Self {
        let budget = (timeout_s - fixed_s).max(0.0);
        Self {
            servers,
            service_s,
            queue_s: budget,
            deadline_s: [budget; 4],
            fixed_s,
        }
    }
}

impl Station {
    pub fn queued(&self) -> f64 {
        self.backlog.iter().sum()
    }

    /// Requests waiting that somebody still waits for.
    pub fn queued_live(&self) -> PerClass<f64> {
        std::array::from_fn(|k| (self.backlog[k] - self.orphans[k]).max(0.0))
    }

    /// Fails everything waiting (the servers are gone) and returns how much failed per class,
    /// counting only requests somebody still waited for.
    pub fn drop_all(&mut self) -> PerClass<f64> {
        let live = self.queued_live();
        self.backlog = [0.0; 4];
        self.orphans = [0.0; 4];
        live
    }

    /// Steps one second with `arrivals` requests per class, `orphans` of which nobody waits for.
    pub fn tick(
        &mut self,
        arrivals: PerClass<f64>,
        orphans: PerClass<f64>,
        cap: Capacity,
        dt: f64,
    ) -> StationTick {
        let mut out = StationTick::default();
        for k in 0..4 {
            let demand = arrivals[k] + self.backlog[k];
            out.orphan_share[k] = if demand > 0.0 {
                ((orphans[k] + self.orphans[k]) / demand).clamp(0.0, 1.0)
            } else {
                0.0
            };
        }
        if cap.servers < 1.0 {
            // No server to take them: everything that arrives or waits fails.
            out.failed = std::array::from_fn(|k| arrivals[k] + self.backlog[k]);
            self.backlog = [0.0; 4];
            self.orphans = [0.0; 4];
            out.utilization = if arrivals.iter().sum::<f64>() > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
            return out;
        }
        let s = cap.service_s;
        let work = |counts: &PerClass<f64>| (0..4).map(|k| counts[k] * s[k]).sum::<f64>();
        let offered_work = work(&arrivals);
        let queued_work = work(&self.backlog);
        out.utilization = offered_work / (cap.servers * dt);

        // Who is served this second: first the backlog, then the new arrivals, up to capacity.
        let capacity = cap.servers * dt;
        let demand_work = queued_work + offered_work;
        let served_fraction = if demand_work <= capacity {
            1.0
        } else {
            capacity / demand_work
        };
        let mut processed = [0.0; 4];
        let mut left = [0.0; 4];
        for k in 0..4 {
            let demand = arrivals[k] + self.backlog[k];
            processed[k] = demand * served_fraction;
            left[k] = demand - processed[k];
        }
        // Drop what could not start before the server gives up on it, leaving it at least its
        // mean service time (approximation: the backlog is a fluid, so its wait is its work
        // over the servers, and everything waiting shares one age).
        let arrived: f64 = arrivals.iter().sum();
        let demand: f64 = (0..4).map(|k| arrivals[k] + self.backlog[k]).sum();
        let mean_service = if demand > 0.0 {
            (offered_work + queued_work) / demand
        } else {
            0.0
        };
        let left_work = work(&left);
        let max_backlog_work = cap.servers * (cap.queue_s - mean_service).max(0.0);
        if left_work > max_backlog_work {
            let keep = if left_work > 0.0 {
                max_backlog_work / left_work
            } else {
                0.0
            };
            for (failed, waiting) in out.failed.iter_mut().zip(&mut left) {
                *failed += *waiting * (1.0 - keep);
                *waiting *= keep;
            }
        }
        self.backlog = left;
        self.orphans = std::array::from_fn(|k| left[k] * out.orphan_share[k]);

        // Latency of what was served: behind the backlog, or in the steady-state queue.
        let fluid_wait = (queued_work / cap.servers).min(cap.queue_s.max(0.0));
        let (p_wait, wait_rate) = if queued_work > 0.0 || arrived <= 0.0 {
            (0.0, 0.0)
        } else {
            let mean_service = offered_work / arrived;
            let load = (offered_work / dt).min(RHO_CAP * cap.servers.floor());
            let c = erlang_c(cap.servers, load);
            (c, (cap.servers.floor() - load) / mean_service)
        };
        let mut response_sum = 0.0;
        let mut served_sum = 0.0;
        for k in 0..4 {
            if processed[k] <= 0.0 {
                continue;
            }
            let remaining = cap.deadline_s[k] - fluid_wait;
            let late = if remaining <= 0.0 {
                1.0
            } else if queued_work > 0.0 {
                // Behind a backlog the wait is fixed: late when the service outlasts the rest.
                if s[k] > 0.0 {
                    libm::exp(-remaining / s[k])
                } else {
                    0.0
                }
            } else {
                response_tail(p_wait, wait_rate, s[k], remaining)
            };
            out.failed[k] += processed[k] * late;
            out.late[k] = processed[k] * late;
            out.ok[k] = processed[k] * (1.0 - late);
            out.delay[k] = Delay {
                fixed_s: cap.fixed_s + fluid_wait,
                p_wait,
                wait_rate,
                service_s: s[k],
            };
            let mean_wait = if p_wait > 0.0 {
                p_wait / wait_rate
            } else {
                0.0
            };
            response_sum += processed[k] * (fluid_wait + mean_wait + s[k]);
            served_sum += processed[k];
        }
        out.mean_response_s = if served_sum > 0.0 {
            response_sum / served_sum
        } else {
            0.0
        };
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(servers: f64, service_s: f64) -> Capacity {
        Capacity::with_timeout(servers, [service_s; 4], 10.0, 0.0)
    }

    fn total(x: PerClass<f64>) -> f64 {
        x.iter().sum()
    }

    #[test]
    fn below_capacity_everything_is_served_at_once() {
        let mut st = Station::default();
        let t = st.tick([0.0, 50.0, 0.0, 0.0], [0.0; 4], cap(10.0, 0.1), 1.0);
        assert!((total(t.ok) - 50.0).abs() < 1e-9);
        assert_eq!(st.queued(), 0.0);
        assert!((t.utilization - 0.5).abs() < 1e-12);
        assert!(t.delay[1].p_wait > 0.0 && t.delay[1].p_wait < 0.5);
    }

    #[test]
    fn overload_builds_a_backlog_that_drains_afterwards_and_conserves_requests() {
        let mut st = Station::default();
        let c = cap(10.0, 0.1); // 100 requests per second
        let mut arrived = 0.0;
        let mut done = 0.0;
        for second in 0..20 {
            let a = if second < 10 { 150.0 } else { 20.0 };
            arrived += a;
            let t = st.tick([0.0, a, 0.0, 0.0], [0.0; 4], c, 1.0);
            done += total(t.ok) + total(t.failed);
            if second == 9 {
                assert!(st.queued() > 400.0, "backlog {}", st.queued());
                assert!(t.delay[1].fixed_s > 4.0, "wait {}", t.delay[1].fixed_s);
            }
        }
        assert!((arrived - done - st.queued()).abs() < 1e-6);
        assert_eq!(st.queued(), 0.0, "drained");
    }

    #[test]
    fn sustained_overload_times_out_the_excess() {
        let mut st = Station::default();
        let c = Capacity::with_timeout(10.0, [0.1; 4], 2.0, 0.0);
        let mut failed = 0.0;
        let mut ok = 0.0;
        for _ in 0..600 {
            let t = st.tick([0.0, 200.0, 0.0, 0.0], [0.0; 4], c, 1.0);
            failed += total(t.failed);
            ok += total(t.ok);
        }
        // Capacity is 100/s: half is dropped, the backlog holds at most 2 s of work less a
        // service time, and what is served has waited that long: its service outlasts the
        // deadline with probability e^-1 (work done for nobody).
        assert!(st.queued() <= 190.0 + 1e-9, "{}", st.queued());
        let ratio = failed / (ok + failed);
        let want = 0.5 + 0.5 * (-1f64).exp();
        assert!((ratio - want).abs() < 0.01, "{ratio} vs {want}");
    }

    #[test]
    fn no_request_is_served_after_its_deadline_when_the_caller_is_impatient() {
        // The server keeps requests 60 s, the caller waits 2 s: once the backlog is longer
        // than that, everything served is late.
        let mut st = Station::default();
        let c = Capacity {
            queue_s: 60.0,
            deadline_s: [2.0; 4],
            ..Capacity::with_timeout(10.0, [0.1; 4], 2.0, 0.0)
        };
        let mut last = StationTick::default();
        for _ in 0..30 {
            last = st.tick([0.0, 200.0, 0.0, 0.0], [0.0; 4], c, 1.0);
        }
        assert_eq!(total(last.ok), 0.0);
        assert!(total(last.late) > 99.0, "{:?}", last.late);
        assert!(last.delay[1].fixed_s > 2.0);
    }

    #[test]
    fn no_servers_fails_everything_including_the_backlog() {
        let mut st = Station::default();
        st.tick([0.0, 300.0, 0.0, 0.0], [0.0; 4], cap(1.0, 0.1), 1.0);
        let waiting = st.queued();
        assert!(waiting > 0.0);
        let t = st.tick([0.0, 5.0, 0.0, 0.0], [0.0; 4], cap(0.0, 0.1), 1.0);
        assert!((total(t.failed) - waiting - 5.0).abs() < 1e-9);
        assert_eq!(st.queued(), 0.0);
    }
}
