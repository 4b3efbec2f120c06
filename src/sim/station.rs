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
    /// Waiting plus service beyond this many seconds is a timeout.
    pub budget_s: f64,
}

impl Delay {
    pub fn fixed(seconds: f64) -> Self {
        Self {
            fixed_s: seconds,
            budget_s: f64::INFINITY,
            ..Self::default()
        }
    }
}

/// What a station did in one second.
#[derive(Debug, Clone, Copy, Default)]
pub struct StationTick {
    /// Completed without error.
    pub ok: PerClass<f64>,
    /// Timed out (dropped from the backlog, or waited too long).
    pub failed: PerClass<f64>,
    /// The part of `failed` that waited too long in the steady-state queue: a latency sampler
    /// finds these itself by drawing past the timeout.
    pub late: PerClass<f64>,
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
}

/// The fixed part of a station's set-up for one second.
#[derive(Debug, Clone, Copy)]
pub struct Capacity {
    pub servers: f64,
    /// Mean service time per class (seconds).
    pub service_s: PerClass<f64>,
    pub timeout_s: f64,
    /// Latency outside the queue (network hop, injected latency).
    pub fixed_s: f64,
}

impl Station {
    pub fn queued(&self) -> f64 {
        self.backlog.iter().sum()
    }

    /// Fails everything waiting (the servers are gone) and returns how much failed per class.
    pub fn drop_all(&mut self) -> PerClass<f64> {
        std::mem::take(&mut self.backlog)
    }

    /// Steps one second with `arrivals` requests per class.
    pub fn tick(&mut self, arrivals: PerClass<f64>, cap: Capacity, dt: f64) -> StationTick {
        let mut out = StationTick::default();
        if cap.servers < 1.0 {
            // No server to take them: everything that arrives or waits fails.
            let dropped = self.drop_all();
            for k in 0..4 {
                out.failed[k] = arrivals[k] + dropped[k];
            }
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
        let budget = (cap.timeout_s - cap.fixed_s).max(0.0);
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
        // Drop what cannot be served within the timeout.
        let left_work = work(&left);
        let max_backlog_work = cap.servers * budget;
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

        // Latency of what was served: behind the backlog, or in the steady-state queue.
        let fluid_wait = (queued_work / cap.servers).min(budget);
        let arrived: f64 = arrivals.iter().sum();
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
            let remaining_budget = budget - fluid_wait;
            let late = if queued_work > 0.0 {
                0.0 // the backlog cap already removed what would have waited too long
            } else {
                response_tail(p_wait, wait_rate, s[k], remaining_budget)
            };
            out.failed[k] += processed[k] * late;
            out.late[k] = processed[k] * late;
            out.ok[k] = processed[k] * (1.0 - late);
            out.delay[k] = Delay {
                fixed_s: cap.fixed_s + fluid_wait,
                p_wait,
                wait_rate,
                service_s: s[k],
                budget_s: if queued_work > 0.0 {
                    f64::INFINITY
                } else {
                    remaining_budget
                },
            };
            let mean_wait = if p_wait > 0.0 {
                p_wait / wait_rate
            } else {
                0.0
            };
            response_sum += out.ok[k] * (fluid_wait + mean_wait + s[k]);
            served_sum += out.ok[k];
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
        Capacity {
            servers,
            service_s: [service_s; 4],
            timeout_s: 10.0,
            fixed_s: 0.0,
        }
    }

    fn total(x: PerClass<f64>) -> f64 {
        x.iter().sum()
    }

    #[test]
    fn below_capacity_everything_is_served_at_once() {
        let mut st = Station::default();
        let t = st.tick([0.0, 50.0, 0.0, 0.0], cap(10.0, 0.1), 1.0);
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
            let t = st.tick([0.0, a, 0.0, 0.0], c, 1.0);
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
        let c = Capacity {
            timeout_s: 2.0,
            ..cap(10.0, 0.1)
        };
        let mut failed = 0.0;
        let mut ok = 0.0;
        for _ in 0..600 {
            let t = st.tick([0.0, 200.0, 0.0, 0.0], c, 1.0);
            failed += total(t.failed);
            ok += total(t.ok);
        }
        // Capacity is 100/s: about half fails, the backlog holds at most 2 s of work.
        assert!(st.queued() <= 200.0 + 1e-9, "{}", st.queued());
        let ratio = failed / (ok + failed);
        assert!((ratio - 0.5).abs() < 0.01, "{ratio}");
    }

    #[test]
    fn no_servers_fails_everything_including_the_backlog() {
        let mut st = Station::default();
        st.tick([0.0, 300.0, 0.0, 0.0], cap(1.0, 0.1), 1.0);
        let waiting = st.queued();
        assert!(waiting > 0.0);
        let t = st.tick([0.0, 5.0, 0.0, 0.0], cap(0.0, 0.1), 1.0);
        assert!((total(t.failed) - waiting - 5.0).abs() < 1e-9);
        assert_eq!(st.queued(), 0.0);
    }
}
